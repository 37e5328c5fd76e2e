"""The tables the demo's 148 work items are drawn from: verbs × objects × places, per source.

A table row reads `verbs | object | lead | co-handling candidates | category | goal | places | limit`.
A row with places yields one item per place, led by the place's unit (lead `@`); `limit` caps how many
of them one year takes, so that no topic crowds out the others. Categories pick the report texts.
"""

import random
from dataclasses import dataclass

from luoshi.demo.names import COUNTIES, DISTRICTS, STREETS, TOWNS, URBAN

PLACE = "@"
PLACE_SETS = {"URBAN": URBAN, "COUNTIES": COUNTIES, "DISTRICTS": DISTRICTS, "STREETS": STREETS, "TOWNS": TOWNS}
DEPTS = "rsj gtj zjj zwzx syj mzj cgw jtw wjw swj"


@dataclass(frozen=True)
class Topic:
    source: str
    verbs: tuple[str, ...]
    obj: str  # may hold {p}, the place's name, and {m}, a media outlet
    lead: str  # a unit code, or PLACE
    co: tuple[str, ...]
    category: str  # project | campaign | reform | livelihood | problem (exposed) | finding (inspected)
    goal: str = ""
    places: tuple[str, ...] = ()
    limit: int = 1
    subject: str = ""  # how reports name the work; the object when empty


@dataclass(frozen=True)
class Item:
    source: str
    title: str
    subject: str
    lead: str
    co: tuple[str, ...]
    category: str
    goal: str


GOALS = {
    "project": "按期完成年度建设任务，形成实物工作量",
    "campaign": "问题整改率达到100%，建立长效管理机制",
    "reform": "按期出台实施，形成可操作、可考核的制度成果",
    "livelihood": "年度任务全部完成，群众满意度明显提升",
    "problem": "限期整改到位，并向群众公开反馈整改结果",
    "finding": "对照反馈问题逐条整改到位，建立长效机制",
}


def _places(spec: str) -> tuple[str, ...]:
    return tuple(code for token in spec.split() for code in PLACE_SETS.get(token, (token,)))


def _table(source: str, text: str) -> list[Topic]:
    topics = []
    for line in text.strip().splitlines():
        verbs, obj, lead, co, category, goal, places, limit = ([c.strip() for c in line.split("|")] + [""] * 3)[:8]
        topics.append(
            Topic(source, tuple(verbs.split()), obj, lead, tuple(co.split()), category, goal, _places(places),
                  int(limit or 1))
        )  # fmt: skip
    return topics


def _about(source: str, verb: str, givers: tuple[str, ...], frame: str, text: str) -> list[Topic]:
    """Rows `subject | lead | co | category`, titled by `frame` with a giver taken in turn."""
    topics = []
    for i, line in enumerate(text.strip().splitlines()):
        subject, lead, co, category = (c.strip() for c in line.split("|"))
        obj = frame.format(who=givers[i % len(givers)], x=subject)
        topics.append(Topic(source, (verb,), obj, lead, tuple(co.split()), category, subject=subject))
    return topics


