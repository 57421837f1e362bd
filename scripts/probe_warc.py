#!/usr/bin/env python3
"""Independent probe of `cairn scan` on WARC archives (mixed charsets, HTTP encodings, broken inputs).

It mirrors this acceptance check, on synthetic data of its own:

    Archives written by `warcio` with mixed charsets (declared in HTTP, in `<meta>`, or not at
    all), compressed and chunked payloads, a truncated last member, and a file that is no archive:
    every good page read with its URL, language and phone, nothing read from image bytes, an error
    line for each broken input, exit 3.

What it generates (all ads are fictional and non-explicit; phones are random numbers that
`phonenumbers` says are valid mobile numbers of the page's country):

* several WARC files written with warcio's WARCWriter: gzip per record and plain, WARC/1.0 and
  1.1, one gzipped as a whole; HTML pages in fr, en, nl, de, it, es, ro, bg encoded in
  windows-1252, iso-8859-1, iso-8859-2, windows-1251 or utf-8 (with or without BOM), the charset
  declared in the HTTP header, in `<meta charset>`, in `<meta http-equiv>`, or nowhere; bodies sent
  plain, `Transfer-Encoding: chunked` (raw chunks in the record), `Content-Encoding` gzip, deflate
  (zlib) and raw deflate, alone or chunked; decoy phones in `<script>`, `<style>` and comments;
  `resource` records of plain text; image records (PNG, JPEG, GIF, as `response` and `resource`)
  holding phone-like ASCII digits; `request`, `metadata` and `warcinfo` records holding decoys;
* broken inputs: a gzip WARC whose last member is cut in the middle of its compressed bytes,
  random bytes, a ZIP, a PDF, an HTML error page and a gzip of HTML saved under WARC names, and
  an empty file;
* truth.jsonl: one line per page (file, offset, URL, language, E.164 phones, region, charset,
  declaration, encoding) and per image / non-page record (expected to give no page).

Then it runs `CAIRN scan --format jsonl --no-store --quiet DIR` and once per file, and reports
pages expected vs read (by URL), language, phones (missing and wrong, with evidence), findings on
images or on records that are no page, error lines per broken input, exit codes, whether the good
records before the truncation were read, and the consistency of `start`/`end` with `evidence`.
Inputs, truth.jsonl, the directory run's output (out-dir.jsonl) and every failure
(failures.txt) stay in the workdir.

Usage:
    .venv/bin/python scripts/probe_warc.py [--cairn BIN] [--seed N] [--pages N]
                                           [--workdir DIR] [--show]

Exit status: 0 when no failure was found, 1 otherwise.
"""

import argparse
import gzip
import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from html import escape

import phonenumbers
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# ---------------------------------------------------------------------------------------------
# Synthetic content
# ---------------------------------------------------------------------------------------------

LANGS = ["fr", "en", "nl", "de", "it", "es", "ro", "bg"]

# Region and TLD per language: cairn reads national numbers with the URL's country TLD.
REGION = {"fr": "FR", "en": "GB", "nl": "NL", "de": "DE", "it": "IT", "es": "ES", "ro": "RO", "bg": "BG"}
TLD = {"fr": "fr", "en": "co.uk", "nl": "nl", "de": "de", "it": "it", "es": "es", "ro": "ro", "bg": "bg"}

# Charsets each language can be written in (legacy ones as real sites of that language used).
CHARSETS = {
    "fr": ["windows-1252", "iso-8859-1", "utf-8", "utf-8-bom"],
    "en": ["windows-1252", "iso-8859-1", "utf-8", "utf-8-bom"],
    "nl": ["windows-1252", "iso-8859-1", "utf-8", "utf-8-bom"],
    "de": ["windows-1252", "iso-8859-1", "iso-8859-2", "utf-8", "utf-8-bom"],
    "it": ["windows-1252", "iso-8859-1", "utf-8", "utf-8-bom"],
    "es": ["windows-1252", "iso-8859-1", "utf-8", "utf-8-bom"],
    "ro": ["iso-8859-2", "utf-8", "utf-8-bom"],
    "bg": ["windows-1251", "utf-8", "utf-8-bom"],
}

