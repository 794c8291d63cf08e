#!/usr/bin/env python3
"""What many real commands at once cost spinner (`spinner run --jobs-from`), per mode, as
BENCHMARKS.md gives it.

    python3 bench/many_commands.py                  # all three parts, about 2 minutes once built
    python3 bench/many_commands.py scale            # one part: scale, true, ten-thousand
    SPINNER=path/to/spinner python3 bench/many_commands.py ...   # another build
    RUNS=5 python3 bench/many_commands.py scale     # more runs (default 3)

Linux, python3 (standard library only). Each run's own figures go to stderr as JSON lines; the
summary goes to stdout.

- scale: 2 000 x `sleep 2` at `--limit 2000`, in each mode: the most threads spinner had and its
  peak resident memory (both read from /proc/PID/status every 2 ms; VmHWM for the memory), and the
  wall time. Runs interleaved by mode.
- true: 1 000 x `true` at `--limit 8`, in each mode and with `xargs -P 8 -I{} sh -c {}` (the same
  `sh -c` a line), interleaved: the best and the median of the wall times, and the ratio of each
  best to xargs' best.
- ten-thousand: 10 000 x `sleep 1` at `--limit 10000` in task mode: wall, threads, the most
  commands running at once (spinner's child processes, sampled), peak resident memory, and that
  memory less the peak of one `sleep 1` run the same way, per command running at that peak. Each
  command holds two pipes (stdout, stderr); where the limit of open files is below 20 100, the run
  is made with `--output quiet` (stderr to /dev/null: one pipe).
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPINNER = os.environ.get("SPINNER", os.path.join(ROOT, "target", "release", "spinner"))
RUNS = int(os.environ.get("RUNS", "3"))
MODES = ("task", "thread")


def log(**fields):
    print(json.dumps(fields), file=sys.stderr)


def status(pid):
    """Threads and VmHWM (KB) of `pid`, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as file:
            fields = dict(line.split(":", 1) for line in file if ":" in line)
        return int(fields["Threads"]), int(fields["VmHWM"].split()[0])
    except (OSError, KeyError, ValueError):
        return None


def children(pid):
    """How many child processes `pid` has now (of all its threads)."""
    count = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as file:
                count += len(file.read().split())
    except OSError:
        pass
    return count


def watched(argv, stdin_path, count_children=False):
    """Runs `argv` with stdin from `stdin_path`, stdout and stderr to /dev/null; returns the wall
    time, the most threads seen, the peak resident memory in KB, the exit code and (if asked) the
    most child processes seen at once."""
    with open(stdin_path) as stdin:
        started = time.monotonic()
        child = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        threads = hwm = most = 0
        while child.poll() is None:
            seen = status(child.pid)
            if seen:
                threads, hwm = max(threads, seen[0]), max(hwm, seen[1])
            if count_children:
                most = max(most, children(child.pid))
            time.sleep(0.002)
        took = time.monotonic() - started
    if count_children:
        return took, threads, hwm, child.returncode, most
    return took, threads, hwm, child.returncode


def commands(count, command):
    path = os.path.join(tempfile.gettempdir(), f"many-commands-{count}-{command.replace(' ', '-')}")
    with open(path, "w") as file:
        file.write((command + "\n") * count)
    return path


def scale():
    path = commands(2000, "sleep 2")
    seen = {mode: [] for mode in MODES}
    for run in range(RUNS):
        for mode in MODES:
            argv = [SPINNER, "run", "--mode", mode, "--limit", "2000", "--jobs-from", "-"]
            took, threads, hwm, code = watched(argv, path)
            log(part="scale", mode=mode, run=run + 1, s=round(took, 2), threads=threads,
                hwm_kb=hwm, code=code)
            seen[mode].append((took, threads, hwm))
    print("2 000 x `sleep 2` at --limit 2000: threads at peak, peak resident memory, wall")
    for mode in MODES:
        runs = seen[mode]
        print(f"  {mode:6}: threads {min(r[1] for r in runs)}-{max(r[1] for r in runs)}, "
              f"{min(r[2] for r in runs) / 1024:.1f}-{max(r[2] for r in runs) / 1024:.1f} MB, "
              f"{min(r[0] for r in runs):.2f}-{max(r[0] for r in runs):.2f} s")


def true():
    path = commands(1000, "true")
    ways = {
        "task": [SPINNER, "run", "--mode", "task", "--limit", "8", "--jobs-from", "-"],
        "thread": [SPINNER, "run", "--mode", "thread", "--limit", "8", "--jobs-from", "-"],
        "xargs": ["xargs", "-P", "8", "-I{}", "sh", "-c", "{}"],
    }
    times = {way: [] for way in ways}
    for run in range(RUNS):
        for way, argv in ways.items():
            took, _, hwm, code = watched(argv, path)
            log(part="true", way=way, run=run + 1, s=round(took, 3), hwm_kb=hwm, code=code)
            times[way].append(took)
    print(f"1 000 x `true` at --limit 8 (-P 8), {RUNS} interleaved runs: best, median, best / xargs' best")
    for way in ways:
        best = min(times[way])
        print(f"  {way:6}: {best:.3f} s, {statistics.median(times[way]):.3f} s, "
              f"{best / min(times['xargs']):.2f}x")


def ten_thousand():
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    # Each command holds a pipe for its stdout and one for its stderr; with `--output quiet` its
    # stderr goes to /dev/null, and it holds one.
    output = "on-error" if soft >= 2 * 10000 + 100 else "quiet"
    if soft < 10000 + 100:
        print(f"10 000 x `sleep 1`: skipped: the limit of open files is {soft}")
        return
    one = commands(1, "sleep 1")
    path = commands(10000, "sleep 1")
    argv = [SPINNER, "run", "--mode", "task", "--limit", "10000", "--output", output,
            "--jobs-from", "-"]
    _, _, alone, _ = watched(argv, one)
    took, threads, hwm, code, most = watched(argv, path, count_children=True)
    log(part="ten-thousand", output=output, s=round(took, 2), threads=threads, hwm_kb=hwm,
        one_kb=alone, code=code, most_at_once=most)
    print(f"10 000 x `sleep 1` at --limit 10000 --output {output} (open files: {soft}), task "
          f"mode: exit {code}, {took:.2f} s, {threads} threads, at most {most} commands at once "
          f"(starting them one after the other takes longer than a second), {hwm / 1024:.1f} MB "
          f"at peak ({alone / 1024:.1f} MB for one command): {(hwm - alone) / max(most, 1):.2f} KB "
          f"a command running")


def main():
    parts = sys.argv[1:] or ["scale", "true", "ten-thousand"]
    if not os.path.exists(SPINNER):
        sys.exit(f"{SPINNER}: not built; run `cargo build --release` first")
    for part in parts:
        {"scale": scale, "true": true, "ten-thousand": ten_thousand}[part]()


if __name__ == "__main__":
    main()
