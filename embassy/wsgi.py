import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "embassy.settings")

django_application = get_wsgi_application()

from statements.caching import CachedPageFront  # noqa: E402 (needs Django set up)

application = CachedPageFront(django_application)

# What is loaded by now lives as long as the process: spare it the garbage
# collector's full passes, which took 20 to 40 ms a time and made the slowest
# requests slower.
gc.freeze()
