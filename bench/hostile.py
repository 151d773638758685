"""Hostile input over every public URL and parameter: no 5xx, no invalid XML.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test12 \
        .venv/bin/python bench/hostile.py [--requests 10000] [--seed 1]

Creates a test database (``test_<name>_hostile`` on PostgreSQL, memory on
SQLite), fills it with the demo content plus statements in other scripts and
with characters XML forbids, then sends generated requests through Django's
test client with debug off and the page cache on: random paths, parameters,
values from every Unicode code point, broken percent-escapes and headers. Every
feed and sitemap answered 200 is parsed with expat, and every JSON-LD block with
json. Prints the figures; exits 1 on any 5xx or invalid document.
"""

import argparse
import datetime
import io
import json
import logging
import os
import random
import re
import sys
import time
import warnings
from collections import Counter
from pathlib import Path
from urllib.parse import quote
from xml.parsers import expat

ROOT = Path(__file__).resolve().parents[1]

PARAMETERS = ["q", "page", "speaker", "kind", "tag", "date_from", "date_to", "p"]
HOSTILE = [
    "'; DROP TABLE statements_statement; --",
    "' OR '1'='1",
    "1 UNION SELECT password FROM auth_user",
    "${7*7}",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "<script>alert(1)</script>",
    "\x00",
    "\ufffe",
    "\uffff",
    "\ud800",
    "\x0b",
    "0000-00-00",
    "9999-12-31",
    "99999-01-01",
    "0001-01-01",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e10",
    "last",
    "NaN",
    "../../etc/passwd",
    "\u202e\ufeff",
    '"phrase',
    "-",
    "OR OR OR",
    "a" * 5000,
]
RAW_ESCAPES = [
    "%ff",
    "%fe%ff",
    "%c3%28",
    "%e2%82",
    "%00",
    "%",
    "%zz",
    "a%00b",
    "%ef%bf%be",
]
JSON_LD = re.compile(rb'<script type="application/ld\+json">(.*?)</script>', re.S)
XML_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml")


def random_text(rng, max_length=30):
    """Characters from anywhere in Unicode, surrogates and non-characters too."""
    return "".join(
        chr(rng.choice([rng.randrange(0x110000), rng.randrange(0x80), 0xFFFE]))
        for _ in range(rng.randrange(max_length))
    )


def encoded(text):
    return quote(text, safe="", errors="surrogatepass")


def random_value(rng, known):
    kind = rng.randrange(7)
    if kind == 0:
        return encoded(rng.choice(HOSTILE))
    if kind == 1:
        return encoded(random_text(rng))
    if kind == 2:
        return rng.choice(RAW_ESCAPES)
    if kind == 3:
        return str(rng.choice([rng.randrange(-5, 50), rng.getrandbits(80)]))
    if kind == 4:
        day = datetime.date(2021, 1, 1) + datetime.timedelta(rng.randrange(-400, 800))
        return day.isoformat()
    return encoded(rng.choice(known))


def random_request(rng, content):
    """(method, path with query, headers) for one generated request."""
    known = (
        content["slugs"] + content["speakers"] + content["topics"] + content["kinds"]
    )
    path = rng.choice(
        [
            "/",
            "/statements/",
            "/statements/rss/",
            "/statements/atom/",
            "/sitemap.xml",
            "/sitemap-statements.xml",
            "/sitemap-speakers.xml",
            "/sitemap-pages.xml",
            f"/sitemap-{rng.choice([*RAW_ESCAPES, 'x'])}.xml",
            "/robots.txt",
            "/healthz",
            f"/statements/{rng.choice(content['slugs'])}/",
            f"/speakers/{rng.choice(content['speakers'])}/",
            f"/statements/{random_value(rng, known)}/",
            f"/speakers/{random_value(rng, known)}/",
        ]
    )
    pairs = [
        (
            rng.choice([*PARAMETERS, "x", encoded(random_text(rng, 5))]),
            random_value(rng, known),
        )
        for _ in range(rng.randrange(6))
    ]
    query = "&".join(f"{key}={value}" for key, value in pairs)
    headers = {}
    if rng.random() < 0.3:
        headers["HTTP_ACCEPT_LANGUAGE"] = rng.choice(
            [
                "*",
                "en-GB;q=2",
                "x" * 3000,
                ";;,,",
                random_text(rng).encode("utf-8", "surrogatepass").decode("latin-1"),
            ]
        )
    if rng.random() < 0.2:
        headers["HTTP_IF_MODIFIED_SINCE"] = rng.choice(
            ["yesterday", "Sat, 99 Foo 9999"]
        )
    if rng.random() < 0.2:
        headers["HTTP_IF_NONE_MATCH"] = rng.choice(
            ['"x"', "*", "W/", random_text(rng, 5)]
        )
    if rng.random() < 0.1:
        headers["HTTP_COOKIE"] = rng.choice(["sessionid=" + "x" * 40, "csrftoken=\x00"])
    method = rng.choices(["GET", "HEAD", "POST"], weights=[90, 5, 5])[0]
    return method, f"{path}?{query}" if query else path, headers


