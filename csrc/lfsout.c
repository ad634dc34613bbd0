/*
** lfsout.c: Lua binding of the output files (fsout.c), the one way every
** export and the command write a file.
**   core.output(path [, forbid]) -> writer | nil, message, code
**     forbid: a table whose keys are file ids ("dev:ino", core.file_id)
**     and values the names to show: a target that is one of them, or an
**     index open in this process, is refused with code "ESAME" before
**     anything is written.
**   writer:write(s) -> true | nil, message, code
**   writer:commit() -> true | nil, message, code (the file takes its place)
**   writer:abort()   (also __gc and __close: the target stays untouched)
**   writer:kind()    "file" (replaced at commit) or "direct" (a device,
**                    FIFO or stream written straight)
**   core.file_id(path) -> "dev:ino", kind | nil, message, code
**     kind: "file", "folder", "character device", "FIFO", ...
**   core.index_is_open(path) -> is it an index open in this process?
*/
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fsout.h"
#include "index.h"
#include "lrostra.h"

#define WRITER_MT "rostra.output"

typedef struct lwriter {
  rs_mem *M;
  rs_out o;
  int open;
  char path[1]; /* as given, for messages (allocated with the userdata) */
} lwriter;

static int fail_errno(lua_State *L, const char *msg, int e) {
  return rsl_fail(L, msg, rsl_errno_code(e));
}

static void push_id(lua_State *L, dev_t dev, ino_t ino) {
  lua_pushfstring(L, "%I:%I", (lua_Integer)dev, (lua_Integer)ino);
}

static int l_file_id(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  dev_t dev;
  ino_t ino;
  int kind, e = rs_file_id(path, &dev, &ino, &kind);
  if (e) return fail_errno(L, lua_pushfstring(L, "%s: %s", path, strerror(e)), e);
  push_id(L, dev, ino);
  lua_pushstring(L, kind == RS_FK_FILE ? "file" : rs_fk_name(kind));
  return 2;
}

/* core.index_is_open(path) -> is the file an index open in this process? */
static int l_index_is_open(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  dev_t dev;
  ino_t ino;
  int kind;
  lua_pushboolean(L, rs_file_id(path, &dev, &ino, &kind) == 0 && kind == RS_FK_FILE &&
                         rs_index_file_open((uint64_t)dev, (uint64_t)ino));
  return 1;
}

static lwriter *check_writer(lua_State *L) {
  lwriter *w = (lwriter *)luaL_checkudata(L, 1, WRITER_MT);
  if (!w->open) luaL_error(L, "attempt to use a closed output (%s)", w->path);
  return w;
}

struct rs_out *rsl_output_test(lua_State *L, int i) {
  lwriter *w = (lwriter *)luaL_testudata(L, i, WRITER_MT);
  if (!w) return NULL;
  if (!w->open) luaL_error(L, "attempt to use a closed output (%s)", w->path);
  return &w->o;
}

int rsl_output_fail(lua_State *L, int i, int e) {
  lwriter *w = (lwriter *)luaL_checkudata(L, i, WRITER_MT);
  return fail_errno(L, lua_pushfstring(L, "%s: %s", w->path, strerror(e)), e);
}

static int w_abort(lua_State *L) {
  lwriter *w = (lwriter *)luaL_checkudata(L, 1, WRITER_MT);
  if (w->open) {
    w->open = 0;
    rs_out_abort(w->M, &w->o);
  }
  return 0;
}

static int w_write(lua_State *L) {
  lwriter *w = check_writer(L);
  size_t n;
  const char *s = luaL_checklstring(L, 2, &n);
  int e = rs_out_write(&w->o, s, n);
  if (e) return fail_errno(L, lua_pushfstring(L, "%s: %s", w->path, strerror(e)), e);
  lua_pushboolean(L, 1);
  return 1;
}

static int w_commit(lua_State *L) {
  lwriter *w = check_writer(L);
  char msg[512];
  int e;
  w->open = 0;
  e = rs_out_commit(w->M, &w->o, w->path, msg, sizeof msg);
  if (e == ENOMEM) return rsl_raise(L, RS_ENOMEM, NULL);
  if (e) return fail_errno(L, msg, e);
  lua_pushboolean(L, 1);
  return 1;
}

static int w_kind(lua_State *L) {
  lwriter *w = check_writer(L);
  lua_pushstring(L, w->o.direct ? "direct" : "file");
  return 1;
}

static int w_tostring(lua_State *L) {
  lwriter *w = (lwriter *)luaL_checkudata(L, 1, WRITER_MT);
  lua_pushfstring(L, "rostra.output (%s%s)", w->path, w->open ? "" : ", closed");
  return 1;
}

static int l_output(lua_State *L) {
  size_t len;
  const char *path = luaL_checklstring(L, 1, &len);
  lwriter *w;
  char msg[512];
  int e, kind;
  dev_t dev;
  ino_t ino;
  if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
  /* one of the inputs, or an index being read: refused before anything */
  if (rs_file_id(path, &dev, &ino, &kind) == 0 && kind == RS_FK_FILE) {
    if (!lua_isnoneornil(L, 2)) {
      push_id(L, dev, ino);
      if (lua_gettable(L, 2) != LUA_TNIL) {
        const char *what = lua_tostring(L, -1);
        lua_pushfstring(L, "%s: this is the input %s; refusing to write over it", path,
                        what ? what : path);
        return rsl_fail(L, lua_tostring(L, -1), "ESAME");
      }
      lua_pop(L, 1);
    }
    if (rs_index_file_open((uint64_t)dev, (uint64_t)ino)) {
      lua_pushfstring(L, "%s: this is an index being read; refusing to write over it", path);
      return rsl_fail(L, lua_tostring(L, -1), "ESAME");
    }
  }
  w = (lwriter *)lua_newuserdatauv(L, sizeof *w + len, 0);
  memset(w, 0, sizeof *w);
  memcpy(w->path, path, len + 1);
  w->M = rsl_mem(L);
  w->o.fd = -1;
  luaL_setmetatable(L, WRITER_MT);
  e = rs_out_open(w->M, &w->o, path, 0, msg, sizeof msg);
  if (e == ENOMEM) return rsl_raise(L, RS_ENOMEM, NULL);
  if (e) return fail_errno(L, msg, e);
  w->open = 1;
  return 1;
}

void rsl_open_fsout(lua_State *L) {
  static const luaL_Reg methods[] = {{"write", w_write}, {"commit", w_commit}, {"abort", w_abort},
                                     {"kind", w_kind}, {NULL, NULL}};
  static const luaL_Reg fns[] = {{"output", l_output}, {"file_id", l_file_id},
                                 {"index_is_open", l_index_is_open}, {NULL, NULL}};
  if (luaL_newmetatable(L, WRITER_MT)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, w_abort);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, w_abort);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, w_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pop(L, 1);
  luaL_setfuncs(L, fns, 0);
}
