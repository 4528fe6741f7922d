"""Who may see and change the maps (issue 18), on ``srb_project.policy``.

``obj`` is a Jugendamt or its id, or None. The staff map page (/berichte/karten/) with the
Kita points and the uploads of boundaries and Kita locations are for the Jugendamt's staff
only; the committee sees the Sozialraum maps inside its report (``ReportPolicy``), never a
Kita point."""

from __future__ import annotations

from srb_project import policy


class MapPolicy(policy.BasePolicy):
    """view_staff_maps: the map page with Kita points. upload_geodata: replace the
    Sozialraum boundaries, set Kita locations. Both: Jugendamt staff of that Jugendamt."""

    actions = ("view_staff_maps", "upload_geodata")

    def can_view_staff_maps(self, user, obj) -> bool:
        return policy.is_staff(user) and policy.in_scope(user, obj)

    can_upload_geodata = can_view_staff_maps


map_policy = MapPolicy()
