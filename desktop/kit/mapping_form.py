"""An import's column step: for each field TrustDesk imports, which column of the file holds it.

What TrustDesk recognised (or a saved mapping) is chosen already; the user maps the rest or leaves
them out. The form itself checks nothing: each import's preview refuses a mapping that lacks a
required column or puts two fields in one column, in one sentence.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from db.import_files.fields import Field

NOT_IMPORTED = "— not imported —"


class MappingForm(QWidget):
    def __init__(
        self,
        fields: Sequence[Field],
        required: Collection[str],
        hint: str,
        object_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.boxes: dict[str, QComboBox] = {}
        for field in fields:
            box = QComboBox()
            box.setObjectName(f"map_{field.key}")
            box.setMinimumContentsLength(32)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            self.boxes[field.key] = box
            label = f"{field.label}{' *' if field.key in required else ''}"
            layout.addRow(label, box)
        self.hint = QLabel(hint)
        self.hint.setWordWrap(True)
        layout.addRow(self.hint)

    def set_columns(self, headers: Sequence[str], mapping: Mapping[str, str]) -> None:
        """Offer the file's columns in every box and choose ``mapping``'s (field → header)."""
        for key, box in self.boxes.items():
            box.blockSignals(True)
            box.clear()
            box.addItem(NOT_IMPORTED, None)
            for header in headers:
                if header:
                    box.addItem(header, header)
            chosen = mapping.get(key)
            box.setCurrentIndex(max(0, box.findData(chosen)) if chosen in headers else 0)
            box.blockSignals(False)

    def mapping(self) -> dict[str, str]:
        """field → header, for the fields given a column."""
        return {key: box.currentData() for key, box in self.boxes.items() if box.currentData()}

    def unmapped(self, headers: Sequence[str]) -> list[str]:
        used = set(self.mapping().values())
        return [header for header in headers if header and header not in used]
