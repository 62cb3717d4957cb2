"""Shared by the indicator family tests: run a family's patterns the way the engine does
(``re`` with the engine's flags, the validator on the whole match, the value from group
``v`` when the pattern has one), and read the example export's ground truth."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from bazaarwatch.indicators.base import Pattern
from bazaarwatch.indicators.engine import compile_pattern

EXAMPLES = Path(__file__).parents[2] / "examples"


class Found(NamedTuple):
    type: str
    value: str
    normalized: str
    checked: bool


@cache
def _compiled(pattern: Pattern) -> re.Pattern[str]:
    return compile_pattern(pattern)


def matches(patterns: Sequence[Pattern], text: str) -> list[Found]:
    """Every validated match of ``patterns`` in ``text``, in text order."""
    found: list[tuple[int, Found]] = []
    for pattern in patterns:
        for m in _compiled(pattern).finditer(text):
            verdict = pattern.validate(m.group())
            if verdict is not None:
                group = "v" if "v" in m.re.groupindex else 0
                found.append((m.start(group), Found(verdict.type or pattern.type,
                                                    m.group(group), verdict.normalized,
                                                    verdict.checked)))
    return [f for _, f in sorted(found, key=lambda pair: pair[0])]


def example() -> dict[str, Any]:
    """The example export's ground truth (examples/expected_indicators.json)."""
    data: dict[str, Any] = json.loads(
        (EXAMPLES / "expected_indicators.json").read_text(encoding="utf-8"))
    return data


def example_messages() -> dict[tuple[int, int], str]:
    """The example export's message texts by (chat id, message id)."""
    export = json.loads((EXAMPLES / "telegram_export" / "result.json").read_text("utf-8"))
    out: dict[tuple[int, int], str] = {}
    for section in ("chats", "left_chats"):
        for chat in export.get(section, {}).get("list", []):
            for message in chat["messages"]:
                text = message.get("text", "")
                if isinstance(text, list):
                    text = "".join(p if isinstance(p, str) else p["text"] for p in text)
                out[(chat["id"], message["id"])] = text
    return out
