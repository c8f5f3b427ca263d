"""Two programs draining one database at once send every message exactly once; a sender killed
while the server holds its message leaves it claimed, and after the lease another sender sends it
again with the same Message-ID (at least once, duplicates recognisable). Both engines."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import Database
from db.models import Notification, PartnershipState, utcnow
from db.services.outbox import drain
from db.services.signoff import sign_off
from tests.helpers import login_acts_as, pending_elsewhere, user_id
from tests.outbox_helpers import clear_outbox, notifications, use_server, waiting_rows
from tests.smtp_server import smtp_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def _url(db: Database) -> str:
    return db.target.url.render_as_string(hide_password=False)


def _notify_send(db: Database, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRUSTDESK_PASSWORD": ""}
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", "notify", "send", "--db", _url(db), "--as", "alex.morgan", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )


def _many_actions(db: Database, actions: int, per_action: int) -> None:
    """``actions`` separate sign-offs: the outbox must keep each one's digests together."""
    sam = user_id(db, "sam.patel")
    with db.read() as session:
        from db.models import CpdActivity

        orgs = set(session.scalars(select(CpdActivity.organisation_id).distinct()))
    pending = list(pending_elsewhere(db, "sam.patel", orgs, limit=actions * per_action).items())
    for start in range(0, len(pending), per_action):
        sign_off(db, sam, dict(pending[start : start + per_action]), PartnershipState.AUTHORISED, "Agreed")


def _expected_messages(db: Database) -> int:
    """One per (action, address) among the rows waiting."""
    from sqlalchemy import func

    from db.models import Job

    with db.read() as session:
        return session.scalar(
            select(func.count()).select_from(
                select(Notification.batch_key, Job.email)
                .join(Job, Job.id == Notification.recipient_job_id)
                .where(Notification.sent_at.is_(None))
                .distinct()
                .subquery()
            )
        )


def test_two_programs_draining_at_once_send_each_message_exactly_once(demo_db) -> None:
    clear_outbox(demo_db)
    _many_actions(demo_db, actions=40, per_action=25)
    expected = _expected_messages(demo_db)
    rows = len(waiting_rows(demo_db))
    assert rows >= 500 and expected > 40
    login_acts_as(demo_db, "alex.morgan")
    with smtp_server() as server:
        use_server(demo_db, server)
        senders = [_notify_send(demo_db), _notify_send(demo_db)]
        outputs = [sender.communicate(timeout=300) for sender in senders]
        received = server.inbox.messages()
    assert [sender.returncode for sender in senders] == [0, 0], outputs
    ids = Counter(message.message_id for message in received)
    assert len(received) == expected and max(ids.values()) == 1
    sent = notifications(demo_db, Notification.sent_at.is_not(None), Notification.message_id.is_not(None))
    assert len(sent) == rows and not waiting_rows(demo_db)
    assert {row.message_id for row in sent} == set(ids)
    assert len({row.claimed_by for row in notifications(demo_db)}) == 1  # claims cleared once sent
    assert all("Sent " in out for out, _err in outputs)


def test_a_killed_sender_is_replaced_after_the_lease_with_the_same_message_id(demo_db) -> None:
    clear_outbox(demo_db)
    _many_actions(demo_db, actions=3, per_action=10)
    expected = _expected_messages(demo_db)
    login_acts_as(demo_db, "alex.morgan")
    with smtp_server() as server:
        use_server(demo_db, server)
        server.inbox.hold()  # the first message arrives, its sender never hears back
        sender = _notify_send(demo_db, "--lease-seconds", "2")
        assert server.inbox.arrived.wait(60), sender.stderr.read() if sender.poll() is not None else ""
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
        server.inbox.release()
        (first,) = server.inbox.messages()
        claimed = [row for row in waiting_rows(demo_db) if row.claimed_by]
        assert claimed and not notifications(demo_db, Notification.sent_at.is_not(None))
        lease_end = max(row.lease_until for row in claimed)
        threading.Event().wait(max(0.0, (lease_end - utcnow()).total_seconds()) + 0.2)  # let the lease pass
        result = drain(demo_db, user_id(demo_db, "alex.morgan"), None)
        received = server.inbox.messages()
    assert result.reason is None and not waiting_rows(demo_db)
    ids = Counter(message.message_id for message in received)
    assert ids[first.message_id] == 2  # sent again, recognisably the same message
    assert len(ids) == expected and sorted(ids.values()) == [1] * (expected - 1) + [2]
