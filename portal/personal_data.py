"""Who sees phone and national ID numbers in full (Personal Information Protection Law).

Everyone else sees them masked (``138****5678``, ``3608**********1234``): in the admin, in
exports and in the API. Full values that leave the server in a file are logged.
"""


def can_view_personal_data(user) -> bool:
    """Whether ``user`` may see phone and ID numbers in full: staff, admins, superusers."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.can_write)


def record_view(*, user, model, object_ids: list, fields: list[str], source: str, request=None):
    """Log that ``user`` saw ``fields`` of these rows in full (history.PersonalDataView)."""
    from history.audit import record_personal_data_view

    record_personal_data_view(
        user=user, model=model, object_ids=object_ids, fields=fields, source=source, request=request
    )
