"""Writes of the quality pages (issue 18): the import of official data, the plausibility
check of a round and the staff's decisions about its findings. Each write is atomic and
records its audit event in the same transaction; the correction request reopens the
Kita's questionnaire through ``surveys.services.response_reopen`` and mails the Kita's
leaders the reason through the outbox.

``round_close_check`` is registered with ``surveys.services.register_close_check``
(``QualityConfig.ready``): surveys sits below quality, and the close of a round is where
its result is published (``indices.receivers``), so once staff have checked a round an
undecided jump refuses its close; an unchecked round is checked at its close and closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit import events as audit_events
from quality import notifications
from quality.models import (
    DEFAULT_K,
    OfficialIndicator,
    OfficialValue,
    PlausibilityCheck,
    PlausibilityFinding,
)
from quality.permissions import finding_policy, official_data_policy, round_quality_policy
from quality.selectors import Comparison, round_comparison
from sozialraeume.models import Jugendamt, User
from srb_project.numbers import german
from surveys import services as survey_services
from surveys.models import Response, SurveyRound

if TYPE_CHECKING:
    from quality.official_import import ValueRow

K_MIN, K_MAX = Decimal("0.5"), Decimal("10")


def _number(value: float) -> str:
    """A figure of the trail in German notation, two places ("12,50")."""
    return german(Decimal(repr(float(value))), 2)


# --- official data ---------------------------------------------------------------------


@transaction.atomic
def official_values_import(
    *, jugendamt: Jugendamt, rows: Sequence[ValueRow], filename: str, acting_user: User
) -> dict:
    """Write checked rows (``official_import.parse_rows``): each indicator-year in the file
    gets the file's unit and source, and its values are replaced by the file's."""
    if not official_data_policy.user_can(acting_user, "import", jugendamt):
        raise PermissionDenied
    if not rows:
        raise ValidationError(_("Die Datei enthält keine Werte."))
    indicators: dict[tuple[str, int], OfficialIndicator] = {}
    replaced = 0
    for row in rows:
        key = (row.code, row.year)
        if key in indicators:
            continue
        indicator, _created = OfficialIndicator.objects.update_or_create(
            jugendamt=jugendamt,
            code=row.code,
            year=row.year,
            defaults={"name": row.name, "unit": row.unit, "source": row.source},
        )
        replaced += indicator.values.all().delete()[0]
        indicators[key] = indicator
    OfficialValue.objects.bulk_create(
        OfficialValue(
            indicator=indicators[(row.code, row.year)],
            sozialraum=row.sozialraum,
            kita=row.kita,
            value=row.value,
        )
        for row in rows
    )
    audit_events.record(
        actor=acting_user,
        action="official_values.import",
        jugendamt_id=jugendamt.pk,
        object_type="quality.officialvalue",
        object_repr=filename[:200],
        new={
            "file": filename[:200],
            "rows": len(rows),
            "indicators": sorted(str(i) for i in indicators.values()),
            "replaced": replaced,
        },
    )
    return {"rows": len(rows), "indicators": len(indicators), "replaced": replaced}


# --- plausibility ----------------------------------------------------------------------


def parse_k(value: Decimal | None) -> Decimal:
    """The threshold in SD: default 2, between 0,5 and 10."""
    if value is None:
        return DEFAULT_K
    if not K_MIN <= value <= K_MAX:
        raise ValidationError(
            {"k": _("Die Schwelle muss zwischen 0,5 und 10 Standardabweichungen liegen.")}
        )
    return value


def current_k(survey_round: SurveyRound) -> Decimal:
    """The threshold of the round's latest check, else the default (2 SD)."""
    latest = survey_round.plausibility_checks.order_by("-run_at", "-pk").first()
    return latest.k if latest is not None else DEFAULT_K


def _same(finding: PlausibilityFinding, previous: float, current: float) -> bool:
    return abs(finding.previous - previous) < 1e-9 and abs(finding.current - current) < 1e-9


