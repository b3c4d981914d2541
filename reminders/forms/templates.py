"""Forms of the template pages: the editor, a new key, a copy in another language."""

from django import forms

from reminders.messages.render import PARTS
from reminders.models import Template


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
