"""portal.embedded.settings_url: a DATABASE_URL that reads back to the same connection."""

import environ
import pytest

from portal.embedded import settings_url

KEYS = ("NAME", "USER", "PASSWORD", "HOST", "PORT")


@pytest.mark.parametrize(
    "settings",
    [
        {"NAME": "test_portal", "USER": "postgres", "HOST": "/work/main/var/pgdata", "PORT": ""},
        {"NAME": "test_portal", "USER": "postgres", "HOST": "/var/run/postgresql", "PORT": 5433},
        {"NAME": "portal", "USER": "postgres", "PASSWORD": "", "HOST": "127.0.0.1", "PORT": 5432},
        {"NAME": "portal", "USER": "app", "PASSWORD": "p@ss:/word", "HOST": "db", "PORT": ""},
    ],
)
def test_the_url_reads_back_to_the_settings(settings):
    config = environ.Env.db_url_config(settings_url(settings))
    options = config.get("OPTIONS", {})
    read = {key: config.get(key) or "" for key in KEYS}
    read["PORT"] = read["PORT"] or options.get("port", "")
    expected = {key: settings.get(key) or "" for key in KEYS}
    assert {key: str(value) for key, value in read.items()} == {
        key: str(value) for key, value in expected.items()
    }
