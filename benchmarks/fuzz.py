"""Run the hostile-input properties of ``tests/properties`` for longer than CI does.

CI runs ``tests/properties`` with Hypothesis's ``ci`` profile: a few dozen examples per
property, derandomized, a couple of minutes in all. This script runs the same properties
with the ``long`` profile (random seeds, many examples) round after round, a new seed
each round, until ``--minutes`` are spent, and prints what it found: per round and
property the examples tried, and every failure with its minimal (shrunk) example as
Hypothesis reports it. It prints figures; it is never part of the test run.

    python benchmarks/fuzz.py --minutes 30
    python benchmarks/fuzz.py --minutes 10 --seed 7 -k readers      # one module
    python benchmarks/fuzz.py --minutes 5 --examples 200             # shorter rounds

Hostile inputs are ingested by a worker under the same memory cap as in CI
(``tests/properties/support.py``), so a memory blow-up shows as a failure, never as swapping.
The CLI regression cases (``test_regressions.py``) are fixed inputs and are left out
unless ``--with-regressions`` is given.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FUZZ = ROOT / "tests" / "properties"
_STATS = re.compile(r"^(tests/properties/\S+::\S+):\s*$")
_PASSING = re.compile(r"- (\d+) passing, (\d+) failing")


def _round(seed: int, examples: int, keyword: str | None, regressions: bool,
           timeout: float) -> tuple[Counter[str], list[tuple[str, str]], float, bool]:
    """One pytest run of the properties; (examples per test, failures, seconds, whether
    the time ran out first: a round cut short is not a failure)."""
    env = dict(os.environ, BAZAARWATCH_FUZZ_PROFILE="long",
               BAZAARWATCH_FUZZ_EXAMPLES=str(examples))
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        command = [sys.executable, "-m", "pytest", str(FUZZ), "-q", "-p", "no:cacheprovider",
                   f"--hypothesis-seed={seed}", "--hypothesis-show-statistics",
                   f"--junitxml={junit}"]
        if not regressions:
            command += ["--deselect", str(FUZZ / "test_regressions.py")]
        if keyword:
            command += ["-k", keyword]
        start = time.monotonic()
        stopped = False
        try:
            result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True,
                                    text=True, timeout=timeout, check=False)
            output = result.stdout + result.stderr
        except subprocess.TimeoutExpired as e:
            output = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            stopped = True
        seconds = time.monotonic() - start
        examples_run: Counter[str] = Counter()
        current = None
        generating = False
        for line in output.splitlines():
            if match := _STATS.match(line.strip()):
                current = match.group(1)
            elif "phase" in line:
                generating = "generate phase" in line
            elif current and generating and (match := _PASSING.search(line)):
                examples_run[current] += int(match.group(1)) + int(match.group(2))
        failures: list[tuple[str, str]] = []
        if junit.exists():
            for case in ET.parse(junit).getroot().iter("testcase"):
                for problem in [*case.iter("failure"), *case.iter("error")]:
                    module = (case.get("classname") or "").replace(".", "/") + ".py"
                    name = f"{module}::{case.get('name')}"
                    failures.append((name, (problem.text or problem.get("message") or "")))
    return examples_run, failures, seconds, stopped


def _summary(text: str) -> str:
    """The lines of a failure worth printing: the error and the falsifying example."""
    keep = [line for line in text.splitlines()
            if line.startswith("E ") or "Falsifying" in line or "reproduce_failure" in line]
    return "\n".join(keep[-40:]) or text[-2000:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10, help="time to spend (default 10)")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of the first round (default: from the clock); round i "
                             "uses seed + i")
    parser.add_argument("--examples", type=int, default=1000,
                        help="examples per property per round (default 1000)")
    parser.add_argument("-k", dest="keyword", default=None,
                        help="pytest -k expression to pick properties")
    parser.add_argument("--with-regressions", action="store_true",
                        help="also run the fixed CLI regression cases each round")
    args = parser.parse_args()

    seed = args.seed if args.seed is not None else int(time.time())
    deadline = time.monotonic() + args.minutes * 60
    totals: Counter[str] = Counter()
    found: dict[str, str] = {}
    rounds = 0
    while time.monotonic() < deadline - 5:
        left = deadline - time.monotonic()
        run, failures, seconds, stopped = _round(seed + rounds, args.examples, args.keyword,
                                                 args.with_regressions,
                                                 timeout=max(left, 10))
        totals.update(run)
        cut = " (stopped: out of time)" if stopped else ""
        print(f"round {rounds + 1} (seed {seed + rounds}): {sum(run.values())} examples, "
              f"{len(failures)} failing tests, {seconds:.0f} s{cut}", flush=True)
        for name, text in failures:
            if name not in found:
                found[name] = text
                print(f"  FAIL {name} (seed {seed + rounds})\n"
                      + "\n".join("    " + line for line in _summary(text).splitlines()),
                      flush=True)
        rounds += 1
    print(f"\n{rounds} rounds, {sum(totals.values())} examples in all")
    for name, count in sorted(totals.items()):
        print(f"  {count:8d}  {name}{'  FAILED' if name in found else ''}")
    print(f"{len(found)} properties failed" if found else "no property failed")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
