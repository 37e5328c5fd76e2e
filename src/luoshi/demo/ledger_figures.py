"""The figures of the demo ledger as the article reports them for the half year (上半年), split over the
units that report them so that the parents' sums are the article's numbers exactly; and the year's
targets and major projects (pure data).

Source: 甘肃日报, 狠抓落实促发展——兰州市全面开展“工作落实年”纪实: fixed-asset investment 673.01亿元,
613 new projects signed with a total of 1,240.88亿元 and 472.91亿元 in place, 144 projects signed at
the 兰洽会 (1,388.62亿元), the construction-waste project of 2.58亿元 in 皋兰县九合镇, the second water
source's tunnel started on 20 August, 10 shanty-town projects / 7,623 flats started and 5,127
households resettled by money, 118 days of good air (7 more than a year before).
"""

from decimal import Decimal as D

# The half year's totals, for the test and the parents' requirements.
ARTICLE = {
    "fixed_assets": D("673.01"),
    "new_projects": D("613"),
    "signed_total": D("1240.88"),
    "funds_in_place": D("472.91"),
    "shanty_projects": D("10"),
    "shanty_flats": D("7623"),
    "shanty_households": D("5127"),
    "good_air_days": D("118"),
    "fair_projects": D("144"),
    "fair_total": D("1388.62"),
}

# A cumulative indicator's planned share of the year's target by the end of each month.
PLAN_CURVE = (0.03, 0.08, 0.18, 0.28, 0.36, 0.45, 0.53, 0.62, 0.72, 0.82, 0.91, 1.0)

# 固定资产投资 by area: (unit, half year 亿元, year's target 亿元, pace in the second half).
# A pace of 1 keeps to the plan; 红古区 runs out of projects after June (its forecast turns red).
FIXED_ASSETS = [
    ("cgq", D("98.46"), D("220"), 1.02),
    ("qlh", D("72.35"), D("160"), 1.01),
    ("xgq", D("80.12"), D("175"), 1.0),
    ("anq", D("58.67"), D("130"), 1.03),
    ("hgq", D("26.03"), D("60"), 0.55),
    ("ydx", D("45.21"), D("100"), 1.0),
    ("glx", D("32.18"), D("72"), 1.02),
    ("yzx", D("62.94"), D("140"), 1.01),
    ("xq", D("148.62"), D("330"), 1.04),
    ("fgw", D("48.43"), D("108"), 1.0),  # city-level, central and provincial projects
]

# 招商引资 by unit: (unit, new projects, their total 亿元, funds in place 亿元) in the half year.
INVESTMENT = [
    ("cgq", 78, D("142.36"), D("56.12")),
    ("qlh", 62, D("118.54"), D("44.37")),
    ("xgq", 55, D("126.71"), D("49.85")),
    ("anq", 58, D("96.85"), D("36.94")),
    ("hgq", 36, D("48.27"), D("17.26")),
    ("ydx", 49, D("87.42"), D("31.58")),
    ("glx", 41, D("63.18"), D("22.47")),
    ("yzx", 67, D("112.69"), D("41.83")),
    ("xq", 112, D("318.45"), D("124.69")),
    ("zsj", 55, D("126.41"), D("47.80")),
]
INVESTMENT_TARGETS = (D("1100"), D("2300"), D("900"))  # the year's: projects, total, funds in place

# 棚户区改造: (district, project, flats, month started (0: not this year), households resettled by
# money in the half year, the year's households). Ten projects, 7,623 flats started by June.
SHANTY = [
    ("cgq", "雁滩片区", 1180, 4, 812, 1000),
    ("cgq", "草场街片区", 900, 5, 604, 760),
    ("cgq", "东岗片区", 810, 6, 538, 700),
    ("cgq", "伏龙坪片区", 336, 6, 226, 300),
    ("cgq", "拱星墩片区", 620, 9, 0, 420),
    ("qlh", "西站片区", 1060, 3, 721, 900),
    ("qlh", "秀川片区", 730, 6, 488, 620),
    ("qlh", "彭家坪片区", 980, 8, 0, 560),
    ("xgq", "福利路片区", 640, 5, 415, 520),
    ("xgq", "陈坪片区", 540, 10, 0, 300),
    ("anq", "刘家堡片区", 820, 4, 546, 700),
    ("anq", "十里店片区", 700, 0, 0, 400),  # land not cleared all year: red
    ("hgq", "海石湾片区", 413, 6, 267, 360),
    ("ydx", "城关镇老城区片区", 460, 9, 0, 280),
    ("yzx", "城关镇北关片区", 734, 5, 510, 640),
    ("glx", "石洞镇片区", 380, 11, 0, 200),
]

# 城区空气质量达标天数 by the end of each month (planned, reported): 118 by June.
AIR_PLAN = (14, 30, 52, 74, 96, 116, 139, 162, 184, 206, 226, 250)
AIR_DAYS = (15, 31, 54, 76, 97, 118, 142, 165, 188, 209, 228)

