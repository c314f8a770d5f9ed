"""Worker processes, started the way each system allows: fork on Linux, spawn on macOS and Windows.

Fork is kept on Linux because a forked worker inherits the planned pages instead of receiving them
pickled; macOS deems fork unsafe once threads or system frameworks are in use, and Windows has none.
A process that chose its start method itself (``multiprocessing.set_start_method``) keeps it, so tests
can force spawn here. Everything handed to a worker is picklable, so either method works.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeAlias, cast

__all__ = ["quiet_worker", "signals_deferred", "worker_context"]

if TYPE_CHECKING:  # the contexts of the start methods (Windows has spawn only), and their pipes' ends
    if sys.platform == "win32":
        from multiprocessing.connection import PipeConnection as WorkerConnection

        WorkerContext: TypeAlias = multiprocessing.context.SpawnContext
    else:
        from multiprocessing.connection import Connection as WorkerConnection

        WorkerContext: TypeAlias = (
            multiprocessing.context.ForkContext
            | multiprocessing.context.SpawnContext
            | multiprocessing.context.ForkServerContext
        )
    __all__ += ["WorkerConnection", "WorkerContext"]

_HELD = tuple(s for s in (getattr(signal, "SIGTERM", None), signal.SIGINT) if s is not None)


def worker_context() -> WorkerContext:
    chosen = multiprocessing.get_start_method(allow_none=True)
    if chosen is not None:
        # typed as their common base class, which has no Process: the context of a start method is one of these
        return cast("WorkerContext", multiprocessing.get_context(chosen))
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def quiet_worker() -> None:
    """At a worker's start: SIGTERM ends it at once (not the parent's handler, inherited through fork),
    and Ctrl-C, which the terminal sends to every process of the group, is left to the parent, which ends
    its workers."""
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # held by signals_deferred while this process was started
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGTERM and Ctrl-C while workers are started, and deliver them right after. Forking runs
    Python's at-fork callbacks (logging's, for one), and an exception raised by the parent's handler
    inside one of them is printed and dropped ("Exception ignored"), so the build would carry on.
    Register what must be cleaned up (the pool, the child) inside the block, so that the exception
    delivered on leaving it ends them too. (Windows has no signal masks, and no fork either.)"""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
