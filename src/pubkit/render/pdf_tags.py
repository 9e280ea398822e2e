"""The PDF's structure tree as an accessibility checker expects it, from WeasyPrint's.

WeasyPrint (70) builds the tree page by page: an element that crosses a page (the article, a
paragraph, a list) becomes one structure element per page, and the content of margin boxes
(running heads, page numbers) and the contents' leader dots is tagged content that belongs to
no element of the tree. :func:`book_structure` wraps its tag builder (only while a PDF edition
is written) and then, before the file is serialised:

- merges the pieces of one HTML element that follow each other in their parent (the article's
  ``Art`` per page becomes one ``Art``, a paragraph split by a page one ``P``), so the tree's
  order is the text's reading order and each article is one element;
- turns the marked content of margin boxes and leaders into ``/Artifact`` sequences in the page's
  content stream and takes them out of the tree and of the parent tree.

Elements whose kids are marked content (``Span``, ``Link``: one page each) are never merged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

_active = False
_elements: dict[int, Any] = {}  # structure element's object number -> its HTML element
_artifacts: list[tuple[int, int]] = []  # (page index, MCID) of content that is no text of the book


def _mcids(box: Any, tags: dict[Any, Any]) -> list[int]:
    from weasyprint.formatting_structure import boxes

    return [tags[b]["mcid"] for b in box.descendants() if isinstance(b, boxes.TextBox) and b in tags]


def wrapped_with(fn: Any, marker: str) -> bool:
    """Whether ``fn`` or a function it wraps (``__wrapped__``, all the way down) carries ``marker``.

    Two of pubkit's wrappers sit on WeasyPrint's tag builder (``/Lang`` in ``render/pdf.py``,
    the structure here); each must see the other's layer, or every PDF would add two more and
    a long run (the test suite) would exceed Python's recursion limit."""
    seen = 0
    while fn is not None and seen < 50:
        if getattr(fn, marker, False):
            return True
        fn, seen = getattr(fn, "__wrapped__", None), seen + 1
    return False


def _wrap_build(build: Any) -> Any:
    from weasyprint.formatting_structure import boxes

    def recording(box, parent, pdf, page_number, nums, annotations, tags):
        if _active and (isinstance(box, boxes.MarginBox) or getattr(box, "is_leader", False)):
            _artifacts.extend((page_number, mcid) for mcid in _mcids(box, tags))
        for element in build(box, parent, pdf, page_number, nums, annotations, tags):
            if _active and getattr(box, "element", None) is not None:
                _elements[element.number] = box.element
            yield element

    recording.pubkit_structure = True  # type: ignore[attr-defined]
    recording.__wrapped__ = build  # type: ignore[attr-defined]
    return recording


def _number(ref: Any) -> int | None:
    if isinstance(ref, bytes) and ref.endswith(b" R"):
        return int(ref.split()[0])
    return None


def _finish(pdf: Any, page_streams: list[Any]) -> None:
    import pydyf

    objects = pdf.objects

    def obj(ref: Any) -> Any:
        number = _number(ref)
        return objects[number] if number is not None else None

    root = obj(pdf.catalog["StructTreeRoot"])
    nums = obj(root["ParentTree"])["Nums"]
    artifacts = set(_artifacts)
    # 1. margin boxes and leaders: artifacts in the content, nothing in the tree
    for page, mcid in sorted(artifacts):
        entries = nums[2 * page + 1]
        if mcid < len(entries):
            element = obj(entries[mcid])
            parent = obj(element["P"]) if element is not None else None
            if parent is not None and entries[mcid] in parent["K"]:
                parent["K"] = pydyf.Array([k for k in parent["K"] if k != entries[mcid]])
            entries[mcid] = b"null"
    for page, stream in enumerate(page_streams):
        items = stream.stream
        for i in range(len(items) - 2):
            props = items[i + 1]
            if (items[i + 2] == b"BDC" and isinstance(props, dict) and "MCID" in props
                    and (page, props["MCID"]) in artifacts):
                items[i], items[i + 1], items[i + 2] = "/Artifact", b"BMC", b""

    # 2. one element per HTML element: merge the pieces that follow each other
    def is_struct(ref: Any) -> bool:
        o = obj(ref)
        return o is not None and o.get("Type") == "/StructElem"

    def mergeable(a: Any, b: Any) -> bool:
        source = _elements.get(a.number)
        return (source is not None and source is _elements.get(b.number) and a.get("S") == b.get("S")
                and all(is_struct(k) for k in (*a["K"], *b["K"])))

    def merge(element: Any) -> None:
        kids: list[Any] = []
        for ref in element["K"]:
            previous = obj(kids[-1]) if kids and is_struct(kids[-1]) else None
            child = obj(ref) if is_struct(ref) else None
            if previous is not None and child is not None and mergeable(previous, child):
                previous["K"].extend(child["K"])
                for kid in child["K"]:
                    obj(kid)["P"] = previous.reference
                continue
            kids.append(ref)
        element["K"] = pydyf.Array(kids)
        for ref in kids:
            if is_struct(ref):
                merge(obj(ref))

    for ref in root["K"]:
        merge(obj(ref))


def _wrap_add_tags(add_tags: Any) -> Any:
    def structured(pdf, document, pdf_version, page_streams):
        _elements.clear()
        _artifacts.clear()
        add_tags(pdf, document, pdf_version, page_streams)
        if _active:
            _finish(pdf, page_streams)
        _elements.clear()
        _artifacts.clear()

    structured.pubkit_structure = True  # type: ignore[attr-defined]
    return structured


def _install() -> None:
    import weasyprint.pdf as pdf_module
    import weasyprint.pdf.tags as tags

    if not wrapped_with(tags._build_box_tree, "pubkit_structure"):
        tags._build_box_tree = _wrap_build(tags._build_box_tree)
    if not getattr(pdf_module.add_tags, "pubkit_structure", False):
        pdf_module.add_tags = _wrap_add_tags(pdf_module.add_tags)


@contextlib.contextmanager
def book_structure() -> Iterator[None]:
    """Within this block, PDFs WeasyPrint writes get the structure described above."""
    global _active
    _install()
    previous, _active = _active, True
    try:
        yield
    finally:
        _active = previous
