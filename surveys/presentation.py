"""Answers as German display text (read-only summary, review page)."""

from django.utils.translation import gettext as _

from srb_project.numbers import localized_plain
from surveys.instrument import QUESTION_TEXTS, SECTIONS, scale_labels


def display_value(item, value, partners) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return _("keine Angabe")
    if item.kind == "likert":
        labels = dict(scale_labels(item))
        return f"{value} – {labels.get(value, '')}".rstrip(" –")
    if item.kind == "decimal":
        return localized_plain(value)
    if item.kind == "choice":
        labels = dict(item.choices)
        return ", ".join(labels.get(v, v) for v in value)
    if item.kind == "matrix":
        partner_labels = dict(partners)
        levels = dict(item.levels)
        return "; ".join(
            f"{partner_labels.get(k, k)}: {levels.get(v, v)}" for k, v in value.items()
        )
    if item.kind == "confirm":
        return _("bestätigt") if value else _("nicht bestätigt")
    return str(value)


def answer_rows(survey_round, answers: dict) -> list[dict]:
    """[{"code": "A", "title": ..., "rows": [{"code", "label", "question", "value"}]}]."""
    partners = survey_round.partner_list
    sections = []
    for letter, title in SECTIONS:
        rows = []
        for item in survey_round.instrument.items:
            if item.section != letter:
                continue
            rows.append(
                {
                    "code": item.code,
                    "label": item.label,
                    "question": QUESTION_TEXTS.get(item.question, ""),
                    "value": display_value(item, answers.get(item.code), partners),
                }
            )
        sections.append({"code": letter, "title": title, "rows": rows})
    return sections
