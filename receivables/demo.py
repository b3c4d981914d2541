"""Demo data: a tenant with ~60 customers and 18 months of invoices, payments and credits.

The history is planned first (who is billed when, how each customer pays) and then replayed
day by day through :mod:`receivables.ledger`, so every balance is the ledger's own work and
an oldest-first payment only ever sees invoices issued before it. Nothing is dated after
``today``: an invoice whose payment would come later is simply still open, which is what
gives the demo its receivables and aging spread. A fixed seed makes the data the same for
the same ``today``.
"""

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import NamedTuple

from django.db import transaction
from django.utils.text import slugify

from kapittx.actions import add_member, create_tenant
from kapittx.models import Tenant, User
from kapittx.roles import Role
from kapittx.tenancy import scoped
from receivables import ledger
from receivables.behaviour import refresh_payment_habits
from receivables.models import (
    ZERO,
    Allocation,
    Channel,
    Contact,
    ContactRole,
    CreditNote,
    Customer,
    Invoice,
    Payment,
)
from receivables.reports import Totals, totals
from reminders.models import ReminderSettings

TENANT_SLUG = "demo"
TENANT_NAME = "Nordwind Supplies GmbH"
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "kapittx-demo"
#: What the demo tenant's reminders and payment page tell customers about paying.
DEMO_PAYMENT_INSTRUCTIONS = (
    "Bank transfer to Nordwind Supplies GmbH\n"
    "IBAN DE89 3704 0044 0532 0130 00 · BIC COBADEFFXXX\n"
    "Please quote the invoice number as the reference."
)

SEED = 4711
INVOICE_COUNT = 1500
HISTORY_DAYS = 548  # 18 months
CENT = Decimal("0.01")


class Member(NamedTuple):
    email: str
    full_name: str
    role: str


# Everyone gets the demo password so each role's view can be tried.
MEMBERS = (
    Member(DEMO_EMAIL, "Anna Weber", Role.OWNER),
    Member("jonas.becker@example.com", "Jonas Becker", Role.COLLECTOR),
    Member("mira.schulz@example.com", "Mira Schulz", Role.SALES),
)


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
        "United States", "USD", "en", "America/New_York", ("+1{area}55501", 2),
        ("+1{area}55501", 2), ZERO,
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
    Company("Great Lakes Industrial Supply Inc.", "US", "Chicago", "wholesale",
            time_zone="America/Chicago"),
    Company("Hudson Valley Foods LLC", "US", "New York", "food"),
    Company("Pacific Coast Outfitters Inc.", "US", "San Francisco", "retail",
            time_zone="America/Los_Angeles"),
    Company("Lone Star Equipment Co.", "US", "Austin", "construction",
            time_zone="America/Chicago"),
)

