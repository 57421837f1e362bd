"""Numbers that are not phone numbers: prices, dates, times, postal codes, ages, references,
company ids, years, measurements, ranges, ad ids. Each comes with a short context, as in ads."""

from __future__ import annotations

import random

MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
    "ro": ["ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august", "septembrie", "octombrie", "noiembrie", "decembrie"],
    "bg": ["януари", "февруари", "март", "април", "май", "юни", "юли", "август", "септември", "октомври", "ноември", "декември"],
}

# Labels per language: posted on, reference, ad id, order, available, since, size, floor.
LBL = {
    "fr": {"posted": "Publié le", "ref": "Réf.", "adid": "Annonce n°", "order": "Commande n°", "avail": "Disponible de", "to": "à", "since": "depuis", "size": "Taille", "floor": "étage", "price": "Prix", "age": "{n} ans", "company": ["SIRET {a}", "SIREN {b}"]},
    "en": {"posted": "Posted on", "ref": "Ref.", "adid": "Ad ID", "order": "Order #", "avail": "Available from", "to": "to", "since": "since", "size": "Size", "floor": "floor", "price": "Price", "age": "{n}yo", "company": ["Company No. {c}", "VAT GB{d}"]},
    "nl": {"posted": "Geplaatst op", "ref": "Ref.", "adid": "Advertentienr.", "order": "Bestelnummer", "avail": "Beschikbaar van", "to": "tot", "since": "sinds", "size": "Maat", "floor": "verdieping", "price": "Prijs", "age": "{n} jaar", "company": ["KvK {c}", "btw NL{e}B01"]},
    "de": {"posted": "Eingestellt am", "ref": "Ref.", "adid": "Anzeigen-ID", "order": "Bestellnr.", "avail": "Erreichbar von", "to": "bis", "since": "seit", "size": "Größe", "floor": "Stock", "price": "Preis", "age": "{n} Jahre", "company": ["USt-IdNr. DE{e}", "HRB {f}"]},
    "it": {"posted": "Pubblicato il", "ref": "Rif.", "adid": "Annuncio n.", "order": "Ordine n.", "avail": "Disponibile dalle", "to": "alle", "since": "dal", "size": "Taglia", "floor": "piano", "price": "Prezzo", "age": "{n} anni", "company": ["P.IVA {g}", "REA MI-{f}"]},
    "es": {"posted": "Publicado el", "ref": "Ref.", "adid": "Anuncio n.º", "order": "Pedido n.º", "avail": "Disponible de", "to": "a", "since": "desde", "size": "Talla", "floor": "planta", "price": "Precio", "age": "{n} años", "company": ["CIF B{c}", "NIF {c}Z"]},
    "ro": {"posted": "Publicat pe", "ref": "Ref.", "adid": "Anunț nr.", "order": "Comanda nr.", "avail": "Disponibil de la", "to": "la", "since": "din", "size": "Mărime", "floor": "etaj", "price": "Preț", "age": "{n} ani", "company": ["CUI RO{c}", "J40/{h}/2019"]},
    "bg": {"posted": "Публикувано на", "ref": "Реф.", "adid": "Обява №", "order": "Поръчка №", "avail": "На разположение от", "to": "до", "since": "от", "size": "Размер", "floor": "етаж", "price": "Цена", "age": "{n} г.", "company": ["ЕИК {e}", "ДДС BG{e}"]},
}

