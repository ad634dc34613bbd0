/*
** table.c: columnar result tables, see table.h. The text table and the
** writers follow the rules of lua/rostra/result.lua (its notes are the
** specification, and spec/ctable_spec.lua compares the two byte for byte).
*/
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

/* {====================================================== building */

rs_table *rs_table_new(rs_mem *M, size_t nrow) {
  rs_table *T;
  if (nrow > 0xFFFFFFFFu) return NULL; /* row ids are 32-bit */
  T = (rs_table *)rs_malloc(M, sizeof *T);
  if (!T) return NULL;
  memset(T, 0, sizeof *T);
  T->M = M;
  T->nrow = nrow;
  return T;
}

/* the bytes of an array of n elements (at least one byte) */
static size_t asize(size_t n, size_t elt) { return n ? n * elt : 1; }

/* zeroed n * elt bytes, freed with rs_free(M, p, asize(n, elt)) */
static void *zalloc(rs_mem *M, size_t n, size_t elt) {
  void *p;
  if (n && n > (size_t)-1 / elt) return NULL;
  p = rs_malloc(M, asize(n, elt));
  if (p) memset(p, 0, asize(n, elt));
  return p;
}

static void col_free(rs_mem *M, rs_tcol *c, size_t nrow) {
  size_t idn = c->src == RS_TS_TUPLE ? nrow * (size_t)c->k : nrow;
  rs_free(M, c->name, c->namelen + 1);
  rs_free(M, c->i, asize(nrow, sizeof *c->i));
  rs_free(M, c->d, asize(nrow, sizeof *c->d));
  rs_free(M, c->b, asize(nrow, 1));
  rs_free(M, c->id, asize(idn, sizeof *c->id));
  rs_free(M, c->off, asize(c->src == RS_TS_SPAN ? nrow : nrow + 1, sizeof *c->off));
  rs_free(M, c->len, asize(nrow, sizeof *c->len));
  rs_buf_free(M, &c->chars);
  rs_free(M, c->doff, c->doffcap * sizeof *c->doff);
  rs_free(M, c->dslot, (size_t)c->ndslot * sizeof *c->dslot);
  rs_free(M, c->vals, c->valcap * sizeof *c->vals);
  rs_free(M, c->null, asize((nrow + 7) / 8, 1));
  memset(c, 0, sizeof *c);
}

void rs_table_free(rs_table *T) {
  int i;
  if (!T) return;
  for (i = 0; i < T->ncol; i++) col_free(T->M, &T->cols[i], T->nrow);
  rs_free(T->M, T->cols, (size_t)T->capcol * sizeof *T->cols);
  rs_free(T->M, T->fillud, T->fillsize);
  rs_free(T->M, T->filled, asize((T->nrow + 7) / 8, 1));
  rs_free(T->M, T, sizeof *T);
}

int rs_table_lazy(rs_table *T, rs_tfill fill, const void *ud, size_t udsize, const int *cols,
                  int ncols) {
  int i;
  uint64_t mask = 0;
  for (i = 0; i < ncols; i++) {
    if (cols[i] < 0 || cols[i] >= T->ncol || cols[i] >= 64) return RS_EINVAL;
    mask |= (uint64_t)1 << cols[i];
  }
  if (T->fill || !fill) return RS_EINVAL;
  T->filled = (uint8_t *)zalloc(T->M, (T->nrow + 7) / 8, 1);
  T->fillud = rs_malloc(T->M, udsize ? udsize : 1);
  if (!T->filled || !T->fillud) {
    rs_free(T->M, T->filled, asize((T->nrow + 7) / 8, 1));
    rs_free(T->M, T->fillud, udsize ? udsize : 1);
    T->filled = NULL;
    T->fillud = NULL;
    return RS_ENOMEM;
  }
  if (udsize) memcpy(T->fillud, ud, udsize);
  T->fillsize = udsize ? udsize : 1;
  T->fill = fill;
  T->lazy = mask;
  return RS_OK;
}

#define FILLED(T, r) ((T)->filled[(r) / 8] >> ((r) % 8) & 1)

static int u32_cmp(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* fill the lazy cells of rows[0..n) that are not yet, when one of the
** columns of mask is lazy */
static int need(const rs_table *CT, const uint32_t *rows, size_t n, uint64_t mask) {
  rs_table *T = (rs_table *)CT; /* the cells are a cache: filling them changes no value */
  uint32_t *todo;
  size_t i, k = 0, cap = n < 65536 ? n : 65536;
  int err = RS_OK;
  if (!(T->lazy & mask) || n == 0) return RS_OK;
  for (i = 0; i < n && !k; i++) k = !FILLED(T, rows[i]);
  if (!k) return RS_OK;
  if (n == 1) {
    err = T->fill(T, rows, 1, T->fillud);
    if (!err) T->filled[rows[0] / 8] |= (uint8_t)(1u << (rows[0] % 8));
    return err;
  }
  todo = (uint32_t *)rs_malloc(T->M, cap * sizeof *todo);
  if (!todo) return RS_ENOMEM;
  for (i = 0; i < n && !err;) { /* in batches, each in row order */
    size_t j;
    for (k = 0; i < n && k < cap; i++) {
      uint32_t r = rows[i];
      if (FILLED(T, r)) continue;
      T->filled[r / 8] |= (uint8_t)(1u << (r % 8)); /* a row given twice is filled once */
      todo[k++] = r;
    }
    if (!k) break;
    qsort(todo, k, sizeof *todo, u32_cmp);
    err = T->fill(T, todo, k, T->fillud);
    if (err)
      for (j = 0; j < k; j++) T->filled[todo[j] / 8] &= (uint8_t)~(1u << (todo[j] % 8));
  }
  rs_free(T->M, todo, cap * sizeof *todo);
  return err;
}

#define COLBIT(c) ((c) < 64 ? (uint64_t)1 << (c) : 0)

int rs_table_prepare(const rs_table *T, const uint32_t *rows, size_t n) {
  return need(T, rows, n, ~(uint64_t)0);
}

void rs_table_bind(rs_table *T, const rs_index *ix) { T->ix = ix; }

int rs_table_find(const rs_table *T, const char *name, size_t len) {
  int i;
  for (i = 0; i < T->ncol; i++)
    if (T->cols[i].namelen == len && memcmp(T->cols[i].name, name, len) == 0) return i;
  return -1;
}

static rs_tcol *add_col(rs_table *T, const char *name, int type, int src) {
  rs_tcol *c;
  size_t len = strlen(name);
  if (rs_table_find(T, name, len) >= 0) return NULL;
  if (T->ncol == T->capcol) {
    size_t cap = (size_t)T->capcol;
    if (rs_grow(T->M, (void **)&T->cols, &cap, (size_t)T->ncol + 1, sizeof *T->cols)) return NULL;
    T->capcol = (int)cap;
  }
  c = &T->cols[T->ncol];
  memset(c, 0, sizeof *c);
  c->name = rs_strndup(T->M, name, len);
  if (!c->name) return NULL;
  c->namelen = len;
  c->type = type;
  c->src = src;
  c->k = 1;
  return c; /* counted by the caller once its arrays are made */
}

/* the column made last is complete: count it */
static rs_tcol *commit(rs_table *T, rs_tcol *c, int ok) {
  if (!ok) {
    col_free(T->M, c, T->nrow);
    return NULL;
  }
  T->ncol++;
  return c;
}

int64_t *rs_table_int(rs_table *T, const char *name) {
  rs_tcol *c = add_col(T, name, RS_TC_INT, 0);
  if (!c) return NULL;
  c->i = (int64_t *)zalloc(T->M, T->nrow, sizeof *c->i);
  c = commit(T, c, c->i != NULL);
  return c ? c->i : NULL;
}

double *rs_table_num(rs_table *T, const char *name) {
  rs_tcol *c = add_col(T, name, RS_TC_NUM, 0);
  if (!c) return NULL;
  c->d = (double *)zalloc(T->M, T->nrow, sizeof *c->d);
  c = commit(T, c, c->d != NULL);
  return c ? c->d : NULL;
}

uint8_t *rs_table_bool(rs_table *T, const char *name) {
  rs_tcol *c = add_col(T, name, RS_TC_BOOL, 0);
  if (!c) return NULL;
  c->b = (uint8_t *)zalloc(T->M, T->nrow, 1);
  c = commit(T, c, c->b != NULL);
  return c ? c->b : NULL;
}

uint32_t *rs_table_type(rs_table *T, const char *name, int attr, int k) {
  rs_tcol *c;
  if (k < 1 || (T->nrow && (size_t)k > ((size_t)-1 / 8) / T->nrow)) return NULL;
  c = add_col(T, name, RS_TC_STR, k > 1 ? RS_TS_TUPLE : RS_TS_TYPE);
  if (!c) return NULL;
  c->attr = attr;
  c->k = k;
  c->id = (uint32_t *)zalloc(T->M, T->nrow * (size_t)k, sizeof *c->id);
  c = commit(T, c, c->id != NULL);
  return c ? c->id : NULL;
}

rs_tcol *rs_table_own(rs_table *T, const char *name) {
  rs_tcol *c = add_col(T, name, RS_TC_STR, RS_TS_OWN);
  if (!c) return NULL;
  c->off = (uint64_t *)zalloc(T->M, T->nrow + 1, sizeof *c->off);
  return commit(T, c, c->off != NULL);
}

rs_tcol *rs_table_span(rs_table *T, const char *name, int flat) {
  rs_tcol *c = add_col(T, name, RS_TC_STR, RS_TS_SPAN);
  if (!c) return NULL;
  c->flat = flat;
  c->off = (uint64_t *)zalloc(T->M, T->nrow, sizeof *c->off);
  c->len = c->off ? (uint32_t *)zalloc(T->M, T->nrow, sizeof *c->len) : NULL;
  return commit(T, c, c->off != NULL && c->len != NULL);
}

rs_tcol *rs_table_dict(rs_table *T, const char *name) {
  rs_tcol *c = add_col(T, name, RS_TC_STR, RS_TS_DICT);
  if (!c) return NULL;
  c->id = (uint32_t *)zalloc(T->M, T->nrow, sizeof *c->id);
  if (c->id && !rs_grow(T->M, (void **)&c->doff, &c->doffcap, 1, sizeof *c->doff)) c->doff[0] = 0;
  return commit(T, c, c->id != NULL && c->doff != NULL);
}

rs_tcol *rs_table_numlist(rs_table *T, const char *name) {
  rs_tcol *c = add_col(T, name, RS_TC_NUMLIST, 0);
  if (!c) return NULL;
  c->off = (uint64_t *)zalloc(T->M, T->nrow + 1, sizeof *c->off);
  return commit(T, c, c->off != NULL);
}

int rs_tcol_push(rs_mem *M, rs_tcol *c, const char *s, size_t n) {
  if (c->src != RS_TS_OWN) return RS_EINVAL;
  if (rs_buf_add(M, &c->chars, s, n)) return RS_ENOMEM;
  c->filled++;
  c->off[c->filled] = c->chars.n;
  return RS_OK;
}

int rs_tcol_push_list(rs_mem *M, rs_tcol *c, const double *v, size_t n) {
  if (c->type != RS_TC_NUMLIST) return RS_EINVAL;
  if (n > (size_t)-1 / 16 - c->nvals) return RS_ENOMEM;
  if (rs_grow(M, (void **)&c->vals, &c->valcap, c->nvals + n, sizeof *c->vals)) return RS_ENOMEM;
  if (n) memcpy(c->vals + c->nvals, v, n * sizeof *v);
  c->nvals += n;
  c->filled++;
  c->off[c->filled] = c->nvals;
  return RS_OK;
}

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  size_t i;
  for (i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ull;
  }
  return h;
}

