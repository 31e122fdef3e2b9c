"""The alerts as the printouts show them: alerts grouped under the plan's objectives (or the
national priorities), counts by severity, the heading over them and the alert table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from pcp_tui.framework import Framework
from pcp_tui.render import SEVERITY_GLYPHS, alert_facts, literal

if TYPE_CHECKING:
    from pcp_tui.alerts import Alert
    from pcp_tui.rules.assess import Assessment


@dataclass(frozen=True, slots=True)
class AlertGroup:
    id: str
    title: str
    alerts: tuple[Alert, ...]


OTHER_GROUP = {"plan": ("national-only", "National measures only"),
               "priority": ("no-priority", "Not a national priority measure")}


def group_alerts(
    framework: Framework, alerts: Sequence[Alert], by: str = "plan",
) -> list[AlertGroup]:
    """Alerts under the plan's objectives (or the national priorities), in the plan's order.

    An alert on a KPI that serves two national priorities is listed under each of them.
    """
    kpis = {kpi.id: kpi for kpi in framework.kpis}
    if by == "priority":
        groups = [(p.id, p.title) for p in framework.priorities]
        keys = {k.id: k.priorities for k in framework.kpis}
    else:
        groups = [(o.id, o.title) for o in framework.objectives]
        keys = {k.id: (k.objective,) if k.objective else () for k in framework.kpis}
    other = OTHER_GROUP["priority" if by == "priority" else "plan"]
    members: dict[str, list[Alert]] = {}
    for alert in alerts:
        placed = keys.get(alert.kpi, ()) if alert.kpi in kpis else ()
        for key in placed or (other[0],):
            members.setdefault(key, []).append(alert)
    return [AlertGroup(gid, title, tuple(members[gid]))
            for gid, title in [*groups, other] if members.get(gid)]


def severity_counts(alerts: Sequence[Alert]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITY_GLYPHS, 0)
    for alert in alerts:
        counts[alert.severity] = counts.get(alert.severity, 0) + 1
    return counts


def severity_counts_text(alerts: Sequence[Alert]) -> Text:
    """`✖ 13 breach  ▲ 8 warning  ◆ 9 signal …` — every severity, zeros included."""
    text = Text()
    for severity, count in severity_counts(alerts).items():
        glyph = SEVERITY_GLYPHS[severity]
        if text:
            text.append("  ")
        text.append(f"{glyph.char} {count} {glyph.word}", style=glyph.style if count else "dim")
    return text


def alerts_header(assessment: Assessment, alerts: Sequence[Alert],
                  resolved: Sequence[Alert]) -> Text:
    """The first line of `pcp-tui alerts`: quarter, force and the counts by severity."""
    settings = assessment.config.settings
    quarter = assessment.as_of.label if assessment.as_of else "no data"
    new = sum(alert.is_new for alert in alerts)
    text = Text.assemble(
        ("Alerts as of ", "bold"), (quarter, "bold"), " · ",
        literal(settings.forces[settings.home_force].name), " · ",
        f"{len(alerts)} firing ({new} new), {len(resolved)} resolved",
    )
    text.append("\n")
    text.append_text(severity_counts_text(alerts))
    return text


class AlertTable:
    """Alerts as a table under group headings, each with its sentence on a full-width line.

    Columns: severity, KPI, force, value, target or baseline, since. The sentence goes on the
    line below, indented under the KPI, so it is readable at 80 columns as well as at 200.
    For resolved alerts, pass `firing` (the alerts of the quarter): the last column then says
    `resolved` instead of when the alert started.
    """

    def __init__(
        self, assessment: Assessment, groups: Sequence[AlertGroup], *,
        firing: Sequence[Alert] | None = None, messages: bool = True,
    ) -> None:
        self.assessment = assessment
        self.groups = groups
        self.firing = firing
        self.messages = messages

    def _cells(self, alert: Alert) -> tuple[Text, Text, Text, Text, Text, Text]:
        framework = self.assessment.config.framework
        settings = self.assessment.config.settings
        glyph = SEVERITY_GLYPHS[alert.severity]
        facts = alert_facts(self.assessment, alert)
        kpi = framework.kpi(alert.kpi)
        force = settings.forces.get(alert.force)
        if self.firing is not None:
            last = Text("resolved", style="green")
        elif alert.is_new:
            last = Text("new", style="bold")
        else:
            last = Text(alert.since.label)
        return (
            Text(f"{glyph.char} {glyph.word}", style=glyph.style),
            literal(kpi.short or kpi.title, "bold"),
            literal(force.short if force else alert.force),
            literal(facts.value_text),
            literal(facts.short_reference),
            last,
        )

    HEADERS = ("severity", "KPI", "force", "value", "target/baseline", "since")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        rows = {alert.id + alert.quarter.label: self._cells(alert)
                for group in self.groups for alert in group.alerts}
        width = options.max_width

        def widest(i: int, cap: int) -> int:
            longest = max([len(self.HEADERS[i])] + [c[i].cell_len for c in rows.values()])
            return min(longest, cap)

        sev_w, force_w, value_w = widest(0, 13), widest(2, 12), widest(3, 16)
        ref_w, last_w = widest(4, 26 if width >= 100 else 18), widest(5, 12)
        fixed = sev_w + force_w + value_w + ref_w + last_w + 5
        if width - fixed < 16:  # very narrow: let the reference wrap into a smaller column
            ref_w = max(10, ref_w - (16 - (width - fixed)))

        def grid() -> Table:
            table = Table.grid(padding=(0, 1, 0, 0), expand=True)
            table.add_column(width=sev_w, no_wrap=True)
            table.add_column(ratio=1, overflow="ellipsis", no_wrap=True)
            table.add_column(width=force_w, overflow="ellipsis", no_wrap=True)
            table.add_column(width=value_w, justify="right", overflow="fold")
            table.add_column(width=ref_w)
            table.add_column(width=last_w, no_wrap=True, overflow="ellipsis")
            return table

        for number, group in enumerate(self.groups):
            if number:
                yield Text("")
            yield Text.assemble(literal(group.title, "bold underline"),
                                f"  ({len(group.alerts)})")
            header = grid()
            header.add_row(*(Text(h, style="bold") for h in self.HEADERS))
            yield header
            for alert in group.alerts:
                line = grid()
                line.add_row(*rows[alert.id + alert.quarter.label])
                yield line
                if self.messages:
                    yield Padding(literal(alert.message), (0, 0, 0, sev_w + 1))
