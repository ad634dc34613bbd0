/*
** lannot.c: Lua binding of the vertical file writer (vrt.c). Adds to the
** corpus handle h:export_vrt(path, mask, text_tags) -> true | nil, message,
** code; lua/rostra/vrt.lua builds c:export_vrt on it.
*/
#include <errno.h>
#include <string.h>

#include "annot.h"
#include "lrostra.h"

static int l_export_vrt(lua_State *L) {
  const rs_index *ix = rsl_corpus_index(L, 1);
  const char *path = rsl_checktext(L, 2, NULL), *mask = NULL, **tags;
  char msg[512];
  int en = 0, err;
  uint32_t d;
  if (!lua_isnoneornil(L, 3)) {
    size_t n;
    mask = luaL_checklstring(L, 3, &n);
    if (n != ix->ndoc) return luaL_argerror(L, 3, "speech mask of the wrong size");
  }
  luaL_checktype(L, 4, LUA_TTABLE);
  tags = (const char **)lua_newuserdatauv(L, (ix->ndoc ? ix->ndoc : 1) * sizeof *tags, 0);
  for (d = 0; d < ix->ndoc; d++) {
    lua_rawgeti(L, 4, (lua_Integer)d + 1);
    tags[d] = lua_tostring(L, -1); /* anchored by the table */
    lua_pop(L, 1);
  }
  err = rs_vrt_write(rsl_mem(L), ix, mask, tags, path, msg, sizeof msg, &en);
  if (err == RS_ENOMEM) return rsl_raise(L, err, NULL);
  if (err) return rsl_fail(L, msg, rsl_errno_code(en));
  lua_pushboolean(L, 1);
  return 1;
}

void rsl_open_annot(lua_State *L) {
  luaL_getmetatable(L, "rostra.corpus");
  lua_getfield(L, -1, "__index");
  lua_pushcfunction(L, l_export_vrt);
  lua_setfield(L, -2, "export_vrt");
  lua_pop(L, 2);
}
