"""resources_qt: the icon set loads and renders, rcc runs only when needed, the style follows the scheme.

Qt warnings fail these tests (``qt_log_level_fail``), so an SVG that Qt's renderer complains
about, or a QSS it cannot parse, shows up here rather than on a user's screen.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import SIGNAL, QFile, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QLabel

import resources_qt
from resources_qt import ICON_NAMES, icon, icon_path, load_resources, style
from resources_qt import compile as rc
from resources_qt._icons import DARK_RECOLOUR

PACKAGE = Path(resources_qt.__file__).resolve().parent
NEUTRAL = "#3b4a5a"


def _opaque_pixels(image: QImage) -> int:
    """How many pixels are at least half opaque: a rendered icon must draw something."""
    return sum(1 for y in range(image.height()) for x in range(image.width()) if image.pixelColor(x, y).alpha() > 128)


def _colours(pixmap: QPixmap) -> set[str]:
    """The fully opaque colours in a pixmap (anti-aliased edges excluded)."""
    image = pixmap.toImage()
    return {
        image.pixelColor(x, y).name()
        for y in range(image.height())
        for x in range(image.width())
        if image.pixelColor(x, y).alpha() == 255
    }


@pytest.fixture
def restore_style(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Put the shared QApplication's look back, so other tests see the app as they expect."""
    monkeypatch.setattr(style, "_dark", None)
    style_name, palette, sheet = qapp.style().name(), QPalette(qapp.palette()), qapp.styleSheet()
    yield
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    if style_name:
        qapp.setStyle(style_name)


# --- the icon set -------------------------------------------------------------------------


def test_icon_names_and_the_resource_list_come_from_the_folder() -> None:
    on_disk = {path.stem for path in (PACKAGE / "icons").glob("*.svg")}
    assert on_disk == ICON_NAMES and "app" in ICON_NAMES
    qrc = rc.write_qrc(PACKAGE)
    in_qrc = {path.relative_to(PACKAGE).as_posix() for path in rc.listed_files(qrc)}
    assert {f"icons/{name}.svg" for name in ICON_NAMES} | {"light.qss", "dark.qss"} == in_qrc


def test_a_new_icon_is_one_new_file(source_copy: Path, compile_calls: list[Path]) -> None:
    """Dropping an SVG in icons/ puts it in the next build; removing one takes it out."""
    before = rc.ensure_compiled(source_dir=source_copy).read_text()
    shutil.copy2(source_copy / "icons" / "add.svg", source_copy / "icons" / "brand_new.svg")
    output = rc.ensure_compiled(source_dir=source_copy)
    assert len(compile_calls) == 2
    assert "brand_new.svg" in (source_copy / rc.QRC_NAME).read_text()
    assert len(output.read_text()) > len(before)
    (source_copy / "icons" / "brand_new.svg").unlink()
    rc.ensure_compiled(source_dir=source_copy)
    assert len(compile_calls) == 3
    assert "brand_new" not in (source_copy / rc.QRC_NAME).read_text()


@pytest.mark.parametrize("name", sorted(ICON_NAMES))
def test_svg_is_a_clean_24px_line_icon(name: str) -> None:
    root = ET.parse(PACKAGE / "icons" / f"{name}.svg").getroot()
    assert root.get("viewBox") == "0 0 24 24"
    assert "currentColor" not in (PACKAGE / "icons" / f"{name}.svg").read_text()


@pytest.mark.parametrize("name", sorted(ICON_NAMES))
def test_icon_loads_from_resources_and_renders(qapp: QApplication, name: str) -> None:
    load_resources()
    assert QSvgRenderer(f":/icons/{name}.svg").isValid()
    assert not QIcon(f":/icons/{name}.svg").isNull()
    themed = icon(name)
    assert not themed.isNull()
    assert themed.name() == name
    sharp = themed.pixmap(QSize(24, 24), 2.0)
    assert sharp.size() == QSize(48, 48)
    assert sharp.devicePixelRatio() == 2.0
    assert _opaque_pixels(themed.pixmap(QSize(24, 24)).toImage()) > 20
    assert not themed.pixmap(QSize(16, 16), 1.0, QIcon.Mode.Disabled).isNull()


def test_unknown_icon_name_fails_loudly() -> None:
    with pytest.raises(KeyError, match="unknown icon"):
        icon("tick")
    assert icon_path("add") == ":/icons/add.svg"


