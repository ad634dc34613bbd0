/*
** tagger.c: the lexicon automaton (an Aho-Corasick automaton over type ids)
** and the walk that tags the token stream of an index. See tagger.h.
**
** Building: a trie over raw symbols, its edges in an open-addressing hash
** (parent, symbol) -> child. Finishing: the symbols used are renumbered
** densely from 1 (0: a symbol no pattern uses, which sends any state back
** to the root), those that start a pattern first, and the states are
** renumbered so that the root's child by symbol s is state s: the root's
** transitions are the identity (a symbol used only inside patterns gets a
** state of its own with no transition and no output). Every other state's
** transitions stay in a hash, behind a 32-bit Bloom filter of the state's
** symbols; failure links and output (dictionary) links are computed in
** order of depth; the outputs of each state are collapsed to one entry per
** category (the largest weight), the categories excluded there removed.
**
** Walking: per token, the word type is mapped to its symbol and its
** "word-like" bit by one table lookup; at the root, blocks of 32 tokens
** are classified without branches (plain, AVX2 or AVX-512: which tokens
** start a pattern the next token may extend, which are one-token matches
** it cannot), and only those are visited. A unit's tokens are walked at
** once, the ends of its sentences marked in a bit map that no match
** crosses. After each token the walk goes on
** from the longest suffix it can extend (a state with transitions, or the
** root). Matches are reported at their last token and kept pending while a
** longer match could still overlap them (the depth of the current state
** says how far back a future match can start); pending matches are then
** resolved, longest first, or all of them. When the walk is back at the
** root with nothing pending, the longest match ending there is final at
** once. Each state with one category and no exclusion carries that
** category and (the index of) its weight, so counting it reads no more.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexicon.h"
#include "tagger.h"

/* the root's block test in AVX2 and AVX-512, chosen at run time (GCC and Clang, x86-64) */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(RS_NO_AVX2)
#define RS_TAG_HAVE_AVX2 1
#include <immintrin.h>
#else
#define RS_TAG_HAVE_AVX2 0
#endif

#define F_CHILD 1u /* has transitions */
#define F_TERM 2u  /* some pattern ends here */
#define F_OUT 4u   /* F_TERM, or a terminal state on the failure chain */
#define DEPTH(info) (((info) >> 8) & 0x7FFu) /* RS_TAG_MAX_TOKENS fits */
#define WID(info) ((info) >> 19)             /* its one category's weight in wt[] */
#define MAXWID 8191u
#define BLOOM(s) (1u << (((s)*0x9E3779B1u) >> 27))

#define WORDBIT 0x80000000u
#define ROOTBIT 0x40000000u /* the symbol starts a pattern */
#define SYMMASK 0x3FFFFFFFu
#define MAXSYM 0x3FFFFFFFu

/* a state, as the walk reads it */
typedef struct hnode {
  uint32_t fail;  /* the longest proper suffix state with transitions (or 0) */
  uint32_t info;  /* flags | depth << 8 | wid << 19 */
  uint32_t bloom; /* BLOOM() of the symbols of its transitions */
  uint32_t cat;   /* with wid != 0: the one category counted here, no exclusion */
} hnode;

/* a state's outputs */
typedef struct cnode {
  uint32_t dict;   /* the next state with outputs on the failure chain */
  uint32_t out;    /* first entry in outs */
  uint32_t ncount; /* counted categories: outs[out .. out+ncount) */
  uint32_t nexcl;  /* excluded ones: the next nexcl entries (RS_TAG_ALL: all) */
} cnode;

typedef struct tedge {
  uint32_t st, sym, child; /* child 0: an empty slot */
} tedge;

typedef struct tout {
  uint32_t cat;
  double weight;
} tout;

typedef struct rawout {
  uint32_t node, cat, excl;
  double weight;
} rawout;

typedef struct tparent {
  uint32_t par, sym, depth; /* the edge into a node, and its depth */
} tparent;

struct rs_tagger {
  rs_mem *M;
  uint32_t nsym, ncat;
  int finished;
  char err[256];
  /* trie (building): each node's parent edge */
  tparent *par;
  size_t npar, cappar;
  tedge *bh; /* building hash, capbh a power of 2 */
  size_t nbh, capbh;
  rawout *raw;
  size_t nraw, capraw;
  const uint32_t *freq; /* nsym frequencies, to number the frequent symbols first */
  /* vocabulary in byte order, for globs (building only) */
  uint32_t *sorted;
  size_t nsorted;
  const rs_strtab *sortvoc;
  /* the automaton: states [0, nnode), state s (1..nused) the root's child by s */
  hnode *hot;
  cnode *cold;
  size_t nnode;
  uint32_t *compact; /* nsym entries (at least 1) */
  uint32_t nused;
  uint32_t nroot; /* symbols 1..nroot start a pattern; the others only go on one */
  tedge *h; /* non-root transitions over compact symbols */
  double *wt; /* the distinct weights of one-category states, wt[1..nwt] */
  size_t nwt;
  size_t caph;
  tout *outs;
  size_t nouts;
  uint32_t maxdepth;
  int weighted; /* some counted pattern weighs other than 1 */
  /* symbol table of an index's word types (see get_symw) */
  uint32_t *symw;
  size_t nsymw;
  int symw_attr;
  const void *symw_key1, *symw_key2;
};

/* {====================================================== helpers */

static void seterr(rs_tagger *T, const char *a, const char *s, size_t n, const char *b) {
  size_t la = strlen(a), lb = strlen(b), room = sizeof T->err - 1;
  size_t k = 0;
  if (la > room) la = room;
  memcpy(T->err, a, la);
  k = la;
  if (n > room - k) n = room - k;
  if (n) memcpy(T->err + k, s, n);
  k += n;
  if (lb > room - k) lb = room - k;
  memcpy(T->err + k, b, lb);
  k += lb;
  T->err[k] = '\0';
}

RS_INLINE uint32_t hmix(uint32_t a, uint32_t b) {
  uint64_t x = (uint64_t)a * 0x9E3779B97F4A7C15ull ^ (uint64_t)b * 0xC2B2AE3D27D4EB4Full;
  x ^= x >> 29;
  x *= 0xBF58476D1CE4E5B9ull;
  return (uint32_t)(x >> 32);
}

/* an edge's slot in a table of cap (a power of 2) slots: the top bits of
** a Fibonacci hash of the pair, one multiplication (the walk waits on it) */
RS_INLINE size_t hslot(size_t cap, uint32_t st, uint32_t sym) {
  uint64_t x = ((uint64_t)st << 32 | sym) * 0x9E3779B97F4A7C15ull;
  return cap > 1 ? (size_t)(x >> (64 - __builtin_ctzll((unsigned long long)cap))) : 0;
}

RS_INLINE uint32_t hfind(const tedge *h, size_t cap, uint32_t st, uint32_t sym) {
  size_t mask = cap - 1, i = hslot(cap, st, sym);
  for (;;) {
    const tedge *e = &h[i];
    if (e->child == 0) return 0;
    if (e->st == st && e->sym == sym) return e->child;
    i = (i + 1) & mask;
  }
}

static void hput(tedge *h, size_t cap, uint32_t st, uint32_t sym, uint32_t child) {
  size_t mask = cap - 1, i = hslot(cap, st, sym);
  while (h[i].child) i = (i + 1) & mask;
  h[i].st = st;
  h[i].sym = sym;
  h[i].child = child;
}

/* a zeroed array of n elements (at least one); free with its size */
static void *zalloc(rs_mem *M, size_t n, size_t elt) {
  void *p;
  if (n == 0) n = 1;
  if (n > (size_t)-1 / elt) return NULL;
  p = rs_malloc(M, n * elt);
  if (p) memset(p, 0, n * elt);
  return p;
}

static void zfree(rs_mem *M, void *p, size_t n, size_t elt) {
  rs_free(M, p, (n ? n : 1) * elt);
}

/* }====================================================== */

/* {====================================================== globs */

static size_t cplen(const char *s, size_t n) {
  unsigned char c = (unsigned char)s[0];
  size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  size_t i;
  if (k > n) k = n;
  for (i = 1; i < k; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) return i;
  return k;
}

int rs_glob_match(const char *g, size_t gn, const char *s, size_t sn) {
  size_t gi = 0, si = 0, star = (size_t)-1, mark = 0;
  while (si < sn) {
    if (gi < gn && g[gi] == '*') {
      star = gi++;
      mark = si;
    } else if (gi < gn && g[gi] == '?') {
      gi++;
      si += cplen(s + si, sn - si);
    } else if (gi < gn && g[gi] == s[si]) {
      gi++;
      si++;
    } else if (star != (size_t)-1) {
      gi = star + 1;
      mark += cplen(s + mark, sn - mark);
      si = mark;
    } else {
      return 0;
    }
  }
  while (gi < gn && g[gi] == '*') gi++;
  return gi == gn;
}

static int cmp_bytes(const char *a, size_t la, const char *b, size_t lb) {
  size_t m = la < lb ? la : lb;
  int c = m ? memcmp(a, b, m) : 0;
  if (c) return c;
  return la < lb ? -1 : la > lb;
}

static int type_less(const rs_strtab *v, uint32_t x, uint32_t y) {
  size_t lx, ly;
  const char *sx = rs_strtab_get(v, x, &lx), *sy = rs_strtab_get(v, y, &ly);
  return cmp_bytes(sx, lx, sy, ly) < 0;
}

