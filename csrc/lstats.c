/*
** lstats.c: Lua binding of the statistics engine (stats.c) and of the
** scores of measures.c over its counts. Adds to the corpus handle
** ("rostra.corpus") the low-level methods lua/rostra/stats.lua builds the
** analyst's API on:
**   h:stats_ngrams(o)      -> ngram set, info
**   h:stats_collocates(o)  -> rows, info
**   h:stats_keyness(o)     -> rows, info
**   h:stats_dispersion(o)  -> parts, measures
** `o` is an options table checked by stats.lua (this file only guards
** against what would crash). Positions are 1-based and inclusive here.
** Engine results live in a userdata box with a __gc, so a Lua error while
** rows are built leaks nothing; scratch arrays are userdata too.
*/
#include <string.h>

#include "index.h"
#include "lrostra.h"
#include "measures.h"
#include "stats.h"

#define BOX_MT "rostra.stats.box"
#define NGRAMS_MT "rostra.ngramset"

/* {====================================================== helpers */

typedef struct sbox {
  rs_mem *M;
  int kind; /* 1 n-grams, 2 collocates, 3 parts */
  rs_ngrams g;
  rs_colls c;
  rs_parts p;
  uint32_t ntok, ndoc; /* the index the n-grams came from */
  int attr;
} sbox;

static int box_gc(lua_State *L) {
  sbox *b = (sbox *)lua_touserdata(L, 1);
  if (b) {
    if (b->kind == 1) rs_ngrams_free(b->M, &b->g);
    if (b->kind == 2) rs_colls_free(b->M, &b->c);
    if (b->kind == 3) rs_parts_free(b->M, &b->p);
    b->kind = 0;
  }
  return 0;
}

static sbox *new_box(lua_State *L, int kind, const char *mt) {
  sbox *b = (sbox *)lua_newuserdatauv(L, sizeof *b, 1);
  memset(b, 0, sizeof *b);
  b->M = rsl_mem(L);
  b->kind = kind;
  luaL_setmetatable(L, mt);
  return b;
}

static void *scratch(lua_State *L, size_t n, size_t elt) {
  if (n == 0) n = 1;
  if (n > ((size_t)-1) / elt) luaL_error(L, "not enough memory");
  return lua_newuserdatauv(L, n * elt, 0);
}

static int opt_attr(lua_State *L, const rs_index *ix, int t, const char *field, const char *def) {
  int a;
  lua_getfield(L, t, field);
  a = rsl_attr_arg(L, ix, lua_gettop(L), def);
  lua_pop(L, 1);
  return a;
}

static int opt_level(lua_State *L, const rs_index *ix, int t) {
  int lv;
  const char *name;
  lua_getfield(L, t, "within");
  name = luaL_optstring(L, -1, "sentence");
  if (strcmp(name, "speech") == 0) lv = RS_STATS_SPEECH;
  else if ((lv = rs_level_find(ix, name)) < 0) luaL_error(L, "unknown structure '%s'", name);
  lua_pop(L, 1);
  return lv;
}

static lua_Integer opt_int(lua_State *L, int t, const char *field, lua_Integer def) {
  lua_Integer v;
  lua_getfield(L, t, field);
  v = luaL_optinteger(L, -1, def);
  lua_pop(L, 1);
  return v;
}

static int opt_bool(lua_State *L, int t, const char *field) {
  int v;
  lua_getfield(L, t, field);
  v = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

/* a speech mask (a string of ndoc bytes) or NULL; stays anchored by o */
static const uint8_t *opt_mask(lua_State *L, int t, const char *field, const rs_index *ix) {
  size_t n;
  const char *s;
  lua_getfield(L, t, field);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return NULL;
  }
  s = luaL_checklstring(L, -1, &n);
  if (n != ix->ndoc) luaL_error(L, "%s: speech mask of the wrong size", field);
  lua_pop(L, 1);
  return (const uint8_t *)s;
}

/* is a type punctuation or a symbol (not a word nor a number)? */
static int is_punct(const rs_index *ix, int a, uint32_t t) {
  size_t l;
  const char *s = rs_strtab_get(&ix->attr[a], t, &l);
  rs_tokenizer T;
  rs_token k;
  rs_tok_init(&T, s, l, 0);
  if (!rs_tok_next(&T, &k)) return 1;
  return k.kind != RS_TOK_WORD && k.kind != RS_TOK_NUMBER;
}

