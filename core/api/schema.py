"""The OpenAPI schema: one schema whoever asks, and every status an operation can answer.

The schema is the same bytes for every client (English descriptions, ASCII names), so code
generated from it does not depend on who downloaded it; ``?lang=zh-hans`` gives the same
schema with Chinese descriptions, for reading.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_lib_doc_excludes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions, serializers

from core.errors import FIELD_CODES, RESPONSE_CODES

#: The language of the schema when ``?lang=`` does not name another one.
SCHEMA_LANGUAGE = "en"

ERROR_DESCRIPTIONS = {
    400: _(
        "Invalid input: malformed body, unknown or malformed query parameter, or a rule broken."
    ),
    401: _("No valid credentials: send `Authorization: Token <key>` or sign in."),
    403: _("Your role may not make this change, or the record belongs to a region above yours."),
    404: _("No such record in your region, or no such page."),
    406: _("The Accept header names no media type this operation answers in."),
    415: _("The body is not application/json."),
    422: _("The Idempotency-Key was used before with a different request."),
    429: _("Too many requests: wait Retry-After seconds and retry."),
    503: _("The database does not answer at the moment: nothing was saved; retry later."),
}

#: Headers of the answers: where the client stands against its rate limit, how long to wait.
RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": _("Requests allowed in the current window."),
    "RateLimit-Remaining": _("Requests left in the current window."),
    "RateLimit-Reset": _("Seconds until the window frees up."),
}
RETRY_AFTER = {"Retry-After": _("Seconds to wait before retrying.")}


#: The request header that makes a write safe to retry (documented in docs/API.md).
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 64},
    OpenApiParameter.HEADER,
    description=_(
        "Optional, 1 to 64 characters, your own per request. The same request sent again "
        "with the same key returns what the first one recorded (200) instead of recording "
        "it twice; the key with a different request answers 422 idempotency_key_reused. "
        "Keys are per user and kept with the record they made."
    ),
)

#: Answers with fields that are present only sometimes (``errors``: only for 400).
PARTIAL_ANSWERS = {"Error"}


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    detail = serializers.CharField(help_text=_("What went wrong, in the request's language."))
    code = serializers.CharField(help_text=_("A stable code, e.g. invalid, not_found."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("For 400: messages per field (dotted paths for nested fields)."),
    )
    codes = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_(
            "For 400: the code of each message under errors, by the same field paths; "
            "non_field_errors holds what concerns no one field."
        ),
    )


class PortalAutoSchema(AutoSchema):
    """Adds the shared error responses an operation can produce to its documented responses."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for status in sorted(self.error_statuses(operation)):
            operation["responses"].setdefault(str(status), self.error_response(status))
        throttled = bool(self.view.get_throttles())
        for status, response in operation["responses"].items():
            headers = RATE_LIMIT_HEADERS if throttled else {}
            if status in ("429", "503"):
                headers = {**headers, **RETRY_AFTER}
            if headers:
                response.setdefault("headers", {}).update(
                    {
                        name: {
                            "schema": {"type": "integer", "minimum": 0},
                            "description": str(text),
                        }
                        for name, text in headers.items()
                    }
                )
        return operation

    def error_statuses(self, operation: dict) -> set[int]:
        """Which of 400/401/403/404/429 this operation can answer, from how it is built."""
        locations = {parameter["in"] for parameter in operation.get("parameters", [])}
        statuses = {406, 503}
        if "requestBody" in operation or "query" in locations or self.method == "DELETE":
            statuses.add(400)
        if "requestBody" in operation:
            statuses.add(415)
        if self.requires_authentication():
            statuses.add(401)
            if self.method not in permissions.SAFE_METHODS:
                statuses.add(403)
        if "path" in locations or self._is_list_view():
            statuses.add(404)
        if self.view.get_throttles():
            statuses.add(429)
        if any(
            parameter["name"] == IDEMPOTENCY_KEY.name
            for parameter in operation.get("parameters", [])
        ):
            statuses.add(422)
        return statuses | set(getattr(self.view, "extra_error_statuses", ()))

    def requires_authentication(self) -> bool:
        return any(
            not issubclass(permission, permissions.AllowAny)
            for permission in self.view.permission_classes
        )

    def error_response(self, status: int) -> dict:
        response = self._get_response_for_code(
            ErrorSerializer, str(status), media_types=["application/json"]
        )
        response["description"] = str(ERROR_DESCRIPTIONS[status])
        return response


def doc_excludes() -> list[type]:
    """Where docstrings stop being descriptions (``GET_LIB_DOC_EXCLUDES``): the library's
    classes and our own base classes, whose docstrings are written for maintainers."""
    from core.api.base import PortalModelSerializer, ScopedViewSet
    from core.api.personal_data import LogsPersonalDataViews

    return [
        *get_lib_doc_excludes(),
        PortalModelSerializer,
        ScopedViewSet,
        LogsPersonalDataViews,
    ]


def answers_are_complete(result, generator, request, public):
    """Every field of an answer is always there (null where it may be): say so, so that
    generated clients need not treat each one as possibly missing.

    A postprocessing hook (``POSTPROCESSING_HOOKS``): request bodies (``…Request``) keep
    their optional fields, and so do the answers in ``PARTIAL_ANSWERS``.
    """
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") or name in PARTIAL_ANSWERS:
            continue
        if component.get("type") != "object":
            continue
        properties = component.get("properties", {})
        if properties:
            component["required"] = list(properties)
    return result


def error_codes(result, generator, request, public):
    """The codes an error answer can carry, as enums (``POSTPROCESSING_HOOKS``): read from
    core.errors once every app has registered its rules' codes."""
    schemas = result["components"]["schemas"]
    schemas["ErrorCodeEnum"] = _enum(RESPONSE_CODES)
    schemas["FieldErrorCodeEnum"] = _enum(FIELD_CODES)
    properties = schemas["Error"]["properties"]
    properties["code"] = {"$ref": "#/components/schemas/ErrorCodeEnum"}
    properties["codes"]["additionalProperties"]["items"] = {
        "$ref": "#/components/schemas/FieldErrorCodeEnum"
    }
    return result


def _enum(codes: dict[str, str]) -> dict:
    listed = "\n".join(f"* `{name}` - {meaning}" for name, meaning in sorted(codes.items()))
    return {"type": "string", "enum": sorted(codes), "description": listed}
