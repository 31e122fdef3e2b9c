"""A plain CSV read by Polars gives what Python's `csv` reader gives: the same rows, row numbers,
header spellings and problems, on files made to be awkward."""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
import pytest

from pcp_tui import reading
from pcp_tui.csv_plain import WHITESPACE, plain_rows, plain_text
from pcp_tui.dataset import load_observations
from pcp_tui.reading import Heading, read_batches

HEADERS = ["kpi", "force", "period", "value", "Value ", "status", "notes", "count", "\u00a0x"]
PIECES = ["12", "3.5", "kpi-a", "West Midlands", " ", "\u00a0", "\x1c", "\u2028", "£4",
          "é", "", "  padded  ", "\t", "x\x0by", "2021/22 Q1"]


QUOTED = ['"a, b"', '"a ""b"" c"', '""', '" "', '"x;y|z\tw"', '""""', '"2021/22 Q1"']
ODD_QUOTES = ['a"b', '"a"b', ' "a"', '"a" ', '"a', '"a\nb"', '"a""', 'x""']


def _field(rng: random.Random, delimiter: str, quotes: float) -> str:
    roll = rng.random()
    if roll < quotes:
        return rng.choice(QUOTED)
    if roll < quotes * 1.1:
        return rng.choice(ODD_QUOTES)
    text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(0, 3)))
    return text.replace(delimiter, "")


def _awkward_file(rng: random.Random) -> bytes:
    """A file's bytes: plain, or nearly."""
    delimiter = rng.choice([",", ",", ";", "\t", "|"])
    width = rng.randrange(1, 6)
    header = [rng.choice(HEADERS) for _ in range(width)]
    lines = [delimiter.join(header)]
    odd = rng.choice([0.0, 0.0, 0.02, 0.1])  # how often a line is empty, blank or ragged
    quotes = rng.choice([0.0, 0.0, 0.05, 0.3])  # how often a field is quoted
    for _ in range(rng.randrange(0, 40)):
        roll = rng.random() * 0.11 / odd if odd else 1.0
        if roll < 0.04:
            lines.append("")  # an empty line
        elif roll < 0.08:
            lines.append(delimiter.join(rng.choice([" ", "", "\u3000", "\x1f"])
                                        for _ in range(width)))  # every field blank
        elif roll < 0.11:
            n = max(1, width + rng.choice([-1, 1, 2]))  # a ragged row
            lines.append(delimiter.join(_field(rng, delimiter, quotes) for _ in range(n)))
        else:
            lines.append(delimiter.join(_field(rng, delimiter, quotes) for _ in range(width)))
    end = rng.choice(["\n", "\r\n"])
    text = end.join(lines) + (end if rng.random() < 0.7 else "")
    text += "\n" * (rng.random() < 0.1)
    encoding = rng.choice(["utf-8", "utf-8", "utf-8-sig", "cp1252"])
    if encoding == "cp1252":
        text = text.encode("cp1252", errors="replace").decode("cp1252")
    return text.encode(encoding)


def _read(path: Path) -> tuple[pl.DataFrame | None, list, int, dict]:
    problems: list = []
    heading = Heading()
    frames = list(read_batches(path, problems, heading))
    frame = pl.concat(frames) if frames else None
    return frame, problems, heading.row, heading.written


def test_whitespace_is_what_str_strip_strips():
    import sys

    assert set(WHITESPACE) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


def test_awkward_plain_files_read_as_the_csv_reader_reads_them(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "PLAIN_MIN_BYTES", 0)
    rng = random.Random(20261203)
    taken = []

    def spy(*args):
        rows = plain_rows(*args)
        if rows is not None:
            taken.append(rows.height)
        return rows

    for number in range(400):
        raw = _awkward_file(rng)
        path = tmp_path / f"return-{number}.csv"
        path.write_bytes(raw)
        if not raw.strip():
            continue
        with monkeypatch.context() as patch:
            patch.setattr(reading, "plain_rows", spy)
            fast = _read(path)
        with monkeypatch.context() as patch:
            patch.setattr(reading, "plain_text", lambda *_: None)
            slow = _read(path)
        assert fast[1:] == slow[1:], raw
        if slow[0] is None:
            assert fast[0] is None, raw
        else:
            assert fast[0] is not None and fast[0].equals(slow[0]), raw
    assert len(taken) > 150  # the plain reading was used, not only the record-by-record one


