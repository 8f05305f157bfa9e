"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there are synchronous and safe, so Django's async guard is lifted for this folder only.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium: no downloaded browser, no network chatter."""
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium"),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def log_in(live_server, context):
    """Sign the browser in as ``user`` by handing it a session cookie of the live server."""

    def log_in(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return log_in


@pytest.fixture
def screenshot(page, request):
    """Save a full-page screenshot under test-artifacts/, named after the test."""

    def screenshot(suffix: str = "") -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.name + (f"-{suffix}" if suffix else "")
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return screenshot


@pytest.fixture
def page_problems(page, live_server):
    """Console errors (CSP violations among them) and requests leaving the live server."""
    problems = []
    page.on(
        "console",
        lambda message: message.type == "error" and problems.append(message.text),
    )
    page.on(
        "request",
        lambda request: (
            request.url.startswith((live_server.url, "data:"))
            or problems.append(f"outside request: {request.url}")
        ),
    )
    return problems
