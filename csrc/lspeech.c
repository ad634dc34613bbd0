/*
** lspeech.c: core.parse_speech(text [, name [, opts]]) -> a plain table.
** The C speech lives in a userdata with __gc while the Lua tables are
** built, so an error (out of memory) in the middle cannot leak it.
** Positions in the result are 1-based and inclusive, like string.sub.
*/
#include <string.h>

#include "loader.h"
#include "lrostra.h"
#include "speech.h"

#define BOX "rostra.speechbox"
#define INGESTED "rostra.ingested"

typedef struct spbox {
  rs_speech sp;
  rs_mem *M;
  int live;
} spbox;

static int box_gc(lua_State *L) {
  spbox *b = (spbox *)luaL_checkudata(L, 1, BOX);
  if (b->live) {
    b->live = 0;
    rs_speech_free(b->M, &b->sp);
  }
  return 0;
}

static void setint(lua_State *L, const char *k, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_setfield(L, -2, k);
}

static void setstr(lua_State *L, const char *k, const char *v) {
  lua_pushstring(L, v);
  lua_setfield(L, -2, k);
}

/* t[k] = s[0..n) when s is not NULL */
static void setlstr(lua_State *L, const char *k, const char *s, size_t n) {
  if (!s) return;
  lua_pushlstring(L, s, n);
  lua_setfield(L, -2, k);
}

/* a speaker's name (under the key namekey), role and country */
static void setperson(lua_State *L, const char *namekey, const rs_speaker *x) {
  setlstr(L, namekey, x->name, x->name_len);
  setlstr(L, "role", x->role, x->role_len);
  setlstr(L, "country", x->country, x->country_len);
}

/* the display text of text[a..b) (line breaks become spaces) */
static void pushtext(lua_State *L, const char *text, uint32_t a, uint32_t b) {
  luaL_Buffer B;
  char *p;
  size_t n;
  if (b <= a) {
    lua_pushliteral(L, "");
    return;
  }
  p = luaL_buffinitsize(L, &B, b - a);
  n = rs_speech_text(text, a, b, p);
  luaL_pushresultsize(&B, n);
}

static void setspan(lua_State *L, const char *ks, const char *ke, uint32_t a, uint32_t b) {
  setint(L, ks, (lua_Integer)a + 1);
  setint(L, ke, (lua_Integer)b);
}

static const char *convname(unsigned c) {
  switch (c & 0x0F) {
    case RS_CONV_LINE: return "line";
    case RS_CONV_BLANK: return "blank";
    case RS_CONV_INDENT: return "indent";
    default: return "none";
  }
}

