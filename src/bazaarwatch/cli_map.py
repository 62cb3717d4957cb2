"""The market-map commands: analyse, bots, networks, vendors, links, trends, watch, and
export (the map's graph, and the case as tables).

They read the map a case holds (``intel.analyse.refresh``): when ingest has added messages
since it was computed, it is computed again first (stored when the case can be written,
in memory when it is read-only), so what they print always describes the case as it is.
Registered on ``cli.main`` when ``cli`` is imported.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bazaarwatch.cli import (
    _case,
    _s,
    db_option,
    emit_json,
    err,
    limit_option,
    main,
    out,
    print_table,
    shown,
)
from bazaarwatch.errors import OutputError

if TYPE_CHECKING:
    from bazaarwatch.intel.posters import OnProgress
    from bazaarwatch.store.market import Market
    from bazaarwatch.store.sqlite import Case

_json_option = click.option("--json", "as_json", is_flag=True,
                            help="Print JSON (the documented shape) instead of a table.")
_SPIKES = 50  # spikes the trends table shows


def _t(value: Any) -> str:
    """A value as the text of a table cell (the table makes it safe)."""
    return "" if value is None else str(value)


@contextmanager
def _progress() -> Iterator[OnProgress | None]:
    """A progress bar over the messages read, on an interactive terminal only."""
    if not err().is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("market map"), BarColumn(), MofNCompleteColumn(),
               TextColumn("messages"), TimeRemainingColumn())
    with Progress(*columns, console=err(), transient=True) as bar:
        task = bar.add_task("analyse", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def market_of(case: Case, *, force: bool = False) -> Market:
    """The case's current map, computed first (with a progress bar) when it is not."""
    from bazaarwatch.intel.analyse import refresh  # the passes load only when needed

    with _progress() as on_progress:
        return refresh(case, on_progress=on_progress, force=force)


def _open(db: Path) -> Case:
    """A case for a map command: writable when the file can be written, so a map that
    has to be computed is kept; read-only otherwise (the map is then computed in memory)."""
    return _case(db, write=False)


def _chats(chats: list[dict[str, Any]], show: int = 3) -> str:
    names = [_t(c.get("name") or c.get("id")) for c in chats[:show]]
    extra = f" +{len(chats) - show}" if len(chats) > show else ""
    return ", ".join(names) + extra


def _counts(counts: dict[str, int], show: int = 3) -> str:
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:show]
    return ", ".join(f"{_t(k)} {v:,}" for k, v in top) or "—"


def _day(iso: str | None) -> str:
    return (iso or "")[:10]


