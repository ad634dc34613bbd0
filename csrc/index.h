/*
** index.h: the corpus index. A builder (heap, growing) adds documents and
** finalizes into an rs_index view; a saved file maps into the same view.
** Token positions are corpus-wide, 0-based here (1-based in the Lua API).
*/
#ifndef ROSTRA_INDEX_H
#define ROSTRA_INDEX_H

#include "rostra.h"

/* {====================================================== string tables */

/* a table of type strings with a hash index; read-only view */
typedef struct rs_strtab {
  const uint64_t *off;   /* n+1 offsets into chars */
  const char *chars;
  const uint32_t *slots; /* open addressing: id+1, 0 empty; nslots a power of 2 */
  uint64_t nchars;       /* bytes in chars: offsets past it read as empty */
  uint32_t n, nslots;
} rs_strtab;

/* the id of s[0..len) or -1 */
int64_t rs_strtab_find(const rs_strtab *t, const char *s, size_t len);
/* the string of id (not NUL-terminated) */
const char *rs_strtab_get(const rs_strtab *t, uint32_t id, size_t *len);
uint64_t rs_hash(const char *s, size_t len);

/* a growing vocabulary (builder side) */
typedef struct rs_vocab {
  rs_buf chars;
  uint64_t *off;
  size_t offcap;
  uint32_t *slots;
  uint32_t n, nslots;
} rs_vocab;

void rs_vocab_init(rs_vocab *v);
void rs_vocab_free(rs_mem *M, rs_vocab *v);
/* the id of s, added when new (*isnew set); 0 or RS_ENOMEM / RS_ELIMIT */
int rs_vocab_intern(rs_mem *M, rs_vocab *v, const char *s, size_t len, uint32_t *id, int *isnew);
/* remove the type added last (to undo an intern whose follow-up failed) */
void rs_vocab_pop(rs_vocab *v);
rs_strtab rs_vocab_view(const rs_vocab *v);

/* }====================================================== */

/* {====================================================== index */

enum { RS_ATTR_WORD = 0, RS_ATTR_LOWER = 1, RS_ATTR_STEM = 2, RS_NATTR = 3 };
enum { RS_LV_SEGMENT = 0, RS_LV_POINT, RS_LV_SENTENCE, RS_LV_QUOTATION, RS_NLEVEL };
/* a segment region's attr is its kind, RS_SEG_* of speech.h (2: paragraph) */
#define RS_REGION_PARAGRAPH 2

typedef struct rs_docrec {
  uint64_t text_off, text_len; /* the speech's bytes in the text blob */
  uint32_t first, ntok;        /* token positions [first, first+ntok) */
  uint32_t words;              /* of them, words and numbers (the denominator of rates) */
  uint32_t aside;              /* tokens of the text set aside: header, footer, front matter */
} rs_docrec;

/* a stretch of a speech's text that is not speech (page furniture, front
** matter): kept with the text, never tokens of the corpus */
typedef struct rs_boilrec {
  uint32_t doc;         /* 0-based speech */
  uint32_t start, stop; /* bytes [start, stop) of the speech's text */
  int32_t why;          /* RS_BP_* of speech.h */
} rs_boilrec;

typedef struct rs_region {
  uint32_t start, stop; /* token positions [start, stop) */
  int32_t attr;         /* segment kind, point ordinal, 0 otherwise */
} rs_region;

