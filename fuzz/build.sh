#!/bin/sh
# fuzz/build.sh [OUT]: build the libFuzzer targets (fuzz/fuzz_*.c) with ASan
# and UBSan into OUT (default build-fuzz/), from the repository root.
# The core's sources are compiled once with -fsanitize=fuzzer-no-link; the
# engine targets link the engines only, the Lua targets (query, index) the
# bindings too and liblua5.4. SKIP_SRC="a.c b.c" leaves sources out.
set -eu
cd "$(dirname "$0")/.."
OUT=${1:-build-fuzz}
CC=${FUZZ_CC:-clang}
PKGS="lua5.4 yaml-0.1 libutf8proc libxxhash libpcre2-8 icu-uc"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-g -O1 $SAN -DRS_STORE_HEAP_SECTIONS -D_POSIX_C_SOURCE=200809L $(pkg-config --cflags $PKGS) -Icsrc"
LIBS="$(pkg-config --libs yaml-0.1 libutf8proc libxxhash libpcre2-8 icu-uc) -lstemmer -lpthread -lm"
mkdir -p "$OUT/obj"

engines=""; bindings=""
for src in csrc/*.c; do
  case " ${SKIP_SRC:-} " in *" $(basename "$src") "*) continue ;; esac
  o="$OUT/obj/$(basename "$src" .c).o"
  if [ ! -f "$o" ] || [ "$src" -nt "$o" ] || [ -n "$(find csrc -name '*.h' -newer "$o")" ]; then
    $CC $CFLAGS -fsanitize=fuzzer-no-link -c "$src" -o "$o"
  fi
  if grep -q '"lrostra.h"' "$src"; then bindings="$bindings $o"; else engines="$engines $o"; fi
done

# target name -> source and extra flags
build() { # build NAME SOURCE "EXTRA CFLAGS" "OBJECTS" "EXTRA LIBS"
  bin="$OUT/fuzz_$1"
  $CC $CFLAGS $3 -fsanitize=fuzzer -o "$bin" "$2" $4 $LIBS $5
}
build tok fuzz/fuzz_tok.c "" "$engines" ""
build speech fuzz/fuzz_speech.c "" "$engines" ""
build lex_yaml fuzz/fuzz_lexicon.c "-DLEX_FORMAT=RS_LEX_YAML" "$engines" ""
build lex_dic fuzz/fuzz_lexicon.c "-DLEX_FORMAT=RS_LEX_LIWC" "$engines" ""
build lex_cat fuzz/fuzz_lexicon.c "-DLEX_FORMAT=RS_LEX_WORDSTAT" "$engines" ""
build lex_lc3 fuzz/fuzz_lexicon.c "-DLEX_FORMAT=RS_LEX_LEXICODER" "$engines" ""
build expand fuzz/fuzz_expand.c "" "$engines" ""
build query fuzz/fuzz_query.c "" "$engines $bindings" "-llua5.4"
build index fuzz/fuzz_index.c "" "$engines $bindings" "-llua5.4"
build walk fuzz/fuzz_walk.c "" "$engines $bindings" "-llua5.4"
build annot fuzz/fuzz_annot.c "" "$engines" ""
echo "fuzz targets in $OUT/"
