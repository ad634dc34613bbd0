/*
** index.c: the corpus builder (token stream, vocabularies, structures) and
** the derived arrays (frequencies, inverse maps, positional postings).
*/
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libstemmer.h>

#include "index.h"

#define MAXSTEM 8

struct rs_builder {
  rs_mem *M;
  rs_vocab voc[RS_NATTR];
  uint32_t *map[RS_NATTR]; /* word type -> lower / stem type */
  size_t mapcap[RS_NATTR];
  uint32_t *stream;
  size_t streamcap;
  uint8_t *gap;
  size_t gapcap;
  uint64_t *ckpt;
  size_t ckptcap;
  uint32_t *gapx;
  size_t gapxcap;
  uint32_t ngapx, ntok;
  uint64_t last_stop; /* blob offset where the previous token ended */
  rs_buf text;
  rs_docrec *docs;
  size_t doccap;
  uint32_t ndoc;
  uint8_t *kind; /* per word type */
  size_t kindcap;
  rs_boilrec *boiler;
  size_t boilercap;
  uint32_t nboiler;
  rs_region *lv[RS_NLEVEL];
  size_t lvcap[RS_NLEVEL];
  uint32_t nlv[RS_NLEVEL];
  rs_buf meta;
  /* derived by rs_builder_finish */
  uint32_t *freq[RS_NATTR], *df[RS_NATTR], *inv_off[RS_NATTR], *inv[RS_NATTR];
  size_t freqn[RS_NATTR], invn[RS_NATTR];
  uint64_t *post_off;
  size_t post_offn;
  rs_buf post;
  /* scratch */
  rs_token *toks;
  size_t tokcap;
  uint32_t *ends;
  size_t endcap;
  uint32_t *ids;
  size_t idcap;
  uint32_t *gmap; /* local type -> word type, for rs_builder_add_tokens */
  size_t gmapcap;
  rs_buf low;
  struct {
    char lang[32];
    struct sb_stemmer *st; /* NULL: no stemmer for that language */
  } stem[MAXSTEM];
  int nstem;
};

rs_builder *rs_builder_new(rs_mem *M) {
  rs_builder *B = rs_malloc(M, sizeof *B);
  int a;
  if (!B) return NULL;
  memset(B, 0, sizeof *B);
  B->M = M;
  for (a = 0; a < RS_NATTR; a++) rs_vocab_init(&B->voc[a]);
  return B;
}

static void free_derived(rs_builder *B) {
  rs_mem *M = B->M;
  int a;
  for (a = 0; a < RS_NATTR; a++) {
    rs_free(M, B->freq[a], B->freqn[a] * sizeof(uint32_t));
    rs_free(M, B->df[a], B->freqn[a] * sizeof(uint32_t));
    rs_free(M, B->inv_off[a], (B->freqn[a] + 1) * sizeof(uint32_t));
    rs_free(M, B->inv[a], B->invn[a] * sizeof(uint32_t));
    B->freq[a] = B->df[a] = B->inv_off[a] = B->inv[a] = NULL;
    B->freqn[a] = B->invn[a] = 0;
  }
  rs_free(M, B->post_off, B->post_offn * sizeof(uint64_t));
  B->post_off = NULL;
  B->post_offn = 0;
  rs_buf_free(M, &B->post);
}

void rs_builder_free(rs_builder *B) {
  rs_mem *M;
  int a;
  if (!B) return;
  M = B->M;
  free_derived(B);
  for (a = 0; a < RS_NATTR; a++) {
    rs_vocab_free(M, &B->voc[a]);
    rs_free(M, B->map[a], B->mapcap[a] * sizeof(uint32_t));
  }
  rs_free(M, B->stream, B->streamcap * sizeof *B->stream);
  rs_free(M, B->gap, B->gapcap);
  rs_free(M, B->ckpt, B->ckptcap * sizeof *B->ckpt);
  rs_free(M, B->gapx, B->gapxcap * sizeof *B->gapx);
  rs_buf_free(M, &B->text);
  rs_free(M, B->docs, B->doccap * sizeof *B->docs);
  rs_free(M, B->kind, B->kindcap);
  rs_free(M, B->boiler, B->boilercap * sizeof *B->boiler);
  for (a = 0; a < RS_NLEVEL; a++) rs_free(M, B->lv[a], B->lvcap[a] * sizeof(rs_region));
  rs_buf_free(M, &B->meta);
  rs_free(M, B->toks, B->tokcap * sizeof *B->toks);
  rs_free(M, B->ends, B->endcap * sizeof *B->ends);
  rs_free(M, B->ids, B->idcap * sizeof *B->ids);
  rs_free(M, B->gmap, B->gmapcap * sizeof *B->gmap);
  rs_buf_free(M, &B->low);
  for (a = 0; a < B->nstem; a++)
    if (B->stem[a].st) sb_stemmer_delete(B->stem[a].st);
  rs_free(M, B, sizeof *B);
}

uint32_t rs_builder_ndoc(const rs_builder *B) { return B->ndoc; }

void rs_builder_meta_view(const rs_builder *B, rs_index *ix) {
  ix->meta = (const uint8_t *)B->meta.p;
  ix->metalen = B->meta.n;
}

int rs_builder_set_meta(rs_builder *B, const void *blob, size_t n) {
  B->meta.n = 0;
  return rs_buf_add(B->M, &B->meta, blob, n);
}

