from django.urls import path

from luoshi.org import views

app_name = "account"
urlpatterns = [
    path("", views.index, name="index"),
    path("password/", views.password, name="password"),
    path("logout-everywhere", views.logout_everywhere, name="logout_everywhere"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/release", views.release, name="release"),
]
