"""Who sees phone and national ID numbers in full (Personal Information Protection Law).

Everyone else sees them masked (``138****5678``, ``3608**********1234``): in the admin, in
exports and in the API. Each response that shows them in full is logged (history.audit).
"""


def can_view_personal_data(user) -> bool:
    """Whether ``user`` may see phone and ID numbers in full: staff, admins, superusers."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.can_write)
