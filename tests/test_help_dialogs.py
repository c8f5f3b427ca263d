"""Help › About and Help › User guide, and the version they show."""

from __future__ import annotations

import re
import struct
import tomllib
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication

from desktop.dialogs.about_dialog import AboutDialog
from desktop.dialogs.user_guide_dialog import UserGuideDialog, guide_path
from desktop.launch import create_application
from desktop.paths import AppPaths
from desktop.version import __version__
from tests.gui_helpers import close_window, open_window

ROOT = Path(__file__).resolve().parent.parent


def test_version_comes_from_pyproject() -> None:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        assert __version__ == tomllib.load(fh)["project"]["version"]


def test_about_shows_version_database_and_folders(qtbot, tmp_path) -> None:
    create_application()
    paths = AppPaths.under(tmp_path)
    dialog = AboutDialog("/data/trust.sqlite", paths)
    qtbot.addWidget(dialog)
    labels = {name: label.text() for name, label in dialog.value_labels.items()}
    assert labels["Version"] == __version__
    assert labels["Database"] == "/data/trust.sqlite"
    assert labels["Logs"] == str(tmp_path / "logs")
    assert labels["Settings"] == str(tmp_path / "settings" / "trustdesk.ini")
    dialog.copy_details()
    copied = QGuiApplication.clipboard().text()
    assert f"Version: {__version__}" in copied and f"Data folder: {tmp_path / 'data'}" in copied


def test_user_guide_renders_with_its_screenshots(qtbot) -> None:
    create_application()
    dialog = UserGuideDialog()
    qtbot.addWidget(dialog)
    text = dialog.browser.toPlainText()
    assert "TrustDesk user guide" in text and "Partnership CPD" in text
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", guide_path().read_text(encoding="utf-8"))
    assert images, "the guide shows no screenshots"
    missing = [image for image in images if not (guide_path().parent / image).is_file()]
    assert not missing, f"screenshots missing (run scripts/make_screenshots.py): {missing}"


def test_every_panel_is_in_the_guide() -> None:
    from desktop.modules import MODULES

    guide = guide_path().read_text(encoding="utf-8")
    assert [module.title for module in MODULES if f"images/{module.name}.png" not in guide] == []


def test_help_menu_opens_the_guide(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    try:
        texts = [action.text() for action in window.help_menu.actions() if not action.isSeparator()]
        assert texts == ["&User guide", "Audit &log…", "&About TrustDesk"]
        window.help_menu.actions()[0].trigger()
        assert window._guide is not None
        qtbot.waitExposed(window._guide)
        window._guide.close()
    finally:
        close_window(window)


def test_application_icon_has_every_windows_size(tmp_path) -> None:
    pytest.importorskip("PySide6.QtSvg")
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_icon", ROOT / "scripts" / "make_icon.py")
    assert spec is not None and spec.loader is not None
    make_icon = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_icon)
    create_application()
    assert make_icon.main([str(tmp_path / "app.ico")]) == 0
    data = (tmp_path / "app.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(make_icon.SIZES))
    sizes = [struct.unpack_from("<B", data, 6 + 16 * i)[0] or 256 for i in range(count)]
    assert sizes == sorted(make_icon.SIZES)
    assert data[6 + 16 * count : 6 + 16 * count + 8] == b"\x89PNG\r\n\x1a\n"


def test_contents_links_scroll_to_their_section(qtbot) -> None:
    from PySide6.QtCore import QUrl

    create_application()
    dialog = UserGuideDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    links = re.findall(r"\]\(#([^)]+)\)", guide_path().read_text(encoding="utf-8"))
    assert "partnership-cpd" in links
    bar = dialog.browser.verticalScrollBar()
    for link in links:
        bar.setValue(0)
        dialog.follow_link(QUrl(f"#{link}"))
        assert bar.value() > 0, f"the contents link #{link} goes nowhere"
