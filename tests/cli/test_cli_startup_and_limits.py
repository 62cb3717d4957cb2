"""Start-up: what importing the CLI and running ``extract`` loads; long listings: the
default table limit, its "N more" line, ``--limit 0`` and unchanged JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import bw, cli_env, tg_message, write_chat_export

from bazaarwatch.cli import TABLE_ROWS
from bazaarwatch.outputs.tables import render

#: Libraries only some commands need; importing the CLI must load none of them.
HEAVY = ("networkx", "datasketch", "scipy", "jinja2", "pyarrow", "pymisp", "stix2",
         "fastapi", "uvicorn", "sklearn", "numpy", "rich", "phonenumbers")


def _modules(code: str, stdin: str = "") -> set[str]:
    """The top-level modules loaded by ``code`` in a fresh interpreter (listed at exit)."""
    wrapped = ("import atexit, sys\n"
               "atexit.register(lambda: sys.stderr.write('MODULES ' + ' '.join("
               "sorted({m.split('.')[0] for m in sys.modules})) + '\\n'))\n" + code)
    run = subprocess.run([sys.executable, "-c", wrapped], input=stdin, capture_output=True,
                         text=True, env=cli_env(), check=False, timeout=120)
    line = next(x for x in run.stderr.splitlines() if x.startswith("MODULES "))
    return set(line.split()[1:])


def test_importing_the_cli_loads_no_heavy_library() -> None:
    loaded = _modules("import bazaarwatch.cli")
    assert loaded & set(HEAVY) == set()


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["stats", "--help"]])
def test_version_and_help_load_no_heavy_library(argv: list[str]) -> None:
    loaded = _modules(f"import sys; sys.argv = ['bazaarwatch', *{argv!r}]\n"
                      "from bazaarwatch.cli import main\nmain()")
    assert loaded & set(HEAVY) == set()


def test_extract_loads_only_what_extraction_needs() -> None:
    """The extractor's own libraries (and what they pull in) are its business; the CLI
    adds no table, report, graph, web or model library to it."""
    loaded = _modules("import sys; sys.argv = ['bazaarwatch', 'extract']\n"
                      "from bazaarwatch.cli import main\nmain()",
                      stdin='{"id": 1, "text": "pay 1BoatSLRHtKNngkdXEeobR76b53LETtpyT"}\n')
    assert loaded & {"networkx", "datasketch", "jinja2", "pyarrow", "pymisp", "stix2",
                     "fastapi", "uvicorn", "sklearn", "rich", "sqlite3"} == set()


@pytest.fixture(scope="module")
def many_chats(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case of TABLE_ROWS + 7 chats, one message each."""
    folder = tmp_path_factory.mktemp("many")
    exports = [write_chat_export(folder / f"chat{i}", [tg_message(1, f"hello {i}")],
                                 name=f"chat number {i}", id=1000 + i)
               for i in range(TABLE_ROWS + 7)]
    db = folder / "case.db"
    result = bw("ingest", *exports, "--db", db)
    assert result.returncode == 0, result.stderr
    return db


def _body(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("│")]


def test_a_long_table_shows_the_default_rows_and_says_how_many_more(many_chats: Path) -> None:
    result = bw("stats", "--db", many_chats)
    assert result.returncode == 0, result.stderr
    assert len(_body(result.stdout)) == TABLE_ROWS
    assert "7 more; use --limit N (0 for all) or --json" in result.stderr


def test_limit_zero_shows_every_row(many_chats: Path) -> None:
    result = bw("stats", "--db", many_chats, "--limit", "0")
    assert len(_body(result.stdout)) == TABLE_ROWS + 7
    assert "more" not in result.stderr
    assert len(_body(bw("stats", "--db", many_chats, "--limit", "3").stdout)) == 3


def test_json_is_not_limited_unless_asked(many_chats: Path) -> None:
    assert len(json.loads(bw("stats", "--db", many_chats, "--json").stdout)) == TABLE_ROWS + 7
    assert len(json.loads(bw("channels", "--db", many_chats, "--json").stdout)) == TABLE_ROWS + 7
    assert len(json.loads(bw("stats", "--db", many_chats, "--json", "--limit", "4").stdout)) == 4


def test_channels_table_is_limited_too(many_chats: Path) -> None:
    result = bw("channels", "--db", many_chats)
    assert len(_body(result.stdout)) == TABLE_ROWS
    assert "7 more" in result.stderr


def test_help_of_a_listing_says_the_default() -> None:
    text = " ".join(bw("indicators", "--help").stdout.split())
    assert f"default: {TABLE_ROWS} in a table, all in JSON" in text


# -- the renderer, against rich's Table --------------------------------------------------

CELLS = [["plain", "Продам аккаунты", "中文 广告 ｗｉｄｅ"],
         ["a very long value " * 12, "https://example.com/" + "x" * 200, ":fire: [bold]x[/]"],
         ["\x1b[31mred\r\u202eevil", "trailing\\", "emoji ❄️🍁 👨\u200d👩\u200d👧"],
         ["", "tab\there", "zero\u200bwidth"]]


@pytest.mark.parametrize("width", [160, 80, 40])
def test_tables_are_drawn_as_rich_draws_them(width: int) -> None:
    import io

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from bazaarwatch.outputs.terminal import safe

    buffer = io.StringIO()
    table = Table("first", "second col", "third")
    for row in CELLS:
        table.add_row(*(escape(safe(c)) for c in row))
    Console(file=buffer, width=width, highlight=False).print(table)
    mine = "".join(f"{line}\n" for line in render(("first", "second col", "third"), CELLS,
                                                  width=width))
    assert mine == buffer.getvalue()


def test_table_cells_never_reach_the_terminal_raw() -> None:
    drawn = "\n".join(render(("a",), [["\x1b[2J\x9b\r\u202e\u2066x"]], width=80))
    assert "\x1b" not in drawn and "\r" not in drawn and "\u202e" not in drawn
    assert "\\x1b[2J\\x9b\\x0d\\u202e\\u2066x" in drawn
