/*
** lcorpus.c: Lua binding of the corpus index (builder, save, open). The
** userdata is the low-level handle; lua/rostra/corpus.lua builds the
** analyst's Corpus object on it. Positions are 1-based here.
*/
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "index.h"
#include "loader.h"
#include "lrostra.h"
#include "table.h"

#define CORPUS_MT "rostra.corpus"

typedef struct lcorpus {
  rs_mem *M;
  rs_builder *B;  /* in-memory corpus (NULL once closed or when mapped) */
  rs_mapped *map; /* opened from a file */
  rs_index ix;    /* the view, valid when !dirty */
  int dirty;      /* the builder changed since the last finish */
  int open;
  int has_id;     /* opened from a file, whose device and inode are these */
  dev_t dev;
  ino_t ino;
  double looked;  /* when the file was last compared with the mapping */
  int checked;    /* rs_index_check_rest passed (or was not wanted) */
} lcorpus;

static int corpus_close(lua_State *L);

/* the handle, raising on a closed one (lsqlite3's check vs get), and on a
** value given the handle's metatable, which luaL_checkudata would call
** "rostra.corpus expected, got rostra.corpus" */
static lcorpus *check_corpus(lua_State *L, int i) {
  lcorpus *c = (lcorpus *)luaL_testudata(L, i, CORPUS_MT);
  if (!c) {
    if (lua_getmetatable(L, i)) {
      luaL_getmetatable(L, CORPUS_MT);
      if (lua_rawequal(L, -1, -2))
        luaL_argerror(L, i, lua_pushfstring(L, "a forged corpus handle (a %s given its metatable): make one "
                                              "with rostra.corpus, rostra.load or rostra.open",
                                              luaL_typename(L, i)));
      lua_pop(L, 2);
    }
    c = (lcorpus *)luaL_checkudata(L, i, CORPUS_MT);
  }
  if (!c->open) luaL_error(L, "attempt to use a closed corpus");
  return c;
}

/* the view, finishing the builder first when it changed; an index read
** from a file passes its sanity checks on first use (rs_index_check_rest:
** they read the regions and the counts, which open does not) */
static const rs_index *view(lua_State *L, lcorpus *c) {
  if (c->dirty) {
    int err = rs_builder_finish(c->B, &c->ix);
    if (err) rsl_raise(L, err, NULL);
    c->dirty = 0;
  }
  if (!c->checked && c->map) {
    char what[160];
    if (rs_index_check_rest(&c->ix, what, sizeof what) != RS_OK) {
      lua_pushfstring(L, "%s: corrupt index: %s (ECORRUPT)", rs_mapped_path(c->map), what);
      lua_error(L);
    }
    c->checked = 1;
  }
  return &c->ix;
}

/* {====================================================== a file changed underneath

** Every method of a corpus handle runs through guarded(): before and
** after the call, a corpus read from a file is checked (rs_mapped_check):
** a SIGBUS caught in its mapping (the file truncated, or copied over in
** place) or, at most every 10 ms, the file at its path being the same
** file with another size or time (written in place) raises ECORRUPT, so
** that no answer computed from a file that changed is returned. */

static double mono_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* since: when the call began (after it), or 0 (before it): a call that
** took more than half a millisecond looks at the file after it whatever */
static void check_changed(lua_State *L, lcorpus *c, double since) {
  int look = 0;
  if (!c->open || !c->map) return;
  {
    double now = mono_now();
    if (now - c->looked >= 0.01 || (since > 0 && now - since > 0.0005)) {
      look = 1;
      c->looked = now;
    }
  }
  if (rs_mapped_check(c->map, look) != RS_OK) {
    lua_pushfstring(L,
                    "%s: corrupt index: the file changed while it was open (truncated, or written "
                    "over in place); reopen it (ECORRUPT)",
                    rs_mapped_path(c->map));
    lua_error(L);
  }
}

static int guarded(lua_State *L) {
  lcorpus *c = (lcorpus *)luaL_testudata(L, 1, CORPUS_MT);
  int n = lua_gettop(L);
  if (!c) { /* not a handle: the method itself says so */
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
  }
  check_changed(L, c, 0);
  if (!c->map) { /* in memory: nothing can change underneath */
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
  }
  {
    double t0 = mono_now();
    lua_pushvalue(L, 1); /* kept below the call */
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_rotate(L, 1, 2);
    lua_call(L, n, LUA_MULTRET);
    check_changed(L, c, t0);
  }
  lua_remove(L, 1);
  return lua_gettop(L);
}

/* every method of the handle's metatable through guarded (lrostra.c calls
** it once all the binding files have added theirs) */
void rsl_guard_corpus(lua_State *L) {
  luaL_getmetatable(L, CORPUS_MT);
  lua_getfield(L, -1, "__index");
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
    /* closing and asking whether open always work */
    if (lua_tocfunction(L, -1) && lua_tocfunction(L, -1) != guarded && strcmp(k, "close") != 0 &&
        strcmp(k, "is_open") != 0) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_pushcclosure(L, guarded, 1);
      lua_rawset(L, -4); /* replacing an existing key during lua_next is allowed */
    } else {
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 2);
}

/* }====================================================== */

/* for the other binding files: the index of an open corpus handle */
const rs_index *rsl_corpus_index(lua_State *L, int i);
const rs_index *rsl_corpus_index(lua_State *L, int i) {
  return view(L, check_corpus(L, i));
}

/* created closed, with its metatable, before anything is opened (liolib) */
static lcorpus *new_corpus(lua_State *L) {
  lcorpus *c = (lcorpus *)lua_newuserdatauv(L, sizeof *c, 1);
  memset(c, 0, sizeof *c);
  c->M = rsl_mem(L);
  luaL_setmetatable(L, CORPUS_MT);
  return c;
}

static int l_corpus_new(lua_State *L) {
  lcorpus *c = new_corpus(L);
  c->B = rs_builder_new(c->M);
  if (!c->B) return rsl_raise(L, RS_ENOMEM, NULL);
  c->open = 1;
  c->dirty = 1;
  return 1;
}

/* core.corpus_open(path [, verify [, unchecked]]): unchecked skips the
** sanity checks (tests of the readers' robustness) */
static int l_open(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  int verify = lua_toboolean(L, 2), unchecked = lua_toboolean(L, 3), err;
  char msg[512];
  lcorpus *c = new_corpus(L);
  c->checked = unchecked;
  err = rs_index_open(c->M, path, (verify ? RS_OPEN_VERIFY : 0) | (unchecked ? RS_OPEN_UNCHECKED : 0),
                      &c->map, &c->ix, msg, sizeof msg);
  if (err == RS_ENOMEM) return rsl_raise(L, err, NULL);
  if (err) {
    const char *code = err == RS_ENOTINDEX ? "ENOTINDEX"
                       : err == RS_ECORRUPT ? "ECORRUPT"
                       : err == RS_ENOENT   ? "ENOENT"
                                            : "EIO";
    return rsl_fail(L, msg, code);
  }
  c->open = 1;
  {
    struct stat st;
    if (stat(path, &st) == 0) {
      c->has_id = 1;
      c->dev = st.st_dev;
      c->ino = st.st_ino;
    }
  }
  return 1;
}

/* h:is_file(path) -> true when path names the file this corpus was opened
** from (the same device and inode) */
static int l_is_file(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const char *path = luaL_checkstring(L, 2);
  struct stat st;
  lua_pushboolean(L, c->has_id && stat(path, &st) == 0 && st.st_dev == c->dev && st.st_ino == c->ino);
  return 1;
}

