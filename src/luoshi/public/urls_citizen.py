"""The pages anyone may open, without login: the web form, the status page of a tracking code, the portal."""

from luoshi.public import views_citizen

app_name = "citizen"
urlpatterns = views_citizen.urlpatterns
