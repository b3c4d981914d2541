"""The demo's names: countries with their currencies, languages, zones and fictional phone
ranges, the ~60 companies billed, and the streets, people and mailboxes they come with."""

from decimal import Decimal
from typing import NamedTuple

ZERO = Decimal("0.00")


class Country(NamedTuple):
    name: str
    currency: str
    language: str
    time_zone: str  # "" = the tenant's
    landline: tuple[str, int]  # E.164 prefix and how many random digits follow
    mobile: tuple[str, int]
    vat: Decimal  # only domestic sales carry VAT; EU B2B is reverse charge, exports are zero


# GB, FR and US numbers come from the ranges their regulators reserve for fiction, so a demo
# reminder can never ring a real phone there; the other countries have no such range.
COUNTRIES = {
    "DE": Country("Germany", "EUR", "de", "", ("+4930", 8), ("+49151", 8), Decimal("0.19")),
    "AT": Country("Austria", "EUR", "de", "Europe/Vienna", ("+431", 7), ("+43664", 7), ZERO),
    "CH": Country("Switzerland", "CHF", "de", "Europe/Zurich", ("+4144", 7), ("+4179", 7), ZERO),
    "FR": Country("France", "EUR", "fr", "Europe/Paris", ("+3319900", 4), ("+3363998", 4), ZERO),
    "NL": Country("Netherlands", "EUR", "nl", "Europe/Amsterdam", ("+3120", 7), ("+316", 8), ZERO),
    "BE": Country("Belgium", "EUR", "nl", "Europe/Brussels", ("+322", 7), ("+32470", 6), ZERO),
    "IT": Country("Italy", "EUR", "it", "Europe/Rome", ("+3902", 8), ("+39347", 7), ZERO),
    "ES": Country("Spain", "EUR", "es", "Europe/Madrid", ("+3491", 7), ("+34612", 6), ZERO),
    "PL": Country("Poland", "EUR", "pl", "Europe/Warsaw", ("+4822", 7), ("+48501", 6), ZERO),
    "GB": Country(
        "United Kingdom", "GBP", "en", "Europe/London", ("+442079460", 3), ("+447700900", 3), ZERO
    ),
    "IE": Country("Ireland", "EUR", "en", "Europe/Dublin", ("+3531", 7), ("+35387", 7), ZERO),
    "US": Country(
        "United States",
        "USD",
        "en",
        "America/New_York",
        ("+1{area}55501", 2),
        ("+1{area}55501", 2),
        ZERO,
    ),
}
US_AREA_CODES = {"America/New_York": "212", "America/Chicago": "312", "America/Los_Angeles": "415"}


class Company(NamedTuple):
    name: str
    country: str
    city: str
    industry: str
    currency: str = ""  # "" = the country's
    time_zone: str = ""  # "" = the country's
    language: str = ""  # "" = the country's


