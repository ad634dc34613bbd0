/*
** lexicon.c: the lexicon readers (see lexicon.h). One reader per format
** fills the same result through add_cat/add_entry, which normalise the
** pattern text, drop repeated entries and keep the warnings. YAML is read
** with libyaml's event parser; the three line formats are scanned by hand.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "lexicon.h"

/* {====================================================== reader state */

typedef struct reader {
  rs_mem *M;
  rs_lexicon *lex;
  const char *s; /* the text, after a BOM */
  size_t n;
  /* a cursor turning libyaml character indexes into line/col */
  size_t cidx, coff, cline, ccol;
  /* hash sets of entry and category indexes (index + 1; 0 = empty slot) */
  size_t *eslot, ecap;
  size_t *cslot, ccap;
  rs_buf tmp; /* scratch: normalised patterns, full category paths */
} reader;

/* after a vsnprintf that returned k into buf[size]: the length kept, never
** ending in the middle of a UTF-8 sequence when the text was cut */
static size_t fit(char *buf, size_t size, int k) {
  size_t end, start;
  unsigned c;
  if (k < 0) {
    buf[0] = '\0';
    return 0;
  }
  if ((size_t)k < size) return (size_t)k;
  end = start = size - 1;
  while (start > 0 && ((unsigned char)buf[start - 1] & 0xC0) == 0x80) start--;
  if (start > 0) {
    c = (unsigned char)buf[start - 1];
    if (c >= 0xC0 && (start - 1) + (c < 0xE0 ? 2u : c < 0xF0 ? 3u : 4u) > end) {
      buf[start - 1] = '\0';
      return start - 1;
    }
  }
  return end;
}

/* n, or less than max bytes of s[0..n) cut at a character boundary: for
** quoting names and patterns in messages */
static int clip(const char *s, size_t n, size_t max) {
  if (n <= max) return (int)n;
  n = max;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  return (int)n;
}

static int vset_err(reader *R, size_t line, size_t col, const char *fmt, va_list ap) {
  rs_lexicon *lex = R->lex;
  lex->err_line = line;
  lex->err_col = col;
  fit(lex->err_msg, sizeof lex->err_msg, vsnprintf(lex->err_msg, sizeof lex->err_msg, fmt, ap));
  return RS_EPARSE;
}

static int set_err(reader *R, size_t line, size_t col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vset_err(R, line, col, fmt, ap);
  va_end(ap);
  return RS_EPARSE;
}

