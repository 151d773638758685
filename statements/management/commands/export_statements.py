import datetime

from django.core.management.base import BaseCommand, CommandError

from statements.exchange import to_line
from statements.filters import start_of_day
from statements.models import Statement


def iso_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since {value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Write statements as JSON Lines in the exchange format to standard output: "
        "published ones by default, oldest first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", type=iso_date, help="Only those published on or after this date."
        )
        parser.add_argument(
            "--all",
            action="store_true",
            help="Include drafts and scheduled statements.",
        )

    def handle(self, *args, since, all, **options):
        statements = Statement.objects.all() if all else Statement.objects.published()
        if since:
            statements = statements.filter(published_at__gte=start_of_day(since))
        statements = statements.with_turns().order_by("published_at", "id")
        for statement in statements.iterator(chunk_size=500):
            self.stdout.write(to_line(statement, statement.full_text()))
