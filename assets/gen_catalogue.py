#!/usr/bin/env python3
"""Generate the JupiterEsims SAMPLE eSIM catalogue (assets/catalogue.json).

Everything here is fictional sample data: network names are invented, prices are
made up (but internally consistent). The output is deterministic: every random
choice comes from a seeded random.Random, and nothing depends on the clock.

Usage:
  python3 assets/gen_catalogue.py                         # writes assets/catalogue.json
  python3 assets/gen_catalogue.py --out PATH              # same catalogue, other path
  python3 assets/gen_catalogue.py --plans 20000 --out PATH   # scaled catalogue for benchmarks
  python3 assets/gen_catalogue.py --broken --out PATH     # small catalogue + deliberately broken plans
  python3 assets/gen_catalogue.py --check PATH            # validate a file, print counts

Python 3 standard library only.
"""

import argparse
import json
import math
import os
import random
import re
import sys
import unicodedata

SCHEMA = 1
VERSION = "2026-11-sample-1"
NOTICE = "Sample data for development and tests: networks, prices and plans are fictional."
SEED = 20261101

CURRENCIES = ("USD", "EUR", "GBP")
# Fixed conversion rates from USD (sample data, not market rates).
RATES = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79}
FEATURES = ("5g", "hotspot", "topup", "voice", "sms")
SCOPES = ("local", "regional", "global")
VALIDITY_STARTS = ("first_connection", "installation", "purchase")
PLAN_KEYS_REQUIRED = ("id", "name", "scope", "coverage", "networks", "data", "validity_days",
                      "validity_start", "prices", "features")
ID_RE = re.compile(r"^[a-z0-9-]{1,64}$")
CODE_RE = re.compile(r"^[A-Z]{2}$")

REGIONS = [
    ("europe", "Europe"),
    ("asia", "Asia"),
    ("middle-east", "Middle East"),
    ("africa", "Africa"),
    ("americas", "Americas"),
    ("caribbean", "Caribbean"),
    ("oceania", "Oceania"),
]

