"""The segment pages: rules as rows, the workflow a segment follows, and the match count."""

import pytest
from django.urls import reverse

from kapittx.roles import Role
from receivables.models import Customer
from reminders.models import Segment
from tests.conftest import make_member
from tests.reminders.pages import place_all_invoices, snapshot, stale_flags, url


def rule_data(rows: list[tuple[str, str, str]], **fields) -> dict:
    data = {"rules-TOTAL_FORMS": len(rows), "rules-INITIAL_FORMS": 0, **fields}
    for i, (field, op, value) in enumerate(rows):
        data.update({f"rules-{i}-field": field, f"rules-{i}-op": op, f"rules-{i}-value": value})
    return data


def test_segment_list_shows_rules_workflow_and_matching_customers(client, mine, customers, owner):
    client.force_login(owner)
    page = client.get(url("segment_list", mine.tenant))
    [row] = page.context["rows"]
    assert row["rules"] == ["outstanding ≥ 100"]
    assert row["matching"] == 2
    assert "Acme cadence" in page.content.decode()


def test_create_a_segment_from_rule_rows(client, mine, customers, owner):
    place_all_invoices()
    client.force_login(owner)
    data = rule_data(
        [("country", "in", "AT, CH"), ("outstanding", "lt", "1000"), ("", "", "")],
        name="Alps",
        priority=5,
        workflow=mine.workflow.pk,
    )
    response = client.post(url("segment_create", mine.tenant), data)
    segment = Segment.objects.get(tenant=mine.tenant, name="Alps")
    assert response.url == url("segment_edit", mine.tenant, segment_id=segment.pk)
    assert segment.rules == [
        {"field": "country", "op": "in", "value": ["AT", "CH"]},
        {"field": "outstanding", "op": "lt", "value": "1000"},
    ]
    assert all(stale_flags(mine.tenant))
    page = client.get(response.url)
    assert page.context["matching"] == 1


def test_bad_rules_are_shown_and_nothing_is_saved(client, mine, owner):
    client.force_login(owner)
    before = snapshot(mine.tenant)
    data = rule_data(
        [("outstanding", "has", "1"), ("share_paid_late", "gte", "lots")],
        name=mine.segment.name,
        priority=10,
        workflow=mine.workflow.pk,
    )
    response = client.post(url("segment_edit", mine.tenant, segment_id=mine.segment.pk), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rule 1: outstanding takes gte, lte, gt, lt, not &#x27;has&#x27;." in html
    assert "Rule 2: &#x27;lots&#x27; is not a number." in html
    assert snapshot(mine.tenant) == before


def test_a_segment_cannot_follow_another_tenants_workflow(client, mine, theirs, owner):
    client.force_login(owner)
    data = rule_data([], name="Sneaky", priority=1, workflow=theirs.workflow.pk)
    response = client.post(url("segment_create", mine.tenant), data)
    assert response.status_code == 200
    assert not Segment.objects.filter(name="Sneaky").exists()


def test_the_segment_page_says_how_many_follow_it(client, tenant, owner, book):
    germany, _ = book
    client.force_login(owner)
    page = client.get(
        reverse("segment_edit", kwargs={"tenant_slug": tenant.slug, "segment_id": germany.pk})
    )
    assert (page.context["matching"], page.context["following"]) == (4, 2)
    assert f"?segment={germany.pk}" in page.content.decode()


def test_match_count_is_computed_on_the_server(client, mine, customers, teammate):
    client.force_login(teammate)
    count_url = url("segment_match_count", mine.tenant)
    assert client.post(count_url, rule_data([("tags", "has", "key-account")])).json() == {
        "count": 1,
        "errors": [],
    }
    assert client.post(count_url, rule_data([("outstanding", "gte", "1000")])).json()["count"] == 1
    assert client.post(count_url, rule_data([])).json()["count"] == 4
    result = client.post(count_url, rule_data([("country", "gte", "DE")])).json()
    assert result["count"] is None and result["errors"] == [
        "Rule 1: country takes eq, in, not 'gte'."
    ]


def test_match_count_sees_only_this_tenants_customers(client, mine, theirs, owner):
    client.force_login(owner)
    result = client.post(url("segment_match_count", mine.tenant), rule_data([])).json()
    assert result["count"] == 1


NOT_FINITE = ["NaN", "nan", "Infinity", "-Infinity", "inf", "sNaN", "1e999"]


@pytest.mark.parametrize("value", NOT_FINITE)
def test_a_number_that_is_not_finite_is_refused_in_rule_rows(client, mine, owner, value):
    viewer = make_member(mine.tenant, "viewer@acme.test", Role.VIEWER)
    client.force_login(viewer)
    result = client.post(
        url("segment_match_count", mine.tenant), rule_data([("outstanding", "gte", value)])
    ).json()
    assert result["count"] is None and result["errors"][0].startswith("Rule 1: ")

    client.force_login(owner)
    before = snapshot(mine.tenant)
    data = rule_data(
        [("average_days_late", "gt", value)],
        name=mine.segment.name,
        priority=10,
        workflow=mine.workflow.pk,
    )
    response = client.post(url("segment_edit", mine.tenant, segment_id=mine.segment.pk), data)
    assert response.status_code == 200 and "Rule 1: " in response.content.decode()
    assert snapshot(mine.tenant) == before


def test_a_stored_segment_that_cannot_be_evaluated_is_reported_and_pages_keep_working(
    client, mine, customers, owner
):
    bad_rules = [{"field": "outstanding", "op": "gte", "value": "NaN"}]
    Segment.objects.filter(pk=mine.segment.pk).update(rules=bad_rules)
    client.force_login(make_member(mine.tenant, "viewer@acme.test", Role.VIEWER))
    listing = client.get(url("segment_list", mine.tenant))
    assert listing.status_code == 200 and "invalid rules: skipped" in listing.content.decode()
    edit = url("segment_edit", mine.tenant, segment_id=mine.segment.pk)
    page = client.get(edit)
    assert page.status_code == 200
    assert 'id="segment-problems"' in page.content.decode()
    assert "Rule 1: &#x27;NaN&#x27; is not a number" in page.content.decode()
    ids = ",".join(str(pk) for pk in Customer.objects.values_list("pk", flat=True))
    for address in (
        url("customer_list", mine.tenant),
        url("customer_detail", mine.tenant, customer_id=mine.customer.pk),
        url("customer_reminders_panel", mine.tenant, customer_id=mine.customer.pk),
        url("customer_workflows", mine.tenant) + f"?ids={ids}",
        url("reminder_preview", mine.tenant) + f"?segment={mine.segment.pk}",
    ):
        assert client.get(address).status_code == 200, address

    # The editor shows the stored rule, so the owner can put it right.
    client.force_login(owner)
    assert 'value="NaN"' in client.get(edit).content.decode()
    data = rule_data(
        [("outstanding", "gte", "100")], name="Fixed", priority=10, workflow=mine.workflow.pk
    )
    assert client.post(edit, data).status_code == 302
    assert 'id="segment-problems"' not in client.get(edit).content.decode()
