/*
** lfront.c: core.frontmatter(text [, name]), the YAML front matter of a
** transcript as a Lua table (engine: front.c).
*/
#include <math.h>
#include <string.h>

#include "front.h"
#include "lrostra.h"

#define FRONT_MT "rostra.frontmatter"

/* The engine's tree lives in this userdata, marked to-be-closed, while the
** Lua tables are built: an error (out of memory, stack overflow) in
** between closes it and frees the tree; __gc is a second guard. */
typedef struct lfront {
  rs_front fm;
  rs_mem *M; /* NULL until the tree may hold something */
} lfront;

static int front_release(lua_State *L) {
  lfront *u = (lfront *)luaL_checkudata(L, 1, FRONT_MT);
  if (u->M) rs_front_free(u->M, &u->fm);
  return 0;
}

/* an integer scalar: decimal (a float when it does not fit), 0o or 0x */
static void push_int(lua_State *L, const char *s, size_t len) {
  if (len > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
    unsigned base = s[1] == 'o' ? 8 : 16;
    lua_Unsigned u = 0;
    lua_Number f = 0;
    int fits = 1;
    size_t i;
    for (i = 2; i < len; i++) {
      int c = (unsigned char)s[i];
      unsigned d = c <= '9' ? (unsigned)(c - '0')
                            : (unsigned)((c | 0x20) - 'a' + 10);
      if (fits && u > ((lua_Unsigned)LUA_MAXINTEGER - d) / base) fits = 0;
      u = u * base + d;
      f = f * base + d;
    }
    if (fits) lua_pushinteger(L, (lua_Integer)u);
    else lua_pushnumber(L, f);
    return;
  }
  if (lua_stringtonumber(L, s) == 0) lua_pushlstring(L, s, len);
}

static void push_float(lua_State *L, const char *s, size_t len) {
  const char *t = (s[0] == '-' || s[0] == '+') ? s + 1 : s;
  if (t[0] == '.' && (t[1] == 'i' || t[1] == 'I'))
    lua_pushnumber(L, s[0] == '-' ? -HUGE_VAL : HUGE_VAL);
  else if (t[0] == '.' && (t[1] == 'n' || t[1] == 'N'))
    lua_pushnumber(L, (lua_Number)NAN);
  else if (lua_stringtonumber(L, s) == 0)
    lua_pushlstring(L, s, len);
}

/* pushes the Lua value of v and returns 1, or pushes nothing and returns 0
** for a null (a key with a null value is absent; a null item of a sequence
** is left out) */
static int push_value(lua_State *L, const rs_fm_node *v) {
  const rs_fm_node *c;
  lua_Integer i = 0;
  luaL_checkstack(L, 4, "front matter nested too deeply");
  switch (v->kind) {
    case RS_FM_MAP:
      lua_createtable(L, 0, v->n > 1000 ? 1000 : (int)v->n);
      for (c = v->child; c; c = c->next) {
        lua_pushlstring(L, c->key, c->keylen);
        if (push_value(L, c)) lua_rawset(L, -3);
        else lua_pop(L, 1);
      }
      return 1;
    case RS_FM_SEQ:
      lua_createtable(L, v->n > 10000 ? 10000 : (int)v->n, 0);
      for (c = v->child; c; c = c->next)
        if (push_value(L, c)) lua_rawseti(L, -2, ++i);
      return 1;
    default:
      switch (v->type) {
        case RS_FMT_NULL:
          return 0;
        case RS_FMT_BOOL: /* true True TRUE false False FALSE */
          lua_pushboolean(L, v->str[0] == 't' || v->str[0] == 'T');
          break;
        case RS_FMT_INT:
          push_int(L, v->str, v->len);
          break;
        case RS_FMT_FLOAT:
          push_float(L, v->str, v->len);
          break;
        default:
          lua_pushlstring(L, v->str, v->len);
          break;
      }
      return 1;
  }
}

void rsl_push_front(lua_State *L, const struct rs_fm_node *root) {
  if (root) push_value(L, root);
  else lua_newtable(L);
}

/* frontmatter(text [, name]) -> meta, body_offset
**   | nil, "NAME:LINE:COL: message", "EPARSE" */
static int l_frontmatter(lua_State *L) {
  size_t n, body = 0;
  const char *text = rsl_checktext(L, 1, &n);
  const char *name = luaL_optstring(L, 2, "input");
  rs_mem *M = rsl_mem(L);
  lfront *u;
  int rc;
  lua_settop(L, 2);
  u = (lfront *)lua_newuserdatauv(L, sizeof *u, 0);
  u->M = NULL;
  u->fm.root = NULL;
  luaL_setmetatable(L, FRONT_MT);
  lua_toclose(L, 3);
  u->M = M;
  rc = rs_front_parse(M, text, n, &u->fm, &body);
  if (rc == RS_EPARSE) {
    const char *msg =
        lua_pushfstring(L, "%s:%I:%I: %s", name, (lua_Integer)u->fm.err_line,
                        (lua_Integer)u->fm.err_col, u->fm.err_msg);
    return rsl_fail(L, msg, "EPARSE");
  }
  if (rc != RS_OK) return rsl_raise(L, rc, NULL);
  rsl_push_front(L, u->fm.root);
  rs_front_free(M, &u->fm);
  lua_pushinteger(L, (lua_Integer)body + 1);
  return 2;
}

void rsl_open_front(lua_State *L) {
  luaL_newmetatable(L, FRONT_MT);
  lua_pushcfunction(L, front_release);
  lua_setfield(L, -2, "__close");
  lua_pushcfunction(L, front_release);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
  lua_pushcfunction(L, l_frontmatter);
  lua_setfield(L, -2, "frontmatter");
}
