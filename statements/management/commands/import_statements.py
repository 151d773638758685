import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from statements.importing import Importer


class Command(BaseCommand):
    help = (
        "Import statements from a JSON Lines file in the exchange format. Bad "
        "lines are reported with their number and skipped; the rest is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A .jsonl file, or - for stdin.")
        parser.add_argument(
            "--create-speakers",
            action="store_true",
            help="Create speakers for unknown names in transcript labels.",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help=(
                "Refresh statements already imported whose content changed, as "
                "an admin save does: a version in their history, and a correction "
                "time if they were public. A statement someone saved while the "
                "import ran is left alone and reported."
            ),
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, file, create_speakers, update, batch_size, **options):
        if str(file) == "-":
            stream, folder = sys.stdin.buffer, None
        else:
            folder = file.parent
            try:
                stream = file.open("rb")
            except OSError as error:
                raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        importer = Importer(
            create_speakers=create_speakers,
            update=update,
            batch_size=batch_size,
            folder=folder,
        )
        with stream:
            if self.stderr.isatty():
                with tqdm(unit=" lines", file=sys.stderr) as bar:
                    summary = importer.run(
                        stream, progress=lambda s: bar.update(s.lines - bar.n)
                    )
            else:
                summary = importer.run(
                    stream,
                    progress=lambda s: self.stderr.write(
                        f"{s.lines} {'line' if s.lines == 1 else 'lines'} read: {s}"
                    ),
                )
        for error in sorted(summary.errors, key=lambda error: error.line_number):
            self.stderr.write(f"skipped {error}")
        self.stdout.write(f"Import finished: {summary}")
        if importer.speakers.unknown:
            self.stdout.write(
                "Answers by names that are not known speakers were kept unlinked "
                "(use --create-speakers to create them): "
                + ", ".join(importer.speakers.unknown)
            )
        if summary.errors:
            # Scripts notice from the exit status.
            raise CommandError(
                f"{len(summary.errors)} of {summary.lines} lines were not imported."
            )
