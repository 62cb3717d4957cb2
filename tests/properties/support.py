"""Running hostile inputs under a memory cap: the ingest worker and the command line.

``MEMORY_CAP`` is the address space (``RLIMIT_AS``) given to every process that reads a
hostile input. Measured on an x86-64 Linux machine: ingesting the bundled example export
through the CLI (NumPy, SciPy, scikit-learn, hyperscan and the shipped model loaded)
peaks at 390 MB of address space and runs under a 400 MB cap; 1.5 GB leaves room for
allocator and thread-stack differences elsewhere while a value that makes memory grow
with its size or depth (the regressions) still fails within seconds, not after swapping.
"""

from __future__ import annotations

import json
import os
import resource
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from hypothesis import settings

MEMORY_CAP = 1536 * 1024 * 1024
WORKER = Path(__file__).with_name("ingest_worker.py")
SRC = Path(__file__).resolve().parents[2] / "src"


def scaled(factor: float) -> settings:
    """The loaded profile with ``factor`` times its examples (cheap properties run more)."""
    default = settings.default
    assert default is not None
    return settings(max_examples=max(1, int(default.max_examples * factor)))


def cap_memory() -> None:
    """``preexec_fn`` of a capped child: limit its address space to ``MEMORY_CAP``."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(COLUMNS="250", NO_COLOR="1", TERM="dumb", PYTHONIOENCODING="utf-8",
               PYTHONUTF8="1", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    env.pop("FORCE_COLOR", None)
    return env


class WorkerDied(AssertionError):
    """The worker process ended, or did not answer in time, while handling an input."""


class IngestWorker:
    """``ingest_worker.py`` in a capped subprocess, restarted after it dies."""

    def __init__(self, *, timeout: float = 120) -> None:
        self.timeout = timeout
        self.process: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, encoding="utf-8", env=child_env(),
            preexec_fn=cap_memory)
        self.process = process
        self._read(process, 120)  # "@@ ready": the models are loaded
        return process

    def _read(self, process: subprocess.Popen[str], timeout: float) -> str:
        assert process.stdout is not None
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([process.stdout], [], [], max(left, 0))
            if not ready:
                self.close()
                raise WorkerDied(f"the ingest worker gave no answer in {timeout:.0f} s")
            line = process.stdout.readline()
            if not line:
                code = process.wait()
                self.process = None
                raise WorkerDied(f"the ingest worker died (exit code {code}; a negative "
                                 f"code is a signal; memory cap {MEMORY_CAP >> 20} MB)")
            if line.startswith("@@ "):
                return line[3:]

    def run(self, paths: list[Path], db: Path, fmt: str | None = None,
            again: list[Path] | None = None) -> dict[str, Any]:
        process = self.process if self.process and self.process.poll() is None else None
        process = process or self._start()
        assert process.stdin is not None
        request = {"paths": [str(p) for p in paths], "db": str(db), "format": fmt,
                   "again": [str(p) for p in again or paths]}
        process.stdin.write(json.dumps(request) + "\n")
        process.stdin.flush()
        answer: dict[str, Any] = json.loads(self._read(process, self.timeout))
        return answer

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def check_answer(answer: dict[str, Any]) -> None:
    """The reader invariants, one assertion each (so that Hypothesis tells them apart)."""
    assert "worker" not in answer, answer["worker"]["traceback"]
    first = answer["first"]
    error = first["error"]
    assert error is None or error["documented"], (
        f"undocumented {error['type']} escaped the first ingest:\n{error['traceback']}")
    if "second" not in answer:  # plan() refused the input: nothing written, as documented
        return
    second = answer["second"]
    error = second["error"]
    assert error is None or error["documented"], (
        f"undocumented {error['type']} escaped the second ingest:\n{error['traceback']}")
    assert (second["added"], second["updated"], answer["after"]) == (0, 0, answer["before"]), (
        f"a second ingest of the same messages changed the case: {second}, "
        f"messages {answer['before']} -> {answer['after']}")
    assert not answer["problems"], f"the case is inconsistent after: {answer['problems']}"
    failed = answer["reads"]
    assert not failed, "read commands failed on the case: " + "; ".join(
        f"{f['read']}: {f['type']}: {f['message']}\n{f['traceback']}" for f in failed)


def run_cli(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``python -m bazaarwatch ARGS`` under the memory cap."""
    return subprocess.run([sys.executable, "-m", "bazaarwatch", *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8", errors="replace",
                          env=child_env(), timeout=timeout, check=False,
                          preexec_fn=cap_memory)
