"""Markdown bodies to sanitised HTML, as close to what contributors preview on GitHub as we can.

Python-Markdown does not sanitise (raw <script>, javascript: links and attr_list
event handlers all pass through), so every body goes through nh3 with an
allowlist that keeps heading ids, footnotes, tables, task lists and dir/lang.
On top of nh3's allowlist (which already drops every on*, style and data-*
attribute, so no body can add Pagefind filters or metadata), ``_attribute``:

- drops any URL whose scheme is not http, https or mailto, also in ``cite``
  (which nh3 leaves unchecked) and also when whitespace or control characters
  split the scheme (``java script:``);
- drops protocol-relative and backslash URLs (``//host/x``, ``\\\\host\\x``, ``/\\host``):
  opened from disk they become ``file://host/...``, on Windows a UNC path that
  sends the reader's credentials; and image sources with a scheme, so that
  images load only from inside the site (the checker refuses both first,
  ``outside_urls``);
- renames ids that the theme itself uses (``main``, ``site-search``,
  ``facts-heading``...) to ``content-<id>``, and in-body links to them alike, so
  a heading cannot capture the skip link, a label or an aria reference;
- keeps only the classes Markdown itself writes (footnotes, task lists, ``[TOC]``,
  ``language-*`` of fenced code), so a body cannot borrow the theme's classes
  (``visually-hidden``, ``skip-link``...) to hide or overlay text;
- makes every ``<input>`` a disabled checkbox: task lists are the only inputs.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import markdown
import nh3
from markdown.extensions.toc import slugify_unicode

from generator.model import Body

__all__ = ["MarkdownRenderer", "outside_urls"]

_GLOBAL_ATTRIBUTES = {"id", "class", "dir", "lang", "title"}
_ATTRIBUTES = {tag: set(attrs) | _GLOBAL_ATTRIBUTES for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES["a"] = {"href", "hreflang"} | _GLOBAL_ATTRIBUTES
_ATTRIBUTES["img"] = {"src", "alt", "width", "height"} | _GLOBAL_ATTRIBUTES
_ATTRIBUTES["input"] = {"type", "checked", "disabled"}  # task lists
_ATTRIBUTES["*"] = _GLOBAL_ATTRIBUTES
_LINKABLE = re.compile(r"(?i)https?:|ftps?:|www\.|@|mailto:")
_TAGS = set(nh3.ALLOWED_TAGS) | {"input", "section"}
_URL_SCHEMES = {"http", "https", "mailto"}
_URL_ATTRIBUTES = {"href", "src", "cite"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f]+")
# Two slashes of either kind after whatever a browser strips: another host (file://host/ from disk).
_OTHER_HOST = re.compile(r"^[/\\]{2}")
# C0 controls but tab and line feed, DEL, and the non-characters U+FFFE/U+FFFF: a body never publishes them
# (stripped; XML 1.0 feeds cannot carry them and they are invisible in a review).
_BODY_CONTROLS = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xFFFE, 0xFFFF])

# Ids of the default theme's templates (tests/test_xss.py checks that each one is covered), and the
# families it and Pagefind's UI draw from. A body id that matches is renamed, never dropped, so
# footnotes and headings keep working.
_THEME_IDS = frozenset(
    {
        "main",
        "search",
        "site-search",
        "notfound-search",
        "cynefin-caption",
        "offline-search",
        "offline-query",
        "offline-filters",
        "offline-status",
        "offline-results",
        "map-title",
        "locator-title",
        "network-title",
    }
)
_THEME_ID_FAMILIES = re.compile(r"^(?:.*-heading|offline-.*|pagefind.*)$")
_ID_PREFIX = "content-"
# Classes that Markdown's extensions write; anything else (attr_list's `.x`, raw class="...") is dropped.
_CLASSES = frozenset({"footnote", "footnote-ref", "footnote-backref", "task-list", "task-list-item", "toc"})
_CODE_CLASS = re.compile(r"^language-[\w+#.-]+$")
# A tag of nh3's output. nh3 escapes '<' in text and in attribute values, and attribute values are
# double-quoted without '"' inside, so this never starts inside a value.
_TAG = re.compile(r'<(?:[^<>"]|"[^"]*")*>')
_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")
_VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"})


def _theme_id(value: str) -> bool:
    return value in _THEME_IDS or bool(_THEME_ID_FAMILIES.match(value))


def _attribute(tag: str, name: str, value: str) -> str | None:
    """nh3's attribute_filter: called for each attribute that passed the allowlist."""
    if name in _URL_ATTRIBUTES:
        bare = _INVISIBLE.sub("", value)
        scheme = _SCHEME.match(bare)
        if scheme and scheme[1].lower() not in _URL_SCHEMES:
            return None
        if _OTHER_HOST.match(bare) or (scheme and tag == "img"):
            return None
        if name == "href" and value.startswith("#") and _theme_id(value[1:]):
            return "#" + _ID_PREFIX + value[1:]
        return value
    if name == "id":
        return _ID_PREFIX + value if _theme_id(value) else value
    if name == "class":
        kept = [c for c in value.split() if c in _CLASSES or _CODE_CLASS.match(c)]
        return " ".join(kept) or None
    if tag == "input" and name == "type":
        return "checkbox"
    return value


