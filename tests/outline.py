"""A readable one-line-per-block dump of a Document, for golden files."""

from pubkit.model import BlockQuote, Dateline, Heading, ListBlock, Paragraph, Signature
from pubkit.segment import encode


def outline(doc) -> str:
    m = doc.meta
    lines = [
        f"title: {m.title}",
        f"subtitle: {m.subtitle}",
        f"slug: {m.slug}  lang: {m.lang}  date: {m.date}",
        "authors: " + "; ".join(a.display() for a in m.authors),
        "",
    ]

    def text(inlines):
        return encode(inlines)[0]

    def block(b, indent=""):
        if isinstance(b, Heading):
            lines.append(f"{indent}{b.line:>3} heading{b.level}: {text(b.content)}")
        elif isinstance(b, Paragraph):
            lines.append(f"{indent}{b.line:>3} paragraph: {text(b.content)}")
        elif isinstance(b, ListBlock):
            kind = f"ordered list from {b.start}" if b.ordered else "list"
            lines.append(f"{indent}{b.line:>3} {kind}:")
            for item in b.items:
                lines.append(f"{indent}{item.line:>3}   item: {text(item.content)}")
        elif isinstance(b, BlockQuote):
            lines.append(f"{indent}{b.line:>3} quote:")
            for x in b.blocks:
                block(x, indent + "    ")
        elif isinstance(b, Dateline):
            lines.append(f"{indent}{b.line:>3} dateline: {text(b.content)}")
        elif isinstance(b, Signature):
            lines.append(f"{indent}{b.line:>3} signature: {text(b.content)}")

    for b in doc.blocks:
        block(b)
    return "\n".join(lines) + "\n"
