from luoshi.frontline import views

app_name = "frontline"
urlpatterns = views.urlpatterns
