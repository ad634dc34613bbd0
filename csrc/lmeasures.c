/*
** lmeasures.c: Lua binding of the measures engine (measures.c):
** core.assoc, core.keyness, core.dispersion, core.bonferroni.
** Counts must be non-negative integers (3.0 is accepted, 2.5 and "3" are
** not). A score that is undefined for the counts (measures.h: UNDEF) comes
** back as nil plus the note "undefined"; a smoothed one as the number plus
** the note "smoothed".
*/
#include "lrostra.h"
#include "measures.h"

/* a non-negative integer count argument, returned as a double */
static double check_count(lua_State *L, int i) {
  lua_Integer n = 0;
  int isint = 0;
  if (lua_type(L, i) == LUA_TNUMBER) n = lua_tointegerx(L, i, &isint);
  if (!isint || n < 0) {
    const char *got = lua_type(L, i) == LUA_TNUMBER
                          ? lua_pushfstring(L, "got %s", lua_tostring(L, i))
                          : lua_pushfstring(L, "got %s", luaL_typename(L, i));
    luaL_argerror(L, i, lua_pushfstring(L, "non-negative integer count expected, %s", got));
  }
  return (double)n;
}

static void push_note(lua_State *L, int st) {
  if (st == RS_MEASURE_SMOOTHED) lua_pushliteral(L, "smoothed");
  else lua_pushliteral(L, "undefined");
}

/* core.assoc(measure, o11, f1, f2, N [, span]) -> score | nil, "undefined" */
static int l_assoc(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  int m = rs_assoc_measure(name), st;
  double o11, f1, f2, n, span = 1.0, x;
  if (m < 0)
    return luaL_error(L, "unknown measure '%s' (valid: %s)", name, rs_assoc_valid());
  o11 = check_count(L, 2);
  f1 = check_count(L, 3);
  f2 = check_count(L, 4);
  n = check_count(L, 5);
  if (!lua_isnoneornil(L, 6)) {
    span = check_count(L, 6);
    luaL_argcheck(L, span >= 1.0, 6, "span must be at least 1");
  }
  x = rs_assoc(m, o11, f1, f2, n, span, &st);
  if (st == RS_EINVAL)
    return luaL_error(L, "inconsistent counts for '%s' (need N > 0, o11 <= f2, "
                         "o11 <= f1*span, f1*span <= N, f2 <= N, "
                         "f1*span + f2 - o11 <= N, counts <= 2^53)", name);
  if (st == RS_MEASURE_UNDEF) {
    lua_pushnil(L);
    push_note(L, st);
    return 2;
  }
  lua_pushnumber(L, x);
  return 1;
}

/* core.keyness(measure, a, b, c, d) -> score, p [, "smoothed"]
** | nil, nil, "undefined"; p is nil for logratio and pdiff */
static int l_keyness(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  int m = rs_keyness_measure(name), st;
  double a, b, c, d, x;
  if (m < 0)
    return luaL_error(L, "unknown measure '%s' (valid: %s)", name, rs_keyness_valid());
  a = check_count(L, 2);
  b = check_count(L, 3);
  c = check_count(L, 4);
  d = check_count(L, 5);
  x = rs_keyness(m, a, b, c, d, &st);
  if (st == RS_EINVAL)
    return luaL_error(L, "inconsistent counts for '%s' (need c > 0, d > 0, "
                         "a <= c, b <= d, counts <= 2^53)", name);
  if (st == RS_MEASURE_UNDEF) {
    lua_pushnil(L);
    lua_pushnil(L);
    push_note(L, st);
    return 3;
  }
  lua_pushnumber(L, x);
  if (rs_keyness_has_p(m)) lua_pushnumber(L, rs_chi2_p1(x));
  else lua_pushnil(L);
  if (st == RS_MEASURE_SMOOTHED) {
    push_note(L, st);
    return 3;
  }
  return 2;
}

/* reads the sequence at index t into arr[0..k) as counts */
static void read_counts(lua_State *L, int t, double *arr, lua_Integer k,
                        const char *what) {
  lua_Integer i;
  for (i = 1; i <= k; i++) {
    lua_Integer n = 0;
    int isint = 0;
    if (lua_geti(L, t, i) == LUA_TNUMBER) n = lua_tointegerx(L, -1, &isint);
    if (!isint || n < 0)
      luaL_error(L, "bad %s[%d] to 'dispersion' (non-negative integer expected, got %s)",
                 what, (int)i,
                 lua_type(L, -1) == LUA_TNUMBER ? lua_tostring(L, -1)
                                                : luaL_typename(L, -1));
    arr[i - 1] = (double)n;
    lua_pop(L, 1);
  }
}

static void set_num(lua_State *L, const char *k, double x, int defined) {
  if (!defined) return; /* an undefined field is left nil */
  lua_pushnumber(L, x);
  lua_setfield(L, -2, k);
}

/* core.dispersion(freqs, sizes) -> {range, juilland_d, dp, dp_norm, freq,
** size, parts}; undefined fields are nil */
static int l_dispersion(lua_State *L) {
  lua_Integer k, k2;
  double *v, *s;
  rs_disp D;
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  k = luaL_len(L, 1);
  k2 = luaL_len(L, 2);
  if (k != k2)
    return luaL_error(L, "freqs and sizes differ in length (%d and %d)", (int)k, (int)k2);
  if ((lua_Unsigned)k > ((size_t)-1) / (2 * sizeof(double)))
    return luaL_error(L, "too many parts");
  /* scratch in a userdata: nothing leaks when a Lua error is raised */
  v = (double *)lua_newuserdatauv(L, (size_t)(k > 0 ? k : 1) * 2 * sizeof(double), 0);
  s = v + k;
  read_counts(L, 1, v, k, "freqs");
  read_counts(L, 2, s, k, "sizes");
  if (rs_dispersion(v, s, (size_t)k, &D) != RS_OK)
    return luaL_error(L, "inconsistent counts for 'dispersion' (need freqs[i] <= "
                         "sizes[i], counts <= 2^53)");
  lua_createtable(L, 0, 7);
  lua_pushinteger(L, (lua_Integer)D.range);
  lua_setfield(L, -2, "range");
  lua_pushinteger(L, (lua_Integer)D.parts);
  lua_setfield(L, -2, "parts");
  lua_pushinteger(L, (lua_Integer)D.freq);
  lua_setfield(L, -2, "freq");
  lua_pushinteger(L, (lua_Integer)D.size);
  lua_setfield(L, -2, "size");
  set_num(L, "juilland_d", D.juilland_d, !(D.undef & RS_DISP_D));
  set_num(L, "dp", D.dp, !(D.undef & RS_DISP_DP));
  set_num(L, "dp_norm", D.dp_norm, !(D.undef & RS_DISP_DPNORM));
  return 1;
}

/* core.bonferroni(p, m) -> min(1, p * m) */
static int l_bonferroni(lua_State *L) {
  double p = luaL_checknumber(L, 1);
  lua_Integer m = luaL_checkinteger(L, 2);
  luaL_argcheck(L, p >= 0.0 && p <= 1.0, 1, "p must be in [0, 1]");
  luaL_argcheck(L, m >= 1, 2, "the number of tests must be at least 1");
  lua_pushnumber(L, rs_bonferroni(p, (double)m));
  return 1;
}

void rsl_open_measures(lua_State *L) {
  static const luaL_Reg funcs[] = {{"assoc", l_assoc},
                                   {"keyness", l_keyness},
                                   {"dispersion", l_dispersion},
                                   {"bonferroni", l_bonferroni},
                                   {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}
