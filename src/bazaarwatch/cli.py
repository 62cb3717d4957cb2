"""The command line: parse, call the library, print. Nothing else lives here.

Exit codes: 0 ok, 1 bad input or a failed check (the message names the file, the place in
it and what to do), 2 usage error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bazaarwatch import __version__
from bazaarwatch.errors import BazaarwatchError, OutputError
from bazaarwatch.outputs.terminal import safe

# NumPy's and SciPy's BLAS starts a pool of threads at import. bazaarwatch's array work
# is element-wise or sparse, and its few small products gain nothing from threads, which
# only wait on the cores the work itself needs (1.8% of the instructions of a 'classify'
# run on 2,000 long posts). Set before NumPy is first imported; a value given is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

if TYPE_CHECKING:  # the heavy modules load in the commands that use them (issue 12)
    import sqlite3

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from bazaarwatch.ingest import OnProgress, Options, Planned, SourceResult
    from bazaarwatch.ingest import Progress as IngestProgress
    from bazaarwatch.store.sqlite import Case


@cache
def out() -> Console:
    """Standard output for tables. Piped output is read by people in pagers and files:
    tables get room instead of 80 columns."""
    from rich.console import Console

    return Console(highlight=False, width=None if sys.stdout.isatty() else 160)


@cache
def err() -> Console:
    """Standard error for messages, each on one line."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _date(ts: int | None) -> str:
    from bazaarwatch.dates import show_date

    return show_date(ts)


def _s(value: Any) -> str:
    """Hostile text (names, values, paths) for rich: controls visible, markup escaped."""
    from rich.markup import escape

    return escape(safe("" if value is None else str(value)))


def _quoted(message: str) -> str:
    """An error or warning for the terminal. It may quote hostile input (a chat name, a
    value): card, IBAN and phone numbers masked, controls made visible, markup escaped."""
    from bazaarwatch.indicators.redaction import mask_sensitive

    return _s(mask_sensitive(message))


def _fail(message: str) -> None:
    err().print(f"[bold red]error:[/] {_quoted(message)}")
    sys.exit(1)


_CASE = "bazaarwatch.case"  # where _case() notes the case file in click's shared ctx.meta


class _Command(click.Group):
    """Turns every BazaarwatchError into one line on stderr and exit code 1; as a last
    resort, so does a SQLite error the store did not explain (naming the case file) and
    an operating-system error (a folder given for a file, a full disk, no permission)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BazaarwatchError as e:
            _fail(str(e))
        except OSError as e:
            if isinstance(e, BrokenPipeError):  # the reader of our output went away
                raise
            _fail(f"{e.filename}: {e.strerror}" if e.filename and e.strerror else str(e))
        except Exception as e:
            error = _sqlite_error(e)
            if error is None:
                raise
            from bazaarwatch.store.sqlite import explain

            case = ctx.meta.get(_CASE)
            _fail(str(explain(case, error)) if case else f"SQLite: {error}")


def _sqlite_error(error: Exception) -> sqlite3.Error | None:
    """``error`` if it is SQLite's. A command that never imported sqlite3 cannot have
    raised one, so the module is not imported to ask (``extract`` does without it)."""
    module = sys.modules.get("sqlite3")
    if module is None:
        return None
    import sqlite3

    return error if isinstance(error, sqlite3.Error) else None


def _case(db: Path, *, write: bool = False) -> Case:
    """Open the case for a command: read-only unless the command writes to it. It
    becomes the remembered case (``_remember``)."""
    from bazaarwatch.store.sqlite import Case

    click.get_current_context().meta[_CASE] = db
    case = Case(db, create=write, read_only=not write)
    _remember(db)
    return case


def _last_case_file() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state) / "bazaarwatch" / "last-case"


def _remember(db: Path) -> None:
    """Note the case a command used, so the next one need not be told (``--db``).
    Best effort: a read-only home only means the next command asks for --db."""
    with suppress(OSError):
        remembered = _last_case_file()
        remembered.parent.mkdir(parents=True, exist_ok=True)
        remembered.write_text(str(db.resolve()), encoding="utf-8")


def _db(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    """--db, else $BAZAARWATCH_DB (click reads it), else the case used last."""
    if value is not None:
        return value
    try:
        remembered = _last_case_file().read_text(encoding="utf-8").strip()
    except OSError:
        remembered = ""
    if remembered and Path(remembered).is_file():
        err().print(f"case: {_quoted(remembered)} (the last one used; --db or BAZAARWATCH_DB "
                  "chooses another)")
        return Path(remembered)
    raise click.UsageError("no case given: add --db case.db or set BAZAARWATCH_DB (no case "
                           "has been used before to fall back on)")


db_option = click.option(
    "--db", type=click.Path(dir_okay=False, path_type=Path), default=None, callback=_db,
    envvar="BAZAARWATCH_DB", show_envvar=True,
    help="The case file. Default: $BAZAARWATCH_DB, else the case the last command used.")


@click.group(cls=_Command, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bazaarwatch")
def main() -> None:
    """Find, classify and map illicit marketplaces in chat exports.

    bazaarwatch only reads data you already hold: it never joins, posts to or contacts
    anything. Start with 'bazaarwatch scan EXPORT -o OUTDIR'.
    """


class _Formats(click.Choice):  # type: ignore[type-arg]
    """The input formats, asked of the reader registry only when a command checks or
    shows them: loading the readers costs every other command its start-up."""

    def __init__(self) -> None:
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        from bazaarwatch.sources import readers

        return tuple(sorted(readers()))


class _FormatOption(click.Option):
    """--format, whose help lists the readers: written when help is shown, not at import."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from bazaarwatch.sources import readers

        self.help = ("Force the input format instead of detecting it: "
                     + "; ".join(f"{name}: {r.description}"
                                 for name, r in sorted(readers().items())) + ".")
        return super().get_help_record(ctx)


