/*
** loader.h: parse, tokenize and add files on all cores (loader.c).
*/
#ifndef ROSTRA_LOADER_H
#define ROSTRA_LOADER_H

#include "annot.h"
#include "cjk.h"
#include "front.h"
#include "index.h"
#include "speech.h"

#define RS_EIO_LOAD (-20) /* a file could not be read (err, err_no) */
#define RS_EABORT (-21)   /* the callback asked to stop */

/* ingest flags */
#define RS_IN_NO_HEADER 0x01 /* the text has no header: do not look for one */
#define RS_IN_CJK_CHARS 0x02 /* Han and Kana one character a token (no word segmentation) */
#define RS_IN_NO_FOOTER 0x04 /* the text has no footer: do not look for one */
#define RS_IN_SPLIT_HYPHENS 0x08 /* a hyphenated word as its parts and hyphens (RS_TOK_SPLIT_HYPHENS) */

/* One text as the ingest made it (a worker of the loader, or the Lua
** binding for rostra.parse and c:add): owned by whoever called rs_ingest,
** released with rs_loaded_free. */
typedef struct rs_loaded {
  int status;       /* RS_OK, RS_ENOTTEXT, RS_EPARSE, RS_EIO_LOAD, RS_ELIMIT */
  char err[512];    /* message for a skipped file */
  int err_no;
  char *text;       /* the file's bytes (rs_malloc'd, cap bytes) */
  size_t n, cap;
  rs_token *toks;   /* the speech's tokens: those of its segments, in order */
  size_t ntok, tokcap;
  size_t bad;       /* invalid UTF-8 bytes */
  size_t body;      /* where the front matter block ends (0: none) */
  int has_front;
  rs_front fm;      /* the front matter (fm.root NULL: none) */
  rs_bspan *boiler; /* the text set aside (byte spans, attr RS_BP_*) */
  size_t nboiler;
  char lang[32];    /* the Snowball algorithm the caller chose ("" : none) */
  rs_wordbreak *wb; /* ICU's word breaks, borrowed or (own_wb) made for this text */
  int own_wb;
  int cjk_failed;   /* some Han or Kana run stayed characters (ICU failed) */
  rs_speech sp;     /* the parse (spans into text; sentences from the tokens) */
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
  rs_annot *an;    /* an annotated file (.conllu, .vrt): its documents, read by annot.c, */
  int nan;         /* in nan parts (a large CoNLL-U file is read in two halves at once) */
  const rs_hint *hints; /* a site's rules for the parser (set by the caller, borrowed) */
  size_t nhints;
} rs_loaded;

/* The one way a text becomes a speech ready for a corpus: r->text[0..r->n)
** (set by the caller, rs_malloc'd) is checked (no NUL bytes: ENOTTEXT,
** naming UTF-16), its front matter read (EPARSE with line and column), the
** rest parsed (header, segments, points, quotations), the segments
** tokenized (the token stream is the speech: header, footer and front
** matter are set aside in r->boiler and counted in r->ds.aside; runs of
** Han and Kana characters cut into words by ICU unless RS_IN_CJK_CHARS,
** with r->wb when the caller lends one), split into
** sentences, and interned in the speech's own vocabulary. name is used in
** messages. Returns RS_OK, or an error code with r->err set; the caller
** frees r with rs_loaded_free either way. */
int rs_ingest(rs_mem *M, rs_loaded *r, const char *name, unsigned flags);
void rs_loaded_free(rs_mem *M, rs_loaded *r);

/* add an ingested speech to B, stemmed with lang (a Snowball name) or, when
** NULL or "", r->lang, else the language the parser guessed */
int rs_builder_add_loaded(rs_builder *B, const rs_loaded *r, const char *lang);

/* called on the calling thread, in path order, BEFORE file i is added (or
** when it was skipped: r->status != RS_OK); it may set r->lang (the stemmer
** for this file, from its metadata); nonzero stops the load (RS_EABORT) */
typedef int (*rs_load_cb)(void *ud, size_t i, rs_loaded *r);

/* Load paths[0..n) into B with nthreads workers (1: no threads), each file
** through rs_ingest with flags. lang, when not NULL, is the Snowball
** algorithm for files whose callback chose none; otherwise each file's
** guessed language. Returns RS_OK, RS_ENOMEM, RS_ELIMIT or RS_EABORT. */
int rs_load(rs_mem *M, rs_builder *B, const char *const *paths, size_t n, int nthreads,
            unsigned flags, const char *lang, rs_load_cb cb, void *ud);

/* the names of a VRT file's columns after the word (opts.attributes of
** rostra.load) for the next rs_load on this thread's builder; NULL: from
** each file's header comment. xlimit: distinct values of a column (0: the
** default RS_MAX_XTYPES) */
void rs_load_set_columns(const char *const *names, int n, uint32_t xlimit);

/* "en" -> "english" ...; unknown codes are returned as given */
const char *rs_snowball_name(const char *lang);

#endif
