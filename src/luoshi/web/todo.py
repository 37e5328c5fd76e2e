"""Each person's work (待办): what waits for them, in the order to do it, each item one tap from the form
that settles it. The home page and GET /api/v1/me/todo both read `todo_for`.

A person with several roles sees the union: the unit's work first (reports owed by a deadline), then the
office's decisions, then a leader's lists. Every section reads at most CAP rows, in the order shown
(one query, LIMIT CAP), and counts the whole with a narrow second query only when the rows fill CAP; the
count stops at COUNT_LIMIT ("1000+"), so that neither query reads the whole of a province's work. The page
costs a bounded number of queries per role, whatever the data.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, When
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.duties import owners
from luoshi.duties.lights import LIGHTS, RED, light, light_rank, thresholds
from luoshi.duties.models import LIVE_STATUSES, Duty, DutyStatus, Escalation, Extension, ExtensionStatus, Step
from luoshi.duties.queries import TALK_STATES, talk_queue
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.lists.queries import light_filter, with_lights
from luoshi.lists.services import owner_type
from luoshi.notify.models import Delivery, DeliveryStatus
from luoshi.org.models import Person, Role

CAP = 50  # items per section; the count tells the whole
COUNT_LIMIT = 1000  # a section's count stops here: "1000+" (beyond it, counting would read the whole)
RECENT_DAYS = 14  # how long a decision or a failed delivery stays news

# The sections of each role, in the order they are shown. "order" is a unit's (supervision orders on its
# work) and a leader's (the orders addressed to him) alike: one section, no order twice.
UNIT_KINDS = ("report_due", "other_due", "urge", "order", "completion_returned", "extension_decided")
OFFICE_KINDS = (
    "completion_request",
    "extension_request",
    "ready_to_close",
    "red_list",
    "talk_proposal",
    "delivery_failed",
)
LEADER_KINDS = ("list", "order")
KINDS = tuple(dict.fromkeys(UNIT_KINDS + OFFICE_KINDS + LEADER_KINDS))

LABELS = {
    "report_due": _("Reports due"),
    "other_due": _("Ledger work due"),
    "urge": _("Urge notices"),
    "order": _("Supervision orders"),
    "completion_returned": _("Completion returned"),
    "extension_decided": _("Extension decisions"),
    "completion_request": _("Completion requests to decide"),
    "extension_request": _("Extension requests to decide"),
    "ready_to_close": _("Ready to strike off"),
    "red_list": _("Red lists"),
    "talk_proposal": _("Talk proposals"),
    "delivery_failed": _("Failed deliveries"),
    "list": _("My lists"),
}


@dataclass(frozen=True)
class Item:
    """One thing to do. `due`: when it falls due, or for a request or notice, when it was made."""

    kind: str
    title: str
    url: str
    due: date | None
    light: str | None
    owner_kind: str
    owner_id: int | None
    unit: str | None


@dataclass
class Section:
    kind: str
    label: str
    items: list[Item]
    count: int


@dataclass
class Todo:
    items: list[Item] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # per kind, the whole up to COUNT_LIMIT (items: CAP)
    lights: dict[str, int] = field(default_factory=dict)  # a leader's lists by light

    @property
    def sections(self) -> list[Section]:
        """The kinds the person has, in order, with their items (empty ones too: "nothing waits")."""
        by_kind: dict[str, list[Item]] = {kind: [] for kind in self.counts}
        for item in self.items:
            by_kind[item.kind].append(item)
        return [Section(kind, str(LABELS[kind]), by_kind[kind], self.counts[kind]) for kind in self.counts]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _capped(qs: QuerySet, *order: Any) -> tuple[list, int]:
    """The first CAP rows in `order`, and how many there are in all up to COUNT_LIMIT: a second query,
    of the primary keys alone, only when the rows fill CAP."""
    rows = list(qs.order_by(*order)[:CAP])
    if len(rows) < CAP:
        return rows, len(rows)
    return rows, qs.order_by().values("pk")[:COUNT_LIMIT].count()


def _list_duties() -> QuerySet[Duty]:
    """Duties on lists in progress (a suspended list's duties stand still; a closed one's are done)."""
    return Duty.objects.filter(owner_type=owner_type(), list__status=ListStatus.IN_PROGRESS)


def report_url(duty: Duty) -> str:
    return reverse("lists:report_page", args=[duty.owner_id, duty.unit_id])


def _loop_url(list_id: int, anchor: str = "", back: bool = False) -> str:
    """The loop page; `back` brings the person back to the to-do after acting there."""
    url = reverse("lists:loop", args=[list_id])
    if back:
        url += "?next=" + reverse("home")
    return url + (f"#{anchor}" if anchor else "")


class _Builder:
    def __init__(self, person: Person, today: date) -> None:
        self.person = person
        self.today = today
        self.limits = thresholds("list")
        tz = timezone.get_current_timezone()
        self.recent = datetime.combine(today - timedelta(days=RECENT_DAYS), time.min, tz)
        self.todo = Todo()
        self._orders: set[int] = set()

    def add(self, kind: str, items: list[Item], total: int) -> None:
        self.todo.counts[kind] = self.todo.counts.get(kind, 0) + total
        self.todo.items.extend(items)

    def duty_light(self, d: Duty) -> str:
        return light(self.today, d.next_report_due, d.deadline, self.limits)

    def duty_item(self, kind: str, d: Duty, url: str, due: date | None) -> Item:
        return Item(kind, d.title, url, due, self.duty_light(d), "list", d.owner_id, d.unit.name)

    # --- a unit's liaison or head -----------------------------------------------------------------

    def unit(self, unit_id: int) -> None:
        mine = _list_duties().filter(unit_id=unit_id, status=DutyStatus.OPEN, paused_at__isnull=True)
        mine = mine.select_related("unit")
        returned = Q(last_report__request_completion=True)  # open again after asking: the office returned it
        due = mine.exclude(returned).annotate(due=Coalesce("next_report_due", "deadline"))
        rows, total = _capped(due, "due", "deadline", "id")
        self.add("report_due", [self.duty_item("report_due", d, report_url(d), d.due) for d in rows], total)

        # The other owners' work (ledger tasks, quarter confirmations, audit questions), on the owner's page.
        other = Duty.objects.filter(unit_id=unit_id, status=DutyStatus.OPEN, paused_at__isnull=True)
        other = other.exclude(owner_type=owner_type()).select_related("unit")
        other = other.annotate(due=Coalesce("next_report_due", "deadline"))
        rows, total = _capped(other, "due", "deadline", "id")
        items = [
            Item(
                "other_due", d.title, owners.url_of(d), d.due, self.duty_light(d), d.owner_kind, d.owner_id, d.unit.name
            )
            for d in rows
        ]
        self.add("other_due", items, total)

        self.escalations(_unit_steps(unit_id), "urge", "order")

        rows, total = _capped(mine.filter(returned), F("next_report_due").asc(nulls_last=True), "id")
        items = [self.duty_item("completion_returned", d, report_url(d), d.next_report_due) for d in rows]
        self.add("completion_returned", items, total)

        # A decision is news until the unit reports again (or for RECENT_DAYS).
        decided = Extension.objects.filter(
            duty__in=_list_duties().filter(unit_id=unit_id, status__in=LIVE_STATUSES),
            status__in=[ExtensionStatus.APPROVED, ExtensionStatus.REFUSED],
            decided_at__gte=self.recent,
        ).filter(Q(duty__last_report__isnull=True) | Q(decided_at__gt=F("duty__last_report__filed_at")))
        rows, total = _capped(decided.select_related("duty__unit"), "-decided_at", "-id")
        items = [
            self.duty_item("extension_decided", x.duty, report_url(x.duty), timezone.localdate(x.decided_at))
            for x in rows
        ]
        self.add("extension_decided", items, total)

    def escalations(self, qs: QuerySet[Escalation], *kinds: str) -> None:
        """Urge notices and supervision orders still open (their lateness not ended), newest first: one
        query per step (the index on unit, step, created_at serves a unit's)."""
        for kind in kinds:
            rows, total = _capped(qs.filter(step=kind).select_related("duty", "unit"), "-created_at", "-id")
            fresh = [e for e in rows if e.pk not in self._orders]
            self._orders.update(e.pk for e in fresh)
            # An order seen already as the unit's is not counted again as the leader's.
            self.add(kind, [self.escalation_item(kind, e) for e in fresh], total - (len(rows) - len(fresh)))

    def escalation_item(self, kind: str, e: Escalation) -> Item:
        d = e.duty
        title = f"{e.number} · {d.title}" if e.number else d.title
        mine = self.person.unit_id == e.unit_id and self.person.has_role(Role.LIAISON, Role.UNIT_HEAD)
        url = report_url(d) if mine else _loop_url(d.owner_id, f"unit-{e.unit_id}")
        return Item(kind, title, url, e.respond_by or e.due_date, self.duty_light(d), "list", d.owner_id, e.unit.name)

    # --- the office -------------------------------------------------------------------------------

    def office(self) -> None:
        asked = _list_duties().filter(status=DutyStatus.COMPLETION_REQUESTED).select_related("unit", "last_report")
        rows, total = _capped(asked, "completion_asked_at", "id")  # always set while asked: the index order
        items = [
            Item(
                "completion_request",
                d.title,
                _loop_url(d.owner_id, f"completion-{d.unit_id}", back=True),
                timezone.localdate(d.last_report.filed_at) if d.last_report else None,
                None,
                "list",
                d.owner_id,
                d.unit.name,
            )
            for d in rows
        ]
        self.add("completion_request", items, total)

        pending = Extension.objects.filter(status=ExtensionStatus.PENDING, duty__in=_list_duties())
        rows, total = _capped(pending.select_related("duty__unit"), "requested_at", "id")
        items = [
            Item(
                "extension_request",
                x.duty.title,
                _loop_url(x.duty.owner_id, f"extension-{x.pk}", back=True),
                timezone.localdate(x.requested_at),
                None,
                "list",
                x.duty.owner_id,
                x.duty.unit.name,
            )
            for x in rows
        ]
        self.add("extension_request", items, total)

        # Every unit's work accepted: the list's count of units to accept, kept by every write.
        ready = ResponsibilityList.objects.filter(status=ListStatus.IN_PROGRESS, units_to_accept=0)
        rows, total = _capped(ready, "deadline", "id")
        items = [
            Item("ready_to_close", r.title, _loop_url(r.pk, back=True), r.deadline, None, "list", r.pk, None)
            for r in rows
        ]
        self.add("ready_to_close", items, total)

        red = with_lights(ResponsibilityList.objects.filter(light_filter(RED, self.today)))  # the lists' own dates
        rows, total = _capped(red, F("open_due").asc(nulls_last=True), "open_deadline", "id")
        items = [
            Item("red_list", r.title, _loop_url(r.pk), _first(r.open_due, r.open_deadline), RED, "list", r.pk, None)
            for r in rows
        ]
        self.add("red_list", items, total)

        rows, total = _capped(talk_queue().filter(TALK_STATES[""]), "created_at", "id")
        url = reverse("escalation:talks")
        items = [
            Item(
                "talk_proposal",
                e.duty.title,
                f"{url}#talk-{e.pk}",
                timezone.localdate(e.created_at),
                None,
                "list",
                e.duty.owner_id,
                e.unit.name,
            )
            for e in rows
        ]
        self.add("talk_proposal", items, total)

    def deliveries(self) -> None:
        """Outside deliveries that failed lately and whose notice is unread in the inbox: nobody got it."""
        failed = Delivery.objects.filter(status=DeliveryStatus.FAILED, created_at__gte=self.recent).filter(
            Q(notification__isnull=True) | Q(notification__read_at__isnull=True)
        )
        rows, total = _capped(failed.select_related("channel"), "-created_at", "-id")
        items = [
            Item(
                "delivery_failed",
                f"{x.channel.name}{' → ' + x.to if x.to else ''}: {x.subject}",
                reverse("admin:notify_delivery_change", args=[x.pk]),
                timezone.localdate(x.created_at),
                RED,
                "",
                None,
                None,
            )
            for x in rows
        ]
        self.add("delivery_failed", items, total)

    # --- a leader ---------------------------------------------------------------------------------

    def leader(self) -> None:
        """His own and his supervised units' lists (not struck off), red first; then the orders to him."""
        person = self.person
        supervised = Duty.objects.filter(
            owner_type=owner_type(), unit__in=person.supervised_units.values("pk")
        ).exclude(status=DutyStatus.PENDING)
        mine = ResponsibilityList.objects.filter(Q(leader=person) | Q(pk__in=supervised.values("owner_id")))
        mine = mine.filter(status__in=[ListStatus.IN_PROGRESS, ListStatus.SUSPENDED])
        # The lights over all of them, counted in SQL from the lists' own dates (no rows fetched) ...
        self.todo.lights = mine.aggregate(
            **{lit: Count("pk", filter=light_filter(lit, self.today)) for lit in reversed(LIGHTS)}
        )
        # ... and the first CAP, red first, ranked in SQL: with_lights annotates the dates.
        live = Q(status=ListStatus.IN_PROGRESS)
        ranked = with_lights(mine).annotate(
            rank=light_rank(self.today, "open_due", "open_deadline", live),
            # the earlier of the two dates that are set (Least alone is NULL on SQLite when one is)
            due=Case(
                When(live, then=Coalesce(Least("open_due", "open_deadline"), "open_due", "open_deadline")),
                default=F("effective_deadline"),
            ),
        )
        fields = ("pk", "title", "status", "open_due", "open_deadline", "due")
        rows = list(ranked.order_by("rank", F("due").asc(nulls_last=True), "pk").values(*fields)[:CAP])
        items = []
        for r in rows:
            working = r["status"] == ListStatus.IN_PROGRESS
            lit = light(self.today, r["open_due"], r["open_deadline"], self.limits) if working else None
            items.append(Item("list", r["title"], _loop_url(r["pk"]), r["due"], lit, "list", r["pk"], None))
        total = len(rows) if len(rows) < CAP else mine.order_by().values("pk")[:COUNT_LIMIT].count()
        self.add("list", items, total)
        self.escalations(_open_steps().filter(step=Step.ORDER, duty__leader=person), "order")


def _unit_steps(unit_id: int) -> QuerySet[Escalation]:
    return _open_steps().filter(unit_id=unit_id, step__in=[Step.URGE, Step.ORDER])


def _open_steps() -> QuerySet[Escalation]:
    """Steps whose lateness has not ended, on work still owed on a list in progress."""
    return Escalation.objects.filter(
        episode__closed_at__isnull=True,
        duty__in=_list_duties().filter(status__in=LIVE_STATUSES),
    )


def _first(*days: date | None) -> date | None:
    return min((d for d in days if d is not None), default=None)


def todo_for(person: Person, today: date | None = None) -> Todo:
    """The person's work: for each role held, its sections (see the module's docstring)."""
    builder = _Builder(person, today or timezone.localdate())
    if person.unit_id and person.has_role(Role.LIAISON, Role.UNIT_HEAD):
        builder.unit(person.unit_id)
    if person.is_office:
        builder.office()
    if person.has_role(Role.LEADER):
        builder.leader()
    if person.has_role(Role.ADMIN):  # the channels' delivery log is the system administrator's, in /admin/
        builder.deliveries()
    todo = builder.todo
    # Sections in the roles' order; items follow their sections, each section in its own order.
    rank = {kind: i for i, kind in enumerate(todo.counts)}
    todo.items.sort(key=lambda item: rank[item.kind])  # a stable sort keeps the order within a section
    return todo
