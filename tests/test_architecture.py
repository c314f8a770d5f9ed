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
    "records": {"errors", "model", "source", "vocab"},
    "config": {"errors", "model", "records", "source", "vocab"},
    "cache": set(),
    "i18n": set(),
    "content": {"cache", "config", "errors", "i18n", "markup", "model", "records", "source", "vocab"},
    "translations": {"errors", "model", "records"},
    "site": {"errors", "model", "translations", "vocab"},
    "geo": set(),
    "network": {"site", "vocab"},
    "views": {"geo", "i18n", "model", "network", "site", "vocab"},
    "structured_data": {"model", "site"},
    "assets": {"errors", "model"},
    "render": {"errors", "geo", "i18n", "model", "network", "site", "structured_data", "views"},
    "exports": {"model", "site", "vocab"},
    "output": {"errors", "model"},
    "search": {"errors"},
    "report": {"errors"},
    "media": set(),
    "mirror": set(),
    "build": {
        "assets",
        "cache",
        "content",
        "errors",
        "exports",
        "i18n",
        "media",
        "mirror",
        "model",
        "output",
        "render",
        "search",
        "site",
        "structured_data",
        "vocab",
    },
    "scaffold": {"config", "content", "errors", "model", "vocab"},
    "serve": {"build", "errors", "render", "report", "search"},
    "cli": {"build", "errors", "mirror", "report", "scaffold", "serve"},
    "__main__": {"cli"},
    "__init__": set(),
}
# Third-party libraries that belong to one stage only.
OWNED = {
    "PIL": {"media"},
    "yaml": {"source"},
    "markdown": {"markup"},
    "nh3": {"markup"},
    "jinja2": {"render"},
    "click": {"cli", "scaffold", "serve"},
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
