"""Source digests: each file hashed once, the digest reused while its size and modification
time are unchanged."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from pcp_tui.config import bundled_config_path, load_config
from pcp_tui.importers.digests import CACHE_NAME, DigestCache
from pcp_tui.importers.police_uk import import_police_uk


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_digest_is_reused_while_size_and_mtime_are_unchanged(tmp_path: Path):
    source = tmp_path / "a.csv"
    source.write_bytes(b"one\n")
    cache_path = tmp_path / "out" / CACHE_NAME
    first = DigestCache(cache_path)
    assert first.digest(source) == sha(b"one\n")
    first.save()
    assert (first.hits, first.misses) == (0, 1)

    second = DigestCache(cache_path)
    assert second.digest(source) == sha(b"one\n")
    assert (second.hits, second.misses) == (1, 0)

    # the same size, a new modification time: read again
    stat = source.stat()
    source.write_bytes(b"two\n")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    third = DigestCache(cache_path)
    assert third.digest(source) == sha(b"two\n")
    assert (third.hits, third.misses) == (0, 1)


def test_the_cache_is_what_is_trusted_for_an_unchanged_file(tmp_path: Path):
    """The digest comes from the cache, not from reading the file again: an entry written for
    this size and mtime is returned as it is."""
    source = tmp_path / "a.csv"
    source.write_bytes(b"one\n")
    stat = source.stat()
    cache_path = tmp_path / CACHE_NAME
    cache_path.write_text(json.dumps({"version": 1, "files": {str(source.resolve()): {
        "bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": "f" * 64}}}))
    assert DigestCache(cache_path).digest(source) == "f" * 64


def test_a_malformed_cache_is_read_as_empty_and_rewritten(tmp_path: Path):
    source = tmp_path / "a.csv"
    source.write_bytes(b"one\n")
    cache_path = tmp_path / CACHE_NAME
    for text in ("{not json", "[]", '{"version": 1, "files": 3}'):
        cache_path.write_text(text)
        cache = DigestCache(cache_path)
        assert cache.digest(source) == sha(b"one\n")
        cache.save()
        assert json.loads(cache_path.read_text())["files"][str(source.resolve())]["sha256"] \
            == sha(b"one\n")


def test_the_police_uk_import_hashes_each_source_once(tmp_path: Path):
    plan = load_config(bundled_config_path())
    header = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
              "LSOA name,Crime type,Last outcome category,Context")
    for month in ("2019-04", "2019-05", "2019-06"):
        folder = tmp_path / "archive" / month
        folder.mkdir(parents=True)
        (folder / f"{month}-west-midlands-street.csv").write_text(
            f"{header}\n,{month},West Midlands Police,West Midlands Police,1,2,X,E,N,"
            "Shoplifting,,\n")
    cache_path = tmp_path / "data" / CACHE_NAME
    first = DigestCache(cache_path)
    result = import_police_uk(tmp_path / "archive", plan, digest_cache=first)
    assert (first.hits, first.misses) == (0, 3)
    again = DigestCache(cache_path)
    repeat = import_police_uk(tmp_path / "archive", plan, digest_cache=again)
    assert (again.hits, again.misses) == (3, 0)
    assert [f.sha256 for f in repeat.provenance.files] == \
        [f.sha256 for f in result.provenance.files]
    assert all(f.sha256 == sha(Path(f.path).read_bytes()) for f in repeat.provenance.files)


def test_the_import_command_keeps_the_digests_beside_the_returns(tmp_path: Path, capsys):
    from pcp_tui.cli import main

    header = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
              "LSOA name,Crime type,Last outcome category,Context")
    for month in ("2019-04", "2019-05", "2019-06"):
        (tmp_path / f"{month}-west-midlands-street.csv").write_text(
            f"{header}\n,{month},West Midlands Police,West Midlands Police,1,2,X,E,N,"
            "Shoplifting,,\n")
    out = tmp_path / "data"
    main(["import", "police-uk", str(tmp_path), "--out", str(out)])
    capsys.readouterr()
    files = json.loads((out / CACHE_NAME).read_text())["files"]
    assert sorted(Path(p).name for p in files) == [
        f"{m}-west-midlands-street.csv" for m in ("2019-04", "2019-05", "2019-06")]
