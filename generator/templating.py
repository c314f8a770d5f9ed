"""The Jinja2 environment the pages are rendered in, and ``render_page``: one plan into one file.

One environment per language (autoescape, ``StrictUndefined``, new-style gettext with numbers in the
reader's format); what it shares between pages (card HTML, formatted numbers, translated strings) belongs
to the environment, so it lives as long as one rendering process of one build.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterable
from gettext import NullTranslations
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from generator.errors import BuildFailed, Problem
from generator.i18n import catalog_translations, format_number, format_variables
from generator.model import RenderedFile
from generator.page_plan import PagePlan
from generator.structured_data import json_ld_script

__all__ = ["dedent_html", "make_environment", "render_page"]


def make_environment(
    theme_dirs: Iterable[Path], lang: str = "en", bytecode_dir: Path | None = None
) -> jinja2.Environment:
    """Templates from each theme folder in turn, so a custom theme overrides by file name; the
    interface strings in ``lang`` from the themes' catalogs. With ``bytecode_dir`` (in the build's cache
    folder), compiled templates are kept between builds: compiling them costs a quarter of a second in
    every process that renders, which is most of a small rebuild. Jinja keys each entry by the template's
    name and source, so an edited template is compiled again."""
    theme_dirs = tuple(Path(d) for d in theme_dirs)
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d / "templates")) for d in theme_dirs])
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build: no stat() on every get_template
        bytecode_cache=_bytecode_cache(bytecode_dir) if bytecode_dir is not None else None,
    )
    numbers: dict[int, str] = {}  # this environment's: a list page shows the same counts again and again

    def number(value: int) -> str:
        found = numbers.get(value)
        if found is None:
            found = numbers[value] = format_number(value, lang)
        return found

    _install_translations(env, catalog_translations(theme_dirs, lang), lang, number)
    env.filters["number"] = number
    env.filters["json_ld"] = lambda data: Markup(json_ld_script(data))  # escaped for a <script> element
    env.globals["link"] = _link
    env.globals["asset"] = _asset
    env.globals["render_card"] = _render_card
    # owned by this environment: one per language and rendering process (see _render_card)
    env.globals["_card_cache"] = {}
    return env


def _bytecode_cache(directory: Path) -> jinja2.BytecodeCache | None:
    """Signed with the key in the user's cache folder: marshal must only load what this program wrote."""
    from generator.cache import authentication_key
    from generator.template_cache import SignedBytecodeCache

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # no cache folder to write: templates are compiled, as without one
    return SignedBytecodeCache(directory, authentication_key())


def _install_translations(
    env: jinja2.Environment, translations: NullTranslations, lang: str, number: Callable[[int], str]
) -> None:
    """Jinja's new-style gettext (``_("%(n)s cities", n=3)``), with numbers written the reader's way.

    Autoescaping is always on in this environment, so translations are Markup and their variables are
    escaped. ``_`` is the function itself, not the i18n extension's alias that looks it up on every call,
    and a string without variables is translated once: a page calls ``_`` some forty times.
    """
    plain: dict[str, Markup] = {}

    def gettext(message: str, **variables: Any) -> Markup:
        if not variables:
            text = plain.get(message)
            if text is None:
                text = plain[message] = Markup(translations.gettext(message)) % {}
            return text
        return Markup(translations.gettext(message)) % format_variables(variables, lang, number)

    def ngettext(singular: str, plural: str, num: int, **variables: Any) -> Markup:
        variables.setdefault("num", num)
        return Markup(translations.ngettext(singular, plural, num)) % format_variables(variables, lang, number)

    env.newstyle_gettext = True  # type: ignore[attr-defined]  # the i18n extension is installed by make_environment
    env.globals.update(gettext=gettext, ngettext=ngettext, _=gettext)


