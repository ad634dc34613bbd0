/* test_front.c: unit tests of the YAML front-matter engine (front.c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "front.h"

/* {====================================================== test allocator */

#include "talloc.h"

/* }====================================================== */

/* {====================================================== helpers */

static talloc TA;
static rs_mem TM;
static rs_front FM;
static size_t BODY;

/* parse s with the checking allocator; returns the code */
static int parse(const char *s) {
  TM = t_mem(&TA);
  BODY = (size_t)-1;
  return rs_front_parse(&TM, s, strlen(s), &FM, &BODY);
}

/* free FM and check nothing leaked and every size was exact */
static void done(void) {
  rs_front_free(&TM, &FM);
  CHECK(FM.root == NULL);
  CHECK_EQ_INT(TA.outstanding, 0);
  CHECK_EQ_INT(TA.bad_sizes, 0);
}

static const rs_fm_node *get(const rs_fm_node *map, const char *key) {
  return rs_front_get(map, key, strlen(key));
}

/* the string of scalar member key of map, or NULL */
static const char *sget(const rs_fm_node *map, const char *key) {
  const rs_fm_node *m = get(map, key);
  return (m && m->kind == RS_FM_SCALAR) ? m->str : NULL;
}

static int tget(const rs_fm_node *map, const char *key) {
  const rs_fm_node *m = get(map, key);
  return m ? (int)m->type : -1;
}

/* expect RS_EPARSE at line:col with a message starting with msg */
static void expect_err(const char *s, size_t line, size_t col,
                       const char *msg) {
  int rc = parse(s);
  CHECK_EQ_INT(rc, RS_EPARSE);
  CHECK(FM.root == NULL);
  CHECK_EQ_INT(BODY, (size_t)-1); /* untouched */
  CHECK_EQ_INT(FM.err_line, line);
  CHECK_EQ_INT(FM.err_col, col);
  if (strncmp(FM.err_msg, msg, strlen(msg)) != 0)
    CHECK_EQ_STR(FM.err_msg, msg);
  done();
}

/* }====================================================== */

/* {====================================================== tests */

static void test_no_block(void) {
  static const char *const texts[] = {
      "",
      "Mr. President, thank you.\n",
      "--\n---\n",
      "----\na: 1\n---\n",
      " ---\na: 1\n---\n",
      "--- a: 1\n---\n",
      "...\na: 1\n---\n",
      "\n---\na: 1\n---\n",
      "\xEF\xBB\xBF" "Fellow citizens\n",
      "\xEF\xBB\xBF",
  };
  size_t i;
  for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    CHECK_EQ_INT(parse(texts[i]), RS_OK);
    CHECK_EQ_INT(BODY, 0);
    CHECK(FM.root == NULL);
    CHECK_EQ_INT(FM.nodes, 0);
    CHECK_EQ_INT(TA.count, 0); /* nothing allocated */
    done();
  }
  /* a NULL text of length 0 */
  TM = t_mem(&TA);
  CHECK_EQ_INT(rs_front_parse(&TM, NULL, 0, &FM, &BODY), RS_OK);
  CHECK_EQ_INT(BODY, 0);
  done();
}

static void test_empty_block(void) {
  static const struct {
    const char *s;
    size_t body;
  } cases[] = {
      {"---\n---\nBody", 8},
      {"---\n...\nBody", 8},
      {"---\n---", 7},
      {"---\n---\n", 8},
      {"---\n\n   \n---\nx", 13},
      {"---\n# just a comment\n---\n", 25},
      {"---\n~\n---\n", 10},
      {"---\nnull\n...\n", 13},
      {"---\n&a ~\n---\n", 13},
  };
  size_t i;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    CHECK_EQ_INT(parse(cases[i].s), RS_OK);
    CHECK_EQ_INT(BODY, cases[i].body);
    CHECK(FM.root != NULL);
    if (FM.root) {
      CHECK_EQ_INT(FM.root->kind, RS_FM_MAP);
      CHECK_EQ_INT(FM.root->n, 0);
      CHECK(FM.root->child == NULL);
    }
    CHECK_EQ_INT(FM.nodes, 1);
    done();
  }
}

