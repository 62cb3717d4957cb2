"""E-mail addresses, URLs and bare domain names.

Types and rules:

* ``email``: ``local@domain``. The local part is the usual unquoted form (letters, digits,
  ``. _ % + -``; no leading, trailing or doubled dot; at most 64 characters). The domain
  must end in a real public suffix of the ICANN section of the Public Suffix List (the list
  bundled with ``publicsuffixlist``; no network) and have a registrable name before it, so
  ``x@example.local`` or ``x@host.example`` are not e-mails. The domain may be a Cyrillic
  internationalized name (``info@магазин.рф``), as for ``domain`` below. Jabber IDs are
  not e-mails: addresses on XMPP-only hosts (``user@jabber.ru``, see
  ``contacts.is_xmpp_domain``) and addresses labelled ``xmpp:``/``jabber:``/``JID`` (the
  pattern takes the label into its match, then the validator rejects it) are left to
  ``contacts.py``.
  Normalized: the domain in lower case, the local part as written (it may be
  case-sensitive); a ``mailto:`` scheme is outside the match.
* ``url``: ``http``, ``https`` and ``ftp`` URLs with the scheme written out (the text's
  ``hxxp``/``[:]//`` defanging is already undone). A URL ends at white space, quotes,
  angle brackets, ``|`` and ``«»``; trailing punctuation that ends a sentence or wraps
  markdown (``. , ; : ! ? } *``) is left out, so ``https://x.com.`` and
  ``**https://x.com**`` give ``https://x.com``. ``_ - = / ~ +`` are URL characters and
  stay, also at the end (``https://t.me/+AbC_``, ``https://x.com/a_b_``). Brackets in a URL
  come in pairs, one level deep: ``.../Foo_(bar)`` and ``http://[::1]`` keep theirs, while a
  bracket without its pair ends the URL, so ``(https://x.com).`` and
  ``[t](https://x.com)`` give ``https://x.com``. Known trade-offs: a URL with an unpaired
  or nested bracket is cut there (``.../a(b`` gives ``.../a``), and markdown emphasis
  with ``_`` around a URL stays in it.
  The host must be a name with a dot and an alphabetic TLD, an IPv4 address or a bracketed
  IPv6 address; any TLD is accepted (a scheme already says it is a link, and ``.onion``,
  ``.i2p`` or reserved test names are URLs too). Normalized: scheme and host lower case,
  default port dropped, an empty path written ``/``; the rest as written.
  Without a scheme, ``www.x.com/path`` is not a URL: it yields the domain ``www.x.com``.
* ``domain``: a bare domain name (``shop-x.com``, ``xyz.ru``) whose suffix is a real public
  suffix of the ICANN section, with a registrable label before it. Excluded:

  - a domain inside a URL or an e-mail address: it belongs to the URL or the address. The
    pattern takes the URL's ``scheme://`` or the address's ``local@`` into its match when
    present, and the validator then rejects the candidate (no look-behind needed). A
    domain written later in a URL's path or query (``?to=b.com``) is still reported.
  - ``.onion`` names (``onion.py`` reports them) and Telegram's link hosts ``t.me``,
    ``telegram.me`` and ``telegram.dog`` (``telegram.py`` reports the link).
  - file names: ``photo.jpg``, ``result.json`` or ``price.pdf`` have no public suffix, but
    some extensions are also TLDs. :data:`FILE_EXTENSIONS` lists those (``zip``, ``mov``,
    ``py``, ``sh``, ``md``, ``rs``, ``pl``, ``ps``, ``ai``, ``so``, ``app``, ...): a
    two-label name ending in one of them (``logs.zip``, ``checker.py``) is taken for a file
    name; with more labels (``www.allegro.pl``, ``shop.point.md``) it is a domain.
  - a title-case TLD (``done.Today``): two sentences without a space, not a domain.

  Internationalized names are found in their ``xn--`` form and, for Cyrillic, as written:
  ``закладка.рф``, ``магазин-shop.рф``, ``сайт.рус``, ``example.рф`` (labels of Russian,
  Ukrainian and Belarusian letters, ASCII letters, digits and ``-``). Their suffix must be a
  real public suffix too, so Russian prose with a missing space (``Привет.Как дела``) is
  not a domain, and their registrable label needs two letters at least (``г.москва`` is
  an abbreviation). Version numbers (``1.2.3``) and amounts have no alphabetic TLD and are
  never candidates. Normalized lower case (Unicode names stay Unicode, not ``xn--``).
"""