static const char *dict_get(const rs_tcol *c, uint32_t id, size_t *len) {
  if (id >= c->ndict) {
    *len = 0;
    return "";
  }
  *len = (size_t)(c->doff[id + 1] - c->doff[id]);
  return c->chars.p + c->doff[id];
}

static int dict_rehash(rs_mem *M, rs_tcol *c, uint32_t nslot) {
  uint32_t *s = (uint32_t *)rs_malloc(M, (size_t)nslot * sizeof *s), i;
  if (!s) return RS_ENOMEM;
  memset(s, 0, (size_t)nslot * sizeof *s);
  for (i = 0; i < c->ndict; i++) {
    size_t l;
    const char *str = dict_get(c, i, &l);
    uint32_t h = (uint32_t)hash_bytes(str, l) & (nslot - 1);
    while (s[h]) h = (h + 1) & (nslot - 1);
    s[h] = i + 1;
  }
  rs_free(M, c->dslot, (size_t)c->ndslot * sizeof *c->dslot);
  c->dslot = s;
  c->ndslot = nslot;
  return RS_OK;
}

int rs_tcol_intern(rs_mem *M, rs_tcol *c, const char *s, size_t n, uint32_t *id) {
  uint32_t h;
  if (c->src != RS_TS_DICT) return RS_EINVAL;
  if ((size_t)c->ndict * 2 >= c->ndslot) {
    uint32_t ns = c->ndslot ? c->ndslot * 2 : 16;
    if (ns == 0 || dict_rehash(M, c, ns)) return RS_ENOMEM;
  }
  h = (uint32_t)hash_bytes(s, n) & (c->ndslot - 1);
  while (c->dslot[h]) {
    size_t l;
    const char *x = dict_get(c, c->dslot[h] - 1, &l);
    if (l == n && memcmp(x, s, n) == 0) {
      *id = c->dslot[h] - 1;
      return RS_OK;
    }
    h = (h + 1) & (c->ndslot - 1);
  }
  if (c->ndict == 0xFFFFFFFEu) return RS_ENOMEM;
  if (rs_grow(M, (void **)&c->doff, &c->doffcap, (size_t)c->ndict + 2, sizeof *c->doff)) return RS_ENOMEM;
  if (rs_buf_add(M, &c->chars, s, n)) return RS_ENOMEM;
  c->doff[c->ndict + 1] = c->chars.n;
  c->dslot[h] = c->ndict + 1;
  *id = c->ndict++;
  return RS_OK;
}

int rs_tcol_set_null(rs_mem *M, rs_tcol *c, size_t nrow, size_t r) {
  if (r >= nrow || c->type == RS_TC_NUMLIST) return RS_EINVAL;
  if (!c->null) {
    c->null = (uint8_t *)zalloc(M, (nrow + 7) / 8, 1);
    if (!c->null) return RS_ENOMEM;
  }
  c->null[r / 8] |= (uint8_t)(1u << (r % 8));
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== cells */

#define IS_NULL(c, r) ((c)->null && ((c)->null[(r) / 8] >> ((r) % 8) & 1))

static int is_flat_byte(unsigned char b) { return b >= 9 && b <= 13; }

/* a C1 control (U+0080..U+009F) at s[i], as UTF-8 */
static int is_c1(const char *s, size_t n, size_t i) {
  return (unsigned char)s[i] == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
         (unsigned char)s[i + 1] <= 0x9F;
}

/* a string cell without a copy when it can be had so: 1 and (s, n), or 0
** when it must be made (a tuple, a span with line breaks) */
static int str_direct(const rs_table *T, const rs_tcol *c, uint32_t r, const char **s, size_t *n) {
  const rs_index *ix = T->ix;
  switch (c->src) {
  case RS_TS_OWN:
    *s = c->chars.p ? c->chars.p + c->off[r] : "";
    *n = (size_t)(c->off[r + 1] - c->off[r]);
    return 1;
  case RS_TS_DICT:
    *s = dict_get(c, c->id[r], n);
    return 1;
  case RS_TS_TYPE: {
    const rs_strtab *st = ix ? &ix->attr[c->attr] : NULL;
    if (!st || c->id[r] >= st->n) {
      *s = "";
      *n = 0;
    } else {
      *s = rs_strtab_get(st, c->id[r], n);
    }
    return 1;
  }
  case RS_TS_SPAN: {
    uint64_t o = c->off[r], l = c->len[r];
    size_t k;
    if (!ix || o > ix->textlen || l > ix->textlen - o) {
      *s = "";
      *n = 0;
      return 1;
    }
    *s = ix->text + o;
    *n = (size_t)l;
    if (!c->flat) return 1;
    for (k = 0; k < *n; k++)
      if (is_flat_byte((unsigned char)(*s)[k])) return 0;
    return 1;
  }
  default:
    return 0; /* TUPLE */
  }
}

/* the string of a cell into b (appended) */
static int str_append(const rs_table *T, const rs_tcol *c, uint32_t r, rs_mem *M, rs_buf *b) {
  const char *s;
  size_t n, k, start = b->n;
  if (c->src == RS_TS_TUPLE) {
    const rs_strtab *st = T->ix ? &T->ix->attr[c->attr] : NULL;
    for (k = 0; k < (size_t)c->k; k++) {
      uint32_t id = c->id[(size_t)r * (size_t)c->k + k];
      if (k && rs_buf_addc(M, b, ' ')) return RS_ENOMEM;
      if (st && id < st->n) {
        s = rs_strtab_get(st, id, &n);
        if (rs_buf_add(M, b, s, n)) return RS_ENOMEM;
      }
    }
    return RS_OK;
  }
  if (str_direct(T, c, r, &s, &n)) return rs_buf_add(M, b, s, n);
  /* a flat span with line breaks */
  if (rs_buf_add(M, b, s, n)) return RS_ENOMEM;
  for (k = start; k < b->n; k++)
    if (is_flat_byte((unsigned char)b->p[k])) b->p[k] = ' ';
  return RS_OK;
}

int rs_table_cell(const rs_table *T, int ci, uint32_t r, rs_buf *scratch, rs_tcell *out) {
  const rs_tcol *c = &T->cols[ci];
  memset(out, 0, sizeof *out);
  if (r >= T->nrow) return RS_OK;
  if (need(T, &r, 1, COLBIT(ci))) return RS_ENOMEM;
  if (IS_NULL(c, r)) return RS_OK;
  out->kind = c->type;
  switch (c->type) {
  case RS_TC_INT: out->i = c->i[r]; break;
  case RS_TC_NUM: out->d = c->d[r]; break;
  case RS_TC_BOOL: out->i = c->b[r] != 0; break;
  case RS_TC_NUMLIST:
    out->list = c->vals ? c->vals + c->off[r] : NULL;
    out->n = (size_t)(c->off[r + 1] - c->off[r]);
    break;
  default:
    if (!str_direct(T, c, r, &out->s, &out->n)) {
      scratch->n = 0;
      if (str_append(T, c, r, T->M, scratch)) return RS_ENOMEM;
      out->s = scratch->p ? scratch->p : "";
      out->n = scratch->n;
    }
  }
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== UTF-8, widths, numbers */

/* one code point at s[i..n): its length, *cp (or -1 for an invalid byte,
** length 1), as result.lua's decode_at */
static size_t decode(const unsigned char *s, size_t n, size_t i, int32_t *cp) {
  unsigned c = s[i];
  size_t k, len;
  int32_t v, min;
  if (c < 0x80) {
    *cp = (int32_t)c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) len = 1, v = (int32_t)(c & 0x1F), min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) len = 2, v = (int32_t)(c & 0x0F), min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) len = 3, v = (int32_t)(c & 0x07), min = 0x10000;
  else {
    *cp = -1;
    return 1;
  }
  if (n - i - 1 < len) {
    *cp = -1;
    return 1;
  }
  for (k = 1; k <= len; k++) {
    unsigned d = s[i + k];
    if ((d & 0xC0) != 0x80) {
      *cp = -1;
      return 1;
    }
    v = (v << 6) | (int32_t)(d & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
    *cp = -1;
    return 1;
  }
  *cp = v;
  return len + 1;
}

int rs_valid_utf8(rs_mem *M, const char *s, size_t n, rs_buf *out) {
  size_t i = 0, run = 0;
  while (i < n) {
    int32_t cp;
    size_t l = decode((const unsigned char *)s, n, i, &cp);
    if (cp < 0) {
      if (rs_buf_add(M, out, s + run, i - run)) return RS_ENOMEM;
      if (rs_buf_add(M, out, "\xEF\xBF\xBD", 3)) return RS_ENOMEM;
      run = i + 1;
    }
    i += l;
  }
  return rs_buf_add(M, out, s + run, n - run);
}

static int is_valid_utf8(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    int32_t cp;
    if ((unsigned char)s[i] < 0x80) {
      i++;
      continue;
    }
    i += decode((const unsigned char *)s, n, i, &cp);
    if (cp < 0) return 0;
  }
  return 1;
}

