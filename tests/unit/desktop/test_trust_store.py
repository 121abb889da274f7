"""The trust store's file as the commit path writes it (issue 11: in plain system calls).

A store is made once per program and writes after every commit; these hold what that
must keep: another writer's pins and heads, a folder removed in between, whole files.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from desktop import files
from desktop.trust import TrustStore, WitnessedHead

URL = "sqlite:///shop.sqlite3"


def head(seq: int) -> WitnessedHead:
    return WitnessedHead(seq, f"{seq:064x}", "sig")


def test_what_another_store_wrote_in_between_is_kept(tmp_path: Path) -> None:
    """Two windows (two stores of one database): each update reads the file again."""
    ours, theirs = TrustStore(tmp_path, URL), TrustStore(tmp_path, URL)
    ours.pin("S01", "a" * 64)
    ours.witness({"S01": head(1)})
    theirs.pin("S02", "b" * 64)
    theirs.witness({"S02": head(7)})
    ours.witness({"S01": head(2)})
    stations = TrustStore(tmp_path, URL).stations()
    assert stations["S01"].head == head(2) and stations["S02"].head == head(7)
    assert stations["S02"].fingerprints == ("b" * 64,)


def test_a_trust_folder_removed_since_the_first_write_is_made_again(tmp_path: Path) -> None:
    folder = tmp_path / "trust"
    store = TrustStore(folder, URL)
    store.witness({"S01": head(1)})
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    store.witness({"S01": head(2)})
    assert store.stations()["S01"].head == head(2)
    if os.name == "posix":
        assert stat.S_IMODE(folder.stat().st_mode) == files.PRIVATE_FOLDER


def test_the_witness_is_one_whole_json_file_and_no_temporary_is_left(tmp_path: Path) -> None:
    store = TrustStore(tmp_path, URL)
    store.witness({"S01": head(3)})
    assert json.loads(store.path.read_bytes())["stations"]["S01"]["head"]["seq"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".lock", store.path.name])


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 200_000])
def test_read_small_file_reads_every_byte(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    path = tmp_path / "f"
    files.write_atomically(path, data)
    assert files.read_small_file(path) == data == path.read_bytes()


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_write_atomically_makes_files_as_open_does(tmp_path: Path) -> None:
    """The umask applies to the new file, as with ``open(path, "wb")``; an existing file
    is replaced whole."""
    before = os.umask(0o077)
    try:
        path = tmp_path / "f"
        files.write_atomically(path, b"first, longer")
        files.write_atomically(path, b"second")
    finally:
        os.umask(before)
    assert path.read_bytes() == b"second"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["f"]