from __future__ import annotations

import functools
import re

from publicsuffixlist import PublicSuffixList

from bazaarwatch.indicators.base import Accepted, Pattern
from bazaarwatch.indicators.contacts import XMPP_LABEL, is_xmpp_domain


@functools.cache
def _psl() -> PublicSuffixList:
    """The bundled list, parsed on first use: a fifth of a second that a command without
    a domain candidate does not pay."""
    return PublicSuffixList(only_icann=True)


#: Extensions of common file types that are also ICANN TLDs: ``name.ext`` with one of them
#: is a file name, not a domain (three or more labels are still domains).
FILE_EXTENSIONS = frozenset({
    "ai", "app", "cab", "inc", "md", "mobi", "mov", "pl", "pm", "ps", "pub", "py", "rs",
    "sh", "so", "zip",
})

#: Hosts reported by other families (telegram.py) rather than as domains.
_NOT_DOMAINS = frozenset({"t.me", "telegram.me", "telegram.dog"})

#: The Cyrillic blocks, written out (patterns' ``\w`` is ASCII only). Patterns take a
#: whole run of Cyrillic letters into a label, so that a name never starts in the middle of
#: a word; the validator then accepts the letters of Russian, Ukrainian and Belarusian only
#: (``_LABEL_CHARS``): look-alikes such as ``ѕ`` or ``һ`` reject the name.
_CYRILLIC = "\u0400-\u052f"
_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-"
                         "абвгдежзийклмнопрстуфхцчшщъыьэюяёєіїґў")


@functools.lru_cache(maxsize=65536)
def _registrable(domain: str) -> bool:
    """True when ``domain`` (lower case) has a known ICANN public suffix and a name before it."""
    labels = domain.split(".")
    for label in labels:
        if not 0 < len(label) <= 63 or label[0] == "-" or label[-1] == "-":
            return False
        if not _LABEL_CHARS.issuperset(label):
            return False
    if len(domain) > 253 or labels[-1].isdigit():
        return False
    name = _psl().privatesuffix(domain, accept_unknown=False)
    if name is None:
        return False
    # "г.москва" is an abbreviated word before a TLD-like word; registries of Cyrillic
    # names take two letters at least.
    return domain.isascii() or name.index(".") >= 2


# -- email -------------------------------------------------------------------------------


