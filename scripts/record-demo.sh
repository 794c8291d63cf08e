#!/usr/bin/env bash
# Records the README's demo: docs/demo.cast (asciicast v2) and docs/demo.svg, an animated SVG
# rendered from it.
#
# Run from the repository root:   bash scripts/record-demo.sh
# Safe to run again: it installs only what is missing and overwrites the two files.
#
# Tools it installs when they are missing:
#   - svg-term-cli 2.1.1 (by marionebl, MIT): from npm, the package `svg-term-cli`, with the
#     packages it depends on, via the machine's npm into target/record-demo/npm (a local prefix:
#     nothing global). The version is pinned below; npm checks each tarball against the
#     registry's integrity hash.
# It also needs, and does not install: cargo (the Rust toolchain), python3, and Node.js with npm.
# No fonts are needed: the SVG names its fonts (Monaco, Consolas, Menlo, ..., monospace) and the
# viewer's browser draws them.
#
# What it does:
#   1. cargo build --release
#   2. scripts/record_demo.py runs target/release/spinner in an 80x12 pseudo-terminal, each run
#      behind a typed `$ spinner ...` prompt (the list of runs is RUNS at its top), and writes
#      docs/demo.cast
#   3. svg-term renders docs/demo.cast to docs/demo.svg: one SVG whose frames a CSS animation
#      steps through, looping; it plays in an <img>, so on GitHub too.
set -euo pipefail

cd "$(dirname "$0")/.."

SVG_TERM_VERSION=2.1.1
TOOLS=target/record-demo
NPM_PREFIX=$TOOLS/npm

say() { printf 'record-demo: %s\n' "$*" >&2; }

# --- tools ---------------------------------------------------------------------------------------
command -v cargo >/dev/null || { say "cargo is needed (the Rust toolchain)"; exit 1; }
command -v python3 >/dev/null || { say "python3 is needed"; exit 1; }
command -v npm >/dev/null && command -v node >/dev/null || { say "Node.js and npm are needed"; exit 1; }

SVG_TERM=$NPM_PREFIX/node_modules/.bin/svg-term
if [ "$("$SVG_TERM" --version 2>/dev/null)" != "$SVG_TERM_VERSION" ]; then
    say "installing svg-term-cli $SVG_TERM_VERSION (npm) into $NPM_PREFIX"
    rm -rf "$NPM_PREFIX"
    mkdir -p "$NPM_PREFIX"
    # npm's progress and its deprecation notices about svg-term-cli's old dependencies: kept in a
    # log, shown only on failure.
    if ! npm install --prefix "$NPM_PREFIX" --save-exact --no-audit --no-fund \
        "svg-term-cli@$SVG_TERM_VERSION" >"$TOOLS/npm.log" 2>&1; then
        cat "$TOOLS/npm.log" >&2
        exit 1
    fi
fi
"$SVG_TERM" --version >/dev/null

# --- build ---------------------------------------------------------------------------------------
say "cargo build --release"
cargo build --release --quiet

# --- record --------------------------------------------------------------------------------------
mkdir -p docs
say "recording docs/demo.cast"
python3 scripts/record_demo.py target/release/spinner docs/demo.cast

# --- render --------------------------------------------------------------------------------------
say "rendering docs/demo.svg"
# The size, 80x12, comes from the cast's header. No --width/--height: svg-term 2.1.1 emulates
# --height + 1 rows but shows only --height, so `--height 12` would hide the bottom row, where the
# spinner turns. No --window (a macOS-style title bar; off by default). The cursor is kept (no
# --no-cursor): a steady block after the prompt while a command is typed, hidden while the spinner
# runs, as spinner hides it. 12 px of padding in the terminal's colour. svg-term runs svgo over
# its output by default. Written beside, then moved: a failed render leaves the previous SVG.
"$SVG_TERM" --in docs/demo.cast --out "$TOOLS/demo.svg" --padding 12
mv "$TOOLS/demo.svg" docs/demo.svg
say "docs/demo.svg: $(du -k docs/demo.svg | cut -f1) KiB"
