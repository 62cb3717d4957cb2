"""The labelled seed corpus the shipped classifier is trained on.

``banks/`` holds hand-written phrase banks (fiction, written for this project), ``build``
composes them into labelled messages, and ``seed.jsonl`` is the committed output of
``build.build()`` that ``bazaarwatch train`` rebuilds the model from.
"""