static void build(lua_State *L, const char *text, const rs_speech *sp, const char *name) {
  size_t k, j;
  lua_createtable(L, 0, 10);
  /* meta */
  lua_createtable(L, 0, RS_META_N);
  for (k = 0; k < RS_META_N; k++)
    if (sp->meta[k]) {
      lua_pushlstring(L, sp->meta[k], sp->meta_len[k]);
      lua_setfield(L, -2, rs_meta_name((int)k));
    }
  lua_setfield(L, -2, "meta");
  /* boilerplate */
  lua_createtable(L, (int)sp->nboiler, 0);
  for (k = 0; k < sp->nboiler; k++) {
    const rs_boiler *b = &sp->boiler[k];
    lua_createtable(L, 0, 6);
    setint(L, "line", b->line);
    setstr(L, "why", rs_bp_name(b->why));
    setstr(L, "where", b->where == RS_BPW_FOOTER ? "footer" : b->where == RS_BPW_BODY ? "body"
                                                                                     : "header");
    pushtext(L, text, b->start, b->stop);
    lua_setfield(L, -2, "text");
    setspan(L, "start", "stop", b->start, b->stop);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "boilerplate");
  /* segments */
  lua_createtable(L, (int)sp->nsegs, 0);
  for (k = 0; k < sp->nsegs; k++) {
    const rs_segment *g = &sp->segs[k];
    lua_createtable(L, 0, 7);
    setstr(L, "kind", rs_seg_kindname(g->kind));
    pushtext(L, text, g->start, g->stop);
    lua_setfield(L, -2, "text");
    setint(L, "line", g->line);
    setspan(L, "start", "stop", g->start, g->stop);
    if (g->point) {
      setint(L, "point", g->point);
      setint(L, "point_index", g->point_index);
    }
    if (g->turn) {
      const rs_turn *t = &sp->turns[g->turn - 1];
      setint(L, "turn", g->turn);
      if (t->speaker >= 0) {
        const rs_speaker *x = &sp->speakers[t->speaker];
        lua_pushlstring(L, x->name, x->name_len);
        lua_setfield(L, -2, "speaker");
      }
    }
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "segments");
  /* turns */
  lua_createtable(L, (int)sp->nturns, 0);
  for (k = 0; k < sp->nturns; k++) {
    const rs_turn *t = &sp->turns[k];
    lua_createtable(L, 0, 10);
    if (t->speaker >= 0) {
      const rs_speaker *x = &sp->speakers[t->speaker];
      setperson(L, "speaker", x);
      if (x->question) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "question");
      }
    }
    if (t->label_stop > t->label_start) {
      pushtext(L, text, t->label_start, t->label_stop);
      lua_setfield(L, -2, "label");
      setspan(L, "label_start", "label_stop", t->label_start, t->label_stop);
    }
    setint(L, "first", (lua_Integer)t->first_seg + 1);
    setint(L, "last", (lua_Integer)t->last_seg + 1);
    setspan(L, "start", "stop", t->start, t->stop);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "turns");
  /* speakers, in order of their first turn */
  lua_createtable(L, (int)sp->nspeakers, 0);
  for (k = 0; k < sp->nspeakers; k++) {
    const rs_speaker *x = &sp->speakers[k];
    lua_createtable(L, 0, 5);
    setperson(L, "name", x);
    lua_pushboolean(L, x->question);
    lua_setfield(L, -2, "question");
    setint(L, "words", x->words);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "speakers");
  if (sp->main_speaker >= 0) setint(L, "main_speaker", sp->main_speaker + 1);
  /* points */
  lua_createtable(L, (int)sp->npoints, 0);
  for (k = 0; k < sp->npoints; k++) {
    const rs_point *p = &sp->points[k];
    lua_createtable(L, 0, 10);
    setint(L, "ordinal", p->ordinal);
    pushtext(L, text, p->marker_start, p->marker_stop);
    lua_setfield(L, -2, "marker");
    pushtext(L, text, p->heading_start, p->heading_stop);
    lua_setfield(L, -2, "heading");
    setint(L, "first", (lua_Integer)p->first_seg + 1);
    setint(L, "last", (lua_Integer)p->last_seg + 1);
    lua_createtable(L, (int)(p->last_seg - p->first_seg + 1), 0);
    for (j = p->first_seg; j <= p->last_seg; j++) {
      lua_pushinteger(L, (lua_Integer)j + 1);
      lua_rawseti(L, -2, (lua_Integer)(j - p->first_seg) + 1);
    }
    lua_setfield(L, -2, "segments");
    setspan(L, "marker_start", "marker_stop", p->marker_start, p->marker_stop);
    setspan(L, "heading_start", "heading_stop", p->heading_start, p->heading_stop);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "points");
  /* sentences: spans only; the Lua side makes texts on demand */
  lua_createtable(L, (int)sp->nsents, 0);
  for (k = 0; k < sp->nsents; k++) {
    const rs_sentence *s = &sp->sents[k];
    lua_createtable(L, 0, 3);
    setspan(L, "start", "stop", s->start, s->stop);
    setint(L, "segment", (lua_Integer)s->seg + 1);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "sentences");
  /* quotations */
  lua_createtable(L, (int)sp->nquotes, 0);
  for (k = 0; k < sp->nquotes; k++) {
    const rs_qspan *q = &sp->quotes[k];
    lua_createtable(L, 0, 7);
    pushtext(L, text, q->inner_start, q->inner_stop);
    lua_setfield(L, -2, "text");
    setspan(L, "start", "stop", q->start, q->stop);
    setspan(L, "inner_start", "inner_stop", q->inner_start, q->inner_stop);
    setint(L, "depth", q->depth);
    setint(L, "segment", (lua_Integer)q->seg + 1);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "quotations");
  /* warnings */
  lua_createtable(L, (int)sp->nwarnings, 0);
  for (k = 0; k < sp->nwarnings; k++) {
    const rs_warning *w = &sp->warnings[k];
    lua_createtable(L, 0, 5);
    setstr(L, "code", rs_warn_code(w->code));
    setint(L, "count", w->count);
    if (w->code <= RS_WARN_CTRL) { /* bad bytes */
      setint(L, "line", w->line);
      setint(L, "offset", (lua_Integer)w->offset + 1);
      lua_pushfstring(L, "%s%s%d: %s (%d, first at byte %d)", name ? name : "", name ? ":" : "",
                      (int)w->line, rs_warn_message(w->code), (int)w->count, (int)w->offset + 1);
    } else if (w->code == RS_WARN_HEADER || w->code == RS_WARN_FOOTER || w->code == RS_WARN_NOTES) {
      if (w->line) setint(L, "line", w->line);
      lua_pushfstring(L, "%s%s%d %s%s", name ? name : "", name ? ": " : "", (int)w->count,
                      w->code == RS_WARN_HEADER ? (w->count == 1 ? "header line removed"
                                                                 : "header lines removed")
                      : w->code == RS_WARN_FOOTER ? (w->count == 1 ? "footer line removed"
                                                                   : "footer lines removed")
                      : (w->count == 1 ? "note line removed from the speech"
                                       : "note lines removed from the speech"),
                      "");
    } else if (w->code == RS_WARN_NOYEAR) {
      lua_pushfstring(L, "%s%sa date without a year (month %d, day %d): no date set",
                      name ? name : "", name ? ": " : "", (int)sp->date_month, (int)sp->date_day);
    } else {
      if (w->line) setint(L, "line", w->line);
      lua_pushfstring(L, "%s%s%s", name ? name : "", name ? ": " : "", rs_warn_message(w->code));
    }
    lua_setfield(L, -2, "message");
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "warnings");
  setint(L, "body_start", (lua_Integer)sp->body_start + 1);
  setint(L, "body_line", sp->body_line);
  setint(L, "body_stop", (lua_Integer)sp->body_stop);
  if (sp->date_month) {
    char md[8];
    md[0] = '-', md[1] = '-';
    md[2] = (char)('0' + sp->date_month / 10 % 10), md[3] = (char)('0' + sp->date_month % 10);
    md[4] = '-';
    md[5] = (char)('0' + sp->date_day / 10 % 10), md[6] = (char)('0' + sp->date_day % 10);
    lua_pushlstring(L, md, 7);
    lua_setfield(L, -2, "date_md");
  }
  setstr(L, "convention", convname(sp->convention));
  lua_pushboolean(L, (sp->convention & RS_CONV_IDEOGRAPHIC) != 0);
  lua_setfield(L, -2, "ideographic");
}

