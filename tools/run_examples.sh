#!/bin/sh
# Runs every examples/*.lua from the repository root with the checkout's
# modules (lua/ and lua/rostra/core.so), prints "ok" or "FAILED" and the
# time of each, the output of those that fail, and a last line
# "N examples, N failed". Exit 1 when any fails. `-v` shows every output.
# Examples that need ../shared print "skip: ..." and succeed when it is absent.
cd "$(dirname "$0")/.." || exit 1
LUA=${LUA:-lua5.4}
LUA_PATH="lua/?.lua;lua/?/init.lua;;"
LUA_CPATH="lua/?.so;;"
export LUA_PATH LUA_CPATH
verbose=0
[ "${1:-}" = "-v" ] && verbose=1
n=0; failed=0
out=$(mktemp); trap 'rm -f "$out"' EXIT
for f in examples/*.lua; do
  n=$((n + 1))
  t0=$(date +%s%N)
  "$LUA" "$f" > "$out" 2>&1 </dev/null
  rc=$?
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  skip=$(grep -m 1 '^skip: ' "$out")
  if [ "$rc" -eq 0 ]; then
    echo "ok      $f (${ms} ms)${skip:+ - $skip}"
    [ "$verbose" -eq 1 ] && sed 's/^/    /' "$out"
  else
    failed=$((failed + 1))
    echo "FAILED  $f (exit $rc, ${ms} ms)"
    tail -n 30 "$out" | sed 's/^/    /'
  fi
done
echo "$n examples, $failed failed"
[ "$failed" -eq 0 ]
