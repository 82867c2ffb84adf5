"""A tiny SVG writer that escapes by construction: text and attribute values are always
XML-escaped, so no log text can become markup. Output is deterministic (attributes in
the order given, numbers rounded to two decimals)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["Node", "attr_text", "canvas", "clean", "element", "num", "text_of"]

# XML 1.0 refuses most C0 controls even as character references; the validator refuses
# them in logs, but a picture must never be invalid XML, so any that slip through show
# as U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """`text` with characters XML cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def text_of(text: str) -> str:
    """`text` escaped for an XML text node."""
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr_text(text: str) -> str:
    """`text` escaped for a double-quoted XML attribute value."""
    return text_of(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;").replace("\r", "&#13;")


def num(value: float) -> str:
    """A coordinate as short, stable text."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class Node:
    """One element: tag, attributes, children (nodes) or text."""

    __slots__ = ("attrs", "children", "tag", "text")

    def __init__(
        self,
        tag: str,
        attrs: Mapping[str, object] | None = None,
        text: str | None = None,
        children: Iterable[Node] = (),
    ) -> None:
        self.tag = tag
        self.attrs = dict(attrs or {})
        self.text = text
        self.children = list(children)

    def add(self, child: Node) -> Node:
        """Append `child` and return it."""
        self.children.append(child)
        return child

    def render(self, out: list[str], indent: str = "") -> None:
        """Append this element's markup to `out`."""
        attrs = "".join(
            f' {k}="{attr_text(v if isinstance(v, str) else num(v) if isinstance(v, float) else str(v))}"'
            for k, v in self.attrs.items()
            if v is not None
        )
        if self.text is None and not self.children:
            out.append(f"{indent}<{self.tag}{attrs}/>")
        elif not self.children:
            out.append(f"{indent}<{self.tag}{attrs}>{text_of(self.text or '')}</{self.tag}>")
        else:
            out.append(f"{indent}<{self.tag}{attrs}>" + (text_of(self.text) if self.text else ""))
            for child in self.children:
                child.render(out, indent + " ")
            out.append(f"{indent}</{self.tag}>")

    def markup(self) -> str:
        """The element as text (no XML declaration)."""
        out: list[str] = []
        self.render(out)
        return "\n".join(out) + "\n"


def element(tag: str, text: str | None = None, /, **attrs: object) -> Node:
    """A node; attribute names use `_` for `-` and a trailing `_` for reserved words (`class_`)."""
    return Node(tag, {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}, text)


_SIZE = re.compile(r'<svg\b[^>]*?\swidth="([0-9.]+)"[^>]*?\sheight="([0-9.]+)"')


def canvas(width: float, height: float, font: str, font_size: int, class_: str, **attrs: object) -> Node:
    """An `<svg>` root of `width` x `height` with its viewBox, font and class: how every picture begins."""
    return element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        width=width,
        height=height,
        viewBox=f"0 0 {width:g} {height:g}",
        font_family=font,
        font_size=font_size,
        class_=class_,
        **attrs,
    )


def size_of(markup: str) -> tuple[int, int]:
    """The width and height (rounded up) of the root element of an SVG this module wrote."""
    found = _SIZE.search(markup)
    if found is None:
        msg = "not an SVG written by statustrack: no width and height on its root"
        raise ValueError(msg)
    return int(float(found.group(1)) + 0.999), int(float(found.group(2)) + 0.999)
