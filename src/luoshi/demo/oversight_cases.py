"""The demo city's talks, incidents, violations and accountability decisions of the first half-year, as the
article reports them: 15 units given reminder talks (提醒约谈) for poor implementation of the list system,
14,186 talks in all, 64 violations of work-style discipline, 87 people held accountable of whom 33 were
given Party or government sanctions, and the four incidents (自来水异味, 彭家坪供水管道改造, 西固"5·17"围墙倒塌,
泰生大厦"1·2"火灾) with the units and people involved and the decisions citing them.

Everything goes through oversight's services (one event each), except the talks at scale: the 15 reminder
talks are recorded one by one with their late lists as reasons; the rest (the talks leaders at all levels
held, 约谈 14,186 次) are one batch (cases.do_import_talks: rows by bulk insert, one event), shared evenly
among the units so that they shift no unit's standing in the 登台剖析 ranking. They are talks with the
units' cadres (unnamed, as a tally has them), not with their heads: the 15 units talked to stay 15. The people the cases need
(cadres of the units) are created here."""

import random
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone

from luoshi.demo.names import GIVEN, SURNAMES
from luoshi.duties.models import Duty, Escalation, Step
from luoshi.lists.models import ResponsibilityList
from luoshi.org.models import Person, Role, Unit
from luoshi.oversight import cases, cases_records
from luoshi.oversight.models import CaseReason, Finding, Talk

REMINDER_UNITS = 15
ALL_TALKS = 14_186
VIOLATIONS = 64
# The article's four heads at the 08-27 meeting are among the units talked to.
MUST_TALK = ("gxw", "wgx", "cgw", "yzx")
BULK_KINDS = (("reminder", 50), ("criticism", 30), ("admonition", 12), ("inquiry", 8))

# (title, month, day, place, description, unit codes, people [(unit code, post, measures)], unit decisions)
INCIDENTS = (
    (
        "自来水异味事件",
        2,
        9,
        "城关区、七里河区部分供水区域",
        "部分居民反映自来水有异味，水质监测预警和信息发布不及时，应急供水启动滞后，群众反映强烈。",
        ("slj", "wjw", "hbj"),
        (
            ("slj", "供水管理处处长", ["admonition"]),
            ("wjw", "卫生监督所副所长", ["notice"]),
            ("slj", "副局长", ["organisational", "party_discipline"]),
        ),
        (("slj", ["inspection", "notice"]),),
    ),
    (
        "彭家坪供水管道改造停水事件",
        3,
        12,
        "七里河区彭家坪片区",
        "供水管道改造工程施工组织不力、未按期恢复供水，造成片区大面积长时间停水，事前告知和应急送水不到位。",
        ("zjj", "qlh", "cgw"),
        (
            ("zjj", "城建处处长", ["government_sanction"]),
            ("qlh", "副区长", ["admonition"]),
            ("cgw", "市政设施管理处副处长", ["notice"]),
        ),
        (("qlh", ["inspection"]), ("zjj", ["notice"])),
    ),
    (
        "西固“5·17”围墙倒塌事故",
        5,
        17,
        "西固区陈坪街道某在建工地",
        "在建工地围墙倒塌，造成人员伤亡。施工方违规堆土，监管部门日常巡查和隐患排查流于形式。",
        ("xgq", "zjj", "ajj", "cpjd"),
        (
            ("xgq", "住建局局长", ["organisational", "party_discipline"]),
            ("xgq", "安监局副局长", ["government_sanction"]),
            ("cpjd", "街道办事处主任", ["party_discipline"]),
            ("zjj", "质量安全监督站站长", ["government_sanction"]),
            ("ajj", "监督管理科科长", ["admonition"]),
        ),
        (("xgq", ["inspection", "notice"]), ("cpjd", ["notice"])),
    ),
    (
        "泰生大厦“1·2”火灾事故",
        1,
        2,
        "城关区泰生大厦",
        "大厦发生火灾，消防设施长期失效、隐患整改不落实，属地和行业监管责任未落实到位。",
        ("cgq", "gaj", "ajj", "zylj"),
        (
            ("cgq", "安监局局长", ["party_discipline"]),
            ("gaj", "消防支队防火处副处长", ["government_sanction"]),
            ("zylj", "街道办事处副主任", ["party_discipline", "government_sanction"]),
            ("ajj", "副局长", ["notice"]),
            ("cgq", "副区长", ["admonition"]),
        ),
        (("cgq", ["notice"]), ("zylj", ["inspection"])),
    ),
)
VIOLATION_TEXTS = (
    "工作日中午饮酒，造成不良影响。",
    "违规收受管理服务对象礼品礼金。",
    "公车私用，周末驾驶公务用车办理私事。",
    "上班时间擅离岗位，在明察暗访中被发现。",
    "对群众办事诉求推诿扯皮、敷衍塞责。",
    "违规发放津贴补贴。",
    "违规使用公款宴请。",
    "上班时间玩电脑游戏，在暗访中被发现。",
    "办理审批事项吃拿卡要，被群众举报查实。",
    "违规参加公款支付的旅游活动。",
    "责任清单事项直报弄虚作假，虚报工作进度。",
    "值班期间脱岗，贻误突发事件处置。",
)
MEASURE_WORDS = {
    "inspection": "责令检查",
    "notice": "通报",
    "reorganisation": "改组",
    "admonition": "诫勉",
    "organisational": "组织处理",
    "party_discipline": "党纪处分",
    "government_sanction": "政务处分",
}
POSTS = ("科长", "副科长", "主任科员", "副主任科员", "办公室主任", "副所长", "站长", "股长", "副主任")
TOWN_POSTS = ("副镇长", "党委委员", "办事处副主任", "社区主任", "站所负责人")
LIGHT = (["notice"], ["admonition"], ["organisational"], ["notice", "admonition"])
SANCTION = (
    ["party_discipline"],
    ["government_sanction"],
    ["admonition", "party_discipline"],
    ["organisational", "government_sanction"],
)


