"""Machine-readable codes of refusals, listed once: the API's schema and docs/API.md list them.

A rule says why it refuses with a code of its own (``donation_already_reversed``) beside its
message in the reader's language. Rules that return messages (``funds.rules``) return
``Coded`` messages: text wherever text is expected, with the code attached; a Django
``ValidationError`` carries its ``code``. The API answers both under ``codes`` beside the
messages under ``errors`` (core.api.base).
"""

from django.core.exceptions import ValidationError

#: Every code a field of a 400 answer can carry, with what it means (English, for the docs).
FIELD_CODES: dict[str, str] = {
    # Shapes checked before any rule (the API's field parsing and Django's field checks).
    "invalid": "The value is malformed, or a rule without a code of its own is broken.",
    "required": "The field is required.",
    "null": "The field may not be null.",
    "blank": "The field may not be blank.",
    "max_length": "The text is too long.",
    "min_length": "The text is too short.",
    "max_value": "The number is too large.",
    "min_value": "The number is too small.",
    "max_digits": "The number has too many digits.",
    "max_decimal_places": "The number has too many decimal places.",
    "max_whole_digits": "The number has too many digits before the decimal point.",
    "invalid_choice": "The value is not one of the listed choices.",
    "does_not_exist": "No record with this id exists in your region.",
    "incorrect_type": "The value has the wrong type (e.g. text for an id).",
    "not_a_list": "A list is expected.",
    "empty": "The list may not be empty.",
    "date": "A date is expected, not a date and time.",
    "datetime": "A date and time is expected.",
    "unique": "Another record already has this value.",
    "unique_together": "Another record already has this combination of values.",
    "authorization": "The username and password do not match an active account.",
    "max_string_length": "The number is too long to read.",
    "null_characters_not_allowed": "The text holds a NUL character.",
    "surrogate_characters_not_allowed": "The text holds a lone surrogate character.",
    "unknown_parameter": "The query parameter is not one this list knows.",
    "page_size_out_of_range": "page_size is not a whole number from 1 to 1000.",
    "hidden_characters": "The text holds invisible or control characters.",
    "out_of_scope": "The record lies outside your region.",
    "protected": "Other records still refer to this one.",
}

#: The ``code`` of an error answer as a whole (the HTTP status says the class).
RESPONSE_CODES: dict[str, str] = {
    "invalid": "400: the request breaks the rules given per field under `errors`/`codes`.",
    "parse_error": "400: the body is not valid JSON.",
    "not_authenticated": "401: no credentials were sent.",
    "authentication_failed": "401: the credentials are wrong, or the token does not exist.",
    "token_expired": "401: the token is past its expires_at: get a new one.",
    "token_revoked": "401: the token was revoked (by its holder, an administrator, or a new password, role or region).",
    "permission_denied": "403: your role may not do this, or the record is above your region.",
    "token_read_only": "403: the token is read-only: it may only GET, HEAD and OPTIONS.",
    "otp_required": "403: this session has not passed the second factor: sign in in the browser.",
    "not_found": "404: no such record in your region, or no such address.",
    "method_not_allowed": "405: the method is not allowed on this address.",
    "not_acceptable": "406: none of the media types in Accept can be served.",
    "unsupported_media_type": "415: request bodies are application/json.",
    "idempotency_key_reused": "422: the Idempotency-Key was used with a different request.",
    "throttled": "429: too many requests: wait for Retry-After seconds.",
    "locked_out": "429: too many failed logins from this address: wait, or ask an admin.",
    "database_unavailable": "503: the database does not answer: retry after Retry-After.",
}


class IdempotencyKeyReused(Exception):
    """An idempotency key sent again with a different request (the API answers 422)."""


class Coded(str):
    """A message with the code of the rule that gave it; it is the message wherever text is."""

    code: str

    def __new__(cls, message: str, code: str):
        instance = super().__new__(cls, message)
        instance.code = code
        return instance


def code(name: str, meaning: str) -> str:
    """Register a rule's code (once, where the rule is written) and return it."""
    if FIELD_CODES.get(name, meaning) != meaning:
        raise ValueError(f"error code {name!r} registered twice with different meanings")
    FIELD_CODES[name] = meaning
    return name


def coded(name: str, message: str) -> Coded:
    return Coded(message, name)


def field_error(field: str, message: str, rule: str) -> ValidationError:
    """A refusal of one field's value by the rule ``rule`` (a registered code)."""
    return ValidationError({field: ValidationError(message, code=rule)})


def code_of(error: ValidationError) -> str:
    """The code of one Django ValidationError (of its ``error_list``): its own, or its
    message's, or ``invalid``."""
    return error.code or getattr(error.message, "code", None) or "invalid"


def coded_messages(errors: list[ValidationError]) -> list[Coded]:
    """The messages of a list of Django ValidationErrors (an ``error_list``, or a field's
    list of an ``error_dict``), each with its code: for rules that return messages and for
    the API's error answers."""
    return [
        coded(code_of(item), (item.message % item.params) if item.params else item.message)
        for item in errors
    ]
