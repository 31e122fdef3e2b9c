"""From police.uk counts to the import's rows: the complete quarters of each force, the
quarterly street crime counts of the mapped crime types, and the stop and search KPIs with
their context tables (by legislation, by ethnicity).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import polars as pl

from pcp_tui.dataset import Problem
from pcp_tui.importers.areas import config_force_id, force_by_slug
from pcp_tui.importers.mapping import plain_key
from pcp_tui.importers.police_uk_files import CURRENT, LAYOUT_2011, Run, rows_text, searches_text
from pcp_tui.importers.returns import Unmapped
from pcp_tui.periods import Quarter

ETHNIC_PREFIXES = (
    ("white", "White"), ("black", "Black"), ("asian", "Asian"), ("mixed", "Mixed"),
)


# Quarters -----------------------------------------------------------------------------------


def complete_quarters(kind: str, counts: pl.DataFrame, run: Run) -> dict[str, set[Quarter]]:
    """For each force slug, the quarters with all three months present; the rest reported.

    Each force is judged over its own months: a folder of one force's 2015 files beside
    another's 2019 files lacks no quarter of either between them."""
    present: dict[str, set[date]] = defaultdict(set)
    for slug, month in counts.select("_slug", "_file_month").unique().iter_rows():
        present[slug].add(month)
    complete: dict[str, set[Quarter]] = {}
    for slug, months in sorted(present.items()):
        first = Quarter.from_date(min(months))
        last = Quarter.from_date(max(months))
        area = force_by_slug(slug)
        name = area.police_uk_name if area is not None else slug
        complete[slug] = set()
        for ordinal in range(first.ordinal, last.ordinal + 1):
            quarter = Quarter.from_ordinal(ordinal)
            wanted = [_month_of(quarter, i) for i in range(3)]
            have = [m for m in wanted if m in months]
            if len(have) == 3:
                complete[slug].add(quarter)
                continue
            if area is not None and config_force_id(run.config.settings, area) is None:
                continue  # a force the config does not hold: nobody will miss its quarter
            lacking = ", ".join(f"{m:%Y-%m}" for m in wanted if m not in months)
            run.problems.append(Problem(
                f"police.uk {kind} files", None, "Month",
                f"{len(have)} of 3 months of {quarter.label} for {name} (no {lacking})",
                "all three months of the quarter; the quarter is left out, not counted short",
            ))
    return complete


def _month_of(quarter: Quarter, i: int) -> date:
    start = quarter.start
    month = start.month + i
    return date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _national_forces(slugs: Any, configured: dict[str, str]) -> dict[str, str]:
    """Slug → the config's force id, or the police.uk slug for a force the config does not
    hold: the context tables keep every force for the national picture."""
    return {slug: configured.get(slug, slug) for slug in slugs}


def _config_forces(slugs: Any, run: Run) -> dict[str, str]:
    """Slug → config force id for the forces the config holds; the others noted as skipped."""
    out = {}
    for slug in slugs:
        area = force_by_slug(slug)
        force_id = config_force_id(run.config.settings, area) if area is not None else None
        if force_id is None:
            run.skipped.add(area.police_uk_name if area is not None else slug)
        else:
            out[slug] = force_id
    return out


def _quarterly(counts: pl.DataFrame, complete: dict[str, set[Quarter]],
               forces: dict[str, str]) -> pl.DataFrame:
    """Counts of configured forces in complete quarters, with `force` and `period` columns."""
    quarter_of = {
        d: Quarter.from_date(d) for d in counts.get_column("_date").unique().to_list()
    }
    keep = [
        (slug, q.label) for slug, quarters in complete.items() if slug in forces for q in quarters
    ]
    allowed = pl.DataFrame(
        {"_slug": [k[0] for k in keep], "period": [k[1] for k in keep]},
        schema={"_slug": pl.String, "period": pl.String},
    )
    return (
        counts.filter(pl.col("_slug").is_in(list(forces)))
        .with_columns(
            pl.col("_date").replace_strict(
                {d: q.label for d, q in quarter_of.items()}, return_dtype=pl.String
            ).alias("period"),
            pl.col("_slug").replace_strict(forces, return_dtype=pl.String).alias("force"),
        )
        .join(allowed, on=["_slug", "period"], how="semi")
    )


# Street crime ---------------------------------------------------------------------------------