/* opts.hints: {{line = n, what = "header"|"footer"|"label", why = "title"...,
** len = bytes, name = "..."}, ...} sorted by line (rostra.layout makes them);
** the names stay in the table (at index 3) while the parse runs */
static rs_hint *check_hints(lua_State *L, size_t *nh) {
  static const char *const whats[] = {"header", "footer", "label", NULL};
  static const char *const whys[] = {"", "breadcrumb", "title", "byline", "dateline", "speaker",
                                     "lede", "note", "time", "footer", NULL};
  rs_hint *h;
  lua_Integer k, n, last = 0;
  *nh = 0;
  if (lua_getfield(L, 3, "hints") == LUA_TNIL) {
    lua_pop(L, 1);
    return NULL;
  }
  luaL_argexpected(L, lua_istable(L, -1), 3, "table of hints");
  n = luaL_len(L, -1);
  h = (rs_hint *)lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1) * sizeof *h, 0);
  lua_insert(L, -2); /* the userdata below the hints table: freed with the stack */
  for (k = 1; k <= n; k++) {
    rs_hint *x = &h[k - 1];
    memset(x, 0, sizeof *x);
    if (lua_rawgeti(L, -1, k) != LUA_TTABLE) luaL_error(L, "hint %d: table expected", (int)k);
    lua_getfield(L, -1, "line");
    if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) < last)
      luaL_error(L, "hint %d: a line number (in order) expected", (int)k);
    last = lua_tointeger(L, -1);
    x->line = (uint32_t)(last > 0xFFFFFFFF ? 0xFFFFFFFF : last);
    lua_getfield(L, -2, "what");
    x->what = (uint8_t)(luaL_checkoption(L, -1, NULL, whats) + 1);
    lua_getfield(L, -3, "why");
    x->why = (uint8_t)luaL_checkoption(L, -1, "", whys);
    lua_getfield(L, -4, "len");
    x->len = (uint32_t)luaL_optinteger(L, -1, 0);
    if (lua_getfield(L, -5, "name") == LUA_TSTRING) x->name = lua_tolstring(L, -1, &x->name_len);
    lua_pop(L, 6); /* the name stays alive in the hint table */
    if (x->what == RS_HINT_LABEL && (x->len == 0 || !x->name))
      luaL_error(L, "hint %d: a label needs len and name", (int)k);
  }
  lua_pop(L, 1);
  *nh = (size_t)n;
  return h;
}

