"""The ladder as pure functions: which steps an episode should have reached on a given day."""

from dataclasses import dataclass
from datetime import date

from luoshi.duties.models import STEP_RANK, EpisodeKind, Step
from luoshi.workdays.calendar import Calendar


@dataclass(frozen=True)
class Rules:
    reminder_workdays: int = 2  # N: remind this many working days before a report is due
    order_after_workdays: int = 3  # M: a supervision order once overdue more than this many working days
    talk_orders: int = 2  # K: a talk proposal when a unit has this many orders …
    talk_window_days: int = 90  # … within this many days
    talk_overdue_workdays: int = 10  # L: or when overdue more than this many working days

    @classmethod
    def from_policy(cls, policy) -> "Rules":
        return cls(**{f: getattr(policy, f) for f in cls.__dataclass_fields__})


def reached_steps(kind: str, due: date, today: date, cal: Calendar, rules: Rules) -> list[str]:
    """Every step an episode of `kind`, due on `due`, has reached by `today`, in ladder order.

    Report due: a reminder N working days before (only while not yet late); an urge the day after;
    an order once more than M working days overdue; a talk proposal past L working days.
    Deadline passed (on a rest day: the next working day): an order at once; a talk proposal past L working days.
    """
    if kind == EpisodeKind.DEADLINE:
        due = cal.next_workday(due)  # a deadline on a rest day falls to the next working day
    if today <= due:
        if kind == EpisodeKind.REPORT and cal.workdays_between(today, due) <= rules.reminder_workdays:
            return [Step.REMINDER]
        return []
    overdue = cal.workdays_between(due, today)
    steps: list[str] = [Step.URGE] if kind == EpisodeKind.REPORT else []
    if kind == EpisodeKind.DEADLINE or overdue > rules.order_after_workdays:
        steps.append(Step.ORDER)
    if overdue > rules.talk_overdue_workdays:
        steps.append(Step.TALK_PROPOSAL)
    return steps


def steps_to_take(last_step: str, reached: list[str]) -> list[str]:
    """The reached steps beyond the last one taken: each step is taken once per episode."""
    return [s for s in reached if STEP_RANK[s] > STEP_RANK[last_step]]


def needs_talk_for_orders(orders_in_window: int, talks_in_window: int, rules: Rules) -> bool:
    """K supervision orders in the rolling window call for one talk proposal (not one per order)."""
    return orders_in_window >= rules.talk_orders and talks_in_window == 0


def workdays_overdue(due: date, today: date, cal: Calendar) -> int:
    return max(cal.workdays_between(due, today), 0)
