"""Checking an uploaded document by its content, whatever its name says.

Only PDF is taken: what an embassy publishes (notes verbales, joint
statements, memoranda) is final and goes out as PDF; DOCX and ODT are
editable drafts, and zip containers bring macros and zip bombs with them.
"""

MAX_BYTES = 50 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
# A PDF ends with %%EOF, give or take trailing bytes some writers add.
PDF_END = b"%%EOF"
TAIL_BYTES = 2048


class DocumentRejected(ValueError):
    """The file is not a document the site takes; the message says why."""


def check_pdf(data):
    """Raise DocumentRejected unless ``data`` (bytes) is a whole PDF file."""
    if len(data) > MAX_BYTES:
        raise DocumentRejected(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."
        )
    if not data.startswith(PDF_MAGIC):
        raise DocumentRejected(
            "The file is not a PDF, whatever its name says: only PDF documents "
            "are accepted."
        )
    if PDF_END not in data[-TAIL_BYTES:]:
        raise DocumentRejected("The PDF is incomplete (it has no end marker).")