CITIES = {
    "fr": ["Lyon", "Paris", "Marseille", "Toulouse", "Nice", "Bordeaux", "Nantes", "Strasbourg"],
    "en": ["London", "Manchester", "Leeds", "Bristol", "Liverpool", "Sheffield", "Brighton"],
    "nl": ["Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "Den Haag", "Groningen"],
    "de": ["Berlin", "München", "Hamburg", "Köln", "Düsseldorf", "Frankfurt", "Nürnberg"],
    "it": ["Milano", "Roma", "Torino", "Bologna", "Firenze", "Napoli", "Genova"],
    "es": ["Madrid", "Barcelona", "Valencia", "Sevilla", "Málaga", "Zaragoza", "Bilbao"],
    "ro": ["București", "Cluj-Napoca", "Timișoara", "Iași", "Constanța", "Brașov"],
    "bg": ["София", "Пловдив", "Варна", "Бургас", "Русе", "Стара Загора"],
}

NAMES = {
    "fr": ["Julie", "Camille", "Léa", "Manon", "Chloé", "Inès"],
    "en": ["Emily", "Sophie", "Grace", "Holly", "Chloe", "Jessica"],
    "nl": ["Sanne", "Lotte", "Fleur", "Anouk", "Iris", "Femke"],
    "de": ["Lena", "Hannah", "Marie", "Jana", "Sophie", "Katrin"],
    "it": ["Giulia", "Chiara", "Sara", "Martina", "Francesca", "Elisa"],
    "es": ["Lucía", "Carmen", "Paula", "Sofía", "Marta", "Elena"],
    "ro": ["Ioana", "Andreea", "Elena", "Bianca", "Alexandra", "Diana"],
    "bg": ["Мария", "Елена", "Виктория", "Десислава", "Гергана", "Николета"],
}

# Ad templates: short, non-explicit, with {name} {city} {age} {phone}.
ADS = {
    "fr": [
        "Nouvelle à {city}, {name}, {age} ans, douce et souriante. Appelle-moi au {phone}.",
        "Bonjour, je suis {name}, de passage à {city} cette semaine. Rendez-vous uniquement par téléphone : {phone}. Pas de SMS, merci.",
        "{name}, {age} ans, disponible en soirée à {city}. Contact : {phone}. Réponse rapide, discrétion assurée.",
    ],
    "en": [
        "New in {city}! I'm {name}, {age}, friendly and relaxed. Call me on {phone}.",
        "Hi, {name} here, visiting {city} this week only. Bookings by phone: {phone}. No withheld numbers please.",
        "{name}, {age} years old, available evenings in {city}. Text or call {phone} for details.",
    ],
    "nl": [
        "Nieuw in {city}! Ik ben {name}, {age} jaar, lief en spontaan. Bel me op {phone}.",
        "Hoi, ik ben {name} en deze week in {city}. Afspraken alleen telefonisch: {phone}. Geen anonieme nummers.",
        "{name}, {age} jaar, 's avonds beschikbaar in {city}. Bel of app naar {phone} voor meer informatie.",
    ],
    "de": [
        "Neu in {city}! Ich bin {name}, {age} Jahre, freundlich und gepflegt. Ruf mich an unter {phone}.",
        "Hallo, ich bin {name} und diese Woche in {city}. Termine nur telefonisch: {phone}. Keine unterdrückten Nummern.",
        "{name}, {age} Jahre, abends in {city} erreichbar. Schreib mir oder ruf an: {phone}. Ich freue mich auf dich.",
    ],
    "it": [
        "Nuova a {city}! Sono {name}, {age} anni, dolce e sorridente. Chiamami al {phone}.",
        "Ciao, sono {name}, di passaggio a {city} questa settimana. Appuntamenti solo per telefono: {phone}. Niente numeri privati.",
        "{name}, {age} anni, disponibile la sera a {city}. Scrivimi o chiamami al {phone} per informazioni.",
    ],
    "es": [
        "¡Nueva en {city}! Soy {name}, {age} años, simpática y cariñosa. Llámame al {phone}.",
        "Hola, soy {name} y estoy de paso en {city} esta semana. Citas solo por teléfono: {phone}. No contesto números ocultos.",
        "{name}, {age} años, disponible por las tardes en {city}. Escríbeme o llámame al {phone} para más información.",
    ],
    "ro": [
        "Nouă în {city}! Sunt {name}, am {age} de ani, sunt dulce și zâmbitoare. Sună-mă la {phone}.",
        "Bună, sunt {name} și sunt în {city} doar săptămâna aceasta. Programări numai telefonic: {phone}. Nu răspund la numere ascunse.",
        "{name}, {age} de ani, disponibilă seara în {city}. Scrie-mi sau sună-mă la {phone} pentru detalii.",
    ],
    "bg": [
        "Нова в {city}! Аз съм {name}, на {age} години, мила и усмихната. Обади ми се на {phone}.",
        "Здравейте, аз съм {name} и съм в {city} само тази седмица. Срещи само по телефона: {phone}. Не отговарям на скрити номера.",
        "{name}, на {age} години, свободна вечер в {city}. Пиши ми или ми се обади на {phone} за повече информация.",
    ],
}

# Site furniture: navigation, categories and footers, so that pages have realistic boilerplate.
NAV = {
    "fr": ["Accueil", "Annonces", "Rencontres", "Massages", "Publier une annonce", "Mon compte", "Aide", "Contact", "Favoris", "Recherche avancée"],
    "en": ["Home", "Listings", "Escorts", "Massage", "Post an ad", "My account", "Help", "Contact", "Favourites", "Advanced search"],
    "nl": ["Home", "Advertenties", "Ontmoetingen", "Massage", "Plaats een advertentie", "Mijn account", "Hulp", "Contact", "Favorieten", "Uitgebreid zoeken"],
    "de": ["Startseite", "Anzeigen", "Begegnungen", "Massagen", "Anzeige aufgeben", "Mein Konto", "Hilfe", "Kontakt", "Merkliste", "Erweiterte Suche"],
    "it": ["Home", "Annunci", "Incontri", "Massaggi", "Pubblica un annuncio", "Il mio account", "Aiuto", "Contatti", "Preferiti", "Ricerca avanzata"],
    "es": ["Inicio", "Anuncios", "Encuentros", "Masajes", "Publicar anuncio", "Mi cuenta", "Ayuda", "Contacto", "Favoritos", "Búsqueda avanzada"],
    "ro": ["Acasă", "Anunțuri", "Întâlniri", "Masaj", "Adaugă anunț", "Contul meu", "Ajutor", "Contact", "Favorite", "Căutare avansată"],
    "bg": ["Начало", "Обяви", "Запознанства", "Масажи", "Публикувай обява", "Моят профил", "Помощ", "Контакти", "Любими", "Разширено търсене"],
}
FOOTER = {
    "fr": "Toutes les annonces sont vérifiées par notre équipe de modération avant publication. En utilisant ce site, vous acceptez nos conditions générales d'utilisation et notre politique de confidentialité. Les personnes présentes sur ce site déclarent être majeures. Signaler un abus. Mentions légales.",
    "en": "All listings are checked by our moderation team before they go live. By using this site you agree to our terms and conditions and our privacy policy. Everyone appearing on this site has declared to be an adult. Report abuse. Legal notice.",
    "nl": "Alle advertenties worden door ons moderatieteam gecontroleerd voordat ze online komen. Door deze site te gebruiken ga je akkoord met onze algemene voorwaarden en ons privacybeleid. Iedereen op deze site heeft verklaard meerderjarig te zijn. Misbruik melden. Colofon.",
    "de": "Alle Anzeigen werden vor der Veröffentlichung von unserem Moderationsteam geprüft. Mit der Nutzung dieser Seite akzeptierst du unsere Nutzungsbedingungen und unsere Datenschutzerklärung. Alle Personen auf dieser Seite haben erklärt, volljährig zu sein. Missbrauch melden. Impressum.",
    "it": "Tutti gli annunci vengono controllati dal nostro team di moderazione prima della pubblicazione. Utilizzando questo sito accetti i termini e le condizioni e la nostra informativa sulla privacy. Tutte le persone presenti sul sito hanno dichiarato di essere maggiorenni. Segnala un abuso. Note legali.",
    "es": "Todos los anuncios son revisados por nuestro equipo de moderación antes de publicarse. Al utilizar este sitio aceptas nuestras condiciones de uso y nuestra política de privacidad. Todas las personas que aparecen en este sitio han declarado ser mayores de edad. Denunciar un abuso. Aviso legal.",
    "ro": "Toate anunțurile sunt verificate de echipa noastră de moderare înainte de publicare. Folosind acest site ești de acord cu termenii și condițiile noastre și cu politica de confidențialitate. Toate persoanele de pe acest site au declarat că sunt majore. Raportează un abuz. Informații legale.",
    "bg": "Всички обяви се проверяват от нашия екип по модерация преди публикуване. Като използвате този сайт, вие приемате общите условия и политиката за поверителност. Всички лица в сайта са декларирали, че са пълнолетни. Сигнализирайте за злоупотреба. Правна информация.",
}
RELATED = {"fr": "Annonces similaires", "en": "Similar listings", "nl": "Vergelijkbare advertenties", "de": "Ähnliche Anzeigen",
           "it": "Annunci simili", "es": "Anuncios similares", "ro": "Anunțuri similare", "bg": "Подобни обяви"}
SITE = {"fr": "petites-annonces-{c}", "en": "classifieds-{c}", "nl": "advertenties-{c}", "de": "kleinanzeigen-{c}",
        "it": "annunci-{c}", "es": "anuncios-{c}", "ro": "anunturi-{c}", "bg": "obiavi-{c}"}

LABELS = {
    "utf-8": ["utf-8", "UTF-8", "utf8"],
    "windows-1252": ["windows-1252", "Windows-1252", "cp1252"],
    "iso-8859-1": ["iso-8859-1", "ISO-8859-1", "latin1"],
    "iso-8859-2": ["iso-8859-2", "ISO-8859-2", "latin2"],
    "windows-1251": ["windows-1251", "Windows-1251", "cp1251"],
}

# Characters that a legacy charset lacks, replaced as a page in that charset would write them.
FALLBACK = {
    "iso-8859-1": {"œ": "oe", "Œ": "OE", "€": "EUR", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "–": "-"},
    "iso-8859-2": {"ș": "ş", "Ș": "Ş", "ț": "ţ", "Ț": "Ţ", "è": "e", "à": "a", "’": "'", "€": "EUR", "…": "...", "–": "-"},
    "windows-1252": {},
    "windows-1251": {},
}

# Mobile number prefixes: random numbers are drawn from these and kept when phonenumbers says they
# are valid mobiles, so that every truth phone is a real-format but fictional number.
MOBILE_PREFIX = {
    "FR": ["06", "07"], "GB": ["074", "075", "077", "078", "079"], "NL": ["06"],
    "DE": ["0151", "0152", "0157", "0160", "0170", "0172", "0176"], "IT": ["32", "33", "34", "38"],
    "ES": ["6", "71", "72"], "RO": ["072", "073", "074", "075", "076"], "BG": ["087", "088", "089"],
}
NSN_LEN = {"FR": 10, "GB": 11, "NL": 10, "DE": 11, "IT": 10, "ES": 9, "RO": 10, "BG": 10}


class Phones:
    """Draws unique valid mobile numbers, so a decoy can never equal a truth phone."""

    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def draw(self, region):
        while True:
            pre = self.rng.choice(MOBILE_PREFIX[region])
            n = NSN_LEN[region] + (self.rng.choice([0, 1]) if region == "DE" else 0)
            digits = pre + "".join(self.rng.choice("0123456789") for _ in range(n - len(pre)))
            num = phonenumbers.parse(digits, region)
            if not phonenumbers.is_valid_number(num):
                continue
            if phonenumbers.number_type(num) != phonenumbers.PhoneNumberType.MOBILE:
                continue
            e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
            if e164 in self.used:
                continue
            self.used.add(e164)
            return num, e164

    def written(self, num, style):
        """The number as an ad would write it: national (as the country writes it), dotted,
        compact or international."""
        nat = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
        if style == "national":
            return nat
        if style == "compact":
            return re.sub(r"\D", "", nat)
        if style == "dotted":
            return re.sub(r"[ \-]", ".", nat)
        return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def encode_text(text, charset):
    """Encode text in a page charset, replacing what a legacy charset cannot hold."""
    if charset.startswith("utf-8"):
        data = text.encode("utf-8")
        return b"\xef\xbb\xbf" + data if charset == "utf-8-bom" else data
    for a, b in FALLBACK.get(charset, {}).items():
        text = text.replace(a, b)
    return text.encode(charset)


def visible_of(text, charset):
    """The page text as it is after the charset fallback (what a reader can see)."""
    if charset.startswith("utf-8"):
        return text
    for a, b in FALLBACK.get(charset, {}).items():
        text = text.replace(a, b)
    return text


# ---------------------------------------------------------------------------------------------
# Pages and HTTP bodies
# ---------------------------------------------------------------------------------------------

def build_page(rng, phones, lang, idx, decoys):
    """One classified-ad page: returns (html_text, visible_fragments, truth dict)."""
    region = REGION[lang]
    city = rng.choice(CITIES[lang])
    name = rng.choice(NAMES[lang])
    age = rng.randint(21, 35)
    n_phones = 1 if rng.random() < 0.85 else 2
    nums = [phones.draw(region) for _ in range(n_phones)]
    # International format on a .com site, where the URL gives no region.
    intl_site = rng.random() < 0.1
    styles = ["national", "national", "compact", "intl"] + (["dotted"] if lang in ("fr", "ro", "de") else [])
    written = [phones.written(n, "intl" if intl_site else rng.choice(styles)) for n, _ in nums]
    phone_text = written[0] if len(written) == 1 else f"{written[0]} / {written[1]}"
    ad = rng.choice(ADS[lang]).format(name=name, city=city, age=age, phone=phone_text)
    site = SITE[lang].format(c=rng.choice(["central", "city", "express", "plus", "direct"]))
    host = f"www.{site}.com" if intl_site else f"www.{site}.{TLD[lang]}"
    slug = re.sub(r"[^a-z0-9]+", "-", city.lower().encode("ascii", "ignore").decode() or "city").strip("-")
    url = f"https://{host}/{lang}/{slug or 'city'}/ad-{idx:05d}.html"
    title = f"{name} – {city}" if rng.random() < 0.5 else f"{name}, {age} - {city}"

    frags = []  # visible text fragments, in order, to check evidence against
    hrefs = []

    def vis(s):
        frags.append(s)
        return escape(s, quote=False)

    def link(path, label):
        href = f"https://{host}{path}"
        hrefs.append(href)
        return f'<a href="{escape(href)}">{vis(label)}</a>'

    # Boilerplate size varies: some pages are mostly navigation.
    heavy = rng.random() < 0.3
    nav = "".join(f"<li>{link('/' + str(i), w)}</li>" for i, w in enumerate(NAV[lang]))
    # Heavy pages carry a directory of every city x category, as listing sites do.
    pairs = [(c, w) for c in CITIES[lang] for w in NAV[lang][1:4]] if heavy else [(c, "") for c in CITIES[lang]]
    city_links = "".join(f"<li>{link('/c/' + str(i), (w + ' ' + c).strip())}</li>" for i, (c, w) in enumerate(pairs))
    related = "".join(
        f"<li>{link('/ad/' + str(rng.randint(10000, 99999)), rng.choice(NAMES[lang]) + ' – ' + rng.choice(CITIES[lang]))}</li>"
        for _ in range(rng.randint(30, 120) if heavy else rng.randint(3, 10)))
    pagination = " ".join(link(f"/p/{i}", str(i)) for i in range(1, 8))

    # Decoys: valid numbers in script, style and comments, none of them visible text.
    decoy_parts = []
    script = style = comment = ""
    if rng.random() < 0.5:
        _, e = phones.draw(region)
        n = phonenumbers.parse(e)
        # Sometimes a large inline bundle (as real pages have), the decoy deep inside it.
        bundle = "".join(f"function f{i}(a,b){{return a*{rng.randint(2, 99)}+b;}}\n" for i in range(rng.randint(200, 900))) if heavy else ""
        script = f'<script>{bundle}var contact = {{"tel": "{phones.written(n, "national")}", "id": 4711}}; window.dataLayer = [];</script>'
        decoy_parts.append(("script", e))
    if rng.random() < 0.3:
        _, e = phones.draw(region)
        n = phonenumbers.parse(e)
        style = f'<style>.hotline::after {{ content: "{phones.written(n, "national")}"; }} body {{ margin: 0 }}</style>'
        decoy_parts.append(("style", e))
    if rng.random() < 0.2:
        _, e = phones.draw(region)
        n = phonenumbers.parse(e)
        comment = f"<!-- old contact {phones.written(n, 'compact')} -->"
        decoy_parts.append(("comment", e))
    decoys.extend(decoy_parts)

    head_title = f"<title>{vis(title)}</title>"
    body = (
        f"<body><header><nav><ul>{nav}</ul></nav></header>\n"
        f"<main><div class=\"crumbs\">{link('/', NAV[lang][0])} &gt; {link('/c', city)}</div>\n"
        f"<article><h1>{vis(title)}</h1>\n<p>{vis(ad)}</p>\n{comment}</article>\n"
        f"<aside><h2>{vis(RELATED[lang])}</h2><ul>{related}</ul></aside>\n"
        f"<div class=\"pages\">{pagination}</div>\n"
        f"<section class=\"cities\"><ul>{city_links}</ul></section></main>\n"
        f"<footer><p>{vis(FOOTER[lang])}</p></footer>\n{script}</body>"
    )
    truth = {"url": url, "lang": lang, "region": region, "phones": [e for _, e in nums],
             "written": written, "ad": ad, "decoys": decoy_parts, "intl_site": intl_site}
    return head_title, style, body, frags, hrefs, truth


def chunked(data, rng):
    """HTTP/1.1 chunked transfer coding of data, in random-sized chunks."""
    out = bytearray()
    i = 0
    while i < len(data):
        n = rng.randint(1, max(1, min(4096, len(data) - i)))
        size = format(n, "x")
        # Upper-case hex and chunk extensions are both valid HTTP/1.1.
        ext = ";ext=1" if rng.random() < 0.05 else ""
        out += (size.upper() if rng.random() < 0.3 else size).encode() + ext.encode() + b"\r\n" + data[i:i + n] + b"\r\n"
        i += n
    out += b"0\r\n\r\n"
    return bytes(out)


def content_encode(data, enc):
    if enc == "gzip":
        return gzip.compress(data)
    if enc == "deflate-zlib":
        return zlib.compress(data)
    if enc == "deflate-raw":
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush()
    return data


def make_html_response(rng, phones, lang, idx, decoys):
    """A page as an HTTP response: (http_headers, raw_body, truth)."""
    charset = rng.choice(CHARSETS[lang])
    decl = rng.choice(["http", "meta", "meta-http-equiv", "none"])
    # Labels as servers and pages spell them (WHATWG aliases), checked to name the same decoder.
    cs_name = rng.choice(LABELS["utf-8" if charset.startswith("utf-8") else charset])
    head_title, style, body, frags, hrefs, truth = build_page(rng, phones, lang, idx, decoys)
    meta = ""
    if decl == "meta":
        meta = f'<meta charset="{cs_name}">'
    elif decl == "meta-http-equiv":
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={cs_name}">'
    html_lang = f' lang="{lang}"' if rng.random() < 0.5 else ""
    html = (f"<!DOCTYPE html>\n<html{html_lang}><head>{meta}{head_title}"
            f'<meta name="viewport" content="width=device-width, initial-scale=1">{style}</head>\n{body}\n</html>\n')
    raw = encode_text(html, charset)
    cenc = rng.choice(["identity"] * 3 + ["gzip", "deflate-zlib", "deflate-raw"])
    te = rng.random() < 0.3
    payload = content_encode(raw, cenc)
    ctype = rng.choice([f"text/html; charset={cs_name}", f"text/html;charset={cs_name}", f'text/html; charset="{cs_name}"'])
    headers = [("Date", "Mon, 04 Mar 2024 10:00:00 GMT"), ("Server", "nginx"),
               ("Content-Type", ctype if decl == "http" else "text/html")]
    if cenc != "identity":
        headers.append(("Content-Encoding", "gzip" if cenc == "gzip" else "deflate"))
        headers.append(("Vary", "Accept-Encoding"))
    if te:
        headers.append(("Transfer-Encoding", "chunked"))
        payload = chunked(payload, rng)
    else:
        headers.append(("Content-Length", str(len(payload))))
    headers.append(("Connection", "close"))
    # Captures of HTTP/2 traffic write header names in lower case.
    lower = rng.random() < 0.25
    if lower:
        headers = [(k.lower(), v) for k, v in headers]
    truth.update(kind="page", record="response", charset=charset, label=cs_name, lower_headers=lower, decl=decl, cenc=cenc, chunked=te,
                 visible=[visible_of(f, charset) for f in frags], hrefs=hrefs)
    return StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"), payload, truth


def make_text_resource(rng, phones, lang, idx):
    """A `resource` record of plain text (an exported ad)."""
    region = REGION[lang]
    num, e = phones.draw(region)
    w = phones.written(num, rng.choice(["national", "compact", "intl"]))
    ad = rng.choice(ADS[lang]).format(name=rng.choice(NAMES[lang]), city=rng.choice(CITIES[lang]),
                                      age=rng.randint(21, 35), phone=w)
    text = f"{ad}\n\n{FOOTER[lang]}\n"
    charset = "utf-8" if lang in ("ro", "bg") or rng.random() < 0.6 else "windows-1252"
    text = visible_of(text, charset)
    url = f"https://www.{SITE[lang].format(c='export')}.{TLD[lang]}/txt/ad-{idx:05d}.txt"
    truth = {"url": url, "lang": lang, "region": region, "phones": [e], "written": [w], "ad": ad,
             "decoys": [], "kind": "page", "record": "resource", "charset": charset, "decl": "warc",
             "cenc": "identity", "chunked": False, "visible": [text], "hrefs": [], "plain_text": text}
    return f"text/plain; charset={charset}", text.encode(charset), truth


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def make_image(rng, digits_list):
    """Image bytes holding phone-like ASCII digit strings; returns (mime, bytes, variant)."""
    variant = rng.choice(["png-valid", "png-fake", "jpeg", "gif"])
    junk = lambda n: bytes(rng.randrange(256) for _ in range(n))  # noqa: E731
    digits = b" ".join(d.encode() for d in digits_list)
    if variant == "png-valid":
        # A real 2x2 RGB PNG with a tEXt chunk holding the digits.
        ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        raw = b"".join(b"\x00" + junk(6) for _ in range(2))
        data = (b"\x89PNG\r\n\x1a\n" + ihdr + png_chunk(b"tEXt", b"Comment\x00Tel " + digits)
                + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))
        return "image/png", data, variant
    if variant == "png-fake":
        # A valid signature, then junk with the digits in the clear.
        return "image/png", b"\x89PNG\r\n\x1a\n" + junk(200) + digits + junk(300) + b"Tel: " + digits + junk(50), variant
    if variant == "jpeg":
        com = b"Appelle-moi " + digits
        return ("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
                + b"\xff\xfe" + struct.pack(">H", len(com) + 2) + com + junk(400) + digits + junk(100) + b"\xff\xd9", variant)
    return "image/gif", b"GIF89a\x02\x00\x02\x00\x00\x00\x00" + digits + junk(100) + b"\x3b", variant


