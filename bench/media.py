"""Give the benchmark archive pictures, as the live site has them.

    DATABASE_URL=postgres://...@127.0.0.1:5432/bench .venv/bin/python bench/media.py

The first list page's 20 statements get a lead image each (five photographs
shared among them, as a press office reuses its pictures), and the newest
transcript a gallery of three photographs and two PDFs, plus the emblem:
what bench/run.sh measures as "the statement page with a lead image" and "the
list with thumbnails". Prints the transcript's slug. Run again, it adds
nothing.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "embassy.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")

import django

django.setup()

from django.db import transaction  # noqa: E402

from embassy.pagecache.generation import retire_pages  # noqa: E402
from library import services  # noqa: E402
from library.models import Image, StatementImage  # noqa: E402
from statements.models import Statement  # noqa: E402
from tests.library.conftest import illustrate, jpeg  # noqa: E402

LIST_PAGE = 20
PHOTOS = 5

transcript = (
    Statement.objects.published().filter(kind=Statement.Kind.TRANSCRIPT).first()
)
if not transcript.image_links.exists():
    with transaction.atomic():
        illustrate(transcript)
        photos = [
            services.store_image(Image(alt=f"Archive photograph {n}"), jpeg(seed=n))
            for n in range(10, 10 + PHOTOS)
        ]
        StatementImage.objects.bulk_create(
            StatementImage(statement=statement, image=photos[n % PHOTOS])
            for n, statement in enumerate(
                Statement.objects.published().exclude(pk=transcript.pk)[:LIST_PAGE]
            )
        )
        retire_pages()
print(transcript.slug)
