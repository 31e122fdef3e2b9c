"""Large bad files stay cheap: repeats dropped batch by batch, suggestions capped, huge cells
quoted short."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pcp_tui import dataset, dataset_checks
from pcp_tui.dataset import Observations

Load = Callable[[str, "str | bytes"], Observations]

HEAD = "kpi,force,value\n"


def test_repeats_across_batches_are_reported_and_the_first_kept(
    load: Load, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dataset, "BATCH_ROWS", 3)  # the repeats fall in later batches
    obs = load("2021-22_Q2.csv", HEAD + "pcsos,WMP,470\n" + "pcsos,GMP,1\n"
               + "pcsos,WMP,999\n" * 5 + "pcsos,West Midlands,998\n")
    assert [(p.row, p.column) for p in obs.problems] == [(r, "period") for r in range(4, 10)]
    assert all(p.found == "a second row for pcsos, west-midlands, 2021/22 Q2"
               for p in obs.problems)
    assert obs.frame.height == 2
    assert obs.frame.filter(dataset.pl.col("force") == "west-midlands")["value"].to_list() == [
        470.0]


def test_the_same_row_in_two_files_is_not_a_repeat(config, write_data) -> None:
    first = write_data("2021-22_Q1.csv", HEAD + "pcsos,WMP,470\n")
    second = write_data("2021-22_Q2.csv", HEAD + "pcsos,WMP,470\n")
    obs = dataset.load_observations([first, second], config)
    assert obs.problems == ()
    assert obs.frame.height == 2


def test_only_the_first_unknown_ids_of_a_batch_get_a_suggestion(
    load: Load, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dataset_checks, "SUGGESTIONS_PER_BATCH", 3)
    rows = "".join(f"pcsoz{i},WMP,1\n" for i in range(5)) + "pcsoz0,WMP,2\n"
    obs = load("2021-22_Q2.csv", HEAD + rows)
    assert [(p.row, "did you mean 'pcsos'" in p.expected) for p in obs.problems] == [
        (2, True), (3, True), (4, True), (5, False), (6, False), (7, True)]
    assert all(p.expected.startswith("a KPI id from the config") for p in obs.problems)


def test_a_huge_cell_is_quoted_by_its_start_and_length(load: Load) -> None:
    huge = "x" * 100_000
    obs = load("2021-22_Q2.csv", HEAD + f"{huge},WMP,1\n" + f"pcsos,WMP,{huge}\n")
    kpi, value = obs.problems
    shown = f"'{'x' * dataset.QUOTE_CHARS}…' (100,000 characters)"
    assert kpi.found == shown
    assert value.found == shown
    assert len(str(kpi)) < 400


def test_a_huge_column_name_is_quoted_short(load: Load) -> None:
    obs = load("2021-22_Q2.csv", "kpi,force,value," + "y" * 50_000 + "\npcsos,WMP,1,2\n")
    problem, = obs.problems
    assert problem.found == f"an unknown column '{'y' * 60}…' (50,000 characters)"
    assert len(problem.column or "") < 100


@pytest.mark.parametrize("n, text", [
    (5, "5"), (999, "999"), (1000, "1,000"), (100_001, "100,001"), (12_345_678, "12,345,678"),
])
def test_lengths_are_written_with_thousands_separators(n: int, text: str) -> None:
    frame = dataset.pl.DataFrame({"n": [n]})
    assert frame.select(dataset_checks._grouped(dataset.pl.col("n")))[0, 0] == text == f"{n:,}"
