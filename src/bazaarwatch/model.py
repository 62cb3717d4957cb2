"""Typed records shared by every stage of the pipeline.

Readers turn each export format into these records, so nothing after the readers needs to
know which app or tool wrote the data. They are ``msgspec.Struct``s because millions of
them pass through ingest: they are cheaper to build than dataclasses and encode straight
to JSON for the store's JSON columns.
"""

from __future__ import annotations

from typing import Any

import msgspec


class Chat(msgspec.Struct, frozen=True):
    """A conversation: a channel, group, private or bot chat.

    ``id`` is a string so that every source can use its own identifiers
    (Telegram's numeric ids are written in decimal).
    """

    id: str
    name: str | None
    type: str


class Entity(msgspec.Struct, frozen=True, omit_defaults=True):
    """A formatted span of a message's text (link, mention, phone, bank card, ...).

    ``offset`` and ``length`` count Unicode code points of ``Message.text``.
    ``href`` is a text_link's target; ``user_id`` a mention_name's user.
    """

    type: str
    offset: int
    length: int
    text: str
    href: str | None = None
    user_id: int | None = None


class Button(msgspec.Struct, frozen=True, omit_defaults=True):
    """One inline-keyboard button under a bot message (a shop bot's menu entry)."""

    type: str
    text: str
    data: str | None = None


class Media(msgspec.Struct, frozen=True, omit_defaults=True):
    """What is attached to a message. Paths are relative to the export and never opened."""

    kind: str
    path: str | None = None
    name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    width: int | None = None
    height: int | None = None
    duration: int | None = None


class Reaction(msgspec.Struct, frozen=True, omit_defaults=True):
    type: str
    count: int
    emoji: str | None = None


class Indicator(msgspec.Struct, frozen=True, omit_defaults=True):
    """A validated indicator found in a message's text.

    ``value`` is the text as written (``start``/``end`` are its code-point offsets in the
    original message text, obfuscation included); ``normalized`` is the canonical form.
    ``checked`` is False when the type has a checksum this value does not carry.
    """

    type: str
    value: str
    normalized: str
    start: int
    end: int
    checked: bool = True


class Verdict(msgspec.Struct):
    """What the classifier says of one message.

    ``categories`` are taxonomy ids above their calibrated thresholds, best first (empty:
    not illicit); ``scores`` the probability for every category; ``offer`` whether the
    message offers goods or services for sale; ``evidence`` the lexicon hits, prices and
    strongest model features that decided it, with spans in the original text.
    """

    categories: list[str]
    scores: dict[str, float]
    offer: bool
    evidence: list[dict[str, Any]] = []


class Message(msgspec.Struct, omit_defaults=True):
    """One message or service event, as read from any source.

    ``date`` and ``edited`` are Unix seconds (UTC). ``kind`` is ``message`` or
    ``service``; a service message has an ``action`` (e.g. ``pin_message``) and
    ``details`` holding the action's own fields. ``from_bot`` is the reader's judgement
    that a bot wrote it (via an inline bot, the bot of a bot chat, or a bot menu).
    ``indicators`` and ``verdict`` are filled by the extraction and classification
    stages, not by readers.
    """

    chat: Chat
    id: int | str
    date: int
    kind: str = "message"
    text: str = ""
    entities: list[Entity] = []
    sender_id: str | None = None
    sender_name: str | None = None
    edited: int | None = None
    forwarded_from: str | None = None
    saved_from: str | None = None
    via_bot: str | None = None
    reply_to: int | None = None
    action: str | None = None
    details: dict[str, object] = {}
    buttons: list[list[Button]] = []
    reactions: list[Reaction] = []
    media: Media | None = None
    from_bot: bool = False
    indicators: list[Indicator] = []
    verdict: Verdict | None = None


class Sender(msgspec.Struct, frozen=True):
    """Who wrote messages: a user, a channel signing its posts, or a chat."""

    id: str
    name: str | None


