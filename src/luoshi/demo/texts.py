"""What the demo's people write: list content, milestones, reports, difficulties, reasons and notes.

Templates take {s} (the work's subject), {lead} and numbers drawn per report (see `numbers`).
"""

import random
from datetime import date

STAGES = ("start", "mid", "late", "final")

DONE = {
    "project": {
        "start": [
            "围绕{s}，成立工作专班，制定实施方案，明确时间表、路线图和责任人。",
            "完成前期调研和方案比选，可研报告已报市发改委审查。",
            "召开专题推进会{n}次，梳理前期手续{m}项，已办结{k}项。",
        ],
        "mid": [
            "项目已开工建设，累计完成投资{x}亿元，占年度计划的{pct}%。",
            "完成土地征收{a}亩、房屋拆除{h}户，施工单位已全面进场。",
            "主体工程完成约{pct}%，现场投入施工人员{w}人、机械{m}台（套）。",
        ],
        "late": [
            "主体工程基本完工，正在进行配套设施建设和环境整治，累计完成投资{x}亿元。",
            "已完成工程量的{pct}%，正在开展竣工验收准备工作。",
            "剩余{k}项收尾工程正在加紧施工，预计可按期完成。",
        ],
        "final": [
            "{s}各项任务已全部完成，经组织验收合格，相关资料已整理归档。",
            "工程已完工并通过竣工验收，累计完成投资{x}亿元，已投入使用。",
        ],
    },
    "campaign": {
        "start": [
            "围绕{s}，印发实施方案，召开动员部署会，成立{n}个专项工作组。",
            "开展全面摸底排查，建立问题台账，共梳理问题{m}个。",
        ],
        "mid": [
            "累计出动执法人员{w}人次，排查点位{m}处，整改问题{k}个。",
            "开展联合检查{n}轮，查处违法违规行为{k}起，立案{q}起。",
            "已整改问题{k}个，整改率{pct}%，对进度滞后的{q}个单位进行了通报。",
        ],
        "late": [
            "阶段性目标基本实现，{k}项问题已整改销号，剩余{q}项正在整改。",
            "开展“回头看”，对已整改问题逐一复查，未发现反弹。",
        ],
        "final": [
            "各项任务全部完成，建立长效管理机制，总结报告已报市委督查室。",
            "问题台账全部销号，长效管理制度已印发执行。",
        ],
    },
    "reform": {
        "start": [
            "组织开展专题调研{n}次，赴外地学习考察，形成调研报告。",
            "成立起草小组，收集整理国家和省上相关政策文件{m}份。",
        ],
        "mid": [
            "文件初稿已起草完成，正在征求{m}个部门和县区意见。",
            "召开专家论证会和座谈会{n}次，对初稿进行了修改完善。",
        ],
        "late": [
            "送审稿已完成合法性审查，提请市政府常务会议审议。",
            "根据审议意见对文件作了修改，正在履行发文程序。",
        ],
        "final": [
            "文件已审议通过并印发实施，正在组织开展政策解读和培训。",
            "制度已印发执行，配套细则同步出台。",
        ],
    },
    "livelihood": {
        "start": [
            "完成摸底调查，建立工作台账，涉及群众{h}户（人），已制定实施计划。",
            "落实资金{x}亿元，完成实施方案编制和项目招标。",
        ],
        "mid": [
            "已开工项目点{k}个，完成年度任务的{pct}%。",
            "累计惠及群众{h}人次，完成年度任务的{pct}%。",
        ],
        "late": [
            "年度任务完成{pct}%，剩余部分正在扫尾，群众满意度回访同步开展。",
            "主要任务基本完成，正在组织自查和资料整理。",
        ],
        "final": [
            "年度任务全部完成，累计惠及群众{h}人次，已通过自查和市级复核。",
            "任务全部完成，群众满意度测评达到{pct2}%。",
        ],
    },
    "problem": {
        "start": [
            "接到交办后立即组织核查，问题属实，已制定整改方案，明确责任人和整改时限。",
            "主要负责同志带队现场察看，召开专题会议研究整改措施。",
        ],
        "mid": [
            "已完成整改工作量的{pct}%，整改进展已向反映群众通报。",
            "约谈相关责任单位负责人{n}人，督促限期整改。",
        ],
        "late": [
            "主体整改任务完成，正在建立长效机制，防止问题反弹。",
            "整改基本到位，组织对周边同类问题开展排查，发现并整改{k}处。",
        ],
        "final": [
            "问题已整改到位，经现场复查和群众回访，整改效果得到认可。",
            "整改完成，整改结果已通过媒体向社会公开。",
        ],
    },
}

