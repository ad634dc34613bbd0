/*
** ltagger.c: Lua binding of the lexicon tagger (tagger.c). Adds to the
** corpus handle:
**   h:tag_compile(patterns, attr, ncat) -> tagger, info | nil, message, i
**   h:tag_run(tagger, level, mask, overlap [, hits]) -> table of arrays
** and to the module core._tag_simd([on]) -> whether the walk uses AVX2
** (for the specs, which compare it with the plain walk).
** lua/rostra/themes.lua builds the ThemeTable on them.
*/
#include <math.h>
#include <string.h>
#include <time.h>

#include "index.h"
#include "lrostra.h"
#include "tagger.h"

#define TAGGER_MT "rostra.tagger"
#define TAGOUT_MT "rostra.tagout"

typedef struct ltagger {
  rs_mem *M;
  rs_tagger *T;
  int attr;
} ltagger;

typedef struct ltagout {
  rs_mem *M;
  rs_tagout out;
} ltagout;

static int tagger_gc(lua_State *L) {
  ltagger *t = (ltagger *)luaL_checkudata(L, 1, TAGGER_MT);
  rs_tagger_free(t->T);
  t->T = NULL;
  return 0;
}

static int tagout_gc(lua_State *L) {
  ltagout *b = (ltagout *)lua_touserdata(L, 1);
  rs_tagout_free(b->M, &b->out);
  return 0;
}

static ltagger *check_tagger(lua_State *L, int i) {
  ltagger *t = (ltagger *)luaL_checkudata(L, i, TAGGER_MT);
  if (!t->T) luaL_error(L, "attempt to use a freed tagger");
  return t;
}

static void push_info(lua_State *L, const rs_tagger *T) {
  rs_taginfo in;
  rs_tagger_info(T, &in);
  lua_createtable(L, 0, 4);
  lua_pushinteger(L, in.nodes);
  lua_setfield(L, -2, "nodes");
  lua_pushinteger(L, in.symbols);
  lua_setfield(L, -2, "symbols");
  lua_pushinteger(L, in.maxdepth);
  lua_setfield(L, -2, "maxdepth");
  lua_pushinteger(L, (lua_Integer)in.bytes);
  lua_setfield(L, -2, "bytes");
}

/* tagger:info() -> {nodes, symbols, maxdepth, bytes} */
static int l_tagger_info(lua_State *L) {
  push_info(L, check_tagger(L, 1)->T);
  return 1;
}

/* the columns of the patterns (h:tag_compile's argument 2) at stack slots
** COLS .. COLS+3: tokens, cat, weight, exclude */
#define COLS 7

/* pattern i into toks (anchored by the tokens column): its token count,
** category, weight and exclusion */
static int read_pattern(lua_State *L, int i, lua_Integer ncat, rs_tagtok *toks, lua_Integer *cat,
                        double *weight, int *excl) {
  int k, ntok, top = lua_gettop(L);
  int t = lua_rawgeti(L, COLS, i);
  if (t == LUA_TSTRING) { /* one literal token */
    toks[0].s = lua_tolstring(L, -1, &toks[0].len);
    toks[0].glob = 0;
    ntok = 1;
  } else if (t == LUA_TTABLE) { /* {tok, ..., globs = {bool, ...}} */
    ntok = (int)lua_rawlen(L, -1);
    if (ntok < 1 || ntok > (int)RS_TAG_MAX_TOKENS)
      return luaL_error(L, "bad pattern #%d (1 to %d tokens expected)", i, (int)RS_TAG_MAX_TOKENS);
    lua_getfield(L, -1, "globs");
    for (k = 0; k < ntok; k++) {
      lua_rawgeti(L, -2, k + 1);
      if (lua_type(L, -1) != LUA_TSTRING) return luaL_error(L, "bad pattern #%d (token %d)", i, k + 1);
      toks[k].s = lua_tolstring(L, -1, &toks[k].len); /* anchored by the tokens table */
      lua_pop(L, 1);
      toks[k].glob = 0;
      if (lua_istable(L, -1)) {
        lua_rawgeti(L, -1, k + 1);
        toks[k].glob = lua_toboolean(L, -1);
        lua_pop(L, 1);
      }
    }
  } else {
    return luaL_error(L, "bad pattern #%d (tokens expected)", i);
  }
  lua_rawgeti(L, COLS + 1, i);
  lua_rawgeti(L, COLS + 2, i);
  lua_rawgeti(L, COLS + 3, i);
  *cat = luaL_optinteger(L, -3, 0);
  *weight = luaL_optnumber(L, -2, 1);
  *excl = lua_toboolean(L, -1);
  if (*cat < 0 || *cat > ncat || (*cat == 0 && !*excl))
    return luaL_error(L, "bad pattern #%d (bad category)", i);
  lua_settop(L, top);
  return ntok;
}

