/* Unit tests of the statistics counting engine (stats.c), from C alone, on
** tiny corpora built with rs_builder. Every expected count is worked out by
** hand in the comment next to it. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "stats.h"

/* the two speeches most tests use (positions in brackets):
**   doc 1: the[0] cat[1] sat[2] .[3] | the[4] cat[5] ran[6] .[7]
**   doc 2: a[8] cat[9] sat[10] on[11] the[12] mat[13] .[14]
** sentences [0,4) [4,8) [8,15) */
static const char *const TEXTS[] = {"The cat sat. The cat ran.", "A cat sat on the mat."};

typedef struct fixture {
  rs_mem mem;
  rs_builder *B;
  rs_index ix;
} fixture;

static int setup(fixture *F, const char *const *texts, int n) {
  int i;
  F->mem = rs_mem_default();
  F->B = rs_builder_new(&F->mem);
  if (!F->B) return 0;
  for (i = 0; i < n; i++)
    if (rs_builder_add(F->B, texts[i], strlen(texts[i]), NULL, "english")) return 0;
  return rs_builder_finish(F->B, &F->ix) == 0;
}

static void teardown(fixture *F) { rs_builder_free(F->B); }

static uint32_t lower_id(const rs_index *ix, const char *s) {
  int64_t id = rs_strtab_find(&ix->attr[RS_ATTR_LOWER], s, strlen(s));
  return id < 0 ? 0xFFFFFFFFu : (uint32_t)id;
}

/* n-gram i of g joined with spaces */
static const char *gram(const rs_index *ix, const rs_ngrams *g, size_t i, int a) {
  static char buf[256];
  size_t k, o = 0;
  buf[0] = 0;
  for (k = 0; k < (size_t)g->n; k++) {
    size_t l;
    const char *s = rs_strtab_get(&ix->attr[a], g->types[i * (size_t)g->n + k], &l);
    if (k) buf[o++] = ' ';
    memcpy(buf + o, s, l);
    o += l;
    buf[o] = 0;
  }
  return buf;
}

static rs_ngram_opts ngopts(int n, int level, int skip_punct, uint32_t min) {
  rs_ngram_opts o;
  memset(&o, 0, sizeof o);
  o.attr = RS_ATTR_LOWER;
  o.n = n;
  o.level = level;
  o.skip_punct = skip_punct;
  o.min = min;
  return o;
}

static uint8_t *punct_flags(fixture *F, int a) {
  uint8_t *f = NULL;
  CHECK_EQ_INT(rs_type_flags(&F->mem, &F->ix, a, &f), 0);
  return f;
}

static void free_flags(fixture *F, uint8_t *f, int a) {
  rs_free(&F->mem, f, F->ix.attr[a].n ? F->ix.attr[a].n : 1);
}

static void test_type_tables(void) {
  fixture F;
  uint8_t *f;
  uint32_t *r = NULL;
  CHECK(setup(&F, TEXTS, 2));
  f = punct_flags(&F, RS_ATTR_LOWER);
  CHECK_EQ_INT(f[lower_id(&F.ix, ".")], RS_TYPE_PUNCT);
  CHECK_EQ_INT(f[lower_id(&F.ix, "cat")], 0);
  free_flags(&F, f, RS_ATTR_LOWER);
  /* byte order: "." < "a" < "cat" < "mat" < "on" < "ran" < "sat" < "the" */
  CHECK_EQ_INT(rs_type_ranks(&F.mem, &F.ix, RS_ATTR_LOWER, &r), 0);
  CHECK_EQ_INT(r[lower_id(&F.ix, ".")], 0);
  CHECK_EQ_INT(r[lower_id(&F.ix, "a")], 1);
  CHECK_EQ_INT(r[lower_id(&F.ix, "cat")], 2);
  CHECK_EQ_INT(r[lower_id(&F.ix, "the")], 7);
  rs_free(&F.mem, r, F.ix.attr[RS_ATTR_LOWER].n * sizeof *r);
  teardown(&F);
}

