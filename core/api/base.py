"""What every API endpoint shares: region scope, roles, pagination, writes and error handling.

A viewset declares its queryset (or selector), serializer, filterset and services; the base
class applies ``visible_to(user)`` to every read, checks the role on every write, and runs
each write in one transaction, so an out-of-scope record answers 404 and nothing is half-saved.
"""

from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.access import AccessDenied, Action, can
from core.api.permissions import PortalPagination, RolePermission
from core.attachments import attachment_response
from core.audit import AuditKind, Outcome, log_security_event
from core.errors import IdempotencyKeyReused, coded_messages
from core.text import ascii_number

__all__ = ["PortalPagination", "RolePermission"]

#: ``http_method_names`` of endpoints that refuse some methods (405).
READ_ONLY = ["get", "head", "options"]
NO_DELETE = [*READ_ONLY, "post", "put", "patch"]
NO_UPDATE = [*READ_ONLY, "post", "delete"]
APPEND_ONLY = [*READ_ONLY, "post"]


def record_update(*, instance: models.Model, **fields: Any) -> models.Model:
    """Set ``fields`` on ``instance``, validate the whole record and save it, all or nothing.

    For plain edits of records that have no dedicated service (members, teams, donors, ...).
    """
    with transaction.atomic():
        for name, value in fields.items():
            setattr(instance, name, value)
        instance.full_clean()
        instance.save()
    return instance


def record_delete(*, instance: models.Model) -> None:
    """Delete a record entered by mistake; records still referenced are protected (400)."""
    with transaction.atomic():
        instance.delete()


def request_user(context: dict):
    request = context.get("request")
    return getattr(request, "user", None)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key in a request body that resolves only among records the user may see.

    An id outside the scope is answered like a missing one ("does not exist"), never 403.
    ``scope`` (a selector taking ``user``) replaces the queryset's ``visible_to``.
    """

    def __init__(self, *, scope: Callable | None = None, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        user = request_user(self.context)
        if self.scope is not None:
            return self.scope(user=user)
        return super().get_queryset().visible_to(user)


class NumberField(serializers.DecimalField):
    """A decimal as people type it: full-width digits read as digits, other scripts' refused.

    DRF's own field hands the text to ``Decimal``, which reads Arabic-Indic and other digits
    silently (core.text).
    """

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = ascii_number(data)
            if not data.strip().isascii():
                self.fail("invalid")
        return super().to_internal_value(data)


class PortalModelSerializer(serializers.ModelSerializer):
    """Checks the shape of a request only: business rules live in the services.

    Foreign keys are scoped to the user; uniqueness and cross-field rules are left to the
    services' ``full_clean()``; ``masked_fields`` are shown masked to users who only read.
    """

    serializer_related_field = ScopedPrimaryKeyRelatedField
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: NumberField,
    }
    masked_fields: dict[str, Callable[[str], str]] = {}

    def get_validators(self):
        return []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = request_user(self.context)
        if self.masked_fields and not can(user, Action.VIEW_PERSONAL_DATA):
            for name, mask in self.masked_fields.items():
                if data.get(name):
                    data[name] = mask(data[name])
        return data

    def service_arguments(self) -> dict[str, Any]:
        """The validated data plus model defaults for every writable field left out."""
        arguments = dict(self.validated_data)
        model = self.Meta.model
        for name, field in self.fields.items():
            if field.read_only or name in arguments:
                continue
            arguments[name] = model._meta.get_field(field.source).get_default()
        return arguments


class ScopedViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The one base of every record endpoint: scoped reads, role-checked writes via services.

    Declare ``queryset`` (a region-scoped queryset) or ``selector`` (``selector(user=...)``
    returning an already scoped queryset), ``serializer_class``, ``filterset_class``,
    ``create_service`` (called with the validated data and ``user``), an
    ``update_serializer_class`` when fewer fields may change than be set, ``access_actions``
    naming the ``core.access.Action`` of each own action that is not a plain change, and
    ``http_method_names`` to refuse methods (405). Which lists show rows above the user's
    region, read-only there, the access module says (``core.access.LISTED_ABOVE``).
    """

    permission_classes = [RolePermission]
    access_actions: dict[str, Action] = {}
    selector: Callable | None = None
    create_service: Callable | None = None
    update_serializer_class: type[serializers.Serializer] | None = None

    def get_serializer_class(self):
        if self.action in ("update", "partial_update") and self.update_serializer_class:
            return self.update_serializer_class
        return super().get_serializer_class()

    def get_queryset(self):
        user = self.request.user
        if self.selector is not None:
            queryset = type(self).selector(user=user)
        else:
            queryset = super().get_queryset().visible_to(user)
        if not queryset.ordered:
            # Aggregating selectors lose Meta.ordering (GROUP BY); pages need a fixed order.
            queryset = queryset.order_by(*queryset.model._meta.ordering, "pk")
        return queryset

    def filter_queryset(self, queryset):
        # Query parameters filter lists only: a detail URL names its record already.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def reload(self, instance: models.Model) -> models.Model:
        """The record as the list shows it (scoped, annotated): one query.

        A write that would leave the record outside the user's region is refused (the
        caller's transaction rolls it back).
        """
        try:
            return self.get_queryset().get(pk=instance.pk)
        except instance.DoesNotExist:
            raise AccessDenied(_("The record would lie outside your region.")) from None

    def perform_create(self, serializer):
        with transaction.atomic():
            instance = type(self).create_service(
                user=self.request.user, **serializer.service_arguments()
            )
            serializer.instance = self.reload(instance)

    def perform_update(self, serializer):
        with transaction.atomic():
            instance = self.update_record(serializer.instance, serializer.validated_data)
            serializer.instance = self.reload(instance)

    def update_record(self, instance: models.Model, fields: dict) -> models.Model:
        """Apply an edit; endpoints with a dedicated service override this."""
        return record_update(instance=instance, **fields)

    def perform_destroy(self, instance):
        record_delete(instance=instance)

    def act(self, service: Callable, payload_class: type[serializers.Serializer], target: str):
        """Run ``service`` on this record with the validated payload; answer the record."""
        instance = self.get_object()
        payload = payload_class(data=self.request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        with transaction.atomic():
            service(**{target: instance}, user=self.request.user, **payload.validated_data)
        return Response(self.get_serializer(self.reload(instance)).data)


class Unprocessable(exceptions.APIException):
    status_code = 422
    default_code = "unprocessable"


def _django_error_detail(exc: DjangoValidationError) -> dict[str, list[ErrorDetail]]:
    """A Django ValidationError from a service as DRF's field → messages mapping, each
    message with its rule's code (core.errors)."""

    def details(errors) -> list[ErrorDetail]:
        return [ErrorDetail(message, code=message.code) for message in coded_messages(errors)]

    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: details(exc.error_list)}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: details(errors)
        for field, errors in exc.error_dict.items()
    }


