from django.urls import path

from luoshi.duties import views_board, views_documents, views_duties, views_league, views_settings

app_name = "escalation"
urlpatterns = [
    path("board/", views_board.board, name="board"),
    path("board/urge/<int:duty_id>", views_board.manual_urge, name="manual_urge"),
    path("talks/", views_board.talks, name="talks"),
    path("talks/<int:escalation_id>/handle", views_board.handle_talk, name="handle_talk"),
    path("orders/", views_board.leader_orders, name="orders"),
    path("unit/", views_board.unit_escalations, name="unit"),
    path("steps/", views_board.steps, name="steps"),
    path("episodes/", views_board.episodes, name="episodes"),
    path("duties/<int:duty_id>/sign", views_duties.sign, name="sign"),
    path("unsigned/", views_duties.unsigned, name="unsigned"),
    path("league/", views_league.league, name="league"),
    path("league.xlsx", views_league.export, name="league_export"),
    path("settings/", views_settings.policy, name="policy"),
    path("calendar/", views_settings.calendar, name="calendar"),
    path("notices/<int:escalation_id>.<str:fmt>", views_documents.download, name="notice"),  # fmt: pdf | docx
]
