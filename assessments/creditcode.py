"""The unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from 0-9 and the capital letters without I, O, S, V and Z; the last is a
check character computed from the first 17 with the standard's weights, modulo 31.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(value: str) -> str:
    return "".join(str(value or "").split()).upper()


def validate_credit_code(value: str) -> str:
    """The code in upper case, or ``ValidationError`` saying what is wrong with it."""
    code = normalise(value)
    if len(code) != LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)s.")
            % {"count": len(code)}, code="length",
        )
    wrong = sorted({ch for ch in code if ch not in ALPHABET})
    if wrong:
        raise ValidationError(
            _("A unified social credit code contains only digits and capital letters other "
              "than I, O, S, V and Z; not %(chars)s.") % {"chars": " ".join(wrong)},
            code="characters",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character (the last one) does not match: the code is mistyped."),
            code="check",
        )
    return code
