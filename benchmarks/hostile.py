"""Time and peak memory of ingest on hostile inputs of growing size: is it linear?

Each input is a small single-chat export holding one hostile message between two good
ones: a long string, deep nesting, many long integers. Each size runs in a fresh
process (``bazaarwatch ingest``), and the script prints seconds and peak RSS per size, so
quadratic growth shows as times that quadruple when the size doubles.

    python benchmarks/hostile.py
    python benchmarks/hostile.py --sizes 8 16 32 64 --workdir /tmp/hostile
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def good(i: int) -> str:
    return json.dumps({"id": i, "type": "message", "date": "2024-05-01T10:00:00",
                       "date_unixtime": "1714557600", "from": "A", "from_id": "user1",
                       "text": f"hello {i}"})


def export(bad: str) -> str:
    return ('{"name": "c", "type": "public_channel", "id": 1, "messages": ['
            f"{good(1)}, {bad}, {good(3)}]}}")


def long_string(mb: int) -> str:
    return ('{"id": 2, "type": "message", "date_unixtime": "1714557600", "text": "'
            + "продаю cvv " * (mb * 1_000_000 // 17) + '"}')


def deep(mb: int) -> str:
    depth = mb * 100_000
    return ('{"id": 2, "type": "message", "date_unixtime": "1714557600", "text": '
            + "[" * depth + "]" * depth + "}")


def integers(mb: int) -> str:
    return ('{"id": 2, "type": "message", "date_unixtime": "1714557600", "text": "x", '
            '"poll": [' + ", ".join(["12345678901234567890123"] * (mb * 40_000)) + "]}")


KINDS: dict[str, tuple[str, Callable[[int], str]]] = {
    "string (MB of text)": ("MB", long_string),
    "nesting (x100,000 levels)": ("x", deep),
    "long integers (x40,000)": ("x", integers),
}


#: The child reports its own peak RSS as its last line of stderr, whatever its exit
#: (Linux: read from /proc).
_CHILD = """
import atexit, re, sys
def peak():  # VmHWM: this process's own peak (ru_maxrss would count the parent's too)
    status = open("/proc/self/status").read()
    print(re.search(r"VmHWM:\\s+(\\d+)", status).group(1), file=sys.stderr)
atexit.register(peak)
from bazaarwatch.cli import main
sys.argv = ["bazaarwatch", "ingest", sys.argv[1], "--db", sys.argv[2]]
main()
"""


def run(file: Path, db: Path) -> tuple[float, int, int]:
    """Seconds, peak RSS (KiB) and exit code of one ingest in a fresh process."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, str(file), str(db)],
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    return seconds, int(done.stderr.strip().splitlines()[-1]), done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[8, 16, 32, 64])
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bw-hostile-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"{'input':28} {'size':>6} {'seconds':>8} {'peak MiB':>9} {'exit':>5}")
    for kind, (unit, build) in KINDS.items():
        for size in args.sizes:
            file = workdir / "result.json"
            file.write_text(export(build(size)), encoding="utf-8")
            db = workdir / f"case-{len(list(workdir.glob('case-*.db')))}.db"
            seconds, peak, code = run(file, db)
            print(f"{kind:28} {size:>5}{unit[0]} {seconds:8.2f} {peak / 1024:9.0f} {code:5}")
            file.unlink()


if __name__ == "__main__":
    main()
