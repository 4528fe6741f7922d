"""Lean rendering helpers for the questionnaire's heavy fields.

Django renders a radio group through one sub-template per option (and crispy-forms
adds several more per field); the questionnaire has two dozen such groups and as many
text and number inputs. These helpers let ONE template render a whole field
(``surveys/fields/likert.html``, ``surveys/fields/input.html``) with the same ids,
values, attributes and checked state as Django's widgets and crispy-forms' templates.
"""

from __future__ import annotations

from django import forms, template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def radio_options(field) -> list[dict]:
    """The options of a bound radio field: ``id``, ``value``, ``label``, ``checked``.

    As ``ChoiceWidget.optgroups``: ids ``<auto_id>_<index>``; the option whose value
    equals the field's value as text is checked (no value counts as ``""``, so an
    optional item without an answer has "keine Angabe" checked); at most one is.
    """
    value = field.value()
    current = "" if value is None else str(value)
    auto_id = field.auto_id
    options, found = [], False
    for index, (option_value, label) in enumerate(field.field.choices):
        text = "" if option_value is None else str(option_value)
        checked = not found and text == current
        found |= checked
        options.append(
            {
                "id": f"{auto_id}_{index}" if auto_id else "",
                "value": text,
                "label": label,
                "checked": checked,
            }
        )
    return options


@register.simple_tag
def input_tag(field, css_class="form-control"):
    """The ``<input>`` (or ``<textarea>``) of a bound text or number field, as Django's
    widget templates and crispy-forms' ``{% crispy_field %}`` render it: the widget's
    attributes, then the class (widget class name, ``css_class``, ``is-invalid`` on
    error), ``aria-invalid``, ``aria-describedby`` and ``id`` in the same order,
    without rendering three widget sub-templates per field."""
    widget = field.field.widget
    errors = field.errors
    attrs = dict(widget.attrs)
    classes = attrs.get("class", "").split()
    for name in (widget.__class__.__name__.lower(), *css_class.split()):
        if name not in classes:
            classes.append(name)
    if errors and "is-invalid" not in classes:
        classes.append("is-invalid")
    attrs["class"] = " ".join(classes)
    attrs = field.build_widget_attrs(attrs, widget)
    if getattr(field.field, "problems", None) and field.auto_id:
        # A stored draft's problem (QuestionnaireForm.show_problems, issue 14): announced
        # with the field and marked like an error.
        if "is-invalid" not in classes:
            attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        described = [f"{field.auto_id}_problem", *attrs.get("aria-describedby", "").split()]
        attrs["aria-describedby"] = " ".join(described)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    flat = "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )
    value = widget.format_value(field.value())
    name = conditional_escape(field.html_name)
    if isinstance(widget, forms.Textarea):
        text = conditional_escape(value) if value else ""
        return mark_safe(f'<textarea name="{name}"{flat}>\n{text}</textarea>')  # noqa: S308
    value_attr = "" if value is None else f' value="{conditional_escape(value)}"'
    return mark_safe(  # noqa: S308 - every part is escaped above
        f'<input type="{widget.input_type}" name="{name}"{value_attr}{flat}>'
    )
