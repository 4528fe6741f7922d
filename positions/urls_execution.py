"""Filled in by its owner (issue 16)."""

urlpatterns = []
