"""Admin base classes that ask the one permission policy and scope rows to the Jugendamt.

``JugendamtScopedAdmin`` is the one mixin every admin of our apps builds on (issue 13,
finding 2): for a user held to a Jugendamt (everyone but a superuser without one,
``policy.sees_all_jugendaemter``)

- the change list shows only rows of the user's Jugendamt (``jugendamt_path``);
- every ForeignKey and ManyToMany form field and every related list filter offers only
  rows of the user's Jugendamt, and a Jugendamt field only the user's own;
- a new row belongs to its creator's Jugendamt, and a row never moves to another
  Jugendamt: the form refuses it server-side, whatever was posted.

This module is below the apps and imports none: each admin class declares how its
relations reach a Jugendamt (``scoped_relations``) or that they point to rows shared by
all Jugendämter (``unscoped_relations``). A relation declared nowhere offers nothing to a
user held to a Jugendamt, and ``manage.py check`` names it (``srb.E001``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, get_fields_from_path
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext

from srb_project import policy
from srb_project.numbers import GermanDecimalField, IntegerTextInput

# The lookup that names the Jugendamt itself: ``jugendamt_path`` of the Jugendamt's own
# admin, and the value in ``scoped_relations`` of a relation to the Jugendamt model.
THE_JUGENDAMT = "pk"


def jugendamt_q(user, path: str) -> Q:
    """``policy.jugendamt_scope`` that also knows ``THE_JUGENDAMT`` (the row is the Jugendamt)."""
    if path != THE_JUGENDAMT:
        return policy.jugendamt_scope(user, path)
    if policy.sees_all_jugendaemter(user):
        return Q()
    if user.jugendamt_id is None:
        return Q(pk__in=[])
    return Q(pk=user.jugendamt_id)


def _jugendamt_id_along(obj, path: str) -> int | None:
    """The Jugendamt id of an (unsaved) instance, following ``path`` over its relations."""
    if path == THE_JUGENDAMT:
        return obj.pk
    *steps, last = path.split("__")
    for step in steps:
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


class GermanNumbersAdmin(admin.ModelAdmin):
    """Numbers in the admin as on the pages: text inputs read in German notation
    (``srb_project.numbers``), never ``type=number``, whose reading follows the browser's
    language ("0,80" became 80 in an English browser)."""

    formfield_overrides = {
        models.DecimalField: {"form_class": GermanDecimalField},
        models.IntegerField: {"widget": IntegerTextInput},
    }


# --- relations: form fields and list filters ---------------------------------------------


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related list filter that lists only rows of the user's Jugendamt."""

    def field_choices(self, field, request, model_admin):
        scope = model_admin.relation_scope(request, self.field_path)
        if scope is None:
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to=scope)


class ScopedRelatedOnlyFieldListFilter(admin.RelatedOnlyFieldListFilter):
    """``RelatedOnlyFieldListFilter`` (only rows the list uses) within the user's Jugendamt."""

    def field_choices(self, field, request, model_admin):
        used = (
            model_admin.get_queryset(request)
            .distinct()
            .values_list(f"{self.field_path}__pk", flat=True)
        )
        limit = Q(pk__in=used)
        scope = model_admin.relation_scope(request, self.field_path)
        if scope is not None:
            limit &= scope
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to=limit)


