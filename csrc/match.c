/*
** match.c: the query matcher. Token tests are sets of word types computed
** on the vocabulary (literals by hash lookup, regular expressions by PCRE2
** with JIT over the types); the pattern is a Thompson NFA simulated from
** candidate start positions given by the postings of the rarest top-level
** token test.
*/
#include <stdio.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "match.h"

enum { ST_TOK = 1, ST_SPLIT, ST_OPEN, ST_CLOSE, ST_MATCH };

typedef struct qnode {
  int op, nkids, kid0; /* kids: Q->kids[kid0 .. kid0+nkids) */
  int min, max, set, level, has_attr;
  int32_t attr;
  int ofirst, olast; /* a kid of a sequence: the kids of the program it
                        stands for (several gaps merged into one) */
  int parts;         /* its kids are parts of the query (for the budget's
                        message): the root, its only alternation and the
                        sequences that alternation holds */
  int ncond;                        /* structure attribute tests of an open tag */
  int cj[RS_Q_MAXCOND];             /* the structure attribute */
  uint32_t cv[RS_Q_MAXCOND];        /* the value id it must have */
} qnode;

typedef struct qstate {
  int type, out1, out2, set, level, has_attr;
  int32_t attr;
  int part; /* the node of the part of the query it was built for, or -1 */
  int ncond;
  int cj[RS_Q_MAXCOND];
  uint32_t cv[RS_Q_MAXCOND];
} qstate;

/* a token test: a set of types of one attribute's domain (word types for
** word, lower and stem; an extra attribute's own types), or a combination
** of tests checked at a position (a test on an extra attribute with others) */
enum { QS_BITS = 0, QS_AND, QS_OR, QS_NOT };

typedef struct qset {
  int kind;
  int dom;        /* QS_BITS: 0 (word types) or an extra attribute */
  uint64_t *bits; /* QS_BITS: nwords words */
  size_t nwords;
  uint32_t ntypes; /* QS_BITS: types of the domain */
  int a, b;       /* the tests combined */
} qset;

struct rs_query {
  rs_mem *M;
  const rs_index *ix;
  char err[256];
  size_t words; /* 64-bit words per set of word types */
  qset *sets;
  size_t nsets, capsets;
  qnode *nodes;
  size_t nnodes, capnodes;
  int *kids;
  size_t nkids, capkids;
  qstate *st;
  size_t nst, capst;
  int start, within, unbounded, root;
  long maxlen; /* of the whole pattern, -1 unbounded */
  /* anchor */
  int anchor_set;   /* a set of types whose postings hold every match's anchor token */
  int anchor_exact; /* ... and that is the anchor token's whole test */
  long pre_min, pre_max; /* tokens before the anchor: min, max (-1 unbounded) */
  /* VM scratch */
  int *clist, *nlist, *stack;
  uint32_t *mark;
  uint32_t gen;
  /* the work budget: states visited, the limit, and where the work went */
  uint64_t steps, budget, limit;
  int over;            /* RS_ELIMIT (budget) or RS_EINTR (interrupted) */
  int budget_hit, hot; /* the budget stopped the last run; its hottest part */
  double hot_share;
  int profile;         /* count the visits of each part (after the budget) */
  uint64_t *part_steps; /* per node, while profiling */
  int cur_part;        /* while building */
  int any_set;         /* a set of every type, for merged gaps, or -1 */
  signed char *set_all; /* per set: 1 all types, 0 not, -1 unknown */
  size_t cap_set_all;
};

/* {====================================================== setup */

rs_query *rs_query_new(rs_mem *M, const rs_index *ix) {
  rs_query *Q = rs_malloc(M, sizeof *Q);
  if (!Q) return NULL;
  memset(Q, 0, sizeof *Q);
  Q->M = M;
  Q->ix = ix;
  Q->words = (size_t)ix->attr[0].n / 64 + 1;
  Q->within = -1;
  Q->anchor_set = -1;
  Q->any_set = -1;
  Q->cur_part = -1;
  return Q;
}

void rs_query_set_budget(rs_query *Q, uint64_t budget) { Q->budget = budget; }

uint64_t rs_query_steps(const rs_query *Q) { return Q->steps; }

void rs_query_free(rs_query *Q) {
  rs_mem *M;
  size_t i;
  if (!Q) return;
  M = Q->M;
  for (i = 0; i < Q->nsets; i++) rs_free(M, Q->sets[i].bits, Q->sets[i].nwords * 8);
  rs_free(M, Q->sets, Q->capsets * sizeof *Q->sets);
  rs_free(M, Q->nodes, Q->capnodes * sizeof *Q->nodes);
  rs_free(M, Q->kids, Q->capkids * sizeof *Q->kids);
  rs_free(M, Q->st, Q->capst * sizeof *Q->st);
  rs_free(M, Q->clist, Q->nst * sizeof(int));
  rs_free(M, Q->nlist, Q->nst * sizeof(int));
  rs_free(M, Q->stack, Q->nst * sizeof(int));
  rs_free(M, Q->mark, Q->nst * sizeof(uint32_t));
  rs_free(M, Q->part_steps, Q->nnodes * sizeof *Q->part_steps);
  rs_free(M, Q->set_all, Q->cap_set_all);
  rs_free(M, Q, sizeof *Q);
}

const char *rs_query_error(const rs_query *Q) { return Q->err; }

/* }====================================================== */

/* {====================================================== sets of word types */

static int new_set(rs_query *Q, int dom) {
  qset *q;
  uint32_t nt = Q->ix->attr[dom].n;
  size_t nw = (size_t)nt / 64 + 1;
  if (rs_grow(Q->M, (void **)&Q->sets, &Q->capsets, Q->nsets + 1, sizeof *Q->sets)) return -1;
  q = &Q->sets[Q->nsets];
  memset(q, 0, sizeof *q);
  q->bits = rs_malloc(Q->M, nw * 8);
  if (!q->bits) return -1;
  memset(q->bits, 0, nw * 8);
  q->nwords = nw;
  q->ntypes = nt;
  q->dom = dom;
  q->kind = QS_BITS;
  return (int)Q->nsets++;
}

int rs_qset_new(rs_query *Q) { return new_set(Q, 0); }

int rs_qset_new_attr(rs_query *Q, int attr) {
  if (!rs_attr_valid(Q->ix, attr)) return -1;
  return new_set(Q, attr >= RS_NATTR ? attr : 0);
}

#define SETBIT(s, w) ((s)[(w) >> 6] |= (uint64_t)1 << ((w)&63))
#define HASBIT(s, w) (((s)[(w) >> 6] >> ((w)&63)) & 1)

/* add the word types behind type t of attr */
static void add_type(rs_query *Q, uint64_t *s, int attr, uint32_t t) {
  const rs_index *ix = Q->ix;
  uint32_t j, lo, hi;
  if (attr >= RS_NATTR) {
    if (t < ix->attr[attr].n) SETBIT(s, t);
    return;
  }
  if (attr == RS_ATTR_WORD) {
    if (t < ix->attr[0].n) SETBIT(s, t);
    return;
  }
  if (t >= ix->attr[attr].n) return;
  lo = ix->inv_off[attr][t];
  hi = ix->inv_off[attr][t + 1];
  for (j = lo; j < hi && j < ix->attr[0].n; j++) {
    uint32_t w = ix->inv[attr][j];
    if (w < ix->attr[0].n) SETBIT(s, w);
  }
}

