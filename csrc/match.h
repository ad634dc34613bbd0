/*
** match.h: the query matcher (match.c). A query program (built by the Lua
** binding from the program tree of lua/rostra/query.lua) is compiled to
** token tests as sets of word types (evaluated on the vocabulary, never on
** the token stream) and a Thompson NFA run from candidate start positions.
** Candidates come from the postings of the rarest top-level token test; the
** whole stream is scanned only when there is none worth using.
*/
#ifndef ROSTRA_MATCH_H
#define ROSTRA_MATCH_H

#include "index.h"

#define RS_Q_MAXSTATES 200000 /* NFA states after expanding repetitions */
#define RS_Q_UNBOUNDED 100    /* tokens an unbounded * or + may span without within */
#define RS_Q_MAXCOND 8        /* structure attribute tests of one open tag */

enum { RS_QN_SEQ = 1, RS_QN_ALT, RS_QN_REP, RS_QN_TOK, RS_QN_OPEN, RS_QN_CLOSE };
enum { RS_QF_CASE = 1, RS_QF_DIACRITICS = 2 };
enum { RS_LV_SPEECH = RS_NLEVEL }; /* within speech */

typedef struct rs_query rs_query;

rs_query *rs_query_new(rs_mem *M, const rs_index *ix);
void rs_query_free(rs_query *Q);
/* the message of the last error (an invalid regex, a limit) */
const char *rs_query_error(const rs_query *Q);

/* {====================================================== token tests */

/* a new empty set of word types; returns its id or -1 (no memory) */
int rs_qset_new(rs_query *Q);
/* a new empty set for tests of attribute attr: of word types for word,
** lower and stem, of the attribute's own types for an extra one (tested at
** each position); -1 (no memory, or no such attribute) */
int rs_qset_new_attr(rs_query *Q, int attr);
/* add the types whose form of attr equals value (after folding by
** flags); 0 or an error code (RS_EINVAL: attr is not of the set's kind) */
int rs_qset_literal(rs_query *Q, int set, int attr, const char *value, size_t n, int flags);
/* add the word types whose form of attr matches the PCRE2 pattern whole;
** RS_EPARSE for a bad pattern, RS_ELIMIT when the match limit is hit */
int rs_qset_regex(rs_query *Q, int set, int attr, const char *pat, size_t n, int flags);
void rs_qset_all(rs_query *Q, int set);
/* set = !set, set &= other, set |= other: sets of the same kind combine
** as sets, others as tests checked at each position; 0 or RS_ENOMEM */
int rs_qset_not(rs_query *Q, int set);
int rs_qset_and(rs_query *Q, int set, int other);
int rs_qset_or(rs_query *Q, int set, int other);

/* }====================================================== */

/* {====================================================== the pattern */

/* a node: returns its id or -1. kids are ids of nodes made before */
int rs_qnode(rs_query *Q, int op, const int *kids, int nkids);
int rs_qnode_rep(rs_query *Q, int kid, int min, int max /* -1 unbounded */);
int rs_qnode_tok(rs_query *Q, int set);
/* level: RS_LV_*; has_attr: test attr (segment kind, point ordinal,
** quotation depth) == attr */
int rs_qnode_struct(rs_query *Q, int op, int level, int has_attr, int32_t attr);

/* an open tag node (rs_qnode_struct) also asks that the region's
** structure attribute sattr (of the tag's level) has the value id value
** (of ix->svals; one no value has, to match nothing); RS_EINVAL otherwise */
int rs_qnode_cond(rs_query *Q, int node, int sattr, uint32_t value);

/* compile from the root (a SEQ); within: a level, RS_LV_SPEECH, or -1.
** Gaps in a row ([]{a,b} []{c,d}, [] []*) are merged into one first. */
int rs_query_compile(rs_query *Q, int root, int within);

/* }====================================================== */

/* {====================================================== running */

typedef struct rs_matches {
  uint32_t *start, *stop; /* token positions, stop inclusive */
  size_t n, cap;
} rs_matches;

void rs_matches_free(rs_mem *M, rs_matches *m);

/* The work budget: the steps (NFA states visited, candidate starts) one
** run may take; 0 for none. Past it the run stops with RS_ELIMIT and the
** message "query too costly: ..."; rs_query_hot_part then says which part
** of the query took most of the work. A run also stops, with RS_EINTR,
** when rs_interrupted() (mem.c) says so. */
void rs_query_set_budget(rs_query *Q, uint64_t budget);
/* the steps the last run took */
uint64_t rs_query_steps(const rs_query *Q);
/* did the budget stop the last run? */
int rs_query_budget_hit(const rs_query *Q);
/* after the budget stopped a run: 1 and the part of the query that took
** most of the work: alt -1 for the program's root sequence, else the
** 0-based alternative of its only alternation; first..last the 0-based
** kids of that sequence (several when gaps in a row were merged into one;
** both -1 for a whole alternative); share its part of the steps. 0 when
** no part is known. */
int rs_query_hot_part(const rs_query *Q, int *alt, int *first, int *last, double *share);

/* find the matches (leftmost, shortest, not overlapping) in the speeches
** of mask (one byte per speech, NULL for all); out may be NULL to count
** only; max_matches stops early (0: no limit). Returns 0 or an error. */
int rs_query_run(rs_query *Q, const char *mask, rs_matches *out, size_t max_matches,
                 size_t *count);

/* }====================================================== */

#endif
