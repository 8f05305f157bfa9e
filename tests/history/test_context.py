"""The context of a write: the source by path, the client's address behind proxies."""

import json

import pytest
from django.test import override_settings

from core.context import client_address, context_metadata
from history.middleware import source_of


@pytest.mark.parametrize(
    ("path", "source"),
    [("/admin/members/member/", "admin"), ("/api/v1/members/", "api"), ("/regions/36/", "web")],
)
def test_the_source_follows_the_path(path, source):
    assert source_of(path) == source


def test_the_address_is_the_peer_without_proxies(rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "10.0.0.1"


@override_settings(PROXY_COUNT=1)
def test_behind_a_proxy_the_address_is_the_one_it_appended(rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4")
    assert client_address(request) == "1.2.3.4"


def test_an_anonymous_request_has_no_user(rf):
    from django.contrib.auth.models import AnonymousUser

    from core.context import ContextEncoder

    request = rf.get("/regions/")
    request.user = AnonymousUser()
    metadata = json.loads(
        json.dumps(context_metadata(source="web", request=request), cls=ContextEncoder)
    )
    assert metadata == {
        "source": "web",
        "user": None,
        "username": None,
        "ip": "127.0.0.1",
        "url": "/regions/",
    }


def test_a_reason_is_stored_only_when_given():
    assert "reason" not in context_metadata(source="system")
    assert context_metadata(source="system", reason="区划代码版本 2024")["reason"] == (
        "区划代码版本 2024"
    )
