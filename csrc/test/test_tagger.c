/* test_tagger.c: unit tests of the lexicon automaton and the tagging walk
** (tagger.c): longest match and every match, phrases, globs (sets of
** symbols, and globs expanded against a vocabulary), exclusions, weights,
** limits, units of an index, and allocation failures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "index.h"
#include "lexicon.h"
#include "tagger.h"

/* {====================================================== test allocator */

#include "talloc.h" /* the counting, failing test allocator */

static talloc TA;
static rs_mem TM;

static rs_mem *tmem(void) {
  memset(&TA, 0, sizeof TA);
  TM.f = t_alloc;
  TM.ud = &TA;
  return &TM;
}

/* }====================================================== */

/* {====================================================== helpers */

/* matches as "start+len:cat@weight " in order of report */
static char OUT[16384];

static void collect(void *ud, uint32_t start, uint32_t len, uint32_t cat, double w) {
  size_t k = strlen(OUT);
  (void)ud;
  snprintf(OUT + k, sizeof OUT - k, "%u+%u:%u@%g ", start, len, cat, w);
}

/* add a pattern of single symbols (-1 ends it) */
static int addp(rs_tagger *T, uint32_t cat, double w, int excl, const int *syms) {
  uint32_t s[16];
  const uint32_t *sets[16];
  size_t n[16], k = 0;
  while (syms[k] >= 0) {
    s[k] = (uint32_t)syms[k];
    sets[k] = &s[k];
    n[k] = 1;
    k++;
  }
  return rs_tagger_add(T, sets, n, k, cat, w, excl);
}

#define P(...) ((const int[]){__VA_ARGS__, -1})

static const char *run(rs_tagger *T, const uint32_t *seq, size_t n, int overlap) {
  OUT[0] = '\0';
  if (rs_tagger_match(T, seq, n, overlap, collect, NULL) != RS_OK) return "(error)";
  return OUT;
}

/* }====================================================== */

/* {====================================================== globs */

static int gm(const char *g, const char *s) { return rs_glob_match(g, strlen(g), s, strlen(s)); }

static void test_glob_match(void) {
  CHECK(gm("secur*", "security"));
  CHECK(gm("secur*", "secur"));
  CHECK(!gm("secur*", "insecure"));
  CHECK(gm("*ism", "terrorism"));
  CHECK(gm("tax?", "taxi"));
  CHECK(!gm("tax?", "tax"));
  CHECK(!gm("tax?", "taxes"));
  CHECK(gm("globali?ation", "globalization"));
  CHECK(gm("globali?ation", "globalisation"));
  CHECK(gm("caf?", "caf\xc3\xa9"));   /* '?' is one character, not one byte */
  CHECK(!gm("caf??", "caf\xc3\xa9"));
  CHECK(gm("*", ""));
  CHECK(gm("a*b*c", "aXXbYYc"));
  CHECK(!gm("a*b*c", "aXXbYY"));
  CHECK(gm("\xe4\xba\xba*", "\xe4\xba\xba\xe6\x96\x87"));
}

/* }====================================================== */

/* {====================================================== the automaton */

static void test_longest_and_overlap(void) {
  rs_tagger *T = rs_tagger_new(tmem(), 10, 2);
  static const uint32_t seq[] = {0, 1, 2, 3}; /* the security council met */
  CHECK(T != NULL);
  CHECK_EQ_INT(addp(T, 0, 1, 0, P(1)), RS_OK);    /* A: security */
  CHECK_EQ_INT(addp(T, 1, 1, 0, P(1, 2)), RS_OK); /* B: security council */
  CHECK_EQ_INT(rs_tagger_finish(T), RS_OK);
  CHECK_EQ_STR(run(T, seq, 4, 0), "1+2:1@1 ");
  CHECK_EQ_STR(run(T, seq, 4, 1), "1+2:1@1 1+1:0@1 ");
  CHECK_EQ_STR(run(T, seq, 2, 0), "1+1:0@1 "); /* the phrase cut short */
  rs_tagger_free(T);
  CHECK_EQ_INT(TA.outstanding, 0);
  CHECK_EQ_INT(TA.bad_sizes, 0);
}

