/*
** dfm.c: the document-feature matrix (see dfm.h). One pass over the tokens
** of each row's speeches counts the row's types in a dense counter (reset
** through a touched list), appending (type, count) pairs and summing each
** type's total and row count; the features are then chosen and ordered,
** and the pairs become compressed sparse rows over the features.
*/
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dfm.h"

#define NONE 0xFFFFFFFFu

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

void rs_dfm_free(rs_mem *M, rs_dfm *d) {
  free_n(M, d->rowptr, (size_t)d->nrows + 1, sizeof *d->rowptr);
  free_n(M, d->col, (size_t)d->nnz, sizeof *d->col);
  free_n(M, d->val, (size_t)d->nnz, sizeof *d->val);
  free_n(M, d->feat, d->ncols, sizeof *d->feat);
  free_n(M, d->fcount, d->ncols, sizeof *d->fcount);
  free_n(M, d->fdocs, d->ncols, sizeof *d->fdocs);
  free_n(M, d->rowtok, d->nrows, sizeof *d->rowtok);
  memset(d, 0, sizeof *d);
}

/* the columns' order: count descending, then the byte order of the form */
typedef struct fcand {
  uint64_t count;
  uint32_t type;
} fcand;

static const rs_strtab *sort_tab; /* qsort has no context argument */

static int fcand_cmp(const void *a, const void *b) {
  const fcand *x = a, *y = b;
  size_t lx, ly, m;
  const char *sx, *sy;
  int c;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  sx = rs_strtab_get(sort_tab, x->type, &lx);
  sy = rs_strtab_get(sort_tab, y->type, &ly);
  m = lx < ly ? lx : ly;
  c = memcmp(sx, sy, m);
  if (c) return c;
  return lx < ly ? -1 : lx > ly;
}

/* sort v[0..n) of (column << 32 | count) ascending */
static void sort_u64(uint64_t *v, size_t n) {
  while (n > 16) { /* quicksort, the smaller side recursively */
    uint64_t p = v[n / 2], t;
    size_t i = 0, j = n - 1;
    for (;;) {
      while (v[i] < p) i++;
      while (v[j] > p) j--;
      if (i >= j) break;
      t = v[i];
      v[i] = v[j];
      v[j] = t;
      i++;
      j--;
    }
    if (j + 1 < n - j - 1) {
      sort_u64(v, j + 1);
      v += j + 1;
      n -= j + 1;
    } else {
      sort_u64(v + j + 1, n - j - 1);
      n = j + 1;
    }
  }
  {
    size_t i, j;
    for (i = 1; i < n; i++) {
      uint64_t x = v[i];
      for (j = i; j > 0 && v[j - 1] > x; j--) v[j] = v[j - 1];
      v[j] = x;
    }
  }
}

