"""Read a GIAS establishment extract and an inspection-grade file (O2).

GIAS ("Get Information About Schools") publishes its extracts as CSV in
ISO-8859-1 with dd-mm-yyyy dates and column names such as
``PhaseOfEducation (name)``; a file re-saved in Excel is cp1252 or UTF-8, and
``db.text_files`` tells which for certain.  Every value is checked against
the column it will be stored in (db.gias.fields) before anything is written.
Anything that does not look right is refused with a sentence saying what is
wrong and where; nothing is guessed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from db.errors import ValidationError
from db.gias.fields import text_problem, urn_problem
from db.text_files import DecodedText, TextFileError, read_text_file

URN = "URN"
NAME = "EstablishmentName"
PHASE = "PhaseOfEducation (name)"
STATUS = "EstablishmentStatus (name)"
TRUST_CODE = "Trusts (code)"
TRUST_NAME = "Trusts (name)"
HEAD_FIRST = "HeadFirstName"
HEAD_LAST = "HeadLastName"
TYPE = "TypeOfEstablishment (name)"
OPEN_DATE = "OpenDate"
CLOSE_DATE = "CloseDate"
REQUIRED = (URN, NAME, PHASE, STATUS, TRUST_CODE, TRUST_NAME, HEAD_FIRST, HEAD_LAST)

GRADE_URN = "URN"
GRADE_COLUMNS = ("Overall effectiveness", "Grade")
GRADE_DATE_COLUMNS = ("Inspection date", "Inspection start date")
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y")


class GiasFileError(ValidationError):
    """The file cannot be imported as it is; nothing was changed."""


@dataclass(frozen=True, slots=True)
class Establishment:
    line: int
    urn: str
    name: str
    phase: str | None
    status: str
    trust_code: str
    trust_name: str
    leader: str | None
    establishment_type: str


@dataclass(frozen=True, slots=True)
class Grade:
    line: int
    urn: str
    grade: int | None
    inspected_on: date | None


def _decode(path: Path, what: str) -> DecodedText:
    try:
        return read_text_file(path, f"The {what} {path.name}")
    except TextFileError as exc:
        raise GiasFileError(exc.message) from exc


def _rows(text: str, what: str, name: str, required: tuple[str, ...]) -> tuple[list[str], list[tuple[int, dict]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [column.strip() for column in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [column for column in required if column not in header]
    if missing:
        raise GiasFileError(
            f"The {what} {name} lacks the column{'s' if len(missing) > 1 else ''} "
            + ", ".join(f"“{column}”" for column in missing)
            + ". Is it the right file?"
        )
    try:
        return header, [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise GiasFileError(f"The {what} {name} is not a valid CSV file (line {reader.line_num}: {exc}).") from exc


def _text(row: dict, column: str) -> str:
    return (row.get(column) or "").strip()


def parse_date(value: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _refuse_duplicates(urns: list[tuple[int, str]], what: str, name: str) -> None:
    seen: dict[str, int] = {}
    duplicates: list[str] = []
    for line, urn in urns:
        if urn in seen:
            duplicates.append(f"{urn} (lines {seen[urn]} and {line})")
        else:
            seen[urn] = line
    if duplicates:
        raise GiasFileError(
            f"The {what} {name} lists the same URN more than once: {', '.join(duplicates[:5])}"
            + (f" and {len(duplicates) - 5} more" if len(duplicates) > 5 else "")
            + ". Nothing was imported."
        )


@dataclass(frozen=True, slots=True)
class Extract:
    """The establishments a GIAS extract holds for one trust (or all), checked, and how the file was read."""

    establishments: list[Establishment]
    other_trust_rows: int
    encoding: str


def _problems_error(what: str, name: str, problems: list[str]) -> GiasFileError:
    return GiasFileError(
        f"The {what} {name} has rows TrustDesk cannot read: "
        + "; ".join(problems[:5])
        + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        + ". Nothing was imported."
    )


def _row_problems(row: dict, urn: str, leader: str) -> list[str]:
    """Shape and length of every value that will be stored, against the model's columns."""
    problems = [urn_problem(urn)]
    problems += [
        text_problem(NAME, _text(row, NAME), "name"),
        text_problem(PHASE, _text(row, PHASE), "phase"),
        text_problem(f"{HEAD_FIRST} and {HEAD_LAST}", leader, "leader_name"),
        # read but not stored as such: still no control characters in them
        text_problem(STATUS, _text(row, STATUS), None),
        text_problem(TYPE, _text(row, TYPE), None),
    ]
    for column in (OPEN_DATE, CLOSE_DATE):
        value = _text(row, column)
        if value:
            try:
                parse_date(value)
            except ValueError:
                problems.append(f"{column} “{value}” is not a dd-mm-yyyy date")
    return [problem for problem in problems if problem]


