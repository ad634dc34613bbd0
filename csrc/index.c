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

/* an extra attribute being built */
typedef struct bxattr {
  char name[RS_MAX_NAME + 1];
  rs_vocab voc;
  uint32_t *stream; /* its type per position */
  size_t streamcap;
  uint32_t undef;   /* the type RS_UNDEF */
  /* derived by rs_builder_finish */
  uint32_t *freq, *df;
  size_t freqn;
  uint64_t *post_off;
  size_t post_offn;
  rs_buf post;
} bxattr;

/* a structure attribute being built */
typedef struct bsattr {
  int level;
  char name[RS_MAX_NAME + 1];
  uint32_t *val; /* per region of its level (RS_NOVAL past n) */
  size_t cap;
  uint32_t n;
} bsattr;

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
  rs_region *lv[RS_MAXLEVEL];
  size_t lvcap[RS_MAXLEVEL];
  uint32_t nlv[RS_MAXLEVEL];
  rs_buf meta;
  /* annotated input: extra attributes, extra levels, structure attributes */
  uint32_t nx;
  bxattr x[RS_MAX_XATTR];
  uint32_t nxlv;
  char lvname[RS_MAX_XLEVEL][RS_MAX_NAME + 1];
  uint32_t nsattr;
  bsattr sa[RS_MAX_SATTR];
  rs_vocab svoc;
  uint32_t xlimit;
  char errmsg[200];
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
  B->xlimit = RS_MAX_XTYPES;
  return B;
}

