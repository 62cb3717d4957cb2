"""The data the folding steps ship with: Unicode tables and the homoglyph table."""

from __future__ import annotations

import unicodedata

import pytest

from bazaarwatch.text import _unicode_tables
from bazaarwatch.text.confusables import (
    ARMENIAN,
    CYRILLIC,
    FROM_LATIN,
    GREEK,
    LATIN,
    TO_LATIN,
    convert,
    script_of,
)
from bazaarwatch.text.nfkc import compute_tables, write_tables


@pytest.mark.skipif(unicodedata.unidata_version != _unicode_tables.UNIDATA_VERSION,
                    reason="the shipped table is for another Unicode version (recomputed)")
def test_shipped_unicode_tables_match_the_database() -> None:
    candidates, attaching = compute_tables()
    assert candidates == _unicode_tables.CANDIDATE_RANGES
    assert attaching == _unicode_tables.ATTACHING_RANGES


def test_write_tables_regenerates_the_shipped_file(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    target = write_tables(tmp_path / "tables.py")
    shipped = Path(_unicode_tables.__file__).read_text(encoding="utf-8")
    if unicodedata.unidata_version == _unicode_tables.UNIDATA_VERSION:
        assert target.read_text(encoding="utf-8") == shipped


def test_homoglyph_table_keeps_case_and_script() -> None:
    assert len(TO_LATIN) > 50
    for other, latin in TO_LATIN.items():
        assert script_of(latin) == LATIN
        assert script_of(other) in (CYRILLIC, GREEK, ARMENIAN)
        assert other.isupper() == latin.isupper(), unicodedata.name(other)
    for script, table in FROM_LATIN.items():
        for latin, other in table.items():
            assert script_of(other) == script
            assert TO_LATIN[other] == latin


def test_convert_between_scripts() -> None:
    cyrillic_o, greek_o = "\u043e", "\u03bf"
    assert convert(cyrillic_o, LATIN) == "o"
    assert convert("o", CYRILLIC) == cyrillic_o
    assert convert(greek_o, CYRILLIC) == cyrillic_o
    assert convert("\u0434", LATIN) is None          # Cyrillic de has no Latin twin
    assert convert("b", CYRILLIC) is None
    assert script_of("7") is None and script_of("\u4e2d") is None
