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
#include "fsout.h"

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
  if (d->ent) rs_big_free(M, d->ent, d->entcap, sizeof *d->ent);
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

int rs_dfm_build(rs_mem *M, const rs_index *ix, const rs_dfm_opts *o, rs_dfm *out) {
  uint32_t a = (uint32_t)o->attr, nt, d, r, t, *cnt = NULL, *touched = NULL, *order = NULL,
           *first = NULL, *colof = NULL, *df = NULL;
  uint64_t *pairs = NULL, *tot = NULL, npairs = 0, pcap = 0, k;
  uint64_t *rstart = NULL, *bitmap = NULL;
  uint32_t *colcnt = NULL;
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
  {
    size_t cap = 0;
    if (rs_big_grow(M, (void **)&pairs, &cap, (size_t)ix->ntok / 3 + 1024, sizeof *pairs)) goto done;
    pcap = cap;
  }
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
      if (rs_big_grow(M, (void **)&pairs, &cap, (size_t)(npairs + nw), sizeof *pairs)) goto done;
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
  /* pass 2: the rows over the columns; a bitmap over the columns puts a
  ** row's entries in column order without sorting */
  out->rowptr = alloc_n(M, (size_t)o->nrows + 1, sizeof *out->rowptr);
  bitmap = zalloc_n(M, (size_t)ncand / 64 + 1, sizeof *bitmap);
  colcnt = alloc_n(M, ncand, sizeof *colcnt);
  if (!out->rowptr || !bitmap || !colcnt) goto done;
  for (k = 0, r = 0; r < o->nrows; r++) {
    uint64_t j;
    uint32_t lo = NONE, hi = 0, wd;
    out->rowptr[r] = k;
    for (j = rstart[r]; j < rstart[r + 1]; j++) {
      uint32_t c = colof[pairs[j] >> 32];
      if (c == NONE) continue;
      bitmap[c >> 6] |= (uint64_t)1 << (c & 63);
      colcnt[c] = (uint32_t)pairs[j];
      if (c < lo) lo = c;
      if (c > hi) hi = c;
    }
    if (lo == NONE) continue;
    /* the kept pairs go back into pairs[k..], which trails j */
    for (wd = lo >> 6; wd <= hi >> 6; wd++) {
      uint64_t bw = bitmap[wd];
      bitmap[wd] = 0;
      while (bw) {
        uint32_t c = wd * 64 + (uint32_t)__builtin_ctzll(bw);
        bw &= bw - 1;
        pairs[k++] = (uint64_t)c << 32 | colcnt[c];
      }
    }
  }
  out->rowptr[o->nrows] = k;
  out->nnz = k;
  out->ent = pairs; /* the pairs are the entries now */
  out->entcap = (size_t)pcap;
  pairs = NULL;
  err = RS_OK;
done:
  free_n(M, cnt, nt, sizeof *cnt);
  free_n(M, touched, nt, sizeof *touched);
  free_n(M, tot, nt, sizeof *tot);
  free_n(M, df, nt, sizeof *df);
  free_n(M, first, (size_t)o->nrows + 1, sizeof *first);
  free_n(M, order, ix->ndoc, sizeof *order);
  free_n(M, rstart, (size_t)o->nrows + 1, sizeof *rstart);
  if (pairs) rs_big_free(M, pairs, (size_t)pcap, sizeof *pairs);
  free_n(M, bitmap, (size_t)ncand / 64 + 1, sizeof *bitmap);
  free_n(M, colcnt, ncand, sizeof *colcnt);
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

/* an output for path (csrc/fsout.h: a temporary file renamed over a
** regular file at the end, a device or FIFO written straight, links
** followed, modes kept), as a stream; NULL with *err_no set (0: no memory) */
static FILE *open_out(rs_mem *M, rs_out *o, const char *path, char *err, size_t errlen,
                      int *err_no) {
  FILE *f;
  int e = rs_out_open(M, o, path, 0, err, errlen);
  if (e) {
    *err_no = e == ENOMEM ? 0 : e;
    return NULL;
  }
  f = rs_out_stream(o);
  if (!f) {
    e = errno ? errno : EIO;
    rs_out_abort(M, o);
    snprintf(err, errlen, "%s: %s", path, strerror(e));
    *err_no = e == ENOMEM ? 0 : e;
  }
  return f;
}

/* close f and commit o (ok: nothing failed so far); the result code */
static int close_out(rs_mem *M, rs_out *o, FILE *f, const char *path, int ok, char *err,
                     size_t errlen, int *err_no) {
  int e = rs_out_finish(M, o, f, ok, *err_no ? *err_no : (ok ? 0 : errno), path, err, errlen);
  if (!e) return RS_OK;
  *err_no = e;
  return e == ENOMEM ? RS_ENOMEM : RS_EIO;
}

int rs_dfm_write_mtx(rs_mem *M, const rs_dfm *d, const char *path, const char *comment,
                     char *err, size_t errlen, int *err_no) {
  size_t bufsz = (size_t)1 << 20, used = 0;
  char *buf = rs_malloc(M, bufsz);
  rs_out o;
  FILE *f;
  int ok = 1;
  uint32_t r;
  *err_no = 0;
  if (!buf) return RS_ENOMEM;
  f = open_out(M, &o, path, err, errlen, err_no);
  if (!f) {
    rs_free(M, buf, bufsz);
    return *err_no ? RS_EIO : RS_ENOMEM;
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
    char rs[24];
    size_t rl = (size_t)(put_u64(rs, (uint64_t)r + 1) - rs);
    for (k = d->rowptr[r]; k < d->rowptr[r + 1]; k++) {
      char *p;
      if (used + 64 > bufsz) {
        if (fwrite(buf, 1, used, f) != used) ok = 0;
        used = 0;
      }
      p = buf + used;
      memcpy(p, rs, rl);
      p += rl;
      *p++ = ' ';
      p = put_u64(p, (uint64_t)RS_DFM_COL(d->ent[k]) + 1);
      *p++ = ' ';
      p = put_u64(p, RS_DFM_VAL(d->ent[k]));
      *p++ = '\n';
      used = (size_t)(p - buf);
    }
  }
  if (ok && used && fwrite(buf, 1, used, f) != used) ok = 0;
  rs_free(M, buf, bufsz);
  return close_out(M, &o, f, path, ok, err, errlen, err_no);
}

int rs_dfm_write_features(rs_mem *M, const rs_dfm *d, const rs_index *ix, const char *path,
                          char *err, size_t errlen, int *err_no) {
  rs_out o;
  FILE *f;
  uint32_t c;
  int ok = 1;
  *err_no = 0;
  f = open_out(M, &o, path, err, errlen, err_no);
  if (!f) return *err_no ? RS_EIO : RS_ENOMEM;
  fputs("feature\tcount\tdocs\n", f);
  for (c = 0; c < d->ncols; c++) {
    size_t l, i;
    const char *s = rs_strtab_get(&ix->attr[d->attr], d->feat[c], &l);
    for (i = 0; i < l; i++) { /* TSV: \\ \t \n \r escaped, as rostra's result tables */
      char ch = s[i];
      if (ch == '\\') fputs("\\\\", f);
      else if (ch == '\t') fputs("\\t", f);
      else if (ch == '\n') fputs("\\n", f);
      else if (ch == '\r') fputs("\\r", f);
      else putc(ch, f);
    }
    fprintf(f, "\t%llu\t%u\n", (unsigned long long)d->fcount[c], (unsigned)d->fdocs[c]);
  }
  if (ferror(f)) ok = 0;
  return close_out(M, &o, f, path, ok, err, errlen, err_no);
}

/* }====================================================== */
