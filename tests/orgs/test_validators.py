"""National ID numbers (GB 11643), phone numbers and their masks."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from orgs.validators import mask_id_number, mask_phone, validate_id_number, validate_phone


def error_code(validator, value: str) -> str:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value.code


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002X",  # the standard's own example, check character X
        "11010519491231002x",  # a lower-case x is the same number
        "360803199001011234",
        "440301198506150016",
        "360803198002290015",  # born on a leap day
    ],
)
def test_id_number_with_right_check_digit_is_valid(value):
    assert validate_id_number(value) is None


def test_id_number_with_wrong_check_digit_is_rejected():
    assert error_code(validate_id_number, "360803199001011235") == "id_check"


@pytest.mark.parametrize(
    "value",
    [
        "360803197802290019",  # 29 February of a common year
        "360803199013011234",  # month 13
        "360803189912310011",  # before 1900
    ],
)
def test_id_number_with_impossible_birth_date_is_rejected(value):
    assert error_code(validate_id_number, value) == "id_birth"


def test_id_number_born_in_the_future_is_rejected():
    next_year = datetime.date.today().year + 1
    first17 = f"360803{next_year}0101123"
    assert error_code(validate_id_number, first17 + "0") == "id_birth"


@pytest.mark.parametrize("value", ["990803199001011234", "100803199001011234"])
def test_id_number_with_unknown_province_is_rejected(value):
    assert error_code(validate_id_number, value) == "id_province"


@pytest.mark.parametrize(
    "value",
    [
        "36080319900101123",  # 17 characters
        "3608031990010112345",  # 19 characters
        "36080319900101123A",  # a letter other than X
        "360803900101123",  # an old 15-digit number
        "",
    ],
)
def test_id_number_of_wrong_shape_is_rejected(value):
    assert error_code(validate_id_number, value) == "id_format"


@pytest.mark.parametrize(
    "value",
    [
        "13812345678",
        "19912345678",
        "0796-8221234",  # Ji'an landline
        "07968221234",
        "010-12345678",  # Beijing: 3-digit area code, 8-digit number
        "0796-8221234-801",  # with an extension
    ],
)
def test_mobile_and_landline_numbers_are_valid(value):
    assert validate_phone(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "12812345678",  # no mobile number starts with 12
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "8221234",  # landline without its area code
        "0796-82212",  # too short after the area code
        "138-1234-5678x",
    ],
)
def test_malformed_phone_numbers_are_rejected(value):
    assert error_code(validate_phone, value) == "phone_format"


def test_phone_mask_keeps_first_three_and_last_four():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0796-8221234") == "079*****1234"


def test_id_number_mask_keeps_first_four_and_last_four():
    assert mask_id_number("360803199001011234") == "3608**********1234"


@pytest.mark.parametrize("value", ["", "123456"])
def test_masks_leave_empty_and_short_values_alone(value):
    assert mask_phone(value) == value
    assert mask_id_number(value) == value
