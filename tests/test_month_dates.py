"""Events dated to the month (`date: 2016-10`): checked, shown as the month, sorted as its first day,
and never given a day the sources do not give."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import make_site

from generator.build import BuildOptions, build_site, check_content

FOUR_LANGUAGES = """
-- content/site.yml --
title: Test Library
description: Practices for testing.
base_url: https://example.org/library/
license: CC-BY-4.0
languages: [en, fr, es, pt]
"""

EVENT = """
-- content/events/{slug}.md --
---
title: {title}
summary: A session at a forum.
date: {date}
city: Bogotá
country: CO
method: world-cafe
topics: [mobility]
---
Tables of four.
"""


def _event(slug: str, title: str, date: str) -> str:
    return EVENT.format(slug=slug, title=title, date=date)


def _errors(root: Path) -> list[str]:
    _, problems = check_content(Path("content"))
    return [str(p) for p in problems if p.is_error]


def _build(root: Path) -> Path:
    out = root / "out"
    build_site(
        BuildOptions(content_dir=Path("content"), out_dir=out, search=False),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )
    return out


@pytest.fixture
def month_site(site_root):
    make_site(
        site_root,
        FOUR_LANGUAGES
        + _event("forum-month", "Forum month", "2016-10")
        + _event("forum-second-day", "Forum second day", "2016-10-02")
        + _event("forum-september", "Forum September", "2016-09-30"),
    )
    return site_root


def test_a_month_date_checks_and_sorts_as_its_first_day(month_site):
    site, problems = check_content(Path("content"))
    assert not [p for p in problems if p.is_error]
    month = site.events["forum-month"].date
    assert month.isoformat() == "2016-10"
    assert (month.year, month.month, month.day) == (2016, 10, 1)
    newest_first = sorted(site.events.values(), key=lambda e: (-e.date.toordinal(), e.slug))
    assert [e.slug for e in newest_first] == ["forum-second-day", "forum-month", "forum-september"]


@pytest.mark.parametrize(
    ("tree", "label"),
    [("", "October 2016"), ("fr/", "octobre 2016"), ("es/", "octubre de 2016"), ("pt/", "outubro de 2016")],
)
def test_a_month_date_is_shown_as_the_month_in_each_language(month_site, tree, label):
    out = _build(month_site)
    page = (out / f"{tree}events/forum-month/index.html").read_text()
    assert f'<time datetime="2016-10">{label}</time>' in page
    assert "2016-10-01" not in page
    listing = (out / f"{tree}events/index.html").read_text()
    assert f'<time datetime="2016-10">{label}</time>' in listing
    titles = re.findall(r"Forum (?:month|second day|September)", listing)
    assert titles == ["Forum second day", "Forum month", "Forum September"]


def test_exports_and_feeds_never_invent_a_day(month_site):
    out = _build(month_site)
    records = {r["slug"]: r for r in json.loads((out / "data/practices.json").read_text())["records"]}
    assert records["forum-month"]["date"] == "2016-10"
    assert records["forum-second-day"]["date"] == "2016-10-02"
    csv = (out / "data/practices.csv").read_text(encoding="utf-8-sig")
    row = next(line for line in csv.splitlines() if line.startswith("event,forum-month,"))
    assert ",2016-10," in row and "2016-10-01" not in row
    feed = (out / "feed.xml").read_text()
    entry = feed[feed.index("<title>Forum month</title>") :]
    entry = entry[: entry.index("</entry>")]
    assert "<published>" not in entry  # optional in Atom: left out rather than dated to a made-up day
    assert "<published>2016-10-02T00:00:00Z</published>" in feed  # full dates keep theirs
    page = (out / "events/forum-month/index.html").read_text()
    assert '<span data-pagefind-sort="date">2016-10</span>' in page


@pytest.mark.parametrize("written", ["2016-13", "'2016-13'"])
def test_an_invalid_month_is_one_line_naming_both_forms(site_root, written):
    make_site(site_root, _event("forum-month", "Forum month", written))
    assert _errors(site_root) == [
        "content/events/forum-month.md:4: date: '2016-13' is not a valid date "
        "(write it as YYYY-MM-DD, or YYYY-MM when only the month is known)"
    ]


def test_only_an_event_date_may_be_a_month(site_root):
    make_site(
        site_root, _event("forum-month", "Forum month", "2016-10").replace("topics:", "end_date: 2016-10\ntopics:")
    )
    assert _errors(site_root) == [
        "content/events/forum-month.md:8: end_date: '2016-10' is not a valid date (write it as YYYY-MM-DD)"
    ]
