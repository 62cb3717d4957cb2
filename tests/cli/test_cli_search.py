"""search's filters, count and folded reposts; the case remembered between commands;
train --db learning from triage labels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from conftest import BARAHOLKA, CARD_SHOP, bw, tg_chat, tg_message, unix, write_account_export

from bazaarwatch.store import labels
from bazaarwatch.store.sqlite import Case

OFFER = "Fresh CVV dumps with pin 20$ each, write @dumps_seller"


def _export(tmp_path: Path) -> Path:
    shop = [tg_message(i, OFFER if i < 3 else f"cvv checker news {i}", date=unix(2024, 1, i),
                       sender="Dumps", sender_id="channel1700000001") for i in range(1, 6)]
    mirror = [tg_message(7, OFFER, date=unix(2024, 2, 1), sender="Mirror",
                         sender_id="channel1700000002", forwarded_from="Dumps")]
    return write_account_export(tmp_path / "export", [
        tg_chat(shop, name="Dumps", type="public_channel", id=1_700_000_001),
        tg_chat(mirror, name="Mirror", type="public_channel", id=1_700_000_002)])


def test_search_counts_folds_and_filters(tmp_path: Path) -> None:
    db = tmp_path / "case.db"
    assert bw("ingest", _export(tmp_path), "--db", db).returncode == 0
    folded = bw("search", "cvv", "--db", db, "--json")
    assert folded.returncode == 0, folded.stderr
    assert "6 matching messages; 4 shown, reposts folded" in folded.stderr
    rows = json.loads(folded.stdout)
    (offer,) = [r for r in rows if r["reposts"]]
    assert offer["reposts"] == 2 and {c["name"] for c in offer["repost_chats"]} <= {
        "Dumps", "Mirror"}
    every = json.loads(bw("search", "cvv", "--db", db, "--json", "--all-copies").stdout)
    assert len(every) == 6
    mirror = json.loads(bw("search", "cvv", "--db", db, "--json", "--chat", "1700000002").stdout)
    assert [r["message_id"] for r in mirror] == [7]
    dated = json.loads(bw("search", "cvv", "--db", db, "--json", "--since", "2024-01-03",
                          "--until", "2024-01-04").stdout)
    assert sorted(r["message_id"] for r in dated) == [3, 4]
    pivot = json.loads(bw("search", "--db", db, "--json", "--indicator", "@DUMPS_SELLER",
                          "--all-copies").stdout)
    assert sorted(r["message_id"] for r in pivot) == [1, 2, 7]
    table = bw("search", "cvv", "--db", db, "--offer")
    assert table.returncode == 0 and "verdict" in table.stdout and "(offer)" in table.stdout
    assert "copies in" in table.stdout


def test_bad_filters_are_usage_errors(tmp_path: Path) -> None:
    for args in (["--category", "guns"], ["--since", "last week"],
                 ["--indicator-type", "wallet"]):
        result = bw("search", "cvv", "--db", tmp_path / "x.db", *args)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "is not a" in result.stderr
    nothing = bw("search", "--db", tmp_path / "x.db")
    assert nothing.returncode == 2 and "give words to search for" in nothing.stderr


def test_the_case_is_remembered_or_taken_from_the_environment(tmp_path: Path,
                                                              realistic_case: Path) -> None:
    state = {"XDG_STATE_HOME": str(tmp_path / "state")}
    none_yet = bw("stats", env=state)
    assert none_yet.returncode == 2 and "no case given" in none_yet.stderr
    assert bw("stats", "--db", realistic_case, env=state).returncode == 0
    remembered = bw("stats", "--json", env=state)
    assert remembered.returncode == 0, remembered.stderr
    assert "the last one used" in remembered.stderr
    assert {r["chat_id"] for r in json.loads(remembered.stdout)} >= {str(CARD_SHOP)}
    from_env = bw("channels", "--json", env={"BAZAARWATCH_DB": str(realistic_case)})
    assert from_env.returncode == 0, from_env.stderr
    assert len(json.loads(from_env.stdout)) == 3


def test_train_learns_from_the_case_labels(tmp_path: Path, realistic_case: Path) -> None:
    data = tmp_path / "labels.jsonl"
    rows = ([{"text": f"fresh cvv dumps {i} each 10$", "labels": ["carding"], "offer": True}
             for i in range(30)]
            + [{"text": f"nice weather today number {i}", "labels": []} for i in range(30)])
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    with Case(realistic_case) as case:
        labels.add(case, target="message", chat_id=str(CARD_SHOP), message_id=13,
                   categories=["gift-cards"], offer=True)
        labels.add(case, target="message", chat_id=str(BARAHOLKA), message_id=6,
                   categories=["gift-cards"], offer=True)
    model = tmp_path / "model.npz"
    trained = bw("train", data, "--db", realistic_case, "-o", model)
    assert trained.returncode == 0, trained.stderr
    assert "2 labelled messages" in trained.stderr
    assert "training on 62 examples" in trained.stderr
    with np.load(model, allow_pickle=False) as saved:
        meta = json.loads(str(saved["meta"]))
    assert (meta["labels"], meta["examples"], meta["labels_from"]) == (2, 62, "case.db")
    plain = tmp_path / "plain.npz"
    assert bw("train", data, "-o", plain).returncode == 0
    changed = bw("classify", "--model", model,
                 stdin='{"id": 1, "text": "gift card codes cheap"}\n')
    unchanged = bw("classify", "--model", plain,
                   stdin='{"id": 1, "text": "gift card codes cheap"}\n')
    score = json.loads(changed.stdout)["scores"].get("gift-cards", 0)
    before = json.loads(unchanged.stdout)["scores"].get("gift-cards", 0)
    assert score > before
    neither = bw("train", "-o", tmp_path / "m.npz")
    assert neither.returncode == 2 and "--db" in neither.stderr
