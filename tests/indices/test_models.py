"""Stored index results never change once written."""

from datetime import timedelta

import pytest
from django.utils import timezone

from indices.models import ImmutableRecordError, IndexRun
from indices.services import index_run_compute
from tests.indices.factories import IndexRunFactory, round_with_answers

pytestmark = pytest.mark.django_db


def test_a_stored_run_cannot_be_saved_again_or_deleted():
    run = IndexRunFactory()
    run.error = "tampered"
    with pytest.raises(ImmutableRecordError):
        run.save()
    with pytest.raises(ImmutableRecordError):
        run.delete()
    assert IndexRun.objects.get(pk=run.pk).error == ""


def test_stored_kita_and_sozialraum_values_cannot_be_changed():
    survey_round = round_with_answers(kitas=6, sozialraeume=2)
    run = index_run_compute(round_id=survey_round.pk)
    kita_value = run.kita_values.first()
    kita_value.gesamt = 99.0
    with pytest.raises(ImmutableRecordError):
        kita_value.save()
    sozialraum_value = run.sozialraum_values.first()
    with pytest.raises(ImmutableRecordError):
        sozialraum_value.delete()


def test_a_running_run_becomes_stale_after_the_limit(settings):
    settings.SRB_INDEX_RUN_STALE_MINUTES = 30
    fresh = IndexRunFactory(started_at=timezone.now() - timedelta(minutes=5))
    old = IndexRunFactory(started_at=timezone.now() - timedelta(minutes=31))
    finished_old = IndexRunFactory(
        status=IndexRun.Status.FINISHED, started_at=timezone.now() - timedelta(hours=5)
    )
    assert not fresh.is_stale
    assert old.is_stale and old.display_status == "stale"
    assert not finished_old.is_stale