typedef struct rs_index {
  uint32_t ntok, ndoc;
  const uint32_t *stream; /* word type per position */
  const uint8_t *gap;     /* bytes of white space before each token (255: see gapx) */
  const uint64_t *ckpt;   /* text offset of token i*64 */
  const uint32_t *gapx;   /* pairs (position, gap) for gaps >= 255, sorted */
  uint32_t ngapx;
  const char *text;
  uint64_t textlen;
  const rs_docrec *docs;
  const rs_boilrec *boiler; /* sorted by speech, then start */
  uint32_t nboiler;
  const uint8_t *kind;      /* the rs_tokkind of each word type */
  rs_strtab attr[RS_NATTR];
  const uint32_t *map[RS_NATTR];  /* word type -> type of the attribute (map[0] NULL) */
  const uint32_t *freq[RS_NATTR]; /* corpus frequency per type */
  const uint32_t *df[RS_NATTR];   /* document frequency per type */
  const uint32_t *inv_off[RS_NATTR]; /* attr type -> its word types: inv[inv_off[t]..inv_off[t+1]) */
  const uint32_t *inv[RS_NATTR];
  const uint64_t *post_off;       /* word type -> byte range of its postings */
  const uint8_t *post;            /* delta + varbyte positions */
  uint64_t postlen;
  const rs_region *lv[RS_NLEVEL];
  uint32_t nlv[RS_NLEVEL];
  const uint8_t *meta; /* serialized metadata columns (see index.c) */
  uint64_t metalen;
} rs_index;

/* is word type w a word or a number (not punctuation, not a symbol)? */
#define RS_IS_WORDLIKE(ix, w) ((ix)->kind[w] == RS_TOK_WORD || (ix)->kind[w] == RS_TOK_NUMBER)

/* word tokens of the speeches whose byte is nonzero in mask (all when NULL) */
uint64_t rs_index_words(const rs_index *ix, const char *mask);

/* bytes of white space before the token at position q < ntok */
uint64_t rs_index_gap(const rs_index *ix, uint32_t q);
/* byte offset in the text blob of the token at position p */
uint64_t rs_index_tokoff(const rs_index *ix, uint32_t p);
/* Cheap sanity checks, without checksums (verify's): RS_OK, or
** RS_ECORRUPT with what says in what. rs_index_check_docs (at open, ndoc
** steps): the speeches' tokens and texts follow each other and make the
** whole corpus, words <= tokens, the records of text set aside in range.
** rs_index_check_rest (at first use, regions + types steps): the regions
** of every level in order, in range, each inside one speech; the
** frequencies of every attribute add up to the tokens, document
** frequencies at most the speeches and the frequency; token kinds known. */
int rs_index_check_docs(const rs_index *ix, char *what, size_t n);
int rs_index_check_rest(const rs_index *ix, char *what, size_t n);

/* the document holding position p */
uint32_t rs_index_doc_of(const rs_index *ix, uint32_t p);

/* decode the postings of one word type into out (freq[WORD][w] entries,
** never more than ntok); returns the count, or a short count if the data
** is corrupt */
uint32_t rs_postings_word(const rs_index *ix, uint32_t w, uint32_t *out);

/* the postings of type t of attribute a, merged from its word types into
** out (freq[a][t] entries, never more than ntok: a damaged file may hold
** any count), using tmp (as large) as scratch; returns the count (short if
** the data is corrupt) */
uint32_t rs_postings(const rs_index *ix, int a, uint32_t t, uint32_t *out, uint32_t *tmp);

/* }====================================================== */

/* {====================================================== builder */

/* spans of a document in bytes [start, stop) of its text, as the parser
** found them; token regions are derived by the builder. With tokens set,
** they are the token indices [start, stop) within the document instead
** (the loader's workers, which know them, spare the builder the search). */
typedef struct rs_bspan {
  uint32_t start, stop;
  int32_t attr;
} rs_bspan;

typedef struct rs_docspans {
  const rs_bspan *lv[RS_NLEVEL]; /* segments, points, sentences, quotations */
  size_t nlv[RS_NLEVEL];
  int tokens; /* start and stop are token indices, not bytes */
  const rs_bspan *boiler; /* byte spans of the text set aside, attr = RS_BP_* */
  size_t nboiler;
  uint32_t aside; /* tokens in the text outside the speech's tokens */
} rs_docspans;

typedef struct rs_builder rs_builder;

rs_builder *rs_builder_new(rs_mem *M);
void rs_builder_free(rs_builder *B);
/* tokenize and add a document; spans may be NULL (one segment, sentences
** from the splitter); lang is a Snowball algorithm name ("english") */
int rs_builder_add(rs_builder *B, const char *text, size_t n, const rs_docspans *spans,
                   const char *lang);