static void test_view_freq(void) {
  fixture F;
  uint32_t cnt[64];
  uint64_t total;
  uint8_t mask[2] = {0, 1};
  CHECK(setup(&F, TEXTS, 2));
  CHECK(F.ix.attr[RS_ATTR_LOWER].n < 64);
  /* doc 2 only: 7 tokens, "the" once, "cat" once */
  rs_view_freq(&F.ix, RS_ATTR_LOWER, mask, cnt, &total);
  CHECK_EQ_INT(total, 7);
  CHECK_EQ_INT(cnt[lower_id(&F.ix, "the")], 1);
  CHECK_EQ_INT(cnt[lower_id(&F.ix, "ran")], 0);
  CHECK_EQ_INT(rs_view_tokens(&F.ix, mask), 7);
  /* whole corpus: "the" 3 times in 15 tokens */
  rs_view_freq(&F.ix, RS_ATTR_LOWER, NULL, cnt, &total);
  CHECK_EQ_INT(total, 15);
  CHECK_EQ_INT(cnt[lower_id(&F.ix, "the")], 3);
  teardown(&F);
}

static void test_bigrams(void) {
  fixture F;
  rs_ngrams g;
  rs_ngram_opts o;
  uint8_t *f;
  CHECK(setup(&F, TEXTS, 2));
  f = punct_flags(&F, RS_ATTR_LOWER);
  /* within sentences, without punctuation: the cat (0, 4), cat sat (1, 9),
  ** cat ran, a cat, sat on, on the, the mat: 9 bigrams, 7 distinct; order
  ** by count, then byte order */
  o = ngopts(2, RS_LV_SENTENCE, 1, 1);
  o.tflags = f;
  CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), 0);
  CHECK_EQ_INT(g.count, 7);
  CHECK_EQ_INT(g.total, 9);
  CHECK_EQ_INT(g.tokens, 15);
  CHECK_EQ_STR(gram(&F.ix, &g, 0, RS_ATTR_LOWER), "cat sat");
  CHECK_EQ_INT(g.freq[0], 2);
  CHECK_EQ_STR(gram(&F.ix, &g, 1, RS_ATTR_LOWER), "the cat");
  CHECK_EQ_INT(g.freq[1], 2);
  CHECK_EQ_STR(gram(&F.ix, &g, 2, RS_ATTR_LOWER), "a cat");
  CHECK_EQ_STR(gram(&F.ix, &g, 3, RS_ATTR_LOWER), "cat ran");
  CHECK_EQ_STR(gram(&F.ix, &g, 4, RS_ATTR_LOWER), "on the");
  CHECK_EQ_STR(gram(&F.ix, &g, 5, RS_ATTR_LOWER), "sat on");
  CHECK_EQ_STR(gram(&F.ix, &g, 6, RS_ATTR_LOWER), "the mat");
  CHECK_EQ_INT(g.freq[6], 1);
  rs_ngrams_free(&F.mem, &g);

  /* with punctuation: + "sat .", "ran .", "mat ." (". the" crosses a
  ** sentence edge): 12 */
  o.skip_punct = 0;
  CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), 0);
  CHECK_EQ_INT(g.total, 12);
  CHECK_EQ_INT(g.count, 10);
  rs_ngrams_free(&F.mem, &g);

  /* within speeches, with punctuation: + ". the" in doc 1 (13); ". a"
  ** would cross the speeches */
  o.level = RS_STATS_SPEECH;
  CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), 0);
  CHECK_EQ_INT(g.total, 13);
  CHECK_EQ_INT(g.count, 11);
  rs_ngrams_free(&F.mem, &g);

  /* min 2, top 1 */
  o = ngopts(2, RS_LV_SENTENCE, 1, 2);
  o.tflags = f;
  CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), 0);
  CHECK_EQ_INT(g.count, 2);
  CHECK_EQ_INT(g.distinct, 2);
  rs_ngrams_free(&F.mem, &g);
  o.top = 1;
  CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), 0);
  CHECK_EQ_INT(g.count, 1);
  CHECK_EQ_STR(gram(&F.ix, &g, 0, RS_ATTR_LOWER), "cat sat");
  rs_ngrams_free(&F.mem, &g);

  /* "the" a stopword: the cat, on the, the mat go; cat sat, a cat, cat
  ** ran, sat on stay */
  f[lower_id(&F.ix, "the")] |= RS_TYPE_STOP;
  o = ngopts(2, RS_LV_SENTENCE, 1, 1);
  o.tflags = f;
  CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), 0);
  CHECK_EQ_INT(g.count, 4);
  CHECK_EQ_STR(gram(&F.ix, &g, 0, RS_ATTR_LOWER), "cat sat");
  CHECK_EQ_STR(gram(&F.ix, &g, 3, RS_ATTR_LOWER), "sat on");
  rs_ngrams_free(&F.mem, &g);

  /* a mask: doc 2 only: a cat, cat sat, sat on, on the, the mat */
  {
    uint8_t mask[2] = {0, 1};
    f[lower_id(&F.ix, "the")] &= (uint8_t)~RS_TYPE_STOP;
    o.mask = mask;
    CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), 0);
    CHECK_EQ_INT(g.count, 5);
    CHECK_EQ_INT(g.total, 5);
    CHECK_EQ_INT(g.tokens, 7);
    rs_ngrams_free(&F.mem, &g);
  }
  free_flags(&F, f, RS_ATTR_LOWER);
  teardown(&F);
}

