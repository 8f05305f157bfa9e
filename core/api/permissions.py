"""Who may do what, and how lists are paged: the API's defaults in settings.REST_FRAMEWORK.

Kept apart from base.py, which imports DRF's views: DRF imports these defaults while its
views module loads, so this module may import only DRF's permissions and pagination.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions
from rest_framework.pagination import PageNumberPagination

from core.access import READ_ONLY_TOKEN, Action, can, token_allows, write_target


class PortalPagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (1 to 1000, else 400); the answer has count, next,
    previous, results."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        if not (given.isascii() and given.isdigit() and 1 <= int(given) <= self.max_page_size):
            message = _("A page size is a whole number from 1 to %(limit)d.") % {
                "limit": self.max_page_size
            }
            raise exceptions.ValidationError(
                {self.page_size_query_param: [message]}, code="page_size_out_of_range"
            )
        return int(given)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            # OpenAPI 3.1 says "may be null" in the type itself.
            link_schema = answer["properties"][link]
            link_schema.pop("nullable", None)
            link_schema["type"] = ["string", "null"]
        return answer


#: The action each of a viewset's own actions is, where it is not a plain change.
VIEW_ACTIONS = {"create": Action.ADD, "destroy": Action.DELETE}


def action_of(request, view) -> Action:
    """What a request asks to do: read, add, change, delete, or the view's named action."""
    if request.method in permissions.SAFE_METHODS:
        return Action.VIEW
    named = getattr(view, "access_actions", {})
    action = getattr(view, "action", None)
    if action in named:
        return named[action]
    if request.method == "DELETE":
        return Action.DELETE
    return VIEW_ACTIONS.get(action, Action.ADD if request.method == "POST" else Action.CHANGE)


def model_of(view):
    queryset = getattr(view, "queryset", None)
    return queryset.model if queryset is not None else None


class ReadOnlyToken(exceptions.PermissionDenied):
    default_detail = READ_ONLY_TOKEN
    default_code = "token_read_only"


class RolePermission(permissions.BasePermission):
    """What the user's role allows (``core.access``): the same gate as the admin site's; a
    read-only API token reads only, whatever the role."""

    message = _("Your role may not make this change.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not token_allows(request.auth, request.method):
            raise ReadOnlyToken()
        return can(user, action_of(request, view), model_of(view))

    def has_object_permission(self, request, view, obj):
        # Some lists show records above the user's region too (campaigns, standards):
        # those can be read, not changed.
        target = write_target(type(obj), obj)
        if request.method in permissions.SAFE_METHODS or target is not obj:
            return True
        self.message = _("This record belongs to a region above yours: you may read it only.")
        return can(request.user, action_of(request, view), target)
