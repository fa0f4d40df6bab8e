#!/bin/sh
# The TAS figures of docs/tas.md: each deck of validation/tas/ run with
# `iondrift run` and drawn with `iondrift plot` into docs/figures/tas_<deck>.png,
# and the reproduction with its TAS panel (`iondrift reproduce xiang2026`)
# into docs/figures/tas_reproduce.png.
# Usage: scripts/tas-figures.sh [BUILD_DIR]   (default build; `make tas-figures`)
set -eu
build=${1:-build}
bin="$build/app/iondrift"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p docs/figures
for deck in level band interface freezeout ions; do
  "$bin" run "validation/tas/$deck.yaml" -o "$out/$deck.h5" -q
  "$bin" plot "$out/$deck.h5" -o "docs/figures/tas_$deck.png"
done
"$bin" reproduce xiang2026 -o "$out/repro" -q
cp "$out/repro/reproduce.png" docs/figures/tas_reproduce.png
# 128-colour palettes: a third of the size, the same figure
${IONDRIFT_PYTHON:-/usr/bin/python3} - <<'PY'
import glob
from PIL import Image
for p in glob.glob("docs/figures/tas_*.png"):
    Image.open(p).convert("RGB").quantize(colors=128).save(p, optimize=True)
PY
