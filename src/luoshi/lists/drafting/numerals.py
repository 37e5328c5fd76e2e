"""Chinese numerals as documents write them: 三, 十五, 二十, 二〇二六 (digit by digit)."""

_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

CN = "〇零○一二两三四五六七八九十"


def number(word: str) -> int | None:
    """'15' → 15, '十五' → 15, '二十一' → 21, '二〇二六' → 2026; None if not a number."""
    word = word.strip()
    if not word:
        return None
    if word.isdigit():
        return int(word)
    if "十" not in word:
        if all(c in _DIGITS for c in word):
            value = 0
            for c in word:
                value = value * 10 + _DIGITS[c]
            return value
        return None
    tens, _, ones = word.partition("十")
    if (tens and tens not in _DIGITS) or (ones and ones not in _DIGITS):
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
