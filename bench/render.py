"""Render micro-benchmark: ms per request of the heaviest HTML pages, in-process.

Run: ``.venv/bin/python bench/render.py`` (options ``-n 30`` requests per page,
``--kitas 2500`` for the large district, ``--db PATH`` to keep and reuse the SQLite file,
``--profile PAGE`` to print a cProfile of one page instead).

A SQLite demo (``seed_demo``) plus a synthetic district of ``--kitas`` Kitas
(``bench.scale_data.make_district``, indices computed) is built once; then each page is
requested N times with Django's test client (logged in with ``force_login``, test
settings: DEBUG off, cached template loader) and the script prints the median and the
best ms per request, the number of SQL queries of one request and the HTML size, next to
a floor measured in the same run (``/healthz/``), because the machines are shared and noisy.
Goals: questionnaire GET <= 40 ms, /auswertung/ (2,500 Kitas, paginated) <= 40 ms.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# bench/ holds a module named http: keep the folder off the import path, the repository on it.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [str(REPO)] + [p for p in sys.path if str(Path(p or ".").resolve()) != _HERE]
os.chdir(REPO)


def setup(db_path: Path, kitas: int) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "srb_project.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["AXES_ENABLED"] = "0"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command

    fresh = not db_path.exists() or db_path.stat().st_size == 0
    call_command("migrate", verbosity=0, interactive=False)
    if fresh:
        call_command("seed_demo", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from django.contrib.auth.models import Group

    from bench.scale_data import make_district
    from indices.models import IndexRun
    from indices.services import index_run_compute
    from sozialraeume import roles
    from sozialraeume.models import Kita, User
    from surveys.models import Response, SurveyRound

    large = make_district(slug="bench-large", kitas=kitas, sozialraeume=max(8, kitas // 50))
    for r in SurveyRound.objects.filter(state="geschlossen"):
        if not IndexRun.objects.filter(round=r).exists():
            index_run_compute(round_id=r.pk)

    def user(name, role, jugendamt, kitas=None):
        u, _ = User.objects.get_or_create(username=name, defaults={"jugendamt": jugendamt})
        u.groups.add(Group.objects.get(name=role))
        if kitas is not None:
            u.kitas.set(kitas)
        return u

    large_kitas = list(Kita.objects.filter(sozialraum__jugendamt=large).order_by("pk"))
    open_round = SurveyRound.objects.get(jugendamt=large, code="2027")
    # The questionnaire pages must stay drafts: drop what an earlier run may have left.
    Response.objects.filter(round=open_round, kita__in=large_kitas[:3]).delete()
    # ... and one draft with answers, so that checked options and filled fields render too.
    import random

    from surveys.demo import synthetic_answers

    Response.objects.create(
        round=open_round,
        kita=large_kitas[2],
        status=Response.Status.DRAFT,
        answers=synthetic_answers(random.Random(7), 0.5, large_kitas[2].places),  # noqa: S311
    )
    # a fixed "last saved" time keeps the HTML of every run comparable (--dump)
    Response.objects.filter(round=open_round, kita=large_kitas[2]).update(
        updated_at=datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)
    )
    return {
        "leader": user("bench-leitung", roles.KITA_LEITUNG, large, large_kitas[:3]),
        "staff_large": user("bench-jugendamt", roles.JUGENDAMT, large),
        "staff_small": User.objects.get(username="jugendamt"),
        "committee": User.objects.get(username="ausschuss"),
        "round": open_round.code,
        "kitas": [k.pk for k in large_kitas[:3]],
    }


def pages(info: dict) -> list[tuple[str, object, str, str, dict | None, int]]:
    code, kitas = info["round"], info["kitas"]
    invalid = {"version": "0", "action": "submit", "A1": "abc", "B3a": "9"}
    return [
        ("/healthz/ (floor)", None, "get", "/healthz/", None, 200),
        ("questionnaire GET", info["leader"], "get", f"/erhebung/{code}/{kitas[0]}/", None, 200),
        (
            "questionnaire GET, draft",
            info["leader"],
            "get",
            f"/erhebung/{code}/{kitas[2]}/",
            None,
            200,
        ),
        (
            "questionnaire submit, errors",
            info["leader"],
            "post",
            f"/erhebung/{code}/{kitas[1]}/",
            invalid,
            400,
        ),
        ("/auswertung/ (demo)", info["staff_small"], "get", "/auswertung/", None, 200),
        ("/auswertung/ (large)", info["staff_large"], "get", "/auswertung/", None, 200),
        (
            "/auswertung/?page=2 (large)",
            info["staff_large"],
            "get",
            "/auswertung/?page=2",
            None,
            200,
        ),
        (
            "committee report HTML",
            info["committee"],
            "get",
            "/berichte/ausschuss/2026/",
            None,
            200,
        ),
    ]


def measure(client, method, path, data, expect, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(path, data) if data else getattr(client, method)(path)
    if response.status_code != expect:
        raise SystemExit(f"{path}: HTTP {response.status_code}, expected {expect}")
    queries, size = len(ctx.captured_queries), len(response.content)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        getattr(client, method)(path, data) if data else getattr(client, method)(path)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), min(times), queries, size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30, help="requests per page (default 30)")
    parser.add_argument("--kitas", type=int, default=2500)
    parser.add_argument("--db", type=Path, help="SQLite file to create or reuse")
    parser.add_argument("--profile", help="cProfile one page (name prefix) instead")
    parser.add_argument(
        "--dump", type=Path, help="also write each page's HTML into this folder (to diff)"
    )
    args = parser.parse_args()
    db_path = args.db or Path(tempfile.mkdtemp(prefix="srb-render-")) / "bench.sqlite3"
    t0 = time.perf_counter()
    info = setup(db_path.resolve(), args.kitas)
    print(f"data ready in {time.perf_counter() - t0:.1f} s ({db_path})", flush=True)

    import logging

    from django.test import Client

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the expected 400s
    clients: dict[int | None, Client] = {}

    def client_for(user):
        key = user.pk if user else None
        if key not in clients:
            clients[key] = Client()
            if user:
                clients[key].force_login(user)
        return clients[key]

    if args.profile:
        import cProfile
        import pstats

        for name, user, method, path, data, expect in pages(info):
            if name.startswith(args.profile):
                client = client_for(user)
                measure(client, method, path, data, expect, 1)
                prof = cProfile.Profile()
                prof.enable()
                measure(client, method, path, data, expect, args.n)
                prof.disable()
                pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
                return
        raise SystemExit(f"no page starts with {args.profile!r}")

    print(f"{'page':32} {'median ms':>10} {'best ms':>8} {'x floor':>8} {'queries':>8} {'KB':>6}")
    floor = None
    for number, (name, user, method, path, data, expect) in enumerate(pages(info)):
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            client = client_for(user)
            response = (
                getattr(client, method)(path, data) if data else getattr(client, method)(path)
            )
            html = re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1-", response.content.decode())
            (args.dump / f"{number:02d}.html").write_text(html)
        median, best, queries, size = measure(client_for(user), method, path, data, expect, args.n)
        floor = floor or median
        print(
            f"{name:32} {median:10.1f} {best:8.1f} {median / floor:8.1f} {queries:8d} "
            f"{size / 1024:6.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
