/*
** llexicon.c: Lua binding of the lexicon readers (lexicon.c).
**   core.read_lexicon(text, format [, name]) -> {format, categories,
**     entries, warnings, rules} or nil, "NAME:LINE:COL: msg", code, line, col
** The C result is held in a userdata with a __gc while the Lua tables are
** built, so an allocation failure in the middle (a Lua error) leaks nothing.
*/
#include <string.h>

#include "lexicon.h"
#include "lrostra.h"

typedef struct lexbox {
  rs_mem *M;
  rs_lexicon lex;
  int live; /* lex holds memory */
} lexbox;

static int lexbox_gc(lua_State *L) {
  lexbox *b = (lexbox *)lua_touserdata(L, 1);
  if (b->live) {
    b->live = 0;
    rs_lexicon_free(b->M, &b->lex);
  }
  return 0;
}

static lexbox *new_lexbox(lua_State *L) {
  lexbox *b = (lexbox *)lua_newuserdatauv(L, sizeof *b, 0);
  memset(b, 0, sizeof *b);
  if (luaL_newmetatable(L, "rostra.lexbox")) {
    lua_pushcfunction(L, lexbox_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  b->M = rsl_mem(L);
  return b;
}

static void set_int(lua_State *L, const char *k, size_t v) {
  lua_pushinteger(L, (lua_Integer)v);
  lua_setfield(L, -2, k);
}

static void set_bool(lua_State *L, const char *k, int v) {
  lua_pushboolean(L, v);
  lua_setfield(L, -2, k);
}

static void push_categories(lua_State *L, const rs_lexicon *lex) {
  size_t i;
  lua_createtable(L, (int)lex->ncat, 0);
  for (i = 0; i < lex->ncat; i++) {
    const rs_lexcat *c = &lex->cats[i];
    lua_createtable(L, 0, 6);
    lua_pushlstring(L, c->name, c->namelen);
    lua_setfield(L, -2, "name");
    lua_pushlstring(L, c->name + c->leaf, c->namelen - c->leaf);
    lua_setfield(L, -2, "leaf");
    if (c->parent != RS_LEX_NONE) set_int(L, "parent", c->parent + 1);
    set_int(L, "level", (size_t)c->depth + 1);
    set_int(L, "line", c->line);
    set_int(L, "col", c->col);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

static void push_entries(lua_State *L, const rs_lexicon *lex) {
  size_t i;
  lua_createtable(L, (int)lex->nentry, 0);
  for (i = 0; i < lex->nentry; i++) {
    const rs_lexentry *e = &lex->entries[i];
    lua_createtable(L, 0, 8);
    lua_pushlstring(L, e->pattern, e->len);
    lua_setfield(L, -2, "pattern");
    if (e->cat != RS_LEX_NONE) set_int(L, "category", e->cat + 1);
    lua_pushnumber(L, (lua_Number)e->weight);
    lua_setfield(L, -2, "weight");
    set_bool(L, "glob", e->glob);
    set_bool(L, "phrase", e->phrase);
    set_bool(L, "exclude", e->exclude);
    set_int(L, "line", e->line);
    set_int(L, "col", e->col);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

/* the entries as columns: {n =, pattern = {}, category = {} (index, or
** false for a top-level exclusion), weight = {}, flags = {} (1 glob, 2
** phrase, 4 exclude), line = {}, col = {}}: seven arrays instead of a
** table per entry (a lexicon of a million patterns) */
static void push_entry_columns(lua_State *L, const rs_lexicon *lex) {
  static const char *const names[] = {"pattern", "category", "weight", "flags", "line", "col"};
  int n = lex->nentry < 0x7FFFFFFF ? (int)lex->nentry : 0x7FFFFFFF, k;
  size_t i;
  lua_createtable(L, 0, 7);
  lua_pushinteger(L, (lua_Integer)lex->nentry);
  lua_setfield(L, -2, "n");
  for (k = 0; k < 6; k++) {
    lua_createtable(L, n, 0);
    for (i = 0; i < lex->nentry; i++) {
      const rs_lexentry *e = &lex->entries[i];
      switch (k) {
        case 0: lua_pushlstring(L, e->pattern, e->len); break;
        case 1:
          if (e->cat == RS_LEX_NONE) lua_pushboolean(L, 0);
          else lua_pushinteger(L, (lua_Integer)e->cat + 1);
          break;
        case 2: lua_pushnumber(L, (lua_Number)e->weight); break;
        case 3: lua_pushinteger(L, (e->glob ? 1 : 0) | (e->phrase ? 2 : 0) | (e->exclude ? 4 : 0)); break;
        case 4: lua_pushinteger(L, (lua_Integer)e->line); break;
        default: lua_pushinteger(L, (lua_Integer)e->col); break;
      }
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, names[k]);
  }
}

static void push_warnings(lua_State *L, const rs_lexicon *lex) {
  size_t i;
  lua_createtable(L, (int)lex->nwarn, 0);
  for (i = 0; i < lex->nwarn; i++) {
    lua_createtable(L, 0, 3);
    set_int(L, "line", lex->warns[i].line);
    set_int(L, "col", lex->warns[i].col);
    lua_pushstring(L, lex->warns[i].msg);
    lua_setfield(L, -2, "message");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

static void push_rules(lua_State *L, const rs_lexicon *lex) {
  static const char *const keys[] = {"", "min_count", "min_share", "min_score", "min_dominance"};
  size_t i;
  lua_createtable(L, (int)lex->nrule, 0);
  for (i = 0; i < lex->nrule; i++) {
    const rs_lexrule *r = &lex->rules[i];
    lua_createtable(L, 0, 5);
    if (r->cat != RS_LEX_NONE) set_int(L, "category", r->cat + 1);
    lua_pushstring(L, keys[r->key]);
    lua_setfield(L, -2, "key");
    if (r->key == RS_RULE_MIN_COUNT) lua_pushinteger(L, (lua_Integer)r->value);
    else lua_pushnumber(L, (lua_Number)r->value);
    lua_setfield(L, -2, "value");
    set_int(L, "line", r->line);
    set_int(L, "col", r->col);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

/* core.read_lexicon(text, format [, name [, "columns"]]): format is "yaml", "liwc",
** "wordstat" or "lexicoder"; name (default "lexicon") prefixes messages.
** Categories {name, leaf, parent (index), level (1 = top), line, col};
** entries {pattern, category (index; absent for a top-level exclusion),
** weight, glob, phrase, exclude, line, col}, or with "columns" one table of
** arrays (push_entry_columns); warnings {line, col, message};
** rules {category (index; absent for the lexicon's default), key
** ("min_count", "min_share", "min_score", "min_dominance"), value, line,
** col}. */
static int l_read_lexicon(lua_State *L) {
  static const char *const fmts[] = {"yaml", "liwc", "wordstat", "lexicoder", NULL};
  static const int codes[] = {RS_LEX_YAML, RS_LEX_LIWC, RS_LEX_WORDSTAT, RS_LEX_LEXICODER};
  size_t n;
  const char *text = rsl_checktext(L, 1, &n);
  int format = codes[luaL_checkoption(L, 2, NULL, fmts)];
  const char *name = luaL_optstring(L, 3, "lexicon");
  int columns = lua_isstring(L, 4) && strcmp(lua_tostring(L, 4), "columns") == 0;
  lexbox *b;
  if (!columns && !lua_isnoneornil(L, 4)) luaL_argerror(L, 4, "\"columns\" or nil expected");
  b = new_lexbox(L);
  int rc = rs_lexicon_read(b->M, text, n, format, &b->lex);
  if (rc == RS_ENOMEM) return rsl_raise(L, rc, NULL);
  if (rc == RS_EPARSE || rc == RS_ENOTTEXT) {
    lua_pushfstring(L, "%s:%I:%I: %s", name, (lua_Integer)b->lex.err_line,
                    (lua_Integer)b->lex.err_col, b->lex.err_msg);
    lua_pushnil(L);
    lua_insert(L, -2);
    lua_pushstring(L, rs_errname(rc));
    lua_pushinteger(L, (lua_Integer)b->lex.err_line);
    lua_pushinteger(L, (lua_Integer)b->lex.err_col);
    return 5;
  }
  if (rc != RS_OK) {
    lua_pushfstring(L, "%s: %s", name, b->lex.err_msg);
    return rsl_fail(L, lua_tostring(L, -1), rs_errname(rc));
  }
  b->live = 1;
  lua_createtable(L, 0, 5);
  lua_pushstring(L, rs_lexicon_format_name(format));
  lua_setfield(L, -2, "format");
  push_categories(L, &b->lex);
  lua_setfield(L, -2, "categories");
  if (columns) push_entry_columns(L, &b->lex);
  else push_entries(L, &b->lex);
  lua_setfield(L, -2, "entries");
  push_warnings(L, &b->lex);
  lua_setfield(L, -2, "warnings");
  push_rules(L, &b->lex);
  lua_setfield(L, -2, "rules");
  b->live = 0;
  rs_lexicon_free(b->M, &b->lex);
  return 1;
}

void rsl_open_lexicon(lua_State *L) {
  static const luaL_Reg fns[] = {
    {"read_lexicon", l_read_lexicon},
    {NULL, NULL}
  };
  luaL_setfuncs(L, fns, 0);
}
