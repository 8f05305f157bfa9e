"""The upload form: shape only (size and file type); the engine checks the content."""

from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

ACCEPTED = (".xlsx", ".csv")
#: Room for the multipart envelope around the file itself.
MULTIPART_MARGIN = 64 * 1024


def size_limit_message() -> str:
    return _("The file is larger than %(limit)s: split it into smaller files.") % {
        "limit": filesizeformat(settings.IMPORTS_MAX_UPLOAD_BYTES)
    }


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORTS_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(size_limit_message(), code="too_large")
        if not upload.name.lower().endswith(ACCEPTED):
            raise forms.ValidationError(
                _("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."), code="file_type"
            )
        return upload


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading an upload past the size limit, before it is spooled to disk.

    Installed by the upload view before anything reads ``request.POST``; the view then
    answers with ``size_limit_message()`` when ``request.import_too_large`` is set.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Announced too large: refused at the first chunk, which the parser handles.
        too_large = content_length > settings.IMPORTS_MAX_UPLOAD_BYTES + MULTIPART_MARGIN
        self.received = settings.IMPORTS_MAX_UPLOAD_BYTES if too_large else 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.IMPORTS_MAX_UPLOAD_BYTES:
            self._stop()
        return raw_data

    def file_complete(self, file_size):
        return None

    def _stop(self):
        self.request.import_too_large = True
        # The rest of the body is read and dropped, so the browser gets the answer.
        raise StopUpload(connection_reset=False)