typedef struct range {
  int32_t lo, hi;
} range;

static const range ZERO_WIDTH[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
    {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF}};

static const range WIDE[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
    {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4},
    {0x17000, 0x18CFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
    {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F251}, {0x1F300, 0x1F320},
    {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA},
    {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E},
    {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E},
    {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4},
    {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2},
    {0x1F6D5, 0x1F6D7}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7EB},
    {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF},
    {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD}};

static int in_ranges(const range *r, size_t n, int32_t cp) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cp < r[mid].lo) hi = mid;
    else if (cp > r[mid].hi) lo = mid + 1;
    else return 1;
  }
  return 0;
}

static int cp_width(int32_t cp) {
  if (cp < 0x300) return 1;
  if (in_ranges(ZERO_WIDTH, sizeof ZERO_WIDTH / sizeof *ZERO_WIDTH, cp)) return 0;
  if (in_ranges(WIDE, sizeof WIDE / sizeof *WIDE, cp)) return 2;
  return 1;
}

size_t rs_width(const char *s, size_t n) {
  size_t i = 0, w = 0;
  const unsigned char *u = (const unsigned char *)s;
  while (i < n) {
    int32_t cp;
    if (u[i] < 0x80) {
      w++;
      i++;
      continue;
    }
    i += decode(u, n, i, &cp);
    w += cp < 0 ? 1 : (size_t)cp_width(cp);
  }
  return w;
}

static int finite(double v) { return v == v && v != HUGE_VAL && v != -HUGE_VAL; }

int rs_num_repr(double v, char *buf) {
  int p, n = 0;
  if (!finite(v)) return 0;
  for (p = 15; p <= 17; p++) {
    n = snprintf(buf, 32, "%.*g", p, v);
    if (strtod(buf, NULL) == v) break;
  }
  if (!strpbrk(buf, ".eE")) {
    buf[n++] = '.';
    buf[n++] = '0';
    buf[n] = 0;
  }
  return n;
}

/* Lua's tostring of a float ("%.14g", ".0" added when it looks integral) */
static int lua_numstr(double v, char *buf) {
  int n = snprintf(buf, 40, "%.14g", v);
  if (buf[strspn(buf, "-0123456789")] == '\0') {
    buf[n++] = '.';
    buf[n++] = '0';
    buf[n] = 0;
  }
  return n;
}

/* }====================================================== */

/* {====================================================== sort */

/* kinds in sort order, as result.lua's rank */
enum { K_NUM = 1, K_STR = 2, K_BOOL = 3, K_NAN = 5, K_NIL = 6 };

static int cell_kind(const rs_tcol *c, uint32_t r) {
  if (IS_NULL(c, r)) return K_NIL;
  switch (c->type) {
  case RS_TC_INT: return K_NUM;
  case RS_TC_NUM: return c->d[r] == c->d[r] ? K_NUM : K_NAN;
  case RS_TC_BOOL: return K_BOOL;
  case RS_TC_STR: return K_STR;
  default: return 4; /* lists: "other", all equal */
  }
}

static int bytes_cmp(const char *a, size_t na, const char *b, size_t nb) {
  size_t m = na < nb ? na : nb;
  int c = m ? memcmp(a, b, m) : 0;
  if (c) return c < 0 ? -1 : 1;
  return na < nb ? -1 : na > nb;
}

/* two flat spans, line breaks read as spaces */
static int flat_cmp(const char *a, size_t na, const char *b, size_t nb) {
  size_t i, m = na < nb ? na : nb;
  for (i = 0; i < m; i++) {
    unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
    if (is_flat_byte(x)) x = ' ';
    if (is_flat_byte(y)) y = ' ';
    if (x != y) return x < y ? -1 : 1;
  }
  return na < nb ? -1 : na > nb;
}

/* the byte at position i of a tuple joined by spaces, or -1 past its end */
typedef struct tcur {
  const rs_strtab *st;
  const uint32_t *ids;
  int k, part;
  const char *s;
  size_t n, i;
} tcur;

static void tcur_init(tcur *t, const rs_strtab *st, const uint32_t *ids, int k) {
  t->st = st;
  t->ids = ids;
  t->k = k;
  t->part = 0;
  t->i = 0;
  t->s = "";
  t->n = 0;
  if (st && ids[0] < st->n) t->s = rs_strtab_get(st, ids[0], &t->n);
}

static int tcur_next(tcur *t) {
  while (t->i >= t->n) {
    if (t->part + 1 >= t->k) return -1;
    t->part++;
    t->s = "";
    t->n = 0;
    t->i = 0;
    if (t->st && t->ids[t->part] < t->st->n) t->s = rs_strtab_get(t->st, t->ids[t->part], &t->n);
    return ' ';
  }
  return (unsigned char)t->s[t->i++];
}

static int tuple_cmp(const rs_table *T, const rs_tcol *c, uint32_t a, uint32_t b) {
  tcur x, y;
  const rs_strtab *st = T->ix ? &T->ix->attr[c->attr] : NULL;
  tcur_init(&x, st, c->id + (size_t)a * (size_t)c->k, c->k);
  tcur_init(&y, st, c->id + (size_t)b * (size_t)c->k, c->k);
  for (;;) {
    int p = tcur_next(&x), q = tcur_next(&y);
    if (p != q) return p < q ? -1 : 1;
    if (p < 0) return 0;
  }
}

typedef struct sortctx {
  const rs_table *T;
  const rs_tkey *keys;
  int nk;
  uint32_t **rank; /* per key: DICT ids ranked in byte order, or NULL */
} sortctx;

/* compare two values of the same kind of one column (-1, 0, 1) */
static int value_cmp(const sortctx *X, int k, const rs_tcol *c, int kind, uint32_t a, uint32_t b) {
  const rs_table *T = X->T;
  switch (kind) {
  case K_NUM:
    if (c->type == RS_TC_INT) return c->i[a] < c->i[b] ? -1 : c->i[a] > c->i[b];
    return c->d[a] < c->d[b] ? -1 : c->d[a] > c->d[b];
  case K_BOOL: return (c->b[a] != 0) - (c->b[b] != 0);
  case K_STR: {
    const char *sa, *sb;
    size_t na, nb;
    if (c->src == RS_TS_DICT) {
      uint32_t ra = X->rank[k][c->id[a]], rb = X->rank[k][c->id[b]];
      return ra < rb ? -1 : ra > rb;
    }
    if (c->src == RS_TS_TYPE && c->id[a] == c->id[b]) return 0;
    if (c->src == RS_TS_TUPLE) return tuple_cmp(T, c, a, b);
    if (c->src == RS_TS_SPAN && c->flat) {
      const rs_index *ix = T->ix;
      uint64_t oa = c->off[a], ob = c->off[b];
      size_t la = c->len[a], lb = c->len[b];
      if (!ix || oa > ix->textlen || la > ix->textlen - oa) la = 0, oa = 0;
      if (!ix || ob > ix->textlen || lb > ix->textlen - ob) lb = 0, ob = 0;
      return flat_cmp(ix ? ix->text + oa : "", la, ix ? ix->text + ob : "", lb);
    }
    str_direct(T, c, a, &sa, &na);
    str_direct(T, c, b, &sb, &nb);
    return bytes_cmp(sa, na, sb, nb);
  }
  default: return 0;
  }
}

