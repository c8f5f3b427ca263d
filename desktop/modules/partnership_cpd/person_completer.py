"""The "individual" filter: a line edit completing names as the user types (C6).

Each keystroke restarts a short timer; when it fires, a small SQL search runs
off the UI thread and its answer fills the completer's popup.  Answers to
older keystrokes are dropped, so a slow reply never overwrites a newer one.

The box and the filter always agree: editing the name of a chosen person
drops that person from the filter at once, and text left in the box that
names nobody is taken as the one matching name or else cleared, with the
placeholder saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from desktop.kit.ops import Operations

DEBOUNCE_MS = 250
ANY_PLACEHOLDER = "Any individual — type a name…"
CLEARED_PLACEHOLDER = "No one chosen: pick a name from the list"


class Choice(Protocol):
    """What the box offers: a person (the filter) or a job (a new request's individual)."""

    @property
    def id(self) -> int: ...

    @property
    def label(self) -> str: ...


class PersonCompleter(QLineEdit):
    """Emits ``person_chosen(id or None, label)`` when a person is picked or the text is cleared."""

    person_chosen = Signal(object, str)

    def __init__(
        self,
        ops: Operations,
        search: Callable[[str], Sequence[Choice]],
        parent: QWidget | None = None,
        *,
        placeholder: str = ANY_PLACEHOLDER,
    ) -> None:
        super().__init__(parent)
        self._placeholder = placeholder
        self._ops = ops
        self._search = search
        self._generation = 0
        self._answered = -1
        self._choices: dict[str, Choice] = {}
        self.person_id: int | None = None
        self._chosen_label = ""
        self.setPlaceholderText(self._placeholder)
        self.setClearButtonEnabled(True)
        self._list = QStringListModel(self)
        self.completer_ = QCompleter(self._list, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setMaxVisibleItems(12)
        self.setCompleter(self.completer_)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._run_search)
        self.textEdited.connect(self._edited)
        self.completer_.activated.connect(self._activated)
        self.editingFinished.connect(self._finished)

    def set_person(self, person_id: int | None, label: str) -> None:
        """Show a person chosen elsewhere (remembered filters, "all requests of this individual")."""
        self.person_id = person_id
        self._chosen_label = label if person_id is not None else ""
        self.setText(self._chosen_label)
        self.setPlaceholderText(self._placeholder)

    def _edited(self, text: str) -> None:
        if self.person_id is not None and text != self._chosen_label:
            # The box no longer names the chosen person: the filter must not keep them either.
            self.person_id, self._chosen_label = None, ""
            self.person_chosen.emit(None, "")
        if not text.strip():
            self._timer.stop()
            self._generation += 1
            return
        self._timer.start()

    def _finished(self) -> None:
        """Leaving the box with a name nobody was chosen for: take the one match, or clear it visibly."""
        text = self.text().strip()
        if self.person_id is not None or not text:
            return
        exact = [choice for label, choice in self._choices.items() if label.lower() == text.lower()]
        matches = exact or [c for label, c in self._choices.items() if label.lower().startswith(text.lower())]
        if len(matches) == 1 and self._generation_done:
            self._choose(matches[0])
            return
        self._timer.stop()
        self._generation += 1
        self.clear()
        self.setPlaceholderText(CLEARED_PLACEHOLDER)

    @property
    def _generation_done(self) -> bool:
        """The choices in the list answer the text now in the box (no search for newer text pending)."""
        return not self._timer.isActive() and self._answered == self._generation

    def _run_search(self) -> None:
        self._generation += 1
        generation, text = self._generation, self.text()
        self._ops.query(lambda: self._search(text), lambda found: self._found(generation, found), lambda _e: None)

    def _found(self, generation: int, found: Sequence[Choice]) -> None:
        if generation != self._generation:
            return
        self._answered = generation
        self._choices = {choice.label: choice for choice in found}
        self._list.setStringList(list(self._choices))
        if found and self.hasFocus():
            self.completer_.complete()

    def _activated(self, label: str) -> None:
        choice = self._choices.get(label)
        if choice is not None:
            self._choose(choice)

    def _choose(self, choice: Choice) -> None:
        self.person_id, self._chosen_label = choice.id, choice.label
        if self.text() != choice.label:
            self.setText(choice.label)
        self.setPlaceholderText(self._placeholder)
        self.person_chosen.emit(choice.id, choice.label)
