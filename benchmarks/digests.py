"""Digests of every output on the dev data, to show that a speed change changed no result.

Runs the bazaarwatch found on ``sys.path`` (``PYTHONPATH=/other/tree/src`` runs another
checkout) as child processes: ``ingest`` of the 128-channel dev export into a fresh case,
then ``channels``, ``indicators``, ``bots``, ``networks``, ``vendors``, ``links``,
``trends`` and ``search`` as JSON, ``export --format jsonl`` and ``csv``, and ``extract``
and ``classify`` over the export's texts as JSON Lines. Prints one SHA-256 per output,
and writes them as JSON with ``--save``; ``--compare FILE`` exits 1 when any differs
from a saved run and names which.

Volatile fields are left out of the digests: the case path, timestamps of the run
(``ingested_at``, ``first_ingested``, ``analysed_at``, ``generated``) and elapsed times.

    python benchmarks/digests.py --save /tmp/after.json --compare /tmp/before.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT.parent / "shared" / "data" / "dev" / "telegram-channels" / "result.json"
VOLATILE = frozenset({"ingested_at", "first_ingested", "analysed_at", "generated", "db",
                      "path", "elapsed", "seconds", "created", "timestamp"})
LISTINGS: tuple[tuple[str, ...], ...] = (
            ("channels", "--json"), ("indicators", "--json", "--limit", "100000"),
            ("bots", "--json"), ("networks", "--json"), ("vendors", "--json"),
            ("links", "--json"), ("trends", "--json"), ("stats", "--json"),
            ("search", "bitcoin OR cvv OR паспорт", "--json", "--limit", "1000"))


def bw(*args: str, stdin: bytes | None = None) -> bytes:
    """Run ``python -m bazaarwatch ARGS``; its stdout, or exit with its stderr."""
    run = subprocess.run([sys.executable, "-m", "bazaarwatch", *args], input=stdin,
                         capture_output=True, env={**os.environ, "XDG_STATE_HOME": "/dev/null"},
                         check=False)
    if run.returncode != 0:
        sys.exit(f"bazaarwatch {' '.join(args)} failed ({run.returncode}):\n"
                 f"{run.stderr.decode(errors='replace')[-2000:]}")
    return run.stdout


def scrub(value: Any) -> Any:
    """``value`` without the fields that change from run to run."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def digest_json(raw: bytes) -> str:
    return sha(json.dumps(scrub(json.loads(raw)), sort_keys=True).encode())


def digest_lines(raw: bytes) -> str:
    lines = [json.dumps(scrub(json.loads(line)), sort_keys=True)
             for line in raw.decode().splitlines() if line.strip()]
    return sha("\n".join(lines).encode())


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def texts_jsonl() -> bytes:
    """Every text of the export as ``{"id", "text"}`` lines (entity lists flattened)."""
    data = json.loads(EXPORT.read_text(encoding="utf-8"))
    lines = []
    for chat in data["chats"]["list"]:
        for message in chat.get("messages", []):
            text = message.get("text", "")
            if isinstance(text, list):
                text = "".join(p if isinstance(p, str) else p.get("text", "") for p in text)
            if text:
                lines.append(json.dumps({"id": f"{chat['id']}/{message['id']}", "text": text},
                                        ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()


def run(work: Path) -> dict[str, str]:
    db = str(work / "case.db")
    digests: dict[str, str] = {}
    started = time.perf_counter()
    bw("ingest", str(EXPORT), "--db", db)
    print(f"ingest {time.perf_counter() - started:.1f} s", file=sys.stderr)
    bw("analyse", "--db", db)
    for command in LISTINGS:
        digests[" ".join(command)] = digest_json(bw(command[0], "--db", db, *command[1:]))
    for form in ("jsonl", "csv"):
        folder = work / form
        bw("export", "--db", db, "--format", form, "-o", str(folder))
        for file in sorted(folder.iterdir()):
            raw = file.read_bytes()
            digests[f"export {form} {file.name}"] = (digest_lines(raw) if form == "jsonl"
                                                     else sha(raw))
    texts = texts_jsonl()
    for name in ("extract", "classify"):
        digests[name] = digest_lines(bw(name, stdin=texts))
    return digests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", type=Path, help="write the digests to this JSON file")
    parser.add_argument("--compare", type=Path, help="a file written by --save to compare with")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    if not EXPORT.exists():
        print(f"no dev export at {EXPORT}", file=sys.stderr)
        return 2
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        digests = run(args.keep)
    else:
        with tempfile.TemporaryDirectory() as work:
            digests = run(Path(work))
    for name, value in digests.items():
        print(f"{value[:16]}  {name}")
    if args.save:
        args.save.write_text(json.dumps(digests, indent=1), encoding="utf-8")
    if args.compare:
        before = json.loads(args.compare.read_text(encoding="utf-8"))
        differ = sorted(k for k in before.keys() | digests.keys()
                        if before.get(k) != digests.get(k))
        for name in differ:
            print(f"DIFFERS: {name}", file=sys.stderr)
        print(f"{len(digests) - len(differ)} of {len(digests)} outputs identical",
              file=sys.stderr)
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
