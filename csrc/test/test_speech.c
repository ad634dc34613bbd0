/* test_speech.c: unit tests of the transcript parser engine (speech.c) */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "speech.h"

/* {====================================================== counting allocator */

typedef struct counter {
  long allocs, fail_at; /* fail the fail_at-th allocation (1-based), 0: never */
  long long outstanding;
} counter;

static void *count_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  counter *c = (counter *)ud;
  void *p;
  if (nsize == 0) {
    if (ptr) c->outstanding -= (long long)osize;
    free(ptr);
    return NULL;
  }
  if (++c->allocs == c->fail_at) return NULL;
  p = realloc(ptr, nsize);
  if (p) c->outstanding += (long long)nsize - (long long)(ptr ? osize : 0);
  return p;
}

static rs_mem counting(counter *c) {
  rs_mem m;
  memset(c, 0, sizeof *c);
  m.f = count_alloc;
  m.ud = c;
  return m;
}

/* }====================================================== */

static const char SAMPLE[] =
  "Home Politics A Speech at the Summit of Friends\n"
  "A Speech at the Summit of Friends\n\n"
  "by Example Press\n\n"
  "(November 10, 2020, Beijing)\n\n"
  "Jane Doe, President of Freedonia\n\n"
  "Dear colleagues,\n\n"
  "We meet in \xe2\x80\x9c" "difficult times\xe2\x80\x9d and What\xe2\x80\x99s at stake is large.\n\n"
  "First, act together. The virus knows no borders.\n\n"
  "Second, rebuild. Recovery must be green.\n\n"
  "Dear colleagues!\n\n"
  "Thank you.\n";

static char *span(const char *text, uint32_t a, uint32_t b) {
  static char buf[512];
  size_t n = rs_speech_text(text, a, b, buf);
  buf[n] = '\0';
  return buf;
}

static void test_sample(void) {
  rs_mem M = rs_mem_default();
  rs_speech sp;
  int rc = rs_speech_parse(&M, SAMPLE, strlen(SAMPLE), 0, &sp);
  CHECK_EQ_INT(rc, RS_OK);
  CHECK_EQ_STR(sp.meta[RS_META_TITLE], "A Speech at the Summit of Friends");
  CHECK_EQ_STR(sp.meta[RS_META_SPEAKER], "Jane Doe");
  CHECK_EQ_STR(sp.meta[RS_META_ROLE], "President of Freedonia");
  CHECK_EQ_STR(sp.meta[RS_META_DATE], "2020-11-10");
  CHECK_EQ_STR(sp.meta[RS_META_PLACE], "Beijing");
  CHECK_EQ_STR(sp.meta[RS_META_SOURCE], "Example Press");
  CHECK_EQ_STR(sp.meta[RS_META_LANG], "en");
  CHECK_EQ_INT(sp.nboiler, 5);
  if (sp.nboiler == 5) {
    CHECK_EQ_INT(sp.boiler[0].why, RS_BP_BREADCRUMB);
    CHECK_EQ_INT(sp.boiler[1].why, RS_BP_TITLE);
    CHECK_EQ_INT(sp.boiler[2].why, RS_BP_BYLINE);
    CHECK_EQ_INT(sp.boiler[3].why, RS_BP_DATELINE);
    CHECK_EQ_INT(sp.boiler[4].why, RS_BP_SPEAKER);
    CHECK_EQ_INT(sp.boiler[4].line, 8);
  }
  CHECK_EQ_INT(sp.nsegs, 6);
  if (sp.nsegs == 6) {
    CHECK_EQ_INT(sp.segs[0].kind, RS_SEG_SALUTATION);
    CHECK_EQ_INT(sp.segs[0].line, 10);
    CHECK_EQ_INT(sp.segs[1].kind, RS_SEG_PARAGRAPH);
    CHECK_EQ_INT(sp.segs[2].point, 1);
    CHECK_EQ_INT(sp.segs[3].point, 2);
    CHECK_EQ_INT(sp.segs[4].kind, RS_SEG_SALUTATION);
    CHECK_EQ_INT(sp.segs[5].kind, RS_SEG_CLOSING);
    CHECK_EQ_STR(span(SAMPLE, sp.segs[5].start, sp.segs[5].stop), "Thank you.");
  }
  CHECK_EQ_INT(sp.npoints, 2);
  if (sp.npoints == 2) {
    CHECK_EQ_STR(span(SAMPLE, sp.points[0].marker_start, sp.points[0].marker_stop), "First");
    CHECK_EQ_STR(span(SAMPLE, sp.points[0].heading_start, sp.points[0].heading_stop),
                 "act together.");
  }
  CHECK_EQ_INT(sp.nquotes, 1);
  if (sp.nquotes == 1)
    CHECK_EQ_STR(span(SAMPLE, sp.quotes[0].inner_start, sp.quotes[0].inner_stop),
                 "difficult times");
  CHECK(sp.nsents >= 8);
  /* one warning: the five header lines removed */
  CHECK_EQ_INT(sp.nwarnings, 1);
  if (sp.nwarnings == 1) {
    CHECK_EQ_INT(sp.warnings[0].code, RS_WARN_HEADER);
    CHECK_EQ_INT(sp.warnings[0].count, 5);
  }
  /* no labels: one turn of the speaker */
  CHECK_EQ_INT(sp.nturns, 1);
  CHECK_EQ_INT(sp.nspeakers, 1);
  if (sp.nturns == 1 && sp.nspeakers == 1) {
    CHECK_EQ_INT(sp.turns[0].first_seg, 0);
    CHECK_EQ_INT(sp.turns[0].last_seg, sp.nsegs - 1);
    CHECK_EQ_STR(sp.speakers[0].name, "Jane Doe");
  }
  rs_speech_free(&M, &sp);
  rs_speech_free(&M, &sp); /* idempotent */
}

