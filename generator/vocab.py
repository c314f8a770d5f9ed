"""Controlled vocabularies and normalisation: slugs, countries, Cynefin aliases, suggestions."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from types import MappingProxyType

import pycountry
from slugify import slugify as _slugify

from generator.model import CynefinDomain

__all__ = [
    "SLUG_RE",
    "SLUG_LIMIT",
    "CYNEFIN_ALIASES",
    "slugify",
    "title_slug",
    "windows_device",
    "device_name_problem",
    "did_you_mean",
    "country_code",
    "country_name",
    "country_suggestion",
]

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_LIMIT = 60  # characters of a slug `practice new` makes from a title (a 157-character file name helps no one)
# Names Windows reserves for a device, in any case and with any extension (con.md, Nul.png): no file or folder
# of that name can be checked out there. COM and LPT take a digit, superscripts included.
_WINDOWS_DEVICES = re.compile(
    r"^(?:con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(?:\..*)?$", re.I
)

CYNEFIN_ALIASES = {
    "simple": CynefinDomain.CLEAR,
    "obvious": CynefinDomain.CLEAR,
    "disorder": CynefinDomain.CONFUSED,
}


def slugify(text: str) -> str:
    """Lowercase ASCII slug, transliterated: São Paulo -> sao-paulo, 杭州 -> hang-zhou."""
    return _slugify(text) or "x"


def title_slug(title: str, limit: int = SLUG_LIMIT) -> str:
    """The slug `practice new` gives a title: at most ``limit`` characters, cut at a hyphen where the slug is
    longer; '' when the title has no letter or digit to make one from (``!!!``)."""
    found = _slugify(title)
    if len(found) > limit:
        head = found[: limit + 1]
        found = head.rsplit("-", 1)[0] if "-" in head else found[:limit]
    return found


def windows_device(name: str) -> bool:
    """Whether Windows reserves ``name`` for a device: CON, PRN, AUX, NUL, COM1-9, LPT1-9, in any case, with any
    extension (``con.md``)."""
    return bool(_WINDOWS_DEVICES.match(name))


def device_name_problem(name: str) -> str | None:
    """The checker's message for a file name or slug that Windows reserves for a device, or None."""
    if windows_device(name):
        return f"the name '{name}' is reserved for a device on Windows, which cannot check it out; rename it"
    return None


def did_you_mean(word: object, choices: Iterable[object]) -> str:
    """`` (did you mean 'x'?)`` when one choice is close to ``word``, else ''."""
    matches = difflib.get_close_matches(str(word).lower(), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", "".join(c for c in decomposed if not unicodedata.combining(c))).split())


# Kept for the process: a table of the installed pycountry and Babel data, never of the content; read-only,
# so no caller can change what the next one reads.
@lru_cache(maxsize=1)
def _countries_by_name() -> Mapping[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names.setdefault(_fold(value), country.alpha_2)
    from babel import (
        Locale,  # CLDR's everyday English names: South Korea, Russia, Vietnam
    )

    for code, value in Locale("en").territories.items():
        if len(code) == 2 and pycountry.countries.get(alpha_2=code):
            names.setdefault(_fold(value), code)
    return MappingProxyType(names)


def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a code (``MZ``, ``mz``) or English name (``Mozambique``)."""
    text = value.strip()
    if len(text) == 2 and text.isalpha():
        found = pycountry.countries.get(alpha_2=text.upper())
        return found.alpha_2 if found else None
    return _countries_by_name().get(_fold(text))


def country_suggestion(value: str) -> str:
    names = {_fold(c.name): c.name for c in pycountry.countries}
    match = difflib.get_close_matches(_fold(value), list(names), n=1, cutoff=0.75)
    return f" (did you mean '{names[match[0]]}'?)" if match else ""


def country_name(code: str, locale: str = "en") -> str:
    """The country's name in a language, from CLDR (Babel): CO -> Colombia, Colombie."""
    from babel import Locale

    try:
        return Locale.parse(locale.replace("-", "_")).territories.get(code.upper()) or code
    except (ValueError, LookupError):
        found = pycountry.countries.get(alpha_2=code.upper())
        return found.name if found is not None else code
