"""End to end in real headless Chromium against a real uvicorn server: search with htmx,
open a message, triage it, and find the label in the case; hostile text runs nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from web_support import HOSTILE, SHOP, build_case, live_server

from bazaarwatch.store import labels
from bazaarwatch.store.sqlite import Case
from bazaarwatch.web.app import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page


@pytest.fixture(scope="module")
def case_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_case(tmp_path_factory.mktemp("webbrowser"))


@pytest.fixture(scope="module")
def base(case_db: Path) -> Iterator[str]:
    with live_server(create_app(case_db)) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A fresh page, and the console errors and dialogs it sees (a CSP violation is a
    console error: there must be none)."""
    context = browser.new_context()
    opened = context.new_page()
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    def dialog(shown: Dialog) -> None:  # alert(), confirm(): script ran
        problems.append(f"dialog: {shown.message}")
        shown.dismiss()

    opened.on("console", console)
    opened.on("dialog", dialog)
    yield opened, problems
    context.close()


def test_search_open_triage_and_the_label_is_in_the_case(page: tuple[Page, list[str]],
                                                         base: str, case_db: Path) -> None:
    from playwright.sync_api import expect

    tab, problems = page
    tab.goto(f"{base}/search")
    tab.fill("#q", "cvv")
    tab.press("#q", "Enter")
    expect(tab.locator("#hits")).to_contain_text("4 matching messages")
    assert "q=cvv" in tab.url  # htmx pushed the search into the address bar
    tab.select_option("select[name=chat]", SHOP)  # a filter change updates in place
    expect(tab.locator("#hits")).to_contain_text("2 matching messages")
    expect(tab.locator("mark").first).to_have_text(re.compile("cvv", re.IGNORECASE))

    tab.click(f"a.open[href='/messages/{SHOP}/13']")
    expect(tab.locator("h1")).to_have_text("Message 13")
    form = tab.locator("form.triage")
    form.locator("input[value=carding]").check()
    form.locator("input[value=gift-cards]").check()
    form.locator("select[name=offer]").select_option("yes")
    form.locator("input[name=analyst]").fill("e2e")
    form.locator("textarea[name=note]").fill("gift cards too <b>really</b>")
    form.locator("button[type=submit]").click()
    expect(tab.locator("tr.label-row").first).to_contain_text("Gift cards")
    expect(tab.locator("tr.label-row").first).to_contain_text("gift cards too <b>really</b>")

    with Case(case_db, create=False, read_only=True) as case:
        found = labels.current(case, chat_id=SHOP, target="message")
    assert [(lb.message_id, lb.categories, lb.offer, lb.analyst) for lb in found] == [
        (13, ["carding", "gift-cards"], True, "e2e")]
    assert problems == []


def test_hostile_text_executes_nothing(page: tuple[Page, list[str]], base: str) -> None:
    from playwright.sync_api import expect

    tab, problems = page
    for path in (f"/messages/{HOSTILE}/1", f"/chats/{HOSTILE}", f"/vendors/chat:{HOSTILE}",
                 "/indicators/@evil_support", "/"):
        tab.goto(base + path)
        tab.wait_for_load_state("load")
        assert tab.evaluate("typeof window.pwned") == "undefined", path
    tab.goto(f"{base}/messages/{HOSTILE}/1")
    expect(tab.locator("pre.message-text")).to_contain_text("<img src=x onerror=")
    assert tab.locator("main img, main svg, main script").count() == 0
    # Results swapped in by htmx are escaped the same way.
    tab.goto(f"{base}/search")
    tab.fill("#q", "dumps")
    tab.press("#q", "Enter")
    expect(tab.locator("#hits")).to_contain_text("matching messages")
    expect(tab.locator("#results")).to_contain_text("<script>window.pwned=3</script>")
    assert tab.evaluate("typeof window.pwned") == "undefined"
    assert problems == []
