#!/usr/bin/env python3
"""Independent probe of phone PRECISION (and plain recall) of `cairn scan`.

Generates synthetic, clearly fictional, non-explicit texts (classified ads, social posts, chat
transcripts, forum posts, shop order confirmations, travel itineraries) in 8 languages and 17
regions, crowded with numbers that are NOT phones (prices, dates, times, postal codes, house
numbers, ages, measurements, order/tracking/invoice ids, IBANs, company ids, ISBNs, GPS, versions,
scores, flights, trains, rooms, PINs, counts, phone-like invalid digit strings, and tracking numbers
that would be valid phones if read as such).  About half of the texts also carry real phones
(fictional but valid per `phonenumbers`) written plainly in each country's usual styles, placed
right next to distractors.

It then runs `cairn scan --format jsonl --no-store --quiet corpus.jsonl` and reports precision,
recall per genre / language / region / phone style / neighbour, attributes every false positive
to the planted span(s) it overlaps (UTF-8 byte offsets, as cairn reports them), lists every false
positive and every miss, and does the same for phonenumbers.PhoneNumberMatcher (Leniency.VALID)
for comparison.

This generator was written without reading cairn's finder or its corpus generators, on purpose:
the point is an independent view.

Usage:
    .venv/bin/python scripts/probe_phone_precision.py [--cairn BIN] [--seed N] [--n N]
                                                     [--workdir DIR] [--show]

    --cairn BIN    cairn binary (default target/release/cairn)
    --seed N       random seed (default 1)
    --n N          number of texts (default 3000)
    --workdir DIR  where corpus.jsonl, truth.jsonl, cairn.jsonl, report.txt go
                   (default: a fresh temporary directory)
    --show         print a few generated texts before the report
"""

import argparse
import collections
import json
import os
import random
import re
import subprocess
import sys
import tempfile

import phonenumbers
from phonenumbers import PhoneNumberFormat as PNF
from phonenumbers import PhoneNumberType as PNT

# ---------------------------------------------------------------------------------------------
# Regions: phone ranges, number formats, places.  Everything numeric that depends on the country.
# ---------------------------------------------------------------------------------------------

# National significant number shapes to draw from: (prefixes, total NSN lengths).  Draws are
# filtered by phonenumbers.is_valid_number, so these only need to be roughly right.
NSN = {
    "FR": [(["6", "7"], [9]), (["1", "2", "3", "4", "5", "9"], [9])],
    "BE": [(["46", "47", "48", "49"], [9]), (["2", "3", "9", "4"], [8]), (["5", "6", "8"], [8])],
    "LU": [(["621", "661", "691", "628", "671"], [9]), (["2", "4"], [6, 8])],
    "CH": [(["75", "76", "77", "78", "79"], [9]), (["21", "22", "26", "31", "41", "43", "44", "61"], [9])],
    "GB": [(["74", "75", "77", "78", "79"], [10]), (["20", "113", "121", "131", "161"], [10])],
    "IE": [(["83", "85", "86", "87", "89"], [9]), (["1"], [8]), (["21", "61", "91"], [9])],
    "NL": [(["61", "62", "63", "64", "65"], [9]), (["10", "20", "30", "40", "70"], [9])],
    "DE": [(["151", "152", "157", "160", "162", "170", "171", "172", "175", "176", "177", "178", "179"], [10, 11]),
           (["30", "40", "89", "69", "221", "211", "711"], [9, 10])],
    "AT": [(["650", "660", "664", "676", "677", "681", "688", "699"], [10, 11, 12]),
           (["1"], [7, 8, 9]), (["316", "512", "662", "732"], [9, 10])],
    "IT": [(["320", "328", "329", "333", "334", "338", "340", "347", "348", "349", "366", "380", "388", "392"], [10]),
           (["02", "06", "011", "051", "055", "081"], [8, 9, 10])],
    "ES": [(["6", "71", "72", "73", "74"], [9]), (["91", "93", "95", "96", "98"], [9])],
    "RO": [(["72", "73", "74", "75", "76", "77", "78"], [9]), (["21", "31", "264", "256", "232"], [9])],
    "BG": [(["87", "88", "89"], [9]), (["2"], [8]), (["32", "52", "56"], [8])],
    "PT": [(["91", "92", "93", "96"], [9]), (["21", "22"], [9])],
    "PL": [(["50", "51", "53", "57", "60", "66", "69", "72", "78", "79", "88"], [9]), (["22", "12", "58"], [9])],
    "CZ": [(["60", "72", "73", "77", "79"], [9]), (["2"], [9])],
    "GR": [(["69"], [10]), (["21", "231"], [10])],
}

# Regions with a national trunk prefix "0" that people write as "+CC (0)…".
TRUNK0 = {"FR", "BE", "CH", "GB", "IE", "NL", "DE", "AT", "RO", "BG"}

# Language(s) of each region's texts.  PT/PL/CZ/GR ads are written in English (expat / tourist
# ads), which keeps the probe within cairn's eight languages while exercising other numbering
# plans.
REGION_LANGS = {
    "FR": ["fr"], "BE": ["fr", "nl"], "LU": ["fr", "de"], "CH": ["de", "fr", "it"],
    "GB": ["en"], "IE": ["en"], "NL": ["nl"], "DE": ["de"], "AT": ["de"], "IT": ["it"],
    "ES": ["es"], "RO": ["ro"], "BG": ["bg"], "PT": ["en"], "PL": ["en"], "CZ": ["en"], "GR": ["en"],
}
REGION_WEIGHTS = {"FR": 10, "BE": 7, "LU": 4, "CH": 6, "GB": 8, "IE": 5, "NL": 8, "DE": 9, "AT": 6,
                  "IT": 8, "ES": 8, "RO": 8, "BG": 7, "PT": 2, "PL": 2, "CZ": 2, "GR": 2}

# Money and number conventions: decimal mark, thousands marks, currency and where it goes.
MONEY = {
    "FR": dict(dec=",", thou=[" ", "\u202f", ""], cur=["€", "EUR"], before=False),
    "BE": dict(dec=",", thou=[".", " ", ""], cur=["€", "EUR"], before=False),
    "LU": dict(dec=",", thou=[".", " ", ""], cur=["€", "EUR"], before=False),
    "CH": dict(dec=".", thou=["'", "’", ""], cur=["CHF", "Fr."], before=True),
    "GB": dict(dec=".", thou=[",", ""], cur=["£"], before=True),
    "IE": dict(dec=".", thou=[",", ""], cur=["€"], before=True),
    "NL": dict(dec=",", thou=[".", ""], cur=["€", "€ "], before=True),
    "DE": dict(dec=",", thou=[".", ""], cur=["€", "EUR", "Euro"], before=False),
    "AT": dict(dec=",", thou=[".", ""], cur=["€", "EUR", "Euro"], before=False),
    "IT": dict(dec=",", thou=[".", ""], cur=["€", "euro"], before=False),
    "ES": dict(dec=",", thou=[".", ""], cur=["€", "euros"], before=False),
    "RO": dict(dec=",", thou=[".", " ", ""], cur=["lei", "RON", "€"], before=False),
    "BG": dict(dec=",", thou=[" ", ""], cur=["лв.", "лева", "€"], before=False),
    "PT": dict(dec=",", thou=[" ", "."], cur=["€"], before=False),
    "PL": dict(dec=",", thou=[" ", ""], cur=["zł", "PLN"], before=False),
    "CZ": dict(dec=",", thou=[" ", ""], cur=["Kč", "CZK"], before=False),
    "GR": dict(dec=",", thou=[".", ""], cur=["€"], before=False),
}

# Postal code + city, as written in addresses (several styles per country).
def postal(rng, r):
    d = lambda n: "".join(rng.choice("0123456789") for _ in range(n))
    L = rng.choice
    if r == "FR":
        return L(["75011 Paris", "69003 Lyon", "13001 Marseille", "31000 Toulouse", "06000 Nice",
                  "33000 Bordeaux", "59000 Lille", f"750{rng.randint(10, 20)} Paris"])
    if r == "BE":
        return L(["2000 Antwerpen", "1000 Bruxelles", "4000 Liège", "9000 Gent", "1050 Ixelles", "B-1060 Saint-Gilles"])
    if r == "LU":
        return L(["L-1611 Luxembourg", "4001 Esch-sur-Alzette", "L-2449 Luxembourg", "9001 Ettelbruck"])
    if r == "CH":
        return L(["8001 Zürich", "1201 Genève", "CH-3011 Bern", "4051 Basel", "6900 Lugano", "1003 Lausanne"])
    if r == "GB":
        return L(["London SW1A 1AA", "Manchester M1 1AE", "Leeds LS1 4DY", "London E1 6AN", "Bristol BS1 4DJ"])
    if r == "IE":
        return L(["Dublin 2", "Dublin 8, D08 X285", "Cork T12 R2NC", "Galway H91 E2K3", "Dublin 15"])
    if r == "NL":
        return L(["1012 AB Amsterdam", "3011 AA Rotterdam", "2511 CV Den Haag", "3511 LX Utrecht", f"10{d(2)} XK Amsterdam"])
    if r == "DE":
        return L(["10115 Berlin", "80331 München", "20095 Hamburg", "50667 Köln", "60311 Frankfurt am Main", "D-04109 Leipzig"])
    if r == "AT":
        return L(["1010 Wien", "8010 Graz", "A-4020 Linz", "5020 Salzburg", "1150 Wien", "6020 Innsbruck"])
    if r == "IT":
        return L(["20121 Milano", "00184 Roma", "40121 Bologna", "80133 Napoli", "10121 Torino", "50123 Firenze"])
    if r == "ES":
        return L(["28013 Madrid", "08001 Barcelona", "46001 Valencia", "41001 Sevilla", "29001 Málaga"])
    if r == "RO":
        return L(["010011 București", "400001 Cluj-Napoca", "700028 Iași", "300001 Timișoara", "Sector 3, 030167 București"])
    if r == "BG":
        return L(["1000 София", "4000 Пловдив", "9000 Варна", "8000 Бургас", "гр. София 1404"])
    if r == "PT":
        return L(["1100-148 Lisboa", "4000-322 Porto", "8000-123 Faro"])
    if r == "PL":
        return L(["00-001 Warszawa", "31-042 Kraków", "50-001 Wrocław"])
    if r == "CZ":
        return L(["110 00 Praha 1", "602 00 Brno", "120 00 Praha 2"])
    if r == "GR":
        return L(["105 57 Athens", "546 24 Thessaloniki", "TK 10557 Athens"])
    raise KeyError(r)


