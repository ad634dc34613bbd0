/*
** ldfm.c: Lua binding of the document-feature matrix (dfm.c). Adds to the
** corpus handle
**   h:dfm_build{attr, rows, nrows, stop, punct, min_count, min_docs,
**               max_features} -> box
** where rows[d] is the row (1-based) of speech d or 0; the box holds the
** matrix in C (lua/rostra/dfm.lua builds the analyst's object on it) and
** keeps the corpus alive. Also core.mkdir(path).
*/
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "dfm.h"
#include "lrostra.h"
#include "stats.h"

#define DFM_MT "rostra.dfmbox"

typedef struct dbox {
  rs_mem *M;
  rs_dfm d;
  int live;
} dbox;

static int box_gc(lua_State *L) {
  dbox *b = (dbox *)luaL_checkudata(L, 1, DFM_MT);
  if (b->live) rs_dfm_free(b->M, &b->d);
  b->live = 0;
  return 0;
}

static dbox *check_box(lua_State *L, const rs_index **ix) {
  dbox *b = (dbox *)luaL_checkudata(L, 1, DFM_MT);
  if (!b->live) luaL_error(L, "attempt to use a freed matrix");
  if (ix) {
    lua_getiuservalue(L, 1, 1);
    *ix = rsl_corpus_index(L, lua_gettop(L));
    lua_pop(L, 1);
  }
  return b;
}

static lua_Integer field_int(lua_State *L, int t, const char *k, lua_Integer def) {
  lua_Integer v;
  lua_getfield(L, t, k);
  v = luaL_optinteger(L, -1, def);
  lua_pop(L, 1);
  return v;
}

/* flags[t] |= RS_TYPE_STOP for the types the stopword list at o.stop
** names (lower forms): with attr word every spelling of the lower form */
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
    if (s && a == RS_ATTR_WORD) {
      id = rs_strtab_find(&ix->attr[RS_ATTR_LOWER], s, l);
      if (id >= 0 && ix->inv_off[RS_ATTR_LOWER] && ix->inv[RS_ATTR_LOWER]) {
        uint64_t k, lo = ix->inv_off[RS_ATTR_LOWER][id], hi = ix->inv_off[RS_ATTR_LOWER][id + 1];
        if (hi > ix->attr[0].n) hi = ix->attr[0].n;
        for (k = lo; k < hi; k++) {
          uint32_t w = ix->inv[RS_ATTR_LOWER][k];
          if (w < ix->attr[0].n) flags[w] |= RS_TYPE_STOP;
        }
      }
    } else if (s) {
      id = rs_strtab_find(&ix->attr[a], s, l);
      if (id >= 0) flags[id] |= RS_TYPE_STOP;
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

static int l_dfm_build(lua_State *L) {
  const rs_index *ix = rsl_corpus_index(L, 1);
  rs_dfm_opts o;
  uint32_t *row_of, d;
  uint8_t *flags, *f = NULL;
  lua_Integer nrows;
  dbox *b;
  int err;
  luaL_checktype(L, 2, LUA_TTABLE);
  memset(&o, 0, sizeof o);
  lua_getfield(L, 2, "attr");
  o.attr = rsl_attr_arg(L, ix, lua_gettop(L), "lower");
  lua_pop(L, 1);
  nrows = field_int(L, 2, "nrows", 0);
  if (nrows < 0 || nrows > 0x7FFFFFFF) return luaL_error(L, "bad number of rows");
  o.nrows = (uint32_t)nrows;
  o.min_count = (uint64_t)(field_int(L, 2, "min_count", 1) < 1 ? 1 : field_int(L, 2, "min_count", 1));
  {
    lua_Integer md = field_int(L, 2, "min_docs", 1), mf = field_int(L, 2, "max_features", 0);
    o.min_docs = md < 1 ? 1 : md > 0xFFFFFFFF ? 0xFFFFFFFFu : (uint32_t)md;
    o.max_features = mf < 0 ? 0 : mf > 0xFFFFFFFF ? 0xFFFFFFFFu : (uint32_t)mf;
  }
  row_of = (uint32_t *)lua_newuserdatauv(L, (ix->ndoc ? ix->ndoc : 1) * sizeof *row_of, 0);
  lua_getfield(L, 2, "rows");
  luaL_checktype(L, -1, LUA_TTABLE);
  for (d = 0; d < ix->ndoc; d++) {
    lua_Integer r;
    lua_rawgeti(L, -1, (lua_Integer)d + 1);
    r = lua_tointeger(L, -1);
    lua_pop(L, 1);
    row_of[d] = r >= 1 && r <= nrows ? (uint32_t)(r - 1) : RS_DFM_NOROW;
  }
  lua_pop(L, 1);
  /* the types that are no features: punctuation unless punct, stopwords */
  flags = (uint8_t *)lua_newuserdatauv(L, ix->attr[o.attr].n ? ix->attr[o.attr].n : 1, 0);
  err = rs_type_flags(rsl_mem(L), ix, o.attr, &f);
  if (err) return rsl_raise(L, err, NULL);
  memcpy(flags, f, ix->attr[o.attr].n);
  rs_free(rsl_mem(L), f, ix->attr[o.attr].n ? ix->attr[o.attr].n : 1);
  mark_stops(L, 2, ix, o.attr, flags);
  lua_getfield(L, 2, "punct");
  o.exclude = RS_TYPE_STOP | (lua_toboolean(L, -1) ? 0 : RS_TYPE_PUNCT);
  lua_pop(L, 1);
  o.row_of = row_of;
  o.tflags = flags;
  b = (dbox *)lua_newuserdatauv(L, sizeof *b, 1);
  memset(b, 0, sizeof *b);
  b->M = rsl_mem(L);
  luaL_setmetatable(L, DFM_MT);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1); /* the matrix keeps the corpus */
  err = rs_dfm_build(b->M, ix, &o, &b->d);
  if (err) return rsl_raise(L, err, NULL);
  b->live = 1;
  return 1;
}

