/*
** loader.c: parse and tokenize files on all cores, add them to a builder in
** path order. Workers read, parse (front matter, header, structure) and
** tokenize; the calling thread interns and adds, so the result is the
** same whatever the thread count.
*/
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

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

static void loaded_free(rs_mem *M, rs_loaded *r) {
  rs_free(M, r->text, r->cap);
  rs_free(M, r->toks, r->tokcap * sizeof *r->toks);
  rs_speech_free(M, &r->sp);
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
  if (!f) {
    r->err_no = errno;
    snprintf(r->err, sizeof r->err, "%s: %s", path, strerror(errno));
    return RS_EIO_LOAD;
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

/* read, parse and tokenize file i into r */
static int process(loader *ld, size_t i, rs_loaded *r) {
  rs_mem *M = ld->M;
  const char *path = ld->paths[i];
  rs_front fm;
  size_t body = 0, k, nb;
  int rc;
  rs_tokenizer T;
  rs_token t;
  memset(r, 0, sizeof *r);
  rc = read_file(M, path, r);
  if (rc) return rc;
  nb = r->n < 8192 ? r->n : 8192;
  if (memchr(r->text, 0, nb)) {
    snprintf(r->err, sizeof r->err, "not a text file: %s", path);
    return RS_ENOTTEXT;
  }
  rc = rs_front_parse(M, r->text, r->n, &fm, &body);
  if (rc == RS_EPARSE) {
    snprintf(r->err, sizeof r->err, "%s:%u:%u: %s", path, (unsigned)fm.err_line,
             (unsigned)fm.err_col, fm.err_msg);
    rs_front_free(M, &fm);
    return RS_EPARSE;
  }
  if (rc) return rc;
  r->has_front = fm.root != NULL;
  rs_front_free(M, &fm);
  r->body = body;
  if (body > 0) { /* blank the block: line numbers and offsets stay */
    char *copy = rs_malloc(M, r->n);
    if (!copy) return RS_ENOMEM;
    memcpy(copy, r->text, r->n);
    for (k = 0; k < body; k++)
      if (copy[k] != '\n') copy[k] = ' ';
    rc = rs_speech_parse(M, copy, r->n, RS_SP_NO_SENTENCES, &r->sp);
    rs_free(M, copy, r->n);
  } else {
    rc = rs_speech_parse(M, r->text, r->n, RS_SP_NO_SENTENCES, &r->sp);
  }
  if (rc) return rc;
  /* tokens of the whole text */
  rs_tok_init(&T, r->text, r->n, 0);
  /* room for a token per five bytes (the UN debates have one per 5.7) */
  if (rs_grow(M, (void **)&r->toks, &r->tokcap, r->n / 5 + 16, sizeof t)) return RS_ENOMEM;
  for (;;) {
    if (r->ntok == r->tokcap && rs_grow(M, (void **)&r->toks, &r->tokcap, r->ntok + 1, sizeof t))
      return RS_ENOMEM;
    if (!rs_tok_next(&T, &r->toks[r->ntok])) break;
    r->ntok++;
  }
  r->bad = T.bad;
  /* the speech's own vocabulary: the main thread then interns types, not
  ** tokens */
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
  /* structures as token spans: the first token starting at or after each
  ** end's byte, as the builder would find; sentences by the splitter over
  ** each segment's tokens (the parser was told not to tokenize again) */
  {
    const rs_speech *sp = &r->sp;
    size_t total = sp->nsegs + sp->npoints + sp->nquotes, j = 0, cap = 0;
    const rs_token *tk = r->toks;
    size_t nt = r->ntok;
    r->nspans = total;
    r->spans = rs_malloc(M, (total ? total : 1) * sizeof *r->spans);
    if (!r->spans) return RS_ENOMEM;
    r->ds.tokens = 1;
    r->ds.lv[RS_LV_SEGMENT] = r->spans + j;
    r->ds.nlv[RS_LV_SEGMENT] = sp->nsegs;
    for (k = 0; k < sp->nsegs; k++, j++) {
      r->spans[j].start = (uint32_t)tok_at(tk, nt, sp->segs[k].start);
      r->spans[j].stop = (uint32_t)tok_at(tk, nt, sp->segs[k].stop);
      r->spans[j].attr = sp->segs[k].kind;
    }
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
        r->sents[r->nsent].attr = 0;
        r->nsent++;
        s0 = e + 1;
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
  }
  return RS_OK;
}

static void *worker(void *arg) {
  loader *ld = arg;
  for (;;) {
    size_t i;
    rs_loaded r;
    int rc;
    pthread_mutex_lock(&ld->mu);
    while (!ld->stop && ld->next < ld->n && ld->next - ld->consumed >= ld->window)
      pthread_cond_wait(&ld->cv, &ld->mu);
    if (ld->stop || ld->next >= ld->n) {
      pthread_mutex_unlock(&ld->mu);
      return NULL;
    }
    i = ld->next++;
    pthread_mutex_unlock(&ld->mu);
    rc = process(ld, i, &r);
    r.status = rc;
    if (rc != RS_OK) { /* keep only the message */
      char err[sizeof r.err];
      int en = r.err_no;
      memcpy(err, r.err, sizeof err);
      loaded_free(ld->M, &r);
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
            const char *lang, rs_load_cb cb, void *ud) {
  loader ld;
  lockedmem lm;
  pthread_t th[64];
  int nth = 0, rc = RS_OK, t;
  size_t i;
  memset(&ld, 0, sizeof ld);
  ld.paths = paths;
  ld.n = n;
  if (nthreads < 1) nthreads = 1;
  if (nthreads > 64) nthreads = 64;
  if (nthreads == 1) { /* everything on this thread, in order */
    ld.M = M;
    for (i = 0; i < n && rc == RS_OK; i++) {
      rs_loaded r;
      int st = process(&ld, i, &r);
      r.status = st;
      if (st == RS_ENOMEM) rc = st;
      else if (st == RS_OK) {
        rs_strtab lt = rs_vocab_view(&r.lv);
        rc = rs_builder_add_tokens(B, r.text, r.n, r.toks, r.ntok, r.lid, &lt, &r.ds,
                                   lang ? lang : rs_snowball_name(r.sp.meta[RS_META_LANG]));
      }
      if (rc == RS_OK && cb(ud, i, &r)) rc = RS_EABORT;
      if (st != RS_OK && st != RS_ENOMEM) memset(&r.sp, 0, sizeof r.sp);
      loaded_free(M, &r);
    }
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
    if (r.status == RS_ENOMEM) rc = RS_ENOMEM;
    else if (r.status == RS_OK) {
      rs_strtab lt = rs_vocab_view(&r.lv);
      rc = rs_builder_add_tokens(B, r.text, r.n, r.toks, r.ntok, r.lid, &lt, &r.ds,
                                 lang ? lang : rs_snowball_name(r.sp.meta[RS_META_LANG]));
    }
    if (rc == RS_OK && cb(ud, i, &r)) rc = RS_EABORT;
    loaded_free(&lm.mem, &r);
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
    if (ld.done[i]) loaded_free(&lm.mem, &ld.res[i]);
  pthread_cond_destroy(&ld.cv);
  pthread_mutex_destroy(&ld.mu);
  pthread_mutex_destroy(&lm.mu);
  rs_free(M, ld.res, ld.window * sizeof *ld.res);
  rs_free(M, ld.done, ld.window);
  return rc;
}
