/*
** ltok.c: Lua binding of the tokenizer engine: tokenize, sentences, lower.
*/
#include <string.h>

#include "cjk.h"
#include "lrostra.h"

static const char *const kind_names[] = {"?", "word", "number", "punct", "symbol"};

/* reads the options table at index i: split_hyphens, strict, cjk ("words"
** or "chars": *chars set) */
static unsigned check_tok_opts(lua_State *L, int i, int *strict, int *chars) {
  unsigned opts = 0;
  *strict = 0;
  *chars = 0;
  if (lua_isnoneornil(L, i)) return 0;
  luaL_checktype(L, i, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, i)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
    if (k && strcmp(k, "split_hyphens") == 0) {
      if (lua_toboolean(L, -1)) opts |= RS_TOK_SPLIT_HYPHENS;
    } else if (k && strcmp(k, "strict") == 0) {
      *strict = lua_toboolean(L, -1);
    } else if (k && strcmp(k, "cjk") == 0) {
      const char *v = lua_tostring(L, -1);
      if (!v || (strcmp(v, "words") != 0 && strcmp(v, "chars") != 0))
        luaL_error(L, "bad option cjk to 'tokenize' (\"words\" or \"chars\")");
      *chars = strcmp(v, "chars") == 0;
    } else {
      luaL_error(L, "bad option '%s' to 'tokenize' (valid: split_hyphens, strict, cjk)",
                 k ? k : luaL_typename(L, -2));
    }
    lua_pop(L, 1);
  }
  return opts;
}

static void strict_check(lua_State *L, const rs_tokenizer *T) {
  if (T->bad > 0)
    luaL_error(L, "invalid UTF-8 at byte %d", (int)(T->first_bad + 1));
}

/* scratch arrays kept in a userdata so a Lua error cannot leak them */
typedef struct scratch {
  rs_mem *M;
  rs_token *toks;
  size_t ntok, cap;
  uint32_t *ends;
  size_t ecap;
  rs_buf buf;
} scratch;

static int scratch_gc(lua_State *L) {
  scratch *sc = (scratch *)lua_touserdata(L, 1);
  if (sc->M) {
    rs_free(sc->M, sc->toks, sc->cap * sizeof *sc->toks);
    rs_free(sc->M, sc->ends, sc->ecap * sizeof *sc->ends);
    sc->toks = NULL;
    sc->ends = NULL;
    sc->cap = sc->ecap = 0;
    rs_buf_free(sc->M, &sc->buf);
  }
  return 0;
}

