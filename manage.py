#!/usr/bin/env python
import os
import sys


def development_defaults():
    """Run from the checkout with no secret key and an SQLite database, commands
    get `make run`'s development settings, so the README's commands work after
    `make run` with nothing set. Production sets a secret key (and PostgreSQL);
    the site itself, served by WSGI, still refuses to start without one."""
    database = os.environ.get("DATABASE_URL", "sqlite:")
    if not os.environ.get("DJANGO_SECRET_KEY") and database.startswith("sqlite:"):
        os.environ.setdefault("DJANGO_DEBUG", "1")


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "embassy.settings")
    development_defaults()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