/* the vocabulary's ids in byte order (a bottom-up merge sort) */
static int sort_vocab(rs_tagger *T, const rs_strtab *v) {
  size_t n = v->n, w, i;
  uint32_t *a, *b;
  if (T->sorted && T->sortvoc == v && T->nsorted == n) return RS_OK;
  zfree(T->M, T->sorted, T->nsorted, sizeof *T->sorted);
  T->sorted = NULL;
  T->nsorted = 0;
  a = zalloc(T->M, n, sizeof *a);
  if (!a) return RS_ENOMEM;
  b = zalloc(T->M, n, sizeof *b);
  if (!b) {
    zfree(T->M, a, n, sizeof *a);
    return RS_ENOMEM;
  }
  for (i = 0; i < n; i++) a[i] = (uint32_t)i;
  for (w = 1; w < n; w *= 2) {
    uint32_t *t;
    for (i = 0; i < n; i += 2 * w) {
      size_t lo = i, mid = i + w < n ? i + w : n, hi = i + 2 * w < n ? i + 2 * w : n;
      size_t x = lo, y = mid, k = lo;
      while (x < mid && y < hi) b[k++] = type_less(v, a[y], a[x]) ? a[y++] : a[x++];
      while (x < mid) b[k++] = a[x++];
      while (y < hi) b[k++] = a[y++];
    }
    t = a;
    a = b;
    b = t;
  }
  zfree(T->M, b, n, sizeof *b);
  T->sorted = a;
  T->nsorted = n;
  T->sortvoc = v;
  return RS_OK;
}