/* the form compared for flags: case folded (c) and/or without marks (d) */
static int fold(rs_mem *M, const char *s, size_t n, int flags, rs_buf *out) {
  out->n = 0;
  if (flags & RS_QF_DIACRITICS) return rs_strip_marks(M, s, n, (flags & RS_QF_CASE) != 0, out);
  if (flags & RS_QF_CASE) return rs_lower(M, s, n, out);
  return rs_buf_add(M, out, s, n);
}

/* may set take types of attr? (an extra attribute's own set, or word types) */
static int domain_ok(const rs_query *Q, int set, int attr) {
  const qset *q = &Q->sets[set];
  if (!rs_attr_valid(Q->ix, attr)) return 0;
  return q->kind == QS_BITS && q->dom == (attr >= RS_NATTR ? attr : 0);
}

int rs_qset_literal(rs_query *Q, int set, int attr, const char *value, size_t n, int flags) {
  const rs_index *ix = Q->ix;
  uint64_t *s;
  int64_t t;
  int err = RS_OK;
  rs_buf f, g;
  uint32_t i;
  if (!domain_ok(Q, set, attr)) return RS_EINVAL;
  s = Q->sets[set].bits;
  if (flags == 0 || (flags == RS_QF_CASE && (attr == RS_ATTR_LOWER || attr == RS_ATTR_STEM))) {
    t = rs_strtab_find(&ix->attr[attr], value, n);
    if (t >= 0) add_type(Q, s, attr, (uint32_t)t);
    return RS_OK;
  }
  rs_buf_init(&f);
  rs_buf_init(&g);
  if (flags == RS_QF_CASE && attr == RS_ATTR_WORD) { /* word %c: the lower form's types */
    if ((err = rs_lower(Q->M, value, n, &f)) == RS_OK) {
      t = rs_strtab_find(&ix->attr[RS_ATTR_LOWER], f.p ? f.p : "", f.n);
      if (t >= 0) add_type(Q, s, RS_ATTR_LOWER, (uint32_t)t);
    }
  } else { /* diacritics: compare folded forms over the vocabulary */
    if ((err = fold(Q->M, value, n, flags, &f)) == RS_OK) {
      for (i = 0; i < ix->attr[attr].n && err == RS_OK; i++) {
        size_t l;
        const char *x = rs_strtab_get(&ix->attr[attr], i, &l);
        if ((err = fold(Q->M, x, l, flags, &g)) != RS_OK) break;
        if (g.n == f.n && memcmp(g.p, f.p, f.n) == 0) add_type(Q, s, attr, i);
      }
    }
  }
  rs_buf_free(Q->M, &f);
  rs_buf_free(Q->M, &g);
  return err;
}

/* PCRE2 allocates through the core's hook: a size header on each block */
static void *pcre_alloc(PCRE2_SIZE n, void *ud) {
  rs_mem *M = ud;
  size_t *p = rs_malloc(M, n + sizeof(size_t) * 2);
  if (!p) return NULL;
  p[0] = n + sizeof(size_t) * 2;
  return p + 2;
}

static void pcre_free(void *q, void *ud) {
  rs_mem *M = ud;
  size_t *p;
  if (!q) return;
  p = (size_t *)q - 2;
  rs_free(M, p, p[0]);
}

/* the literal text a pattern must start with (no metacharacters), for a
** cheap filter before PCRE2; a quantified last character is dropped */
static size_t literal_prefix(const char *p, size_t n) {
  size_t i = 0;
  while (i < n && !strchr("\\^$.|?*+()[]{}", p[i])) i++;
  if (i < n && strchr("?*{", p[i])) { /* "ab?" : only "a" is sure */
    if (i > 0) {
      i--;
      while (i > 0 && ((unsigned char)p[i] & 0xC0) == 0x80) i--;
    }
  }
  return i;
}

int rs_qset_regex(rs_query *Q, int set, int attr, const char *pat, size_t n, int flags) {
  const rs_index *ix = Q->ix;
  uint64_t *s;
  pcre2_general_context *gc;
  pcre2_compile_context *cc = NULL;
  pcre2_match_context *mc = NULL;
  pcre2_code *re = NULL;
  pcre2_match_data *md = NULL;
  rs_buf anchored, f, prefix;
  int errcode, err = RS_OK;
  PCRE2_SIZE erroff;
  uint32_t i, opts = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
  if (!domain_ok(Q, set, attr)) return RS_EINVAL;
  s = Q->sets[set].bits;
  rs_buf_init(&anchored);
  rs_buf_init(&f);
  rs_buf_init(&prefix);
  gc = pcre2_general_context_create(pcre_alloc, pcre_free, Q->M);
  if (!gc) return RS_ENOMEM;
  if (flags & RS_QF_CASE) {
    opts |= PCRE2_CASELESS;
    /* ignoring case on word forms = matching the lower forms */
    if (attr == RS_ATTR_WORD && !(flags & RS_QF_DIACRITICS)) attr = RS_ATTR_LOWER;
  }
  /* with %d the pattern and the forms both lose their marks */
  if (flags & RS_QF_DIACRITICS) {
    if ((err = rs_strip_marks(Q->M, pat, n, 0, &f)) != RS_OK) goto done;
    pat = f.p ? f.p : "";
    n = f.n;
  }
  if (rs_buf_add(Q->M, &anchored, "^(?:", 4) || rs_buf_add(Q->M, &anchored, pat, n) ||
      rs_buf_add(Q->M, &anchored, ")$", 2)) {
    err = RS_ENOMEM;
    goto done;
  }
  cc = pcre2_compile_context_create(gc);
  mc = pcre2_match_context_create(gc);
  if (!cc || !mc) {
    err = RS_ENOMEM;
    goto done;
  }
  pcre2_set_match_limit(mc, 1000000);
  pcre2_set_depth_limit(mc, 10000);
  re = pcre2_compile((PCRE2_SPTR)anchored.p, anchored.n, opts, &errcode, &erroff, cc);
  if (!re) {
    PCRE2_UCHAR msg[160];
    if (errcode == PCRE2_ERROR_NOMEMORY || errcode == PCRE2_ERROR_HEAP_FAILED) {
      err = RS_ENOMEM;
      goto done;
    }
    pcre2_get_error_message(errcode, msg, sizeof msg);
    snprintf(Q->err, sizeof Q->err, "bad regular expression \"%.*s\": %s at offset %d",
             (int)(n > 80 ? 80 : n), pat, (const char *)msg,
             (int)(erroff >= 4 ? erroff - 4 : 0));
    err = RS_EPARSE;
    goto done;
  }
  pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
  md = pcre2_match_data_create_from_pattern(re, gc);
  if (!md) {
    err = RS_ENOMEM;
    goto done;
  }
  {
    /* the literal prefix, lower-cased when matching lower forms caselessly */
    size_t pl = (flags & RS_QF_DIACRITICS) ? 0 : literal_prefix(pat, n);
    if (pl > 0 && (flags & RS_QF_CASE)) {
      if ((err = rs_lower(Q->M, pat, pl, &prefix)) != RS_OK) goto done;
      if (prefix.n != pl || (attr != RS_ATTR_LOWER && attr != RS_ATTR_STEM)) prefix.n = 0;
    } else if (pl > 0) {
      if ((err = rs_buf_add(Q->M, &prefix, pat, pl)) != RS_OK) goto done;
    }
  }
  for (i = 0; i < ix->attr[attr].n; i++) {
    size_t l;
    const char *x = rs_strtab_get(&ix->attr[attr], i, &l);
    int rc;
    if (prefix.n && (l < prefix.n || memcmp(x, prefix.p, prefix.n) != 0)) continue;
    if (flags & RS_QF_DIACRITICS) {
      f.n = 0;
      if ((err = rs_strip_marks(Q->M, x, l, 0, &f)) != RS_OK) goto done;
      if (f.cap > f.n) memset(f.p + f.n, 0, f.cap - f.n); /* JIT reads ahead (see vocab.c) */
      x = f.p ? f.p : "";
      l = f.n;
    }
    rc = pcre2_match(re, (PCRE2_SPTR)x, l, 0, 0, md, mc);
    if (rc >= 0) add_type(Q, s, attr, i);
    else if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT) {
      snprintf(Q->err, sizeof Q->err,
               "regular expression \"%.*s\" backtracks too much (PCRE2 match limit)",
               (int)(n > 80 ? 80 : n), pat);
      err = RS_ELIMIT;
      goto done;
    } else if (rc == PCRE2_ERROR_NOMEMORY) {
      err = RS_ENOMEM;
      goto done;
    }
  }
