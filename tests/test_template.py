"""`pcp-tui template`: the return to fill in, read back by the loader as written."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from pcp_tui.cli import EXIT_OK, EXIT_USAGE, main
from pcp_tui.config import load_config
from pcp_tui.dataset import load_observations
from pcp_tui.workbooks import read_grids

TODAY = date(2021, 11, 26)


def fill(rows: list[dict[str, str]], layout: str, config) -> None:
    """Figures in every row, as an analyst would write them."""
    kinds = {k.id: (k.target.kind, k.measure) for k in config.framework.kpis}
    for i, row in enumerate(rows):
        kind, measure = kinds[row["kpi"]]
        cell = "value" if layout == "long" else "2021/22 Q2"
        if kind == "commitment":
            row["status" if layout == "long" else cell] = "in progress"
        elif measure == "rate" and layout == "long":
            row["numerator"], row["denominator"] = "30", "200"
        else:
            row[cell] = str(10 + i)


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_a_filled_in_template_loads_every_kpi(config_path: Path, tmp_path: Path, capsys,
                                              layout: str) -> None:
    config = load_config(config_path)
    data = tmp_path / "data"
    data.mkdir()
    out = data / "return.csv"
    status = main(["--config", str(config_path), "template", "--quarter", "2021/22 Q2",
                   "--layout", layout, "--force", "WMP", "--force", "GMP", "--output", str(out)])
    assert status == EXIT_OK
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    ids = [k.id for k in config.framework.kpis]
    assert [r["kpi"] for r in rows] == ids * 2
    assert {r["force"] for r in rows} == {"west-midlands", "greater-manchester"}
    titles = {k.id: k.title for k in config.framework.kpis}
    assert all(r["title"] == titles[r["kpi"]] and r["unit"] and r["measure"] and r["needs"]
               for r in rows)
    fill(rows, layout, config)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    out.write_text(buffer.getvalue())
    obs = load_observations(data, config, today=TODAY)
    assert obs.problems == ()
    assert obs.frame.height == len(ids) * 2
    assert set(obs.frame.get_column("kpi")) == set(ids)
    assert set(obs.frame.get_column("period")) == {date(2021, 7, 1)}


def test_the_xlsx_template_holds_the_csv_rows(config_path: Path, tmp_path: Path) -> None:
    for layout in ("long", "wide"):
        csv_out, xlsx_out = tmp_path / f"{layout}.csv", tmp_path / f"{layout}.xlsx"
        for out in (csv_out, xlsx_out):
            assert main(["--config", str(config_path), "template", "--quarter", "2021/22 Q2",
                         "--layout", layout, "--output", str(out)]) == EXIT_OK
        with csv_out.open(newline="") as handle:
            expected = list(csv.reader(handle))
        (grid,) = read_grids(xlsx_out)
        width = len(expected[0])
        assert [(row + [""] * width)[:width] for row in grid.rows] == expected


def test_the_quarter_is_required(config_path: Path, capsys) -> None:
    assert main(["--config", str(config_path), "template"]) == EXIT_USAGE
    assert "--quarter" in capsys.readouterr().err
