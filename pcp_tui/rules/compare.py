"""Most similar forces: every force on the home force's window and source, rank and gap."""

from __future__ import annotations

from typing import Any

import polars as pl

from pcp_tui.config import Config
from pcp_tui.framework import Kpi, Settings
from pcp_tui.periods import Quarter
from pcp_tui.rules.national import NationalPosition, national_position
from pcp_tui.rules.status import MsfEntry, MsfPosition
from pcp_tui.rules.status_rows import StatusRows


def _quarter(ordinal: Any) -> Quarter | None:
    return None if ordinal is None else Quarter.from_ordinal(int(ordinal))


def window_words(kpi: Kpi, window: Any, ends: Quarter, survey: bool = False) -> str:
    """What a comparison value covers: `the 12 months to 2019/20 Q3`, or a stock's quarter."""
    if kpi.measure == "stock" or survey:
        return ends.label
    if window is None or len(window) == 4:
        return f"the 12 months to {ends.label}"
    return f"the {len(window)} quarters to {ends.label}"


def window_populations(settings: Settings, windows: pl.Series) -> pl.DataFrame:
    """Each force's population for each window end (quarter ordinal) in `windows`: the
    population of the source's edition for that window (`Force.population_for`)."""
    ends = [int(o) for o in windows.drop_nulls().unique().sort()]
    rows = [
        (force.id, end, force.population_for(Quarter.from_ordinal(end)))
        for force in settings.forces.values() for end in ends
    ]
    return pl.DataFrame(rows, schema={"force": pl.Utf8, "msf_window": pl.Int32,
                                      "population": pl.Float64}, orient="row")


def msf_frame(status: pl.DataFrame, config: Config) -> pl.DataFrame:
    """Each force's figure for the home force's window (per `rate_per` population for counts),
    rank
    and gap.

    Every force is compared on the window and the source of the home force's figure: a home
    figure for the 12 months to 2020/21 Q4 is set beside each comparator's 12 months to 2020/21
    Q4 from the same kind of figure, never beside a comparator's later or earlier 12 months. A
    force with no such figure has no `msf_value` and takes no part in the rank or the mean.
    """
    settings = config.settings
    home = settings.home_force
    # each force's figure for the window ending at each quarter, from either source
    windows = status.select(
        "kpi", "force", pl.col("as_of").alias("msf_window"),
        pl.when(pl.col("cmp_q_ord") == pl.col("as_of")).then(
            pl.when(pl.col("survey")).then(pl.col("latest_value")).otherwise(pl.col("cmp_q"))
        ).alias("_w_q"),
        pl.when(pl.col("cmp_p_ord") == pl.col("as_of")).then(pl.col("cmp_p")).alias("_w_p"),
    )
    home_window = status.filter(pl.col("force") == home).select(
        "kpi", "as_of", pl.col("comparison_ord").alias("msf_window"),
        pl.col("source").alias("msf_source"),
    )
    status = (
        status.join(home_window, on=["kpi", "as_of"], how="left")
        .join(windows, on=["kpi", "force", "msf_window"], how="left")
    )
    status = status.join(window_populations(settings, status.get_column("msf_window")),
                         on=["force", "msf_window"], how="left")
    same_window = (
        pl.when(pl.col("msf_source") == "published").then(pl.col("_w_p"))
        .otherwise(pl.col("_w_q"))
    )
    msf_value = (
        pl.when(~pl.col("msf")).then(None)
        .when(pl.col("per_pop")).then(same_window / pl.col("population") * pl.col("rate_per"))
        .otherwise(same_window)
    )
    in_group = pl.col("force").is_in(list(settings.all_forces))
    status = status.with_columns(
        pl.when(in_group & pl.col("msf")).then(same_window).alias("msf_comparison"),
        pl.when(in_group).then(msf_value).alias("msf_value"),
        # every force's count for the home force's window: the national picture
        pl.when(pl.col("per_pop")).then(same_window).alias("nat_count"),
    ).drop("_w_q", "_w_p")
    group = ["kpi", "as_of"]
    # rank 1 is the best; with no better direction there is no rank
    key = pl.col("msf_value") * -pl.col("dir_sign")
    is_home = pl.col("force") == home
    comparators_mean = pl.col("msf_value").filter(~is_home).mean().over(group)
    status = status.with_columns(
        pl.when(pl.col("dir_sign") != 0).then(key.rank("min").over(group)).alias("msf_rank"),
        pl.col("msf_value").count().over(group).alias("msf_n"),
        comparators_mean.alias("msf_mean"),
    )
    gap = pl.col("msf_value") - pl.col("msf_mean")
    gap_pct = pl.when(pl.col("msf_mean") != 0).then(gap / pl.col("msf_mean").abs() * 100)
    worse = gap_pct * pl.col("dir_sign") * -1  # positive: worse than the comparators' mean
    return status.with_columns(
        gap.alias("msf_gap"),
        gap_pct.alias("msf_gap_pct"),
        (
            is_home & (pl.col("msf_n") >= 2) & (pl.col("msf_rank") == pl.col("msf_n"))
            & (pl.col("dir_sign") != 0) & (worse > settings.msf_margin_pct)
            & (pl.col("msf_value").is_not_null())
        ).fill_null(False).alias("msf_worst"),
    )


