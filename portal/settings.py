"""Settings for the grassroots organization portal, read from the environment (12-factor)."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# The portal's address, for the links of the emails it sends (the weekly to-do digest).
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000/")
# Email: printed to the console in development and the demo (DEBUG on, EMAIL_HOST unset);
# else sent by SMTP (a local relay unless EMAIL_HOST names one).
_EMAIL_HOST = env.str("EMAIL_HOST", default="")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _EMAIL_HOST or "localhost",
            "port": env.int("EMAIL_PORT", default=25),
            "username": env.str("EMAIL_HOST_USER", default=""),
            "password": env.str("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=False),
        },
    }
    if _EMAIL_HOST or not DEBUG
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "pgtrigger",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "orgs",
    "members",
    "funds",
    "life",
    "portal",
    "pghistory",
    "history",
    "imports",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # RateLimit-* headers on API answers, from what the throttles noted (core.api.throttles).
    "core.api.throttles.rate_limit_headers",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor (TOTP).
    "django_otp.middleware.OTPMiddleware",
    # Writes during a request record who, from where (admin, API, web) and the address.
    "history.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session lifetimes, then an expired password's change page first.
    "portal.sessions.SessionTimeoutMiddleware",
    # A session that needs the second factor verifies (or enrols) before any page or API call.
    "portal.twofactor.SecondFactorMiddleware",
    "portal.passwords.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.routers.ReplicaReadsMiddleware",
    # A database failure in an API request answers 503 in JSON (portal.failsafe).
    "portal.failsafe.DatabaseErrorMiddleware",
    # Last: turns axes' lockout flag into the 429 answer (portal.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict:
    """DATABASE_URL from the environment, else the embedded server under var/."""
    url = env.str("DATABASE_URL", default="")
    if url:
        return env.db_url_config(url)
    from portal.embedded import database_settings

    return database_settings(BASE_DIR)


DATABASES = {"default": _database()}
# pgtrigger's triggers read this setting per row; when it is unset, each read raises and
# catches an error (about 0.3 ms a row on bulk writes). An empty list ignores nothing.
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"]["options"] = (
    DATABASES["default"]["OPTIONS"].get("options", "") + " -c pgtrigger.ignore={}"
).strip()
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# The test database is named after the database: two checkouts on one server do not share it.
DATABASES["default"]["TEST"] = {
    "NAME": env.str("TEST_DATABASE_NAME", default=f"test_{DATABASES['default']['NAME']}")
}
# A streaming replica for the dashboards' and the rollup API's reads (docs/SCALING.md, 3).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
REPLICA_DATABASE = "replica" if DATABASE_REPLICA_URL else None
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "OPTIONS": dict(DATABASES["default"]["OPTIONS"]),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["core.routers.ReplicaRouter"]
# Backups (manage.py backup) are encrypted (AES-256-GCM) with the key in this file, kept
# outside the database and its backups; `manage.py backup --create-key PATH` makes one.
# Empty: backups are written unencrypted, with a warning.
BACKUP_KEY_FILE = env.str("BACKUP_KEY_FILE", default="")
# ID and phone numbers are encrypted at rest (core/crypto.py) with keys from the environment
# (PERSONAL_DATA_KEYS: "id:base64;index:base64") or a key file outside the database, made on
# first use when missing. Production keeps the file elsewhere, and a copy apart from backups.
PERSONAL_DATA_KEYS = env.str("PERSONAL_DATA_KEYS", default="")
PERSONAL_DATA_KEY_FILE = env.str(
    "PERSONAL_DATA_KEY_FILE", default=str(BASE_DIR / "var" / "keys" / "personal-data.keys")
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# History events carry their context (source, user, address, URL) as JSON on each row.
PGHISTORY_JSON_ENCODER = "core.context.ContextEncoder"

AUTH_USER_MODEL = "portal.User"
# API tokens stop working this many days after they were issued (0: never).
API_TOKEN_MAX_AGE_DAYS = env.int("API_TOKEN_MAX_AGE_DAYS", default=90)
# Passwords (portal.passwords): at least PASSWORD_MIN_LENGTH characters of 3 of the 4 classes,
# none of the last PASSWORD_HISTORY, changed every PASSWORD_MAX_AGE_DAYS (0: never expires).
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=10)
PASSWORD_HISTORY = env.int("PASSWORD_HISTORY", default=5)
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {
        "NAME": "portal.passwords.HistoryValidator",
        "OPTIONS": {"count": PASSWORD_HISTORY},
    },
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Axes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.backends.AccountBackend",
]
LOGIN_URL = "portal:login"
# Two-factor login (portal/twofactor.py, core.access.requires_second_factor): superusers and
# the roles in OTP_REQUIRED_ROLES sign in with a TOTP code (or a one-time recovery code) after
# the password, on the pages, the admin and the API token endpoint. OTP_REQUIRED=false turns
# the requirement off everywhere (the test suite's default; never in production).
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=True)
OTP_REQUIRED_ROLES = env.list(
    "OTP_REQUIRED_ROLES", default=["staff", "admin", "security", "auditor"]
)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Grassroots portal")
# How many one-time recovery codes an enrolment gives.
OTP_RECOVERY_CODES = 10
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Uploaded files (spending vouchers): never served under a public URL (no MEDIA_URL route);
# the portal hands each one out through a view that checks the reader's region.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
#: The largest spending attachment (invoice, receipt) accepted, in bytes.
SPENDING_ATTACHMENT_MAX_BYTES = env.int("SPENDING_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)
ACTIVITY_ATTACHMENT_MAX_BYTES = env.int("ACTIVITY_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)
#: The cap on administrative costs as a share of the money spent in a year (civil-affairs
#: rules): the rollup flags a region and year above it (spending.administrative_over_cap).
FUNDS_ADMIN_COST_CAP = env.float("FUNDS_ADMIN_COST_CAP", default=0.10)

#: Request rates for API clients: anonymous ones (by address) and signed-in ones (by user).
# Searches by a phone or ID number one user may make in ten minutes (admin lists and the
# autocomplete); each is logged with the personal-data views.
PERSONAL_SEARCH_LIMIT = env.int("PERSONAL_SEARCH_LIMIT", default=60)
API_THROTTLE_ANON = env.str("API_THROTTLE_ANON", default="60/min")
API_THROTTLE_USER = env.str("API_THROTTLE_USER", default="6000/min")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.permissions.PortalPagination",
    # Request bodies are JSON only: the browser pages have their own forms.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttles.AnonThrottle",
        "core.api.throttles.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": API_THROTTLE_ANON, "user": API_THROTTLE_USER},
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "core.api.base.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Grassroots organization portal API",
    # The integrators' guide is the schema's description: /api/docs/ shows it.
    "DESCRIPTION": (BASE_DIR / "docs" / "API.md").read_text(encoding="utf-8"),
    "VERSION": "1.1.0",
    "OAS_VERSION": "3.1.0",
    "GET_LIB_DOC_EXCLUDES": "core.api.schema.doc_excludes",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.answers_are_complete",
        "core.api.schema.error_codes",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RegionLevelEnum": "orgs.choices.RegionLevel",
        "RollupLevelEnum": "reports.api.serializers.ROLLUP_LEVELS",
        "RegionKindEnum": "orgs.choices.RegionKind",
        "BranchKindEnum": "orgs.choices.BranchKind",
        "BranchStatusEnum": "orgs.choices.BranchStatus",
        "BranchRatingEnum": "orgs.choices.BranchRating",
        "EvaluationRatingEnum": "life.choices.EvaluationRating",
        "EvaluationScaleEnum": "life.choices.EvaluationScale",
        "EvaluationStateEnum": "life.choices.EvaluationState",
        "GenderEnum": "members.choices.Gender",
        "MemberKindEnum": "members.choices.MemberKind",
        "PositionRoleEnum": "members.choices.PositionRole",
        "ServiceTypeEnum": "members.choices.ServiceType",
        "VolunteerStatusEnum": "members.choices.VolunteerStatus",
        "ServiceRecordStatusEnum": "members.choices.ServiceRecordStatus",
        "DonorKindEnum": "funds.choices.DonorKind",
        "CampaignKindEnum": "funds.choices.CampaignKind",
        "DonationKindEnum": "funds.choices.DonationKind",
        "DonationChannelEnum": "funds.choices.DonationChannel",
        "DonationStatusEnum": "funds.choices.DonationStatus",
        "ReversalKindEnum": "funds.choices.ReversalKind",
        "UserRoleEnum": "core.access.UserRole",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Security: HTTPS behind a TLS-terminating proxy, strict cookies, a CSP without inline scripts.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# A session lasts at most SESSION_ABSOLUTE_HOURS after the login and ends after
# SESSION_IDLE_MINUTES without a request (portal.sessions).
SESSION_COOKIE_AGE = int(env.float("SESSION_ABSOLUTE_HOURS", default=12) * 3600)
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = "portal.sessions"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # ECharts and the admin set style attributes from scripts; scripts stay strict.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Login lockout (django-axes, portal/lockout.py): AXES_FAILURE_LIMIT failed logins of one
# username from one address lock that pair, AXES_ADDRESS_FAILURE_LIMIT failures from one
# address lock the address, for AXES_COOLOFF_MINUTES. Covers the login page, the admin login
# and POST /api/v1/auth/token/. Unlock: the admin's "Access attempts" (delete the row) or
# `manage.py axes_reset_username USERNAME` / `axes_reset_ip ADDRESS` / `axes_reset`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "portal.lockout.PortalAxesHandler"
AXES_LOCKOUT_CALLABLE = "portal.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Behind the TLS proxy every client comes from the proxy's address: name how many proxies
# append to X-Forwarded-For, so the lockout and the history count the client's address
# (portal.lockout.client_address), not the proxy's.
PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.context.client_address"

# Audit trail of security events (history.audit_trail): monthly partitions are kept at least
# AUDIT_RETENTION_DAYS; `manage.py prune_audit` writes each older month to AUDIT_ARCHIVE_DIR
# (gzipped CSV named with the month's last chain hash, and a manifest) and drops it.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
AUDIT_ARCHIVE_DIR = Path(env.str("AUDIT_ARCHIVE_DIR", default=str(BASE_DIR / "var" / "audit")))

# Cache: Redis when REDIS_URL is set (shared by all workers: throttles, lockouts, import
# progress), else this process's memory (development, tests).
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Import progress, written by the background worker and read by the web processes: a
    # cache both see (files on this machine when there is no Redis).
    "progress": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "progress",
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env.str("PROGRESS_CACHE_DIR", default=str(BASE_DIR / "var" / "progress")),
    },
}

# Background work (import dry runs and imports): tasks are stored in the database and run by
# `manage.py db_worker` (django-tasks-db), a second process beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Imports (imports/): the largest file accepted, its unpacked size (xlsx) and its rows.
IMPORTS_MAX_UPLOAD_BYTES = env.int("IMPORTS_MAX_UPLOAD_MB", default=20) * 1024 * 1024
IMPORTS_MAX_UNPACKED_BYTES = 20 * IMPORTS_MAX_UPLOAD_BYTES
IMPORTS_MAX_ROWS = env.int("IMPORTS_MAX_ROWS", default=200_000)
# Exports (core/exports.py): a list longer than this is written by the background worker and
# downloaded from "My exports"; its file is kept this many days.
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=10_000)
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=7)
