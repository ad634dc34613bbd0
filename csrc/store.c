/*
** store.c: the index file. One file: a header (magic, format version,
** section count, header checksum), a section table (id, element size,
** offset, size, checksum per section) and 8-byte aligned sections, those
** a builder has before it is finished first, the derived ones after. Saved
** through a temporary file (the sections, then the header in place) that is
** synced and renamed; opened with mmap, so opening costs the same whatever
** the corpus size. Readers find sections by id, not by order.
*/
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* sync_file_range */
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "fsout.h"
#include "index.h"

#define MAGIC "ROSTRAIX"
#define FORMAT_VERSION 3u
#define HEADER_SIZE 32u
#define ENTRY_SIZE 40u
#define ENDIAN_MARK 0x01020304u

enum {
  S_SCALARS = 1, S_STREAM, S_GAP, S_CKPT, S_GAPX, S_TEXT, S_DOCS,
  S_VOFF, S_VCHARS = S_VOFF + RS_NATTR, S_VSLOTS = S_VCHARS + RS_NATTR,
  S_MAP = S_VSLOTS + RS_NATTR, S_FREQ = S_MAP + RS_NATTR, S_DF = S_FREQ + RS_NATTR,
  S_INVOFF = S_DF + RS_NATTR, S_INV = S_INVOFF + RS_NATTR,
  S_POSTOFF = S_INV + RS_NATTR, S_POST, S_LV, S_META = S_LV + RS_NLEVEL, S_KIND, S_BOILER,
  /* annotated input (format 3): present only when there is any */
  S_NAMES,    /* the names, each NUL-terminated: extra attributes, extra levels, structure attributes */
  S_XSCALARS, /* the counts of all that (XK_*) */
  S_XVOFF, S_XVCHARS = S_XVOFF + RS_MAX_XATTR, S_XVSLOTS = S_XVCHARS + RS_MAX_XATTR,
  S_XSTREAM = S_XVSLOTS + RS_MAX_XATTR, S_XFREQ = S_XSTREAM + RS_MAX_XATTR,
  S_XDF = S_XFREQ + RS_MAX_XATTR, S_XPOSTOFF = S_XDF + RS_MAX_XATTR,
  S_XPOST = S_XPOSTOFF + RS_MAX_XATTR, S_XLV = S_XPOST + RS_MAX_XATTR,
  S_SVOFF = S_XLV + RS_MAX_XLEVEL, S_SVCHARS, S_SVSLOTS, S_SATTR, S_MAX = S_SATTR + RS_MAX_SATTR
};

/* the scalars of annotated input, in order */
enum {
  XK_NX, XK_NXLV, XK_NSATTR, XK_SVN, XK_SVSLOTS, XK_XTYPES, XK_XSLOTS = XK_XTYPES + RS_MAX_XATTR,
  XK_XPOSTLEN = XK_XSLOTS + RS_MAX_XATTR, XK_XNLV = XK_XPOSTLEN + RS_MAX_XATTR,
  XK_SLEVEL = XK_XNLV + RS_MAX_XLEVEL, XK_MAX = XK_SLEVEL + RS_MAX_SATTR
};

/* scalars, in order */
enum {
  K_NTOK, K_NDOC, K_NGAPX, K_TEXTLEN, K_POSTLEN, K_METALEN,
  K_NTYPES, K_NSLOTS = K_NTYPES + RS_NATTR, K_NLV = K_NSLOTS + RS_NATTR,
  K_NBOILER = K_NLV + RS_NLEVEL, K_MAX
};

typedef struct section {
  uint32_t id, elt;
  uint64_t off, size, sum;
  const void *data;
} section;

struct rs_mapped {
  void *base;
  size_t size;
  int slot; /* in the registry of open files, or -1 */
  char *path; /* as opened, for rs_mapped_check */
  size_t pathlen;
  struct stat st; /* of the file when opened */
  uint64_t scalars[K_MAX];
  uint64_t xscalars[XK_MAX];
#ifdef RS_STORE_HEAP_SECTIONS
  void *heap[S_MAX];
#endif
};

#ifdef RS_STORE_HEAP_SECTIONS
/* Sanitizer and fuzzing builds (-DRS_STORE_HEAP_SECTIONS): every section is
** copied into a heap block of its exact size (an empty one reads as NULL),
** so that a read past a section, not only past the mapping, is caught. */
static void free_heap(rs_mapped *m) {
  int i;
  for (i = 0; i < S_MAX; i++) {
    free(m->heap[i]);
    m->heap[i] = NULL;
  }
}
#endif

static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static uint64_t get64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

