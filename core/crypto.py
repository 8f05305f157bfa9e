"""Personal data encrypted at rest: ID numbers and phone numbers (core.fields.EncryptedCharField).

A value is stored as ``ENC1$<algorithm>$<key id>$<base64 of nonce, ciphertext and tag>``:

- the algorithm is SM4-GCM (GB/T 32907, the commercial cryptography standard) where the
  platform's OpenSSL provides it through ``cryptography``, else AES-256-GCM; recorded per
  value, so a value written by either is read back by both;
- the key comes from ``PERSONAL_DATA_KEYS`` (environment) or ``PERSONAL_DATA_KEY_FILE``
  (a file outside the database), never from the database. Each line holds ``id:base64`` of a
  256-bit key; the first is the current one, the others are still read (``manage.py
  rotate_keys`` re-encrypts their values with the current key). A line ``index:base64``
  holds the key of the blind index;
- the nonce is synthetic (an HMAC of the value under the value key): the same value under
  the same key is stored the same way, so saving a record unchanged changes nothing, and
  equality leaks no more than the blind index already shows;
- the blind index (``<field>_index``) is an HMAC-SHA256 of the value under the index key:
  exact look-ups, uniqueness and the importers' natural keys use it.

Where no key is configured the key file is created on first use (mode 0600) with fresh
keys: that suits a development checkout; production names its own file (README).
"""

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "ENC1$"
SM4, AES = "sm4gcm", "aes256gcm"
INDEX = "index"
NONCE, TAG = 12, 16


class PersonalDataKeyError(ImproperlyConfigured):
    """The personal-data keys are missing or cannot read a stored value."""


@dataclass(frozen=True)
class Keys:
    current: str
    values: dict[str, bytes]  # key id → 256-bit key
    index: bytes


def _derive(key: bytes, purpose: str) -> bytes:
    return hmac.new(key, purpose.encode(), hashlib.sha256).digest()


def _parse(text: str) -> Keys:
    values, index, current = {}, None, None
    lines = text.splitlines()
    entries = [
        e.strip() for line in lines if not line.lstrip().startswith("#") for e in line.split(";")
    ]
    for line in entries:
        if not line:
            continue
        name, _, encoded = line.partition(":")
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except ValueError as error:
            raise PersonalDataKeyError(f"Personal-data key {name!r} is not base64.") from error
        if len(key) != 32:
            raise PersonalDataKeyError(f"Personal-data key {name!r} must be 256 bits.")
        if name == INDEX:
            index = key
        else:
            values[name] = key
            current = current or name
    if current is None or index is None:
        raise PersonalDataKeyError("The personal-data keys need a value key and an 'index' key.")
    return Keys(current, values, index)


def new_key_file_text() -> str:
    stamp = secrets.token_hex(3)
    return (
        "# Personal-data keys (core/crypto.py): id:base64 of 256 bits; the first is current.\n"
        f"k{stamp}:{base64.b64encode(secrets.token_bytes(32)).decode()}\n"
        f"{INDEX}:{base64.b64encode(secrets.token_bytes(32)).decode()}\n"
    )


@cache
def keys() -> Keys:
    """The configured keys (read once per process)."""
    if settings.PERSONAL_DATA_KEYS:
        return _parse(settings.PERSONAL_DATA_KEYS)
    path = Path(settings.PERSONAL_DATA_KEY_FILE)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(new_key_file_text())
    return _parse(path.read_text())


@cache
def algorithm() -> str:
    """SM4-GCM where this OpenSSL provides it, else AES-256-GCM."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    try:
        Cipher(algorithms.SM4(bytes(16)), modes.GCM(bytes(NONCE))).encryptor()
    except Exception:  # any refusal of the platform: use AES
        return AES
    return SM4


@cache
def _aead(name: str, key_id: str):
    """The AEAD cipher of ``name`` under the key ``key_id`` (SM4 takes 128 bits)."""
    from cryptography.hazmat.primitives.ciphers import algorithms
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = keys().values.get(key_id)
    if key is None:
        raise PersonalDataKeyError(
            f"A stored value needs personal-data key {key_id!r}, which is not configured."
        )
    if name == AES:
        return AESGCM(_derive(key, "aes256gcm"))
    if name == SM4:
        return _SM4GCM(algorithms.SM4(_derive(key, "sm4gcm")[:16]))
    raise PersonalDataKeyError(f"Unknown algorithm {name!r} of a stored value.")


class _SM4GCM:
    """SM4 in GCM mode with the AESGCM interface (encrypt/decrypt with nonce and data)."""

    def __init__(self, algorithm):
        self.algorithm = algorithm

    def encrypt(self, nonce: bytes, data: bytes, associated: bytes | None) -> bytes:
        from cryptography.hazmat.primitives.ciphers import Cipher, modes

        encryptor = Cipher(self.algorithm, modes.GCM(nonce)).encryptor()
        if associated:
            encryptor.authenticate_additional_data(associated)
        return encryptor.update(data) + encryptor.finalize() + encryptor.tag

    def decrypt(self, nonce: bytes, data: bytes, associated: bytes | None) -> bytes:
        from cryptography.hazmat.primitives.ciphers import Cipher, modes

        decryptor = Cipher(self.algorithm, modes.GCM(nonce, data[-TAG:])).decryptor()
        if associated:
            decryptor.authenticate_additional_data(associated)
        return decryptor.update(data[:-TAG]) + decryptor.finalize()


def is_encrypted(stored: str | None) -> bool:
    return bool(stored) and stored.startswith(PREFIX)


def encrypt(value: str, *, key_id: str | None = None) -> str:
    """The stored form of ``value`` (empty stays empty)."""
    if not value:
        return value
    key_id = key_id or keys().current
    name = algorithm()
    header = f"{PREFIX}{name}${key_id}$"
    data = value.encode()
    nonce = hmac.new(_derive(keys().values[key_id], "nonce"), data, hashlib.sha256).digest()[:NONCE]
    sealed = _aead(name, key_id).encrypt(nonce, data, header.encode())
    return header + base64.b64encode(nonce + sealed).decode()


def decrypt(stored: str) -> str:
    """The value of a stored form; a value stored before encryption is returned as it is."""
    if not is_encrypted(stored):
        return stored
    try:
        _, name, key_id, encoded = stored.split("$", 3)
        raw = base64.b64decode(encoded)
    except ValueError as error:
        raise PersonalDataKeyError("A stored personal-data value is damaged.") from error
    header = f"{PREFIX}{name}${key_id}$"
    from cryptography.exceptions import InvalidTag

    try:
        return _aead(name, key_id).decrypt(raw[:NONCE], raw[NONCE:], header.encode()).decode()
    except InvalidTag as error:
        raise PersonalDataKeyError(
            f"A stored personal-data value does not open with key {key_id!r}: wrong key file?"
        ) from error


def key_id_of(stored: str) -> str | None:
    return stored.split("$", 3)[2] if is_encrypted(stored) else None


def blind_index(value: str) -> str:
    """The HMAC look-up key of ``value`` (empty for an empty value)."""
    if not value:
        return ""
    return hmac.new(keys().index, value.encode(), hashlib.sha256).hexdigest()[:40]
