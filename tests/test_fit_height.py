"""A dialog whose figures arrive after it opens grows to show them, and stays on the screen."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from desktop.kit.fit_height import fit_height

LINE = "Hollyhurst High School (2026/27): budget £186,080.00, already authorised £209,044.50."


def _dialog(qtbot) -> tuple[QDialog, QLabel, QDialogButtonBox]:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    label = QLabel("Adding up their cost…")
    label.setWordWrap(True)
    layout.addWidget(label)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    layout.addWidget(buttons)
    dialog.resize(420, dialog.sizeHint().height())
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog, label, buttons


def test_a_dialog_grows_to_show_late_lines_whole(qtbot) -> None:
    dialog, label, _buttons = _dialog(qtbot)
    area = dialog.screen().availableGeometry()
    dialog.move(area.left() + 20, area.top() + 20)
    before = dialog.height()
    label.setText(" ".join([LINE] * 6))
    fit_height(dialog)
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()))
    assert dialog.height() > before
    assert dialog.frameGeometry().top() == area.top() + 20  # room below it: it stays where it opened


def test_a_dialog_grown_near_the_bottom_of_the_screen_moves_up_to_keep_its_buttons_on_it(qtbot) -> None:
    """Centred over the window when it opened, the sign-off dialog grew down past a laptop's screen:
    its Authorise and Cancel buttons went under the taskbar."""
    dialog, label, buttons = _dialog(qtbot)
    area = dialog.screen().availableGeometry()
    dialog.move(area.left() + 20, area.bottom() - dialog.frameGeometry().height() - 10)
    label.setText(" ".join([LINE] * 8))
    fit_height(dialog)
    frame = dialog.frameGeometry()
    assert frame.height() > 200
    assert area.top() <= frame.top() and frame.bottom() <= area.bottom()
    bottom_of_buttons = buttons.mapToGlobal(buttons.rect().bottomLeft()).y()
    assert bottom_of_buttons <= area.bottom()


def test_a_dialog_never_grows_past_the_screen(qtbot) -> None:
    dialog, label, _buttons = _dialog(qtbot)
    area = dialog.screen().availableGeometry()
    dialog.move(area.left() + 20, area.top() + area.height() // 2)
    label.setText(" ".join([LINE] * 200))
    fit_height(dialog)
    frame = dialog.frameGeometry()
    assert frame.height() <= area.height()
    assert area.top() <= frame.top() and frame.bottom() <= area.bottom()
