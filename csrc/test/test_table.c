/* Unit tests of the columnar result tables (table.c), from C alone. The
** expected text tables and files were written by lua/rostra/result.lua
** for the same rows (a different implementation); orders and groups are
** worked out by hand in the comments. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "table.h"
#include "talloc.h"

/* {====================================================== helpers */

typedef struct sinkbuf {
  rs_mem *M;
  rs_buf b;
  int fail_after; /* > 0: the n-th write fails with 28 (ENOSPC) */
  int writes;
} sinkbuf;

static int sink_write(void *ud, const char *p, size_t n) {
  sinkbuf *s = (sinkbuf *)ud;
  if (s->fail_after > 0 && ++s->writes >= s->fail_after) return 28;
  return rs_buf_add(s->M, &s->b, p, n) ? 12 : 0;
}

/* the words table of the reference outputs:
**   word                                     count     per_million ok
**   people                                   12        3.5         true
**   peace                                    7         2.04        nil
**   a very long word ... forty columns       -3        NaN         false
**   中华人民                                  1000000   1e-07       nil */
static rs_table *words_table(rs_mem *M) {
  static const char *const W[] = {
      "people", "peace", "a very long word that is cut because it is wider than forty columns",
      "\xe4\xb8\xad\xe5\x8d\x8e\xe4\xba\xba\xe6\xb0\x91"};
  rs_table *T = rs_table_new(M, 4);
  rs_tcol *w;
  int64_t *count;
  double *pm;
  uint8_t *ok;
  int i;
  if (!T) return NULL;
  w = rs_table_own(T, "word");
  count = rs_table_int(T, "count");
  pm = rs_table_num(T, "per_million");
  ok = rs_table_bool(T, "ok");
  if (!w || !count || !pm || !ok) goto fail;
  for (i = 0; i < 4; i++)
    if (rs_tcol_push(M, w, W[i], strlen(W[i]))) goto fail;
  count[0] = 12, count[1] = 7, count[2] = -3, count[3] = 1000000;
  pm[0] = 3.5, pm[1] = 2.04, pm[2] = NAN, pm[3] = 1e-7;
  ok[0] = 1, ok[2] = 0;
  if (rs_tcol_set_null(M, &T->cols[3], 4, 1) || rs_tcol_set_null(M, &T->cols[3], 4, 3)) goto fail;
  return T;
fail:
  rs_table_free(T);
  return NULL;
}

static const uint32_t ID4[] = {0, 1, 2, 3};
static const int COLS4[] = {0, 1, 2, 3};

static char *write_all(rs_mem *M, const rs_table *T, const uint32_t *rows, size_t n, const int *cols,
                       int nc, int fmt) {
  static char out[4096];
  sinkbuf s;
  memset(&s, 0, sizeof s);
  s.M = M;
  if (rs_table_write(T, rows, n, cols, nc, fmt, (rs_tsink[]){{sink_write, &s}})) {
    rs_buf_free(M, &s.b);
    return NULL;
  }
  if (s.b.n >= sizeof out) s.b.n = sizeof out - 1;
  memcpy(out, s.b.p ? s.b.p : "", s.b.n);
  out[s.b.n] = 0;
  rs_buf_free(M, &s.b);
  return out;
}

static char *format_all(rs_mem *M, const rs_table *T, const uint32_t *rows, size_t n, rs_tfmt *o) {
  static char out[4096];
  rs_buf b;
  rs_buf_init(&b);
  if (rs_table_format(T, rows, n, o, &b)) {
    rs_buf_free(M, &b);
    return NULL;
  }
  if (b.n >= sizeof out) b.n = sizeof out - 1;
  memcpy(out, b.p ? b.p : "", b.n);
  out[b.n] = 0;
  rs_buf_free(M, &b);
  return out;
}

static rs_tfmt fmt_opts(const int *cols, int nc, size_t max_rows, size_t max_width, const char *title) {
  rs_tfmt o;
  memset(&o, 0, sizeof o);
  o.cols = cols;
  o.ncols = nc;
  o.max_rows = max_rows;
  o.max_width = max_width;
  o.title = title;
  o.titlelen = title ? strlen(title) : 0;
  return o;
}

