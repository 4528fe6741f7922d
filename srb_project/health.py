"""The container's health check: ``GET /healthz/`` with a loopback Host, answered first.

docker-compose asks ``http://127.0.0.1:8000/healthz/`` from inside the web container: plain
HTTP and the Host ``127.0.0.1:8000``, which is not one of the site's ``ALLOWED_HOSTS``.
This middleware (first in the production settings) answers exactly that request with the
readiness view before host validation and the HTTPS redirect, and only that request: any
other path, or ``/healthz/`` under another Host, goes the normal way (unknown host 400,
HTTP redirected to HTTPS, except ``/healthz/`` through ``SECURE_REDIRECT_EXEMPT``).
Nothing of the answer depends on the Host, so accepting loopback names here opens nothing.
"""

from django.http.request import split_domain_port

from sozialraeume.views import healthz

HEALTHZ_PATH = "/healthz/"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def is_loopback_host(request) -> bool:
    domain, _port = split_domain_port(request.META.get("HTTP_HOST", ""))
    return domain.strip("[]") in LOOPBACK_HOSTS


class LoopbackHealthzMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path_info == HEALTHZ_PATH
            and request.method in ("GET", "HEAD")
            and is_loopback_host(request)
        ):
            return healthz(request)
        return self.get_response(request)
