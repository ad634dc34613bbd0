/* test_mem.c: unit tests of the allocator helpers (mem.c): rs_grow and
** rs_big_grow, whose arrays leave the hook for a mapping from RS_BIG bytes
** on, keeping their contents, and rs_big_free. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rostra.h"
#include "talloc.h"

/* push n values one at a time, as the tagger adds rows */
static int push_all(rs_mem *M, uint32_t **a, size_t *cap, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    if (rs_big_grow(M, (void **)a, cap, i + 1, sizeof **a)) return 0;
    (*a)[i] = (uint32_t)(i * 2654435761u);
  }
  return 1;
}

static int all_there(const uint32_t *a, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if (a[i] != (uint32_t)(i * 2654435761u)) return 0;
  return 1;
}

static void test_big_small(void) { /* below RS_BIG it is rs_grow: the hook sees it */
  talloc t;
  rs_mem M = t_mem(&t);
  uint32_t *a = NULL;
  size_t cap = 0, n = 1000;
  CHECK(push_all(&M, &a, &cap, n));
  CHECK(cap >= n && cap < 2 * n);
  CHECK(all_there(a, n));
  CHECK_EQ_INT(t.outstanding, (long)(cap * sizeof *a));
  rs_big_free(&M, a, cap, sizeof *a);
  CHECK_EQ_INT(t.outstanding, 0);
  CHECK_EQ_INT(t.bad_sizes, 0);
}

static void test_big_across(void) { /* across RS_BIG and on: contents kept */
  talloc t;
  rs_mem M = t_mem(&t);
  uint32_t *a = NULL;
  size_t cap = 0, n = RS_BIG / sizeof *a * 3 + 12345; /* three doublings past it */
  CHECK(push_all(&M, &a, &cap, n));
  CHECK(cap >= n);
  CHECK(all_there(a, n));
  CHECK_EQ_INT(t.outstanding, 0); /* the hook's block went at the crossing */
  CHECK_EQ_INT(t.bad_sizes, 0);
  CHECK_EQ_INT(rs_big_grow(&M, (void **)&a, &cap, cap, sizeof *a), RS_OK); /* no-op */
  CHECK(all_there(a, n));
  rs_big_free(&M, a, cap, sizeof *a);
  rs_big_free(&M, NULL, 0, sizeof *a); /* nothing */
}

static void test_big_fail(void) { /* an impossible size fails, the array kept */
  talloc t;
  rs_mem M = t_mem(&t);
  uint32_t *a = NULL;
  size_t cap = 0;
  CHECK(push_all(&M, &a, &cap, 100));
  CHECK_EQ_INT(rs_big_grow(&M, (void **)&a, &cap, (size_t)-1 / 2, sizeof *a), RS_ENOMEM);
  CHECK(all_there(a, 100));
  t.fail_at = t.count + 1; /* the hook refuses the next growth below RS_BIG */
  CHECK_EQ_INT(rs_big_grow(&M, (void **)&a, &cap, cap + 1, sizeof *a), RS_ENOMEM);
  CHECK(all_there(a, 100));
  rs_big_free(&M, a, cap, sizeof *a);
  CHECK_EQ_INT(t.outstanding, 0);
}

int main(void) {
  RUN(test_big_small);
  RUN(test_big_across);
  RUN(test_big_fail);
  CHECK_DONE();
}