static void test_longest_first(void) {
  rs_tagger *T = rs_tagger_new(tmem(), 10, 3);
  static const uint32_t abcd[] = {1, 2, 3, 4}, abc[] = {1, 2, 3};
  CHECK_EQ_INT(addp(T, 0, 1, 0, P(1, 2)), RS_OK);    /* X: a b */
  CHECK_EQ_INT(addp(T, 1, 1, 0, P(2, 3, 4)), RS_OK); /* Y: b c d */
  CHECK_EQ_INT(addp(T, 2, 1, 0, P(2, 3)), RS_OK);    /* Z: b c */
  CHECK_EQ_INT(rs_tagger_finish(T), RS_OK);
  /* the longest wins wherever it starts */
  CHECK_EQ_STR(run(T, abcd, 4, 0), "1+3:1@1 ");
  /* as long: the leftmost */
  CHECK_EQ_STR(run(T, abc, 3, 0), "0+2:0@1 ");
  CHECK_EQ_STR(run(T, abcd, 4, 1), "0+2:0@1 1+3:1@1 1+2:2@1 ");
  rs_tagger_free(T);
  CHECK_EQ_INT(TA.outstanding, 0);
}

static void test_suffixes(void) {
  /* the output links: "a b c", "b c", "c" all end at c */
  rs_tagger *T = rs_tagger_new(tmem(), 10, 4);
  static const uint32_t abc[] = {1, 2, 3}, abd[] = {1, 2, 4}, xbc[] = {9, 2, 3};
  CHECK_EQ_INT(addp(T, 0, 1, 0, P(1, 2, 3)), RS_OK);
  CHECK_EQ_INT(addp(T, 1, 1, 0, P(2, 3)), RS_OK);
  CHECK_EQ_INT(addp(T, 2, 1, 0, P(3)), RS_OK);
  CHECK_EQ_INT(addp(T, 3, 1, 0, P(2)), RS_OK);
  CHECK_EQ_INT(rs_tagger_finish(T), RS_OK);
  CHECK_EQ_STR(run(T, abc, 3, 0), "0+3:0@1 ");
  CHECK_EQ_STR(run(T, abc, 3, 1), "0+3:0@1 1+2:1@1 1+1:3@1 2+1:2@1 ");
  CHECK_EQ_STR(run(T, abd, 3, 0), "1+1:3@1 "); /* a failed phrase leaves its b */
  CHECK_EQ_STR(run(T, xbc, 3, 0), "1+2:1@1 ");
  rs_tagger_free(T);
  CHECK_EQ_INT(TA.outstanding, 0);
}

static void test_sets_and_ties(void) {
  rs_tagger *T = rs_tagger_new(tmem(), 20, 3);
  static const uint32_t g1[] = {1, 2}, g2[] = {5};
  const uint32_t *sets[2] = {g1, g2};
  size_t n[2] = {2, 1};
  static const uint32_t s15[] = {1, 5}, s25[] = {2, 5}, s35[] = {3, 5}, s7[] = {7}, s8[] = {8};
  CHECK_EQ_INT(rs_tagger_add(T, sets, n, 2, 0, 2, 0), RS_OK); /* {1,2} 5 */
  CHECK_EQ_INT(addp(T, 1, 1, 0, P(7)), RS_OK);
  CHECK_EQ_INT(addp(T, 2, 1, 0, P(7)), RS_OK);      /* the same phrase in two themes */
  CHECK_EQ_INT(addp(T, 1, 0.5, 0, P(8)), RS_OK);
  CHECK_EQ_INT(addp(T, 1, 3, 0, P(8)), RS_OK);      /* twice in one theme: once, the largest */
  CHECK_EQ_INT(rs_tagger_finish(T), RS_OK);
  CHECK_EQ_STR(run(T, s15, 2, 0), "0+2:0@2 ");
  CHECK_EQ_STR(run(T, s25, 2, 0), "0+2:0@2 ");
  CHECK_EQ_STR(run(T, s35, 2, 0), "");
  CHECK_EQ_STR(run(T, s7, 1, 0), "0+1:1@1 0+1:2@1 ");
  CHECK_EQ_STR(run(T, s8, 1, 0), "0+1:1@3 ");
  rs_tagger_free(T);
  CHECK_EQ_INT(TA.outstanding, 0);
}

