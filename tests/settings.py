"""Settings for the suite: production settings with a test key and a fast password hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key")
os.environ.setdefault("API_THROTTLE_ANON", "100000/min")
os.environ.setdefault("API_THROTTLE_USER", "100000/min")

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Fixed personal-data keys (core/crypto.py): a value key and the blind index key.
PERSONAL_DATA_KEYS = os.environ.get(
    "PERSONAL_DATA_KEYS",
    "test1:dGVzdC1wZXJzb25hbC1kYXRhLWtleS0xLTMyYnl0ZXM=;"
    "index:dGVzdC1wZXJzb25hbC1pbmRleC1rZXktLTMyYnl0ZXM=",
)
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
# Background tasks run at once inside the test (tests/imports/test_worker.py runs a real
# `db_worker` on the database backend: TEST_TASKS_BACKEND names it for that process).
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TEST_TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": ["default"],
    }
}
# Two-factor login is off for the suite, which signs in with force_login and passwords; the
# tests of tests/security/test_two_factor.py and the browser's enrolment turn it on.
OTP_REQUIRED = False
