"""Make hostile message text inert where people read it: terminals and the HTML report.

Message text can carry ANSI escape sequences, carriage returns that overwrite earlier
output, and bidi overrides that reorder what an analyst sees ("Evil\\u202egpj.exe" shows
as "Evilexe.jpg"). Every such character is shown as a visible ``\\x..``/``\\u....``
escape instead of being interpreted. HTML escaping is separate (Jinja2 autoescape).
"""

from __future__ import annotations

import unicodedata

_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def safe(text: str | None, *, keep_newlines: bool = False) -> str:
    if not text:
        return ""
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif code in _BIDI or unicodedata.category(ch) in ("Cc", "Cs"):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)
