"""Writes of the indices app: computing and storing a run, requesting a recomputation.

``index_run_compute`` is deliberately NOT one transaction: the run row is committed
first in state ``running`` (the page shows progress), then all values and the switch
to ``finished`` are committed together. A crash in between (worker killed) leaves a
``running`` row without values, which is never current (only finished runs are) and
never blocks a new run; the periodic task marks it failed once it is stale.

Work for the Celery worker is published by task name (``ROUND_RECOMPUTE_TASK``): the
tasks call these services, so this module never imports ``indices.tasks``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from datetime import timedelta
from decimal import Decimal

import pandas as pd
from celery import signature
from django.db import connection, transaction
from django.utils import timezone

from audit import events as audit_events
from audit.models import AuditEvent
from indices import compute, konzeption
from indices.method import DEFAULT_METHOD, Method
from indices.models import (
    FIELD_BY_CATEGORY,
    IndexRun,
    KitaIndex,
    RecomputeRequest,
    SozialraumIndex,
    stale_after,
)
from indices.selectors import current_run, published_run
from sozialraeume.models import User
from surveys.instrument import VARIABLE_INPUT_CODES
from surveys.models import SurveyRound
from surveys.selectors import answers_frame

logger = logging.getLogger(__name__)

BULK_BATCH = 2000
CATEGORIES = ["AB", "SL", "FM", "IN", "GESAMT"]
# The task that computes a round (``indices.tasks.round_recompute``), published by name.
ROUND_RECOMPUTE_TASK = "indices.tasks.round_recompute"
# A pending request younger than this is probably still in the queue.
PENDING_GRACE = timedelta(seconds=60)


def _frame_checksum(frame: pd.DataFrame) -> str:
    """sha256 over the answers frame (columns, ids and every value, NaN included)."""
    digest = hashlib.sha256()
    digest.update("|".join(map(str, frame.columns)).encode())
    if len(frame):
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def _input_checksum(frame: pd.DataFrame, method: Method) -> str:
    """The run's input checksum: the answers and, unless it is the default, the method.

    For the default method it is ``_frame_checksum`` alone, the value runs had before
    issue 18 (so an unchanged round is not recomputed after the upgrade). Any other method
    adds its parameters (canonical JSON), so the same answers under another variant never
    count as unchanged.
    """
    if method.is_default:
        return _frame_checksum(frame)
    digest = hashlib.sha256(_frame_checksum(frame).encode())
    digest.update(b"|method|")
    digest.update(json.dumps(method.parameters(), sort_keys=True).encode())
    return digest.hexdigest()


def _clean(value):
    """JSON/DB-safe float: NaN and None become None."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows of a numeric frame as {column: float|None} dicts, without pandas per-row cost."""
    columns = [str(c) for c in df.columns]
    values = df.to_numpy(dtype=float, na_value=math.nan).tolist()
    return [
        {c: (None if v != v else v) for c, v in zip(columns, row, strict=True)} for row in values
    ]


def _class_dict(row: dict) -> dict:
    out = {}
    for category in CATEGORIES:
        value = row.get(f"class_{category}")
        out[category] = value if isinstance(value, str) and value else None
    return out


