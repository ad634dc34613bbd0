/*
** lrostra.h: shared by the Lua binding files (l*.c). Each binding file
** defines one rsl_open_* function that adds its functions and metatables
** to the module table on top of the stack; lrostra.c calls them all from
** luaopen_rostra_core.
*/
#ifndef LROSTRA_H
#define LROSTRA_H

#include <lauxlib.h>
#include <lua.h>

#include "rostra.h"

/* the allocator hook of this state (Lua's allocator, with the test-mode
** failure countdown of core._failalloc); valid while the state lives */
rs_mem *rsl_mem(lua_State *L);

/* raise the Lua error for an engine error code: "not enough memory" for
** RS_ENOMEM, otherwise msg (or the code name) */
int rsl_raise(lua_State *L, int code, const char *msg);

/* after a C loop stopped on an interrupt (RS_EINTR): clear the request
** and the pending "interrupted" hook (core.catch_interrupt), so that the
** error raised for it is the only one */
void rsl_clear_interrupt(lua_State *L);

/* soft failure: push nil, msg, code and return 3 */
int rsl_fail(lua_State *L, const char *msg, const char *code);

/* the stable code of a system error: "ENOENT", "EACCES", "EISDIR",
** "ENOTDIR", "ENOSPC", "EROFS", "EEXIST", "EINVAL" (not a file that may be
** written that way), "ELOOP", or "EIO" for any other */
const char *rsl_errno_code(int e);

/* a string argument; raises "bad argument #i to 'fn' (string expected,
** got X)" for anything else (numbers are not accepted as text) */
const char *rsl_checktext(lua_State *L, int i, size_t *len);

/* the table of a front matter tree (lfront.c); an empty table for NULL */
struct rs_fm_node;
void rsl_push_front(lua_State *L, const struct rs_fm_node *root);

/* the speech made by the ingest at stack index i (lspeech.c), raising for
** anything else */
struct rs_loaded;
struct rs_loaded *rsl_check_ingested(lua_State *L, int i);

void rsl_open_tok(lua_State *L);   /* ltok.c: tokenize, sentences */
void rsl_open_front(lua_State *L); /* lfront.c: YAML front matter */
void rsl_open_speech(lua_State *L); /* lspeech.c: the transcript parser */
void rsl_open_lexicon(lua_State *L);
void rsl_open_corpus(lua_State *L); /* lcorpus.c: the corpus index */
void rsl_open_match(lua_State *L);  /* lmatch.c: queries and KWIC (after corpus) */
void rsl_open_tagger(lua_State *L); /* ltagger.c: lexicon tagging (after corpus) */
/* the index of an open corpus handle at stack index i (lcorpus.c) */
struct rs_index;
const struct rs_index *rsl_corpus_index(lua_State *L, int i);
/* the attribute named by the string at index i (def when nil and def is
** not NULL), raising "unknown attribute 'x' (valid: ...)" (lcorpus.c) */
int rsl_attr_arg(lua_State *L, const struct rs_index *ix, int i, const char *def);
void rsl_open_measures(lua_State *L);
void rsl_open_meta(lua_State *L); /* lmeta.c: the metadata blob of an index */
void rsl_open_stats(lua_State *L); /* lstats.c: n-grams, collocates, keyness, dispersion (after corpus) */
void rsl_open_dfm(lua_State *L);   /* ldfm.c: the document-feature matrix (after corpus) */
void rsl_open_annot(lua_State *L); /* lannot.c: vertical files out (after corpus) */
void rsl_open_fsout(lua_State *L); /* lfsout.c: output files, core.file_id */
/* lfsout.c: the output of the writer (core.output) at index i, NULL when
** the value is not a writer (raises for a closed one); and the failure
** of a write to it: pushes nil, "PATH: message", code and returns 3 */
struct rs_out;
struct rs_out *rsl_output_test(lua_State *L, int i);
int rsl_output_fail(lua_State *L, int i, int e);
/* lcorpus.c: every method of a corpus handle checked for a file changed
** underneath it (after all the rsl_open_* that add methods) */
void rsl_guard_corpus(lua_State *L);
void rsl_open_table(lua_State *L); /* ltable.c: columnar result tables */

/* ltable.c: a new result table of nrow rows pushed as a store, reading the
** index of the corpus handle at stack index corpus (0 for none, else it
** must be open): the caller adds and fills its columns */
struct rs_table;
struct rs_table *rsl_table_new(lua_State *L, size_t nrow, int corpus);
/* push a view of every row of the store at stack index store, in order */
void rsl_table_view(lua_State *L, int store);

#endif
