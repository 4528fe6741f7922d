"""The Konzeption as a versioned document: each index run names the version in force."""

import datetime

import pytest
from django.urls import reverse

from indices import konzeption
from indices.services import index_run_compute
from knowledge import selectors, services
from knowledge.models import DocumentKind, Visibility
from tests.indices.factories import round_with_answers
from tests.knowledge.factories import make_document, make_world, pdf_upload

pytestmark = pytest.mark.django_db


def test_the_index_run_records_the_konzeption_version_in_force(media):
    world = make_world()
    survey_round = round_with_answers(kitas=6, sozialraeume=2, jugendamt=world.ja)
    before = index_run_compute(round_id=survey_round.pk)
    assert before.konzeption_version == ""
    document = make_document(
        world,
        kind=DocumentKind.KONZEPTION,
        visibility=Visibility.COMMITTEE,
        title="Konzeption Sozialraumbudget",
        resolved_on=datetime.date(2021, 6, 24),
    )
    # a later draft without a resolution does not count yet
    services.document_version_add(document=document, uploaded=pdf_upload(), acting_user=world.staff)
    label = "Konzeption Sozialraumbudget, Version 1 (beschlossen am 24.06.2021)"
    assert konzeption.current_label(world.ja.pk) == label
    run = index_run_compute(round_id=survey_round.pk, force=True)
    assert run.konzeption_version == label
    # the next resolved version is named by the next run; the stored one stays
    services.document_version_add(
        document=document,
        uploaded=pdf_upload(),
        resolved_on=datetime.date(2023, 3, 2),
        acting_user=world.staff,
    )
    later = index_run_compute(round_id=survey_round.pk, force=True)
    assert later.konzeption_version.endswith("Version 3 (beschlossen am 02.03.2023)")
    run.refresh_from_db()
    assert run.konzeption_version == label
    # another Jugendamt's runs name none
    assert konzeption.current_label(world.fremd.jugendamt_id) == ""


def test_a_resolution_date_in_the_future_is_not_in_force_yet(media):
    world = make_world()
    make_document(
        world,
        kind=DocumentKind.KONZEPTION,
        resolved_on=datetime.date.today() + datetime.timedelta(days=30),
    )
    assert selectors.konzeption_label(world.ja.pk) == ""


def test_the_run_page_shows_the_konzeption(client, media):
    world = make_world()
    make_document(
        world,
        kind=DocumentKind.KONZEPTION,
        title="Konzeption SRB",
        resolved_on=datetime.date(2021, 6, 24),
    )
    survey_round = round_with_answers(kitas=6, sozialraeume=2, jugendamt=world.ja)
    index_run_compute(round_id=survey_round.pk)
    client.force_login(world.staff)
    page = client.get(reverse("indices:overview"), {"round": survey_round.pk})
    assert "Grundlage: Konzeption SRB, Version 1 (beschlossen am 24.06.2021)" in (
        page.content.decode()
    )
