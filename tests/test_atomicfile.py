"""pyipmi_tools.atomicfile.replace_file: all or nothing, permissions kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pyipmi_tools.atomicfile import replace_file


def test_new_file_gets_umask_mode_and_old_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.conf"
    old = os.umask(0o027)
    try:
        replace_file(str(target), b"first\n")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"first\n" and target.stat().st_mode & 0o777 == 0o640
    target.chmod(0o600)
    replace_file(str(target), b"second\n")
    assert target.read_bytes() == b"second\n" and target.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.conf"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "out.conf"
    target.write_bytes(b"good\n")

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        replace_file(str(target), b"new\n")
    assert target.read_bytes() == b"good\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.conf"]


def test_an_explicit_mode_wins(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_bytes(b"{}")
    target.chmod(0o644)
    replace_file(str(target), b"{}\n", mode=0o600)
    assert target.stat().st_mode & 0o777 == 0o600
