/*
** vrt.c: an index written as a CWB vertical file (see annot.h): one token
** a line with every positional attribute (word, lower, stem, then the
** extra ones), XML-style tags for the structures, the speech as <text>
** with its metadata (the caller's line). Names are lower-cased for CWB.
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

#include "annot.h"
#include "fsout.h"

/* one tag to write at a position */
typedef struct vev {
  uint32_t pos;   /* token position (the tag comes before this token) */
  uint32_t other; /* the region's other end */
  int close;      /* 1: a closing tag */
  int rank;       /* nesting rank of the level: 0 outermost */
  int level;
  uint32_t index; /* the region's index in its level */
} vev;

static int rank_of(int lv) {
  switch (lv) {
    case RS_LV_POINT: return 1;
    case RS_LV_SEGMENT: return 2;
    case RS_LV_SENTENCE: return 3;
    case RS_LV_QUOTATION: return 4;
    default: return 0; /* extra structures: outside the built-in ones */
  }
}

static int vev_cmp(const void *x, const void *y) {
  const vev *a = x, *b = y;
  if (a->pos != b->pos) return a->pos < b->pos ? -1 : 1;
  if (a->close != b->close) return a->close ? -1 : 1; /* closing first */
  if (a->close) { /* the inner one first: it opened later */
    if (a->other != b->other) return a->other > b->other ? -1 : 1;
    if (a->rank != b->rank) return a->rank > b->rank ? -1 : 1;
    return a->index > b->index ? -1 : a->index < b->index;
  }
  /* opening: the outer one first: it ends later */
  if (a->other != b->other) return a->other > b->other ? -1 : 1;
  if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

static void put_esc(FILE *f, const char *s, size_t n, int quote) {
  size_t i, from = 0;
  for (i = 0; i < n; i++) {
    const char *rep = NULL;
    switch (s[i]) {
      case '&': rep = "&amp;"; break;
      case '<': rep = "&lt;"; break;
      case '>': rep = "&gt;"; break;
      case '"': rep = quote ? "&quot;" : NULL; break;
      case '\t': rep = " "; break; /* never in a value of rostra's; a column break in VRT */
      case '\n': case '\r': rep = " "; break;
      default: break;
    }
    if (rep) {
      fwrite(s + from, 1, i - from, f);
      fputs(rep, f);
      from = i + 1;
    }
  }
  fwrite(s + from, 1, n - from, f);
}

static void put_name(FILE *f, const char *s) {
  for (; *s; s++) putc(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s, f);
}

static const char *const LVTAG[RS_NLEVEL] = {"segment", "point", "s", "quotation"};
static const char *const SEGKIND[] = {"", "salutation", "paragraph", "closing", "heading"};

static void put_tag(FILE *f, const rs_index *ix, const vev *e) {
  uint32_t j;
  const rs_region *g = &ix->lv[e->level][e->index];
  putc('<', f);
  if (e->close) putc('/', f);
  if (e->level < RS_NLEVEL) fputs(LVTAG[e->level], f);
  else put_name(f, ix->lv_name[e->level]);
  if (!e->close) {
    if (e->level == RS_LV_SEGMENT)
      fprintf(f, " kind=\"%s\"", g->attr >= 1 && g->attr <= 4 ? SEGKIND[g->attr] : "paragraph");
    else if (e->level == RS_LV_POINT)
      fprintf(f, " ordinal=\"%d\"", (int)g->attr);
    else if (e->level == RS_LV_QUOTATION)
      fprintf(f, " depth=\"%d\"", (int)g->attr);
    for (j = 0; j < ix->nsattr; j++) {
      uint32_t v;
      size_t l;
      const char *s;
      if (ix->sattr[j].level != e->level) continue;
      v = ix->sattr[j].val[e->index];
      if (v == RS_NOVAL || v >= ix->svals.n) continue;
      s = rs_strtab_get(&ix->svals, v, &l);
      putc(' ', f);
      put_name(f, ix->sattr[j].name);
      fputs("=\"", f);
      put_esc(f, s, l, 1);
      putc('"', f);
    }
  }
  fputs(">\n", f);
}

/* the first region of level lv starting at or after p */
static uint32_t first_region(const rs_index *ix, int lv, uint32_t p) {
  uint32_t a = 0, b = ix->nlv[lv];
  while (a < b) {
    uint32_t mid = a + (b - a) / 2;
    if (ix->lv[lv][mid].start < p) a = mid + 1;
    else b = mid;
  }
  return a;
}

int rs_vrt_write(rs_mem *M, const rs_index *ix, const char *mask, const char *const *text_tags,
                 const char *path, char *err, size_t errlen, int *err_no) {
  size_t evcap = 0, nev;
  char *fbuf = NULL;
  vev *ev = NULL;
  FILE *f = NULL;
  rs_out o;
  int ok = 1, e;
  uint32_t d, a, k;
  *err_no = 0;
  /* csrc/fsout.h: a temporary file renamed over a regular file at the
  ** end, a device or FIFO written straight, links followed, modes kept */
  e = rs_out_open(M, &o, path, 0, err, errlen);
  if (e == ENOMEM) return RS_ENOMEM;
  if (e) {
    *err_no = e;
    return RS_EIO;
  }
  f = rs_out_stream(&o);
  if (!f) {
    e = errno ? errno : EIO;
    rs_out_abort(M, &o);
    if (e == ENOMEM) return RS_ENOMEM;
    *err_no = e;
    snprintf(err, errlen, "%s: %s", path, strerror(e));
    return RS_EIO;
  }
  fbuf = rs_malloc(M, (size_t)1 << 20);
  if (fbuf) setvbuf(f, fbuf, _IOFBF, (size_t)1 << 20);
  fputs("<!-- #vrt positional-attributes: word lower stem", f);
  for (a = RS_NATTR; a < ix->nattr; a++) {
    putc(' ', f);
    put_name(f, ix->attr_name[a]);
  }
  fputs(" -->\n<!-- #rostra derived: lower stem -->\n", f);
  for (d = 0; d < ix->ndoc && ok; d++) {
    const rs_docrec *r = &ix->docs[d];
    uint32_t first = r->first, end, p, ei;
    int lv;
    if (mask && !mask[d]) continue;
    end = (uint64_t)r->first + r->ntok > ix->ntok ? ix->ntok : r->first + r->ntok;
    if (first > end) first = end;
    /* the structures of the speech as tags, in order */
    nev = 0;
    for (lv = 0; lv < RS_MAXLEVEL; lv++) {
      uint32_t i;
      if (!rs_level_valid(ix, lv)) continue;
      for (i = first_region(ix, lv, first); i < ix->nlv[lv] && ix->lv[lv][i].start < end; i++) {
        const rs_region *g = &ix->lv[lv][i];
        uint32_t stop = g->stop < end ? g->stop : end;
        if (stop <= g->start) continue;
        if (nev + 2 > evcap && rs_grow(M, (void **)&ev, &evcap, nev + 2, sizeof *ev)) {
          ok = 0;
          *err_no = ENOMEM;
          break;
        }
        ev[nev].pos = g->start;
        ev[nev].other = stop;
        ev[nev].close = 0;
        ev[nev].rank = rank_of(lv);
        ev[nev].level = lv;
        ev[nev].index = i;
        ev[nev + 1] = ev[nev];
        ev[nev + 1].pos = stop;
        ev[nev + 1].other = g->start;
        ev[nev + 1].close = 1;
        nev += 2;
      }
    }
    if (!ok) break;
    if (nev) qsort(ev, nev, sizeof *ev, vev_cmp);
    fputs(text_tags && text_tags[d] ? text_tags[d] : "<text>", f);
    putc('\n', f);
    ei = 0;
    for (p = first; p <= end; p++) {
      while (ei < nev && ev[ei].pos == p) put_tag(f, ix, &ev[ei++]);
      if (p == end) break;
      for (a = 0; a < ix->nattr; a++) {
        uint32_t t = rs_type_at(ix, (int)a, p);
        size_t l;
        const char *s = rs_strtab_get(&ix->attr[a], t, &l);
        if (a) putc('\t', f);
        put_esc(f, s, l, 0);
      }
      putc('\n', f);
    }
    fputs("</text>\n", f);
    if (ferror(f)) ok = 0;
  }
  rs_free(M, ev, evcap * sizeof *ev);
  if (fflush(f) != 0 || ferror(f)) ok = 0;
  if (!ok && !*err_no) *err_no = errno ? errno : EIO;
  e = rs_out_finish(M, &o, f, ok, *err_no, path, err, errlen);
  rs_free(M, fbuf, (size_t)1 << 20);
  (void)k;
  if (e == ENOMEM) return RS_ENOMEM;
  *err_no = e;
  return e ? RS_EIO : RS_OK;
}