DONE["finding"] = {
    "start": [
        "召开专题会议，对照督查反馈问题逐条制定整改措施，明确责任人和整改时限。",
        "主要负责同志牵头，成立整改工作组，建立问题整改台账。",
    ],
    "mid": [
        "已整改{k}项，整改率{pct}%，对相关责任人进行了批评教育。",
        "建立健全相关制度{n}项，进一步规范工作流程。",
    ],
    "late": [
        "主要问题已整改到位，正在开展自查“回头看”。",
        "剩余{q}项问题正在整改，预计可按期完成。",
    ],
    "final": [
        "反馈问题已全部整改到位，整改报告已报市委督查室。",
        "整改任务全部完成，相关制度已印发执行，整改台账全部销号。",
    ],
}

CO_PREFIX = ("作为配合单位，", "配合{lead}，", "按照分工，")

# Difficulties (困难问题) and next steps: for any work ("any") or for one category of work.
DIFFICULTIES = {
    "any": [
        "涉及多个部门，职责交叉，协调难度大，需市领导出面协调。",
        "专业技术人员不足，基层工作力量薄弱。",
        "工作经费不足，需市财政局予以保障。",
    ],
    "project": [
        "项目资金缺口约{x}亿元，市级配套资金尚未到位，需市财政局协调解决。",
        "项目用地报批手续尚未完成，建设用地指标紧张，需省国土资源厅审批。",
        "部分住户对征收补偿标准有异议，{h}户尚未签订协议，拆迁进度滞后。",
        "受冬季停工期影响，室外施工无法开展。",
        "环评、规划许可等前置审批周期较长。",
        "管线迁改需协调供电、供水、燃气等多家产权单位，进度不可控。",
        "施工单位资金周转困难，现场施工力量投入不足。",
    ],
    "campaign": [
        "点多面广，执法力量不足，难以做到全覆盖。",
        "部分企业主体责任落实不到位，整改积极性不高。",
        "部分问题整改后出现反弹，需建立长效机制。",
    ],
    "reform": [
        "各方面意见分歧较大，需进一步协调统一。",
        "部分条款缺乏上位法依据，需省级部门予以支持。",
        "配套资金测算尚未完成，政策出台时间可能延后。",
    ],
    "livelihood": [
        "资金缺口约{x}亿元，中央和省级补助资金尚未全部下达。",
        "部分住户对补偿安置方案有异议，{h}户尚未签约。",
        "受冬季停工期影响，部分项目点无法施工。",
        "群众诉求多元，个别问题需要较长周期解决。",
    ],
    "finding": [
        "部分问题涉及体制机制，需上级部门统筹解决。",
        "整改涉及多个科室和下属单位，需统筹推进。",
    ],
    "problem": [
        "历史遗留问题多，产权关系复杂，需相关部门联合会审。",
        "问题成因复杂，涉及多个产权单位，整改需较长周期。",
        "群众诉求多元，部分诉求超出政策范围。",
    ],
}
CO_DIFFICULTY = "配合单位相关工作尚未完成，影响整体进度。"