/* appends the types matching glob g to *buf; RS_ELIMIT past the limit */
static int expand_glob(rs_tagger *T, const rs_strtab *v, const char *g, size_t gn, uint32_t **buf,
                       size_t *n, size_t *cap) {
  size_t plen = 0, lo = 0, hi, found = 0;
  int err;
  while (plen < gn && g[plen] != '*' && g[plen] != '?') plen++;
  if ((err = sort_vocab(T, v))) return err;
  hi = T->nsorted;
  while (lo < hi) { /* the first type >= the prefix */
    size_t mid = lo + (hi - lo) / 2, l;
    const char *s = rs_strtab_get(v, T->sorted[mid], &l);
    if (cmp_bytes(s, l, g, plen) < 0) lo = mid + 1;
    else hi = mid;
  }
  for (; lo < T->nsorted; lo++) {
    uint32_t id = T->sorted[lo];
    size_t l;
    const char *s = rs_strtab_get(v, id, &l);
    if (l < plen || (plen && memcmp(s, g, plen) != 0)) break;
    if (!rs_glob_match(g, gn, s, l)) continue;
    if (++found > RS_MAX_GLOB_TYPES) {
      char lim[64];
      snprintf(lim, sizeof lim, "' matches more than %d types of the vocabulary",
               RS_MAX_GLOB_TYPES);
      seterr(T, "glob '", g, gn, lim);
      return RS_ELIMIT;
    }
    if (!buf) { /* counting only */
      (*n)++;
      continue;
    }
    if (rs_grow(T->M, (void **)buf, cap, *n + 1, sizeof **buf)) return RS_ENOMEM;
    (*buf)[(*n)++] = id;
  }
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== building */

rs_tagger *rs_tagger_new(rs_mem *M, uint32_t nsym, uint32_t ncat) {
  rs_tagger *T = rs_malloc(M, sizeof *T);
  if (!T) return NULL;
  memset(T, 0, sizeof *T);
  T->M = M;
  T->nsym = nsym;
  T->ncat = ncat;
  /* the root */
  if (rs_grow(M, (void **)&T->par, &T->cappar, 1, sizeof *T->par)) {
    rs_tagger_free(T);
    return NULL;
  }
  T->par[0].par = T->par[0].sym = T->par[0].depth = 0;
  T->npar = 1;
  return T;
}

static void free_build(rs_tagger *T) {
  rs_mem *M = T->M;
  rs_free(M, T->par, T->cappar * sizeof *T->par);
  T->par = NULL;
  T->cappar = 0;
  rs_free(M, T->bh, T->capbh * sizeof *T->bh);
  T->bh = NULL;
  T->capbh = T->nbh = 0;
  rs_free(M, T->raw, T->capraw * sizeof *T->raw);
  T->raw = NULL;
  T->capraw = T->nraw = 0;
  if (T->sorted) zfree(M, T->sorted, T->nsorted, sizeof *T->sorted);
  T->sorted = NULL;
  T->nsorted = 0;  T->freq = NULL;
}

void rs_tagger_free(rs_tagger *T) {
  rs_mem *M;
  if (!T) return;
  M = T->M;
  free_build(T);
  if (T->hot) zfree(M, T->hot, T->nnode, sizeof *T->hot);
  if (T->cold) zfree(M, T->cold, T->nnode, sizeof *T->cold);
  if (T->compact) zfree(M, T->compact, T->nsym, sizeof *T->compact);
  if (T->h) zfree(M, T->h, T->caph, sizeof *T->h);
  if (T->outs) zfree(M, T->outs, T->nouts, sizeof *T->outs);
  if (T->wt) zfree(M, T->wt, MAXWID + 1, sizeof *T->wt);
  if (T->symw) zfree(M, T->symw, T->nsymw + 1, sizeof *T->symw);
  rs_free(M, T, sizeof *T);
}

const char *rs_tagger_error(const rs_tagger *T) { return T->err; }

void rs_tagger_set_freq(rs_tagger *T, const uint32_t *freq) { T->freq = freq; }

static int bh_grow(rs_tagger *T) {
  size_t ncap = T->capbh ? T->capbh * 2 : 64, i;
  tedge *nh;
  if (ncap > (size_t)-1 / sizeof *nh) return RS_ENOMEM;
  nh = zalloc(T->M, ncap, sizeof *nh);
  if (!nh) return RS_ENOMEM;
  for (i = 0; i < T->capbh; i++)
    if (T->bh[i].child) hput(nh, ncap, T->bh[i].st, T->bh[i].sym, T->bh[i].child);
  if (T->bh) zfree(T->M, T->bh, T->capbh, sizeof *T->bh);
  T->bh = nh;
  T->capbh = ncap;
  return RS_OK;
}

/* the child of st by raw symbol s, created if needed */
static int child_of(rs_tagger *T, uint32_t st, uint32_t s, uint32_t *out) {
  uint32_t c = T->bh ? hfind(T->bh, T->capbh, st, s) : 0;
  if (c) {
    *out = c;
    return RS_OK;
  }
  /* room for every state plus one per symbol (see finish) */
  if (T->npar + T->nsym >= 0x7FFFFFFFu) return RS_ENOMEM;
  if ((T->nbh + 1) * 2 > T->capbh && bh_grow(T)) return RS_ENOMEM;
  if (rs_grow(T->M, (void **)&T->par, &T->cappar, T->npar + 1, sizeof *T->par))
    return RS_ENOMEM;
  c = (uint32_t)T->npar++;
  T->par[c].par = st;
  T->par[c].sym = s;
  T->par[c].depth = T->par[st].depth + 1;
  if (T->par[c].depth > T->maxdepth) T->maxdepth = T->par[c].depth;
  hput(T->bh, T->capbh, st, s, c);
  T->nbh++;
  *out = c;
  return RS_OK;
}

int rs_tagger_add(rs_tagger *T, const uint32_t *const *sets, const size_t *nset, size_t npos,
                  uint32_t cat, double weight, int exclude) {
  rs_mem *M = T->M;
  size_t i, k, total = 0, paths = 1, *idx, *fn, *fo;
  uint32_t *fs, *nodes;
  size_t bytes;
  char *block;
  int err = RS_OK;
  if (T->finished || npos == 0 || npos > RS_TAG_MAX_TOKENS) return RS_EINVAL;
  if (cat >= T->ncat && !(cat == RS_TAG_ALL && exclude)) return RS_EINVAL;
  for (i = 0; i < npos; i++) total += nset[i];
  /* one block: idx, fn (filtered sizes), fo (offsets), nodes, fs (symbols) */
  bytes = npos * 3 * sizeof(size_t) + (npos + 1) * sizeof(uint32_t) + (total ? total : 1) * sizeof(uint32_t);
  block = rs_malloc(M, bytes);
  if (!block) return RS_ENOMEM;
  idx = (size_t *)(void *)block;
  fn = idx + npos;
  fo = fn + npos;
  nodes = (uint32_t *)(void *)(fo + npos);
  fs = nodes + npos + 1;
  k = 0;
  for (i = 0; i < npos; i++) {
    size_t j;
    fo[i] = k;
    for (j = 0; j < nset[i]; j++)
      if (sets[i][j] < T->nsym) fs[k++] = sets[i][j];
    fn[i] = k - fo[i];
    idx[i] = 0;
    if (fn[i] == 0) paths = 0;
    else if (paths && paths > RS_TAG_MAX_PATHS / fn[i]) paths = RS_TAG_MAX_PATHS + 1u;
    else if (paths) paths *= fn[i];
  }
  if (paths > RS_TAG_MAX_PATHS) {
    char lim[80];
    snprintf(lim, sizeof lim, "more than %u phrases of the vocabulary", RS_TAG_MAX_PATHS);
    seterr(T, "a pattern expands to ", "", 0, lim);
    err = RS_ELIMIT;
  }
  if (paths == 0 || err) goto done;
  nodes[0] = 0;
  k = 0; /* the first position whose node must be (re)computed */
  for (;;) {
    for (i = k; i < npos; i++) {
      if ((err = child_of(T, nodes[i], fs[fo[i] + idx[i]], &nodes[i + 1]))) goto done;
    }
    if (rs_grow(M, (void **)&T->raw, &T->capraw, T->nraw + 1, sizeof *T->raw)) {
      err = RS_ENOMEM;
      goto done;
    }
    T->raw[T->nraw].node = nodes[npos];
    T->raw[T->nraw].cat = cat;
    T->raw[T->nraw].excl = exclude ? 1u : 0u;
    T->raw[T->nraw].weight = weight;
    T->nraw++;
    /* the next combination (an odometer over the positions) */
    i = npos;
    while (i > 0 && ++idx[i - 1] == fn[i - 1]) idx[--i] = 0;
    if (i == 0) break;
    k = i - 1;
  }
done:
  rs_free(M, block, bytes);
  return err;
}

int rs_tagger_count_tokens(rs_tagger *T, const rs_strtab *voc, const rs_tagtok *toks, size_t ntok,
                           uint64_t *phrases) {
  uint64_t total = 1;
  size_t i;
  *phrases = 0;
  if (ntok == 0 || ntok > RS_TAG_MAX_TOKENS) return RS_EINVAL;
  for (i = 0; i < ntok; i++) {
    size_t k = 0;
    if (toks[i].glob) {
      int err = expand_glob(T, voc, toks[i].s, toks[i].len, NULL, &k, NULL);
      if (err) return err;
    } else {
      k = rs_strtab_find(voc, toks[i].s, toks[i].len) >= 0;
    }
    if (k == 0) return RS_OK; /* never matches: nothing to build */
    total = total > ((uint64_t)1 << 62) / k ? ((uint64_t)1 << 62) : total * k;
  }
  *phrases = total;
  return RS_OK;
}

int rs_tagger_add_tokens(rs_tagger *T, const rs_strtab *voc, const rs_tagtok *toks, size_t ntok,
                         uint32_t cat, double weight, int exclude) {
  rs_mem *M = T->M;
  uint32_t *buf = NULL;
  size_t n = 0, cap = 0, i;
  size_t *off;
  const uint32_t **sets;
  size_t *nset;
  int err = RS_OK, never = 0;
  if (T->finished || ntok == 0 || ntok > RS_TAG_MAX_TOKENS) return RS_EINVAL;
  if (voc->n != T->nsym) return RS_EINVAL;
  off = rs_malloc(M, (ntok + 1) * sizeof *off);
  if (!off) return RS_ENOMEM;
  for (i = 0; i < ntok && !err && !never; i++) {
    off[i] = n;
    if (toks[i].glob) {
      err = expand_glob(T, voc, toks[i].s, toks[i].len, &buf, &n, &cap);
    } else {
      int64_t id = rs_strtab_find(voc, toks[i].s, toks[i].len);
      if (id < 0) never = 1;
      else if (rs_grow(M, (void **)&buf, &cap, n + 1, sizeof *buf)) err = RS_ENOMEM;
      else buf[n++] = (uint32_t)id;
    }
    if (!err && off[i] == n) never = 1; /* a glob matching nothing */
  }
  off[ntok] = n;
  if (!err && !never) {
    size_t bytes = ntok * (sizeof *sets + sizeof *nset);
    char *block = rs_malloc(M, bytes);
    if (!block) {
      err = RS_ENOMEM;
    } else {
      sets = (const uint32_t **)(void *)block;
      nset = (size_t *)(void *)(block + ntok * sizeof *sets);
      for (i = 0; i < ntok; i++) {
        sets[i] = buf + off[i];
        nset[i] = off[i + 1] - off[i];
      }
      err = rs_tagger_add(T, sets, nset, ntok, cat, weight, exclude);
      if (err == RS_ELIMIT) { /* name the pattern */
        char msg[sizeof T->err];
        size_t k = 0;
        for (i = 0; i < ntok && k + 8 < sizeof msg; i++) {
          size_t l = toks[i].len;
          if (i) msg[k++] = ' ';
          if (l > sizeof msg - 8 - k) l = sizeof msg - 8 - k;
          memcpy(msg + k, toks[i].s, l);
          k += l;
        }
        {
          char lim[80];
          snprintf(lim, sizeof lim, "' expands to more than %u phrases of the vocabulary",
                   RS_TAG_MAX_PATHS);
          seterr(T, "pattern '", msg, k, lim);
        }
      }
      rs_free(M, block, bytes);
    }
  }
  rs_free(M, off, (ntok + 1) * sizeof *off);
  rs_free(M, buf, cap * sizeof *buf);
  return err;
}

/* a weight's index in T->wt (1..MAXWID), added when new; 0 when full */
#define WHCAP 16384u /* a power of 2, at least twice MAXWID */
typedef struct whash {
  uint64_t bits;
  uint32_t id; /* 0: empty */
} whash;

static uint32_t weight_id(rs_tagger *T, whash *wh, double w) {
  uint64_t bits;
  uint32_t i;
  memcpy(&bits, &w, sizeof bits);
  i = hmix((uint32_t)bits, (uint32_t)(bits >> 32)) & (WHCAP - 1);
  while (wh[i].id) {
    if (wh[i].bits == bits) return wh[i].id;
    i = (i + 1) & (WHCAP - 1);
  }
  if (T->nwt >= MAXWID) return 0;
  T->wt[++T->nwt] = w;
  wh[i].bits = bits;
  wh[i].id = (uint32_t)T->nwt;
  return wh[i].id;
}

typedef struct symfreq {
  uint32_t sym, freq;
} symfreq;

static int by_freq(const void *a, const void *b) { /* more frequent first, then by symbol */
  const symfreq *x = (const symfreq *)a, *y = (const symfreq *)b;
  if (x->freq != y->freq) return x->freq > y->freq ? -1 : 1;
  return x->sym < y->sym ? -1 : x->sym > y->sym;
}

static int cmp_raw(const void *a, const void *b) {
  const rawout *x = (const rawout *)a, *y = (const rawout *)b;
  if (x->node != y->node) return x->node < y->node ? -1 : 1;
  if (x->cat != y->cat) return x->cat < y->cat ? -1 : 1;
  if (x->excl != y->excl) return x->excl < y->excl ? -1 : 1;
  return 0;
}

int rs_tagger_finish(rs_tagger *T) {
  rs_mem *M = T->M;
  size_t nold = T->npar, i, nedge = 0, cap, n = 0;
  uint32_t *newid = NULL, *order = NULL, *cnt = NULL, *tf = NULL, nroot = 0, u;
  T->nroot = 0;
  tparent *np = NULL; /* the parent edges, renumbered, over compact symbols */
  whash *wh = NULL;   /* weight -> its index in wt */
  size_t ncnt = (size_t)T->maxdepth + 2;
  int err = RS_ENOMEM;
  if (T->finished) return RS_EINVAL;
  /* dense symbols: those starting a pattern first, the frequent ones first */
  T->compact = zalloc(M, T->nsym, sizeof *T->compact);
  if (!T->compact) goto fail;
  T->nused = 0;
  for (i = 1; i < nold; i++)
    if (T->par[i].par == 0) nroot++;
  if (T->freq && nroot > 1) {
    symfreq *sf = zalloc(M, nroot, sizeof *sf);
    size_t k = 0;
    if (!sf) goto fail;
    for (i = 1; i < nold; i++)
      if (T->par[i].par == 0) {
        sf[k].sym = T->par[i].sym;
        sf[k].freq = T->freq[sf[k].sym];
        k++;
      }
    qsort(sf, nroot, sizeof *sf, by_freq);
    for (k = 0; k < nroot; k++) T->compact[sf[k].sym] = ++T->nused;
    zfree(M, sf, nroot, sizeof *sf);
  } else {
    for (i = 1; i < nold; i++)
      if (T->par[i].par == 0) T->compact[T->par[i].sym] = ++T->nused;
  }
  for (i = 1; i < nold; i++) {
    uint32_t s = T->par[i].sym;
    if (!T->compact[s]) T->compact[s] = ++T->nused;
  }
  T->nroot = nroot;
  if (T->nused > MAXSYM) { /* the walk keeps two flags beside a symbol */
    seterr(T, "too many distinct words in the patterns", "", 0, "");
    err = RS_ELIMIT;
    goto fail;
  }
  /* states: the root, one per symbol, then the deeper ones */
  n = nold + (T->nused - nroot);
  newid = zalloc(M, nold, sizeof *newid);
  np = zalloc(M, n, sizeof *np);
  T->hot = zalloc(M, n, sizeof *T->hot);
  T->cold = zalloc(M, n, sizeof *T->cold);
  if (!T->hot || !T->cold) { /* keep the sizes consistent for free */
    if (T->hot) zfree(M, T->hot, n, sizeof *T->hot);
    if (T->cold) zfree(M, T->cold, n, sizeof *T->cold);
    T->hot = NULL;
    T->cold = NULL;
  } else {
    T->nnode = n;
  }
  if (!newid || !np || !T->hot) goto fail;
  {
    uint32_t next = T->nused + 1;
    for (i = 1; i < nold; i++)
      newid[i] = T->par[i].par == 0 ? T->compact[T->par[i].sym] : next++;
  }
  for (i = 1; i <= T->nused; i++) { /* depth-1 states (those of no pattern start stay so) */
    np[i].par = 0;
    np[i].sym = (uint32_t)i;
    np[i].depth = 1;
  }
  for (i = 1; i < nold; i++) {
    tparent *x = &np[newid[i]];
    x->par = newid[T->par[i].par];
    x->sym = T->compact[T->par[i].sym];
    x->depth = T->par[i].depth;
    if (x->par) nedge++;
  }
  cap = 16;
  while (cap < nedge * 2) cap *= 2;
  T->h = zalloc(M, cap, sizeof *T->h);
  if (!T->h) goto fail;
  T->caph = cap;
  for (i = 1; i < n; i++) {
    uint32_t p = np[i].par;
    T->hot[i].info = np[i].depth << 8;
    if (p == 0) continue;
    hput(T->h, cap, p, np[i].sym, (uint32_t)i);
    T->hot[p].info |= F_CHILD;
    T->hot[p].bloom |= BLOOM(np[i].sym);
  }
  /* outputs, one entry per category */
  for (i = 0; i < T->nraw; i++) T->raw[i].node = newid[T->raw[i].node];
  if (T->nraw) qsort(T->raw, T->nraw, sizeof *T->raw, cmp_raw);
  T->outs = zalloc(M, T->nraw, sizeof *T->outs);
  if (!T->outs) goto fail;
  T->nouts = T->nraw;
  T->wt = zalloc(M, MAXWID + 1, sizeof *T->wt);
  wh = zalloc(M, WHCAP, sizeof *wh);
  if (!T->wt || !wh) goto fail;
  {
    size_t a = 0, k = 0;
    while (a < T->nraw) {
      size_t b = a, j, first = k;
      uint32_t nd = T->raw[a].node;
      int all = 0;
      cnode *x = &T->cold[nd];
      while (b < T->nraw && T->raw[b].node == nd) {
        if (T->raw[b].cat == RS_TAG_ALL && T->raw[b].excl) all = 1;
        b++;
      }
      /* counted categories */
      for (j = a; j < b && !all;) {
        size_t e = j;
        uint32_t c = T->raw[j].cat;
        int excl = 0, has = 0;
        double w = 0;
        while (e < b && T->raw[e].cat == c) {
          if (T->raw[e].excl) excl = 1;
          else if (!has || T->raw[e].weight > w) {
            w = T->raw[e].weight;
            has = 1;
          }
          e++;
        }
        if (has && !excl && c != RS_TAG_ALL) {
          T->outs[k].cat = c;
          T->outs[k].weight = w;
          k++;
        }
        j = e;
      }
      x->out = (uint32_t)first;
      x->ncount = (uint32_t)(k - first);
      for (j = first; j < k; j++)
        if (T->outs[j].weight != 1.0) T->weighted = 1;
      /* exclusions */
      if (all) {
        T->outs[k].cat = RS_TAG_ALL;
        T->outs[k].weight = 0;
        k++;
      } else {
        for (j = a; j < b; j++) {
          if (!T->raw[j].excl || (j > a && T->raw[j - 1].cat == T->raw[j].cat && T->raw[j - 1].excl))
            continue;
          T->outs[k].cat = T->raw[j].cat;
          T->outs[k].weight = 0;
          k++;
        }
      }
      x->nexcl = (uint32_t)(k - first - x->ncount);
      if (x->ncount + x->nexcl) T->hot[nd].info |= F_TERM;
      if (x->ncount == 1 && x->nexcl == 0) { /* inline its category and weight */
        uint32_t wid = weight_id(T, wh, T->outs[first].weight);
        if (wid) {
          T->hot[nd].info |= wid << 19;
          T->hot[nd].cat = T->outs[first].cat;
        }
      }
      a = b;
    }
  }
  /* failure and dictionary links, by depth */
  order = zalloc(M, n, sizeof *order);
  cnt = zalloc(M, ncnt, sizeof *cnt);
  tf = zalloc(M, n, sizeof *tf);
  if (!order || !cnt || !tf) goto fail;
  for (i = 0; i < n; i++) cnt[np[i].depth + 1]++;
  for (i = 1; i < ncnt; i++) cnt[i] += cnt[i - 1];
  for (i = 0; i < n; i++) order[cnt[np[i].depth]++] = (uint32_t)i;
  for (i = 1; i < n; i++) {
    hnode *x;
    uint32_t f;
    u = order[i];
    x = &T->hot[u];
    if (np[u].depth == 1) {
      f = 0;
    } else {
      uint32_t s = np[u].sym;
      f = tf[np[u].par];
      for (;;) {
        uint32_t c = f == 0 ? s : (T->hot[f].info & F_CHILD) ? hfind(T->h, T->caph, f, s) : 0;
        if (c) {
          f = c;
          break;
        }
        if (f == 0) break;
        f = tf[f];
      }
    }
    tf[u] = f;
    /* the walk only needs the suffixes it can extend */
    x->fail = (f == 0 || (T->hot[f].info & F_CHILD)) ? f : T->hot[f].fail;
    T->cold[u].dict = (T->hot[f].info & F_TERM) ? f : T->cold[f].dict;
    if ((x->info & F_TERM) || T->cold[u].dict) x->info |= F_OUT;
  }
  err = RS_OK;
  T->finished = 1;
  free_build(T);
fail:
  if (newid) zfree(M, newid, nold, sizeof *newid);
  if (np) zfree(M, np, n, sizeof *np);
  if (order) zfree(M, order, n, sizeof *order);
  if (cnt) zfree(M, cnt, ncnt, sizeof *cnt);
  if (tf) zfree(M, tf, n, sizeof *tf);
  if (wh) zfree(M, wh, WHCAP, sizeof *wh);
  return err;
}

void rs_tagger_info(const rs_tagger *T, rs_taginfo *info) {
  info->nodes = (uint32_t)T->nnode;
  info->symbols = T->nused;
  info->maxdepth = T->maxdepth;
  info->bytes = sizeof *T + (T->nnode ? T->nnode : 1) * (sizeof *T->hot + sizeof *T->cold) +
                (T->nsym ? T->nsym : 1) * 4 + T->caph * sizeof *T->h +
                (T->nouts ? T->nouts : 1) * sizeof *T->outs;
}

/* }====================================================== */

/* {====================================================== scanning */

typedef struct pmatch {
  uint32_t start, len, node, ok;
} pmatch;

typedef struct scanner scanner;
typedef void (*emitf)(scanner *S, uint32_t start, uint32_t len, uint32_t cat, double w);

struct scanner {
  rs_tagger *T;
  int overlap;
  int simd; /* the root's block test: 0 plain, 1 AVX2, 2 AVX-512 (rs_tag_simd) */
  pmatch *pend;
  size_t np, cappend;
  uint32_t pend_end; /* the last token of the pending matches */
  uint8_t *occ;
  size_t capocc;
  const uint8_t *brk; /* bit t: no match goes on from token t-1 to t (or NULL) */
  emitf emit;
  void *ud;
  int err;
};

typedef struct scratch {
  uint32_t unit, words, nt;
  uint64_t *ct;     /* per category: its count << 32 | its word tokens */
  uint64_t tmask;   /* with at most 64 categories: those counted */
  uint32_t *touched; /* with more: those counted, as they came */
  double *score;
} scratch;

typedef struct walker {
  rs_tagger *T;
  const rs_index *ix;
  const rs_tagopts *o;
  rs_tagout *out;
  const uint32_t *symw;
  size_t nw;
  uint32_t *cov; /* overlap: per category, the first token not yet counted */
  scratch sc[2]; /* the current unit, the current speech's outside */
  scratch *cur;
  uint32_t doc;
  int small; /* at most 64 categories: the counted ones are a bit mask */
  int plain; /* no every-match mode, no hits kept */
  int fast;  /* small and plain: a count is two or three additions */
  int noscore; /* fast, and every weight 1: the scores are the counts */
  int err;
} walker;

/* count one category of a match (tok: its word tokens) */
RS_INLINE void idx_count(scanner *S, walker *W, scratch *s, uint32_t start, uint32_t len, uint32_t tok,
                         uint32_t cat, double w) {
  if (cat >= W->T->ncat) return;
  if (W->small) s->tmask |= (uint64_t)1 << cat;
  else if (s->ct[cat] == 0) s->touched[s->nt++] = cat;
  s->score[cat] += w;
  if (W->plain) {
    s->ct[cat] += ((uint64_t)1 << 32) + tok;
    return;
  }
  if (S->overlap) { /* a token counts once per category */
    uint32_t e = start + len, c = W->cov[cat];
    if (c > start) {
      uint32_t q;
      tok = 0;
      for (q = c < e ? c : e; q < e; q++) {
        uint32_t t = W->ix->stream[q];
        tok += W->symw[t < W->nw ? t : W->nw] >> 31;
      }
    }
    if (e > c) W->cov[cat] = e;
  }
  s->ct[cat] += ((uint64_t)1 << 32) + tok;
  if (W->o->hits != RS_TAG_NOHITS && (W->o->hits == RS_TAG_ALL || W->o->hits == cat)) {
    rs_tagout *out = W->out;
    rs_taghit *h;
    if (rs_big_grow(W->T->M, (void **)&out->hits, &out->caphit, out->nhit + 1, sizeof *out->hits)) {
      S->err = RS_ENOMEM;
      return;
    }
    h = &out->hits[out->nhit++];
    h->start = start;
    h->len = len;
    h->cat = cat;
    h->unit = s->unit;
    h->doc = W->doc;
  }
}

/* idx_count when the walker is fast: two or three additions (inc: one
** match and its word tokens; the weight read only for a weighted lexicon) */
RS_INLINE void fast_count(const walker *W, scratch *s, uint32_t cat, const double *w,
                           uint64_t inc) {
  s->tmask |= (uint64_t)1 << cat;
  s->ct[cat] += inc;
  if (!W->noscore) s->score[cat] += *w;
}

/* count the categories of state node matched at [start, start+len), tok
** of them word tokens (the fast walker's test made once per match, not
** once per category) */
RS_INLINE void idx_counts(scanner *S, uint32_t start, uint32_t len, uint32_t node, uint32_t tok) {
  walker *W = (walker *)S->ud;
  const rs_tagger *T = W->T;
  const hnode *hn = &T->hot[node];
  scratch *s = W->cur;
  if (W->fast) {
    uint64_t inc = ((uint64_t)1 << 32) + tok;
    if (WID(hn->info)) {
      fast_count(W, s, hn->cat, &T->wt[WID(hn->info)], inc);
    } else {
      const cnode *x = &T->cold[node];
      const tout *o = T->outs + x->out;
      uint32_t k;
      for (k = 0; k < x->ncount; k++) fast_count(W, s, o[k].cat, &o[k].weight, inc);
    }
    return;
  }
  if (WID(hn->info)) {
    idx_count(S, W, s, start, len, tok, hn->cat, T->wt[WID(hn->info)]);
  } else {
    const cnode *x = &T->cold[node];
    const tout *o = T->outs + x->out;
    uint32_t k;
    for (k = 0; k < x->ncount; k++) idx_count(S, W, s, start, len, tok, o[k].cat, o[k].weight);
  }
}

/* the same, its word tokens counted here */
static void idx_match(scanner *S, uint32_t start, uint32_t len, uint32_t node) {
  walker *W = (walker *)S->ud;
  uint32_t q, tok = 0, e = start + len;
  for (q = start; q < e; q++) {
    uint32_t t = W->ix->stream[q];
    tok += W->symw[t < W->nw ? t : W->nw] >> 31;
  }
  idx_counts(S, start, len, node, tok);
}

/* the walker's emitf: one category of a match (every-match mode; it also
** marks a scanner as the walker's, see emit_node) */
static void idx_emit(scanner *S, uint32_t start, uint32_t len, uint32_t cat, double w) {
  walker *W = (walker *)S->ud;
  uint32_t q, tok = 0;
  for (q = start; q < start + len; q++) {
    uint32_t t = W->ix->stream[q];
    tok += W->symw[t < W->nw ? t : W->nw] >> 31;
  }
  idx_count(S, W, W->cur, start, len, tok, cat, w);
}

static void scan_init(scanner *S, rs_tagger *T, int overlap, emitf emit, void *ud) {
  memset(S, 0, sizeof *S);
  S->T = T;
  S->overlap = overlap;
  S->emit = emit;
  S->ud = ud;
  S->simd = rs_tag_simd(-1);
}

static void scan_free(scanner *S) {
  rs_free(S->T->M, S->pend, S->cappend * sizeof *S->pend);
  rs_free(S->T->M, S->occ, S->capocc);
}

static int by_len(const void *a, const void *b) { /* longest, then leftmost */
  const pmatch *x = (const pmatch *)a, *y = (const pmatch *)b;
  if (x->len != y->len) return x->len > y->len ? -1 : 1;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return 0;
}

static int by_start(const void *a, const void *b) { /* leftmost, then longest */
  const pmatch *x = (const pmatch *)a, *y = (const pmatch *)b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->len != y->len) return x->len > y->len ? -1 : 1;
  return 0;
}