/* the tokens of a pattern as text, for messages */
static const char *pattern_text(lua_State *L, const rs_tagtok *toks, int ntok) {
  luaL_Buffer B;
  int k;
  luaL_buffinit(L, &B);
  for (k = 0; k < ntok; k++) {
    if (k) luaL_addchar(&B, ' ');
    luaL_addlstring(&B, toks[k].s, toks[k].len > 200 ? 200 : toks[k].len);
  }
  luaL_pushresult(&B);
  return lua_tostring(L, -1);
}

/* h:tag_compile(patterns, attr, ncat [, max_phrases]) -> tagger, info |
** nil, message, i. patterns = {tokens = {...}, cat = {...}, weight =
** {...}, exclude = {...}}, columns: pattern i is tokens[i] (one literal
** token as a string, or {s, ..., globs = {bool, ...}}), cat[i] = 1..ncat
** (0: an exclusion of every category), weight[i] (default 1), exclude[i]
** (a boolean). The phrases every pattern expands to are counted first, before
** anything is built: past max_phrases in all (default RS_TAG_MAX_TOTAL,
** math.huge for none) nothing is built and the message names the pattern
** that brings the lexicon past it (i). A glob or a pattern over its own
** limits gives nil, the message and i as well. */
static int l_tag_compile(lua_State *L) {
  static const char *const attrs[] = {"word", "lower", NULL};
  const rs_index *ix = rsl_corpus_index(L, 1);
  int attr, i, n, cross = 0, big = 0;
  lua_Integer ncat;
  ltagger *t;
  rs_tagtok *toks;
  int err;
  uint64_t max = RS_TAG_MAX_TOTAL, total = 0, cross_n = 0, big_n = 0;
  luaL_checktype(L, 2, LUA_TTABLE);
  attr = luaL_checkoption(L, 3, "lower", attrs) == 0 ? RS_ATTR_WORD : RS_ATTR_LOWER;
  ncat = luaL_checkinteger(L, 4);
  luaL_argcheck(L, ncat >= 0 && ncat < 0x7FFFFFFF, 4, "bad category count");
  if (!lua_isnoneornil(L, 5)) {
    if (lua_type(L, 5) == LUA_TNUMBER && !lua_isinteger(L, 5) && lua_tonumber(L, 5) == HUGE_VAL) {
      max = 0;
    } else {
      lua_Integer m = luaL_checkinteger(L, 5);
      luaL_argcheck(L, m >= 1, 5, "max_phrases must be a positive integer or math.huge");
      max = (uint64_t)m;
    }
  }
  lua_settop(L, 4);
  t = (ltagger *)lua_newuserdatauv(L, sizeof *t, 1); /* 5 */
  t->M = rsl_mem(L);
  t->T = NULL;
  t->attr = attr;
  luaL_setmetatable(L, TAGGER_MT);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, 5, 1); /* compiled for this corpus */
  t->T = rs_tagger_new(t->M, ix->attr[attr].n, (uint32_t)ncat);
  if (!t->T) return rsl_raise(L, RS_ENOMEM, NULL);
  toks = (rs_tagtok *)lua_newuserdatauv(L, RS_TAG_MAX_TOKENS * sizeof *toks, 0); /* 6 */
  lua_getfield(L, 2, "tokens"); /* COLS */
  lua_getfield(L, 2, "cat");
  lua_getfield(L, 2, "weight");
  lua_getfield(L, 2, "exclude");
  for (i = 0; i < 4; i++)
    if (!lua_istable(L, COLS + i)) return luaL_error(L, "bad patterns (tokens, cat, weight, exclude expected)");
  n = (int)lua_rawlen(L, COLS);
  /* the expansion counted, before anything is built */
  for (i = 1; i <= n; i++) {
    lua_Integer cat;
    double weight;
    int excl, ntok = read_pattern(L, i, ncat, toks, &cat, &weight, &excl);
    uint64_t phrases;
    err = rs_tagger_count_tokens(t->T, &ix->attr[attr], toks, (size_t)ntok, &phrases);
    if (err == RS_ELIMIT) {
      lua_pushnil(L);
      lua_pushstring(L, rs_tagger_error(t->T));
      lua_pushinteger(L, i);
      return 3;
    }
    if (err) return rsl_raise(L, err, "bad pattern");
    total += phrases;
    if (phrases > big_n) {
      big_n = phrases;
      big = i;
    }
    if (max && total > max && !cross) {
      cross = i;
      cross_n = phrases;
    }
  }
  if (cross) {
    lua_Integer cc;
    double w;
    int ex, nt = read_pattern(L, cross, ncat, toks, &cc, &w, &ex);
    const char *ptext = pattern_text(L, toks, nt);
    lua_pushfstring(L,
                    "lexicon too large once expanded: %I phrases of the vocabulary in all, over its "
                    "budget of %I (max_phrases); pattern '%s' (%I phrases) brings it past",
                    (lua_Integer)total, (lua_Integer)max, ptext, (lua_Integer)cross_n);
    lua_remove(L, -2);
    if (big != cross) {
      nt = read_pattern(L, big, ncat, toks, &cc, &w, &ex);
      ptext = pattern_text(L, toks, nt);
      lua_pushfstring(L, "; the largest is '%s' (%I phrases)", ptext, (lua_Integer)big_n);
      lua_remove(L, -2);
      lua_concat(L, 2);
    }
    lua_pushnil(L);
    lua_insert(L, -2);
    lua_pushinteger(L, cross);
    return 3;
  }
  for (i = 1; i <= n; i++) {
    lua_Integer cat;
    double weight;
    int excl, ntok = read_pattern(L, i, ncat, toks, &cat, &weight, &excl);
    err = rs_tagger_add_tokens(t->T, &ix->attr[attr], toks, (size_t)ntok,
                               cat == 0 ? RS_TAG_ALL : (uint32_t)(cat - 1), weight, excl);
    if (err == RS_ELIMIT) {
      lua_pushnil(L);
      lua_pushstring(L, rs_tagger_error(t->T));
      lua_pushinteger(L, i);
      return 3;
    }
    if (err) return rsl_raise(L, err, "bad pattern");
  }
  if (ix->freq[attr]) rs_tagger_set_freq(t->T, ix->freq[attr]);
  if ((err = rs_tagger_finish(t->T))) return rsl_raise(L, err, NULL);
  lua_settop(L, 5);
  push_info(L, t->T);
  return 2;
}