static int row_cmp(const sortctx *X, uint32_t a, uint32_t b) {
  int k;
  for (k = 0; k < X->nk; k++) {
    const rs_tcol *c = &X->T->cols[X->keys[k].col];
    int ka = cell_kind(c, a), kb = cell_kind(c, b), v;
    if (ka != kb) return ka < kb ? -1 : 1;
    if (ka == K_NIL || ka == K_NAN) continue;
    v = value_cmp(X, k, c, ka, a, b);
    if (v) return X->keys[k].desc ? -v : v;
  }
  return 0;
}

/* a stable merge sort of v[0..n) with a context: before(ctx, x, y) < 0
** when x goes first; tmp holds n entries */
typedef int (*cmp_fn)(const void *ctx, uint32_t x, uint32_t y);

static void msort(uint32_t *v, uint32_t *tmp, size_t n, cmp_fn cmp, const void *ctx) {
  uint32_t *src = v, *dst = tmp;
  size_t w, i;
  for (i = 0; i < n; i += 8) { /* runs of 8 by insertion */
    size_t e = i + 8 < n ? i + 8 : n, j;
    for (j = i + 1; j < e; j++) {
      uint32_t x = v[j];
      size_t m = j;
      while (m > i && cmp(ctx, x, v[m - 1]) < 0) {
        v[m] = v[m - 1];
        m--;
      }
      v[m] = x;
    }
  }
  for (w = 8; w < n; w *= 2) {
    for (i = 0; i < n; i += 2 * w) {
      size_t a = i, am = i + w < n ? i + w : n, b = am, bm = i + 2 * w < n ? i + 2 * w : n, o = i;
      if (am >= bm || cmp(ctx, src[am], src[am - 1]) >= 0) { /* already in order */
        memcpy(dst + i, src + i, (bm - i) * sizeof *dst);
        continue;
      }
      while (a < am && b < bm) dst[o++] = cmp(ctx, src[b], src[a]) < 0 ? src[b++] : src[a++];
      while (a < am) dst[o++] = src[a++];
      while (b < bm) dst[o++] = src[b++];
    }
    {
      uint32_t *t = src;
      src = dst;
      dst = t;
    }
  }
  if (src != v) memcpy(v, src, n * sizeof *v);
}

static int dict_cmp(const void *ctx, uint32_t x, uint32_t y) {
  const rs_tcol *c = (const rs_tcol *)ctx;
  size_t la, lb;
  const char *a = dict_get(c, x, &la);
  const char *b = dict_get(c, y, &lb);
  return bytes_cmp(a, la, b, lb);
}

static int rows_cmp(const void *ctx, uint32_t x, uint32_t y) {
  return row_cmp((const sortctx *)ctx, x, y);
}

/* rank[id] = the place of dictionary string id in byte order */
static uint32_t *dict_ranks(rs_mem *M, const rs_tcol *c) {
  size_t n = c->ndict, i;
  uint32_t *ids = (uint32_t *)rs_malloc(M, asize(2 * n, sizeof *ids));
  uint32_t *rank = (uint32_t *)rs_malloc(M, asize(n, sizeof *rank));
  if (!ids || !rank) {
    rs_free(M, ids, asize(2 * n, sizeof *ids));
    rs_free(M, rank, asize(n, sizeof *rank));
    return NULL;
  }
  for (i = 0; i < n; i++) ids[i] = (uint32_t)i;
  msort(ids, ids + n, n, dict_cmp, c);
  for (i = 0; i < n; i++) rank[ids[i]] = (uint32_t)i;
  rs_free(M, ids, asize(2 * n, sizeof *ids));
  return rank;
}

int rs_table_sort(const rs_table *T, uint32_t *rows, size_t n, const rs_tkey *keys, int nkeys) {
  sortctx X;
  uint32_t *tmp;
  uint32_t *ranks[64];
  int k, err = RS_OK;
  if (nkeys < 0 || nkeys > 64) return RS_EINVAL;
  for (k = 0; k < nkeys; k++)
    if (keys[k].col < 0 || keys[k].col >= T->ncol) return RS_EINVAL;
  if (n < 2 || nkeys == 0) return RS_OK;
  {
    uint64_t mask = 0;
    for (k = 0; k < nkeys; k++) mask |= COLBIT(keys[k].col);
    if (need(T, rows, n, mask)) return RS_ENOMEM;
  }
  memset(ranks, 0, sizeof ranks);
  for (k = 0; k < nkeys; k++) {
    const rs_tcol *c = &T->cols[keys[k].col];
    if (c->type == RS_TC_STR && c->src == RS_TS_DICT) {
      ranks[k] = dict_ranks(T->M, c);
      if (!ranks[k]) {
        err = RS_ENOMEM;
        goto done;
      }
    }
  }
  X.T = T;
  X.keys = keys;
  X.nk = nkeys;
  X.rank = ranks;
  tmp = (uint32_t *)rs_malloc(T->M, n * sizeof *tmp);
  if (!tmp) {
    err = RS_ENOMEM;
    goto done;
  }
  msort(rows, tmp, n, rows_cmp, &X);
  rs_free(T->M, tmp, n * sizeof *tmp);
done:
  for (k = 0; k < nkeys; k++)
    if (ranks[k]) rs_free(T->M, ranks[k], asize(T->cols[keys[k].col].ndict, sizeof *ranks[k]));
  return err;
}

/* }====================================================== */

/* {====================================================== filter */

/* Lua's tonumber of a value given as text: 1 and *v (*isint and *iv for
** an integer), or 0 */
static int text_number(const char *s, size_t n, double *v, int *isint, int64_t *iv) {
  char buf[128], *end, *p;
  size_t a = 0, b = n;
  int hex;
  while (a < b && (s[a] == ' ' || (s[a] >= 9 && s[a] <= 13))) a++;
  while (b > a && (s[b - 1] == ' ' || (s[b - 1] >= 9 && s[b - 1] <= 13))) b--;
  if (a == b || b - a >= sizeof buf) return 0;
  memcpy(buf, s + a, b - a);
  buf[b - a] = 0;
  p = buf + (buf[0] == '-' || buf[0] == '+');
  hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
  if (!hex && strpbrk(buf, "nNiI")) return 0; /* inf, nan: not numbers to Lua */
  if (!strpbrk(p, hex ? ".pP" : ".eE")) {
    long long x;
    errno = 0;
    x = strtoll(buf, &end, hex ? 16 : 10);
    if (*end == 0 && end != buf && errno == 0) {
      *isint = 1;
      *iv = (int64_t)x;
      *v = (double)x;
      return 1;
    }
  }
  *v = strtod(buf, &end);
  if (*end != 0 || end == buf) return 0;
  *isint = 0;
  return 1;
}

/* a float equals an integer (as Lua compares them: exactly) */
static int num_eq_int(double d, int64_t i) {
  return d == floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0 && (int64_t)d == i;
}

/* the text of a cell as Lua's tostring gives it, into b; 0 for a nil
** cell (nothing written) */
static int cell_text(const rs_table *T, int ci, uint32_t r, rs_buf *b, int *err) {
  const rs_tcol *c = &T->cols[ci];
  char num[48];
  int n;
  b->n = 0;
  *err = 0;
  if (IS_NULL(c, r)) return 0;
  switch (c->type) {
  case RS_TC_INT: n = snprintf(num, sizeof num, "%" PRId64, c->i[r]); break;
  case RS_TC_NUM: n = lua_numstr(c->d[r], num); break;
  case RS_TC_BOOL: n = c->b[r] ? 4 : 5, memcpy(num, c->b[r] ? "true" : "false", (size_t)n + 1); break;
  case RS_TC_STR: *err = str_append(T, c, r, T->M, b); return 1;
  default: n = 0; break; /* a list: no text */
  }
  *err = rs_buf_add(T->M, b, num, (size_t)n);
  return 1;
}

static int num_cmp(double a, double b) { return a < b ? -1 : a > b ? 1 : 0; }

static int pred_pass(const rs_table *T, const rs_tpred *p, uint32_t r, rs_buf *b, int *err) {
  const rs_tcol *c = &T->cols[p->col];
  int isnum = !IS_NULL(c, r) && (c->type == RS_TC_INT || c->type == RS_TC_NUM);
  size_t k;
  *err = 0;
  if (IS_NULL(c, r)) return p->op == RS_TF_NE || p->op == RS_TF_HASNOT;
  if (p->op == RS_TF_EQ || p->op == RS_TF_NE) {
    int eq = 0, have = 0;
    for (k = 0; k < p->nvalues && !eq; k++) {
      double v;
      int64_t iv;
      int isint;
      if (isnum && text_number(p->values[k], p->lens[k], &v, &isint, &iv)) {
        if (c->type == RS_TC_INT) eq = isint ? c->i[r] == iv : num_eq_int(v, c->i[r]);
        else eq = isint ? num_eq_int(c->d[r], iv) : c->d[r] == v;
      } else {
        if (!have) {
          cell_text(T, p->col, r, b, err);
          if (*err) return 0;
          have = 1;
        }
        eq = b->n == p->lens[k] && (b->n == 0 || memcmp(b->p, p->values[k], b->n) == 0);
      }
    }
    return p->op == RS_TF_EQ ? eq : !eq;
  }
  if (p->op == RS_TF_HAS || p->op == RS_TF_HASNOT) {
    int has = 0;
    if (c->type == RS_TC_NUMLIST) return p->op == RS_TF_HASNOT;
    cell_text(T, p->col, r, b, err);
    if (*err) return 0;
    if (p->nvalues == 0) has = 1;
    else if (p->lens[0] == 0) has = 1;
    else if (b->n >= p->lens[0]) {
      size_t i;
      for (i = 0; i + p->lens[0] <= b->n && !has; i++)
        if (memcmp(b->p + i, p->values[0], p->lens[0]) == 0) has = 1;
    }
    return p->op == RS_TF_HAS ? has : !has;
  }
  if (p->nvalues == 0) return 0;
  {
    int cmp;
    double v;
    int64_t iv;
    int isint;
    if (isnum && text_number(p->values[0], p->lens[0], &v, &isint, &iv)) {
      if (c->type == RS_TC_INT) cmp = isint ? (c->i[r] < iv ? -1 : c->i[r] > iv) : num_cmp((double)c->i[r], v);
      else {
        if (c->d[r] != c->d[r]) return 0; /* NaN compares false */
        cmp = num_cmp(c->d[r], isint ? (double)iv : v);
      }
    } else {
      if (c->type == RS_TC_NUMLIST) return 0;
      cell_text(T, p->col, r, b, err);
      if (*err) return 0;
      cmp = bytes_cmp(b->p ? b->p : "", b->n, p->values[0], p->lens[0]);
    }
    switch (p->op) {
    case RS_TF_LT: return cmp < 0;
    case RS_TF_LE: return cmp <= 0;
    case RS_TF_GT: return cmp > 0;
    default: return cmp >= 0;
    }
  }
}

