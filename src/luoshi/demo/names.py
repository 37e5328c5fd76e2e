"""The demo city's organisation: units, leaders and their portfolios, office staff, and name tables.

Unit codes are the ASCII stems of the usernames: `gxw_head`, `gxw_liaison`, `cgq_head`…
"""

# (code, name, kind, parent code)
UNITS: list[tuple[str, str, str, str | None]] = [
    ("swbgt", "市委办公厅", "office", None),
    ("swdcs", "市委督查室", "office", "swbgt"),
    ("zfbgt", "市政府办公厅", "office", None),
    ("zfdcs", "市政府督查室", "office", "zfbgt"),
    # city departments
    ("zzb", "市委组织部", "department", None),
    ("xcb", "市委宣传部", "department", None),
    ("nb", "市委农村工作办公室", "department", None),
    ("fgw", "市发改委", "department", None),
    ("gxw", "市工信委", "department", None),
    ("czj", "市财政局", "department", None),
    ("rsj", "市人社局", "department", None),
    ("gtj", "市国土资源局", "department", None),
    ("zjj", "市住建局", "department", None),
    ("ghj", "市规划局", "department", None),
    ("cgw", "市城市管理委员会", "department", None),
    ("jtw", "市交通运输委员会", "department", None),
    ("slj", "市水务局", "department", None),
    ("nw", "市农委", "department", None),
    ("lyj", "市林业局", "department", None),
    ("swj", "市商务局", "department", None),
    ("wgx", "市文化广播影视新闻出版局", "department", None),
    ("wjw", "市卫生计生委", "department", None),
    ("jyj", "市教育局", "department", None),
    ("hbj", "市环保局", "department", None),
    ("syj", "市食药局", "department", None),
    ("gaj", "市公安局", "department", None),
    ("mzj", "市民政局", "department", None),
    ("lvyj", "市旅游局", "department", None),
    ("ajj", "市安监局", "department", None),
    ("xfj", "市信访局", "department", None),
    ("fpb", "市扶贫办", "department", None),
    ("zsj", "市招商局", "department", None),
    ("kjj", "市科技局", "department", None),
    ("ylj", "市园林局", "department", None),
    ("zwzx", "市政务服务中心", "department", None),
    ("xq", "兰州新区管委会", "department", None),
    # districts and counties
    ("cgq", "城关区", "district", None),
    ("qlh", "七里河区", "district", None),
    ("xgq", "西固区", "district", None),
    ("anq", "安宁区", "district", None),
    ("hgq", "红古区", "district", None),
    ("ydx", "永登县", "district", None),
    ("glx", "皋兰县", "district", None),
    ("yzx", "榆中县", "district", None),
    # towns and streets
    ("zylj", "张掖路街道", "town", "cgq"),
    ("ytjd", "雁滩街道", "town", "cgq"),
    ("jqlj", "酒泉路街道", "town", "cgq"),
    ("xyjd", "西园街道", "town", "qlh"),
    ("cpjd", "陈坪街道", "town", "xgq"),
    ("sldjd", "十里店街道", "town", "anq"),
    ("hswz", "海石湾镇", "town", "hgq"),
    ("lcz", "连城镇", "town", "ydx"),
    ("scz", "什川镇", "town", "glx"),
    ("sdz", "石洞镇", "town", "glx"),
    ("hpz", "和平镇", "town", "yzx"),
    ("xgyz", "夏官营镇", "town", "yzx"),
]

URBAN = ("cgq", "qlh", "xgq", "anq", "hgq")
COUNTIES = ("ydx", "glx", "yzx")
DISTRICTS = URBAN + COUNTIES
STREETS = ("zylj", "ytjd", "jqlj", "xyjd", "cpjd", "sldjd")
TOWNS = ("hswz", "lcz", "scz", "sdz", "hpz", "xgyz")

# (username, name, post, supervised unit codes); a district's towns and streets come with it.
LEADERS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("leader01", "张立群", "市委副书记、市长", ("fgw", "czj", "cgq")),
    ("leader02", "李文华", "市委副书记", ("nb", "fpb", "yzx")),
    ("leader03", "刘振宇", "市委常委、常务副市长", ("gxw", "rsj", "gtj", "swj", "zwzx", "xgq")),
    ("leader04", "陈志刚", "市委常委、组织部部长", ("zzb", "glx")),
    ("leader05", "杨国庆", "市委常委、宣传部部长", ("xcb", "wgx", "lvyj", "anq")),
    ("leader06", "赵明远", "市委常委、秘书长", ("xfj", "qlh")),
    ("leader07", "孙海涛", "市委常委、政法委书记", ("gaj", "ajj", "hgq")),
    ("leader08", "周建平", "市委常委、兰州新区党工委书记", ("xq", "zsj", "ydx")),
    ("leader09", "马玉林", "副市长", ("zjj", "ghj", "cgw", "ylj", "jtw")),
    ("leader10", "何丽萍", "副市长", ("jyj", "wjw", "mzj", "syj")),
    ("leader11", "吴晓东", "副市长", ("nw", "lyj", "slj")),
    ("leader12", "郑宏伟", "副市长", ("hbj", "kjj")),
]

# (username, name, post, unit code)
OFFICE_STAFF: list[tuple[str, str, str, str]] = [
    ("office", "王晓燕", "市委督查室副主任", "swdcs"),
    ("office02", "李建军", "市政府督查室主任科员", "zfdcs"),
    ("office03", "张丽", "市委督查室科员", "swdcs"),
]

ADMIN = ("admin", "系统管理员", "系统管理员")

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶贺顾毛郝龚邵万钱严武戴莫孔汤牛鲁"
)
_GIVEN = (
    "建华 志强 秀英 海燕 晓燕 文斌 永红 玉兰 俊杰 丽娟 国栋 建军 红梅 "
    "亚楠 宏亮 世杰 学军 明辉 立新 春燕 晓峰 兴旺 振华 淑芳 卫东 天明 "
    "小军 静 敏 磊 涛 勇 婷 丹 鹏 鑫 瑞 斌 霞 军 芳 娟 强 平 刚 "
    "杰 燕 伟 东 亮 宁 永刚 金花 德明 占元 晓东 国华 新民 丽萍 雪梅 "
    "忠诚 长青 云飞 玉珍 红霞 少华 文杰 海军 建平 志红 克俭 维国 学文 "
    "万里 生荣 得福 有才 兴国 爱民 嘉怡 思源 浩然 子涵 雨辰 佳琪 梓萱 "
    "明轩 一鸣 彦博"
)
GIVEN = _GIVEN.split()


def head_title(name: str, kind: str) -> str:
    if kind == "district":
        return "区长" if name.endswith("区") else "县长"
    if kind == "town":
        return "街道办事处主任" if name.endswith("街道") else "镇长"
    if name.endswith("部"):
        return "部长"
    if name.endswith("局"):
        return "局长"
    return "主任"


def liaison_title(name: str, kind: str) -> str:
    if kind == "district":
        return ("区" if name.endswith("区") else "县") + "委督查室主任（联络员）"
    if kind == "town":
        return "党政办主任（联络员）"
    return "办公室主任（联络员）"
