"""Files kept with a record (a spending's voucher, an activity's minutes or photo).

One rule for every such file: a PDF, JPEG or PNG, recognised by its first bytes (never by
its name), within a size limit the record's app sets. The files lie under MEDIA_ROOT, which
no URL serves: the API's and the admin's download views find the record through the user's
scope (core.access) and hand the file out with ``attachment_response``.
"""

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _

from core.errors import code

ATTACHMENT_TYPE = code("attachment_type", "An attachment is a PDF, JPEG or PNG file.")
ATTACHMENT_SIZE = code("attachment_size", "An attachment is larger than the size limit.")
#: The first bytes of each file type an attachment may be, and its content type.
ATTACHMENT_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def attachment_content_type(head: bytes) -> str | None:
    """The content type the file's first bytes show, or None when it is none we accept."""
    for signature, content_type in ATTACHMENT_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def check_attachment(file, limit: int) -> None:
    """A PDF, JPEG or PNG (by its content, not its name) of at most ``limit`` bytes."""
    if file.size > limit:
        raise ValidationError(
            _("An attachment may be at most %(limit)d kB.") % {"limit": limit // 1024},
            code=ATTACHMENT_SIZE,
        )
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8)
    file.seek(position)
    if attachment_content_type(head) is None:
        raise ValidationError(
            _("An attachment must be a PDF, JPEG or PNG file."), code=ATTACHMENT_TYPE
        )


def attachment_response(field_file) -> FileResponse:
    """The record's file as a download, its content type read from its first bytes."""
    handle = field_file.open("rb")
    content_type = attachment_content_type(handle.read(8)) or "application/octet-stream"
    handle.seek(0)
    name = field_file.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
