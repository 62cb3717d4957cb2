"""The case schema, as an ordered list of migrations.

A case file records which migrations it has had (``schema_migrations``); opening it applies
the missing ones in order, each in its own transaction. Never edit a released migration:
append a new one.

Design notes:
- ``messages`` is keyed by (chat_id, message_id): re-ingesting adds nothing, and an edited
  message is updated in place. ``message_id`` has no declared type so a Telegram integer
  stays an integer and another tool's string id stays a string.
- ``messages_fts`` is an external-content FTS5 index over ``messages.text``. New rows are
  indexed by the writer in one statement per batch (a per-row trigger is five times
  slower); updates and deletes are kept in step by triggers. Every row is indexed, empty
  text included, so FTS5's own integrity-check and rebuild agree with the table.
  ``unicode61`` folds case for Cyrillic, Greek and Latin alike.
- Nested data (entities, buttons, reactions, media, service details) is JSON text, which
  Datasette and SQLite's JSON functions read as-is; the ``entities`` view unnests entities.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "messages, chats, senders, entities, sources, full-text index", """
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    reader TEXT NOT NULL,
    reader_version TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'partial', 'failed')),
    messages_added INTEGER NOT NULL DEFAULT 0,
    messages_updated INTEGER NOT NULL DEFAULT 0,
    error TEXT
);
CREATE INDEX sources_sha256 ON sources(sha256);

CREATE TABLE chats (
    id TEXT PRIMARY KEY,
    name TEXT,
    type TEXT NOT NULL
);

CREATE TABLE senders (
    id TEXT PRIMARY KEY,
    name TEXT
);

CREATE TABLE messages (
    rowid INTEGER PRIMARY KEY,
    chat_id TEXT NOT NULL REFERENCES chats(id),
    message_id NOT NULL,
    date INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    sender_id TEXT REFERENCES senders(id),
    edited INTEGER,
    forwarded_from TEXT,
    saved_from TEXT,
    via_bot TEXT,
    reply_to INTEGER,
    action TEXT,
    from_bot INTEGER NOT NULL DEFAULT 0,
    media_kind TEXT,
    media TEXT,
    buttons TEXT,
    reactions TEXT,
    entities TEXT,
    details TEXT,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    UNIQUE (chat_id, message_id)
);
CREATE INDEX messages_chat_date ON messages(chat_id, date);

-- Entities live as a JSON list on their message (one write per message, not per span);
-- this view gives them the shape of a table for SQL and Datasette.
CREATE VIEW entities AS
SELECT m.rowid AS message_rowid, m.chat_id, m.message_id,
       e.value ->> 'type' AS type, e.value ->> 'offset' AS "offset",
       e.value ->> 'length' AS length, e.value ->> 'text' AS text,
       e.value ->> 'href' AS href, e.value ->> 'user_id' AS user_id
FROM messages m, json_each(m.entities) e
WHERE m.entities IS NOT NULL;

