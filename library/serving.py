"""How stored files are served, wherever they are served from.

Django's own media view (where nothing serves MEDIA_ROOT in front), the S3
objects' metadata and bench/nginx-cluster.conf all give these headers.
Stored names are never reused, so browsers and CDNs may keep a file forever.
Documents are downloaded, never shown inline on the site's own origin: a
PDF's scripts then never run with the site's cookies.
"""

import mimetypes
import posixpath

from django.utils.http import content_disposition_header

FOREVER = "public, max-age=31536000, immutable"


def headers_for(name):
    content_type, _ = mimetypes.guess_type(name)
    headers = {
        "Content-Type": content_type or "application/octet-stream",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": FOREVER,
    }
    if name.startswith("documents/"):
        headers["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=posixpath.basename(name)
        )
    return headers
