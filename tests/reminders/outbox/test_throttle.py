"""A provider account's rate limit: what is beyond it waits for the next tick."""

import random
from datetime import date

from reminders.models import Dispatch, DispatchStatus
from reminders.outbox import throttle
from tests.reminders.scenario import local, make_customer, make_invoice, run

DUE = date(2026, 3, 20)  # a Friday


def test_sends_beyond_the_accounts_rate_wait_for_the_next_tick(
    tenant, workflow, settings, monkeypatch
):
    settings.KAPITTX_PLATFORM_RATES = {"email": 2, "twilio": 10}
    second = random.randint(10**9, 2 * 10**9)
    monkeypatch.setattr(throttle.time, "time", lambda: second + 0.5)
    for n in range(3):
        make_invoice(tenant, make_customer(tenant, f"C-{n}"), f"INV-{n}", DUE)
    assert len(run(tenant, local("2026-03-17 10:00"))) == 2
    waiting = Dispatch.objects.get(tenant=tenant, status=DispatchStatus.PLANNED)
    assert waiting.reason == "waiting for the provider's rate limit" and waiting.attempts == 0
    monkeypatch.setattr(throttle.time, "time", lambda: second + 1.5)
    assert [d.pk for d in run(tenant, local("2026-03-17 10:01"))] == [waiting.pk]