/* the stemmer for a Snowball algorithm name, created on first use;
** NULL when libstemmer has no such language (then stem = lower) */
static struct sb_stemmer *stemmer(rs_builder *B, const char *lang) {
  int i;
  if (!lang || !*lang) lang = "english";
  for (i = 0; i < B->nstem; i++)
    if (strcmp(B->stem[i].lang, lang) == 0) return B->stem[i].st;
  if (B->nstem == MAXSTEM || strlen(lang) >= sizeof B->stem[0].lang) return NULL;
  strcpy(B->stem[B->nstem].lang, lang);
  B->stem[B->nstem].st = sb_stemmer_new(lang, "UTF_8");
  return B->stem[B->nstem++].st;
}

/* intern a new word type's lower and stem forms, and note its kind */
static int add_forms(rs_builder *B, const char *s, size_t len, struct sb_stemmer *st) {
  rs_mem *M = B->M;
  uint32_t lid, sid;
  int isnew, err;
  rs_tokenizer T;
  rs_token t;
  if (rs_grow(M, (void **)&B->kind, &B->kindcap, B->voc[0].n, 1)) return RS_ENOMEM;
  rs_tok_init(&T, s, len, 0);
  B->kind[B->voc[0].n - 1] = rs_tok_next(&T, &t) ? t.kind : RS_TOK_SYMBOL;
  B->low.n = 0;
  if ((err = rs_lower(M, s, len, &B->low)) != 0) return err;
  if ((err = rs_vocab_intern(M, &B->voc[RS_ATTR_LOWER], B->low.p ? B->low.p : "", B->low.n, &lid,
                             &isnew)) != 0)
    return err;
  if (st && B->low.n > 0) {
    const sb_symbol *r = sb_stemmer_stem(st, (const sb_symbol *)B->low.p, (int)B->low.n);
    if (!r) return RS_ENOMEM;
    err = rs_vocab_intern(M, &B->voc[RS_ATTR_STEM], (const char *)r,
                          (size_t)sb_stemmer_length(st), &sid, &isnew);
  } else {
    err = rs_vocab_intern(M, &B->voc[RS_ATTR_STEM], B->low.p ? B->low.p : "", B->low.n, &sid,
                          &isnew);
  }
  if (err) return err;
  if (rs_grow(M, (void **)&B->map[RS_ATTR_LOWER], &B->mapcap[RS_ATTR_LOWER],
              B->voc[0].n, sizeof(uint32_t)) ||
      rs_grow(M, (void **)&B->map[RS_ATTR_STEM], &B->mapcap[RS_ATTR_STEM], B->voc[0].n,
              sizeof(uint32_t)))
    return RS_ENOMEM;
  B->map[RS_ATTR_LOWER][B->voc[0].n - 1] = lid;
  B->map[RS_ATTR_STEM][B->voc[0].n - 1] = sid;
  return RS_OK;
}

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

static int add_region(rs_builder *B, int level, uint32_t start, uint32_t stop, int32_t attr) {
  rs_region *r;
  if (stop <= start) return RS_OK; /* a span with no token */
  if (B->nlv[level] == B->lvcap[level] &&
      rs_grow(B->M, (void **)&B->lv[level], &B->lvcap[level], (size_t)B->nlv[level] + 1,
              sizeof(rs_region)))
    return RS_ENOMEM;
  r = &B->lv[level][B->nlv[level]++];
  r->start = start;
  r->stop = stop;
  r->attr = attr;
  return RS_OK;
}

int rs_builder_add(rs_builder *B, const char *text, size_t n, const rs_docspans *spans,
                   const char *lang) {
  rs_tokenizer T;
  rs_token t;
  size_t ntok = 0;
  if (n > RS_MAX_TEXT) return RS_ELIMIT;
  rs_tok_init(&T, text, n, 0);
  while (rs_tok_next(&T, &t)) {
    if (ntok == B->tokcap && rs_grow(B->M, (void **)&B->toks, &B->tokcap, ntok + 1, sizeof t))
      return RS_ENOMEM;
    B->toks[ntok++] = t;
  }
  return rs_builder_add_tokens(B, text, n, B->toks, ntok, NULL, NULL, spans, lang);
}

