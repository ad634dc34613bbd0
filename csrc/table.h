/*
** table.h: columnar result tables (table.c). Every result rostra computes
** (frequency lists, n-grams, collocates, keyness, dispersion, KWIC lines,
** theme tables, token lists) is held here in typed columns; the Lua
** binding (ltable.c) makes a row table only when one is asked for, and
** sorting, filtering, grouping, the text table and the TSV, CSV and JSON
** writers run here, on row ids.
**
** A table has a fixed number of rows and any number of named columns:
**   RS_TC_INT      64-bit integers
**   RS_TC_NUM      doubles (NaN and infinities allowed)
**   RS_TC_BOOL     booleans
**   RS_TC_STR      strings, held one of five ways (src):
**     RS_TS_OWN    the table's own bytes (pushed row by row)
**     RS_TS_TYPE   a type id of an attribute of the bound index (a form of
**                  the vocabulary: no copy)
**     RS_TS_TUPLE  k type ids per row, shown joined by one space (n-grams)
**     RS_TS_SPAN   (offset, length) into the bound index's text (KWIC
**                  context: no copy); with `flat`, line breaks, tabs, VT
**                  and FF read as spaces
**     RS_TS_DICT   an id into a list of strings the column owns (theme
**                  names, group labels): few distinct values, many rows
**   RS_TC_NUMLIST  a list of doubles per row (a dispersion's positions)
** Any cell may be missing (nil), except in RS_TC_NUMLIST columns.
**
** Columns of TYPE, TUPLE and SPAN strings read the index given to
** rs_table_bind, which the caller sets before every use (the binding
** checks that the corpus is still open first: a table never reads an
** index that was closed).
**
** Rows are chosen and ordered by arrays of row ids (uint32, 0-based): a
** sort permutes such an array, a filter or head writes a shorter one.
**
** Memory: everything through the rs_mem hook; functions return 0 or
** RS_ENOMEM (RS_EINVAL for a caller's mistake), and a failed call leaves
** the table as it was (a column half filled is the caller's to free with
** the table).
*/
#ifndef ROSTRA_TABLE_H
#define ROSTRA_TABLE_H

#include "index.h"

enum { RS_TC_INT = 1, RS_TC_NUM, RS_TC_BOOL, RS_TC_STR, RS_TC_NUMLIST };
enum { RS_TS_OWN = 1, RS_TS_TYPE, RS_TS_TUPLE, RS_TS_SPAN, RS_TS_DICT };

typedef struct rs_tcol {
  char *name;
  size_t namelen;
  int type, src;
  int attr;        /* TYPE, TUPLE: the attribute of the bound index */
  int k;           /* TUPLE: ids per row */
  int flat;        /* SPAN: \t \n \r \v \f read as spaces */
  int64_t *i;      /* INT */
  double *d;       /* NUM */
  uint8_t *b;      /* BOOL */
  uint32_t *id;    /* TYPE, DICT: nrow; TUPLE: nrow * k */
  uint64_t *off;   /* OWN, NUMLIST: nrow + 1 offsets; SPAN: nrow text offsets */
  uint32_t *len;   /* SPAN: nrow lengths */
  rs_buf chars;    /* OWN, DICT: the strings' bytes */
  uint64_t *doff;  /* DICT: ndict + 1 offsets into chars */
  size_t doffcap;
  uint32_t ndict;
  uint32_t *dslot; /* DICT: hash slots (id + 1, 0 empty), ndslot a power of 2 */
  uint32_t ndslot;
  double *vals;    /* NUMLIST values */
  size_t nvals, valcap;
  size_t filled;   /* OWN, NUMLIST: rows pushed so far */
  uint8_t *null;   /* a bit per row, set when the cell is missing; NULL: none */
} rs_tcol;

struct rs_table;

/* Lazy columns: fill(T, rows, n, ud) fills the cells of the lazy columns
** for the row ids rows[0..n) (ascending, none filled yet); 0 or RS_ENOMEM */
typedef int (*rs_tfill)(struct rs_table *T, const uint32_t *rows, size_t n, void *ud);

