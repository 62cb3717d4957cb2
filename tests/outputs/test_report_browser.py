"""The report in real headless Chromium: its script runs under its own CSP, tables sort
and filter, chat links open their sections, the graph draws and answers pan, zoom, drag,
hover and click, the summary's columns never overlap, long messages fold, hostile text
runs nothing."""

from __future__ import annotations

import itertools
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ingest_into, tg_chat, tg_message, unix, write_account_export
from playwright.sync_api import Browser, ConsoleMessage, FloatRect, Page
from test_report import trade_chats

from bazaarwatch.outputs.report import write_report
from bazaarwatch.store.sqlite import Case

HOSTILE = ("Fresh CVV dumps, buy now <img src=x onerror=window.__pwned=1> "
           "</script><script>window.__pwned=2</script> @cardshop_bot")
#: A long ad (a price list), which the evidence table folds behind "whole message".
PRICE_LIST = "\n".join(
    ["🔥 ПРАЙС / PRICE LIST — CVV, fullz, dumps with pin, fresh every day"]
    + [f"{country} CVV {price}$ · fullz {price * 3}$ · валид 90%" for country, price in
       (("USA", 15), ("UK", 18), ("CA", 17), ("AU", 20), ("DE", 22), ("FR", 21), ("ES", 19),
        ("IT", 19), ("NL", 23), ("PL", 12))]
    + ["Оплата BTC/USDT, гарант, пишите @cardshop_bot"])


@pytest.fixture
def report(tmp_path: Path) -> Path:
    chats = trade_chats()
    chats.append(tg_chat([tg_message(1, HOSTILE, date=unix(2024, 1, 9),
                                     sender="<b onmouseover=window.__pwned=3>x</b>",
                                     sender_id="user666"),
                          tg_message(2, PRICE_LIST, date=unix(2024, 1, 10),
                                     sender="<b onmouseover=window.__pwned=3>x</b>",
                                     sender_id="user666")],
                         name="<svg onload=window.__pwned=4>", id=1_700_000_009))
    db = ingest_into(tmp_path, [write_account_export(tmp_path / "export", chats)])
    path = tmp_path / "report.html"
    with Case(db) as case:
        write_report(case, path)
    return path


PROBLEMS: list[str] = []


def _console(message: ConsoleMessage) -> None:
    if message.type in ("error", "warning"):
        PROBLEMS.append(message.text)


@pytest.fixture
def page(browser: Browser, report: Path) -> Iterator[Page]:
    """The report opened from disk; console errors and warnings (CSP violations among
    them) and uncaught errors land in ``PROBLEMS``."""
    PROBLEMS.clear()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", _console)
    page.on("pageerror", lambda e: PROBLEMS.append(str(e)))
    page.add_init_script("window.__csp = []; document.addEventListener("
                         "'securitypolicyviolation', e => window.__csp.push(e.violatedDirective));")
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_selector("#graph-view[data-ready]", state="attached")
    yield page
    context.close()


def test_no_console_errors_no_csp_violation_nothing_hostile_runs(page: Page) -> None:
    page.wait_for_timeout(300)
    assert PROBLEMS == []
    assert page.evaluate("window.__csp") == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("text=<img src=x onerror=window.__pwned=1>").count() >= 1  # shown as text
    assert page.locator("#flagged img, #flagged script, section.chat img").count() == 0


def _column(page: Page, table: str, index: int) -> list[str]:
    """The texts of one column of a table's visible rows, in page order."""
    cells: list[str] = page.eval_on_selector_all(
        f"#{table} tbody tr", "rows => rows.filter(r => !r.hidden)"
                              f".map(r => r.cells[{index}].textContent.trim())")
    return cells


def test_clicking_a_header_sorts_the_rows(page: Page) -> None:
    header = page.locator("#t-chats th", has_text="messages")
    header.click()
    up = [int(v.replace(",", "")) for v in _column(page, "t-chats", 5)]
    assert up == sorted(up) and up[0] < up[-1]
    header.click()
    down = [int(v.replace(",", "")) for v in _column(page, "t-chats", 5)]
    assert down == sorted(down, reverse=True)
    page.locator("#t-chats th", has_text="chat").first.click()
    names = _column(page, "t-chats", 0)
    assert names == sorted(names, key=str.lower)