# code|name|region|market|cost|network themes|aliases
#   market: L = large (5G, full plan range), M = medium, S = small
#   cost:   1 (cheap) .. 6 (very expensive), see COST_FACTOR
#   themes: invented words; each becomes one fictional network ("<theme> <suffix>")
DESTINATIONS_TABLE = """
AL|Albania|europe|S|2|Eagle Coast,Butrint|
AD|Andorra|europe|S|4|Pyrenees|
AT|Austria|europe|L|3|Edelweiss,Danube,Tyrol|Österreich
BY|Belarus|europe|S|2|Bison,Linen Field|
BE|Belgium|europe|L|3|Ardennes,Scheldt,Brabant|
BA|Bosnia and Herzegovina|europe|S|2|Neretva,Una Valley|Bosnia
BG|Bulgaria|europe|M|2|Rila,Rhodope|
HR|Croatia|europe|M|3|Adriatic,Dalmatia|Hrvatska
CY|Cyprus|europe|M|3|Troodos,Copper Isle|
CZ|Czechia|europe|L|3|Bohemia,Vltava|Czech Republic
DK|Denmark|europe|L|3|Jutland,Kattegat|Danmark
EE|Estonia|europe|M|3|Saaremaa,Peipus|Eesti
FO|Faroe Islands|europe|S|5|Mykines|Faroes
FI|Finland|europe|L|3|Lakeland,Revontuli|Suomi
FR|France|europe|L|3|Lavande,Seine,Provence|
DE|Germany|europe|L|3|Rhein,Harz,Elbe|Deutschland
GI|Gibraltar|europe|S|4|Barbary|
GR|Greece|europe|L|3|Aegean,Olive Grove|Hellas
GG|Guernsey|europe|S|4|Sarnia|
HU|Hungary|europe|M|2|Balaton,Tisza|Magyarország
IS|Iceland|europe|M|4|Geysir,Hekla|Ísland
IE|Ireland|europe|L|3|Shamrock,Liffey|Éire;Republic of Ireland
IM|Isle of Man|europe|S|4|Snaefell|
IT|Italy|europe|L|3|Vesuvio,Tevere,Dolomiti|Italia
JE|Jersey|europe|S|4|Gorey|
LV|Latvia|europe|M|2|Daugava,Gauja|Latvija
LI|Liechtenstein|europe|S|4|Alpenrhein|
LT|Lithuania|europe|M|2|Amber Coast,Neris|Lietuva
LU|Luxembourg|europe|M|3|Moselle,Mullerthal|
MT|Malta|europe|M|3|Gozo,Azure Bay|
MD|Moldova|europe|S|2|Nistru,Codru|Republic of Moldova
MC|Monaco|europe|S|5|Riviera|Monte Carlo
ME|Montenegro|europe|S|2|Lovcen,Tara Canyon|
NL|Netherlands|europe|L|3|Tulip,Polder,Delta|Holland;The Netherlands
MK|North Macedonia|europe|S|2|Ohrid,Vardar|Macedonia
NO|Norway|europe|L|4|Fjord,Nordlys|Norge
PL|Poland|europe|L|2|Vistula,Tatra,Mazury|Polska
PT|Portugal|europe|L|3|Azulejo,Douro,Algarve|
RO|Romania|europe|M|2|Carpathia,Transilvania|
RU|Russia|europe|L|2|Volga,Taiga,Baikal|Russian Federation
SM|San Marino|europe|S|4|Titano|
RS|Serbia|europe|M|2|Morava,Sava|Srbija
SK|Slovakia|europe|M|2|Hron,Javorina|Slovak Republic
SI|Slovenia|europe|M|3|Triglav,Soca|Slovenija
ES|Spain|europe|L|3|Meseta,Costa,Sierra|España;Espana
SE|Sweden|europe|L|3|Skargard,Lagom|Sverige
CH|Switzerland|europe|L|5|Alpenglow,Jungfrau|Schweiz;Suisse;Svizzera
UA|Ukraine|europe|M|1|Dnipro,Sunflower|
GB|United Kingdom|europe|L|3|Thames,Heather,Lionheart|UK;United Kingdom of Great Britain and Northern Ireland;Great Britain;Britain;England;Scotland;Wales;Northern Ireland
VA|Vatican City|europe|S|4|Basilica|Vatican;Holy See
TR|Türkiye|europe|L|2|Bosphorus,Anatolia,Cappadocia|Turkey;Turkiye
JP|Japan|asia|L|4|Fuji,Koi,Hanami|Nippon;Nihon
KR|South Korea|asia|L|3|Hallasan,Magpie|Korea;Republic of Korea
CN|China|asia|L|3|Jade,Bamboo,Lantern|Mainland China;People's Republic of China
HK|Hong Kong|asia|L|3|Harbourfront,Victoria Peak|
MO|Macao|asia|M|3|Cotai,Senado|Macau
TW|Taiwan|asia|L|3|Alishan,Yushan|
MN|Mongolia|asia|S|2|Steppe,Gobi|
IN|India|asia|L|1|Ganga,Monsoon,Banyan|Bharat
PK|Pakistan|asia|M|1|Indus,Karakoram|
BD|Bangladesh|asia|M|1|Padma,Mangrove|
LK|Sri Lanka|asia|M|2|Ceylon Leaf,Sigiriya|Ceylon
NP|Nepal|asia|M|2|Himalaya,Annapurna|
BT|Bhutan|asia|S|3|Paro Valley|
MV|Maldives|asia|S|4|Atoll,Lagoon|
KZ|Kazakhstan|asia|M|2|Altai,Charyn|
UZ|Uzbekistan|asia|M|1|Registan,Zarafshan|
KG|Kyrgyzstan|asia|S|1|Tian Shan,Issyk|Kyrgyz Republic
TJ|Tajikistan|asia|S|2|Pamir|
TH|Thailand|asia|L|2|Chao Phraya,Orchid|
VN|Vietnam|asia|L|1|Ha Long,Lotus|Viet Nam
KH|Cambodia|asia|M|2|Angkor,Tonle|Kampuchea
LA|Laos|asia|S|2|Mekong|Lao PDR
MM|Myanmar|asia|M|2|Irrawaddy,Bagan|Burma
MY|Malaysia|asia|L|2|Hibiscus,Kinabalu|
SG|Singapore|asia|L|3|Merlion,Marina|
ID|Indonesia|asia|L|2|Nusantara,Komodo,Borobudur|Bali
PH|Philippines|asia|L|2|Sampaguita,Visayas|
BN|Brunei|asia|S|3|Belait|Brunei Darussalam
TL|Timor-Leste|asia|S|3|Atauro|East Timor
GE|Georgia|asia|M|2|Kazbegi,Supra|Sakartvelo
AM|Armenia|asia|S|2|Ararat,Sevan|
AZ|Azerbaijan|asia|S|2|Caspian,Gobustan|
AE|United Arab Emirates|middle-east|L|4|Oasis,Dune,Falcon|UAE;Dubai;Abu Dhabi;Emirates
SA|Saudi Arabia|middle-east|L|3|Najd,Red Sea|KSA
QA|Qatar|middle-east|M|4|Pearl Bay,Dhow|
KW|Kuwait|middle-east|M|3|Failaka|
BH|Bahrain|middle-east|M|3|Dilmun|
OM|Oman|middle-east|M|3|Frankincense,Wadi|
JO|Jordan|middle-east|M|3|Petra,Wadi Rum|
IL|Israel|middle-east|L|3|Galilee,Negev|
PS|Palestine|middle-east|S|2|Olive Tree|Palestinian Territories;West Bank
LB|Lebanon|middle-east|S|3|Cedar|
IQ|Iraq|middle-east|M|2|Tigris,Babylon|
EG|Egypt|middle-east|L|1|Nile,Papyrus|
MA|Morocco|africa|L|2|Atlas,Medina|Maroc
DZ|Algeria|africa|M|2|Hoggar,Tassili|
TN|Tunisia|africa|M|2|Carthage,Jasmine|
LY|Libya|africa|S|4|Cyrene|
SD|Sudan|africa|S|3|Meroe|
SS|South Sudan|africa|S|5|Sudd|
ET|Ethiopia|africa|M|2|Simien,Blue Nile|
DJ|Djibouti|africa|S|4|Lac Assal|
KE|Kenya|africa|L|2|Savanna,Rift Valley|
UG|Uganda|africa|M|2|Rwenzori,Crane|
TZ|Tanzania|africa|M|2|Kilimanjaro,Serengeti|Zanzibar
RW|Rwanda|africa|M|2|Imigongo,Akagera|
BI|Burundi|africa|S|3|Tanganyika|
CD|DR Congo|africa|M|4|Kivu,Okapi|Democratic Republic of the Congo;Congo-Kinshasa;DRC;Zaire
CG|Congo|africa|S|4|Sangha|Republic of the Congo;Congo-Brazzaville
GA|Gabon|africa|S|4|Lope|
CM|Cameroon|africa|M|3|Sanaga,Waza|
TD|Chad|africa|S|5|Ennedi|
NE|Niger|africa|S|4|Tenere|
NG|Nigeria|africa|L|2|Benue,Olumo|Naija
GH|Ghana|africa|M|2|Kente,Volta|
CI|Côte d'Ivoire|africa|M|3|Lagune,Akwaba|Ivory Coast;Cote d'Ivoire
BF|Burkina Faso|africa|S|3|Karite|
ML|Mali|africa|S|3|Djenne|
SN|Senegal|africa|M|3|Teranga,Baobab|
GM|Gambia|africa|S|3|Kachikally|The Gambia
GW|Guinea-Bissau|africa|S|4|Bijagos|
GN|Guinea|africa|S|4|Fouta|Guinea-Conakry
SL|Sierra Leone|africa|S|4|Tiwai|
LR|Liberia|africa|S|4|Pepper Coast|
TG|Togo|africa|S|3|Kpalime|
BJ|Benin|africa|S|3|Ouidah|
MR|Mauritania|africa|S|4|Arguin|
CV|Cabo Verde|africa|S|4|Morabeza|Cape Verde
GQ|Equatorial Guinea|africa|S|5|Bioko|
ST|São Tomé and Príncipe|africa|S|5|Obo|Sao Tome and Principe;Sao Tome
AO|Angola|africa|M|3|Kalandula,Benguela|
ZM|Zambia|africa|S|3|Zambezi,Kafue|
ZW|Zimbabwe|africa|S|3|Mosi,Hwange|
MW|Malawi|africa|S|3|Chambo,Zomba|
MZ|Mozambique|africa|S|3|Bazaruto,Limpopo|
BW|Botswana|africa|S|3|Okavango,Kalahari|
NA|Namibia|africa|S|3|Namib,Etosha|
ZA|South Africa|africa|L|2|Protea,Karoo,Drakensberg|RSA
LS|Lesotho|africa|S|4|Sani Pass|
SZ|Eswatini|africa|S|4|Lubombo|Swaziland
MG|Madagascar|africa|S|3|Lemur,Tsingy|
MU|Mauritius|africa|M|3|Dodo,Chamarel|
SC|Seychelles|africa|S|4|Coco de Mer|
KM|Comoros|africa|S|5|Karthala|
RE|Réunion|africa|S|3|Fournaise,Cirque|Reunion
US|United States|americas|L|4|Redwood,Prairie,Lakeshore|USA;US;United States of America;America
CA|Canada|americas|L|4|Maple,Tundra,Loon|
MX|Mexico|americas|L|2|Agave,Sierra Madre|México
GT|Guatemala|americas|S|2|Quetzal,Atitlan|
BZ|Belize|americas|S|3|Blue Hole|
SV|El Salvador|americas|S|2|Izalco|
HN|Honduras|americas|S|2|Copan,Roatan|
NI|Nicaragua|americas|S|2|Momotombo|
CR|Costa Rica|americas|M|3|Arenal,Tortuga|
PA|Panama|americas|M|3|Isthmus,Boquete|
CO|Colombia|americas|L|2|Cafetal,Magdalena|
VE|Venezuela|americas|S|3|Orinoco,Roraima|
EC|Ecuador|americas|M|2|Cotopaxi,Galapagos|
PE|Peru|americas|L|2|Condor,Titicaca|Perú
BO|Bolivia|americas|S|2|Altiplano,Uyuni|
BR|Brazil|americas|L|2|Amazonia,Sabia,Pantanal|Brasil
PY|Paraguay|americas|S|2|Nanduti|
UY|Uruguay|americas|S|3|Rambla|
AR|Argentina|americas|L|2|Pampa,Milonga,Patagonia|
CL|Chile|americas|L|3|Atacama,Copihue|
GY|Guyana|americas|S|3|Kaieteur|
SR|Suriname|americas|S|3|Saramacca|
GF|French Guiana|americas|S|4|Maroni|Guyane
CU|Cuba|caribbean|S|4|Malecon,Ceiba|
JM|Jamaica|caribbean|M|3|Blue Mountain,Doctor Bird|
HT|Haiti|caribbean|S|3|Citadelle|
DO|Dominican Republic|caribbean|M|2|Quisqueya,Larimar|
PR|Puerto Rico|caribbean|M|3|Coqui,Yunque|
BS|Bahamas|caribbean|S|4|Conch,Exuma|The Bahamas
BB|Barbados|caribbean|S|4|Bajan|
TT|Trinidad and Tobago|caribbean|S|3|Steelpan,Ibis|Trinidad;Tobago
DM|Dominica|caribbean|S|4|Sisserou|
GD|Grenada|caribbean|S|4|Nutmeg|
LC|Saint Lucia|caribbean|S|4|Pitons|St Lucia
VC|Saint Vincent and the Grenadines|caribbean|S|4|Bequia|St Vincent;St Vincent and the Grenadines
KN|Saint Kitts and Nevis|caribbean|S|4|Brimstone|St Kitts;St Kitts and Nevis
AG|Antigua and Barbuda|caribbean|S|4|Frigatebird|Antigua
AW|Aruba|caribbean|S|4|Arikok|
CW|Curaçao|caribbean|S|4|Handelskade|Curacao
KY|Cayman Islands|caribbean|S|4|Stingray|Cayman;Grand Cayman
VG|British Virgin Islands|caribbean|S|5|Tortola|BVI
VI|U.S. Virgin Islands|caribbean|S|4|Buck Island|USVI;US Virgin Islands
TC|Turks and Caicos Islands|caribbean|S|5|Grace Bay|Turks and Caicos
AI|Anguilla|caribbean|S|5|Shoal Bay|
MS|Montserrat|caribbean|S|5|Soufriere|
BM|Bermuda|caribbean|S|5|Longtail|
MQ|Martinique|caribbean|S|4|Madinina|
GP|Guadeloupe|caribbean|S|4|Karukera|
SX|Sint Maarten|caribbean|S|4|Maho|
MF|Saint Martin|caribbean|S|4|Orient Bay|St Martin
BL|Saint Barthélemy|caribbean|S|5|Gustavia|St Barts;St Barths;Saint Barthelemy
BQ|Caribbean Netherlands|caribbean|S|5|Flamingo|Bonaire;Sint Eustatius;Saba
AU|Australia|oceania|L|4|Wattle,Outback,Coral Sea|
NZ|New Zealand|oceania|L|4|Kowhai,Silver Fern|Aotearoa
FJ|Fiji|oceania|M|4|Bula,Taveuni|
PG|Papua New Guinea|oceania|S|5|Kokoda,Sepik|PNG
SB|Solomon Islands|oceania|S|5|Marovo|
VU|Vanuatu|oceania|S|5|Yasur|
WS|Samoa|oceania|S|5|Upolu|
TO|Tonga|oceania|S|5|Tongatapu|
NC|New Caledonia|oceania|S|5|Kagu|Nouvelle-Calédonie
PF|French Polynesia|oceania|S|5|Tiare|Tahiti
GU|Guam|oceania|S|4|Tumon|
MP|Northern Mariana Islands|oceania|S|5|Managaha|Saipan
PW|Palau|oceania|S|5|Rock Islands|
FM|Micronesia|oceania|S|5|Nan Madol|Federated States of Micronesia
"""

