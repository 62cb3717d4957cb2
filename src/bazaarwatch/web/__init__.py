"""The analyst's workbench: ``bazaarwatch serve`` (FastAPI, Jinja2 pages, vendored htmx).

``app.create_app`` builds it; ``security`` guards every request; ``cases`` gives each
request its own connection to the case; ``api`` is the JSON API under ``/api/v1``;
``pages`` the HTML pages; ``render`` escapes and masks everything they print.
"""
