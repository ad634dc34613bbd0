/*
** speech.c: the transcript parser engine. Raw text -> header metadata,
** boilerplate lines, segments (salutation, paragraph, closing, heading),
** enumerated points, sentences and quotations.
**
** Phases, each one linear in the text:
**   1. scan: lines -> "pieces" (non-blank lines, also cut at runs of
**      ideographic spaces), warnings for bad bytes;
**   2. header: classify pieces from the top until the first one that is
**      speech (breadcrumb, title, byline, dateline, speaker);
**   3. units: join body pieces into paragraphs by the file's convention;
**   4. kinds: salutation, closing (trailing run), heading, paragraph;
**   5. points: paragraph-initial ordinal markers that form a sequence;
**   6. sentences (tokenizer splitter, in bounded chunks) and quotations.
** No mutable globals; every allocation through rs_mem.
*/
#include <stdlib.h>
#include <string.h>

#include "speech.h"
#include "utf8.h"

typedef unsigned char uchar;

/* {====================================================== names */

const char *rs_seg_kindname(int kind) {
  switch (kind) {
    case RS_SEG_SALUTATION: return "salutation";
    case RS_SEG_PARAGRAPH: return "paragraph";
    case RS_SEG_CLOSING: return "closing";
    case RS_SEG_HEADING: return "heading";
    default: return "?";
  }
}

const char *rs_bp_name(int why) {
  switch (why) {
    case RS_BP_BREADCRUMB: return "breadcrumb";
    case RS_BP_TITLE: return "title";
    case RS_BP_BYLINE: return "byline";
    case RS_BP_DATELINE: return "dateline";
    case RS_BP_SPEAKER: return "speaker";
    case RS_BP_FRONT: return "front_matter";
    default: return "?";
  }
}

const char *rs_meta_name(int key) {
  static const char *const names[RS_META_N] = {"title", "speaker", "role", "date",
                                               "place", "source", "lang"};
  return key >= 0 && key < RS_META_N ? names[key] : "?";
}

const char *rs_warn_message(int code) {
  switch (code) {
    case RS_WARN_UTF8: return "invalid UTF-8";
    case RS_WARN_NUL: return "NUL bytes";
    case RS_WARN_CTRL: return "control characters";
    default: return "?";
  }
}

/* }====================================================== */

/* {====================================================== UTF-8 helpers */

#define IS_ASCII_UPPER(c) ((c) >= 'A' && (c) <= 'Z')
#define IS_ASCII_LOWER(c) ((c) >= 'a' && (c) <= 'z')
#define IS_ASCII_ALPHA(c) (IS_ASCII_UPPER(c) || IS_ASCII_LOWER(c))
#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define LOWER(c) (IS_ASCII_UPPER(c) ? (c) + 32 : (c))

/* code point at s[i] (i < n); returns its length */
static int cp_at(const uchar *s, size_t n, size_t i, int32_t *cp) {
  if (s[i] < 0x80) {
    *cp = s[i];
    return 1;
  }
  return rs_u8_decode(s + i, n - i, cp);
}

/* the code point that ends at i (lo <= start): returns its length, 0 at lo */
static int cp_before(const uchar *s, size_t lo, size_t i, int32_t *cp) {
  size_t j;
  if (i <= lo) {
    *cp = -2;
    return 0;
  }
  j = i - 1;
  if (s[j] < 0x80) {
    *cp = s[j];
    return 1;
  }
  while (j > lo && (s[j] & 0xC0) == 0x80 && i - j < 4) j--;
  if (rs_utf8_decode(s + j, i - j, cp) != (int)(i - j)) {
    *cp = -1;
    return 1;
  }
  return (int)(i - j);
}

static int is_sp_cp(int32_t cp) { return cp >= 0 && rs_u8_space(cp); }

/* forward over white space (line breaks included) */
static size_t skip_ws(const uchar *s, size_t i, size_t b) {
  while (i < b) {
    int32_t cp;
    int l = cp_at(s, b, i, &cp);
    if (!is_sp_cp(cp)) break;
    i += (size_t)l;
  }
  return i;
}

/* backward over white space: the end of the content before i */
static size_t back_ws(const uchar *s, size_t lo, size_t i) {
  while (i > lo) {
    int32_t cp;
    int l = cp_before(s, lo, i, &cp);
    if (!is_sp_cp(cp)) break;
    i -= (size_t)l;
  }
  return i;
}

/* a letter (approximation good enough for quote and word boundaries) */
static int is_letter_cp(int32_t cp) {
  if (cp < 0) return 0;
  if (cp < 0x80) return IS_ASCII_ALPHA(cp) || IS_DIGIT(cp);
  if (cp < 0xC0) return 0; /* Latin-1 punctuation and symbols */
  if (cp == 0xD7 || cp == 0xF7) return 0;
  if (cp >= 0x2000 && cp <= 0x2BFF) return 0; /* punctuation, symbols */
  if (cp >= 0x3000 && cp <= 0x303F) return 0; /* CJK punctuation */
  if (cp >= 0xFE30 && cp <= 0xFE4F) return 0;
  if (cp >= 0xFF00 && cp <= 0xFF0F) return 0;
  if (cp >= 0xFF1A && cp <= 0xFF20) return 0;
  if (cp == 0xFEFF) return 0;
  return !rs_is_space(cp);
}

static int is_upper_start(const uchar *s, size_t i, size_t b) {
  int32_t cp;
  if (i >= b) return 0;
  cp_at(s, b, i, &cp);
  if (cp < 0x80) return IS_ASCII_UPPER(cp);
  /* Latin-1 and Latin Extended-A upper case letters */
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return 1;
  if (cp >= 0x100 && cp <= 0x17F) return (cp & 1) == 0;
  return 0;
}

static int is_han(int32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0xF900 && cp <= 0xFAFF);
}

/* }====================================================== */

/* {====================================================== span helpers */

/* s[a..b) starts with lit, ASCII case-insensitively (lit in lower case),
** and a non-letter follows unless lit ends with a non-letter */
static int ci_word(const uchar *s, size_t a, size_t b, const char *lit) {
  size_t k, len = strlen(lit);
  if (b - a < len) return 0;
  for (k = 0; k < len; k++)
    if (LOWER(s[a + k]) != (uchar)lit[k]) return 0;
  if (a + len < b && IS_ASCII_ALPHA((uchar)lit[len - 1])) {
    int32_t cp;
    cp_at(s, b, a + len, &cp);
    if (is_letter_cp(cp)) return 0;
  }
  return 1;
}

static int has_prefix(const uchar *s, size_t a, size_t b, const char *lit) {
  size_t len = strlen(lit);
  return b - a >= len && memcmp(s + a, lit, len) == 0;
}

static int has_suffix(const uchar *s, size_t a, size_t b, const char *lit) {
  size_t len = strlen(lit);
  return b - a >= len && memcmp(s + b - len, lit, len) == 0;
}

/* ASCII case-insensitive search of lit (lower case) in s[a..b) */
static int ci_contains(const uchar *s, size_t a, size_t b, const char *lit) {
  size_t len = strlen(lit), i, k;
  if (b - a < len) return 0;
  for (i = a; i + len <= b; i++) {
    for (k = 0; k < len; k++)
      if (LOWER(s[i + k]) != (uchar)lit[k]) break;
    if (k == len) return 1;
  }
  return 0;
}

/* position of lit in s[a..b) or b */
static size_t find_lit(const uchar *s, size_t a, size_t b, const char *lit) {
  size_t len = strlen(lit), i;
  if (b - a < len) return b;
  for (i = a; i + len <= b; i++)
    if (s[i] == (uchar)lit[0] && memcmp(s + i, lit, len) == 0) return i;
  return b;
}

/* words (runs of non-space) in s[a..b), counting stops at limit */
static size_t count_words(const uchar *s, size_t a, size_t b, size_t limit) {
  size_t w = 0, i = a;
  int in = 0;
  while (i < b && w < limit) {
    int32_t cp;
    int l = cp_at(s, b, i, &cp);
    if (is_sp_cp(cp)) in = 0;
    else if (!in) {
      in = 1;
      w++;
    }
    i += (size_t)l;
  }
  return w;
}

/* the last code point of s[a..b) */
static int32_t last_cp(const uchar *s, size_t a, size_t b) {
  int32_t cp;
  if (cp_before(s, a, b, &cp) == 0) return -2;
  return cp;
}

static int is_final_punct(int32_t cp) {
  return cp == '.' || cp == '!' || cp == '?' || cp == 0x3002 || cp == 0xFF01 ||
         cp == 0xFF1F || cp == 0x2026;
}

/* does s[a..b) end a sentence (. ! ? possibly followed by quotes/brackets) */
static int ends_final(const uchar *s, size_t a, size_t b) {
  int guard = 0;
  while (b > a && guard++ < 4) {
    int32_t cp;
    int l = cp_before(s, a, b, &cp);
    if (cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == 0x201D ||
        cp == 0x2019 || cp == 0xBB || cp == 0x300D || cp == 0x300F || cp == 0xFF09) {
      b -= (size_t)l;
      continue;
    }
    return is_final_punct(cp) || cp == ':' || cp == ';' || cp == 0xFF1A;
  }
  return 0;
}

/* skip list bullets and Markdown heading marks at a: "- ", "-", "• ", "# " */
static size_t skip_bullet(const uchar *s, size_t a, size_t b) {
  size_t i = a;
  if (i < b && (s[i] == '-' || s[i] == '*' || s[i] == '#')) {
    while (i < b && (s[i] == '-' || s[i] == '*' || s[i] == '#')) i++;
    if (i - a > 3) return a;
  } else if (has_prefix(s, i, b, "\xE2\x80\xA2") || has_prefix(s, i, b, "\xE2\x80\x93") ||
             has_prefix(s, i, b, "\xE2\x80\x94")) { /* • – — */
    i += 3;
  } else {
    return a;
  }
  return skip_ws(s, i, b);
}

/* }====================================================== */

/* {====================================================== internal types */

#define PF_BLANK 0x01 /* a blank line before it */
#define PF_IDEO 0x02  /* cut by a run of ideographic spaces */
#define PF_LINE 0x04  /* the first piece of its line */

typedef struct piece {
  uint32_t start, stop, line, indent;
  uint32_t lastline; /* line of its last byte (units spanning lines) */
  uint8_t flags;
} piece;

typedef struct pmark { /* a point marker candidate */
  uint32_t seg, mstart, mstop, hstart;
  int32_t ordinal;
  int family, accepted;
} pmark;

typedef struct ctx {
  rs_mem *M;
  const uchar *s;
  size_t n;
  unsigned opts;
  rs_speech *sp;
  piece *pieces;
  size_t npieces, cappieces;
  pmark *marks;
  size_t nmarks, capmarks;
  rs_token *toks;
  size_t ntoks, captoks;
  uint32_t *ends;
  size_t capends;
} ctx;

#define GROW(C, arr, n, cap) \
  (rs_grow((C)->M, (void **)&(arr), &(cap), (n) + 1, sizeof *(arr)) ? RS_ENOMEM : RS_OK)

