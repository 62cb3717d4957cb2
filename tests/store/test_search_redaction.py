"""Search snippets mask card, IBAN and phone numbers whatever the message text holds.

Probes of an earlier design, which masked by stored offsets inside a text marked with
U+0002/U+0003: those characters in the message itself shifted the mask off the number,
and FTS5's highlight() drops what follows a NUL. Now the snippet is cut from the
message's own text, masked by value, with its control characters shown as pictures.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bazaarwatch.model import Chat, Indicator, Message
from bazaarwatch.store import queries
from bazaarwatch.store.sqlite import Case

SHOP = Chat(id="1500000001", name="Cards +44 7700 900123", type="public_supergroup")
CARD, IBAN, PHONE = "4111111111111111", "GB82WEST12345698765432", "+447700900123"
TEXTS = {
    1: "\x02" * 20 + f"cvv fresh {CARD} valid",
    2: "\x03" * 20 + f"cvv wire to {IBAN} today",
    3: f"cvv\x00 hidden part {CARD} and more",
    4: f"intro\x00 then cvv after the nul {PHONE}",
    5: f"{'x' * 300} 4111 1111 1111 1111 {'y' * 45} cvv",
    6: "cvv 8 999 123 45 67 is a national number",
}


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    with Case(tmp_path / "case.db") as opened:
        source = opened.start_source(path="x.json", sha256="0" * 64, size=1, reader="telegram",
                                     reader_version="1")
        national = Indicator(type="phone", value="8 999 123 45 67", normalized="+79991234567",
                             start=4, end=19)
        opened.write([Message(chat=SHOP, id=i, date=1_700_000_000 + i, text=text,
                              sender_id="user1", sender_name=f"Vendor {CARD}",
                              indicators=[national] if i == 6 else [])
                      for i, text in TEXTS.items()], source_id=source)
        yield opened


def snippets(case: Case, *, reveal: bool = False) -> dict[int, str]:
    found = queries.search(case, "cvv", reveal=reveal).results
    return {r["message_id"]: r["snippet"] for r in found}


def test_control_characters_before_a_value_do_not_unmask_it(case: Case) -> None:
    shown = snippets(case)
    assert CARD not in shown[1] and "411111******1111" in shown[1]
    assert IBAN not in shown[2] and "GB82**************5432" in shown[2]


def test_the_text_holds_no_mark_of_its_own(case: Case) -> None:
    """Its U+0002/U+0003 show as control pictures; the only marks are the match's."""
    shown = snippets(case)
    assert shown[1] == "\u2402" * 20 + "\x02cvv\x03 fresh 411111******1111 valid"
    assert shown[2].startswith("\u2403" * 20 + "\x02cvv\x03 wire")


def test_a_nul_hides_nothing_and_matches_after_it_are_marked(case: Case) -> None:
    shown = snippets(case)
    assert shown[3] == "\x02cvv\x03\u2400 hidden part 411111******1111 and more"
    assert shown[4] == "intro\u2400 then \x02cvv\x03 after the nul +44********23"


def test_a_value_cut_by_the_window_or_found_only_at_ingest_is_masked(case: Case) -> None:
    """The window starts inside the card: masked before it was cut, the part shown
    keeps none of the hidden digits."""
    shown = snippets(case)
    assert shown[5] == f"…11** **** 1111 {'y' * 45} \x02cvv\x03"
    assert shown[6] == "\x02cvv\x03 8 9** *** ** 67 is a national number"


def test_names_are_masked(case: Case) -> None:
    (row, *_) = queries.search(case, "cvv").results
    assert row["chat_name"] == "Cards +44 **** ****23"
    assert row["sender_name"] == "Vendor 411111******1111"


def test_reveal_shows_every_value_as_written(case: Case) -> None:
    shown = snippets(case, reveal=True)
    assert CARD in shown[1] and IBAN in shown[2] and PHONE in shown[4]
    assert "8 999 123 45 67" in shown[6]
    (row, *_) = queries.search(case, "cvv", reveal=True).results
    assert row["chat_name"] == SHOP.name and row["sender_name"] == f"Vendor {CARD}"
