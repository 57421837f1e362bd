"""Phrase banks in the 8 languages of the field study (FR, EN, NL, DE, IT, ES, RO, BG).

Sober, non-explicit wording. Indicator phrases follow shared/DOMAIN.md §4 (newness, youth,
venues, availability, third-party bookings, emoji codes) and their usual equivalents in
European ads. Slots: {name} {age} {city} {price} {contact} {ind} {ind2} {emoji} {extra}.
"""

from __future__ import annotations

LANGS = ["fr", "en", "nl", "de", "it", "es", "ro", "bg"]

# Indicator phrases per category (category names are Cairn's fixed IndicatorCategory enum).
IND: dict[str, dict[str, list[str]]] = {
    "fr": {
        "new_in_town": ["nouvelle en ville", "juste arrivée", "nouvelle à {city}"],
        "youth": ["jeune", "tout juste 18 ans", "petite nouvelle", "étudiante"],
        "touring": ["de passage quelques jours", "seulement cette semaine à {city}"],
        "incall_outcall": ["reçoit et se déplace", "déplacement hôtel et domicile"],
        "hotel_shortstay": ["hôtel près de la gare", "appartement discret en centre-ville"],
        "always_available": ["disponible 24h/24 et 7j/7", "dispo jour et nuit"],
        "third_party": ["rendez-vous uniquement via mon manager", "mon amie gère mes rendez-vous"],
        "restricted_freedom": ["ne parle pas français, SMS uniquement", "pas de téléphone personnel"],
        "foreign_origin": ["d'origine roumaine", "d'Europe de l'Est"],
        "drugs_party": ["ambiance soirée, goodies offerts"],
    },
    "en": {
        "new_in_town": ["new in town", "just arrived", "new girl in {city}"],
        "youth": ["young", "just turned 18", "fresh face", "student"],
        "touring": ["only a few days in {city}", "visiting this week only"],
        "incall_outcall": ["incall and outcall", "hotel visits"],
        "hotel_shortstay": ["hotel near the station", "private flat in the centre"],
        "always_available": ["available 24/7", "day and night"],
        "third_party": ["bookings through my manager", "my friend handles my bookings"],
        "restricted_freedom": ["no English, text only", "no phone of her own"],
        "foreign_origin": ["Eastern European", "from Romania"],
        "drugs_party": ["party vibe, goodies included"],
    },
    "nl": {
        "new_in_town": ["nieuw in de stad", "net aangekomen", "nieuw in {city}"],
        "youth": ["jong", "net 18", "nieuw gezichtje", "studente"],
        "touring": ["maar een paar dagen in {city}", "alleen deze week"],
        "incall_outcall": ["ontvangst en escort", "hotelbezoek mogelijk"],
        "hotel_shortstay": ["hotel bij het station", "discreet appartement in het centrum"],
        "always_available": ["24/7 beschikbaar", "dag en nacht"],
        "third_party": ["afspraken via mijn manager", "mijn vriendin regelt de afspraken"],
        "restricted_freedom": ["spreekt geen Nederlands, alleen sms", "geen eigen telefoon"],
        "foreign_origin": ["uit Oost-Europa", "uit Roemenië"],
        "drugs_party": ["feestsfeer, goodies inbegrepen"],
    },
    "de": {
        "new_in_town": ["neu in der Stadt", "gerade angekommen", "neu in {city}"],
        "youth": ["jung", "gerade 18 geworden", "neues Gesicht", "Studentin"],
        "touring": ["nur wenige Tage in {city}", "nur diese Woche"],
        "incall_outcall": ["Haus- und Hotelbesuche", "empfange und besuche"],
        "hotel_shortstay": ["Hotel am Bahnhof", "diskrete Wohnung im Zentrum"],
        "always_available": ["rund um die Uhr erreichbar", "Tag und Nacht"],
        "third_party": ["Termine nur über meinen Manager", "meine Freundin macht die Termine"],
        "restricted_freedom": ["spricht kein Deutsch, nur SMS", "kein eigenes Handy"],
        "foreign_origin": ["aus Osteuropa", "aus Bulgarien"],
        "drugs_party": ["Partystimmung, Goodies inklusive"],
    },
    "it": {
        "new_in_town": ["nuova in città", "appena arrivata", "nuova a {city}"],
        "youth": ["giovane", "appena compiuto 18 anni", "viso nuovo", "studentessa"],
        "touring": ["solo per pochi giorni a {city}", "solo questa settimana"],
        "incall_outcall": ["ricevo e mi sposto", "anche in hotel"],
        "hotel_shortstay": ["hotel vicino alla stazione", "appartamento riservato in centro"],
        "always_available": ["disponibile 24 ore su 24", "giorno e notte"],
        "third_party": ["appuntamenti tramite il mio manager", "la mia amica gestisce gli appuntamenti"],
        "restricted_freedom": ["non parla italiano, solo SMS", "senza telefono proprio"],
        "foreign_origin": ["dell'Est Europa", "rumena"],
        "drugs_party": ["atmosfera festa, regalini inclusi"],
    },
    "es": {
        "new_in_town": ["nueva en la ciudad", "recién llegada", "nueva en {city}"],
        "youth": ["joven", "recién cumplidos los 18", "cara nueva", "estudiante"],
        "touring": ["solo unos días en {city}", "solo esta semana"],
        "incall_outcall": ["recibo y me desplazo", "salidas a hotel"],
        "hotel_shortstay": ["hotel cerca de la estación", "piso discreto en el centro"],
        "always_available": ["disponible 24 horas", "día y noche"],
        "third_party": ["citas solo a través de mi representante", "mi amiga gestiona las citas"],
        "restricted_freedom": ["no habla español, solo mensajes", "sin teléfono propio"],
        "foreign_origin": ["del Este de Europa", "rumana"],
        "drugs_party": ["ambiente de fiesta, regalitos incluidos"],
    },
    "ro": {
        "new_in_town": ["nouă în oraș", "tocmai am ajuns", "nouă în {city}"],
        "youth": ["tânără", "abia am împlinit 18 ani", "față nouă", "studentă"],
        "touring": ["doar câteva zile în {city}", "doar săptămâna aceasta"],
        "incall_outcall": ["primesc și mă deplasez", "și la hotel"],
        "hotel_shortstay": ["hotel lângă gară", "apartament discret în centru"],
        "always_available": ["disponibilă non-stop", "zi și noapte"],
        "third_party": ["programări doar prin managerul meu", "prietena mea face programările"],
        "restricted_freedom": ["nu vorbește limba, doar SMS", "fără telefon propriu"],
        "foreign_origin": ["din Moldova", "din estul Europei"],
        "drugs_party": ["atmosferă de petrecere, cadouri incluse"],
    },
    "bg": {
        "new_in_town": ["нова в града", "току-що пристигнах", "нова в {city}"],
        "youth": ["млада", "току-що навършила 18", "ново лице", "студентка"],
        "touring": ["само няколко дни в {city}", "само тази седмица"],
        "incall_outcall": ["приемам и посещавам", "и в хотел"],
        "hotel_shortstay": ["хотел до гарата", "дискретен апартамент в центъра"],
        "always_available": ["на разположение 24/7", "денонощно"],
        "third_party": ["срещи само чрез моя мениджър", "приятелката ми урежда срещите"],
        "restricted_freedom": ["не говори езика, само SMS", "без собствен телефон"],
        "foreign_origin": ["от Източна Европа", "от Молдова"],
        "drugs_party": ["парти атмосфера, подаръци включени"],
    },
}

