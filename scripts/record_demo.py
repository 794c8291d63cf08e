#!/usr/bin/env python3
"""Records the README demo of `spinner` as one asciicast v2 file.

Usage: python3 scripts/record_demo.py BINARY OUTPUT.cast

Each run in RUNS is shown as if typed at a shell prompt (`$ spinner ARGS`), then BINARY runs with
ARGS in an 80x12 pseudo-terminal with TERM=xterm-256color. A run with a Ctrl-C time gets a real
Ctrl-C: the byte 0x03 written to the terminal, so the terminal driver sends SIGINT to the program
and echoes `^C`, as a terminal does. Pauses longer than MAX_IDLE seconds are shortened to it.

Standard library only. Called by scripts/record-demo.sh, which also renders the animated SVG.
"""

import codecs
import fcntl
import json
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

# The runs, in order: the program's arguments, and after how many seconds to press Ctrl-C (None:
# let it finish). Edit here; the prompt shows `spinner` followed by these arguments.
RUNS = [
    (["--mode", "thread", "--delay", "2s"], None),
    (["--mode", "task", "--delay", "2s"], None),
    (["--mode", "thread", "--delay", "10s"], 1.35),
    (["--mode", "thread", "--wait", "event", "--delay", "10s"], 1.35),
    (["--mode", "task", "--delay", "10s"], 1.35),
]

WIDTH, HEIGHT = 80, 12
TERM = "xterm-256color"
PROMPT = "\x1b[1;32m$\x1b[0m "  # a green `$` and a space
MAX_IDLE = 1.5  # seconds: longer pauses in the recording are cut to this
RUN_TIMEOUT = 15.0  # seconds: a run still going after this is killed (a safety net, not expected)
TYPE_STEP = 0.06  # seconds between typed bursts
BURST = [2, 1, 3, 2, 1, 2]  # characters per typed burst, in turn: uneven, like a person
PAUSE_BEFORE_TYPING = 0.5
PAUSE_BEFORE_ENTER = 0.35
PAUSE_AFTER_RUN = 0.6
CTRL_C_HOLD = 0.0  # seconds the `^C` echo stays on screen: none, so that each stop shows as fast as it is
LAST_HOLD = MAX_IDLE  # seconds the last prompt stays on screen before a looping player restarts


class Cast:
    """The events of an asciicast v2 file, on a clock of its own (seconds from the start)."""

    def __init__(self):
        self.events = []
        self.now = 0.0

    def wait(self, seconds):
        self.now += seconds

    def out(self, text):
        if text:
            self.events.append([round(self.now, 6), "o", text])

    def hold(self, seconds):
        """Keeps the screen as it is for `seconds`: an empty output event at their end. A cast
        lasts until its last event, so without it the last screen would show for no time at all
        (svg-term's SVG loops at once). Players cut the pause to idle_time_limit, if longer."""
        self.wait(seconds)
        self.events.append([round(self.now, 6), "o", ""])

    def write(self, path, title):
        header = {
            "version": 2,
            "width": WIDTH,
            "height": HEIGHT,
            "idle_time_limit": MAX_IDLE,
            "title": title,
            "env": {"TERM": TERM, "SHELL": "/bin/bash"},
        }
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(json.dumps(header) + "\n")
            for event in self.events:
                f.write(json.dumps(event, ensure_ascii=False) + "\n")
        os.replace(tmp, path)


def type_command(cast, command):
    """Shows the prompt and `command` typed a few characters at a time, then Enter."""
    cast.out(PROMPT)
    cast.wait(PAUSE_BEFORE_TYPING)
    i = n = 0
    while i < len(command):
        size = BURST[n % len(BURST)]
        cast.out(command[i : i + size])
        cast.wait(TYPE_STEP)
        i += size
        n += 1
    cast.wait(PAUSE_BEFORE_ENTER)
    cast.out("\r\n")


