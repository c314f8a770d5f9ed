"""A time limit for a block of Python code that needs no signals: it works on Windows and in any thread.

A timer thread, when the time is up, asks the interpreter to raise ``TooSlow`` in the thread running
the block (``PyThreadState_SetAsyncExc``): it is raised at that thread's next bytecode, which is also
when a SIGALRM handler would have run, so a pathological input to pure-Python code (Markdown) is
stopped just as it was with ``signal.setitimer``, which Windows lacks.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["TooSlow", "time_limit"]


class TooSlow(Exception):
    """The block ran longer than its limit."""


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise ``exception`` in the thread at its next bytecode (None: withdraw one not yet raised)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception is not None else None
    )


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TooSlow if the block runs longer than ``seconds``."""
    target = threading.get_ident()
    guard = threading.Lock()
    state = {"done": False, "fired": False}

    def expire() -> None:
        with guard:
            if not state["done"]:
                state["fired"] = True
                _raise_in(target, TooSlow)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with guard:
            state["done"] = True
            fired = state["fired"]
        if fired:  # raised already, or about to be: withdraw it and raise it here, where it belongs
            _raise_in(target, None)
            raise TooSlow
