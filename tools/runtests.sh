#!/bin/sh
# Runs the C unit-test binaries given as arguments and the busted specs, and
# ends with one line "N passed, N failed" (C and Lua summed). Exit 1 on any
# failure.
LUA=${LUA:-lua5.4}
BUSTED=${BUSTED:-busted}
passed=0; failed=0; skipped=0; status=0
for t in "$@"; do
  out=$("$t" 2>&1); rc=$?
  printf '%s\n' "$out" | grep -v -E '^[0-9]+ passed, [0-9]+ failed$'
  line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
  if [ -z "$line" ]; then
    echo "$t: crashed or printed no summary (exit $rc)"; failed=$((failed + 1)); status=1; continue
  fi
  p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
  echo "$(basename "$t"): $line"
  passed=$((passed + p)); failed=$((failed + f))
  [ "$rc" -ne 0 ] && status=1
done
tap=$(mktemp); trap 'rm -f "$tap"' EXIT
"$BUSTED" --lua="$LUA" -o TAP > "$tap" 2>&1 </dev/null
rc=$?
# show failures and skips, not every passing line
grep -v -E '^ok [0-9]+ ' "$tap" | grep -v -E '^1\.\.[0-9]+$'
grep -E '^ok [0-9]+ .*# SKIP' "$tap"
lp=$(grep -E '^ok [0-9]+ ' "$tap" | grep -v -c '# SKIP')
ls=$(grep -c -E '^ok [0-9]+ .*# SKIP' "$tap")
lf=$(grep -c -E '^not ok [0-9]+ ' "$tap")
echo "busted: $lp passed, $lf failed, $ls skipped"
if [ "$rc" -ne 0 ] && [ "$lf" -eq 0 ]; then
  echo "busted exited $rc with no failing test (an error outside a test?)"; lf=1
fi
passed=$((passed + lp)); failed=$((failed + lf)); skipped=$((skipped + ls))
[ "$failed" -ne 0 ] && status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