/* h:add_from(src, d [, lang]) -> document number: speech d of the corpus
** src as it is there (text, tokens, structures, text set aside) */
static int l_add_from(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *src = view(L, check_corpus(L, 2));
  lua_Integer d = luaL_checkinteger(L, 3);
  const char *lang = luaL_optstring(L, 4, NULL);
  int err;
  if (!c->B) return luaL_error(L, "read-only corpus");
  luaL_argcheck(L, d >= 1 && d <= (lua_Integer)src->ndoc, 3, "no such speech");
  err = rs_builder_add_from(c->B, src, (uint32_t)(d - 1), lang ? rs_snowball_name(lang) : "english");
  c->dirty = 1;
  if (err == RS_ECORRUPT) return luaL_error(L, "corrupt index: speech %d out of range", (int)d);
  if (err == RS_ELIMIT)
    return luaL_error(L, "corpus full: an index holds fewer than 2^32 tokens and a text at most 2 GiB");
  if (err) return rsl_raise(L, err, NULL);
  lua_pushinteger(L, rs_builder_ndoc(c->B));
  return 1;
}

static int corpus_close(lua_State *L) {
  lcorpus *c = (lcorpus *)luaL_checkudata(L, 1, CORPUS_MT);
  if (c->open) {
    c->open = 0;
    rs_builder_free(c->B);
    c->B = NULL;
    rs_mapped_close(c->M, c->map);
    c->map = NULL;
    memset(&c->ix, 0, sizeof c->ix);
  }
  return 0;
}

static int l_is_open(lua_State *L) {
  lcorpus *c = (lcorpus *)luaL_checkudata(L, 1, CORPUS_MT);
  lua_pushboolean(L, c->open);
  return 1;
}

static int l_writable(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  lua_pushboolean(L, c->B != NULL);
  return 1;
}

/* h:add_ingested(speech_handle [, lang]) -> document number (1-based):
** a speech from core.ingest, added as rostra.load adds a file; lang (a
** language code or Snowball name) chooses the stemmer, else the parser's
** guess */
static int l_add_ingested(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_loaded *r = rsl_check_ingested(L, 2);
  const char *lang = luaL_optstring(L, 3, NULL);
  int err;
  if (!c->B) return luaL_error(L, "this corpus was opened from an index and is read-only; "
                                  "load into a new corpus with rostra.corpus()");
  err = rs_builder_add_loaded(c->B, r, lang ? rs_snowball_name(lang) : NULL);
  c->dirty = 1;
  if ((err == RS_ELIMIT || err == RS_EINVAL) && rs_builder_error(c->B)[0])
    return luaL_error(L, "%s", rs_builder_error(c->B)); /* the structure turn past the limit */
  if (err == RS_ELIMIT)
    return luaL_error(L, "corpus full: an index holds fewer than 2^32 tokens and a text at most 2 GiB");
  if (err) return rsl_raise(L, err, NULL);
  lua_pushinteger(L, rs_builder_ndoc(c->B));
  return 1;
}

static int l_set_meta(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  size_t n;
  const char *s = luaL_checklstring(L, 2, &n);
  if (!c->B) return luaL_error(L, "read-only corpus");
  if (rs_builder_set_meta(c->B, s, n)) return rsl_raise(L, RS_ENOMEM, NULL);
  if (!c->dirty) rs_builder_meta_view(c->B, &c->ix); /* no need to rebuild the rest */
  return 0;
}

static int l_meta(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  lua_pushlstring(L, ix->meta ? (const char *)ix->meta : "", (size_t)ix->metalen);
  return 1;
}

static int l_save(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const char *path = rsl_checktext(L, 2, NULL); /* a number is no file name */
  char msg[512];
  int err, sys;
  if (c->dirty) { /* finish and write at once: what finishing leaves alone is written meanwhile */
    int finished = 0;
    err = rs_builder_save(c->M, c->B, &c->ix, path, msg, sizeof msg, &finished);
    if (finished) c->dirty = 0;
  } else {
    err = rs_index_save(c->M, view(L, c), path, msg, sizeof msg);
  }
  sys = errno; /* the cause of RS_EIO */
  if (err == RS_ENOMEM) return rsl_raise(L, err, NULL);
  if (err == RS_ENOENT) return rsl_fail(L, msg, "ENOENT");
  if (err == RS_EIO) return rsl_fail(L, msg, rsl_errno_code(sys));
  if (err) return rsl_fail(L, msg, rs_errname(err));
  lua_pushboolean(L, 1);
  return 1;
}

/* h:finish(): build the derived arrays now (benchmarks time it apart) */
static int l_finish(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  view(L, c);
  return 0;
}

static int l_counts(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  lua_pushinteger(L, ix->ntok);
  lua_pushinteger(L, ix->ndoc);
  return 2;
}

static uint32_t check_doc(lua_State *L, const rs_index *ix, int i) {
  lua_Integer d = luaL_checkinteger(L, i);
  luaL_argcheck(L, d >= 1 && d <= (lua_Integer)ix->ndoc, i, "no such speech");
  return (uint32_t)(d - 1);
}

/* h:doc(d) -> first token, token count, text length, word tokens, tokens
** set aside */
static int l_doc(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  const rs_docrec *r = &ix->docs[check_doc(L, ix, 2)];
  lua_pushinteger(L, (lua_Integer)r->first + 1);
  lua_pushinteger(L, r->ntok);
  lua_pushinteger(L, (lua_Integer)r->text_len);
  lua_pushinteger(L, r->words);
  lua_pushinteger(L, r->aside);
  return 5;
}

static const char *check_mask(lua_State *L, int i, const rs_index *ix);

/* h:words([mask]) -> word tokens, tokens, tokens set aside, speeches of the
** corpus or of the speeches in mask */
static int l_words(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  const char *mask = check_mask(L, 2, ix);
  uint64_t w = 0, t = 0, a = 0, n = 0;
  uint32_t d;
  for (d = 0; d < ix->ndoc; d++) {
    if (mask && !mask[d]) continue;
    w += ix->docs[d].words;
    t += ix->docs[d].ntok;
    a += ix->docs[d].aside;
    n++;
  }
  lua_pushinteger(L, (lua_Integer)w);
  lua_pushinteger(L, (lua_Integer)t);
  lua_pushinteger(L, (lua_Integer)a);
  lua_pushinteger(L, (lua_Integer)n);
  return 4;
}

/* h:boilerplate([d]) -> array of {speech, start, stop, why} for speech d or
** all: the text set aside, byte positions (1-based, inclusive) in the
** speech's text */
static int l_boilerplate(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  uint32_t lo = 0, hi = ix->nboiler, i;
  lua_Integer k = 0;
  if (!lua_isnoneornil(L, 2)) {
    uint32_t d = check_doc(L, ix, 2), a = 0, b = ix->nboiler;
    while (a < b) { /* the first record of speech d */
      uint32_t mid = a + (b - a) / 2;
      if (ix->boiler[mid].doc < d) a = mid + 1;
      else b = mid;
    }
    lo = hi = a;
    while (hi < ix->nboiler && ix->boiler[hi].doc == d) hi++;
  }
  lua_createtable(L, (int)(hi - lo), 0);
  for (i = lo; i < hi; i++) {
    const rs_boilrec *b = &ix->boiler[i];
    if (b->doc >= ix->ndoc || b->stop > ix->docs[b->doc].text_len || b->start >= b->stop)
      return luaL_error(L, "corrupt index: text set aside out of range");
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer)b->doc + 1);
    lua_setfield(L, -2, "speech");
    lua_pushinteger(L, (lua_Integer)b->start + 1);
    lua_setfield(L, -2, "start");
    lua_pushinteger(L, (lua_Integer)b->stop);
    lua_setfield(L, -2, "stop");
    lua_pushstring(L, rs_bp_name(b->why));
    lua_setfield(L, -2, "why");
    lua_rawseti(L, -2, ++k);
  }
  return 1;
}

