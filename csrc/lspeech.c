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
    lua_createtable(L, 0, 5);
    setint(L, "line", b->line);
    setstr(L, "why", rs_bp_name(b->why));
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
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "segments");
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
    setstr(L, "code", w->code == RS_WARN_UTF8 ? "EUTF8" : w->code == RS_WARN_NUL ? "ENUL" : "ECTRL");
    setint(L, "line", w->line);
    setint(L, "offset", (lua_Integer)w->offset + 1);
    setint(L, "count", w->count);
    lua_pushfstring(L, "%s%s%d: %s (%d, first at byte %d)", name ? name : "", name ? ":" : "",
                    (int)w->line, rs_warn_message(w->code), (int)w->count, (int)w->offset + 1);
    lua_setfield(L, -2, "message");
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "warnings");
  setint(L, "body_start", (lua_Integer)sp->body_start + 1);
  setint(L, "body_line", sp->body_line);
  setstr(L, "convention", convname(sp->convention));
  lua_pushboolean(L, (sp->convention & RS_CONV_IDEOGRAPHIC) != 0);
  lua_setfield(L, -2, "ideographic");
}

/* core.parse_speech(text [, name [, opts]]): opts.header = false (the text
** has no header), opts.sentences = false (skip sentence splitting) */
static int l_parse_speech(lua_State *L) {
  size_t n;
  const char *text = rsl_checktext(L, 1, &n);
  const char *name = luaL_optstring(L, 2, NULL);
  unsigned opts = 0;
  spbox *box;
  int rc;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    if (lua_getfield(L, 3, "header") != LUA_TNIL && !lua_toboolean(L, -1)) opts |= RS_SP_NO_HEADER;
    if (lua_getfield(L, 3, "sentences") != LUA_TNIL && !lua_toboolean(L, -1))
      opts |= RS_SP_NO_SENTENCES;
    lua_pop(L, 2);
  }
  if (n > RS_MAX_TEXT) return rsl_fail(L, "text too large", "ELIMIT");
  box = (spbox *)lua_newuserdatauv(L, sizeof *box, 0);
  box->live = 0;
  box->M = rsl_mem(L);
  luaL_setmetatable(L, BOX);
  rc = rs_speech_parse(box->M, text, n, opts, &box->sp);
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
  int rc;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    if (lua_getfield(L, 3, "header") != LUA_TNIL && !lua_toboolean(L, -1)) flags |= RS_IN_NO_HEADER;
    if (lua_getfield(L, 3, "cjk") == LUA_TSTRING && strcmp(lua_tostring(L, -1), "chars") == 0)
      flags |= RS_IN_CJK_CHARS;
    if (lua_getfield(L, 3, "split_hyphens") != LUA_TNIL && lua_toboolean(L, -1)) flags |= RS_IN_SPLIT_HYPHENS;
    lua_pop(L, 3);
  }
  lua_settop(L, 2);
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
  rc = rs_ingest(u->M, &u->r, name, flags);
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