# ---------------------------------------------------------------------------------------------
# WARC files
# ---------------------------------------------------------------------------------------------

def warc_date(dt, version):
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + (".%06dZ" % dt.microsecond if version == "1.1" else "Z")


def write_warc(path, rng, phones, spec, n_pages, idx0, truth_out):
    """Write one WARC file per spec; appends truth rows; returns the index of the next page."""
    buf = io.BytesIO()
    version = spec["version"]
    writer = WARCWriter(buf, gzip=spec["gzip"] == "record", warc_version=version)
    base = datetime(2024, 3, 1, 8, 0, 0, tzinfo=timezone.utc) + timedelta(days=rng.randint(0, 200))
    fname = os.path.basename(path)
    rows = []

    def put(record, row):
        off = buf.tell()
        writer.write_record(record)
        if row is not None:
            row.update(file=fname, offset=off, length=buf.tell() - off)
            rows.append(row)

    # warcinfo with a decoy number: it is not a page.
    _, dec = phones.draw("FR")
    info = writer.create_warcinfo_record(fname, {"software": "warcio probe", "operator": f"Probe crawl desk, tel. {phonenumbers.format_number(phonenumbers.parse(dec), phonenumbers.PhoneNumberFormat.NATIONAL)}", "format": f"WARC File Format {version}"})
    put(info, {"kind": "nonpage", "record": "warcinfo", "decoys": [("warcinfo", dec)], "url": None})

    idx = idx0
    t = base
    for k in range(n_pages):
        # In the archive to be truncated, the last member must be a page.
        last = spec.get("truncate") and k == n_pages - 1
        t += timedelta(seconds=rng.randint(1, 900), microseconds=rng.randint(0, 999999))
        lang = rng.choice(LANGS)
        date = warc_date(t, version)
        if not last and rng.random() < 0.12:
            ctype, data, truth = make_text_resource(rng, phones, lang, idx)
            rec = writer.create_warc_record(truth["url"], "resource", payload=io.BytesIO(data), length=len(data),
                                            warc_content_type=ctype, warc_headers_dict={"WARC-Date": date})
        else:
            decoys = []
            hh, body, truth = make_html_response(rng, phones, lang, idx, decoys)
            rec = writer.create_warc_record(truth["url"], "response", payload=io.BytesIO(body), length=len(body),
                                            http_headers=hh, warc_headers_dict={"WARC-Date": date})
            # The browser's request before it: a form post holding a decoy number.
            if not last and rng.random() < 0.3:
                _, dec = phones.draw(REGION[lang])
                form = f"q=contact&tel={re.sub(r'[^0-9]', '', phonenumbers.format_number(phonenumbers.parse(dec), phonenumbers.PhoneNumberFormat.NATIONAL))}".encode()
                rh = StatusAndHeaders("POST /" + lang + "/search HTTP/1.1",
                                      [("Host", truth["url"].split("/")[2]), ("User-Agent", "Mozilla/5.0"),
                                       ("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", str(len(form)))],
                                      is_http_request=True)
                req = writer.create_warc_record(truth["url"], "request", payload=io.BytesIO(form), length=len(form),
                                                http_headers=rh, warc_headers_dict={"WARC-Date": date})
                put(req, {"kind": "nonpage", "record": "request", "decoys": [("request", dec)], "url": truth["url"]})
        truth["captured_at"] = date
        put(rec, truth)
        idx += 1

        # Images among the pages, with phone-like digits of the page's country in their bytes.
        if not last and rng.random() < 0.15:
            fakes = []
            for _ in range(2):
                n, e = phones.draw(REGION[lang])
                fakes.append((e, phones.written(n, "compact")))
                fakes.append((e, phones.written(n, "national")))
            mime, data, variant = make_image(rng, [w for _, w in fakes])
            iurl = truth["url"].rsplit("/", 1)[0] + f"/img/{idx:05d}.{mime.split('/')[1]}"
            if rng.random() < 0.7:
                hh = StatusAndHeaders("200 OK", [("Content-Type", mime), ("Content-Length", str(len(data)))], protocol="HTTP/1.1")
                rec = writer.create_warc_record(iurl, "response", payload=io.BytesIO(data), length=len(data),
                                                http_headers=hh, warc_headers_dict={"WARC-Date": date})
                rtype = "response"
            else:
                rec = writer.create_warc_record(iurl, "resource", payload=io.BytesIO(data), length=len(data),
                                                warc_content_type=mime, warc_headers_dict={"WARC-Date": date})
                rtype = "resource"
            put(rec, {"kind": "image", "record": rtype, "url": iurl, "mime": mime, "variant": variant,
                      "decoys": [("image", e) for e, _ in fakes]})

        # Crawler metadata about the page, with a decoy.
        if not last and rng.random() < 0.1:
            _, dec = phones.draw(REGION[lang])
            fields = f"via: {truth['url']}\noutlink: {truth['url']}#contact\nnote: contact {phonenumbers.format_number(phonenumbers.parse(dec), phonenumbers.PhoneNumberFormat.NATIONAL)}\n".encode()
            rec = writer.create_warc_record(truth["url"], "metadata", payload=io.BytesIO(fields), length=len(fields),
                                            warc_content_type="application/warc-fields", warc_headers_dict={"WARC-Date": date})
            put(rec, {"kind": "nonpage", "record": "metadata", "decoys": [("metadata", dec)], "url": truth["url"]})

    data = buf.getvalue()
    if spec["gzip"] == "whole":
        data = gzip.compress(data)
        for r in rows:
            r["offset_in_plain"] = r.pop("offset")
    if spec.get("truncate"):
        # Cut the last member in the middle of its compressed bytes; its record is lost.
        last = rows[-1]
        cut = last["offset"] + max(12, int(last["length"] * rng.uniform(0.1, 0.9)))
        data = data[:cut]
        for r in rows:
            if r is last or (r["offset"] >= cut):
                r["lost"] = True
    with open(path, "wb") as f:
        f.write(data)
    for r in rows:
        r["file"] = fname
        truth_out.append(r)
    return idx


