"""The words of the demo's inspections (demo.oversight_inspections): the towns and streets the demo city
lacks, the campaigns of the first half year, and what the teams found and the units reported.

Placeholders: {n} a small number, {m} a month, {k} a count of items, {pct} a share, {place} a place."""

# (code, name, parent code): towns and streets (乡镇/街道) of Lanzhou's districts and counties, beside the
# twelve of demo.names. Codes are the ASCII stems of their people's usernames (`glljd_liaison`).
NEW_TOWNS: list[tuple[str, str, str]] = [
    ("glljd", "皋兰路街道", "cgq"),
    ("dgxljd", "东岗西路街道", "cgq"),
    ("byljd", "白银路街道", "cgq"),
    ("lxljd", "临夏路街道", "cgq"),
    ("gwmjd", "广武门街道", "cgq"),
    ("flpjd", "伏龙坪街道", "cgq"),
    ("gxdjd", "拱星墩街道", "cgq"),
    ("jtxcjd", "团结新村街道", "cgq"),
    ("jygljd", "嘉峪关路街道", "cgq"),
    ("qbsjd", "青白石街道", "cgq"),
    ("xhjd", "西湖街道", "qlh"),
    ("jlljd", "建兰路街道", "qlh"),
    ("dhljd", "敦煌路街道", "qlh"),
    ("yjpjd", "晏家坪街道", "qlh"),
    ("agz", "阿干镇", "qlh"),
    ("pjpz", "彭家坪镇", "qlh"),
    ("xfljd", "先锋路街道", "xgq"),
    ("flljd", "福利路街道", "xgq"),
    ("sjqjd", "四季青街道", "xgq"),
    ("hkz", "河口镇", "xgq"),
    ("dcz", "达川镇", "xgq"),
    ("pljd", "培黎街道", "anq"),
    ("sjyjd", "沙井驿街道", "anq"),
    ("kjyjd", "孔家崖街道", "anq"),
    ("yjjd", "窑街街道", "hgq"),
    ("hljd", "华龙街道", "hgq"),
    ("hczz", "红城镇", "ydx"),
    ("zbz", "中堡镇", "ydx"),
    ("wsyz", "武胜驿镇", "ydx"),
    ("ksz", "苦水镇", "ydx"),
    ("zhz", "忠和镇", "glx"),
    ("sfz", "水阜镇", "glx"),
    ("jhz", "九合镇", "glx"),
    ("dyz", "定远镇", "yzx"),
    ("jyz", "金崖镇", "yzx"),
    ("qcz", "青城镇", "yzx"),
    ("gczz", "甘草店镇", "yzx"),
    ("lzbx", "来紫堡乡", "yzx"),
]

# The campaigns of the first half year. `span`: start and end as fractions of the half year; `departments`
# and `districts`: named units (codes, or "*" for all left of the target); `draw`: (kind, how many, seed
# stem) drawn at random among the target's units not yet inspected; `findings`: problems found.
CAMPAIGNS: list[dict] = [
    {
        "title": "一季度责任清单落实情况联合督查",
        "span": (0.30, 0.42),
        "leader": "office",
        "members": ("office02", "office03", "zzb_liaison"),
        "team_units": ("swdcs", "zfdcs", "zzb"),
        "methods": ("discussion", "documents", "spot_check"),
        "scope": "市直部门、县区落实市委常委会年度工作要点和责任清单情况；随机抽查部分市直部门和乡镇街道。",
        "named": (
            "gxw",
            "wgx",
            "cgw",
            "fgw",
            "czj",
            "rsj",
            "gtj",
            "zjj",
            "jtw",
            "slj",
            "nw",
            "swj",
            "cgq",
            "qlh",
            "xgq",
            "anq",
            "hgq",
            "ydx",
            "glx",
            "yzx",
        ),
        "draw": (("department", 6), ("town", 8)),
        "findings": 150,
    },
    {
        "title": "重大项目建设推进情况专项督查",
        "span": (0.50, 0.60),
        "leader": "office02",
        "members": ("office03",),
        "team_units": ("zfdcs",),
        "methods": ("site_visit", "documents", "discussion"),
        "scope": '"3341"项目工程和省市重大项目的开工、投资和进度节点，实地察看项目现场。',
        "named": ("fgw", "zjj", "ghj", "jtw", "slj", "xq", "zsj", "gtj", "hbj", "kjj"),
        "draw": (("town", 8),),
        "findings": 70,
    },
    {
        "title": "机关作风建设暗访督查",
        "span": (0.62, 0.72),
        "leader": "office03",
        "members": ("office", "xcb_liaison"),
        "team_units": ("swdcs", "xcb"),
        "methods": ("unannounced", "spot_check"),
        "scope": "窗口单位和基层站所工作纪律、服务态度、办事效率；媒体记者随队暗访。",
        "named": ("zwzx", "gaj", "mzj", "wjw", "syj"),
        "draw": (("department", 8), ("town", 10)),
        "findings": 85,
    },
    {
        "title": "民生实事和服务群众专项督查",
        "span": (0.76, 0.86),
        "leader": "office02",
        "members": ("office03", "office"),
        "team_units": ("zfdcs", "swdcs"),
        "methods": ("site_visit", "discussion", "spot_check"),
        "scope": '民生实事项目、信访积案化解和服务群众"最后一公里"情况，抽查乡镇街道。',
        "named": ("jyj", "xfj", "fpb", "lvyj", "ajj", "ylj", "lyj"),
        "draw": (("town", 10),),
        "findings": 66,
    },
    {
        "title": "上半年工作落实情况综合督查",
        "span": (0.88, 0.98),
        "leader": "leader06",
        "members": ("office", "office02", "zzb_liaison"),
        "team_units": ("swdcs", "zfdcs", "zzb"),
        "methods": ("discussion", "documents", "spot_check", "site_visit"),
        "scope": "各县区、市直部门上半年工作落实年各项任务完成情况，回访前期督查问题整改情况。",
        "named": ("cgq", "qlh", "xgq", "anq", "hgq", "ydx", "glx", "yzx", "gxw", "wgx", "cgw", "*"),
        "draw": (),
        "findings": 90,
    },
]

