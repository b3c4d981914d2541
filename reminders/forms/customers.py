"""Forms of one customer's reminders panel: how they are chased, and a reminder by hand."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import Customer
from reminders.channels.registry import CHANNEL_CHOICES, OUTSIDE
from reminders.forms.common import template_keys
from reminders.models import Tone, Workflow

#: The longest a member may pause a customer's reminders.
MAX_PAUSE = timedelta(days=366)


class CustomerRemindersForm(forms.ModelForm):
    """How one customer is chased: their workflow, a pause, do-not-contact, channel opt-outs."""

    opted_out_channels = forms.MultipleChoiceField(
        choices=[(kind, label) for kind, label in CHANNEL_CHOICES if kind in OUTSIDE],
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
        label="No reminders by",
    )

    workflow = forms.ModelChoiceField(
        queryset=Workflow.objects.none(),
        required=False,
        label="Workflow",
        empty_label="By segment, else the default",
    )

    class Meta:
        model = Customer
        fields = ["reminders_paused_until", "do_not_contact", "opted_out_channels"]
        labels = {
            "reminders_paused_until": "Pause reminders until",
            "do_not_contact": "Do not contact",
        }
        help_texts = {
            "reminders_paused_until": "Reminders start again the day after. Empty: no pause.",
            "do_not_contact": "No reminder goes to this customer on any channel.",
        }
        widgets = {"reminders_paused_until": forms.DateInput(attrs={"type": "date"})}

    field_order = ["workflow", "reminders_paused_until", "do_not_contact", "opted_out_channels"]

    def __init__(self, *args, today, pinned: Workflow | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["workflow"].queryset = scoped(Workflow, self.instance.tenant_id).order_by(
            "name"
        )
        self.fields["workflow"].initial = pinned

    def clean_reminders_paused_until(self):
        until = self.cleaned_data["reminders_paused_until"]
        if until is not None and until < self.today:
            raise ValidationError("Give today or a later day, or leave it empty.")
        if until is not None and until > self.today + MAX_PAUSE:
            raise ValidationError("A pause lasts at most a year.")
        return until


class SendNowForm(forms.Form):
    """A reminder a member sends by hand: which channel, template and tone."""

    channel = forms.ChoiceField(choices=CHANNEL_CHOICES)
    template_key = forms.ChoiceField(label="Template")
    tone = forms.ChoiceField(choices=Tone.choices, initial=Tone.REMINDER)

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template_key"].choices = [(key, key) for key in template_keys(tenant)]
        self.fields["template_key"].initial = "statement"
