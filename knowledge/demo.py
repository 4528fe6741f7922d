"""Demo data of the document box and the children's perspective (issue 17).

Invented throughout: a Sozialraumanalyse (PDF, for the demo Kita leader's Sozialraum, seen
by its team), a graphic for the public (PNG drawn with Pillow), the Konzeption of 2021
with the committee's (invented) resolution date, and a few children's pictures DRAWN with
Pillow (shapes and colours, no photographs) with one walk note. Everything goes through
the services, so the audit trail has the events. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from knowledge import services
from knowledge.models import ChildPicture, Document, DocumentKind, PictureKind, Visibility
from sozialraeume.models import Jugendamt

ANALYSE_TITLE = "Sozialraumanalyse 2020"
GRAFIK_TITLE = "Sozialraumbudget auf einen Blick"
KONZEPTION_TITLE = "Konzeption Sozialraumbudget"
KONZEPTION_RESOLVED = datetime.date(2021, 6, 24)


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A small one-page PDF with a few lines of text (Helvetica, WinAnsi)."""
    text = ["BT", "/F1 18 Tf", "72 770 Td", f"({_pdf_escape(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        text += ["0 -22 Td", f"({_pdf_escape(line)}) Tj"]
    text.append("ET")
    stream = "\n".join(text).encode("cp1252", errors="replace")
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def public_graphic() -> bytes:
    """Bars of four invented shares (no figures of a real Jugendamt)."""
    image = Image.new("RGB", (640, 360), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 320, 600, 322), fill="#212529")
    for index, (height, colour) in enumerate(
        ((180, "#0d6efd"), (240, "#198754"), (130, "#fd7e14"), (210, "#6f42c1"))
    ):
        x = 80 + index * 130
        draw.rectangle((x, 320 - height, x + 80, 320), fill=colour)
    draw.text((40, 20), "Anteile je Sozialraum (Beispiel)", fill="#212529")
    return _png(image)


def drawing(kind: str) -> bytes:
    """A child-like drawing made of simple shapes."""
    image = Image.new("RGB", (480, 360), "#fffdf5")
    draw = ImageDraw.Draw(image)
    if kind == "spielplatz":
        draw.ellipse((360, 20, 440, 100), fill="#ffd43b")  # sun
        draw.line((60, 300, 160, 120, 260, 300), fill="#e03131", width=8)  # slide frame
        draw.line((160, 120, 360, 300), fill="#1c7ed6", width=10)  # slide
        draw.rectangle((0, 300, 480, 360), fill="#8ce99a")
    elif kind == "wald":
        draw.rectangle((0, 280, 480, 360), fill="#69db7c")
        for x in (60, 180, 300, 410):
            draw.rectangle((x - 8, 200, x + 8, 290), fill="#8d5524")
            draw.polygon(((x - 50, 220), (x, 80), (x + 50, 220)), fill="#2f9e44")
        draw.ellipse((220, 300, 260, 330), fill="#f08c00")  # a fox
    elif kind == "bach":
        draw.rectangle((0, 0, 480, 360), fill="#e7f5ff")
        draw.polygon(((0, 220), (480, 180), (480, 260), (0, 300)), fill="#4dabf7")
        draw.ellipse((150, 120, 230, 170), fill="#ffa94d")  # a duck
        draw.ellipse((210, 105, 245, 135), fill="#ffa94d")
    else:  # oma
        draw.rectangle((140, 140, 340, 300), fill="#ffc9c9")  # house
        draw.polygon(((120, 140), (240, 50), (360, 140)), fill="#c92a2a")
        draw.rectangle((220, 220, 260, 300), fill="#862e9c")
        draw.ellipse((60, 230, 100, 270), fill="#fab005")  # two stick figures' heads
        draw.ellipse((390, 220, 430, 260), fill="#fab005")
    return _jpeg(image)


