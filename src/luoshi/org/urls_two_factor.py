from django.urls import path

from luoshi.org import views_two_factor

app_name = "two_factor"
urlpatterns = [
    path("", views_two_factor.manage, name="manage"),
    path("enrol", views_two_factor.enrol, name="enrol"),
    path("codes", views_two_factor.codes, name="codes"),
    path("verify", views_two_factor.verify, name="verify"),
    path("renew", views_two_factor.renew, name="renew"),
    path("remove", views_two_factor.remove, name="remove"),
]
