"""A deterministic synthetic corpus in the contract's format: python bench/corpus.py N DIR.

The same N gives the same files. Practices spread over 60 cities in 30 countries,
10 topics, the five Cynefin domains and 5 methods; about one in five is an event.
Bodies have the six poster sections with a table, a list and links, roughly the
size of the sample content's case studies.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

COUNTRIES = [
    "BR",
    "MZ",
    "CO",
    "BO",
    "CN",
    "IT",
    "GB",
    "FR",
    "ES",
    "PT",
    "AR",
    "MX",
    "ZA",
    "KE",
    "SN",
    "MA",
    "IN",
    "ID",
    "PH",
    "VN",
    "DE",
    "NL",
    "SE",
    "PL",
    "TR",
    "EG",
    "NG",
    "GH",
    "PE",
    "CL",
]
TOPICS = [
    "mobility",
    "participatory-governance",
    "public-space",
    "local-finance",
    "knowledge-management",
    "decentralised-cooperation",
    "urban-planning",
    "social-inclusion",
    "environment",
    "decent-work",
]
DOMAINS = ["clear", "complicated", "complex", "chaotic", "confused"]
METHODS = ["world-cafe", "peer-review", "gallery-of-good-practices", "temporary-think-tank", "study-visit"]
WORDS = [
    "city",
    "council",
    "residents",
    "budget",
    "assembly",
    "district",
    "transport",
    "bicycle",
    "network",
    "peer",
    "learning",
    "practice",
    "market",
    "street",
    "housing",
    "water",
    "waste",
    "youth",
    "women",
    "finance",
    "tax",
    "plan",
    "data",
    "knowledge",
    "exchange",
    "mayor",
    "staff",
    "service",
    "public",
    "space",
    "park",
    "school",
    "health",
    "climate",
    "energy",
    "partnership",
    "cooperation",
    "evaluation",
    "pilot",
]


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(3, 5)))


def _body(rng: random.Random) -> str:
    sections = [
        "Starting point",
        "Institutional setting",
        "Approach",
        "Outcome",
        "Lessons learnt",
        "Transfer opportunities",
    ]
    parts = []
    for i, title in enumerate(sections):
        parts.append(f"## {title}\n\n{_paragraph(rng)}\n")
        if i == 2:
            parts.append(
                "| Step | Who | When |\n|---|---|---|\n"
                + "".join(
                    f"| {_sentence(rng, 3)} | {rng.choice(WORDS)} | {2000 + rng.randint(0, 25)} |\n" for _ in range(3)
                )
            )
        if i == 4:
            parts.append("".join(f"- {_sentence(rng, 6)}\n" for _ in range(4)))
    return "\n".join(parts)


def write_corpus(n: int, root: Path) -> None:
    rng = random.Random(20261123)
    content = root / "content"
    for folder in ("case-studies", "events", "methods", "pages"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    (content / "site.yml").write_text(
        "title: Synthetic Library\ndescription: A synthetic corpus for benchmarks.\nbase_url: https://example.org/\nlicense: CC-BY-4.0\n"
    )
    (content / "topics.yml").write_text(
        "".join(f"{t}:\n  label: {t.replace('-', ' ').capitalize()}\n  description: {t}.\n" for t in TOPICS)
    )
    for m in METHODS:
        (content / "methods" / f"{m}.md").write_text(
            f"---\ntitle: {m.replace('-', ' ').capitalize()}\nsummary: A learning method.\nstages: [seek, sense, share]\n---\n## How it works\n\n{_paragraph(rng)}\n"
        )
    (content / "pages" / "about.md").write_text("---\ntitle: About\n---\nA synthetic library.\n")
    cities = [(f"City {i:02d}", COUNTRIES[i % len(COUNTRIES)]) for i in range(60)]
    studies: list[str] = []
    for i in range(n):
        city, country = rng.choice(cities)
        topics = sorted(rng.sample(TOPICS, rng.randint(1, 3)))
        year = 2000 + rng.randint(0, 24)
        published = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        slug = f"practice-{i:05d}"
        if i % 5 == 4:
            practices = rng.sample(studies, min(2, len(studies)))
            front = (
                f"title: Event {i}\nsummary: {_sentence(rng, 14)}\ndate: {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n"
                f"city: {city}\ncountry: {country}\nmethod: {rng.choice(METHODS)}\ntopics: [{', '.join(topics)}]\n"
                f"participants: [{rng.choice(cities)[0]}]\npractices: [{', '.join(practices)}]\n"
            )
            (content / "events" / f"{slug}.md").write_text(f"---\n{front}---\n{_body(rng)}")
        else:
            front = (
                f"title: Practice {i} on {rng.choice(WORDS)}\nsummary: {_sentence(rng, 16)}\npublished: {published}\n"
                f"city: {city}\ncountry: {country}\ntopics: [{', '.join(topics)}]\ncynefin: {rng.choice(DOMAINS)}\n"
                f"start: {year}\nsdgs: [{rng.randint(1, 17)}]\nmethods: [{rng.choice(METHODS)}]\n"
                f"sources:\n  - title: Source {i}\n    url: https://example.org/source/{i}\n"
            )
            (content / "case-studies" / f"{slug}.md").write_text(f"---\n{front}---\n{_body(rng)}")
            studies.append(slug)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python bench/corpus.py N DIR")
    write_corpus(int(sys.argv[1]), Path(sys.argv[2]))
