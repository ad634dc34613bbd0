/*
** fuzz_expand.c: the expansion of lexicon patterns against a vocabulary
** (tagger.c): each input line is a pattern (words split on spaces; a word
** with '*' or '?' is a glob). The phrases rs_tagger_count_tokens counts
** must be those a brute force over the vocabulary finds (rs_glob_match on
** every type, not the sorted prefix search); rs_tagger_add_tokens must
** refuse exactly the patterns over RS_TAG_MAX_PATHS; what is added
** compiles, and matching a symbol sequence from the input stays in range.
*/
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "index.h"
#include "tagger.h"

#define MAXTOK 6
#define BUILD_MAX 20000u /* phrases built per pattern at most (speed) */

static rs_mem M0;
static rs_vocab V;
static rs_strtab voc;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  static const char *const parts[] = {"re", "de", "a", "pro", "é", "中", "s", ""};
  char w[32];
  int i, j, k;
  (void)argc;
  (void)argv;
  M0 = rs_mem_default();
  rs_vocab_init(&V);
  /* about 500 types: every pair and triple of parts */
  for (i = 0; i < 8; i++)
    for (j = 0; j < 8; j++)
      for (k = 0; k < 8; k++) {
        uint32_t id;
        int isnew;
        snprintf(w, sizeof w, "%s%s%s", parts[i], parts[j], parts[k]);
        if (w[0]) rs_vocab_intern(&M0, &V, w, strlen(w), &id, &isnew);
      }
  voc = rs_vocab_view(&V);
  return 0;
}

/* the types glob g matches, by brute force */
static uint64_t brute(const char *g, size_t n) {
  uint64_t c = 0;
  uint32_t t;
  for (t = 0; t < voc.n; t++) {
    size_t l;
    const char *s = rs_strtab_get(&voc, t, &l);
    c += rs_glob_match(g, n, s, l) != 0;
  }
  return c;
}

/* every match inside the sequence, of a category there is */
static void on_match(void *ud, uint32_t start, uint32_t len, uint32_t cat, double weight) {
  size_t n = *(const size_t *)ud;
  (void)weight;
  CHECK(len >= 1 && (size_t)start + len <= n && cat < 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  size_t a = 0;
  int lines = 0;
  fmem F;
  rs_mem M = fmem_hook(&F, 0);
  rs_tagger *T = rs_tagger_new(&M, voc.n, 3);
  CHECK(T != NULL);
  while (a < size && lines < 32) {
    size_t b = a, ntok = 0, i;
    rs_tagtok toks[MAXTOK];
    uint64_t count = 0, want = 1;
    int rc;
    while (b < size && s[b] != '\n') b++;
    /* the words of the line */
    for (i = a; i < b && ntok < MAXTOK;) {
      size_t j;
      while (i < b && s[i] == ' ') i++;
      if (i == b) break;
      j = i;
      while (j < b && s[j] != ' ') j++;
      toks[ntok].s = s + i;
      toks[ntok].len = j - i;
      toks[ntok].glob = memchr(s + i, '*', j - i) || memchr(s + i, '?', j - i);
      ntok++;
      i = j;
    }
    a = b + 1;
    lines++;
    if (ntok == 0) continue;
    for (i = 0; i < ntok; i++) {
      uint64_t k = toks[i].glob ? brute(toks[i].s, toks[i].len)
                                : (uint64_t)(rs_strtab_find(&voc, toks[i].s, toks[i].len) >= 0);
      want = want > ((uint64_t)1 << 62) / (k ? k : 1) ? ((uint64_t)1 << 62) : want * k;
      if (k == 0) want = 0;
    }
    rc = rs_tagger_count_tokens(T, &voc, toks, ntok, &count);
    CHECK(rc == RS_OK); /* no glob can match RS_MAX_GLOB_TYPES of 500 types */
    CHECK(count == want);
    if (count > BUILD_MAX && count <= RS_TAG_MAX_PATHS) continue; /* legal, but slow to build */
    rc = rs_tagger_add_tokens(T, &voc, toks, ntok, (uint32_t)(lines % 3), 1.0, lines % 5 == 0);
    CHECK(count > RS_TAG_MAX_PATHS ? rc == RS_ELIMIT : rc == RS_OK);
  }
  CHECK(rs_tagger_finish(T) == RS_OK);
  {
    /* the input's bytes as a symbol sequence */
    uint32_t syms[256];
    size_t n = size < 256 ? size : 256, i;
    for (i = 0; i < n; i++) syms[i] = (uint32_t)data[i] % (voc.n + 1); /* one past: never a type */
    CHECK(rs_tagger_match(T, syms, n, (int)(size % 2), on_match, &n) == RS_OK);
  }
  rs_tagger_free(T);
  CHECK(F.live == 0);
  return 0;
}
