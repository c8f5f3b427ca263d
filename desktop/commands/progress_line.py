"""Progress for the command line: a line on stderr every tenth of the way."""

from __future__ import annotations

from typing import TextIO


class PercentProgress:
    """A ``db.progress.Progress`` that prints ``40%  Writing…`` lines; never cancels."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last = -1

    def report(self, done: int, total: int, text: str = "") -> None:
        percent = int(100 * done / total) if total else 0
        if percent // 10 != self.last:
            self.last = percent // 10
            print(f"{percent:3d}%  {text}", file=self.stream)

    def check_cancelled(self) -> None:
        pass
