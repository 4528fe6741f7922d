"""THE permission policy: one place that decides who may do what.

Every view, admin class, service and selector asks these functions. Each is
``can_<verb>_<noun>(user, obj) -> bool`` and never raises. Views turn a ``False``
for an object the user may not even know about into a 404 (``get_object_or_404``
over a scoped queryset), so "not yours" and "does not exist" look the same.

Roles (groups, see ``sozialraeume.roles``):
- Kita-Leitung: their own Kita(s): questionnaire, own results, own staff positions.
- Träger-Vertretung: the Kitas of their Träger; reads and comments plans in consultation.
- Jugendamt: everything of their Jugendamt; prepares rounds, indices and plans.
- Jugendamt-Leitung: as Jugendamt, and approves plans (four-eyes principle).
- Jugendhilfeausschuss: Sozialraum-level reports only, never per-Kita values.
- Administration: user and master-data administration of their Jugendamt.
"""

from __future__ import annotations

from sozialraeume import roles


def _roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_srb_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._srb_roles = cached
    return cached


def has_role(user, *names: str) -> bool:
    return bool(_roles(user) & set(names))


def _same_jugendamt(user, jugendamt_id) -> bool:
    # A superuser without a Jugendamt sees all; with one, only theirs (as the selectors).
    if user.is_superuser and user.jugendamt_id is None:
        return True
    return user.jugendamt_id is not None and user.jugendamt_id == jugendamt_id


def _led_kita_ids(user) -> set[int]:
    cached = getattr(user, "_srb_kita_ids", None)
    if cached is None:
        cached = set(user.kitas.values_list("id", flat=True))
        user._srb_kita_ids = cached
    return cached


# --- who is staff ---------------------------------------------------------------


def is_jugendamt_staff(user) -> bool:
    """Jugendamt roles (incl. superusers): full view of their Jugendamt's data."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return has_role(user, *roles.STAFF_ROLES)


def can_access_admin(user) -> bool:
    return is_jugendamt_staff(user) and user.is_staff


def can_manage_users(user) -> bool:
    return has_role(user, roles.JUGENDAMT, roles.JUGENDAMT_LEITUNG, roles.ADMINISTRATION) or (
        getattr(user, "is_superuser", False)
    )


# --- master data ----------------------------------------------------------------


def can_view_kita(user, kita) -> bool:
    """Jugendamt staff of the Kita's Jugendamt, its leaders, and its Träger."""
    if not _roles(user) and not getattr(user, "is_superuser", False):
        return False
    if is_jugendamt_staff(user):
        return _same_jugendamt(user, kita.sozialraum.jugendamt_id)
    if has_role(user, roles.KITA_LEITUNG) and kita.pk in _led_kita_ids(user):
        return True
    return has_role(user, roles.TRAEGER) and user.traeger_id == kita.traeger_id


def can_view_kita_detail(user, kita) -> bool:
    """Per-Kita index values: never for the committee (no stigmatising detail)."""
    return can_view_kita(user, kita)


def can_fill_questionnaire(user, kita) -> bool:
    """Only the Kita's own leader fills in its questionnaire."""
    return has_role(user, roles.KITA_LEITUNG) and kita.pk in _led_kita_ids(user)


# --- surveys ---------------------------------------------------------------------


def can_manage_rounds(user, jugendamt_id=None) -> bool:
    if not has_role(user, roles.JUGENDAMT, roles.JUGENDAMT_LEITUNG) and not user.is_superuser:
        return False
    return jugendamt_id is None or _same_jugendamt(user, jugendamt_id)


def can_review_response(user, response) -> bool:
    return can_manage_rounds(user, response.kita.sozialraum.jugendamt_id)


def can_import_responses(user, jugendamt_id=None) -> bool:
    return can_manage_rounds(user, jugendamt_id)


# --- indices ---------------------------------------------------------------------


def can_view_evaluation(user, jugendamt_id=None) -> bool:
    """The per-Kita evaluation pages (/auswertung/)."""
    if not is_jugendamt_staff(user):
        return False
    return jugendamt_id is None or _same_jugendamt(user, jugendamt_id)


def can_start_computation(user, jugendamt_id=None) -> bool:
    return can_manage_rounds(user, jugendamt_id)


# --- allocation ------------------------------------------------------------------


def can_edit_plan(user, plan) -> bool:
    if not has_role(user, roles.JUGENDAMT, roles.JUGENDAMT_LEITUNG) and not user.is_superuser:
        return False
    return _same_jugendamt(user, plan.sozialraum.jugendamt_id)


def can_view_plan(user, plan) -> bool:
    if is_jugendamt_staff(user):
        return _same_jugendamt(user, plan.sozialraum.jugendamt_id)
    if has_role(user, roles.TRAEGER) and user.traeger_id:
        return plan.sozialraum.kitas.filter(traeger_id=user.traeger_id).exists()
    return False


def can_comment_plan(user, plan) -> bool:
    return can_edit_plan(user, plan) or (
        has_role(user, roles.TRAEGER) and can_view_plan(user, plan)
    )


def can_approve_plan(user, plan) -> bool:
    """Only Jugendamt-Leitung approves. The four-eyes rule (not the last editor) is
    checked by the approval service because it needs the plan's history."""
    return has_role(user, roles.JUGENDAMT_LEITUNG) and _same_jugendamt(
        user, plan.sozialraum.jugendamt_id
    )


def can_manage_budget(user, jugendamt_id=None) -> bool:
    return can_manage_rounds(user, jugendamt_id)


def can_view_audit(user, jugendamt_id=None) -> bool:
    return can_view_evaluation(user, jugendamt_id)


# --- reports ---------------------------------------------------------------------


def can_view_committee_report(user, jugendamt_id=None) -> bool:
    if not (has_role(user, roles.AUSSCHUSS) or is_jugendamt_staff(user)):
        return False
    return jugendamt_id is None or _same_jugendamt(user, jugendamt_id)


def can_export_kita_data(user, jugendamt_id=None) -> bool:
    return can_view_evaluation(user, jugendamt_id)


def can_view_staff_dashboard(user, jugendamt_id=None) -> bool:
    """The Jugendamt start page (round progress, runs, plans, reviews): staff only."""
    return can_view_evaluation(user, jugendamt_id)


def can_view_traeger_dashboard(user) -> bool:
    """A Träger representative's page: their Kitas' plans and comments."""
    return has_role(user, roles.TRAEGER) and bool(getattr(user, "traeger_id", None))


def can_view_kita_dashboard(user) -> bool:
    """A Kita leader's page: their own Kita(s) only."""
    return has_role(user, roles.KITA_LEITUNG)
