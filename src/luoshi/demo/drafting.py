"""The demo city's sample 会议纪要 for drafting from text: stored as a document the office read before, with no
lists made from it yet, so that the office finds it under "Documents read before" and reads it again.

The minutes carry the day they were written (the demo's `now`), and their deadlines are relative to it
(两周内, 下月10日前, 10个工作日内 …), so the drafts proposed from them are never already late.
"""

from datetime import date, datetime

from django.utils import timezone

from luoshi.lists.models import Source, SourceText
from luoshi.org.models import Person

SAMPLE_NAME = "市政府第23次常务会议纪要.docx"

# {year}, {month}, {day}: the day the minutes were written. Five decisions, as the office writes them; the
# signature and the attendance are not items.
SAMPLE_MINUTES = """兰州市人民政府常务会议纪要

第23期

兰州市人民政府办公厅　　　　{year}年{month}月{day}日

　　{month}月{day}日上午，张立群市长主持召开市政府第23次常务会议，研究城市环境整治、重点项目建设和民生保障工作。现将会议议定事项纪要如下：

　　一、会议同意《城市建筑工地扬尘专项整治方案》。由市城市管理委员会牵头，市住建局、市环保局配合，两周内完成全市在建工地扬尘专项检查，对整改不到位的工地一律停工整顿。

　　二、市发改委负责，会同市财政局，对今年重点项目资金拨付情况逐项梳理，下月10日前形成专题报告报市政府。

　　三、城关区牵头，七里河区、安宁区配合，抓紧推进老旧小区改造，10个工作日内报送改造项目清单和进度安排。

　　四、市人社局负责，市教育局配合，做好高校毕业生就业服务，两周内举办一场专场招聘会。

　　五、市交通运输委员会牵头，市公安局配合，针对中心城区早晚高峰拥堵问题提出治理方案，下月10日前报市政府审定。

　　以上事项由市政府督查室跟踪督办，按月通报落实情况。

　　出席：张立群　刘振宇　马玉林　何丽萍
　　记录：市政府办公厅秘书一处

　　兰州市人民政府办公厅
　　{year}年{month}月{day}日印发
"""


def sample_minutes(day: date) -> str:
    return SAMPLE_MINUTES.format(year=day.year, month=day.month, day=day.day)


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