NEXT_STEPS = {
    "any": [
        "加快推进剩余工作，确保按期完成。",
        "每周召开一次调度会，倒排工期、挂图作战。",
        "加强督促检查，对进度滞后的环节逐项盯办。",
        "请市委督查室协调相关部门，帮助解决困难问题。",
    ],
    "project": [
        "加强与市财政局、市发改委的沟通对接，积极争取资金支持。",
        "协调市国土资源局加快用地报批，力争尽早取得批复。",
        "继续做好群众思想工作，依法依规推进征收。",
    ],
    "campaign": ["开展“回头看”，防止问题反弹。", "实行网格化管理，落实常态化巡查。"],
    "reform": ["根据各方意见修改完善，按程序提请审议。", "做好政策解读和宣传培训。"],
    "livelihood": ["逐户走访，做好群众工作。", "加快资金拨付，确保年底前全部完工。"],
    "problem": ["及时向反映群众反馈整改进展。", "举一反三，排查整改同类问题。"],
    "finding": ["对整改情况开展自查“回头看”。", "完善整改台账，逐项对账销号。"],
}
NEXT_STEPS_FINAL = [
    "申请验收销号。",
    "巩固成果，建立长效管理机制，申请销号。",
    "做好资料归档，接受市委督查室验收。",
]

# (reason for returning a completion request, what the unit did then, the categories it fits ("" for
# all; "co" when it needs co-handling units))
RETURNS = [
    ("佐证材料不完整，请补充验收报告、现场照片等资料后重新申请。", "按照退回意见，补充完善了验收报告和现场照片。", ""),
    ("经现场核查，仍有部分任务未完成，不具备销号条件。", "按照退回意见，完成了剩余任务并组织复查。", ""),
    ("清单要求的配套工程尚未通过验收，请继续推进。", "按照退回意见，配套工程已通过验收。", "project livelihood"),
    (
        "群众回访满意度不高，请进一步整改后再申请销号。",
        "按照退回意见，逐户回访并整改了群众反映的问题。",
        "problem livelihood campaign",
    ),
    ("文件尚未正式印发，不具备销号条件。", "按照退回意见，文件已正式印发。", "reform"),
    ("请补充配合单位的完成情况说明。", "按照退回意见，补充了各配合单位的完成情况说明。", "co"),
]


def returns(category: str, with_co: bool) -> list[tuple[str, str]]:
    return [(r, f) for r, f, tags in RETURNS if not tags or category in tags.split() or (tags == "co" and with_co)]


EXTENSION_REASONS = {
    "any": ["涉及部门多，协调周期较长，需顺延完成时限。"],
    "project": [
        "受征地拆迁进度影响，工程无法按期完工，申请延期。",
        "受冬季停工期影响，室外工程需顺延施工。",
        "前置审批手续尚未办结，需等待省级部门批复。",
        "项目资金未按计划到位，影响工程进度。",
        "涉及的管线迁改协调周期较长，需顺延工期。",
    ],
    "campaign": ["整治范围扩大，新排查出的问题需要一并整改。", "需与上级部门统一部署的专项行动衔接。"],
    "reform": ["需等待省上相关政策出台后衔接修改。", "征求意见中分歧较大，需进一步论证。"],
    "livelihood": ["中央和省级补助资金下达滞后，影响实施进度。", "受冬季停工期影响，部分项目点需顺延施工。"],
    "problem": ["问题涉及产权单位多，整改方案需重新论证。", "整改工程受季节影响，需顺延施工。"],
    "finding": ["部分问题涉及体制机制调整，需等待上级部门批复。"],
}
APPROVE_NOTES = [
    "同意延期，请严格按新的时限完成，不得再次延期。",
    "同意延期，请加快推进，按新时限完成。",
    "经研究同意延期，请加密报送进展。",
]
REFUSE_NOTES = [
    "延期理由不充分，请按原定时限完成。",
    "该事项为市委常委会确定的重点任务，不同意延期，请倒排工期，确保按期完成。",
]

MILESTONES = {
    "project": ("完成前期手续办理", "开工建设", "主体工程完工", "竣工验收"),
    "campaign": ("制定实施方案并动员部署", "集中整治", "巩固提升", "总结验收"),
    "reform": ("完成调研和起草", "征求意见和合法性审查", "审议印发"),
    "livelihood": ("完成摸底建档", "完成过半任务", "全面完成年度任务"),
    "problem": ("制定整改方案", "完成整改", "复查回访"),
    "finding": ("制定整改方案", "逐项整改", "整改验收"),
}

