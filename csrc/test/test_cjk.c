/* Unit tests of the word cutting of Chinese and Japanese (cjk.c), from C. */
#include <stdlib.h>

#include "check.h"
#include "cjk.h"

static size_t toks(const char *s, rs_token *out, size_t max) {
  rs_tokenizer T;
  size_t n = 0;
  rs_token t;
  rs_tok_init(&T, s, strlen(s), 0);
  while (rs_tok_next(&T, &t) && n < max) out[n++] = t;
  return n;
}

static int tok_eq(const char *s, const rs_token *t, const char *lit) {
  return strlen(lit) == t->stop - t->start && memcmp(s + t->start, lit, strlen(lit)) == 0;
}

static void test_words(void) {
  rs_mem M = rs_mem_default();
  rs_wordbreak *W = rs_wordbreak_new(&M);
  const char *s = "中华人民共和国 and 日本語の文章";
  rs_token t[64];
  size_t n = toks(s, t, 64), k;
  int failed = 1;
  CHECK(W != NULL);
  if (!W) return;
  CHECK_EQ_INT(n, 7 + 1 + 6); /* one token a character, "and" a word */
  k = rs_wordbreak_cut(W, s, t, n, &failed);
  CHECK_EQ_INT(failed, 0);
  CHECK_EQ_INT(k, 3 + 1 + 3); /* 中华 人民 共和国 and 日本語 の 文章 */
  CHECK(tok_eq(s, &t[0], "中华"));
  CHECK(tok_eq(s, &t[2], "共和国"));
  CHECK(tok_eq(s, &t[3], "and"));
  CHECK(tok_eq(s, &t[4], "日本語"));
  CHECK(tok_eq(s, &t[6], "文章"));
  CHECK((t[0].flags & RS_TF_HAN) != 0);
  CHECK_EQ_INT(t[0].kind, RS_TOK_WORD);
  rs_wordbreak_free(&M, W);
}

static void test_runs_apart(void) {
  /* characters apart (a space, punctuation) are not one run: each stays */
  rs_mem M = rs_mem_default();
  rs_wordbreak *W = rs_wordbreak_new(&M);
  const char *s = "中 国，人";
  rs_token t[8];
  size_t n = toks(s, t, 8), k;
  int failed = 1;
  if (!W) return;
  k = rs_wordbreak_cut(W, s, t, n, &failed);
  CHECK_EQ_INT(k, n);
  CHECK(tok_eq(s, &t[0], "中"));
  CHECK(tok_eq(s, &t[1], "国"));
  rs_wordbreak_free(&M, W);
}

int main(void) {
  rs_cjk_acquire();
  RUN(test_words);
  RUN(test_runs_apart);
  rs_cjk_release();
  CHECK_DONE();
}
