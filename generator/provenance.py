"""Where a build comes from (its date, commit and source), and the README.txt of an offline copy that tells
a reader how to open, verify and cite it. The same inputs (SOURCE_DATE_EPOCH, commit) give the same bytes."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.model import RenderedFile, SiteConfig
from generator.site import Site

__all__ = ["Provenance", "provenance", "render_offline_readme"]

_COMMIT = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


@dataclass(frozen=True)
class Provenance:
    built: (
        str | None
    )  # ISO date from SOURCE_DATE_EPOCH; None when it is not set (the clock would break reproducibility)
    commit: str | None
    source: str | None  # the repository's URL (site.yml), else the published site's


def _commit(environ: Mapping[str, str], content_dir: Path) -> str | None:
    given = environ.get("GITHUB_SHA", "").strip().lower()
    if _COMMIT.fullmatch(given):
        return given
    git = shutil.which("git")
    if git is None:
        return None
    try:
        # rev-parse reads refs only: no hooks, filters or fsmonitor run
        result = subprocess.run(
            [git, "-C", str(content_dir), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and _COMMIT.fullmatch(commit) else None


def provenance(config: SiteConfig, environ: Mapping[str, str], content_dir: Path) -> Provenance:
    epoch = environ.get("SOURCE_DATE_EPOCH", "")
    built = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat() if epoch.isdigit() else None
    return Provenance(built, _commit(environ, content_dir), config.repository or config.base_url)


_README = """{title}: offline copy
{underline}

This folder is a complete copy of the site that works without a server or an internet
connection, search included.

To open it: unzip the archive anywhere (a laptop, a USB stick, a shared drive) and
open index.html in this folder with a web browser (double-click it, or drag it onto
a browser window).

About this copy
  Built:    {built}
  Commit:   {commit}
  Source:   {source}
  Licence:  {license}

Data
  data/practices.json   every case study and event; it names its JSON Schema
                        (data/practices.schema-2.json) in "$schema"
  data/practices.csv    one row per case study or event (UTF-8 with a byte-order mark)
  data/*.csv            one long table per list field (topics, SDGs, methods, sources,
                        partners, related, learned_from, participants, ...), keyed by slug
  data/datapackage.json describes every column of every table (type, meaning, keys):
                        a Frictionless Data Package, read by frictionless, pandas, R, ...

Verify the copy (nothing to install)
  Linux:    sha256sum -c SHA256SUMS
  macOS:    shasum -a 256 -c SHA256SUMS
  Windows (PowerShell), for one file:
            (Get-FileHash -Algorithm SHA256 index.html).Hash
            and compare it with the line for index.html in SHA256SUMS.
  With the generator installed: practice verify <this folder>

Cite it as
  {citation}
"""


def render_offline_readme(site: Site, environ: Mapping[str, str], content_dir: Path) -> RenderedFile:
    """README.txt at the root of an offline copy: how to open, verify and cite it, and what data it holds."""
    config = site.content.config
    origin = provenance(config, environ, content_dir)
    year = origin.built[:4] if origin.built else "n.d."
    citation = f"{config.title} ({year}). Offline copy"
    citation += f", commit {origin.commit[:12]}" if origin.commit else ""
    citation += f". {origin.source}" if origin.source else ""
    citation += f". Licence: {config.license}." if config.license else "."
    text = _README.format(
        title=config.title,
        underline="=" * (len(config.title) + 14),
        built=origin.built or "unknown (SOURCE_DATE_EPOCH was not set)",
        commit=origin.commit or "unknown",
        source=origin.source or "unknown",
        license=config.license or "see the site",
        citation=citation,
    )
    return RenderedFile("README.txt", text.encode("utf-8"))
