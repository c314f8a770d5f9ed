"""The pipeline's import rules (see docs/architecture.md): data flows one way, libraries stay in their stage."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# Each module may import only the generator modules listed for it.
ALLOWED = {
    "errors": set(),
    "model": set(),
    "vocab": {"model"},
    "source": {"errors"},
    "markup": {"model"},
    "converters": {"model", "source", "vocab"},
    "addresses": {"converters", "model"},
    "records": {"addresses", "converters", "errors", "model", "source", "vocab"},
    "config": {"addresses", "converters", "errors", "model", "source", "vocab"},
    "cache": {"plain"},
    "plain": {"errors", "model"},
    "template_cache": set(),
    "timelimit": set(),
    "tracked": {"errors"},
    "workers": set(),
    "i18n": set(),
    "discovery": {"addresses", "converters", "errors", "media", "vocab"},
    "content": {
        "cache",
        "config",
        "converters",
        "discovery",
        "errors",
        "i18n",
        "markup",
        "model",
        "records",
        "source",
        "timelimit",
        "workers",
    },
    "translations": {"errors", "model", "records"},
    "references": {"errors", "model", "taxonomies", "vocab"},
    "site": {"errors", "model", "references", "taxonomies", "translations", "vocab"},
    "taxonomies": {"i18n", "model", "vocab"},
    "map_geometry": set(),
    "geo": {"map_geometry"},
    "network": {"model", "site", "vocab"},
    "formats": {"i18n", "model", "vocab"},
    "views": {"formats", "model", "site", "taxonomies"},
    "map_views": {"formats", "geo", "model", "site"},
    "network_views": {"formats", "model", "network", "site"},
    "page_plan": {"formats", "geo", "i18n", "map_views", "site", "taxonomies", "views"},
    "planning": {
        "formats",
        "geo",
        "map_views",
        "model",
        "network",
        "network_views",
        "page_plan",
        "site",
        "structured_data",
        "views",
    },
    "templating": {
        "cache",  # the key that signs compiled templates
        "errors",
        "i18n",
        "model",
        "page_plan",
        "structured_data",
        "template_cache",
    },
    "render": {"errors", "model", "page_plan", "site", "templating", "views", "workers"},
    "exports": {"data_tables", "datapackage", "model", "site", "taxonomies", "vocab"},
    "data_tables": {"model", "site", "taxonomies"},
    "datapackage": {"data_tables", "model", "site", "taxonomies", "vocab"},
    "provenance": {"model", "site"},
    "structured_data": {"model", "site"},
    "assets": {"errors", "model"},
    "output": {"errors", "model"},
    "search": {"errors"},
    "report": {"build_options", "errors"},
    "repository": set(),
    "media": {"vocab"},
    "mirror": set(),
    "build_options": {"errors", "i18n", "model", "taxonomies"},
    "build_memory": {"build_options", "cache", "errors", "mirror", "output", "page_plan", "render"},
    "build": {
        "assets",
        "build_memory",
        "build_options",
        "cache",
        "content",
        "data_tables",  # FormattedRecords, the type of what an incremental caller keeps (site_files)
        "errors",
        "exports",
        "geo",  # the atlas's type, for render_options
        "i18n",
        "media",
        "mirror",
        "model",
        "output",
        "page_plan",
        "planning",
        "provenance",
        "render",
        "search",
        "site",
        "structured_data",
        "taxonomies",
        "tracked",
        "vocab",
    },
    "scaffold": {"config", "content", "converters", "errors", "model", "records", "source", "taxonomies", "vocab"},
    "translation_scaffold": {"discovery", "errors", "records", "scaffold", "source", "vocab"},
    "new_commands": {"console", "errors", "scaffold", "translation_scaffold"},
    # the incremental layer: on top of the core, which never imports it (see the test below)
    "incremental": {
        "affected",
        "build",
        "cache",
        "content",
        "data_tables",
        "edit_paths",
        "errors",
        "formats",
        "geo",
        "markup",
        "model",
        "output",
        "page_plan",
        "planning",
        "render",
        "served",
        "site",
        "site_patch",
    },
    "site_patch": {"model", "records", "site", "taxonomies", "translations"},
    "edit_paths": {"content", "errors", "model"},
    "affected": {"model", "site"},
    "served": {"errors", "mirror", "model", "output", "page_plan", "render"},
    "serve": {"build", "console", "errors", "i18n", "incremental", "search"},
    "console": {"errors"},
    "cli": {"build", "console", "errors", "mirror", "new_commands", "report", "repository", "scaffold", "serve"},
    "__main__": {"cli"},
    "__init__": set(),
}
# Third-party libraries that belong to one stage only.
OWNED = {
    "PIL": {"media"},
    "yaml": {"source"},
    "markdown": {"markup"},
    "nh3": {"markup"},
    "jinja2": {"templating", "template_cache"},
    "click": {"cli", "console", "new_commands", "scaffold", "serve"},
    "networkx": {"network"},
    "numpy": {"network"},
    "rcssmin": {"assets"},
}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_every_module_has_a_rule():
    assert sorted(p.stem for p in PACKAGE.glob("*.py")) == sorted(ALLOWED)


def test_every_module_has_a_row_in_the_architecture_notes():
    """docs/architecture.md names every module (alone or with its siblings) in its table of what each owns."""
    notes = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = [line for line in notes.splitlines() if line.startswith("| `")]
    missing = [
        p.name
        for p in sorted(PACKAGE.glob("*.py"))
        if not p.stem.startswith("__") and not any(f"`{p.name}`" in r for r in rows)
    ]
    assert missing == []


def test_modules_import_only_earlier_stages():
    wrong = []
    for path in sorted(PACKAGE.glob("*.py")):
        for name in _imports(path):
            if name.startswith("generator."):
                if name.split(".")[1] not in ALLOWED[path.stem]:
                    wrong.append(f"{path.stem} imports {name}")
            elif name.split(".")[0] in OWNED and path.stem not in OWNED[name.split(".")[0]]:
                wrong.append(f"{path.stem} imports {name}, which belongs to {sorted(OWNED[name.split('.')[0]])}")
    assert wrong == []


# The incremental layer keeps a build in memory between edits; the core must build the same bytes without it.
INCREMENTAL_LAYER = {"affected", "edit_paths", "incremental", "served", "site_patch"}
ABOVE_THE_CORE = INCREMENTAL_LAYER | {"serve", "cli", "__main__"}


def _package_imports(path: Path) -> set[str]:
    """``from generator import x`` as ``generator.x``."""
    return {
        f"generator.{alias.name}"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module == "generator"
        for alias in node.names
    }


def test_the_core_does_not_import_the_incremental_layer():
    core = sorted(p for p in PACKAGE.glob("*.py") if p.stem not in ABOVE_THE_CORE)
    assert len(core) > 30  # the core's modules, found
    wrong = sorted(
        f"{path.stem} imports {name}"
        for path in core
        for name in _imports(path) | _package_imports(path)
        if name.startswith("generator.") and name.split(".")[1] in INCREMENTAL_LAYER
    )
    assert wrong == []
    assert not any(INCREMENTAL_LAYER & ALLOWED[path.stem] for path in core)  # nor may the rules let it


# What a process may remember between builds: tables of fixed data, never anything a build reads from disk.
PROCESS_MEMOS = {
    ("vocab", "_countries_by_name"): "pycountry's and CLDR's country names, fixed for the life of the process",
    ("cache", "code_fingerprint"): "a hash of the generator's own source, fixed for the life of the process",
}


def _memoised_functions(path: Path) -> list[str]:
    """Functions decorated with functools' lru_cache or cache: memory that outlives a build."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                if name in ("lru_cache", "cache"):
                    found.append(node.name)
    return found


def test_the_core_keeps_nothing_between_builds():
    """No module-level caches: what one build shares is an object it makes and passes down (TreeViews,
    Cartographer, a Jinja environment's own tables), so `serve`'s next build sees every edited file."""
    kept = sorted(
        f"{path.stem}.{name}"
        for path in PACKAGE.glob("*.py")
        for name in _memoised_functions(path)
        if (path.stem, name) not in PROCESS_MEMOS
    )
    assert kept == []
    identity_keys = sorted(  # id() of an object as a key: meaningless once the object is gone or pickled
        path.stem
        for path in PACKAGE.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "id"
    )
    assert identity_keys == []
    # lazily derived attributes only on the atlas's parsed shapes (geo.py), never memos on the Site
    lazy = sorted(path.stem for path in PACKAGE.glob("*.py") if "cached_property" in path.read_text())
    assert lazy == ["geo"]
