"""The demo's customers: who they are, where, in which currency and language, how each pays,
and the contacts reminders reach them at."""

import random
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.utils.text import slugify

from kapittx.demo.names import (
    ACCOUNTS_MAILBOX,
    COMPANIES,
    COUNTRIES,
    FIRST_NAMES,
    LAST_NAMES,
    LEGAL_FORMS,
    STREETS,
    US_AREA_CODES,
    Company,
)
from kapittx.models import Tenant, User
from receivables.models import Contact, ContactRole, Customer


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


@dataclass(eq=False)
class DemoCustomer:
    company: Company
    habit: str
    weight: float  # share of the invoice volume
    typical_amount: float
    since: date
    customer: Customer


def _ascii(text: str) -> str:
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelled).replace(umlaut.upper(), spelled.capitalize())
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


class CustomerBook:
    """Create the demo tenant's customers, drawing from the history's random source."""

    def __init__(
        self, tenant: Tenant, rng: random.Random, start: date, today: date, sales: User
    ) -> None:
        self.tenant = tenant
        self.rng = rng
        self.start = start
        self.today = today
        self.sales = sales

    def make(self) -> list[DemoCustomer]:
        """Create the customers and their contacts."""
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
                since += timedelta(rng.randint(60, (self.today - self.start).days - 90))
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
        self,
        index: int,
        company: Company,
        habit: str,
        typical: float,
        tags: list[str],
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
            opted_out_channels=["sms"] if rng.random() < 0.05 else [],
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
            local = (
                ACCOUNTS_MAILBOX[language]
                if generic
                else (slugify(_ascii(first)) + "." + slugify(_ascii(last)).replace("-", ""))
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
        channels = ["email"]
        if any(c.whatsapp for c in contacts) and rng.random() < 0.7:
            channels.append("whatsapp")
        if rng.random() < 0.25:
            channels.append("sms")
        if habit == Habit.LATE or rng.random() < 0.1:
            channels.append("voice")
        return channels