# Extensions that only act on text containing their syntax. A body without it renders the same without
# them, and skipping them saves about a sixth of Markdown's time (tests/test_markdown.py compares both).
# tables and toc stay on (most bodies have tables; toc names the poster sections), as does the list
# handling (mdx_truly_sane_lists changes every list).
_OPTIONAL = (
    ("fenced_code", ("```", "~~~")),
    ("footnotes", ("[^",)),
    ("attr_list", ("{",)),
    ("def_list", (":",)),
    ("abbr", ("*[",)),
    ("pymdownx.tilde", ("~",)),
    ("pymdownx.magiclink", _LINKABLE),
    ("pymdownx.tasklist", ("[ ]", "[x]", "[X]")),
)
_ALWAYS = ("tables", "toc", "mdx_truly_sane_lists")
_ORDER = (
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
)


class MarkdownRenderer:
    """Markdown instances reused with reset() (building one costs more than a page), one for each set of
    extensions the bodies need."""

    def __init__(self, *, every_extension: bool = False) -> None:
        self._every_extension = every_extension  # for tests: the full set, whatever the text
        self._instances: dict[tuple[str, ...], markdown.Markdown] = {}
        self._cleaner = nh3.Cleaner(
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel=None,
            strip_comments=True,
            attribute_filter=_attribute,
            set_tag_attribute_values={"input": {"type": "checkbox", "disabled": ""}},
        )

    def discard(self) -> None:
        """Start afresh after a render was interrupted half-way (its state may be inconsistent)."""
        self._instances.clear()

    def _markdown(self, text: str) -> markdown.Markdown:
        needed = {
            name
            for name, syntax in _OPTIONAL
            if self._every_extension
            or (any(s in text for s in syntax) if isinstance(syntax, tuple) else syntax.search(text))
        }
        extensions = tuple(name for name in _ORDER if name in needed or name in _ALWAYS)
        md = self._instances.get(extensions)
        if md is None:
            md = self._instances[extensions] = markdown.Markdown(
                extensions=list(extensions),
                extension_configs={
                    # the default slugify turns 杭州 or القاهرة into _1, _2
                    "toc": {"slugify": slugify_unicode, "toc_depth": "2-3"},
                    "footnotes": {"UNIQUE_IDS": False},
                    # align="..." survives the sanitiser; the default style="text-align: ..." does not
                    "tables": {"use_align_attribute": True},
                },
                output_format="html",
            )
        return md

    def render(self, text: str) -> Body:
        return self.render_checked(text)[0]

    def render_checked(self, text: str) -> tuple[Body, list[tuple[str, str]]]:
        """The body, and the URLs that would reach outside the site (``outside_urls``), which the
        sanitiser drops but the checker reports."""
        text = text.translate(_BODY_CONTROLS)
        md = self._markdown(text)
        md.reset()
        raw = md.convert(text)
        toc: list[dict[str, Any]] = md.toc_tokens  # type: ignore[attr-defined]  # set by the toc extension
        sections = tuple(html.unescape(t["name"]) for t in toc if t["level"] == 2)
        for token in toc:
            sections += tuple(html.unescape(c["name"]) for c in token["children"] if c["level"] == 2)
        cleaned = self._cleaner.clean(raw)
        starts = _top_level_h2s(cleaned)
        body = Body(_wrap_sections(cleaned, starts), sections, _empty_sections(cleaned, starts))
        return body, outside_urls(raw)