static void free_xderived(rs_builder *B) {
  rs_mem *M = B->M;
  uint32_t k;
  for (k = 0; k < B->nx; k++) {
    bxattr *x = &B->x[k];
    rs_free(M, x->freq, x->freqn * sizeof(uint32_t));
    rs_free(M, x->df, x->freqn * sizeof(uint32_t));
    rs_free(M, x->post_off, x->post_offn * sizeof(uint64_t));
    rs_buf_free(M, &x->post);
    x->freq = x->df = NULL;
    x->post_off = NULL;
    x->freqn = x->post_offn = 0;
  }
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
  free_xderived(B);
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
  for (a = 0; a < RS_MAXLEVEL; a++) rs_free(M, B->lv[a], B->lvcap[a] * sizeof(rs_region));
  rs_buf_free(M, &B->meta);
  for (a = 0; a < (int)B->nx; a++) {
    rs_vocab_free(M, &B->x[a].voc);
    rs_big_free(M, B->x[a].stream, B->x[a].streamcap, sizeof(uint32_t));
  }
  for (a = 0; a < (int)B->nsattr; a++) rs_free(M, B->sa[a].val, B->sa[a].cap * sizeof(uint32_t));
  rs_vocab_free(M, &B->svoc);
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

/* room for a document of n bytes and ntok tokens, so that adding it
** cannot fail half-way */
static int reserve_doc(rs_builder *B, size_t n, size_t ntok, const rs_docspans *spans) {
  rs_mem *M = B->M;
  uint32_t k;
  if (n > RS_MAX_TEXT) return RS_ELIMIT;
  if ((uint64_t)B->ntok + ntok >= 0xFFFFFFFFu) return RS_ELIMIT;
  if (B->ndoc == 0xFFFFFFFEu) return RS_ELIMIT;
  if (spans && spans->nboiler > 0xFFFFFFF0u - B->nboiler) return RS_ELIMIT;
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
  for (k = 0; k < B->nx; k++)
    if (rs_big_grow(M, (void **)&B->x[k].stream, &B->x[k].streamcap, B->ntok + ntok, sizeof(uint32_t)))
      return RS_ENOMEM;
  return RS_OK;
}

/* add a document whose word types are ids[0..ntok) (room reserved) */
static int add_doc(rs_builder *B, const char *text, size_t n, const rs_token *toks, size_t ntok,
                   const uint32_t *ids, const rs_docspans *spans) {
  rs_mem *M = B->M;
  size_t i;
  uint64_t base = B->text.n;
  uint32_t first = B->ntok, k;
  int err, level;
  rs_docrec *d;
  /* nothing below allocates but the regions and gap overflow list */
  for (i = 0; i < ntok; i++) {
    const rs_token *t = &toks[i];
    uint32_t p = B->ntok + (uint32_t)i;
    uint64_t abs = base + t->start;
    uint64_t g = abs - B->last_stop;
    B->stream[p] = ids[i];
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
    B->last_stop = base + t->stop;
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
  for (k = 0; k < B->nx; k++) /* no value yet (room reserved) */
    for (i = 0; i < ntok; i++) B->x[k].stream[first + i] = B->x[k].undef;
  if (n) memcpy(B->text.p + B->text.n, text, n); /* an empty speech may have no buffer at all */
  B->text.n += n;
  d = &B->docs[B->ndoc++];
  d->text_off = base;
  d->text_len = n;
  d->first = first;
  d->ntok = (uint32_t)ntok;
  d->words = 0;
  for (i = 0; i < ntok; i++) d->words += B->kind[ids[i]] <= RS_TOK_NUMBER;
  d->aside = spans ? spans->aside : 0;
  B->ntok += (uint32_t)ntok;
  return RS_OK;
}

int rs_builder_add_tokens(rs_builder *B, const char *text, size_t n, const rs_token *toks,
                          size_t ntok, const uint32_t *lid, const rs_strtab *local,
                          const rs_docspans *spans, const char *lang) {
  rs_mem *M = B->M;
  size_t i;
  struct sb_stemmer *st;
  int err;
  /* reserve everything first so a failure leaves the builder unchanged */
  if ((err = reserve_doc(B, n, ntok, spans)) != RS_OK) return err;
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
  return add_doc(B, text, n, toks, ntok, B->ids, spans);
}

int rs_builder_add_ids(rs_builder *B, const char *text, size_t n, const rs_token *toks,
                       size_t ntok, const uint32_t *wid, const rs_docspans *spans) {
  size_t i;
  int err;
  for (i = 0; i < ntok; i++)
    if (wid[i] >= B->voc[0].n) return RS_EINVAL;
  if ((err = reserve_doc(B, n, ntok, spans)) != RS_OK) return err;
  return add_doc(B, text, n, toks, ntok, wid, spans);
}

int rs_builder_wintern(rs_builder *B, const char *s, size_t n, const char *lang, uint32_t *id) {
  int isnew, err = rs_vocab_intern(B->M, &B->voc[RS_ATTR_WORD], s, n, id, &isnew);
  if (!err && isnew) {
    err = add_forms(B, s, n, stemmer(B, lang));
    if (err) rs_vocab_pop(&B->voc[RS_ATTR_WORD]);
  }
  return err;
}

/* {====================================================== annotated input */

int rs_name_ok(const char *name) {
  size_t i, n = strlen(name);
  if (n == 0 || n > RS_MAX_NAME) return 0;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)name[i];
    int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && ((c >= '0' && c <= '9') || c == '-'))) return 0;
  }
  return 1;
}

static const char *const BUILTIN_ATTR[RS_NATTR] = {"word", "lower", "stem"};
static const char *const BUILTIN_LEVEL[RS_NLEVEL] = {"segment", "point", "sentence", "quotation"};

/* names a structure cannot take: the built-in levels, their aliases, speech */
static int reserved_level(const char *name) {
  static const char *const r[] = {"segment", "point", "sentence", "quotation", "speech", "s",
                                  "paragraph", "text", NULL};
  int i;
  for (i = 0; r[i]; i++)
    if (strcmp(r[i], name) == 0) return 1;
  return 0;
}

const char *rs_builder_error(const rs_builder *B) { return B->errmsg; }
void rs_builder_set_xlimit(rs_builder *B, uint32_t limit) { B->xlimit = limit ? limit : 1; }
uint32_t rs_builder_ntok(const rs_builder *B) { return B->ntok; }

