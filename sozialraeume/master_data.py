"""Bad Kreuznach's eight Kita-Sozialräume (concept paper 2021, chapter 3.4)."""

BAD_KREUZNACH = {"name": "Stadt Bad Kreuznach", "slug": "bad-kreuznach"}

BAD_KREUZNACH_SOZIALRAEUME = [
    ("Pariser Viertel", ""),
    ("Ost", ""),
    ("Nord", ""),
    ("Winzenheim", ""),
    ("Süd-West", ""),
    ("Planig / Ippesheim / Bosenheim", ""),
    ("BME", "Bad Münster am Stein-Ebernburg"),
    ("Innenstadt", ""),
]
