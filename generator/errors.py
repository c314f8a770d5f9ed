"""Problems found in content or theme, and the exceptions that carry them.

Every problem names a file, a line and a field, so a contributor can go straight
to it. Loaders collect problems instead of raising on the first one: a pull
request shows every broken file in one run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum

__all__ = [
    "ExitCode",
    "Severity",
    "Problem",
    "BuildFailed",
    "EnvironmentFailure",
    "Terminated",
    "sorted_problems",
]


class ExitCode(IntEnum):
    OK = 0
    CONTENT = 1
    USAGE = 2
    ENVIRONMENT = 3
    INTERRUPTED = 130
    TERMINATED = 143  # 128 + SIGTERM, as shells report it


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# Control characters shown as escapes, so that a report stays one line and cannot drive a terminal.
_ONE_LINE = {
    **{c: f"\\x{c:02x}" for c in (*range(32), 127, *range(128, 160))},
    9: "\\t",
    10: "\\n",
    13: "\\r",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    field: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        """One line, whatever the content: values quoted in messages may hold line breaks or escapes."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        prefix = f"{where}: {self.field}: " if self.field else f"{where}: "
        tag = "warning: " if self.severity is Severity.WARNING else ""
        return f"{prefix}{tag}{self.message}".translate(_ONE_LINE)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in the order a reader works through them: by file, then line (stable otherwise)."""
    return sorted(dict.fromkeys(problems), key=lambda p: (p.file, p.line))


class BuildFailed(Exception):
    """Content or theme errors: exit code 1."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted_problems(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[BuildFailed], tuple[list[Problem]]]:  # crosses from workers intact
        return (BuildFailed, (self.problems,))


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread: a KeyboardInterrupt, so every cleanup that Ctrl-C runs (workers
    ended, staging folder removed, lock released, output untouched) runs for it too; exit code 143."""


class EnvironmentFailure(Exception):
    """Something outside the content failed (Pagefind, a lock, the disk): exit code 3."""
