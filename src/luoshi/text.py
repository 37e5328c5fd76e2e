"""What text may come in: one check for the API, forms and imports alike.

PostgreSQL cannot store NUL; control characters, bidi overrides and terminal escapes hide or
disguise what a title says. Line breaks and tabs are kept where multi-line text is allowed.
"""

import unicodedata

from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput

# Invisible characters that render as nothing: a title made only of them is no title.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"}
# Bidi embeddings, overrides and isolates: they reorder what a reader sees.
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}


def bad_character(value: str, *, multiline: bool = True) -> str | None:
    """The first character that may not be stored, or None."""
    for ch in value:
        if ch in "\n\t\r" and multiline:
            continue
        if ch in _BIDI or unicodedata.category(ch) in {"Cc", "Cs", "Co", "Cn"}:
            return ch
    return None


def is_blank(value: str) -> bool:
    """Empty once white space and invisible characters are taken away."""
    return not "".join(ch for ch in value if ch not in _INVISIBLE and not ch.isspace())


def check_text(value: str, field: str, *, multiline: bool = True, required: bool = False) -> str:
    """The value, stripped, or InvalidInput naming the field."""
    if (ch := bad_character(value, multiline=multiline)) is not None:
        raise InvalidInput(
            _("Contains a character that is not allowed (U+{code:04X}).").format(code=ord(ch)), field
        )
    value = value.strip()
    if required and is_blank(value):
        raise InvalidInput(_("This field needs visible text."), field)
    return value
