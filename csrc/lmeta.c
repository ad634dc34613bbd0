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

#include "lrostra.h"

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

void rsl_open_meta(lua_State *L) {
  static const luaL_Reg fns[] = {{"meta_encode", l_meta_encode}, {"meta_decode", l_meta_decode}, {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
}
