"""Random front matter and Markdown: every run ends in a built site or in `path:line: field: message` problems.

Never an uncaught exception, a traceback or a crash, whatever YAML a contributor writes (random keys, scalars,
lists, maps, unicode, control characters, huge numbers, dates, nulls, tags, aliases) and whatever Markdown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import tempfile
import warnings
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from conftest import SITE, make_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_xss import ENVIRON, HTML_VECTORS, MARKDOWN_VECTORS, THEME_IDS, page_problems

from generator.build import BuildOptions, build_site, check_content
from generator.errors import BuildFailed, Problem
from generator.records import FIELDS

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

# ---------------------------------------------------------------- strategies

_AWKWARD = [
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9f",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200e",
    "\u2060",
    "\u200c",
    "\u200d",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\ud800",
    "\udfff",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\U0001f600",
    "ß",
    "İ",
    "杭州",
    "القاهرة",
    "---",
    "...",
    "#",
    ":",
    "- ",
    "&a",
    "*a",
    "!!",
    "%",
    "@",
    "`",
    "{",
    "}",
    "[",
    "]",
    ",",
    "'",
    '"',
    "\\",
]
texts = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(st.sampled_from(_AWKWARD), st.text(max_size=5)), max_size=8).map("".join),
    st.sampled_from(
        [
            "",
            " ",
            "yes",
            "no",
            "null",
            "~",
            "2016-13-45",
            "2026-02-30",
            "1e400",
            "0x1F",
            "012345",
            ".nan",
            "-.inf",
            "MZ",
            "complex",
            "ongoing",
            "mobility",
            "world-cafe",
            "media/x.png",
            "https://example.org/",
            "mailto:x@example.org",
            "javascript:alert(1)",
            "Maputo, MZ",
            "Maputo, XX",
        ]
    ),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(),
    texts,
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(texts, children, max_size=4)),
    max_leaves=12,
)
ALL_KEYS = sorted({key for fields in FIELDS.values() for key in fields})
keys = st.one_of(st.sampled_from(ALL_KEYS), texts)

# YAML a dumper never writes: tags, aliases, merge keys, complex keys, duplicates, bad indentation, deep nesting.
RAW_YAML = [
    "title: !!python/object/apply:os.system ['echo owned']",
    "title: !!python/name:os.system",
    "title: !custom x",
    "title: !!binary aGVsbG8=",
    "title: !!set {a, b}",
    "title: !!omap [a: 1]",
    "title: !!timestamp 2016-13-45",
    "title: !!int x",
    "title: !!float x",
    "anchor: &a [*a]",
    "anchor: &b {x: *b}",
    "k0: &a0 [x, x, x, x, x, x, x, x, x, x]\nk1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\n"
    "k2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\nk3: [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]",
    "title: &t Anchored title",
    "partners: [&p UCLG, *p]",
    "image: //attacker.example/x.png\nimage_alt: x",
    'image: "\\\\attacker.example\\x.png"\nimage_alt: x',
    'city: "\\u202euohzgnaH"',
    'title: "zero\\u200bwidth"',
    "start: 1000\nend: 9999",
    "partners: [" + "x" * 400 + "]",
    "<<: {title: merged}",
    "? [a, b]\n: complex key",
    "? {a: b}\n: complex key",
    "title: one\ntitle: two",
    "sources:\n  - title: x\n    url: javascript:alert(1)\n  - 3\n  - {title: y}",
    "sources: [{title: a, url: 'https://example.org/', extra: 1}]",
    "contact: {organisation: [x], url: 'mailto:'}",
    "contact: {url: 'https://example.org/'}",
    "topics: mobility",
    "topics: []",
    "topics: [mobility, mobility]",
    "\ttitle: tab-indented",
    "title: 'unterminated",
    'title: "bad \\q escape"',
    "title: |\n  two\n  lines",
    "title: >\n  folded\n  text",
    "published: 2016-13-45",
    "published: 2026-02-30",
    "published: 2026-01-01T10:00:00+25:00",
    "published: 0001-01-01",
    "start: 99999999999999999999999999",
    "end: -5",
    "start: 2020\nend: 2010",
    "coordinates: [.nan, .inf]",
    "coordinates: [1e400, -1e400]",
    "coordinates: [true, false]",
    "sdgs: [1e400, .nan, 17.0, '5']",
    "image: media/../../etc/passwd",
    "image: /etc/passwd",
    "image: media/missing.png\nimage_alt: x",
    'lang: "\\0"',
    "aliases: [hangzhou-bikes, fuzz, Fuzz, '../x']",
    "related: [fuzz]",
    "learned_from: [fuzz, hangzhou-bikes]",
    "methods: [world-cafe, world-cafe, nope]",
    "method: [world-cafe]",
    "practices: [hangzhou-bikes, nope]",
    "participants: ['Maputo, XX', ', MZ', ',', 'Hangzhou']",
    "stages: [seek, seek, flee]",
    "draft: yes",
    "draft: 'true'",
    "x: " + "[" * 600 + "]" * 600,
    "x: " + "{a: " * 40 + "b" + "}" * 40,
    "x:\n" + "".join("  " * i + "- \n" for i in range(1, 40)),
    "%YAML 1.1",
    "key: value\n...\nafter: end",
    "- a\n- b",
    "just a scalar",
    "title: " + "x" * 5000,
    "summary: " + "y" * 400,
]

# Markdown that has tripped parsers: bracket runs, deep nesting, unclosed constructs, HTML and attr_list.
MARKDOWN = [
    "## Starting point",
    "## Institutional setting",
    "## Approach",
    "## Outcome",
    "## Lessons learnt",
    "## Transfer opportunities",
    "# H1 {#main}",
    "## Main",
    "### deep {: .x #y }",
    "[TOC]",
    "[" * 300,
    "]" * 300,
    "(" * 300,
    "*" * 300,
    "_" * 300,
    "`" * 300,
    "<" * 300,
    "&" * 100,
    "".join("  " * i + "- item\n" for i in range(60)),
    "> " * 80 + "quote",
    "| a | b |\n|---|---|\n| 1 |",
    "| a |\n|:-:|\n" + "| x |\n" * 20,
    "Text[^1]\n\n[^1]: note",
    "[^missing]",
    "[^1]: orphan",
    "[^1]\n\n[^1]: [^1]",
    "- [x] done\n- [ ] todo",
    "Term\n:   Definition",
    "*[HTML]: Hyper Text\n\nHTML",
    "```\nunclosed fence",
    "~~~python\ncode\n~~~",
    "    indented code",
    "<div>\nunclosed",
    "<!-- unclosed comment",
    "<![CDATA[ unclosed",
    "<?php echo 1; ?>",
    "[ref]: https://example.org\n\n[x][ref]",
    "[x][nope]",
    "![img](x.png)",
    "![map](//attacker.example/share/bus.png)",
    "![map](\\\\\\\\attacker.example\\share\\x.png)",
    "[link](/\\attacker.example/)",
    '<img src="\\\\attacker2.example\\share\\x.png">',
    '<img srcset="a.png 1x, //attacker.example/x.png 2x">',
    '<a href=" \t//attacker.example/">x</a>',
    "![remote](https://tracker.example/pixel.png)",
    "> ## quoted heading\n\n## Outcome",
    "\x07\x1b[31m\ufffe\uffff",
    "<https://example.org>",
    "www.example.org",
    "\x00\x01\x02",
    "\u202eevil",
    "\ufeffbom",
    "\r\n\r\n",
    "\t\t\ttabs",
]
bodies = st.lists(
    st.one_of(st.text(max_size=60), st.sampled_from(MARKDOWN), st.sampled_from(HTML_VECTORS + MARKDOWN_VECTORS)),
    max_size=12,
).map("\n\n".join)

VALID = {
    "case-studies": {
        "title": "T",
        "summary": "S",
        "published": dt.date(2026, 1, 1),
        "city": "Matola",
        "country": "MZ",
        "topics": ["mobility"],
        "cynefin": "complex",
    },
    "events": {
        "title": "T",
        "summary": "S",
        "date": dt.date(2026, 1, 1),
        "city": "Matola",
        "country": "MZ",
        "method": "world-cafe",
        "topics": ["mobility"],
    },
    "methods": {"title": "T", "summary": "S", "stages": ["seek"]},
    "pages": {"title": "T"},
}

# ---------------------------------------------------------------- running one example

_WITH_LINE = re.compile(r"^.+?:\d+: ")
_WITHOUT_LINE = re.compile(r"^.+?: ")


def _known_gap(problem: Problem) -> bool:
    """Reports that still echo a raw value or key with its line breaks (see test_no_report_spans_lines)."""
    return (
        "unknown field" in problem.message
        or problem.message.endswith("is listed twice")
        or problem.field in ("cynefin", "published", "updated", "start", "end", "date", "end_date")
    )


def _well_formed(problem: Problem) -> str | None:
    """Why a problem is not a `path:line: field: message` report, or None."""
    text = str(problem)
    if not isinstance(problem.line, int) or problem.line < 0 or not problem.file or not problem.message:
        return f"incomplete: {problem!r}"
    if not (_WITH_LINE if problem.line else _WITHOUT_LINE).match(text):
        return f"not path:line: {text!r}"
    if ("\n" in text or "\r" in text) and not _known_gap(problem):
        return f"spans lines: {text!r}"
    if "Traceback" in text or "Error(" in text:
        return f"a traceback or exception leaked: {text!r}"
    return None


def run(folder: str, front_matter: str, body: str) -> list[Problem]:
    """Check and (when clean) build a minimal site with one generated file; return its problems."""
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
        root = make_site(Path(tmp), SITE)
        path = root / "content" / folder / "fuzz.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{front_matter}\n---\n{body}", encoding="utf-8", errors="surrogatepass")
        _, problems = check_content(Path("content"))
        wrong = [w for w in map(_well_formed, problems) if w]
        assert wrong == []
        if any(p.is_error for p in problems):
            return problems
        try:
            build_site(BuildOptions(content_dir=Path("content"), out_dir=Path("out"), search=False), environ=ENVIRON)
        except BuildFailed as exc:  # a content problem found late still has to be a well-formed report
            assert exc.problems and [w for w in map(_well_formed, exc.problems) if w] == []
            return exc.problems
        page = Path("out") / ("" if folder == "pages" else folder) / "fuzz" / "index.html"
        if page.exists():
            assert page_problems(page.as_posix(), page.read_bytes(), set(), THEME_IDS) == []
        for feed in Path("out").rglob("*.xml"):
            ElementTree.fromstring(feed.read_bytes())  # raises unless well-formed XML
        return problems


def _dump(doc: dict, flow: bool, unicode: bool) -> str:
    return yaml.safe_dump(doc, default_flow_style=flow, allow_unicode=unicode, sort_keys=False, width=10**6).rstrip(
        "\n"
    )


# ---------------------------------------------------------------- properties


@FUZZ
@given(
    folder=st.sampled_from(sorted(VALID)),
    replaced=st.dictionaries(keys, values, max_size=5),
    dropped=st.sets(st.sampled_from(ALL_KEYS), max_size=3),
    flow=st.booleans(),
    unicode=st.booleans(),
)
def test_random_front_matter_is_built_or_reported(folder, replaced, dropped, flow, unicode):
    doc = {k: v for k, v in VALID[folder].items() if k not in dropped}
    doc.update(replaced)
    run(folder, _dump(doc, flow, unicode), "## Starting point\n\nText.\n")


@settings(FUZZ, max_examples=30)
@given(
    folder=st.sampled_from(["case-studies", "events"]),
    raw=st.lists(st.sampled_from(RAW_YAML), min_size=1, max_size=4, unique=True),
    before=st.booleans(),
)
def test_hand_written_yaml_is_built_or_reported(folder, raw, before):
    valid = _dump(VALID[folder], False, True)
    front = "\n".join([*raw, valid] if before else [valid, *raw])
    run(folder, front, "Text.\n")


@settings(FUZZ, max_examples=30)
@given(folder=st.sampled_from(sorted(VALID)), body=bodies)
def test_random_markdown_is_built_or_reported(folder, body):
    problems = run(folder, _dump(VALID[folder], False, True), body)
    expected = ("render", "nested", "names another host", "is not inside the site")  # URLs refused on purpose
    assert not any(p.is_error for p in problems if p.field == "body" and not any(e in p.message for e in expected))


# ---------------------------------------------------------------- one problem, one line


@pytest.mark.parametrize(
    "line",
    [
        'title: "two\\nlines"',
        'city: "Ma\\rtola"',
        'summary: "a\\u2028b"',
        'country: "Moz\\nambique"',
        'status: "on\\ngoing"',
        'topics: ["mob\\nility"]',
        'sources: [{title: S, url: "https://example.org/\\nx"}]',
        'contact: {organisation: "a\\nb", url: "mailto:\\nx"}',
        'lang: "e\\nn"',
        'aliases: ["a\\nb"]',
        'related: ["a\\nb"]',
        'partners: ["a\\x00b"]',
        'cynefin: "comp\\nlex"',
        'published: "2016-13\\n-45"',
        'start: "20\\n14"',
        'partners: ["a\\nb", "a\\nb"]',
        'sources: [{title: S, url: "https://example.org/", "ex\\ntra": 1}]',
        '"bad\\nkey": 1',
    ],
)
def test_no_report_spans_lines(site_root, line):
    """A value or key with a line break cannot forge a second `path:line:` line in a report."""
    path = site_root / "content/case-studies/hangzhou-bikes.md"
    key = line.split(":")[0]
    text = "\n".join(row for row in path.read_text().split("\n") if not row.startswith(key + ":"))
    path.write_text(text.replace("---\n", "---\n" + line + "\n", 1))
    _, problems = check_content(Path("content"))
    assert [str(p) for p in problems if "\n" in str(p) or "\r" in str(p)] == []


# ---------------------------------------------------------------- images of any size


def _bilevel_png(width: int, height: int) -> bytes:
    """A 1-bit PNG written row by row: 20000x20000 is a few kilobytes and never held in memory whole."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer = zlib.compressobj(1)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def _animated_gif(size: int, frames: int) -> bytes:
    import io

    from PIL import Image

    images = [Image.new("P", (size, size), i) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:])
    return out.getvalue()


