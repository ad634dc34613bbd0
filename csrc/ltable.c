/*
** ltable.c: Lua binding of the columnar result tables (table.c).
**
** A store ("rostra.tstore") owns an rs_table; its user value is the corpus
** handle its columns read (or nil). A view ("rostra.tview") is an ordered
** selection of the store's rows; lua/rostra/result.lua wraps a view as a
** result table. Every method of a view first binds the store to its
** corpus's index, which raises "attempt to use a closed corpus" once the
** corpus is closed: a result never reads an index that was unmapped.
**
** View methods (positions are 1-based, as Lua's):
**   v:len()                   rows in the view (also #v)
**   v:names()                 every column of the store, in order
**   v:id(i)                   the row id at position i (1-based), or nil
**   v:make(id)                a new table of the row (every column)
**   v:cell(i, name)           one value
**   v:column(name)            the values of a column in view order, n = #v
**   v:sort(keys)              keys {{name, desc}, ...}: in place; returns v
**   v:filter(preds)           preds {{col, op, values}, ...} -> a new view
**   v:pick(positions)         the rows at those positions -> a new view
**   v:head(n)                 the first n rows -> a new view
**   v:group(keys, count, sums) -> a new view of a new store
**   v:format(o)               the text table (o: cols, max_rows, max_width,
**                             title, warnings, align, over)
**   v:text(fmt, cols)         "tsv" | "csv" | "json" as a string
**   v:write(file, fmt, cols)  to a Lua file (io.open's) -> true | nil, msg, errno
**   v:corpus()                the corpus handle, or nil
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fsout.h"
#include "lrostra.h"
#include "table.h"

#define STORE_MT "rostra.tstore"
#define VIEW_MT "rostra.tview"

typedef struct ltstore {
  rs_table *T;
} ltstore;

typedef struct ltview {
  rs_mem *M;
  uint32_t *rows;
  size_t n, cap;
} ltview;

/* {====================================================== stores and views */

static int store_gc(lua_State *L) {
  ltstore *s = (ltstore *)luaL_checkudata(L, 1, STORE_MT);
  rs_table_free(s->T);
  s->T = NULL;
  return 0;
}

static int view_gc(lua_State *L) {
  ltview *v = (ltview *)luaL_checkudata(L, 1, VIEW_MT);
  rs_free(v->M, v->rows, v->cap * sizeof *v->rows);
  v->rows = NULL;
  v->n = v->cap = 0;
  return 0;
}

rs_table *rsl_table_new(lua_State *L, size_t nrow, int corpus) {
  ltstore *s;
  if (corpus) corpus = lua_absindex(L, corpus);
  s = (ltstore *)lua_newuserdatauv(L, sizeof *s, 1);
  s->T = NULL;
  luaL_setmetatable(L, STORE_MT);
  if (corpus) {
    const rs_index *ix = rsl_corpus_index(L, corpus);
    lua_pushvalue(L, corpus);
    lua_setiuservalue(L, -2, 1);
    s->T = rs_table_new(rsl_mem(L), nrow);
    if (!s->T) rsl_raise(L, RS_ENOMEM, NULL);
    rs_table_bind(s->T, ix);
  } else {
    s->T = rs_table_new(rsl_mem(L), nrow);
    if (!s->T) rsl_raise(L, RS_ENOMEM, NULL);
  }
  return s->T;
}

/* a view of n rows (their ids left to the caller), keeping the store at
** index store */
static ltview *new_view(lua_State *L, int store, size_t n) {
  ltview *v;
  store = lua_absindex(L, store);
  v = (ltview *)lua_newuserdatauv(L, sizeof *v, 1);
  memset(v, 0, sizeof *v);
  v->M = rsl_mem(L);
  luaL_setmetatable(L, VIEW_MT);
  lua_pushvalue(L, store);
  lua_setiuservalue(L, -2, 1);
  v->rows = (uint32_t *)rs_malloc(v->M, (n ? n : 1) * sizeof *v->rows);
  if (!v->rows) rsl_raise(L, RS_ENOMEM, NULL);
  v->cap = n ? n : 1;
  v->n = n;
  return v;
}

