/*
** talloc.h: the test allocator of the C unit tests. Counts allocations,
** fails the k-th one (or every one from the k-th on), keeps the outstanding
** bytes and checks that every free and realloc passes the exact size of the
** block (kept in a header before it).
*/
#ifndef ROSTRA_TALLOC_H
#define ROSTRA_TALLOC_H

#include <stdlib.h>
#include <string.h>

#include "rostra.h"

typedef struct talloc {
  long count;      /* allocations (and growing reallocs) made */
  long fail_at;    /* 0: never; else the allocation number that fails */
  int fail_after;  /* also fail every allocation after fail_at */
  long failures;   /* allocations refused */
  long outstanding; /* bytes allocated and not freed */
  long bad_sizes;  /* frees/reallocs with a wrong old size */
} talloc;

#define HDR 16 /* keeps the user block aligned */

static inline void *t_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  talloc *t = (talloc *)ud;
  char *h = ptr ? (char *)ptr - HDR : NULL;
  size_t old = 0;
  if (h) {
    memcpy(&old, h, sizeof old);
    if (old != osize) t->bad_sizes++;
  }
  if (nsize == 0) {
    if (h) {
      t->outstanding -= (long)old;
      free(h);
    }
    return NULL;
  }
  t->count++;
  if (t->fail_at > 0 &&
      (t->count == t->fail_at || (t->fail_after && t->count > t->fail_at))) {
    t->failures++;
    return NULL;
  }
  h = (char *)realloc(h, nsize + HDR);
  if (!h) return NULL;
  memcpy(h, &nsize, sizeof nsize);
  t->outstanding += (long)nsize - (long)old;
  return h + HDR;
}

static inline rs_mem t_mem(talloc *t) {
  rs_mem M;
  memset(t, 0, sizeof *t);
  M.f = t_alloc;
  M.ud = t;
  return M;
}

#endif