# Emoji codes (DOMAIN.md §4): growing heart and seedling = minor, cherry and blossom = virgin,
# plane = new in town / touring, crown = controlled by a pimp, rose count = price.
EMOJI_CODES = ["🌹", "🍒", "🌸", "✈️", "👑", "🌱", "💗"]

T: dict[str, dict] = {}

T["fr"] = {
    "age": "{n} ans",
    "price": ["{p} € la demi-heure", "{r} 🌹 / 1h", "{p}€ 30 min", "à partir de {p} €"],
    "contact": ["Tél : {c}", "Appelle ou SMS : {c}", "Contact {c}", "Numéro : {c}", "Joignable au {c}"],
    "email": ["Mail : {c}", "Écris-moi : {c}", "Contact par mail {c}"],
    "wallet": ["Acompte en crypto ({chain}) : {c}", "Réservation avec acompte {chain} {c}"],
    "iban": ["Acompte par virement, IBAN {c}", "Virement sur {c}"],
    "hub": ["Support du site d'annonces : {c}", "Service client : {c} (du lundi au vendredi)"],
    "esc_title": ["{name}, {age} — {ind} {emoji}", "{emoji} {name} {ind} à {city}", "{name} {emoji} {city}"],
    "esc_body": [
        "Bonjour, je m'appelle {name}, {age}, {ind}. {ind2}. {price}. {contact}",
        "{name} {emoji} {ind} à {city}. {ind2}. {price}. {contact}",
        "Salut, c'est {name} {emoji}, {ind}. {ind2}. {contact}. {price}.",
    ],
    "job": [
        "Offre d'emploi : hôtesses pour salons à l'étranger, voyage et logement payés, pas d'expérience demandée, jeunes filles bienvenues. Gain rapide. {contact}",
        "Agence recrute modèles pour séances photo à {city} et à l'étranger, visa et billet d'avion fournis, frais d'inscription 150 €. {contact}",
    ],
    "social": [
        "nouvelle à {city} ce week-end {emoji} écris-moi {contact}",
        "qui veut gagner de l'argent facilement ce soir ? {emoji} DM {contact}",
        "je cherche un endroit où dormir quelques nuits à {city}, je ne rentre pas chez moi. {contact}",
    ],
    "decoy": {
        "furniture": ["Vends canapé trois places gris, très bon état, {price_plain}. À récupérer à {city}. {contact}",
                      "Lot de 4 chaises en bois, {price_plain} le lot, {city}. {contact}"],
        "rental": ["Loue studio meublé 25 m², proche métro, {city}, {price_plain} par mois charges comprises. {contact}"],
        "cat": ["Perdu chat tigré gris, répond au nom de Filou, quartier gare à {city}. Récompense. {contact}"],
        "bike": ["Vends vélo de ville 28 pouces avec panier, {price_plain}, {city}. {contact}"],
        "tutor": ["Étudiante en master donne cours de maths et de physique, niveau lycée, {city}, {price_plain} de l'heure. {contact}"],
        "massage": ["Cabinet de kinésithérapie à {city} : massages sportifs sur rendez-vous, praticienne diplômée d'État. {contact}"],
    },
    "filler": ["Merci de ne pas appeler en numéro masqué.", "Photos récentes.", "Pas sérieux s'abstenir.",
               "Annonce mise à jour aujourd'hui.", "Réponse rapide."],
}

