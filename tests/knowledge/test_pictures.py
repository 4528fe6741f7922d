"""The children's perspective: upload without metadata, who sees which picture, deletion,
theme counts and the five-year retention."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from audit.models import AuditEvent
from knowledge import selectors, services
from knowledge.models import ChildPicture, PictureKind
from knowledge.retention import delete_expired_pictures
from tests.knowledge.factories import jpeg_with_gps, make_world, png_bytes

pytestmark = pytest.mark.django_db


def _add(world, *, leader=None, kita=None, themes=("natur",), image=True, **kw):
    leader = leader or world.member
    kita = kita or world.team_world.kita_a
    return services.child_picture_add(
        kita=kita,
        kind=kw.pop("kind", PictureKind.PICTURE),
        place=kw.pop("place", "Wäldchen"),
        motif=kw.pop("motif", "Bäume und ein Fuchs"),
        themes=list(themes),
        made_on=datetime.date(2024, 5, 1),
        uploaded=SimpleUploadedFile("bild.jpg", jpeg_with_gps(), "image/jpeg") if image else None,
        acting_user=leader,
    )


def test_uploaded_jpeg_with_gps_exif_is_stored_without_any_metadata(client, media):
    world = make_world()
    client.force_login(world.member)
    response = client.post(
        reverse("knowledge:picture_create"),
        {
            "kita": world.team_world.kita_a.pk,
            "kind": PictureKind.PICTURE,
            "image": SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), "image/jpeg"),
            "place": "Spielplatz am Bach",
            "motif": "Rutsche und Schaukel",
            "themes": ["spielen", "wasser"],
            "made_on": "2024-05-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    picture = ChildPicture.objects.get()
    assert picture.sozialraum == world.sozialraum
    assert picture.image.name.startswith("knowledge/pictures/")
    stored = (media / picture.image.name).read_bytes()
    assert b"Testkamera" not in stored
    with Image.open(io.BytesIO(stored)) as back:
        assert back.format == "JPEG"
        assert dict(back.getexif()) == {}
        assert not back.getexif().get_ifd(0x8825)
        assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment"} & set(back.info)
    # served through the view, to whom may see it
    image = client.get(reverse("knowledge:picture_image", args=[picture.pk]))
    assert image.status_code == 200
    assert b"".join(image.streaming_content) == stored
    assert image["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action="child_picture.add")
    assert "Rutsche" not in str(event.new) and event.new["has_image"] is True


def test_svg_and_fake_images_are_refused_with_a_german_message_and_nothing_stored(client, media):
    world = make_world()
    client.force_login(world.member)
    base = {
        "kita": world.team_world.kita_a.pk,
        "kind": PictureKind.PICTURE,
        "place": "Ort",
        "motif": "Motiv",
        "made_on": "2024-05-01",
    }
    svg = SimpleUploadedFile("bild.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    page = client.post(reverse("knowledge:picture_create"), {**base, "image": svg})
    assert page.status_code == 200
    assert "SVG- und andere Vektordateien sind nicht erlaubt" in page.content.decode()
    fake = SimpleUploadedFile("bild.jpg", b"kein Bild", "image/jpeg")
    page = client.post(reverse("knowledge:picture_create"), {**base, "image": fake})
    assert "Die Datei ist kein lesbares Bild" in page.content.decode()
    assert not ChildPicture.objects.exists()


def test_a_walk_note_may_be_text_only_a_picture_may_not(media):
    world = make_world()
    note = _add(world, kind=PictureKind.WALK_NOTE, image=False, themes=["verkehr"])
    assert not note.image and note.themes == ["verkehr"]
    with pytest.raises(ValidationError, match="Bilddatei"):
        _add(world, image=False)
    with pytest.raises(ValidationError, match="Unbekanntes Thema"):
        _add(world, themes=["fussball"])


def test_kita_leader_sees_only_the_own_kitas_pictures(client, media):
    world = make_world()
    own = _add(world, leader=world.outsider, kita=world.outsider_kita, place="Eigener Ort")
    other = _add(world, place="Fremder Ort")
    client.force_login(world.outsider)
    page = client.get(reverse("knowledge:picture_list")).content.decode()
    assert "Eigener Ort" in page and "Fremder Ort" not in page
    assert world.team_world.kita_a.name not in page
    assert client.get(reverse("knowledge:picture_image", args=[own.pk])).status_code == 200
    assert client.get(reverse("knowledge:picture_image", args=[other.pk])).status_code == 404
    # and may send in only for the own Kita
    with pytest.raises(PermissionDenied):
        _add(world, leader=world.outsider, kita=world.team_world.kita_a)


def test_the_team_sees_its_sozialraum_without_other_kitas_names(client, media):
    world = make_world()
    tw = world.team_world
    _add(world, place="Ahorn-Spielplatz")
    _add(world, leader=tw.leader_b, kita=tw.kita_b, place="Birken-Bach", themes=["wasser"])
    _add(world, leader=world.outsider, kita=world.outsider_kita, place="Außen-Ort")
    client.force_login(tw.leader_a)
    page = client.get(reverse("knowledge:picture_list")).content.decode()
    assert "Ahorn-Spielplatz" in page and "Birken-Bach" in page and "Außen-Ort" not in page
    assert tw.kita_a.name in page  # the own Kita is named
    assert tw.kita_b.name not in page  # the other Kita of the team is not
    client.force_login(world.staff)
    page = client.get(reverse("knowledge:picture_list")).content.decode()
    assert all(p in page for p in ("Ahorn-Spielplatz", "Birken-Bach", "Außen-Ort"))
    assert tw.kita_b.name in page
    client.force_login(world.committee)
    assert client.get(reverse("knowledge:picture_list")).status_code == 403


def test_foreign_jugendamt_gets_404_for_pictures(client, media):
    world = make_world()
    picture = _add(world)
    client.force_login(world.fremd)
    assert client.get(reverse("knowledge:picture_image", args=[picture.pk])).status_code == 404
    delete = reverse("knowledge:picture_delete", args=[picture.pk])
    assert client.post(delete).status_code == 404
    page = client.get(reverse("knowledge:picture_list")).content.decode()
    assert "Wäldchen" not in page
    assert ChildPicture.objects.filter(pk=picture.pk).exists()


def test_the_uploader_or_staff_delete_and_the_file_is_removed(
    client, media, django_capture_on_commit_callbacks
):
    world = make_world()
    tw = world.team_world
    mine = _add(world)
    theirs = _add(world, leader=tw.leader_b, kita=tw.kita_b)
    client.force_login(tw.leader_a)
    # a team member who did not send it in sees it but may not delete it
    assert client.post(reverse("knowledge:picture_delete", args=[theirs.pk])).status_code == 404
    path = media / mine.image.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("knowledge:picture_delete", args=[mine.pk]))
    assert response.status_code == 302
    assert not ChildPicture.objects.filter(pk=mine.pk).exists()
    assert not path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.child_picture_delete(picture=theirs, acting_user=world.staff)
    assert not ChildPicture.objects.exists()
    assert AuditEvent.objects.filter(action="child_picture.delete").count() == 2


def test_theme_counts_per_sozialraum(client, media):
    world = make_world()
    tw = world.team_world
    _add(world, themes=["natur", "tiere"])
    _add(world, themes=["natur"])
    _add(world, leader=tw.leader_b, kita=tw.kita_b, themes=["wasser", "natur"])
    _add(world, leader=world.outsider, kita=world.outsider_kita, themes=["verkehr"])
    counted = selectors.theme_counts(selectors.visible_pictures(world.staff))
    rows = {r.sozialraum: r for r in counted}
    codes = ["bewegung", "familie", "natur", "spielen", "tiere", "wasser", "verkehr", "sonstiges"]
    team_row = dict(zip(codes, rows[world.sozialraum.name].counts, strict=True))
    assert team_row == {**dict.fromkeys(codes, 0), "natur": 3, "tiere": 1, "wasser": 1}
    assert rows[world.sozialraum.name].total == 3
    assert rows[world.other_sozialraum.name].counts[codes.index("verkehr")] == 1
    client.force_login(world.staff)
    page = client.get(reverse("knowledge:picture_list")).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in page
    assert 'data-testid="theme-counts"' in page
    filtered = client.get(reverse("knowledge:picture_list"), {"thema": "verkehr"})
    assert filtered.content.decode().count('data-testid="picture"') == 1


def test_pictures_are_deleted_five_years_after_upload(media, django_capture_on_commit_callbacks):
    world = make_world()
    old = _add(world)
    recent = _add(world)
    now = timezone.now()
    ChildPicture.objects.filter(pk=old.pk).update(
        uploaded_at=now - datetime.timedelta(days=5 * 365 + 2)
    )
    ChildPicture.objects.filter(pk=recent.pk).update(
        uploaded_at=now - datetime.timedelta(days=5 * 365 - 2)
    )
    assert delete_expired_pictures(now=now, dry_run=True) == 1
    assert ChildPicture.objects.count() == 2
    path = media / old.image.name
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_expired_pictures(now=now, dry_run=False) == 1
    assert list(ChildPicture.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not path.exists()
    assert delete_expired_pictures(now=now, dry_run=False) == 0


def test_png_upload_keeps_png(media):
    world = make_world()
    picture = services.child_picture_add(
        kita=world.team_world.kita_a,
        kind=PictureKind.PICTURE,
        place="Ort",
        motif="Motiv",
        themes=[],
        made_on=datetime.date(2024, 5, 1),
        uploaded=SimpleUploadedFile("b.png", png_bytes(), "image/png"),
        acting_user=world.member,
    )
    assert picture.content_type == "image/png" and picture.image.name.endswith(".png")


def test_apply_retention_deletes_the_old_pictures_and_counts_them(
    media, django_capture_on_commit_callbacks
):
    """The command of the Löschkonzept (daily through Celery beat) applies the rule."""
    from io import StringIO

    from django.core.management import call_command

    world = make_world()
    old = _add(world)
    ChildPicture.objects.filter(pk=old.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(days=5 * 365 + 2)
    )
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", stdout=out)
    assert not ChildPicture.objects.filter(pk=old.pk).exists()
    assert "Bilder und Notizen der Kinderperspektive nach 5 Jahren gelöscht: 1" in out.getvalue()
