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
    (
        ("Sergey Lavrov", "Сергей Лавров"),
        ("Foreign Minister of Russia", "Министр иностранных дел России"),
        "MR LAVROV",
    ),
    (
        ("Vladimir Makei", "Владимир Макей"),
        ("Foreign Minister of Belarus", "Министр иностранных дел Белоруссии"),
        "",
    ),
    (
        ("Maria Zakharova", "Мария Захарова"),
        ("Foreign Ministry Spokeswoman", "Официальный представитель МИД России"),
        "",
    ),
]
TOPICS = [
    ("Belarus", "Белоруссия"),
    ("Human rights", "Права человека"),
    ("Migration", "Миграция"),
    ("Salisbury", "Солсбери"),
]
SUFFIX = "no credible information or response from the British authorities"
SUFFIX_RU = "никакой достоверной информации и ответов от британских властей"
# The words that agree with the number, in braces (counters/plurals.py).
DAYS_PASSED = "{day has passed|days have passed}"
DAYS_PASSED_RU = "{день прошёл|дня прошло|дней прошло}"


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
        for (name, name_ru), (position, position_ru), aliases in SPEAKERS:
            Speaker.objects.create(
                name_en=name,
                name_ru=name_ru,
                position_en=position,
                position_ru=position_ru,
                aliases=aliases,
            )
        for name, name_ru in TOPICS:
            Topic.objects.create(name_en=name, name_ru=name_ru)
        with DEMO_STATEMENTS.open("rb") as stream:
            Importer().run(stream)
        TrackedIncident.objects.create(
            title="Salisbury incident",
            happened_on=datetime.date(2018, 3, 4),
            sentence_en=f"{DAYS_PASSED} since the Salisbury incident - {SUFFIX}",
            sentence_ru=(
                f"{DAYS_PASSED_RU} с момента инцидента в Солсбери – {SUFFIX_RU}"
            ),
            topic=Topic.objects.get(slug="salisbury"),
            order=1,
        )
        TrackedIncident.objects.create(
            title="Death of Nikolay Glushkov",
            happened_on=datetime.date(2018, 3, 12),
            sentence_en=(
                f"{DAYS_PASSED} since the death of Nikolay Glushkov on British "
                f"soil - {SUFFIX}"
            ),
            sentence_ru=(
                f"{DAYS_PASSED_RU} со дня гибели Николая Глушкова на британской "
                f"земле – {SUFFIX_RU}"
            ),
            order=2,
        )
        Clock.objects.create(
            label_en="Moscow", label_ru="Москва", zone="Europe/Moscow", order=1
        )
        Clock.objects.create(
            label_en="London", label_ru="Лондон", zone="Europe/London", order=2
        )
        ContactLine.objects.create(
            label_en="Consular queries",
            label_ru="Консульские вопросы",
            value="+44 (0) 203 668 7474",
            order=1,
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
