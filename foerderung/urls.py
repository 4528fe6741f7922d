"""/foerderung/: FS2 centres and FS4 requests."""

app_name = "foerderung"
urlpatterns = []
