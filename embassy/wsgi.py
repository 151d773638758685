import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "embassy.settings")

django_application = get_wsgi_application()

from django.conf import settings  # noqa: E402 (needs Django set up)
from django.db.backends.signals import connection_created  # noqa: E402

from embassy.pagecache.pages import CachedPageFront  # noqa: E402


def limit_statement_time(connection, **kwargs):
    """No query of a web request holds a worker for long (imports may)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, false)",
                [str(settings.WEB_STATEMENT_TIMEOUT_MS)],
            )


connection_created.connect(limit_statement_time)

application = CachedPageFront(django_application)

# What is loaded by now lives as long as the process: spare it the garbage
# collector's full passes, which took 20 to 40 ms a time and made the slowest
# requests slower.
gc.freeze()
# A request makes tens of thousands of objects, nearly all freed as it ends:
# collecting after every 700 new ones (Python's default) ran twice a list
# page, 0.97 ms of its CPU; after every 50,000, once in 60 pages, 0.32 ms a
# page on average.
gc.set_threshold(50_000, *gc.get_threshold()[1:])