def undecided(comparison: Comparison, findings: dict) -> list:
    """The comparison's jumps that no stored decision covers (a confirmed finding with the
    same values, or a correction request the Kita has not answered yet)."""
    out = []
    for jump in comparison.jumps:
        finding = findings.get((jump.kita_id, jump.variable))
        if (
            finding is not None
            and finding.state == PlausibilityFinding.State.CONFIRMED
            and _same(finding, jump.previous, jump.current)
        ):
            continue
        out.append(jump)
    return out


@transaction.atomic
def plausibility_check_run(
    *, survey_round: SurveyRound, acting_user: User | None, k: Decimal | None = None
) -> PlausibilityCheck:
    """Compare the round's submitted answers with the previous round's and store the
    findings. A stored finding whose values are unchanged keeps its decision; one whose
    values changed (the Kita corrected, still a jump) is open again; an open one that is no
    longer a jump goes; decided ones that are no longer jumps stay as the record."""
    if acting_user is not None and not round_quality_policy.user_can(
        acting_user, "decide", survey_round
    ):
        raise PermissionDenied
    k = parse_k(k)
    comparison = round_comparison(survey_round=survey_round, k=float(k))
    stored = {
        (f.kita_id, f.variable): f
        for f in PlausibilityFinding.objects.select_for_update().filter(round=survey_round)
    }
    submitted = set(
        survey_round.responses.filter(status=Response.Status.SUBMITTED).values_list(
            "kita_id", flat=True
        )
    )
    seen = set()
    for jump in comparison.jumps:
        key = (jump.kita_id, jump.variable)
        seen.add(key)
        finding = stored.get(key)
        if finding is None:
            PlausibilityFinding.objects.create(
                round=survey_round,
                kita_id=jump.kita_id,
                variable=jump.variable,
                previous=jump.previous,
                current=jump.current,
                z=jump.z,
                k=k,
            )
        elif not _same(finding, jump.previous, jump.current) or (
            finding.state == PlausibilityFinding.State.CORRECTION_REQUESTED
        ):
            # changed values, or resubmitted unchanged after a correction request: decide again
            finding.previous, finding.current, finding.z, finding.k = (
                jump.previous,
                jump.current,
                jump.z,
                k,
            )
            finding.state = PlausibilityFinding.State.OPEN
            finding.save(update_fields=["previous", "current", "z", "k", "state"])
        else:
            finding.z, finding.k = jump.z, k
            finding.save(update_fields=["z", "k"])
    for key, finding in stored.items():
        if key in seen:
            continue
        if finding.state == PlausibilityFinding.State.OPEN and key[0] in submitted:
            finding.delete()
    check = PlausibilityCheck.objects.create(
        round=survey_round,
        previous_round=comparison.previous_round,
        k=k,
        findings=len(comparison.jumps),
        run_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    open_count = PlausibilityFinding.objects.filter(
        round=survey_round, state=PlausibilityFinding.State.OPEN
    ).count()
    audit_events.record(
        actor=acting_user,
        action="plausibility.check",
        obj=survey_round,
        jugendamt_id=survey_round.jugendamt_id,
        new={
            "previous_round": comparison.previous_round.code if comparison.previous_round else "",
            "k": _number(float(k)),
            "findings": len(comparison.jumps),
            "open": open_count,
        },
    )
    return check


def _finding_payload(finding: PlausibilityFinding) -> dict:
    return {
        "kita_id": finding.kita_id,
        "kita": finding.kita.name,
        "variable": finding.variable,
        "previous": _number(finding.previous),
        "current": _number(finding.current),
        "z": _number(finding.z),
        "state": finding.state,
        "note": finding.note,
    }


def _decide(
    finding: PlausibilityFinding, *, state: str, note: str, acting_user: User, action: str
) -> PlausibilityFinding:
    if not finding_policy.user_can(acting_user, "decide", finding):
        raise PermissionDenied
    locked = (
        PlausibilityFinding.objects.select_for_update()
        .select_related("kita", "round")
        .get(pk=finding.pk)
    )
    if locked.state != PlausibilityFinding.State.OPEN:
        raise ValidationError(_("Über diese Auffälligkeit ist schon entschieden."))
    old = _finding_payload(locked)
    locked.state = state
    locked.note = note.strip()
    locked.decided_by = acting_user
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "note", "decided_by", "decided_at"])
    audit_events.record(
        actor=acting_user,
        action=action,
        obj=locked,
        jugendamt_id=locked.round.jugendamt_id,
        old={"state": old["state"]},
        new=_finding_payload(locked),
        reason=locked.note,
    )
    return locked