static const char TRANSCRIPT[] =
    "---\n"
    "title: \"Address to the nation\"\n"
    "date: 2020-11-10\n"
    "speaker: Xi Jinping\n"
    "tags: [a, b]\n"
    "session: 75\n"
    "---\n"
    "Dear compatriots,\n";

static void test_transcript(void) {
  const rs_fm_node *r, *t;
  CHECK_EQ_INT(parse(TRANSCRIPT), RS_OK);
  CHECK_EQ_INT(BODY, strlen(TRANSCRIPT) - strlen("Dear compatriots,\n"));
  r = FM.root;
  CHECK(r && r->kind == RS_FM_MAP && r->n == 5);
  CHECK_EQ_INT(FM.nodes, 8);
  CHECK_EQ_STR(sget(r, "title"), "Address to the nation");
  CHECK_EQ_INT(get(r, "title")->plain, 0);
  CHECK_EQ_INT(tget(r, "title"), RS_FMT_STR);
  CHECK_EQ_STR(sget(r, "date"), "2020-11-10");
  CHECK_EQ_INT(tget(r, "date"), RS_FMT_STR);
  CHECK_EQ_INT(get(r, "date")->plain, 1);
  CHECK_EQ_STR(sget(r, "speaker"), "Xi Jinping");
  CHECK_EQ_STR(sget(r, "session"), "75");
  CHECK_EQ_INT(tget(r, "session"), RS_FMT_INT);
  t = get(r, "tags");
  CHECK(t && t->kind == RS_FM_SEQ && t->n == 2);
  if (t && t->child && t->child->next) {
    CHECK_EQ_STR(t->child->str, "a");
    CHECK(t->child->key == NULL);
    CHECK_EQ_STR(t->child->next->str, "b");
    CHECK(t->child->next->next == NULL);
  }
  /* keys in order, positions in the whole text */
  CHECK_EQ_STR(r->child->key, "title");
  CHECK_EQ_INT(r->child->keylen, 5);
  CHECK_EQ_INT(r->child->line, 2);
  CHECK_EQ_INT(r->child->col, 8);
  CHECK_EQ_INT(get(r, "session")->line, 6);
  CHECK_EQ_INT(get(r, "session")->col, 10);
  CHECK(get(r, "missing") == NULL);
  CHECK(rs_front_get(NULL, "a", 1) == NULL);
  CHECK(rs_front_get(t, "a", 1) == NULL); /* not a mapping */
  done();
}

static void test_crlf_bom(void) {
  const char *s = "\xEF\xBB\xBF---  \r\ntitle: A\r\nn: 2\r\n... \t\r\nBody\r\n";
  CHECK_EQ_INT(parse(s), RS_OK);
  CHECK_EQ_INT(BODY, strlen(s) - strlen("Body\r\n"));
  CHECK_EQ_STR(sget(FM.root, "title"), "A");
  CHECK_EQ_STR(sget(FM.root, "n"), "2");
  CHECK_EQ_INT(get(FM.root, "n")->line, 3);
  CHECK_EQ_INT(get(FM.root, "n")->col, 4);
  done();
  /* closing line at the very end, without a line break */
  s = "---\r\na: b\r\n---\r";
  CHECK_EQ_INT(parse(s), RS_OK);
  CHECK_EQ_INT(BODY, strlen(s));
  CHECK_EQ_STR(sget(FM.root, "a"), "b");
  done();
  /* errors are located in the whole file, BOM and CRLF included */
  expect_err("\xEF\xBB\xBF---\r\na: 1\r\nb: x: y\r\n---\r\n", 3, 5,
             "mapping values are not allowed in this context");
}

