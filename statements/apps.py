from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "statements"

    def ready(self):
        from . import (
            history,  # noqa: F401  (connects the history snapshot)
            signals,
        )

        signals.connect()
