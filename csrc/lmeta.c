/*
** lmeta.c: the metadata blob of an index, Lua values to bytes and back.
**
** A value is a tag byte and its body, little-endian:
**   's' u32 length, bytes     a string (and any value that is not one of
**                             the others, as tostring gives it)
**   'i' i64                   an integer
**   'n' f64                   a float
**   'T' / 'F'                 a boolean
**   't' u32 count, then count (key, value) pairs, the keys in the byte
**       order of their tostring (so equal tables give equal bytes)
** core.meta_encode(v) -> string; core.meta_decode(s) -> v, or raises
** "corrupt index: bad metadata" for bytes that are not such a value.
*/
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "index.h"
#include "lrostra.h"
#include "metablob.h"

/* tables nested deeper than this are refused (a cycle, most likely) */
#define META_DEPTH 200

/* {====================================================== encoding */

/* the output: bytes in a userdata at stack index BOX, replaced by a larger
** one when full (so an error anywhere leaks nothing) */
#define BOX 2

typedef struct wbuf {
  char *p;
  size_t n, cap;
} wbuf;

static void wgrow(lua_State *L, wbuf *W, size_t more) {
  size_t cap = W->cap ? W->cap : 256;
  char *np;
  if (more > ((size_t)-1) / 4 - W->n) luaL_error(L, "metadata too large");
  while (cap - W->n < more) cap *= 2;
  np = (char *)lua_newuserdatauv(L, cap, 0);
  if (W->n) memcpy(np, W->p, W->n);
  lua_replace(L, BOX);
  W->p = np;
  W->cap = cap;
}

static void wadd(lua_State *L, wbuf *W, const void *s, size_t n) {
  if (W->cap - W->n < n) wgrow(L, W, n);
  memcpy(W->p + W->n, s, n);
  W->n += n;
}

static void wtag(lua_State *L, wbuf *W, char c) { wadd(L, W, &c, 1); }

static void put_u32(lua_State *L, wbuf *W, uint32_t x) {
  char b[4];
  int i;
  for (i = 0; i < 4; i++) b[i] = (char)((x >> (8 * i)) & 0xFF);
  wadd(L, W, b, 4);
}

static void put_u64(lua_State *L, wbuf *W, uint64_t x) {
  char b[8];
  int i;
  for (i = 0; i < 8; i++) b[i] = (char)((x >> (8 * i)) & 0xFF);
  wadd(L, W, b, 8);
}

static void put_str(lua_State *L, wbuf *W, const char *s, size_t n) {
  if (n > 0xFFFFFFFFu) luaL_error(L, "metadata string too long");
  wtag(L, W, 's');
  put_u32(L, W, (uint32_t)n);
  wadd(L, W, s, n);
}

typedef struct mkey {
  const char *s; /* tostring of the key (anchored in the key table) */
  size_t n;
  int slot;      /* the key's index in the key table */
} mkey;

static int key_cmp(const void *x, const void *y) {
  const mkey *a = (const mkey *)x, *b = (const mkey *)y;
  size_t n = a->n < b->n ? a->n : b->n;
  int c = memcmp(a->s, b->s, n);
  if (c) return c;
  if (a->n != b->n) return a->n < b->n ? -1 : 1;
  return a->slot < b->slot ? -1 : a->slot > b->slot; /* 1 and "1": first met first */
}

static void enc(lua_State *L, wbuf *W, int idx, int depth);

/* the table at idx, its keys in the byte order of their tostring */
static void enc_table(lua_State *L, wbuf *W, int idx, int depth) {
  int keys, n = 0, i;
  mkey *k;
  if (depth > META_DEPTH) luaL_error(L, "metadata nested more than %d deep (a cycle?)", META_DEPTH);
  luaL_checkstack(L, 8, "metadata");
  lua_newtable(L); /* keys 1..n, then their texts n+1..2n */
  keys = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_rawseti(L, keys, ++n);
  }
  k = (mkey *)lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *k, 0);
  for (i = 1; i <= n; i++) {
    lua_rawgeti(L, keys, i);
    luaL_tolstring(L, -1, NULL);
    k[i - 1].s = lua_tolstring(L, -1, &k[i - 1].n);
    lua_rawseti(L, keys, n + i); /* anchors the text */
    lua_pop(L, 1);
    k[i - 1].slot = i;
  }
  if (n > 1) qsort(k, (size_t)n, sizeof *k, key_cmp);
  wtag(L, W, 't');
  put_u32(L, W, (uint32_t)n);
  for (i = 0; i < n; i++) {
    lua_rawgeti(L, keys, k[i].slot);
    enc(L, W, lua_gettop(L), depth + 1);
    lua_rawget(L, idx);
    enc(L, W, lua_gettop(L), depth + 1);
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
}