/* emit the categories counted at state node, matched at [start, start+len) */
static void emit_node(scanner *S, uint32_t start, uint32_t len, uint32_t node) {
  const rs_tagger *T = S->T;
  const hnode *hn = &T->hot[node];
  const cnode *x;
  const tout *o;
  uint32_t k;
  if (S->emit == idx_emit) {
    idx_match(S, start, len, node);
    return;
  }
  if (WID(hn->info)) {
    S->emit(S, start, len, hn->cat, T->wt[WID(hn->info)]);
    return;
  }
  x = &T->cold[node];
  o = T->outs + x->out;
  for (k = 0; k < x->ncount; k++) S->emit(S, start, len, o[k].cat, o[k].weight);
}


/* sort a few matches in place (insertion sort; qsort for many) */
static void sort_matches(pmatch *p, size_t n, int (*cmp)(const void *, const void *)) {
  size_t i, j;
  if (n > 24) {
    qsort(p, n, sizeof *p, cmp);
    return;
  }
  for (i = 1; i < n; i++) {
    pmatch x = p[i];
    for (j = i; j > 0 && cmp(&p[j - 1], &x) > 0; j--) p[j] = p[j - 1];
    p[j] = x;
  }
}

/* does match e (an exclusion state) exclude category c? */
static int excludes(const rs_tagger *T, uint32_t node, uint32_t c) {
  const cnode *x = &T->cold[node];
  const tout *o = T->outs + x->out + x->ncount;
  uint32_t k;
  for (k = 0; k < x->nexcl; k++)
    if (o[k].cat == RS_TAG_ALL || o[k].cat == c) return 1;
  return 0;
}

