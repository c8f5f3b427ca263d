from tests.gui_helpers import close_window, open_window
from tests.test_panels_after_first_rows import _start


def test_probe(qtbot, demo_db, tmp_path):
    window = _start(qtbot, demo_db, tmp_path)
    window.resize(1366, 740)
    qtbot.waitUntil(lambda: window.docks.complete, timeout=20_000)
    qtbot.wait(1500)
    window.grab().save("/tmp/shot_all_panels.png")
    close_window(window)
    (tmp_path / "app").rename(tmp_path / "app1")
    window = open_window(qtbot, demo_db, tmp_path)
    window.resize(1366, 740)
    qtbot.wait(1500)
    window.grab().save("/tmp/shot_old.png")
    close_window(window)
