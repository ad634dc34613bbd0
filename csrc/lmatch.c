/*
** lmatch.c: Lua binding of the query matcher and of KWIC line building.
** h:query(prog, mask, count_only, max) runs a program of rostra.query;
** h:kwic(starts, stops, opts) cuts the context out of the stored text.
*/
#include <math.h>
#include <string.h>

#include "lrostra.h"
#include "match.h"
#include "table.h"

#define QUERY_BOX "rostra.querybox"

/* the compiled query and its matches live in a userdata while Lua tables
** are read and built, so a Lua error cannot leak them */
typedef struct qbox {
  rs_mem *M;
  rs_query *Q;
  rs_matches m;
  const rs_index *ix;
} qbox;

static int qbox_gc(lua_State *L) {
  qbox *b = (qbox *)lua_touserdata(L, 1);
  rs_query_free(b->Q);
  b->Q = NULL;
  rs_matches_free(b->M, &b->m);
  return 0;
}

static const rs_index *handle_index(lua_State *L, int i);

static int level_of(lua_State *L, const rs_index *ix, const char *name) {
  int lv;
  if (strcmp(name, "s") == 0) return RS_LV_SENTENCE;
  if (strcmp(name, "speech") == 0) return RS_LV_SPEECH;
  lv = rs_level_find(ix, name);
  if (lv < 0) return luaL_error(L, "unknown structure '%s'", name);
  return lv;
}

static int attr_of(lua_State *L, const rs_index *ix, const char *name) {
  int a;
  lua_pushstring(L, name);
  a = rsl_attr_arg(L, ix, lua_gettop(L), NULL);
  lua_pop(L, 1);
  return a;
}

static void check_mem(lua_State *L, int err) {
  if (err) rsl_raise(L, err, NULL);
}

static void check(lua_State *L, qbox *b, int err) {
  if (err == RS_OK) return;
  if (err == RS_ENOMEM) rsl_raise(L, err, NULL);
  luaL_error(L, "%s", rs_query_error(b->Q)[0] ? rs_query_error(b->Q) : rs_errname(err));
}

/* the steps of the last query run in this process (core._query_steps) */
static uint64_t last_steps;

static int l_query_steps(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)last_steps);
  return 1;
}

/* the budget of a query on ix when none is given: QUERY_BUDGET_BASE steps
** and QUERY_BUDGET_PER_TOKEN per token of the corpus (docs/limits.md) */
#define QUERY_BUDGET_BASE 50000000u
#define QUERY_BUDGET_PER_TOKEN 40u

static int l_query_budget(lua_State *L);

/* the message of a query stopped by its budget: what was spent, and the
** part of the query (prog at index 2) that took most of it, as text from
** rostra.query's part_text when that module is loaded */
static int budget_error(lua_State *L, qbox *b) {
  int alt, first, last;
  double share;
  luaL_Buffer B;
  luaL_buffinit(L, &B);
  luaL_addstring(&B, rs_query_error(b->Q));
  if (rs_query_hot_part(b->Q, &alt, &first, &last, &share)) {
    const char *text = NULL, *where = NULL;
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_getfield(L, -1, "rostra.query");
    lua_remove(L, -2);
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "part_text");
      lua_remove(L, -2);
      if (lua_isfunction(L, -1)) {
        lua_pushvalue(L, 2);
        lua_pushinteger(L, alt + 1);
        lua_pushinteger(L, first + 1);
        lua_pushinteger(L, last + 1);
        if (lua_pcall(L, 4, 2, 0) == LUA_OK) {
          text = lua_tostring(L, -2);
          where = lua_tostring(L, -1);
        } else {
          lua_pushnil(L);
        }
      } else {
        lua_pushnil(L);
      }
    } else {
      lua_pushnil(L);
    }
    if (text && where) {
      lua_pushfstring(L, "; %d%% of the work is in '%s', %s", (int)(share * 100 + 0.5), text, where);
    } else if (alt < 0) {
      lua_pushfstring(L, "; %d%% of the work is in part %d of the query", (int)(share * 100 + 0.5),
                      first + 1);
    } else {
      lua_pushfstring(L, "; %d%% of the work is in alternative %d of the query",
                      (int)(share * 100 + 0.5), alt + 1);
    }
    lua_replace(L, -3);
    lua_pop(L, 1);
    luaL_addvalue(&B);
  }
  luaL_addstring(&B, " (narrow its repetitions, add 'within sentence', or raise the budget: "
                     "opts.budget, --budget)");
  luaL_pushresult(&B);
  return lua_error(L);
}

static const char *field_str(lua_State *L, int t, const char *k, size_t *len) {
  const char *s;
  lua_getfield(L, t, k);
  s = lua_tolstring(L, -1, len);
  lua_pop(L, 1); /* the string stays anchored by the program table */
  return s;
}

/* a glob over lower forms as a PCRE2 pattern */
static void glob_regex(lua_State *L, const char *g, size_t n) {
  luaL_Buffer B;
  size_t i;
  luaL_buffinit(L, &B);
  for (i = 0; i < n; i++) {
    char c = g[i];
    if (c == '*') luaL_addstring(&B, ".*");
    else if (c == '?') luaL_addchar(&B, '.');
    else {
      if (strchr("\\^$.|+()[]{}", c)) luaL_addchar(&B, '\\');
      luaL_addchar(&B, c);
    }
  }
  luaL_pushresult(&B);
}