@main.command("analyse")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print what was found as JSON counts.")
def analyse_command(db: Path, as_json: bool) -> None:
    """(Re)compute the market map of a case: shop bots, networks of shops that share an
    offer template, vendors, links between them, and weekly trends with spikes.

    'scan' does this after ingest; run it after 'ingest' to bring the map up to date
    (the map commands also do it themselves when the map is out of date).
    """
    with _case(db, write=True) as case:
        found = market_of(case, force=True)
    counts = {"bots": len(found.bots), "shop_bots": sum(b.get("shop", False) for b in found.bots),
              "networks": len(found.networks), "vendors": len(found.vendors),
              "links": len(found.links), "spikes": len(found.trends.get("spikes", []))}
    if as_json:
        emit_json(counts)
        return
    err().print(", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in counts.items()))


@main.command("bots")
@db_option
@limit_option("rows")
@_json_option
def bots_command(db: Path, limit: int | None, as_json: bool) -> None:
    """Bots seen in the case: shop bots (a shop menu, or advertised next to offers) first,
    then inline and other bots; the chats that show them and what they sell."""
    with _open(db) as case:
        rows, hidden = shown(market_of(case).bots, limit, as_json)
    if as_json:
        emit_json(rows)
        return
    print_table(("bot", "shop", "how", "chats", "categories", "messages", "first", "last"),
                ((_t(b["username"]), "yes" if b.get("shop") else "", ", ".join(b["how"]),
                  _chats(b["chats"]), _counts(b["categories"]), f"{b['messages']:,}",
                  _day(b["first_seen"]), _day(b["last_seen"])) for b in rows), hidden)


@main.command("networks")
@db_option
@limit_option("rows")
@_json_option
def networks_command(db: Path, limit: int | None, as_json: bool) -> None:
    """Networks: near-identical offers (the same template with other prices, handles and
    names) posted in several chats or by several shops, like one operator's franchise of
    vendor-branded shop bots. Biggest first."""
    with _open(db) as case:
        rows, hidden = shown(market_of(case).networks, limit, as_json)
    if as_json:
        emit_json(rows)
        return
    print_table(("network", "chats", "bots", "messages", "categories", "first", "last", "why"),
                ((_t(n["id"]), _chats(n["chats"]), ", ".join(n["bots"][:3]),
                  f"{n['messages']:,}", _counts(n["categories"]), _day(n["first_seen"]),
                  _day(n["last_seen"]), _t(n.get("why", ""))) for n in rows), hidden)


@main.command("vendors")
@db_option
@limit_option("rows")
@_json_option
def vendors_command(db: Path, limit: int | None, as_json: bool) -> None:
    """Vendors: whoever sells (a sender in a group, a channel, a shop bot, or the contact
    offers point to), with their chats, categories, prices, wallets and contacts. Most
    offers first; card, IBAN and phone numbers masked."""
    with _open(db) as case:
        rows, hidden = shown(market_of(case).vendors, limit, as_json)
    if as_json:
        emit_json(rows)
        return
    print_table(("vendor", "names", "chats", "categories", "offers", "prices", "wallets",
                 "contacts"), (_vendor(v) for v in rows), hidden)


def _vendor(v: dict[str, Any]) -> tuple[str, ...]:
    prices = ", ".join(f"{_t(c)} {p['min']:g}–{p['max']:g} {_t(p['currency'])}"
                       for c, p in list(v["prices"].items())[:2])
    return (_t(v["id"]), ", ".join(v["names"][:2]), _chats(v["chats"]),
            _counts(v["categories"]), f"{v['offers']:,}", prices or "—",
            f"{len(v['wallets']):,}", ", ".join(c["value"] for c in v["contacts"][:3]))


@main.command("links")
@db_option
@click.option("--entity", default=None, metavar="VALUE",
              help="Only links that involve this chat or vendor (id or name) or that "
                   "this value (a wallet, handle, onion, network id) is evidence of.")
@limit_option("rows")
@_json_option
def links_command(db: Path, entity: str | None, limit: int | None, as_json: bool) -> None:
    """'Same operator' candidates: pairs of chats or vendors that share a wallet, a PGP
    key, an onion, a contact handle or an offer template, or mirror the same source,
    with the evidence and a score from 0 to 1. Strongest first."""
    with _open(db) as case:
        found = market_of(case).links
    if entity is not None:
        found = [link for link in found if _involves(link, entity)]
    rows, hidden = shown(found, limit, as_json)
    if as_json:
        emit_json(rows)
        return
    print_table(("a", "b", "reason", "evidence", "score"),
                ((_entity(link["a"]), _entity(link["b"]), _t(link["reason"]),
                  ", ".join(f"{_t(e['type'])} {_t(e['value'])}" for e in link["evidence"][:3]),
                  f"{link['score']:.2f}") for link in rows), hidden)


def _involves(link: dict[str, Any], value: str) -> bool:
    wanted = value.casefold()
    ends = [str(link[side].get(k) or "").casefold() for side in ("a", "b")
            for k in ("id", "name")]
    values = [str(e["value"]).casefold() for e in link["evidence"]]
    return wanted in ends or wanted in values


def _entity(end: dict[str, Any]) -> str:
    return f"{_t(end.get('name') or end['id'])} ({_t(end['kind'])} {_t(end['id'])})"


@main.command("trends")
@db_option
@_json_option
def trends_command(db: Path, as_json: bool) -> None:
    """Weekly messages and offers per category, overall and per chat, new vendors, wallets
    and chats per week, and spikes: a category or chat whose activity jumps far above its
    recent median (robust to steady noise). JSON: {"series": [...], "spikes": [...]}."""
    with _open(db) as case:
        trends = market_of(case).trends
    if as_json:
        emit_json(trends)
        return
    from rich.table import Table

    weeks = [s for s in trends.get("series", []) if s["category"] == "all" and s["chat"] is None]
    t = Table("week", "messages", "offers", title="all chats, last 12 weeks")
    for s in sorted(weeks, key=lambda s: s["week"])[-12:]:
        t.add_row(s["week"], f"{s['messages']:,}", f"{s['offers']:,}")
    out().print(t)
    spikes = trends.get("spikes", [])
    s_table = Table("week", "category", "chat", "count", "baseline", title="spikes")
    for s in spikes[:_SPIKES]:
        s_table.add_row(s["week"], _s(s["category"]), _s(s.get("chat_name") or s["chat"] or "all"),
                        f"{s['count']:,}", f"{s['baseline']:g}")
    out().print(s_table)
    if len(spikes) > _SPIKES:
        err().print(f"{len(spikes) - _SPIKES:,} more; use --json")


@main.command("export")
@db_option
@click.option("--format", "format_", required=True,
              type=click.Choice(["misp", "stix", "csv", "jsonl", "parquet", "gexf", "graphml"]),
              help="misp: one MISP event (JSON file); stix: a STIX 2.1 bundle (JSON file); "
                   "csv, jsonl or parquet: messages with verdicts, indicators with "
                   "sightings, chats and vendors, one file each in the -o folder; gexf or "
                   "graphml: the link graph for Gephi, Cytoscape or networkx (file).")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The folder (csv, jsonl, parquet) or file (misp, stix, gexf, graphml) "
                   "to write.")