/* The sections of ix, in file order: first those that finishing a
** builder leaves alone (*nearly of them), then the derived ones (counts,
** inverse maps, postings, and the scalars, which hold the postings size).
** Sets each section's id, elt, data and size only. */
static int collect(const rs_index *ix, section *s, uint64_t *sc, uint64_t *xsc, rs_buf *names,
                   int *nearly) {
  int n = 0, a, annotated = ix->nattr > RS_NATTR || ix->nxlv > 0 || ix->nsattr > 0;
  uint32_t nx = ix->nattr - RS_NATTR, k;
#define ADD(ID, ELT, PTR, COUNT)                   \
  do {                                             \
    s[n].id = (ID);                                \
    s[n].elt = (ELT);                              \
    s[n].data = (PTR);                             \
    s[n].size = (uint64_t)(COUNT) * (ELT);         \
    n++;                                           \
  } while (0)
  memset(sc, 0, K_MAX * sizeof *sc);
  sc[K_NTOK] = ix->ntok;
  sc[K_NDOC] = ix->ndoc;
  sc[K_NGAPX] = ix->ngapx;
  sc[K_TEXTLEN] = ix->textlen;
  sc[K_POSTLEN] = ix->postlen;
  sc[K_METALEN] = ix->metalen;
  for (a = 0; a < RS_NATTR; a++) {
    sc[K_NTYPES + a] = ix->attr[a].n;
    sc[K_NSLOTS + a] = ix->attr[a].nslots;
  }
  for (a = 0; a < RS_NLEVEL; a++) sc[K_NLV + a] = ix->nlv[a];
  sc[K_NBOILER] = ix->nboiler;
  ADD(S_STREAM, 4, ix->stream, ix->ntok);
  ADD(S_GAP, 1, ix->gap, ix->ntok);
  ADD(S_CKPT, 8, ix->ckpt, ix->ntok / 64 + 1);
  ADD(S_GAPX, 4, ix->gapx, (uint64_t)ix->ngapx * 2);
  ADD(S_TEXT, 1, ix->text, ix->textlen);
  ADD(S_DOCS, sizeof(rs_docrec), ix->docs, ix->ndoc);
  for (a = 0; a < RS_NATTR; a++) {
    ADD(S_VOFF + a, 8, ix->attr[a].off, (uint64_t)ix->attr[a].n + 1);
    ADD(S_VCHARS + a, 1, ix->attr[a].chars, ix->attr[a].off[ix->attr[a].n]);
    ADD(S_VSLOTS + a, 4, ix->attr[a].slots, ix->attr[a].nslots);
    if (a) ADD(S_MAP + a, 4, ix->map[a], ix->attr[0].n);
  }
  for (a = 0; a < RS_NLEVEL; a++) ADD(S_LV + a, sizeof(rs_region), ix->lv[a], ix->nlv[a]);
  ADD(S_META, 1, ix->meta, ix->metalen);
  ADD(S_KIND, 1, ix->kind, ix->attr[0].n);
  ADD(S_BOILER, sizeof(rs_boilrec), ix->boiler, ix->nboiler);
  memset(xsc, 0, XK_MAX * sizeof *xsc);
  if (annotated) {
    xsc[XK_NX] = nx;
    xsc[XK_NXLV] = ix->nxlv;
    xsc[XK_NSATTR] = ix->nsattr;
    xsc[XK_SVN] = ix->svals.n;
    xsc[XK_SVSLOTS] = ix->svals.nslots;
    ADD(S_NAMES, 1, names->p, names->n);
    for (k = 0; k < nx; k++) {
      a = RS_NATTR + (int)k;
      xsc[XK_XTYPES + k] = ix->attr[a].n;
      xsc[XK_XSLOTS + k] = ix->attr[a].nslots;
      xsc[XK_XPOSTLEN + k] = ix->xpostlen[a];
      ADD(S_XVOFF + k, 8, ix->attr[a].off, (uint64_t)ix->attr[a].n + 1);
      ADD(S_XVCHARS + k, 1, ix->attr[a].chars, ix->attr[a].off[ix->attr[a].n]);
      ADD(S_XVSLOTS + k, 4, ix->attr[a].slots, ix->attr[a].nslots);
      ADD(S_XSTREAM + k, 4, ix->xstream[a], ix->ntok);
    }
    for (k = 0; k < ix->nxlv; k++) {
      xsc[XK_XNLV + k] = ix->nlv[RS_LV_X0 + k];
      ADD(S_XLV + k, sizeof(rs_region), ix->lv[RS_LV_X0 + k], ix->nlv[RS_LV_X0 + k]);
    }
    ADD(S_SVOFF, 8, ix->svals.off, (uint64_t)ix->svals.n + 1);
    ADD(S_SVCHARS, 1, ix->svals.chars, ix->svals.off[ix->svals.n]);
    ADD(S_SVSLOTS, 4, ix->svals.slots, ix->svals.nslots);
    for (k = 0; k < ix->nsattr; k++) {
      xsc[XK_SLEVEL + k] = (uint64_t)ix->sattr[k].level;
      ADD(S_SATTR + k, 4, ix->sattr[k].val, ix->nlv[ix->sattr[k].level]);
    }
  }
  *nearly = n;
  ADD(S_SCALARS, 8, sc, K_MAX);
  if (annotated) ADD(S_XSCALARS, 8, xsc, XK_MAX);
  for (k = 0; k < nx; k++) {
    a = RS_NATTR + (int)k;
    ADD(S_XFREQ + k, 4, ix->freq[a], ix->attr[a].n);
    ADD(S_XDF + k, 4, ix->df[a], ix->attr[a].n);
    ADD(S_XPOSTOFF + k, 8, ix->xpost_off[a], (uint64_t)ix->attr[a].n + 1);
    ADD(S_XPOST + k, 1, ix->xpost[a], ix->xpostlen[a]);
  }
  for (a = 0; a < RS_NATTR; a++) {
    ADD(S_FREQ + a, 4, ix->freq[a], ix->attr[a].n);
    ADD(S_DF + a, 4, ix->df[a], ix->attr[a].n);
    if (a) {
      ADD(S_INVOFF + a, 4, ix->inv_off[a], (uint64_t)ix->attr[a].n + 1);
      ADD(S_INV + a, 4, ix->inv[a], ix->attr[0].n);
    }
  }
  ADD(S_POSTOFF, 8, ix->post_off, (uint64_t)ix->attr[0].n + 1);
  ADD(S_POST, 1, ix->post, ix->postlen);
#undef ADD
  return n;
}

static int pwrite_all(int fd, const void *p, uint64_t n, uint64_t at) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = pwrite(fd, c, n > (1u << 30) ? (1u << 30) : (size_t)n, (off_t)at);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    c += w;
    n -= (uint64_t)w;
    at += (uint64_t)w;
  }
  return 0;
}

