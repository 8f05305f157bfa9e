"""Region scope and roles in the admin: the base classes every ModelAdmin and inline builds on.

A user's authority follows the region tree. Each admin declares its rows (a
selector, or the model's ``visible_to``), and the base classes do the rest once:

- rows, search results, autocomplete answers and foreign-key choices stay in the user's
  subtree, and an object outside it answers 404;
- the user's role, not Django's per-model permission rows, decides what they may view,
  add, change and delete, so accounts made with ``manage.py adduser`` work as they are;
- additions go through the app's service, whose ValidationError shows on the form;
- viewers see phone and ID numbers masked;
- every list exports its rows as CSV and Excel (``core.exports``);
- each record's change history (installed by the history app).
"""

import re
import time
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.cache import cache
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.access import Action, can, visible_to, write_target
from core.attachments import attachment_response
from core.audit import log_personal_data_shown
from core.context import Source
from core.exports import ExportableAdmin
from core.models import FIRST_YEAR, LAST_YEAR
from core.money import yuan

#: A search term that may be a phone, ID or credit-code number (or part of one).
PERSONAL_NUMBER = re.compile(r"[0-9A-Za-z*]{6,}")
#: Searches by personal numbers a user may make per window (settings.PERSONAL_SEARCH_RATE).
PERSONAL_SEARCH_WINDOW_SECONDS = 600


class TooManySearches(PermissionDenied):
    """More searches by phone or ID number than the rate allows."""