COST_FACTOR = {1: 0.62, 2: 0.8, 3: 1.0, 4: 1.3, 5: 1.75, 6: 2.4}
NETWORK_SUFFIXES = ("Mobile", "Net", "Link", "Connect", "Cell", "Wireless", "Wave", "Signal", "Telecom", "Air")

FAIR_USE = {
    1: "Full speed for the first 1 GB each day, then 512 kbps.",
    2: "Full speed for the first 2 GB each day, then 1 Mbps.",
    3: "Full speed for the first 3 GB each day, then 1.5 Mbps.",
    5: "Full speed for the first 5 GB each day, then 3 Mbps.",
}

# Pricing model (USD, before rounding):
#   limited:   BASE_1GB * cost * gb ** SIZE_EXP * validity_factor(days)   (price per GB falls with size)
#   unlimited: UNL_PER_DAY * cost * days ** UNL_DAY_EXP
BASE_1GB = 4.5
SIZE_EXP = 0.62
UNL_PER_DAY = 3.8
UNL_DAY_EXP = 0.82

EU27 = ("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE").split()
EEA_EXTRA = ("IS LI NO").split()

# Regional bundles: (id prefix, display name, region, coverage (None = whole region), size set)
SIZE_SETS = {
    "full": [(1, 7), (3, 15), (5, 30), (10, 30), (20, 30), (50, 30), ("U", 7), ("U", 15), ("U", 30)],
    "wide": [(1, 7), (3, 15), (5, 30), (10, 30), (20, 30), ("U", 15)],
    "mid": [(1, 7), (3, 15), (5, 30), (10, 30), (20, 30)],
    "small": [(1, 7), (3, 30), (5, 30), (10, 30)],
}


