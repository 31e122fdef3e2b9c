"""A plain CSV file, read whole by Polars rather than record by record.

Most returns are plain: every line is one record with a field for each header column, and a
quoted field (`"Title, with a comma"`, `"a ""quoted"" word"`) is the whole field, on one line.
Such a file is read by Polars' CSV reader, with the very rows, row numbers and problems that
Python's `csv` reader gives it through `reading._read_csv`, which reads every other file.
Whatever the two might read differently is not plain: any other quote, a NUL, a carriage
return that does not end a line, a field longer than `csv`'s limit, a line with too few or too
many fields (a problem to report), an empty line (`csv` gives it no fields).
"""

from __future__ import annotations

import csv
import io
import re

import polars as pl

# what `str.strip()` strips (every character whose `isspace()` is true): a row whose fields
# hold only these is blank, as `reading` judges a row `csv` gives
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
              "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def plain_text(raw: bytes, encoding: str) -> bytes | None:
    """The whole file as UTF-8 with `\\n` line ends, or None when it cannot be plain.

    `encoding` is what `reading._encoding` judged from this very text (all of it: the file is
    smaller than the sample); it decodes with replacement, as there. UTF-16 is never plain
    here: its quote and NUL are not single bytes."""
    if encoding not in ("utf-8", "utf-8-sig", "cp1252"):
        return None
    if b"\x00" in raw or raw.count(b"\r") != raw.count(b"\r\n"):
        return None
    if encoding != "utf-8":  # "utf-8" was judged valid, so needs no decoding
        raw = raw.decode(encoding, errors="replace").encode("utf-8")
    raw = raw.replace(b"\r\n", b"\n")
    if not raw or raw.startswith(b"\n"):
        return None  # `csv` reads a blank first line as an empty header
    return raw


def _quoted_fields(delimiter: str) -> re.Pattern[bytes]:
    """A whole field in quotes on one line, its quotes doubled inside."""
    d = re.escape(delimiter.encode())
    return re.compile(rb'(?:^|(?<=\n)|(?<=' + d + rb'))"(?:[^"\n]|"")*"(?=' + d + rb'|\n|$)')


def plain_rows(
    text: bytes, delimiter: str, width: int, columns: dict[str, int],
) -> pl.DataFrame | None:
    """The records after the header line as text columns (`columns`: name → field position)
    with `_row`, the spreadsheet row; rows whose fields are all whitespace are passed over, as
    `reading` passes them over. None when the file is not plain after all: a quote that is not
    a whole field's, a line without `width` fields, an empty line."""
    bare = text  # the text without its quoted fields
    if b'"' in text:
        bare = _quoted_fields(delimiter).sub(b"", text)
        if b'"' in bare:
            return None
    try:
        grid = pl.read_csv(io.BytesIO(text), has_header=False, infer_schema=False,
                           quote_char='"' if bare is not text else None,
                           separator=delimiter, empty_string_is_null=False,
                           raise_if_empty=False)
    except pl.exceptions.PolarsError:  # a line with more fields than the header
        return None
    lines = bare.count(b"\n") + (not bare.endswith(b"\n"))
    # Polars pads a short line with empty fields. No line has more delimiters than the header,
    # so none has fewer exactly when the file has `width - 1` for every line.
    if grid.height != lines or bare.count(delimiter.encode()) != (width - 1) * lines:
        return None
    names = grid.columns
    limit = csv.field_size_limit()
    if len(text) > limit and grid.select(
            pl.max_horizontal(pl.all().str.len_chars().max())).item() > limit:
        return None  # a field over the limit is malformed to `csv`
    rows = grid.slice(1).with_row_index("_row", offset=2)
    # a blank row's first field is blank: the rest are looked at only where it is
    maybe = rows.get_column(names[0]).str.strip_chars(WHITESPACE) == ""
    if maybe.any():
        blank = pl.all_horizontal(pl.col(name).str.strip_chars(WHITESPACE) == ""
                                  for name in names)
        rows = rows.filter(~(maybe & blank))
    return rows.select(*(pl.col(names[i]).alias(name) for name, i in columns.items()),
                       pl.col("_row").cast(pl.UInt32))
