"""The frontline pages, under /frontline/ (app_name "frontline")."""

from django.urls import path

from luoshi.frontline import views_fieldwork, views_people, views_selection

urlpatterns = [
    # Leaders' frontline days: the month at a glance (phone-first), logging, an entry, the office's tables.
    path("", views_fieldwork.index, name="index"),
    path("month/", views_fieldwork.month, name="month"),
    path("log/", views_fieldwork.log, name="log"),
    path("days/<int:entry_id>/", views_fieldwork.entry, name="entry"),
    path("problems/<int:problem_id>/to-list/", views_fieldwork.to_list, name="to_list"),
    path("compliance/", views_fieldwork.compliance, name="compliance"),
    path("half-year/", views_fieldwork.half_year, name="half_year"),
    # Stationed cadres (蹲守干部).
    path("stationed/", views_people.stationed, name="stationed"),
    path("stationed/<int:stationing_id>/end", views_people.end_stationing, name="end_stationing"),
    # Postings and selection rounds (赛场选马).
    path("people/<int:person_id>/postings/", views_people.postings, name="postings"),
    path("postings/mine/", views_people.my_postings, name="my_postings"),
    path("postings/<int:posting_id>/end", views_people.end_posting, name="end_posting"),
    path("placements/", views_people.placements, name="placements"),
    path("selections/", views_selection.selections, name="selections"),
    path("selections/<int:selection_id>/", views_selection.selection, name="selection"),
    path("selections/<int:selection_id>/candidates", views_selection.add_candidates, name="add_candidates"),
    path("selections/<int:selection_id>/candidates/<int:candidate_id>/place", views_selection.place, name="place"),
]
