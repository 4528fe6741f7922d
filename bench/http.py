"""HTTP benchmark: gunicorn (2 workers, production settings, PostgreSQL, Redis,
persistent connections) loaded from this machine by 8 concurrent clients.

Run: ``.venv/bin/python bench/http.py`` (uses a scratch database ``srb_bench`` on the
local PostgreSQL and Redis db 14 unless BENCH_DATABASE_URL / BENCH_BROKER_URL say
otherwise). Each page is loaded for BENCH_SECONDS (15) seconds; the script prints
requests/s, p50 and p95 and every page's p95 as a multiple of ``/healthz/``'s p95
measured in the same run (the floor), and for the PDF the multiple of the time
WeasyPrint needs for a one-page document in the same run.
Goals at 8 clients: questionnaire GET and submit, /auswertung/ within 25x /healthz/;
the committee PDF within 5x the one-page PDF.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's ``http`` package: drop its folder
# from the import path before importing ``http.client``.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != _HERE]

import http.client
import json
import os
import re
import secrets
import signal
import statistics
import subprocess
import threading
import time
import urllib.parse

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8791"))
HOST = "127.0.0.1"
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://root@127.0.0.1:5432/srb_bench")
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
LARGE = int(os.environ.get("BENCH_KITAS", "2500"))

ENV = dict(
    os.environ,
    DATABASE_URL=DB_URL,
    CELERY_BROKER_URL=BROKER,
    DJANGO_SETTINGS_MODULE="srb_project.settings.production",
    DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
    DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
    DJANGO_SECURE_SSL_REDIRECT="0",
    DJANGO_CONN_MAX_AGE="600",
    AXES_ENABLED="0",
    CACHE_URL="rediscache://127.0.0.1:6379/13",
)

SETUP = r"""
import json, django
django.setup()
from django.contrib.auth.models import Group
from django.contrib.auth.hashers import make_password
from sozialraeume.models import User, Kita
from sozialraeume import roles
from bench.scale_data import make_district
from indices.services import index_run_compute
from surveys.models import SurveyRound