def region_bundles(dest_by_code):
    def region_codes(region, exclude=()):
        return [c for c, d in dest_by_code.items() if d["region"] == region and c not in exclude]

    europe = EU27 + EEA_EXTRA + ["GB", "CH"]
    return [
        ("europe", "Europe", "europe", europe, "full"),
        ("europe-plus", "Europe Plus", "europe", region_codes("europe", exclude=("RU", "BY")), "wide"),
        ("nordics", "Nordics", "europe", "DK FI IS NO SE FO".split(), "small"),
        ("balkans", "Balkans", "europe", "AL BA BG HR ME MK RS SI".split(), "small"),
        ("asia", "Asia", "asia", "JP KR CN HK MO TW TH VN KH LA MY SG ID PH IN LK NP BD".split(), "full"),
        ("southeast-asia", "Southeast Asia", "asia", "TH VN KH LA MM MY SG ID PH BN".split(), "wide"),
        ("east-asia", "East Asia", "asia", "JP KR CN HK MO TW".split(), "mid"),
        ("south-asia", "South Asia", "asia", "IN PK BD LK NP BT MV".split(), "small"),
        ("central-asia", "Central Asia", "asia", "KZ UZ KG TJ".split(), "small"),
        ("caucasus", "Caucasus", "asia", "GE AM AZ".split(), "small"),
        ("middle-east", "Middle East", "middle-east", region_codes("middle-east"), "mid"),
        ("gulf", "Gulf States", "middle-east", "AE SA QA KW BH OM".split(), "mid"),
        ("africa", "Africa", "africa",
         [c for c in region_codes("africa") if dest_by_code[c]["cost"] <= 4], "mid"),
        ("east-africa", "East Africa", "africa", "KE UG TZ RW BI ET".split(), "small"),
        ("west-africa", "West Africa", "africa", "NG GH CI SN BF ML BJ TG NE GM GN SL LR GW".split(), "small"),
        ("southern-africa", "Southern Africa", "africa", "ZA BW NA ZM ZW MZ MW LS SZ".split(), "small"),
        ("maghreb", "Maghreb", "africa", "MA DZ TN LY".split(), "small"),
        ("americas", "Americas", "americas", region_codes("americas"), "wide"),
        ("north-america", "North America", "americas", "US CA MX".split(), "full"),
        ("latin-america", "Latin America", "americas", region_codes("americas", exclude=("US", "CA")), "mid"),
        ("central-america", "Central America", "americas", "GT BZ SV HN NI CR PA".split(), "small"),
        ("south-america", "South America", "americas", "CO VE EC PE BO BR PY UY AR CL GY SR GF".split(), "mid"),
        ("caribbean", "Caribbean", "caribbean", region_codes("caribbean"), "mid"),
        ("australia-new-zealand", "Australia & New Zealand", "oceania", "AU NZ".split(), "mid"),
        ("pacific-islands", "Pacific Islands", "oceania", "FJ PG SB VU WS TO NC PF GU MP PW FM".split(), "small"),
        ("oceania", "Oceania", "oceania", region_codes("oceania"), "small"),
    ]


# ---------------------------------------------------------------------------------------------------------------------
# Helpers


def parse_destinations():
    out = []
    for line in DESTINATIONS_TABLE.strip().splitlines():
        code, name, region, market, cost, themes, aliases = line.split("|")
        out.append({
            "code": code,
            "name": name,
            "region": region,
            "market": market,
            "cost": int(cost),
            "themes": [t for t in themes.split(",") if t],
            "aliases": [a for a in aliases.split(";") if a],
        })
    return out


def round99(amount):
    """A price in major units -> integer minor units ending in 99 (x.99), at least 0.99."""
    return max(1, int(math.floor(amount + 0.5))) * 100 - 1


def validity_factor(days):
    return max(0.85, 1.0 + 0.1 * math.log(days / 7.0))


def usd_price(gb, days, cost):
    """Unrounded USD price. gb == "U" means unlimited."""
    if gb == "U":
        return UNL_PER_DAY * cost * days ** UNL_DAY_EXP
    return BASE_1GB * cost * gb ** SIZE_EXP * validity_factor(days)


def size_mb(gb):
    return 500 if gb == 0.5 else int(gb * 1024)


def size_label(gb):
    if gb == "U":
        return "unlimited", "Unlimited"
    if gb == 0.5:
        return "500mb", "500 MB"
    return "%dgb" % gb, "%d GB" % gb


def days_text(days):
    return "1 day" if days == 1 else "%d days" % days


def name_key(name):
    """Sort key for English names: accents folded ("Côte d'Ivoire" sorts with "Costa Rica")."""
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return (folded.casefold(), name)


def sort_features(fs):
    return [f for f in FEATURES if f in fs]


def pick_validity_start(rng):
    r = rng.random()
    if r < 0.80:
        return "first_connection"
    if r < 0.95:
        return "installation"
    return "purchase"


def enforce_price_order(plans):
    """Within one group of plans (one destination or one bundle), per currency: a plan with more data (and at least
    as many days) costs strictly more (ties are bumped by 1.00); one with the same data and more days never costs
    less."""
    def key(p):
        d = p["data"]
        return (1 if d.get("unlimited") else 0, d.get("mb", 0), p["validity_days"])

    ordered = sorted(plans, key=key)
    for cur in CURRENCIES:
        for i, p in enumerate(ordered):
            ki = key(p)
            floor = 0  # p must cost more than this
            at_least = 0  # p must cost at least this
            for q in ordered[:i]:
                kq = key(q)
                if kq[0] != ki[0] or kq[2] > ki[2] or kq == ki:
                    continue
                if kq[1] < ki[1]:
                    floor = max(floor, q["prices"][cur])
                elif kq[1] == ki[1]:
                    at_least = max(at_least, q["prices"][cur])
            if p["prices"][cur] <= floor:
                p["prices"][cur] = floor + 100
            if p["prices"][cur] < at_least:
                p["prices"][cur] = at_least


def make_prices(usd):
    usd_minor = round99(usd)
    prices = {"USD": usd_minor}
    for cur in ("EUR", "GBP"):
        prices[cur] = round99((usd_minor + 1) / 100.0 * RATES[cur])
    return prices


# ---------------------------------------------------------------------------------------------------------------------
# Generation


