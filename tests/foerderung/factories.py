"""Factories of FS2 centres and FS4 requests (issue 15) for the tests of every app."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from foerderung.models import Centre, Fs4Request, Fs4RequestState, Premises, RequesterKind


def make_centre(sozialraum, *, host_kita=None, confirmed=True, **kwargs) -> Centre:
    """An active centre: in ``host_kita`` (both confirmations unless ``confirmed=False``),
    or in separate premises without one."""
    return Centre.objects.create(
        sozialraum=sozialraum,
        name=kwargs.pop("name", f"Zentrum {sozialraum.name}"),
        premises=Premises.KITA if host_kita else Premises.SEPARATE,
        host_kita=host_kita,
        central_location=bool(host_kita and confirmed),
        cross_provider=bool(host_kita and confirmed),
        **kwargs,
    )


def make_fs4_request(
    kita,
    *,
    requested_by,
    state=Fs4RequestState.ACCEPTED,
    decided_by=None,
    start=datetime.date(2000, 1, 1),
    end=datetime.date(2099, 12, 31),
    fte=Decimal("0.50"),
) -> Fs4Request:
    """An FS4 request of ``kita`` (accepted by default, valid for every test year)."""
    decided = state != Fs4RequestState.SUBMITTED
    return Fs4Request.objects.create(
        kita=kita,
        requested_by=requested_by,
        requester_kind=RequesterKind.TRAEGER,
        need="Zusatzkraft",
        justification="Auflage der Betriebserlaubnis",
        fte=fte,
        period_start=start,
        period_end=end,
        state=state,
        decided_by=(decided_by or requested_by) if decided else None,
        decided_at=timezone.now() if decided else None,
        decision_reason="",
    )


def minimal_pdf(text: str = "Auflage") -> bytes:
    """A small valid one-page PDF (pdftotext reads it) with ``text`` on the page."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
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
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