/* }====================================================== */

static void test_cells(void) {
  rs_mem M = rs_mem_default();
  rs_table *T = words_table(&M);
  rs_buf sc;
  rs_tcell c;
  CHECK(T != NULL);
  if (!T) return;
  rs_buf_init(&sc);
  CHECK_EQ_INT(rs_table_find(T, "count", 5), 1);
  CHECK_EQ_INT(rs_table_find(T, "nope", 4), -1);
  CHECK(rs_table_int(T, "count") == NULL); /* a name taken */
  CHECK_EQ_INT(T->ncol, 4);
  rs_table_cell(T, 0, 1, &sc, &c);
  CHECK_EQ_INT(c.kind, RS_TC_STR);
  CHECK(c.n == 5 && memcmp(c.s, "peace", 5) == 0);
  rs_table_cell(T, 1, 3, &sc, &c);
  CHECK_EQ_INT(c.i, 1000000);
  rs_table_cell(T, 3, 1, &sc, &c);
  CHECK_EQ_INT(c.kind, RS_CELL_NIL);
  rs_table_cell(T, 3, 2, &sc, &c);
  CHECK_EQ_INT(c.kind, RS_TC_BOOL);
  CHECK_EQ_INT(c.i, 0);
  rs_buf_free(&M, &sc);
  rs_table_free(T);
}

/* the text table as result.lua lays it out */
static void test_format(void) {
  rs_mem M = rs_mem_default();
  rs_table *T = words_table(&M);
  rs_tfmt o = fmt_opts(COLS4, 4, 50, 40, "Top words");
  const char *s;
  if (!T) return;
  s = format_all(&M, T, ID4, 4, &o);
  CHECK_EQ_STR(s,
               "Top words\n"
               "word                                        count  per_million  ok\n"
               "----------------------------------------  -------  -----------  -----\n"
               "people                                         12         3.50  true\n"
               "peace                                           7         2.04\n"
               "a very long word that is cut because it\xe2\x80\xa6       -3            -  false\n"
               "\xe4\xb8\xad\xe5\x8d\x8e\xe4\xba\xba\xe6\xb0\x91                                  1000000        1e-07");
  o = fmt_opts(COLS4, 4, 2, 8, "Top words");
  s = format_all(&M, T, ID4, 4, &o);
  CHECK_EQ_STR(s,
               "Top words\n"
               "word    count  \xe2\x80\xa6million  ok\n"
               "------  -----  --------  ----\n"
               "people     12      3.50  true\n"
               "peace       7      2.04\n"
               "\xe2\x80\xa6 2 more rows");
  o = fmt_opts(COLS4, 1, 50, 40, NULL);
  s = format_all(&M, T, ID4, 0, &o);
  CHECK_EQ_STR(s, "word\n----\n(no rows)");
  { /* cells formatted by the caller, alignment, warnings */
    static const char *const over1[] = {"twelve", NULL};
    static const size_t overlen1[] = {6, 0};
    const char *const *over[2] = {NULL, over1};
    const size_t *overlen[2] = {NULL, overlen1};
    static const signed char align[2] = {1, 0};
    static const char *const warn[] = {"a warning\nwith a line break"};
    static const size_t warnlen[] = {27};
    o = fmt_opts(COLS4, 2, 2, 40, NULL);
    o.over = over;
    o.overlen = overlen;
    o.align = align;
    o.warn = warn;
    o.warnlen = warnlen;
    o.nwarn = 1;
    s = format_all(&M, T, ID4, 2, &o);
    CHECK_EQ_STR(s, "  word  count\n"
                    "------  ------\n"
                    "people  twelve\n"
                    " peace  7\n"
                    "warning: a warning with a line break");
  }
  rs_table_free(T);
}