static void test_unigrams_trigrams(void) {
  fixture F;
  rs_ngrams g;
  rs_ngram_opts o;
  uint8_t *f;
  CHECK(setup(&F, TEXTS, 2));
  f = punct_flags(&F, RS_ATTR_LOWER);
  /* n = 1: cat 3, the 3, sat 2, then a, mat, on, ran once */
  o = ngopts(1, RS_LV_SENTENCE, 1, 1);
  o.tflags = f;
  CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), 0);
  CHECK_EQ_INT(g.count, 7);
  CHECK_EQ_INT(g.total, 12);
  CHECK_EQ_STR(gram(&F.ix, &g, 0, RS_ATTR_LOWER), "cat");
  CHECK_EQ_STR(gram(&F.ix, &g, 1, RS_ATTR_LOWER), "the");
  CHECK_EQ_STR(gram(&F.ix, &g, 2, RS_ATTR_LOWER), "sat");
  CHECK_EQ_STR(gram(&F.ix, &g, 3, RS_ATTR_LOWER), "a");
  rs_ngrams_free(&F.mem, &g);
  /* n = 3: the cat sat, the cat ran, a cat sat, cat sat on, sat on the,
  ** on the mat: 6, once each, in byte order */
  o.n = 3;
  CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), 0);
  CHECK_EQ_INT(g.count, 6);
  CHECK_EQ_INT(g.total, 6);
  CHECK_EQ_STR(gram(&F.ix, &g, 0, RS_ATTR_LOWER), "a cat sat");
  CHECK_EQ_STR(gram(&F.ix, &g, 1, RS_ATTR_LOWER), "cat sat on");
  CHECK_EQ_STR(gram(&F.ix, &g, 2, RS_ATTR_LOWER), "on the mat");
  CHECK_EQ_STR(gram(&F.ix, &g, 3, RS_ATTR_LOWER), "sat on the");
  CHECK_EQ_STR(gram(&F.ix, &g, 4, RS_ATTR_LOWER), "the cat ran");
  CHECK_EQ_STR(gram(&F.ix, &g, 5, RS_ATTR_LOWER), "the cat sat");
  rs_ngrams_free(&F.mem, &g);
  /* n = 5 in doc 2 only: "a cat sat on the", "cat sat on the mat" */
  o.n = 5;
  CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), 0);
  CHECK_EQ_INT(g.count, 2);
  CHECK_EQ_STR(gram(&F.ix, &g, 0, RS_ATTR_LOWER), "a cat sat on the");
  CHECK_EQ_STR(gram(&F.ix, &g, 1, RS_ATTR_LOWER), "cat sat on the mat");
  rs_ngrams_free(&F.mem, &g);
  /* n = 4 with min 2: nothing */
  o.n = 4;
  o.min = 2;
  CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), 0);
  CHECK_EQ_INT(g.count, 0);
  rs_ngrams_free(&F.mem, &g);
  /* bad n */
  o.n = 6;
  CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), RS_EINVAL);
  o.n = 0;
  CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), RS_EINVAL);
  free_flags(&F, f, RS_ATTR_LOWER);
  teardown(&F);
}