def index_run_compute(
    *,
    round_id: int,
    acting_user: User | None = None,
    force: bool = False,
    trigger: str = IndexRun.Trigger.AUTOMATIC,
    method: Method = DEFAULT_METHOD,
) -> IndexRun | None:
    """Compute the indices of a survey round and store them as a new run.

    Loads the submitted answers in one query, skips (returns None) when the current
    run has the same input checksum and method version unless ``force``, and stores
    the values with bulk inserts in the same transaction as the switch to
    ``finished``. On any error the run is marked ``failed`` with the error and the
    previous finished run stays current; the failed run is returned.

    ``method`` (issue 18, default "Bad Kreuznach 2021") is computed with, recorded on the
    run and covered by its checksum. The newest finished run is the round's current result
    whatever its method, so a caller computing a variant decides what that run is for.
    """
    survey_round = SurveyRound.objects.select_related("instrument").get(pk=round_id)
    started_at = timezone.now()
    frame = answers_frame(round_id=round_id, submitted_only=True)
    checksum = _input_checksum(frame, method)
    version = compute.METHOD_VERSION
    instrument_code = getattr(survey_round.instrument, "code", "") or ""

    if not force:
        current = current_run(round_id=round_id)
        if (
            current is not None
            and current.input_checksum == checksum
            and current.method_version == version
        ):
            _request_done(round_id=round_id, since=started_at)
            logger.info("Round %s unchanged (checksum %s): no new run", round_id, checksum[:12])
            # A closed round whose answers did not change: its current run is the result
            # (published when the round was closed; recorded here if that was missed).
            if survey_round.state == SurveyRound.State.GESCHLOSSEN:
                result_publish(round_id=round_id, acting_user=acting_user)
            return None

    run = IndexRun.objects.create(
        round=survey_round,
        status=IndexRun.Status.RUNNING,
        trigger=trigger,
        started_at=started_at,
        method_version=version,
        instrument_code=instrument_code,
        input_checksum=checksum,
        kita_count=len(frame),
        triggered_by=acting_user if getattr(acting_user, "pk", None) else None,
        konzeption_version=konzeption.current_label(survey_round.jugendamt_id),
        method_name=method.name,
        method_revision=method.version,
        method_parameters=method.parameters(),
    )
    try:
        result = compute.compute_indices(_compute_frame(frame), method=method)
        sozialraum_rows = _sozialraum_rows(run, frame, result)
        use_copy = connection.vendor == "postgresql"
        kita_rows = _kita_copy_rows(run, result) if use_copy else _kita_rows(run, result)
        with transaction.atomic():
            if use_copy:
                _copy_kita_values(kita_rows)
            else:
                KitaIndex.objects.bulk_create(kita_rows, batch_size=BULK_BATCH)
            SozialraumIndex.objects.bulk_create(sozialraum_rows, batch_size=BULK_BATCH)
            changed = IndexRun.objects.filter(pk=run.pk, status=IndexRun.Status.RUNNING).update(
                status=IndexRun.Status.FINISHED,
                finished_at=timezone.now(),
                norms=_jsonable(result.norms),
                warnings=[str(w) for w in result.warnings],
                minmax={
                    str(k): (None if v is None else [_clean(v[0]), _clean(v[1])])
                    for k, v in result.minmax.items()
                },
            )
            if changed != 1:
                raise RuntimeError("run was marked failed while it was computing")
            audit_events.record(
                actor=acting_user,
                action="index_run.finished",
                obj=run,
                jugendamt_id=survey_round.jugendamt_id,
                new={
                    "kitas": len(kita_rows),
                    "sozialraeume": len(sozialraum_rows),
                    "checksum": checksum,
                    "method_version": version,
                    "trigger": trigger,
                },
            )
            # A run of a closed round is published as it finishes (same transaction). A
            # round closed while this ran is published by the run its close queued.
            if survey_round.state == SurveyRound.State.GESCHLOSSEN:
                result_publish(round_id=round_id, acting_user=acting_user)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the run
        logger.exception("Index run %s of round %s failed", run.pk, round_id)
        _run_fail(run=run, error=f"{type(exc).__name__}: {exc}", acting_user=acting_user)
        # A failure is shown on the page; retrying the same input every minute would
        # only repeat it. A new submission or a manual start requests again.
        _request_done(round_id=round_id, since=started_at)
        return IndexRun.objects.get(pk=run.pk)
    _request_done(round_id=round_id, since=started_at)
    return IndexRun.objects.get(pk=run.pk)


RESULTS_PUBLISHED = "results.published"


