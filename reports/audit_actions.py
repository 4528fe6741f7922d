"""The reports app's audit actions beyond ``audit.events`` (issue 17), registered on
import (``ReportsConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from audit.events import F, K, register

# The Jugendamt-Leitung switches the public results page (/oeffentlich/<slug>/) on or off
# on the goals page (/berichte/ziele/).
JUGENDAMT_PUBLIC_PAGE_CHANGE = register(
    "jugendamt.public_page_change",
    _("Öffentliche Ergebnisseite ein- oder ausgeschaltet"),
    (F("public_page_enabled", _("öffentliche Ergebnisseite eingeschaltet"), K.BOOL),),
)

# Issue 18 (maps): the Sozialraum boundaries of a Jugendamt replaced by an upload, and Kita
# locations set (from a CSV upload or the form on /berichte/karten/).
MAP_BOUNDARIES_UPLOAD = register(
    "map_boundaries.upload",
    _("Sozialraum-Grenzen hochgeladen"),
    (
        F("sozialraeume", _("Sozialräume"), K.LIST),
        F("count", _("Anzahl"), K.NUMBER),
        F("filename", _("Datei")),
    ),
)
KITA_LOCATION_SET = register(
    "kita_location.set",
    _("Kita-Standorte eingetragen"),
    (
        F("kitas", _("Kitas"), K.LIST),
        F("count", _("Anzahl"), K.NUMBER),
        F("source", _("Quelle")),
    ),
)
