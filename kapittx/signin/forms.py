"""The forms of signing in: a code, and a tenant's sign-in policy."""

from django import forms

from kapittx.models import Tenant


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class TenantSecurityForm(forms.ModelForm):
    class Meta:
        model = Tenant
        fields = ["require_two_factor"]
        labels = {"require_two_factor": "Require two-factor sign-in"}

    def __init__(self, *args, verified: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.verified = verified

    def clean_require_two_factor(self) -> bool:
        required = self.cleaned_data["require_two_factor"]
        # Whoever turns it on has one already, so the rule cannot shut out every owner.
        if required and not self.verified:
            raise forms.ValidationError(
                "Set up two-factor sign-in for yourself first, then require it of everyone."
            )
        return required