/* adds a warning, keeping them ordered by position */
static int add_warn(reader *R, size_t line, size_t col, const char *fmt, ...) {
  char msg[256], *m;
  va_list ap;
  size_t len, i;
  rs_lexicon *lex = R->lex;
  rs_lexwarn *w;
  va_start(ap, fmt);
  len = fit(msg, sizeof msg, vsnprintf(msg, sizeof msg, fmt, ap));
  va_end(ap);
  if (rs_grow(R->M, (void **)&lex->warns, &lex->capwarn, lex->nwarn + 1,
              sizeof *lex->warns))
    return RS_ENOMEM;
  if (!(m = rs_strndup(R->M, msg, len))) return RS_ENOMEM;
  for (i = lex->nwarn; i > 0; i--) {
    const rs_lexwarn *p = &lex->warns[i - 1];
    if (p->line < line || (p->line == line && p->col <= col)) break;
  }
  w = &lex->warns[i];
  memmove(w + 1, w, (lex->nwarn - i) * sizeof *w);
  w->line = line;
  w->col = col;
  w->msg = m;
  lex->nwarn++;
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== positions */

/* the column (1-based, in code points) of byte off of a line starting at
** byte ls */
static size_t col_of(const reader *R, size_t ls, size_t off) {
  size_t col = 1, i = ls;
  while (i < off) {
    unsigned c = (unsigned char)R->s[i];
    size_t len = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (len > off - i) len = 1;
    i += len;
    col++;
  }
  return col;
}

static void cur_reset(reader *R) {
  R->cidx = R->coff = 0;
  R->cline = R->ccol = 1;
}

/* moves the cursor to code point idx (bybytes == 0) or to the character at
** byte idx (bybytes == 1), never past the end; libyaml counts CR and LF as
** one character each, as rostra does */
static void cur_advance(reader *R, size_t idx, int bybytes) {
  if ((bybytes ? R->coff : R->cidx) > idx) cur_reset(R);
  while ((bybytes ? R->coff : R->cidx) < idx && R->coff < R->n) {
    unsigned c = (unsigned char)R->s[R->coff];
    size_t len = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (len > R->n - R->coff) len = 1;
    if (c == '\n') {
      R->cline++;
      R->ccol = 1;
    } else {
      R->ccol++;
    }
    R->coff += len;
    R->cidx++;
  }
}

/* }====================================================== */

/* {====================================================== hashing */

static size_t hash_bytes(const char *s, size_t n, size_t seed) {
  size_t h = 2166136261u ^ seed, i;
  for (i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 16777619u;
  }
  return h ^ (h >> 15);
}

static size_t entry_hash(const char *p, size_t n, size_t cat, int excl) {
  return hash_bytes(p, n, cat * 31u + (size_t)excl);
}

/* grows a hash set to twice its size, rehashing the indexes it holds */
static int rehash(reader *R, size_t **slots, size_t *cap, int entries) {
  size_t ncap = *cap ? *cap * 2 : 64, i, *ns;
  if (ncap > (size_t)-1 / sizeof *ns) return RS_ENOMEM;
  ns = (size_t *)rs_malloc(R->M, ncap * sizeof *ns);
  if (!ns) return RS_ENOMEM;
  memset(ns, 0, ncap * sizeof *ns);
  for (i = 0; i < *cap; i++) {
    size_t v = (*slots)[i], h, j;
    if (!v) continue;
    if (entries) {
      const rs_lexentry *e = &R->lex->entries[v - 1];
      h = entry_hash(e->pattern, e->len, e->cat, e->exclude);
    } else {
      const rs_lexcat *c = &R->lex->cats[v - 1];
      h = hash_bytes(c->name, c->namelen, 0);
    }
    for (j = h & (ncap - 1); ns[j]; j = (j + 1) & (ncap - 1)) {}
    ns[j] = v;
  }
  rs_free(R->M, *slots, *cap * sizeof **slots);
  *slots = ns;
  *cap = ncap;
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== categories */

/* the category whose full path is name[0..len), or RS_LEX_NONE */
static size_t find_cat(const reader *R, const char *name, size_t len) {
  size_t j;
  if (!R->ccap) return RS_LEX_NONE;
  for (j = hash_bytes(name, len, 0) & (R->ccap - 1); R->cslot[j];
       j = (j + 1) & (R->ccap - 1)) {
    const rs_lexcat *c = &R->lex->cats[R->cslot[j] - 1];
    if (c->namelen == len && memcmp(c->name, name, len) == 0)
      return R->cslot[j] - 1;
  }
  return RS_LEX_NONE;
}

/* Adds category name[0..len) under parent (or RS_LEX_NONE) and stores its
** index in *idx. When the full path exists already: merge != 0 reuses it,
** otherwise it is an error. */
static int add_cat(reader *R, size_t parent, const char *name, size_t len,
                   size_t line, size_t col, int merge, size_t *idx) {
  rs_lexicon *lex = R->lex;
  rs_lexcat *c;
  size_t found, plen = 0, full, j;
  int depth = 0;
  char *s;
  while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t')) len--;
  while (len > 0 && (name[0] == ' ' || name[0] == '\t')) name++, len--;
  if (len == 0) return set_err(R, line, col, "empty category name");
  if (memchr(name, '\0', len))
    return set_err(R, line, col, "NUL byte in a category name");
  if (parent != RS_LEX_NONE) {
    plen = lex->cats[parent].namelen + 1;
    depth = lex->cats[parent].depth + 1;
    if (depth >= RS_LEX_MAX_DEPTH)
      return set_err(R, line, col, "categories nested too deeply (more than %d levels)",
                     RS_LEX_MAX_DEPTH);
  }
  full = plen + len;
  R->tmp.n = 0;
  if (rs_buf_reserve(R->M, &R->tmp, full + 1)) return RS_ENOMEM;
  if (plen) {
    memcpy(R->tmp.p, lex->cats[parent].name, plen - 1);
    R->tmp.p[plen - 1] = '.';
  }
  memcpy(R->tmp.p + plen, name, len);
  found = find_cat(R, R->tmp.p, full);
  if (found != RS_LEX_NONE) {
    if (merge) {
      *idx = found;
      return RS_OK;
    }
    return set_err(R, line, col, "duplicate category '%.*s' (first at line %lu)",
                   clip(R->tmp.p, full, 200), R->tmp.p,
                   (unsigned long)lex->cats[found].line);
  }
  if ((lex->ncat + 1) * 2 > R->ccap &&
      rehash(R, &R->cslot, &R->ccap, 0))
    return RS_ENOMEM;
  if (rs_grow(R->M, (void **)&lex->cats, &lex->capcat, lex->ncat + 1,
              sizeof *lex->cats))
    return RS_ENOMEM;
  if (!(s = rs_strndup(R->M, R->tmp.p, full))) return RS_ENOMEM;
  c = &lex->cats[lex->ncat];
  c->name = s;
  c->namelen = full;
  c->leaf = plen;
  c->parent = parent;
  c->depth = depth;
  c->line = line;
  c->col = col;
  for (j = hash_bytes(s, full, 0) & (R->ccap - 1); R->cslot[j];
       j = (j + 1) & (R->ccap - 1)) {}
  R->cslot[j] = lex->ncat + 1;
  *idx = lex->ncat++;
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== entries */

/* Normalises a pattern into R->tmp: white space runs (Unicode) become one
** space, the ends are trimmed; for WordStat '_' is a space. Checks UTF-8
** and control characters. line/col locate raw for errors. */
static int norm_pattern(reader *R, const char *raw, size_t n, int underscore,
                        size_t line, size_t col) {
  const unsigned char *s = (const unsigned char *)raw;
  size_t i = 0, stars = 0;
  int space = 0;
  R->tmp.n = 0;
  while (i < n) {
    int32_t cp;
    int len = rs_utf8_decode(s + i, n - i, &cp);
    if (cp < 0)
      return set_err(R, line, col, "invalid UTF-8 (byte 0x%02X): the lexicon must be UTF-8",
                     (unsigned)s[i]);
    if (rs_is_space(cp) || (underscore && cp == '_')) {
      space = 1;
    } else {
      if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
        return set_err(R, line, col, "control character U+%04X in pattern",
                       (unsigned)cp);
      if (space && R->tmp.n > 0 && rs_buf_addc(R->M, &R->tmp, ' '))
        return RS_ENOMEM;
      space = 0;
      if (rs_buf_add(R->M, &R->tmp, s + i, (size_t)len)) return RS_ENOMEM;
      if (cp == '*') stars++;
    }
    i += (size_t)len;
  }
  if (R->tmp.n == 0) return set_err(R, line, col, "empty pattern");
  if (R->tmp.n > RS_LEX_MAX_PATTERN)
    return set_err(R, line, col, "pattern longer than %d bytes", RS_LEX_MAX_PATTERN);
  if (stars == R->tmp.n)
    return set_err(R, line, col, "pattern '%.*s' would match every word",
                   (int)R->tmp.n, R->tmp.p);
  return RS_OK;
}

/* adds the pattern raw[0..n) to category cat; a repeated (pattern,
** category, exclude) is dropped with a warning */
static int add_entry(reader *R, const char *raw, size_t n, size_t cat,
                     double weight, int excl, int underscore, size_t line,
                     size_t col) {
  rs_lexicon *lex = R->lex;
  rs_lexentry *e;
  size_t h, j;
  char *p;
  int rc = norm_pattern(R, raw, n, underscore, line, col);
  if (rc) return rc;
  if ((lex->nentry + 1) * 2 > R->ecap && rehash(R, &R->eslot, &R->ecap, 1))
    return RS_ENOMEM;
  h = entry_hash(R->tmp.p, R->tmp.n, cat, excl);
  for (j = h & (R->ecap - 1); R->eslot[j]; j = (j + 1) & (R->ecap - 1)) {
    const rs_lexentry *d = &lex->entries[R->eslot[j] - 1];
    if (d->cat == cat && d->exclude == excl && d->len == R->tmp.n &&
        memcmp(d->pattern, R->tmp.p, R->tmp.n) == 0) {
      const char *cname = cat == RS_LEX_NONE ? "(all)" : lex->cats[cat].name;
      return add_warn(R, line, col,
                      "duplicate %s '%.*s' in category '%s' (first at line %lu); ignored",
                      excl ? "exclusion" : "pattern", clip(d->pattern, d->len, 100), d->pattern, cname, (unsigned long)d->line);
    }
  }
  if (rs_grow(R->M, (void **)&lex->entries, &lex->capentry, lex->nentry + 1,
              sizeof *lex->entries))
    return RS_ENOMEM;
  if (!(p = rs_strndup(R->M, R->tmp.p, R->tmp.n))) return RS_ENOMEM;
  e = &lex->entries[lex->nentry];
  e->pattern = p;
  e->len = R->tmp.n;
  e->cat = cat;
  e->weight = weight;
  e->glob = (memchr(p, '*', e->len) || memchr(p, '?', e->len)) ? 1 : 0;
  e->phrase = memchr(p, ' ', e->len) ? 1 : 0;
  e->exclude = (unsigned char)(excl ? 1 : 0);
  e->line = line;
  e->col = col;
  R->eslot[j] = ++lex->nentry;
  return RS_OK;
}

/* Parses a decimal number (YAML float/int syntax, no hex, no .inf) from
** s[0..n) into *out; returns 1 on success. Correctly rounded for up to 15
** significant digits and exponents up to 22, near enough beyond. */
static int parse_number(const char *s, size_t n, double *out) {
  static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  size_t i = 0;
  int neg = 0, digits = 0, sig = 0;
  unsigned long long mant = 0;
  long exp10 = 0;
  double v;
  if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
    if (sig < 18) {
      if (mant || s[i] != '0') sig++;
      mant = mant * 10 + (unsigned)(s[i] - '0');
    } else {
      exp10++;
    }
  }
  if (i < n && s[i] == '.') {
    for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
      if (sig < 18) {
        if (mant || s[i] != '0') sig++;
        mant = mant * 10 + (unsigned)(s[i] - '0');
        exp10--;
      }
    }
  }
  if (digits == 0) return 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    int eneg = 0, ed = 0;
    long e = 0;
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, ed++)
      if (e < 100000) e = e * 10 + (s[i] - '0');
    if (ed == 0) return 0;
    exp10 += eneg ? -e : e;
  }
  if (i != n) return 0;
  v = (double)mant;
  if (mant == 0) v = 0;
  else if (exp10 >= 0 && exp10 <= 22) v *= p10[exp10];
  else if (exp10 < 0 && exp10 >= -22) v /= p10[-exp10];
  else v *= pow(10.0, (double)exp10);
  if (!(v - v == 0)) return 0; /* inf or nan */
  *out = neg ? -v : v;
  return 1;
}

