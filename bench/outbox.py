"""Draining 10,000 queued notifications into a local SMTP server, against a bare ``smtplib`` loop
sending the same messages in the same run (N1; target: within 2×).

Works on a small demo trust built in a temporary folder. The server is ``aiosmtpd`` on 127.0.0.1 in
a process of its own (so it does not share this interpreter's lock with either sender); it accepts
and counts. Ours is the whole drain: claims (one transaction per 500 rows), recipients and
activities looked up, the digest rendered from the Jinja2 templates (text and HTML) with an .ics
for authorised activities, SMTP, and the rows marked sent with the server's answer. The reference
sends the very same bytes over one connection with ``smtplib.SMTP.sendmail`` and nothing else.

With ``--ui`` the drain also runs the way the window runs it (``OutboxDrainer`` through the
operations helper) while a 10 ms timer on the UI thread measures the longest gap between ticks.

    python bench/outbox.py [--messages 10000] [--ui]
"""

from __future__ import annotations

import argparse
import multiprocessing
import smtplib
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, update

from db.actions import NOTIFICATION_TABLE
from db.engine import Database, DatabaseTarget
from db.mail.compose import compose, group_messages
from db.mail.settings import MailSettings, Security
from db.migrate import open_database
from db.models import CpdActivity, Notification, utcnow
from db.services.outbox import DrainResult, _claimed_rows, drain

SENDER = "cpd@trust.example"


def _serve(port: int, ready: multiprocessing.synchronize.Event, stop: multiprocessing.synchronize.Event) -> None:
    from aiosmtpd.controller import Controller

    class Count:
        received = 0

        async def handle_DATA(self, server, session, envelope) -> str:
            Count.received += 1
            return f"250 2.0.0 Ok: queued as B{Count.received}"

    controller = Controller(Count(), hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def _queue(db: Database, count: int) -> None:
    """``count`` notifications of ``count`` separate actions (so as many e-mails), for activities' own people."""
    with db.transaction() as session:
        session.execute(update(Notification).where(Notification.sent_at.is_(None)).values(sent_at=utcnow()))
        pairs = session.execute(select(CpdActivity.id, CpdActivity.job_id, CpdActivity.title).limit(count)).all()
        now = utcnow()
        rows = [
            {
                "created_at": now, "recipient_job_id": pairs[n % len(pairs)].job_id, "kind": "partnership_authorised",
                "subject": f"Your CPD request “{pairs[n % len(pairs)].title}” was authorised by the partnership",
                "body": "Fits the school improvement plan.", "activity_id": pairs[n % len(pairs)].id,
                "batch_key": uuid.uuid4().hex,
            }
            for n in range(count)
        ]  # fmt: skip
        session.connection().execute(insert(NOTIFICATION_TABLE), rows)


def _same_messages(db: Database, settings: MailSettings) -> list[tuple[str, bytes]]:
    """The bytes the drain sends, composed the same way (outside any timing)."""
    with db.read() as session:
        ids = list(session.scalars(select(Notification.id).where(Notification.sent_at.is_(None))))
        rows = [row for start in range(0, len(ids), 500) for row in _claimed_rows(session, ids[start : start + 500])]
    now = utcnow()
    messages = [compose(group, settings, "Oakfield Learning Trust", now) for group in group_messages(rows)]
    return [(m.address or "", m.data) for m in messages]


def _bare_loop(settings: MailSettings, messages: list[tuple[str, bytes]]) -> float:
    started = time.perf_counter()
    with smtplib.SMTP(settings.host, settings.port) as smtp:
        for to, data in messages:
            smtp.sendmail(SENDER, [to], data)
    return time.perf_counter() - started


def _ui_drain(db: Database, user: int) -> tuple[float, float]:
    """The window's way: OutboxDrainer steps on the operations helper; the longest UI-thread gap (ms)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.kit.ops import Operations
    from desktop.modules.notifications.drainer import OutboxDrainer

    app = QApplication.instance() or QApplication([])
    ops = Operations()
    drainer = OutboxDrainer(db, user, ops)
    clock, longest, sent = QElapsedTimer(), [0.0], [0]
    ticker = QTimer()
    ticker.setInterval(10)

    def tick() -> None:
        longest[0] = max(longest[0], clock.restart() - 10)

    def drained(result: DrainResult) -> None:
        sent[0] += result.messages_sent
        if result.messages == 0 or result.reason:
            app.quit()

    ticker.timeout.connect(tick)
    drainer.drained.connect(drained)
    started = time.perf_counter()
    clock.start()
    ticker.start()
    drainer.start(0)
    app.exec()
    elapsed = time.perf_counter() - started
    ticker.stop()
    ops.shutdown()
    print(f"  (window way: {sent[0]:,} messages in {elapsed:.2f} s)")
    return elapsed, longest[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--ui", action="store_true", help="also drain the window's way and measure UI-thread gaps")
    args = parser.parse_args()
    from db.demo import build_demo
    from tests.smtp_server import free_port

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(DatabaseTarget.parse(str(Path(tmp) / "bench.sqlite")))
        print("Building a small demo trust…", file=sys.stderr)
        build_demo(db, scale="small", seed=1)
        port = free_port()
        context = multiprocessing.get_context("spawn")
        ready, stop = context.Event(), context.Event()
        server = context.Process(target=_serve, args=(port, ready, stop))
        server.start()
        try:
            assert ready.wait(30), "the SMTP server did not start"
            settings = MailSettings("127.0.0.1", port, Security.NONE, SENDER, "Oakfield CPD")
            from tests.helpers import user_id

            alex = user_id(db, "alex.morgan")
            _queue(db, args.messages)
            messages = _same_messages(db, settings)
            reference = _bare_loop(settings, messages)
            started = time.perf_counter()
            result = drain(db, alex, None, settings=settings)
            ours = time.perf_counter() - started
            assert result.messages_sent == len(messages) == args.messages, result
            print(f"Draining {args.messages:,} notifications ({result.messages_sent:,} e-mails): {ours:.2f} s")
            print(f"Bare smtplib loop, the same {len(messages):,} messages: {reference:.2f} s")
            print(f"Ratio: {ours / reference:.2f}×  (aim ≤ 2×)")
            if args.ui:
                from db.services.mail_settings import save_mail_settings

                save_mail_settings(db, alex, settings)
                _queue(db, args.messages)
                _elapsed, gap = _ui_drain(db, alex)
                print(f"Longest UI-thread gap while draining: {gap:.0f} ms  (aim < 100 ms)")
        finally:
            stop.set()
            server.join(10)
            db.dispose()


if __name__ == "__main__":
    main()
