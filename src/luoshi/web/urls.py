from django.contrib.auth import views as auth_views
from django.urls import include, path

from luoshi.public.urls import ADMIN_PAGES as PUBLIC_ADMIN_PAGES
from luoshi.web import views
from luoshi.web.business import business_only
from luoshi.web.remember import RememberLoginView

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),  # browsers ask for it whatever the page links
    path("login/", RememberLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The business pages refuse the administrators and the auditor (三员); the ladder settings are the admin's.
    path("lists/", include(business_only("luoshi.lists.urls"))),
    path("ledger/", include(business_only("luoshi.ledger.urls"))),
    path("oversight/", include(business_only("luoshi.oversight.urls"))),
    path("frontline/", include(business_only("luoshi.frontline.urls"))),
    path("problems/", include(business_only("luoshi.public.urls", except_names=PUBLIC_ADMIN_PAGES))),
    path("public/", include("luoshi.public.urls_citizen", namespace="citizen")),  # no login: the citizens'
    path("open311/v2/", include("luoshi.public.open311.urls", namespace="open311")),  # GeoReport v2 clients
    path("cockpit/", include(business_only("luoshi.cockpit.urls"))),  # the leaders' screen, bulletins, summary
    path("escalation/", include(business_only("luoshi.duties.urls", except_names=["policy", "calendar"]))),
    path("inbox/", include(business_only("luoshi.notify.urls"))),
    path("account/tokens/", include("luoshi.org.urls_tokens", namespace="tokens")),
    path("account/two-factor/", include("luoshi.org.urls_two_factor", namespace="two_factor")),
    path("account/", include("luoshi.org.urls", namespace="account")),  # one's own page; the lockouts
    path("audit/", include("luoshi.events.urls", namespace="audit")),  # the auditor's alone
]