static void test_write(void) {
  rs_mem M = rs_mem_default();
  rs_table *T = words_table(&M);
  const char *s;
  if (!T) return;
  s = write_all(&M, T, ID4, 4, COLS4, 4, RS_TW_TSV);
  CHECK_EQ_STR(s, "word\tcount\tper_million\tok\n"
                  "people\t12\t3.5\ttrue\n"
                  "peace\t7\t2.04\t\n"
                  "a very long word that is cut because it is wider than forty columns\t-3\t\tfalse\n"
                  "\xe4\xb8\xad\xe5\x8d\x8e\xe4\xba\xba\xe6\xb0\x91\t1000000\t1e-07\t\n");
  s = write_all(&M, T, ID4, 2, COLS4, 4, RS_TW_CSV);
  CHECK_EQ_STR(s, "word,count,per_million,ok\npeople,12,3.5,true\npeace,7,2.04,\n");
  s = write_all(&M, T, ID4, 4, COLS4, 4, RS_TW_JSON);
  CHECK_EQ_STR(s, "[\n"
                  "{\"word\":\"people\",\"count\":12,\"per_million\":3.5,\"ok\":true},\n"
                  "{\"word\":\"peace\",\"count\":7,\"per_million\":2.04,\"ok\":null},\n"
                  "{\"word\":\"a very long word that is cut because it is wider than forty columns\","
                  "\"count\":-3,\"per_million\":null,\"ok\":false},\n"
                  "{\"word\":\"\xe4\xb8\xad\xe5\x8d\x8e\xe4\xba\xba\xe6\xb0\x91\",\"count\":1000000,"
                  "\"per_million\":1e-07,\"ok\":null}\n"
                  "]\n");
  s = write_all(&M, T, ID4, 0, COLS4, 1, RS_TW_JSON);
  CHECK_EQ_STR(s, "[]\n");
  rs_table_free(T);
  { /* escapes: a tab, a newline, a backslash, quotes, a control, invalid UTF-8 */
    rs_table *E = rs_table_new(&M, 3);
    rs_tcol *str = rs_table_own(E, "s");
    double *n = rs_table_num(E, "n");
    static const uint32_t rows[] = {0, 1, 2};
    static const int cols[] = {0, 1};
    rs_tfmt o;
    CHECK(str && n);
    rs_tcol_push(&M, str, "a\tb\nc\\d,\"e\"", 11);
    rs_tcol_push(&M, str, "x\001y\377", 4);
    rs_tcol_push(&M, str, "", 0);
    rs_tcol_set_null(&M, str, 3, 2);
    n[0] = 0.1, n[1] = 1e300, n[2] = -0.0;
    s = write_all(&M, E, rows, 3, cols, 2, RS_TW_TSV);
    /* controls as result.lua writes them: \xHH in TSV, quoted in CSV, shown in the text table */
    CHECK_EQ_STR(s, "s\tn\na\\tb\\nc\\\\d,\"e\"\t0.1\nx\\x01y\377\t1e+300\n\t-0.0\n");
    s = write_all(&M, E, rows, 3, cols, 2, RS_TW_CSV);
    CHECK_EQ_STR(s, "s,n\n\"a\tb\nc\\d,\"\"e\"\"\",0.1\n\"x\001y\377\",1e+300\n,-0.0\n");
    s = write_all(&M, E, rows, 3, cols, 2, RS_TW_JSON);
    CHECK_EQ_STR(s, "[\n{\"s\":\"a\\tb\\nc\\\\d,\\\"e\\\"\",\"n\":0.1},\n"
                    "{\"s\":\"x\\u0001y\xef\xbf\xbd\",\"n\":1e+300},\n{\"s\":null,\"n\":-0.0}\n]\n");
    o = fmt_opts(cols, 2, 50, 40, NULL);
    s = format_all(&M, E, rows, 3, &o);
    CHECK_EQ_STR(s, "s                 n\n"
                    "-----------  ------\n"
                    "a b c\\d,\"e\"     0.1\n"
                    "x\\x01y\xef\xbf\xbd      1e+300\n"
                    "                0.0");
    rs_table_free(E);
  }
}