def test_icons_follow_the_applied_scheme(qapp: QApplication, restore_style: None) -> None:
    add = icon("add")  # made once, like an icon already on a toolbar
    style.apply_scheme(qapp, Qt.ColorScheme.Light)
    assert NEUTRAL in _colours(add.pixmap(QSize(48, 48)))
    style.apply_scheme(qapp, Qt.ColorScheme.Dark)
    dark_colours = _colours(add.pixmap(QSize(48, 48)))
    assert NEUTRAL not in dark_colours
    assert DARK_RECOLOUR[NEUTRAL] in dark_colours
    assert QColor(DARK_RECOLOUR[NEUTRAL]).lightness() > qapp.palette().color(QPalette.ColorRole.Window).lightness()
    style.apply_scheme(qapp, Qt.ColorScheme.Light)
    assert NEUTRAL in _colours(add.pixmap(QSize(48, 48)))


@pytest.mark.parametrize("scheme", [Qt.ColorScheme.Light, Qt.ColorScheme.Dark])
def test_selected_rows_get_white_icons(qapp: QApplication, restore_style: None, scheme: Qt.ColorScheme) -> None:
    """Selected rows sit on the strong highlight blue in both schemes; ink icons must not vanish there."""
    style.apply_scheme(qapp, scheme)
    assert _colours(icon("completed").pixmap(QSize(48, 48), 1.0, QIcon.Mode.Selected, QIcon.State.Off)) == {"#ffffff"}


def test_app_icon_keeps_its_colours_in_dark_mode(qapp: QApplication, restore_style: None) -> None:
    style.apply_scheme(qapp, Qt.ColorScheme.Light)
    light = icon("app").pixmap(QSize(64, 64)).toImage()
    style.apply_scheme(qapp, Qt.ColorScheme.Dark)
    assert icon("app").pixmap(QSize(64, 64)).toImage() == light


def test_copied_icon_survives_detach_and_garbage_collection(qapp: QApplication) -> None:
    """QIcon clones a Python engine on copy-on-write; the clone must outlive Python's references."""
    original = icon("search")
    copy = QIcon(original)
    copy.addPixmap(QPixmap(8, 8))  # forces Qt to clone the engine
    del original
    gc.collect()
    target = QPixmap(32, 32)
    target.fill(Qt.GlobalColor.transparent)
    painter = QPainter(target)
    copy.paint(painter, 0, 0, 32, 32)
    painter.end()
    assert _opaque_pixels(target.toImage()) > 0


# --- compiling the .qrc -------------------------------------------------------------------


@pytest.fixture
def source_copy(tmp_path: Path) -> Path:
    """A copy of the resource sources, so compile tests never touch the real tree."""
    folder = tmp_path / "resources_qt"
    folder.mkdir()
    for name in rc.resource_names(PACKAGE):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PACKAGE / name, target)
    return folder


