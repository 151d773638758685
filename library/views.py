from django.conf import settings
from django.views.static import serve

from .serving import headers_for


def media(request, path):
    """A stored file, with the headers nginx or S3 give it in production."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    for header, value in headers_for(path).items():
        response[header] = value
    return response