/* the set of word types passing the test table at index t */
static int test_set(lua_State *L, qbox *b, int t, int depth) {
  const char *kind;
  int set = -1, i, n;
  luaL_checkstack(L, 8, "query too deep");
  if (depth > 64) luaL_error(L, "query nested too deeply");
  if (!lua_istable(L, t)) luaL_error(L, "bad query program: test expected, got %s", luaL_typename(L, t));
  lua_getfield(L, t, "t");
  kind = lua_tostring(L, -1);
  lua_pop(L, 1);
  if (!kind) luaL_error(L, "bad query program: test without 't'");
  if (strcmp(kind, "any") == 0) {
    set = rs_qset_new(b->Q);
    if (set < 0) rsl_raise(L, RS_ENOMEM, NULL);
    rs_qset_all(b->Q, set);
  } else if (strcmp(kind, "eq") == 0 || strcmp(kind, "ne") == 0) {
    size_t vl, ml, fl;
    const char *attr = field_str(L, t, "attr", NULL);
    const char *value = field_str(L, t, "value", &vl);
    const char *mode = field_str(L, t, "mode", &ml);
    const char *flags = field_str(L, t, "flags", &fl);
    int a = attr_of(L, b->ix, attr ? attr : "word"), f = 0;
    set = rs_qset_new_attr(b->Q, a);
    if (set < 0) rsl_raise(L, RS_ENOMEM, NULL);
    if (!value) luaL_error(L, "bad query program: test without a value");
    if (flags && strchr(flags, 'c')) f |= RS_QF_CASE;
    if (flags && strchr(flags, 'd')) f |= RS_QF_DIACRITICS;
    if (!mode || strcmp(mode, "literal") == 0) {
      check(L, b, rs_qset_literal(b->Q, set, a, value, vl, f));
    } else if (strcmp(mode, "regex") == 0) {
      check(L, b, rs_qset_regex(b->Q, set, a, value, vl, f));
    } else if (strcmp(mode, "glob") == 0) {
      size_t gl;
      const char *re;
      glob_regex(L, value, vl);
      re = lua_tolstring(L, -1, &gl);
      check(L, b, rs_qset_regex(b->Q, set, a, re, gl, f));
      lua_pop(L, 1);
    } else {
      luaL_error(L, "bad query program: mode '%s'", mode);
    }
    if (kind[0] == 'n') check_mem(L, rs_qset_not(b->Q, set));
  } else if (strcmp(kind, "and") == 0 || strcmp(kind, "or") == 0) {
    set = rs_qset_new(b->Q);
    if (set < 0) rsl_raise(L, RS_ENOMEM, NULL);
    n = (int)lua_rawlen(L, t);
    for (i = 1; i <= n; i++) {
      int k;
      lua_rawgeti(L, t, i);
      k = test_set(L, b, lua_gettop(L), depth + 1);
      lua_pop(L, 1);
      if (i == 1) check_mem(L, rs_qset_or(b->Q, set, k));
      else if (kind[0] == 'a') check_mem(L, rs_qset_and(b->Q, set, k));
      else check_mem(L, rs_qset_or(b->Q, set, k));
    }
  } else if (strcmp(kind, "not") == 0) {
    int k;
    set = rs_qset_new(b->Q);
    if (set < 0) rsl_raise(L, RS_ENOMEM, NULL);
    lua_rawgeti(L, t, 1);
    k = test_set(L, b, lua_gettop(L), depth + 1);
    lua_pop(L, 1);
    check_mem(L, rs_qset_or(b->Q, set, k));
    check_mem(L, rs_qset_not(b->Q, set));
  } else {
    luaL_error(L, "bad query program: test '%s'", kind);
  }
  return set;
}

static int seg_kind(const char *k) {
  if (strcmp(k, "salutation") == 0) return 1;
  if (strcmp(k, "paragraph") == 0) return 2;
  if (strcmp(k, "closing") == 0) return 3;
  if (strcmp(k, "heading") == 0) return 4;
  return -1;
}

/* the node table at index t as a query node */
static int node(lua_State *L, qbox *b, int t, int depth) {
  const char *op;
  int id = -1;
  luaL_checkstack(L, 8, "query too deep");
  if (depth > 64) luaL_error(L, "query nested too deeply");
  if (!lua_istable(L, t)) luaL_error(L, "bad query program: node expected, got %s", luaL_typename(L, t));
  lua_getfield(L, t, "op");
  op = lua_tostring(L, -1);
  lua_pop(L, 1);
  if (!op) luaL_error(L, "bad query program: node without 'op'");
  if (strcmp(op, "tok") == 0) {
    int set;
    lua_getfield(L, t, "test");
    set = test_set(L, b, lua_gettop(L), depth + 1);
    lua_pop(L, 1);
    id = rs_qnode_tok(b->Q, set);
  } else if (strcmp(op, "seq") == 0 || strcmp(op, "alt") == 0) {
    int n = (int)lua_rawlen(L, t), i, *kids;
    /* the matcher builds an alternation from its last alternative */
    if (n == 0 && op[0] == 'a') luaL_error(L, "bad query program: 'alt' without alternatives");
    kids = (int *)lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *kids, 0);
    for (i = 0; i < n; i++) {
      lua_rawgeti(L, t, i + 1);
      kids[i] = node(L, b, lua_gettop(L), depth + 1);
      lua_pop(L, 1);
    }
    id = rs_qnode(b->Q, op[0] == 's' ? RS_QN_SEQ : RS_QN_ALT, kids, n);
    lua_pop(L, 1);
  } else if (strcmp(op, "rep") == 0) {
    lua_Integer mn, mx;
    int kid;
    lua_getfield(L, t, "min");
    lua_getfield(L, t, "max");
    mn = luaL_optinteger(L, -2, 0);
    mx = lua_isnil(L, -1) ? -1 : luaL_checkinteger(L, -1);
    lua_pop(L, 2);
    if (mn < 0 || mn > 1000 || mx > 1000 || (mx >= 0 && mx < mn))
      luaL_error(L, "repetition bounds must be within 0..1000");
    lua_rawgeti(L, t, 1);
    kid = node(L, b, lua_gettop(L), depth + 1);
    lua_pop(L, 1);
    id = rs_qnode_rep(b->Q, kid, (int)mn, (int)mx);
  } else if (strcmp(op, "open") == 0 || strcmp(op, "close") == 0) {
    const char *st = field_str(L, t, "struct", NULL);
    int lv = level_of(L, b->ix, st ? st : "?"), has = 0;
    int32_t attr = 0;
    if (op[0] == 'o') {
      lua_getfield(L, t, "attrs");
      if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "kind");
        lua_getfield(L, -2, "ordinal");
        lua_getfield(L, -3, "depth");
        if (lua_isstring(L, -3)) {
          has = 1;
          attr = seg_kind(lua_tostring(L, -3));
        } else if (lua_isinteger(L, -2)) {
          has = 1;
          attr = (int32_t)lua_tointeger(L, -2);
        } else if (lua_isinteger(L, -1)) {
          has = 1;
          attr = (int32_t)lua_tointeger(L, -1);
        }
        lua_pop(L, 3);
      }
      lua_pop(L, 1);
    }
    id = rs_qnode_struct(b->Q, op[0] == 'o' ? RS_QN_OPEN : RS_QN_CLOSE, lv, has, attr);
    if (id >= 0 && op[0] == 'o') { /* structure attributes from annotated files */
      lua_getfield(L, t, "attrs");
      if (lua_istable(L, -1)) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
          if (k && !(lv < RS_NLEVEL && (strcmp(k, "kind") == 0 || strcmp(k, "ordinal") == 0 ||
                                        strcmp(k, "depth") == 0))) {
            int j = rs_sattr_find(b->ix, lv, k);
            size_t vl;
            const char *v;
            int64_t vid;
            if (j < 0) luaL_error(L, "structure '%s' has no attribute '%s'", st, k);
            lua_pushvalue(L, -1);
            v = lua_tolstring(L, -1, &vl);
            if (!v) luaL_error(L, "bad query program: value of '%s'", k);
            vid = rs_strtab_find(&b->ix->svals, v, vl);
            lua_pop(L, 1);
            if (rs_qnode_cond(b->Q, id, j, vid < 0 ? 0xFFFFFFFEu : (uint32_t)vid))
              luaL_error(L, "too many attribute tests in one structure tag (%d at most)", RS_Q_MAXCOND);
          }
          lua_pop(L, 1);
        }
      }
      lua_pop(L, 1);
    }
  } else {
    luaL_error(L, "bad query program: op '%s'", op);
  }
  if (id < 0) rsl_raise(L, RS_ENOMEM, NULL);
  return id;
}

