"""Contacts and clients exports become customers with contacts; payments files pay the
invoices they name."""

from datetime import date
from decimal import Decimal

from receivables.models import Contact, Payment, PaymentSource
from tests.integrations.importers import files
from tests.integrations.importers.results import customers, invoices, run


def xero_contacts() -> bytes:
    rows = [
        {"*ContactName": "Brightside Ltd", "AccountNumber": "BRIGHT-7",
         "EmailAddress": "ap@brightside.test", "FirstName": "Ann", "LastName": "Lee",
         "POAddressLine1": "1 High St", "POCity": "Leeds", "POPostalCode": "LS1 1AA",
         "POCountry": "United Kingdom", "PhoneNumber": "+44 113 496 0000"},
        {"*ContactName": "Cobalt & Sons", "EmailAddress": "pay@cobalt.test; boss@cobalt.test",
         "POCountry": "Narnia"},
    ]  # fmt: skip
    return files.to_csv(files.table(files.XERO_CONTACT_COLUMNS, rows), bom=True)


def test_a_xero_contacts_export_makes_customers_with_their_contacts(acme):
    report = run(acme, xero_contacts(), kind="customers")

    assert (report.preset, report.items) == ("xero", 2)
    found = customers(acme)
    assert set(found) == {"BRIGHT-7", "Cobalt & Sons"}  # no account number: the name
    bright = found["BRIGHT-7"]
    assert (bright.name, bright.country) == ("Brightside Ltd", "GB")
    assert bright.address == "1 High St, Leeds, LS1 1AA, United Kingdom"
    contact = Contact.objects.get(customer=bright)
    assert (contact.name, contact.email, contact.phone) == (
        "Ann Lee",
        "ap@brightside.test",
        "+441134960000",
    )
    assert sorted(
        Contact.objects.filter(customer=found["Cobalt & Sons"]).values_list("email", flat=True)
    ) == [
        "boss@cobalt.test",
        "pay@cobalt.test",
    ]
    assert report.notes == ["Countries not recognised, left empty: Narnia."]


