"""Previewing the coming reminders writes nothing: for a tenant, one customer, or a segment
(the ``preview_reminders`` command)."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from reminders.models import Dispatch, Workflow
from reminders.outbox import sweep
from reminders.outbox.preview import preview
from tests.reminders.scenario import local, make_customer, make_invoice, run

DUE = date(2026, 3, 20)  # a Friday


def test_preview_lists_the_coming_reminders_without_writing(tenant, customer):
    make_invoice(tenant, customer, "INV-1", DUE)
    upcoming = preview(tenant, days=31, start=local("2026-03-16 10:00"))
    assert [p.item.slot.step.template_key for p in upcoming] == [
        "courtesy-before-due",
        "due-today",
        "overdue-polite",
        "overdue-firm",
    ]
    assert not Dispatch.objects.exists()
    assert Workflow.objects.filter(tenant=tenant).exists()


def test_preview_of_a_paused_customer_resumes_the_day_after_the_pause(tenant, customer):
    # Given: reminded of the courtesy step, the customer is paused until Wednesday the 25th,
    # and a sweep on Monday left the invoice waiting
    make_invoice(tenant, customer, "INV-1", DUE)
    run(tenant, local("2026-03-17 10:00"))
    customer.reminders_paused_until = date(2026, 3, 25)
    customer.save()
    sweep.sweep(tenant, local("2026-03-23 10:00"))

    upcoming = preview(tenant, days=10, start=local("2026-03-23 10:00"))

    assert [(p.on, p.item.slot.step.template_key) for p in upcoming] == [
        (local("2026-03-26 10:00"), "due-today"),
        (local("2026-03-27 10:00"), "overdue-polite"),
    ]


def test_preview_for_one_customer_lists_only_theirs(tenant, workflow):
    mine, other = make_customer(tenant, "C-A"), make_customer(tenant, "C-B")
    make_invoice(tenant, mine, "INV-A", DUE)
    make_invoice(tenant, other, "INV-B", DUE)
    upcoming = preview(tenant, 10, start=local("2026-03-16 10:00"), customers=[mine.pk])
    assert {p.item.customer_id for p in upcoming} == {mine.pk}
    assert len(upcoming) == 2


def test_the_command_previews_a_tenant_a_segment_or_a_customer(capsys, tenant, book):
    call_command("preview_reminders", tenant=tenant.slug, days=5)
    out = capsys.readouterr().out
    assert all(name in out for name in ("Pinned", "Brandt", "Kessler", "Vip"))
    call_command("preview_reminders", tenant=tenant.slug, days=5, segment="Germany")
    out = capsys.readouterr().out
    assert "Brandt" in out and "Kessler" in out and "Vip" not in out and "Pinned" not in out
    call_command("preview_reminders", tenant=tenant.slug, days=5, customer="vip")
    lines = capsys.readouterr().out.splitlines()
    assert all("Vip" in line for line in lines[:-1]) and lines[-1].endswith("next 5 days.")
    assert not Dispatch.objects.exists()


@pytest.mark.parametrize(
    "options, message",
    [
        ({"tenant": "nope"}, "No tenant with slug 'nope'."),
        ({"tenant": "acme", "segment": "Nope"}, "No segment named 'Nope' in acme."),
        ({"tenant": "acme", "customer": "C-404"}, "No customer 'C-404' in acme."),
        ({"tenant": "acme", "days": 0}, "--days must be at least 1."),
    ],
)
def test_the_command_says_what_it_cannot_find(tenant, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("preview_reminders", **options)