done:
  pcre2_match_data_free(md);
  pcre2_code_free(re);
  pcre2_match_context_free(mc);
  pcre2_compile_context_free(cc);
  pcre2_general_context_free(gc);
  rs_buf_free(Q->M, &anchored);
  rs_buf_free(Q->M, &f);
  rs_buf_free(Q->M, &prefix);
  return err;
}

void rs_qset_all(rs_query *Q, int set) {
  qset *q = &Q->sets[set];
  uint32_t w;
  if (q->kind != QS_BITS) return;
  for (w = 0; w < q->ntypes; w++) SETBIT(q->bits, w);
}

/* a copy of set's test in a new slot (for combining in place) */
static int copy_set(rs_query *Q, int set) {
  int c = new_set(Q, 0);
  qset *q, *x;
  if (c < 0) return -1;
  q = &Q->sets[c];
  x = &Q->sets[set];
  rs_free(Q->M, q->bits, q->nwords * 8);
  *q = *x; /* the bits move to the copy */
  x->bits = NULL;
  x->nwords = 0;
  return c;
}

static int is_empty(const qset *q) {
  size_t i;
  if (q->kind != QS_BITS) return 0;
  for (i = 0; i < q->nwords; i++)
    if (q->bits[i]) return 0;
  return 1;
}

/* set = set OP other, in place; 0 or RS_ENOMEM */
static int combine(rs_query *Q, int set, int other, int op) {
  qset *q = &Q->sets[set], *o = &Q->sets[other];
  size_t i;
  if (q->kind == QS_BITS && o->kind == QS_BITS && q->dom == o->dom) {
    if (op == QS_AND)
      for (i = 0; i < q->nwords; i++) q->bits[i] &= o->bits[i];
    else
      for (i = 0; i < q->nwords; i++) q->bits[i] |= o->bits[i];
    return RS_OK;
  }
  if (op == QS_OR && is_empty(q)) { /* nothing or x: x itself */
    if (o->kind == QS_BITS) {
      uint64_t *b = rs_malloc(Q->M, o->nwords * 8);
      if (!b) return RS_ENOMEM;
      memcpy(b, o->bits, o->nwords * 8);
      rs_free(Q->M, q->bits, q->nwords * 8);
      *q = *o;
      q->bits = b;
    } else {
      rs_free(Q->M, q->bits, q->nwords * 8);
      *q = *o;
      q->bits = NULL;
      q->nwords = 0;
    }
    return RS_OK;
  }
  {
    int c = copy_set(Q, set);
    if (c < 0) return RS_ENOMEM;
    q = &Q->sets[set]; /* the array may have moved */
    q->kind = op;
    q->a = c;
    q->b = other;
  }
  return RS_OK;
}

int rs_qset_not(rs_query *Q, int set) {
  qset *q = &Q->sets[set];
  size_t i;
  if (q->kind == QS_BITS) {
    for (i = 0; i < q->nwords; i++) q->bits[i] = ~q->bits[i];
    /* clear the bits past the last type */
    for (i = q->ntypes; i < q->nwords * 64; i++) q->bits[i >> 6] &= ~((uint64_t)1 << (i & 63));
    return RS_OK;
  }
  {
    int c = copy_set(Q, set);
    if (c < 0) return RS_ENOMEM;
    q = &Q->sets[set];
    q->kind = QS_NOT;
    q->a = c;
  }
  return RS_OK;
}

int rs_qset_and(rs_query *Q, int set, int other) { return combine(Q, set, other, QS_AND); }
int rs_qset_or(rs_query *Q, int set, int other) { return combine(Q, set, other, QS_OR); }

/* tokens passing a set of types (QS_BITS) */
static uint64_t bits_freq(const rs_query *Q, const qset *q) {
  uint64_t total = 0;
  size_t i;
  const uint32_t *freq = Q->ix->freq[q->dom];
  for (i = 0; i < q->nwords; i++) {
    uint64_t b = q->bits[i];
    while (b) {
      uint32_t w = (uint32_t)(i * 64 + (size_t)__builtin_ctzll(b));
      if (w < q->ntypes) total += freq[w];
      b &= b - 1;
    }
  }
  return total;
}

/* the set of types (QS_BITS) whose postings hold every position passing
** the test set, with the fewest tokens: the set itself, or the best of an
** and's sides; -1 when there is none (or, not) */
static int anchor_of(const rs_query *Q, int set, uint64_t *freq, int depth) {
  const qset *q = &Q->sets[set];
  if (depth > 200) return -1;
  if (q->kind == QS_BITS) {
    *freq = bits_freq(Q, q);
    return set;
  }
  if (q->kind == QS_AND) {
    uint64_t fa = 0, fb = 0;
    int a = anchor_of(Q, q->a, &fa, depth + 1), b = anchor_of(Q, q->b, &fb, depth + 1);
    if (a >= 0 && (b < 0 || fa <= fb)) {
      *freq = fa;
      return a;
    }
    *freq = fb;
    return b;
  }
  return -1;
}

/* does the token at p pass test set? */
static int test_at(const rs_query *Q, int set, uint32_t p) {
  const qset *q = &Q->sets[set];
  switch (q->kind) {
    case QS_BITS: {
      uint32_t t = q->dom ? Q->ix->xstream[q->dom][p] : Q->ix->stream[p];
      return t < q->ntypes && HASBIT(q->bits, t);
    }
    case QS_AND: return test_at(Q, q->a, p) && test_at(Q, q->b, p);
    case QS_OR: return test_at(Q, q->a, p) || test_at(Q, q->b, p);
    default: return !test_at(Q, q->a, p);
  }
}