static void test_excludes(void) {
  rs_tagger *T = rs_tagger_new(tmem(), 20, 3);
  static const uint32_t d10[] = {10}, d1012[] = {10, 12}, d11[] = {11}, wb[] = {4, 5}, b[] = {5},
                        wbl[] = {4, 5, 6}, s7[] = {7};
  static const uint32_t dem[] = {10, 11};
  const uint32_t *sets[1] = {dem};
  size_t n[1] = {2};
  CHECK_EQ_INT(rs_tagger_add(T, sets, n, 1, 0, 1, 0), RS_OK); /* D: democra* */
  CHECK_EQ_INT(addp(T, 0, 1, 1, P(10, 12)), RS_OK);            /* D excludes "democratic republic" */
  CHECK_EQ_INT(addp(T, 1, 1, 0, P(5)), RS_OK);                 /* F: bank */
  CHECK_EQ_INT(addp(T, 1, 1, 0, P(5, 6)), RS_OK);              /* F: bank loans */
  CHECK_EQ_INT(addp(T, RS_TAG_ALL, 1, 1, P(4, 5)), RS_OK);     /* everything excludes "west bank" */
  CHECK_EQ_INT(addp(T, 1, 1, 0, P(7)), RS_OK);
  CHECK_EQ_INT(addp(T, 2, 1, 0, P(7)), RS_OK);
  CHECK_EQ_INT(addp(T, 2, 1, 1, P(7)), RS_OK); /* theme 2 excludes 7 at the same span */
  CHECK_EQ_INT(rs_tagger_add(T, sets, n, 1, RS_TAG_ALL, 1, 0), RS_EINVAL);
  CHECK_EQ_INT(rs_tagger_finish(T), RS_OK);
  CHECK_EQ_STR(run(T, d10, 1, 0), "0+1:0@1 ");
  CHECK_EQ_STR(run(T, d11, 1, 0), "0+1:0@1 ");
  CHECK_EQ_STR(run(T, d1012, 2, 0), "");
  CHECK_EQ_STR(run(T, d1012, 2, 1), "");
  CHECK_EQ_STR(run(T, wb, 2, 0), "");
  CHECK_EQ_STR(run(T, wb, 2, 1), "");
  CHECK_EQ_STR(run(T, b, 1, 0), "0+1:1@1 ");
  /* "west bank loans": the exclusion and "bank loans" are as long: the leftmost wins */
  CHECK_EQ_STR(run(T, wbl, 3, 0), "");
  /* every match: "bank loans" is not inside the exclusion; "bank" is */
  CHECK_EQ_STR(run(T, wbl, 3, 1), "1+2:1@1 ");
  CHECK_EQ_STR(run(T, s7, 1, 0), "0+1:1@1 ");
  rs_tagger_free(T);
  CHECK_EQ_INT(TA.outstanding, 0);
  CHECK_EQ_INT(TA.bad_sizes, 0);
}

static void test_long_runs(void) {
  rs_tagger *T = rs_tagger_new(tmem(), 4, 2);
  uint32_t seq[1000];
  size_t i, count = 0;
  char *p;
  for (i = 0; i < 1000; i++) seq[i] = 1;
  CHECK_EQ_INT(addp(T, 0, 1, 0, P(1)), RS_OK);
  CHECK_EQ_INT(addp(T, 1, 1, 0, P(1, 1)), RS_OK);
  CHECK_EQ_INT(rs_tagger_finish(T), RS_OK);
  run(T, seq, 1000, 0);
  for (p = OUT; (p = strstr(p, "+2:1@1")) != NULL; p++) count++;
  CHECK_EQ_INT(count, 500);
  CHECK(strstr(OUT, "+1:0") == NULL);
  rs_tagger_free(T);
  CHECK_EQ_INT(TA.outstanding, 0);
}

