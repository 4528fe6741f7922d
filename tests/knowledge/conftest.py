import pytest


@pytest.fixture
def media(settings, tmp_path):
    """Every stored file of a test under its own directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
