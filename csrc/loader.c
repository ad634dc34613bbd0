/*
** loader.c: parse and tokenize files on all cores, add them to a builder in
** path order. Workers read, parse (front matter, header, structure) and
** tokenize; the calling thread interns and adds, so the result is the
** same whatever the thread count.
*/
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* MAP_POPULATE */
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "front.h"
#include "loader.h"
#include "speech.h"

/* {====================================================== a locked allocator */

typedef struct lockedmem {
  rs_mem mem;
  rs_mem *inner;
  pthread_mutex_t mu;
} lockedmem;

static void *locked_alloc(void *ud, void *p, size_t osize, size_t nsize) {
  lockedmem *lm = ud;
  void *r;
  pthread_mutex_lock(&lm->mu);
  r = lm->inner->f(lm->inner->ud, p, osize, nsize);
  pthread_mutex_unlock(&lm->mu);
  return r;
}

/* }====================================================== */

typedef struct loader {
  rs_mem *M; /* for workers: locked when threaded */
  unsigned flags; /* of rs_ingest */
  const char *const *paths;
  size_t n;
  rs_loaded *res;
  unsigned char *done;
  size_t next, consumed, window;
  int stop;
  pthread_mutex_t mu;
  pthread_cond_t cv;
} loader;

/* first token index whose start is >= byte offset b */
static size_t tok_at(const rs_token *t, size_t n, uint32_t b) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t[mid].start < b) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* the columns of VRT files (rs_load_set_columns), read by the workers */
static struct {
  const char *const *names;
  int n;
  uint32_t xlimit;
  unsigned flags; /* 1: one thread (no halves) */
} columns;

void rs_load_set_columns(const char *const *names, int n, uint32_t xlimit) {
  columns.names = names;
  columns.n = n;
  columns.xlimit = xlimit;
  columns.flags = 0;
}

void rs_loaded_free(rs_mem *M, rs_loaded *r) {
  if (r->an) {
    int k;
    for (k = 0; k < r->nan; k++) rs_annot_free(M, &r->an[k]);
    rs_free(M, r->an, (size_t)r->nan * sizeof *r->an);
  }
  if (r->own_wb) rs_wordbreak_free(M, r->wb);
  rs_free(M, r->text, r->cap);
  rs_free(M, r->toks, r->tokcap * sizeof *r->toks);
  rs_speech_free(M, &r->sp);
  rs_front_free(M, &r->fm);
  rs_free(M, r->boiler, r->nboiler * sizeof *r->boiler);
  rs_free(M, r->spans, r->nspans * sizeof *r->spans);
  rs_free(M, r->sents, r->sentcap * sizeof *r->sents);
  rs_free(M, r->lid, r->lidcap * sizeof *r->lid);
  rs_vocab_free(M, &r->lv);
  rs_free(M, r->lslots, r->nlslots * sizeof *r->lslots);
  rs_free(M, r->ends, r->endcap * sizeof *r->ends);
  memset(r, 0, sizeof *r);
}

static int read_file(rs_mem *M, const char *path, rs_loaded *r) {
  FILE *f = fopen(path, "rb");
  size_t got;
  struct stat st;
  if (!f) {
    r->err_no = errno;
    snprintf(r->err, sizeof r->err, "%s: %s", path, strerror(errno));
    return RS_EIO_LOAD;
  }
  /* a block device is no text; a regular file over the limit is refused
  ** before it is read (a stream, below, when it starts with NUL bytes) */
  if (fstat(fileno(f), &st) == 0) {
    if (S_ISBLK(st.st_mode)) {
      fclose(f);
      snprintf(r->err, sizeof r->err, "not a text file: %s (a block device)", path);
      return RS_ENOTTEXT;
    }
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > (uint64_t)RS_MAX_TEXT) {
      fclose(f);
      snprintf(r->err, sizeof r->err, "%s: file too large (2 GiB at most)", path);
      return RS_ELIMIT;
    }
  }
  r->cap = 0;
  r->n = 0;
  for (;;) {
    if (r->n == r->cap) {
      size_t nc = r->cap ? r->cap * 2 : 65536;
      char *p;
      if (nc > RS_MAX_TEXT + (size_t)1) nc = RS_MAX_TEXT + (size_t)1;
      if (nc <= r->cap) { /* the file is larger than the limit */
        fclose(f);
        snprintf(r->err, sizeof r->err, "%s: file too large (2 GiB at most)", path);
        return RS_ELIMIT;
      }
      p = rs_realloc(M, r->text, r->cap, nc);
      if (!p) {
        fclose(f);
        return RS_ENOMEM;
      }
      r->text = p;
      r->cap = nc;
    }
    got = fread(r->text + r->n, 1, r->cap - r->n, f);
    r->n += got;
    if (got == 0) break;
    /* NUL bytes at the start: binary (rs_ingest says so); a pipe of
    ** them is not read to the size limit */
    if (r->n == got && memchr(r->text, 0, got < 8192 ? got : 8192)) break;
  }
  if (ferror(f)) {
    r->err_no = errno;
    snprintf(r->err, sizeof r->err, "%s: %s", path, strerror(errno ? errno : EIO));
    fclose(f);
    return RS_EIO_LOAD;
  }
  fclose(f);
  return RS_OK;
}