/* a sink that fails stops the writer with its code */
static void test_write_fails(void) {
  rs_mem M = rs_mem_default();
  rs_table *T = rs_table_new(&M, 20000);
  int64_t *v = rs_table_int(T, "v");
  uint32_t *rows = (uint32_t *)malloc(20000 * sizeof *rows);
  static const int cols[] = {0};
  sinkbuf s;
  size_t i;
  for (i = 0; i < 20000; i++) rows[i] = (uint32_t)i, v[i] = (int64_t)i * 1000000007;
  memset(&s, 0, sizeof s);
  s.M = &M;
  s.fail_after = 2;
  CHECK_EQ_INT(rs_table_write(T, rows, 20000, cols, 1, RS_TW_TSV, (rs_tsink[]){{sink_write, &s}}), 28);
  CHECK_EQ_INT(s.writes, 2); /* stopped at the failing chunk */
  rs_buf_free(&M, &s.b);
  free(rows);
  rs_table_free(T);
}

/* sort order: numbers, then NaN, then nil, whatever the direction */
static void test_sort(void) {
  rs_mem M = rs_mem_default();
  rs_table *T = rs_table_new(&M, 7);
  double *x = rs_table_num(T, "x");
  rs_tcol *s = rs_table_own(T, "s");
  rs_tkey k[2];
  uint32_t rows[7] = {0, 1, 2, 3, 4, 5, 6};
  static const char *const S[] = {"b", "a", "b", "", "a", "c", "a"};
  int i;
  /* rows:   0    1    2    3    4    5    6
  **   x:    2    NaN  1    nil  2    1    NaN
  **   s:    b    a    b    ""   a    c    a */
  x[0] = 2, x[1] = NAN, x[2] = 1, x[4] = 2, x[5] = 1, x[6] = NAN;
  rs_tcol_set_null(&M, &T->cols[0], 7, 3);
  for (i = 0; i < 7; i++) rs_tcol_push(&M, s, S[i], strlen(S[i]));
  k[0].col = 0, k[0].desc = 0;
  CHECK_EQ_INT(rs_table_sort(T, rows, 7, k, 1), 0);
  /* 1: rows 2, 5; 2: rows 0, 4; NaN: 1, 6; nil: 3 (stable inside) */
  {
    static const uint32_t want[] = {2, 5, 0, 4, 1, 6, 3};
    CHECK(memcmp(rows, want, sizeof want) == 0);
  }
  k[0].desc = 1;
  CHECK_EQ_INT(rs_table_sort(T, rows, 7, k, 1), 0);
  {
    static const uint32_t want[] = {0, 4, 2, 5, 1, 6, 3}; /* NaN and nil stay last */
    CHECK(memcmp(rows, want, sizeof want) == 0);
  }
  /* by s, then x descending: "" 3; a: 4 (2), 1 (NaN), 6 (NaN); b: 0 (2), 2 (1); c: 5 */
  k[0].col = 1, k[0].desc = 0;
  k[1].col = 0, k[1].desc = 1;
  CHECK_EQ_INT(rs_table_sort(T, rows, 7, k, 2), 0);
  {
    static const uint32_t want[] = {3, 4, 1, 6, 0, 2, 5};
    CHECK(memcmp(rows, want, sizeof want) == 0);
  }
  rs_table_free(T);
}

/* a larger sort against qsort of (key, position) pairs */
static int pair_cmp(const void *a, const void *b) {
  const int64_t *x = (const int64_t *)a, *y = (const int64_t *)b;
  if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
  return x[1] < y[1] ? -1 : x[1] > y[1];
}

