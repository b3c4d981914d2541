"""One reminder's trouble stays its own, and each outcome is written as it happens: a worker
that stops mid-batch leaves nothing sent twice and nothing lost; a template over its render
limits fails only its own reminders, with the limit as the reason."""

from datetime import date, timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.test import TestCase

from collections_app.events import Kind
from collections_app.models import PromiseToPay, TimelineEvent
from reminders.channels.base import SendResult
from reminders.messages.templates import save_template
from reminders.models import Dispatch, DispatchStatus, Template
from reminders.outbox import reconcile, release, send, sweep
from tests.reminders.messages.hostile import PAYLOADS, WITH_REQUEST, timed
from tests.reminders.scenario import local, make_customer, make_invoice, make_workflow

S = DispatchStatus
DUE = date(2026, 3, 20)
NOW = local("2026-03-17 10:00")  # the courtesy reminder, three days before


class WorkerKilled(BaseException):
    """Stands in for the process dying: nothing in the outbox may catch it."""


class Recording:
    """An adapter that records each reminder it is handed, and can misbehave on one."""

    calls: list[int] = []
    fail_on: int | None = None
    error: BaseException | None = None

    def send(self, dispatch: Dispatch) -> SendResult:
        Recording.calls.append(dispatch.pk)
        if len(Recording.calls) == Recording.fail_on:
            raise Recording.error
        return SendResult(f"provider-{dispatch.pk}")


@pytest.fixture
def adapter(monkeypatch):
    Recording.calls, Recording.fail_on, Recording.error = [], None, None
    monkeypatch.setattr(send, "adapter_class", lambda kind: Recording)
    return Recording


def queued(tenant, count: int = 3) -> list[Dispatch]:
    """Return ``count`` released courtesy reminders, one customer each, oldest first."""
    make_workflow(tenant)
    for n in range(1, count + 1):
        customer = make_customer(tenant, f"C-{n}")
        make_invoice(tenant, customer, f"INV-{n}", DUE)
    sweep.sweep(tenant, NOW)
    released: list[Dispatch] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        release.release(tenant, NOW, released.extend)
    return sorted(released, key=lambda d: d.customer.external_id)


def statuses(dispatches) -> list[str]:
    return [Dispatch.objects.get(pk=d.pk).status for d in dispatches]


def test_a_template_that_fails_for_one_customer_fails_only_that_reminder(tenant, adapter):
    template = Template.objects.get(tenant=tenant, key="courtesy-before-due", language="en")
    # The save check renders against sample data, which has a promise; real customers
    # without one make the template fail.
    template.body_text = "We noted your promise for {{ promise.promised_on|date }}."
    save_template(template)
    first, second, third = queued(tenant)
    PromiseToPay.objects.create(
        tenant=tenant,
        customer=second.customer,
        promised_on=date(2026, 3, 1),
        status=PromiseToPay.Status.BROKEN,
    )
    outcome = send.deliver_many(tenant.pk, [first.pk, second.pk, third.pk])
    assert outcome == {first.pk: S.FAILED, second.pk: S.SENT, third.pk: S.FAILED}
    failed = Dispatch.objects.get(pk=first.pk)
    assert failed.error.startswith("The template does not render for this customer: body_text:")
    assert adapter.calls == [second.pk]
    assert TimelineEvent.objects.filter(kind=Kind.REMINDER_FAILED).count() == 2


def test_an_unexpected_error_in_the_channel_interrupts_only_that_reminder(tenant, adapter):
    first, second, third = queued(tenant)
    adapter.fail_on, adapter.error = 2, RuntimeError("socket closed")
    outcome = send.deliver_many(tenant.pk, [first.pk, second.pk, third.pk])
    assert outcome == {first.pk: S.SENT, second.pk: S.INTERRUPTED, third.pk: S.SENT}
    interrupted = Dispatch.objects.get(pk=second.pk)
    assert "may have left" in interrupted.reason and "socket closed" in interrupted.error
    assert adapter.calls == [first.pk, second.pk, third.pk]


def test_a_worker_that_dies_mid_batch_leaves_each_reminder_settled(tenant, adapter):
    first, second, third = queued(tenant)
    adapter.fail_on, adapter.error = 2, WorkerKilled()
    with pytest.raises(WorkerKilled):
        send.deliver_many(tenant.pk, [first.pk, second.pk, third.pk])
    # What the provider accepted is recorded already; the one being sent is marked as
    # handed to the provider; the one never reached is not.
    rows = {d.pk: d for d in Dispatch.objects.filter(tenant=tenant).exclude(status=S.SKIPPED)}
    assert rows[first.pk].status == S.SENT
    assert rows[first.pk].provider_message_id == f"provider-{first.pk}"
    assert rows[second.pk].status == S.SENDING and rows[second.pk].provider_called_at
    assert rows[third.pk].status == S.SENDING and rows[third.pk].provider_called_at is None
    # The worker's clock is the wall clock; the batch ran at this scenario's NOW.
    Dispatch.objects.filter(pk__in=rows).update(claimed_at=NOW)
    Dispatch.objects.filter(pk=second.pk).update(provider_called_at=NOW)

    # Within the lease, nothing is second-guessed.
    assert reconcile.reconcile(tenant.pk, NOW + timedelta(minutes=5)) == reconcile.Reconciled(
        0, 0, 0
    )
    later = NOW + reconcile.LEASE + timedelta(minutes=1)
    assert reconcile.reconcile(tenant.pk, later) == reconcile.Reconciled(1, 1, 0)
    assert statuses([first, second, third]) == [S.SENT, S.INTERRUPTED, S.PLANNED]
    assert TimelineEvent.objects.filter(kind=Kind.REMINDER_INTERRUPTED).count() == 1

    # The one never handed over goes again through the gate; the other two never do.
    adapter.fail_on = None
    released: list[Dispatch] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        release.release(tenant, later, released.extend)
    assert [d.pk for d in released] == [third.pk]
    send.deliver_many(tenant.pk, [third.pk])
    assert statuses([first, second, third]) == [S.SENT, S.INTERRUPTED, S.SENT]
    assert sorted(adapter.calls) == sorted([first.pk, second.pk, third.pk])


