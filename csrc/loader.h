/*
** loader.h: parse, tokenize and add files on all cores (loader.c).
*/
#ifndef ROSTRA_LOADER_H
#define ROSTRA_LOADER_H

#include "index.h"
#include "speech.h"

#define RS_EIO_LOAD (-20) /* a file could not be read (err, err_no) */
#define RS_EABORT (-21)   /* the callback asked to stop */

/* one file as a worker made it; owned by the loader */
typedef struct rs_loaded {
  int status;       /* RS_OK, RS_ENOTTEXT, RS_EPARSE, RS_EIO_LOAD, RS_ELIMIT */
  char err[512];    /* message for a skipped file */
  int err_no;
  char *text;       /* the file's bytes */
  size_t n, cap;
  rs_token *toks;
  size_t ntok, tokcap;
  size_t bad;       /* invalid UTF-8 bytes */
  size_t body;      /* where the front matter block ends (0: none) */
  int has_front;
  rs_speech sp;     /* the parse (spans into text) */
  rs_bspan *spans;
  size_t nspans;
  rs_bspan *sents; /* sentence spans */
  size_t nsent, sentcap;
  uint32_t *ends;  /* scratch for the splitter */
  size_t endcap;
  rs_vocab lv;     /* the speech's own vocabulary (strings only: no hash index) */
  uint64_t *lslots; /* the worker's index of lv: hash tag << 32 | id + 1 (0 empty) */
  size_t nlslots;
  uint32_t *lid;   /* each token's type in lv */
  size_t lidcap;
  rs_docspans ds;
} rs_loaded;

/* called on the calling thread, in path order, after file i was added (or
** skipped: r->status != RS_OK); nonzero stops the load (RS_EABORT) */
typedef int (*rs_load_cb)(void *ud, size_t i, const rs_loaded *r);

/* Load paths[0..n) into B with nthreads workers (1: no threads). lang, when
** not NULL, is the Snowball algorithm for every file; otherwise each file's
** guessed language. Returns RS_OK, RS_ENOMEM, RS_ELIMIT or RS_EABORT. */
int rs_load(rs_mem *M, rs_builder *B, const char *const *paths, size_t n, int nthreads,
            const char *lang, rs_load_cb cb, void *ud);

/* "en" -> "english" ...; unknown codes are returned as given */
const char *rs_snowball_name(const char *lang);

#endif