_format_option = click.option("--format", "format_", cls=_FormatOption, type=_Formats(),
                              default=None)


_model_option = click.option(
    "--model", "model_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None, help="A model file from 'bazaarwatch train' (default: the shipped model).")


_keep_option = click.option(
    "--keep-sensitive", is_flag=True,
    help="Store card, IBAN and phone numbers found in messages unmasked in the case (by "
         "default only a masked form and a keyed hash for linking are stored).")


def _region(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    import phonenumbers

    region = value.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise click.BadParameter(f"{value!r} is not an ISO 3166 region code phone numbers "
                                 "know (e.g. RU, UA, US, DE, GB)")
    return region


#: A row count SQLite can take (a 64-bit signed LIMIT): larger is a usage error, not a crash.
_LIMIT = click.IntRange(0, 2**63 - 1)

_region_option = click.option(
    "--region", metavar="CC", default=None, callback=_region,
    help="Also read phone numbers written without +country code as numbers of this region "
         "(ISO 3166 alpha-2, e.g. RU, UA, US). Without it only international numbers count.")
_reveal_option = click.option(
    "--reveal", is_flag=True,
    help="Show card, IBAN and phone values unmasked (they are masked by default).")


_workers_option = click.option(
    "--workers", type=click.IntRange(0, 64), default=None, metavar="N",
    help="Processes that extract and classify while ingest reads and stores (default: one "
         "per core this process may use, less one; 0: analyse in the ingest process). The "
         "results are the same whatever the number.")


def _options(keep_sensitive: bool, region: str | None, model_path: Path | None,
             workers: int | None) -> Options:
    from bazaarwatch.analysis import Spec, settle_heap
    from bazaarwatch.classify.model import Classifier
    from bazaarwatch.indicators import default_extractor
    from bazaarwatch.ingest import Options

    options = Options(extractor=default_extractor(region), classifier=Classifier.load(model_path),
                      keep_sensitive=keep_sensitive, workers=workers,
                      spec=Spec(extract=True, classify=True, region=region,
                                model_path=model_path))
    settle_heap()
    return options


@contextmanager
def _progress_bar() -> Iterator[OnProgress | None]:
    """A rich progress bar on an interactive terminal; nothing when piped or in CI.

    It is redrawn on each batch rather than by rich's refresh thread: ingest forks its
    analysis workers, which is only safe while the process runs one thread."""
    if not err().is_terminal:
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
               TextColumn("{task.fields[messages]:,} messages, {task.fields[rate]:,.0f}/s"),
               TimeRemainingColumn())
    with Progress(*columns, console=err(), transient=False, auto_refresh=False) as bar:
        tasks: dict[Path, Any] = {}

        def update(p: IngestProgress) -> None:
            if p.path not in tasks:
                tasks[p.path] = bar.add_task(_s(p.path.name), total=p.total_bytes,
                                             messages=0, rate=0.0)
            task = tasks[p.path]
            elapsed = bar.tasks[task].elapsed or 0.0
            rate = p.messages / elapsed if elapsed else 0.0
            bar.update(task, completed=p.done_bytes, total=p.total_bytes, messages=p.messages,
                       rate=rate, refresh=True)

        yield update


def _run_ingest(planned: list[Planned], db: Path, options: Options) -> list[SourceResult]:
    from bazaarwatch.ingest import ingest

    with _case(db, write=True) as case, _progress_bar() as on_progress:
        results = ingest(case, planned, options=options, on_progress=on_progress)
    for r in results:
        name = _s(str(r.path))
        _listed("[bold red]error:[/]", r.refused, r.refused_count, "refused messages")
        _listed("[yellow]warning:[/]", r.warnings, r.warning_count, "warnings")
        if r.status == "skipped":
            err().print(f"{name}: already ingested (same SHA-256), nothing to do")
        elif r.error is None:
            refused = f", {r.refused_count:,} refused" if r.refused_count else ""
            err().print(f"{name}: {r.read:,} messages read, {r.added:,} added, "
                      f"{r.updated:,} updated{refused}")
        else:
            err().print(f"[bold red]error:[/] {_quoted(str(r.error))}")
            err().print(f"{name}: marked {r.status}; the {r.read:,} messages read before the "
                      f"error were kept ({r.added:,} new)")
    return results


def _listed(label: str, lines: list[str], count: int, what: str, *, show: int = 5) -> None:
    """The first few refusals or warnings of a source, one line each, and how many more
    there are (the case lists the first 20 in ``sources.warnings``)."""
    for line in lines[:show]:
        err().print(f"{label} {_quoted(line)}")
    if count > show:
        err().print(f"{label} ... and {count - show:,} more {what} (see sources.warnings in "
                  "the case)")


def _failed(results: list[SourceResult]) -> bool:
    """Whether any input was damaged or had messages refused: exit code 1."""
    return any(r.error or r.refused_count for r in results)


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), required=True,
              envvar="BAZAARWATCH_DB", show_envvar=True,
              help="The case file to create or add to (SQLite).")
