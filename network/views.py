"""Pages of the network analysis (/netzwerk/, issue 17).

Read-only. Jugendamt staff see every round of their Jugendamt with the Kita names and the
Kita-level rows; the committee sees the closed rounds on Sozialraum level only, with the
small-cell rule (``network.selectors``). Kita leaders and Träger get 403; a round or
Sozialraum of another Jugendamt gives 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from network import selectors, svg
from network.permissions import network_policy
from surveys.models import SurveyRound


def _allowed(request) -> None:
    if not network_policy.user_can(request.user, "view"):
        raise PermissionDenied


def _round_or_404(request, round_id) -> SurveyRound:
    return get_object_or_404(
        network_policy.instances_for(request.user, "view").select_related("jugendamt"),
        pk=round_id,
    )


@login_required
def round_list(request):
    """The rounds whose network the user may read, newest first."""
    _allowed(request)
    rounds = network_policy.instances_for(request.user, "view").order_by("-stichtag", "-pk")
    return render(request, "network/round_list.html", {"rounds": rounds})


@login_required
def round_overview(request, round_id):
    """Per Sozialraum: answering Kitas, density, partners per Kita, satisfaction,
    unreached partner types and the change since the previous round."""
    _allowed(request)
    survey_round = _round_or_404(request, round_id)
    committee = not network_policy.user_can(request.user, "view_kitas", survey_round)
    view = selectors.round_view(survey_round=survey_round, committee=committee)
    return render(request, "network/round.html", {"view": view, "round": survey_round})


@login_required
def sozialraum_detail(request, round_id, sozialraum_id):
    """One Sozialraum's network: the drawing, the partner types, for staff the Kitas."""
    _allowed(request)
    survey_round = _round_or_404(request, round_id)
    committee = not network_policy.user_can(request.user, "view_kitas", survey_round)
    view = selectors.round_view(survey_round=survey_round, committee=committee)
    row = view.row(int(sozialraum_id))
    if row is None:
        raise Http404
    drawing = ""
    if row.network is not None:
        chart_id = f"netzwerk-{row.sozialraum.pk}"
        if committee:
            drawing = svg.aggregate_network_svg(
                chart_id=chart_id,
                sozialraum_name=row.sozialraum.name,
                group=row.network,
                partners=view.partners,
            )
        else:
            drawing = svg.kita_network_svg(
                chart_id=chart_id,
                sozialraum_name=row.sozialraum.name,
                group=row.network,
                kita_names=view.kita_names,
                partners=view.partners,
            )
    return render(
        request,
        "network/sozialraum.html",
        {
            "view": view,
            "round": survey_round,
            "row": row,
            "drawing": mark_safe(drawing),  # noqa: S308 - built and escaped by network.svg
        },
    )
