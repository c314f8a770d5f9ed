"""What contributors see in GitHub's Markdown preview is what the site shows."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.markup import MarkdownRenderer


@pytest.fixture(scope="module")
def render():
    renderer = MarkdownRenderer()
    return lambda text: renderer.render(text).html


def test_lists_nested_by_two_spaces_nest(render):
    assert (
        render("- a\n  - b\n    - c\n") == "<ul>\n<li>a<ul>\n<li>b<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n</li>\n</ul>"
    )


def test_fenced_code_keeps_its_language_and_escapes(render):
    assert render("```python\nx = 1 < 2\n```\n") == '<pre><code class="language-python">x = 1 &lt; 2\n</code></pre>'


def test_tables_keep_their_alignment(render):
    assert render("| a | b |\n|:--|--:|\n| 1 | 2 |\n") == (
        '<table>\n<thead>\n<tr>\n<th align="left">a</th>\n<th align="right">b</th>\n</tr>\n</thead>\n'
        '<tbody>\n<tr>\n<td align="left">1</td>\n<td align="right">2</td>\n</tr>\n</tbody>\n</table>'
    )


def test_strikethrough(render):
    assert render("~~old~~ new") == "<p><del>old</del> new</p>"


def test_bare_urls_become_links(render):
    assert render("See https://example.org/x and www.uclg.org.") == (
        '<p>See <a href="https://example.org/x">https://example.org/x</a> and <a href="http://www.uclg.org">www.uclg.org</a>.</p>'
    )


def test_task_lists(render):
    assert render("- [x] done\n- [ ] todo\n") == (
        '<ul class="task-list">\n<li class="task-list-item"><input type="checkbox" disabled="" checked=""> done</li>\n'
        '<li class="task-list-item"><input type="checkbox" disabled=""> todo</li>\n</ul>'
    )


def test_headings_in_any_script_keep_readable_ids(render):
    assert render("## 杭州\n\n## القاهرة\n") == (
        '<section class="body-section">\n<h2 id="杭州">杭州</h2>\n</section>\n'
        '<section class="body-section">\n<h2 id="القاهرة">القاهرة</h2>\n</section>\n'
    )


def test_text_without_links_renders_the_same_with_or_without_link_detection(render):
    text = "## Approach\n\nPlain *text* with ~~no~~ links, 50% of budgets & more.\n"
    assert (
        render(text)
        == '<section class="body-section">\n<h2 id="approach">Approach</h2>\n<p>Plain <em>text</em> with <del>no</del> links, 50% of budgets &amp; more.</p>\n</section>\n'
    )


# Extensions are only loaded for bodies containing their syntax (markup._OPTIONAL); the result must be
# what the full set of extensions gives, whatever the text.
_SYNTAX = [
    "```",
    "~~~",
    "~~",
    "~",
    "[^1]",
    "[^1]: note",
    "{: #x }",
    "{.c}",
    "{",
    ": ",
    "\n: definition",
    "*[HTML]: Hyper",
    "*[",
    "[ ]",
    "[x]",
    "- ",
    "1. ",
    "|",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "\n",
    "\n\n",
    "    ",
    "## ",
    "Term\n: def",
    "https://example.org",
    "www.x.org",
    "a@b.org",
    "*",
    "_",
    "`",
    "<b>",
    "&amp;",
    "HTML",
    "text",
    " ",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_SYNTAX), max_size=25).map("".join))
def test_rendering_with_only_the_needed_extensions_equals_rendering_with_all(text):
    assert _GATED.render(text) == _FULL.render(text)


_GATED = MarkdownRenderer()
_FULL = MarkdownRenderer(every_extension=True)
