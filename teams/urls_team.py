"""Team pages, members, meetings, minutes."""

urlpatterns = []
