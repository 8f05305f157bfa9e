from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kernel: access, scoped querysets, request context and the base classes."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from core import todo

        todo.autodiscover()