int rs_table_filter(const rs_table *T, const uint32_t *rows, size_t n, const rs_tpred *p,
                    int np, uint32_t *out, size_t *nout) {
  size_t i, k = 0;
  int j, err = RS_OK;
  rs_buf b;
  uint64_t mask = 0;
  for (j = 0; j < np; j++) {
    if (p[j].col < 0 || p[j].col >= T->ncol || p[j].op < RS_TF_EQ || p[j].op > RS_TF_HASNOT)
      return RS_EINVAL;
    mask |= COLBIT(p[j].col);
  }
  if (need(T, rows, n, mask)) return RS_ENOMEM;
  rs_buf_init(&b);
  for (i = 0; i < n; i++) {
    uint32_t r = rows[i];
    int pass = 1;
    for (j = 0; j < np && pass; j++) {
      pass = pred_pass(T, &p[j], r, &b, &err);
      if (err) goto done;
    }
    if (pass) out[k++] = r;
  }
done:
  rs_buf_free(T->M, &b);
  *nout = k;
  return err;
}

/* }====================================================== */

/* {====================================================== group */

static uint64_t mix(uint64_t h, uint64_t x) {
  h ^= x + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  return h;
}

static uint64_t cell_hash(const rs_table *T, const rs_tcol *c, uint32_t r, rs_buf *b) {
  if (IS_NULL(c, r)) return 0x1234567;
  switch (c->type) {
  case RS_TC_INT: return (uint64_t)c->i[r] * 0x9E3779B97F4A7C15ull;
  case RS_TC_NUM: {
    double d = c->d[r];
    uint64_t u;
    if (d == 0) d = 0; /* -0.0 and 0.0 */
    if (d != d) return 0x7ff8;
    memcpy(&u, &d, 8);
    return u * 0x9E3779B97F4A7C15ull;
  }
  case RS_TC_BOOL: return c->b[r] ? 0xb1 : 0xb0;
  default: {
    const char *s;
    size_t n;
    if (c->src == RS_TS_TYPE || c->src == RS_TS_DICT) return (uint64_t)c->id[r] * 0x9E3779B97F4A7C15ull + 1;
    if (c->src == RS_TS_TUPLE) {
      uint64_t h = 7;
      int k;
      for (k = 0; k < c->k; k++) h = mix(h, c->id[(size_t)r * (size_t)c->k + (size_t)k]);
      return h;
    }
    if (!str_direct(T, c, r, &s, &n)) {
      b->n = 0;
      if (str_append(T, c, r, T->M, b)) return 0;
      s = b->p;
      n = b->n;
    }
    return hash_bytes(s, n);
  }
  }
}

static int cell_equal(const rs_table *T, const rs_tcol *c, uint32_t a, uint32_t b) {
  int na = IS_NULL(c, a), nb = IS_NULL(c, b);
  if (na || nb) return na && nb;
  switch (c->type) {
  case RS_TC_INT: return c->i[a] == c->i[b];
  case RS_TC_NUM: return c->d[a] == c->d[b] || (c->d[a] != c->d[a] && c->d[b] != c->d[b]);
  case RS_TC_BOOL: return !c->b[a] == !c->b[b];
  default:
    if (c->src == RS_TS_TYPE || c->src == RS_TS_DICT) return c->id[a] == c->id[b];
    if (c->src == RS_TS_TUPLE)
      return memcmp(c->id + (size_t)a * (size_t)c->k, c->id + (size_t)b * (size_t)c->k,
                    (size_t)c->k * sizeof *c->id) == 0;
    if (c->src == RS_TS_SPAN && c->flat) {
      const rs_index *ix = T->ix;
      if (!ix) return 1;
      return c->len[a] == c->len[b] && flat_cmp(ix->text + c->off[a], c->len[a], ix->text + c->off[b], c->len[b]) == 0;
    }
    {
      const char *sa, *sb;
      size_t la, lb;
      str_direct(T, c, a, &sa, &la);
      str_direct(T, c, b, &sb, &lb);
      return la == lb && (la == 0 || memcmp(sa, sb, la) == 0);
    }
  }
}

/* copy cell (column from, row r) to row k of column to (same kind, made by
** copy_col) */
static int copy_cell(const rs_table *T, const rs_tcol *from, uint32_t r, rs_table *O, rs_tcol *to, size_t k) {
  if (IS_NULL(from, r)) {
    if (from->type == RS_TC_STR && from->src == RS_TS_OWN && rs_tcol_push(O->M, to, "", 0)) return RS_ENOMEM;
    return rs_tcol_set_null(O->M, to, O->nrow, k);
  }
  switch (from->type) {
  case RS_TC_INT: to->i[k] = from->i[r]; break;
  case RS_TC_NUM: to->d[k] = from->d[r]; break;
  case RS_TC_BOOL: to->b[k] = from->b[r]; break;
  default:
    switch (from->src) {
    case RS_TS_TYPE:
    case RS_TS_DICT: to->id[k] = from->id[r]; break;
    case RS_TS_TUPLE:
      memcpy(to->id + k * (size_t)to->k, from->id + (size_t)r * (size_t)from->k, (size_t)from->k * sizeof *to->id);
      break;
    case RS_TS_SPAN:
      to->off[k] = from->off[r];
      to->len[k] = from->len[r];
      break;
    default: {
      const char *s;
      size_t n;
      str_direct(T, from, r, &s, &n);
      return rs_tcol_push(O->M, to, s, n);
    }
    }
  }
  return RS_OK;
}

/* a column of O like `from` (a DICT column gets from's strings) */
static rs_tcol *copy_col(rs_table *O, const rs_tcol *from) {
  rs_tcol *c = NULL;
  switch (from->type) {
  case RS_TC_INT: return rs_table_int(O, from->name) ? &O->cols[O->ncol - 1] : NULL;
  case RS_TC_NUM: return rs_table_num(O, from->name) ? &O->cols[O->ncol - 1] : NULL;
  case RS_TC_BOOL: return rs_table_bool(O, from->name) ? &O->cols[O->ncol - 1] : NULL;
  case RS_TC_STR: break;
  default: return NULL;
  }
  switch (from->src) {
  case RS_TS_TYPE:
  case RS_TS_TUPLE:
    return rs_table_type(O, from->name, from->attr, from->k) ? &O->cols[O->ncol - 1] : NULL;
  case RS_TS_SPAN: return rs_table_span(O, from->name, from->flat);
  case RS_TS_OWN: return rs_table_own(O, from->name);
  default: {
    uint32_t i, id;
    c = rs_table_dict(O, from->name);
    for (i = 0; c && i < from->ndict; i++) {
      size_t l;
      const char *s = dict_get(from, i, &l);
      if (rs_tcol_intern(O->M, c, s, l, &id)) return NULL;
    }
    return c;
  }
  }
}

