"""What a customer can send from the payment-status page; every choice is limited to the
customer's own open invoices."""

from datetime import date, timedelta

from django import forms

from kapittx.money import format_amount
from receivables.models import Invoice

#: How far ahead a customer may promise to pay from the page.
PROMISE_WITHIN_DAYS = 60
#: How far back a customer may report a payment.
PAID_WITHIN_DAYS = 60


class _InvoiceChoice(forms.ModelChoiceField):
    def label_from_instance(self, invoice: Invoice) -> str:
        balance = format_amount(invoice.balance, invoice.currency)
        return f"{invoice.number} — {balance} {invoice.currency}, due {invoice.due_date}"


class _InvoicesChoice(forms.ModelMultipleChoiceField):
    label_from_instance = _InvoiceChoice.label_from_instance


class PortalForm(forms.Form):
    def __init__(self, *args, invoices, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = invoices


class PromiseForm(PortalForm):
    promised_on = forms.DateField(
        label="I will pay by", widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = forms.DecimalField(
        label="Amount (leave empty for everything open)",
        required=False,
        min_value=0.01,
        max_digits=14,
        decimal_places=2,
    )

    def clean_promised_on(self) -> date:
        promised_on = self.cleaned_data["promised_on"]
        if promised_on < self.today:
            raise forms.ValidationError("Choose today or a later day.")
        if promised_on > self.today + timedelta(days=PROMISE_WITHIN_DAYS):
            raise forms.ValidationError(
                f"Choose a day within {PROMISE_WITHIN_DAYS} days, or reply to our message to "
                "agree a longer plan."
            )
        return promised_on


class DisputeForm(PortalForm):
    invoice = _InvoiceChoice(queryset=Invoice.objects.none(), label="Invoice")
    reason = forms.CharField(
        label="What is wrong with it?", min_length=5, max_length=2000, widget=forms.Textarea
    )


class PaidForm(PortalForm):
    invoices = _InvoicesChoice(
        queryset=Invoice.objects.none(),
        label="Invoices paid",
        widget=forms.CheckboxSelectMultiple,
    )
    paid_on = forms.DateField(label="Paid on", widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label="Payment reference", required=False, max_length=120)

    def clean_paid_on(self) -> date:
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > self.today:
            raise forms.ValidationError("A payment already made cannot be dated in the future.")
        if paid_on < self.today - timedelta(days=PAID_WITHIN_DAYS):
            raise forms.ValidationError(
                f"For payments older than {PAID_WITHIN_DAYS} days, please reply to our message."
            )
        return paid_on


FORMS = {"promise": PromiseForm, "dispute": DisputeForm, "paid": PaidForm}