static void test_bad_calls(void) {
  rs_tagger *T = rs_tagger_new(tmem(), 4, 1);
  static const uint32_t s[] = {1};
  CHECK_EQ_INT(rs_tagger_match(T, s, 1, 0, collect, NULL), RS_EINVAL); /* not finished */
  CHECK_EQ_INT(addp(T, 1, 1, 0, P(1)), RS_EINVAL);                     /* no category 1 */
  CHECK_EQ_INT(addp(T, 0, 1, 0, P(9)), RS_OK);                         /* no symbol 9: nothing */
  CHECK_EQ_INT(rs_tagger_add(T, NULL, NULL, 0, 0, 1, 0), RS_EINVAL);
  CHECK_EQ_INT(rs_tagger_finish(T), RS_OK);
  CHECK_EQ_INT(rs_tagger_finish(T), RS_EINVAL);
  CHECK_EQ_INT(addp(T, 0, 1, 0, P(1)), RS_EINVAL);
  CHECK_EQ_STR(run(T, s, 1, 0), "");
  rs_tagger_free(T);
  rs_tagger_free(NULL);
  CHECK_EQ_INT(TA.outstanding, 0);
}

/* }====================================================== */

/* {====================================================== a vocabulary */

typedef struct vfix {
  rs_mem mem;
  rs_vocab v;
  rs_strtab st;
} vfix;

static int intern(vfix *F, const char *s) {
  uint32_t id;
  int isnew;
  return rs_vocab_intern(&F->mem, &F->v, s, strlen(s), &id, &isnew);
}

static const char *const VOC[] = {"the", "security", "council", "secure", "securities", "tax",
                                  "taxi", "taxes", "insecurity", "met", NULL};

static void vsetup(vfix *F) {
  int i;
  F->mem = rs_mem_default();
  rs_vocab_init(&F->v);
  for (i = 0; VOC[i]; i++) intern(F, VOC[i]);
  F->st = rs_vocab_view(&F->v);
}

static int addt(rs_tagger *T, const rs_strtab *v, uint32_t cat, int excl, const char *a,
                const char *b) {
  rs_tagtok t[2];
  t[0].s = a;
  t[0].len = strlen(a);
  t[0].glob = strchr(a, '*') || strchr(a, '?');
  if (b) {
    t[1].s = b;
    t[1].len = strlen(b);
    t[1].glob = strchr(b, '*') || strchr(b, '?');
  }
  return rs_tagger_add_tokens(T, v, t, b ? 2 : 1, cat, 1, excl);
}

static uint32_t id_of(const vfix *F, const char *s) {
  return (uint32_t)rs_strtab_find(&F->st, s, strlen(s));
}

static void test_vocabulary(void) {
  vfix F;
  rs_tagger *T;
  uint32_t seq[8];
  vsetup(&F);
  T = rs_tagger_new(tmem(), F.st.n, 3);
  CHECK_EQ_INT(addt(T, &F.st, 0, 0, "secur*", NULL), RS_OK); /* security secure securities */
  CHECK_EQ_INT(addt(T, &F.st, 1, 0, "security", "council"), RS_OK);
  CHECK_EQ_INT(addt(T, &F.st, 2, 0, "tax?", NULL), RS_OK);   /* taxi only */
  CHECK_EQ_INT(addt(T, &F.st, 2, 0, "nowhere", NULL), RS_OK); /* not in the vocabulary */
  CHECK_EQ_INT(addt(T, &F.st, 2, 0, "zz*", "tax"), RS_OK);    /* a glob matching nothing */
  CHECK_EQ_INT(rs_tagger_finish(T), RS_OK);
  seq[0] = id_of(&F, "the");
  seq[1] = id_of(&F, "security");
  seq[2] = id_of(&F, "council");
  seq[3] = id_of(&F, "securities");
  seq[4] = id_of(&F, "insecurity");
  seq[5] = id_of(&F, "taxi");
  seq[6] = id_of(&F, "taxes");
  seq[7] = id_of(&F, "tax");
  CHECK_EQ_STR(run(T, seq, 8, 0), "1+2:1@1 3+1:0@1 5+1:2@1 ");
  rs_tagger_free(T);
  CHECK_EQ_INT(TA.outstanding, 0);
  CHECK_EQ_INT(TA.bad_sizes, 0);
  rs_vocab_free(&F.mem, &F.v);
}