typedef struct rs_table {
  rs_mem *M;
  size_t nrow;
  int ncol, capcol;
  rs_tcol *cols;
  const rs_index *ix; /* see rs_table_bind */
  rs_tfill fill;      /* see rs_table_lazy */
  void *fillud;
  size_t fillsize;
  uint64_t lazy;      /* a bit per lazy column (columns 0 to 63) */
  uint8_t *filled;    /* a bit per row whose lazy cells are filled */
} rs_table;

/* {====================================================== building */

/* a table of nrow rows and no column; NULL when out of memory */
rs_table *rs_table_new(rs_mem *M, size_t nrow);
void rs_table_free(rs_table *T);

/* the index TYPE, TUPLE and SPAN columns read from now on */
void rs_table_bind(rs_table *T, const rs_index *ix);

/* add a column (a name not taken: else RS_EINVAL) and return its arrays,
** of nrow entries (zeroed), to fill; NULL when out of memory or the name
** is taken */
int64_t *rs_table_int(rs_table *T, const char *name);
double *rs_table_num(rs_table *T, const char *name);
uint8_t *rs_table_bool(rs_table *T, const char *name);
/* k type ids per row of attribute attr (k = 1: one form, k > 1: a tuple) */
uint32_t *rs_table_type(rs_table *T, const char *name, int attr, int k);
/* string columns filled through their rs_tcol */
rs_tcol *rs_table_own(rs_table *T, const char *name);
rs_tcol *rs_table_span(rs_table *T, const char *name, int flat);
rs_tcol *rs_table_dict(rs_table *T, const char *name);
rs_tcol *rs_table_numlist(rs_table *T, const char *name);

/* the next row's string of an OWN column, or the next row's list of a
** NUMLIST column (rows in order, from 0) */
int rs_tcol_push(rs_mem *M, rs_tcol *c, const char *s, size_t n);
int rs_tcol_push_list(rs_mem *M, rs_tcol *c, const double *v, size_t n);
/* the id of a string in a DICT column's list, added when new */
int rs_tcol_intern(rs_mem *M, rs_tcol *c, const char *s, size_t n, uint32_t *id);
/* cell r is missing */
int rs_tcol_set_null(rs_mem *M, rs_tcol *c, size_t nrow, size_t r);

/* Make columns cols[0..ncols) (indices below 64) lazy: their cells are
** filled by fill when first needed (a cell read, a sort, a filter, a
** group, the text table, a file), a row at a time or in bulk. ud
** (udsize bytes) is copied and given to fill. 0, RS_ENOMEM or RS_EINVAL. */
int rs_table_lazy(rs_table *T, rs_tfill fill, const void *ud, size_t udsize, const int *cols,
                  int ncols);

/* fill the lazy cells of rows[0..n) now (those already filled are kept);
** 0 or RS_ENOMEM */
int rs_table_prepare(const rs_table *T, const uint32_t *rows, size_t n);

/* the column of that name, or -1 */
int rs_table_find(const rs_table *T, const char *name, size_t len);

/* }====================================================== */

/* {====================================================== cells */

enum { RS_CELL_NIL = 0 }; /* else the column's type */

typedef struct rs_tcell {
  int kind;          /* RS_CELL_NIL or RS_TC_* */
  int64_t i;         /* INT, BOOL */
  double d;          /* NUM */
  const char *s;     /* STR (not NUL-terminated) */
  size_t n;
  const double *list; /* NUMLIST */
} rs_tcell;

/* cell (column c, row r): strings that must be made (a tuple joined, a
** span with line breaks) are written to scratch, which the cell's `s`
** then points into (valid until scratch is used again). 0 or RS_ENOMEM. */
int rs_table_cell(const rs_table *T, int c, uint32_t r, rs_buf *scratch, rs_tcell *out);

/* }====================================================== */

/* {====================================================== sort, filter, group */

typedef struct rs_tkey {
  int col;
  int desc;
} rs_tkey;

/* Order rows[0..n) by the keys, stably: numbers numerically, strings in
** byte order, false before true; missing values last and NaN just before
** them whatever the direction (desc reverses the order of values only).
** 0 or RS_ENOMEM. */
int rs_table_sort(const rs_table *T, uint32_t *rows, size_t n, const rs_tkey *keys, int nkeys);