def spawn(argv):
    """Starts argv on a new pseudo-terminal of WIDTH x HEIGHT; returns (pid, master fd)."""
    env = dict(os.environ, TERM=TERM, COLUMNS=str(WIDTH), LINES=str(HEIGHT))
    pid, master = pty.fork()
    if pid == 0:  # the child: fd 0..2 are the terminal, which is already our controlling one
        try:
            # The size is set here, before exec, so the program sees it from its first line.
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
            # Python ignores SIGPIPE and SIGXFSZ, and an ignored signal stays ignored across exec.
            for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT):
                signal.signal(sig, signal.SIG_DFL)
            os.execve(argv[0], argv, env)
        except BaseException as error:  # noqa: BLE001 - report anything, then leave at once
            os.write(2, f"record_demo: cannot run {argv[0]}: {error}\r\n".encode())
        os._exit(127)
    return pid, master


def record_run(cast, binary, args, ctrl_c_after):
    """Runs `binary args` to its end (pressing Ctrl-C at ctrl_c_after, if given); returns its
    exit status as a shell shows it ($?)."""
    pid, master = spawn([binary] + args)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    start = time.monotonic()
    start_at = cast.now  # where this run begins on the cast's clock
    skipped = 0.0  # idle time cut from this run so far
    last = 0.0  # when, in the run's own time, the last output came
    pressed = killed = held = False
    while True:
        elapsed = time.monotonic() - start
        if ctrl_c_after is not None and not pressed and elapsed >= ctrl_c_after:
            os.write(master, b"\x03")  # Ctrl-C: the terminal driver turns it into SIGINT
            pressed = True
        if not killed and elapsed >= RUN_TIMEOUT:
            os.kill(pid, signal.SIGKILL)
            killed = True
            sys.stderr.write(f"record_demo: killed a run after {RUN_TIMEOUT} s: {args}\n")
        due = [RUN_TIMEOUT] if not killed else [elapsed + 1.0]
        if ctrl_c_after is not None and not pressed:
            due.append(ctrl_c_after)
        ready, _, _ = select.select([master], [], [], max(0.0, min(due) - elapsed))
        if not ready:
            continue
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: every copy of the terminal's other end is closed, the run is over
            data = b""
        now = time.monotonic() - start
        if not data:
            break
        if now - last > MAX_IDLE:
            skipped += now - last - MAX_IDLE
        last = now
        cast.now = start_at + now - skipped
        text = decoder.decode(data)
        if pressed and not held and "^C" in text:
            # The terminal's `^C` echo is wiped a few ms later by the program's clearing of its
            # line: hold it on screen for a moment, or no frame of the SVG would show it.
            cut = text.index("^C") + 2
            cast.out(text[:cut])
            cast.wait(CTRL_C_HOLD)
            skipped -= CTRL_C_HOLD
            held = True
            text = text[cut:]
        cast.out(text)
    cast.out(decoder.decode(b"", final=True))
    os.close(master)
    _, status = os.waitpid(pid, 0)
    end = time.monotonic() - start
    cast.now = start_at + min(end - skipped, last - skipped + MAX_IDLE)
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code  # killed by signal N: 128 + N, as a shell shows it


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: record_demo.py BINARY OUTPUT.cast")
    binary, output = os.path.abspath(sys.argv[1]), sys.argv[2]
    cast = Cast()
    for args, ctrl_c_after in RUNS:
        type_command(cast, " ".join(["spinner"] + args))
        code = record_run(cast, binary, args, ctrl_c_after)
        print(f"record_demo: spinner {' '.join(args)}: exit {code}", file=sys.stderr)
        cast.wait(PAUSE_AFTER_RUN)
    cast.out(PROMPT)
    cast.hold(LAST_HOLD)
    cast.write(output, "spinner: a thread and an async task, each finishing and cancelled by Ctrl-C")
    print(f"record_demo: wrote {output} ({len(cast.events)} events, {cast.now:.1f} s)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
