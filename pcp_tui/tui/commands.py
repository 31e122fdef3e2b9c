"""Ctrl+P: find any KPI, objective or national priority by words in its title and go to it."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.style import Style

from pcp_tui.render import visible
from pcp_tui.tui.plan_items import KIND_WORDS, PlanItem, all_items

if TYPE_CHECKING:
    from pcp_tui.tui.app import PcpApp

MATCH_STYLE = Style(bold=True, underline=True)


def score(query: str, item: PlanItem) -> float:
    """1 when the title holds every word, less for a partial or fuzzy match, 0 for none."""
    words = query.casefold().split()
    if not words:
        return 0.0
    haystack = item.title.casefold()
    if item.kpi is not None:
        haystack += " " + item.kpi.short.casefold() + " " + item.id
    found = sum(1 for word in words if word in haystack)
    if found == 0:
        return 0.0
    bonus = 0.1 if haystack.startswith(words[0]) else 0.0
    return min(1.0, found / len(words) * 0.85 + bonus + (0.05 if item.kind == "kpi" else 0.0))


def highlight(title: str, query: str) -> Content:
    """The title as literal content with the query's words underlined."""
    shown = visible(title)
    content = Content(shown)
    lowered = shown.casefold()
    for word in query.casefold().split():
        start = lowered.find(word)
        while start != -1 and word:
            content = content.stylize(MATCH_STYLE, start, start + len(word))
            start = lowered.find(word, start + len(word))
    return content


class PlanFinder(Provider):
    """KPIs, objectives, sub-objectives and national priorities."""

    @property
    def _app(self) -> PcpApp:
        return self.app  # type: ignore[return-value]

    def _help(self, item: PlanItem) -> Content:
        app = self._app
        if item.kpi is not None:
            where = app.config.framework.location(item.kpi)
            return Content(visible(f"KPI · {where}"))
        return Content(KIND_WORDS[item.kind])

    async def search(self, query: str) -> Hits:
        app = self._app
        scored = []
        for item in all_items(app.config.framework):
            value = score(query, item)
            if value > 0:
                scored.append((value, item))
        scored.sort(key=lambda pair: -pair[0])
        for value, item in scored[:60]:
            yield Hit(
                value,
                highlight(item.title, query),
                partial(app.jump_to, item),
                text=visible(item.title),
                help=self._help(item),  # type: ignore[arg-type]
            )

    async def discover(self) -> Hits:
        """With nothing typed: the KPIs that breach their target this quarter."""
        app = self._app
        assessment = app.assessment
        if assessment is None:
            return
        items = {item.id: item for item in all_items(app.config.framework) if item.kpi}
        seen = set()
        for alert in assessment.alerts:
            if alert.severity != "breach" or alert.kpi in seen or alert.kpi not in items:
                continue
            seen.add(alert.kpi)
            item = items[alert.kpi]
            yield DiscoveryHit(
                Content(visible(f"✖ {item.title}")),
                partial(app.jump_to, item),
                text=visible(item.title),
                help=Content("breach this quarter"),  # type: ignore[arg-type]
            )