static void test_limits(void) {
  vfix F;
  rs_tagger *T;
  char w[32];
  int i;
  uint32_t seq[2];
  F.mem = rs_mem_default();
  rs_vocab_init(&F.v);
  for (i = 0; i < RS_MAX_GLOB_TYPES + 10; i++) {
    snprintf(w, sizeof w, "w%06d", i);
    intern(&F, w);
  }
  for (i = 0; i < 1001; i++) {
    snprintf(w, sizeof w, "a%04d", i);
    intern(&F, w);
    snprintf(w, sizeof w, "b%04d", i);
    intern(&F, w);
  }
  F.st = rs_vocab_view(&F.v);
  T = rs_tagger_new(tmem(), F.st.n, 2);
  CHECK_EQ_INT(addt(T, &F.st, 0, 0, "w*", NULL), RS_ELIMIT);
  CHECK(strstr(rs_tagger_error(T), "glob 'w*'") != NULL);
  CHECK(strstr(rs_tagger_error(T), "50000") != NULL);
  CHECK_EQ_INT(addt(T, &F.st, 0, 0, "w00*", NULL), RS_OK); /* 10,000 types: fine */
  CHECK_EQ_INT(addt(T, &F.st, 1, 0, "a*", "b*"), RS_ELIMIT); /* 1001 x 1001 phrases */
  CHECK(strstr(rs_tagger_error(T), "pattern 'a* b*'") != NULL);
  CHECK_EQ_INT(addt(T, &F.st, 1, 0, "a000*", "b0001"), RS_OK); /* 10 phrases */
  CHECK_EQ_INT(rs_tagger_finish(T), RS_OK);
  seq[0] = id_of(&F, "a0007");
  seq[1] = id_of(&F, "b0001");
  CHECK_EQ_STR(run(T, seq, 2, 0), "0+2:1@1 ");
  seq[0] = id_of(&F, "w001234");
  CHECK_EQ_STR(run(T, seq, 1, 0), "0+1:0@1 ");
  rs_tagger_free(T);
  CHECK_EQ_INT(TA.outstanding, 0);
  CHECK_EQ_INT(TA.bad_sizes, 0);
  rs_vocab_free(&F.mem, &F.v);
}

/* }====================================================== */

/* {====================================================== tagging an index */

typedef struct ifix {
  rs_mem mem;
  rs_builder *B;
  rs_index ix;
} ifix;

/* two speeches: the first in two paragraphs, the second a point */
static const char *const T1 = "The Security Council met. Security matters.\n\nWest Bank banks grow.";
static const char *const T2 = "Health first. Public health and health.";

static int isetup(ifix *F) {
  rs_bspan segs[2], pts[1], sents[3];
  rs_docspans sp;
  memset(&sp, 0, sizeof sp);
  F->mem = rs_mem_default();
  F->B = rs_builder_new(&F->mem);
  if (!F->B) return 0;
  /* speech 1: segments [0,43) [45,66), sentences as written, a point on the second */
  segs[0].start = 0, segs[0].stop = 43, segs[0].attr = 2;
  segs[1].start = 45, segs[1].stop = 66, segs[1].attr = 2;
  pts[0].start = 45, pts[0].stop = 66, pts[0].attr = 1;
  sents[0].start = 0, sents[0].stop = 25, sents[0].attr = 0;
  sents[1].start = 26, sents[1].stop = 43, sents[1].attr = 0;
  sents[2].start = 45, sents[2].stop = 66, sents[2].attr = 0;
  sp.lv[RS_LV_SEGMENT] = segs;
  sp.nlv[RS_LV_SEGMENT] = 2;
  sp.lv[RS_LV_POINT] = pts;
  sp.nlv[RS_LV_POINT] = 1;
  sp.lv[RS_LV_SENTENCE] = sents;
  sp.nlv[RS_LV_SENTENCE] = 3;
  if (rs_builder_add(F->B, T1, strlen(T1), &sp, "english")) return 0;
  if (rs_builder_add(F->B, T2, strlen(T2), NULL, "english")) return 0;
  return rs_builder_finish(F->B, &F->ix) == 0;
}

