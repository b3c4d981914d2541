"""Forms of the reminder pages: workflow options and steps, segment rules, templates, and how
one customer is chased."""

from datetime import timedelta

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import inlineformset_factory

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import Customer
from reminders import segments
from reminders.channels import CHANNEL_CHOICES, OUTSIDE
from reminders.models import Segment, Step, Template, Tone, Workflow
from reminders.rendering import PARTS

#: The longest a member may pause a customer's reminders.
MAX_PAUSE = timedelta(days=366)


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put ``error``'s messages next to the form's fields, the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        for message in messages:
            form.add_error(target, message)


def template_keys(tenant: Tenant) -> list[str]:
    """Return the template keys ``tenant`` has, in any language."""
    return list(scoped(Template, tenant).order_by("key").values_list("key", flat=True).distinct())


# --- workflows -------------------------------------------------------------------------------


class WorkflowForm(forms.ModelForm):
    class Meta:
        model = Workflow
        fields = ["name", "is_default", "per_invoice", "repeat_every_days", "repeat_max_times"]
        labels = {
            "is_default": "Default workflow",
            "per_invoice": "One message per invoice",
            "repeat_every_days": "Repeat the last step every … days",
            "repeat_max_times": "… at most this many times",
        }

    def __init__(self, *args, tenant: Tenant, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.was_default = bool(self.instance.pk and self.instance.is_default)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = scoped(Workflow, self.tenant).filter(name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError("Another workflow already has this name.")
        return name

    def clean_is_default(self) -> bool:
        is_default = self.cleaned_data["is_default"]
        if self.was_default and not is_default:
            # Customers outside every segment follow the default; there is always one.
            raise ValidationError("Make another workflow the default instead.")
        return is_default

    def clean(self) -> dict:
        data = super().clean()
        if data.get("repeat_max_times") and not data.get("repeat_every_days"):
            self.add_error("repeat_every_days", "Say how many days apart the repeats are.")
        return data


class StepForm(forms.ModelForm):
    template_key = forms.ChoiceField(label="Template")

    class Meta:
        model = Step
        fields = ["offset_days", "channel", "template_key", "tone", "min_amount"]
        labels = {"offset_days": "Day", "min_amount": "Min. amount"}
        widgets = {
            "offset_days": forms.NumberInput(attrs={"class": "short"}),
            "min_amount": forms.NumberInput(attrs={"class": "short", "step": "0.01"}),
        }

    def __init__(self, *args, keys: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A blank first choice keeps the empty extra row unchanged, so it is not validated.
        choices = [("", "---------")] + [(key, key) for key in keys]
        current = self.instance.template_key
        if current and current not in keys:
            # Keep showing a step whose template was removed rather than silently change it.
            choices.append((current, f"{current} (missing)"))
        self.fields["template_key"].choices = choices


class BaseStepFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, tenant: Tenant, **kwargs) -> None:
        self.tenant = tenant
        self.keys = template_keys(tenant)
        kwargs.setdefault("queryset", scoped(Step, tenant))
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict:
        return {**super().get_form_kwargs(index), "keys": self.keys}

    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            slot = (form.cleaned_data.get("offset_days"), form.cleaned_data.get("channel"))
            if None in slot:
                continue
            if slot in seen:
                raise ValidationError(
                    f"Two steps send by {slot[1]} on day {slot[0]}; keep one of them."
                )
            seen.add(slot)

    def save_new(self, form: forms.ModelForm, commit: bool = True) -> Step:
        form.instance.tenant = self.tenant
        return super().save_new(form, commit=commit)


StepFormSet = inlineformset_factory(
    Workflow, Step, form=StepForm, formset=BaseStepFormSet, extra=1, can_delete=True
)


# --- segments --------------------------------------------------------------------------------

FIELD_CHOICES = [("", "—")] + [(name, name.replace("_", " ")) for name in segments.OPS]
OP_LABELS = {
    "gte": "≥",
    "lte": "≤",
    "gt": ">",
    "lt": "<",
    "eq": "is",
    "in": "is one of",
    "has": "has",
}
OP_CHOICES = [("", "—")] + [
    (op, OP_LABELS.get(op, op))
    for op in dict.fromkeys(op for ops in segments.OPS.values() for op in ops)
]


class SegmentForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = ["name", "priority", "workflow"]
        help_texts = {"priority": "Lower numbers are tried first."}

    def __init__(self, *args, tenant: Tenant, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.fields["workflow"].queryset = scoped(Workflow, tenant)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = scoped(Segment, self.tenant).filter(name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError("Another segment already has this name.")
        return name


class RuleForm(forms.Form):
    field = forms.ChoiceField(choices=FIELD_CHOICES, required=False)
    op = forms.ChoiceField(choices=OP_CHOICES, required=False)
    value = forms.CharField(required=False, max_length=200)

    def rule(self) -> dict | None:
        """Return the row as a segment rule, or None for an empty row."""
        field, op = self.cleaned_data.get("field"), self.cleaned_data.get("op")
        value = (self.cleaned_data.get("value") or "").strip()
        if not field and not op and not value:
            return None
        if op == "in":
            items = [item.strip() for item in value.split(",")]
            return {"field": field, "op": op, "value": [item for item in items if item]}
        return {"field": field, "op": op, "value": value}

    @classmethod
    def initial_for(cls, rule: dict) -> dict:
        value = rule.get("value")
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        return {"field": rule.get("field"), "op": rule.get("op"), "value": value}


class BaseRuleFormSet(forms.BaseFormSet):
    def rules(self) -> list[dict]:
        """Return the rules the rows hold; raise ValidationError as validate_rules does."""
        rules = [
            rule
            for form in self.forms
            if form.is_valid() and not self._should_delete_form(form)
            if (rule := form.rule()) is not None
        ]
        segments.validate_rules(rules)
        return rules


RuleFormSet = forms.formset_factory(RuleForm, formset=BaseRuleFormSet, extra=1, can_delete=True)


def rule_formset(data=None, rules: list[dict] | None = None) -> BaseRuleFormSet:
    initial = [RuleForm.initial_for(rule) for rule in rules or [] if isinstance(rule, dict)]
    return RuleFormSet(data, initial=initial, prefix="rules")


# --- templates -------------------------------------------------------------------------------


class TemplateForm(forms.ModelForm):
    """The editor; saving goes through ``rendering.save_template`` in the view."""

    class Meta:
        model = Template
        fields = ["name", *PARTS]
        widgets = {
            "subject": forms.TextInput(attrs={"class": "wide"}),
            "body_html": forms.Textarea(attrs={"rows": 16, "class": "code"}),
            "body_text": forms.Textarea(attrs={"rows": 10, "class": "code"}),
            "short_text": forms.Textarea(attrs={"rows": 3, "class": "code"}),
            "voice_script": forms.Textarea(attrs={"rows": 4, "class": "code"}),
        }
        labels = {
            "body_html": "HTML body",
            "body_text": "Text body",
            "short_text": "SMS / WhatsApp",
        }

    def __init__(self, *args, read_only: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if read_only:
            for field in self.fields.values():
                field.widget.attrs["readonly"] = True


class NewTemplateForm(forms.Form):
    key = forms.SlugField(max_length=60, help_text="e.g. overdue-gentle")
    language = forms.CharField(max_length=10, initial="en")
    name = forms.CharField(max_length=100)


class VariantForm(forms.Form):
    language = forms.CharField(max_length=10, help_text="e.g. de, fr, en-GB")

    def clean_language(self) -> str:
        return self.cleaned_data["language"].strip()


# --- one customer's reminders ----------------------------------------------------------------


class CustomerRemindersForm(forms.ModelForm):
    """How one customer is chased: their workflow, a pause, do-not-contact, channel opt-outs."""

    opted_out_channels = forms.MultipleChoiceField(
        choices=[(kind, label) for kind, label in CHANNEL_CHOICES if kind in OUTSIDE],
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
        label="No reminders by",
    )

    class Meta:
        model = Customer
        fields = ["workflow", "reminders_paused_until", "do_not_contact", "opted_out_channels"]
        labels = {
            "workflow": "Workflow",
            "reminders_paused_until": "Pause reminders until",
            "do_not_contact": "Do not contact",
        }
        help_texts = {
            "reminders_paused_until": "Reminders start again the day after. Empty: no pause.",
            "do_not_contact": "No reminder goes to this customer on any channel.",
        }
        widgets = {"reminders_paused_until": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["workflow"].queryset = scoped(Workflow, self.instance.tenant_id).order_by(
            "name"
        )
        self.fields["workflow"].empty_label = "By segment, else the default"

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