@pass_context
def _link(context: Context, url: str, tree: str | None = None) -> str:
    """A URL of the current language tree (``case-studies/x/``) as a link relative to the current page,
    naming index.html offline; ``tree`` ("pt/", or "" for the default language) links into another.
    Within a page's own tree the link does not climb out of it and back in: ``../../topics/x/``, not
    ``../../../pt/topics/x/`` (some 200 bytes a translated page)."""
    if context.get("offline") and (url == "" or url.endswith("/")):
        url += "index.html"
    root, current = str(context["root"]), str(context.get("tree", ""))
    if tree is not None and tree != current:
        return root + tree + url
    if current and root and not root.replace("../", ""):  # a relative root ("../../"), in a tree of its own
        up = root.count("../") - current.count("/")
        if up >= 0:
            return ("../" * up or "./") + url
    return root + current + url


@pass_context
def _asset(context: Context, url: str) -> str:
    """A file shared by every language tree (static/, media/, data/, pagefind/) as a relative link."""
    return str(context["root"]) + url


_ROOT_TOKEN = "\x00root\x00"  # stands for the page's path to the site root in a cached card


@pass_context
def _render_card(context: Context, item: dict[str, Any], heading: str = "h3") -> Markup:
    """card.html for one practice, rendered once and reused: lists of 100 cards are most of a large site.

    The card is rendered with a placeholder for the path to the site root, which each page fills in.
    """
    env = context.environment
    cache: dict[tuple[object, ...], tuple[dict[str, Any], str]] = env.globals["_card_cache"]  # type: ignore[assignment]  # this environment's: one language, one process
    # a practice's card is the same wherever it is listed: its URL names it. The item it was made from is
    # kept with it and compared, so an environment kept between builds (practice serve) never shows a card
    # of a practice as it was before an edit; within one build the item is the same object (cheap to compare)
    key = (heading, context.get("offline", False), context.get("lang"), context.get("tree", ""), item["url"])
    found = cache.get(key)
    html = found[1] if found is not None and (found[0] is item or found[0] == item) else None
    if html is None:
        html = (
            env.get_template("card.html")
            .render(
                item=item,
                heading=heading,
                root=_ROOT_TOKEN,
                offline=context.get("offline", False),
                lang=context.get("lang"),
                dir=context.get("dir"),
                tree=context.get("tree", ""),
            )
            .strip()
        )
        cache[key] = (item, html)
    return Markup(html.replace(_ROOT_TOKEN, context["root"]))


def render_page(env: jinja2.Environment, plan: PagePlan) -> RenderedFile:
    try:
        html = env.get_template(plan.template).render(plan.context)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildFailed(
            [Problem(exc.filename or plan.template, exc.lineno, "template", exc.message or str(exc))]
        ) from None
    except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError) as exc:
        raise BuildFailed([_template_problem(exc, plan)]) from None
    if plan.path.endswith(".html"):
        html = dedent_html(html)
    return RenderedFile(plan.path, html.encode("utf-8"), plan.source)


# Where leading spaces are text: <pre> and <textarea> keep theirs (a <script> here is one line of JSON).
_KEEPS_SPACES = re.compile(r"(<pre[\s>].*?</pre>|<textarea[\s>].*?</textarea>)", re.DOTALL | re.IGNORECASE)
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)


def dedent_html(html: str) -> str:
    """A page without the templates' indentation: spaces at the start of a line are collapsed with the
    line break before them wherever HTML collapses white space, so nothing shows but the bytes (some 400 a
    page) go; inside <pre> and <textarea> they are text, and stay."""
    parts = _KEEPS_SPACES.split(html)
    return "".join(part if i % 2 else _INDENT.sub("", part) for i, part in enumerate(parts))


def _template_problem(exc: Exception, plan: PagePlan) -> Problem:
    """Point at the template line that failed, and say which page was being rendered."""
    file, line = plan.template, 0
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            file, line = frame.filename, frame.lineno or 0
    return Problem(file, line, "template", f"{exc} (while rendering {plan.path})")
