"""Text strategies for the folding, extraction and classification properties."""

from __future__ import annotations

from hypothesis import strategies as st

#: Characters that folding treats specially, and those that break naive code.
SPECIAL = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\u202d", "\u2066",
    "\u2069", "\u061c", "\u200e", "\u200f", "\u0301", "\u0308", "\u20dd", "\u0345",
    "а", "е", "о", "р", "с", "х", "ѕ", "і", "ј", "ο", "α", "ν", "Ꭺ", "ꓐ",
    "ｆ", "Ａ", "１", "𝐀", "𝟗", "ﬁ", "ﬃ", "㎏", "⑩", "Ⅻ", "ß", "ẞ", "İ", "ı", "ǅ", "ﷺ", "𝔄",
    "ℌ", "™", "½", "\u3000", "\u00a0", "\u2028", "\u2029", "\x00", "\x1b", "\r", "\t", "\n",
    "[.]", "(.)", "[dot]", "(dot)", " dot ", "[@]", "(at)", "hxxp://", "hxxps://", "[:]//",
    "meow[.]onion", "@", ".", ":", "/", "+", "-", "0", "1", "4", "$", "€", "₿", "руб",
    "😀", "👨‍👩‍👧", "🇺🇸", "\U000e0041", "\U0010ffff", "\ud800", "\udfff", "\udbff\udc00",
]

characters = st.one_of(
    st.characters(),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogates
    st.characters(max_codepoint=0x7F),
    st.characters(categories=["Mn", "Me", "Cf", "Zs", "Cc"]),
)

spaced_word = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzабвгдеж0134"), min_size=2,
                      max_size=8).map(lambda w: " ".join(w))
leet_word = st.text(st.sampled_from("c4rd5 0f sh0p @$!|3"), min_size=1, max_size=10)

pieces = st.one_of(st.text(characters, max_size=12), st.sampled_from(SPECIAL), spaced_word,
                   leet_word)

#: Arbitrary text made of ordinary and hostile pieces (lone surrogates included).
hostile_text = st.lists(pieces, max_size=12).map("".join)


def _no_surrogates(text: str) -> str:
    return "".join(ch for ch in text if not 0xD800 <= ord(ch) <= 0xDFFF)


#: The same without lone surrogates: what a UTF-8 file can hold. Properties use it so that
#: the (separately tested) surrogate case does not hide every other finding.
clean_text = hostile_text.map(_no_surrogates)

#: Text that holds at least one lone surrogate, anywhere.
surrogate_text = st.tuples(clean_text, st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
                           clean_text).map("".join)