T["en"] = {
    "age": "{n}yo",
    "price": ["{p} EUR half hour", "{r} 🌹 per hour", "{p}€ / 30 min", "from {p} €"],
    "contact": ["Call {c}", "Call or text {c}", "Phone: {c}", "Text me on {c}", "WhatsApp {c}"],
    "email": ["Email: {c}", "Write to {c}", "Mail me at {c}"],
    "wallet": ["Deposit in crypto: {c}", "Booking deposit {chain} {c}"],
    "iban": ["Deposit by bank transfer, IBAN {c}", "Transfer to {c}"],
    "hub": ["Site support line: {c}", "Customer service {c} (Mon-Fri)"],
    "esc_title": ["{name}, {age} — {ind} {emoji}", "{emoji} {name} {ind} in {city}", "{name} {emoji} {city}"],
    "esc_body": [
        "Hi, I am {name}, {age}, {ind}. {ind2}. {price}. {contact}",
        "{name} {emoji} {ind} in {city}. {ind2}. {price}. {contact}",
        "Hello, {name} here {emoji}, {ind}. {ind2}. {contact}. {price}.",
    ],
    "job": [
        "Job offer: hostesses wanted for events abroad, travel and housing paid, no experience needed, young girls welcome. Fast money. {contact}",
        "Agency is hiring models for photo shoots in {city} and abroad, visa and flight provided, registration fee 150 €. {contact}",
    ],
    "social": [
        "new in {city} this weekend {emoji} hit me up {contact}",
        "who wants to make easy money tonight? {emoji} DM {contact}",
        "need a place to crash for a few nights in {city}, not going home. {contact}",
    ],
    "decoy": {
        "furniture": ["Selling a grey three-seat sofa, very good condition, {price_plain}. Pick up in {city}. {contact}",
                      "Set of 4 wooden chairs, {price_plain} for the lot, {city}. {contact}"],
        "rental": ["Furnished studio to let, 25 m², near the underground, {city}, {price_plain} per month all bills included. {contact}"],
        "cat": ["Lost: grey tabby cat called Pepper, near the station in {city}. Reward. {contact}"],
        "bike": ["City bike for sale, 28 inch wheels, basket included, {price_plain}, {city}. {contact}"],
        "tutor": ["Master's student offers maths and physics tutoring for secondary school, {city}, {price_plain} per hour. {contact}"],
        "massage": ["Physiotherapy practice in {city}: sports massage by appointment, registered therapist. {contact}"],
    },
    "filler": ["No withheld numbers please.", "Recent photos.", "Serious enquiries only.", "Ad updated today.", "Quick reply."],
}

