"""Who may change the reminder set-up (``reminders.views.common``): only members who configure
reminders open the new forms and change anything; every member uses the read-only
endpoints. Whether a page is open to members at all, and closed to everyone else, is
checked for every page by tests/kapittx/test_tenancy.py and tests/test_isolation.py."""

import pytest

from kapittx.roles import Role
from tests.conftest import make_member
from tests.reminders.pages import NEW_FORMS, page_url, snapshot, step_data

#: Endpoints that change the set-up (POST).
SET_UP_CHANGES = [
    ("workflow_detail", "workflow_id"),
    ("workflow_create", None),
    ("workflow_set_default", "workflow_id"),
    ("template_edit", "template_id"),
    ("template_create", None),
    ("template_variant", "template_id"),
    ("segment_edit", "segment_id"),
    ("segment_create", None),
]
#: Read-only endpoints answered by POST.
READ_ONLY_POSTS = [("template_preview", "template_id"), ("segment_match_count", None)]


@pytest.mark.parametrize(("name", "id_name"), NEW_FORMS)
def test_only_members_who_configure_reminders_open_the_new_forms(
    client, mine, owner, teammate, name, id_name
):
    client.force_login(owner)
    assert client.get(page_url(mine, name, id_name)).status_code == 200
    client.force_login(teammate)
    assert client.get(page_url(mine, name, id_name)).status_code == 403


@pytest.mark.parametrize(("name", "id_name"), READ_ONLY_POSTS)
def test_teammate_may_use_the_read_only_endpoints(client, mine, teammate, name, id_name):
    client.force_login(teammate)
    response = client.post(page_url(mine, name, id_name), {"customer": mine.customer.pk})
    assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.VIEWER])
@pytest.mark.parametrize(("name", "id_name"), SET_UP_CHANGES)
def test_members_who_do_not_configure_reminders_change_nothing(client, mine, name, id_name, role):
    user = make_member(mine.tenant, f"{role}.member@acme.test", role)
    client.force_login(user)
    before = snapshot(mine.tenant)
    data = {
        "name": "Changed",
        "is_default": "on",
        "subject": "Changed",
        "language": "fr",
        "key": "new-key",
        "priority": "1",
        "workflow": mine.workflow.pk,
        **step_data(mine.workflow),
    }
    response = client.post(page_url(mine, name, id_name), data)
    assert response.status_code == 403
    assert snapshot(mine.tenant) == before