def write_broken(dirpath, rng):
    """Inputs that hold no archive: each must give an error line naming the file."""
    files = {
        "random.warc.gz": bytes(rng.randrange(256) for _ in range(4096)),
        "download.warc.gz": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(rng.randrange(256) for _ in range(2000)),
        "saved.warc": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(rng.randrange(256) for _ in range(500)),
        "report.warc.gz": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(rng.randrange(256) for _ in range(800)),
        "errorpage.warc.gz": b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>Contact support 06 12 34 56 78</p></body></html>\n",
        "gzhtml.warc.gz": gzip.compress("<html><body><p>Nouvelle à Lyon, appelle-moi au 06 12 34 56 78</p></body></html>\n".encode()),
        "empty.warc.gz": b"",
    }
    for name, data in files.items():
        with open(os.path.join(dirpath, name), "wb") as f:
            f.write(data)
    return sorted(files)


WARC_SPECS = [
    {"name": "crawl-a.warc.gz", "version": "1.0", "gzip": "record"},
    {"name": "crawl-b.warc", "version": "1.1", "gzip": None},
    {"name": "crawl-c.warc.gz", "version": "1.1", "gzip": "record"},
    {"name": "crawl-d.warc", "version": "1.0", "gzip": None},
    {"name": "crawl-e.warc.gz", "version": "1.1", "gzip": "whole"},
    {"name": "truncated.warc.gz", "version": "1.0", "gzip": "record", "truncate": True},
]


