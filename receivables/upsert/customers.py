"""Create or update customers (and their contacts) by external id, many at a time."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from kapittx import bulk, cycle_collector
from kapittx.bulk import update_values
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import Contact, ContactRole, Customer
from receivables.phones import to_e164
from receivables.signals import customers_changed
from receivables.upsert import checks, progress
from receivables.upsert.checks import BAD
from receivables.upsert.results import Errors, Written

#: Customer columns an item may set, with their default on create.
FIELDS = {
    "name": "",
    "currency": None,  # the tenant's base currency
    "address": "",
    "country": "",
    "time_zone": "",
    "language": "",
    "tags": [],
    "credit_limit": None,
    "payment_terms_days": 30,
}
CONTACT_FIELDS = ("name", "email", "phone", "whatsapp", "role")


@cycle_collector.paused()
def upsert_customers(
    tenant: Tenant,
    items: Sequence[dict],
    *,
    dry_run: bool = False,
    on_progress: progress.Progress | None = None,
) -> Written:
    """Create or update a customer per item, matched by ``external_id``; all or nothing."""
    errors = Errors()
    with transaction.atomic():
        existing = _existing(tenant, items)
        wanted = [
            _check(tenant, errors, index, item)
            for index, item in progress.checked(items, on_progress)
        ]
        _refuse_repeats(errors, wanted)
        for index, values in enumerate(wanted):
            if values and values["external_id"] not in existing and not values.get("name"):
                errors.add(index, "name", "required", "A new customer needs a name.")
        contacts = _contacts_wanted(errors, items, wanted, existing)
        errors.raise_if_any()
        written = Written(notes=errors.notes)
        if dry_run:
            _count(written, wanted, existing, contacts)
            return written
        _write(tenant, written, wanted, existing, contacts, on_progress)
    return written


def _existing(tenant: Tenant, items: Sequence[dict]) -> dict[str, Customer]:
    keys = list(
        {
            checks.lookup_key(item.get("external_id"))
            for item in items
            if _is_text(item, "external_id")
        }
        - {None}
    )
    found = {}
    for chunk in checks.chunks(keys):
        found.update(
            (customer.external_id, customer)
            for customer in scoped(Customer, tenant).filter(external_id__in=chunk)
        )
    return found


def _is_text(item: dict, key: str) -> bool:
    return isinstance(item.get(key), str)


def _check(tenant: Tenant, errors: Errors, index: int, item: dict) -> dict | None:
    """Return the item's checked values (only the keys it carries), or None if bad."""
    if not isinstance(item, dict):
        errors.add(index, "", "invalid", "Each item must be an object.")
        return None
    values = {"external_id": checks.text(errors, index, item, "external_id", 100, required=True)}
    if "name" in item:
        values["name"] = checks.text(errors, index, item, "name", 200, required=True)
    for key, limit in (("address", 2000), ("language", 10)):
        if key in item:
            values[key] = checks.text(errors, index, item, key, limit) or ""
    if "currency" in item:
        values["currency"] = checks.currency(errors, index, item)
    if "country" in item:
        values["country"] = checks.country(errors, index, item) or ""
    if "time_zone" in item:
        values["time_zone"] = checks.time_zone(errors, index, item) or ""
    if "payment_terms_days" in item:
        values["payment_terms_days"] = checks.whole_number(
            errors, index, item, "payment_terms_days", 0, 3650
        )
    if "tags" in item:
        values["tags"] = _tags(errors, index, item.get("tags"))
    if "credit_limit" in item:
        code = values.get("currency") or tenant.base_currency
        values["credit_limit"] = checks.amount(
            errors, index, item, "credit_limit", code if code is not BAD else "EUR"
        )
    if errors.bad(index):
        return None
    return values


