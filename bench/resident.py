#!/usr/bin/env python3
"""What a program has resident, mapping by mapping, while it runs in a pseudo-terminal.

    python3 bench/resident.py -- target/release/spinner --mode task
    python3 bench/resident.py --after 1.5 --pages -- target/release/spinner --mode task

Starts PROGRAM in a new session on a fresh 80x24 pseudo-terminal (as measure.py does), reads its
output for --after seconds (default 1.5), then prints the resident KB of each mapping from
/proc/PID/smaps (a file's mappings by name and permissions; [heap], [stack], [anon] for the rest),
the total, and VmHWM; then ends the program (SIGKILL). With --pages, also a line per mapping of
the program's own file, one character a page: '#' resident, '.' not (from /proc/PID/pagemap,
which gives this only to root; otherwise every page shows as '?').

Linux only; the standard library only.
"""

import argparse
import os
import pty
import struct
import subprocess
import sys
import time


def main():
    parser = argparse.ArgumentParser(usage="resident.py [flags] -- PROGRAM ARGS...")
    parser.add_argument("--after", type=float, default=1.5, metavar="SECONDS",
                        help="seconds after the start to look (default 1.5)")
    parser.add_argument("--pages", action="store_true",
                        help="also show which pages of the program's file are resident")
    parser.add_argument("command", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    master, slave = pty.openpty()
    env = dict(os.environ, TERM="xterm-256color", LC_ALL="C.UTF-8")
    child = subprocess.Popen(args.command, stdin=slave, stdout=slave, stderr=slave,
                             start_new_session=True, env=env)
    os.close(slave)
    os.set_blocking(master, False)
    deadline = time.monotonic() + args.after
    while time.monotonic() < deadline:
        try:
            os.read(master, 65536)
        except (BlockingIOError, OSError):
            pass
        time.sleep(0.02)
    if child.poll() is not None:
        sys.exit(f"resident.py: the program ended before {args.after} s")

    program = os.path.realpath(args.command[0]) if os.sep in args.command[0] else None
    rows, own, name = {}, [], None
    with open(f"/proc/{child.pid}/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            if not fields[0].endswith(":") and "-" in fields[0]:
                path = fields[5] if len(fields) > 5 else "[anon]"
                name = f"{os.path.basename(path)} {fields[1]}"
                if path == program:
                    own.append((fields[0], fields[1]))
            elif fields[0] == "Rss:":
                rows[name] = rows.get(name, 0) + int(fields[1])
    with open(f"/proc/{child.pid}/status") as status:
        hwm = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    pages = []
    if args.pages:
        with open(f"/proc/{child.pid}/pagemap", "rb") as pagemap:
            for span, perms in own:
                low, high = (int(x, 16) for x in span.split("-"))
                marks = []
                for address in range(low, high, 4096):
                    pagemap.seek(address // 4096 * 8)
                    entry = struct.unpack("Q", pagemap.read(8))[0]
                    marks.append("?" if entry == 0 and os.geteuid() != 0
                                 else "#" if entry >> 63 else ".")
                pages.append(f"{perms} {''.join(marks)}")
    child.kill()
    child.wait()

    for name, kb in rows.items():
        if kb:
            print(f"{kb:7d} KB  {name}")
    print(f"{sum(rows.values()):7d} KB  total (VmHWM {hwm} KB)")
    for line in pages:
        print(line)


if __name__ == "__main__":
    main()