int rs_dfm_build(rs_mem *M, const rs_index *ix, const rs_dfm_opts *o, rs_dfm *out) {
  uint32_t a = (uint32_t)o->attr, nt, d, r, t, *cnt = NULL, *touched = NULL, *order = NULL,
           *first = NULL, *colof = NULL, *df = NULL;
  uint64_t *pairs = NULL, *tot = NULL, npairs = 0, pcap = 0, k;
  uint64_t *rstart = NULL;
  fcand *cand = NULL;
  size_t ncand = 0, i;
  int err = RS_ENOMEM;
  memset(out, 0, sizeof *out);
  if (o->attr < 0 || !rs_attr_valid(ix, o->attr)) return RS_EINVAL;
  nt = ix->attr[a].n;
  out->attr = o->attr;
  out->nrows = o->nrows;
  cnt = zalloc_n(M, nt, sizeof *cnt);
  touched = alloc_n(M, nt, sizeof *touched);
  tot = zalloc_n(M, nt, sizeof *tot);
  df = zalloc_n(M, nt, sizeof *df);
  /* the speeches of each row, in order: a counting sort of row_of */
  first = zalloc_n(M, (size_t)o->nrows + 1, sizeof *first);
  order = alloc_n(M, ix->ndoc, sizeof *order);
  rstart = alloc_n(M, (size_t)o->nrows + 1, sizeof *rstart);
  out->rowtok = zalloc_n(M, o->nrows, sizeof *out->rowtok);
  if (!cnt || !touched || !tot || !df || !first || !order || !rstart || !out->rowtok) goto done;
  for (d = 0; d < ix->ndoc; d++)
    if (o->row_of[d] < o->nrows) first[o->row_of[d] + 1]++;
  for (r = 0; r < o->nrows; r++) first[r + 1] += first[r];
  {
    uint32_t *pos = alloc_n(M, (size_t)o->nrows + 1, sizeof *pos);
    if (!pos) goto done;
    memcpy(pos, first, ((size_t)o->nrows + 1) * sizeof *pos);
    for (d = 0; d < ix->ndoc; d++)
      if (o->row_of[d] < o->nrows) order[pos[o->row_of[d]]++] = d;
    free_n(M, pos, (size_t)o->nrows + 1, sizeof *pos);
  }
  /* pass 1: (type, count) pairs row by row */
  pcap = (uint64_t)ix->ntok / 4 + 1024;
  pairs = alloc_n(M, (size_t)pcap, sizeof *pairs);
  if (!pairs) goto done;
  for (r = 0; r < o->nrows; r++) {
    uint32_t nw = 0, j;
    rstart[r] = npairs;
    for (j = first[r]; j < first[r + 1]; j++) {
      const rs_docrec *rec = &ix->docs[order[j]];
      uint64_t e64 = (uint64_t)rec->first + rec->ntok;
      uint32_t p = rec->first < ix->ntok ? rec->first : ix->ntok;
      uint32_t e = e64 < ix->ntok ? (uint32_t)e64 : ix->ntok;
      out->rowtok[r] += e - p;
      if (a == RS_ATTR_WORD) {
        for (; p < e; p++) {
          t = ix->stream[p];
          if (t < nt && cnt[t]++ == 0) touched[nw++] = t;
        }
      } else if (a < RS_NATTR) {
        const uint32_t *map = ix->map[a];
        uint32_t nwt = ix->attr[0].n;
        for (; p < e; p++) {
          uint32_t w = ix->stream[p];
          if (w >= nwt) continue;
          t = map[w];
          if (t < nt && cnt[t]++ == 0) touched[nw++] = t;
        }
      } else {
        const uint32_t *xs = ix->xstream[a];
        for (; p < e; p++) {
          t = xs[p];
          if (t < nt && cnt[t]++ == 0) touched[nw++] = t;
        }
      }
    }
    if (npairs + nw > pcap) {
      size_t cap = (size_t)pcap;
      if (rs_grow(M, (void **)&pairs, &cap, (size_t)(npairs + nw), sizeof *pairs)) goto done;
      pcap = cap;
    }
    for (j = 0; j < nw; j++) {
      t = touched[j];
      pairs[npairs++] = (uint64_t)t << 32 | cnt[t];
      tot[t] += cnt[t];
      df[t]++;
      cnt[t] = 0;
    }
  }
  rstart[o->nrows] = npairs;
  /* the features: filtered, ordered, cut */
  cand = alloc_n(M, nt, sizeof *cand);
  colof = alloc_n(M, nt, sizeof *colof);
  if (!cand || !colof) goto done;
  for (t = 0; t < nt; t++) {
    colof[t] = NONE;
    if (!df[t]) continue;
    out->candidates++;
    if (tot[t] < o->min_count || df[t] < o->min_docs) continue;
    if (o->tflags && (o->tflags[t] & o->exclude)) continue;
    cand[ncand].count = tot[t];
    cand[ncand].type = t;
    ncand++;
  }
  sort_tab = &ix->attr[a];
  qsort(cand, ncand, sizeof *cand, fcand_cmp);
  if (o->max_features && ncand > o->max_features) ncand = o->max_features;
  out->ncols = (uint32_t)ncand;
  out->feat = alloc_n(M, ncand, sizeof *out->feat);
  out->fcount = alloc_n(M, ncand, sizeof *out->fcount);
  out->fdocs = alloc_n(M, ncand, sizeof *out->fdocs);
  if (!out->feat || !out->fcount || !out->fdocs) goto done;
  for (i = 0; i < ncand; i++) {
    t = cand[i].type;
    out->feat[i] = t;
    out->fcount[i] = cand[i].count;
    out->fdocs[i] = df[t];
    colof[t] = (uint32_t)i;
  }
  /* pass 2: the rows over the columns, in place (kept pairs move down) */
  out->rowptr = alloc_n(M, (size_t)o->nrows + 1, sizeof *out->rowptr);
  if (!out->rowptr) goto done;
  k = 0;
  for (r = 0; r < o->nrows; r++) {
    uint64_t j, s = k;
    out->rowptr[r] = k;
    for (j = rstart[r]; j < rstart[r + 1]; j++) {
      uint32_t c = colof[pairs[j] >> 32];
      if (c != NONE) pairs[k++] = (uint64_t)c << 32 | (pairs[j] & 0xFFFFFFFFu);
    }
    sort_u64(pairs + s, (size_t)(k - s));
  }
  out->rowptr[o->nrows] = k;
  out->nnz = k;
  out->col = alloc_n(M, (size_t)k, sizeof *out->col);
  out->val = alloc_n(M, (size_t)k, sizeof *out->val);
  if (!out->col || !out->val) goto done;
  for (k = 0; k < out->nnz; k++) {
    out->col[k] = (uint32_t)(pairs[k] >> 32);
    out->val[k] = (uint32_t)pairs[k];
  }
  err = RS_OK;
done:
  free_n(M, cnt, nt, sizeof *cnt);
  free_n(M, touched, nt, sizeof *touched);
  free_n(M, tot, nt, sizeof *tot);
  free_n(M, df, nt, sizeof *df);
  free_n(M, first, (size_t)o->nrows + 1, sizeof *first);
  free_n(M, order, ix->ndoc, sizeof *order);
  free_n(M, rstart, (size_t)o->nrows + 1, sizeof *rstart);
  free_n(M, pairs, (size_t)pcap, sizeof *pairs);
  free_n(M, cand, nt, sizeof *cand);
  free_n(M, colof, nt, sizeof *colof);
  if (err) rs_dfm_free(M, out);
  return err;
}

