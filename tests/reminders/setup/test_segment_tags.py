"""The segment rule ``has`` on list fields: an element equal to the value, ignoring case, with
one meaning on SQLite and PostgreSQL."""

import pytest
from django.core.exceptions import ValidationError

from receivables.models import Customer
from reminders.setup.segments import customers_matching, validate_rules


def customer(tenant, external_id: str, **lists) -> Customer:
    return Customer.objects.create(
        tenant=tenant, external_id=external_id, name=external_id, currency="EUR", **lists
    )


def matching(tenant, value, field: str = "tags") -> set[str]:
    rules = [{"field": field, "op": "has", "value": value}]
    return set(customers_matching(tenant, rules).values_list("external_id", flat=True))


def test_it_matches_a_tag_equal_to_the_value(tenant):
    customer(tenant, "vip", tags=["vip", "de"])
    customer(tenant, "none", tags=[])
    assert matching(tenant, "vip") == {"vip"}


def test_it_ignores_case_on_both_sides(tenant):
    customer(tenant, "upper", tags=["VIP"])
    customer(tenant, "mixed", tags=["Key-Account"])
    assert matching(tenant, "vip") == {"upper"}
    assert matching(tenant, "KEY-account") == {"mixed"}


def test_it_ignores_the_case_of_letters_beyond_ascii(tenant):
    customer(tenant, "overseas", tags=["ÜBERSEE", "Öko"])
    assert matching(tenant, "übersee") == {"overseas"}
    assert matching(tenant, "ÖKO") == {"overseas"}


def test_a_tag_that_only_contains_the_value_does_not_match(tenant):
    customer(tenant, "gold", tags=["vip-gold", "not vip"])
    # In the JSON text this tag ends in "vip" (a quote escaped, then the closing quote).
    customer(tenant, "quote", tags=['a "vip'])
    customer(tenant, "json", tags=["a", "b"])
    assert matching(tenant, "vip") == set()
    # Neither JSON punctuation between elements nor a part of a tag is an element.
    assert matching(tenant, '", "') == set()
    assert matching(tenant, "a") == {"json"}


def test_quotes_and_backslashes_in_the_value_are_plain_text(tenant):
    customer(tenant, "quoted", tags=['say "hi"', "back\\slash", "it's"])
    customer(tenant, "plain", tags=["say hi"])
    assert matching(tenant, 'SAY "HI"') == {"quoted"}
    assert matching(tenant, "back\\slash") == {"quoted"}
    assert matching(tenant, "it's") == {"quoted"}
    assert matching(tenant, '"') == set()


def test_elements_that_are_not_strings_never_match(tenant):
    customer(tenant, "odd", tags=[5, True, None, {"vip": 1}, ["vip"]])
    customer(tenant, "text", tags=["5", "true"])
    assert matching(tenant, "5") == {"text"}
    assert matching(tenant, "true") == {"text"}
    assert matching(tenant, "vip") == set()


def test_a_list_field_that_holds_no_list_matches_nothing(tenant):
    customer(tenant, "scalar", tags="vip")
    customer(tenant, "object", tags={"vip": "vip"})
    assert matching(tenant, "vip") == set()


def test_a_rule_value_that_is_not_text_is_refused(tenant):
    with pytest.raises(ValidationError, match="Rule 1: tags has takes a text value"):
        validate_rules([{"field": "tags", "op": "has", "value": 5}])
    validate_rules([{"field": "tags", "op": "has", "value": "5"}])


def test_a_stored_rule_with_a_value_that_is_not_text_matches_nothing(tenant):
    customer(tenant, "five", tags=[5, "5"])
    assert matching(tenant, 5) == set()


def test_preferred_channel_matches_whole_channel_names(tenant):
    customer(tenant, "sms", preferred_channels=["SMS", "email"])
    customer(tenant, "whatsapp", preferred_channels=["whatsapp"])
    assert matching(tenant, "sms", field="preferred_channel") == {"sms"}
    assert matching(tenant, "WhatsApp", field="preferred_channel") == {"whatsapp"}
    assert matching(tenant, "app", field="preferred_channel") == set()