/* }====================================================== */

/* {====================================================== phase 1: scan */

static int add_warning(ctx *C, int code, uint32_t line, size_t off) {
  rs_speech *sp = C->sp;
  size_t i;
  for (i = 0; i < sp->nwarnings; i++)
    if (sp->warnings[i].code == code) {
      sp->warnings[i].count++;
      return RS_OK;
    }
  if (GROW(C, sp->warnings, sp->nwarnings, sp->capwarnings)) return RS_ENOMEM;
  sp->warnings[sp->nwarnings].code = code;
  sp->warnings[sp->nwarnings].line = line;
  sp->warnings[sp->nwarnings].offset = (uint32_t)off;
  sp->warnings[sp->nwarnings].count = 1;
  sp->nwarnings++;
  return RS_OK;
}

static int add_piece(ctx *C, size_t a, size_t b, uint32_t line, uint32_t indent, uint8_t flags) {
  piece *p;
  if (GROW(C, C->pieces, C->npieces, C->cappieces)) return RS_ENOMEM;
  p = &C->pieces[C->npieces++];
  p->start = (uint32_t)a;
  p->stop = (uint32_t)b;
  p->line = p->lastline = line;
  p->indent = indent;
  p->flags = flags;
  return RS_OK;
}

#define NONE ((size_t)-1)

static int scan(ctx *C) {
  const uchar *s = C->s;
  size_t n = C->n, i = 0;
  uint32_t line = 1, indent = 0;
  size_t pstart = NONE, plast = 0;
  int ideo = 0, blank = 0, linefirst = 1, inlead = 1;
  while (i <= n) {
    int32_t cp;
    int l;
    if (i == n || s[i] == '\n' || s[i] == '\r') { /* end of a line */
      if (pstart != NONE) {
        if (add_piece(C, pstart, plast, line, indent,
                      (uint8_t)((blank ? PF_BLANK : 0) | (linefirst ? PF_LINE : 0) |
                                (!linefirst ? PF_IDEO : 0))))
          return RS_ENOMEM;
        blank = 0;
      } else {
        blank = 1;
      }
      if (i == n) break;
      if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') i++;
      i++;
      line++;
      pstart = NONE;
      ideo = 0;
      indent = 0;
      linefirst = 1;
      inlead = 1;
      continue;
    }
    if (s[i] > 0x20 && s[i] < 0x7F) { /* a run of printable ASCII: content */
      /* words and the spaces between them: spaces after content change
      ** nothing but where the content ends; eight bytes at a time while
      ** none is outside 0x20..0x7E (a byte below 0x20, 0x7F, or >= 0x80) */
      size_t j = i + 1, last;
      while (j + 8 <= n) {
        uint64_t x, y;
        memcpy(&x, s + j, 8);
        y = x ^ 0x7F7F7F7F7F7F7F7Full;
        if ((((x - 0x2020202020202020ull) & ~x) | x | ((y - 0x0101010101010101ull) & ~y)) &
            0x8080808080808080ull)
          break;
        j += 8;
      }
      while (j < n && s[j] >= 0x20 && s[j] < 0x7F) j++;
      last = j;
      while (s[last - 1] == ' ') last--; /* s[i] is not a space */
      inlead = 0;
      if (pstart == NONE) {
        pstart = i;
      } else if (ideo >= 2) {
        if (add_piece(C, pstart, plast, line, indent,
                      (uint8_t)((blank ? PF_BLANK : 0) | (linefirst ? PF_LINE : 0) |
                                (!linefirst ? PF_IDEO : 0))))
          return RS_ENOMEM;
        blank = 0;
        linefirst = 0;
        pstart = i;
      }
      ideo = 0;
      i = j;
      plast = last;
      continue;
    }
    if (s[i] < 0x80) {
      uchar c = s[i];
      l = 1;
      if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
        if (inlead) indent += c == '\t' ? 4 : 1;
        i++;
        continue;
      }
      if (c < 0x20 || c == 0x7F) {
        if (add_warning(C, c == 0 ? RS_WARN_NUL : RS_WARN_CTRL, line, i)) return RS_ENOMEM;
      }
      cp = c;
    } else {
      l = rs_u8_decode(s + i, n - i, &cp);
      if (cp < 0) {
        if (add_warning(C, RS_WARN_UTF8, line, i)) return RS_ENOMEM;
      } else if (rs_u8_space(cp)) {
        if (cp == 0x3000 || cp == 0x2003) {
          if (pstart != NONE) ideo++;
          else if (inlead) indent++;
        } else if (inlead && cp != 0xFEFF) {
          indent++;
        }
        i += (size_t)l;
        continue;
      }
    }
    /* content */
    inlead = 0;
    if (pstart == NONE) {
      pstart = i;
    } else if (ideo >= 2) { /* a paragraph cut inside the line */
      if (add_piece(C, pstart, plast, line, indent,
                    (uint8_t)((blank ? PF_BLANK : 0) | (linefirst ? PF_LINE : 0) |
                              (!linefirst ? PF_IDEO : 0))))
        return RS_ENOMEM;
      blank = 0;
      linefirst = 0;
      pstart = i;
    }
    ideo = 0;
    i += (size_t)l;
    plast = i;
  }
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== metadata helpers */

static int set_meta(ctx *C, int key, size_t a, size_t b, int overwrite) {
  rs_speech *sp = C->sp;
  char *d;
  size_t len;
  a = skip_ws(C->s, a, b);
  b = back_ws(C->s, a, b);
  if (a >= b) return RS_OK;
  if (sp->meta[key] && !overwrite) return RS_OK;
  d = rs_malloc(C->M, b - a + 1);
  if (!d) return RS_ENOMEM;
  len = rs_speech_text((const char *)C->s, (uint32_t)a, (uint32_t)b, d);
  d[len] = '\0';
  if (sp->meta[key]) rs_free(C->M, sp->meta[key], sp->meta_len[key] + 1);
  sp->meta[key] = d;
  sp->meta_len[key] = len;
  return RS_OK;
}

static int set_meta_str(ctx *C, int key, const char *str) {
  rs_speech *sp = C->sp;
  size_t len = strlen(str);
  if (sp->meta[key]) return RS_OK;
  sp->meta[key] = rs_strndup(C->M, str, len);
  if (!sp->meta[key]) return RS_ENOMEM;
  sp->meta_len[key] = len;
  return RS_OK;
}

