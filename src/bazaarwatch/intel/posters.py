"""Who posted a message, as the market map counts people: one name for every pass.

In a channel every post is the channel's own (Telegram signs channel posts with the
channel), so the channel is the poster; in a group or private chat it is the sender; in a
bot chat the bot. Keys are ``chat:<id>`` or ``sender:<id>`` so the two never collide.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from bazaarwatch.dates import FIRST, LAST, show_date
from bazaarwatch.indicators.redaction import mask_sensitive
from bazaarwatch.model import Chat
from bazaarwatch.store.market import Record

#: Called with (messages read, messages in all) while a pass reads the case.
OnProgress = Callable[[int, int], None]

CHANNEL_TYPES = frozenset({"public_channel", "private_channel", "channel"})


def is_channel(chat: Chat | None) -> bool:
    """Whether a chat is a broadcast channel (its posts are the channel's own)."""
    return chat is not None and chat.type in CHANNEL_TYPES


def poster(record: Record, chat: Chat | None) -> str | None:
    """The key of whoever posted ``record``: ``chat:<id>`` for a channel post,
    ``sender:<id>`` otherwise; None for a message with no sender (a service message of
    an unknown actor)."""
    if is_channel(chat):
        return f"chat:{record.chat_id}"
    if record.sender_id:
        return f"sender:{record.sender_id}"
    return None


def iso(ts: int) -> str:
    """A Unix time as ISO 8601 UTC (``2024-01-15T16:04:14Z``), the map's date format; a
    date no calendar holds (a damaged export) as ``@<seconds>`` (see ``dates``)."""
    return show_date(ts, "%Y-%m-%dT%H:%M:%SZ")


def week(ts: int) -> str | None:
    """The Monday (UTC) of the ISO week holding ``ts``, as ``YYYY-MM-DD``: the trends'
    week. None for a date outside 1970..9999 (such messages are left out of trends)."""
    if not FIRST <= ts <= LAST:
        return None
    day = datetime.fromtimestamp(ts, UTC).date()
    return (day - timedelta(days=day.weekday())).isoformat()


class ChatNames:
    """Chat names as results show them: masked, at most ``NAME_LIMIT`` characters, each
    worked out once (a chat is named by many bots, networks and vendors)."""

    NAME_LIMIT = 300

    def __init__(self, chats: Mapping[str, Chat]) -> None:
        self._chats = chats
        self._shown: dict[str, str | None] = {}

    def __call__(self, chat_id: str) -> str | None:
        if chat_id not in self._shown:
            chat = self._chats.get(chat_id)
            self._shown[chat_id] = (mask_sensitive(chat.name[:self.NAME_LIMIT])
                                    if chat is not None and chat.name else None)
        return self._shown[chat_id]