def read_extract(path: Path, trust_code: str | None = None) -> Extract:
    """The extract's establishments (only the trust's when ``trust_code`` is given), every value checked.

    Rows of other trusts are counted, not checked: they are never stored, and
    a national extract should not be refused for a school the trust does not run.
    """
    what = "GIAS extract"
    decoded = _decode(path, what)
    _, rows = _rows(decoded.text, what, path.name, REQUIRED)
    found: list[Establishment] = []
    problems: list[str] = []
    others = 0
    for line, row in rows:
        code = _text(row, TRUST_CODE)
        if trust_code is not None and code != trust_code:
            others += 1
            continue
        urn = _text(row, URN)
        leader = " ".join(part for part in (_text(row, HEAD_FIRST), _text(row, HEAD_LAST)) if part)
        wrong = _row_problems(row, urn, leader)
        if wrong:
            problems.extend(f"line {line}: {problem}" for problem in wrong)
            continue
        found.append(
            Establishment(
                line=line,
                urn=urn,
                name=_text(row, NAME),
                phase=_text(row, PHASE) or None,
                status=_text(row, STATUS),
                trust_code=code,
                trust_name=_text(row, TRUST_NAME),
                leader=leader or None,
                establishment_type=_text(row, TYPE),
            )
        )
    if problems:
        raise _problems_error(what, path.name, problems)
    _refuse_duplicates([(e.line, e.urn) for e in found], what, path.name)
    return Extract(found, others, decoded.encoding)


def read_establishments(path: Path, trust_code: str | None = None) -> list[Establishment]:
    """Every establishment in the extract (or only the trust's), checked."""
    return read_extract(path, trust_code).establishments


@dataclass(frozen=True, slots=True)
class GradeFile:
    grades: list[Grade]
    encoding: str


def read_grades(path: Path) -> list[Grade]:
    """Inspection grades keyed by URN: grade 1–4 (blank or 9 for none) and the date."""
    return read_grades_file(path).grades


def read_grades_file(path: Path) -> GradeFile:
    """The grades and how the file was read."""
    what = "grade file"
    decoded = _decode(path, what)
    header, rows = _rows(decoded.text, what, path.name, (GRADE_URN,))
    grade_column = next((c for c in GRADE_COLUMNS if c in header), None)
    date_column = next((c for c in GRADE_DATE_COLUMNS if c in header), None)
    if grade_column is None or date_column is None:
        raise GiasFileError(
            f"The grade file {path.name} needs a URN column, a grade column (“{GRADE_COLUMNS[0]}” or "
            f"“{GRADE_COLUMNS[1]}”) and a date column (“{GRADE_DATE_COLUMNS[0]}” or “{GRADE_DATE_COLUMNS[1]}”)."
        )
    grades: list[Grade] = []
    problems: list[str] = []
    for line, row in rows:
        urn, raw_grade, raw_date = _text(row, GRADE_URN), _text(row, grade_column), _text(row, date_column)
        wrong = urn_problem(urn)
        if wrong:
            problems.append(f"line {line}: {wrong}")
            continue
        grade: int | None = None
        if raw_grade and raw_grade not in ("9", "NULL"):
            if raw_grade not in ("1", "2", "3", "4"):
                problems.append(f"line {line}: the grade “{raw_grade}” is not 1, 2, 3 or 4")
                continue
            grade = int(raw_grade)
        inspected: date | None = None
        if raw_date:
            try:
                inspected = parse_date(raw_date)
            except ValueError:
                problems.append(f"line {line}: the date “{raw_date}” is not a dd-mm-yyyy date")
                continue
        grades.append(Grade(line, urn, grade, inspected))
    if problems:
        raise _problems_error(what, path.name, problems)
    _refuse_duplicates([(g.line, g.urn) for g in grades], what, path.name)
    return GradeFile(grades, decoded.encoding)
