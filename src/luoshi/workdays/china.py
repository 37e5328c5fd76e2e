"""China's official public-holiday arrangements (国务院办公厅关于部分节假日安排的通知), shipped for the demo years.

Each entry: (first day, last day, name) of a holiday, and the weekend days that are make-up workdays.
Admins edit the calendar in the UI for later years.
"""

from datetime import date, timedelta

HOLIDAYS: dict[int, list[tuple[str, str, str]]] = {
    2025: [
        ("2025-01-01", "2025-01-01", "元旦"),
        ("2025-01-28", "2025-02-04", "春节"),
        ("2025-04-04", "2025-04-06", "清明节"),
        ("2025-05-01", "2025-05-05", "劳动节"),
        ("2025-05-31", "2025-06-02", "端午节"),
        ("2025-10-01", "2025-10-08", "国庆节、中秋节"),
    ],
    2026: [
        ("2026-01-01", "2026-01-03", "元旦"),
        ("2026-02-15", "2026-02-23", "春节"),
        ("2026-04-04", "2026-04-06", "清明节"),
        ("2026-05-01", "2026-05-05", "劳动节"),
        ("2026-06-19", "2026-06-21", "端午节"),
        ("2026-09-25", "2026-09-27", "中秋节"),
        ("2026-10-01", "2026-10-07", "国庆节"),
    ],
}

MAKEUP_WORKDAYS: dict[int, list[tuple[str, str]]] = {
    2025: [
        ("2025-01-26", "春节调休"),
        ("2025-02-08", "春节调休"),
        ("2025-04-27", "劳动节调休"),
        ("2025-09-28", "国庆节调休"),
        ("2025-10-11", "国庆节调休"),
    ],
    2026: [
        ("2026-01-04", "元旦调休"),
        ("2026-02-14", "春节调休"),
        ("2026-02-28", "春节调休"),
        ("2026-05-09", "劳动节调休"),
        ("2026-09-20", "国庆节调休"),
        ("2026-10-10", "国庆节调休"),
    ],
}


def official_days(year: int) -> list[tuple[date, bool, str]]:
    """(date, is_workday, note) for every exception of `year`."""
    days: list[tuple[date, bool, str]] = []
    for first, last, name in HOLIDAYS.get(year, []):
        day, end = date.fromisoformat(first), date.fromisoformat(last)
        while day <= end:
            days.append((day, False, name))
            day += timedelta(days=1)
    days += [(date.fromisoformat(d), True, note) for d, note in MAKEUP_WORKDAYS.get(year, [])]
    return sorted(days)
