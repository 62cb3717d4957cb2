"""Limits on one message, applied by ingest to the records of every reader.

A record must fit the case: SQLite integers are 64-bit, and a message text of megabytes
costs hundreds of times its size to extract, classify and index (a 5 MB text took
1.1 GB). Telegram never writes such values, so they come from damaged or hostile files.
Each value is handled for its own message and the change is reported, so that one bad
value never costs the other messages of the file:

- a text over ``MAX_TEXT`` characters is cut (entities past the cut are dropped); the
  message's ``details`` keep the length as written (``truncated_from``);
- a name or other short field over ``MAX_NAME`` characters is cut the same way;
- an integer message id outside 64 bits is kept as its decimal string;
- a date or edit date outside 64 bits is clamped to the nearest 64-bit value (dates
  inside are kept as given, however far from today: read commands show them raw);
- a reply-to id outside 64 bits is dropped.
"""

from __future__ import annotations

from bazaarwatch.model import Chat, Message

#: Telegram caps a message at 4,096 characters; long posts from other tools fit easily.
MAX_TEXT = 100_000
MAX_NAME = 4_096
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def _fits(value: int) -> bool:
    return INT64_MIN <= value <= INT64_MAX


def bound(message: Message) -> list[str]:
    """Make ``message`` fit the limits, in place; return what was changed (empty: all)."""
    m = message
    if (INT64_MIN <= m.date <= INT64_MAX and len(m.text) <= MAX_TEXT
            and (m.edited is None or INT64_MIN <= m.edited <= INT64_MAX)
            and (m.reply_to is None or INT64_MIN <= m.reply_to <= INT64_MAX)
            and (not isinstance(m.id, int) or INT64_MIN <= m.id <= INT64_MAX)
            and len(m.sender_name or "") <= MAX_NAME and len(m.forwarded_from or "") <= MAX_NAME
            and len(m.sender_id or "") <= MAX_NAME and len(m.chat.name or "") <= MAX_NAME
            and len(m.saved_from or "") <= MAX_NAME and len(m.via_bot or "") <= MAX_NAME
            and len(m.action or "") <= MAX_NAME and len(m.chat.id) <= MAX_NAME
            and len(m.chat.type) <= MAX_NAME):
        return []  # the common case, checked at once
    changes: list[str] = []
    if isinstance(message.id, int) and not _fits(message.id):
        changes.append("its id does not fit 64 bits and is kept as text")
        message.id = str(message.id)
    if not _fits(message.date):
        changes.append(f"date {message.date} does not fit 64 bits and was clamped")
        message.date = max(INT64_MIN, min(message.date, INT64_MAX))
    if message.edited is not None and not _fits(message.edited):
        changes.append(f"edit date {message.edited} does not fit 64 bits and was clamped")
        message.edited = max(INT64_MIN, min(message.edited, INT64_MAX))
    if message.reply_to is not None and not _fits(message.reply_to):
        changes.append("its reply-to id does not fit 64 bits and was dropped")
        message.reply_to = None
    if len(message.text) > MAX_TEXT:
        changes.append(f"its text of {len(message.text):,} characters was cut to "
                       f"{MAX_TEXT:,}")
        message.details = {**message.details, "truncated_from": len(message.text)}
        message.text = message.text[:MAX_TEXT]
        message.entities = [e for e in message.entities
                            if e.offset + e.length <= MAX_TEXT]
    for field in ("sender_id", "sender_name", "forwarded_from", "saved_from", "via_bot",
                  "action"):
        value = getattr(message, field)
        if value is not None and len(value) > MAX_NAME:
            changes.append(f"its {field} of {len(value):,} characters was cut to "
                           f"{MAX_NAME:,}")
            setattr(message, field, value[:MAX_NAME])
    chat = message.chat
    if max(len(chat.name or ""), len(chat.id), len(chat.type)) > MAX_NAME:
        changes.append(f"its chat's name or id of over {MAX_NAME:,} characters was cut")
        message.chat = Chat(id=chat.id[:MAX_NAME],
                            name=chat.name[:MAX_NAME] if chat.name else chat.name,
                            type=chat.type[:MAX_NAME])
    return changes