def _tags(errors: Errors, index: int, value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        errors.add(index, "tags", "invalid", "tags must be a list of text.")
        return BAD
    tags = [tag.strip() for tag in value if tag.strip()]
    if len(tags) > 50 or any(len(tag) > 50 for tag in tags):
        errors.add(index, "tags", "invalid", "At most 50 tags of at most 50 characters each.")
        return BAD
    return list(dict.fromkeys(tags))


def _refuse_repeats(errors: Errors, wanted: list[dict | None]) -> None:
    first: dict[str, int] = {}
    for index, values in enumerate(wanted):
        if values is None:
            continue
        key = values["external_id"]
        if key in first:
            errors.add(
                index,
                "external_id",
                "duplicate",
                f"External id {key} is also on item {first[key]}.",
            )
        else:
            first[key] = index


def _contacts_wanted(errors, items, wanted, existing) -> dict[int, list[dict]]:
    """Return each item's checked contacts, by item index."""
    found = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or "contacts" not in item:
            continue
        raw = item["contacts"]
        if not isinstance(raw, list) or len(raw) > 50:
            errors.add(index, "contacts", "invalid", "contacts must be a list of at most 50.")
            continue
        # The item's own country, even when another of its fields is bad, so a national
        # number is read as that country's and not refused for a wrong reason.
        country = item.get("country")
        known = existing.get(item.get("external_id"))
        region = (
            country.strip().upper()
            if isinstance(country, str) and country.strip().upper() in checks.countries()
            else (known.country if known else "")
        )
        found[index] = [
            contact
            for number, entry in enumerate(raw)
            if (contact := _contact(errors, index, f"contacts.{number}", entry, region))
        ]
    return found


def _contact(errors: Errors, index: int, where: str, entry, region: str) -> dict | None:
    if not isinstance(entry, dict):
        errors.add(index, where, "invalid", "Each contact must be an object.")
        return None
    contact = {}
    for key, limit in (("name", 200), ("email", 254), ("phone", 32), ("whatsapp", 32)):
        value = entry.get(key)
        if value is not None and not isinstance(value, str):
            errors.add(index, f"{where}.{key}", "invalid", f"{key} must be text.")
            return None
        value = (value or "").strip()
        if len(value) > limit:
            errors.add(index, f"{where}.{key}", "too_long", f"{key} is too long.")
            return None
        contact[key] = value
    if contact["email"]:
        try:
            validate_email(contact["email"])
        except ValidationError:
            errors.add(index, f"{where}.email", "invalid_email", "Enter a valid email address.")
            return None
    for key in ("phone", "whatsapp"):
        try:
            contact[key] = to_e164(contact[key], region)
        except ValidationError as exc:
            errors.add(index, f"{where}.{key}", "invalid_phone", " ".join(exc.messages))
            return None
    role = (
        (entry.get("role") or ContactRole.BILLING)
        if isinstance(entry.get("role"), str | None)
        else ""
    )
    if role not in ContactRole.values:
        errors.add(
            index,
            f"{where}.role",
            "invalid_choice",
            f"role must be one of {', '.join(ContactRole.values)}.",
        )
        return None
    contact["role"] = role
    if not (contact["email"] or contact["phone"] or contact["whatsapp"]):
        errors.add(
            index, where, "required", "A contact needs an email, a phone or a WhatsApp number."
        )
        return None
    return contact


def _count(written: Written, wanted, existing, contacts) -> None:
    for values in wanted:
        customer = existing.get(values["external_id"])
        if customer is None:
            written.created += 1
            written.ids.append(None)
        else:
            written.ids.append(customer.pk)
            changed = _changes(customer, values)
            written.updated += bool(changed)
            written.unchanged += not changed


def _changes(customer: Customer, values: dict) -> dict:
    return {
        key: value
        for key, value in values.items()
        if key != "external_id" and getattr(customer, key) != value
    }


def _write(tenant, written, wanted, existing, contacts, on_progress) -> None:
    now = timezone.now()
    new, changed = [], []
    for index, values in enumerate(wanted):
        customer = existing.get(values["external_id"])
        if customer is None:
            defaults = {**FIELDS, "currency": tenant.base_currency}
            fields = {
                **defaults,
                **{k: v for k, v in values.items() if v is not None or k == "credit_limit"},
            }
            customer = Customer(tenant=tenant, created_at=now, updated_at=now, **fields)
            new.append(customer)
        elif changes := _changes(customer, values):
            for key, value in changes.items():
                setattr(customer, key, value)
            customer.updated_at = now
            changed.append(customer)
        existing[values["external_id"]] = customer
        wanted[index] = customer
    bulk.create(Customer, new)
    columns = [*FIELDS, "updated_at"]
    update_values(
        Customer, columns, [(c.pk, *(getattr(c, name) for name in columns)) for c in changed]
    )
    touched = _write_contacts(tenant, wanted, contacts, now)
    # Customers changed only through their contacts: written above as of ``now`` otherwise.
    through_contacts = touched - {c.pk for c in new} - {c.pk for c in changed}
    for customer in {c.pk: c for c in wanted if c.pk in through_contacts}.values():
        customer.updated_at = now
        changed.append(customer)
    update_values(Customer, ["updated_at"], [(pk, now) for pk in through_contacts])
    written.ids = [customer.pk for customer in wanted]
    written.created = len(new)
    written.updated = len({c.pk for c in changed})
    written.unchanged = len(wanted) - written.created - written.updated
    progress.written(on_progress, len(wanted), len(wanted))
    if changed:
        customers_changed.send(
            sender=Customer, tenant_id=tenant.pk, customer_ids=[c.pk for c in changed]
        )


def _write_contacts(tenant, customers: list[Customer], contacts: dict[int, list[dict]], now):
    """Match each wanted contact by email, else phone, within its customer; create or update.
    Return the ids of customers whose contacts changed."""
    owners = [customers[index].pk for index in contacts]
    stored: dict[int, list[Contact]] = {}
    for chunk in checks.chunks(owners):
        for contact in scoped(Contact, tenant).filter(customer_id__in=chunk):
            stored.setdefault(contact.customer_id, []).append(contact)
    new, changed, touched = [], [], set()
    for index, wanted in contacts.items():
        customer = customers[index]
        mine = stored.setdefault(customer.pk, [])
        for values in wanted:
            contact = _match(mine, values)
            if contact is None:
                contact = Contact(tenant=tenant, customer=customer, updated_at=now, **values)
                mine.append(contact)
                new.append(contact)
                touched.add(customer.pk)
                continue
            update = {k: v for k, v in values.items() if v and getattr(contact, k) != v}
            if update.get("email", "").lower() == contact.email.lower():
                del update["email"]
            if update:
                for key, value in update.items():
                    setattr(contact, key, value)
                contact.updated_at = now
                changed.append(contact)
                touched.add(customer.pk)
    bulk.create(Contact, new)
    columns = [*CONTACT_FIELDS, "updated_at"]
    update_values(
        Contact, columns, [(c.pk, *(getattr(c, name) for name in columns)) for c in changed]
    )
    return touched


def _match(contacts: list[Contact], values: dict) -> Contact | None:
    email = values["email"].lower()
    for contact in contacts:
        if email and contact.email.lower() == email:
            return contact
    for contact in contacts:
        if values["phone"] and contact.phone == values["phone"]:
            return contact
    return None
