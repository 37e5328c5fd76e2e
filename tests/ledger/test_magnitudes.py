"""Figures and dates as offices type them: converted into the indicator's measure when that is certain,
refused with words saying why when it is not."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.ledger.magnitudes import MAGNITUDES, AmountError, amount, as_cell, day, measure, plain_number
from tests.ledger.fixtures.books import in_english  # noqa: F401  (a fixture)

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.mark.parametrize(
    ("typed", "unit", "expected"),
    [
        ("2.58亿", "万元", "25800"),
        ("2.58亿", "亿元", "2.58"),
        ("2.58亿元", "万元", "25800"),
        ("3000万", "亿元", "0.3"),
        ("3000万", "元", "30000000"),
        ("7,623套", "套", "7623"),
        ("7623", "套", "7623"),
        ("1.2万户", "户", "12000"),
        ("12000户", "万户", "1.2"),
        ("5元", "万元", "0.0005"),
        ("2.58", "亿元", "2.58"),  # a bare figure counts as the measure does
        ("95%", "%", "95"),
        ("118天", "天", "118"),
        ("１２３", "个", "123"),  # full-width digits
        ("7，623 套", "套", "7623"),  # a full-width comma, a space
        ("-5", "%", "-5"),
        ("673.01亿", "亿元", "673.01"),
        ("1,240.88亿元", "亿元", "1240.88"),
    ],
)
def test_a_typed_figure_is_converted_into_the_measure(typed, unit, expected):
    assert amount(typed, unit) == Decimal(expected)


@pytest.mark.parametrize(
    ("typed", "unit", "words"),
    [
        ("7,623套", "户", "counted in 套, but this indicator is measured in 户"),
        ("50%", "个", "counted in %"),
        ("约3000万", "元", "approximate"),
        ("3000万左右", "元", "approximate"),
        ("3000+", "元", "approximate"),
        ("3000-5000万", "元", "a range"),
        ("3000至5000", "元", "a range"),
        ("三千万", "元", "in digits"),
        ("1,5", "个", "not a thousands separator"),
        ("12,34,567", "个", "not a thousands separator"),
        ("1.5万", "%", "a percentage has no magnitude"),
        ("1234元", "亿元", "finer than the 4 decimals"),
        ("3千5百万", "元", "more than one figure"),
        ("2.58亿（其中…）", "万元", "not a figure"),
        ("100000000000000", "个", "10 trillion"),
        ("2000万亿", "元", "10 trillion"),
        ("", "个", "Give the figure"),
        ("待定", "个", "not a figure"),
    ],
)
def test_an_ambiguous_or_mismatched_figure_is_refused_with_its_reason(typed, unit, words):
    with pytest.raises(AmountError) as err:
        amount(typed, unit)
    assert words in err.value.message


def test_numbers_from_cells_count_as_typed_in_the_measure():
    assert amount(25800.0, "万元") == Decimal(25800)
    assert amount(2.58, "亿元") == Decimal("2.58")
    assert amount(0.1 + 0.2, "亿元") == Decimal("0.3")  # Excel's binary fractions, to the 4 decimals kept
    assert amount(7, "套") == Decimal(7)


def test_a_number_shown_as_a_percentage_counts_in_percent():
    assert amount(0.95, "%", percent_format=True) == Decimal(95)
    with pytest.raises(AmountError, match="holds a percentage"):
        amount(0.95, "个", percent_format=True)


def test_a_measure_is_a_magnitude_and_a_base():
    assert (measure("亿元").scale, measure("亿元").base) == (10**8, "元")
    assert (measure("万户").scale, measure("万户").base) == (10**4, "户")
    assert (measure("%").scale, measure("％").base) == (1, "%")
    assert (measure("套").scale, measure("套").base) == (1, "套")


BASES = st.sampled_from(["元", "户", "套", "个", "天", "平方米", ""])


@given(
    number=st.decimals(min_value=0, max_value=Decimal("99999"), places=2, allow_nan=False, allow_infinity=False),
    magnitude=st.sampled_from(["", *MAGNITUDES]),
    unit_magnitude=st.sampled_from(["", "万", "亿"]),
    base=BASES,
    shown_base=st.booleans(),
)
def test_any_figure_with_a_magnitude_converts_exactly_or_says_why_not(
    number, magnitude, unit_magnitude, base, shown_base
):
    typed = f"{number}{magnitude}{base if shown_base else ''}"
    unit = measure(f"{unit_magnitude}{base}" or "万")
    # With a magnitude, the figure says its size; naming its base, it counts in that base; bare, in the measure.
    typed_scale = MAGNITUDES[magnitude] if magnitude else 1 if shown_base and base else unit.scale
    exact = number * typed_scale / unit.scale
    try:
        got = amount(typed, unit.text)
    except AmountError as err:
        assert exact >= Decimal("1e13") or exact != exact.quantize(Decimal("0.0001")), err.message
    else:
        assert got == exact


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4, allow_nan=False))
def test_a_figure_written_to_a_sheet_reads_back_the_same(value):
    cell = as_cell(value)
    assert amount(cell, "元") == value


def test_a_figure_excel_cannot_hold_exactly_goes_to_the_sheet_as_text():
    assert as_cell(Decimal("1234567890123.4567")) == "1234567890123.4567"
    assert as_cell(Decimal("25800.0000")) == 25800 and as_cell(Decimal("2.5800")) == 2.58


def test_plain_numbers_for_weights():
    assert plain_number("1,200") == Decimal(1200)
    assert plain_number(3.5) == Decimal("3.5")
    with pytest.raises(AmountError):
        plain_number("重要")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-06-30", date(2026, 6, 30)),
        ("2026/6/30", date(2026, 6, 30)),
        ("2026.6.30", date(2026, 6, 30)),
        ("2026年6月30日", date(2026, 6, 30)),
        ("2026年6月底", date(2026, 6, 30)),
        ("2026年2月底", date(2026, 2, 28)),
        ("20260630", date(2026, 6, 30)),
        ("２０２６－０６－３０", date(2026, 6, 30)),
        (46203, date(2026, 6, 30)),  # an Excel date serial whose cell lost its format
    ],
)
def test_a_date_as_typed(typed, expected):
    assert day(typed, 2026) == expected


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("6月底", "ambiguous: which year and day? Write the full date, as 2026-06-30"),
        ("6月30日", "ambiguous"),
        ("2026-06", "names no day: write the full date, as 2026-06-30"),
        ("年底", "2026-12-31"),
        ("2026-02-30", "not a date"),
        ("长期坚持", "not a date"),
        (12, "not a date"),
    ],
)
def test_a_date_that_is_not_certain_is_refused(typed, words):
    with pytest.raises(AmountError) as err:
        day(typed, 2026)
    assert words in err.value.message
