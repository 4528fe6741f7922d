"""The budget year's transition rule (issue 18): one form on the budget year page.

Thin like the other pages: scope the year (404 for "not yours"), validate the German
number, call ``budget_year_transition_set``, show its German message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from allocation.forms_transition import TransitionForm
from allocation.services import budget_years as budget_year_services
from allocation.views import _back_to_year, _budget_year_or_404, _plan_list_context, _refusal
from srb_project.numbers import localized


@login_required
@require_POST
def budget_year_transition(request, pk):
    by = _budget_year_or_404(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        context = _plan_list_context(request, str(by.year), transition_form=form)
        return render(request, "allocation/plan_list.html", context, status=400)
    cap = form.cleaned_data["transition_cap"]
    try:
        budget_year_services.budget_year_transition_set(
            budget_year=by,
            cap_percent=cap,
            acting_user=request.user,
            reason=form.cleaned_data["reason"].strip(),
        )
    except (ValidationError, PermissionDenied) as exc:
        _refusal(request, exc)
    else:
        if cap is None:
            messages.success(request, _("Die Übergangsregel ist ausgeschaltet."))
        else:
            messages.success(
                request,
                _(
                    "Die Übergangsregel gilt: höchstens %(cap)s %% Änderung des Landesanteils "
                    "gegenüber dem Vorjahr."
                )
                % {"cap": localized(cap)},
            )
    return _back_to_year(by)