/* write sections [0, n) at their offsets, each followed by its checksum;
** on a thread of its own while a builder is finished */
typedef struct writejob {
  int fd;
  section *s;
  int n;
  int err_no; /* 0, or the errno of a failed write */
} writejob;

static void *write_sections(void *arg) {
  writejob *j = arg;
  static const unsigned char zeros[8] = {0};
  int i;
  for (i = 0; i < j->n && !j->err_no; i++) {
    const section *x = &j->s[i];
    uint64_t pad = ((x->size + 7) & ~(uint64_t)7) - x->size;
    if ((x->size && pwrite_all(j->fd, x->data, x->size, x->off)) ||
        (pad && pwrite_all(j->fd, zeros, pad, x->off + x->size)))
      j->err_no = errno ? errno : EIO;
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
    /* start writing a large section to the disk now: the final fsync then
    ** waits for less (a hint: its failure is fsync's to report) */
    if (x->size >= ((uint64_t)8 << 20))
      (void)sync_file_range(j->fd, (off_t)x->off, (off_t)x->size, SYNC_FILE_RANGE_WRITE);
#endif
    j->s[i].sum = XXH3_64bits(x->data ? x->data : "", (size_t)x->size);
  }
  return NULL;
}

/* lay out sections [a, b) from offset off; returns the offset past them */
static uint64_t lay_out(section *s, int a, int b, uint64_t off) {
  int i;
  for (i = a; i < b; i++) {
    s[i].off = off;
    off = (off + s[i].size + 7) & ~(uint64_t)7;
  }
  return off;
}

/* Save ix; with a builder B, ix is finished from B here (*finished set
** when it was), while a second thread writes the sections that finishing
** leaves alone. */
static int save_sections(rs_mem *M, rs_builder *B, rs_index *ix, const char *path, char *err,
                         size_t errlen, int *finished, rs_buf *names) {
  section s[S_MAX];
  uint64_t sc[K_MAX], xsc[XK_MAX], off;
  int n, ne, i, threaded = 0, ferr = RS_OK, e;
  size_t hsize;
  unsigned char *head = NULL;
  rs_index base;
  const rs_index *first = ix;
  pthread_t th;
  writejob wj;
  rs_out out;
  if (B) {
    if (rs_builder_base_view(B, &base)) return RS_ENOMEM;
    first = &base;
  }
  n = collect(first, s, sc, xsc, names, &ne);
  hsize = HEADER_SIZE + (size_t)n * ENTRY_SIZE;
  head = rs_malloc(M, hsize);
  if (!head) return RS_ENOMEM;
  memset(head, 0, hsize);
  off = lay_out(s, 0, ne, (hsize + 7) & ~(uint64_t)7);
  /* a temporary file beside the target (unnamed where the system allows,
  ** so a killed save leaves nothing), renamed over it with the mode (and
  ** owner) of the file it replaces, or 0666 minus the umask (fsout.h) */
  e = rs_out_open(M, &out, path, RS_OUT_REGULAR | RS_OUT_SYNC, err, errlen);
  if (e) {
    rs_free(M, head, hsize);
    if (e == ENOMEM) return RS_ENOMEM;
    errno = e;
    return e == ENOENT ? RS_ENOENT : RS_EIO;
  }
  wj.fd = out.fd;
  wj.s = s;
  wj.n = ne;
  wj.err_no = 0;
  if (B) threaded = pthread_create(&th, NULL, write_sections, &wj) == 0;
  if (!threaded) write_sections(&wj);
  if (B) {
    ferr = rs_builder_finish(B, ix);
    if (ferr == RS_OK) *finished = 1;
  }
  if (threaded) pthread_join(th, NULL);
  threaded = 0;
  if (ferr) {
    rs_out_abort(M, &out);
    rs_free(M, head, hsize);
    return ferr;
  }
  if (wj.err_no) {
    e = wj.err_no;
    goto fail_io;
  }
  if (B) collect(ix, s, sc, xsc, names, &ne); /* the derived sections, now there (collect leaves off and sum) */
  off = lay_out(s, ne, n, off);
  wj.s = s + ne;
  wj.n = n - ne;
  write_sections(&wj);
  if (wj.err_no) {
    e = wj.err_no;
    goto fail_io;
  }
  memcpy(head, MAGIC, 8);
  put32(head + 8, FORMAT_VERSION);
  put32(head + 12, (uint32_t)n);
  put64(head + 16, off); /* file size */
  put32(head + 24, ENDIAN_MARK);
  for (i = 0; i < n; i++) {
    unsigned char *e8 = head + HEADER_SIZE + (size_t)i * ENTRY_SIZE;
    put32(e8, s[i].id);
    put32(e8 + 4, s[i].elt);
    put64(e8 + 8, s[i].off);
    put64(e8 + 16, s[i].size);
    put64(e8 + 24, s[i].sum);
  }
  /* header checksum over everything but itself (bytes 28..31 hold it) */
  put32(head + 28, (uint32_t)XXH3_64bits(head, 28) ^ (uint32_t)XXH3_64bits(head + HEADER_SIZE, hsize - HEADER_SIZE));
  if (pwrite_all(out.fd, head, hsize, 0)) {
    e = errno;
    goto fail_io;
  }
  rs_free(M, head, hsize);
  e = rs_out_commit(M, &out, path, err, errlen);
  if (e == 0) return RS_OK;
  if (e == ENOMEM) return RS_ENOMEM;
  errno = e;
  return e == ENOENT ? RS_ENOENT : RS_EIO;
fail_io:
  snprintf(err, errlen, "%s: %s", path, strerror(e));
  rs_out_abort(M, &out);
  rs_free(M, head, hsize);
  errno = e;
  return e == ENOENT ? RS_ENOENT : RS_EIO;
}