/* flags[t] |= RS_TYPE_STOP for the types of attribute a that the stopword
** list o.stop (lower forms) names: a lower type itself, every word type of
** that lower type, or a stem type of that form */
static void mark_stops(lua_State *L, int t, const rs_index *ix, int a, uint8_t *flags) {
  lua_Integer i, n;
  lua_getfield(L, t, "stop");
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  n = (lua_Integer)lua_rawlen(L, -1);
  for (i = 1; i <= n; i++) {
    size_t l;
    const char *s;
    int64_t id;
    lua_rawgeti(L, -1, i);
    s = lua_tolstring(L, -1, &l);
    if (s) {
      if (a == RS_ATTR_WORD) {
        id = rs_strtab_find(&ix->attr[RS_ATTR_LOWER], s, l);
        if (id >= 0 && ix->inv_off[RS_ATTR_LOWER] && ix->inv[RS_ATTR_LOWER]) {
          uint64_t k, lo = ix->inv_off[RS_ATTR_LOWER][id], hi = ix->inv_off[RS_ATTR_LOWER][id + 1];
          if (hi > ix->attr[0].n) hi = ix->attr[0].n; /* a damaged index */
          for (k = lo; k < hi; k++) {
            uint32_t w = ix->inv[RS_ATTR_LOWER][k];
            if (w < ix->attr[0].n) flags[w] |= RS_TYPE_STOP;
          }
        }
      } else {
        id = rs_strtab_find(&ix->attr[a], s, l);
        if (id >= 0) flags[id] |= RS_TYPE_STOP;
      }
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* one flag byte per type: stopwords only (punctuation is checked for the
** few candidates that need it) */
static uint8_t *stop_flags(lua_State *L, int t, const rs_index *ix, int a) {
  uint32_t nt = ix->attr[a].n;
  uint8_t *f = (uint8_t *)scratch(L, nt, 1);
  memset(f, 0, nt ? nt : 1);
  mark_stops(L, t, ix, a, f);
  return f;
}

static void push_form(lua_State *L, const rs_index *ix, int a, uint32_t t) {
  size_t l;
  const char *s = rs_strtab_get(&ix->attr[a], t, &l);
  lua_pushlstring(L, s, l);
}

/* byte order of two types' forms */
static int form_cmp(const rs_index *ix, int a, uint32_t x, uint32_t y) {
  size_t lx, ly, m;
  const char *sx = rs_strtab_get(&ix->attr[a], x, &lx);
  const char *sy = rs_strtab_get(&ix->attr[a], y, &ly);
  int c;
  m = lx < ly ? lx : ly;
  c = memcmp(sx, sy, m);
  if (c) return c;
  return lx < ly ? -1 : lx > ly;
}

/* sorting an index array with a context: `before(ctx, i, j)` is true when
** entry i comes first */
typedef int (*before_fn)(const void *ctx, uint32_t i, uint32_t j);

static void msort(uint32_t *v, uint32_t *tmp, size_t n, before_fn before, const void *ctx) {
  size_t w, i;
  uint32_t *src = v, *dst = tmp;
  for (w = 1; w < n; w *= 2) {
    for (i = 0; i < n; i += 2 * w) {
      size_t a = i, am = i + w < n ? i + w : n, b = am, bm = i + 2 * w < n ? i + 2 * w : n, k = i;
      while (a < am && b < bm) dst[k++] = before(ctx, src[b], src[a]) ? src[b++] : src[a++];
      while (a < am) dst[k++] = src[a++];
      while (b < bm) dst[k++] = src[b++];
    }
    {
      uint32_t *t = src;
      src = dst;
      dst = t;
    }
  }
  if (src != v) memcpy(v, src, n * sizeof *v);
}

static void hdown(uint32_t *h, size_t n, size_t i, before_fn before, const void *ctx) {
  for (;;) { /* the root is the last in order among those kept */
    size_t l = 2 * i + 1, r = l + 1, w = i;
    if (l < n && before(ctx, h[w], h[l])) w = l;
    if (r < n && before(ctx, h[w], h[r])) w = r;
    if (w == i) return;
    {
      uint32_t t = h[i];
      h[i] = h[w];
      h[w] = t;
    }
    i = w;
  }
}

/* order idx[0..n) and keep the first top (0: all); returns the count kept */
static size_t select_sorted(lua_State *L, uint32_t *idx, size_t n, size_t top, before_fn before,
                            const void *ctx) {
  size_t i, k = 0;
  if (top == 0 || top >= n) {
    msort(idx, (uint32_t *)scratch(L, n, 4), n, before, ctx);
    lua_pop(L, 1);
    return n;
  }
  for (i = 0; i < n; i++) { /* a heap of the top entries */
    uint32_t x = idx[i];
    if (k < top) {
      size_t j = k++;
      idx[j] = x;
      while (j > 0 && before(ctx, idx[(j - 1) / 2], idx[j])) {
        uint32_t t = idx[j];
        idx[j] = idx[(j - 1) / 2];
        idx[(j - 1) / 2] = t;
        j = (j - 1) / 2;
      }
    } else if (before(ctx, x, idx[0])) {
      idx[0] = x;
      hdown(idx, k, 0, before, ctx);
    }
  }
  for (i = k; i > 1; i--) {
    uint32_t t = idx[0];
    idx[0] = idx[i - 1];
    idx[i - 1] = t;
    hdown(idx, i - 1, 0, before, ctx);
  }
  return k;
}

static void set_int(lua_State *L, const char *k, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_setfield(L, -2, k);
}

static void set_num(lua_State *L, const char *k, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}

/* node spans from o.node_form (a form of attribute o.node_attr, from the
** postings) or o.starts / o.stops (arrays of 1-based inclusive positions)
** into [start, stop) arrays; returns their number */
static size_t read_nodes(lua_State *L, int t, const rs_index *ix, uint32_t **starts,
                         uint32_t **stops) {
  size_t n = 0, i;
  lua_getfield(L, t, "node_form");
  if (lua_type(L, -1) == LUA_TSTRING) {
    size_t l;
    const char *s = lua_tolstring(L, -1, &l);
    int a = opt_attr(L, ix, t, "node_attr", "lower");
    int64_t id = rs_strtab_find(&ix->attr[a], s, l);
    uint32_t cap = id >= 0 ? ix->freq[a][id] : 0;
    if (cap > ix->ntok) cap = ix->ntok; /* a damaged count: rs_postings clamps too */
    *starts = (uint32_t *)scratch(L, (size_t)cap * 2, 4);
    *stops = (uint32_t *)scratch(L, cap, 4);
    if (id >= 0) n = rs_postings(ix, a, (uint32_t)id, *starts, *starts + cap);
    for (i = 0; i < n; i++) (*stops)[i] = (*starts)[i] + 1;
    lua_remove(L, -3); /* keep the two scratch arrays, drop the form */
    return n;
  }
  lua_pop(L, 1);
  lua_getfield(L, t, "starts");
  lua_getfield(L, t, "stops");
  luaL_checktype(L, -2, LUA_TTABLE);
  luaL_checktype(L, -1, LUA_TTABLE);
  n = (size_t)lua_rawlen(L, -2);
  *starts = (uint32_t *)scratch(L, n, 4);
  *stops = (uint32_t *)scratch(L, n, 4);
  for (i = 0; i < n; i++) {
    lua_Integer a, b;
    int ok1, ok2;
    lua_rawgeti(L, -4, (lua_Integer)i + 1);
    lua_rawgeti(L, -4, (lua_Integer)i + 1);
    a = lua_tointegerx(L, -2, &ok1);
    b = lua_tointegerx(L, -1, &ok2);
    lua_pop(L, 2);
    if (!ok1 || !ok2) luaL_error(L, "positions: match %d is not a pair of integers", (int)i + 1);
    if (a < 1 || b < a || a > (lua_Integer)ix->ntok) { /* dropped by the engine */
      (*starts)[i] = (*stops)[i] = 0;
      continue;
    }
    if (b > (lua_Integer)ix->ntok) b = ix->ntok;
    (*starts)[i] = (uint32_t)(a - 1);
    (*stops)[i] = (uint32_t)b;
  }
  lua_remove(L, -3); /* keep the two scratch arrays, drop the tables */
  lua_remove(L, -3);
  return n;
}

/* }====================================================== */

/* {====================================================== n-grams */

/* h:stats_ngrams{attr, n, within, mask, skip_punct, min, top, stop} ->
** set, {tokens, total, distinct} */
static int l_ngrams(lua_State *L) {
  const rs_index *ix = rsl_corpus_index(L, 1);
  rs_ngram_opts o;
  uint8_t *flags, *f;
  sbox *b;
  uint32_t nt;
  int err;
  luaL_checktype(L, 2, LUA_TTABLE);
  memset(&o, 0, sizeof o);
  o.attr = opt_attr(L, ix, 2, "attr", "lower");
  o.n = (int)opt_int(L, 2, "n", 2);
  o.level = opt_level(L, ix, 2);
  o.mask = opt_mask(L, 2, "mask", ix);
  o.skip_punct = opt_bool(L, 2, "skip_punct");
  {
    lua_Integer min = opt_int(L, 2, "min", 1), top = opt_int(L, 2, "top", 0);
    o.min = min < 1 ? 1 : min > 0xFFFFFFFF ? 0xFFFFFFFFu : (uint32_t)min;
    o.top = top < 0 ? 0 : (size_t)top;
  }
  if (o.n < 1 || o.n > RS_NGRAM_MAX) return luaL_error(L, "n must be 1 to %d", RS_NGRAM_MAX);
  nt = ix->attr[o.attr].n;
  flags = (uint8_t *)scratch(L, nt, 1);
  err = rs_type_flags(rsl_mem(L), ix, o.attr, &f);
  if (err) return rsl_raise(L, err, NULL);
  memcpy(flags, f, nt);
  rs_free(rsl_mem(L), f, nt ? nt : 1);
  mark_stops(L, 2, ix, o.attr, flags);
  o.tflags = flags;
  b = new_box(L, 1, NGRAMS_MT);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1); /* the set keeps the corpus */
  b->ntok = ix->ntok;
  b->ndoc = ix->ndoc;
  b->attr = o.attr;
  err = rs_ngrams_count(b->M, ix, &o, &b->g);
  if (err) {
    b->kind = 0;
    return rsl_raise(L, err, NULL);
  }
  lua_createtable(L, 0, 3);
  set_int(L, "tokens", (lua_Integer)b->g.tokens);
  set_int(L, "words", (lua_Integer)b->g.words);
  set_int(L, "total", (lua_Integer)b->g.total);
  set_int(L, "distinct", (lua_Integer)b->g.distinct);
  return 2;
}

/* the set and the index it was counted on */
static sbox *check_set(lua_State *L, const rs_index **ix) {
  sbox *b = (sbox *)luaL_checkudata(L, 1, NGRAMS_MT);
  lua_getiuservalue(L, 1, 1);
  *ix = rsl_corpus_index(L, lua_gettop(L));
  lua_pop(L, 1);
  if ((*ix)->ntok != b->ntok || (*ix)->ndoc != b->ndoc)
    luaL_error(L, "the corpus changed since these n-grams were counted");
  return b;
}

/* pushes row i (0-based) as {ngram, count, per_million} */
static void push_gram(lua_State *L, const rs_index *ix, const sbox *b, size_t i) {
  const rs_ngrams *g = &b->g;
  luaL_Buffer B;
  int k;
  lua_createtable(L, 0, 3);
  luaL_buffinit(L, &B);
  for (k = 0; k < g->n; k++) {
    size_t l;
    const char *s = rs_strtab_get(&ix->attr[b->attr], g->types[i * (size_t)g->n + (size_t)k], &l);
    if (k) luaL_addchar(&B, ' ');
    luaL_addlstring(&B, s, l);
  }
  luaL_pushresult(&B);
  lua_setfield(L, -2, "ngram");
  set_int(L, "count", g->freq[i]);
  set_num(L, "per_million", g->words ? (double)g->freq[i] * 1e6 / (double)g->words : 0.0);
}

static int l_set_count(lua_State *L) {
  sbox *b = (sbox *)luaL_checkudata(L, 1, NGRAMS_MT);
  lua_pushinteger(L, (lua_Integer)b->g.count);
  return 1;
}

/* set:row(i) -> row i (1-based) or nil */
static int l_set_row(lua_State *L) {
  const rs_index *ix;
  sbox *b = check_set(L, &ix);
  lua_Integer i = luaL_checkinteger(L, 2);
  if (i < 1 || (lua_Unsigned)i > b->g.count) return 0;
  push_gram(L, ix, b, (size_t)(i - 1));
  return 1;
}

/* set:rows([i [, j]]) -> a list of the rows i..j (default all) */
static int l_set_rows(lua_State *L) {
  const rs_index *ix;
  sbox *b = check_set(L, &ix);
  lua_Integer i = luaL_optinteger(L, 2, 1), j = luaL_optinteger(L, 3, (lua_Integer)b->g.count), k;
  if (i < 1) i = 1;
  if (j > (lua_Integer)b->g.count) j = (lua_Integer)b->g.count;
  lua_createtable(L, j >= i ? (int)(j - i + 1) : 0, 0);
  for (k = i; k <= j; k++) {
    push_gram(L, ix, b, (size_t)(k - 1));
    lua_rawseti(L, -2, k - i + 1);
  }
  return 1;
}

/* }====================================================== */

/* {====================================================== collocates */

typedef struct centry {
  uint32_t type, o11, left, right, f2;
  double score[RS_ASSOC_COUNT];
  unsigned defined; /* bit m: score[m] defined */
} centry;

typedef struct cctx {
  const centry *e;
  const rs_index *ix;
  int attr, key; /* key: a measure, or -1 for the count */
} cctx;

static int coll_before(const void *ctx, uint32_t i, uint32_t j) {
  const cctx *c = (const cctx *)ctx;
  const centry *x = &c->e[i], *y = &c->e[j];
  if (c->key >= 0 && x->score[c->key] != y->score[c->key])
    return x->score[c->key] > y->score[c->key];
  if (x->o11 != y->o11) return x->o11 > y->o11;
  return form_cmp(c->ix, c->attr, x->type, y->type) < 0;
}

/* h:stats_collocates{attr, left, right, within, mask, node_form | starts,
** stops, stop, punct, measures = {names}, key = name | nil (count), min,
** top} -> rows, info */
static int l_collocates(lua_State *L) {
  const rs_index *ix = rsl_corpus_index(L, 1);
  rs_coll_opts o;
  uint32_t *starts, *stops, *idx;
  const uint32_t *f2;
  uint8_t *stop;
  size_t nnode, i, n = 0, kept;
  sbox *b;
  centry *e;
  cctx ctx;
  int want[RS_ASSOC_COUNT], nwant = 0, key = -1, k, err, punct, single;
  lua_Integer min, top;
  uint64_t N, undefined = 0, inconsistent = 0;
  double span;
  luaL_checktype(L, 2, LUA_TTABLE);
  memset(&o, 0, sizeof o);
  o.attr = opt_attr(L, ix, 2, "attr", "lower");
  {
    lua_Integer l = opt_int(L, 2, "left", 5), r = opt_int(L, 2, "right", 5);
    if (l < 0 || r < 0) return luaL_error(L, "the window must hold at least one position");
    o.left = (int)(l > 0x3FFFFFFF ? 0x3FFFFFFF : l); /* wider than any speech */
    o.right = (int)(r > 0x3FFFFFFF ? 0x3FFFFFFF : r);
  }
  o.level = opt_level(L, ix, 2);
  o.mask = opt_mask(L, 2, "mask", ix);
  punct = opt_bool(L, 2, "punct");
  single = opt_bool(L, 2, "single"); /* one measure, in the column "score" */
  min = opt_int(L, 2, "min", 1);
  top = opt_int(L, 2, "top", 0);
  if (o.left < 0 || o.right < 0 || o.left + o.right < 1)
    return luaL_error(L, "the window must hold at least one position");
  span = (double)o.left + (double)o.right;
  lua_getfield(L, 2, "measures");
  luaL_checktype(L, -1, LUA_TTABLE);
  for (i = 1; i <= (size_t)lua_rawlen(L, -1) && nwant < RS_ASSOC_COUNT; i++) {
    int m;
    lua_rawgeti(L, -1, (lua_Integer)i);
    m = rs_assoc_measure(lua_tostring(L, -1));
    if (m < 0) return luaL_error(L, "unknown measure (valid: %s)", rs_assoc_valid());
    want[nwant++] = m;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_getfield(L, 2, "key");
  if (!lua_isnil(L, -1)) {
    key = rs_assoc_measure(lua_tostring(L, -1));
    if (key < 0) return luaL_error(L, "unknown measure (valid: %s)", rs_assoc_valid());
  }
  lua_pop(L, 1);
  stop = stop_flags(L, 2, ix, o.attr);
  nnode = read_nodes(L, 2, ix, &starts, &stops);
  b = new_box(L, 2, BOX_MT);
  err = rs_collocates(b->M, ix, starts, stops, nnode, &o, &b->c);
  if (err) {
    b->kind = 0;
    return rsl_raise(L, err, NULL);
  }
  if (o.mask) { /* the collocates' frequencies in the view */
    uint32_t *v = (uint32_t *)scratch(L, ix->attr[o.attr].n, 4);
    rs_view_freq(ix, o.attr, o.mask, v, &N);
    f2 = v;
  } else {
    f2 = ix->freq[o.attr];
    N = ix->ntok;
  }
  /* the corpus size of the expected counts: its words, unless punctuation
  ** is counted as collocates too */
  if (!punct) N = rs_index_words(ix, (const char *)o.mask);
  e = (centry *)scratch(L, b->c.count, sizeof *e);
  for (i = 0; i < b->c.count; i++) {
    uint32_t t = b->c.type[i];
    centry *x = &e[n];
    int bad = 0, undef = 0;
    if ((lua_Integer)b->c.o11[i] < min || (stop[t] & RS_TYPE_STOP)) continue;
    if (!punct && is_punct(ix, o.attr, t)) continue;
    memset(x, 0, sizeof *x);
    x->type = t;
    x->o11 = b->c.o11[i];
    x->left = b->c.left[i];
    x->right = b->c.right[i];
    x->f2 = f2[t];
    for (k = 0; k < nwant; k++) {
      int st, m = want[k];
      double s = rs_assoc(m, x->o11, (double)b->c.nodes, x->f2, (double)N, span, &st);
      if (st == RS_EINVAL) bad = 1;
      else if (st == RS_MEASURE_UNDEF) {
        if (m == key || single) undef = 1;
      } else {
        x->score[m] = s;
        x->defined |= 1u << m;
      }
    }
    if (bad) inconsistent++;
    else if (undef) undefined++;
    else n++;
  }
  idx = (uint32_t *)scratch(L, n, 4);
  for (i = 0; i < n; i++) idx[i] = (uint32_t)i;
  ctx.e = e;
  ctx.ix = ix;
  ctx.attr = o.attr;
  ctx.key = key;
  kept = select_sorted(L, idx, n, top > 0 ? (size_t)top : 0, coll_before, &ctx);
  lua_createtable(L, (int)kept, 0);
  for (i = 0; i < kept; i++) {
    const centry *x = &e[idx[i]];
    lua_createtable(L, 0, 8 + nwant);
    push_form(L, ix, o.attr, x->type);
    lua_setfield(L, -2, "collocate");
    set_int(L, "count", x->o11);
    set_int(L, "left", x->left);
    set_int(L, "right", x->right);
    set_int(L, "f_coll", x->f2);
    set_int(L, "f_node", (lua_Integer)b->c.nodes);
    set_num(L, "expected", (double)b->c.nodes * x->f2 * span / (double)N);
    for (k = 0; k < nwant; k++) {
      int m = want[k];
      if (x->defined & (1u << m)) set_num(L, single ? "score" : rs_assoc_name(m), x->score[m]);
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_createtable(L, 0, 8);
  set_int(L, "f_node", (lua_Integer)b->c.nodes);
  set_int(L, "N", (lua_Integer)N);
  set_int(L, "span", (lua_Integer)span);
  set_int(L, "window", (lua_Integer)b->c.window);
  set_int(L, "types", (lua_Integer)b->c.count);
  set_int(L, "candidates", (lua_Integer)n);
  set_int(L, "undefined", (lua_Integer)undefined);
  set_int(L, "inconsistent", (lua_Integer)inconsistent);
  return 2;
}

/* }====================================================== */

/* {====================================================== keyness */

typedef struct kentry {
  uint32_t type, a, b;
  double score, p;
} kentry;

typedef struct kctx {
  const kentry *e;
  const rs_index *ix;
  int attr;
} kctx;

static int key_before(const void *ctx, uint32_t i, uint32_t j) {
  const kctx *c = (const kctx *)ctx;
  const kentry *x = &c->e[i], *y = &c->e[j];
  if (x->score != y->score) return x->score > y->score;
  if (x->a + (uint64_t)x->b != y->a + (uint64_t)y->b) return x->a + (uint64_t)x->b > y->a + (uint64_t)y->b;
  return form_cmp(c->ix, c->attr, x->type, y->type) < 0;
}

/* is r the complement of t over every speech? */
static int is_complement(const uint8_t *t, const uint8_t *r, uint32_t ndoc) {
  uint32_t d;
  if (!t || !r) return 0;
  for (d = 0; d < ndoc; d++)
    if (!t[d] == !r[d]) return 0;
  return 1;
}

/* h:stats_keyness{attr, target, reference, measure, min, top, correction,
** stop, punct} -> rows, info; target/reference: masks, nil for the whole
** corpus */
static int l_keyness(lua_State *L) {
  const rs_index *ix = rsl_corpus_index(L, 1);
  int a, m, punct, correction, hasp;
  const uint8_t *tm, *rm;
  uint32_t nt, t, *fa, *fb, *idx;
  uint64_t c, d, tested = 0, undefined = 0, smoothed = 0;
  lua_Integer min, top;
  uint8_t *stop;
  kentry *e;
  size_t n = 0, i, kept;
  kctx ctx;
  const char *mname;
  luaL_checktype(L, 2, LUA_TTABLE);
  a = opt_attr(L, ix, 2, "attr", "lower");
  tm = opt_mask(L, 2, "target", ix);
  rm = opt_mask(L, 2, "reference", ix);
  lua_getfield(L, 2, "measure");
  mname = luaL_optstring(L, -1, "ll");
  m = rs_keyness_measure(mname);
  lua_pop(L, 1);
  if (m < 0) return luaL_error(L, "unknown measure '%s' (valid: %s)", mname, rs_keyness_valid());
  hasp = rs_keyness_has_p(m);
  min = opt_int(L, 2, "min", 1);
  top = opt_int(L, 2, "top", 0);
  correction = opt_bool(L, 2, "correction");
  punct = opt_bool(L, 2, "punct");
  nt = ix->attr[a].n;
  stop = stop_flags(L, 2, ix, a);
  fa = (uint32_t *)scratch(L, nt, 4);
  fb = (uint32_t *)scratch(L, nt, 4);
  rs_view_freq(ix, a, tm, fa, &c);
  if (is_complement(tm, rm, ix->ndoc)) { /* reference = corpus - target: O(types) */
    const uint32_t *all = ix->freq[a];
    for (t = 0; t < nt; t++) fb[t] = all[t] >= fa[t] ? all[t] - fa[t] : 0;
    d = ix->ntok - c;
  } else {
    rs_view_freq(ix, a, rm, fb, &d);
  }
  if (!punct) { /* the sizes of the expected counts and rates: words, as every rate */
    c = rs_index_words(ix, (const char *)tm);
    d = rs_index_words(ix, (const char *)rm);
  }
  e = (kentry *)scratch(L, nt, sizeof *e);
  if (c > 0 && d > 0) {
    for (t = 0; t < nt; t++) {
      int st;
      double s;
      kentry *x = &e[n];
      if ((lua_Integer)fa[t] + (lua_Integer)fb[t] < min || (fa[t] == 0 && fb[t] == 0)) continue;
      if (stop[t] & RS_TYPE_STOP) continue;
      if (!punct && is_punct(ix, a, t)) continue;
      tested++;
      s = rs_keyness(m, fa[t], fb[t], (double)c, (double)d, &st);
      if (st == RS_MEASURE_UNDEF || st == RS_EINVAL) {
        undefined++;
        continue;
      }
      if (st == RS_MEASURE_SMOOTHED) smoothed++;
      x->type = t;
      x->a = fa[t];
      x->b = fb[t];
      x->score = s;
      x->p = hasp ? rs_chi2_p1(s) : 0.0;
      n++;
    }
  }
  idx = (uint32_t *)scratch(L, n, 4);
  for (i = 0; i < n; i++) idx[i] = (uint32_t)i;
  ctx.e = e;
  ctx.ix = ix;
  ctx.attr = a;
  kept = select_sorted(L, idx, n, top > 0 ? (size_t)top : 0, key_before, &ctx);
  lua_createtable(L, (int)kept, 0);
  for (i = 0; i < kept; i++) {
    const kentry *x = &e[idx[i]];
    int sign = rs_keyness_sign(x->a, x->b, (double)c, (double)d);
    lua_createtable(L, 0, 9);
    push_form(L, ix, a, x->type);
    lua_setfield(L, -2, "word");
    set_int(L, "a", x->a);
    set_int(L, "b", x->b);
    set_num(L, "a_pm", (double)x->a * 1e6 / (double)c);
    set_num(L, "b_pm", (double)x->b * 1e6 / (double)d);
    set_num(L, "score", x->score);
    if (hasp) {
      set_num(L, "p", x->p);
      if (correction) set_num(L, "p_adj", rs_bonferroni(x->p, (double)tested));
    }
    lua_pushstring(L, sign > 0 ? "+" : sign < 0 ? "-" : "=");
    lua_setfield(L, -2, "sign");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_createtable(L, 0, 6);
  set_int(L, "c", (lua_Integer)c);
  set_int(L, "d", (lua_Integer)d);
  set_int(L, "tested", (lua_Integer)tested);
  set_int(L, "undefined", (lua_Integer)undefined);
  set_int(L, "smoothed", (lua_Integer)smoothed);
  set_int(L, "complement", is_complement(tm, rm, ix->ndoc));
  return 2;
}

/* }====================================================== */

/* {====================================================== dispersion */

/* h:stats_dispersion{part_of = {part per speech, 0 for none}, nparts,
** node_form | starts, stops} -> parts {size, hits, positions}, measures
** {range, parts, freq, size, juilland_d, dp, dp_norm} (undefined: nil) */
static int l_dispersion(lua_State *L) {
  const rs_index *ix = rsl_corpus_index(L, 1);
  lua_Integer nparts = opt_int(L, 2, "nparts", 0);
  uint32_t *part_of, *starts, *stops, d, k;
  size_t npos;
  double *v, *s;
  sbox *b;
  rs_disp D;
  int err;
  luaL_checktype(L, 2, LUA_TTABLE);
  if (nparts < 0 || nparts > 0x7FFFFFFF) return luaL_error(L, "bad number of parts");
  part_of = (uint32_t *)scratch(L, ix->ndoc, 4);
  lua_getfield(L, 2, "part_of");
  luaL_checktype(L, -1, LUA_TTABLE);
  for (d = 0; d < ix->ndoc; d++) {
    lua_Integer p;
    lua_rawgeti(L, -1, (lua_Integer)d + 1);
    p = lua_tointeger(L, -1);
    lua_pop(L, 1);
    part_of[d] = p >= 1 && p <= nparts ? (uint32_t)(p - 1) : RS_NO_PART;
  }
  lua_pop(L, 1);
  npos = read_nodes(L, 2, ix, &starts, &stops);
  b = new_box(L, 3, BOX_MT);
  err = rs_disp_parts(b->M, ix, part_of, (uint32_t)nparts, starts, npos, &b->p);
  if (err) {
    b->kind = 0;
    return rsl_raise(L, err, NULL);
  }
  v = (double *)scratch(L, (size_t)nparts * 2, sizeof *v);
  s = v + nparts;
  lua_createtable(L, (int)nparts, 0);
  for (k = 0; k < (uint32_t)nparts; k++) {
    uint32_t h, first = b->p.first[k];
    v[k] = b->p.hits[k];
    s[k] = (double)b->p.size[k];
    lua_createtable(L, 0, 3);
    set_int(L, "size", (lua_Integer)b->p.size[k]);
    set_int(L, "hits", b->p.hits[k]);
    lua_createtable(L, (int)b->p.hits[k], 0);
    for (h = 0; h < b->p.hits[k]; h++) {
      lua_pushnumber(L, b->p.rel[first + h]);
      lua_rawseti(L, -2, (lua_Integer)h + 1);
    }
    lua_setfield(L, -2, "positions");
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  if (rs_dispersion(v, s, (size_t)nparts, &D) != RS_OK)
    return luaL_error(L, "inconsistent counts for 'dispersion'");
  lua_createtable(L, 0, 7);
  set_int(L, "range", (lua_Integer)D.range);
  set_int(L, "parts", (lua_Integer)D.parts);
  set_int(L, "freq", (lua_Integer)D.freq);
  set_int(L, "size", (lua_Integer)D.size);
  if (!(D.undef & RS_DISP_D)) set_num(L, "juilland_d", D.juilland_d);
  if (!(D.undef & RS_DISP_DP)) set_num(L, "dp", D.dp);
  if (!(D.undef & RS_DISP_DPNORM)) set_num(L, "dp_norm", D.dp_norm);
  return 2;
}

/* }====================================================== */

void rsl_open_stats(lua_State *L) {
  static const luaL_Reg methods[] = {{"stats_ngrams", l_ngrams},
                                     {"stats_collocates", l_collocates},
                                     {"stats_keyness", l_keyness},
                                     {"stats_dispersion", l_dispersion},
                                     {NULL, NULL}};
  static const luaL_Reg set_methods[] = {
      {"count", l_set_count}, {"row", l_set_row}, {"rows", l_set_rows}, {NULL, NULL}};
  if (luaL_newmetatable(L, BOX_MT)) {
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, NGRAMS_MT)) {
    luaL_newlib(L, set_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, l_set_count);
    lua_setfield(L, -2, "__len");
  }
  lua_pop(L, 1);
  luaL_getmetatable(L, "rostra.corpus");
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "__index");
    if (lua_istable(L, -1)) luaL_setfuncs(L, methods, 0);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}