void rsl_table_view(lua_State *L, int store) {
  ltstore *s = (ltstore *)luaL_checkudata(L, store, STORE_MT);
  size_t i, n = s->T ? s->T->nrow : 0;
  ltview *v = new_view(L, store, n);
  for (i = 0; i < n; i++) v->rows[i] = (uint32_t)i;
}

/* the view at index i and its table, bound to its corpus (raising when
** the corpus was closed) */
static ltview *check_view(lua_State *L, int i, rs_table **T) {
  ltview *v = (ltview *)luaL_checkudata(L, i, VIEW_MT);
  ltstore *s;
  lua_getiuservalue(L, i, 1);
  s = (ltstore *)luaL_checkudata(L, -1, STORE_MT);
  if (!s->T) luaL_error(L, "attempt to use a freed table");
  if (lua_getiuservalue(L, -1, 1) != LUA_TNIL) rs_table_bind(s->T, rsl_corpus_index(L, lua_gettop(L)));
  lua_pop(L, 2);
  *T = s->T;
  return v;
}

/* the column named by the string at index i; raises naming the columns */
static int check_col(lua_State *L, const rs_table *T, int i, const char *what) {
  size_t l;
  const char *name = lua_tolstring(L, i, &l);
  int c = name ? rs_table_find(T, name, l) : -1;
  if (c < 0) {
    luaL_Buffer B;
    int k;
    luaL_buffinit(L, &B);
    for (k = 0; k < T->ncol; k++) {
      if (k) luaL_addstring(&B, ", ");
      luaL_addlstring(&B, T->cols[k].name, T->cols[k].namelen);
    }
    luaL_pushresult(&B);
    if (name) luaL_error(L, "%s: unknown column '%s'; columns: %s", what, name, lua_tostring(L, -1));
    luaL_error(L, "%s: column name expected, got %s; columns: %s", what, luaL_typename(L, i),
               lua_tostring(L, -1));
  }
  return c;
}

static int check_status(lua_State *L, int err) {
  if (err == RS_ENOMEM) return rsl_raise(L, err, NULL);
  if (err) return luaL_error(L, "bad table operation (%s)", rs_errname(err));
  return 0;
}

/* }====================================================== */

/* {====================================================== rows and cells */