T["nl"] = {
    "age": "{n} jaar",
    "price": ["{p} euro half uur", "{r} 🌹 per uur", "{p}€ / 30 min", "vanaf {p} €"],
    "contact": ["Bel {c}", "Bel of app {c}", "Tel: {c}", "Sms naar {c}", "Bereikbaar op {c}"],
    "email": ["Mail: {c}", "Schrijf naar {c}", "Mail mij op {c}"],
    "wallet": ["Aanbetaling in crypto: {c}", "Reservering met aanbetaling {chain} {c}"],
    "iban": ["Aanbetaling via overschrijving, IBAN {c}", "Overmaken naar {c}"],
    "hub": ["Klantenservice van de site: {c}", "Helpdesk {c} (ma-vr)"],
    "esc_title": ["{name}, {age} — {ind} {emoji}", "{emoji} {name} {ind} in {city}", "{name} {emoji} {city}"],
    "esc_body": [
        "Hoi, ik ben {name}, {age}, {ind}. {ind2}. {price}. {contact}",
        "{name} {emoji} {ind} in {city}. {ind2}. {price}. {contact}",
        "Hallo, {name} hier {emoji}, {ind}. {ind2}. {contact}. {price}.",
    ],
    "job": [
        "Vacature: hostesses gezocht voor evenementen in het buitenland, reis en woning betaald, geen ervaring nodig, jonge meiden welkom. Snel geld. {contact}",
        "Bureau zoekt modellen voor fotoshoots in {city} en het buitenland, visum en vliegticket geregeld, inschrijfgeld 150 €. {contact}",
    ],
    "social": [
        "nieuw in {city} dit weekend {emoji} stuur me een bericht {contact}",
        "wie wil er vanavond makkelijk geld verdienen? {emoji} DM {contact}",
        "zoek een slaapplek voor een paar nachten in {city}, ik ga niet naar huis. {contact}",
    ],
    "decoy": {
        "furniture": ["Te koop: grijze driezitsbank, zeer goede staat, {price_plain}. Ophalen in {city}. {contact}",
                      "Set van 4 houten stoelen, {price_plain} samen, {city}. {contact}"],
        "rental": ["Gemeubelde studio te huur, 25 m², vlak bij de metro, {city}, {price_plain} per maand inclusief. {contact}"],
        "cat": ["Kat vermist: grijze cyperse kater, luistert naar Siem, buurt station {city}. Beloning. {contact}"],
        "bike": ["Stadsfiets te koop, 28 inch, met mand, {price_plain}, {city}. {contact}"],
        "tutor": ["Masterstudente geeft bijles wiskunde en natuurkunde, middelbare school, {city}, {price_plain} per uur. {contact}"],
        "massage": ["Fysiotherapiepraktijk in {city}: sportmassage op afspraak, BIG-geregistreerd. {contact}"],
    },
    "filler": ["Geen anonieme nummers aub.", "Recente foto's.", "Alleen serieuze reacties.", "Advertentie vandaag bijgewerkt.", "Snel antwoord."],
}

T["de"] = {
    "age": "{n} Jahre",
    "price": ["{p} Euro halbe Stunde", "{r} 🌹 pro Stunde", "{p}€ / 30 Min", "ab {p} €"],
    "contact": ["Tel. {c}", "Anrufen oder SMS: {c}", "Handy: {c}", "Erreichbar unter {c}", "Kontakt {c}"],
    "email": ["E-Mail: {c}", "Schreib mir: {c}", "Mail an {c}"],
    "wallet": ["Anzahlung in Krypto: {c}", "Buchung mit {chain}-Anzahlung {c}"],
    "iban": ["Anzahlung per Überweisung, IBAN {c}", "Überweisung an {c}"],
    "hub": ["Kundenservice des Portals: {c}", "Hotline {c} (Mo-Fr)"],
    "esc_title": ["{name}, {age} — {ind} {emoji}", "{emoji} {name} {ind} in {city}", "{name} {emoji} {city}"],
    "esc_body": [
        "Hallo, ich bin {name}, {age}, {ind}. {ind2}. {price}. {contact}",
        "{name} {emoji} {ind} in {city}. {ind2}. {price}. {contact}",
        "Hi, hier ist {name} {emoji}, {ind}. {ind2}. {contact}. {price}.",
    ],
    "job": [
        "Stellenangebot: Hostessen für Messen im Ausland gesucht, Reise und Unterkunft bezahlt, keine Erfahrung nötig, junge Mädchen willkommen. Schnelles Geld. {contact}",
        "Agentur sucht Models für Fotoshootings in {city} und im Ausland, Visum und Flug gestellt, Anmeldegebühr 150 €. {contact}",
    ],
    "social": [
        "neu in {city} dieses Wochenende {emoji} schreib mir {contact}",
        "wer will heute Abend schnell Geld verdienen? {emoji} DM {contact}",
        "suche einen Schlafplatz für ein paar Nächte in {city}, gehe nicht nach Hause. {contact}",
    ],
    "decoy": {
        "furniture": ["Verkaufe graues Dreisitzer-Sofa, sehr guter Zustand, {price_plain}. Abholung in {city}. {contact}",
                      "4 Holzstühle, {price_plain} zusammen, {city}. {contact}"],
        "rental": ["Möbliertes Apartment zu vermieten, 25 m², nahe U-Bahn, {city}, {price_plain} warm im Monat. {contact}"],
        "cat": ["Katze entlaufen: grau getigerter Kater, hört auf Moritz, Nähe Bahnhof {city}. Finderlohn. {contact}"],
        "bike": ["Stadtrad zu verkaufen, 28 Zoll, mit Korb, {price_plain}, {city}. {contact}"],
        "tutor": ["Masterstudentin gibt Nachhilfe in Mathe und Physik, Oberstufe, {city}, {price_plain} pro Stunde. {contact}"],
        "massage": ["Physiotherapiepraxis in {city}: Sportmassage nach Termin, staatlich geprüfte Therapeutin. {contact}"],
    },
    "filler": ["Keine unterdrückten Nummern.", "Aktuelle Fotos.", "Nur ernst gemeinte Anfragen.", "Anzeige heute aktualisiert.", "Schnelle Antwort."],
}

