"""The category taxonomy: ids (a contract with outside tools), descriptions, MISP tags.

Every output (classify JSONL, the report, STIX/MISP exports, the web UI) takes category
ids, names and tags from here, so there is one place to read and to change them.
The MISP tags come from MISP's ``dark-web`` taxonomy (``topic`` and ``motivation``
predicates); categories it has no topic for carry none, as DESIGN.md's table says.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    description: str
    misp_topics: tuple[str, ...] = ()
    misp_motivation: str | None = None

    @property
    def misp_tags(self) -> list[str]:
        tags = [f'dark-web:topic="{t}"' for t in self.misp_topics]
        if self.misp_motivation:
            tags.append(f'dark-web:motivation="{self.misp_motivation}"')
        return tags


CATEGORIES: tuple[Category, ...] = (
    Category("drugs", "Drugs",
             "narcotics, prescription drugs sold without prescription", ("drugs-narcotics",)),
    Category("weapons", "Weapons", "firearms, ammunition, explosives", ("weapons",)),
    Category("carding", "Carding",
             "stolen cards, CVV, dumps, carding services and methods", ("credit-card",)),
    Category("gift-cards", "Gift cards", "stolen or laundered gift cards", ("finance",)),
    Category("personal-data", "Personal data",
             "PII, fullz, leaked databases, lookups (SSN, DOB, phone, bank)",
             ("identification-credentials",)),
    Category("accounts", "Accounts",
             "stolen or resold accounts and logins, stealer logs, bank logs",
             ("identification-credentials",)),
    Category("fake-documents", "Fake documents",
             "passports, IDs, licences, diplomas, forged certificates",
             ("counteir-feit-materials",)),
    Category("counterfeit-goods", "Counterfeit goods",
             "replica watches, bags, clothes, electronics, counterfeit money",
             ("counteir-feit-materials",)),
    Category("pirated-content", "Pirated content",
             "cracked software, keys, pirated media and courses",
             ("softwares", "intellectual-property-copyright-materials")),
    Category("hacking", "Hacking",
             "DDoS-for-hire, malware, RATs, crypters, phishing kits, exploits, spam tools, "
             "bulletproof hosting", ("hacking",)),
    Category("game-cheats", "Game cheats",
             "cheats, aimbots, hacked game accounts, boosting", ("softwares",)),
    Category("fake-engagement", "Fake engagement",
             "bought followers, likes, views, SMM panels, bot accounts"),
    Category("medical-fraud", "Medical fraud",
             "fake Covid vaccines and certificates, fake medicines"),
    Category("money-laundering", "Money laundering",
             "cash-out, bank drops, money mules, mixers", ("cash-out", "mixer")),
    Category("scam", "Scam", "investment, crypto, job and prize scams aimed at readers",
             misp_motivation="scam"),
)

IDS: tuple[str, ...] = tuple(c.id for c in CATEGORIES)
BY_ID: dict[str, Category] = {c.id: c for c in CATEGORIES}

#: MISP tag for a message that offers goods or services for sale.
OFFER_TAG = 'dark-web:motivation="marketplace-for-sale"'


def category(category_id: str) -> Category:
    """The category with this id; ValueError names the known ids otherwise."""
    try:
        return BY_ID[category_id]
    except KeyError:
        raise ValueError(f"unknown category {category_id!r}; known: {', '.join(IDS)}") from None


def misp_tags(category_ids: list[str], *, offer: bool) -> list[str]:
    """The MISP tags for a verdict: each category's tags, then the offer tag if any."""
    tags = [t for cid in category_ids for t in category(cid).misp_tags]
    if offer:
        tags.append(OFFER_TAG)
    return list(dict.fromkeys(tags))
