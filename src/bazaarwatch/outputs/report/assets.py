"""The page's own script and style, inlined, and the Content-Security-Policy that admits
exactly that script.

The report must open offline (a USB stick on an air-gapped machine), so nothing is
fetched: report.js and report.css (written for this page, in this package) go inline.
The CSP allows the one script by its SHA-256 and nothing else: no other inline script, no
event-handler attribute, no eval, no remote load. Data for the script travels as
``<script type="application/json">``, which browsers never run; ``script_json`` escapes
``<``, ``>``, ``&`` and U+2028/9 so that no hostile string can close that element.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from importlib import resources
from typing import Any

import markupsafe


@functools.cache
def _read(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def script() -> markupsafe.Markup:
    """report.js, as the page's one inline script (our code, not data: never escaped)."""
    return markupsafe.Markup(_read("report.js"))


def style() -> markupsafe.Markup:
    return markupsafe.Markup(_read("report.css"))


def policy() -> str:
    """The CSP: inline style, data: images, and the one script by its hash."""
    digest = base64.b64encode(hashlib.sha256(_read("report.js").encode()).digest()).decode()
    return (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'")


_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                          "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_json(value: Any) -> markupsafe.Markup:
    """``value`` as JSON that is safe inside ``<script type="application/json">``: no
    ``</script>``, ``<!--`` or line separator can appear in it, and JSON.parse reads it
    back unchanged."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return markupsafe.Markup(text.translate(_ESCAPES))