def _top_level_h2s(fragment: str) -> list[int]:
    """Where each <h2> outside any other element starts. nh3's output is well formed (every element
    closed, void ones never), so counting open and close tags gives each tag's depth."""
    starts, depth = [], 0
    for match in _TAG.finditer(fragment):
        name = _TAG_NAME.match(match.group())
        if name is None:  # a comment or doctype; nh3 strips them
            continue
        if match.group().startswith("</"):
            depth = max(depth - 1, 0)
        elif name[1].lower() not in _VOID and not match.group().endswith("/>"):
            if depth == 0 and name[1].lower() == "h2":
                starts.append(match.start())
            depth += 1
    return starts


def _empty_sections(fragment: str, starts: list[int]) -> tuple[str, ...]:
    """The titles of the top-level H2s with nothing after them before the next one (comments are already
    gone: nh3 strips them), such as a poster heading left as the scaffold wrote it. ``starts``: where its
    top-level H2s start (``_top_level_h2s``)."""
    empty = []
    for a, b in zip(starts, [*starts[1:], len(fragment)]):
        heading, _, rest = fragment[a:b].partition("</h2>")
        if not rest.strip():
            empty.append(html.unescape(_TAG.sub("", heading)).strip())
    return tuple(empty)


def _wrap_sections(fragment: str, starts: list[int]) -> str:
    """Wrap each top-level H2 and what follows it in <section>, so the print poster can lay them out; an
    H2 inside a quote, list or <details> stays where it is (cutting there would leave text outside)."""
    if not starts:
        return fragment
    head = fragment[: starts[0]]
    sections = [fragment[a:b] for a, b in zip(starts, [*starts[1:], len(fragment)])]
    wrapped = "".join(f'<section class="body-section">\n{part.strip()}\n</section>\n' for part in sections)
    return (head.strip() + "\n" if head.strip() else "") + wrapped


# Attributes whose value a browser fetches or follows; srcset-like ones hold a comma-separated list.
_LOADING_ATTRIBUTES = frozenset(
    {"href", "src", "cite", "action", "formaction", "data", "poster", "background", "codebase", "longdesc"}
    | {"dynsrc", "lowsrc", "ping", "xlink:href", "manifest", "icon", "srcset", "imagesrcset"}
)
_IMAGE_ATTRIBUTES = frozenset({"src", "srcset", "poster", "background", "dynsrc", "lowsrc", "imagesrcset"})
_IMAGE_TAGS = frozenset({"img", "image", "picture", "source", "video", "input", "body", "table", "td"})


class _UrlCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []  # tag, attribute, value (entities decoded)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is not None and name in _LOADING_ATTRIBUTES:
                self.found.append((tag, name, value))

    handle_startendtag = handle_starttag


def outside_urls(fragment: str) -> list[tuple[str, str]]:
    """(URL, why) for each URL of an HTML fragment (Markdown's output, before sanitising) that would load or
    link something outside the site: protocol-relative or backslash URLs (``//host``, ``\\\\host``, ``/\\host``,
    after what a browser strips: leading spaces and controls, tabs and line breaks anywhere), and images
    with a scheme (``https://``, ``data:``), since images load only from inside the site."""
    collector = _UrlCollector()
    collector.feed(fragment)
    collector.close()
    found = []
    for tag, name, value in collector.found:
        candidates = [c.strip().split(" ")[0] for c in value.split(",")] if name.endswith("srcset") else [value]
        for url in candidates:
            bare = _INVISIBLE.sub("", url)
            if _OTHER_HOST.match(bare):
                found.append((url, "another host"))
            elif name in _IMAGE_ATTRIBUTES and tag in _IMAGE_TAGS and _SCHEME.match(bare):
                found.append((url, "an image outside the site"))
    return found
