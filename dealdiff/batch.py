"""Parse many agreements on several cores, results in the order the files were given.

Parsing one agreement is pure CPU work with no shared state, so a folder of contracts
splits across worker processes. Each worker is given the loaded rules once: on Linux the
workers are forked from a parent that has already loaded (and validated) them; elsewhere
they are spawned and load the same rule paths again. Output order, error messages and
exit codes are those of a run on one core.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

from .ruleset import RuleSet

__all__ = ["usable_cpus", "worker_count", "map_files"]

T = TypeVar("T")
S = TypeVar("S")

#: Below this many files per worker, starting the workers costs more than it saves.
MIN_FILES_PER_WORKER = 2

#: A clause of each term type: parsing it once in the parent, before the workers are
#: forked, builds what parsing builds on first use (value grammar, caches) once for all.
_WARM_UP = (
    'This Agreement is made between Acme Inc. ("Acme") and Beta LLC ("Beta"). Acme shall be '
    "Beta's exclusive distributor and shall pay Beta a royalty of 5% of Net Sales. Beta "
    "grants Acme a right of first refusal. Acme shall purchase at least $1,000 each year."
)

# The rules a worker parses with: set in the parent before forking, or by _start_worker.
_rules: RuleSet | None = None


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def worker_count(jobs: int, files: Sequence[object]) -> int:
    """How many processes to parse ``files`` with; ``jobs`` 0 means one per usable CPU.

    Standard input can only be read by this process, so ``-`` among the files keeps the
    work here; so does a batch too small to be worth starting workers for.
    """
    if "-" in files:
        return 1
    wanted = usable_cpus() if jobs <= 0 else jobs
    return max(1, min(wanted, len(files) // MIN_FILES_PER_WORKER))


def _start_worker(rules_paths: Sequence[str], resolve: Callable[[Sequence[str]], RuleSet]) -> None:
    global _rules
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    if _rules is None:  # spawned, not forked: load the same rules again
        _rules = resolve(rules_paths)


def _call(job: tuple[Callable[[S, RuleSet], T], S]) -> T:
    func, path = job
    assert _rules is not None
    return func(path, _rules)


def map_files(
    func: Callable[[S, RuleSet], T],
    files: Sequence[S],
    rules: RuleSet,
    *,
    jobs: int,
    rules_paths: Sequence[str],
    resolve: Callable[[Sequence[str]], RuleSet],
) -> Iterator[T]:
    """``func(path, rules)`` for every file, yielded in the order of ``files``.

    A "file" may be any picklable item that ``func`` takes, such as a path with its labels.

    ``func`` and ``resolve`` must be module-level functions (workers may be spawned, and
    then receive them by name). ``resolve(rules_paths)`` must give back ``rules``.
    """
    workers = worker_count(jobs, files)
    if workers == 1:
        yield from (func(path, rules) for path in files)
        return
    global _rules
    _rules = rules
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    if method == "fork":
        from .agreement import explain_agreement

        explain_agreement(_WARM_UP, source="warm-up", rules=rules, explain=False)
    context = multiprocessing.get_context(method)
    pool = context.Pool(workers, _start_worker, (tuple(rules_paths), resolve))
    jobs_in_order: Iterable[tuple[Callable[[S, RuleSet], T], S]] = ((func, path) for path in files)
    try:
        yield from pool.imap(_call, jobs_in_order, chunksize=1)
    except BaseException:  # an error, Ctrl-C, or the caller stopped reading
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()
        _rules = None