_LOCAL_PART = re.compile(r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*")


def validate_email(candidate: str) -> Accepted | None:
    local, _, domain = candidate.rpartition("@")
    if len(local) > 64 or _LOCAL_PART.fullmatch(local) is None:
        return None  # also an "xmpp:"/"jabber:" label taken into the match
    domain = domain.lower()
    if domain.endswith(".onion") or is_xmpp_domain(domain) or not _registrable(domain):
        return None
    return Accepted(normalized=f"{local}@{domain}")


# -- url ---------------------------------------------------------------------------------

_DEFAULT_PORTS = {"http": ":80", "https": ":443", "ftp": ":21"}


def _host_ok(host: str) -> bool:
    if host.startswith("["):
        return host.endswith("]") and len(host) > 2
    labels = host.split(".")
    if all(label.isdigit() for label in labels):
        return len(labels) == 4 and all(int(label) < 256 for label in labels)
    if len(labels) < 2 or not labels[-1].isalpha():
        return False
    return all(label and label.replace("-", "").replace("_", "").isalnum() for label in labels)


def validate_url(candidate: str) -> Accepted | None:
    scheme, _, rest = candidate.partition("://")
    scheme = scheme.lower()
    cut = len(rest)
    for sep in "/?#":
        i = rest.find(sep)
        if 0 <= i < cut:
            cut = i
    authority, tail = rest[:cut], rest[cut:]
    userinfo, at, hostport = authority.rpartition("@")
    if hostport.startswith("["):
        close = hostport.find("]")
        host, port = hostport[: close + 1], hostport[close + 1 :]
    else:
        host, colon, port = hostport.partition(":")
        port = colon + port
    if port and not (port[0] == ":" and port[1:].isdigit()):
        return None
    host = host.lower()
    if not _host_ok(host):
        return None
    if port == _DEFAULT_PORTS.get(scheme):
        port = ""
    if not tail or tail[0] != "/":
        tail = "/" + tail
    return Accepted(normalized=f"{scheme}://{userinfo}{at}{host}{port}{tail}")


# -- domain ------------------------------------------------------------------------------


def validate_domain(candidate: str) -> Accepted | None:
    if "@" in candidate or "://" in candidate:
        return None  # the domain of an e-mail address or a URL
    tld = candidate[candidate.rfind(".") + 1 :]
    if len(tld) > 1 and tld[0].isupper() and tld[1:].islower():
        return None  # "done.Today": a missing space, not a TLD
    domain = candidate.lower()
    if domain in _NOT_DOMAINS or domain.endswith(".onion"):
        return None
    tld = tld.lower()
    if tld in FILE_EXTENSIONS and domain.count(".") == 1:
        return None
    if not _registrable(domain):
        return None
    return Accepted(normalized=domain)


# -- patterns ----------------------------------------------------------------------------

_ALNUM = "A-Za-z0-9" + _CYRILLIC
# A host name, anchored at both ends without look-around. An ASCII first letter needs a
# word boundary before it; a Cyrillic one (no ASCII boundary) is the leftmost of its run
# anyway, as Python's leftmost match starts there. Labels are at most 63 characters, which
# also keeps a long run of letters without a dot from costing quadratic time. An ASCII TLD
# ends at a word boundary; a Cyrillic one takes every following letter, so "пример.рфы" is
# rejected as a whole.
_LABEL = "[" + _ALNUM + "-]{0,62}"
_HOST = (
    r"(?:\b[A-Za-z0-9]|[" + _CYRILLIC + "])" + _LABEL + r"\."
    r"(?:[" + _ALNUM + "]" + _LABEL + r"\.)*"
    r"(?:[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]\b|[" + _CYRILLIC + "]" + _LABEL + ")"
)
# A URL runs to white space, quotes, angle brackets and the like. Its last character may
# not be punctuation that ends a sentence or wraps it in markdown. Brackets inside it come
# in pairs (one level: "/wiki/Foo_(bar)", "http://[::1]/"); a bracket without its pair ends
# the URL ("[t](https://x.com)", "(see https://x.com)").
_URL_STOP = "\\s<>\"'`|\u00ab\u00bb\u201c\u201d"
_URL_CHAR = "[^" + _URL_STOP + "()\\[\\]]"
_URL_LAST = "[^" + _URL_STOP + "()\\[\\].,;:!?}*]"
_URL_PAIR = r"\(" + _URL_CHAR + r"*\)|\[" + _URL_CHAR + r"*\]"
_URL_BODY = (
    "(?:" + _URL_CHAR + "|" + _URL_PAIR + ")*(?:" + _URL_LAST + "|" + _URL_PAIR + ")"
)

PATTERNS: list[Pattern] = [
    Pattern(
        type="email",
        regex=r"(?:" + XMPP_LABEL + r")?\b[A-Za-z0-9._%+-]+@" + _HOST,
        validate=validate_email,
    ),
    Pattern(
        type="url",
        regex=(
            r"\b(?:[Hh][Tt][Tt][Pp][Ss]?|[Ff][Tt][Pp])://" + _URL_BODY
        ),
        validate=validate_url,
    ),
    Pattern(
        type="domain",
        regex=(
            r"(?:\b[A-Za-z0-9._%+-]+(?:@|://))?" + _HOST
        ),
        validate=validate_domain,
    ),
]