COMPANIES = (
    Company("Bäckerei Huber GmbH", "DE", "München", "food"),
    Company("Elektro Schmidt KG", "DE", "Köln", "construction"),
    Company("Hansa Logistik GmbH", "DE", "Hamburg", "logistics"),
    Company("Rheinland Bau AG", "DE", "Düsseldorf", "construction"),
    Company("Müller Maschinenbau GmbH", "DE", "Stuttgart", "manufacturing"),
    Company("Spreewald Feinkost GmbH", "DE", "Berlin", "food"),
    Company("Alpenblick Hotels GmbH", "DE", "Garmisch-Partenkirchen", "hospitality"),
    Company("Weser Werkzeuge GmbH", "DE", "Bremen", "wholesale"),
    Company("Schwarzwald Holzbau GmbH & Co. KG", "DE", "Freiburg", "construction"),
    Company("Kranich Apotheken OHG", "DE", "Leipzig", "healthcare"),
    Company("Brandt & Söhne Sanitär GmbH", "DE", "Hannover", "construction"),
    Company("Nordlicht Gastronomie GmbH", "DE", "Kiel", "hospitality"),
    Company("Fränkische Druckerei Wolf GmbH", "DE", "Nürnberg", "manufacturing"),
    Company("Main Medizintechnik AG", "DE", "Frankfurt am Main", "healthcare"),
    Company("Elbtal Autoteile GmbH", "DE", "Dresden", "retail"),
    Company("Lindner Büroausstattung GmbH", "DE", "Dortmund", "wholesale"),
    Company("Taunus Getränke Vertrieb GmbH", "DE", "Wiesbaden", "wholesale"),
    Company("Havel Gartenbau GmbH", "DE", "Potsdam", "retail"),
    Company("Ostsee Fischhandel Petersen e.K.", "DE", "Rostock", "food"),
    Company("Bergmann Elektronik GmbH", "DE", "Essen", "manufacturing"),
    Company("Kaiser Kältetechnik GmbH", "DE", "Mannheim", "construction"),
    Company("Kommunalservice Augsburg GmbH", "DE", "Augsburg", "public-sector"),
    Company("Wiener Kaffeerösterei Hofer GmbH", "AT", "Wien", "food"),
    Company("Tiroler Bergsport GmbH", "AT", "Innsbruck", "retail"),
    Company("Salzach Elektrotechnik GmbH", "AT", "Salzburg", "construction"),
    Company("Grazer Möbelwerkstätten GmbH", "AT", "Graz", "manufacturing"),
    Company("Donau Transport GmbH", "AT", "Linz", "logistics"),
    Company("Vorarlberger Textil AG", "AT", "Dornbirn", "manufacturing"),
    Company("Zürcher Präzisionsteile AG", "CH", "Zürich", "manufacturing"),
    Company("Basler Laborbedarf AG", "CH", "Basel", "healthcare", currency="EUR"),
    Company("Boulangerie Lefèvre SARL", "FR", "Lyon", "food"),
    Company("Transports Moreau SAS", "FR", "Lille", "logistics"),
    Company("Menuiserie Dubois SARL", "FR", "Nantes", "construction"),
    Company("Vins & Terroirs Bernard SAS", "FR", "Bordeaux", "wholesale"),
    Company("Hôtellerie Côte d'Azur SA", "FR", "Nice", "hospitality"),
    Company("Groupe Laurent Industrie SAS", "FR", "Paris", "manufacturing"),
    Company("Van Dijk Bouwmaterialen B.V.", "NL", "Utrecht", "construction"),
    Company("De Vries Tuincentrum B.V.", "NL", "Haarlem", "retail"),
    Company("Bakker Logistiek B.V.", "NL", "Rotterdam", "logistics"),
    Company("Jansen Installatietechniek B.V.", "NL", "Eindhoven", "construction"),
    Company("Bloemenhandel Koster B.V.", "NL", "Aalsmeer", "wholesale"),
    Company("Brouwerij Peeters BV", "BE", "Antwerpen", "food"),
    Company("Imprimerie Lambert SA", "BE", "Liège", "manufacturing", language="fr"),
    Company("Ferramenta Rossi S.r.l.", "IT", "Milano", "retail"),
    Company("Caseificio Bianchi S.r.l.", "IT", "Parma", "food"),
    Company("Ceramiche Romano S.p.A.", "IT", "Sassuolo", "manufacturing"),
    Company("Distribuciones García S.L.", "ES", "Madrid", "wholesale"),
    Company("Hoteles Costa Brava S.A.", "ES", "Girona", "hospitality"),
    Company("Kowalski Meble Sp. z o.o.", "PL", "Poznań", "manufacturing"),
    Company("Nowak Transport Sp. z o.o.", "PL", "Wrocław", "logistics"),
    Company("Thornbury Engineering Ltd", "GB", "Bristol", "manufacturing"),
    Company("Harrow & Finch Wholesale Ltd", "GB", "London", "wholesale"),
    Company("Pennine Outdoor Supplies Ltd", "GB", "Leeds", "retail"),
    Company("Clyde Marine Services Ltd", "GB", "Glasgow", "logistics"),
    Company("Oakridge Garden Centres plc", "GB", "Oxford", "retail"),
    Company("Liffey Trading Company Ltd", "IE", "Dublin", "wholesale"),
    Company(
        "Great Lakes Industrial Supply Inc.",
        "US",
        "Chicago",
        "wholesale",
        time_zone="America/Chicago",
    ),
    Company("Hudson Valley Foods LLC", "US", "New York", "food"),
    Company(
        "Pacific Coast Outfitters Inc.",
        "US",
        "San Francisco",
        "retail",
        time_zone="America/Los_Angeles",
    ),
    Company("Lone Star Equipment Co.", "US", "Austin", "construction", time_zone="America/Chicago"),
)