int rs_builder_add_tokens(rs_builder *B, const char *text, size_t n, const rs_token *toks,
                          size_t ntok, const uint32_t *lid, const rs_strtab *local,
                          const rs_docspans *spans, const char *lang) {
  rs_mem *M = B->M;
  size_t i;
  uint64_t base = B->text.n;
  uint32_t first = B->ntok;
  struct sb_stemmer *st;
  int err, level;
  rs_docrec *d;
  if (n > RS_MAX_TEXT) return RS_ELIMIT;
  if ((uint64_t)B->ntok + ntok >= 0xFFFFFFFFu) return RS_ELIMIT;
  if (B->ndoc == 0xFFFFFFFEu) return RS_ELIMIT;
  /* reserve everything first so a failure leaves the builder unchanged */
  if (rs_grow(M, (void **)&B->stream, &B->streamcap, B->ntok + ntok, sizeof *B->stream) ||
      rs_grow(M, (void **)&B->gap, &B->gapcap, B->ntok + ntok, 1) ||
      rs_grow(M, (void **)&B->ckpt, &B->ckptcap, (B->ntok + ntok) / 64 + 1, sizeof *B->ckpt) ||
      rs_grow(M, (void **)&B->docs, &B->doccap, (size_t)B->ndoc + 1, sizeof *B->docs) ||
      rs_grow(M, (void **)&B->ids, &B->idcap, ntok, sizeof *B->ids) ||
      rs_buf_reserve(M, &B->text, n) ||
      (spans && spans->nboiler &&
       rs_grow(M, (void **)&B->boiler, &B->boilercap, (size_t)B->nboiler + spans->nboiler,
               sizeof *B->boiler)))
    return RS_ENOMEM;
  if (spans && spans->nboiler > 0xFFFFFFF0u - B->nboiler) return RS_ELIMIT;
  st = stemmer(B, lang);
  if (local) {
    /* a worker interned the speech already: intern its types (in order of
    ** first occurrence, so ids do not depend on the thread count), then
    ** map its tokens */
    size_t k;
    if (rs_grow(M, (void **)&B->gmap, &B->gmapcap, (size_t)local->n, sizeof *B->gmap))
      return RS_ENOMEM;
    for (k = 0; k < local->n; k++) {
      uint32_t w;
      int isnew;
      size_t l;
      const char *x = rs_strtab_get(local, (uint32_t)k, &l);
      err = rs_vocab_intern(M, &B->voc[RS_ATTR_WORD], x, l, &w, &isnew);
      if (!err && isnew) err = add_forms(B, x, l, st);
      if (err) {
        if (isnew) rs_vocab_pop(&B->voc[RS_ATTR_WORD]);
        return err;
      }
      B->gmap[k] = w;
    }
    for (i = 0; i < ntok; i++) B->ids[i] = lid[i] < local->n ? B->gmap[lid[i]] : 0;
  } else {
    for (i = 0; i < ntok; i++) {
      uint32_t w;
      int isnew;
      const rs_token *k = &toks[i];
      err = rs_vocab_intern(M, &B->voc[RS_ATTR_WORD], text + k->start, k->stop - k->start, &w,
                            &isnew);
      if (!err && isnew) err = add_forms(B, text + k->start, k->stop - k->start, st);
      if (err) {
        /* a word type without its forms would break the maps: take it back */
        if (isnew) rs_vocab_pop(&B->voc[RS_ATTR_WORD]);
        return err;
      }
      B->ids[i] = w;
    }
  }
  /* nothing below allocates but the regions and gap overflow list */
  for (i = 0; i < ntok; i++) {
    const rs_token *k = &toks[i];
    uint32_t p = B->ntok + (uint32_t)i;
    uint64_t abs = base + k->start;
    uint64_t g = abs - B->last_stop;
    B->stream[p] = B->ids[i];
    if (p % 64 == 0) B->ckpt[p / 64] = abs;
    if (g >= 255) {
      if (rs_grow(M, (void **)&B->gapx, &B->gapxcap, (size_t)B->ngapx * 2 + 2, sizeof *B->gapx))
        return RS_ENOMEM; /* stream entries past ntok are ignored */
      B->gapx[B->ngapx * 2] = p;
      B->gapx[B->ngapx * 2 + 1] = (uint32_t)(g > 0xFFFFFFFFu ? 0xFFFFFFFFu : g);
      B->ngapx++;
      B->gap[p] = 255;
    } else {
      B->gap[p] = (uint8_t)g;
    }
    B->last_stop = base + k->stop;
  }
  /* structures */
  if (spans) {
    for (level = 0; level < RS_NLEVEL; level++) {
      for (i = 0; i < spans->nlv[level]; i++) {
        const rs_bspan *sp = &spans->lv[level][i];
        size_t a, b;
        if (spans->tokens) {
          a = sp->start < ntok ? sp->start : ntok;
          b = sp->stop < ntok ? sp->stop : ntok;
        } else {
          a = tok_at(toks, ntok, sp->start);
          b = tok_at(toks, ntok, sp->stop);
        }
        if ((err = add_region(B, level, first + (uint32_t)a, first + (uint32_t)b, sp->attr)))
          return err;
      }
    }
  } else if (ntok > 0) {
    size_t ns, s0 = 0;
    if ((err = add_region(B, RS_LV_SEGMENT, first, first + (uint32_t)ntok, RS_REGION_PARAGRAPH)))
      return err;
    if (rs_grow(M, (void **)&B->ends, &B->endcap, ntok, sizeof *B->ends)) return RS_ENOMEM;
    ns = rs_sentence_split(text, toks, ntok, B->ends);
    for (i = 0; i < ns; i++) {
      if ((err = add_region(B, RS_LV_SENTENCE, first + (uint32_t)s0, first + B->ends[i] + 1, 0)))
        return err;
      s0 = B->ends[i] + 1;
    }
  }
  if (spans) { /* the text set aside, kept in order (room reserved above) */
    for (i = 0; i < spans->nboiler; i++) {
      const rs_bspan *b = &spans->boiler[i];
      rs_boilrec *r;
      if (b->stop <= b->start || b->stop > n) continue;
      r = &B->boiler[B->nboiler++];
      r->doc = B->ndoc;
      r->start = b->start;
      r->stop = b->stop;
      r->why = b->attr;
    }
  }
  if (n) memcpy(B->text.p + B->text.n, text, n); /* an empty speech may have no buffer at all */
  B->text.n += n;
  d = &B->docs[B->ndoc++];
  d->text_off = base;
  d->text_len = n;
  d->first = first;
  d->ntok = (uint32_t)ntok;
  d->words = 0;
  for (i = 0; i < ntok; i++) d->words += B->kind[B->ids[i]] <= RS_TOK_NUMBER;
  d->aside = spans ? spans->aside : 0;
  B->ntok += (uint32_t)ntok;
  return RS_OK;
}