static rs_tagger *compile_fix(const rs_index *ix) {
  const rs_strtab *v = &ix->attr[RS_ATTR_LOWER];
  rs_tagger *T = rs_tagger_new(tmem(), v->n, 4);
  if (!T) return NULL;
  addt(T, v, 0, 0, "security", NULL);
  addt(T, v, 1, 0, "security", "council");
  addt(T, v, 2, 0, "bank*", NULL);
  addt(T, v, RS_TAG_ALL, 1, "west", "bank");
  addt(T, v, 3, 0, "health", NULL);
  addt(T, v, 3, 0, "public", "health");
  rs_tagger_set_freq(T, ix->freq[RS_ATTR_LOWER]); /* the frequent symbols first */
  if (rs_tagger_finish(T)) {
    rs_tagger_free(T);
    return NULL;
  }
  return T;
}

/* the units and rows as "doc/region:words[cat=count,tokens,score ...]" */
static const char *dump(const rs_tagout *o) {
  static char buf[2048];
  size_t i, j, k = 0;
  buf[0] = '\0';
  for (i = 0; i < o->nunit; i++) {
    const rs_tagunit *u = &o->units[i];
    if (u->region == RS_TAG_OUTSIDE) k += (size_t)snprintf(buf + k, sizeof buf - k, "%u/-:%u[", u->doc, u->words);
    else k += (size_t)snprintf(buf + k, sizeof buf - k, "%u/%u:%u[", u->doc, u->region, u->words);
    for (j = u->row; j < u->row + u->nrow; j++) {
      const rs_tagrow *r = &o->rows[j];
      k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%u=%u,%u,%g", j > u->row ? " " : "", r->cat,
                            r->count, r->tokens, r->score);
    }
    k += (size_t)snprintf(buf + k, sizeof buf - k, "] ");
  }
  return buf;
}