static int l_doc_text(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  const rs_docrec *r = &ix->docs[check_doc(L, ix, 2)];
  if (r->text_off > ix->textlen || r->text_len > ix->textlen - r->text_off) return luaL_error(L, "corrupt index: speech text out of range");
  lua_pushlstring(L, ix->text + r->text_off, (size_t)r->text_len);
  return 1;
}

/* the attribute named by the string at index i (def when nil), raising
** an error that lists the index's attributes for any other name */
int rsl_attr_arg(lua_State *L, const rs_index *ix, int i, const char *def) {
  const char *name = def ? luaL_optstring(L, i, def) : luaL_checkstring(L, i);
  int a = rs_attr_find(ix, name);
  if (a < 0) {
    luaL_Buffer B;
    uint32_t k;
    luaL_buffinit(L, &B);
    for (k = 0; k < ix->nattr; k++) {
      if (k) luaL_addstring(&B, ", ");
      luaL_addstring(&B, ix->attr_name[k]);
    }
    luaL_pushresult(&B);
    return luaL_error(L, "unknown attribute '%s' (valid: %s)", name, lua_tostring(L, -1));
  }
  return a;
}

static int check_attr(lua_State *L, const rs_index *ix, int i) {
  return rsl_attr_arg(L, ix, i, "word");
}

static int check_level(lua_State *L, const rs_index *ix, int i) {
  const char *name = luaL_checkstring(L, i);
  int lv = rs_level_find(ix, name);
  if (lv < 0) return luaL_argerror(L, i, lua_pushfstring(L, "unknown structure '%s'", name));
  return lv;
}

