"""The theme's interface translations (gettext catalogs) and what else depends on the reader's language.

Catalogs are the theme's ``locale/<lang>/LC_MESSAGES/messages.po`` files, read with Babel and compiled
in memory, so a theme ships text files only and an edited catalog takes effect on the next build.
A custom theme's catalog comes first; the default theme's fills in what it does not translate.
Nothing here is remembered between calls: a build reads the catalogs it needs and passes them on, so
`practice serve`, which builds again and again in one process, sees every edit to a catalog.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

__all__ = [
    "DEFAULT_THEME",
    "N_",
    "POSTER_SECTIONS",
    "CATALOG_PATH",
    "catalog_translations",
    "language_name",
    "poster_section_names",
    "format_number",
    "format_variables",
]

CATALOG_PATH = "locale/{lang}/LC_MESSAGES/messages.po"
DEFAULT_THEME = Path(__file__).resolve().parent.parent / "themes" / "default"


def N_(message: str) -> str:
    """Marks a string for extraction into the catalogs (babel.cfg) without translating it here."""
    return message


# The six sections of a poster at a gallery of good practices; alternatives accepted per section.
# The catalogs give their names in each language, so a practice written in Portuguese passes the check.
POSTER_SECTIONS = (
    (N_("Starting point"),),
    (N_("Institutional setting"),),
    (N_("Approach"),),
    (N_("Outcome"),),
    (N_("Lessons learnt"), N_("Lessons learned")),
    (N_("Transfer opportunities"),),
)


def _base(lang: str) -> str:
    return lang.replace("-", "_")


def catalog_translations(theme_dirs: tuple[Path, ...], lang: str) -> NullTranslations:
    """The interface translations for ``lang`` (``pt-BR`` falls back to ``pt``), as the files are now."""
    result: NullTranslations | None = None
    candidates = [lang] + ([lang.split("-", maxsplit=1)[0]] if "-" in lang else [])
    for theme in theme_dirs:
        for candidate in candidates:
            path = Path(theme) / CATALOG_PATH.format(lang=candidate)
            if not path.is_file():
                continue
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=None, abort_invalid=True)
            compiled = io.BytesIO()
            write_mo(compiled, catalog, use_fuzzy=False)
            compiled.seek(0)
            translations = Translations(compiled)
            if result is None:
                result = translations
            else:
                result.add_fallback(translations)
    return result or NullTranslations()


def language_name(lang: str, in_lang: str) -> str:
    """The name of a language in another (``pt`` in ``fr``: portugais), from CLDR; the tag itself if unknown."""
    try:
        return Locale.parse(_base(lang)).get_display_name(Locale.parse(_base(in_lang))) or lang
    except (ValueError, UnknownLocaleError, TypeError):
        return lang


def format_number(value: int, lang: str) -> str:
    """12345 as the reader writes it: 12,345 in English, 12 345 in French."""
    try:
        return format_decimal(value, locale=_base(lang))
    except (ValueError, UnknownLocaleError):
        return str(value)


def format_variables(
    variables: dict[str, object], lang: str, number: Callable[[int], str] | None = None
) -> dict[str, object]:
    """Numbers given to a translated string are shown in the page's language (by ``number`` when given, a
    formatter that may remember its results); text is left alone."""
    number = number or (lambda value: format_number(value, lang))
    return {k: number(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in variables.items()}


def poster_section_names(theme_dirs: tuple[Path, ...], languages: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Each poster section's accepted headings, in English and in every language of the site."""
    gettexts: list[Callable[[str], str]] = [catalog_translations(theme_dirs, lang).gettext for lang in languages]
    names = []
    for accepted in POSTER_SECTIONS:
        found = list(accepted)
        for gettext in gettexts:
            found += [gettext(name) for name in accepted]
        names.append(tuple(dict.fromkeys(found)))
    return tuple(names)
