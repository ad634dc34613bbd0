/*
** mem.c: the allocator hook and the small containers built on it.
*/
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* mremap, MADV_HUGEPAGE */
#endif
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "rostra.h"

static void *default_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud;
  (void)osize;
  if (nsize == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, nsize);
}

rs_mem rs_mem_default(void) {
  rs_mem m;
  m.f = default_alloc;
  m.ud = NULL;
  return m;
}

void *rs_malloc(rs_mem *M, size_t n) {
  if (n == 0) n = 1;
  return M->f(M->ud, NULL, 0, n);
}

void *rs_realloc(rs_mem *M, void *p, size_t osize, size_t nsize) {
  if (nsize == 0) nsize = 1;
  return M->f(M->ud, p, p ? osize : 0, nsize);
}

void rs_free(rs_mem *M, void *p, size_t osize) {
  if (p) M->f(M->ud, p, osize, 0);
}

char *rs_strndup(rs_mem *M, const char *s, size_t n) {
  char *d = rs_malloc(M, n + 1);
  if (!d) return NULL;
  if (n) memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

void rs_buf_init(rs_buf *b) {
  b->p = NULL;
  b->n = b->cap = 0;
}

int rs_buf_reserve(rs_mem *M, rs_buf *b, size_t extra) {
  if (extra > (size_t)-1 - b->n) return RS_ENOMEM;
  return rs_grow(M, (void **)&b->p, &b->cap, b->n + extra, 1);
}

int rs_buf_add(rs_mem *M, rs_buf *b, const void *s, size_t n) {
  if (rs_buf_reserve(M, b, n)) return RS_ENOMEM;
  if (n) memcpy(b->p + b->n, s, n);
  b->n += n;
  return RS_OK;
}

int rs_buf_addc(rs_mem *M, rs_buf *b, int c) {
  if (b->n == b->cap && rs_buf_reserve(M, b, 1)) return RS_ENOMEM;
  b->p[b->n++] = (char)c;
  return RS_OK;
}

void rs_buf_free(rs_mem *M, rs_buf *b) {
  rs_free(M, b->p, b->cap);
  rs_buf_init(b);
}

int rs_grow(rs_mem *M, void **pp, size_t *cap, size_t need, size_t elt) {
  size_t ncap;
  void *np;
  if (need <= *cap) return RS_OK;
  ncap = *cap ? *cap : 16;
  while (ncap < need) {
    if (ncap > ((size_t)-1 / 2) / elt) return RS_ENOMEM;
    ncap *= 2;
  }
  if (ncap > (size_t)-1 / elt) return RS_ENOMEM;
  np = rs_realloc(M, *pp, *cap * elt, ncap * elt);
  if (!np) return RS_ENOMEM;
  *pp = np;
  *cap = ncap;
  return RS_OK;
}

/* {====================================================== big arrays */

#if defined(__linux__) && defined(MREMAP_MAYMOVE)
#define RS_BIGMAP 1
#else
#define RS_BIGMAP 0
#endif

#if RS_BIGMAP
static size_t map_len(size_t bytes) {
  size_t pg = (size_t)sysconf(_SC_PAGESIZE);
  if (pg == 0 || pg == (size_t)-1) pg = 4096;
  return (bytes + pg - 1) / pg * pg;
}
#endif

int rs_big_grow(rs_mem *M, void **pp, size_t *cap, size_t need, size_t elt) {
  size_t ncap;
#if RS_BIGMAP
  size_t olen, nlen;
  void *np;
#endif
  if (need <= *cap) return RS_OK;
  ncap = *cap ? *cap : 16;
  while (ncap < need) {
    if (ncap > ((size_t)-1 / 2) / elt) return RS_ENOMEM;
    ncap *= 2;
  }
  if (ncap > ((size_t)-1 / 2) / elt) return RS_ENOMEM;
#if RS_BIGMAP
  if (ncap * elt >= RS_BIG) {
    olen = *cap * elt;
    nlen = map_len(ncap * elt);
    if (olen >= RS_BIG) {
      np = mremap(*pp, map_len(olen), nlen, MREMAP_MAYMOVE);
    } else {
      np = mmap(NULL, nlen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (np != MAP_FAILED && olen) {
        memcpy(np, *pp, olen);
        rs_free(M, *pp, olen);
      }
    }
    if (np == MAP_FAILED) return RS_ENOMEM;
#ifdef MADV_HUGEPAGE
    (void)madvise(np, nlen, MADV_HUGEPAGE); /* a hint: fewer page faults */
#endif
    *pp = np;
    *cap = ncap;
    return RS_OK;
  }
#endif
  return rs_grow(M, pp, cap, ncap, elt);
}

void rs_big_free(rs_mem *M, void *p, size_t cap, size_t elt) {
  if (!p) return;
#if RS_BIGMAP
  if (cap * elt >= RS_BIG) {
    (void)munmap(p, map_len(cap * elt));
    return;
  }
#endif
  rs_free(M, p, cap * elt);
}

/* }====================================================== */

static volatile sig_atomic_t interrupt_flag;

void rs_interrupt(int on) { interrupt_flag = on ? 1 : 0; }

int rs_interrupted(void) { return interrupt_flag != 0; }

const char *rs_errname(int code) {
  switch (code) {
    case RS_EINTR: return "EINTR";
    case RS_OK: return "OK";
    case RS_ENOMEM: return "ENOMEM";
    case RS_EUTF8: return "EUTF8";
    case RS_EPARSE: return "EPARSE";
    case RS_ELIMIT: return "ELIMIT";
    case RS_ENOTTEXT: return "ENOTTEXT";
    case RS_EINVAL: return "EINVAL";
    default: return "EUNKNOWN";
  }
}