/* }====================================================== */

/* {====================================================== lines */

typedef struct line {
  const char *p; /* the line without its LF (and a CR before it) */
  size_t len;
  size_t off; /* byte offset of its start */
  size_t no;  /* 1-based */
} line;

/* the next line from *pos, or 0 at the end */
static int next_line(const reader *R, size_t *pos, size_t *no, line *L) {
  const char *nl;
  size_t end;
  if (*pos >= R->n) return 0;
  nl = (const char *)memchr(R->s + *pos, '\n', R->n - *pos);
  end = nl ? (size_t)(nl - R->s) : R->n;
  L->p = R->s + *pos;
  L->off = *pos;
  L->len = end - *pos;
  if (L->len > 0 && L->p[L->len - 1] == '\r') L->len--;
  L->no = ++*no;
  *pos = nl ? end + 1 : R->n;
  return 1;
}

static int is_ws(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* [*b, *e) trimmed of ASCII white space at both ends */
static void trim(const char *p, size_t *b, size_t *e) {
  while (*b < *e && is_ws((unsigned char)p[*b])) (*b)++;
  while (*e > *b && is_ws((unsigned char)p[*e - 1])) (*e)--;
}

/* the column of byte i of line L */
static size_t lcol(const reader *R, const line *L, size_t i) {
  return col_of(R, L->off, L->off + i);
}

/* }====================================================== */

/* {====================================================== Lexicoder */

static int read_lexicoder(reader *R) {
  size_t pos = 0, no = 0, cur = RS_LEX_NONE;
  line L;
  int rc;
  while (next_line(R, &pos, &no, &L)) {
    size_t b = 0, e = L.len;
    trim(L.p, &b, &e);
    if (b == e) continue;
    if (L.p[b] == '+') {
      size_t nb = b + 1;
      trim(L.p, &nb, &e);
      if (nb == e)
        return set_err(R, L.no, lcol(R, &L, b), "missing category name after '+'");
      rc = add_cat(R, RS_LEX_NONE, L.p + nb, e - nb, L.no, lcol(R, &L, b), 1, &cur);
    } else {
      if (cur == RS_LEX_NONE)
        return set_err(R, L.no, lcol(R, &L, b),
                       "pattern before the first '+category' line");
      rc = add_entry(R, L.p + b, e - b, cur, 1.0, 0, 0, L.no, lcol(R, &L, b));
    }
    if (rc) return rc;
  }
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== WordStat */

/* is L.p[b..e) "text (number)"? sets *te (end of the text) and *w */
static int ws_weighted(const line *L, size_t b, size_t e, size_t *te, double *w) {
  size_t lp;
  if (e - b < 3 || L->p[e - 1] != ')') return 0;
  for (lp = e - 1; lp > b && L->p[lp - 1] != '('; lp--) {}
  if (lp == b) return 0;
  {
    size_t nb = lp, ne = e - 1;
    trim(L->p, &nb, &ne);
    if (!parse_number(L->p + nb, ne - nb, w)) return 0;
  }
  *te = lp - 1;
  while (*te > b && is_ws((unsigned char)L->p[*te - 1])) (*te)--;
  return 1;
}

static int read_wordstat(reader *R) {
  size_t pos = 0, no = 0, open = 0, stack[RS_LEX_MAX_DEPTH];
  line L;
  int rc;
  while (next_line(R, &pos, &no, &L)) {
    size_t tabs = 0, b = 0, e = L.len, te;
    double w;
    while (tabs < L.len && L.p[tabs] == '\t') tabs++;
    b = tabs;
    trim(L.p, &b, &e);
    if (b == e) continue;
    if (b > tabs)
      return set_err(R, L.no, 1,
                     "indent WordStat categories and patterns with tabs, not spaces");
    if (ws_weighted(&L, b, e, &te, &w)) {
      if (te == b)
        return set_err(R, L.no, lcol(R, &L, b), "missing pattern before the weight");
      if (tabs == 0)
        return set_err(R, L.no, 1,
                       "pattern outside any category (indent it with a tab under its category)");
      if (tabs > open)
        return set_err(R, L.no, lcol(R, &L, b),
                       "pattern indented too deep (its category is not at depth %lu)",
                       (unsigned long)(tabs - 1));
      open = tabs; /* a pattern closes the deeper categories */
      rc = add_entry(R, L.p + b, te - b, stack[tabs - 1], w, 0, 1, L.no,
                     lcol(R, &L, b));
    } else {
      size_t idx;
      if (tabs > open)
        return set_err(R, L.no, lcol(R, &L, b),
                       "category indented too deep (no category one tab less before it)");
      if (tabs >= RS_LEX_MAX_DEPTH)
        return set_err(R, L.no, lcol(R, &L, b),
                       "categories nested too deeply (more than %d levels)",
                       RS_LEX_MAX_DEPTH);
      rc = add_cat(R, tabs ? stack[tabs - 1] : RS_LEX_NONE, L.p + b, e - b, L.no,
                   lcol(R, &L, b), 1, &idx);
      if (rc == RS_OK) {
        stack[tabs] = idx;
        open = tabs + 1;
      }
    }
    if (rc) return rc;
  }
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== LIWC */

typedef struct liwc_code {
  unsigned long code;
  size_t cat;
  size_t line;
} liwc_code;

/* reads decimal digits at p[*i..e): returns the count read (0: none) */
static size_t read_digits(const char *p, size_t *i, size_t e, unsigned long *v) {
  size_t start = *i;
  *v = 0;
  while (*i < e && p[*i] >= '0' && p[*i] <= '9') {
    if (*v < 100000000ul) *v = *v * 10 + (unsigned long)(p[*i] - '0');
    else *v = 1000000000ul; /* too large: no legend has it */
    (*i)++;
  }
  return *i - start;
}

static const liwc_code *liwc_find(const liwc_code *codes, size_t n,
                                  unsigned long code) {
  size_t i;
  for (i = 0; i < n; i++)
    if (codes[i].code == code) return &codes[i];
  return NULL;
}

/* one legend line: [tabs] number ws name [tab ...] */
static int liwc_legend(reader *R, const line *L, liwc_code **codes, size_t *ncode,
                       size_t *capcode, size_t *stack, size_t *open) {
  size_t tabs = 0, i, nb, ne, idx, parent = RS_LEX_NONE;
  unsigned long code;
  const liwc_code *dup;
  const char *slash;
  int rc;
  while (tabs < L->len && L->p[tabs] == '\t') tabs++;
  i = tabs;
  while (i < L->len && is_ws((unsigned char)L->p[i])) i++;
  if (!read_digits(L->p, &i, L->len, &code))
    return set_err(R, L->no, lcol(R, L, i), "expected a category number in the LIWC legend");
  if (code >= 1000000000ul)
    return set_err(R, L->no, lcol(R, L, tabs), "category number too large");
  if (i < L->len && !is_ws((unsigned char)L->p[i]))
    return set_err(R, L->no, lcol(R, L, i), "expected a tab after the category number");
  nb = i;
  while (nb < L->len && is_ws((unsigned char)L->p[nb])) nb++;
  for (ne = nb; ne < L->len && L->p[ne] != '\t'; ne++) {}
  trim(L->p, &nb, &ne);
  if (nb == ne)
    return set_err(R, L->no, lcol(R, L, i), "missing category name after %lu", code);
  if ((dup = liwc_find(*codes, *ncode, code)) != NULL)
    return set_err(R, L->no, lcol(R, L, tabs), "category number %lu already defined at line %lu",
                   code, (unsigned long)dup->line);
  slash = NULL;
  for (i = ne; i > nb; i--)
    if (L->p[i - 1] == '/') {
      slash = L->p + i - 1;
      break;
    }
  if (slash) { /* parent/child: the parent is a category defined above */
    size_t plen = (size_t)(slash - (L->p + nb)), k;
    R->tmp.n = 0;
    if (rs_buf_add(R->M, &R->tmp, L->p + nb, plen)) return RS_ENOMEM;
    for (k = 0; k < plen; k++)
      if (R->tmp.p[k] == '/') R->tmp.p[k] = '.';
    parent = plen ? find_cat(R, R->tmp.p, plen) : RS_LEX_NONE;
    if (parent == RS_LEX_NONE)
      return set_err(R, L->no, lcol(R, L, nb), "unknown parent category '%.*s'",
                     clip(L->p + nb, plen, 200), L->p + nb);
    nb += plen + 1;
    tabs = (size_t)R->lex->cats[parent].depth + 1;
  } else if (tabs > 0) { /* tab-indented under the category above */
    if (tabs > *open)
      return set_err(R, L->no, lcol(R, L, tabs),
                     "category indented too deep (no category one tab less before it)");
    parent = stack[tabs - 1];
  }
  if (tabs >= RS_LEX_MAX_DEPTH)
    return set_err(R, L->no, lcol(R, L, nb),
                   "categories nested too deeply (more than %d levels)", RS_LEX_MAX_DEPTH);
  rc = add_cat(R, parent, L->p + nb, ne - nb, L->no, lcol(R, L, nb), 1, &idx);
  if (rc) return rc;
  stack[tabs] = idx;
  *open = tabs + 1;
  if (rs_grow(R->M, (void **)codes, capcode, *ncode + 1, sizeof **codes))
    return RS_ENOMEM;
  (*codes)[*ncode].code = code;
  (*codes)[*ncode].cat = idx;
  (*codes)[*ncode].line = L->no;
  (*ncode)++;
  return RS_OK;
}

/* does a category-code field start at p[i]? */
static int liwc_codechar(int c) { return (c >= '0' && c <= '9') || c == '(' || c == '<'; }

/* one entry line: term, then codes (tab-separated, or space-separated
** when the line has no tab); conditional codes "(a b)X/Y" and "<w>X/Y" are
** read as Y */
static int liwc_entry(reader *R, const line *L, const liwc_code *codes, size_t ncode) {
  size_t b = 0, e = L->len, te, i, found = 0;
  const char *tab;
  int rc;
  trim(L->p, &b, &e);
  tab = (const char *)memchr(L->p + b, '\t', e - b);
  if (tab) {
    te = (size_t)(tab - L->p);
  } else { /* the term runs until the first field that looks like a code */
    i = b;
    while (i < e && !is_ws((unsigned char)L->p[i])) i++; /* the first word */
    te = e;
    while (i < e) {
      size_t ws = i;
      while (i < e && is_ws((unsigned char)L->p[i])) i++;
      if (i < e && liwc_codechar((unsigned char)L->p[i])) {
        te = ws;
        break;
      }
      while (i < e && !is_ws((unsigned char)L->p[i])) i++;
    }
  }
  i = te;
  {
    size_t tb = b;
    trim(L->p, &tb, &te);
  }
  while (i < e) {
    size_t cstart;
    unsigned long code, alt;
    int cond = 0, has_alt = 0;
    const liwc_code *c;
    while (i < e && is_ws((unsigned char)L->p[i])) i++;
    if (i >= e) break;
    cstart = i;
    if (L->p[i] == '(' || L->p[i] == '<') {
      char close = L->p[i] == '(' ? ')' : '>';
      const char *q = (const char *)memchr(L->p + i, close, e - i);
      if (!q)
        return set_err(R, L->no, lcol(R, L, i), "unclosed '%c' in category codes", L->p[i]);
      i = (size_t)(q - L->p) + 1;
      cond = 1;
    }
    if (!read_digits(L->p, &i, e, &code))
      return set_err(R, L->no, lcol(R, L, i), "expected a category number");
    if (cond && i < e && L->p[i] == '/') {
      i++;
      if (!read_digits(L->p, &i, e, &alt))
        return set_err(R, L->no, lcol(R, L, i), "expected a category number after '/'");
      has_alt = 1;
    }
    if (i < e && !is_ws((unsigned char)L->p[i]))
      return set_err(R, L->no, lcol(R, L, i), "expected a category number");
    found++;
    if (cond) {
      if (has_alt) {
        rc = add_warn(R, L->no, lcol(R, L, cstart),
                      "conditional code '%.*s' read as %lu",
                      clip(L->p + cstart, i - cstart, 100), L->p + cstart, alt);
        code = alt;
      } else {
        rc = add_warn(R, L->no, lcol(R, L, cstart), "conditional code '%.*s' ignored",
                      clip(L->p + cstart, i - cstart, 100), L->p + cstart);
      }
      if (rc) return rc;
      if (!has_alt) continue;
    }
    c = liwc_find(codes, ncode, code);
    if (!c) {
      rc = add_warn(R, L->no, lcol(R, L, cstart),
                    "code %lu is not in the category legend; ignored", code);
    } else {
      rc = add_entry(R, L->p + b, te - b, c->cat, 1.0, 0, 0, L->no, lcol(R, L, b));
    }
    if (rc) return rc;
  }
  if (!found)
    return add_warn(R, L->no, lcol(R, L, b), "term '%.*s' has no category codes; ignored",
                    clip(L->p + b, te - b, 100), L->p + b);
  return RS_OK;
}

static int read_liwc(reader *R) {
  size_t pos = 0, no = 0, ncode = 0, capcode = 0, open = 0, first_pct = 0;
  size_t stack[RS_LEX_MAX_DEPTH];
  liwc_code *codes = NULL;
  int state = 0, rc = RS_OK;
  line L;
  while (rc == RS_OK && next_line(R, &pos, &no, &L)) {
    size_t b = 0, e = L.len;
    trim(L.p, &b, &e);
    if (b == e) continue;
    if (e - b == 1 && L.p[b] == '%') {
      if (state == 0) {
        state = 1;
        first_pct = L.no;
      } else if (state == 1) {
        state = 2;
      } else {
        rc = set_err(R, L.no, lcol(R, &L, b), "unexpected '%%' after the category legend");
      }
      continue;
    }
    if (state == 0)
      rc = set_err(R, L.no, lcol(R, &L, b),
                   "expected a '%%' line: a LIWC dictionary starts with its category legend");
    else if (state == 1)
      rc = liwc_legend(R, &L, &codes, &ncode, &capcode, stack, &open);
    else
      rc = liwc_entry(R, &L, codes, ncode);
  }
  if (rc == RS_OK && state == 0)
    rc = set_err(R, 1, 1, "no '%%' line: a LIWC dictionary starts with its category legend");
  else if (rc == RS_OK && state == 1)
    rc = set_err(R, first_pct, 1, "category legend not closed by a '%%' line");
  rs_free(R->M, codes, capcode * sizeof *codes);
  return rc;
}

/* }====================================================== */

/* {====================================================== YAML */

enum { F_ROOT, F_CATMAP, F_CATSEQ, F_ITEMMAP, F_EXCL, F_RULE };

typedef struct yframe {
  int kind;
  size_t cat;     /* the category it belongs to (RS_LEX_NONE at the root) */
  char *key;      /* mappings: the key awaiting its value, or NULL */
  size_t keylen, kline, kcol;
} yframe;

typedef struct yreader {
  reader *R;
  yframe stack[2 * RS_LEX_MAX_DEPTH + 4];
  int depth;
  int docs;
  int root_seen;
} yreader;

static void y_pos(yreader *Y, const yaml_mark_t *m, size_t *line, size_t *col) {
  cur_advance(Y->R, m->index, 0);
  *line = Y->R->cline;
  *col = Y->R->ccol;
}

static int y_err(yreader *Y, const yaml_mark_t *m, const char *fmt, ...) {
  size_t line, col;
  va_list ap;
  y_pos(Y, m, &line, &col);
  va_start(ap, fmt);
  vset_err(Y->R, line, col, fmt, ap);
  va_end(ap);
  return RS_EPARSE;
}

/* the error of a failed yaml_parser_parse */
static int y_parse_err(yreader *Y, const yaml_parser_t *y) {
  reader *R = Y->R;
  const char *problem = y->problem ? y->problem : "malformed YAML";
  size_t line, col;
  if (y->error == YAML_MEMORY_ERROR) return RS_ENOMEM;
  if (y->error == YAML_READER_ERROR) {
    cur_advance(R, y->problem_offset, 1);
    if (y->problem_value >= 0)
      return set_err(R, R->cline, R->ccol, "%s (byte 0x%02X)", problem,
                     (unsigned)y->problem_value & 0xFFu);
    return set_err(R, R->cline, R->ccol, "%s", problem);
  }
  if (y->context) {
    size_t cl, cc;
    cur_advance(R, y->context_mark.index, 0);
    cl = R->cline;
    cc = R->ccol;
    cur_advance(R, y->problem_mark.index, 0);
    return set_err(R, R->cline, R->ccol, "%s (%s at %lu:%lu)", problem, y->context,
                   (unsigned long)cl, (unsigned long)cc);
  }
  y_pos(Y, &y->problem_mark, &line, &col);
  return set_err(R, line, col, "%s", problem);
}

static int str_is(const char *s, size_t n, const char *lit) {
  return n == strlen(lit) && memcmp(s, lit, n) == 0;
}

static int is_plain(const yaml_event_t *ev) {
  return ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && ev->data.scalar.plain_implicit;
}

/* a plain null: "", ~, null, Null, NULL */
static int is_null(const yaml_event_t *ev) {
  const char *s = (const char *)ev->data.scalar.value;
  size_t n = ev->data.scalar.length;
  if (!is_plain(ev)) return 0;
  return n == 0 || str_is(s, n, "~") || str_is(s, n, "null") || str_is(s, n, "Null") ||
         str_is(s, n, "NULL");
}

/* a plain scalar that YAML reads as a number but rostra cannot use as a
** weight: .inf, .nan, hex, octal */
static int is_odd_number(const yaml_event_t *ev) {
  const char *s = (const char *)ev->data.scalar.value;
  size_t n = ev->data.scalar.length, i = 0;
  if (!is_plain(ev) || n == 0) return 0;
  if (s[0] == '+' || s[0] == '-') i = 1;
  if (str_is(s + i, n - i, ".inf") || str_is(s + i, n - i, ".Inf") ||
      str_is(s + i, n - i, ".INF") || str_is(s, n, ".nan") || str_is(s, n, ".NaN") ||
      str_is(s, n, ".NAN"))
    return 1;
  if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    for (i = 2; i < n; i++) {
      int c = (unsigned char)s[i];
      if (!((c >= '0' && c <= '9') || (s[1] == 'x' && ((c >= 'a' && c <= 'f') ||
                                                       (c >= 'A' && c <= 'F')))))
        return 0;
    }
    return 1;
  }
  return 0;
}

static int y_push(yreader *Y, int kind, size_t cat, const yaml_mark_t *m) {
  yframe *f;
  if (Y->depth >= (int)(sizeof Y->stack / sizeof Y->stack[0]))
    return y_err(Y, m, "lexicon nested too deeply");
  f = &Y->stack[Y->depth++];
  f->kind = kind;
  f->cat = cat;
  f->key = NULL;
  f->keylen = f->kline = f->kcol = 0;
  return RS_OK;
}

static void y_dropkey(yreader *Y, yframe *f) {
  if (f->key) rs_free(Y->R->M, f->key, f->keylen + 1);
  f->key = NULL;
  f->keylen = 0;
}

/* a scalar pattern (or exclusion) of category cat */
static int y_pattern(yreader *Y, const yaml_event_t *ev, size_t cat, int excl) {
  size_t line, col;
  y_pos(Y, &ev->start_mark, &line, &col);
  if (is_null(ev)) return set_err(Y->R, line, col, "empty pattern");
  return add_entry(Y->R, (const char *)ev->data.scalar.value, ev->data.scalar.length, cat,
                   1.0, excl, 0, line, col);
}

/* the value of the pending key of mapping frame f */
static int y_value(yreader *Y, yframe *f, const yaml_event_t *ev) {
  reader *R = Y->R;
  const char *key = f->key;
  size_t klen = f->keylen, line = f->kline, col = f->kcol, cat;
  int in_cat = f->kind != F_ROOT, rc;
  if (str_is(key, klen, "_rule")) {
    if (ev->type == YAML_MAPPING_START_EVENT) return y_push(Y, F_RULE, f->cat, &ev->start_mark);
    if (ev->type == YAML_SCALAR_EVENT && is_null(ev)) return RS_OK;
    return y_err(Y, &ev->start_mark,
                 "_rule: must be a mapping such as {min_count: 2} (keys: min_count, min_share, "
                 "min_score, min_dominance)");
  }
  if (str_is(key, klen, "exclude")) {
    size_t xcat = f->cat; /* RS_LEX_NONE at the root: every category */
    if (ev->type == YAML_SEQUENCE_START_EVENT) return y_push(Y, F_EXCL, xcat, &ev->start_mark);
    if (ev->type == YAML_SCALAR_EVENT) return is_null(ev) ? RS_OK : y_pattern(Y, ev, xcat, 1);
    return y_err(Y, &ev->start_mark, "exclude: must be a list of patterns");
  }
  if (in_cat && ev->type == YAML_SCALAR_EVENT && is_plain(ev)) {
    double w;
    const char *v = (const char *)ev->data.scalar.value;
    size_t vn = ev->data.scalar.length;
    if (parse_number(v, vn, &w))
      return add_entry(R, key, klen, f->cat, w, 0, 0, line, col);
    if (is_odd_number(ev))
      return y_err(Y, &ev->start_mark,
                   "weight of '%.*s' must be a finite decimal number",
                   clip(key, klen, 200), key);
  }
  rc = add_cat(R, f->cat, key, klen, line, col, 0, &cat);
  if (rc) return rc;
  switch (ev->type) {
    case YAML_SEQUENCE_START_EVENT: return y_push(Y, F_CATSEQ, cat, &ev->start_mark);
    case YAML_MAPPING_START_EVENT: return y_push(Y, F_CATMAP, cat, &ev->start_mark);
    default: return is_null(ev) ? RS_OK : y_pattern(Y, ev, cat, 0);
  }
}

/* the value of key f->key of a _rule mapping: a bound of the decision rule
** of category f->cat (RS_LEX_NONE: the lexicon's default) */
static int y_rule(yreader *Y, yframe *f, const yaml_event_t *ev) {
  reader *R = Y->R;
  rs_lexicon *lex = R->lex;
  rs_lexrule *r;
  const char *key = f->key;
  size_t klen = f->keylen, i;
  int k;
  double v;
  if (str_is(key, klen, "min_count")) k = RS_RULE_MIN_COUNT;
  else if (str_is(key, klen, "min_share")) k = RS_RULE_MIN_SHARE;
  else if (str_is(key, klen, "min_score")) k = RS_RULE_MIN_SCORE;
  else if (str_is(key, klen, "min_dominance")) k = RS_RULE_MIN_DOMINANCE;
  else
    return set_err(R, f->kline, f->kcol,
                   "unknown key '%.*s' in _rule (valid: min_count, min_share, min_score, "
                   "min_dominance)",
                   clip(key, klen, 200), key);
  if (ev->type != YAML_SCALAR_EVENT || !is_plain(ev) ||
      !parse_number((const char *)ev->data.scalar.value, ev->data.scalar.length, &v))
    return y_err(Y, &ev->start_mark, "_rule: %.*s must be a number", (int)klen, key);
  if (k == RS_RULE_MIN_COUNT && (v < 1 || v != floor(v) || v > 1e9))
    return y_err(Y, &ev->start_mark, "_rule: min_count must be a whole number >= 1");
  if (k == RS_RULE_MIN_SHARE && !(v >= 0 && v <= 1))
    return y_err(Y, &ev->start_mark, "_rule: min_share must be a number from 0 to 1");
  if (k == RS_RULE_MIN_DOMINANCE && !(v >= 0 && v <= 1))
    return y_err(Y, &ev->start_mark, "_rule: min_dominance must be a number from 0 to 1");
  for (i = 0; i < lex->nrule; i++)
    if (lex->rules[i].cat == f->cat && lex->rules[i].key == k)
      return set_err(R, f->kline, f->kcol, "_rule: %.*s given twice (first at line %lu)",
                     (int)klen, key, (unsigned long)lex->rules[i].line);
  if (rs_grow(R->M, (void **)&lex->rules, &lex->caprule, lex->nrule + 1, sizeof *lex->rules))
    return RS_ENOMEM;
  r = &lex->rules[lex->nrule++];
  r->cat = f->cat;
  r->key = k;
  r->value = v;
  r->line = f->kline;
  r->col = f->kcol;
  return RS_OK;
}

static int y_event(yreader *Y, const yaml_event_t *ev) {
  yframe *f = Y->depth ? &Y->stack[Y->depth - 1] : NULL;
  int rc;
  switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
      if (Y->docs++ > 0)
        return y_err(Y, &ev->start_mark, "a lexicon must be a single YAML document");
      return RS_OK;
    case YAML_ALIAS_EVENT:
      return y_err(Y, &ev->start_mark, "aliases (*%.64s) are not supported in a lexicon",
                   (const char *)ev->data.alias.anchor);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      if (f) {
        y_dropkey(Y, f);
        Y->depth--;
      }
      return RS_OK;
    case YAML_SCALAR_EVENT:
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
      break;
    default:
      return RS_OK;
  }
  if (!f) { /* the document's root node */
    Y->root_seen = 1;
    if (ev->type == YAML_MAPPING_START_EVENT)
      return y_push(Y, F_ROOT, RS_LEX_NONE, &ev->start_mark);
    if (ev->type == YAML_SCALAR_EVENT && is_null(ev)) return RS_OK;
    return y_err(Y, &ev->start_mark,
                 "a lexicon must be a mapping of categories to patterns");
  }
  switch (f->kind) {
    case F_ROOT:
    case F_CATMAP:
    case F_ITEMMAP:
      if (!f->key) { /* a key */
        size_t n;
        const char *s;
        if (ev->type != YAML_SCALAR_EVENT)
          return y_err(Y, &ev->start_mark, "keys must be category names or patterns");
        s = (const char *)ev->data.scalar.value;
        n = ev->data.scalar.length;
        y_pos(Y, &ev->start_mark, &f->kline, &f->kcol);
        if (is_null(ev))
          return set_err(Y->R, f->kline, f->kcol, "empty category name");
        if (!(f->key = rs_strndup(Y->R->M, s, n))) return RS_ENOMEM;
        f->keylen = n;
        return RS_OK;
      }
      rc = y_value(Y, f, ev);
      /* y_value may have pushed a frame: f still points at this one */
      y_dropkey(Y, f);
      return rc;
    case F_RULE:
      if (!f->key) {
        if (ev->type != YAML_SCALAR_EVENT)
          return y_err(Y, &ev->start_mark, "_rule: keys must be min_count, min_share, min_score or "
                                            "min_dominance");
        y_pos(Y, &ev->start_mark, &f->kline, &f->kcol);
        if (!(f->key = rs_strndup(Y->R->M, (const char *)ev->data.scalar.value,
                                  ev->data.scalar.length)))
          return RS_ENOMEM;
        f->keylen = ev->data.scalar.length;
        return RS_OK;
      }
      rc = y_rule(Y, f, ev);
      y_dropkey(Y, f);
      return rc;
    case F_CATSEQ:
      if (ev->type == YAML_SCALAR_EVENT) return y_pattern(Y, ev, f->cat, 0);
      if (ev->type == YAML_MAPPING_START_EVENT)
        return y_push(Y, F_ITEMMAP, f->cat, &ev->start_mark);
      return y_err(Y, &ev->start_mark,
                   "a list inside a list of patterns (write sub-categories as a mapping)");
    default: /* F_EXCL */
      if (ev->type == YAML_SCALAR_EVENT) return y_pattern(Y, ev, f->cat, 1);
      return y_err(Y, &ev->start_mark, "exclude: must be a list of patterns");
  }
}

static int read_yaml(reader *R) {
  yaml_parser_t y;
  yaml_event_t ev;
  yreader Y;
  int rc = RS_OK, done = 0;
  memset(&Y, 0, sizeof Y);
  Y.R = R;
  cur_reset(R);
  if (!yaml_parser_initialize(&y)) return RS_ENOMEM;
  /* libyaml keeps this pointer: the text outlives the parser */
  yaml_parser_set_input_string(&y, (const unsigned char *)R->s, R->n);
  yaml_parser_set_encoding(&y, YAML_UTF8_ENCODING);
  while (!done) {
    if (!yaml_parser_parse(&y, &ev)) {
      rc = y_parse_err(&Y, &y);
      break;
    }
    rc = y_event(&Y, &ev);
    done = ev.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&ev);
    if (rc != RS_OK) break;
  }
  yaml_parser_delete(&y);
  while (Y.depth > 0) y_dropkey(&Y, &Y.stack[--Y.depth]);
  return rc;
}

