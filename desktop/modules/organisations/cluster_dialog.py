"""Rename a cluster across its schools in one action (O1).

A cluster is a name the schools share and the name cluster grants reach them
by, so the rename reaches both, together, and the audit log says it once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from db.queries.organisation_records import ClusterRow
from db.services.organisation_records import rename_cluster
from db.services.record_fields import FieldError
from desktop.kit.context import AppContext
from desktop.kit.record_form import RecordForm


class ClusterDialog(RecordForm):
    """``saved`` carries how many organisations were renamed."""

    def __init__(
        self,
        context: AppContext,
        clusters: tuple[ClusterRow, ...],
        current: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, "Rename a cluster", "Rename", parent)
        self.setObjectName("cluster_dialog")
        self.set_intro(
            "The new name goes on every organisation in the cluster and on any permission granted over it. "
            "Typing the name of another cluster joins the two."
        )
        self.cluster_box = QComboBox()
        for cluster in clusters:
            count = f"{cluster.organisations} organisation" + ("" if cluster.organisations == 1 else "s")
            self.cluster_box.addItem(f"{cluster.name} ({count})", cluster.name)
        self.cluster_box.setCurrentIndex(max(0, self.cluster_box.findData(current)))
        self.add_field("old", "Cluster", self.cluster_box)
        self.new_name = QLineEdit()
        self.new_name.setMaxLength(80)
        self.new_name.setPlaceholderText("The cluster's new name")
        self.add_field("cluster", "New name", self.new_name)
        self.cluster_box.currentIndexChanged.connect(lambda _i: self.new_name.setText(self.cluster_box.currentData()))
        self.new_name.setText(self.cluster_box.currentData() or "")
        self.new_name.selectAll()
        self.new_name.setFocus()

    def check(self) -> None:
        if self.cluster_box.currentData() is None:
            raise FieldError("old", "No organisation has a cluster yet: set one in an organisation's editor.")
        if not self.new_name.text().strip():
            raise FieldError("cluster", "Give the cluster's new name.")

    def work(self) -> Callable[[], Any]:
        db, user_id = self.context.db, self.context.user.id
        old, new = self.cluster_box.currentData(), self.new_name.text()
        return lambda: rename_cluster(db, user_id, old, new)
