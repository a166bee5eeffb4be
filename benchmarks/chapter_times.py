"""Run every chapter top to bottom, one after the other, and report how long each takes.

This is what the landing page's "time to run" column quotes: each notebook in a fresh kernel, at the
default (CI) size, on the machine at hand. Run with `make timings`; outputs are not written back
(`make execute` does that) unless ``--write`` is given, which saves each executed notebook in place
as `make execute` would (one run for both jobs). A measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from machine import cpu_name  # benchmarks/machine.py, next to this script

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="save each executed notebook in place")
    args = parser.parse_args()
    chapters = sorted((REPO / "chapters").glob("*.ipynb"))
    if not chapters:
        print("no notebooks in chapters/", file=sys.stderr)
        return 1
    print(f"{cpu_name()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| chapter | seconds |\n| --- | ---: |")
    total = 0.0
    for path in chapters:
        notebook = nbformat.read(path, as_version=4)
        resources = {"metadata": {"path": str(path.parent)}}
        client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources=resources,
                                record_timing=False)
        start = time.perf_counter()
        try:
            client.execute()
        except CellExecutionError as error:
            print(f"{path.name} failed, so its time means nothing; the error:\n{error}", file=sys.stderr)
            return 1
        seconds = time.perf_counter() - start
        total += seconds
        if args.write:
            nbformat.write(notebook, path)
        print(f"| {path.stem} | {seconds:.0f} |", flush=True)
    print(f"| all | {total:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