def wipe_cases() -> None:
    """For a reset: the reasons name their records by kind and id, with no foreign key, so the generic
    sweep of rows pointing at units and people (city.wipe) leaves them; a new city's talk would cite an
    old city's lists."""
    CaseReason.objects.all().delete()


class _Half:
    """The first half of the current year, up to yesterday: every date the demo gives falls in it."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        today = timezone.localdate(now)
        self.start = date(today.year, 1, 1)
        self.end = max(self.start, min(date(today.year, 6, 30), today - timedelta(days=1)))

    def day(self, month: int, day: int) -> date:
        return min(max(date(self.start.year, month, day), self.start), self.end)

    def pick(self, rng: random.Random, after: date | None = None) -> date:
        first = min(max(after or self.start, self.start), self.end)
        span = (self.end - first).days
        return first + timedelta(days=rng.randint(0, span)) if span > 0 else first

    def moment(self, day: date, rng: random.Random, later: timedelta = timedelta(0)) -> datetime:
        """A time of that day's working hours (`later` after it), never after now."""
        at = datetime.combine(day, time(9), timezone.get_current_timezone()) + timedelta(minutes=rng.randint(0, 420))
        at += later
        return min(at, self.now - timedelta(minutes=1))


class _Cadres:
    """The cadres the cases need, created in one insert with believable names."""

    def __init__(self, rng: random.Random, units: dict[str, Unit], password: str) -> None:
        self.rng, self.units, self.password = rng, units, password
        self.taken = set(Person.objects.values_list("name", flat=True))
        self.rows: list[Person] = []

    def add(self, code: str, post: str | None = None) -> Person:
        unit = self.units[code]
        while (name := self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)) in self.taken:
            pass
        self.taken.add(name)
        post = post or self.rng.choice(TOWN_POSTS if unit.kind == "town" else POSTS)
        person = Person(
            username=f"case{len(self.rows) + 1:03d}",
            name=name,
            title=post,
            unit=unit,
            roles=[],
            password=self.password,
        )
        self.rows.append(person)
        return person

    def save(self) -> None:
        Person.objects.bulk_create(self.rows)
        by_username = {p.username: p for p in Person.objects.filter(username__in=[p.username for p in self.rows])}
        for p in self.rows:
            p.pk = by_username[p.username].pk


def _deputy(unit: Unit) -> str:
    if unit.kind == "district":
        return "副县长" if unit.name.endswith("县") else "副区长"
    return "副主任" if unit.name.endswith(("委", "办", "会", "中心")) else "副局长"


def _body(unit: Unit, units: dict[str, Unit], sanction: bool) -> str:
    """The deciding body: the district's commission for its own people, else the city's."""
    district = unit if unit.kind == "district" else unit.parent if unit.kind == "town" else None
    if district is not None:
        return f"{district.name}纪委监委" if sanction else f"{district.name}委"
    return "市纪委监委" if sanction else "市委"


