"""`pcp-tui sources`: for every KPI, where its figures come from (`pcp_tui.sources`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from pcp_tui.cli.context import load, make_console, write_stdout
from pcp_tui.cli.options import EXIT_OK, add_command
from pcp_tui.render import literal

if TYPE_CHECKING:  # pcp_tui.sources is imported when the command runs, not at every start
    from pcp_tui.sources import KpiSources


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        sub, "sources", common, help="where each KPI's figures come from",
        description="For every KPI: its source(s), the latest quarter each gives, the file "
        "and edition, and whether it is real published data, an analyst's return or the "
        "illustrative sample.",
        epilog="Examples:\n  pcp-tui sources\n  pcp-tui sources --only sample\n"
        "  pcp-tui sources --format json | jq '[.kpis[] | select(.real)] | length'",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--only", choices=("published", "return", "sample", "none"),
                        help="only KPIs with figures of this kind (none: no figures)")
    parser.set_defaults(func=run)


def _keep(source: KpiSources, only: str | None) -> bool:
    if only is None:
        return True
    if only == "none":
        return not source.uses
    return only in source.kinds


def sources_table(sources: list[KpiSources], title: str = "Where the figures come from") \
        -> Table:
    table = Table(title=title, title_justify="left")
    for name in ("KPI", "source", "latest", "forces", "latest file", "edition"):
        table.add_column(name, overflow="fold", no_wrap=name in ("latest", "forces"),
                         justify="right" if name == "forces" else "left")
    for source in sources:
        if not source.uses:
            table.add_row(literal(source.kpi), Text.assemble(
                ("no data", "dim"), " (the plan: ", literal(source.plan_source), ")"),
                "–", "", "", "")
            continue
        for i, use in enumerate(source.uses):
            words = (literal(f"{use.origin}: {use.publication}") if use.publication
                     else literal(use.origin))
            if use.kind == "sample":
                words.stylize("yellow")
            table.add_row(literal(source.kpi) if i == 0 else Text(""), words,
                          use.latest.label, str(use.forces), literal(Path(use.file).name + (
                              f" (of {len(use.files)})" if len(use.files) > 1 else "")),
                          literal(use.edition))
    return table


def run(args: argparse.Namespace) -> int:
    from pcp_tui.sources import KIND_WORDS, kpi_sources, sources_document

    loaded = load(args)
    sources = [s for s in kpi_sources(loaded.config, loaded.observations)
               if _keep(s, args.only)]
    if args.format == "json":
        write_stdout(json.dumps({"format": "pcp-tui-sources", "version": 1,
                                 "kpis": sources_document(sources)},
                                indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    console = make_console(args)
    console.print(sources_table(sources))
    kinds = ", ".join(f"{sum(kind in s.kinds for s in sources)} {words}"
                      for kind, words in KIND_WORDS.items())
    console.print(f"{len(sources)} KPIs: {kinds}; {sum(not s.uses for s in sources)} with no "
                  "data")
    return EXIT_OK
