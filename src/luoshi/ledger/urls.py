"""The ledger's pages under /ledger/ (namespace "ledger"): each views module lists its own routes."""

from luoshi.ledger import views_cycle, views_sheets, views_task, views_tree, views_yearend

app_name = "ledger"
urlpatterns = (
    views_tree.urlpatterns
    + views_task.urlpatterns
    + views_cycle.urlpatterns
    + views_yearend.urlpatterns
    + views_sheets.urlpatterns
)
