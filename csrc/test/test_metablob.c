/* test_metablob.c: unit tests of metablob.c, the metadata blob of an index
** read in place: blobs written byte by byte in lmeta.c's encoding, read a
** speech and a key at a time; damaged blobs refused; nothing leaked. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "metablob.h"
#include "talloc.h"

typedef struct blob {
  uint8_t b[512];
  size_t n;
} blob;

static void put_le(blob *B, uint64_t x, int k) {
  int j;
  for (j = 0; j < k; j++) B->b[B->n++] = (uint8_t)(x >> (8 * j));
}
static void s(blob *B, const char *t) {
  B->b[B->n++] = 's';
  put_le(B, strlen(t), 4);
  memcpy(B->b + B->n, t, strlen(t));
  B->n += strlen(t);
}
static void in(blob *B, int64_t i) {
  B->b[B->n++] = 'i';
  put_le(B, (uint64_t)i, 8);
}
static void fl(blob *B, double d) {
  uint64_t u;
  memcpy(&u, &d, 8);
  B->b[B->n++] = 'n';
  put_le(B, u, 8);
}
static void tab(blob *B, uint32_t pairs) {
  B->b[B->n++] = 't';
  put_le(B, pairs, 4);
}

/* {extra = {names = {}}, speeches = {[1] = {country = "CHN", year = 2015},
** [3] = {ok = true, year = 2016.5}}} for 3 speeches (speech 2 has none) */
static void sample(blob *B) {
  B->n = 0;
  tab(B, 2);
  s(B, "extra");
  tab(B, 1);
  s(B, "names");
  tab(B, 0);
  s(B, "speeches");
  tab(B, 2);
  in(B, 1);
  tab(B, 2);
  s(B, "country");
  s(B, "CHN");
  s(B, "year");
  in(B, 2015);
  in(B, 3);
  tab(B, 2);
  s(B, "ok");
  B->b[B->n++] = 'T';
  s(B, "year");
  fl(B, 2016.5);
}

static void test_read_keys(void) {
  talloc t;
  rs_mem M = t_mem(&t);
  blob B;
  rs_mdir D;
  rs_mval v, e;
  sample(&B);
  CHECK_EQ_INT(rs_mdir_build(&M, B.b, B.n, 3, &D), RS_OK);
  CHECK(D.off[0] != 0 && D.off[1] == 0 && D.off[2] != 0);
  CHECK_EQ_INT(rs_mdir_get(&D, 0, "country", 7, &v), 1);
  CHECK(v.tag == 's' && v.n == 3 && memcmp(v.s, "CHN", 3) == 0);
  CHECK_EQ_INT(rs_mdir_get(&D, 0, "year", 4, &v), 1);
  CHECK(v.tag == 'i' && v.i == 2015);
  CHECK_EQ_INT(rs_mdir_get(&D, 2, "year", 4, &v), 1);
  CHECK(v.tag == 'n' && v.d == 2016.5);
  CHECK_EQ_INT(rs_mdir_get(&D, 2, "ok", 2, &v), 1);
  CHECK(v.tag == 'T');
  CHECK_EQ_INT(rs_mdir_get(&D, 2, "country", 7, &v), 0); /* not there */
  CHECK_EQ_INT(rs_mdir_get(&D, 1, "year", 4, &v), 0);    /* no metadata */
  CHECK_EQ_INT(rs_mdir_get(&D, 3, "year", 4, &v), 0);    /* past the end */
  CHECK_EQ_INT(rs_mdir_get(&D, 0, "yea", 3, &v), 0);     /* a prefix is not the key */
  CHECK(D.extra != 0);
  CHECK_EQ_INT(rs_mv_read(B.b, B.n, (size_t)D.extra, &e), RS_OK);
  CHECK(e.tag == 't' && e.n == 1);
  rs_mdir_free(&M, &D);
  CHECK_EQ_INT(t.outstanding, 0);
  CHECK_EQ_INT(t.bad_sizes, 0);
}

static int count_cb(void *ud, const rs_mval *k, const rs_mval *v) {
  (void)k;
  (void)v;
  ++*(int *)ud;
  return 0;
}

static void test_pairs_and_empty(void) {
  talloc t;
  rs_mem M = t_mem(&t);
  blob B;
  rs_mdir D;
  int n = 0;
  sample(&B);
  CHECK_EQ_INT(rs_mdir_build(&M, B.b, B.n, 3, &D), RS_OK);
  CHECK_EQ_INT(rs_mdir_pairs(&D, (size_t)D.off[2], count_cb, &n), RS_OK);
  CHECK_EQ_INT(n, 2);
  rs_mdir_free(&M, &D);
  /* an empty blob: no metadata, every key absent */
  CHECK_EQ_INT(rs_mdir_build(&M, B.b, 0, 2, &D), RS_OK);
  {
    rs_mval v;
    CHECK_EQ_INT(rs_mdir_get(&D, 0, "year", 4, &v), 0);
  }
  rs_mdir_free(&M, &D);
  CHECK_EQ_INT(t.outstanding, 0);
}

/* every truncation of the blob, and a bad tag, are refused and leak nothing */
static void test_damaged(void) {
  talloc t;
  rs_mem M = t_mem(&t);
  blob B;
  rs_mdir D;
  size_t cut;
  sample(&B);
  for (cut = 1; cut < B.n; cut++) CHECK_EQ_INT(rs_mdir_build(&M, B.b, cut, 3, &D), RS_EPARSE);
  B.b[B.n - 9] = 'x'; /* the float's tag */
  CHECK_EQ_INT(rs_mdir_build(&M, B.b, B.n, 3, &D), RS_EPARSE);
  sample(&B);
  B.b[0] = 's'; /* not a table at the top */
  CHECK_EQ_INT(rs_mdir_build(&M, B.b, B.n, 3, &D), RS_EPARSE);
  CHECK_EQ_INT(t.outstanding, 0);
  CHECK_EQ_INT(t.bad_sizes, 0);
}

static void test_alloc_fail(void) {
  talloc t;
  rs_mem M = t_mem(&t);
  blob B;
  rs_mdir D;
  sample(&B);
  t.fail_at = 1;
  CHECK_EQ_INT(rs_mdir_build(&M, B.b, B.n, 3, &D), RS_ENOMEM);
  CHECK_EQ_INT(t.outstanding, 0);
}

int main(void) {
  RUN(test_read_keys);
  RUN(test_pairs_and_empty);
  RUN(test_damaged);
  RUN(test_alloc_fail);
  CHECK_DONE();
}
