from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = "Photos and documents"

    def ready(self):
        from . import signals

        signals.connect()
