"""Dates as people read them, for any value a case may hold.

A case stores the Unix seconds an export gave. A damaged or hostile export can give
10**15 or -10**12, which Python's ``datetime`` refuses (ValueError, OverflowError) and
SQLite's ``strftime`` turns into NULL; a read command must still show the case. Dates from
1970 to 9999 are shown as ISO text; any other value as the stored number after an ``@``
("@1000000000000000"), so the analyst sees what is there instead of an error.
"""

from __future__ import annotations

from datetime import UTC, datetime

#: The Unix seconds shown as a date: 1970-01-01 to 9999-12-31 23:59:59 UTC.
FIRST = 0
LAST = 253_402_300_799


def show_date(ts: int | None, fmt: str = "%Y-%m-%d %H:%M", *, missing: str = "") -> str:
    """``ts`` (Unix seconds, UTC) in ``fmt``; ``missing`` for None; "@ts" out of range."""
    if ts is None:
        return missing
    if not FIRST <= ts <= LAST:
        return f"@{ts}"
    return datetime.fromtimestamp(ts, UTC).strftime(fmt)
