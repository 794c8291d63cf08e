#!/usr/bin/env python3
"""Run a terminal program in a pseudo-terminal and measure what it costs while it runs.

    python3 bench/measure.py [flags] -- PROGRAM ARGS...

Python 3 standard library only; Linux only (it reads /proc). Each run prints one line of JSON;
with --runs N > 1, a last line gives the median of each figure ("run": "median").

One run: the program starts in a new session whose controlling terminal is a fresh pseudo-terminal
of --columns x --rows (set before it starts), with TERM=xterm-256color and LC_ALL=C.UTF-8 (COLUMNS and
LINES are removed, so the terminal's size is the only size). Its output is read as it comes, each read
timestamped, so the program never blocks on a full terminal. Every 20 ms the harness reads, for each
of the program's threads, /proc/PID/task/TID/status (voluntary_ctxt_switches) and .../schedstat (first
field: nanoseconds on a CPU), and /proc/PID/status (VmHWM).

The window: the figures below come from the samples that bracket a window in the middle of the run,
from --skip seconds after the start to --skip seconds before the end (or --window seconds long when
given; with --sigint-after, it ends at the SIGINT at the latest). The start-up and the exit are left
out that way.

Figures:
  wakeups_per_s      voluntary context switches of all threads in the window, per second: how often
                     the program went to sleep and was woken. A thread that starts in the window counts
                     from 0; a thread that ends counts up to its last sample.
  cpu_ms_per_s       ms on a CPU (all threads, from schedstat) per second of window.
  frames             frames drawn in the window. A frame is a carriage return that starts a redraw: a
                     "\\r" (not part of "\\r\\n") followed by visible text, once escape sequences are
                     removed, that is not ended by a newline (so a final "Answer" line and a clear are
                     not frames). A frame's time is the time its bytes were read.
  frames_total       the same over the whole output.
  frames_per_s       frames / window.
  wakeups_per_frame  wake-ups in the window / frames in the window.
  peak_rss_kb        VmHWM at the last sample before the program exited.
  wall_s             from the start to the exit.
  exit_code          the exit code, or -N for a death by signal N.
  output_bytes       bytes read from the terminal: all the program wrote to it, as the terminal
                     passed it on (a "\n" arrives as "\r\n" where the terminal translates it).
  cpu_ms_total, switches_voluntary, switches_involuntary   over the whole run, from start-up to
                     exit, for all threads: user + system CPU time and context switches, from the
                     resource usage wait4(2) returns with the exit status (under --strace: strace's
                     and the program's together).
  exit_after_sigint_ms   with --sigint-after S: SIGINT (to the program's process group, as a Ctrl-C
                     would send) S seconds after the start; the time from it to the exit.
  writes, writes_per_frame   with --strace: write(2)/writev(2) calls to the terminal in the window,
                     and per frame. The program then runs under
                     `strace -f -qq -ttt -y -e trace=write,writev`,
                     which slows every system call: the other figures of such a run are sampled from
                     the traced program but are not comparable with an untraced run.
"""

import argparse
import bisect
import fcntl
import json
import os
import re
import shlex
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

SAMPLE_EVERY_S = 0.020
ESCAPE = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
LINE_BREAK = re.compile(rb"[\r\n]")
# strace -f -ttt -y: "PID SECONDS.MICROS write(FD</dev/pts/N>, ..." for a write to the terminal
TRACE_WRITE = re.compile(rb"^\d+\s+(\d+\.\d+)\s+writev?\(\d+</dev/(?:pts/\d+|tty)>,", re.M)