# Words left out of a company's e-mail domain.
LEGAL_FORMS = frozenset(
    {
        "GmbH",
        "&",
        "Co.",
        "KG",
        "AG",
        "OHG",
        "e.K.",
        "SARL",
        "SAS",
        "SA",
        "B.V.",
        "BV",
        "S.r.l.",
        "S.p.A.",
        "S.L.",
        "S.A.",
        "Sp.",
        "z",
        "o.o.",
        "Ltd",
        "plc",
        "Inc.",
        "LLC",
    }
)
STREETS = {
    "de": ["Hauptstraße", "Industriestraße", "Bahnhofstraße", "Gewerbering", "Am Hafen"],
    "fr": ["rue de la République", "avenue Jean Jaurès", "boulevard Pasteur", "rue du Commerce"],
    "nl": ["Industrieweg", "Kerkstraat", "Havenstraat", "Stationsweg"],
    "it": ["Via Roma", "Via Garibaldi", "Viale dell'Industria", "Corso Italia"],
    "es": ["Calle Mayor", "Avenida de la Industria", "Calle del Puerto"],
    "pl": ["ul. Przemysłowa", "ul. Główna", "ul. Kolejowa"],
    "en": ["High Street", "Station Road", "Mill Lane", "Commerce Drive", "Market Street"],
}
FIRST_NAMES = {
    "de": ["Anna", "Lukas", "Sophie", "Jonas", "Katrin", "Stefan", "Julia", "Markus", "Sabine"],
    "fr": ["Camille", "Julien", "Claire", "Nicolas", "Élodie", "Thomas", "Manon", "Pierre"],
    "nl": ["Sanne", "Daan", "Lotte", "Bram", "Eva", "Jeroen", "Femke", "Ruben"],
    "it": ["Giulia", "Marco", "Chiara", "Luca", "Francesca", "Alessandro"],
    "es": ["Lucía", "Javier", "Marta", "Pablo", "Elena", "Sergio"],
    "pl": ["Agnieszka", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Marcin"],
    "en": ["Emma", "James", "Olivia", "Daniel", "Sarah", "Michael", "Rachel", "Tom"],
}
LAST_NAMES = {
    "de": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Koch"],
    "fr": ["Martin", "Bernard", "Dubois", "Robert", "Richard", "Petit", "Durand", "Leroy"],
    "nl": ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit"],
    "it": ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Colombo"],
    "es": ["García", "Fernández", "González", "Rodríguez", "López", "Martínez"],
    "pl": ["Nowak", "Kowalska", "Wiśniewski", "Wójcik", "Kamińska", "Lewandowski"],
    "en": ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Davies", "Evans"],
}
ACCOUNTS_MAILBOX = {
    "de": "buchhaltung",
    "fr": "comptabilite",
    "nl": "crediteuren",
    "it": "amministrazione",
    "es": "contabilidad",
    "pl": "ksiegowosc",
    "en": "accounts",
}
CREDIT_REASONS = [
    "Price adjustment",
    "Damaged goods returned",
    "Short delivery",
    "Volume rebate",
    "Wrong item delivered",
]
