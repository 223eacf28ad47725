"""The suite reads nothing outside the checkout (issue 18): a test that passes only because a
folder happens to sit beside the project (the team's ``shared`` folder) fails on everyone
else's clone.

An audit hook (``sys.addaudithook``, installed for the whole session by the tests' conftest)
records every file opened or folder listed in the checkout's parent folder but outside the
checkout: sibling folders and files. Hidden entries of the parent (``.cache``, ``.config``...,
where the parent is a home folder) are per-user state, not project data, and are not recorded.
The conftest fails the session when anything was recorded. Python processes the session
starts (gunicorn, the ``ckan`` command, the benchmarks) inherit ``PYTHONPATH`` with
``outside_reads_site/``, whose ``sitecustomize`` installs the same hook and appends what it
records to the file named by ``HG_OUTSIDE_READS_LOG``, which the conftest reads at the end.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PARENT = ROOT.parent
_ROOT, _PARENT = str(ROOT), str(PARENT)
# Audit events that read a path: open() (io and os.open), and folder listings.
EVENTS = frozenset({"open", "os.listdir", "os.scandir"})

LOG_VARIABLE = "HG_OUTSIDE_READS_LOG"
SITE = Path(__file__).resolve().parent / "outside_reads_site"

recorded: list[tuple[str, str]] = []  # (event, absolute path)
_installed = False
_log: str | None = None  # in a subprocess: where to append what is recorded
_busy = False  # the hook's own writes raise events too


def leaves_checkout(path: str) -> bool:
    """Whether an absolute, normalised path is in the checkout's parent but not in the checkout
    (nor a hidden entry of the parent)."""
    if path == _ROOT or path.startswith(_ROOT + os.sep):
        return False
    if not path.startswith(_PARENT + os.sep):
        return False
    first = path[len(_PARENT) + 1:].split(os.sep, 1)[0]
    return not first.startswith(".")


def _hook(event: str, args: tuple) -> None:
    if event not in EVENTS or not args:
        return
    path = args[0]
    if path is None or isinstance(path, int):  # a file descriptor, or listdir() of the cwd
        return
    try:
        path = os.fsdecode(path)
    except TypeError:
        return
    path = os.path.normpath(os.path.join(os.getcwd(), path))
    if leaves_checkout(path):
        recorded.append((event, path))
        if _log:
            _append(f"{os.getpid()} {event} {path}\n")


def _append(line: str) -> None:
    global _busy
    if _busy:
        return
    _busy = True
    try:
        fd = os.open(_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8", "surrogateescape"))
        finally:
            os.close(fd)
    finally:
        _busy = False


def install(log: str | None = None) -> None:
    """Installs the hook once per process (audit hooks cannot be removed); ``log``: a file
    to append each record to (subprocesses)."""
    global _installed, _log
    _log = log
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True


def logged(log: Path) -> list[str]:
    """What the session's subprocesses recorded: "pid event path" lines."""
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []
