"""Telegram usernames, bots and invite links.

Types:

* ``telegram``: a public username (user, channel, group), normalized ``@name`` in lower
  case (usernames are case-insensitive).
* ``telegram_bot``: a username ending in ``bot`` (any case), which Telegram reserves for bots.
* ``telegram_invite``: an invite link, normalized ``https://t.me/+HASH`` keeping the hash's
  case (hashes are case-sensitive); ``t.me/joinchat/HASH`` and ``tg://join?invite=HASH``
  are the same invite and normalize the same way. A folder invite ``t.me/addlist/SLUG``
  is also an invite and normalizes to ``https://t.me/addlist/SLUG``.

Username rules (Telegram's): 5 to 32 characters, ``[A-Za-z0-9_]``, starting with a letter
and not ending with ``_``. Four-character collectible usernames are not extracted.

Forms recognized:

* ``@name``, not preceded by a word character, so ``a@b.com`` (an e-mail) is not a handle.
  ``\\B`` anchors it without look-behind: ``@`` is not a word character, so ``\\B`` holds
  exactly when the character before is not a word character either (or at the start).
* ``t.me/NAME``, ``telegram.me/NAME``, ``telegram.dog/NAME`` with or without scheme, with
  ``/POST``, ``?start=...`` and the like after the name; ``NAME.t.me``.
* ``tg://resolve?domain=NAME`` and ``tg://join?invite=HASH``.

Link paths that are not usernames:

* ``t.me/s/NAME`` (web preview of a channel) and ``t.me/boost/NAME`` yield ``NAME``.
* ``t.me/c/ID/POST`` (a link to a post of a *private* chat) is skipped: it names an
  internal chat id and lets nobody join, so it is neither a username nor an invite.
* ``t.me/+DIGITS`` is a link to a user by phone number, not an invite: skipped here
  (the phone pattern sees the ``+DIGITS``).
* Telegram's reserved paths (``share``, ``iv``, ``addstickers``, ``addemoji``, ``addtheme``,
  ``setlanguage``, ``proxy``, ``socks``, ``login``, ``contact``, ``invoice``, ``giftcode``,
  ...) are skipped; names shorter than five characters (``s``, ``c``, ``iv``, ``m``, ``k``,
  ``a``, ``z``, ``dl``, ``bg``, ``nft``) cannot be usernames anyway.

Limitations: ``@name`` after a slash (``tiktok.com/@name``) is still taken for a Telegram
handle. ``name @gmail.com`` (a space before the ``@``) and ``Sale @Hotmail.com`` yield
nothing: a dot and letters after the name make it a mail domain.
"""

from __future__ import annotations

import re

from bazaarwatch.indicators.base import Accepted, Pattern

_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,30}[A-Za-z0-9]")
_INVITE_HASH = re.compile(r"[A-Za-z0-9_-]{10,64}")

_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog"})

# First path segments of t.me links that are Telegram features, not usernames (only those
# of five or more characters matter: shorter ones fail the username rules anyway).
_RESERVED = frozenset({
    "addemoji", "addstickers", "addtheme", "confirmphone", "contact", "giftcode", "invoice",
    "login", "proxy", "setlanguage", "share", "socks",
})

# Words that people prefix with "@" but that are not handles (chat-platform mentions).
_NOT_HANDLES = frozenset({"everyone"})


def _user(name: str) -> Accepted | None:
    """The verdict for a bare username, or None when it breaks Telegram's rules."""
    if _USERNAME.fullmatch(name) is None:
        return None
    low = name.lower()
    if low in _NOT_HANDLES:
        return None
    if low.endswith("bot"):
        return Accepted(normalized="@" + low, type="telegram_bot")
    return Accepted(normalized="@" + low, type="telegram")


def _invite(hash_: str) -> Accepted | None:
    if _INVITE_HASH.fullmatch(hash_) is None or hash_.isdigit():
        return None
    return Accepted(normalized="https://t.me/+" + hash_, type="telegram_invite")


def validate_handle(candidate: str) -> Accepted | None:
    """``@name``; ``@name.com`` is a mail domain, not a handle (``_USERNAME`` refuses
    the dot)."""
    return _user(candidate[1:])


def validate_link(candidate: str) -> Accepted | None:
    """``t.me/...``, ``telegram.me/...``, ``telegram.dog/...`` (scheme already outside)."""
    slash = candidate.find("/")
    if candidate[:slash].lower() not in _HOSTS:
        return None
    path = candidate[slash + 1 :]
    if path.startswith("+"):
        return _invite(path[1:].split("/", 1)[0])  # all digits: a phone link, skipped
    first, _, rest = path.partition("/")
    second = rest.split("/", 1)[0]
    low = first.lower()
    if low == "joinchat":
        return _invite(second) if second else None
    if low == "addlist":
        if _INVITE_HASH.fullmatch(second) is None:
            return None
        return Accepted(normalized="https://t.me/addlist/" + second, type="telegram_invite")
    if low in ("s", "boost"):
        return _user(second) if second else None
    if low in _RESERVED:
        return None
    return _user(first)


def validate_subdomain(candidate: str) -> Accepted | None:
    """``NAME.t.me``."""
    return _user(candidate[: -len(".t.me")])


def validate_tg(candidate: str) -> Accepted | None:
    """``tg://resolve?domain=NAME`` or ``tg://join?invite=HASH``."""
    _, _, value = candidate.partition("=")
    if candidate[5:9].lower() == "join":
        return _invite(value)
    return _user(value)


PATTERNS: list[Pattern] = [
    Pattern(
        type="telegram",
        # A ".com" right after the name makes it a domain ("Sale @Hotmail.com"), which
        # Telegram names cannot hold: it is matched with the name, and refused.
        regex=r"\B@[A-Za-z][A-Za-z0-9_]{3,30}[A-Za-z0-9]\b(?:\.[A-Za-z]+)?",
        validate=validate_handle,
    ),
    Pattern(
        type="telegram",
        regex=(
            r"\b(?:[Tt]|[Tt][Ee][Ll][Ee][Gg][Rr][Aa][Mm])\.(?:[Mm][Ee]|[Dd][Oo][Gg])"
            r"/\+?[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)?"
        ),
        validate=validate_link,
    ),
    Pattern(
        type="telegram",
        regex=r"\b[A-Za-z][A-Za-z0-9_]{3,30}[A-Za-z0-9]\.[Tt]\.[Mm][Ee]\b",
        validate=validate_subdomain,
    ),
    Pattern(
        type="telegram",
        regex=(
            r"\b[Tt][Gg]://(?:[Rr][Ee][Ss][Oo][Ll][Vv][Ee]\?[Dd][Oo][Mm][Aa][Ii][Nn]"
            r"|[Jj][Oo][Ii][Nn]\?[Ii][Nn][Vv][Ii][Tt][Ee])=[A-Za-z0-9_-]+"
        ),
        validate=validate_tg,
    ),
]
