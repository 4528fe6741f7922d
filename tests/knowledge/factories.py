"""Helpers of the knowledge tests: a world with a team, a second Jugendamt, and files."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from knowledge import services
from knowledge.demo import demo_pdf
from knowledge.models import DocumentKind, Visibility
from sozialraeume import roles
from tests.factories import JugendamtFactory, KitaFactory, SozialraumFactory, make_user
from tests.teams.factories import make_team_world

GPS_IFD = 0x8825


@dataclass
class KnowledgeWorld:
    team_world: object
    ja: object
    sozialraum: object
    other_sozialraum: object
    staff: object
    committee: object
    member: object  # a Kita leader in the team (leads kita_a)
    outsider: object  # a Kita leader of another Sozialraum, in no team
    outsider_kita: object
    fremd: object  # staff of a second Jugendamt


def make_world() -> KnowledgeWorld:
    tw = make_team_world()
    ja = tw.team.sozialraum.jugendamt
    other = SozialraumFactory(jugendamt=ja, name="Anderer Sozialraum")
    outsider_kita = KitaFactory(sozialraum=other, name="Kita Außenstelle")
    return KnowledgeWorld(
        team_world=tw,
        ja=ja,
        sozialraum=tw.team.sozialraum,
        other_sozialraum=other,
        staff=tw.staff,
        committee=make_user(roles.AUSSCHUSS, jugendamt=ja),
        member=tw.leader_a,
        outsider=make_user(roles.KITA_LEITUNG, kitas=[outsider_kita]),
        outsider_kita=outsider_kita,
        fremd=make_user(roles.JUGENDAMT, jugendamt=JugendamtFactory()),
    )


def pdf_upload(name="analyse.pdf", title="Testdokument"):
    return SimpleUploadedFile(name, demo_pdf(title, ["Zeile"]), "application/pdf")


def jpeg_with_gps(size=(64, 48)) -> bytes:
    """A JPEG carrying EXIF with camera, orientation and a GPS position, an ICC profile
    and a comment: everything the stored copy must not have."""
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "Testkamera"  # Make
    exif[0x0132] = "2024:05:01 10:00:00"  # DateTime
    exif[GPS_IFD] = {1: "N", 2: (49.0, 50.0, 30.0), 3: "E", 4: (7.0, 51.0, 50.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), icc_profile=b"\0" * 128, comment=b"Max M.")
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD), "test image without GPS"
    return data


def png_bytes(size=(20, 10), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "blue" if mode != "P" else 1).save(out, "PNG", **save)
    return out.getvalue()


def make_document(world, *, visibility=Visibility.STAFF, sozialraum=None, kind=None, **kw):
    return services.document_create(
        jugendamt=world.ja,
        title=kw.pop("title", f"Dokument {visibility}"),
        kind=kind or DocumentKind.SOZIALRAUMANALYSE,
        date=datetime.date(2024, 3, 1),
        visibility=visibility,
        sozialraum=sozialraum,
        uploaded=kw.pop("uploaded", None) or pdf_upload(),
        acting_user=world.staff,
        **kw,
    )
