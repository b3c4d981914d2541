"""A second factor counts only once confirmed; codes from the app and backup codes are
checked by django-otp, each backup code once, and wrong codes pause checking."""

from base64 import b32decode

from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kapittx.signin import devices
from tests.kapittx.signin.codes import app_code, code_from, wrong_code


def test_an_unconfirmed_app_does_not_count(owner):
    device = devices.start_enrolment(owner)
    assert not devices.has_two_factor(owner)
    assert devices.pending_enrolment(owner) == device
    assert devices.check_code(owner, app_code(device)).device is None


def test_a_wrong_first_code_confirms_nothing(owner):
    device = devices.start_enrolment(owner)
    check, codes = devices.confirm_enrolment(device, wrong_code(device))
    assert check.device is None and codes == []
    assert not devices.has_two_factor(owner)


def test_the_first_code_confirms_the_app_and_makes_ten_backup_codes(owner):
    device = devices.start_enrolment(owner)
    check, codes = devices.confirm_enrolment(device, app_code(device))
    assert check.device == device
    assert devices.has_two_factor(owner)
    assert len(set(codes)) == devices.BACKUP_CODES == devices.backup_codes_left(owner)


def test_the_secret_shown_is_the_one_the_app_needs(owner):
    device = devices.start_enrolment(owner)
    key = b32decode(devices.secret_text(device).replace(" ", ""))
    assert devices.confirm_enrolment(device, code_from(key))[0].device == device
    svg = devices.qr_code_svg(device)
    assert svg.startswith("<svg") and "<script" not in svg


def test_a_backup_code_signs_in_once(owner, owners_app):
    _, codes = owners_app
    typed = codes[0].upper()[:4] + " " + codes[0][4:]
    assert devices.check_code(owner, typed).device is not None
    assert devices.check_code(owner, codes[0]).device is None
    assert devices.backup_codes_left(owner) == devices.BACKUP_CODES - 1


def test_a_code_is_not_taken_twice(owner, owners_app):
    device, _ = owners_app
    code = app_code(device, steps_ahead=1)
    assert devices.check_code(owner, code).device == device
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    assert devices.check_code(owner, code).device is None


def test_a_wrong_code_pauses_checking_even_the_right_one(owner, owners_app):
    device, _ = owners_app
    first = devices.check_code(owner, wrong_code(device))
    assert first.device is None and first.retry_at is None
    paused = devices.check_code(owner, app_code(device, steps_ahead=1))
    assert paused.device is None and paused.retry_at is not None


def test_new_backup_codes_replace_the_old(owner, owners_app):
    _, old = owners_app
    new = devices.replace_backup_codes(owner)
    assert not set(old) & set(new)
    assert devices.check_code(owner, old[0]).device is None


def test_turning_it_off_removes_app_and_codes(owner, owners_app):
    devices.turn_off(owner)
    assert not devices.has_two_factor(owner)
    assert not TOTPDevice.objects.filter(user=owner).exists()
    assert not StaticToken.objects.filter(device__user=owner).exists()


def test_a_new_app_replaces_the_old_one(owner, owners_app):
    old, _ = owners_app
    device = devices.start_enrolment(owner)
    devices.confirm_enrolment(device, app_code(device, steps_ahead=1))
    assert list(TOTPDevice.objects.filter(user=owner)) == [device]
    assert old.pk != device.pk
