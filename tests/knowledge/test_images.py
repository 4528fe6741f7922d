"""Uploaded images are re-encoded without any metadata; anything but JPEG/PNG is refused
with a German message."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from knowledge import images
from tests.knowledge.factories import jpeg_with_gps, png_bytes


def _upload(data, name="bild.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type)


def _assert_clean(content: bytes):
    back = Image.open(io.BytesIO(content))
    assert dict(back.getexif()) == {}
    for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "Author"):
        assert key not in back.info, key
    assert b"Testkamera" not in content and b"Max M." not in content


def test_jpeg_with_gps_is_reencoded_without_any_metadata():
    clean = images.clean_image(_upload(jpeg_with_gps()))
    assert clean.content_type == "image/jpeg"
    assert (clean.width, clean.height) == (64, 48)
    _assert_clean(clean.content)


def test_the_exif_orientation_is_applied_before_it_is_removed():
    image = Image.new("RGB", (60, 20), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° when shown
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    clean = images.clean_image(_upload(out.getvalue()))
    assert (clean.width, clean.height) == (20, 60)
    _assert_clean(clean.content)


def test_png_text_chunks_icc_and_exif_are_dropped_transparency_kept():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Erika Mustermann")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta/>")
    exif = Image.Exif()
    exif[0x010F] = "Testkamera"
    data = png_bytes(mode="RGBA", pnginfo=info, exif=exif.tobytes(), icc_profile=b"\0" * 64)
    clean = images.clean_image(_upload(data, "bild.png", "image/png"))
    assert clean.content_type == "image/png"
    _assert_clean(clean.content)
    assert b"Erika" not in clean.content
    assert Image.open(io.BytesIO(clean.content)).mode == "RGBA"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
            "SVG- und andere Vektordateien sind nicht erlaubt",
        ),
        (b"<svg onload='alert(1)'></svg>", "SVG- und andere Vektordateien sind nicht erlaubt"),
        (b"\xff\xd8\xff\xe0 kein echtes JPEG, nur der Anfang", "kein lesbares Bild"),
        (b"Hallo, ich bin eine Textdatei.", "kein lesbares Bild"),
    ],
)
def test_svg_and_fake_images_are_refused_in_german(data, message):
    with pytest.raises(ValidationError) as caught:
        images.clean_image(_upload(data))
    assert message in caught.value.messages[0]


def test_gif_and_animated_png_are_refused():
    gif = io.BytesIO()
    Image.new("P", (4, 4)).save(gif, "GIF")
    with pytest.raises(ValidationError, match="Format GIF ist nicht erlaubt"):
        images.clean_image(_upload(gif.getvalue(), "a.gif", "image/gif"))
    frames = [Image.new("RGB", (4, 4), c) for c in ("red", "blue")]
    apng = io.BytesIO()
    frames[0].save(apng, "PNG", save_all=True, append_images=frames[1:])
    with pytest.raises(ValidationError, match="Animierte Bilder"):
        images.clean_image(_upload(apng.getvalue(), "a.png", "image/png"))


def test_size_in_bytes_and_pixels_is_limited(settings, monkeypatch):
    settings.SRB_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="erlaubt sind höchstens"):
        images.clean_image(_upload(jpeg_with_gps()))
    settings.SRB_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    monkeypatch.setattr(images, "MAX_PIXELS", 100)
    with pytest.raises(ValidationError, match="Megapixel"):
        images.clean_image(_upload(png_bytes(size=(20, 10)), "a.png"))
    assert images.clean_image(_upload(png_bytes(size=(10, 10)), "a.png")).width == 10


def test_empty_file_is_refused():
    with pytest.raises(ValidationError, match="leer"):
        images.clean_image(_upload(b""))