/* {====================================================== Matrix Market */

static char *put_u64(char *p, uint64_t v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) *p++ = tmp[--n];
  return p;
}

int rs_dfm_write_mtx(rs_mem *M, const rs_dfm *d, const char *path, const char *comment,
                     char *err, size_t errlen, int *err_no) {
  size_t tlen = strlen(path) + 16, bufsz = (size_t)1 << 20, used = 0;
  char *tmp = rs_malloc(M, tlen), *buf = rs_malloc(M, bufsz);
  FILE *f = NULL;
  int fd, ok = 1;
  uint32_t r;
  *err_no = 0;
  if (!tmp || !buf) {
    rs_free(M, tmp, tlen);
    rs_free(M, buf, bufsz);
    return RS_ENOMEM;
  }
  snprintf(tmp, tlen, "%s.tmpXXXXXX", path);
  fd = mkstemp(tmp);
  if (fd < 0 || !(f = fdopen(fd, "wb"))) {
    *err_no = errno;
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    if (fd >= 0) {
      close(fd);
      unlink(tmp);
    }
    rs_free(M, tmp, tlen);
    rs_free(M, buf, bufsz);
    return RS_EIO;
  }
  fputs("%%MatrixMarket matrix coordinate integer general\n", f);
  while (comment && *comment) {
    const char *nl = strchr(comment, '\n');
    size_t n = nl ? (size_t)(nl - comment) : strlen(comment);
    fputc('%', f);
    fwrite(comment, 1, n, f);
    fputc('\n', f);
    comment += n + (nl != NULL);
  }
  fprintf(f, "%u %u %llu\n", (unsigned)d->nrows, (unsigned)d->ncols, (unsigned long long)d->nnz);
  for (r = 0; r < d->nrows && ok; r++) {
    uint64_t k;
    for (k = d->rowptr[r]; k < d->rowptr[r + 1]; k++) {
      char *p;
      if (used + 64 > bufsz) {
        if (fwrite(buf, 1, used, f) != used) ok = 0;
        used = 0;
      }
      p = buf + used;
      p = put_u64(p, (uint64_t)r + 1);
      *p++ = ' ';
      p = put_u64(p, (uint64_t)d->col[k] + 1);
      *p++ = ' ';
      p = put_u64(p, d->val[k]);
      *p++ = '\n';
      used = (size_t)(p - buf);
    }
  }
  if (ok && used && fwrite(buf, 1, used, f) != used) ok = 0;
  if (fflush(f) != 0 || ferror(f)) ok = 0;
  if (!ok) *err_no = errno ? errno : EIO;
  if (fclose(f) != 0 && ok) {
    ok = 0;
    *err_no = errno ? errno : EIO;
  }
  if (ok) {
    /* a new file as any other export: 0666 less the umask (mkstemp made it 0600) */
    mode_t um = umask(0);
    umask(um);
    chmod(tmp, 0666 & ~um);
    if (rename(tmp, path) != 0) {
      ok = 0;
      *err_no = errno;
    }
  }
  if (!ok) {
    snprintf(err, errlen, "%s: %s", path, strerror(*err_no));
    unlink(tmp);
  }
  rs_free(M, tmp, tlen);
  rs_free(M, buf, bufsz);
  return ok ? RS_OK : RS_EIO;
}

/* }====================================================== */