large = make_district(slug="bench-large", kitas=%(large)d, sozialraeume=max(8, %(large)d // 50))
for r in SurveyRound.objects.filter(state="geschlossen"):
    index_run_compute(round_id=r.pk)
pw = make_password("bench")
def user(name, role, jugendamt, kitas=None):
    u, _ = User.objects.get_or_create(username=name, defaults={"jugendamt": jugendamt, "password": pw})
    u.groups.add(Group.objects.get(name=role))
    if kitas is not None:
        u.kitas.set(kitas)
    return u
user("bench-leitung", roles.KITA_LEITUNG, large, Kita.objects.filter(sozialraum__jugendamt=large))
user("bench-jugendamt", roles.JUGENDAMT, large)
open_round = SurveyRound.objects.get(jugendamt=large, code="2027")
kitas = list(Kita.objects.filter(sozialraum__jugendamt=large).order_by("pk").values_list("pk", flat=True))
print(json.dumps({"kitas": kitas, "round": open_round.code}))
"""


def run(cmd, **kw):
    return subprocess.run(cmd, cwd=REPO, env=ENV, check=True, **kw)


def prepare():
    db = urllib.parse.urlparse(DB_URL)
    name, user = db.path.lstrip("/"), db.username or "root"
    subprocess.run(["dropdb", "-h", db.hostname, "-U", user, "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", db.hostname, "-U", user, name], check=True)
    run([PY, "manage.py", "migrate", "--noinput", "-v", "0"])
    run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"])
    run([PY, "manage.py", "seed_demo", "--force"], stdout=subprocess.DEVNULL)
    out = run([PY, "-c", SETUP % {"large": LARGE}], capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


class Session:
    """A logged-in HTTP client with its own connection, cookies and CSRF token."""

    def __init__(self):
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None):
        headers = {
            "Host": f"{HOST}:{PORT}",
            "X-Forwarded-Proto": "https",
            "Origin": f"https://{HOST}:{PORT}",
            "Referer": f"https://{HOST}:{PORT}{path}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urllib.parse.urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
        data = resp.read()
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                k, v = value.split(";", 1)[0].split("=", 1)
                self.cookies[k] = v
        return resp.status, data

    def csrf(self, path):
        status, html = self.request("GET", path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return match.group(1).decode() if match else ""

    def login(self, username, password):
        token = self.csrf("/accounts/login/")
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
        )
        if status != 302:
            raise RuntimeError(f"login of {username} failed: HTTP {status}")
        return self


def load(name, make_request, sessions):
    """Run ``make_request(session, i)`` from CLIENTS threads for SECONDS; collect latencies."""
    latencies: list[float] = []
    errors = [0]
    counter = iter(range(10**9))
    lock = threading.Lock()
    stop = time.perf_counter() + SECONDS

    def worker(session):
        while time.perf_counter() < stop:
            with lock:
                i = next(counter)
            t0 = time.perf_counter()
            status = make_request(session, i)
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                if status >= 400:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, args=(s,)) for s in sessions]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "page": name,
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50": q[49],
        "p95": q[94],
        "errors": errors[0],
    }


def one_page_pdf_seconds():
    """Median time of the application's own one-page PDF (same stylesheet and footer)."""
    code = (
        "import os, time, statistics, django; django.setup()\n"
        "from reports.documents.pdf import one_page_pdf\n"
        "one_page_pdf(); ts = []\n"
        "for _ in range(7):\n"
        "    t = time.perf_counter(); one_page_pdf(); ts.append(time.perf_counter() - t)\n"
        "print(statistics.median(ts))"
    )
    return float(run([PY, "-c", code], capture_output=True, text=True).stdout.strip())


def main():
    print(f"Preparing {DB_URL} (demo city + {LARGE} Kitas) ...", flush=True)
    info = prepare()
    kitas, round_code = info["kitas"], info["round"]
    gunicorn = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "srb_project.wsgi:application",
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=ENV,
    )
    try:
        for _ in range(100):
            try:
                if Session().request("GET", "/healthz/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        anon = [Session() for _ in range(CLIENTS)]
        leaders = [Session().login("bench-leitung", "bench") for _ in range(CLIENTS)]
        staff_small = [Session().login("jugendamt", "demo") for _ in range(CLIENTS)]
        staff_large = [Session().login("bench-jugendamt", "bench") for _ in range(CLIENTS)]
        committee = [Session().login("ausschuss", "demo") for _ in range(CLIENTS)]
        subprocess.run(["redis-cli", "-n", "13", "flushdb"], stdout=subprocess.DEVNULL, check=False)
        t0 = time.perf_counter()
        status, _pdf = committee[0].request("GET", "/berichte/ausschuss/2026/?format=pdf")
        cold_pdf = time.perf_counter() - t0
        tokens = {id(s): s.csrf(f"/erhebung/{round_code}/{kitas[0]}/") for s in leaders}
        form_answers = {
            "A1": 80,
            "A2": 70,
            "B1": 10,
            "B2": 12,
            "C4": 5,
            "D1": 20,
            "D2": 5,
            "D3": 6,
            "D4": 1,
            "D5": 3,
            "E1": 2,
            "E2": 4,
            "E4": 2,
            "B3a": 3,
            "B3b": 2,
            "B3c": 3,
            "B3d": 2,
            "B3e": 3,
            "B3f": 2,
            "C1a": 3,
            "C1b": 3,
            "C1c": 2,
            "C1d": 3,
            "C2a": 3,
            "C2b": 2,
            "C2c": 2,
            "C3a": 3,
            "C3b": 2,
            "C3c": 3,
            "E3a": 3,
            "E3b": 3,
            "E3c": 2,
            "E3d": 2,
            "F8": "on",
            "version": 0,
            "action": "submit",
        }
        pages = [
            ("/healthz/", anon, lambda s, i: s.request("GET", "/healthz/")[0]),
            (
                "questionnaire GET",
                leaders,
                lambda s, i: s.request("GET", f"/erhebung/{round_code}/{kitas[i % len(kitas)]}/")[
                    0
                ],
            ),
            (
                "questionnaire submit",
                leaders,
                lambda s, i: s.request(
                    "POST",
                    f"/erhebung/{round_code}/{kitas[-1 - (i % len(kitas))]}/",
                    dict(form_answers, csrfmiddlewaretoken=tokens[id(s)]),
                )[0],
            ),
            (
                "/auswertung/ (32 Kitas)",
                staff_small,
                lambda s, i: s.request("GET", "/auswertung/")[0],
            ),
            (
                f"/auswertung/ ({len(kitas)} Kitas)",
                staff_large,
                lambda s, i: s.request("GET", "/auswertung/")[0],
            ),
            (
                "committee report HTML",
                committee,
                lambda s, i: s.request("GET", "/berichte/ausschuss/2026/")[0],
            ),
            (
                "committee report PDF",
                committee,
                lambda s, i: s.request("GET", "/berichte/ausschuss/2026/?format=pdf")[0],
            ),
        ]
        results = []
        for name, sessions, fn in pages:
            print(f"  loading {name} for {SECONDS:.0f} s with {CLIENTS} clients ...", flush=True)
            results.append(load(name, fn, sessions))
        pdf_floor = one_page_pdf_seconds()
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        subprocess.run(
            ["redis-cli", "-n", BROKER.rsplit("/", 1)[-1], "flushdb"],
            stdout=subprocess.DEVNULL,
            check=False,
        )

    floor = results[0]["p95"]
    print()
    print(
        f"{'page':32} {'req':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'x healthz p95':>14} {'err':>5}"
    )
    for r in results:
        print(
            f"{r['page']:32} {r['requests']:6d} {r['rps']:8.1f} {r['p50'] * 1000:8.1f} "
            f"{r['p95'] * 1000:8.1f} {r['p95'] / floor:14.1f} {r['errors']:5d}"
        )
    pdf = results[-1]
    print(
        f"\none-page PDF, reports.documents.pdf.one_page_pdf (median of 7): {pdf_floor * 1000:.1f} ms"
    )
    print(
        f"committee PDF p50 / one-page PDF: {pdf['p50'] / pdf_floor:.1f}x (goal <= 5x; served from the PDF cache)"
    )
    print(
        f"committee PDF first (uncached) render: {cold_pdf * 1000:.0f} ms = {cold_pdf / pdf_floor:.1f}x one-page"
    )
    goals = {r["page"]: r["p95"] / floor for r in results[1:5]}
    for page, ratio in goals.items():
        print(
            f"goal {page}: {ratio:.1f}x healthz p95 ({'met' if ratio <= 25 else 'MISSED'}, goal <= 25x)"
        )


if __name__ == "__main__":
    main()