def street_crime_rows(
    counts: pl.DataFrame, complete: dict[str, set[Quarter]], run: Run,
) -> tuple[list[dict[str, Any]], pl.DataFrame, list[Unmapped]]:
    """Quarterly counts of the mapped crime types. Each file is read with the vocabulary of its
    layout: the 2011 layout's crime types through `[import.police_uk.layout_2011]`. A KPI is
    written for a force's quarter only when every layout of its months maps it: a quarter of
    2011 files gives no shoplifting count (it was inside "Other crime"), never a zero."""
    blank = counts.filter(pl.col("Crime type").fill_null("") == "")
    for path, rows in blank.group_by("_path").agg(pl.col("rows").sum()).sort("_path").iter_rows():
        run.problems.append(Problem(
            path, None, "Crime type", f"{rows_text(rows)} without a crime type",
            "a crime type on every row; these rows are not counted",
        ))
    counts = counts.filter(pl.col("Crime type").fill_null("") != "")
    slugs = counts.get_column("_slug").unique().sort()
    forces = _config_forces(slugs, run)
    quarterly = _quarterly(counts, complete, _national_forces(slugs, forces))
    mapping = run.mapping
    vocabularies = {
        CURRENT: (mapping.crime_types, mapping.not_mapped, "police.uk street crime types",
                  "[import.police_uk.crime_types]"),
        LAYOUT_2011: (mapping.crime_types_2011, mapping.not_mapped_2011,
                      "police.uk street crime types (2011 layout)",
                      "[import.police_uk.layout_2011.crime_types]"),
    }
    kpi_of: dict[tuple[str, str], str | None] = {}
    unmapped: list[Unmapped] = []
    for layout, label in sorted(
        counts.select("_layout", "Crime type").unique().iter_rows(), key=lambda r: (r[0], r[1])
    ):
        types_table, reasons, table, where = vocabularies[layout]
        key = plain_key(label)
        kpi_of[(layout, label)] = types_table.get(key)
        if key not in types_table:
            unmapped.append(Unmapped(table, label, reasons.get(key, f"no KPI in {where}")))
    keyed = pl.concat_str(pl.col("_layout"), pl.lit("\x1f"), pl.col("Crime type"))
    types = (
        quarterly.with_columns(
            keyed.replace_strict({f"{lay}\x1f{lab}": k for (lay, lab), k in kpi_of.items()},
                                 default=None, return_dtype=pl.String).alias("kpi")
        )
        .group_by("force", "period", "_layout", "Crime type", "kpi").agg(pl.col("rows").sum())
        .rename({"_layout": "layout", "Crime type": "crime_type", "rows": "count"})
        .select("force", "period", "layout", "crime_type", "count", "kpi")
        .sort("force", "period", "layout", "crime_type")
    )
    rows: list[dict[str, Any]] = []
    # a crime type with no rows in a complete quarter is a true zero, when every layout of
    # the quarter's months could have counted it
    plan_forces = set(forces.values())  # KPI rows for the config's forces only
    layouts_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for force, period, layout in types.select("force", "period", "layout").unique().iter_rows():
        if force in plan_forces:
            layouts_of[(force, period)].add(layout)
    totals = {
        (kpi, f, p): v
        for kpi, f, p, v in types.filter(pl.col("kpi").is_not_null())
        .group_by("kpi", "force", "period").agg(pl.col("count").sum()).iter_rows()
    }
    every_kpi = set(mapping.crime_types.values()) | set(mapping.crime_types_2011.values())
    left_out: dict[str, int] = defaultdict(int)
    for kpi in sorted(every_kpi):
        for (force, period), layouts in sorted(layouts_of.items()):
            if not all(kpi in vocabularies[lay][0].values() for lay in layouts):
                left_out[kpi] += 1
                continue
            rows.append({"kpi": kpi, "force": force, "period": period,
                         "value": float(totals.get((kpi, force, period), 0))})
    for kpi, quarters in sorted(left_out.items()):
        run.notes.append(
            f"{kpi}: {quarters} quarter{'s' if quarters != 1 else ''} read from files in the "
            "2011 layout, whose crime types do not count it on its own: no value, not zero"
        )
    return rows, types, unmapped


# Stop and search ------------------------------------------------------------------------------


def _ethnic_group(text: str | None) -> str:
    key = plain_key(text)
    if not key or "not stated" in key:
        return "Not stated"
    for prefix, group in ETHNIC_PREFIXES:
        if key.startswith(prefix):
            return group
    return "Other"


def unmapped_outcomes(counts: pl.DataFrame, run: Run) -> list[Unmapped]:
    """Outcomes in neither list of `[import.police_uk.stop_search]` (nor unknown), with how
    many searches of every file read carry them: never counted on either side of the rate."""
    rules = run.mapping.stop_search
    known = rules.negative_outcomes | rules.positive_outcomes | rules.unknown_outcomes
    outcomes = counts.filter(pl.col("Outcome").is_not_null())
    found = outcomes.get_column("Outcome").unique().to_list()
    strange = sorted(v for v in found if plain_key(v) not in known)
    if not strange:
        return []
    out = []
    for outcome, searches, slugs in (
        outcomes.filter(pl.col("Outcome").is_in(strange))
        .group_by("Outcome").agg(pl.col("rows").sum(), pl.col("_slug").unique().sort())
        .sort("Outcome").iter_rows()
    ):
        names = []
        for slug in slugs:
            area = force_by_slug(slug)
            names.append(area.police_uk_name if area is not None else slug)
        out.append(Unmapped(
            "police.uk stop and search outcomes", outcome,
            f"{searches_text(searches)} ({', '.join(names)}); in neither "
            "negative_outcomes nor positive_outcomes of [import.police_uk.stop_search]: "
            "counted on neither side of the positive outcome rate",
        ))
    return out