T["it"] = {
    "age": "{n} anni",
    "price": ["{p} euro mezz'ora", "{r} 🌹 all'ora", "{p}€ / 30 min", "da {p} €"],
    "contact": ["Tel. {c}", "Chiama o scrivi {c}", "Cell. {c}", "Contattami al {c}", "WhatsApp {c}"],
    "email": ["Email: {c}", "Scrivimi a {c}", "Mail {c}"],
    "wallet": ["Acconto in cripto: {c}", "Prenotazione con acconto {chain} {c}"],
    "iban": ["Acconto con bonifico, IBAN {c}", "Bonifico su {c}"],
    "hub": ["Assistenza del sito: {c}", "Servizio clienti {c} (lun-ven)"],
    "esc_title": ["{name}, {age} — {ind} {emoji}", "{emoji} {name} {ind} a {city}", "{name} {emoji} {city}"],
    "esc_body": [
        "Ciao, sono {name}, {age}, {ind}. {ind2}. {price}. {contact}",
        "{name} {emoji} {ind} a {city}. {ind2}. {price}. {contact}",
        "Ciao, qui {name} {emoji}, {ind}. {ind2}. {contact}. {price}.",
    ],
    "job": [
        "Offerta di lavoro: cerchiamo hostess per eventi all'estero, viaggio e alloggio pagati, nessuna esperienza richiesta, ragazze giovani benvenute. Guadagno veloce. {contact}",
        "Agenzia cerca modelle per servizi fotografici a {city} e all'estero, visto e volo forniti, quota di iscrizione 150 €. {contact}",
    ],
    "social": [
        "nuova a {city} questo weekend {emoji} scrivimi {contact}",
        "chi vuole guadagnare facile stasera? {emoji} DM {contact}",
        "cerco un posto dove dormire per qualche notte a {city}, non torno a casa. {contact}",
    ],
    "decoy": {
        "furniture": ["Vendo divano tre posti grigio, ottime condizioni, {price_plain}. Ritiro a {city}. {contact}",
                      "4 sedie in legno, {price_plain} in blocco, {city}. {contact}"],
        "rental": ["Affittasi monolocale arredato 25 m², vicino alla metro, {city}, {price_plain} al mese spese incluse. {contact}"],
        "cat": ["Smarrito gatto tigrato grigio, risponde al nome di Briciola, zona stazione {city}. Ricompensa. {contact}"],
        "bike": ["Vendo bici da città 28 pollici con cestino, {price_plain}, {city}. {contact}"],
        "tutor": ["Studentessa magistrale dà ripetizioni di matematica e fisica, liceo, {city}, {price_plain} l'ora. {contact}"],
        "massage": ["Studio di fisioterapia a {city}: massaggio sportivo su appuntamento, fisioterapista abilitata. {contact}"],
    },
    "filler": ["Niente numeri anonimi.", "Foto recenti.", "No perditempo.", "Annuncio aggiornato oggi.", "Rispondo subito."],
}

