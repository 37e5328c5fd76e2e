"""Figures and dates as offices type them ("2.58亿", "7,623套", "3000万", "1.2万户", "95%") in an indicator's unit
of measure (亿元, 万元, 元, 个, 户, 套, 天, % …). Pure functions, no database.

A measure is a magnitude and a base: 亿元 is 10⁸ 元, 万户 10⁴ 户, 套 is 1 套, % is 1 %. A typed figure may
carry its own magnitude and base; it is converted when the bases agree (or it names none): "2.58亿"
into 万元 is 25800. Everything else is refused with words saying why, never guessed:
- another base ("7,623套" for an indicator counted in 户), or a magnitude on a percentage;
- approximations and ranges ("约3000万", "3000-5000万"), Chinese numerals ("三千万"), several figures;
- commas that are not thousands separators ("1,5": a decimal comma, or a slip?);
- more precision than the 4 decimals an indicator keeps ("1234元" is 0.00001234亿元), or 10 trillion and more.
"""

import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

PLACES = 4  # Indicator.target / TrajectoryPoint.planned keep 4 decimals
QUANTUM = Decimal(1).scaleb(-PLACES)
MAX_AMOUNT = Decimal("1e13")  # services.MAX_AMOUNT
# Longest first, so that 千万 is read before 千 and 万.
MAGNITUDES: dict[str, int] = {
    "万亿": 10**12,
    "千亿": 10**11,
    "百亿": 10**10,
    "十亿": 10**9,
    "亿": 10**8,
    "千万": 10**7,
    "百万": 10**6,
    "十万": 10**5,
    "万": 10**4,
    "千": 10**3,
}
PERCENT = "%"
_MAGNITUDE = "|".join(MAGNITUDES)
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_FIGURE = re.compile(rf"([+-]?)({_NUMBER})({_MAGNITUDE})?(.*)")
_DIGITS_RUN = re.compile(r"[\d,.]*\d[\d,.]*")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_APPROXIMATE = ("约", "近", "超", "逾", "≈", "~", "大约", "左右", "以上", "以下", "多", "余", "≥", "≤", ">", "<")
_RANGE = re.compile(rf"(?:{_NUMBER})\D{{0,4}}?(?:-|~|～|—|–|至|到)\s*(?:{_NUMBER})")
_CHINESE_NUMERALS = re.compile(r"[零〇一二两三四五六七八九十百千]")
_UNIT_WORD = re.compile(r"[^\W\d_]*%?|%")  # 户, 万元, 平方米, km, %
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f\u3000]+")


