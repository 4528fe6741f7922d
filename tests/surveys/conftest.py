import pytest

from surveys.signals import round_answers_changed


@pytest.fixture
def signal_log():
    """Round ids for which ``round_answers_changed`` was sent."""
    sent = []

    def receiver(sender, round_id, **kwargs):
        sent.append(round_id)

    round_answers_changed.connect(receiver, weak=False, dispatch_uid="surveys-test-log")
    yield sent
    round_answers_changed.disconnect(dispatch_uid="surveys-test-log")