POSTAL = {
    "FR": lambda r: f"{r.choice(['75', '69', '13', '59', '33'])}{r.randint(0, 20):03d} {r.choice(['Paris', 'Lyon', 'Marseille', 'Lille', 'Bordeaux'])}",
    "BE": lambda r: f"{r.choice([1000, 1050, 1060, 2000, 2018, 4000, 9000])} {r.choice(['Bruxelles', 'Antwerpen', 'Liège', 'Gent'])}",
    "NL": lambda r: f"{r.randint(1011, 3099)} {r.choice(['AB', 'CD', 'GH', 'KL', 'RT'])} {r.choice(['Amsterdam', 'Rotterdam', 'Utrecht'])}",
    "DE": lambda r: f"{r.choice(['50667', '10115', '80331', '40213', '20095'])} {r.choice(['Köln', 'Berlin', 'München', 'Düsseldorf', 'Hamburg'])}",
    "AT": lambda r: f"{r.choice([1010, 1020, 1070, 8010])} {r.choice(['Wien', 'Graz'])}",
    "IT": lambda r: f"{r.choice(['20121', '00184', '10121', '40121'])} {r.choice(['Milano', 'Roma', 'Torino', 'Bologna'])}",
    "ES": lambda r: f"{r.choice(['28013', '08001', '46002', '41001'])} {r.choice(['Madrid', 'Barcelona', 'Valencia', 'Sevilla'])}",
    "RO": lambda r: f"{r.choice(['010011', '400001', '900001', '300001'])} {r.choice(['București', 'Cluj-Napoca', 'Constanța', 'Timișoara'])}",
    "BG": lambda r: f"{r.choice([1000, 4000, 9000, 1404])} {r.choice(['София', 'Пловдив', 'Варна'])}",
    "GB": lambda r: f"{r.choice(['SW1A 1AA', 'E1 6AN', 'M1 1AE', 'B1 1BB'])}",
    "LU": lambda r: f"L-{r.randint(1110, 2999)} Luxembourg",
    "CH": lambda r: f"{r.choice([8001, 1201, 3011])} {r.choice(['Zürich', 'Genève', 'Bern'])}",
}


def _n(r: random.Random, k: int) -> str:
    return str(r.randint(1, 9)) + "".join(str(r.randint(0, 9)) for _ in range(k - 1))


def _price(r: random.Random, lang: str) -> str:
    a = r.choice([30, 50, 80, 100, 120, 150, 200, 250, 300, 450, 600, 850, 1200, 1500, 2500, 12500])
    big_sep = {"fr": " ", "ro": ".", "bg": " ", "en": ","}.get(lang, ".")
    s = f"{a:,}".replace(",", big_sep) if a >= 1000 else str(a)
    return r.choice([f"{s} €", f"{s}€", f"€{s}", f"{s} EUR", f"{s},00 €", f"{s}.-", f"EUR {s}"])