def msf_position(
    settings: Settings, rows: StatusRows, frame: pl.DataFrame,
    as_of: Quarter | None, kpi: Kpi, get: Any, window: Any,
) -> MsfPosition:
    """The most-similar-force table of one KPI: `rows` are the quarter's status rows by
    (kpi, force), `frame` the observations (read only to say why a force has no figure)."""
    ends = _quarter(get("msf_window"))
    source = get("msf_source")
    entries = []
    for force in settings.all_forces:
        other = rows.get((kpi.id, force), {})
        basis = other.get("msf_value")
        missing = None
        if basis is None and ends is not None:
            missing = _no_figure_reason(frame, as_of or ends, kpi, force, ends, source)
        entries.append(MsfEntry(force, other.get("msf_comparison"), basis,
                                other.get("msf_rank"), missing))
    return MsfPosition(
        entries=tuple(entries),
        per_population=kpi.per_population,
        rate_per=kpi.rate_per,
        window=ends,
        window_label=window_words(kpi, window, ends, bool(get("survey"))) if ends else "",
        source=source,
        home_rank=get("msf_rank"),
        n=get("msf_n") or 0,
        comparators_mean=get("msf_mean"),
        gap=get("msf_gap"),
        gap_pct=get("msf_gap_pct"),
        worst=bool(get("msf_worst")),
    )


def national_frame_position(
    settings: Settings, rows: StatusRows, kpi: Kpi, get: Any,
    window: Any,
) -> NationalPosition | None:
    """The home force among every force of the national list with a count for the home
    force's window and source (see `pcp_tui.rules.national`)."""
    ends = _quarter(get("msf_window"))
    if not kpi.per_population or ends is None or get("nat_count") is None:
        return None
    figures = []
    for force in settings.national_forces:
        other = rows.get((kpi.id, force), {})
        figures.append((force, other.get("nat_count"), other.get("population")))
    better = {"higher": 1, "lower": -1}.get(kpi.better, 0)
    return national_position(
        settings.home_force, figures, rate_per=kpi.rate_per, better=better, window=ends,
        window_label=window_words(kpi, window, ends, bool(get("survey"))),
        source=get("msf_source"),
    )


def _no_figure_reason(
    frame: pl.DataFrame, as_of: Quarter, kpi: Kpi, force: str, ends: Quarter,
    source: str | None,
) -> str:
    """Why a force has no figure for a window the home force has one for.

    Suppressed: the return that gives the other forces' figure for the window has rows for this
    force too, but not this one (the ONS tables' `..`). Not yet published: the force's figures
    stop before the window ends. Otherwise the window is incomplete or only the other kind of
    figure covers it.
    """
    column = "value_12m" if source == "published" else (
        "denominator" if kpi.measure == "rate" else "value")
    rows = frame.filter((pl.col("kpi") == kpi.id) & (pl.col("period") <= as_of.start))
    own = rows.filter(pl.col("force") == force)
    figures = own.filter(pl.col(column).is_not_null())
    at_end = own.filter(pl.col("period") == ends.start)
    if not figures.filter(pl.col("period") == ends.start).is_empty():
        return "a quarter missing from the window"
    if not at_end.is_empty():
        other = "quarterly figures" if source == "published" else "a published 12-month figure"
        return f"only {other} for this window"
    others = rows.filter((pl.col("period") == ends.start) & pl.col(column).is_not_null())
    files = others.get_column("file").unique().to_list()
    if files and not own.filter(pl.col("file").is_in(files)).is_empty():
        return "suppressed in the source"
    latest = figures.get_column("period").max()
    if latest is None or latest < ends.start:
        return "not yet published"
    return "no figure for this window"
