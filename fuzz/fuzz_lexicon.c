/*
** fuzz_lexicon.c: one lexicon reader on any bytes; built once per format
** (-DLEX_FORMAT=RS_LEX_YAML, RS_LEX_LIWC, RS_LEX_WORDSTAT, RS_LEX_LEXICODER).
** Checks the result's invariants, and that an allocation failure at a
** point picked from the input is RS_ENOMEM with nothing leaked.
*/
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "lexicon.h"

#ifndef LEX_FORMAT
#define LEX_FORMAT RS_LEX_YAML
#endif

static void check_lexicon(const rs_lexicon *lx) {
  size_t i;
  for (i = 0; i < lx->ncat; i++) {
    const rs_lexcat *c = &lx->cats[i];
    CHECK(c->name != NULL && c->name[c->namelen] == '\0' && c->leaf <= c->namelen);
    CHECK(c->parent == RS_LEX_NONE || c->parent < i);
    CHECK(c->depth >= 0 && c->depth <= RS_LEX_MAX_DEPTH);
  }
  for (i = 0; i < lx->nentry; i++) {
    const rs_lexentry *e = &lx->entries[i];
    CHECK(e->pattern != NULL && e->pattern[e->len] == '\0');
    CHECK(e->len <= RS_LEX_MAX_PATTERN);
    CHECK(e->cat == RS_LEX_NONE || e->cat < lx->ncat);
  }
  for (i = 0; i < lx->nwarn; i++) CHECK(lx->warns[i].msg != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  fmem F;
  rs_mem M = fmem_hook(&F, 0);
  rs_lexicon lx;
  long total;
  int rc;
  memset(&lx, 0, sizeof lx);
  rc = rs_lexicon_read(&M, s, size, LEX_FORMAT, &lx);
  CHECK(rc == RS_OK || rc == RS_EPARSE || rc == RS_ENOTTEXT);
  if (rc == RS_OK) {
    check_lexicon(&lx);
  } else {
    CHECK(lx.err_msg[0] != '\0' && memchr(lx.err_msg, '\0', sizeof lx.err_msg) != NULL);
    CHECK(lx.ncat == 0 && lx.nentry == 0);
  }
  rs_lexicon_free(&M, &lx);
  CHECK(F.live == 0);
  total = F.count;
  if (total > 0) { /* the k-th allocation fails */
    M = fmem_hook(&F, 1 + (long)(fuzz_hash(data, size) % (unsigned long)total));
    memset(&lx, 0, sizeof lx);
    rc = rs_lexicon_read(&M, s, size, LEX_FORMAT, &lx);
    CHECK(rc == RS_ENOMEM);
    rs_lexicon_free(&M, &lx);
    CHECK(F.live == 0);
  }
  return 0;
}
