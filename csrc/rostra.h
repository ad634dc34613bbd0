/*
** rostra.h: the public C API of the rostra core.
** The engines include no lua.h: they are tested and fuzzed from C alone.
** Every allocation goes through an rs_mem hook (the Lua state's allocator
** when called from Lua), so a test can make any single allocation fail.
*/
#ifndef ROSTRA_H
#define ROSTRA_H

#include <stddef.h>
#include <stdint.h>

#define RS_VERSION "0.1.0"

/* {====================================================== memory */

/* Same contract as lua_Alloc: nsize == 0 frees and returns NULL; otherwise
** returns a block of nsize bytes or NULL on failure (ptr left untouched). */
typedef void *(*rs_allocf)(void *ud, void *ptr, size_t osize, size_t nsize);

typedef struct rs_mem {
  rs_allocf f;
  void *ud;
} rs_mem;

/* a malloc-based hook, for C tests, fuzzers and benchmarks */
rs_mem rs_mem_default(void);

void *rs_malloc(rs_mem *M, size_t n);
void *rs_realloc(rs_mem *M, void *p, size_t osize, size_t nsize);
void rs_free(rs_mem *M, void *p, size_t osize);
char *rs_strndup(rs_mem *M, const char *s, size_t n); /* NUL-terminated, n+1 bytes */

/* growable byte buffer; every function returns 0 or RS_ENOMEM */
typedef struct rs_buf {
  char *p;
  size_t n, cap;
} rs_buf;

void rs_buf_init(rs_buf *b);
int rs_buf_reserve(rs_mem *M, rs_buf *b, size_t extra);
int rs_buf_add(rs_mem *M, rs_buf *b, const void *s, size_t n);
int rs_buf_addc(rs_mem *M, rs_buf *b, int c);
void rs_buf_free(rs_mem *M, rs_buf *b);

/* grow an array *pp of *cap elements of size elt to hold at least need;
** returns 0 or RS_ENOMEM (the old array is kept on failure) */
int rs_grow(rs_mem *M, void **pp, size_t *cap, size_t need, size_t elt);

/* The same for arrays that may grow large (a tagging's rows): from RS_BIG
** bytes on (on Linux) an anonymous mapping that grows in place or moves
** without a copy and asks for transparent huge pages, which cost a
** fraction of the page faults; below it, or elsewhere, rs_grow. Freed with
** rs_big_free and the same cap; the mapping bypasses the hook M. */
#define RS_BIG ((size_t)8 << 20)
int rs_big_grow(rs_mem *M, void **pp, size_t *cap, size_t need, size_t elt);
void rs_big_free(rs_mem *M, void *p, size_t cap, size_t elt);

/* }====================================================== */

/* {====================================================== errors */

enum {
  RS_OK = 0,
  RS_ENOMEM = -1,   /* an allocation failed */
  RS_EUTF8 = -2,    /* invalid UTF-8 in strict mode */
  RS_EPARSE = -3,   /* malformed input (front matter, lexicon, query) */
  RS_ELIMIT = -4,   /* an input exceeds a documented limit */
  RS_ENOTTEXT = -5, /* binary data where text was expected */
  RS_EINVAL = -6,   /* a caller's mistake */
  RS_EINTR = -7     /* interrupted (rs_interrupt) */
};

/* Interrupting long loops: rs_interrupt(1) (async-signal-safe: from a
** SIGINT handler) asks the running matcher to stop with RS_EINTR;
** rs_interrupt(0) clears it. rs_interrupted() is what they test. */
void rs_interrupt(int on);
int rs_interrupted(void);

/* a short, stable name for an error code: "ENOMEM", "EPARSE", ... */
const char *rs_errname(int code);

/* }====================================================== */

/* {====================================================== tokenizer (tok.c) */

typedef enum rs_tokkind {
  RS_TOK_WORD = 1,
  RS_TOK_NUMBER = 2,
  RS_TOK_PUNCT = 3,
  RS_TOK_SYMBOL = 4
} rs_tokkind;

/* flag bits of rs_token.flags */
#define RS_TF_HAN 0x01     /* a Han/Hiragana/Katakana/Thai unit (no spaces around) */
#define RS_TF_BAD 0x02     /* contains invalid UTF-8 bytes */
#define RS_TF_UPPER 0x04   /* the first character is upper or title case */
#define RS_TF_ABBREV 0x08  /* dotted abbreviation such as U.S. (ends with '.') */

/* a token: bytes [start, stop) of the text (0-based, stop exclusive) */
typedef struct rs_token {
  uint32_t start, stop;
  uint8_t kind, flags;
} rs_token;

/* tokenizer options */
#define RS_TOK_SPLIT_HYPHENS 0x01 /* win-win -> win - win */

/* a streaming tokenizer over a caller-owned text; no allocation */
typedef struct rs_tokenizer {
  const unsigned char *s;
  size_t n, pos;
  unsigned opts;
  size_t bad;       /* invalid UTF-8 bytes seen so far */
  size_t first_bad; /* byte offset of the first one (valid when bad > 0) */
} rs_tokenizer;

void rs_tok_init(rs_tokenizer *T, const char *s, size_t n, unsigned opts);
/* the next token into *t: returns 1, or 0 at the end of the text */
int rs_tok_next(rs_tokenizer *T, rs_token *t);

/* the lower form of s[0..n): NFKC, case-folded, typographic apostrophes
** and in-word hyphen variants folded to ' and -, white space mapped to ' ',
** each invalid byte replaced by U+FFFD. Appends to out; returns 0 or an
** error code. */
int rs_lower(rs_mem *M, const char *s, size_t n, rs_buf *out);

/* s without combining marks (diacritics), NFKC, case-folded too when
** casefold; appends to out, as rs_lower */
int rs_strip_marks(rs_mem *M, const char *s, size_t n, int casefold, rs_buf *out);

/* decode one code point at s[0..n) (n > 0): returns its length (1-4) and
** stores the code point, or returns 1 with *cp = -1 for an invalid byte */
int rs_utf8_decode(const unsigned char *s, size_t n, int32_t *cp);

/* is the code point white space for rostra (Unicode Zs/Zl/Zp, ASCII space
** and controls \t\n\v\f\r, U+200B, U+2060, U+FEFF, U+0085) */
int rs_is_space(int32_t cp);

/* Sentence splitting over a token array of text s: writes into ends[] the
** index of the last token of each sentence (ends must hold ntok entries)
** and returns the number of sentences. Abbreviation-aware (Mr., U.S., No.,
** e.g., month abbreviations), a closing quote or bracket after the final
** punctuation belongs to the sentence; ?! ... and CJK marks end one. */
size_t rs_sentence_split(const char *s, const rs_token *toks, size_t ntok,
                         uint32_t *ends);

/* }====================================================== */

/* {====================================================== compiler hints */

/* a small helper of a hot loop, inlined even where the compiler would not */
#if defined(__GNUC__)
#define RS_INLINE static __inline__ __attribute__((always_inline))
#else
#define RS_INLINE static
#endif

/* fetch the cache line at p ahead of use (a hint) */
#if defined(__GNUC__)
#define RS_PREFETCH(p) __builtin_prefetch(p)
#else
#define RS_PREFETCH(p) ((void)0)
#endif

/* }====================================================== */

/* {====================================================== limits */

/* largest text handed to the tokenizer or parser (bytes); offsets are 32-bit */
#define RS_MAX_TEXT ((size_t)0x7fffffff)

/* }====================================================== */

#endif
