"""A plan node's KPIs: all of them under it, and each once."""

from __future__ import annotations

from pathlib import Path

from pcp_tui.config import load_config
from pcp_tui.framework import PlanNode

ROOT = Path(__file__).resolve().parents[1]


def test_a_kpi_in_two_places_under_a_node_is_listed_once_in_plan_order():
    first, second, third = load_config(ROOT / "config.toml").framework.kpis[:3]
    child = PlanNode(kind="objective", id="o", title="O", children=(), kpis=(second, first))
    node = PlanNode(kind="section", id="s", title="S", children=(child,),
                    kpis=(first, third))
    assert [k.id for k in node.walk_kpis()] == [first.id, third.id, second.id, first.id]
    assert [k.id for k in node.distinct_kpis()] == [first.id, third.id, second.id]
