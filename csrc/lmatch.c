/*
** lmatch.c: Lua binding of the query matcher and of KWIC line building.
** h:query(prog, mask, count_only, max) runs a program of rostra.query;
** h:kwic(starts, stops, opts) cuts the context out of the stored text.
*/
#include <string.h>

#include "lrostra.h"
#include "match.h"

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

/* h:query(prog [, mask [, count_only [, max]]]) -> starts, stops (1-based,
** inclusive) | count */
static int l_query(lua_State *L) {
  const rs_index *ix = handle_index(L, 1);
  int count_only = lua_toboolean(L, 4), root, within = -1, err;
  lua_Integer max = luaL_optinteger(L, 5, 0);
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
  err = rs_query_run(b->Q, mask, count_only ? NULL : &b->m, max > 0 ? (size_t)max : 0, &count);
  check(L, b, err);
  if (count_only) {
    lua_pushinteger(L, (lua_Integer)count);
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

/* h:kwic(starts, stops, context, chars, clip) -> speeches, lefts, matches, rights:
** context in tokens (or, when chars > 0, in characters, cut at a token
** edge), never past the speech, nor the sentence when clip */
static int l_kwic(lua_State *L) {
  const rs_index *ix = handle_index(L, 1);
  lua_Integer ctx = luaL_checkinteger(L, 4), chars = luaL_optinteger(L, 5, 0);
  int clip = lua_toboolean(L, 6);
  lua_Integer n, i;
  uint32_t d = 0, *se;
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  luaL_argcheck(L, ctx >= 0, 4, "context must not be negative");
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
    uint32_t s = se[2 * (i - 1)], e = se[2 * (i - 1) + 1], lo, hi;
    uint64_t x, y, bx, by;
    /* the hits are scattered over the index: fetch what the next ones read */
    if (i + KWIC_AHEAD <= n) {
      uint32_t t = se[2 * (i + KWIC_AHEAD - 1)];
      RS_PREFETCH(&ix->ckpt[t / 64]);
      RS_PREFETCH(&ix->stream[t]);
      RS_PREFETCH(&ix->gap[t]);
    }
    if (i + KWIC_AHEAD / 2 <= n) { /* the text about where the hit lies */
      uint32_t t = se[2 * (i + KWIC_AHEAD / 2 - 1)];
      uint64_t o = ix->ckpt[t / 64] + (uint64_t)(t % 64) * 6;
      if (o < ix->textlen) {
        RS_PREFETCH(ix->text + o);
        if (o >= 64) RS_PREFETCH(ix->text + o - 64);
        if (o + 64 < ix->textlen) RS_PREFETCH(ix->text + o + 64);
      }
    }
    /* matches come sorted by position: move a cursor, search otherwise */
    if (d < ix->ndoc && ix->docs[d].first <= s &&
        (d + 1 == ix->ndoc || ix->docs[d + 1].first > s)) {
    } else if (d + 1 < ix->ndoc && ix->docs[d + 1].first <= s &&
               (d + 2 >= ix->ndoc || ix->docs[d + 2].first > s)) {
      d++;
    } else {
      d = rs_index_doc_of(ix, s);
    }
    lua_pushinteger(L, (lua_Integer)d + 1);
    lua_rawseti(L, -5, i);
    lo = ix->docs[d].first;
    hi = ix->docs[d].first + ix->docs[d].ntok; /* exclusive */
    if (clip) { /* not past the sentences holding the first and last token */
      uint32_t ra, rb;
      if (sentence_of(ix, s, &ra, &rb) && ra > lo) lo = ra;
      if (sentence_of(ix, e, &ra, &rb) && rb < hi) hi = rb;
    }
    {
      /* the four edges in one walk: left start, match start, match end,
      ** right end (tokens), then bytes */
      uint32_t from = s, to = e, pos[4];
      uint64_t off[4];
      if (s > lo) from = chars > 0 ? (s - lo > 4096 ? s - 4096 : lo)
                                   : (s - lo > (uint32_t)ctx ? s - (uint32_t)ctx : lo);
      if (e + 1 < hi) to = chars > 0 ? (hi - 1 - e > 4096 ? e + 4096 : hi - 1)
                                     : (hi - 1 - e > (uint32_t)ctx ? e + (uint32_t)ctx : hi - 1);
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
      if (s > lo) {
        bx = off[0];
        by = x;
        if (bx > by) bx = by;
        if (chars > 0) { /* the last `chars` bytes, cut at a UTF-8 boundary */
          if (by - bx > (uint64_t)chars) {
            bx = by - (uint64_t)chars;
            while (bx < by && ((unsigned char)ix->text[bx] & 0xC0) == 0x80) bx++;
          }
        }
        push_flat(L, ix->text + bx, (size_t)(by - bx));
      } else {
        lua_pushliteral(L, "");
      }
      lua_rawseti(L, -4, i);
      push_flat(L, ix->text + x, (size_t)(y - x));
      lua_rawseti(L, -3, i);
      /* right: from the end of the match, with the space after it */
      if (e + 1 < hi) {
        bx = y;
        by = off[3] + tok_len(ix, to);
        if (by > ix->textlen) by = ix->textlen;
        if (by < bx) by = bx;
        if (chars > 0 && by - bx > (uint64_t)chars) {
          by = bx + (uint64_t)chars;
          while (by > bx && ((unsigned char)ix->text[by] & 0xC0) == 0x80) by--;
        }
        push_flat(L, ix->text + bx, (size_t)(by - bx));
      } else {
        lua_pushliteral(L, "");
      }
    }
    lua_rawseti(L, -2, i);
  }
  return 4;
}

/* }====================================================== */

/* the rs_index of a corpus handle (lcorpus.c) */
const rs_index *rsl_corpus_index(lua_State *L, int i);

static const rs_index *handle_index(lua_State *L, int i) { return rsl_corpus_index(L, i); }

void rsl_open_match(lua_State *L) {
  static const luaL_Reg methods[] = {{"query", l_query}, {"kwic", l_kwic}, {NULL, NULL}};
  luaL_getmetatable(L, "rostra.corpus");
  lua_getfield(L, -1, "__index");
  luaL_setfuncs(L, methods, 0);
  lua_pop(L, 2);
}
