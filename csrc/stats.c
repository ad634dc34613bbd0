/*
** stats.c: the counting engine of the Statistics issue (see stats.h).
**
** N-grams are counted by prefix refinement, exactly, without hashing:
** level 1 gives every position the byte-order rank of its type; level k
** groups the valid positions by the id of their (k-1)-gram (a counting
** sort), and inside each group by the rank of the k-th token (a dense
** counter array over the ranks, reset through a touched list), numbering
** the distinct k-grams in byte order of their forms. Every pass is linear
** in the tokens; n-grams seen fewer than `min` times are pruned at every
** level (a k-gram is no more frequent than its prefix or any of its
** tokens), which keeps the later levels small.
*/
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define INV 0xFFFFFFFFu

/* {====================================================== helpers */

static void *alloc_n(rs_mem *M, size_t n, size_t elt) {
  if (n == 0) n = 1;
  if (n > ((size_t)-1) / elt) return NULL;
  return rs_malloc(M, n * elt);
}

static void *zalloc_n(rs_mem *M, size_t n, size_t elt) {
  void *p = alloc_n(M, n, elt);
  if (p) memset(p, 0, (n ? n : 1) * elt);
  return p;
}

static void free_n(rs_mem *M, void *p, size_t n, size_t elt) {
  if (p) rs_free(M, p, (n ? n : 1) * elt);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* sort v[0..n) of values below 2^bits; tmp (n entries) for large n */
static void sort_u32(uint32_t *v, size_t n, uint32_t *tmp, int bits) {
  size_t i, j;
  if (n < 24) { /* insertion sort: most groups are tiny */
    for (i = 1; i < n; i++) {
      uint32_t x = v[i];
      for (j = i; j > 0 && v[j - 1] > x; j--) v[j] = v[j - 1];
      v[j] = x;
    }
    return;
  }
  if (n < 512 || !tmp) {
    qsort(v, n, sizeof *v, cmp_u32);
    return;
  }
  { /* LSD radix, 11 bits a pass */
    size_t h[2049];
    int sh;
    uint32_t *src = v, *dst = tmp;
    for (sh = 0; sh < bits; sh += 11) {
      memset(h, 0, sizeof h);
      for (i = 0; i < n; i++) h[(src[i] >> sh & 0x7FF) + 1]++;
      for (i = 0; i < 2048; i++) h[i + 1] += h[i];
      for (i = 0; i < n; i++) dst[h[src[i] >> sh & 0x7FF]++] = src[i];
      {
        uint32_t *t = src;
        src = dst;
        dst = t;
      }
    }
    if (src != v) memcpy(v, src, n * sizeof *v);
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* the attribute type of position p, or INV (corrupt ids) */
static uint32_t type_at(const rs_index *ix, int a, uint32_t p) {
  return rs_type_at(ix, a, p);
}

/* [first, end) of document d, clipped to the stream */
static void doc_range(const rs_index *ix, uint32_t d, uint32_t *first, uint32_t *end) {
  const rs_docrec *r = &ix->docs[d];
  uint64_t e = (uint64_t)r->first + r->ntok;
  *first = r->first < ix->ntok ? r->first : ix->ntok;
  *end = e < ix->ntok ? (uint32_t)e : ix->ntok;
}

#define valid_attr(a) rs_attr_valid(ix, a)
#define valid_level(lv) ((lv) == RS_STATS_SPEECH || rs_level_valid(ix, lv))

/* }====================================================== */

/* {====================================================== type tables */

int rs_type_flags(rs_mem *M, const rs_index *ix, int a, uint8_t **out) {
  uint32_t t, nt;
  uint8_t *f;
  *out = NULL;
  if (!valid_attr(a)) return RS_EINVAL;
  nt = ix->attr[a].n;
  f = (uint8_t *)zalloc_n(M, nt, 1);
  if (!f) return RS_ENOMEM;
  for (t = 0; t < nt; t++) {
    size_t l;
    const char *s = rs_strtab_get(&ix->attr[a], t, &l);
    rs_tokenizer T;
    rs_token k;
    rs_tok_init(&T, s, l, 0);
    if (!rs_tok_next(&T, &k) || (k.kind != RS_TOK_WORD && k.kind != RS_TOK_NUMBER))
      f[t] = RS_TYPE_PUNCT;
  }
  *out = f;
  return RS_OK;
}

/* a type's first 8 bytes, big-endian, for quick comparisons */
typedef struct rkey {
  uint64_t pre;
  uint32_t id;
} rkey;

static int rkey_less(const rs_strtab *st, const rkey *x, const rkey *y) {
  size_t lx, ly, m;
  const char *sx, *sy;
  int c;
  if (x->pre != y->pre) return x->pre < y->pre;
  sx = rs_strtab_get(st, x->id, &lx);
  sy = rs_strtab_get(st, y->id, &ly);
  if (lx <= 8 && ly <= 8) return lx < ly; /* same first bytes: the shorter first */
  m = lx < ly ? lx : ly;
  c = memcmp(sx, sy, m);
  return c ? c < 0 : lx < ly;
}

/* stable bottom-up merge sort of v[0..n) with tmp as scratch */
static void rkey_sort(const rs_strtab *st, rkey *v, rkey *tmp, size_t n) {
  size_t w, i;
  rkey *src = v, *dst = tmp;
  for (i = 1; i < n; i++) { /* runs of 16 by insertion */
    size_t j, lo = i - i % 16;
    rkey x = v[i];
    for (j = i; j > lo && rkey_less(st, &x, &v[j - 1]); j--) v[j] = v[j - 1];
    v[j] = x;
  }
  for (w = 16; w < n; w *= 2) {
    for (i = 0; i < n; i += 2 * w) {
      size_t a = i, am = i + w < n ? i + w : n, b = am, bm = i + 2 * w < n ? i + 2 * w : n, k = i;
      while (a < am && b < bm) dst[k++] = rkey_less(st, &src[b], &src[a]) ? src[b++] : src[a++];
      while (a < am) dst[k++] = src[a++];
      while (b < bm) dst[k++] = src[b++];
    }
    {
      rkey *t = src;
      src = dst;
      dst = t;
    }
  }
  if (src != v) memcpy(v, src, n * sizeof *v);
}

int rs_type_ranks(rs_mem *M, const rs_index *ix, int a, uint32_t **out) {
  uint32_t nt, t;
  rkey *v, *tmp;
  uint32_t *r;
  *out = NULL;
  if (!valid_attr(a)) return RS_EINVAL;
  nt = ix->attr[a].n;
  v = (rkey *)alloc_n(M, nt, sizeof *v);
  tmp = (rkey *)alloc_n(M, nt, sizeof *tmp);
  r = (uint32_t *)alloc_n(M, nt, sizeof *r);
  if (!v || !tmp || !r) {
    free_n(M, v, nt, sizeof *v);
    free_n(M, tmp, nt, sizeof *tmp);
    free_n(M, r, nt, sizeof *r);
    return RS_ENOMEM;
  }
  for (t = 0; t < nt; t++) {
    size_t l, i;
    const unsigned char *s = (const unsigned char *)rs_strtab_get(&ix->attr[a], t, &l);
    uint64_t pre = 0;
    for (i = 0; i < 8; i++) pre = pre << 8 | (i < l ? s[i] : 0);
    v[t].pre = pre;
    v[t].id = t;
  }
  rkey_sort(&ix->attr[a], v, tmp, nt);
  for (t = 0; t < nt; t++) r[v[t].id] = t;
  free_n(M, v, nt, sizeof *v);
  free_n(M, tmp, nt, sizeof *tmp);
  *out = r;
  return RS_OK;
}

uint64_t rs_view_tokens(const rs_index *ix, const uint8_t *mask) {
  uint64_t total = 0;
  uint32_t d, f, e;
  if (!mask) return ix->ntok;
  for (d = 0; d < ix->ndoc; d++) {
    if (!mask[d]) continue;
    doc_range(ix, d, &f, &e);
    total += e - f;
  }
  return total;
}

void rs_view_freq(const rs_index *ix, int a, const uint8_t *mask, uint32_t *out,
                  uint64_t *total) {
  uint32_t nt = ix->attr[a].n, d, p, f, e;
  if (!mask) {
    memcpy(out, ix->freq[a], (size_t)nt * sizeof *out);
    *total = ix->ntok;
    return;
  }
  memset(out, 0, (size_t)nt * sizeof *out);
  *total = 0;
  for (d = 0; d < ix->ndoc; d++) {
    if (!mask[d]) continue;
    doc_range(ix, d, &f, &e);
    *total += e - f;
    if (a == 0) {
      for (p = f; p < e; p++) {
        uint32_t w = ix->stream[p];
        if (w < nt) out[w]++;
      }
    } else if (a >= RS_NATTR) {
      const uint32_t *xs = ix->xstream[a];
      for (p = f; p < e; p++)
        if (xs[p] < nt) out[xs[p]]++;
    } else {
      const uint32_t *map = ix->map[a];
      uint32_t nw = ix->attr[0].n;
      for (p = f; p < e; p++) {
        uint32_t w = ix->stream[p];
        if (w < nw && map[w] < nt) out[map[w]]++;
      }
    }
  }
}

/* }====================================================== */

/* {====================================================== n-grams */

#define BIT(b, i) ((b)[(i) >> 3] >> ((i) & 7) & 1)
#define SETBIT(b, i) ((b)[(i) >> 3] |= (uint8_t)(1u << ((i) & 7)))

/* one level of prefix ids */
typedef struct ng_level {
  uint32_t *parent, *last; /* per id: the (k-1)-gram id and the last rank */
  size_t n, cap;
} ng_level;

typedef struct ng_state {
  rs_mem *M;
  const rs_index *ix;
  const rs_ngram_opts *o;
  uint32_t ntok, nt;
  uint32_t *rank, *inv; /* type -> rank, rank -> type */
  uint8_t *rflag;       /* flags per rank */
  uint32_t *ids1;       /* rank per position, INV outside the scope */
  uint8_t *bound;       /* a region (or speech) starts here */
  uint32_t *cnt1;       /* count per rank */
  uint32_t *P, *Pnew;   /* prefix ids per position (levels >= 2) */
  uint32_t *ord;        /* next ranks grouped by prefix */
  size_t nord;
  uint32_t *hist;
  size_t nhist;
  uint32_t *slot, *touched, *tmp; /* per rank; tmp: sort scratch */
  int rbits;                       /* ranks are below 2^rbits */
  ng_level lv[RS_NGRAM_MAX + 1];
  /* the final n-grams in byte order */
  uint32_t *fpar, *flast, *fcnt;
  size_t fn, fcap;
} ng_state;

static void ng_free(ng_state *S) {
  rs_mem *M = S->M;
  int k;
  free_n(M, S->rank, S->nt, 4);
  free_n(M, S->inv, S->nt, 4);
  free_n(M, S->rflag, S->nt, 1);
  free_n(M, S->ids1, S->ntok, 4);
  free_n(M, S->bound, (size_t)S->ntok / 8 + 1, 1);
  free_n(M, S->cnt1, S->nt, 4);
  if (S->P != S->ids1) free_n(M, S->P, S->ntok, 4);
  free_n(M, S->Pnew, S->ntok, 4);
  free_n(M, S->ord, S->nord, 4);
  free_n(M, S->hist, S->nhist, 4);
  free_n(M, S->slot, S->nt, 4);
  free_n(M, S->touched, S->nt, 4);
  free_n(M, S->tmp, S->nt, 4);
  for (k = 0; k <= RS_NGRAM_MAX; k++) {
    if (S->lv[k].cap) {
      rs_free(M, S->lv[k].parent, S->lv[k].cap * 4);
      rs_free(M, S->lv[k].last, S->lv[k].cap * 4);
    }
  }
  if (S->fcap) {
    rs_free(M, S->fpar, S->fcap * 4);
    rs_free(M, S->flast, S->fcap * 4);
    rs_free(M, S->fcnt, S->fcap * 4);
  }
}

/* grow two or three parallel arrays to hold n + 1 entries: new arrays,
** copied, so that a failure leaves the old ones and *cap untouched */
static int grow3(rs_mem *M, uint32_t **a, uint32_t **b, uint32_t **c, size_t *cap, size_t n) {
  size_t ncap;
  uint32_t *na, *nb, *nc = NULL;
  if (n < *cap) return RS_OK;
  ncap = *cap ? *cap * 2 : 1024;
  na = (uint32_t *)alloc_n(M, ncap, 4);
  nb = (uint32_t *)alloc_n(M, ncap, 4);
  if (c) nc = (uint32_t *)alloc_n(M, ncap, 4);
  if (!na || !nb || (c && !nc)) {
    free_n(M, na, ncap, 4);
    free_n(M, nb, ncap, 4);
    free_n(M, nc, ncap, 4);
    return RS_ENOMEM;
  }
  if (*cap) {
    memcpy(na, *a, *cap * 4);
    memcpy(nb, *b, *cap * 4);
    rs_free(M, *a, *cap * 4);
    rs_free(M, *b, *cap * 4);
    if (c) {
      memcpy(nc, *c, *cap * 4);
      rs_free(M, *c, *cap * 4);
    }
  }
  *a = na;
  *b = nb;
  if (c) *c = nc;
  *cap = ncap;
  return RS_OK;
}

/* level 1: ranks of the positions in scope, boundaries, counts */
static int ng_level1(ng_state *S) {
  const rs_index *ix = S->ix;
  const rs_ngram_opts *o = S->o;
  rs_mem *M = S->M;
  uint32_t d, p, f, e, t;
  int a = o->attr, err;
  if ((err = rs_type_ranks(M, ix, a, &S->rank))) return err;
  S->inv = (uint32_t *)alloc_n(M, S->nt, 4);
  S->rflag = (uint8_t *)zalloc_n(M, S->nt, 1);
  S->ids1 = (uint32_t *)alloc_n(M, S->ntok, 4);
  S->bound = (uint8_t *)zalloc_n(M, (size_t)S->ntok / 8 + 1, 1);
  S->cnt1 = (uint32_t *)zalloc_n(M, S->nt, 4);
  if (!S->inv || !S->rflag || !S->ids1 || !S->bound || !S->cnt1) return RS_ENOMEM;
  for (t = 0; t < S->nt; t++) {
    S->inv[S->rank[t]] = t;
    if (o->tflags) S->rflag[S->rank[t]] = o->tflags[t];
  }
  memset(S->ids1, 0xFF, (size_t)S->ntok * 4);
  for (d = 0; d < ix->ndoc; d++) {
    if (o->mask && !o->mask[d]) continue;
    doc_range(ix, d, &f, &e);
    if (f < e) SETBIT(S->bound, f);
    if (o->level == RS_STATS_SPEECH) {
      for (p = f; p < e; p++) {
        uint32_t ty = type_at(ix, a, p);
        S->ids1[p] = ty == INV ? INV : S->rank[ty];
      }
    }
  }
  if (o->level != RS_STATS_SPEECH) {
    const rs_region *rg = ix->lv[o->level];
    uint32_t i, nr = ix->nlv[o->level];
    for (i = 0; i < nr; i++) {
      uint32_t s = rg[i].start, stop = rg[i].stop;
      if (s >= stop || s >= S->ntok) continue;
      d = rs_index_doc_of(ix, s);
      if (o->mask && !o->mask[d]) continue;
      doc_range(ix, d, &f, &e);
      if (stop > e) stop = e; /* a region never crosses a speech */
      SETBIT(S->bound, s);
      for (p = s; p < stop; p++) {
        uint32_t ty = type_at(ix, a, p);
        S->ids1[p] = ty == INV ? INV : S->rank[ty];
      }
    }
  }
  if (o->skip_punct) {
    for (p = 0; p < S->ntok; p++)
      if (S->ids1[p] != INV && (S->rflag[S->ids1[p]] & RS_TYPE_PUNCT)) S->ids1[p] = INV;
  }
  for (p = 0; p < S->ntok; p++)
    if (S->ids1[p] != INV) S->cnt1[S->ids1[p]]++;
  return RS_OK;
}

/* n-gram occurrences in scope: runs of valid tokens without a boundary */
static uint64_t ng_total(const ng_state *S, int n) {
  uint64_t total = 0;
  uint32_t p = S->ntok, run = 0;
  while (p-- > 0) {
    if (S->ids1[p] == INV) run = 0;
    else if (p + 1 < S->ntok && S->ids1[p + 1] != INV && !BIT(S->bound, p + 1)) run++;
    else run = 1;
    if (run >= (uint32_t)n) total++;
  }
  return total;
}

/* add a final n-gram (in byte order) */
static int ng_emit(ng_state *S, uint32_t parent, uint32_t last, uint32_t c) {
  if (grow3(S->M, &S->fpar, &S->flast, &S->fcnt, &S->fcap, S->fn)) return RS_ENOMEM;
  S->fpar[S->fn] = parent;
  S->flast[S->fn] = last;
  S->fcnt[S->fn] = c;
  S->fn++;
  return RS_OK;
}

/* the kept k-grams of a level: (prefix id, last rank) -> id, open
** addressing; small when min prunes, so the position pass stays in cache */
typedef struct ng_hash {
  uint64_t *key; /* prefix << 32 | rank; ~0 empty */
  uint32_t *val;
  size_t cap;    /* a power of 2 */
} ng_hash;

static size_t ng_slot(const ng_hash *h, uint64_t key) {
  return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (h->cap - 1);
}

/* level k >= 2 from level k-1 (P, nprev ids); the last level only counts.
** Counting groups the valid positions by prefix (counting sort of the
** next ranks); the new prefix ids then go to the positions in one
** sequential pass through a hash of the kept k-grams. */
static int ng_next_level(ng_state *S, int k, size_t nprev, int final) {
  rs_mem *M = S->M;
  const rs_ngram_opts *o = S->o;
  uint32_t ntok = S->ntok, p, min = o->min ? o->min : 1;
  uint32_t *hist, *ord, *ids1 = S->ids1, *P = S->P;
  const uint8_t *rflag = S->rflag, *bound = S->bound;
  size_t b, nord = 0, i;
  ng_level *L = &S->lv[k];
  ng_hash H;
  int err = RS_OK;
  if (ntok < (uint32_t)k) return RS_OK;
  /* a valid start: a valid (k-1)-gram at p, and a valid k-th token in the
  ** same region; at level 2 a first token that is a stopword is no start */
#define START_OK(p, q)                                                       \
  (P[p] != INV && (k > 2 || !(rflag[P[p]] & RS_TYPE_STOP)) && ids1[q] != INV && \
   !BIT(bound, q))
  S->nhist = nprev + 1;
  hist = S->hist = (uint32_t *)zalloc_n(M, S->nhist, 4);
  if (!hist) return RS_ENOMEM;
  for (p = 0; p + (uint32_t)k - 1 < ntok; p++) {
    uint32_t q = p + (uint32_t)k - 1;
    if (START_OK(p, q)) {
      hist[P[p] + 1]++;
      nord++;
    }
  }
  for (b = 0; b < nprev; b++) hist[b + 1] += hist[b];
  S->nord = nord;
  ord = S->ord = (uint32_t *)alloc_n(M, nord, 4);
  if (!ord) return RS_ENOMEM;
  for (p = 0; p + (uint32_t)k - 1 < ntok; p++) {
    uint32_t q = p + (uint32_t)k - 1;
    if (START_OK(p, q)) ord[hist[P[p]]++] = ids1[q];
  }
  /* hist[b] is now the end of bucket b */
  {
    uint32_t *slot = S->slot, *touched = S->touched;
    size_t beg = 0;
    for (b = 0; b < nprev; b++) {
      size_t end = hist[b], m = 0, e;
      if (beg == end) continue;
      for (e = beg; e < end; e++) {
        uint32_t r = ord[e];
        if (slot[r]++ == 0) touched[m++] = r;
      }
      sort_u32(touched, m, S->tmp, S->rbits);
      for (i = 0; i < m; i++) {
        uint32_t r = touched[i], c = slot[r];
        slot[r] = 0;
        if (c < min) continue;
        if (final) {
          if (!(rflag[r] & RS_TYPE_STOP) && ng_emit(S, (uint32_t)b, r, c)) return RS_ENOMEM;
        } else {
          if (grow3(M, &L->parent, &L->last, NULL, &L->cap, L->n)) return RS_ENOMEM;
          L->parent[L->n] = (uint32_t)b;
          L->last[L->n] = r;
          L->n++;
        }
      }
      beg = end;
    }
  }
  free_n(M, S->hist, S->nhist, 4);
  S->hist = NULL;
  free_n(M, S->ord, S->nord, 4);
  S->ord = NULL;
  if (final) return RS_OK;
  /* the kept k-grams in a hash, then their ids to the positions */
  H.cap = 16;
  while (H.cap < 2 * L->n + 2) H.cap *= 2;
  H.key = (uint64_t *)alloc_n(M, H.cap, sizeof *H.key);
  H.val = (uint32_t *)alloc_n(M, H.cap, 4);
  S->Pnew = (uint32_t *)alloc_n(M, ntok, 4);
  if (!H.key || !H.val || !S->Pnew) {
    err = RS_ENOMEM;
    goto done;
  }
  memset(H.key, 0xFF, H.cap * sizeof *H.key);
  for (i = 0; i < L->n; i++) {
    uint64_t key = (uint64_t)L->parent[i] << 32 | L->last[i];
    size_t j = ng_slot(&H, key);
    while (H.key[j] != ~(uint64_t)0) j = (j + 1) & (H.cap - 1);
    H.key[j] = key;
    H.val[j] = (uint32_t)i;
  }
  for (p = 0; p < ntok; p++) {
    uint32_t q = p + (uint32_t)k - 1, id = INV;
    if (q < ntok && START_OK(p, q)) {
      uint64_t key = (uint64_t)P[p] << 32 | ids1[q];
      size_t j = ng_slot(&H, key);
      while (H.key[j] != ~(uint64_t)0) {
        if (H.key[j] == key) {
          id = H.val[j];
          break;
        }
        j = (j + 1) & (H.cap - 1);
      }
    }
    S->Pnew[p] = id;
  }
  if (S->P != S->ids1) free_n(M, S->P, ntok, 4);
  S->P = S->Pnew;
  S->Pnew = NULL;
done:
#undef START_OK
  free_n(M, H.key, H.cap, sizeof *H.key);
  free_n(M, H.val, H.cap, 4);
  return err;
}

/* stable order of idx[0..n) by count descending (LSD radix, 2 x 16 bits) */
static int order_by_count(rs_mem *M, const uint32_t *cnt, uint32_t *idx, size_t n) {
  uint32_t *tmp = (uint32_t *)alloc_n(M, n, 4), *src = idx, *dst = tmp;
  size_t *h = (size_t *)alloc_n(M, 65537, sizeof(size_t)), i;
  int pass;
  if (!tmp || !h) {
    free_n(M, tmp, n, 4);
    free_n(M, h, 65537, sizeof(size_t));
    return RS_ENOMEM;
  }
  for (pass = 0; pass < 2; pass++) {
    int sh = pass * 16;
    memset(h, 0, 65537 * sizeof *h);
    for (i = 0; i < n; i++) h[((~cnt[src[i]]) >> sh & 0xFFFF) + 1]++;
    for (i = 0; i < 65536; i++) h[i + 1] += h[i];
    for (i = 0; i < n; i++) dst[h[(~cnt[src[i]]) >> sh & 0xFFFF]++] = src[i];
    {
      uint32_t *t = src;
      src = dst;
      dst = t;
    }
  }
  /* two passes: the result is back in idx */
  free_n(M, tmp, n, 4);
  free_n(M, h, 65537, sizeof(size_t));
  return RS_OK;
}

/* is entry x better than y: more frequent, then earlier in byte order */
static int ng_better(const uint32_t *cnt, uint32_t x, uint32_t y) {
  return cnt[x] != cnt[y] ? cnt[x] > cnt[y] : x < y;
}

static void heap_down(const uint32_t *cnt, uint32_t *h, size_t n, size_t i) {
  for (;;) { /* the root is the worst kept */
    size_t l = 2 * i + 1, r = l + 1, w = i;
    if (l < n && ng_better(cnt, h[w], h[l])) w = l;
    if (r < n && ng_better(cnt, h[w], h[r])) w = r;
    if (w == i) return;
    {
      uint32_t t = h[i];
      h[i] = h[w];
      h[w] = t;
    }
    i = w;
  }
}

/* the order of the output: all (radix) or the top k (heap) */
static int ng_select(rs_mem *M, const uint32_t *cnt, size_t n, size_t top, uint32_t **out,
                     size_t *nout) {
  uint32_t *idx;
  size_t i;
  if (top == 0 || top >= n) {
    idx = (uint32_t *)alloc_n(M, n, 4);
    if (!idx) return RS_ENOMEM;
    for (i = 0; i < n; i++) idx[i] = (uint32_t)i;
    if (order_by_count(M, cnt, idx, n)) {
      free_n(M, idx, n, 4);
      return RS_ENOMEM;
    }
    *out = idx;
    *nout = n;
    return RS_OK;
  }
  idx = (uint32_t *)alloc_n(M, top, 4);
  if (!idx) return RS_ENOMEM;
  {
    size_t k = 0;
    for (i = 0; i < n; i++) {
      uint32_t x = (uint32_t)i;
      if (k < top) {
        size_t j = k++;
        idx[j] = x;
        while (j > 0 && ng_better(cnt, idx[(j - 1) / 2], idx[j])) {
          uint32_t t = idx[j];
          idx[j] = idx[(j - 1) / 2];
          idx[(j - 1) / 2] = t;
          j = (j - 1) / 2;
        }
      } else if (ng_better(cnt, x, idx[0])) {
        idx[0] = x;
        heap_down(cnt, idx, k, 0);
      }
    }
    for (i = k; i > 1; i--) { /* heap sort: the worst to the end */
      uint32_t t = idx[0];
      idx[0] = idx[i - 1];
      idx[i - 1] = t;
      heap_down(cnt, idx, i - 1, 0);
    }
    *out = idx;
    *nout = k;
  }
  return RS_OK;
}

int rs_ngrams_count(rs_mem *M, const rs_index *ix, const rs_ngram_opts *o, rs_ngrams *out) {
  ng_state S;
  int err, k, n = o->n;
  uint32_t min = o->min ? o->min : 1;
  uint32_t *sel = NULL;
  size_t nsel = 0, i, nprev;
  memset(out, 0, sizeof *out);
  if (n < 1 || n > RS_NGRAM_MAX || !valid_attr(o->attr) || !valid_level(o->level))
    return RS_EINVAL;
  memset(&S, 0, sizeof S);
  S.M = M;
  S.ix = ix;
  S.o = o;
  S.ntok = ix->ntok;
  S.nt = ix->attr[o->attr].n;
  out->n = n;
  out->tokens = rs_view_tokens(ix, o->mask);
  out->words = rs_index_words(ix, (const char *)o->mask);
  if ((err = ng_level1(&S))) goto done;
  out->total = ng_total(&S, n);
  if (n == 1) { /* the ranks themselves, in byte order */
    uint32_t r;
    for (r = 0; r < S.nt; r++) {
      uint32_t c = S.cnt1[r];
      if (c >= min && !(S.rflag[r] & RS_TYPE_STOP) && (err = ng_emit(&S, INV, r, c))) goto done;
    }
  } else {
    uint32_t p;
    if (min > 1) /* prune the tokens no kept n-gram can hold */
      for (p = 0; p < S.ntok; p++)
        if (S.ids1[p] != INV && S.cnt1[S.ids1[p]] < min) S.ids1[p] = INV;
    S.slot = (uint32_t *)zalloc_n(M, S.nt, 4);
    S.touched = (uint32_t *)alloc_n(M, S.nt, 4);
    S.tmp = (uint32_t *)alloc_n(M, S.nt, 4);
    S.rbits = 1;
    while (S.rbits < 32 && ((uint64_t)1 << S.rbits) < S.nt) S.rbits++;
    if (!S.slot || !S.touched || !S.tmp) {
      err = RS_ENOMEM;
      goto done;
    }
    S.P = S.ids1;
    nprev = S.nt;
    for (k = 2; k <= n; k++) {
      if ((err = ng_next_level(&S, k, nprev, k == n))) goto done;
      nprev = S.lv[k].n;
    }
  }
  out->distinct = S.fn;
  if ((err = ng_select(M, S.fcnt, S.fn, o->top, &sel, &nsel))) goto done;
  out->types = (uint32_t *)alloc_n(M, nsel * (size_t)n, 4);
  out->freq = (uint32_t *)alloc_n(M, nsel, 4);
  if (!out->types || !out->freq) {
    err = RS_ENOMEM;
    goto done;
  }
  for (i = 0; i < nsel; i++) {
    uint32_t f = sel[i], id = S.fpar[f];
    uint32_t *ty = out->types + i * (size_t)n;
    out->freq[i] = S.fcnt[f];
    ty[n - 1] = S.inv[S.flast[f]];
    for (k = n - 1; k >= 2; k--) {
      ty[k - 1] = S.inv[S.lv[k].last[id]];
      id = S.lv[k].parent[id];
    }
    if (n > 1) ty[0] = S.inv[id];
  }
  out->count = nsel;
done:
  free_n(M, sel, nsel ? nsel : 1, 4);
  ng_free(&S);
  if (err) rs_ngrams_free(M, out);
  return err;
}

void rs_ngrams_free(rs_mem *M, rs_ngrams *g) {
  free_n(M, g->types, g->count * (size_t)(g->n > 0 ? g->n : 1), 4);
  free_n(M, g->freq, g->count, 4);
  g->types = g->freq = NULL;
  g->count = 0;
}

/* }====================================================== */

/* {====================================================== collocates */

/* the last index i in [from, n) with start(i) <= p, from a hint that only
** grows (positions come in ascending order): galloping, then binary */
#define GALLOP(arr, field, n, p, from, out)                     \
  do {                                                          \
    uint32_t lo_ = (from), step_ = 1, hi_;                      \
    while (lo_ + step_ < (n) && (arr)[lo_ + step_].field <= (p)) { \
      lo_ += step_;                                             \
      step_ *= 2;                                               \
    }                                                           \
    hi_ = lo_ + step_ < (n) ? lo_ + step_ : (n);                \
    while (hi_ - lo_ > 1) {                                     \
      uint32_t mid_ = lo_ + (hi_ - lo_) / 2;                    \
      if ((arr)[mid_].field <= (p)) lo_ = mid_;                 \
      else hi_ = mid_;                                          \
    }                                                           \
    (out) = lo_;                                                \
  } while (0)

/* the region of the level holding p, or -1; *hint: the index found last
** (regions sorted by start; nested ones are looked for a little back) */
static int64_t region_from(const rs_index *ix, int level, uint32_t p, uint32_t *hint) {
  const rs_region *rg = ix->lv[level];
  uint32_t n = ix->nlv[level], i, k;
  if (n == 0 || rg[0].start > p) return -1;
  if (*hint >= n || rg[*hint].start > p) *hint = 0;
  i = *hint; /* a short walk first: nodes are often close */
  for (k = 0; k < 32 && i + 1 < n && rg[i + 1].start <= p; k++) i++;
  if (k == 32) GALLOP(rg, start, n, p, i, i);
  *hint = i;
  for (k = 0; k < 16; k++, i--) {
    if (rg[i].start <= p && p < rg[i].stop) return (int64_t)i;
    if (i == 0) break;
  }
  return -1;
}

/* the document holding p, from a hint as above */
static uint32_t doc_from(const rs_index *ix, uint32_t p, uint32_t *hint) {
  uint32_t d;
  if (ix->ndoc == 0) return 0;
  if (*hint >= ix->ndoc || ix->docs[*hint].first > p) *hint = 0;
  GALLOP(ix->docs, first, ix->ndoc, p, *hint, d);
  *hint = d;
  return d;
}

typedef struct span {
  uint32_t a, b; /* [a, b) */
} span;

static int cmp_span(const void *x, const void *y) {
  const span *s = (const span *)x, *t = (const span *)y;
  if (s->a != t->a) return s->a < t->a ? -1 : 1;
  return s->b < t->b ? -1 : s->b > t->b;
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)0)
#endif

/* count the window positions [a, b) into cnt, skipping the spans of the
** nodes from j on (sorted by start) that hold them */
static void count_range(const rs_index *ix, const rs_coll_opts *o, const span *nodes, size_t nn,
                        size_t j, uint32_t a, uint32_t b, uint32_t *cnt, uint64_t *window) {
  uint32_t p;
  for (p = a; p < b; p++) {
    size_t k;
    uint32_t ty;
    int inside = 0;
    for (k = j; k < nn && nodes[k].a <= p; k++)
      if (p < nodes[k].b) {
        inside = 1;
        break;
      }
    if (inside) continue;
    (*window)++;
    ty = type_at(ix, o->attr, p);
    if (ty == INV || (o->tflags && (o->tflags[ty] & o->exclude))) continue;
    cnt[ty]++;
  }
}

/* Nodes sorted by start, windows swept in that order: `covered` is the
** first position not yet decided, so a position shared by the windows of
** two nodes counts once, for the first. A window of node i cannot start
** before the windows of earlier nodes (regions are sorted and do not
** overlap), so everything below `covered` in it was counted or is a node. */
int rs_collocates(rs_mem *M, const rs_index *ix, const uint32_t *starts, const uint32_t *stops,
                  size_t nnode, const rs_coll_opts *o, rs_colls *out) {
  span *nodes = NULL;
  uint32_t *left = NULL, *right = NULL, nt, t, dh = 0, rh = 0, covered = 0;
  size_t i, k = 0, nkept = 0;
  int err = RS_ENOMEM, sorted = 1;
  memset(out, 0, sizeof *out);
  if (!valid_attr(o->attr) || !valid_level(o->level) || o->left < 0 || o->right < 0 ||
      o->left + o->right < 1)
    return RS_EINVAL;
  nt = ix->attr[o->attr].n;
  nodes = (span *)alloc_n(M, nnode, sizeof *nodes);
  left = (uint32_t *)zalloc_n(M, nt, 4);
  right = (uint32_t *)zalloc_n(M, nt, 4);
  if (!nodes || !left || !right) goto fail;
  for (i = 0; i < nnode; i++) { /* the nodes in range and in the mask */
    uint32_t s = starts[i], e = stops[i], d, f, de;
    if (s >= e || s >= ix->ntok) continue;
    d = doc_from(ix, s, &dh);
    if (o->mask && !o->mask[d]) continue;
    doc_range(ix, d, &f, &de);
    if (e > de) e = de; /* a node never crosses a speech */
    nodes[k].a = s;
    nodes[k].b = e;
    if (k > 0 && cmp_span(&nodes[k - 1], &nodes[k]) > 0) sorted = 0;
    k++;
  }
  if (!sorted) qsort(nodes, k, sizeof *nodes, cmp_span);
  for (i = 0; i < k; i++) /* duplicates once */
    if (nkept == 0 || nodes[i].a != nodes[nkept - 1].a || nodes[i].b != nodes[nkept - 1].b)
      nodes[nkept++] = nodes[i];
  dh = 0;
  for (i = 0; i < nkept; i++) {
    uint32_t s = nodes[i].a, e = nodes[i].b, lo, hi, a, b;
    if (i + 8 < nkept) { /* the windows of a node 8 ahead */
      uint32_t pa = nodes[i + 8].a, pb = nodes[i + 8].b;
      pa = pa > (uint32_t)o->left ? pa - (uint32_t)o->left : 0;
      pb = ix->ntok - pb > (uint32_t)o->right ? pb + (uint32_t)o->right : ix->ntok - 1;
      PREFETCH(ix->stream + pa);
      PREFETCH(ix->stream + pb);
    }
    doc_range(ix, doc_from(ix, s, &dh), &lo, &hi);
    if (o->level != RS_STATS_SPEECH) {
      int64_t r = region_from(ix, o->level, s, &rh);
      if (r < 0) continue; /* outside every region: not a node of this analysis */
      if (ix->lv[o->level][r].start > lo) lo = ix->lv[o->level][r].start;
      if (ix->lv[o->level][r].stop < hi) hi = ix->lv[o->level][r].stop;
    }
    out->nodes++;
    /* left: [max(lo, s - left), s) from covered on (no later node starts
    ** before s) */
    a = s - lo > (uint32_t)o->left ? s - (uint32_t)o->left : lo;
    if (a < covered) a = covered;
    if (a < s) count_range(ix, o, nodes, nkept, nkept, a, s, left, &out->window);
    if (covered < e) covered = e;
    /* right: [e, min(hi, e + right)), skipping later nodes' spans */
    b = hi > e ? (hi - e > (uint32_t)o->right ? e + (uint32_t)o->right : hi) : e;
    a = e > covered ? e : covered;
    if (a < b) count_range(ix, o, nodes, nkept, i + 1, a, b, right, &out->window);
    if (covered < b) covered = b;
  }
  for (t = 0; t < nt; t++)
    if (left[t] || right[t]) out->count++;
  out->type = (uint32_t *)alloc_n(M, out->count, 4);
  out->o11 = (uint32_t *)alloc_n(M, out->count, 4);
  out->left = (uint32_t *)alloc_n(M, out->count, 4);
  out->right = (uint32_t *)alloc_n(M, out->count, 4);
  if (!out->type || !out->o11 || !out->left || !out->right) goto fail;
  k = 0;
  for (t = 0; t < nt; t++) {
    if (!left[t] && !right[t]) continue;
    out->type[k] = t;
    out->left[k] = left[t];
    out->right[k] = right[t];
    out->o11[k] = left[t] + right[t];
    k++;
  }
  err = RS_OK;
fail:
  free_n(M, nodes, nnode, sizeof *nodes);
  free_n(M, left, nt, 4);
  free_n(M, right, nt, 4);
  if (err) rs_colls_free(M, out);
  return err;
}

void rs_colls_free(rs_mem *M, rs_colls *c) {
  free_n(M, c->type, c->count, 4);
  free_n(M, c->o11, c->count, 4);
  free_n(M, c->left, c->count, 4);
  free_n(M, c->right, c->count, 4);
  c->type = c->o11 = c->left = c->right = NULL;
  c->count = 0;
}

/* }====================================================== */

/* {====================================================== dispersion */

int rs_disp_parts(rs_mem *M, const rs_index *ix, const uint32_t *part_of, uint32_t nparts,
                  const uint32_t *pos, size_t npos, rs_parts *out) {
  uint64_t *off = NULL;
  uint32_t d, k, *fill = NULL, *part = NULL;
  uint32_t cd = RS_NO_PART, cp = 0, cw = 0; /* the word count's cursor: speech, position, words before */
  size_t i;
  int err = RS_ENOMEM;
  memset(out, 0, sizeof *out);
  out->nparts = nparts;
  out->size = (uint64_t *)zalloc_n(M, nparts, sizeof *out->size);
  out->hits = (uint32_t *)zalloc_n(M, nparts, 4);
  out->first = (uint32_t *)zalloc_n(M, nparts, 4);
  off = (uint64_t *)alloc_n(M, ix->ndoc, sizeof *off);
  part = (uint32_t *)alloc_n(M, npos, 4);
  fill = (uint32_t *)alloc_n(M, nparts, 4);
  if (!out->size || !out->hits || !out->first || !off || !part || !fill) goto fail;
  for (d = 0; d < ix->ndoc; d++) { /* offsets of documents inside their part, in words */
    k = part_of[d];
    if (k >= nparts) continue;
    off[d] = out->size[k];
    out->size[k] += ix->docs[d].words;
  }
  for (i = 0; i < npos; i++) {
    uint32_t f, e;
    part[i] = RS_NO_PART;
    if (pos[i] >= ix->ntok) continue;
    d = rs_index_doc_of(ix, pos[i]);
    k = part_of[d];
    if (k >= nparts) continue;
    doc_range(ix, d, &f, &e);
    if (pos[i] < f || pos[i] >= e) continue; /* between speeches (a damaged index) */
    part[i] = k;
    out->hits[k]++;
    out->nhits++;
  }
  out->rel = (double *)alloc_n(M, out->nhits, sizeof *out->rel);
  if (!out->rel) goto fail;
  {
    uint32_t acc = 0;
    for (k = 0; k < nparts; k++) {
      out->first[k] = acc;
      fill[k] = acc;
      acc += out->hits[k];
    }
  }
  for (i = 0; i < npos; i++) {
    uint32_t f, e;
    if (part[i] == RS_NO_PART) continue;
    k = part[i];
    d = rs_index_doc_of(ix, pos[i]);
    doc_range(ix, d, &f, &e);
    if (d != cd || pos[i] < cp) { /* a new speech (or hits out of order): count from its start */
      cd = d;
      cp = f;
      cw = 0;
    }
    for (; cp < pos[i]; cp++) {
      uint32_t w = ix->stream[cp];
      cw += w < ix->attr[0].n && RS_IS_WORDLIKE(ix, w);
    }
    out->rel[fill[k]++] =
        out->size[k] ? (double)(off[d] + cw) / (double)out->size[k] : 0.0;
  }
  for (k = 0; k < nparts; k++)
    if (out->hits[k] > 1) qsort(out->rel + out->first[k], out->hits[k], sizeof(double), cmp_double);
  err = RS_OK;
fail:
  free_n(M, off, ix->ndoc, sizeof *off);
  free_n(M, part, npos, 4);
  free_n(M, fill, nparts, 4);
  if (err) rs_parts_free(M, out);
  return err;
}

void rs_parts_free(rs_mem *M, rs_parts *p) {
  free_n(M, p->size, p->nparts, sizeof *p->size);
  free_n(M, p->hits, p->nparts, 4);
  free_n(M, p->first, p->nparts, 4);
  free_n(M, p->rel, p->nhits, sizeof *p->rel);
  memset(p, 0, sizeof *p);
}

/* }====================================================== */
