"""Errors reach standard error, one JSON line each, with their request."""

import io
import json
import logging

import pytest
from django.urls import path

from embassy import urls as site_urls

pytestmark = pytest.mark.django_db


def broken(request):
    raise RuntimeError("the press office's printer is on fire")


urlpatterns = [path("broken/", broken), *site_urls.urlpatterns]


@pytest.fixture
def stderr_log():
    """What the configured standard-error handler writes, during the test."""
    handler = next(
        h for h in logging.getLogger("django").handlers if h.name == "stderr"
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def entries(log):
    return [json.loads(line) for line in log.getvalue().splitlines()]


@pytest.mark.urls(__name__)
def test_a_500_is_logged_with_its_traceback_request_id_path_and_status(
    client, stderr_log
):
    client.raise_request_exception = False

    response = client.get("/broken/", HTTP_X_REQUEST_ID="5f1c0a9e2b7d4e61")

    assert response.status_code == 500
    [error] = [entry for entry in entries(stderr_log) if entry["status"] == 500]
    assert error["level"] == "ERROR"
    assert error["request_id"] == "5f1c0a9e2b7d4e61"
    assert error["path"] == "/broken/"
    assert "RuntimeError: the press office's printer is on fire" in error["traceback"]


@pytest.mark.urls(__name__)
def test_a_request_cannot_write_lines_of_its_own_into_the_log(client, stderr_log):
    client.get("/broken/%0A{%22level%22:%22ERROR%22}", HTTP_X_REQUEST_ID="a\nb")

    [warning] = entries(stderr_log)
    assert warning["status"] == 404
    assert warning["path"] == "/broken/%0A%7B%22level%22:%22ERROR%22%7D"
    assert warning["request_id"] != "a\nb"
