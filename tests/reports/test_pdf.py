"""PDF rendering: A4, page numbers and date in the footer, inline SVG charts."""

import datetime
import re
import shutil
import subprocess

import pytest

from reports.documents import charts, pdf

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="pdftotext fehlt (apt-get install poppler-utils); PDF-Text nicht prüfbar",
)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def _long_document() -> str:
    svg = charts.bar_chart(
        title="Anteile je Sozialraum",
        description="Anteile",
        labels=["Nord", "Süd"],
        values=[60.5, 39.5],
    )
    rows = "".join(f"<tr><td>Zeile {i}</td><td class='num'>{i},00</td></tr>" for i in range(150))
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>T</title></head>'
        f"<body><h1>Bericht</h1><div class='chart'>{svg}</div><table>{rows}</table></body></html>"
    )


def test_pdf_is_a_pdf():
    data = pdf.html_to_pdf(_long_document())
    assert data.startswith(b"%PDF")


@needs_poppler
def test_every_page_has_page_x_of_y_and_the_date(tmp_path):
    data = pdf.html_to_pdf(
        _long_document(), running_title="Ausschussbericht", date=datetime.date(2027, 3, 1)
    )
    text = pdf_text(data, tmp_path)
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Seite {number} von {len(pages)}" in page
        assert "Stand: 01.03.2027" in page
        assert "Ausschussbericht" in page
    # The chart is drawn into the PDF, with its value labels as text.
    assert "60,50" in text


@needs_poppler
def test_page_is_a4(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(pdf.one_page_pdf())
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    assert re.search(r"^Pages:\s+1$", info, re.M)


def test_footer_text_is_escaped_for_css():
    css = pdf.page_css(running_title='Bericht "X" \\ neu', date=datetime.date(2027, 1, 2))
    assert '"Bericht \\"X\\" \\\\ neu"' in css
    assert "counter(pages)" in css


def test_documents_cannot_fetch_network_urls():
    html = '<html><body><img src="http://127.0.0.1:9/x.png"><p>ok</p></body></html>'
    data = pdf.html_to_pdf(html)  # WeasyPrint logs the refused URL and goes on
    assert data.startswith(b"%PDF")
    with pytest.raises(ValueError):
        pdf.check_url("http://127.0.0.1:9/x.png")
    with pytest.raises(ValueError):
        pdf.check_url("file:///etc/passwd")


def test_cached_pdf_is_reused_for_the_same_html_and_renewed_when_it_changes(monkeypatch):
    import weasyprint

    calls = []
    original = weasyprint.HTML.write_pdf

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counting)
    html = "<html><body><p>Sozialraum Nord: 12,5 %</p></body></html>"
    first = pdf.html_to_pdf(html, cache_seconds=60)
    again = pdf.html_to_pdf(html, cache_seconds=60)
    assert again == first
    assert len(calls) == 1
    changed = pdf.html_to_pdf(html.replace("12,5", "13,0"), cache_seconds=60)
    assert changed != first
    assert len(calls) == 2
    pdf.html_to_pdf(html)  # without cache_seconds: always rendered
    assert len(calls) == 3
