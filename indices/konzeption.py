"""Which version of the Konzeption an index run followed (issue 17), by inversion.

The Konzeption is a versioned document of the document box (``knowledge``, a layer above
this app). Each run stores the label of the version in force when it was created
(``IndexRun.konzeption_version``), so a result can later be read against the rules it was
computed under. ``knowledge`` registers the provider in its ``AppConfig.ready()``; indices
never imports it. Without a provider (or without a resolved version) the label is "".
"""

from __future__ import annotations

from collections.abc import Callable

KonzeptionProvider = Callable[[int], str]

_provider: KonzeptionProvider | None = None


def register_provider(func: KonzeptionProvider) -> None:
    """Set the function giving a Jugendamt's current Konzeption label (given its id)."""
    global _provider  # one provider per process, set once at start-up
    _provider = func


def current_label(jugendamt_id: int | None) -> str:
    """The label of the Konzeption version in force for the Jugendamt, or ""."""
    if _provider is None or jugendamt_id is None:
        return ""
    return (_provider(jugendamt_id) or "")[:200]