/* the names section: every extra attribute, level and structure attribute
** name, each NUL-terminated, in that order */
static int names_blob(rs_mem *M, const rs_index *ix, rs_buf *b) {
  uint32_t k;
  for (k = RS_NATTR; k < ix->nattr; k++)
    if (rs_buf_add(M, b, ix->attr_name[k], strlen(ix->attr_name[k]) + 1)) return RS_ENOMEM;
  for (k = 0; k < ix->nxlv; k++)
    if (rs_buf_add(M, b, ix->lv_name[RS_LV_X0 + k], strlen(ix->lv_name[RS_LV_X0 + k]) + 1))
      return RS_ENOMEM;
  for (k = 0; k < ix->nsattr; k++)
    if (rs_buf_add(M, b, ix->sattr[k].name, strlen(ix->sattr[k].name) + 1)) return RS_ENOMEM;
  return RS_OK;
}

static int save_impl(rs_mem *M, rs_builder *B, rs_index *ix, const char *path, char *err,
                     size_t errlen, int *finished) {
  rs_buf names;
  rs_index v;
  int rc;
  rs_buf_init(&names);
  if (B) {
    if (rs_builder_base_view(B, &v)) return RS_ENOMEM;
  } else {
    v = *ix;
  }
  if (names_blob(M, &v, &names)) {
    rs_buf_free(M, &names);
    return RS_ENOMEM;
  }
  rc = save_sections(M, B, ix, path, err, errlen, finished, &names);
  rs_buf_free(M, &names);
  return rc;
}

int rs_index_save(rs_mem *M, const rs_index *ix, const char *path, char *err, size_t errlen) {
  return save_impl(M, NULL, (rs_index *)ix, path, err, errlen, NULL);
}

int rs_builder_save(rs_mem *M, rs_builder *B, rs_index *ix, const char *path, char *err,
                    size_t errlen, int *finished) {
  *finished = 0;
  return save_impl(M, B, ix, path, err, errlen, finished);
}

/* {====================================================== the open files

** Every mapped index is listed here (process-wide, for all Lua states):
** its device and inode, so that an output is never written over an index
** being read (rs_index_file_open), and its address range. A slot is taken
** and given back under the lock; its base is set last and cleared first. */

#define MAXMAPS 4096

typedef struct mapslot {
  void *base; /* NULL: free */
  size_t size;
  uint64_t dev, ino;
  volatile sig_atomic_t damaged; /* a SIGBUS was caught in it */
} mapslot;

static mapslot maps[MAXMAPS];
static pthread_mutex_t maps_lock = PTHREAD_MUTEX_INITIALIZER;

/* {====================================================== SIGBUS

** A mapped file that another process truncates (or copies another file
** over in place: cp truncates first) makes a read past its new end raise
** SIGBUS, which kills the process. The handler below catches it when the
** address lies in an index mapping: it maps zero pages over the whole
** mapping (the read is retried and reads zeros, which the readers take as
** any damaged data) and marks the slot; the binding then raises ECORRUPT
** (rs_mapped_check) instead of answering. A SIGBUS elsewhere goes to the
** handler there was before, or kills the process as it would have. */

static struct sigaction old_sigbus;
static pthread_once_t sigbus_once = PTHREAD_ONCE_INIT;

static void on_sigbus(int sig, siginfo_t *si, void *ctx) {
  char *a = si ? (char *)si->si_addr : NULL;
  int i;
  for (i = 0; a && i < MAXMAPS; i++) {
    char *b = __atomic_load_n(&maps[i].base, __ATOMIC_ACQUIRE);
    if (b && a >= b && a < b + maps[i].size) {
      if (mmap(b, maps[i].size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
        maps[i].damaged = 1;
        return; /* the read is retried on the zero pages */
      }
      break;
    }
  }
  /* not ours: as before this handler */
  if ((old_sigbus.sa_flags & SA_SIGINFO) && old_sigbus.sa_sigaction) {
    old_sigbus.sa_sigaction(sig, si, ctx);
  } else if (old_sigbus.sa_handler != SIG_DFL && old_sigbus.sa_handler != SIG_IGN) {
    old_sigbus.sa_handler(sig);
  } else if (old_sigbus.sa_handler == SIG_IGN && si && si->si_code <= 0) {
    /* sent by kill and ignored, as before */
  } else { /* a fault, or the default: the process dies of it, as it would have */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGBUS, &dfl, NULL);
    raise(sig);
  }
}

static void install_sigbus(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigbus;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGBUS, &sa, &old_sigbus);
}

/* }====================================================== */

static int map_register(void *base, size_t size, uint64_t dev, uint64_t ino) {
  int i, slot = -1;
  pthread_once(&sigbus_once, install_sigbus);
  pthread_mutex_lock(&maps_lock);
  for (i = 0; i < MAXMAPS; i++) {
    if (!__atomic_load_n(&maps[i].base, __ATOMIC_ACQUIRE)) {
      maps[i].size = size;
      maps[i].dev = dev;
      maps[i].ino = ino;
      maps[i].damaged = 0;
      __atomic_store_n(&maps[i].base, base, __ATOMIC_RELEASE);
      slot = i;
      break;
    }
  }
  pthread_mutex_unlock(&maps_lock);
  return slot;
}

static void map_unregister(int slot) {
  if (slot < 0) return;
  pthread_mutex_lock(&maps_lock);
  __atomic_store_n(&maps[slot].base, NULL, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&maps_lock);
}

int rs_index_file_open(uint64_t dev, uint64_t ino) {
  int i, found = 0;
  pthread_mutex_lock(&maps_lock);
  for (i = 0; i < MAXMAPS && !found; i++)
    found = maps[i].base && maps[i].dev == dev && maps[i].ino == ino;
  pthread_mutex_unlock(&maps_lock);
  return found;
}

