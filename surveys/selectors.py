"""Read-side queries for the questionnaire, scoped where a user is involved."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.db.models import Count, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import ngettext

from sozialraeume.models import Kita, User
from sozialraeume.permissions import kita_policy
from sozialraeume.selectors import jugendamt_id_for_user
from surveys.instrument import VARIABLE_INPUT_CODES
from surveys.models import Response, SurveyRound
from surveys.permissions import round_policy

FRAME_META_COLUMNS = ["kita_id", "kita", "sozialraum_id", "sozialraum"]


def answers_frame(*, round_id: int, submitted_only: bool = True) -> pd.DataFrame:
    """All answers of a round as a DataFrame, loaded with ONE query.

    One row per Kita with a response in the round, ordered by ``kita_id``; columns
    ``kita_id``, ``kita``, ``sozialraum_id``, ``sozialraum`` and one float column per
    code in ``VARIABLE_INPUT_CODES`` (NaN where unanswered). With ``submitted_only``
    drafts are left out.

    The database extracts each item from the JSON (``answers ->> 'A1'``), so no
    answer document is decoded in Python; pandas converts the text columns at once.
    """
    qs = Response.objects.filter(round_id=round_id)
    if submitted_only:
        qs = qs.filter(status=Response.Status.SUBMITTED)
    items = {f"item_{code}": KeyTextTransform(code, "answers") for code in VARIABLE_INPUT_CODES}
    rows = (
        qs.order_by("kita_id")
        .annotate(**items)
        .values_list(
            "kita_id", "kita__name", "kita__sozialraum_id", "kita__sozialraum__name", *items
        )
    )
    columns = FRAME_META_COLUMNS + list(VARIABLE_INPUT_CODES)
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    for code in VARIABLE_INPUT_CODES:
        frame[code] = pd.to_numeric(frame[code], errors="coerce").astype(float)
    return frame.reset_index(drop=True)


def round_list_for_user(user: User) -> QuerySet[SurveyRound]:
    """Rounds the user manages, of the Jugendamt they work in, newest first."""
    jugendamt_id = jugendamt_id_for_user(user)
    if jugendamt_id is None:
        return SurveyRound.objects.none()
    return (
        round_policy.instances_for(user, "manage")
        .filter(jugendamt_id=jugendamt_id)
        .select_related("instrument")
    )


def round_list_with_counts(user: User) -> QuerySet[SurveyRound]:
    """``round_list_for_user`` with the numbers of submitted and draft questionnaires."""
    return round_list_for_user(user).annotate(
        submitted_count=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED)),
        draft_count=Count("responses", filter=Q(responses__status=Response.Status.DRAFT)),
    )


def open_rounds_for_kitas(kita_ids: list[int]) -> QuerySet[SurveyRound]:
    """Open rounds of the Jugendämter of these Kitas."""
    jugendamt_ids = Kita.objects.filter(pk__in=kita_ids).values("sozialraum__jugendamt_id")
    return SurveyRound.objects.filter(
        jugendamt_id__in=jugendamt_ids, state=SurveyRound.State.OFFEN
    ).order_by("-code")


def led_kitas(user: User) -> QuerySet[Kita]:
    """Kitas whose questionnaire the user fills in: the ones they lead (Kita-Leitung)."""
    return kita_policy.instances_for(user, "fill_questionnaire").order_by("name")


def round_status_rows(survey_round: SurveyRound) -> list[dict]:
    """Per Kita of the round's Jugendamt: kita, response (or None), status key."""
    kitas = (
        Kita.objects.filter(sozialraum__jugendamt_id=survey_round.jugendamt_id, active=True)
        .select_related("sozialraum")
        .order_by("sozialraum__position", "name")
    )
    responses = {
        r.kita_id: r
        for r in survey_round.responses.select_related("submitted_by").only(
            "id",
            "kita_id",
            "status",
            "submitted_at",
            "submitted_by__username",
            "updated_at",
            "review_state",
            "review_comment",
            "version",
        )
    }
    rows = []
    for kita in kitas:
        response = responses.get(kita.pk)
        rows.append({"kita": kita, "response": response, "status": response_status_key(response)})
    return rows


def response_status_key(response: Response | None) -> str:
    """'nicht_begonnen' | 'entwurf' | 'eingereicht'."""
    if response is None:
        return "nicht_begonnen"
    return "eingereicht" if response.is_submitted else "entwurf"


@dataclass
class SubmissionProgress:
    """How far a round is: submitted questionnaires of the Jugendamt's active Kitas, and
    the Kitas still without a submission (a draft does not count)."""

    round: SurveyRound
    submitted: int
    kitas: int
    missing: list[Kita]

    @property
    def text(self) -> str:
        """The sentence "12 von 32 Fragebögen eingereicht" (plural by the number of Kitas)."""
        return ngettext(
            "%(submitted)s von %(kitas)s Fragebogen eingereicht",
            "%(submitted)s von %(kitas)s Fragebögen eingereicht",
            self.kitas,
        ) % {"submitted": self.submitted, "kitas": self.kitas}


def submission_progress(*, survey_round: SurveyRound) -> SubmissionProgress:
    """Submitted of all active Kitas of the round's Jugendamt, and who is missing (two
    queries whatever the number of Kitas)."""
    kitas = list(
        Kita.objects.filter(sozialraum__jugendamt_id=survey_round.jugendamt_id, active=True)
        .select_related("sozialraum")
        .order_by("sozialraum__position", "sozialraum__name", "name")
    )
    submitted = set(
        survey_round.responses.filter(status=Response.Status.SUBMITTED).values_list(
            "kita_id", flat=True
        )
    )
    return SubmissionProgress(
        round=survey_round,
        submitted=sum(1 for k in kitas if k.pk in submitted),
        kitas=len(kitas),
        missing=[k for k in kitas if k.pk not in submitted],
    )