def generate(dirpath, seed, n_pages):
    rng = random.Random(seed)
    phones = Phones(rng)
    truth = []
    idx = 1
    per = max(1, n_pages // len(WARC_SPECS))
    for i, spec in enumerate(WARC_SPECS):
        n = per if i < len(WARC_SPECS) - 1 else max(2, n_pages - per * (len(WARC_SPECS) - 1))
        idx = write_warc(os.path.join(dirpath, spec["name"]), rng, phones, spec, n, idx, truth)
    # The truncated archive is a broken input too: it owes an error line as well as its records.
    broken = sorted(write_broken(dirpath, rng) + [s["name"] for s in WARC_SPECS if s.get("truncate")])
    return truth, broken


# ---------------------------------------------------------------------------------------------
# Running cairn and checking
# ---------------------------------------------------------------------------------------------

def run_cairn(cairn, inputs):
    cmd = [cairn, "scan", "--format", "jsonl", "--no-store", "--quiet", *inputs]
    p = subprocess.run(cmd, capture_output=True)
    lines, bad = [], []
    for ln in p.stdout.decode("utf-8", "replace").splitlines():
        if not ln.strip():
            continue
        try:
            lines.append(json.loads(ln))
        except json.JSONDecodeError:
            bad.append(ln)
    return p.returncode, lines, bad, p.stderr.decode("utf-8", "replace"), cmd


def squash(s):
    return re.sub(r"\s+", "", s)


def parse_date(s):
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None


class Report:
    def __init__(self):
        self.fail = defaultdict(list)   # failure class -> list of detail strings
        self.stats = Counter()

    def add(self, cls, detail):
        self.fail[cls].append(detail)


def check(truth, broken, out, bad_json, rep, label="dir"):
    """Compare one cairn run with the truth; fills rep."""
    records = [o for o in out if o.get("type") == "record"]
    findings = [o for o in out if o.get("type") == "finding"]
    errors = [o for o in out if o.get("type") == "error"]
    other = Counter(o.get("type") for o in out if o.get("type") not in ("record", "finding", "error"))
    for b in bad_json:
        rep.add("output_not_json", f"[{label}] {b[:200]}")

    pages = [t for t in truth if t["kind"] == "page"]
    expected = [t for t in pages if not t.get("lost")]
    lost = [t for t in pages if t.get("lost")]
    by_url = defaultdict(list)
    for t in truth:
        if t.get("url"):
            by_url[t["url"]].append(t)
    rec_by_id = {}
    recs_by_url = defaultdict(list)
    for r in records:
        rec_by_id[r.get("id")] = r
        recs_by_url[r.get("url")].append(r)
    finds_by_rec = defaultdict(list)
    for f in findings:
        finds_by_rec[f.get("record")].append(f)
        if f.get("record") not in rec_by_id:
            rep.add("finding_without_record", f"[{label}] {json.dumps(f, ensure_ascii=False)[:300]}")

    s = rep.stats
    s[f"{label}.pages_expected"] += len(expected)
    s[f"{label}.records_out"] += len(records)
    s[f"{label}.findings_out"] += len(findings)
    s[f"{label}.errors_out"] += len(errors)
    for k, v in other.items():
        s[f"{label}.other_type.{k}"] += v

    def where(t):
        return f"{t['file']} offset {t.get('offset', t.get('offset_in_plain'))} <{t['url']}>"

    def page_desc(t):
        return (f"charset={t['charset']} label={t.get('label')} decl={t['decl']} cenc={t['cenc']} "
                f"chunked={t['chunked']} lower_headers={t.get('lower_headers')} record={t['record']} "
                f"intl_site={t.get('intl_site', False)}")

    for t in expected:
        rs = recs_by_url.get(t["url"], [])
        if not rs:
            rep.add("page_not_read", f"[{label}] {where(t)} {page_desc(t)} lang={t['lang']}")
            continue
        s[f"{label}.pages_read"] += 1
        if len(rs) > 1:
            rep.add("page_read_twice", f"[{label}] {where(t)} {len(rs)} records")
        r = rs[0]
        if not r.get("source", "").endswith(t["file"]):
            rep.add("record_source", f"[{label}] {where(t)} source={r.get('source')}")
        # locator = offset of the record (or of its gzip member) in the file.
        if "offset" in t and r.get("locator") != f"offset:{t['offset']}":
            rep.add("record_locator", f"[{label}] {where(t)} locator={r.get('locator')}")
        d1, d2 = parse_date(r.get("captured_at")), parse_date(t["captured_at"])
        if d1 is None or d2 is None or abs((d1 - d2).total_seconds()) > 1:
            rep.add("captured_at", f"[{label}] {where(t)} captured_at={r.get('captured_at')} WARC-Date={t['captured_at']}")
        if not re.fullmatch(r"[0-9a-f]{64}", str(r.get("sha256", ""))):
            rep.add("sha256_format", f"[{label}] {where(t)} sha256={r.get('sha256')}")
        if r.get("lang") == t["lang"]:
            s[f"{label}.lang_ok"] += 1
        else:
            rep.add("wrong_lang", f"[{label}] {where(t)} got={r.get('lang')} want={t['lang']} {page_desc(t)} ad={t['ad']!r}")
        fs = finds_by_rec.get(r.get("id"), [])
        got = {f.get("value") for f in fs if f.get("kind") == "phone"}
        for e, w in zip(t["phones"], t["written"]):
            s[f"{label}.phones_expected"] += 1
            if e in got:
                s[f"{label}.phones_found"] += 1
            else:
                ev = [f.get("evidence") for f in fs if f.get("kind") == "phone"]
                rep.add("phone_missed", f"[{label}] {where(t)} want={e} written={w!r} got={sorted(got)} evidence={ev} {page_desc(t)} ad={t['ad']!r}")
        decoy = {e: where_ for where_, e in t.get("decoys", [])}
        for f in fs:
            if f.get("kind") == "phone" and f.get("value") not in t["phones"]:
                s[f"{label}.phones_wrong"] += 1
                cls = f"phone_from_{decoy[f['value']]}" if f.get("value") in decoy else "phone_wrong"
                rep.add(cls, f"[{label}] {where(t)} value={f.get('value')} evidence={f.get('evidence')!r} rule={f.get('rule')} {page_desc(t)}")
        check_offsets(fs, t, rep, label, where(t))

    for t in lost:
        if recs_by_url.get(t["url"]):
            rep.add("truncated_record_read", f"[{label}] {where(t)} (record cut by the truncation was still read)")

    # Images and non-page records must give no record, hence no finding.
    for t in truth:
        if t["kind"] == "image":
            rs = recs_by_url.get(t["url"], [])
            if rs:
                s[f"{label}.image_records"] += len(rs)
                rep.add("image_as_record", f"[{label}] {where(t)} {t['mime']} {t['variant']} as {t['record']}")
            for r in rs:
                for f in finds_by_rec.get(r.get("id"), []):
                    s[f"{label}.image_findings"] += 1
                    rep.add("finding_on_image", f"[{label}] {where(t)} {t['variant']} kind={f.get('kind')} value={f.get('value')} evidence={f.get('evidence')!r}")
    known = {t["url"] for t in pages} | {t["url"] for t in truth if t["kind"] == "image"}
    for r in records:
        if r.get("url") not in known:
            fs = finds_by_rec.get(r.get("id"), [])
            rep.add("unexpected_record", f"[{label}] source={r.get('source')} locator={r.get('locator')} url={r.get('url')} findings={[(f.get('kind'), f.get('value')) for f in fs][:5]}")
        else:
            # A page URL may also carry request/metadata records: a second record is one of them.
            if len(recs_by_url[r.get("url")]) > 1 and any(t["kind"] == "nonpage" for t in by_url[r.get("url")]):
                rep.add("nonpage_as_record", f"[{label}] source={r.get('source')} locator={r.get('locator')} url={r.get('url')}")

    # Error lines: one (at least) per broken input, none for good files.
    err_files = Counter(os.path.basename(str(e.get("source", ""))) for e in errors)
    for name in broken:
        if err_files.get(name):
            s[f"{label}.broken_with_error"] += 1
        else:
            rep.add("broken_without_error", f"[{label}] {name}: no error line")
    good = {spec["name"] for spec in WARC_SPECS if not spec.get("truncate")}
    for e in errors:
        name = os.path.basename(str(e.get("source", "")))
        if name in good:
            rep.add("error_on_good_file", f"[{label}] {json.dumps(e, ensure_ascii=False)}")
        for k in ("source", "locator", "message"):
            if k not in e:
                rep.add("error_line_fields", f"[{label}] missing {k}: {json.dumps(e, ensure_ascii=False)}")
    s[f"{label}.broken_expected"] += len(broken)


def check_offsets(fs, t, rep, label, where):
    """start/end must index the UTF-8 bytes of evidence; overlapping findings must agree; the
    evidence must be text of the page (not script, style, comment, nor mis-decoded bytes)."""
    spans = []
    for f in fs:
        st, en, ev = f.get("start"), f.get("end"), f.get("evidence")
        if not isinstance(st, int) or not isinstance(en, int) or not isinstance(ev, str) or st < 0 or en < st:
            rep.add("offsets_invalid", f"[{label}] {where} {json.dumps(f, ensure_ascii=False)[:300]}")
            continue
        if len(ev.encode("utf-8")) != en - st:
            rep.add("offsets_len_mismatch", f"[{label}] {where} kind={f.get('kind')} start={st} end={en} evidence={ev!r} ({len(ev.encode('utf-8'))} bytes)")
            continue
        spans.append((st, en, ev.encode("utf-8"), f))
        if "plain_text" in t:
            # For plain text the extracted text is the text itself (newlines kept).
            tb = t["plain_text"].encode("utf-8")
            if tb[st:en] != ev.encode("utf-8"):
                rep.add("offsets_plain_text_mismatch", f"[{label}] {where} kind={f.get('kind')} [{st}:{en}] evidence={ev!r} text-bytes={tb[st:en]!r}")
        known = squash(" ".join(t.get("visible", []) + t.get("hrefs", [])))
        if squash(ev) and squash(ev) not in known:
            rep.add("evidence_not_in_page_text", f"[{label}] {where} kind={f.get('kind')} value={f.get('value')} evidence={ev!r} charset={t.get('charset')} decl={t.get('decl')}")
    spans.sort(key=lambda x: x[0])
    for i in range(len(spans)):
        for j in range(i + 1, len(spans)):
            a, b = spans[i], spans[j]
            if b[0] >= a[1]:
                break
            lo, hi = b[0], min(a[1], b[1])
            if a[2][lo - a[0]:hi - a[0]] != b[2][lo - b[0]:hi - b[0]]:
                rep.add("offsets_overlap_disagree", f"[{label}] {where} {a[3].get('kind')}[{a[0]}:{a[1]}]={a[2]!r} vs {b[3].get('kind')}[{b[0]}:{b[1]}]={b[2]!r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cairn", default="target/release/cairn")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--workdir", help="where to write the inputs (default: a fresh temporary directory)")
    ap.add_argument("--show", action="store_true", help="print every failure")
    args = ap.parse_args()

    work = args.workdir or tempfile.mkdtemp(prefix=f"probe-warc-{args.seed}-")
    inputs = os.path.join(work, "inputs")
    if os.path.exists(inputs):
        shutil.rmtree(inputs)
    os.makedirs(inputs)
    truth, broken = generate(inputs, args.seed, args.pages)
    with open(os.path.join(work, "truth.jsonl"), "w", encoding="utf-8") as f:
        for t in truth:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")

    rep = Report()
    # 1. The whole directory in one run: exit 3 expected (broken inputs).
    code, out, bad, err, cmd = run_cairn(args.cairn, [inputs])
    with open(os.path.join(work, "out-dir.jsonl"), "w", encoding="utf-8") as f:
        f.write("\n".join(json.dumps(o, ensure_ascii=False) for o in out) + "\n")
    rep.stats["dir.exit"] = code
    if code != 3:
        rep.add("exit_code", f"[dir] {' '.join(cmd)} -> {code}, want 3; stderr: {err[-500:]}")
    check(truth, broken, out, bad, rep, "dir")

    # 2. Each file alone: good archives exit 0, broken ones (truncated included) exit 3.
    for name in sorted(os.listdir(inputs)):
        path = os.path.join(inputs, name)
        c, o, b, e, cmd = run_cairn(args.cairn, [path])
        sub = [t for t in truth if t.get("file") == name]
        want = 3 if name in broken else 0
        if c != want:
            rep.add("exit_code_per_file", f"[file] {' '.join(cmd)} -> {c}, want {want}; stderr: {e.strip()[-300:]}")
        check(sub, [n for n in broken if n == name], o, b, rep, "file")

    # The truncated archive: were the good records before the cut read?
    trunc = [t for t in truth if t.get("file") == "truncated.warc.gz" and t["kind"] == "page"]
    got_urls = {o.get("url") for o in out if o.get("type") == "record"}
    before = [t for t in trunc if not t.get("lost")]
    trunc_read = sum(1 for t in before if t["url"] in got_urls)

    s = rep.stats
    print(f"probe_warc seed={args.seed} pages={args.pages} workdir={work}")
    print(f"cairn: {' '.join(cmd[:-1])} {inputs}")
    rows = [
        ("pages expected (good, dir run)", s["dir.pages_expected"]),
        ("pages read (URL matched)", s["dir.pages_read"]),
        ("language correct", s["dir.lang_ok"]),
        ("phones expected", s["dir.phones_expected"]),
        ("phones found", s["dir.phones_found"]),
        ("wrong phones", s["dir.phones_wrong"]),
        ("records out / findings out", f"{s['dir.records_out']} / {s['dir.findings_out']}"),
        ("image records / findings on images", f"{s['dir.image_records']} / {s['dir.image_findings']}"),
        ("broken inputs with an error line", f"{s['dir.broken_with_error']} / {s['dir.broken_expected']}"),
        ("error lines", s["dir.errors_out"]),
        ("truncated: good records before the cut read", f"{trunc_read} / {len(before)}"),
        ("exit code (dir)", f"{s['dir.exit']} (want 3)"),
        ("per-file runs: pages read", f"{s['file.pages_read']} / {s['file.pages_expected']}"),
        ("per-file runs: phones found", f"{s['file.phones_found']} / {s['file.phones_expected']}"),
    ]
    for k, v in s.items():
        if ".other_type." in k:
            rows.append((k, v))
    w = max(len(r[0]) for r in rows)
    for k, v in rows:
        print(f"  {k.ljust(w)}  {v}")
    print("failures by class:" if rep.fail else "failures: none")
    for cls in sorted(rep.fail):
        print(f"  {cls}: {len(rep.fail[cls])}")
    # Every failure goes to failures.txt; --show prints them too (the first 40 of each class).
    with open(os.path.join(work, "failures.txt"), "w", encoding="utf-8") as f:
        for cls in sorted(rep.fail):
            f.write(f"== {cls} ({len(rep.fail[cls])})\n" + "".join(f"  {d}\n" for d in rep.fail[cls]))
    if args.show:
        for cls in sorted(rep.fail):
            print(f"\n== {cls} ({len(rep.fail[cls])})")
            for d in rep.fail[cls][:40]:
                print("  " + d)
            if len(rep.fail[cls]) > 40:
                print(f"  ... {len(rep.fail[cls]) - 40} more in {os.path.join(work, 'failures.txt')}")
    sys.exit(1 if rep.fail else 0)


if __name__ == "__main__":
    main()
