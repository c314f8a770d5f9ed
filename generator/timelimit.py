"""A time limit for a block of Python code that needs no signals: it works on Windows and in any thread.

A watchdog thread, when the time is up, asks the interpreter to raise ``TooSlow`` in the thread running
the block (``PyThreadState_SetAsyncExc``): it is raised at that thread's next bytecode, which is also
when a SIGALRM handler would have run, so a pathological input to pure-Python code (Markdown) is
stopped just as it was with ``signal.setitimer``, which Windows lacks.

Loading a site limits every file's rendering, so one ``Watchdog`` serves a whole batch of files: starting
a thread per file cost more than a short file's Markdown on a busy machine. ``time_limit`` is the
one-off form.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

__all__ = ["TooSlow", "Watchdog", "time_limit"]


class TooSlow(Exception):
    """The block ran longer than its limit."""


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise ``exception`` in the thread at its next bytecode (None: withdraw one not yet raised)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception is not None else None
    )


class Watchdog:
    """One thread that limits blocks run one after another (from any one thread at a time).

    Use it as a context manager, so its thread ends with it, and ``limit(seconds)`` around each block.
    The state is guarded by a plain lock, whose ``with`` is implemented in C: the exception raised in
    the limited thread can arrive at any bytecode, and must never leave that lock held.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._deadline: float | None = None  # of the block running now; None between blocks
        self._target = 0  # the thread running the block
        self._fired = False
        self._closed = False
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Watchdog:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    @contextmanager
    def limit(self, seconds: float) -> Iterator[None]:
        """Raise TooSlow if the block runs longer than ``seconds``."""
        with self._lock:
            if self._closed:
                raise RuntimeError("this watchdog is closed")
            self._deadline = time.monotonic() + seconds
            self._target = threading.get_ident()
            self._fired = False
            start = self._thread is None
            if start:
                self._thread = threading.Thread(target=self._watch, name="practice-time-limit", daemon=True)
        if start:
            assert self._thread is not None
            self._thread.start()
        self._wake.set()
        try:
            yield
        finally:
            with self._lock:
                self._deadline = None
                fired = self._fired
                self._fired = False
            if fired:  # raised already, or about to be: withdraw it and raise it here, where it belongs
                _raise_in(self._target, None)
                raise TooSlow

    def _watch(self) -> None:
        while True:
            self._wake.clear()  # before reading the state: a block started after this read wakes the wait
            with self._lock:
                if self._closed:
                    return
                remaining = None if self._deadline is None else self._deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    self._fired = True
                    self._deadline = None
                    _raise_in(self._target, TooSlow)
                    continue
            self._wake.wait(remaining)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TooSlow if the block runs longer than ``seconds`` (a watchdog for this block alone)."""
    with Watchdog() as watchdog, watchdog.limit(seconds):
        yield