static void test_nested(void) {
  const char *s =
      "---\n"
      "event:\n"
      "  place: Geneva\n"
      "  when: {year: 2020, month: 11}\n"
      "  people:\n"
      "    - name: A\n"
      "      role: chair\n"
      "    - B\n"
      "quote: |\n"
      "  line one\n"
      "  line two\n"
      "folded: >\n"
      "  a\n"
      "  b\n"
      "typed: !!str 75\n"
      "single: '75'\n"
      "empty:\n"
      "---\n";
  const rs_fm_node *e, *w, *p, *it;
  CHECK_EQ_INT(parse(s), RS_OK);
  CHECK_EQ_INT(BODY, strlen(s));
  e = get(FM.root, "event");
  CHECK(e && e->kind == RS_FM_MAP && e->n == 3);
  CHECK_EQ_STR(sget(e, "place"), "Geneva");
  w = get(e, "when");
  CHECK(w && w->kind == RS_FM_MAP && w->n == 2);
  CHECK_EQ_STR(sget(w, "year"), "2020");
  CHECK_EQ_INT(tget(w, "month"), RS_FMT_INT);
  p = get(e, "people");
  CHECK(p && p->kind == RS_FM_SEQ && p->n == 2);
  it = p ? p->child : NULL;
  CHECK(it && it->kind == RS_FM_MAP && it->n == 2);
  CHECK_EQ_STR(sget(it, "role"), "chair");
  CHECK(it && it->next && it->next->kind == RS_FM_SCALAR);
  if (it && it->next) CHECK_EQ_STR(it->next->str, "B");
  CHECK_EQ_STR(sget(FM.root, "quote"), "line one\nline two\n");
  CHECK_EQ_INT(get(FM.root, "quote")->plain, 0);
  CHECK_EQ_STR(sget(FM.root, "folded"), "a b\n");
  CHECK_EQ_STR(sget(FM.root, "typed"), "75");
  CHECK_EQ_INT(tget(FM.root, "typed"), RS_FMT_STR);
  CHECK_EQ_INT(get(FM.root, "typed")->plain, 0);
  CHECK_EQ_INT(tget(FM.root, "single"), RS_FMT_STR);
  CHECK_EQ_STR(sget(FM.root, "empty"), "");
  CHECK_EQ_INT(tget(FM.root, "empty"), RS_FMT_NULL);
  CHECK_EQ_INT(FM.nodes, 16);
  done();
}

static void test_types(void) {
  static const struct {
    const char *v;
    rs_fm_type t;
  } cases[] = {
      {"~", RS_FMT_NULL},        {"null", RS_FMT_NULL},
      {"NULL", RS_FMT_NULL},     {"nul", RS_FMT_STR},
      {"true", RS_FMT_BOOL},     {"False", RS_FMT_BOOL},
      {"TRUE", RS_FMT_BOOL},     {"yes", RS_FMT_STR},
      {"on", RS_FMT_STR},        {"tRue", RS_FMT_STR},
      {"0", RS_FMT_INT},         {"-12", RS_FMT_INT},
      {"+7", RS_FMT_INT},        {"007", RS_FMT_INT},
      {"0o17", RS_FMT_INT},      {"0x1F", RS_FMT_INT},
      {"0o18", RS_FMT_STR},      {"0x", RS_FMT_STR},
      {"0xg", RS_FMT_STR},       {"-0x1", RS_FMT_STR},
      {"1_000", RS_FMT_STR},     {"1.5", RS_FMT_FLOAT},
      {"-.5", RS_FMT_FLOAT},     {"1.", RS_FMT_FLOAT},
      {"1e5", RS_FMT_FLOAT},     {"2.5E-3", RS_FMT_FLOAT},
      {"1e", RS_FMT_STR},        {".", RS_FMT_STR},
      {"1.2.3", RS_FMT_STR},     {"+", RS_FMT_STR},
      {".inf", RS_FMT_FLOAT},    {"-.Inf", RS_FMT_FLOAT},
      {".nan", RS_FMT_FLOAT},    {"-.nan", RS_FMT_STR},
      {"2020-11-10", RS_FMT_STR}, {"12:30", RS_FMT_STR},
      {"75 years", RS_FMT_STR},  {"Xi Jinping", RS_FMT_STR},
  };
  size_t i;
  char buf[128];
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const rs_fm_node *v;
    snprintf(buf, sizeof buf, "---\nv: %s\nq: \"%s\"\n---\n", cases[i].v,
             cases[i].v);
    CHECK_EQ_INT(parse(buf), RS_OK);
    v = get(FM.root, "v");
    CHECK(v != NULL);
    if (v) {
      if (v->type != cases[i].t) CHECK_EQ_STR(v->str, "(wrong type)");
      CHECK_EQ_STR(v->str, cases[i].v);
      CHECK_EQ_INT(v->plain, 1);
    }
    CHECK_EQ_INT(tget(FM.root, "q"), RS_FMT_STR);
    done();
  }
}

