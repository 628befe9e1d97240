"""Benchmark: ``dealdiff parse`` throughput against a plain keyword regex scan.

Usage: python bench/bench_parse.py [CORPUS_DIR]

The corpus is the CUAD development contracts (../shared/data/cuad-dev/contracts) when
present, else the seed agreements repeated to about 5 MB. Both are measured in the same
run, on the same files, on one core (except the last line):

- baseline: a compiled keyword regex (the cue words of the four term types) run line by
  line over every file, the way a grep-style classifier would;
- dealdiff, in process: read + parse every file (cue scan, segmentation, tokenising,
  patterns, values), and the same split by stage;
- dealdiff, whole process: ``dealdiff parse --format jsonl -j 1`` over all files, as a
  user runs it, start-up included, on one core;
- the same command's wall clock with ``-j 1`` and with ``-j 0`` (the default, as
  cuad_score.py runs it: a worker process per usable CPU), the speed-up of a batch here;
- start-up: ``dealdiff parse`` of one seed agreement, with the compiled patterns read from
  the cache and with no cache at all (the first run after an install), beside a bare
  ``python -c pass`` started the same way.

Times are CPU seconds (user + system) of the measured work, so that other load on the
machine does not distort the ratio; on an idle machine wall time is the same.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KEYWORDS = re.compile(
    r"exclusiv|revenue|royalt|profit|first\s+(?:refusal|offer|negotiat)|minimum|commit|"
    r"priority|purchase",
    re.I,
)


def corpus(argv: list[str]) -> tuple[str, list[Path]]:
    if argv:
        root = Path(argv[0])
    else:
        root = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "cuad-dev"
        root = root / "contracts"
    if root.is_dir() and list(root.glob("*.txt")):
        return str(root), sorted(root.glob("*.txt"))
    seeds = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))
    tmp = Path(tempfile.mkdtemp(prefix="dealdiff-bench-"))
    text = "\n\n".join(p.read_text("utf-8") for p in seeds)
    files = []
    for i in range(max(1, 5_000_000 // len(text))):
        f = tmp / f"seed-{i:03d}.txt"
        f.write_text(text, "utf-8")
        files.append(f)
    return "seeds repeated", files


def stages(files: list[Path], texts: list[str], mb: float) -> None:
    """CPU seconds of each stage of the classifier, over the same corpus."""
    from dealdiff.classify import Classifier
    from dealdiff.parties import find_parties
    from dealdiff.ruleset import default_rules

    rules = default_rules()
    clock = time.process_time
    spent = dict.fromkeys(
        ["parties", "cue scan + sentences", "values + tokens (encode)", "rules (patterns)"], 0.0
    )
    count = 0
    for text in texts:
        t0 = clock()
        parties = find_parties(text)
        classifier = Classifier(rules, text, parties)
        t1 = clock()
        candidates = classifier.candidates()
        t2 = clock()
        spent["parties"] += t1 - t0
        spent["cue scan + sentences"] += t2 - t1
        count += len(candidates)
        for start, end, cued in candidates:
            t0 = clock()
            encoded, values = classifier.encode(start, end)
            t1 = clock()
            for type_rules in cued:
                classifier.apply(type_rules, encoded, values, start, end)
            t2 = clock()
            spent["values + tokens (encode)"] += t1 - t0
            spent["rules (patterns)"] += t2 - t1
    print(f"stages ({count} candidate sentences):")
    for name, seconds in spent.items():
        print(f"  {name:28s} {seconds:6.2f} s  {mb / seconds:7.1f} MB/s")


def run_child(cmd: list[str], **env: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``cmd``; its result and the CPU seconds it (and any workers it started) used."""
    before = os.times()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **env})
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return proc, cpu


def whole_process(files: list[Path], *, jobs: int) -> tuple[float, float] | None:
    """CPU seconds (this child and its workers) and wall seconds of ``dealdiff parse``."""
    cmd = [sys.executable, "-m", "dealdiff", "parse", "--format", "jsonl", "-j", str(jobs)]
    start = time.perf_counter()
    proc, cpu = run_child([*cmd, *map(str, files)])
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        print(proc.stderr[-2000:])
        return None
    return cpu, wall


def start_up(**env: str) -> float:
    """CPU seconds of one ``dealdiff parse`` of a seed agreement, a whole process."""
    seed = Path(__file__).resolve().parents[1] / "seeds" / "cloud-partnership-2019.txt"
    return run_child([sys.executable, "-m", "dealdiff", "parse", str(seed)], **env)[1]


def main(argv: list[str]) -> int:
    name, files = corpus(argv)
    texts = [f.read_text("utf-8") for f in files]
    size = sum(len(f.read_bytes()) for f in files)
    mb = size / 1e6
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; corpus: {name}, {len(files)} files, {mb:.1f} MB"
    )

    # CPU time of this process: other work on the machine does not skew the ratio.
    t0 = time.process_time()
    hits = 0
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                if KEYWORDS.search(line):
                    hits += 1
    base = time.process_time() - t0
    print(
        f"baseline keyword regex, line by line: {mb / base:7.2f} MB/s ({base:.2f} s, "
        f"{hits} matching lines)"
    )

    from dealdiff.agreement import parse_agreement
    from dealdiff.ruleset import default_rules

    default_rules()
    t0 = time.process_time()
    terms = 0
    for f, text in zip(files, texts, strict=True):
        terms += len(parse_agreement(text, source=str(f)).terms)
    lib = time.process_time() - t0
    print(
        f"dealdiff parse, in process:          {mb / lib:7.2f} MB/s ({lib:.2f} s, "
        f"{terms} terms)  ratio to baseline {base / lib:.2f}"
    )

    stages(files, texts, mb)

    one = whole_process(files, jobs=1)
    if one is None:
        return 1
    cpu, wall_one = one
    print(
        f"dealdiff parse, whole process (CPU): {mb / cpu:7.2f} MB/s ({cpu:.2f} s)  "
        f"ratio to baseline {base / cpu:.2f}"
    )
    from dealdiff.batch import worker_count

    workers = worker_count(0, [str(f) for f in files])
    many = whole_process(files, jobs=0)
    if many is None:
        return 1
    wall_many = many[1]
    print(
        f"dealdiff parse, whole process, wall clock: -j 1 {mb / wall_one:7.2f} MB/s; "
        f"-j 0 ({workers} workers) {mb / wall_many:7.2f} MB/s, "
        f"{wall_one / wall_many:.2f}x (wall clock: other load on the machine shows here)"
    )
    bare = run_child([sys.executable, "-c", "pass"])[1]
    start_up()  # writes the cache when it is missing
    warm = start_up()
    with tempfile.TemporaryDirectory() as empty:
        cold = start_up(DEALDIFF_CACHE_DIR=empty)
    print(
        f"start-up, one seed agreement (CPU): {warm:.2f} s with the pattern cache, "
        f"{cold:.2f} s with an empty cache (first run after install); python -c pass {bare:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
