"""Local images of an article: found in its document, proven safe, read once, carried by editions.

A Markdown image whose address has no scheme (``![A map](images/map.png)``) is a *local*
image: a file named relative to the article. :func:`load_images` reads every one of them
for the renderers, which embed the bytes in the EPUB (a manifest item) and the PDF (served
to WeasyPrint from memory, :func:`pubkit.render.pdf.make_fetcher`). An image with an
``http(s):`` address is never fetched (pubkit works offline): it stays a linked description.
An image that carries its bytes (``data:image/png;base64,…``: a Word document's pictures, as
mammoth converts them) is decoded within the same limit and checked the same way.

Each local image must be, or the build stops with the article's file:line and a hint:

- inside the project once resolved (no ``..`` or symlink leading out: :func:`fsio.inside_project`);
- a regular file of at most ``READ_LIMITS["image"]`` bytes (:func:`fsio.read_bounded`);
- PNG, JPEG or GIF *by its bytes* (magic numbers, whatever its name says), and readable as
  such by Pillow within :data:`MAX_PIXELS`. SVG is refused: it can carry scripts and
  references to other files, and a PNG of it is a safe equivalent.

A missing file is a :class:`~pubkit.errors.MissingError` (exit 66); anything refused is an
:class:`~pubkit.errors.InputError` (exit 65). An edition names each image by its content
(``images/figure-<sha256 prefix>.<ext>``), so the same bytes give the same edition bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from .edition import EmbeddedImage
from .errors import InputError, Location, MissingError, without_reprs
from .fsio import MB, READ_LIMITS, inside_project, read_bounded
from .model import Block, Document, Image, ListBlock

MAX_PIXELS = 40_000_000  # width × height: far above any figure, far below a decompression bomb
# magic numbers → (media type, file suffix); order matters only for readability
FORMATS: dict[bytes, tuple[str, str]] = {
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"GIF87a": ("image/gif", "gif"),
    b"GIF89a": ("image/gif", "gif"),
}
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF"}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_SVG = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?<svg[\s>]", re.S | re.I)


def is_local(src: str) -> bool:
    """Whether an image address names a file of the project (no scheme, not ``//host``, not empty)."""
    src = src.strip()
    return bool(src) and not _SCHEME.match(src) and not src.startswith(("//", "#"))


_DATA = re.compile(r"\Adata:(image/[a-z0-9.+-]+);base64,", re.I)


def is_embedded(src: str) -> bool:
    """Whether an address carries the image itself (``data:image/…;base64,…``, as mammoth
    writes a Word document's pictures)."""
    return bool(_DATA.match(src))


def embedded_image(block: Image, where: Location) -> EmbeddedImage:
    """A ``data:`` image, decoded within ``READ_LIMITS["image"]`` and checked like a file."""
    payload = block.src[_DATA.match(block.src).end():]  # type: ignore[union-attr]
    limit = READ_LIMITS["image"]
    if len(payload) * 3 // 4 > limit:
        raise _refuse(f"an embedded image is larger than {limit // MB} MB", where,
                      "make the picture smaller in the document (Word: Compress Pictures)")
    try:
        data = base64.b64decode(payload, validate=False)
    except (binascii.Error, ValueError):
        raise _refuse("an embedded image is not valid base64 data", where,
                      "save the document again; its picture is damaged") from None
    media_type, suffix = check_image(data, "embedded image", where)
    digest = hashlib.sha256(data).hexdigest()
    return EmbeddedImage(src=block.src, name=f"images/figure-{digest[:16]}.{suffix}",
                         media_type=media_type, data=data)


def local_path(src: str) -> str:
    """The file name an address stands for (markdown-it percent-encodes; ``?query``/``#part`` dropped)."""
    return unquote(re.split(r"[?#]", src.strip(), maxsplit=1)[0])


def image_blocks(doc: Document) -> Iterator[Image]:
    """Every :class:`Image` of the document, in reading order (inside quotes, lists and notes too)."""

    def walk(blocks: tuple[Block, ...]) -> Iterator[Image]:
        for b in blocks:
            if isinstance(b, Image):
                yield b
            elif isinstance(b, ListBlock):
                for item in b.items:
                    yield from walk(item.blocks)
            else:
                yield from walk(getattr(b, "blocks", ()))

    yield from walk(doc.blocks)
    for note in doc.notes:
        yield from walk(note.blocks)


def referenced_files(doc: Document, article: Path) -> list[Path]:
    """The files the local images of ``doc`` name (unchecked), relative to the article's folder."""
    out: list[Path] = []
    for b in image_blocks(doc):
        if is_local(b.src):
            path = Path(os.path.normpath(article.parent / local_path(b.src)))
            if path not in out:
                out.append(path)
    return out


def sniff(data: bytes) -> tuple[str, str] | None:
    """(media type, suffix) of PNG, JPEG or GIF bytes by their magic number; None otherwise."""
    for magic, kind in FORMATS.items():
        if data.startswith(magic):
            return kind
    return None


def _refuse(message: str, where: Location, hint: str) -> InputError:
    return InputError(message, location=where, hint=hint)


def check_image(data: bytes, shown: str, where: Location) -> tuple[str, str]:
    """(media type, suffix) of image bytes pubkit embeds; an InputError at ``where`` otherwise."""
    kind = sniff(data)
    if not data:
        raise _refuse(f"the image '{shown}' is empty (0 bytes)", where,
                      "export the image again (PNG, JPEG or GIF) and link that file")
    if kind is None:
        if _SVG.match(data[:4096]):
            raise _refuse(f"the image '{shown}' is SVG, which pubkit does not embed (it can carry scripts "
                          "and references to other files)", where, "export it as PNG and link the PNG")
        raise _refuse(f"'{shown}' is not a PNG, JPEG or GIF image (by its first bytes)", where,
                      "link a PNG, JPEG or GIF file; a renamed file of another kind is refused")
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind[0]]]) as img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise _refuse(f"the image '{shown}' is {width}×{height} pixels, more than pubkit embeds "
                              f"({MAX_PIXELS // 1_000_000} megapixels)", where,
                              "scale it down: a figure needs far fewer pixels")
            img.verify()
    except InputError:
        raise
    except Exception as err:  # Pillow raises many kinds for damaged files
        reason = without_reprs(str(err))
        raise _refuse(f"the image '{shown}' cannot be read as {kind[1].upper()}: {reason}", where,
                      "open and save it again with an image editor") from None
    return kind