int rs_table_group(const rs_table *T, const uint32_t *rows, size_t n, const int *keys, int nk,
                   const char *count_name, const int *sums, int ns, rs_table **out) {
  rs_mem *M = T->M;
  uint32_t *slots = NULL, *first = NULL, *gid = NULL;
  size_t nslot = 16, ng = 0, i, firstcap = 0;
  rs_table *O = NULL;
  rs_buf b;
  int j, err = RS_ENOMEM;
  int64_t *cnt;
  *out = NULL;
  for (j = 0; j < nk; j++)
    if (keys[j] < 0 || keys[j] >= T->ncol || T->cols[keys[j]].type == RS_TC_NUMLIST) return RS_EINVAL;
  for (j = 0; j < ns; j++)
    if (sums[j] < 0 || sums[j] >= T->ncol ||
        (T->cols[sums[j]].type != RS_TC_INT && T->cols[sums[j]].type != RS_TC_NUM))
      return RS_EINVAL;
  {
    uint64_t mask = 0;
    for (j = 0; j < nk; j++) mask |= COLBIT(keys[j]);
    if (need(T, rows, n, mask)) return RS_ENOMEM;
  }
  rs_buf_init(&b);
  while (nslot < 2 * n) nslot *= 2;
  slots = (uint32_t *)rs_malloc(M, nslot * sizeof *slots);
  gid = (uint32_t *)rs_malloc(M, (n ? n : 1) * sizeof *gid);
  if (!slots || !gid) goto done;
  memset(slots, 0, nslot * sizeof *slots);
  for (i = 0; i < n; i++) { /* the group of each row, groups numbered as met */
    uint32_t r = rows[i];
    uint64_t h = 0x51;
    size_t s;
    for (j = 0; j < nk; j++) h = mix(h, cell_hash(T, &T->cols[keys[j]], r, &b));
    s = (size_t)(h ^ (h >> 29)) & (nslot - 1);
    for (;;) {
      uint32_t g = slots[s];
      if (!g) {
        if (rs_grow(M, (void **)&first, &firstcap, ng + 1, sizeof *first)) goto done;
        first[ng] = r;
        slots[s] = (uint32_t)++ng;
        gid[i] = (uint32_t)(ng - 1);
        break;
      }
      {
        int same = 1;
        for (j = 0; j < nk && same; j++) same = cell_equal(T, &T->cols[keys[j]], first[g - 1], r);
        if (same) {
          gid[i] = g - 1;
          break;
        }
      }
      s = (s + 1) & (nslot - 1);
    }
  }
  O = rs_table_new(M, ng);
  if (!O) goto done;
  O->ix = T->ix;
  for (j = 0; j < nk; j++) {
    const rs_tcol *from = &T->cols[keys[j]];
    rs_tcol *to;
    size_t g;
    err = RS_EINVAL;
    if (rs_table_find(O, from->name, from->namelen) >= 0) goto done;
    err = RS_ENOMEM;
    to = copy_col(O, from);
    if (!to) goto done;
    for (g = 0; g < ng; g++)
      if (copy_cell(T, from, first[g], O, to, g)) goto done;
  }
  err = RS_EINVAL;
  if (rs_table_find(O, count_name, strlen(count_name)) >= 0) goto done;
  err = RS_ENOMEM;
  cnt = rs_table_int(O, count_name);
  if (!cnt) goto done;
  for (i = 0; i < n; i++) cnt[gid[i]]++;
  for (j = 0; j < ns; j++) {
    const rs_tcol *from = &T->cols[sums[j]];
    err = RS_EINVAL;
    if (rs_table_find(O, from->name, from->namelen) >= 0) goto done;
    err = RS_ENOMEM;
    if (from->type == RS_TC_INT) {
      int64_t *s = rs_table_int(O, from->name);
      if (!s) goto done;
      for (i = 0; i < n; i++)
        if (!IS_NULL(from, rows[i])) s[gid[i]] = (int64_t)((uint64_t)s[gid[i]] + (uint64_t)from->i[rows[i]]);
    } else {
      double *s = rs_table_num(O, from->name);
      if (!s) goto done;
      for (i = 0; i < n; i++)
        if (!IS_NULL(from, rows[i])) s[gid[i]] += from->d[rows[i]];
    }
  }
  err = RS_OK;
  *out = O;
  O = NULL;
done:
  rs_table_free(O);
  rs_free(M, slots, nslot * sizeof *slots);
  rs_free(M, gid, (n ? n : 1) * sizeof *gid);
  rs_free(M, first, firstcap * sizeof *first);
  rs_buf_free(M, &b);
  return err;
}

/* }====================================================== */

/* {====================================================== the text table */

/* a string made safe for one line of a terminal (result.lua's clean):
** invalid bytes as U+FFFD, white space controls (\t \n \r \v \f) as
** spaces, the other C0 controls and DEL shown as \xHH and C1 controls as
** \u0080 .. \u009f (result.visible), so that no escape sequence reaches
** the terminal */
static int clean(rs_mem *M, const char *s, size_t n, rs_buf *out) {
  size_t start = out->n, i, len;
  int bad = 0;
  rs_buf v;
  for (i = 0; i < n && !bad; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 32 || c == 127 || c >= 0x80) bad = 1;
  }
  if (!bad) return rs_buf_add(M, out, s, n);
  if (is_valid_utf8(s, n)) {
    if (rs_buf_add(M, out, s, n)) return RS_ENOMEM;
  } else if (rs_valid_utf8(M, s, n, out)) {
    return RS_ENOMEM;
  }
  bad = 0;
  len = out->n - start;
  for (i = start; i < out->n && !bad; i++) {
    unsigned char c = (unsigned char)out->p[i];
    if ((c < 32 && !is_flat_byte(c)) || c == 127 || is_c1(out->p + start, len, i - start)) bad = 1;
    else if (is_flat_byte(c)) out->p[i] = ' ';
  }
  if (!bad) return RS_OK;
  /* shown: made again from a copy of the valid text */
  rs_buf_init(&v);
  if (rs_buf_add(M, &v, out->p + start, len)) return RS_ENOMEM;
  out->n = start;
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)v.p[i];
    char x[16];
    int xl = 0;
    if (is_flat_byte(c)) c = ' ';
    if (c < 32 || c == 127) xl = snprintf(x, sizeof x, "\\x%02x", c);
    else if (is_c1(v.p, len, i)) xl = snprintf(x, sizeof x, "\\u%04x", (unsigned char)v.p[++i]);
    if (xl ? rs_buf_add(M, out, x, (size_t)xl) : rs_buf_addc(M, out, c)) {
      rs_buf_free(M, &v);
      return RS_ENOMEM;
    }
  }
  rs_buf_free(M, &v);
  return RS_OK;
}

/* s (valid UTF-8, display width > limit) cut to width <= limit with an
** ellipsis: at the end, or at the start when keep_end */
static int truncate(rs_mem *M, const char *s, size_t n, size_t limit, int keep_end, rs_buf *out) {
  size_t room, w = 0, i;
  const unsigned char *u = (const unsigned char *)s;
  if (limit < 1) return RS_OK;
  room = limit - 1;
  if (keep_end) {
    size_t first = n; /* walk back code point by code point */
    i = n;
    while (i > 0) {
      size_t j = i - 1;
      int32_t cp;
      size_t cw;
      while (j > 0 && (u[j] & 0xC0) == 0x80) j--;
      decode(u, n, j, &cp);
      cw = cp < 0 ? 1 : (size_t)cp_width(cp);
      if (w + cw > room) break;
      w += cw;
      first = j;
      i = j;
    }
    if (rs_buf_add(M, out, "\xE2\x80\xA6", 3)) return RS_ENOMEM;
    return rs_buf_add(M, out, s + first, n - first);
  }
  i = 0;
  while (i < n) {
    int32_t cp;
    size_t l = decode(u, n, i, &cp), cw = cp < 0 ? 1 : (size_t)cp_width(cp);
    if (w + cw > room) break;
    w += cw;
    i += l;
  }
  if (rs_buf_add(M, out, s, i)) return RS_ENOMEM;
  return rs_buf_add(M, out, "\xE2\x80\xA6", 3);
}

/* decimals that about 4 significant digits of |v| need (finite, nonzero,
** in the fixed range), trailing zeros dropped */
static int decimals_for(double v) {
  double a = v < 0 ? -v : v;
  int d = 4 - ((int)floor(log10(a)) + 1), k;
  char buf[64];
  char *dot;
  if (d <= 0) return 0;
  snprintf(buf, sizeof buf, "%.*f", d, a);
  dot = strchr(buf, '.');
  if (!dot) return 0;
  k = (int)strlen(dot + 1);
  while (k > 0 && dot[k] == '0') k--;
  return k;
}

static int fixed_range(double v) {
  double a = v < 0 ? -v : v;
  return v == 0 || (a >= 1e-4 && a < 1e15);
}

/* the display text of a float with dec decimals (result.lua's float_text) */
static int float_text(double v, int dec, char *buf, size_t cap) {
  int n;
  if (!finite(v)) return snprintf(buf, cap, "-");
  if (!fixed_range(v)) return snprintf(buf, cap, "%.4g", v);
  n = snprintf(buf, cap, "%.*f", dec, v);
  if (buf[0] == '-' && buf[1 + strspn(buf + 1, "0.")] == 0) { /* no "-0.00" */
    memmove(buf, buf + 1, (size_t)n);
    n--;
  }
  return n;
}

/* a list as "a, b" (num_repr, empty for NaN) */
static int list_text(rs_mem *M, const double *v, size_t n, rs_buf *out) {
  size_t k;
  char num[40];
  for (k = 0; k < n; k++) {
    int l = rs_num_repr(v[k], num);
    if (k && rs_buf_add(M, out, ", ", 2)) return RS_ENOMEM;
    if (rs_buf_add(M, out, num, (size_t)l)) return RS_ENOMEM;
  }
  return RS_OK;
}

typedef struct fcell {
  size_t off, len, w; /* in the cell buffer */
  int right;
} fcell;

static int add_line(rs_mem *M, rs_buf *out, const rs_buf *cb, const fcell *cells, int nc,
                    const size_t *widths, const int *rights) {
  size_t start = out->n;
  int c;
  if (out->n && rs_buf_addc(M, out, '\n')) return RS_ENOMEM;
  start = out->n;
  for (c = 0; c < nc; c++) {
    const fcell *x = &cells[c];
    int right = rights ? rights[c] : x->right;
    size_t pad = widths[c] > x->w ? widths[c] - x->w : 0, k;
    if (c && rs_buf_add(M, out, "  ", 2)) return RS_ENOMEM;
    if (rs_buf_reserve(M, out, pad + x->len)) return RS_ENOMEM;
    if (right)
      for (k = 0; k < pad; k++) out->p[out->n++] = ' ';
    memcpy(out->p + out->n, cb->p + x->off, x->len);
    out->n += x->len;
    if (!right)
      for (k = 0; k < pad; k++) out->p[out->n++] = ' ';
  }
  while (out->n > start && out->p[out->n - 1] == ' ') out->n--;
  return RS_OK;
}