@pytest.mark.parametrize("raw", [
    b"kpi,value\ra,1\r",  # old Mac line ends
    b"kpi,value\na\x00,1\n",  # a NUL
    b"\nkpi,value\na,1\n",  # a blank first line
])
def test_what_csv_might_read_otherwise_is_not_plain(raw):
    assert plain_text(raw, "utf-8") is None


@pytest.mark.parametrize("raw", [
    b"kpi,value\na\n",  # too few fields: Polars would pad it
    b"kpi,value\na,1,2\n",  # too many
    b"kpi,value\n\na,1\n",  # an empty line
    b'kpi,value\na"b,1\n',  # a quote inside a field
    b'kpi,value\n"a"b,1\n',  # a quoted part of a field
    b'kpi,value\n "a",1\n',  # a quoted field after a space
    b'kpi,value\n"a\nb",1\n',  # a quoted field over two lines
])
def test_what_the_csv_reader_might_read_otherwise_is_left_to_it(raw):
    assert plain_rows(raw, ",", 2, {"kpi": 0}) is None


def _read_or_why(path: Path) -> tuple:
    try:
        return _read(path)
    except reading.UnreadableFile as err:
        return None, str(err), None, None


@pytest.mark.parametrize("header", ['kpi,"val\nue"', '"kpi,value', 'kpi,"value"x',
                                    "kpi," + "v" * 140_000])  # a heading over the csv limit
def test_an_odd_header_is_read_as_csv_reads_it(tmp_path, monkeypatch, header):
    monkeypatch.setattr(reading, "PLAIN_MIN_BYTES", 0)
    path = tmp_path / "2021-22_Q1.csv"
    path.write_text(header + "\nkpi-a,1\n", encoding="utf-8")
    fast = _read_or_why(path)
    monkeypatch.setattr(reading, "plain_text", lambda *_: None)
    slow = _read_or_why(path)
    assert fast[1:] == slow[1:]
    assert (fast[0] is None) == (slow[0] is None)
    assert fast[0] is None or fast[0].equals(slow[0])


def test_a_whole_quoted_field_is_read_as_csv_reads_it():
    rows = plain_rows(b'kpi,value\n"a, ""b""",1\n"",2\n', ",", 2, {"kpi": 0, "value": 1})
    assert rows is not None
    assert rows.rows() == [('a, "b"', "1", 2), ("", "2", 3)]


def test_a_field_over_the_csv_limit_is_reported_as_csv_reports_it(tmp_path):
    import csv

    assert csv.field_size_limit() > reading.PLAIN_MIN_BYTES  # so the file is big enough

    path = tmp_path / "2021-22_Q1.csv"
    path.write_text("kpi,value\n" + "x" * (csv.field_size_limit() + 1) + ",1\nkpi-a,2\n")
    problems: list = []
    assert not list(read_batches(path, problems))[0].height
    assert "malformed CSV" in problems[0].found


def test_the_bundled_returns_are_plain_and_load_the_same(monkeypatch):
    monkeypatch.setattr(reading, "PLAIN_MIN_BYTES", 0)
    root = Path(__file__).resolve().parents[1]
    from pcp_tui.config import load_config

    config = load_config(root / "config.toml")
    files = sorted(config.data_folder.glob("*.csv"))
    texts = [plain_text(f.read_bytes(), "utf-8") for f in files]
    assert files and all(texts)
    assert all(plain_rows(text, ",", text.split(b"\n")[0].count(b",") + 1, {}) is not None
               for text in texts if text is not None)  # quoted notes and all
    fast = load_observations(config.data_folder, config)
    monkeypatch.setattr(reading, "plain_text", lambda *_: None)
    slow = load_observations(config.data_folder, config)
    assert fast.frame.equals(slow.frame)
    assert fast.problems == slow.problems