@transaction.atomic
def result_publish(*, round_id: int, acting_user: User | None = None) -> IndexRun | None:
    """Record that the round's current run has become its Jugendamt's published result.

    Which run is published follows from the data (``selectors.published_run``: the
    newest finished run of the most recent closed round). It changes when a round is
    closed while it has a finished run (called by ``receivers`` after the close is
    committed) and when a run of a closed round finishes (called by
    ``index_run_compute`` in the transaction that finishes the run, and when it skips an
    unchanged closed round). Safe to call twice: each run is published once, so a
    second call writes nothing. Returns the run if this call published it, else None
    (round open, no finished run, not the newest closed round, or already recorded).
    """
    survey_round = SurveyRound.objects.select_for_update().filter(pk=round_id).first()
    if survey_round is None or survey_round.state != SurveyRound.State.GESCHLOSSEN:
        return None
    run = published_run(jugendamt_id=survey_round.jugendamt_id)
    if run is None or run.round_id != survey_round.pk:
        return None
    events = AuditEvent.objects.filter(
        action=RESULTS_PUBLISHED, jugendamt_id=survey_round.jugendamt_id
    )
    if events.filter(new__run_id=run.pk).exists():
        return None
    previous = events.order_by("-at", "-pk").values_list("new", flat=True).first() or {}
    audit_events.record(
        actor=acting_user,
        action=RESULTS_PUBLISHED,
        obj=survey_round,
        jugendamt_id=survey_round.jugendamt_id,
        old={"run_id": previous.get("run_id"), "round": previous.get("round")}
        if previous
        else None,
        new={
            "run_id": run.pk,
            "round": survey_round.code,
            "kitas": run.kita_count,
            "computed_at": run.finished_at.isoformat() if run.finished_at else None,
        },
    )
    return run


def _compute_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The engine's input: Kita names are only unique per Sozialraum, so the Kita id
    (as text) identifies a row; Sozialraum names are unique within a Jugendamt and
    decide largest-remainder ties, so they stay names."""
    out = frame[["sozialraum", *VARIABLE_INPUT_CODES]].copy()
    out.insert(0, "kita", frame["kita_id"].astype("int64").astype(str).to_numpy())
    return out.reset_index(drop=True)


KITA_COPY_COLUMNS = (
    "run_id",
    "kita_id",
    "ab",
    "sl",
    "fm",
    "infra",
    "gesamt",
    "classes",
    "complete",
    "variables",
    "points",
)


def _json_lines(df: pd.DataFrame) -> list[str]:
    """One JSON object per row ({column: value|null}), serialised by pandas in C.
    15 significant digits: the stored variables and points are for display and
    explanation; the indices themselves are stored as full floats."""
    if not len(df):
        return []
    return df.to_json(orient="records", lines=True, double_precision=15).splitlines()


def _copy_field(value) -> str:
    """One field in PostgreSQL's COPY text format."""
    if value is None or value != value:  # None or NaN
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return repr(value)


def _kita_copy_rows(run, result) -> list[str]:
    """Kita values as lines of COPY text (no model instances, no per-value adaptation)."""
    kitas = result.kitas
    kita_ids = [int(k) for k in kitas.index]
    numeric = kitas[CATEGORIES].to_numpy(dtype=float).tolist()
    class_columns = [f"class_{c}" for c in CATEGORIES]
    classes = kitas[class_columns].astype(object).where(kitas[class_columns].notna(), None)
    classes.columns = CATEGORIES
    variables = _json_lines(result.variables.reindex(kitas.index))
    points = _json_lines(result.points.reindex(kitas.index))
    complete = kitas["complete"].astype(bool).tolist()
    f = _copy_field
    return [
        "\t".join(
            (str(run.pk), str(kita_id), *[f(v) for v in nums], f(cls), f(done), f(var), f(pts))
        )
        + "\n"
        for kita_id, nums, cls, done, var, pts in zip(
            kita_ids, numeric, _json_lines(classes), complete, variables, points, strict=True
        )
    ]


def _copy_kita_values(lines: list[str]) -> None:
    """Bulk insert through COPY: on PostgreSQL several times faster than bulk_create's
    INSERT for rows with three JSON documents each."""
    columns = ", ".join(KITA_COPY_COLUMNS)
    table = KitaIndex._meta.db_table
    sql = f"COPY {table} ({columns}) FROM STDIN"
    chunk = 5000
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for start in range(0, len(lines), chunk):
            copy.write("".join(lines[start : start + chunk]))


