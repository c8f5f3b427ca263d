"""Authorise or reject the ticked activities with one reason (C3, C4, C7).

The dialog opens at once with the count; the total cost and any budget or
cover-limit warnings are added up off the UI thread and fill in when ready
(after "tick all", usually already worked out since the ticking: ``TickFigures``).
If the sign-off fails (database busy or gone), the dialog stays open with the
reason as typed so the user can simply try again.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError
from db.models import PartnershipState
from db.progress import Progress
from db.queries.budget_context import AuthorisationImpact, authorisation_impact
from db.queries.refusals import RefusedBelow, refused_below
from db.queries.ticked_matching import MatchingTicks, matching_by_ids, matching_impact, matching_refused
from db.services.signoff import SignOffResult, sign_off
from desktop.kit.context import AppContext
from desktop.kit.fit_height import fit_height
from desktop.kit.formatting import money
from desktop.modules.partnership_cpd.sign_off_text import cover_lines, refusal_text, warning_lines
from desktop.modules.partnership_cpd.tick_figures import TickFigures
from resources_qt.style import set_warning


class SignOffDialog(QDialog):
    """Emits ``signed_off(SignOffResult)`` and closes once the decision is saved."""

    signed_off = Signal(object)
    left_out = Signal(object)  # frozenset of ids taken out of this sign-off ("Leave them out")

    def __init__(
        self,
        context: AppContext,
        ticked: Mapping[int, int] | MatchingTicks,
        decision: PartnershipState = PartnershipState.AUTHORISED,
        parent: QWidget | None = None,
        *,
        source: str = "panel",
        figures: TickFigures | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        #: the ticks (id → version), or after "tick all" the filter less the rows unticked since, whose
        #: total and refusals are worked out in SQL and whose versions are only gathered on the worker
        self.selection: dict[int, int] | MatchingTicks = ticked if isinstance(ticked, MatchingTicks) else dict(ticked)
        self.source = source
        #: figures worked out when "tick all" ticked these rows, if they are of this selection
        self._figures = figures if figures is not None and figures.fresh() and figures.of(self.selection) else None
        if self._figures is not None:
            self._figures.changed.connect(self._take_figures)
        self.impact: AuthorisationImpact | None = None
        self.refused: RefusedBelow | None = None
        self._impact_unknown = False
        #: figures that need the ticked rows' versions, asked for before they were read (``take_versions``)
        self._after_versions: list[str] = []
        self.result_: SignOffResult | None = None
        self.running = False
        self.setWindowTitle("Partnership sign-off")
        self.setMinimumWidth(560)

        layout = QVBoxLayout(self)
        noun = "ticked activity" if self.count == 1 else "ticked activities"
        self.count_label = QLabel(f"<b>{self.count:,} {noun}</b>")
        layout.addWidget(self.count_label)
        self.total_label = QLabel("Adding up their cost and checking budgets and cover limits…")
        self.total_label.setWordWrap(True)
        layout.addWidget(self.total_label)

        choice = QHBoxLayout()
        self.authorise_radio = QRadioButton("&Authorise")
        self.reject_radio = QRadioButton("&Reject")
        self._group = QButtonGroup(self)
        for radio in (self.authorise_radio, self.reject_radio):
            self._group.addButton(radio)
            choice.addWidget(radio)
        choice.addStretch(1)
        layout.addLayout(choice)

        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setObjectName("warnings")
        set_warning(self.warning_label, True)
        self.warning_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.warning_label)
        self.cover_label = QLabel()
        self.cover_label.setWordWrap(True)
        self.cover_label.setObjectName("coverWarnings")
        self.cover_label.setTextFormat(Qt.TextFormat.RichText)
        set_warning(self.cover_label, True)
        layout.addWidget(self.cover_label)
        refusals = QHBoxLayout()
        self.refusal_label = QLabel()
        self.refusal_label.setWordWrap(True)
        set_warning(self.refusal_label, True)
        self.leave_out_button = QPushButton("&Leave them out")
        self.leave_out_button.setAutoDefault(False)  # never the button Enter presses
        self.leave_out_button.setToolTip("Untick the activities a line manager denied or the CPD team declined")
        refusals.addWidget(self.refusal_label, 1)
        refusals.addWidget(self.leave_out_button)
        layout.addLayout(refusals)
        self.confirm_box = QCheckBox("Authorise even though this goes past a budget or cover limit")
        layout.addWidget(self.confirm_box)

        layout.addWidget(QLabel("Reason (sent to each individual; required to reject):"))
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(80)
        layout.addWidget(self.reason_edit)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setObjectName("error")
        set_warning(self.error_label, True)
        layout.addWidget(self.error_label)
        self.reading_label = QLabel("Gathering the ticked activities to decide…")
        self.reading_label.setVisible(self.reading)
        layout.addWidget(self.reading_label)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton("Authorise", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.submit)

        (self.authorise_radio if decision is PartnershipState.AUTHORISED else self.reject_radio).setChecked(True)
        self._group.buttonToggled.connect(self._update)
        self.reason_edit.textChanged.connect(lambda: self.error_label.clear())
        self.leave_out_button.clicked.connect(self.leave_out_refused)
        self._update()
        self._load_impact()
        self._load_refusals()

    @property
    def reading(self) -> bool:
        """After "tick all", until the ticked rows' versions are read: the figures may show, the decision waits."""
        return isinstance(self.selection, MatchingTicks) and self.selection.reading

    def take_versions(self, versions: Mapping[int, int]) -> None:
        """The ticked rows' versions, read after "tick all" (the model's ``all_versions_read``): the count is
        now exact, and the decision may be sent."""
        selection = self.selection
        if not isinstance(selection, MatchingTicks) or not selection.reading:
            return
        self.selection = selection.with_versions(versions)
        noun = "ticked activity" if self.count == 1 else "ticked activities"
        self.count_label.setText(f"<b>{self.count:,} {noun}</b>")
        self.reading_label.hide()
        waiting, self._after_versions = self._after_versions, []
        if "impact" in waiting:
            self._load_impact()
        if "refusals" in waiting:
            self._load_refusals()
        self._update()

    def _needs_versions(self) -> bool:
        """Whether this selection's figures are added up from its versions (rows ticked or unticked by hand
        beyond what the filter can say), which are still being read."""
        selection = self.selection
        return isinstance(selection, MatchingTicks) and selection.reading and matching_by_ids(selection)

    @property
    def count(self) -> int:
        selection = self.selection
        return selection.count if isinstance(selection, MatchingTicks) else len(selection)

    @property
    def ticked(self) -> dict[int, int]:
        """Id → version of every ticked row (built on demand after "tick all")."""
        selection = self.selection
        return selection.shown_versions() if isinstance(selection, MatchingTicks) else selection

    @property
    def decision(self) -> PartnershipState:
        return PartnershipState.AUTHORISED if self.authorise_radio.isChecked() else PartnershipState.REJECTED

    @property
    def reason(self) -> str:
        return self.reason_edit.toPlainText()

    def _take_figures(self) -> None:
        """Show the ticking's figures as they arrive, while they are of this selection; once they turn
        out not to be (another highest id, rows left out since), work out the dialog's own."""
        figures = self._figures
        if figures is None:
            return
        if not figures.of(self.selection):
            self._figures = None
            if self.impact is None and not self._impact_unknown:
                self._load_impact()
            if self.refused is None:
                self._load_refusals()
            return
        impact, refused = figures.impact_for(self.selection), figures.refused_for(self.selection)
        if impact is not None and self.impact is None:
            self._impact_loaded(impact)
        elif figures.impact_error is not None and self.impact is None and not self._impact_unknown:
            self._impact_failed(figures.impact_error)
        if refused is not None and self.refused is None:
            self._refusals_loaded(refused)

    def _load_impact(self) -> None:
        db, user_id, selection = self.context.db, self.context.user.id, self.selection
        if self._figures is not None:
            self._take_figures()
            return
        if self._needs_versions():
            self._after_versions.append("impact")
            return
        if isinstance(selection, MatchingTicks):
            self.context.ops.query(
                lambda: matching_impact(db, user_id, selection), self._impact_loaded, self._impact_failed
            )
            return
        ids = list(selection)
        self.context.ops.query(lambda: authorisation_impact(db, user_id, ids), self._impact_loaded, self._impact_failed)

    def _load_refusals(self) -> None:
        db, user_id, selection = self.context.db, self.context.user.id, self.selection
        if self._figures is not None:
            return  # with the impact, from the ticking's figures (``_take_figures``)
        if self._needs_versions():
            self._after_versions.append("refusals")
            return
        if isinstance(selection, MatchingTicks):
            self.context.ops.query(
                lambda: matching_refused(db, user_id, selection), self._refusals_loaded, lambda _error: None
            )
            return
        ids = list(selection)
        self.context.ops.query(lambda: refused_below(db, user_id, ids), self._refusals_loaded, lambda _error: None)

    def _refusals_loaded(self, refused: RefusedBelow) -> None:
        self.refused = refused
        self._update()

    def leave_out_refused(self) -> None:
        """Untick the rows turned down below the partnership and add up what is left again."""
        if self.refused is None or self.running or not self.refused.ids:
            return
        selection = self.selection
        if isinstance(selection, MatchingTicks):
            gone = frozenset(self.refused.ids)
            self.selection = selection.without(gone)
        else:
            gone = frozenset(self.refused.ids & selection.keys())
            for activity_id in gone:
                selection.pop(activity_id, None)
        self.refused = RefusedBelow(frozenset(), frozenset())
        noun = "ticked activity" if self.count == 1 else "ticked activities"
        self.count_label.setText(f"<b>{self.count:,} {noun}</b> ({len(gone):,} left out)")
        self.left_out.emit(gone)
        self.impact = None
        self.total_label.setText("Adding up their cost and checking budgets and cover limits…")
        self._update()
        if self.count:
            self._load_impact()

    def _impact_loaded(self, impact: AuthorisationImpact) -> None:
        self.impact = impact
        text = f"Total cost {money(impact.total_cost_pence)}."
        if impact.undecided_count != impact.count:
            verb = "is" if impact.undecided_count == 1 else "are"
            text += (
                f" {impact.undecided_count:,} {verb} still to decide ({money(impact.undecided_cost_pence)});"
                " the others are already decided and will be left alone."
            )
        self.total_label.setText(text)
        self._update()

    def _impact_failed(self, error: TrustDeskError) -> None:
        self._impact_unknown = True
        self.total_label.setText(
            f"Could not add up the ticked activities or check budgets: {error.message} "
            "You can still decide; budgets and cover limits were not checked."
        )

    def _update(self, *_args: object) -> None:
        authorising = self.decision is PartnershipState.AUTHORISED
        self.ok_button.setText("Authorise" if authorising else "Reject")
        # Enter authorises (after the checks above); a rejection is sent with Ctrl+Enter or a click only,
        # because each individual is told at once and Enter in a dialog is pressed to dismiss things.
        self.ok_button.setDefault(authorising)
        self.ok_button.setAutoDefault(authorising)
        lines = warning_lines(self.impact) if (self.impact and authorising) else []
        covers = cover_lines(self.impact) if (self.impact and authorising) else []
        self.warning_label.setText("⚠ " + "\n⚠ ".join(lines) if lines else "")
        self.warning_label.setVisible(bool(lines))
        self.cover_label.setText("⚠ " + "<br>⚠ ".join(covers) if covers else "")
        self.cover_label.setVisible(bool(covers))
        self.confirm_box.setVisible(bool(lines or covers))
        refused = bool(self.refused and self.refused.ids)
        self.refusal_label.setText(("⚠ " + refusal_text(self.refused)) if self.refused and refused else "")
        self.refusal_label.setVisible(refused)
        self.leave_out_button.setVisible(refused)
        self.ok_button.setEnabled(not self.running and not self.reading and bool(self.count))
        fit_height(self)  # the warnings arrive after it opens: shown whole, not squeezed

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Figures worked out before it opened (after "tick all") are in its labels already: fitted once the
        # show has laid it out at its real width (Qt's own first size wraps them narrower, and is too tall).
        QTimer.singleShot(0, self, lambda: fit_height(self, shrink=True))

    def submit(self) -> None:
        if self.running or not self.count or self.reading:
            return
        if self.decision is PartnershipState.REJECTED and not self.reason.strip():
            self.error_label.setText("Give a reason to reject: each individual is told why.")
            self.reason_edit.setFocus()
            return
        if self.decision is PartnershipState.AUTHORISED and self.impact is None and not self._impact_unknown:
            self.error_label.setText("Still checking budgets and cover limits; authorise again in a moment.")
            return
        if self.confirm_box.isVisible() and not self.confirm_box.isChecked():
            self.error_label.setText("This goes past a budget or cover limit: tick the box above to authorise anyway.")
            return
        self.running = True
        self.error_label.clear()
        self._update()
        db, user_id, selection, decision, reason = (
            self.context.db,
            self.context.user.id,
            self.selection,
            self.decision,
            self.reason,
        )
        source = self.source
        verb = "Authorising" if decision is PartnershipState.AUTHORISED else "Rejecting"

        def work(progress: Progress) -> SignOffResult:
            # after "tick all" the id → version list of every row is gathered here, on the worker
            shown = selection.shown_versions() if isinstance(selection, MatchingTicks) else selection
            return sign_off(db, user_id, shown, decision, reason, source=source, progress=progress)

        self.context.ops.action(
            work,
            self._done,
            self._failed,
            title=f"{verb} {self.count:,} activities…",
            cancellable=True,
            progress_dialog=True,
            parent=self,
        )

    def _done(self, result: SignOffResult) -> None:
        self.running = False
        self.result_ = result
        self.signed_off.emit(result)
        self.accept()

    def _failed(self, error: TrustDeskError) -> None:
        """Keep everything as typed so the user can try again."""
        self.running = False
        self.error_label.setText(f"{error.message}\nYour reason is kept: press {self.ok_button.text()} to try again.")
        self._update()
