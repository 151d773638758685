from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = _("Site identity")

    def ready(self):
        from embassy.middleware import register_offline_context
        from embassy.pagecache.generation import retire_on_change

        from .context_processors import identity_without_database
        from .models import SiteIdentity

        retire_on_change(SiteIdentity)
        register_offline_context(lambda: {"site": identity_without_database()})