/* }====================================================== */

/* {====================================================== API */

const char *rs_lexicon_format_name(int format) {
  switch (format) {
    case RS_LEX_YAML: return "yaml";
    case RS_LEX_LIWC: return "liwc";
    case RS_LEX_WORDSTAT: return "wordstat";
    case RS_LEX_LEXICODER: return "lexicoder";
    default: return NULL;
  }
}

void rs_lexicon_free(rs_mem *M, rs_lexicon *lex) {
  size_t i;
  for (i = 0; i < lex->ncat; i++)
    rs_free(M, (void *)lex->cats[i].name, lex->cats[i].namelen + 1);
  for (i = 0; i < lex->nentry; i++)
    rs_free(M, (void *)lex->entries[i].pattern, lex->entries[i].len + 1);
  for (i = 0; i < lex->nwarn; i++)
    rs_free(M, (void *)lex->warns[i].msg, strlen(lex->warns[i].msg) + 1);
  rs_free(M, lex->cats, lex->capcat * sizeof *lex->cats);
  rs_free(M, lex->entries, lex->capentry * sizeof *lex->entries);
  rs_free(M, lex->warns, lex->capwarn * sizeof *lex->warns);
  rs_free(M, lex->rules, lex->caprule * sizeof *lex->rules);
  lex->rules = NULL;
  lex->nrule = lex->caprule = 0;
  lex->cats = NULL;
  lex->entries = NULL;
  lex->warns = NULL;
  lex->ncat = lex->nentry = lex->nwarn = 0;
  lex->capcat = lex->capentry = lex->capwarn = 0;
}

