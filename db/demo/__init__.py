"""The demo trust: a deterministic, fictional multi-academy trust for trying
TrustDesk, for the tests, and (at ``large`` scale) for the benchmarks.

    from db.demo import build_demo
    summary = build_demo(database, scale="small", seed=1, today=date(2025, 11, 3))
"""

from db.demo.build import DemoSummary, build_demo
from db.demo.scales import SCALES, Scale

__all__ = ["SCALES", "DemoSummary", "Scale", "build_demo"]