WORK_POINTS = _table(
    "work_point",
    """
推进 加快 | 兰州新区综合保税区建设 | xq | swj fgw gtj | project | 完成综合保税区一期围网和查验设施建设，通过国家验收并封关运营
完成 | 黄河风情线大景区提升改造 | lvyj | cgw ylj cgq anq | project | 完成滨河路沿线景观提升、游客服务中心和夜景亮化工程
推进 | 第二水源地建设项目征地拆迁 | slj | xgq gtj czj | project | 按期完成取水口及输水隧洞沿线征地拆迁，保障项目连续施工
开展 | 大气污染防治冬季攻坚 | hbj | cgw gxw gaj zjj | campaign | 采暖期空气质量优良天数同比不减少，重污染天气应急措施落实到位
加快 | 轨道交通1号线一期工程建设 | jtw | cgq qlh anq xgq ghj | project | 完成年度盾构掘进和车站主体结构施工任务
推进 | 南北两山环境绿化工程 | lyj | slj ylj cgq qlh | project | 完成新增造林和补植补造任务，苗木成活率达到85%以上
加快 | 工业企业出城入园 | gxw | gtj hbj xgq xq | project | 完成年度计划内重点企业搬迁入园，腾退土地依法收储
推进 | 兰州国际港务区建设 | swj | fgw gtj cgq | project | 完成铁路口岸和保税物流中心一期建设
推进 | 国家食品安全示范城市创建 | syj | wjw nw swj gaj | campaign | 完成创建指标任务，迎接国家评估
巩固 | 全国文明城市创建成果 | xcb | cgw jtw mzj cgq | campaign | 常态化开展文明城市测评，发现问题及时整改到位
实施 | 高校毕业生就业创业促进计划 | rsj | jyj kjj czj | livelihood | 完成全年城镇新增就业目标，高校毕业生就业率不低于上年
深化 | 公立医院综合改革 | wjw | czj rsj fgw | reform | 城市公立医院全部取消药品加成，建立科学补偿机制
完成 | 城市数字化管理平台升级 | cgw | kjj gaj | project | 实现市、区、街道三级平台互联互通
推进 | 黄河兰州段防洪治理工程 | slj | cgq qlh anq xgq gtj | project | 完成年度堤防建设和河道清障任务，确保安全度汛
完成 | 中小学校舍标准化建设任务 | jyj | czj zjj ghj | livelihood | 完成年度新建、改扩建中小学和幼儿园建设任务
加快 | 城市公共停车场建设 | jtw | ghj cgw gtj gaj | project | 新增公共停车泊位，缓解中心城区停车难
完成 | 集中供热燃煤锅炉清洁能源改造 | zjj | hbj czj gxw | project | 完成中心城区燃煤锅炉改造任务，采暖期前全部投入运行
推进 | 兰州科技创新园建设 | kjj | gxw xq gtj | project | 完成孵化器主体工程，引进科技型企业入驻
推进 | 城区农贸市场标准化改造 | swj | cgw syj cgq qlh | livelihood | 完成年度农贸市场标准化改造任务
推进 | 城市污水处理厂提标改造 | slj | hbj zjj anq | project | 出水水质全部达到一级A排放标准
实施 | 兰州牛肉拉面品牌化发展行动 | swj | syj gxw lvyj | campaign | 制定拉面行业服务标准，培育连锁品牌企业
落实 完成 | {p}棚户区改造任务 | @ | zjj gtj czj | livelihood | 完成年度棚户区改造任务，按期交付安置房 | URBAN | 4
实施 | {p}农村饮水安全巩固提升工程 | @ | slj wjw | livelihood | 解决农村人口饮水安全问题，集中供水率明显提高 | COUNTIES | 3
推进 | {p}美丽乡村示范村建设 | @ | nb nw zjj | project | 完成年度示范村建设任务 | COUNTIES hgq | 3
落实 | {p}“1236”扶贫攻坚行动任务 | @ | fpb nb czj | campaign | 完成年度减贫任务，贫困村基础设施和产业项目全部落地 | COUNTIES | 3
推进 | {p}老旧小区综合整治 | @ | zjj cgw mzj | livelihood | 完成年度老旧小区水、电、暖、路综合整治任务 | URBAN | 3
完成 | {p}背街小巷环境整治 | @ | cgw ylj | campaign | | URBAN | 3
完成 | {p}重大项目年度投资任务 | @ | fgw gtj zsj | project | 重大项目全部按计划开工，完成年度投资目标 | DISTRICTS | 4
""",
)