static int add_boiler(ctx *C, const piece *p, int why) {
  rs_speech *sp = C->sp;
  rs_boiler *bp;
  if (GROW(C, sp->boiler, sp->nboiler, sp->capboiler)) return RS_ENOMEM;
  bp = &sp->boiler[sp->nboiler++];
  bp->line = p->line;
  bp->start = p->start;
  bp->stop = p->stop;
  bp->why = (uint8_t)why;
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== dates */

typedef struct date_t {
  int y, m, d;
  size_t start, stop;
} date_t;

static const struct {
  const char *name;
  int m;
} months[] = {
  {"january", 1}, {"february", 2}, {"march", 3}, {"april", 4}, {"may", 5},
  {"june", 6}, {"july", 7}, {"august", 8}, {"september", 9}, {"october", 10},
  {"november", 11}, {"december", 12}, {"sept", 9}, {"jan", 1}, {"feb", 2},
  {"mar", 3}, {"apr", 4}, {"jun", 6}, {"jul", 7}, {"aug", 8}, {"sep", 9},
  {"oct", 10}, {"nov", 11}, {"dec", 12},
  /* French */
  {"janvier", 1}, {"f\xc3\xa9vrier", 2}, {"fevrier", 2}, {"mars", 3}, {"avril", 4},
  {"mai", 5}, {"juin", 6}, {"juillet", 7}, {"ao\xc3\xbbt", 8}, {"aout", 8},
  {"septembre", 9}, {"octobre", 10}, {"novembre", 11}, {"d\xc3\xa9" "cembre", 12},
  {"decembre", 12},
  /* Spanish */
  {"enero", 1}, {"febrero", 2}, {"marzo", 3}, {"abril", 4}, {"mayo", 5},
  {"junio", 6}, {"julio", 7}, {"agosto", 8}, {"septiembre", 9}, {"setiembre", 9},
  {"octubre", 10}, {"noviembre", 11}, {"diciembre", 12},
  {NULL, 0}
};

/* a month name at i: returns its month and sets *e past it (and a '.') */
static int month_at(const uchar *s, size_t i, size_t b, size_t *e) {
  int k, best = 0;
  size_t bestlen = 0;
  uchar c0;
  if (i >= b) return 0;
  c0 = (uchar)LOWER(s[i]); /* the first letter rules out most names */
  for (k = 0; months[k].name; k++) {
    size_t len;
    if ((uchar)months[k].name[0] != c0) continue;
    len = strlen(months[k].name);
    if (len > bestlen && ci_word(s, i, b, months[k].name)) {
      best = months[k].m;
      bestlen = len;
    }
  }
  if (!best) return 0;
  i += bestlen;
  if (i < b && s[i] == '.') i++;
  *e = i;
  return best;
}

/* digits at i (at most maxd): value, or -1; *e past them */
static int num_at(const uchar *s, size_t i, size_t b, int maxd, size_t *e) {
  int v = 0, d = 0;
  while (i < b && IS_DIGIT(s[i]) && d < maxd + 1) {
    v = v * 10 + (s[i] - '0');
    i++;
    d++;
  }
  if (d == 0 || d > maxd) return -1;
  *e = i;
  return v;
}

/* spaces and optional commas */
static size_t skip_sep(const uchar *s, size_t i, size_t b) {
  for (;;) {
    size_t j = skip_ws(s, i, b);
    if (j < b && s[j] == ',') j++;
    j = skip_ws(s, j, b);
    if (j == i) return i;
    i = j;
  }
}

static size_t skip_ordsuffix(const uchar *s, size_t i, size_t b) {
  static const char *const suf[] = {"st", "nd", "rd", "th", "er", "o", NULL};
  int k;
  for (k = 0; suf[k]; k++)
    if (ci_word(s, i, b, suf[k])) return i + strlen(suf[k]);
  if (has_prefix(s, i, b, "\xC2\xBA")) return i + 2; /* º */
  return i;
}

static int valid_date(int y, int m, int d) {
  return y >= 1000 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* try each date form at i */
static int date_at(const uchar *s, size_t i, size_t b, date_t *dt) {
  size_t e, e2;
  int v, m, y;
  if (IS_DIGIT(s[i])) {
    v = num_at(s, i, b, 4, &e);
    if (v < 0) return 0;
    if (e - i == 4) {
      /* 2020-11-10 */
      if (e < b && s[e] == '-') {
        m = num_at(s, e + 1, b, 2, &e2);
        if (m > 0 && e2 < b && s[e2] == '-') {
          int d = num_at(s, e2 + 1, b, 2, &e2);
          if (valid_date(v, m, d) && !(e2 < b && IS_DIGIT(s[e2]))) {
            dt->y = v, dt->m = m, dt->d = d, dt->start = i, dt->stop = e2;
            return 1;
          }
        }
      }
      /* 2020年11月10日 */
      if (has_prefix(s, e, b, "\xE5\xB9\xB4")) {
        m = num_at(s, e + 3, b, 2, &e2);
        if (m > 0 && has_prefix(s, e2, b, "\xE6\x9C\x88")) {
          int d = num_at(s, e2 + 3, b, 2, &e2);
          if (d > 0 && has_prefix(s, e2, b, "\xE6\x97\xA5") && valid_date(v, m, d)) {
            dt->y = v, dt->m = m, dt->d = d, dt->start = i, dt->stop = e2 + 3;
            return 1;
          }
        }
      }
      return 0;
    }
    if (e - i > 2) return 0;
    /* 10 November 2020, 10th of November, 2020, 21 de mayo de 1971 */
    e = skip_ordsuffix(s, e, b);
    e = skip_ws(s, e, b);
    if (ci_word(s, e, b, "of")) e = skip_ws(s, e + 2, b);
    else if (ci_word(s, e, b, "de")) e = skip_ws(s, e + 2, b);
    m = month_at(s, e, b, &e);
    if (!m) return 0;
    e = skip_sep(s, e, b);
    if (ci_word(s, e, b, "de")) e = skip_ws(s, e + 2, b);
    else if (ci_word(s, e, b, "del")) e = skip_ws(s, e + 3, b);
    y = num_at(s, e, b, 4, &e2);
    if (y < 0 || e2 - e != 4 || !valid_date(y, m, v)) return 0;
    dt->y = y, dt->m = m, dt->d = v, dt->start = i, dt->stop = e2;
    return 1;
  }
  /* November 10, 2020 / Nov. 10th, 2020 */
  m = month_at(s, i, b, &e);
  if (!m) return 0;
  e = skip_ws(s, e, b);
  v = num_at(s, e, b, 2, &e);
  if (v < 0) return 0;
  e = skip_ordsuffix(s, e, b);
  e = skip_sep(s, e, b);
  y = num_at(s, e, b, 4, &e2);
  if (y < 0 || e2 - e != 4 || !valid_date(y, m, v)) return 0;
  dt->y = y, dt->m = m, dt->d = v, dt->start = i, dt->stop = e2;
  return 1;
}

/* the first date in s[a..b) (only word starts are tried) */
static int find_date(const uchar *s, size_t a, size_t b, date_t *dt) {
  size_t i = a;
  int prev_alnum = 0;
  while (i < b) {
    int32_t cp;
    int l = cp_at(s, b, i, &cp);
    int alnum = cp >= 0 && cp < 0x80 && (IS_ASCII_ALPHA(cp) || IS_DIGIT(cp));
    if (alnum && !prev_alnum && date_at(s, i, b, dt)) return 1;
    /* digits right after Han text or （ still start a date */
    prev_alnum = cp < 0x80 ? alnum : (is_han(cp) || cp == 0xFF08) ? 0 : is_letter_cp(cp);
    i += (size_t)l;
  }
  return 0;
}

static int set_date(ctx *C, const date_t *dt) {
  char buf[16];
  int y = dt->y, m = dt->m, d = dt->d;
  buf[0] = (char)('0' + y / 1000), buf[1] = (char)('0' + y / 100 % 10);
  buf[2] = (char)('0' + y / 10 % 10), buf[3] = (char)('0' + y % 10), buf[4] = '-';
  buf[5] = (char)('0' + m / 10), buf[6] = (char)('0' + m % 10), buf[7] = '-';
  buf[8] = (char)('0' + d / 10), buf[9] = (char)('0' + d % 10), buf[10] = '\0';
  return set_meta_str(C, RS_META_DATE, buf);
}

static const char *const weekdays[] = {"monday", "tuesday", "wednesday", "thursday",
                                       "friday", "saturday", "sunday", "lundi", "mardi",
                                       "mercredi", "jeudi", "vendredi", "samedi",
                                       "dimanche", "lunes", "martes", "jueves",
                                       "viernes", NULL};

static int is_weekday(const uchar *s, size_t a, size_t b) {
  int k;
  for (k = 0; weekdays[k]; k++)
    if (ci_word(s, a, b, weekdays[k]) && a + strlen(weekdays[k]) == b) return 1;
  return 0;
}

static int all_caps(const uchar *s, size_t a, size_t b) {
  size_t i, up = 0;
  for (i = a; i < b; i++) {
    if (IS_ASCII_LOWER(s[i])) return 0;
    if (IS_ASCII_UPPER(s[i])) up++;
  }
  return up >= 2;
}

/* trim punctuation and space around a place candidate */
static int place_span(const uchar *s, size_t *pa, size_t *pb) {
  size_t a = *pa, b = *pb;
  for (;;) {
    size_t a0 = a, b0 = b;
    a = skip_ws(s, a, b);
    while (a < b && strchr(",;:()[]-.", s[a])) a++;
    if (has_prefix(s, a, b, "\xE2\x80\x94") || has_prefix(s, a, b, "\xE2\x80\x93")) a += 3;
    b = back_ws(s, a, b);
    while (b > a && strchr(",;:()[]-.", s[b - 1])) b--;
    if (a == a0 && b == b0) break;
  }
  *pa = a, *pb = b;
  if (a >= b || b - a > 60) return 0;
  if (!is_upper_start(s, a, b)) return 0;
  if (count_words(s, a, b, 6) > 5) return 0;
  if (is_weekday(s, a, b)) return 0;
  return 1;
}

/* }====================================================== */

/* {====================================================== classification */

/* vocative openers (lower case; a trailing space or '.' is part of them) */
static const char *const openers[] = {
  "dear", "your excellenc*", "your majest*", "your highness", "your royal", "your holiness",
  "your eminence", "excellenc*", "his excellency", "her excellency", "their excellencies",
  "his majesty", "her majesty", "mr.", "mr", "mister", "madam", "madame", "mrs.", "ms.",
  "ladies", "gentlemen", "colleagues", "friends", "my friends", "my dear", "distinguished",
  "honorable", "honourable", "the honorable", "the honourable", "the right honorable",
  "the right honourable", "right honorable", "right honourable", "fellow", "my fellow",
  "comrades", "comrade", "brothers", "sisters", "esteemed", "respected", "members of",
  "delegates", "heads of", "leaders of", "good morning", "good afternoon", "good evening",
  "hello", "chief justice", "vice president", "secretary-general", "secretary general",
  "professor", "citizens", "fellow-citizens", "compatriots", "all protocols",
  /* French */
  "monsieur", "messieurs", "mesdames", "mesdemoiselles", "chers", "ch\xc3\xa8res",
  "cher", "ch\xc3\xa8re", "mes chers", "excellence", "mes amis", "chers amis",
  /* Spanish */
  "se\xc3\xb1or", "se\xc3\xb1ora", "se\xc3\xb1oras", "se\xc3\xb1ores", "se\xc3\x91or",
  "se\xc3\x91ores", "queridos", "queridas", "querido", "querida", "estimados", "estimadas",
  "conciudadanos", "conciudadanas", "compatriotas", "excelent\xc3\xadsimo",
  "excelent\xc3\xadsima", "honorables", "distinguidos", "distinguidas", "amigos", "amigas",
  "chilenas", "chilenos", "buenos d\xc3\xad" "as", "buenas tardes",
  /* Chinese */
  "\xe5\xb0\x8a\xe6\x95\xac\xe7\x9a\x84",             /* 尊敬的 */
  "\xe5\x90\x84\xe4\xbd\x8d",                         /* 各位 */
  "\xe5\xa5\xb3\xe5\xa3\xab\xe4\xbb\xac",             /* 女士们 */
  "\xe5\x85\x88\xe7\x94\x9f\xe4\xbb\xac",             /* 先生们 */
  "\xe6\x9c\x8b\xe5\x8f\x8b\xe4\xbb\xac",             /* 朋友们 */
  "\xe5\x90\x8c\xe5\xbf\x97\xe4\xbb\xac",             /* 同志们 */
  "\xe4\xba\xb2\xe7\x88\xb1\xe7\x9a\x84",             /* 亲爱的 */
  "\xe5\xa4\xa7\xe5\xae\xb6\xe5\xa5\xbd",             /* 大家好 */
  NULL};

/* a '*' at the end of an opener: a prefix of a longer word */
static int starts_opener(const uchar *s, size_t a, size_t b) {
  int k;
  for (k = 0; openers[k]; k++) {
    const char *o = openers[k];
    size_t len, j;
    if (o[0] != '*' && (a >= b || (uchar)LOWER(s[a]) != (uchar)o[0])) continue; /* quick no */
    len = strlen(o);
    if (o[len - 1] != '*') {
      if (ci_word(s, a, b, o)) return 1;
      continue;
    }
    if (b - a < len - 1) continue;
    for (j = 0; j + 1 < len; j++)
      if (LOWER(s[a + j]) != (uchar)o[j]) break;
    if (j + 1 == len) return 1;
  }
  return 0;
}

/* a short vocative shape: no sentence ends inside, no final full stop;
** returns the final code point class: 1 for , : ! ; (or CJK), 2 for none */
static int vocative_shape(const uchar *s, size_t a, size_t b, size_t *words) {
  size_t i;
  int32_t last;
  if (b - a > 240) return 0;
  *words = count_words(s, a, b, 40);
  if (*words > 28) return 0;
  for (i = a; i < b; i++) {
    uchar c = s[i];
    if (c == '.' || c == '?' || c == '!' || c == ';') {
      size_t j = i + 1;
      while (j < b && (s[j] == '.' || s[j] == '!' || s[j] == '?' || s[j] == '"')) j++;
      if (j >= b || back_ws(s, j, b) == j) break; /* at the end */
      if (c == '.') { /* abbreviation: Mr. H.E. St. */
        size_t w = i;
        while (w > a && (IS_ASCII_ALPHA(s[w - 1]) || s[w - 1] == '.')) w--;
        if (i - w <= 4 && w < i && IS_ASCII_UPPER(s[w])) continue;
        if (j < b && s[j] == ',') continue;
      }
      if (c == '!' && *words <= 10) continue; /* Excellencies! Friends! */
      return 0;
    }
    if (c == 0xE3 && i + 2 < b && s[i + 1] == 0x80 && s[i + 2] == 0x82) { /* 。 */
      if (back_ws(s, i + 3, b) > i + 3) return 0;
    }
  }
  last = last_cp(s, a, b);
  if (last == '.' || last == '?' || last == 0x3002 || last == 0xFF1F) return 0;
  if (last == ',' || last == ':' || last == '!' || last == ';' || last == 0x2026 ||
      last == 0xFF0C || last == 0xFF1A || last == 0xFF01 || last == 0x3001)
    return 1;
  return 2;
}

static int is_salutation(const uchar *s, size_t a, size_t b, int prev_sal, int seen_par) {
  size_t v = skip_bullet(s, a, b), words;
  int shape;
  if (v >= b) return 0;
  shape = vocative_shape(s, v, b, &words);
  if (!shape) {
    /* "Good morning." alone */
    if (b - v < 40 && (ci_word(s, v, b, "good morning") || ci_word(s, v, b, "good evening") ||
                       ci_word(s, v, b, "good afternoon")))
      return 1;
    return 0;
  }
  if (starts_opener(s, v, b)) return 1;
  if (shape == 1 && words <= 8 && (prev_sal || !seen_par) &&
      (is_upper_start(s, v, b) || s[v] >= 0xE0))
    return 1;
  if (prev_sal && shape == 1 && last_cp(s, v, b) != '!') return 1;
  return 0;
}

static const char *const closers[] = {
  "thank you", "thanks", "god bless", "long live", "so help me god", "vive ", "viva ",
  "merci", "je vous remercie", "gracias", "que dios", "dios bendiga", "es lebe",
  "\xe8\xb0\xa2\xe8\xb0\xa2", /* 谢谢 */
  NULL};

static int is_closing_shape(const uchar *s, size_t a, size_t b) {
  size_t v = skip_bullet(s, a, b);
  int k;
  if (v >= b || b - v > 160) return 0;
  if (count_words(s, v, b, 20) > 14) return 0;
  for (k = 0; closers[k]; k++)
    if (ci_contains(s, v, b, closers[k])) return 1;
  return 0;
}

/* a section title: short, one line, title-cased, no final punctuation */
static int is_heading_shape(const uchar *s, size_t a, size_t b) {
  size_t v = skip_bullet(s, a, b), i, words, n4 = 0, c4 = 0, lower = 0, upper = 0;
  int32_t last;
  if (v >= b || b - v > 110) return 0;
  words = count_words(s, v, b, 20);
  if (words > 14) return 0;
  last = last_cp(s, v, b);
  if (last == '.' || last == ',' || last == ';' || last == ':' || last == '!' ||
      last == '?' || last == 0x2026 || last == 0x3002 || last == 0xFF1A || last == 0xFF0C ||
      last == '"' || last == 0x201D)
    return 0;
  if (!is_upper_start(s, v, b) && !IS_DIGIT(s[v])) return 0;
  i = v;
  while (i < b) {
    size_t w = i, len = 0;
    while (w < b && s[w] != ' ') w++;
    for (len = i; len < w && (IS_ASCII_ALPHA(s[len]) || s[len] >= 0x80); len++) {}
    if (len - i >= 4) {
      n4++;
      if (is_upper_start(s, i, w)) c4++;
    }
    for (len = i; len < w; len++) {
      if (IS_ASCII_LOWER(s[len])) lower++;
      else if (IS_ASCII_UPPER(s[len])) upper++;
    }
    i = w;
    while (i < b && s[i] == ' ') i++;
  }
  if (lower == 0 && upper >= 3) return 1; /* ALL CAPS */
  return n4 > 0 && c4 * 3 >= n4 * 2;
}

/* }====================================================== */

/* {====================================================== phase 2: header */

enum { H_STOP = 0, H_TENTATIVE = 100 };

typedef struct hinfo {
  int why;
  int date_ok;
  date_t date;
  size_t place_a, place_b;       /* place span or a == b */
  size_t src_a, src_b;           /* byline source */
  size_t name_a, name_b;         /* speaker */
  size_t role_a, role_b;         /* role */
  size_t title_a, title_b;       /* a title found inside (breadcrumb, zh dateline) */
} hinfo;

static const char *const role_words[] = {
  "president", "prime minister", "premier", "chancellor", "king", "queen", "emir",
  "sultan", "prince", "princess", "secretary", "minister", "chairman", "chairwoman",
  "chair", "governor", "senator", "ambassador", "representative", "head of", "leader",
  "vice", "general secretary", "director", "mayor", "member", "speaker", "chief",
  "commissioner", "foreign minister", "permanent representative", "his majesty",
  "her majesty", "president of", "pr\xc3\xa9sident", "presidente", "ministre", "ministro",
  "canciller", "rey", "reina", NULL};

static int starts_role(const uchar *s, size_t a, size_t b) {
  int k;
  if (ci_word(s, a, b, "the ")) a += 4;
  for (k = 0; role_words[k]; k++)
    if (ci_word(s, a, b, role_words[k])) return 1;
  return 0;
}

static const char *const name_particles[] = {"bin", "al", "de", "van", "von", "da", "del",
                                             "la", "le", "di", "ibn", "el", "dos", "du",
                                             "y", NULL};

/* 2 to 5 capitalised words, particles allowed, no digits */
static int is_name(const uchar *s, size_t a, size_t b) {
  size_t i = a, words = 0;
  if (a >= b || b - a > 60) return 0;
  while (i < b) {
    size_t w = i;
    while (w < b && s[w] != ' ') w++;
    if (is_upper_start(s, i, w)) {
      size_t k;
      for (k = i; k < w; k++)
        if (IS_DIGIT(s[k]) || s[k] == ',' || s[k] == ':' || s[k] == ';') return 0;
    } else {
      int k, ok = 0;
      for (k = 0; name_particles[k]; k++)
        if (ci_word(s, i, w, name_particles[k]) && i + strlen(name_particles[k]) == w) ok = 1;
      if (!ok) return 0;
    }
    words++;
    i = w;
    while (i < b && s[i] == ' ') i++;
  }
  return words >= 2 && words <= 5;
}

/* honorifics before a name in "Statement by H.E. Xi Jinping" */
static size_t skip_honorifics(const uchar *s, size_t a, size_t b) {
  static const char *const h[] = {"h.e.", "h. e.", "his excellency", "her excellency",
                                  "president", "prime minister", "premier", "mr.", "mrs.",
                                  "ms.", "dr.", "general secretary", "comrade", "chairman",
                                  "secretary-general", "secretary general", "king",
                                  "queen", "the", NULL};
  int k, again = 1;
  while (again) {
    again = 0;
    a = skip_ws(s, a, b);
    for (k = 0; h[k]; k++)
      if (ci_word(s, a, b, h[k])) {
        a += strlen(h[k]);
        again = 1;
        break;
      }
  }
  return a;
}

/* "... by NAME [at|on|to ...]" inside a title */
static int name_in_title(const uchar *s, size_t a, size_t b, size_t *na, size_t *nb) {
  size_t i;
  for (i = a; i + 4 < b; i++) {
    if (s[i] == ' ' && (s[i + 1] == 'b' || s[i + 1] == 'B') && s[i + 2] == 'y' &&
        s[i + 3] == ' ') {
      size_t x = skip_honorifics(s, i + 4, b), e = x;
      while (e < b) {
        size_t w = e;
        while (w < b && s[w] != ' ') w++;
        if (!is_upper_start(s, e, w) && !(ci_word(s, e, w, "bin") || ci_word(s, e, w, "al")))
          break;
        if (w > e && (s[w - 1] == ',' || s[w - 1] == ':')) {
          e = w - 1;
          break;
        }
        e = w;
        while (e < b && s[e] == ' ') e++;
      }
      e = back_ws(s, x, e);
      if (is_name(s, x, e)) {
        *na = x, *nb = e;
        return 1;
      }
    }
  }
  return 0;
}

/* byline: "by X", "Source: X", "From X", "Posted by X" */
static int byline(const uchar *s, size_t a, size_t b, size_t *sa, size_t *sb) {
  static const char *const pre[] = {"by ", "source:", "source :", "sources:", "from ",
                                    "posted by ", "written by ", "reported by ",
                                    "transcript by ", "source -", "source \xe2\x80\x93",
                                    "fuente:", "source\xc2\xa0:", NULL};
  int k;
  if (b - a > 100) return 0;
  for (k = 0; pre[k]; k++)
    if (ci_word(s, a, b, pre[k])) {
      size_t x = skip_ws(s, a + strlen(pre[k]), b), e = back_ws(s, x, b);
      while (e > x && (s[e - 1] == '.' || s[e - 1] == ',')) e--;
      if (x >= e || count_words(s, x, e, 10) > 8) return 0;
      if (k == 4 && !is_upper_start(s, x, e)) return 0; /* "from" + a name */
      *sa = x, *sb = e;
      return 1;
    }
  return 0;
}

/* Chinese news header pieces: dateline with （2020年11月10日，北京）, photo
** credits ending in 摄 or 新华社发, and pieces starting with 新华社 */
static int zh_header(const uchar *s, size_t a, size_t b, hinfo *h) {
  size_t i;
  date_t dt;
  i = find_lit(s, a, b, "\xEF\xBC\x88"); /* （ */
  while (i < b) {
    if (date_at(s, i + 3, b, &dt) && dt.start == i + 3) {
      size_t close = find_lit(s, dt.stop, b, "\xEF\xBC\x89"); /* ） */
      size_t t0, t1, r0, r1;
      if (close >= b) break;
      h->why = RS_BP_DATELINE;
      h->date_ok = 1, h->date = dt;
      if (has_prefix(s, dt.stop, b, "\xEF\xBC\x8C")) { /* ，place */
        h->place_a = dt.stop + 3, h->place_b = close;
      }
      /* title: after the first 电 (news agency dateline), up to （ */
      t0 = find_lit(s, a, i, "\xE7\x94\xB5"); /* 电 */
      t0 = t0 < i ? skip_ws(s, t0 + 3, i) : a;
      t1 = back_ws(s, t0, i);
      if (t0 < t1) h->title_a = t0, h->title_b = t1;
      /* role　name after ） */
      r0 = close + 3;
      r1 = find_lit(s, r0, b, "\xE3\x80\x80"); /* U+3000 */
      if (r1 < b && r1 > r0 && r1 - r0 < 80) {
        size_t n0 = r1 + 3, n1 = n0;
        while (n1 < b) {
          int32_t cp;
          int l = cp_at(s, b, n1, &cp);
          if (!is_han(cp) || n1 - n0 >= 12) break;
          n1 += (size_t)l;
        }
        if (n1 > n0) {
          h->role_a = r0, h->role_b = r1;
          h->name_a = n0, h->name_b = n1;
        }
      }
      return 1;
    }
    i = find_lit(s, i + 3, b, "\xEF\xBC\x88");
  }
  if (has_suffix(s, a, b, "\xE6\x91\x84") || /* 摄 */
      has_suffix(s, a, b, "\xE6\x96\xB0\xE5\x8D\x8E\xE7\xA4\xBE\xE5\x8F\x91") || /* 新华社发 */
      has_prefix(s, a, b, "\xE6\x96\xB0\xE5\x8D\x8E\xE7\xA4\xBE")) { /* 新华社 */
    h->why = RS_BP_BYLINE;
    if (has_prefix(s, a, b, "\xE6\x96\xB0\xE5\x8D\x8E\xE7\xA4\xBE")) h->src_a = a, h->src_b = a + 9;
    return 1;
  }
  return 0;
}

/* classify one header piece (no side effects) */
static void classify_header(ctx *C, size_t k, int have_title, size_t ta, size_t tb, hinfo *h) {
  const uchar *s = C->s;
  const piece *p = &C->pieces[k];
  size_t a = p->start, b = p->stop, v, len;
  date_t dt;
  memset(h, 0, sizeof *h);
  if (is_salutation(s, a, b, 0, 0)) return; /* speech begins */
  if (starts_opener(s, skip_bullet(s, a, b), b)) return;
  if (zh_header(s, a, b, h)) return;
  v = skip_bullet(s, a, b);
  len = b - v;
  /* a breadcrumb glued to the title repeated on the next piece */
  if (k + 1 < C->npieces) {
    const piece *q = &C->pieces[k + 1];
    size_t ql = q->stop - q->start;
    if (ql >= 10 && len > ql && memcmp(s + b - ql, s + q->start, ql) == 0 &&
        s[b - ql - 1] == ' ' && count_words(s, v, b - ql, 8) <= 6) {
      h->why = RS_BP_BREADCRUMB;
      h->title_a = q->start, h->title_b = q->stop;
      return;
    }
  }
  if (have_title && tb - ta == len && memcmp(s + v, s + ta, len) == 0) {
    h->why = RS_BP_TITLE;
    return;
  }
  if (len > 300) return;
  if (byline(s, v, b, &h->src_a, &h->src_b)) {
    h->why = RS_BP_BYLINE;
    return;
  }
  if (find_date(s, v, b, &dt)) {
    size_t pa = dt.stop, pb = b, before_words = count_words(s, v, dt.start, 8),
           after_words = count_words(s, dt.stop, b, 8);
    if (before_words + after_words <= 5) {
      h->why = RS_BP_DATELINE;
      h->date_ok = 1, h->date = dt;
      if (place_span(s, &pa, &pb)) {
        h->place_a = pa, h->place_b = pb;
      } else {
        pa = v, pb = dt.start; /* "Valparaíso, 21 de mayo de 2010" */
        if (place_span(s, &pa, &pb) && count_words(s, pa, pb, 4) <= 3 && !all_caps(s, pa, pb))
          h->place_a = pa, h->place_b = pb;
      }
      return;
    }
    if (!ends_final(s, v, b) || len < 120) { /* a title holding a date */
      h->date_ok = 1, h->date = dt;
    }
  }
  /* Name, Role */
  {
    size_t comma = find_lit(s, v, b, ", ");
    int32_t last = last_cp(s, v, b);
    if (comma < b && last != '.' && last != ',' && last != ':' && is_name(s, v, comma) &&
        starts_role(s, skip_ws(s, comma + 1, b), b) && len < 200) {
      h->why = RS_BP_SPEAKER;
      h->name_a = v, h->name_b = comma;
      h->role_a = skip_ws(s, comma + 1, b), h->role_b = b;
      return;
    }
    /* a role line under "Statement by NAME" */
    if (have_title && len < 150 && starts_role(s, v, b) && !ends_final(s, v, b) &&
        !C->sp->meta[RS_META_ROLE]) {
      h->why = RS_BP_SPEAKER;
      h->role_a = v, h->role_b = b;
      return;
    }
  }
  /* a title: short, no final punctuation */
  if (len <= 200 && !ends_final(s, v, b)) {
    int32_t last = last_cp(s, v, b);
    if (last != ',' && (count_words(s, v, b, 3) >= 2 || v > a)) h->why = H_TENTATIVE;
  }
}

/* pieces after a tentative title (up to 3 more title-like ones) end in a
** header line or a salutation, which confirms it */
static int confirms_title(ctx *C, size_t k, size_t ta, size_t tb) {
  size_t j;
  for (j = k; j < C->npieces && j < k + 4; j++) {
    hinfo h;
    const piece *p = &C->pieces[j];
    if (is_salutation(C->s, p->start, p->stop, 0, 0)) return 1;
    classify_header(C, j, 1, ta, tb, &h);
    if (h.why == H_STOP) return 0;
    if (h.why != H_TENTATIVE) return 1;
  }
  return 0;
}

/* split a Chinese header piece glued to a salutation: "... 摄尊敬的各位同事：" */
static int zh_split(ctx *C, size_t k) {
  const uchar *s = C->s;
  piece *p = &C->pieces[k];
  size_t a = p->start, b = p->stop, at;
  at = find_lit(s, a + 1, b, "\xe5\xb0\x8a\xe6\x95\xac\xe7\x9a\x84"); /* 尊敬的 */
  if (at >= b || b - at > 400) return RS_OK;
  {
    int32_t last = last_cp(s, at, b);
    if (last != 0xFF1A && last != ':' && last != 0xFF0C) return RS_OK;
  }
  if (GROW(C, C->pieces, C->npieces, C->cappieces)) return RS_ENOMEM;
  p = &C->pieces[k];
  memmove(&C->pieces[k + 2], &C->pieces[k + 1], (C->npieces - k - 1) * sizeof *p);
  C->npieces++;
  C->pieces[k + 1] = *p;
  C->pieces[k + 1].start = (uint32_t)at;
  C->pieces[k + 1].flags = PF_IDEO;
  p->stop = (uint32_t)back_ws(s, a, at);
  return RS_OK;
}

static int commit_header(ctx *C, size_t k, const hinfo *h) {
  int why = h->why == H_TENTATIVE ? RS_BP_TITLE : h->why;
  const piece *p = &C->pieces[k];
  size_t v = skip_bullet(C->s, p->start, p->stop);
  if (add_boiler(C, p, why)) return RS_ENOMEM;
  if (h->title_b > h->title_a && set_meta(C, RS_META_TITLE, h->title_a, h->title_b, 0))
    return RS_ENOMEM;
  if (why == RS_BP_TITLE) {
    size_t na, nb;
    if (set_meta(C, RS_META_TITLE, v, p->stop, 0)) return RS_ENOMEM;
    if (name_in_title(C->s, v, p->stop, &na, &nb) && set_meta(C, RS_META_SPEAKER, na, nb, 0))
      return RS_ENOMEM;
  }
  if (h->date_ok && !C->sp->meta[RS_META_DATE] && set_date(C, &h->date)) return RS_ENOMEM;
  if (h->place_b > h->place_a && set_meta(C, RS_META_PLACE, h->place_a, h->place_b, 0))
    return RS_ENOMEM;
  if (h->src_b > h->src_a && set_meta(C, RS_META_SOURCE, h->src_a, h->src_b, 0))
    return RS_ENOMEM;
  if (h->name_b > h->name_a && set_meta(C, RS_META_SPEAKER, h->name_a, h->name_b, 1))
    return RS_ENOMEM;
  if (h->role_b > h->role_a && set_meta(C, RS_META_ROLE, h->role_a, h->role_b, 1))
    return RS_ENOMEM;
  return RS_OK;
}

/* returns the index of the first body piece through *body */
static int header(ctx *C, size_t *body) {
  size_t k = 0, ta = 0, tb = 0, limit = 16;
  int have_title = 0;
  *body = 0;
  if (C->opts & RS_SP_NO_HEADER) return RS_OK;
  while (k < C->npieces && k < limit) {
    hinfo h;
    const piece *p;
    if (zh_split(C, k)) return RS_ENOMEM;
    p = &C->pieces[k];
    classify_header(C, k, have_title, ta, tb, &h);
    if (h.why == H_STOP) break;
    if (h.why == H_TENTATIVE) {
      size_t v = skip_bullet(C->s, p->start, p->stop);
      int markdown = v > p->start && C->s[p->start] == '#';
      if (!markdown && !confirms_title(C, k + 1, v, p->stop)) break;
      if (!have_title) have_title = 1, ta = v, tb = p->stop;
    }
    if (h.why == RS_BP_BREADCRUMB) have_title = 1, ta = h.title_a, tb = h.title_b;
    if (commit_header(C, k, &h)) return RS_ENOMEM;
    k++;
  }
  *body = k;
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== phase 3: units */

typedef struct conv_t {
  int wrapped, blank_breaks, indent_breaks;
} conv_t;

static void decide_convention(ctx *C, size_t from, conv_t *cv) {
  const uchar *s = C->s;
  size_t k, n_long = 0, n_open = 0, b_long = 0, b_open = 0, nlines = 0, nind = 0, nblank = 0;
  uint32_t minind = (uint32_t)-1;
  cv->wrapped = 0, cv->blank_breaks = 1, cv->indent_breaks = 0;
  for (k = from; k < C->npieces; k++)
    if ((C->pieces[k].flags & PF_LINE) && C->pieces[k].indent < minind)
      minind = C->pieces[k].indent;
  for (k = from; k < C->npieces; k++) {
    const piece *p = &C->pieces[k];
    if (!(p->flags & PF_LINE)) continue;
    nlines++;
    if (p->flags & PF_BLANK) nblank++;
    if (p->indent > minind) nind++;
  }
  for (k = from; k + 1 < C->npieces; k++) {
    const piece *p = &C->pieces[k], *q = &C->pieces[k + 1];
    int long_line = p->stop - p->start >= 40;
    if (!(q->flags & PF_LINE) || (q->flags & PF_IDEO)) continue;
    if (!long_line) continue;
    if (q->flags & PF_BLANK) {
      b_long++;
      if (!ends_final(s, p->start, p->stop)) b_open++;
    } else {
      n_long++;
      if (!ends_final(s, p->start, p->stop)) n_open++;
    }
  }
  if (n_long >= 3 && n_open * 2 > n_long) cv->wrapped = 1;
  /* double-spaced print: a blank line after every line, lines end mid-sentence */
  if (!cv->wrapped && b_long >= 5 && b_open * 2 > b_long && nblank * 5 >= nlines * 4) {
    cv->wrapped = 1;
    cv->blank_breaks = 0;
  }
  if (cv->wrapped && nind >= 2 && nind * 10 < nlines * 8) cv->indent_breaks = 1;
  if (cv->wrapped && !cv->blank_breaks && !cv->indent_breaks) cv->blank_breaks = 1;
  C->sp->convention = !cv->wrapped ? RS_CONV_LINE
                      : cv->indent_breaks ? RS_CONV_INDENT
                                          : RS_CONV_BLANK;
}

static int add_seg(ctx *C, size_t a, size_t b, uint32_t line) {
  rs_speech *sp = C->sp;
  rs_segment *g;
  if (GROW(C, sp->segs, sp->nsegs, sp->capsegs)) return RS_ENOMEM;
  g = &sp->segs[sp->nsegs++];
  g->start = (uint32_t)a;
  g->stop = (uint32_t)b;
  g->line = line;
  g->kind = RS_SEG_PARAGRAPH;
  g->point = 0;
  g->point_index = 0;
  return RS_OK;
}

static int is_lower_start(const uchar *s, size_t i, size_t b) {
  int32_t cp;
  if (i >= b) return 0;
  cp_at(s, b, i, &cp);
  if (cp < 0x80) return IS_ASCII_LOWER(cp);
  return (cp >= 0xDF && cp <= 0xFF && cp != 0xF7);
}

static int build_units(ctx *C, size_t from) {
  const uchar *s = C->s;
  conv_t cv;
  size_t k, ua = 0, ub = 0;
  uint32_t uline = 0, minind = (uint32_t)-1;
  int open = 0;
  decide_convention(C, from, &cv);
  for (k = from; k < C->npieces; k++)
    if ((C->pieces[k].flags & PF_LINE) && C->pieces[k].indent < minind)
      minind = C->pieces[k].indent;
  for (k = from; k < C->npieces; k++) {
    const piece *p = &C->pieces[k];
    int brk = 1;
    if (open && !(p->flags & PF_IDEO) && (p->flags & PF_LINE)) {
      if (cv.wrapped) {
        brk = 0;
        if ((p->flags & PF_BLANK) && cv.blank_breaks) brk = 1;
        if (cv.indent_breaks && p->indent > minind) brk = 1;
      } else if (!(p->flags & PF_BLANK) && is_lower_start(s, p->start, p->stop)) {
        /* a line broken mid-sentence in one-line-per-paragraph text */
        int32_t last = last_cp(s, ua, ub);
        if (!is_final_punct(last) && last != ':' && last != ',' && last != ';') brk = 0;
      }
    }
    if (brk) {
      if (open && add_seg(C, ua, ub, uline)) return RS_ENOMEM;
      ua = p->start, uline = p->line;
      open = 1;
    }
    ub = p->stop;
  }
  if (open && add_seg(C, ua, ub, uline)) return RS_ENOMEM;
  return RS_OK;
}

/* a salutation glued to the first paragraph: "Mr. Speaker, Members of
** Congress: It's a great privilege..." (one-line transcripts) */
static int split_lead_salutation(ctx *C) {
  rs_speech *sp = C->sp;
  const uchar *s = C->s;
  rs_segment *g;
  size_t a, b, i, lim;
  if (sp->nsegs == 0) return RS_OK;
  g = &sp->segs[0];
  a = g->start, b = g->stop;
  if (b - a < 300) return RS_OK;
  lim = a + 240 < b ? a + 240 : b;
  for (i = a; i < lim; i++) {
    if (s[i] == '.' || s[i] == '?' || s[i] == '!') {
      size_t w = i; /* an abbreviation such as Mr. is fine */
      while (w > a && IS_ASCII_ALPHA(s[w - 1])) w--;
      if (i - w <= 3 && w < i && IS_ASCII_UPPER(s[w])) continue;
      return RS_OK;
    }
    if (s[i] == ':' && i + 1 < b && s[i + 1] == ' ' && is_upper_start(s, i + 2, b)) break;
  }
  if (i >= lim) return RS_OK;
  if (!is_salutation(s, a, i + 1, 0, 0)) return RS_OK;
  {
    uint32_t line = g->line;
    size_t rest = skip_ws(s, i + 1, b);
    if (GROW(C, sp->segs, sp->nsegs, sp->capsegs)) return RS_ENOMEM;
    memmove(&sp->segs[1], &sp->segs[0], sp->nsegs * sizeof *sp->segs);
    sp->nsegs++;
    sp->segs[0].stop = (uint32_t)(i + 1);
    sp->segs[0].kind = RS_SEG_SALUTATION;
    sp->segs[1].start = (uint32_t)rest;
    sp->segs[1].line = line;
  }
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== phase 4: kinds */

static void classify_segments(ctx *C) {
  rs_speech *sp = C->sp;
  const uchar *s = C->s;
  size_t k, n = sp->nsegs;
  int seen_par = 0;
  for (k = 0; k < n; k++) {
    rs_segment *g = &sp->segs[k];
    int prev_sal = k > 0 && sp->segs[k - 1].kind == RS_SEG_SALUTATION;
    if (g->kind == RS_SEG_SALUTATION) continue;
    if (is_salutation(s, g->start, g->stop, prev_sal, seen_par)) {
      g->kind = RS_SEG_SALUTATION;
      continue;
    }
    seen_par = 1;
  }
  /* closings: the trailing run of thanks and blessings */
  for (k = n; k > 0; k--) {
    rs_segment *g = &sp->segs[k - 1];
    if (g->kind == RS_SEG_SALUTATION && !is_closing_shape(s, g->start, g->stop)) {
      if (k == n) continue; /* "Friends!" at the very end is still a salutation */
      break;
    }
    if (!is_closing_shape(s, g->start, g->stop)) break;
    g->kind = RS_SEG_CLOSING;
  }
  /* headings between paragraphs */
  for (k = 1; k + 1 < n; k++) {
    rs_segment *g = &sp->segs[k];
    const rs_segment *nx = &sp->segs[k + 1];
    if (g->kind != RS_SEG_PARAGRAPH || nx->kind != RS_SEG_PARAGRAPH) continue;
    if (memchr(s + g->start, '\n', g->stop - g->start)) continue;
    if (memchr(s + g->start, '\r', g->stop - g->start)) continue;
    if (is_heading_shape(s, g->start, g->stop)) g->kind = RS_SEG_HEADING;
  }
}

/* }====================================================== */

/* {====================================================== phase 5: points */

enum { F_EN = 1, F_ES, F_FR, F_NUMDOT, F_NUMPAREN, F_PAREN, F_ROMAN, F_ZHDI, F_ZHSHI, F_NFAM };

static const struct {
  const char *w;
  int ord, fam;
} ordwords[] = {
  {"first of all", 1, F_EN}, {"first and foremost", 1, F_EN}, {"firstly", 1, F_EN},
  {"secondly", 2, F_EN}, {"thirdly", 3, F_EN}, {"fourthly", 4, F_EN}, {"fifthly", 5, F_EN},
  {"sixthly", 6, F_EN}, {"first", 1, F_EN}, {"second", 2, F_EN}, {"third", 3, F_EN},
  {"fourth", 4, F_EN}, {"fifth", 5, F_EN}, {"sixth", 6, F_EN}, {"seventh", 7, F_EN},
  {"eighth", 8, F_EN}, {"ninth", 9, F_EN}, {"tenth", 10, F_EN}, {"eleventh", 11, F_EN},
  {"twelfth", 12, F_EN},
  {"en primer lugar", 1, F_ES}, {"en segundo lugar", 2, F_ES}, {"en tercer lugar", 3, F_ES},
  {"en cuarto lugar", 4, F_ES}, {"en quinto lugar", 5, F_ES}, {"en sexto lugar", 6, F_ES},
  {"primero", 1, F_ES}, {"segundo", 2, F_ES}, {"tercero", 3, F_ES}, {"cuarto", 4, F_ES},
  {"quinto", 5, F_ES}, {"sexto", 6, F_ES}, {"s\xc3\xa9ptimo", 7, F_ES}, {"octavo", 8, F_ES},
  {"noveno", 9, F_ES}, {"d\xc3\xa9" "cimo", 10, F_ES},
  {"premi\xc3\xa8rement", 1, F_FR}, {"deuxi\xc3\xa8mement", 2, F_FR},
  {"secondement", 2, F_FR}, {"troisi\xc3\xa8mement", 3, F_FR},
  {"quatri\xc3\xa8mement", 4, F_FR}, {"cinqui\xc3\xa8mement", 5, F_FR},
  {"sixi\xc3\xa8mement", 6, F_FR}, {"en premier lieu", 1, F_FR},
  {"en deuxi\xc3\xa8me lieu", 2, F_FR}, {"en second lieu", 2, F_FR},
  {"en troisi\xc3\xa8me lieu", 3, F_FR}, {"en quatri\xc3\xa8me lieu", 4, F_FR},
  {NULL, 0, 0}};

/* Han numeral 一..十, 十一..十九 at i: value and length */
static int han_num(const uchar *s, size_t i, size_t b, size_t *e) {
  static const char *const digits[] = {"\xe4\xb8\x80", "\xe4\xba\x8c", "\xe4\xb8\x89",
                                       "\xe5\x9b\x9b", "\xe4\xba\x94", "\xe5\x85\xad",
                                       "\xe4\xb8\x83", "\xe5\x85\xab", "\xe4\xb9\x9d",
                                       "\xe5\x8d\x81"};
  int k, v = 0;
  for (k = 0; k < 10; k++)
    if (has_prefix(s, i, b, digits[k])) {
      v = k + 1;
      break;
    }
  if (!v) return 0;
  i += 3;
  if (v == 10) {
    for (k = 0; k < 9; k++)
      if (has_prefix(s, i, b, digits[k])) {
        v = 11 + k;
        i += 3;
        break;
      }
  }
  *e = i;
  return v;
}

static int roman_val(const uchar *s, size_t a, size_t b) {
  static const char *const r[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII",
                                  "IX", "X", "XI", "XII", "XIII", "XIV", "XV"};
  int k;
  for (k = 0; k < 15; k++)
    if (strlen(r[k]) == b - a && memcmp(s + a, r[k], b - a) == 0) return k + 1;
  return 0;
}

/* a point marker at the start of s[a..b) */
static int marker_at(const uchar *s, size_t a, size_t b, pmark *pm) {
  size_t v = skip_bullet(s, a, b), e;
  int k;
  if (v >= b) return 0;
  /* ordinal words, followed by , : . or a dash */
  if (is_upper_start(s, v, b)) {
    for (k = 0; ordwords[k].w; k++) {
      if (ci_word(s, v, b, ordwords[k].w)) {
        e = v + strlen(ordwords[k].w);
        if (e < b && (s[e] == ',' || s[e] == ':' || s[e] == '.' ||
                      has_prefix(s, e, b, "\xE2\x80\x94") || has_prefix(s, e, b, " \xE2\x80\x94") ||
                      has_prefix(s, e, b, " -"))) {
          pm->family = ordwords[k].fam, pm->ordinal = ordwords[k].ord;
          pm->mstart = (uint32_t)v, pm->mstop = (uint32_t)e;
          goto heading;
        }
        break;
      }
    }
  }
  /* 1. 1) */
  if (IS_DIGIT(s[v])) {
    int n = num_at(s, v, b, 2, &e);
    if (n > 0 && e + 1 < b && (s[e] == '.' || s[e] == ')') && (s[e + 1] == ' ' || s[e + 1] == '\t')) {
      pm->family = s[e] == '.' ? F_NUMDOT : F_NUMPAREN, pm->ordinal = n;
      pm->mstart = (uint32_t)v, pm->mstop = (uint32_t)(e + 1);
      e++;
      goto heading;
    }
    return 0;
  }
  /* (1) */
  if (s[v] == '(' || has_prefix(s, v, b, "\xEF\xBC\x88")) {
    size_t d = v + (s[v] == '(' ? 1 : 3);
    int n = num_at(s, d, b, 2, &e);
    if (n <= 0) n = han_num(s, d, b, &e);
    if (n > 0 && e < b && (s[e] == ')' || has_prefix(s, e, b, "\xEF\xBC\x89"))) {
      e += s[e] == ')' ? 1 : 3;
      pm->family = F_PAREN, pm->ordinal = n;
      pm->mstart = (uint32_t)v, pm->mstop = (uint32_t)e;
      goto heading;
    }
    return 0;
  }
  /* I. II. (or a lone numeral line) */
  if (s[v] == 'I' || s[v] == 'V' || s[v] == 'X') {
    size_t w = v;
    int n;
    while (w < b && (s[w] == 'I' || s[w] == 'V' || s[w] == 'X')) w++;
    n = roman_val(s, v, w);
    if (n > 0 && ((w + 1 < b && s[w] == '.' && s[w + 1] == ' ') || w == b)) {
      pm->family = F_ROMAN, pm->ordinal = n;
      pm->mstart = (uint32_t)v, pm->mstop = (uint32_t)(w < b ? w + 1 : w);
      e = w < b ? w + 1 : w;
      goto heading;
    }
    return 0;
  }
  /* 第一， 一是 一要 */
  if (has_prefix(s, v, b, "\xe7\xac\xac")) { /* 第 */
    int n = han_num(s, v + 3, b, &e);
    if (n > 0 && (has_prefix(s, e, b, "\xef\xbc\x8c") || has_prefix(s, e, b, "\xe3\x80\x81") ||
                  has_prefix(s, e, b, "\xef\xbc\x9a"))) { /* ，、： */
      pm->family = F_ZHDI, pm->ordinal = n;
      pm->mstart = (uint32_t)v, pm->mstop = (uint32_t)e;
      goto heading;
    }
    return 0;
  }
  {
    int n = han_num(s, v, b, &e);
    if (n > 0 && (has_prefix(s, e, b, "\xe6\x98\xaf") || has_prefix(s, e, b, "\xe8\xa6\x81"))) {
      e += 3; /* 是 要 */
      pm->family = F_ZHSHI, pm->ordinal = n;
      pm->mstart = (uint32_t)v, pm->mstop = (uint32_t)e;
      goto heading;
    }
  }
  return 0;
heading:
  /* the heading starts after the marker and its separator */
  for (;;) {
    size_t e0 = e;
    e = skip_ws(s, e, b);
    while (e < b && (s[e] == ',' || s[e] == ':' || s[e] == '.' || s[e] == '-' || s[e] == ')')) e++;
    if (has_prefix(s, e, b, "\xE2\x80\x94") || has_prefix(s, e, b, "\xE2\x80\x93") ||
        has_prefix(s, e, b, "\xEF\xBC\x8C") || has_prefix(s, e, b, "\xE3\x80\x81") ||
        has_prefix(s, e, b, "\xEF\xBC\x9A"))
      e += 3;
    if (e == e0) break;
  }
  pm->hstart = (uint32_t)e;
  return 1;
}

/* the end of the first sentence of s[a..b) by the tokenizer's splitter */
static uint32_t first_sentence_end(ctx *C, size_t a, size_t b) {
  rs_token toks[256];
  uint32_t ends[256];
  rs_tokenizer T;
  size_t n = 0;
  rs_tok_init(&T, (const char *)C->s, b, 0);
  T.pos = a;
  while (n < 256 && rs_tok_next(&T, &toks[n])) n++;
  if (n == 0) return (uint32_t)a;
  rs_sentence_split((const char *)C->s, toks, n, ends);
  return toks[ends[0]].stop;
}

static int find_points(ctx *C) {
  rs_speech *sp = C->sp;
  size_t k, j;
  int fam;
  C->nmarks = 0;
  for (k = 0; k < sp->nsegs; k++) {
    rs_segment *g = &sp->segs[k];
    pmark pm;
    if (g->kind != RS_SEG_PARAGRAPH && g->kind != RS_SEG_HEADING) continue;
    if (!marker_at(C->s, g->start, g->stop, &pm)) continue;
    if (GROW(C, C->marks, C->nmarks, C->capmarks)) return RS_ENOMEM;
    pm.seg = (uint32_t)k;
    pm.accepted = 0;
    C->marks[C->nmarks++] = pm;
  }
  /* sequences 1, 2, 3 ... per family; a run needs at least two */
  for (fam = 1; fam < F_NFAM; fam++) {
    size_t run0 = 0, runlen = 0;
    int last = 0;
    for (j = 0; j <= C->nmarks; j++) {
      pmark *pm = j < C->nmarks ? &C->marks[j] : NULL;
      if (pm && pm->family != fam) continue;
      if (pm && runlen > 0 && pm->ordinal == last + 1) {
        runlen++;
        last = pm->ordinal;
        continue;
      }
      /* the run ends */
      if (runlen >= 2) {
        size_t x;
        for (x = run0; x < j; x++)
          if (C->marks[x].family == fam) C->marks[x].accepted = 1;
      }
      runlen = 0;
      if (pm && pm->ordinal == 1) {
        run0 = j;
        runlen = 1;
        last = 1;
      }
    }
  }
  /* a point runs until the next point, a salutation or the closing */
  for (j = 0; j < C->nmarks; j++) {
    pmark *pm = &C->marks[j];
    rs_point *pt;
    size_t last = pm->seg;
    if (!pm->accepted) continue;
    if (GROW(C, sp->points, sp->npoints, sp->cappoints)) return RS_ENOMEM;
    pt = &sp->points[sp->npoints++];
    sp->segs[pm->seg].point = pm->ordinal;
    sp->segs[pm->seg].point_index = (int32_t)sp->npoints;
    for (k = pm->seg + 1; k < sp->nsegs; k++) {
      rs_segment *g = &sp->segs[k];
      if (g->kind == RS_SEG_SALUTATION || g->kind == RS_SEG_CLOSING || g->point_index) break;
      {
        size_t x; /* the next accepted marker starts a new point */
        int starts = 0;
        for (x = j + 1; x < C->nmarks && C->marks[x].seg <= k; x++)
          if (C->marks[x].seg == k && C->marks[x].accepted) starts = 1;
        if (starts) break;
      }
      g->point = pm->ordinal;
      g->point_index = (int32_t)sp->npoints;
      last = k;
    }
    pt->ordinal = pm->ordinal;
    pt->first_seg = pm->seg;
    pt->last_seg = (uint32_t)last;
    pt->marker_start = pm->mstart;
    pt->marker_stop = pm->mstop;
    pt->heading_start = pm->hstart;
    pt->heading_stop = first_sentence_end(C, pm->hstart, sp->segs[pm->seg].stop);
    if (pt->heading_stop < pt->heading_start) pt->heading_stop = pt->heading_start;
  }
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== phase 6: sentences */

#define TOKCHUNK 4096

static int emit_sentences(ctx *C, size_t ntok, uint32_t seg, int final, size_t *keep) {
  rs_speech *sp = C->sp;
  size_t ns, k, first = 0, use;
  ns = rs_sentence_split((const char *)C->s, C->toks, ntok, C->ends);
  use = ns;
  if (!final && ns >= 2) use = ns - 1; /* the last one may go on */
  for (k = 0; k < use; k++) {
    rs_sentence *st;
    if (GROW(C, sp->sents, sp->nsents, sp->capsents)) return RS_ENOMEM;
    st = &sp->sents[sp->nsents++];
    st->start = C->toks[first].start;
    st->stop = C->toks[C->ends[k]].stop;
    st->seg = seg;
    first = C->ends[k] + 1;
  }
  *keep = ntok - first;
  if (*keep) memmove(C->toks, C->toks + first, *keep * sizeof *C->toks);
  return RS_OK;
}

static int sentences(ctx *C) {
  rs_speech *sp = C->sp;
  size_t k;
  if (rs_grow(C->M, (void **)&C->toks, &C->captoks, TOKCHUNK, sizeof *C->toks))
    return RS_ENOMEM;
  if (rs_grow(C->M, (void **)&C->ends, &C->capends, TOKCHUNK, sizeof *C->ends))
    return RS_ENOMEM;
  for (k = 0; k < sp->nsegs; k++) {
    rs_tokenizer T;
    size_t n = 0, keep;
    const rs_segment *g = &sp->segs[k];
    rs_tok_init(&T, (const char *)C->s, g->stop, 0);
    T.pos = g->start;
    while (rs_tok_next(&T, &C->toks[n])) {
      if (++n == TOKCHUNK) {
        if (emit_sentences(C, n, (uint32_t)k, 0, &keep)) return RS_ENOMEM;
        n = keep;
        if (n == TOKCHUNK) { /* one sentence longer than the chunk: cut it */
          if (emit_sentences(C, n, (uint32_t)k, 1, &keep)) return RS_ENOMEM;
          n = 0;
        }
      }
    }
    if (n && emit_sentences(C, n, (uint32_t)k, 1, &keep)) return RS_ENOMEM;
  }
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== quotations */

#define QSTACK 32

typedef struct qopen {
  uint32_t pos, len;
  int32_t close1, close2; /* code points that close it */
} qopen;

static int add_quote(ctx *C, const qopen *o, size_t cpos, size_t clen, size_t depth,
                     uint32_t seg) {
  rs_speech *sp = C->sp;
  rs_qspan *q;
  size_t ia = o->pos + o->len, ib = cpos;
  if (GROW(C, sp->quotes, sp->nquotes, sp->capquotes)) return RS_ENOMEM;
  q = &sp->quotes[sp->nquotes++];
  ia = skip_ws(C->s, ia, ib);
  ib = back_ws(C->s, ia, ib);
  q->start = o->pos;
  q->stop = (uint32_t)(cpos + clen);
  q->inner_start = (uint32_t)ia;
  q->inner_stop = (uint32_t)ib;
  q->depth = (uint32_t)depth;
  q->seg = seg;
  return RS_OK;
}

/* close the innermost open quote that cp closes; 1 if one was closed */
static int qclose(ctx *C, qopen *st, size_t *depth, int32_t cp, size_t pos, size_t len,
                  uint32_t seg, int *err) {
  size_t d = *depth;
  while (d > 0) {
    d--;
    if (st[d].close1 == cp || st[d].close2 == cp) {
      if (add_quote(C, &st[d], pos, len, d, seg)) {
        *err = RS_ENOMEM;
        return 1;
      }
      *depth = d;
      return 1;
    }
  }
  return 0;
}

/* ’ between letters of an alphabet is an apostrophe (What’s); between
** Han characters it is a quotation mark */
static int apostrophe(int32_t prev, int32_t next) {
  return is_letter_cp(prev) && is_letter_cp(next) && !is_han(prev) && !is_han(next);
}

static int quotations(ctx *C) {
  rs_speech *sp = C->sp;
  const uchar *s = C->s;
  size_t k;
  for (k = 0; k < sp->nsegs; k++) {
    const rs_segment *g = &sp->segs[k];
    size_t i = g->start, b = g->stop, depth = 0, first = sp->nquotes, x;
    qopen st[QSTACK];
    int err = 0;
    while (i < b) {
      uchar c;
      int32_t cp, prev, next;
      int l;
      /* eight bytes at a time past those with no '"' and no byte >= 0x80 */
      while (i + 8 <= b) {
        uint64_t x, y;
        memcpy(&x, s + i, 8);
        y = x ^ 0x2222222222222222ull;
        if ((((y - 0x0101010101010101ull) & ~y) | x) & 0x8080808080808080ull) break;
        i += 8;
      }
      if (i >= b) break;
      c = s[i];
      if (c != '"' && c != 0xE2 && c != 0xC2 && c != 0xE3) {
        i++;
        continue;
      }
      l = cp_at(s, b, i, &cp);
      cp_before(s, g->start, i, &prev);
      if (i + (size_t)l < b) cp_at(s, b, i + (size_t)l, &next);
      else next = -2;
      switch (cp) {
        case '"': {
          int after_space = prev == -2 || is_sp_cp(prev) || prev == '(' || prev == '[' ||
                            prev == 0x201C || prev == 0x2018 || prev == 0xAB || prev == 0x2014;
          if (depth > 0 && st[depth - 1].close1 == '"' && !(after_space && is_letter_cp(next))) {
            qclose(C, st, &depth, cp, i, 1, (uint32_t)k, &err);
          } else if (after_space && next != -2 && !is_sp_cp(next)) {
            if (depth < QSTACK) {
              st[depth].pos = (uint32_t)i, st[depth].len = 1;
              st[depth].close1 = '"', st[depth].close2 = '"';
              depth++;
            }
          } else {
            qclose(C, st, &depth, cp, i, 1, (uint32_t)k, &err);
          }
          break;
        }
        case 0x201C: /* “ opens, or closes „ */
          if (qclose(C, st, &depth, 0x201C + 0x10000, i, (size_t)l, (uint32_t)k, &err)) break;
          if (depth < QSTACK) {
            st[depth].pos = (uint32_t)i, st[depth].len = (uint32_t)l;
            st[depth].close1 = 0x201D, st[depth].close2 = -1;
            depth++;
          }
          break;
        case 0x201E: /* „ */
          if (depth < QSTACK) {
            st[depth].pos = (uint32_t)i, st[depth].len = (uint32_t)l;
            st[depth].close1 = 0x201D, st[depth].close2 = 0x201C + 0x10000;
            depth++;
          }
          break;
        case 0x2018: /* ‘ opens unless inside a word */
          if (apostrophe(prev, next)) break;
          if (depth < QSTACK) {
            st[depth].pos = (uint32_t)i, st[depth].len = (uint32_t)l;
            st[depth].close1 = 0x2019, st[depth].close2 = -1;
            depth++;
          }
          break;
        case 0x2019: /* ’ closes ‘ unless it is an apostrophe (What’s) */
          if (apostrophe(prev, next)) break;
          qclose(C, st, &depth, cp, i, (size_t)l, (uint32_t)k, &err);
          break;
        case 0xAB: case 0x300C: case 0x300E: /* « 「 『 */
          if (depth < QSTACK) {
            st[depth].pos = (uint32_t)i, st[depth].len = (uint32_t)l;
            st[depth].close1 = cp == 0xAB ? 0xBB : cp + 1, st[depth].close2 = -1;
            depth++;
          }
          break;
        case 0x201D: case 0xBB: case 0x300D: case 0x300F: /* ” » 」 』 */
          qclose(C, st, &depth, cp, i, (size_t)l, (uint32_t)k, &err);
          break;
        default:
          break;
      }
      if (err) return err;
      i += (size_t)l;
    }
    /* in order of their opening marks (nested ones closed first) */
    for (x = first + 1; x < sp->nquotes; x++) {
      rs_qspan q = sp->quotes[x];
      size_t y = x;
      while (y > first && sp->quotes[y - 1].start > q.start) {
        sp->quotes[y] = sp->quotes[y - 1];
        y--;
      }
      sp->quotes[y] = q;
    }
  }
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== language guess */

static int guess_lang(ctx *C) {
  static const char *const names[] = {"en", "fr", "es", "de", "it", "pt"};
  /* the words of each language by first letter, each after its language's
  ** index in names (en fr es de it pt): short, frequent function words */
  static const char *const byfirst[26][11] = {
    ['a' - 'a'] = {"4alla", "0and"},
    ['c' - 'a'] = {"4che", "5com", "2con"},
    ['d' - 'a'] = {"5da", "1dans", "3das", "2del", "4della", "3den", "3der", "1des", "3die", "5do"},
    ['e' - 'a'] = {"3ein", "2el", "5em", "2es", "1est", "1et"},
    ['f' - 'a'] = {"0for"},
    ['g' - 'a'] = {"4gli"},
    ['i' - 'a'] = {"4il", "0in", "0is", "3ist"},
    ['l' - 'a'] = {"1la", "2las", "1le", "1les", "2los"},
    ['m' - 'a'] = {"3mit"},
    ['n' - 'a'] = {"4nel", "3nicht", "4non", "5nos", "5nossa", "1nous"},
    ['o' - 'a'] = {"0of", "5os", "0our"},
    ['p' - 'a'] = {"2para", "5para", "4per", "2por", "1pour"},
    ['q' - 'a'] = {"2que", "5que", "1qui"},
    ['s' - 'a'] = {"4sono"},
    ['t' - 'a'] = {"0that", "0the", "0this", "0to"},
    ['u' - 'a'] = {"5uma", "2una", "4una", "3und", "1une"},
    ['w' - 'a'] = {"0we", "3wir"},
    ['y' - 'a'] = {"2y"},
    ['z' - 'a'] = {"3zu"},
  };
  const uchar *s = C->s;
  size_t a = C->sp->body_start, b = a + 8192 < C->n ? a + 8192 : C->n, i = a;
  size_t han = 0, kana = 0, cyr = 0, arab = 0, latin = 0, hang = 0;
  long score[6] = {0, 0, 0, 0, 0, 0};
  while (i < b) {
    int32_t cp;
    int l = cp_at(s, b, i, &cp);
    if (cp < 0x80 && IS_ASCII_ALPHA(cp)) {
      size_t w = i, len;
      if (latin >= 400) break; /* enough words */
      char buf[8];
      int li;
      while (w < b && IS_ASCII_ALPHA(s[w])) w++;
      latin++;
      len = w - i;
      if (len < 7 && !(w < b && s[w] >= 0x80) && !(i > a && s[i - 1] >= 0x80)) {
        for (li = 0; li < (int)len; li++) buf[li] = (char)LOWER(s[i + (size_t)li]);
        buf[len] = '\0';
        {
          const char *const *e = byfirst[buf[0] - 'a']; /* buf[0] is a-z */
          for (; *e; e++)
            if (strcmp(buf, *e + 1) == 0) score[**e - '0']++;
        }
      }
      i = w;
      continue;
    }
    if (is_han(cp)) han++;
    else if (cp >= 0x3040 && cp <= 0x30FF) kana++;
    else if (cp >= 0x400 && cp <= 0x4FF) cyr++;
    else if (cp >= 0x600 && cp <= 0x6FF) arab++;
    else if (cp >= 0xAC00 && cp <= 0xD7AF) hang++;
    i += (size_t)l;
  }
  if (han + kana + cyr + arab + hang > latin) {
    const char *l = kana * 10 > han ? "ja" : han >= cyr && han >= arab && han >= hang ? "zh"
                    : cyr >= arab && cyr >= hang ? "ru" : arab >= hang ? "ar" : "ko";
    return set_meta_str(C, RS_META_LANG, l);
  }
  if (latin == 0) return RS_OK;
  {
    int best = 0, li;
    for (li = 1; li < 6; li++)
      if (score[li] > score[best]) best = li;
    if (score[best] == 0) return RS_OK;
    return set_meta_str(C, RS_META_LANG, names[best]);
  }
}

/* }====================================================== */

/* {====================================================== entry points */

void rs_speech_free(rs_mem *M, rs_speech *sp) {
  int k;
  for (k = 0; k < RS_META_N; k++)
    if (sp->meta[k]) rs_free(M, sp->meta[k], sp->meta_len[k] + 1);
  rs_free(M, sp->boiler, sp->capboiler * sizeof *sp->boiler);
  rs_free(M, sp->segs, sp->capsegs * sizeof *sp->segs);
  rs_free(M, sp->points, sp->cappoints * sizeof *sp->points);
  rs_free(M, sp->sents, sp->capsents * sizeof *sp->sents);
  rs_free(M, sp->quotes, sp->capquotes * sizeof *sp->quotes);
  rs_free(M, sp->warnings, sp->capwarnings * sizeof *sp->warnings);
  memset(sp, 0, sizeof *sp);
}

int rs_speech_parse(rs_mem *M, const char *text, size_t n, unsigned opts, rs_speech *sp) {
  ctx C;
  size_t body = 0;
  int rc = RS_OK;
  memset(sp, 0, sizeof *sp);
  if (n > RS_MAX_TEXT) return RS_ELIMIT;
  memset(&C, 0, sizeof C);
  C.M = M;
  C.s = (const uchar *)(text ? text : "");
  C.n = text ? n : 0;
  C.opts = opts;
  C.sp = sp;
  if ((rc = scan(&C)) != RS_OK) goto done;
  if ((rc = header(&C, &body)) != RS_OK) goto done;
  if (body < C.npieces) {
    sp->body_start = C.pieces[body].start;
    sp->body_line = C.pieces[body].line;
  } else {
    sp->body_start = (uint32_t)C.n;
    sp->body_line = 0;
  }
  if ((rc = build_units(&C, body)) != RS_OK) goto done;
  if ((rc = split_lead_salutation(&C)) != RS_OK) goto done;
  if (C.npieces > body && (C.pieces[body].flags & PF_IDEO || (body + 1 < C.npieces &&
                                                             C.pieces[body + 1].flags & PF_IDEO)))
    sp->convention |= RS_CONV_IDEOGRAPHIC;
  classify_segments(&C);
  if ((rc = find_points(&C)) != RS_OK) goto done;
  if (!(opts & RS_SP_NO_SENTENCES) && (rc = sentences(&C)) != RS_OK) goto done;
  if ((rc = quotations(&C)) != RS_OK) goto done;
  rc = guess_lang(&C);
done:
  rs_free(M, C.pieces, C.cappieces * sizeof *C.pieces);
  rs_free(M, C.marks, C.capmarks * sizeof *C.marks);
  rs_free(M, C.toks, C.captoks * sizeof *C.toks);
  rs_free(M, C.ends, C.capends * sizeof *C.ends);
  if (rc != RS_OK) rs_speech_free(M, sp);
  return rc;
}

size_t rs_speech_text(const char *text, uint32_t start, uint32_t stop, char *out) {
  const uchar *s = (const uchar *)text;
  size_t a = skip_ws(s, start, stop), b = back_ws(s, a, stop), i = a, o = 0;
  while (i < b) {
    if (s[i] == '\n' || s[i] == '\r') {
      /* the line break and the white space around it: one space */
      size_t j = skip_ws(s, i, b);
      o = back_ws((const uchar *)out, 0, o);
      out[o++] = ' ';
      i = j;
      continue;
    }
    out[o++] = (char)s[i++];
  }
  return o;
}

/* }====================================================== */
