/*
** fuzz_lua.h: an embedded Lua 5.4 state for the fuzz targets that go
** through the Lua API (queries, index files). The core is linked in and
** preloaded as rostra.core; the Lua modules come from $ROSTRA_ROOT/lua
** (default: the current directory is the repository's root).
*/
#ifndef FUZZ_LUA_H
#define FUZZ_LUA_H

#include <stdio.h>
#include <stdlib.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

int luaopen_rostra_core(lua_State *L);

static lua_State *fuzz_L;

/* a new state with rostra on its path; runs the setup chunk, which must
** define the global function `fuzz` */
static void fuzz_lua_init(const char *setup) {
  const char *root = getenv("ROSTRA_ROOT");
  lua_State *L = luaL_newstate();
  if (!root) root = ".";
  luaL_openlibs(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, luaopen_rostra_core);
  lua_setfield(L, -2, "rostra.core");
  lua_pop(L, 1);
  lua_pushstring(L, root);
  lua_setglobal(L, "ROOT");
  if (luaL_dostring(L, "package.path = ROOT .. '/lua/?.lua;' .. ROOT .. '/lua/?/init.lua;' .. package.path") ||
      luaL_dostring(L, setup)) {
    fprintf(stderr, "fuzz setup failed: %s\n(set ROSTRA_ROOT to the repository)\n", lua_tostring(L, -1));
    exit(1);
  }
  fuzz_L = L;
}

/* fuzz(s): an error escaping it (not one raised inside its pcalls) means a
** broken invariant, and aborts */
static void fuzz_lua_call(const char *s, size_t n) {
  lua_State *L = fuzz_L;
  static unsigned runs;
  lua_getglobal(L, "fuzz");
  lua_pushlstring(L, s, n);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    fprintf(stderr, "fuzz: %s\n", lua_tostring(L, -1));
    abort();
  }
  if (++runs % 64 == 0) lua_gc(L, LUA_GCCOLLECT);
}

#endif
