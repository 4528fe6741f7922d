"""``manage.py audit_verify``: walk every chain of the audit trail and name the first break.

For each chain (one per Jugendamt, one global) it recomputes every event's check value
(on PostgreSQL with the database's own function) and checks numbers, links and times.
It prints per chain the number of events and its head (last number and check value:
archive those outside the database, they show whether the tail was cut off or the whole
chain recomputed later); at a break the row id, the Jugendamt and what is wrong. Exit
status 1 when any chain is broken.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.chain import verify_chains
from audit.models import AuditEvent


class Command(BaseCommand):
    help = _(
        "Prüft die Prüfwertketten des Protokolls und nennt den ersten veränderten, "
        "gelöschten oder eingefügten Eintrag."
    )

    def add_arguments(self, parser):
        parser.add_argument("--jugendamt", help=_("nur die Kette dieses Jugendamts (Kurzname)"))
        parser.add_argument(
            "--global", dest="only_global", action="store_true", help=_("nur die globale Kette")
        )

    def handle(self, *args, jugendamt=None, only_global=False, **options):
        # The Jugendamt model is a layer above audit: reach it through the event's
        # foreign key instead of importing it.
        jugendamt_model = AuditEvent.jugendamt.field.related_model
        names = dict(jugendamt_model.objects.values_list("pk", "name"))
        jugendamt_id = None
        if jugendamt:
            jugendamt_id = (
                jugendamt_model.objects.filter(slug=jugendamt).values_list("pk", flat=True).first()
            )
            if jugendamt_id is None:
                raise CommandError(_("Unbekanntes Jugendamt: %(slug)s") % {"slug": jugendamt})
        results = verify_chains(jugendamt_id=jugendamt_id, only=bool(jugendamt or only_global))
        if not results:
            self.stdout.write(_("Das Protokoll ist leer."))
            return
        broken = 0
        for result in results:
            if result.jugendamt_id is None:
                chain = _("Globale Kette (ohne Jugendamt)")
            else:
                chain = _("Kette des Jugendamts %(name)s (ID %(id)s)") % {
                    "name": names.get(result.jugendamt_id, "?"),
                    "id": result.jugendamt_id,
                }
            if result.broken is None:
                self.stdout.write(
                    _(
                        "%(chain)s: %(count)s Einträge, unversehrt. Letzter Eintrag Nr. "
                        "%(seq)s, Prüfwert %(hash)s"
                    )
                    % {
                        "chain": chain,
                        "count": result.count,
                        "seq": result.head_seq,
                        "hash": result.head_hash,
                    }
                )
                continue
            broken += 1
            self.stderr.write(
                _("%(chain)s: GEBROCHEN. %(what)s")
                % {"chain": chain, "what": result.broken.message}
            )
        if broken:
            raise CommandError(
                _("Das Protokoll ist nicht unversehrt: %(count)s von %(total)s Ketten gebrochen.")
                % {"count": broken, "total": len(results)}
            )
        self.stdout.write(
            ngettext(
                "Die Kette ist unversehrt.",
                "Alle %(total)s Ketten sind unversehrt.",
                len(results),
            )
            % {"total": len(results)}
        )