/* a repeated sequence: counts that only the later levels separate */
static void test_ngram_levels(void) {
  static const char *const T[] = {"a b c d a b c e a b c d x b c d"};
  fixture F;
  rs_ngrams g;
  rs_ngram_opts o;
  CHECK(setup(&F, T, 1));
  /* trigrams: a b c (0, 4, 8), b c d (1, 9, 13), then once: b c e, c d a, c d x, c e a,
  ** d a b, d x b, e a b, x b c */
  o = ngopts(3, RS_STATS_SPEECH, 1, 1);
  CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), 0);
  CHECK_EQ_INT(g.total, 14);
  CHECK_EQ_INT(g.count, 10);
  CHECK_EQ_STR(gram(&F.ix, &g, 0, RS_ATTR_LOWER), "a b c");
  CHECK_EQ_INT(g.freq[0], 3);
  CHECK_EQ_STR(gram(&F.ix, &g, 1, RS_ATTR_LOWER), "b c d");
  CHECK_EQ_INT(g.freq[1], 3);
  CHECK_EQ_STR(gram(&F.ix, &g, 2, RS_ATTR_LOWER), "b c e");
  rs_ngrams_free(&F.mem, &g);
  /* 4-grams with min 2: a b c d (2); pruning must not lose it */
  o.n = 4;
  o.min = 2;
  CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), 0);
  CHECK_EQ_INT(g.count, 1);
  CHECK_EQ_STR(gram(&F.ix, &g, 0, RS_ATTR_LOWER), "a b c d");
  CHECK_EQ_INT(g.freq[0], 2);
  rs_ngrams_free(&F.mem, &g);
  teardown(&F);
}

static uint32_t colls_of(const rs_colls *c, const rs_index *ix, const char *form, uint32_t *l,
                         uint32_t *r) {
  size_t i;
  uint32_t id = lower_id(ix, form);
  for (i = 0; i < c->count; i++)
    if (c->type[i] == id) {
      if (l) *l = c->left[i];
      if (r) *r = c->right[i];
      return c->o11[i];
    }
  return 0;
}

static void test_collocates(void) {
  fixture F;
  rs_colls c;
  rs_coll_opts o;
  uint8_t *f;
  uint32_t st[3] = {1, 5, 9}, sp[3] = {2, 6, 10}, l = 0, r = 0;
  CHECK(setup(&F, TEXTS, 2));
  f = punct_flags(&F, RS_ATTR_LOWER);
  memset(&o, 0, sizeof o);
  o.attr = RS_ATTR_LOWER;
  o.level = RS_LV_SENTENCE;
  o.tflags = f;
  o.exclude = RS_TYPE_PUNCT;
  /* node "cat" at 1, 5, 9; window L1 R1: the (0, 4), sat (2, 10), ran (6),
  ** a (8) */
  o.left = o.right = 1;
  CHECK_EQ_INT(rs_collocates(&F.mem, &F.ix, st, sp, 3, &o, &c), 0);
  CHECK_EQ_INT(c.nodes, 3);
  CHECK_EQ_INT(c.window, 6);
  CHECK_EQ_INT(c.count, 4);
  CHECK_EQ_INT(colls_of(&c, &F.ix, "the", &l, &r), 2);
  CHECK_EQ_INT(l, 2);
  CHECK_EQ_INT(r, 0);
  CHECK_EQ_INT(colls_of(&c, &F.ix, "sat", &l, &r), 2);
  CHECK_EQ_INT(r, 2);
  CHECK_EQ_INT(colls_of(&c, &F.ix, "a", NULL, NULL), 1);
  rs_colls_free(&F.mem, &c);
  /* right neighbours only (window {0, 1}) */
  o.left = 0;
  CHECK_EQ_INT(rs_collocates(&F.mem, &F.ix, st, sp, 3, &o, &c), 0);
  CHECK_EQ_INT(c.count, 2);
  CHECK_EQ_INT(colls_of(&c, &F.ix, "sat", NULL, NULL), 2);
  CHECK_EQ_INT(colls_of(&c, &F.ix, "ran", NULL, NULL), 1);
  rs_colls_free(&F.mem, &c);
  /* L2 R2 within sentences: clipped at 0, 4, 8; [2,4) [4,5) [6,8) [10,12):
  ** the 2, sat 2, ran 1, a 1, on 1; the two "." fill window positions */
  o.left = o.right = 2;
  CHECK_EQ_INT(rs_collocates(&F.mem, &F.ix, st, sp, 3, &o, &c), 0);
  CHECK_EQ_INT(c.window, 9);
  CHECK_EQ_INT(c.count, 5);
  CHECK_EQ_INT(colls_of(&c, &F.ix, "on", NULL, NULL), 1);
  CHECK_EQ_INT(colls_of(&c, &F.ix, ".", NULL, NULL), 0);
  rs_colls_free(&F.mem, &c);
  /* L2 R2 within speeches, punctuation counted: node 1's right [2,4) and
  ** node 5's left [3,5) share position 3, counted once: "." at 3 and 7 */
  o.level = RS_STATS_SPEECH;
  o.exclude = 0;
  CHECK_EQ_INT(rs_collocates(&F.mem, &F.ix, st, sp, 3, &o, &c), 0);
  CHECK_EQ_INT(c.window, 9);
  CHECK_EQ_INT(colls_of(&c, &F.ix, ".", NULL, NULL), 2);
  CHECK_EQ_INT(colls_of(&c, &F.ix, "the", NULL, NULL), 2);
  rs_colls_free(&F.mem, &c);
  /* a mask: doc 2 only, one node */
  {
    uint8_t mask[2] = {0, 1};
    o.mask = mask;
    CHECK_EQ_INT(rs_collocates(&F.mem, &F.ix, st, sp, 3, &o, &c), 0);
    CHECK_EQ_INT(c.nodes, 1);
    CHECK_EQ_INT(colls_of(&c, &F.ix, "sat", NULL, NULL), 1);
    rs_colls_free(&F.mem, &c);
    o.mask = NULL;
  }
  /* bad windows */
  o.left = o.right = 0;
  CHECK_EQ_INT(rs_collocates(&F.mem, &F.ix, st, sp, 3, &o, &c), RS_EINVAL);
  o.left = -1;
  o.right = 3;
  CHECK_EQ_INT(rs_collocates(&F.mem, &F.ix, st, sp, 3, &o, &c), RS_EINVAL);
  free_flags(&F, f, RS_ATTR_LOWER);
  teardown(&F);
}

