"""The frontline settings, read where they are used (so that tests may change them):

- LUOSHI_FRONTLINE_GRASSROOTS_DAYS (5), LUOSHI_FRONTLINE_SUPERVISED_DAYS (2): the monthly rule;
- LUOSHI_FRONTLINE_CATEGORIES: the posting categories that count as frontline experience (赛场选马);
- LUOSHI_FRONTLINE_MAIN_POSTS (市委书记, 市长): the main leaders' posts, whose trips and days the
  half-year summary adds up apart (the article's "主要领导 110余次、80多天");
- LUOSHI_FRONTLINE_REMIND_EVERY_SECONDS (3600): how often the worker looks for leaders to remind.
"""

from django.conf import settings

from luoshi.frontline.rule import Rule

DEFAULT_CATEGORIES = ("inspection", "stability", "petitions", "assistance", "investment", "major_project")
DEFAULT_MAIN_POSTS = ("市委书记", "市长")


def rule() -> Rule:
    return Rule(
        grassroots_days=int(getattr(settings, "LUOSHI_FRONTLINE_GRASSROOTS_DAYS", 5)),
        supervised_days=int(getattr(settings, "LUOSHI_FRONTLINE_SUPERVISED_DAYS", 2)),
    )


def frontline_categories() -> tuple[str, ...]:
    return tuple(getattr(settings, "LUOSHI_FRONTLINE_CATEGORIES", DEFAULT_CATEGORIES))


def main_posts() -> tuple[str, ...]:
    return tuple(getattr(settings, "LUOSHI_FRONTLINE_MAIN_POSTS", DEFAULT_MAIN_POSTS))


def remind_every_seconds() -> int:
    return int(getattr(settings, "LUOSHI_FRONTLINE_REMIND_EVERY_SECONDS", 3600))
