/*
** cjk.c: words in Chinese and Japanese text (and Thai, Lao, Khmer,
** Myanmar), found by ICU's dictionary-based word break iterator. The
** tokenizer makes one token per Han or Kana character (one per grapheme
** cluster for the Southeast Asian scripts: RS_TF_HAN); a run of such tokens
** with nothing between them is cut again here into the words ICU finds.
** ICU reads the UTF-8 text in place (UText), so the boundaries are byte
** offsets of the caller's text.
*/
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uclean.h>
#include <unicode/utext.h>

#include "cjk.h"

static int users; /* states that may use ICU (atomic) */

void rs_cjk_acquire(void) { __atomic_add_fetch(&users, 1, __ATOMIC_SEQ_CST); }

void rs_cjk_release(void) {
  if (__atomic_sub_fetch(&users, 1, __ATOMIC_SEQ_CST) == 0) u_cleanup();
}

struct rs_wordbreak {
  UBreakIterator *bi;
};

rs_wordbreak *rs_wordbreak_new(rs_mem *M) {
  UErrorCode st = U_ZERO_ERROR;
  rs_wordbreak *W = rs_malloc(M, sizeof *W);
  if (!W) return NULL;
  /* the root locale's rules; the dictionaries (Chinese and Japanese share
  ** one) are chosen by script, whatever the locale */
  W->bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &st);
  if (U_FAILURE(st) || !W->bi) {
    rs_free(M, W, sizeof *W);
    return NULL;
  }
  return W;
}

void rs_wordbreak_free(rs_mem *M, rs_wordbreak *W) {
  if (!W) return;
  ubrk_close(W->bi);
  rs_free(M, W, sizeof *W);
}

/* the words of the run toks[0..n) (tokens that touch) as tokens in out:
** a word is the characters between two boundaries; a boundary that falls
** inside a token (it should not) is moved to the token's end */
static size_t cut_run(rs_wordbreak *W, const char *text, const rs_token *toks, size_t n,
                      rs_token *out, int *failed) {
  UErrorCode st = U_ZERO_ERROR;
  uint32_t a = toks[0].start, b = toks[n - 1].stop;
  UText *ut = utext_openUTF8(NULL, text + a, (int64_t)(b - a), &st);
  size_t i = 0, k = 0;
  int32_t q;
  if (U_FAILURE(st)) {
    utext_close(ut);
    *failed = 1;
    return 0;
  }
  ubrk_setUText(W->bi, ut, &st);
  if (U_FAILURE(st)) {
    utext_close(ut);
    *failed = 1;
    return 0;
  }
  ubrk_first(W->bi);
  while (i < n && (q = ubrk_next(W->bi)) != UBRK_DONE) {
    uint32_t end = a + (uint32_t)q;
    rs_token w = toks[i];
    if (end <= w.start) continue;
    /* the word: tokens i.. up to the one that ends at or after the boundary */
    while (i + 1 < n && toks[i].stop < end) i++;
    w.stop = toks[i].stop;
    w.flags = (uint8_t)(w.flags | toks[i].flags);
    out[k++] = w;
    i++;
  }
  while (i < n) out[k++] = toks[i++]; /* ICU stopped early: keep the rest as they are */
  utext_close(ut);
  return k;
}

size_t rs_wordbreak_cut(rs_wordbreak *W, const char *text, rs_token *toks, size_t n, int *failed) {
  size_t i = 0, o = 0;
  *failed = 0;
  while (i < n) {
    size_t j = i + 1;
    if (!(toks[i].flags & RS_TF_HAN)) {
      toks[o++] = toks[i++];
      continue;
    }
    while (j < n && (toks[j].flags & RS_TF_HAN) && toks[j].start == toks[j - 1].stop) j++;
    if (j - i == 1) {
      toks[o++] = toks[i++];
      continue;
    }
    /* the words never outnumber the characters: written in place */
    {
      int f = 0;
      size_t k = cut_run(W, text, toks + i, j - i, toks + o, &f);
      if (f) { /* ICU could not read it: the characters stay tokens */
        *failed = 1;
        memmove(toks + o, toks + i, (j - i) * sizeof *toks);
        k = j - i;
      }
      o += k;
    }
    i = j;
  }
  return o;
}
