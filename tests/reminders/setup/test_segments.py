"""Who follows which workflow: a pinned workflow first, then the first segment whose rules
match, then the default."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from reminders.models import Segment, Tone
from reminders.setup.segments import rule_problems, segment_members, validate_rules, workflows_for
from tests.reminders.scenario import local, make_customer, make_invoice, make_workflow, run

DUE = date(2026, 3, 20)  # a Friday


@pytest.fixture
def workflow(tenant):
    return make_workflow(tenant)


def test_a_segment_has_the_customers_who_follow_its_workflow(book):
    germany, customers = book
    assert set(segment_members(germany)) == {customers["brandt"], customers["kessler"]}


def test_segments_route_customers_to_their_workflow(tenant, workflow):
    fast = make_workflow(
        tenant, [(-7, "email", "courtesy-before-due", Tone.COURTESY)], name="Key", default=False
    )
    Segment.objects.create(
        tenant=tenant,
        name="Key accounts",
        priority=1,
        workflow=fast,
        rules=[{"field": "tags", "op": "has", "value": "key-account"}],
    )
    key = make_customer(tenant, "C-KEY", tags=["key-account"])
    normal = make_customer(tenant, "C-STD", tags=["retail"])
    make_invoice(tenant, key, "INV-K", DUE)
    make_invoice(tenant, normal, "INV-S", DUE)
    sent = run(tenant, local("2026-03-13 10:00"))
    assert [d.customer_id for d in sent] == [key.pk]


def test_pinned_workflow_wins_over_segments(tenant, workflow):
    pinned = make_workflow(
        tenant,
        [(-10, "email", "courtesy-before-due", Tone.COURTESY)],
        name="Pin",
        default=False,
    )
    customer = make_customer(tenant, workflow=pinned)
    make_invoice(tenant, customer, "INV-1", DUE)
    assert len(run(tenant, local("2026-03-10 10:00"))) == 1


@pytest.mark.parametrize(
    "value", ["NaN", "-nan", "Infinity", "-Infinity", "inf", "sNaN", "1e999", True, None, [1]]
)
def test_a_rule_compares_with_finite_numbers_only(value):
    with pytest.raises(ValidationError, match="Rule 1: "):
        validate_rules([{"field": "outstanding", "op": "gte", "value": value}])


def test_a_stored_segment_that_cannot_be_evaluated_is_skipped_by_the_sweep(tenant, workflow):
    early = make_workflow(
        tenant, [(-7, "email", "courtesy-before-due", Tone.COURTESY)], name="Early", default=False
    )
    for priority, rules in [
        (1, [{"field": "outstanding", "op": "gte", "value": "NaN"}]),
        (2, [{"field": "share_paid_late", "op": "lt", "value": "-Infinity"}]),
        (5, [{"field": "tags", "op": "has", "value": "key-account"}]),
    ]:
        Segment.objects.create(
            tenant=tenant, name=f"S{priority}", priority=priority, workflow=early, rules=rules
        )
    key = make_customer(tenant, "C-KEY", tags=["key-account"])
    normal = make_customer(tenant, "C-STD")
    make_invoice(tenant, key, "INV-K", DUE)
    make_invoice(tenant, normal, "INV-S", DUE)
    # The broken segments match nobody; the working one still routes its customers.
    sent = run(tenant, local("2026-03-13 10:00"))
    assert [d.customer_id for d in sent] == [key.pk]
    assert workflows_for(tenant, [key.pk, normal.pk]) == {key.pk: early.pk, normal.pk: workflow.pk}
    broken = Segment.objects.get(name="S1")
    assert rule_problems(broken.rules) and not segment_members(broken).exists()