static void push_cell(lua_State *L, const rs_table *T, int c, uint32_t r, rs_buf *sc) {
  rs_tcell x;
  if (rs_table_cell(T, c, r, sc, &x)) rsl_raise(L, RS_ENOMEM, NULL);
  switch (x.kind) {
  case RS_TC_INT: lua_pushinteger(L, (lua_Integer)x.i); break;
  case RS_TC_NUM: lua_pushnumber(L, (lua_Number)x.d); break;
  case RS_TC_BOOL: lua_pushboolean(L, (int)x.i); break;
  case RS_TC_STR: lua_pushlstring(L, x.s, x.n); break;
  case RS_TC_NUMLIST: {
    size_t k;
    lua_createtable(L, (int)x.n, 0);
    for (k = 0; k < x.n; k++) {
      lua_pushnumber(L, x.list[k]);
      lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    break;
  }
  default: lua_pushnil(L);
  }
}

/* a scratch buffer freed by the garbage collector (at index top after the call) */
typedef struct lscratch {
  rs_mem *M;
  rs_buf b;
} lscratch;

static int scratch_gc(lua_State *L) {
  lscratch *s = (lscratch *)lua_touserdata(L, 1);
  rs_buf_free(s->M, &s->b);
  return 0;
}

static rs_buf *push_scratch(lua_State *L) {
  lscratch *s = (lscratch *)lua_newuserdatauv(L, sizeof *s, 0);
  s->M = rsl_mem(L);
  rs_buf_init(&s->b);
  if (luaL_newmetatable(L, "rostra.tscratch")) {
    lua_pushcfunction(L, scratch_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return &s->b;
}

static void push_row(lua_State *L, const rs_table *T, uint32_t r, rs_buf *sc) {
  int c;
  lua_createtable(L, 0, T->ncol);
  for (c = 0; c < T->ncol; c++) {
    push_cell(L, T, c, r, sc);
    if (lua_isnil(L, -1)) lua_pop(L, 1);
    else lua_setfield(L, -2, T->cols[c].name);
  }
}

static int v_len(lua_State *L) {
  ltview *v = (ltview *)luaL_checkudata(L, 1, VIEW_MT);
  lua_pushinteger(L, (lua_Integer)v->n);
  return 1;
}

static int v_names(lua_State *L) {
  rs_table *T;
  int c;
  check_view(L, 1, &T);
  lua_createtable(L, T->ncol, 0);
  for (c = 0; c < T->ncol; c++) {
    lua_pushlstring(L, T->cols[c].name, T->cols[c].namelen);
    lua_rawseti(L, -2, c + 1);
  }
  return 1;
}

static int v_id(lua_State *L) {
  ltview *v = (ltview *)luaL_checkudata(L, 1, VIEW_MT);
  lua_Integer i = luaL_checkinteger(L, 2);
  if (i < 1 || (lua_Unsigned)i > v->n) return 0;
  lua_pushinteger(L, (lua_Integer)v->rows[i - 1] + 1);
  return 1;
}

/* rows made one at a time are read in order, mostly: lazy cells are
** filled this many rows ahead */
#define MAKE_AHEAD 512

/* v:make(id [, i]): the row of that id; i, its position, fills the lazy
** cells of the rows that follow it too */
static int v_make(lua_State *L) {
  rs_table *T;
  lua_Integer id, i;
  rs_buf *sc;
  ltview *v = check_view(L, 1, &T);
  id = luaL_checkinteger(L, 2);
  i = luaL_optinteger(L, 3, 0);
  luaL_argcheck(L, id >= 1 && (lua_Unsigned)id <= T->nrow, 2, "no such row");
  if (T->fill && i >= 1 && (lua_Unsigned)i <= v->n && v->rows[i - 1] == (uint32_t)(id - 1) &&
      !(T->filled[(id - 1) / 8] >> ((id - 1) % 8) & 1)) {
    size_t from = (size_t)i - 1, k = v->n - from < MAKE_AHEAD ? v->n - from : MAKE_AHEAD;
    check_status(L, rs_table_prepare(T, v->rows + from, k));
  }
  sc = push_scratch(L);
  push_row(L, T, (uint32_t)(id - 1), sc);
  return 1;
}

static int v_cell(lua_State *L) {
  rs_table *T;
  ltview *v = check_view(L, 1, &T);
  lua_Integer i = luaL_checkinteger(L, 2);
  int c = check_col(L, T, 3, "cell");
  if (i < 1 || (lua_Unsigned)i > v->n) return 0;
  push_cell(L, T, c, v->rows[i - 1], push_scratch(L));
  return 1;
}

static int v_column(lua_State *L) {
  rs_table *T;
  ltview *v = check_view(L, 1, &T);
  int c = check_col(L, T, 2, "column");
  rs_buf *sc = push_scratch(L);
  size_t i;
  lua_createtable(L, (int)(v->n < 0x7fffffff ? v->n : 0x7fffffff), 1);
  for (i = 0; i < v->n; i++) {
    push_cell(L, T, c, v->rows[i], sc);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_pushinteger(L, (lua_Integer)v->n);
  lua_setfield(L, -2, "n");
  return 1;
}

/* }====================================================== */

/* {====================================================== sort, filter, pick, head, group */

/* v:sort({{name, desc}, ...}) -> v */
static int v_sort(lua_State *L) {
  rs_table *T;
  ltview *v = check_view(L, 1, &T);
  rs_tkey keys[64];
  int n, k;
  luaL_checktype(L, 2, LUA_TTABLE);
  n = (int)lua_rawlen(L, 2);
  luaL_argcheck(L, n >= 1 && n <= 64, 2, "1 to 64 sort keys expected");
  for (k = 0; k < n; k++) {
    lua_rawgeti(L, 2, k + 1);
    luaL_checktype(L, -1, LUA_TTABLE);
    lua_rawgeti(L, -1, 1);
    keys[k].col = check_col(L, T, lua_gettop(L), "sort");
    lua_rawgeti(L, -2, 2);
    keys[k].desc = lua_toboolean(L, -1);
    lua_pop(L, 3);
  }
  check_status(L, rs_table_sort(T, v->rows, v->n, keys, n));
  lua_settop(L, 1);
  return 1;
}

static const char *const OPS[] = {"=", "!=", "<", "<=", ">", ">=", "~", "!~", NULL};

/* v:filter({{col, op, {values...}}, ...}) -> a new view */
static int v_filter(lua_State *L) {
  rs_table *T;
  ltview *v = check_view(L, 1, &T), *w;
  int np, k, anchors = 0;
  rs_tpred *p;
  size_t nout;
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  np = (int)lua_rawlen(L, 2);
  luaL_argcheck(L, np <= 64, 2, "at most 64 filters");
  p = (rs_tpred *)lua_newuserdatauv(L, (size_t)(np ? np : 1) * sizeof *p, 0); /* 3 */
  lua_newtable(L); /* 4: anchors the texts and arrays below */
  for (k = 0; k < np; k++) {
    size_t nv, j;
    const char **vals;
    size_t *lens;
    lua_rawgeti(L, 2, k + 1); /* 5 */
    luaL_checktype(L, 5, LUA_TTABLE);
    lua_rawgeti(L, 5, 1);
    p[k].col = check_col(L, T, 6, "filter");
    lua_pop(L, 1);
    lua_rawgeti(L, 5, 2);
    p[k].op = RS_TF_EQ + luaL_checkoption(L, 6, NULL, OPS);
    lua_pop(L, 1);
    lua_rawgeti(L, 5, 3); /* 6 */
    luaL_checktype(L, 6, LUA_TTABLE);
    nv = (size_t)lua_rawlen(L, 6);
    vals = (const char **)lua_newuserdatauv(L, (nv ? nv : 1) * (sizeof *vals + sizeof *lens), 0); /* 7 */
    lens = (size_t *)(void *)(vals + (nv ? nv : 1));
    for (j = 0; j < nv; j++) {
      lua_rawgeti(L, 6, (lua_Integer)j + 1);
      vals[j] = luaL_tolstring(L, -1, &lens[j]);
      lua_rawseti(L, 4, ++anchors);
      lua_pop(L, 1);
    }
    lua_rawseti(L, 4, ++anchors);
    p[k].values = vals;
    p[k].lens = lens;
    p[k].nvalues = nv;
    lua_pop(L, 2);
  }
  lua_getiuservalue(L, 1, 1); /* 5: the store */
  w = new_view(L, 5, v->n);
  check_status(L, rs_table_filter(T, v->rows, v->n, p, np, w->rows, &nout));
  w->n = nout;
  return 1;
}

static int v_pick(lua_State *L) {
  rs_table *T;
  ltview *v = check_view(L, 1, &T), *w;
  size_t n, i;
  luaL_checktype(L, 2, LUA_TTABLE);
  n = (size_t)lua_rawlen(L, 2);
  lua_getiuservalue(L, 1, 1); /* 3: the store */
  w = new_view(L, 3, n);
  for (i = 0; i < n; i++) {
    lua_Integer k;
    lua_rawgeti(L, 2, (lua_Integer)i + 1);
    k = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (k < 1 || (lua_Unsigned)k > v->n) return luaL_error(L, "pick: no position %d", (int)k);
    w->rows[i] = v->rows[k - 1];
  }
  return 1;
}

static int v_head(lua_State *L) {
  rs_table *T;
  ltview *v = check_view(L, 1, &T), *w;
  lua_Integer n = luaL_checkinteger(L, 2);
  size_t k = n < 0 ? 0 : (lua_Unsigned)n < v->n ? (size_t)n : v->n;
  lua_getiuservalue(L, 1, 1);
  w = new_view(L, 3, k);
  if (k) memcpy(w->rows, v->rows, k * sizeof *w->rows);
  return 1;
}

/* v:group({keys}, count_name, {sums}) -> a new view of a new store */
static int v_group(lua_State *L) {
  rs_table *T, *G = NULL;
  ltview *v = check_view(L, 1, &T);
  int keys[64], sums[64], nk, ns, k, err;
  const char *count = luaL_checkstring(L, 3);
  ltstore *s;
  luaL_checktype(L, 2, LUA_TTABLE);
  nk = (int)lua_rawlen(L, 2);
  ns = lua_istable(L, 4) ? (int)lua_rawlen(L, 4) : 0;
  luaL_argcheck(L, nk >= 1 && nk <= 64, 2, "1 to 64 keys expected");
  luaL_argcheck(L, ns <= 64, 4, "at most 64 sums");
  for (k = 0; k < nk; k++) {
    lua_rawgeti(L, 2, k + 1);
    keys[k] = check_col(L, T, lua_gettop(L), "group");
    lua_pop(L, 1);
  }
  for (k = 0; k < ns; k++) {
    lua_rawgeti(L, 4, k + 1);
    sums[k] = check_col(L, T, lua_gettop(L), "group");
    lua_pop(L, 1);
  }
  err = rs_table_group(T, v->rows, v->n, keys, nk, count, sums, ns, &G);
  if (err == RS_EINVAL)
    return luaL_error(L, "group: a key that is a list, a sum of a column that is not numbers, or a "
                         "name given twice");
  check_status(L, err);
  s = (ltstore *)lua_newuserdatauv(L, sizeof *s, 1);
  s->T = G;
  luaL_setmetatable(L, STORE_MT);
  lua_getiuservalue(L, 1, 1);
  lua_getiuservalue(L, -1, 1); /* the corpus */
  lua_setiuservalue(L, -3, 1);
  lua_pop(L, 1);
  rsl_table_view(L, lua_gettop(L));
  return 1;
}

/* }====================================================== */

/* {====================================================== text and files */

/* the column indices of the list of names at index i (all when nil), in a
** userdata pushed on the stack */
static int *check_cols(lua_State *L, const rs_table *T, int i, int *nc) {
  int *cols, k, n;
  if (lua_isnoneornil(L, i)) {
    n = T->ncol;
    cols = (int *)lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *cols, 0);
    for (k = 0; k < n; k++) cols[k] = k;
  } else {
    luaL_checktype(L, i, LUA_TTABLE);
    n = (int)lua_rawlen(L, i);
    cols = (int *)lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *cols, 0);
    for (k = 0; k < n; k++) {
      lua_rawgeti(L, i, k + 1);
      cols[k] = check_col(L, T, lua_gettop(L), "columns");
      lua_pop(L, 1);
    }
  }
  *nc = n;
  return cols;
}

static size_t opt_size(lua_State *L, int t, const char *k, size_t def) {
  size_t v = def;
  lua_getfield(L, t, k);
  if (lua_isinteger(L, -1)) {
    lua_Integer x = lua_tointeger(L, -1);
    v = x < 0 ? 0 : (size_t)x;
  } else if (lua_type(L, -1) == LUA_TNUMBER || lua_type(L, -1) == LUA_TBOOLEAN) {
    v = (size_t)-1; /* math.huge or false: no limit */
  }
  lua_pop(L, 1);
  return v;
}

/* v:format{cols =, max_rows =, max_width =, title =, warnings =, align =, over =} */
static int v_format(lua_State *L) {
  rs_table *T;
  ltview *v = check_view(L, 1, &T);
  rs_tfmt o;
  int nc, c;
  rs_buf *out;
  size_t shown, k;
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  memset(&o, 0, sizeof o);
  lua_getfield(L, 2, "cols"); /* 3 */
  o.cols = check_cols(L, T, 3, &nc); /* 4 */
  o.ncols = nc;
  o.max_rows = opt_size(L, 2, "max_rows", 50);
  o.max_width = opt_size(L, 2, "max_width", 40);
  shown = v->n < o.max_rows ? v->n : o.max_rows;
  lua_getfield(L, 2, "title"); /* 5 */
  if (lua_type(L, 5) == LUA_TSTRING) o.title = lua_tolstring(L, 5, &o.titlelen);
  lua_getfield(L, 2, "warnings"); /* 6 */
  if (lua_istable(L, 6)) {
    size_t nw = (size_t)lua_rawlen(L, 6);
    const char **w = (const char **)lua_newuserdatauv(L, (nw ? nw : 1) * sizeof *w, 0); /* 7 */
    size_t *wl = (size_t *)lua_newuserdatauv(L, (nw ? nw : 1) * sizeof *wl, 0);        /* 8 */
    for (k = 0; k < nw; k++) {
      lua_rawgeti(L, 6, (lua_Integer)k + 1);
      w[k] = luaL_tolstring(L, -1, &wl[k]);
      lua_rawseti(L, 6, -(lua_Integer)k - 1); /* anchored in the table */
      lua_pop(L, 1);
    }
    o.warn = w;
    o.warnlen = wl;
    o.nwarn = nw;
  } else {
    lua_pushnil(L);
    lua_pushnil(L);
  }
  lua_getfield(L, 2, "align"); /* 9 */
  if (lua_istable(L, 9)) {
    signed char *a = (signed char *)lua_newuserdatauv(L, (size_t)(nc ? nc : 1), 0); /* 10 */
    for (c = 0; c < nc; c++) {
      const char *s;
      lua_getfield(L, 9, T->cols[o.cols[c]].name);
      s = lua_tostring(L, -1);
      a[c] = (signed char)(s ? (strcmp(s, "right") == 0 ? 1 : 0) : -1);
      lua_pop(L, 1);
    }
    o.align = a;
  } else {
    lua_pushnil(L);
  }
  lua_getfield(L, 2, "over"); /* 11 */
  if (lua_istable(L, 11)) {
    const char ***over = (const char ***)lua_newuserdatauv(L, (size_t)(nc ? nc : 1) * sizeof *over, 0); /* 12 */
    size_t **overlen = (size_t **)lua_newuserdatauv(L, (size_t)(nc ? nc : 1) * sizeof *overlen, 0);    /* 13 */
    lua_newtable(L); /* 14: anchors */
    for (c = 0; c < nc; c++) {
      over[c] = NULL;
      overlen[c] = NULL;
      lua_getfield(L, 11, T->cols[o.cols[c]].name);
      if (lua_istable(L, -1)) {
        const char **s = (const char **)lua_newuserdatauv(L, (shown ? shown : 1) * sizeof *s, 0);
        size_t *sl = (size_t *)lua_newuserdatauv(L, (shown ? shown : 1) * sizeof *sl, 0);
        lua_rawseti(L, 14, 2 * c + 2);
        lua_rawseti(L, 14, 2 * c + 1);
        for (k = 0; k < shown; k++) {
          lua_rawgeti(L, -1, (lua_Integer)k + 1);
          s[k] = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &sl[k]) : NULL;
          lua_pop(L, 1); /* anchored in the over table */
        }
        over[c] = s;
        overlen[c] = sl;
      }
      lua_pop(L, 1);
    }
    o.over = (const char *const *const *)over;
    o.overlen = (const size_t *const *)overlen;
  }
  out = push_scratch(L);
  check_status(L, rs_table_format(T, v->rows, v->n, &o, out));
  lua_pushlstring(L, out->p ? out->p : "", out->n);
  return 1;
}

static const char *const FORMATS[] = {"tsv", "csv", "json", NULL};

static int buf_write(void *ud, const char *p, size_t n) {
  luaL_Buffer *B = (luaL_Buffer *)ud;
  luaL_addlstring(B, p, n);
  return 0;
}

/* v:text(fmt [, cols]) -> the whole file as a string */
static int v_text(lua_State *L) {
  rs_table *T;
  ltview *v = check_view(L, 1, &T);
  int fmt = RS_TW_TSV + luaL_checkoption(L, 2, NULL, FORMATS), nc;
  int *cols = check_cols(L, T, 3, &nc);
  luaL_Buffer B;
  rs_tsink sink;
  luaL_buffinit(L, &B);
  sink.write = buf_write;
  sink.ud = &B;
  check_status(L, rs_table_write(T, v->rows, v->n, cols, nc, fmt, &sink));
  luaL_pushresult(&B);
  return 1;
}

static int file_write(void *ud, const char *p, size_t n) {
  FILE *f = (FILE *)ud;
  if (fwrite(p, 1, n, f) != n) return errno ? errno : EIO;
  return 0;
}

static int out_write(void *ud, const char *p, size_t n) {
  return rs_out_write((rs_out *)ud, p, n);
}

/* v:write(out, fmt [, cols]) -> true | nil, message, code: out is an
** output of core.output (rostra.output: the file is the writer's to
** commit or abort) or a Lua file (the standard output) */
static int v_write(lua_State *L) {
  rs_table *T;
  ltview *v = check_view(L, 1, &T);
  rs_out *o = rsl_output_test(L, 2);
  luaL_Stream *f = o ? NULL : (luaL_Stream *)luaL_checkudata(L, 2, LUA_FILEHANDLE);
  int fmt = RS_TW_TSV + luaL_checkoption(L, 3, NULL, FORMATS), nc, err;
  int *cols = check_cols(L, T, 4, &nc);
  rs_tsink sink;
  if (f && f->closef == NULL) return luaL_error(L, "attempt to use a closed file");
  if (o) {
    sink.write = out_write;
    sink.ud = o;
  } else {
    sink.write = file_write;
    sink.ud = f->f;
  }
  errno = 0;
  err = rs_table_write(T, v->rows, v->n, cols, nc, fmt, &sink);
  if (err < 0) return check_status(L, err);
  if (err > 0 && o) return rsl_output_fail(L, 2, err);
  if (err > 0) {
    lua_pushnil(L);
    lua_pushstring(L, strerror(err));
    lua_pushinteger(L, err);
    return 3;
  }
  lua_pushboolean(L, 1);
  return 1;
}

static int v_corpus(lua_State *L) {
  luaL_checkudata(L, 1, VIEW_MT);
  lua_getiuservalue(L, 1, 1);
  lua_getiuservalue(L, -1, 1);
  return 1;
}

/* core.width(s) -> display columns */
static int l_width(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  lua_pushinteger(L, (lua_Integer)rs_width(s, n));
  return 1;
}

/* }====================================================== */

void rsl_open_table(lua_State *L) {
  static const luaL_Reg methods[] = {
      {"len", v_len},       {"names", v_names},   {"id", v_id},         {"make", v_make},
      {"cell", v_cell},     {"column", v_column}, {"sort", v_sort},     {"filter", v_filter},
      {"pick", v_pick},     {"head", v_head},     {"group", v_group},   {"format", v_format},
      {"text", v_text},     {"write", v_write},   {"corpus", v_corpus}, {NULL, NULL}};
  if (luaL_newmetatable(L, STORE_MT)) {
    lua_pushcfunction(L, store_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, VIEW_MT)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, view_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, v_len);
    lua_setfield(L, -2, "__len");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_width);
  lua_setfield(L, -2, "width");
}
