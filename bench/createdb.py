"""Create the benchmark database named in DATABASE_URL, if it does not exist yet."""

import os
import sys
from contextlib import closing
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql


def main() -> None:
    url = os.environ["DATABASE_URL"]
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"The benchmark database's name must contain 'bench', not {name!r}.")
    server = urlunsplit(parts._replace(path="/postgres"))
    with closing(psycopg2.connect(server)) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"created database {name}")


if __name__ == "__main__":
    main()