def _kita_rows(run, result) -> list[KitaIndex]:
    kitas = result.kitas
    kita_ids = [int(k) for k in kitas.index]
    variables = _records(result.variables.reindex(kitas.index))
    points = _records(result.points.reindex(kitas.index))
    numeric = _records(kitas[CATEGORIES])
    class_columns = [f"class_{c}" for c in CATEGORIES]
    classes = kitas[class_columns].astype(object).where(kitas[class_columns].notna(), None)
    class_rows = classes.to_dict("records")
    complete = kitas["complete"].astype(bool).tolist()
    return [
        KitaIndex(
            run=run,
            kita_id=kita_id,
            ab=nums["AB"],
            sl=nums["SL"],
            fm=nums["FM"],
            infra=nums["IN"],
            gesamt=nums["GESAMT"],
            classes=_class_dict(cls),
            complete=done,
            variables=var,
            points=pts,
        )
        for kita_id, nums, cls, done, var, pts in zip(
            kita_ids, numeric, class_rows, complete, variables, points, strict=True
        )
    ]


def _sozialraum_rows(run, frame, result):
    sr_ids = dict(zip(frame["sozialraum"], frame["sozialraum_id"].astype("int64"), strict=False))
    sozialraum_rows = []
    for name, row in result.sozialraeume.iterrows():  # one row per Sozialraum (hundreds)
        percent = _clean(row.get("percent"))
        sozialraum_rows.append(
            SozialraumIndex(
                run=run,
                sozialraum_id=int(sr_ids[name]),
                **{FIELD_BY_CATEGORY[c]: _clean(row.get(c)) for c in CATEGORIES},
                classes=_class_dict(row.to_dict()),
                percent=None if percent is None else Decimal(f"{percent:.2f}"),
                kita_count=int(row.get("kita_count", 0) or 0),
            )
        )
    return sozialraum_rows


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | bool):
        return value
    try:
        return _clean(value)
    except (TypeError, ValueError):
        return str(value)


def _run_fail(*, run: IndexRun, error: str, acting_user=None) -> None:
    with transaction.atomic():
        IndexRun.objects.filter(pk=run.pk, status=IndexRun.Status.RUNNING).update(
            status=IndexRun.Status.FAILED, finished_at=timezone.now(), error=error[:4000]
        )
        audit_events.record(
            actor=acting_user,
            action="index_run.failed",
            obj=run,
            jugendamt_id=run.round.jugendamt_id,
            new={"error": error[:500]},
        )


def _request_done(*, round_id: int, since) -> None:
    """Drop the pending request if nothing was requested after this run started."""
    RecomputeRequest.objects.filter(round_id=round_id, requested_at__lte=since).delete()


@transaction.atomic
def index_runs_mark_stale() -> int:
    """Mark runs left in ``running`` for longer than the stale limit as failed."""
    stale = list(
        IndexRun.objects.select_related("round").filter(
            status=IndexRun.Status.RUNNING, started_at__lt=timezone.now() - stale_after()
        )
    )
    for run in stale:
        changed = IndexRun.objects.filter(pk=run.pk, status=IndexRun.Status.RUNNING).update(
            status=IndexRun.Status.FAILED,
            finished_at=timezone.now(),
            error="Abgebrochen: der Hintergrunddienst wurde während der Berechnung beendet.",
        )
        if changed:
            audit_events.record(
                actor=None,
                action="index_run.stale",
                obj=run,
                jugendamt_id=run.round.jugendamt_id,
                new={"started_at": run.started_at.isoformat()},
            )
    return len(stale)


def recompute_request_record(
    *, round_id: int, acting_user: User | None = None, force: bool = False
) -> RecomputeRequest:
    """Note that a round needs a recomputation (kept until a later run has finished)."""
    request, created = RecomputeRequest.objects.get_or_create(
        round_id=round_id,
        defaults={
            "requested_by": acting_user if getattr(acting_user, "pk", None) else None,
            "force": force,
        },
    )
    if not created:
        RecomputeRequest.objects.filter(pk=request.pk).update(
            requested_at=timezone.now(), force=request.force or force, last_error=""
        )
    return request