int rs_builder_reserve(rs_builder *B, size_t ntok, size_t nbytes) {
  rs_mem *M = B->M;
  size_t need = (size_t)B->ntok + ntok;
  uint32_t k;
  if (need >= 0xFFFFFFFFu) return RS_OK; /* adding will say so */
  if (rs_grow(M, (void **)&B->stream, &B->streamcap, need, sizeof *B->stream) ||
      rs_grow(M, (void **)&B->gap, &B->gapcap, need, 1) ||
      rs_grow(M, (void **)&B->ckpt, &B->ckptcap, need / 64 + 1, sizeof *B->ckpt) ||
      rs_buf_reserve(M, &B->text, nbytes))
    return RS_ENOMEM;
  for (k = 0; k < B->nx; k++)
    if (rs_big_grow(M, (void **)&B->x[k].stream, &B->x[k].streamcap, need, sizeof(uint32_t)))
      return RS_ENOMEM;
  return RS_OK;
}
rs_mem *rs_builder_mem(const rs_builder *B) { return B->M; }

int rs_builder_xattr(rs_builder *B, const char *name) {
  uint32_t k;
  int isnew, err;
  bxattr *x;
  for (k = 0; k < RS_NATTR; k++)
    if (strcmp(BUILTIN_ATTR[k], name) == 0) {
      snprintf(B->errmsg, sizeof B->errmsg,
               "attribute '%s' clashes with a built-in one (word, lower, stem)", name);
      return RS_EINVAL;
    }
  for (k = 0; k < B->nx; k++)
    if (strcmp(B->x[k].name, name) == 0) return RS_NATTR + (int)k;
  if (!rs_name_ok(name)) {
    snprintf(B->errmsg, sizeof B->errmsg,
             "bad attribute name '%.80s' (a letter or '_', then letters, digits, '_' or '-', at most %d bytes)",
             name, RS_MAX_NAME);
    return RS_EINVAL;
  }
  if (B->nx == RS_MAX_XATTR) {
    snprintf(B->errmsg, sizeof B->errmsg, "too many attributes: '%s' would be the %dth beside word, lower and stem",
             name, RS_MAX_XATTR + 1);
    return RS_ELIMIT;
  }
  x = &B->x[B->nx];
  memset(x, 0, sizeof *x);
  rs_vocab_init(&x->voc);
  if ((err = rs_vocab_intern(B->M, &x->voc, RS_UNDEF, strlen(RS_UNDEF), &x->undef, &isnew)) ||
      rs_big_grow(B->M, (void **)&x->stream, &x->streamcap, B->ntok > B->streamcap ? B->ntok : B->streamcap,
                  sizeof(uint32_t))) {
    rs_vocab_free(B->M, &x->voc);
    rs_big_free(B->M, x->stream, x->streamcap, sizeof(uint32_t));
    return RS_ENOMEM;
  }
  for (k = 0; k < B->ntok; k++) x->stream[k] = x->undef;
  strcpy(x->name, name);
  return RS_NATTR + (int)B->nx++;
}

int rs_builder_xlevel(rs_builder *B, const char *name) {
  uint32_t k;
  for (k = 0; k < RS_NLEVEL; k++)
    if (strcmp(BUILTIN_LEVEL[k], name) == 0) return (int)k;
  for (k = 0; k < B->nxlv; k++)
    if (strcmp(B->lvname[k], name) == 0) return RS_LV_X0 + (int)k;
  if (!rs_name_ok(name) || reserved_level(name)) {
    snprintf(B->errmsg, sizeof B->errmsg, "bad structure name '%.80s'", name);
    return RS_EINVAL;
  }
  if (B->nxlv == RS_MAX_XLEVEL) {
    snprintf(B->errmsg, sizeof B->errmsg, "too many structures: <%s> would be the %dth of its own",
             name, RS_MAX_XLEVEL + 1);
    return RS_ELIMIT;
  }
  strcpy(B->lvname[B->nxlv], name);
  return RS_LV_X0 + (int)B->nxlv++;
}

