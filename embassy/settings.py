"""Settings for the press-office site, read from the environment.

DATABASE_URL         database (default: SQLite file db.sqlite3 in the repository)
DJANGO_SECRET_KEY    required unless DJANGO_DEBUG is on
DJANGO_DEBUG         "1"/"true" turns debug on; off by default
DJANGO_ALLOWED_HOSTS comma-separated host names (default: localhost only)
DJANGO_HTTPS         "1" when served over HTTPS: HSTS, secure cookies, SSL redirect
DJANGO_ADMIN_URL     the admin's path (default: "admin/")
DJANGO_MEDIA_STORAGE "s3" for S3-compatible storage (AWS_* variables below);
                     uploaded files go to MEDIA_ROOT otherwise
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def url_origin(url):
    """The scheme and host of ``url``; None for a path on this site."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else None


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."
        )
    # Development only: a fixed key keeps sessions alive across autoreloads.
    SECRET_KEY = "django-insecure-development-key-never-used-with-debug-off"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

HTTPS = env_flag("DJANGO_HTTPS")
if HTTPS:
    SECURE_SSL_REDIRECT = True
    # The proxy in front terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Our pages and the admin's load scripts and styles only from files we serve.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "camera",
        "geolocation",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
}

INSTALLED_APPS = [
    # Before the admin: its translated fields show in the admin's forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "axes",
    "django_filters",
    "simple_history",
    "embassy.pagecache",
    "statements",
    "counters",
    "library",
    "identity",
]

MIDDLEWARE = [
    # First: a stored page keeps every header the others add.
    "embassy.pagecache.pages.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "embassy.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language is the URL's: English at the root, the others under /<code>/.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "embassy.middleware.SessionLimits",
]

ROOT_URLCONF = "embassy.urls"

TEMPLATES = [
    # The public pages (see embassy/templating.py).
    {
        "BACKEND": "embassy.templating.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "OPTIONS": {
            "environment": "embassy.templating.environment",
            "context_processors": [
                "counters.context_processors.site_header",
                "identity.context_processors.site_identity",
            ],
        },
    },
    # The admin, and Django's own templates.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Form widgets may use templates of ours, from templates/.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "embassy.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# How long a web request's query may run on PostgreSQL (web processes only:
# see embassy/wsgi.py; imports and migrations take as long as they need).
WEB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DJANGO_STATEMENT_TIMEOUT_MS", "3000"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # A database that accepts connections but never answers is given up
        # on after this many seconds (libpq's minimum), and the page is a 503.
        connect_timeout=2,
        # Many small queries at once, not one big one: a query split across
        # parallel workers only took CPU from the requests beside it (random
        # filter combinations served 10% fewer requests a second with it on).
        # Nor is a query compiled (JIT): searches' high cost estimates made
        # PostgreSQL spend longer compiling than the query then ran.
        options="-c max_parallel_workers_per_gather=0 -c jit=off",
    )

