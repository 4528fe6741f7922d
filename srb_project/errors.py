"""Friendly German error pages."""

import logging

from django.shortcuts import render

logger = logging.getLogger("django.security.csrf")


def csrf_failure(request, reason=""):
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return render(request, "403_csrf.html", status=403)