# Category name → share of the findings (the shipped categories).
CATEGORY_SHARES = {"清单落实不到位": 0.34, "作风纪律": 0.21, "项目推进": 0.22, "服务群众": 0.15, "其他": 0.08}
SEVERITY_SHARES = {"minor": 0.45, "major": 0.42, "serious": 0.13}

PROBLEMS: dict[str, tuple[str, ...]] = {
    "清单落实不到位": (
        "责任清单中{k}项事项进展未按期直报，最长逾期{n}天",
        "清单台账更新不及时，{m}月以来进展情况与实际不符",
        "清单事项分解不细，{k}项任务未明确具体责任人和完成时限",
        "对配合单位的事项不跟进、不对接，{k}项协同任务无人牵头推进",
        "直报内容空泛，只报过程不报结果，未反映存在的困难和问题",
        "年度工作要点中{k}项任务推进缓慢，完成进度低于时序进度{pct}个百分点",
        "领导批示件办理不及时，{k}件批示事项超期未反馈",
        "会议议定事项落实不到位，{k}项议定事项未启动",
        "清单事项销号材料不全，{k}项已申请销号事项缺少佐证资料",
        "未建立清单落实周调度机制，主要负责同志未专题研究清单推进",
    ),
    "作风纪律": (
        "工作日上午{n}时抽查，{k}名工作人员不在岗且无请假记录",
        "窗口工作人员上班时间玩手机、聊天，服务群众态度生硬",
        "考勤制度执行不严，{m}月份考勤记录与实际出勤不符",
        "对群众反映的问题推诿扯皮，{k}件诉求在科室间转办超过{n}次",
        "会议精神传达不及时，{k}个基层站所未组织学习",
        "公务用车管理不规范，{k}次用车无审批记录",
        "值班制度落实不到位，暗访期间值班电话无人接听",
        "文山会海问题突出，{m}月份以单位名义印发文件{n}件，部分可合并",
    ),
    "项目推进": (
        "{place}项目征地拆迁滞后，较计划节点延迟{n}天",
        "{place}项目开工手续办理缓慢，{k}项前期手续尚未办结",
        "{place}项目完成投资仅占年度计划的{pct}%，进度明显滞后",
        "项目现场施工人员和机械不足，{place}项目处于半停工状态",
        "招商引资签约项目落地率低，{k}个签约项目未开工",
        "{place}项目安全文明施工措施不到位，扬尘治理不达标",
        "项目月报数据与现场实际不符，{place}项目形象进度虚报",
        "重点项目包抓责任未落实，{k}个项目无包抓领导现场调度记录",
    ),
    "服务群众": (
        "便民服务大厅办事指南更新不及时，{k}项事项材料要求与实际不一致",
        "12345热线转办件办理超时，{m}月份超期{k}件",
        "群众反映的{place}路段积水问题长期未解决",
        "低保、临时救助审核审批超时限，{k}户申请超过{n}个工作日未办结",
        "信访积案化解不力，{k}件重复信访件未落实包案责任",
        "{place}小区供暖、供水问题群众反映强烈，回应不及时",
        '"最后一公里"服务不到位，{k}项事项仍需群众多次跑腿',
        "民生实事项目{place}建设进度滞后，群众意见较大",
    ),
    "其他": (
        "督查发现的上年度问题整改不彻底，{k}个问题出现反弹",
        "安全生产隐患排查台账不健全，{k}处隐患未闭环",
        "档案资料管理混乱，{m}月份以来工作资料未及时归档",
        "财政专项资金拨付滞后，{k}个项目资金未按期拨付",
        "信息报送不及时，{m}月份未按要求报送工作动态",
    ),
}

