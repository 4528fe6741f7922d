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