def test_a_worker_that_outlived_its_lease_does_not_send_what_was_taken_back(tenant, adapter):
    [dispatch] = queued(tenant, 1)
    claimed = send._claim(tenant.pk, [dispatch.pk], NOW)
    reconcile.reconcile(tenant.pk, NOW + reconcile.LEASE + timedelta(minutes=1))
    assert Dispatch.objects.get(pk=dispatch.pk).status == S.PLANNED
    # The old worker wakes up and goes on with its batch.
    assert send._send_composed(claimed, NOW) == {dispatch.pk: "not claimed"}
    assert adapter.calls == []


def test_a_reminder_that_kills_every_worker_is_given_up(tenant, adapter):
    [dispatch] = queued(tenant, 1)
    Dispatch.objects.filter(pk=dispatch.pk).update(
        status=S.SENDING, attempts=reconcile.MAX_ATTEMPTS, claimed_at=NOW
    )
    result = reconcile.reconcile(tenant.pk, NOW + reconcile.LEASE + timedelta(minutes=1))
    assert result == reconcile.Reconciled(0, 0, 1)
    assert Dispatch.objects.get(pk=dispatch.pk).status == S.FAILED


@pytest.mark.parametrize("source", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_hostile_template_fails_its_reminder_and_the_next_batch_still_sends(
    tenant, adapter, source
):
    first, second = queued(tenant, 2)
    courtesy = Template.objects.get(tenant=tenant, key="courtesy-before-due", language="en")
    # Saved behind the check's back, as a template saved before renders were bounded.
    Template.objects.filter(pk=courtesy.pk).update(body_text=source)
    with timed(WITH_REQUEST):
        assert send.deliver_many(tenant.pk, [first.pk]) == {first.pk: S.FAILED}
    error = Dispatch.objects.get(pk=first.pk).error
    assert error.startswith("The template does not render for this customer: body_text: ")
    assert "Over a limit: " in error
    # The next batch, on a template that renders, goes out as ever.
    Template.objects.filter(pk=courtesy.pk).update(body_text=courtesy.body_text)
    assert send.deliver_many(tenant.pk, [second.pk]) == {second.pk: S.SENT}
    assert adapter.calls == [second.pk]


def test_a_template_that_passes_the_check_but_explodes_on_real_data_is_bounded(tenant, adapter):
    courtesy = Template.objects.get(tenant=tenant, key="courtesy-before-due", language="en")
    # The check renders for the sample customer C-1: it passes, and so does C-1's reminder.
    courtesy.body_text = (
        '{% if customer.external_id != "C-1" %}'
        "{% for a in range(10000) %}{% for b in range(10000) %}{{ a }}{% endfor %}{% endfor %}"
        "{% endif %}Dear {{ customer.name }}"
    )
    save_template(courtesy)
    first, second, third = queued(tenant)
    assert first.customer.external_id == "C-1"
    with timed(WITH_REQUEST):
        outcome = send.deliver_many(tenant.pk, [first.pk, second.pk, third.pk])
    assert outcome == {first.pk: S.SENT, second.pk: S.FAILED, third.pk: S.FAILED}
    assert Dispatch.objects.get(pk=second.pk).error.endswith(
        "body_text: Over a limit: loops ran more than 100,000 times (line 1)"
    )
    assert adapter.calls == [first.pk]


def test_a_batch_out_of_time_stops_and_leaves_the_rest_to_the_reconciler(
    tenant, adapter, monkeypatch
):
    first, second, third = queued(tenant)
    composed = []

    def compose_until_the_soft_limit(dispatch, *args):
        composed.append(dispatch.pk)
        if len(composed) == 2:
            raise SoftTimeLimitExceeded()

    monkeypatch.setattr(send, "_compose_onto", compose_until_the_soft_limit)
    with pytest.raises(SoftTimeLimitExceeded):
        send.deliver_many(tenant.pk, [first.pk, second.pk, third.pk])
    # Not failed as if the reminder were at fault: still this worker's, sent by nobody.
    assert statuses([first, second, third]) == [S.SENDING] * 3
    assert adapter.calls == []