/* }====================================================== */

/* {====================================================== nodes and the NFA */

static int new_node(rs_query *Q, int op) {
  qnode *n;
  if (rs_grow(Q->M, (void **)&Q->nodes, &Q->capnodes, Q->nnodes + 1, sizeof *Q->nodes)) return -1;
  n = &Q->nodes[Q->nnodes];
  memset(n, 0, sizeof *n);
  n->op = op;
  n->set = -1;
  n->ofirst = n->olast = -1;
  return (int)Q->nnodes++;
}

int rs_qnode(rs_query *Q, int op, const int *kids, int nkids) {
  int id, i;
  if (nkids < 0 || rs_grow(Q->M, (void **)&Q->kids, &Q->capkids, Q->nkids + (size_t)nkids,
                           sizeof *Q->kids))
    return -1;
  id = new_node(Q, op);
  if (id < 0) return -1;
  Q->nodes[id].kid0 = (int)Q->nkids;
  Q->nodes[id].nkids = nkids;
  for (i = 0; i < nkids; i++) Q->kids[Q->nkids++] = kids[i];
  return id;
}

int rs_qnode_rep(rs_query *Q, int kid, int min, int max) {
  int id = rs_qnode(Q, RS_QN_REP, &kid, 1);
  if (id < 0) return -1;
  Q->nodes[id].min = min;
  Q->nodes[id].max = max;
  return id;
}

int rs_qnode_tok(rs_query *Q, int set) {
  int id = new_node(Q, RS_QN_TOK);
  if (id < 0) return -1;
  Q->nodes[id].set = set;
  return id;
}

int rs_qnode_struct(rs_query *Q, int op, int level, int has_attr, int32_t attr) {
  int id = new_node(Q, op);
  if (id < 0) return -1;
  Q->nodes[id].level = level;
  Q->nodes[id].has_attr = has_attr;
  Q->nodes[id].attr = attr;
  return id;
}

int rs_qnode_cond(rs_query *Q, int node, int sattr, uint32_t value) {
  qnode *n;
  if (node < 0 || (size_t)node >= Q->nnodes) return RS_EINVAL;
  n = &Q->nodes[node];
  if (n->op != RS_QN_OPEN || n->ncond == RS_Q_MAXCOND || sattr < 0 ||
      (uint32_t)sattr >= Q->ix->nsattr || Q->ix->sattr[sattr].level != n->level)
    return RS_EINVAL;
  n->cj[n->ncond] = sattr;
  n->cv[n->ncond] = value;
  n->ncond++;
  return RS_OK;
}

static int new_state(rs_query *Q, int type, int out1, int out2) {
  qstate *s;
  if (Q->nst >= RS_Q_MAXSTATES) return -2;
  if (rs_grow(Q->M, (void **)&Q->st, &Q->capst, Q->nst + 1, sizeof *Q->st)) return -1;
  s = &Q->st[Q->nst];
  memset(s, 0, sizeof *s);
  s->type = type;
  s->out1 = out1;
  s->out2 = out2;
  s->set = -1;
  s->part = Q->cur_part;
  return (int)Q->nst++;
}

/* compile node id so that it continues at state next; returns its start
** state, -1 (no memory) or -2 (too many states) */
static int build(rs_query *Q, int id, int next, int depth);

/* build kid k of node n (a part of the query when n holds parts) */
static int build_kid(rs_query *Q, const qnode *n, int k, int next, int depth) {
  int kid = Q->kids[n->kid0 + k], saved = Q->cur_part, s;
  if (n->parts && !Q->nodes[kid].parts) Q->cur_part = kid;
  s = build(Q, kid, next, depth);
  Q->cur_part = saved;
  return s;
}

static int build(rs_query *Q, int id, int next, int depth) {
  qnode n = Q->nodes[id];
  int i, s;
  if (depth > 200) return -2;
  switch (n.op) {
    case RS_QN_TOK:
      s = new_state(Q, ST_TOK, next, -1);
      if (s >= 0) Q->st[s].set = n.set;
      return s;
    case RS_QN_OPEN:
    case RS_QN_CLOSE:
      s = new_state(Q, n.op == RS_QN_OPEN ? ST_OPEN : ST_CLOSE, next, -1);
      if (s >= 0) {
        Q->st[s].level = n.level;
        Q->st[s].has_attr = n.has_attr;
        Q->st[s].attr = n.attr;
        Q->st[s].ncond = n.ncond;
        memcpy(Q->st[s].cj, n.cj, sizeof n.cj);
        memcpy(Q->st[s].cv, n.cv, sizeof n.cv);
      }
      return s;
    case RS_QN_SEQ:
      for (i = n.nkids - 1; i >= 0 && next >= 0; i--) next = build_kid(Q, &n, i, next, depth + 1);
      return next;
    case RS_QN_ALT:
      s = build_kid(Q, &n, n.nkids - 1, next, depth + 1);
      for (i = n.nkids - 2; i >= 0 && s >= 0; i--) {
        int a = build_kid(Q, &n, i, next, depth + 1);
        if (a < 0) return a;
        s = new_state(Q, ST_SPLIT, a, s);
      }
      return s;
    case RS_QN_REP: {
      int kid = Q->kids[n.kid0], cur = next;
      if (n.max < 0) { /* kid* after the mandatory copies */
        int loop = new_state(Q, ST_SPLIT, -1, next), body;
        if (loop < 0) return loop;
        body = build(Q, kid, loop, depth + 1);
        if (body < 0) return body;
        Q->st[loop].out1 = body;
        cur = loop;
        Q->unbounded = 1;
      } else {
        for (i = 0; i < n.max - n.min; i++) { /* optional copies */
          int a = build(Q, kid, cur, depth + 1);
          if (a < 0) return a;
          cur = new_state(Q, ST_SPLIT, a, next);
          if (cur < 0) return cur;
        }
      }
      for (i = 0; i < n.min; i++) {
        cur = build(Q, kid, cur, depth + 1);
        if (cur < 0) return cur;
      }
      return cur;
    }
    default:
      return -2;
  }
}

/* tokens a node spans: min and max (-1 unbounded) */
static void span(const rs_query *Q, int id, long *mn, long *mx) {
  qnode n = Q->nodes[id];
  long a, b;
  int i;
  switch (n.op) {
    case RS_QN_TOK: *mn = *mx = 1; return;
    case RS_QN_OPEN: case RS_QN_CLOSE: *mn = *mx = 0; return;
    case RS_QN_SEQ:
      *mn = *mx = 0;
      for (i = 0; i < n.nkids; i++) {
        span(Q, Q->kids[n.kid0 + i], &a, &b);
        *mn += a;
        if (*mx >= 0) *mx = b < 0 ? -1 : *mx + b;
      }
      return;
    case RS_QN_ALT:
      *mn = -1;
      *mx = 0;
      for (i = 0; i < n.nkids; i++) {
        span(Q, Q->kids[n.kid0 + i], &a, &b);
        if (*mn < 0 || a < *mn) *mn = a;
        if (*mx >= 0) *mx = b < 0 ? -1 : (b > *mx ? b : *mx);
      }
      if (*mn < 0) *mn = 0;
      return;
    case RS_QN_REP:
      span(Q, Q->kids[n.kid0], &a, &b);
      *mn = a * n.min;
      *mx = (n.max < 0 || b < 0) ? -1 : b * n.max;
      return;
    default: *mn = *mx = 0;
  }
}

