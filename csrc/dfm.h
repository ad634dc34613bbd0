/*
** dfm.h: the document-feature matrix (dfm.c). Rows are documents (speeches,
** or groups of speeches), columns are the types of one attribute kept as
** features, cells are counts; the matrix is held as compressed sparse rows
** and written in Matrix Market's coordinate format. No lua.h: the binding
** is ldfm.c, the analyst's object lua/rostra/dfm.lua.
*/
#ifndef ROSTRA_DFM_H
#define ROSTRA_DFM_H

#include "index.h"

#define RS_DFM_NOROW 0xFFFFFFFFu /* a speech outside every row */
#define RS_DFM_COL(e) ((uint32_t)((e) >> 32))
#define RS_DFM_VAL(e) ((uint32_t)(e))

typedef struct rs_dfm_opts {
  int attr;                /* an attribute of the index */
  const uint32_t *row_of;  /* per speech: its row, or RS_DFM_NOROW */
  uint32_t nrows;
  const uint8_t *tflags;   /* per type of attr, or NULL */
  uint8_t exclude;         /* types with one of these flag bits are no feature */
  uint64_t min_count;      /* a feature occurs at least this often in the rows */
  uint32_t min_docs;       /* ... in at least this many rows */
  uint32_t max_features;   /* the most frequent ones only (0: all) */
} rs_dfm_opts;

/* Columns are ordered by total count (descending), ties by the byte order
** of the forms; entries of a row by column. */
typedef struct rs_dfm {
  int attr;
  uint32_t nrows, ncols;
  uint64_t nnz;
  uint64_t *rowptr;  /* nrows + 1: row r's entries are [rowptr[r], rowptr[r+1]) */
  uint64_t *ent;     /* nnz entries: column id << 32 | count, columns ascending in a row */
  size_t entcap;     /* (allocated with rs_big_grow) */
  uint32_t *feat;    /* ncols: the attribute type of each column */
  uint64_t *fcount;  /* ncols: the column's total */
  uint32_t *fdocs;   /* ncols: the rows where it occurs */
  uint64_t *rowtok;  /* nrows: tokens of the row's speeches (all, before any filter) */
  uint64_t candidates; /* types seen in the rows, before the filters */
} rs_dfm;

/* 0, RS_ENOMEM or RS_EINVAL (a bad attribute); on failure nothing is held */
int rs_dfm_build(rs_mem *M, const rs_index *ix, const rs_dfm_opts *o, rs_dfm *out);
void rs_dfm_free(rs_mem *M, rs_dfm *d);

/* Write d as a Matrix Market file (coordinate integer general, 1-based,
** entries row by row), with the comment lines `comment` (each line is
** prefixed with '%'; may be NULL), through a temporary file beside path
** renamed over it. 0, or RS_ENOMEM, or RS_EIO with errno's text in err
** (*err_no set to errno). */
int rs_dfm_write_mtx(rs_mem *M, const rs_dfm *d, const char *path, const char *comment,
                     char *err, size_t errlen, int *err_no);

/* Write the features of d (ix: the index it was built on) as TSV: a header
** "feature\tcount\tdocs", one line per column, backslash, tab, newline and
** carriage return escaped as \\ \t \n \r; as rs_dfm_write_mtx. */
int rs_dfm_write_features(rs_mem *M, const rs_dfm *d, const rs_index *ix, const char *path,
                          char *err, size_t errlen, int *err_no);

#endif
