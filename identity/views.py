from django.http import HttpResponseServerError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from counters.models import ContactLine
from embassy.middleware import offline_context

from .context_processors import identity_of


class AboutView(TemplateView):
    """Who the embassy is and how to reach it."""

    template_name = "identity/about.html"

    def get_context_data(self, **kwargs):
        request = self.request
        return super().get_context_data(
            page_title=_("About and contacts"),
            page_description=identity_of(request).description,
            canonical_url=request.build_absolute_uri(request.path),
            og_type="website",
            contact_lines=ContactLine.objects.all(),
            **kwargs,
        )


def server_error(request):
    """The 500 page, named after the site, drawn without the database."""
    return HttpResponseServerError(render_to_string("500.html", offline_context()))
