"""Fictional phone numbers that libphonenumber accepts as valid, and the ways ads write them.

Number ranges were chosen so that every number drawn from them is valid for
libphonenumber (checked by sampling against the Python `phonenumbers` package);
`check_valid` re-checks when that package is importable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# region -> (country code, trunk prefix, {"mobile"|"fixed": [(nsn prefixes, rest length, groups)]})
# `groups` splits the *national* form (trunk + NSN) the way people of that country group digits.
_D = "0123456789"
COUNTRIES: dict[str, tuple[str, str, dict[str, list[tuple[list[str], int, list[int]]]]]] = {
    "FR": ("33", "0", {
        "mobile": [(["60", "61", "62", "64", "65", "66", "67", "68", "73", "74", "75", "76", "77", "78"], 7, [2, 2, 2, 2, 2])],
        "fixed": [(["1"], 8, [2, 2, 2, 2, 2]), (["41", "42", "43", "44", "45", "46", "47", "48", "49"], 7, [2, 2, 2, 2, 2])],
    }),
    "BE": ("32", "0", {
        "mobile": [(["46", "47", "48", "49"], 7, [4, 2, 2, 2])],
        "fixed": [(["22", "23", "24", "25", "26", "27", "28"], 6, [2, 3, 2, 2])],
    }),
    "NL": ("31", "0", {
        "mobile": [(["61", "62", "63", "64", "65", "68"], 7, [2, 2, 2, 2, 2])],
        "fixed": [(["20", "10", "30"], 7, [3, 3, 4])],
    }),
    "DE": ("49", "0", {
        "mobile": [(["151", "152", "157", "159", "173", "174", "176", "177", "178", "179"], 8, [4, 4, 4]),
                   (["160", "162", "163", "170", "171", "172", "175"], 7, [4, 3, 4])],
        "fixed": [(["30", "40"], 8, [3, 4, 4]), (["221"], 7, [4, 3, 4]), (["89"], 7, [3, 3, 4])],
    }),
    "AT": ("43", "0", {
        "mobile": [(["664", "660", "676"], 7, [4, 3, 4])],
        "fixed": [],
    }),
    "IT": ("39", "", {
        "mobile": [(["32", "33", "34", "35", "36", "38", "39"], 8, [3, 3, 4])],
        "fixed": [(["02"], 8, [2, 4, 4])],
    }),
    "ES": ("34", "", {
        "mobile": [(["6"], 8, [3, 3, 3]), (["71", "72", "73", "74"], 7, [3, 3, 3])],
        "fixed": [(["91", "93"], 7, [2, 3, 2, 2])],
    }),
    "RO": ("40", "0", {
        "mobile": [(["72", "73", "74", "75", "76", "77"], 7, [4, 3, 3])],
        "fixed": [(["21", "31"], 7, [3, 3, 4])],
    }),
    "BG": ("359", "0", {
        "mobile": [(["87", "88", "89"], 7, [4, 3, 3])],
        "fixed": [(["2"], 7, [2, 3, 4])],
    }),
    "GB": ("44", "0", {
        "mobile": [(["740", "741", "742", "743", "744", "746", "747", "748", "749", "751", "753", "754",
                     "755", "756", "757", "758", "759", "771", "772", "773", "774", "775", "776", "777",
                     "780", "781", "784", "785", "786", "787", "788", "789", "790", "792", "794", "795",
                     "796", "797", "798", "799"], 7, [5, 6])],
        "fixed": [(["207", "203"], 7, [3, 4, 4])],
    }),
    "LU": ("352", "", {
        "mobile": [(["621", "661", "691"], 6, [3, 3, 3])],
        "fixed": [],
    }),
    "CH": ("41", "0", {
        "mobile": [(["75", "76", "77", "78", "79"], 7, [3, 3, 2, 2])],
        "fixed": [(["44"], 7, [3, 3, 2, 2])],
    }),
}

# Countries whose numbers people also write with a slash after the area code.
SLASH_REGIONS = {"DE", "AT", "CH"}


@dataclass(frozen=True)
class Phone:
    region: str
    cc: str
    trunk: str
    nsn: str
    groups: tuple[int, ...]
    line: str  # "mobile" | "fixed"

    @property
    def e164(self) -> str:
        return f"+{self.cc}{self.nsn}"

    @property
    def national(self) -> str:
        return self.trunk + self.nsn

    def national_groups(self) -> list[str]:
        out, i = [], 0
        s = self.national
        for g in self.groups:
            if i >= len(s):
                break
            out.append(s[i:i + g])
            i += g
        if i < len(s):
            out[-1] += s[i:]
        return out

    def intl_groups(self) -> list[str]:
        gs = self.national_groups()
        t = len(self.trunk)
        if t:
            gs[0] = gs[0][t:]
            if not gs[0]:
                gs = gs[1:]
        return gs


def make_phone(rng: random.Random, region: str, line: str = "mobile", tail: str | None = None) -> Phone:
    """Draw a number of `region`. `tail`, if given, fixes the last digits (example-like numbers)."""
    cc, trunk, ranges = COUNTRIES[region]
    choices = ranges[line] or ranges["mobile"]
    prefixes, rest, groups = rng.choice(choices)
    prefix = rng.choice(prefixes)
    if tail is not None:
        tail = tail[-rest:]
        body = "".join(rng.choice(_D) for _ in range(rest - len(tail))) + tail
    else:
        body = "".join(rng.choice(_D) for _ in range(rest))
    return Phone(region, cc, trunk, prefix + body, tuple(groups), line if ranges[line] else "mobile")


# ---------------------------------------------------------------- how ads write numbers

DIGIT_WORDS = {
    "fr": ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
    "nl": ["nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"],
    "de": ["null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"],
    "it": ["zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"],
    "es": ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"],
    "ro": ["zero", "unu", "doi", "trei", "patru", "cinci", "șase", "șapte", "opt", "nouă"],
    "bg": ["нула", "едно", "две", "три", "четири", "пет", "шест", "седем", "осем", "девет"],
}

PLAIN_NATIONAL = ["nat_compact", "nat_grouped", "nat_dots", "nat_dashes", "nat_slash"]
PLAIN_INTL = ["intl_compact", "intl_grouped", "intl_00", "intl_dashes"]
OBF_NATIONAL = ["spaced_digits", "mixed_separators", "o_for_0", "l_for_1", "fullwidth",
                "math_digits", "keycaps", "words", "mixed_words", "emoji_separators"]
OBF_INTL = ["trunk_in_parens", "spaced_digits", "mixed_separators", "o_for_0", "fullwidth",
            "math_digits", "keycaps"]


def _join_same(groups: list[str], sep: str) -> str:
    return sep.join(groups)


def _mixed(rng: random.Random, groups: list[str]) -> str:
    seps = [" ", ".", "-", "/", " - ", ". ", "  "]
    if len(groups) < 3:
        # Split a long group so that at least two different separators can appear.
        g = groups[-1]
        groups = groups[:-1] + [g[: len(g) // 2], g[len(g) // 2:]]
    while True:
        chosen = [rng.choice(seps) for _ in range(len(groups) - 1)]
        if len(set(chosen)) >= 2:
            break
    out = groups[0]
    for s, g in zip(chosen, groups[1:]):
        out += s + g
    return out


def _spaced(s: str) -> str:
    """Every digit apart, but a leading +CC stays whole ("+31 6 1 2 ...")."""
    head = ""
    if s.startswith("+"):
        head, s = s.split(" ", 1)
        head += " "
    return head + " ".join(c for c in s if c != " ")


def _map_digits(s: str, base: int) -> str:
    return "".join(chr(base + ord(c) - 48) if c.isdigit() else c for c in s)


def render(rng: random.Random, p: Phone, domestic: bool, lang: str, technique: str | None = None,
           obfuscated: bool | None = None) -> tuple[str, str, bool]:
    """Write `p` as an ad would. `domestic` means the reader's region is the number's region,
    so national formats are allowed (otherwise only international ones are unambiguous).
    Returns (text, technique, obfuscated)."""
    if technique is None:
        if obfuscated is None:
            obfuscated = False
        pool = (OBF_NATIONAL + OBF_INTL) if obfuscated else (PLAIN_NATIONAL + PLAIN_INTL)
        if not domestic:
            pool = OBF_INTL if obfuscated else PLAIN_INTL
        technique = rng.choice(pool)
    ng, ig = p.national_groups(), p.intl_groups()
    cc = p.cc
    intl_grouped = f"+{cc} " + " ".join(ig)
    t = technique
    if t == "nat_slash" and p.region not in SLASH_REGIONS:
        t = "nat_grouped"
    if t == "trunk_in_parens" and not p.trunk:
        t = "intl_dashes"
    if t in ("words", "mixed_words", "emoji_separators") and not domestic:
        t = "spaced_digits"
    base_national = domestic and rng.random() < 0.75
    base = " ".join(ng) if base_national else intl_grouped
    if t == "nat_compact":
        s = p.national
    elif t == "nat_grouped":
        s = " ".join(ng)
    elif t == "nat_dots":
        s = _join_same(ng, ".")
    elif t == "nat_dashes":
        s = _join_same(ng, "-")
    elif t == "nat_slash":
        s = ng[0] + "/" + "".join(ng[1:])
    elif t == "intl_compact":
        s = p.e164
    elif t == "intl_grouped":
        s = intl_grouped
    elif t == "intl_00":
        s = f"00{cc} " + " ".join(ig)
    elif t == "intl_dashes":
        s = f"+{cc}-" + "-".join(ig)
    elif t == "trunk_in_parens":
        s = f"+{cc} ({p.trunk})" + " ".join(ig)
        if rng.random() < 0.5:
            s = f"+{cc} ({p.trunk}) " + " ".join(ig)
    elif t == "spaced_digits":
        s = _spaced(base)
    elif t == "mixed_separators":
        if base_national:
            s = _mixed(rng, ng)
        else:
            s = f"+{cc} " + _mixed(rng, ig)
    elif t in ("o_for_0", "l_for_1"):
        digit, letters = ("0", ["O", "o", "O"]) if t == "o_for_0" else ("1", ["l", "I", "l"])
        src = base
        skip = len(cc) + 1 if src.startswith("+") else 0  # never touch the country code
        pos = [i for i, c in enumerate(src) if c == digit and i >= skip]
        if not pos and domestic:
            src = " ".join(ng)
            pos = [i for i, c in enumerate(src) if c == digit]
        if not pos:
            t, s = "spaced_digits", _spaced(base)
        else:
            chars = list(src)
            hit = [i for i in pos if rng.random() < 0.65] or [pos[0]]
            letter = rng.choice(letters)
            for i in hit:
                chars[i] = letter
            s = "".join(chars)
    elif t == "fullwidth":
        s = _map_digits(base, 0xFF10)
        if s.startswith("+") and rng.random() < 0.5:
            s = "＋" + s[1:]
    elif t == "math_digits":
        s = _map_digits(base, rng.choice([0x1D7CE, 0x1D7EC, 0x1D7F6]))  # bold, sans-serif bold, monospace
    elif t == "keycaps":
        vs = "\ufe0f" if rng.random() < 0.8 else ""
        sep = rng.choice(["", " ", ""])
        parts = []
        for g in (ng if base_national else ig):
            parts.append("".join(c + vs + "\u20e3" for c in g))
        s = sep.join(parts)
        if not base_national:
            s = f"+{cc} " + s
    elif t == "words":
        w = DIGIT_WORDS[lang]
        sep = rng.choice([" ", " ", "-", ", "])
        s = sep.join(w[int(c)] for c in p.national)
        if rng.random() < 0.3:
            s = s.upper() if lang != "bg" else s
    elif t == "mixed_words":
        w = DIGIT_WORDS[lang]
        parts = []
        word_idx = set(rng.sample(range(len(ng)), max(1, len(ng) // 2)))
        for i, g in enumerate(ng):
            parts.append(" ".join(w[int(c)] for c in g) if i in word_idx else g)
        s = " ".join(parts)
    elif t == "emoji_separators":
        e = rng.choice(["✨", "⭐", "🔸", "💫"])
        s = e.join(ng)
    else:
        raise ValueError(f"unknown technique {technique!r}")
    obf = t not in PLAIN_NATIONAL and t not in PLAIN_INTL
    return s, t, obf


def check_valid(phones: list[Phone]) -> list[str] | None:
    """E.164 strings that `phonenumbers` rejects, or None if the package is not importable."""
    try:
        import phonenumbers  # type: ignore
    except ImportError:
        return None
    bad = []
    for p in phones:
        n = phonenumbers.parse(p.e164)
        if not phonenumbers.is_valid_number(n) or phonenumbers.region_code_for_number(n) != p.region:
            bad.append(p.e164)
    return bad
