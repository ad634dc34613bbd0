/*
** lrostra.c: luaopen_rostra_core, the allocator hook bound to the Lua
** state, and the helpers every binding file shares.
*/
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cjk.h"
#include "lrostra.h"

/* {====================================================== allocator hook */

/* One per Lua state, kept in the registry as a full userdata so it lives
** exactly as long as the state. The countdown makes the k-th allocation
** of the core fail (core._failalloc), for the allocation-failure runs. */
typedef struct rsl_memhook {
  rs_mem mem;
  lua_Alloc f; /* the state's allocator */
  void *ud;
  long countdown; /* < 0: off; 0: fail every allocation from now on */
  long count;     /* allocations made by the core while counting */
} rsl_memhook;

static const char MEMKEY = 'm';

static void *hook_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  rsl_memhook *h = (rsl_memhook *)ud;
  if (nsize > 0 && h->countdown >= 0) {
    h->count++;
    if (h->countdown == 0) return NULL;
    h->countdown--;
  }
  return h->f(h->ud, ptr, osize, nsize);
}

rs_mem *rsl_mem(lua_State *L) {
  rsl_memhook *h;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &MEMKEY);
  h = (rsl_memhook *)lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (h == NULL) { /* first use: create it */
    h = (rsl_memhook *)lua_newuserdatauv(L, sizeof *h, 0);
    h->f = lua_getallocf(L, &h->ud);
    h->countdown = -1;
    h->count = 0;
    h->mem.f = hook_alloc;
    h->mem.ud = h;
    lua_rawsetp(L, LUA_REGISTRYINDEX, &MEMKEY);
  }
  return &h->mem;
}

/* core._failalloc(k): the k-th core allocation from now on fails, and every
** one after it (k >= 1); core._failalloc(nil) turns it off and returns the
** number of allocations counted */
static int l_failalloc(lua_State *L) {
  rsl_memhook *h = (rsl_memhook *)rsl_mem(L)->ud;
  long counted = h->count;
  if (lua_isnoneornil(L, 1)) {
    h->countdown = -1;
  } else {
    lua_Integer k = luaL_checkinteger(L, 1);
    luaL_argcheck(L, k >= 1, 1, "k must be at least 1");
    h->countdown = (long)(k - 1);
  }
  h->count = 0;
  lua_pushinteger(L, counted);
  return 1;
}

/* }====================================================== */

int rsl_raise(lua_State *L, int code, const char *msg) {
  if (code == RS_ENOMEM) return luaL_error(L, "not enough memory");
  return luaL_error(L, "%s", msg ? msg : rs_errname(code));
}

int rsl_fail(lua_State *L, const char *msg, const char *code) {
  lua_pushnil(L);
  lua_pushstring(L, msg);
  lua_pushstring(L, code);
  return 3;
}

const char *rsl_errno_code(int e) {
  switch (e) {
    case ENOENT: return "ENOENT";
    case EACCES: case EPERM: return "EACCES";
    case EISDIR: return "EISDIR";
    case ENOTDIR: return "ENOTDIR";
    case ENOSPC: case EDQUOT: return "ENOSPC";
    case EROFS: return "EROFS";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    default: return "EIO";
  }
}

const char *rsl_checktext(lua_State *L, int i, size_t *len) {
  if (lua_type(L, i) != LUA_TSTRING) luaL_typeerror(L, i, "string");
  return lua_tolstring(L, i, len);
}

/* {====================================================== Ctrl-C

** core.catch_interrupt(true) installs a SIGINT handler (the REPL does,
** around each evaluation; false puts the old one back). On Ctrl-C it asks
** the running C loops to stop (rs_interrupt: the matcher returns RS_EINTR)
** and sets a hook on the main Lua thread, as lua.c does, which raises
** "interrupted" at the next Lua instruction. */

static lua_State *volatile sig_L;
static struct sigaction old_sigint;
static int sigint_on;

static void stop_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  rs_interrupt(0);
  lua_pushliteral(L, "interrupted");
  lua_error(L);
}

static void on_sigint(int sig) {
  lua_State *L = sig_L;
  (void)sig;
  rs_interrupt(1);
  if (L) lua_sethook(L, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

void rsl_clear_interrupt(lua_State *L) {
  rs_interrupt(0);
  if (lua_gethook(L) == stop_hook) lua_sethook(L, NULL, 0, 0);
  if (sig_L && lua_gethook(sig_L) == stop_hook) lua_sethook(sig_L, NULL, 0, 0);
}

static int l_catch_interrupt(lua_State *L) {
  int on = lua_toboolean(L, 1);
  if (on && !sigint_on) {
    struct sigaction sa;
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
    sig_L = lua_tothread(L, -1);
    lua_pop(L, 1);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, &old_sigint) == 0) sigint_on = 1;
  } else if (!on && sigint_on) {
    sigaction(SIGINT, &old_sigint, NULL);
    sigint_on = 0;
  }
  rsl_clear_interrupt(L);
  if (!on) sig_L = NULL;
  return 0;
}

/* }====================================================== */

int luaopen_rostra_core(lua_State *L);

/* ICU's caches released when the state closes: the sentinel is made before
** any object of the module, so its finalizer runs after theirs (Lua calls
** finalizers in the reverse order of marking), and before the module's
** library is unloaded */
static int icu_release(lua_State *L) {
  (void)L;
  rs_cjk_release();
  return 0;
}

static const char ICUKEY = 'i';

static void icu_sentinel(lua_State *L) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &ICUKEY) != LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  lua_newuserdatauv(L, 1, 0);
  lua_newtable(L);
  lua_pushcfunction(L, icu_release);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  rs_cjk_acquire();
  lua_rawsetp(L, LUA_REGISTRYINDEX, &ICUKEY);
}

int luaopen_rostra_core(lua_State *L) {
  icu_sentinel(L);
  lua_newtable(L);
  rsl_mem(L);
  lua_pushcfunction(L, l_failalloc);
  lua_setfield(L, -2, "_failalloc");
  lua_pushcfunction(L, l_catch_interrupt);
  lua_setfield(L, -2, "catch_interrupt");
  lua_pushliteral(L, RS_VERSION);
  lua_setfield(L, -2, "version");
  rsl_open_tok(L);
  rsl_open_front(L);
  rsl_open_speech(L);
  rsl_open_lexicon(L);
  rsl_open_corpus(L);
  rsl_open_match(L);
  rsl_open_tagger(L);
  rsl_open_stats(L);
  rsl_open_dfm(L);
  rsl_open_annot(L);
  rsl_open_meta(L);
  rsl_open_measures(L);
  rsl_open_table(L);
  rsl_open_fsout(L);
  rsl_guard_corpus(L);
  return 1;
}
