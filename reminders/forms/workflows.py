"""Forms of the workflow pages: a workflow's options and its table of steps."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from reminders.forms.common import template_keys
from reminders.models import Step, Workflow

# Bounds a person means; beyond them a value is a typo (and may overflow its column).
#: Days before and after the due date a step may come.
MOST_DAYS_BEFORE, MOST_DAYS_AFTER = 365, 3650
#: Days between repeats of the last step, and how often it may come back.
MOST_DAYS_BETWEEN_REPEATS, MOST_REPEATS = 365, 52


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

    def clean_repeat_every_days(self) -> int | None:
        days = self.cleaned_data["repeat_every_days"]
        if days is not None and not 1 <= days <= MOST_DAYS_BETWEEN_REPEATS:
            raise ValidationError(
                f"Repeat every 1 to {MOST_DAYS_BETWEEN_REPEATS} days, or leave it empty for no "
                "repeats."
            )
        return days

    def clean_repeat_max_times(self) -> int:
        times = self.cleaned_data["repeat_max_times"]
        if times > MOST_REPEATS:
            raise ValidationError(f"The last step comes back at most {MOST_REPEATS} times.")
        return times

    def clean(self) -> dict:
        data = super().clean()
        refused = "repeat_every_days" in self.errors
        if data.get("repeat_max_times") and not data.get("repeat_every_days") and not refused:
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

    def clean_offset_days(self) -> int:
        days = self.cleaned_data["offset_days"]
        if days < -MOST_DAYS_BEFORE:
            raise ValidationError(
                f"A step comes at most {MOST_DAYS_BEFORE} days before the due date."
            )
        if days > MOST_DAYS_AFTER:
            raise ValidationError(
                f"A step comes at most {MOST_DAYS_AFTER} days after the due date."
            )
        return days

    def clean_min_amount(self) -> Decimal:
        # At most 12 digits before the point is the field's own check (the column's size).
        amount = self.cleaned_data["min_amount"]
        if amount < 0:
            raise ValidationError("The minimum amount cannot be negative.")
        return amount


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
        # Saved steps the post leaves out (a crafted or stale form) keep their day and channel.
        shown = {form.instance.pk for form in self.initial_forms if form.instance.pk}
        seen = set(
            scoped(Step, self.tenant)
            .filter(workflow=self.instance)
            .exclude(pk__in=shown)
            .values_list("offset_days", "channel")
            if self.instance.pk
            else []
        )
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