static void test_empty_and_null(void) {
  rs_mem M = rs_mem_default();
  rs_speech sp;
  CHECK_EQ_INT(rs_speech_parse(&M, "", 0, 0, &sp), RS_OK);
  CHECK_EQ_INT(sp.nsegs, 0);
  rs_speech_free(&M, &sp);
  CHECK_EQ_INT(rs_speech_parse(&M, NULL, 0, 0, &sp), RS_OK);
  CHECK_EQ_INT(sp.nsegs, 0);
  rs_speech_free(&M, &sp);
  CHECK_EQ_INT(rs_speech_parse(&M, "\n \r\n\t\n", 6, 0, &sp), RS_OK);
  CHECK_EQ_INT(sp.nsegs, 0);
  rs_speech_free(&M, &sp);
}

static void test_crlf_bom(void) {
  rs_mem M = rs_mem_default();
  rs_speech a, b;
  size_t n = strlen(SAMPLE), i, j = 3, k;
  char *crlf = malloc(2 * n + 4);
  memcpy(crlf, "\xef\xbb\xbf", 3);
  for (i = 0; i < n; i++) {
    if (SAMPLE[i] == '\n') crlf[j++] = '\r';
    crlf[j++] = SAMPLE[i];
  }
  CHECK_EQ_INT(rs_speech_parse(&M, SAMPLE, n, 0, &a), RS_OK);
  CHECK_EQ_INT(rs_speech_parse(&M, crlf, j, 0, &b), RS_OK);
  CHECK_EQ_INT(a.nsegs, b.nsegs);
  CHECK_EQ_INT(a.nboiler, b.nboiler);
  for (k = 0; k < a.nsegs && k < b.nsegs; k++) {
    char ta[512];
    strcpy(ta, span(SAMPLE, a.segs[k].start, a.segs[k].stop));
    CHECK_EQ_STR(span(crlf, b.segs[k].start, b.segs[k].stop), ta);
    CHECK_EQ_INT(a.segs[k].line, b.segs[k].line);
    CHECK_EQ_INT(a.segs[k].kind, b.segs[k].kind);
  }
  for (k = 0; k < RS_META_N; k++) CHECK_EQ_STR(b.meta[k], a.meta[k]);
  rs_speech_free(&M, &a);
  rs_speech_free(&M, &b);
  free(crlf);
}

