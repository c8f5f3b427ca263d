"""One sentence under the form field it is about, in the warning colour, with the field focused.

A form that refuses its input says so where the eye already is: the row
below the field, not a line at the foot of the page, and the cursor waits in
the field to be corrected.  Used by the flood-fill activity page and the
welcome dialog's "new trust database" page.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtWidgets import QFormLayout, QLabel, QLayout, QWidget

from resources_qt.style import set_warning


def show_field_error(form: QFormLayout, row_of: QWidget | QLayout, focus: QWidget, label: QLabel, text: str) -> None:
    """Move ``label`` to the row under ``row_of`` (a field, or the layout holding it) and focus ``focus``."""
    if form.indexOf(label) >= 0:
        form.takeRow(label)
    if isinstance(row_of, QLayout):
        row, _role = form.getLayoutPosition(row_of)
    else:  # typed object in PySide6; it is the same (row, role) pair
        row, _role = cast(tuple[int, QFormLayout.ItemRole], form.getWidgetPosition(row_of))
    form.insertRow(row + 1, "", label)
    label.setText(text)
    set_warning(label, True)
    label.show()
    focus.setFocus()


def clear_field_error(form: QFormLayout, label: QLabel) -> None:
    """Take the sentence away (its row goes with it, so the form closes up)."""
    if form.indexOf(label) >= 0:
        form.takeRow(label)
    label.clear()
    label.hide()