PICTURES = [
    {
        "kind": PictureKind.PICTURE,
        "drawing": "spielplatz",
        "place": "Spielplatz am Kornmarkt",
        "motif": "Die große Rutsche; das Kind rutscht dort am liebsten mit Freundinnen.",
        "themes": ["spielen", "bewegung"],
        "days_ago": 40,
    },
    {
        "kind": PictureKind.PICTURE,
        "drawing": "wald",
        "place": "Wäldchen hinter der Kita",
        "motif": "Bäume und ein Fuchs; im Wald sammelt die Gruppe Stöcke.",
        "themes": ["natur", "tiere"],
        "days_ago": 35,
    },
    {
        "kind": PictureKind.PICTURE,
        "drawing": "bach",
        "place": "Ellerbach an der Brücke",
        "motif": "Enten auf dem Bach; das Kind füttert sie sonntags.",
        "themes": ["wasser", "tiere", "familie"],
        "days_ago": 20,
    },
    {
        "kind": PictureKind.PICTURE,
        "drawing": "oma",
        "place": "Haus der Großeltern",
        "motif": "Das Haus, in dem das Kind nachmittags ist; zwei Menschen davor.",
        "themes": ["familie"],
        "days_ago": 12,
    },
    {
        "kind": PictureKind.WALK_NOTE,
        "drawing": None,
        "place": "Kreuzung Mühlenstraße",
        "motif": (
            "Beim Spaziergang blieben die Kinder an der Ampel stehen: zu laut, die Grünphase "
            "zu kurz. Mehrere Kinder sagten, sie gingen hier nur an der Hand über die Straße."
        ),
        "themes": ["verkehr"],
        "days_ago": 8,
    },
]


def seed(stdout=None):
    def say(text):
        if stdout:
            stdout.write(text)

    User = get_user_model()
    jugendamt = Jugendamt.objects.filter(slug="bad-kreuznach").first()
    staff = User.objects.filter(username="jugendamt").first()
    leader = User.objects.filter(username="kita-leitung").first()
    if jugendamt is None or staff is None or leader is None or not leader.kitas.exists():
        say("Dokumente: keine Demo-Stammdaten gefunden")
        return 0
    kita = leader.kitas.order_by("pk").first()
    today = datetime.date.today()
    made = 0
    existing = set(Document.objects.filter(jugendamt=jugendamt).values_list("title", flat=True))
    if ANALYSE_TITLE not in existing:
        services.document_create(
            jugendamt=jugendamt,
            title=ANALYSE_TITLE,
            kind=DocumentKind.SOZIALRAUMANALYSE,
            date=datetime.date(2020, 11, 30),
            visibility=Visibility.TEAM,
            sozialraum=kita.sozialraum,
            uploaded=SimpleUploadedFile(
                "sozialraumanalyse-2020.pdf",
                demo_pdf(
                    ANALYSE_TITLE,
                    [
                        f"Sozialraum {kita.sozialraum.name} (Demodaten, frei erfunden)",
                        "Bevölkerung, Kinder unter 6 Jahren, Angebote im Quartier.",
                    ],
                ),
                "application/pdf",
            ),
            note="Erste Fassung für das Sozialraum-Team",
            acting_user=staff,
        )
        made += 1
    if GRAFIK_TITLE not in existing:
        services.document_create(
            jugendamt=jugendamt,
            title=GRAFIK_TITLE,
            kind=DocumentKind.GRAFIK,
            date=datetime.date(2021, 9, 1),
            visibility=Visibility.PUBLIC,
            uploaded=SimpleUploadedFile("auf-einen-blick.png", public_graphic(), "image/png"),
            acting_user=staff,
        )
        made += 1
    if KONZEPTION_TITLE not in existing:
        services.document_create(
            jugendamt=jugendamt,
            title=KONZEPTION_TITLE,
            kind=DocumentKind.KONZEPTION,
            date=datetime.date(2021, 5, 31),
            visibility=Visibility.COMMITTEE,
            uploaded=SimpleUploadedFile(
                "konzeption-2021.pdf",
                demo_pdf(
                    f"{KONZEPTION_TITLE} 2021",
                    [
                        "Verteilung nach Sozialindex, Förderstränge FS1 bis FS4 (Demodaten).",
                        "Evaluation T0 2021, T1 2022, T2 2023.",
                    ],
                ),
                "application/pdf",
            ),
            note="Fassung 2021",
            resolved_on=KONZEPTION_RESOLVED,
            acting_user=staff,
        )
        made += 1
    if not ChildPicture.objects.filter(kita=kita).exists():
        for entry in PICTURES:
            uploaded = None
            if entry["drawing"]:
                uploaded = SimpleUploadedFile(
                    f"{entry['drawing']}.jpg", drawing(entry["drawing"]), "image/jpeg"
                )
            services.child_picture_add(
                kita=kita,
                kind=entry["kind"],
                place=entry["place"],
                motif=entry["motif"],
                themes=entry["themes"],
                made_on=today - datetime.timedelta(days=entry["days_ago"]),
                uploaded=uploaded,
                acting_user=leader,
            )
            made += 1
    say(f"Dokumente und Kinderperspektive: {made} angelegt")
    return made
