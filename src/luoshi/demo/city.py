"""The demo city (演示城市): a Lanzhou-like city, its people, and one year of responsibility lists.

The org chart is written with the ORM; the lists' whole history goes through the list services with
an explicit, past `now=`, so every event, code and light is what real use would have produced.
`random.Random(seed)` is the only source of chance: the same seed on the same day gives the same city.
"""

import random
from datetime import datetime, time, timedelta
from itertools import groupby

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F, Value
from django.db.models.deletion import ProtectedError, RestrictedError
from django.db.models.functions import Least
from django.utils import timezone

from luoshi.demo.bulletins import build_bulletins, wipe_bulletins
from luoshi.demo.changes import NEW_LISTS, change_some_lists, publish_new_lists
from luoshi.demo.drafting import build_drafting_sample, wipe_drafting
from luoshi.demo.history import ListPlan
from luoshi.demo.ledger import build_demo_ledger, wipe_ledger
from luoshi.demo.names import ADMIN, GIVEN, LEADERS, OFFICE_STAFF, SURNAMES, UNITS, head_title, liaison_title
from luoshi.demo.oversight import build_oversight, build_self_analysis, wipe_oversight
from luoshi.demo.plan import plan_year
from luoshi.demo.public import build_public, wipe_public
from luoshi.demo.security import build_security_history
from luoshi.demo.talks import handle_old_talk_proposals
from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import Duty, Extension, Report
from luoshi.duties.replay import replay_history
from luoshi.duties.signing import do_sign
from luoshi.duties.sweep import sweep
from luoshi.events.chain import anchor
from luoshi.events.models import Anchor, ChainHead, Counter, Event, Tally, TallyShare
from luoshi.lists import completion, services
from luoshi.lists.models import Milestone, ResponsibilityList
from luoshi.notify.models import Notification
from luoshi.org.models import ApiToken, Person, Role, Unit
from luoshi.workdays import calendar
from luoshi.workdays.hours import last_working_moment

DEMO_PASSWORD = "Luoshi-2026"  # meets the password rules (luoshi.org.passwords)
# The three privileged roles (三员) are three people: the system administrator (names.ADMIN), these two.
SECURITY = ("security", "安全管理员", "安全管理员")
AUDITOR = ("auditor", "审计管理员", "审计管理员")
# The accounts worth printing: (username, what the account is for).
SHOWN = (
    ("admin", "管理单位、人员和系统设置（Django 管理后台 /admin/），不接触业务数据"),
    ("security", "分配角色和权限、处理账号锁定（/admin/），不接触业务数据"),
    ("auditor", "查阅、核验和导出审计记录，不接触业务数据"),
    ("office", "发布清单、跟踪催办、验收销号"),
    ("office02", "发布清单、跟踪催办、验收销号"),
    ("office03", "发布清单、跟踪催办、验收销号"),
    ("leader01", ""),
    ("leader03", ""),
    ("leader09", ""),
    ("gxw_head", "查看本单位清单，直报进展"),
    ("gxw_liaison", "直报进展，申请延期和销号"),
    ("cgq_head", "查看本单位清单，直报进展"),
    ("cgq_liaison", "直报进展，申请延期和销号"),
    ("discipline", "督查问责：约谈、事故、违纪和问责记录（受限，每次查阅留痕）"),
    ("zzb_officer", "赛场选马：干部任职经历和候选人一线经历核查（受限，每次查阅留痕）"),
)


class DemoCityError(RuntimeError):
    pass


def has_demo_city() -> bool:
    return (
        Person.objects.filter(username=ADMIN[0]).exists()
        and Unit.objects.filter(name="市委督查室").exists()
        and ResponsibilityList.objects.exclude(code=None).exists()
    )


NEW_TITLES = [title for title, *_rest in NEW_LISTS]


