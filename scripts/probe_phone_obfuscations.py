#!/usr/bin/env python3
"""Probe cairn's phone finder with obfuscated phone numbers written the way people write them in ads.

    .venv/bin/python scripts/probe_phone_obfuscations.py --cairn BINARY [--seed N]
        [--per-style N] [--styles a,b,...] [--workdir DIR] [--show]

An independent probe: the renderings below are written from scratch from knowledge of how the
numbers are spelled and written in each language, not taken from the finder or its corpus
generator.

1. Generates valid numbers with Python phonenumbers for FR BE NL DE IT ES RO BG GB AT PL PT LU CH
   IE (mostly mobile, some fixed line): a realistic leading prefix, random remaining digits, kept
   only when `phonenumbers.is_valid_number` accepts the number and its type is the one asked for.
2. Renders each number in one obfuscation style (see STYLES / --help): numbers as words in the
   region's language (digit by digit, or as two-digit groups "zéro six, douze, trente-quatre"),
   digits mixed with words, letter O for 0 and l/I for 1, fullwidth, mathematical and other
   Unicode digits, keycap emoji, odd separators and emoji between groups, "+33 (0)6", "0033",
   line breaks, zero-width characters, soft hyphens... and puts it in a short ad sentence in the
   language of the region, with distractors (a price, an age, opening hours) that never touch it.
   A "negative" style has ads with numbers (and numbers in words) but no phone number.
3. Writes the records to WORKDIR/probe.jsonl (one record a text, region = the number's region),
   runs `cairn scan --format jsonl --no-store --quiet`, and scores every record:
   found  = a phone finding whose value is the true E.164 and whose span overlaps the number,
   missed = no such finding,
   false  = each phone finding with any other value.
   Prints tables per style, per language, and recall per style and language; with --show, every
   miss and false positive with its text (invisible characters shown as <U+XXXX>).
   Copies of the input, cairn's output and a JSON Lines file of the failures are kept per seed
   (probe-seedN.jsonl, probe-seedN.out.jsonl, failures-seedN.jsonl). All data is synthetic.

Exit status 0 when the probe ran (whatever the scores), 2 when cairn failed.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import shutil
import subprocess
import sys
import unicodedata

import phonenumbers
from phonenumbers import PhoneNumberFormat as PNF
from phonenumbers import PhoneNumberType as PNT

REGIONS = ["FR", "BE", "NL", "DE", "IT", "ES", "RO", "BG", "GB", "AT", "PL", "PT", "LU", "CH", "IE"]
# Languages in which ads of a region are written (first = most common).
REGION_LANGS = {
    "FR": ["fr"], "BE": ["fr", "nl"], "NL": ["nl"], "DE": ["de"], "AT": ["de"], "CH": ["de", "fr", "it"],
    "LU": ["fr", "de"], "IT": ["it"], "ES": ["es"], "RO": ["ro"], "BG": ["bg"], "GB": ["en"], "IE": ["en"],
    "PL": ["pl"], "PT": ["pt"],
}
WORD_LANGS = {"fr", "en", "nl", "de", "it", "es", "ro", "bg"}

# Realistic leading digits of national significant numbers.
MOBILE_PREFIXES = {
    "FR": ["6", "7"], "BE": ["46", "47", "48", "49"], "NL": ["6"],
    "DE": ["151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173", "174", "175",
           "176", "177", "178", "179"],
    "IT": ["32", "33", "34", "35", "36", "37", "38", "39"], "ES": ["6", "7"],
    "RO": ["72", "73", "74", "75", "76", "77", "78"], "BG": ["87", "88", "89", "98"], "GB": ["7"],
    "AT": ["650", "660", "664", "676", "680", "681", "688", "699"], "PL": ["5", "6", "7", "88"],
    "PT": ["91", "92", "93", "96"], "LU": ["621", "628", "661", "671", "691"],
    "CH": ["75", "76", "77", "78", "79"], "IE": ["83", "85", "86", "87", "89"],
}
FIXED_PREFIXES = {
    "FR": ["1", "2", "3", "4", "5", "9"], "BE": ["2", "3", "9", "4", "50", "71"],
    "NL": ["10", "20", "30", "70", "40"], "DE": ["30", "40", "89", "69", "221", "211", "711"],
    "IT": ["02", "06", "011", "055", "081", "051"], "ES": ["91", "93", "95", "96", "98"],
    "RO": ["21", "31", "264", "256", "232"], "BG": ["2", "32", "52", "56"],
    "GB": ["20", "121", "131", "161", "113", "117"], "AT": ["1", "316", "512", "662", "732"],
    "PL": ["12", "22", "58", "61", "71"], "PT": ["21", "22", "23", "25"], "LU": ["2", "4"],
    "CH": ["21", "22", "31", "44", "61"], "IE": ["1", "21", "61", "91"],
}


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------

def gen_number(region: str, mobile: bool, rng: random.Random):
    """A random valid number of `region`, of type mobile (or fixed line), or None."""
    md = phonenumbers.PhoneMetadata.metadata_for_region(region)
    desc = md.mobile if mobile else md.fixed_line
    ex = phonenumbers.example_number_for_type(region, PNT.MOBILE if mobile else PNT.FIXED_LINE)
    ex_nsn = phonenumbers.national_significant_number(ex)
    ok_types = {PNT.MOBILE, PNT.FIXED_LINE_OR_MOBILE} if mobile else {PNT.FIXED_LINE, PNT.FIXED_LINE_OR_MOBILE}
    prefixes = (MOBILE_PREFIXES if mobile else FIXED_PREFIXES)[region]
    lengths = [n for n in desc.possible_length if abs(n - len(ex_nsn)) <= 1] or [len(ex_nsn)]
    cc = md.country_code
    for attempt in range(3000):
        if attempt < 2000:
            length = len(ex_nsn) if rng.random() < 0.7 else rng.choice(lengths)
            pre = rng.choice(prefixes)
        else:  # fall back on the example number's leading digits
            length = len(ex_nsn)
            pre = ex_nsn[: rng.randint(1, 3)]
        if length <= len(pre):
            continue
        nsn = pre + "".join(rng.choice("0123456789") for _ in range(length - len(pre)))
        try:
            num = phonenumbers.parse(f"+{cc}{nsn}", None)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.region_code_for_number(num) != region:
            continue
        if not phonenumbers.is_valid_number(num) or phonenumbers.number_type(num) not in ok_types:
            continue
        national = phonenumbers.format_number(num, PNF.NATIONAL)
        digits = "".join(re.findall(r"\d", national))
        try:  # the digits, as a person of the region writes them, must mean the same number
            back = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if back.country_code != num.country_code or back.national_number != num.national_number:
            continue
        return num
    return None


class Num:
    def __init__(self, num, region):
        self.num = num
        self.region = region
        self.e164 = phonenumbers.format_number(num, PNF.E164)
        self.national = phonenumbers.format_number(num, PNF.NATIONAL)
        self.intl = phonenumbers.format_number(num, PNF.INTERNATIONAL)
        self.groups = re.findall(r"\d+", self.national)           # national groups, trunk 0 included
        self.digits = "".join(self.groups)
        ig = re.findall(r"\d+", self.intl)
        self.cc = ig[0]
        self.igroups = ig[1:]                                     # international groups after the cc
        self.trunk0 = (phonenumbers.PhoneMetadata.metadata_for_region(region).national_prefix == "0"
                       and self.digits.startswith("0"))


# --------------------------------------------------------------------------------------------
# Numbers as words, per language. `v` is the per-text variant (spelling choices stay consistent
# inside one text, as a person writes).
# --------------------------------------------------------------------------------------------

def strip_accents(s: str, keep: str = "") -> str:
    out = []
    for ch in s:
        if ch in keep:
            out.append(ch)
            continue
        d = unicodedata.normalize("NFD", ch)
        out.append("".join(c for c in d if not unicodedata.combining(c)))
    return "".join(out)


FR_UNITS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"]
FR_TEENS = ["dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf"]
FR_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante",
           7: "septante", 8: "huitante", 9: "nonante"}

EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
EN_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
            "nineteen"]
EN_TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}

NL_UNITS = ["nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"]
NL_TEENS = ["tien", "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien",
            "negentien"]
NL_TENS = {2: "twintig", 3: "dertig", 4: "veertig", 5: "vijftig", 6: "zestig", 7: "zeventig", 8: "tachtig",
           9: "negentig"}

DE_UNITS = ["null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"]
DE_TEENS = ["zehn", "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn", "achtzehn",
            "neunzehn"]
DE_TENS = {2: "zwanzig", 3: "dreißig", 4: "vierzig", 5: "fünfzig", 6: "sechzig", 7: "siebzig", 8: "achtzig",
           9: "neunzig"}

IT_UNITS = ["zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"]
IT_TEENS = ["dieci", "undici", "dodici", "tredici", "quattordici", "quindici", "sedici", "diciassette",
            "diciotto", "diciannove"]
IT_TENS = {2: "venti", 3: "trenta", 4: "quaranta", 5: "cinquanta", 6: "sessanta", 7: "settanta", 8: "ottanta",
           9: "novanta"}

ES_UNITS = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"]
ES_TEENS = ["diez", "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho",
            "diecinueve"]
ES_20S = ["veinte", "veintiuno", "veintidós", "veintitrés", "veinticuatro", "veinticinco", "veintiséis",
          "veintisiete", "veintiocho", "veintinueve"]
ES_TENS = {3: "treinta", 4: "cuarenta", 5: "cincuenta", 6: "sesenta", 7: "setenta", 8: "ochenta", 9: "noventa"}

RO_UNITS = ["zero", "unu", "doi", "trei", "patru", "cinci", "șase", "șapte", "opt", "nouă"]
RO_TEENS = ["zece", "unsprezece", "doisprezece", "treisprezece", "paisprezece", "cincisprezece", "șaisprezece",
            "șaptesprezece", "optsprezece", "nouăsprezece"]
RO_TEENS_COLLOQ = ["zece", "unșpe", "doișpe", "treișpe", "paișpe", "cinșpe", "șaișpe", "șapteșpe", "optișpe",
                   "nouășpe"]
RO_TENS = {2: "douăzeci", 3: "treizeci", 4: "patruzeci", 5: "cincizeci", 6: "șaizeci", 7: "șaptezeci",
           8: "optzeci", 9: "nouăzeci"}

BG_UNITS = ["нула", "едно", "две", "три", "четири", "пет", "шест", "седем", "осем", "девет"]
BG_TEENS = ["десет", "единадесет", "дванадесет", "тринадесет", "четиринадесет", "петнадесет", "шестнадесет",
            "седемнадесет", "осемнадесет", "деветнадесет"]
BG_TEENS_COLLOQ = ["десет", "единайсет", "дванайсет", "тринайсет", "четиринайсет", "петнайсет", "шестнайсет",
                   "седемнайсет", "осемнайсет", "деветнайсет"]
BG_TENS = {2: "двадесет", 3: "тридесет", 4: "четиридесет", 5: "петдесет", 6: "шестдесет", 7: "седемдесет",
           8: "осемдесет", 9: "деветдесет"}
BG_TENS_COLLOQ = {**BG_TENS, 2: "двайсет", 3: "трийсет", 4: "четирийсет"}


def word_variant(lang: str, region: str, rng: random.Random) -> dict:
    """Spelling choices of one writer."""
    r = rng.random
    v = {"lang": lang, "case": rng.choices(["lower", "upper", "title"], [70, 15, 15])[0]}
    if lang == "fr":
        belgian_swiss = region in ("BE", "CH")  # septante, nonante (Swiss: huitante too)
        v.update(accents=r() < 0.7, spaces=r() < 0.3, reform=r() < 0.2, vingts=r() < 0.8,
                 septante=belgian_swiss, huitante=(region == "CH" and r() < 0.5))
    elif lang == "en":
        v.update(zero=rng.choice(["oh", "zero"]) if region in ("GB", "IE") else "zero", hyphen=r() < 0.5)
    elif lang == "nl":
        v.update(een_accent=r() < 0.4, trema=r() < 0.75, spaced=r() < 0.1)
    elif lang == "de":
        v.update(zwo=r() < 0.3, ss=(region == "CH") or r() < 0.25, umlaut_e=r() < 0.1, spaced=r() < 0.1)
    elif lang == "it":
        v.update(tre=rng.choices(["tré", "tre", "trè"], [50, 35, 15])[0])
    elif lang == "es":
        v.update(accents=r() < 0.7)
    elif lang == "ro":
        v.update(diacritics=rng.choices(["comma", "cedilla", "none"], [45, 25, 30])[0], colloq=r() < 0.15)
    elif lang == "bg":
        v.update(colloq=r() < 0.3)
    return v


def _finish(w: str, v: dict) -> str:
    lang = v["lang"]
    if lang == "fr":
        if v["spaces"]:
            w = w.replace("-", " ")
        if not v["accents"]:
            w = strip_accents(w)
    elif lang == "de":
        if v["ss"]:
            w = w.replace("ß", "ss")
        if v["umlaut_e"]:
            w = w.replace("ü", "ue").replace("ö", "oe")
    elif lang == "es":
        if not v["accents"]:
            w = strip_accents(w)
    elif lang == "ro":
        if v["diacritics"] == "cedilla":
            w = w.replace("ș", "ş").replace("ț", "ţ")
        elif v["diacritics"] == "none":
            w = strip_accents(w)
    return w


def digit_word(d: int, v: dict) -> str:
    lang = v["lang"]
    if lang == "fr":
        w = FR_UNITS[d]
    elif lang == "en":
        w = v["zero"] if d == 0 else EN_UNITS[d]
    elif lang == "nl":
        w = "één" if (d == 1 and v["een_accent"]) else NL_UNITS[d]
    elif lang == "de":
        w = "zwo" if (d == 2 and v["zwo"]) else DE_UNITS[d]
    elif lang == "it":
        w = IT_UNITS[d]
    elif lang == "es":
        w = ES_UNITS[d]
    elif lang == "ro":
        w = RO_UNITS[d]
    else:
        w = BG_UNITS[d]
    return _finish(w, v)


def number_word(n: int, v: dict) -> str:
    """10..99 in words (0..9 go through digit_word)."""
    assert 10 <= n <= 99
    lang = v["lang"]
    t, u = divmod(n, 10)
    if lang == "fr":
        if n < 20:
            w = FR_TEENS[u]
        elif t <= 6 or (t == 7 and v["septante"]) or (t == 8 and v["huitante"]) or (t == 9 and v["septante"]):
            base = FR_TENS[t]
            w = base if u == 0 else base + ("-et-un" if v["reform"] else " et un") if u == 1 else base + "-" + FR_UNITS[u]
        elif t == 7:
            w = "soixante" + ("-et-onze" if v["reform"] else " et onze") if u == 1 else "soixante-" + FR_TEENS[u]
        elif t == 8:
            w = ("quatre-vingts" if v["vingts"] else "quatre-vingt") if u == 0 else "quatre-vingt-" + FR_UNITS[u]
        else:
            w = "quatre-vingt-" + FR_TEENS[u]
    elif lang == "en":
        if n < 20:
            w = EN_TEENS[u]
        else:
            w = EN_TENS[t] if u == 0 else EN_TENS[t] + ("-" if v["hyphen"] else " ") + EN_UNITS[u]
    elif lang == "nl":
        if n < 20:
            w = NL_TEENS[u]
        elif u == 0:
            w = NL_TENS[t]
        else:
            unit = NL_UNITS[u]
            if v["spaced"]:
                w = f"{unit} en {NL_TENS[t]}"
            else:
                joiner = "ën" if (unit.endswith("e") and v["trema"]) else "en"
                w = unit + joiner + NL_TENS[t]
    elif lang == "de":
        if n < 20:
            w = DE_TEENS[u]
        elif u == 0:
            w = DE_TENS[t]
        else:
            unit = "ein" if u == 1 else DE_UNITS[u]
            w = f"{unit} und {DE_TENS[t]}" if v["spaced"] else unit + "und" + DE_TENS[t]
    elif lang == "it":
        if n < 20:
            w = IT_TEENS[u]
        elif u == 0:
            w = IT_TENS[t]
        elif u in (1, 8):
            w = IT_TENS[t][:-1] + IT_UNITS[u]
        elif u == 3:
            w = IT_TENS[t] + v["tre"]
        else:
            w = IT_TENS[t] + IT_UNITS[u]
    elif lang == "es":
        if n < 20:
            w = ES_TEENS[u]
        elif t == 2:
            w = ES_20S[u]
        else:
            w = ES_TENS[t] if u == 0 else f"{ES_TENS[t]} y {ES_UNITS[u]}"
    elif lang == "ro":
        if n < 20:
            w = (RO_TEENS_COLLOQ if v["colloq"] else RO_TEENS)[u]
        else:
            w = RO_TENS[t] if u == 0 else f"{RO_TENS[t]} și {RO_UNITS[u]}"
    else:
        teens = BG_TEENS_COLLOQ if v["colloq"] else BG_TEENS
        tens = BG_TENS_COLLOQ if v["colloq"] else BG_TENS
        if n < 20:
            w = teens[u]
        else:
            w = tens[t] if u == 0 else f"{tens[t]} и {BG_UNITS[u]}"
    return _finish(w, v)


def apply_case(s: str, v: dict) -> str:
    if v["case"] == "upper":
        return s.upper()
    if v["case"] == "title":
        return s[:1].upper() + s[1:]
    return s


def read_tokens(n: Num, rng: random.Random) -> list[tuple[str, str]]:
    """How a person reads the number: [(digits, 'd'|'p')], 'd' = one digit, 'p' = a two-digit group.

    The first national group (trunk 0 and area/mobile prefix) digit by digit (or its last two
    digits as a pair, as Belgians say "zéro quatre septante"); the rest in pairs, a leading odd
    digit alone."""
    g0 = n.groups[0]
    rest = "".join(n.groups[1:])
    toks: list[tuple[str, str]] = []
    if len(g0) >= 3 and g0[-2] != "0" and rng.random() < 0.4:
        toks += [(c, "d") for c in g0[:-2]] + [(g0[-2:], "p")]
    else:
        toks += [(c, "d") for c in g0]
    if len(rest) % 2:
        toks.append((rest[0], "d"))
        rest = rest[1:]
    toks += [(rest[i:i + 2], "p") for i in range(0, len(rest), 2)]
    return toks


FR_CONTINUABLE = ("quatre", "soixante", "vingt", "vingts")


def safe_sep(chunks: list[str], sep: str, v: dict) -> str:
    """A plain space between French chunks can be read as one number ('quatre vingt-deux' for
    4, 22 reads as 82; 'soixante dix' for 60, 10 as 70): such writers put a comma there."""
    if v["lang"] != "fr" or sep != " ":
        return sep
    for left in chunks[:-1]:
        last = strip_accents(re.split(r"[ -]", left.strip())[-1].lower())
        if last in FR_CONTINUABLE:
            return ", "
    return sep


def pair_words(p: str, v: dict) -> str:
    if p[0] == "0":  # "zéro six", "oh six"
        return digit_word(0, v) + " " + digit_word(int(p[1]), v)
    return number_word(int(p), v)


# --------------------------------------------------------------------------------------------
# Styles: each takes (Num, lang, rng) and returns the rendered number, or None if it does not apply.
# --------------------------------------------------------------------------------------------

def _join_groups(groups, seps):
    out = groups[0]
    for g, s in zip(groups[1:], seps):
        out += s + g
    return out


def st_plain_national(n, lang, rng):
    return n.national


def st_plain_intl(n, lang, rng):
    return n.intl


def st_digits_spaced(n, lang, rng):
    return " ".join(n.digits)


def st_each_digit_punct(n, lang, rng):
    return rng.choice([".", "-", "*", "_", " . ", " - "]).join(n.digits)


def st_seps_uniform(n, lang, rng):
    if len(n.groups) < 2:
        return None
    return rng.choice([".", "-", "/", " - ", " / "]).join(n.groups)


def st_seps_mixed(n, lang, rng):
    if len(n.groups) < 3:
        return None
    for _ in range(20):
        seps = [rng.choice([" ", ".", "-", "/", " - ", " / ", ". "]) for _ in n.groups[1:]]
        if len(set(seps)) > 1:
            return _join_groups(n.groups, seps)
    return None


def st_seps_odd(n, lang, rng):
    if len(n.groups) < 2:
        return None
    return rng.choice(["*", "_", "~", "|", " | ", "•", " • ", "·", ",", ", ", " * ", "--", ".."]).join(n.groups)


def st_unicode_spaces(n, lang, rng):
    if len(n.groups) < 2:
        return None
    return rng.choice(["\u00a0", "\u202f", "\u2009", "\u2007", "\u2002", "\u3000"]).join(n.groups)


def st_parens_prefix(n, lang, rng):
    if len(n.groups) < 2:
        return None
    return "(" + n.groups[0] + ")" + rng.choice([" ", "", " "]) + " ".join(n.groups[1:])


def st_intl_paren0(n, lang, rng):
    if not n.trunk0:
        return None
    first = n.igroups[0]
    form = rng.choice(["{cc} (0){g}", "{cc}(0){g}", "{cc} (0) {g}", "{cc} (0){g}"])
    return form.format(cc="+" + n.cc, g=first) + " " + " ".join(n.igroups[1:])


def st_intl_trunk0(n, lang, rng):
    """'+33 06 12 34 56 78': country code and the national trunk 0 both written."""
    if not n.trunk0:
        return None
    return "+" + n.cc + " " + n.national


def st_intl_00(n, lang, rng):
    form = rng.choice(["sp", "sp", "split", "compact"])
    if form == "sp":
        return "00" + n.cc + " " + " ".join(n.igroups)
    if form == "split":
        return "00 " + n.cc + " " + " ".join(n.igroups)
    return "00" + n.cc + "".join(n.igroups)


LOOKALIKE_ZERO = {"bg": ["O", "О", "о", "o"]}  # Cyrillic О/о as well in Bulgarian ads


def st_letter_o_l(n, lang, rng):
    if not re.search(r"[01]", n.digits):
        return None
    zeros = LOOKALIKE_ZERO.get(lang, ["O", "o"])
    zero = rng.choice(zeros)
    one = rng.choice(["l", "I"])
    p_repl = rng.choice([1.0, 1.0, 0.6])
    for _ in range(20):
        out, changed = [], False
        for ch in n.national:
            if ch == "0" and rng.random() < p_repl:
                out.append(zero)
                changed = True
            elif ch == "1" and rng.random() < p_repl:
                out.append(one)
                changed = True
            else:
                out.append(ch)
        if changed:
            return "".join(out)
    return None


def _translate(s: str, zero_cp: int) -> str:
    return "".join(chr(zero_cp + int(c)) if c.isdigit() and c.isascii() else c for c in s)


def st_fullwidth(n, lang, rng):
    s = _translate(n.national, 0xFF10)
    return s.replace(" ", "\u3000") if rng.random() < 0.2 else s


def st_math_bold(n, lang, rng):
    return _translate(n.national, 0x1D7CE)


def st_math_other(n, lang, rng):
    # sans-serif, sans-serif bold, monospace, double-struck
    return _translate(n.national, rng.choice([0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1D7D8]))


def st_arabic_indic(n, lang, rng):
    return _translate(n.national, rng.choice([0x0660, 0x06F0]))


def st_circled(n, lang, rng):
    if rng.random() < 0.5:
        table = ["⓪", "①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨"]
    else:
        table = ["⓿", "➊", "➋", "➌", "➍", "➎", "➏", "➐", "➑", "➒"]
    return "".join(table[int(c)] if c.isdigit() else c for c in n.national)


def st_keycap(n, lang, rng):
    fe0f = "\ufe0f" if rng.random() < 0.75 else ""
    sep = rng.choice([" ", " ", "", " - "])
    return sep.join("".join(c + fe0f + "\u20e3" for c in g) for g in n.groups)


def st_keycap_emoji(n, lang, rng):
    """Keycap digits with an emoji between groups: '0️⃣6️⃣🔥1️⃣2️⃣🔥...'."""
    if len(n.groups) < 2:
        return None
    fe0f = "\ufe0f" if rng.random() < 0.75 else ""
    e = rng.choice(EMOJIS)
    sep = rng.choice([e, e, f" {e} "])
    return sep.join("".join(c + fe0f + "\u20e3" for c in g) for g in n.groups)


EMOJIS = ["🔥", "💋", "❤️", "🌹", "✨", "💦", "⭐", "😘", "🍑", "📞", "👉", "💕", "🌸", "⚡", "🎀", "💎"]


def st_emoji_between(n, lang, rng):
    if len(n.groups) < 2:
        return None
    same = rng.random() < 0.6
    e0 = rng.choice(EMOJIS)
    spaced = rng.random() < 0.3
    seps = []
    for _ in n.groups[1:]:
        e = e0 if same else rng.choice(EMOJIS)
        seps.append(f" {e} " if spaced else e)
    return _join_groups(n.groups, seps)


def st_line_break(n, lang, rng):
    if len(n.groups) < 2:
        return None
    i = rng.randint(1, len(n.groups) - 1)
    brk = rng.choice(["\n", "\n", " \n", "\r\n"])
    return " ".join(n.groups[:i]) + brk + " ".join(n.groups[i:])


ZW = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


def _insert_invisible(s: str, chars: list[str], k: int, rng: random.Random) -> str:
    pos = sorted(rng.sample(range(1, len(s)), min(k, len(s) - 1)))
    out, last = [], 0
    for p in pos:
        out.append(s[last:p])
        out.append(rng.choice(chars))
        last = p
    out.append(s[last:])
    return "".join(out)


def st_zero_width(n, lang, rng):
    if rng.random() < 0.3:  # one between every digit
        z = rng.choice(ZW)
        return z.join(n.digits)
    return _insert_invisible(n.national, ZW, rng.randint(1, 4), rng)


def st_soft_hyphen(n, lang, rng):
    return _insert_invisible(n.national, ["\u00ad"], rng.randint(1, 3), rng)


def st_words_digits(n, lang, rng):
    if lang not in WORD_LANGS:
        return None
    v = word_variant(lang, n.region, rng)
    inner = rng.choices([" ", "-", ", "], [80, 10, 10])[0]
    between = rng.choice([" ", " ", ", ", " - ", "  "]) if inner == " " else inner
    parts = [inner.join(digit_word(int(c), v) for c in g) for g in n.groups]
    return apply_case(between.join(parts), v)


def st_words_digits_double(n, lang, rng):
    """British/Irish: 'oh seven double four ...'."""
    if lang != "en" or not re.search(r"(\d)\1", n.digits):
        return None
    v = word_variant(lang, n.region, rng)
    out = []
    for g in n.groups:
        words, i = [], 0
        while i < len(g):
            j = i
            while j < len(g) and g[j] == g[i]:
                j += 1
            run = j - i
            w = digit_word(int(g[i]), v)
            while run >= 3:
                words.append("triple " + w)
                run -= 3
            if run == 2:
                words.append("double " + w)
            elif run == 1:
                words.append(w)
            i = j
        out.append(" ".join(words))
    return apply_case(rng.choice([" ", ", "]).join(out), v)


def st_words_pairs(n, lang, rng):
    if lang not in WORD_LANGS:
        return None
    v = word_variant(lang, n.region, rng)
    toks = read_tokens(n, rng)
    # digits of the leading group together, then each pair
    chunks, cur = [], []
    for d, kind in toks:
        if kind == "d" and (not chunks or cur):
            cur.append(digit_word(int(d), v))
            continue
        if cur:
            chunks.append(" ".join(cur))
            cur = []
        chunks.append(digit_word(int(d), v) if kind == "d" else pair_words(d, v))
    if cur:
        chunks.append(" ".join(cur))
    sep = rng.choices([" ", ", ", " - ", ". ", " / "], [40, 35, 10, 10, 5])[0]
    return apply_case(safe_sep(chunks, sep, v).join(chunks), v)


def st_mixed_words(n, lang, rng):
    """Some groups in digits, some in words: '06 douze 34 cinquante-six 78'."""
    if lang not in WORD_LANGS:
        return None
    v = word_variant(lang, n.region, rng)
    toks = read_tokens(n, rng)
    # group the leading single digits as one chunk (e.g. '06'), pairs alone
    chunks, lead = [], ""
    for d, kind in toks:
        if kind == "d" and (not chunks):
            lead += d
            continue
        if lead:
            chunks.append(lead)
            lead = ""
        chunks.append(d)
    if lead:
        chunks.append(lead)
    for _ in range(50):
        kinds = [rng.random() < 0.5 for _ in chunks]
        if any(kinds) and not all(kinds):
            break
    else:
        return None
    out = []
    for ch, as_words in zip(chunks, kinds):
        if not as_words:
            out.append(ch)
        elif len(ch) == 2 and ch[0] != "0":
            out.append(pair_words(ch, v))
        else:
            out.append(" ".join(digit_word(int(c), v) for c in ch))
    sep = rng.choices([" ", ", ", " - ", "."], [60, 20, 15, 5])[0]
    return apply_case(safe_sep(out, sep, v).join(out), v)


def st_combo(n, lang, rng):
    """Several obfuscations in one number: per group one of ascii, O/l, fullwidth, bold, keycap,
    words; separators spaces, dots, dashes or emoji."""
    if len(n.groups) < 3:
        return None
    modes = ["ascii", "ol", "full", "bold", "keycap"] + (["words"] if lang in WORD_LANGS else [])
    v = word_variant(lang, n.region, rng) if lang in WORD_LANGS else None
    if v:
        v["case"] = "lower"
    for _ in range(50):
        picked = [rng.choice(modes) for _ in n.groups]
        if len(set(picked)) >= 2 and any(m != "ascii" for m in picked):
            break
    out = []
    for g, m in zip(n.groups, picked):
        if m == "ascii":
            out.append(g)
        elif m == "ol":
            out.append(g.replace("0", "O").replace("1", "l"))
        elif m == "full":
            out.append(_translate(g, 0xFF10))
        elif m == "bold":
            out.append(_translate(g, 0x1D7CE))
        elif m == "keycap":
            out.append("".join(c + "\ufe0f\u20e3" for c in g))
        else:
            if len(g) == 2 and g[0] != "0":
                out.append(pair_words(g, v))
            else:
                out.append(" ".join(digit_word(int(c), v) for c in g))
    seps = rng.choice([[" "], ["."], ["-"], EMOJIS[:6]])
    return _join_groups(out, [rng.choice(seps) for _ in out[1:]])


STYLES = {
    "plain_national": st_plain_national,
    "plain_intl": st_plain_intl,
    "digits_spaced": st_digits_spaced,
    "each_digit_punct": st_each_digit_punct,
    "seps_uniform": st_seps_uniform,
    "seps_mixed": st_seps_mixed,
    "seps_odd": st_seps_odd,
    "unicode_spaces": st_unicode_spaces,
    "parens_prefix": st_parens_prefix,
    "intl_paren0": st_intl_paren0,
    "intl_trunk0": st_intl_trunk0,
    "intl_00": st_intl_00,
    "letter_o_l": st_letter_o_l,
    "fullwidth": st_fullwidth,
    "math_bold": st_math_bold,
    "math_other": st_math_other,
    "arabic_indic": st_arabic_indic,
    "circled": st_circled,
    "keycap": st_keycap,
    "emoji_between": st_emoji_between,
    "keycap_emoji": st_keycap_emoji,
    "line_break": st_line_break,
    "zero_width": st_zero_width,
    "soft_hyphen": st_soft_hyphen,
    "words_digits": st_words_digits,
    "words_digits_double": st_words_digits_double,
    "words_pairs": st_words_pairs,
    "mixed_words": st_mixed_words,
    "combo": st_combo,
}
WORD_STYLES = {"words_digits", "words_digits_double", "words_pairs", "mixed_words"}


# --------------------------------------------------------------------------------------------
# Ads. `{}` is where the number goes; the words next to it are never number words and no digit
# touches it.
# --------------------------------------------------------------------------------------------

FRAMES = {
    "fr": [
        "Jolie brune de 24 ans, nouvelle en ville. Appelle-moi au {} pour un rendez-vous. 150€ la demi-heure.",
        "Massage relaxant à domicile, 80€ l'heure. Contact : {} (pas de numéro masqué).",
        "Vends canapé 3 places très bon état, 250€. Tél {} le soir après 18h.",
        "Disponible 7j/7, de 10h à 22h. Réservation uniquement par SMS au {} merci.",
        "Étudiante 22 ans propose ménage et repassage, 15€/h. Joignable au {} ou par mail.",
        "Appartement 2 pièces 45 m² à louer, 780€ charges comprises. Visites : {}, demandez Sophie.",
        "Nouvelle masseuse, 1m65, disponible ce week-end. Mon GSM : {} (appel ou WhatsApp).",
    ],
    "en": [
        "Sweet girl, 23, new in town. Call me on {} for bookings. £120 per hour.",
        "Relaxing massage, in-calls only, 80 pounds for 30 min. Text {} anytime.",
        "Selling my bike, barely used, €300 or best offer. Ring {} after 6pm.",
        "Available 24/7. WhatsApp me at {} – no withheld numbers please.",
        "Cleaner available, 15 years experience, £12/h. Contact: {} (Sarah).",
        "Room to let in shared house, 550 a month bills included. Phone {} to view.",
    ],
    "nl": [
        "Lieve meid van 23 jaar, nieuw in de stad. Bel mij op {} voor afspraken. €150 per uur.",
        "Ontspannende massage aan huis, 80 euro. Contact: {} (geen anonieme nummers).",
        "Te koop: fiets in goede staat, €120. Bellen naar {} na 18 uur.",
        "Beschikbaar 24/7. Stuur me een berichtje via WhatsApp: {} dank je.",
        "Student (21) geeft bijles wiskunde, 20 euro per uur. Telefoon: {}, vraag naar Sanne.",
        "Appartement te huur, 65 m², €950 per maand. Bezichtigen? Bel {} graag.",
    ],
    "de": [
        "Hübsche Studentin, 22 Jahre, neu in der Stadt. Ruf mich an unter {} – 150€ die Stunde.",
        "Entspannende Massage, Hausbesuche möglich, 90 Euro. Tel.: {} (keine unterdrückten Nummern).",
        "Verkaufe Sofa, guter Zustand, 200€ VB. Bitte melden unter {} ab 18 Uhr.",
        "Termine täglich von 10 bis 22 Uhr. Nur SMS oder WhatsApp an {} bitte.",
        "Putzhilfe gesucht, 15 €/Std. Erreichbar unter {}, fragt nach Anna.",
        "2-Zimmer-Wohnung, 55 m², 780€ warm. Besichtigung unter {} vereinbaren.",
    ],
    "it": [
        "Ragazza dolce di 23 anni, appena arrivata in città. Chiamami al {} per appuntamenti. 150€ l'ora.",
        "Massaggio rilassante a domicilio, 80 euro. Contatto: {} (no numeri anonimi).",
        "Vendo divano in ottimo stato, 250€ trattabili. Telefonare al {} dopo le 18.",
        "Disponibile 24 ore su 24. Scrivimi su WhatsApp al {} grazie.",
        "Studentessa di 21 anni offre ripetizioni, 15€/ora. Cell. {}, chiedere di Giulia.",
        "Affittasi bilocale 50 mq, 650€ al mese. Info al {} ore pasti.",
    ],
    "es": [
        "Chica cariñosa de 24 años, recién llegada. Llámame al {} para quedar. 100€ la hora.",
        "Masaje relajante a domicilio, 70 euros. Contacto: {} (no contesto números ocultos).",
        "Vendo sofá en buen estado, 200€. Llamar al {} a partir de las 18h.",
        "Disponible 24h. Escríbeme por WhatsApp al {} gracias.",
        "Estudiante de 22 años da clases particulares, 15€/hora. Tel. {}, preguntar por Lucía.",
        "Se alquila piso de 3 habitaciones, 750€ al mes. Interesados llamar al {} por las tardes.",
    ],
    "ro": [
        "Fată drăguță, 23 de ani, nouă în oraș. Sună-mă la {} pentru programare. 300 lei ora.",
        "Masaj de relaxare la domiciliu, 200 lei. Contact: {} (nu răspund la numere private).",
        "Vând canapea în stare foarte bună, 800 lei negociabil. Telefon {} după ora 18.",
        "Disponibilă non-stop. Scrie-mi pe WhatsApp la {} mulțumesc.",
        "Studentă de 21 de ani, ofer meditații la matematică, 50 lei/oră. Tel. {}, întrebați de Ioana.",
        "Închiriez apartament cu 2 camere, 350€ pe lună. Detalii la {} seara.",
    ],
    "bg": [
        "Сладко момиче на 23 години, ново в града. Обади ми се на {} за среща. 150 лв. на час.",
        "Релаксиращ масаж по домовете, 80 лева. Контакт: {} (без скрити номера).",
        "Продавам диван в отлично състояние, 300 лв. Телефон {} след 18 ч.",
        "На разположение 24/7. Пиши ми във Viber на {} благодаря.",
        "Студентка на 21 години предлага частни уроци, 20 лв./час. Тел. {}, питайте за Мария.",
        "Давам под наем двустаен апартамент, 65 кв.м, 600 лв. на месец. Огледи на {} вечер.",
    ],
    "pl": [
        "Miła dziewczyna, 23 lata, nowa w mieście. Zadzwoń pod {} aby się umówić. 200 zł za godzinę.",
        "Masaż relaksacyjny z dojazdem, 150 zł. Kontakt: {} (nie odbieram zastrzeżonych).",
        "Sprzedam kanapę w dobrym stanie, 400 zł. Tel. {} po godzinie 18.",
        "Dostępna 24/7. Napisz na WhatsApp {} dziękuję.",
    ],
    "pt": [
        "Menina meiga de 23 anos, nova na cidade. Liga-me para o {} para marcar. 100€ à hora.",
        "Massagem relaxante ao domicílio, 60 euros. Contacto: {} (não atendo números privados).",
        "Vendo sofá em bom estado, 200€. Ligar para {} depois das 18h.",
        "Disponível 24h. Manda mensagem por WhatsApp para o {} obrigado.",
    ],
}

# Ads with numbers (digits and words) and no phone number.
NEGATIVES = {
    "fr": [
        "Jeune femme de vingt-deux ans, 1m65, 55 kg, mensurations 90-60-90. Tarif : 150€ la demi-heure, 250€ l'heure.",
        "Appartement de trois pièces au deuxième étage, 65 m², 780€ par mois, libre le 1er juillet 2024.",
        "Disponible du lundi au vendredi de 10h à 22h, deux heures minimum, quatre-vingts euros le massage.",
        "Vends lot de douze assiettes et six verres, 25€ le tout, code postal 75011.",
    ],
    "en": [
        "Twenty-three years old, 5ft 6in, size 8, available 10am to 10pm, £150 for one hour, £250 for two.",
        "Two bedroom flat, second floor, 650 a month, available from 1 March 2024, postcode SW1A 1AA.",
        "Selling twelve plates and six glasses, £25 the lot, collection only from number 42.",
    ],
    "nl": [
        "Vrolijke meid van drieëntwintig jaar, 1,70 m, 58 kg. €150 per uur, €250 voor twee uur.",
        "Appartement met drie kamers op de tweede verdieping, 65 m², €950 per maand, vanaf 1 juli 2024.",
        "Te koop: twaalf borden en zes glazen, €25 samen, postcode 1012 AB.",
    ],
    "de": [
        "Studentin, dreiundzwanzig Jahre jung, 1,68 m, 55 kg, Maße 90-60-90. 150€ die Stunde, 250€ zwei Stunden.",
        "Drei-Zimmer-Wohnung im zweiten Stock, 65 m², 780€ warm, frei ab 01.07.2024, PLZ 10115.",
        "Verkaufe zwölf Teller und sechs Gläser, zusammen 25€, Abholung in 80331 München.",
    ],
    "it": [
        "Ragazza di ventitré anni, 1,68 m, 55 kg, misure 90-60-90. 150€ un'ora, 250€ due ore.",
        "Affittasi trilocale al secondo piano, 65 mq, 650€ al mese, libero dal 1 luglio 2024, CAP 20121.",
        "Vendo dodici piatti e sei bicchieri, 25€ in tutto.",
    ],
    "es": [
        "Chica de veintitrés años, 1,68 m, 55 kg, medidas 90-60-90. 100€ la hora, 180€ dos horas.",
        "Se alquila piso de tres habitaciones en la segunda planta, 75 m², 750€ al mes, libre desde el 1 de julio de 2024, CP 28013.",
        "Vendo doce platos y seis vasos, 25€ todo.",
    ],
    "ro": [
        "Fată de douăzeci și trei de ani, 1,68 m, 55 kg, 90-60-90. 300 lei ora, 500 lei două ore.",
        "Închiriez apartament cu trei camere la etajul doi, 65 mp, 350€ pe lună, liber din 1 iulie 2024.",
        "Vând douăsprezece farfurii și șase pahare, 100 lei tot.",
    ],
    "bg": [
        "Момиче на двадесет и три години, 1,68 м, 55 кг, 90-60-90. 150 лв. на час, 250 лв. за два часа.",
        "Давам под наем тристаен апартамент на втория етаж, 85 кв.м, 600 лв. на месец, от 1 юли 2024 г.",
        "Продавам дванадесет чинии и шест чаши, 25 лв. за всичко.",
    ],
}


# --------------------------------------------------------------------------------------------
# Records and scoring
# --------------------------------------------------------------------------------------------

def build_records(args, rng: random.Random) -> list[dict]:
    records = []
    styles = [s for s in args.styles.split(",") if s] if args.styles else list(STYLES) + ["negative"]
    for style in styles:
        if style == "negative":
            pool = [(lang, t) for lang, ts in NEGATIVES.items() for t in ts]
            region_of = {"fr": ["FR", "BE"], "en": ["GB", "IE"], "nl": ["NL", "BE"], "de": ["DE", "AT"],
                         "it": ["IT"], "es": ["ES"], "ro": ["RO"], "bg": ["BG"]}
            for i in range(args.per_style):
                lang, text = pool[i % len(pool)]
                records.append({"id": f"negative-{i}", "style": style, "lang": lang,
                                "region": rng.choice(region_of[lang]), "text": text, "truth": None,
                                "span": None, "rendered": ""})
            continue
        fn = STYLES[style]
        if style in WORD_STYLES:
            regions = [r for r in REGIONS if any(lng in WORD_LANGS for lng in REGION_LANGS[r])]
            if style == "words_digits_double":
                regions = ["GB", "IE"]
        else:
            regions = list(REGIONS)
        order = regions[:]
        rng.shuffle(order)
        made = 0
        tries = 0
        while made < args.per_style and tries < args.per_style * 50:
            region = order[(made + tries) % len(order)]
            tries += 1
            langs = REGION_LANGS[region]
            if style in WORD_STYLES:
                langs = [lng for lng in langs if lng in WORD_LANGS]
            lang = rng.choice(langs)
            num = gen_number(region, rng.random() < 0.8, rng)
            if num is None:
                continue
            n = Num(num, region)
            rendered = fn(n, lang, rng)
            if rendered is None:
                continue
            frame = rng.choice(FRAMES[lang])
            i = frame.index("{}")
            text = frame[:i] + rendered + frame[i + 2:]
            b0 = len(text[:i].encode("utf-8"))
            b1 = b0 + len(rendered.encode("utf-8"))
            records.append({"id": f"{style}-{made}", "style": style, "lang": lang, "region": region,
                            "text": text, "truth": n.e164, "span": [b0, b1], "rendered": rendered})
            made += 1
            tries -= 1  # only failed attempts count against the limit
    return records


def run_cairn(cairn: str, inp: str, out: str) -> None:
    cmd = [cairn, "scan", "--format", "jsonl", "--no-store", "--quiet", "--out", out, inp]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.stderr.write(f"cairn failed ({res.returncode}): {' '.join(cmd)}\n{res.stderr}\n")
        sys.exit(2)


def visible(s: str) -> str:
    out = []
    for ch in s:
        cat = unicodedata.category(ch)
        if ch == "\n":
            out.append("<LF>")
        elif ch == "\r":
            out.append("<CR>")
        elif cat in ("Cf", "Cc", "Zs") and ch != " " or ch in ("\ufe0f", "\u20e3"):
            out.append(f"<U+{ord(ch):04X}>")
        else:
            out.append(ch)
    return "".join(out)


def score(records: list[dict], out_path: str):
    phones = collections.defaultdict(list)
    with open(out_path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            o = json.loads(line)
            if o.get("type") == "finding" and o.get("kind") == "phone":
                phones[o["record"]].append(o)
    results = []
    for r in records:
        got = phones.get(r["id"], [])
        found = False
        false = []
        misplaced = []
        for f in got:
            if r["truth"] is not None and f["value"] == r["truth"]:
                if f["start"] < r["span"][1] and f["end"] > r["span"][0]:
                    found = True
                else:
                    misplaced.append(f)
            else:
                false.append(f)
        results.append({"rec": r, "found": found, "false": false, "misplaced": misplaced, "got": got})
    return results


def table(title: str, key, results, out) -> None:
    agg = collections.OrderedDict()
    for res in results:
        k = key(res["rec"])
        a = agg.setdefault(k, [0, 0, 0, 0, 0])  # texts, positives, found, missed, false
        a[0] += 1
        if res["rec"]["truth"] is not None:
            a[1] += 1
            a[2] += res["found"]
            a[3] += not res["found"]
        a[4] += len(res["false"])
    print(f"\n{title:<22} {'texts':>6} {'found':>6} {'missed':>7} {'false':>6} {'recall':>7}", file=out)
    tot = [0, 0, 0, 0, 0]
    for k, a in agg.items():
        rec = f"{a[2] / a[1]:.3f}" if a[1] else "   -"
        print(f"{k:<22} {a[0]:>6} {a[2]:>6} {a[3]:>7} {a[4]:>6} {rec:>7}", file=out)
        tot = [x + y for x, y in zip(tot, a)]
    rec = f"{tot[2] / tot[1]:.3f}" if tot[1] else "-"
    prec = f"{tot[2] / (tot[2] + tot[4]):.3f}" if tot[2] + tot[4] else "-"
    print(f"{'TOTAL':<22} {tot[0]:>6} {tot[2]:>6} {tot[3]:>7} {tot[4]:>6} {rec:>7}   precision {prec}", file=out)


def matrix(results, out) -> None:
    langs = ["fr", "en", "nl", "de", "it", "es", "ro", "bg", "pl", "pt"]
    cells = collections.defaultdict(lambda: [0, 0])
    styles = []
    for res in results:
        r = res["rec"]
        if r["truth"] is None:
            continue
        if r["style"] not in styles:
            styles.append(r["style"])
        c = cells[(r["style"], r["lang"])]
        c[0] += 1
        c[1] += res["found"]
    print("\nrecall by style and language (found/texts)", file=out)
    print(f"{'style':<22}" + "".join(f"{lng:>8}" for lng in langs), file=out)
    for s in styles:
        row = f"{s:<22}"
        for lng in langs:
            t, fnd = cells[(s, lng)]
            row += f"{f'{fnd}/{t}' if t else '':>8}"
        print(row, file=out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="styles: " + ", ".join(list(STYLES) + ["negative"]))
    ap.add_argument("--cairn", required=True, help="the cairn binary")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--per-style", type=int, default=40, help="texts per style (default 40)")
    ap.add_argument("--styles", default="", help="comma-separated styles (default: all)")
    ap.add_argument("--workdir", default="/tmp/probe-obf", help="where the files go (default /tmp/probe-obf)")
    ap.add_argument("--show", action="store_true", help="print every miss and false positive with its text")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    os.makedirs(args.workdir, exist_ok=True)
    records = build_records(args, rng)
    inp = os.path.join(args.workdir, "probe.jsonl")
    outp = os.path.join(args.workdir, "probe.out.jsonl")
    with open(inp, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps({"id": r["id"], "text": r["text"], "region": r["region"]}, ensure_ascii=False) + "\n")
    run_cairn(args.cairn, inp, outp)
    shutil.copyfile(inp, os.path.join(args.workdir, f"probe-seed{args.seed}.jsonl"))
    shutil.copyfile(outp, os.path.join(args.workdir, f"probe-seed{args.seed}.out.jsonl"))
    results = score(records, outp)

    out = sys.stdout
    print(f"seed {args.seed}, {len(records)} texts, cairn {args.cairn}", file=out)
    table("style", lambda r: r["style"], results, out)
    table("language", lambda r: r["lang"], results, out)
    table("region", lambda r: r["region"], results, out)
    matrix(results, out)

    fails_path = os.path.join(args.workdir, f"failures-seed{args.seed}.jsonl")
    with open(fails_path, "w", encoding="utf-8") as f:
        for res in results:
            r = res["rec"]
            missed = r["truth"] is not None and not res["found"]
            if not missed and not res["false"]:
                continue
            f.write(json.dumps({
                "id": r["id"], "style": r["style"], "lang": r["lang"], "region": r["region"],
                "truth": r["truth"], "missed": missed, "text": r["text"], "rendered": r["rendered"],
                "got": [{"value": g["value"], "start": g["start"], "end": g["end"], "evidence": g.get("evidence")}
                        for g in res["got"]],
            }, ensure_ascii=False) + "\n")
    if args.show:
        print("\nfailures", file=out)
        for res in results:
            r = res["rec"]
            missed = r["truth"] is not None and not res["found"]
            if not missed and not res["false"]:
                continue
            tag = "MISS" if missed else "    "
            tag += " FALSE" if res["false"] else ""
            got = "; ".join(f"{g['value']} [{visible(g.get('evidence') or '')}]" for g in res["got"]) or "nothing"
            print(f"[{tag.strip()}] {r['id']} {r['region']}/{r['lang']} truth={r['truth']}", file=out)
            print(f"    text: {visible(r['text'])}", file=out)
            print(f"    got:  {got}", file=out)
    print(f"\nrecords {inp}, cairn output {outp}, failures {fails_path}", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
