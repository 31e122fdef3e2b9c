"""Hostile workbooks are refused before the spreadsheet reader sees them.

The files are built here with zipfile, as a hostile sender would: a 1.6 KB xlsx with a cell at
XFD1048576 (the reader would ask for 17 billion cells and abort the process: it is never fed to
the reader here), an 8 KB xlsx whose one 5 MB shared string fills 400 cells, and ODS files whose
repeated rows and columns expand past any sheet.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pcp_tui import workbook_checks
from pcp_tui.config import bundled_config_path, load_config
from pcp_tui.dataset import load_observations
from pcp_tui.importers.ons_pfa import import_ons_pfa
from pcp_tui.workbook_checks import WorkbookRefused, check_workbook

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata"

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
        f'{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
        '<sheets><sheet name="Return" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
        f'{RELS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="'
        f'{RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
}


def xlsx(path: Path, cells: str, *, dimension: str | None = None,
         shared: list[str] | None = None) -> Path:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}'
             f"<sheetData>{cells}</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, text in PARTS.items():
            book.writestr(name, text)
        book.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            items = "".join(f"<si><t>{s}</t></si>" for s in shared)
            book.writestr("xl/sharedStrings.xml",
                          f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" '
                          f'count="{len(shared)}" uniqueCount="{len(shared)}">{items}</sst>')
    return path


def dimension_bomb(path: Path) -> Path:
    """1.6 KB: a header, one row, and a cell at the last cell of a sheet."""
    cells = ('<row r="1"><c r="A1" t="inlineStr"><is><t>kpi</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>value</t></is></c></row>'
             '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    return xlsx(path, cells, dimension="A1:XFD1048576")


def shared_string_bomb(path: Path) -> Path:
    """8 KB: one shared string of 5 MB, in 400 cells."""
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, 401))
    return xlsx(path, rows, dimension="A1:A400", shared=["x" * 5_000_000])


@pytest.fixture
def no_reader(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The spreadsheet reader fails the test if it is reached (its errors are caught and
    reported as problems, so the calls are counted too)."""
    fastexcel = pytest.importorskip("fastexcel")
    calls: list[object] = []

    def reached(*args: object, **kwargs: object) -> None:
        calls.append(args)
        raise AssertionError("the spreadsheet reader was handed a refused workbook")

    monkeypatch.setattr(fastexcel, "read_excel", reached)
    yield
    assert calls == []


def test_the_hostile_files_are_as_small_as_described(tmp_path: Path) -> None:
    assert dimension_bomb(tmp_path / "a.xlsx").stat().st_size < 2_000
    assert shared_string_bomb(tmp_path / "b.xlsx").stat().st_size < 10_000


def test_a_cell_at_the_end_of_the_sheet_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkbookRefused, match="A1:XFD1048576 .17,179,869,184 cells"):
        check_workbook(dimension_bomb(tmp_path / "bomb.xlsx"))


def test_far_cells_are_refused_without_a_declared_dimension(tmp_path: Path) -> None:
    # no <dimension>, and the second row has no `r`: it follows the one before
    cells = ('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048575"><c r="A1048575"><v>1</v>'
             '</c></row><row><c/><c/><c/><c/><c/></row>')
    with pytest.raises(WorkbookRefused, match=r"cells from A1 to [A-E]1048576"):
        check_workbook(xlsx(tmp_path / "far.xlsx", cells))


def test_a_huge_shared_string_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkbookRefused):
        check_workbook(shared_string_bomb(tmp_path / "strings.xlsx"))


def test_a_shared_string_longer_than_a_cell_holds_is_refused(tmp_path: Path) -> None:
    # 40,000 characters, too small for the compression-ratio check to catch
    path = xlsx(tmp_path / "long.xlsx", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
                shared=["y" * 40_000])
    with pytest.raises(WorkbookRefused, match="shared string 1 holds 40,000 characters"):
        check_workbook(path)


def test_text_counted_at_each_use_of_a_shared_string(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbook_checks, "MAX_TEXT_CHARS", 100_000)
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, 11))
    path = xlsx(tmp_path / "uses.xlsx", rows, shared=["z" * 30_000])
    with pytest.raises(WorkbookRefused, match="more than 100,000 characters"):
        check_workbook(path)


def test_a_compression_bomb_member_is_refused(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "zeros.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>')
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/media/padding.bin", b"\0" * (8 << 20))
    with pytest.raises(WorkbookRefused, match="padding.bin.*times its packed size"):
        check_workbook(path)


def ods(path: Path, body: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        f'<office:spreadsheet><table:table table:name="Return">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", content)
    return path


def test_repeated_rows_and_columns_of_an_ods_are_counted_as_they_expand(tmp_path: Path) -> None:
    body = ('<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
            'table:number-columns-repeated="1024" office:value-type="float" office:value="1">'
            "<text:p>1</text:p></table:table-cell></table:table-row>")
    with pytest.raises(WorkbookRefused, match="1,073,741,824 cells"):
        check_workbook(ods(tmp_path / "bomb.ods", body))


def test_trailing_empty_repeats_of_an_ods_pass(tmp_path: Path) -> None:
    # as LibreOffice writes every sheet: the used cells, then empty rows and columns repeated
    body = ('<table:table-row><table:table-cell office:value-type="string"><text:p>kpi'
            '</text:p></table:table-cell><table:table-cell table:number-columns-repeated='
            '"16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575">'
            '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')
    check_workbook(ods(tmp_path / "plain.ods", body))


def test_a_refused_workbook_is_a_problem_and_the_rest_loads(
    tmp_path: Path, no_reader: None,
) -> None:
    config = load_config(bundled_config_path())
    data = tmp_path / "data"
    data.mkdir()
    dimension_bomb(data / "2021-22_Q1.xlsx")
    shared_string_bomb(data / "2021-22_Q2.xlsx")
    (data / "2021-22_Q3.csv").write_text("kpi,force,value\npcsos,WMP,470\n", encoding="utf-8")
    obs = load_observations([data], config)
    assert obs.frame.height == 1
    by_file = {Path(p.file).name: p.found for p in obs.problems}
    assert set(by_file) == {"2021-22_Q1.xlsx", "2021-22_Q2.xlsx"}
    assert "refused before reading" in by_file["2021-22_Q1.xlsx"]
    assert "17,179,869,184 cells" in by_file["2021-22_Q1.xlsx"]
    assert "refused before reading" in by_file["2021-22_Q2.xlsx"]


def test_ons_import_reports_a_refused_workbook(tmp_path: Path, no_reader: None) -> None:
    config = load_config(bundled_config_path())
    bomb = dimension_bomb(tmp_path / "pfatables.xlsx")
    result = import_ons_pfa([bomb], config)
    assert result.frame.is_empty()
    assert [p.file for p in result.problems if "refused before reading" in p.found] == [str(bomb)]


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realdata is not here")
@pytest.mark.parametrize("name", sorted(
    str(p.relative_to(REAL)) for p in [*REAL.glob("*/*.xlsx"), *REAL.glob("*/*.ods")]))
def test_real_published_workbooks_pass(name: str) -> None:
    check_workbook(REAL / name)

