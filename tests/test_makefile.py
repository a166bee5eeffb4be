"""The Makefile's set-up cannot half-fail: a failed pip install fails the target and leaves no stamp.

The real Makefile is run with a fake Python whose ``pip install`` fails on demand, so the test
needs neither the network nor a real virtual environment.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Stands in for both the system Python (venv creation, version check) and the venv's Python.
FAKE_PYTHON = """#!/usr/bin/env bash
echo "$0 $*" >> "$CALLS"
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
    mkdir -p "$3/bin" && cp "$0" "$3/bin/python" && exit 0
fi
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then
    echo "WARNING: Location '/nowhere' is ignored."
    if [ -n "$FAIL_PIP" ] && [[ "$*" == *"$FAIL_PIP"* ]]; then
        echo "ERROR: Could not find a version that satisfies the requirement" >&2
        exit 1
    fi
    exit 0
fi
exit 0
"""


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    if shutil.which("make") is None or shutil.which("bash") is None:
        pytest.skip("make and bash are needed to run the Makefile")
    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    fake = tmp_path / "fakepython"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    return tmp_path


def make_stamp(folder: Path, fail_pip: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "FAIL_PIP": fail_pip, "CALLS": str(folder / "calls.log")}
    return subprocess.run(["make", "--no-print-directory", f"PYTHON={folder / 'fakepython'}", ".venv/.installed"],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("failing", ["-r requirements.txt", "--upgrade pip", "-e ."])
def test_failed_install_fails_make_and_is_retried(sandbox: Path, failing: str):
    failed = make_stamp(sandbox, fail_pip=failing)
    assert failed.returncode != 0, failed.stdout + failed.stderr
    assert "Could not find a version" in failed.stdout + failed.stderr  # pip's error reaches the reader
    assert not (sandbox / ".venv/.installed").exists()

    retried = make_stamp(sandbox)
    assert retried.returncode == 0, retried.stdout + retried.stderr
    assert (sandbox / ".venv/.installed").exists()
    assert "requirements.txt" in retried.stdout  # the install ran again, not skipped as up to date


def test_successful_install_is_not_repeated(sandbox: Path):
    assert make_stamp(sandbox).returncode == 0
    calls = (sandbox / "calls.log").read_text().count("pip install")
    again = make_stamp(sandbox)
    assert again.returncode == 0 and "up to date" in again.stdout
    assert (sandbox / "calls.log").read_text().count("pip install") == calls


def test_warning_lines_are_filtered_but_other_output_is_kept(sandbox: Path):
    result = make_stamp(sandbox, fail_pip="-r requirements.txt")
    assert "WARNING: Location '/nowhere'" not in result.stdout + result.stderr