/* the first region of level lv starting at or after token p */
static uint32_t region_at(const rs_index *ix, int lv, uint32_t p) {
  uint32_t a = 0, b = ix->nlv[lv];
  while (a < b) {
    uint32_t mid = a + (b - a) / 2;
    if (ix->lv[lv][mid].start < p) a = mid + 1;
    else b = mid;
  }
  return a;
}

int rs_builder_add_from(rs_builder *B, const rs_index *ix, uint32_t d, const char *lang) {
  rs_mem *M = B->M;
  const rs_docrec *r;
  rs_docspans sp;
  rs_bspan *spans = NULL;
  size_t nspans = 0, cap = 0, k;
  uint32_t p, end, lo, bi, bj;
  uint64_t off;
  int lv, err;
  if (d >= ix->ndoc) return RS_EINVAL;
  r = &ix->docs[d];
  end = r->first + r->ntok;
  if (end < r->first || end > ix->ntok || r->text_off > ix->textlen ||
      r->text_len > ix->textlen - r->text_off || r->text_len > RS_MAX_TEXT)
    return RS_ECORRUPT;
  /* the tokens, as byte spans of the speech's text */
  if (rs_grow(M, (void **)&B->toks, &B->tokcap, r->ntok ? r->ntok : 1, sizeof *B->toks)) return RS_ENOMEM;
  off = r->ntok ? rs_index_tokoff(ix, r->first) : 0;
  for (p = r->first; p < end; p++) {
    uint32_t w = ix->stream[p];
    uint64_t len = w < ix->attr[0].n ? ix->attr[0].off[w + 1] - ix->attr[0].off[w] : 0;
    rs_token *t = &B->toks[p - r->first];
    if (p > r->first) off += rs_index_gap(ix, p);
    if (off < r->text_off || off + len > r->text_off + r->text_len) return RS_ECORRUPT;
    t->start = (uint32_t)(off - r->text_off);
    t->stop = (uint32_t)(off - r->text_off + len);
    t->kind = w < ix->attr[0].n ? ix->kind[w] : RS_TOK_SYMBOL;
    t->flags = 0;
    off += len;
  }
  /* the structures, as token spans of the speech */
  memset(&sp, 0, sizeof sp);
  sp.tokens = 1;
  for (lv = 0; lv < RS_NLEVEL; lv++) {
    uint32_t i;
    lo = region_at(ix, lv, r->first);
    for (i = lo; i < ix->nlv[lv] && ix->lv[lv][i].start < end; i++) nspans++;
  }
  bi = 0;
  {
    uint32_t a = 0, b = ix->nboiler;
    while (a < b) {
      uint32_t mid = a + (b - a) / 2;
      if (ix->boiler[mid].doc < d) a = mid + 1;
      else b = mid;
    }
    bi = bj = a;
    while (bj < ix->nboiler && ix->boiler[bj].doc == d) bj++;
  }
  cap = nspans + (bj - bi);
  if (cap && !(spans = rs_malloc(M, cap * sizeof *spans))) return RS_ENOMEM;
  k = 0;
  for (lv = 0; lv < RS_NLEVEL; lv++) {
    uint32_t i;
    sp.lv[lv] = spans + k;
    for (i = region_at(ix, lv, r->first); i < ix->nlv[lv] && ix->lv[lv][i].start < end; i++) {
      const rs_region *g = &ix->lv[lv][i];
      spans[k].start = g->start - r->first;
      spans[k].stop = (g->stop < end ? g->stop : end) - r->first;
      spans[k].attr = g->attr;
      k++;
    }
    sp.nlv[lv] = (size_t)(spans + k - sp.lv[lv]);
  }
  sp.boiler = spans + k;
  for (; bi < bj; bi++, k++) {
    spans[k].start = ix->boiler[bi].start;
    spans[k].stop = ix->boiler[bi].stop;
    spans[k].attr = ix->boiler[bi].why;
  }
  sp.nboiler = (size_t)(spans + k - sp.boiler);
  sp.aside = r->aside;
  err = rs_builder_add_tokens(B, ix->text + r->text_off, (size_t)r->text_len, B->toks, r->ntok,
                              NULL, NULL, &sp, lang);
  rs_free(M, spans, cap * sizeof *spans);
  return err;
}

/* {====================================================== derived arrays */

static unsigned vlen(uint32_t v) { /* seven bits a byte, without branches */
  return 1u + (unsigned)(v >= (1u << 7)) + (unsigned)(v >= (1u << 14)) + (unsigned)(v >= (1u << 21)) +
         (unsigned)(v >= (1u << 28));
}

