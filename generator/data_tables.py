"""The tables of data/ as declarations: each table's description, columns (Table Schema types) and keys.

practices.csv has one row per case study or event; every list field has a long table of its own. The
columns a declared taxonomy exports (taxonomies.py) take their places here, so datapackage.py, which writes
the rows, and the descriptor of data/datapackage.json both follow the declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any, TypeVar

from generator.model import CaseStudy
from generator.site import Practice, Site
from generator.taxonomies import Taxonomy

__all__ = [
    "LIST_TABLES",
    "TO_PRACTICES",
    "Field",
    "FormattedRecords",
    "Table",
    "claim_columns",
    "export_inputs",
    "tables",
    "taxonomy_values",
]

_T = TypeVar("_T")

# A field is (name, Table Schema type, description, extra properties).
Field = tuple[str, str, str, dict[str, object]]
# A table is (description, fields, primary key, foreign keys besides slug -> practices.slug).
Table = tuple[str, tuple[Field, ...], list[str], list[dict[str, object]]]
_DATE_OR_MONTH = "date only when the content gives the day; the month column always has the month"
_PRACTICE_FIELDS: tuple[Field, ...] = (
    ("type", "string", "case-study or event", {"constraints": {"required": True, "enum": ["case-study", "event"]}}),
    ("slug", "string", "the record's identifier (its file name)", {"constraints": {"required": True, "unique": True}}),
    ("lang", "string", "language of the record's text (BCP 47)", {}),
    ("url", "string", "the record's page: absolute when the site has a base_url, else relative to the site", {}),
    ("title", "string", "", {"constraints": {"required": True}}),
    ("summary", "string", "", {}),
    ("status", "string", "case studies: ongoing, completed or discontinued", {}),
    ("published", "date", "case studies: when the practice entered the library", {}),
    ("updated", "date", "case studies: last substantial update", {}),
    ("start_year", "integer", "case studies: the year the practice started", {}),
    ("start_date", "date", "case studies: the day it started, when the content gives a full date", {}),
    ("end_year", "integer", "case studies: the year the practice ended", {}),
    ("end_date", "date", "the last day: of a case study when given as a full date, of an event", {}),
    ("date", "date", f"events: the first day ({_DATE_OR_MONTH})", {}),
    ("date_month", "yearmonth", "events: the month of the first day (YYYY-MM)", {}),
    ("end_month", "yearmonth", "events: the month of the last day (YYYY-MM)", {}),
    ("method", "string", "events: the learning method's slug", {}),
    ("method_title", "string", "events: the learning method's title", {}),
    ("event", "string", "events: the series or forum", {}),
    ("contact_organisation", "string", "case studies: the team or office to ask", {}),
    ("contact_url", "string", "", {}),
    ("latitude", "number", "WGS 84", {"constraints": {"minimum": -90, "maximum": 90}}),
    ("longitude", "number", "WGS 84", {"constraints": {"minimum": -180, "maximum": 180}}),
    ("image", "string", "path of the image in the site (media/...)", {}),
    ("image_alt", "string", "the image's text alternative", {}),
    ("draft", "boolean", "true only in builds with --drafts", {}),
)

_SLUG: Field = ("slug", "string", "the practice (practices.csv)", {"constraints": {"required": True}})
_POSITION: Field = (
    "position",
    "integer",
    "order as written, from 1",
    {"constraints": {"required": True, "minimum": 1}},
)
TO_PRACTICES: dict[str, object] = {"fields": "slug", "reference": {"resource": "practices", "fields": "slug"}}

# The columns of practices.csv in schema 2's order. The columns of the declared taxonomies with one term a
# practice (taxonomies.py: city, country, cynefin by default) take their places here by name; a column this
# list does not name comes last, in the order of the declarations.
_PRACTICE_ORDER = (
    *(f[0] for f in _PRACTICE_FIELDS[:6]),  # type ... summary
    *("city", "country", "country_name", "cynefin", "cynefin_label"),
    *(f[0] for f in _PRACTICE_FIELDS[6:]),  # status ... draft
)

# The long tables of the fields that are not taxonomies, after those of the declared taxonomies with a list
# of terms (topics, sdgs by default): name -> (description, fields, primary key, foreign keys besides
# slug -> practices.slug)
LIST_TABLES: dict[str, Table] = {
    "methods": (
        "Learning methods a case study used.",
        (_SLUG, ("method", "string", "method slug", {}), ("method_title", "string", "", {})),
        ["slug", "method"],
        [],
    ),
    "sources": (
        "Sources of each practice.",
        (_SLUG, _POSITION, ("title", "string", "", {}), ("url", "string", "http(s) URL", {})),
        ["slug", "position"],
        [],
    ),
    "partners": (
        "Partner organisations and networks of each case study.",
        (_SLUG, _POSITION, ("partner", "string", "", {})),
        ["slug", "position"],
        [],
    ),
    "organizers": (
        "Organisers of each event.",
        (_SLUG, _POSITION, ("organizer", "string", "", {})),
        ["slug", "position"],
        [],
    ),
    "related": (
        "Practices each practice names as related.",
        (_SLUG, ("related", "string", "slug of the related practice", {})),
        ["slug", "related"],
        [{"fields": "related", "reference": {"resource": "practices", "fields": "slug"}}],
    ),
    "learned_from": (
        "Case studies each case study adapted (who learned from whom).",
        (_SLUG, ("learned_from", "string", "slug of the case study learned from", {})),
        ["slug", "learned_from"],
        [{"fields": "learned_from", "reference": {"resource": "practices", "fields": "slug"}}],
    ),
    "participants": (
        "Participating cities of each event.",
        (
            _SLUG,
            _POSITION,
            ("participant", "string", "the city as written", {}),
            ("participant_country", "string", "ISO code, when the content gives it", {}),
            ("city_url", "string", "the city's page, when the name matches one city of the library", {}),
        ),
        ["slug", "position"],
        [],
    ),
    "event_practices": (
        "Case studies discussed at each event.",
        (_SLUG, ("practice", "string", "case-study slug", {})),
        ["slug", "practice"],
        [{"fields": "practice", "reference": {"resource": "practices", "fields": "slug"}}],
    ),
    "translations": (
        "Translations of each practice.",
        (_SLUG, ("lang", "string", "", {}), ("title", "string", "", {}), ("url", "string", "", {})),
        ["slug", "lang"],
        [],
    ),
}


def taxonomy_values(
    site: Site, declarations: Iterable[Taxonomy], record: Practice
) -> Iterator[tuple[Taxonomy, list[tuple[str | int, str, str]]]]:
    """Each declared export column's taxonomy with a practice's terms there, as (value in the exports, key,
    label) in the practice's order; a taxonomy that does not apply to the practice (SDGs of events) is left out."""
    found = site.terms_of.get(record.slug, {})
    for taxonomy in declarations:
        terms = found.get(taxonomy.key)
        if taxonomy.export_column is not None and terms is not None:
            yield taxonomy, [(taxonomy.export.value(key, label), key, label) for key, label in terms]