static void resolve(scanner *S) {
  size_t n = S->np, i, j;
  pmatch *p = S->pend;
  S->np = 0;
  if (n == 1) {
    emit_node(S, p[0].start, p[0].len, p[0].node);
    return;
  }
  if (n == 2 && !S->overlap) { /* the usual pair, a word and a phrase it starts or ends */
    const pmatch *x = &p[0], *y = &p[1];
    if (y->start < x->start || (y->start == x->start && y->len > x->len)) {
      x = &p[1];
      y = &p[0];
    }
    if (x->start + x->len <= y->start) { /* apart: both, x first */
      emit_node(S, x->start, x->len, x->node);
      emit_node(S, y->start, y->len, y->node);
    } else if (y->len > x->len) { /* the longest wins, then the leftmost */
      emit_node(S, y->start, y->len, y->node);
    } else {
      emit_node(S, x->start, x->len, x->node);
    }
    return;
  }
  if (!S->overlap) {
    uint32_t lo = p[0].start, span;
    for (i = 1; i < n; i++)
      if (p[i].start < lo) lo = p[i].start;
    span = S->pend_end - lo + 1;
    if (rs_grow(S->T->M, (void **)&S->occ, &S->capocc, span, 1)) {
      S->err = RS_ENOMEM;
      return;
    }
    memset(S->occ, 0, span);
    sort_matches(p, n, by_len);
    for (i = 0; i < n; i++) {
      uint8_t *o = S->occ + (p[i].start - lo);
      uint32_t k;
      p[i].ok = 1;
      for (k = 0; k < p[i].len; k++)
        if (o[k]) {
          p[i].ok = 0;
          break;
        }
      if (p[i].ok) memset(o, 1, p[i].len);
    }
    sort_matches(p, n, by_start);
    for (i = 0; i < n; i++)
      if (p[i].ok) emit_node(S, p[i].start, p[i].len, p[i].node);
    return;
  }
  sort_matches(p, n, by_start);
  for (i = 0; i < n; i++) {
    const cnode *x = &S->T->cold[p[i].node];
    const tout *o = S->T->outs + x->out;
    uint32_t k;
    for (k = 0; k < x->ncount; k++) {
      int dropped = 0;
      for (j = 0; j < n && !dropped; j++) {
        const pmatch *e = &p[j];
        if (e->len <= p[i].len || S->T->cold[e->node].nexcl == 0) continue;
        if (e->start > p[i].start || e->start + e->len < p[i].start + p[i].len) continue;
        dropped = excludes(S->T, e->node, o[k].cat);
      }
      if (!dropped) S->emit(S, p[i].start, p[i].len, o[k].cat, o[k].weight);
    }
  }
}

static void push(scanner *S, uint32_t start, uint32_t len, uint32_t node, uint32_t end) {
  pmatch *m;
  if (S->np == S->cappend &&
      rs_grow(S->T->M, (void **)&S->pend, &S->cappend, S->np + 1, sizeof *S->pend)) {
    S->err = RS_ENOMEM;
    return;
  }
  m = &S->pend[S->np++];
  m->start = start;
  m->len = len;
  m->node = node;
  m->ok = 0;
  S->pend_end = end;
}