/* a filter: the cell of `col` compared with a value given as text, as the
** command's --filter reads it:
**   RS_TF_EQ / RS_TF_NE  a number equals a value that reads as a number;
**                        anything else is compared as text (its tostring)
**   RS_TF_LT .. RS_TF_GE numbers against a number, else text in byte order
**   RS_TF_HAS / RS_TF_HASNOT  the text contains the value (plain)
** A missing cell passes only RS_TF_NE and RS_TF_HASNOT. EQ with several
** values passes when any is equal. */
enum { RS_TF_EQ = 1, RS_TF_NE, RS_TF_LT, RS_TF_LE, RS_TF_GT, RS_TF_GE, RS_TF_HAS, RS_TF_HASNOT };

typedef struct rs_tpred {
  int col, op;
  const char *const *values;
  const size_t *lens;
  size_t nvalues;
} rs_tpred;

/* write to out the rows of rows[0..n) that pass every predicate, in order;
** *nout their count. out may be rows. 0 or RS_ENOMEM. */
int rs_table_filter(const rs_table *T, const uint32_t *rows, size_t n, const rs_tpred *p,
                    int np, uint32_t *out, size_t *nout);

/* Group rows[0..n) by the values of the key columns: a new table with the
** key columns (same names and kinds), then a column `count_name` (the
** rows of each group, an integer), then, for each of sums[0..ns), the sum
** over the group (integers stay integers; NaN propagates; missing cells
** count as nothing). Groups in the order of their first row. 0,
** RS_ENOMEM or RS_EINVAL (a key that is a list, a sum that is not a
** number, a name given twice). */
int rs_table_group(const rs_table *T, const uint32_t *rows, size_t n, const int *keys, int nk,
                   const char *count_name, const int *sums, int ns, rs_table **out);

/* }====================================================== */

/* {====================================================== text and files */

/* the display width of valid UTF-8 s: one column per code point, two for
** East Asian wide and fullwidth characters, none for combining marks and
** zero-width characters (an approximation of wcwidth); invalid bytes
** count one */
size_t rs_width(const char *s, size_t n);

/* s with every invalid UTF-8 byte replaced by U+FFFD, appended to out */
int rs_valid_utf8(rs_mem *M, const char *s, size_t n, rs_buf *out);

/* the shortest decimal form of v that reads back as v, with ".0" when it
** is integral ("1.0", "0.1", "1e+100"); 0 (nothing written) for NaN and
** infinities, else its length. buf holds at least 32 bytes. */
int rs_num_repr(double v, char *buf);

/* Options of the text table (result.lua's notes give the layout):
** the columns shown (cols), at most max_rows rows, cells cut at max_width
** display columns, a title and warnings, per-column alignment (-1 by
** kind, 0 left, 1 right) and, per column, cells already formatted by the
** caller for the rows shown: over[c][k] for the k-th row shown (NULL for
** none: the cell is shown as its value is). */
typedef struct rs_tfmt {
  const int *cols;
  int ncols;
  size_t max_rows, max_width;
  const char *title; /* NULL for none */
  size_t titlelen;
  const char *const *warn;
  const size_t *warnlen;
  size_t nwarn;
  const signed char *align; /* per shown column, or NULL */
  const char *const *const *over;  /* per shown column, or NULL */
  const size_t *const *overlen;
} rs_tfmt;

/* the text table of rows[0..n) appended to out (no final newline) */
int rs_table_format(const rs_table *T, const uint32_t *rows, size_t n, const rs_tfmt *o,
                    rs_buf *out);

enum { RS_TW_TSV = 1, RS_TW_CSV, RS_TW_JSON };

/* where a writer's bytes go: write returns 0, or a nonzero code that stops
** the writer (rs_table_write returns it) */
typedef struct rs_tsink {
  int (*write)(void *ud, const char *p, size_t n);
  void *ud;
} rs_tsink;

/* rows[0..n), columns cols[0..ncols), as TSV, CSV or JSON (result.lua's
** notes give the formats), to sink in chunks of about 64 KiB. Returns 0,
** RS_ENOMEM, or the sink's code. */
int rs_table_write(const rs_table *T, const uint32_t *rows, size_t n, const int *cols, int ncols,
                   int fmt, rs_tsink *sink);

/* }====================================================== */

#endif