#define SET_MT "rostra.matchset"

/* a match set: the matches of a query held in C (0-based, stop
** inclusive), for the corpus handle that is its user value */
typedef struct lset {
  rs_mem *M;
  rs_matches m;
} lset;

static int set_gc(lua_State *L) {
  lset *s = (lset *)luaL_checkudata(L, 1, SET_MT);
  rs_matches_free(s->M, &s->m);
  return 0;
}

/* a new empty set for the corpus handle at index corpus */
static lset *new_set(lua_State *L, int corpus) {
  lset *s;
  corpus = lua_absindex(L, corpus);
  s = (lset *)lua_newuserdatauv(L, sizeof *s, 1);
  memset(s, 0, sizeof *s);
  s->M = rsl_mem(L);
  luaL_setmetatable(L, SET_MT);
  lua_pushvalue(L, corpus);
  lua_setiuservalue(L, -2, 1);
  return s;
}

/* the set at index i and its corpus's index (raising when it was closed) */
static lset *check_set(lua_State *L, int i, const rs_index **ix) {
  lset *s = (lset *)luaL_checkudata(L, i, SET_MT);
  lua_getiuservalue(L, i, 1);
  *ix = rsl_corpus_index(L, lua_gettop(L));
  lua_pop(L, 1);
  return s;
}

/* room for n matches in an empty set */
static void set_reserve(lua_State *L, lset *s, size_t n) {
  if (n == 0) n = 1;
  if (n > ((size_t)-1) / sizeof *s->m.start) rsl_raise(L, RS_ENOMEM, NULL);
  s->m.start = (uint32_t *)rs_malloc(s->M, n * sizeof *s->m.start);
  s->m.stop = (uint32_t *)rs_malloc(s->M, n * sizeof *s->m.stop);
  if (!s->m.start || !s->m.stop) {
    rs_free(s->M, s->m.start, n * sizeof *s->m.start);
    rs_free(s->M, s->m.stop, n * sizeof *s->m.stop);
    memset(&s->m, 0, sizeof s->m);
    rsl_raise(L, RS_ENOMEM, NULL);
  }
  s->m.cap = n;
}

/* h:query_budget() -> the default budget of a query on this corpus */
static int l_query_budget(lua_State *L) {
  const rs_index *ix = handle_index(L, 1);
  lua_pushinteger(L, (lua_Integer)QUERY_BUDGET_BASE + (lua_Integer)QUERY_BUDGET_PER_TOKEN * ix->ntok);
  return 1;
}

