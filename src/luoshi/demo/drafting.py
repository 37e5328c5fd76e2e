"""The demo city's sample 会议纪要 for drafting from text: stored as a document the office read before, with no
lists made from it yet, so that the office finds it under "Documents read before" and reads it again.

The minutes are the corpus's sample (tests/lists/drafting/corpus/sample_minutes.txt), dated the demo's `now`.
"""

from datetime import date, datetime, timedelta

from django.utils import timezone

from luoshi.lists.models import Source, SourceText
from luoshi.org.models import Person

SAMPLE_NAME = "市政府第15次常务会议纪要.docx"

# tests/lists/drafting/corpus/sample_minutes.txt (its expected reading beside it), five decisions as the office
# writes them, with its date and its meeting's day as placeholders: {year}年{month}月{day}日 the day it was
# written, {met_month}月{met_day}日 two days before. Its deadlines (6月底前 … 年底前) fall on the next such
# day after the document's date, so the drafts proposed from it are never already late.
SAMPLE_MINUTES = """兰州市人民政府常务会议纪要

第15期

兰州市人民政府办公厅

{year}年{month}月{day}日

　　{met_month}月{met_day}日上午，市委副书记、市长张立群同志主持召开市政府第15次常务会议，研究城市更新、黄河沿岸环境整治、校舍安全、北山供水和稳就业等工作。现将会议议定事项纪要如下：

　　一、马玉林同志负责，市住建局牵头，会同市规划局，6月底前完成全市老旧小区改造项目清单编制，报市政府审定。

　　二、马玉林同志负责，市城管委牵头，城关区配合，7月15日前完成黄河沿岸环境卫生专项整治，做到垃圾日产日清。

　　三、何丽萍同志负责，市教育局牵头，市财政局配合，8月31日前完成全市中小学校舍安全改造，确保秋季开学正常使用。

　　四、吴晓东同志负责，市水务局牵头，会同榆中县，9月30日前建成北山地区集中供水工程，解决群众饮水困难。

　　五、刘振宇同志负责，市人社局牵头，市财政局配合，年底前完成城镇新增就业8万人的目标任务。

　　以上事项由市政府督查室跟踪督办，各责任单位每月向市政府督查室直报进展。

　　出席：张立群　刘振宇　马玉林　何丽萍　吴晓东　郑宏伟
　　列席：市政府秘书长，市住建局、市规划局、市城管委、市教育局、市财政局、市水务局、市人社局主要负责同志，城关区、榆中县政府主要负责同志
"""


def sample_minutes(day: date) -> str:
    met = day - timedelta(days=2)
    return SAMPLE_MINUTES.format(year=day.year, month=day.month, day=day.day, met_month=met.month, met_day=met.day)


def build_drafting_sample(office: Person, now: datetime) -> SourceText:
    """The sample minutes as a document the office read on `now`'s day, with no lists yet."""
    day = timezone.localdate(now)
    return SourceText.objects.create(
        text=sample_minutes(day).strip(),
        name=SAMPLE_NAME,
        source=Source.MEETING,
        as_of=day,
        created_by=office,
        created_at=now,
    )


def wipe_drafting() -> None:
    """Before the lists are deleted the documents cannot go (a list protects its document): call after them."""
    SourceText.objects.all().delete()
