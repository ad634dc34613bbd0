/* Unit tests of the tokenizer engine (tok.c), from C alone. */
#include <stdlib.h>

#include "check.h"
#include "rostra.h"

/* a counting allocator that fails the k-th allocation */
typedef struct failmem {
  long countdown;  /* < 0: never fail */
  long outstanding; /* bytes held */
} failmem;

static void *fail_alloc(void *ud, void *p, size_t osize, size_t nsize) {
  failmem *fm = (failmem *)ud;
  if (nsize == 0) {
    if (p) fm->outstanding -= (long)osize;
    free(p);
    return NULL;
  }
  if (fm->countdown == 0) return NULL;
  if (fm->countdown > 0) fm->countdown--;
  p = realloc(p, nsize);
  if (p) fm->outstanding += (long)nsize - (long)osize;
  return p;
}

static size_t toks(const char *s, rs_token *out, size_t max, unsigned opts) {
  rs_tokenizer T;
  size_t n = 0;
  rs_token t;
  rs_tok_init(&T, s, strlen(s), opts);
  while (rs_tok_next(&T, &t)) {
    if (n < max) out[n] = t;
    n++;
  }
  return n;
}

static int tok_eq(const char *s, const rs_token *t, const char *lit) {
  return strlen(lit) == t->stop - t->start && memcmp(s + t->start, lit, strlen(lit)) == 0;
}

static void test_words_and_spans(void) {
  const char *s = "People\xE2\x80\x99s win-win 20th 1,000\xC2\xA0" "3.5.";
  rs_token t[16];
  size_t n = toks(s, t, 16, 0);
  CHECK_EQ_INT(n, 6);
  CHECK(tok_eq(s, &t[0], "People\xE2\x80\x99s"));
  CHECK_EQ_INT(t[0].kind, RS_TOK_WORD);
  CHECK(t[0].flags & RS_TF_UPPER);
  CHECK(tok_eq(s, &t[1], "win-win"));
  CHECK(tok_eq(s, &t[2], "20th"));
  CHECK_EQ_INT(t[2].kind, RS_TOK_WORD);
  CHECK(tok_eq(s, &t[3], "1,000"));
  CHECK_EQ_INT(t[3].kind, RS_TOK_NUMBER);
  CHECK(tok_eq(s, &t[4], "3.5"));
  CHECK_EQ_INT(t[5].kind, RS_TOK_PUNCT);
}

static void test_split_hyphens(void) {
  rs_token t[8];
  CHECK_EQ_INT(toks("win-win", t, 8, RS_TOK_SPLIT_HYPHENS), 3);
  CHECK_EQ_INT(toks("win-win", t, 8, 0), 1);
}

static void test_han(void) {
  const char *s = "\xE4\xB8\xAD\xE5\x9B\xBD 2020\xE5\xB9\xB4"; /* 中国 2020年 */
  rs_token t[8];
  CHECK_EQ_INT(toks(s, t, 8, 0), 4);
  CHECK(t[0].flags & RS_TF_HAN);
  CHECK_EQ_INT(t[2].kind, RS_TOK_NUMBER);
}

static void test_bad_bytes(void) {
  rs_tokenizer T;
  rs_token t;
  size_t n = 0;
  const char *s = "ab \xE9 \xFF";
  rs_tok_init(&T, s, strlen(s), 0);
  while (rs_tok_next(&T, &t)) n++;
  CHECK_EQ_INT(n, 3);
  CHECK_EQ_INT(T.bad, 2);
  CHECK_EQ_INT(T.first_bad, 3);
}

static void test_nul_is_symbol(void) {
  rs_tokenizer T;
  rs_token t;
  const char s[] = {'a', '\0', 'b'};
  rs_tok_init(&T, s, 3, 0);
  CHECK(rs_tok_next(&T, &t));
  CHECK(rs_tok_next(&T, &t));
  CHECK_EQ_INT(t.kind, RS_TOK_SYMBOL);
  CHECK_EQ_INT(t.start, 1);
  CHECK(rs_tok_next(&T, &t));
  CHECK(!rs_tok_next(&T, &t));
}

static void test_lower(void) {
  rs_mem M = rs_mem_default();
  rs_buf b;
  rs_buf_init(&b);
  CHECK_EQ_INT(rs_lower(&M, "People\xE2\x80\x99s", 10, &b), RS_OK);
  CHECK(b.n == 8 && memcmp(b.p, "people's", 8) == 0);
  b.n = 0;
  CHECK_EQ_INT(rs_lower(&M, "Stra\xC3\x9F" "e\xFF", 8, &b), RS_OK);
  CHECK(b.n == 10 && memcmp(b.p, "strasse\xEF\xBF\xBD", 10) == 0);
  rs_buf_free(&M, &b);
}

static void test_lower_alloc_failure(void) {
  /* a long non-ASCII string forces the decomposition buffer onto the heap */
  char s[3000];
  size_t i;
  long k;
  for (i = 0; i + 2 <= sizeof s; i += 2) {
    s[i] = '\xC3';
    s[i + 1] = '\x89'; /* É */
  }
  for (k = 0; k < 40; k++) {
    failmem fm;
    rs_mem M;
    rs_buf b;
    int r;
    fm.countdown = k;
    fm.outstanding = 0;
    M.f = fail_alloc;
    M.ud = &fm;
    rs_buf_init(&b);
    r = rs_lower(&M, s, sizeof s, &b);
    CHECK(r == RS_OK || r == RS_ENOMEM);
    if (r == RS_OK) CHECK_EQ_INT(b.n, sizeof s);
    rs_buf_free(&M, &b);
    CHECK_EQ_INT(fm.outstanding, 0);
  }
}

static size_t split(const char *s, size_t *nsent) {
  rs_token t[64];
  uint32_t ends[64];
  size_t n = toks(s, t, 64, 0);
  *nsent = rs_sentence_split(s, t, n, ends);
  return n;
}

static void test_sentences(void) {
  size_t ns;
  split("Mr. Smith went to Washington. He spoke.", &ns);
  CHECK_EQ_INT(ns, 2);
  split("\xE5\xA5\xBD\xEF\xBC\x81\xE5\xA5\xBD\xE3\x80\x82", &ns); /* 好！好。 */
  CHECK_EQ_INT(ns, 2);
  split("He said \xE2\x80\x9CYes.\xE2\x80\x9D Then left.", &ns);
  CHECK_EQ_INT(ns, 2);
  split("", &ns);
  CHECK_EQ_INT(ns, 0);
}

static void test_linear_on_long_line(void) {
  /* 20 MB without a newline: must finish quickly (linear scan) */
  size_t n = 20u << 20, i, count = 0;
  char *s = malloc(n);
  rs_tokenizer T;
  rs_token t;
  for (i = 0; i < n; i++) s[i] = "word "[i % 5];
  rs_tok_init(&T, s, n, 0);
  while (rs_tok_next(&T, &t)) count++;
  CHECK_EQ_INT(count, n / 5);
  free(s);
}

int main(void) {
  RUN(test_words_and_spans);
  RUN(test_split_hyphens);
  RUN(test_han);
  RUN(test_bad_bytes);
  RUN(test_nul_is_symbol);
  RUN(test_lower);
  RUN(test_lower_alloc_failure);
  RUN(test_sentences);
  RUN(test_linear_on_long_line);
  CHECK_DONE();
}
