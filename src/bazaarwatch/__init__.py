"""bazaarwatch: find, classify and map illicit marketplaces inside messaging-app data."""

__version__ = "0.1.0"
