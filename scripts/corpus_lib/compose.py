"""Composing ads and posts from phrase banks while recording every planted selector."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from . import ids, lang as L, phones as P

HANDLE_FORMS = {
    "snapchat": ["snap: {h}", "Snapchat: {h}", "sc {h}", "snap @{h}"],
    "instagram": ["insta @{h}", "IG: @{h}", "instagram @{h}", "insta: {h}"],
    "telegram": ["Telegram @{h}", "tg: @{h}", "telegram: {h}"],
    "tiktok": ["TikTok @{h}", "tiktok: @{h}"],
    "x": ["X @{h}", "twitter @{h}"],
    "onlyfans": ["OnlyFans: {h}", "OF @{h}"],
}
# Forms that are also links (a scanner may add a url finding for them).
HANDLE_URL_FORMS = {"instagram": "instagram.com/{h}", "telegram": "t.me/{h}", "tiktok": "tiktok.com/@{h}"}


@dataclass
class Doc:
    """Text under construction plus what was planted in it."""
    lang: str
    region: str
    intl_only: bool = False  # no default region where this text will live: national formats would be ambiguous
    prefer_national: bool = False  # a country-TLD page: write domestic numbers the national way
    selectors: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    extras: list[dict] = field(default_factory=list)  # age, price
    phone_objs: list[P.Phone] = field(default_factory=list)

    def phone(self, rng: random.Random, p: P.Phone, obf_rate: float, intl_only: bool = False,
              technique: str | None = None, role: str | None = None) -> str:
        domestic = (p.region == self.region) and not (intl_only or self.intl_only)
        obf = rng.random() < obf_rate
        if technique is None and domestic and not obf and self.prefer_national:
            technique = rng.choice(P.PLAIN_NATIONAL)
        text, tech, is_obf = P.render(rng, p, domestic, self.lang, technique=technique, obfuscated=obf)
        self.phone_objs.append(p)
        entry = {"kind": "phone", "value": p.e164, "text": text, "obfuscated": is_obf, "technique": tech}
        if role:
            entry["role"] = role
        self.selectors.append(entry)
        return text

    def email(self, rng: random.Random, address: str, obf_rate: float, technique: str | None = None) -> str:
        local, domain = address.split("@")
        text, tech = ids.render_email(rng, local, domain, self.lang, technique is not None or rng.random() < obf_rate,
                                      technique)
        self.selectors.append({"kind": "email", "value": address.lower(), "text": text,
                               "obfuscated": not tech.startswith("plain"), "technique": tech})
        return text

    def handle(self, rng: random.Random, platform: str, name: str, allow_url: bool = True) -> str:
        if allow_url and platform in HANDLE_URL_FORMS and rng.random() < 0.25:
            text = HANDLE_URL_FORMS[platform].format(h=name)
            entry = {"kind": "handle", "value": f"{platform}:{name.lower()}", "text": text, "also_url": True}
        else:
            text = rng.choice(HANDLE_FORMS[platform]).format(h=name)
            entry = {"kind": "handle", "value": f"{platform}:{name.lower()}", "text": text}
        self.selectors.append(entry)
        return text

    def wallet(self, kind: str, address: str) -> str:
        self.selectors.append({"kind": "wallet", "value": address, "text": address, "chain": kind.split("_")[0]})
        return address

    def iban(self, rng: random.Random, iban: str) -> str:
        text, tech, obf = ids.render_iban(rng, iban)
        self.selectors.append({"kind": "iban", "value": iban, "text": text, "obfuscated": obf, "technique": tech})
        return text

    def indicator(self, rng: random.Random, category: str, city: str) -> str:
        phrase = rng.choice(L.IND[self.lang][category]).replace("{city}", city)
        self.indicators.append({"category": category, "text": phrase})
        return phrase

    def emoji(self, rng: random.Random) -> str:
        e = rng.choice(L.EMOJI_CODES)
        self.indicators.append({"category": "emoji_code", "text": e})
        return e

    def age(self, n: int) -> str:
        text = L.T[self.lang]["age"].format(n=n)
        self.extras.append({"kind": "age", "value": str(n), "text": text})
        return text

    def price(self, rng: random.Random, amount: int) -> str:
        tpl = rng.choice(L.T[self.lang]["price"])
        if "{r}" in tpl:
            text = tpl.format(r=amount)
            cur = "rose"
        else:
            text = tpl.format(p=amount)
            cur = "RON" if " lei" in tpl else "BGN" if "лв." in tpl else "EUR"
        self.extras.append({"kind": "price", "amount": amount, "currency": cur, "text": text})
        return text


def plain_price(rng: random.Random, lang: str, amount: int) -> str:
    if lang == "en":
        return rng.choice([f"€{amount}", f"{amount} EUR", f"{amount} €"])
    if amount >= 1000 and lang in ("fr", "bg", "ro"):
        s = f"{amount:,}".replace(",", " ")
    elif amount >= 1000:
        s = f"{amount:,}".replace(",", ".")
    else:
        s = str(amount)
    return rng.choice([f"{s} €", f"{s}€", f"{s} euros" if lang in ("fr", "es") else f"{s} EUR"])