@_format_option
@_keep_option
@_region_option
@_model_option
@_workers_option
def ingest_command(paths: tuple[str, ...], db: Path, format_: str | None, keep_sensitive: bool,
                   region: str | None, model_path: Path | None, workers: int | None) -> None:
    """Stream exports into a case database, idempotently and resumably.

    PATHS are Telegram Desktop export folders, their result.json, .zip files of export
    folders, or .jsonl files. Running the same command again adds nothing; after a crash
    or kill it completes the interrupted ingest. A message that cannot be read is refused
    with its id and the rest of the file is read; a damaged file keeps the messages read
    before the damage. Either marks the source 'partial' and makes the exit code 1. Values
    past the limits (a string over 1 MiB, nesting over 64 levels, a text over 100,000
    characters, numbers beyond 64 bits, invalid UTF-8) are changed for their message and
    reported as warnings; see SECURITY.md.
    """
    from bazaarwatch.ingest import plan

    planned = plan(paths, format=format_)  # every input checked before the case is touched
    results = _run_ingest(planned, db, _options(keep_sensitive, region, model_path, workers))
    if _failed(results):
        sys.exit(1)


@main.command("scan")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Folder for case.db and report.html (created if needed).")
@_format_option
@_keep_option
@_region_option
@_model_option
@_workers_option
def scan_command(paths: tuple[str, ...], outdir: Path, format_: str | None,
                 keep_sensitive: bool, region: str | None, model_path: Path | None,
                 workers: int | None) -> None:
    """The main job: ingest exports, compute the market map (shop bots, networks,
    vendors, links, trends) and write OUTDIR/case.db and OUTDIR/report.html."""
    from bazaarwatch.ingest import plan

    planned = plan(paths, format=format_)  # fail on a bad path before creating anything
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"{outdir}: cannot create this folder ({e.strerror}). Give "
                          "another -o folder") from e
    db = outdir / "case.db"
    results = _run_ingest(planned, db, _options(keep_sensitive, region, model_path, workers))
    report = outdir / "report.html"
    from bazaarwatch.cli_map import market_of
    from bazaarwatch.outputs.report import write_report

    with _case(db, write=True) as case:
        write_report(case, report, market=market_of(case))
    err().print(f"case: {_s(str(db))}")
    err().print(f"report: {_s(str(report))}")
    if _failed(results):
        sys.exit(1)