static double now(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* the first region of lv[0..n) starting at or after p */
static uint32_t first_from(const rs_region *lv, uint32_t n, uint32_t p) {
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (lv[mid].start < p) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* the unit's id within its speech: a point's ordinal, a segment's or a
** sentence's 1-based index, the speech's id; 0 outside every unit */
static lua_Integer unit_label(const rs_index *ix, int level, uint32_t doc, uint32_t region) {
  if (level == RS_TAG_SPEECH) return (lua_Integer)doc + 1;
  if (region == RS_TAG_OUTSIDE || region >= ix->nlv[level]) return 0;
  if (level == RS_LV_POINT) return ix->lv[level][region].attr;
  return (lua_Integer)(region - first_from(ix->lv[level], ix->nlv[level], ix->docs[doc].first)) + 1;
}

static void set_int(lua_State *L, int t, lua_Integer i, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_rawseti(L, t, i);
}

/* h:tag_run(tagger, level, mask, overlap [, hits]) -> table.
** level: "segment", "point", "sentence", "speech" or a structure of the
** index (turn; not nested: a token in one region of it at most); mask: nil or one byte
** per speech; hits: nil (counts), 0 (the matches of every category) or a
** category (1-based).
** Counts: {speech = {}, unit = {}, words = {}, nrow = {} (per unit with a
** match), cat = {}, count = {}, tokens = {}, score = {} (per row),
** doc_words = {} (per speech), total_words = n, matches = n, seconds = x,
** cpu_seconds = x} (the time of the walk, wall clock and CPU).
** Hits: {start = {}, stop = {} (1-based, inclusive), speech = {}, unit = {},
** cat = {}, seconds = x, cpu_seconds = x}. */
static int l_tag_run(lua_State *L) {
  static const char *const levels[] = {"segment", "point", "sentence", "speech", NULL};
  static const int codes[] = {RS_LV_SEGMENT, RS_LV_POINT, RS_LV_SENTENCE, RS_TAG_SPEECH};
  const rs_index *ix = rsl_corpus_index(L, 1);
  ltagger *t = check_tagger(L, 2);
  const char *lname = luaL_checkstring(L, 3);
  int level, k;
  for (k = 0; levels[k] && strcmp(levels[k], lname) != 0; k++) {}
  if (levels[k]) {
    level = codes[k];
  } else { /* a structure of the index's own (turn): not the nested quotations */
    level = rs_level_find(ix, lname);
    if (level < RS_LV_X0)
      return luaL_argerror(L, 3, lua_pushfstring(L, "unknown level '%s'", lname));
  }
  rs_tagopts o;
  ltagout *b;
  double t0, t1, c0, c1;
  size_t i;
  int err, top;
  memset(&o, 0, sizeof o);
  if (!lua_isnoneornil(L, 4)) {
    size_t ml;
    o.mask = luaL_checklstring(L, 4, &ml);
    if (ml != ix->ndoc) return luaL_argerror(L, 4, "speech mask of the wrong size");
  }
  o.level = level;
  o.overlap = lua_toboolean(L, 5);
  o.attr = t->attr;
  o.hits = RS_TAG_NOHITS;
  if (!lua_isnoneornil(L, 6)) {
    lua_Integer c = luaL_checkinteger(L, 6);
    luaL_argcheck(L, c >= 0 && c <= 0x7FFFFFFF, 6, "bad category");
    o.hits = c == 0 ? RS_TAG_ALL : (uint32_t)(c - 1);
  }
  lua_getiuservalue(L, 2, 1);
  if (!lua_rawequal(L, -1, 1)) return luaL_error(L, "the lexicon was compiled for another corpus");
  lua_settop(L, 6);
  b = (ltagout *)lua_newuserdatauv(L, sizeof *b, 0); /* 7: frees the output on an error */
  memset(b, 0, sizeof *b);
  b->M = t->M;
  if (luaL_newmetatable(L, TAGOUT_MT)) {
    lua_pushcfunction(L, tagout_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, 7);
  t0 = now(CLOCK_MONOTONIC);
  c0 = now(CLOCK_THREAD_CPUTIME_ID);
  err = rs_tag_index(t->T, ix, &o, &b->out);
  c1 = now(CLOCK_THREAD_CPUTIME_ID);
  t1 = now(CLOCK_MONOTONIC);
  if (err) return rsl_raise(L, err, rs_tagger_error(t->T));
  top = lua_gettop(L);
  if (o.hits != RS_TAG_NOHITS) {
    const rs_taghit *h = b->out.hits;
    int n = (int)b->out.nhit;
    lua_createtable(L, 0, 6);
    lua_createtable(L, n, 0); /* start */
    lua_createtable(L, n, 0); /* stop */
    lua_createtable(L, n, 0); /* speech */
    lua_createtable(L, n, 0); /* unit */
    lua_createtable(L, n, 0); /* cat */
    for (i = 0; i < b->out.nhit; i++) {
      lua_Integer k = (lua_Integer)i + 1;
      set_int(L, top + 2, k, (lua_Integer)h[i].start + 1);
      set_int(L, top + 3, k, (lua_Integer)h[i].start + h[i].len);
      set_int(L, top + 4, k, (lua_Integer)h[i].doc + 1);
      set_int(L, top + 5, k, unit_label(ix, level, h[i].doc, h[i].unit));
      set_int(L, top + 6, k, (lua_Integer)h[i].cat + 1);
    }
    lua_setfield(L, top + 1, "cat");
    lua_setfield(L, top + 1, "unit");
    lua_setfield(L, top + 1, "speech");
    lua_setfield(L, top + 1, "stop");
    lua_setfield(L, top + 1, "start");
  } else {
    const rs_tagunit *u = b->out.units;
    const rs_tagrow *r = b->out.rows;
    int nu = (int)b->out.nunit, nr = (int)b->out.nrow;
    lua_createtable(L, 0, 12);
    lua_createtable(L, nu, 0); /* speech */
    lua_createtable(L, nu, 0); /* unit */
    lua_createtable(L, nu, 0); /* words */
    lua_createtable(L, nu, 0); /* nrow */
    for (i = 0; i < b->out.nunit; i++) {
      lua_Integer k = (lua_Integer)i + 1;
      set_int(L, top + 2, k, (lua_Integer)u[i].doc + 1);
      set_int(L, top + 3, k, unit_label(ix, level, u[i].doc, u[i].region));
      set_int(L, top + 4, k, u[i].words);
      set_int(L, top + 5, k, u[i].nrow);
    }
    lua_setfield(L, top + 1, "nrow");
    lua_setfield(L, top + 1, "words");
    lua_setfield(L, top + 1, "unit");
    lua_setfield(L, top + 1, "speech");
    lua_createtable(L, nr, 0); /* cat */
    lua_createtable(L, nr, 0); /* count */
    lua_createtable(L, nr, 0); /* tokens */
    lua_createtable(L, nr, 0); /* score */
    for (i = 0; i < b->out.nrow; i++) {
      lua_Integer k = (lua_Integer)i + 1;
      set_int(L, top + 2, k, (lua_Integer)r[i].cat + 1);
      set_int(L, top + 3, k, r[i].count);
      set_int(L, top + 4, k, r[i].tokens);
      lua_pushnumber(L, r[i].score);
      lua_rawseti(L, top + 5, k);
    }
    lua_setfield(L, top + 1, "score");
    lua_setfield(L, top + 1, "tokens");
    lua_setfield(L, top + 1, "count");
    lua_setfield(L, top + 1, "cat");
    lua_createtable(L, (int)b->out.ndoc, 0);
    for (i = 0; i < b->out.ndoc; i++) set_int(L, top + 2, (lua_Integer)i + 1, b->out.doc_words[i]);
    lua_setfield(L, top + 1, "doc_words");
    lua_pushinteger(L, (lua_Integer)b->out.words);
    lua_setfield(L, top + 1, "total_words");
    lua_pushinteger(L, (lua_Integer)b->out.matches);
    lua_setfield(L, top + 1, "matches");
  }
  lua_pushnumber(L, t1 - t0);
  lua_setfield(L, top + 1, "seconds");
  lua_pushnumber(L, c1 - c0);
  lua_setfield(L, top + 1, "cpu_seconds");
  rs_tagout_free(b->M, &b->out);
  return 1;
}

/* core._tag_simd([level]) -> level: the root's block test, 0 (or false)
** the plain loop, 1 AVX2, 2 (or true) AVX-512, at most what the processor
** has; returns the level in use (see rs_tag_simd) */
static int l_tag_simd(lua_State *L) {
  int level = -1;
  if (lua_isboolean(L, 1)) level = lua_toboolean(L, 1) ? 2 : 0;
  else if (!lua_isnoneornil(L, 1)) {
    lua_Integer k = luaL_checkinteger(L, 1);
    level = k < 0 ? 0 : k > 2 ? 2 : (int)k;
  }
  lua_pushinteger(L, rs_tag_simd(level));
  return 1;
}

void rsl_open_tagger(lua_State *L) {
  static const luaL_Reg methods[] = {{"tag_compile", l_tag_compile}, {"tag_run", l_tag_run},
                                     {NULL, NULL}};
  static const luaL_Reg tmethods[] = {{"info", l_tagger_info}, {NULL, NULL}};
  lua_pushcfunction(L, l_tag_simd);
  lua_setfield(L, -2, "_tag_simd");
  if (luaL_newmetatable(L, TAGGER_MT)) {
    luaL_newlib(L, tmethods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, tagger_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  luaL_getmetatable(L, "rostra.corpus");
  lua_getfield(L, -1, "__index");
  luaL_setfuncs(L, methods, 0);
  lua_pop(L, 2);
}