def _late_units(units: dict[str, Unit], half: _Half) -> list[tuple[str, list[int]]]:
    """The units whose lists went worst in the half-year (urge notices and supervision orders, then the
    days late), the article's four first; each with up to three of its late lists."""
    code_of = {u.pk: code for code, u in units.items()}
    steps = Escalation.objects.filter(
        step__in=(Step.URGE, Step.ORDER, Step.TALK_PROPOSAL), created_at__date__lte=half.end
    ).values_list("unit_id", "duty__owner_type_id", "duty__owner_id")
    list_type = ContentType.objects.get_for_model(ResponsibilityList).pk
    score: Counter[int] = Counter()
    late_lists: dict[int, list[int]] = {}
    for unit_id, owner_type_id, owner_id in steps:
        score[unit_id] += 1
        if owner_type_id == list_type and owner_id not in late_lists.setdefault(unit_id, []):
            late_lists[unit_id].append(owner_id)
    ranked = [code_of[u] for u, _n in score.most_common() if u in code_of and units[code_of[u]].kind != "office"]
    others = [c for c, u in units.items() if u.kind in ("department", "district") and c not in ranked]
    chosen = list(dict.fromkeys([c for c in MUST_TALK if c in units] + ranked + others))[:REMINDER_UNITS]
    # A unit never urged still has its slowest lists: the latest, then the least advanced.
    unurged = [units[c].pk for c in chosen if not late_lists.get(units[c].pk)]
    slow = (
        Duty.objects.filter(owner_type_id=list_type, unit_id__in=unurged, created_at__date__lte=half.end)
        .order_by("unit_id", F("days_late").desc(nulls_last=True), "progress", "id")
        .values_list("unit_id", "owner_id")
    )
    for unit_id, owner_id in slow:
        late_lists.setdefault(unit_id, []).append(owner_id)
    return [(c, late_lists.get(units[c].pk, [])[:3]) for c in chosen]


def _reminder_talks(
    rng: random.Random, units: dict[str, Unit], half: _Half, officer: Person, leaders: dict[str, Person]
) -> list[tuple[str, Talk, list[int]]]:
    titles = dict(ResponsibilityList.objects.values_list("pk", "title"))
    findings: dict[int, list[int]] = {}
    for f_id, unit_id in Finding.objects.filter(category__name="清单落实不到位").values_list("pk", "unit_id"):
        findings.setdefault(unit_id, []).append(f_id)
    talked = []
    for code, list_ids in _late_units(units, half):
        unit = units[code]
        held = half.pick(rng, half.day(5, 20))
        named = "、".join(f"“{titles[i]}”" for i in list_ids[:2] if i in titles) or "多项责任清单事项"
        record = (
            f"就责任清单制度落实不到位问题，对{unit.name}主要负责同志进行提醒约谈。指出{named}推进迟缓、"
            "直报不及时、催办后仍未按期整改等问题，要求单位主要负责同志切实履行第一责任人职责，"
            "十个工作日内书面报送整改措施，逐项明确完成时限。"
        )
        reasons = [("list", i) for i in list_ids] + [("finding", i) for i in findings.get(unit.pk, [])[:2]]
        data = cases.TalkInput(
            kind="reminder", held_on=held, unit=unit, record=record, reasons=reasons, talked_by=leaders.get(code)
        )
        talk, _created = cases.do_create_talk(officer, data, now=half.moment(held, rng, timedelta(hours=3)))
        talked.append((code, talk, list_ids))
    return talked


def _bulk_talks(rng: random.Random, units: dict[str, Unit], half: _Half, officer: Person, now: datetime) -> int:
    counted = [u for u in units.values() if u.kind != "office"]
    rng.shuffle(counted)
    left = ALL_TALKS - REMINDER_UNITS
    share, extra = divmod(left, len(counted))
    kinds = [k for k, weight in BULK_KINDS for _ in range(weight)]
    rows = [
        cases.TalkRow(kind=rng.choice(kinds), unit_id=unit.pk, held_on=half.pick(rng))
        for n, unit in enumerate(counted)
        for _ in range(share + (1 if n < extra else 0))
    ]
    note = "各级领导干部上半年开展约谈汇总（各单位台账导入）"
    return cases.do_import_talks(officer, rows, now, note=note)


