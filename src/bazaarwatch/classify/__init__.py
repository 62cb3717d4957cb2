"""Classification: which illicit categories a message belongs to, whether it is an offer,
and the evidence for both. ``taxonomy`` holds the category ids (a contract)."""