def is_xml_document(method, response):
    content_type = response.get("Content-Type", "").split(";")[0]
    return method == "GET" and response.status_code == 200 and content_type in XML_TYPES


def problems_in(method, response):
    """What makes this answer unacceptable: a 5xx, or a document that is invalid."""
    if response.status_code >= 500:
        return [f"status {response.status_code}"]
    found = []
    if is_xml_document(method, response):
        try:
            expat.ParserCreate().Parse(response.content, True)
        except expat.ExpatError as error:
            found.append(f"invalid XML: {error}")
    for block in JSON_LD.findall(response.content):
        try:
            json.loads(block)
        except ValueError as error:
            found.append(f"invalid JSON-LD: {error}")
    return found


def send(client, method, url, headers):
    call = {"GET": client.get, "HEAD": client.head, "POST": client.post}[method]
    return call(url, **headers)


def run(client, content, count, seed, report=print):
    """Send ``count`` generated requests; return (statuses, documents, failures)."""
    rng = random.Random(seed)
    statuses, failures = Counter(), []
    documents = 0
    for _ in range(count):
        method, url, headers = random_request(rng, content)
        response = send(client, method, url, headers)
        statuses[response.status_code] += 1
        documents += is_xml_document(method, response)
        failures += [
            (method, url, problem) for problem in problems_in(method, response)
        ]
    return statuses, documents, failures


def fill():
    """The demo content, and statements no import would refuse but output must bear."""
    from django.core.management import call_command
    from django.utils import timezone

    from statements.models import Speaker, Statement, Topic

    call_command("load_demo", stdout=io.StringIO())
    now = timezone.now()
    for number, title in enumerate(
        [
            "Заявление МИД России о саммите за демократию",
            "外交部发言人答记者问",
            "Vertical\x0btab and \ufffe non-character in a title",
        ]
    ):
        statement = Statement.objects.create(
            title=title,
            body=f"Текст {number}.\x0c\n\nSecond paragraph \uffff.",
            status=Statement.Status.PUBLISHED,
            published_at=now - datetime.timedelta(days=number + 1),
        )
        statement.topics.add(Topic.objects.get_or_create(name="Права человека")[0])
    return {
        "slugs": list(Statement.objects.values_list("slug", flat=True)),
        "speakers": list(Speaker.objects.values_list("slug", flat=True)),
        "topics": list(Topic.objects.values_list("slug", flat=True)),
        "kinds": list(Statement.Kind.values),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "embassy.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "hostile-run-only-not-secret")
    os.environ["DJANGO_DEBUG"] = "0"
    import django
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    # Without collectstatic, as the tests run; 4xx answers are expected here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    logging.getLogger("django.request").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", "No directory at")
    database = settings.DATABASES["default"]
    original_name = database["NAME"]
    if connection.vendor == "postgresql":
        database.setdefault("TEST", {})["NAME"] = f"test_{original_name}_hostile"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        content = fill()
        client = Client(raise_request_exception=False)
        started = time.perf_counter()
        statuses, documents, failures = run(
            client, content, options.requests, options.seed
        )
        elapsed = time.perf_counter() - started
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    invalid = sum("invalid" in problem for _, _, problem in failures)
    print(
        f"{connection.vendor}: {options.requests} requests (seed {options.seed}) "
        f"in {elapsed:.0f} s; statuses "
        + ", ".join(f"{status} x {n}" for status, n in sorted(statuses.items()))
    )
    print(
        f"5xx: {server_errors}; XML documents parsed: {documents}; "
        f"invalid documents: {invalid}"
    )
    for method, url, problem in failures[:20]:
        print(f"  {problem}: {method} {url[:200]}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
