"""Financial-year quarters, windows and period parsing."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcp_tui.periods import (
    PeriodError,
    Quarter,
    Window,
    financial_year,
    months_ending,
    parse_period,
    parse_window,
    rolling_12_months,
)

Q = Quarter

# Quarter: parsing and views ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2021/22 Q2",
        "2021-22_Q2",
        "2021-22 Q2",
        "2021/2022 Q2",
        "2021/22 q2",
        "2021-22_q2",
        "  2021/22   Q2  ",
        "FY2021/22 Q2",
    ],
)
def test_parse_usual_spellings(text: str) -> None:
    assert Quarter.parse(text) == Q(2021, 2)


@pytest.mark.parametrize(
    "text",
    ["2021/23 Q2", "2021/22 Q5", "2021/22 Q0", "Q2", "", "   ", "2021 Q2", "2021/22", "Jul 2021"],
)
def test_parse_rejects_bad_spellings(text: str) -> None:
    with pytest.raises(PeriodError):
        Quarter.parse(text)


def test_parse_error_says_what_was_expected() -> None:
    with pytest.raises(PeriodError, match="2021/22 Q2"):
        Quarter.parse("Q2")
    with pytest.raises(PeriodError, match="one year to the next"):
        Quarter.parse("2021/23 Q2")


def test_constructor_checks_its_fields() -> None:
    with pytest.raises(PeriodError):
        Q(2021, 5)
    with pytest.raises(PeriodError):
        Q(2021, 0)
    with pytest.raises(PeriodError):
        Q(1800, 1)


def test_q2_is_july_to_september() -> None:
    q = Quarter.parse("2021/22 Q2")
    assert q.start == date(2021, 7, 1)
    assert q.end == date(2021, 9, 30)
    assert q.months_label == "Jul–Sep 2021"
    assert q.label == "2021/22 Q2"
    assert str(q) == "2021/22 Q2"
    assert q.fy_label == "2021/22"
    assert q.file_stem == "2021-22_Q2"


def test_q1_and_q4_bracket_the_financial_year() -> None:
    assert Q(2021, 1).start == date(2021, 4, 1)
    assert Q(2021, 1).end == date(2021, 6, 30)
    q4 = Quarter.parse("2021/22 Q4")
    assert q4.start == date(2022, 1, 1)
    assert q4.end == date(2022, 3, 31)
    assert q4.months_label == "Jan–Mar 2022"


def test_q3_ends_in_december() -> None:
    assert Q(2021, 3).start == date(2021, 10, 1)
    assert Q(2021, 3).end == date(2021, 12, 31)


def test_century_labels_keep_two_digits() -> None:
    assert Q(1999, 1).label == "1999/00 Q1"
    assert Quarter.parse("1999/00 Q1") == Q(1999, 1)
    assert Q(2009, 3).file_stem == "2009-10_Q3"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2022, 3, 31), Q(2021, 4)),
        (date(2022, 4, 1), Q(2022, 1)),
        (date(2021, 6, 30), Q(2021, 1)),
        (date(2021, 7, 1), Q(2021, 2)),
        (date(2021, 12, 31), Q(2021, 3)),
        (date(2022, 1, 1), Q(2021, 4)),
    ],
)
def test_from_date_across_boundaries(day: date, expected: Quarter) -> None:
    assert Quarter.from_date(day) == expected


# arithmetic and ordering ------------------------------------------------------------------


def test_add_and_subtract_quarters() -> None:
    q = Q(2021, 2)
    assert q + 1 == Q(2021, 3)
    assert q + 2 == Q(2021, 4)
    assert q + 3 == Q(2022, 1)  # across the financial year end
    assert q - 2 == Q(2020, 4)
    assert q - 5 == Q(2020, 1)
    assert q + 0 == q
    assert q + -1 == Q(2021, 1)
    assert q.minus(4) == Q(2020, 2)


def test_difference_of_quarters_is_a_count() -> None:
    assert Q(2022, 1) - Q(2021, 4) == 1
    assert Q(2021, 2) - Q(2019, 1) == 9
    assert Q(2019, 1) - Q(2021, 2) == -9
    assert Q(2021, 2).quarters_since(Q(2020, 2)) == 4


def test_add_rejects_non_integers() -> None:
    with pytest.raises(TypeError):
        Q(2021, 1) + 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        Q(2021, 1) - "1"  # type: ignore[operator]


def test_ordering() -> None:
    quarters = [Q(2021, 1), Q(2019, 4), Q(2020, 2), Q(2020, 1)]
    assert sorted(quarters) == [Q(2019, 4), Q(2020, 1), Q(2020, 2), Q(2021, 1)]
    assert Q(2019, 4) < Q(2020, 1)
    assert Q(2020, 1) <= Q(2020, 1)
    assert max(quarters) == Q(2021, 1)
    assert Q(2021, 1) == Quarter.parse("2021-22_Q1")
    assert len({Q(2021, 1), Quarter.parse("2021/22 Q1")}) == 1


def test_ordinal_round_trip() -> None:
    q = Q(2021, 3)
    assert Quarter.from_ordinal(q.ordinal) == q
    assert (q + 1).ordinal == q.ordinal + 1


# windows ----------------------------------------------------------------------------------


def test_financial_year_window() -> None:
    window = financial_year(2019)
    assert window.quarters == (Q(2019, 1), Q(2019, 2), Q(2019, 3), Q(2019, 4))
    assert window.label == "2019/20"
    assert str(window) == "2019/20"
    assert len(window) == 4
    assert window.start == date(2019, 4, 1)
    assert window.end == date(2020, 3, 31)
    assert Q(2019, 3) in window
    assert Q(2020, 1) not in window
    assert "2019/20 Q1" not in window


def test_rolling_12_months_labelled_as_published() -> None:
    window = rolling_12_months(Quarter.parse("2019/20 Q1"))
    assert window.label == "12 months ending June 2019"
    assert window.first == Quarter.parse("2018/19 Q2")
    assert window.last == Quarter.parse("2019/20 Q1")
    assert list(window) == [Q(2018, 2), Q(2018, 3), Q(2018, 4), Q(2019, 1)]
    assert window.start == date(2018, 7, 1)
    assert window.end == date(2019, 6, 30)


def test_rolling_12_months_ending_march_is_the_financial_year() -> None:
    window = rolling_12_months(Q(2020, 4))
    assert window.label == "12 months ending March 2021"
    assert window.quarters == financial_year(2020).quarters


def test_window_cannot_run_backwards() -> None:
    with pytest.raises(PeriodError):
        Window(Q(2021, 2), Q(2021, 1))


def test_window_default_label() -> None:
    assert Window(Q(2018, 2), Q(2019, 1)).label == "2018/19 Q2 to 2019/20 Q1"


@pytest.mark.parametrize(
    ("text", "first", "last", "label"),
    [
        ("2019/20", Q(2019, 1), Q(2019, 4), "2019/20"),
        ("2019-20", Q(2019, 1), Q(2019, 4), "2019/20"),
        ("FY2019/2020", Q(2019, 1), Q(2019, 4), "2019/20"),
        ("12 months ending June 2019", Q(2018, 2), Q(2019, 1), "12 months ending June 2019"),
        ("12 months ending Jun 2019", Q(2018, 2), Q(2019, 1), "12 months ending June 2019"),
        ("year ending March 2021", Q(2020, 1), Q(2020, 4), "12 months ending March 2021"),
        # January–December 2020 is 2019/20 Q4 to 2020/21 Q3
        ("Year ended December 2020", Q(2019, 4), Q(2020, 3), "12 months ending December 2020"),
        ("2021/22 Q2", Q(2021, 2), Q(2021, 2), "2021/22 Q2"),
        ("2018/19 Q2 to 2019/20 Q1", Q(2018, 2), Q(2019, 1), "2018/19 Q2 to 2019/20 Q1"),
        ("2018/19 Q2..2019/20 Q1", Q(2018, 2), Q(2019, 1), "2018/19 Q2 to 2019/20 Q1"),
        ("2018/19 Q2 – 2019/20 Q1", Q(2018, 2), Q(2019, 1), "2018/19 Q2 to 2019/20 Q1"),
    ],
)
def test_parse_window_forms(text: str, first: Quarter, last: Quarter, label: str) -> None:
    window = parse_window(text)
    assert (window.first, window.last) == (first, last)
    assert window.label == label


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2019/21",
        "12 months ending Jely 2019",
        "12 months ending May 2019",
        "2021/22 Q2 to 2020/21 Q1",
        "2021/22 Q2 to soon",
        "last year",
    ],
)
def test_parse_window_rejects(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_window(text)


def test_months_ending_needs_a_quarter_end() -> None:
    assert months_ending(6, 2019) == rolling_12_months(Q(2019, 1))
    assert months_ending(12, 2020).last == Q(2020, 3)
    for month in (1, 2, 4, 5, 7, 8, 10, 11):
        with pytest.raises(PeriodError, match="March, June, September or December"):
            months_ending(month, 2019)


def test_months_ending_year_out_of_range_is_a_period_error() -> None:
    with pytest.raises(PeriodError):
        parse_window("12 months ending June 0000")


# parse_period -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2021/22 Q2", "2021-22_Q2", "2021/2022 q2"])
def test_parse_period_quarter_labels_have_no_month(text: str) -> None:
    assert parse_period(text) == (Q(2021, 2), None)


@pytest.mark.parametrize(
    ("text", "quarter", "month"),
    [
        ("2021-07-15", Q(2021, 2), date(2021, 7, 1)),
        ("2021-07-15T00:00:00", Q(2021, 2), date(2021, 7, 1)),
        ("2021-07", Q(2021, 2), date(2021, 7, 1)),
        ("15/07/2021", Q(2021, 2), date(2021, 7, 1)),  # UK order: day first
        ("01/02/2022", Q(2021, 4), date(2022, 2, 1)),  # 1 February, not 2 January
        ("Jul 2021", Q(2021, 2), date(2021, 7, 1)),
        ("July-2021", Q(2021, 2), date(2021, 7, 1)),
        ("Sept 2021", Q(2021, 2), date(2021, 9, 1)),
        ("1 July 2021", Q(2021, 2), date(2021, 7, 1)),
        ("2021/07/15", Q(2021, 2), date(2021, 7, 1)),
        ("2022-03-31", Q(2021, 4), date(2022, 3, 1)),
        ("2022-04-01", Q(2022, 1), date(2022, 4, 1)),
    ],
)
def test_parse_period_dates(text: str, quarter: Quarter, month: date) -> None:
    assert parse_period(text) == (quarter, month)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "2021-13", "31/02/2021", "Foo 2021", "2021/23 Q2", "07/15/2021", "next quarter"],
)
def test_parse_period_rejects(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)


# properties ---------------------------------------------------------------------------------

quarters = st.builds(Quarter, st.integers(1900, 2998), st.integers(1, 4))


@given(quarters)
def test_quarter_round_trips(q: Quarter) -> None:
    assert Quarter.parse(q.label) == q
    assert Quarter.parse(q.file_stem) == q
    assert Quarter.from_date(q.start) == q
    assert Quarter.from_date(q.end) == q
    assert parse_period(q.label) == (q, None)
    assert (q + 1) - q == 1
    assert (q + 1).start == date.fromordinal(q.end.toordinal() + 1)


@given(quarters, st.integers(-400, 400))
def test_quarter_arithmetic_is_consistent(q: Quarter, n: int) -> None:
    if not 1900 * 4 <= q.ordinal + n < 2999 * 4:
        return
    assert (q + n) - q == n
    assert (q + n) - n == q
    assert ((q + n) > q) == (n > 0)


PERIOD_ALPHABET = st.sampled_from(list("0123456789/-_ .QqFYJunJulyMarchendingto–٣２"))


@given(st.one_of(st.text(), st.text(PERIOD_ALPHABET)))
def test_quarter_parse_only_raises_period_error(text: str) -> None:
    try:
        q = Quarter.parse(text)
    except PeriodError:
        return
    assert Quarter.parse(q.label) == q


@given(st.one_of(st.text(), st.text(PERIOD_ALPHABET)))
def test_window_and_period_parsers_only_raise_period_error(text: str) -> None:
    for parse in (parse_window, parse_period):
        with contextlib.suppress(PeriodError):
            parse(text)
