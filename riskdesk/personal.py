"""Personal data: PRC resident ID numbers and phone numbers, checked and masked.

Lists, exports and the case history show these numbers masked; only the people allowed
to reveal one see it whole, and every reveal is audited (``cases.views.cases.reveal_contact``).
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"  # ISO 7064 MOD 11-2, GB 11643-1999
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_PATTERN = re.compile(r"^(0\d{2,3})-?([2-9]\d{6,7})$")


def id_check_character(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalise_resident_id(value: str) -> str:
    """The 18-character resident ID number in canonical form, or ValidationError."""
    text = re.sub(r"\s", "", value or "").upper()
    if not ID_PATTERN.match(text):
        raise ValidationError(
            _("Enter the 18-character resident ID number: 17 digits, then a digit or X."),
            code="id_format",
        )
    try:
        date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValidationError(
            _("Characters 7 to 14 of a resident ID number are a date of birth; "
              "%(value)s is not a date.") % {"value": text[6:14]},
            code="id_birth_date",
        ) from None
    if id_check_character(text[:17]) != text[17]:
        raise ValidationError(
            _("This resident ID number's last character does not match the others "
              "(check character): check it for a typing error."),
            code="id_check",
        )
    return text


def normalise_phone(value: str) -> str:
    """A mainland mobile (11 digits) or landline (area code-number) number, or
    ValidationError."""
    text = re.sub(r"[\s()\uff08\uff09]", "", value or "")  # also full-width brackets
    text = re.sub(r"^(\+86|0086)", "", text)
    if MOBILE_PATTERN.match(text):
        return text
    landline = LANDLINE_PATTERN.match(text)
    if landline:
        return f"{landline.group(1)}-{landline.group(2)}"
    raise ValidationError(
        _("Enter a mainland mobile number (11 digits starting with 1, e.g. 13812345678) "
          "or a landline with its area code (e.g. 0472-5123456)."),
        code="phone_format",
    )


def validate_resident_id(value):
    normalise_resident_id(value)


def validate_phone(value):
    normalise_phone(value)


def mask_id(value: str) -> str:
    """``150203199001011234`` → ``1502**********1234``."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``; ``0472-5123456`` → ``0472-***3456``."""
    if not value:
        return ""
    area, dash, number = value.rpartition("-")
    if dash:
        return f"{area}-{'*' * max(len(number) - 4, 0)}{number[-4:]}"
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