def street(rng, r):
    n = rng.choice([rng.randint(1, 30), rng.randint(1, 180)])
    L = rng.choice
    if r in ("FR", "LU") or (r in ("BE", "CH") and rng.random() < 0.5):
        return L([f"{n} rue de la Paix", f"{n}bis avenue Foch", f"{n}, boulevard Voltaire",
                  f"{n} rue Victor Hugo", f"rue des Lilas {n}", f"{n} place du Marché"])
    if r in ("BE", "NL"):
        return L([f"Damstraat {n}", f"Kerkstraat {n}-II", f"Meir {n} bus {rng.randint(1, 9)}",
                  f"Prinsengracht {n}hs", f"Lange Nieuwstraat {n}A"])
    if r in ("DE", "AT", "CH"):
        return L([f"Hauptstraße {n}", f"Kärntner Straße {n}/{rng.randint(1, 12)}", f"Bahnhofstr. {n}a",
                  f"Mariahilfer Str. {n}, Top {rng.randint(1, 30)}", f"Langstrasse {n}"])
    if r == "IT":
        return L([f"Via Roma {n}", f"Corso Buenos Aires {n}", f"Via Garibaldi, {n}", f"P.zza Duomo {n}/B"])
    if r == "ES":
        return L([f"Calle Mayor {n}, {rng.randint(1, 8)}º B", f"C/ Alcalá {n}", f"Avda. Diagonal {n}, {rng.randint(1, 9)}º {rng.randint(1, 4)}ª"])
    if r == "RO":
        return L([f"Str. Lipscani nr. {n}", f"Bd. Unirii nr. {n}, bl. {rng.randint(1, 40)}, sc. A, ap. {rng.randint(1, 80)}",
                  f"Calea Victoriei {n}"])
    if r == "BG":
        return L([f"ул. Витоша {n}", f"бул. Витоша № {n}, ет. {rng.randint(1, 9)}, ап. {rng.randint(1, 40)}",
                  f"ж.к. Младост {rng.randint(1, 4)}, бл. {rng.randint(100, 450)}, вх. Б"])
    if r in ("GB", "IE"):
        return L([f"{n} High Street", f"Flat {rng.randint(1, 9)}, {n} Baker Street", f"{n}B Victoria Road", f"Unit {n}, Harbour Road"])
    return L([f"{n} Rua Augusta", f"ul. Marszałkowska {n}", f"Vodičkova {n}", f"Odos Ermou {n}"])


# Company / tax ids written the way each country writes them.
def company_id(rng, r):
    d = lambda n: "".join(rng.choice("0123456789") for _ in range(n))
    L = rng.choice
    opts = {
        "FR": [f"SIRET {d(3)} {d(3)} {d(3)} {d(5)}", f"SIRET : {d(14)}", f"RCS Paris {d(3)} {d(3)} {d(3)}",
               f"TVA intracom. FR{d(2)} {d(9)}", f"SIREN {d(9)}"],
        "BE": [f"BTW BE 0{d(3)}.{d(3)}.{d(3)}", f"n° d'entreprise 0{d(3)}.{d(3)}.{d(3)}", f"KBO 0{d(3)} {d(3)} {d(3)}",
               f"TVA BE0{d(9)}"],
        "LU": [f"RCS Luxembourg B{d(6)}", f"TVA LU{d(8)}", f"Matricule 19{d(11)}"],
        "CH": [f"CHE-{d(3)}.{d(3)}.{d(3)} MWST", f"UID CHE-{d(3)}.{d(3)}.{d(3)}", f"IDE CHE-{d(3)}.{d(3)}.{d(3)} TVA"],
        "GB": [f"Company No. {d(8)}", f"VAT Reg. GB {d(3)} {d(4)} {d(2)}", f"Registered in England No. {d(8)}"],
        "IE": [f"CRO {d(6)}", f"VAT IE{d(7)}T", f"Company reg. {d(6)}"],
        "NL": [f"KvK {d(8)}", f"KvK-nummer: {d(8)}", f"BTW NL{d(9)}B01", f"btw-nr NL{d(9)}B0{rng.randint(1, 9)}"],
        "DE": [f"USt-IdNr. DE{d(9)}", f"USt-IdNr.: DE {d(3)} {d(3)} {d(3)}", f"HRB {d(5)} B", f"Steuernr. {d(2)}/{d(3)}/{d(5)}",
               f"Amtsgericht Charlottenburg HRB {d(6)}"],
        "AT": [f"UID ATU{d(8)}", f"FN {d(6)}a", f"Firmenbuch FN {d(6)} x"],
        "IT": [f"P.IVA {d(11)}", f"P. IVA: IT{d(11)}", f"C.F. {d(11)}", f"REA MI-{d(7)}"],
        "ES": [f"CIF B{d(8)}", f"NIF {d(8)}Z", f"CIF: A-{d(8)}"],
        "RO": [f"CUI {d(8)}", f"CUI RO{d(8)}", f"J40/{d(4)}/20{d(2)}", f"Nr. Reg. Com. J40/{d(5)}/2019"],
        "BG": [f"ЕИК {d(9)}", f"ЕИК: {d(9)}", f"ДДС № BG{d(9)}", f"Булстат {d(9)}"],
        "PT": [f"NIF {d(9)}", f"NIPC {d(9)}"],
        "PL": [f"NIP {d(3)}-{d(3)}-{d(2)}-{d(2)}", f"REGON {d(9)}", f"KRS {d(10)}"],
        "CZ": [f"IČO {d(8)}", f"DIČ CZ{d(8)}"],
        "GR": [f"ΑΦΜ {d(9)}", f"VAT EL{d(9)}"],
    }
    return L(opts[r])


IBAN_SHAPE = {  # country: BBAN made of ("n" digit | "a" letter | "c" alnum) runs
    "FR": "n23", "BE": "n12", "LU": "n16", "CH": "n17", "GB": "a4n14", "IE": "a4n14", "NL": "a4n10",
    "DE": "n18", "AT": "n16", "IT": "a1n22", "ES": "n20", "RO": "a4n16", "BG": "a4n6c8", "PT": "n21",
    "PL": "n24", "CZ": "n20", "GR": "n23",
}


def iban(rng, r):
    bban = ""
    for kind, n in re.findall(r"([anc])(\d+)", IBAN_SHAPE[r]):
        pool = {"n": "0123456789", "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "c": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}[kind]
        bban += "".join(rng.choice(pool) for _ in range(int(n)))
    num = "".join(str(int(ch, 36)) for ch in bban + r + "00")
    compact = f"{r}{98 - int(num) % 97:02d}{bban}"
    if rng.random() < 0.6:
        return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
    return compact


def isbn(rng):
    body = rng.choice(["978", "979"]) + "".join(rng.choice("0123456789") for _ in range(9))
    check = (10 - sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body)) % 10) % 10
    full = body + str(check)
    if rng.random() < 0.5:
        return f"{full[:3]}-{full[3]}-{full[4:6]}-{full[6:12]}-{full[12]}"
    return full


# ---------------------------------------------------------------------------------------------
# Phones
# ---------------------------------------------------------------------------------------------

def draw_phone(rng, r, mobile_share=0.75):
    """A fictional but valid phonenumbers.PhoneNumber of region r (mobile mostly)."""
    shapes = NSN[r]
    for _ in range(500):
        prefixes, lengths = shapes[0] if rng.random() < mobile_share else rng.choice(shapes[1:])
        p = rng.choice(prefixes)
        n = rng.choice(lengths)
        nsn = p + "".join(rng.choice("0123456789") for _ in range(n - len(p)))
        try:
            num = phonenumbers.parse("+" + str(phonenumbers.country_code_for_region(r)) + nsn)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(num) and phonenumbers.region_code_for_number(num) == r:
            return num
    raise RuntimeError(f"could not draw a phone for {r}")


def group(digits, sizes, sep):
    out, i = [], 0
    for s in sizes:
        out.append(digits[i:i + s])
        i += s
    if i < len(digits):
        out.append(digits[i:])
    return sep.join(x for x in out if x)


def phone_styles(num, r):
    """Plain ways people write num in region r: {style: text}.  Each is checked to parse back."""
    nat = phonenumbers.format_number(num, PNF.NATIONAL)
    intl = phonenumbers.format_number(num, PNF.INTERNATIONAL)
    e164 = phonenumbers.format_number(num, PNF.E164)
    cc = str(num.country_code)
    natd = re.sub(r"\D", "", nat)
    intl_rest = intl.split(" ", 1)[1] if " " in intl else intl[len(cc) + 1:]
    s = {
        "nat": nat,
        "nat_compact": natd,
        "intl": intl,
        "e164": e164,
        "intl_00": "00" + cc + " " + intl_rest,
    }
    if " " in nat:
        s["nat_dots"] = re.sub(r"[ ()-]+", ".", nat.replace("(", "")).strip(".")
        s["nat_dash"] = re.sub(r"[ ()]+", "-", nat.replace("(", "")).strip("-")
    if r in TRUNK0 and natd.startswith("0"):
        s["intl_(0)"] = "+" + cc + " (0)" + re.sub(r"^\(?0", "", nat).replace(")", "")
    # Country habits that phonenumbers' NATIONAL format does not produce.
    n = natd
    if r == "FR":
        s["fr_pairs_dots"] = group(n, [2, 2, 2, 2, 2], ".")
        s["fr_intl_pairs"] = "+33 " + n[1] + " " + group(n[2:], [2, 2, 2, 2], " ")
    if r in ("DE", "AT") and " " in nat:
        head, tail = nat.replace("(", "").replace(")", "").split(" ", 1)
        s["de_slash"] = head + "/" + tail.replace(" ", "")
        s["de_dash"] = head + "-" + tail.replace(" ", "")
        s["de_paren"] = "(" + head + ") " + tail.replace(" ", "")
        s["de_intl_nozero"] = "+" + cc + " " + head[1:] + " " + tail.replace(" ", "")
    if r == "BE" and n.startswith("04"):
        s["be_slash"] = n[:4] + "/" + group(n[4:], [2, 2, 2], ".")
        s["be_slash_sp"] = n[:4] + "/" + group(n[4:], [2, 2, 2], " ")
    if r == "CH":
        s["ch_slash"] = n[:3] + "/" + group(n[3:], [3, 2, 2], " ")
    if r == "NL" and n.startswith("06"):
        s["nl_dash"] = "06-" + n[2:]
    if r == "IT" and n.startswith("3"):
        s["it_3_7"] = n[:3] + " " + n[3:]
        s["it_3_7_dot"] = n[:3] + "." + n[3:]
    if r == "ES":
        s["es_333"] = group(n, [3, 3, 3], " ")
    if r == "RO" and n.startswith("07"):
        s["ro_433_dots"] = group(n, [4, 3, 3], ".")
        s["ro_433_dash"] = group(n, [4, 3, 3], "-")
    if r == "BG" and n.startswith("08"):
        s["bg_433"] = group(n, [4, 3, 3], " ")
    if r == "GB" and n.startswith("07"):
        s["gb_5_6"] = n[:5] + " " + n[5:]
        s["gb_intl_(0)"] = "+44 (0)" + n[1:5] + " " + n[5:]
    if r in ("PT", "PL", "CZ", "GR"):
        s["grp3"] = group(n, [3, 3, 3, 3], " ")
    good = {}
    for k, v in s.items():
        try:
            back = phonenumbers.parse(v, r)
        except phonenumbers.NumberParseException:
            continue
        if back.country_code == num.country_code and back.national_number == num.national_number:
            good[k] = v
    return good


