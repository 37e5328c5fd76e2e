"""Reading the restricted cases: what a person may see (oversight.access), filtered by unit and period,
with what each case cites and what cites it, in a fixed number of queries whatever the number of rows.
The readers (pages, API) record every read: events.services.audit_read / audit_reads."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from luoshi.duties.models import Escalation
from luoshi.lists.models import ResponsibilityList
from luoshi.org.models import Person
from luoshi.oversight import forms_period
from luoshi.oversight.access import cases_q, incidents_q
from luoshi.oversight.models import (
    Accountability,
    CaseReason,
    Finding,
    Incident,
    MeasureKind,
    ReasonKind,
    Talk,
    TalkKind,
    Violation,
)

# The tabs of the cases page, and each one's model, date field and audited subject type.
TABS = ("talks", "incidents", "violations", "accountability")
SUBJECT_TYPE = {"talks": "talk", "incidents": "incident", "violations": "violation", "accountability": "accountability"}
DATE_FIELD = {"talks": "held_on", "incidents": "happened_on", "violations": "found_on", "accountability": "decided_on"}


def _only(qs: QuerySet, q: Q | None) -> QuerySet:
    return qs if q is None else qs.filter(q)


def visible_talks(person: Person) -> QuerySet[Talk]:
    return _only(Talk.objects.select_related("unit", "person", "talked_by"), cases_q(person))


def visible_violations(person: Person) -> QuerySet[Violation]:
    return _only(Violation.objects.select_related("unit", "person"), cases_q(person))


def visible_accountability(person: Person) -> QuerySet[Accountability]:
    return _only(Accountability.objects.select_related("unit", "person"), cases_q(person))


def visible_incidents(person: Person) -> QuerySet[Incident]:
    return _only(Incident.objects.prefetch_related("units", "people"), incidents_q(person))


def visible(tab: str, person: Person) -> QuerySet:
    return {
        "talks": visible_talks,
        "incidents": visible_incidents,
        "violations": visible_violations,
        "accountability": visible_accountability,
    }[tab](person)


@dataclass(frozen=True)
class CaseFilters:
    unit: int | None = None
    start: date | None = None  # inclusive, on the case's own date (held, happened, found, decided)
    end: date | None = None
    kind: str = ""  # a talk's kind
    person: int | None = None
    leader: Person | None = None  # the cases of the units this leader supervises


def filtered(tab: str, person: Person, f: CaseFilters) -> QuerySet:
    qs = visible(tab, person)
    day = DATE_FIELD[tab]
    if f.start:
        qs = qs.filter(**{f"{day}__gte": f.start})
    if f.end:
        qs = qs.filter(**{f"{day}__lte": f.end})
    if f.unit:
        if tab == "incidents":
            qs = qs.filter(pk__in=Incident.units.through.objects.filter(unit_id=f.unit).values("incident_id"))
        else:
            qs = qs.filter(unit_id=f.unit)
    if f.person:
        if tab == "incidents":
            qs = qs.filter(pk__in=Incident.people.through.objects.filter(person_id=f.person).values("incident_id"))
        else:
            qs = qs.filter(person_id=f.person)
    if f.kind and tab == "talks":
        qs = qs.filter(kind=f.kind)
    if f.leader is not None:
        if tab == "incidents":
            involved = Incident.units.through.objects.filter(forms_period.unit_in(f.leader))
            qs = qs.filter(pk__in=involved.values("incident_id"))
        else:
            qs = qs.filter(forms_period.unit_in(f.leader))
    return qs


def counts(person: Person, f: CaseFilters) -> dict[str, int]:
    """Each tab's count under the same filters (a talk's kind filters the talks alone): four queries."""
    return {tab: filtered(tab, person, f).order_by().count() for tab in TABS}


# ---------------------------------------------------------------- reasons and links


@dataclass(frozen=True)
class Cited:
    """One record a case cites (or a case citing a record), as a page shows it."""

    kind: str
    ref_id: int
    label: str
    url: str

    @property
    def kind_label(self) -> str:
        return str(ReasonKind(self.kind).label) if self.kind in ReasonKind.values else self.kind


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # a page another part of the issue has not wired (yet)
        return ""


def _labels(kind: str, ids: set[int]) -> dict[int, tuple[str, str]]:
    """ref id → (label, url) for the records of one kind: one query."""
    if kind == ReasonKind.LIST:
        lists = ResponsibilityList.objects.filter(pk__in=ids).only("pk", "code", "title")
        return {r.pk: (f"{r.code or ''} {r.title}".strip(), _url("lists:loop", r.pk)) for r in lists}
    if kind == ReasonKind.FINDING:
        found = Finding.objects.filter(pk__in=ids).only("pk", "code", "description")
        return {f.pk: (f"{f.code} {f.description[:40]}", _url("oversight:finding", f.pk)) for f in found}
    if kind == ReasonKind.TALK_PROPOSAL:
        esc = (
            Escalation.objects.filter(pk__in=ids)
            .select_related("unit", "duty")
            .only("pk", "created_at", "unit__name", "duty__title")
        )
        return {
            e.pk: (
                f"{e.unit.name} · {e.duty.title} ({e.created_at:%Y-%m-%d})",
                reverse("escalation:talks") + "?state=all",
            )
            for e in esc
        }
    if kind == ReasonKind.INCIDENT:
        return {
            i.pk: (f"{i.title} ({i.happened_on:%Y-%m-%d})", _url("oversight:incident", i.pk))
            for i in Incident.objects.filter(pk__in=ids).only("pk", "title", "happened_on")
        }
    if kind == ReasonKind.VIOLATION:
        vs = Violation.objects.filter(pk__in=ids).select_related("person").only("pk", "found_on", "person__name")
        return {v.pk: (f"{v.person} ({v.found_on:%Y-%m-%d})", "") for v in vs}
    talks = Talk.objects.filter(pk__in=ids).select_related("unit").only("pk", "kind", "held_on", "unit__name")
    return {
        t.pk: (f"{TalkKind(t.kind).label} · {t.unit.name} ({t.held_on:%Y-%m-%d})", _url("oversight:talk", t.pk))
        for t in talks
    }


def reasons_of(case_type: str, case_ids: Iterable[int]) -> dict[int, list[Cited]]:
    """What each case cites: one query, then one per kind cited."""
    rows = list(CaseReason.objects.filter(case_type=case_type, case_id__in=list(case_ids)).order_by("id"))
    by_kind: dict[str, set[int]] = {}
    for r in rows:
        by_kind.setdefault(r.kind, set()).add(r.ref_id)
    labels = {kind: _labels(kind, ids) for kind, ids in by_kind.items()}
    out: dict[int, list[Cited]] = {}
    for r in rows:
        label, url = labels[r.kind].get(r.ref_id, (_("(no longer stored) no. {id}").format(id=r.ref_id), ""))
        out.setdefault(r.case_id, []).append(Cited(r.kind, r.ref_id, label, url))
    return out


def citing(kind: str, ref_id: int, person: Person) -> list[Cited]:
    """The talks and accountability decisions citing a record, those the person may see: three queries."""
    rows = CaseReason.objects.filter(kind=kind, ref_id=ref_id).values_list("case_type", "case_id")
    ids: dict[str, list[int]] = {}
    for case_type, case_id in rows:
        ids.setdefault(case_type, []).append(case_id)
    out: list[Cited] = []
    if ids.get("talk"):
        for t in visible_talks(person).filter(pk__in=ids["talk"]).order_by("held_on", "id"):
            out.append(
                Cited(
                    ReasonKind.TALK, t.pk, f"{t.get_kind_display()} · {subject_name(t)}", _url("oversight:talk", t.pk)
                )
            )
    if ids.get("accountability"):
        for a in visible_accountability(person).filter(pk__in=ids["accountability"]).order_by("decided_on", "id"):
            out.append(
                Cited(
                    "accountability",
                    a.pk,
                    f"{subject_name(a)} · {measures_text(a.measures)}",
                    _url("oversight:accountability", a.pk),
                )
            )
    return out


def subject_name(case: Any) -> str:
    """A talk's or a decision's subject as a page names it: the person (and his unit), or the unit."""
    if case.person_id:
        return f"{case.person} ({case.unit.name})"
    if case.subject_kind == "person":  # a tally's talks: the unit's cadres, unnamed
        return _("{unit} (its cadres)").format(unit=case.unit.name)
    return case.unit.name


def measures_text(measures: list[str]) -> str:
    return _(", ").join(str(MeasureKind(m).label) for m in measures if m in MeasureKind.values)


def ids_of(rows: Iterable[Model]) -> list[int]:
    return [r.pk for r in rows]