# Words left out of a company's e-mail domain.
LEGAL_FORMS = frozenset(
    {
        "GmbH", "&", "Co.", "KG", "AG", "OHG", "e.K.", "SARL", "SAS", "SA", "B.V.", "BV",
        "S.r.l.", "S.p.A.", "S.L.", "S.A.", "Sp.", "z", "o.o.", "Ltd", "plc", "Inc.", "LLC",
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
    "de": "buchhaltung", "fr": "comptabilite", "nl": "crediteuren", "it": "amministrazione",
    "es": "contabilidad", "pl": "ksiegowosc", "en": "accounts",
}
CREDIT_REASONS = [
    "Price adjustment", "Damaged goods returned", "Short delivery", "Volume rebate",
    "Wrong item delivered",
]


class Habit:
    """How a customer pays."""

    PROMPT = "prompt"  # a few days either side of the due date
    DIRECT_DEBIT = "direct_debit"  # collected by SEPA direct debit on the due date
    IRREGULAR = "irregular"  # usually on time, now and then weeks late
    LATE = "late"  # chronically 30–90 days late
    MONTHLY = "monthly"  # one payment run on the 25th for everything due by then
    ON_ACCOUNT = "on_account"  # lump sums without remittance advice, applied oldest first


HABIT_COUNTS = {  # how many customers pay each way, besides the direct debitors
    Habit.PROMPT: 17,
    Habit.IRREGULAR: 14,
    Habit.LATE: 10,
    Habit.MONTHLY: 7,
    Habit.ON_ACCOUNT: 7,
}
DIRECT_DEBITORS = 5
assert sum(HABIT_COUNTS.values()) + DIRECT_DEBITORS == len(COMPANIES)
PARTIAL_SHARE = {  # share of invoices paid in two instalments
    Habit.PROMPT: 0.02,
    Habit.DIRECT_DEBIT: 0.0,
    Habit.IRREGULAR: 0.06,
    Habit.LATE: 0.12,
    Habit.MONTHLY: 0.03,
    Habit.ON_ACCOUNT: 0.05,
}


class Rank:
    """Order of events on the same day: an invoice exists before anything touches it."""

    ISSUE, VOID, CREDIT, PAY, WRITE_OFF = range(5)


@dataclass(eq=False)
class DemoCustomer:
    company: Company
    habit: str
    weight: float  # share of the invoice volume
    typical_amount: float
    since: date
    customer: Customer


@dataclass(eq=False)
class DemoInvoice:
    owner: DemoCustomer
    issue_date: date
    due_date: date
    subtotal: Decimal
    tax: Decimal
    po_number: str
    number: str = ""
    invoice: Invoice | None = None  # set when the replay issues it

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax


@dataclass(order=True)
class Event:
    day: date
    rank: int
    seq: int
    run: Callable[[], None] = field(compare=False)


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    tenant: Tenant
    customers: int
    contacts: int
    invoices: int
    payments: int
    credit_notes: int
    receivables: list[Totals]


def seed_demo(today: date, *, reset: bool = False) -> DemoSummary:
    """Create the demo tenant, its members and its history up to ``today``, unless present.

    Members are always (re)created with the demo password; with ``reset`` the tenant's
    receivables are deleted and built again.
    """
    with transaction.atomic():
        tenant = _demo_tenant()
        _ensure_members(tenant)
        if reset:
            delete_receivables(tenant)
        created = not scoped(Invoice, tenant).exists()
        if created:
            _History(tenant, today).build()
            refresh_payment_habits(tenant, today=today)
    return _summary(tenant, today, created)


def _demo_tenant() -> Tenant:
    tenant = Tenant.objects.filter(slug=TENANT_SLUG).first()
    if tenant is None:
        tenant = create_tenant(
            TENANT_SLUG, TENANT_NAME, currency="EUR", time_zone="Europe/Berlin", country="DE"
        )
        ReminderSettings.objects.filter(tenant=tenant).update(
            payment_instructions=DEMO_PAYMENT_INSTRUCTIONS
        )
    return tenant


def _ensure_members(tenant: Tenant) -> None:
    for member in MEMBERS:
        add_member(tenant, member.email, member.role, password=DEMO_PASSWORD)
        User.objects.filter(email=member.email).update(full_name=member.full_name)


def delete_receivables(tenant: Tenant) -> None:
    """Delete a tenant's customers and everything hanging off them, in PROTECT order."""
    for model in (Allocation, Payment, CreditNote, Invoice, Contact, Customer):
        scoped(model, tenant).delete()


def _summary(tenant: Tenant, today: date, created: bool) -> DemoSummary:
    return DemoSummary(
        created=created,
        tenant=tenant,
        customers=scoped(Customer, tenant).count(),
        contacts=scoped(Contact, tenant).count(),
        invoices=scoped(Invoice, tenant).count(),
        payments=scoped(Payment, tenant).count(),
        credit_notes=scoped(CreditNote, tenant).count(),
        receivables=totals(tenant, today),
    )


def _ascii(text: str) -> str:
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelled).replace(umlaut.upper(), spelled.capitalize())
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _business_day(day: date) -> date:
    """Return ``day``, or the Monday after it; banks book no transfers at weekends."""
    if day.weekday() >= 5:
        return day + timedelta(7 - day.weekday())
    return day


def _next_25th(day: date) -> date:
    if day.day <= 25:
        return day.replace(day=25)
    return (day.replace(day=1) + timedelta(days=32)).replace(day=25)


