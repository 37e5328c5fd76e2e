from django.contrib.auth import views as auth_views
from django.urls import include, path

from luoshi.web import views
from luoshi.web.remember import RememberLoginView

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),  # browsers ask for it whatever the page links
    path("login/", RememberLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("lists/", include("luoshi.lists.urls")),
    path("escalation/", include("luoshi.duties.urls")),
    path("inbox/", include("luoshi.notify.urls")),
    path("account/two-factor/", include("luoshi.org.urls_two_factor", namespace="two_factor")),
    path("audit/", include("luoshi.events.urls", namespace="audit")),  # the auditor's alone
]
