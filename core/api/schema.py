"""The OpenAPI schema: every operation documents the error statuses it can answer."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions, serializers

ERROR_DESCRIPTIONS = {
    400: _(
        "Invalid input: malformed body, unknown or malformed query parameter, or a rule broken."
    ),
    401: _("No valid credentials: send `Authorization: Token <key>` or sign in."),
    403: _("Your role may not make this change, or the record belongs to a region above yours."),
    404: _("No such record in your region, or no such page."),
    429: _("Too many requests: wait and retry."),
}


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    detail = serializers.CharField(help_text=_("What went wrong, in the request's language."))
    code = serializers.CharField(help_text=_("A stable code, e.g. invalid, not_found."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("For 400: messages per field (dotted paths for nested fields)."),
    )


class PortalAutoSchema(AutoSchema):
    """Adds the shared error responses an operation can produce to its documented responses."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for status in sorted(self.error_statuses(operation)):
            operation["responses"].setdefault(str(status), self.error_response(status))
        return operation

    def error_statuses(self, operation: dict) -> set[int]:
        """Which of 400/401/403/404/429 this operation can answer, from how it is built."""
        locations = {parameter["in"] for parameter in operation.get("parameters", [])}
        statuses = set()
        if "requestBody" in operation or "query" in locations or self.method == "DELETE":
            statuses.add(400)
        if self.requires_authentication():
            statuses.add(401)
            if self.method not in permissions.SAFE_METHODS:
                statuses.add(403)
        if "path" in locations or self._is_list_view():
            statuses.add(404)
        if self.view.get_throttles():
            statuses.add(429)
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