/* the same with the tokens already made (by a worker thread); when local
** is not NULL, lid[i] is token i's type in local, the speech's own
** vocabulary (types numbered in order of first occurrence) */
int rs_builder_add_tokens(rs_builder *B, const char *text, size_t n, const rs_token *toks,
                          size_t ntok, const uint32_t *lid, const rs_strtab *local,
                          const rs_docspans *spans, const char *lang);
/* add speech d of the index ix (another corpus) as it is there: its text,
** tokens, structures and text set aside; lang chooses the stemmer (a
** Snowball name). Returns 0, RS_ENOMEM, RS_ELIMIT or RS_ECORRUPT (ix's
** speech is out of its own bounds). */
int rs_builder_add_from(rs_builder *B, const rs_index *ix, uint32_t d, const char *lang);
/* add serialized metadata of the next document... metadata is kept by the
** binding; the builder only stores the final blob */
int rs_builder_set_meta(rs_builder *B, const void *blob, size_t n);
/* point a finished view at the current metadata blob */
void rs_builder_meta_view(const rs_builder *B, rs_index *ix);
/* (re)build freq, df, postings and inverse maps; the view stays valid
** until the next add or free */
int rs_builder_finish(rs_builder *B, rs_index *ix);
/* the arrays that finishing leaves alone (text, stream, vocabularies,
** maps, structures, metadata) as a view, the derived ones empty; 0 or
** RS_ENOMEM */
int rs_builder_base_view(rs_builder *B, rs_index *ix);
uint32_t rs_builder_ndoc(const rs_builder *B);

/* }====================================================== */

/* {====================================================== store */

typedef struct rs_mapped rs_mapped;

/* write ix to path through a temporary file, fsync and rename (fsout.h:
** symbolic links followed, the mode and owner of a replaced file kept, a
** new file 0666 minus the umask); returns 0 or an error code with a
** message in err: RS_ENOENT for a missing folder, RS_EIO for the other
** system errors (errno is then the cause), RS_ENOMEM */
int rs_index_save(rs_mem *M, const rs_index *ix, const char *path, char *err, size_t errlen);
/* finish B into ix and save it, writing what finishing leaves alone on a
** second thread meanwhile; *finished is set when ix was finished (even if
** the file could not be written). RS_ENOMEM from finishing leaves B as
** rs_builder_finish does. */
int rs_builder_save(rs_mem *M, rs_builder *B, rs_index *ix, const char *path, char *err,
                    size_t errlen, int *finished);
/* rs_index_open's flags: verify every checksum; skip the cheap sanity
** checks (rs_index_check_docs), for tests of the readers' robustness */
#define RS_OPEN_VERIFY 1
#define RS_OPEN_UNCHECKED 2
/* map a saved index: RS_OK, or RS_ENOTINDEX-like codes with err filled;
** verify: RS_OPEN_* flags */
int rs_index_open(rs_mem *M, const char *path, int verify, rs_mapped **out, rs_index *ix,
                  char *err, size_t errlen);
void rs_mapped_close(rs_mem *M, rs_mapped *m);
/* Has the file of an open index changed underneath it? RS_ECORRUPT when
** a read past its end was caught (another process truncated it, or copied
** a file over it in place: the mapping then reads zeros), or, with look,
** when the file at its path is the same file with another size or
** modification time (written in place); RS_OK otherwise (a file replaced
** by a rename leaves the mapping whole: RS_OK). */
int rs_mapped_check(const rs_mapped *m, int look);
const char *rs_mapped_path(const rs_mapped *m);
/* is the file (device, inode) mapped by an index open in this process? */
int rs_index_file_open(uint64_t dev, uint64_t ino);

#define RS_ENOTINDEX (-10)
#define RS_ECORRUPT (-11)
#define RS_EIO (-12)
#define RS_ENOENT (-13)

/* }====================================================== */

#endif