def build_demo_city(reset: bool = False, seed: int = 2015) -> None:
    """Build the demo city in one transaction; with `reset`, delete every existing row of it first."""
    rng = random.Random(seed)
    with transaction.atomic():
        if reset:
            wipe()
        elif Person.objects.exists() or Unit.objects.exists() or ResponsibilityList.objects.exists():
            raise DemoCityError("The database already holds units, people or lists; build the demo with reset.")
        units = _build_units()
        people = _build_people(rng, units)
        names = {code: unit.name for code, unit in units.items()}
        plans = plan_year(rng, timezone.localdate(), names, leaders_of(), calendar.load().is_workday)
        _play(rng, plans, units, people)
        # The ladder's past (as if the sweep had run every working morning), the office's decisions
        # on its old talk proposals, then the latest sweep: now in working hours, else at the
        # close of the last working day, as the worker would have left it (no notice stamped at night).
        now = last_working_moment(timezone.now())
        build_demo_ledger(seed, units, people, now)  # the year's master ledger, played through its services
        build_oversight(seed, units, people, now)  # frontline days, inspections and their findings, cases
        replay_history(now)
        handle_old_talk_proposals(rng, now)
        build_self_analysis(seed, units, people, now)  # the 08-27 登台剖析 meeting ranks the half year
        build_public(seed, units, people, now)  # 落实进行时, the column, the hotline: problems from the public
        # Lists changed under way, and two lists just published.
        change_some_lists(rng, now)
        publish_new_lists(rng, now, units, people[LEADERS[8][0]])
        sweep(now)
        build_bulletins(now)  # the worker's Monday bulletins of the last four weeks (督查通报)
        build_drafting_sample(people[OFFICE_STAFF[0][0]], now)  # minutes to paste: drafts from a text
        build_security_history(rng, now)
    anchor(logged=False)  # the auditor's verification page has an anchor to check against
    # The hand-offs of the played year (duties.handoffs) reached the inboxes as the transaction committed:
    # like the ladder's past (replay_history), they have been read; those of the last two days and today's
    # sweep are not.
    Notification.objects.filter(read_at__isnull=True, created_at__lt=now - timedelta(days=2)).update(
        read_at=Least(F("created_at") + timedelta(hours=3), Value(now))
    )


def demo_accounts() -> list[tuple[str, str]]:
    wanted = [username for username, _ in SHOWN]
    found = {
        p.username: p
        for p in Person.objects.filter(username__in=wanted).select_related("unit").prefetch_related("supervised_units")
    }
    rows = []
    for username, what in SHOWN:
        person = found.get(username)
        if person is None:
            continue
        if person.has_role(Role.LEADER):
            units = [u.name for u in person.supervised_units.all() if u.kind != "town"]
            what = "分管" + "、".join(units[:4]) + ("等" if len(units) > 4 else "")
        where = f"{person.unit.name}{person.title}" if person.unit and person.has_role(Role.UNIT_HEAD) else person.title
        if person.has_role(Role.LIAISON) and person.unit:
            where = f"{person.unit.name}联络员"
        who = person.name if where in ("", person.name) else f"{person.name}（{where}）"
        rows.append((username, f"{who}：{what}"))
    return rows


# -- reset ---------------------------------------------------------------------------------------------
def wipe() -> None:
    """Delete all units, people, lists and their history, in an order PROTECT allows."""
    wipe_bulletins()
    wipe_public()
    wipe_oversight()
    wipe_ledger()  # its task tree protects itself: the generic sweep below cannot remove it
    # Reports protect their duties, which an owner's deletion (a finding, a talk) would take with it.
    Duty.objects.update(last_report=None)
    Report.objects.all().delete()
    Extension.objects.all().delete()
    _wipe_dependants()
    Event.objects.all().delete()
    ChainHead.objects.all().delete()  # a new city's trail starts a new chain
    Anchor.objects.all().delete()
    Counter.objects.all().delete()
    Tally.objects.all().delete()  # the figures of the lists deleted below
    TallyShare.objects.all().delete()
    Extension.objects.all().delete()
    Duty.objects.update(last_report=None)
    Report.objects.all().delete()
    Milestone.objects.all().delete()
    Duty.objects.all().delete()
    ResponsibilityList.objects.all().delete()
    wipe_drafting()  # the documents lists were drafted from (they hold their people)
    ApiToken.objects.all().delete()
    Session.objects.all().delete()  # the sessions of people who no longer exist
    Person.supervised_units.through.objects.all().delete()
    Person.objects.all().delete()
    Unit.objects.update(parent=None)
    Unit.objects.all().delete()


