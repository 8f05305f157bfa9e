"""Settings for the suite: production settings with a test key and a fast password hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key")
os.environ.setdefault("API_THROTTLE_ANON", "100000/min")
os.environ.setdefault("API_THROTTLE_USER", "100000/min")

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Serve static files from the app folders (no collectstatic before the suite).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# The suite talks plain HTTP to the test client and to live_server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# Login lockout: low limits that tests/security/test_lockout.py relies on. Other tests sign
# in with force_login/force_authenticate, which axes does not count.
AXES_FAILURE_LIMIT = 3
AXES_ADDRESS_FAILURE_LIMIT = 6
# A second alias on the test database, as a streaming replica would be (TEST MIRROR): reads
# are routed to it only where a test sets REPLICA_DATABASE (tests/portal/test_router.py).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
REPLICA_DATABASE = None
