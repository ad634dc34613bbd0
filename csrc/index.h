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

/* Extra positional attributes (lemma, upos, ... from annotated files):
** attribute ids RS_NATTR .. RS_NATTR + nx - 1, each with its own
** vocabulary, a stream (its type at every position), frequencies and
** postings. A position with no value holds the type RS_UNDEF. */
#define RS_MAX_XATTR 16
#define RS_MAXATTR (RS_NATTR + RS_MAX_XATTR)
#define RS_MAX_XTYPES ((uint32_t)1 << 24) /* distinct values of one extra attribute */
#define RS_UNDEF "__UNDEF__"
/* Extra structures (named levels from annotated files): level ids
** RS_LV_X0 .. RS_LV_X0 + nxlv - 1 (RS_NLEVEL itself is "speech" in the
** matcher). Structure attributes: string values per region of a level. */
#define RS_MAX_XLEVEL 16
#define RS_LV_X0 (RS_NLEVEL + 1)
#define RS_MAXLEVEL (RS_LV_X0 + RS_MAX_XLEVEL)
#define RS_MAX_SATTR 64
#define RS_NOVAL 0xFFFFFFFFu /* a region without a value of a structure attribute */
#define RS_MAX_NAME 63       /* bytes of an attribute or structure name */
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

/* a structure attribute: the value (an id of rs_index.svals, or RS_NOVAL)
** of every region of its level */
typedef struct rs_sattr {
  int level;         /* RS_LV_* or an extra level */
  const char *name;  /* NUL-terminated */
  const uint32_t *val;
} rs_sattr;

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
  uint32_t nattr;                 /* RS_NATTR + the extra attributes */
  const char *attr_name[RS_MAXATTR]; /* NUL-terminated */
  rs_strtab attr[RS_MAXATTR];
  const uint32_t *map[RS_MAXATTR];  /* word type -> type of the attribute (map[0] NULL; NULL for extras) */
  const uint32_t *freq[RS_MAXATTR]; /* corpus frequency per type */
  const uint32_t *df[RS_MAXATTR];   /* document frequency per type */
  const uint32_t *inv_off[RS_MAXATTR]; /* attr type -> its word types: inv[inv_off[t]..inv_off[t+1]) */
  const uint32_t *inv[RS_MAXATTR];
  const uint64_t *post_off;       /* word type -> byte range of its postings */
  const uint8_t *post;            /* delta + varbyte positions */
  uint64_t postlen;
  /* extra attributes (a >= RS_NATTR): the type at each position, postings per type */
  const uint32_t *xstream[RS_MAXATTR];
  const uint64_t *xpost_off[RS_MAXATTR];
  const uint8_t *xpost[RS_MAXATTR];
  uint64_t xpostlen[RS_MAXATTR];
  const rs_region *lv[RS_MAXLEVEL];
  uint32_t nlv[RS_MAXLEVEL];
  uint32_t nxlv;                      /* extra levels: RS_LV_X0 .. RS_LV_X0 + nxlv - 1 */
  const char *lv_name[RS_MAXLEVEL];   /* the names of the extra levels */
  uint32_t nsattr;
  rs_sattr sattr[RS_MAX_SATTR];
  rs_strtab svals;                    /* the values of structure attributes */
  const uint8_t *meta; /* serialized metadata columns (see index.c) */
  uint64_t metalen;
} rs_index;

/* is a an attribute of ix? */
#define rs_attr_valid(ix, a) ((a) >= 0 && (uint32_t)(a) < (ix)->nattr)
/* is lv a structure level of ix (built in or extra; not "speech")? */
#define rs_level_valid(ix, lv) \
  (((lv) >= 0 && (lv) < RS_NLEVEL) || ((lv) >= RS_LV_X0 && (uint32_t)(lv) < RS_LV_X0 + (ix)->nxlv))

/* the type of attribute a at position p < ntok, or 0xFFFFFFFF for a damaged id */
RS_INLINE uint32_t rs_type_at(const rs_index *ix, int a, uint32_t p) {
  uint32_t w;
  if (a >= RS_NATTR) {
    w = ix->xstream[a][p];
    return w < ix->attr[a].n ? w : 0xFFFFFFFFu;
  }
  w = ix->stream[p];
  if (w >= ix->attr[0].n) return 0xFFFFFFFFu;
  if (a) w = ix->map[a][w];
  return w < ix->attr[a].n ? w : 0xFFFFFFFFu;
}