/* map a whole file read-only (an annotated file is read once, in order) */
static int map_file(const char *path, rs_loaded *r, const char **map, size_t *n) {
  int fd = open(path, O_RDONLY);
  struct stat st;
  void *p;
  *map = NULL;
  *n = 0;
  if (fd < 0 || fstat(fd, &st) != 0) {
    r->err_no = errno;
    snprintf(r->err, sizeof r->err, "%s: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
    return RS_EIO_LOAD;
  }
  if (!S_ISREG(st.st_mode)) {
    r->err_no = EISDIR;
    snprintf(r->err, sizeof r->err, "%s: not a regular file", path);
    close(fd);
    return RS_EIO_LOAD;
  }
  if ((uint64_t)st.st_size > (uint64_t)RS_MAX_TEXT * 8) {
    close(fd);
    snprintf(r->err, sizeof r->err, "%s: file too large (16 GiB at most)", path);
    return RS_ELIMIT;
  }
  if (st.st_size == 0) {
    close(fd);
    return RS_OK;
  }
  p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  close(fd);
  if (p == MAP_FAILED) {
    r->err_no = errno;
    snprintf(r->err, sizeof r->err, "%s: %s", path, strerror(errno));
    return RS_EIO_LOAD;
  }
#ifdef MADV_SEQUENTIAL
  (void)madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
#endif
  *map = p;
  *n = (size_t)st.st_size;
  return RS_OK;
}

/* one half of a large CoNLL-U file, read on a thread of its own */
typedef struct halfjob {
  rs_mem *M;
  rs_annot *an;
  const char *text, *name;
  size_t n;
  int rc;
} halfjob;

static void *read_half(void *arg) {
  halfjob *j = arg;
  const char *p = j->text, *e = j->text + j->n;
  uint32_t lines = 0;
  /* its first line's number: the lines of the first half (counted here, meanwhile) */
  while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) p++, lines++;
  j->an->line0 = lines;
  j->rc = rs_annot_read(j->M, j->an, RS_AN_CONLLU, j->text + j->n, j->an->n2, j->name, NULL, 0);
  return NULL;
}

/* an annotated file into r->an: a CoNLL-U file of 32 MB or more in two
** halves split at a '# newdoc' line, read at once on two threads */
static int read_annotated(rs_mem *M, rs_loaded *r, int kind, const char *text, size_t n, const char *name) {
  size_t split = 0;
  int k, rc;
  if (kind == RS_AN_CONLLU && n >= ((size_t)32 << 20) && !(columns.flags & 1)) {
    /* the '# newdoc' line nearest after the middle, else before it */
    const char *mid = text + n / 2, *e = text + n, *p = mid;
    while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
      if (e - p > 9 && memcmp(p + 1, "# newdoc", 8) == 0) {
        split = (size_t)(p + 1 - text);
        break;
      }
      p++;
    }
    if (!split) {
      for (p = mid; p > text + 1; p--)
        if (p[-1] == '\n' && e - p > 8 && memcmp(p, "# newdoc", 8) == 0) {
          split = (size_t)(p - text);
          break;
        }
    }
  }
  r->nan = split ? 2 : 1;
  r->an = rs_malloc(M, (size_t)r->nan * sizeof *r->an);
  if (!r->an) {
    r->nan = 0;
    return RS_ENOMEM;
  }
  memset(r->an, 0, (size_t)r->nan * sizeof *r->an);
  for (k = 0; k < r->nan; k++) r->an[k].xlimit = columns.xlimit;
  if (split) {
    pthread_t th;
    halfjob j;
    j.M = M;
    j.an = &r->an[1];
    j.text = text;
    j.n = split;
    j.name = name;
    j.rc = RS_OK;
    r->an[1].n2 = n - split;
    if (pthread_create(&th, NULL, read_half, &j) == 0) {
      rc = rs_annot_read(M, &r->an[0], kind, text, split, name, NULL, 0);
      pthread_join(th, NULL);
    } else {
      rc = rs_annot_read(M, &r->an[0], kind, text, split, name, NULL, 0);
      read_half(&j);
    }
    if (rc) {
      memcpy(r->err, r->an[0].err, sizeof r->err);
      return rc;
    }
    if (j.rc) memcpy(r->err, r->an[1].err, sizeof r->err);
    return j.rc;
  }
  rc = rs_annot_read(M, &r->an[0], kind, text, n, name, columns.names, columns.n);
  if (rc) memcpy(r->err, r->an[0].err, sizeof r->err);
  return rc;
}

