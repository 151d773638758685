import datetime
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from counters.models import Clock, ContactLine, TrackedIncident
from statements.importing import Importer
from statements.models import Speaker, Statement, Topic

DEMO_STATEMENTS = Path(__file__).resolve().parents[2] / "demo" / "statements.jsonl"
SPEAKERS = [
    ("Sergey Lavrov", "Foreign Minister of Russia", "MR LAVROV"),
    ("Vladimir Makei", "Foreign Minister of Belarus", ""),
    ("Maria Zakharova", "Foreign Ministry Spokeswoman", ""),
]
SUFFIX = "no credible information or response from the British authorities"


class Command(BaseCommand):
    help = (
        "Load the demo content (the embassy page of 4 December 2021) once: a "
        "second run changes nothing. Prints the admin password when it creates "
        "the admin user."
    )

    def handle(self, *args, **options):
        if Statement.objects.exists():
            self.stdout.write("Content exists already; demo content not loaded.")
            return
        with transaction.atomic():
            self._load()
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        self._create_admin()

    def _load(self):
        for name, position, aliases in SPEAKERS:
            Speaker.objects.create(name=name, position=position, aliases=aliases)
        with DEMO_STATEMENTS.open("rb") as stream:
            Importer().run(stream)
        salisbury, _ = Topic.objects.get_or_create(name="Salisbury")
        TrackedIncident.objects.create(
            title="Salisbury incident",
            happened_on=datetime.date(2018, 3, 4),
            sentence=f"days have passed since the Salisbury incident - {SUFFIX}",
            topic=salisbury,
            order=1,
        )
        TrackedIncident.objects.create(
            title="Death of Nikolay Glushkov",
            happened_on=datetime.date(2018, 3, 12),
            sentence=(
                "days have passed since the death of Nikolay Glushkov on British "
                f"soil - {SUFFIX}"
            ),
            order=2,
        )
        Clock.objects.create(label="Moscow", zone="Europe/Moscow", order=1)
        Clock.objects.create(label="London", zone="Europe/London", order=2)
        ContactLine.objects.create(
            label="Consular queries", value="+44 (0) 203 668 7474", order=1
        )

    def _create_admin(self):
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", "admin@example.org", password)
        self.stdout.write(
            f"Admin user created: admin / {password}  "
            "(shown once: note it now, or change it in the admin)"
        )