static void test_sort_large(void) {
  rs_mem M = rs_mem_default();
  size_t n = 100003, i, bad = 0;
  rs_table *T = rs_table_new(&M, n);
  int64_t *v = rs_table_int(T, "v");
  uint32_t *rows = (uint32_t *)malloc(n * sizeof *rows);
  int64_t *pairs = (int64_t *)malloc(n * 2 * sizeof *pairs);
  rs_tkey k = {0, 0};
  uint64_t st = 42;
  for (i = 0; i < n; i++) {
    st = st * 6364136223846793005ull + 1442695040888963407ull;
    v[i] = (int64_t)(st >> 50); /* many ties */
    rows[i] = (uint32_t)i;
    pairs[2 * i] = v[i];
    pairs[2 * i + 1] = (int64_t)i;
  }
  qsort(pairs, n, 2 * sizeof *pairs, pair_cmp);
  CHECK_EQ_INT(rs_table_sort(T, rows, n, &k, 1), 0);
  for (i = 0; i < n; i++)
    if ((int64_t)rows[i] != pairs[2 * i + 1]) bad++;
  CHECK_EQ_INT(bad, 0);
  free(rows);
  free(pairs);
  rs_table_free(T);
}

static void test_filter(void) {
  rs_mem M = rs_mem_default();
  rs_table *T = words_table(&M);
  uint32_t out[4];
  size_t n;
  rs_tpred p;
  const char *v[2];
  size_t l[2];
  if (!T) return;
  p.values = v;
  p.lens = l;
  /* count >= 12: people (12), 中华人民 (1000000) */
  p.col = 1, p.op = RS_TF_GE, v[0] = "12", l[0] = 2, p.nvalues = 1;
  CHECK_EQ_INT(rs_table_filter(T, ID4, 4, &p, 1, out, &n), 0);
  CHECK_EQ_INT(n, 2);
  CHECK(out[0] == 0 && out[1] == 3);
  /* count = 7.0 (a number: equal to 7) */
  p.op = RS_TF_EQ, v[0] = "7.0", l[0] = 3;
  rs_table_filter(T, ID4, 4, &p, 1, out, &n);
  CHECK(n == 1 && out[0] == 1);
  /* word ~ "ea": peace only; word !~ "ea": the other three */
  p.col = 0, p.op = RS_TF_HAS, v[0] = "ea", l[0] = 2;
  rs_table_filter(T, ID4, 4, &p, 1, out, &n);
  CHECK(n == 1 && out[0] == 1);
  p.op = RS_TF_HASNOT;
  rs_table_filter(T, ID4, 4, &p, 1, out, &n);
  CHECK_EQ_INT(n, 3);
  /* word = people,peace */
  p.op = RS_TF_EQ, v[0] = "people", l[0] = 6, v[1] = "peace", l[1] = 5, p.nvalues = 2;
  rs_table_filter(T, ID4, 4, &p, 1, out, &n);
  CHECK(n == 2 && out[0] == 0 && out[1] == 1);
  /* ok != true: a missing cell passes != (rows 1, 2, 3) */
  p.col = 3, p.op = RS_TF_NE, v[0] = "true", l[0] = 4, p.nvalues = 1;
  rs_table_filter(T, ID4, 4, &p, 1, out, &n);
  CHECK(n == 3 && out[0] == 1 && out[1] == 2 && out[2] == 3);
  /* per_million < 3 (numbers): peace (2.04) and 1e-07; NaN never */
  p.col = 2, p.op = RS_TF_LT, v[0] = "3", l[0] = 1;
  rs_table_filter(T, ID4, 4, &p, 1, out, &n);
  CHECK(n == 2 && out[0] == 1 && out[1] == 3);
  /* word < "p" as text: "a very..." */
  p.col = 0, p.op = RS_TF_LT, v[0] = "p", l[0] = 1;
  rs_table_filter(T, ID4, 4, &p, 1, out, &n);
  CHECK(n == 1 && out[0] == 2);
  rs_table_free(T);
}

