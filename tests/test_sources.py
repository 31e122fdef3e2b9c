"""`pcp-tui sources` and validate's sources: published, analysts' own, the sample, none."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pcp_tui.cli import EXIT_OK, main
from pcp_tui.dataset import load_observations
from pcp_tui.provenance import SAMPLE_MARKER
from pcp_tui.sources import PUBLISHED, RETURN, SAMPLE, kpi_sources, source_counts

TODAY = date(2021, 11, 26)


def write_folder(data_dir: Path) -> None:
    (data_dir / "2021-22_Q1.csv").write_text(
        f"kpi,force,value,note\npcsos,WMP,470,{SAMPLE_MARKER}: not official statistics\n"
        "residential-burglary,WMP,700,\n")
    (data_dir / "2021-22_Q2.csv").write_text("kpi,force,value\npcsos,WMP,468\n")
    imported = data_dir / "ho-workforce_as-at-2019-09-30.csv"
    imported.write_text("kpi,force,period,value\npcsos,WMP,2019/20 Q2,455\n"
                        "pcsos,GMP,2019/20 Q2,600\n")
    Path(f"{imported}.provenance.json").write_text(json.dumps({
        "importer": "ho-workforce",
        "source": "Home Office Police workforce, England and Wales statistical tables",
        "editions": ["as at 30 September 2018", "as at 30 September 2019"],
        "files": [],
    }))


def test_each_kpi_names_its_sources(config, data_dir: Path) -> None:
    write_folder(data_dir)
    obs = load_observations(data_dir, config, today=TODAY)
    assert obs.problems == ()
    sources = {s.kpi: s for s in kpi_sources(config, obs)}
    assert list(sources) == [k.id for k in config.framework.kpis]
    pcsos = sources["pcsos"]
    assert [(u.kind, u.latest.label) for u in pcsos.uses] == [
        (RETURN, "2021/22 Q2"), (SAMPLE, "2021/22 Q1"), (PUBLISHED, "2019/20 Q2")]
    published = pcsos.uses[-1]
    assert (published.origin, published.forces, Path(published.file).name) == (
        "ho-workforce", 2, "ho-workforce_as-at-2019-09-30.csv")
    assert published.edition == "as at 30 September 2018, as at 30 September 2019"
    assert pcsos.real
    burglary = sources["residential-burglary"]
    assert [u.kind for u in burglary.uses] == [SAMPLE] and not burglary.real
    assert not sources["s163"].uses
    counts = source_counts(list(sources.values()))
    assert counts == {PUBLISHED: 1, RETURN: 1, SAMPLE: 2,
                      "none": len(sources) - 2}


def test_the_sources_command_and_validate(config_path: Path, data_dir: Path, capsys) -> None:
    write_folder(data_dir)
    common = ["--config", str(config_path), "--data", str(data_dir), "--width", "200"]
    assert main([*common, "sources", "--only", "published"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "ho-workforce: Home Office Police workforce" in out
    assert "pcsos" in out and "residential-burglary" not in out
    assert main([*common, "sources", "--format", "json"]) == EXIT_OK
    document = json.loads(capsys.readouterr().out)
    by_kpi = {k["kpi"]: k for k in document["kpis"]}
    assert by_kpi["pcsos"]["real"] is True
    assert [s["kind"] for s in by_kpi["residential-burglary"]["sources"]] == ["sample"]
    main([*common, "validate"])
    out = capsys.readouterr().out
    assert "Sources: 1 KPI with published releases, 1 with analysts' returns, 2 with the " \
           "illustrative sample" in out
    main([*common, "validate", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert {k["kpi"]: k["real"] for k in document["sources"]}["pcsos"] is True
