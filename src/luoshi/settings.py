"""All settings come from the environment; the defaults run the embedded demo."""

import os
import tempfile
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
# var/ beside the checkout (or the working directory when installed elsewhere) holds the SQLite file.
VAR_DIR = Path(os.environ.get("LUOSHI_VAR_DIR", Path.cwd() / "var"))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# The demo's key, public in this source: `luoshi serve` refuses to run with it unless DEBUG is on.
DEMO_SECRET_KEY = "luoshi-insecure-demo-key-change-me-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or DEMO_SECRET_KEY
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves Swagger's files from /static/ninja/, so /api/v1/docs works offline
    "django_tasks",
    "django_tasks_db",
    "axes",  # login-failure lockout
    "django_otp",
    "django_otp.plugins.otp_totp",  # two factors: authenticator apps
    "django_otp.plugins.otp_static",  # and one-time recovery codes
    "csp",
    "luoshi.org",
    "luoshi.events",
    "luoshi.workdays",
    "luoshi.notify",
    "luoshi.duties",
    "luoshi.lists",
    "luoshi.files",
    "luoshi.ledger",
    "luoshi.oversight",
    "luoshi.frontline",
    "luoshi.public",
    "luoshi.cockpit",
    "luoshi.web",
]

MIDDLEWARE = [
    "luoshi.api.JsonErrorsMiddleware",  # first: Django's own error pages under /api/ become JSON
    "luoshi.events.middleware.RequestContext",  # the address that events record
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "luoshi.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "luoshi.org.middleware_identity.IdentityMiddleware",  # idle timeout; a password to change first
    "luoshi.org.middleware_two_factor.TwoFactorRequired",  # privileged roles: a code after the password
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "luoshi.web.middleware.ErrorPagesMiddleware",  # pages for 405 and uncaught refusals (not /api/)
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its response
]

ROOT_URLCONF = "luoshi.urls"
WSGI_APPLICATION = "luoshi.wsgi.application"
AUTH_USER_MODEL = "org.Person"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "luoshi.notify.context_processors.unread",
            ],
        },
    },
]

CHAINING_BACKENDS = {
    "django.db.backends.sqlite3": "luoshi.events.backends.sqlite3",
    "django.db.backends.postgresql": "luoshi.events.backends.postgresql",
}