static void test_collocates_nodes(void) {
  static const char *const T[] = {"cat cat dog cat"};
  fixture F;
  rs_colls c;
  rs_coll_opts o;
  /* nodes at 0, 1, 3 (twice, and one out of range, one empty) */
  uint32_t st[6] = {0, 1, 3, 3, 99, 2}, sp[6] = {1, 2, 4, 4, 100, 2};
  CHECK(setup(&F, T, 1));
  memset(&o, 0, sizeof o);
  o.attr = RS_ATTR_LOWER;
  o.level = RS_STATS_SPEECH;
  o.left = 1;
  o.right = 1;
  /* node tokens are never collocates; dog (2) is right of 1 and left of 3,
  ** counted once */
  CHECK_EQ_INT(rs_collocates(&F.mem, &F.ix, st, sp, 6, &o, &c), 0);
  CHECK_EQ_INT(c.nodes, 3);
  CHECK_EQ_INT(c.count, 1);
  CHECK_EQ_INT(c.window, 1);
  CHECK_EQ_INT(colls_of(&c, &F.ix, "dog", NULL, NULL), 1);
  CHECK_EQ_INT(colls_of(&c, &F.ix, "cat", NULL, NULL), 0);
  rs_colls_free(&F.mem, &c);
  teardown(&F);
}

static void test_parts(void) {
  fixture F;
  rs_parts P;
  uint32_t part_of[2] = {0, 1}, pos[4] = {9, 5, 1, 200};
  CHECK(setup(&F, TEXTS, 2));
  /* parts = speeches; sizes are words (not the two and one full stops): 6
  ** and 6; hits 1 "cat" (1 word before it), 5 "cat" (The cat sat The: 4)
  ** and 9 "cat" of doc 2 (A: 1); relative positions 1/6, 4/6 and 1/6 */
  CHECK_EQ_INT(rs_disp_parts(&F.mem, &F.ix, part_of, 2, pos, 4, &P), 0);
  CHECK_EQ_INT(P.nhits, 3);
  CHECK_EQ_INT(P.size[0], 6);
  CHECK_EQ_INT(P.size[1], 6);
  CHECK_EQ_INT(P.hits[0], 2);
  CHECK_EQ_INT(P.hits[1], 1);
  CHECK(P.rel[P.first[0]] == 1.0 / 6);
  CHECK(P.rel[P.first[0] + 1] == 4.0 / 6);
  CHECK(P.rel[P.first[1]] == 1.0 / 6);
  rs_parts_free(&F.mem, &P);
  /* one part of both speeches: 12 words, doc 2 after doc 1: 9 is 7/12 */
  part_of[1] = 0;
  CHECK_EQ_INT(rs_disp_parts(&F.mem, &F.ix, part_of, 1, pos, 3, &P), 0);
  CHECK_EQ_INT(P.size[0], 12);
  CHECK(P.rel[2] == 7.0 / 12);
  rs_parts_free(&F.mem, &P);
  /* a speech in no part */
  part_of[1] = RS_NO_PART;
  CHECK_EQ_INT(rs_disp_parts(&F.mem, &F.ix, part_of, 1, pos, 3, &P), 0);
  CHECK_EQ_INT(P.nhits, 2);
  CHECK_EQ_INT(P.size[0], 6);
  rs_parts_free(&F.mem, &P);
  teardown(&F);
}

