"""Phone numbers in one form, E.164 (``+4930123456``), read with Google's libphonenumber."""

import phonenumbers
from django.core.exceptions import ValidationError

EXAMPLE = "+4930123456"


def to_e164(raw: str, region: str) -> str:
    """Return ``raw`` in E.164 ("" for ""); a national number is read as one of ``region``
    (a country code such as ``DE``; empty: only international numbers are read).

    Raise ValidationError when ``raw`` is not a phone number: letters, a country code that
    does not exist, or digits too few or too many for the country.
    """
    text = raw.strip()
    if not text:
        return ""
    number = None
    # libphonenumber reads letters as keypad digits ("0800 FLOWERS") and drops extensions;
    # neither gives a number a text or a call reaches, so letters are refused.
    if not any(char.isalpha() for char in text):
        try:
            number = phonenumbers.parse(text, region.strip().upper() or None)
        except phonenumbers.NumberParseException:
            number = None
    # Possible rather than valid: validity follows each country's allocated ranges, and the
    # ranges reserved for fiction (07700 900…, 01 99 00…) that demos and tests use are not
    # allocated. The check of length per country still refuses a digit too many or too few.
    if number is None or not _possible(number):
        raise ValidationError(
            "%(raw)s is not a phone number: give it in international format, e.g. %(example)s.",
            code="invalid_phone",
            params={"raw": text, "example": EXAMPLE},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _possible(number: phonenumbers.PhoneNumber) -> bool:
    # IS_POSSIBLE_LOCAL_ONLY ("12", "+49 30") is a number only within its own area.
    reason = phonenumbers.is_possible_number_with_reason(number)
    return reason == phonenumbers.ValidationResult.IS_POSSIBLE
