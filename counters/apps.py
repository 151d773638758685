from django.apps import AppConfig


class CountersConfig(AppConfig):
    name = "counters"
    verbose_name = "Header: counters, clocks and contact lines"

    def ready(self):
        from embassy.pagecache.generation import retire_on_change
        from embassy.pagecache.pages import register_fill_in

        from .context_processors import header_html
        from .models import Clock, ContactLine, TrackedIncident

        retire_on_change(TrackedIncident, Clock, ContactLine)
        # The header is put afresh into every cached page: its date, clocks
        # and day counters must never be as old as the page.
        register_fill_in(header_html)
