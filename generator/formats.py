"""Dates, country and language names and text direction in a reader's language, from CLDR (Babel).

A `LocalFormats` belongs to whoever makes one (a language tree's views, one map): it remembers what it has
formatted, since a list page asks for the same few dates and countries again and again, and is dropped
with its owner. Nothing is remembered by the process.
"""

from __future__ import annotations

import datetime as dt

from babel import Locale
from babel.dates import format_date, format_skeleton

from generator.i18n import language_name
from generator.model import MonthDate
from generator.vocab import country_name

__all__ = ["LocalFormats"]


class LocalFormats:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._dates: dict[tuple[type, dt.date], str] = {}
        self._countries: dict[str, str] = {}
        self._directions: dict[str, str] = {}
        self._languages: dict[str, str] = {}

    def date(self, value: dt.date) -> str:
        """``1 October 2026``, ``1 octobre 2026``: the long form in the reader's language; a `MonthDate`
        (an event the sources date to the month) as its month only: ``October 2016``, never a day."""
        key = (type(value), value)  # a MonthDate equals the first day of its month: keep them apart
        found = self._dates.get(key)
        if found is None:
            locale = self.lang.replace("-", "_")
            try:
                if isinstance(value, MonthDate):
                    found = format_skeleton("yMMMM", value, locale=locale)
                else:
                    found = format_date(value, format="long", locale=locale)
            except (ValueError, LookupError):
                found = value.isoformat()
            self._dates[key] = found
        return found

    def country(self, code: str) -> str:
        """CO -> Colombia, Colombie."""
        found = self._countries.get(code)
        if found is None:
            found = self._countries[code] = country_name(code, self.lang)
        return found

    def language(self, tag: str) -> str:
        """``pt`` -> portugais (in French)."""
        found = self._languages.get(tag)
        if found is None:
            found = self._languages[tag] = language_name(tag, self.lang)
        return found

    def direction(self, lang: str) -> str:
        """``rtl`` for a language written right to left, else ``ltr``."""
        found = self._directions.get(lang)
        if found is None:
            found = self._directions[lang] = text_direction(lang)
        return found


def text_direction(lang: str) -> str:
    try:
        return "rtl" if Locale.parse(lang.replace("-", "_")).character_order == "right-to-left" else "ltr"
    except (ValueError, LookupError):
        return "ltr"
