"""The ladder's writer: steps taken as rows, in bulk. Escalations, their events and notices for a
whole chunk of duties in a few statements (luoshi.bulk), whatever the number of steps; the sweep,
the office's manual urge and the replay of history all write through `take`."""

from collections import Counter as Tally
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext as _

from luoshi import bulk
from luoshi.duties import owners, tallies
from luoshi.duties.ladder import Rules, needs_talk_for_orders, workdays_overdue
from luoshi.duties.models import STEP_RANK, Episode, EpisodeKind, Escalation, Step
from luoshi.events.models import Event
from luoshi.events.services import next_number
from luoshi.notify.services import Message, notify_bulk
from luoshi.org.models import Person, Role, Unit
from luoshi.workdays.calendar import Calendar

NUMBER_PREFIX: dict[str, str] = {Step.URGE: "CB", Step.ORDER: "DB"}


@dataclass(slots=True)
class DutyRow:
    """What a step needs of its duty."""

    pk: int
    owner_kind: str
    owner_id: int
    unit_id: int
    unit_name: str
    leader_id: int | None
    code: str
    title: str


@dataclass(slots=True)
class EpisodeRow:
    pk: int
    kind: str
    due_date: date
    last_step: str


@dataclass(slots=True)
class Taken:
    """One escalation written."""

    pk: int
    episode: EpisodeRow
    duty: DutyRow
    step: str
    number: str
    days_overdue: int
    respond_by: date | None

    @property
    def unit_id(self) -> int:
        return self.duty.unit_id


class Recipients:
    """Who receives each step, read once per sweep."""

    def __init__(self, only_unit: int | None = None) -> None:
        self.by_unit: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.office: list[int] = []
        people = Person.objects.filter(is_active=True)
        if only_unit is not None:  # a manual step to one unit: its people only
            people = people.filter(unit_id=only_unit)
        for pk, unit_id, roles in people.order_by("pk").values_list("pk", "unit_id", "roles"):
            if Role.OFFICE in roles:
                self.office.append(pk)
            if unit_id:
                for role in roles:
                    self.by_unit[unit_id][role].append(pk)

    def of(self, step: str, unit_id: int, leader_id: int | None) -> list[int]:
        unit = self.by_unit[unit_id]
        if step == Step.REMINDER:
            return unit[Role.LIAISON]
        if step == Step.URGE:
            return unit[Role.LIAISON] + unit[Role.UNIT_HEAD]
        if step == Step.ORDER:
            return unit[Role.UNIT_HEAD] + ([leader_id] if leader_id else [])
        return self.office


def title_of(label: str, number: str, code: str, title: str) -> str:
    return f"{label} {number}".strip() + f"：{code} {title}".rstrip()


def body_of(step: str, kind: str, unit: str, due: date, days: int, respond_by: date | None, noun: str) -> str:
    """A step's notice in the active language."""
    if step == Step.REMINDER and kind == EpisodeKind.DEADLINE:
        return _("{unit}: the work on this {noun} is to be completed by {due}.").format(unit=unit, due=due, noun=noun)
    if step == Step.REMINDER:
        return _("{unit}: the report on this {noun} is due on {due}.").format(unit=unit, due=due, noun=noun)
    if kind == EpisodeKind.SIGN:
        return _("{unit}: this {noun} was to be signed for (签收) by {due} and has not been; sign for it now.").format(
            unit=unit, due=due, noun=noun
        )
    if step == Step.TALK_PROPOSAL:
        return _("{unit} is persistently late on this {noun}; a reminder talk is proposed.").format(
            unit=unit, noun=noun
        )
    return _("{unit}: the report due on {due} is {days} working days overdue; report by {by}.").format(
        unit=unit, due=due, days=days, by=respond_by
    )


def messages(taken: list[Taken]) -> list[Message]:
    """Each step's notice in the office's language, with the others' wording where it differs (as
    notify.in_every_language builds it): one language switch per language, not per notice."""
    languages = [settings.LANGUAGE_CODE] + [c for c, _n in settings.LANGUAGES if c != settings.LANGUAGE_CODE]
    texts: dict[str, list[tuple[str, str]]] = {}
    for code in languages:
        with translation.override(code):
            nouns = {kind: str(owners.get(kind).noun) for kind in {t.duty.owner_kind for t in taken}}
            labels = {step: str(Step(step).label) for step in Step.values}
            bodies: dict[tuple, str] = {}  # many steps share one wording: same unit, day and lateness
            texts[code] = []
            for t in taken:
                d, ep = t.duty, t.episode
                key = (t.step, ep.kind, d.unit_name, ep.due_date, t.days_overdue, t.respond_by, d.owner_kind)
                if key not in bodies:
                    bodies[key] = body_of(*key[:-1], nouns[d.owner_kind])
                texts[code].append((title_of(labels[t.step], t.number, d.code, d.title), bodies[key]))
    url = {kind: url_maker(kind) for kind in {t.duty.owner_kind for t in taken}}
    out = []
    for i, t in enumerate(taken):
        title, body = texts[languages[0]][i]
        others = tuple((c, *texts[c][i]) for c in languages[1:] if texts[c][i] != (title, body))
        out.append(Message(f"escalation.{t.step}", title, body, url[t.duty.owner_kind](t.duty.owner_id), others))
    return out