/* {====================================================== the speech's vocabulary

** A worker interns every token of its speech; the calling thread then
** interns only the speech's types into the corpus vocabulary. The local
** index is never saved, so it uses a hash of its own: inline, on words
** read eight bytes at a time, with 32 bits of it kept in each slot so that
** a probe compares strings only when those agree. */

static uint64_t lmix(uint64_t x) {
  x ^= x >> 32;
  x *= 0xD6E8FEB86659FD93ull;
  x ^= x >> 32;
  x *= 0xD6E8FEB86659FD93ull;
  return x ^ (x >> 32);
}

static uint64_t lhash(const unsigned char *s, size_t n) {
  uint64_t a, b, h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
  if (n >= 8) {
    size_t i;
    for (i = 0; i + 8 < n; i += 8) { /* all but the last eight bytes */
      memcpy(&a, s + i, 8);
      h = (h ^ a) * 0x9FB21C651E98DF25ull;
    }
    memcpy(&b, s + n - 8, 8);
    h ^= b;
  } else if (n >= 4) {
    uint32_t x, y;
    memcpy(&x, s, 4);
    memcpy(&y, s + n - 4, 4);
    h ^= (uint64_t)x << 32 | y;
  } else if (n > 0) {
    h ^= (uint64_t)s[0] << 16 | (uint64_t)s[n / 2] << 8 | s[n - 1];
  }
  return lmix(h);
}

/* a table of nslots (a power of 2) slots from the tags of the old one */
static int lrehash(rs_mem *M, rs_loaded *r, size_t nslots) {
  uint64_t *ns = rs_malloc(M, nslots * sizeof *ns);
  size_t k, mask = nslots - 1;
  if (!ns) return RS_ENOMEM;
  memset(ns, 0, nslots * sizeof *ns);
  for (k = 0; k < r->nlslots; k++) {
    uint64_t e = r->lslots[k];
    size_t i;
    if (!e) continue;
    i = (size_t)(e >> 32) & mask;
    while (ns[i]) i = (i + 1) & mask;
    ns[i] = e;
  }
  rs_free(M, r->lslots, r->nlslots * sizeof *r->lslots);
  r->lslots = ns;
  r->nlslots = nslots;
  return RS_OK;
}