def claim_columns(taken: dict[str, str], taxonomy: Taxonomy, names: Iterable[str]) -> None:
    """Note that ``taxonomy`` exports to ``names``; ``taken`` says what each name already is. A declared export
    column may not take a name the exports already use."""
    for name in names:
        if name in taken:
            raise ValueError(f"taxonomy {taxonomy.key!r}: its export column {name!r} is already {taken[name]}")
        taken[name] = f"the export column of taxonomy {taxonomy.key!r}"


def tables(declarations: Iterable[Taxonomy]) -> dict[str, Table]:
    """Every table of data/, in order: practices, the long table of each declared taxonomy with a list of
    terms, then the long tables of the other list fields."""
    practice_fields = [*_PRACTICE_FIELDS]
    taken_tables = dict.fromkeys(["practices", *LIST_TABLES], "a table of data/")
    taken_columns = {f[0]: "a column of practices.csv" for f in _PRACTICE_FIELDS}
    lists: dict[str, Table] = {}
    for taxonomy in declarations:
        export, column = taxonomy.export, taxonomy.export_column
        if column is None:
            continue
        extra: dict[str, object] = {"constraints": dict(export.constraints)} if export.constraints else {}
        value: Field = (export.field or column, export.type, export.description, extra)
        label: tuple[Field, ...] = (
            ((export.label_field, "string", export.label_description, {}),) if export.label_field else ()
        )
        if export.single:
            claim_columns(taken_columns, taxonomy, [value[0], *(f[0] for f in label)])
            practice_fields += [value, *label]
        else:
            claim_columns(taken_tables, taxonomy, [column])
            lists[column] = (export.table_description, (_SLUG, value, *label), ["slug", value[0]], [])
    order = {name: i for i, name in enumerate(_PRACTICE_ORDER)}
    practice_fields.sort(key=lambda f: order.get(f[0], len(order)))
    practices: Table = ("One row per case study or event.", tuple(practice_fields), ["slug"], [])
    return {"practices": practices, **lists, **LIST_TABLES}


def export_inputs(site: Site, record: Practice, url: str, translations: list[dict[str, str]]) -> tuple[object, ...]:
    """Everything a practice's lines in the data exports are made from, but what a whole build shares (the
    declarations, the catalogs, base_url): the record, its URL and translations, its terms, the titles of
    the methods it names and the cities its participants matched. Equal inputs make equal lines."""
    methods = record.methods if isinstance(record, CaseStudy) else (record.method,)
    titles = tuple(site.methods[m].title if m in site.methods else None for m in methods)
    return (record, url, translations, site.terms_of.get(record.slug), titles, site.participants.get(record.slug))


class FormattedRecords:
    """The formatted lines of each practice in the data exports (its JSON record, its rows of each CSV table)
    and the bytes of each feed,
    kept between builds by a caller that builds again and again (practice serve), so that only the practices
    whose inputs changed are formatted again. Each entry keeps the inputs it was made from and is used only
    for equal inputs (export_inputs): nothing needs to be told which practices changed. One object serves
    one set of declarations, catalogs and base_url: a caller whose settings or themes change makes a new one.
    Plain data in memory, never written to disk."""

    def __init__(self) -> None:
        self._lines: dict[Hashable, tuple[object, Any]] = {}
        self._used: set[Hashable] = set()

    def get(self, key: Hashable, inputs: object, make: Callable[[], _T]) -> _T:
        """The value kept under ``key`` if it was made from equal ``inputs``, else ``make()`` (kept)."""
        self._used.add(key)
        found = self._lines.get(key)
        if found is not None and (found[0] is inputs or found[0] == inputs):
            value: _T = found[1]
            return value
        made = make()
        self._lines[key] = (inputs, made)
        return made

    def forget_unused(self) -> None:
        """Drop what no call asked for since the last time (practices or terms deleted or renamed): called
        once a build made all its files."""
        if len(self._used) < len(self._lines):
            self._lines = {key: value for key, value in self._lines.items() if key in self._used}
        self._used = set()
