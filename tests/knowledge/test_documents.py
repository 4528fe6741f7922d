"""The document box: who may open which document, versions, the public download."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from audit.models import AuditEvent
from knowledge import selectors, services
from knowledge.models import DocumentKind, Visibility
from teams.services import teams as team_services
from tests.factories import SozialraumFactory
from tests.knowledge.factories import (
    jpeg_with_gps,
    make_document,
    make_world,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def _status(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


def _download(document):
    return reverse("knowledge:version_download", args=[document.current_version_id])


def _public(world, document):
    return reverse(
        "knowledge:public_download", kwargs={"slug": world.ja.slug, "doc_id": document.pk}
    )


def test_staff_only_document_is_404_for_the_committee_and_the_public(client, media):
    world = make_world()
    world.ja.public_page_enabled = True
    world.ja.save()
    document = make_document(world, visibility=Visibility.STAFF, sozialraum=world.sozialraum)
    detail = reverse("knowledge:document_detail", args=[document.pk])
    assert _status(client, world.staff, detail) == 200
    assert _status(client, world.staff, _download(document)) == 200
    for user in (world.committee, world.member, world.outsider, world.fremd):
        assert _status(client, user, detail) == 404, user
        assert _status(client, user, _download(document)) == 404, user
    assert _status(client, None, _public(world, document)) == 404
    # and the list does not name it
    client.force_login(world.committee)
    assert document.title not in client.get(reverse("knowledge:document_list")).content.decode()


def test_public_document_is_404_while_the_public_page_is_off_and_200_when_on(client, media):
    world = make_world()
    document = make_document(world, visibility=Visibility.PUBLIC, title="Grafik öffentlich")
    url = _public(world, document)
    assert _status(client, None, url) == 404
    assert selectors.public_documents(world.ja) == []
    # a signed-in Kita leader of the Jugendamt does not see it either while it is off
    assert _status(client, world.outsider, _download(document)) == 404
    world.ja.public_page_enabled = True
    world.ja.save()
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert _status(client, world.outsider, _download(document)) == 200
    (listed,) = selectors.public_documents(world.ja)
    assert (listed.title, listed.kind_label, listed.url) == (
        "Grafik öffentlich",
        "Sozialraumanalyse",
        url,
    )
    # another Jugendamt's slug does not reach it
    other = reverse(
        "knowledge:public_download",
        kwargs={"slug": world.fremd.jugendamt.slug, "doc_id": document.pk},
    )
    world.fremd.jugendamt.public_page_enabled = True
    world.fremd.jugendamt.save()
    assert _status(client, None, other) == 404


def test_a_committee_document_is_not_public(client, media):
    world = make_world()
    world.ja.public_page_enabled = True
    world.ja.save()
    document = make_document(world, visibility=Visibility.COMMITTEE)
    assert _status(client, None, _public(world, document)) == 404
    assert _status(client, world.committee, _download(document)) == 200
    assert _status(client, world.outsider, _download(document)) == 404
    assert selectors.public_documents(world.ja) == []


def test_team_document_is_seen_by_the_team_of_its_sozialraum_only(client, media):
    world = make_world()
    document = make_document(world, visibility=Visibility.TEAM, sozialraum=world.sozialraum)
    detail = reverse("knowledge:document_detail", args=[document.pk])
    assert _status(client, world.member, detail) == 200
    assert _status(client, world.member, _download(document)) == 200
    assert _status(client, world.team_world.traeger_rep, detail) == 200
    for user in (world.outsider, world.committee, world.fremd):
        assert _status(client, user, detail) == 404, user
    # a member who left loses it
    membership = world.team_world.team.members.get(user=world.member)
    team_services.team_member_leave(
        member=membership, left_on=datetime.date.today(), acting_user=world.staff
    )
    assert _status(client, world.member, detail) == 404
    # the same visibility in another Sozialraum: not this team's
    elsewhere = make_document(
        world, visibility=Visibility.TEAM, sozialraum=world.other_sozialraum, title="Woanders"
    )
    assert _status(client, world.team_world.traeger_rep, _download(elsewhere)) == 404


def test_versions_each_new_upload_becomes_current_and_history_stays(client, media):
    world = make_world()
    document = make_document(world, visibility=Visibility.TEAM, sozialraum=world.sozialraum)
    first = document.current_version
    second = services.document_version_add(
        document=document,
        uploaded=pdf_upload(title="Zweite Fassung"),
        note="überarbeitet",
        acting_user=world.staff,
    )
    document.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert document.current_version == second
    content = second.file.open("rb").read()
    assert second.sha256 == hashlib.sha256(content).hexdigest()
    assert second.size == len(content)
    assert first.sha256 != second.sha256
    client.force_login(world.member)
    page = client.get(reverse("knowledge:document_detail", args=[document.pk])).content.decode()
    assert "überarbeitet" in page and page.count('data-testid="version"') == 2
    old = client.get(reverse("knowledge:version_download", args=[first.pk]))
    assert old.status_code == 200
    assert AuditEvent.objects.filter(action="document_version.add").count() == 2
    assert AuditEvent.objects.filter(action="document.create").count() == 1
    # the files are below MEDIA_ROOT/knowledge/, with names that say nothing
    assert first.file.name.startswith("knowledge/documents/")
    assert "analyse" not in first.file.name
    assert (media / first.file.name).exists()


def test_an_image_version_is_stored_without_metadata_and_shown_inline(client, media):
    world = make_world()
    document = make_document(
        world,
        visibility=Visibility.STAFF,
        kind=DocumentKind.GRAFIK,
        uploaded=SimpleUploadedFile("karte.jpg", jpeg_with_gps(), "image/jpeg"),
    )
    version = document.current_version
    assert version.content_type == "image/jpeg"
    with Image.open(version.file.path) as stored:
        assert dict(stored.getexif()) == {}
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(stored.info)
    client.force_login(world.staff)
    response = client.get(_download(document))
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")


def test_only_staff_upload_and_edit(client, media):
    world = make_world()
    client.force_login(world.member)
    assert client.get(reverse("knowledge:document_create")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.document_create(
            jugendamt=world.ja,
            title="x",
            kind=DocumentKind.SONSTIGES,
            date=datetime.date(2024, 1, 1),
            uploaded=pdf_upload(),
            acting_user=world.member,
        )
    client.force_login(world.staff)
    response = client.post(
        reverse("knowledge:document_create"),
        {
            "title": "Diskussionspapier Kita-Sozialarbeit",
            "kind": DocumentKind.DISKUSSIONSPAPIER,
            "date": "2024-02-01",
            "sozialraum": world.sozialraum.pk,
            "visibility": Visibility.TEAM,
            "file": pdf_upload(),
            "note": "",
            "resolved_on": "",
        },
    )
    assert response.status_code == 302
    document = world.ja.documents.get(title="Diskussionspapier Kita-Sozialarbeit")
    edit = client.post(
        reverse("knowledge:document_edit", args=[document.pk]),
        {
            "title": "Diskussionspapier (Fassung für den Ausschuss)",
            "kind": DocumentKind.DISKUSSIONSPAPIER,
            "date": "2024-02-01",
            "sozialraum": "",
            "visibility": Visibility.COMMITTEE,
        },
    )
    assert edit.status_code == 302
    document.refresh_from_db()
    assert document.visibility == Visibility.COMMITTEE and document.sozialraum is None
    event = AuditEvent.objects.get(action="document.update")
    assert event.old["visibility"] == "team" and event.new["visibility"] == "committee"
    # foreign staff cannot edit it (404) and change nothing
    client.force_login(world.fremd)
    assert (
        client.post(reverse("knowledge:document_edit", args=[document.pk]), {}).status_code == 404
    )


def test_refusals_are_german(media):
    world = make_world()
    with pytest.raises(ValidationError, match="braucht einen Sozialraum"):
        make_document(world, visibility=Visibility.TEAM, sozialraum=None)
    document = make_document(world)
    with pytest.raises(ValidationError, match="nur für die Konzeption"):
        services.document_version_add(
            document=document,
            uploaded=pdf_upload(),
            resolved_on=datetime.date(2024, 1, 1),
            acting_user=world.staff,
        )
    with pytest.raises(ValidationError, match="SVG"):
        services.document_version_add(
            document=document,
            uploaded=SimpleUploadedFile("x.svg", b"<svg></svg>", "image/svg+xml"),
            acting_user=world.staff,
        )
    with pytest.raises(ValidationError, match="gehört nicht zu diesem Jugendamt"):
        make_document(world, visibility=Visibility.TEAM, sozialraum=SozialraumFactory())
    assert document.versions.count() == 1


def test_foreign_jugendamt_gets_404_everywhere(client, media):
    world = make_world()
    document = make_document(world, visibility=Visibility.COMMITTEE)
    client.force_login(world.fremd)
    for url in (
        reverse("knowledge:document_detail", args=[document.pk]),
        _download(document),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("knowledge:version_add", args=[document.pk])).status_code == 404
    listing = client.get(reverse("knowledge:document_list"))
    assert listing.status_code == 200 and document.title not in listing.content.decode()