int rs_builder_sattr(rs_builder *B, int lv, const char *name) {
  uint32_t k;
  if (!(lv >= 0 && lv < RS_NLEVEL) && !(lv >= RS_LV_X0 && (uint32_t)lv < RS_LV_X0 + B->nxlv))
    return RS_EINVAL;
  for (k = 0; k < B->nsattr; k++)
    if (B->sa[k].level == lv && strcmp(B->sa[k].name, name) == 0) return (int)k;
  if (!rs_name_ok(name)) {
    snprintf(B->errmsg, sizeof B->errmsg, "bad structure attribute name '%.80s'", name);
    return RS_EINVAL;
  }
  if (B->nsattr == RS_MAX_SATTR) {
    snprintf(B->errmsg, sizeof B->errmsg, "too many structure attributes: '%s' would be the %dth",
             name, RS_MAX_SATTR + 1);
    return RS_ELIMIT;
  }
  memset(&B->sa[B->nsattr], 0, sizeof B->sa[0]);
  B->sa[B->nsattr].level = lv;
  strcpy(B->sa[B->nsattr].name, name);
  return (int)B->nsattr++;
}

int rs_builder_xintern(rs_builder *B, int a, const char *s, size_t n, uint32_t *id) {
  bxattr *x;
  int isnew, err;
  if (a < RS_NATTR || (uint32_t)(a - RS_NATTR) >= B->nx) return RS_EINVAL;
  x = &B->x[a - RS_NATTR];
  err = rs_vocab_intern(B->M, &x->voc, s, n, id, &isnew);
  if (!err && isnew && x->voc.n > B->xlimit) {
    rs_vocab_pop(&x->voc);
    snprintf(B->errmsg, sizeof B->errmsg,
             "attribute '%s' has more than %lu distinct values (the limit of an attribute)", x->name,
             (unsigned long)B->xlimit);
    return RS_ELIMIT;
  }
  return err;
}

int rs_builder_sintern(rs_builder *B, const char *s, size_t n, uint32_t *id) {
  int isnew;
  return rs_vocab_intern(B->M, &B->svoc, s, n, id, &isnew);
}

void rs_builder_xset(rs_builder *B, int a, uint32_t first, const uint32_t *val, size_t n) {
  bxattr *x;
  if (!n || a < RS_NATTR || (uint32_t)(a - RS_NATTR) >= B->nx || first > B->ntok || n > B->ntok - first) return;
  x = &B->x[a - RS_NATTR];
  memcpy(x->stream + first, val, n * sizeof *val);
}

int rs_builder_region(rs_builder *B, int lv, uint32_t start, uint32_t stop, int32_t attr,
                      uint32_t *index) {
  int err;
  if (!(lv >= 0 && lv < RS_NLEVEL) && !(lv >= RS_LV_X0 && (uint32_t)lv < RS_LV_X0 + B->nxlv))
    return RS_EINVAL;
  if (stop > B->ntok) stop = B->ntok;
  *index = B->nlv[lv];
  if (stop <= start) return RS_EINVAL;
  if ((err = add_region(B, lv, start, stop, attr))) return err;
  return RS_OK;
}

int rs_builder_sset(rs_builder *B, int j, uint32_t index, uint32_t v) {
  bsattr *a;
  if (j < 0 || (uint32_t)j >= B->nsattr) return RS_EINVAL;
  a = &B->sa[j];
  if (index >= B->nlv[a->level]) return RS_EINVAL;
  if (index >= a->cap) {
    size_t old = a->cap, i;
    if (rs_grow(B->M, (void **)&a->val, &a->cap, (size_t)index + 1, sizeof *a->val)) return RS_ENOMEM;
    for (i = old; i < a->cap; i++) a->val[i] = RS_NOVAL;
  }
  a->val[index] = v;
  return RS_OK;
}

