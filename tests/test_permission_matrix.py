"""Permission matrix: every URL of the application × every role against an explicit table.

The table below (``CASES``) is written from the policy (``srb_project/policy.py`` and
each app's ``permissions.py``, README "Rollen und Sicherheit", issue 7), not from what
the views happen to answer:

- Kita-Leitung: only their own Kita; another Kita's pages give 404.
- Träger-Vertretung: the Kitas of their Träger and the plans with those Kitas, never a
  draft plan (its pages give 404, and no page shows it).
- Jugendamt staff: everything of their Jugendamt; a second Jugendamt's staff get 404
  for every object of the first one.
- Jugendhilfeausschuss: the committee report and the trends, nothing per Kita, no
  export, no admin.
- The admin is for staff only.

A URL pattern without an entry in the table fails ``test_every_url_pattern_has_an_entry``:
nobody adds a page without deciding who may see it.

The demo data is seeded once per module inside an outer transaction that is rolled back
at the end (as Django's ``setUpTestData``); each test runs in a savepoint of its own.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sozialraeume import roles

# --- roles ------------------------------------------------------------------------------

# role key -> username (None: anonymous)
ROLES = {
    "anon": None,
    "kita": "kita-leitung",
    "kita2": "kita-leitung-2",  # leads ANOTHER demo Kita (other Sozialraum, other Träger)
    "traeger": "traeger",
    "ja": "jugendamt",
    "jal": "jugendamt-leitung",
    "ausschuss": "ausschuss",
    "admin": "admin",
    "fremd": "fremd-jugendamt",  # Jugendamt staff of a SECOND Jugendamt
}
ROLE_KEYS = list(ROLES)
STAFF = ("ja", "jal", "admin")  # staff of the demo Jugendamt
LOGIN = 302  # login_required: redirect to the login page
OUR_APPS = (
    "audit",
    "sozialraeume",
    "surveys",
    "indices",
    "foerderung",
    "allocation",
    "positions",
    "teams",
)


def row(default, *, anon=LOGIN, **overrides) -> dict[str, int]:
    """Expected status per role: ``default`` for everyone not named."""
    unknown = set(overrides) - set(ROLES)
    assert not unknown, unknown
    expected = dict.fromkeys(ROLES, default)
    expected["anon"] = anon
    expected.update(overrides)
    return expected


def staff_object(denied=404, **overrides):
    """An object of the demo Jugendamt that only its staff see; foreign staff get 404."""
    return row(denied, **{**{r: 200 for r in STAFF}, "fremd": 404, **overrides})


# POST-only endpoints: anonymous is sent to the login page, everyone else gets 405 on GET.
POST_ONLY = row(405)


# --- the demo world ---------------------------------------------------------------------

DRAFT_LINE_TEXT = "Matrix-Entwurfszeile"  # the justification of the draft plan's one line


@dataclass
class World:
    users: dict
    ids: dict = field(default_factory=dict)
    own_kita_names: dict = field(default_factory=dict)  # role -> names of Kitas they lead
    demo_kita_names: list = field(default_factory=list)
    admin_objects: dict = field(default_factory=dict)  # "app.model" -> pk


def _build_world() -> World:
    from allocation.models import (
        AllocationLine,
        AllocationPlan,
        BudgetYear,
        PlanComment,
        Reallocation,
        SozialraumShare,
    )
    from audit.models import AuditEvent
    from indices.models import IndexRun, RecomputeRequest
    from indices.selectors import current_run
    from sozialraeume.management.commands.seed_demo import seed_all
    from sozialraeume.models import Jugendamt, Kita, User
    from surveys.models import Instrument, Response, SurveyRound
    from tests.factories import JugendamtFactory, KitaFactory, SozialraumFactory, make_user

    seed_all()
    ja = Jugendamt.objects.get(slug="bad-kreuznach")
    kita_leader = User.objects.get(username="kita-leitung")
    kita_a = kita_leader.kitas.get()
    kita_b = (
        Kita.objects.filter(sozialraum__jugendamt=ja)
        .exclude(sozialraum=kita_a.sozialraum)
        .exclude(traeger=kita_a.traeger)
        .order_by("pk")
        .first()
    )
    make_user(roles.KITA_LEITUNG, kitas=[kita_b], username="kita-leitung-2")

    ja2 = JugendamtFactory(name="Jugendamt Fremdstadt", slug="fremdstadt")
    sr2 = SozialraumFactory(jugendamt=ja2, name="Fremd-Sozialraum")
    kita_f = KitaFactory(sozialraum=sr2, name="Fremd-Kita Ahorn")
    make_user(roles.JUGENDAMT, jugendamt=ja2, username="fremd-jugendamt")
    year_f = BudgetYear.objects.create(jugendamt=ja2, year=2026, state_budget=Decimal("1000.00"))

    users = {key: User.objects.get(username=name) for key, name in ROLES.items() if name}
    round_2020 = SurveyRound.objects.get(jugendamt=ja, code="2020")
    assert SurveyRound.objects.get(jugendamt=ja, code="2027").state == SurveyRound.State.OFFEN
    year_2026 = BudgetYear.objects.get(jugendamt=ja, year=2026)
    plan = AllocationPlan.objects.get(budget_year=year_2026, sozialraum=kita_a.sozialraum)
    line = plan.lines.order_by("pk").first()
    assert line is not None, "demo plan without lines"
    response = Response.objects.get(round=round_2020, kita=kita_a)
    run = current_run(round_id=round_2020.pk)
    # records the demo does not make, so every admin model has a change page to open
    comment = PlanComment.objects.create(plan=plan, author=users["ja"], text="Matrix-Kommentar")
    shares = {s.sozialraum_id: s for s in SozialraumShare.objects.filter(budget_year=year_2026)}
    other_sr = next(sr for sr in ja.sozialraeume.all() if sr.pk != kita_a.sozialraum_id)
    reallocation = Reallocation.objects.create(
        budget_year=year_2026,
        from_sozialraum=kita_a.sozialraum,
        to_sozialraum=other_sr,
        amount=Decimal("1.00"),
        reason="Matrix-Umverteilung",
        created_by=users["ja"],
    )
    assert shares, "demo year 2026 without shares"
    recompute, _created = RecomputeRequest.objects.get_or_create(
        round=round_2020, defaults={"requested_by": users["ja"]}
    )
    # a draft plan (2027) in the same Sozialraum, with a line for the Träger's own Kita
    draft = AllocationPlan.objects.create(
        budget_year=BudgetYear.objects.get(jugendamt=ja, year=2027), sozialraum=kita_a.sozialraum
    )
    traeger_kita = plan.sozialraum.kitas.filter(traeger_id=users["traeger"].traeger_id).first()
    assert traeger_kita is not None, "the demo Träger has no Kita in the plan's Sozialraum"
    AllocationLine.objects.create(
        plan=draft,
        kita=traeger_kita,
        strand="FS1",
        fte=Decimal("0.50"),
        annual_cost=Decimal("35000.00"),
        state_part=Decimal("21000.00"),
        justification=DRAFT_LINE_TEXT,
    )

    # --- issue 15: part D (Kita leaders in the consultation, answers, FS3 exceptions) ---
    # the demo's 2025 plan of the Kita leader's Sozialraum is in consultation (with the
    # Träger's comment, answered); the demo's FS3 exception line waits for the Leitung
    consult_plan = AllocationPlan.objects.get(
        budget_year__jugendamt=ja, budget_year__year=2025, sozialraum=kita_a.sozialraum
    )
    assert consult_plan.state == "consultation", consult_plan.state
    fs3_line = AllocationLine.objects.get(
        plan__budget_year__jugendamt=ja, strand="FS3", exception_accepted_at__isnull=True
    )
    part_d_ids = {
        "consult_plan": consult_plan.pk,
        "consult_comment": consult_plan.comments.filter(reply_to__isnull=True)
        .order_by("pk")
        .first()
        .pk,
        "fs3_line": fs3_line.pk,
        "fs3_line_version": fs3_line.version,
    }

    # --- issue 15, part A: the demo team of the Sozialraum of kita_a (teams.demo) ---
    from teams.models import Meeting as TeamMeeting
    from teams.models import MeetingDocument, MeetingTask
    from teams.models import Team as SozialraumTeam

    team_a = SozialraumTeam.objects.get(sozialraum=kita_a.sozialraum)
    team_meeting = TeamMeeting.objects.filter(team=team_a, minutes_written_at__isnull=False)
    team_meeting = team_meeting.order_by("starts_at").first()
    team_external = team_a.members.filter(user__isnull=True, left_on__isnull=True).first()
    team_task = MeetingTask.objects.filter(meeting__team=team_a).order_by("pk").first()
    team_document = MeetingDocument.objects.filter(meeting__team=team_a).order_by("pk").first()
    assert team_meeting and team_external and team_task and team_document, "demo team incomplete"
    team_ids = {
        "team_a": team_a.pk,
        "team_meeting": team_meeting.pk,
        "team_member_ext": team_external.pk,
        "team_task": team_task.pk,
        "team_document": team_document.pk,
        "sr_b": kita_b.sozialraum_id,
    }

    # --- issue 15: part C (FS2 centres, FS4 requests; foerderung.demo) ---
    from django.core.files.base import ContentFile

    from foerderung.models import Centre, Fs4Attachment, Fs4Request

    centre_a = Centre.objects.get(sozialraum=kita_a.sozialraum, active=True)
    fs4_waiting = Fs4Request.objects.get(kita=kita_a, state="submitted")
    from tests.foerderung.factories import minimal_pdf

    pdf = minimal_pdf("Matrix")
    fs4_file = Fs4Attachment(
        request=fs4_waiting, name="auflage.pdf", size=len(pdf), uploaded_by=users["traeger"]
    )
    fs4_file.file.save("matrix-auflage.pdf", ContentFile(pdf), save=True)
    part_c_ids = {
        "centre_a": centre_a.pk,
        "fs4_waiting": fs4_waiting.pk,
        "fs4_file": fs4_file.pk,
    }

    # --- issue 15, part B: release requests and the open review of kita_a's Sozialraum
    # (teams.demo_review) ---
    from teams.models import ReleaseRequest, Review

    release_b = ReleaseRequest.objects.filter(kita=kita_a, state="requested").order_by("pk")
    review_b = Review.objects.filter(sozialraum=kita_a.sozialraum).exclude(state="decided")
    assert release_b.exists() and review_b.exists(), "demo release/review missing"
    part_b_ids = {"release": release_b.first().pk, "review": review_b.get().pk}

    # --- issue 16: part P1 (positions from approved lines, qualifications; positions.demo) ---
    from positions.models import Position, Qualification

    pos_own = Position.objects.filter(
        budget_year__jugendamt=ja, employer_id=users["traeger"].traeger_id
    ).order_by("pk")
    pos_other = Position.objects.filter(budget_year__jugendamt=ja).exclude(
        employer_id=users["traeger"].traeger_id
    )
    open_plan = AllocationPlan.objects.filter(
        budget_year__jugendamt=ja, budget_year__year=2026, state="approved", lines__positions=None
    ).distinct()
    assert pos_own.exists() and pos_other.exists() and open_plan.exists(), "demo positions"
    part_p1_ids = {
        "pos_own": pos_own.first().pk,
        "pos_other": pos_other.order_by("pk").first().pk,
        "pos_plan_open": open_plan.order_by("pk").first().pk,
        "qualification": Qualification.objects.filter(jugendamt=ja).order_by("pk").first().pk,
    }

    # --- issue 16: part P2 (actual costs; positions.demo_costs) ---
    from positions.models import ActualCost

    def _p2_cost(position_pk, state):
        """A current cost row of the position in ``state`` (the demo's, or one made here in
        a month the demo leaves free)."""
        found = ActualCost.objects.filter(
            position_id=position_pk, state=state, supersedes__isnull=True
        ).order_by("pk")
        if found.exists():
            return found.first().pk
        position = Position.objects.get(pk=position_pk)
        import calendar
        import datetime

        for month in range(12, 0, -1):
            start = datetime.date(position.budget_year.year, month, 1)
            end = start.replace(day=calendar.monthrange(start.year, month)[1])
            if not ActualCost.objects.filter(
                position=position, period_start__lte=end, period_end__gte=start
            ).exists():
                return ActualCost.objects.create(
                    position=position,
                    period_start=start,
                    period_end=end,
                    amount=Decimal("100.00"),
                    state=state,
                    reported_by=users["ja"],
                    confirmed_by=users["ja"] if state == "confirmed" else None,
                ).pk
        raise AssertionError("no free month for a matrix cost row")

    part_p2_ids = {
        "cost_own_reported": _p2_cost(part_p1_ids["pos_own"], "reported"),
        "cost_own_confirmed": _p2_cost(part_p1_ids["pos_own"], "confirmed"),
        "cost_other_reported": _p2_cost(part_p1_ids["pos_other"], "reported"),
        "cost_other_confirmed": _p2_cost(part_p1_ids["pos_other"], "confirmed"),
    }

    world = World(users=users)
    world.ids = {
        "kita_a": kita_a.pk,
        "kita_b": kita_b.pk,
        "kita_f": kita_f.pk,
        "year_f": year_f.pk,
        "ja": ja.pk,
        "ja2": ja2.pk,
        "sr_a": kita_a.sozialraum_id,
        "sr2": sr2.pk,
        "traeger_a": kita_a.traeger_id,
        "traeger_f": kita_f.traeger_id,
        "user_kita": kita_leader.pk,
        "user_fremd": users["fremd"].pk,
        "round_2020": round_2020.pk,
        "plan": plan.pk,
        "draft_plan": draft.pk,
        "line": line.pk,
        "line_version": line.version,
        "year_2026": year_2026.pk,
        "reallocation": reallocation.pk,
        "response": response.pk,
        "run": run.pk,
        **team_ids,
    }
    world.ids.update(part_d_ids)  # issue 15: part D
    world.ids.update(part_b_ids)  # issue 15: part B
    world.ids.update(part_c_ids)  # issue 15: part C
    world.ids.update(part_p1_ids)  # issue 16: part P1
    world.ids.update(part_p2_ids)  # issue 16: part P2
    world.demo_kita_names = list(
        Kita.objects.filter(sozialraum__jugendamt=ja).values_list("name", flat=True)
    )
    world.own_kita_names = {"kita": [kita_a.name], "kita2": [kita_b.name]}
    # rows of the admin's other apps (role groups, login throttling)
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group, Permission

    throttle = {"user_agent": "Matrix", "ip_address": "192.0.2.1", "username": "unbekannt"}
    throttle.update(http_accept="*/*", path_info="/accounts/login/")
    world.admin_objects = {
        "auth.group": Group.objects.get(name=roles.JUGENDAMT).pk,
        "auth.permission": Permission.objects.order_by("pk").first().pk,
        "axes.accessattempt": AccessAttempt.objects.create(
            **throttle, get_data="", post_data="", failures_since_start=1
        ).pk,
        "axes.accesslog": AccessLog.objects.create(**throttle).pk,
        "axes.accessfailurelog": AccessFailureLog.objects.create(**throttle).pk,
        **_outbox_rows(),
        "sozialraeume.jugendamt": ja.pk,
        "sozialraeume.traeger": kita_a.traeger_id,
        "sozialraeume.sozialraum": kita_a.sozialraum_id,
        "sozialraeume.kita": kita_a.pk,
        "sozialraeume.user": kita_leader.pk,
        "surveys.instrument": Instrument.objects.get(code="SRB-2021").pk,
        "surveys.surveyround": round_2020.pk,
        "surveys.response": response.pk,
        "indices.indexrun": run.pk,
        "indices.recomputerequest": recompute.pk,
        "audit.auditevent": AuditEvent.objects.filter(jugendamt=ja).order_by("pk")[0].pk,
        "allocation.budgetyear": year_2026.pk,
        "allocation.allocationplan": plan.pk,
        "allocation.reallocation": reallocation.pk,
        "allocation.plancomment": comment.pk,
        "teams.team": team_ids["team_a"],
        "teams.teammember": team_ids["team_member_ext"],
        "teams.meeting": team_ids["team_meeting"],
    }
    world.admin_objects.update(  # issue 15: part C
        {"foerderung.centre": centre_a.pk, "foerderung.fs4request": fs4_waiting.pk}
    )
    world.admin_objects.update(  # issue 16: the positions' admin (read only)
        {
            "positions.qualification": world.ids["qualification"],
            "positions.position": world.ids["pos_own"],
        }
    )
    # --- issue 17 E1 world (world.ids / world.admin_objects) ---
    # the demo's core-team instrument (frozen: T0/T1 closed, T2 open) and one personal
    # link of T2, made through the service (its raw token exists only in the mail)
    from evaluation import services as eval_services
    from evaluation.models import EvaluationInstrument

    eval_instrument = EvaluationInstrument.objects.get(jugendamt=ja, code="EVAL-KT")
    eval_t2 = eval_instrument.waves.get(code="T2")
    eval_item = eval_instrument.blocks.order_by("position").first().items.first()
    world.ids.update(
        {
            "eval_instrument": eval_instrument.pk,
            "eval_wave": eval_t2.pk,
            "eval_wave_t0": eval_instrument.waves.get(code="T0").pk,
            "eval_item": eval_item.pk,
            "eval_block": eval_item.block_id,
            "eval_token": eval_services.invitations_create(
                wave=eval_t2, addresses="matrix-eval@example.invalid", acting_user=users["ja"]
            ).created[0][1],
        }
    )
    # --- end issue 17 E1 world ---
    # --- issue 17 E2 world ---
    world.ids["network_open_round"] = SurveyRound.objects.get(jugendamt=ja, code="2027").pk
    world.ids["network_foreign_sr"] = sr2.pk
    # --- end issue 17 E2 world ---
    # --- issue 17 E3 world ---
    # knowledge.demo: the team's Sozialraumanalyse (kita_a's Sozialraum), the public graphic
    # (the demo's public page is off), the Konzeption (committee), a picture of kita_a sent
    # in by the Kita leader; here: a public graphic of the second Jugendamt (page on, E4)
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from knowledge import demo as knowledge_demo
    from knowledge.models import ChildPicture, Document
    from knowledge.services import document_create

    def _know_doc(title):
        return Document.objects.get(jugendamt=ja, title=title)

    know_foreign = document_create(
        jugendamt=ja2,
        title="Fremd-Grafik",
        kind="grafik",
        date=datetime.date(2024, 1, 1),
        visibility="public",
        uploaded=SimpleUploadedFile("f.png", knowledge_demo.public_graphic(), "image/png"),
        acting_user=users["fremd"],
    )
    know_docs = {
        "team": _know_doc(knowledge_demo.ANALYSE_TITLE),
        "public": _know_doc(knowledge_demo.GRAFIK_TITLE),
        "konz": _know_doc(knowledge_demo.KONZEPTION_TITLE),
        "foreign": know_foreign,
    }
    for key, document in know_docs.items():
        world.ids[f"know_doc_{key}"] = document.pk
        world.ids[f"know_ver_{key}"] = document.current_version_id
    world.ids["know_picture"] = (
        ChildPicture.objects.filter(kita=kita_a).exclude(image="").order_by("pk").first().pk
    )
    world.ids.update({"know_slug_demo": ja.slug, "know_slug_f": ja2.slug})
    # --- end issue 17 E3 world ---
    # --- issue 18 F1 world ---
    # --- end issue 18 F1 world ---
    # --- issue 18 F3 world ---
    # a correction request for kita_a in the open round 2027 (the Kita leader reads it)
    from quality.models import PlausibilityFinding

    world.ids["quality_round_open"] = SurveyRound.objects.get(jugendamt=ja, code="2027").pk
    world.ids["quality_finding"] = PlausibilityFinding.objects.create(
        round_id=world.ids["quality_round_open"],
        kita=kita_a,
        variable="FM3",
        previous=7.0,
        current=20.0,
        z=2.5,
        k=Decimal("2"),
        state=PlausibilityFinding.State.CORRECTION_REQUESTED,
        note="Matrix-Rückfrage",
    ).pk
    # --- end issue 18 F3 world ---
    # --- issue 18 F4 world ---
    # --- end issue 18 F4 world ---
    # --- issue 18 F5 world ---
    # The demo's invented boundaries and Kita points: the committee report draws its maps
    # (so the Kita-name sweeps see them), the staff map page its Kita points.
    from sozialraeume import demo_geo

    demo_geo.seed()
    # --- end issue 18 F5 world ---
    # --- issue 17 E4 world ---
    # The demo keeps its public results page off (404 for everyone); the second Jugendamt
    # has switched its own on (a page for everyone, with no published year yet).
    Jugendamt.objects.filter(pk=ja2.pk).update(public_page_enabled=True)
    world.ids.update({"public_slug_demo": ja.slug, "public_slug_on": ja2.slug})
    # --- end issue 17 E4 world ---
    assert IndexRun.objects.filter(pk=run.pk).exists()
    return world


def _outbox_rows() -> dict:
    """One row of each model of the mail outbox's admin (django-post-office), if installed."""
    from django.apps import apps

    if not apps.is_installed("post_office"):
        return {}
    from post_office.models import Attachment, Email, EmailTemplate, Log

    email = Email.objects.create(
        from_email="srb@example.invalid", to=["matrix@example.invalid"], subject="Matrix"
    )
    return {
        "post_office.email": email.pk,
        "post_office.log": Log.objects.create(email=email, status=0, message="Matrix").pk,
        "post_office.emailtemplate": EmailTemplate.objects.create(name="matrix").pk,
        "post_office.attachment": Attachment.objects.create(
            file="matrix/anhang.txt", name="anhang.txt"
        ).pk,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo, a second Kita leader and a second Jugendamt, seeded once for the module.

    Every test that uses it must also use ``db``: pytest-django runs ``db`` tests before
    transactional ones (which flush the database), and all users of this fixture have to
    run in one group so it is built once, on the migrated data."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def clients(world, db):
    """One logged-in test client per role (force_login: no password hashing, no axes)."""
    result = {}
    for key, username in ROLES.items():
        c = Client()
        if username:
            c.force_login(world.users[key])
        result[key] = c
    return result


# --- the expected table -----------------------------------------------------------------


@dataclass
class Case:
    name: str  # URL name ("namespace:name")
    kwargs: object = None  # callable(world) -> dict
    expected: dict = field(default_factory=dict)
    query: str = ""
    label: str = ""  # distinguishes several cases of one URL name
    post: object = None  # callable(world) -> dict: POST it as every role it forbids
    post_expected: dict = field(default_factory=dict)  # role -> status for a forbidden POST

    @property
    def id(self):
        return self.label or self.name

    def url(self, world):
        kwargs = self.kwargs(world) if self.kwargs else {}
        url = reverse(self.name, kwargs=kwargs)
        return f"{url}?{self.query}" if self.query else url


def _ids(*names, **fixed):
    def build(world):
        return {**{k: world.ids[v] for k, v in dict(names).items()}, **fixed}

    return build


def forbidden(status, *, allowed=(), **overrides):
    """POST expectation for every role except ``allowed`` (anonymous: login)."""
    expected = {r: status for r in ROLES if r not in allowed}
    expected["anon"] = LOGIN
    expected.update(overrides)
    return expected


ROUND_2027 = {"code": "2027"}
ROUND_2020 = {"code": "2020"}
KITA_A = (("kita_id", "kita_a"),)
PLAN = (("pk", "plan"),)
LINE = (("pk", "line"),)
YEAR = (("pk", "year_2026"),)
RUN_ROUND = (("round_id", "round_2020"),)
REPORT_ROLES = {r: 200 for r in (*STAFF, "ausschuss")}
LINE_FORM = {
    "strand": "FS1",
    "fte": "0.50",
    "annual_cost": "35000.00",
    "justification": "Matrix",
    "qualification": "",
    "reason": "Matrix",
}

CASES: list[Case] = [
    # --- project-wide ---------------------------------------------------------------
    Case("start", expected=row(302)),  # every signed-in role is sent to its start page
    Case("healthz", expected=row(200, anon=200)),
    Case(
        "invite_user",
        expected=row(403, ja=200, jal=200, admin=200, fremd=200),
        post=lambda w: {
            "email": "neu@example.invalid",
            "first_name": "Neu",
            "last_name": "Person",
            "role": roles.KITA_LEITUNG,
            "kitas": [w.ids["kita_a"]],
        },
        post_expected=forbidden(403, allowed=(*STAFF, "fremd")),
    ),
    # Django's auth views: public, or for any signed-in user
    Case("login", expected=row(200, anon=200)),
    Case("logout", expected=row(405, anon=405)),  # POST only (Django 5)
    Case("password_change", expected=row(200)),
    Case("password_change_done", expected=row(200)),
    Case("password_reset", expected=row(200, anon=200)),
    Case("password_reset_done", expected=row(200, anon=200)),
    Case(
        "password_reset_confirm",
        kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"},
        expected=row(200, anon=200),  # "link invalid" page
    ),
    Case("password_reset_complete", expected=row(200, anon=200)),
    Case("set_language", expected=row(302, anon=302)),
    # --- surveys (/erhebung/) -----------------------------------------------------------
    Case("surveys:kita_overview", expected=row(403, kita=200, kita2=200)),
    Case(
        "surveys:form",
        kwargs=_ids(*KITA_A, **ROUND_2027),
        expected=row(404, kita=200),
        post=lambda w: {"action": "save", "version": 0, "A1": "60"},
        post_expected=forbidden(404, allowed=("kita",)),
    ),
    # --- the questionnaire's confirmation step and autosave (issue 14): own Kita only ---
    Case(
        "surveys:check",
        kwargs=_ids(*KITA_A, **ROUND_2027),
        expected=row(404, kita=200),
        post=lambda w: {"version": 0},
        post_expected=forbidden(404, allowed=("kita",)),
    ),
    Case(
        "surveys:autosave",
        kwargs=_ids(*KITA_A, **ROUND_2027),
        expected=POST_ONLY,
        post=lambda w: {"version": 0, "A1": "60"},
        post_expected=forbidden(404, allowed=("kita",)),
    ),
    Case(
        "surveys:round_list",
        expected=row(404, **{r: 200 for r in STAFF}, fremd=200),
        post=lambda w: {"code": "2099", "stichtag": "2099-10-01", "closes_on": "2099-11-15"},
        post_expected=forbidden(404, allowed=(*STAFF, "fremd")),
    ),
    Case("surveys:round_detail", kwargs=lambda w: ROUND_2027, expected=staff_object()),
    Case(
        "surveys:round_transition",
        kwargs=lambda w: {**ROUND_2027, "action": "schliessen"},
        expected=POST_ONLY,
        post=lambda w: {},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "surveys:round_remind",
        kwargs=lambda w: ROUND_2027,
        expected=POST_ONLY,
        post=lambda w: {},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "surveys:round_export",
        kwargs=lambda w: {**ROUND_2020, "fmt": "csv"},
        expected=staff_object(),
    ),
    Case(
        "surveys:round_export",
        label="surveys:round_export xlsx",
        kwargs=lambda w: {**ROUND_2020, "fmt": "xlsx"},
        expected=staff_object(),
    ),
    Case(
        "surveys:round_import",
        kwargs=lambda w: ROUND_2020,
        expected=staff_object(),
        post=lambda w: {},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case("surveys:round_history", kwargs=lambda w: ROUND_2020, expected=staff_object()),
    Case(
        "surveys:round_partners",
        kwargs=lambda w: ROUND_2027,
        expected=staff_object(),
        post=lambda w: {"labels": "Grundschule\nMatrix-Partner"},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "surveys:response_detail",
        kwargs=_ids(*KITA_A, **ROUND_2020),
        expected=staff_object(),
        post=lambda w: {"review_state": "rueckfrage", "review_comment": "Matrix"},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "surveys:response_reopen",
        kwargs=_ids(*KITA_A, **ROUND_2020),
        expected=POST_ONLY,
        post=lambda w: {"reason": "Matrix"},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    # --- indices (/auswertung/) ---------------------------------------------------------
    Case("indices:overview", expected=row(403, **{r: 200 for r in STAFF}, fremd=200)),
    Case("indices:kita_detail", kwargs=_ids(*KITA_A), expected=staff_object(403)),
    # own Kita(s): one Kita -> straight to it; several (staff, Träger) -> a list
    Case(
        "indices:my_kita",
        expected=row(200, kita=302, kita2=302, fremd=302, ausschuss=403),
    ),
    Case(
        "indices:my_kita_detail",
        kwargs=_ids(*KITA_A),
        expected=staff_object(404, kita=200, traeger=200),
    ),
    Case(
        "indices:run_start",
        kwargs=_ids(*RUN_ROUND),
        expected=POST_ONLY,
        post=lambda w: {},
        post_expected=forbidden(403, allowed=STAFF, fremd=404),
    ),
    Case("indices:run_status", kwargs=_ids(*RUN_ROUND), expected=staff_object(403)),
    # --- allocation (/verteilung/) ------------------------------------------------------
    Case(
        "allocation:plan_list",
        expected=row(403, **{r: 200 for r in STAFF}, fremd=200, traeger=302),
    ),
    Case(
        "allocation:traeger_dashboard",
        expected=row(403, **{r: 200 for r in STAFF}, fremd=200, traeger=200),
    ),
    *[
        Case(
            f"allocation:{name}",
            kwargs=_ids(*YEAR),
            expected=POST_ONLY,
            post=post,
            post_expected=forbidden(404, allowed=STAFF),
        )
        for name, post in [
            ("budget_year_shares", lambda w: {"carry_forward": "1", "reason": "Matrix"}),
            ("budget_year_plans", lambda w: {}),
            (
                "reallocation_create",
                lambda w: {"amount": "1.00", "reason": "Matrix"},
            ),
        ]
    ],
    # plan of 2026 (approved) in the Sozialraum of the demo Kita; the Träger has a Kita in it
    Case("allocation:plan_detail", kwargs=_ids(*PLAN), expected=staff_object(traeger=200)),
    # the draft of 2027 in the same Sozialraum: the Träger neither sees nor comments it
    Case(
        "allocation:plan_detail",
        label="allocation:plan_detail draft",
        kwargs=_ids(("pk", "draft_plan")),
        expected=staff_object(),
    ),
    Case(
        "allocation:plan_comment",
        label="allocation:plan_comment draft",
        kwargs=_ids(("pk", "draft_plan")),
        expected=POST_ONLY,
        post=lambda w: {"text": "Matrix"},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    # The Träger sees the plan: the refusal is a message on the plan page (302), not a 404.
    Case(
        "allocation:plan_propose",
        kwargs=_ids(*PLAN),
        expected=POST_ONLY,
        post=lambda w: {},
        post_expected=forbidden(404, allowed=STAFF, traeger=302),
    ),
    # The demo plan is approved: only the Jugendamt-Leitung takes a decision back (four
    # eyes); a Fachkraft or the Administration sees the plan, so the refusal is a message.
    Case(
        "allocation:plan_transition",
        kwargs=lambda w: {"pk": w.ids["plan"], "action": "rework"},
        expected=POST_ONLY,
        post=lambda w: {"reason": "Matrix"},
        post_expected=forbidden(404, allowed=("jal",), ja=302, admin=302, traeger=302),
    ),
    Case(
        "allocation:plan_consultation_shorten",
        kwargs=_ids(*PLAN),
        expected=POST_ONLY,
        post=lambda w: {"reason": "Matrix", "public_reason": "Matrix"},
        post_expected=forbidden(404, allowed=("jal",), ja=302, admin=302, traeger=302),
    ),
    # The matrix's reallocation is a proposal by the Fachkraft ("ja"): only another person
    # of the Leitung decides it; staff see it, so their refusal is a message.
    *[
        Case(
            f"allocation:{name}",
            kwargs=_ids(("pk", "reallocation")),
            expected=POST_ONLY,
            post=lambda w: {"reason": "Matrix"},
            post_expected=forbidden(404, allowed=("jal",), ja=302, admin=302),
        )
        for name in ("reallocation_approve", "reallocation_reject")
    ],
    Case(
        "allocation:plan_comment",
        kwargs=_ids(*PLAN),
        expected=POST_ONLY,
        post=lambda w: {"text": "Matrix"},
        post_expected=forbidden(404, allowed=(*STAFF, "traeger")),
    ),
    Case(
        "allocation:line_add",
        kwargs=_ids(*PLAN),
        expected=staff_object(),
        post=lambda w: {**LINE_FORM, "kita": w.ids["kita_a"]},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case("allocation:plan_history", kwargs=_ids(*PLAN), expected=staff_object()),
    Case(
        "allocation:line_edit",
        kwargs=_ids(*LINE),
        expected=staff_object(),
        post=lambda w: {**LINE_FORM, "version": w.ids["line_version"]},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "allocation:line_delete",
        kwargs=_ids(*LINE),
        expected=POST_ONLY,
        post=lambda w: {"version": w.ids["line_version"], "reason": "Matrix"},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "allocation:kita_history",
        kwargs=lambda w: {"pk": w.ids["kita_a"]},
        expected=staff_object(kita=200, traeger=200),
    ),
    # --- reports (/berichte/) -----------------------------------------------------------
    # Years are looked up in the user's own Jugendamt: the second Jugendamt's staff get
    # their own 2026 (see test_foreign_staff_see_nothing_of_the_demo_jugendamt) and 404
    # for a year only the demo has (2021).
    Case(
        "reports:committee_latest",
        expected=row(403, **{r: 302 for r in (*STAFF, "ausschuss", "fremd")}),
    ),
    Case(
        "reports:committee",
        kwargs=lambda w: {"year": 2026},
        expected=row(403, **REPORT_ROLES, fremd=200),
    ),
    Case(
        "reports:committee",
        label="reports:committee 2021",
        kwargs=lambda w: {"year": 2021},
        expected=row(403, **REPORT_ROLES, fremd=404),
    ),
    Case(
        "reports:committee",
        label="reports:committee pdf",
        kwargs=lambda w: {"year": 2026},
        query="format=pdf",
        expected=row(403, **REPORT_ROLES, fremd=200),
    ),
    Case("reports:trends", expected=row(403, **REPORT_ROLES, fremd=200)),
    Case("reports:dashboard", expected=row(403, **{r: 200 for r in STAFF}, fremd=200)),
    Case("reports:traeger", expected=row(403, traeger=302)),
    Case("reports:kita", expected=row(403, kita=200, kita2=200)),
    Case("reports:exports", expected=row(403, **{r: 200 for r in STAFF}, fremd=200)),
    Case(
        "reports:export_kita_indices",
        kwargs=_ids(*RUN_ROUND),
        expected=staff_object(403),
    ),
    Case(
        "reports:export_sozialraum_indices",
        kwargs=_ids(*RUN_ROUND),
        expected=staff_object(403),
    ),
    Case(
        "reports:export_lines",
        kwargs=lambda w: {"year": 2026},
        expected=staff_object(403, fremd=200),
    ),
    Case(
        "reports:export_lines",
        label="reports:export_lines 2021",
        kwargs=lambda w: {"year": 2021},
        expected=staff_object(403),
    ),
    *[
        Case(
            "reports:export_proof_of_use",
            label=f"reports:export_proof_of_use {fmt}",
            kwargs=lambda w, fmt=fmt: {"year": 2026, "fmt": fmt},
            expected=staff_object(403, fremd=200),
        )
        for fmt in ("xlsx", "pdf")
    ],
    Case(
        "reports:export_proof_of_use",
        label="reports:export_proof_of_use 2021",
        kwargs=lambda w: {"year": 2021, "fmt": "pdf"},
        expected=staff_object(403),
    ),
    # the proof of use's page (issue 16): the year's staff; the sign-off: the Leitung only
    Case(
        "reports:proof_of_use",
        kwargs=lambda w: {"year": 2026},
        expected=staff_object(403, fremd=200),
    ),
    Case(
        "reports:proof_of_use",
        label="reports:proof_of_use stichtag",
        kwargs=lambda w: {"year": 2026},
        query="stichtag=2026-06-30",
        expected=staff_object(403, fremd=200),
    ),
    Case(
        "reports:proof_sign",
        kwargs=lambda w: {"year": 2026},
        expected=POST_ONLY,
        post=lambda w: {"figures_hash": ""},
        # the Leitung, and the superuser of the demo Jugendamt
        post_expected=forbidden(403, allowed=("jal", "admin")),
    ),
    # --- audit (/protokoll/): each Jugendamt's staff read their own trail ---------------
    Case("audit:event_list", expected=row(403, **{r: 200 for r in STAFF}, fremd=200)),
    Case(
        "audit:event_list",
        label="audit:event_list filtered",
        query="aktion=plan.approve&seite=2",
        expected=row(403, **{r: 200 for r in STAFF}, fremd=200),
    ),
    # --- objects of the SECOND Jugendamt: 404 for everyone of the demo Jugendamt ---------
    Case(
        "indices:kita_detail",
        label="indices:kita_detail foreign Kita",
        kwargs=_ids(("kita_id", "kita_f")),
        expected=row(403, **{r: 404 for r in STAFF}, fremd=200),
    ),
    Case(
        "indices:my_kita_detail",
        label="indices:my_kita_detail foreign Kita",
        kwargs=_ids(("kita_id", "kita_f")),
        expected=row(404, fremd=200),
    ),
    Case(
        "allocation:kita_history",
        label="allocation:kita_history foreign Kita",
        kwargs=_ids(("pk", "kita_f")),
        expected=row(404, fremd=200),
    ),
    Case(
        "surveys:form",
        label="surveys:form foreign Kita",
        kwargs=_ids(("kita_id", "kita_f"), **ROUND_2027),
        expected=row(404),
    ),
    Case(
        "surveys:check",
        label="surveys:check foreign Kita (issue 14)",
        kwargs=_ids(("kita_id", "kita_f"), **ROUND_2027),
        expected=row(404),
    ),
    Case(
        "surveys:autosave",
        label="surveys:autosave foreign Kita (issue 14)",
        kwargs=_ids(("kita_id", "kita_f"), **ROUND_2027),
        expected=POST_ONLY,
        post=lambda w: {"version": 0, "A1": "60"},
        post_expected=forbidden(404),
    ),
    Case(
        "allocation:budget_year_plans",
        label="allocation:budget_year_plans foreign year",
        kwargs=_ids(("pk", "year_f")),
        expected=POST_ONLY,
        post=lambda w: {},
        post_expected=forbidden(404, allowed=("fremd",)),
    ),
    # --- people and roles (/personen/, issue 13; sozialraeume.permissions.UserPolicy) ---
    # The people of the own Jugendamt: its staff see them (403 for everyone else); a person
    # is an object (404 outside the Jugendamt). Invitations, reset links and deactivation
    # of the Kita leader: the staff; roles: only the Administration (the Fachkraft and the
    # Leitung get 403). Every action is a POST.
    Case("sozialraeume:people_list", expected=row(403, **{r: 200 for r in STAFF}, fremd=200)),
    Case(
        "sozialraeume:person_detail",
        kwargs=_ids(("pk", "user_kita")),
        expected=staff_object(),
    ),
    Case(
        "sozialraeume:person_resend_invitation",
        kwargs=_ids(("pk", "user_kita")),
        expected=POST_ONLY,
        post=lambda w: {},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "sozialraeume:person_send_reset_link",
        kwargs=_ids(("pk", "user_kita")),
        expected=POST_ONLY,
        post=lambda w: {},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "sozialraeume:person_set_active",
        kwargs=_ids(("pk", "user_kita")),
        expected=POST_ONLY,
        post=lambda w: {"active": "0"},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "sozialraeume:person_role_grant",
        kwargs=_ids(("pk", "user_kita")),
        expected=POST_ONLY,
        post=lambda w: {"role": roles.JUGENDAMT_LEITUNG},
        post_expected=forbidden(404, allowed=("admin",), ja=403, jal=403),
    ),
    Case(
        "sozialraeume:person_role_revoke",
        kwargs=_ids(("pk", "user_kita")),
        expected=POST_ONLY,
        post=lambda w: {"role": roles.KITA_LEITUNG},
        post_expected=forbidden(404, allowed=("admin",), ja=403, jal=403),
    ),
    Case(
        # no request in the demo: every role gets the same 404 as for a foreign one
        # (tests/sozialraeume/test_people_views.py decides real requests)
        "sozialraeume:role_grant_decide",
        kwargs=lambda w: {"pk": 10**9},
        expected=POST_ONLY,
        post=lambda w: {"decision": "confirm", "version": 1},
        post_expected=forbidden(404),
    ),
    # --- issue 15: part C (FS2 centres, FS4 requests; foerderung.permissions) ---
    # Centres: staff see the list (403 for everyone else); the planners (Fachkraft,
    # Leitung; the demo's Administration is a superuser, who plans too) create, change and
    # close (404 for everyone else).
    Case("foerderung:centre_list", expected=row(403, **{r: 200 for r in STAFF}, fremd=200)),
    Case(
        "foerderung:centre_create",
        kwargs=_ids(("sozialraum_pk", "sr_b")),
        expected=row(404, ja=200, jal=200, admin=200),
        post=lambda w: {"name": "Gekapert", "premises": "separate"},
        post_expected=forbidden(404, allowed=("ja", "jal", "admin")),
    ),
    Case(
        "foerderung:centre_edit",
        kwargs=_ids(("pk", "centre_a")),
        expected=row(404, ja=200, jal=200, admin=200),
        post=lambda w: {"name": "Gekapert", "premises": "separate"},
        post_expected=forbidden(404, allowed=("ja", "jal", "admin")),
    ),
    Case(
        "foerderung:centre_close",
        kwargs=_ids(("pk", "centre_a")),
        expected=POST_ONLY,
        post=lambda w: {"closed_on": "2030-01-01"},
        post_expected=forbidden(404, allowed=("ja", "jal", "admin")),
    ),
    # FS4 requests: Kita leaders and Träger submit for their own Kitas and see those
    # Kitas' requests (kita2 never kita_a's: 404), staff see all of their Jugendamt's,
    # the planners decide; the committee sees none (403 / 404).
    Case(
        "foerderung:fs4_list",
        expected=row(403, kita=200, kita2=200, traeger=200, **{r: 200 for r in STAFF}, fremd=200),
    ),
    Case(
        "foerderung:fs4_submit",
        expected=row(403, kita=200, kita2=200, traeger=200),
        post=lambda w: {
            "kita": w.ids["kita_a"],
            "need": "Gekapert",
            "justification": "Gekapert",
            "fte": "0,50",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
        },
        post_expected=forbidden(403, allowed=("kita", "kita2", "traeger")),
    ),
    Case(
        "foerderung:fs4_detail",
        kwargs=_ids(("pk", "fs4_waiting")),
        expected=staff_object(kita=200, traeger=200),
    ),
    Case(
        "foerderung:fs4_decide",
        kwargs=_ids(("pk", "fs4_waiting")),
        expected=POST_ONLY,
        post=lambda w: {"decision": "accept", "reason": "Gekapert"},
        post_expected=forbidden(404, allowed=("ja", "jal", "admin"), kita=403, traeger=403),
    ),
    Case(
        "foerderung:fs4_attachment",
        kwargs=_ids(("pk", "fs4_file")),
        expected=staff_object(kita=200, traeger=200),
    ),
]

# --- the committee report's goals (/berichte/ziele/, issue 14) ---------------------------
# The Jugendamt's goals text: its Leitung and Administration write it (the Fachkraft, the
# committee and everyone else get 403; the second Jugendamt's Fachkraft too). A forbidden
# POST changes nothing (the goals service writes an audit event).
CASES += [
    Case(
        "reports:goals",
        expected=row(403, jal=200, admin=200),
        post=lambda w: {"goals_text": "Matrix-Ziele"},
        post_expected=forbidden(403, allowed=("jal", "admin")),
    ),
    # --- issue 15: part D (Kita leaders in the consultation, answers, FS3 exceptions) ---
    # The plan as one Kita sees it: its leader, the Jugendamt's staff and the Kita's
    # Träger; another Kita's leader, the committee and foreign staff get 404.
    Case(
        "allocation:kita_consultation",
        kwargs=_ids(("pk", "consult_plan"), *KITA_A),
        expected=staff_object(kita=200, traeger=200),
    ),
    # another Sozialraum's Kita (the one kita2 leads) is not in the plan: 404 for everyone
    Case(
        "allocation:kita_consultation",
        label="allocation:kita_consultation other Kita",
        kwargs=_ids(("pk", "consult_plan"), ("kita_id", "kita_b")),
        expected=row(404),
    ),
    # a draft is no Kita leader's (nor Träger's) to read; a decided plan is, read-only
    Case(
        "allocation:kita_consultation",
        label="allocation:kita_consultation draft",
        kwargs=_ids(("pk", "draft_plan"), *KITA_A),
        expected=staff_object(),
    ),
    Case(
        "allocation:kita_consultation",
        label="allocation:kita_consultation approved",
        kwargs=_ids(*PLAN, *KITA_A),
        expected=staff_object(kita=200, traeger=200),
    ),
    # Only the Kita's leader comments there (the others comment on the plan page).
    Case(
        "allocation:kita_comment",
        kwargs=_ids(("pk", "consult_plan"), *KITA_A),
        expected=POST_ONLY,
        post=lambda w: {"text": "Matrix"},
        post_expected=forbidden(404, allowed=("kita",)),
    ),
    # The Jugendamt's planners answer a comment; nobody else finds it.
    Case(
        "allocation:comment_answer",
        kwargs=_ids(("pk", "consult_comment")),
        expected=POST_ONLY,
        post=lambda w: {"text": "Matrix"},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    # Only the Jugendamt-Leitung accepts an FS3 exception.
    Case(
        "allocation:line_exception_accept",
        kwargs=_ids(("pk", "fs3_line")),
        expected=POST_ONLY,
        post=lambda w: {"version": w.ids["fs3_line_version"]},
        post_expected=forbidden(404, allowed=("jal",)),
    ),
    # --- issue 15: part A (Sozialraum-Teams: teams, members, meetings, minutes) ---
    # The demo team of kita_a's Sozialraum: its Kita leader ("kita") and the Träger are
    # members and see the team and its meetings; the Jugendamt's staff see and manage
    # every team of their Jugendamt; kita2 (another Sozialraum), the committee (counts
    # only, in the report) and foreign staff find nothing (404; the list: 403). Minutes
    # are written only by the contact person ("jugendamt") or a named minute-taker.
    Case(
        "teams:team_list",
        expected=row(403, **{r: 200 for r in STAFF}, fremd=200, kita=200, traeger=200),
    ),
    Case(
        "teams:team_create",
        expected=row(403, **{r: 200 for r in STAFF}, fremd=200),
        post=lambda w: {"sozialraum": w.ids["sr_b"]},
        post_expected=forbidden(403, allowed=(*STAFF, "fremd")),
    ),
    Case(
        "teams:team_detail",
        kwargs=_ids(("pk", "team_a")),
        expected=staff_object(kita=200, traeger=200),
    ),
    Case(
        "teams:team_contact",
        kwargs=_ids(("pk", "team_a")),
        expected=POST_ONLY,
        post=lambda w: {"contact_person": w.users["jal"].pk},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "teams:member_add",
        kwargs=_ids(("pk", "team_a")),
        expected=staff_object(),
        post=lambda w: {"which": "extern", "extern-kind": "eltern", "extern-name": "Matrix"},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "teams:member_leave",
        kwargs=_ids(("pk", "team_member_ext")),
        expected=POST_ONLY,
        post=lambda w: {"left_on": ""},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "teams:meeting_plan_year",
        kwargs=_ids(("pk", "team_a")),
        expected=POST_ONLY,
        post=lambda w: {"year": "2031"},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "teams:meeting_create",
        kwargs=_ids(("pk", "team_a")),
        expected=staff_object(),
        post=lambda w: {
            "title": "Matrix-Sitzung",
            "date": "2031-03-11",
            "start_time": "14:00",
            "end_time": "16:00",
        },
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "teams:meeting_detail",
        kwargs=_ids(("pk", "team_meeting")),
        expected=staff_object(kita=200, traeger=200),
    ),
    Case(
        "teams:meeting_edit",
        kwargs=_ids(("pk", "team_meeting")),
        expected=staff_object(),
        post=lambda w: {
            "title": "Gekapert",
            "date": "2031-03-11",
            "start_time": "14:00",
            "end_time": "16:00",
        },
        post_expected=forbidden(404, allowed=STAFF),
    ),
    *[
        Case(
            f"teams:{name}",
            kwargs=_ids(("pk", "team_meeting")),
            expected=POST_ONLY,
            post=post,
            post_expected=forbidden(404, allowed=STAFF),
        )
        for name, post in [
            ("meeting_invite", lambda w: {}),
            ("meeting_cancel", lambda w: {}),
            ("task_add", lambda w: {"aufgabe-text": "Matrix"}),
            ("document_add", lambda w: {}),
        ]
    ],
    # release hours of every member: only staff; the attendance form is the managers'
    Case(
        "teams:meeting_attendance",
        kwargs=_ids(("pk", "team_meeting")),
        expected=staff_object(),
        post=lambda w: {},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "teams:meeting_minutes",
        kwargs=_ids(("pk", "team_meeting")),
        expected=row(404, ja=200),
        post=lambda w: {"minutes": "Gekapert", "decisions": "", "note": "Matrix"},
        post_expected=forbidden(404, allowed=("ja",)),
    ),
    # the demo task belongs to a member without an account: only staff tick it
    Case(
        "teams:task_done",
        kwargs=_ids(("pk", "team_task")),
        expected=POST_ONLY,
        post=lambda w: {"done": "1"},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "teams:document_download",
        kwargs=_ids(("pk", "team_document")),
        expected=staff_object(kita=200, traeger=200),
    ),
    # --- issue 15: part B (release time, reviews of the distribution) ---
    # Release requests: the Kita leader asks for the own Kita where its Sozialraum has a
    # team (kita2's has none: 403); a request is seen by staff, the Kita's leader and its
    # Träger, decided by the planners (and the demo's superuser); kita2, the committee and
    # foreign staff find nothing (404). The yearly summary: every role but the committee,
    # each for their own Kitas (a second Jugendamt's staff: their own, empty). Reviews are
    # the Jugendamt's pages (staff only); the demo review is open, so no one may decide it.
    Case(
        "teams:release_list",
        expected=row(403, **{r: 200 for r in STAFF}, fremd=200, kita=200, kita2=200, traeger=200),
    ),
    Case(
        "teams:release_new",
        expected=row(403, kita=200),
        post=lambda w: {"kita": w.ids["kita_a"], "task": "Matrix", "hours": "2"},
        post_expected=forbidden(403, allowed=("kita",)),
    ),
    Case(
        "teams:release_detail",
        kwargs=_ids(("pk", "release")),
        expected=staff_object(kita=200, traeger=200),
    ),
    Case(
        "teams:release_decide",
        kwargs=_ids(("pk", "release")),
        expected=POST_ONLY,
        post=lambda w: {"decision": "approve", "reason": "Matrix"},
        post_expected=forbidden(404, allowed=STAFF, kita=403, traeger=403),
    ),
    *[
        Case(
            f"teams:{name}",
            expected=row(
                403, **{r: 200 for r in STAFF}, fremd=200, kita=200, kita2=200, traeger=200
            ),
        )
        for name in ("release_summary", "release_summary_xlsx")
    ],
    Case("teams:review_list", expected=row(403, **{r: 200 for r in STAFF}, fremd=200)),
    Case(
        "teams:review_open",
        expected=POST_ONLY,
        post=lambda w: {"sozialraum": w.ids["sr_b"], "reason": "Matrix"},
        post_expected=forbidden(403, allowed=(*STAFF, "fremd")),
    ),
    Case("teams:review_detail", kwargs=_ids(("pk", "review")), expected=staff_object()),
    Case(
        "teams:review_hold",
        kwargs=_ids(("pk", "review")),
        expected=POST_ONLY,
        post=lambda w: {"meeting": w.ids["team_meeting"], "findings": "M", "recommendation": "M"},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "teams:review_decide",
        kwargs=_ids(("pk", "review")),
        expected=POST_ONLY,
        post=lambda w: {"outcome": "keep", "reason": "Matrix"},
        post_expected=forbidden(404, ja=403, jal=403, admin=403),
    ),
    # --- issue 16: part P1 (positions from approved lines, qualifications, next year) ---
    # Positions: staff of the Jugendamt see all (a second Jugendamt's staff their own,
    # none), a Träger only the positions it employs (another Träger's: 404) and changes
    # none (its own: 403); Kita leaders and the committee see no position (list 403,
    # objects 404). The qualification catalogue is the staff's page; positions from an
    # approved plan and the next year's plan are the planners' steps.
    Case(
        "positions:position_list",
        expected=row(403, **{r: 200 for r in STAFF}, fremd=200, traeger=200),
    ),
    Case(
        "positions:position_detail",
        kwargs=_ids(("pk", "pos_own")),
        expected=staff_object(traeger=200),
        label="positions:position_detail (own Träger)",
    ),
    Case(
        "positions:position_detail",
        kwargs=_ids(("pk", "pos_other")),
        expected=staff_object(),
        label="positions:position_detail (other Träger)",
    ),
    Case(
        "positions:position_edit",
        kwargs=_ids(("pk", "pos_own")),
        expected=staff_object(traeger=403),
        post=lambda w: {"starts_on": "2026-01-01", "ends_on": "", "employer": w.ids["traeger_a"]},
        post_expected=forbidden(404, allowed=STAFF, traeger=403),
    ),
    Case(
        "positions:position_months",
        kwargs=_ids(("pk", "pos_own")),
        expected=staff_object(traeger=403),
        post=lambda w: {"m1": "on"},
        post_expected=forbidden(404, allowed=STAFF, traeger=403),
    ),
    Case(
        "positions:position_shares",
        kwargs=_ids(("pk", "pos_own")),
        expected=staff_object(traeger=403),
        post=lambda w: {f"p{w.ids['kita_a']}": "100"},
        post_expected=forbidden(404, allowed=STAFF, traeger=403),
    ),
    Case(
        "positions:position_check",
        kwargs=_ids(("pk", "pos_own")),
        expected=POST_ONLY,
        post=lambda w: {"checked_on": "2026-02-01"},
        post_expected=forbidden(404, allowed=STAFF, traeger=403),
    ),
    Case(
        "positions:plan_positions",
        kwargs=_ids(("plan_pk", "pos_plan_open")),
        expected=staff_object(traeger=403),
        post=lambda w: {"line": "0", "count": "1", "starts_on": "2026-01-01"},
        post_expected=forbidden(404, allowed=STAFF, traeger=403),
    ),
    Case(
        "positions:plan_from_positions",
        expected=POST_ONLY,
        post=lambda w: {"budget_year": w.ids["year_2026"], "sozialraum": w.ids["sr_a"]},
        post_expected=forbidden(403, allowed=(*STAFF, "fremd")),
    ),
    Case(
        "positions:qualification_list",
        expected=row(403, **{r: 200 for r in STAFF}, fremd=200),
        post=lambda w: {"code": "MX", "name": "Matrix", "legal_basis": ""},
        post_expected=forbidden(403, allowed=(*STAFF, "fremd")),
    ),
    Case(
        "positions:qualification_toggle",
        kwargs=_ids(("pk", "qualification")),
        expected=POST_ONLY,
        post=lambda w: {"active": "0"},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    # --- issue 16: part P2 (actual costs: list, report, change, correct, confirm, import) ---
    # Staff of the Jugendamt see every position's costs, a Träger those of the positions it
    # employs (another Träger's: 404); planners and the Träger report, change, correct and
    # import (a second Jugendamt's planners on this year: 404);
    # only planners confirm. Kita leaders and the committee: nothing (403).
    Case(
        "positions:cost_years",
        expected=row(403, **{r: 200 for r in STAFF}, fremd=200, traeger=200),
    ),
    Case(
        "positions:cost_list",
        kwargs=_ids(("year_pk", "year_2026")),
        expected=staff_object(403, traeger=200),
    ),
    *[
        Case(
            f"positions:{name}",
            kwargs=_ids(("year_pk", "year_2026")),
            expected=row(403, **{r: 200 for r in STAFF}, traeger=200, fremd=404),
            post=(lambda w: {}) if name == "cost_import" else None,
            post_expected=forbidden(403, allowed=(*STAFF, "traeger"), fremd=404),
        )
        for name in ("cost_import", "cost_template")
    ],
    *[
        Case(
            "positions:cost_report",
            kwargs=_ids(("position_pk", pos)),
            expected=row(403, **{r: 200 for r in STAFF}, traeger=traeger, fremd=404),
            post=lambda w: {
                "period_start": "2026-11-01",
                "period_end": "2026-11-30",
                "amount": "1,00",
            },
            post_expected=forbidden(
                403,
                allowed=STAFF + (("traeger",) if traeger == 200 else ()),
                fremd=404,
                **({} if traeger == 200 else {"traeger": 404}),
            ),
            label=f"positions:cost_report ({pos})",
        )
        for pos, traeger in (("pos_own", 200), ("pos_other", 404))
    ],
    *[
        Case(
            f"positions:{name}",
            kwargs=_ids(("pk", f"cost_{whose}_{state}")),
            expected=row(403, **{r: 200 for r in STAFF}, traeger=traeger, fremd=404),
            post=lambda w: {
                "period_start": "2026-11-01",
                "period_end": "2026-11-30",
                "amount": "2,00",
                "reason": "Matrix",
            },
            post_expected=forbidden(
                403,
                allowed=STAFF + (("traeger",) if traeger == 200 else ()),
                fremd=404,
                **({} if traeger == 200 else {"traeger": 404}),
            ),
            label=f"positions:{name} ({whose})",
        )
        for name, state in (("cost_change", "reported"), ("cost_correct", "confirmed"))
        for whose, traeger in (("own", 200), ("other", 404))
    ],
    Case(
        "positions:cost_confirm",
        kwargs=_ids(("pk", "cost_own_reported")),
        expected=POST_ONLY,
        post=lambda w: {},
        post_expected=forbidden(403, allowed=STAFF, fremd=404),
    ),
    # --- issue 16: part P3 (budget execution per Sozialraum and year) ---
    # Staff of the demo Jugendamt; the second Jugendamt's Fachkraft reads its own 2026
    # (no demo figure); Träger, Kita leaders and the committee get 403 (the committee
    # reads the Sozialraum summary in its report); a year without a budget year is 404.
    Case(
        "positions:execution",
        kwargs=_ids(year=2026),
        expected=row(403, **{r: 200 for r in STAFF}, fremd=200),
    ),
    Case(
        "positions:execution",
        label="positions:execution no budget year",
        kwargs=_ids(year=2031),
        expected=row(403, **{r: 404 for r in STAFF}, fremd=404),
    ),
    # --- issue 17 E1: evaluation (instruments, waves, personal links, results) ---
    # The Jugendamt's staff see instruments, waves, progress and results (with the free
    # texts); its planners (and the demo's superuser) manage them; everyone else gets 404
    # for the objects (403 for the list), a second Jugendamt's staff 404 (they may create
    # their own instrument). The personal link needs no account: anyone with it opens the
    # questionnaire (an unknown token: 404); the thank-you page is public.
    Case("evaluation:instrument_list", expected=row(403, **{r: 200 for r in STAFF}, fremd=200)),
    Case(
        "evaluation:instrument_create",
        expected=POST_ONLY,
        post=lambda w: {"respondent_type": "funded_staff", "title": "Matrix"},
        post_expected=forbidden(403, allowed=(*STAFF, "fremd")),
    ),
    *[
        Case(f"evaluation:{name}", kwargs=_ids(("pk", "eval_instrument")), expected=staff_object())
        for name in ("instrument_detail", "instrument_comparison", "instrument_export")
    ],
    Case(
        "evaluation:instrument_new_version",
        kwargs=_ids(("pk", "eval_instrument")),
        expected=POST_ONLY,
        post=lambda w: {},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "evaluation:item_edit",
        kwargs=_ids(("pk", "eval_item")),
        expected=staff_object(),
        post=lambda w: {"text": "Gekapert", "kind": "text", "options": ""},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "evaluation:item_create",
        kwargs=_ids(("block_pk", "eval_block")),
        expected=staff_object(),
        post=lambda w: {"text": "Eingeschleust", "kind": "text", "options": ""},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "evaluation:item_delete",
        kwargs=_ids(("pk", "eval_item")),
        expected=POST_ONLY,
        post=lambda w: {},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case("evaluation:wave_detail", kwargs=_ids(("pk", "eval_wave")), expected=staff_object()),
    Case("evaluation:wave_results", kwargs=_ids(("pk", "eval_wave_t0")), expected=staff_object()),
    *[
        Case(
            f"evaluation:{name}",
            kwargs=_ids(("pk", "eval_wave")),
            expected=POST_ONLY,
            post=post,
            post_expected=forbidden(404, allowed=STAFF),
        )
        for name, post in (
            ("wave_dates", lambda w: {"opens_on": "2026-01-01", "closes_on": "2026-01-02"}),
            ("wave_open", lambda w: {}),
            ("wave_close", lambda w: {}),
            ("wave_invite", lambda w: {"addresses": "gekapert@example.invalid"}),
            ("wave_remind", lambda w: {}),
        )
    ],
    Case(
        "evaluation:answer",
        kwargs=lambda w: {"token": w.ids["eval_token"]},
        expected=row(200, anon=200),
    ),
    Case(
        "evaluation:answer",
        label="evaluation:answer unknown token",
        kwargs=lambda w: {"token": "x" * 43},
        expected=row(404, anon=404),
    ),
    Case("evaluation:answer_done", expected=row(200, anon=200)),
    # --- end issue 17 E1 ---
    # --- issue 17 E2: network analysis ---
    # Jugendamt staff (with Kita names) and the committee (Sozialraum level, closed rounds
    # only: the open round 2027 is 404 for it); Kita leaders and Träger 403; another
    # Jugendamt's staff 404 for the demo's rounds (their own list is empty, 200).
    Case(
        "network:round_list", expected=row(403, **{r: 200 for r in STAFF}, ausschuss=200, fremd=200)
    ),
    Case(
        "network:round",
        kwargs=_ids(("round_id", "round_2020")),
        expected=row(403, **{r: 200 for r in STAFF}, ausschuss=200, fremd=404),
    ),
    Case(
        "network:round",
        label="network:round open round",
        kwargs=_ids(("round_id", "network_open_round")),
        expected=row(403, **{r: 200 for r in STAFF}, ausschuss=404, fremd=404),
    ),
    Case(
        "network:sozialraum",
        kwargs=_ids(("round_id", "round_2020"), ("sozialraum_id", "sr_a")),
        expected=row(403, **{r: 200 for r in STAFF}, ausschuss=200, fremd=404),
    ),
    Case(
        "network:sozialraum",
        label="network:sozialraum of another Jugendamt",
        kwargs=_ids(("round_id", "round_2020"), ("sozialraum_id", "network_foreign_sr")),
        expected=row(403, **{r: 404 for r in STAFF}, ausschuss=404, fremd=404),
    ),
    # --- end issue 17 E2 ---
    # --- issue 17 E3: document box, Konzeption, children's perspective ---
    # Documents: staff see all of their Jugendamt; "team" adds the Sozialraum team's members
    # (the demo Kita leader and Träger are in kita_a's team), "committee" the committee,
    # "public" anyone once the public page is on (the demo's is off: the graphic stays with
    # staff and committee, its public download is 404 for everyone). Staff manage.
    Case("knowledge:document_list", expected=row(200)),
    Case(
        "knowledge:document_create",
        expected=row(403, **{r: 200 for r in STAFF}, fremd=200),
        post=lambda w: {},
        post_expected=forbidden(403, allowed=(*STAFF, "fremd")),
    ),
    *[
        Case(
            f"knowledge:{name}",
            kwargs=_ids(("pk", f"know_{obj}_{key}")),
            expected=expected,
            label=f"knowledge:{name} ({key})",
        )
        for name, obj in (("document_detail", "doc"), ("version_download", "ver"))
        for key, expected in (
            ("team", staff_object(kita=200, traeger=200)),
            ("konz", staff_object(ausschuss=200)),
            ("public", staff_object(ausschuss=200)),
            ("foreign", row(404, fremd=200)),
        )
    ],
    *[
        Case(
            f"knowledge:{name}",
            kwargs=_ids(("pk", "know_doc_team")),
            expected=POST_ONLY,
            post=lambda w: {},
            post_expected=forbidden(404, allowed=STAFF),
        )
        for name in ("document_edit", "version_add")
    ],
    Case(
        "knowledge:public_download",
        kwargs=_ids(("slug", "know_slug_demo"), ("doc_id", "know_doc_public")),
        expected=row(404, anon=404),
    ),
    Case(
        "knowledge:public_download",
        label="knowledge:public_download switched on",
        kwargs=_ids(("slug", "know_slug_f"), ("doc_id", "know_doc_foreign")),
        expected=row(200, anon=200),
    ),
    Case(
        "knowledge:public_download",
        label="knowledge:public_download not public",
        kwargs=_ids(("slug", "know_slug_demo"), ("doc_id", "know_doc_team")),
        expected=row(404, anon=404),
    ),
    # Children's perspective: Kita leaders (their own Kita), staff and the Sozialraum's
    # team; the committee never. Kita leaders send in; the uploader and staff delete.
    Case("knowledge:picture_list", expected=row(200, ausschuss=403)),
    Case(
        "knowledge:picture_create",
        expected=row(403, kita=200, kita2=200),
        post=lambda w: {},
        post_expected=forbidden(403, allowed=("kita", "kita2")),
    ),
    Case(
        "knowledge:picture_image",
        kwargs=_ids(("pk", "know_picture")),
        expected=staff_object(kita=200, traeger=200),
    ),
    Case(
        "knowledge:picture_delete",
        kwargs=_ids(("pk", "know_picture")),
        expected=POST_ONLY,
        post=lambda w: {},
        post_expected=forbidden(404, allowed=(*STAFF, "kita")),
    ),
    # --- end issue 17 E3 ---
    # --- issue 18 F1 ---
    # --- end issue 18 F1 ---
    # --- issue 18 F3: official data and plausibility ---
    # Jugendamt staff read (another Jugendamt's staff: their own empty list, 404 for the
    # demo's rounds and findings); planners (Fachkraft, Leitung, the demo's superuser)
    # import, check and decide; the Administration reads only. Kita leaders see the
    # correction requests of their own Kitas; Träger and the committee nothing.
    Case("quality:official", expected=row(403, **{r: 200 for r in STAFF}, fremd=200)),
    Case(
        "quality:official_import",
        expected=POST_ONLY,
        post=lambda w: {},
        post_expected=forbidden(403, allowed=("ja", "jal", "admin", "fremd")),
    ),
    *[
        Case(
            f"quality:{name}",
            kwargs=_ids(("round_id", key)),
            expected=row(403, **{r: 200 for r in STAFF}, fremd=404),
            label=f"quality:{name} ({key})",
        )
        for name in ("official_round", "plausibility")
        for key in ("round_2020", "quality_round_open")
    ],
    Case(
        "quality:plausibility_check",
        kwargs=_ids(("round_id", "quality_round_open")),
        expected=POST_ONLY,
        post=lambda w: {"k": "2"},
        post_expected=forbidden(403, allowed=("ja", "jal", "admin"), fremd=404),
    ),
    Case(
        "quality:finding_decide",
        kwargs=_ids(("pk", "quality_finding")),
        expected=POST_ONLY,
        post=lambda w: {"decision": "confirm", "note": "Matrix"},
        post_expected=forbidden(403, allowed=("ja", "jal", "admin"), fremd=404),
    ),
    Case(
        "quality:corrections",
        expected=row(403, **{r: 200 for r in STAFF}, fremd=200, kita=200, kita2=200),
    ),
    # --- end issue 18 F3 ---
    # --- issue 18 F4 ---
    # The budget year's transition rule (cap in percent): the planners of the year's
    # Jugendamt; everyone else gets the same 404 as for a year that does not exist.
    Case(
        "allocation:budget_year_transition",
        kwargs=_ids(*YEAR),
        expected=POST_ONLY,
        post=lambda w: {"transition_cap": "10", "reason": "Matrix"},
        post_expected=forbidden(404, allowed=STAFF),
    ),
    Case(
        "allocation:budget_year_transition",
        label="allocation:budget_year_transition foreign year",
        kwargs=_ids(("pk", "year_f")),
        expected=POST_ONLY,
        post=lambda w: {"transition_cap": "10"},
        post_expected=forbidden(404, allowed=("fremd",)),
    ),
    # --- end issue 18 F4 ---
    # --- issue 18 F5 ---
    # The map page with the Kita points and the uploads (boundaries, Kita locations): each
    # Jugendamt's staff (the second Jugendamt's see their own); the committee reads the
    # Sozialraum maps inside its report, never a Kita point.
    Case(
        "reports:maps",
        expected=row(403, **{r: 200 for r in STAFF}, fremd=200),
        post=lambda w: {"form": "location"},
        post_expected=forbidden(403, allowed=(*STAFF, "fremd")),
    ),
    # --- end issue 18 F5 ---
    # --- issue 17 E4: public results page ---
    # /oeffentlich/<slug>/ needs no login: 404 for everyone (anonymous too) while the
    # Jugendamt has not switched it on, and for an unknown slug; 200 for everyone once on.
    Case(
        "public:page",
        kwargs=_ids(("slug", "public_slug_demo")),
        expected=row(404, anon=404),
    ),
    Case(
        "public:page",
        label="public:page unknown slug",
        kwargs=_ids(slug="gibt-es-nicht"),
        expected=row(404, anon=404),
    ),
    Case(
        "public:page",
        label="public:page switched on",
        kwargs=_ids(("slug", "public_slug_on")),
        expected=row(200, anon=200),
    ),
    Case(
        "public:page_year",
        kwargs=_ids(("slug", "public_slug_demo"), year=2026),
        expected=row(404, anon=404),
    ),
    # a year without published figures is 404 also on a page that is switched on
    Case(
        "public:page_year",
        label="public:page_year nothing published",
        kwargs=_ids(("slug", "public_slug_on"), year=2026),
        expected=row(404, anon=404),
    ),
    # the switch on the goals page: the Leitung only (the demo's superuser and the
    # Administration read the setting but may not change it)
    Case(
        "reports:goals",
        label="reports:goals public page switch",
        expected=row(403, jal=200, admin=200),
        post=lambda w: {"form": "public_page", "public_page_enabled": "on"},
        post_expected=forbidden(403, allowed=("jal",)),
    ),
    # --- end issue 17 E4 ---
]


# The admin (issue 13): the index and, per registered model (of every app), its
# changelist, add, change, delete and history page, and the user's password page.
# Non-staff (and anonymous) are sent to the admin login. Tenant roles (Fachkraft,
# Leitung, the second Jugendamt's Fachkraft) reach their apps' models only, never the
# people, role groups, Jugendämter or login throttling (403); the demo's superuser is
# attached to the demo Jugendamt and held to it: another Jugendamt's rows are "not found"
# (the admin sends them to its index, as for an id that does not exist), and only the
# platform operator (a superuser without Jugendamt) adds, changes or deletes a Jugendamt.
ADMIN_DENIED = {r: 302 for r in ("anon", "kita", "kita2", "traeger", "ausschuss")}
TENANTS = ("ja", "jal", "fremd")
NOT_FOUND = 302  # the admin's answer to a missing (or foreign) object
# Models only a superuser administers.
SUPERUSER_ONLY = {
    "sozialraeume.jugendamt",
    "sozialraeume.user",
    "sozialraeume.rolegrantrequest",
    "auth.group",
    "auth.permission",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    # the mail outbox: every message with its links (django-post-office)
    "post_office.email",
    "post_office.log",
    "post_office.emailtemplate",
    "post_office.attachment",
}
# Models with rows shared by all Jugendämter.
GLOBAL_MODELS = {"surveys.instrument", "auth.group", "auth.permission"}
# Where the admin adds rows at all (the rest is written on the pages or never).
ADDABLE = {
    "sozialraeume.traeger",
    "sozialraeume.sozialraum",
    "sozialraeume.kita",
    "sozialraeume.user",
    "surveys.surveyround",
    "allocation.budgetyear",
    "allocation.reallocation",
    "auth.group",
    "post_office.log",
    "post_office.emailtemplate",
    "post_office.attachment",
}
# Where the admin deletes rows at all: only the role with the delete permission
# (Administration, here the demo's superuser); a budget year with shares or a
# Sozialraum in use gets the confirmation page that lists what protects it.
DELETABLE = {
    "sozialraeume.traeger",
    "sozialraeume.sozialraum",
    "sozialraeume.kita",
    "sozialraeume.user",
    "allocation.budgetyear",
    "auth.group",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "post_office.email",
    "post_office.log",
    "post_office.emailtemplate",
    "post_office.attachment",
}
# The Jugendamt: the demo's superuser reads their own one only.
ADMIN_READS_ONLY = {"sozialraeume.jugendamt"}
# Third-party admins that add nothing (login records are written by django-axes).
NO_ADD = {"axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}


def _admin_expected(label: str, page: str) -> dict[str, int]:
    """Expected status of one admin page per role (see the comment above)."""
    expected = dict(ADMIN_DENIED)
    if label in SUPERUSER_ONLY:
        for r in TENANTS:
            expected[r] = 403
        # a scoped queryset finds no foreign row before it asks the permission
        if page == "history" and label in {"sozialraeume.jugendamt", "sozialraeume.user"}:
            expected["fremd"] = NOT_FOUND
    else:
        per_page = {
            "changelist": 200,
            "add": 200 if label in ADDABLE else 403,
            "change": 200,
            "history": 200,
            "delete": 403,  # tenant roles delete nothing in the admin
        }
        for r in TENANTS:
            expected[r] = per_page[page]
        if page in ("change", "history") and label not in GLOBAL_MODELS:
            expected["fremd"] = NOT_FOUND
    admin_page = {
        "changelist": 200,
        "add": 200 if label in ADDABLE and label not in NO_ADD else 403,
        "change": 200,
        "history": 200,
        "delete": 200 if label in DELETABLE else 403,
    }[page]
    if label in ADMIN_READS_ONLY and page in ("add", "delete"):
        admin_page = 403
    expected["admin"] = admin_page
    return expected


def _admin_object(label):
    return lambda w: {"object_id": w.admin_objects[label]}


def _admin_cases() -> list[Case]:
    cases = [
        Case(
            "admin:index",
            expected={**ADMIN_DENIED, "ja": 200, "jal": 200, "admin": 200, "fremd": 200},
        )
    ]
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label_lower):
        label = model._meta.label_lower
        base = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for page in ("changelist", "add", "change", "delete", "history"):
            kwargs = None if page in ("changelist", "add") else _admin_object(label)
            cases.append(
                Case(f"{base}_{page}", kwargs=kwargs, expected=_admin_expected(label, page))
            )
    # nobody but a superuser sets a password here (issue 13, finding 1)
    password = {**ADMIN_DENIED, "ja": 403, "jal": 403, "fremd": 403, "admin": 200}
    cases.append(
        Case(
            "admin:auth_user_password_change",
            kwargs=lambda w: {"id": w.ids["user_kita"]},
            expected=password,
            post=lambda w: {"password1": "Gekapert-2026!", "password2": "Gekapert-2026!"},
            post_expected={**ADMIN_DENIED, "ja": 403, "jal": 403, "fremd": 403},
        )
    )
    cases.append(
        Case(
            "admin:auth_user_password_change",
            kwargs=lambda w: {"id": w.ids["user_fremd"]},
            label="admin user password of another Jugendamt",
            expected={**password, "admin": 404},
            post=lambda w: {"password1": "Gekapert-2026!", "password2": "Gekapert-2026!"},
            post_expected={**ADMIN_DENIED, "ja": 403, "jal": 403, "fremd": 403, "admin": 404},
        )
    )
    cases.extend(_admin_foreign_cases())
    if apps.is_installed("post_office"):
        cases.extend(_outbox_cases())
    return cases


def _outbox_cases() -> list[Case]:
    """The outbox admin's own pages: superusers only (a message holds its links)."""
    email = lambda w: {"pk": w.admin_objects["post_office.email"]}  # noqa: E731
    tenants_denied = {**ADMIN_DENIED, "ja": 403, "jal": 403, "fremd": 403}
    return [
        Case(
            "admin:post_office_email_preview",
            kwargs=email,
            expected={**tenants_denied, "admin": 404},  # a plain-text message: no preview
        ),
        Case(
            "admin:post_office_email_image",
            kwargs=lambda w: {**email(w), "content_id": "0" * 32},
            expected={**tenants_denied, "admin": 404},
        ),
        Case(
            "admin:resend",
            kwargs=email,
            expected={**tenants_denied, "admin": 302},  # queued again, back to the message
            post=lambda w: {},
            post_expected=tenants_denied,
        ),
    ]


# The second Jugendamt's rows: "not found" for the demo Jugendamt's staff and superuser,
# the own rows of its Fachkraft; forged POSTs change nothing (issue 13, finding 2).
FOREIGN_ROWS = {
    "admin:sozialraeume_sozialraum": "sr2",
    "admin:sozialraeume_traeger": "traeger_f",
    "admin:sozialraeume_kita": "kita_f",
    "admin:allocation_budgetyear": "year_f",
}


# a complete, valid Jugendamt form: only the permission stands in its way
JUGENDAMT_FORM = {
    "name": "Umbenannt",
    "slug": "umbenannt",
    "consultation_min_days": "14",
    "fte_min": "0,05",
    "fte_max": "5,00",
    "fte_step": "0,05",
}


def _admin_foreign_cases() -> list[Case]:
    cases = []
    theirs = {**ADMIN_DENIED, "ja": NOT_FOUND, "jal": NOT_FOUND, "admin": NOT_FOUND}
    for base, key in FOREIGN_ROWS.items():
        ids = _ids(("object_id", key))
        cases.append(
            Case(
                f"{base}_change",
                kwargs=ids,
                label=f"{base}_change of another Jugendamt",
                expected={**theirs, "fremd": 200},
                post=lambda w: {"name": "Gekapert", "jugendamt": w.ids["ja"]},
                post_expected=theirs,
            )
        )
        cases.append(
            Case(
                f"{base}_delete",
                kwargs=ids,
                label=f"{base}_delete of another Jugendamt",
                expected={**theirs, "ja": 403, "jal": 403, "fremd": 403},
                post=lambda w: {"post": "yes"},
                post_expected={**theirs, "ja": 403, "jal": 403},
            )
        )
    # the Jugendamt itself: even the demo's superuser only reads their own
    jugendamt = {**ADMIN_DENIED, "ja": 403, "jal": 403, "fremd": 403}
    cases.append(
        Case(
            "admin:sozialraeume_jugendamt_change",
            kwargs=_ids(("object_id", "ja2")),
            label="admin jugendamt change of another Jugendamt",
            expected={**jugendamt, "admin": NOT_FOUND},
            post=lambda w: JUGENDAMT_FORM,
            post_expected={**jugendamt, "admin": 403},
        )
    )
    cases.append(
        Case(
            "admin:sozialraeume_jugendamt_change",
            kwargs=_ids(("object_id", "ja")),
            label="admin jugendamt change of the own Jugendamt (POST)",
            expected={**jugendamt, "admin": 200},
            post=lambda w: JUGENDAMT_FORM,
            post_expected={**jugendamt, "admin": 403},
        )
    )
    # rows created in, or moved into, another Jugendamt: the form refuses them (200)
    refused = {**ADMIN_DENIED, "ja": 200, "jal": 200, "admin": 200}
    cases.append(
        Case(
            "admin:sozialraeume_sozialraum_add",
            label="admin sozialraum add into another Jugendamt",
            expected={**refused, "fremd": 200},
            post=lambda w: {"jugendamt": w.ids["ja2"], "name": "Eingeschleust", "position": 0},
            post_expected=refused,
        )
    )
    cases.append(
        Case(
            "admin:sozialraeume_traeger_add",
            label="admin traeger add into another Jugendamt",
            expected={**refused, "fremd": 200},
            post=lambda w: {"jugendamt": w.ids["ja2"], "name": "Eingeschleust"},
            post_expected=refused,
        )
    )
    cases.append(
        Case(
            "admin:sozialraeume_sozialraum_change",
            kwargs=_ids(("object_id", "sr_a")),
            label="admin sozialraum moved into another Jugendamt",
            expected={**refused, "fremd": NOT_FOUND},
            post=lambda w: {"jugendamt": w.ids["ja2"], "name": "Verschoben", "position": 0},
            post_expected={**refused, "fremd": NOT_FOUND},
        )
    )
    return cases


ADMIN_CASES = _admin_cases()
ALL_CASES = CASES + ADMIN_CASES


# --- the URL conf -----------------------------------------------------------------------


def _walk(patterns, namespace=None, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(p.url_patterns, full_ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name


def application_url_names() -> dict[str, str]:
    """URL name -> route of every pattern, except the admin's internals."""
    names = {}
    for route, name in _walk(get_resolver().url_patterns):
        if route.startswith("admin/"):
            continue  # represented by ADMIN_CASES
        names[name or f"<unnamed {route}>"] = route
    return names


def test_every_url_pattern_has_an_entry():
    covered = {c.name for c in CASES}
    missing = sorted(set(application_url_names()) - covered)
    assert not missing, (
        "URL patterns without an entry in the permission matrix (decide who may see them "
        f"and add them to CASES in {__name__}): {missing}"
    )
    stale = sorted(covered - set(application_url_names()))
    assert not stale, f"entries for URL names that no longer exist: {stale}"


def test_every_admin_model_of_our_apps_is_in_the_matrix(world, db):
    names = {c.name for c in ADMIN_CASES}
    for model in admin.site._registry:
        base = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages = ("changelist", "add", "change", "delete", "history")
        assert {f"{base}_{page}" for page in pages} <= names
        assert model._meta.label_lower in world.admin_objects


# Admin URLs that are no model page: the site's own views, for every signed-in user or
# answered by the admin's login (index and password change are in the matrix).
ADMIN_SITE_URLS = {
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:jsi18n",
    "admin:app_list",
    "admin:autocomplete",
    "admin:view_on_site",
}


def test_every_admin_url_is_in_the_matrix():
    """Every named admin URL (of every registered model, the user's password page
    included) has its expectations in ADMIN_CASES."""
    admin_names = {
        f"admin:{name}" for _route, name in _walk(admin.site.urls[0]) if name is not None
    }
    covered = {c.name for c in ADMIN_CASES}
    assert "admin:auth_user_password_change" in admin_names
    assert sorted(admin_names - covered - ADMIN_SITE_URLS) == []


def test_every_case_names_every_role():
    for case in ALL_CASES:
        assert set(case.expected) == set(ROLES), case.id


# Public pages that redirect anonymous users somewhere other than the login page.
PUBLIC_REDIRECTS = {"set_language"}


# --- the matrix -------------------------------------------------------------------------


def _describe(response) -> str:
    location = response.get("Location")
    return f"{response.status_code}" + (f" -> {location}" if location else "")


@pytest.mark.parametrize("role", ROLE_KEYS)
def test_role_gets_the_expected_status_everywhere(role, world, clients):
    client = clients[role]
    mismatches = []
    for case in ALL_CASES:
        url = case.url(world)
        response = client.get(url)
        want = case.expected[role]
        if response.status_code != want:
            mismatches.append(
                f"  {case.id:45} GET {url}: expected {want}, got {_describe(response)}"
            )
        elif want == LOGIN and role == "anon" and case.name not in PUBLIC_REDIRECTS:
            assert "login" in response["Location"], (case.id, response["Location"])
    assert not mismatches, f"role {role!r} ({ROLES[role]}):\n" + "\n".join(mismatches)


# --- forbidden POSTs change nothing -----------------------------------------------------


def _snapshot() -> dict:
    """What a forbidden POST could change: rows of every writable table and the outbox."""
    from django.contrib.auth.models import Group
    from django.core import mail

    from allocation.models import (
        AllocationLine,
        AllocationPlan,
        BudgetYear,
        PlanComment,
        Reallocation,
        SozialraumShare,
    )
    from audit.models import AuditEvent
    from indices.models import IndexRun, RecomputeRequest
    from sozialraeume.models import Jugendamt, Kita, Sozialraum, Traeger, User
    from surveys.models import Response, SurveyRound

    def rows(model, *fields):
        return sorted(model.objects.values_list("pk", *fields))

    return {
        "audit": AuditEvent.objects.count(),
        "lines": rows(AllocationLine, "fte", "annual_cost", "version", "kita_id"),
        "plans": rows(
            AllocationPlan, "state", "proposed_at", "approved_at", "consultation_shortened_at"
        ),
        "comments": rows(PlanComment, "text"),
        "reallocations": rows(Reallocation, "amount", "state", "decided_by_id"),
        "shares": rows(SozialraumShare, "percent", "state_amount"),
        "budget_years": rows(BudgetYear, "state_budget"),
        "rounds": rows(SurveyRound, "state", "code"),
        "responses": rows(Response, "status", "review_state", "review_comment", "answers"),
        "runs": IndexRun.objects.count(),
        "recompute": RecomputeRequest.objects.count(),
        "users": rows(User, "is_active", "password", "is_superuser", "jugendamt_id"),
        "user_groups": sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        "groups": rows(Group, "name"),
        "jugendaemter": rows(Jugendamt, "name", "slug"),
        "sozialraeume": rows(Sozialraum, "jugendamt_id", "name"),
        "traeger": rows(Traeger, "jugendamt_id", "name"),
        "kitas": rows(Kita, "sozialraum_id", "traeger_id", "name"),
        "mails": len(getattr(mail, "outbox", [])),
    }


@pytest.mark.parametrize("role", ROLE_KEYS)
def test_forbidden_post_is_refused_and_changes_nothing(role, world, clients):
    client = clients[role]
    mismatches = []
    for case in ALL_CASES:
        if case.post is None or role not in case.post_expected:
            continue
        url = case.url(world)
        before = _snapshot()
        response = client.post(url, case.post(world))
        want = case.post_expected[role]
        if response.status_code != want:
            mismatches.append(
                f"  {case.id:45} POST {url}: expected {want}, got {_describe(response)}"
            )
        after = _snapshot()
        changed = [key for key in before if before[key] != after[key]]
        if changed:
            mismatches.append(f"  {case.id:45} POST {url}: changed {changed}")
    assert not mismatches, f"role {role!r} ({ROLES[role]}):\n" + "\n".join(mismatches)


def test_every_post_only_endpoint_is_in_the_post_sweep():
    for case in ALL_CASES:
        if case.expected is POST_ONLY or case.expected == POST_ONLY:
            assert case.post is not None, f"{case.id}: POST-only without a forbidden-POST check"


# --- what the committee and Kita leaders see -------------------------------------------


def _text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("application/pdf"):
        pdftotext = shutil.which("pdftotext")
        if pdftotext is None:
            pytest.skip("pdftotext fehlt (apt install poppler-utils)")
        result = subprocess.run(  # noqa: S603 - fixed binary, our own PDF on stdin
            [pdftotext, "-layout", "-", "-"], input=content, capture_output=True, check=True
        )
        return result.stdout.decode()
    # a CSRF token is 64 random letters and digits: it may spell "Ost" by chance
    return _RANDOM_TOKEN.sub("", content.decode("utf-8", errors="replace"))


_RANDOM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|"csrfToken": *"[^"]*"')


def _pages_with_200(role, world, client):
    for case in ALL_CASES:
        if case.expected[role] == 200:
            response = client.get(case.url(world))
            assert response.status_code == 200, case.id
            yield case, _text_of(response)


def test_committee_sees_no_kita_name_anywhere(world, clients):
    client = clients["ausschuss"]
    seen = []
    leaks = []
    for case, text in _pages_with_200("ausschuss", world, client):
        seen.append(case.id)
        found = [name for name in world.demo_kita_names if name in text]
        if found:
            leaks.append(f"  {case.id}: {found[:5]}")
    assert not leaks, "Kita names on pages of the committee:\n" + "\n".join(leaks)
    # the report and its PDF were among them, and they had content
    assert {"reports:committee", "reports:committee pdf", "reports:trends"} <= set(seen)


def test_committee_reaches_no_export_and_no_admin(world, clients):
    client = clients["ausschuss"]
    closed = [c for c in ALL_CASES if c.name.startswith("admin:") or "export" in c.name]
    assert len(closed) > 20
    for case in closed:
        assert case.expected["ausschuss"] in (302, 403, 404), case.id
        response = client.get(case.url(world))
        assert response.status_code in (302, 403, 404), case.id
        if response.status_code == 302:
            assert "/login/" in response["Location"], (case.id, response["Location"])


@pytest.mark.parametrize("role", ["kita", "kita2"])
def test_kita_leader_sees_no_other_kita_name(role, world, clients):
    own = set(world.own_kita_names[role])
    others = [n for n in world.demo_kita_names if n not in own]
    leaks = []
    for case, text in _pages_with_200(role, world, clients[role]):
        found = [name for name in others if name in text]
        if found:
            leaks.append(f"  {case.id}: {found[:5]}")
    assert not leaks, "other Kitas' names on a Kita leader's pages:\n" + "\n".join(leaks)


def _xlsx_text(content: bytes) -> str:
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(content), read_only=True)
    return "\n".join(
        str(cell) for sheet in book for r in sheet.iter_rows(values_only=True) for cell in r
    )


def test_foreign_staff_see_nothing_of_the_demo_jugendamt(world, clients):
    """Every page, export and PDF the second Jugendamt's staff can open shows none of the
    demo Jugendamt's Kitas or Sozialräume."""
    from sozialraeume.models import Jugendamt, Sozialraum, Traeger

    demo = Jugendamt.objects.get(slug="bad-kreuznach")
    names = [
        demo.name,
        *world.demo_kita_names,
        *Sozialraum.objects.filter(jugendamt=demo).values_list("name", flat=True),
        *Traeger.objects.filter(jugendamt=demo).values_list("name", flat=True),
    ]
    leaks = []
    opened = 0
    for case, text in _pages_with_200("fremd", world, clients["fremd"]):
        if text.startswith("PK"):  # xlsx: read the cells
            text = _xlsx_text(clients["fremd"].get(case.url(world)).content)
        opened += 1
        found = [n for n in names if n in text]
        if found:
            leaks.append(f"  {case.id}: {found[:5]}")
    assert opened > 30
    assert not leaks, "demo data on pages of another Jugendamt:\n" + "\n".join(leaks)
    # the Kita form offers only their own Jugendamt's Sozialräume and Träger
    response = clients["fremd"].get(reverse("admin:sozialraeume_kita_add"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fremd-Sozialraum" in html
    assert not [n for n in names if n in html]


def test_staff_cannot_change_roles_or_passwords_in_the_admin(world, clients):
    """A Fachkraft making herself Leitung or setting a colleague's password through the
    admin (issue 13, finding 1): refused, and nothing changes."""
    from django.contrib.auth.models import Group

    leitung = Group.objects.get(name=roles.JUGENDAMT_LEITUNG)
    own = world.users["ja"]
    forged = {"username": own.username, "groups": [leitung.pk], "is_active": "on"}
    before = _snapshot()
    for role in TENANTS:
        me = world.users[role]
        change = reverse("admin:sozialraeume_user_change", args=[me.pk])
        assert clients[role].get(change).status_code == 403
        assert clients[role].post(change, {**forged, "username": me.username}).status_code == 403
        password = reverse("admin:auth_user_password_change", args=[world.ids["user_kita"]])
        response = clients[role].post(
            password, {"password1": "X-9a!x-9a", "password2": "X-9a!x-9a"}
        )
        assert response.status_code == 403
    assert _snapshot() == before
    url = reverse("admin:sozialraeume_user_change", args=[own.pk])
    superuser_form = clients["admin"].get(url).content.decode()
    assert 'name="is_superuser"' in superuser_form


def test_superuser_of_a_jugendamt_is_held_to_it_by_the_policy(world, db):
    """The demo admin is a superuser of the demo Jugendamt: the policy, like the selectors,
    keeps them out of the second Jugendamt."""
    from allocation.permissions import budget_year_policy
    from indices.permissions import evaluation_policy
    from sozialraeume.models import Kita
    from sozialraeume.permissions import kita_policy

    admin_user = world.users["admin"]
    foreign = Kita.objects.select_related("sozialraum").get(pk=world.ids["kita_f"])
    own = Kita.objects.select_related("sozialraum").get(pk=world.ids["kita_a"])
    assert kita_policy.user_can(admin_user, "view", own)
    assert not kita_policy.user_can(admin_user, "view", foreign)
    assert not budget_year_policy.user_can(admin_user, "manage", foreign.sozialraum.jugendamt_id)
    assert not evaluation_policy.user_can(admin_user, "view", foreign.sozialraum.jugendamt_id)


def test_traeger_sees_no_draft_plan_anywhere(world, clients):
    """No page the Träger can open links the draft plan, names it or shows its line, while
    the approved plan of the same Sozialraum is there to see (so the check can fail)."""
    from allocation.models import AllocationPlan

    draft = AllocationPlan.objects.get(pk=world.ids["draft_plan"])
    approved = AllocationPlan.objects.get(pk=world.ids["plan"])
    draft_url = reverse("allocation:plan_detail", kwargs={"pk": draft.pk})
    signs_of_the_draft = [draft_url, str(draft), DRAFT_LINE_TEXT]
    leaks = []
    approved_seen = False
    for case, text in _pages_with_200("traeger", world, clients["traeger"]):
        approved_seen = approved_seen or str(approved) in text
        found = [sign for sign in signs_of_the_draft if sign in text]
        if found:
            leaks.append(f"  {case.id}: {found}")
    assert approved_seen, "the approved plan appears on none of the Träger's pages"
    assert not leaks, "the draft plan on pages of the Träger:\n" + "\n".join(leaks)


def test_foreign_admin_object_looks_like_a_missing_one(world, clients):
    """The admin answers a foreign object as it answers an id that does not exist."""
    client = clients["fremd"]
    foreign = client.get(reverse("admin:sozialraeume_kita_change", args=[world.ids["kita_a"]]))
    missing = client.get(reverse("admin:sozialraeume_kita_change", args=[10**9]))
    assert foreign.status_code == missing.status_code == 302
    assert foreign["Location"] == missing["Location"] == reverse("admin:index")


@pytest.mark.parametrize("role", ["kita", "kita2"])
def test_kita_leader_export_of_release_hours_names_no_other_kita(role, world, clients):
    """Issue 15, part B: the yearly release summary's XLSX holds only the own Kitas."""
    from io import BytesIO

    from django.utils import timezone
    from openpyxl import load_workbook

    own = set(world.own_kita_names[role])
    others = [n for n in world.demo_kita_names if n not in own]
    year = timezone.localdate().year
    response = clients[role].get(reverse("teams:release_summary_xlsx") + f"?jahr={year}")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    cells = {str(c.value) for ws in book for r in ws.iter_rows() for c in r if c.value}
    assert not [n for n in others if n in cells]
    if role == "kita":  # the demo's approved release of kita_a is in it
        assert own <= cells
