"""``python -m bazaarwatch``: the same as the ``bazaarwatch`` command."""

from bazaarwatch.cli import main

main()