/* every structure attribute as long as its level (RS_NOVAL past the values set) */
static int pad_sattrs(rs_builder *B) {
  uint32_t j;
  for (j = 0; j < B->nsattr; j++) {
    bsattr *a = &B->sa[j];
    size_t need = B->nlv[a->level], old = a->cap, i;
    if (need > a->cap || !a->val) {
      if (rs_grow(B->M, (void **)&a->val, &a->cap, need ? need : 1, sizeof *a->val)) return RS_ENOMEM;
      for (i = old; i < a->cap; i++) a->val[i] = RS_NOVAL;
    }
  }
  return RS_OK;
}

/* }====================================================== */

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

/* the value of structure attribute j of ix for region i, interned in B */
static int copy_sval(rs_builder *B, const rs_index *ix, uint32_t j, uint32_t i, int bj, uint32_t bi) {
  uint32_t v = ix->sattr[j].val[i], id;
  size_t l;
  const char *s;
  int err;
  if (v == RS_NOVAL || v >= ix->svals.n) return RS_OK;
  s = rs_strtab_get(&ix->svals, v, &l);
  if ((err = rs_builder_sintern(B, s, l, &id))) return err;
  return rs_builder_sset(B, bj, bi, id);
}

/* what annotated input gave speech r of ix (extra attributes, extra
** structures, structure attributes), added to B where its tokens start at
** first and the regions of the built-in levels at lvbase[] */
static int copy_annotations(rs_builder *B, const rs_index *ix, const rs_docrec *r, uint32_t first,
                            const uint32_t *lvbase) {
  uint32_t a, k, j, p, end = r->first + r->ntok;
  int err;
  for (a = RS_NATTR; a < ix->nattr; a++) {
    int ba = rs_builder_xattr(B, ix->attr_name[a]);
    if (ba < 0) return ba;
    for (p = r->first; p < end; p++) {
      uint32_t t = rs_type_at(ix, (int)a, p), id;
      size_t l;
      const char *s = rs_strtab_get(&ix->attr[a], t, &l);
      if ((err = rs_builder_xintern(B, ba, s, l, &id))) return err;
      B->x[ba - RS_NATTR].stream[first + (p - r->first)] = id;
    }
  }
  for (j = 0; j < ix->nsattr; j++) { /* built-in levels: regions added with the tokens */
    int lv = ix->sattr[j].level, bj;
    uint32_t i, n = 0;
    if (lv >= RS_NLEVEL) continue;
    bj = rs_builder_sattr(B, lv, ix->sattr[j].name);
    if (bj < 0) return bj;
    for (i = region_at(ix, lv, r->first); i < ix->nlv[lv] && ix->lv[lv][i].start < end; i++, n++)
      if ((err = copy_sval(B, ix, j, i, bj, lvbase[lv] + n))) return err;
  }
  for (k = 0; k < ix->nxlv; k++) {
    int lv = RS_LV_X0 + (int)k, blv = rs_builder_xlevel(B, ix->lv_name[lv]);
    uint32_t i;
    if (blv < 0) return blv;
    for (i = region_at(ix, lv, r->first); i < ix->nlv[lv] && ix->lv[lv][i].start < end; i++) {
      const rs_region *g = &ix->lv[lv][i];
      uint32_t bi, stop = g->stop < end ? g->stop : end;
      if (stop <= g->start) continue;
      if ((err = rs_builder_region(B, blv, first + (g->start - r->first), first + (stop - r->first),
                                   g->attr, &bi)))
        return err;
      for (j = 0; j < ix->nsattr; j++) {
        int bj;
        if (ix->sattr[j].level != lv) continue;
        if ((bj = rs_builder_sattr(B, blv, ix->sattr[j].name)) < 0) return bj;
        if ((err = copy_sval(B, ix, j, i, bj, bi))) return err;
      }
    }
  }
  return RS_OK;
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
  {
    uint32_t lvbase[RS_NLEVEL], first = B->ntok;
    for (lv = 0; lv < RS_NLEVEL; lv++) lvbase[lv] = B->nlv[lv];
    err = rs_builder_add_tokens(B, ix->text + r->text_off, (size_t)r->text_len, B->toks, r->ntok,
                                NULL, NULL, &sp, lang);
    rs_free(M, spans, cap * sizeof *spans);
    if (!err) err = copy_annotations(B, ix, r, first, lvbase);
  }
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
  ix->nattr = RS_NATTR + B->nx;
  for (a = 0; a < RS_NATTR; a++) {
    ix->attr[a] = rs_vocab_view(&B->voc[a]);
    ix->map[a] = a ? B->map[a] : NULL;
    ix->attr_name[a] = BUILTIN_ATTR[a];
  }
  for (a = 0; a < (int)B->nx; a++) {
    static const uint32_t none = 0;
    ix->attr[RS_NATTR + a] = rs_vocab_view(&B->x[a].voc);
    ix->attr_name[RS_NATTR + a] = B->x[a].name;
    ix->xstream[RS_NATTR + a] = B->x[a].stream ? B->x[a].stream : &none;
  }
  ix->post = (const uint8_t *)"";
  for (a = 0; a < RS_MAXLEVEL; a++) {
    ix->lv[a] = B->lv[a];
    ix->nlv[a] = B->nlv[a];
  }
  ix->nxlv = B->nxlv;
  for (a = 0; a < (int)B->nxlv; a++) ix->lv_name[RS_LV_X0 + a] = B->lvname[a];
  if (pad_sattrs(B)) return RS_ENOMEM;
  ix->nsattr = B->nsattr;
  for (a = 0; a < (int)B->nsattr; a++) {
    ix->sattr[a].level = B->sa[a].level;
    ix->sattr[a].name = B->sa[a].name;
    ix->sattr[a].val = B->sa[a].val;
  }
  ix->svals = rs_vocab_view(&B->svoc);
  ix->meta = (const uint8_t *)B->meta.p;
  ix->metalen = B->meta.n;
  return RS_OK;
}