def test_the_filter_hides_rows(page: Page) -> None:
    total = page.locator("#t-chats tbody tr").count()
    page.fill("input[data-table=t-chats]", "барахолка")
    assert _column(page, "t-chats", 0) == ["Барахолка 24/7"]
    assert page.locator("#t-chats-count").text_content() == f"1 of {total} rows"
    page.fill("input[data-table=t-chats]", "")
    assert len(_column(page, "t-chats", 0)) == total


def test_a_chat_link_opens_its_section(page: Page) -> None:
    page.locator("#t-chats a", has_text="CardHouse mirror").click()
    assert page.evaluate("location.hash") == "#c-1700000003"
    section = page.locator("#c-1700000003")
    assert section.is_visible()
    box = section.bounding_box()
    assert box is not None and 0 <= box["y"] < 300  # scrolled to it


def test_the_graph_draws_nodes(page: Page) -> None:
    circles = page.locator("#graph-view circle")
    assert circles.count() >= 3
    box = circles.first.bounding_box()
    assert box is not None and box["width"] > 0
    positions = page.eval_on_selector_all("#graph-view circle",
                                          "cs => cs.map(c => c.getAttribute('cx') + ',' + "
                                          "c.getAttribute('cy'))")
    assert len(set(positions)) == len(positions)  # laid out, not piled on one spot


def _centres(page: Page) -> list[tuple[float, float]]:
    """The graph's node centres in the SVG's pixels, in node order."""
    found: list[list[float]] = page.eval_on_selector_all(
        "#graph-view circle", "cs => cs.map(c => [+c.getAttribute('cx'), +c.getAttribute('cy')])")
    return [(x, y) for x, y in found]


def _frame(page: Page) -> None:
    """Wait for the graph's next drawing (it redraws once per animation frame)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _graph_box(page: Page) -> FloatRect:
    page.locator("#graph").scroll_into_view_if_needed()
    box = page.locator("#graph-view").bounding_box()
    assert box is not None
    return box


def _empty_spot(page: Page, box: FloatRect) -> tuple[float, float]:
    """A point of the graph's background, away from every node (page coordinates)."""
    centres = _centres(page)
    for fx, fy in ((0.03, 0.05), (0.97, 0.05), (0.03, 0.95), (0.97, 0.95), (0.5, 0.05)):
        x, y = box["width"] * fx, box["height"] * fy
        if all(abs(x - cx) + abs(y - cy) > 30 for cx, cy in centres):
            return box["x"] + x, box["y"] + y
    raise AssertionError("no empty spot in the graph")


def test_the_wheel_zooms_around_the_pointer(page: Page) -> None:
    box = _graph_box(page)
    before = _centres(page)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    _frame(page)
    after = _centres(page)
    spread = [max(x for x, _ in c) - min(x for x, _ in c) for c in (before, after)]
    assert spread[1] > spread[0] * 1.5  # zoomed in
    page.locator("button[data-zoom=fit]").click()
    _frame(page)
    flat = [v for c in _centres(page) for v in c]
    assert flat == pytest.approx([v for c in before for v in c], abs=0.2)


def test_dragging_the_background_pans_the_whole_graph(page: Page) -> None:
    box = _graph_box(page)
    before = _centres(page)
    x, y = _empty_spot(page, box)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 15, steps=4)
    page.mouse.move(x + 80, y + 30, steps=4)
    page.mouse.up()
    _frame(page)
    moved = [(a[0] - b[0], a[1] - b[1]) for a, b in zip(_centres(page), before, strict=True)]
    assert all(dx == pytest.approx(80, abs=1) and dy == pytest.approx(30, abs=1)
               for dx, dy in moved)
    assert page.evaluate("location.hash") == ""


