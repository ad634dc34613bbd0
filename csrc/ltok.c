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

/* the lower form of s[0..n) pushed (sc->buf as scratch) */
static void push_lower(lua_State *L, scratch *sc, const char *s, size_t n) {
  int err;
  sc->buf.n = 0;
  err = rs_lower(sc->M, s, n, &sc->buf);
  if (err) rsl_raise(L, err, NULL);
  lua_pushlstring(L, sc->buf.p ? sc->buf.p : "", sc->buf.n);
}

/* a word breaker kept while a userdata lives (freed by its __gc) */
typedef struct wbox {
  rs_mem *M;
  rs_wordbreak *W;
} wbox;

static int wbox_gc(lua_State *L) {
  wbox *b = (wbox *)lua_touserdata(L, 1);
  if (b->W) rs_wordbreak_free(b->M, b->W);
  b->W = NULL;
  return 0;
}

/* core.pattern_tokens(patterns) -> list, one entry per pattern, in the
** tokens the tagger matches: the words of a pattern are separated by
** spaces; a word with '*' or '?' is one glob token, lower-cased; any other
** word is cut as rostra.tokenize cuts it (Han and Kana by ICU) and its
** tokens lower-cased. An entry is the token itself when the pattern is one
** token and no glob (most patterns: no table made), false when it has no
** token, else {tok1, tok2, ..., globs = {bool, ...}}. In bulk, so that a
** lexicon of a million patterns costs no million Lua calls. */
static int l_pattern_tokens(lua_State *L) {
  lua_Integer n, i;
  scratch *sc;
  wbox *wb;
  luaL_checktype(L, 1, LUA_TTABLE);
  n = (lua_Integer)lua_rawlen(L, 1);
  sc = new_scratch(L); /* 2 */
  wb = (wbox *)lua_newuserdatauv(L, sizeof *wb, 0); /* 3 */
  wb->M = sc->M;
  wb->W = NULL;
  if (luaL_newmetatable(L, "rostra.wbox")) {
    lua_pushcfunction(L, wbox_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  lua_createtable(L, n > 0 && n < 0x7FFFFFFF ? (int)n : 0, 0); /* 4: the result */
  for (i = 1; i <= n; i++) {
    size_t pl, a = 0, ntok = 0, k;
    const char *p;
    unsigned char glob1 = 0;
    int top;
    lua_rawgeti(L, 1, i);
    if (lua_type(L, -1) != LUA_TSTRING) return luaL_error(L, "bad pattern #%d (string expected)", (int)i);
    p = lua_tolstring(L, -1, &pl); /* anchored by the argument */
    lua_pop(L, 1);
    top = lua_gettop(L);
    lua_newtable(L); /* top + 1: the glob flags, while there may be several tokens */
    while (a < pl) {
      size_t b;
      while (a < pl && p[a] == ' ') a++;
      if (a == pl) break;
      b = a;
      while (b < pl && p[b] != ' ') b++;
      if (memchr(p + a, '*', b - a) || memchr(p + a, '?', b - a)) {
        luaL_checkstack(L, 4, "pattern tokens");
        push_lower(L, sc, p + a, b - a);
        lua_pushboolean(L, 1);
        lua_rawseti(L, top + 1, (lua_Integer)++ntok);
        if (ntok == 1) glob1 = 1;
      } else {
        rs_tokenizer T;
        size_t nt;
        int han = 0, failed = 0;
        sc->ntok = 0;
        rs_tok_init(&T, p + a, b - a, 0);
        for (;;) {
          if (sc->ntok == sc->cap && rs_grow(sc->M, (void **)&sc->toks, &sc->cap, sc->ntok + 1, sizeof *sc->toks))
            return rsl_raise(L, RS_ENOMEM, NULL);
          if (!rs_tok_next(&T, &sc->toks[sc->ntok])) break;
          han |= sc->toks[sc->ntok].flags & RS_TF_HAN;
          sc->ntok++;
        }
        nt = sc->ntok;
        if (han) {
          if (!wb->W) wb->W = rs_wordbreak_new(sc->M);
          if (wb->W) nt = rs_wordbreak_cut(wb->W, p + a, sc->toks, nt, &failed);
        }
        for (k = 0; k < nt; k++) {
          luaL_checkstack(L, 4, "pattern tokens");
          push_lower(L, sc, p + a + sc->toks[k].start, sc->toks[k].stop - sc->toks[k].start);
          lua_pushboolean(L, 0);
          lua_rawseti(L, top + 1, (lua_Integer)++ntok);
        }
      }
      a = b;
    }
    /* the tokens are on the stack above the flags */
    if (ntok == 0) {
      lua_settop(L, top);
      lua_pushboolean(L, 0);
    } else if (ntok == 1 && !glob1) {
      lua_replace(L, top + 1);
    } else {
      lua_createtable(L, (int)ntok, 1);
      lua_insert(L, top + 2); /* under the tokens */
      for (k = ntok; k >= 1; k--) lua_rawseti(L, top + 2, (lua_Integer)k);
      lua_pushvalue(L, top + 1);
      lua_setfield(L, top + 2, "globs");
      lua_replace(L, top + 1);
    }
    lua_rawseti(L, 4, i);
  }
  return 1;
}

void rsl_open_tok(lua_State *L) {
  static const luaL_Reg fns[] = {
    {"tokenize", l_tokenize},
    {"pattern_tokens", l_pattern_tokens},
    {"sentences", l_sentences},
    {"lower", l_lower},
    {"invalid_utf8", l_invalid_utf8},
    {NULL, NULL}
  };
  luaL_setfuncs(L, fns, 0);
}
