#!/bin/sh
# tools/asan-spec.sh [SPEC...]: build the core with ASan + UBSan into
# build-fuzz/san/ (leaving lua/rostra/core.so alone, so others can keep
# working) and run busted on the given spec files (default: the hardening
# and allocation-failure specs) with LeakSanitizer on.
set -eu
cd "$(dirname "$0")/.."
OUT=build-fuzz/san
CC=${CC:-gcc}
PKGS="lua5.4 yaml-0.1 libutf8proc libxxhash libpcre2-8"
FLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
mkdir -p "$OUT/obj" "$OUT/rostra"
objs=""
for src in csrc/*.c; do
  case " ${SKIP_SRC:-} " in *" $(basename "$src") "*) continue ;; esac
  o="$OUT/obj/$(basename "$src" .c).o"
  if [ ! -f "$o" ] || [ "$src" -nt "$o" ] || [ -n "$(find csrc -name '*.h' -newer "$o")" ]; then
    $CC $FLAGS -fPIC -std=c99 -DRS_STORE_HEAP_SECTIONS -D_POSIX_C_SOURCE=200809L $(pkg-config --cflags $PKGS) -c "$src" -o "$o"
  fi
  objs="$objs $o"
done
$CC $FLAGS -shared -o "$OUT/rostra/core.so" $objs \
  $(pkg-config --libs yaml-0.1 libutf8proc libxxhash libpcre2-8) -lstemmer -lpthread -lm
[ "${1:-}" = "--build-only" ] && { echo "$OUT/rostra/core.so"; exit 0; }
[ $# -gt 0 ] || set -- spec/hardening_spec.lua spec/allocfail_spec.lua
LD_PRELOAD="$($CC -print-file-name=libasan.so) $($CC -print-file-name=libubsan.so)" \
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1} \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
ROSTRA_SANITIZED=1 \
  busted --lua=lua5.4 --cpath="$OUT/?.so" -o utfTerminal "$@"