/* }====================================================== */

/* {====================================================== open */

/* "section 9 (the vocabulary of lower)": what a damaged section holds, for
** messages a user can act on */
static void section_name(uint32_t id, char *buf, size_t n) {
  static const char *const attrs[RS_NATTR] = {"word", "lower", "stem"};
  static const char *const levels[RS_NLEVEL] = {"segment", "point", "sentence", "quotation"};
  const char *what = NULL, *of = NULL;
  if (id == S_SCALARS) what = "the counts";
  else if (id == S_STREAM) what = "the token stream";
  else if (id == S_GAP || id == S_CKPT || id == S_GAPX) what = "the spacing between tokens";
  else if (id == S_TEXT) what = "the source text";
  else if (id == S_DOCS) what = "the table of speeches";
  else if (id >= S_VOFF && id < S_VSLOTS) what = "the vocabulary of", of = attrs[(id - S_VOFF) % RS_NATTR];
  else if (id >= S_VSLOTS && id < S_MAP) what = "the vocabulary index of", of = attrs[id - S_VSLOTS];
  else if (id >= S_MAP && id < S_FREQ) what = "the word-to-type map of", of = attrs[id - S_MAP];
  else if (id >= S_FREQ && id < S_INVOFF) what = "the frequencies of", of = attrs[(id - S_FREQ) % RS_NATTR];
  else if (id >= S_INVOFF && id < S_POSTOFF) what = "the type-to-words map of", of = attrs[(id - S_INVOFF) % RS_NATTR];
  else if (id == S_POSTOFF || id == S_POST) what = "the postings";
  else if (id >= S_LV && id < S_META) what = "the regions of", of = levels[id - S_LV];
  else if (id == S_META) what = "the metadata";
  if (what && of) snprintf(buf, n, "section %u (%s %s)", id, what, of);
  else if (what) snprintf(buf, n, "section %u (%s)", id, what);
  else snprintf(buf, n, "section %u", id);
}

static int corrupt(char *err, size_t errlen, const char *path, const char *what) {
  snprintf(err, errlen, "%s: corrupt index: %s", path, what);
  return RS_ECORRUPT;
}