/* core.parse_speech(text [, name [, opts]]): opts.header = false (the text
** has no header), opts.footer = false (no footer), opts.sentences = false
** (skip sentence splitting), opts.hints (a site's rules) */
static int l_parse_speech(lua_State *L) {
  size_t n, nh = 0;
  const char *text = rsl_checktext(L, 1, &n);
  const char *name = luaL_optstring(L, 2, NULL);
  unsigned opts = 0;
  rs_hint *hints = NULL;
  spbox *box;
  int rc;
  lua_settop(L, 3); /* the hints' userdata goes at 4 */
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    if (lua_getfield(L, 3, "header") != LUA_TNIL && !lua_toboolean(L, -1)) opts |= RS_SP_NO_HEADER;
    if (lua_getfield(L, 3, "sentences") != LUA_TNIL && !lua_toboolean(L, -1))
      opts |= RS_SP_NO_SENTENCES;
    if (lua_getfield(L, 3, "footer") != LUA_TNIL && !lua_toboolean(L, -1)) opts |= RS_SP_NO_FOOTER;
    lua_pop(L, 3);
    hints = check_hints(L, &nh); /* leaves its userdata on the stack */
  }
  if (n > RS_MAX_TEXT) return rsl_fail(L, "text too large", "ELIMIT");
  box = (spbox *)lua_newuserdatauv(L, sizeof *box, 0);
  box->live = 0;
  box->M = rsl_mem(L);
  luaL_setmetatable(L, BOX);
  rc = rs_speech_parse_hints(box->M, text, n, opts, hints, nh, &box->sp);
  if (rc == RS_ELIMIT) return rsl_fail(L, "text too large", "ELIMIT");
  if (rc != RS_OK) return rsl_raise(L, rc, NULL); /* the engine freed it all */
  box->live = 1;
  build(L, text, &box->sp, name);
  box->live = 0;
  rs_speech_free(box->M, &box->sp);
  return 1;
}

/* {====================================================== the ingest

** core.ingest(text [, name [, opts]]) -> handle, speech, front
**   | nil, message, code
** The one way in for a text (rostra.parse, parse_file, c:add; rostra.load
** runs the same engine on its workers): the handle owns what the engine
** made (tokens, vocabulary, structures) for c:add; speech is the parse as
** a plain table (what core.parse_speech gives, with the sentences the
** ingest split); front the front matter table, or nil when the text has
** none. opts.header = false: the text has no header; opts.cjk = "chars";
** opts.split_hyphens: a hyphenated word is its parts and hyphens. */

