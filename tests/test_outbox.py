"""The outbox sends notifications through a real SMTP server (aiosmtpd on 127.0.0.1): one digest per
person per action, the server's answer kept, failures retried or failed with one sentence (N1)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from db.mail.settings import NOT_CONFIGURED, Security
from db.models import AuditEntry, CpdActivity, Job, Notification, Person
from db.services.outbox import MAX_ATTEMPTS, claim, drain
from tests.outbox_helpers import SENDER, clear_outbox, notifications, sender, sign_off_some, use_server, waiting_rows
from tests.smtp_server import free_port, smtp_server


def _addresses(db, activity_ids: list[int]) -> Counter[str]:
    """Whom a decision on these activities should reach, and how many items each."""
    with db.read() as session:
        rows = session.execute(
            select(Job.email).join(CpdActivity, CpdActivity.job_id == Job.id).where(CpdActivity.id.in_(activity_ids))
        )
        return Counter(email.lower() for (email,) in rows)


def test_a_sign_off_sends_one_digest_per_person_with_a_calendar(demo_db) -> None:
    clear_outbox(demo_db)
    decided = sign_off_some(demo_db, 60)
    expected = _addresses(demo_db, decided)
    assert sum(expected.values()) == len(decided) and max(expected.values()) > 1  # some people get several
    with smtp_server() as server:
        use_server(demo_db, server)
        result = drain(demo_db, sender(demo_db), None)
        received = server.inbox.messages()
    assert result.reason is None and result.messages_sent == len(expected) == len(received)
    assert Counter(r.recipients[0].lower() for r in received) == Counter(dict.fromkeys(expected, 1))
    for message in received:
        items = expected[message.recipients[0].lower()]
        assert message.sender == SENDER
        assert message.text().count("* Your CPD request “") == items
        assert "Oak Trust CPD" in str(message.message["From"])
        subject = str(message.message["Subject"])  # decoded from its encoded words
        assert subject == (f"{items} decisions on your CPD requests from Oakfield Learning Trust" if items > 1
                           else message.text().split("* ", 1)[1].splitlines()[0])  # fmt: skip
        assert "Fits the plan" in message.text() and "Fits the plan" in message.html()
        (ics,) = message.attachments()
        events = Calendar.from_ical(ics.get_content()).walk("VEVENT")
        assert len(events) == items
    assert any("£" in message.text() for message in received)  # amounts in pounds
    rows = notifications(demo_db, Notification.activity_id.in_(decided))
    ids = {r.message_id for r in received}
    assert all(row.sent_at and row.smtp_response.startswith("250 ") and row.message_id in ids for row in rows)
    assert not waiting_rows(demo_db)


def test_nothing_is_sent_without_mail_settings(demo_db) -> None:
    clear_outbox(demo_db)
    sign_off_some(demo_db, 5)
    result = drain(demo_db, sender(demo_db), None)
    assert result.reason == NOT_CONFIGURED and result.messages == 0
    assert all(row.claimed_by is None and row.attempts == 0 for row in waiting_rows(demo_db))


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # the implicit-TLS server is TLS
@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "implicit-tls"])
def test_sent_over_tls_with_a_login(demo_db, implicit: bool) -> None:
    clear_outbox(demo_db)
    sign_off_some(demo_db, 6)
    with smtp_server(tls=not implicit, implicit_tls=implicit, users={"mailer": "s3cret"}) as server:
        use_server(demo_db, server, security=Security.TLS if implicit else Security.STARTTLS, login="mailer")
        wrong = drain(demo_db, sender(demo_db), "guess", context=server.client_context)
        assert server.inbox.count() == 0 and wrong.messages_sent == 0
        assert "refused the login “mailer”" in (wrong.reason or "")
        rows = waiting_rows(demo_db)
        assert rows and all(r.failure == wrong.reason and r.next_attempt_at and r.claimed_by is None for r in rows)
        with demo_db.transaction() as session:  # the retry is due
            session.execute(update(Notification).values(next_attempt_at=None))
        right = drain(demo_db, sender(demo_db), "s3cret", context=server.client_context)
        assert right.reason is None and right.messages_sent == server.inbox.count() > 0
    assert not waiting_rows(demo_db)


def test_an_unreachable_server_is_retried_with_growing_delays_then_failed(demo_db) -> None:
    clear_outbox(demo_db)
    sign_off_some(demo_db, 3)
    with smtp_server() as server:
        use_server(demo_db, server)
    # the server has gone: nothing listens on its port any more
    delays = []
    for _attempt in range(MAX_ATTEMPTS):
        result = drain(demo_db, sender(demo_db), None)
        assert "Cannot reach the mail server 127.0.0.1" in (result.reason or "")
        rows = waiting_rows(demo_db)
        if rows:
            delays.append(rows[0].next_attempt_at - rows[0].claimed_at)
            with demo_db.transaction() as session:
                session.execute(update(Notification).values(next_attempt_at=None))
    assert delays == sorted(delays) and delays[0] < delays[-1]
    failed = notifications(demo_db, Notification.failed_at.is_not(None))
    assert failed and all(f"Gave up after {MAX_ATTEMPTS} attempts." in row.failure for row in failed)


def test_bad_addresses_and_header_injection_fail_alone(demo_db) -> None:
    clear_outbox(demo_db)
    decided = sign_off_some(demo_db, 30)
    with demo_db.transaction() as session:
        jobs = list(session.scalars(select(CpdActivity.job_id).where(CpdActivity.id.in_(decided)).distinct()))
        bounced, injected, nowhere, nonsense = jobs[:4]
        session.execute(update(Job).where(Job.id == bounced).values(email="gone@school.example"))
        person = session.scalar(select(Job.person_id).where(Job.id == injected))
        session.execute(update(Person).where(Person.id == person).values(first_name="Eve\r\nBcc: all@x.example"))
        session.execute(update(Job).where(Job.id == nowhere).values(email=None))
        session.execute(
            update(Person)
            .where(Person.id == select(Job.person_id).where(Job.id == nowhere).scalar_subquery())
            .values(email=None)
        )
        session.execute(update(Job).where(Job.id == nonsense).values(email="not an address"))
    with smtp_server() as server:
        server.inbox.refuse["gone@school.example"] = "550 5.1.1 No such user here"
        use_server(demo_db, server)
        result = drain(demo_db, sender(demo_db), None)
        received = server.inbox.messages()
    assert result.messages_sent == len(jobs) - 4 == len(received)
    assert all("all@x.example" not in r.recipients and "Bcc" not in r.message for r in received)
    with demo_db.read() as session:
        failures = {
            job: failure
            for job, failure in session.execute(
                select(Notification.recipient_job_id, Notification.failure).where(Notification.failed_at.is_not(None))
            )
        }
        flagged = session.scalar(select(Person).join(Job, Job.person_id == Person.id).where(Job.id == bounced))
        session.expunge_all()
    assert failures[bounced] == "The mail server refused gone@school.example (550 5.1.1 No such user here)."
    assert failures[injected].startswith("Refused: a line break in the recipient's name")
    assert failures[nowhere].endswith("has no e-mail address.")
    assert failures[nonsense] == "Not sent: “not an address” is not an e-mail address."
    assert flagged.bounced_address == "gone@school.example" and "550" in flagged.bounce_reason
    with demo_db.read() as session:
        audited = session.execute(
            select(AuditEntry.user_id, AuditEntry.entity_id).where(AuditEntry.action == "email_bounced")
        ).all()
    assert audited == [(sender(demo_db), flagged.id)]  # in the name of whoever's program sent it (A2, A3)


def test_claims_are_exclusive_until_the_lease_passes(demo_db) -> None:
    clear_outbox(demo_db)
    sign_off_some(demo_db, 20)
    first = claim(demo_db, "first", lease=timedelta(seconds=60))
    assert first and claim(demo_db, "second") == []
    with demo_db.transaction() as session:  # the first sender died; its lease runs out
        session.execute(update(Notification).values(lease_until=Notification.claimed_at))
    again = claim(demo_db, "third")
    assert [r.id for r in again] == [r.id for r in first] and all(r.attempts == 2 for r in again)


def test_nothing_listens_is_one_clear_line(demo_db) -> None:
    clear_outbox(demo_db)
    sign_off_some(demo_db, 2)
    port = free_port()
    from db.mail.settings import MailSettings
    from db.services.mail_settings import save_mail_settings
    from tests.helpers import user_id

    save_mail_settings(demo_db, user_id(demo_db, "alex.morgan"), MailSettings("127.0.0.1", port, Security.NONE, SENDER))
    result = drain(demo_db, sender(demo_db), None)
    assert result.reason == f"Cannot reach the mail server 127.0.0.1:{port}: the connection was refused."


def test_the_command_says_why_nothing_is_sent_and_sends_once_set_up(demo_db, capsys) -> None:
    from desktop.cli import main
    from tests.helpers import login_acts_as

    clear_outbox(demo_db)
    sign_off_some(demo_db, 4)
    login_acts_as(demo_db, "alex.morgan")
    url = demo_db.target.url.render_as_string(hide_password=False)
    command = ["notify", "send", "--db", url, "--as", "alex.morgan"]
    assert main(command) == 2
    assert capsys.readouterr().err.strip() == f"trustdesk notify: {NOT_CONFIGURED}"
    assert len(waiting_rows(demo_db)) == 4
    with smtp_server() as server:
        use_server(demo_db, server)
        assert main(command) == 0
        out = capsys.readouterr().out
    assert out.startswith(f"Sent {server.inbox.count()} messages (4 notifications); 0 not sent")
    assert main([*command, "--max", "0"]) == 2


def test_a_line_break_in_a_reason_is_refused_alone(demo_db) -> None:
    clear_outbox(demo_db)
    decided = sign_off_some(demo_db, 6)
    with demo_db.transaction() as session:  # as if a reason with CR/LF had got in by another way
        session.execute(
            update(Notification)
            .where(Notification.activity_id == decided[0])
            .values(body="Agreed\r\nBcc: everyone@x.example")
        )
    with smtp_server() as server:
        use_server(demo_db, server)
        result = drain(demo_db, sender(demo_db), None)
        received = server.inbox.messages()
    refused = notifications(demo_db, Notification.failed_at.is_not(None))  # that person's message, whole
    assert decided[0] in {row.activity_id for row in refused} and len({row.recipient_job_id for row in refused}) == 1
    assert all(row.failure.startswith("Refused: a line break in the subject or a reason") for row in refused)
    assert result.failed == 1 and not waiting_rows(demo_db)
    assert all("everyone@x.example" not in r.recipients for r in received)


def test_reminders_stop_for_someone_who_opted_out_but_decisions_still_reach_them(demo_db) -> None:
    from db.actions import begin
    from db.services.mail_settings import set_reminders_opt_out

    clear_outbox(demo_db)
    with demo_db.read() as session:
        job, person = session.execute(select(Job.id, Job.person_id).where(Job.email.is_not(None)).limit(1)).one()
    set_reminders_opt_out(demo_db, sender(demo_db), person, True)
    with begin(demo_db, sender(demo_db)) as act:  # one action telling them of a decision and reminding them
        act.notify(job, "partnership_authorised", "Your CPD request “Phonics” was authorised by the partnership")
        act.notify(job, "cpd_request_reminder", "Reminder: 2 requests wait for your decision")
    with smtp_server() as server:
        use_server(demo_db, server)
        result = drain(demo_db, sender(demo_db), None)
        (message,) = server.inbox.messages()
    assert result.messages_sent == 1 and result.not_sent == 1
    assert "Phonics" in message.text() and "Reminder" not in message.text()
    (muted,) = notifications(demo_db, Notification.failed_at.is_not(None))
    assert muted.kind == "cpd_request_reminder" and muted.failure.endswith("has opted out of reminder e-mails.")


def test_a_server_without_starttls_is_refused_in_one_line_and_nothing_goes_in_clear(demo_db) -> None:
    clear_outbox(demo_db)
    sign_off_some(demo_db, 3)
    with smtp_server() as server:  # no TLS on offer
        use_server(demo_db, server, security=Security.STARTTLS)
        result = drain(demo_db, sender(demo_db), None)
        assert server.inbox.count() == 0
    assert result.reason == f"The mail server 127.0.0.1:{server.port} does not offer STARTTLS."
    assert all(row.failure == result.reason for row in waiting_rows(demo_db))