def check_personal_search_rate(user) -> None:
    """Count a search by a personal number; refuse it past the rate (cache, no query)."""
    limit = settings.PERSONAL_SEARCH_LIMIT
    window = int(time.time() // PERSONAL_SEARCH_WINDOW_SECONDS)
    key = f"personal-search:{user.pk}:{window}"
    cache.add(key, 0, PERSONAL_SEARCH_WINDOW_SECONDS)
    if cache.incr(key) > limit:
        raise TooManySearches(
            _("Too many searches by phone or ID number: try again in ten minutes.")
        )


#: Where a refused service write waits for the form to be shown again (see changeform_view).
SERVICE_ERROR = "_admin_service_error"
#: The history page of every scoped admin, installed by the history app (history.apps).
_history_page: Callable | None = None


def set_history_page(view: Callable) -> None:
    """Install the page listing a record's changes: ``view(model_admin, request, object_id)``."""
    global _history_page
    _history_page = view


def personal_columns(model_admin) -> dict[str, tuple[str, object]]:
    """``{masked column name: (field, mask)}`` of an admin's ``masked_column`` columns."""
    columns = {}
    for name in dir(type(model_admin)):
        column = getattr(type(model_admin), name, None)
        if name.startswith("masked_") and hasattr(column, "personal_field"):
            columns[name] = (column.personal_field, column.mask)
    return columns


def choices_for(admin_site, model, request) -> models.QuerySet:
    """Rows of ``model`` the user may pick in a form: those its admin shows them.

    The same queryset answers the autocomplete requests, so what the widget offers is
    exactly what the form accepts.
    """
    try:
        return admin_site.get_model_admin(model).get_queryset(request)
    except NotRegistered:
        return visible_to(request.user, model._default_manager.all())


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on ``form``: beside the fields it names, if shown."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def adopt(instance: models.Model, saved: models.Model) -> None:
    """Make the admin form's unsaved ``instance`` the record a service saved (no query)."""
    for field in saved._meta.concrete_fields:
        setattr(instance, field.attname, getattr(saved, field.attname))
    instance._state.adding = False
    instance._state.db = saved._state.db


def masked_column(field: str, mask: Callable[[str], str], description) -> Callable:
    """An admin column showing ``field`` through ``mask`` (e.g. ``138****5678``).

    Name it ``masked_<field>``: viewers then see it in place of the field on the change page.
    """

    @admin.display(description=description, ordering=field)
    def column(model_admin, obj):
        return mask(getattr(obj, field))

    # Exports write the field in full for the users who may see it (portal.exports).
    column.personal_field, column.mask = field, mask
    return column


def money_column(field: str, description) -> Callable:
    """An admin column showing the amount ``field`` as every page shows money (``core.money``):
    ``¥1,000.00``, ``−¥666.00``. Exports write the amount itself (a number)."""

    @admin.display(description=description, ordering=field)
    def column(model_admin, obj):
        return yuan(getattr(obj, field))

    column.money_field = field
    return column


def year_filter(field: str, title=None) -> type[admin.SimpleListFilter]:
    """A list filter by the year of the date ``field``, offering the years the rows have."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = "year"

        def lookups(self, request, model_admin):
            """One query: the distinct years in the user's rows, latest first."""
            years = model_admin.get_queryset(request).dates(field, "year", order="DESC")
            return [(str(day.year), str(day.year)) for day in years]

        def queryset(self, request, queryset):
            if not self.value():
                return queryset
            year = self.value()
            if not (year.isascii() and year.isdigit() and FIRST_YEAR <= int(year) <= LAST_YEAR):
                raise IncorrectLookupParameters(_("A year has four digits, 1900 to 2100."))
            return queryset.filter(**{f"{field}__year": int(self.value())})

    YearFilter.title = title or _("Year")
    return YearFilter


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A filter by a related record offering only the records the user may see.

    Django's own lists every row of the related table, whatever the user's region: the
    names of another county's standards would show in the sidebar.
    """

    def field_choices(self, field, request, model_admin):
        rows = choices_for(model_admin.admin_site, field.related_model, request)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            rows = rows.order_by(*ordering)
        return [(row.pk, str(row)) for row in rows]


def scoped_list_filters(model, list_filter) -> list:
    """``list_filter`` with each filter by a related field offering only visible rows."""
    scoped = []
    for entry in list_filter:
        if isinstance(entry, str) and "__" not in entry:
            field = model._meta.get_field(entry)
            if field.is_relation:
                entry = (entry, ScopedRelatedFilter)
        scoped.append(entry)
    return scoped


class ScopedForm:
    """Mixed into every admin form: scope-safe choices and the service's refusal, if any."""

    service_error: ValidationError | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._keep_current_choices()

    def clean(self):
        cleaned_data = super().clean()
        if self.service_error is not None:
            add_service_errors(self, self.service_error)
        return cleaned_data

    def _keep_current_choices(self) -> None:
        """Let a record keep a link it already has outside the user's subtree.

        A county branch's parent is usually the city's branch: the county staffer keeps
        that parent when saving, but cannot pick any other branch outside the county.
        """
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            current = self.initial.get(name)
            if type(field) is forms.ModelChoiceField and current is not None:
                model = field.queryset.model
                field.queryset = field.queryset | model._default_manager.filter(pk=current)


class RoleAccess:
    """Permissions from ``core.access``, for admins and inlines alike.

    The flags say what this admin offers, whatever the role: a row the access module lets a
    user change is still read-only here when ``changeable`` is False.
    """

    #: False: nobody adds rows here (they come from loads and services elsewhere).
    addable = True
    #: False: rows never change here (only through services and actions).
    changeable = True
    #: False: nobody deletes rows of this model here, superusers included.
    deletable = True
    #: Whether rows come from ``visible_to(user)``; False only for national settings.
    scoped = True
    #: True: national reference data, changed here by operators only (``Action.MAINTAIN``).
    reference_data = False

    def has_view_permission(self, request, obj=None):
        return can(request.user, Action.VIEW, self.model)

    def has_add_permission(self, request, obj=None):
        return self.addable and self._may(request, Action.ADD, None)

    def has_change_permission(self, request, obj=None):
        return self.changeable and self._may(request, Action.CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        return self.deletable and self._may(request, Action.DELETE, obj)

    def _may(self, request, action, obj) -> bool:
        """Whether the access module allows ``action`` (on the row, where it may lie above)."""
        if self.reference_data and not can(request.user, Action.MAINTAIN, self.model):
            return False
        return can(request.user, action, write_target(self.model, obj))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", choices_for(self.admin_site, db_field.related_model, request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedAdmin(RoleAccess, ExportableAdmin, admin.ModelAdmin):
    """The admin of a region-scoped model; subclasses declare their columns and service."""

    #: ``selector(user=...)`` returning the user's rows with their relations; None: the
    #: model's ``visible_to(user)``.
    selector: Callable | None = None
    #: ``create_service(**add form data, user=...)`` saves a new row; None: the form does.
    create_service: Callable | None = None
    #: The add page's fields when they differ from the change page's (the service's arguments).
    add_fields: list[str] | None = None
    # A second COUNT over the user's whole subtree on every page is not worth its cost, nor
    # is a COUNT per filter choice on tables of millions of members and donations.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request):
        if self.selector is None:
            queryset = super().get_queryset(request)
            return visible_to(request.user, queryset) if self.scoped else queryset
        # Explicitly: the model's default ordering is dropped once a selector aggregates.
        ordering = self.get_ordering(request) or self.model._meta.ordering
        return self.selector(user=request.user).order_by(*ordering)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The change page; a page showing personal data in full is logged once."""
        response = super().change_view(request, object_id, form_url, extra_context)
        fields = self._personal_fields(request)
        original = (getattr(response, "context_data", None) or {}).get("original")
        if fields and original is not None and response.status_code == 200:
            self.log_personal_data(request, [original.pk], fields)
        return response

    def history_view(self, request, object_id, extra_context=None):
        """The record's changes (the history app's page), 404 outside the user's subtree."""
        if _history_page is None:
            return super().history_view(request, object_id, extra_context)
        return _history_page(self, request, object_id, extra_context)

    def _personal_fields(self, request) -> list[str]:
        """The personal fields this admin shows in full to the user (none for viewers)."""
        if request.method not in ("GET", "POST"):
            return []
        if not can(request.user, Action.VIEW_PERSONAL_DATA):
            return []
        return sorted(field for field, _mask in personal_columns(self).values())

    def log_personal_data(self, request, ids, fields) -> None:
        log_personal_data_shown(
            user=request.user,
            model=self.model,
            object_ids=ids,
            fields=fields,
            source=Source.ADMIN,
            request=request,
        )

    def get_search_fields(self, request):
        """Personal numbers are searched only by users who may see them in full."""
        fields = super().get_search_fields(request)
        if can(request.user, Action.VIEW_PERSONAL_DATA):
            return fields
        personal = self._personal_field_names()
        return [name for name in fields if name.lstrip("=^@") not in personal]

    def get_search_results(self, request, queryset, search_term):
        """A search by a personal number is rate-limited per user and logged."""
        if "\x00" in (search_term or ""):
            # PostgreSQL text holds no NUL: a 400, not a 500 (lists show "invalid lookup").
            raise BadRequest(_("A search may not contain a NUL character."))
        searched = self._personal_fields_searched(request, search_term)
        if searched:
            check_personal_search_rate(request.user)
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if searched:
            log_personal_data_shown(
                user=request.user,
                model=self.model,
                object_ids=[],
                fields=searched,
                source=Source.ADMIN,
                request=request,
                searched=True,
            )
        return queryset, may_have_duplicates

    def _personal_field_names(self) -> set[str]:
        return {field for field, _mask in personal_columns(self).values()}

    def _personal_fields_searched(self, request, search_term: str) -> list[str]:
        """The personal fields a search term could match (a run of digits), if searched."""
        term = (search_term or "").strip()
        if not PERSONAL_NUMBER.fullmatch(term):
            return []
        personal = self._personal_field_names()
        fields = [name.lstrip("=^@") for name in self.get_search_fields(request)]
        return sorted(set(fields) & personal)

    def get_list_filter(self, request):
        return scoped_list_filters(self.model, super().get_list_filter(request))

    def get_object(self, request, object_id, from_field=None):
        """The object, or 404 when it does not exist or lies outside the user's subtree."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No such record in your region."))
        return obj

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def get_fields(self, request, obj=None):
        if obj is None and self.add_fields is not None:
            return self.add_fields
        return super().get_fields(request, obj)

    def get_fieldsets(self, request, obj=None):
        """Viewers see ``masked_<field>`` columns in place of the fields they mask."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or can(request.user, Action.VIEW_PERSONAL_DATA):
            return fieldsets
        return [
            (title, {**options, "fields": self._masked(options["fields"])})
            for title, options in fieldsets
        ]

    def _masked(self, fields):
        return [self._masked_name(name) for name in fields]

    def _masked_name(self, name):
        """``masked_<name>`` if the admin has that column; fields on one line stay together."""
        if isinstance(name, list | tuple):
            return self._masked(name)
        return f"masked_{name}" if hasattr(self, f"masked_{name}") else name

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        attrs = {"service_error": getattr(request, SERVICE_ERROR, None)}
        return type(form.__name__, (ScopedForm, form), attrs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Show the form again, with the reasons, when the service refuses the write.

        Services validate inside their own transaction, after the form was found valid.
        The refused attempt is rolled back with the admin's transaction; the second
        pass finds the refusal on the form and renders it like any form error.
        """
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            if request.method != "POST" or hasattr(request, SERVICE_ERROR):
                raise
            setattr(request, SERVICE_ERROR, error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change or self.create_service is None:
            super().save_model(request, obj, form, change)
            return
        saved = self.create_service(**form.cleaned_data, user=request.user)
        # The admin goes on with the form's instance (history, redirect, inlines).
        adopt(obj, saved)

    def save_related(self, request, form, formsets, change):
        if change or self.create_service is None:
            super().save_related(request, form, formsets, change)
            return
        # The service saved the many-to-many links; only the inlines are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class ScopedTabularInline(RoleAccess, admin.TabularInline):
    """An inline of a region-scoped model: rows in the user's subtree, role permissions."""

    extra = 0
    #: Relations to fetch with the rows, as on a ModelAdmin (each row's title is its str()).
    list_select_related = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return visible_to(request.user, queryset) if self.scoped else queryset


class ReadOnlyTabularInline(ScopedTabularInline):
    """An inline that only shows rows (history, records written through services)."""

    changeable = False
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class AttachmentAdmin:
    """Mixed into the admin of records that keep a file (``attachment``): a download link for
    a list or form column and ``<id>/attachment/``, which hands the file out for a record the
    user may see (404 elsewhere)."""

    def attachment_link(self, obj) -> str:
        if not obj.attachment:
            return "-"
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_attachment", args=[obj.pk]
        )
        return format_html('<a href="{}">{}</a>', url, gettext("Download"))

    def get_urls(self):
        attachment = path(
            "<path:object_id>/attachment/",
            self.admin_site.admin_view(self.attachment_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_attachment",
        )
        # Before the catch-all "<object_id>/" pattern of the default URLs.
        return [attachment, *super().get_urls()]

    def attachment_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not obj.attachment:
            raise Http404
        return attachment_response(obj.attachment)