int rs_table_format(const rs_table *T, const uint32_t *rows, size_t n, const rs_tfmt *o,
                    rs_buf *out) {
  rs_mem *M = T->M;
  size_t shown = n < o->max_rows ? n : o->max_rows, r, *widths = NULL, i;
  int nc = o->ncols, c, err = RS_ENOMEM;
  fcell *cells = NULL, *head = NULL;
  int *headright = NULL;
  rs_buf cb, tmp, sc;
  rs_buf_init(&cb);
  rs_buf_init(&tmp);
  rs_buf_init(&sc);
  uint64_t mask = 0;
  for (c = 0; c < nc; c++) {
    if (o->cols[c] < 0 || o->cols[c] >= T->ncol) return RS_EINVAL;
    mask |= COLBIT(o->cols[c]);
  }
  if (need(T, rows, shown, mask)) return RS_ENOMEM;
  if (nc > 0 && shown > ((size_t)-1 / sizeof *cells) / (size_t)nc - 1) return RS_ENOMEM;
  cells = (fcell *)rs_malloc(M, (shown + 1) * (size_t)(nc ? nc : 1) * sizeof *cells);
  widths = (size_t *)rs_malloc(M, (size_t)(nc ? nc : 1) * sizeof *widths);
  headright = (int *)rs_malloc(M, (size_t)(nc ? nc : 1) * sizeof *headright);
  if (!cells || !widths || !headright) goto done;
  head = cells + shown * (size_t)nc;
  for (c = 0; c < nc; c++) {
    const rs_tcol *col = &T->cols[o->cols[c]];
    int align = o->align ? o->align[c] : -1, dec = 0;
    size_t numbers = 0, others = 0, colw;
    /* the decimals of the column's floats */
    for (r = 0; r < shown; r++) {
      uint32_t row = rows[r];
      if (IS_NULL(col, row)) continue;
      if (col->type == RS_TC_INT) numbers++;
      else if (col->type == RS_TC_NUM) {
        double v = col->d[row];
        numbers++;
        if (v != 0 && finite(v) && fixed_range(v)) {
          int d = decimals_for(v);
          if (d > dec) dec = d;
        }
      } else {
        others++;
      }
    }
    /* the header */
    tmp.n = 0;
    if (clean(M, col->name, col->namelen, &tmp)) goto done;
    headright[c] = align == 1 || (align < 0 && numbers > 0 && others == 0);
    head[c].w = rs_width(tmp.p, tmp.n);
    head[c].off = cb.n;
    if (head[c].w > o->max_width) {
      if (truncate(M, tmp.p, tmp.n, o->max_width, headright[c], &cb)) goto done;
      head[c].len = cb.n - head[c].off;
      head[c].w = rs_width(cb.p + head[c].off, head[c].len);
    } else {
      if (rs_buf_add(M, &cb, tmp.p, tmp.n)) goto done;
      head[c].len = tmp.n;
    }
    colw = head[c].w;
    for (r = 0; r < shown; r++) {
      uint32_t row = rows[r];
      fcell *x = &cells[r * (size_t)nc + (size_t)c];
      const char *s = NULL;
      size_t sl = 0;
      int isnum = !IS_NULL(col, row) && (col->type == RS_TC_INT || col->type == RS_TC_NUM);
      char num[64];
      tmp.n = 0;
      if (o->over && o->over[c] && o->over[c][r]) {
        s = o->over[c][r];
        sl = o->overlen[c][r];
      } else if (IS_NULL(col, row)) {
        s = "";
      } else {
        switch (col->type) {
        case RS_TC_INT:
          sl = (size_t)snprintf(num, sizeof num, "%" PRId64, col->i[row]);
          s = num;
          break;
        case RS_TC_NUM:
          sl = (size_t)float_text(col->d[row], dec, num, sizeof num);
          s = num;
          break;
        case RS_TC_BOOL:
          s = col->b[row] ? "true" : "false";
          sl = strlen(s);
          break;
        case RS_TC_NUMLIST:
          sc.n = 0;
          if (list_text(M, col->vals ? col->vals + col->off[row] : NULL,
                        (size_t)(col->off[row + 1] - col->off[row]), &sc))
            goto done;
          s = sc.p ? sc.p : "";
          sl = sc.n;
          break;
        default: {
          rs_tcell cell;
          if (rs_table_cell(T, o->cols[c], row, &sc, &cell)) goto done;
          s = cell.s;
          sl = cell.n;
        }
        }
      }
      if (clean(M, s, sl, &tmp)) goto done;
      x->right = align >= 0 ? align == 1 : isnum;
      x->w = rs_width(tmp.p, tmp.n);
      x->off = cb.n;
      if (x->w > o->max_width && !isnum) {
        if (truncate(M, tmp.p, tmp.n, o->max_width, x->right, &cb)) goto done;
        x->len = cb.n - x->off;
        x->w = rs_width(cb.p + x->off, x->len);
      } else {
        if (rs_buf_add(M, &cb, tmp.p, tmp.n)) goto done;
        x->len = tmp.n;
      }
      if (x->w > colw) colw = x->w;
    }
    widths[c] = colw;
  }
  if (o->title) { /* the title on a line of its own */
    if (clean(M, o->title, o->titlelen, out) || rs_buf_addc(M, out, '\n')) goto done;
  }
  { /* the header line */
    size_t start = out->n;
    for (c = 0; c < nc; c++) {
      size_t pad = widths[c] > head[c].w ? widths[c] - head[c].w : 0, k;
      if (c && rs_buf_add(M, out, "  ", 2)) goto done;
      if (rs_buf_reserve(M, out, pad + head[c].len)) goto done;
      if (headright[c])
        for (k = 0; k < pad; k++) out->p[out->n++] = ' ';
      memcpy(out->p + out->n, cb.p + head[c].off, head[c].len);
      out->n += head[c].len;
      if (!headright[c])
        for (k = 0; k < pad; k++) out->p[out->n++] = ' ';
    }
    while (out->n > start && out->p[out->n - 1] == ' ') out->n--;
  }
  /* the rule */
  if (rs_buf_addc(M, out, '\n')) goto done;
  for (c = 0; c < nc; c++) {
    if (c && rs_buf_add(M, out, "  ", 2)) goto done;
    if (rs_buf_reserve(M, out, widths[c])) goto done;
    memset(out->p + out->n, '-', widths[c]);
    out->n += widths[c];
  }
  for (r = 0; r < shown; r++)
    if (add_line(M, out, &cb, cells + r * (size_t)nc, nc, widths, NULL)) goto done;
  if (n == 0) {
    if (rs_buf_add(M, out, "\n(no rows)", 10)) goto done;
  } else if (shown < n) {
    char more[64];
    size_t k = n - shown;
    int l = snprintf(more, sizeof more, "\n\xE2\x80\xA6 %zu more %s", k, k == 1 ? "row" : "rows");
    if (rs_buf_add(M, out, more, (size_t)l)) goto done;
  }
  for (i = 0; i < o->nwarn; i++) {
    if (rs_buf_add(M, out, "\nwarning: ", 10)) goto done;
    if (clean(M, o->warn[i], o->warnlen[i], out)) goto done;
  }
  err = RS_OK;
done:
  rs_free(M, cells, (shown + 1) * (size_t)(nc ? nc : 1) * sizeof *cells);
  rs_free(M, widths, (size_t)(nc ? nc : 1) * sizeof *widths);
  rs_free(M, headright, (size_t)(nc ? nc : 1) * sizeof *headright);
  rs_buf_free(M, &cb);
  rs_buf_free(M, &tmp);
  rs_buf_free(M, &sc);
  return err;
}

/* }====================================================== */

/* {====================================================== TSV, CSV, JSON */

#define CHUNK ((size_t)64 << 10)

typedef struct wctx {
  rs_mem *M;
  rs_buf b;
  rs_tsink *sink;
  int err;
} wctx;

static int wflush(wctx *W) {
  if (W->b.n) {
    int e = W->sink->write(W->sink->ud, W->b.p, W->b.n);
    W->b.n = 0;
    if (e) return W->err = e;
  }
  return 0;
}

static int wadd(wctx *W, const char *s, size_t n) {
  if (rs_buf_add(W->M, &W->b, s, n)) return W->err = RS_ENOMEM;
  return 0;
}

/* a field of TSV: \\ \t \n \r escaped (PostgreSQL's text COPY), the other
** C0 controls and DEL as \xHH, a C1 control as the two bytes of its UTF-8
** (\xc2\xHH), as result.lua writes them */
static int tsv_text(wctx *W, const char *s, size_t n) {
  size_t i, run = 0;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *e = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : NULL;
    char x[16];
    size_t el = 2, skip = 0;
    if (!e && (c < 32 || c == 127)) {
      el = (size_t)snprintf(x, sizeof x, "\\x%02x", c);
      e = x;
    } else if (!e && is_c1(s, n, i)) {
      el = (size_t)snprintf(x, sizeof x, "\\xc2\\x%02x", (unsigned char)s[i + 1]);
      e = x;
      skip = 1;
    }
    if (!e) continue;
    if (wadd(W, s + run, i - run) || wadd(W, e, el)) return W->err;
    i += skip;
    run = i + 1;
  }
  return wadd(W, s + run, n - run);
}