/* {====================================================== gaps

** A gap is [] (a test every type passes) or a repetition of it. Gaps in a
** row are one gap: []{a,b} []{c,d} is []{a+c,b+d}, the same tokens, but
** as NFA states the first is a chain entered at every offset of the
** second (work k^2 per start), the second a chain walked once (work k). */

/* does set pass every word type? (cached per set) */
static int is_all(rs_query *Q, int set) {
  const uint64_t *b;
  const qset *q;
  uint32_t nw = Q->ix->attr[0].n, i, full = nw / 64, rem = nw % 64;
  int all = 1;
  if (set < 0 || (size_t)set >= Q->nsets) return 0;
  if ((size_t)set >= Q->cap_set_all) {
    size_t old = Q->cap_set_all;
    if (rs_grow(Q->M, (void **)&Q->set_all, &Q->cap_set_all, Q->nsets, 1)) return 0;
    memset(Q->set_all + old, -1, Q->cap_set_all - old);
  }
  if (Q->set_all[set] >= 0) return Q->set_all[set];
  q = &Q->sets[set];
  /* a set of word types (not a test combined at a position, nor a set of
  ** an extra attribute's values, which a token may lack) */
  if (q->kind != QS_BITS || q->dom != 0 || q->ntypes != nw || q->nwords < (size_t)full + 1) {
    Q->set_all[set] = 0;
    return 0;
  }
  b = q->bits;
  for (i = 0; i < full && all; i++) all = b[i] == ~(uint64_t)0;
  if (all && rem) all = b[full] == (((uint64_t)1 << rem) - 1);
  Q->set_all[set] = (signed char)all;
  if (all && Q->any_set < 0) Q->any_set = set;
  return all;
}

/* node id as a gap: 1 and its bounds (max -1 unbounded), or 0 */
static int gap_of(rs_query *Q, int id, long *mn, long *mx) {
  const qnode *n = &Q->nodes[id];
  if (n->op == RS_QN_TOK && is_all(Q, n->set)) {
    *mn = *mx = 1;
    return 1;
  }
  if (n->op == RS_QN_REP && n->nkids == 1) {
    const qnode *k = &Q->nodes[Q->kids[n->kid0]];
    if (k->op == RS_QN_TOK && is_all(Q, k->set)) {
      *mn = n->min;
      *mx = n->max;
      return 1;
    }
  }
  return 0;
}

/* merge the gaps in a row of sequence id; each kid learns which kids of
** the program it stands for. 0 or RS_ENOMEM */
static int merge_gaps(rs_query *Q, int id) {
  int i = 0, j, n = Q->nodes[id].nkids, kid0 = Q->nodes[id].kid0, out = 0, merged = 0;
  int *list;
  size_t bytes = (size_t)(n ? n : 1) * sizeof *list;
  list = rs_malloc(Q->M, bytes);
  if (!list) return RS_ENOMEM;
  while (i < n) {
    int k = Q->kids[kid0 + i];
    long a, b, tmin = 0, tmax = 0;
    j = i;
    while (j < n && gap_of(Q, Q->kids[kid0 + j], &a, &b)) {
      tmin += a;
      tmax = (tmax < 0 || b < 0) ? -1 : tmax + b;
      if (tmin > 100000000L) tmin = 100000000L; /* more states than allowed: refused later */
      if (tmax > 100000000L) tmax = 100000000L;
      j++;
    }
    if (j - i >= 2) {
      int t = rs_qnode_tok(Q, Q->any_set), r = t < 0 ? -1 : rs_qnode_rep(Q, t, (int)tmin, (int)tmax);
      if (r < 0) {
        rs_free(Q->M, list, bytes);
        return RS_ENOMEM;
      }
      kid0 = Q->nodes[id].kid0; /* (the kids array may have moved) */
      Q->nodes[r].ofirst = i;
      Q->nodes[r].olast = j - 1;
      list[out++] = r;
      merged = 1;
      i = j;
    } else {
      Q->nodes[k].ofirst = Q->nodes[k].olast = i;
      list[out++] = k;
      i++;
    }
  }
  if (merged) { /* the new list of kids, after the others */
    if (rs_grow(Q->M, (void **)&Q->kids, &Q->capkids, Q->nkids + (size_t)out, sizeof *Q->kids)) {
      rs_free(Q->M, list, bytes);
      return RS_ENOMEM;
    }
    memcpy(Q->kids + Q->nkids, list, (size_t)out * sizeof *list);
    Q->nodes[id].kid0 = (int)Q->nkids;
    Q->nodes[id].nkids = out;
    Q->nkids += (size_t)out;
  }
  rs_free(Q->M, list, bytes);
  return RS_OK;
}

/* }====================================================== */

