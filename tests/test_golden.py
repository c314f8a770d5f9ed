"""Golden files: the fixture site's whole output, byte for byte.

Run ``pytest --update-golden`` after an intended change, then review the diff of tests/golden/.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from generator.build import BuildOptions, build_site

FIXTURE = Path(__file__).parent / "fixtures" / "site"
GOLDEN = Path(__file__).parent / "golden"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _build(out: Path) -> dict[str, bytes]:
    build_site(
        BuildOptions(content_dir=FIXTURE / "content", out_dir=out, search=False, jobs=1),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )
    # static/, the manifest and SHA256SUMS (which hash static/) change with the stylesheet; all tested elsewhere
    return {
        k: v
        for k, v in _tree(out).items()
        if not k.startswith("static/") and k not in ("data/manifest.json", "SHA256SUMS")
    }


def test_fixture_site_matches_golden_files(tmp_path, request):
    built = _build(tmp_path / "out")
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in built.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
    golden = _tree(GOLDEN)
    assert sorted(built) == sorted(golden), "files added or missing; run pytest --update-golden and review"
    for name in sorted(built):
        if built[name] != golden[name]:
            diff = "\n".join(
                difflib.unified_diff(
                    golden[name].decode().splitlines(),
                    built[name].decode().splitlines(),
                    f"golden/{name}",
                    f"built/{name}",
                    lineterm="",
                )
            )
            raise AssertionError(f"{name} differs from its golden file:\n{diff}")


def test_output_is_deterministic_across_builds(tmp_path):
    assert _build(tmp_path / "a") == _build(tmp_path / "b")


def test_drafts_are_left_out_everywhere(tmp_path):
    built = _build(tmp_path / "out")
    assert not any(b"unfinished" in data for data in built.values())
    build_site(
        BuildOptions(content_dir=FIXTURE / "content", out_dir=tmp_path / "drafts", search=False, drafts=True, jobs=1)
    )
    assert (tmp_path / "drafts/case-studies/unfinished/index.html").exists()


def test_contributor_html_is_sanitised(tmp_path):
    about = _build(tmp_path / "out")["about/index.html"].decode()
    assert "<p>A <strong>fixture</strong> page.  <a>bad</a></p>" in about
    assert "alert" not in about