static void test_group(void) {
  rs_mem M = rs_mem_default();
  rs_table *T = rs_table_new(&M, 6), *G = NULL;
  rs_tcol *theme = rs_table_dict(T, "theme");
  int64_t *count = rs_table_int(T, "count");
  double *score = rs_table_num(T, "score");
  static const char *const TH[] = {"peace", "health", "peace", "trade", "health", "peace"};
  static const uint32_t rows[] = {0, 1, 2, 3, 4, 5};
  int keys[1] = {0}, sums[2] = {1, 2};
  rs_buf sc;
  rs_tcell c;
  int i;
  rs_buf_init(&sc);
  for (i = 0; i < 6; i++) {
    CHECK_EQ_INT(rs_tcol_intern(&M, theme, TH[i], strlen(TH[i]), &theme->id[i]), 0);
    count[i] = i + 1;
    score[i] = 0.5 * (i + 1);
  }
  CHECK_EQ_INT(theme->ndict, 3);
  /* peace: rows 0, 2, 5 (count 1+3+6 = 10, score 5.0); health: 1, 4 (2+5 =
  ** 7, 3.5); trade: 3 (4, 2.0); in the order first met */
  CHECK_EQ_INT(rs_table_group(T, rows, 6, keys, 1, "units", sums, 2, &G), 0);
  CHECK(G != NULL);
  if (G) {
    CHECK_EQ_INT(G->nrow, 3);
    CHECK_EQ_INT(G->ncol, 4);
    rs_table_cell(G, 0, 1, &sc, &c);
    CHECK(c.n == 6 && memcmp(c.s, "health", 6) == 0);
    CHECK_EQ_INT(G->cols[1].i[0], 3);
    CHECK_EQ_INT(G->cols[2].i[0], 10);
    CHECK_EQ_INT(G->cols[2].i[1], 7);
    CHECK(G->cols[3].d[0] == 5.0 && G->cols[3].d[2] == 2.0);
    rs_table_free(G);
  }
  /* the count's name taken by a key */
  CHECK_EQ_INT(rs_table_group(T, rows, 6, keys, 1, "theme", sums, 0, &G), RS_EINVAL);
  /* a string summed */
  CHECK_EQ_INT(rs_table_group(T, rows, 6, keys, 1, "n", keys, 1, &G), RS_EINVAL);
  rs_buf_free(&M, &sc);
  rs_table_free(T);
}

/* type ids, tuples and spans read the bound index */
static void test_index_columns(void) {
  rs_mem M = rs_mem_default();
  rs_builder *B = rs_builder_new(&M);
  rs_index ix;
  rs_table *T;
  uint32_t *w, *g;
  rs_tcol *sp;
  static const char *text = "The cat sat.\nThe\tdog ran.";
  int64_t a, b;
  rs_buf sc;
  rs_tcell c;
  uint32_t rows[3] = {0, 1, 2};
  rs_tkey key = {0, 0};
  static const int cols[] = {0, 1, 2};
  const char *s;
  rs_buf_init(&sc);
  CHECK(B != NULL);
  if (!B) return;
  CHECK_EQ_INT(rs_builder_add(B, text, strlen(text), NULL, "english"), 0);
  CHECK_EQ_INT(rs_builder_finish(B, &ix), 0);
  T = rs_table_new(&M, 3);
  rs_table_bind(T, &ix);
  w = rs_table_type(T, "lower", RS_ATTR_LOWER, 1);
  g = rs_table_type(T, "bigram", RS_ATTR_LOWER, 2);
  sp = rs_table_span(T, "text", 1);
  CHECK(w && g && sp);
  a = rs_strtab_find(&ix.attr[RS_ATTR_LOWER], "the", 3);
  b = rs_strtab_find(&ix.attr[RS_ATTR_LOWER], "cat", 3);
  CHECK(a >= 0 && b >= 0);
  /* rows: "the" / "the cat" / "sat.\nThe\tdog"; "cat" / "cat the" / "The cat" */
  w[0] = (uint32_t)a, w[1] = (uint32_t)b, w[2] = (uint32_t)a;
  g[0] = (uint32_t)a, g[1] = (uint32_t)b, g[2] = (uint32_t)b, g[3] = (uint32_t)a, g[4] = (uint32_t)a,
  g[5] = (uint32_t)a;
  sp->off[0] = 8, sp->len[0] = 12; /* "sat.\nThe\tdog" */
  sp->off[1] = 0, sp->len[1] = 7;
  sp->off[2] = 4, sp->len[2] = 3;
  rs_table_cell(T, 1, 0, &sc, &c);
  CHECK(c.n == 7 && memcmp(c.s, "the cat", 7) == 0);
  rs_table_cell(T, 2, 0, &sc, &c);
  CHECK(c.n == 12 && memcmp(c.s, "sat. The dog", 12) == 0);
  /* by lower: cat (1), the (0, 2) */
  CHECK_EQ_INT(rs_table_sort(T, rows, 3, &key, 1), 0);
  CHECK(rows[0] == 1 && rows[1] == 0 && rows[2] == 2);
  /* by the bigram: "cat the" (1), "the cat" (0), "the the" (2) */
  key.col = 1;
  rows[0] = 2, rows[1] = 1, rows[2] = 0;
  rs_table_sort(T, rows, 3, &key, 1);
  CHECK(rows[0] == 1 && rows[1] == 0 && rows[2] == 2);
  s = write_all(&M, T, (uint32_t[]){0, 1, 2}, 3, cols, 3, RS_TW_TSV);
  CHECK_EQ_STR(s, "lower\tbigram\ttext\nthe\tthe cat\tsat. The dog\ncat\tcat the\tThe cat\nthe\tthe the\tcat\n");
  rs_table_free(T);
  rs_builder_free(B);
  rs_buf_free(&M, &sc);
}

