"""Routes of the pages officials and staff open in the browser."""

app_name = "portal"
urlpatterns = []
