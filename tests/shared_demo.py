"""The demo seeded once per test module instead of once per test.

``seed_all`` takes about two seconds on SQLite and more on PostgreSQL; a module whose
thirty tests each ask for ``demo`` spent a minute seeding the same data. A module that
assigns both fixtures::

    from tests import shared_demo

    demo_seeded = shared_demo.demo_seeded
    demo = shared_demo.demo

seeds the demo when its first test asks for ``demo``, inside one transaction that is
rolled back after the module's last test (as Django's ``setUpTestData``; the world of
``tests/test_permission_matrix.py`` is built the same way). Every test still runs in a
savepoint of its own (pytest-django's ``db``), so what one test writes is gone for the
next, and ``demo`` (and ``role_users`` of ``tests/conftest.py``, which asks for it) reads
its objects afresh for each test.

Only for modules whose demo tests are not transactional (``transaction=True`` flushes the
database and cannot run inside the module's transaction; ``demo`` refuses them) and whose
other database tests do not need an empty database: the demo stays in place from the
module's first demo test to its end.
"""

import pytest
from django.db import transaction

DEMO_JUGENDAMT = "bad-kreuznach"


@pytest.fixture(scope="module")
def demo_seeded(django_db_setup, django_db_blocker):
    """The demo of ``seed_all`` for the module, rolled back after its last test."""
    from sozialraeume.management.commands.seed_demo import seed_all

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed_all()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(request, demo_seeded, db):
    """The demo Jugendamt, read afresh for the test (the data are the module's)."""
    from sozialraeume.models import Jugendamt

    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    )
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        pytest.fail("the shared demo runs inside the module's transaction: not transactional")
    return Jugendamt.objects.get(slug=DEMO_JUGENDAMT)