def _flatten(data: Any, prefix: str = "") -> Iterator[tuple[str, str, str]]:
    """(field path, message, code) of a nested DRF error structure; paths are dotted."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            nested = isinstance(value, dict | list)
            yield from _flatten(value, f"{prefix}.{index}" if nested and prefix else prefix)
    else:
        error_code = getattr(data, "code", None) or "invalid"
        yield prefix or api_settings.NON_FIELD_ERRORS_KEY, str(data), error_code


def field_errors(data: Any) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """DRF validation errors as ``{"field.path": ["message", ...]}`` and the same paths'
    codes."""
    errors: dict[str, list[str]] = {}
    codes: dict[str, list[str]] = {}
    for path, message, error_code in _flatten(data):
        errors.setdefault(path, []).append(message)
        codes.setdefault(path, []).append(error_code)
    return errors, codes


def _refused(request, exc) -> dict:
    """What a 403 refused: the method, the path and the reason given."""
    return {
        "method": getattr(request, "method", ""),
        "path": getattr(request, "path", ""),
        "message": str(getattr(exc, "detail", exc)),
    }


def exception_handler(exc, context):
    """Every error as ``{"detail", "code", "errors"?}``; services' ValidationErrors are 400s."""
    if isinstance(exc, Http404):
        # Django's message names the model; the same "Not found." for everything leaks nothing.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_error_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        # The access module's refusal (core.access.AccessDenied) with its own message.
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, IdempotencyKeyReused):
        exc = Unprocessable(
            _(
                "This Idempotency-Key was sent before with a different request: "
                "use a new key for a new request."
            ),
            code="idempotency_key_reused",
        )
    elif isinstance(exc, ProtectedError | RestrictedError):
        exc = exceptions.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: [_("Other records still refer to this one.")]},
            code="protected",
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == 403:
        request = context.get("request")
        log_security_event(
            AuditKind.PERMISSION_DENIED,
            request=request,
            outcome=Outcome.FAILURE,
            detail=_refused(request, exc),
        )
    if isinstance(exc, exceptions.ValidationError):
        errors, codes = field_errors(exc.detail)
        response.data = {
            "detail": str(exceptions.ValidationError.default_detail),
            "code": "invalid",
            "errors": errors,
            "codes": codes,
        }
    else:
        response.data = {"detail": str(exc.detail), "code": str(exc.get_codes())}
    return response


class AttachmentMixin:
    """Mixed into the viewset of records that keep a file (``attachment``)."""

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY),
        }
    )
    @action(detail=True, methods=["get"])
    def attachment(self, request, pk=None) -> FileResponse:
        """The file kept with the record, to users who see the record (404 otherwise)."""
        record = self.get_object()
        if not record.attachment:
            raise Http404
        return attachment_response(record.attachment)