def parse_args():
    parser = argparse.ArgumentParser(
        description="Run PROGRAM in a pseudo-terminal and report wake-ups, CPU, frames and peak "
        "memory as JSON lines. See the top of this file for what each figure means.",
        usage="%(prog)s [flags] -- PROGRAM ARGS...",
    )
    parser.add_argument("--runs", type=int, default=3, metavar="N", help="runs of PROGRAM (default 3)")
    parser.add_argument("--skip", type=float, default=0.5, metavar="SECONDS",
                        help="seconds left out at the start, and at the end when --window is not "
                        "given (default 0.5)")
    parser.add_argument("--window", type=float, metavar="SECONDS", help="seconds measured, from --skip on")
    parser.add_argument("--sigint-after", type=float, metavar="SECONDS",
                        help="send SIGINT this long after the start; report the time to exit")
    parser.add_argument("--columns", type=int, default=80, metavar="N", help="terminal width (default 80)")
    parser.add_argument("--rows", type=int, default=24, metavar="N", help="terminal height (default 24)")
    parser.add_argument("--strace", action="store_true",
                        help="run under strace and count the write calls per frame")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                        help="kill the program after this many seconds (default 60)")
    parser.add_argument("program", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.program[:1] == ["--"]:
        args.program = args.program[1:]
    if not args.program:
        parser.error("no program given: put it after --")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.strace and shutil.which("strace") is None:
        parser.error("--strace: strace is not installed (e.g. apt-get install strace)")
    return args


def read_threads(pid):
    """{tid: (voluntary context switches, ns on CPU)} for the live threads of pid."""
    threads = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return threads
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                status = f.read()
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                on_cpu_ns = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue  # the thread ended between listdir and the read
        switches = re.search(r"^voluntary_ctxt_switches:\s*(\d+)", status, re.M)
        if switches:
            threads[int(tid)] = (int(switches.group(1)), on_cpu_ns)
    return threads


def read_vmhwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            found = re.search(r"^VmHWM:\s*(\d+) kB", f.read(), re.M)
    except OSError:
        return None
    return int(found.group(1)) if found else None


def traced_child(strace_pid, argv):
    """The program strace started, once it runs argv (strace forks test children first)."""
    try:
        with open(f"/proc/{strace_pid}/task/{strace_pid}/children") as f:
            children = f.read().split()
    except OSError:
        return None
    for child in children:
        try:
            with open(f"/proc/{child}/cmdline", "rb") as f:
                if f.read().split(b"\0")[:-1] == [os.fsencode(a) for a in argv]:
                    return int(child)
        except OSError:
            pass
    return None


def frame_times(chunks):
    """The times of the frames in the output: chunks is [(time read, bytes)]."""
    data = b"".join(data for _, data in chunks)
    starts, offset = [], 0
    for _, chunk in chunks:
        starts.append(offset)
        offset += len(chunk)
    times = []
    for cr in re.finditer(rb"\r(?!\n)", data):
        end = LINE_BREAK.search(data, cr.end())
        if end and (data[end.start():end.start() + 2] == b"\r\n" or end.group() == b"\n"):
            continue  # a line ended by a newline: printed output, not a redraw
        segment = ESCAPE.sub(b"", data[cr.end():end.start() if end else len(data)])
        if segment.strip(b" \t\x00\x07\x08"):
            times.append(chunks[bisect.bisect_right(starts, cr.start()) - 1][0])
    return times


def window_delta(samples, first, last):
    """Wake-ups and ns on CPU of all threads between samples[first] and samples[last]."""
    at_start = samples[first][1]
    latest = {}
    for _, threads in samples[first:last + 1]:
        latest.update(threads)  # each thread's last values up to the window's end
    wakeups = sum(v[0] - at_start.get(tid, (0, 0))[0] for tid, v in latest.items())
    on_cpu_ns = sum(v[1] - at_start.get(tid, (0, 0))[1] for tid, v in latest.items())
    return wakeups, on_cpu_ns


def run_once(args, number):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", args.rows, args.columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update(TERM="xterm-256color", LC_ALL="C.UTF-8")
    argv, trace_path = list(args.program), None
    if args.strace:
        fd, trace_path = tempfile.mkstemp(prefix="measure-strace-", suffix=".txt")
        os.close(fd)
        argv = ["strace", "-f", "-qq", "-ttt", "-y", "-e", "trace=write,writev", "-o", trace_path,
                "--"] + argv

    def make_terminal_controlling():  # runs in the child, after setsid, before exec
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    start = time.monotonic()
    wall_clock_offset = time.time() - start  # strace's -ttt times are wall-clock times
    try:
        proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                start_new_session=True, preexec_fn=make_terminal_controlling)
    except OSError as error:
        sys.exit(f"measure.py: cannot run {argv[0]}: {error.strerror}")
    os.close(slave)
    exited = {}

    def wait_for_exit():
        # wait4, not proc.wait(): the child's resource usage comes with its exit status.
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        exited["at"], exited["usage"] = time.monotonic(), usage

    waiter = threading.Thread(target=wait_for_exit, daemon=True)
    waiter.start()

    pid = None if args.strace else proc.pid
    chunks, samples, peak_rss_kb = [], [], None
    sigint_at, killed = None, False
    next_sample = start
    while True:
        now = time.monotonic()
        if pid is None:
            pid = traced_child(proc.pid, args.program)
        if now >= next_sample and pid is not None and "at" not in exited:
            threads = read_threads(pid)
            peak_rss_kb = read_vmhwm_kb(pid) or peak_rss_kb
            if threads:
                samples.append((time.monotonic(), threads))
            next_sample = max(next_sample + SAMPLE_EVERY_S, now + SAMPLE_EVERY_S / 4)
        if args.sigint_after is not None and sigint_at is None \
                and now - start >= args.sigint_after and "at" not in exited:
            sigint_at = time.monotonic()
            os.killpg(proc.pid, signal.SIGINT)
        if now - start > args.timeout and "at" not in exited and not killed:
            killed = True
            os.killpg(proc.pid, signal.SIGKILL)
        wake = next_sample
        if args.sigint_after is not None and sigint_at is None:
            wake = min(wake, start + args.sigint_after)
        ready, _, _ = select.select([master], [], [], max(0.0, min(wake - now, 0.05)))
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every holder of the terminal has closed it
                data = b""
            if not data:
                break
            chunks.append((time.monotonic(), data))
        elif "at" in exited and time.monotonic() - exited["at"] > 0.5:
            break  # exited, but something else keeps the terminal open
    os.close(master)
    waiter.join()
    end = exited["at"]

    # The window: the first sample at or after its start, the last at or before its end.
    win_start = start + args.skip
    win_end = win_start + args.window if args.window is not None else end - args.skip
    if sigint_at is not None:
        win_end = min(win_end, sigint_at)
    inside = [i for i, s in enumerate(samples) if win_start <= s[0] <= win_end]
    result = {"program": shlex.join(args.program), "run": number}
    wakeups = on_cpu_ns = frames = seconds = None
    frames_at = frame_times(chunks)
    if len(inside) >= 2 and samples[inside[-1]][0] - samples[inside[0]][0] >= 0.1:
        t0, t1 = samples[inside[0]][0], samples[inside[-1]][0]
        seconds = t1 - t0
        wakeups, on_cpu_ns = window_delta(samples, inside[0], inside[-1])
        frames = sum(1 for t in frames_at if t0 <= t <= t1)
    else:
        result["note"] = "the run is too short for its window: see --skip and --window"
    result.update(
        window_s=rnd(seconds, 3),
        wakeups_per_s=rnd(wakeups / seconds if seconds else None, 1),
        wakeups_per_frame=rnd(wakeups / frames if frames else None, 2),
        cpu_ms_per_s=rnd(on_cpu_ns / 1e6 / seconds if seconds else None, 3),
        frames=frames,
        frames_total=len(frames_at),
        frames_per_s=rnd(frames / seconds if seconds else None, 2),
        peak_rss_kb=peak_rss_kb,
        wall_s=rnd(end - start, 3),
        exit_code=proc.returncode,
        output_bytes=sum(len(data) for _, data in chunks),
    )
    usage = exited["usage"]
    result.update(
        cpu_ms_total=rnd((usage.ru_utime + usage.ru_stime) * 1000, 1),
        switches_voluntary=usage.ru_nvcsw,
        switches_involuntary=usage.ru_nivcsw,
    )
    if killed:
        result["note"] = f"killed after --timeout {args.timeout} s"
    if sigint_at is not None:
        result["exit_after_sigint_ms"] = rnd((end - sigint_at) * 1000, 2)
    if trace_path:
        with open(trace_path, "rb") as f:
            trace = f.read()
        os.unlink(trace_path)
        if seconds:
            lo, hi = t0 + wall_clock_offset, t1 + wall_clock_offset
            writes = sum(1 for m in TRACE_WRITE.finditer(trace) if lo <= float(m.group(1)) <= hi)
            result.update(writes=writes, writes_per_frame=rnd(writes / frames if frames else None, 2))
        result["traced"] = "strace: the other figures are slowed by tracing"
    return result


def rnd(value, digits):
    return None if value is None else round(value, digits)


def median_of(results):
    line = {"program": results[0]["program"], "run": "median", "runs": len(results)}
    keys = dict.fromkeys(key for r in results for key in r if key not in line)
    for key in keys:
        values = [r[key] for r in results if type(r.get(key)) in (int, float)]
        if values or all(r.get(key) is None for r in results):
            middle = statistics.median(values) if values else None
            if values and all(type(v) is int for v in values) and middle == int(middle):
                middle = int(middle)
            line[key] = rnd(middle, 3)
    return line


def main():
    args = parse_args()
    results = []
    for number in range(1, args.runs + 1):
        results.append(run_once(args, number))
        print(json.dumps(results[-1]), flush=True)
    if args.runs > 1:
        print(json.dumps(median_of(results)), flush=True)


if __name__ == "__main__":
    main()