/* add the value at idx; the stack is left as it was */
static void enc(lua_State *L, wbuf *W, int idx, int depth) {
  switch (lua_type(L, idx)) {
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    put_str(L, W, s, n);
    break;
  }
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) {
      wtag(L, W, 'i');
      put_u64(L, W, (uint64_t)lua_tointeger(L, idx));
    } else {
      union {
        double d;
        uint64_t u;
      } x;
      x.d = (double)lua_tonumber(L, idx);
      wtag(L, W, 'n');
      put_u64(L, W, x.u);
    }
    break;
  case LUA_TBOOLEAN:
    wtag(L, W, lua_toboolean(L, idx) ? 'T' : 'F');
    break;
  case LUA_TTABLE:
    enc_table(L, W, idx, depth);
    break;
  default: {
    size_t n;
    const char *s = luaL_tolstring(L, idx, &n);
    put_str(L, W, s, n);
    lua_pop(L, 1);
  }
  }
}

static int l_meta_encode(lua_State *L) {
  wbuf W = {NULL, 0, 0};
  luaL_checkany(L, 1);
  lua_settop(L, 1);
  lua_pushnil(L); /* the box */
  enc(L, &W, 1, 0);
  lua_pushlstring(L, W.p ? W.p : "", W.n);
  return 1;
}

/* }====================================================== */

/* {====================================================== decoding */

typedef struct dec {
  const unsigned char *s;
  size_t n, i;
} dec;

static int bad(lua_State *L) { return luaL_error(L, "corrupt index: bad metadata"); }

static uint64_t get_n(lua_State *L, dec *D, int k) {
  uint64_t x = 0;
  int j;
  if (D->n - D->i < (size_t)k) bad(L);
  for (j = 0; j < k; j++) x |= (uint64_t)D->s[D->i + (size_t)j] << (8 * j);
  D->i += (size_t)k;
  return x;
}

static void dec_value(lua_State *L, dec *D, int depth) {
  int tag;
  if (depth > META_DEPTH) bad(L);
  if (D->i >= D->n) bad(L);
  tag = D->s[D->i++];
  luaL_checkstack(L, 4, "metadata");
  switch (tag) {
  case 's': {
    uint64_t len = get_n(L, D, 4);
    if (D->n - D->i < len) bad(L);
    lua_pushlstring(L, (const char *)D->s + D->i, (size_t)len);
    D->i += (size_t)len;
    break;
  }
  case 'i':
    lua_pushinteger(L, (lua_Integer)get_n(L, D, 8));
    break;
  case 'n': {
    union { double d; uint64_t u; } x;
    x.u = get_n(L, D, 8);
    lua_pushnumber(L, (lua_Number)x.d);
    break;
  }
  case 'T':
    lua_pushboolean(L, 1);
    break;
  case 'F':
    lua_pushboolean(L, 0);
    break;
  case 't': {
    uint64_t cnt = get_n(L, D, 4), j;
    /* each pair takes at least two bytes: no more room than the bytes left */
    size_t room = (D->n - D->i) / 2;
    size_t pre = cnt < room ? (size_t)cnt : room;
    lua_createtable(L, 0, (int)(pre < (1u << 20) ? pre : (1u << 20)));
    for (j = 0; j < cnt; j++) {
      dec_value(L, D, depth + 1);
      if (lua_type(L, -1) == LUA_TNUMBER && lua_tonumber(L, -1) != lua_tonumber(L, -1))
        bad(L); /* NaN: a key no table takes (nil never decodes) */
      dec_value(L, D, depth + 1);
      lua_rawset(L, -3);
    }
    break;
  }
  default:
    bad(L);
  }
}

