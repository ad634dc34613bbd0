/*
** lexicon.h: lexicon (dictionary) readers. Four file formats go in, one
** format-independent result comes out: the categories (full dotted paths,
** in file order) and the entries (pattern, category, weight, flags), plus
** warnings. Compiling the entries into an automaton and tagging a corpus
** with it are later phases (another file).
**
** Formats (docs/lexicons.md has an example of each):
**   RS_LEX_YAML       quanteda's YAML dictionary: a nested mapping of category
**                     to a list of patterns or to sub-categories, optional
**                     weights as "pattern: weight", optional "exclude:" lists
**                     and "_rule:" decision rules
**   RS_LEX_LIWC       LIWC .dic: a "%" legend of numbered categories, then
**                     "term<TAB>code<TAB>code..." lines
**   RS_LEX_WORDSTAT   WordStat .cat: categories at tab depth 0, sub-categories
**                     one tab deeper, patterns as "WORD (weight)", "_" for
**                     the spaces of a phrase
**   RS_LEX_LEXICODER  Lexicoder .lc3: "+category" lines, then one pattern a line
**
** Positions: lines end at LF and are 1-based; columns count code points from
** 1 (a UTF-8 BOM at the very start is skipped and not counted).
**
** Memory: everything in an rs_lexicon comes from the caller's rs_mem hook;
** libyaml's own buffers use malloc and never outlive rs_lexicon_read. The
** text is only read, never kept: the lexicon holds copies.
*/
#ifndef ROSTRA_LEXICON_H
#define ROSTRA_LEXICON_H

#include <stddef.h>

#include "rostra.h"

/* {====================================================== limits */

/* a glob pattern expanding to more types than this is an error when the
** lexicon is compiled against a vocabulary (a later phase) */
#define RS_MAX_GLOB_TYPES 50000
/* deepest nesting of categories (a top-level category is depth 0) */
#define RS_LEX_MAX_DEPTH 32
/* longest pattern, in bytes after white space is collapsed */
#define RS_LEX_MAX_PATTERN 1024

/* }====================================================== */

/* formats */
enum {
  RS_LEX_YAML = 1,
  RS_LEX_LIWC = 2,
  RS_LEX_WORDSTAT = 3,
  RS_LEX_LEXICODER = 4
};

/* "no category": the parent of a top-level category, the category of an
** exclusion that applies to every category */
#define RS_LEX_NONE ((size_t)-1)

typedef struct rs_lexcat {
  const char *name;  /* full dotted path ("economy.taxation"), NUL-terminated */
  size_t namelen;
  size_t leaf;       /* byte offset of the last component in name */
  size_t parent;     /* index of the parent category, or RS_LEX_NONE */
  int depth;         /* 0 for a top-level category */
  size_t line, col;  /* where it is defined */
} rs_lexcat;

typedef struct rs_lexentry {
  const char *pattern; /* UTF-8 as written, white space runs collapsed to */
  size_t len;          /*   one space and trimmed; NUL-terminated */
  size_t cat;          /* category index; RS_LEX_NONE for an exclusion that
                          applies to every category (top-level exclude:) */
  double weight;       /* 1 unless the file gives one */
  unsigned char glob;  /* contains '*' or '?' */
  unsigned char phrase; /* more than one word (contains a space) */
  unsigned char exclude; /* must never match (from an exclude: list) */
  size_t line, col;    /* where it is written */
} rs_lexentry;

/* decision rules (YAML only): "_rule: {min_count: 2, min_share: 0.02,
** min_score: 2, min_dominance: 0.2}" at the top level is the lexicon's
** default, inside a category (a mapping key or a list item) that category's
** own. A unit is labelled with a theme when its matches meet every bound of
** the rule (min_dominance: the theme's score over the score of the unit's
** top theme). */
enum { RS_RULE_MIN_COUNT = 1, RS_RULE_MIN_SHARE = 2, RS_RULE_MIN_SCORE = 3,
       RS_RULE_MIN_DOMINANCE = 4 };

typedef struct rs_lexrule {
  size_t cat;     /* category index, or RS_LEX_NONE for the lexicon's default */
  int key;        /* RS_RULE_*: min_count is a whole number >= 1, min_share and
                     min_dominance numbers in [0, 1], min_score any finite
                     number */
  double value;
  size_t line, col; /* where the key is written */
} rs_lexrule;

typedef struct rs_lexwarn {
  size_t line, col;
  const char *msg; /* NUL-terminated */
} rs_lexwarn;

/* The result of rs_lexicon_read. The caller owns the struct itself (usually
** on its stack); the arrays and strings it points to are owned by it and
** released by rs_lexicon_free. The capacities are private. */
typedef struct rs_lexicon {
  rs_lexcat *cats;
  size_t ncat;
  rs_lexentry *entries;
  size_t nentry;
  rs_lexwarn *warns;
  size_t nwarn;
  rs_lexrule *rules; /* in file order; at most one per (category, key) */
  size_t nrule;
  /* on RS_EPARSE or RS_ENOTTEXT: where and what (1-based) */
  size_t err_line, err_col;
  char err_msg[256]; /* NUL-terminated; "" unless an error was returned */
  size_t capcat, capentry, capwarn, caprule; /* private */
} rs_lexicon;

/* Reads a lexicon of the given format from text[0..n).
** Returns 0 and fills out, or returns an error with nothing left to free:
**   RS_EPARSE   malformed lexicon: out->err_line/err_col/err_msg say where
**               and what (libyaml's problem for malformed YAML)
**   RS_ENOTTEXT a NUL byte: binary data (position as for RS_EPARSE)
**   RS_ENOMEM   an allocation failed (from the hook or from libyaml)
**   RS_ELIMIT   n > RS_MAX_TEXT
**   RS_EINVAL   an unknown format
** A "_rule" that is not a mapping of min_count, min_share, min_score and
** min_dominance to numbers in range, or that repeats a key for the same category, is an
** RS_EPARSE.
** Not errors but warnings (out->warns): a category with no patterns, a
** repeated pattern in one category (the first one is kept), and for LIWC
** a code with no category in the legend (ignored) and a conditional code
** such as "(02 134)125/464" or "<of>131/125" (read as its default branch,
** the code after '/', or nothing without one).
** Ownership: text is borrowed for the duration of the call only; out is
** overwritten (a lexicon it held before is NOT freed: free it first). */
int rs_lexicon_read(rs_mem *M, const char *text, size_t n, int format,
                    rs_lexicon *out);

/* Frees what lex holds (through the same hook M that built it) and empties
** it (err_* are kept); safe on an empty or already freed lexicon. */
void rs_lexicon_free(rs_mem *M, rs_lexicon *lex);

/* "yaml", "liwc", "wordstat", "lexicoder", or NULL */
const char *rs_lexicon_format_name(int format);

#endif