int rs_index_open(rs_mem *M, const char *path, int verify, rs_mapped **out, rs_index *ix,
                  char *err, size_t errlen) {
  /* O_NONBLOCK: a FIFO must not block the open (it is refused below) */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), i, a, slot = -1;
  int sanity = !(verify & RS_OPEN_UNCHECKED);
  struct stat st;
  void *base;
  const unsigned char *b;
  uint32_t n, version;
  size_t size;
  section s[S_MAX];
  const void *ptr[S_MAX];
  uint64_t len[S_MAX], xsc[XK_MAX];
  rs_mapped *m;
  const uint64_t *sc;
  *out = NULL;
  verify &= RS_OPEN_VERIFY;
  if (fd < 0) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return errno == ENOENT ? RS_ENOENT : RS_EIO;
  }
  if (fstat(fd, &st) != 0) memset(&st, 0, sizeof st);
  if (!S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) snprintf(err, errlen, "%s: not a rostra index (a folder)", path);
    else if (S_ISFIFO(st.st_mode)) snprintf(err, errlen, "%s: not a rostra index (a FIFO)", path);
    else snprintf(err, errlen, "%s: not a rostra index (not a regular file)", path);
    close(fd);
    return RS_ENOTINDEX;
  }
  size = (size_t)st.st_size;
  if (size < 8) {
    close(fd);
    snprintf(err, errlen, "%s: not a rostra index", path);
    return RS_ENOTINDEX;
  }
  base = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (base == MAP_FAILED) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return RS_EIO;
  }
  b = base;
  /* guarded from here on: a truncation while the checks below read */
  slot = map_register(base, size, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
#define FAIL(code_expr)                                                             \
  do {                                                                              \
    int rc_ = (code_expr);                                                          \
    if (slot >= 0 && maps[slot].damaged)                                            \
      rc_ = corrupt(err, errlen, path, "the file changed while it was opened");     \
    map_unregister(slot);                                                           \
    munmap(base, size);                                                             \
    return rc_;                                                                     \
  } while (0)
  if (memcmp(b, MAGIC, 8) != 0) {
    snprintf(err, errlen, "%s: not a rostra index", path);
    FAIL(RS_ENOTINDEX);
  }
  if (size < HEADER_SIZE) FAIL(corrupt(err, errlen, path, "truncated header"));
  version = get32(b + 8);
  if (version != FORMAT_VERSION) {
    char what[80];
    snprintf(what, sizeof what, "format version %u, this rostra reads %u", version, FORMAT_VERSION);
    FAIL(corrupt(err, errlen, path, what));
  }
  if (get32(b + 24) != ENDIAN_MARK) FAIL(corrupt(err, errlen, path, "written on a machine of other byte order"));
  n = get32(b + 12);
  if (n == 0 || n >= S_MAX) FAIL(corrupt(err, errlen, path, "bad section count"));
  if (size < HEADER_SIZE + (size_t)n * ENTRY_SIZE) FAIL(corrupt(err, errlen, path, "truncated section table"));
  if (get64(b + 16) != size) FAIL(corrupt(err, errlen, path, "file size differs from the header (truncated?)"));
  if (get32(b + 28) != ((uint32_t)XXH3_64bits(b, 28) ^
                        (uint32_t)XXH3_64bits(b + HEADER_SIZE, (size_t)n * ENTRY_SIZE)))
    FAIL(corrupt(err, errlen, path, "header checksum mismatch"));
  memset(ptr, 0, sizeof ptr);
  memset(len, 0, sizeof len);
  for (i = 0; i < (int)n; i++) {
    const unsigned char *e = b + HEADER_SIZE + (size_t)i * ENTRY_SIZE;
    s[i].id = get32(e);
    s[i].elt = get32(e + 4);
    s[i].off = get64(e + 8);
    s[i].size = get64(e + 16);
    s[i].sum = get64(e + 24);
    if (s[i].id == 0 || s[i].id >= S_MAX || ptr[s[i].id]) FAIL(corrupt(err, errlen, path, "bad section id"));
    if (s[i].off % 8 || s[i].off > size || s[i].size > size - s[i].off)
      FAIL(corrupt(err, errlen, path, "section out of the file"));
    if (s[i].elt == 0 || s[i].size % s[i].elt) FAIL(corrupt(err, errlen, path, "bad section size"));
    if (verify && XXH3_64bits(b + s[i].off, (size_t)s[i].size) != s[i].sum) {
      char name[80], what[120];
      section_name(s[i].id, name, sizeof name);
      snprintf(what, sizeof what, "checksum mismatch in %s", name);
      FAIL(corrupt(err, errlen, path, what));
    }
    ptr[s[i].id] = b + s[i].off;
    len[s[i].id] = s[i].size;
  }
  if (verify) { /* the layout rs_index_save writes, padding included (no checksum covers it) */
    uint64_t pos = HEADER_SIZE + (uint64_t)n * ENTRY_SIZE, k;
    for (i = 0; i <= (int)n; i++) {
      uint64_t next = i < (int)n ? s[i].off : size;
      if (next != ((pos + 7) & ~(uint64_t)7)) FAIL(corrupt(err, errlen, path, "sections out of place"));
      for (k = pos; k < next; k++)
        if (b[k]) FAIL(corrupt(err, errlen, path, "damaged padding between sections"));
      if (i < (int)n) pos = s[i].off + s[i].size;
    }
  }
  if (!ptr[S_SCALARS] || len[S_SCALARS] != K_MAX * 8) FAIL(corrupt(err, errlen, path, "missing scalars"));
  sc = ptr[S_SCALARS];
  /* sizes implied by the scalars must match the sections exactly */
  {
    uint64_t nt = sc[K_NTOK], nw = sc[K_NTYPES];
    /* every count a 32-bit field of rs_index holds is checked before it is
    ** multiplied; tokens need a speech to belong to (readers index docs[0]) */
    int ok = nt < 0xFFFFFFFFu && sc[K_NDOC] < 0xFFFFFFFFu && nw < 0xFFFFFFFFu &&
             sc[K_NGAPX] < 0xFFFFFFFFu && (nt == 0 || sc[K_NDOC] > 0) &&
             len[S_STREAM] == nt * 4 && len[S_GAP] == nt && len[S_CKPT] == (nt / 64 + 1) * 8 &&
             len[S_GAPX] == sc[K_NGAPX] * 8 && len[S_TEXT] == sc[K_TEXTLEN] &&
             len[S_DOCS] == sc[K_NDOC] * sizeof(rs_docrec) && len[S_POSTOFF] == (nw + 1) * 8 &&
             len[S_POST] == sc[K_POSTLEN] && len[S_META] == sc[K_METALEN] &&
             len[S_KIND] == nw && sc[K_NBOILER] < 0xFFFFFFFFu &&
             len[S_BOILER] == sc[K_NBOILER] * sizeof(rs_boilrec);
    for (a = 0; ok && a < RS_NATTR; a++) {
      uint64_t t = sc[K_NTYPES + a], ns = sc[K_NSLOTS + a];
      ok = t < 0xFFFFFFFFu && ns <= 0x80000000u && len[S_VOFF + a] == (t + 1) * 8 && len[S_VSLOTS + a] == ns * 4 &&
           (ns & (ns - 1)) == 0 && (ns > t || (ns == 0 && t == 0)) && len[S_FREQ + a] == t * 4 && len[S_DF + a] == t * 4 &&
           ptr[S_VOFF + a] != NULL &&
           ((const uint64_t *)ptr[S_VOFF + a])[t] == len[S_VCHARS + a] &&
           ((const uint64_t *)ptr[S_VOFF + a])[0] == 0;
      if (ok && a) ok = len[S_MAP + a] == nw * 4 && len[S_INVOFF + a] == (t + 1) * 4 && len[S_INV + a] == nw * 4;
    }
    for (a = 0; ok && a < RS_NLEVEL; a++)
      ok = sc[K_NLV + a] < 0xFFFFFFFFu && len[S_LV + a] == sc[K_NLV + a] * sizeof(rs_region);
    if (ok) ok = ((const uint64_t *)ptr[S_POSTOFF])[nw] == sc[K_POSTLEN];
    if (!ok) FAIL(corrupt(err, errlen, path, "section sizes disagree"));
  }
  /* annotated input: the counts, the names, the sizes they imply */
  memset(xsc, 0, sizeof xsc);
  if (ptr[S_XSCALARS] || ptr[S_NAMES]) {
    uint64_t nt = sc[K_NTOK], k, nnames = 0, pos = 0;
    const char *nm = ptr[S_NAMES];
    int ok = ptr[S_XSCALARS] && len[S_XSCALARS] == XK_MAX * 8;
    if (ok) memcpy(xsc, ptr[S_XSCALARS], sizeof xsc);
    ok = ok && xsc[XK_NX] <= RS_MAX_XATTR && xsc[XK_NXLV] <= RS_MAX_XLEVEL &&
         xsc[XK_NSATTR] <= RS_MAX_SATTR && xsc[XK_SVN] < 0xFFFFFFFFu && xsc[XK_SVSLOTS] <= 0x80000000u &&
         (xsc[XK_SVSLOTS] & (xsc[XK_SVSLOTS] - 1)) == 0 && (xsc[XK_SVSLOTS] > xsc[XK_SVN] || (xsc[XK_SVSLOTS] == 0 && xsc[XK_SVN] == 0)) &&
         len[S_SVOFF] == (xsc[XK_SVN] + 1) * 8 && len[S_SVSLOTS] == xsc[XK_SVSLOTS] * 4 &&
         ptr[S_SVOFF] != NULL && ((const uint64_t *)ptr[S_SVOFF])[0] == 0 &&
         ((const uint64_t *)ptr[S_SVOFF])[xsc[XK_SVN]] == len[S_SVCHARS];
    for (k = 0; ok && k < xsc[XK_NX]; k++) {
      uint64_t t = xsc[XK_XTYPES + k], ns = xsc[XK_XSLOTS + k];
      ok = t < 0xFFFFFFFFu && t > 0 && ns <= 0x80000000u && (ns & (ns - 1)) == 0 && ns > t &&
           len[S_XVOFF + k] == (t + 1) * 8 && len[S_XVSLOTS + k] == ns * 4 &&
           len[S_XSTREAM + k] == nt * 4 && len[S_XFREQ + k] == t * 4 && len[S_XDF + k] == t * 4 &&
           len[S_XPOSTOFF + k] == (t + 1) * 8 && len[S_XPOST + k] == xsc[XK_XPOSTLEN + k] &&
           ((const uint64_t *)ptr[S_XVOFF + k])[0] == 0 &&
           ((const uint64_t *)ptr[S_XVOFF + k])[t] == len[S_XVCHARS + k] &&
           ((const uint64_t *)ptr[S_XPOSTOFF + k])[t] == xsc[XK_XPOSTLEN + k];
    }
    for (k = 0; ok && k < xsc[XK_NXLV]; k++)
      ok = xsc[XK_XNLV + k] < 0xFFFFFFFFu && len[S_XLV + k] == xsc[XK_XNLV + k] * sizeof(rs_region);
    for (k = 0; ok && k < xsc[XK_NSATTR]; k++) {
      uint64_t lv = xsc[XK_SLEVEL + k], nr;
      ok = lv < RS_NLEVEL || (lv >= RS_LV_X0 && lv < RS_LV_X0 + xsc[XK_NXLV]);
      nr = !ok ? 0 : lv < RS_NLEVEL ? sc[K_NLV + lv] : xsc[XK_XNLV + lv - RS_LV_X0];
      ok = ok && len[S_SATTR + k] == nr * 4;
    }
    /* the names: one NUL-terminated valid name each, no more, no fewer */
    if (ok) {
      uint64_t want = xsc[XK_NX] + xsc[XK_NXLV] + xsc[XK_NSATTR];
      ok = len[S_NAMES] == 0 ? want == 0 : (nm != NULL && nm[len[S_NAMES] - 1] == '\0');
      while (ok && pos < len[S_NAMES]) {
        size_t l = strlen(nm + pos);
        if (!rs_name_ok(nm + pos)) ok = 0;
        pos += l + 1;
        nnames++;
      }
      ok = ok && nnames == want;
    }
    if (!ok) FAIL(corrupt(err, errlen, path, "annotation sections disagree"));
  }
  m = rs_malloc(M, sizeof *m);
  if (!m) FAIL(RS_ENOMEM);
  m->base = base;
  m->size = size;
  m->slot = slot;
  m->st = st;
  m->pathlen = strlen(path) + 1;
  m->path = rs_malloc(M, m->pathlen);
  if (!m->path) {
    rs_free(M, m, sizeof *m);
    FAIL(RS_ENOMEM);
  }
  memcpy(m->path, path, m->pathlen);
  memcpy(m->scalars, sc, sizeof m->scalars);
  memcpy(m->xscalars, xsc, sizeof m->xscalars);
#ifdef RS_STORE_HEAP_SECTIONS
  memset(m->heap, 0, sizeof m->heap);
  for (i = 1; i < S_MAX; i++) {
    if (len[i] > 0) {
      if (!(m->heap[i] = malloc((size_t)len[i]))) {
        free_heap(m);
        rs_free(M, m->path, m->pathlen);
        rs_free(M, m, sizeof *m);
        FAIL(RS_ENOMEM);
      }
      memcpy(m->heap[i], ptr[i], (size_t)len[i]);
    }
    ptr[i] = m->heap[i];
  }
  sc = m->scalars;
#endif
  memset(ix, 0, sizeof *ix);
  ix->ntok = (uint32_t)sc[K_NTOK];
  ix->ndoc = (uint32_t)sc[K_NDOC];
  ix->stream = ptr[S_STREAM];
  ix->gap = ptr[S_GAP];
  ix->ckpt = ptr[S_CKPT];
  ix->gapx = ptr[S_GAPX];
  ix->ngapx = (uint32_t)sc[K_NGAPX];
  ix->text = ptr[S_TEXT] ? ptr[S_TEXT] : "";
  ix->textlen = sc[K_TEXTLEN];
  ix->docs = ptr[S_DOCS];
  ix->kind = ptr[S_KIND] ? ptr[S_KIND] : (const uint8_t *)"";
  ix->boiler = ptr[S_BOILER];
  ix->nboiler = (uint32_t)sc[K_NBOILER];
  for (a = 0; a < RS_NATTR; a++) {
    ix->attr[a].off = ptr[S_VOFF + a];
    ix->attr[a].chars = ptr[S_VCHARS + a] ? ptr[S_VCHARS + a] : "";
    ix->attr[a].nchars = len[S_VCHARS + a];
    ix->attr[a].slots = ptr[S_VSLOTS + a];
    ix->attr[a].n = (uint32_t)sc[K_NTYPES + a];
    ix->attr[a].nslots = (uint32_t)sc[K_NSLOTS + a];
    ix->map[a] = a ? ptr[S_MAP + a] : NULL;
    ix->freq[a] = ptr[S_FREQ + a];
    ix->df[a] = ptr[S_DF + a];
    ix->inv_off[a] = a ? ptr[S_INVOFF + a] : NULL;
    ix->inv[a] = a ? ptr[S_INV + a] : NULL;
  }
  ix->post_off = ptr[S_POSTOFF];
  ix->post = ptr[S_POST] ? ptr[S_POST] : (const uint8_t *)"";
  ix->postlen = sc[K_POSTLEN];
  for (a = 0; a < RS_NLEVEL; a++) {
    ix->lv[a] = ptr[S_LV + a];
    ix->nlv[a] = (uint32_t)sc[K_NLV + a];
  }
  ix->meta = ptr[S_META];
  ix->metalen = sc[K_METALEN];
  ix->nattr = RS_NATTR;
  ix->attr_name[0] = "word";
  ix->attr_name[1] = "lower";
  ix->attr_name[2] = "stem";
  {
    const char *nm = ptr[S_NAMES];
    uint64_t k;
    static const uint64_t zero = 0;
    for (k = 0; k < m->xscalars[XK_NX]; k++) {
      int x = RS_NATTR + (int)k;
      ix->attr_name[x] = nm;
      nm += strlen(nm) + 1;
      ix->attr[x].off = ptr[S_XVOFF + k];
      ix->attr[x].chars = ptr[S_XVCHARS + k] ? ptr[S_XVCHARS + k] : "";
      ix->attr[x].nchars = len[S_XVCHARS + k];
      ix->attr[x].slots = ptr[S_XVSLOTS + k];
      ix->attr[x].n = (uint32_t)m->xscalars[XK_XTYPES + k];
      ix->attr[x].nslots = (uint32_t)m->xscalars[XK_XSLOTS + k];
      ix->freq[x] = ptr[S_XFREQ + k];
      ix->df[x] = ptr[S_XDF + k];
      ix->xstream[x] = ptr[S_XSTREAM + k] ? ptr[S_XSTREAM + k] : (const void *)&zero;
      ix->xpost_off[x] = ptr[S_XPOSTOFF + k];
      ix->xpost[x] = ptr[S_XPOST + k] ? ptr[S_XPOST + k] : (const uint8_t *)"";
      ix->xpostlen[x] = m->xscalars[XK_XPOSTLEN + k];
      ix->nattr++;
    }
    ix->nxlv = (uint32_t)m->xscalars[XK_NXLV];
    for (k = 0; k < ix->nxlv; k++) {
      ix->lv_name[RS_LV_X0 + k] = nm;
      nm += strlen(nm) + 1;
      ix->lv[RS_LV_X0 + k] = ptr[S_XLV + k];
      ix->nlv[RS_LV_X0 + k] = (uint32_t)m->xscalars[XK_XNLV + k];
    }
    ix->nsattr = (uint32_t)m->xscalars[XK_NSATTR];
    for (k = 0; k < ix->nsattr; k++) {
      ix->sattr[k].name = nm;
      nm += strlen(nm) + 1;
      ix->sattr[k].level = (int)m->xscalars[XK_SLEVEL + k];
      ix->sattr[k].val = ptr[S_SATTR + k];
    }
    ix->svals.off = ptr[S_SVOFF] ? ptr[S_SVOFF] : &zero;
    ix->svals.chars = ptr[S_SVCHARS] ? ptr[S_SVCHARS] : "";
    ix->svals.nchars = len[S_SVCHARS];
    ix->svals.slots = ptr[S_SVSLOTS];
    ix->svals.n = (uint32_t)m->xscalars[XK_SVN];
    ix->svals.nslots = (uint32_t)m->xscalars[XK_SVSLOTS];
  }
  if (sanity) { /* counts no builder writes: refused now, not answered from */
    char what[160];
    if (rs_index_check_docs(ix, what, sizeof what) != RS_OK) {
#ifdef RS_STORE_HEAP_SECTIONS
      free_heap(m);
#endif
      rs_free(M, m->path, m->pathlen);
      rs_free(M, m, sizeof *m);
      memset(ix, 0, sizeof *ix);
      FAIL(corrupt(err, errlen, path, what));
    }
  }
  *out = m;
  return RS_OK;
#undef FAIL
}

int rs_mapped_check(const rs_mapped *m, int look) {
  struct stat now;
  if (!m) return RS_OK;
  if (m->slot >= 0 && maps[m->slot].damaged) return RS_ECORRUPT;
  /* written in place: the same file at the path, another size or time */
  if (look && stat(m->path, &now) == 0 && now.st_dev == m->st.st_dev && now.st_ino == m->st.st_ino &&
      (now.st_size != m->st.st_size || now.st_mtim.tv_sec != m->st.st_mtim.tv_sec ||
       now.st_mtim.tv_nsec != m->st.st_mtim.tv_nsec))
    return RS_ECORRUPT;
  return RS_OK;
}

const char *rs_mapped_path(const rs_mapped *m) { return m ? m->path : ""; }

void rs_mapped_close(rs_mem *M, rs_mapped *m) {
  if (!m) return;
#ifdef RS_STORE_HEAP_SECTIONS
  free_heap(m);
#endif
  map_unregister(m->slot);
  munmap(m->base, m->size);
  rs_free(M, m->path, m->pathlen);
  rs_free(M, m, sizeof *m);
}

/* }====================================================== */