/* the frequencies, document frequencies and postings of extra attribute k */
typedef struct xjob {
  rs_builder *B;
  uint32_t k[RS_MAX_XATTR];
  int n, err;
} xjob;

static int finish_x1(rs_builder *B, bxattr *x) {
  rs_mem *M = B->M;
  uint32_t nt = x->voc.n, d, p, t, *seen = NULL, *last = NULL;
  uint64_t total = 0, *cur = NULL;
  x->freqn = nt;
  x->freq = alloc_u32(M, nt);
  x->df = alloc_u32(M, nt);
  x->post_offn = (size_t)nt + 1;
  x->post_off = rs_malloc(M, x->post_offn * sizeof(uint64_t));
  seen = alloc_u32(M, nt);
  last = alloc_u32(M, nt);
  if (!x->freq || !x->df || !x->post_off || !seen || !last) goto fail;
  memset(x->post_off, 0, x->post_offn * sizeof(uint64_t));
  for (d = 0; d < B->ndoc; d++) {
    const rs_docrec *r = &B->docs[d];
    for (p = r->first; p < r->first + r->ntok; p++) {
      t = x->stream[p];
      if (t >= nt) continue;
      x->freq[t]++;
      x->df[t] += seen[t] != d + 1;
      seen[t] = d + 1;
      x->post_off[t + 1] += vlen(p - last[t]);
      last[t] = p;
    }
  }
  for (t = 0; t < nt; t++) {
    total += x->post_off[t + 1];
    x->post_off[t + 1] = total;
  }
  cur = rs_malloc(M, (nt ? nt : 1) * sizeof *cur);
  if (!cur || rs_buf_reserve(M, &x->post, (size_t)total)) goto fail;
  x->post.n = (size_t)total;
  for (t = 0; t < nt; t++) {
    cur[t] = x->post_off[t];
    last[t] = 0;
  }
  for (p = 0; p < B->ntok; p++) {
    t = x->stream[p];
    if (t >= nt) continue;
    cur[t] = (uint64_t)(vput((uint8_t *)x->post.p + cur[t], p - last[t]) - (uint8_t *)x->post.p);
    last[t] = p;
  }
  rs_free(M, cur, (nt ? nt : 1) * sizeof *cur);
  rs_free(M, seen, (nt ? nt : 1) * sizeof(uint32_t));
  rs_free(M, last, (nt ? nt : 1) * sizeof(uint32_t));
  return RS_OK;
fail:
  rs_free(M, cur, (nt ? nt : 1) * sizeof *cur);
  rs_free(M, seen, (nt ? nt : 1) * sizeof(uint32_t));
  rs_free(M, last, (nt ? nt : 1) * sizeof(uint32_t));
  return RS_ENOMEM;
}

