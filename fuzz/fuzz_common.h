/*
** fuzz_common.h: helpers shared by the engine fuzz targets: a counting
** allocator hook that can make the k-th allocation fail, and CHECK, which
** turns a broken invariant into a crash libFuzzer records.
*/
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include "rostra.h"

#define CHECK(c)                                                              \
  do {                                                                        \
    if (!(c)) {                                                               \
      fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #c); \
      abort();                                                                \
    }                                                                         \
  } while (0)

typedef struct fmem {
  long count;   /* allocations so far */
  long fail_at; /* 1-based allocation that fails, and every one after; 0: never */
  long live;    /* blocks allocated and not freed */
} fmem;

static void *fmem_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  fmem *F = (fmem *)ud;
  (void)osize;
  if (nsize == 0) {
    if (ptr) F->live--;
    free(ptr);
    return NULL;
  }
  F->count++;
  if (F->fail_at > 0 && F->count >= F->fail_at) return NULL;
  {
    void *p = realloc(ptr, nsize);
    if (p && !ptr) F->live++;
    return p;
  }
}

static rs_mem fmem_hook(fmem *F, long fail_at) {
  rs_mem m;
  F->count = 0;
  F->fail_at = fail_at;
  F->live = 0;
  m.f = fmem_alloc;
  m.ud = F;
  return m;
}

/* a cheap hash of the input, to pick a failing allocation reproducibly */
static unsigned long fuzz_hash(const unsigned char *d, size_t n) {
  unsigned long h = 1469598103934665603ul;
  size_t i;
  for (i = 0; i < n; i++) h = (h ^ d[i]) * 1099511628211ul;
  return h;
}

#endif
