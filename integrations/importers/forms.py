"""The import page's forms: the upload, and the choices of preset, columns and formats."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from integrations.importers.actions import Options
from integrations.importers.dates import ORDERS
from integrations.importers.decoding import ENCODINGS
from integrations.importers.models import ImportKind
from integrations.importers.presets import FIELDS, presets_for

NOT_IMPORTED = ""


class UploadForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportKind.choices, initial=ImportKind.INVOICES)
    file = forms.FileField(
        help_text="CSV (any delimiter, UTF-8 or Windows encodings), XLSX, XLS or ODS."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.KAPITTX_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the largest accepted is "
                f"{filesizeformat(limit)}. Split it, or import it with the import command."
            )
        if not upload.size:
            raise forms.ValidationError("The file is empty.")
        return upload


class MappingForm(forms.Form):
    """Preset, date order, decimal separator, encoding and, per field, its column(s)."""

    preset = forms.ChoiceField(required=False)
    date_order = forms.ChoiceField(
        required=False,
        choices=[("", "Detect"), *((key, label) for key, label in ORDERS.items() if key != "ymd")],
    )
    decimal = forms.ChoiceField(
        required=False,
        choices=[("", "Detect"), (".", "Point: 1,234.50"), (",", "Comma: 1.234,50")],
    )
    encoding = forms.ChoiceField(
        required=False, choices=[("", "Detect"), *((e, e) for e in ENCODINGS)]
    )

    def __init__(self, *args, kind: str, headers: list[str], setup: dict, **kw):
        super().__init__(*args, **kw)
        self.kind, self.current = kind, setup.get("preset", "")
        mapping = setup.get("mapping", {})
        labels = {p.name: p.label for p in presets_for(kind)}
        detected = labels.get(self.current) if setup.get("detected") else ""
        self.fields["preset"].choices = [
            ("", f"Detect (found: {detected})" if detected else "Detect"),
            *labels.items(),
        ]
        columns = [(NOT_IMPORTED, "— not imported —"), *((h, h) for h in headers)]
        for field in FIELDS[kind]:
            chosen = mapping.get(field.name, [])
            if field.many:
                self.fields[f"column_{field.name}"] = forms.MultipleChoiceField(
                    label=field.label,
                    required=False,
                    choices=columns[1:],
                    initial=chosen,
                    help_text=field.help,
                    widget=forms.SelectMultiple(attrs={"size": min(4, max(2, len(chosen)))}),
                )
            else:
                self.fields[f"column_{field.name}"] = forms.ChoiceField(
                    label=field.label,
                    required=False,
                    choices=columns,
                    initial=chosen[0] if chosen else NOT_IMPORTED,
                    help_text=field.help,
                )

    def format_fields(self):
        return [self[name] for name in ("preset", "date_order", "decimal", "encoding")]

    def column_fields(self):
        return [self[f"column_{field.name}"] for field in FIELDS[self.kind]]

    def options(self, previous: Options) -> Options:
        """Return the options chosen; choosing another preset picks its columns afresh."""
        data = self.cleaned_data
        preset = data["preset"]
        mapping = {}
        if preset in (previous.preset, self.current):
            for field in FIELDS[self.kind]:
                value = data.get(f"column_{field.name}") or []
                mapping[field.name] = [value] if isinstance(value, str) else list(value)
                mapping[field.name] = [c for c in mapping[field.name] if c]
        return Options(
            kind=self.kind,
            preset=preset,
            mapping=mapping,
            date_order=data["date_order"],
            decimal=data["decimal"],
            encoding=data["encoding"],
        )