def _wipe_dependants() -> None:
    """Rows of other luoshi models that point (perhaps indirectly) at units, people or lists go first."""
    base = {Event, Counter, Extension, Report, Milestone, Duty, ResponsibilityList, ApiToken, Person, Unit}
    targets, found = set(base), []
    candidates = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m.__module__.startswith("luoshi.") and m not in base and m is not Person.supervised_units.through
    ]
    grew = True
    while grew:
        grew = False
        for model in candidates:
            if model not in targets and any(
                f.is_relation and f.related_model in targets for f in model._meta.get_fields() if f.concrete
            ):
                targets.add(model)
                found.append(model)
                grew = True
    for _ in range(len(found) + 1):
        left = []
        for model in found:
            try:
                with transaction.atomic():
                    model._base_manager.all().delete()
            except (ProtectedError, RestrictedError):
                left.append(model)
        if not left:
            return
        found = left


# -- the organisation ----------------------------------------------------------------------------------
def _build_units() -> dict[str, Unit]:
    """The demo city's units with their short and formal names (demo.aliases), checked as the administrator's
    are (luoshi.org.aliases: none another unit's name or alias)."""
    from luoshi.demo.aliases import ALIASES
    from luoshi.org.aliases import clean_aliases

    names = {name: name for _, name, _, _ in UNITS}
    owners = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
    units: dict[str, Unit] = {}
    for code, name, kind, parent in UNITS:
        taken = {**{a: n for a, n in owners.items() if n != name}, **names}
        del taken[name]
        aliases = clean_aliases(ALIASES.get(name, []), name=name, taken=taken)
        units[code] = Unit.objects.create(
            name=name, kind=kind, parent=units[parent] if parent else None, aliases=aliases
        )
    return units


def leaders_of() -> dict[str, list[str]]:
    """Unit code → usernames of the leaders whose portfolio holds it (a district's towns included)."""
    children: dict[str, list[str]] = {}
    for code, _, _, parent in UNITS:
        if parent:
            children.setdefault(parent, []).append(code)
    out: dict[str, list[str]] = {}
    for username, _, _, portfolio in LEADERS:
        for code in portfolio:
            for c in (code, *children.get(code, ())):
                out.setdefault(c, []).append(username)
    return out


def _build_people(rng: random.Random, units: dict[str, Unit]) -> dict[str, Person]:
    hashed = make_password(DEMO_PASSWORD)  # one hash for all: hashing 120 passwords would take a minute
    taken = {name for _, name, _, _ in LEADERS} | {name for _, name, _, _ in OFFICE_STAFF}

    def fresh_name() -> str:
        while True:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if name not in taken:
                taken.add(name)
                return name

    def person(username: str, name: str, title: str, unit: Unit | None, roles: list[str], **extra) -> Person:
        return Person(username=username, name=name, title=title, unit=unit, roles=roles, password=hashed, **extra)

    people = [
        person(*ADMIN, None, [Role.ADMIN], is_staff=True),
        person(*SECURITY, None, [Role.SECURITY], is_staff=True),
        person(*AUDITOR, None, [Role.AUDITOR]),
    ]
    people += [person(u, n, t, units[c], [Role.OFFICE]) for u, n, t, c in OFFICE_STAFF]
    people += [person(u, n, t, None, [Role.LEADER]) for u, n, t, _ in LEADERS]
    for code, name, kind, _ in UNITS:
        if kind == "office":
            continue
        people.append(person(f"{code}_head", fresh_name(), head_title(name, kind), units[code], [Role.UNIT_HEAD]))
        people.append(person(f"{code}_liaison", fresh_name(), liaison_title(name, kind), units[code], [Role.LIAISON]))
    Person.objects.bulk_create(people)
    by_username = {p.username: p for p in Person.objects.all()}
    leads = leaders_of()
    through = Person.supervised_units.through
    through.objects.bulk_create(
        through(person_id=by_username[username].pk, unit_id=units[code].pk)
        for code, usernames in leads.items()
        for username in usernames
    )
    return by_username