@pytest.fixture
def compile_calls(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record each real rcc run that ensure_compiled() starts."""
    calls: list[Path] = []
    real: Callable[[Path, Path], None] = rc.compile_qrc

    def spy(qrc: Path, output: Path) -> None:
        calls.append(qrc)
        real(qrc, output)

    monkeypatch.setattr(rc, "compile_qrc", spy)
    return calls


def _set_mtime(path: Path, seconds: float) -> None:
    os.utime(path, (seconds, seconds))


def _age_everything(folder: Path, seconds: float) -> None:
    """Date every source and the output explicitly: file-system clocks are too coarse to rely on."""
    for path in folder.rglob("*"):
        if path.is_file():
            _set_mtime(path, seconds)


def test_compile_runs_only_when_sources_are_newer(source_copy: Path, compile_calls: list[Path]) -> None:
    output = rc.ensure_compiled(source_dir=source_copy)
    assert output == source_copy / rc.OUTPUT_NAME
    assert "qt_resource_data" in output.read_text()
    assert len(compile_calls) == 1

    base = 1_700_000_000.0
    _age_everything(source_copy, base)
    _set_mtime(output, base + 10)
    rc.ensure_compiled(source_dir=source_copy)
    assert len(compile_calls) == 1, "up-to-date output must not be regenerated"

    _set_mtime(source_copy / "light.qss", base + 20)  # touch a style sheet
    rc.ensure_compiled(source_dir=source_copy)
    assert len(compile_calls) == 2
    assert output.stat().st_mtime > base + 20

    _age_everything(source_copy, base)
    _set_mtime(output, base + 10)
    _set_mtime(source_copy / "icons" / "add.svg", base + 20)  # touch a listed file
    rc.ensure_compiled(source_dir=source_copy)
    assert len(compile_calls) == 3

    rc.ensure_compiled(source_dir=source_copy)
    assert len(compile_calls) == 3
    rc.ensure_compiled(force=True, source_dir=source_copy)
    assert len(compile_calls) == 4
    assert sorted(path.name for path in source_copy.iterdir()) == sorted(
        ["dark.qss", "icons", "light.qss", rc.OUTPUT_NAME, rc.QRC_NAME]
    ), "no temporary files left behind"


def test_failed_compile_keeps_the_previous_output(source_copy: Path) -> None:
    output = rc.ensure_compiled(source_dir=source_copy)
    before = output.read_bytes()
    qrc = source_copy / rc.QRC_NAME
    qrc.write_text(rc.qrc_text(source_copy).replace("icons/add.svg", "icons/gone.svg"))  # a file that is not there
    with pytest.raises(rc.ResourceCompileError, match=r"gone\.svg"):
        rc.compile_qrc(qrc, output)
    assert output.read_bytes() == before
    assert not [path for path in source_copy.iterdir() if path.name.endswith(".tmp")]


def test_rcc_is_found_for_this_interpreter() -> None:
    command = rc.rcc_command()
    assert command[0] == sys.executable or Path(command[0]).name.startswith("pyside6-rcc")


def test_load_resources_is_idempotent_and_registers_the_style_sheets(qapp: QApplication) -> None:
    load_resources()
    load_resources()
    assert "resources_qt.resources_rc" in sys.modules
    assert QFile.exists(":/light.qss")
    assert QFile.exists(":/dark.qss")
    assert not rc.is_stale(PACKAGE / rc.QRC_NAME, PACKAGE / rc.OUTPUT_NAME)


# --- the style ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "window"),
    [(Qt.ColorScheme.Light, "#f4f6f9"), (Qt.ColorScheme.Dark, "#1f2329"), (Qt.ColorScheme.Unknown, "#f4f6f9")],
)
def test_apply_scheme_sets_fusion_palette_and_sheet(
    qapp: QApplication, restore_style: None, scheme: Qt.ColorScheme, window: str
) -> None:
    style.apply_scheme(qapp, scheme)
    dark = scheme == Qt.ColorScheme.Dark
    assert style.uses_fusion(qapp)
    assert qapp.palette().color(QPalette.ColorRole.Window).name() == window
    assert style.is_dark() is dark
    sheet = qapp.styleSheet()
    assert sheet.startswith(f"/* TrustDesk, {'dark' if dark else 'light'} scheme")
    for selector in ("QFrame#card", "QLabel#cardValue", "QLabel#cardTitle", 'QLabel[warning="true"]'):
        assert selector in sheet
    text = qapp.palette().color(QPalette.ColorRole.Text)
    base = qapp.palette().color(QPalette.ColorRole.Base)
    assert abs(text.lightness() - base.lightness()) > 150, "text must contrast with its background"


def test_apply_style_follows_scheme_changes(qapp: QApplication, restore_style: None) -> None:
    signal = SIGNAL("colorSchemeChanged(Qt::ColorScheme)")
    before = qapp.styleHints().receivers(signal)
    style.apply_style(qapp)
    style.apply_style(qapp)  # a second call must not connect twice (one re-apply per change)
    assert qapp.styleHints().receivers(signal) <= before + 1
    assert style.current_scheme() == style.normalise(qapp.styleHints().colorScheme())
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert style.is_dark()
    assert qapp.palette().color(QPalette.ColorRole.Window).name() == "#1f2329"
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not style.is_dark()
    assert qapp.palette().color(QPalette.ColorRole.Window).name() == "#f4f6f9"


def test_the_first_paint_follows_the_system_palette_until_the_real_scheme_is_known(
    qapp: QApplication, restore_style: None
) -> None:
    """On a dark system, Qt's own palette is dark before ours: the first paint is dark, not a white flash."""
    dark_system = QPalette(QColor("#202020"))
    qapp.setPalette(dark_system)
    assert style.platform_palette_is_dark(qapp)
    style.apply_first_paint_style(qapp)
    assert style.is_dark()
    assert qapp.palette().color(QPalette.ColorRole.Window).name() == "#1f2329"
    assert qapp.styleSheet().startswith("/* TrustDesk, dark scheme")
    # Offscreen reports no preference: the real scheme is light, and apply_style corrects the guess.
    style.apply_style(qapp)
    assert not style.is_dark()
    assert qapp.palette().color(QPalette.ColorRole.Window).name() == "#f4f6f9"
    assert qapp.styleSheet().startswith("/* TrustDesk, light scheme")


@pytest.mark.parametrize("scheme", [Qt.ColorScheme.Light, Qt.ColorScheme.Dark])
def test_warning_property_recolours_a_label(qapp: QApplication, restore_style: None, scheme: Qt.ColorScheme) -> None:
    style.apply_scheme(qapp, scheme)
    label = QLabel("£12,400")
    label.setObjectName("cardValue")
    label.ensurePolished()
    normal = label.palette().color(QPalette.ColorRole.WindowText).name()
    style.set_warning(label, True)
    warned = label.palette().color(QPalette.ColorRole.WindowText).name()
    assert warned != normal
    assert warned in {"#b45309", "#f0b252"}
    style.set_warning(label, False)
    assert label.palette().color(QPalette.ColorRole.WindowText).name() == normal