def database_settings(env: Mapping[str, str], var_dir: Path) -> dict[str, Any]:
    """The default database from the environment (a function of it alone, so that tests can try variants).

    LUOSHI_CONN_MAX_AGE: seconds a connection is kept for the next requests (0: one per request).
    LUOSHI_CONN_HEALTH_CHECKS: check a kept connection (one round trip) before a request uses it.
    LUOSHI_PGBOUNCER: PostgreSQL is reached through PgBouncer in transaction mode, where consecutive
    transactions may run on different server connections: no server-side cursors (.iterator() fetches
    client-side) and no prepared statements (psycopg prepares a query it runs often, by default).
    """

    def flag(name: str, default: bool) -> bool:
        return env.get(name, str(default)).lower() in {"1", "true", "yes", "on"}

    db: dict[str, Any] = dict(
        dj_database_url.parse(
            env.get("DATABASE_URL", f"sqlite:///{var_dir / 'luoshi.sqlite3'}"),
            conn_max_age=int(env.get("LUOSHI_CONN_MAX_AGE", 60)),
            conn_health_checks=flag("LUOSHI_CONN_HEALTH_CHECKS", False),
        )
    )
    # Django's own backends, with a commit that first chains the transaction's events (events.backends).
    db["ENGINE"] = CHAINING_BACKENDS.get(db["ENGINE"], db["ENGINE"])
    if db["ENGINE"] == CHAINING_BACKENDS["django.db.backends.sqlite3"]:
        # IMMEDIATE transactions serialise writers instead of failing with "database is locked".
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        db["CONN_MAX_AGE"] = 0
        # A file, not shared-cache memory, so that concurrency tests see real locking and waiting.
        db["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"luoshi-test-{os.getpid()}.sqlite3")}
    elif flag("LUOSHI_PGBOUNCER", False):
        db["DISABLE_SERVER_SIDE_CURSORS"] = True
        db["OPTIONS"] = {**db.get("OPTIONS", {}), "prepare_threshold": None}
    return db


DATABASES = {"default": database_settings(os.environ, VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# AUTH_PASSWORD_VALIDATORS: under "Identity" below.

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Set STATIC_ROOT only to run collectstatic for a front web server; otherwise WhiteNoise serves from the package.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # serve straight from the package: no collectstatic needed for the demo

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("LUOSHI_SESSION_SECONDS", 8 * 3600)
LUOSHI_REMEMBER_MAX_HOURS = env_int("LUOSHI_REMEMBER_MAX_HOURS", 7 * 24)  # "keep me signed in": the longest
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS, from the environment: off by default, since the demo and an intranet trial run on plain HTTP.
SECURE_SSL_REDIRECT = env_bool("LUOSHI_HTTPS_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("LUOSHI_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("LUOSHI_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("LUOSHI_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("LUOSHI_SECURE_COOKIES", False)
# Behind a TLS-terminating proxy: the header it sets on HTTPS requests, e.g. X-Forwarded-Proto.
if proxy_header := os.environ.get("LUOSHI_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_header.upper().replace("-", "_"), "https")

# Background jobs (the ladder's sweep, deliveries) run in `luoshi worker` from a database queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Uploads (evidence photos, PDFs): the largest file taken, in bytes.
LUOSHI_UPLOAD_MAX_BYTES = env_int("LUOSHI_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# The frontline rule: days a month each leader spends at the grassroots and at the units he supervises;
# the posting categories that count as frontline experience for promotion (赛场选马).
LUOSHI_FRONTLINE_GRASSROOTS_DAYS = env_int("LUOSHI_FRONTLINE_GRASSROOTS_DAYS", 5)
LUOSHI_FRONTLINE_SUPERVISED_DAYS = env_int("LUOSHI_FRONTLINE_SUPERVISED_DAYS", 2)
LUOSHI_FRONTLINE_CATEGORIES = [
    c.strip()
    for c in os.environ.get(
        "LUOSHI_FRONTLINE_CATEGORIES", "inspection,stability,petitions,assistance,investment,major_project"
    ).split(",")
    if c.strip()
]
# The main leaders' posts (their trips and days are summed apart), and how often the worker looks for
# leaders short of the rule in a month's last week.
LUOSHI_FRONTLINE_MAIN_POSTS = [
    p.strip() for p in os.environ.get("LUOSHI_FRONTLINE_MAIN_POSTS", "市委书记,市长").split(",") if p.strip()
]
LUOSHI_FRONTLINE_REMIND_EVERY_SECONDS = env_int("LUOSHI_FRONTLINE_REMIND_EVERY_SECONDS", 3600)
LUOSHI_SWEEP_EVERY_SECONDS = env_int("LUOSHI_SWEEP_EVERY_SECONDS", 300)
LUOSHI_DELIVER_EVERY_SECONDS = env_int("LUOSHI_DELIVER_EVERY_SECONDS", 30)
# How often the worker takes the public form's queued submissions in as problems.
LUOSHI_PUBLIC_INTAKE_EVERY_SECONDS = env_int("LUOSHI_PUBLIC_INTAKE_EVERY_SECONDS", 2)
# The most submissions that may wait in that queue: at the bound (a stopped or overrun worker) the public form
# refuses new ones (503, Retry-After) instead of letting the queue grow without end. 0 or less: no bound.
LUOSHI_PUBLIC_INTAKE_MAX_WAITING = env_int("LUOSHI_PUBLIC_INTAKE_MAX_WAITING", 100_000)
# Outside channels deliver, and the scheduled sweep runs, in these hours of working days only ("always": any time).
LUOSHI_DELIVERY_HOURS = os.environ.get("LUOSHI_DELIVERY_HOURS", "08:30-18:00")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "luoshi@localhost")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# Light thresholds and the ladder's N, M, K, L live in the database (lists.Policy), edited in the UI.
LUOSHI_PAGE_SIZE = env_int("LUOSHI_PAGE_SIZE", 50)
# A sweep runs as of now; only while developing or on staging (acceptance runs) may it be told another time.
LUOSHI_TIME_TRAVEL = env_bool("LUOSHI_TIME_TRAVEL", False)
# Deadlines, milestones and extensions lie at most this many years ahead.
LUOSHI_DATE_HORIZON_YEARS = env_int("LUOSHI_DATE_HORIZON_YEARS", 5)
# A unit signs for (签收) a new duty within this many working days of its assignment, or is reminded once.
LUOSHI_SIGN_WITHIN_WORKDAYS = env_int("LUOSHI_SIGN_WITHIN_WORKDAYS", 1)

# Public problems: a unit sends a problem back (退单) within this many hours of its dispatch; the public form's
# proof of work (leading zero bits of SHA-256(challenge + nonce)), its challenges' lifetime, and how many
# problems one address may send in LUOSHI_PUBLIC_LIMIT_MINUTES; which figures the public portal shows.
LUOSHI_PUBLIC_SEND_BACK_HOURS = env_int("LUOSHI_PUBLIC_SEND_BACK_HOURS", 24)
LUOSHI_PUBLIC_POW_DIFFICULTY = env_int("LUOSHI_PUBLIC_POW_DIFFICULTY", 16)
LUOSHI_PUBLIC_CHALLENGE_SECONDS = env_int("LUOSHI_PUBLIC_CHALLENGE_SECONDS", 600)
LUOSHI_PUBLIC_LIMIT = env_int("LUOSHI_PUBLIC_LIMIT", 5)
LUOSHI_PUBLIC_LIMIT_MINUTES = env_int("LUOSHI_PUBLIC_LIMIT_MINUTES", 10)
LUOSHI_PUBLIC_PORTAL_FIGURES = [
    f.strip()
    for f in os.environ.get(
        "LUOSHI_PUBLIC_PORTAL_FIGURES", "received,closed,solved_rate,satisfaction_rate,exposed,rankings"
    ).split(",")
    if f.strip()
]

# Behind proxies: how many of them append to X-Forwarded-For (0: the client's address is REMOTE_ADDR).
LUOSHI_PROXY_COUNT = env_int("LUOSHI_PROXY_COUNT", 0)

# --- Identity (等保): lockout, passwords, sessions ---
# Sign-in failures (django-axes): LUOSHI_LOCKOUT_FAILURES wrong passwords in a row for one username (known or
# not) lock it for LUOSHI_LOCKOUT_MINUTES; LUOSHI_LOCKOUT_ADDRESS_FAILURES from one address lock the address
# (one machine trying many usernames). The security administrator releases a lock at /account/lockouts/.
LUOSHI_LOCKOUT_FAILURES = env_int("LUOSHI_LOCKOUT_FAILURES", 5)
LUOSHI_LOCKOUT_MINUTES = env_int("LUOSHI_LOCKOUT_MINUTES", 30)
LUOSHI_LOCKOUT_ADDRESS_FAILURES = env_int("LUOSHI_LOCKOUT_ADDRESS_FAILURES", 30)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked username or address before any check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "luoshi.org.lockout.LockoutHandler"  # the per-address limit besides the per-username one
AXES_FAILURE_LIMIT = LUOSHI_LOCKOUT_FAILURES
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=LUOSHI_LOCKOUT_MINUTES)
AXES_RESET_ON_SUCCESS = True
# Attempts while locked neither count nor extend the lock: it ends LUOSHI_LOCKOUT_MINUTES after it began.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "luoshi.org.lockout.username_of"  # as sign-in reads it: case and full width ignored
AXES_CLIENT_IP_CALLABLE = "luoshi.org.lockout.address_of"  # the events' address (LUOSHI_PROXY_COUNT)
AXES_LOCKOUT_CALLABLE = "luoshi.org.lockout.lockout_response"  # the login form's answer, as for a wrong password
AXES_ENABLE_ADMIN = False  # the lockouts are the security administrator's page, not the admin site's
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "password"]
# Passwords: at least 10 characters of three of the four kinds, not like the username, not a common one.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "luoshi.org.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "luoshi.org.passwords.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LUOSHI_PASSWORD_MAX_DAYS = env_int("LUOSHI_PASSWORD_MAX_DAYS", 0)  # a password expires after so many days; 0: never
# A session ends after this many minutes without a request (a remembered device excepted, within its cap),
# and in any case SESSION_COOKIE_AGE after the sign-in.
LUOSHI_IDLE_MINUTES = env_int("LUOSHI_IDLE_MINUTES", 30)

# --- Two factors ---
# People holding any of these roles confirm their sign-in with an authenticator app's code (TOTP) or a
# recovery code; comma-separated role codes, empty turns two factors off (e.g. a training server).
LUOSHI_TWO_FACTOR_ROLES = [
    role.strip()
    for role in os.environ.get("LUOSHI_TWO_FACTOR_ROLES", "admin,security,auditor,office").split(",")
    if role.strip()
]
OTP_TOTP_ISSUER = os.environ.get("LUOSHI_TOTP_ISSUER", "Luoshi")  # the name authenticator apps show

# --- API tokens ---
# A new API token expires after this many days (at most: a person may ask for fewer).
LUOSHI_TOKEN_DAYS = env_int("LUOSHI_TOKEN_DAYS", 180)

# --- Content-Security-Policy ---
# Every script and style is a file Luoshi serves (no inline <script>, on*= handler or style=""; htmx's
# indicator style is in app.css). data: images: Bootstrap's and Swagger UI's stylesheets draw their icons
# (select arrows, check marks, close buttons) as data: SVGs. LUOSHI_CSP_REPORT_ONLY=true sends the same
# policy as Content-Security-Policy-Report-Only instead: violations are reported, nothing is blocked.
LUOSHI_CSP_DIRECTIVES: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
if env_bool("LUOSHI_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": LUOSHI_CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": LUOSHI_CSP_DIRECTIVES}

# --- Uploaded files (kept beside the database; `luoshi backup` archives them) ---
MEDIA_ROOT = Path(os.environ.get("LUOSHI_MEDIA_DIR", VAR_DIR / "media"))

# --- The audit trail ---
# The worker keeps (and logs) the head of the events' SM3 chain this often: `luoshi audit verify` checks them.
LUOSHI_ANCHOR_EVERY_SECONDS = env_int("LUOSHI_ANCHOR_EVERY_SECONDS", 3600)
# The ledger's forecast lights depend on the day: recomputed for the open ledgers this often.
LUOSHI_FORECAST_EVERY_SECONDS = env_int("LUOSHI_FORECAST_EVERY_SECONDS", 6 * 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # refusals (403, 404, 405) are one line each without a traceback; 5xx keep theirs
    "filters": {"one_line_refusals": {"()": "luoshi.web.log.OneLineRefusals"}},
    "loggers": {"django.request": {"filters": ["one_line_refusals"]}},
}