def make(r: random.Random, lang: str, region: str, kind: str | None = None) -> tuple[str, str]:
    """One distractor: (text, type); `kind` forces the type."""
    L = LBL[lang]
    y = r.choice([2024, 2025, 2026])
    d, m = r.randint(1, 28), r.randint(1, 12)
    kind = kind or r.choice(["price", "price", "price_range", "date", "date", "datetime", "time", "time_range",
                     "postal", "postal", "age", "ref", "adid", "order", "company", "year", "measure",
                     "measure", "range", "iban_like_ref", "percent", "duration"])
    if kind == "price":
        return f"{L['price']} {_price(r, lang)}", kind
    if kind == "price_range":
        a = r.choice([50, 80, 100, 150, 200])
        return r.choice([f"{a}-{a + 50} €", f"{a} - {a * 2} EUR", f"{a}/{a + 40}€", f"{a}–{a + 100} €"]), kind
    if kind == "date":
        fm = r.choice(["{d:02d}/{m:02d}/{y}", "{d:02d}.{m:02d}.{y}", "{y}-{m:02d}-{d:02d}", "{d:02d}-{m:02d}-{y}",
                       "{d} {mn} {y}", "{d:02d}/{m:02d}/{yy}", "{d}.{m}.{y}"])
        return f"{L['posted']} " + fm.format(d=d, m=m, y=y, yy=y % 100, mn=MONTHS[lang][m - 1]), kind
    if kind == "datetime":
        return r.choice([f"{y}-{m:02d}-{d:02d} {r.randint(0, 23):02d}:{r.choice([0, 15, 30, 45]):02d}",
                         f"{d:02d}.{m:02d}.{y}, {r.randint(10, 23)}:{r.choice([0, 30]):02d}",
                         f"{d:02d}/{m:02d}/{y} {r.randint(10, 23)}h{r.choice([0, 30]):02d}"]), kind
    if kind == "time":
        h = r.randint(8, 23)
        return r.choice([f"{h}h30", f"{h}:00", f"{h:02d}:{r.choice([0, 15, 30, 45]):02d}", f"{h}h", f"{h}.30 Uhr" if lang == "de" else f"{h}:30"]), kind
    if kind == "time_range":
        a, b = r.randint(8, 14), r.randint(18, 23)
        return r.choice([f"{L['avail']} {a}h {L['to']} {b}h", f"{a}:00-{b}:00", f"{a}h-{b}h", f"{b}:00 - 0{r.randint(1, 5)}:00",
                         "24h/24 7j/7" if lang == "fr" else "24/7"]), kind
    if kind == "postal":
        return POSTAL[region](r), kind
    if kind == "age":
        return L["age"].format(n=r.randint(18, 45)), kind
    if kind == "ref":
        return r.choice([f"{L['ref']} {_n(r, 4)}-{_n(r, 4)}", f"{L['ref']} {r.choice('ABKMZ')}{_n(r, 7)}", f"{L['ref']} {_n(r, 6)}/{y}"]), kind
    if kind == "adid":
        return r.choice([f"{L['adid']} {_n(r, 8)}", f"{L['adid']} {_n(r, 9)}", f"{L['adid']}: {_n(r, 10)}", f"ID {_n(r, 7)}"]), kind
    if kind == "order":
        return r.choice([f"{L['order']} {y}{m:02d}{d:02d}-{_n(r, 4)}", f"{L['order']} {_n(r, 9)}", f"{L['order']} {_n(r, 3)}-{_n(r, 7)}-{_n(r, 7)}"]), kind
    if kind == "company":
        tpl = r.choice(L["company"])
        return tpl.format(a=f"{_n(r, 3)} {_n(r, 3)} {_n(r, 3)} {_n(r, 5)}", b=f"{_n(r, 3)} {_n(r, 3)} {_n(r, 3)}",
                          c=_n(r, 8), d=_n(r, 9), e=_n(r, 9), f=_n(r, 6), g=_n(r, 11), h=_n(r, 5)), kind
    if kind == "year":
        return f"{L['since']} {r.randint(1995, 2025)}", kind
    if kind == "measure":
        return r.choice([f"1m{r.randint(50, 85)}", f"1,{r.randint(50, 85)} m", f"{r.randint(45, 80)} kg",
                         f"{r.randint(80, 100)}-{r.randint(55, 70)}-{r.randint(85, 100)}", f"{L['size']} {r.choice([34, 36, 38, 40])}",
                         f"{r.randint(120, 220)} x {r.randint(60, 100)} x {r.randint(40, 90)} cm", f"{r.randint(18, 95)} m²",
                         f"{r.randint(2, 6)}e {L['floor']}" if lang == "fr" else f"{r.randint(2, 6)} {L['floor']}"]), kind
    if kind == "range":
        a = r.randint(1, 9) * 50
        return r.choice([f"{a}-{a + 50}", f"{a} à {a + 100}" if lang == "fr" else f"{a}–{a + 100}", f"{r.randint(2, 5)}-{r.randint(6, 9)}"]), kind
    if kind == "iban_like_ref":
        # A transfer reference: long but labelled, never a phone.
        return f"{L['ref']} {y}/{_n(r, 5)}/{_n(r, 3)}", kind
    if kind == "percent":
        return f"-{r.choice([10, 15, 20, 30, 50])} %", kind
    return r.choice(["30 min", "1h", "2h30", "45 min", "1 h 30"]), "duration"