# Redis when REDIS_URL is set (shared by every server process); otherwise
# memory local to one process, enough for development and tests. A Redis that
# stalls costs a request at most its timeouts, once: the page cache then does
# without it until it answers again (embassy/pagecache/generation.py).
REDIS_URL = os.environ.get("REDIS_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "embassy",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Each process's own copies of cached pages, under the current generation.
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}
# How long a public page or a match count stays cached at most (0: off). Every
# change to public content retires cached pages at once whatever this says.
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))
# Cache-Control max-age of public pages for browsers and proxies.
HTTP_MAX_AGE = int(os.environ.get("DJANGO_HTTP_MAX_AGE", "60"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (limits stated in the README): a user name is locked for an
# hour from an address that guessed its password wrong five times; the same
# user elsewhere can still sign in. Twenty failures from one address, whatever
# the user names, lock that address (password spraying).
AXES_HANDLER = "embassy.throttling.AddressAndUserNameHandler"
AXES_FAILURE_LIMIT = 5
AXES_ADDRESS_FAILURE_LIMIT = 20
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = 1
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# Behind reverse proxies (nginx), a client's address is the one the nearest
# proxy adds to X-Forwarded-For; DJANGO_TRUSTED_PROXIES says how many proxies
# there are (default 0: the connection's own address). django-ipware counts
# the proxies listed in the header, which the nearest one is not. A header
# with more entries than that (a client writing its own) is not believed: its
# attempts count against the proxy's address.
TRUSTED_PROXIES = int(os.environ.get("DJANGO_TRUSTED_PROXIES", "0"))
if TRUSTED_PROXIES:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXIES - 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Staff sessions end after two hours without a request to the admin, and two
# weeks after signing in whatever happens (embassy.middleware.SessionLimits).
SESSION_IDLE_SECONDS = 2 * 60 * 60
SESSION_COOKIE_AGE = 14 * 24 * 60 * 60
# Where signing in leads when "next" is missing or points off the site.
LOGIN_REDIRECT_URL = "admin:index"

# Everything worth knowing goes to standard error, one JSON object a line
# (embassy/logs.py): errors with their traceback, and for each 5xx the request
# id, path and status. Under systemd, journald keeps it; README says where.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "embassy.logs.RequestContext"}},
    "formatters": {"json": {"()": "embassy.logs.JsonLines"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request"],
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}

# A version's text without its turns is not the statement: no one-click revert.
SIMPLE_HISTORY_REVERT_DISABLED = True

# English at the root, every other language under its code (/ru/). Adding a
# language is a line here, its .po file under locale/, and a migration for the
# translated fields (modeltranslation adds a column per language).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
# The tag pages declare (<html lang>, hreflang) where it is not the code alone.
LANGUAGE_TAGS = {"en": "en-GB"}
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as each language writes them: "4 December 2021", "4 декабря 2021".
FORMAT_MODULE_PATH = ["embassy.formats"]
# PostgreSQL's text search configuration for each language's statements
# ("simple", words as written, for a language without one).
SEARCH_CONFIGURATIONS = {"en": "english", "ru": "russian"}
# A name or wording not yet translated shows in English.
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# Uploaded pictures and documents (library/). On one machine they are files
# under MEDIA_ROOT, which nginx or a CDN serves at MEDIA_URL before Django
# sees the request (bench/nginx-cluster.conf); Django answers for them too,
# alike, where nothing stands in front. With several nodes,
# DJANGO_MEDIA_STORAGE=s3 keeps them in an S3-compatible bucket that every
# node reads and writes.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_STORAGE = os.environ.get("DJANGO_MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured(
            "DJANGO_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME (and "
            "AWS_S3_ENDPOINT_URL for storage other than Amazon's)."
        )
    MEDIA_STORAGE_BACKEND = {
        "BACKEND": "library.storage.MediaS3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID"),
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY"),
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            # Public, unsigned addresses: pages are cached and shared.
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
    MEDIA_ORIGIN = (
        f"https://{os.environ['AWS_S3_CUSTOM_DOMAIN']}"
        if os.environ.get("AWS_S3_CUSTOM_DOMAIN")
        else url_origin(os.environ.get("AWS_S3_ENDPOINT_URL", ""))
        or "https://*.amazonaws.com"
    )
elif MEDIA_STORAGE == "filesystem":
    MEDIA_STORAGE_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    MEDIA_ORIGIN = url_origin(MEDIA_URL)
else:
    raise ImproperlyConfigured(
        f"DJANGO_MEDIA_STORAGE={MEDIA_STORAGE!r}: use 'filesystem' or 's3'."
    )
if MEDIA_ORIGIN:
    # Pages show pictures from there.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(MEDIA_ORIGIN)

STORAGES = {
    "default": MEDIA_STORAGE_BACKEND,
    "staticfiles": {
        # Hashed, compressed names served with far-future cache headers.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
