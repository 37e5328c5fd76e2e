from django.urls import path

from luoshi.org import views_tokens

app_name = "tokens"
urlpatterns = [
    path("", views_tokens.index, name="index"),
    path("new", views_tokens.create, name="create"),
    path("<int:token_id>/revoke", views_tokens.revoke, name="revoke"),
]