def is_phonelike(s, r):
    """True when the digits of s, read as a national or + number, are a valid phone."""
    digits = re.sub(r"\D", "", s)
    if not 6 <= len(digits) <= 15:
        return False
    for cand in (digits, "+" + digits):
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(cand, r)):
                return True
        except phonenumbers.NumberParseException:
            pass
    return False


def has_phone_run(s, r):
    """True when some consecutive digit groups of s (parted by one space, dot, dash or slash) are a
    valid national number of r: such a distractor holds a phone-shaped substring, which helps to
    judge whether a finding in it is a fault or an artefact of the probe."""
    for run in re.finditer(r"\d+(?:[ .\-/]\d+)*", s):
        groups = re.findall(r"\d+", run.group())
        for i in range(len(groups)):
            for j in range(i + 1, len(groups) + 1):
                if 6 <= len("".join(groups[i:j])) <= 13 and is_phonelike(" ".join(groups[i:j]), r):
                    return True
    return False


# ---------------------------------------------------------------------------------------------
# Languages: labels and digit-free filler sentences, per genre.
# ---------------------------------------------------------------------------------------------

LANG = {
    "fr": dict(
        tel=["Tél.", "Tel :", "Appelez-moi au", "Contact :", "📞", "Joignable au", "WhatsApp", "Portable :", "tel", "Infos au"],
        order=["Commande n°", "N° de commande :", "Votre commande"], tracking=["Numéro de suivi :", "Suivi colis", "N° de suivi", "suivi"],
        invoice=["Facture n°", "Facture"], adref=["Réf. annonce", "Annonce n°", "Réf :", "ID annonce"],
        code=["code porte", "digicode", "code"], room=["chambre", "appart", "porte"], photos="photos", views="vues",
        comments="commentaires", followers="abonnés", age="{n} ans", since="depuis {y}", born="née en {y}",
        months=["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
        dates=["{d:02}/{m:02}/{y}", "le {d} {mon} {y}", "{d:02}/{m:02}", "{d:02}/{m:02}/{y} à {H}h{M:02}", "{d:02}/{m:02}/{y} {H:02}:{M:02}", "{d:02}.{m:02}.{y}"],
        hours=["{a}h-{b}h", "de {a}h à {b}h", "{a}h30–{b}h", "{a:02}:00–{b:02}:30", "{a}h/{b}h", "7j/7", "24h/24"],
        size=["taille {n}", "bonnet {c}", "pointure {n}"], score=["victoire {a}-{b}", "score final {a}:{b}", "perdu {a} à {b}"],
        flight="Vol", train=["TGV", "TER", "Intercités"], seat="place", gps="GPS", version=["version", "mise à jour", "appli v"],
        percent=["remise", "TVA", "promo", "réduction de"], salary="Salaire", brut="brut / mois", hour="de l'heure",
        km="km", hp="ch", caryear="année", pin=["code PIN", "code de retrait", "code d'accès"], people="personnes", nights="nuits",
        floor="étage", total="Total", qty="Qté", ship="Livraison", hello="Bonjour", thanks="Merci pour votre commande !",
        names=["Julie", "Marc", "Sophie", "Karim", "Léa", "Nina"], or_="ou",
        room_ad=["Chambre meublée à louer dans colocation calme, proche métro.", "Charges comprises, libre de suite.", "Pas d'animaux, non fumeur."],
        massage=["Massage relaxant aux huiles par masseuse diplômée.", "Sur rendez-vous uniquement, ambiance zen.", "Massage californien ou suédois."],
        car=["Vends Peugeot en très bon état, entretien à jour.", "Contrôle technique ok, carnet complet.", "Pneus neufs, aucun frais à prévoir."],
        job=["Restaurant recherche serveur ou serveuse motivé(e).", "Poste en CDI, débutants acceptés.", "Envoyez CV ou passez nous voir."],
        babysit=["Étudiante sérieuse propose garde d'enfants le soir.", "Expérience avec les tout-petits, aide aux devoirs.", "Références sur demande."],
        escort=["Charmante accompagnatrice pour dîners et soirées.", "Discrétion assurée, rencontres entre adultes.", "Nouvelle en ville, disponible cette semaine."],
        social=["Trop contente de cette journée !", "Qui vient ce soir ?", "Merci à tous pour vos messages ❤️"],
        chat=["salut ça va ?", "oui et toi", "tu peux m'envoyer le numéro ?", "ok je t'appelle", "c'est combien ?", "à tout à l'heure"],
        forum=["Bonjour à tous, petite question sur mon abonnement.", "Quelqu'un a déjà eu ce souci ?", "Merci d'avance pour vos réponses."],
        shop=["Votre colis est en route.", "Retours gratuits sous trente jours."], travel=["Votre itinéraire", "Bon voyage !", "Hôtel réservé"],
    ),
    "en": dict(
        tel=["Tel:", "Call", "Phone:", "Contact:", "📞", "Text me on", "WhatsApp", "Mobile:", "call or text", "ring"],
        order=["Order #", "Order no.", "Your order"], tracking=["Tracking number:", "tracking", "Tracking no.", "Track your parcel:"],
        invoice=["Invoice", "Invoice no."], adref=["Ad ref", "Ad ID", "Ref:", "Listing no."],
        code=["door code", "gate code", "code"], room=["room", "flat", "apt"], photos="photos", views="views",
        comments="comments", followers="followers", age="{n} y/o", since="since {y}", born="born in {y}",
        months=["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
        dates=["{d:02}/{m:02}/{y}", "{d} {mon} {y}", "{mon} {d}, {y}", "{d:02}/{m:02}/{y} {H:02}:{M:02}", "{d}/{m}/{yy}", "{y}-{m:02}-{d:02}"],
        hours=["{a}am-{b}pm", "{a:02}:00–{b:02}:30", "from {a}am to {b}pm", "24/7", "open till {b}pm"],
        size=["size {n}", "{c} cup", "shoe size {n}"], score=["won {a}-{b}", "final score {a}:{b}", "lost {a}–{b}"],
        flight="Flight", train=["Train", "IC", "Service"], seat="seat", gps="GPS", version=["version", "update", "app v"],
        percent=["discount", "VAT", "off", "save"], salary="Salary", brut="gross per month", hour="per hour",
        km="miles", hp="bhp", caryear="reg", pin=["PIN", "collection code", "access code"], people="people", nights="nights",
        floor="floor", total="Total", qty="Qty", ship="Delivery", hello="Hi", thanks="Thanks for your order!",
        names=["Emma", "Liam", "Chloe", "Ryan", "Aoife", "Sean"], or_="or",
        room_ad=["Double room to let in a friendly flatshare.", "Bills included, available now.", "No pets, no smokers please."],
        massage=["Relaxing oil massage by a qualified therapist.", "By appointment only.", "Swedish or deep tissue."],
        car=["Selling my Ford, very good condition, full service history.", "MOT till next year.", "New tyres, drives perfectly."],
        job=["Cafe looking for a friendly barista.", "Full time, training provided.", "Send your CV or pop in."],
        babysit=["Reliable student offering evening babysitting.", "Experienced with toddlers, homework help.", "References available."],
        escort=["Elegant companion for dinners and events.", "Discreet, adults only.", "New in town this week."],
        social=["What a day!", "Who's coming tonight?", "Thanks everyone for the messages ❤️"],
        chat=["hey how are you", "good u?", "can you send me the number", "ok calling you now", "how much?", "see you later"],
        forum=["Hi all, quick question about my contract.", "Has anyone had this problem?", "Thanks in advance."],
        shop=["Your parcel is on its way.", "Free returns within thirty days."], travel=["Your itinerary", "Have a nice trip!", "Hotel booked"],
    ),
    "nl": dict(
        tel=["Tel.", "Bel", "Telefoon:", "Contact:", "📞", "App me op", "WhatsApp", "Mobiel:", "bel of app", "GSM"],
        order=["Bestelnummer", "Bestelling nr.", "Uw bestelling"], tracking=["Track & Trace:", "trackingnummer", "Zendingsnummer:", "T&T"],
        invoice=["Factuur", "Factuurnummer"], adref=["Advertentienummer", "Ref:", "Zoekertje nr.", "ID"],
        code=["deurcode", "code", "pincode kluisje"], room=["kamer", "appartement", "unit"], photos="foto's", views="weergaven",
        comments="reacties", followers="volgers", age="{n} jaar", since="sinds {y}", born="geboren in {y}",
        months=["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
        dates=["{d:02}-{m:02}-{y}", "{d} {mon} {y}", "{d:02}-{m:02}-{y} om {H:02}:{M:02}", "{d}/{m}/{y}", "{d:02}-{m:02}"],
        hours=["{a}u-{b}u", "van {a} tot {b} uur", "{a:02}:00–{b:02}:30", "vanaf {b}u", "{a}.00-{b}.00 uur"],
        size=["maat {n}", "cup {c}", "schoenmaat {n}"], score=["gewonnen {a}-{b}", "eindstand {a}-{b}", "verloren met {a}-{b}"],
        flight="Vlucht", train=["IC", "Intercity", "Sprinter"], seat="stoel", gps="GPS", version=["versie", "update", "app v"],
        percent=["korting", "btw", "actie"], salary="Salaris", brut="bruto per maand", hour="per uur",
        km="km", hp="pk", caryear="bouwjaar", pin=["pincode", "afhaalcode", "toegangscode"], people="personen", nights="nachten",
        floor="verdieping", total="Totaal", qty="Aantal", ship="Verzending", hello="Hallo", thanks="Bedankt voor je bestelling!",
        names=["Sanne", "Daan", "Lotte", "Bram", "Emma", "Jens"], or_="of",
        room_ad=["Gemeubileerde kamer te huur in rustig studentenhuis.", "Inclusief gas, water en licht.", "Geen huisdieren."],
        massage=["Ontspannende massage door gediplomeerde masseuse.", "Alleen op afspraak.", "Zweedse of sportmassage."],
        car=["Te koop nette Volkswagen, onderhoud bijgehouden.", "APK tot volgend jaar.", "Nieuwe banden, rijdt perfect."],
        job=["Horecazaak zoekt enthousiaste bediening.", "Vaste baan, opleiding op de werkvloer.", "Stuur je cv of kom langs."],
        babysit=["Betrouwbare studente biedt oppas aan in de avond.", "Ervaring met peuters, huiswerkbegeleiding.", "Referenties beschikbaar."],
        escort=["Charmante gezelschapsdame voor diners en feesten.", "Discreet, alleen volwassenen.", "Nieuw in de stad deze week."],
        social=["Wat een dag!", "Wie komt er vanavond?", "Bedankt allemaal voor de berichten ❤️"],
        chat=["hoi hoe gaat het", "goed en met jou", "kun je het nummer sturen", "ok ik bel je", "hoeveel kost het?", "tot straks"],
        forum=["Hallo allemaal, vraagje over mijn abonnement.", "Heeft iemand dit ook gehad?", "Alvast bedankt."],
        shop=["Je pakket is onderweg.", "Gratis retourneren binnen dertig dagen."], travel=["Je reisschema", "Goede reis!", "Hotel geboekt"],
    ),
    "de": dict(
        tel=["Tel.", "Tel.:", "Ruf an:", "Kontakt:", "📞", "Handy", "WhatsApp", "Mobil:", "Anrufen unter", "Telefon"],
        order=["Bestellnummer", "Bestellung Nr.", "Auftragsnummer:"], tracking=["Sendungsnummer:", "Sendungsnummer", "Tracking-Nr.", "Paketnummer"],
        invoice=["Rechnung Nr.", "Rechnungsnummer:"], adref=["Anzeigen-ID", "Anzeige Nr.", "Ref.", "Inserat-Nr."],
        code=["Türcode", "Code", "Schlüsselbox-Code"], room=["Zimmer", "Wohnung", "Top"], photos="Fotos", views="Aufrufe",
        comments="Kommentare", followers="Follower", age="{n} Jahre", since="seit {y}", born="Jahrgang {y}",
        months=["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
        dates=["{d:02}.{m:02}.{y}", "{d}. {mon} {y}", "{d:02}.{m:02}.", "{d:02}.{m:02}.{y}, {H:02}:{M:02} Uhr", "am {d}.{m}.", "{d:02}.{m:02}.{yy}"],
        hours=["{a}-{b} Uhr", "{a:02}:00–{b:02}:00 Uhr", "ab {b} Uhr", "Mo-Fr {a}-{b} Uhr", "{a}.30 bis {b} Uhr"],
        size=["Größe {n}", "Körbchen {c}", "Schuhgröße {n}"], score=["gewonnen {a}:{b}", "Endstand {a}:{b}", "verloren {a}:{b}"],
        flight="Flug", train=["ICE", "IC", "RJX", "S-Bahn S"], seat="Platz", gps="GPS", version=["Version", "Update", "App v"],
        percent=["Rabatt", "MwSt.", "Aktion", "Nachlass"], salary="Gehalt", brut="brutto/Monat", hour="pro Stunde",
        km="km", hp="PS", caryear="Baujahr", pin=["PIN", "Abholcode", "Zugangscode"], people="Personen", nights="Nächte",
        floor="Stock", total="Gesamt", qty="Menge", ship="Versand", hello="Hallo", thanks="Vielen Dank für Ihre Bestellung!",
        names=["Lena", "Jonas", "Mia", "Felix", "Anna", "Lukas"], or_="oder",
        room_ad=["Möbliertes WG-Zimmer in ruhiger Lage zu vermieten.", "Warmmiete inklusive Nebenkosten, ab sofort frei.", "Keine Haustiere, Nichtraucher."],
        massage=["Entspannende Ölmassage von ausgebildeter Masseurin.", "Nur nach Terminvereinbarung.", "Klassische oder Hot-Stone-Massage."],
        car=["Verkaufe gepflegten Golf, scheckheftgepflegt.", "TÜV neu, unfallfrei.", "Neue Reifen, fährt einwandfrei."],
        job=["Café sucht freundliche Servicekraft.", "Festanstellung, Einarbeitung garantiert.", "Bewerbung gerne per Mail oder persönlich."],
        babysit=["Zuverlässige Studentin bietet abends Kinderbetreuung.", "Erfahrung mit Kleinkindern, Hausaufgabenhilfe.", "Referenzen vorhanden."],
        escort=["Charmante Begleitung für Abendessen und Events.", "Diskret, nur Erwachsene.", "Neu in der Stadt diese Woche."],
        social=["Was für ein Tag!", "Wer kommt heute Abend?", "Danke für eure Nachrichten ❤️"],
        chat=["hey wie gehts", "gut und dir", "kannst du mir die nummer schicken", "ok ich ruf dich an", "was kostet das?", "bis später"],
        forum=["Hallo zusammen, kurze Frage zu meinem Vertrag.", "Hatte jemand schon dieses Problem?", "Danke im Voraus."],
        shop=["Ihr Paket ist unterwegs.", "Kostenlose Rücksendung innerhalb von dreißig Tagen."], travel=["Ihr Reiseplan", "Gute Reise!", "Hotel gebucht"],
    ),
    "it": dict(
        tel=["Tel.", "Cell.", "Chiamami al", "Contatto:", "📞", "Scrivimi su", "WhatsApp", "Cellulare:", "tel", "Info"],
        order=["Ordine n.", "Numero ordine:", "Il tuo ordine"], tracking=["Numero di tracciamento:", "tracking", "Codice spedizione", "n. spedizione"],
        invoice=["Fattura n.", "Fattura"], adref=["Rif. annuncio", "Annuncio n.", "Rif.", "ID annuncio"],
        code=["codice portone", "codice", "citofono"], room=["camera", "interno", "appartamento"], photos="foto", views="visualizzazioni",
        comments="commenti", followers="follower", age="{n} anni", since="dal {y}", born="nata nel {y}",
        months=["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"],
        dates=["{d:02}/{m:02}/{y}", "{d} {mon} {y}", "{d:02}/{m:02}/{y} ore {H:02}:{M:02}", "{d:02}-{m:02}-{y}", "il {d}/{m}"],
        hours=["dalle {a} alle {b}", "{a:02}:00-{b:02}:00", "h24", "ore {b}", "{a}.30-{b}.00"],
        size=["taglia {n}", "coppa {c}", "numero di scarpe {n}"], score=["vinto {a}-{b}", "risultato finale {a}-{b}", "perso {a} a {b}"],
        flight="Volo", train=["Frecciarossa", "Italo", "Regionale", "IC"], seat="posto", gps="GPS", version=["versione", "aggiornamento", "app v"],
        percent=["sconto", "IVA", "promo"], salary="Stipendio", brut="lordi al mese", hour="all'ora",
        km="km", hp="CV", caryear="anno", pin=["PIN", "codice di ritiro", "codice d'accesso"], people="persone", nights="notti",
        floor="piano", total="Totale", qty="Qtà", ship="Spedizione", hello="Ciao", thanks="Grazie per il tuo ordine!",
        names=["Giulia", "Marco", "Sara", "Luca", "Chiara", "Matteo"], or_="oppure",
        room_ad=["Affittasi camera singola arredata in appartamento tranquillo.", "Spese incluse, libera da subito.", "No animali, non fumatori."],
        massage=["Massaggio rilassante con oli da massaggiatrice diplomata.", "Solo su appuntamento.", "Massaggio svedese o decontratturante."],
        car=["Vendo Fiat in ottime condizioni, tagliandi regolari.", "Revisione fatta, unico proprietario.", "Gomme nuove."],
        job=["Bar cerca cameriere o cameriera con esperienza.", "Contratto a tempo indeterminato.", "Inviare curriculum o passare in sede."],
        babysit=["Studentessa seria offre servizio di babysitter serale.", "Esperienza con bambini piccoli, aiuto compiti.", "Referenze disponibili."],
        escort=["Accompagnatrice elegante per cene ed eventi.", "Massima discrezione, solo adulti.", "Nuova in città questa settimana."],
        social=["Che giornata!", "Chi viene stasera?", "Grazie a tutti per i messaggi ❤️"],
        chat=["ciao come stai", "bene e tu", "mi mandi il numero?", "ok ti chiamo", "quanto costa?", "a dopo"],
        forum=["Ciao a tutti, domanda sul mio abbonamento.", "Qualcuno ha avuto lo stesso problema?", "Grazie in anticipo."],
        shop=["Il tuo pacco è in viaggio.", "Reso gratuito entro trenta giorni."], travel=["Il tuo itinerario", "Buon viaggio!", "Hotel prenotato"],
    ),
    "es": dict(
        tel=["Tel.", "Llámame al", "Teléfono:", "Contacto:", "📞", "Escríbeme al", "WhatsApp", "Móvil:", "tlf", "Info"],
        order=["Pedido n.º", "Número de pedido:", "Tu pedido"], tracking=["Número de seguimiento:", "seguimiento", "Nº de envío", "tracking"],
        invoice=["Factura n.º", "Factura"], adref=["Ref. anuncio", "Anuncio n.º", "Ref.", "ID anuncio"],
        code=["código portal", "código", "clave"], room=["habitación", "piso", "puerta"], photos="fotos", views="visitas",
        comments="comentarios", followers="seguidores", age="{n} años", since="desde {y}", born="nacida en {y}",
        months=["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
        dates=["{d:02}/{m:02}/{y}", "{d} de {mon} de {y}", "{d:02}/{m:02}/{y} {H:02}:{M:02}h", "{d}/{m}/{yy}", "el {d}/{m}"],
        hours=["de {a} a {b}h", "{a:02}:00-{b:02}:00", "24h", "a partir de las {b}h", "{a}:30 a {b}:00"],
        size=["talla {n}", "copa {c}", "pie {n}"], score=["ganó {a}-{b}", "resultado final {a}-{b}", "perdió {a} a {b}"],
        flight="Vuelo", train=["AVE", "Alvia", "Cercanías"], seat="asiento", gps="GPS", version=["versión", "actualización", "app v"],
        percent=["descuento", "IVA", "oferta"], salary="Salario", brut="brutos al mes", hour="la hora",
        km="km", hp="CV", caryear="año", pin=["PIN", "código de recogida", "código de acceso"], people="personas", nights="noches",
        floor="planta", total="Total", qty="Cant.", ship="Envío", hello="Hola", thanks="¡Gracias por tu pedido!",
        names=["Lucía", "Pablo", "Marta", "Javi", "Carmen", "Diego"], or_="o",
        room_ad=["Se alquila habitación amueblada en piso compartido tranquilo.", "Gastos incluidos, disponible ya.", "No mascotas, no fumadores."],
        massage=["Masaje relajante con aceites por masajista titulada.", "Solo con cita previa.", "Masaje sueco o descontracturante."],
        car=["Vendo Seat en muy buen estado, revisiones al día.", "ITV pasada, un solo dueño.", "Neumáticos nuevos."],
        job=["Cafetería busca camarero o camarera con ganas.", "Contrato indefinido, formación a cargo de la empresa.", "Envía tu CV o pásate."],
        babysit=["Estudiante responsable ofrece cuidado de niños por las tardes.", "Experiencia con bebés, ayuda con deberes.", "Referencias disponibles."],
        escort=["Acompañante elegante para cenas y eventos.", "Discreción total, solo adultos.", "Nueva en la ciudad esta semana."],
        social=["¡Qué día!", "¿Quién viene esta noche?", "Gracias a todos por los mensajes ❤️"],
        chat=["hola qué tal", "bien y tú", "me pasas el número?", "vale te llamo", "cuánto cuesta?", "hasta luego"],
        forum=["Hola a todos, una duda sobre mi contrato.", "¿A alguien le ha pasado?", "Gracias de antemano."],
        shop=["Tu paquete está en camino.", "Devoluciones gratis en treinta días."], travel=["Tu itinerario", "¡Buen viaje!", "Hotel reservado"],
    ),
    "ro": dict(
        tel=["Tel.", "Telefon:", "Sună-mă la", "Contact:", "📞", "Scrie-mi pe", "WhatsApp", "Mobil:", "tel", "Info"],
        order=["Comanda nr.", "Număr comandă:", "Comanda ta"], tracking=["AWB", "Număr de urmărire:", "AWB nr.", "tracking"],
        invoice=["Factura nr.", "Factură fiscală"], adref=["ID anunț", "Anunț nr.", "Ref.", "Cod anunț"],
        code=["cod interfon", "cod", "cod ușă"], room=["camera", "ap.", "apartament"], photos="poze", views="vizualizări",
        comments="comentarii", followers="urmăritori", age="{n} ani", since="din {y}", born="născută în {y}",
        months=["ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august", "septembrie", "octombrie", "noiembrie", "decembrie"],
        dates=["{d:02}.{m:02}.{y}", "{d} {mon} {y}", "{d:02}.{m:02}.{y}, ora {H:02}:{M:02}", "{d:02}/{m:02}/{y}", "pe {d}.{m:02}"],
        hours=["între orele {a}-{b}", "L-V {a}-{b}", "{a:02}:00–{b:02}:30", "non-stop", "de la ora {b}"],
        size=["mărimea {n}", "cupa {c}", "mărime pantof {n}"], score=["a câștigat cu {a}-{b}", "scor final {a}-{b}", "a pierdut {a}-{b}"],
        flight="Zbor", train=["IR", "R", "IC"], seat="loc", gps="GPS", version=["versiunea", "actualizare", "aplicația v"],
        percent=["reducere", "TVA", "ofertă"], salary="Salariu", brut="brut pe lună", hour="pe oră",
        km="km", hp="CP", caryear="an fabricație", pin=["PIN", "cod de ridicare", "cod de acces"], people="persoane", nights="nopți",
        floor="etaj", total="Total", qty="Cant.", ship="Livrare", hello="Bună", thanks="Mulțumim pentru comandă!",
        names=["Ioana", "Andrei", "Maria", "Vlad", "Elena", "Mihai"], or_="sau",
        room_ad=["Închiriez cameră mobilată în apartament liniștit.", "Utilități incluse, disponibilă imediat.", "Fără animale, nefumători."],
        massage=["Masaj relaxant cu uleiuri de la maseuză calificată.", "Doar cu programare.", "Masaj suedez sau de relaxare."],
        car=["Vând Dacia în stare foarte bună, revizii la zi.", "ITP valabil, proprietar unic.", "Anvelope noi."],
        job=["Cafenea angajează ospătar sau ospătăriță.", "Contract pe perioadă nedeterminată.", "Trimite CV-ul sau treci pe la noi."],
        babysit=["Studentă serioasă ofer servicii de babysitting seara.", "Experiență cu copii mici, ajutor la teme.", "Referințe la cerere."],
        escort=["Însoțitoare elegantă pentru cine și evenimente.", "Discreție totală, doar adulți.", "Nouă în oraș săptămâna aceasta."],
        social=["Ce zi frumoasă!", "Cine vine diseară?", "Mulțumesc tuturor pentru mesaje ❤️"],
        chat=["salut ce faci", "bine tu", "îmi trimiți numărul?", "ok te sun", "cât costă?", "pe curând"],
        forum=["Salutare, am o întrebare despre abonament.", "A mai pățit cineva asta?", "Mulțumesc anticipat."],
        shop=["Coletul tău este pe drum.", "Retur gratuit în treizeci de zile."], travel=["Itinerariul tău", "Drum bun!", "Hotel rezervat"],
    ),
    "bg": dict(
        tel=["Тел.", "Телефон:", "Обади се на", "Контакт:", "📞", "Пиши ми на", "Viber", "Мобилен:", "тел", "GSM"],
        order=["Поръчка №", "Номер на поръчка:", "Вашата поръчка"], tracking=["Товарителница №", "Номер за проследяване:", "пратка", "tracking"],
        invoice=["Фактура №", "Фактура"], adref=["Обява №:", "Реф.", "ID на обявата", "Обява"],
        code=["код за входа", "код", "домофон"], room=["стая", "ап.", "апартамент"], photos="снимки", views="прегледа",
        comments="коментара", followers="последователи", age="{n} г.", since="от {y} г.", born="родена {y} г.",
        months=["януари", "февруари", "март", "април", "май", "юни", "юли", "август", "септември", "октомври", "ноември", "декември"],
        dates=["{d:02}.{m:02}.{y} г.", "{d} {mon} {y} г.", "{d:02}.{m:02}.{y}, {H:02}:{M:02} ч.", "{d:02}.{m:02}.{y}", "на {d}.{m:02}"],
        hours=["от {a} до {b} ч.", "{a:02}:00–{b:02}:30", "{a}-{b}ч", "денонощно", "след {b} ч."],
        size=["размер {n}", "чашка {c}", "номер обувки {n}"], score=["спечели с {a}:{b}", "краен резултат {a}:{b}", "загуби с {a}:{b}"],
        flight="Полет", train=["Влак", "БВ", "ПВ"], seat="място", gps="GPS", version=["версия", "обновление", "приложение v"],
        percent=["отстъпка", "ДДС", "промоция"], salary="Заплата", brut="бруто на месец", hour="на час",
        km="км", hp="к.с.", caryear="година", pin=["ПИН", "код за получаване", "код за достъп"], people="души", nights="нощувки",
        floor="етаж", total="Общо", qty="Бр.", ship="Доставка", hello="Здравейте", thanks="Благодарим за поръчката!",
        names=["Мария", "Иван", "Елена", "Георги", "Деси", "Николай"], or_="или",
        room_ad=["Давам под наем обзаведена стая в тих апартамент.", "Сметките са включени, свободна веднага.", "Без домашни любимци."],
        massage=["Релаксиращ масаж с масла от дипломирана масажистка.", "Само с предварително записване.", "Шведски или лечебен масаж."],
        car=["Продавам Опел в отлично състояние, обслужена.", "Нов технически преглед, един собственик.", "Нови гуми."],
        job=["Кафене търси сервитьор или сервитьорка.", "Безсрочен договор, обучение на място.", "Изпратете CV или елате на място."],
        babysit=["Отговорна студентка предлага гледане на деца вечер.", "Опит с малки деца, помощ с домашните.", "Препоръки при поискване."],
        escort=["Елегантна компаньонка за вечери и събития.", "Пълна дискретност, само за възрастни.", "Нова в града тази седмица."],
        social=["Какъв ден!", "Кой идва довечера?", "Благодаря на всички за съобщенията ❤️"],
        chat=["здрасти как си", "добре ти", "пратиш ли ми номера?", "ок звъня ти", "колко струва?", "до после"],
        forum=["Здравейте, имам въпрос за абонамента.", "Някой имал ли е същия проблем?", "Благодаря предварително."],
        shop=["Пратката ви е на път.", "Безплатно връщане до тридесет дни."], travel=["Вашият маршрут", "Приятно пътуване!", "Хотелът е резервиран"],
    ),
}

# Distractor classes used by each genre (beyond the shared ones), so texts look like their genre.
GENRES = {
    "ad_room":    ["price_month", "postal", "street", "surface", "floor", "date", "adref", "code", "count_photos", "year", "percent"],
    "ad_massage": ["price_list", "price_dur", "hours", "postal", "street", "age", "date", "adref", "count_views", "percent"],
    "ad_car":     ["price_big", "km", "caryear", "hp", "version_engine", "adref", "postal", "count_photos", "invalid_digits", "vin"],
    "ad_job":     ["salary", "hours", "postal", "street", "company", "date", "adref", "weekly_hours", "year_range", "percent"],
    "ad_babysit": ["price_hour", "age", "hours", "postal", "years_exp", "date", "count_children", "year"],
    "ad_escort":  ["price_list", "price_dur", "age", "height", "weight", "measure", "size", "hours", "postal", "count_photos", "count_views", "adref", "datetime"],
    "social":     ["datetime", "count_likes", "count_views", "score", "percent", "hashtag_num", "year", "price", "hours", "age", "postal"],
    "chat":       ["chat_ts", "price_dur", "hours", "room", "code", "postal", "street", "age", "price", "pin"],
    "forum":      ["digits_subrun", "datetime", "version", "percent", "price", "order", "invoice", "iban", "count_posts", "year_range", "score", "invalid_digits", "isbn"],
    "shop":       ["digits_subrun", "order", "tracking", "tracking_phonelike", "invoice", "price", "price_small", "date", "postal", "street", "iban", "company", "pin", "qty", "isbn", "percent"],
    "travel":     ["flight", "train", "datetime", "hours", "room", "booking_ref", "postal", "street", "gps", "price", "seat", "date", "count_nights", "tracking_phonelike"],
}
GENRE_WEIGHTS = {"ad_room": 10, "ad_massage": 10, "ad_car": 8, "ad_job": 8, "ad_babysit": 6, "ad_escort": 12,
                 "social": 12, "chat": 12, "forum": 8, "shop": 8, "travel": 6}
# Classes sprinkled into any genre.
SHARED = ["date", "price", "postal", "age", "percent", "count_photos", "invalid_digits", "gps", "iban", "company"]


class Ctx:
    """What a distractor generator needs: randomness, region, language."""

    def __init__(self, rng, region, lang):
        self.rng, self.r, self.lang, self.L, self.M = rng, region, lang, LANG[lang], MONEY[region]

    def digits(self, n, first="0123456789"):
        return self.rng.choice(first) + "".join(self.rng.choice("0123456789") for _ in range(n - 1))

    def amount(self, v, decimals=False):
        """v formatted with this region's marks, e.g. 1.250,00 / 1 250 / 1'250.00 / 1,250."""
        rng, M = self.rng, self.M
        ip = str(int(v))
        thou = rng.choice(M["thou"]) if v >= 1000 else ""
        if thou:
            ip = re.sub(r"(?<=\d)(?=(\d{3})+$)", thou, ip)
        if decimals:
            cents = int(round((v - int(v)) * 100))
            return f"{ip}{M['dec']}{cents:02d}"
        return ip

    def money(self, v, decimals=None):
        rng, M = self.rng, self.M
        if decimals is None:
            decimals = rng.random() < 0.3
        a = self.amount(v, decimals)
        cur = rng.choice(M["cur"])
        if self.r == "CH" and rng.random() < 0.4:
            return rng.choice([f"{a}.- CHF", f"CHF {a}.-", f"Fr. {a}.–"]) if not decimals else f"CHF {a}"
        if self.r in ("DE", "AT") and rng.random() < 0.15 and not decimals:
            return f"{a},- €"
        if M["before"] or (cur == "€" and rng.random() < 0.15):
            return f"{cur}{a}" if cur in "£€" and rng.random() < 0.6 else f"{cur.strip()} {a}"
        return f"{a}{cur}" if cur == "€" and rng.random() < 0.5 else f"{a} {cur}"


def D(ctx, cls):
    """One distractor of class cls: returns its text (label words included)."""
    rng, L, r = ctx.rng, ctx.L, ctx.r
    C = rng.choice
    y = rng.randint(2019, 2027)
    d, m = rng.randint(1, 28), rng.randint(1, 12)
    H, Mi = rng.randint(0, 23), rng.choice([0, 5, 15, 30, 43, 45, 59])

    def date_fmt(with_time=None):
        fmts = L["dates"]
        if with_time is True:
            fmts = [f for f in fmts if "{H" in f]
        elif with_time is False:
            fmts = [f for f in fmts if "{H" not in f]
        return C(fmts).format(d=d, m=m, y=y, yy=y % 100, H=H, M=Mi, mon=L["months"][m - 1])

    if cls == "date":
        return date_fmt(False) if rng.random() < 0.85 else f"{y}-{m:02d}-{d:02d}"
    if cls == "datetime":
        return date_fmt(True)
    if cls == "chat_ts":
        return C([f"[{H:02d}:{Mi:02d}]", f"{d:02d}/{m:02d}/{y} {H:02d}:{Mi:02d}", f"[{d:02d}.{m:02d}.{y % 100:02d}, {H:02d}:{Mi:02d}]",
                  f"{H:02d}:{Mi:02d}", f"[{y}-{m:02d}-{d:02d} {H:02d}:{Mi:02d}:{rng.randint(0, 59):02d}]"])
    if cls == "hours":
        a, b = rng.randint(7, 12), rng.randint(17, 23)
        return C(L["hours"]).format(a=a, b=b)
    if cls == "price":
        return ctx.money(C([rng.randint(5, 300), rng.randint(300, 5000), rng.randint(1000, 99999) / 100]))
    if cls == "price_small":
        return ctx.money(rng.randint(10, 999) / 100, decimals=True)
    if cls == "price_big":
        return ctx.money(rng.randint(15, 450) * 100)
    if cls == "price_month":
        return ctx.money(rng.randint(35, 160) * 10) + C(["/mois" if ctx.lang == "fr" else "/month", "", " cc" if ctx.lang == "fr" else ""])
    if cls == "price_hour":
        return ctx.money(rng.randint(8, 25)) + " " + L["hour"]
    if cls == "price_dur":
        p = rng.randint(4, 30) * 10
        u = C(["€", "€", " EUR", " lei", " лв"]) if r not in ("CH", "GB") else ("CHF" if r == "CH" else "£")
        return C([f"{p}{u}/30min", f"{p}{u} /1h", f"{p}{u} 1h", f"30min {p}{u}", f"1h = {p}{u}"]) if u != "£" else f"£{p}/1h"
    if cls == "price_list":
        a = rng.randint(5, 15) * 10
        seq = [a, a + 50, a + 100]
        cur = C(ctx.M["cur"])
        return C([f"{seq[0]} / {seq[1]} / {seq[2]} {cur}", f"30min {seq[0]}, 1h {seq[1]}, 2h {seq[2]}",
                  f"{seq[0]}-{seq[1]}-{seq[2]}{cur}", f"½h {seq[0]} | 1h {seq[1]}"])
    if cls == "salary":
        return f"{L['salary']} {ctx.money(rng.randint(18, 45) * 100)} {L['brut']}"
    if cls == "postal":
        return postal(rng, r)
    if cls == "street":
        return street(rng, r)
    if cls == "age":
        return L["age"].format(n=rng.randint(19, 45))
    if cls == "years_exp":
        return L["age"].format(n=rng.randint(2, 9)).replace("y/o", "years").replace("г.", "години")
    if cls == "height":
        cm = rng.randint(150, 190)
        dec = ctx.M["dec"] if rng.random() < 0.7 else "."
        return C([f"1{dec}{cm - 100}m", f"1{dec}{cm - 100} m", f"{cm} cm", f"{cm}cm"])
    if cls == "weight":
        return C([f"{rng.randint(45, 80)} kg", f"{rng.randint(45, 80)}kg"])
    if cls == "measure":
        return C([f"{rng.randint(80, 100)}-{rng.randint(55, 70)}-{rng.randint(85, 100)}", f"{rng.randint(80, 100)}/{rng.randint(55, 70)}/{rng.randint(85, 100)}"])
    if cls == "size":
        return C(L["size"]).format(n=rng.randint(34, 42), c=C("ABCD"))
    if cls == "surface":
        return C([f"{rng.randint(9, 25)} m²", f"{rng.randint(30, 120)}m2", f"{rng.randint(9, 25)} qm"])
    if cls == "floor":
        return f"{rng.randint(1, 9)}. {L['floor']}" if ctx.lang in ("de", "nl") else f"{L['floor']} {rng.randint(1, 9)}"
    if cls == "percent":
        return C([f"-{rng.randint(5, 70)}%", f"{C(L['percent'])} {rng.randint(5, 70)} %", f"{rng.randint(1, 25)}{ctx.M['dec']}{rng.randint(1, 9)}%",
                  f"{C(L['percent'])} {rng.choice([5, 6, 7, 9, 10, 19, 20, 21, 22])}%"])
    if cls == "year":
        return C([L["since"].format(y=rng.randint(1995, 2025)), str(rng.randint(1990, 2026)), L["born"].format(y=rng.randint(1980, 2006))])
    if cls == "year_range":
        a = rng.randint(1990, 2020)
        return C([f"{a}-{a + rng.randint(1, 6)}", f"{a}–{a + rng.randint(1, 6)}", f"{a}/{(a + 1) % 100:02d}"])
    if cls == "caryear":
        return f"{L['caryear']} {rng.randint(2004, 2023)}"
    if cls == "km":
        return f"{ctx.amount(rng.randint(5, 250) * 1000)} {L['km']}"
    if cls == "hp":
        return C([f"{rng.randint(60, 250)} {L['hp']}", f"{rng.randint(1, 3)}{ctx.M['dec']}{rng.randint(0, 9)} TDI {rng.randint(90, 190)} {L['hp']}"])
    if cls == "version_engine":
        return C([f"{rng.randint(1, 3)}.{rng.randint(0, 9)} TSI", f"Euro {rng.randint(4, 6)}", f"{rng.randint(3, 5)} portes" if ctx.lang == "fr" else f"{rng.randint(5, 7)}-speed"])
    if cls == "vin":
        return "VIN " + "".join(C("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(17))
    if cls == "weekly_hours":
        return C([f"{rng.randint(20, 40)}h/sem" if ctx.lang == "fr" else f"{rng.randint(20, 40)} h/week", f"{rng.randint(20, 40)} Std./Woche" if ctx.lang == "de" else f"{rng.randint(20, 40)}h"])
    if cls == "count_children":
        return C([f"{rng.randint(1, 4)} x", f"{rng.randint(1, 4)}/{rng.randint(2, 12)}"])
    if cls == "count_photos":
        return f"{rng.randint(2, 40)} {L['photos']}"
    if cls == "count_views":
        return f"{C([rng.randint(10, 999), rng.randint(1000, 99999)])} {L['views']}"
    if cls == "count_likes":
        return C([f"{rng.randint(2, 999)} ❤️", f"{rng.randint(2, 999)} {L['comments']}", f"{ctx.amount(rng.randint(1000, 50000))} {L['followers']}",
                  f"{rng.randint(1, 9)}{ctx.M['dec']}{rng.randint(1, 9)}k"])
    if cls == "count_posts":
        return C([f"Posts: {rng.randint(1, 9999)}", f"#{rng.randint(2, 400)}", f"{rng.randint(1, 50)} {L['comments']}"])
    if cls == "count_nights":
        return f"{rng.randint(1, 14)} {L['nights']}, {rng.randint(1, 4)} {L['people']}"
    if cls == "hashtag_num":
        return C([f"#summer{y}", f"#{rng.randint(1, 31)}{C(['juin', 'mai', 'june', 'Juni'])}", f"#top{rng.randint(3, 50)}"])
    if cls == "score":
        return C(L["score"]).format(a=rng.randint(0, 5), b=rng.randint(0, 5)) if rng.random() < 0.8 else f"{rng.randint(80, 120)}-{rng.randint(80, 120)}"
    if cls == "order":
        return C(L["order"]) + " " + C([ctx.digits(9, "123456789"), f"{y}-{ctx.digits(6)}", f"{ctx.digits(3)}-{ctx.digits(7)}-{ctx.digits(7)}",
                                         "#" + ctx.digits(8, "123456789"), f"CMD{ctx.digits(8)}", ctx.digits(12, "123456789")])
    if cls == "tracking":
        return C(L["tracking"]) + " " + C([f"6A{ctx.digits(11)}", f"JJD{ctx.digits(18)}", "1Z" + "".join(C("0123456789ABCDEF") for _ in range(16)),
                                            ctx.digits(14, "123456789"), f"RR{ctx.digits(9)}FR", ctx.digits(20, "0"), ctx.digits(12, "123456789")])
    if cls == "tracking_phonelike":
        # Digit strings of 10-11 digits that a phone parser accepts for this region.
        for _ in range(2000):
            s = ctx.digits(rng.choice([10, 11]), rng.choice(["0", "123456789"]))
            if is_phonelike(s, r) and not s.startswith("00"):
                break
        return C(L["tracking"]) + " " + s
    if cls == "invoice":
        return C(L["invoice"]) + " " + C([f"FA-{y}-{ctx.digits(5)}", f"{y}/{ctx.digits(4)}", ctx.digits(8, "123456789"), f"INV-{ctx.digits(7)}"])
    if cls == "adref":
        return C(L["adref"]) + " " + C([ctx.digits(5, "123456789"), ctx.digits(8, "123456789"), ctx.digits(10, "123456789"), f"{ctx.digits(3)}-{ctx.digits(4)}"])
    if cls == "booking_ref":
        return C(["PNR", "Booking ref", "Réservation", "Buchungsnr.", "Prenotazione", "Localizador", "Rezervare", "Резервация"]) + " " + \
            C(["".join(C("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(6)), ctx.digits(10, "123456789"), f"{ctx.digits(4)} {ctx.digits(3)} {ctx.digits(3)}"])
    if cls == "iban":
        return "IBAN " + iban(rng, r)
    if cls == "company":
        return company_id(rng, r)
    if cls == "isbn":
        return "ISBN " + isbn(rng)
    if cls == "gps":
        la, lo = rng.uniform(36, 60), rng.uniform(-8, 28)
        return C([f"GPS {la:.6f}, {lo:.6f}", f"{la:.5f},{lo:.5f}", f"{L['gps']}: {la:.4f} {lo:.4f}",
                  f"{int(la)}°{rng.randint(0, 59)}′{rng.randint(0, 59)}″N {int(lo)}°{rng.randint(0, 59)}′{rng.randint(0, 59)}″E"])
    if cls == "version":
        return C([f"{C(L['version'])} {rng.randint(1, 20)}.{rng.randint(0, 9)}.{rng.randint(0, 30)}", f"iOS {rng.randint(14, 18)}.{rng.randint(0, 6)}",
                  f"Android {rng.randint(9, 15)}", f"firmware {rng.randint(1, 5)}.{rng.randint(0, 9)}.{rng.randint(10, 99)}"])
    if cls == "flight":
        return f"{L['flight']} " + C([f"AF {rng.randint(1000, 7999)}", f"LH{rng.randint(100, 2999)}", f"FR {rng.randint(1000, 9999)}",
                                      f"W6 {rng.randint(1000, 4999)}", f"U2 {rng.randint(1000, 8999)}", f"RO{rng.randint(200, 499)}", f"FB {rng.randint(400, 999)}"])
    if cls == "train":
        return f"{C(L['train'])} {rng.randint(100, 9999)}" + C(["", f", {L['seat']} {rng.randint(1, 120)}"])
    if cls == "seat":
        return C([f"{L['seat']} {rng.randint(1, 40)}{C('ABCDEF')}", f"Gate {C('ABCD')}{rng.randint(1, 60)}", f"Terminal {rng.randint(1, 3)}"])
    if cls == "room":
        return f"{C(L['room'])} {rng.randint(1, 9)}{rng.randint(0, 3)}{rng.randint(1, 9)}"
    if cls == "code":
        return f"{C(L['code'])} {ctx.digits(4)}" + C(["", "B", "#", "A"])
    if cls == "pin":
        return f"{C(L['pin'])} {ctx.digits(C([4, 6]))}"
    if cls == "qty":
        return f"{L['qty']} {rng.randint(1, 5)} x {ctx.money(rng.randint(199, 9999) / 100, decimals=True)}"
    if cls == "invalid_digits":
        # Phone-shaped groups that are not a valid number in this region.
        for _ in range(1000):
            sizes = C([[2, 2, 2, 2], [2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3], [4, 3], [2, 3, 2, 2], [3, 2, 2, 2, 2, 2]])
            s = " ".join(ctx.digits(n) for n in sizes)
            if not has_phone_run(s, r):
                break
        return C([""] + INVALID_LABELS[ctx.lang]) + s
    if cls == "digits_subrun":
        # Borderline on purpose: a labelled id of digit groups, invalid as a whole, in which some
        # consecutive groups (not the whole) do form a valid number, e.g. "n° client 97 07 85 43 73 65".
        for _ in range(5000):
            sizes = C([[2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3], [2, 3, 2, 2], [2, 2, 2, 2, 2]])
            s = " ".join(ctx.digits(n) for n in sizes)
            if has_phone_run(s, r) and not is_phonelike(s, r):
                break
        return C(INVALID_LABELS[ctx.lang]) + s
    raise KeyError(cls)


# Labels for ids that look like phones (customer, case, file numbers) in each language.
INVALID_LABELS = {"fr": ["dossier ", "n° client ", "réf "], "en": ["ref ", "customer no. ", "case "], "nl": ["klantnr. ", "dossier "],
                  "de": ["Kd.-Nr. ", "Vorgang "], "it": ["cliente ", "pratica n. "], "es": ["cliente ", "expediente "],
                  "ro": ["client ", "dosar nr. "], "bg": ["клиент № ", "преписка "]}

ALL_CLASSES = sorted({c for cs in GENRES.values() for c in cs} | set(SHARED))

JOINERS_L = [", ", " - ", " · ", ". ", " | ", " / ", " – ", "\n", " ", "; "]
JOINERS_W = [14, 12, 6, 12, 6, 4, 6, 10, 16, 4]


class Doc:
    """A text being assembled, with the UTF-8 byte span of everything planted in it."""

    def __init__(self):
        self.parts, self.n, self.spans = [], 0, []

    def add(self, s, kind=None, **meta):
        b = len(s.encode("utf-8"))
        if kind:
            self.spans.append(dict(kind=kind, start=self.n, end=self.n + b, text=s, **meta))
        self.parts.append(s)
        self.n += b

    def text(self):
        return "".join(self.parts)


def make_text(rng, idx):
    region = rng.choices(list(REGION_WEIGHTS), list(REGION_WEIGHTS.values()))[0]
    lang = rng.choice(REGION_LANGS[region])
    genre = rng.choices(list(GENRE_WEIGHTS), list(GENRE_WEIGHTS.values()))[0]
    ctx = Ctx(rng, region, lang)
    L = ctx.L
    fill_key = {"ad_room": "room_ad", "ad_massage": "massage", "ad_car": "car", "ad_job": "job", "ad_babysit": "babysit",
                "ad_escort": "escort", "social": "social", "chat": "chat", "forum": "forum", "shop": "shop", "travel": "travel"}[genre]
    fillers = L[fill_key]
    pool = GENRES[genre] + SHARED

    # Items of the text: ("f", filler) | ("d", cls) | ("p", None).  Phones are placed later.
    items = []
    if genre == "shop":
        items.append(("f", L["hello"] + ","))
        items.append(("f", L["thanks"]))
    for _ in range(rng.randint(5, 11)):
        items.append(("d", rng.choice(pool)) if rng.random() < 0.65 else ("f", rng.choice(fillers)))

    with_phone = rng.random() < 0.5
    phones = []
    if with_phone:
        for _ in range(rng.choices([1, 2, 3], [70, 25, 5])[0]):
            # Mostly the record's own region; sometimes a foreign number written internationally.
            pr = region if rng.random() < 0.88 else rng.choice([x for x in NSN if x != region])
            num = draw_phone(rng, pr)
            styles = phone_styles(num, pr)
            if pr != region:
                styles = {k: v for k, v in styles.items() if v.startswith(("+", "00"))}
            style = rng.choice(sorted(styles))
            phones.append((num, style, styles[style], pr))
        for ph in phones:
            items.insert(rng.randint(0, len(items)), ("p", ph))

    doc = Doc()
    # Fillers are drawn without repetition so a text does not say the same sentence twice.
    fill_bag = list(fillers)
    rng.shuffle(fill_bag)
    for i, (kind, val) in enumerate(items):
        if kind == "f":
            if not fill_bag:
                continue
            val = fill_bag.pop()
        if i > 0:
            if genre == "chat":
                sep = "\n"
            elif doc.parts and doc.parts[-1].rstrip()[-1:] in ".!?:❤️" or kind == "f":
                # After a sentence, or before one, people start a new sentence or line.
                sep = rng.choice([" ", " ", "\n"])
            else:
                sep = rng.choices(JOINERS_L, JOINERS_W)[0]
            doc.add(sep)
        if genre == "chat":
            # One message per line: a timestamp, a name, maybe some words, then the item.
            doc.add(D(ctx, "chat_ts"), "dist", cls="chat_ts")
            doc.add(" " + rng.choice(L["names"]) + ": ")
            if kind != "f" and rng.random() < 0.5:
                doc.add(rng.choice(fillers) + " ")
        if kind == "f":
            doc.add(val)
        elif kind == "d":
            doc.add(D(ctx, val), "dist", cls=val)
        else:
            num, style, s, pr = val
            label = rng.random() < 0.55
            if label:
                doc.add(rng.choice(L["tel"]) + " ")
            doc.add(s, "phone", e164=phonenumbers.format_number(num, PNF.E164), style=style, phone_region=pr, label=label)
            # Right next to a distractor most of the time, with a recorded joiner.
            if rng.random() < 0.75:
                j = rng.choices(JOINERS_L, JOINERS_W)[0]
                cls = rng.choice(pool)
                doc.add(j)
                doc.add(D(ctx, cls), "dist", cls=cls, after_phone=True, joiner=j)
    text = doc.text()
    # The planted spans must cover every digit: a finding outside them would be unattributable.
    covered = bytearray(len(text.encode()))
    for sp in doc.spans:
        covered[sp["start"]:sp["end"]] = b"\x01" * (sp["end"] - sp["start"])
    pos = 0
    for ch in text:
        b = len(ch.encode())
        if ch.isdigit() and not covered[pos]:
            raise AssertionError(f"uncovered digit in {text!r}")
        pos += b
    # Note, for each phone, what stands right before and after it and what parts them: a finder
    # is most likely to merge a phone with a number that only whitespace parts from it.
    tb = text.encode()
    for ps in (s for s in doc.spans if s["kind"] == "phone"):
        before = [s for s in doc.spans if s["end"] <= ps["start"]]
        ps["left"], ps["left_gap"] = "start", "far"
        if before:
            b = before[-1]
            gap = tb[b["end"]:ps["start"]].decode()
            if len(gap) <= 3:
                ps["left"] = b.get("cls") or "phone"
                ps["left_gap"] = ("space-after-digit" if b["text"][-1:].isdigit() else "space") if not gap.strip() else "punct"
            elif ps["label"]:
                ps["left"], ps["left_gap"] = "label", "label"
        nxt = [s for s in doc.spans if s["start"] >= ps["end"]]
        ps["right"], ps["right_gap"] = "text", "far"
        if nxt and nxt[0]["start"] - ps["end"] <= 4:
            gap = tb[ps["end"]:nxt[0]["start"]].decode()
            ps["right"] = nxt[0].get("cls", "phone")
            ps["right_gap"] = ("space-before-digit" if nxt[0]["text"][:1].isdigit() else "space") if not gap.strip() else \
                ("newline" if gap.strip(" ") == "\n" else "punct")
    for s in doc.spans:
        if s["kind"] == "dist":
            s["phonelike"] = is_phonelike(s["text"], region)
            s["has_phone_run"] = has_phone_run(s["text"], region)
    rid = f"pp-{idx:05d}"
    return dict(id=rid, text=text, region=region, lang=lang), dict(id=rid, region=region, lang=lang, genre=genre, spans=doc.spans)


# ---------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------

def overlaps(a0, a1, b0, b1):
    return a0 < b1 and b0 < a1


class Score:
    """Precision / recall of one finder, broken down by any key."""

    def __init__(self):
        self.tp = collections.Counter()   # findings whose value was planted, by key
        self.fp = collections.Counter()   # other findings, by key
        self.found = collections.Counter()  # planted phones found, by key
        self.planted = collections.Counter()  # planted phones, by key
        self.fps, self.misses, self.span_off = [], [], []

    def table(self, keyname, keys, out):
        out.append(f"  {keyname:<28} {'prec':>7} {'tp':>5} {'fp':>4}   {'recall':>7} {'found':>5} {'of':>5}")
        for k in keys:
            tp, fp, f, p = self.tp[k], self.fp[k], self.found[k], self.planted[k]
            pr = f"{tp / (tp + fp):.4f}" if tp + fp else "   -  "
            rc = f"{f / p:.4f}" if p else "   -  "
            out.append(f"  {str(k):<28} {pr:>7} {tp:>5} {fp:>4}   {rc:>7} {f:>5} {p:>5}")


def score(findings_by_rec, truth, texts, name):
    """findings_by_rec: id -> list of (start, end, value, evidence)."""
    S = Score()
    for t in truth:
        rid = t["id"]
        text_b = texts[rid].encode()
        planted = [s for s in t["spans"] if s["kind"] == "phone"]
        values = {s["e164"] for s in planted}
        keys_rec = ["ALL", "genre=" + t["genre"], "lang=" + t["lang"], "region=" + t["region"]]
        fs = findings_by_rec.get(rid, [])
        for (a, b, v, ev) in fs:
            if v in values:
                for k in keys_rec:
                    S.tp[k] += 1
                if not any(s["e164"] == v and s["start"] == a and s["end"] == b for s in planted):
                    S.span_off.append((rid, t["region"], v, ev, [s["text"] for s in planted if s["e164"] == v]))
                continue
            hit = [s for s in t["spans"] if overlaps(a, b, s["start"], s["end"])]
            dist = sorted({s["cls"] for s in hit if s["kind"] == "dist"})
            cls = "+".join((["PHONE"] if any(s["kind"] == "phone" for s in hit) else []) + dist) or "unannotated"
            pl = "phonelike" if any(s.get("phonelike") for s in hit if s["kind"] == "dist") else \
                "has-phone-run" if any(s.get("has_phone_run") for s in hit if s["kind"] == "dist") else ""
            for k in keys_rec + ["class=" + cls]:
                S.fp[k] += 1
            snip = text_b[max(0, a - 50):b + 50].decode("utf-8", "replace").replace("\n", "⏎")
            S.fps.append(dict(id=rid, region=t["region"], lang=t["lang"], cls=cls, value=v, evidence=ev, phonelike=pl, snippet=snip))
        for s in planted:
            keys = keys_rec + ["style=" + s["style"], "right=" + s["right"], "left=" + s["left"], "label=" + str(s["label"]),
                               "right_gap=" + s["right_gap"], "left_gap=" + s["left_gap"],
                               "nsn=" + s["phone_region"] + "/" + str(len(s["e164"]) - 1 - len(str(phonenumbers.country_code_for_region(s["phone_region"]))))]
            ok = any(v == s["e164"] and overlaps(a, b, s["start"], s["end"]) for (a, b, v, ev) in fs)
            for k in keys:
                S.planted[k] += 1
                S.found[k] += ok
            if not ok:
                snip = text_b[max(0, s["start"] - 50):s["end"] + 50].decode("utf-8", "replace").replace("\n", "⏎")
                got = [(v, ev) for (a, b, v, ev) in fs if overlaps(a, b, s["start"], s["end"])]
                S.misses.append(dict(id=rid, region=t["region"], style=s["style"], phone=s["text"], e164=s["e164"],
                                     left=f"{s['left']}/{s['left_gap']}", right=f"{s['right']}/{s['right_gap']}", got=got, snippet=snip))
    return S


def run_cairn(binary, corpus, out_path):
    with open(out_path, "w") as out:
        p = subprocess.run([binary, "scan", "--format", "jsonl", "--no-store", "--quiet", corpus], stdout=out, stderr=subprocess.PIPE, text=True)
    if p.returncode not in (0, 3):
        sys.exit(f"cairn failed ({p.returncode}): {p.stderr[:2000]}")
    found = collections.defaultdict(list)
    with open(out_path) as f:
        for line in f:
            o = json.loads(line)
            if o.get("type") == "finding" and o.get("kind") == "phone":
                found[o["record"]].append((o["start"], o["end"], o["value"], o["evidence"]))
            elif o.get("type") == "error":
                print("cairn error line:", o, file=sys.stderr)
    return found


def run_phonenumbers(corpus_rows):
    """PhoneNumberMatcher, leniency VALID, in the record's region; offsets turned into UTF-8 bytes."""
    found = collections.defaultdict(list)
    for row in corpus_rows:
        text = row["text"]
        for m in phonenumbers.PhoneNumberMatcher(text, row["region"], leniency=phonenumbers.Leniency.VALID):
            a = len(text[:m.start].encode())
            b = a + len(m.raw_string.encode())
            found[row["id"]].append((a, b, phonenumbers.format_number(m.number, PNF.E164), m.raw_string))
    return found


def report(S, name, out, full=True):
    out.append(f"\n=== {name} ===")
    tp, fp = S.tp["ALL"], S.fp["ALL"]
    out.append(f"  precision {tp / max(1, tp + fp):.4f} ({tp} tp, {fp} fp)   recall {S.found['ALL'] / max(1, S.planted['ALL']):.4f} "
               f"({S.found['ALL']}/{S.planted['ALL']})   value right but span differs: {len(S.span_off)}")
    keys = sorted(set(S.tp) | set(S.fp) | set(S.planted))
    for prefix in ("genre=", "lang=", "region="):
        S.table(prefix[:-1], [k for k in keys if k.startswith(prefix)], out)
    borderline = sum(1 for f in S.fps if f["phonelike"])
    out.append(f"  precision not counting the {borderline} FPs on distractors whose digits are, or hold, a valid phone "
               f"(phonelike / has-phone-run): {tp / max(1, tp + fp - borderline):.4f}")
    fp_classes = sorted((k for k in S.fp if k.startswith("class=")), key=lambda k: -S.fp[k])
    out.append("  false positives by overlapped planted span (PHONE+x = a planted phone merged with x):")
    for k in fp_classes:
        out.append(f"    {k[6:]:<40} {S.fp[k]}")
    if not full:
        return
    for prefix in ("left_gap=", "right_gap=", "label=", "nsn=", "style=", "left=", "right="):
        S.table(prefix[:-1] + " (recall only)", [k for k in keys if k.startswith(prefix)], out)
    out.append(f"  --- every false positive ({len(S.fps)}) ---")
    for f in sorted(S.fps, key=lambda f: (f["cls"], f["id"])):
        out.append(f"  FP {f['id']} {f['region']}/{f['lang']} [{f['cls']}{' ' + f['phonelike'] if f['phonelike'] else ''}] "
                   f"{f['value']} <- {f['evidence']!r}  …{f['snippet']}…")
    out.append(f"  --- every miss ({len(S.misses)}) ---")
    for m in S.misses:
        out.append(f"  MISS {m['id']} {m['region']} {m['style']} {m['phone']!r} ({m['e164']}) left={m['left']} right={m['right']} got={m['got']}  …{m['snippet']}…")
    if S.span_off:
        out.append(f"  --- value right, span differs ({len(S.span_off)}) ---")
        for x in S.span_off:
            out.append(f"  SPAN {x[0]} {x[1]} {x[2]} evidence={x[3]!r} planted={x[4]!r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cairn", default="target/release/cairn")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--workdir")
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args()
    wd = a.workdir or tempfile.mkdtemp(prefix="probe_phone_precision_")
    os.makedirs(wd, exist_ok=True)
    rng = random.Random(a.seed)
    rows, truth = [], []
    for i in range(a.n):
        row, tr = make_text(rng, i)
        rows.append(row)
        truth.append(tr)
    corpus = os.path.join(wd, "corpus.jsonl")
    with open(corpus, "w") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(wd, "truth.jsonl"), "w") as f:
        for t in truth:
            f.write(json.dumps(dict(id=t["id"], region=t["region"], lang=t["lang"], genre=t["genre"],
                                    phones=[s["e164"] for s in t["spans"] if s["kind"] == "phone"], spans=t["spans"]),
                               ensure_ascii=False) + "\n")
    if a.show:
        for r in rows[:8]:
            print(f"--- {r['id']} {r['region']}/{r['lang']}\n{r['text']}\n")
    texts = {r["id"]: r["text"] for r in rows}
    out = [f"probe_phone_precision seed={a.seed} n={a.n} workdir={wd}",
           f"texts with phones: {sum(1 for t in truth if any(s['kind'] == 'phone' for s in t['spans']))}, "
           f"planted phones: {sum(1 for t in truth for s in t['spans'] if s['kind'] == 'phone')}, "
           f"distractors: {sum(1 for t in truth for s in t['spans'] if s['kind'] == 'dist')} "
           f"(of which phone-like digit strings: {sum(1 for t in truth for s in t['spans'] if s.get('phonelike'))})"]
    cairn = score(run_cairn(a.cairn, corpus, os.path.join(wd, "cairn.jsonl")), truth, texts, "cairn")
    report(cairn, f"cairn ({a.cairn})", out)
    pn = score(run_phonenumbers(rows), truth, texts, "phonenumbers")
    report(pn, "phonenumbers.PhoneNumberMatcher (Leniency.VALID)", out, full=False)
    text = "\n".join(out)
    with open(os.path.join(wd, "report.txt"), "w") as f:
        f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