def recompute_request_failed(*, round_id: int, error: str) -> None:
    """Keep why the round's recomputation could not be queued (shown in the admin)."""
    RecomputeRequest.objects.filter(round_id=round_id).update(last_error=error[:2000])


def _publish_round_recompute(round_id: int, **options) -> None:
    """Hand the round to the worker (in-process when Celery runs eagerly)."""
    signature(ROUND_RECOMPUTE_TASK, args=(round_id,), kwargs=options).delay()


def round_recompute_queue(
    *, round_id: int, force: bool = False, triggered_by_id: int | None = None
) -> bool:
    """Record the request, then publish the task; False if the broker refused it.

    The request row stays until a run has finished, so a publish error (Redis
    down) or a lost task (worker killed) is picked up by ``recompute_requests_queue``.
    """
    recompute_request_record(round_id=round_id, force=force)
    try:
        if force or triggered_by_id:
            _publish_round_recompute(round_id, force=force, triggered_by_id=triggered_by_id)
        else:
            _publish_round_recompute(round_id)
    except Exception as exc:  # noqa: BLE001 - broker down: the request row keeps the work
        logger.error("Could not queue recomputation of round %s: %s", round_id, exc)
        recompute_request_failed(round_id=round_id, error=f"{type(exc).__name__}: {exc}")
        return False
    return True


def recompute_requests_queue() -> dict[str, int]:
    """Mark stale runs failed and queue every round whose request is past the grace period.

    A request whose round has a run started since it was made is left alone (that run
    is on it). Stops at the first publish error: the broker is still down, the next
    call tries again.
    """
    stale = index_runs_mark_stale()
    queued = 0
    cutoff = timezone.now() - PENDING_GRACE
    for request in RecomputeRequest.objects.filter(requested_at__lte=cutoff):
        busy = IndexRun.objects.filter(
            round_id=request.round_id,
            status=IndexRun.Status.RUNNING,
            started_at__gte=request.requested_at,
        ).exists()
        if busy:
            continue
        try:
            _publish_round_recompute(
                request.round_id,
                force=request.force,
                triggered_by_id=request.requested_by_id,
                trigger=IndexRun.Trigger.PENDING,
            )
        except Exception as exc:  # noqa: BLE001 - broker still down: try next time
            logger.error("Could not queue pending round %s: %s", request.round_id, exc)
            recompute_request_failed(round_id=request.round_id, error=str(exc))
            break
        queued += 1
    return {"stale": stale, "queued": queued}


def round_recompute(
    *,
    round_id: int,
    force: bool = False,
    triggered_by_id: int | None = None,
    trigger: str = "",
) -> IndexRun | None:
    """Compute a queued round as requested (by whom, how); None if it is gone or unchanged.

    What the task ``indices.tasks.round_recompute`` runs: a round deleted since it was
    queued is skipped; without ``trigger`` a run started by a user counts as manual.
    """
    if not SurveyRound.objects.filter(pk=round_id).exists():
        logger.warning("round_recompute: round %s does not exist", round_id)
        return None
    user = User.objects.filter(pk=triggered_by_id).first() if triggered_by_id else None
    return index_run_compute(
        round_id=round_id,
        acting_user=user,
        force=force,
        trigger=trigger
        or (IndexRun.Trigger.MANUAL if triggered_by_id else IndexRun.Trigger.AUTOMATIC),
    )


@transaction.atomic
def index_run_request(*, survey_round: SurveyRound, acting_user: User) -> None:
    """Staff start a recomputation by hand: audited, queued after commit, always a new run."""
    recompute_request_record(round_id=survey_round.pk, acting_user=acting_user, force=True)
    audit_events.record(
        actor=acting_user,
        action="index_run.requested",
        obj=survey_round,
        jugendamt_id=survey_round.jugendamt_id,
    )
    round_id, user_id = survey_round.pk, acting_user.pk
    transaction.on_commit(
        lambda: round_recompute_queue(round_id=round_id, force=True, triggered_by_id=user_id)
    )
