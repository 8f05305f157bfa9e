"""Who may do what, and how lists are paged: the API's defaults in settings.REST_FRAMEWORK.

Kept apart from base.py, which imports DRF's views: DRF imports these defaults while its
views module loads, so this module may import only DRF's permissions and pagination.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.pagination import PageNumberPagination

from portal.models import UserRole
from portal.scoping import WRITE_ROLES, role_allows

DELETE_ROLES = (UserRole.ADMIN,)


class PortalPagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (up to 1000); the answer has count, next, previous, results."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000


class RolePermission(permissions.BasePermission):
    """Signed-in users read; the view's ``write_roles`` write, its ``delete_roles`` delete.

    The same roles as in the admin site (portal.scoping): deleting is for administrators.
    """

    message = _("Your role may not make this change.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if request.method == "DELETE":
            return role_allows(user, getattr(view, "delete_roles", DELETE_ROLES))
        return role_allows(user, getattr(view, "write_roles", WRITE_ROLES))

    def has_object_permission(self, request, view, obj):
        # Some lists show records above the user's region too (campaigns, standards):
        # those can be read, not changed.
        if request.method in permissions.SAFE_METHODS or not hasattr(view, "region_of"):
            return True
        self.message = _("This record belongs to a region above yours: you may read it only.")
        return request.user.in_scope(view.region_of(obj) or "")
