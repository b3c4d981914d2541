"""Idempotency-Key: a retry gets the first answer and writes nothing; a different request
with the same key is refused; a request still running makes the retry wait."""

from datetime import timedelta

from django.utils import timezone

from integrations.api.idempotency import forget_expired
from integrations.api.models import IdempotencyRecord
from receivables.models import Customer, Payment
from tests.reminders.pages import today

KEY = {"Idempotency-Key": "5f0c8a8e-retry-1"}


def payment(mine, amount: str = "25.00") -> dict:
    return {"customer": mine.customer.pk, "amount": amount, "received_on": str(today())}


def test_a_retry_returns_the_first_response_and_writes_nothing(api, mine):
    first = api.post("/api/v1/payments/", payment(mine), headers=KEY)
    retry = api.post("/api/v1/payments/", payment(mine), headers=KEY)

    assert first.status_code == 201, first.content
    assert (retry.status_code, retry.content) == (first.status_code, first.content)
    assert retry["Idempotent-Replayed"] == "true"
    assert Payment.objects.filter(tenant=mine.tenant).count() == 1


def test_without_a_key_each_post_is_a_new_payment(api, mine):
    api.post("/api/v1/payments/", payment(mine))
    api.post("/api/v1/payments/", payment(mine))

    assert Payment.objects.filter(tenant=mine.tenant).count() == 2


def test_the_same_key_with_another_body_is_refused(api, mine):
    api.post("/api/v1/payments/", payment(mine), headers=KEY)

    response = api.post("/api/v1/payments/", payment(mine, "26.00"), headers=KEY)

    assert response.status_code == 422
    assert [(e["parameter"], e["code"]) for e in response.json()["errors"]] == [
        ("Idempotency-Key", "idempotency_key_reused")
    ]
    assert Payment.objects.filter(tenant=mine.tenant).count() == 1


def test_the_same_key_on_another_path_is_another_request(api, mine):
    api.post("/api/v1/payments/", payment(mine), headers=KEY)

    response = api.post("/api/v1/customers/", {"external_id": "N", "name": "N"}, headers=KEY)

    assert response.status_code == 422
    assert not Customer.objects.filter(external_id="N").exists()


def test_a_request_still_running_makes_a_retry_wait(api, mine):
    api.post("/api/v1/payments/", payment(mine), headers=KEY)
    # As the first request looks to a retry while it still runs: claimed, not answered.
    IdempotencyRecord.objects.update(status=None, created_at=timezone.now())

    response = api.post("/api/v1/payments/", payment(mine), headers=KEY)

    assert response.status_code == 409
    assert [(e["parameter"], e["code"]) for e in response.json()["errors"]] == [
        ("Idempotency-Key", "request_in_flight")
    ]
    assert Payment.objects.filter(tenant=mine.tenant).count() == 1


def test_an_abandoned_claim_is_taken_over(api, mine):
    api.post("/api/v1/payments/", payment(mine), headers=KEY)
    record = IdempotencyRecord.objects.get()
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status=None, created_at=timezone.now() - timedelta(minutes=10)
    )

    response = api.post("/api/v1/payments/", payment(mine), headers=KEY)

    assert response.status_code == 201
    assert IdempotencyRecord.objects.get().status == 201


def test_a_refused_request_frees_its_key(api, mine):
    refused = api.post("/api/v1/payments/", {**payment(mine), "amount": 25}, headers=KEY)
    fixed = api.post("/api/v1/payments/", payment(mine), headers=KEY)

    assert refused.status_code == 400
    assert fixed.status_code == 201


def test_keys_are_per_tenant(api, their_api, mine, theirs):
    mine_first = api.post("/api/v1/customers/", {"external_id": "S", "name": "S"}, headers=KEY)
    theirs_first = their_api.post(
        "/api/v1/customers/", {"external_id": "S", "name": "S"}, headers=KEY
    )

    assert (mine_first.status_code, theirs_first.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in theirs_first
    assert Customer.objects.filter(external_id="S").count() == 2


def test_responses_are_kept_a_day_and_then_forgotten(api, mine, settings):
    settings.KAPITTX_IDEMPOTENCY_HOURS = 1  # never less than 24 hours
    api.post("/api/v1/payments/", payment(mine), headers=KEY)
    record = IdempotencyRecord.objects.get()

    IdempotencyRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - timedelta(hours=23)
    )
    assert forget_expired() == 0
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    assert forget_expired() == 1


def test_a_malformed_key_is_refused(api, mine):
    response = api.post("/api/v1/payments/", payment(mine), headers={"Idempotency-Key": "a b"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "Idempotency-Key"
    assert not Payment.objects.exists()


def test_the_beat_forgets_old_responses_through_a_registered_task(settings):
    from kapittx.celery import app

    app.loader.import_default_modules()
    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "forget" in e["task"]]
    assert entry["task"] in app.tasks
    assert entry["schedule"] <= 3600
