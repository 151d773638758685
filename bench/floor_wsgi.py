"""The floor: a bare Django view returning fixed bytes from memory.

Served by gunicorn exactly as the site is (``bench/run.sh`` does this), it
shows what the server and Django themselves cost on this machine, so the
site's figures can be read against it.
"""

from pathlib import Path

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

BODY = Path(__file__).with_name("floor-body.html").read_bytes()


def page(request):
    return HttpResponse(BODY)


settings.configure(
    DEBUG=False,
    SECRET_KEY="floor-only",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
)
urlpatterns = [path("", page)]
application = get_wsgi_application()