class _History:
    """Plan the demo tenant's customers and 18 months of billing, then replay them."""

    def __init__(self, tenant: Tenant, today: date) -> None:
        self.tenant = tenant
        self.today = today
        self.start = today - timedelta(days=HISTORY_DAYS)
        self.rng = random.Random(SEED)
        self.events: list[Event] = []
        self.payments: dict[tuple[int, date], list[tuple[DemoInvoice, Decimal]]] = {}
        self.credit_numbers: dict[int, int] = {}
        self.sales = User.objects.get(email=next(m.email for m in MEMBERS if m.role == Role.SALES))

    def build(self) -> None:
        customers = self._customers()
        invoices = self._invoices(customers)
        self._plan(invoices)
        for event in sorted(self.events):
            event.run()

    # --- customers -------------------------------------------------------------------

    def _customers(self) -> list[DemoCustomer]:
        rng = self.rng
        eur = [i for i, company in enumerate(COMPANIES) if self._currency(company) == "EUR"]
        debitors = set(rng.sample(eur, DIRECT_DEBITORS))
        others = [habit for habit, count in HABIT_COUNTS.items() for _ in range(count)]
        rng.shuffle(others)
        habits = iter(others)
        weights = [rng.lognormvariate(0, 0.9) for _ in COMPANIES]
        key_accounts = set(sorted(range(len(COMPANIES)), key=lambda i: -weights[i])[:8])
        result = []
        for i, company in enumerate(COMPANIES):
            habit = Habit.DIRECT_DEBIT if i in debitors else next(habits)
            since = self.start
            if rng.random() < 0.2:  # won during the period
                since += timedelta(rng.randint(60, HISTORY_DAYS - 90))
            typical = min(max(rng.lognormvariate(7.6, 0.9), 150.0), 40_000.0)
            tags = [company.industry]
            if i in key_accounts:
                tags.append("key-account")
            if since > self.today - timedelta(days=180):
                tags.append("new")
            if habit == Habit.LATE and rng.random() < 0.6:
                tags.append("watch-list")
            customer = self._save_customer(i, company, habit, typical, tags, since)
            result.append(DemoCustomer(company, habit, weights[i], typical, since, customer))
        return result

    @staticmethod
    def _currency(company: Company) -> str:
        return company.currency or COUNTRIES[company.country].currency

    def _save_customer(
        self, index: int, company: Company, habit: str, typical: float, tags: list[str],
        since: date,
    ) -> Customer:
        rng = self.rng
        country = COUNTRIES[company.country]
        language = company.language or country.language
        time_zone = company.time_zone or country.time_zone
        street = rng.choice(STREETS[language])
        number = rng.randint(1, 180)
        line = f"{number} {street}" if language in ("en", "fr") else f"{street} {number}"
        credit_limit = None
        if rng.random() < 0.8:
            credit_limit = Decimal(max(5_000, round(typical * 8 / 5_000) * 5_000))
        customer = Customer.objects.create(
            tenant=self.tenant,
            external_id=str(10001 + index),
            name=company.name,
            address=f"{line}\n{company.city}\n{country.name}",
            country=company.country,
            time_zone=time_zone,
            language=language,
            currency=self._currency(company),
            credit_limit=credit_limit,
            payment_terms_days=rng.choices([14, 30, 45, 60], weights=[3, 8, 3, 2])[0],
            tags=tags,
            owner=self.sales if "key-account" in tags or rng.random() < 0.3 else None,
            opted_out_channels=[Channel.SMS] if rng.random() < 0.05 else [],
            created_at=datetime.combine(
                since - timedelta(days=rng.randint(10, 200)), time(9), tzinfo=UTC
            ),
        )
        contacts = self._save_contacts(customer, company, language, time_zone)
        customer.preferred_channels = self._channels(contacts, habit)
        customer.save(update_fields=["preferred_channels"])
        return customer

    def _save_contacts(
        self, customer: Customer, company: Company, language: str, time_zone: str
    ) -> list[Contact]:
        rng = self.rng
        words = [w for w in company.name.split() if w not in LEGAL_FORMS]
        domain = slugify(_ascii(" ".join(words))) + ".example"
        firsts = rng.sample(FIRST_NAMES[language], 3)
        lasts = rng.sample(LAST_NAMES[language], 3)
        roles = [ContactRole.BILLING, ContactRole.PRIMARY, ContactRole.PURCHASING]
        count = rng.choices([1, 2, 3], weights=[3, 5, 2])[0]
        contacts = []
        for n, (first, last, role) in enumerate(zip(firsts, lasts, roles, strict=True)):
            if n >= count:
                break
            generic = n == 0 and rng.random() < 0.4
            name = "" if generic else f"{first} {last}"
            local = ACCOUNTS_MAILBOX[language] if generic else (
                slugify(_ascii(first)) + "." + slugify(_ascii(last)).replace("-", "")
            )
            mobile = self._phone(company.country, time_zone, mobile=True)
            has_whatsapp = n > 0 and company.country != "US" and rng.random() < 0.4
            contacts.append(
                Contact.objects.create(
                    tenant=self.tenant,
                    customer=customer,
                    name=name,
                    role=role,
                    email=f"{local}@{domain}",
                    phone=mobile if n > 0 else self._phone(company.country, time_zone),
                    whatsapp=mobile if has_whatsapp else "",
                )
            )
        return contacts

    def _phone(self, country: str, time_zone: str, *, mobile: bool = False) -> str:
        prefix, digits = COUNTRIES[country].mobile if mobile else COUNTRIES[country].landline
        prefix = prefix.format(area=US_AREA_CODES.get(time_zone, "212"))
        return prefix + "".join(str(self.rng.randint(0, 9)) for _ in range(digits))

    def _channels(self, contacts: list[Contact], habit: str) -> list[str]:
        rng = self.rng
        channels = [Channel.EMAIL]
        if any(c.whatsapp for c in contacts) and rng.random() < 0.7:
            channels.append(Channel.WHATSAPP)
        if rng.random() < 0.25:
            channels.append(Channel.SMS)
        if habit == Habit.LATE or rng.random() < 0.1:
            channels.append(Channel.VOICE)
        if rng.random() < 0.05:
            channels.append(Channel.LETTER)
        return [str(c) for c in channels]

    # --- invoices --------------------------------------------------------------------

    def _invoices(self, customers: list[DemoCustomer]) -> list[DemoInvoice]:
        rng = self.rng
        days = [
            self.start + timedelta(days=n)
            for n in range(HISTORY_DAYS + 1)
            if (self.start + timedelta(days=n)).weekday() < 5
        ]
        day_weights = [self._day_weight(day) for day in days]
        counts = self._invoice_counts(customers, days)
        planned = []
        for owner, count in zip(customers, counts, strict=True):
            first = next(i for i, day in enumerate(days) if day >= owner.since)
            requires_po = rng.random() < 0.3
            for issued in rng.choices(days[first:], day_weights[first:], k=count):
                subtotal = Decimal(
                    max(25.0, owner.typical_amount * rng.lognormvariate(0, 0.45))
                ).quantize(CENT)
                vat = COUNTRIES[owner.company.country].vat
                planned.append(
                    DemoInvoice(
                        owner=owner,
                        issue_date=issued,
                        due_date=issued + timedelta(days=owner.customer.payment_terms_days),
                        subtotal=subtotal,
                        tax=(subtotal * vat).quantize(CENT, ROUND_HALF_UP),
                        po_number=f"4500{rng.randint(100000, 999999)}" if requires_po else "",
                    )
                )
        planned.sort(key=lambda inv: (inv.issue_date, inv.owner.customer.pk))
        per_year: dict[int, int] = {}
        for inv in planned:
            per_year[inv.issue_date.year] = per_year.get(inv.issue_date.year, 0) + 1
            inv.number = f"INV-{inv.issue_date.year}-{per_year[inv.issue_date.year]:05d}"
        return planned

    def _day_weight(self, day: date) -> float:
        growth = 1 + 0.3 * (day - self.start).days / HISTORY_DAYS
        quiet = day.month == 8 or (day.month == 12 and day.day >= 20)
        return growth * (0.6 if quiet else 1.0)

    def _invoice_counts(self, customers: list[DemoCustomer], days: list[date]) -> list[int]:
        """Split the invoice count by customer size and time as a customer; at least three."""
        shares = [
            c.weight * sum(1 for day in days if day >= c.since) / len(days) for c in customers
        ]
        counts = [max(3, round(INVOICE_COUNT * s / sum(shares))) for s in shares]
        biggest = max(range(len(counts)), key=counts.__getitem__)
        counts[biggest] += INVOICE_COUNT - sum(counts)
        return counts

    # --- how each invoice ends -------------------------------------------------------

    def _plan(self, invoices: list[DemoInvoice]) -> None:
        rng, today = self.rng, self.today
        for inv in invoices:
            self._add(inv.issue_date, Rank.ISSUE, partial(self._issue, inv))
        # Voids, write-offs and disputes target one invoice, so only customers whose
        # payments name their invoices get them; oldest-first payers would shift them.
        named = [inv for inv in invoices if inv.owner.habit != Habit.ON_ACCOUNT]
        voids = rng.sample([inv for inv in named if inv.issue_date <= today - timedelta(10)], 3)
        write_offs = rng.sample(
            [
                inv for inv in named
                if inv.owner.habit == Habit.LATE
                and today - timedelta(420) <= inv.due_date <= today - timedelta(200)
                and inv not in voids
            ],
            2,
        )
        overdue = [
            inv for inv in named
            if inv.due_date <= today - timedelta(95) and inv not in voids + write_offs
        ]
        disputes = rng.sample([inv for inv in overdue if inv.owner.customer.currency == "EUR"], 9)
        disputes += rng.sample([inv for inv in overdue if inv.owner.customer.currency != "EUR"], 3)
        for inv in invoices:
            if inv in voids:
                voided = min(inv.issue_date + timedelta(rng.randint(1, 7)), today)
                self._add(voided, Rank.VOID, partial(self._void, inv, voided))
            elif inv in write_offs:
                self._plan_write_off(inv)
            elif inv in disputes:
                self._plan_dispute(inv)
            else:
                self._plan_settlement(inv)
        self._plan_payments()

    def _plan_write_off(self, inv: DemoInvoice) -> None:
        rng = self.rng
        if rng.random() < 0.5:
            part = (inv.total * Decimal(rng.randint(20, 50)) / 100).quantize(CENT)
            self._pay(inv, part, inv.due_date + timedelta(rng.randint(40, 70)))
        day = min(inv.due_date + timedelta(rng.randint(150, 200)), self.today - timedelta(3))
        self._add(day, Rank.WRITE_OFF, partial(self._write_off, inv, day))

    def _plan_dispute(self, inv: DemoInvoice) -> None:
        """Leave it open for good, sometimes after paying the part nobody disputes."""
        if self.rng.random() < 0.3:
            part = (inv.total * Decimal(self.rng.randint(50, 80)) / 100).quantize(CENT)
            self._pay(inv, part, inv.due_date + timedelta(self.rng.randint(10, 30)))

    def _plan_settlement(self, inv: DemoInvoice) -> None:
        rng = self.rng
        if rng.random() < 0.004:
            returned = inv.issue_date + timedelta(rng.randint(3, 20))
            self._credit(inv, inv.total, returned, "Goods returned")
            return
        owed = inv.total
        if rng.random() < 0.018:
            credit = (owed * Decimal(rng.randint(10, 30)) / 100).quantize(CENT)
            self._credit(inv, credit, inv.issue_date + timedelta(rng.randint(3, 15)))
            owed -= credit
        paid_on = self._pay_day(inv)
        if rng.random() < PARTIAL_SHARE[inv.owner.habit]:
            instalment = (owed * Decimal(rng.randint(30, 70)) / 100).quantize(Decimal("1"))
            self._pay(inv, instalment, paid_on)
            self._pay(inv, owed - instalment, paid_on + timedelta(rng.randint(14, 60)))
        else:
            self._pay(inv, owed, paid_on)

    def _pay_day(self, inv: DemoInvoice) -> date:
        rng, due, habit = self.rng, inv.due_date, inv.owner.habit
        if habit == Habit.DIRECT_DEBIT:
            day = due
        elif habit == Habit.PROMPT:
            day = due + timedelta(round(rng.triangular(-10, 4, -1)))
        elif habit == Habit.IRREGULAR:
            late = rng.random() < 0.35
            day = due + timedelta(rng.randint(6, 50) if late else rng.randint(-5, 5))
        elif habit == Habit.LATE:
            day = due + timedelta(round(rng.triangular(30, 90, 60)))
        elif habit == Habit.MONTHLY:
            day = _next_25th(due - timedelta(5))
            if rng.random() < 0.2:  # a payment run that slipped a month
                day = _next_25th(day + timedelta(1))
        else:
            day = due + timedelta(rng.randint(-3, 25))
        return max(day, inv.issue_date + timedelta(1))

    def _pay(self, inv: DemoInvoice, amount: Decimal, day: date) -> None:
        """Add ``amount`` for ``inv`` to the customer's transfer on ``day``, unless it is future."""
        day = _business_day(day)
        if day <= self.today and amount > 0:
            self.payments.setdefault((inv.owner.customer.pk, day), []).append((inv, amount))

    def _credit(self, inv: DemoInvoice, amount: Decimal, day: date, reason: str = "") -> None:
        if day <= self.today:
            reason = reason or self.rng.choice(CREDIT_REASONS)
            self._add(day, Rank.CREDIT, partial(self._record_credit, inv, amount, day, reason))

    def _plan_payments(self) -> None:
        """Turn noted payments into events: one bank transfer per customer and day.

        A handful of recent ones arrive without a usable reference and a couple are paid
        twice; both stay unapplied on the payment, as cash a collector still has to match.
        """
        rng, today = self.rng, self.today
        groups = sorted(self.payments.items(), key=lambda item: (item[0][1], item[0][0]))
        named = [g for g in groups if g[1][0][0].owner.habit != Habit.ON_ACCOUNT]
        recent = [g for g in named if g[0][1] >= today - timedelta(35) and len(g[1]) == 1]
        unreferenced = {key for key, _ in rng.sample(recent, min(3, len(recent)))}
        for group in rng.sample([g for g in named if g[0][1] <= today - timedelta(60)], 2):
            (_, day), lines = group
            again = _business_day(day + timedelta(rng.randint(2, 5)))
            amount = sum((amount for _, amount in lines), ZERO)
            duplicate = partial(self._record_payment, lines, again, amount, unapplied=True)
            self._add(again, Rank.PAY, duplicate)
        for (customer_id, day), lines in groups:
            amount = sum((amount for _, amount in lines), ZERO)
            unapplied = (customer_id, day) in unreferenced
            self._add(day, Rank.PAY, partial(self._record_payment, lines, day, amount, unapplied))

    def _add(self, day: date, rank: int, run: Callable[[], None]) -> None:
        self.events.append(Event(day, rank, len(self.events), run))

    # --- replay through the ledger ---------------------------------------------------

    def _issue(self, inv: DemoInvoice) -> None:
        inv.invoice = ledger.create_invoice(
            self.tenant,
            inv.owner.customer,
            number=inv.number,
            issue_date=inv.issue_date,
            due_date=inv.due_date,
            subtotal=inv.subtotal,
            tax=inv.tax,
            po_number=inv.po_number,
        )

    def _void(self, inv: DemoInvoice, day: date) -> None:
        ledger.void_invoice(inv.invoice, day)

    def _write_off(self, inv: DemoInvoice, day: date) -> None:
        ledger.write_off(inv.invoice, day)

    def _record_credit(self, inv: DemoInvoice, amount: Decimal, day: date, reason: str) -> None:
        seq = self.credit_numbers[day.year] = self.credit_numbers.get(day.year, 0) + 1
        on_account = inv.owner.habit == Habit.ON_ACCOUNT
        ledger.record_credit_note(
            self.tenant,
            inv.owner.customer,
            number=f"CN-{day.year}-{seq:04d}",
            amount=amount,
            issued_on=day,
            reason=f"{reason} ({inv.number})",
            splits=None if on_account else [ledger.Split(inv.invoice, amount)],
        )

    def _record_payment(
        self, lines: list[tuple[DemoInvoice, Decimal]], day: date, amount: Decimal,
        unapplied: bool = False,
    ) -> None:
        owner = lines[0][0].owner
        if unapplied:
            splits: list[ledger.Split] | None = []
        elif owner.habit == Habit.ON_ACCOUNT:
            splits = None
        else:
            splits = [ledger.Split(inv.invoice, part) for inv, part in lines]
        ledger.record_payment(
            self.tenant,
            owner.customer,
            amount=amount,
            received_on=day,
            reference=self._reference(owner, [inv.number for inv, _ in lines], unapplied),
            method=self._method(owner),
            splits=splits,
        )

    @staticmethod
    def _reference(owner: DemoCustomer, numbers: list[str], unapplied: bool) -> str:
        if unapplied:
            return f"Payment {owner.customer.external_id}"
        if owner.habit == Habit.ON_ACCOUNT:
            return f"Payment on account {owner.customer.external_id}"
        text = ", ".join(numbers)
        return text if len(text) <= 100 else text[:97] + "..."

    @staticmethod
    def _method(owner: DemoCustomer) -> str:
        if owner.habit == Habit.DIRECT_DEBIT:
            return "sepa_direct_debit"
        return {"US": "ach", "GB": "bacs"}.get(owner.company.country, "bank_transfer")
