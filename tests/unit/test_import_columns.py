"""`transfer.answer_columns`: a person's answers about which column is which, put over what
the import recognised (the command line's `--column`)."""

from __future__ import annotations

import pytest

from nextround import transfer
from nextround.transfer.columns import field_named


def found(*header: str, mapping: dict[str, str] | None = None) -> transfer.Preview:
    return transfer.Preview(kind="csv", header=list(header), mapping=mapping or {})


@pytest.mark.parametrize(("name", "field"), [
    ("Date applied", "applied_on"), ("applied_on", "applied_on"), ("DATE-APPLIED", "applied_on"),
    ("employer", "company"), ("Status", "stage"), ("contact email", "contact_email"),
    ("Salary", None), ("", None)])
def test_a_field_is_known_by_its_header_its_name_or_a_common_column_name(
        name: str, field: str | None) -> None:
    assert field_named(name) == field


def test_answers_go_over_what_was_recognised() -> None:
    file = found("Employer", "Position", "When", "Team",
                 mapping={"Employer": "company", "Position": "role"})
    assert transfer.answer_columns(file, {"Date applied": "when", "Role": "Team"}) == (
        ("applied_on", "When"), ("company", "Employer"), ("role", "Team"))


def test_a_column_answers_for_one_field_only() -> None:
    file = found("Company", "Date", mapping={"Company": "company", "Date": "stage_on"})
    assert transfer.answer_columns(file, {"Date applied": "Date"}) == (
        ("applied_on", "Date"), ("company", "Company"))


def test_an_exact_name_wins_and_two_that_differ_only_in_case_are_refused() -> None:
    file = found("Company", "when", "When")
    assert dict(transfer.answer_columns(file, {"Date applied": "When"}))["applied_on"] == "When"
    with pytest.raises(ValueError, match="'WHEN' could be the file's column 'when' or 'When'"):
        transfer.answer_columns(file, {"Date applied": "WHEN"})


def test_two_columns_meaning_one_field_need_an_answer_for_it() -> None:
    file = found("Company", "Employer", "When", mapping={"Company": "company"})
    file.doubled = {"company": ["Company", "Employer"]}
    with pytest.raises(ValueError, match="Two columns mean Company: 'Company' and 'Employer'"):
        transfer.answer_columns(file, {"Date applied": "When"})
    assert transfer.answer_columns(file, {"Date applied": "When", "Company": "Employer"}) == (
        ("applied_on", "When"), ("company", "Employer"))