static void test_index(void) {
  ifix F;
  rs_tagger *T;
  rs_tagopts o;
  rs_tagout out;
  CHECK(isetup(&F));
  T = compile_fix(&F.ix);
  CHECK(T != NULL);
  if (!T) return;
  memset(&o, 0, sizeof o);
  o.attr = RS_ATTR_LOWER;
  o.hits = RS_TAG_NOHITS;
  /* speech 1: The Security Council met . Security matters . | West Bank banks grow .
  ** speech 2: Health first . Public health and health . */
  o.level = RS_TAG_SPEECH;
  CHECK_EQ_INT(rs_tag_index(T, &F.ix, &o, &out), RS_OK);
  CHECK_EQ_STR(dump(&out), "0/0:10[0=1,1,1 1=1,2,1 2=1,1,1] 1/1:6[3=3,4,3] ");
  CHECK_EQ_INT(out.doc_words[0], 10);
  CHECK_EQ_INT(out.doc_words[1], 6);
  CHECK_EQ_INT(out.words, 16);
  CHECK_EQ_INT(out.matches, 6);
  rs_tagout_free(&TM, &out);
  o.level = RS_LV_SENTENCE; /* speech 2's sentences come from the splitter */
  CHECK_EQ_INT(rs_tag_index(T, &F.ix, &o, &out), RS_OK);
  CHECK_EQ_STR(dump(&out), "0/0:4[1=1,2,1] 0/1:2[0=1,1,1] 0/2:4[2=1,1,1] 1/3:2[3=1,1,1] 1/4:4[3=2,3,2] ");
  rs_tagout_free(&TM, &out);
  o.level = RS_LV_POINT; /* speech 1's second paragraph is point 1 */
  CHECK_EQ_INT(rs_tag_index(T, &F.ix, &o, &out), RS_OK);
  CHECK_EQ_STR(dump(&out), "0/0:4[2=1,1,1] 0/-:6[0=1,1,1 1=1,2,1] 1/-:6[3=3,4,3] ");
  rs_tagout_free(&TM, &out);
  o.level = RS_LV_SEGMENT;
  o.overlap = 1;
  CHECK_EQ_INT(rs_tag_index(T, &F.ix, &o, &out), RS_OK);
  CHECK_EQ_STR(dump(&out), "0/0:6[0=2,2,2 1=1,2,1] 0/1:4[2=1,1,1] 1/2:6[3=4,4,4] ");
  rs_tagout_free(&TM, &out);
  /* a mask and hits */
  o.overlap = 0;
  o.mask = "\0\1";
  o.hits = 3;
  CHECK_EQ_INT(rs_tag_index(T, &F.ix, &o, &out), RS_OK);
  CHECK_EQ_STR(dump(&out), "1/2:6[3=3,4,3] ");
  CHECK_EQ_INT(out.nhit, 3);
  CHECK_EQ_INT(out.hits[1].start, F.ix.docs[1].first + 3);
  CHECK_EQ_INT(out.hits[1].len, 2);
  CHECK_EQ_INT(out.hits[1].doc, 1);
  CHECK_EQ_INT(out.doc_words[0], 0);
  rs_tagout_free(&TM, &out);
  /* a bad level, another vocabulary */
  o.level = RS_LV_QUOTATION;
  CHECK_EQ_INT(rs_tag_index(T, &F.ix, &o, &out), RS_EINVAL);
  rs_tagout_free(&TM, &out);
  o.level = RS_LV_SEGMENT;
  o.attr = RS_ATTR_WORD;
  CHECK_EQ_INT(rs_tag_index(T, &F.ix, &o, &out), RS_EINVAL);
  rs_tagout_free(&TM, &out);
  rs_tagger_free(T);
  CHECK_EQ_INT(TA.outstanding, 0);
  CHECK_EQ_INT(TA.bad_sizes, 0);
  rs_builder_free(F.B);
}

/* }====================================================== */

/* {====================================================== allocation failures */

/* compile, tag at two levels with hits, free; returns the first error */
static int pipeline(rs_mem *M, const rs_index *ix) {
  const rs_strtab *v = &ix->attr[RS_ATTR_LOWER];
  rs_tagger *T = rs_tagger_new(M, v->n, 4);
  rs_tagopts o;
  rs_tagout out;
  int err = RS_OK;
  if (!T) return RS_ENOMEM;
  if (!err) err = addt(T, v, 0, 0, "secur*", NULL);
  if (!err) err = addt(T, v, 1, 0, "security", "council");
  if (!err) err = addt(T, v, 2, 0, "bank*", "*");
  if (!err) err = addt(T, v, RS_TAG_ALL, 1, "west", "bank");
  if (!err) err = addt(T, v, 3, 0, "health", NULL);
  if (!err) err = addt(T, v, 3, 1, "public", "health");
  rs_tagger_set_freq(T, ix->freq[RS_ATTR_LOWER]);
  if (!err) err = rs_tagger_finish(T);
  memset(&o, 0, sizeof o);
  o.attr = RS_ATTR_LOWER;
  o.hits = RS_TAG_ALL;
  o.level = RS_LV_POINT;
  if (!err) {
    err = rs_tag_index(T, ix, &o, &out);
    rs_tagout_free(M, &out);
  }
  o.level = RS_LV_SENTENCE;
  o.overlap = 1;
  if (!err) {
    err = rs_tag_index(T, ix, &o, &out);
    rs_tagout_free(M, &out);
  }
  if (!err) {
    static const uint32_t seq[] = {0, 1, 2, 3, 4, 5};
    err = rs_tagger_match(T, seq, 6, 0, collect, NULL);
  }
  rs_tagger_free(T);
  return err;
}

