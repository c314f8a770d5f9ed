"""Problems found in content or theme, and the exceptions that carry them.

Every problem names a file, a line and a field, so a contributor can go straight
to it. Loaders collect problems instead of raising on the first one: a pull
request shows every broken file in one run.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

__all__ = [
    "ExitCode",
    "Severity",
    "Problem",
    "BuildFailed",
    "EnvironmentFailure",
    "sorted_problems",
]


class ExitCode(IntEnum):
    OK = 0
    CONTENT = 1
    USAGE = 2
    ENVIRONMENT = 3
    INTERRUPTED = 130


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    field: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        prefix = f"{where}: {self.field}: " if self.field else f"{where}: "
        tag = "warning: " if self.severity is Severity.WARNING else ""
        return f"{prefix}{tag}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def sorted_problems(problems) -> list[Problem]:
    """Problems in the order a reader works through them: by file, then line (stable otherwise)."""
    return sorted(dict.fromkeys(problems), key=lambda p: (p.file, p.line))


class BuildFailed(Exception):
    """Content or theme errors: exit code 1."""

    def __init__(self, problems) -> None:
        self.problems = sorted_problems(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class EnvironmentFailure(Exception):
    """Something outside the content failed (Pagefind, a lock, the disk): exit code 3."""