PLACES = (
    "南山路", "北滨河路", "雁滩", "彭家坪", "马滩", "安宁西路", "西固巷", "和平", "中川", "九州",
    "东岗", "深安大桥", "兰州新区", "什川", "连城", "青白石", "盐场", "西站", "柳泉", "夏官营",
)  # fmt: skip

REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "清单落实不到位": (
        "立即补报逾期事项进展，建立清单台账周更新制度，{n}日内报送整改报告。",
        "主要负责同志专题研究，逐项明确责任人和时限，限期完成整改并报督查室。",
        "对照清单逐项梳理，补齐销号佐证材料，按时直报进展。",
    ),
    "作风纪律": (
        "严肃工作纪律，对相关人员进行批评教育，{n}日内报送整改情况。",
        "健全考勤和请销假制度，举一反三开展作风纪律自查。",
        "对推诿扯皮问题查明责任，建立首问负责和限时办结制度。",
    ),
    "项目推进": (
        "制定赶超进度计划，明确节点，每周调度，{n}日内报送整改措施。",
        "协调解决征地和手续办理问题，确保按期恢复正常施工。",
        "如实报送项目进度，落实包抓领导现场调度责任。",
    ),
    "服务群众": (
        "立即回应群众诉求，限期解决，整改结果向群众公开。",
        "梳理办事流程，更新办事指南，压缩办理时限。",
        "落实包案责任，逐件化解，{n}日内报送化解情况。",
    ),
    "其他": (
        "举一反三，建立长效机制，{n}日内报送整改报告。",
        "立即整改，完善台账资料，按时报送整改情况。",
    ),
}

PROGRESS_REPORTS = (
    "已召开专题会议研究整改工作，制定整改方案，明确责任人和完成时限。",
    "已完成问题排查，{k}项整改措施中已落实{n}项，其余正在推进。",
    "主要负责同志带队现场督办，整改工作按计划推进。",
    "已对相关人员进行批评教育，正在完善相关制度。",
    "已补报相关材料，正在与配合单位对接协调。",
)
DONE_REPORTS = (
    "整改措施已全部落实，建立长效机制，相关台账和佐证材料已上传，申请核验。",
    "问题已整改到位，制度已修订印发，整改前后照片已上传，请督查组核验。",
    "逾期事项已全部补报，台账实现每周更新，申请销号核验。",
    "项目已恢复正常施工，节点进度已赶上计划，现场照片已上传，申请核验。",
    "群众诉求已全部办结并回访，满意率100%，申请核验。",
)
DIFFICULTIES = ("涉及多个部门协调，推进难度较大。", "资金尚未完全到位。", "", "", "")
FAIL_NOTES = (
    "现场核查发现问题仍未彻底解决，请继续整改。",
    "佐证材料不完整，缺少整改后的制度文件，请补充后再申请核验。",
    "台账仍有{k}项未更新，整改不到位。",
    "回访群众反映问题依然存在，请继续落实整改措施。",
)
PASS_NOTES = ("现场核查，整改到位。", "佐证材料齐全，同意销号。", "", "经回访核实，问题已解决。", "")
EXTENSION_REASONS = (
    "涉及征地拆迁，需协调的事项较多，申请延期。",
    "资金需待财政预算调整后拨付，申请延期。",
    "整改涉及制度修订，需经党组会研究，申请延期。",
)
PHOTO_NAMES = ("整改后现场.jpg", "现场照片.jpg", "台账照片.jpg", "制度文件.jpg", "整改前后对比.jpg")
EVIDENCE_NAMES = ("现场照片.jpg", "暗访照片.jpg", "台账截图.png")
REPORT_PDF = "整改报告.pdf"