/* h:attributes() -> the names of the attributes (word, lower, stem, then
** the extra ones), the names of the extra structures, and the structure
** attributes as {level = name, name = name} */
static int l_attributes(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  static const char *const lvn[RS_NLEVEL] = {"segment", "point", "sentence", "quotation"};
  uint32_t k;
  lua_createtable(L, (int)ix->nattr, 0);
  for (k = 0; k < ix->nattr; k++) {
    lua_pushstring(L, ix->attr_name[k]);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_createtable(L, (int)ix->nxlv, 0);
  for (k = 0; k < ix->nxlv; k++) {
    lua_pushstring(L, ix->lv_name[RS_LV_X0 + k]);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_createtable(L, (int)ix->nsattr, 0);
  for (k = 0; k < ix->nsattr; k++) {
    int lv = ix->sattr[k].level;
    lua_createtable(L, 0, 2);
    lua_pushstring(L, lv < RS_NLEVEL ? lvn[lv] : ix->lv_name[lv]);
    lua_setfield(L, -2, "level");
    lua_pushstring(L, ix->sattr[k].name);
    lua_setfield(L, -2, "name");
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 3;
}

/* h:region_values(level, name [, d]) -> the values of a structure
** attribute for the regions of level (of speech d, or all), false where a
** region has none, in the order of h:regions */
static int l_region_values(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  int lv = check_level(L, ix, 2), j;
  const char *name = luaL_checkstring(L, 3);
  uint32_t i, lo = 0, hi = ix->nlv[lv];
  j = rs_sattr_find(ix, lv, name);
  if (j < 0) return luaL_error(L, "structure '%s' has no attribute '%s'", lua_tostring(L, 2), name);
  if (!lua_isnoneornil(L, 4)) {
    lua_Integer d = luaL_checkinteger(L, 4);
    const rs_docrec *r;
    uint32_t a = 0, b = ix->nlv[lv];
    luaL_argcheck(L, d >= 1 && d <= (lua_Integer)ix->ndoc, 4, "no such speech");
    r = &ix->docs[d - 1];
    while (a < b) {
      uint32_t mid = a + (b - a) / 2;
      if (ix->lv[lv][mid].start < r->first) a = mid + 1;
      else b = mid;
    }
    lo = hi = a;
    while (hi < ix->nlv[lv] && ix->lv[lv][hi].start < r->first + r->ntok) hi++;
  }
  lua_createtable(L, (int)(hi - lo), 0);
  for (i = lo; i < hi; i++) {
    uint32_t v = ix->sattr[j].val[i];
    if (v == RS_NOVAL || v >= ix->svals.n) {
      lua_pushboolean(L, 0);
    } else {
      size_t l;
      const char *s = rs_strtab_get(&ix->svals, v, &l);
      lua_pushlstring(L, s, l);
    }
    lua_rawseti(L, -2, (lua_Integer)(i - lo) + 1);
  }
  return 1;
}

/* h:text_span(p, q) -> the source text from token p to token q (1-based,
** inclusive), with the speech's own spacing */
static int l_text_span(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  lua_Integer p = luaL_checkinteger(L, 2), q = luaL_checkinteger(L, 3);
  uint64_t a, b;
  size_t l;
  if (p < 1) p = 1;
  if (q > (lua_Integer)ix->ntok) q = ix->ntok;
  if (q < p) {
    lua_pushliteral(L, "");
    return 1;
  }
  a = rs_index_tokoff(ix, (uint32_t)(p - 1));
  b = rs_index_tokoff(ix, (uint32_t)(q - 1));
  rs_strtab_get(&ix->attr[0], ix->stream[q - 1], &l);
  b += l;
  if (b > ix->textlen) b = ix->textlen;
  if (a > b) a = b; /* offsets from a damaged index need not ascend */
  lua_pushlstring(L, ix->text + a, (size_t)(b - a));
  return 1;
}

/* h:token_offset(p) -> the byte offset (1-based) of token p in the text of
** its speech (h:doc_text(d)), and the speech d */
static int l_token_offset(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  lua_Integer p = luaL_checkinteger(L, 2);
  uint32_t d;
  uint64_t off;
  luaL_argcheck(L, p >= 1 && p <= (lua_Integer)ix->ntok, 2, "position out of range");
  d = rs_index_doc_of(ix, (uint32_t)(p - 1));
  if (d >= ix->ndoc) return luaL_error(L, "corrupt index: position outside every speech");
  off = rs_index_tokoff(ix, (uint32_t)(p - 1));
  /* offsets from a damaged index need not fall inside the speech */
  if (off < ix->docs[d].text_off) off = ix->docs[d].text_off;
  if (off - ix->docs[d].text_off > ix->docs[d].text_len) off = ix->docs[d].text_off + ix->docs[d].text_len;
  lua_pushinteger(L, (lua_Integer)(off - ix->docs[d].text_off) + 1);
  lua_pushinteger(L, (lua_Integer)d + 1);
  return 2;
}

/* h:token(p [, attr]) -> the form of token p */
static int l_token(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  lua_Integer p = luaL_checkinteger(L, 2);
  int a = check_attr(L, ix, 3);
  uint32_t w;
  size_t l;
  const char *s;
  luaL_argcheck(L, p >= 1 && p <= (lua_Integer)ix->ntok, 2, "position out of range");
  w = rs_type_at(ix, a, (uint32_t)(p - 1));
  if (w == 0xFFFFFFFFu) return luaL_error(L, "corrupt index: bad type id");
  s = rs_strtab_get(&ix->attr[a], w, &l);
  lua_pushlstring(L, s, l);
  return 1;
}

/* h:type_info(attr, form) -> id (1-based), freq, df  | nil */
static int l_type_info(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  int a = check_attr(L, ix, 2);
  size_t l;
  const char *s = luaL_checklstring(L, 3, &l);
  int64_t id = rs_strtab_find(&ix->attr[a], s, l);
  if (id < 0) return 0;
  lua_pushinteger(L, id + 1);
  lua_pushinteger(L, ix->freq[a][id]);
  lua_pushinteger(L, ix->df[a][id]);
  return 3;
}

static int l_ntypes(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  lua_pushinteger(L, ix->attr[check_attr(L, ix, 2)].n);
  return 1;
}

/* the speech mask: a string of one byte per speech ('\1' in), or nil */
static const char *check_mask(lua_State *L, int i, const rs_index *ix) {
  size_t n;
  const char *m;
  if (lua_isnoneornil(L, i)) return NULL;
  m = luaL_checklstring(L, i, &n);
  if (n != ix->ndoc) luaL_argerror(L, i, "speech mask of the wrong size");
  return m;
}

/* h:positions(attr, form [, mask]) -> sorted array of positions (1-based) */
static int l_positions(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  int a = check_attr(L, ix, 2);
  size_t l;
  const char *s = luaL_checklstring(L, 3, &l);
  const char *mask = check_mask(L, 4, ix);
  int64_t id = rs_strtab_find(&ix->attr[a], s, l);
  uint32_t *buf, n = 0, k;
  size_t cap;
  lua_Integer out = 0;
  lua_newtable(L);
  if (id < 0) return 1;
  cap = ix->freq[a][id];
  if (cap > ix->ntok) cap = ix->ntok; /* a damaged count (rs_postings clamps too) */
  buf = (uint32_t *)lua_newuserdatauv(L, (cap ? cap : 1) * 2 * sizeof *buf, 0);
  n = rs_postings(ix, a, (uint32_t)id, buf, buf + cap);
  for (k = 0; k < n; k++) {
    if (mask && !mask[rs_index_doc_of(ix, buf[k])]) continue;
    lua_pushinteger(L, (lua_Integer)buf[k] + 1);
    lua_rawseti(L, -3, ++out);
  }
  lua_pop(L, 1);
  return 1;
}

/* is a type a word or number (not punctuation or a symbol)? */
static int is_wordlike(const char *s, size_t l) {
  rs_tokenizer T;
  rs_token t;
  rs_tok_init(&T, s, l, 0);
  if (!rs_tok_next(&T, &t)) return 0;
  return t.kind == RS_TOK_WORD || t.kind == RS_TOK_NUMBER;
}

typedef struct fentry {
  uint32_t count, type;
} fentry;

/* more frequent first, then by form (byte order) */
static int fless(const rs_strtab *st, const fentry *a, const fentry *b) {
  size_t la, lb, m;
  const char *sa, *sb;
  int c;
  if (a->count != b->count) return a->count > b->count;
  sa = rs_strtab_get(st, a->type, &la);
  sb = rs_strtab_get(st, b->type, &lb);
  m = la < lb ? la : lb;
  c = memcmp(sa, sb, m);
  return c ? c < 0 : la < lb;
}

/* heap sift-down where the root is the "worst" entry (for top-k) */
static void sift(const rs_strtab *st, fentry *h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, w = i;
    if (l < n && fless(st, &h[w], &h[l])) w = l;
    if (r < n && fless(st, &h[w], &h[r])) w = r;
    if (w == i) return;
    {
      fentry t = h[i];
      h[i] = h[w];
      h[w] = t;
    }
    i = w;
  }
}

/* the top entries of one frequency list into h[0..*n) (a heap sort: most
** frequent first, then by form), counts over the speeches of mask, or over
** the positions of the spans table at stack index spans (0 for none:
** {a1, b1, a2, b2, ...}, 1-based, inclusive); stop (NULL or a byte per
** type) leaves types out; the counts of a mask or spans go into scratch
** (a type count of room), or into a new userdata pushed first; h is
** pushed last */
static fentry *freq_select(lua_State *L, const rs_index *ix, int a, const char *mask, int spans, uint32_t min,
                           size_t top, int words_only, const uint8_t *stop, uint32_t *scratch, size_t *nout) {
  uint32_t nt = ix->attr[a].n, t, d, p;
  const uint32_t *cnt = ix->freq[a];
  const rs_strtab *st = &ix->attr[a];
  fentry *h;
  size_t n = 0, k, i;
  if (min < 1) min = 1;
  if (spans) { /* count over the spans: {a1, b1, a2, b2, ...} */
    uint32_t *tmp;
    lua_Integer j, ns;
    luaL_checktype(L, spans, LUA_TTABLE);
    ns = (lua_Integer)lua_rawlen(L, spans);
    luaL_argcheck(L, ns % 2 == 0, spans, "spans: pairs of positions expected");
    tmp = scratch ? scratch : (uint32_t *)lua_newuserdatauv(L, (nt ? nt : 1) * sizeof *tmp, 0);
    memset(tmp, 0, (nt ? nt : 1) * sizeof *tmp);
    for (j = 1; j < ns; j += 2) {
      lua_Integer sa, sb;
      lua_rawgeti(L, spans, j);
      lua_rawgeti(L, spans, j + 1);
      sa = lua_tointeger(L, -2);
      sb = lua_tointeger(L, -1);
      lua_pop(L, 2);
      luaL_argcheck(L, sa >= 1 && sb >= sa - 1 && sb <= (lua_Integer)ix->ntok, spans, "span out of range");
      for (p = (uint32_t)(sa - 1); p < (uint32_t)sb; p++) {
        uint32_t w = rs_type_at(ix, a, p);
        if (w < nt) tmp[w]++;
      }
    }
    cnt = tmp;
  } else if (mask) { /* count over the selected speeches */
    uint32_t *tmp = scratch ? scratch : (uint32_t *)lua_newuserdatauv(L, (nt ? nt : 1) * sizeof *tmp, 0);
    memset(tmp, 0, (nt ? nt : 1) * sizeof *tmp);
    for (d = 0; d < ix->ndoc; d++) {
      const rs_docrec *r = &ix->docs[d];
      if (!mask[d]) continue;
      for (p = r->first; p < r->first + r->ntok && p < ix->ntok; p++) {
        uint32_t w = rs_type_at(ix, a, p);
        if (w < nt) tmp[w]++;
      }
    }
    cnt = tmp;
  }
  k = top > 0 ? top : nt;
  if (k > nt) k = nt;
  h = (fentry *)lua_newuserdatauv(L, (k ? k : 1) * sizeof *h, 0);
  for (t = 0; t < nt; t++) {
    fentry e;
    if (cnt[t] < min) continue;
    if (stop && stop[t]) continue;
    e.count = cnt[t];
    e.type = t;
    if (n == k && !fless(st, &e, &h[0])) continue; /* not better than the worst kept */
    if (words_only) {
      size_t l;
      const char *s = rs_strtab_get(st, t, &l);
      if (!is_wordlike(s, l)) continue;
    }
    if (n < k) { /* sift up */
      size_t j = n++;
      h[j] = e;
      while (j > 0 && fless(st, &h[(j - 1) / 2], &h[j])) {
        fentry x = h[j];
        h[j] = h[(j - 1) / 2];
        h[(j - 1) / 2] = x;
        j = (j - 1) / 2;
      }
    } else {
      h[0] = e;
      sift(st, h, n, 0);
    }
  }
  /* heap sort: the worst goes to the end */
  for (i = n; i > 1; i--) {
    fentry x = h[0];
    h[0] = h[i - 1];
    h[i - 1] = x;
    sift(st, h, i - 1, 0);
  }
  *nout = n;
  return h;
}

/* h:freq(attr, mask, min, top, words_only [, spans]) -> forms, counts:
** sorted by count (descending) then form; top = 0 for all. spans: the
** positions counted instead of mask's speeches, {a1, b1, a2, b2, ...}
** (1-based, inclusive) */
static int l_freq(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  int a = check_attr(L, ix, 2);
  const char *mask = check_mask(L, 3, ix);
  lua_Integer min = luaL_optinteger(L, 4, 1), top = luaL_optinteger(L, 5, 0);
  int words_only = lua_toboolean(L, 6);
  const rs_strtab *st = &ix->attr[a];
  size_t n, i;
  fentry *h = freq_select(L, ix, a, mask, lua_isnoneornil(L, 7) ? 0 : 7,
                          min < 1 ? 1 : min > 0xFFFFFFFF ? 0xFFFFFFFFu : (uint32_t)min,
                          top > 0 ? (size_t)top : 0, words_only, NULL, NULL, &n);
  lua_createtable(L, (int)n, 0);
  lua_createtable(L, (int)n, 0);
  for (i = 0; i < n; i++) {
    size_t l;
    const char *s = rs_strtab_get(st, h[i].type, &l);
    lua_pushlstring(L, s, l);
    lua_rawseti(L, -3, (lua_Integer)i + 1);
    lua_pushinteger(L, h[i].count);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 2;
}

/* h:freq_table{attr, masks = {mask, ...} | nil, groups = {label, ...} |
** nil, min, top, words_only, stop = {form, ...}} -> a view of the rows
** [group,] attr, count, per_million: one frequency list per mask (the
** whole corpus when masks is nil), each sorted by count (descending) then
** form, per_million over the words of its speeches. A group label is an
** integer, a float or a string: the column takes the kind of the first
** (every label of a column of integers must be one). */
static int l_freq_table(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  int a, words_only, g, ng, has_groups, gkind = 0;
  lua_Integer min, top;
  uint8_t *stop = NULL;
  size_t total = 0, r, i;
  fentry **lists;
  size_t *counts;
  uint64_t *words;
  const char **masks;
  rs_table *T;
  uint32_t *form;
  int64_t *count, *gi = NULL;
  double *pm, *gd = NULL;
  rs_tcol *gs = NULL;
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  lua_getfield(L, 2, "attr");
  a = check_attr(L, ix, 3);
  lua_getfield(L, 2, "min");
  min = luaL_optinteger(L, 4, 1);
  lua_getfield(L, 2, "top");
  top = luaL_optinteger(L, 5, 0);
  lua_getfield(L, 2, "words_only");
  words_only = lua_toboolean(L, 6);
  lua_getfield(L, 2, "masks"); /* 7 */
  lua_getfield(L, 2, "groups"); /* 8 */
  has_groups = lua_istable(L, 8);
  ng = lua_istable(L, 7) ? (int)lua_rawlen(L, 7) : 1;
  if (has_groups && (int)lua_rawlen(L, 8) != ng) return luaL_error(L, "freq_table: one group per mask");
  lua_getfield(L, 2, "stop"); /* 9 */
  if (lua_istable(L, 9)) {
    lua_Integer k, n = (lua_Integer)lua_rawlen(L, 9);
    uint32_t nt = ix->attr[a].n;
    stop = (uint8_t *)lua_newuserdatauv(L, nt ? nt : 1, 0); /* 10 */
    memset(stop, 0, nt ? nt : 1);
    for (k = 1; k <= n; k++) {
      size_t l;
      const char *s;
      int64_t id;
      lua_rawgeti(L, 9, k);
      s = lua_tolstring(L, -1, &l);
      if (s && (id = rs_strtab_find(&ix->attr[a], s, l)) >= 0) stop[id] = 1;
      lua_pop(L, 1);
    }
  } else {
    lua_pushnil(L); /* 10 */
  }
  lists = (fentry **)lua_newuserdatauv(L, (size_t)ng * (sizeof *lists + sizeof *counts + sizeof *words + sizeof *masks), 0); /* 11 */
  counts = (size_t *)(void *)(lists + ng);
  words = (uint64_t *)(void *)(counts + ng);
  masks = (const char **)(void *)(words + ng);
  lua_newtable(L); /* 12: anchors the lists */
  /* 13: the counts of one group's speeches, reused from group to group */
  lua_newuserdatauv(L, (ix->attr[a].n ? ix->attr[a].n : 1) * sizeof(uint32_t), 0);
  for (g = 0; g < ng; g++) {
    const char *mask = NULL;
    if (lua_istable(L, 7)) {
      lua_rawgeti(L, 7, g + 1);
      mask = check_mask(L, lua_gettop(L), ix);
      lua_pop(L, 1); /* anchored by the masks table */
    }
    masks[g] = mask;
    lists[g] = freq_select(L, ix, a, mask, 0, min < 1 ? 1 : min > 0xFFFFFFFF ? 0xFFFFFFFFu : (uint32_t)min,
                           top > 0 ? (size_t)top : 0, words_only, stop, (uint32_t *)lua_touserdata(L, 13),
                           &counts[g]);
    lua_rawseti(L, 12, g + 1);
    words[g] = rs_index_words(ix, mask);
    total += counts[g];
  }
  lua_pop(L, 1); /* the counts */
  T = rsl_table_new(L, total, 1); /* 13 */
  if (has_groups) {
    lua_rawgeti(L, 8, 1);
    gkind = lua_isinteger(L, -1) ? 1 : lua_type(L, -1) == LUA_TNUMBER ? 2 : 3;
    lua_pop(L, 1);
    if (gkind == 1) gi = rs_table_int(T, "group");
    else if (gkind == 2) gd = rs_table_num(T, "group");
    else gs = rs_table_own(T, "group");
    if (!gi && !gd && !gs) return rsl_raise(L, RS_ENOMEM, NULL);
  }
  form = rs_table_type(T, lua_type(L, 3) == LUA_TSTRING ? lua_tostring(L, 3) : "word", a, 1);
  count = rs_table_int(T, "count");
  pm = rs_table_num(T, "per_million");
  if (!form || !count || !pm) return rsl_raise(L, RS_ENOMEM, NULL);
  r = 0;
  for (g = 0; g < ng; g++) {
    if (has_groups) {
      lua_rawgeti(L, 8, g + 1);
      if (gkind == 1) {
        if (!lua_isinteger(L, -1)) return luaL_error(L, "freq_table: group %d is not an integer", g + 1);
      } else if (gkind == 2) {
        if (lua_type(L, -1) != LUA_TNUMBER) return luaL_error(L, "freq_table: group %d is not a number", g + 1);
      }
    }
    for (i = 0; i < counts[g]; i++, r++) {
      form[r] = lists[g][i].type;
      count[r] = lists[g][i].count;
      pm[r] = words[g] > 0 ? (double)lists[g][i].count * 1e6 / (double)words[g] : 0.0;
      if (gi) gi[r] = lua_tointeger(L, -1);
      else if (gd) gd[r] = lua_tonumber(L, -1);
      else if (gs) {
        size_t l;
        const char *s = luaL_tolstring(L, -1, &l);
        if (rs_tcol_push(c->M, gs, s, l)) return rsl_raise(L, RS_ENOMEM, NULL);
        lua_pop(L, 1);
      }
    }
    if (has_groups) lua_pop(L, 1);
  }
  rsl_table_view(L, 13);
  return 1;
}

/* h:regions(level [, d]) -> starts, stops, attrs (1-based positions,
** inclusive stops) for one speech or all */
static int l_regions(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  int lv = check_level(L, ix, 2);
  uint32_t i, lo = 0, hi = ix->nlv[lv];
  lua_Integer k = 0;
  if (!lua_isnoneornil(L, 3)) { /* binary search the speech's range */
    const rs_docrec *r = &ix->docs[check_doc(L, ix, 3)];
    uint32_t a = 0, b = ix->nlv[lv];
    while (a < b) {
      uint32_t mid = a + (b - a) / 2;
      if (ix->lv[lv][mid].start < r->first) a = mid + 1;
      else b = mid;
    }
    lo = a;
    hi = lo;
    while (hi < ix->nlv[lv] && ix->lv[lv][hi].start < r->first + r->ntok) hi++;
  }
  lua_createtable(L, (int)(hi - lo), 0);
  lua_createtable(L, (int)(hi - lo), 0);
  lua_createtable(L, (int)(hi - lo), 0);
  for (i = lo; i < hi; i++) {
    const rs_region *g = &ix->lv[lv][i];
    k++;
    lua_pushinteger(L, (lua_Integer)g->start + 1);
    lua_rawseti(L, -4, k);
    lua_pushinteger(L, (lua_Integer)g->stop);
    lua_rawseti(L, -3, k);
    lua_pushinteger(L, g->attr);
    lua_rawseti(L, -2, k);
  }
  return 3;
}

/* h:region_words(level) -> the word tokens (words and numbers, as
** h:words counts them) of every region of level, in the order of h:regions */
static int l_region_words(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  int lv = check_level(L, ix, 2);
  uint32_t i;
  lua_createtable(L, (int)ix->nlv[lv], 0);
  for (i = 0; i < ix->nlv[lv]; i++) {
    const rs_region *g = &ix->lv[lv][i];
    uint32_t p, e = g->stop < ix->ntok ? g->stop : ix->ntok;
    lua_Integer w = 0;
    for (p = g->start; p < e; p++) w += ix->kind[ix->stream[p]] <= RS_TOK_NUMBER;
    lua_pushinteger(L, w);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int l_doc_of(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  lua_Integer p = luaL_checkinteger(L, 2);
  luaL_argcheck(L, p >= 1 && p <= (lua_Integer)ix->ntok, 2, "position out of range");
  lua_pushinteger(L, (lua_Integer)rs_index_doc_of(ix, (uint32_t)(p - 1)) + 1);
  return 1;
}

/* h:sizes() -> table of section sizes in bytes */
static int l_sizes(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  const rs_index *ix = view(L, c);
  uint64_t vocab = 0, maps = 0, structs = 0;
  int a;
  uint64_t xattrs = 0;
  for (a = 0; a < (int)ix->nattr; a++) {
    vocab += ix->attr[a].off[ix->attr[a].n] + ((uint64_t)ix->attr[a].n + 1) * 8 +
             (uint64_t)ix->attr[a].nslots * 4 + (uint64_t)ix->attr[a].n * 8;
    if (a && a < RS_NATTR) maps += (uint64_t)ix->attr[0].n * 8 + ((uint64_t)ix->attr[a].n + 1) * 4;
    if (a >= RS_NATTR)
      xattrs += (uint64_t)ix->ntok * 4 + ix->xpostlen[a] + ((uint64_t)ix->attr[a].n + 1) * 8;
  }
  for (a = 0; a < RS_MAXLEVEL; a++) structs += (uint64_t)ix->nlv[a] * sizeof(rs_region);
  for (a = 0; a < (int)ix->nsattr; a++)
    structs += (uint64_t)ix->nlv[ix->sattr[a].level] * 4;
  structs += ix->svals.off[ix->svals.n] + ((uint64_t)ix->svals.n + 1) * 8 + (uint64_t)ix->svals.nslots * 4;
  lua_newtable(L);
#define SET(name, v)                 \
  lua_pushinteger(L, (lua_Integer)(v)); \
  lua_setfield(L, -2, name)
  SET("stream", (uint64_t)ix->ntok * 4);
  SET("offsets", (uint64_t)ix->ntok + (ix->ntok / 64 + 1) * 8 + (uint64_t)ix->ngapx * 8);
  SET("postings", ix->postlen + ((uint64_t)ix->attr[0].n + 1) * 8);
  SET("vocabulary", vocab);
  SET("maps", maps);
  SET("attributes", xattrs);
  SET("structures", structs + (uint64_t)ix->ndoc * sizeof(rs_docrec));
  SET("metadata", ix->metalen);
  SET("text", ix->textlen);
  SET("word_types", ix->attr[0].n);
  SET("lower_types", ix->attr[1].n);
  SET("stem_types", ix->attr[2].n);
  SET("segments", ix->nlv[RS_LV_SEGMENT]);
  SET("points", ix->nlv[RS_LV_POINT]);
  SET("sentences", ix->nlv[RS_LV_SENTENCE]);
  SET("quotations", ix->nlv[RS_LV_QUOTATION]);
#undef SET
  return 1;
}

static int l_tostring(lua_State *L) {
  lcorpus *c = (lcorpus *)luaL_checkudata(L, 1, CORPUS_MT);
  if (!c->open) lua_pushliteral(L, "rostra.corpus (closed)");
  else lua_pushfstring(L, "rostra.corpus (%p)", (void *)c);
  return 1;
}

/* {====================================================== files */

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* a folder walk: where paths and warnings go, and what was seen (the
** table at index seen: "dev:ino" -> the first path found for it) */
typedef struct walkctx {
  int out, warn, seen;
  const char *ext;
} walkctx;

static void walk_warn(lua_State *L, const walkctx *w) { /* the message on top */
  lua_rawseti(L, w->warn, (lua_Integer)lua_rawlen(L, w->warn) + 1);
}

/* the first path seen for st's file, pushed, or nothing and 0 when new
** (then path, at index pi, is recorded for it) */
static int seen_before(lua_State *L, const walkctx *w, const struct stat *st, int pi) {
  lua_pushfstring(L, "%I:%I", (lua_Integer)st->st_dev, (lua_Integer)st->st_ino);
  if (lua_rawget(L, w->seen) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  lua_pushfstring(L, "%I:%I", (lua_Integer)st->st_dev, (lua_Integer)st->st_ino);
  lua_pushvalue(L, pi);
  lua_rawset(L, w->seen);
  return 0;
}

/* does name end in one of the extensions exts, separated by '\1' (an
** empty one matches every name)? */
static int has_ext(const char *name, const char *exts) {
  size_t l = strlen(name);
  for (;;) {
    const char *sep = strchr(exts, '\1');
    size_t el = sep ? (size_t)(sep - exts) : strlen(exts);
    if (l >= el && memcmp(name + l - el, exts, el) == 0) return 1;
    if (!sep) return 0;
    exts = sep + 1;
  }
}

/* walk dir recursively, appending the paths of files whose names end in
** ext to w->out, in byte order. Each folder and file is taken once, by
** device and inode: a symbolic link to a folder already walked (a loop
** such as self -> .) or a second name of a file already found is skipped
** with a warning naming both; so are unreadable folders, broken links and
** names ending in ext that are not regular files (a FIFO would block). */
static void walk(lua_State *L, const walkctx *w, const char *dir, int depth) {
  DIR *d;
  struct dirent *e;
  int n = 0, i, t = lua_gettop(L);
  char **names;
  if (depth > 64) {
    lua_pushfstring(L, "%s: folders nested deeper than 64, not walked", dir);
    walk_warn(L, w);
    return;
  }
  d = opendir(dir);
  if (!d) {
    lua_pushfstring(L, "%s: cannot read folder", dir);
    walk_warn(L, w);
    return;
  }
  /* names in a userdata-anchored Lua table, sorted in C */
  lua_newtable(L);
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue; /* ., .., hidden files */
    lua_pushstring(L, e->d_name);
    lua_rawseti(L, -2, ++n);
  }
  closedir(d);
  names = (char **)lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *names, 0);
  for (i = 0; i < n; i++) {
    lua_rawgeti(L, -2, i + 1);
    names[i] = (char *)lua_tostring(L, -1); /* anchored by the table */
    lua_pop(L, 1);
  }
  qsort(names, (size_t)n, sizeof *names, cmp_str);
  for (i = 0; i < n; i++) {
    struct stat st;
    const char *path = lua_pushfstring(L, "%s/%s", dir, names[i]);
    int pi = lua_gettop(L);
    if (stat(path, &st) != 0) {
      int err = errno;
      struct stat lst;
      if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        lua_pushfstring(L, "%s: a broken symbolic link (%s), skipped", path, strerror(err));
        walk_warn(L, w);
      } else if (has_ext(names[i], w->ext)) {
        lua_pushfstring(L, "%s: %s, skipped", path, strerror(err));
        walk_warn(L, w);
      }
    } else if (S_ISDIR(st.st_mode)) {
      if (seen_before(L, w, &st, pi)) {
        lua_pushfstring(L, "%s: the same folder as %s (reached twice through links), skipped", path,
                        lua_tostring(L, -1));
        walk_warn(L, w);
      } else {
        walk(L, w, path, depth + 1);
      }
    } else if (has_ext(names[i], w->ext)) {
      if (!S_ISREG(st.st_mode)) {
        lua_pushfstring(L, "%s: not a regular file (%s), skipped", path,
                        S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISCHR(st.st_mode) ? "a character device"
                        : S_ISBLK(st.st_mode) ? "a block device" : S_ISSOCK(st.st_mode) ? "a socket"
                        : "a special file");
        walk_warn(L, w);
      } else if (seen_before(L, w, &st, pi)) {
        lua_pushfstring(L, "%s: the same file as %s (a link or a second name), skipped", path,
                        lua_tostring(L, -1));
        walk_warn(L, w);
      } else {
        lua_pushvalue(L, pi);
        lua_rawseti(L, w->out, (lua_Integer)lua_rawlen(L, w->out) + 1);
      }
    }
    lua_settop(L, pi - 1);
  }
  lua_settop(L, t);
}

/* core.walk(dir [, ext]) -> sorted paths (byte order, recursive), warnings;
** ext: an extension (".txt") or a list of them */
static int l_walk(lua_State *L) {
  const char *dir = luaL_checkstring(L, 1);
  const char *ext;
  if (lua_istable(L, 2)) { /* the extensions joined by '\1' */
    luaL_Buffer B;
    lua_Integer i, n = (lua_Integer)lua_rawlen(L, 2);
    luaL_buffinit(L, &B);
    for (i = 1; i <= n; i++) {
      if (i > 1) luaL_addchar(&B, '\1');
      lua_rawgeti(L, 2, i);
      luaL_addstring(&B, luaL_checkstring(L, -1));
      lua_pop(L, 1);
    }
    luaL_pushresult(&B);
    lua_replace(L, 2);
    ext = lua_tostring(L, 2);
  } else {
    ext = luaL_optstring(L, 2, ".txt");
  }
  struct stat st;
  size_t l = strlen(dir);
  walkctx w;
  if (stat(dir, &st) != 0) return rsl_fail(L, lua_pushfstring(L, "%s: No such file or directory", dir), "ENOENT");
  if (!S_ISDIR(st.st_mode)) return rsl_fail(L, lua_pushfstring(L, "%s: not a folder", dir), "ENOTDIR");
  while (l > 1 && dir[l - 1] == '/') l--;
  luaL_checkstack(L, 80, "folder walk");
  lua_settop(L, 2);
  lua_pushlstring(L, dir, l); /* 3 */
  lua_newtable(L);            /* 4 warnings */
  lua_newtable(L);            /* 5 paths */
  lua_newtable(L);            /* 6 seen */
  w.out = 5;
  w.warn = 4;
  w.seen = 6;
  w.ext = ext;
  seen_before(L, &w, &st, 3); /* the root itself: a link back to it is a loop */
  walk(L, &w, lua_tostring(L, 3), 0);
  lua_settop(L, 5);
  lua_insert(L, -2);
  return 2;
}

/* }====================================================== */

/* {====================================================== bulk loading */

typedef struct loadctx {
  lua_State *L;
  int each; /* stack index of the per-file function, or 0 */
  size_t total;
  uint64_t bytes;
  uint32_t ndoc; /* documents in the builder */
  int failed;    /* the error object is on the stack top */
} loadctx;

static const char *status_code(int st) {
  switch (st) {
    case RS_ENOTTEXT: return "ENOTTEXT";
    case RS_EPARSE: return "EPARSE";
    case RS_ELIMIT: return "ELIMIT";
    default: return "EIO";
  }
}

/* builds file i's entry and calls each with it, under lua_pcall; arguments:
** the context, the loaded file, i, each; each's result, a language code,
** becomes the file's stemmer */
static int load_cb_body(lua_State *L) {
  loadctx *cx = (loadctx *)lua_touserdata(L, 1);
  rs_loaded *r = (rs_loaded *)lua_touserdata(L, 2);
  lua_Integer i = lua_tointeger(L, 3);
  int k;
  lua_createtable(L, 0, 6);
  if (r->status == RS_OK && r->an) { /* an annotated file: its documents */
    const rs_annot *an;
    size_t d, all = 0, seen = 0, ntok = 0, rebuilt = 0, derived = 0;
    uint32_t k, rline = 0;
    int part;
    for (part = 0; part < r->nan; part++) all += r->an[part].ndoc;
    lua_createtable(L, (int)all, 0);
    for (part = 0; part < r->nan; part++) {
    an = &r->an[part];
    ntok += an->ntok;
    if (an->rebuilt && !rebuilt) rline = an->rebuilt_line;
    rebuilt += an->rebuilt;
    derived += an->derived;
    for (d = 0; d < an->ndoc; d++) {
      const rs_adoc *doc = &an->docs[d];
      lua_createtable(L, 0, 4);
      lua_pushinteger(L, (lua_Integer)(cx->ndoc - all + (++seen)));
      lua_setfield(L, -2, "doc");
      lua_pushlstring(L, an->strs.p ? an->strs.p + doc->name : "", doc->namen);
      lua_setfield(L, -2, "name");
      lua_pushinteger(L, doc->line);
      lua_setfield(L, -2, "line");
      lua_pushinteger(L, doc->ntok);
      lua_setfield(L, -2, "tokens");
      lua_createtable(L, 0, (int)doc->nkv);
      for (k = 0; k < doc->nkv; k++) {
        const rs_akv *kv = &an->kvs[doc->kv0 + k];
        lua_pushlstring(L, an->strs.p + kv->k, kv->kn);
        lua_pushlstring(L, an->strs.p + kv->v, kv->vn);
        lua_rawset(L, -3);
      }
      lua_setfield(L, -2, "meta");
      lua_rawseti(L, -2, (lua_Integer)seen);
    }
    }
    lua_setfield(L, -2, "docs");
    lua_pushinteger(L, (lua_Integer)ntok);
    lua_setfield(L, -2, "tokens");
    lua_pushinteger(L, (lua_Integer)rebuilt);
    lua_setfield(L, -2, "rebuilt");
    lua_pushinteger(L, rline);
    lua_setfield(L, -2, "rebuilt_line");
    lua_pushinteger(L, (lua_Integer)derived);
    lua_setfield(L, -2, "derived");
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "bad");
  } else if (r->status == RS_OK) {
    lua_pushinteger(L, cx->ndoc);
    lua_setfield(L, -2, "doc");
    lua_createtable(L, 0, RS_META_N);
    for (k = 0; k < RS_META_N; k++) {
      if (r->sp.meta[k]) {
        lua_pushlstring(L, r->sp.meta[k], r->sp.meta_len[k]);
        lua_setfield(L, -2, rs_meta_name(k));
      }
    }
    lua_setfield(L, -2, "meta");
    if (r->has_front) {
      rsl_push_front(L, r->fm.root);
      lua_setfield(L, -2, "front");
    }
    lua_pushinteger(L, (lua_Integer)r->bad);
    lua_setfield(L, -2, "bad");
    lua_pushinteger(L, (lua_Integer)r->ntok);
    lua_setfield(L, -2, "tokens");
    lua_pushboolean(L, r->cjk_failed);
    lua_setfield(L, -2, "cjk_fallback");
  } else {
    lua_pushstring(L, r->err[0] ? r->err : "could not read the file");
    lua_setfield(L, -2, "error");
    lua_pushstring(L, r->status == RS_EIO_LOAD && r->err_no == 2 ? "ENOENT" : status_code(r->status));
    lua_setfield(L, -2, "code");
  }
  lua_pushvalue(L, 4);
  lua_pushinteger(L, i + 1);
  lua_pushinteger(L, (lua_Integer)cx->total);
  lua_pushinteger(L, (lua_Integer)cx->bytes);
  lua_rotate(L, -5, -1); /* the entry last */
  lua_call(L, 4, 1);
  if (lua_type(L, -1) == LUA_TSTRING) {
    size_t l;
    const char *lang = lua_tolstring(L, -1, &l);
    if (l < sizeof r->lang) memcpy(r->lang, lang, l + 1);
  }
  return 0;
}

static int load_cb(void *ud, size_t i, rs_loaded *r) {
  loadctx *cx = (loadctx *)ud;
  lua_State *L = cx->L;
  if (r->status == RS_OK) {
    if (r->an) {
      int part;
      for (part = 0; part < r->nan; part++) cx->ndoc += (uint32_t)r->an[part].ndoc;
    } else {
      cx->ndoc++;
    }
    cx->bytes += r->n;
  }
  if (!cx->each) return 0;
  lua_pushcfunction(L, load_cb_body);
  lua_pushlightuserdata(L, cx);
  lua_pushlightuserdata(L, (void *)r);
  lua_pushinteger(L, (lua_Integer)i);
  lua_pushvalue(L, cx->each);
  if (lua_pcall(L, 4, 0, 0) != LUA_OK) {
    cx->failed = 1; /* keep the error on the stack */
    return 1;
  }
  return 0;
}

/* h:load_files(paths, threads [, lang [, each [, opts]]]): each(done,
** total, bytes, entry) is called for each file, in path order, before it is
** added, with entry {doc =, meta =, front =, bad =, tokens =} or {error =,
** code =}; what it returns (a language code, or nil) chooses the file's
** stemmer. opts.header = false: the texts have no header; opts.cjk =
** "chars": Han and Kana one character a token; opts.split_hyphens: a
** hyphenated word is its parts and hyphens. */
static int l_load_files(lua_State *L) {
  lcorpus *c = check_corpus(L, 1);
  lua_Integer threads = luaL_optinteger(L, 3, 1);
  const char *lang = luaL_optstring(L, 4, NULL);
  unsigned flags = 0;
  size_t n, i;
  const char **paths;
  const char *cols[RS_MAX_XATTR * 2];
  int ncols = 0, have_cols = 0;
  uint32_t xlimit = 0;
  loadctx cx;
  int rc;
  luaL_checktype(L, 2, LUA_TTABLE);
  if (!lua_isnoneornil(L, 5)) luaL_checktype(L, 5, LUA_TFUNCTION);
  if (!lua_isnoneornil(L, 6)) {
    luaL_checktype(L, 6, LUA_TTABLE);
    if (lua_getfield(L, 6, "header") != LUA_TNIL && !lua_toboolean(L, -1)) flags |= RS_IN_NO_HEADER;
    if (lua_getfield(L, 6, "cjk") == LUA_TSTRING && strcmp(lua_tostring(L, -1), "chars") == 0)
      flags |= RS_IN_CJK_CHARS;
    if (lua_getfield(L, 6, "split_hyphens") != LUA_TNIL && lua_toboolean(L, -1)) flags |= RS_IN_SPLIT_HYPHENS;
    lua_pop(L, 3);
    if (lua_getfield(L, 6, "xlimit") == LUA_TNUMBER) xlimit = (uint32_t)lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (lua_getfield(L, 6, "attributes") == LUA_TTABLE) { /* the names of VRT columns */
      lua_Integer k;
      ncols = (int)lua_rawlen(L, -1);
      if (ncols > RS_MAX_XATTR * 2) return luaL_error(L, "too many attribute names");
      for (k = 1; k <= ncols; k++) {
        lua_rawgeti(L, -1, k);
        cols[k - 1] = lua_tostring(L, -1);
        if (!cols[k - 1]) return luaL_error(L, "attribute names must be strings");
        lua_pop(L, 1); /* anchored by the options table */
      }
      have_cols = 1;
    }
    lua_pop(L, 1);
  }
  if (!c->B) return luaL_error(L, "this corpus was opened from an index and is read-only");
  n = (size_t)lua_rawlen(L, 2);
  paths = (const char **)lua_newuserdatauv(L, (n ? n : 1) * sizeof *paths, 0);
  for (i = 0; i < n; i++) {
    lua_rawgeti(L, 2, (lua_Integer)i + 1);
    paths[i] = lua_tostring(L, -1); /* anchored by the table argument */
    if (!paths[i]) return luaL_error(L, "bad path #%d", (int)i + 1);
    lua_pop(L, 1);
  }
  memset(&cx, 0, sizeof cx);
  cx.L = L;
  cx.each = lua_isnoneornil(L, 5) ? 0 : 5;
  cx.total = n;
  cx.ndoc = rs_builder_ndoc(c->B);
  luaL_checkstack(L, 20, "load");
  c->dirty = 1;
  rs_load_set_columns(have_cols ? cols : NULL, ncols, xlimit);
  rc = rs_load(c->M, c->B, paths, n, (int)threads, flags, lang, load_cb, &cx);
  rs_load_set_columns(NULL, 0, 0);
  if (cx.failed) return lua_error(L);
  if ((rc == RS_ELIMIT || rc == RS_EINVAL) && rs_builder_error(c->B)[0])
    return luaL_error(L, "%s", rs_builder_error(c->B));
  if (rc == RS_ELIMIT)
    return luaL_error(L, "corpus full: an index holds fewer than 2^32 tokens");
  if (rc) return rsl_raise(L, rc, NULL);
  return 0;
}

/* }====================================================== */

/* core.clock() -> seconds of a monotonic wall clock (for benchmarks) */
static int l_clock(lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec * 1e-9);
  return 1;
}

static int l_ncpu(lua_State *L) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  lua_pushinteger(L, n > 0 ? n : 1);
  return 1;
}

