/*
** front.h: YAML front matter at the top of a transcript, read with libyaml.
**
** A front-matter block is, at the very start of the text:
**   - an opening line "---" (after an optional UTF-8 BOM), with optional
**     trailing spaces or tabs and an optional CR before the LF;
**   - YAML whose top level is a mapping of keys to values;
**   - a closing line "---" or "..." (same optional trailing spaces/CR),
**     ended by LF, CRLF or the end of the text.
** Only the bytes between the opening and the closing line are given to
** libyaml. The result is a small tree of rs_fm_node: scalars (kept as
** strings, with the YAML 1.2 core-schema type of untagged plain scalars),
** sequences and mappings.
**
** Memory: every node and string of the tree comes from the caller's rs_mem
** hook; libyaml's own buffers use malloc (third-party code) and never
** outlive rs_front_parse. The text is only read, never kept: the tree holds
** copies.
*/
#ifndef ROSTRA_FRONT_H
#define ROSTRA_FRONT_H

#include <stddef.h>

#include "rostra.h"

/* {====================================================== limits */

/* most nodes in one tree (scalars, sequences and mappings, keys not
** counted, alias copies counted): bounds "billion laughs" alias bombs */
#define RS_FRONT_MAX_NODES 10000
/* deepest nesting of sequences and mappings (the top mapping is level 1) */
#define RS_FRONT_MAX_DEPTH 64
/* most string bytes (keys and values) that alias copies may add in all */
#define RS_FRONT_MAX_ALIAS_BYTES ((size_t)1 << 20)

/* }====================================================== */

typedef enum rs_fm_kind {
  RS_FM_SCALAR = 1,
  RS_FM_SEQ = 2, /* a sequence: child, child->next, ... are its items */
  RS_FM_MAP = 3  /* a mapping: its members carry key/keylen */
} rs_fm_kind;

/* What an untagged plain scalar denotes under the YAML 1.2 core schema.
** Quoted, literal (|), folded (>) and tagged scalars are always RS_FMT_STR,
** as are dates (2020-11-10) and anything else that is not exactly one of:
**   NULL  "" ~ null Null NULL
**   BOOL  true True TRUE false False FALSE
**   INT   [-+]?[0-9]+  0o[0-7]+  0x[0-9a-fA-F]+
**   FLOAT [-+]?(.[0-9]+|[0-9]+(.[0-9]*)?)([eE][-+]?[0-9]+)?
**         [-+]?(.inf|.Inf|.INF)  .nan .NaN .NAN
** The text is kept as written: converting it is the caller's business. */
typedef enum rs_fm_type {
  RS_FMT_STR = 0,
  RS_FMT_NULL = 1,
  RS_FMT_BOOL = 2,
  RS_FMT_INT = 3,
  RS_FMT_FLOAT = 4
} rs_fm_type;

typedef struct rs_fm_node rs_fm_node;

/* One node of the tree; every pointer in it is owned by the tree and freed
** by rs_front_free. */
struct rs_fm_node {
  rs_fm_kind kind;
  rs_fm_type type;  /* RS_FM_SCALAR: see rs_fm_type; else RS_FMT_STR */
  int plain;        /* RS_FM_SCALAR: 1 when plain and untagged */
  char *str;        /* RS_FM_SCALAR: the value, NUL-terminated (may also */
  size_t len;       /*   contain NULs, from "\0" escapes); else NULL, 0 */
  char *key;        /* member of a mapping: its key, NUL-terminated, as */
  size_t keylen;    /*   written (keys are always strings); else NULL, 0 */
  rs_fm_node *child; /* RS_FM_SEQ/MAP: the first item or member, or NULL */
  size_t n;          /* RS_FM_SEQ/MAP: how many items or members */
  rs_fm_node *next;  /* the next sibling in the parent, or NULL */
  size_t line, col;  /* where the node starts in the whole text (1-based;
                        lines end at LF, columns count code points) */
};

/* The result of rs_front_parse. The caller owns the struct itself (usually
** on its stack); the tree under root is owned by it and released with
** rs_front_free. */
typedef struct rs_front {
  rs_fm_node *root; /* a RS_FM_MAP (0 members for an empty block), or NULL
                       when the text has no front matter or on error */
  size_t nodes;     /* nodes in the tree (root included) */
  /* on RS_EPARSE: where and what, in the whole text (1-based; lines end
     at LF, columns count code points) */
  size_t err_line, err_col;
  char err_msg[256]; /* NUL-terminated; "" unless RS_EPARSE */
} rs_front;

/* Finds a front-matter block at the top of text[0..n).
** Returns 0 and sets *body to the byte offset where the speech body starts
** (just after the closing line; 0 when there is no block), and fills fm:
** fm->root is the top mapping, or NULL when there is no block. A block
** that is empty, holds only comments or a null document (~) gives a root
** with no members. Keys are unique: when a key is repeated, the last one
** wins (in every mapping of the tree). Aliases are resolved by copying
** the anchored node (an alias inside its own anchored node is an error).
** Or returns RS_EPARSE with fm->err_line/err_col and fm->err_msg: libyaml's
** problem, with its context in parentheses ("could not find expected ':'
** (while scanning a simple key at 3:1)"), or one of rostra's own:
**   "front matter block not closed"                      at 1:1
**   "front matter must be a mapping of keys to values"   at 1:1
**   "front matter must hold a single YAML document"
**   "front matter keys must be scalars"
**   "front matter nested too deeply (more than 64 levels)"
**   "front matter too large: more than 10000 values"
**   "front matter too large: aliases copy more than 1 MiB"
**   "unknown alias *name", "recursive alias *name"
** Or returns RS_ENOMEM (from the hook or from libyaml).
** On any error *body is untouched, fm->root is NULL and nothing is left to
** free (calling rs_front_free anyway is harmless).
** Ownership: text is borrowed for the duration of the call only (libyaml
** reads the block in place); fm is overwritten (a tree it held before is
** NOT freed: free it first). */
int rs_front_parse(rs_mem *M, const char *text, size_t n, rs_front *fm,
                   size_t *body);

/* Frees the tree of fm (through the same hook M that built it) and resets
** fm->root to NULL and fm->nodes to 0; safe on an empty or freed fm. */
void rs_front_free(rs_mem *M, rs_front *fm);

/* The member of mapping map whose key is key[0..keylen), or NULL (also when
** map is NULL or not a mapping). The node stays owned by the tree. */
const rs_fm_node *rs_front_get(const rs_fm_node *map, const char *key,
                               size_t keylen);

#endif