T["es"] = {
    "age": "{n} años",
    "price": ["{p} euros media hora", "{r} 🌹 la hora", "{p}€ / 30 min", "desde {p} €"],
    "contact": ["Tel. {c}", "Llama o escribe al {c}", "Móvil: {c}", "Contacto {c}", "WhatsApp {c}"],
    "email": ["Correo: {c}", "Escríbeme a {c}", "Email {c}"],
    "wallet": ["Señal en cripto: {c}", "Reserva con señal en {chain} {c}"],
    "iban": ["Señal por transferencia, IBAN {c}", "Transferencia a {c}"],
    "hub": ["Atención al cliente del portal: {c}", "Soporte {c} (lun-vie)"],
    "esc_title": ["{name}, {age} — {ind} {emoji}", "{emoji} {name} {ind} en {city}", "{name} {emoji} {city}"],
    "esc_body": [
        "Hola, soy {name}, {age}, {ind}. {ind2}. {price}. {contact}",
        "{name} {emoji} {ind} en {city}. {ind2}. {price}. {contact}",
        "Hola, aquí {name} {emoji}, {ind}. {ind2}. {contact}. {price}.",
    ],
    "job": [
        "Oferta de empleo: se buscan azafatas para eventos en el extranjero, viaje y alojamiento pagados, sin experiencia, chicas jóvenes bienvenidas. Dinero rápido. {contact}",
        "Agencia busca modelos para sesiones de fotos en {city} y en el extranjero, visado y vuelo incluidos, cuota de inscripción 150 €. {contact}",
    ],
    "social": [
        "nueva en {city} este finde {emoji} escríbeme {contact}",
        "¿quién quiere ganar dinero fácil esta noche? {emoji} DM {contact}",
        "busco sitio para dormir unas noches en {city}, no vuelvo a casa. {contact}",
    ],
    "decoy": {
        "furniture": ["Vendo sofá de tres plazas gris, muy buen estado, {price_plain}. Recogida en {city}. {contact}",
                      "Lote de 4 sillas de madera, {price_plain} el lote, {city}. {contact}"],
        "rental": ["Alquilo estudio amueblado de 25 m², cerca del metro, {city}, {price_plain} al mes con gastos incluidos. {contact}"],
        "cat": ["Perdido gato atigrado gris, se llama Chispa, zona estación de {city}. Se gratificará. {contact}"],
        "bike": ["Vendo bici de paseo de 28 pulgadas con cesta, {price_plain}, {city}. {contact}"],
        "tutor": ["Estudiante de máster da clases de matemáticas y física, bachillerato, {city}, {price_plain} la hora. {contact}"],
        "massage": ["Clínica de fisioterapia en {city}: masaje deportivo con cita previa, fisioterapeuta colegiada. {contact}"],
    },
    "filler": ["No contesto números ocultos.", "Fotos recientes.", "Abstenerse curiosos.", "Anuncio actualizado hoy.", "Respondo rápido."],
}

T["ro"] = {
    "age": "{n} ani",
    "price": ["{p} lei jumătate de oră", "{r} 🌹 pe oră", "{p}€ / 30 min", "de la {p} €"],
    "contact": ["Tel. {c}", "Sună sau scrie la {c}", "Telefon: {c}", "Contact {c}", "WhatsApp {c}"],
    "email": ["E-mail: {c}", "Scrie-mi la {c}", "Mail {c}"],
    "wallet": ["Avans în cripto: {c}", "Rezervare cu avans {chain} {c}"],
    "iban": ["Avans prin transfer, IBAN {c}", "Transfer în contul {c}"],
    "hub": ["Asistență site anunțuri: {c}", "Serviciu clienți {c} (luni-vineri)"],
    "esc_title": ["{name}, {age} — {ind} {emoji}", "{emoji} {name} {ind} în {city}", "{name} {emoji} {city}"],
    "esc_body": [
        "Bună, sunt {name}, {age}, {ind}. {ind2}. {price}. {contact}",
        "{name} {emoji} {ind} în {city}. {ind2}. {price}. {contact}",
        "Salut, aici {name} {emoji}, {ind}. {ind2}. {contact}. {price}.",
    ],
    "job": [
        "Ofertă de muncă: căutăm hostess pentru evenimente în străinătate, drum și cazare plătite, fără experiență, fete tinere binevenite. Câștig rapid. {contact}",
        "Agenție recrutează modele pentru ședințe foto în {city} și în străinătate, viză și bilet de avion asigurate, taxă de înscriere 150 €. {contact}",
    ],
    "social": [
        "nouă în {city} weekendul ăsta {emoji} scrie-mi {contact}",
        "cine vrea bani ușori în seara asta? {emoji} DM {contact}",
        "caut un loc unde să dorm câteva nopți în {city}, nu mă întorc acasă. {contact}",
    ],
    "decoy": {
        "furniture": ["Vând canapea gri cu trei locuri, stare foarte bună, {price_plain}. Ridicare din {city}. {contact}",
                      "Set 4 scaune din lemn, {price_plain} tot setul, {city}. {contact}"],
        "rental": ["Închiriez garsonieră mobilată 25 mp, lângă metrou, {city}, {price_plain} pe lună cu utilități. {contact}"],
        "cat": ["Pierdut motan tigrat gri, răspunde la numele Pufi, zona gării din {city}. Recompensă. {contact}"],
        "bike": ["Vând bicicletă de oraș 28 inch cu coș, {price_plain}, {city}. {contact}"],
        "tutor": ["Studentă la master dau meditații la matematică și fizică, liceu, {city}, {price_plain} ora. {contact}"],
        "massage": ["Cabinet de fizioterapie în {city}: masaj sportiv cu programare, kinetoterapeut autorizat. {contact}"],
    },
    "filler": ["Nu răspund la numere ascunse.", "Poze recente.", "Doar persoane serioase.", "Anunț actualizat azi.", "Răspund repede."],
}

