"""Forms of the segment pages: a segment's name, priority and workflow, and its rule rows."""

from django import forms
from django.core.exceptions import ValidationError

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from reminders.models import Segment, Workflow
from reminders.setup import segments

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