SOURCE_INTRO = {
    "work_point": ["{year}年市委常委会工作要点明确：{title}。"],
    "agreed_item": ["市委常委会第{n}次会议议定：{title}。", "市政府第{n}次常务会议议定：{title}。"],
    "meeting": [
        "全市“工作落实年”动员大会安排：{title}。",
        "全市重大项目建设推进会安排：{title}。",
        "市委经济工作专题会议安排：{title}。",
    ],
    "instruction": [
        "批示要求：“{subject}事关群众切身利益，请{lead}牵头，抓紧研究提出措施，限期落实，结果报我。”",
        "批示要求：“请{lead}会同有关方面，针对{subject}拿出具体办法，一抓到底，务见实效。”",
    ],
    "assigned": ["上级交办：{subject}。请按交办要求限期办结，并按时报送办理结果。"],
    "media": ["{subject}，群众反映强烈。请责任单位立即核查，限期整改，整改结果向社会公开。"],
    "frontline": [
        "市领导到基层一线调研时发现：{subject}，现场无法解决。请{lead}牵头，限期解决，结果报市委督查室。"
    ],
    "inspection": [
        "{title}：市委、市政府联合督查组在随机抽查中发现该问题，请对照问题清单限期整改，整改情况纳入年度考核。"
    ],
}


def numbers(rng: random.Random, progress: int) -> dict:
    return {
        "n": rng.randint(2, 6),
        "m": rng.randint(5, 18),
        "k": rng.randint(3, 30),
        "q": rng.randint(1, 6),
        "x": f"{rng.uniform(0.3, 12.0):.1f}",
        "a": rng.randint(40, 900),
        "h": rng.randint(20, 1600),
        "w": rng.randint(60, 900),
        "pct": max(5, min(99, progress + rng.randint(-4, 4))),
        "pct2": rng.randint(92, 99),
    }


def stage(progress: int) -> str:
    return "start" if progress < 30 else "mid" if progress < 65 else "late" if progress < 100 else "final"


def chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def content(rng: random.Random, item, lead: str, co: list[str], deadline: date, every: int, n: int) -> str:
    fill = {"year": deadline.year, "n": n, "title": item.title, "subject": item.subject, "lead": lead}
    intro = rng.choice(SOURCE_INTRO[item.source]).format(**fill)
    who = f"由{lead}牵头" + (f"，{'、'.join(co)}配合" if co else "")
    return (
        f"{intro}\n目标要求：{item.goal}。\n"
        f"{who}，于{chinese_date(deadline)}前完成。各承办单位每{every}天向市委督查室直报一次进展，"
        "遇到困难问题及时报告，不得层层转报。"
    )


def milestones(category: str, count: int) -> list[str]:
    """`count` phases of the category, always ending with the last one."""
    phases = MILESTONES[category]
    if count <= 1:
        return [phases[-1]]
    return [phases[round(i * (len(phases) - 1) / (count - 1))] for i in range(count)]


def report(
    rng: random.Random,
    item,
    lead: str,
    *,
    progress: int,
    is_co: bool,
    final: bool,
    fix: str = "",
    hard: float = 0,
    with_co: bool = False,
) -> dict:
    """One report's texts. `hard` is the chance that it names difficulties; `with_co`: the lead of several."""
    nums = numbers(rng, progress)
    st = "final" if final else stage(min(progress, 99))
    done = rng.choice(DONE[item.category][st]).format(s=item.subject, lead=lead, **nums)
    if is_co:
        done = rng.choice(CO_PREFIX).format(lead=lead) + done
    done = fix + done
    hard_ones = DIFFICULTIES["any"] + DIFFICULTIES[item.category] + ([CO_DIFFICULTY] if with_co else [])
    difficulties = "" if final or rng.random() >= hard else rng.choice(hard_ones).format(**nums)
    steps = rng.choice(NEXT_STEPS_FINAL if final else NEXT_STEPS["any"] + NEXT_STEPS[item.category])
    return {"progress": progress, "done": done, "difficulties": difficulties, "next_steps": steps}