T["bg"] = {
    "age": "{n} г.",
    "price": ["{p} лв. за половин час", "{r} 🌹 на час", "{p}€ / 30 мин", "от {p} €"],
    "contact": ["Тел. {c}", "Обади се или пиши на {c}", "Телефон: {c}", "Контакт {c}", "Вайбър {c}"],
    "email": ["Имейл: {c}", "Пиши ми на {c}", "Поща {c}"],
    "wallet": ["Капаро в крипто: {c}", "Резервация с капаро в {chain} {c}"],
    "iban": ["Капаро по банков път, IBAN {c}", "Превод по сметка {c}"],
    "hub": ["Поддръжка на сайта за обяви: {c}", "Обслужване на клиенти {c} (пон-пет)"],
    "esc_title": ["{name}, {age} — {ind} {emoji}", "{emoji} {name} {ind} в {city}", "{name} {emoji} {city}"],
    "esc_body": [
        "Здравей, аз съм {name}, {age}, {ind}. {ind2}. {price}. {contact}",
        "{name} {emoji} {ind} в {city}. {ind2}. {price}. {contact}",
        "Здрасти, тук е {name} {emoji}, {ind}. {ind2}. {contact}. {price}.",
    ],
    "job": [
        "Предложение за работа: търсим хостеси за събития в чужбина, платени пътуване и квартира, без опит, млади момичета добре дошли. Бързи пари. {contact}",
        "Агенция набира модели за фотосесии в {city} и в чужбина, виза и самолетен билет осигурени, такса за регистрация 150 €. {contact}",
    ],
    "social": [
        "нова в {city} този уикенд {emoji} пиши ми {contact}",
        "кой иска лесни пари тази вечер? {emoji} DM {contact}",
        "търся място да спя няколко нощи в {city}, не се прибирам вкъщи. {contact}",
    ],
    "decoy": {
        "furniture": ["Продавам сив триместен диван, много добро състояние, {price_plain}. Взимане от {city}. {contact}",
                      "4 дървени стола, {price_plain} за всички, {city}. {contact}"],
        "rental": ["Давам под наем обзаведено студио 25 кв.м, до метрото, {city}, {price_plain} на месец с режийните. {contact}"],
        "cat": ["Изгубен сив тигров котарак, казва се Мърчо, около гарата в {city}. Възнаграждение. {contact}"],
        "bike": ["Продавам градски велосипед 28 цола с кошница, {price_plain}, {city}. {contact}"],
        "tutor": ["Магистърка дава уроци по математика и физика, гимназия, {city}, {price_plain} на час. {contact}"],
        "massage": ["Кабинет по физиотерапия в {city}: спортен масаж с предварителен час, дипломиран рехабилитатор. {contact}"],
    },
    "filler": ["Не отговарям на скрити номера.", "Актуални снимки.", "Само сериозни запитвания.", "Обявата е обновена днес.", "Отговарям бързо."],
}