static void test_utf8_and_escapes(void) {
  const char *s = "---\n"
                  "título: «Discours à la nation»\n"
                  "\"引言\": 中华人民共和国\n"
                  "nul: \"a\\0b\"\n"
                  "---\n";
  const rs_fm_node *m;
  CHECK_EQ_INT(parse(s), RS_OK);
  CHECK_EQ_STR(sget(FM.root, "título"), "«Discours à la nation»");
  CHECK_EQ_STR(sget(FM.root, "引言"), "中华人民共和国");
  CHECK_EQ_INT(get(FM.root, "引言")->col, 7); /* code points, not bytes */
  m = get(FM.root, "nul");
  CHECK(m && m->len == 3 && memcmp(m->str, "a\0b", 4) == 0);
  done();
}

static void test_duplicates(void) {
  const char *s = "---\na: 1\nb: [x]\na: {c: 2}\nb: last\n---\n";
  const rs_fm_node *a;
  CHECK_EQ_INT(parse(s), RS_OK);
  CHECK_EQ_INT(FM.root->n, 2);
  CHECK_EQ_INT(FM.nodes, 4); /* root, a:{}, c, b */
  a = get(FM.root, "a");
  CHECK(a && a->kind == RS_FM_MAP && a->line == 4);
  CHECK_EQ_STR(sget(a, "c"), "2");
  CHECK_EQ_STR(sget(FM.root, "b"), "last");
  CHECK_EQ_STR(FM.root->child->key, "a"); /* order of the survivors */
  done();
  /* in nested mappings too */
  CHECK_EQ_INT(parse("---\nm: {k: 1, k: 2, j: 0, k: 3}\n---\n"), RS_OK);
  CHECK_EQ_INT(get(FM.root, "m")->n, 2);
  CHECK_EQ_STR(sget(get(FM.root, "m"), "k"), "3");
  done();
}

static void test_aliases(void) {
  const char *s = "---\n"
                  "base: &b {lang: en, tags: [x, y]}\n"
                  "copy: *b\n"
                  "&k name: Obama\n"
                  "who: *k\n"
                  "*k : again\n"
                  "---\n";
  const rs_fm_node *c;
  CHECK_EQ_INT(parse(s), RS_OK);
  c = get(FM.root, "copy");
  CHECK(c && c->kind == RS_FM_MAP && c->n == 2);
  CHECK(c != get(FM.root, "base"));
  CHECK_EQ_STR(sget(c, "lang"), "en");
  CHECK(get(c, "tags") && get(c, "tags")->n == 2);
  CHECK_EQ_INT(c->line, 3);
  CHECK_EQ_INT(c->col, 7);
  CHECK_EQ_STR(sget(FM.root, "who"), "name");
  CHECK_EQ_STR(sget(FM.root, "name"), "again"); /* *k as a key, last wins */
  CHECK_EQ_INT(FM.root->n, 4);
  done();
  expect_err("---\na: *nope\n---\n", 2, 4, "unknown alias *nope");
  expect_err("---\na: &x [1, *x]\n---\n", 2, 11, "recursive alias *x");
  /* a long alias name is cut at 64 bytes in the message */
  expect_err("---\na: *a123456789b123456789c123456789d123456789e123456789"
             "f123456789g123456789\n---\n",
             2, 4,
             "unknown alias *a123456789b123456789c123456789d123456789"
             "e123456789f123456789g123");
  CHECK_EQ_INT(strlen(FM.err_msg), strlen("unknown alias *") + 64);
  expect_err("---\na: &x [1]\n*x : 2\n---\n", 3, 1,
             "front matter keys must be scalars");
}

