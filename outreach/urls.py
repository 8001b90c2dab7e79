app_name = "outreach"
urlpatterns = []
