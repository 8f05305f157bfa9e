"""Two-factor login (django-otp): a TOTP code from an authenticator app after the password.

Who needs it is decided by ``core.access.requires_second_factor`` (superusers and the roles
of ``OTP_REQUIRED_ROLES``). After the password, such a user's session is signed in but not
verified: ``SecondFactorMiddleware`` sends every page and admin request to the code page
(or, the first time, to the enrolment page with its QR code), and answers API calls made
with that session 403 ``otp_required``. The token endpoint asks for the code in its ``otp``
field (``portal.api.serializers.TokenRequestSerializer``). Enrolment gives ten one-time
recovery codes, shown once. A wrong code counts as a failed login for the lockout
(django-axes), and the password alone no longer clears earlier failures: only the code does.
"""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.access import requires_second_factor
from portal.lockout import lockout_response

OTP_REQUIRED = _(
    "This account signs in with a one-time code too: open the portal in the browser and "
    "enter the code from your authenticator app."
)
CODE_INVALID = _("This code is not valid (or was used already). Enter the current one.")
#: Addresses an unverified session still opens: the code and enrolment pages, logging out,
#: the language switch and the token endpoint (which asks for the code itself).
OPEN_UNVERIFIED = (
    "portal:two_factor",
    "portal:two_factor_enrol",
    "portal:logout",
    "set_language",
    "api:token",
)
#: Paths that never need a signed-in user.
OPEN_PREFIXES = ("/static/", "/healthz")


def is_verified(user) -> bool:
    """Whether this request's session passed the second factor (django-otp's middleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def needs_verification(user) -> bool:
    """A signed-in user who needs the second factor and whose session has not passed it."""
    return requires_second_factor(user) and not is_verified(user)


class SecondFactorMiddleware:
    """Pages and the admin of an unverified session: the code page (or the enrolment page
    when the account has no device yet) first; the API with that session: 403 JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            needs_verification(user)
            and not request.path.startswith(OPEN_PREFIXES)
            and request.path not in {reverse(name) for name in OPEN_UNVERIFIED}
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": str(OTP_REQUIRED), "code": "otp_required"}, status=403
                )
            page = "portal:two_factor" if user_has_device(user) else "portal:two_factor_enrol"
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse(page)}?{query}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("One-time code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


def verify_code(user, code: str):
    """The device that accepts ``code``: six digits are asked of the authenticator app, any
    other code of the recovery codes (which each work once). None when none does."""
    code = "".join(code.split()).lower()
    if not code:
        return None
    model = TOTPDevice if code.isdigit() else StaticDevice
    with transaction.atomic():
        devices = model.objects.devices_for_user(user, confirmed=True).select_for_update()
        for device in devices:
            if device.verify_token(code):
                return device
    return None


def code_failed(request, user) -> None:
    """Count a wrong code as a failed login of the account (the lockout's counter)."""
    credentials = {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)


def code_passed(request, device) -> None:
    """Mark the session verified and, now that both factors passed, clear the failures."""
    otp_login(request, device)
    AxesProxyHandler.user_logged_in(sender=__name__, request=request, user=request.user)


def locked_out(request, user) -> bool:
    credentials = {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
    return not AxesProxyHandler.is_allowed(request, credentials)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else settings.LOGIN_REDIRECT_URL


def _refuse(request, user, form):
    """A wrong code: counted; past the limit the session ends and the lockout is shown."""
    code_failed(request, user)
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return lockout_response(request)
    form.add_error("code", CODE_INVALID)
    return None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The code page: a code of the authenticator app, or one of the recovery codes."""
    user = request.user
    if not needs_verification(user):
        return redirect(_next(request))
    if not user_has_device(user):
        return redirect(
            f"{reverse('portal:two_factor_enrol')}?{urlencode({'next': _next(request)})}"
        )
    if locked_out(request, user):
        logout(request)
        return lockout_response(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        device = verify_code(user, form.cleaned_data["code"])
        if device is not None:
            code_passed(request, device)
            return redirect(_next(request))
        refused = _refuse(request, user, form)
        if refused is not None:
            return refused
    return render(request, "registration/two_factor.html", {"form": form, "next": _next(request)})


def enrolling_device(user) -> TOTPDevice:
    """The account's device being enrolled (not yet confirmed by a code); a new one at first."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def recovery_codes(user) -> list[str]:
    """Replace the account's recovery codes by OTP_RECOVERY_CODES new ones (returned once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def secret_of(device: TOTPDevice) -> str:
    """The device's key as authenticator apps type it in (base32, in groups of four)."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as a QR code: an SVG drawn here, as a data: address."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """First login of an account that needs the second factor: scan (or type) the key into
    an authenticator app, confirm with a code; the recovery codes are shown once."""
    user = request.user
    if not requires_second_factor(user) or user_has_device(user):
        return redirect(_next(request))
    if locked_out(request, user):
        logout(request)
        return lockout_response(request)
    device = enrolling_device(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        with transaction.atomic():
            accepted = device.verify_token(form.cleaned_data["code"])
            if accepted:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = recovery_codes(user)
        if accepted:
            code_passed(request, device)
            context = {"codes": codes, "next": _next(request)}
            return render(request, "registration/two_factor_codes.html", context)
        refused = _refuse(request, user, form)
        if refused is not None:
            return refused
    context = {
        "form": form,
        "next": _next(request),
        "qr": qr_data_uri(device),
        "secret": secret_of(device),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "registration/two_factor_enrol.html", context)


def reset_devices(user) -> int:
    """Remove the account's authenticator and recovery codes: it enrols again at its next
    login, and its sessions verified with them are verified no more. How many were removed."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    return removed + StaticDevice.objects.filter(user=user).delete()[0]
