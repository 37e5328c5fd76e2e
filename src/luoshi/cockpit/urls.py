from luoshi.cockpit import views, views_bulletins, views_summary

app_name = "cockpit"
urlpatterns = views.urlpatterns + views_bulletins.urlpatterns + views_summary.urlpatterns