static int l_meta_decode(lua_State *L) {
  size_t n;
  dec D;
  D.s = (const unsigned char *)luaL_checklstring(L, 1, &n);
  D.n = n;
  D.i = 0;
  dec_value(L, &D, 0);
  if (D.i != D.n) bad(L); /* trailing bytes */
  return 1;
}

/* }====================================================== */

/* {====================================================== the blob read in place */

/* A directory of an index's blob (metablob.c), kept by Lua on the root
** corpus: a speech's metadata, or one key of every speech, decoded when
** asked for. Its user value is the corpus handle; every method reads the
** blob through it, so a closed corpus raises. */
#define DIR_MT "rostra.metadir"

typedef struct ldir {
  rs_mem *M;
  rs_mdir D;
} ldir;

static int dir_gc(lua_State *L) {
  ldir *d = (ldir *)luaL_checkudata(L, 1, DIR_MT);
  rs_mdir_free(d->M, &d->D);
  return 0;
}

/* the directory at index i, pointed at the blob of its open corpus */
static ldir *check_dir(lua_State *L, int i, const rs_index **ixp) {
  ldir *d = (ldir *)luaL_checkudata(L, i, DIR_MT);
  const rs_index *ix;
  lua_getiuservalue(L, i, 1);
  ix = rsl_corpus_index(L, lua_gettop(L));
  lua_pop(L, 1);
  if (ix->ndoc != d->D.ndoc || ix->metalen != d->D.len)
    luaL_error(L, "the corpus changed since its metadata was read");
  d->D.blob = ix->meta;
  if (ixp) *ixp = ix;
  return d;
}

/* core.meta_dir(h) -> the directory of the metadata of an index */
static int l_meta_dir(lua_State *L) {
  const rs_index *ix = rsl_corpus_index(L, 1);
  ldir *d = (ldir *)lua_newuserdatauv(L, sizeof *d, 1);
  int err;
  memset(d, 0, sizeof *d);
  d->M = rsl_mem(L);
  luaL_setmetatable(L, DIR_MT);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1);
  err = rs_mdir_build(d->M, ix->meta, (size_t)ix->metalen, ix->ndoc, &d->D);
  if (err == RS_ENOMEM) return rsl_raise(L, err, NULL);
  if (err) return bad(L);
  return 1;
}

static void push_value(lua_State *L, const ldir *d, const rs_mval *v) {
  dec D;
  D.s = d->D.blob;
  D.n = d->D.len;
  D.i = v->off;
  dec_value(L, &D, 1);
}

/* dir:of(d) -> the metadata table of speech d, or nil */
static int d_of(lua_State *L) {
  ldir *d = check_dir(L, 1, NULL);
  lua_Integer k = luaL_checkinteger(L, 2);
  rs_mval v;
  if (k < 1 || (lua_Unsigned)k > d->D.ndoc || !d->D.off[k - 1]) return 0;
  if (rs_mv_read(d->D.blob, d->D.len, (size_t)d->D.off[k - 1], &v)) return bad(L);
  push_value(L, d, &v);
  return 1;
}

/* dir:extra() -> the extra table (warnings, names), or an empty one */
static int d_extra(lua_State *L) {
  ldir *d = check_dir(L, 1, NULL);
  rs_mval v;
  if (!d->D.extra) {
    lua_newtable(L);
    return 1;
  }
  if (rs_mv_read(d->D.blob, d->D.len, (size_t)d->D.extra, &v)) return bad(L);
  push_value(L, d, &v);
  return 1;
}