/* a field of CSV: quoted when it holds a comma, a quote or a control
** character (C0, DEL, C1: RFC 4180 has no escapes, so that readers take
** its bytes as data) */
static int csv_text(wctx *W, const char *s, size_t n) {
  size_t i, run = 0;
  int q = 0;
  for (i = 0; i < n && !q; i++)
    q = s[i] == ',' || s[i] == '"' || (unsigned char)s[i] < 32 || s[i] == 127 || is_c1(s, n, i);
  if (!q) return wadd(W, s, n);
  if (wadd(W, "\"", 1)) return W->err;
  for (i = 0; i < n; i++) {
    if (s[i] != '"') continue;
    if (wadd(W, s + run, i + 1 - run) || wadd(W, "\"", 1)) return W->err;
    run = i + 1;
  }
  if (wadd(W, s + run, n - run)) return W->err;
  return wadd(W, "\"", 1);
}

/* a JSON string as lua-cjson writes it: UTF-8 (invalid bytes as U+FFFD),
** " \ and C0 controls and DEL escaped, / kept; and C1 controls as \u0080
** .. \u009f, as result.lua adds */
static int json_text(wctx *W, const char *s, size_t n, rs_buf *tmp) {
  size_t i, run = 0;
  if (!is_valid_utf8(s, n)) {
    tmp->n = 0;
    if (rs_valid_utf8(W->M, s, n, tmp)) return W->err = RS_ENOMEM;
    s = tmp->p;
    n = tmp->n;
  }
  if (wadd(W, "\"", 1)) return W->err;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    char e[8];
    size_t el = 2;
    if (is_c1(s, n, i)) {
      el = (size_t)snprintf(e, sizeof e, "\\u%04x", (unsigned char)s[i + 1]);
      if (wadd(W, s + run, i - run) || wadd(W, e, el)) return W->err;
      i += 1;
      run = i + 1;
      continue;
    }
    if (c >= 32 && c != '"' && c != '\\' && c != 127) continue;
    switch (c) {
    case '"': memcpy(e, "\\\"", 2); break;
    case '\\': memcpy(e, "\\\\", 2); break;
    case '\b': memcpy(e, "\\b", 2); break;
    case '\f': memcpy(e, "\\f", 2); break;
    case '\n': memcpy(e, "\\n", 2); break;
    case '\r': memcpy(e, "\\r", 2); break;
    case '\t': memcpy(e, "\\t", 2); break;
    default: el = (size_t)snprintf(e, sizeof e, "\\u%04x", c);
    }
    if (wadd(W, s + run, i - run) || wadd(W, e, el)) return W->err;
    run = i + 1;
  }
  if (wadd(W, s + run, n - run)) return W->err;
  return wadd(W, "\"", 1);
}

/* the text of a number in the files ("" for NaN and infinities in TSV and
** CSV, null in JSON) */
static size_t num_text(const rs_tcol *c, uint32_t r, char *buf) {
  if (c->type == RS_TC_INT) return (size_t)snprintf(buf, 32, "%" PRId64, c->i[r]);
  return (size_t)rs_num_repr(c->d[r], buf);
}

static int write_cell(wctx *W, const rs_table *T, int ci, uint32_t r, int fmt, rs_buf *sc, rs_buf *tmp) {
  const rs_tcol *c = &T->cols[ci];
  char num[40];
  size_t l;
  if (IS_NULL(c, r)) return fmt == RS_TW_JSON ? wadd(W, "null", 4) : 0;
  switch (c->type) {
  case RS_TC_INT:
  case RS_TC_NUM:
    l = num_text(c, r, num);
    if (l == 0 && fmt == RS_TW_JSON) return wadd(W, "null", 4);
    return wadd(W, num, l);
  case RS_TC_BOOL: return c->b[r] ? wadd(W, "true", 4) : wadd(W, "false", 5);
  case RS_TC_NUMLIST: {
    const double *v = c->vals ? c->vals + c->off[r] : NULL;
    size_t k, n = (size_t)(c->off[r + 1] - c->off[r]);
    if (fmt == RS_TW_JSON) {
      if (wadd(W, "[", 1)) return W->err;
      for (k = 0; k < n; k++) {
        l = (size_t)rs_num_repr(v[k], num);
        if ((k && wadd(W, ",", 1)) || (l ? wadd(W, num, l) : wadd(W, "null", 4))) return W->err;
      }
      return wadd(W, "]", 1);
    }
    sc->n = 0;
    if (list_text(W->M, v, n, sc)) return W->err = RS_ENOMEM;
    return fmt == RS_TW_CSV ? csv_text(W, sc->p ? sc->p : "", sc->n) : tsv_text(W, sc->p ? sc->p : "", sc->n);
  }
  default: {
    rs_tcell cell;
    if (rs_table_cell(T, ci, r, sc, &cell)) return W->err = RS_ENOMEM;
    if (fmt == RS_TW_JSON) return json_text(W, cell.s, cell.n, tmp);
    return fmt == RS_TW_CSV ? csv_text(W, cell.s, cell.n) : tsv_text(W, cell.s, cell.n);
  }
  }
}

/* the lazy cells of rows i.. (a batch at a time, as the writer goes) */
#define WBATCH 8192

static int wneed(wctx *W, const rs_table *T, const uint32_t *rows, size_t n, size_t i, uint64_t mask) {
  if (i % WBATCH == 0 && need(T, rows + i, n - i < WBATCH ? n - i : WBATCH, mask)) return W->err = RS_ENOMEM;
  return 0;
}

int rs_table_write(const rs_table *T, const uint32_t *rows, size_t n, const int *cols, int ncols,
                   int fmt, rs_tsink *sink) {
  wctx W;
  rs_buf sc, tmp, names;
  size_t i, *noff = NULL;
  int c;
  uint64_t mask = 0;
  for (c = 0; c < ncols; c++) {
    if (cols[c] < 0 || cols[c] >= T->ncol) return RS_EINVAL;
    mask |= COLBIT(cols[c]);
  }
  if (fmt < RS_TW_TSV || fmt > RS_TW_JSON) return RS_EINVAL;
  W.M = T->M;
  rs_buf_init(&W.b);
  W.sink = sink;
  W.err = 0;
  rs_buf_init(&sc);
  rs_buf_init(&tmp);
  rs_buf_init(&names);
  if (rs_buf_reserve(W.M, &W.b, CHUNK + 4096)) {
    W.err = RS_ENOMEM;
    goto done;
  }
  if (fmt == RS_TW_JSON) {
    /* the names as JSON strings with their colon, made once */
    wctx N = W;
    noff = (size_t *)rs_malloc(W.M, ((size_t)ncols + 1) * sizeof *noff);
    if (!noff) {
      W.err = RS_ENOMEM;
      goto done;
    }
    N.b = names;
    for (c = 0; c < ncols; c++) {
      const rs_tcol *col = &T->cols[cols[c]];
      noff[c] = N.b.n;
      if (json_text(&N, col->name, col->namelen, &tmp) || wadd(&N, ":", 1)) {
        names = N.b;
        W.err = RS_ENOMEM;
        goto done;
      }
    }
    noff[ncols] = N.b.n;
    names = N.b;
    if (n == 0) wadd(&W, "[]\n", 3);
    for (i = 0; i < n && !W.err; i++) {
      if (wneed(&W, T, rows, n, i, mask)) break;
      wadd(&W, i == 0 ? "[\n{" : ",\n{", 3);
      for (c = 0; c < ncols && !W.err; c++) {
        if (c) wadd(&W, ",", 1);
        wadd(&W, names.p + noff[c], noff[c + 1] - noff[c]);
        write_cell(&W, T, cols[c], rows[i], fmt, &sc, &tmp);
      }
      wadd(&W, i + 1 == n ? "}\n]\n" : "}", i + 1 == n ? 4 : 1);
      if (W.b.n >= CHUNK) wflush(&W);
    }
  } else {
    const char *sep = fmt == RS_TW_CSV ? "," : "\t";
    for (c = 0; c < ncols && !W.err; c++) {
      const rs_tcol *col = &T->cols[cols[c]];
      if (c) wadd(&W, sep, 1);
      if (fmt == RS_TW_CSV) csv_text(&W, col->name, col->namelen);
      else tsv_text(&W, col->name, col->namelen);
    }
    wadd(&W, "\n", 1);
    for (i = 0; i < n && !W.err; i++) {
      if (wneed(&W, T, rows, n, i, mask)) break;
      for (c = 0; c < ncols && !W.err; c++) {
        if (c) wadd(&W, sep, 1);
        write_cell(&W, T, cols[c], rows[i], fmt, &sc, &tmp);
      }
      wadd(&W, "\n", 1);
      if (W.b.n >= CHUNK) wflush(&W);
    }
  }
  if (!W.err) wflush(&W);
done:
  rs_buf_free(W.M, &W.b);
  rs_buf_free(W.M, &sc);
  rs_buf_free(W.M, &tmp);
  rs_buf_free(W.M, &names);
  rs_free(W.M, noff, ((size_t)ncols + 1) * sizeof *noff);
  return W.err;
}

/* }====================================================== */
