"""The shared half of the import benchmarks (staff_import.py, request_import.py).

Ours runs the preview and apply in a child process on one copy of the trust (so its peak memory is
its own), the raw reference writes the same rows into another copy, in the same run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def ours_and_reference(
    script: str, base: Path, data: Path, user_id: int, reference: Callable[[Path, Path], float]
) -> tuple[dict[str, Any], float]:
    """``script --child DB FILE USER``'s figures (its last line of output, JSON) and the reference's seconds."""
    ours_db, ref_db = base.with_name("ours.sqlite"), base.with_name("reference.sqlite")
    shutil.copyfile(base, ours_db)
    shutil.copyfile(base, ref_db)
    done = subprocess.run(
        [sys.executable, script, "--child", str(ours_db), str(data), str(user_id)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return figures, reference(ref_db, data)