static void test_limits(void) {
  /* billion laughs: stopped by the node limit, quickly */
  const char *lol =
      "---\n"
      "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
      "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
      "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
      "---\n";
  char *big;
  size_t i, n;
  CHECK_EQ_INT(parse(lol), RS_EPARSE);
  CHECK_EQ_STR(FM.err_msg, "front matter too large: more than 10000 values");
  CHECK_EQ_INT(FM.err_line, 6);
  done();
  /* 10000 values pass, 10001 do not (the root counts) */
  big = (char *)malloc(4 * 10001 + 64);
  n = (size_t)sprintf(big, "---\nv: [");
  for (i = 0; i < 9998; i++) n += (size_t)sprintf(big + n, "%s1", i ? "," : "");
  strcpy(big + n, "]\n---\n");
  CHECK_EQ_INT(parse(big), RS_OK);
  CHECK_EQ_INT(FM.nodes, RS_FRONT_MAX_NODES);
  done();
  strcpy(big + n, ",1]\n---\n");
  CHECK_EQ_INT(parse(big), RS_EPARSE);
  CHECK_EQ_STR(FM.err_msg, "front matter too large: more than 10000 values");
  CHECK_EQ_INT(FM.err_line, 2);
  done();
  free(big);
  /* a long string copied by aliases: the alias byte limit */
  big = (char *)malloc(300000 + 200);
  n = (size_t)sprintf(big, "---\ns: &s ");
  memset(big + n, 'x', 300000);
  n += 300000;
  strcpy(big + n, "\nt: [*s, *s, *s]\nu: [*s, *s]\n---\n");
  CHECK_EQ_INT(parse(big), RS_EPARSE);
  CHECK_EQ_STR(FM.err_msg,
               "front matter too large: aliases copy more than 1 MiB");
  CHECK_EQ_INT(FM.err_line, 4);
  CHECK_EQ_INT(FM.err_col, 5);
  done();
  /* the same through alias keys */
  strcpy(big + n, "\n*s : 1\n*s : 2\n*s : 3\n*s : 4\n---\n");
  CHECK_EQ_INT(parse(big), RS_EPARSE);
  CHECK_EQ_STR(FM.err_msg,
               "front matter too large: aliases copy more than 1 MiB");
  CHECK_EQ_INT(FM.err_line, 6);
  CHECK_EQ_INT(FM.err_col, 1);
  done();
  free(big);
  /* nesting: 63 levels under the root pass, 64 do not */
  big = (char *)malloc(512);
  n = (size_t)sprintf(big, "---\nv: ");
  for (i = 0; i < 63; i++) big[n++] = '[';
  for (i = 0; i < 63; i++) big[n++] = ']';
  strcpy(big + n, "\n---\n");
  CHECK_EQ_INT(parse(big), RS_OK);
  done();
  n = (size_t)sprintf(big, "---\nv: ");
  for (i = 0; i < 64; i++) big[n++] = '[';
  for (i = 0; i < 64; i++) big[n++] = ']';
  strcpy(big + n, "\n---\n");
  CHECK_EQ_INT(parse(big), RS_EPARSE);
  CHECK_EQ_STR(FM.err_msg,
               "front matter nested too deeply (more than 64 levels)");
  CHECK_EQ_INT(FM.err_line, 2);
  CHECK_EQ_INT(FM.err_col, 67);
  done();
  free(big);
}

static void test_errors(void) {
  expect_err("---\ntitle: x\nfoo: a: b\n---\nBody\n", 3, 7,
             "mapping values are not allowed in this context");
  expect_err("---\ntitle: x\nspeaker Xi\ndate: 1\n---\n", 4, 1,
             "could not find expected ':' (while scanning a simple key at "
             "3:1)");
  expect_err("---\ntags: [a, b\ndate: 1\n---\n", 3, 5,
             "did not find expected ',' or ']' (while parsing a flow "
             "sequence at 2:7)");
  expect_err("---\nfóó: «á»: b\n---\n", 2, 9,
             "mapping values are not allowed"); /* columns in code points */
  expect_err("---\na: 1\nb: \"\xff\"\n---\n", 3, 5,
             "invalid leading UTF-8 octet (byte 0xFF)");
  expect_err("---\na:\tb\n\tc: 1\n---\n", 3, 1,
             "found a tab character that violates indentation");
  /* not closed */
  expect_err("---\ntitle: x\n", 1, 1, "front matter block not closed");
  expect_err("---", 1, 1, "front matter block not closed");
  expect_err("\xEF\xBB\xBF---\r\n", 1, 1, "front matter block not closed");
  expect_err("---\na: 1\n----\n-- -\n", 1, 1, "front matter block not closed");
  /* not a mapping: at the block's first line */
  expect_err("---\n- a\n- b\n---\n", 1, 1,
             "front matter must be a mapping of keys to values");
  expect_err("---\n\n\njust words\n---\n", 1, 1,
             "front matter must be a mapping of keys to values");
  expect_err("---\n\"quoted\"\n---\n", 1, 1,
             "front matter must be a mapping of keys to values");
  /* keys */
  expect_err("---\n[a]: 1\n---\n", 2, 1, "front matter keys must be scalars");
  expect_err("---\na: 1\n? {b: 2}\n: 3\n---\n", 3, 3,
             "front matter keys must be scalars");
  /* a second document inside the block */
  expect_err("---\na: 1\n--- b: 2\n---\n", 3, 1,
             "front matter must hold a single YAML document");
}

