"""The template pages: the list by key and language, the editor and its checks, language
variants, and the live preview — which refuses a hostile template within a second."""

import re
from urllib.parse import urlparse

import pytest

from kapittx.roles import Role
from reminders.models import Template
from tests.conftest import make_member
from tests.reminders.messages.hostile import PAYLOADS, WITH_REQUEST, timed
from tests.reminders.pages import url
from tests.reminders.scenario import make_customer


def template_data(template: Template, **changes) -> dict:
    data = {
        field: getattr(template, field)
        for field in ("name", "subject", "body_html", "body_text", "short_text", "voice_script")
    }
    data.update(changes)
    return data


def test_template_list_groups_languages_by_key(client, mine, owner):
    client.force_login(owner)
    page = client.get(url("template_list", mine.tenant))
    groups = {g["key"]: [t.language for t in g["variants"]] for g in page.context["groups"]}
    assert groups["overdue-polite"] == ["de", "en"]
    # Used by the scenario cadence and by the tenant's "Standard" workflow.
    assert dict((g["key"], g["steps"]) for g in page.context["groups"])["overdue-polite"] == 2


def test_a_template_with_an_unknown_variable_shows_the_error_and_saves_nothing(client, mine, owner):
    client.force_login(owner)
    before = Template.objects.get(pk=mine.template.pk)
    data = template_data(
        mine.template, subject="Hello {{ customer.nmae }}", body_text="Dear {{ custmer }}"
    )
    response = client.post(url("template_edit", mine.tenant, template_id=mine.template.pk), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "customer has no field 'nmae'" in form.errors["subject"][0]
    assert "custmer" in form.errors["body_text"][0]
    assert "Not saved" in response.content.decode()
    after = Template.objects.get(pk=mine.template.pk)
    assert (after.subject, after.body_text, after.updated_at) == (
        before.subject,
        before.body_text,
        before.updated_at,
    )


def test_a_valid_template_is_saved(client, mine, owner):
    client.force_login(owner)
    data = template_data(mine.template, subject="Open items for {{ customer.name }}")
    response = client.post(url("template_edit", mine.tenant, template_id=mine.template.pk), data)
    assert response.status_code == 302
    mine.template.refresh_from_db()
    assert mine.template.subject == "Open items for {{ customer.name }}"


def test_a_new_language_variant_is_a_copy(client, mine, owner):
    client.force_login(owner)
    response = client.post(
        url("template_variant", mine.tenant, template_id=mine.template.pk), {"language": "fr"}
    )
    copy = Template.objects.get(tenant=mine.tenant, key="overdue-polite", language="fr")
    assert response.url == url("template_edit", mine.tenant, template_id=copy.pk)
    assert (copy.subject, copy.body_html) == (mine.template.subject, mine.template.body_html)


def test_a_language_that_exists_is_not_copied_over(client, mine, owner):
    client.force_login(owner)
    german = Template.objects.get(tenant=mine.tenant, key="overdue-polite", language="de")
    response = client.post(
        url("template_variant", mine.tenant, template_id=mine.template.pk),
        {"language": "de"},
        follow=True,
    )
    assert "already has a de text" in response.content.decode()
    assert Template.objects.get(pk=german.pk).subject == german.subject


def test_a_new_template_key(client, mine, owner):
    client.force_login(owner)
    response = client.post(
        url("template_create", mine.tenant), {"key": "gentle", "language": "en", "name": "Gentle"}
    )
    template = Template.objects.get(tenant=mine.tenant, key="gentle")
    assert response.url == url("template_edit", mine.tenant, template_id=template.pk)
    response = client.post(
        url("template_create", mine.tenant), {"key": "gentle", "language": "en", "name": "Again"}
    )
    assert response.status_code == 200
    assert Template.objects.filter(tenant=mine.tenant, key="gentle").count() == 1


def test_viewer_sees_the_template_but_no_save_button(client, mine):
    viewer = make_member(mine.tenant, "viewer@acme.test", Role.VIEWER)
    client.force_login(viewer)
    html = client.get(url("template_edit", mine.tenant, template_id=mine.template.pk)).content
    assert b"Save template" not in html
    assert b"readonly" in html


def test_live_preview_renders_the_unsaved_text_for_a_real_customer(client, mine, owner):
    client.force_login(owner)
    data = template_data(
        mine.template,
        subject="Hi {{ customer.name }}: {{ totals|money }}",
        body_html="<p>{% for i in invoices %}{{ i.number }} {% endfor %}</p>",
        customer=mine.customer.pk,
    )
    response = client.post(url("template_preview", mine.tenant, template_id=mine.template.pk), data)
    result = response.json()
    assert result["ok"] is True
    assert result["subject"] == "Hi Acme Customer: €500.00"
    assert result["body_html"] == "<p>Acme-1 </p>"
    assert result["invoices"] == 1 and result["recipient"] == "ap-C-1@x.test"
    mine.template.refresh_from_db()
    assert mine.template.subject != data["subject"]


def test_live_preview_shows_an_unknown_variable_instead(client, mine, owner):
    client.force_login(owner)
    data = template_data(mine.template, subject="Hi {{ custmer.name }}", customer=mine.customer.pk)
    result = client.post(
        url("template_preview", mine.tenant, template_id=mine.template.pk), data
    ).json()
    assert result["ok"] is False
    assert "custmer" in result["errors"]["subject"][0]


def test_preview_of_another_tenants_customer_is_404(client, mine, theirs, owner):
    client.force_login(owner)
    response = client.post(
        url("template_preview", mine.tenant, template_id=mine.template.pk),
        {"customer": theirs.customer.pk, "subject": "Hi {{ customer.name }}"},
    )
    assert response.status_code == 404
    assert "Globex" not in response.content.decode()


def test_the_editor_offers_customers_with_open_invoices_only(client, mine, owner):
    make_customer(mine.tenant, "C-9", name="Paid Up Ltd")
    client.force_login(owner)
    page = client.get(url("template_edit", mine.tenant, template_id=mine.template.pk))
    assert [c.name for c in page.context["customers"]] == ["Acme Customer"]
    # The message HTML is shown in a sandbox that runs no script and has no origin.
    assert b'<iframe id="preview-html" sandbox=""' in page.content


def test_a_viewers_preview_holds_no_working_portal_link(client, mine):
    viewer = make_member(mine.tenant, "viewer@acme.test", Role.VIEWER)
    client.force_login(viewer)
    data = template_data(mine.template, customer=mine.customer.pk)
    result = client.post(
        url("template_preview", mine.tenant, template_id=mine.template.pk), data
    ).json()
    assert result["ok"] is True
    links = set(re.findall(r"https?://[^\s\"'<>]*/portal/[^\s\"'<>]*", result["body_html"]))
    links |= set(re.findall(r"https?://\S*/portal/\S*", result["body_text"]))
    assert links, "the template shows the customer a portal link"
    for link in links:
        assert client.get(urlparse(link).path).status_code == 404
        assert "sample" in link


@pytest.mark.parametrize("source", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_live_preview_refuses_a_hostile_template_within_a_second(client, mine, source):
    # Any member may preview, a viewer too: the preview is bounded like a send.
    client.force_login(make_member(mine.tenant, "viewer@acme.test", Role.VIEWER))
    data = template_data(mine.template, body_html=source, customer=mine.customer.pk)
    with timed(WITH_REQUEST):
        response = client.post(
            url("template_preview", mine.tenant, template_id=mine.template.pk), data
        )
    result = response.json()
    assert response.status_code == 200 and result["ok"] is False
    assert result["errors"]["body_html"][0].startswith("Over a limit:")


def test_live_preview_bounds_a_template_that_only_explodes_on_real_data(client, mine, owner):
    # The check renders for the sample customer, which this one is not: the check passes
    # and the real composition meets the loops.
    client.force_login(owner)
    loops = (
        '{% if customer.name != "Example Customer GmbH" %}{% for a in range(10000) %}'
        "{% for b in range(10000) %}{{ a }}{% endfor %}{% endfor %}{% endif %}"
    )
    data = template_data(mine.template, body_text=loops, customer=mine.customer.pk)
    with timed(WITH_REQUEST):
        result = client.post(
            url("template_preview", mine.tenant, template_id=mine.template.pk), data
        ).json()
    assert result["errors"] == {
        "body_text": ["Over a limit: loops ran more than 100,000 times (line 1)"]
    }


@pytest.mark.parametrize(
    "name", ["nested loops", "a %-format width", "doubling with ~", "calls doubling", "a long part"]
)
def test_the_editor_refuses_to_save_a_hostile_template(client, mine, owner, name):
    client.force_login(owner)
    before = Template.objects.get(pk=mine.template.pk)
    data = template_data(mine.template, body_text=PAYLOADS[name])
    with timed(WITH_REQUEST):
        response = client.post(
            url("template_edit", mine.tenant, template_id=mine.template.pk), data
        )
    assert response.status_code == 200
    assert response.context["form"].errors["body_text"][0].startswith("Over a limit:")
    assert Template.objects.get(pk=mine.template.pk).body_text == before.body_text
