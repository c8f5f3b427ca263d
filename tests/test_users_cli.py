"""`trustdesk users …`: the Users & roles rules from the command line, refusals in one line (exit 2)."""

from __future__ import annotations

import pytest

from db.models import Level, Module
from db.queries.user_admin import grants_of_user, list_admin_users
from desktop.cli import main
from tests.helpers import user_id

pytestmark = pytest.mark.engines("sqlite")


def _run(demo_db, capsys, *words: str, acting: str = "alex.morgan") -> tuple[int, str, str]:
    code = main(["users", *words, "--db", demo_db.display, "--as", acting])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_grant_show_revoke_and_deactivate_a_user(demo_db, capsys) -> None:
    code, out, _ = _run(demo_db, capsys, "add", "fran.fin", "--name", "Fran Finance", "--email", "fran@example.org")
    assert code == 0 and "Added fran.fin" in out
    code, out, _ = _run(demo_db, capsys, "grant", "fran.fin", "--role", "finance officer")
    assert code == 0 and "6 grants" in out
    code, out, _ = _run(demo_db, capsys, "grant", "fran.fin", "--module", "cpd", "--level", "comment")
    assert code == 0
    alex, fran = user_id(demo_db, "alex.morgan"), user_id(demo_db, "fran.fin")
    cpd = [g for g in grants_of_user(demo_db, alex, fran) if g.module == Module.PARTNERSHIP_CPD]
    assert [g.level for g in cpd] == [Level.COMMENT]  # the role's "view" became "comment"
    code, out, _ = _run(demo_db, capsys, "show", "fran.fin")
    assert "Budgets" in out and "View and comment" in out
    code, out, _ = _run(demo_db, capsys, "revoke", "fran.fin", "--module", "budgets")
    assert code == 0 and "Took away 1 grant" in out
    assert all(g.module != Module.BUDGETS for g in grants_of_user(demo_db, alex, fran))
    code, out, _ = _run(demo_db, capsys, "deactivate", "fran.fin")
    assert code == 0
    assert not next(u for u in list_admin_users(demo_db, alex) if u.username == "fran.fin").active
    code, out, _ = _run(demo_db, capsys, "list")
    assert "fran.fin" not in out and "sam.patel" in out
    code, out, _ = _run(demo_db, capsys, "list", "--inactive")
    assert "fran.fin" in out and "deactivated" in out


@pytest.mark.parametrize(
    ("words", "acting", "sentence"),
    [
        (("grant", "sam.patel", "--module", "exports", "--level", "view"), "sam.patel", "Only a primary user"),
        (("grant", "jo.evans", "--module", "staff", "--level", "view"), "sam.patel", "Users & roles"),
        (("grant", "jo.evans", "--module", "nothing", "--level", "view"), "alex.morgan", "no module called"),
        (("grant", "jo.evans", "--module", "cpd"), "alex.morgan", "Say the level"),
        (("grant", "jo.evans", "--role", "Wizard"), "alex.morgan", "no role called “Wizard”"),
        (("add", "sam.patel", "--name", "Sam Again"), "alex.morgan", "already a user called"),
        (("deactivate", "alex.morgan"), "alex.morgan", "last primary user"),
        (("revoke", "jo.evans", "--module", "budgets"), "alex.morgan", "holds no grant of budgets there"),
        (("report",), "sam.patel", "report permission"),
    ],
)
def test_refusals_are_one_line_and_exit_2(demo_db, capsys, words, acting, sentence) -> None:
    code, out, err = _run(demo_db, capsys, *words, acting=acting)
    assert code == 2, out
    assert sentence in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_the_permissions_report_lists_who_granted_what(demo_db, capsys) -> None:
    code, out, _ = _run(demo_db, capsys, "report")
    assert code == 0
    lines = out.strip().splitlines()
    assert any(line.startswith("sam.patel") and "Exports" in line and "Alex Morgan" in line for line in lines)


def test_a_primary_user_sets_a_password_from_the_environment(demo_db, capsys, monkeypatch) -> None:
    from db.services.sign_in import sign_in

    monkeypatch.setenv("TRUSTDESK_NEW_PASSWORD", "Kestrel-orchard-42")
    code, out, _ = _run(demo_db, capsys, "set-password", "jo.evans")
    assert code == 0 and "Set the password of jo.evans" in out
    assert sign_in(demo_db, "jo.evans", "Kestrel-orchard-42").username == "jo.evans"
    monkeypatch.setenv("TRUSTDESK_NEW_PASSWORD", "short")
    code, _, err = _run(demo_db, capsys, "set-password", "jo.evans")
    assert code == 2 and len(err.strip().splitlines()) == 1
    code, _, err = _run(demo_db, capsys, "set-password", "alex.morgan", acting="sam.patel")
    assert code == 2 and "Only a primary user" in err