AGREED = _table(
    "agreed_item",
    """
制定出台 | 《兰州市支持小微企业发展的若干措施》 | gxw | czj swj | reform
制定出台 | 《兰州市促进民营经济发展的实施意见》 | gxw | fgw czj | reform
制定出台 | 《兰州市城市停车设施建设管理办法》 | jtw | ghj cgw gaj | reform
制定出台 | 《兰州市农民工工资支付保障办法》 | rsj | zjj gaj | reform
制定出台 | 《兰州市重大项目领导包抓责任制实施办法》 | fgw | zsj | reform
制定出台 | 《兰州市干部一线工作考核办法》 | zzb | xcb | reform
制定出台 | 《兰州市工作落实问责暂行办法》 | zzb | | reform
制定出台 | 《兰州市食品安全责任追究办法》 | syj | wjw | reform
制定出台 | 《兰州市招商引资项目落地服务办法》 | zsj | fgw gtj | reform
制定出台 | 《兰州市文化产业发展扶持办法》 | wgx | czj xcb | reform
制定出台 | 《兰州市居家养老服务实施办法》 | mzj | wjw czj | reform
编制公布 | 《兰州市政务服务事项清单》 | zwzx | fgw rsj | reform
建立 | 市级领导联系重大项目工作机制 | fgw | zsj | reform
建立 | 信访积案领导包案化解机制 | xfj | gaj | reform
建立 | 市直部门结对帮扶贫困村工作机制 | zzb | fpb nb | reform
""",
) + _about(
    "agreed_item",
    "落实",
    ("市委常委会",),
    "{who}关于{x}的议定事项",
    """
兰州新区产城融合发展 | xq | fgw ghj | project
城区冬季供暖保障 | zjj | cgw czj | livelihood
冬春农田水利基本建设 | slj | nw yzx glx | project
城市公交优先发展 | jtw | ghj czj | reform
“菜篮子”工程建设 | nw | swj syj | livelihood
社区综合服务中心建设 | mzj | zjj cgq | livelihood
优化营商环境 | zwzx | fgw gxw zsj | reform
基层党建示范点建设 | zzb | | project
城区夜市规范管理 | cgw | syj swj | campaign
""",
)

MEETINGS = _table(
    "meeting",
    """
推进 | {p}招商引资签约项目落地开工 | @ | zsj fgw gtj | project | | DISTRICTS | 5
落实 | {p}重大项目观摩点评意见整改 | @ | fgw | campaign | | DISTRICTS | 3
做好 | “落实进行时”电视直播活动组织保障 | xcb | wgx | campaign
做好 | 兰洽会兰州展区筹办和项目签约 | swj | zsj gxw | project
做好 | 兰州国际马拉松赛安全和交通保障 | gaj | cgw wjw lvyj | campaign
开展 | 安全生产隐患大排查大整治 | ajj | gaj zjj gxw | campaign
集中 | 化解信访积案 | xfj | gaj cgq qlh | campaign
开展 | 城市“牛皮癣”集中清理整治 | cgw | gaj cgq | campaign
推进 | “双联”行动年度任务 | zzb | fpb nb | campaign
落实 | 全市经济运行分析会确定的稳增长措施 | fgw | gxw czj swj | reform
开展 | “工作落实年”干部作风集中整顿 | zzb | xcb | campaign
做好 | 春节期间市场供应和安全保障 | swj | syj gaj ajj | campaign
做好 | 汛期地质灾害防范 | gtj | slj ajj | campaign
组织 | 全市重大项目集中开工活动 | fgw | zsj gtj | project
推进 | 城市环境卫生“席地而坐”标准化保洁 | cgw | cgq qlh anq | campaign
做好 | 全国城市园林绿化现场会筹备 | ylj | cgw | project
化解 | 城区中小学“大班额”问题 | jyj | zjj ghj | livelihood
做好 | 高考、中考组织保障 | jyj | gaj wjw | campaign
""",
)

INSTRUCTIONS = _about(
    "instruction",
    "落实",
    ("市委主要领导", "市政府主要领导", "省委主要领导", "市领导"),
    "{who}关于{x}的批示",
    """
城市供水水质安全保障 | slj | wjw hbj | campaign
冬季供暖“最后一公里”问题 | zjj | cgw cgq | livelihood
中心城区交通拥堵治理 | gaj | jtw ghj | campaign
建筑工地扬尘管控 | zjj | hbj cgw | campaign
农民工欠薪问题排查化解 | rsj | zjj gaj | campaign
城区违法建设查处 | cgw | ghj gtj | campaign
学校周边食品安全整治 | syj | jyj gaj | campaign
黄河沿岸垃圾清理 | cgw | slj cgq anq | campaign
地质灾害隐患点排查整治 | gtj | ajj yzx | campaign
老旧住宅电梯安全隐患排查 | ajj | zjj | campaign
渣土车违规运输整治 | gaj | cgw jtw | campaign
城区积水点改造 | slj | zjj cgw | project
公共自行车系统建设 | jtw | cgw ghj | project
社区养老服务站建设 | mzj | wjw | livelihood
住宅小区物业服务管理 | zjj | mzj cgq | reform
出租车行业规范经营 | jtw | gaj | campaign
重点工业企业帮扶解困 | gxw | czj rsj | campaign
返乡农民工创业扶持 | rsj | nw fpb | livelihood
电动自行车充电安全 | ajj | gaj zjj | campaign
高速公路出入口环境整治 | cgw | jtw lyj | campaign
窨井盖安全隐患排查 | cgw | slj zjj | campaign
牛肉拉面店卫生规范 | syj | swj | campaign
农村留守儿童关爱保护 | mzj | jyj fpb | livelihood
困难群众冬季取暖救助 | mzj | czj | livelihood
""",
)

