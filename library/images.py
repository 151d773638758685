"""Checking an uploaded picture and making the versions the site serves.

Pure Pillow, no Django. ``process`` reads whatever bytes it is given, trusts
no file name, and returns the versions to store, every one re-encoded from
pixels alone: EXIF (GPS positions, camera serials), XMP, IPTC, comments and
colour profiles never reach a stored file. The orientation EXIF asked for is
applied to the pixels first, so the picture still stands the right way up.

Limits, against decompression bombs (a small file that unpacks to gigabytes):
at most ``MAX_BYTES`` received, ``MAX_SIDE`` pixels a side and
``MAX_PIXELS`` pixels in all, checked from the header before any pixel is
decoded. Only the first frame of an animated picture is kept.
"""

import io
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024
MAX_SIDE = 10_000
MAX_PIXELS = 40_000_000
# Pillow's own bomb check, for any path that reaches it: never looser than ours.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Widths of the renditions a page's srcset offers (narrower pictures get fewer).
RENDITION_WIDTHS = (480, 960, 1600)
MODERN_FORMAT = "webp"
MIME_TYPES = {"webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}


TOO_LARGE = (
    f"The limit is {MAX_SIDE} pixels a side and {MAX_PIXELS // 1_000_000} "
    "million pixels in all."
)


class ImageRejected(ValueError):
    """The file is not a picture the site takes; the message says why."""


@dataclass
class Version:
    width: int
    height: int
    format: str  # file extension: "webp", "jpg", "png"
    content: bytes = field(repr=False)


@dataclass
class ProcessedImage:
    original: Version
    renditions: list[Version]


def _open(data):
    if len(data) > MAX_BYTES:
        raise ImageRejected(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRejected(TOO_LARGE) from None
    except (UnidentifiedImageError, OSError):
        raise ImageRejected(
            "The file is not a picture (JPEG, PNG or WebP), whatever its name says."
        ) from None
    if picture.format not in ACCEPTED_FORMATS:
        raise ImageRejected(
            f"{picture.format} pictures are not accepted: upload a JPEG, PNG or WebP."
        )
    width, height = picture.size
    if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
        raise ImageRejected(f"The picture is {width} by {height} pixels. {TOO_LARGE}")
    return picture


def _decoded(data):
    """The picture's pixels, upright, with nothing but pixels left."""
    picture = _open(data)
    try:
        picture.verify()
        picture = _open(data)
        picture.load()
        upright = ImageOps.exif_transpose(picture)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRejected("The picture is damaged or incomplete.") from None
    mode = "RGBA" if upright.has_transparency_data else "RGB"
    pixels = upright.convert(mode)
    pixels.info = {}
    return picture.format, pixels


def _encode(pixels, extension):
    buffer = io.BytesIO()
    if extension == "jpg":
        pixels.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    elif extension == "webp":
        pixels.save(buffer, "WEBP", quality=80, method=4)
    else:
        pixels.save(buffer, "PNG", optimize=True)
    width, height = pixels.size
    return Version(width, height, extension, buffer.getvalue())


def rendition_widths(width):
    """The widths offered for a picture ``width`` pixels wide: never wider."""
    return sorted({min(w, width) for w in RENDITION_WIDTHS})


def process(data):
    """Check ``data`` (bytes) and return the original and renditions to store.

    Raises ImageRejected with a message for the editor.
    """
    source_format, pixels = _decoded(data)
    original = _encode(pixels, ACCEPTED_FORMATS[source_format])
    # Transparency needs PNG where a browser takes no WebP; photos take JPEG.
    fallback = "png" if pixels.mode == "RGBA" else "jpg"
    renditions = []
    for width in rendition_widths(pixels.width):
        height = max(1, round(pixels.height * width / pixels.width))
        resized = (
            pixels
            if width == pixels.width
            else pixels.resize((width, height), Image.Resampling.LANCZOS)
        )
        renditions += [_encode(resized, MODERN_FORMAT), _encode(resized, fallback)]
    return ProcessedImage(original=original, renditions=renditions)