/* allocation failures: every k-th allocation fails once, nothing leaks
** (the counting allocator balances) and the result is RS_ENOMEM or OK */
typedef struct failer {
  long countdown;
  long live;
} failer;

static void *fail_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  failer *fa = (failer *)ud;
  if (nsize == 0) {
    if (ptr) fa->live--;
    free(ptr);
    return NULL;
  }
  if (fa->countdown-- == 0) return NULL;
  if (!ptr) fa->live++;
  (void)osize;
  return realloc(ptr, nsize);
}

static void test_alloc_failures(void) {
  fixture F;
  int k, okn = 0, okc = 0, okp = 0;
  uint32_t st[3] = {1, 5, 9}, sp[3] = {2, 6, 10}, part_of[2] = {0, 1};
  CHECK(setup(&F, TEXTS, 2));
  for (k = 0; k < 60; k++) {
    failer fa = {0, 0};
    rs_mem M;
    rs_ngrams g;
    rs_colls c;
    rs_parts P;
    rs_ngram_opts o = ngopts(3, RS_LV_SENTENCE, 0, 1);
    rs_coll_opts co;
    int err;
    M.f = fail_alloc;
    M.ud = &fa;
    fa.countdown = k;
    err = rs_ngrams_count(&M, &F.ix, &o, &g);
    CHECK(err == 0 || err == RS_ENOMEM);
    if (err == 0) {
      okn++;
      CHECK_EQ_INT(g.count, 9);
      rs_ngrams_free(&M, &g);
    }
    CHECK_EQ_INT(fa.live, 0);
    memset(&co, 0, sizeof co);
    co.attr = RS_ATTR_LOWER;
    co.level = RS_LV_SENTENCE;
    co.left = co.right = 2;
    fa.countdown = k;
    err = rs_collocates(&M, &F.ix, st, sp, 3, &co, &c);
    CHECK(err == 0 || err == RS_ENOMEM);
    if (err == 0) {
      okc++;
      rs_colls_free(&M, &c);
    }
    CHECK_EQ_INT(fa.live, 0);
    fa.countdown = k;
    err = rs_disp_parts(&M, &F.ix, part_of, 2, st, 3, &P);
    CHECK(err == 0 || err == RS_ENOMEM);
    if (err == 0) {
      okp++;
      rs_parts_free(&M, &P);
    }
    CHECK_EQ_INT(fa.live, 0);
  }
  CHECK(okn > 0 && okc > 0 && okp > 0);
  teardown(&F);
}

/* an empty corpus and an empty mask */
static void test_empty(void) {
  fixture F;
  rs_ngrams g;
  rs_colls c;
  rs_ngram_opts o = ngopts(2, RS_LV_SENTENCE, 1, 1);
  rs_coll_opts co;
  uint8_t mask[2] = {0, 0};
  CHECK(setup(&F, TEXTS, 0));
  CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), 0);
  CHECK_EQ_INT(g.count, 0);
  rs_ngrams_free(&F.mem, &g);
  teardown(&F);
  CHECK(setup(&F, TEXTS, 2));
  o.mask = mask;
  CHECK_EQ_INT(rs_ngrams_count(&F.mem, &F.ix, &o, &g), 0);
  CHECK_EQ_INT(g.count, 0);
  CHECK_EQ_INT(g.tokens, 0);
  rs_ngrams_free(&F.mem, &g);
  memset(&co, 0, sizeof co);
  co.attr = RS_ATTR_WORD;
  co.level = RS_LV_SENTENCE;
  co.left = 1;
  CHECK_EQ_INT(rs_collocates(&F.mem, &F.ix, NULL, NULL, 0, &co, &c), 0);
  CHECK_EQ_INT(c.count, 0);
  CHECK_EQ_INT(c.nodes, 0);
  rs_colls_free(&F.mem, &c);
  teardown(&F);
}

int main(void) {
  RUN(test_type_tables);
  RUN(test_view_freq);
  RUN(test_bigrams);
  RUN(test_unigrams_trigrams);
  RUN(test_ngram_levels);
  RUN(test_collocates);
  RUN(test_collocates_nodes);
  RUN(test_parts);
  RUN(test_alloc_failures);
  RUN(test_empty);
  CHECK_DONE();
}