/* a lazy column: its cells are filled when first needed, once each */
typedef struct lazyud {
  long calls, rows;
} lazyud;

static lazyud *lazy_counts;

static int fill_squares(rs_table *T, const uint32_t *rows, size_t n, void *ud) {
  size_t i;
  (void)ud;
  lazy_counts->calls++;
  for (i = 0; i < n; i++) {
    T->cols[1].i[rows[i]] = (int64_t)rows[i] * (int64_t)rows[i];
    if (i) CHECK(rows[i - 1] < rows[i]); /* ascending */
  }
  lazy_counts->rows += (long)n;
  return 0;
}

static void test_lazy(void) {
  rs_mem M = rs_mem_default();
  rs_table *T = rs_table_new(&M, 10);
  int64_t *id = rs_table_int(T, "id"), *sq = rs_table_int(T, "square");
  static const int lazy[] = {1}, cols[] = {0, 1};
  uint32_t rows[10];
  lazyud counts = {0, 0};
  rs_tkey key = {1, 1};
  rs_buf sc;
  rs_tcell c;
  const char *s;
  int i;
  rs_buf_init(&sc);
  lazy_counts = &counts;
  for (i = 0; i < 10; i++) id[i] = i, rows[i] = (uint32_t)(9 - i);
  (void)sq;
  CHECK_EQ_INT(rs_table_lazy(T, fill_squares, NULL, 0, lazy, 1), 0);
  CHECK_EQ_INT(rs_table_lazy(T, fill_squares, NULL, 0, lazy, 1), RS_EINVAL); /* once */
  rs_table_cell(T, 0, 3, &sc, &c); /* not a lazy column: nothing filled */
  CHECK_EQ_INT(counts.rows, 0);
  rs_table_cell(T, 1, 3, &sc, &c);
  CHECK_EQ_INT(c.i, 9);
  CHECK_EQ_INT(counts.rows, 1);
  rs_table_cell(T, 1, 3, &sc, &c); /* kept */
  CHECK_EQ_INT(counts.rows, 1);
  /* the text table of 4 rows fills 3 more (row 3 is filled) */
  {
    rs_tfmt o = fmt_opts(cols, 2, 4, 40, NULL);
    uint32_t four[4] = {0, 1, 2, 3};
    s = format_all(&M, T, four, 4, &o);
    CHECK_EQ_STR(s, "id  square\n--  ------\n 0       0\n 1       1\n 2       4\n 3       9");
    CHECK_EQ_INT(counts.rows, 4);
  }
  /* a sort by it fills the others, in one call */
  counts.calls = 0;
  CHECK_EQ_INT(rs_table_sort(T, rows, 10, &key, 1), 0);
  CHECK_EQ_INT(counts.rows, 10);
  CHECK_EQ_INT(counts.calls, 1);
  CHECK(rows[0] == 9 && rows[9] == 0);
  s = write_all(&M, T, rows, 3, cols, 2, RS_TW_CSV);
  CHECK_EQ_STR(s, "id,square\n9,81\n8,64\n7,49\n");
  rs_buf_free(&M, &sc);
  rs_table_free(T);
}

