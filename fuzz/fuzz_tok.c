/*
** fuzz_tok.c: the tokenizer, the sentence splitter and the lower /
** mark-stripping folds on any bytes. Checks that tokens lie inside the
** text, in order, without overlap, and that sentence ends ascend.
*/
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"

static void tokenize(const char *s, size_t n, unsigned opts) {
  rs_mem M = rs_mem_default();
  rs_tokenizer T;
  rs_token t, *toks = NULL;
  size_t ntok = 0, cap = 0, ns, i;
  uint32_t *ends, last = 0;
  rs_buf b;
  rs_tok_init(&T, s, n, opts);
  while (rs_tok_next(&T, &t)) {
    CHECK(t.start < t.stop && t.stop <= n && t.start >= last);
    CHECK(t.kind >= RS_TOK_WORD && t.kind <= RS_TOK_SYMBOL);
    last = t.stop;
    CHECK(rs_grow(&M, (void **)&toks, &cap, ntok + 1, sizeof t) == 0);
    toks[ntok++] = t;
  }
  CHECK(T.bad <= n);
  ends = malloc((ntok ? ntok : 1) * sizeof *ends);
  ns = rs_sentence_split(s, toks, ntok, ends);
  CHECK(ns <= ntok);
  for (i = 0; i < ns; i++) CHECK(ends[i] < ntok && (i == 0 || ends[i] > ends[i - 1]));
  if (ntok > 0) CHECK(ns > 0 && ends[ns - 1] == ntok - 1);
  /* the lower form of every token, as the index makes them */
  rs_buf_init(&b);
  for (i = 0; i < ntok; i++) {
    b.n = 0;
    CHECK(rs_lower(&M, s + toks[i].start, toks[i].stop - toks[i].start, &b) == 0);
  }
  rs_buf_free(&M, &b);
  free(ends);
  rs_free(&M, toks, cap * sizeof *toks);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  rs_mem M = rs_mem_default();
  rs_buf b;
  size_t i;
  tokenize(s, size, 0);
  tokenize(s, size, RS_TOK_SPLIT_HYPHENS);
  rs_buf_init(&b);
  CHECK(rs_lower(&M, s, size, &b) == 0);
  b.n = 0;
  CHECK(rs_strip_marks(&M, s, size, 0, &b) == 0);
  b.n = 0;
  CHECK(rs_strip_marks(&M, s, size, 1, &b) == 0);
  rs_buf_free(&M, &b);
  for (i = 0; i < size;) {
    int32_t cp;
    int l = rs_utf8_decode(data + i, size - i, &cp);
    CHECK(l >= 1 && l <= 4 && (size_t)l <= size - i);
    if (cp >= 0) (void)rs_is_space(cp);
    i += (size_t)l;
  }
  /* allocation failure in the folds: an error, nothing leaked */
  if (size > 0) {
    fmem F;
    rs_mem FM = fmem_hook(&F, 1 + (long)(fuzz_hash(data, size) % 4));
    int rc;
    rs_buf_init(&b);
    rc = rs_lower(&FM, s, size, &b);
    CHECK(rc == 0 || rc == RS_ENOMEM);
    rs_buf_free(&FM, &b);
    CHECK(F.live == 0);
  }
  return 0;
}
