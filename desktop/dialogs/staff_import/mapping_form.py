"""The staff import's column step: the shared mapping form (``desktop.kit.mapping_form``) with the
staff file's fields; the preview's ``check_mapping`` says what a mapping lacks."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from db.staff_import.fields import FIELDS
from desktop.kit import mapping_form
from desktop.kit.mapping_form import NOT_IMPORTED

__all__ = ["NOT_IMPORTED", "REQUIRED", "MappingForm"]

REQUIRED = frozenset({"first_name", "last_name", "role"})


class MappingForm(mapping_form.MappingForm):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            FIELDS,
            REQUIRED,
            "* required, with the school (URN or school name) and a staff code or work e-mail to know "
            "each job by next time.",
            "staff_mapping_form",
            parent,
        )
