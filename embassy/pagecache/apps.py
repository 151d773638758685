from django.apps import AppConfig
from django.db import connection
from django.db.models.signals import post_migrate


def retire_after_migrating(**kwargs):
    """A deploy may change templates or models: pages cached before it retire."""
    from .generation import retire_pages
    from .models import Generation

    if Generation._meta.db_table in connection.introspection.table_names():
        retire_pages()


class PageCacheConfig(AppConfig):
    name = "embassy.pagecache"
    label = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        post_migrate.connect(retire_after_migrating, sender=self)