class ScopedRelationsMixin:
    """Relations in forms and list filters offer only rows of the user's Jugendamt.

    ``scoped_relations`` maps a relation (form field or list-filter path) to the lookup
    from the related row to its Jugendamt (``THE_JUGENDAMT`` when the related row is the
    Jugendamt); ``unscoped_relations`` names relations to rows shared by all Jugendämter
    (e.g. the instrument, the role groups). Known without declaring: the first relation
    of ``jugendamt_path`` and a relation to a model with its own ``jugendamt`` FK.
    """

    jugendamt_path: str | None = "jugendamt"
    scoped_relations: dict[str, str] = {}
    unscoped_relations: tuple[str, ...] = ()

    def relation_paths(self) -> dict[str, str | None]:
        """Relation name -> lookup to its Jugendamt (None: shared rows), as declared."""
        paths: dict[str, str | None] = {}
        path = self.jugendamt_path
        if path and path != THE_JUGENDAMT:
            first, _sep, rest = path.partition("__")
            paths[first] = rest or THE_JUGENDAMT
        paths.update(self.scoped_relations)
        paths.update(dict.fromkeys(self.unscoped_relations))
        return paths

    def _relation_path(self, name: str) -> tuple[bool, str | None]:
        """(known, lookup) of a relation: declared, or inferred from a ``jugendamt`` FK."""
        paths = self.relation_paths()
        if name in paths:
            return True, paths[name]
        try:
            field = get_fields_from_path(self.model, name)[-1]
        except (FieldDoesNotExist, AttributeError):
            return False, None
        related = getattr(field, "related_model", None)
        if related is None:
            return False, None
        try:
            own = related._meta.get_field("jugendamt")
        except FieldDoesNotExist:
            return False, None
        if own.many_to_one:
            return True, "jugendamt"
        return False, None

    def relation_scope(self, request, name: str) -> Q | None:
        """The filter on the rows a relation may offer ``request.user`` (None: all)."""
        user = request.user
        if policy.sees_all_jugendaemter(user):
            return None
        known, path = self._relation_path(name)
        if not known:
            return Q(pk__in=[])  # undeclared: offer nothing (and ``check`` says so)
        if path is None:
            return None
        return jugendamt_q(user, path)

    def _limit_relation(self, db_field, request, kwargs) -> None:
        scope = self.relation_scope(request, db_field.name)
        if scope is None:
            return
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self.get_field_queryset(kwargs.get("using"), db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.all()
        kwargs["queryset"] = queryset.filter(scope)
        _known, path = self._relation_path(db_field.name)
        if path == THE_JUGENDAMT and request.user.jugendamt_id and db_field.many_to_one:
            # the own Jugendamt preselected: the only choice there is
            kwargs.setdefault("initial", request.user.jugendamt_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._limit_relation(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._limit_relation(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # -- the system check: every relation a form or filter shows is declared --

    checks_form_relations = True

    def _form_relation_names(self) -> list[str]:
        if not self.checks_form_relations:
            return []
        names = None
        if self.fieldsets:
            names = set(flatten_fieldsets(self.fieldsets))
        elif self.fields:
            names = set(flatten_fieldsets([(None, {"fields": self.fields})]))
        hidden = set(self.readonly_fields or ()) | set(self.exclude or ())
        fk_name = getattr(self, "fk_name", None)
        result = []
        for field in self.model._meta.get_fields():
            if not (field.is_relation and field.concrete and getattr(field, "editable", False)):
                continue
            if field.auto_created or field.name in hidden or field.name == fk_name:
                continue
            if names is not None and field.name not in names:
                continue
            if getattr(self, "parent_model", None) is field.related_model:
                continue  # an inline's link to its parent row
            result.append(field.name)
        return result

    def _filter_relation_names(self) -> list[str]:
        result = []
        for entry in getattr(self, "list_filter", ()) or ():
            name = entry[0] if isinstance(entry, (tuple, list)) else entry
            if not isinstance(name, str):
                continue
            try:
                field = get_fields_from_path(self.model, name)[-1]
            except (FieldDoesNotExist, AttributeError):
                continue
            if field.is_relation:
                result.append(name)
        return result

    def check(self, **kwargs):
        errors = list(super().check(**kwargs))
        for name in [*self._form_relation_names(), *self._filter_relation_names()]:
            if not self._relation_path(name)[0]:
                errors.append(
                    checks.Error(
                        f"The relation {name!r} of {self.model._meta.label} is not declared: "
                        "name its path to the Jugendamt in scoped_relations, or list it in "
                        "unscoped_relations if its rows are shared by all Jugendämter.",
                        obj=type(self),
                        id="srb.E001",
                    )
                )
        return errors


class JugendamtScopedInline(ScopedRelationsMixin, admin.TabularInline):
    """An inline whose relations offer only rows of the user's Jugendamt."""


class JugendamtScopedAdmin(ScopedRelationsMixin, GermanNumbersAdmin):
    """Rows, relations and new rows of the user's Jugendamt (see the module docstring).

    ``jugendamt_path`` names the lookup from a row to its Jugendamt (``THE_JUGENDAMT``
    for the Jugendamt itself, None for rows shared by all Jugendämter)."""

    def has_module_permission(self, request):
        return policy.can_access_admin(request.user) and super().has_module_permission(request)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if not self.jugendamt_path:
            return qs
        return qs.filter(jugendamt_q(request.user, self.jugendamt_path))

    def has_view_permission(self, request, obj=None):
        return policy.can_access_admin(request.user) and super().has_view_permission(request, obj)

    def get_list_filter(self, request):
        return [self._scoped_filter(entry) for entry in super().get_list_filter(request)]

    def _scoped_filter(self, entry):
        """A related list filter replaced by its Jugendamt-scoped version."""
        if isinstance(entry, str):
            name, filter_class = entry, None
        elif (
            isinstance(entry, (tuple, list))
            and len(entry) == 2
            and isinstance(entry[1], type)
            and issubclass(entry[1], admin.RelatedFieldListFilter)
        ):
            name, filter_class = entry
        else:
            return entry
        try:
            field = get_fields_from_path(self.model, name)[-1]
        except (FieldDoesNotExist, AttributeError):
            return entry
        if not field.is_relation:
            return entry
        if filter_class is not None and issubclass(filter_class, admin.RelatedOnlyFieldListFilter):
            return (name, ScopedRelatedOnlyFieldListFilter)
        return (name, ScopedRelatedFieldListFilter)

    # -- new rows and moves: decided on the server, in the form --

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self
        stored_jugendamt_id = (
            _jugendamt_id_along(obj, self.jugendamt_path)
            if obj is not None and self.jugendamt_path
            else None
        )

        class JugendamtCheckedForm(form):
            def _post_clean(self):
                model_admin._assign_jugendamt(request, self.instance)
                super()._post_clean()
                if self.errors:
                    return  # refused already (e.g. a Jugendamt that is not offered)
                message = model_admin.jugendamt_error(request, self.instance, stored_jugendamt_id)
                if message:
                    self.add_error(None, message)

        JugendamtCheckedForm.__name__ = form.__name__
        return JugendamtCheckedForm

    def _assign_jugendamt(self, request, instance) -> None:
        """A new row with a direct Jugendamt FK left empty gets its creator's Jugendamt."""
        path = self.jugendamt_path
        user = request.user
        if instance.pk is not None or not path or path == THE_JUGENDAMT or "__" in path:
            return
        if policy.sees_all_jugendaemter(user) or user.jugendamt_id is None:
            return
        if getattr(instance, f"{path}_id", None) is None:
            setattr(instance, f"{path}_id", user.jugendamt_id)

    def jugendamt_error(self, request, instance, stored_jugendamt_id) -> str:
        """Why the form's row may not be saved in its Jugendamt, in German, or ""."""
        path = self.jugendamt_path
        if not path:
            return ""
        user = request.user
        new_id = _jugendamt_id_along(instance, path)
        if path == THE_JUGENDAMT:
            if instance.pk is None and not policy.sees_all_jugendaemter(user):
                return gettext("Ein Jugendamt legt nur der Betrieb der Plattform an.")
        elif not policy.same_jugendamt(user, new_id):
            return gettext("Sie können nur Einträge Ihres eigenen Jugendamts anlegen und ändern.")
        if stored_jugendamt_id is not None and new_id != stored_jugendamt_id:
            return gettext("Ein Eintrag kann nicht in ein anderes Jugendamt verschoben werden.")
        return ""


class ReadOnlyAdmin(JugendamtScopedAdmin):
    """For append-only records: visible, never added, changed or deleted."""

    checks_form_relations = False  # no forms: every field is shown read-only

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- numbers in lists and detail pages ----------------------------------------------------
# The admin shows a model's DecimalField and FloatField as Django formats them without
# grouping and with every stored digit ("488897,00", "83,39921519797971"). Our admins show
# figures through these helpers instead, as the product's pages do: the active language's
# notation (German: "1.234,50 €", "22,24 %", "83,4"), rounded half up, never wrapped.


def format_number(value, places: int) -> str:
    """``value`` grouped with ``places`` decimals in the active language; "–" when missing."""
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value))
        rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    if not rounded:
        rounded = abs(rounded)  # no "-0,0"
    return number_format(rounded, places, force_grouping=True)


def _figure(text: str):
    """A figure as a cell: one line (CSS ``.srb-figure``: no wrap, tabular digits)."""
    return format_html('<span class="srb-figure">{}</span>', text)


def euro_display(value):
    """Euros with cents and the sign: 488897 -> "488.897,00 €"."""
    text = format_number(value, 2)
    return _figure(text if text == "–" else f"{text} €")


def percent_display(value):
    """A percentage with two decimals: 22.24 -> "22,24 %"."""
    text = format_number(value, 2)
    return _figure(text if text == "–" else f"{text} %")


def index_display(value):
    """An index value (standard points) with one decimal: 83.39921519797971 -> "83,4"."""
    return _figure(format_number(value, 1))


def fte_display(value):
    """A position share (VZÄ) with two decimals: 0.8 -> "0,80"."""
    return _figure(format_number(value, 2))