ASSIGNED = _about(
    "assigned",
    "办理",
    ("省委", "省政府", "省委督查室", "省政府督查室"),
    "{who}交办的{x}事项",
    """
兰州新区土地征收历史遗留问题化解 | xq | gtj ydx | problem
黄河兰州段河道非法采砂整治 | slj | gaj gtj | campaign
中川机场周边环境整治 | xq | ydx cgw | campaign
兰渝铁路兰州段沿线环境整治 | jtw | qlh cgw | campaign
国道109线兰州段改建征地拆迁 | jtw | xgq gtj | project
省级重点项目建设用地保障 | gtj | fgw | project
中央环保督察反馈问题整改 | hbj | gxw zjj | finding
审计署审计发现问题整改 | czj | fgw | finding
兰州大学榆中校区周边环境综合整治 | yzx | cgw gaj | campaign
榆中生态创新城建设征地拆迁 | yzx | gtj | project
什川古梨园保护和开发 | glx | lyj lvyj | project
苦水玫瑰产业发展扶持 | ydx | nw swj | project
红古区采煤沉陷区综合治理 | hgq | gtj ajj | project
西固石化园区安全环保隐患整治 | xgq | ajj hbj gxw | campaign
安宁桃花会筹办 | anq | lvyj gaj | campaign
兰州西客站周边综合整治 | qlh | jtw cgw | campaign
全省项目观摩拉练兰州点位筹备 | fgw | zsj | project
""",
)

OUTLETS = ("《落实进行时》", "《兰州日报》", "兰州电视台", "兰州新闻网")
MEDIA = _table(
    "media",
    """
解决 整改 | {m}曝光的{p}居民小区冬季供暖不达标问题 | @ | zjj | problem | | STREETS URBAN | 2
解决 整改 | {m}曝光的{p}背街小巷路灯不亮问题 | @ | cgw | problem | | STREETS | 2
解决 整改 | {m}曝光的{p}农贸市场周边占道经营问题 | @ | cgw swj | problem | | STREETS | 2
解决 整改 | {m}曝光的{p}夜市油烟扰民问题 | @ | hbj cgw | problem | | STREETS | 2
解决 整改 | {m}曝光的{p}建筑垃圾乱堆乱倒问题 | @ | cgw | problem | | STREETS TOWNS | 2
解决 整改 | {m}曝光的{p}老旧小区雨污管网堵塞问题 | @ | slj zjj | problem | | STREETS | 2
解决 整改 | {m}曝光的{p}学校门口上下学交通拥堵问题 | @ | gaj jyj | problem | | STREETS | 2
解决 整改 | {m}曝光的{p}公共厕所脏乱差问题 | @ | cgw | problem | | STREETS TOWNS | 2
解决 整改 | {m}曝光的{p}拆迁安置房逾期未交付问题 | @ | zjj gtj | problem | | URBAN | 2
解决 整改 | {m}曝光的{p}农村公路“畅通工程”进展缓慢问题 | @ | jtw | problem | | COUNTIES TOWNS | 2
解决 整改 | {m}曝光的{p}餐饮店后厨卫生不达标问题 | @ | syj | problem | | STREETS | 2
解决 整改 | {m}曝光的{p}住宅小区电梯长期停运问题 | @ | zjj ajj | problem | | STREETS | 2
解决 整改 | {m}曝光的{p}乡镇卫生院看病难问题 | @ | wjw | problem | | TOWNS | 2
解决 整改 | {m}曝光的{p}自来水水压不足问题 | @ | slj | problem | | STREETS TOWNS | 2
""",
)