class Generator:
    def __init__(self, seed=SEED):
        self.rng = random.Random(seed)
        self.dests = parse_destinations()
        self.by_code = {d["code"]: d for d in self.dests}
        self._assign_networks()
        self._assign_traits()

    def _assign_networks(self):
        used = set()
        for d in self.dests:
            nets = []
            suffixes = list(NETWORK_SUFFIXES)
            self.rng.shuffle(suffixes)
            for i, theme in enumerate(d["themes"]):
                name = "%s %s" % (theme, suffixes[i % len(suffixes)])
                while name in used:
                    name = "%s %s" % (theme, self.rng.choice(NETWORK_SUFFIXES))
                used.add(name)
                nets.append(name)
            d["networks"] = nets

    def _assign_traits(self):
        rng = self.rng
        for d in self.dests:
            m = d["market"]
            d["jitter"] = rng.uniform(0.94, 1.06)
            d["factor"] = COST_FACTOR[d["cost"]] * d["jitter"]
            d["has5g"] = m == "L" or (m == "M" and rng.random() < 0.45) or (m == "S" and rng.random() < 0.08)
            d["voice"] = rng.random() < (0.18 if m == "L" else 0.06)
            d["fair_use"] = FAIR_USE[rng.choice((2, 3, 5) if m == "L" else (1, 2, 2, 3))]

    # -- local plans -------------------------------------------------------------------------------------------------

    def local_sizes(self, d):
        rng = self.rng
        m = d["market"]
        if m == "L":
            sizes = [(1, 7), (3, 15), (5, 30), (10, 30), (20, 30), (50, 30)]
            extra = rng.choice([[], [], [(1, 30)], [(3, 30)], [(100, 60)]])
            unl = [7, 15, 30] if (d["code"] == "JP" or rng.random() < 0.85) else [7]
        elif m == "M":
            sizes = [(1, 7), (3, 15), (5, 30), (10, 30), (20, 30)]
            extra = [(50, 30)] if rng.random() < 0.3 else []
            r = rng.random()
            unl = [7, 15] if r < 0.2 else ([7] if r < 0.45 else [])
        else:
            sizes = [(1, 7), (3, 15), (5, 30), (10, 30)]
            r = rng.random()
            extra = [(20, 30)] if r < 0.2 else ([(0.5, 3)] if r < 0.3 else [])
            unl = []
        out = sorted(set(sizes + extra), key=lambda s: (s[0], s[1]))
        return out + [("U", days) for days in unl]

    def local_plan(self, d, gb, days, names_taken):
        rng = self.rng
        label, text = size_label(gb)
        pid = "%s-%s-%dd" % (d["code"].lower(), label, days)
        if gb == "U":
            name = "%s %s, %s" % (d["name"], text, days_text(days))
        else:
            name = "%s %s" % (d["name"], text)
            if name in names_taken:
                name = "%s %s, %s" % (d["name"], text, days_text(days))
        names_taken.add(name)
        nets = d["networks"]
        r = rng.random()
        if len(nets) >= 2 and r < 0.35:
            networks = nets[:2] if len(nets) == 2 or rng.random() < 0.7 else nets[:3]
        elif len(nets) >= 2 and r < 0.5:
            networks = [rng.choice(nets[1:])]
        else:
            networks = nets[:1]
        data = {"unlimited": True, "fair_use": d["fair_use"]} if gb == "U" else {"mb": size_mb(gb)}
        feats = set()
        big = gb == "U" or gb >= 3
        if d["has5g"] and big:
            feats.add("5g")
        if rng.random() < (0.4 if gb == "U" else 0.88):
            feats.add("hotspot")
        if rng.random() < (0.3 if gb == "U" else 0.8):
            feats.add("topup")
        if d["voice"] and gb != "U" and gb >= 10:
            feats.add("sms")
            if rng.random() < 0.7:
                feats.add("voice")
        return {
            "id": pid,
            "name": name,
            "scope": "local",
            "coverage": [d["code"]],
            "networks": networks,
            "data": data,
            "validity_days": days,
            "validity_start": pick_validity_start(rng),
            "prices": make_prices(usd_price(gb, days, d["factor"])),
            "features": sort_features(feats),
        }

    # -- multi-country plans ----------------------------------------------------------------------------------------

    def bundle_networks(self, coverage):
        # The first network of the largest, then cheapest covered markets; 2..4 of them.
        rank = {"L": 0, "M": 1, "S": 2}
        ordered = sorted(coverage, key=lambda c: (rank[self.by_code[c]["market"]], self.by_code[c]["cost"], c))
        n = min(len(ordered), self.rng.choice((2, 3, 4, 4)))
        return [self.by_code[c]["networks"][0] for c in ordered[:n]]

    def bundle_plan(self, prefix, title, scope, region, coverage, gb, days, networks, premium):
        rng = self.rng
        label, text = size_label(gb)
        pid = "%s-%s-%dd" % (prefix, label, days)
        name = "%s %s, %s" % (title, text, days_text(days))
        covered = [self.by_code[c] for c in coverage]
        mean_factor = sum(d["factor"] for d in covered) / len(covered)
        factor = min(mean_factor, 1.6) * min(1.8, 1.1 + 0.004 * len(coverage)) * premium
        share5g = sum(1 for d in covered if d["has5g"]) / len(covered)
        fair = FAIR_USE[2 if len(coverage) > 10 else 3]
        data = {"unlimited": True, "fair_use": fair} if gb == "U" else {"mb": size_mb(gb)}
        feats = set()
        if share5g >= 0.5 and (gb == "U" or gb >= 3):
            feats.add("5g")
        if rng.random() < (0.35 if gb == "U" else 0.85):
            feats.add("hotspot")
        if rng.random() < (0.3 if gb == "U" else 0.85):
            feats.add("topup")
        plan = {
            "id": pid,
            "name": name,
            "scope": scope,
        }
        if scope == "regional":
            plan["region"] = region
        plan.update({
            "coverage": sorted(coverage),
            "networks": networks,
            "data": data,
            "validity_days": days,
            "validity_start": pick_validity_start(rng),
            "prices": make_prices(usd_price(gb, days, factor)),
            "features": sort_features(feats),
        })
        return plan

    def global_bundles(self):
        everything = sorted(self.by_code)
        core = sorted(c for c, d in self.by_code.items() if d["cost"] <= 4 and d["market"] in ("L", "M"))
        # Add the cheaper small markets until "Global" reaches well over 100 destinations.
        small = sorted((c for c, d in self.by_code.items() if d["market"] == "S" and d["cost"] <= 3))
        core = sorted(set(core) | set(small))
        return [
            ("global", "Global", core, [(1, 7), (3, 30), (5, 30), (10, 30), (20, 60)], 1.0),
            ("global-plus", "Global Plus", everything, [(3, 30), (10, 60), (20, 90), (50, 180)], 1.1),
        ]

    # -- whole catalogue ---------------------------------------------------------------------------------------------

    def build(self):
        groups = []  # lists of plans, one per destination / bundle (for price ordering)
        for d in sorted(self.dests, key=lambda d: d["code"]):
            names = set()
            groups.append([self.local_plan(d, gb, days, names) for gb, days in self.local_sizes(d)])
        self.bundles = []
        for prefix, title, region, coverage, size_set in region_bundles(self.by_code):
            nets = self.bundle_networks(coverage)
            self.bundles.append((prefix, title, "regional", region, coverage, nets, 1.0))
            groups.append([self.bundle_plan(prefix, title, "regional", region, coverage, gb, days, nets, 1.0)
                           for gb, days in SIZE_SETS[size_set]])
        for prefix, title, coverage, sizes, premium in self.global_bundles():
            nets = self.bundle_networks(coverage)
            self.bundles.append((prefix, title, "global", None, coverage, nets, premium))
            groups.append([self.bundle_plan(prefix, title, "global", None, coverage, gb, days, nets, premium)
                           for gb, days in sizes])
        for g in groups:
            enforce_price_order(g)
        self.groups = groups
        return self.document([p for g in groups for p in g])

    def document(self, plans, version=VERSION, dests=None):
        dests = self.dests if dests is None else dests
        regions_used = {d["region"] for d in dests}
        return {
            "schema": SCHEMA,
            "version": version,
            "notice": NOTICE,
            "regions": [{"id": rid, "name": name} for rid, name in REGIONS if rid in regions_used],
            "destinations": [
                {"code": d["code"], "name": d["name"], "region": d["region"], "aliases": d["aliases"]}
                for d in sorted(dests, key=lambda d: name_key(d["name"]))
            ],
            "plans": plans,
        }

    # -- scaled catalogue (benchmarks) -------------------------------------------------------------------------------

    def build_scaled(self, total):
        base = self.build()
        rng = random.Random(SEED + total)
        taken = {p["id"] for p in base["plans"]}
        need = total - len(taken)
        sizes = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 100]
        days_list = [1, 3, 5, 7, 10, 14, 15, 21, 30, 45, 60, 90, 120, 180, 365]
        unl_days = [1, 2, 3, 5, 7, 10, 14, 15, 21, 30, 45, 60, 90]

        def plausible(gb, days):
            lo = 1 if gb <= 3 else 3 if gb <= 10 else 7 if gb <= 30 else 14
            hi = 30 if gb <= 1 else 90 if gb <= 5 else 365
            return lo <= days <= hi

        combos = [(gb, days) for gb in sizes for days in days_list if plausible(gb, days)]
        combos += [("U", days) for days in unl_days]
        owners = [("local", d) for d in sorted(self.dests, key=lambda d: d["code"])] + [("bundle", b) for b in self.bundles]
        pool = [(oi, c) for oi in range(len(owners)) for c in combos]
        rng.shuffle(pool)
        extra = {i: [] for i in range(len(owners))}
        saved = self.rng
        self.rng = rng
        for oi, (gb, days) in pool:
            if need <= 0:
                break
            kind, o = owners[oi]
            if kind == "local":
                plan = self.local_plan(o, gb, days, set())
                if gb != "U":
                    plan["name"] = "%s %s, %s" % (o["name"], size_label(gb)[1], days_text(days))
            else:
                prefix, title, scope, region, coverage, nets, premium = o
                plan = self.bundle_plan(prefix, title, scope, region, coverage, gb, days, nets, premium)
            if plan["id"] in taken:
                continue
            taken.add(plan["id"])
            extra[oi].append(plan)
            need -= 1
        self.rng = saved
        plans = []
        for oi, group in enumerate(self.groups):
            g = group + extra[oi]
            enforce_price_order(g)
            g.sort(key=lambda p: (1 if p["data"].get("unlimited") else 0, p["data"].get("mb", 0), p["validity_days"]))
            plans.extend(g)
        return self.document(plans, version="%s-scaled-%d" % (VERSION, total))

    # -- broken catalogue (decoder tests) ----------------------------------------------------------------------------

    def build_broken(self, valid_count=40):
        self.build()
        codes = ["JP", "AT", "AU", "GB", "IS", "IE", "NL", "CZ", "US", "NG", "NE", "DM", "DO"]
        dests = [self.by_code[c] for c in codes]
        per_code = {c: [p for g in self.groups for p in g if p["scope"] == "local" and p["coverage"] == [c]]
                    for c in codes}
        valid = []
        # A regional and a global plan, their coverage cut down to this catalogue's destinations.
        eu = [p for g in self.groups for p in g if p["id"] == "europe-5gb-30d"][0]
        eu = dict(eu, coverage=sorted(c for c in eu["coverage"] if c in codes))
        gl = [p for g in self.groups for p in g if p["id"] == "global-10gb-30d"][0]
        gl = dict(gl, coverage=sorted(c for c in gl["coverage"] if c in codes))
        valid += [eu, gl]
        take = {"JP": 6, "AT": 4, "AU": 4, "GB": 3, "US": 3, "IE": 3, "NL": 3}
        for c in codes:
            valid += per_code[c][:take.get(c, 2)]
        valid = valid[:valid_count]
        assert len(valid) == valid_count, len(valid)

        def base(pid, code="JP"):
            src = per_code[code][0]
            p = json.loads(json.dumps(src))
            p["id"] = pid
            return p

        broken = []
        p = base("broken-missing-prices")
        del p["prices"]
        broken.append(("missing prices", p))
        p = base("broken-negative-data", "AT")
        p["data"] = {"mb": -1024}
        broken.append(("negative data mb", p))
        p = base("broken-unknown-currency", "AU")
        p["prices"] = dict(p["prices"], XYZ=999)
        broken.append(("unknown currency code XYZ", p))
        p = base("broken-unknown-country")
        p["coverage"] = ["ZZ"]
        p["name"] = "Nowhere 5 GB"
        broken.append(("unknown country code ZZ", p))
        dup = json.loads(json.dumps(per_code["JP"][1]))
        dup["name"] = dup["name"] + " (duplicate)"
        broken.append(("duplicate id %s (the second occurrence)" % dup["id"], dup))
        p = base("broken-huge-name")
        chunk = "Japan 5 GB huge name "
        p["name"] = (chunk * (102400 // len(chunk) + 1))[:102400]
        broken.append(("huge name (100 KB)", p))
        p = base("broken-validity-string")
        p["validity_days"] = str(p["validity_days"])
        broken.append(("validity_days is a string", p))
        p = base("broken-prices-array", "AT")
        p["prices"] = [p["prices"][c] for c in CURRENCIES]
        broken.append(("prices is an array", p))
        p = base("broken-coverage-string", "AU")
        p["coverage"] = p["coverage"][0]
        broken.append(("coverage is a string", p))
        broken.append(("plan is not an object (a number)", 42))

        # Interleave: after the first ten valid plans (which include the original of the duplicate id), one broken
        # entry after every third valid plan; any left over go at the end.
        plans = []
        bi = 0
        for i, v in enumerate(valid):
            plans.append(v)
            if i >= 9 and (i - 9) % 3 == 0 and bi < len(broken):
                plans.append(broken[bi][1])
                bi += 1
        plans.extend(b for _, b in broken[bi:])
        doc = self.document(plans, version=VERSION + "-broken", dests=dests)
        return doc, len(valid), broken


# ---------------------------------------------------------------------------------------------------------------------
# Output


def js(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def dump(doc):
    """Compact JSON with one region / destination / plan per line."""
    out = ["{"]
    out.append('"schema":%s,' % js(doc["schema"]))
    out.append('"version":%s,' % js(doc["version"]))
    out.append('"notice":%s,' % js(doc["notice"]))
    lists = ("regions", "destinations", "plans")
    for i, key in enumerate(lists):
        out.append('"%s":[' % key)
        out.append(",\n".join(js(x) for x in doc[key]))
        out.append("]" + ("," if i + 1 < len(lists) else ""))
    out.append("}")
    return "\n".join(out) + "\n"


def write(path, doc):
    d = os.path.dirname(path)
    if d:
        os.makedirs(d, exist_ok=True)
    text = dump(doc)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, path)
    return len(text.encode("utf-8"))


# ---------------------------------------------------------------------------------------------------------------------
# Validation


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def short_str(v, max_bytes=120):
    return isinstance(v, str) and 0 < len(v.encode("utf-8")) <= max_bytes


def check_plan(p, region_ids, region_of, seen_ids):
    """Returns a list of problems with one plan entry (empty when valid)."""
    if not isinstance(p, dict):
        return ["not an object"]
    errs = []
    allowed = set(PLAN_KEYS_REQUIRED) | {"region"}
    for k in PLAN_KEYS_REQUIRED:
        if k not in p:
            errs.append("missing %s" % k)
    for k in p:
        if k not in allowed:
            errs.append("unknown key %s" % k)
    pid = p.get("id")
    if not (isinstance(pid, str) and ID_RE.match(pid)):
        errs.append("bad id")
    elif pid in seen_ids:
        errs.append("duplicate id %s" % pid)
    if "name" in p and not short_str(p["name"], 120):
        errs.append("bad name (not a string of 1..120 bytes)")
    scope = p.get("scope")
    if scope not in SCOPES:
        errs.append("bad scope")
    if scope == "regional":
        if p.get("region") not in region_ids:
            errs.append("regional plan without a known region")
    elif "region" in p:
        errs.append("region given for a %s plan" % scope)
    cov = p.get("coverage")
    if "coverage" in p:
        if not (isinstance(cov, list) and cov and all(isinstance(c, str) for c in cov)):
            errs.append("coverage is not a non-empty list of strings")
        else:
            if len(set(cov)) != len(cov):
                errs.append("coverage has duplicates")
            for c in cov:
                if not CODE_RE.match(c) or c not in region_of:
                    errs.append("unknown country code %s" % c[:8])
            if scope == "local" and len(cov) != 1:
                errs.append("local plan must cover exactly one country")
            if scope == "regional" and p.get("region") in region_ids:
                outside = [c for c in cov if region_of.get(c) not in (None, p["region"])]
                if outside:
                    errs.append("regional plan covers countries outside its region: %s" % outside)
    nets = p.get("networks")
    if "networks" in p and not (isinstance(nets, list) and 1 <= len(nets) <= 4 and
                                all(short_str(n, 120) for n in nets) and len(set(nets)) == len(nets)):
        errs.append("networks must be 1..4 unique names")
    data = p.get("data")
    if "data" in p:
        if not isinstance(data, dict):
            errs.append("data is not an object")
        elif set(data) == {"mb"}:
            if not (is_int(data["mb"]) and data["mb"] > 0):
                errs.append("data.mb must be a positive integer")
        elif set(data) == {"unlimited", "fair_use"}:
            if data["unlimited"] is not True or not short_str(data["fair_use"], 512):
                errs.append("bad unlimited data")
        else:
            errs.append("data must be {mb} or {unlimited, fair_use}")
    vd = p.get("validity_days")
    if "validity_days" in p and not (is_int(vd) and 1 <= vd <= 365):
        errs.append("validity_days must be an integer 1..365")
    if "validity_start" in p and p["validity_start"] not in VALIDITY_STARTS:
        errs.append("bad validity_start")
    prices = p.get("prices")
    if "prices" in p:
        if not isinstance(prices, dict):
            errs.append("prices is not an object")
        else:
            for k in prices:
                if k not in CURRENCIES:
                    errs.append("unknown currency %s" % k[:8])
            for c in CURRENCIES:
                if not (is_int(prices.get(c)) and prices[c] > 0):
                    errs.append("price in %s missing or not a positive integer" % c)
    feats = p.get("features")
    if "features" in p and not (isinstance(feats, list) and all(f in FEATURES for f in feats) and
                                len(set(feats)) == len(feats)):
        errs.append("features must be a subset of %s" % (FEATURES,))
    return errs


def consistency_warnings(plans):
    """Price sanity across valid plans of one owner (same coverage): more data (at least as many days) costs more,
    more days for the same data never costs less, and the price per GB falls with size at equal validity (give or
    take one 1.00 rounding step)."""
    warnings = []
    by_owner = {}
    for p in plans:
        owner = (p["scope"], p.get("region"), tuple(p["coverage"]), p["id"].rsplit("-", 2)[0])
        by_owner.setdefault(owner, []).append(p)
    for group in by_owner.values():
        for a in group:
            for b in group:
                if a is b or a["data"].get("unlimited") != b["data"].get("unlimited"):
                    continue
                am, bm = a["data"].get("mb", 0), b["data"].get("mb", 0)
                if am < bm and a["validity_days"] <= b["validity_days"]:
                    for c in CURRENCIES:
                        if b["prices"][c] <= a["prices"][c]:
                            warnings.append("%s (%s) is not dearer than %s" % (b["id"], c, a["id"]))
                if am == bm and a["validity_days"] < b["validity_days"]:
                    for c in CURRENCIES:
                        if b["prices"][c] < a["prices"][c]:
                            warnings.append("%s (%s) is cheaper than %s" % (b["id"], c, a["id"]))
                if am and bm and am < bm and a["validity_days"] == b["validity_days"]:
                    # One rounding unit (1.00) of slack: prices are whole x.99 amounts.
                    if (b["prices"]["USD"] - 100) / bm > a["prices"]["USD"] / am:
                        warnings.append("%s costs more per GB than %s" % (b["id"], a["id"]))
    return warnings


def check(path, expect_valid=True):
    with open(path, "rb") as f:
        raw = f.read()
    doc = json.loads(raw.decode("utf-8"))
    problems = []
    if not isinstance(doc, dict):
        print("FAIL: top level is not an object")
        return 1
    top_keys = {"schema", "version", "notice", "regions", "destinations", "plans"}
    if set(doc) != top_keys:
        problems.append("top-level keys %s, expected %s" % (sorted(doc), sorted(top_keys)))
    if not (is_int(doc.get("schema")) and doc["schema"] == SCHEMA):
        problems.append("schema must be 1")
    if not short_str(doc.get("version"), 64):
        problems.append("bad version")
    if not isinstance(doc.get("notice"), str):
        problems.append("bad notice")

    region_ids = set()
    for i, r in enumerate(doc.get("regions", [])):
        if not (isinstance(r, dict) and set(r) == {"id", "name"} and isinstance(r["id"], str) and
                ID_RE.match(r["id"]) and short_str(r["name"])) or r["id"] in region_ids:
            problems.append("regions[%d] invalid" % i)
            continue
        region_ids.add(r["id"])

    region_of = {}
    names = {}
    for i, d in enumerate(doc.get("destinations", [])):
        ok = (isinstance(d, dict) and set(d) <= {"code", "name", "region", "aliases"} and
              {"code", "name", "region"} <= set(d) and isinstance(d["code"], str) and CODE_RE.match(d["code"]) and
              short_str(d["name"]) and d["region"] in region_ids and
              isinstance(d.get("aliases", []), list) and all(short_str(a) for a in d.get("aliases", [])))
        if not ok or d["code"] in region_of:
            problems.append("destinations[%d] invalid or duplicate" % i)
            continue
        region_of[d["code"]] = d["region"]
        for n in [d["name"]] + d.get("aliases", []):
            k = n.casefold()
            if k in names and names[k] != d["code"]:
                problems.append("name/alias %r used by %s and %s" % (n, names[k], d["code"]))
            names[k] = d["code"]
        if d["name"] in d.get("aliases", []) or len(set(d.get("aliases", []))) != len(d.get("aliases", [])):
            problems.append("destinations[%d] (%s): aliases repeat the name or each other" % (i, d["code"]))

    seen_ids = set()
    valid = []
    bad = []
    for i, p in enumerate(doc.get("plans", [])):
        errs = check_plan(p, region_ids, region_of, seen_ids)
        if isinstance(p, dict) and isinstance(p.get("id"), str) and ID_RE.match(p["id"]):
            seen_ids.add(p["id"])
        if errs:
            pid = p.get("id") if isinstance(p, dict) and isinstance(p.get("id"), str) else None
            bad.append((i, pid[:40] if pid else None, errs))
        else:
            valid.append(p)

    by_scope = {s: sum(1 for p in valid if p["scope"] == s) for s in SCOPES}
    local_count = {}
    for p in valid:
        if p["scope"] == "local":
            local_count[p["coverage"][0]] = local_count.get(p["coverage"][0], 0) + 1
    starts = {s: sum(1 for p in valid if p["validity_start"] == s) for s in VALIDITY_STARTS}
    feats = {f: sum(1 for p in valid if f in p["features"]) for f in FEATURES}
    per_region = {r: sum(1 for c in region_of.values() if c == r) for r in sorted(region_ids)}
    widest = max((len(p["coverage"]) for p in valid), default=0)
    warnings = consistency_warnings(valid)

    print("file: %s (%d bytes)" % (path, len(raw)))
    print("version: %s" % doc.get("version"))
    print("regions: %d" % len(region_ids))
    print("destinations: %d  (%s)" % (len(region_of), ", ".join("%s %d" % kv for kv in per_region.items())))
    print("plans: %d valid, %d invalid" % (len(valid), len(bad)))
    print("plans by scope: local %d, regional %d, global %d" % (by_scope["local"], by_scope["regional"], by_scope["global"]))
    print("unlimited plans: %d" % sum(1 for p in valid if p["data"].get("unlimited")))
    print("validity_start: %s" % ", ".join("%s %d" % kv for kv in starts.items()))
    print("features: %s" % ", ".join("%s %d" % kv for kv in feats.items()))
    print("destinations with local plans: %d (min %d, max %d per destination); without: %s" % (
        len(local_count), min(local_count.values(), default=0), max(local_count.values(), default=0),
        sorted(set(region_of) - set(local_count)) or "none"))
    print("local plans: JP %d, AT %d, AU %d" % (local_count.get("JP", 0), local_count.get("AT", 0), local_count.get("AU", 0)))
    print("widest coverage: %d destinations" % widest)
    print("price consistency warnings: %d" % len(warnings))
    for w in warnings[:10]:
        print("  warning: %s" % w)
    for pr in problems:
        print("ERROR: %s" % pr)
    for i, pid, errs in bad:
        print("invalid plans[%d]%s: %s" % (i, " (id %s)" % pid if pid else "", "; ".join(errs)))
    if problems or (expect_valid and (bad or warnings)):
        print("CHECK FAILED")
        return 1
    print("CHECK OK" if expect_valid else "CHECK DONE (invalid entries expected)")
    return 0


# ---------------------------------------------------------------------------------------------------------------------


def main(argv=None):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", help="output path (default: assets/catalogue.json in the repository)")
    ap.add_argument("--plans", type=int, help="scaled catalogue with about this many plans (benchmarks)")
    ap.add_argument("--broken", action="store_true", help="small catalogue plus deliberately broken plan entries")
    ap.add_argument("--check", metavar="PATH", help="validate PATH and print counts instead of generating")
    ap.add_argument("--allow-invalid", action="store_true", help="with --check: report invalid plans, exit 0")
    args = ap.parse_args(argv)

    if args.check:
        return check(args.check, expect_valid=not args.allow_invalid)

    gen = Generator()
    if args.broken:
        if args.plans:
            ap.error("--broken and --plans do not combine")
        out = args.out or os.path.join(root, "tests", "fixtures", "catalogue-broken.json")
        doc, nvalid, broken = gen.build_broken()
        size = write(out, doc)
        print("wrote %s (%d bytes): %d valid plans, %d broken entries" % (out, size, nvalid, len(broken)))
        for kind, _ in broken:
            print("  broken: %s" % kind)
        return 0

    if args.plans:
        base_count = len(Generator().build()["plans"])
        if args.plans < base_count:
            ap.error("--plans must be at least %d (the sample catalogue)" % base_count)
        doc = gen.build_scaled(args.plans)
    else:
        doc = gen.build()
    out = args.out or os.path.join(root, "assets", "catalogue.json")
    size = write(out, doc)
    print("wrote %s (%d bytes, %d plans)" % (out, size, len(doc["plans"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