# -- the year's lists ----------------------------------------------------------------------------------
def _play(rng: random.Random, plans: list[ListPlan], units: dict[str, Unit], people: dict[str, Person]) -> None:
    """Give every step a time of day, then run all steps of all lists in chronological order."""
    tz, now = timezone.get_current_timezone(), timezone.now()
    actions = []
    for i, plan in enumerate(plans):
        steps = sorted(plan.steps, key=lambda s: (s.day, s.phase, s.ob, s.seq))
        for day, group in groupby(steps, key=lambda s: s.day):
            same_day = list(group)
            at = datetime.combine(day, time(8, 30), tzinfo=tz) + timedelta(seconds=rng.randint(0, 5400))
            gap = 46800 // len(same_day)
            if at + timedelta(seconds=gap * len(same_day)) > now:  # only on New Year's Day: fit before now
                at = datetime.combine(day, time(0, 0), tzinfo=tz)
                gap = max(1, int((now - at).total_seconds()) // (len(same_day) + 1))
            for step in same_day:
                at += timedelta(seconds=max(1, min(rng.randint(600, 4500), gap)))
                actions.append((at, i, step))
    actions.sort(key=lambda a: (a[0], a[1]))

    rlists: dict[int, ResponsibilityList] = {}
    obligations: dict[tuple[int, str], Duty] = {}
    pending: dict[tuple[int, str], Extension] = {}
    code_of = {unit.pk: code for code, unit in units.items()}
    for at, i, step in actions:
        plan, actor, data = plans[i], people[step.actor], step.data
        key = (i, step.unit)  # the unit's obligation, for the steps of one unit
        if step.kind == "create":
            rlist = services.do_create_list(
                actor,
                source=plan.item.source,
                title=plan.item.title,
                content=plan.content,
                leader=people[plan.leader],
                lead_unit=units[plan.item.lead],
                co_units=[units[c] for c in plan.co],
                deadline=plan.deadline,
                report_every_days=plan.every,
                milestones=[services.MilestoneInput(d, t) for d, t in plan.milestones],
                now=at,
            )
            rlists[i] = rlist
            for o in rlist.duties.all():
                obligations[(i, code_of[o.unit_id])] = o
        elif step.kind == "publish":
            rlists[i] = services.do_publish(actor, rlists[i], now=at)
            # Each unit's liaison signs for its work (签收) on receiving it, before the list's next step.
            for o in rlists[i].duties.all():
                do_sign(people[f"{code_of[o.unit_id]}_liaison"], o, now=at + timedelta(seconds=1))
        elif step.kind == "report":
            duty_services.do_report(actor, obligations[key], **data, now=at)
        elif step.kind == "ext_request":
            pending[key] = duty_completion.do_request_extension(
                actor, obligations[key], data["new_deadline"], data["reason"], now=at
            )
        elif step.kind == "ext_decide":
            duty_completion.do_decide_extension(actor, pending.pop(key), data["approve"], data["note"], now=at)
        elif step.kind == "return":
            duty_completion.do_return(actor, obligations[key], data["reason"], now=at)
        elif step.kind == "accept":
            duty_completion.do_accept(actor, obligations[key], now=at)
        elif step.kind == "close":
            completion.do_close(actor, rlists[i], now=at)
        else:  # pragma: no cover
            raise ValueError(step.kind)


__all__ = ["DEMO_PASSWORD", "DemoCityError", "build_demo_city", "demo_accounts", "has_demo_city", "wipe"]