static scratch *new_scratch(lua_State *L) {
  scratch *sc = (scratch *)lua_newuserdatauv(L, sizeof *sc, 0);
  memset(sc, 0, sizeof *sc);
  if (luaL_newmetatable(L, "rostra.scratch")) {
    lua_pushcfunction(L, scratch_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  sc->M = rsl_mem(L);
  return sc;
}

/* rostra.tokenize(text [, opts]) -> tokens, bad_bytes: runs of Han and
** Kana characters cut into words by ICU (as the corpus does), unless
** opts.cjk = "chars" */
static int l_tokenize(lua_State *L) {
  size_t n, i, nt;
  const char *s = rsl_checktext(L, 1, &n);
  int strict, chars, han = 0;
  unsigned opts = check_tok_opts(L, 2, &strict, &chars);
  scratch *sc = new_scratch(L);
  rs_tokenizer T;
  rs_token t;
  lua_Integer k = 0;
  if (n > RS_MAX_TEXT) return luaL_error(L, "text too long (%d bytes at most)", (int)RS_MAX_TEXT);
  rs_tok_init(&T, s, n, opts);
  for (;;) { /* every token first (strict raises before anything is built) */
    if (sc->ntok == sc->cap && rs_grow(sc->M, (void **)&sc->toks, &sc->cap, sc->ntok + 1, sizeof t))
      return rsl_raise(L, RS_ENOMEM, NULL);
    if (!rs_tok_next(&T, &sc->toks[sc->ntok])) break;
    han |= sc->toks[sc->ntok].flags & RS_TF_HAN;
    sc->ntok++;
  }
  if (strict) strict_check(L, &T);
  nt = sc->ntok;
  if (han && !chars) {
    rs_wordbreak *W = rs_wordbreak_new(sc->M);
    int failed = 0;
    if (W) {
      nt = rs_wordbreak_cut(W, s, sc->toks, nt, &failed);
      rs_wordbreak_free(sc->M, W);
    }
  }
  lua_createtable(L, (int)nt, 0);
  for (i = 0; i < nt; i++) {
    int err;
    t = sc->toks[i];
    lua_createtable(L, 0, 5);
    lua_pushlstring(L, s + t.start, t.stop - t.start);
    lua_setfield(L, -2, "text");
    lua_pushstring(L, kind_names[t.kind]);
    lua_setfield(L, -2, "kind");
    lua_pushinteger(L, (lua_Integer)t.start + 1);
    lua_setfield(L, -2, "start");
    lua_pushinteger(L, (lua_Integer)t.stop);
    lua_setfield(L, -2, "stop");
    sc->buf.n = 0;
    err = rs_lower(sc->M, s + t.start, t.stop - t.start, &sc->buf);
    if (err) return rsl_raise(L, err, NULL);
    lua_pushlstring(L, sc->buf.p ? sc->buf.p : "", sc->buf.n);
    lua_setfield(L, -2, "lower");
    lua_rawseti(L, -2, ++k);
  }
  lua_pushinteger(L, (lua_Integer)T.bad);
  return 2;
}

/* rostra.lower(text) -> the lower form rostra indexes */
static int l_lower(lua_State *L) {
  size_t n;
  const char *s = rsl_checktext(L, 1, &n);
  scratch *sc = new_scratch(L);
  int err = rs_lower(sc->M, s, n, &sc->buf);
  if (err) return rsl_raise(L, err, NULL);
  lua_pushlstring(L, sc->buf.p ? sc->buf.p : "", sc->buf.n);
  return 1;
}

/* rostra.sentences(text) -> {{start =, stop =, text =}, ...} (1-based, inclusive) */
static int l_sentences(lua_State *L) {
  size_t n, i, ns, first = 0;
  const char *s = rsl_checktext(L, 1, &n);
  scratch *sc = new_scratch(L);
  rs_tokenizer T;
  rs_token t;
  if (n > RS_MAX_TEXT) return luaL_error(L, "text too long (%d bytes at most)", (int)RS_MAX_TEXT);
  rs_tok_init(&T, s, n, 0);
  while (rs_tok_next(&T, &t)) {
    if (sc->ntok == sc->cap &&
        rs_grow(sc->M, (void **)&sc->toks, &sc->cap, sc->ntok + 1, sizeof *sc->toks))
      return rsl_raise(L, RS_ENOMEM, NULL);
    sc->toks[sc->ntok++] = t;
  }
  if (sc->ntok &&
      rs_grow(sc->M, (void **)&sc->ends, &sc->ecap, sc->ntok, sizeof *sc->ends))
    return rsl_raise(L, RS_ENOMEM, NULL);
  ns = sc->ntok ? rs_sentence_split(s, sc->toks, sc->ntok, sc->ends) : 0;
  lua_createtable(L, (int)ns, 0);
  for (i = 0; i < ns; i++) {
    uint32_t a = sc->toks[first].start, b = sc->toks[sc->ends[i]].stop;
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, (lua_Integer)a + 1);
    lua_setfield(L, -2, "start");
    lua_pushinteger(L, (lua_Integer)b);
    lua_setfield(L, -2, "stop");
    lua_pushlstring(L, s + a, b - a);
    lua_setfield(L, -2, "text");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
    first = sc->ends[i] + 1;
  }
  return 1;
}

/* rostra.invalid_utf8(text) -> number of invalid bytes, offset of the first (1-based) */
static int l_invalid_utf8(lua_State *L) {
  size_t n;
  const char *s = rsl_checktext(L, 1, &n);
  rs_tokenizer T;
  rs_token t;
  rs_tok_init(&T, s, n, 0);
  while (rs_tok_next(&T, &t)) {}
  lua_pushinteger(L, (lua_Integer)T.bad);
  if (T.bad) lua_pushinteger(L, (lua_Integer)T.first_bad + 1);
  else lua_pushnil(L);
  return 2;
}

void rsl_open_tok(lua_State *L) {
  static const luaL_Reg fns[] = {
    {"tokenize", l_tokenize},
    {"sentences", l_sentences},
    {"lower", l_lower},
    {"invalid_utf8", l_invalid_utf8},
    {NULL, NULL}
  };
  luaL_setfuncs(L, fns, 0);
}
