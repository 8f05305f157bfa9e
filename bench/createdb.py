"""Create the benchmark database named in DATABASE_URL, if it does not exist yet."""

import os
import sys
from contextlib import closing
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql


def create_database(url: str, *, recreate: bool = False) -> bool:
    """Create the database ``url`` names (its name must contain 'bench') if it is missing;
    with ``recreate``, drop it first. Whether it was created."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"The benchmark database's name must contain 'bench', not {name!r}.")
    server = urlunsplit(parts._replace(path="/postgres"))
    with closing(psycopg2.connect(server)) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            if recreate:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is not None:
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True


def main() -> None:
    name = urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/")
    if create_database(os.environ["DATABASE_URL"]):
        print(f"created database {name}")


if __name__ == "__main__":
    main()