# Fictional first names per language (common names, no real person meant).
NAMES = {
    "fr": ["Léa", "Chloé", "Manon", "Inès", "Jade", "Lina", "Camille", "Zoé"],
    "en": ["Amy", "Jess", "Kelly", "Holly", "Megan", "Chloe", "Ruby", "Lily"],
    "nl": ["Sanne", "Femke", "Lotte", "Noor", "Fleur", "Iris", "Tess", "Roos"],
    "de": ["Lena", "Mia", "Hanna", "Lea", "Emilia", "Lina", "Marie", "Sophie"],
    "it": ["Giulia", "Chiara", "Sofia", "Aurora", "Martina", "Alice", "Ginevra", "Greta"],
    "es": ["Lucía", "Carla", "Paula", "Martina", "Daniela", "Valeria", "Alba", "Noa"],
    "ro": ["Ioana", "Andreea", "Bianca", "Alexia", "Denisa", "Raluca", "Larisa", "Elena"],
    "bg": ["Мария", "Виктория", "Ралица", "Габриела", "Никол", "Деси", "Ива", "Кристина"],
}

# City -> (region, {lang: local spelling}); default spelling is the key.
CITIES: dict[str, tuple[str, dict[str, str]]] = {
    "Paris": ("FR", {}), "Lyon": ("FR", {}), "Lille": ("FR", {}), "Marseille": ("FR", {}),
    "Bruxelles": ("BE", {"nl": "Brussel", "en": "Brussels", "de": "Brüssel"}),
    "Liège": ("BE", {"nl": "Luik", "de": "Lüttich"}),
    "Antwerpen": ("BE", {"fr": "Anvers", "en": "Antwerp"}),
    "Amsterdam": ("NL", {}), "Rotterdam": ("NL", {}), "Utrecht": ("NL", {}),
    "Köln": ("DE", {"fr": "Cologne", "en": "Cologne", "nl": "Keulen", "it": "Colonia", "es": "Colonia"}),
    "Düsseldorf": ("DE", {}), "Berlin": ("DE", {"it": "Berlino", "ro": "Berlin", "bg": "Берлин"}),
    "München": ("DE", {"fr": "Munich", "en": "Munich", "it": "Monaco di Baviera", "es": "Múnich", "bg": "Мюнхен"}),
    "Wien": ("AT", {"fr": "Vienne", "en": "Vienna", "it": "Vienna", "es": "Viena", "ro": "Viena", "bg": "Виена"}),
    "Milano": ("IT", {"fr": "Milan", "en": "Milan", "es": "Milán", "ro": "Milano", "bg": "Милано"}),
    "Roma": ("IT", {"fr": "Rome", "en": "Rome", "bg": "Рим"}),
    "Torino": ("IT", {"fr": "Turin", "en": "Turin"}),
    "Madrid": ("ES", {"bg": "Мадрид"}), "Barcelona": ("ES", {"fr": "Barcelone", "bg": "Барселона"}),
    "Valencia": ("ES", {}),
    "București": ("RO", {"fr": "Bucarest", "en": "Bucharest", "it": "Bucarest", "es": "Bucarest", "bg": "Букурещ"}),
    "Cluj-Napoca": ("RO", {}), "Constanța": ("RO", {"bg": "Констанца"}),
    "София": ("BG", {"fr": "Sofia", "en": "Sofia", "nl": "Sofia", "de": "Sofia", "it": "Sofia", "es": "Sofía", "ro": "Sofia"}),
    "Пловдив": ("BG", {"fr": "Plovdiv", "en": "Plovdiv", "de": "Plowdiw", "ro": "Plovdiv", "it": "Plovdiv", "es": "Plovdiv", "nl": "Plovdiv"}),
    "Варна": ("BG", {"fr": "Varna", "en": "Varna", "de": "Warna", "ro": "Varna", "it": "Varna", "es": "Varna", "nl": "Varna"}),
    "London": ("GB", {"fr": "Londres", "it": "Londra", "es": "Londres", "ro": "Londra", "bg": "Лондон", "nl": "Londen"}),
}

REGION_LANG = {"FR": "fr", "BE": "fr", "NL": "nl", "DE": "de", "AT": "de", "IT": "it", "ES": "es",
               "RO": "ro", "BG": "bg", "GB": "en", "LU": "fr", "CH": "de"}
LANG_REGIONS = {"fr": ["FR", "BE"], "en": ["GB"], "nl": ["NL", "BE"], "de": ["DE", "AT"], "it": ["IT"],
                "es": ["ES"], "ro": ["RO"], "bg": ["BG"]}
CURRENCY = {"RO": "lei", "BG": "лв."}


def city_name(city: str, lang: str) -> str:
    return CITIES[city][1].get(lang, city)


def cities_of(region: str) -> list[str]:
    return [c for c, (r, _) in CITIES.items() if r == region]
