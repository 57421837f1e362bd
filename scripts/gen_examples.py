#!/usr/bin/env python3
"""Write Cairn's bundled examples (examples/): synthetic, fictional, non-explicit ads and posts.

Deterministic: the same seed gives the same bytes. Standard library only.

    python3 scripts/gen_examples.py            # writes ./examples next to scripts/
    python3 scripts/gen_examples.py --out DIR  # elsewhere (e.g. to diff against the committed copy)

Everything is invented: names, numbers (valid formats, example-like digits), e-mail addresses on
example.org/.net/.com, IBANs and wallets with valid checksums but no real owner.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import random
import sys
import zlib
from pathlib import Path

sys.dont_write_bytecode = True  # keep scripts/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_lib import ids, lang as L, phones as P, verify  # noqa: E402
from corpus_lib.compose import Doc, plain_price  # noqa: E402
from corpus_lib.warc import WarcWriter, chunked, gz, png_gradient  # noqa: E402

SEED = 20260323
VERSION = 1
OBF_RATE = 0.4
START = dt.datetime(2026, 1, 5, 9, 0, 0)

# Fictional classified-ad and social sites; `.example` is reserved for documentation (RFC 2606).
SITES = {
    "FR": "annonces-fr.example", "BE": "zoekertjes-be.example", "NL": "advertenties-nl.example",
    "DE": "kleinanzeigen-de.example", "AT": "anzeigen-at.example", "IT": "annunci-it.example",
    "ES": "anuncios-es.example", "RO": "anunturi-ro.example", "BG": "obiavi-bg.example",
    "GB": "classifieds-uk.example",
}
SOCIAL_SITE = "social.example"


def example_phone(rng: random.Random, region: str, line: str = "mobile") -> P.Phone:
    # Example-like: the subscriber part ends in 000 and two digits.
    return P.make_phone(rng, region, line, tail="000" + f"{rng.randrange(100):02d}")


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- networks

def build_networks(rng: random.Random) -> list[dict]:
    """Six fictional networks; each reuses selectors across cities and months."""
    nets = []
    nets.append({
        "id": "N1", "name": "Rose line", "kind": "escort",
        "description": "Ads moved from Paris to Lyon, Lille, Brussels and Marseille; the phone changes when the ads "
                       "reach Brussels, "
                       "the Snapchat handle and e-mail stay.",
        "phones": [example_phone(rng, "FR"), example_phone(rng, "FR")],
        "phone_switch": 9,  # ads from this index on use the second phone
        "email": "lila.rose.vip@example.org",
        "handles": [("snapchat", "lila.rose.vip")],
        "itinerary": [("Paris", "fr", 3), ("Lyon", "fr", 3), ("Lille", "fr", 3), ("Bruxelles", "fr", 3),
                      ("Marseille", "fr", 2)],
        "names": ["Lila", "Rose"],
        "indicators": ["new_in_town", "touring", "youth", "incall_outcall", "hotel_shortstay"],
    })
    nets.append({
        "id": "N2", "name": "Tulip agenda", "kind": "escort",
        "description": "Dutch number and Telegram handle; Amsterdam, Rotterdam, Utrecht, Antwerp, Cologne, "
                       "Düsseldorf; BTC deposit address reused.",
        "phones": [example_phone(rng, "NL")],
        "handles": [("telegram", "tulp_agenda")],
        "wallet": ("btc_bech32", ids.make_wallet(rng, "btc_bech32")),
        "itinerary": [("Amsterdam", "nl", 2), ("Rotterdam", "nl", 2), ("Utrecht", "en", 2), ("Antwerpen", "nl", 2),
                      ("Köln", "de", 2), ("Düsseldorf", "de", 2)],
        "names": ["Noor", "Fleur", "Tess"],
        "indicators": ["third_party", "always_available", "new_in_town", "foreign_origin"],
    })
    nets.append({
        "id": "N3", "name": "Aurora", "kind": "escort",
        "description": "Romanian number, then an Italian one once in Italy; same e-mail and Romanian IBAN "
                       "for deposits; Bucharest, Constanța, Milan, Rome, Madrid, Barcelona.",
        "phones": [example_phone(rng, "RO"), example_phone(rng, "IT")],
        "phone_switch": 5,
        "email": "aurora.models@example.net",
        "iban": ids.make_iban(rng, "RO"),
        "itinerary": [("București", "ro", 3), ("Constanța", "ro", 2), ("Milano", "it", 3), ("Roma", "it", 2),
                      ("Madrid", "es", 2), ("Barcelona", "es", 2)],
        "names": ["Alexia", "Denisa", "Bianca"],
        "indicators": ["foreign_origin", "touring", "youth", "third_party", "restricted_freedom"],
    })
    nets.append({
        "id": "N4", "name": "Star", "kind": "escort",
        "description": "Bulgarian number and Instagram handle; Sofia, Varna, Plovdiv, then Munich, Vienna, Berlin; "
                       "ETH deposit address reused.",
        "phones": [example_phone(rng, "BG")],
        "handles": [("instagram", "star.vip.club")],
        "wallet": ("eth", ids.make_wallet(rng, "eth")),
        "itinerary": [("София", "bg", 2), ("Варна", "bg", 2), ("Пловдив", "bg", 2), ("München", "de", 2),
                      ("Wien", "de", 2), ("Berlin", "de", 2)],
        "names": ["Ива", "Никол", "Деси"],
        "indicators": ["new_in_town", "always_available", "youth", "drugs_party", "hotel_shortstay"],
    })
    nets.append({
        "id": "N5", "name": "Hostess jobs", "kind": "job",
        "description": "Recruitment offers (hostess, model) in six countries; one UK number, one e-mail, one "
                       "Telegram handle and a UK IBAN for a 'registration fee'.",
        "phones": [example_phone(rng, "GB")],
        "email": "hostess.jobs.eu@example.com",
        "handles": [("telegram", "hostess_jobs_eu")],
        "iban": ids.make_iban(rng, "GB"),
        "itinerary": [("București", "ro", 2), ("София", "bg", 2), ("Madrid", "es", 2), ("Milano", "it", 2),
                      ("Paris", "fr", 1), ("London", "en", 1)],
        "indicators": ["recruitment_offer"],
    })
    nets.append({
        "id": "N6", "name": "Easy money", "kind": "social",
        "description": "Social posts aimed at young people (easy money, a place to stay) in Belgium, France and "
                       "the Netherlands; same Instagram and TikTok name, Belgian number, TRX wallet.",
        "phones": [example_phone(rng, "BE")],
        "handles": [("instagram", "easy.money.nights"), ("tiktok", "easy.money.nights")],
        "wallet": ("trx", ids.make_wallet(rng, "trx")),
        "itinerary": [("Bruxelles", "fr", 2), ("Antwerpen", "nl", 2), ("Liège", "fr", 2), ("Lille", "fr", 2),
                      ("Rotterdam", "nl", 2)],
        "indicators": ["recruitment_offer", "runaway"],
    })
    return nets


# ---------------------------------------------------------------- record texts

def escort_text(rng: random.Random, doc: Doc, city: str, name: str, contact: str, cats: list[str]) -> str:
    t = L.T[doc.lang]
    cname = L.city_name(city, doc.lang)
    c1, c2 = rng.sample(cats, 2)
    ind = doc.indicator(rng, c1, cname)
    ind2 = doc.indicator(rng, c2, cname)
    emoji = doc.emoji(rng)
    # A youth phrase that states 18 fixes the age; otherwise a stated adult age.
    age = doc.age(18 if "18" in ind + ind2 else rng.randint(18, 23))
    price = doc.price(rng, rng.choice([80, 100, 120, 150, 200]))
    title = rng.choice(t["esc_title"]).format(name=name, age=age, ind=ind, emoji=emoji, city=cname)
    body = rng.choice(t["esc_body"]).format(name=name, age=age, ind=ind, ind2=ind2[:1].upper() + ind2[1:],
                                            emoji=emoji, city=cname, price=price, contact=contact)
    if rng.random() < 0.5:
        body += " " + rng.choice(t["filler"])
    return title + "\n" + body


CHAIN_LABEL = {"btc": "BTC", "eth": "ETH", "trx": "USDT TRC20", "ltc": "LTC"}


def contact_line(rng: random.Random, doc: Doc, tpl_key: str, value: str, chain: str = "") -> str:
    return rng.choice(L.T[doc.lang][tpl_key]).format(c=value, chain=CHAIN_LABEL.get(chain, chain))


class Builder:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.hub = P.make_phone(rng, "BE", "fixed", tail="0000")
        self.records: list[dict] = []  # every record, with its truth
        self.turn: dict[str, int] = {}  # round-robin position per obfuscation pool
        self.quota = {"warc_ro": 2, "warc_bg": 2, "warc_net": 10, "warc_decoy": 4, "page_net": 2, "page_decoy": 2, "post": 4, "resource": 1}

    def pick_dest(self, kind: str, network: str | None, region: str, lang: str) -> tuple[str, str | None, bool]:
        """Where a record will live: (dest, host, intl_only). Files without URL or region and
        `.example` hosts get international numbers only; country-TLD hosts allow national ones."""
        rng, q = self.rng, self.quota

        def take(key: str, p: float) -> bool:
            if q[key] > 0 and rng.random() < p:
                q[key] -= 1
                return True
            return False

        if kind == "social":
            # Fixed picks so every run has one saved post in the WARC and four loose post files.
            k = self.social_k = getattr(self, "social_k", -1) + 1
            if k == 2:
                return "resource", SOCIAL_SITE, True
            if k in (1, 4, 6, 8):
                return "post", None, True
            return "jsonl", None, False
        if lang in ("ro", "bg") and take(f"warc_{lang}", 0.3 if network else 0.05):
            # Legacy-charset pages (ISO-8859-2, windows-1250, windows-1251) need these languages.
            return "warc", f"{SITES[region].split('.')[0].rsplit('-', 1)[0]}.example.{CC_TLD[region]}", False
        if network and take("warc_net", 0.25) or not network and kind.startswith("decoy") and take("warc_decoy", 0.06):
            if rng.random() < 0.5:
                return "warc", f"{SITES[region].split('.')[0].rsplit('-', 1)[0]}.example.{CC_TLD[region]}", False
            return "warc", SITES[region], True
        if network in ("N1", "N4") and take("page_net", 0.35) or not network and take("page_decoy", 0.03):
            return "page", None, True
        return "jsonl", None, False

    def phone(self, doc: Doc, p: P.Phone, rate: float, role: str | None = None) -> str:
        """Like Doc.phone, but obfuscations take turns so the small example set shows every one."""
        if self.rng.random() >= rate:
            return doc.phone(self.rng, p, 0.0, role=role)
        domestic = p.region == doc.region and not doc.intl_only
        pool = P.OBF_NATIONAL if domestic else P.OBF_INTL
        key = "nat" if domestic else "intl"
        tech = pool[self.turn.get(key, 0) % len(pool)]
        self.turn[key] = self.turn.get(key, 0) + 1
        return doc.phone(self.rng, p, 0.0, technique=tech, role=role)

    def email(self, doc: Doc, address: str, rate: float) -> str:
        if self.rng.random() >= rate:
            return doc.email(self.rng, address, 0.0)
        pool = ids.EMAIL_OBF_BY_LANG.get(doc.lang, ids.EMAIL_OBF_DEFAULT)
        tech = pool[self.turn.get("email" + doc.lang, 0) % len(pool)]
        self.turn["email" + doc.lang] = self.turn.get("email" + doc.lang, 0) + 1
        return doc.email(self.rng, address, 0.0, technique=tech)

    def hub_line(self, doc: Doc, intl_only: bool = False) -> str:
        return contact_line(self.rng, doc, "hub", doc.phone(self.rng, self.hub, 0.0, intl_only=intl_only,
                                                            role="platform_hub"))

    def network_records(self, net: dict) -> None:
        rng = self.rng
        t = START + dt.timedelta(days=rng.randint(0, 6))
        k = 0
        for city, lng, n in net["itinerary"]:
            region = L.CITIES[city][0]
            for _ in range(n):
                dest, host, intl = self.pick_dest(net["kind"], net["id"], region, lng)
                doc = Doc(lang=lng, region=region, intl_only=intl,
                          prefer_national=bool(host and not host.endswith(".example")))
                phone = net["phones"][1 if k >= net.get("phone_switch", 10**6) else 0]
                parts = [contact_line(rng, doc, "contact", self.phone(doc, phone, OBF_RATE))]
                if "email" in net and rng.random() < 0.6:
                    parts.append(contact_line(rng, doc, "email", self.email(doc, net["email"], 0.5)))
                for platform, hname in net.get("handles", []):
                    if rng.random() < 0.7:
                        parts.append(doc.handle(rng, platform, hname))
                if "wallet" in net and rng.random() < 0.5:
                    parts.append(contact_line(rng, doc, "wallet", doc.wallet(*net["wallet"]),
                                              chain=net["wallet"][0].split("_")[0]))
                if "iban" in net and rng.random() < 0.5:
                    parts.append(contact_line(rng, doc, "iban", doc.iban(rng, net["iban"])))
                contact = " · ".join(parts)
                cname = L.city_name(city, lng)
                if net["kind"] == "escort":
                    text = escort_text(rng, doc, city, rng.choice(net["names"]), contact, net["indicators"])
                elif net["kind"] == "job":
                    doc.indicators.append({"category": "recruitment_offer", "text": "job offer abroad"})
                    text = rng.choice(L.T[lng]["job"]).format(city=cname, contact=contact)
                else:
                    tpl_i = rng.randrange(3)
                    cat = ["new_in_town", "recruitment_offer", "runaway"][tpl_i]
                    doc.indicators.append({"category": cat, "text": "social post"})
                    emoji = doc.emoji(rng) if tpl_i < 2 else ""
                    text = L.T[lng]["social"][tpl_i].format(city=cname, emoji=emoji, contact=contact)
                if rng.random() < 0.3:
                    text += "\n" + self.hub_line(doc)
                self.records.append({"doc": doc, "text": text, "network": net["id"], "city": city,
                                     "captured_at": t, "kind": net["kind"], "dest": dest, "host": host})
                t += dt.timedelta(days=rng.randint(2, 6), hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
                k += 1

    def decoy_records(self, n: int) -> None:
        rng = self.rng
        kinds = ["furniture", "rental", "cat", "bike", "tutor", "massage"]
        cities = list(L.CITIES)
        for _ in range(n):
            city = rng.choice(cities)
            region = L.CITIES[city][0]
            lng = L.REGION_LANG[region] if rng.random() < 0.85 else "en"
            kind = rng.choice(kinds)
            dest, host, intl = self.pick_dest("decoy:" + kind, None, region, lng)
            doc = Doc(lang=lng, region=region, intl_only=intl,
                          prefer_national=bool(host and not host.endswith(".example")))
            amount = {"rental": rng.choice([650, 780, 900, 1200]), "tutor": rng.choice([20, 25, 30])}.get(
                kind, rng.choice([35, 80, 100, 120, 150, 200, 450]))
            price_plain = plain_price(rng, lng, amount)
            if rng.random() < 0.8:
                contact = contact_line(rng, doc, "contact", self.phone(doc, example_phone(rng, region), OBF_RATE / 2))
            else:
                local = rng.choice(L.NAMES["en"]).lower() + "." + rng.choice(["home", "deals", "flat", "info"]) + str(rng.randint(1, 99))
                contact = contact_line(rng, doc, "email", self.email(doc, f"{local}@{rng.choice(ids.EMAIL_DOMAINS)}", OBF_RATE / 2))
            text = rng.choice(L.T[lng]["decoy"][kind]).format(city=L.city_name(city, lng), price_plain=price_plain,
                                                               contact=contact)
            if rng.random() < 0.3:
                text += "\n" + self.hub_line(doc)
            t = START + dt.timedelta(days=rng.randint(0, 170), hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
            self.records.append({"doc": doc, "text": text, "network": None, "city": city, "captured_at": t,
                                 "kind": "decoy:" + kind, "dest": dest, "host": host})

    def independent_escort_records(self, n: int) -> None:
        """Escort-style ads with indicators but no shared selector: noise for linking."""
        rng = self.rng
        cats = list(L.IND["fr"])
        for _ in range(n):
            lng = rng.choice(L.LANGS)
            region = rng.choice(L.LANG_REGIONS[lng])
            city = rng.choice(L.cities_of(region))
            doc = Doc(lang=lng, region=region)
            contact = contact_line(rng, doc, "contact", self.phone(doc, example_phone(rng, region), OBF_RATE))
            text = escort_text(rng, doc, city, rng.choice(L.NAMES[lng]), contact, cats)
            t = START + dt.timedelta(days=rng.randint(0, 170), hours=rng.randint(0, 23))
            self.records.append({"doc": doc, "text": text, "network": None, "city": city, "captured_at": t,
                                 "kind": "escort", "dest": "jsonl", "host": None})


# ---------------------------------------------------------------- outputs

PAGE_CSS = "body{font-family:sans-serif;max-width:40em;margin:auto}.ad{border:1px solid #ccc;padding:1em}"


AD_WORD = {"fr": "Annonce", "en": "Ad", "nl": "Advertentie", "de": "Anzeige", "it": "Annuncio", "es": "Anuncio",
           "ro": "Anunț", "bg": "Обява"}


def html_page(doc: Doc, text: str, site: str, charset_meta: str | None = None,
              http_equiv: str | None = None) -> str:
    """A classified-ad page: the ad text is visible; script and style hold text that is not."""
    lang = doc.lang
    lines = text.split("\n")
    # The first line becomes the heading when it holds no selector (escort ads start with a title).
    if len(lines) > 1 and not any(s["text"] in lines[0] for s in doc.selectors):
        title, lines = lines[0], lines[1:]
    else:
        title = f"{AD_WORD[lang]} — {site}"
    paras = "".join(f"<p>{html.escape(line)}</p>\n" for line in lines)
    head = ""
    if charset_meta:
        head += f'<meta charset="{charset_meta}">\n'
    if http_equiv:
        head += f'<meta http-equiv="Content-Type" content="text/html; charset={http_equiv}">\n'
    return (
        f"<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n{head}<title>{html.escape(title)}</title>\n"
        f"<style>{PAGE_CSS}</style>\n"
        # Script text is not visible: a scanner must not report the number-like id below.
        "<script>var adTracking = {\"slot\": \"0612000099\", \"build\": 20260112};</script>\n"
        f"</head>\n<body>\n<nav><a href=\"https://{site}/\">{html.escape(site)}</a></nav>\n"
        f"<div class=\"ad\">\n<h1>{html.escape(title)}</h1>\n{paras}"
        "<img src=\"/static/photo-placeholder.png\" alt=\"photo\" title=\"photo\">\n</div>\n"
        "<footer><a href=\"/help\">Help</a></footer>\n</body>\n</html>\n"
    )


def selector_truth(doc: Doc) -> list[dict]:
    return doc.selectors


def write_all(out: Path, rng: random.Random, b: Builder, nets: list[dict]) -> dict:
    # Inputs in corpus/, apart from TRUTH.json and README.md, so that `cairn scan examples/corpus`
    # reads exactly the fictional captures.
    out = out / "corpus"
    out.mkdir(parents=True, exist_ok=True)
    for sub, pattern in (("pages", "*.html"), ("posts", "*.txt")):
        (out / sub).mkdir(exist_ok=True)
        for old in (out / sub).glob(pattern):  # names depend on the content: no stale leftovers
            old.unlink()
    recs = sorted(b.records, key=lambda r: (r["captured_at"], r["text"]))
    truth_records: list[dict] = []

    warc_recs = [r for r in recs if r["dest"] in ("warc", "resource")]
    page_recs = [r for r in recs if r["dest"] == "page"]
    post_recs = [r for r in recs if r["dest"] == "post"]
    jsonl_recs = [r for r in recs if r["dest"] == "jsonl"]

    def truth_entry(r: dict, **where) -> dict:
        d = r["doc"]
        return {**where, "lang": d.lang, "region": d.region, "city": r["city"], "kind": r["kind"],
                "network": r["network"], "captured_at": iso(r["captured_at"]),
                "selectors": selector_truth(d), "indicators": d.indicators, "extras": d.extras}

    # ---- ads.jsonl
    lines = []
    for i, r in enumerate(jsonl_recs, 1):
        rid = f"ex-{i:04d}"
        d = r["doc"]
        site = SOCIAL_SITE if r["kind"] == "social" else SITES[d.region]
        url = f"https://{site}/{d.lang}/{rid}"
        obj = {"id": rid}
        if i % 9 == 0:
            # Some records carry HTML instead of text.
            obj["html"] = "<div class=\"ad\">" + "".join(f"<p>{html.escape(x)}</p>" for x in r["text"].split("\n")) + "</div>"
        else:
            obj["text"] = r["text"]
        obj.update({"url": url, "captured_at": iso(r["captured_at"]), "region": d.region, "lang": d.lang})
        lines.append(json.dumps(obj, ensure_ascii=False))
        truth_records.append(truth_entry(r, source="ads.jsonl", id=rid, line=i, url=url))
    (out / "ads.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    # ---- pages/*.html (no URL or region: phones there are international)
    for j, r in enumerate(page_recs, 1):
        d = r["doc"]
        name = f"pages/{j:02d}-{d.lang}-{'network' if r['network'] else 'decoy'}.html"
        (out / name).write_text(html_page(d, r["text"], SITES[d.region], charset_meta="utf-8"),
                                encoding="utf-8")
        truth_records.append(truth_entry(r, source=name))

    # ---- posts/*.txt
    for j, r in enumerate(post_recs, 1):
        name = f"posts/{j:02d}-{r['doc'].lang}.txt"
        (out / name).write_text(r["text"] + "\n", encoding="utf-8")
        truth_records.append(truth_entry(r, source=name))

    # ---- capture.warc.gz
    truth_records += write_warc(out / "capture.warc.gz", rng, warc_recs, truth_entry)

    return {
        "generator": "scripts/gen_examples.py", "seed": SEED, "version": VERSION,
        "note": "All names, numbers, addresses, accounts and wallets are fictional. Phone values are E.164, "
                "e-mails lowercase, IBANs compact, handles platform:name. 'text' is the selector as written.",
        "must_not_find": [
            {"text": "0612000099", "where": "<script> of every HTML page (script text is not visible text)"},
            {"text": "20260112", "where": "<script> of every HTML page"},
            {"text": "any", "where": "the PNG image response in capture.warc.gz (image bytes are not text)"},
        ],
        "hub": {"kind": "phone", "value": b.hub.e164, "role": "platform_hub",
                "description": "A classified site's support line printed under many unrelated ads."},
        "networks": [{k: v for k, v in {
            "id": n["id"], "name": n["name"], "kind": n["kind"], "description": n["description"],
            "phones": [p.e164 for p in n["phones"]], "email": n.get("email"),
            "handles": [f"{p}:{h}" for p, h in n.get("handles", [])],
            "wallet": n["wallet"][1] if "wallet" in n else None, "iban": n.get("iban"),
            "cities": [c for c, _, _ in n["itinerary"]]}.items() if v} for n in nets],
        "records": truth_records,
    }


# Per WARC page: (charset, where declared, transfer). Romanian and Bulgarian pages take the legacy
# charsets in turn; the other pages cycle over the rest.
WARC_VARIANTS_BY_LANG = {
    "ro": [("iso-8859-2", "meta", "plain"), ("windows-1250", "header", "gzip")],  # legacy cedilla letters
    "bg": [("windows-1251", "header", "chunked"), ("windows-1251", "none", "plain")],  # the latter needs detection
}
WARC_VARIANTS = [
    ("utf-8", "header", "plain"),
    ("windows-1252", "http-equiv", "plain"),
    ("utf-8", "none", "gzip+chunked"),
    ("utf-8-sig", "none", "plain"),  # BOM only
    ("utf-8", "meta", "deflate"),
    ("utf-8", "header", "chunked"),
]
CC_TLD = {"FR": "fr", "BE": "be", "NL": "nl", "DE": "de", "AT": "at", "IT": "it", "ES": "es", "RO": "ro",
          "BG": "bg", "GB": "uk"}


def to_legacy(text: str, charset: str) -> str:
    if charset in ("iso-8859-2", "windows-1250"):
        # Legacy Romanian pages use the cedilla letters; comma-below ones are not in these charsets.
        text = text.translate(str.maketrans("șțȘȚ", "şţŞŢ"))
    return text


def write_warc(path: Path, rng: random.Random, recs: list[dict], truth_entry) -> list[dict]:
    truth = []
    with path.open("wb") as fh:
        w = WarcWriter(fh, rng, path.name)
        w.warcinfo(iso(START), {"software": "cairn scripts/gen_examples.py", "format": "WARC File Format 1.1",
                                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                                "description": "Synthetic, fictional captures for Cairn's examples",
                                "isPartOf": "cairn-examples"})
        done: dict[str, int] = {}
        other = 0
        pages = [r for r in recs if r["dest"] == "warc"]
        for i, r in enumerate(pages):
            d = r["doc"]
            k = done.get(d.lang, 0)
            done[d.lang] = k + 1
            if d.lang in WARC_VARIANTS_BY_LANG:
                vs = WARC_VARIANTS_BY_LANG[d.lang]
                v = vs[k % len(vs)]
            else:
                v = WARC_VARIANTS[other % len(WARC_VARIANTS)]
                other += 1
            charset, where, transfer = v
            # Pages on a country TLD may use national numbers (region from the TLD); the others
            # would be ambiguous, so `.example` hosts were given international numbers (see main).
            host = r["host"]
            url = f"https://{host}/{d.lang}/ad/{i + 1:05d}"
            decl = charset.replace("-sig", "")
            page = html_page(d, r["text"], host,
                             charset_meta=decl if where == "meta" else None,
                             http_equiv=decl if where == "http-equiv" else None)
            if charset.startswith("utf-8"):
                body = page.encode(charset)
            else:
                body = to_legacy(page, charset).encode(charset, errors="xmlcharrefreplace")
            headers = [("Date", r["captured_at"].strftime("%a, %d %b %Y %H:%M:%S GMT")), ("Server", "example")]
            headers.append(("Content-Type", f"text/html; charset={decl}" if where == "header" else "text/html"))
            if transfer in ("gzip", "gzip+chunked"):
                body = gz(body)
                headers.append(("Content-Encoding", "gzip"))
            elif transfer == "deflate":
                body = zlib.compress(body, 9)
                headers.append(("Content-Encoding", "deflate"))
            if "chunked" in transfer:
                body = chunked(body, rng)
                headers.append(("Transfer-Encoding", "chunked"))
            else:
                headers.append(("Content-Length", str(len(body))))
            date = iso(r["captured_at"])
            resp_id = w.new_id()
            w.request(url, date, host, f"/{d.lang}/ad/{i + 1:05d}", resp_id)
            offset = w.pos
            w.response(url, date, "200 OK", headers, body, record_id=resp_id, ip="192.0.2.10")
            truth.append(truth_entry(r, source="capture.warc.gz", warc_record_id=resp_id, offset=offset, url=url,
                                     charset=decl, charset_declared=where, transfer=transfer))
            if i == 2:
                # A photo on the ad page: benign image bytes, nothing to read from them.
                img = png_gradient()
                img_url = f"https://{host}/static/photo-placeholder.png"
                img_id = w.new_id()
                w.request(img_url, date, host, "/static/photo-placeholder.png", img_id)
                w.response(img_url, date, "200 OK", [("Content-Type", "image/png"), ("Content-Length", str(len(img)))],
                           img, record_id=img_id, ip="192.0.2.10")
            if i == 4:
                # A redirect with an empty body, and crawler metadata about it.
                red_url = f"https://{host}/go/{i + 1:05d}"
                red_id = w.new_id()
                w.request(red_url, date, host, f"/go/{i + 1:05d}", red_id)
                w.response(red_url, date, "301 Moved Permanently",
                           [("Location", url), ("Content-Length", "0")], b"", record_id=red_id, ip="192.0.2.10")
                w.metadata(red_url, date, red_id, {"via": url, "hopsFromSeed": "R"})
        # A saved social post as a resource record (text/plain).
        post = next((r for r in recs if r["dest"] == "resource"), None)
        if post is not None:
            d = post["doc"]
            url = f"https://{SOCIAL_SITE}/p/{rng.randrange(10**8):08d}"
            offset = w.pos
            rid = w.resource(url, iso(post["captured_at"]), "text/plain; charset=utf-8", post["text"].encode("utf-8"))
            truth.append(truth_entry(post, source="capture.warc.gz", warc_record_id=rid, offset=offset, url=url,
                                     charset="utf-8", charset_declared="content-type", transfer="resource"))
    return truth


def check_reproducible(committed: Path) -> int:
    """Regenerate and compare byte for byte with the committed examples (README.md is hand-written)."""
    import filecmp
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.run([sys.executable, __file__, "--out", tmp], capture_output=True, text=True)
        if p.returncode != 0:
            print(p.stdout + p.stderr, file=sys.stderr)
            return 1
        fresh = sorted(x.relative_to(tmp) for x in Path(tmp).rglob("*") if x.is_file())
        old = sorted(x.relative_to(committed) for x in committed.rglob("*") if x.is_file() and x.name != "README.md")
        diff = [str(x) for x in fresh if not (committed / x).is_file()
                or not filecmp.cmp(Path(tmp) / x, committed / x, shallow=False)]
        diff += [f"{x} (not generated)" for x in old if x not in fresh]
    if diff:
        print("examples differ from the generator's output: " + ", ".join(diff), file=sys.stderr)
        return 1
    print(f"examples: {len(fresh)} files identical to the generator's output")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "examples")
    ap.add_argument("--check", action="store_true",
                    help="regenerate into a temporary directory and fail if it differs from --out")
    args = ap.parse_args()
    if args.check:
        return check_reproducible(args.out)
    rng = random.Random(SEED)
    b = Builder(rng)
    nets = build_networks(rng)
    for n in nets:
        b.network_records(n)
    b.independent_escort_records(22)
    b.decoy_records(120)
    truth = write_all(args.out, rng, b, nets)
    (args.out / "TRUTH.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    phones = [p for n in nets for p in n["phones"]] + [b.hub]
    phones += [p for r in b.records for p in r["doc"].phone_objs]
    bad = P.check_valid(phones)
    problems = verify.check(args.out)
    for p in problems:
        print("verify: " + p, file=sys.stderr)
    n = len(truth["records"])
    print(f"wrote {n} records to {args.out}; {len(problems)} verification problems"
          + ("" if bad is None else f"; phonenumbers rejects {len(bad)} of {len(phones)} numbers"))
    return 1 if bad or problems else 0


if __name__ == "__main__":
    sys.exit(main())