def load_image(root: Path, article: Path, block: Image, where_file: Path | str) -> EmbeddedImage:
    """One local image of an article, checked and read (errors at the article's file:line)."""
    where = Location(where_file, block.line)
    name = local_path(block.src)
    shown = name
    path = Path(article).parent / name
    try:
        inside_project(root, path, what=f"the image '{shown}'")
    except InputError as err:
        raise _refuse(err.message, where, "images must be files inside the project, named relative to "
                      "the article (no '..' or link leading out)") from None
    try:
        data = read_bounded(path, "image", root=root)
    except FileNotFoundError:
        raise MissingError(f"the image '{shown}' does not exist (looked for {path})", location=where,
                           hint="put the file there, or fix the path (it is relative to the article)",
                           ) from None
    except InputError as err:
        limit = READ_LIMITS["image"] // MB
        raise _refuse(f"the image '{shown}' {err.message}", where,
                      f"an image must be a regular file of at most {limit} MB") from None
    except OSError as err:
        raise _refuse(f"the image '{shown}' cannot be read: {err.strerror or err}", where,
                      "check the file's permissions") from None
    media_type, suffix = check_image(data, shown, where)
    digest = hashlib.sha256(data).hexdigest()
    return EmbeddedImage(src=block.src, name=f"images/figure-{digest[:16]}.{suffix}",
                         media_type=media_type, data=data)


def load_images(root: Path, article: Path, doc: Document,
                shown: Path | str | None = None) -> tuple[EmbeddedImage, ...]:
    """Every local image of ``doc`` (an article at ``article``), each address once, in reading order."""
    where_file = shown if shown is not None else article
    out: dict[str, EmbeddedImage] = {}
    for block in image_blocks(doc):
        if block.src in out:
            continue
        if is_embedded(block.src):
            out[block.src] = embedded_image(block, Location(where_file, block.line))
        elif is_local(block.src):
            out[block.src] = load_image(root, article, block, where_file)
    return tuple(out.values())