/* h:query(prog [, mask [, count_only [, max [, budget [, as_set]]]]]) ->
** starts, stops (1-based, inclusive) | count | a match set. budget: steps
** (an integer >= 1), math.huge for none, nil for h:query_budget() */
static int l_query(lua_State *L) {
  const rs_index *ix = handle_index(L, 1);
  int count_only = lua_toboolean(L, 4), as_set = lua_toboolean(L, 7), root, within = -1, err;
  lua_Integer max = luaL_optinteger(L, 5, 0);
  uint64_t budget = (uint64_t)QUERY_BUDGET_BASE + (uint64_t)QUERY_BUDGET_PER_TOKEN * ix->ntok;
  if (!lua_isnoneornil(L, 6)) {
    if (lua_type(L, 6) == LUA_TNUMBER && !lua_isinteger(L, 6) && lua_tonumber(L, 6) == HUGE_VAL) {
      budget = 0;
    } else {
      lua_Integer bv = luaL_checkinteger(L, 6);
      luaL_argcheck(L, bv >= 1, 6, "budget must be a positive integer or math.huge");
      budget = (uint64_t)bv;
    }
  }
  const char *mask = NULL;
  size_t count = 0, i, ml;
  qbox *b;
  luaL_checktype(L, 2, LUA_TTABLE);
  if (!lua_isnoneornil(L, 3)) {
    mask = luaL_checklstring(L, 3, &ml);
    if (ml != ix->ndoc) luaL_argerror(L, 3, "speech mask of the wrong size");
  }
  b = (qbox *)lua_newuserdatauv(L, sizeof *b, 0);
  memset(b, 0, sizeof *b);
  b->M = rsl_mem(L);
  if (luaL_newmetatable(L, QUERY_BOX)) {
    lua_pushcfunction(L, qbox_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  b->ix = ix;
  b->Q = rs_query_new(b->M, ix);
  if (!b->Q) return rsl_raise(L, RS_ENOMEM, NULL);
  lua_getfield(L, 2, "within");
  if (lua_isstring(L, -1)) within = level_of(L, ix, lua_tostring(L, -1));
  lua_pop(L, 1);
  lua_getfield(L, 2, "seq");
  if (!lua_istable(L, -1)) return luaL_error(L, "bad query program: no 'seq'");
  root = node(L, b, lua_gettop(L), 0);
  lua_pop(L, 1);
  check(L, b, rs_query_compile(b->Q, root, within));
  rs_query_set_budget(b->Q, budget);
  err = rs_query_run(b->Q, mask, count_only ? NULL : &b->m, max > 0 ? (size_t)max : 0, &count);
  last_steps = rs_query_steps(b->Q);
  if (err == RS_ELIMIT && rs_query_budget_hit(b->Q)) return budget_error(L, b);
  if (err == RS_EINTR) {
    rsl_clear_interrupt(L);
    lua_pushliteral(L, "interrupted"); /* no position: the user's Ctrl-C */
    return lua_error(L);
  }
  check(L, b, err);
  if (count_only) {
    lua_pushinteger(L, (lua_Integer)count);
    return 1;
  }
  if (as_set) { /* the matches move into a set */
    lset *set = new_set(L, 1);
    set->m = b->m;
    memset(&b->m, 0, sizeof b->m);
    return 1;
  }
  lua_createtable(L, (int)b->m.n, 0);
  lua_createtable(L, (int)b->m.n, 0);
  for (i = 0; i < b->m.n; i++) {
    lua_pushinteger(L, (lua_Integer)b->m.start[i] + 1);
    lua_rawseti(L, -3, (lua_Integer)i + 1);
    lua_pushinteger(L, (lua_Integer)b->m.stop[i] + 1);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 2;
}

/* {====================================================== KWIC */

/* the sentence holding position p: [*a, *b) */
static int sentence_of(const rs_index *ix, uint32_t p, uint32_t *a, uint32_t *b) {
  const rs_region *r = ix->lv[RS_LV_SENTENCE];
  uint32_t k0 = 0, k1 = ix->nlv[RS_LV_SENTENCE];
  while (k0 < k1) {
    uint32_t mid = k0 + (k1 - k0) / 2;
    if (r[mid].start <= p) k0 = mid + 1;
    else k1 = mid;
  }
  if (k0 == 0 || r[k0 - 1].stop <= p) return 0;
  *a = r[k0 - 1].start;
  *b = r[k0 - 1].stop;
  return 1;
}

/* the bytes of word type w (0 for a damaged id) */
static uint64_t type_len(const rs_index *ix, uint32_t w) {
  return w < ix->attr[0].n ? ix->attr[0].off[w + 1] - ix->attr[0].off[w] : 0;
}

/* text offsets out[k] of the tokens pos[0] <= pos[1] <= ... < ntok: from
** the nearer checkpoint to pos[0] (walking back from the next one when it
** is nearer), then forward; offsets are clamped to the text */
static void walk_offsets(const rs_index *ix, const uint32_t *pos, int n, uint64_t *out) {
  uint32_t q = pos[0] & ~63u;
  uint64_t off = ix->ckpt[q / 64];
  int k = 0;
  if (pos[0] - q > 32 && (uint64_t)q + 64 < ix->ntok) {
    /* off(t-1) = off(t) - gap(t) - len(t-1) */
    q += 64;
    off = ix->ckpt[q / 64];
    while (q > pos[0]) {
      off -= rs_index_gap(ix, q) + type_len(ix, ix->stream[q - 1]);
      q--;
    }
    if (off > ix->textlen) off = ix->textlen; /* a damaged index: any value, in range */
  }
  while (k < n) {
    if (q == pos[k]) {
      out[k++] = off > ix->textlen ? ix->textlen : off;
      continue;
    }
    off += type_len(ix, ix->stream[q]);
    q++;
    if (q >= ix->ntok) { /* past the end: the rest is the end of the text */
      while (k < n) out[k++] = ix->textlen;
      return;
    }
    off += rs_index_gap(ix, q);
  }
}

static uint64_t tok_len(const rs_index *ix, uint32_t p) {
  size_t l;
  rs_strtab_get(&ix->attr[0], p < ix->ntok ? ix->stream[p] : 0, &l);
  return l;
}

/* push text with line breaks and tabs as spaces */
static void push_flat(lua_State *L, const char *s, size_t n) {
  luaL_Buffer B;
  size_t i;
  char *p;
  /* control bytes are rare: eight bytes at a time find them (a byte
  ** b < 32 sets the top bit of b - 32 and not b's own) */
  for (i = 0; i + 8 <= n; i += 8) {
    uint64_t x;
    memcpy(&x, s + i, 8);
    if ((x - 0x2020202020202020ull) & ~x & 0x8080808080808080ull) break;
  }
  for (; i < n; i++)
    if ((unsigned char)s[i] < 32) break;
  if (i == n) {
    lua_pushlstring(L, s, n);
    return;
  }
  p = luaL_buffinitsize(L, &B, n);
  for (i = 0; i < n; i++) {
    char c = s[i];
    p[i] = (c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f') ? ' ' : c;
  }
  luaL_pushresultsize(&B, n);
}

/* hits ahead whose data are prefetched */
#define KWIC_AHEAD 8

typedef struct kwicopt {
  uint32_t ctx;   /* tokens of context */
  uint64_t chars; /* or, when > 0, bytes of context cut at a UTF-8 boundary */
  int clip;       /* not past the sentence */
} kwicopt;

/* the byte spans of a KWIC line: left, match, right */
typedef struct kwicline {
  uint32_t doc;
  uint64_t off[3], len[3];
} kwicline;

/* the next hits' data into the cache (the hits are scattered) */
static void kwic_prefetch(const rs_index *ix, uint32_t t, int text) {
  if (!text) {
    RS_PREFETCH(&ix->ckpt[t / 64]);
    RS_PREFETCH(&ix->stream[t]);
    RS_PREFETCH(&ix->gap[t]);
  } else { /* the text about where the hit lies */
    uint64_t o = ix->ckpt[t / 64] + (uint64_t)(t % 64) * 6;
    if (o < ix->textlen) {
      RS_PREFETCH(ix->text + o);
      if (o >= 64) RS_PREFETCH(ix->text + o - 64);
      if (o + 64 < ix->textlen) RS_PREFETCH(ix->text + o + 64);
    }
  }
}

/* the line of the hit s..e (0-based, inclusive): context never past the
** speech, nor the sentence when clip; *d is a cursor on the speech of the
** previous hit (matches come sorted by position) */
static void kwic_line(const rs_index *ix, uint32_t s, uint32_t e, const kwicopt *o, uint32_t *d,
                      kwicline *k) {
  uint32_t lo, hi, from = s, to = e, pos[4];
  uint64_t off[4], x, y, bx, by;
  if (*d < ix->ndoc && ix->docs[*d].first <= s && (*d + 1 == ix->ndoc || ix->docs[*d + 1].first > s)) {
  } else if (*d + 1 < ix->ndoc && ix->docs[*d + 1].first <= s &&
             (*d + 2 >= ix->ndoc || ix->docs[*d + 2].first > s)) {
    (*d)++;
  } else {
    *d = rs_index_doc_of(ix, s);
  }
  k->doc = *d;
  lo = ix->docs[*d].first;
  hi = ix->docs[*d].first + ix->docs[*d].ntok; /* exclusive */
  if (o->clip) { /* not past the sentences holding the first and last token */
    uint32_t ra, rb;
    if (sentence_of(ix, s, &ra, &rb) && ra > lo) lo = ra;
    if (sentence_of(ix, e, &ra, &rb) && rb < hi) hi = rb;
  }
  /* the four edges in one walk: left start, match start, match end, right
  ** end (tokens), then bytes */
  if (s > lo) from = o->chars > 0 ? (s - lo > 4096 ? s - 4096 : lo) : (s - lo > o->ctx ? s - o->ctx : lo);
  if (e + 1 < hi) to = o->chars > 0 ? (hi - 1 - e > 4096 ? e + 4096 : hi - 1) : (hi - 1 - e > o->ctx ? e + o->ctx : hi - 1);
  pos[0] = from;
  pos[1] = s;
  pos[2] = e;
  pos[3] = to;
  walk_offsets(ix, pos, 4, off);
  x = off[1];
  y = off[2] + tok_len(ix, e);
  if (y > ix->textlen) y = ix->textlen;
  if (x > y) x = y;
  /* left: up to the match, with the space before it */
  bx = by = x;
  if (s > lo) {
    bx = off[0];
    if (bx > by) bx = by;
    if (o->chars > 0 && by - bx > o->chars) { /* the last `chars` bytes, cut at a UTF-8 boundary */
      bx = by - o->chars;
      while (bx < by && ((unsigned char)ix->text[bx] & 0xC0) == 0x80) bx++;
    }
  }
  k->off[0] = bx;
  k->len[0] = by - bx;
  k->off[1] = x;
  k->len[1] = y - x;
  /* right: from the end of the match, with the space after it */
  bx = by = y;
  if (e + 1 < hi) {
    by = off[3] + tok_len(ix, to);
    if (by > ix->textlen) by = ix->textlen;
    if (by < bx) by = bx;
    if (o->chars > 0 && by - bx > o->chars) {
      by = bx + o->chars;
      while (by > bx && ((unsigned char)ix->text[by] & 0xC0) == 0x80) by--;
    }
  }
  k->off[2] = bx;
  k->len[2] = by - bx;
}

static void kwic_opts(lua_State *L, int i, kwicopt *o) {
  lua_Integer ctx = luaL_checkinteger(L, i), chars = luaL_optinteger(L, i + 1, 0);
  luaL_argcheck(L, ctx >= 0, i, "context must not be negative");
  o->ctx = ctx > 0x7FFFFFFF ? 0x7FFFFFFFu : (uint32_t)ctx;
  o->chars = chars > 0 ? (uint64_t)chars : 0;
  o->clip = lua_toboolean(L, i + 2);
}

/* h:kwic(starts, stops, context, chars, clip) -> speeches, lefts, matches, rights:
** context in tokens (or, when chars > 0, in characters, cut at a token
** edge), never past the speech, nor the sentence when clip */
static int l_kwic(lua_State *L) {
  const rs_index *ix = handle_index(L, 1);
  kwicopt o;
  lua_Integer n, i;
  uint32_t d = 0, *se;
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  kwic_opts(L, 4, &o);
  n = (lua_Integer)lua_rawlen(L, 2);
  if ((size_t)n > ((size_t)-1) / (2 * sizeof *se)) return luaL_error(L, "too many matches");
  /* the spans, 0-based, checked */
  se = (uint32_t *)lua_newuserdatauv(L, (size_t)n * 2 * sizeof *se + 1, 0);
  for (i = 1; i <= n; i++) {
    lua_Integer a, b;
    lua_rawgeti(L, 2, i);
    lua_rawgeti(L, 3, i);
    a = lua_tointeger(L, -2) - 1;
    b = lua_tointeger(L, -1) - 1;
    lua_pop(L, 2);
    if (a < 0 || b < a || b >= (lua_Integer)ix->ntok) return luaL_error(L, "match %d out of range", (int)i);
    se[2 * (i - 1)] = (uint32_t)a;
    se[2 * (i - 1) + 1] = (uint32_t)b;
  }
  lua_createtable(L, (int)n, 0);
  lua_createtable(L, (int)n, 0);
  lua_createtable(L, (int)n, 0);
  lua_createtable(L, (int)n, 0); /* speech ids */
  lua_insert(L, -4);
  for (i = 1; i <= n; i++) {
    kwicline k;
    int j;
    if (i + KWIC_AHEAD <= n) kwic_prefetch(ix, se[2 * (i + KWIC_AHEAD - 1)], 0);
    if (i + KWIC_AHEAD / 2 <= n) kwic_prefetch(ix, se[2 * (i + KWIC_AHEAD / 2 - 1)], 1);
    kwic_line(ix, se[2 * (i - 1)], se[2 * (i - 1) + 1], &o, &d, &k);
    lua_pushinteger(L, (lua_Integer)k.doc + 1);
    lua_rawseti(L, -5, i);
    for (j = 0; j < 3; j++) {
      push_flat(L, ix->text + k.off[j], (size_t)k.len[j]);
      lua_rawseti(L, -4 + j, i);
    }
  }
  return 4;
}

/* the spans of KWIC lines, cut when first needed (a lazy fill of table.c) */
typedef struct kwicfill {
  kwicopt o;
  int cstart, cstop, cspan[3];
} kwicfill;

static int kwic_fill(rs_table *T, const uint32_t *rows, size_t n, void *ud) {
  const kwicfill *f = (const kwicfill *)ud;
  const rs_index *ix = T->ix;
  const int64_t *st = T->cols[f->cstart].i, *sp = T->cols[f->cstop].i;
  rs_tcol *c[3];
  uint32_t d = 0;
  size_t i;
  int j;
  for (j = 0; j < 3; j++) c[j] = &T->cols[f->cspan[j]];
  for (i = 0; i < n; i++) {
    uint32_t r = rows[i];
    int64_t a = st[r] - 1, b = sp[r] - 1;
    kwicline k;
    if (i + KWIC_AHEAD < n) {
      int64_t t = st[rows[i + KWIC_AHEAD]] - 1;
      if (t >= 0 && t < (int64_t)ix->ntok) kwic_prefetch(ix, (uint32_t)t, 0);
    }
    if (i + KWIC_AHEAD / 2 < n) {
      int64_t t = st[rows[i + KWIC_AHEAD / 2]] - 1;
      if (t >= 0 && t < (int64_t)ix->ntok) kwic_prefetch(ix, (uint32_t)t, 1);
    }
    if (!ix || a < 0 || b < a || b >= (int64_t)ix->ntok) { /* cannot happen: checked when made */
      for (j = 0; j < 3; j++) c[j]->off[r] = 0, c[j]->len[r] = 0;
      continue;
    }
    kwic_line(ix, (uint32_t)a, (uint32_t)b, &f->o, &d, &k);
    for (j = 0; j < 3; j++) {
      c[j]->off[r] = k.off[j];
      c[j]->len[r] = k.len[j] > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)k.len[j];
    }
  }
  return RS_OK;
}

/* the columns of names (at index ni, see l_kwic_table) over the n rows
** whose speeches are sp[] (1-based) */
static void kwic_names(lua_State *L, rs_table *T, int ni, const int64_t *sp, size_t n) {
  rs_mem *M = rsl_mem(L);
  lua_Integer k, nn = (lua_Integer)lua_rawlen(L, ni);
  for (k = 1; k <= nn; k++) {
    const char *name, *kind;
    int vi, top = lua_gettop(L);
    int64_t *ci = NULL;
    double *cd = NULL;
    uint8_t *cb = NULL;
    rs_tcol *cs = NULL, *col;
    size_t i;
    luaL_checkstack(L, 8, "kwic_table");
    if (lua_rawgeti(L, ni, k) != LUA_TTABLE) luaL_error(L, "kwic_table: name %d is not a table", (int)k);
    lua_rawgeti(L, -1, 1);
    lua_rawgeti(L, -2, 2);
    lua_rawgeti(L, -3, 3);
    name = lua_tostring(L, -3);
    kind = lua_tostring(L, -2);
    vi = lua_gettop(L);
    if (!name || !kind || !lua_istable(L, vi)) luaL_error(L, "kwic_table: name %d: {name, kind, values} expected", (int)k);
    if (strcmp(kind, "int") == 0) ci = rs_table_int(T, name);
    else if (strcmp(kind, "num") == 0) cd = rs_table_num(T, name);
    else if (strcmp(kind, "bool") == 0) cb = rs_table_bool(T, name);
    else if (strcmp(kind, "str") == 0) cs = rs_table_dict(T, name);
    else luaL_error(L, "kwic_table: unknown kind '%s'", kind);
    if (!ci && !cd && !cb && !cs) {
      if (rs_table_find(T, name, strlen(name)) >= 0) luaL_error(L, "kwic_table: column '%s' given twice", name);
      rsl_raise(L, RS_ENOMEM, NULL);
    }
    col = &T->cols[T->ncol - 1];
    for (i = 0; i < n; i++) {
      int t = lua_rawgeti(L, vi, (lua_Integer)sp[i]);
      int bad = 0;
      if (t == LUA_TNIL) {
        if (rs_tcol_set_null(M, col, n, i)) rsl_raise(L, RS_ENOMEM, NULL);
      } else if (ci) {
        if (!lua_isinteger(L, -1)) bad = 1;
        else ci[i] = (int64_t)lua_tointeger(L, -1);
      } else if (cd) {
        if (t != LUA_TNUMBER) bad = 1;
        else cd[i] = (double)lua_tonumber(L, -1);
      } else if (cb) {
        if (t != LUA_TBOOLEAN) bad = 1;
        else cb[i] = (uint8_t)lua_toboolean(L, -1);
      } else {
        size_t l;
        const char *v = t == LUA_TSTRING ? lua_tolstring(L, -1, &l) : NULL;
        if (!v) bad = 1;
        else if (rs_tcol_intern(M, cs, v, l, &cs->id[i])) rsl_raise(L, RS_ENOMEM, NULL);
      }
      if (bad) luaL_error(L, "kwic_table: a value of '%s' is not of kind %s", name, kind);
      lua_pop(L, 1);
    }
    lua_settop(L, top);
  }
}

/* h:kwic_table(set, from, to, context, chars, clip) -> a view of the KWIC
** lines of hits from..to (1-based, inclusive) of the set: columns speech,
** start, stop (1-based token positions), left, match, right (spans of the
** stored text, line breaks read as spaces: nothing copied, and cut when
** first read, printed, sorted or written). names (optional): a list of
** {name, kind, values}, columns naming each line's speech, values[d] being
** speech d's value (nil for none) and kind what every value is: "int",
** "num", "bool" or "str" (a string held once per distinct value). */
static int l_kwic_table(lua_State *L) {
  const rs_index *ix = handle_index(L, 1), *six;
  lset *s = check_set(L, 2, &six);
  lua_Integer from = luaL_checkinteger(L, 3), to = luaL_checkinteger(L, 4);
  kwicfill f;
  rs_table *T;
  int64_t *sp, *st, *sp2;
  rs_tcol *c[3];
  size_t n, i;
  uint32_t d = 0;
  int err;
  kwic_opts(L, 5, &f.o);
  if (six != ix) return luaL_error(L, "kwic_table: matches of another corpus");
  if (!lua_isnoneornil(L, 8)) luaL_checktype(L, 8, LUA_TTABLE);
  if (from < 1) from = 1;
  if (to > (lua_Integer)s->m.n) to = (lua_Integer)s->m.n;
  n = to >= from ? (size_t)(to - from + 1) : 0;
  lua_settop(L, 8);
  lua_replace(L, 3); /* 3: the names, or nil */
  lua_settop(L, 3);
  T = rsl_table_new(L, n, 1); /* 4 */
  sp = rs_table_int(T, "speech");
  st = rs_table_int(T, "start");
  sp2 = rs_table_int(T, "stop");
  c[0] = rs_table_span(T, "left", 1);
  c[1] = rs_table_span(T, "match", 1);
  c[2] = rs_table_span(T, "right", 1);
  if (!sp || !st || !sp2 || !c[0] || !c[1] || !c[2]) return rsl_raise(L, RS_ENOMEM, NULL);
  for (i = 0; i < n; i++) {
    size_t h = (size_t)from - 1 + i;
    uint32_t a = s->m.start[h], b = s->m.stop[h];
    if (b < a || b >= ix->ntok) return luaL_error(L, "match %d out of range", (int)h + 1);
    /* matches come sorted by position: move a cursor, search otherwise */
    if (!(d < ix->ndoc && ix->docs[d].first <= a && (d + 1 == ix->ndoc || ix->docs[d + 1].first > a))) {
      if (d + 1 < ix->ndoc && ix->docs[d + 1].first <= a && (d + 2 >= ix->ndoc || ix->docs[d + 2].first > a))
        d++;
      else
        d = rs_index_doc_of(ix, a);
    }
    sp[i] = (int64_t)d + 1;
    st[i] = (int64_t)a + 1;
    sp2[i] = (int64_t)b + 1;
  }
  f.cstart = 1;
  f.cstop = 2;
  f.cspan[0] = 3;
  f.cspan[1] = 4;
  f.cspan[2] = 5;
  err = rs_table_lazy(T, kwic_fill, &f, sizeof f, f.cspan, 3);
  if (err) return rsl_raise(L, err, NULL);
  if (lua_istable(L, 3)) kwic_names(L, T, 3, sp, n);
  rsl_table_view(L, 4);
  return 1;
}

/* {====================================================== match sets */

static int s_len(lua_State *L) {
  lset *s = (lset *)luaL_checkudata(L, 1, SET_MT);
  lua_pushinteger(L, (lua_Integer)s->m.n);
  return 1;
}

/* set:arrays() -> starts, stops (1-based, inclusive) */
static int s_arrays(lua_State *L) {
  const rs_index *ix;
  lset *s = check_set(L, 1, &ix);
  size_t i;
  lua_createtable(L, (int)s->m.n, 0);
  lua_createtable(L, (int)s->m.n, 0);
  for (i = 0; i < s->m.n; i++) {
    lua_pushinteger(L, (lua_Integer)s->m.start[i] + 1);
    lua_rawseti(L, -3, (lua_Integer)i + 1);
    lua_pushinteger(L, (lua_Integer)s->m.stop[i] + 1);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 2;
}

/* set:get(i) -> speech, start, stop of match i (1-based), or nothing */
static int s_get(lua_State *L) {
  const rs_index *ix;
  lset *s = check_set(L, 1, &ix);
  lua_Integer i = luaL_checkinteger(L, 2);
  if (i < 1 || (lua_Unsigned)i > s->m.n) return 0;
  lua_pushinteger(L, (lua_Integer)rs_index_doc_of(ix, s->m.start[i - 1]) + 1);
  lua_pushinteger(L, (lua_Integer)s->m.start[i - 1] + 1);
  lua_pushinteger(L, (lua_Integer)s->m.stop[i - 1] + 1);
  return 3;
}

static int s_iter_next(lua_State *L) {
  const rs_index *ix;
  lset *s = check_set(L, lua_upvalueindex(1), &ix);
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(2));
  uint32_t d = (uint32_t)lua_tointeger(L, lua_upvalueindex(3)), a;
  if (i < 0 || (lua_Unsigned)i >= s->m.n) return 0;
  a = s->m.start[i];
  if (!(d < ix->ndoc && ix->docs[d].first <= a && (d + 1 == ix->ndoc || ix->docs[d + 1].first > a)))
    d = rs_index_doc_of(ix, a);
  lua_pushinteger(L, i + 1);
  lua_replace(L, lua_upvalueindex(2));
  lua_pushinteger(L, (lua_Integer)d);
  lua_replace(L, lua_upvalueindex(3));
  lua_pushinteger(L, (lua_Integer)d + 1);
  lua_pushinteger(L, (lua_Integer)a + 1);
  lua_pushinteger(L, (lua_Integer)s->m.stop[i] + 1);
  return 3;
}

/* set:iter() -> a function giving speech, start, stop of each match */
static int s_iter(lua_State *L) {
  const rs_index *ix;
  check_set(L, 1, &ix);
  lua_settop(L, 1);
  lua_pushinteger(L, 0);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, s_iter_next, 3);
  return 1;
}

/* set:speeches() -> the number of speeches with a match */
static int s_speeches(lua_State *L) {
  const rs_index *ix;
  lset *s = check_set(L, 1, &ix);
  size_t i, n = 0;
  uint32_t d = 0xFFFFFFFFu, hi = 0, sorted = 1;
  for (i = 1; i < s->m.n && sorted; i++) sorted = s->m.start[i - 1] <= s->m.start[i];
  if (!sorted) { /* a byte per speech */
    uint8_t *seen = (uint8_t *)lua_newuserdatauv(L, ix->ndoc ? ix->ndoc : 1, 0);
    memset(seen, 0, ix->ndoc ? ix->ndoc : 1);
    for (i = 0; i < s->m.n; i++) {
      uint32_t k = rs_index_doc_of(ix, s->m.start[i]);
      if (k < ix->ndoc && !seen[k]) seen[k] = 1, n++;
    }
  } else {
    for (i = 0; i < s->m.n; i++) { /* in position order: a new speech past the last one's end */
      uint32_t a = s->m.start[i];
      if (d != 0xFFFFFFFFu && a < hi) continue;
      d = rs_index_doc_of(ix, a);
      hi = d < ix->ndoc ? ix->docs[d].first + ix->docs[d].ntok : a + 1;
      n++;
    }
  }
  lua_pushinteger(L, (lua_Integer)n);
  return 1;
}

/* h:matchset(starts, stops) -> a set of the matches given as arrays
** (1-based, inclusive); out of range is an error */
static int l_matchset(lua_State *L) {
  const rs_index *ix = handle_index(L, 1);
  size_t n, i;
  lset *s;
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  n = (size_t)lua_rawlen(L, 2);
  if ((size_t)lua_rawlen(L, 3) != n) return luaL_error(L, "starts and stops of different lengths");
  s = new_set(L, 1);
  set_reserve(L, s, n);
  for (i = 0; i < n; i++) {
    lua_Integer a, b;
    lua_rawgeti(L, 2, (lua_Integer)i + 1);
    lua_rawgeti(L, 3, (lua_Integer)i + 1);
    a = lua_tointeger(L, -2) - 1;
    b = lua_tointeger(L, -1) - 1;
    lua_pop(L, 2);
    if (a < 0 || b < a || b >= (lua_Integer)ix->ntok) return luaL_error(L, "match %d out of range", (int)i + 1);
    s->m.start[i] = (uint32_t)a;
    s->m.stop[i] = (uint32_t)b;
  }
  s->m.n = n;
  return 1;
}

/* set:slice(i, j) -> a new set of matches i..j (1-based, inclusive) */
static int s_slice(lua_State *L) {
  const rs_index *ix;
  lset *s = check_set(L, 1, &ix), *t;
  lua_Integer i = luaL_checkinteger(L, 2), j = luaL_checkinteger(L, 3);
  size_t n;
  if (i < 1) i = 1;
  if (j > (lua_Integer)s->m.n) j = (lua_Integer)s->m.n;
  n = j >= i ? (size_t)(j - i + 1) : 0;
  lua_getiuservalue(L, 1, 1);
  t = new_set(L, -1);
  set_reserve(L, t, n);
  if (n) {
    memcpy(t->m.start, s->m.start + i - 1, n * sizeof *t->m.start);
    memcpy(t->m.stop, s->m.stop + i - 1, n * sizeof *t->m.stop);
  }
  t->m.n = n;
  return 1;
}

/* }====================================================== */

/* }====================================================== */

/* the rs_index of a corpus handle (lcorpus.c) */
const rs_index *rsl_corpus_index(lua_State *L, int i);

static const rs_index *handle_index(lua_State *L, int i) { return rsl_corpus_index(L, i); }

void rsl_open_match(lua_State *L) {
  static const luaL_Reg methods[] = {{"query", l_query},
                                     {"kwic", l_kwic},
                                     {"query_budget", l_query_budget},
                                     {"kwic_table", l_kwic_table},
                                     {"matchset", l_matchset},
                                     {NULL, NULL}};
  static const luaL_Reg smethods[] = {{"len", s_len},       {"arrays", s_arrays},
                                      {"get", s_get},       {"iter", s_iter},
                                      {"speeches", s_speeches}, {"slice", s_slice},
                                      {NULL, NULL}};
  if (luaL_newmetatable(L, SET_MT)) {
    luaL_newlib(L, smethods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, set_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, s_len);
    lua_setfield(L, -2, "__len");
  }
  lua_pop(L, 1);
  luaL_getmetatable(L, "rostra.corpus");
  lua_getfield(L, -1, "__index");
  luaL_setfuncs(L, methods, 0);
  lua_pop(L, 2);
  lua_pushcfunction(L, l_query_steps);
  lua_setfield(L, -2, "_query_steps");
}