def url_maker(kind: str) -> Callable[[int], str]:
    """The owner's page address for an id, without resolving the URL once per notice: when two probes
    show the id is simply written into the address, the address is put together around it."""
    url = owners.get(kind).url
    probes = (918273645, 546372819)
    first, second = (url(p) for p in probes)
    if first.count(str(probes[0])) == 1 and first.replace(str(probes[0]), str(probes[1])) == second:
        head, tail = first.split(str(probes[0]))
        return lambda pk: f"{head}{pk}{tail}"
    return url


def take(
    steps: list[tuple[EpisodeRow, DutyRow, str]],
    today: date,
    now: datetime,
    cal: Calendar,
    rules: Callable[[str], Rules],
    who: Recipients,
    actor_id: int | None = None,
) -> list[Taken]:
    """Insert the escalations, numbered in the order given, with their events and notifications."""
    if not steps:
        return []
    wanted = Tally(step for _e, _d, step in steps if step in NUMBER_PREFIX)
    # A fixed order of the counters: two sweeps never wait for each other's in opposite orders.
    first = {s: next_number(f"{NUMBER_PREFIX[s]}-{today.year}", wanted[s]) for s in sorted(wanted)}
    overdue: dict[date, int] = {}
    respond_by: dict[str, date] = {}
    taken: list[Taken] = []
    for episode, duty, step in steps:
        number, by = "", None
        if step in first:
            number = f"{today.year}-{NUMBER_PREFIX[step]}-{first[step]:04d}"
            first[step] += 1
            if duty.owner_kind not in respond_by:
                respond_by[duty.owner_kind] = cal.add_workdays(today, rules(duty.owner_kind).order_after_workdays)
            by = respond_by[duty.owner_kind]
        if episode.due_date not in overdue:
            overdue[episode.due_date] = workdays_overdue(episode.due_date, today, cal)
        taken.append(Taken(0, episode, duty, step, number, overdue[episode.due_date], by))
    ids = bulk.insert(
        Escalation,
        ["episode_id", "step", "unit_id", "duty_id", "number", "due_date", "days_overdue", "respond_by"],
        (
            (t.episode.pk, t.step, t.unit_id, t.duty.pk, t.number, t.episode.due_date, t.days_overdue, t.respond_by)
            for t in taken
        ),
        fixed={"created_at": now, "manual": actor_id is not None, "created_by_id": actor_id},
        returning=True,
    )
    for t, pk in zip(taken, ids, strict=True):
        t.pk = pk
    tallies.steps_taken((t.duty.owner_kind, t.unit_id, t.step, now) for t in taken)  # the league's figures
    bulk.insert(
        Event,
        ["kind", "subject_type", "subject_id", "unit_id", "after"],
        (
            (
                f"escalation.{t.step}",
                t.duty.owner_kind,
                t.duty.owner_id,
                t.unit_id,
                {
                    "step": t.step,
                    "number": t.number,
                    "escalation": t.pk,
                    "due_date": t.episode.due_date.isoformat(),
                    "days_overdue": t.days_overdue,
                    "manual": actor_id is not None,
                    "duty": t.duty.pk,
                },
            )
            for t in taken
        ),
        fixed={"at": now, "actor_id": actor_id},
    )
    pairs = []
    for t, message in zip(taken, messages(taken), strict=True):
        pairs += [(pk, message) for pk in dict.fromkeys(who.of(t.step, t.unit_id, t.duty.leader_id))]
    notify_bulk(pairs, now)
    return taken


def talks_for_repeated_orders(
    taken: list[Taken], today: date, now: datetime, cal: Calendar, rules: Callable[[str], Rules], who: Recipients
) -> list[Taken]:
    """K orders to one unit within the window: one talk proposal for that unit (the window and K are
    those of the kind of work the order was on)."""
    ordered = {t.unit_id: t for t in taken if t.step == Step.ORDER}
    if not ordered:
        return []
    # Lock the units (in a fixed order) so that concurrent sweeps decide each unit's talk one at a time.
    list(Unit.objects.select_for_update().filter(pk__in=sorted(ordered)).order_by("pk").values_list("pk"))
    by_kind: dict[str, list[int]] = defaultdict(list)
    for unit_id, order in ordered.items():
        by_kind[order.duty.owner_kind].append(unit_id)
    steps: list[tuple[EpisodeRow, DutyRow, str]] = []
    for kind, unit_ids in by_kind.items():  # one kind in practice: two queries, whatever the number of units
        kind_rules = rules(kind)
        recent = Escalation.objects.filter(
            unit_id__in=unit_ids, created_at__gte=now - timedelta(days=kind_rules.talk_window_days)
        )
        orders = dict(recent.filter(step=Step.ORDER).values_list("unit_id").annotate(n=Count("pk")))
        talked = set(recent.filter(step=Step.TALK_PROPOSAL).values_list("unit_id", flat=True))
        for unit_id in unit_ids:
            if needs_talk_for_orders(orders.get(unit_id, 0), int(unit_id in talked), kind_rules):
                episode = ordered[unit_id].episode
                if STEP_RANK[episode.last_step] < STEP_RANK[Step.TALK_PROPOSAL]:
                    episode.last_step = Step.TALK_PROPOSAL
                    steps.append((episode, ordered[unit_id].duty, Step.TALK_PROPOSAL))
    if steps:
        Episode.objects.filter(pk__in=[e.pk for e, _d, _s in steps]).update(last_step=Step.TALK_PROPOSAL)
    return take(steps, today, now, cal, rules, who)
