"""The one gate: which rows a user sees and what a user may do.

A user's authority follows the region tree: their region's subtree, the whole
country for superusers. Their role says what they may do there. Every admin, API view,
page, export, import, history view and service asks this module; nothing else compares
roles or region codes.

- ``visible_to(user, queryset)``: the rows the user may see.
- ``can(user, action, obj=None)``: whether the user may do ``action`` (to ``obj``, a record
  or a model class); records above the user's region may be read, never changed.
- ``require(user, action, obj=None)``: the same, raising ``AccessDenied`` when not.
"""

from enum import StrEnum

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.regions import ancestor_codes


class UserRole(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    STAFF = "staff", _("Staff")
    ADMIN = "admin", _("Administrator")
    # Separation of duties (三权分立): accounts and their scope, no records; the logs, nothing else.
    SECURITY = "security", _("Security administrator")
    AUDITOR = "auditor", _("Audit administrator")


class Action(StrEnum):
    """What a user may be allowed to do."""

    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"
    REVERSE = "reverse"
    APPROVE = "approve"
    IMPORT = "import"
    MANAGE_USERS = "manage_users"
    VIEW_PERSONAL_DATA = "view_personal_data"
    READ_ACCESS_LOG = "read_access_log"
    READ_AUDIT_TRAIL = "read_audit_trail"
    MAINTAIN = "maintain"


ALL_ROLES = tuple(UserRole)
WRITERS = (UserRole.STAFF, UserRole.ADMIN)
ADMINS = (UserRole.ADMIN,)
#: Who manages accounts: administrators and security administrators.
ACCOUNT_MANAGERS = (UserRole.ADMIN, UserRole.SECURITY)
#: Who reads who saw personal data: administrators and audit administrators.
LOG_READERS = (UserRole.ADMIN, UserRole.AUDITOR)
#: The roles each role may give others; superusers give every role (the security and audit
#: administrators are named by them only).
GRANTABLE = {
    UserRole.VIEWER: (UserRole.VIEWER,),
    UserRole.STAFF: (UserRole.VIEWER, UserRole.STAFF),
    UserRole.ADMIN: (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    UserRole.SECURITY: (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    UserRole.AUDITOR: (),
}

#: The roles that may do each action, for every kind of record unless MODEL_ROLES says else.
ROLES: dict[Action, tuple[str, ...]] = {
    Action.VIEW: ALL_ROLES,
    Action.ADD: WRITERS,
    Action.CHANGE: WRITERS,
    Action.DELETE: ADMINS,
    Action.REVERSE: WRITERS,
    Action.APPROVE: WRITERS,
    Action.IMPORT: WRITERS,
    Action.MANAGE_USERS: ACCOUNT_MANAGERS,
    # Phone and national ID numbers in full (Personal Information Protection Law); everyone
    # else sees them masked, and each response that shows them is logged.
    Action.VIEW_PERSONAL_DATA: WRITERS,
    # Who saw personal data in full: admins read the log of their subtree's users.
    Action.READ_ACCESS_LOG: LOG_READERS,
    # The audit trail of security events (logins, lockouts, tokens, roles, refusals): the
    # audit administrator only (superusers too, each of their reads recorded as such).
    Action.READ_AUDIT_TRAIL: (UserRole.AUDITOR,),
    # Correcting national reference data by hand (the region tree, the standards) in the
    # admin site: operators (superusers) only.
    Action.MAINTAIN: (),
}
#: Kinds of record (``app_label.model_name``) whose roles differ from ROLES.
MODEL_ROLES: dict[str, dict[Action, tuple[str, ...]]] = {
    # The tree is loaded from the published division codes: nobody edits it by hand.
    "orgs.region": {Action.ADD: (), Action.CHANGE: (), Action.DELETE: ()},
    # Construction standards are set by administrators for their region.
    "orgs.standard": {Action.ADD: ADMINS, Action.CHANGE: ADMINS, Action.DELETE: ADMINS},
    "orgs.standarditem": {Action.ADD: ADMINS, Action.CHANGE: ADMINS, Action.DELETE: ADMINS},
    # The activities a standard requires, and their kinds, are set with the standards.
    "life.activitykind": {Action.ADD: ADMINS, Action.CHANGE: ADMINS, Action.DELETE: ADMINS},
    "life.requirement": {Action.ADD: ADMINS, Action.CHANGE: ADMINS, Action.DELETE: ADMINS},
    # A year's evaluation is kept, with its self-assessments and ratings: never deleted.
    "life.evaluationcampaign": {Action.DELETE: ()},
    "life.evaluation": {Action.DELETE: ()},
    "life.evaluationdecision": {Action.DELETE: ()},
    # Response targets are set by administrators for their region, like the standards.
    "life.responsetarget": {Action.ADD: ADMINS, Action.CHANGE: ADMINS, Action.DELETE: ADMINS},
    # Accounts are managed by administrators (and never deleted: deactivated).
    "portal.user": {
        Action.VIEW: ACCOUNT_MANAGERS,
        Action.ADD: ACCOUNT_MANAGERS,
        Action.CHANGE: ACCOUNT_MANAGERS,
        Action.DELETE: (),
    },
    # Service accounts (accounts of other systems) are accounts like the others.
    "portal.serviceaccount": {
        Action.VIEW: ACCOUNT_MANAGERS,
        Action.ADD: ACCOUNT_MANAGERS,
        Action.CHANGE: ACCOUNT_MANAGERS,
        Action.DELETE: (),
    },
    # API tokens: every account reads and revokes its own (GET and DELETE /api/v1/tokens/);
    # account managers those of the accounts they manage (the admin). Tokens are issued by
    # the token endpoint and the service accounts' page, never added or edited as records.
    "portal.apitoken": {
        Action.VIEW: ALL_ROLES,
        Action.ADD: (),
        Action.CHANGE: (),
        Action.DELETE: ALL_ROLES,
    },
}
#: Kinds of record listed with the rows of the regions above the user's: a city's campaigns
#: and standards are used in its counties. Those rows are read there, never changed.
LISTED_ABOVE = frozenset(
    {
        "funds.campaign",
        "orgs.standard",
        "life.activitykind",
        "life.requirement",
        "life.evaluationcampaign",
        "life.responsetarget",
    }
)
#: Actions on a record that need the record inside the user's subtree (reading does not:
#: some lists show the campaigns and standards of the regions above).
WRITES = frozenset(
    {Action.ADD, Action.CHANGE, Action.DELETE, Action.REVERSE, Action.APPROVE, Action.IMPORT}
)


class AccessDenied(PermissionDenied):
    """The one permission error: the user's role or region does not allow the action."""

    default_message = _("Your role may not make this change.")

    def __init__(self, message=None):
        super().__init__(message or self.default_message)


def is_signed_in(user) -> bool:
    """An authenticated, active account."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def requires_second_factor(user) -> bool:
    """Whether the user signs in with a second factor (TOTP) after the password: superusers
    and the roles of ``OTP_REQUIRED_ROLES``, while ``OTP_REQUIRED`` is on (no query)."""
    if not settings.OTP_REQUIRED or not is_signed_in(user):
        return False
    return user.is_superuser or user.role in settings.OTP_REQUIRED_ROLES


#: Methods that only read: all a read-only API token may use.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

READ_ONLY_TOKEN = _(
    "This API token is read-only: it may only read (GET, HEAD, OPTIONS). Ask for a token "
    "without read_only to make changes."
)


def token_allows(token, method: str) -> bool:
    """Whether an API token may make a request of ``method``: a read-only token reads only
    (tokens without the flag, and sessions, are limited by the role alone; no query)."""
    return not getattr(token, "read_only", False) or method.upper() in SAFE_METHODS


def is_interactive(user) -> bool:
    """Whether the account may sign in with a password (pages, admin, token endpoint):
    service accounts never do, they call the API with issued tokens (no query)."""
    return not getattr(user, "is_service_account", False)


def is_superuser(user) -> bool:
    """A signed-in superuser (the audit trail flags their every event)."""
    return is_signed_in(user) and user.is_superuser


def scope_of(user) -> str | None:
    """The code whose subtree the user sees: "" for the whole country, None for nothing."""
    if not is_signed_in(user):
        return None
    if user.is_superuser:
        return ""
    return user.region_id or None


def in_scope(user, code: str | None) -> bool:
    """Whether the region ``code`` lies in the user's subtree (no query)."""
    scope = scope_of(user)
    return scope is not None and code is not None and str(code).startswith(scope)


def reads_region(user, code: str | None) -> bool:
    """Whether records at region ``code`` are readable to the user: in their subtree, or at a
    region above it (campaigns and standards set above are read below; no query)."""
    scope = scope_of(user)
    if scope is None or code is None:
        return False
    return str(code).startswith(scope) or scope.startswith(str(code))


def visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    """The rows of ``queryset`` the user may see: their region's subtree (no query)."""
    scope = scope_of(user)
    if scope is None:
        return queryset.none()
    return queryset.within(scope) if scope else queryset


def visible_with_regions_above(user, queryset: models.QuerySet, *, national=None):
    """The user's rows plus those at the regions above theirs (no query).

    Campaigns and standards set above a county are read there (a county's donations go to
    the city's campaign); ``national`` is the condition of rows that apply everywhere.
    """
    scope = scope_of(user)
    if not scope:
        return visible_to(user, queryset)
    above = queryset.model._default_manager.all().at_regions(ancestor_codes(scope))
    if national is not None:
        above = above | queryset.model._default_manager.filter(national)
    return queryset.within(scope) | above


def roles_for(action: Action, model=None) -> tuple[str, ...]:
    """The roles that may do ``action`` to records of ``model`` (a class or an instance)."""
    label = model._meta.label_lower if model is not None else None
    return MODEL_ROLES.get(label, {}).get(action, ROLES[action])


def role_allows(user, action: Action, model=None) -> bool:
    """Whether the user's role allows ``action`` on ``model``; superusers may do anything."""
    if not is_signed_in(user):
        return False
    return user.is_superuser or user.role in roles_for(action, model)


def write_target(model, obj=None):
    """What a write permission is asked of: the record itself where the user's lists show
    rows above their region (checked by its region), else its kind (every row a list shows
    lies in the user's subtree, so no query is needed)."""
    if obj is not None and model._meta.label_lower in LISTED_ABOVE:
        return obj
    return model


def region_of(obj) -> str | None:
    """The region code a record lies at, read through its queryset's ``region_path``.

    "" for a record of no region (national), None for a kind of record that has no region.
    Reads the loaded row and the relations already fetched; a relation not yet loaded
    costs one query.
    """
    path = getattr(type(obj)._default_manager.get_queryset(), "region_path", None)
    if path is None:
        return None
    value = obj
    steps = path.split("__")
    if steps[-2:] == ["region", "code"]:
        # The code is the region's primary key: the foreign key column holds it.
        steps = [*steps[:-2], "region_id"]
    for step in steps:
        value = getattr(value, step, None) if value is not None else None
    return value or ""


def can(user, action: Action, obj=None) -> bool:
    """Whether the user may do ``action``, to the record ``obj`` or to records of its model.

    A write to a record needs the record inside the user's subtree as well as the role.
    """
    if not role_allows(user, action, obj):
        return False
    if obj is None or isinstance(obj, type) or action not in WRITES:
        return True
    code = region_of(obj)
    return code is None or (user.is_superuser or in_scope(user, code))


def require(user, action: Action, obj=None, message=None) -> None:
    """Raise ``AccessDenied`` unless the user may do ``action`` (to ``obj``)."""
    if not can(user, action, obj):
        raise AccessDenied(message)


VIEW_ONLY = _("Your role can only view records.")


def require_writer(user) -> None:
    """Viewers read only: ``AccessDenied`` for them. No user is the system (imports, seeds)."""
    if user is not None and not role_allows(user, Action.CHANGE):
        raise AccessDenied(VIEW_ONLY)


def check_write_scope(*, user, code: str | None, field: str) -> None:
    """Let ``user`` write a record at region ``code``: viewers are denied, outsiders refused.

    ``user=None`` is the system itself (imports, demo data, tests), which may write anywhere.
    """
    require_writer(user)
    if user is not None and not in_scope(user, code):
        message = _("This lies outside your region.")
        raise ValidationError({field: ValidationError(message, code="out_of_scope")})


def grantable_roles(user) -> list[tuple[str, str]]:
    """The role choices ``user`` may give (``GRANTABLE``)."""
    if user.is_superuser:
        return list(UserRole.choices)
    given = GRANTABLE.get(user.role, ())
    return [(role, label) for role, label in UserRole.choices if role in given]


def sees_country(user) -> bool:
    """Whether the user's scope is the whole country (superusers)."""
    return scope_of(user) == ""


def visible_accounts(user, queryset: models.QuerySet) -> models.QuerySet:
    """Accounts the user may manage: their subtree's, of the roles they may give; superuser
    accounts (and the security and audit administrators) only for superusers."""
    accounts = visible_to(user, queryset)
    if user.is_superuser:
        return accounts
    return accounts.filter(is_superuser=False, role__in=GRANTABLE.get(user.role, ()))
