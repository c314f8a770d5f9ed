"""Markdown bodies to sanitised HTML, as close to what contributors preview on GitHub as we can.

Python-Markdown does not sanitise (raw <script>, javascript: links and attr_list
event handlers all pass through), so every body goes through nh3 with an
allowlist that keeps heading ids, footnotes, tables and dir/lang.
"""

from __future__ import annotations

import html
import re

import markdown
import nh3
from markdown.extensions.toc import slugify_unicode

from generator.model import Body

__all__ = ["MarkdownRenderer"]

_GLOBAL_ATTRIBUTES = {"id", "class", "dir", "lang", "title"}
_ATTRIBUTES = {tag: set(attrs) | _GLOBAL_ATTRIBUTES for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES["a"] = {"href", "hreflang"} | _GLOBAL_ATTRIBUTES
_ATTRIBUTES["img"] = {"src", "alt", "width", "height"} | _GLOBAL_ATTRIBUTES
_ATTRIBUTES["input"] = {"type", "checked", "disabled"}  # task lists
_ATTRIBUTES["*"] = _GLOBAL_ATTRIBUTES
_TAGS = set(nh3.ALLOWED_TAGS) | {"input", "section"}
_H2 = re.compile(r"(?=<h2[\s>])")


class MarkdownRenderer:
    """One Markdown instance reused with reset(): building it costs more than a page."""

    def __init__(self) -> None:
        self._md = self._new_markdown()
        self._cleaner = nh3.Cleaner(
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel=None,
            strip_comments=True,
        )

    def discard(self) -> None:
        """Start afresh after a render was interrupted half-way (its state may be inconsistent)."""
        self._md = self._new_markdown()

    @staticmethod
    def _new_markdown() -> markdown.Markdown:
        return markdown.Markdown(
            extensions=[
                "tables",
                "fenced_code",
                "footnotes",
                "attr_list",
                "def_list",
                "abbr",
                "toc",
                "mdx_truly_sane_lists",
                "pymdownx.tilde",
                "pymdownx.magiclink",
                "pymdownx.tasklist",
            ],
            extension_configs={
                # the default slugify turns 杭州 or القاهرة into _1, _2
                "toc": {"slugify": slugify_unicode, "toc_depth": "2-3"},
                "footnotes": {"UNIQUE_IDS": False},
            },
            output_format="html",
        )

    def render(self, text: str) -> Body:
        self._md.reset()
        raw = self._md.convert(text)
        sections = tuple(html.unescape(t["name"]) for t in self._md.toc_tokens if t["level"] == 2)
        for token in self._md.toc_tokens:
            sections += tuple(html.unescape(c["name"]) for c in token["children"] if c["level"] == 2)
        return Body(_wrap_sections(self._cleaner.clean(raw)), sections)


def _wrap_sections(fragment: str) -> str:
    """Wrap each H2 and what follows it in <section>, so the print poster can lay them out."""
    parts = _H2.split(fragment)
    if len(parts) == 1:
        return fragment
    head, sections = parts[0], parts[1:]
    wrapped = "".join(f'<section class="body-section">\n{part.strip()}\n</section>\n' for part in sections)
    return (head.strip() + "\n" if head.strip() else "") + wrapped