@main.command("report")
@db_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("report.html"), show_default=True, help="Where to write the HTML.")
def report_command(db: Path, output: Path) -> None:
    """Write a self-contained offline HTML report of a case, market map included (computed
    first when ingest has added messages since 'analyse')."""
    from bazaarwatch.cli_map import market_of
    from bazaarwatch.outputs.report import write_report

    with _case(db) as case:
        write_report(case, output, market=market_of(case))
    err().print(f"report: {_s(str(output))}")


def _highlight(snippet: str) -> Text:
    """A search snippet with its U+0002..U+0003 marked matches in bold, the rest made safe."""
    from rich.text import Text

    text = Text()
    for i, piece in enumerate(snippet.replace("\x03", "\x02").split("\x02")):
        text.append(safe(" ".join(piece.split("\n"))), style="bold yellow" if i % 2 else "")
    return text


#: Rows a listing's table shows when no --limit is given (its JSON shows them all).
TABLE_ROWS = 50


def limit_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--limit", type=_LIMIT, default=None,
        help=f"At most this many {what}, 0 for all (default: {TABLE_ROWS} in a table, all "
             "in JSON).")


def shown(rows: list[dict[str, Any]], limit: int | None, as_json: bool
          ) -> tuple[list[dict[str, Any]], int]:
    """The rows to print under --limit, and how many more there are."""
    cap = _cap(limit, as_json)
    if cap is None or len(rows) <= cap:
        return rows, 0
    return rows[:cap], len(rows) - cap


def _cap(limit: int | None, as_json: bool) -> int | None:
    """How many rows to show: --limit's (0: all), else all in JSON, TABLE_ROWS in a table."""
    if limit is None:
        return None if as_json else TABLE_ROWS
    return limit or None


def emit_json(rows: Any) -> None:
    import orjson

    sys.stdout.buffer.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")


def print_table(header: Sequence[str], rows: Iterable[Sequence[str]], hidden: int = 0) -> None:
    """A listing as a table on standard output, then on standard error how many rows
    --limit left out. Cells are plain text: the renderer makes them safe."""
    import shutil

    from bazaarwatch.outputs.tables import render

    stream = sys.stdout
    width = shutil.get_terminal_size().columns if stream.isatty() else 160
    ascii_only = not (getattr(stream, "encoding", None) or "utf-8").lower().startswith("utf")
    stream.write("".join(f"{line}\n" for line in render(header, rows, width=width,
                                                          ascii_only=ascii_only)))
    stream.flush()
    if hidden:
        err().print(f"{hidden:,} more; use --limit N (0 for all) or --json")