/* box:dims() -> rows, columns, non-zero entries, types seen before the filters */
static int l_dims(lua_State *L) {
  dbox *b = check_box(L, NULL);
  lua_pushinteger(L, b->d.nrows);
  lua_pushinteger(L, b->d.ncols);
  lua_pushinteger(L, (lua_Integer)b->d.nnz);
  lua_pushinteger(L, (lua_Integer)b->d.candidates);
  return 4;
}

/* box:features() -> forms, totals, rows with the feature (arrays by column) */
static int l_features(lua_State *L) {
  const rs_index *ix;
  dbox *b = check_box(L, &ix);
  uint32_t c;
  lua_createtable(L, (int)b->d.ncols, 0);
  lua_createtable(L, (int)b->d.ncols, 0);
  lua_createtable(L, (int)b->d.ncols, 0);
  for (c = 0; c < b->d.ncols; c++) {
    size_t l;
    const char *s = rs_strtab_get(&ix->attr[b->d.attr], b->d.feat[c], &l);
    lua_pushlstring(L, s, l);
    lua_rawseti(L, -4, (lua_Integer)c + 1);
    lua_pushinteger(L, (lua_Integer)b->d.fcount[c]);
    lua_rawseti(L, -3, (lua_Integer)c + 1);
    lua_pushinteger(L, b->d.fdocs[c]);
    lua_rawseti(L, -2, (lua_Integer)c + 1);
  }
  return 3;
}

/* box:row(r) -> columns (1-based), counts of row r */
static int l_row(lua_State *L) {
  dbox *b = check_box(L, NULL);
  lua_Integer r = luaL_checkinteger(L, 2);
  uint64_t k, lo, hi;
  luaL_argcheck(L, r >= 1 && r <= (lua_Integer)b->d.nrows, 2, "no such row");
  lo = b->d.rowptr[r - 1];
  hi = b->d.rowptr[r];
  lua_createtable(L, (int)(hi - lo), 0);
  lua_createtable(L, (int)(hi - lo), 0);
  for (k = lo; k < hi; k++) {
    lua_pushinteger(L, (lua_Integer)RS_DFM_COL(b->d.ent[k]) + 1);
    lua_rawseti(L, -3, (lua_Integer)(k - lo) + 1);
    lua_pushinteger(L, RS_DFM_VAL(b->d.ent[k]));
    lua_rawseti(L, -2, (lua_Integer)(k - lo) + 1);
  }
  return 2;
}