def test_dragging_a_node_moves_it_and_its_edges_only(page: Page) -> None:
    box = _graph_box(page)
    before = _centres(page)
    i = 0
    x, y = box["x"] + before[i][0], box["y"] + before[i][1]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 30, y + 20, steps=3)
    page.mouse.move(x + 60, y + 40, steps=3)
    page.mouse.up()
    _frame(page)
    after = _centres(page)
    assert after[i] == pytest.approx((before[i][0] + 60, before[i][1] + 40), abs=1)
    assert after[1:] == before[1:]
    ends: list[list[float]] = page.eval_on_selector_all(
        "#graph-view line", "ls => ls.flatMap(l => [[+l.getAttribute('x1'), +l.getAttribute('y1')],"
                            " [+l.getAttribute('x2'), +l.getAttribute('y2')]])")
    assert any(e == pytest.approx(list(after[i]), abs=0.2) for e in ends)  # its edges follow
    assert page.evaluate("location.hash") == ""  # a drag is not a click


def _chat_node(page: Page) -> int:
    """The index of a chat node (one with a section: keyboard-focusable)."""
    index: int = page.eval_on_selector_all(
        "#graph-view circle", "cs => cs.findIndex(c => c.getAttribute('tabindex') === '0')")
    assert index >= 0
    return index


def test_hover_and_focus_show_a_tooltip_with_name_and_kind(page: Page) -> None:
    box = _graph_box(page)
    i = _chat_node(page)
    x, y = _centres(page)[i]
    tip = page.locator("#graph-live .graph-tip")
    assert tip.is_hidden()
    page.mouse.move(box["x"] + x, box["y"] + y)
    tip.wait_for(state="visible")
    label = page.locator("#graph-view circle").nth(i).get_attribute("aria-label") or ""
    name = label.rsplit(" (", 1)[0]
    assert tip.locator("b").text_content() == name
    assert "chat" in (tip.text_content() or "") and "click to open" in (tip.text_content() or "")
    near = tip.bounding_box()  # beside its node, not somewhere under the graph
    assert near is not None
    assert abs(near["y"] - (box["y"] + y)) < 60 and abs(near["x"] - (box["x"] + x)) < 400
    assert page.locator("#graph-view circle.dim").count() >= 1  # the rest fades
    page.mouse.move(*_empty_spot(page, box))
    tip.wait_for(state="hidden")
    page.locator("#graph-view circle").nth(i).focus()
    tip.wait_for(state="visible")
    assert tip.locator("b").text_content() == name
    assert tip.locator("img, script, svg").count() == 0


def test_clicking_a_chat_node_opens_its_section(page: Page) -> None:
    box = _graph_box(page)
    i = _chat_node(page)
    x, y = _centres(page)[i]
    page.mouse.click(box["x"] + x, box["y"] + y)
    target = page.evaluate("location.hash")
    assert target.startswith("#c-")
    section = page.locator(target)
    assert section.is_visible()
    top = section.bounding_box()
    assert top is not None and 0 <= top["y"] < 300


def test_graph_labels_neither_overlap_nor_leave_the_view(page: Page) -> None:
    box = _graph_box(page)
    for _ in range(2):
        labels: list[dict[str, float]] = page.eval_on_selector_all(
            "#graph-view text", "ts => ts.filter(t => t.style.display !== 'none').map(t => {"
                                " const r = t.getBoundingClientRect();"
                                " return {x: r.left, y: r.top, r: r.right, b: r.bottom}; })")
        assert labels
        for a in labels:
            assert box["x"] <= a["x"] and a["r"] <= box["x"] + box["width"] + 0.5
        for n, a in enumerate(labels):
            for b in labels[n + 1:]:
                overlap = min(a["r"], b["r"]) - max(a["x"], b["x"]), \
                    min(a["b"], b["b"]) - max(a["y"], b["y"])
                assert not (overlap[0] > 1 and overlap[1] > 1), (a, b)
        page.locator("button[data-zoom=in]").click()  # and again, zoomed in
        _frame(page)


