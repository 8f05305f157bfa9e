"""Signed-in sessions and second-factor codes for the harnesses, as users have them."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.backends import AccountBackend


def authenticator(user) -> TOTPDevice:
    """The user's confirmed authenticator, or one made for the harness (one or two queries)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
    return device


def current_code(user) -> str:
    """The code the user's authenticator shows now (for the API's token endpoint)."""
    device = authenticator(user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def verified_session(user) -> str:
    """A new session of ``user`` that passed both factors (with the user's authenticator, or
    one made for the harness): its key. The pages measured then run the two-factor check
    as they do for a real user."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = f"{AccountBackend.__module__}.{AccountBackend.__qualname__}"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    store.create()
    return store.session_key