/* the break bits of tokens t .. t+31 (the bit map has bytes to spare) */
RS_INLINE uint32_t brk_bits(const uint8_t *brk, uint32_t t) {
  const uint8_t *b;
  uint64_t x;
  if (!brk) return 0;
  b = brk + (t >> 3);
  x = (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 | (uint64_t)b[3] << 24 |
      (uint64_t)b[4] << 32;
  return (uint32_t)(x >> (t & 7));
}

/* the first break at or after token t, or b */
RS_INLINE uint32_t next_brk(const uint8_t *brk, uint32_t t, uint32_t b) {
  if (!brk) return b;
  for (; t < b; t += 32) {
    uint32_t m = brk_bits(brk, t);
    if (m) {
      t += (uint32_t)__builtin_ctz(m);
      return t < b ? t : b;
    }
  }
  return b;
}

/* The automaton from state st (the root's child by the symbol of token p)
** until it is back at the root with nothing pending, or at b (the end of
** the piece: a break or the range's end): returns the token the root goes
** on from. Tokens from *counted on are counted as words here. */
static uint32_t walk_from(scanner *S, const uint32_t *stream, size_t nw, const uint32_t *symw,
                          uint32_t p, uint32_t b, uint32_t st, uint32_t *words,
                          uint32_t *counted) {
  const rs_tagger *T = S->T;
  const hnode *H = T->hot;
  const cnode *C = T->cold;
  const tedge *h = T->h;
  size_t caph = T->caph;
  for (;;) {
    uint32_t info = H[st].info, base, w, x, s;
    /* where the walk goes on from: the longest suffix it can extend */
    base = (info & F_CHILD) ? st : H[st].fail;
    if (S->np && (uint64_t)S->pend_end + DEPTH(info) < (uint64_t)p + 1) {
      resolve(S); /* no match from here on can overlap the pending ones */
      if (S->err) return b;
    }
    if (info & F_OUT) {
      uint32_t t = (info & F_TERM) ? st : C[st].dict;
      if (!base && !S->np && !S->overlap) {
        /* nothing can overlap the matches ending here: the longest wins */
        emit_node(S, p + 1 - DEPTH(H[t].info), DEPTH(H[t].info), t);
      } else {
        while (t) {
          uint32_t d = DEPTH(H[t].info);
          push(S, p + 1 - d, d, t, p);
          if (S->err) return b;
          t = C[t].dict;
        }
      }
      if (S->err) return b;
    }
    st = base;
    if (++p >= b || !st) break; /* the root goes on from the next token */
    w = stream[p];
    x = symw[w < nw ? w : nw]; /* symw[nw] is 0: a damaged id matches nothing */
    if (p >= *counted) {
      *words += x >> 31;
      *counted = p + 1;
    }
    s = x & SYMMASK;
    /* the transition: st is a state with transitions, and so are the
    ** states its failure links lead to */
    if (!s) st = 0;
    while (st) {
      const hnode *n = &H[st];
      uint32_t c;
      if ((n->bloom & BLOOM(s)) && (c = hfind(h, caph, st, s)) != 0) {
        st = c;
        break;
      }
      st = n->fail;
    }
    if (!st) break; /* back at the root, which looks at this token again */
  }
  if (S->np) resolve(S); /* nothing pending can be overlapped any more */
  return p;
}

#define SCANBLOCK 32

/* The root's view of a block of n <= SCANBLOCK tokens from p (of a piece
** ending at b): sy[i] the symbol of token p+i, *gm the tokens that are a
** pattern start the next token may go on with (every: all pattern starts),
** *tm those where a pattern ends, *wm the word tokens; returns the word
** tokens. Three versions (this one, AVX2, AVX-512), one result. */
static uint32_t block_scalar(const uint32_t *stream, uint32_t p, uint32_t n, uint32_t b,
                             size_t nw, const uint32_t *symw, const hnode *H, uint32_t every,
                             uint32_t *sy, uint32_t *gm, uint32_t *tm, uint32_t *wm) {
  uint32_t i, rm = 0, g = 0, tb = 0, words = 0, wd = 0;
  sy[n] = 0; /* a pattern never goes on past the piece */
  if (p + n < b) {
    uint32_t w = stream[p + n];
    sy[n] = symw[w < nw ? w : nw] & SYMMASK;
  }
  /* backwards, so that the mask grows by doubling, not by shifts */
  for (i = n; i-- > 0;) {
    uint32_t w = stream[p + i], x = symw[w < nw ? w : nw];
    words += x >> 31;
    wd = wd + wd + (x >> 31);
    rm = rm + rm + ((x >> 30) & 1u); /* ROOTBIT */
    sy[i] = x & SYMMASK;
  }
  /* the pattern starts: masks, not branches */
  while (rm) {
    uint32_t s, s2, go, term;
    const hnode *hn;
    i = (uint32_t)__builtin_ctz(rm);
    rm &= rm - 1;
    s = sy[i];
    s2 = sy[i + 1];
    hn = &H[s];
    go = (uint32_t)((hn->bloom & BLOOM(s2) & (0u - (uint32_t)(s2 != 0))) != 0) | every;
    term = (hn->info >> 1) & 1u; /* F_TERM */
    g |= go << i;
    tb |= term << i;
  }
  *gm = g;
  *tm = tb;
  *wm = wd;
  return words;
}

#if RS_TAG_HAVE_AVX2
typedef char hnode_is_four_words[sizeof(hnode) == 16 ? 1 : -1];

/* block_scalar eight tokens at a time: the word types' and the states'
** entries gathered, the tests done on all eight at once */
__attribute__((target("avx2,popcnt"))) static uint32_t
block_avx2(const uint32_t *stream, uint32_t p, uint32_t n, uint32_t b, size_t nw,
           const uint32_t *symw, const hnode *H, uint32_t every, uint32_t *sy, uint32_t *gm,
           uint32_t *tm, uint32_t *wm) {
  const int *sw = (const int *)symw, *hw = (const int *)H;
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i rot = _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 0); /* lane k+1 to k */
  const __m256i zero = _mm256_setzero_si256(), one = _mm256_set1_epi32(1);
  const __m256i nwv = _mm256_set1_epi32((int)(uint32_t)nw), symmask = _mm256_set1_epi32(SYMMASK);
  const __m256i everyv = _mm256_set1_epi32(every ? -1 : 0);
  const __m256i golden = _mm256_set1_epi32((int)0x9E3779B1u);
  __m256i x[SCANBLOCK / 8];
  uint32_t j, g = 0, tb = 0, wd = 0, next = 0;
  /* the word types' entries, eight lanes at a time (lane k valid while k < n) */
  for (j = 0; j < n; j += 8) {
    __m256i v = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n - j)), lane);
    __m256i w = _mm256_min_epu32(_mm256_maskload_epi32((const int *)stream + p + j, v), nwv);
    x[j / 8] = _mm256_mask_i32gather_epi32(zero, sw, w, v, 4);
    wd |= (uint32_t)_mm256_movemask_ps(_mm256_castsi256_ps(x[j / 8])) << j;
  }
  if (p + n < b) { /* the token after the block (a pattern never goes on past the piece) */
    uint32_t w = stream[p + n];
    next = symw[w < nw ? w : nw];
  }
  for (j = 0; j < n; j += 8) {
    __m256i s, s2, root, idx, bloom, info, b2, go, term;
    /* each lane's next token: the lanes moved down by one, the last from after them */
    __m256i after = _mm256_set1_epi32((int)(j + 8 < n ? (uint32_t)_mm256_extract_epi32(x[j / 8 + 1], 0) : next));
    /* (in a short block, n < SCANBLOCK, the lane after the last is zero,
    ** as is next: the block ends the piece) */
    __m256i x1 = _mm256_blend_epi32(_mm256_permutevar8x32_epi32(x[j / 8], rot), after, 0x80);
    s = _mm256_and_si256(x[j / 8], symmask);
    s2 = _mm256_and_si256(x1, symmask);
    _mm256_storeu_si256((__m256i *)(sy + j), s);
    root = _mm256_srai_epi32(_mm256_slli_epi32(x[j / 8], 1), 31); /* ROOTBIT */
    idx = _mm256_slli_epi32(_mm256_and_si256(s, root), 2); /* in words */
    bloom = _mm256_i32gather_epi32(hw + 2, idx, 4);
    info = _mm256_i32gather_epi32(hw + 1, idx, 4);
    b2 = _mm256_sllv_epi32(one, _mm256_srli_epi32(_mm256_mullo_epi32(s2, golden), 27));
    b2 = _mm256_andnot_si256(_mm256_cmpeq_epi32(s2, zero), b2);
    go = _mm256_andnot_si256(_mm256_cmpeq_epi32(_mm256_and_si256(bloom, b2), zero), root);
    go = _mm256_or_si256(go, _mm256_and_si256(everyv, root));
    term = _mm256_and_si256(_mm256_srai_epi32(_mm256_slli_epi32(info, 30), 31), root);
    g |= (uint32_t)_mm256_movemask_ps(_mm256_castsi256_ps(go)) << j;
    tb |= (uint32_t)_mm256_movemask_ps(_mm256_castsi256_ps(term)) << j;
  }
  j = (n < 32 ? (1u << n) : 0u) - 1u;
  *gm = g & j;
  *tm = tb & j;
  *wm = wd;
  return (uint32_t)_mm_popcnt_u32(wd);
}

