"""Readers: one module per input format, each turning a file into ``Message`` records.

Every reader, built-in or from a plugin, registers in ``registry`` under its name; the
format of an input is detected, or forced by the caller (``--format``).
"""

from bazaarwatch.sources.registry import Reader, detect, get_reader, readers, register

__all__ = ["Reader", "detect", "get_reader", "readers", "register"]
