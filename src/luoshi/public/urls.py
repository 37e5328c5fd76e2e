from luoshi.public import views_problems, views_rates

app_name = "public"
urlpatterns = views_problems.urlpatterns + views_rates.urlpatterns
