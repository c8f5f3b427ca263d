"""Deactivate, reactivate, primary user, take away, link a login: a question first, then one service call.

Each asks before it changes anything (a user or a grant can be put back, but
not without someone noticing), runs through ``ops.action`` with the panel as
its origin, and tells the status bar what was done; a refusal goes to the
panel's ``failed``, which shows it in one sentence.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from db.errors import TrustDeskError
from db.queries.user_admin import AdminUserRow, GrantRow
from db.services.grants import revoke_grant
from db.services.users import link_database_login, set_active, set_primary
from desktop.kit.context import AppContext

Failed = Callable[[TrustDeskError], None]


def change_active(parent: QWidget, context: AppContext, user: AdminUserRow, active: bool, failed: Failed) -> None:
    if active:
        question = f"Reactivate {user.display_name}? They can sign in and use their grants again."
    else:
        question = (
            f"Deactivate {user.display_name}? They can no longer sign in or do anything; "
            "their grants and their history in the audit log are kept."
        )
    if confirm(parent, "Reactivate user" if active else "Deactivate user", question):
        db, acting = context.db, context.user.id
        _run(
            parent,
            context,
            lambda: set_active(db, acting, user.id, user.version, active),
            f"{user.display_name} is {'active again' if active else 'deactivated'}.",
            failed,
        )


def change_primary(parent: QWidget, context: AppContext, user: AdminUserRow, primary: bool, failed: Failed) -> None:
    question = (
        f"Make {user.display_name} a primary user? A primary user can give report permissions "
        "and change other primary users."
        if primary
        else f"{user.display_name} will no longer be a primary user."
    )
    if confirm(parent, "Primary user", question):
        db, acting = context.db, context.user.id
        _run(
            parent,
            context,
            lambda: set_primary(db, acting, user.id, user.version, primary),
            f"{user.display_name} is {'now' if primary else 'no longer'} a primary user.",
            failed,
        )


def take_grant_away(parent: QWidget, context: AppContext, grant: GrantRow, who: str, failed: Failed) -> None:
    question = f"Take away {grant.module_label} ({grant.level_label.lower()}) over {grant.where} from {who}?"
    if confirm(parent, "Take away a grant", question):
        db, acting = context.db, context.user.id
        _run(
            parent,
            context,
            lambda: revoke_grant(db, acting, grant.id, grant.version),
            f"{grant.module_label} taken away from {who}.",
            failed,
        )


def link_login(parent: QWidget, context: AppContext, user: AdminUserRow, failed: Failed) -> None:
    """On a shared database: the person's own server login, which then opens TrustDesk as this user."""
    login, accepted = QInputDialog.getText(
        parent,
        "Link database login",
        f"The PostgreSQL login that opens TrustDesk as {user.display_name}\n"
        "(it must exist on the server: ask whoever runs it to create it).",
        QLineEdit.EchoMode.Normal,
        user.db_login or user.username,
    )
    if accepted:
        db, acting = context.db, context.user.id
        _run(
            parent,
            context,
            lambda: link_database_login(db, acting, user.id, login),
            f"The login {login.strip()} now opens TrustDesk as {user.display_name}.",
            failed,
        )


def confirm(parent: QWidget, title: str, question: str) -> bool:
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
    return QMessageBox.question(parent, title, question, buttons) == QMessageBox.StandardButton.Yes


def _run(parent: QWidget, context: AppContext, work: Callable[[], object], done: str, failed: Failed) -> None:
    context.ops.action(
        lambda _progress: work(),
        lambda _result: context.navigator.tell(done),
        failed,
        title="Saving the change…",
        origin=parent,
    )