static void alloc_failures(int fail_after) {
  ifix F;
  rs_mem *M = tmem();
  long total, k;
  CHECK(isetup(&F));
  CHECK_EQ_INT(pipeline(M, &F.ix), RS_OK);
  CHECK_EQ_INT(TA.outstanding, 0);
  total = TA.count;
  CHECK(total > 20);
  for (k = 1; k <= total; k++) {
    int rc;
    memset(&TA, 0, sizeof TA);
    TA.fail_at = k;
    TA.fail_after = fail_after;
    rc = pipeline(M, &F.ix);
    if (rc != RS_ENOMEM || TA.outstanding != 0 || TA.bad_sizes != 0) {
      fprintf(stderr, "allocation %ld of %ld failed: rc %d, %ld bytes left, %ld bad sizes\n", k,
              total, rc, TA.outstanding, TA.bad_sizes);
      CHECK_EQ_INT(rc, RS_ENOMEM);
      CHECK_EQ_INT(TA.outstanding, 0);
      CHECK_EQ_INT(TA.bad_sizes, 0);
      break;
    }
  }
  rs_builder_free(F.B);
}

/* an index of no word (no speech, or speeches of white space only) has no
** map to lower or stem forms: tagging it is an empty result at every level,
** for every attribute, not a bad attribute */
static void test_empty_index(void) {
  static const char *const texts[3] = {NULL, "  \n\n ", ""}; /* "": a first speech of no byte */
  int k, a, lv;
  for (k = 0; k < 3; k++) {
    rs_mem mem = rs_mem_default();
    rs_builder *B = rs_builder_new(&mem);
    rs_index ix;
    CHECK(B != NULL);
    if (!B) return;
    if (texts[k]) CHECK_EQ_INT(rs_builder_add(B, texts[k], strlen(texts[k]), NULL, "english"), 0);
    CHECK_EQ_INT(rs_builder_finish(B, &ix), 0);
    CHECK_EQ_INT(ix.attr[RS_ATTR_WORD].n, 0);
    for (a = RS_ATTR_WORD; a <= RS_ATTR_STEM; a++) {
      rs_tagger *T = rs_tagger_new(tmem(), ix.attr[a].n, 1);
      CHECK(T != NULL);
      if (!T) break;
      CHECK_EQ_INT(rs_tagger_finish(T), RS_OK);
      for (lv = 0; lv < 4; lv++) {
        static const int levels[4] = {RS_TAG_SPEECH, RS_LV_SEGMENT, RS_LV_POINT, RS_LV_SENTENCE};
        rs_tagopts o;
        rs_tagout out;
        memset(&o, 0, sizeof o);
        o.attr = a;
        o.level = levels[lv];
        o.hits = RS_TAG_NOHITS;
        CHECK_EQ_INT(rs_tag_index(T, &ix, &o, &out), RS_OK);
        CHECK_EQ_INT(out.nunit, 0);
        CHECK_EQ_INT(out.nrow, 0);
        CHECK_EQ_INT(out.words, 0);
        CHECK_EQ_INT(out.matches, 0);
        rs_tagout_free(&TM, &out);
      }
      rs_tagger_free(T);
    }
    rs_builder_free(B);
  }
  CHECK_EQ_INT(TA.outstanding, 0);
  CHECK_EQ_INT(TA.bad_sizes, 0);
}

static void test_alloc_fail_each(void) { alloc_failures(0); }
static void test_alloc_fail_from(void) { alloc_failures(1); }

/* }====================================================== */

int main(void) {
  int level;
  RUN(test_glob_match);
  /* the root's block test: the plain loop, AVX2, AVX-512 (or the best the
  ** processor has), one result */
  for (level = 0; level <= 2; level++) {
    rs_tag_simd(level);
    RUN(test_longest_and_overlap);
    RUN(test_longest_first);
    RUN(test_suffixes);
    RUN(test_sets_and_ties);
    RUN(test_excludes);
    RUN(test_long_runs);
  }
  RUN(test_bad_calls);
  RUN(test_vocabulary);
  RUN(test_limits);
  RUN(test_index);
  RUN(test_empty_index);
  RUN(test_alloc_fail_each);
  RUN(test_alloc_fail_from);
  CHECK_DONE();
}
