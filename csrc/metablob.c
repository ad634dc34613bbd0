/*
** metablob.c: the metadata blob of an index read in place, see metablob.h.
*/
#include <string.h>

#include "metablob.h"

static uint64_t get_le(const uint8_t *b, int k) {
  uint64_t x = 0;
  int j;
  for (j = 0; j < k; j++) x |= (uint64_t)b[j] << (8 * j);
  return x;
}

/* the end of the value at off (checking it whole), or 0 when damaged */
static size_t skip(const uint8_t *b, size_t len, size_t off, int depth) {
  if (depth > RS_MV_DEPTH || off >= len) return 0;
  switch (b[off]) {
  case 's': {
    uint64_t n;
    if (len - off - 1 < 4) return 0;
    n = get_le(b + off + 1, 4);
    if (len - off - 5 < n) return 0;
    return off + 5 + (size_t)n;
  }
  case 'i':
  case 'n': return len - off - 1 < 8 ? 0 : off + 9;
  case 'T':
  case 'F': return off + 1;
  case 't': {
    uint64_t n, j;
    size_t p;
    if (len - off - 1 < 4) return 0;
    n = get_le(b + off + 1, 4);
    p = off + 5;
    for (j = 0; j < 2 * n; j++) {
      p = skip(b, len, p, depth + 1);
      if (!p) return 0;
    }
    return p;
  }
  default: return 0;
  }
}

int rs_mv_read(const uint8_t *b, size_t len, size_t off, rs_mval *out) {
  size_t end = skip(b, len, off, 0);
  memset(out, 0, sizeof *out);
  if (!end) return RS_EPARSE;
  out->tag = b[off];
  out->off = off;
  out->end = end;
  switch (out->tag) {
  case 's':
    out->n = (size_t)get_le(b + off + 1, 4);
    out->s = (const char *)b + off + 5;
    break;
  case 'i': out->i = (int64_t)get_le(b + off + 1, 8); break;
  case 'n': {
    uint64_t u = get_le(b + off + 1, 8);
    memcpy(&out->d, &u, 8);
    break;
  }
  case 't': out->n = (size_t)get_le(b + off + 1, 4); break;
  default: break;
  }
  return RS_OK;
}

/* a value whose table is not walked (its end found by skipping) */
static int read_shallow(const uint8_t *b, size_t len, size_t off, rs_mval *out) {
  return rs_mv_read(b, len, off, out);
}

int rs_mdir_pairs(const rs_mdir *D, size_t off, int (*cb)(void *ud, const rs_mval *k, const rs_mval *v),
                  void *ud) {
  rs_mval t, k, v;
  size_t p, j;
  if (read_shallow(D->blob, D->len, off, &t) || t.tag != 't') return RS_EPARSE;
  p = off + 5;
  for (j = 0; j < t.n; j++) {
    int r;
    if (read_shallow(D->blob, D->len, p, &k)) return RS_EPARSE;
    if (read_shallow(D->blob, D->len, k.end, &v)) return RS_EPARSE;
    p = v.end;
    r = cb(ud, &k, &v);
    if (r) return r;
  }
  return RS_OK;
}

typedef struct findctx {
  const char *key;
  size_t len;
  rs_mval *out;
} findctx;

static int find_cb(void *ud, const rs_mval *k, const rs_mval *v) {
  findctx *f = (findctx *)ud;
  if (k->tag == 's' && k->n == f->len && (f->len == 0 || memcmp(k->s, f->key, f->len) == 0)) {
    *f->out = *v;
    return 1;
  }
  return 0;
}

int rs_mdir_find(const rs_mdir *D, size_t off, const char *key, size_t keylen, rs_mval *out) {
  findctx f;
  f.key = key;
  f.len = keylen;
  f.out = out;
  return rs_mdir_pairs(D, off, find_cb, &f);
}

int rs_mdir_get(const rs_mdir *D, uint32_t d, const char *key, size_t keylen, rs_mval *out) {
  if (d >= D->ndoc || !D->off || !D->off[d]) return 0;
  return rs_mdir_find(D, (size_t)D->off[d], key, keylen, out);
}

typedef struct buildctx {
  rs_mdir *D;
} buildctx;

/* the pairs of the speeches table: integer keys 1..ndoc, table values (a
** value that is not a table is damage) */
static int speech_cb(void *ud, const rs_mval *k, const rs_mval *v) {
  rs_mdir *D = ((buildctx *)ud)->D;
  if (v->tag != 't') return RS_EPARSE;
  if (k->tag == 'i' && k->i >= 1 && (uint64_t)k->i <= D->ndoc) D->off[k->i - 1] = v->off;
  return 0;
}

/* speeches and extra are tables */
static int top_cb(void *ud, const rs_mval *k, const rs_mval *v) {
  buildctx *b = (buildctx *)ud;
  rs_mdir *D = b->D;
  if (k->tag != 's') return 0;
  if (k->n == 8 && memcmp(k->s, "speeches", 8) == 0) {
    if (v->tag != 't') return RS_EPARSE;
    return rs_mdir_pairs(D, v->off, speech_cb, ud);
  }
  if (k->n == 5 && memcmp(k->s, "extra", 5) == 0) {
    if (v->tag != 't') return RS_EPARSE;
    D->extra = v->off;
  }
  return 0;
}

int rs_mdir_build(rs_mem *M, const uint8_t *blob, size_t len, uint32_t ndoc, rs_mdir *D) {
  buildctx b;
  rs_mval top;
  int err;
  memset(D, 0, sizeof *D);
  D->blob = blob;
  D->len = len;
  D->ndoc = ndoc;
  D->off = (uint64_t *)rs_malloc(M, (ndoc ? ndoc : 1) * sizeof *D->off);
  if (!D->off) return RS_ENOMEM;
  memset(D->off, 0, (ndoc ? ndoc : 1) * sizeof *D->off);
  if (len == 0) return RS_OK; /* no metadata */
  /* the whole blob is one value (checked whole once: later reads skip) */
  if (rs_mv_read(blob, len, 0, &top) || top.end != len || top.tag != 't') {
    rs_mdir_free(M, D);
    return RS_EPARSE;
  }
  b.D = D;
  err = rs_mdir_pairs(D, 0, top_cb, &b);
  if (err) {
    rs_mdir_free(M, D);
    return RS_EPARSE;
  }
  return RS_OK;
}

void rs_mdir_free(rs_mem *M, rs_mdir *D) {
  rs_free(M, D->off, (D->ndoc ? D->ndoc : 1) * sizeof *D->off);
  D->off = NULL;
}