def _columns(page: Page) -> list[dict[str, float]]:
    """The boxes of the summary's first three answers, each widened to whatever its
    content reaches (an overflowing table or list marker counts)."""
    found: list[dict[str, float]] = page.evaluate("""() => ['answer-shops', 'answer-sold',
        'answer-sellers'].map(id => { const col = document.getElementById(id);
        const r = col.getBoundingClientRect(); let left = r.left, right = r.right;
        col.querySelectorAll('*').forEach(el => { const b = el.getBoundingClientRect();
          if (b.width) { left = Math.min(left, b.left); right = Math.max(right, b.right); } });
        col.querySelectorAll('li').forEach(li => {  // the list number sits left of the item
          left = Math.min(left, li.getBoundingClientRect().left - 16); });
        return {left: left, right: right, top: r.top, bottom: r.bottom,
                box_left: r.left, box_right: r.right}; })""")
    return found


def test_summary_columns_never_overlap_at_1280(page: Page) -> None:
    cols = _columns(page)
    for col in cols:
        assert col["left"] >= col["box_left"] - 0.5 and col["right"] <= col["box_right"] + 0.5
    for a, b in itertools.pairwise(cols):
        assert a["right"] < b["left"] and a["top"] == pytest.approx(b["top"], abs=1)


def test_summary_columns_stack_on_a_narrow_screen(page: Page) -> None:
    page.set_viewport_size({"width": 820, "height": 900})
    cols = _columns(page)
    for col in cols:
        assert col["left"] >= col["box_left"] - 0.5 and col["right"] <= col["box_right"] + 0.5
    for a, b in itertools.pairwise(cols):
        assert a["bottom"] <= b["top"] and a["box_left"] == pytest.approx(b["box_left"])


def test_long_messages_fold_and_the_message_column_is_the_widest(page: Page) -> None:
    widths: list[float] = page.eval_on_selector_all(
        "#t-flagged thead th", "hs => hs.map(h => h.getBoundingClientRect().width)")
    assert widths.index(max(widths)) == 5  # the message
    cell = page.locator("#t-flagged .long").filter(has_text="ПРАЙС")
    text = cell.locator(".clamp")
    folded = text.bounding_box()
    assert folded is not None and folded["height"] < 130
    cell.locator("summary").click()
    opened = text.bounding_box()
    assert opened is not None and opened["height"] > folded["height"] + 40
    assert "PL CVV 12$" in (text.inner_text() or "")


def test_dates_and_headers_stay_on_one_line(page: Page) -> None:
    broken = page.evaluate("""() => [...document.querySelectorAll('th, td.d')].filter(el => {
        if (!el.offsetParent || !el.textContent.trim()) return false;
        const range = document.createRange(); range.selectNodeContents(el);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        return lines.size > 1; }).map(el => el.textContent)""")
    assert broken == []


def test_screenshot_is_not_blank(page: Page, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot))
    width, height, colours = _png_colours(shot.read_bytes())
    assert (width, height) == (1280, 900)
    assert colours >= 8


def _png_colours(png: bytes) -> tuple[int, int, int]:
    """Width, height and the number of distinct pixel colours of an 8-bit RGB(A) PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, header = 8, b"", b""
    while at < len(png):
        size, kind = struct.unpack(">I4s", png[at:at + 8])
        body = png[at + 8:at + 8 + size]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        at += 12 + size
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6)
    step = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * step
    seen: set[bytes] = set()
    previous = bytearray(stride)
    for y in range(0, height):
        row = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        line = _unfilter(row[0], bytearray(row[1:]), previous, step)
        if y % 8 == 0:
            seen.update(bytes(line[x:x + 3]) for x in range(0, stride, step * 8))
        previous = line
    return width, height, len(seen)


def _unfilter(kind: int, line: bytearray, previous: bytearray, step: int) -> bytearray:
    """Undo one scanline's PNG filter (none, sub, up, average, Paeth)."""
    for i in range(len(line)):
        left = line[i - step] if i >= step else 0
        up = previous[i]
        corner = previous[i - step] if i >= step else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc
                                  else corner)) & 0xFF
    return line
