"""Benchmark: recomputation of a survey round on PostgreSQL (issue 8).

For N = 32, 2.500 and 60.000 submitted questionnaires it times the recomputation
service ``indices.services.index_run_compute`` from start to commit (load the
answers with one query, compute, store with bulk inserts, switch to finished) next
to the floor measured in the same run: a plain ``SELECT`` of the same answers
(fetched and JSON-decoded by the driver). Goal: within 3x the floor for 2.500 and
60.000. Also prints the phases (load / compute / store) and the peak memory
(``resource.getrusage``) of the process.

Run: ``DATABASE_URL=postgres://root@127.0.0.1:5432/srb_bench_recompute .venv/bin/python
bench/recompute.py`` (the database must exist; it is migrated and the synthetic
districts are created once and reused). ``BENCH_SIZES=32,2500`` limits the sizes.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# bench/http.py would shadow the standard library's http package: run from the repo root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srb_project.settings.test")

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "32,2500,60000").split(",") if s]
SOZIALRAEUME = {32: 8, 2500: 100, 60000: 575}
GOAL = 3.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench/recompute.py braucht PostgreSQL: DATABASE_URL=postgres://...", file=sys.stderr)
        return 2
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--noinput", verbosity=0)

    from bench.scale_data import make_district
    from indices import compute, services
    from surveys.models import SurveyRound
    from surveys.selectors import answers_frame

    print(
        f"PostgreSQL {connection.pg_version}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    header = (
        f"{'N':>7} {'floor SELECT':>13} {'recompute':>10} {'ratio':>6} {'goal':>5} "
        f"{'load':>7} {'compute':>8} {'store*':>7} {'peak MB':>8}"
    )
    print(header)
    print("-" * len(header))
    for n in SIZES:
        jugendamt = make_district(
            slug=f"bench-recompute-{n}",
            kitas=n,
            sozialraeume=SOZIALRAEUME.get(n, max(1, n // 100)),
            open_round=False,
        )
        survey_round = SurveyRound.objects.get(jugendamt=jugendamt, code="2020")
        # Fresh bulk inserts have no planner statistics yet (autovacuum analyses them a
        # little later in real life); without them PostgreSQL picks a nested loop that
        # makes the 60.000 SELECT take half a minute, for the floor and the service alike.
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE surveys_response; ANALYZE sozialraeume_kita; "
                "ANALYZE sozialraeume_sozialraum; ANALYZE indices_kitaindex"
            )
        repeat = 2 if n >= 50_000 else 5

        def floor(round_id=survey_round.pk):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT r.kita_id, k.name, k.sozialraum_id, s.name, r.answers "
                    "FROM surveys_response r JOIN sozialraeume_kita k ON k.id = r.kita_id "
                    "JOIN sozialraeume_sozialraum s ON s.id = k.sozialraum_id "
                    "WHERE r.round_id = %s AND r.status = 'submitted' ORDER BY r.kita_id",
                    [round_id],
                )
                return len(cursor.fetchall())

        def recompute(round_id=survey_round.pk):
            run = services.index_run_compute(round_id=round_id, force=True)
            assert run.status == "finished", run.error
            return run

        floor()  # warm the cache for both
        floor_min, _floor_med, rows = _timed(floor, repeat)
        assert rows == n, (rows, n)
        rc_min, _rc_med, run = _timed(recompute, repeat)
        assert run.kita_values.count() == n
        load_min, _, frame = _timed(lambda rid=survey_round.pk: answers_frame(round_id=rid), 2)
        frame["kita"] = frame["kita_id"].astype(str)
        compute_min, _, _ = _timed(lambda f=frame: compute.compute_indices(f), 2)
        store = rc_min - load_min - compute_min
        ratio = rc_min / floor_min
        goal = n >= 2500
        ok = ratio <= GOAL
        print(
            f"{n:>7} {floor_min:>12.3f}s {rc_min:>9.3f}s {ratio:>5.1f}x "
            f"{('ok' if ok else 'MISS') if goal else '-':>5} {load_min:>6.3f}s "
            f"{compute_min:>7.3f}s {store:>6.3f}s {_peak_mb():>8.0f}",
            flush=True,
        )
    print(
        "* store = recompute − load − compute: building the rows, bulk inserts, the switch "
        "to finished and the commit."
    )
    print(f"goal: recompute within {GOAL:.0f}x the plain SELECT for 2.500 and 60.000 Kitas")
    return 0  # a benchmark, not a test: the verdict is printed above


if __name__ == "__main__":
    sys.exit(main())
