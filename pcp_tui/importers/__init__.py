"""Importers: public data files → quarterly returns for `data/`.

- `ons_pfa.import_ons_pfa`: ONS Police Force Area data tables (rolling 12 months → `value_12m`);
- `police_uk.import_police_uk`: the police.uk monthly archive (street crime, stop and search →
  quarterly counts and rates);
- `returns.write_return`: an `ImportResult` → a return CSV plus its provenance sidecar.

Importers never print and never raise for a bad row: what is wrong in a source file is a
Problem in the result.
"""

from pcp_tui.importers.mapping import MappingError, read_import_tables
from pcp_tui.importers.progress import ProgressCallback, rich_progress
from pcp_tui.importers.returns import (
    EmptyReturnError,
    ImportResult,
    Provenance,
    ReturnExistsError,
    ReturnWriteError,
    SourceFile,
    Unmapped,
    WrittenReturn,
    write_return,
)

__all__ = [
    "EmptyReturnError",
    "ImportResult",
    "MappingError",
    "ProgressCallback",
    "Provenance",
    "ReturnExistsError",
    "ReturnWriteError",
    "SourceFile",
    "Unmapped",
    "WrittenReturn",
    "read_import_tables",
    "rich_progress",
    "write_return",
]