static void *finish_xjob(void *arg) {
  xjob *j = arg;
  int i;
  for (i = 0; i < j->n && !j->err; i++) j->err = finish_x1(j->B, &j->B->x[j->k[i]]);
  return NULL;
}

/* the extra attributes' derived arrays, split over two threads */
static int finish_xattrs(rs_builder *B) {
  xjob J[2];
  uint32_t k;
  memset(J, 0, sizeof J);
  J[0].B = J[1].B = B;
  for (k = 0; k < B->nx; k++) {
    xjob *j = &J[k % 2];
    j->k[j->n++] = k;
  }
  run_two(finish_xjob, &J[0], &J[1], B->ntok > (1u << 20) && B->nx > 1);
  return J[0].err ? J[0].err : J[1].err;
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
  if (B->nx && finish_xattrs(B)) goto fail;
  if (rs_builder_base_view(B, ix)) goto fail;
  /* the derived arrays */
  for (a = 0; a < RS_NATTR; a++) {
    ix->freq[a] = B->freq[a];
    ix->df[a] = B->df[a];
    ix->inv_off[a] = a ? B->inv_off[a] : NULL;
    ix->inv[a] = a ? B->inv[a] : NULL;
  }
  for (a = 0; a < B->nx; a++) {
    bxattr *x = &B->x[a];
    ix->freq[RS_NATTR + a] = x->freq;
    ix->df[RS_NATTR + a] = x->df;
    ix->xpost_off[RS_NATTR + a] = x->post_off;
    ix->xpost[RS_NATTR + a] = (const uint8_t *)(x->post.p ? x->post.p : "");
    ix->xpostlen[RS_NATTR + a] = x->post.n;
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

uint32_t rs_postings_x(const rs_index *ix, int a, uint32_t t, uint32_t *out) {
  uint64_t lo, hi;
  uint32_t n = 0, pos = 0, want;
  const uint8_t *p, *e;
  if (!rs_attr_valid(ix, a) || a < RS_NATTR || t >= ix->attr[a].n) return 0;
  lo = ix->xpost_off[a][t];
  hi = ix->xpost_off[a][t + 1];
  if (lo > hi || hi > ix->xpostlen[a]) return 0;
  want = ix->freq[a][t];
  if (want > ix->ntok) want = ix->ntok;
  p = ix->xpost[a] + lo;
  e = ix->xpost[a] + hi;
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

int rs_attr_find(const rs_index *ix, const char *name) {
  uint32_t a;
  for (a = 0; a < ix->nattr; a++)
    if (ix->attr_name[a] && strcmp(ix->attr_name[a], name) == 0) return (int)a;
  return -1;
}

int rs_level_find(const rs_index *ix, const char *name) {
  uint32_t k;
  for (k = 0; k < RS_NLEVEL; k++)
    if (strcmp(BUILTIN_LEVEL[k], name) == 0) return (int)k;
  for (k = 0; k < ix->nxlv; k++)
    if (ix->lv_name[RS_LV_X0 + k] && strcmp(ix->lv_name[RS_LV_X0 + k], name) == 0)
      return RS_LV_X0 + (int)k;
  return -1;
}

int rs_sattr_find(const rs_index *ix, int lv, const char *name) {
  uint32_t j;
  for (j = 0; j < ix->nsattr; j++)
    if (ix->sattr[j].level == lv && strcmp(ix->sattr[j].name, name) == 0) return (int)j;
  return -1;
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
  if (a >= RS_NATTR) return rs_postings_x(ix, a, t, out);
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