@main.command("stats")
@db_option
@limit_option("chats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def stats_command(db: Path, limit: int | None, as_json: bool) -> None:
    """Per chat: type, messages, senders, date range, forwards and bot messages."""
    from bazaarwatch.store import queries

    with _case(db) as case:
        rows, hidden = shown(queries.chat_stats(case), limit, as_json)
    if as_json:
        emit_json(rows)
        return
    print_table(("chat", "type", "messages", "senders", "first", "last", "forwards",
                 "bot msgs"),
                ((r["name"] or r["chat_id"], r["type"] or "", f"{r['messages']:,}",
                  f"{r['senders']:,}", _date(r["first_date"]), _date(r["last_date"]),
                  f"{r['forwards']:,}", f"{r['bot_messages']:,}") for r in rows), hidden)


def _when(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """A --since/--until date (YYYY-MM-DD, or an ISO 8601 time) as Unix seconds, UTC;
    --until of a bare date includes that whole day."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; give YYYY-MM-DD or an ISO 8601 "
                                 "time such as 2024-03-17T12:00") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    end_of_day = param.name == "until" and len(value) <= 10
    return int(parsed.timestamp()) + (86_399 if end_of_day else 0)


def _category(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from bazaarwatch.classify.taxonomy import IDS

    if value is not None and value not in IDS:
        raise click.BadParameter(f"{value!r} is not a category; use one of: "
                                 + ", ".join(IDS))
    return value


def _indicator_type(ctx: click.Context, param: click.Parameter,
                    value: str | None) -> str | None:
    from bazaarwatch.indicators import types

    if value is not None and value not in types():
        raise click.BadParameter(f"{value!r} is not an indicator type; use one of: "
                                 + ", ".join(types()))
    return value


@main.command("search")
@click.argument("query", default="")
@db_option
@click.option("--chat", default=None, metavar="ID", help="Only this chat (its id).")
@click.option("--category", default=None, metavar="ID", callback=_category,
              help="Only messages given this category (drugs, carding, ...).")
@click.option("--offer/--no-offer", default=None,
              help="Only offers (--offer), or only what is not an offer (--no-offer).")
@click.option("--since", default=None, metavar="DATE", callback=_when,
              help="Only messages from this date on (YYYY-MM-DD, UTC).")
@click.option("--until", default=None, metavar="DATE", callback=_when,
              help="Only messages up to this date, that day included.")
@click.option("--indicator-type", default=None, metavar="TYPE", callback=_indicator_type,
              help="Only messages holding an indicator of this type (btc, onion, ...).")
@click.option("--indicator", default=None, metavar="VALUE",
              help="Only messages holding this indicator (a wallet, @handle, onion, ...).")
@click.option("--limit", type=click.IntRange(1, 1_000), default=50, show_default=True,
              help="At most this many results.")
@click.option("--offset", type=click.IntRange(0, 10_000), default=0,
              help="Skip this many results first (the next page).")
@click.option("--all-copies", "all_copies", is_flag=True,
              help="Show each repost as its own result (by default the copies of one text "
                   "are folded into its first hit).")
@_reveal_option
@click.option("--json", "as_json", is_flag=True,
              help="Print the results as a JSON list (the count goes to stderr).")
def search_command(query: str, db: Path, chat: str | None, category: str | None,
                   offer: bool | None, since: int | None, until: int | None,
                   indicator_type: str | None, indicator: str | None, limit: int,
                   offset: int, all_copies: bool, reveal: bool, as_json: bool) -> None:
    """Full-text search of message text (SQLite FTS5 syntax), narrowed by filters.

    Examples: cvv, "gift card", btc AND usdt, закладк*, cvv NOT news;
    --category carding --offer --since 2024-01-01; --indicator @some_shop_bot (no
    QUERY needed with a filter). Best matches first (the most recently stored first when
    more than 2,000 match, or with no QUERY). The copies of one text (reposts) are folded into one
    result that says how many and where. Shows chat, date, sender, verdict and a snippet
    with the matches highlighted; card, IBAN and phone numbers in it are masked unless
    --reveal.
    """
    from bazaarwatch.store import queries

    filters = queries.Filters(chat=chat, category=category, offer=offer, since=since,
                              until=until, indicator_type=indicator_type, indicator=indicator)
    if not query.strip() and filters == queries.Filters():
        raise click.UsageError("give words to search for (QUERY), or a filter such as "
                               "--indicator VALUE or --category ID")
    with _case(db) as case:
        found = queries.search(case, query, filters=filters, limit=limit, offset=offset,
                               reveal=reveal, fold=not all_copies)
    rows = found.results
    more = "+" if found.capped else ""
    shown = f"{len(rows):,} shown" + (f" from #{offset + 1}" if offset else "")
    err().print(f"{found.total:,}{more} matching messages; {shown}"
              + ("" if all_copies else ", reposts folded"))
    if as_json:
        for r in rows:
            r["snippet"] = r["snippet"].replace("\x02", "").replace("\x03", "")
        emit_json(rows)
        return
    if not rows:
        return
    from rich.table import Table

    def table() -> Table:
        t = Table("chat", "date", "sender", "verdict", "message")
        for r in rows:
            message = _highlight(r["snippet"])
            if r["reposts"]:
                message.append(f" (+{r['reposts']} copies in "
                               + safe(", ".join(c["name"] or c["id"] for c in r["repost_chats"]))
                               + ")", style="dim")
            if r["edits"]:
                message.append(f" (edited: {len(r['edits'])} earlier text(s), see --json)",
                               style="dim")
            if r["says"]:
                message.append("\n" + safe("; ".join(r["says"])), style="dim")
            verdict = ", ".join(r["categories"]) + (" (offer)" if r["offer"] else "")
            t.add_row(_s(r["chat_name"] or r["chat_id"]), _date(r["date"]),
                      _s(r["sender_name"] or r["sender_id"] or ""),
                      verdict or "—", message)
        return t

    out().print(table())


@main.command("extract")
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True),
                default="-")
@_region_option
@_reveal_option
def extract_command(file: str, region: str | None, reveal: bool) -> None:
    """Extract validated indicators from JSON Lines (FILE, or standard input).

    Each input line is {"id": ..., "text": "..."}; each output line is
    {"id", "indicators": [{"type", "value", "normalized", "start", "end", "checked"}]},
    one per input line, in the same order. Types: btc eth xmr ltc trx doge bch onion
    onion_v2 telegram telegram_bot telegram_invite session_id tox xmpp pgp phone email url
    domain iban card. Offsets are code points of the original text; "checked" is false
    when a checksum exists but the value does not use it (all-lower-case Ethereum).
    """
    import orjson

    from bazaarwatch.indicators import default_extractor
    from bazaarwatch.indicators.redaction import redact
    from bazaarwatch.lines import LINE_SHAPE, Line, read_lines

    extractor = default_extractor(region)
    write = sys.stdout.buffer.write
    for _, record in read_lines(file, Line, shape=LINE_SHAPE):
        found = extractor.extract(record.text)
        shown = found if reveal else [redact(i) for i in found]
        write(orjson.dumps({"id": orjson.Fragment(bytes(record.id)), "indicators": [
            {"type": i.type, "value": i.value, "normalized": i.normalized,
             "start": i.start, "end": i.end, "checked": i.checked} for i in shown]}))
        write(b"\n")


@main.command("indicators")
@db_option
@click.option("--type", "kind", metavar="TYPE", default=None,
              help="Only this type (btc, onion, telegram_bot, card, ...).")
@limit_option("indicators")
@_reveal_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def indicators_command(db: Path, kind: str | None, limit: int | None, reveal: bool,
                       as_json: bool) -> None:
    """Indicators of a case: first and last seen, messages, and the chats they are in.

    Card, IBAN and phone values are masked unless --reveal is given and they were
    ingested with --keep-sensitive.
    """
    from bazaarwatch.store import queries

    if kind is not None:
        from bazaarwatch.indicators import types

        if kind not in types():
            raise click.BadParameter(f"{kind!r} is not an indicator type; use one of: "
                                     + ", ".join(types()), param_hint="--type")
    cap = _cap(limit, as_json)
    with _case(db) as case:
        rows = queries.indicators(case, kind=kind, limit=cap, reveal=reveal)
        hidden = (queries.indicator_total(case, kind=kind) - cap
                  if cap is not None and len(rows) == cap and not as_json else 0)
    if as_json:
        emit_json(rows)
        return
    print_table(("type", "value", "messages", "first seen", "last seen", "chats"),
                ((r["type"], r["value"] + ("" if r["checked"] else " (unchecked)"),
                  f"{r['messages']:,}", _date(r["first_seen"]), _date(r["last_seen"]),
                  ", ".join(map(str, r["chats"]))) for r in rows), hidden)


@main.command("classify")
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True),
                default="-")
@_model_option
@click.option("--debug", is_flag=True,
              help="Add the model features behind each category to the evidence "
                   '({"kind": "feature"}: lexicon scores, signals, n-grams).')
def classify_command(file: str, model_path: Path | None, debug: bool) -> None:
    """Classify JSON Lines (FILE, or standard input) into the illicit-trade taxonomy.

    Each input line is {"id": ..., "text": "..."}; each output line, in the same order, is
    {"id", "categories": [best first; [] = not illicit], "scores": {category: p},
    "offer": true|false, "evidence": [...]}. Each evidence entry says in words what made
    the verdict ("says"): the terms (whole words, once each), offer cues, prices and
    indicators, and, for a category or offer no term explains, the words the model
    weighed; its "text" is the span "start".."end" of the message (card, IBAN and phone
    numbers masked). --debug adds the model's own features.
    Categories: drugs weapons carding gift-cards personal-data accounts fake-documents
    counterfeit-goods pirated-content hacking game-cheats fake-engagement medical-fraud
    money-laundering scam.
    """
    import orjson

    from bazaarwatch.analysis import settle_heap
    from bazaarwatch.classify.model import Classifier  # scikit-learn loads only when needed
    from bazaarwatch.indicators import default_extractor
    from bazaarwatch.lines import LINE_SHAPE, Line, read_lines

    classifier = Classifier.load(model_path)
    extractor = default_extractor()
    settle_heap()
    write = sys.stdout.buffer.write
    pending: list[Line] = []

    def flush() -> None:
        verdicts = classifier.classify([r.text for r in pending],
                                       [extractor.extract(r.text) for r in pending],
                                       debug=debug)
        for record, verdict in zip(pending, verdicts, strict=True):
            write(orjson.dumps({"id": orjson.Fragment(bytes(record.id)),
                                "categories": verdict.categories,
                                "scores": verdict.scores, "offer": verdict.offer,
                                "evidence": verdict.evidence}))
            write(b"\n")
        pending.clear()

    try:
        for _, record in read_lines(file, Line, shape=LINE_SHAPE):
            pending.append(record)
            if len(pending) >= 1000:
                flush()
    finally:  # the lines before a bad one are answered before the error is reported
        flush()


@main.command("train")
@click.argument("data", required=False,
                type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--db", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=None,
              help="Also learn from the triage labels of this case (the web UI's corrections); "
                   "without DATA, on the shipped seed corpus plus these labels.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="Where to write the model file (.npz).")
def train_command(data: Path | None, db: Path | None, output: Path) -> None:
    """Fit the classifier on labelled JSON Lines and write a model file.

    Each line: {"text": "...", "labels": [category ids; [] = not illicit],
    "offer": true|false (optional)}. Thresholds are calibrated per category by
    cross-validation. 'bazaarwatch train src/bazaarwatch/classify/seed/seed.jsonl -o
    model.npz' rebuilds the shipped model; 'bazaarwatch train --db case.db -o model.npz'
    adds the labels analysts gave in the case to the seed corpus. Use the model with
    --model (ingest, scan, classify).
    """
    from bazaarwatch.classify.train import SEED, Example, read_examples, train

    if data is None and db is None:
        raise click.UsageError("give a JSONL file of labelled texts, or --db CASE to train on "
                               "the seed corpus plus the case's triage labels")
    examples = read_examples(data or SEED)
    labelled = 0
    if db is not None:
        from bazaarwatch.store.labels import training_rows

        with _case(db) as case:
            for text, categories, offer in training_rows(case):
                examples.append(Example(text=text, labels=categories, offer=offer))
                labelled += 1
        err().print(f"{labelled:,} labelled messages from {_quoted(str(db))}")
    err().print(f"training on {len(examples):,} examples ...")
    classifier = train(examples)
    about: dict[str, Any] = {"trained_on": (data or SEED).name, "examples": len(examples)}
    if db is not None:
        about["labels_from"] = db.name
        about["labels"] = labelled
    classifier.save(output, about=about)
    err().print(f"model: {_s(str(output))}")


@main.command("evaluate")
@click.argument("data", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@_model_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def evaluate_command(data: Path, model_path: Path | None, as_json: bool) -> None:
    """Per-category precision, recall and F1 on labelled JSON Lines, the confusion
    between categories, and the false-positive rate on messages labelled [] (none)."""
    from bazaarwatch.classify.evaluate import evaluate
    from bazaarwatch.classify.model import Classifier
    from bazaarwatch.classify.train import read_examples

    report = evaluate(Classifier.load(model_path), read_examples(data))
    rows: list[dict[str, Any]] = [
            {"category": s.category, "support": s.support, "precision": round(s.precision, 4),
             "recall": round(s.recall, 4), "f1": round(s.f1, 4)}
            for s in [*report.scores, report.offer]]
    if as_json:
        summary = {"categories": rows, "macro_f1": round(report.macro_f1, 4),
                   "none": {"total": report.none_total, "flagged": report.none_flagged,
                            "false_positive_rate": round(report.none_fp_rate, 4)},
                   "confusion": [{"true": t, "predicted": p, "count": n}
                                 for (t, p), n in sorted(report.confusion.items())]}
        emit_json(summary)
        return
    from rich.table import Table

    table = Table("category", "support", "precision", "recall", "F1")
    for r in rows:
        if r["support"] or r["category"] == "offer":
            table.add_row(r["category"], f"{r['support']:,}", f"{r['precision']:.3f}",
                          f"{r['recall']:.3f}", f"{r['f1']:.3f}")
    out().print(table)
    out().print(f"macro-F1 over the categories present: {report.macro_f1:.3f}")
    out().print(f"false positives on none: {report.none_flagged:,} of {report.none_total:,} "
              f"({report.none_fp_rate:.2%})")
    mistakes = [(t, p, n) for (t, p), n in report.confusion.most_common() if t != p][:15]
    if mistakes:
        confusion = Table("true", "predicted", "messages", title="most frequent confusions")
        for t, p, n in mistakes:
            confusion.add_row(t, p, f"{n:,}")
        out().print(confusion)


@main.command("channels")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--format", "format_", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="A table for people, JSON for tools (--format json is "
                                      "--json).")
@limit_option("chats")
def channels_command(db: Path, as_json: bool, format_: str, limit: int | None) -> None:
    """Per chat: what it is and what it trades, decided from all its posts.

    The kind is shop (offers from one seller), marketplace (offers from several senders
    of a group), sharing (illicit goods posted without offers), discussion (a group that
    talks about the trade) or not-illicit; the categories come with their share of the
    chat's distinct posts, and a confidence from 0 to 1. Illicit chats come first, surest
    first. --json adds the best evidence messages (card, IBAN and phone numbers masked),
    category counts, offer rate, bots and indicators.
    """
    from bazaarwatch.store import queries

    as_json = as_json or format_ == "json"
    with _case(db) as case:
        rows, hidden = shown(queries.channels(case), limit, as_json)
    if as_json:
        emit_json(rows)
        return
    print_table(("chat", "type", "kind", "categories", "confidence", "messages", "offers",
                 "bots", "indicators"), (_channel(r) for r in rows), hidden)


def _channel(r: dict[str, Any]) -> tuple[str, ...]:
    shares = ", ".join(f"{s['category']} {s['share']:.0%}" for s in r["shares"])
    confidence = "—" if r["confidence"] is None else f"{r['confidence']:.2f}"
    return (r["name"] or r["chat_id"], r["type"] or "", r["kind"], shares or "—", confidence,
            f"{r['messages']:,}", f"{r['offers']:,}", ", ".join(r["bots"]),
            ", ".join(f"{k} {n}" for k, n in r["indicators"].items()))


# The market-map commands and serve live in their own modules and register themselves on
# ``main``.
from bazaarwatch import cli_map, cli_web  # noqa: E402, F401