def build_cases(rng: random.Random, units: dict[str, Unit], people: dict[str, Person], now: datetime) -> dict[str, int]:
    """Record the half-year's cases; returns what was made (for the caller's log and tests)."""
    half = _Half(now)
    office = people.get("office") or next(p for p in people.values() if p.has_role(Role.OFFICE))
    discipline = Person.objects.create(
        username="discipline",
        name="周正廉",
        title="市纪委监委第一监督检查室主任",
        roles=[Role.DISCIPLINE],
        password=office.password,
    )
    leaders: dict[str, Person] = {}
    for p in people.values():
        if p.has_role(Role.LEADER):
            for u in p.supervised_units.all():
                leaders.setdefault(next((c for c, x in units.items() if x.pk == u.pk), ""), p)

    talked = _reminder_talks(rng, units, half, office, leaders)
    bulk = _bulk_talks(rng, units, half, office, now)

    cadres = _Cadres(rng, units, office.password)
    counted = [c for c, u in units.items() if u.kind != "office"]
    offenders = [cadres.add(rng.choice(counted)) for _ in range(VIOLATIONS)]
    incident_people = [[cadres.add(code, post) for code, post, _m in spec[6]] for spec in INCIDENTS]
    late_people = [cadres.add(code, _deputy(units[code])) for code, _t, _l in talked]
    late_people += [cadres.add(code, "科长") for code, _t, _l in talked[:4]]
    cadres.save()

    made: Counter[str] = Counter()
    for person in offenders:
        found = half.pick(rng)
        v, _c = cases_records.do_create_violation(
            discipline,
            person=person,
            description=rng.choice(VIOLATION_TEXTS),
            found_on=found,
            now=half.moment(found, rng, timedelta(days=1)),
        )
        made["violations"] += 1
        offenders_cases = made["violation_cases"]
        if offenders_cases >= 52:
            continue
        sanction = offenders_cases < 21
        _decide(
            discipline,
            person,
            units,
            rng.choice(SANCTION if sanction else LIGHT),
            v.description.rstrip("。"),
            [("violation", v.pk)],
            half.pick(rng, found + timedelta(days=7)),
            half,
            rng,
            public=sanction or rng.random() < 0.3,
        )
        made["violation_cases"] += 1

    for spec, involved in zip(INCIDENTS, incident_people, strict=True):
        title, month, day, place, description, codes, posts, unit_cases = spec
        happened = half.day(month, day)
        incident, _c = cases_records.do_create_incident(
            discipline,
            cases_records.IncidentInput(
                title=title,
                happened_on=happened,
                place=place,
                description=description,
                units=[units[c] for c in codes],
                people=involved,
            ),
            now=half.moment(happened, rng, timedelta(days=2)),
        )
        decided = half.pick(rng, happened + timedelta(days=20))
        reason = [("incident", incident.pk)]
        for person, (_code, post, measures) in zip(involved, posts, strict=True):
            lead = any(word in post for word in ("局长", "区长", "县长", "主任"))
            why = f"对{title}负有{'领导' if lead else '直接'}责任"
            _decide(discipline, person, units, measures, why, reason, decided, half, rng, public=True)
        for code, measures in unit_cases:
            why = f"对{title}负有属地或行业监管责任"
            _decide(discipline, None, units, measures, why, reason, decided, half, rng, public=True, unit=units[code])
        made["incidents"] += 1

    by_code = {code: (talk, lists) for code, talk, lists in talked}
    for n, person in enumerate(late_people):
        talk, lists = by_code[next(c for c, u in units.items() if u.pk == person.unit_id)]
        reasons = [("talk", talk.pk)] + [("list", i) for i in lists]
        measures = SANCTION[n % 2] if n < 3 else LIGHT[n % len(LIGHT)]
        _decide(
            discipline,
            person,
            units,
            measures,
            "分管的责任清单事项推进迟缓、直报不及时，经提醒约谈后仍未按期整改",
            reasons,
            half.pick(rng, talk.held_on + timedelta(days=5)),
            half,
            rng,
            public=n < 3,
        )
    made.update(reminder_talks=len(talked), talks=len(talked) + bulk, people=len(cadres.rows))
    return dict(made)


def _decide(
    actor: Person,
    person: Person | None,
    units: dict[str, Unit],
    measures: list[str],
    why: str,
    reasons: list[tuple[str, int]],
    day: date,
    half: _Half,
    rng: random.Random,
    *,
    public: bool,
    unit: Unit | None = None,
) -> None:
    subject_unit = unit or (person.unit if person else None)
    assert subject_unit is not None
    sanction = any(m in ("party_discipline", "government_sanction") for m in measures)
    who = f"{person.name}（{subject_unit.name}{person.title}）" if person else subject_unit.name
    given = "、".join(MEASURE_WORDS[m] for m in measures)
    summary = f"经查，{who}{why}。依据《中国共产党问责条例》等规定，给予{given}处理。"
    data = cases_records.AccountabilityInput(
        measures=measures,
        decided_on=day,
        body=_body(subject_unit, units, sanction),
        unit=unit,
        person=person,
        reasons=reasons,
        summary=summary,
        public=public,
    )
    cases_records.do_create_accountability(actor, data, now=half.moment(day, rng, timedelta(hours=2)))
