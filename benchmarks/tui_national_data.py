"""A national-scale copy of the framework and data for the app's benchmarks (not a test).

The bundled config knows four forces. For scale this writes, into a folder of your choosing, a
config whose forces are Force 01 … Force 43 (Force 01 at home, the other 42 its comparators) and
one quarterly return per quarter from 2017/18 Q1 to 2021/22 Q2 with a figure for every KPI ×
force × quarter, shaped after the bundled sample so that the rules see believable series.

    .venv/bin/python benchmarks/tui_national_data.py /tmp/national
"""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pcp_tui.config import load_config  # noqa: E402
from pcp_tui.dataset import load_observations  # noqa: E402
from pcp_tui.framework import COMMITMENT_STATUSES  # noqa: E402
from pcp_tui.periods import Quarter  # noqa: E402

FORCES = 43
FIRST, LAST = Quarter(2017, 1), Quarter(2021, 2)


def _forces_toml() -> str:
    rng = random.Random(43)
    blocks = []
    for number in range(1, FORCES + 1):
        blocks.append(
            f'[forces.force-{number:02d}]\nname = "Force {number:02d}"\n'
            f'short = "F{number:02d}"\narea_code = "E230000{number:02d}"\n'
            f"population = {rng.randrange(500_000, 3_000_000, 100)}\n"
        )
    return "\n".join(blocks)


def national_config_text() -> str:
    """The bundled config with 43 forces in place of the four."""
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    # drop every [forces.*] table: from its header to the next table header
    text = re.sub(r"(?ms)^\[forces\.[^\]]+\]\n.*?(?=^\[|\Z)", "", text)
    comparators = ", ".join(f'"force-{n:02d}"' for n in range(2, FORCES + 1))
    text = re.sub(r'(?m)^home_force = .*$', 'home_force = "force-01"', text, count=1)
    text = re.sub(r"(?m)^comparators = .*$", f"comparators = [{comparators}]", text, count=1)
    return text.replace("[settings.baselines]", _forces_toml() + "\n[settings.baselines]", 1)


def write_national(folder: Path) -> Path:
    """Write config.toml and data/ into `folder`; returns the config's path."""
    folder.mkdir(parents=True, exist_ok=True)
    config_path = folder / "config.toml"
    config_path.write_text(national_config_text(), encoding="utf-8")
    bundled = load_config(ROOT / "config.toml")
    sample = load_observations([bundled.data_folder], bundled).frame
    config = load_config(config_path)
    typical = dict(
        sample.filter(pl.col("value").is_not_null())
        .group_by("kpi").agg(pl.col("value").median()).iter_rows()
    )
    data = folder / "data"
    data.mkdir(exist_ok=True)
    rng = random.Random(2021)
    quarters = [Quarter.from_ordinal(o) for o in range(FIRST.ordinal, LAST.ordinal + 1)]
    levels = {(kpi.id, f): rng.uniform(0.4, 1.6) for kpi in config.framework.kpis
              for f in config.settings.forces}
    for number, quarter in enumerate(quarters):
        with (data / f"{quarter.file_stem}.csv").open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["kpi", "force", "period", "value", "numerator", "denominator",
                             "status"])
            for kpi in config.framework.kpis:
                for force in config.settings.forces:
                    level = levels[(kpi.id, force)] * (1 + 0.01 * number)
                    if kpi.target.kind == "commitment":
                        writer.writerow([kpi.id, force, quarter.label, "", "", "",
                                         rng.choice(COMMITMENT_STATUSES)])
                        continue
                    base = float(typical.get(kpi.id) or 100.0)
                    if kpi.measure == "rate":
                        denominator = rng.randrange(200, 5000)
                        share = min(0.95, max(0.01, base / kpi.unit.scale * level
                                              * rng.uniform(0.9, 1.1)))
                        numerator = round(denominator * share)
                        value = numerator / denominator * kpi.unit.scale
                        writer.writerow([kpi.id, force, quarter.label, f"{value:.6g}",
                                         numerator, denominator, ""])
                    else:
                        value = base * level * rng.uniform(0.9, 1.1)
                        if kpi.unit.id == "percent":
                            value = min(99.0, value)
                        writer.writerow([kpi.id, force, quarter.label, f"{value:.6g}", "", "",
                                         ""])
    return config_path


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "national")
    path = write_national(target)
    print(f"wrote {path} and {path.parent / 'data'}")
