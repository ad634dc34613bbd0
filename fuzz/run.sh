#!/bin/sh
# fuzz/run.sh SECONDS [TARGET...]: build the fuzz targets into build-fuzz/
# (clang, libFuzzer, ASan + UBSan) and run each for SECONDS, one after the
# other. Seeds: fuzz/corpus/<target>/, the spec fixtures and ../shared/seed;
# what libFuzzer adds stays in build-fuzz/corpus/<target>/.
# Any crash, leak, timeout or undefined behaviour fails the run, and its
# input is copied to spec/fixtures/crashes/<target>/ (the specs replay them).
# Targets: tok speech lex_yaml lex_dic lex_cat lex_lc3 expand query index walk annot.
set -u
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
[ $# -gt 0 ] && shift
TARGETS=${*:-tok speech lex_yaml lex_dic lex_cat lex_lc3 expand query index walk annot}
OUT=build-fuzz
./fuzz/build.sh "$OUT" || { echo "fuzz: build failed"; exit 1; }
ROSTRA_ROOT=$(pwd)
export ROSTRA_ROOT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

seed() { # seed TARGET FILES...: copy the files that exist into the work corpus
  t=$1; shift
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$OUT/corpus/$t/seed_$(echo "$f" | tr '/.' '__')"; done
  return 0
}

failed=0; total=0
for t in $TARGETS; do
  bin="$OUT/fuzz_$t"
  [ -x "$bin" ] || { echo "fuzz: no target $t"; failed=1; continue; }
  mkdir -p "$OUT/corpus/$t" "$OUT/artifacts/$t"
  [ -d "fuzz/corpus/$t" ] && cp fuzz/corpus/"$t"/* "$OUT/corpus/$t/" 2>/dev/null
  case $t in
    tok|speech) seed "$t" spec/fixtures/speech/* spec/fixtures/front/* spec/fixtures/corpus/*.txt ../shared/seed/*.txt ;;
    lex_yaml) seed "$t" spec/fixtures/lexicon/*.yaml lua/rostra/lexicons/*.yaml ;;
    lex_dic) seed "$t" spec/fixtures/lexicon/*.dic lua/rostra/lexicons/*.dic ;;
    lex_cat) seed "$t" spec/fixtures/lexicon/*.cat lua/rostra/lexicons/*.cat ;;
    lex_lc3) seed "$t" spec/fixtures/lexicon/*.lc3 lua/rostra/lexicons/*.lc3 ;;
    annot) seed "$t" spec/fixtures/annot/* ;;
  esac
  dict=""
  [ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
  echo "== fuzz_$t: $SECONDS_EACH s"
  log="$OUT/fuzz_$t.log"
  FUZZ_INDEX_SEED_DIR="$OUT/corpus/$t" "$bin" -max_total_time="$SECONDS_EACH" -timeout=25 \
    -rss_limit_mb=2560 -max_len=65536 -print_final_stats=1 $dict \
    -artifact_prefix="$OUT/artifacts/$t/" "$OUT/corpus/$t" > "$log" 2>&1
  rc=$?
  grep -a -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$log" | tail -n 2
  total=$((total + SECONDS_EACH))
  found=$(ls "$OUT/artifacts/$t" 2>/dev/null)
  if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
    failed=1
    echo "fuzz_$t: FAILED (exit $rc); log in $log"
    grep -a -E -A 25 'ERROR: |runtime error:|invariant broken|fuzz: ' "$log" | head -n 60
    mkdir -p "spec/fixtures/crashes/$t"
    for f in "$OUT/artifacts/$t"/*; do
      [ -f "$f" ] || continue
      cp "$f" "spec/fixtures/crashes/$t/$(basename "$f")" && rm -f "$f"
      echo "fuzz_$t: kept spec/fixtures/crashes/$t/$(basename "$f")"
    done
  else
    echo "fuzz_$t: ok"
  fi
done
echo "fuzz: $total s in all"
exit $failed
