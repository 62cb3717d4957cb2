"""Start-up of the bazaarwatch found on ``sys.path``: whole processes and heavy imports.

Prints the median (of ``--runs``) wall and CPU seconds of ``--version``, ``--help``,
``extract`` and ``classify`` of one line, and ``indicators`` of a case as a table and as
JSON; then what importing the heaviest modules costs (``-X importtime``, cumulative).
Run it on two trees side by side to compare (one core: ``taskset -c 1``):

    PYTHONPATH=/tmp/old/src taskset -c 1 python benchmarks/startup.py --db case.db
    PYTHONPATH=src taskset -c 1 python benchmarks/startup.py --db case.db
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LINE = b'{"id": 1, "text": "hi"}\n'
MODULES = ("bazaarwatch.cli", "bazaarwatch.indicators", "bazaarwatch.store.queries",
           "bazaarwatch.classify.model", "bazaarwatch.intel.analyse",
           "bazaarwatch.outputs.report", "rich.table")


def timed(args: list[str], stdin: bytes, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def import_seconds(module: str, env: dict[str, str]) -> float:
    """Cumulative import time of ``module`` in a fresh interpreter."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                         capture_output=True, text=True, env=env, check=True)
    last = [x for x in run.stderr.splitlines() if x.rstrip().endswith(f"| {module}")][-1]
    return int(last.split("|")[1]) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="a case for the indicators figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        env = {**os.environ, "XDG_STATE_HOME": state}
        bw = [sys.executable, "-m", "bazaarwatch"]
        commands: list[tuple[str, list[str], bytes]] = [
            ("--version", [*bw, "--version"], b""), ("--help", [*bw, "--help"], b""),
            ("extract, one line", [*bw, "extract"], LINE),
            ("classify, one line", [*bw, "classify"], LINE)]
        if args.db:
            db = ["--db", str(args.db)]
            commands += [("indicators table (default)", [*bw, "indicators", *db], b""),
                         ("indicators table, 100,000 rows at most",
                          [*bw, "indicators", *db, "--limit", "100000"], b""),
                         ("indicators --json", [*bw, "indicators", *db, "--json"], b"")]
        tree = os.environ.get("PYTHONPATH", "(installed)")
        print(f"tree: {tree}; median of {args.runs} runs")
        for name, argv, stdin in commands:
            runs = [timed(argv, stdin, env) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            print(f"{name:<42} {wall:6.2f} s wall {cpu:6.2f} s CPU")
        for module in MODULES:
            seconds = statistics.median(import_seconds(module, env) for _ in range(3))
            print(f"import {module:<35} {seconds:6.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