/* block_avx2 sixteen tokens at a time, the pattern starts' states
** gathered for those lanes only */
__attribute__((target("avx512f,popcnt"))) static uint32_t
block_avx512(const uint32_t *stream, uint32_t p, uint32_t n, uint32_t b, size_t nw,
             const uint32_t *symw, const hnode *H, uint32_t every, uint32_t *sy, uint32_t *gm,
             uint32_t *tm, uint32_t *wm) {
  const int *hw = (const int *)H;
  const __m512i zero = _mm512_setzero_si512(), one = _mm512_set1_epi32(1);
  const __m512i nwv = _mm512_set1_epi32((int)(uint32_t)nw), symmask = _mm512_set1_epi32(SYMMASK);
  const __m512i rootbit = _mm512_set1_epi32(ROOTBIT), termbit = _mm512_set1_epi32(F_TERM);
  const __m512i golden = _mm512_set1_epi32((int)0x9E3779B1u);
  __m512i x[SCANBLOCK / 16];
  uint32_t j, g = 0, tb = 0, wd = 0, next = 0;
  for (j = 0; j < n; j += 16) {
    __mmask16 v = (__mmask16)(n - j >= 16 ? 0xFFFFu : (1u << (n - j)) - 1u);
    __m512i w = _mm512_min_epu32(_mm512_maskz_loadu_epi32(v, stream + p + j), nwv);
    x[j / 16] = _mm512_mask_i32gather_epi32(zero, v, w, symw, 4);
    wd |= (uint32_t)_mm512_cmplt_epi32_mask(x[j / 16], zero) << j; /* WORDBIT */
  }
  if (p + n < b) { /* the token after the block (a pattern never goes on past the piece) */
    uint32_t w = stream[p + n];
    next = symw[w < nw ? w : nw];
  }
  for (j = 0; j < n; j += 16) {
    /* each lane's next token: the lanes moved down by one, the last from
    ** the next sixteen or after the block (zero in a short block, as next) */
    __m512i after = j + 16 < n ? x[j / 16 + 1] : _mm512_set1_epi32((int)next);
    __m512i x1 = _mm512_alignr_epi32(after, x[j / 16], 1);
    __m512i s = _mm512_and_si512(x[j / 16], symmask), s2 = _mm512_and_si512(x1, symmask);
    __mmask16 root = _mm512_test_epi32_mask(x[j / 16], rootbit), go, term;
    __m512i idx = _mm512_slli_epi32(s, 2); /* in words */
    __m512i bloom = _mm512_mask_i32gather_epi32(zero, root, idx, hw + 2, 4);
    __m512i info = _mm512_mask_i32gather_epi32(zero, root, idx, hw + 1, 4);
    __m512i b2 = _mm512_sllv_epi32(one, _mm512_srli_epi32(_mm512_mullo_epi32(s2, golden), 27));
    _mm512_storeu_si512((void *)(sy + j), s);
    go = _mm512_mask_test_epi32_mask(_mm512_test_epi32_mask(s2, s2) & root, bloom, b2);
    if (every) go = root;
    term = _mm512_mask_test_epi32_mask(root, info, termbit);
    g |= (uint32_t)go << j;
    tb |= (uint32_t)term << j;
  }
  j = (n < 32 ? (1u << n) : 0u) - 1u;
  *gm = g & j;
  *tm = tb & j;
  *wm = wd;
  return (uint32_t)_mm_popcnt_u32(wd);
}
#endif

/* 0: the plain loop; 1: AVX2; 2: AVX-512 (where the processor has them) */
int rs_tag_simd(int level) {
#if RS_TAG_HAVE_AVX2
  static int state = -1, best = 0;
  if (state < 0) {
    const char *e = getenv("ROSTRA_NO_SIMD");
    __builtin_cpu_init();
    best = __builtin_cpu_supports("avx512f") ? 2 : __builtin_cpu_supports("avx2") ? 1 : 0;
    state = e && *e && strcmp(e, "0") != 0 ? 0 : best;
  }
  if (level >= 0) state = level < best ? level : best;
  return state;
#else
  (void)level;
  return 0;
#endif
}

/* Walks tokens [a, b) of stream, whose values map through symw (nw
** entries) to a dense symbol and the word bit; returns the word count.
** At the root the tokens are looked at SCANBLOCK at a time, without
** branches: a mask of the ones that start a pattern the next token may go
** on with (the state's bloom filter says so), and of the one-token matches
** the next token cannot extend, which are counted on the spot when the
** walker counts (every-match mode off; otherwise every pattern start goes
** to the automaton). The branches that remain are per hit, not per token.
** No match crosses a break (S->brk, a sentence's start or end): [a, b) is
** one unit's tokens in a segment, however many sentences they hold. */
static uint32_t scan_piece(scanner *S, const uint32_t *stream, size_t nw, const uint32_t *symw,
                           uint32_t a, uint32_t b) {
  const hnode *H = S->T->hot;
  uint32_t words = 0, p = a, counted = a;
  int leaves = S->emit == idx_emit && !S->overlap;
  uint32_t every = leaves ? 0u : 1u;
  int simd = S->simd;
  while (p < b) {
    uint32_t n = b - p < SCANBLOCK ? b - p : SCANBLOCK, i, hm, am, wm, tm;
    uint32_t sy[SCANBLOCK + 1];
#if RS_TAG_HAVE_AVX2
    if (simd == 2)
      words += block_avx512(stream, p, n, b, nw, symw, H, every, sy, &am, &tm, &wm);
    else if (simd == 1)
      words += block_avx2(stream, p, n, b, nw, symw, H, every, sy, &am, &tm, &wm);
    else
#endif
      words += block_scalar(stream, p, n, b, nw, symw, H, every, sy, &am, &tm, &wm);
    /* a pattern start followed by a break is a one-token match or nothing
    ** (every: the automaton sees the break) */
    if (!every) am &= ~brk_bits(S->brk, p + 1);
    hm = am | tm;
    /* the first token may have been counted by the automaton already */
    words -= (counted - p) & wm;
    counted = p + n;
    while (hm) {
      i = (uint32_t)__builtin_ctz(hm);
      hm &= hm - 1;
      if (am >> i & 1u) {
        /* the walk ends at the next break */
        uint32_t q = walk_from(S, stream, nw, symw, p + i, next_brk(S->brk, p + i + 1, b), sy[i],
                               &words, &counted);
        if (S->err) return words;
        if (q - p >= n) { /* past this block */
          p = q;
          goto next;
        }
        hm &= ~((1u << (q - p)) - 1u); /* the masks of the tokens from q on still hold */
        continue;
      }
      /* a one-token match no pattern can extend here (only the walker
      ** has these: otherwise every pattern start went to the automaton) */
      idx_counts(S, p + i, 1, sy[i], wm >> i & 1u);
      if (S->err) return words;
    }
    p += n;
  next:;
  }
  return words;
}

typedef struct cbctx {
  rs_tagcb cb;
  void *ud;
} cbctx;

static void cb_emit(scanner *S, uint32_t start, uint32_t len, uint32_t cat, double w) {
  cbctx *c = (cbctx *)S->ud;
  c->cb(c->ud, start, len, cat, w);
}

int rs_tagger_match(rs_tagger *T, const uint32_t *syms, size_t n, int overlap, rs_tagcb cb,
                    void *ud) {
  uint32_t *symw;
  size_t i;
  scanner S;
  cbctx c;
  int err;
  if (!T->finished) return RS_EINVAL;
  if (n > 0xFFFFFFFFu) return RS_ELIMIT;
  symw = zalloc(T->M, (size_t)T->nsym + 1, sizeof *symw);
  if (!symw) return RS_ENOMEM;
  for (i = 0; i < T->nsym; i++)
    symw[i] = T->compact[i] | WORDBIT | (T->compact[i] - 1u < T->nroot ? ROOTBIT : 0);
  c.cb = cb;
  c.ud = ud;
  scan_init(&S, T, overlap, cb_emit, &c);
  scan_piece(&S, syms, T->nsym, symw, 0, (uint32_t)n);
  err = S.err;
  scan_free(&S);
  zfree(T->M, symw, (size_t)T->nsym + 1, sizeof *symw);
  return err;
}

/* }====================================================== */

/* {====================================================== tagging an index */

static int scratch_init(rs_mem *M, scratch *s, uint32_t ncat) {
  memset(s, 0, sizeof *s);
  s->ct = zalloc(M, ncat, sizeof *s->ct);
  s->touched = zalloc(M, ncat, sizeof *s->touched);
  s->score = zalloc(M, ncat, sizeof *s->score);
  s->unit = RS_TAG_OUTSIDE;
  return s->ct && s->touched && s->score ? RS_OK : RS_ENOMEM;
}