INSPECTIONS = _table(
    "inspection",
    f"""
整改 | 督查发现的{{p}}责任清单台账管理不规范问题 | @ | | finding | | {DEPTS} DISTRICTS | 2
整改 | 督查发现的{{p}}清单进展直报不及时问题 | @ | | finding | | {DEPTS} DISTRICTS | 2
整改 | 督查发现的{{p}}重点项目推进滞后问题 | @ | fgw | finding | | DISTRICTS | 2
整改 | 督查发现的{{p}}政务服务窗口推诿扯皮问题 | @ | zwzx | finding | | rsj gtj zjj syj mzj | 2
整改 | 督查发现的{{p}}惠民政策落实不到位问题 | @ | czj | finding | | mzj rsj fpb DISTRICTS | 2
整改 | 督查发现的{{p}}干部一线工作制度执行不严问题 | @ | zzb | finding | | {DEPTS} DISTRICTS | 2
整改 | 督查发现的{{p}}安全生产隐患整改不彻底问题 | @ | ajj | finding | | xgq hgq gxw zjj | 2
整改 | 督查发现的{{p}}扶贫资金拨付滞后问题 | @ | czj fpb | finding | | COUNTIES | 2
整改 | 督查发现的{{p}}信访事项办理超期问题 | @ | xfj | finding | | DISTRICTS | 2
""",
)

# Problems city leaders met on their frontline days (一线工作) and could not solve on the spot.
FRONTLINE = _table(
    "frontline",
    """
解决 | 市领导一线调研发现的{p}农村饮水工程季节性断水问题 | @ | slj | problem | | COUNTIES TOWNS | 1
解决 | 市领导一线调研发现的{p}棚户区改造安置房配套滞后问题 | @ | zjj | problem | | URBAN | 1
解决 | 市领导一线调研发现的{p}中小企业融资难问题 | @ | gxw czj | problem | | DISTRICTS | 1
解决 | 市领导一线调研发现的{p}蔬菜产销对接不畅问题 | @ | nw swj | problem | | COUNTIES | 1
解决 | 市领导一线调研发现的{p}社区养老服务设施不足问题 | @ | mzj | problem | | STREETS | 1
""",
)

TOPICS = WORK_POINTS + AGREED + MEETINGS + INSTRUCTIONS + ASSIGNED + MEDIA + INSPECTIONS + FRONTLINE
QUOTAS = {
    "work_point": 40,
    "agreed_item": 22,
    "meeting": 20,
    "instruction": 22,
    "assigned": 13,
    "media": 16,
    "inspection": 12,
    "frontline": 3,
}


def pick_items(rng: random.Random, names: dict[str, str], extra: int = 0) -> tuple[list[Item], list[Item]]:
    """QUOTAS items per source (148 in all) with distinct titles, and `extra` more from those left over."""
    chosen: list[Item] = []
    left: list[Item] = []
    titles: set[str] = set()
    for source, quota in QUOTAS.items():
        combos = [(n, p) for n, t in enumerate(TOPICS) if t.source == source for p in (t.places or (None,))]
        rng.shuffle(combos)
        used: dict[int, int] = {}
        for n, place in combos:
            topic = TOPICS[n]
            item = _item(rng, topic, place, names)
            if item.title in titles:
                continue
            if used.get(n, 0) < topic.limit and sum(used.values()) < quota:
                used[n] = used.get(n, 0) + 1
                titles.add(item.title)
                chosen.append(item)
            else:
                left.append(item)
        if sum(used.values()) < quota:
            raise ValueError(f"The tables give only {sum(used.values())} items of source {source}; {quota} wanted.")
    drafts = [i for i in left if i.source in ("media", "inspection", "instruction")]
    rng.shuffle(drafts)
    return chosen, drafts[:extra]


def _item(rng: random.Random, topic: Topic, place: str | None, names: dict[str, str]) -> Item:
    fill = {"p": names[place] if place else "", "m": rng.choice(OUTLETS)}
    obj = topic.obj.format(**fill)
    lead = place if topic.lead == PLACE and place else topic.lead
    return Item(
        source=topic.source,
        title=rng.choice(topic.verbs) + obj,
        subject=topic.subject or obj,
        lead=lead,
        co=tuple(c for c in topic.co if c != lead),
        category=topic.category,
        goal=topic.goal or GOALS[topic.category],
    )
