from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "statements"

    def ready(self):
        from . import signals

        signals.connect()