class AmountError(ValueError):
    """A figure that cannot be taken as it is; the message says why and what to write instead."""

    @property
    def message(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Measure:
    """A unit of measure as magnitude × base: 亿元 → (10⁸, "元"), 户 → (1, "户"), % → (1, "%")."""

    text: str
    scale: int
    base: str


def normal(text: str) -> str:
    """As typed, without the typist's accidents: full-width digits and signs, spaces, ％, ，."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def measure(text: str) -> Measure:
    """The magnitude and base of a unit of measure ("万元" → 10⁴ 元)."""
    t = normal(text)
    for word, scale in MAGNITUDES.items():
        if t.startswith(word):
            return Measure(t, scale, t[len(word) :])
    return Measure(t, 1, t)


def _decimal(digits: str) -> Decimal:
    try:
        return Decimal(digits.replace(",", ""))
    except InvalidOperation:  # the pattern admits only digits, so this is a slip of ours
        raise AmountError(_("“{value}” is not a figure.").format(value=digits)) from None


def _fits(value: Decimal, typed: str, unit: Measure) -> Decimal:
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        raise AmountError(_("“{value}” is 10 trillion or more: give a smaller figure.").format(value=typed))
    exact = value.quantize(QUANTUM)
    if exact != value:
        raise AmountError(
            _(
                "“{value}” is {converted}{measure}: finer than the {places} decimals kept. Round it, or measure the indicator in a smaller unit."
            ).format(value=typed, converted=f"{value.normalize():f}", measure=unit.text, places=PLACES)
        )
    return exact


def plain_number(value: object) -> Decimal:
    """A number a cell holds or a text spells ("1,200", "３.５"): no magnitude, no unit."""
    if isinstance(value, bool):
        raise AmountError(_("“{value}” is not a figure.").format(value=value))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    t = normal(str(value))
    _check_commas(t, str(value))
    if not re.fullmatch(rf"[+-]?(?:{_NUMBER})", t):
        raise AmountError(_("“{value}” is not a figure: write it in digits, as 1200 or 12.5.").format(value=value))
    return _decimal(t)


def _check_commas(t: str, typed: str) -> None:
    """A comma is a thousands separator (7,623) or a slip: "1,5" might be 1.5 or 15, so it is refused."""
    for run in _DIGITS_RUN.findall(t):
        if "," in run and not _GROUPED.fullmatch(run):
            raise AmountError(_commas(typed))


def _commas(typed: str) -> str:
    return _(
        "“{value}” has a comma that is not a thousands separator: write decimals with a point (1.5), thousands as 1,500 or 1500."
    ).format(value=typed)


def amount(value: object, unit_text: str, *, percent_format: bool = False) -> Decimal:
    """`value` (a number from a cell, or text as typed) in the unit of measure `unit_text`.

    `percent_format`: the cell is a number shown as a percentage (0.95 shown as 95 %), which counts in
    an indicator measured in % as 95."""
    unit = measure(unit_text)
    if not unit.text:
        raise AmountError(_("Give the unit of measure first."))
    if isinstance(value, bool):
        raise AmountError(_("“{value}” is not a figure.").format(value=value))
    if isinstance(value, int | float | Decimal):
        number = plain_number(value)
        if percent_format:
            if unit.base != PERCENT:
                raise AmountError(
                    _("The cell holds a percentage, but the indicator is measured in {measure}.").format(
                        measure=unit.text
                    )
                )
            number *= 100
        if isinstance(value, float):  # a binary fraction (0.1 + 0.2): what Excel shows, to the decimals kept
            rounded = number.quantize(QUANTUM)
            number = rounded if abs(rounded - number) < Decimal("1e-9") else number
        return _fits(number, str(value), unit)
    typed = str(value).strip()
    return _fits(_typed_amount(typed, unit), typed, unit)


def _typed_amount(typed: str, unit: Measure) -> Decimal:
    t = normal(typed)
    if not t:
        raise AmountError(_("Give the figure."))
    if _RANGE.search(t):
        raise AmountError(_("“{value}” is a range: give one figure.").format(value=typed))
    if any(word in t for word in _APPROXIMATE) or t.endswith("+"):
        raise AmountError(_("“{value}” is approximate: give the figure itself.").format(value=typed))
    _check_commas(t, typed)
    m = _FIGURE.fullmatch(t)
    if m is None:
        if _CHINESE_NUMERALS.search(t):
            raise AmountError(_("“{value}”: write the figure in digits, as 3000万.").format(value=typed))
        raise AmountError(_("“{value}” is not a figure: write it as 2.58亿 or 7623.").format(value=typed))
    sign, digits, magnitude, base = m.groups()
    if re.search(r"\d", base):
        raise AmountError(_("“{value}” holds more than one figure: give one.").format(value=typed))
    if not _UNIT_WORD.fullmatch(base):  # "2.58亿（其中…）": words beside the figure
        raise AmountError(_("“{value}” is not a figure: write it as 2.58亿 or 7623.").format(value=typed))
    number = _decimal(digits) * (-1 if sign == "-" else 1)
    if base and base != unit.base:
        raise AmountError(
            _("“{value}” is counted in {base}, but this indicator is measured in {measure}.").format(
                value=typed, base=base, measure=unit.text
            )
        )
    if magnitude and unit.base == PERCENT:
        raise AmountError(
            _("“{value}”: a percentage has no magnitude (万, 亿). Give the rate itself.").format(value=typed)
        )
    # No magnitude: a bare figure counts as the measure does ("2.58" in 亿元), one naming its base as that base.
    scale = MAGNITUDES[magnitude] if magnitude else 1 if base else unit.scale
    return number * Decimal(scale) / Decimal(unit.scale)


def as_cell(value: Decimal) -> Decimal | float | str:
    """A figure for a sheet: a number when Excel's binary number keeps it exactly, else text (which
    the import reads back to the last digit)."""
    number = float(value)
    if Decimal(repr(number)) == value:
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    return f"{value.normalize():f}"


# --- dates ----------------------------------------------------------------------------------------

_FULL_DATE = re.compile(r"(\d{4})(?:[-/.]|年)(\d{1,2})(?:[-/.]|月)(\d{1,2})日?(?:\d{1,2}:\d{2}(?::\d{2})?)?")
_COMPACT_DATE = re.compile(r"(20\d{2})(\d{2})(\d{2})")
_MONTH_END = re.compile(r"(\d{4})年(\d{1,2})月(?:底|末)")
_NO_YEAR = re.compile(r"(\d{1,2})月(?:(\d{1,2})日|底|末|份|中旬|上旬|下旬|前)?")
_YEAR_MONTH = re.compile(r"(\d{4})(?:[-/.]|年)(\d{1,2})月?(?:份|前)?")
EXCEL_DAYS = (36526, 73415)  # the date serials of 2000-01-01 and 2100-12-31


def day(value: object, year: int) -> date:
    """A date as a cell holds it (an Excel date, or its serial once the format is lost) or as typed:
    2026-06-30, 2026/6/30, 2026.6.30, 2026年6月30日, 20260630, 2026年6月底 (the month's last day).
    "6月底" (which year?), "2026-06" (which day?) and "年底" are refused; `year` (the ledger's) only
    shapes the example in the message."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if EXCEL_DAYS[0] <= value <= EXCEL_DAYS[1]:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        raise AmountError(
            _("“{value}” is not a date: write the full date, as {example}.").format(
                value=value, example=f"{year}-06-30"
            )
        )
    typed = str(value).strip()
    t = normal(typed)
    found: tuple[int, int, int] | None = None
    if m := _FULL_DATE.fullmatch(t) or _COMPACT_DATE.fullmatch(t):
        found = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    elif m := _MONTH_END.fullmatch(t):
        y, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            found = (y, month, monthrange(y, month)[1])
    elif m := _NO_YEAR.fullmatch(t):
        raise AmountError(
            _("“{value}” is ambiguous: which year and day? Write the full date, as {example}.").format(
                value=typed, example=_example(year, int(m.group(1)))
            )
        )
    elif m := _YEAR_MONTH.fullmatch(t):
        raise AmountError(
            _("“{value}” names no day: write the full date, as {example}.").format(
                value=typed, example=_example(int(m.group(1)), int(m.group(2)))
            )
        )
    if found is not None:
        try:
            return date(*found)
        except ValueError:
            pass
    example = f"{year}-12-31" if "年底" in t or "年末" in t else f"{year}-06-30"
    raise AmountError(
        _("“{value}” is not a date: write the full date, as {example}.").format(value=typed, example=example)
    )


def _example(year: int, month: int) -> str:
    if not 1 <= month <= 12:
        return f"{year}-06-30"
    return date(year, month, monthrange(year, month)[1]).isoformat()
