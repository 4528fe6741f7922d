"""Uploaded images, made safe to keep and to show (issue 17: children's pictures, graphics).

An upload is refused unless Pillow opens and verifies it as a JPEG or PNG (never SVG, GIF,
an animated PNG or anything else, whatever its name or claimed type says), within
``MAX_BYTES`` and ``MAX_PIXELS``. Accepted images are re-encoded from their pixels into a
fresh image, so nothing of the original file survives but the picture: no EXIF (camera,
GPS position, time), no XMP, no ICC profile, no PNG text chunks. The EXIF orientation is
applied first, so the picture is shown the way it was taken.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from srb_project import numbers, uploads

MAX_PIXELS = 40_000_000  # 40 megapixels
JPEG_QUALITY = 85
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def max_bytes() -> int:
    """The same limit as every other upload (``SRB_ATTACHMENT_MAX_BYTES``, 10 MB)."""
    return uploads.max_bytes()


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def _looks_like_markup(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html")) or b"<svg" in text


def clean_image(uploaded) -> CleanImage:
    """The uploaded file re-encoded without any metadata, or a German ValidationError."""
    if uploaded is None:
        _refuse(_("Bitte ein Bild wählen."), "required")
    if uploaded.size > max_bytes():
        _refuse(
            _("Die Datei ist %(size)s groß; erlaubt sind höchstens %(limit)s.")
            % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(max_bytes())},
            "too_large",
        )
    if uploaded.size == 0:
        _refuse(_("Die Datei ist leer."), "empty")
    uploaded.seek(0)
    raw = uploaded.read()
    uploaded.seek(0)
    if _looks_like_markup(raw[:1024]):
        _refuse(
            _("SVG- und andere Vektordateien sind nicht erlaubt; bitte ein JPEG- oder PNG-Bild."),
            "svg",
        )
    not_an_image = _("Die Datei ist kein lesbares Bild; erlaubt sind JPEG und PNG.")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            image_format = probe.format
            width, height = probe.size
            animated = bool(getattr(probe, "is_animated", False))
            probe.verify()  # checks the structure; the image cannot be used afterwards
    except Image.DecompressionBombError:
        _refuse(_("Das Bild hat zu viele Bildpunkte."), "too_many_pixels")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        _refuse(not_an_image, "not_image")
    if image_format not in FORMATS:
        _refuse(
            _("Das Format %(format)s ist nicht erlaubt; bitte ein JPEG- oder PNG-Bild.")
            % {"format": image_format or "?"},
            "format",
        )
    if animated:
        _refuse(_("Animierte Bilder sind nicht erlaubt."), "animated")
    if width * height > MAX_PIXELS:
        _refuse(
            _("Das Bild hat %(pixels)s Megapixel; erlaubt sind höchstens %(limit)s.")
            % {
                "pixels": numbers.localized(round(width * height / 1_000_000, 1), 1),
                "limit": numbers.localized(MAX_PIXELS // 1_000_000, 0),
            },
            "too_many_pixels",
        )
    try:
        with Image.open(io.BytesIO(raw)) as source:
            source.load()
            oriented = ImageOps.exif_transpose(source)
            content, mode_image = _reencode(oriented, image_format)
    except (OSError, SyntaxError, ValueError):
        _refuse(not_an_image, "not_image")
    content_type, extension = FORMATS[image_format]
    return CleanImage(
        content=content,
        content_type=content_type,
        extension=extension,
        width=mode_image.width,
        height=mode_image.height,
    )


def _reencode(image: Image.Image, image_format: str) -> tuple[bytes, Image.Image]:
    """Copy the pixels into a fresh image (empty ``info``: no EXIF, XMP, ICC or text) and
    encode it; JPEG as RGB or greyscale at quality 85, PNG keeping transparency."""
    if image_format == "JPEG":
        mode = "L" if image.mode in ("1", "L", "I;16") else "RGB"
    elif image.mode in ("1", "L", "RGB", "RGBA", "LA"):
        mode = image.mode if image.mode != "1" else "L"
    else:
        mode = "RGBA"
    pixels = image if image.mode == mode else image.convert(mode)
    fresh = Image.new(mode, pixels.size)
    fresh.paste(pixels)
    out = io.BytesIO()
    if image_format == "JPEG":
        fresh.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        fresh.save(out, format="PNG", optimize=True)
    return out.getvalue(), fresh