void rsl_open_corpus(lua_State *L) {
  static const luaL_Reg methods[] = {
    {"set_meta", l_set_meta}, {"meta", l_meta},
    {"save", l_save},         {"counts", l_counts},     {"doc", l_doc},
    {"doc_text", l_doc_text}, {"text_span", l_text_span}, {"token", l_token},
    {"token_offset", l_token_offset},
    {"type_info", l_type_info}, {"ntypes", l_ntypes},  {"positions", l_positions},
    {"freq", l_freq},         {"freq_table", l_freq_table}, {"regions", l_regions},   {"doc_of", l_doc_of},
    {"region_words", l_region_words},
    {"sizes", l_sizes},       {"close", corpus_close},  {"is_open", l_is_open},
    {"writable", l_writable}, {"load_files", l_load_files}, {"finish", l_finish},
    {"words", l_words},       {"boilerplate", l_boilerplate}, {"add_ingested", l_add_ingested},
    {"add_from", l_add_from},       {"is_file", l_is_file},
    {"attributes", l_attributes},   {"region_values", l_region_values},
    {NULL, NULL}};
  static const luaL_Reg fns[] = {{"corpus_new", l_corpus_new}, {"corpus_open", l_open},
                                 {"walk", l_walk}, {"ncpu", l_ncpu}, {"clock", l_clock}, {NULL, NULL}};
  if (luaL_newmetatable(L, CORPUS_MT)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, corpus_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, corpus_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, l_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pop(L, 1);
  luaL_setfuncs(L, fns, 0);
}
