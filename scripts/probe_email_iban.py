#!/usr/bin/env python3
"""Probe the e-mail and IBAN finders of `cairn scan` with synthetic, hand-styled classified ads.

    .venv/bin/python scripts/probe_email_iban.py --cairn BINARY [--seed N] [--per-style N]
        [--styles a,b,...] [--out-dir DIR] [--tag TAG] [--show]

Generates clearly fictional e-mail addresses (local parts with letters, digits, dots,
underscores, hyphens and plus signs; domains under example.com/.org/.net/.fr/.de/.it/.es/.ro/
.bg/.nl/.be/.co.uk, sub-domains of those, and invented names under the reserved `.example`
TLD) and IBANs for FR DE NL BE IT ES RO BG GB AT LU PT PL IE CH (right BBAN length per country,
national check digits where the country has them, ISO 7064 mod-97 check digits computed here).
Each address or IBAN is written in one style (plain, "(at)", "[dot]", " arobase ... point ",
groups of four with dots, lowercase, after a BIC, ...) the way a person writing an ad in one
of FR EN NL DE IT ES RO BG would, and set in a short ad sentence with a phone number or a price
elsewhere. Negative styles hold words such as "at", "point", "punkt", invalid IBANs and
mod-97-valid IBANs of the wrong length, and expect nothing.

Writes the records to DIR/probe[-TAG].jsonl, runs `cairn scan --format jsonl --no-store
--quiet`, writes its output to DIR/probe[-TAG].cairn.jsonl (the truth to
DIR/probe[-TAG].truth.jsonl) and scores each record: "found"
(a finding of the right kind and value whose byte span overlaps the planted one), "missed",
"false" (any other e-mail or IBAN finding in the record). Prints a table per style with recall,
a summary per kind, and with --show every miss and false positive with its text and what cairn
returned. Styles tagged "exotic" are plausible but rare renderings; they are kept out of the
"core" summary line. Standard library only; nothing here is read from cairn's own code or
corpus generator.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import subprocess
import sys

LANGS = ["FR", "EN", "NL", "DE", "IT", "ES", "RO", "BG"]
REGION = {"FR": "FR", "EN": "GB", "NL": "NL", "DE": "DE", "IT": "IT", "ES": "ES", "RO": "RO", "BG": "BG"}

# --------------------------------------------------------------------------------------------
# Fictional people and phone-like distractors
# --------------------------------------------------------------------------------------------

FIRST = {
    "FR": ["jean", "marie", "pierre", "sophie", "luc", "camille", "nicolas", "elodie", "julien", "chloe"],
    "EN": ["john", "emma", "james", "olivia", "harry", "amy", "oliver", "lucy", "jack", "sarah"],
    "NL": ["jan", "sanne", "pieter", "eva", "daan", "lotte", "bram", "femke", "thijs", "anouk"],
    "DE": ["max", "anna", "lukas", "julia", "felix", "lena", "jonas", "laura", "tobias", "katrin"],
    "IT": ["giulia", "marco", "luca", "francesca", "paolo", "chiara", "matteo", "sara", "davide", "elisa"],
    "ES": ["carlos", "lucia", "javier", "maria", "pablo", "elena", "sergio", "laura", "diego", "carmen"],
    "RO": ["andrei", "ioana", "mihai", "elena", "radu", "ana", "bogdan", "cristina", "vlad", "alina"],
    "BG": ["ivan", "maria", "georgi", "elena", "dimitar", "petya", "nikolay", "desislava", "stoyan", "yana"],
}
LAST = {
    "FR": ["dupont", "martin", "bernard", "lefevre", "moreau", "girard", "roux", "fontaine", "mercier"],
    "EN": ["smith", "jones", "taylor", "brown", "wilson", "evans", "walker", "wright", "hughes"],
    "NL": ["devries", "jansen", "bakker", "visser", "smit", "vandijk", "mulder", "bos", "dekker"],
    "DE": ["mueller", "schmidt", "schneider", "fischer", "weber", "becker", "hoffmann", "wagner", "koch"],
    "IT": ["rossi", "russo", "bianchi", "romano", "esposito", "ferrari", "colombo", "ricci", "greco"],
    "ES": ["garcia", "lopez", "martinez", "sanchez", "fernandez", "ruiz", "gomez", "diaz", "moreno"],
    "RO": ["popescu", "ionescu", "popa", "dumitru", "stan", "munteanu", "stoica", "matei", "ciobanu"],
    "BG": ["petrov", "ivanova", "georgiev", "dimitrova", "nikolov", "todorova", "stoyanov", "angelova"],
}
TAGS = ["ads", "annonces", "kleinanzeigen", "vente", "marktplaats", "annunci", "anuncios", "olx", "obiavi", "shop"]


def phone(rng: random.Random, lang: str) -> str:
    d = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    if lang == "FR":
        return "06 " + " ".join(d(2) for _ in range(4))
    if lang == "EN":
        return "07700 900" + d(3)
    if lang == "NL":
        return "06-" + d(8)
    if lang == "DE":
        return "0151 " + d(8)
    if lang == "IT":
        return "3" + d(2) + " " + d(3) + " " + d(4)
    if lang == "ES":
        return "6" + d(2) + " " + d(2) + " " + d(2) + " " + d(2)
    if lang == "RO":
        return "07" + d(2) + " " + d(3) + " " + d(3)
    return "0888 " + d(3) + " " + d(3)


# --------------------------------------------------------------------------------------------
# E-mail addresses
# --------------------------------------------------------------------------------------------

EXAMPLE_TLDS = ["com", "org", "net", "fr", "de", "it", "es", "ro", "bg", "nl", "be", "co.uk"]
LANG_TLD = {"FR": "fr", "EN": "co.uk", "NL": "nl", "DE": "de", "IT": "it", "ES": "es", "RO": "ro", "BG": "bg"}
INVENTED = ["mail-box", "post-office", "webmail", "boite-mail", "postfach", "posta-mea", "pochta",
            "mijn-mail", "correo-web", "casella", "inbox24", "mail4u"]
SUBS = ["mail", "post", "shop", "info", "web", "m"]


def local_part(rng: random.Random, lang: str) -> str:
    f, l_ = rng.choice(FIRST[lang]), rng.choice(LAST[lang])
    y = str(rng.choice([rng.randint(60, 99), rng.randint(1960, 2005), rng.randint(1, 99)]))
    pats = [
        f"{f}.{l_}", f"{f}_{l_}", f"{f}-{l_}", f"{f[0]}{l_}{y}", f"{f}.{l_}{y}", f"{f}+{rng.choice(TAGS)}",
        f"{f}.{l_}+{rng.choice(TAGS)}", f"{l_}_{f}{y}", f"{f}.{rng.choice('abcdefghjklmnoprstv')}.{l_}",
        f"{f[0]}{l_[0]}{y}", f"{f}{y}", f"{l_}-{f[0]}", f"{f}_{l_}.{y}", f"{f[0]}.{l_}",
    ]
    return rng.choice(pats)


def domain(rng: random.Random, lang: str) -> tuple[str, str]:
    """A domain and its class (for the breakdown)."""
    r = rng.random()
    if r < 0.55:
        tld = LANG_TLD[lang] if rng.random() < 0.4 else rng.choice(EXAMPLE_TLDS)
        return f"example.{tld}", f"example.{tld}"
    if r < 0.75:
        tld = LANG_TLD[lang] if rng.random() < 0.5 else rng.choice(EXAMPLE_TLDS)
        return f"{rng.choice(SUBS)}.example.{tld}", "sub.example.*"
    return f"{rng.choice(INVENTED)}.example", "*.example"


# --------------------------------------------------------------------------------------------
# IBANs
# --------------------------------------------------------------------------------------------

IBAN_LEN = {"FR": 27, "DE": 22, "NL": 18, "BE": 16, "IT": 27, "ES": 24, "RO": 24, "BG": 22, "GB": 22,
            "AT": 20, "LU": 20, "PT": 25, "PL": 28, "IE": 22, "CH": 21}
BIC = {"FR": "BNPAFRPP", "DE": "DEUTDEFF", "NL": "ABNANL2A", "BE": "GEBABEBB", "IT": "UNCRITMM",
       "ES": "CAIXESBB", "RO": "BTRLRO22", "BG": "UNCRBGSF", "GB": "NWBKGB2L", "AT": "BKAUATWW",
       "LU": "BCEELULL", "PT": "CGDIPTPL", "PL": "PKOPPLPW", "IE": "AIBKIE2D", "CH": "UBSWCHZH80A"}
COUNTRY_LANG = {"FR": "FR", "DE": "DE", "NL": "NL", "BE": "FR", "IT": "IT", "ES": "ES", "RO": "RO",
                "BG": "BG", "GB": "EN", "AT": "DE", "LU": "FR", "PT": "ES", "PL": "EN", "IE": "EN", "CH": "DE"}


def _num(s: str) -> int:
    return int("".join(str(int(c, 36)) for c in s))


def iban_check(cc: str, bban: str) -> str:
    return "%02d" % (98 - _num(bban + cc + "00") % 97)


def iban_valid(iban: str) -> bool:
    return _num(iban[4:] + iban[:4]) % 97 == 1


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _alnum(rng: random.Random, n: int, letters: float = 0.15) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") if rng.random() < letters else rng.choice("0123456789")
                   for _ in range(n))


_IT_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]


def _it_cin(s: str) -> str:
    total = 0
    for i, c in enumerate(s):
        v = int(c) if c.isdigit() else ord(c) - 65
        total += _IT_ODD[v] if i % 2 == 0 else v
    return chr(65 + total % 26)


def _es_dc(s: str) -> str:
    w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]
    r = 11 - sum(int(c) * w[i] for i, c in enumerate(s)) % 11
    return str({11: 0, 10: 1}.get(r, r))


def bban(rng: random.Random, cc: str) -> str:
    if cc == "FR":
        bank, branch, acct = _digits(rng, 5), _digits(rng, 5), _digits(rng, 11)
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97
        return bank + branch + acct + "%02d" % key
    if cc == "DE":
        return _digits(rng, 8) + _digits(rng, 10)
    if cc == "NL":
        while True:  # Dutch eleven test on the 10-digit account number
            a = _digits(rng, 9)
            r = (-sum(int(c) * w for c, w in zip(a, range(10, 1, -1)))) % 11
            if r < 10:
                return rng.choice(["ABNA", "INGB", "RABO", "TRIO", "SNSB", "ASNB", "KNAB", "BUNQ"]) + a + str(r)
    if cc == "BE":
        s = _digits(rng, 10)
        return s + "%02d" % (int(s) % 97 or 97)
    if cc == "IT":
        rest = _digits(rng, 5) + _digits(rng, 5) + (_digits(rng, 12) if rng.random() < 0.8 else "CC" + _digits(rng, 10))
        return _it_cin(rest) + rest
    if cc == "ES":
        bank, branch, acct = _digits(rng, 4), _digits(rng, 4), _digits(rng, 10)
        return bank + branch + _es_dc("00" + bank + branch) + _es_dc(acct) + acct
    if cc == "RO":
        return rng.choice(["BTRL", "RNCB", "BRDE", "INGB", "RZBR", "BACX", "CECE", "TREZ"]) + _alnum(rng, 16, 0.1)
    if cc == "BG":
        return rng.choice(["BNBG", "UNCR", "STSA", "FINV", "UBBS", "RZBB", "CECB"]) + _digits(rng, 4) + \
            rng.choice(["10", "11", "15", "16"]) + _alnum(rng, 8, 0.1)
    if cc == "GB":
        return rng.choice(["NWBK", "BARC", "LOYD", "HBUK", "MIDL"]) + _digits(rng, 6) + _digits(rng, 8)
    if cc == "IE":
        return rng.choice(["AIBK", "BOFI", "IPBS"]) + _digits(rng, 6) + _digits(rng, 8)
    if cc == "AT":
        return _digits(rng, 5) + _digits(rng, 11)
    if cc == "LU":
        return _digits(rng, 3) + _alnum(rng, 13, 0.1)
    if cc == "PT":
        s = _digits(rng, 4) + _digits(rng, 4) + _digits(rng, 11)
        return s + "%02d" % (98 - int(s + "00") % 97)
    if cc == "PL":
        return _digits(rng, 8) + _digits(rng, 16)
    if cc == "CH":
        return _digits(rng, 5) + _alnum(rng, 12, 0.1)
    raise ValueError(cc)


def make_iban(rng: random.Random, cc: str) -> str:
    b = bban(rng, cc)
    iban = cc + iban_check(cc, b) + b
    assert len(iban) == IBAN_LEN[cc] and iban_valid(iban), iban
    if cc == "PT":
        assert iban[2:4] == "50", iban
    return iban


def group(iban: str, sep: str) -> str:
    return sep.join(iban[i:i + 4] for i in range(0, len(iban), 4))


def fmt_iban(rng: random.Random, iban: str, fmt: str) -> str:
    if fmt == "compact":
        return iban
    if fmt == "space":
        return group(iban, " ")
    if fmt == "dot":
        return group(iban, ".")
    if fmt == "dash":
        return group(iban, "-")
    if fmt == "nbsp":
        return group(iban, "\u00a0")
    raise ValueError(fmt)


# --------------------------------------------------------------------------------------------
# Ad sentences.  {E} / {I} is the planted item, {P} a phone number, {B} a BIC.
# Every {E}/{I} is followed by a space, a newline or the end of the text; punctuation that
# touches the item comes from the style.
# --------------------------------------------------------------------------------------------

EMAIL_INLINE = {
    "FR": ["Vends vélo VTT 26 pouces, très bon état, 120 €. Contact {E} ou au {P}",
           "Appartement T2 à louer, 650 € CC. Écrivez-moi à {E} pour visiter, tél {P}",
           "Canapé 3 places 200 €, à venir chercher. Me contacter par mail {E} ou {P}",
           "Donne cours de maths niveau lycée, 20 €/h. Réponse rapide à {E} merci"],
    "EN": ["Mountain bike for sale, 26 inch, £120 ono. Email {E} or call {P}",
           "Double room to let, £550 pcm bills incl. Contact {E} for viewings",
           "Sofa, good condition, £80, buyer collects. Drop me a line at {E} or text {P}",
           "Piano lessons for beginners, £25/hour. Get in touch: {E} thanks"],
    "NL": ["Te koop: damesfiets, 28 inch, € 95. Mail naar {E} of bel {P}",
           "Kamer te huur in Utrecht, € 575 p/m. Reageren via {E} graag met foto",
           "Bank 3-zits, zo goed als nieuw, 150 euro. Contact {E} of {P}",
           "Bijles wiskunde, € 20 per uur. Stuur een berichtje naar {E} bedankt"],
    "DE": ["Verkaufe Fahrrad 28 Zoll, guter Zustand, 120 € VB. Kontakt {E} oder {P}",
           "WG-Zimmer frei ab 1.3., 450 € warm. Bitte Anfragen an {E} mit kurzer Vorstellung",
           "Sofa, 3-Sitzer, 200 €, nur Abholung. Schreibt mir an {E} oder ruft an {P}",
           "Nachhilfe Mathe, 18 €/Std. Meldet euch unter {E} danke"],
    "IT": ["Vendo bici da corsa, ottime condizioni, 300 €. Scrivere a {E} oppure {P}",
           "Affittasi monolocale arredato, 500 € al mese. Info {E} tel. {P}",
           "Divano tre posti, 150 euro, ritiro a carico dell'acquirente. Contatto {E} grazie",
           "Lezioni private di inglese, 15 €/ora. Per info {E} o chiamare {P}"],
    "ES": ["Vendo bicicleta de montaña, 26 pulgadas, 150 €. Contacto {E} o {P}",
           "Se alquila habitación en Madrid, 400 € al mes. Escribir a {E} gracias",
           "Sofá de tres plazas, 120 €, recoger en Valencia. Correo {E} tel. {P}",
           "Clases particulares de matemáticas, 15 €/hora. Interesados {E} o llamar al {P}"],
    "RO": ["Vând bicicletă de munte, stare foarte bună, 800 lei. Contact {E} sau {P}",
           "Închiriez garsonieră în Cluj, 300 euro pe lună. Detalii la {E} mulțumesc",
           "Canapea extensibilă, 500 lei, ridicare din Iași. Scrieți-mi pe {E} sau sunați {P}",
           "Meditații la matematică, 60 lei/oră. Informații {E} tel {P}"],
    "BG": ["Продавам планински велосипед, 26 цола, 250 лв. Пишете на {E} или {P}",
           "Давам под наем стая в София, 400 лв. на месец. Контакт {E} благодаря",
           "Диван, тройка, 180 лв., взимане от Пловдив. Имейл {E} тел. {P}",
           "Частни уроци по математика, 25 лв./час. За връзка {E} или {P}"],
}
EMAIL_BARE = {
    "FR": ["Vends poussette 80 €, très peu servi.\n{E}\nTél. {P}", "Perceuse Bosch 45 €. {E} / {P}"],
    "EN": ["Kids' bike, £40, collection only.\n{E}\nMob. {P}", "Lawn mower £60. {E} / {P}"],
    "NL": ["Kinderwagen, € 80, ophalen in Leiden.\n{E}\nTel. {P}", "Boormachine € 45. {E} / {P}"],
    "DE": ["Kinderwagen 80 €, kaum benutzt.\n{E}\nTel. {P}", "Bohrmaschine 45 € VB. {E} / {P}"],
    "IT": ["Passeggino 80 €, usato pochissimo.\n{E}\nCell. {P}", "Trapano 45 €. {E} / {P}"],
    "ES": ["Carrito de bebé, 80 €, casi nuevo.\n{E}\nTel. {P}", "Taladro 45 €. {E} / {P}"],
    "RO": ["Cărucior copii, 300 lei, ca nou.\n{E}\nTel. {P}", "Bormașină 150 lei. {E} / {P}"],
    "BG": ["Детска количка, 120 лв., почти нова.\n{E}\nТел. {P}", "Бормашина 60 лв. {E} / {P}"],
}
CLOSING = {"FR": "Merci d'avance.", "EN": "Thanks.", "NL": "Groetjes.", "DE": "Danke!", "IT": "Grazie.",
           "ES": "Gracias.", "RO": "Mulțumesc.", "BG": "Благодаря."}
PAREN_LEAD = {"FR": "de préférence par mail à", "EN": "preferably by email to", "NL": "liefst via mail naar",
              "DE": "am besten per Mail an", "IT": "meglio via mail a", "ES": "mejor por correo a",
              "RO": "de preferat pe mail la", "BG": "за предпочитане на"}
IBAN_INLINE = {
    "FR": ["Paiement par virement avant envoi sur {I} merci. Prix 45 € port compris",
           "Règlement par virement bancaire {I} ou espèces à la remise, 120 €",
           "Pour réserver, acompte de 100 € sur {I} au nom de J. Dupont"],
    "EN": ["Payment by bank transfer to {I} before dispatch, £45 incl. postage",
           "Deposit of £100 secures the item, transfer to {I} reference your name",
           "Bank details {I} please use the order number as reference"],
    "NL": ["Betaling vooraf via {I} t.n.v. J. de Vries, verzendkosten € 6,95",
           "Aanbetaling € 50 overmaken naar {I} o.v.v. je naam",
           "Graag overmaken op {I} daarna verstuur ik het pakket"],
    "DE": ["Zahlung per Überweisung auf {I} Versand 4,99 € extra",
           "Anzahlung 100 € bitte auf {I} mit Verwendungszweck Fahrrad",
           "Bankverbindung {I} Kontoinhaber M. Müller"],
    "IT": ["Pagamento con bonifico su {I} intestato a M. Rossi, spedizione 8 €",
           "Caparra di 50 € tramite bonifico {I} causale prenotazione",
           "Coordinate bancarie {I} grazie"],
    "ES": ["Pago por transferencia a la cuenta {I} envío 5 € aparte",
           "Señal de 50 € por transferencia {I} concepto reserva",
           "Datos bancarios {I} titular C. García"],
    "RO": ["Plata prin transfer bancar în contul {I} transport 20 lei",
           "Avans 100 lei în contul {I} titular A. Popescu",
           "Cont bancar {I} mulțumesc"],
    "BG": ["Плащане по банков път по сметка {I} доставка 6 лв.",
           "Капаро 50 лв. по сметка {I} титуляр И. Петров",
           "Банкова сметка {I} благодаря"],
}
IBAN_AMOUNT = {
    "FR": ["Virement de 1 250,00 € sur {I} avant le 15 mars", "{I} montant à régler : 350 € TTC"],
    "EN": ["Please transfer £1,250.00 to {I} by Friday", "{I} amount due: £350.00"],
    "NL": ["Gelieve € 1.250,00 over te maken naar {I} vóór 15 maart", "{I} te betalen: € 350,00"],
    "DE": ["Bitte 1.250,00 EUR auf {I} bis zum 15.3. überweisen", "{I} Betrag: 350,00 €"],
    "IT": ["Bonifico di 1.250,00 € su {I} entro il 15 marzo", "{I} importo 350,00 euro"],
    "ES": ["Transferencia de 1.250,00 € a {I} antes del 15 de marzo", "{I} importe: 350,00 €"],
    "RO": ["Vă rog transferați 1.250,00 lei în {I} până pe 15 martie", "{I} suma de plată: 350 lei"],
    "BG": ["Моля, преведете 1 250,00 лв. по {I} до 15 март", "{I} сума за плащане: 350 лв."],
}
IBAN_LABELS = {"FR": ["IBAN :", "IBAN", "N° IBAN :", "IBAN:"], "EN": ["IBAN:", "IBAN", "IBAN no."],
               "NL": ["IBAN:", "IBAN", "IBAN nr."], "DE": ["IBAN:", "IBAN", "IBAN-Nr.:"],
               "IT": ["IBAN:", "IBAN", "codice IBAN"], "ES": ["IBAN:", "IBAN", "Nº IBAN:"],
               "RO": ["IBAN:", "Cod IBAN:", "cont IBAN"], "BG": ["IBAN:", "IBAN", "IBAN №"]}
NEG_EMAIL = {
    "FR": ["Retrait chez moi à Lyon, point de rendez-vous possible gare Part-Dieu, 30 €. {P}",
           "Vends poussette 80 €, à récupérer chez Paul point relais Mondial Relay. {P}",
           "Photos sur www.example.fr/annonce, prix 25 € à débattre. {P}"],
    "EN": ["Collection at Leeds station only, £40. Call {P} at any time",
           "Viewing at 10 a.m. at 14 Park Road, deposit £500. {P}",
           "Follow @bikeshop_leeds for more deals, £25 each. See www.example.co.uk for photos"],
    "NL": ["Ophalen bij station Utrecht, punt 5 van de voorwaarden geldt, 35 euro. {P}",
           "Meer foto's op www.example.nl, prijs € 40. Bel {P} na 18.00 uur"],
    "DE": ["Abholung bei mir in Köln, Punkt 18 Uhr, 50 € VB. Tel {P}",
           "Infos unter www.example.de/rad, Preis 120 € bei Abholung. {P}"],
    "IT": ["Ritiro presso il negozio in via Roma 12, punto vendita aperto dalle 9, 60 €. {P}",
           "Foto su www.example.it, prezzo 30 € trattabile. {P}"],
    "ES": ["Recogida en Madrid, punto de encuentro en Atocha, 45 €. {P}",
           "Más fotos en www.example.es, precio 60 € negociable. {P}"],
    "RO": ["Ridicare din Cluj, punct de întâlnire la gară, 200 lei. {P}",
           "Poze pe www.example.ro, preț 150 lei negociabil. {P}"],
    "BG": ["Вземане от София, точка за среща гарата, 50 лв. {P}",
           "Снимки на www.example.bg, цена 70 лв. {P}"],
}
NEG_WEB = {  # web sites after "at"/"bei"/"bij"/"chez", handles with dots, "@" inside image URLs
    "FR": ["Acheté chez boutique.example.fr il y a un an, 30 €. {P}",
           "Suivez-moi sur Insta @marie.dupont.deco pour d'autres objets, 20 €. {P}",
           "Photos : https://img.example.fr/annonce/velo@2x.jpg, prix 90 €. {P}"],
    "EN": ["More photos at shop.example.co.uk, £40 ono. {P}",
           "Also listed at store.example.net and at www.example.com, £25. {P}",
           "New price at shop.example.com was £120, yours for £60. {P}",
           "Follow @emma.walker.art on Instagram for more prints, £15 each. {P}"],
    "NL": ["Ook te koop bij shop.example.nl, hier voor € 40. {P}",
           "Nieuwprijs bij winkel.example.nl € 120, nu € 60. {P}"],
    "DE": ["Auch erhältlich bei shop.example.de, hier 50 € VB. {P}",
           "Neupreis bei shop.example.de 120 €, jetzt 60 €. {P}",
           "Bilder: https://img.example.de/anzeige/rad@2x.png, 80 €. {P}"],
    "IT": ["Disponibile anche presso negozio.example.it, 30 €. {P}",
           "Seguimi su Instagram @giulia.rossi.vintage, 25 €. {P}"],
    "ES": ["También a la venta en tienda.example.es, 25 €. {P}",
           "Sígueme en Instagram @lucia.garcia.moda, 20 €. {P}"],
    "RO": ["Mai multe poze pe magazin.example.ro, 100 lei. {P}",
           "Urmăriți-mă pe Instagram @ioana.popescu.art, 50 lei. {P}"],
    "BG": ["Още снимки на shop.example.bg, 40 лв. {P}",
           "Последвайте ме в Instagram @maria.petrova.art, 30 лв. {P}"],
}
NEG_DIGITS = ["Réf. commande 4021 7733 9012 3456 7890, prix 35 €",
              "Order no. 2200 1934 5521 0087 3310 delivered, £12",
              "Kundennummer 7781 2290 3345 0012 88, Betrag 49,90 €",
              "Tracking 3SABC1234567890 NL, verzonden, € 6,95"]


# --------------------------------------------------------------------------------------------
# Styles.  Each maker returns (prefix, item_text, suffix, lang, variant); the planted span is
# item_text.  `lang` decides the sentence; None lets the driver pick one.
# --------------------------------------------------------------------------------------------

def _sp(rng: random.Random, tok: str) -> str:
    """A bracketed token, with spaces around it or glued."""
    return f" {tok} " if rng.random() < 0.6 else tok


def render_email(local: str, dom: str, at: str, dot: str | None = None, local_dot: str | None = None) -> str:
    d = dom if dot is None else dom.replace(".", dot)
    lp = local if local_dot is None else local.replace(".", local_dot)
    return lp + at + d


class EmailStyle:
    def __init__(self, name, make, langs=None, tag="core", template="inline"):
        self.name, self.make, self.langs, self.tag, self.template = name, make, langs, tag, template


def _es(name, at=None, dot=None, langs=None, tag="core", spaced=True, local_dots=False, case=None,
        prefix="", suffix="", template="inline"):
    # template "end": the sentence stops after the item (and its suffix); a closing sentence follows.
    """A style that joins local part and domain with `at` (a list; one is picked), writes the
    domain dots as `dot` (a list, or None for '.')."""
    def make(rng, local, dom):
        a = rng.choice(at) if at else "@"
        d = rng.choice(dot) if dot else None
        if spaced and a.strip()[:1] in "([{<" and a == a.strip():
            a = _sp(rng, a)
        if spaced and d and d.strip()[:1] in "([{<" and d == d.strip():
            d = _sp(rng, d)
        if case == "upper":
            local, dom = local.upper(), dom.upper()
        elif case == "mixed":
            local = ".".join(p[:1].upper() + p[1:] for p in local.split("."))
            dom = dom[:1].upper() + dom[1:]
        elif case == "domain":
            dom = dom.upper()
        s = render_email(local, dom, a, d, d if local_dots else None)
        p = rng.choice(prefix) if isinstance(prefix, list) else prefix
        q = rng.choice(suffix) if isinstance(suffix, list) else suffix
        return p, s, q, f"{a.strip()}|{(d or '.').strip()}"
    return EmailStyle(name, make, langs, tag, template)


def _label(name, labels, langs=None):
    def make(rng, local, dom):
        lab = rng.choice(labels)
        return lab, local + "@" + dom, "", lab
    return EmailStyle(name, make, langs, "core", "bare")


def _paren_trail(rng, local, dom, lang):
    return "(" + PAREN_LEAD[lang] + " ", local + "@" + dom, ")", ")"


def _break(rng, local, dom):
    return "", local + "@\n" + dom, "", "@\\n"


def _break_obf(rng, local, dom):
    at, dot = rng.choice([(" (at)\n", " (dot) "), (" [at]\n", "[dot]"), (" at\n", " dot "), ("(at)\n", "(.)")])
    return "", local + at + dom.replace(".", dot), "", at.strip()


def _wrap_angle(rng, local, dom, lang):
    if rng.random() < 0.5:
        name = rng.choice(FIRST[lang]).capitalize() + " " + rng.choice(LAST[lang]).capitalize() + " <"
        return name, local + "@" + dom, ">", "Name <>"
    return "<", local + "@" + dom, ">", "<>"


def _wrap_quotes(rng, local, dom, lang):
    q = {"FR": ("« ", " »"), "DE": ("„", "“"), "BG": ("„", "“"), "RO": ("„", "”"), "IT": ("«", "»"),
         "ES": ("«", "»")}.get(lang, ("\"", "\""))
    return q[0], local + "@" + dom, q[1], q[0].strip() + q[1].strip()


EMAIL_STYLES = [
    _es("plain"),
    _es("at_spaced", at=[" @ "]),
    _es("at_space_left", at=[" @"]),
    _es("at_space_right", at=["@ "]),
    _es("at_paren", at=["(at)"]),
    _es("at_bracket", at=["[at]"]),
    _es("at_brace", at=["{at}"]),
    _es("at_angle", at=["<at>"]),
    _es("at_word", at=[" at "], langs=["EN", "NL", "DE", "RO"]),
    _es("at_WORD", at=[" AT "]),
    _es("at_paren_a", at=["(a)"]),
    _es("at_bracket_sym", at=["[@]"]),
    _es("at_paren_sym", at=["(@)"]),
    _es("at_paren_AT", at=["(AT)", "[AT]"]),
    _es("arobase", at=[" arobase ", "(arobase)", " [arobase] "], langs=["FR"]),
    _es("dot_paren", dot=["(dot)"]),
    _es("dot_bracket", dot=["[dot]"]),
    _es("dot_bracket_sym", dot=["[.]"]),
    _es("dot_paren_sym", dot=["(.)"]),
    _es("dot_word", dot=[" dot "], langs=["EN"]),
    _es("dot_point", dot=[" point "], langs=["FR"]),
    _es("dot_punkt", dot=[" punkt "], langs=["DE"]),
    _es("dot_punt", dot=[" punt "], langs=["NL"]),
    _es("dot_punto", dot=[" punto "], langs=["IT", "ES"]),
    _es("dot_punct", dot=[" punct "], langs=["RO"]),
    _es("dot_tochka", dot=[" точка "], langs=["BG"]),
    _es("combo_paren", at=["(at)"], dot=["(dot)"]),
    _es("combo_bracket", at=["[at]"], dot=["[dot]"]),
    _es("combo_brace", at=["{at}"], dot=["{dot}"]),
    _es("combo_words", at=[" at "], dot=[" dot "], langs=["EN"]),
    _es("combo_WORDS", at=[" AT "], dot=[" DOT "], langs=["EN"]),
    _es("combo_sym", at=["[@]", "(@)"], dot=["[.]", "(.)"]),
    _es("combo_arobase_point", at=[" arobase "], dot=[" point "], langs=["FR"]),
    _es("combo_at_point", at=["(at)", " at ", "[at]"], dot=["(point)", " point ", "[point]"], langs=["FR"]),
    _es("combo_at_punkt", at=["(at)", " at ", "[at]"], dot=["(punkt)", " punkt ", "[punkt]"], langs=["DE"]),
    _es("combo_at_punt", at=["(at)", " at ", "[at]"], dot=["(punt)", " punt "], langs=["NL"]),
    _es("combo_at_punto", at=["(at)", " at ", "[at]"], dot=["(punto)", " punto "], langs=["IT", "ES"]),
    _es("combo_at_punct", at=["(at)", " at ", "[at]"], dot=["(punct)", " punct "], langs=["RO"]),
    _es("combo_at_tochka", at=["(at)", " at ", "[at]"], dot=["(точка)", " точка "], langs=["BG"]),
    _es("combo_local_dots", at=["(at)", " at ", "[at]"], dot=["(dot)", " dot ", "[dot]"], local_dots=True),
    _es("upper_mixed", case="mixed"),
    _es("upper_all", case="upper"),
    _es("upper_domain", case="domain"),
    _es("upper_obf", at=["(at)", "[at]", " AT "], dot=["(dot)", "[dot]", " DOT "], case="upper"),
    _es("trail_period", suffix=".", template="end"),
    _es("trail_comma", suffix=","),
    _es("trail_excl", suffix="!", template="end"),
    _es("trail_semicolon", suffix=";"),
    EmailStyle("trail_paren", None, None, "core", "bare"),  # makers of these are filled in below
    _es("trail_period_obf", at=["(at)", "[at]", " at "], dot=["(dot)", "[dot]", " dot "], suffix=".",
        langs=["EN"], template="end"),
    _es("wrap_paren", prefix="(", suffix=")"),
    EmailStyle("wrap_angle", None, None, "core"),
    EmailStyle("wrap_quotes", None, None, "core"),
    _label("label_mail", ["mail: ", "Mail: ", "mail : "]),
    _label("label_email", ["e-mail: ", "E-mail: ", "Email: ", "email: "], ["EN", "NL", "RO", "IT"]),
    _label("label_EMail", ["E-Mail: ", "E-Mail-Adresse: "], ["DE"]),
    _label("label_imeil", ["имейл: ", "Имейл: ", "e-mail: "], ["BG"]),
    _label("label_courriel", ["Courriel : ", "Adresse mail : ", "Email : "], ["FR"]),
    _label("label_correo", ["correo: ", "Correo electrónico: ", "email: "], ["ES"]),
    _label("label_glued", ["mail:", "E-Mail:", "email:", "Mail:"]),
    _label("label_mailto", ["mailto:"]),
    EmailStyle("break_after_at", None, None, "core"),
    EmailStyle("break_obf", None, None, "core"),
    # Plausible but rare renderings.
    _es("x_chez", at=[" chez "], dot=[" point "], langs=["FR"], tag="exotic"),
    _es("x_bei", at=[" bei "], dot=[" punkt "], langs=["DE"], tag="exotic"),
    _es("x_aet", at=[" ät ", "(ät)"], dot=[" punkt ", "(punkt)"], langs=["DE"], tag="exotic"),
    _es("x_arroba", at=[" arroba ", "(arroba)"], dot=[" punto ", "(punto)"], langs=["ES"], tag="exotic"),
    _es("x_chiocciola", at=[" chiocciola ", "(chiocciola)"], dot=[" punto ", "(punto)"], langs=["IT"],
        tag="exotic"),
    _es("x_maimunka", at=[" маймунка ", "(маймунка)"], dot=[" точка ", "(точка)"], langs=["BG"], tag="exotic"),
    _es("x_apenstaartje", at=[" apenstaartje "], dot=[" punt "], langs=["NL"], tag="exotic"),
    _es("x_fullwidth_at", at=["＠"], tag="exotic"),
]
_special = {
    "trail_paren": _paren_trail, "wrap_angle": _wrap_angle, "wrap_quotes": _wrap_quotes,
    "break_after_at": lambda rng, l_, d, lang: _break(rng, l_, d),
    "break_obf": lambda rng, l_, d, lang: _break_obf(rng, l_, d),
}
for _s in EMAIL_STYLES:
    if _s.name in _special:
        _s.make = _special[_s.name]
        _s.special = True

IBAN_STYLES = {
    # name: (formats, context, tag)
    "iban_compact": (["compact"], "inline", "core"),
    "iban_space4": (["space"], "inline", "core"),
    "iban_dot4": (["dot"], "inline", "core"),
    "iban_dash4": (["dash"], "inline", "core"),
    "iban_lower_compact": (["compact"], "lower", "core"),
    "iban_lower_space4": (["space", "dash", "dot"], "lower", "core"),
    "iban_label": (["compact", "space", "dot", "dash"], "label", "core"),
    "iban_label_glued": (["compact", "space"], "label_glued", "core"),
    "iban_bare_line": (["compact", "space"], "bare_line", "core"),
    "iban_bic": (["compact", "space", "dot", "dash"], "bic", "core"),
    "iban_amount": (["compact", "space", "dot", "dash"], "amount", "core"),
    "iban_trail_punct": (["compact", "space"], "trail", "core"),
    "iban_paren": (["compact", "space"], "paren", "core"),
    "iban_multiline": (["compact", "space"], "multiline", "core"),
    "iban_phone_after": (["space"], "phone_after", "core"),
    "iban_nbsp": (["nbsp"], "inline", "exotic"),
    # Layouts that follow the national account structure instead of groups of four.
    "iban_national_groups": (["national"], "national", "exotic"),
    # Groups of four, wrapped onto a second line after a group.
    "iban_linebreak": (["space"], "linebreak", "exotic"),
}
NATIONAL_CC = ["FR", "IT", "ES", "DE", "PT", "GB"]


def national_layout(rng: random.Random, iban: str) -> str:
    """How people copy an IBAN from national bank papers: groups along the BBAN fields."""
    cc, ck, b = iban[:2], iban[2:4], iban[4:]
    cuts = {"FR": [5, 5, 11, 2], "IT": [1, 5, 5, 12], "ES": [4, 4, 2, 10], "DE": [8, 10], "PT": [4, 4, 11, 2],
            "GB": [4, 6, 8]}[cc]
    parts, i = [], 0
    for n in cuts:
        parts.append(b[i:i + n])
        i += n
    head = rng.choice([cc + ck, cc + " " + ck]) if cc == "IT" else cc + ck
    return head + " " + " ".join(parts)
NEG_STYLES = ["neg_email_words", "neg_web_handles", "neg_iban_badcheck", "neg_iban_badlen", "neg_digits"]


# --------------------------------------------------------------------------------------------
# Record generation
# --------------------------------------------------------------------------------------------

def _place(template: str, key: str, item: str, rng: random.Random, lang: str, bic: str = "") -> tuple[str, int]:
    """Fill `template`; return the text and the character offset where `item` starts."""
    head, tail = template.split("{" + key + "}")
    fill = lambda s: s.replace("{P}", phone(rng, lang)).replace("{B}", bic)  # noqa: E731
    head, tail = fill(head), fill(tail)
    return head + item + tail, len(head)


def email_records(rng: random.Random, per_style: int, only: set[str] | None) -> list[dict]:
    out = []
    for st in EMAIL_STYLES:
        if only and st.name not in only:
            continue
        for k in range(per_style):
            lang = rng.choice(st.langs or LANGS)
            local = local_part(rng, lang)
            dom, dclass = domain(rng, lang)
            if getattr(st, "special", False):
                pre, item, suf, variant = st.make(rng, local, dom, lang)
            else:
                pre, item, suf, variant = st.make(rng, local, dom)
            tpl = rng.choice(EMAIL_BARE[lang] if st.template == "bare" else EMAIL_INLINE[lang])
            if st.template == "end":
                tpl = tpl.split("{E}")[0] + "{E} " + CLOSING[lang]
            text, off = _place(tpl, "E", pre + item + suf, rng, lang)
            start = off + len(pre)
            out.append(dict(style=st.name, tag=st.tag, kind="email", lang=lang, text=text,
                            value=(local + "@" + dom).lower(), cstart=start, cend=start + len(item),
                            variant=variant, dclass=dclass))
    return out


def iban_records(rng: random.Random, per_style: int, only: set[str] | None) -> list[dict]:
    out = []
    for name, (fmts, ctx, tag) in IBAN_STYLES.items():
        if only and name not in only:
            continue
        for k in range(per_style):
            cc = rng.choice(NATIONAL_CC if ctx == "national" else list(IBAN_LEN))
            iban = make_iban(rng, cc)
            fmt = rng.choice(fmts)
            if ctx == "national":
                item = national_layout(rng, iban)
                fmt = cc
            elif ctx == "linebreak":
                g = group(iban, " ").split(" ")
                k = rng.randint(2, len(g) - 1)
                item = " ".join(g[:k]) + rng.choice(["\n", " \n"]) + " ".join(g[k:])
                fmt = f"break after group {k}"
            else:
                item = fmt_iban(rng, iban, fmt)
            lang = COUNTRY_LANG[cc] if rng.random() < 0.7 else rng.choice(LANGS)
            label = rng.choice(IBAN_LABELS[lang]) + " " if rng.random() < 0.5 else ""
            pre, suf, variant = "", "", fmt
            if ctx == "lower":
                item = item.lower()
            if ctx == "label":
                label = rng.choice(IBAN_LABELS[lang]) + " "
            if ctx == "label_glued":
                label = rng.choice(["IBAN:", "IBAN:", "IBAN-Nr.:" if lang == "DE" else "IBAN:"])
            if ctx in ("inline", "lower", "label", "label_glued", "trail", "paren", "phone_after", "national",
                       "linebreak"):
                tpl = rng.choice(IBAN_INLINE[lang])
            if ctx == "bare_line":
                label = ""
                tpl = rng.choice(EMAIL_BARE[lang]).replace("{E}", "{I}")
            if ctx == "bic":
                suf = rng.choice([" BIC: {B}", " BIC {B}", " (BIC {B})", ", BIC: {B}", " SWIFT/BIC: {B}",
                                  " BIC {B}XXX"]).replace("{B}", BIC[cc])
                variant += "|" + suf.strip()[:4]
                tpl = rng.choice(IBAN_INLINE[lang])
            if ctx == "amount":
                tpl = rng.choice(IBAN_AMOUNT[lang])
            if ctx == "trail":
                suf = rng.choice([".", ",", ";", "!"])
                variant += "|" + suf
            if ctx == "paren":
                pre, suf = "(", ")"
            if ctx == "multiline":
                label = rng.choice(["IBAN: ", "IBAN ", "IBAN :\n"])
                tpl = rng.choice([
                    "Coordonnées bancaires :\n{I}\nBIC : {B}\nTitulaire : J. Dupont",
                    "Bankverbindung:\n{I}\nBIC: {B}\nInhaber: M. Müller",
                    "Bank details:\n{I}\nBIC: {B}\nPrice £45 incl. P&P",
                    "Date bancare:\n{I}\nBIC: {B}\nPreț 150 lei"])
            if ctx == "phone_after":
                suf = rng.choice([" - ", " / ", " tel. ", " | "]) + phone(rng, lang)
                variant += "|" + suf.split()[0]
            if label and ctx not in ("label_glued", "multiline"):
                variant += "|label"
            text, off = _place(tpl, "I", pre + label + item + suf, rng, lang, BIC[cc])
            start = off + len(pre) + len(label)
            out.append(dict(style=name, tag=tag, kind="iban", lang=lang, text=text, value=iban,
                            cstart=start, cend=start + len(item), variant=variant, dclass=cc))
    return out


def negative_records(rng: random.Random, per_style: int, only: set[str] | None) -> list[dict]:
    out = []
    for name in NEG_STYLES:
        if only and name not in only:
            continue
        for k in range(per_style):
            lang = rng.choice(LANGS)
            variant = ""
            if name == "neg_email_words":
                text, _ = _place(rng.choice(NEG_EMAIL[lang]) + " {X}", "X", "", rng, lang)
                text = text.rstrip()
            elif name == "neg_web_handles":
                text, _ = _place(rng.choice(NEG_WEB[lang]) + " {X}", "X", "", rng, lang)
                text = text.rstrip()
            elif name == "neg_digits":
                text = rng.choice(NEG_DIGITS)
            else:
                cc = rng.choice(list(IBAN_LEN))
                iban = make_iban(rng, cc)
                if name == "neg_iban_badcheck":
                    while True:  # change one BBAN digit: mod 97 then fails
                        i = rng.randrange(4, len(iban))
                        if iban[i].isdigit():
                            bad = iban[:i] + str((int(iban[i]) + rng.randint(1, 9)) % 10) + iban[i + 1:]
                            if not iban_valid(bad):
                                break
                else:  # mod-97 valid but one BBAN character short or long
                    b = iban[4:]
                    b = b[:-1] if rng.random() < 0.5 else b + rng.choice("0123456789")
                    bad = cc + iban_check(cc, b) + b
                    assert iban_valid(bad) and len(bad) != IBAN_LEN[cc]
                fmt = rng.choice(["compact", "space"])
                variant = fmt
                label = "IBAN " if rng.random() < 0.5 else ""
                text, _ = _place(rng.choice(IBAN_INLINE[COUNTRY_LANG[cc]]), "I",
                                 label + fmt_iban(rng, bad, fmt), rng, lang)
            out.append(dict(style=name, tag="negative", kind=None, lang=lang, text=text, value=None,
                            cstart=0, cend=0, variant=variant, dclass=""))
    return out


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------

def byte_span(text: str, cs: int, ce: int) -> tuple[int, int]:
    return len(text[:cs].encode("utf-8")), len(text[:ce].encode("utf-8"))


def run_cairn(cairn: str, inp: str, out: str) -> dict[str, list[dict]]:
    cmd = [cairn, "scan", "--format", "jsonl", "--no-store", "--quiet", "--out", out, inp]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"cairn failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    found: dict[str, list[dict]] = collections.defaultdict(list)
    with open(out, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d.get("type") == "finding":
                found[d["record"]].append(d)
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    ap.add_argument("--cairn", required=True, help="the cairn binary to probe")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--per-style", type=int, default=40, help="records per style (default 40)")
    ap.add_argument("--styles", default="", help="comma-separated style names to run (default all)")
    ap.add_argument("--out-dir", default="/tmp/probe-mail", help="where the input and output files go")
    ap.add_argument("--tag", default="", help="suffix for the file names (probe-TAG.jsonl)")
    ap.add_argument("--show", action="store_true", help="print each miss and false positive with its text")
    ap.add_argument("--list-styles", action="store_true", help="list the style names and exit")
    args = ap.parse_args()

    if args.list_styles:
        for st in EMAIL_STYLES:
            print(f"{st.name:22} email  {st.tag}")
        for name, (_, _, tag) in IBAN_STYLES.items():
            print(f"{name:22} iban   {tag}")
        for name in NEG_STYLES:
            print(f"{name:22} none   negative")
        return

    rng = random.Random(args.seed)
    only = set(s for s in args.styles.split(",") if s) or None
    recs = email_records(rng, args.per_style, only) + iban_records(rng, args.per_style, only) + \
        negative_records(rng, args.per_style, only)
    if not recs:
        sys.exit("no styles selected (see --list-styles)")

    os.makedirs(args.out_dir, exist_ok=True)
    base = os.path.join(args.out_dir, "probe" + (f"-{args.tag}" if args.tag else ""))
    inp, outp = base + ".jsonl", base + ".cairn.jsonl"
    with open(inp, "w", encoding="utf-8") as f:
        for i, r in enumerate(recs):
            r["id"] = f"{r['style']}-{i}"
            r["start"], r["end"] = byte_span(r["text"], r["cstart"], r["cend"])
            f.write(json.dumps({"id": r["id"], "text": r["text"], "region": REGION[r["lang"]]},
                               ensure_ascii=False) + "\n")
    with open(base + ".truth.jsonl", "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps({k: r[k] for k in ("id", "style", "tag", "kind", "lang", "value", "start", "end",
                                                  "variant", "dclass", "text")}, ensure_ascii=False) + "\n")
    found = run_cairn(args.cairn, inp, outp)

    # Per-style counters.
    stats: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    order: list[str] = []
    meta: dict[str, tuple[str, str]] = {}
    miss_variants: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    bad: list[tuple[dict, str, list[dict]]] = []
    per_dclass: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
    for r in recs:
        st = r["style"]
        if st not in stats:
            order.append(st)
            meta[st] = (r["kind"] or "none", r["tag"])
        c = stats[st]
        c["n"] += 1
        fs = found.get(r["id"], [])
        ours = [f for f in fs if f["kind"] in ("email", "iban")]
        for f in fs:  # evidence must be the bytes at start..end
            eb = r["text"].encode("utf-8")[f["start"]:f["end"]].decode("utf-8", "replace")
            if eb != f.get("evidence", eb):
                c["span_mismatch"] += 1
        hit = None
        if r["kind"] == "email" and r["dclass"] != "*.example":
            c["n_noex"] += 1
        if r["kind"]:
            for f in ours:
                if f["kind"] == r["kind"] and f["value"] == r["value"] and \
                        f["start"] < r["end"] and r["start"] < f["end"]:
                    hit = f
                    break
            c["found" if hit else "missed"] += 1
            if hit and r["kind"] == "email" and r["dclass"] != "*.example":
                c["found_noex"] += 1
            per_dclass[(r["kind"], r["dclass"])]["n"] += 1
            per_dclass[(r["kind"], r["dclass"])]["found"] += bool(hit)
            if not hit:
                miss_variants[st][r["variant"]] += 1
                bad.append((r, "MISS", fs))
            others = [f for f in fs if f["kind"] not in ("email", "iban")
                      and f["start"] < r["end"] and r["start"] < f["end"]]
            if others:
                c["other_overlap"] += 1
        falses = [f for f in ours if f is not hit]
        c["false"] += len(falses)
        if falses and (hit or not r["kind"]):
            bad.append((r, "FALSE", fs))
        elif falses:
            bad[-1] = (r, "MISS+FALSE", fs)

    # Table.
    hdr = (f"{'style':22} {'kind':5} {'tag':8} {'n':>4} {'found':>5} {'miss':>5} {'false':>5} {'recall':>7} "
           f"{'rec-nex':>7} {'oth':>4}")
    print(f"seed={args.seed} per-style={args.per_style} records={len(recs)} input={inp} output={outp}")
    print(hdr)
    print("-" * len(hdr))
    tot = collections.defaultdict(collections.Counter)
    for st in order:
        c = stats[st]
        kind, tag = meta[st]
        rec = f"{c['found'] / c['n']:.3f}" if kind != "none" else "   -"
        flag = ""
        if kind != "none" and c["found"] / c["n"] < 0.97:
            flag = "  <"
        if c["false"]:
            flag += "  FP"
        nex = f"{c['found_noex'] / c['n_noex']:.3f}" if c["n_noex"] else "   -"
        print(f"{st:22} {kind:5} {tag:8} {c['n']:>4} {c['found']:>5} {c['missed']:>5} {c['false']:>5} {rec:>7} "
              f"{nex:>7} {c['other_overlap']:>4}{flag}")
        if c["span_mismatch"]:
            print(f"{'':22} ! {c['span_mismatch']} finding(s) whose evidence is not the text at start..end")
        if miss_variants[st] and len(miss_variants[st]) > 0 and kind != "none":
            mv = ", ".join(f"{v!r}:{k}" for v, k in miss_variants[st].most_common(6))
            print(f"{'':22}   misses by variant: {mv}")
        tot[(kind, tag)].update(c)
        tot[(kind, "all")].update(c)
    print("rec-nex: e-mail recall without the invented *.example domains; oth: records where a finding of"
          " another kind (url, phone, ...) overlaps the planted item")
    print()
    print("summary (false counts e-mail/IBAN findings that are not the planted item, in all styles of the group;"
          " negatives count for both kinds)")
    neg_false_email = sum(1 for r, _, fs in bad if r["kind"] is None for f in fs if f["kind"] == "email")
    neg_false_iban = sum(1 for r, _, fs in bad if r["kind"] is None for f in fs if f["kind"] == "iban")
    for kind in ("email", "iban"):
        for tag in ("core", "exotic", "all"):
            c = tot.get((kind, tag))
            if not c:
                continue
            fp = c["false"] + (neg_false_email if kind == "email" else neg_false_iban) * (tag in ("core", "all"))
            prec = c["found"] / (c["found"] + fp) if c["found"] + fp else 1.0
            nex = f"  recall without *.example={c['found_noex'] / c['n_noex']:.4f}" if c["n_noex"] else ""
            print(f"  {kind:5} {tag:6} n={c['n']:5} found={c['found']:5} missed={c['missed']:4} false={fp:4}"
                  f"  recall={c['found'] / c['n']:.4f}  precision={prec:.4f}{nex}")
    c = tot.get(("none", "negative"))
    if c:
        print(f"  negatives     n={c['n']:5} false email={neg_false_email} false iban={neg_false_iban}")
    print()
    print("recall by e-mail domain class / IBAN country:")
    for (kind, dc), c in sorted(per_dclass.items()):
        print(f"  {kind:5} {dc:16} n={c['n']:4} recall={c['found'] / c['n']:.3f}")
    print(f"\nmisses/false records: {len(bad)}")

    if args.show:
        print()
        for r, what, fs in bad:
            exp = f"{r['kind']} {r['value']} [{r['start']},{r['end']})" if r["kind"] else "nothing"
            print(f"{what:10} {r['id']} ({r['lang']}, {r['variant']!r})")
            print(f"  text: {r['text']!r}")
            print(f"  want: {exp}")
            got = [f"{f['kind']} {f['value']!r} [{f['start']},{f['end']}) ev={f.get('evidence')!r}" for f in fs
                   if f["kind"] in ("email", "iban") or (r["kind"] and f["start"] < r["end"] and r["start"] < f["end"])]
            print("  got:  " + ("\n        ".join(got) if got else "(no email/iban finding, none overlapping)"))


if __name__ == "__main__":
    main()
