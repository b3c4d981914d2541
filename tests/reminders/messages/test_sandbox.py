"""The Jinja2 sandbox: templates cannot reach into Python or grow without bound."""

import pytest

from reminders.messages.render import render
from reminders.messages.sandbox import TemplateError
from reminders.messages.templates import save_template
from tests.reminders.messages.sample import context_for, draft


@pytest.mark.parametrize(
    "source",
    [
        "{{ customer.__class__ }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ invoices[0].__init__.__globals__ }}",
        "{{ money.__globals__ }}",
        "{{ customer._meta }}",
        "{{ cycler.__init__.__globals__.os }}",
    ],
)
def test_the_sandbox_refuses_reaching_into_python(tenant, source):
    with pytest.raises(TemplateError) as caught:
        save_template(draft(tenant, body_text=source))
    (reason,) = caught.value.message_dict["body_text"]
    assert reason.startswith(("Not allowed:", "Unknown variable:"))


def test_the_sandbox_refuses_when_rendering_too(tenant, account):
    template = draft(tenant, body_text="{{ customer.__class__.__mro__ }}")
    with pytest.raises(TemplateError, match="unsafe"):
        render(template, context_for(tenant, account))


@pytest.mark.parametrize("source", ["{{ 'x' * 100000000 }}", "{{ 9 ** 9999999 }}"])
def test_the_sandbox_refuses_runaway_sizes(tenant, source):
    with pytest.raises(TemplateError, match="Not allowed"):
        save_template(draft(tenant, body_text=source))
