#!/bin/sh
# tools/valgrind.sh [SPEC...]: the busted specs under valgrind memcheck, each
# spec file in its own run, JOBS (default 2) at a time. Specs that need the
# full corpora skip (tools/valgrind_helper.lua) and the hardening sweeps are
# thinned (ROSTRA_VALGRIND). Any memcheck error or definite leak fails.
# Ends with one line "valgrind: N files clean, N failed".
set -u
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
[ $# -gt 0 ] || set -- spec/*_spec.lua
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
BUSTED=$(command -v busted) || { echo "valgrind: busted not found"; exit 1; }
export ROSTRA_VALGRIND=1 OUT_DIR="$out" BUSTED
printf '%s\n' "$@" | xargs -P "$JOBS" -I{} sh -c '
  f={}; log="$OUT_DIR/$(basename "$f").log"
  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite --num-callers=30 \
    lua5.4 "$BUSTED" --ignore-lua --helper=tools/valgrind_helper.lua --exclude-tags=corpus \
    -o TAP "$f" > "$log" 2>&1
  echo $? > "$log.rc"'
clean=0; failed=0
for f in "$@"; do
  log="$out/$(basename "$f").log"; rc=$(cat "$log.rc" 2>/dev/null || echo 1)
  if [ "$rc" -eq 0 ]; then
    clean=$((clean + 1)); echo "== $f: clean ($(grep -c '^ok' "$log") tests)"
  else
    failed=$((failed + 1))
    if [ "$rc" -eq 99 ]; then echo "== $f: MEMCHECK ERRORS"; else echo "== $f: FAILED (exit $rc)"; fi
    grep -E '^==[0-9]+==|^not ok|^# ' "$log" | head -n 80
  fi
done
echo "valgrind: $clean files clean, $failed failed"
[ "$failed" -eq 0 ]
