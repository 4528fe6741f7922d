"""The demo of the document box and the children's perspective: invented, drawn, idempotent."""

import io

import pytest
from PIL import Image

from knowledge import demo
from knowledge.models import ChildPicture, Document, PictureKind
from sozialraeume import demo as master_demo

pytestmark = pytest.mark.django_db


def test_demo_seeds_documents_konzeption_and_drawn_pictures_once(media):
    master_demo.seed()
    assert demo.seed() == 8
    assert demo.seed() == 0
    assert Document.objects.count() == 3
    konzeption = Document.objects.get(kind="konzeption")
    assert konzeption.current_version.resolved_on.year == 2021
    analyse = Document.objects.get(kind="sozialraumanalyse")
    assert analyse.visibility == "team" and analyse.sozialraum is not None
    assert analyse.current_version.file.open("rb").read().startswith(b"%PDF-")
    assert Document.objects.get(kind="grafik").current_version.content_type == "image/png"
    pictures = ChildPicture.objects.all()
    assert pictures.filter(kind=PictureKind.WALK_NOTE, image="").count() == 1
    for picture in pictures.exclude(image=""):
        with Image.open(io.BytesIO(picture.image.open("rb").read())) as image:
            assert image.format == "JPEG" and dict(image.getexif()) == {}