# 城关区's service-type communities (by September, as the article reports): (title, measure, target, unit).
CHENGGUAN = [
    ("建成“虚拟养老餐厅”65家", "家", 65, "虚拟养老餐厅"),
    ("打造“三不管”精品楼院100个", "个", 100, "精品楼院"),
    ("建成社区少年宫19个", "个", 19, "社区少年宫"),
]

# 减少农村贫困人口 (人) by county: the year's target.
POVERTY = [("yzx", 8500), ("ydx", 7200), ("glx", 3100), ("hgq", 1200)]

# Major projects (市级重大项目): (title, lead, co units, total 亿元, this year's investment 亿元, started
# (month, day) or None if already building, completes (month, day) or None, story).
# Stories: "plan" on schedule, "behind" well behind its trajectory (red), "done" completed in the year.
PROJECTS: list[tuple[str, str, tuple[str, ...], D, D, tuple[int, int] | None, tuple[int, int] | None, str]] = [
    ("兰州市第二水源地建设项目", "slj", ("fgw",), D("53.95"), D("8.00"), (8, 20), None, "plan"),
    ("兰州市建筑垃圾资源化处理项目（皋兰县九合镇）", "glx", ("cgw",), D("2.58"), D("1.60"), None, (12, 31), "plan"),
    ("兰州轨道交通1号线一期工程", "jtw", ("fgw", "czj"), D("232.50"), D("45.00"), None, None, "plan"),
    ("兰州轨道交通2号线一期工程", "jtw", ("ghj",), D("79.00"), D("12.00"), (6, 28), None, "plan"),
    ("兰州南绕城高速公路", "jtw", ("qlh", "gtj"), D("128.30"), D("20.00"), (4, 28), None, "behind"),
    ("兰州北环路", "jtw", ("anq",), D("96.70"), D("18.00"), None, None, "plan"),
    ("兰州新区综合保税区二期", "xq", ("swj",), D("18.60"), D("6.50"), None, None, "plan"),
    ("兰州新区石化产业园区基础设施", "xq", ("gxw",), D("45.00"), D("10.00"), None, None, "plan"),
    ("西固区石化产业转型升级项目", "xgq", ("gxw",), D("65.00"), D("12.00"), None, None, "plan"),
    ("兰州国际港务区", "xq", ("swj", "jtw"), D("32.40"), D("7.50"), None, None, "plan"),
    ("兰州奥林匹克体育中心", "qlh", ("wgx",), D("35.00"), D("6.00"), (3, 18), None, "plan"),
    ("兰州西客站综合交通枢纽配套工程", "qlh", ("jtw",), D("24.80"), D("6.00"), None, None, "plan"),
    ("深安黄河大桥", "anq", ("jtw",), D("9.80"), D("3.50"), (3, 20), None, "plan"),
    ("雁滩黄河大桥", "cgq", ("jtw",), D("6.50"), D("2.80"), None, (11, 30), "plan"),
    ("兰州城市地下综合管廊试点工程", "zjj", ("ghj",), D("58.00"), D("9.00"), (5, 16), None, "behind"),
    ("兰州大学第二医院新院区", "wjw", ("cgq",), D("18.20"), D("4.00"), None, None, "plan"),
    ("兰州市第一人民医院扩建工程", "wjw", (), D("7.80"), D("2.20"), None, None, "plan"),
    ("榆中生态创新城", "yzx", ("ghj",), D("42.00"), D("8.00"), None, None, "plan"),
    ("兰州科技创新园", "kjj", ("gxw",), D("12.50"), D("3.00"), (4, 8), None, "behind"),
    ("兰州经济技术开发区红古园区基础设施", "hgq", ("gxw",), D("16.30"), D("3.50"), None, None, "plan"),
    ("永登县光伏发电基地", "ydx", ("fgw",), D("28.00"), D("7.00"), None, None, "plan"),
    ("什川古梨园文化旅游综合开发", "glx", ("lvyj",), D("5.60"), D("1.80"), (3, 26), None, "plan"),
    ("黄河风情线景观提升工程", "ylj", ("cgq",), D("11.40"), D("3.20"), None, None, "plan"),
    ("兰州新区职教园区", "xq", ("jyj",), D("26.00"), D("5.50"), None, None, "plan"),
    ("安宁区桃海片区城市更新", "anq", ("zjj",), D("14.80"), D("3.60"), None, None, "plan"),
    ("七里河区马滩片区开发", "qlh", ("ghj",), D("38.50"), D("7.20"), None, None, "plan"),
    ("兰州市污水处理厂提标改造工程", "slj", ("hbj",), D("9.60"), D("4.20"), None, (10, 31), "plan"),
    ("中川机场城际铁路配套工程", "jtw", ("xq",), D("4.30"), D("1.50"), None, (9, 30), "done"),
    ("兰州市集中供热热源改造工程", "zjj", (), D("12.80"), D("5.00"), None, (10, 15), "done"),
    ("兰州市食品药品检验检测中心", "syj", (), D("2.40"), D("1.10"), None, None, "plan"),
]
# The tunnel, the second water source's controlling work, started in 永靖县 on 20 August.
TUNNEL_START = (8, 20)