def stop_search_rows(
    counts: pl.DataFrame, complete: dict[str, set[Quarter]], run: Run,
) -> tuple[list[dict[str, Any]], dict[str, pl.DataFrame]]:
    rules = run.mapping.stop_search
    slugs = counts.get_column("_slug").unique().sort()
    forces = _config_forces(slugs, run)
    quarterly = _quarterly(counts, complete, _national_forces(slugs, forces))
    plan_forces = set(forces.values())

    def flag(column: str, words: frozenset[str]) -> pl.Expr:
        values = quarterly.get_column(column).unique().to_list()
        hits = [v for v in values if plain_key(v) in words]
        return pl.col(column).is_in(hits) if hits else pl.lit(False)

    legislation = pl.col("Legislation").fill_null("") != ""
    section_60 = flag("Legislation", rules.section_60_legislation)
    no_suspicion = flag("Legislation", rules.no_suspicion_legislation)
    reasonable = legislation & ~no_suspicion
    unknown_outcome = flag("Outcome", rules.unknown_outcomes) | pl.col("Outcome").is_null()
    negative = flag("Outcome", rules.negative_outcomes)
    positive = flag("Outcome", rules.positive_outcomes)
    unmapped_outcome = ~unknown_outcome & ~negative & ~positive
    has_object = pl.col("Object of search").fill_null("") != ""
    weapon = flag("Object of search", rules.weapon_objects)
    linked = (
        pl.col("Outcome linked to object of search").fill_null("").str.to_lowercase() == "true"
    )

    def total(condition: pl.Expr | None = None) -> pl.Expr:
        rows = pl.col("rows") if condition is None else pl.col("rows").filter(condition)
        return rows.sum()

    summary = quarterly.group_by("force", "period").agg(
        total().alias("searches"),
        total(section_60).alias("section_60"),
        total(no_suspicion & ~section_60).alias("other_no_suspicion"),
        total(~legislation).alias("no_legislation"),
        total(reasonable).alias("reasonable_grounds"),
        total(reasonable & (positive | negative)).alias("rg_outcome_recorded"),
        total(reasonable & positive).alias("rg_positive"),
        total(reasonable & unmapped_outcome).alias("rg_outcome_unmapped"),
        total(reasonable & has_object).alias("rg_object_recorded"),
        total(reasonable & weapon).alias("rg_weapon_object"),
        total(reasonable & weapon & positive & linked).alias("rg_weapon_object_positive_linked"),
    ).sort("force", "period")

    rows: list[dict[str, Any]] = []
    for record in summary.filter(pl.col("force").is_in(list(plan_forces))).iter_rows(named=True):
        base = {"force": record["force"], "period": record["period"]}
        if rules.section_60:
            rows.append({**base, "kpi": rules.section_60, "value": float(record["section_60"])})
        for kpi, num, den in (
            (rules.positive_outcome_rate, "rg_positive", "rg_outcome_recorded"),
            (rules.weapon_object_share, "rg_weapon_object", "rg_object_recorded"),
        ):
            if not kpi:
                continue
            if record[den] == 0:
                run.notes.append(f"{kpi}, {record['force']}, {record['period']}: no "
                                 "reasonable-grounds searches to base a rate on")
                continue
            rows.append({**base, "kpi": kpi, "numerator": float(record[num]),
                         "denominator": float(record[den]),
                         "value": 100.0 * record[num] / record[den]})

    by_legislation = (
        quarterly.with_columns(pl.col("Legislation").fill_null("(not recorded)"))
        .group_by("force", "period", "Legislation").agg(total().alias("searches"))
        .rename({"Legislation": "legislation"}).sort("force", "period", "legislation")
    )
    groups = {v: _ethnic_group(v)
              for v in quarterly.get_column("Self-defined ethnicity").unique().to_list()}
    by_ethnicity = (
        quarterly.with_columns(
            pl.col("Self-defined ethnicity")
            .replace_strict(groups, return_dtype=pl.String).alias("ethnicity")
        )
        .group_by("force", "period", "ethnicity").agg(total().alias("searches"))
    )
    populations = run.mapping.population_by_ethnicity
    pop_rows = [(force, group, people) for force, table in populations.items()
                for group, people in table.items()]
    population = pl.DataFrame(
        {"force": [r[0] for r in pop_rows], "ethnicity": [r[1] for r in pop_rows],
         "population": [r[2] for r in pop_rows]},
        schema={"force": pl.String, "ethnicity": pl.String, "population": pl.Int64},
    )
    by_ethnicity = (
        by_ethnicity.join(population, on=["force", "ethnicity"], how="left")
        .with_columns(
            (pl.col("searches") / pl.col("population") * 1000).alias("per_1000_in_quarter")
        )
        .sort("force", "period", "ethnicity")
    )
    without = sorted(set(forces.values()) - set(populations))
    if without:
        run.notes.append(
            "no population by ethnicity configured for " + ", ".join(without)
            + " ([import.police_uk.population_by_ethnicity]); search rates per 1,000 by "
            "ethnicity are left empty for them"
        )
    return rows, {
        "stop_search_summary": summary,
        "stop_search_legislation": by_legislation,
        "stop_search_ethnicity": by_ethnicity,
    }