int rs_query_compile(rs_query *Q, int root, int within) {
  int fin, i;
  long mn, mx;
  uint64_t best = (uint64_t)-1;
  qnode r;
  if (root < 0 || (size_t)root >= Q->nnodes) return RS_EINVAL;
  Q->within = within;
  Q->root = root;
  {
    size_t k, nn = Q->nnodes;
    for (k = 0; k < nn; k++)
      if (Q->nodes[k].op == RS_QN_SEQ && merge_gaps(Q, (int)k)) return RS_ENOMEM;
  }
  /* the parts of the query, for the message of the budget: the root's
  ** kids; with a single alternation, its alternatives' */
  Q->nodes[root].parts = 1;
  if (Q->nodes[root].op == RS_QN_SEQ && Q->nodes[root].nkids == 1) {
    int a = Q->kids[Q->nodes[root].kid0];
    if (Q->nodes[a].op == RS_QN_ALT) {
      Q->nodes[a].parts = 1;
      for (i = 0; i < Q->nodes[a].nkids; i++) {
        int k = Q->kids[Q->nodes[a].kid0 + i];
        if (Q->nodes[k].op == RS_QN_SEQ) Q->nodes[k].parts = 1;
      }
    }
  }
  fin = new_state(Q, ST_MATCH, -1, -1);
  if (fin == -1) return RS_ENOMEM;
  Q->start = build(Q, root, fin, 0);
  if (Q->start == -1) return RS_ENOMEM;
  if (Q->start < 0) {
    snprintf(Q->err, sizeof Q->err,
             "query too complex: more than %d states once repetitions are expanded",
             RS_Q_MAXSTATES);
    return RS_ELIMIT;
  }
  span(Q, root, &mn, &mx);
  Q->maxlen = mx;
  /* the anchor: the rarest token test at the top of the sequence */
  r = Q->nodes[root];
  {
    long pmin = 0, pmax = 0;
    for (i = 0; i < (r.op == RS_QN_SEQ ? r.nkids : 0); i++) {
      int k = Q->kids[r.kid0 + i];
      long a, b;
      if (Q->nodes[k].op == RS_QN_TOK) {
        uint64_t f = 0;
        int an = anchor_of(Q, Q->nodes[k].set, &f, 0);
        if (an >= 0 && f < best) {
          best = f;
          Q->anchor_set = an;
          Q->anchor_exact = an == Q->nodes[k].set;
          Q->pre_min = pmin;
          Q->pre_max = pmax;
        }
      }
      span(Q, k, &a, &b);
      pmin += a;
      pmax = (pmax < 0 || b < 0) ? -1 : pmax + b;
    }
  }
  /* a test that passes most tokens is no anchor: scan instead */
  if (Q->anchor_set >= 0 && best > (uint64_t)Q->ix->ntok / 3) Q->anchor_set = -1;
  Q->clist = rs_malloc(Q->M, Q->nst * sizeof(int));
  Q->nlist = rs_malloc(Q->M, Q->nst * sizeof(int));
  Q->mark = rs_malloc(Q->M, Q->nst * sizeof(uint32_t));
  Q->stack = rs_malloc(Q->M, Q->nst * sizeof(int));
  if (!Q->clist || !Q->nlist || !Q->mark || !Q->stack) return RS_ENOMEM;
  memset(Q->mark, 0, Q->nst * sizeof(uint32_t));
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== running */

void rs_matches_free(rs_mem *M, rs_matches *m) {
  rs_free(M, m->start, m->cap * sizeof *m->start);
  rs_free(M, m->stop, m->cap * sizeof *m->stop);
  memset(m, 0, sizeof *m);
}

static int push_match(rs_mem *M, rs_matches *m, uint32_t a, uint32_t b) {
  if (m->n == m->cap) {
    size_t nc = m->cap ? m->cap * 2 : 256;
    uint32_t *x = rs_realloc(M, m->start, m->cap * sizeof *x, nc * sizeof *x), *y;
    if (!x) return RS_ENOMEM;
    m->start = x;
    y = rs_realloc(M, m->stop, m->cap * sizeof *y, nc * sizeof *y);
    if (!y) { /* keep the arrays consistent: shrink start back is not needed */
      m->start = x;
      return RS_ENOMEM;
    }
    m->stop = y;
    m->cap = nc;
  }
  m->start[m->n] = a;
  m->stop[m->n] = b;
  m->n++;
  return RS_OK;
}

/* the region of level lv containing position p: [*a, *b) or 0 */
static int region_at(const rs_index *ix, int lv, uint32_t p, uint32_t *a, uint32_t *b) {
  const rs_region *r;
  uint32_t lo = 0, hi, k, n;
  if (lv == RS_LV_SPEECH) {
    uint32_t d = rs_index_doc_of(ix, p);
    if (d >= ix->ndoc) return 0;
    *a = ix->docs[d].first;
    *b = ix->docs[d].first + ix->docs[d].ntok;
    return p >= *a && p < *b;
  }
  r = ix->lv[lv];
  n = ix->nlv[lv];
  hi = n;
  while (lo < hi) { /* first region starting after p */
    uint32_t mid = lo + (hi - lo) / 2;
    if (r[mid].start <= p) lo = mid + 1;
    else hi = mid;
  }
  /* nested quotations: look back a little for one that holds p */
  for (k = 0; k < 64 && lo > 0; k++, lo--) {
    if (r[lo - 1].stop > p) {
      *a = r[lo - 1].start;
      *b = r[lo - 1].stop;
      return 1;
    }
    if (lv != RS_LV_QUOTATION && lv < RS_LV_X0) break; /* extra levels may nest too */
  }
  return 0;
}

/* do region i of the state's level have the structure attribute values it asks for? */
static int conds_ok(const rs_index *ix, const qstate *s, uint32_t i) {
  int k;
  for (k = 0; k < s->ncond; k++) {
    const rs_sattr *a = &ix->sattr[s->cj[k]];
    if (a->val[i] != s->cv[k]) return 0;
  }
  return 1;
}

/* zero-width structure tests at position p (between tokens p-1 and p) */
static int struct_ok(const rs_index *ix, const qstate *s, uint32_t p) {
  const rs_region *r;
  uint32_t lo = 0, hi, n, k;
  if (s->level == RS_LV_SPEECH) {
    uint32_t d;
    if (s->type == ST_OPEN) {
      if (p >= ix->ntok) return 0;
      d = rs_index_doc_of(ix, p);
      return ix->docs[d].first == p;
    }
    if (p == 0) return 0;
    d = rs_index_doc_of(ix, p - 1);
    return ix->docs[d].first + ix->docs[d].ntok == p;
  }
  if (!rs_level_valid(ix, s->level)) return 0;
  r = ix->lv[s->level];
  n = ix->nlv[s->level];
  hi = n;
  if (s->type == ST_OPEN) {
    while (lo < hi) { /* first region starting at or after p */
      uint32_t mid = lo + (hi - lo) / 2;
      if (r[mid].start < p) lo = mid + 1;
      else hi = mid;
    }
    for (; lo < n && r[lo].start == p; lo++)
      if ((!s->has_attr || r[lo].attr == s->attr) && conds_ok(ix, s, lo)) return 1;
    return 0;
  }
  if (p == 0) return 0;
  while (lo < hi) { /* first region starting after p-1 */
    uint32_t mid = lo + (hi - lo) / 2;
    if (r[mid].start <= p - 1) lo = mid + 1;
    else hi = mid;
  }
  /* the region starting last before p; nested quotations: a few more */
  for (k = 0; k < 64 && lo > 0; k++, lo--) {
    if (r[lo - 1].stop == p && (!s->has_attr || r[lo - 1].attr == s->attr)) return 1;
    if (s->level != RS_LV_QUOTATION && s->level < RS_LV_X0) break;
  }
  return 0;
}

/* add state s and its epsilon closure at position p to list; sets *hit
** when the match state is reached. Depth first, out1 before out2, with an
** explicit stack (Q->stack, one slot per state: each split is pushed at
** most once per generation): nested repetitions make closures as deep as
** the NFA is large, too deep for the C stack. */
static void add_state(rs_query *Q, int *list, int *n, int s, uint32_t p, int *hit) {
  int *stk = Q->stack, top = 0;
  uint64_t steps = 0;
  for (;;) {
    while (s >= 0) {
      qstate *q;
      if (Q->mark[s] == Q->gen) break;
      Q->mark[s] = Q->gen;
      q = &Q->st[s];
      steps++;
      if (Q->profile && q->part >= 0) Q->part_steps[q->part]++;
      if (q->type == ST_TOK) {
        list[(*n)++] = s;
        break;
      } else if (q->type == ST_MATCH) {
        *hit = 1;
        break;
      } else if (q->type == ST_SPLIT) {
        if (q->out2 >= 0) stk[top++] = q->out2;
        s = q->out1;
      } else if (q->type == ST_OPEN || q->type == ST_CLOSE) {
        if (!struct_ok(Q->ix, q, p)) break;
        s = q->out1;
      } else {
        break;
      }
    }
    if (top == 0) break;
    s = stk[--top];
  }
  Q->steps += steps;
}

/* past the checkpoint: stop (Q->over set, 1) on an interrupt or past the
** budget, else set the next checkpoint (0) */
#define CHECK_EVERY ((uint64_t)1 << 16)
static int over(rs_query *Q) {
  if (rs_interrupted()) {
    Q->over = RS_EINTR;
    return 1;
  }
  if (Q->profile || (Q->budget && Q->steps > Q->budget)) {
    Q->over = RS_ELIMIT;
    return 1;
  }
  Q->limit = Q->steps + CHECK_EVERY;
  if (Q->budget && Q->limit > Q->budget) Q->limit = Q->budget;
  return 0;
}

static void next_gen(rs_query *Q) {
  if (++Q->gen == 0) { /* wrapped: clear the marks */
    memset(Q->mark, 0, Q->nst * sizeof(uint32_t));
    Q->gen = 1;
  }
}

/* the shortest match from s not going past limit: its last token + 1, or 0 */
static uint32_t run_from(rs_query *Q, uint32_t s, uint32_t limit) {
  const rs_index *ix = Q->ix;
  int nc = 0, nn, hit = 0, i;
  uint32_t p = s;
  next_gen(Q);
  add_state(Q, Q->clist, &nc, Q->start, p, &hit);
  while (nc > 0 && p < limit) {
    uint32_t w = ix->stream[p];
    int *t;
    if (Q->steps >= Q->limit && over(Q)) return 0;
    Q->steps++;
    nn = 0;
    hit = 0;
    next_gen(Q);
    for (i = 0; i < nc; i++) {
      const qstate *q = &Q->st[Q->clist[i]];
      const qset *ts = &Q->sets[q->set];
      if (ts->kind == QS_BITS && ts->dom == 0 ? (w < ts->ntypes && HASBIT(ts->bits, w))
                                              : test_at(Q, q->set, p))
        add_state(Q, Q->nlist, &nn, q->out1, p + 1, &hit);
    }
    p++;
    if (hit) return p; /* shortest: the first end reached */
    t = Q->clist;
    Q->clist = Q->nlist;
    Q->nlist = t;
    nc = nn;
  }
  return 0;
}

/* candidate positions: the anchor's postings, merged */
static int anchor_postings(rs_query *Q, uint32_t **out, size_t *n, size_t *cap) {
  const rs_index *ix = Q->ix;
  const qset *as = &Q->sets[Q->anchor_set];
  const uint64_t *s = as->bits;
  uint64_t total = bits_freq(Q, as);
  uint32_t *buf, *tmp, *bounds = NULL, nb = 0, k;
  size_t bcap = 0, i, pos = 0;
  /* distinct types never occur more often than there are tokens; a
  ** damaged index may say otherwise (the words past it are skipped) */
  if (total > ix->ntok) total = ix->ntok;
  *cap = (size_t)total * 2 + 1;
  buf = rs_malloc(Q->M, *cap * sizeof *buf);
  if (!buf) return RS_ENOMEM;
  tmp = buf + total;
  if (rs_grow(Q->M, (void **)&bounds, &bcap, 2, sizeof *bounds)) {
    rs_free(Q->M, buf, *cap * sizeof *buf);
    return RS_ENOMEM;
  }
  bounds[0] = 0;
  for (i = 0; i < as->nwords; i++) {
    uint64_t b = s[i];
    while (b) {
      uint32_t w = (uint32_t)(i * 64 + (size_t)__builtin_ctzll(b));
      b &= b - 1;
      if (w >= as->ntypes || ix->freq[as->dom][w] > total - pos) continue;
      pos += as->dom ? rs_postings_x(ix, as->dom, w, buf + pos) : rs_postings_word(ix, w, buf + pos);
      if (rs_grow(Q->M, (void **)&bounds, &bcap, (size_t)nb + 2, sizeof *bounds)) {
        rs_free(Q->M, buf, *cap * sizeof *buf);
        rs_free(Q->M, bounds, bcap * sizeof *bounds);
        return RS_ENOMEM;
      }
      bounds[++nb] = (uint32_t)pos;
    }
  }
  /* pairwise merge of the runs */
  while (nb > 1) {
    uint32_t nk = 0, *sw;
    for (k = 0; k < nb; k += 2) {
      uint32_t lo = bounds[k], mid = bounds[k + 1], hi = k + 2 <= nb ? bounds[k + 2] : mid;
      uint32_t x = lo, y = mid, o = lo;
      while (x < mid && y < hi) tmp[o++] = buf[x] <= buf[y] ? buf[x++] : buf[y++];
      while (x < mid) tmp[o++] = buf[x++];
      while (y < hi) tmp[o++] = buf[y++];
      bounds[nk++] = lo;
    }
    bounds[nk] = bounds[nb];
    nb = nk;
    sw = buf;
    buf = tmp;
    tmp = sw;
  }
  if (buf > tmp) { /* the result ended in the upper half: move it down */
    memmove(tmp, buf, pos * sizeof *buf);
    buf = tmp;
  }
  rs_free(Q->M, bounds, bcap * sizeof *bounds);
  *out = buf;
  *n = pos;
  return RS_OK;
}

/* the end of speech d's tokens, never past the stream (a damaged index
** may hold any first and ntok) */
static uint32_t doc_end(const rs_index *ix, uint32_t d) {
  uint64_t e = (uint64_t)ix->docs[d].first + ix->docs[d].ntok;
  return e < ix->ntok ? (uint32_t)e : ix->ntok;
}

/* is the whole query a single token test with nothing around it? */
static int single_token(const rs_query *Q) {
  qnode r = Q->nodes[Q->root];
  return r.op == RS_QN_SEQ && r.nkids == 1 && Q->nodes[Q->kids[r.kid0]].op == RS_QN_TOK &&
         (Q->within < 0 || Q->within == RS_LV_SPEECH) && Q->anchor_exact;
}

/* steps of the profiling run after the budget is spent */
#define PROFILE_STEPS ((uint64_t)20000000)

/* the budget is spent at start s: run it again counting the visits of
** each part, find the part that took most, set the message */
static int budget_spent(rs_query *Q, uint32_t s, uint32_t limit) {
  uint64_t total = 0, best = 0, spent = Q->steps;
  size_t k;
  Q->hot = -1;
  if (!Q->part_steps) Q->part_steps = rs_malloc(Q->M, Q->nnodes * sizeof *Q->part_steps);
  if (Q->part_steps) {
    memset(Q->part_steps, 0, Q->nnodes * sizeof *Q->part_steps);
    Q->profile = 1;
    Q->over = 0;
    Q->limit = Q->steps + PROFILE_STEPS;
    run_from(Q, s, limit);
    Q->profile = 0;
    for (k = 0; k < Q->nnodes; k++) {
      total += Q->part_steps[k];
      if (Q->part_steps[k] > best) {
        best = Q->part_steps[k];
        Q->hot = (int)k;
      }
    }
    Q->hot_share = total ? (double)best / (double)total : 0;
  }
  Q->steps = spent;
  if (Q->over == RS_EINTR) return RS_EINTR;
  snprintf(Q->err, sizeof Q->err, "query too costly: more than %llu steps of the matcher (its budget)",
           (unsigned long long)Q->budget);
  Q->budget_hit = 1;
  return RS_ELIMIT;
}

int rs_query_hot_part(const rs_query *Q, int *alt, int *first, int *last, double *share) {
  const qnode *r;
  int i, j;
  if (!Q->budget_hit || Q->hot < 0) return 0;
  *share = Q->hot_share;
  r = &Q->nodes[Q->root];
  for (i = 0; i < r->nkids; i++) {
    int k = Q->kids[r->kid0 + i];
    const qnode *a = &Q->nodes[k];
    if (k == Q->hot) {
      *alt = -1;
      *first = a->ofirst;
      *last = a->olast;
      return a->ofirst >= 0;
    }
    if (r->nkids == 1 && a->op == RS_QN_ALT) {
      for (j = 0; j < a->nkids; j++) {
        int b = Q->kids[a->kid0 + j], m;
        const qnode *x = &Q->nodes[b];
        if (b == Q->hot) {
          *alt = j;
          *first = *last = -1;
          return 1;
        }
        if (x->op != RS_QN_SEQ) continue;
        for (m = 0; m < x->nkids; m++) {
          const qnode *y = &Q->nodes[Q->kids[x->kid0 + m]];
          if (Q->kids[x->kid0 + m] == Q->hot) {
            *alt = j;
            *first = y->ofirst;
            *last = y->olast;
            return y->ofirst >= 0;
          }
        }
      }
    }
  }
  return 0;
}

int rs_query_budget_hit(const rs_query *Q) { return Q->budget_hit; }

int rs_query_run(rs_query *Q, const char *mask, rs_matches *out, size_t max_matches,
                 size_t *count) {
  const rs_index *ix = Q->ix;
  uint32_t *cand = NULL, d = 0, next_free = 0;
  size_t ncand = 0, candcap = 0, i, found = 0;
  int err = RS_OK, scan = Q->anchor_set < 0;
  *count = 0;
  Q->steps = 0;
  Q->over = 0;
  Q->budget_hit = 0;
  Q->limit = CHECK_EVERY;
  if (Q->budget && Q->limit > Q->budget) Q->limit = Q->budget;
  if (ix->ntok == 0) return RS_OK;
  if (!scan && single_token(Q) && !mask && !out) { /* a count is the frequency */
    uint64_t f = bits_freq(Q, &Q->sets[Q->anchor_set]);
    *count = (size_t)(max_matches && f > max_matches ? max_matches : f);
    return RS_OK;
  }
  if (!scan) {
    if ((err = anchor_postings(Q, &cand, &ncand, &candcap)) != RS_OK) return err;
    if (single_token(Q)) { /* the postings are the matches */
      for (i = 0; i < ncand; i++) {
        uint32_t p = cand[i];
        if (mask) {
          while (d + 1 < ix->ndoc && ix->docs[d + 1].first <= p) d++;
          if (!mask[d]) continue;
        }
        if (out && (err = push_match(Q->M, out, p, p)) != RS_OK) break;
        if (++found == max_matches) break;
      }
      rs_free(Q->M, cand, candcap * sizeof *cand);
      *count = found;
      return err;
    }
  }
  {
    /* walk candidate starts in increasing order: from each anchor position
    ** q the starts q - pre_max .. q - pre_min */
    size_t ci = 0;
    uint32_t s = 0, range_end = 0; /* current range [s, range_end] */
    uint32_t last_s = 0, last_limit = 1; /* of the last run */
    int have = 0;
    for (;;) {
      uint32_t limit, ra, rb, e;
      if (scan) {
        if (have && s + 1 >= ix->ntok) break;
        s = have ? s + 1 : 0;
        have = 1;
      } else {
        if (have && s < range_end) {
          s++;
        } else {
          uint32_t q, lo;
          long back;
          if (ci >= ncand) break;
          q = cand[ci++];
          back = Q->pre_max < 0 ? RS_Q_UNBOUNDED : Q->pre_max;
          lo = (long)q >= back ? q - (uint32_t)back : 0;
          /* a match holds q and never leaves its speech (nor, with
          ** within, its region): no start before them */
          {
            uint32_t dq = rs_index_doc_of(ix, q), ra, rb;
            if (dq < ix->ndoc && ix->docs[dq].first > lo && ix->docs[dq].first <= q) lo = ix->docs[dq].first;
            if (Q->within >= 0 && Q->within != RS_LV_SPEECH && Q->within != RS_LV_QUOTATION) {
              if (!region_at(ix, Q->within, q, &ra, &rb)) continue;
              if (ra > lo) lo = ra;
            }
          }
          if (have && lo <= s) lo = s + 1;
          if ((long)q < Q->pre_min) continue;
          range_end = q - (uint32_t)Q->pre_min;
          if (lo > range_end) continue;
          s = lo;
          have = 1;
        }
      }
      if (s < next_free) continue; /* matches do not overlap */
      if (++Q->steps >= Q->limit && over(Q)) {
        err = Q->over == RS_EINTR ? RS_EINTR : budget_spent(Q, s, s + 1);
        if (err == RS_EINTR) snprintf(Q->err, sizeof Q->err, "interrupted");
        break;
      }
      while (d + 1 < ix->ndoc && ix->docs[d + 1].first <= s) d++;
      if (mask && !mask[d]) {
        /* skip the rest of this speech */
        if (scan && doc_end(ix, d) > s + 1) s = doc_end(ix, d) - 1;
        continue;
      }
      limit = doc_end(ix, d);
      if (Q->within >= 0) {
        if (!region_at(ix, Q->within, s, &ra, &rb)) continue;
        if (rb < limit) limit = rb;
      } else {
        uint32_t span_max = Q->maxlen < 0 ? RS_Q_UNBOUNDED : (uint32_t)Q->maxlen;
        if (Q->maxlen >= 0 && Q->unbounded == 0) span_max = (uint32_t)Q->maxlen;
        if ((uint64_t)s + span_max < limit) limit = s + span_max;
      }
      last_s = s;
      last_limit = limit;
      e = run_from(Q, s, limit);
      if (Q->over) {
        err = Q->over == RS_EINTR ? RS_EINTR : budget_spent(Q, s, limit);
        if (err == RS_EINTR) snprintf(Q->err, sizeof Q->err, "interrupted");
        break;
      }
      if (e > s) {
        if (out && (err = push_match(Q->M, out, s, e - 1)) != RS_OK) break;
        next_free = e;
        if (++found == max_matches) break;
      }
    }
    /* the last steps are counted after the last check: a run never takes
    ** more than its budget and answers */
    if (err == RS_OK && Q->budget && Q->steps > Q->budget) err = budget_spent(Q, last_s, last_limit);
  }
  rs_free(Q->M, cand, candcap * sizeof *cand);
  *count = found;
  return err;
}

/* }====================================================== */
