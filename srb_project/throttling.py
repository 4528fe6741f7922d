"""Login throttling that fits a reverse proxy, and rate-limited password-reset mails.

- ``client_ip``: the client's address. Without a trusted proxy it is ``REMOTE_ADDR``
  and ``X-Forwarded-For`` is ignored (anybody can send it). With
  ``SRB_TRUSTED_PROXY_COUNT = N`` it is the N-th entry of ``X-Forwarded-For`` from the
  right: the one the outermost of our N proxies appended. Entries further left were sent
  by the client and are ignored. (The rule of werkzeug's ``ProxyFix(x_for=N)`` and
  Django REST framework's ``NUM_PROXIES``; django-ipware's strict proxy-count check
  answers "no address" for a header with a client-supplied prefix, which would put every
  such client into one bucket.)
- ``LoginThrottleHandler``: django-axes with ``AXES_LOCKOUT_PARAMETERS = ["username",
  "ip_address"]`` locks a username after its failures from all addresses and an address
  after its failures across all usernames. This handler gives the address its own limit
  (``SRB_LOGIN_FAILURE_LIMIT_PER_ADDRESS``, higher than the username's
  ``AXES_FAILURE_LIMIT``: an office behind one NAT address shares it), and a successful
  login clears only that username's failures, not those of everybody else at the address.
- ``ThrottledPasswordResetView``: at most ``SRB_PASSWORD_RESET_RATE`` reset mails per
  client address and per e-mail address (django-ratelimit, counted in the shared cache);
  a request over the limit sends nothing and answers exactly like one that sent a mail.

Like the settings, this module imports no app (axes, django-ratelimit and Django only).
"""

from __future__ import annotations

import ipaddress
import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.views import PasswordResetView
from django.db.models import Sum
from django.http import HttpResponseRedirect
from django_ratelimit.core import is_ratelimited

logger = logging.getLogger(__name__)


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address as far as our own trusted proxies vouch for it."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.SRB_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        # Not through all of our proxies: nothing vouches for the header.
        return remote
    return _valid_ip(forwarded[-count]) or remote


class LoginThrottleHandler(AxesDatabaseHandler):
    """axes' database handler with a limit of its own for the address (see module doc)."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The failures that count, in units of the username limit: axes locks when this
        reaches ``AXES_FAILURE_LIMIT``. An address reaches it with
        ``SRB_LOGIN_FAILURE_LIMIT_PER_ADDRESS`` failures across all usernames."""
        limit = get_failure_limit(request, credentials)
        per_address = max(settings.SRB_LOGIN_FAILURE_LIMIT_PER_ADDRESS, 1)
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)
        counts = []
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if parameter == "ip_address":
                failures = failures * limit // per_address
            counts.append(failures)
        return max(counts, default=0)

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """After a successful login: forget this username's failures (from every address),
        and nobody else's."""
        username = get_client_username(request, credentials)
        if username is None:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


class ThrottledPasswordResetView(PasswordResetView):
    """Django's password-reset page; over the rate it sends nothing and says the same."""

    def form_valid(self, form):
        rate = settings.SRB_PASSWORD_RESET_RATE
        account = form.cleaned_data["email"].strip().lower()
        by_address = is_ratelimited(
            self.request,
            group="password_reset:address",
            key=lambda group, request: client_ip(request) or "",
            rate=rate,
            increment=True,
        )
        by_account = is_ratelimited(
            self.request,
            group="password_reset:account",
            key=lambda group, request: account,
            rate=rate,
            increment=True,
        )
        if by_address or by_account:
            logger.warning(
                "password reset over the rate %s (%s): no mail sent",
                rate,
                "address" if by_address else "account",
            )
            # The same answer as a sent mail: nobody learns whether the account exists
            # or whether the limit was reached.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