/* warns about every category with no pattern in it or below it */
static int warn_empty(reader *R) {
  rs_lexicon *lex = R->lex;
  size_t *count, i;
  int rc = RS_OK;
  if (lex->ncat == 0) return add_warn(R, 1, 1, "the lexicon has no categories");
  count = (size_t *)rs_malloc(R->M, lex->ncat * sizeof *count);
  if (!count) return RS_ENOMEM;
  memset(count, 0, lex->ncat * sizeof *count);
  for (i = 0; i < lex->nentry; i++)
    if (!lex->entries[i].exclude && lex->entries[i].cat != RS_LEX_NONE)
      count[lex->entries[i].cat]++;
  for (i = lex->ncat; i-- > 0;) /* a parent comes before its children */
    if (lex->cats[i].parent != RS_LEX_NONE) count[lex->cats[i].parent] += count[i];
  for (i = 0; i < lex->ncat && rc == RS_OK; i++)
    if (count[i] == 0)
      rc = add_warn(R, lex->cats[i].line, lex->cats[i].col, "category '%s' has no patterns",
                    lex->cats[i].name);
  rs_free(R->M, count, lex->ncat * sizeof *count);
  return rc;
}

/* the offset of the first invalid UTF-8 byte of s[0..n), or n */
static size_t bad_utf8(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    int32_t cp;
    if (u[i] < 0x80) {
      i++;
      continue;
    }
    i += (size_t)rs_utf8_decode(u + i, n - i, &cp);
    if (cp < 0) return i - 1;
  }
  return n;
}