typedef struct ingested {
  rs_loaded r;
  rs_mem *M;
  int live;
} ingested;

static int ingested_free(lua_State *L) {
  ingested *u = (ingested *)luaL_checkudata(L, 1, INGESTED);
  if (u->live) {
    u->live = 0;
    rs_loaded_free(u->M, &u->r);
  }
  return 0;
}

struct rs_loaded *rsl_check_ingested(lua_State *L, int i) {
  ingested *u = (ingested *)luaL_checkudata(L, i, INGESTED);
  if (!u->live) luaL_error(L, "attempt to use a released speech");
  return &u->r;
}

static const char *in_code(int rc) {
  switch (rc) {
    case RS_ENOTTEXT: return "ENOTTEXT";
    case RS_EPARSE: return "EPARSE";
    case RS_ELIMIT: return "ELIMIT";
    default: return "EIO";
  }
}

static int l_ingest(lua_State *L) {
  size_t n;
  const char *text = rsl_checktext(L, 1, &n);
  const char *name = luaL_optstring(L, 2, "input");
  unsigned flags = 0;
  ingested *u;
  rs_hint *hints = NULL;
  size_t nh = 0;
  int rc;
  lua_settop(L, 3); /* the hints' userdata goes at 4 */
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    if (lua_getfield(L, 3, "header") != LUA_TNIL && !lua_toboolean(L, -1)) flags |= RS_IN_NO_HEADER;
    if (lua_getfield(L, 3, "cjk") == LUA_TSTRING && strcmp(lua_tostring(L, -1), "chars") == 0)
      flags |= RS_IN_CJK_CHARS;
    if (lua_getfield(L, 3, "footer") != LUA_TNIL && !lua_toboolean(L, -1)) flags |= RS_IN_NO_FOOTER;
    if (lua_getfield(L, 3, "split_hyphens") != LUA_TNIL && lua_toboolean(L, -1)) flags |= RS_IN_SPLIT_HYPHENS;
    lua_pop(L, 4);
    hints = check_hints(L, &nh); /* its userdata stays on the stack, at 4 */
  }
  u = (ingested *)lua_newuserdatauv(L, sizeof *u, 0);
  memset(u, 0, sizeof *u);
  luaL_setmetatable(L, INGESTED);
  u->M = rsl_mem(L);
  if (n > RS_MAX_TEXT) return rsl_fail(L, lua_pushfstring(L, "%s: text too large (2 GiB at most)", name), "ELIMIT");
  u->r.text = rs_malloc(u->M, n ? n : 1);
  if (!u->r.text) return rsl_raise(L, RS_ENOMEM, NULL);
  u->live = 1;
  u->r.cap = n ? n : 1;
  u->r.n = n;
  memcpy(u->r.text, text, n);
  u->r.hints = hints, u->r.nhints = nh; /* used only during rs_ingest */
  rc = rs_ingest(u->M, &u->r, name, flags);
  u->r.hints = NULL, u->r.nhints = 0;
  if (rc == RS_ENOMEM) return rsl_raise(L, rc, NULL);
  if (rc != RS_OK) {
    lua_pushstring(L, u->r.err[0] ? u->r.err : name);
    u->live = 0;
    rs_loaded_free(u->M, &u->r);
    return rsl_fail(L, lua_tostring(L, -1), in_code(rc));
  }
  build(L, text, &u->r.sp, name);
  if (u->r.cjk_failed) {
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "cjk_fallback");
  }
  if (u->r.has_front) rsl_push_front(L, u->r.fm.root);
  else lua_pushnil(L);
  return 3;
}

/* }====================================================== */

void rsl_open_speech(lua_State *L) {
  if (luaL_newmetatable(L, BOX)) {
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, INGESTED)) {
    lua_pushcfunction(L, ingested_free);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, ingested_free);
    lua_setfield(L, -2, "__close");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_parse_speech);
  lua_setfield(L, -2, "parse_speech");
  lua_pushcfunction(L, l_ingest);
  lua_setfield(L, -2, "ingest");
}
