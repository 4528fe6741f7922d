"""Who may read which report, on ``srb_project.policy``. Reports have no model of their
own; ``obj`` is a Jugendamt or its id, or None (the report as such)."""

from __future__ import annotations

from srb_project import policy, roles


class ReportPolicy(policy.BasePolicy):
    """committee: the committee and Jugendamt staff (Sozialraum level only).
    staff_dashboard / export_kita_data: Jugendamt staff. traeger_dashboard: a Träger
    representative with a Träger. kita_dashboard: a Kita leader (own Kitas only).
    edit_goals: the Jugendamt's Leitung or Administration write the goals text of the
    committee report (``obj``: the Jugendamt)."""

    actions = (
        "view_committee_report",
        "view_staff_dashboard",
        "view_traeger_dashboard",
        "view_kita_dashboard",
        "export_kita_data",
        "edit_goals",
    )

    def can_view_committee_report(self, user, obj) -> bool:
        allowed = policy.has_role(user, roles.AUSSCHUSS) or policy.is_staff(user)
        return allowed and policy.in_scope(user, obj)

    def can_view_staff_dashboard(self, user, obj) -> bool:
        return policy.is_staff(user) and policy.in_scope(user, obj)

    can_export_kita_data = can_view_staff_dashboard

    def can_view_traeger_dashboard(self, user, obj) -> bool:
        return policy.has_role(user, roles.TRAEGER) and bool(getattr(user, "traeger_id", None))

    def can_view_kita_dashboard(self, user, obj) -> bool:
        return policy.has_role(user, roles.KITA_LEITUNG)

    def can_edit_goals(self, user, obj) -> bool:
        allowed = policy.is_superuser(user) or policy.has_role(
            user, roles.JUGENDAMT_LEITUNG, roles.ADMINISTRATION
        )
        return allowed and policy.in_scope(user, obj)


report_policy = ReportPolicy()
