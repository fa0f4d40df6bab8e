#!/bin/sh
# Rewrite examples/expected/NAME.txt from the commands of
# examples/expected/commands.txt, run with the given iondrift binary from a
# scratch directory (as the test app.example.NAME does). Then paste the new
# outputs into the documents listed for them (examples/README.md,
# docs/cli.md): the test checks that they show them.
#   sh scripts/examples-expected.sh [build/app/iondrift]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$(dirname "${1:-build/app/iondrift}")" && pwd)/$(basename "${1:-build/app/iondrift}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ln -s "$top/examples" "$tmp/examples"
mkdir "$tmp/out"
grep -v '^#' "$top/examples/expected/commands.txt" | while IFS='|' read -r name docs cmd; do
  [ -n "$name" ] || continue
  # the --set value holds blanks: split at the first "--set " only
  case "$cmd" in
    *"--set "*) head=${cmd%%--set *}; set_val=${cmd#*--set }
      # shellcheck disable=SC2086
      (cd "$tmp" && "$bin" $head --set "$set_val") > "$top/examples/expected/$name.txt" ;;
    *) # shellcheck disable=SC2086
      (cd "$tmp" && "$bin" $cmd) > "$top/examples/expected/$name.txt" ;;
  esac
  echo "examples/expected/$name.txt (shown in $docs)"
done
