"""The vocabulary: only registered actions with declared fields are written, and every
action the product writes is registered with German labels."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from audit import events
from audit.events import Field, Kind, UnknownAuditAction
from audit.models import AuditEvent

APPS = (
    "sozialraeume",
    "surveys",
    "indices",
    "foerderung",
    "allocation",
    "positions",
    "teams",
    "reports",
    "audit",
)


# --- record refuses what the vocabulary does not know -----------------------------------


@pytest.mark.django_db
def test_record_refuses_an_unregistered_action_and_writes_nothing():
    with pytest.raises(UnknownAuditAction, match="not registered: plan.delete"):
        events.record(actor=None, action="plan.delete", object_type="x", object_repr="x")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("payload", ["old", "new"])
def test_record_refuses_a_field_the_action_does_not_declare(payload):
    with pytest.raises(UnknownAuditAction, match="does not declare the field.* colour"):
        events.record(
            actor=None,
            action="plan.approve",
            object_type="allocation.allocationplan",
            object_repr="Nord 2026",
            **{payload: {"state": "approved", "colour": "grün"}},
        )
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_record_checks_the_fields_inside_a_keyed_payload():
    with pytest.raises(UnknownAuditAction, match="gesamt"):
        events.record(
            actor=None,
            action="budget_year.shares",
            object_type="allocation.budgetyear",
            object_repr="2026",
            new={"Nord": {"percent": "60.00", "gesamt": 52.1}},
        )
    event = events.record(
        actor=None,
        action="budget_year.shares",
        object_type="allocation.budgetyear",
        object_repr="2026",
        new={"Nord": {"percent": "60.00", "state_amount": "72000.00"}},
    )
    assert event.new["Nord"]["percent"] == "60.00"


def test_an_action_is_registered_once_and_its_fields_carry_labels_and_kinds():
    with pytest.raises(ValueError, match="registered twice"):
        events.register("plan.approve", "Beschlossen")
    with pytest.raises(TypeError, match="not a Field"):
        events.register("test.bare_field", "Test", ["amount"])
    assert events.get_action("test.bare_field") is None


def test_every_registered_field_has_a_german_label_and_a_kind():
    for action in events.registered_actions():
        assert str(action.label).strip(), action.code
        for f in action.fields:
            assert isinstance(f, Field) and isinstance(f.kind, Kind), (action.code, f)
            assert str(f.label).strip() and str(f.label) != f.name, (action.code, f.name)
            if f.kind == Kind.STATE:
                assert f.choices, (action.code, f.name)


def test_the_state_names_match_the_models_choices():
    from allocation.models import PlanState, Strand
    from indices.models import IndexRun
    from srb_project import roles
    from surveys.models import Response, SurveyRound

    def names(choices):
        return [(value, str(label)) for value, label in choices if value]

    assert names(events.PLAN_STATES) == names(PlanState.choices)
    assert names(events.STRANDS) == names(Strand.choices)
    assert names(events.ROUND_STATES) == names(SurveyRound.State.choices)
    assert names(events.RESPONSE_STATUSES) == names(Response.Status.choices)
    assert names(events.REVIEW_STATES) == names(Response.Review.choices)
    assert names(events.RUN_TRIGGERS) == names(IndexRun.Trigger.choices)
    assert names(events.ROLES) == names(roles.ROLE_LABELS.items())


# --- every action written is registered -------------------------------------------------


def _module_constants(tree) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value.value, str)
    }


def _codes(node, constants) -> list[str]:
    """The action code(s) an expression can have: a literal, a module constant, or
    ``"a" if ... else "b"``. Anything else is returned as its source, so the test fails."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in constants:
        return [constants[node.id]]
    if isinstance(node, ast.IfExp):
        return _codes(node.body, constants) + _codes(node.orelse, constants)
    return [f"<not a literal: {ast.unparse(node)}>"]


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def written_action_codes() -> dict[str, list[str]]:
    """Every action code passed to ``audit.events.record`` in the apps' source, directly or
    through a helper that forwards its ``action`` parameter (``_transition``,
    ``_record_export``): code -> where."""
    found: dict[str, list[str]] = {}
    for app in APPS:
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            if "migrations" in path.parts or (app == "audit" and path.name == "events.py"):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            constants = _module_constants(tree)
            # helpers: functions that pass one of their parameters on as record(action=...)
            helpers: dict[str, tuple[int, str]] = {}
            for fn in ast.walk(tree):
                if not isinstance(fn, ast.FunctionDef):
                    continue
                params = [a.arg for a in fn.args.args]
                for call in ast.walk(fn):
                    if isinstance(call, ast.Call) and _callee(call) == "record":
                        for kw in call.keywords:
                            if kw.arg == "action" and isinstance(kw.value, ast.Name):
                                name = kw.value.id
                                if name in params or name in [a.arg for a in fn.args.kwonlyargs]:
                                    position = params.index(name) if name in params else -1
                                    helpers[fn.name] = (position, name)
            for call in ast.walk(tree):
                if not isinstance(call, ast.Call):
                    continue
                callee = _callee(call)
                where = f"{path.relative_to(settings.BASE_DIR)}:{call.lineno}"
                exprs = []
                if callee == "record" and "audit_events" in ast.unparse(call.func):
                    exprs = [kw.value for kw in call.keywords if kw.arg == "action"]
                    if any(isinstance(e, ast.Name) and e.id not in constants for e in exprs):
                        continue  # inside a helper: its callers are checked instead
                elif callee in helpers:
                    position, name = helpers[callee]
                    exprs = [kw.value for kw in call.keywords if kw.arg == name]
                    if not exprs and 0 <= position < len(call.args):
                        exprs = [call.args[position]]
                for expr in exprs:
                    for code in _codes(expr, constants):
                        found.setdefault(code, []).append(where)
    return found


def test_every_action_written_in_the_source_is_registered():
    written = written_action_codes()
    # the scan sees the known writers (a scan that finds nothing cannot fail)
    for code in (
        "line.update",
        "plan.approve",
        "plan.consultation",
        "budget_year.create",
        "response_saved",
        "survey.reminder",
        "export.proof_of_use",
        "user.invite",
        "retention.apply",
        "index_run.stale",
    ):
        assert code in written, code
    unregistered = {code: where for code, where in written.items() if not events.get_action(code)}
    assert unregistered == {}


@pytest.mark.django_db
def test_every_action_the_demo_writes_has_a_registered_label():
    from sozialraeume.management.commands.seed_demo import seed_all

    seed_all()
    written = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"plan.approve", "line.update", "index_run.finished"} <= written
    assert {code for code in written if events.get_action(code) is None} == set()
    labels = {code: events.label_for(code) for code in written}
    assert all(label != code for code, label in labels.items()), labels


@pytest.mark.django_db
def test_the_trail_names_an_object_in_german_whatever_language_the_user_reads():
    from django.utils import translation

    from tests.surveys.factories import SurveyRoundFactory

    survey_round = SurveyRoundFactory(code="2020")
    with translation.override("en"):
        assert "Survey" in str(survey_round)
        event = events.record(
            actor=None, action="round_opened", obj=survey_round, jugendamt_id=None
        )
    assert event.object_repr == "Erhebung 2020"
