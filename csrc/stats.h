/*
** stats.h: the counting engine of the Statistics issue over the corpus
** index (stats.c): n-gram counts, collocate counts around node
** occurrences, frequency lists of subcorpora, and the parts of a
** dispersion. No lua.h: the Lua binding is lstats.c; the scores come from
** measures.h, which this engine only feeds with counts.
**
** Positions are corpus-wide and 0-based here. A "mask" is one byte per
** document (nonzero = in the selection) or NULL for the whole corpus.
** A "level" is RS_LV_SEGMENT .. RS_LV_QUOTATION of index.h, or
** RS_STATS_SPEECH for no structure but the speeches themselves: n-grams
** and collocate windows never cross the edge of a region of that level,
** and never cross a speech. Tokens outside every region of the level
** (e.g. outside quotations with level RS_LV_QUOTATION) take no part.
**
** Every allocation goes through the rs_mem hook; each function returns 0
** or RS_ENOMEM / RS_EINVAL, and on failure leaves nothing allocated.
*/
#ifndef ROSTRA_STATS_H
#define ROSTRA_STATS_H

#include "index.h"

#define RS_STATS_SPEECH (-1) /* the level "speech": only speech edges count */
#define RS_NGRAM_MAX 5       /* n-grams of 1 .. 5 tokens */

/* per-type flag bits (one byte per type of an attribute) */
#define RS_TYPE_PUNCT 0x01 /* not a word nor a number (punctuation, symbol) */
#define RS_TYPE_STOP 0x02  /* a stopword: set by the caller */

/* {====================================================== type tables */

/* *out = one flag byte per type of attribute a, RS_TYPE_PUNCT set for the
** types whose first token (tokenizer of tok.c) is not a word or number */
int rs_type_flags(rs_mem *M, const rs_index *ix, int a, uint8_t **out);

/* *out = the rank of every type of attribute a in byte order of its form
** (0 for the smallest); equal forms cannot occur in one table */
int rs_type_ranks(rs_mem *M, const rs_index *ix, int a, uint32_t **out);

/* frequency of every type of attribute a over the documents of mask (NULL:
** the whole corpus, copied from ix->freq) into out[ix->attr[a].n]; *total
** = the tokens of those documents. One pass over their tokens. */
void rs_view_freq(const rs_index *ix, int a, const uint8_t *mask, uint32_t *out,
                  uint64_t *total);

/* tokens in the documents of mask (all when NULL) */
uint64_t rs_view_tokens(const rs_index *ix, const uint8_t *mask);

/* }====================================================== */

/* {====================================================== n-grams */

typedef struct rs_ngram_opts {
  int attr;              /* RS_ATTR_* */
  int n;                 /* 1 .. RS_NGRAM_MAX */
  int level;             /* RS_LV_* or RS_STATS_SPEECH */
  const uint8_t *mask;   /* documents, or NULL */
  const uint8_t *tflags; /* per attr type, or NULL: see skip_punct, stop */
  int skip_punct;        /* an n-gram with an RS_TYPE_PUNCT token is not counted */
  uint32_t min;          /* keep n-grams seen at least min times (0 taken as 1) */
  size_t top;            /* keep the top ones only; 0 for all */
} rs_ngram_opts;

/* The n-grams kept, most frequent first, ties in byte order of the forms
** compared token by token. An n-gram whose first or last token has
** RS_TYPE_STOP is left out (so "rule of law" stays, "of the" goes). */
typedef struct rs_ngrams {
  size_t count;     /* n-grams kept */
  int n;
  uint32_t *types;  /* count * n attribute type ids, n-gram i at types[i*n] */
  uint32_t *freq;   /* count occurrences */
  uint64_t tokens;  /* tokens in the documents of the mask */
  uint64_t words;   /* of them, words and numbers: the denominator of per_million */
  uint64_t total;   /* n-gram occurrences counted (before min, stop, top) */
  uint64_t distinct; /* distinct n-grams kept before top (after min and stop) */
} rs_ngrams;

int rs_ngrams_count(rs_mem *M, const rs_index *ix, const rs_ngram_opts *o, rs_ngrams *out);
void rs_ngrams_free(rs_mem *M, rs_ngrams *g);

/* }====================================================== */

/* {====================================================== collocates */

/* Node occurrences are spans [start, stop) of positions. The window of a
** node holds the `left` positions before its start and the `right` ones
** after its end, clipped at the edge of the region (level) holding the
** node's first token (left side) and last token (right side), and at the
** speech. Counting ("window" counting of Evert 2008, as CWB does):
**   - a position occupied by any node occurrence is never counted;
**   - a position in the windows of several node occurrences counts once
**     (the windows are merged), so o11 <= f2 always holds;
**   - every other position in a window adds 1 to the count of its type,
**     unless the type has a flag of `exclude`.
** f1 is the number of node occurrences kept (distinct spans inside the
** mask); the caller scores with rs_assoc(o11, f1, f2, N, left + right). */
typedef struct rs_coll_opts {
  int attr;
  int left, right;        /* >= 0, left + right >= 1 */
  int level;              /* RS_LV_* or RS_STATS_SPEECH */
  const uint8_t *mask;    /* documents, or NULL */
  const uint8_t *tflags;  /* per attr type, or NULL */
  uint8_t exclude;        /* flag bits of tflags whose types are not counted */
} rs_coll_opts;

typedef struct rs_colls {
  size_t count;      /* collocate types seen */
  uint32_t *type;    /* attr type ids, ascending */
  uint32_t *o11;     /* positions of the type in the merged windows */
  uint32_t *left;    /* of which before a node */
  uint32_t *right;   /* and after one */
  uint64_t nodes;    /* f1 */
  uint64_t window;   /* positions in the merged windows (counted or not) */
} rs_colls;

/* starts[i], stops[i]: node span i, [start, stop), 0-based; need not be
** sorted; spans that are empty, out of range or outside the mask are
** dropped, duplicates counted once */
int rs_collocates(rs_mem *M, const rs_index *ix, const uint32_t *starts, const uint32_t *stops,
                  size_t nnode, const rs_coll_opts *o, rs_colls *out);
void rs_colls_free(rs_mem *M, rs_colls *c);

/* }====================================================== */

/* {====================================================== dispersion */

/* Parts are groups of documents: part_of[d] is the part (0 .. nparts-1) of
** document d, or RS_NO_PART. A part's words are its documents' word
** tokens (words and numbers: rates divide by words) in document order. For
** every hit position (a node's first token; hits outside every part are
** dropped) its part and its relative position offset / size in [0, 1),
** offset being the number of words before the hit in its part. Hits are
** given in ascending order (a match set's first tokens). */
#define RS_NO_PART 0xFFFFFFFFu

typedef struct rs_parts {
  uint32_t nparts;
  uint64_t *size;   /* words per part */
  uint32_t *hits;   /* hits per part */
  uint32_t *first;  /* hits of part k are rel[first[k] .. first[k] + hits[k]) */
  double *rel;      /* relative positions grouped by part, ascending in each */
  size_t nhits;     /* hits kept */
} rs_parts;

int rs_disp_parts(rs_mem *M, const rs_index *ix, const uint32_t *part_of, uint32_t nparts,
                  const uint32_t *pos, size_t npos, rs_parts *out);
void rs_parts_free(rs_mem *M, rs_parts *p);

/* }====================================================== */

#endif
