#!/usr/bin/env python3
"""Write cli/hot-text.ld: the functions a lesson run executes, to be laid out together.

    python3 bench/hot_text.py

Why: the kernel maps a program's code around each page it touches, 64 KB at a time. Functions are
laid out in the order the compiler emits them, so the few hundred KB a run executes are spread over
the whole binary, and all of the code ends up resident. The linker script this writes (cli/build.rs
passes it to the linker) puts the functions that `spinner --mode thread` (with `--wait sleep` and
`event`) and `spinner --mode task` execute in a section of their own, `.text.hot`, after `.text`,
beside the start-up code; the rest of the code (the command runner, `compare`, help and error
texts, std's backtrace printer...) stays in `.text`, and a lesson run leaves most of it unmapped.
The code and the binary's size do not change.

How: builds the program with symbols (`--config profile.release.strip=false`, into
$CARGO_TARGET_DIR/hot-text or target/hot-text), runs each lesson for 3 s under valgrind's callgrind
in a pseudo-terminal, with and without a locale and TERM, and takes the names of the functions of
the program that ran. In each name the hashes (legacy `17h<16 hex>E`, v0 crate disambiguators
`Cs<base62>_`, and the v0 back-references `B<base62>_`, which move with them) become `*`: they
differ between this build and the stripped one, and change with a dependency or the compiler. A
function renamed or new, or one that runs only outside valgrind, stays in `.text` (its 64 KB are
then mapped, never wrong). GNU ld, gold and lld take such glob patterns in a linker script; a
pattern that matches nothing is ignored.

Needs Linux, cargo, valgrind (callgrind), nm; the standard library only.
"""

import os
import pty
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "cli", "hot-text.ld")
RUNS = [
    ["--mode", "thread", "--delay", "3s"],
    ["--mode", "thread", "--wait", "event", "--delay", "3s"],
    ["--mode", "task", "--delay", "3s"],
]


def build():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    target = os.path.join(target, "hot-text")
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "spinner-cli",
                    "--config", "profile.release.strip=false", "--target-dir", target],
                   cwd=ROOT, check=True)
    return os.path.join(target, "release", "spinner")


def executed(binary, args, env):
    """The names (mangled) of the functions callgrind saw run, in a pseudo-terminal."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        master, slave = pty.openpty()
        # --fair-sched: threads take turns as on a machine with cores to spare, so that the paths
        # where one waits for another run too.
        child = subprocess.Popen(["valgrind", "--tool=callgrind", "--demangle=no", "--fair-sched=yes",
                                  f"--callgrind-out-file={out}", binary, *args],
                                 stdin=slave, stdout=slave, stderr=slave,
                                 start_new_session=True, env=env)
        os.close(slave)
        os.set_blocking(master, False)
        while child.poll() is None:
            try:
                os.read(master, 65536)
            except (BlockingIOError, OSError):
                pass
            time.sleep(0.02)
        os.close(master)
        if child.returncode != 0:
            sys.exit(f"hot_text.py: {' '.join(args)} under callgrind exited {child.returncode}")
        names = set()
        with open(out) as lines:
            for line in lines:
                found = re.match(r"^c?fn=\(\d+\) (.+)$", line.rstrip("\n"))
                if found:
                    names.add(found.group(1).split("'")[0])  # NAME'2: a recursion's depth
        return names


def functions(binary):
    """The names of the functions defined in the binary."""
    listing = subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout
    return {parts[2] for parts in (line.split() for line in listing.splitlines())
            if len(parts) == 3 and parts[1] in "tTwW"}


def pattern(name):
    """NAME with its hashes as `*`."""
    name = re.sub(r"17h[0-9a-f]{16}E$", "17h*E", name)
    name = re.sub(r"Cs[0-9A-Za-z]+_", "Cs*_", name)
    if name.startswith("_R"):
        # v0 back-references are offsets into the name, which move when a hash's length does.
        name = re.sub(r"B[0-9A-Za-z]{0,3}_", "B*_", name)
    return name


def main():
    binary = build()
    defined = functions(binary)
    # As bench/measure.py runs it, and with no locale nor TERM (the paths that read them differ).
    harness = dict(os.environ, TERM="xterm-256color", LC_ALL="C.UTF-8")
    bare = {k: v for k, v in os.environ.items() if k not in ("TERM", "LC_ALL", "LC_CTYPE", "LANG")}
    hot = set()
    for run in RUNS:
        for env in (harness, bare):
            hot |= executed(binary, run, env) & defined
    patterns = sorted({pattern(name) for name in hot})
    with open(OUT, "w") as out:
        out.write("/* Written by bench/hot_text.py, which says why and how: the functions a lesson run\n"
                  "   executes, kept together so that the code it does not execute stays unmapped. */\n"
                  "SECTIONS\n{\n  .text.hot : {\n"
                  "    /* The C runtime's start-up code (_start), in sections named plain .text. */\n"
                  "    *(.text)\n")
        for p in patterns:
            # LLVM puts a function it deems cold (`#[cold]`, or only called from such) in
            # `.text.unlikely.NAME`.
            out.write(f"    *(.text.{p} .text.unlikely.{p})\n")
        # After `.text`: beside the start-up code, which every run executes too.
        out.write("  }\n}\nINSERT AFTER .text;\n")
    print(f"{len(patterns)} patterns ({len(hot)} functions) written to {OUT}")


if __name__ == "__main__":
    main()
