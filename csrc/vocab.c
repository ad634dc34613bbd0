/*
** vocab.c: interning type strings. A vocabulary is a string pool, an
** offset array and an open-addressing hash index of ids; the same layout is
** saved to and mapped from an index file (rs_strtab).
*/
#include <string.h>

#include <xxhash.h>

#include "index.h"

uint64_t rs_hash(const char *s, size_t len) { return XXH3_64bits(s, len); }

const char *rs_strtab_get(const rs_strtab *t, uint32_t id, size_t *len) {
  uint64_t a, b;
  if (id >= t->n) {
    *len = 0;
    return "";
  }
  a = t->off[id];
  b = t->off[id + 1];
  if (a > b || b > t->nchars) { /* damaged offsets read as an empty string */
    *len = 0;
    return "";
  }
  *len = (size_t)(b - a);
  return t->chars + a;
}

int64_t rs_strtab_find(const rs_strtab *t, const char *s, size_t len) {
  uint32_t mask, i, probes;
  if (t->nslots == 0) return -1;
  mask = t->nslots - 1;
  i = (uint32_t)rs_hash(s, len) & mask;
  /* at most nslots probes: a damaged table may have no empty slot */
  for (probes = 0; probes < t->nslots; probes++) {
    uint32_t slot = t->slots[i];
    size_t l;
    const char *c;
    if (slot == 0) return -1;
    if (slot - 1 < t->n) { /* bounds-checked: a damaged file stays safe */
      c = rs_strtab_get(t, slot - 1, &l);
      if (l == len && memcmp(c, s, len) == 0) return (int64_t)(slot - 1);
    }
    i = (i + 1) & mask;
  }
  return -1;
}

void rs_vocab_init(rs_vocab *v) {
  memset(v, 0, sizeof *v);
}

void rs_vocab_free(rs_mem *M, rs_vocab *v) {
  rs_buf_free(M, &v->chars);
  rs_free(M, v->off, v->offcap * sizeof *v->off);
  rs_free(M, v->slots, (size_t)v->nslots * sizeof *v->slots);
  rs_vocab_init(v);
}

static int rehash(rs_mem *M, rs_vocab *v, uint32_t nslots) {
  uint32_t *slots = rs_malloc(M, (size_t)nslots * sizeof *slots);
  uint32_t id;
  if (!slots) return RS_ENOMEM;
  memset(slots, 0, (size_t)nslots * sizeof *slots);
  for (id = 0; id < v->n; id++) {
    size_t len = (size_t)(v->off[id + 1] - v->off[id]);
    uint32_t i = (uint32_t)rs_hash(v->chars.p + v->off[id], len) & (nslots - 1);
    while (slots[i]) i = (i + 1) & (nslots - 1);
    slots[i] = id + 1;
  }
  rs_free(M, v->slots, (size_t)v->nslots * sizeof *v->slots);
  v->slots = slots;
  v->nslots = nslots;
  return RS_OK;
}

int rs_vocab_intern(rs_mem *M, rs_vocab *v, const char *s, size_t len, uint32_t *id, int *isnew) {
  uint32_t mask, i;
  uint64_t h;
  *isnew = 0;
  if (v->off == NULL) { /* first use: offsets start with 0 */
    if (rs_grow(M, (void **)&v->off, &v->offcap, 16, sizeof *v->off)) return RS_ENOMEM;
    v->off[0] = 0;
  }
  if (v->nslots == 0 && rehash(M, v, 1024)) return RS_ENOMEM;
  h = rs_hash(s, len);
  mask = v->nslots - 1;
  i = (uint32_t)h & mask;
  while (v->slots[i]) {
    uint32_t cand = v->slots[i] - 1;
    size_t l = (size_t)(v->off[cand + 1] - v->off[cand]);
    if (l == len && memcmp(v->chars.p + v->off[cand], s, len) == 0) {
      *id = cand;
      return RS_OK;
    }
    i = (i + 1) & mask;
  }
  if (v->n >= 0xFFFFFFF0u) return RS_ELIMIT;
  if (rs_grow(M, (void **)&v->off, &v->offcap, (size_t)v->n + 2, sizeof *v->off)) return RS_ENOMEM;
  {
    size_t oldcap = v->chars.cap;
    if (rs_buf_add(M, &v->chars, s, len)) return RS_ENOMEM;
    /* zero the slack past the strings: PCRE2's JIT reads ahead of a
    ** subject's end in aligned blocks (harmless, but memcheck reports the
    ** branch on uninitialised bytes) */
    if (v->chars.cap > oldcap) memset(v->chars.p + v->chars.n, 0, v->chars.cap - v->chars.n);
  }
  v->off[v->n + 1] = v->chars.n;
  v->slots[i] = v->n + 1;
  *id = v->n++;
  *isnew = 1;
  /* keep the load factor under 1/2 */
  if ((uint64_t)v->n * 2 > v->nslots) {
    if (rehash(M, v, v->nslots * 2)) { /* undo the insertion */
      v->n--;
      v->chars.n = (size_t)v->off[v->n];
      v->slots[i] = 0;
      *isnew = 0;
      return RS_ENOMEM;
    }
  }
  return RS_OK;
}

void rs_vocab_pop(rs_vocab *v) {
  uint32_t id, mask, i, j;
  size_t len;
  if (v->n == 0) return;
  id = v->n - 1;
  len = (size_t)(v->off[id + 1] - v->off[id]);
  mask = v->nslots - 1;
  i = (uint32_t)rs_hash(v->chars.p + v->off[id], len) & mask;
  while (v->slots[i] && v->slots[i] != id + 1) i = (i + 1) & mask;
  if (v->slots[i] == 0) return;
  /* delete from a linear-probing table: re-place the rest of the cluster */
  v->slots[i] = 0;
  j = (i + 1) & mask;
  while (v->slots[j]) {
    uint32_t cand = v->slots[j] - 1, k;
    size_t l = (size_t)(v->off[cand + 1] - v->off[cand]);
    v->slots[j] = 0;
    k = (uint32_t)rs_hash(v->chars.p + v->off[cand], l) & mask;
    while (v->slots[k]) k = (k + 1) & mask;
    v->slots[k] = cand + 1;
    j = (j + 1) & mask;
  }
  v->n--;
  v->chars.n = (size_t)v->off[v->n];
}

rs_strtab rs_vocab_view(const rs_vocab *v) {
  static const uint64_t zero = 0;
  rs_strtab t;
  t.off = v->off ? v->off : &zero;
  t.chars = v->chars.p ? v->chars.p : "";
  t.slots = v->slots;
  t.nchars = v->chars.n;
  t.n = v->n;
  t.nslots = v->nslots;
  return t;
}