def test_importing_contacts_again_updates_instead_of_duplicating(acme):
    run(acme, xero_contacts(), kind="customers")

    report = run(
        acme, xero_contacts().replace(b"Brightside Ltd", b"Brightside Group"), kind="customers"
    )

    assert report.written["customers"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert customers(acme)["BRIGHT-7"].name == "Brightside Group"
    assert Contact.objects.filter(tenant=acme).count() == 3


def test_a_zoho_contacts_export_keeps_ids_terms_and_skips_vendors(acme):
    rows = [
        {"Display Name": "Simpsons Baking Co", "Company Name": "Simpsons Baking Co",
         "First Name": "Margery", "Last Name": "Simpson", "Phone": "+1 212 555 0100",
         "Currency Code": "USD", "Status": "Active", "Payment Terms": "30",
         "Payment Terms Label": "Net 30", "EmailID": "marge@simpsonsbaking.test",
         "Customer ID": "2520018000000073048", "Customer Name": "Simpsons Baking Co",
         "Contact Type": "customer", "Billing Country": "US"},
        {"Display Name": "Paper Supplies Inc", "Currency Code": "USD", "Payment Terms": "0",
         "EmailID": "sales@paper.test", "Customer ID": "2520018000000099999",
         "Contact Type": "vendor"},
    ]  # fmt: skip

    report = run(
        acme, files.to_csv(files.table(files.ZOHO_CONTACT_COLUMNS, rows)), kind="customers"
    )

    assert (report.preset, report.skipped) == ("zoho", {"suppliers": 1})
    [customer] = customers(acme).values()
    assert customer.external_id == "2520018000000073048"
    assert (customer.currency, customer.payment_terms_days, customer.country) == ("USD", 30, "US")
    assert Contact.objects.get(customer=customer).phone == "+12125550100"


def test_freshbooks_clients_without_an_organisation_are_named_after_their_contact(acme):
    rows = [
        {"Organization": "X-Men", "First Name": "Scott", "Last Name": "Summers",
         "Email": "ssummers@xavier.test", "Country": "United States"},
        {"First Name": "Marge", "Last Name": "Simpson", "Email": "marge@simpsons.test"},
    ]  # fmt: skip

    report = run(
        acme, files.to_csv(files.table(files.FRESHBOOKS_CLIENT_COLUMNS, rows)), kind="customers"
    )

    assert report.preset == "freshbooks"
    assert {c.name for c in customers(acme).values()} == {"X-Men", "Marge Simpson"}


def test_a_quickbooks_contact_list_matches_customers_an_invoice_file_made(acme):
    run(acme, files.QBO_OPEN_INVOICES)
    data = (
        b"Acme Trading Ltd\r\nCustomer Contact List\r\n\r\n"
        b"Customer full name,Phone numbers,Email,Full name,Bill address\r\n"
        b'Acme Corp,"Phone: +1 212 555 0100 Mobile: +1 212 555 0199",ar@acme.test,'
        b'Jo Doe,"1 Main St"\r\n'
    )

    report = run(acme, data, kind="customers")

    assert (report.preset, report.written["customers"]["created"]) == ("quickbooks", 0)
    acme_corp = customers(acme)["Acme Corp"]
    assert acme_corp.address == "1 Main St"
    contact = Contact.objects.get(customer=acme_corp)
    assert (contact.email, contact.phone) == ("ar@acme.test", "+12125550100")


PAYMENTS = ["Payment ID", "Customer ID", "Customer name", "Amount", "Currency", "Date received",
            "Reference", "Method", "Invoice number"]  # fmt: skip


def test_a_payments_file_pays_the_invoices_it_names(acme):
    run(acme, files.zoho_invoices())
    rows = [
        PAYMENTS,
        ["P-1", "2520018000000073035", "", "89.75", "USD", "2026-03-20", "TT 991", "wire",
         "INV-000001"],
    ]  # fmt: skip

    report = run(acme, files.to_csv(rows), kind="payments")

    assert (report.preset, report.written["payments"]["created"]) == ("generic", 1)
    assert invoices(acme)["INV-000001"].balance == Decimal("400")
    payment = Payment.objects.get(tenant=acme, external_id="P-1")
    assert (payment.source, payment.received_on, payment.reference) == (
        PaymentSource.IMPORT,
        date(2026, 3, 20),
        "TT 991",
    )
    again = run(acme, files.to_csv(rows), kind="payments")
    assert again.written["payments"] == {"created": 0, "updated": 0, "unchanged": 1}


def test_a_payment_finds_its_customer_by_name_and_else_is_refused(acme):
    run(acme, files.zoho_invoices())
    rows = [
        PAYMENTS[1:],
        ["", "Highlander", "10.00", "USD", "2026-03-21", "", "", ""],
        ["", "Nobody Ltd", "10.00", "USD", "2026-03-21", "", "", ""],
        ["C-404", "", "10.00", "USD", "2026-03-21", "", "", ""],
    ]

    report = run(acme, files.to_csv(rows), kind="payments")

    assert [e.as_text() for e in report.errors] == [
        'line 3: Customer ID: No customer is named "Nobody Ltd".',
        'line 4: Customer ID: No customer has the id "C-404".',
    ]
    assert not Payment.objects.filter(tenant=acme, source=PaymentSource.IMPORT).exists()


def test_a_payments_file_without_ids_is_warned_about(acme):
    run(acme, files.zoho_invoices())
    rows = [PAYMENTS[1:], ["", "Highlander", "10.00", "USD", "2026-03-21", "", "", ""]]

    report = run(acme, files.to_csv(rows), kind="payments", dry_run=True)

    assert report.notes == [
        "The file has no payment id: importing it again would record its payments again."
    ]
    assert not Payment.objects.filter(tenant=acme, source=PaymentSource.IMPORT).exists()
