import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from library.exchange import MediaWriter
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
        parser.add_argument(
            "--media",
            type=Path,
            metavar="DIR",
            help=(
                "Write pictures and documents into DIR and name them in the "
                "lines; write the JSON Lines file into DIR's parent folder."
            ),
        )

    def handle(self, *args, since, all, media, **options):
        statements = Statement.objects.all() if all else Statement.objects.published()
        if since:
            statements = statements.filter(published_at__gte=start_of_day(since))
        statements = statements.with_turns().with_media()
        writer = MediaWriter(media) if media else None
        left_out = 0
        for statement in statements.order_by("published_at", "id").iterator(
            chunk_size=500
        ):
            self.stdout.write(to_line(statement, statement.full_text(), writer))
            left_out += not writer and bool(statement.gallery or statement.documents)
        if left_out:
            self.stderr.write(
                f"{left_out} statements have pictures or documents, not exported: "
                "use --media DIR to export them too."
            )