int rs_lexicon_read(rs_mem *M, const char *text, size_t n, int format,
                    rs_lexicon *out) {
  reader R;
  const char *nul;
  size_t bad;
  int rc;
  memset(out, 0, sizeof *out);
  if (!rs_lexicon_format_name(format)) {
    snprintf(out->err_msg, sizeof out->err_msg, "unknown lexicon format %d", format);
    return RS_EINVAL;
  }
  if (text == NULL) n = 0;
  if (n > RS_MAX_TEXT) {
    snprintf(out->err_msg, sizeof out->err_msg, "lexicon larger than %lu bytes",
             (unsigned long)RS_MAX_TEXT);
    return RS_ELIMIT;
  }
  memset(&R, 0, sizeof R);
  R.M = M;
  R.lex = out;
  R.s = text ? text : "";
  R.n = n;
  rs_buf_init(&R.tmp);
  if (R.n >= 3 && memcmp(R.s, "\xEF\xBB\xBF", 3) == 0) {
    R.s += 3;
    R.n -= 3;
  }
  cur_reset(&R);
  if ((nul = (const char *)memchr(R.s, '\0', R.n)) != NULL) {
    cur_advance(&R, (size_t)(nul - R.s), 1);
    set_err(&R, R.cline, R.ccol, "NUL byte: binary data where a lexicon was expected");
    rc = RS_ENOTTEXT;
  } else if ((bad = bad_utf8(R.s, R.n)) < R.n) {
    cur_advance(&R, bad, 1);
    rc = set_err(&R, R.cline, R.ccol, "invalid UTF-8 (byte 0x%02X): the lexicon must be UTF-8",
                 (unsigned)(unsigned char)R.s[bad]);
  } else {
    switch (format) {
      case RS_LEX_YAML: rc = read_yaml(&R); break;
      case RS_LEX_LIWC: rc = read_liwc(&R); break;
      case RS_LEX_WORDSTAT: rc = read_wordstat(&R); break;
      default: rc = read_lexicoder(&R); break;
    }
    if (rc == RS_OK) rc = warn_empty(&R);
  }
  rs_buf_free(M, &R.tmp);
  rs_free(M, R.eslot, R.ecap * sizeof *R.eslot);
  rs_free(M, R.cslot, R.ccap * sizeof *R.cslot);
  if (rc != RS_OK) {
    rs_lexicon_free(M, out); /* keeps err_line, err_col, err_msg */
    if (rc == RS_ENOMEM) {
      out->err_line = out->err_col = 0;
      out->err_msg[0] = '\0';
    }
  }
  return rc;
}

/* }====================================================== */