static void test_free_twice(void) {
  CHECK_EQ_INT(parse(TRANSCRIPT), RS_OK);
  rs_front_free(&TM, &FM);
  rs_front_free(&TM, &FM);
  CHECK_EQ_INT(FM.nodes, 0);
  done();
}

/* an input that reaches every allocation site: nested values, duplicates,
** anchored keys, alias copies (keys included), alias keys, anchors growing */
static const char RICH[] =
    "\xEF\xBB\xBF---\r\n"
    "title: \"Address to the nation\"\n"
    "date: 2020-11-10\n"
    "&k speaker: Xi Jinping\n"
    "tags: [a, b, c]\n"
    "base: &b {lang: zh, n: 1, l: [x, {y: z}]}\n"
    "copy: *b\n"
    "who: *k\n"
    "*k : again\n"
    "title: repeated\n"
    "a1: &a1 1\na2: &a2 2\na3: &a3 3\na4: &a4 4\na5: &a5 5\na6: &a6 6\n"
    "a7: &a7 7\na8: &a8 8\na9: &a9 9\na10: &a10 10\na11: &a11 11\n"
    "a12: &a12 12\na13: &a13 13\na14: &a14 14\na15: &a15 15\na16: &a16 16\n"
    "a17: &a17 17\n"
    "---\n"
    "Body\n";

static void alloc_failures(int fail_after) {
  rs_mem M;
  talloc t;
  rs_front fm;
  size_t body;
  long total, k;
  int rc;
  /* a clean run counts the allocations */
  M = t_mem(&t);
  CHECK_EQ_INT(rs_front_parse(&M, RICH, strlen(RICH), &fm, &body), RS_OK);
  CHECK_EQ_STR(sget(fm.root, "title"), "repeated");
  CHECK_EQ_STR(sget(fm.root, "speaker"), "again");
  rs_front_free(&M, &fm);
  CHECK_EQ_INT(t.outstanding, 0);
  total = t.count;
  CHECK(total > 60);
  for (k = 1; k <= total; k++) {
    M = t_mem(&t);
    t.fail_at = k;
    t.fail_after = fail_after;
    body = 12345;
    rc = rs_front_parse(&M, RICH, strlen(RICH), &fm, &body);
    if (rc != RS_ENOMEM) {
      fprintf(stderr, "allocation %ld of %ld: rc %d\n", k, total, rc);
      CHECK_EQ_INT(rc, RS_ENOMEM);
      if (rc == RS_OK) rs_front_free(&M, &fm);
    }
    CHECK(fm.root == NULL);
    CHECK_EQ_INT(body, 12345);
    CHECK_EQ_INT(t.failures >= 1, 1);
    if (t.outstanding != 0 || t.bad_sizes != 0) {
      fprintf(stderr, "allocation %ld of %ld failed: %ld bytes leaked\n", k,
              total, t.outstanding);
      CHECK_EQ_INT(t.outstanding, 0);
      CHECK_EQ_INT(t.bad_sizes, 0);
    }
  }
}

static void test_alloc_fail_each(void) { alloc_failures(0); }
static void test_alloc_fail_from(void) { alloc_failures(1); }

/* }====================================================== */

int main(void) {
  RUN(test_no_block);
  RUN(test_empty_block);
  RUN(test_transcript);
  RUN(test_crlf_bom);
  RUN(test_nested);
  RUN(test_types);
  RUN(test_utf8_and_escapes);
  RUN(test_duplicates);
  RUN(test_aliases);
  RUN(test_limits);
  RUN(test_errors);
  RUN(test_free_twice);
  RUN(test_alloc_fail_each);
  RUN(test_alloc_fail_from);
  CHECK_DONE();
}
