"""E-mail addresses, URLs and bare domain names.

Types and rules:

* ``email``: ``local@domain``. The local part is the usual unquoted form (letters, digits,
  ``. _ % + -``; no leading, trailing or doubled dot; at most 64 characters). The domain
  must end in a real public suffix of the ICANN section of the Public Suffix List (the list
  bundled with ``publicsuffixlist``; no network) and have a registrable name before it, so
  ``x@example.local`` or ``x@host.example`` are not e-mails. Jabber IDs are not e-mails:
  addresses on XMPP-only hosts (``user@jabber.ru``, see ``contacts.is_xmpp_domain``) and
  addresses labelled ``xmpp:``/``jabber:``/``JID`` (the pattern takes the label into its
  match, then the validator rejects it) are left to ``contacts.py``.
  Normalized: the domain in lower case, the local part as written (it may be
  case-sensitive); a ``mailto:`` scheme is outside the match.
* ``url``: ``http``, ``https`` and ``ftp`` URLs with the scheme written out (the text's
  ``hxxp``/``[:]//`` defanging is already undone). A URL ends at white space, quotes,
  angle brackets, ``|`` and ``«»``; trailing punctuation that ends a sentence or wraps
  markdown (``. , ; : ! ? ) ] } * _ ~ '``) is left out, so ``(https://x.com).``,
  ``**https://x.com**`` and ``[t](https://x.com)`` give ``https://x.com``. A closing
  parenthesis that belongs to the URL (``.../Foo_(bar)``) is lost too: a known trade-off.
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

  Version numbers (``1.2.3``) and amounts have no alphabetic TLD and are never candidates.
  Normalized lower case. Internationalized names are found in their ``xn--`` form only.
"""

from __future__ import annotations

import functools
import re

from publicsuffixlist import PublicSuffixList

from bazaarwatch.indicators.base import Pattern, Verdict
from bazaarwatch.indicators.contacts import XMPP_LABEL, is_xmpp_domain

_PSL = PublicSuffixList(only_icann=True)

#: Extensions of common file types that are also ICANN TLDs: ``name.ext`` with one of them
#: is a file name, not a domain (three or more labels are still domains).
FILE_EXTENSIONS = frozenset({
    "ai", "app", "cab", "inc", "md", "mobi", "mov", "pl", "pm", "ps", "pub", "py", "rs",
    "sh", "so", "zip",
})

#: Hosts reported by other families (telegram.py) rather than as domains.
_NOT_DOMAINS = frozenset({"t.me", "telegram.me", "telegram.dog"})

_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


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
    return _PSL.privatesuffix(domain, accept_unknown=False) is not None


# -- email -------------------------------------------------------------------------------


_LOCAL_PART = re.compile(r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*")


def validate_email(candidate: str) -> Verdict | None:
    local, _, domain = candidate.rpartition("@")
    if len(local) > 64 or _LOCAL_PART.fullmatch(local) is None:
        return None  # also an "xmpp:"/"jabber:" label taken into the match
    domain = domain.lower()
    if domain.endswith(".onion") or is_xmpp_domain(domain) or not _registrable(domain):
        return None
    return Verdict(normalized=f"{local}@{domain}")


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


def validate_url(candidate: str) -> Verdict | None:
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
    return Verdict(normalized=f"{scheme}://{userinfo}{at}{host}{port}{tail}")


# -- domain ------------------------------------------------------------------------------


def validate_domain(candidate: str) -> Verdict | None:
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
    return Verdict(normalized=domain)


# -- patterns ----------------------------------------------------------------------------

_HOST = r"(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]"
_URL_CHARS = "^\\s<>\"'`|\u00ab\u00bb\u201c\u201d"
_URL_END = _URL_CHARS + ".,;:!?)\\]}*_~"

PATTERNS: list[Pattern] = [
    Pattern(
        type="email",
        regex=r"(?:" + XMPP_LABEL + r")?\b[A-Za-z0-9._%+-]+@" + _HOST + r"\b",
        validate=validate_email,
    ),
    Pattern(
        type="url",
        regex=(
            r"\b(?:[Hh][Tt][Tt][Pp][Ss]?|[Ff][Tt][Pp])://"
            "[" + _URL_CHARS + "]*[" + _URL_END + "]"
        ),
        validate=validate_url,
    ),
    Pattern(
        type="domain",
        regex=(
            r"(?:\b[A-Za-z0-9._%+-]+(?:@|://))?\b" + _HOST + r"\b"
        ),
        validate=validate_domain,
    ),
]