static void scratch_free(rs_mem *M, scratch *s, uint32_t ncat) {
  if (s->ct) zfree(M, s->ct, ncat, sizeof *s->ct);
  if (s->touched) zfree(M, s->touched, ncat, sizeof *s->touched);
  if (s->score) zfree(M, s->score, ncat, sizeof *s->score);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* the unit's rows into out; the scratch emptied */
static int flush(walker *W, scratch *s) {
  rs_mem *M = W->T->M;
  rs_tagout *out = W->out;
  uint32_t k, n = s->nt;
  if (W->small) n = (uint32_t)__builtin_popcountll(s->tmask);
  if (n) {
    rs_tagunit *u;
    rs_tagrow *r;
    uint64_t m = s->tmask;
    if (rs_big_grow(M, (void **)&out->units, &out->capunit, out->nunit + 1, sizeof *out->units) ||
        rs_big_grow(M, (void **)&out->rows, &out->caprow, out->nrow + n, sizeof *out->rows))
      return RS_ENOMEM;
    if (W->small) { /* the categories in order: the mask's bits */
      for (k = 0; m; k++, m &= m - 1) s->touched[k] = (uint32_t)__builtin_ctzll(m);
    } else if ((size_t)n * 4 >= W->T->ncat) { /* many: every category in order */
      uint32_t c, j = 0;
      for (c = 0; c < W->T->ncat; c++)
        if (s->ct[c]) s->touched[j++] = c;
    } else if (n > 24) {
      qsort(s->touched, n, sizeof *s->touched, cmp_u32);
    } else {
      uint32_t i, j;
      for (i = 1; i < n; i++) {
        uint32_t x = s->touched[i];
        for (j = i; j > 0 && s->touched[j - 1] > x; j--) s->touched[j] = s->touched[j - 1];
        s->touched[j] = x;
      }
    }
    u = &out->units[out->nunit++];
    u->doc = W->doc;
    u->region = s->unit;
    u->words = s->words;
    u->row = (uint32_t)out->nrow;
    u->nrow = n;
    r = out->rows + out->nrow;
    out->nrow += n;
    for (k = 0; k < n; k++, r++) {
      uint32_t c = s->touched[k];
      uint64_t ct = s->ct[c];
      r->cat = c;
      r->count = (uint32_t)(ct >> 32);
      r->tokens = (uint32_t)ct;
      r->score = W->noscore ? (double)(ct >> 32) : s->score[c];
      out->matches += ct >> 32;
      s->ct[c] = 0;
      s->score[c] = 0;
    }
  }
  s->nt = 0;
  s->tmask = 0;
  s->words = 0;
  return RS_OK;
}


/* the word types' symbols and word bits for this index (kept in T) */
static int get_symw(rs_tagger *T, const rs_index *ix, int attr) {
  size_t nw = ix->attr[RS_ATTR_WORD].n, w;
  const uint32_t *map = attr == RS_ATTR_WORD ? NULL : ix->map[attr];
  const rs_strtab *st = &ix->attr[RS_ATTR_WORD];
  if (T->symw && T->nsymw == nw && T->symw_attr == attr && T->symw_key1 == (const void *)map &&
      T->symw_key2 == (const void *)st->chars)
    return RS_OK;
  if (T->symw) zfree(T->M, T->symw, T->nsymw + 1, sizeof *T->symw);
  T->symw = zalloc(T->M, nw + 1, sizeof *T->symw); /* symw[nw] = 0 */
  T->nsymw = nw;
  if (!T->symw) return RS_ENOMEM;
  for (w = 0; w < nw; w++) {
    uint32_t l = map ? map[w] : (uint32_t)w, x = l < T->nsym ? T->compact[l] : 0;
    size_t len;
    const char *s = rs_strtab_get(st, (uint32_t)w, &len);
    rs_tokenizer tk;
    rs_token t;
    rs_tok_init(&tk, s, len, 0);
    if (rs_tok_next(&tk, &t) && (t.kind == RS_TOK_WORD || t.kind == RS_TOK_NUMBER)) x |= WORDBIT;
    if ((x & SYMMASK) - 1u < T->nroot) x |= ROOTBIT;
    T->symw[w] = x;
  }
  T->symw_attr = attr;
  T->symw_key1 = map;
  T->symw_key2 = st->chars;
  return RS_OK;
}

/* the first region of lv[0..n) whose start is >= p */
static uint32_t first_from(const rs_region *lv, uint32_t n, uint32_t p) {
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (lv[mid].start < p) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

int rs_tag_index(rs_tagger *T, const rs_index *ix, const rs_tagopts *o, rs_tagout *out) {
  rs_mem *M = T->M;
  walker W;
  scanner S;
  const rs_region *segs, *sents, *units = NULL;
  uint32_t nseg, nsent, nunit = 0, d;
  int speech = o->level == RS_TAG_SPEECH, err = RS_OK;
  uint8_t *brk = NULL;
  size_t nbrk = 0, nres;
  memset(out, 0, sizeof *out);
  if (!T->finished) return RS_EINVAL;
  /* an index of no word has no map to lower or stem forms: nothing to tag,
  ** an empty result (not a bad attribute) */
  if (o->attr < 0 || o->attr >= RS_NATTR ||
      (o->attr != RS_ATTR_WORD && !ix->map[o->attr] && ix->attr[RS_ATTR_WORD].n > 0)) {
    seterr(T, "bad attribute", "", 0, "");
    return RS_EINVAL;
  }
  if (ix->attr[o->attr].n != T->nsym) {
    seterr(T, "the lexicon was compiled against another vocabulary", "", 0, "");
    return RS_EINVAL;
  }
  if (!speech && o->level != RS_LV_SEGMENT && o->level != RS_LV_POINT &&
      o->level != RS_LV_SENTENCE &&
      !(o->level >= RS_LV_X0 && (uint32_t)o->level < RS_LV_X0 + ix->nxlv)) {
    seterr(T, "bad level", "", 0, "");
    return RS_EINVAL;
  }
  out->doc_words = zalloc(M, ix->ndoc, sizeof *out->doc_words);
  if (!out->doc_words) return RS_ENOMEM;
  out->ndoc = ix->ndoc;
  if ((err = get_symw(T, ix, o->attr))) return err;
  memset(&W, 0, sizeof W);
  W.T = T;
  W.ix = ix;
  W.o = o;
  W.out = out;
  W.symw = T->symw;
  W.nw = T->nsymw;
  W.small = T->ncat <= 64;
  W.plain = !o->overlap && o->hits == RS_TAG_NOHITS;
  W.fast = W.small && W.plain;
  W.noscore = W.fast && !T->weighted;
  if (o->overlap && !(W.cov = zalloc(M, T->ncat, sizeof *W.cov))) err = RS_ENOMEM;
  if (!err) err = scratch_init(M, &W.sc[0], T->ncat);
  if (!err) err = scratch_init(M, &W.sc[1], T->ncat);
  if (err) goto done;
  scan_init(&S, T, o->overlap, idx_emit, &W);
  segs = ix->lv[RS_LV_SEGMENT];
  nseg = ix->nlv[RS_LV_SEGMENT];
  sents = ix->lv[RS_LV_SENTENCE];
  nsent = ix->nlv[RS_LV_SENTENCE];
  /* a match stays within a sentence (or the gap between two): the tokens
  ** where one starts or stops are breaks, so that a unit's tokens are
  ** walked at once, however many sentences it has */
  if ((err = rs_big_grow(M, (void **)&brk, &nbrk, ((size_t)ix->ntok + 64) / 8 + 8, 1)))
    goto done;
  memset(brk, 0, nbrk);
  for (d = 0; d < nsent; d++) {
    uint32_t a = sents[d].start < ix->ntok ? sents[d].start : ix->ntok;
    uint32_t e = sents[d].stop < ix->ntok ? sents[d].stop : ix->ntok;
    brk[a >> 3] |= (uint8_t)(1u << (a & 7));
    brk[e >> 3] |= (uint8_t)(1u << (e & 7));
  }
  S.brk = brk;
  /* room for the rows a tagging usually makes (one per 8 to 10 tokens on
  ** the UNGDC at segment level), up to 4M rows (96 MB): a mapping is only
  ** paid for where written; past that the arrays grow as they fill */
  nres = ix->ntok / 8 + 16 < ((size_t)1 << 22) ? ix->ntok / 8 + 16 : ((size_t)1 << 22);
  if ((err = rs_big_grow(M, (void **)&out->rows, &out->caprow, nres, sizeof *out->rows)) ||
      (err = rs_big_grow(M, (void **)&out->units, &out->capunit, nres / 8 + 16, sizeof *out->units)))
    goto done;
  if (!speech) {
    units = ix->lv[o->level];
    nunit = ix->nlv[o->level];
  }
  for (d = 0; d < ix->ndoc && !err; d++) {
    const rs_docrec *r = &ix->docs[d];
    uint32_t first = r->first, end, g, cu = 0, prev;
    if (o->mask && !o->mask[d]) continue;
    if (first > ix->ntok) continue;
    end = r->ntok > ix->ntok - first ? ix->ntok : first + r->ntok;
    W.doc = d;
    W.sc[0].unit = RS_TAG_OUTSIDE;
    W.sc[1].unit = RS_TAG_OUTSIDE;
    g = first_from(segs, nseg, first);
    if (!speech) cu = first_from(units, nunit, first);
    prev = first;
    for (; g < nseg && segs[g].start < end && !err; g++) {
      uint32_t sa = segs[g].start > prev ? segs[g].start : prev;
      uint32_t sb = segs[g].stop < end ? segs[g].stop : end, p = sa;
      if (sa >= sb) continue;
      prev = sb;
      while (p < sb) {
        uint32_t q = sb, unit;
        scratch *s;
        if (speech) {
          unit = d;
        } else {
          while (cu < nunit && units[cu].stop <= p) cu++;
          if (cu < nunit && units[cu].start <= p) {
            unit = cu;
            if (units[cu].stop < q) q = units[cu].stop;
          } else {
            unit = RS_TAG_OUTSIDE;
            if (cu < nunit && units[cu].start < q) q = units[cu].start;
          }
        }
        if (unit == RS_TAG_OUTSIDE) {
          s = &W.sc[1];
        } else {
          s = &W.sc[0];
          if (s->unit != unit) {
            if ((err = flush(&W, s))) break;
            s->unit = unit;
          }
        }
        W.cur = s;
        {
          uint32_t nwd = scan_piece(&S, ix->stream, W.nw, W.symw, p, q);
          s->words += nwd;
          out->doc_words[d] += nwd;
          out->words += nwd;
        }
        if ((err = S.err)) break;
        p = q;
      }
    }
    if (!err) err = flush(&W, &W.sc[0]);
    if (!err) err = flush(&W, &W.sc[1]);
  }
  scan_free(&S);
done:
  rs_big_free(M, brk, nbrk, 1);
  if (W.cov) zfree(M, W.cov, T->ncat, sizeof *W.cov);
  scratch_free(M, &W.sc[0], T->ncat);
  scratch_free(M, &W.sc[1], T->ncat);
  return err;
}

void rs_tagout_free(rs_mem *M, rs_tagout *out) {
  rs_big_free(M, out->units, out->capunit, sizeof *out->units);
  rs_big_free(M, out->rows, out->caprow, sizeof *out->rows);
  rs_big_free(M, out->hits, out->caphit, sizeof *out->hits);
  if (out->doc_words) zfree(M, out->doc_words, out->ndoc, sizeof *out->doc_words);
  memset(out, 0, sizeof *out);
}

/* }====================================================== */

