#!/usr/bin/env python3
"""Generate a corpus with planted networks for evaluating `cairn link` (issue 5).

    python3 scripts/gen_link_corpus.py --out DIR [--seed N] [--networks K] [--decoys M] [--hub-share F] [--bridges B]
    python3 scripts/gen_link_corpus.py --out DIR --check   # regenerate with DIR's parameters, compare bytes

Writes DIR/ads.jsonl (one ad a line: {"id","text","url","captured_at","region","lang"}, ids `lk-00001`…
in time order) and DIR/truth.json:

- `records`: record id -> network id (`N01`…) or null (decoys and noise);
- `networks[]`: id, size, the strong selectors it shares (phones E.164, lowercase e-mails,
  `platform:name` handles, wallets, compact IBANs), its route (city, GeoNames id, first/last date)
  and the expected `moves` in time order (`after`/`before` bound the date of each move);
- `hub`: a classified site's support line printed under many unrelated ads (network ads of several
  networks and decoys): it must be reported as common and must not merge anything;
- `decoys`: record id -> why it is there (`city`: same city and days as a network stint; `price`:
  same price text as a network ad; `near_phone`: a phone one digit away from a network's phone;
  `noise`: an escort-style ad with indicators and its own number);
- `bridges` (with --bridges B): ads of one network that also print the next network's phone, which
  chains the B+1 largest networks into one component that community detection must split again.

Everything is fictional: numbers with example-like endings, e-mails on example.org/.net/.com,
wallets and IBANs with valid checksums but no owner, `.example` sites. Ads are sober (indicator
phrases, no explicit content). Languages: FR, EN, NL, DE, IT, ES, RO. Cities are names of the
gazetteer `crates/cairn-text/data/gazetteer.tsv` (checked at generation time, with the ids written
to the truth). Deterministic: the same parameters give the same bytes. Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import json
import random
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

sys.dont_write_bytecode = True  # keep scripts/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_lib import ids, lang as L, phones as P  # noqa: E402
from corpus_lib.compose import HANDLE_FORMS, HANDLE_URL_FORMS, Doc  # noqa: E402

VERSION = 1
ROOT = Path(__file__).resolve().parent.parent
GAZETTEER = ROOT / "crates" / "cairn-text" / "data" / "gazetteer.tsv"
START = dt.datetime(2026, 1, 4, 8, 0, 0)
LANGS = ["fr", "en", "nl", "de", "it", "es", "ro"]

# The route cities (keys of corpus_lib.lang.CITIES) with their GeoNames ids in the gazetteer.
CITY_IDS = {
    "Paris": 2988507, "Lyon": 2996944, "Lille": 2998324, "Marseille": 2995469, "Bruxelles": 2800866,
    "Liège": 2792413, "Amsterdam": 2759794, "Rotterdam": 2747891, "Utrecht": 2745912, "Köln": 2886242,
    "Düsseldorf": 2934246, "Berlin": 2950159, "Wien": 2761369, "Milano": 3173435, "Roma": 3169070,
    "Madrid": 3117735, "Barcelona": 3128760, "București": 683506, "London": 2643743,
}
# Languages an ad in each country is written in (the first most often; English sometimes).
COUNTRY_LANGS = {"FR": ["fr"], "BE": ["fr", "nl"], "NL": ["nl"], "DE": ["de"], "AT": ["de"], "IT": ["it"],
                 "ES": ["es"], "RO": ["ro"], "GB": ["en"]}
# Routes the field study describes (Romania -> western Europe, France <-> Belgium, touring between
# big cities and tourist areas); a network follows a contiguous part of one of them.
CORRIDORS = [
    ["București", "Wien", "Bruxelles", "Paris", "London"],
    ["București", "Milano", "Roma", "Barcelona", "Madrid"],
    ["București", "Berlin", "Köln", "Düsseldorf", "Amsterdam"],
    ["Lille", "Bruxelles", "Liège", "Paris", "Lyon"],
    ["Liège", "Bruxelles", "Lille", "Paris", "Marseille"],
    ["Amsterdam", "Utrecht", "Rotterdam", "Bruxelles", "Paris"],
    ["Paris", "Lyon", "Marseille", "Barcelona", "Madrid"],
    ["Milano", "Wien", "Berlin", "Köln", "Rotterdam"],
]
HOME_REGIONS = ["RO", "RO", "BG", "FR", "BE", "NL", "IT", "ES", "DE"]
SITES = {"FR": "annonces-fr.example", "BE": "zoekertjes-be.example", "NL": "advertenties-nl.example",
         "DE": "kleinanzeigen-de.example", "AT": "anzeigen-at.example", "IT": "annunci-it.example",
         "ES": "anuncios-es.example", "RO": "anunturi-ro.example", "GB": "classifieds-uk.example"}
# A sentence that puts the city in every network ad (never first in the sentence: some city names
# only count as places when capitalised inside a sentence).
WHERE = {
    "fr": ["Je suis à {city} en ce moment.", "Rendez-vous à {city}."],
    "en": ["I am in {city} now.", "Meetings in {city}."],
    "nl": ["Ik ben nu in {city}.", "Afspraken in {city}."],
    "de": ["Ich bin jetzt in {city}.", "Treffen in {city}."],
    "it": ["Sono a {city} adesso.", "Appuntamenti a {city}."],
    "es": ["Estoy en {city} ahora.", "Citas en {city}."],
    "ro": ["Sunt acum în {city}.", "Întâlniri în {city}."],
}
CHAIN_LABEL = {"btc": "BTC", "eth": "ETH", "trx": "USDT TRC20", "ltc": "LTC"}
HANDLE_WORDS = ["velvet", "amber", "coral", "ivy", "misty", "honey", "peach", "satin", "glow", "dream",
                "silk", "moon", "star", "kiss", "sweet", "pearl", "rosy", "sugar", "angel", "bunny"]
PRICES = [80, 100, 120, 150, 200]


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.replace("^1", ""))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


# ---------------------------------------------------------------- gazetteer

def load_gazetteer() -> tuple[dict[int, dict], set[str]]:
    """Rows by GeoNames id, and every name and alternate name (folded) to keep out of other text."""
    rows: dict[int, dict] = {}
    names: set[str] = set()
    with GAZETTEER.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            c = line.rstrip("\n").split("\t")
            alts = [a for a in c[8].split("|") if a] if len(c) > 8 else []
            rows[int(c[0])] = {"name": c[1], "ascii": c[2], "country": c[3], "alts": alts}
            for n in [c[1], c[2], *alts]:
                names.add(fold(n))
    return rows, names


def check_cities(rows: dict[int, dict]) -> None:
    """Every spelling an ad uses for a route city must be a name of that city in the gazetteer."""
    for city, gid in CITY_IDS.items():
        row = rows.get(gid)
        if row is None:
            sys.exit(f"gen_link_corpus: GeoNames id {gid} ({city}) is not in {GAZETTEER}")
        known = {fold(n) for n in [row["name"], row["ascii"], *row["alts"]]}
        region = L.CITIES[city][0]
        if row["country"] != region:
            sys.exit(f"gen_link_corpus: {city} is {row['country']} in the gazetteer, {region} here")
        for lang in COUNTRY_LANGS[region] + ["en"]:  # the languages ads in that city are written in
            spelled = L.city_name(city, lang)
            if fold(spelled) not in known:
                sys.exit(f"gen_link_corpus: '{spelled}' ({lang}) is not a name of {row['name']} ({gid}) in the gazetteer")


# ---------------------------------------------------------------- generator

class Gen:
    def __init__(self, rng: random.Random, gaz_rows: dict[int, dict], gaz_names: set[str]):
        self.rng = rng
        self.gaz_rows = gaz_rows
        self.gaz_names = gaz_names
        self.used: set[str] = set()  # every selector value planted so far: no accidental sharing
        self.records: list[dict] = []
        self.phones: list[P.Phone] = []
        # Person names that are not also city names (a name like "Sofia" would be a place).
        self.names = {lg: [n for n in L.NAMES[lg] if fold(n) not in gaz_names] for lg in LANGS}
        self.hub = self.new_phone("BE", "fixed")

    # -- unique fictional selectors
    def new_phone(self, region: str, line: str = "mobile") -> P.Phone:
        while True:
            p = P.make_phone(self.rng, region, line, tail="00" + f"{self.rng.randrange(1000):03d}")
            if p.e164 not in self.used:
                self.used.add(p.e164)
                self.phones.append(p)
                return p

    def word(self) -> str:
        while True:
            w = self.rng.choice(HANDLE_WORDS)
            if w not in self.gaz_names:
                return w

    def new_handle(self) -> tuple[str, str]:
        while True:
            platform = self.rng.choice(["snapchat", "instagram", "telegram"])
            name = f"{self.word()}{self.rng.choice(['.', '_', ''])}{self.word()}{self.rng.randrange(10, 100)}"
            if f"{platform}:{name}" not in self.used:
                self.used.add(f"{platform}:{name}")
                return platform, name

    def new_email(self) -> str:
        while True:
            a = f"{self.word()}.{self.word()}{self.rng.randrange(10, 100)}@{self.rng.choice(ids.EMAIL_DOMAINS)}"
            if a not in self.used:
                self.used.add(a)
                return a

    def new_wallet(self) -> tuple[str, str]:
        kind = self.rng.choice(["btc_bech32", "btc_p2pkh", "eth", "trx", "ltc"])
        w = ids.make_wallet(self.rng, kind)
        self.used.add(w)
        return kind, w

    def new_iban(self, cc: str) -> str:
        while True:
            i = ids.make_iban(self.rng, cc)
            if i not in self.used:
                self.used.add(i)
                return i

    # -- networks
    def route(self, n_ads: int) -> list[str]:
        """A contiguous stretch of one corridor, in its direction (or reversed for France <-> Belgium)."""
        rng = self.rng
        corridor = list(rng.choice(CORRIDORS))
        if corridor[0] in ("Lille", "Liège") and rng.random() < 0.5:
            corridor.reverse()
        k = min(n_ads, len(corridor), rng.choice([2, 3, 3, 4, 4, 5]))
        i = rng.randrange(len(corridor) - k + 1)
        return corridor[i:i + k]

    def network(self, nid: str, size: int) -> dict:
        rng = self.rng
        route = self.route(size)
        # Numbers mostly from where the route starts (Romanian numbers advertised in Vienna…).
        home = L.CITIES[route[0]][0] if rng.random() < 0.7 else rng.choice(HOME_REGIONS)
        phones = [self.new_phone(home)]
        if size >= 8 and rng.random() < 0.4:
            # A second number taken in a later country; e-mail and handles bridge the switch.
            phones.append(self.new_phone(L.CITIES[route[-1]][0]))
        net = {"id": nid, "size": size, "home": home, "route": route, "phones": phones,
               "email": self.new_email() if rng.random() < 0.6 or len(phones) > 1 else None,
               "handles": [self.new_handle() for _ in range(rng.choice([1, 1, 2]))] if rng.random() < 0.8 or len(phones) > 1 else [],
               "wallet": self.new_wallet() if rng.random() < 0.4 else None,
               "iban": self.new_iban(rng.choice(["RO", "BG", "GB", "IT", "ES"])) if rng.random() < 0.3 else None,
               "names": rng.sample(self.names["en"] + self.names["fr"] + self.names["ro"], 3)}
        # Ads per city: at least one each, the rest spread at random; stints follow each other in time.
        counts = [1] * len(route)
        for _ in range(size - len(route)):
            counts[rng.randrange(len(route))] += 1
        t = START + dt.timedelta(days=rng.randrange(0, 60), hours=rng.randrange(24))
        stints = []
        k = 0
        for ci, (city, n) in enumerate(zip(route, counts)):
            region = L.CITIES[city][0]
            first = t
            for _ in range(n):
                lang = rng.choice(COUNTRY_LANGS[region]) if rng.random() < 0.85 else "en"
                phone = phones[1 if len(phones) > 1 and ci == len(route) - 1 else 0]
                switch_stint = len(phones) > 1 and ci >= len(route) - 2
                self.network_ad(net, city, region, lang, t, phone, bridge=switch_stint)
                last = t
                t += dt.timedelta(days=rng.randint(1, 3), hours=rng.randrange(24), minutes=rng.randrange(60))
                k += 1
            stints.append({"city": city, "geonameid": CITY_IDS[city], "first": iso(first), "last": iso(last),
                           "ads": n})
            t += dt.timedelta(days=rng.randint(2, 8))
        net["stints"] = stints
        return net

    def contact(self, doc: Doc, key: str, value: str, chain: str = "") -> str:
        return self.rng.choice(L.T[doc.lang][key]).format(c=value, chain=CHAIN_LABEL.get(chain, chain))

    def network_ad(self, net: dict, city: str, region: str, lang: str, t: dt.datetime, phone: P.Phone,
                   bridge: bool) -> None:
        rng = self.rng
        doc = Doc(lang=lang, region=region)
        parts: list[str] = []
        others = [k for k in ("email", "handles", "wallet", "iban") if net[k]]
        # Two strong selectors per ad when the network has them, so one missed finding cannot
        # cut an ad off its network; the phone in most ads.
        target = min(2, len(others) + 1)
        with_phone = len(others) < target or rng.random() < 0.85
        if with_phone:
            parts.append(self.contact(doc, "contact", doc.phone(rng, phone, 0.35)))
        chosen = [k for k in others if rng.random() < 0.5]
        if bridge and net["email"] and "email" not in chosen:
            chosen.append("email")
        if bridge and net["handles"] and "handles" not in chosen:
            chosen.append("handles")
        while len(chosen) + with_phone < target:
            k = rng.choice(others)
            if k not in chosen:
                chosen.append(k)
        for k in others:
            if k not in chosen:
                continue
            if k == "email":
                parts.append(self.contact(doc, "email", doc.email(rng, net["email"], 0.35)))
            elif k == "handles":
                for platform, name in net["handles"]:
                    parts.append(self.handle(doc, platform, name))
            elif k == "wallet":
                kind, w = net["wallet"]
                parts.append(self.contact(doc, "wallet", doc.wallet(kind, w), chain=kind.split("_")[0]))
            elif k == "iban":
                parts.append(self.contact(doc, "iban", doc.iban(rng, net["iban"])))
        text = self.escort_text(doc, city, rng.choice(net["names"]), " · ".join(parts))
        self.add(doc, text, city, t, network=net["id"])

    def handle(self, doc: Doc, platform: str, name: str) -> str:
        """Like Doc.handle, without the bare `sc name` form that `cairn scan` does not read as Snapchat."""
        rng = self.rng
        if platform in HANDLE_URL_FORMS and rng.random() < 0.25:
            text = HANDLE_URL_FORMS[platform].format(h=name)
        else:
            text = rng.choice([f for f in HANDLE_FORMS[platform] if not f.startswith("sc ")]).format(h=name)
        doc.selectors.append({"kind": "handle", "value": f"{platform}:{name.lower()}", "text": text})
        return text

    def escort_text(self, doc: Doc, city: str, name: str, contact: str, amount: int | None = None) -> str:
        rng = self.rng
        t = L.T[doc.lang]
        cname = L.city_name(city, doc.lang)
        c1, c2 = rng.sample([c for c in L.IND[doc.lang] if c != "foreign_origin"], 2)
        ind, ind2 = doc.indicator(rng, c1, cname), doc.indicator(rng, c2, cname)
        emoji = doc.emoji(rng)
        age = doc.age(18 if "18" in ind + ind2 else rng.randint(18, 23))
        price = doc.price(rng, amount or rng.choice(PRICES))
        title = rng.choice(t["esc_title"]).format(name=name, age=age, ind=ind, emoji=emoji, city=cname)
        body = rng.choice(t["esc_body"]).format(name=name, age=age, ind=ind, ind2=ind2[:1].upper() + ind2[1:],
                                                emoji=emoji, city=cname, price=price, contact=contact)
        where = rng.choice(WHERE[doc.lang]).format(city=cname)
        return title + "\n" + where + " " + body

    def add(self, doc: Doc, text: str, city: str, t: dt.datetime, network: str | None = None,
            decoy: str | None = None) -> None:
        self.records.append({"doc": doc, "text": text, "city": city, "t": t, "network": network, "decoy": decoy})

    # -- decoys
    def decoys(self, nets: list[dict], n: int) -> None:
        rng = self.rng
        stints = [(net, s) for net in nets for s in net["stints"]]
        net_ads = [r for r in self.records if r["network"]]
        for i in range(n):
            why = ["city", "city", "price", "noise", "near_phone"][i % 5]
            if why == "near_phone" and not nets:
                why = "noise"
            if why in ("city", "near_phone") or (why == "price" and not net_ads):
                net, s = rng.choice(stints)
                city = s["city"]
                lo, hi = dt.datetime.fromisoformat(s["first"][:-1]), dt.datetime.fromisoformat(s["last"][:-1])
                t = lo + (hi - lo) * rng.random() + dt.timedelta(minutes=rng.randrange(1, 600))
            elif why == "price":
                ref = rng.choice(net_ads)
                city, t = rng.choice(sorted(CITY_IDS)), ref["t"] + dt.timedelta(days=rng.randint(-20, 20))
            else:
                net, city = None, rng.choice(sorted(CITY_IDS))
                t = START + dt.timedelta(days=rng.randrange(0, 150), hours=rng.randrange(24))
            region = L.CITIES[city][0]
            lang = rng.choice(COUNTRY_LANGS[region]) if rng.random() < 0.85 else "en"
            doc = Doc(lang=lang, region=region)
            if why == "near_phone":
                phone = self.near_phone(rng.choice(net["phones"]))
            else:
                phone = self.new_phone(region if rng.random() < 0.8 else rng.choice(HOME_REGIONS))
            if rng.random() < 0.85 or why == "near_phone":
                contact = self.contact(doc, "contact", doc.phone(rng, phone, 0.2))
            else:
                contact = self.contact(doc, "email", doc.email(rng, self.new_email(), 0.2))
            if why == "price":
                # The same price, written the same way, as a network ad.
                amount = next((e["amount"] for e in ref["doc"].extras if e["kind"] == "price"), 100)
                text = self.escort_text(doc, city, rng.choice(self.names[lang]), contact, amount)
            elif why == "noise" or rng.random() < 0.5:
                text = self.escort_text(doc, city, rng.choice(self.names[lang]), contact)
            else:
                kind = rng.choice(["furniture", "rental", "bike", "tutor", "massage"])
                amount = {"rental": rng.choice([650, 780, 900]), "tutor": rng.choice([20, 25, 30])}.get(
                    kind, rng.choice(PRICES))
                price_plain = f"{amount} €"
                doc.extras.append({"kind": "price", "amount": amount, "currency": "EUR", "text": price_plain})
                text = rng.choice(L.T[lang]["decoy"][kind]).format(city=L.city_name(city, lang),
                                                                   price_plain=price_plain, contact=contact)
            self.add(doc, text, city, t, decoy=why)

    def add_bridges(self, nets: list[dict], n: int) -> list[dict]:
        """Chain the largest networks: one ad of each also prints the next one's phone (a shared
        booker). The components that result must be split again by community detection."""
        rng = self.rng
        chain = sorted(nets, key=lambda x: (-x["size"], x["id"]))[:n + 1]
        out = []
        for a, b in zip(chain, chain[1:]):
            i = rng.choice([k for k, r in enumerate(self.records) if r["network"] == a["id"] and not r.get("bridge")])
            r = self.records[i]
            r["bridge"] = True
            line = self.contact(r["doc"], "contact", r["doc"].phone(rng, b["phones"][0], 0.0, role="bridge"))
            r["text"] += "\n" + line
            out.append({"index": i, "network": a["id"], "other": b["id"], "value": b["phones"][0].e164})
        return out

    def near_phone(self, p: P.Phone) -> P.Phone:
        """The same number with one of its last digits changed: normalisation must keep them apart."""
        for pos in (1, 2, 3):
            for d in "1234567890":
                q = P.Phone(p.region, p.cc, p.trunk, p.nsn[:-pos] + d + p.nsn[len(p.nsn) - pos + 1:], p.groups, p.line)
                if q.e164 not in self.used:
                    self.used.add(q.e164)
                    self.phones.append(q)
                    return q
        raise RuntimeError(f"no free neighbour of {p.e164}")

    def add_hub(self, nets: list[dict], share: float) -> list[int]:
        """The support line under max(40, share × ads) ads, drawn from all ads, at least one of every network."""
        rng = self.rng
        total = max(40, round(share * len(self.records)))
        net_idx = [i for i, r in enumerate(self.records) if r["network"]]
        other_idx = [i for i, r in enumerate(self.records) if not r["network"]]
        chosen: set[int] = set()
        by_net: dict[str, list[int]] = {}
        for i in net_idx:
            by_net.setdefault(self.records[i]["network"], []).append(i)
        for nid in sorted(by_net):  # at least one ad of each network carries the hub
            chosen.add(rng.choice(by_net[nid]))
        pool = net_idx + other_idx
        while len(chosen) < min(total, len(pool)):
            chosen.add(rng.choice(pool))
        for i in sorted(chosen):
            r = self.records[i]
            doc = r["doc"]
            line = self.contact(doc, "hub", doc.phone(rng, self.hub, 0.0, role="platform_hub"))
            r["text"] += "\n" + line
        return sorted(chosen)


def generate(seed: int, n_networks: int, n_decoys: int, hub_share: float,
             n_bridges: int = 0) -> tuple[list[dict], dict, list[P.Phone]]:
    rows, names = load_gazetteer()
    check_cities(rows)
    rng = random.Random(seed)
    g = Gen(rng, rows, names)
    sizes = [rng.randint(3, 30) for _ in range(n_networks)]
    if n_networks >= 2:
        sizes[0], sizes[1] = 3, 30  # both ends of the planted size range
    nets = [g.network(f"N{i + 1:02d}", s) for i, s in enumerate(sizes)]
    bridges = g.add_bridges(nets, n_bridges) if n_bridges else []
    g.decoys(nets, n_decoys)
    hub_at = g.add_hub(nets, hub_share)
    order = sorted(range(len(g.records)), key=lambda i: (g.records[i]["t"], g.records[i]["text"]))
    rid = {i: f"lk-{k + 1:05d}" for k, i in enumerate(order)}
    lines, truth_records, decoys = [], {}, {}
    for i in order:
        r = g.records[i]
        d = r["doc"]
        site = SITES[d.region]
        url = f"https://{site}/{d.lang}/{rid[i]}"
        if len(lines) % 7 == 3:
            url += f"?from=list&page={len(lines) // 7 + 1}"  # exports must escape '&' (XML) and quotes
        lines.append({"id": rid[i], "text": r["text"], "url": url,
                      "captured_at": iso(r["t"]), "region": d.region, "lang": d.lang})
        truth_records[rid[i]] = r["network"]
        if r["decoy"]:
            decoys[rid[i]] = r["decoy"]
    networks = []
    for net in nets:
        sel = [{"kind": "phone", "value": p.e164} for p in net["phones"]]
        if net["email"]:
            sel.append({"kind": "email", "value": net["email"]})
        sel += [{"kind": "handle", "value": f"{p}:{h.lower()}"} for p, h in net["handles"]]
        if net["wallet"]:
            sel.append({"kind": "wallet", "value": net["wallet"][1]})
        if net["iban"]:
            sel.append({"kind": "iban", "value": net["iban"]})
        st = net["stints"]
        moves = [{"from": a["city"], "from_geonameid": a["geonameid"], "to": b["city"], "to_geonameid": b["geonameid"],
                  "after": a["last"], "before": b["first"]} for a, b in zip(st, st[1:])]
        networks.append({"id": net["id"], "size": net["size"], "selectors": sel,
                         "route": [{**s, "gazetteer_name": rows[s["geonameid"]]["name"]} for s in st],
                         "moves": moves})
    members = {}
    for k, v in truth_records.items():
        if v:
            members.setdefault(v, []).append(k)
    per_record_selectors = {rid[i]: [{k: s[k] for k in ("kind", "value", "text", "technique", "role") if k in s}
                                     for s in g.records[i]["doc"].selectors] for i in order}
    truth = {
        "generator": "scripts/gen_link_corpus.py", "version": VERSION,
        "params": {"seed": seed, "networks": n_networks, "decoys": n_decoys, "hub_share": hub_share,
                   "bridges": n_bridges},
        "note": "All names, numbers, addresses, accounts and wallets are fictional. Phones E.164, e-mails "
                "lowercase, handles platform:name, IBANs compact. A move's date lies in [after, before].",
        "hub": {"kind": "phone", "value": g.hub.e164, "records": sorted(rid[i] for i in hub_at),
                "description": "A classified site's support line printed under many unrelated ads."},
        "networks": networks,
        "records": truth_records,
        "decoys": decoys,
        "bridges": [{"record": rid[b["index"]], "network": b["network"], "other": b["other"],
                     "selector": {"kind": "phone", "value": b["value"]}} for b in bridges],
        "selectors": per_record_selectors,
    }
    for net in networks:
        net["records"] = sorted(members.get(net["id"], []))
    return lines, truth, g.phones + [g.hub]


def verify(lines: list[dict], truth: dict) -> list[str]:
    """The truth agrees with itself and with the texts: every planted selector is written in its ad,
    and linking the planted selectors (without the hub and the bridges) gives exactly the planted
    networks, so a perfect scanner and linker would score ARI 1."""
    problems = []
    text = {o["id"]: o["text"] for o in lines}
    parent = {r: r for r in text}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_with: dict[tuple[str, str], str] = {}
    for rid, sels in truth["selectors"].items():
        for s in sels:
            if s["text"] not in text[rid]:
                problems.append(f"{rid}: planted {s['kind']} '{s['text']}' is not in the text")
            if s.get("role") in ("platform_hub", "bridge"):
                continue
            key = (s["kind"], s["value"].lower())
            if key in first_with:
                parent[find(rid)] = find(first_with[key])
            else:
                first_with[key] = rid
    groups: dict[str, set[str]] = {}
    for r in text:
        groups.setdefault(find(r), set()).add(r)
    planted = {frozenset(n["records"]) for n in truth["networks"]}
    planted |= {frozenset([r]) for r, n in truth["records"].items() if n is None}
    got = {frozenset(g) for g in groups.values()}
    if got != planted:
        problems.append(f"planted selectors give {len(got)} groups, the truth has {len(planted)}")
    return problems


def write(out: Path, lines: list[dict], truth: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "ads.jsonl").open("w", encoding="utf-8") as f:
        for obj in lines:
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def check_reproducible(out: Path) -> int:
    """Regenerate with the parameters recorded in OUT/truth.json; fail unless the bytes are identical."""
    try:
        params = json.loads((out / "truth.json").read_text(encoding="utf-8"))["params"]
    except (OSError, ValueError, KeyError) as e:
        print(f"gen_link_corpus: cannot read {out / 'truth.json'}: {e}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, __file__, "--out", tmp, "--seed", str(params["seed"]), "--networks",
               str(params["networks"]), "--decoys", str(params["decoys"]), "--hub-share", str(params["hub_share"]),
               "--bridges", str(params.get("bridges", 0))]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            print(p.stdout + p.stderr, file=sys.stderr)
            return 1
        diff = [name for name in ("ads.jsonl", "truth.json")
                if not (out / name).is_file() or not filecmp.cmp(Path(tmp) / name, out / name, shallow=False)]
    if diff:
        print(f"gen_link_corpus: {', '.join(diff)} in {out} differ from the generator's output", file=sys.stderr)
        return 1
    print(f"gen_link_corpus: {out} is what the generator writes (seed {params['seed']})")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="output directory (ads.jsonl, truth.json)")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--networks", type=int, default=12, help="planted networks, 3-30 ads each (default 12)")
    ap.add_argument("--decoys", type=int, default=200, help="decoy and noise ads (default 200)")
    ap.add_argument("--hub-share", type=float, default=0.12,
                    help="share of all ads that print the hub number, at least 40 (default 0.12)")
    ap.add_argument("--bridges", type=int, default=0,
                    help="chain the B+1 largest networks with B ads that also print the next network's phone "
                         "(community detection must split them again; default 0)")
    ap.add_argument("--check", action="store_true",
                    help="regenerate with the parameters of OUT/truth.json and fail if the files differ")
    args = ap.parse_args()
    if args.check:
        return check_reproducible(args.out)
    if args.networks < 0 or args.decoys < 0 or not 0 <= args.hub_share <= 1:
        ap.error("--networks and --decoys must be >= 0, --hub-share in [0, 1]")
    if not 0 <= args.bridges < max(args.networks, 1):
        ap.error("--bridges must be in [0, networks - 1]")
    lines, truth, phones = generate(args.seed, args.networks, args.decoys, args.hub_share, args.bridges)
    bad = P.check_valid(phones)
    if bad:
        print("gen_link_corpus: phonenumbers rejects " + ", ".join(bad[:10]), file=sys.stderr)
        return 1
    problems = verify(lines, truth)
    for p in problems[:20]:
        print("gen_link_corpus: " + p, file=sys.stderr)
    if problems:
        return 1
    write(args.out, lines, truth)
    n_net = sum(1 for v in truth["records"].values() if v)
    print(f"gen_link_corpus: {len(lines)} ads ({n_net} in {len(truth['networks'])} networks, "
          f"{len(truth['decoys'])} decoys, hub in {len(truth['hub']['records'])}) -> {args.out}"
          + ("" if bad is not None else " (phonenumbers not importable: numbers not re-checked)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