static void test_width_repr(void) {
  char buf[32];
  CHECK_EQ_INT(rs_width("abc", 3), 3);
  CHECK_EQ_INT(rs_width("\xe4\xb8\xad\xe6\x96\x87", 6), 4);  /* 中文 */
  CHECK_EQ_INT(rs_width("e\xcc\x81", 3), 1);                /* e + combining acute */
  CHECK_EQ_INT(rs_width("\xff" "a", 2), 2);                 /* an invalid byte counts one */
  rs_num_repr(0.1, buf);
  CHECK_EQ_STR(buf, "0.1");
  rs_num_repr(3.0, buf);
  CHECK_EQ_STR(buf, "3.0");
  rs_num_repr(1.0 / 3.0, buf);
  CHECK_EQ_STR(buf, "0.3333333333333333");
  rs_num_repr(1e100, buf);
  CHECK_EQ_STR(buf, "1e+100");
  CHECK_EQ_INT(rs_num_repr(NAN, buf), 0);
}

/* every allocation of building, sorting, grouping, formatting and writing
** may fail: the call says so and nothing leaks */
static void test_alloc_failures(void) {
  long k;
  int done = 0;
  for (k = 1; k < 400 && !done; k++) {
    talloc t;
    rs_mem M = t_mem(&t);
    rs_table *T, *G = NULL;
    rs_buf b;
    int ok = 1;
    t.fail_at = k;
    T = words_table(&M);
    rs_buf_init(&b);
    if (T) {
      uint32_t rows[4] = {0, 1, 2, 3};
      rs_tkey key = {0, 1};
      int keys[1] = {3}, sums[1] = {1};
      rs_tfmt o = fmt_opts(COLS4, 4, 50, 40, "t");
      sinkbuf s;
      rs_tcol *d = rs_table_dict(T, "d");
      uint32_t id;
      memset(&s, 0, sizeof s);
      s.M = &M;
      if (!d || rs_tcol_intern(&M, d, "x", 1, &id)) ok = 0;
      if (rs_table_sort(T, rows, 4, &key, 1)) ok = 0;
      if (rs_table_group(T, rows, 4, keys, 1, "n", sums, 1, &G)) ok = 0;
      if (rs_table_format(T, rows, 4, &o, &b)) ok = 0;
      if (rs_table_write(T, rows, 4, COLS4, 4, RS_TW_JSON, (rs_tsink[]){{sink_write, &s}})) ok = 0;
      rs_buf_free(&M, &s.b);
    } else {
      ok = 0;
    }
    rs_table_free(G);
    rs_table_free(T);
    rs_buf_free(&M, &b);
    CHECK_EQ_INT(t.outstanding, 0);
    CHECK_EQ_INT(t.bad_sizes, 0);
    if (ok && t.failures == 0) done = 1; /* every allocation got through */
  }
  CHECK(done);
}

int main(void) {
  RUN(test_cells);
  RUN(test_format);
  RUN(test_write);
  RUN(test_write_fails);
  RUN(test_sort);
  RUN(test_sort_large);
  RUN(test_filter);
  RUN(test_group);
  RUN(test_index_columns);
  RUN(test_lazy);
  RUN(test_width_repr);
  RUN(test_alloc_failures);
  CHECK_DONE();
}
