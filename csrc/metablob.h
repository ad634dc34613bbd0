/*
** metablob.h: reading the metadata blob of an index in place (metablob.c),
** a speech and a key at a time, so that opening an index and answering a
** query never decode the metadata of every speech.
**
** The blob is the encoding of lmeta.c, a value being a tag byte and its
** body, little-endian:
**   's' u32 length, bytes     a string
**   'i' i64                   an integer
**   'n' f64                   a float
**   'T' / 'F'                 a boolean
**   't' u32 count, then count (key, value) pairs, the keys in the byte
**       order of their text
** The blob of an index is a table {speeches = {[d] = {key = value, ...}},
** extra = {...}}. A directory (rs_mdir) holds where each speech's table
** starts; reading a key then walks that table's few pairs.
*/
#ifndef ROSTRA_METABLOB_H
#define ROSTRA_METABLOB_H

#include "rostra.h"

#define RS_MV_DEPTH 200 /* tables nested deeper are refused */

typedef struct rs_mval {
  int tag;       /* 's', 'i', 'n', 'T', 'F', 't' */
  const char *s; /* 's': the bytes */
  size_t n;      /* 's': the length; 't': the count of pairs */
  int64_t i;     /* 'i' */
  double d;      /* 'n' */
  size_t off;    /* where the value starts in the blob */
  size_t end;    /* and where it ends */
} rs_mval;

/* the value at offset off of blob b (len bytes): 0, or RS_EPARSE for bytes
** that are not a value (a table is checked whole, nested to RS_MV_DEPTH) */
int rs_mv_read(const uint8_t *b, size_t len, size_t off, rs_mval *out);

typedef struct rs_mdir {
  const uint8_t *blob;
  size_t len;
  uint32_t ndoc;
  uint64_t *off;  /* per speech (0-based): where its table starts, or 0 for none */
  uint64_t extra; /* where the extra table starts, or 0 */
} rs_mdir;

/* The directory of a blob for an index of ndoc speeches: 0, RS_ENOMEM or
** RS_EPARSE (not a blob of metadata). An empty blob has no metadata. The
** blob must stay while the directory is used. */
int rs_mdir_build(rs_mem *M, const uint8_t *blob, size_t len, uint32_t ndoc, rs_mdir *D);
void rs_mdir_free(rs_mem *M, rs_mdir *D);

/* the value of a string key in the table starting at off: 1 (found, *out
** set), 0 (not there) or RS_EPARSE */
int rs_mdir_find(const rs_mdir *D, size_t off, const char *key, size_t keylen, rs_mval *out);

/* the value of key in speech d's table (d 0-based): as rs_mdir_find; a
** speech without metadata has no key */
int rs_mdir_get(const rs_mdir *D, uint32_t d, const char *key, size_t keylen, rs_mval *out);

/* call cb(ud, key, value) for each pair of the table starting at off, in
** order; stops at a nonzero return of cb and returns it; RS_EPARSE for a
** damaged table */
int rs_mdir_pairs(const rs_mdir *D, size_t off, int (*cb)(void *ud, const rs_mval *k, const rs_mval *v),
                  void *ud);

#endif
