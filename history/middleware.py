"""Every write made while answering a request carries who, from where and how."""

from core.context import Source, write_context

#: Path prefixes and the source their writes are recorded with; anything else is "web".
SOURCES = (("/admin/", Source.ADMIN), ("/api/", Source.API))


def source_of(path: str) -> str:
    """``admin`` for /admin/, ``api`` for /api/, ``web`` for the pages."""
    return next((source for prefix, source in SOURCES if path.startswith(prefix)), Source.WEB)


class HistoryMiddleware:
    """Wraps each request in ``write_context``; place it after the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with write_context(source=source_of(request.path_info), request=request):
            return self.get_response(request)
