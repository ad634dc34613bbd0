/*
** cjk.h: words in Chinese and Japanese text (cjk.c), with ICU's
** dictionary-based word break iterator.
*/
#ifndef ROSTRA_CJK_H
#define ROSTRA_CJK_H

#include "rostra.h"

typedef struct rs_wordbreak rs_wordbreak;

/* a word break iterator (one per thread: it is not shared); NULL when
** memory or ICU's data is missing */
rs_wordbreak *rs_wordbreak_new(rs_mem *M);
void rs_wordbreak_free(rs_mem *M, rs_wordbreak *W);

/* Cut again, in place, every run of two or more RS_TF_HAN tokens of
** toks[0..n) that touch (no byte between them) into the words ICU finds:
** a word's token spans its characters (kind and flags of its first, flags
** or'ed). Other tokens stay. Returns the new token count (<= n); *failed is
** set when ICU could not read a run (its characters then stay tokens). */
size_t rs_wordbreak_cut(rs_wordbreak *W, const char *text, rs_token *toks, size_t n, int *failed);

/* A Lua state (or any other user) takes and gives back ICU: when the last
** user gives it back, ICU's process-wide caches (dictionaries, rules) are
** released, so that a library unloaded at exit leaves nothing behind.
** Every iterator must be freed before. Thread-safe. */
void rs_cjk_acquire(void);
void rs_cjk_release(void);

#endif