@click.option("--tlp", type=click.Choice(["clear", "green", "amber", "amber+strict", "red"]),
              default="amber", show_default=True,
              help="The TLP marking of a misp or stix export (tlp:amber tag, TLP 2.0 "
                   "marking definition).")
@click.option("--reveal", is_flag=True,
              help="misp: show card, IBAN and phone numbers raw where the case kept them "
                   "(ingest --keep-sensitive). Masked otherwise.")
def export_command(db: Path, format_: str, output: Path, tlp: str, reveal: bool) -> None:
    """Export a case for other tools. Card, IBAN and phone numbers are masked.

    misp: one event with coin-address, telegram-account, url, domain-ip, email,
    phone-number and instant-message (evidence) objects, dark-web and TLP tags; it loads
    with pymisp's MISPEvent.load_file and MISP's import. stix: indicators (onions, URLs,
    e-mails), user-accounts (handles, bots), cryptocurrency-wallet observables, vendors
    as threat-actors, relationships, evidence notes, all TLP-marked. csv / jsonl /
    parquet: messages.*, indicators.*, chats.*, vendors.* in the folder; in CSV a cell
    that starts like a formula (=, +, -, @, tab, CR) gets a leading ' so that a
    spreadsheet shows it as text. gexf / graphml: chats, senders, bots, handles,
    wallets, onions, networks and vendors as nodes; posted-in, advertises, pays-to,
    contacts-via, forwarded-from and shares-skeleton as edges. docs/exports.md has the
    field mapping and DuckDB queries over the Parquet files.
    """
    from bazaarwatch.outputs import graphfiles, misp, parquet, stix, tabular

    with _open(db) as case:
        found = market_of(case)
        if format_ in ("misp", "stix"):
            objects = (misp.write(case, found, output, name=db.name, tlp=tlp, reveal=reveal)
                       if format_ == "misp" else
                       stix.write(case, found, output, name=db.name, tlp=tlp))
            err().print(f"{format_}: {_s(output)} (" + ", ".join(
                f"{n:,} {_s(kind)}" for kind, n in objects.most_common()) + ")")
            return
        if format_ in tabular.FORMATS or format_ == "parquet":
            counts = (parquet.write(case, found, output) if format_ == "parquet" else
                      tabular.write(case, found, output, format_))
            err().print(f"{format_}: {_s(output)} ("
                      + ", ".join(f"{n:,} {table}" for table, n in counts.items()) + ")")
            return
    try:
        graphfiles.write(found, output, format_)
    except OSError as e:
        raise OutputError(f"{output}: cannot write ({e.strerror}). Give another -o path") from e
    err().print(f"{format_}: {_s(output)} ({len(found.nodes):,} nodes, {len(found.edges):,} edges)")


@main.command("watch")
@db_option
@click.option("--rules", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              required=True, help="A TOML file of watch rules (see examples/watch-rules.toml).")
@click.option("--webhook", default=None, metavar="URL",
              help="Also POST each match as JSON to this http(s) URL.")
def watch_command(db: Path, rules: Path, webhook: str | None) -> None:
    """Print the messages that match a watchlist and are new since its last run, one JSON
    object per line (the first run prints every match). The position is kept in the case
    per rules file content, so an edited rules file starts over. The position moves only
    when every match was printed and posted: after a failed POST the next run sends the
    same matches again.

    Rules are [[rule]] tables with a name and any of: keywords, patterns, categories,
    offer, indicator_types, indicators, chats, vendors, networks (all given must hold).
    """
    import orjson

    from bazaarwatch.intel.watch import load_rules, post, run

    loaded = load_rules(rules)
    if webhook is not None and not webhook.startswith(("http://", "https://")):
        raise click.BadParameter("not an http(s) URL; give http://... or https://...",
                                 param_hint="--webhook")

    def deliver(match: dict[str, Any]) -> None:
        sys.stdout.buffer.write(orjson.dumps(match) + b"\n")  # one object a line
        sys.stdout.flush()
        if webhook is not None:
            post(webhook, match)

    with _case(db, write=True) as case:
        found = run(case, loaded, deliver=deliver)
    err().print(f"{len(found):,} new matches")