static void test_bad_bytes(void) {
  rs_mem M = rs_mem_default();
  rs_speech sp;
  const char t[] = "Dear friends,\n\nWe \x93must\x94 act \x01 now.\n";
  CHECK_EQ_INT(rs_speech_parse(&M, t, sizeof t - 1, 0, &sp), RS_OK);
  CHECK_EQ_INT(sp.nsegs, 2);
  /* two about bytes, then what was not found: a speaker and a date */
  CHECK_EQ_INT(sp.nwarnings, 4);
  if (sp.nwarnings == 4) {
    CHECK_EQ_INT(sp.warnings[2].code, RS_WARN_NOSPEAKER);
    CHECK_EQ_INT(sp.warnings[3].code, RS_WARN_NODATE);
  }
  if (sp.nwarnings >= 1) {
    CHECK_EQ_INT(sp.warnings[0].code, RS_WARN_UTF8);
    CHECK_EQ_INT(sp.warnings[0].count, 2);
    CHECK_EQ_INT(sp.warnings[0].line, 3);
  }
  rs_speech_free(&M, &sp);
  { /* every byte value, any order: no crash */
    char buf[4096];
    unsigned seed = 7;
    int round;
    for (round = 0; round < 300; round++) {
      size_t len = (size_t)(round * 13) % sizeof buf, i;
      for (i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = (char)(seed >> 16);
        if ((seed >> 8) % 7 == 0) buf[i] = "\n \xe3\x80\x80\xe2\x80\x9c\"First, 1. "[(seed >> 4) % 16];
      }
      CHECK_EQ_INT(rs_speech_parse(&M, buf, len, 0, &sp), RS_OK);
      rs_speech_free(&M, &sp);
    }
  }
}

static void test_lone_first_and_lines(void) {
  rs_mem M = rs_mem_default();
  rs_speech sp;
  const char t[] = "It is an honour to be here.\nFirst, a lone first.\nThe end is near.\nThank you.";
  CHECK_EQ_INT(rs_speech_parse(&M, t, sizeof t - 1, 0, &sp), RS_OK);
  CHECK_EQ_INT(sp.npoints, 0);
  CHECK_EQ_INT(sp.nboiler, 0);
  CHECK_EQ_INT(sp.nsegs, 4);
  if (sp.nsegs == 4) {
    CHECK_EQ_INT(sp.segs[0].line, 1);
    CHECK_EQ_INT(sp.segs[3].kind, RS_SEG_CLOSING);
  }
  rs_speech_free(&M, &sp);
}

/* fail the k-th allocation for every k: RS_ENOMEM and nothing leaked */
static void test_alloc_failures(void) {
  counter c;
  rs_mem M = counting(&c);
  rs_speech sp;
  long total, k;
  int rc = rs_speech_parse(&M, SAMPLE, strlen(SAMPLE), 0, &sp);
  CHECK_EQ_INT(rc, RS_OK);
  rs_speech_free(&M, &sp);
  CHECK_EQ_INT(c.outstanding, 0);
  total = c.allocs;
  CHECK(total > 10);
  for (k = 1; k <= total; k++) {
    M = counting(&c);
    c.fail_at = k;
    rc = rs_speech_parse(&M, SAMPLE, strlen(SAMPLE), 0, &sp);
    if (rc != RS_ENOMEM) {
      fprintf(stderr, "allocation %ld of %ld failed but parse returned %d\n", k, total, rc);
      CHECK(0);
    }
    CHECK_EQ_INT(c.outstanding, 0);
    CHECK_EQ_INT(sp.nsegs, 0);
    rs_speech_free(&M, &sp);
  }
}

static void test_text(void) {
  const char t[] = "  one\n   two  \r\n three  ";
  char out[64];
  size_t n = rs_speech_text(t, 0, sizeof t - 1, out);
  out[n] = '\0';
  CHECK_EQ_STR(out, "one two three");
}

int main(void) {
  RUN(test_sample);
  RUN(test_empty_and_null);
  RUN(test_crlf_bom);
  RUN(test_bad_bytes);
  RUN(test_lone_first_and_lines);
  RUN(test_alloc_failures);
  RUN(test_text);
  CHECK_DONE();
}