/* the attribute named name (word, lower, stem or an extra one), or -1 */
int rs_attr_find(const rs_index *ix, const char *name);
/* the level named name (segment, point, sentence, quotation or an extra
** one; not speech), or -1 */
int rs_level_find(const rs_index *ix, const char *name);
/* the structure attribute name of level lv, or -1 */
int rs_sattr_find(const rs_index *ix, int lv, const char *name);
/* is name a valid name for an attribute or structure ([A-Za-z_][A-Za-z0-9_-]*,
** at most RS_MAX_NAME bytes)? */
int rs_name_ok(const char *name);

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

/* the postings of type t of an extra attribute a (xfreq entries at most,
** clamped to ntok) into out; the count */
uint32_t rs_postings_x(const rs_index *ix, int a, uint32_t t, uint32_t *out);

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

/* {------------------------------------------------------ annotated input */

/* the extra attribute named name, made when new (every position so far
** RS_UNDEF): its id (>= RS_NATTR), or RS_EINVAL (a bad name, or word,
** lower or stem), RS_ELIMIT (RS_MAX_XATTR already), RS_ENOMEM */
int rs_builder_xattr(rs_builder *B, const char *name);
/* the extra structure level named name, made when new: its id (>=
** RS_LV_X0), or RS_EINVAL (a bad name, or a built-in level), RS_ELIMIT, RS_ENOMEM */
int rs_builder_xlevel(rs_builder *B, const char *name);
/* the structure attribute name of level lv, made when new: its index, or
** RS_EINVAL, RS_ELIMIT (RS_MAX_SATTR already), RS_ENOMEM */
int rs_builder_sattr(rs_builder *B, int lv, const char *name);
/* the type of s[0..n) in extra attribute a, added when new; RS_ELIMIT
** past RS_MAX_XTYPES types (rs_builder_error names the attribute) */
int rs_builder_xintern(rs_builder *B, int a, const char *s, size_t n, uint32_t *id);
/* the word type of s[0..n), added (with its lower and stem forms, stemmed
** with lang) when new */
int rs_builder_wintern(rs_builder *B, const char *s, size_t n, const char *lang, uint32_t *id);
/* the id of a structure attribute value, added when new */
int rs_builder_sintern(rs_builder *B, const char *s, size_t n, uint32_t *id);
/* add a document whose tokens' word types are wid[i] (from
** rs_builder_wintern); spans as for rs_builder_add_tokens (tokens must be
** set; NULL: one segment, sentences from the splitter). Every extra
** attribute holds RS_UNDEF at the new positions until set with
** rs_builder_xset. */
int rs_builder_add_ids(rs_builder *B, const char *text, size_t n, const rs_token *toks,
                       size_t ntok, const uint32_t *wid, const rs_docspans *spans);
/* the values of extra attribute a at positions [first, first + n) (types
** from rs_builder_xintern) */
void rs_builder_xset(rs_builder *B, int a, uint32_t first, const uint32_t *val, size_t n);
/* append a region [start, stop) (corpus positions) to level lv (regions of
** a level in order of start); *index is its index in the level */
int rs_builder_region(rs_builder *B, int lv, uint32_t start, uint32_t stop, int32_t attr,
                      uint32_t *index);
/* set structure attribute j of region index of its level to value id v */
int rs_builder_sset(rs_builder *B, int j, uint32_t index, uint32_t v);
/* room for ntok more tokens and nbytes more text (a file of many speeches
** added at once grows its arrays once); 0 or RS_ENOMEM */
int rs_builder_reserve(rs_builder *B, size_t ntok, size_t nbytes);
/* tokens so far */
uint32_t rs_builder_ntok(const rs_builder *B);
/* the allocator the builder was made with */
rs_mem *rs_builder_mem(const rs_builder *B);
/* the message of the last RS_ELIMIT or RS_EINVAL of the functions above ("" if none) */
const char *rs_builder_error(const rs_builder *B);
/* testing: the limit of distinct values of an extra attribute (default
** RS_MAX_XTYPES; a smaller one lets a test reach it) */
void rs_builder_set_xlimit(rs_builder *B, uint32_t limit);

/* }------------------------------------------------------ */

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