/* the local id of s[0..len), added when new */
static int lintern(rs_mem *M, rs_loaded *r, const char *s, size_t len, uint32_t *id) {
  rs_vocab *v = &r->lv;
  uint64_t h = lhash((const unsigned char *)s, len);
  uint32_t tag = (uint32_t)(h >> 32);
  size_t mask = r->nlslots - 1, i = tag & mask;
  for (;;) {
    uint64_t e = r->lslots[i];
    if (!e) break;
    if ((uint32_t)(e >> 32) == tag) {
      uint32_t cand = (uint32_t)e - 1;
      if (v->off[cand + 1] - v->off[cand] == len && memcmp(v->chars.p + v->off[cand], s, len) == 0) {
        *id = cand;
        return RS_OK;
      }
    }
    i = (i + 1) & mask;
  }
  if (v->n >= 0xFFFFFFF0u) return RS_ELIMIT;
  if (rs_grow(M, (void **)&v->off, &v->offcap, (size_t)v->n + 2, sizeof *v->off) ||
      rs_buf_add(M, &v->chars, s, len))
    return RS_ENOMEM;
  v->off[v->n + 1] = v->chars.n;
  r->lslots[i] = (uint64_t)tag << 32 | (v->n + 1);
  *id = v->n++;
  if ((size_t)v->n * 2 > r->nlslots) return lrehash(M, r, r->nlslots * 2);
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== the ingest */

/* a message for a text with NUL bytes: UTF-16 says so (a BOM, or NULs in
** every other byte of the first few hundred) */
static void not_text(rs_loaded *r, const char *name, size_t nb) {
  const unsigned char *u = (const unsigned char *)r->text;
  size_t k, even = 0, odd = 0, m = nb < 512 ? nb : 512;
  const char *which = NULL;
  if (r->n >= 2 && u[0] == 0xFF && u[1] == 0xFE) which = "UTF-16 little-endian";
  else if (r->n >= 2 && u[0] == 0xFE && u[1] == 0xFF) which = "UTF-16 big-endian";
  else {
    for (k = 0; k < m; k++) {
      if (u[k]) continue;
      if (k % 2) odd++;
      else even++;
    }
    if (m >= 8 && odd * 5 >= m * 2 && even * 20 < m) which = "UTF-16 little-endian";
    else if (m >= 8 && even * 5 >= m * 2 && odd * 20 < m) which = "UTF-16 big-endian";
  }
  if (which)
    snprintf(r->err, sizeof r->err,
             "not a text file: %s (it looks like %s: convert it to UTF-8, e.g. "
             "iconv -f UTF-16 -t UTF-8)", name, which);
  else
    snprintf(r->err, sizeof r->err, "not a text file: %s (NUL bytes)", name);
}

/* Han and Kana runs of r->toks[from..] cut into words (RS_IN_CJK_CHARS
** aside): the iterator is made on first need */
static int cut_words(rs_mem *M, rs_loaded *r, size_t from, unsigned flags) {
  size_t k;
  int failed = 0;
  if (flags & RS_IN_CJK_CHARS) return RS_OK;
  for (k = from + 1; k < r->ntok; k++) /* two Han tokens that touch: a run to cut */
    if ((r->toks[k].flags & r->toks[k - 1].flags & RS_TF_HAN) && r->toks[k].start == r->toks[k - 1].stop)
      break;
  if (k >= r->ntok) return RS_OK;
  if (!r->wb) {
    r->wb = rs_wordbreak_new(M);
    r->own_wb = r->wb != NULL;
    if (!r->wb) {
      r->cjk_failed = 1;
      return RS_OK;
    }
  }
  r->ntok = from + rs_wordbreak_cut(r->wb, r->text, r->toks + from, r->ntok - from, &failed);
  if (failed) r->cjk_failed = 1;
  return RS_OK;
}

/* append the tokens of text[a, b) to r->toks */
static int tokenize_range(rs_mem *M, rs_loaded *r, size_t a, size_t b, unsigned flags) {
  rs_tokenizer T;
  size_t from = r->ntok;
  rs_tok_init(&T, r->text, b, (flags & RS_IN_SPLIT_HYPHENS) ? RS_TOK_SPLIT_HYPHENS : 0);
  T.pos = a;
  for (;;) {
    if (r->ntok == r->tokcap && rs_grow(M, (void **)&r->toks, &r->tokcap, r->ntok + 1, sizeof *r->toks))
      return RS_ENOMEM;
    if (!rs_tok_next(&T, &r->toks[r->ntok])) break;
    r->ntok++;
  }
  return cut_words(M, r, from, flags);
}

/* tokens in text[a, b), counted only (made at the end of r->toks and
** dropped) */
static int count_range(rs_mem *M, rs_loaded *r, size_t a, size_t b, unsigned flags, uint32_t *n) {
  size_t keep = r->ntok;
  int rc;
  if (b <= a) return RS_OK;
  if ((rc = tokenize_range(M, r, a, b, flags))) return rc;
  *n += (uint32_t)(r->ntok - keep);
  r->ntok = keep;
  return RS_OK;
}

/* the text set aside: the front matter block and the parser's boilerplate
** lines, in order of position */
static int set_aside(rs_mem *M, rs_loaded *r) {
  const rs_speech *sp = &r->sp;
  size_t n = sp->nboiler + (r->body > 0), k, j = 0;
  if (!n) return RS_OK;
  r->boiler = rs_malloc(M, n * sizeof *r->boiler);
  if (!r->boiler) return RS_ENOMEM;
  r->nboiler = n;
  if (r->body > 0) {
    r->boiler[j].start = 0;
    r->boiler[j].stop = (uint32_t)r->body;
    r->boiler[j].attr = RS_BP_FRONT;
    j++;
  }
  for (k = 0; k < sp->nboiler; k++, j++) {
    rs_bspan x;
    size_t i = j;
    x.start = sp->boiler[k].start;
    x.stop = sp->boiler[k].stop;
    x.attr = sp->boiler[k].why;
    while (i > 0 && r->boiler[i - 1].start > x.start) { /* insertion: few lines */
      r->boiler[i] = r->boiler[i - 1];
      i--;
    }
    r->boiler[i] = x;
  }
  return RS_OK;
}

/* the speech's tokens: those of its segments; everything else is counted
** as set aside */
static int speech_tokens(rs_mem *M, rs_loaded *r, unsigned flags) {
  const rs_speech *sp = &r->sp;
  size_t k, prev = 0;
  uint32_t aside = 0;
  int rc;
  /* room for a token per six bytes of the segments (the UN debates have
  ** one per 5.7) */
  if (rs_grow(M, (void **)&r->toks, &r->tokcap, r->n / 6 + 16, sizeof *r->toks)) return RS_ENOMEM;
  r->nspans = sp->nsegs + sp->npoints + sp->nquotes;
  r->spans = rs_malloc(M, (r->nspans ? r->nspans : 1) * sizeof *r->spans);
  if (!r->spans) return RS_ENOMEM;
  for (k = 0; k < sp->nsegs; k++) {
    const rs_segment *g = &sp->segs[k];
    size_t a = g->start, b = g->stop;
    if (a < prev) a = prev; /* segments do not overlap; a damaged parse could */
    if (b < a) b = a;
    if ((rc = count_range(M, r, prev, a, flags, &aside))) return rc;
    r->spans[k].start = (uint32_t)r->ntok;
    if ((rc = tokenize_range(M, r, a, b, flags))) return rc;
    r->spans[k].stop = (uint32_t)r->ntok;
    r->spans[k].attr = g->kind;
    prev = b;
  }
  if ((rc = count_range(M, r, prev, r->n, flags, &aside))) return rc;
  r->ds.aside = aside;
  return RS_OK;
}

/* the speech's own vocabulary: the adding thread then interns types, not
** tokens */
static int local_vocab(rs_mem *M, rs_loaded *r) {
  size_t k;
  int rc;
  rs_vocab_init(&r->lv);
  if (r->ntok && rs_grow(M, (void **)&r->lid, &r->lidcap, r->ntok, sizeof *r->lid)) return RS_ENOMEM;
  if (rs_grow(M, (void **)&r->lv.off, &r->lv.offcap, 1024, sizeof *r->lv.off) ||
      lrehash(M, r, 2048))
    return RS_ENOMEM;
  r->lv.off[0] = 0;
  for (k = 0; k < r->ntok; k++) {
    rc = lintern(M, r, r->text + r->toks[k].start, r->toks[k].stop - r->toks[k].start, &r->lid[k]);
    if (rc) return rc;
  }
  return RS_OK;
}

/* sentences by the splitter over each segment's tokens, as token spans for
** the builder and byte spans for the speech; points and quotations as token
** spans */
static int structures(rs_mem *M, rs_loaded *r) {
  rs_speech *sp = &r->sp;
  size_t k, j = sp->nsegs, cap = 0;
  const rs_token *tk = r->toks;
  size_t nt = r->ntok;
  r->ds.tokens = 1;
  r->ds.lv[RS_LV_SEGMENT] = r->spans;
  r->ds.nlv[RS_LV_SEGMENT] = sp->nsegs;
  r->nsent = 0;
  if (r->ntok && rs_grow(M, (void **)&r->ends, &r->endcap, r->ntok, sizeof *r->ends))
    return RS_ENOMEM;
  for (k = 0; k < sp->nsegs; k++) {
    size_t a = r->spans[k].start, b = r->spans[k].stop, ns, q, s0 = a;
    if (b <= a) continue;
    ns = rs_sentence_split(r->text, r->toks + a, b - a, r->ends);
    if (rs_grow(M, (void **)&r->sents, &cap, r->nsent + ns, sizeof *r->sents)) {
      r->sentcap = cap;
      return RS_ENOMEM;
    }
    r->sentcap = cap;
    for (q = 0; q < ns; q++) {
      size_t e = a + r->ends[q];
      r->sents[r->nsent].start = (uint32_t)s0;
      r->sents[r->nsent].stop = (uint32_t)e + 1;
      r->sents[r->nsent].attr = (int32_t)k; /* its segment, for the speech's byte spans */
      r->nsent++;
      s0 = e + 1;
    }
  }
  /* the speech's sentences, as byte spans (the parser was told not to
  ** split: this is the one splitting) */
  rs_free(M, sp->sents, sp->capsents * sizeof *sp->sents);
  sp->sents = NULL;
  sp->nsents = sp->capsents = 0;
  if (r->nsent) {
    sp->sents = rs_malloc(M, r->nsent * sizeof *sp->sents);
    if (!sp->sents) return RS_ENOMEM;
    sp->capsents = sp->nsents = r->nsent;
    for (k = 0; k < r->nsent; k++) {
      sp->sents[k].start = tk[r->sents[k].start].start;
      sp->sents[k].stop = tk[r->sents[k].stop - 1].stop;
      sp->sents[k].seg = (uint32_t)r->sents[k].attr;
      r->sents[k].attr = 0;
    }
  }
  r->ds.lv[RS_LV_POINT] = r->spans + j;
  r->ds.nlv[RS_LV_POINT] = sp->npoints;
  for (k = 0; k < sp->npoints; k++, j++) {
    const rs_point *p = &sp->points[k];
    /* its segments' spans, just made (a point past them: token 0) */
    r->spans[j].start = p->first_seg < sp->nsegs ? r->spans[p->first_seg].start : 0;
    r->spans[j].stop = p->last_seg < sp->nsegs ? r->spans[p->last_seg].stop : 0;
    r->spans[j].attr = p->ordinal;
  }
  r->ds.lv[RS_LV_SENTENCE] = r->sents;
  r->ds.nlv[RS_LV_SENTENCE] = r->nsent;
  r->ds.lv[RS_LV_QUOTATION] = r->spans + j;
  r->ds.nlv[RS_LV_QUOTATION] = sp->nquotes;
  for (k = 0; k < sp->nquotes; k++, j++) {
    r->spans[j].start = (uint32_t)tok_at(tk, nt, sp->quotes[k].start);
    r->spans[j].stop = (uint32_t)tok_at(tk, nt, sp->quotes[k].stop);
    r->spans[j].attr = (int32_t)sp->quotes[k].depth;
  }
  r->ds.boiler = r->boiler;
  r->ds.nboiler = r->nboiler;
  return RS_OK;
}

int rs_ingest(rs_mem *M, rs_loaded *r, const char *name, unsigned flags) {
  size_t body = 0, k, nb;
  unsigned popts = RS_SP_NO_SENTENCES | ((flags & RS_IN_NO_HEADER) ? RS_SP_NO_HEADER : 0) |
                   ((flags & RS_IN_NO_FOOTER) ? RS_SP_NO_FOOTER : 0);
  int rc;
  if (!name) name = "input";
  if (r->n > RS_MAX_TEXT) {
    snprintf(r->err, sizeof r->err, "%s: text too large (2 GiB at most)", name);
    return RS_ELIMIT;
  }
  nb = r->n < 8192 ? r->n : 8192;
  if (r->n && memchr(r->text, 0, nb)) {
    not_text(r, name, nb);
    return RS_ENOTTEXT;
  }
  rc = rs_front_parse(M, r->text ? r->text : "", r->n, &r->fm, &body);
  if (rc == RS_EPARSE) {
    snprintf(r->err, sizeof r->err, "%s:%u:%u: %s", name, (unsigned)r->fm.err_line,
             (unsigned)r->fm.err_col, r->fm.err_msg);
    return RS_EPARSE;
  }
  if (rc) return rc;
  r->has_front = r->fm.root != NULL;
  r->body = body;
  if (body > 0) { /* blank the block: line numbers and offsets stay */
    char *copy = rs_malloc(M, r->n);
    if (!copy) return RS_ENOMEM;
    memcpy(copy, r->text, r->n);
    for (k = 0; k < body; k++)
      if (copy[k] != '\n') copy[k] = ' ';
    rc = rs_speech_parse_hints(M, copy, r->n, popts, r->hints, r->nhints, &r->sp);
    rs_free(M, copy, r->n);
  } else {
    rc = rs_speech_parse_hints(M, r->text, r->n, popts, r->hints, r->nhints, &r->sp);
  }
  if (rc == RS_ELIMIT) snprintf(r->err, sizeof r->err, "%s: text too large (2 GiB at most)", name);
  if (rc) return rc;
  if ((rc = set_aside(M, r)) || (rc = speech_tokens(M, r, flags))) return rc;
  for (k = 0; k < r->sp.nwarnings; k++) /* invalid UTF-8 anywhere in the text */
    if (r->sp.warnings[k].code == RS_WARN_UTF8) r->bad += r->sp.warnings[k].count;
  if ((rc = local_vocab(M, r)) || (rc = structures(M, r))) return rc;
  return RS_OK;
}

/* read and ingest file i into r, with the word break iterator *wb (made
** on first need, kept for the next files) */
static int process(loader *ld, size_t i, rs_loaded *r, rs_wordbreak **wb) {
  int rc;
  memset(r, 0, sizeof *r);
  {
    int kind = rs_annot_kind(ld->paths[i]);
    if (kind) { /* an annotated file: its own reader, over the file mapped */
      const char *map;
      size_t n;
      if ((rc = map_file(ld->paths[i], r, &map, &n))) return rc;
      r->n = n;
      rc = read_annotated(ld->M, r, kind, n ? map : "", n, ld->paths[i]);
      if (n) munmap((void *)map, n);
      return rc;
    }
  }
  rc = read_file(ld->M, ld->paths[i], r);
  if (rc) return rc;
  r->wb = *wb;
  rc = rs_ingest(ld->M, r, ld->paths[i], ld->flags);
  if (r->own_wb) { /* made here: the worker keeps it */
    *wb = r->wb;
    r->own_wb = 0;
  }
  return rc;
}

/* a speech's turns as regions of the structure "turn", with the attributes
** speaker and role (the turn's speaker, else the speech's: a speech
** without labels is one turn of its speaker; none: no value) and its
** region attr the turn's 1-based index in sp:turns(). The level and its
** attributes are made before the speech's tokens are added, so that a
** limit reached (16 structures, 64 attributes) adds nothing. */
static int turn_level(rs_builder *B, int *lv, int *js, int *jr) {
  if ((*lv = rs_builder_xlevel(B, "turn")) < 0) return *lv;
  if ((*js = rs_builder_sattr(B, *lv, "speaker")) < 0) return *js;
  if ((*jr = rs_builder_sattr(B, *lv, "role")) < 0) return *jr;
  return RS_OK;
}

static int turn_value(rs_builder *B, int j, uint32_t index, const char *s, size_t n) {
  uint32_t v;
  int rc;
  if (!s || !n) return RS_OK;
  if ((rc = rs_builder_sintern(B, s, n, &v))) return rc;
  return rs_builder_sset(B, j, index, v);
}

static int add_turns(rs_builder *B, const rs_loaded *r, uint32_t first, int lv, int js, int jr) {
  const rs_speech *sp = &r->sp;
  size_t k;
  int rc = RS_OK;
  for (k = 0; k < sp->nturns && !rc; k++) {
    const rs_turn *t = &sp->turns[k];
    const char *name = sp->meta[RS_META_SPEAKER], *role = sp->meta[RS_META_ROLE];
    size_t nn = sp->meta_len[RS_META_SPEAKER], nr = sp->meta_len[RS_META_ROLE];
    uint32_t a, b, index;
    if (t->first_seg > t->last_seg || t->last_seg >= sp->nsegs || t->last_seg >= r->nspans) continue;
    a = r->spans[t->first_seg].start;
    b = r->spans[t->last_seg].stop;
    if (b <= a) continue; /* no tokens: no region */
    if ((rc = rs_builder_region(B, lv, first + a, first + b, (int32_t)(k + 1), &index))) return rc;
    if (t->speaker >= 0 && (size_t)t->speaker < sp->nspeakers) {
      const rs_speaker *x = &sp->speakers[t->speaker];
      name = x->name, nn = x->name_len;
      role = x->role, nr = x->role_len;
    } else if (sp->nturns > 1) { /* a turn of no one the parser could name */
      name = role = NULL;
    }
    if (!(rc = turn_value(B, js, index, name, nn))) rc = turn_value(B, jr, index, role, nr);
  }
  return rc;
}

int rs_builder_add_loaded(rs_builder *B, const rs_loaded *r, const char *lang) {
  rs_strtab lt = rs_vocab_view(&r->lv);
  uint32_t first;
  int rc, lv, js, jr;
  const char *l = r->lang[0] ? rs_snowball_name(r->lang)
                  : lang     ? lang
                             : rs_snowball_name(r->an ? NULL : r->sp.meta[RS_META_LANG]);
  if (r->an) {
    char msg[200];
    int k, rc = RS_OK;
    for (k = 0; k < r->nan && !rc; k++) rc = rs_builder_add_annot(B, &r->an[k], l, msg, sizeof msg);
    return rc;
  }
  if ((rc = turn_level(B, &lv, &js, &jr))) return rc;
  first = rs_builder_ntok(B);
  if ((rc = rs_builder_add_tokens(B, r->text, r->n, r->toks, r->ntok, r->lid, &lt, &r->ds, l))) return rc;
  return add_turns(B, r, first, lv, js, jr);
}

/* }====================================================== */

/* before a file of a folder load is announced and added: the structures
** and attributes it brings (a plain text: turn with speaker and role; an
** annotated file: its columns and structure tags) must fit in the builder,
** else the file is skipped with the reason, as an unreadable one is, and
** the load goes on with the rest (c:add of one speech raises instead) */
static void check_room(rs_builder *B, rs_loaded *r, const char *path) {
  int lv, js, jr, k, c, rc = RS_OK;
  if (r->status != RS_OK) return;
  if (!r->an) {
    if (turn_level(B, &lv, &js, &jr) == RS_OK) return;
    r->status = RS_ELIMIT;
    snprintf(r->err, sizeof r->err, "%s: %s (its speaker turns need the structure turn)", path,
             rs_builder_error(B));
    return;
  }
  for (k = 0; k < r->nan && rc >= 0; k++) {
    for (c = 0; c < r->an[k].ncol && rc >= 0; c++) rc = rs_builder_xattr(B, r->an[k].colname[c]);
    for (c = 0; c < r->an[k].nlev && rc >= 0; c++) rc = rs_builder_xlevel(B, r->an[k].levname[c]);
  }
  if (rc >= 0) return;
  r->status = rc == RS_ENOMEM ? RS_ENOMEM : RS_ELIMIT;
  snprintf(r->err, sizeof r->err, "%s: %s", path, rs_builder_error(B));
}

static void *worker(void *arg) {
  loader *ld = arg;
  rs_wordbreak *wb = NULL; /* this thread's, made on first need */
  for (;;) {
    size_t i;
    rs_loaded r;
    int rc;
    pthread_mutex_lock(&ld->mu);
    while (!ld->stop && ld->next < ld->n && ld->next - ld->consumed >= ld->window)
      pthread_cond_wait(&ld->cv, &ld->mu);
    if (ld->stop || ld->next >= ld->n) {
      pthread_mutex_unlock(&ld->mu);
      rs_wordbreak_free(ld->M, wb);
      return NULL;
    }
    i = ld->next++;
    pthread_mutex_unlock(&ld->mu);
    rc = process(ld, i, &r, &wb);
    r.wb = NULL; /* the main thread never uses it */
    r.status = rc;
    if (rc != RS_OK) { /* keep only the message */
      char err[sizeof r.err];
      int en = r.err_no;
      memcpy(err, r.err, sizeof err);
      rs_loaded_free(ld->M, &r);
      memcpy(r.err, err, sizeof err);
      r.err_no = en;
      r.status = rc;
    }
    pthread_mutex_lock(&ld->mu);
    ld->res[i % ld->window] = r;
    ld->done[i % ld->window] = 1;
    pthread_cond_broadcast(&ld->cv);
    pthread_mutex_unlock(&ld->mu);
  }
}

const char *rs_snowball_name(const char *lang) {
  static const char *const map[][2] = {
    {"en", "english"}, {"fr", "french"}, {"es", "spanish"}, {"de", "german"},
    {"it", "italian"}, {"pt", "portuguese"}, {"ru", "russian"}, {"ar", "arabic"},
    {"nl", "dutch"}, {"sv", "swedish"}, {"zh", "none"}, {"ja", "none"}, {NULL, NULL}};
  int i;
  if (!lang || !*lang) return "english";
  for (i = 0; map[i][0]; i++)
    if (strcmp(map[i][0], lang) == 0) return map[i][1];
  return lang;
}

int rs_load(rs_mem *M, rs_builder *B, const char *const *paths, size_t n, int nthreads,
            unsigned flags, const char *lang, rs_load_cb cb, void *ud) {
  loader ld;
  lockedmem lm;
  pthread_t th[64];
  int nth = 0, rc = RS_OK, t;
  size_t i;
  memset(&ld, 0, sizeof ld);
  ld.paths = paths;
  ld.n = n;
  ld.flags = flags;
  if (nthreads < 1) nthreads = 1;
  if (nthreads > 64) nthreads = 64;
  columns.flags = nthreads == 1; /* one thread: annotated files in one piece too */
  if (nthreads == 1) { /* everything on this thread, in order */
    rs_wordbreak *wb = NULL;
    ld.M = M;
    for (i = 0; i < n && rc == RS_OK; i++) {
      rs_loaded r;
      int st = process(&ld, i, &r, &wb);
      r.status = st;
      check_room(B, &r, paths[i]);
      st = r.status;
      if (st == RS_ENOMEM) rc = st;
      else if (cb(ud, i, &r)) rc = RS_EABORT;
      else if (st == RS_OK) rc = rs_builder_add_loaded(B, &r, lang);
      rs_loaded_free(M, &r);
    }
    rs_wordbreak_free(M, wb);
    return rc;
  }
  lm.inner = M;
  lm.mem.f = locked_alloc;
  lm.mem.ud = &lm;
  pthread_mutex_init(&lm.mu, NULL);
  ld.M = &lm.mem;
  ld.window = (size_t)nthreads * 32;
  ld.res = rs_malloc(M, ld.window * sizeof *ld.res);
  ld.done = rs_malloc(M, ld.window);
  if (!ld.res || !ld.done) {
    rs_free(M, ld.res, ld.window * sizeof *ld.res);
    rs_free(M, ld.done, ld.window);
    pthread_mutex_destroy(&lm.mu);
    return RS_ENOMEM;
  }
  memset(ld.done, 0, ld.window);
  pthread_mutex_init(&ld.mu, NULL);
  pthread_cond_init(&ld.cv, NULL);
  for (t = 0; t < nthreads; t++) {
    if (pthread_create(&th[nth], NULL, worker, &ld) == 0) nth++;
  }
  if (nth == 0) rc = RS_ENOMEM;
  for (i = 0; i < n && rc == RS_OK; i++) {
    rs_loaded r;
    size_t slot = i % ld.window;
    pthread_mutex_lock(&ld.mu);
    while (!ld.done[slot]) pthread_cond_wait(&ld.cv, &ld.mu);
    r = ld.res[slot];
    pthread_mutex_unlock(&ld.mu);
    check_room(B, &r, paths[i]);
    if (r.status == RS_ENOMEM) rc = RS_ENOMEM;
    else if (cb(ud, i, &r)) rc = RS_EABORT;
    else if (r.status == RS_OK) rc = rs_builder_add_loaded(B, &r, lang);
    rs_loaded_free(&lm.mem, &r);
    pthread_mutex_lock(&ld.mu);
    ld.done[slot] = 0;
    ld.consumed = i + 1;
    pthread_cond_broadcast(&ld.cv);
    pthread_mutex_unlock(&ld.mu);
  }
  /* stop the workers and free what they made ahead */
  pthread_mutex_lock(&ld.mu);
  ld.stop = 1;
  pthread_cond_broadcast(&ld.cv);
  pthread_mutex_unlock(&ld.mu);
  for (t = 0; t < nth; t++) pthread_join(th[t], NULL);
  for (i = 0; i < ld.window; i++)
    if (ld.done[i]) rs_loaded_free(&lm.mem, &ld.res[i]);
  pthread_cond_destroy(&ld.cv);
  pthread_mutex_destroy(&ld.mu);
  pthread_mutex_destroy(&lm.mu);
  rs_free(M, ld.res, ld.window * sizeof *ld.res);
  rs_free(M, ld.done, ld.window);
  return rc;
}
