"""Every role and scope decision is made by ``core.access``: nothing else compares roles,
reads a user's region to decide, or filters by a region prefix of its own."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "orgs", "members", "funds", "reports", "imports", "history", "portal"]
#: Decisions only the access module makes, as they would be written elsewhere.
FORBIDDEN = {
    "a user's write flag": re.compile(r"\.can_write\b"),
    "a scope test of its own": re.compile(r"\.in_scope\(|\brole_allows\("),
    "a filter by the viewer's region": re.compile(r"user_region__startswith"),
    "a role list of its own": re.compile(
        r"\b(WRITE_ROLES|ALL_ROLES|DELETE_ROLES|write_roles|delete_roles|view_roles)\b"
    ),
    "a comparison of roles": re.compile(
        r"\.role\s*(==|!=|\bin\b|\bnot in\b)|UserRole\.\w+\s*(==|!=)"
    ),
    "a superuser test": re.compile(r"\b(request\.)?user\.is_superuser\b(?!\s*=[^=])"),
    "a decision on the user's region": re.compile(
        r"\buser\.region_id\s*(\)|\.startswith|or\b)|startswith\(\s*(request\.)?user\.region_id"
    ),
}
#: Where accounts are made or shown, the role and superuser flags are data, not decisions.
ACCOUNT_DATA = {
    "core/access.py",
    "portal/management/commands/adduser.py",
}


def project_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative and relative not in ACCOUNT_DATA:
                yield relative


def decisions_outside_access() -> list[str]:
    found = []
    for relative in project_files():
        for number, line in enumerate((ROOT / relative).read_text().splitlines(), 1):
            for what, pattern in FORBIDDEN.items():
                if pattern.search(line):
                    found.append(f"{relative}:{number}: {what}: {line.strip()}")
    return found


def test_role_and_scope_decisions_are_made_only_by_the_access_module():
    assert decisions_outside_access() == []


#: In templates: ``user|may:"import"`` and ``user|sees_whole_country`` ask the access module.
TEMPLATE_DECISIONS = re.compile(r"user\.(is_superuser|role|can_write|in_scope|region_id)\b")


def test_templates_ask_the_access_module():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if TEMPLATE_DECISIONS.search(line)
    ]
    assert found == []


@pytest.mark.parametrize(
    "line",
    [
        "return user.is_active and user.can_write",
        "if not request.user.in_scope(code):",
        'queryset.filter(user_region__startswith=request.user.region_id or "-")',
        "write_roles = (UserRole.ADMIN,)",
        "return user.role == UserRole.ADMIN",
        "if request.user.is_superuser:",
        "above = (user.region_id or '').startswith(code)",
    ],
)
def test_the_check_finds_each_kind_of_decision(line):
    assert any(pattern.search(line) for pattern in FORBIDDEN.values()), line
