from luoshi.oversight import views_analysis, views_cases, views_inspections

app_name = "oversight"
urlpatterns = views_inspections.urlpatterns + views_cases.urlpatterns + views_analysis.urlpatterns
