"""A table's new rows are painted once: a reset is laid out at once, not on Qt's zero timer after the paint.

Left to Qt, a view lays itself out after a model reset on a zero timer that runs after the first paint,
and then repaints the whole view: every filter change of Partnership CPD painted its table twice
(1,134 ``data()`` calls more, on the window's thread, while the counts were on their way).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QObject

from db.models import PartnershipState
from tests.gui_helpers import close_window, open_window


class _PaintCount(QObject):
    def __init__(self, watched: QObject) -> None:
        super().__init__(watched)
        self.paints = 0
        watched.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def test_a_search_paints_the_organisations_table_once(qtbot, demo_db, tmp_path) -> None:
    """Every list made with ``data_table`` (here the organisations' index) gets the same."""
    window = open_window(qtbot, demo_db, tmp_path, "alex.morgan")
    panel = window.panels["organisations"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.model.rowCount() >= 10, timeout=10_000)
    qtbot.waitUntil(lambda: not window.context.ops.running, timeout=10_000)
    qtbot.wait(100)
    everyone = panel.model.rowCount()
    count = _PaintCount(panel.table.viewport())

    panel.search_box.setText("Primary")

    qtbot.waitUntil(lambda: 0 < panel.model.rowCount() < everyone and count.paints > 0, timeout=10_000)
    qtbot.waitUntil(lambda: not window.context.ops.running, timeout=10_000)
    qtbot.wait(150)  # long enough for Qt's delayed layout and its repaint, had it been left to Qt
    assert count.paints == 1
    close_window(window)


def test_a_filter_change_paints_the_partnership_table_once(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    panel = window.panels["partnership_cpd"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: not window.context.ops.running, timeout=10_000)
    qtbot.wait(100)
    count = _PaintCount(panel.table.viewport())

    with qtbot.waitSignal(panel.model.modelReset, timeout=10_000):
        panel.show_filter(replace(panel.filter, partnership_state=PartnershipState.PENDING))
    qtbot.waitUntil(lambda: count.paints > 0)
    qtbot.waitUntil(lambda: not window.context.ops.running, timeout=10_000)  # the counts, in as well
    qtbot.wait(150)
    assert count.paints == 1
    close_window(window)