@transaction.atomic
def finding_confirm(
    *, finding: PlausibilityFinding, note: str, acting_user: User
) -> PlausibilityFinding:
    """The change is real (the note says why); it no longer holds the round's close."""
    if not note.strip():
        raise ValidationError({"note": _("Bitte begründen Sie die Bestätigung kurz.")})
    return _decide(
        finding,
        state=PlausibilityFinding.State.CONFIRMED,
        note=note,
        acting_user=acting_user,
        action="plausibility_finding.confirm",
    )


@transaction.atomic
def finding_request_correction(
    *, finding: PlausibilityFinding, note: str, acting_user: User
) -> PlausibilityFinding:
    """Ask the Kita to correct: its questionnaire of the round is reopened with the note as
    the reason (``response_reopen``) and its leaders get the reason by mail. Only while the
    round is open: in a closed round the Kita could not change anything."""
    if not finding_policy.user_can(acting_user, "decide", finding):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("Bitte geben Sie der Kita einen Grund an.")})
    survey_round = finding.round
    if survey_round.state != SurveyRound.State.OFFEN:
        raise ValidationError(
            _("Eine Korrektur kann die Kita nur in einer offenen Runde vornehmen.")
        )
    decided = _decide(
        finding,
        state=PlausibilityFinding.State.CORRECTION_REQUESTED,
        note=note,
        acting_user=acting_user,
        action="plausibility_finding.request_correction",
    )
    response = Response.objects.filter(round=survey_round, kita_id=finding.kita_id).first()
    if response is not None and response.is_submitted:
        survey_services.response_reopen(
            response=response, reason=_reason_text(decided), acting_user=acting_user
        )
    notifications.correction_requested(finding=decided, acting_user=acting_user)
    return decided


def _reason_text(finding: PlausibilityFinding) -> str:
    return _(
        "Plausibilitätsprüfung, Variable %(variable)s (Vorrunde %(previous)s, jetzt "
        "%(current)s): %(note)s"
    ) % {
        "variable": finding.variable,
        "previous": _number(finding.previous),
        "current": _number(finding.current),
        "note": finding.note,
    }


# --- the close of a round --------------------------------------------------------------


def round_close_check(*, survey_round: SurveyRound, acting_user: User | None) -> None:
    """Registered with ``surveys.services.register_close_check``; runs inside the close's
    transaction.

    A round whose plausibility nobody has checked yet is checked now and, if anything is
    found, the check and its findings are recorded for the staff, without holding the
    close (the round closes as it always has). Once staff have checked a round
    (``plausibility_check_run``), its close is refused while a change beyond the check's
    threshold is undecided: the jumps are computed again from the answers as they are."""
    checked = survey_round.plausibility_checks.exists()
    comparison = round_comparison(survey_round=survey_round, k=float(current_k(survey_round)))
    if not comparison.jumps:
        return
    if not checked:
        plausibility_check_run(survey_round=survey_round, acting_user=acting_user)
        return
    findings = {
        (f.kita_id, f.variable): f for f in PlausibilityFinding.objects.filter(round=survey_round)
    }
    waiting = undecided(comparison, findings)
    if waiting:
        count = len(waiting)
        raise ValidationError(
            ngettext(
                "Die Runde kann noch nicht geschlossen werden: %(count)s auffällige "
                "Veränderung seit der Vorrunde ist noch nicht entschieden. Bitte "
                "bestätigen Sie sie unter „Plausibilität“ oder bitten Sie die Kita um "
                "Korrektur.",
                "Die Runde kann noch nicht geschlossen werden: %(count)s auffällige "
                "Veränderungen seit der Vorrunde sind noch nicht entschieden. Bitte "
                "bestätigen Sie sie unter „Plausibilität“ oder bitten Sie die Kitas um "
                "Korrektur.",
                count,
            )
            % {"count": count}
        )
