"""Error pages, rendered with no database: these tests are not allowed to use it."""

from django.test import RequestFactory
from django.views.defaults import server_error


def test_500_page_is_in_the_site_design_and_needs_no_database():
    response = server_error(RequestFactory().get("/statements/"))

    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert '<main id="main"' in page
    assert "Traceback" not in page