CREATE VIRTUAL TABLE messages_fts USING fts5(
    text, content='messages', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO messages_fts(rowid, text) VALUES (new.rowid, new.text);
END;
"""),
    (2, "indicators", """
-- One row per distinct indicator. ``link_hash`` (HMAC with the case's own key) identifies
-- it; ``normalized`` is masked for sensitive types (cards, IBANs, phones), whose raw value
-- is in ``raw`` only when ingested with --keep-sensitive.
CREATE TABLE case_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO case_settings (key, value) VALUES ('link_key', lower(hex(randomblob(32))));

CREATE TABLE indicators (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    normalized TEXT NOT NULL,
    link_hash TEXT NOT NULL,
    raw TEXT,
    checked INTEGER NOT NULL DEFAULT 1,
    UNIQUE (type, link_hash)
);
CREATE INDEX indicators_type ON indicators(type, normalized);

-- Where each indicator was seen: the message, its span in the message text (code points)
-- and the text as written there (masked like ``normalized``).
CREATE TABLE message_indicators (
    message_rowid INTEGER NOT NULL REFERENCES messages(rowid),
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (message_rowid, start, indicator_id)
) WITHOUT ROWID;
CREATE INDEX message_indicators_indicator ON message_indicators(indicator_id);
"""),
    (3, "verdicts", """
-- What the classifier said of each message with text: its categories (best first, JSON),
-- the best one (for grouping), whether it is an offer, every category's score (JSON) and
-- the evidence (JSON: lexicon terms with spans, prices, model features).
CREATE TABLE verdicts (
    message_rowid INTEGER PRIMARY KEY REFERENCES messages(rowid),
    top_category TEXT,
    categories TEXT NOT NULL,
    offer INTEGER NOT NULL,
    scores TEXT NOT NULL,
    evidence TEXT NOT NULL
);
CREATE INDEX verdicts_top ON verdicts(top_category);
"""),
    (4, "source warnings, edit history", """
-- What ingest of a source did not take as written (JSON list of lines): refused messages,
-- values cut or clamped to the limits, duplicate keys, a second result.json, edits that
-- replaced stored text.
ALTER TABLE sources ADD COLUMN warnings TEXT;

-- The text a message had before a later export's newer edit replaced it, oldest first.
CREATE TABLE message_edits (
    message_rowid INTEGER NOT NULL REFERENCES messages(rowid),
    edited INTEGER,
    text TEXT NOT NULL,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    replaced_by INTEGER NOT NULL REFERENCES sources(id)
);
CREATE INDEX message_edits_message ON message_edits(message_rowid);
"""),
    (5, "chat verdicts", """
-- What each chat is, decided from all its posts (``classify.chats.decide``): its kind
-- (shop, marketplace, sharing, discussion, not-illicit), its categories (JSON list of
-- {"category", "share"}, best first; share = part of its distinct posts), how sure
-- (0..1), the evidence (JSON list of message rowids, best first), and how many distinct
-- posts and offers it was decided from. A write of a chat's messages deletes its row in
-- the same transaction (``Case.write``): a chat without a row is one to (re)compute, so a
-- killed ingest, or a case from before this migration, is completed by the next ingest or
-- the next command that reads verdicts (see ``store.chat_verdicts``).
CREATE TABLE chat_verdicts (
    chat_id TEXT PRIMARY KEY REFERENCES chats(id),
    kind TEXT NOT NULL,
    categories TEXT NOT NULL,
    confidence REAL NOT NULL,
    evidence TEXT NOT NULL,
    posts INTEGER NOT NULL,
    offers INTEGER NOT NULL
);
"""),
    (6, "market map", """
-- The market map (``bazaarwatch.intel``): what ``analyse`` found, as the JSON objects its
-- commands print (``data``), in the order they print them (``rank``). ``kind`` is bot,
-- network, vendor, link, node, edge, or trends (one item: what ``trends --json`` prints);
-- ``id`` is unique within a kind.
CREATE TABLE market_items (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    rank INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX market_items_rank ON market_items(kind, rank);

-- The messages behind each bot, network and vendor (``rowids``: a JSON list of message
-- rowids, ascending): the pivot from an item to its posts. One row per item, not per
-- message: a million-message case would otherwise spend a quarter of its analysis
-- writing it. SQL reaches the messages with json_each(rowids).
CREATE TABLE market_members (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    rowids TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);

-- Bookkeeping: ``analysed`` (when the map was computed, JSON) exists only while the map is
-- current; a write of messages deletes it in the same transaction (``Case.write``), so a
-- map is never older than the messages it describes. ``watch:<rules digest>`` holds the
-- last message rowid each watchlist has reported.
CREATE TABLE market_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""),
    (7, "triage labels", """
-- What analysts said a message or a chat is (``store.labels``; the web UI's triage): the
-- categories (JSON list, best first; [] = not illicit), for a message whether it is an
-- offer, for a chat its kind. Rows are only added: the latest row per target is the
-- label, the earlier ones its history. Labels are the analysts' work: no ingest, analysis
-- or migration deletes them, and ``train --db`` learns from them.
CREATE TABLE labels (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL CHECK (target IN ('message', 'chat')),
    chat_id TEXT NOT NULL,
    message_id,
    categories TEXT NOT NULL,
    offer INTEGER,
    kind TEXT,
    note TEXT,
    analyst TEXT,
    created TEXT NOT NULL
);
CREATE INDEX labels_target ON labels(chat_id, message_id, id);
"""),
    (8, "chat title verdicts", """
-- A chat's name as the classifier scored it (``classify.chats.title_text``), JSON
-- {"categories": [...], "scores": {...}}: the chat verdict counts it as one more post.
-- Written when the chat's verdict is computed with a classifier at hand (ingest); a
-- change of name empties it.
ALTER TABLE chats ADD COLUMN title_verdict TEXT;
"""),
]

LATEST = MIGRATIONS[-1][0]