images = st.one_of(
    st.builds(_bilevel_png, st.sampled_from([1, 640, 7000, 20000]), st.sampled_from([1, 480, 6000, 20000])),
    st.builds(_animated_gif, st.sampled_from([16, 1500, 2500]), st.integers(min_value=2, max_value=8)),
    st.binary(max_size=64).map(lambda tail: b"\x89PNG\r\n\x1a\n" + tail),  # a broken header
)


@settings(FUZZ, max_examples=12)
@given(data=images, suffix=st.sampled_from([".png", ".gif"]))
def test_images_of_any_size_are_published_or_refused_in_one_line(data, suffix):
    from PIL import Image

    from generator.media import PIXEL_LIMIT

    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
        make_site(Path(tmp), SITE)
        (Path(tmp) / "content/media").mkdir()
        (Path(tmp) / "content/media" / f"fuzz{suffix}").write_bytes(data)
        _, problems = check_content(Path("content"))
        errors = [p for p in problems if p.is_error]
        assert [w for w in map(_well_formed, problems) if w] == []
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                image = Image.open(io.BytesIO(data))
            with image:
                fits = image.size[0] * image.size[1] * getattr(image, "n_frames", 1) <= PIXEL_LIMIT
                fits = fits and image.format == {".png": "PNG", ".gif": "GIF"}[suffix]
        except Exception:
            fits = False
        if not fits:
            assert [p.file for p in errors] == [f"content/media/fuzz{suffix}"]
            return
        assert errors == []
        build_site(BuildOptions(content_dir=Path("content"), out_dir=Path("out"), search=False), environ=ENVIRON)
        assert (Path("out/media") / f"fuzz{suffix}").is_file()
