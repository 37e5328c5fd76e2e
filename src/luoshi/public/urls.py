from luoshi.public import views_problems, views_rates, views_settings

app_name = "public"
urlpatterns = views_problems.urlpatterns + views_rates.urlpatterns + views_settings.urlpatterns
# The administrator's pages (the categories' service levels, the rates' weights) beside the business.
ADMIN_PAGES = ["settings", "category_new", "category_edit", "weights"]