/* dir:values(key) -> {[d] = value of key} for every speech that has it */
static int d_values(lua_State *L) {
  ldir *d = check_dir(L, 1, NULL);
  size_t kl;
  const char *key = luaL_checklstring(L, 2, &kl);
  uint32_t k;
  lua_createtable(L, (int)d->D.ndoc, 0);
  for (k = 0; k < d->D.ndoc; k++) {
    rs_mval v;
    int r = rs_mdir_get(&d->D, k, key, kl, &v);
    if (r < 0) return bad(L);
    if (r == 0) continue;
    push_value(L, d, &v);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

typedef struct keyctx {
  lua_State *L;
  int list, count; /* stack indices */
} keyctx;

static int key_cb(void *ud, const rs_mval *k, const rs_mval *v) {
  keyctx *c = (keyctx *)ud;
  lua_State *L = c->L;
  (void)v;
  if (k->tag != 's') return 0;
  lua_pushlstring(L, k->s, k->n);
  lua_pushvalue(L, -1);
  if (lua_rawget(L, c->count) == LUA_TNIL) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_rawseti(L, c->list, (lua_Integer)lua_rawlen(L, c->list) + 1);
    lua_pushinteger(L, 1);
  } else {
    lua_Integer n = lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_pushinteger(L, n + 1);
  }
  lua_rawset(L, c->count);
  return 0;
}

/* dir:keys([mask]) -> the string keys in the order first met, {[key] =
** speeches having it} (of the speeches of mask, or all) */
static int d_keys(lua_State *L) {
  ldir *d = check_dir(L, 1, NULL);
  size_t ml = 0;
  const char *mask = luaL_optlstring(L, 2, NULL, &ml);
  keyctx c;
  uint32_t k;
  if (mask && ml != d->D.ndoc) return luaL_argerror(L, 2, "speech mask of the wrong size");
  lua_settop(L, 2);
  lua_newtable(L);
  lua_newtable(L);
  c.L = L;
  c.list = 3;
  c.count = 4;
  for (k = 0; k < d->D.ndoc; k++) {
    if ((mask && !mask[k]) || !d->D.off[k]) continue;
    if (rs_mdir_pairs(&d->D, (size_t)d->D.off[k], key_cb, &c)) return bad(L);
  }
  return 2;
}

/* {====================================================== selecting speeches */

/* a metadata value as Lua's tostring writes it, into buf (cap 64), or its
** bytes for a string; 0 for a table */
static size_t value_text(const rs_mval *v, char *buf, const char **s) {
  int n;
  *s = buf;
  switch (v->tag) {
  case 's':
    *s = v->s;
    return v->n;
  case 'i': return (size_t)snprintf(buf, 64, "%lld", (long long)v->i);
  case 'n':
    n = snprintf(buf, 64, "%.14g", v->d);
    if (buf[strspn(buf, "-0123456789")] == '\0') {
      buf[n++] = '.';
      buf[n++] = '0';
      buf[n] = 0;
    }
    return (size_t)n;
  case 'T': memcpy(buf, "true", 5); return 4;
  case 'F': memcpy(buf, "false", 6); return 5;
  default: return 0;
  }
}

/* is the metadata value v equal to the Lua value at index w (as c:where
** compares: v == w, or their tostring are equal)? */
static int value_eq(lua_State *L, const rs_mval *v, int w) {
  char buf[64];
  const char *s;
  size_t n, wl;
  const char *ws;
  if (v->tag == 't') return 0;
  if (lua_type(L, w) == LUA_TNUMBER) {
    if (v->tag == 'i' && lua_isinteger(L, w)) return v->i == lua_tointeger(L, w);
    if (v->tag == 'i' || v->tag == 'n') {
      lua_Number x = lua_tonumber(L, w);
      if (v->tag == 'n' && v->d == x) return 1;
      if (v->tag == 'i') {
        lua_pushinteger(L, v->i);
        n = (size_t)lua_compare(L, -1, w, LUA_OPEQ);
        lua_pop(L, 1);
        if (n) return 1;
      }
    }
  }
  n = value_text(v, buf, &s);
  ws = luaL_tolstring(L, w, &wl);
  lua_pop(L, 1); /* the text is anchored by w (a string) or interned */
  return n == wl && memcmp(s, ws, n) == 0;
}

/* the Lua comparison of v with the value at index w: -1, 0, 1, or 2 when
** not comparable (another type) */
static int value_cmp(lua_State *L, const rs_mval *v, int w) {
  int t = lua_type(L, w), r;
  if (t == LUA_TNUMBER && (v->tag == 'i' || v->tag == 'n')) {
    if (v->tag == 'i') lua_pushinteger(L, v->i);
    else lua_pushnumber(L, v->d);
    r = lua_compare(L, -1, w, LUA_OPLT) ? -1 : lua_compare(L, -1, w, LUA_OPEQ) ? 0 : 1;
    lua_pop(L, 1);
    return r;
  }
  if (t == LUA_TSTRING && v->tag == 's') {
    lua_pushlstring(L, v->s, v->n);
    r = lua_compare(L, -1, w, LUA_OPLT) ? -1 : lua_compare(L, -1, w, LUA_OPEQ) ? 0 : 1;
    lua_pop(L, 1);
    return r;
  }
  return 2;
}

/* dir:mask(key, want [, base]) -> a mask (a byte per speech, 1 in): the
** speeches of base (a mask, or all) whose value of key matches want as
** c:where{key = want} matches: a value, a list of values (any), or a range
** {min =, max =} (values of the type of its bounds) */
static int d_mask(lua_State *L) {
  ldir *d = check_dir(L, 1, NULL);
  size_t kl, bl = 0;
  const char *key = luaL_checklstring(L, 2, &kl);
  const char *base = luaL_optlstring(L, 4, NULL, &bl);
  int range = 0, list = 0, hasmin, hasmax;
  lua_Integer nlist = 0, j;
  uint32_t k;
  luaL_Buffer B;
  char *out;
  luaL_checkany(L, 3);
  if (base && bl != d->D.ndoc) return luaL_argerror(L, 4, "speech mask of the wrong size");
  lua_settop(L, 4);
  if (lua_istable(L, 3)) {
    lua_getfield(L, 3, "min"); /* 5 */
    lua_getfield(L, 3, "max"); /* 6 */
    hasmin = !lua_isnil(L, 5);
    hasmax = !lua_isnil(L, 6);
    range = hasmin || hasmax;
    if (!range) {
      list = 1;
      nlist = (lua_Integer)lua_rawlen(L, 3);
    }
  } else {
    hasmin = hasmax = 0;
    lua_pushnil(L);
    lua_pushnil(L);
  }
  out = luaL_buffinitsize(L, &B, d->D.ndoc ? d->D.ndoc : 1);
  for (k = 0; k < d->D.ndoc; k++) {
    rs_mval v;
    int r, in = 0;
    out[k] = 0;
    if (base && !base[k]) continue;
    r = rs_mdir_get(&d->D, k, key, kl, &v);
    if (r < 0) return bad(L);
    if (r > 0) {
      if (range) {
        int lo = hasmin ? value_cmp(L, &v, 5) : 0, hi = hasmax ? value_cmp(L, &v, 6) : 0;
        /* a value of another type than the bounds is out */
        in = lo != 2 && hi != 2 && (!hasmin || lo >= 0) && (!hasmax || hi <= 0);
      } else if (list) {
        for (j = 1; j <= nlist && !in; j++) {
          lua_rawgeti(L, 3, j);
          in = value_eq(L, &v, lua_gettop(L));
          lua_pop(L, 1);
        }
      } else {
        in = value_eq(L, &v, 3);
      }
    }
    out[k] = (char)(in ? 1 : 0);
  }
  luaL_pushresultsize(&B, d->D.ndoc);
  return 1;
}

/* }====================================================== */

/* }====================================================== */

void rsl_open_meta(lua_State *L) {
  static const luaL_Reg fns[] = {{"meta_encode", l_meta_encode}, {"meta_decode", l_meta_decode},
                                 {"meta_dir", l_meta_dir}, {NULL, NULL}};
  static const luaL_Reg dmethods[] = {{"of", d_of},     {"extra", d_extra}, {"values", d_values},
                                      {"keys", d_keys}, {"mask", d_mask},   {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
  if (luaL_newmetatable(L, DIR_MT)) {
    luaL_newlib(L, dmethods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, dir_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
}