static uint8_t *vput(uint8_t *p, uint32_t v) {
  while (v >= 0x80) {
    *p++ = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  *p++ = (uint8_t)v;
  return p;
}

/* run f(a) and f(b): on two threads when par, else one after the other
** (also when a thread cannot be made) */
static void run_two(void *(*f)(void *), void *a, void *b, int par) {
  pthread_t t;
  if (par && pthread_create(&t, NULL, f, b) == 0) {
    f(a);
    pthread_join(t, NULL);
  } else {
    f(a);
    f(b);
  }
}

/* a word type's counters in the first pass, side by side: the pass
** touches one cache line per token */
typedef struct wcount {
  uint64_t sz;      /* bytes of its postings (the first delta from 0) */
  uint32_t freq, df;
  uint32_t seen;    /* the last speech (id + 1) it was seen in */
  uint32_t first;   /* its first position in the job's speeches */
  uint32_t last;    /* its last position */
  uint32_t pad;
} wcount;

/* one half of the speeches: word counts, and the document frequencies of
** lower and stem types (a lower or stem type is new in a speech only when
** one of its word types is) */
typedef struct count_job {
  rs_builder *B;
  uint32_t d0, d1; /* speeches [d0, d1) */
  wcount *wc;
  uint32_t *seen1, *seen2; /* per lower / stem type: the last speech + 1 */
  uint32_t *df1, *df2;
} count_job;

static void *count_pass(void *arg) {
  count_job *j = arg;
  rs_builder *B = j->B;
  const uint32_t *m1 = B->map[1], *m2 = B->map[2];
  wcount *wc = j->wc;
  uint32_t d, p;
  for (d = j->d0; d < j->d1; d++) {
    const rs_docrec *r = &B->docs[d];
    uint32_t tag = d + 1;
    for (p = r->first; p < r->first + r->ntok; p++) {
      uint32_t w = B->stream[p];
      wcount *c = &wc[w];
      uint32_t t1 = m1[w], t2 = m2[w];
      if (c->freq++ == 0) c->first = p;
      c->sz += vlen(p - c->last);
      c->last = p;
      /* new in this speech or not, without branches (it is, about every
      ** other token): a lower or stem type already seen here is not */
      c->df += c->seen != tag;
      c->seen = tag;
      j->df1[t1] += j->seen1[t1] != tag;
      j->seen1[t1] = tag;
      j->df2[t2] += j->seen2[t2] != tag;
      j->seen2[t2] = tag;
    }
  }
  return NULL;
}

/* a word type's write cursor and last position, side by side */
typedef struct wcur {
  uint64_t cur;
  uint32_t last, pad;
} wcur;

/* the postings of the tokens [p0, p1): each type's cursor starts where
** the tokens before p0 left it */
typedef struct write_job {
  rs_builder *B;
  wcur *wc;
  uint32_t p0, p1;
} write_job;

static void *write_pass(void *arg) {
  write_job *j = arg;
  rs_builder *B = j->B;
  uint8_t *base = (uint8_t *)B->post.p;
  uint32_t p;
  wcur *wc = j->wc;
  for (p = j->p0; p < j->p1; p++) {
    wcur *c = &wc[B->stream[p]];
    c->cur = (uint64_t)(vput(base + c->cur, p - c->last) - base);
    c->last = p;
  }
  return NULL;
}

static uint32_t *alloc_u32(rs_mem *M, size_t n) {
  uint32_t *p = rs_malloc(M, (n ? n : 1) * sizeof *p);
  if (p) memset(p, 0, (n ? n : 1) * sizeof *p);
  return p;
}

int rs_builder_base_view(rs_builder *B, rs_index *ix) {
  int a;
  if (B->ckpt == NULL) { /* an empty corpus still has one checkpoint */
    if (rs_grow(B->M, (void **)&B->ckpt, &B->ckptcap, 1, sizeof *B->ckpt)) return RS_ENOMEM;
    B->ckpt[0] = 0;
  }
  /* with a multiple of 64 tokens the last checkpoint stands for no token:
  ** the end of the text (it was left unwritten, and saved as it was) */
  if (B->ntok % 64 == 0) B->ckpt[B->ntok / 64] = B->ntok ? B->text.n : 0;
  memset(ix, 0, sizeof *ix);
  ix->ntok = B->ntok;
  ix->ndoc = B->ndoc;
  ix->stream = B->stream;
  ix->gap = B->gap;
  ix->ckpt = B->ckpt;
  ix->gapx = B->gapx;
  ix->ngapx = B->ngapx;
  ix->text = B->text.p ? B->text.p : "";
  ix->textlen = B->text.n;
  ix->docs = B->docs;
  ix->boiler = B->boiler;
  ix->nboiler = B->nboiler;
  ix->kind = B->kind ? B->kind : (const uint8_t *)"";
  for (a = 0; a < RS_NATTR; a++) {
    ix->attr[a] = rs_vocab_view(&B->voc[a]);
    ix->map[a] = a ? B->map[a] : NULL;
  }
  ix->post = (const uint8_t *)"";
  for (a = 0; a < RS_NLEVEL; a++) {
    ix->lv[a] = B->lv[a];
    ix->nlv[a] = B->nlv[a];
  }
  ix->meta = (const uint8_t *)B->meta.p;
  ix->metalen = B->meta.n;
  return RS_OK;
}

int rs_builder_finish(rs_builder *B, rs_index *ix) {
  rs_mem *M = B->M;
  uint32_t nw = B->voc[0].n, a, pmid = 0; /* pmid: the first position of the second half */
  wcount *half = NULL; /* the counters of the first half of the speeches */
  uint64_t total = 0;
  int err = RS_ENOMEM;
  free_derived(B);
  for (a = 0; a < RS_NATTR; a++) {
    size_t nt = B->voc[a].n;
    B->freqn[a] = nt;
    B->freq[a] = alloc_u32(M, nt);
    B->df[a] = alloc_u32(M, nt);
    if (!B->freq[a] || !B->df[a]) goto fail;
  }
  /* postings offsets: sizes are counted in the same pass as frequencies */
  B->post_offn = (size_t)nw + 1;
  B->post_off = rs_malloc(M, B->post_offn * sizeof(uint64_t));
  if (!B->post_off) goto fail;
  memset(B->post_off, 0, B->post_offn * sizeof(uint64_t));
  {
    /* one pass over the stream, the speeches in two halves on two threads
    ** for a large corpus, then the halves merged */
    count_job J[2];
    size_t n1 = B->voc[1].n ? B->voc[1].n : 1, n2 = B->voc[2].n ? B->voc[2].n : 1, k;
    uint32_t w, t, mid = 0;
    int ok = 1;
    while (mid < B->ndoc && B->docs[mid].first < B->ntok / 2) mid++;
    memset(J, 0, sizeof J);
    for (k = 0; k < 2; k++) {
      J[k].B = B;
      J[k].d0 = k ? mid : 0;
      J[k].d1 = k ? B->ndoc : mid;
      J[k].wc = rs_malloc(M, (nw ? nw : 1) * sizeof *J[k].wc);
      J[k].seen1 = alloc_u32(M, n1);
      J[k].seen2 = alloc_u32(M, n2);
      J[k].df1 = k ? alloc_u32(M, n1) : B->df[1];
      J[k].df2 = k ? alloc_u32(M, n2) : B->df[2];
      if (!J[k].wc || !J[k].seen1 || !J[k].seen2 || !J[k].df1 || !J[k].df2) ok = 0;
      else memset(J[k].wc, 0, (nw ? nw : 1) * sizeof *J[k].wc);
    }
    if (ok) {
      const wcount *x = J[0].wc, *y = J[1].wc;
      run_two(count_pass, &J[0], &J[1], B->ntok > (1u << 20));
      for (w = 0; w < nw; w++) {
        uint64_t sz = x[w].sz + y[w].sz;
        if (x[w].freq && y[w].freq) /* the second half's first delta, from the first's last */
          sz = sz - vlen(y[w].first) + vlen(y[w].first - x[w].last);
        B->freq[0][w] = x[w].freq + y[w].freq;
        B->df[0][w] = x[w].df + y[w].df;
        B->post_off[w + 1] = sz;
      }
      for (t = 0; t < B->voc[1].n; t++) B->df[1][t] += J[1].df1[t];
      for (t = 0; t < B->voc[2].n; t++) B->df[2][t] += J[1].df2[t];
    }
    half = J[0].wc; /* the write pass starts the second half from it */
    pmid = mid < B->ndoc ? B->docs[mid].first : B->ntok;
    for (k = 0; k < 2; k++) {
      rs_free(M, J[k].seen1, n1 * sizeof(uint32_t));
      rs_free(M, J[k].seen2, n2 * sizeof(uint32_t));
    }
    rs_free(M, J[1].wc, (nw ? nw : 1) * sizeof *J[1].wc); /* J[0]'s df are B's own */
    rs_free(M, J[1].df1, n1 * sizeof(uint32_t));
    rs_free(M, J[1].df2, n2 * sizeof(uint32_t));
    if (!ok) goto fail;
  }
  /* lower and stem: frequencies summed over their word types; inverse maps */
  for (a = 1; a < RS_NATTR; a++) {
    uint32_t nt = B->voc[a].n, w, *cnt;
    for (w = 0; w < nw; w++) B->freq[a][B->map[a][w]] += B->freq[0][w];
    /* inverse map by counting sort */
    B->inv_off[a] = alloc_u32(M, (size_t)nt + 1);
    B->invn[a] = nw;
    B->inv[a] = alloc_u32(M, nw);
    if (!B->inv_off[a] || !B->inv[a]) goto fail;
    for (w = 0; w < nw; w++) B->inv_off[a][B->map[a][w] + 1]++;
    for (w = 0; w < nt; w++) B->inv_off[a][w + 1] += B->inv_off[a][w];
    cnt = alloc_u32(M, nt);
    if (!cnt) goto fail;
    for (w = 0; w < nw; w++) {
      uint32_t t = B->map[a][w];
      B->inv[a][B->inv_off[a][t] + cnt[t]++] = w;
    }
    rs_free(M, cnt, (nt ? nt : 1) * sizeof *cnt);
  }
  /* postings: offsets from the sizes, then the bytes */
  for (a = 0; a < nw; a++) {
    total += B->post_off[a + 1];
    B->post_off[a + 1] = total;
  }
  if (rs_buf_reserve(M, &B->post, (size_t)total)) goto fail;
  B->post.n = (size_t)total;
  {
    /* two threads write the postings of the two halves of the speeches
    ** counted apart: the second starts each type after the first half's
    ** bytes, from its last position there */
    wcur *wa = rs_malloc(M, (nw ? nw : 1) * sizeof *wa), *wb = rs_malloc(M, (nw ? nw : 1) * sizeof *wb);
    uint32_t w;
    write_job A, Bj;
    if (!wa || !wb) {
      rs_free(M, wa, (nw ? nw : 1) * sizeof *wa);
      rs_free(M, wb, (nw ? nw : 1) * sizeof *wb);
      goto fail;
    }
    for (w = 0; w < nw; w++) {
      wa[w].cur = B->post_off[w];
      wa[w].last = wa[w].pad = 0;
      wb[w].cur = B->post_off[w] + half[w].sz;
      wb[w].last = half[w].last;
      wb[w].pad = 0;
    }
    A.B = B;
    A.wc = wa;
    A.p0 = 0;
    A.p1 = pmid;
    Bj.B = B;
    Bj.wc = wb;
    Bj.p0 = pmid;
    Bj.p1 = B->ntok;
    run_two(write_pass, &A, &Bj, B->ntok > (1u << 20));
    rs_free(M, wa, (nw ? nw : 1) * sizeof *wa);
    rs_free(M, wb, (nw ? nw : 1) * sizeof *wb);
  }
  rs_free(M, half, (nw ? nw : 1) * sizeof *half);
  half = NULL;
  if (rs_builder_base_view(B, ix)) goto fail;
  /* the derived arrays */
  for (a = 0; a < RS_NATTR; a++) {
    ix->freq[a] = B->freq[a];
    ix->df[a] = B->df[a];
    ix->inv_off[a] = a ? B->inv_off[a] : NULL;
    ix->inv[a] = a ? B->inv[a] : NULL;
  }
  ix->post_off = B->post_off;
  ix->post = (const uint8_t *)(B->post.p ? B->post.p : "");
  ix->postlen = B->post.n;
  return RS_OK;
fail:
  rs_free(M, half, (nw ? nw : 1) * sizeof *half);
  free_derived(B);
  return err;
}

/* }====================================================== */

/* {====================================================== reading */

uint64_t rs_index_gap(const rs_index *ix, uint32_t q) {
  uint8_t g = ix->gap[q];
  uint32_t lo = 0, hi = ix->ngapx;
  if (g < 255) return g;
  while (lo < hi) { /* binary search in the overflow pairs */
    uint32_t mid = lo + (hi - lo) / 2;
    if (ix->gapx[mid * 2] < q) lo = mid + 1;
    else hi = mid;
  }
  return lo < ix->ngapx && ix->gapx[lo * 2] == q ? ix->gapx[lo * 2 + 1] : 0;
}

uint64_t rs_index_tokoff(const rs_index *ix, uint32_t p) {
  uint32_t q = p & ~63u;
  uint64_t off;
  if (p >= ix->ntok) return ix->textlen;
  off = ix->ckpt[q / 64];
  while (q < p) {
    uint32_t w = ix->stream[q];
    if (w < ix->attr[0].n) off += ix->attr[0].off[w + 1] - ix->attr[0].off[w];
    q++;
    off += rs_index_gap(ix, q);
  }
  return off > ix->textlen ? ix->textlen : off;
}

/* {====================================================== sanity checks

** Counts a damaged index could hold that no builder writes, checked
** without reading the bulk of the file (no checksum: that is verify's). */

static int bad(char *what, size_t n, const char *fmt, uint64_t a) {
  snprintf(what, n, fmt, (unsigned long long)a);
  return RS_ECORRUPT;
}

int rs_index_check_docs(const rs_index *ix, char *what, size_t n) {
  uint64_t tok = 0, text = 0;
  uint32_t d;
  for (d = 0; d < ix->ndoc; d++) {
    const rs_docrec *r = &ix->docs[d];
    /* the speeches' tokens follow each other, from 0 to ntok */
    if (r->first != tok || r->ntok > ix->ntok - tok)
      return bad(what, n, "speech %llu: its tokens are out of range", (uint64_t)d + 1);
    if (r->words > r->ntok) return bad(what, n, "speech %llu: more words than tokens", (uint64_t)d + 1);
    /* and their texts, one after the other, make the text */
    if (r->text_off != text || r->text_len > ix->textlen - r->text_off)
      return bad(what, n, "speech %llu: its text is out of range", (uint64_t)d + 1);
    tok += r->ntok;
    text = r->text_off + r->text_len;
  }
  if (tok != ix->ntok) return bad(what, n, "the speeches hold %llu tokens, not all of them", tok);
  if (text != ix->textlen) return bad(what, n, "the speeches hold %llu bytes of text, not all of it", text);
  for (d = 0; d < ix->nboiler; d++) {
    const rs_boilrec *b = &ix->boiler[d];
    if (b->doc >= ix->ndoc || b->start > b->stop || b->stop > ix->docs[b->doc].text_len ||
        (d > 0 && (b->doc < ix->boiler[d - 1].doc ||
                   (b->doc == ix->boiler[d - 1].doc && b->start < ix->boiler[d - 1].start))))
      return bad(what, n, "text set aside: record %llu out of range", (uint64_t)d + 1);
  }
  return RS_OK;
}

int rs_index_check_rest(const rs_index *ix, char *what, size_t n) {
  static const char *const names[RS_NLEVEL] = {"segment", "point", "sentence", "quotation"};
  int lv, a;
  for (lv = 0; lv < RS_NLEVEL; lv++) {
    const rs_region *r = ix->lv[lv];
    uint32_t i, d = 0;
    for (i = 0; i < ix->nlv[lv]; i++) {
      /* in order, inside the tokens, each inside one speech */
      if (r[i].start > r[i].stop || r[i].stop > ix->ntok || (i > 0 && r[i].start < r[i - 1].start)) {
        snprintf(what, n, "%s %lu is out of range", names[lv], (unsigned long)i + 1);
        return RS_ECORRUPT;
      }
      while (d + 1 < ix->ndoc && ix->docs[d + 1].first <= r[i].start) d++;
      if (r[i].stop > r[i].start && ix->ndoc > 0 &&
          (uint64_t)r[i].stop > (uint64_t)ix->docs[d].first + ix->docs[d].ntok) {
        snprintf(what, n, "%s %lu runs past its speech", names[lv], (unsigned long)i + 1);
        return RS_ECORRUPT;
      }
    }
  }
  for (a = 0; a < RS_NATTR; a++) {
    /* every token counted once per attribute; a type in at most every speech */
    uint64_t sum = 0;
    uint32_t t;
    for (t = 0; t < ix->attr[a].n; t++) {
      sum += ix->freq[a][t];
      if (ix->df[a][t] > ix->ndoc || ix->df[a][t] > ix->freq[a][t]) {
        snprintf(what, n, "the counts of type %lu of attribute %d are out of range", (unsigned long)t + 1, a);
        return RS_ECORRUPT;
      }
    }
    if (sum != ix->ntok) {
      snprintf(what, n, "the frequencies of attribute %d add up to %llu, not to the %lu tokens", a,
               (unsigned long long)sum, (unsigned long)ix->ntok);
      return RS_ECORRUPT;
    }
  }
  for (a = 0; a < (int)ix->attr[0].n; a++)
    if (ix->kind[a] > RS_TOK_SYMBOL) return bad(what, n, "word type %llu: a bad kind", (uint64_t)a + 1);
  return RS_OK;
}

/* }====================================================== */

uint64_t rs_index_words(const rs_index *ix, const char *mask) {
  uint64_t n = 0;
  uint32_t d;
  for (d = 0; d < ix->ndoc; d++)
    if (!mask || mask[d]) n += ix->docs[d].words;
  return n;
}

uint32_t rs_index_doc_of(const rs_index *ix, uint32_t p) {
  uint32_t lo = 0, hi = ix->ndoc;
  while (lo < hi) { /* last doc with first <= p */
    uint32_t mid = lo + (hi - lo) / 2;
    if (ix->docs[mid].first <= p) lo = mid + 1;
    else hi = mid;
  }
  return lo ? lo - 1 : 0;
}

uint32_t rs_postings_word(const rs_index *ix, uint32_t w, uint32_t *out) {
  uint64_t a, b;
  uint32_t n = 0, pos = 0, want;
  const uint8_t *p, *e;
  if (w >= ix->attr[0].n) return 0;
  a = ix->post_off[w];
  b = ix->post_off[w + 1];
  if (a > b || b > ix->postlen) return 0;
  want = ix->freq[0][w];
  if (want > ix->ntok) want = ix->ntok; /* a damaged count: never more than the tokens */
  p = ix->post + a;
  e = ix->post + b;
  while (p < e && n < want) {
    uint32_t v = 0;
    int shift = 0;
    while (p < e && (*p & 0x80) && shift < 28) {
      v |= (uint32_t)(*p++ & 0x7F) << shift;
      shift += 7;
    }
    if (p >= e) break;
    v |= (uint32_t)*p++ << shift;
    pos += v;
    if (pos >= ix->ntok) break;
    out[n++] = pos;
  }
  return n;
}

/* merge sorted runs [b[i], b[i+1]) of v pairwise until one is left */
static uint32_t *merge_runs(uint32_t *v, uint32_t *tmp, uint32_t *b, uint32_t k) {
  while (k > 1) {
    uint32_t i, nk = 0;
    for (i = 0; i < k; i += 2) {
      uint32_t lo = b[i], mid = b[i + 1], hi = (i + 2 <= k) ? b[i + 2] : mid, x = lo, y = mid,
               o = lo;
      if (i + 1 >= k) hi = mid; /* an odd run out: copied */
      while (x < mid && y < hi) tmp[o++] = v[x] <= v[y] ? v[x++] : v[y++];
      while (x < mid) tmp[o++] = v[x++];
      while (y < hi) tmp[o++] = v[y++];
      b[nk++] = lo;
    }
    b[nk] = b[k];
    k = nk;
    {
      uint32_t *sw = v;
      v = tmp;
      tmp = sw;
    }
  }
  return v;
}

uint32_t rs_postings(const rs_index *ix, int a, uint32_t t, uint32_t *out, uint32_t *tmp) {
  uint32_t lo, hi, j, n = 0, k = 0, cap, bounds[65], *res;
  if (a == RS_ATTR_WORD) return rs_postings_word(ix, t, out);
  if (t >= ix->attr[a].n) return 0;
  cap = ix->freq[a][t];
  if (cap > ix->ntok) cap = ix->ntok; /* callers size out by the clamped count */
  lo = ix->inv_off[a][t];
  hi = ix->inv_off[a][t + 1];
  if (lo > hi || hi > ix->attr[0].n) return 0;
  bounds[0] = 0;
  for (j = lo; j < hi; j++) {
    uint32_t w = ix->inv[a][j];
    if (w >= ix->attr[0].n || ix->freq[0][w] > cap - n) break;
    n += rs_postings_word(ix, w, out + n);
    if (k == 63) { /* many word types (stems): fold what we have first */
      bounds[++k] = n;
      res = merge_runs(out, tmp, bounds, k);
      if (res != out) memcpy(out, res, n * sizeof *out);
      k = 0;
      bounds[0] = 0;
      bounds[++k] = n;
      continue;
    }
    bounds[++k] = n;
  }
  res = merge_runs(out, tmp, bounds, k);
  if (res != out) memcpy(out, res, n * sizeof *out);
  return n;
}

/* }====================================================== */
