"""Time and peak memory of the market map (``bazaarwatch analyse``) on a generated case.

The case is written straight into the store (``Case.write``) with each message's
indicators and verdict already set by the generator, so building it takes a minute, not
the hour an ingest with classification would; what is measured is the analysis alone,
in a fresh process (``bazaarwatch analyse --db``), with its peak RSS (``VmHWM``) and that
of the second process a large case is analysed with.

What the generated market holds (deterministic for a seed), in ``--chats`` chats:
- franchises: groups of shop channels that post one template under their own shop names,
  bots, cities, prices and wallets (the Televend pattern), some sharing an operator wallet;
- marketplace groups where senders post free-form offers built from phrase banks (many
  distinct texts), the same sender in up to three groups;
- benign chats: long news posts (Russian and English, ~900 characters) and short chatter;
- a category that appears late and jumps (``medical-fraud``), for the spike detector.

    python benchmarks/intel.py --messages 250000 500000 1000000 --workdir /tmp/bw-intel --keep
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bazaarwatch.model import Chat, Indicator, Message, Verdict
from bazaarwatch.store.sqlite import Case

CITIES = ["Berlin", "Warszawa", "Praha", "Wien", "Москва", "Київ", "Riga", "Vilnius",
          "Madrid", "Lisboa", "Amsterdam", "Rotterdam", "Hamburg", "München", "Paris"]
PRODUCTS = {
    "drugs": ["Kush", "Amnesia Haze", "MDMA crystals", "Cocaine 90%", "Mephedrone", "XTC pills",
              "Hash Marocco", "LSD blotter", "Ketamine"],
    "carding": ["fresh CVV US", "dumps 101 track2", "fullz with SSN", "CC EU high balance"],
    "gift-cards": ["Amazon gift card", "Steam wallet code", "Apple gift card"],
    "accounts": ["Netflix premium account", "Spotify family", "ChatGPT Plus account"],
    "fake-documents": ["EU passport scan", "UK driving licence", "паспорт РФ скан"],
    "hacking": ["stealer logs", "DDoS panel 1 hour", "FUD crypter", "RDP access"],
    "medical-fraud": ["covid vaccine certificate", "vaccination pass EU", "Pfizer card"],
}
TEMPLATES = [
    "Welcome to {shop}! 🏙 Choose your city: {city}.\n💎 {product} {qty}g — {price}€\n"
    "🚚 Stealth delivery, dead drops 24/7. Pay with BTC: {wallet}\nOrder in the bot {bot}",
    "🔥 {shop} 🔥 Магазин работает! Город {city}. {product} {qty} г — {price}€. "
    "Оплата BTC {wallet}. Заказ через бота {bot}. Отзывы {handle}",
    "⭐ {shop} — best prices in {city}! {product} x{qty} only {price}$ 💰 "
    "We accept bitcoin {wallet} ✅ Write {handle} or use {bot}",
]
OPENERS = ["Selling", "WTS", "Have in stock", "Продаю", "В наличии", "Fresh batch:", "Offer:",
           "Restock!", "Cheap", "Best quality"]
CLOSERS = ["DM me", "PM for details", "escrow accepted", "пиши в лс", "гарант чата", "fast",
           "bulk discounts", "reviews in bio", "no refunds", "worldwide"]
NEWS = [
    "Городской совет обсудил план реконструкции набережной и новые велодорожки. ",
    "The regional transport authority announced new timetables for the spring season. ",
    "Синоптики обещают потепление до +12 градусов и кратковременные дожди в выходные. ",
    "Local schools will host an open day next Saturday, with tours and workshops. ",
    "Министерство здравоохранения напомнило о сезонной вакцинации от гриппа. ",
]
CHATTER = ["hi all", "ок, завтра в 7?", "thanks!", "who is coming tonight?", "😂😂",
           "кто идёт на концерт?", "sent the photos", "good morning"]
WEEK = 7 * 86400
START = 1_640_995_200  # 2022-01-01
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def wallet(rng: random.Random) -> str:
    return "1" + "".join(rng.choice(B58) for _ in range(33))


def generate(n: int, chats: int, seed: int) -> Iterator[Message]:
    """``n`` messages spread over ``chats`` chats and 104 weeks, in chat order."""
    rng = random.Random(seed)
    kinds = (["franchise"] * (chats * 3 // 10) + ["group"] * (chats // 5)
             + ["shop"] * (chats // 10))
    kinds += ["news"] * ((chats - len(kinds)) // 2)
    kinds += ["chatter"] * (chats - len(kinds))
    franchises = max(1, chats // 50)
    operator = [wallet(rng) for _ in range(franchises)]
    senders = [f"user{7_000_000_000 + i}" for i in range(max(50, n // 200))]
    per_chat = n // chats
    for c, kind in enumerate(kinds):
        chat_id = str(1_500_000_000 + c)
        shop = f"Shop{c:03d}"
        chat = Chat(id=chat_id, name=f"{shop} {kind}" if kind != "news" else f"News {c}",
                    type="public_channel" if kind in ("franchise", "shop", "news")
                    else "private_supergroup")
        franchise = c % franchises
        own = [wallet(rng) for _ in range(2)] + ([operator[franchise]] if c % 3 == 0 else [])
        bot, handle = f"@{shop.lower()}_bot", f"@{shop.lower()}_support"
        category = rng.choice(list(PRODUCTS))
        count = per_chat + (n - per_chat * chats if c == len(kinds) - 1 else 0)
        for i in range(count):
            date = START + rng.randrange(104 * WEEK)
            sender = f"channel{chat_id}" if chat.type == "public_channel" else rng.choice(
                senders[(c * 37) % len(senders):][:60] or senders)
            if kind == "franchise":
                cat = category
                text = TEMPLATES[franchise % len(TEMPLATES)].format(
                    shop=shop, city=rng.choice(CITIES), product=rng.choice(PRODUCTS[cat]),
                    qty=rng.choice([1, 2, 5, 10]), price=rng.randrange(20, 400),
                    wallet=rng.choice(own), bot=bot, handle=handle)
            elif kind in ("group", "shop"):
                cat = "medical-fraud" if date > START + 80 * WEEK and rng.random() < 0.5 \
                    else rng.choice(list(PRODUCTS))
                text = (f"{rng.choice(OPENERS)} {rng.choice(PRODUCTS[cat])} "
                        f"{rng.randrange(1, 500)}$ {rng.choice(CLOSERS)} "
                        f"{rng.choice([handle, '', bot])} "
                        + (f"BTC {rng.choice(own)}" if rng.random() < 0.3 else ""))
            elif kind == "news":
                cat = ""
                text = "".join(rng.choice(NEWS) for _ in range(10))
            else:
                cat = ""
                text = rng.choice(CHATTER)
            yield _message(chat, 1 + i, date, sender, text, cat)


_FOUND = re.compile(r"@\w+|\b1[1-9A-HJ-NP-Za-km-z]{33}\b")


def _message(chat: Chat, ident: int, date: int, sender: str, text: str,
             category: str) -> Message:
    indicators = []
    for m in _FOUND.finditer(text):
        value = m.group()
        kind = ("telegram_bot" if value.lower().endswith("bot") else "telegram") \
            if value.startswith("@") else "btc"
        indicators.append(Indicator(type=kind, value=value, start=m.start(), end=m.end(),
                                    normalized=value.lower() if kind != "btc" else value))
    scores = {category: 0.9} if category else {}
    verdict = Verdict(categories=[category] if category else [], scores=scores,
                      offer=bool(category))
    return Message(chat=chat, id=ident, date=date, text=text, sender_id=sender,
                   sender_name=sender, indicators=indicators, verdict=verdict)


def build(path: Path, n: int, chats: int, seed: int) -> float:
    """Write the generated case to ``path``; seconds taken."""
    started = time.perf_counter()
    with Case(path) as case:
        digest = hashlib.sha256(f"{n}/{chats}/{seed}".encode()).hexdigest()
        source = case.start_source(path="generated", sha256=digest, size=0, reader="benchmark",
                                   reader_version="1")
        batch: list[Message] = []
        for message in generate(n, chats, seed):
            batch.append(message)
            if len(batch) == 5000:
                case.write(batch, source_id=source)
                batch.clear()
        case.write(batch, source_id=source)
        case.finish_source(source, status="done")
    return time.perf_counter() - started


# The child prints its own peak RSS and its worker's (the second process of a parallel
# analysis) as the last line of stderr.
_CHILD = """
import atexit, re, resource, sys
def peak():
    status = open("/proc/self/status").read()
    own = re.search(r"VmHWM:\\s+(\\d+)", status).group(1)
    print(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
atexit.register(peak)
from bazaarwatch.cli import main
sys.argv = ["bazaarwatch", "analyse", "--db", sys.argv[1], "--json"]
main()
"""


def analyse(db: Path) -> tuple[float, int, int, str]:
    """Seconds, peak RSS of the process and of its worker (KiB), and the JSON counts of one
    ``analyse`` in a fresh process."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, str(db)], capture_output=True,
                          text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"analyse failed ({done.returncode}): {done.stderr[-2000:]}")
    own, worker = done.stderr.strip().splitlines()[-1].split()
    return seconds, int(own), int(worker), " ".join(done.stdout.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true",
                        help="keep the cases; a kept case of the same size is reused")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bw-intel-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"{'messages':>10} {'build s':>8} {'analyse s':>10} {'µs/msg':>7} {'peak MiB':>9} "
          f"{'worker MiB':>10}  found")
    try:
        for n in args.messages:
            db = workdir / f"intel-{n}-{args.chats}-{args.seed}.db"
            built = 0.0
            if not (args.keep and db.exists()):
                db.unlink(missing_ok=True)
                built = build(db, n, args.chats, args.seed)
            seconds, peak, worker, found = analyse(db)
            print(f"{n:>10,} {built:8.1f} {seconds:10.1f} {seconds / n * 1e6:7.1f} "
                  f"{peak / 1024:9.0f} {worker / 1024:10.0f}  {found}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