/* box:row_sums() -> the sum of each row's entries, and each row's tokens */
static int l_row_sums(lua_State *L) {
  dbox *b = check_box(L, NULL);
  uint32_t r;
  lua_createtable(L, (int)b->d.nrows, 0);
  lua_createtable(L, (int)b->d.nrows, 0);
  for (r = 0; r < b->d.nrows; r++) {
    uint64_t k, sum = 0;
    for (k = b->d.rowptr[r]; k < b->d.rowptr[r + 1]; k++) sum += RS_DFM_VAL(b->d.ent[k]);
    lua_pushinteger(L, (lua_Integer)sum);
    lua_rawseti(L, -3, (lua_Integer)r + 1);
    lua_pushinteger(L, (lua_Integer)b->d.rowtok[r]);
    lua_rawseti(L, -2, (lua_Integer)r + 1);
  }
  return 2;
}

/* box:write_mtx(path [, comment]) -> true | nil, message, code */
static int l_write_mtx(lua_State *L) {
  dbox *b = check_box(L, NULL);
  const char *path = luaL_checkstring(L, 2), *comment = luaL_optstring(L, 3, NULL);
  char msg[512];
  int en = 0, err = rs_dfm_write_mtx(b->M, &b->d, path, comment, msg, sizeof msg, &en);
  if (err == RS_ENOMEM) return rsl_raise(L, err, NULL);
  if (err) return rsl_fail(L, msg, rsl_errno_code(en));
  lua_pushboolean(L, 1);
  return 1;
}

/* box:write_features(path) -> true | nil, message, code */
static int l_write_features(lua_State *L) {
  const rs_index *ix;
  dbox *b = check_box(L, &ix);
  const char *path = luaL_checkstring(L, 2);
  char msg[512];
  int en = 0, err = rs_dfm_write_features(b->M, &b->d, ix, path, msg, sizeof msg, &en);
  if (err == RS_ENOMEM) return rsl_raise(L, err, NULL);
  if (err) return rsl_fail(L, msg, rsl_errno_code(en));
  lua_pushboolean(L, 1);
  return 1;
}

/* core.mkdir(path) -> true (made, or a folder already) | nil, message, code */
static int l_mkdir(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  struct stat st;
  if (mkdir(path, 0777) == 0) {
    lua_pushboolean(L, 1);
    return 1;
  }
  if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    lua_pushboolean(L, 1);
    return 1;
  }
  {
    int e = errno == EEXIST ? ENOTDIR : errno;
    lua_pushfstring(L, "%s: %s", path, e == ENOTDIR ? "not a folder" : strerror(e));
    return rsl_fail(L, lua_tostring(L, -1), rsl_errno_code(e));
  }
}

void rsl_open_dfm(lua_State *L) {
  static const luaL_Reg box[] = {{"dims", l_dims}, {"features", l_features}, {"row", l_row},
                                 {"row_sums", l_row_sums}, {"write_mtx", l_write_mtx},
                                 {"write_features", l_write_features},
                                 {"free", box_gc}, {NULL, NULL}};
  if (luaL_newmetatable(L, DFM_MT)) {
    luaL_newlib(L, box);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__close");
  }
  lua_pop(L, 1);
  luaL_getmetatable(L, "rostra.corpus");
  lua_getfield(L, -1, "__index");
  lua_pushcfunction(L, l_dfm_build);
  lua_setfield(L, -2, "dfm_build");
  lua_pop(L, 2);
  lua_pushcfunction(L, l_mkdir);
  lua_setfield(L, -2, "mkdir");
}
