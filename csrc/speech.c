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
    case RS_BP_LEDE: return "lede";
    case RS_BP_NOTE: return "note";
    case RS_BP_TIME: return "time";
    case RS_BP_FOOTER: return "footer";
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
    case RS_WARN_EMPTY: return "no speech: every line is page furniture";
    case RS_WARN_NOSPEAKER: return "no speaker found";
    case RS_WARN_GUESSSPEAKER: return "speaker taken from the turns (the most words)";
    case RS_WARN_NOTITLE: return "no title found in the header";
    case RS_WARN_GUESSTITLE: return "title taken from the first line";
    case RS_WARN_NODATE: return "no date found";
    case RS_WARN_NOYEAR: return "a date without a year";
    case RS_WARN_HEADER: return "header lines removed";
    case RS_WARN_FOOTER: return "footer lines removed";
    case RS_WARN_NOTES: return "note lines removed from the speech";
    default: return "?";
  }
}

const char *rs_warn_code(int code) {
  switch (code) {
    case RS_WARN_UTF8: return "EUTF8";
    case RS_WARN_NUL: return "ENUL";
    case RS_WARN_CTRL: return "ECTRL";
    case RS_WARN_EMPTY: return "EMPTY";
    case RS_WARN_NOSPEAKER: return "NOSPEAKER";
    case RS_WARN_GUESSSPEAKER: return "GUESSSPEAKER";
    case RS_WARN_NOTITLE: return "NOTITLE";
    case RS_WARN_GUESSTITLE: return "GUESSTITLE";
    case RS_WARN_NODATE: return "NODATE";
    case RS_WARN_NOYEAR: return "NOYEAR";
    case RS_WARN_HEADER: return "HEADER";
    case RS_WARN_FOOTER: return "FOOTER";
    case RS_WARN_NOTES: return "NOTES";
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
  size_t k, len;
  if (a >= b || LOWER(s[a]) != (uchar)lit[0]) return lit[0] == '\0';
  len = strlen(lit);
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
#define PF_SKIP 0x08  /* a note inside the body: not speech */

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
  size_t head_end, nheader;  /* the first body piece; header lines */
  size_t foot_start;         /* the first footer piece */
  uint32_t *segpiece;        /* each segment's first piece */
  size_t capsegpiece;
  uint8_t *hint_head;        /* per piece: 0, or 1 + RS_BP_* (1: why to guess) */
  rs_hint *hint_label;       /* per piece: a label (len 0: none) */
  uint8_t *hint_foot;        /* per piece: 1 where a site's footer may begin */
  size_t nhint;              /* pieces when the hints were laid (their size) */
  int procedural;            /* a verbatim record: "called to order" in the head */
} ctx;

static int is_lower_start(const uchar *s, size_t i, size_t b);

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
  if (i >= b) return 0;
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
  {
    size_t j; /* every form has digits */
    for (j = a; j < b && !IS_DIGIT(s[j]); j++) {}
    if (j >= b) return 0;
  }
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
  if (ci_word(s, a, b, "in") || ci_word(s, a, b, "at")) a = skip_ws(s, a + 2, b);
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
  "mdm.", "mdm", "hon'ble", "hon\xe2\x80\x99" "ble",
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
      last == 0xFF0C || last == 0xFF1A || last == 0xFF01 || last == 0x3001 || last == 0x2013 ||
      last == 0x2014)
    return 1;
  return 2;
}

/* invocations open a speech: "In the name of God, the Compassionate, the Merciful" */
static const char *const invocations[] = {
  "in the name of god", "in the name of allah", "in the holy name", "in the name of the father",
  "in the name of almighty", "bismillah", "bismilliah", "bismi", "praise be to god",
  "praise be to allah", "all praise", "assalamu", "assalam", "as-salamu", "salaam", "salam",
  "peace be upon", "namaskar", "namaste", "vanakkam", "om ", NULL};

static int is_invocation(const uchar *s, size_t a, size_t b) {
  int k;
  if (a >= b || b - a >= 300) return 0;
  for (k = 0; invocations[k]; k++)
    if ((uchar)invocations[k][0] == LOWER(s[a]) && ci_word(s, a, b, invocations[k])) return 1;
  return 0;
}

static int is_salutation(const uchar *s, size_t a, size_t b, int prev_sal, int seen_par) {
  size_t v = skip_bullet(s, a, b), words;
  int shape;
  if (v >= b) return 0;
  if (is_invocation(s, v, b)) return 1;
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

/* {====================================================== phase 2: page furniture
**
** Above the speech a scraped page has its header (navigation, title, byline,
** date, place and time lines, a lede, notes), below it a footer (share
** buttons, related headlines, release numbers). The parser decides from the
** shape of a line (short, no sentence punctuation, date-like, label-like,
** navigation-like, repeated) and from its position (before the first
** salutation, label or paragraph; after the closing), not from a list of
** sites: the word lists below are what such lines are made of anywhere.
*/

/* line classes of the head */
enum {
  LC_PARA = 0, /* sentences: speech, or a lede when header lines follow */
  LC_SAL,      /* a salutation, address line or invocation: the speech begins */
  LC_LABEL,    /* a speaker label and what they say: the speech begins */
  LC_SECTION,  /* "I. Introduction": a section of the speech begins */
  LC_BREAD,    /* navigation */
  LC_TITLE,    /* "Remarks by ...", "Full text of ...", "X's speech at ..." */
  LC_SHORT,    /* short, no sentence punctuation: title, section, place ... */
  LC_DATE,     /* a dateline */
  LC_TIME,     /* 9:02 A.M. EST */
  LC_BYLINE,   /* by, Source:, From:, Posted by, Editor: */
  LC_ORG,      /* an issuing office: "Permanent Mission of X", "Office of the President" */
  LC_NOTE,     /* Check against delivery, (Applause.), procedure */
  LC_SPEAKER,  /* "Name, Role", "Speech by H.E. X", "Delivered by X" */
  LC_LEDE,     /* an agency lead or "The following is the full text:" */
  LC_KEY,      /* "From:", "Published", "Delivered on:" alone: the next line is its value */
  LC_ROLE,     /* a role line under a name */
  LC_PLACE     /* a place line near the date */
};

typedef struct hinfo {
  uint8_t cls;
  uint8_t key;            /* LC_KEY: the class of the next line */
  uint8_t date_ok, date_prio;
  uint8_t md_m, md_d;     /* a date without a year */
  uint8_t src_prio, name_prio;
  date_t date;
  size_t place_a, place_b;
  size_t src_a, src_b;
  size_t name_a, name_b;
  size_t role_a, role_b;
  size_t title_a, title_b; /* a title found inside (glued breadcrumb, zh dateline) */
} hinfo;

static const char *const role_words[] = {
  "president", "prime minister", "premier", "chancellor", "king", "queen", "emir",
  "sultan", "prince", "princess", "secretary", "minister", "chairman", "chairwoman",
  "chair", "governor", "senator", "ambassador", "representative", "head of", "leader",
  "vice", "general secretary", "director", "mayor", "member", "speaker", "chief",
  "commissioner", "foreign minister", "permanent representative", "his majesty",
  "her majesty", "president of", "pr\xc3\xa9sident", "presidente", "ministre", "ministro",
  "canciller", "rey", "reina", "official spokesperson", "spokesperson", "spokesman",
  "spokeswoman", "press secretary", "foreign ministry spokesperson", "deputy", "acting",
  "external affairs minister", "national security adviser", "first lady", "crown prince",
  "secretary-general", "under-secretary", "high representative", "special envoy", NULL};

static int starts_role(const uchar *s, size_t a, size_t b) {
  int k;
  if (ci_word(s, a, b, "the ")) a += 4;
  for (k = 0; role_words[k]; k++)
    if (ci_word(s, a, b, role_words[k])) return 1;
  return 0;
}

/* ---- words and tokens ---- */

static int is_blank_byte(const uchar *s, size_t i, size_t b) {
  return s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
         (s[i] == 0xC2 && i + 1 < b && s[i + 1] == 0xA0);
}

/* past white space (ASCII and no-break space) */
static size_t tok_skip(const uchar *s, size_t i, size_t b) {
  while (i < b && is_blank_byte(s, i, b)) i += s[i] == 0xC2 ? 2 : 1;
  return i;
}

/* the end of the run of non-space bytes at i */
static size_t tok_end(const uchar *s, size_t i, size_t b) {
  while (i < b && !is_blank_byte(s, i, b)) i++;
  return i;
}

typedef struct tspan {
  size_t a, b;
} tspan;

#define MAXTOK 40

/* the space-separated tokens of s[a..b), at most max */
static size_t tokens(const uchar *s, size_t a, size_t b, tspan *t, size_t max) {
  size_t n = 0, i = tok_skip(s, a, b);
  while (i < b && n < max) {
    size_t e = tok_end(s, i, b);
    t[n].a = i, t[n].b = e;
    n++;
    i = tok_skip(s, e, b);
  }
  return n;
}

/* the token without trailing , ; : . (an abbreviation keeps its dot) */
static size_t tok_core_end(const uchar *s, size_t a, size_t b) {
  while (b > a && (s[b - 1] == ',' || s[b - 1] == ';' || s[b - 1] == ':')) b--;
  if (b > a + 1 && s[b - 1] == '.' && b - a > 4) b--;
  return b;
}

/* is the token one of the words of list (lower case), exactly */
static int tok_in(const uchar *s, size_t a, size_t b, const char *const *list) {
  int k;
  b = tok_core_end(s, a, b);
  if (b > a + 2 && (has_suffix(s, a, b, "'s") || has_suffix(s, a, b, "\xe2\x80\x99s")))
    b -= s[b - 2] == '\'' ? 2 : 4;
  if (b <= a) return 0;
  for (k = 0; list[k]; k++) {
    size_t len, j;
    if ((uchar)list[k][0] != LOWER(s[a])) continue;
    len = strlen(list[k]);
    if (len != b - a) continue;
    for (j = 0; j < len; j++)
      if (LOWER(s[a + j]) != (uchar)list[k][j]) break;
    if (j == len) return 1;
  }
  return 0;
}

/* the length of the first entry of list that s[a..b) starts with, 0 if none */
static size_t kw_at(const uchar *s, size_t a, size_t b, const char *const *list) {
  int k;
  uchar c;
  if (a >= b) return 0;
  c = (uchar)LOWER(s[a]);
  for (k = 0; list[k]; k++)
    if ((uchar)list[k][0] == c && ci_word(s, a, b, list[k])) return strlen(list[k]);
  return 0;
}

/* does s[a..b) contain one of list (lower case): one pass over the text,
** trying the entries that start with each byte */
static int kw_in(const uchar *s, size_t a, size_t b, const char *const *list) {
  size_t i;
  int k;
  uint32_t pairs[23]; /* a bit per pair of first two bytes (27 classes: a-z, other) */
  memset(pairs, 0, sizeof pairs);
  for (k = 0; list[k]; k++) {
    uchar f = (uchar)list[k][0], g = (uchar)list[k][1];
    unsigned x = (IS_ASCII_LOWER(f) ? (unsigned)(f - 'a') : 26u) * 27u +
                 (IS_ASCII_LOWER(g) ? (unsigned)(g - 'a') : 26u);
    pairs[x >> 5] |= 1u << (x & 31);
  }
  for (i = a; i + 1 < b; i++) {
    uchar c = (uchar)LOWER(s[i]), d = (uchar)LOWER(s[i + 1]);
    unsigned x = (IS_ASCII_LOWER(c) ? (unsigned)(c - 'a') : 26u) * 27u +
                 (IS_ASCII_LOWER(d) ? (unsigned)(d - 'a') : 26u);
    if (!(pairs[x >> 5] & (1u << (x & 31)))) continue;
    for (k = 0; list[k]; k++) {
      const char *w = list[k];
      size_t len, j;
      if ((uchar)w[0] != c) continue;
      len = strlen(w);
      if (b - i < len) continue;
      for (j = 1; j < len; j++)
        if (LOWER(s[i + j]) != (uchar)w[j]) break;
      if (j == len) return 1;
    }
  }
  return 0;
}

/* a sentence ends inside s[a..b): ". X", "? X", "! X" (not after an abbreviation) */
static int inner_break(const uchar *s, size_t a, size_t b) {
  size_t i;
  for (i = a + 1; i + 2 < b; i++) {
    if ((s[i] == '.' || s[i] == '?' || s[i] == '!') && s[i + 1] == ' ' && IS_ASCII_UPPER(s[i + 2])) {
      size_t w = i;
      while (w > a && s[w - 1] != ' ') w--;
      if (s[i] == '.' && i - w <= 3 && IS_ASCII_UPPER(s[w])) continue; /* Mr. H.E. St. */
      return 1;
    }
  }
  return 0;
}

/* does s[a..b) end a sentence (. ! ? and closing quotes or brackets after);
** an abbreviation at the end ("D.C.", "U.S.", "St.") does not */
static int ends_sentence(const uchar *s, size_t a, size_t b) {
  int guard = 0;
  if (b > a + 1 && s[b - 1] == '.') {
    size_t w = b - 1;
    while (w > a && s[w - 1] != ' ') w--;
    if (b - w <= 5 && IS_ASCII_UPPER(s[w]) && (b - w <= 3 || s[w + 1] == '.')) return 0;
  }
  while (b > a && guard++ < 4) {
    int32_t cp;
    int l = cp_before(s, a, b, &cp);
    if (cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == 0x201D || cp == 0x2019 ||
        cp == 0xBB || cp == 0x300D || cp == 0x300F || cp == 0xFF09 || cp == '*' || cp == '_') {
      b -= (size_t)l;
      continue;
    }
    return is_final_punct(cp);
  }
  return 0;
}

/* no lower case ASCII letter, at least two upper case */
static int is_all_caps(const uchar *s, size_t a, size_t b) { return all_caps(s, a, b); }

/* strip Markdown emphasis and list marks around a line: "*x*", "_x_", "## x" */
static void strip_marks(const uchar *s, size_t *pa, size_t *pb) {
  size_t a = skip_bullet(s, *pa, *pb), b = *pb;
  while (a < b && (s[a] == '*' || s[a] == '_')) a++;
  while (b > a && (s[b - 1] == '*' || s[b - 1] == '_')) b--;
  a = skip_ws(s, a, b);
  b = back_ws(s, a, b);
  *pa = a, *pb = b;
}

/* is s[a..b) one of list, alone (a ':' or '...' after it allowed) */
static int whole_line_in(const uchar *s, size_t a, size_t b, const char *const *list) {
  while (b > a && (s[b - 1] == ':' || s[b - 1] == '.' || s[b - 1] == ' ' || s[b - 1] == '>' ||
                   s[b - 1] == '|'))
    b--;
  return b > a && tok_in(s, a, b, list) ? 1 : b > a && kw_at(s, a, b, list) == b - a;
}

/* ---- names, roles and honorifics ---- */

static const char *const honorifics[] = {
  "his excellency", "her excellency", "their excellencies", "his royal highness",
  "her royal highness", "his majesty", "her majesty", "his highness", "her highness",
  "the right honourable", "the right honorable", "right honourable", "right honorable",
  "the rt. hon.", "the rt hon.", "the rt hon", "rt. hon.", "rt hon.", "rt hon",
  "the honourable", "the honorable", "the hon.", "the hon", "honourable", "honorable",
  "hon\xe2\x80\x99" "ble", "hon'ble", "hon.", "hon", "h.e.", "h. e.", "h.e", "mr.", "mr", "mrs.",
  "mrs", "ms.", "ms", "dr.", "dr", "prof.", "sir", "dame", "shri", "shrimati", "smt.", "smt",
  "sri", "madam", "madame", "mme.", "mme", "mdm.", "mdm", "mister", "comrade", "se\xc3\xb1or", "se\xc3\xb1ora",
  "monsieur", NULL};

/* past the honorifics at a ("H.E. Mr. ", "The Rt Hon ") */
static size_t skip_hon(const uchar *s, size_t a, size_t b) {
  for (;;) {
    size_t len;
    a = tok_skip(s, a, b);
    len = kw_at(s, a, b, honorifics);
    if (!len) return a;
    a += len;
  }
}

/* single words of role phrases ("Foreign Ministry Spokesperson") */
static const char *const roleword[] = {
  "president", "vice-president", "vice", "prime", "minister", "premier", "chancellor",
  "secretary-general", "secretary", "under-secretary-general", "deputy", "assistant",
  "press", "spokesperson", "spokesman", "spokeswoman", "official", "foreign", "ministry",
  "national", "economic", "security", "adviser", "advisor", "ambassador", "permanent",
  "representative", "king", "queen", "emir", "amir", "sultan", "crown", "prince",
  "princess", "governor", "senator", "mayor", "chief", "executive", "justice",
  "commissioner", "director", "director-general", "general", "chair", "chairman",
  "chairwoman", "chairperson", "leader", "head", "councilor", "councillor", "first",
  "lady", "acting", "high", "special", "envoy", "coordinator", "administrator", "speaker",
  "pm", "fm", "cm", "union", "cabinet", "federal", "chinese", "russian", "american",
  "french", "indian", "british", "german", "u.s.", "un", "eu", "defence", "defense",
  "finance", "interior", "external", "affairs", "trade", "majority", "minority",
  "general-secretary", "state", "white", "house", "senior", "admiral", "colonel", "energy",
  "health", "education", "environment", "agriculture", "transport", "labour", "labor",
  "culture", "economy", "industry", "housing", "tourism", "science", "climate", "treasury",
  "justice", "communications", "infrastructure", "development", "women", "youth", "sports",
  "pr\xc3\xa9sident", "presidente", "ministre", "ministro", "the", "gov.", "sen.", "rep.",
  "amb.", "gen.", NULL};

/* words that make a capitalised run an institution, not a person */
static const char *const orgword[] = {
  "republic", "kingdom", "states", "nations", "assembly", "federation", "union",
  "council", "government", "affairs", "ministry", "islands", "emirates", "organization",
  "organisation", "committee", "commission", "bank", "court", "party", "congress",
  "parliament", "senate", "community", "region", "province", "office", "department",
  "house", "agency", "forum", "summit", "conference", "session", "day", "week", NULL};

static const char *const particles[] = {"bin", "al", "de", "van", "von", "da", "del", "la",
                                        "le", "di", "ibn", "el", "dos", "du", "y", "der",
                                        "ter", "bint", "abu", NULL};

/* a token of a person's name: capitalised (or a particle), no digits */
static int name_tok(const uchar *s, size_t a, size_t b) {
  size_t k, e = tok_core_end(s, a, b);
  if (e <= a) return 0;
  if (!is_upper_start(s, a, e)) return tok_in(s, a, e, particles);
  for (k = a; k < e; k++)
    if (IS_DIGIT(s[k]) || s[k] == '(' || s[k] == ')' || s[k] == '|' || s[k] == '/') return 0;
  return !tok_in(s, a, e, orgword);
}

/* split "Role Name", "Role of Country Name", "Role, Name", "Name, Role" and
** "Role Hon Dr Name" into role and name spans (either may be empty) */
static void split_role_name(const uchar *s, size_t a, size_t b, size_t *ra, size_t *rb,
                            size_t *na, size_t *nb) {
  tspan t[MAXTOK];
  size_t n = tokens(s, a, b, t, MAXTOK), i, j, c;
  *ra = *rb = *na = *nb = a;
  if (n == 0) return;
  /* a comma between the two */
  for (c = 0; c + 1 < n; c++)
    if (s[t[c].b - 1] == ',') break;
  if (c + 1 < n) {
    size_t l0 = t[0].a, l1 = t[c].b - 1, r0 = t[c + 1].a, r1 = t[n - 1].b;
    if (starts_role(s, skip_hon(s, l0, l1), l1)) {
      *ra = l0, *rb = l1;
      *na = skip_hon(s, r0, r1), *nb = r1;
      return;
    }
    *na = skip_hon(s, l0, l1), *nb = l1;
    *ra = r0, *rb = r1;
    return;
  }
  /* an honorific inside: "Prime Minister of X Hon Dr Name" */
  for (i = 1; i < n; i++)
    if (kw_at(s, t[i].a, b, honorifics) && (i + 1 < n || !tok_in(s, t[i].a, t[i].b, roleword))) {
      size_t x = skip_hon(s, t[i].a, b);
      if (x < b) {
        *ra = t[0].a, *rb = t[i - 1].b;
        *na = x, *nb = t[n - 1].b;
        return;
      }
    }
  i = 0;
  {
    size_t x = skip_hon(s, t[0].a, b);
    while (i < n && t[i].a < x) i++;
  }
  if (i < n && tok_in(s, t[i].a, t[i].b, particles) && LOWER(s[t[i].a]) == 't') i++; /* the */
  j = i;
  while (j < n && tok_in(s, t[j].a, t[j].b, roleword)) j++;
  if (j == i || (j == i + 1 && ci_word(s, t[i].a, t[i].b, "the"))) { /* no role: a name */
    *na = t[i < n ? i : 0].a, *nb = t[n - 1].b;
    return;
  }
  if (j < n && (ci_word(s, t[j].a, t[j].b, "of") || ci_word(s, t[j].a, t[j].b, "for") ||
                ci_word(s, t[j].a, t[j].b, "to"))) {
    /* the name is the last two capitalised words (three with a particle) */
    size_t k = n >= 2 ? n - 2 : 0;
    if (k > j + 2 && tok_in(s, t[k - 1].a, t[k - 1].b, particles)) k--;
    if (k > j + 1 && name_tok(s, t[k].a, t[k].b) && name_tok(s, t[n - 1].a, t[n - 1].b) &&
        is_upper_start(s, t[k].a, t[k].b)) {
      *ra = t[i].a, *rb = t[k - 1].b;
      *na = t[k].a, *nb = t[n - 1].b;
      return;
    }
    *ra = t[i].a, *rb = t[n - 1].b; /* a role alone */
    return;
  }
  *ra = t[i].a, *rb = t[j - 1].b;
  if (j < n) {
    size_t x = skip_hon(s, t[j].a, b);
    *na = x, *nb = t[n - 1].b;
  }
}

/* is every token of s[a..b) part of a name, 1 to 5 of them */
static const char *const vocword[] = {"excellencies", "excellency", "ladies", "gentlemen",
                                      "delegates", "colleagues", "friends", "members",
                                      "distinguished", "honourable", "honorable", "dear",
                                      "brothers", "sisters", "all", "everyone", "heads",
                                      "representatives", "guests", "citizens", NULL};

static int name_shaped(const uchar *s, size_t a, size_t b, size_t minw) {
  tspan t[8];
  size_t n, k;
  if (a >= b || b - a > 60) return 0;
  n = tokens(s, a, b, t, 8);
  if (n < minw || n > 5) return 0;
  for (k = 0; k < n; k++) {
    if (!name_tok(s, t[k].a, t[k].b)) return 0;
    if (tok_in(s, t[k].a, t[k].b, vocword) || tok_in(s, t[k].a, t[k].b, roleword)) return 0;
    if (k + 1 < n && (s[t[k].b - 1] == ',' || s[t[k].b - 1] == ';')) return 0;
  }
  return is_upper_start(s, t[0].a, t[0].b) && is_upper_start(s, t[n - 1].a, t[n - 1].b);
}

static const char *const speechword[] = {
  "speech", "remarks", "address", "statement", "message", "keynote", "interview",
  "regular", "press", "opening", "closing", "full", "video", "new", "televised",
  "inaugural", "lecture", "briefing", "media", "op-ed", "letter", "toast", NULL};

/* words that end a name in a title ("Dana Whitfield Aboard Air Force One") */
static const char *const namestop[] = {"aboard", "at", "in", "on", "during", "before", "after",
                                       "with", "from", "to", "for", "following", "upon", "via",
                                       "en", "regarding", "about", "and", "of", "as", NULL};

/* "... by [the] [Role] Name[, Role,] [at ...]": a speaker named in a title
** or a "Delivered by" line; returns 1 with spans (name may be empty when
** only a role is given), *after past what was read */
static int by_phrase(const uchar *s, size_t a, size_t b, size_t *na, size_t *nb, size_t *ra,
                     size_t *rb, size_t *after) {
  size_t i;
  for (i = a; i + 3 < b; i++) {
    tspan t[MAXTOK];
    size_t n, k, r0, r1, n0, n1, x, wl;
    if (i > a && s[i - 1] != ' ') continue;
    if ((s[i] == 'b' || s[i] == 'B') && s[i + 1] == 'y' && s[i + 2] == ' ') {
      wl = 3;
    } else if (ci_word(s, i, b, "from ") && i > a) {
      /* "Statement from President X": after a speech word only */
      size_t w = back_ws(s, a, i), w0 = w;
      while (w0 > a && s[w0 - 1] != ' ') w0--;
      if (!tok_in(s, w0, w, speechword)) continue;
      wl = 5;
    } else {
      continue;
    }
    x = skip_hon(s, i + wl, b);
    if (ci_word(s, x, b, "the")) x = skip_hon(s, x + 3, b);
    n = tokens(s, x, b, t, MAXTOK);
    if (n == 0 || !is_upper_start(s, t[0].a, t[0].b)) continue;
    /* role words, then honorifics, then the name */
    k = 0;
    while (k < n && tok_in(s, t[k].a, t[k].b, roleword) && !ci_word(s, t[k].a, t[k].b, "the") &&
           s[t[k].b - 1] != ',')
      k++;
    r0 = x, r1 = k > 0 ? t[k - 1].b : x;
    if (k > 0 && k < n && s[t[k - 1].b - 1] == ',') r1--;
    n0 = k < n ? skip_hon(s, t[k].a, b) : b;
    while (k < n && t[k].a < n0) k++;
    n1 = n0;
    while (k < n && name_tok(s, t[k].a, t[k].b)) {
      size_t e = tok_core_end(s, t[k].a, t[k].b);
      if (ci_word(s, t[k].a, t[k].b, "and") || ci_word(s, t[k].a, t[k].b, "of") ||
          tok_in(s, t[k].a, t[k].b, namestop))
        break;
      n1 = e;
      k++;
      if (e < t[k - 1].b) break; /* "Name," or "Name:" */
    }
    if (n1 > n0 && r1 == r0 && count_words(s, n0, n1, 3) < 2) n1 = n0; /* one word needs a role */
    if (n1 == n0 && r1 > r0) { /* "by the President of the Republic, Emile Durand, at" */
      size_t c1 = find_lit(s, r0, b, ","), c2;
      if (c1 < b && c1 - r0 < 80) {
        size_t z = skip_ws(s, c1 + 1, b);
        c2 = z;
        while (c2 < b && s[c2] != ',' && s[c2] != '(' && s[c2] != '|') c2++;
        c2 = back_ws(s, z, c2);
        z = skip_hon(s, z, c2);
        if (name_shaped(s, z, c2, 2)) {
          *na = z, *nb = c2, *ra = r0, *rb = back_ws(s, r0, c1);
          *after = c2;
          return 1;
        }
      }
    }
    if (n1 == n0 && r1 == r0) continue;
    *na = n0, *nb = n1, *ra = r0, *rb = r1;
    *after = n1 > n0 ? n1 : r1;
    /* ", Role of Country," after the name */
    if (n1 > n0) {
      size_t y = skip_ws(s, n1, b);
      if (y < b && s[y] == ',') {
        size_t z = skip_ws(s, y + 1, b), e = z;
        if (starts_role(s, z, b)) {
          while (e < b && s[e] != ',' && s[e] != '(' && s[e] != '|') e++;
          e = back_ws(s, z, e);
          *ra = z, *rb = e;
          *after = e;
        }
      }
    }
    return 1;
  }
  return 0;
}


/* "[Role] Name's speech at ...": name (and role) before a possessive */
static int possessive(const uchar *s, size_t a, size_t b, size_t *na, size_t *nb, size_t *ra,
                      size_t *rb) {
  tspan t[MAXTOK];
  size_t n = tokens(s, a, b, t, MAXTOK), k;
  for (k = 0; k + 1 < n; k++) {
    size_t e = t[k].b, j, n0;
    int apos = has_suffix(s, t[k].a, e, "'s") || has_suffix(s, t[k].a, e, "\xe2\x80\x99s");
    if (!apos) continue;
    { /* a speech word soon after: "X's State of the City Address" */
      size_t j2;
      int sw = 0;
      for (j2 = k + 1; j2 < n && j2 <= k + 6 && !sw; j2++)
        sw = tok_in(s, t[j2].a, t[j2].b, speechword);
      if (!sw) continue;
    }
    e -= s[e - 2] == '\'' ? 2 : 4;
    /* back over the name, then honorifics, then role words */
    j = k + 1;
    while (j > 0 && is_upper_start(s, t[j - 1].a, t[j - 1].b) &&
           !tok_in(s, t[j - 1].a, t[j - 1].b, roleword) && !kw_at(s, t[j - 1].a, b, honorifics) &&
           !tok_in(s, t[j - 1].a, t[j - 1].b, orgword) && k + 1 - j < 4)
      j--;
    n0 = j <= k ? t[j].a : e;
    while (j > 0 && kw_at(s, t[j - 1].a, b, honorifics)) j--;
    {
      size_t r = j;
      while (r > 0 && tok_in(s, t[r - 1].a, t[r - 1].b, roleword) &&
             !ci_word(s, t[r - 1].a, t[r - 1].b, "the"))
        r--;
      *ra = r < j ? t[r].a : a, *rb = r < j ? t[j - 1].b : a;
      if (r == j && n0 == e) continue;
      if (r < j && n0 == e) { /* a role alone: "Foreign Secretary's" */
        *rb = e;
        *na = *nb = a;
        return 1;
      }
    }
    *na = n0, *nb = e;
    if (*ra == *rb && count_words(s, n0, e, 3) < 2) return 0;
    return 1;
  }
  return 0;
}

/* ---- times ---- */

/* a clock time at i ("9:02 A.M. EST", "18:30", "10:46AM", "9 a.m."); *e past it */
static int time_at(const uchar *s, size_t i, size_t b, size_t *e) {
  size_t j, k;
  int h = num_at(s, i, b, 2, &j), m = 0, ampm = 0;
  if (h < 0 || h > 24) return 0;
  if (j + 2 < b && (s[j] == ':' || s[j] == '.') && IS_DIGIT(s[j + 1]) && IS_DIGIT(s[j + 2])) {
    m = (s[j + 1] - '0') * 10 + (s[j + 2] - '0');
    j += 3;
    if (j + 2 < b && s[j] == ':' && IS_DIGIT(s[j + 1]) && IS_DIGIT(s[j + 2])) j += 3;
    if (m > 59) return 0;
  } else {
    m = -1;
  }
  k = skip_ws(s, j, b);
  if (k < b && (LOWER(s[k]) == 'a' || LOWER(s[k]) == 'p')) {
    size_t x = k + 1;
    if (x < b && s[x] == '.') x++;
    x = skip_ws(s, x, b);
    if (x < b && LOWER(s[x]) == 'm') {
      x++;
      if (x < b && s[x] == '.') x++;
      if (!(x < b && IS_ASCII_ALPHA(s[x]))) {
        j = x;
        ampm = 1;
      }
    }
  }
  if (m < 0 && !ampm) return 0;
  /* a time zone: EST, GMT+3, (Moscow time), local time, hrs, IST */
  k = skip_ws(s, j, b);
  {
    size_t x = k;
    while (x < b && IS_ASCII_UPPER(s[x])) x++;
    if (x - k >= 2 && x - k <= 5 && !(x < b && IS_ASCII_ALPHA(s[x]))) {
      if (x < b && (s[x] == '+' || s[x] == '-') && x + 1 < b && IS_DIGIT(s[x + 1])) x += 2;
      j = x;
    } else if (ci_word(s, k, b, "hrs") || ci_word(s, k, b, "hours") || ci_word(s, k, b, "h")) {
      j = k + (ci_word(s, k, b, "hrs") ? 3 : ci_word(s, k, b, "hours") ? 5 : 1);
    } else if (ci_word(s, k, b, "local time")) {
      j = k + 10;
    } else if (k < b && s[k] == '(') {
      size_t c = find_lit(s, k, b, ")");
      if (c < b && c - k < 30 && ci_contains(s, k, c, "time")) j = c + 1;
    }
  }
  *e = j;
  return 1;
}

/* a line that is a time (and "END" before it, or "Time:") */
static int is_time_line(const uchar *s, size_t a, size_t b) {
  size_t e;
  if (ci_word(s, a, b, "end")) a = skip_ws(s, a + 3, b);
  if (ci_word(s, a, b, "time:")) a = skip_ws(s, a + 5, b);
  if (ci_word(s, a, b, "at")) a = skip_ws(s, a + 2, b);
  if (a >= b || !IS_DIGIT(s[a]) || !time_at(s, a, b, &e)) return 0;
  e = skip_ws(s, e, b);
  while (e < b && (s[e] == '.' || s[e] == ',' || s[e] == ')' || s[e] == ']')) e++;
  return skip_ws(s, e, b) >= b;
}

/* month and day without a year ("Nov. 10", "April 22", "10 November") */
static int md_at(const uchar *s, size_t i, size_t b, int *pm, int *pd, size_t *e) {
  size_t x;
  int m, d;
  if (i >= b) return 0;
  if (IS_DIGIT(s[i])) {
    d = num_at(s, i, b, 2, &x);
    if (d < 1 || d > 31) return 0;
    x = skip_ws(s, skip_ordsuffix(s, x, b), b);
    m = month_at(s, x, b, &x);
    if (!m) return 0;
  } else {
    m = month_at(s, i, b, &x);
    if (!m) return 0;
    x = skip_ws(s, x, b);
    d = num_at(s, x, b, 2, &x);
    if (d < 1 || d > 31) return 0;
    x = skip_ordsuffix(s, x, b);
  }
  if (x < b && IS_ASCII_ALPHA(s[x])) return 0;
  *pm = m, *pd = d, *e = x;
  return 1;
}

/* ---- speaker labels ("THE PRESIDENT:", "Q", "Mr. X (France) (spoke in French):") ---- */

enum { LB_NONE = 0, LB_NAMED, LB_Q, LB_A };

/* label words that are not people (a heading, a note, a sentence opener) */
static const char *const notalabel[] = {
  "note", "notes", "nb", "n.b.", "ps", "p.s.", "source", "sources", "editor", "editors",
  "photo", "photos", "picture", "image", "update", "updated", "translation", "translated",
  "transcript", "summary", "background", "subject", "re", "date", "time", "location",
  "place", "venue", "tags", "tag", "keywords", "related", "share", "print", "email",
  "e-mail", "tel", "telephone", "phone", "fax", "website", "web", "url", "link", "links",
  "disclaimer", "warning", "caution", "attention", "important", "breaking", "video",
  "audio", "watch", "listen", "read", "see", "also", "example", "first", "second",
  "third", "fourth", "fifth", "finally", "lastly", "today", "tonight", "now", "here",
  "there", "this", "that", "these", "those", "it", "we", "our", "i", "my", "you", "your",
  "they", "he", "she", "his", "her", "its", "what", "why", "how", "when", "where", "who",
  "which", "in", "on", "at", "to", "for", "by", "with", "from", "and", "but", "or", "so",
  "yes", "no", "as", "if", "remember", "look", "consider", "conclusion", "introduction",
  "chapter", "part", "section", "article", "item", "agenda", "title", "subtitle", "topic",
  "theme", "posted", "published", "delivered", "filed", "category", "categories", "author",
  "comments", "reference", "references", "contact", "contacts", "address", "dear", "hello",
  "ladies", "gentlemen", "friends", "colleagues", "excellencies", "excellency", "madam",
  "good", "thanks", "thank", "welcome", "please", "meanwhile", "however", "therefore",
  "result", "results", "objective", "goal", "goals", "aim", "purpose", "mission",
  "vision", "lesson", "lessons", "conclusions", "recommendations", "note:", "a", "an",
  "chair", "agenda", "outcome", "step", "phase", "stage", "point", "points", NULL};

static const char *const qwords[] = {"q", "q.", "question", "questions", "questioner",
                                     "journalist", "reporter", "audience", "audience member",
                                     "participant", "query", NULL};

/* A speaker label at the start of s[a..b): LB_* and *le (end of the label's
** name part, before the colon) and *te (start of what follows). A named
** label: at most ten words that are capitalised, particles, honorifics or
** parenthesised ("(France)"), then ':' and a space or the end. */
static int label_at(const uchar *s, size_t a, size_t b, size_t *le, size_t *te) {
  size_t i = a, lim, words = 0, c;
  int paren = 0;
  if (a >= b) return LB_NONE;
  /* Q / Q. / Q: / A: */
  if ((s[a] == 'Q' || s[a] == 'A') && a + 1 <= b) {
    size_t x = a + 1;
    int colon = x < b && (s[x] == ':' || s[x] == '.');
    if (colon) x++;
    if (x >= b || s[x] == ' ' || s[x] == '\t' || has_prefix(s, x, b, "\xC2\xA0")) {
      size_t y = tok_skip(s, x, b);
      int wide = y - x >= 2 || (x < b && s[x] == '\t');
      if (s[a] == 'Q' && (colon || wide || (y < b && !IS_ASCII_LOWER(s[y])))) {
        if (y < b && IS_ASCII_LOWER(s[y])) return LB_NONE;
        *le = a + 1, *te = y;
        return LB_Q;
      }
      if (s[a] == 'A' && ((colon && s[a + 1] == ':') || wide) && !(y < b && IS_ASCII_LOWER(s[y]))) {
        *le = a + 1, *te = y;
        return LB_A;
      }
    }
  }
  /* 问：答： and a short Han label before ： */
  if (s[a] >= 0xE0) {
    size_t j = a, han = 0;
    while (j < b && han <= 12) {
      int32_t cp;
      int l = cp_at(s, b, j, &cp);
      if (cp == 0xFF1A || cp == ':') break;
      if (!is_han(cp) && cp != 0xB7 && cp != 0x30FB) return LB_NONE;
      han++;
      j += (size_t)l;
    }
    if (j >= b || han == 0 || han > 12) return LB_NONE;
    *le = j;
    *te = skip_ws(s, j + (s[j] == ':' ? 1 : 3), b);
    if (han == 1 && has_prefix(s, a, b, "\xe9\x97\xae")) return LB_Q; /* 问 */
    if (han == 1 && has_prefix(s, a, b, "\xe7\xad\x94")) return LB_A; /* 答 */
    return han >= 2 ? LB_NAMED : LB_NONE;
  }
  if (!is_upper_start(s, a, b)) return LB_NONE;
  lim = a + 110 < b ? a + 110 : b;
  /* no colon near the start: no label (the common case, found fast) */
  if (!memchr(s + a, ':', lim - a) && !memchr(s + a, 0xBC, lim - a)) return LB_NONE;
  while (i < lim) {
    uchar ch = s[i];
    if (ch == '(') {
      paren++;
      i++;
      continue;
    }
    if (ch == ')') {
      if (!paren) return LB_NONE;
      paren--;
      i++;
      continue;
    }
    if (paren) {
      if (ch == ':' || ch == '\n' || ch == '\r') return LB_NONE;
      i++;
      continue;
    }
    if (ch == ':' || has_prefix(s, i, b, "\xEF\xBC\x9A")) break;
    if (ch == ' ' || ch == '\t') {
      i++;
      continue;
    }
    if (ch == '\n' || ch == '\r' || ch == '!' || ch == '?' || ch == ';' || ch == '"' ||
        IS_DIGIT(ch) || has_prefix(s, i, b, "\xe2\x80\x9c") || has_prefix(s, i, b, "\xe2\x80\x9d"))
      return LB_NONE;
    /* a word */
    {
      size_t w = i;
      while (w < lim && s[w] != ' ' && s[w] != '\t' && s[w] != ':' && s[w] != '(' &&
             !has_prefix(s, w, lim, "\xEF\xBC\x9A"))
        w++;
      if (!is_upper_start(s, i, w) && !tok_in(s, i, w, particles) &&
          !ci_word(s, i, w, "of") && !ci_word(s, i, w, "the") && !ci_word(s, i, w, "for") &&
          !ci_word(s, i, w, "and") && !ci_word(s, i, w, "on"))
        return LB_NONE;
      /* a full stop only in abbreviations (Mr. H.E. St.) */
      {
        size_t k;
        for (k = i; k < w; k++)
          if (s[k] == '.' && k - i > 4 && !is_all_caps(s, i, w)) return LB_NONE;
      }
      if (++words > 10) return LB_NONE;
      i = w;
    }
  }
  if (i >= lim || paren || words == 0) return LB_NONE;
  if (tok_in(s, a, tok_end(s, a, i), notalabel)) return LB_NONE; /* "Note:", "Today:" */
  c = i;
  *le = back_ws(s, a, c);
  i += s[i] == ':' ? 1 : 3;
  if (i < b && s[i] != ' ' && s[i] != '\t' && !has_prefix(s, i, b, "\xC2\xA0") && s[i] != '\n' &&
      s[i] != '\r')
    return LB_NONE;
  *te = skip_ws(s, i, b);
  /* "PRIMERA TAREA: RECONCILIACIÓN": a heading in capitals */
  {
    size_t w = tok_end(s, *te, b);
    if (w - *te >= 3 && is_all_caps(s, *te, w) && !IS_DIGIT(s[*te])) return LB_NONE;
  }
  /* a list of people addressed is not a label: "Mr. Speaker, Mr. Vice President,
  ** Members of Congress:"; one comma only between a role and a name */
  {
    size_t k, commas = 0, c = 0;
    for (k = a; k < *le; k++)
      if (s[k] == ',') commas++, c = k;
    if (commas > 1) return LB_NONE;
    if (commas == 1) {
      size_t l0 = skip_hon(s, a, c), r0 = skip_hon(s, c + 1, *le);
      int lrole = starts_role(s, l0, c), rrole = starts_role(s, r0, *le);
      if (!((lrole && name_shaped(s, r0, *le, 1)) || (rrole && name_shaped(s, l0, c, 1))))
        return LB_NONE;
    }
  }
  /* "Your Excellency X:", "Distinguished delegates:": vocatives; "Mr. X" (with
  ** a country after it in a verbatim record) may be a label */
  if (starts_opener(s, a, *le)) {
    size_t x = skip_hon(s, a, *le), p = find_lit(s, a, *le, "(");
    if (x == a) return LB_NONE;
    if (p >= *le && !name_shaped(s, x, *le, 1)) {
      tspan t[12];
      size_t n = tokens(s, x, *le, t, 12), k;
      for (k = 0; k < n && tok_in(s, t[k].a, t[k].b, roleword); k++) {}
      if (n == 0 || k < n) return LB_NONE; /* "Mr Speaker": the chair, weak */
    }
  }
  /* "Mr. President:", "Madam Chair:", "Mr Speaker:" is a vocative but in a
  ** transcript the chair: a weak label (label_strength) */
  /* "Question:" is a question */
  {
    size_t e = *le;
    if (tok_in(s, a, e, qwords) || (ci_word(s, a, e, "audience member") && a + 15 == e))
      return LB_Q;
    if (ci_word(s, a, e, "answer") && a + 6 == e) return LB_A;
  }
  return LB_NAMED;
}

/* how sure a named label is a person: 3 strong (ALL CAPS, a role, an
** honorific, a country in brackets), 2 a name of 2-5 words, 1 one word */
static int label_strength(const uchar *s, size_t a, size_t e) {
  size_t p = find_lit(s, a, e, "("), words, x = skip_hon(s, a, e);
  if (x > a && x < e && p >= e) { /* "Mr Speaker", "Madam Chair": vocatives, or the chair */
    tspan t[12];
    size_t n = tokens(s, x, e, t, 12), k;
    for (k = 0; k < n && tok_in(s, t[k].a, t[k].b, roleword); k++) {}
    if (k == n) return 1;
  }
  if (p < e) return 3;
  if (s[a] >= 0xE0) return 3;
  if (is_all_caps(s, a, e)) return 3;
  if (kw_at(s, a, e, honorifics) && skip_hon(s, a, e) < e) return 3;
  words = count_words(s, a, e, 12);
  if (starts_role(s, a, e) && words >= 2) return 3;
  if (words >= 2 && words <= 5 && name_shaped(s, a, e, 2)) return 2;
  return words == 1 ? 1 : 0;
}

/* ---- head lines ---- */


static const char *const navwords[] = {"home", "you are here", "main menu", "menu", "search",
                                       "skip to", "skip navigation", "navigation", "sitemap",
                                       "log in", "login", "sign in", "subscribe", "accessibility",
                                       "text size", "language", "english", "print", "share",
                                       "email", NULL};

/* navigation: "Home > News > Speeches", "Briefing Room / Press Briefings",
** "Home | About | News", "Menu" */
static int is_nav(const uchar *s, size_t a, size_t b) {
  static const char *const seps[] = {" > ", " \xc2\xbb ", " \xe2\x80\xba ", " / ", " | ",
                                     " \xe2\x86\x92 ", " \xe2\x80\xa2 ", " >> ", NULL};
  size_t nsep = 0, words, i;
  int k;
  if (b - a > 200 || ends_sentence(s, a, b)) return 0;
  words = count_words(s, a, b, 30);
  for (i = a; i + 2 < b; i++) { /* a space, then a separator: one pass */
    if (s[i] != ' ') continue;
    for (k = 0; seps[k]; k++)
      if (s[i + 1] == (uchar)seps[k][1] && has_prefix(s, i, b, seps[k])) {
        nsep++;
        break;
      }
  }
  if (nsep >= 2 && words <= 25) return 1;
  if (nsep == 1 && words <= 8) return 1;
  if (words <= 4 && tok_in(s, a, tok_end(s, a, b), navwords)) return 1;
  if (ci_word(s, a, b, "home") && words <= 10 && !ends_sentence(s, a, b)) {
    size_t e = tok_end(s, a, b);
    return e < b && (is_upper_start(s, tok_skip(s, e, b), b) || s[tok_skip(s, e, b)] == '>');
  }
  return 0;
}

static const char *const notestart[] = {
  "check against delivery", "please check against delivery", "checked against delivery",
  "check against the spoken word", "as prepared for delivery", "as prepared", "as delivered",
  "prepared for delivery", "prepared remarks", "text as delivered", "speech as delivered",
  "transcript of the speech", "unofficial translation", "unofficial transcript",
  "official translation", "informal translation", "provisional translation", "translation",
  "translated from", "original:", "original text", "embargoed", "embargo", "rush transcript",
  "verbatim", "editor's note", "editor\xe2\x80\x99s note", "note:", "disclaimer",
  "this is a transcript", "the following is a transcript", "watch the video", "watch:",
  "video:", "listen:", "photo:", "file photo", "(photo", "in the absence of the president",
  "the meeting was called to order", "the meeting rose", "the meeting was suspended",
  "the meeting resumed", "the meeting was resumed", "the meeting adjourned",
  "the meeting was adjourned", "agenda item", "(concludes)", "(ends)", "(end)",
  "(applause", "(laughter", "(inaudible", "(crosstalk", "(cross-talk", "(interruption",
  NULL};

static const char *const notein[] = {
  "was escorted", "took the chair", "called to order", "check against delivery",
  "exactly as it was delivered", "may differ from delivered", "as prepared for delivery",
  "may differ from the delivered", "check against the spoken", NULL};

/* a note: "Check against delivery", "(Applause.)", GA procedure, dot leaders */
static int is_note(const uchar *s, size_t a, size_t b) {
  size_t x = a, i, dots = 0;
  if (b - a > 400) return 0;
  while (x < b && (s[x] == '(' || s[x] == '[' || s[x] == '*' || s[x] == '_')) x++;
  if (kw_at(s, x, b, notestart) || kw_at(s, a, b, notestart)) return 1;
  if (b - a <= 200 && kw_in(s, a, b, notein)) return 1;
  for (i = a; i < b; i++) { /* dot leaders */
    if (s[i] == '.') {
      if (++dots >= 6) return 1;
    } else if (has_prefix(s, i, b, "\xe2\x80\xa6")) {
      dots += 3;
      i += 2;
      if (dots >= 6) return 1;
    } else {
      dots = 0;
    }
  }
  return 0;
}

/* a short line wholly in brackets: "(Applause.)", "[Inaudible]", "(NAP)" */
static int is_bracketed(const uchar *s, size_t a, size_t b) {
  size_t e = b;
  while (e > a && (s[e - 1] == '.' || s[e - 1] == ' ')) e--;
  if (e - a < 3 || e - a > 80) return 0;
  if (!((s[a] == '(' && s[e - 1] == ')') || (s[a] == '[' && s[e - 1] == ']'))) return 0;
  return memchr(s + a + 1, s[a], e - a - 2) == NULL;
}

/* keywords alone on a line whose value is on the next line */
static const char *const keyonly[] = {"from:", "from", "published:", "published", "posted on:",
                                      "posted on", "posted:", "delivered on:", "delivered on",
                                      "date:", "date", "updated:", "location:", "place:",
                                      "venue:", "speaker:", "source:", "by:", "author:", NULL};

static int key_class(const uchar *s, size_t a, size_t b) {
  size_t len = kw_at(s, a, b, keyonly);
  if (!len || skip_ws(s, a + len, b) < b) return 0;
  switch (LOWER(s[a])) {
    case 'f': case 's': case 'b': case 'a':
      return ci_word(s, a, b, "speaker") ? LC_SPEAKER : LC_BYLINE;
    case 'l': case 'v': return LC_PLACE;
    default: return LC_DATE;
  }
}

/* offices that issue speeches */
static const char *const orgstart[] = {
  "permanent mission", "mission of", "embassy of", "ministry of", "office of", "department of",
  "delegation of", "government of", "press office", "press service", "press secretary",
  "prime minister's office", "prime minister\xe2\x80\x99s office", "president's office",
  "president\xe2\x80\x99s office", "presidential press", "the white house", "white house",
  "consulate", "high commission", NULL};

/* byline forms: "by X", "Source: X | date | Editor: Y", "From: X", "Posted by X" */
static int byline(const uchar *s, size_t a, size_t b, size_t *sa, size_t *sb) {
  static const char *const pre[] = {"by ", "source:", "source :", "sources:", "from:",
                                    "from ", "posted by ", "written by ", "reported by ",
                                    "transcript by ", "source -", "source \xe2\x80\x93",
                                    "fuente:", "source\xc2\xa0:", "author:", "authors:",
                                    "byline:", "issued by", "published by", "editor:",
                                    "by:", "[source", "(source", NULL};
  size_t len;
  if (b - a > 200) return 0;
  len = kw_at(s, a, b, pre);
  if (len) {
    size_t x = skip_ws(s, a + len, b), e = back_ws(s, x, b), bar;
    bar = find_lit(s, x, e, "|");
    if (bar < e) e = back_ws(s, x, bar);
    bar = find_lit(s, x, e, "\xc2\xb7"); /* · */
    if (bar < e) e = back_ws(s, x, bar);
    bar = find_lit(s, x, e, "\xe2\x80\xa2"); /* • */
    if (bar < e) e = back_ws(s, x, bar);
    while (e > x && (s[e - 1] == '.' || s[e - 1] == ',' || s[e - 1] == ']' || s[e - 1] == ')'))
      e--;
    if (x >= e || count_words(s, x, e, 16) > 14) return 0;
    if (ci_word(s, a, b, "from ") && (!is_upper_start(s, x, e) || find_lit(s, x, e, ":") < e))
      return 0; /* "from" + a name */
    if (ci_word(s, a, b, "by ") && !is_upper_start(s, x, e)) return 0;
    if (ci_word(s, a, b, "editor:")) {
      *sa = *sb = a; /* an editor is not the source */
      return 1;
    }
    *sa = x, *sb = e;
    return 1;
  }
  /* "X | 2020-11-10 | Editor: Y" with a source word inside */
  {
    size_t p = find_lit(s, a, b, "|");
    if (p < b && (ci_contains(s, a, b, "source") || ci_contains(s, a, b, "editor"))) {
      size_t q = find_lit(s, a, b, "ource");
      if (q < b) {
        size_t x = q + 5, e;
        while (x < b && (s[x] == ':' || s[x] == ' ')) x++;
        e = x;
        while (e < b && s[e] != '|') e++;
        *sa = x, *sb = back_ws(s, x, e);
      } else {
        *sa = *sb = a;
      }
      return 1;
    }
  }
  return 0;
}

/* "Posted On: 15 AUG 2022 10:46AM by PIB Delhi": a source after the date */
static void by_after(const uchar *s, size_t a, size_t b, size_t *sa, size_t *sb) {
  size_t i;
  for (i = a; i + 4 < b; i++)
    if (s[i] == ' ' && LOWER(s[i + 1]) == 'b' && s[i + 2] == 'y' && s[i + 3] == ' ') {
      size_t x = skip_ws(s, i + 4, b), e = back_ws(s, x, b);
      while (e > x && (s[e - 1] == '.' || s[e - 1] == ',' || s[e - 1] == '*')) e--;
      if (x < e && is_upper_start(s, x, e) && count_words(s, x, e, 8) <= 6) *sa = x, *sb = e;
      return;
    }
}

/* agency datelines that open a lede: "BEIJING, Nov. 10 (Xinhua) --",
** "WASHINGTON --", "Moscow, 10 November /TASS/." */
static int agency_dateline(const uchar *s, size_t a, size_t b, hinfo *h) {
  size_t i = a, c0 = a, c1, words = 0;
  int caps = 1, agency = 0, dated = 0;
  date_t dt;
  int m = 0, d = 0;
  /* the city: up to four words, before a comma or a bracket */
  while (i < b && words < 4) {
    size_t w = i;
    while (w < b && s[w] != ' ' && s[w] != ',' && s[w] != '(' && s[w] != '/') w++;
    if (w == i || !is_upper_start(s, i, w)) return 0;
    if (!is_all_caps(s, i, w) && !(w - i == 1)) caps = 0;
    words++;
    i = w;
    if (i < b && s[i] == ' ' && i + 1 < b && is_upper_start(s, i + 1, b) && s[i + 1] != '(') {
      size_t nw = i + 1;
      while (nw < b && s[nw] != ' ' && s[nw] != ',') nw++;
      if (nw < b && (s[nw] == ',' || s[nw] == ' ') && (is_all_caps(s, i + 1, nw) || !caps)) {
        i++;
        continue;
      }
    }
    break;
  }
  c1 = i;
  if (words == 0) return 0;
  i = skip_ws(s, i, b);
  if (i < b && s[i] == ',') {
    size_t j = skip_ws(s, i + 1, b);
    if (date_at(s, j, b, &dt)) {
      dated = 1;
      i = dt.stop;
    } else if (md_at(s, j, b, &m, &d, &j)) {
      dated = 2;
      i = j;
    } else {
      /* a state or region: "Ill.", "D.C.", "N.Y.", "Calif." */
      size_t w = tok_end(s, j, b);
      if (w - j <= 7 && is_upper_start(s, j, w) && (s[w - 1] == '.' || is_all_caps(s, j, w))) {
        c1 = w;
        i = w;
        j = skip_ws(s, w, b);
        if (j < b && s[j] == ',') {
          j = skip_ws(s, j + 1, b);
          if (date_at(s, j, b, &dt)) dated = 1, i = dt.stop;
          else if (md_at(s, j, b, &m, &d, &j)) dated = 2, i = j;
        }
      }
    }
    i = skip_ws(s, i, b);
  }
  if (i < b && (s[i] == '(' || s[i] == '/')) {
    uchar close = s[i] == '(' ? ')' : '/';
    size_t j = i + 1;
    while (j < b && s[j] != close && j - i < 30) j++;
    if (j >= b || s[j] != close) return 0;
    /* an agency is one word or capitals: "(Xinhua)", "(AP)", "/TASS/", not "(Edward Marsh)" */
    if (find_lit(s, i + 1, j, " ") < j && !is_all_caps(s, i + 1, j)) return 0;
    h->src_a = i + 1, h->src_b = j;
    h->src_prio = 2;
    agency = 1;
    i = skip_ws(s, j + 1, b);
    if (i < b && s[i] == '.') i = skip_ws(s, i + 1, b);
  }
  if (!(caps || agency)) return 0;
  if (has_prefix(s, i, b, "--") || has_prefix(s, i, b, "\xe2\x80\x94") ||
      has_prefix(s, i, b, "\xe2\x80\x93") || (i < b && s[i] == '-') ||
      (i < b && s[i] == ':' && caps)) {
    /* fine */
  } else if (!(agency && dated)) {
    return 0;
  }
  h->place_a = c0, h->place_b = c1;
  if (dated == 1) h->date_ok = 1, h->date = dt, h->date_prio = 1;
  if (dated == 2) h->md_m = (uint8_t)m, h->md_d = (uint8_t)d;
  return 1;
}

static const char *const ledemark[] = {"full text", "the following", "text of",
                                       "transcript", "below", "here is", "as follows",
                                       "excerpts", "reads", NULL};

/* a line with a document symbol: "United Nations A/78/PV.12", "S/PV.9000" */
static int doc_symbol(const uchar *s, size_t a, size_t b) {
  tspan t[12];
  size_t n, k;
  if (b - a > 100) return 0;
  n = tokens(s, a, b, t, 12);
  for (k = 0; k < n; k++) {
    size_t i, slash = 0, dig = 0;
    for (i = t[k].a; i < t[k].b; i++) {
      if (s[i] == '/') slash++;
      else if (IS_DIGIT(s[i])) dig++;
      else if (IS_ASCII_LOWER(s[i])) break;
    }
    if (i == t[k].b && slash >= 1 && dig >= 1 && IS_ASCII_UPPER(s[t[k].a])) return 1;
  }
  return 0;
}

/* a line that introduces the text: "The following is the full text of the speech:" */
static int is_lede_mark(const uchar *s, size_t a, size_t b) {
  int32_t last = last_cp(s, a, b);
  if (b - a > 250 || (last != ':' && last != 0xFF1A)) return 0;
  {
    /* "I have the honour to deliver this statement, as follows:" is spoken */
    static const char *const first_person[] = {"i", "we", "my", "our", "me", "us", NULL};
    tspan t[MAXTOK];
    size_t n = tokens(s, a, b, t, MAXTOK), k;
    for (k = 0; k < n; k++)
      if (tok_in(s, t[k].a, t[k].b, first_person)) return 0;
  }
  return kw_in(s, a, b, ledemark);
}

static const char *const titlestart[] = {
  "remarks by", "remarks of", "remarks at", "remarks to", "remarks on", "remarks as",
  "statement by", "statement of", "statement on", "statement at", "statement to",
  "speech by", "speech of", "speech at", "speech to", "speech on", "address by", "address of",
  "address to", "address at", "address on", "keynote", "full text", "text of",
  "transcript of", "transcript:", "english rendering", "english translation",
  "translation of", "opening remarks", "closing remarks", "opening statement",
  "closing statement", "press conference", "press briefing", "media briefing",
  "joint press", "interview", "message by", "message of", "message from", "message on",
  "message to", "readout", "excerpts", "prepared remarks", "televised address",
  "statement from", "remarks from", "press gaggle", "background press call", "press call",
  "fireside chat", "roundtable", "town hall", "conversation with", "q&a", "news conference",
  "national address", "inaugural address", "new year", "christmas message", "lecture by",
  "toast by", "discours", "intervention", "declaraci\xc3\xb3n", "discurso", NULL};

static const char *const titlein[] = {"'s speech", "\xe2\x80\x99s speech", "'s remarks",
                                      "\xe2\x80\x99s remarks", "'s address",
                                      "\xe2\x80\x99s address", "'s statement",
                                      "\xe2\x80\x99s statement", " speech at ", " remarks at ",
                                      " address at ", " address to ", " speech to ",
                                      "press conference", "media briefing", "press briefing",
                                      " speech on ", " remarks on ", " statement on ",
                                      "'s message", "\xe2\x80\x99s message", NULL};

static int roman_val(const uchar *s, size_t a, size_t b);
#define roman_numeral roman_val

/* a section of the speech: "I\tIntroduction", "1. Introduction", "II. Peace" */
static int is_section_marker(const uchar *s, size_t a, size_t b) {
  size_t w = a;
  while (w < b && (s[w] == 'I' || s[w] == 'V' || s[w] == 'X')) w++;
  if (w > a && roman_numeral(s, a, w) && w < b && (s[w] == '\t' || s[w] == '.' || s[w] == ')'))
    return 1;
  if (IS_DIGIT(s[a])) {
    size_t e;
    if (num_at(s, a, b, 2, &e) > 0 && e < b && (s[e] == '\t' || ((s[e] == '.' || s[e] == ')') &&
                                                                 e + 1 < b && s[e + 1] == ' ')))
      return !ends_sentence(s, a, b);
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
      h->cls = LC_DATE;
      h->date_prio = 2;
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
          h->name_prio = 3;
        }
      }
      return 1;
    }
    i = find_lit(s, i + 3, b, "\xEF\xBC\x88");
  }
  if (has_suffix(s, a, b, "\xE6\x91\x84") || /* 摄 */
      has_suffix(s, a, b, "\xE6\x96\xB0\xE5\x8D\x8E\xE7\xA4\xBE\xE5\x8F\x91") || /* 新华社发 */
      has_prefix(s, a, b, "\xE6\x96\xB0\xE5\x8D\x8E\xE7\xA4\xBE")) { /* 新华社 */
    h->cls = LC_BYLINE;
    if (has_prefix(s, a, b, "\xE6\x96\xB0\xE5\x8D\x8E\xE7\xA4\xBE")) h->src_a = a, h->src_b = a + 9, h->src_prio = 3;
    return 1;
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


/* the date in s[a..b) with few other words: a dateline; sets h */
static int dateline(const uchar *s, size_t a, size_t b, hinfo *h) {
  date_t dt;
  size_t v = a, e, before, after, pa, pb;
  static const char *const datekey[] = {"posted on:", "posted on", "posted:", "published on:",
                                        "published on", "published:", "published", "date:",
                                        "updated:", "updated on", "updated", "last updated:",
                                        "last updated", "first published:", "release date:",
                                        "publication date:", "delivered on:", "delivered on",
                                        "delivered:", "issued on", "dated", NULL};
  size_t klen = kw_at(s, a, b, datekey);
  int delivered = klen && LOWER(s[a]) == 'd' && LOWER(s[a + 1]) == 'e' && LOWER(s[a + 2]) == 'l';
  if (klen) v = skip_ws(s, a + klen, b);
  if (!find_date(s, v, b, &dt)) {
    int m, d;
    size_t i;
    /* a date without a year, only with a key ("Updated: Nov. 10") */
    if (!klen) return 0;
    for (i = v; i < b; i++)
      if ((i == v || s[i - 1] == ' ') && md_at(s, i, b, &m, &d, &e)) {
        h->md_m = (uint8_t)m, h->md_d = (uint8_t)d;
        return 1;
      }
    return 0;
  }
  before = count_words(s, v, dt.start, 12);
  e = dt.stop;
  /* a time after the date, and a source after "by" */
  {
    size_t x = skip_ws(s, e, b), te;
    while (x < b && (s[x] == ',' || s[x] == '-' || s[x] == '|' || s[x] == '@')) x = skip_ws(s, x + 1, b);
    if (ci_word(s, x, b, "at")) x = skip_ws(s, x + 2, b);
    if (x < b && IS_DIGIT(s[x]) && time_at(s, x, b, &te)) e = te;
  }
  by_after(s, e, b, &h->src_a, &h->src_b);
  if (h->src_b > h->src_a) h->src_prio = 3;
  after = count_words(s, e, h->src_b > h->src_a ? h->src_a : b, 12);
  if (h->src_b > h->src_a && after > 0) after--; /* "by" */
  if (before + after > (klen ? 12u : 5u)) return 0;
  h->date_ok = 1, h->date = dt;
  h->date_prio = delivered ? 4 : klen ? 1 : 2;
  /* the place: after the date ("(November 10, 2020, Beijing)") or before it */
  pa = e, pb = h->src_b > h->src_a ? h->src_a : b;
  if (pb > pa && ci_contains(s, pa, pb, " by ")) pb = pa;
  if (place_span(s, &pa, &pb) && !IS_DIGIT(s[pa])) {
    h->place_a = pa, h->place_b = pb;
  } else if (!klen) {
    pa = v, pb = dt.start; /* "Valparaíso, 21 de mayo de 2010", "New York, 24 September" */
    if (place_span(s, &pa, &pb) && count_words(s, pa, pb, 5) <= 4 && !is_weekday(s, pa, pb)) {
      /* "Tuesday, 21 September" is no place; nor "Thursday 24" */
      size_t c = find_lit(s, pa, pb, ",");
      if (c < pb && is_weekday(s, pa, back_ws(s, pa, c))) pb = pa;
      if (pb > pa && !all_caps(s, pa, pb)) h->place_a = pa, h->place_b = pb;
    }
  }
  return 1;
}

/* a line that names the speaker: "Name, Role", "H.E. Mr. Name", "Speech by H.E.
** Name", "Delivered by Mayor Name, Place, date", "Speaker: Name" */
static int speaker_line(const uchar *s, size_t a, size_t b, int ctx_ok, hinfo *h) {
  size_t na, nb, ra, rb, after;
  size_t len = b - a;
  if (len > 250) return 0;
  if (ci_word(s, a, b, "speaker:")) {
    split_role_name(s, skip_ws(s, a + 8, b), b, &h->role_a, &h->role_b, &h->name_a, &h->name_b);
    h->name_prio = 3;
    return h->name_b > h->name_a;
  }
  if (ci_word(s, a, b, "delivered by") || ci_word(s, a, b, "spoken by") ||
      ci_word(s, a, b, "remarks by") || ci_word(s, a, b, "speech by") ||
      ci_word(s, a, b, "statement by") || ci_word(s, a, b, "address by") ||
      ci_contains(s, a, tok_end(s, a, b), "speech") || ci_word(s, a, b, "keynote speech by")) {
    if (by_phrase(s, a, b, &na, &nb, &ra, &rb, &after) && nb > na &&
        (ci_word(s, a, b, "delivered") || ci_word(s, a, b, "spoken") ||
         skip_ws(s, after, b) >= b)) {
      /* the line is only this (with a place and a date) */
      date_t dt;
      h->name_a = na, h->name_b = nb, h->role_a = ra, h->role_b = rb;
      h->name_prio = 3;
      if (find_date(s, after, b, &dt)) {
        size_t pa = after, pb = dt.start;
        h->date_ok = 1, h->date = dt, h->date_prio = 3;
        if (place_span(s, &pa, &pb) && count_words(s, pa, pb, 5) <= 4) h->place_a = pa, h->place_b = pb;
      }
      return 1;
    }
    return 0;
  }
  {
    int32_t last = last_cp(s, a, b);
    size_t comma = find_lit(s, a, b, ", ");
    size_t x = skip_hon(s, a, b);
    if (last == '.' || last == ',' || last == ':' || last == ';' || last == '!' || last == '?')
      return 0;
    /* an address at the top of a speech: "His Excellency Mr. X, President of
    ** the General Assembly" (a speaker line needs a title before it or a
    ** date after it) */
    if (x > a && !ctx_ok) return 0;
    /* "Name, Role" (honorifics before the name) */
    if (comma < b && name_shaped(s, x, comma, 2) && starts_role(s, skip_ws(s, comma + 1, b), b)) {
      size_t r1 = b, c2 = find_lit(s, comma + 1, b, ", ");
      if (c2 < b && (ci_word(s, c2 + 2, b, "at") || ci_word(s, c2 + 2, b, "on") ||
                     ci_word(s, c2 + 2, b, "to")))
        r1 = c2; /* ", at the General Debate" */
      h->name_a = x, h->name_b = comma;
      h->role_a = skip_ws(s, comma + 1, b), h->role_b = r1;
      h->name_prio = 3;
      return 1;
    }
    /* "H.E. Ms. Ana Lind" alone */
    if (x > a && name_shaped(s, x, b, 2)) {
      h->name_a = x, h->name_b = b;
      h->name_prio = 3;
      return 1;
    }
    /* "Prime Minister of X Hon Dr Name September 27th, 2024": a role, an
    ** honorific and a name, a date after it */
    if (starts_role(s, a, b)) {
      date_t dt;
      size_t e = b;
      if (find_date(s, a, b, &dt)) e = back_ws(s, a, dt.start);
      {
        tspan t[MAXTOK];
        size_t n = tokens(s, a, e, t, MAXTOK), k;
        for (k = 1; k < n; k++)
          if (kw_at(s, t[k].a, e, honorifics)) break;
        if (k < n) {
          split_role_name(s, a, e, &ra, &rb, &na, &nb);
          if (nb > na && name_shaped(s, na, nb, 1)) {
            h->name_a = na, h->name_b = nb, h->role_a = ra, h->role_b = rb;
            h->name_prio = 3;
            if (e < b) h->date_ok = 1, h->date = dt, h->date_prio = 2;
            return 1;
          }
        }
      }
    }
  }
  return 0;
}

/* classify head piece k (no side effects) */
static void classify_piece(ctx *C, size_t k, hinfo *h) {
  const uchar *s = C->s;
  const piece *p = &C->pieces[k];
  size_t a = p->start, b = p->stop, v = a, e = b, le, te, len;
  int kc;
  memset(h, 0, sizeof *h);
  strip_marks(s, &v, &e);
  len = e > v ? e - v : 0;
  if (len == 0) {
    h->cls = LC_BREAD;
    return;
  }
  if ((memchr(s + a, 0xEF, b - a) || memchr(s + a, 0xE6, b - a)) && zh_header(s, a, b, h)) {
    h->cls = h->cls ? h->cls : LC_DATE;
    return;
  }
  if (kw_at(s, v, e, invocations) && len < 300) {
    h->cls = LC_SAL;
    return;
  }
  if (is_time_line(s, v, e)) {
    h->cls = LC_TIME;
    return;
  }
  if ((kc = key_class(s, v, e)) != 0) {
    h->cls = LC_KEY, h->key = (uint8_t)kc;
    return;
  }
  if (len > 300) { /* a long piece is speech, or a lede */
    if (agency_dateline(s, v, e, h)) {
      h->cls = LC_LEDE;
      return;
    }
    memset(h, 0, sizeof *h);
    h->cls = is_lede_mark(s, v, e) ? LC_LEDE : LC_PARA;
    return;
  }
  {
    static const char *const placekey[] = {"location:", "place:", "venue:", "where:", NULL};
    size_t kl = kw_at(s, v, e, placekey);
    if (kl && len <= 120) {
      h->cls = LC_PLACE;
      h->place_a = skip_ws(s, v + kl, e), h->place_b = e;
      return;
    }
  }
  if ((ci_word(s, v, e, "delivered") || ci_word(s, v, e, "posted") ||
       ci_word(s, v, e, "published") || ci_word(s, v, e, "date") || ci_word(s, v, e, "updated")) &&
      dateline(s, v, e, h)) {
    h->cls = LC_DATE;
    return;
  }
  memset(h, 0, sizeof *h);
  if (agency_dateline(s, v, e, h)) { /* "BEIJING, Nov. 10 (Xinhua) -- ..." */
    size_t na, nb, ra, rb, after;
    h->cls = LC_LEDE;
    if (by_phrase(s, v, e, &na, &nb, &ra, &rb, &after) || possessive(s, v, e, &na, &nb, &ra, &rb))
      if (nb > na) h->name_a = na, h->name_b = nb, h->role_a = ra, h->role_b = rb, h->name_prio = 1;
    return;
  }
  memset(h, 0, sizeof *h);
  if (is_note(s, v, e)) {
    h->cls = LC_NOTE;
    return;
  }
  if (byline(s, v, e, &h->src_a, &h->src_b)) {
    h->cls = LC_BYLINE;
    h->src_prio = 3;
    dateline(s, v, e, h); /* a date in it too */
    if (!h->date_ok) {
      date_t dt;
      if (find_date(s, v, e, &dt)) h->date_ok = 1, h->date = dt;
    }
    if (h->date_ok) h->date_prio = 1;
    h->place_a = h->place_b = 0;
    /* "By Senator Jane Holt": an author with a role or an honorific is the speaker */
    if (h->src_b > h->src_a && (starts_role(s, h->src_a, h->src_b) ||
                                skip_hon(s, h->src_a, h->src_b) > h->src_a)) {
      size_t ra, rb, na, nb;
      split_role_name(s, h->src_a, h->src_b, &ra, &rb, &na, &nb);
      if (nb > na && name_shaped(s, na, nb, 2))
        h->name_a = na, h->name_b = nb, h->role_a = ra, h->role_b = rb, h->name_prio = 1;
    }
    /* "From: Office and The Rt Hon Name MP": the person, then the office */
    if (h->src_b > h->src_a) {
      size_t i;
      for (i = h->src_a; i + 5 < h->src_b; i++)
        if (s[i] == ' ' && ci_word(s, i + 1, h->src_b, "and") && kw_at(s, skip_ws(s, i + 4, h->src_b), h->src_b, honorifics)) {
          size_t x = skip_hon(s, i + 4, h->src_b), y = h->src_b;
          if (has_suffix(s, x, y, " MP") || has_suffix(s, x, y, " QC") || has_suffix(s, x, y, " KC"))
            y -= 3;
          if (name_shaped(s, x, y, 2)) {
            h->name_a = x, h->name_b = y, h->name_prio = 2;
            h->src_b = back_ws(s, h->src_a, i);
          }
          break;
        }
    }
    return;
  }
  if ((is_nav(s, v, e) && !kw_at(s, v, e, titlestart)) || doc_symbol(s, v, e)) {
    h->cls = LC_BREAD;
    return;
  }
  if (dateline(s, v, e, h)) {
    h->cls = LC_DATE;
    return;
  }
  memset(h, 0, sizeof *h);
  if (is_bracketed(s, v, e)) {
    h->cls = LC_NOTE;
    return;
  }
  {
    int lb = label_at(s, v, e, &le, &te);
    if (lb != LB_NONE) {
      /* a label is speech when a sentence (or a vocative) follows it */
      int32_t last = last_cp(s, te, e);
      if (te >= e || ends_sentence(s, te, e) || last == ',' || last == ':' || last == ';' ||
          e - te > 150) {
        if (lb != LB_NAMED || label_strength(s, v, le) >= 2 || te >= e) {
          h->cls = LC_LABEL;
          return;
        }
      }
      if (lb == LB_NAMED && !ends_sentence(s, te, e)) { /* 'Premier X: "We will..."' */
        int quoted = te < e && (s[te] == '"' || has_prefix(s, te, e, "\xe2\x80\x9c"));
        split_role_name(s, v, le, &h->role_a, &h->role_b, &h->name_a, &h->name_b);
        if (h->name_b > h->name_a && name_shaped(s, h->name_a, h->name_b, 1) &&
            (quoted || h->role_b > h->role_a)) {
          h->name_prio = 1;
          h->cls = LC_TITLE;
          return;
        }
        memset(h, 0, sizeof *h);
      }
    }
  }
  {
    int ctx_ok = 0;
    if (k > 0) {
      const piece *q = &C->pieces[k - 1];
      size_t qa = q->start, qb = q->stop;
      strip_marks(s, &qa, &qb);
      ctx_ok = kw_at(s, qa, qb, titlestart) || has_suffix(s, qa, qb, " by") ||
               has_suffix(s, qa, qb, " By") || kw_in(s, qa, qb, titlein);
    }
    if (!ctx_ok && k + 1 < C->npieces) {
      const piece *q = &C->pieces[k + 1];
      date_t dt;
      ctx_ok = q->stop - q->start < 80 && find_date(s, q->start, q->stop, &dt);
    }
    if (speaker_line(s, v, e, ctx_ok, h)) {
      /* "Address by Mr. X, President of Y": a title that names the speaker */
      h->cls = kw_at(s, v, e, titlestart) ? LC_TITLE : LC_SPEAKER;
      return;
    }
  }
  memset(h, 0, sizeof *h);
  {
    int32_t last = last_cp(s, v, e);
    if (last != ',' && last != ':' && last != ';' && last != '!' && last != 0x2013 &&
        last != 0x2014 && len <= 200 && !ends_sentence(s, v, e) && !inner_break(s, v, e) &&
        (kw_at(s, v, e, titlestart) || kw_in(s, v, e, titlein))) {
      size_t na, nb, ra, rb, after; /* "Secretary-General's remarks to ...": a title */
      date_t dt;
      h->cls = LC_TITLE;
      if (by_phrase(s, v, e, &na, &nb, &ra, &rb, &after) || possessive(s, v, e, &na, &nb, &ra, &rb)) {
        h->name_a = na, h->name_b = nb, h->role_a = ra, h->role_b = rb;
        h->name_prio = 2;
      }
      if (find_date(s, v, e, &dt)) {
        size_t c = dt.start, pa, pb;
        h->date_ok = 1, h->date = dt, h->date_prio = 3;
        pb = back_ws(s, v, c);
        if (pb > v && s[pb - 1] == ',') {
          pb--;
          pa = pb;
          while (pa > v && s[pa - 1] != ',') pa--;
          if (pa > v && place_span(s, &pa, &pb) && count_words(s, pa, pb, 4) <= 3 &&
              name_shaped(s, pa, pb, 1))
            h->place_a = pa, h->place_b = pb;
        }
      }
      return;
    }
  }
  {
    int32_t last = last_cp(s, v, e);
    size_t x = skip_hon(s, v, e);
    date_t dt0;
    if (x > v && x < e && last != ',' && last != ':' && last != ';' && last != '!' && len < 80 &&
        k + 1 < C->npieces) {
      tspan t[10];
      size_t n = tokens(s, x, e, t, 10), j;
      for (j = 0; j < n && tok_in(s, t[j].a, t[j].b, roleword); j++) {}
      if (n > 0 && j == n && (kw_at(s, C->pieces[k + 1].start, C->pieces[k + 1].stop, orgstart) ||
                              (C->pieces[k + 1].stop - C->pieces[k + 1].start < 80 &&
                               find_date(s, C->pieces[k + 1].start, C->pieces[k + 1].stop, &dt0)))) {
        h->cls = LC_SPEAKER;
        h->role_a = x, h->role_b = e;
        return;
      }
    }
    if (is_salutation(s, v, e, 0, 0) || (kw_at(s, v, e, honorifics) && len < 300 &&
                                         (last == ',' || last == ';' || last == ':'))) {
      h->cls = LC_SAL;
      return;
    }
  }
  if (is_section_marker(s, v, e)) {
    h->cls = LC_SECTION;
    return;
  }
  if (agency_dateline(s, v, e, h)) {
    h->cls = LC_LEDE;
    return;
  }
  memset(h, 0, sizeof *h);
  if (is_lede_mark(s, v, e)) {
    h->cls = LC_LEDE;
    return;
  }
  if (kw_at(s, v, e, orgstart) && len <= 120 && !ends_sentence(s, v, e) &&
      count_words(s, v, e, 14) <= 12) {
    h->cls = LC_ORG;
    h->src_a = v, h->src_b = e, h->src_prio = 1;
    return;
  }
  if ((kw_at(s, v, e, titlestart) && len <= 300 && (!ends_sentence(s, v, e) || len <= 150) &&
       !inner_break(s, v, e)) ||
      (kw_in(s, v, e, titlein) && len <= 200 && !ends_sentence(s, v, e) && !inner_break(s, v, e))) {
    size_t na, nb, ra, rb, after;
    h->cls = LC_TITLE;
    if (by_phrase(s, v, e, &na, &nb, &ra, &rb, &after) ||
        possessive(s, v, e, &na, &nb, &ra, &rb)) {
      h->name_a = na, h->name_b = nb, h->role_a = ra, h->role_b = rb;
      h->name_prio = 2;
    }
    {
      date_t dt;
      if (find_date(s, v, e, &dt)) h->date_ok = 1, h->date = dt, h->date_prio = 3;
    }
    return;
  }
  if (k + 1 < C->npieces && len >= 40 && !(C->pieces[k + 1].flags & PF_BLANK) &&
      (C->pieces[k + 1].flags & PF_LINE) &&
      is_lower_start(s, C->pieces[k + 1].start, C->pieces[k + 1].stop)) {
    const piece *q = &C->pieces[k + 1];
    hinfo hq;
    size_t qa, qb;
    memset(&hq, 0, sizeof hq);
    if (!ci_word(s, q->start, q->stop, "at") && !ci_word(s, q->start, q->stop, "on") &&
        !byline(s, q->start, q->stop, &qa, &qb) && !dateline(s, q->start, q->stop, &hq)) {
      h->cls = LC_PARA; /* a line of wrapped text: the next one goes on in lower case */
      return;
    }
  }
  {
    /* a line that ends in "the", "of", "and": wrapped text, not a title */
    static const char *const fnword[] = {"the", "of", "and", "to", "a", "an", "in", "for", "on",
                                         "with", "at", "from", "as", "or", "that", "which", "is",
                                         "are", "our", "my", "its", "their", "this", "by",
                                         "we", "i", "will", "be", "has", "have", NULL};
    size_t w = e;
    while (w > v && s[w - 1] != ' ') w--;
    if (w > v && tok_in(s, w, e, fnword)) {
      h->cls = LC_PARA;
      return;
    }
  }
  if (len <= 200 && !ends_sentence(s, v, e) && !is_lower_start(s, v, e) &&
      last_cp(s, v, e) != ',' && last_cp(s, v, e) != ';' && last_cp(s, v, e) != ':' &&
      !inner_break(s, v, e)) {
    date_t dt;
    h->cls = LC_SHORT;
    if (find_date(s, v, e, &dt)) h->date_ok = 1, h->date = dt, h->date_prio = 3;
    return;
  }
  h->cls = LC_PARA;
}

/* a place line: a few capitalised words ("East Room", "Novo-Ogaryovo, Moscow Region") */
static int place_like(const uchar *s, size_t a, size_t b) {
  tspan t[8];
  size_t n, k;
  if (b - a > 80 || ends_sentence(s, a, b) || starts_role(s, a, b)) return 0;
  n = tokens(s, a, b, t, 8);
  if (n == 0 || n > 6) return 0;
  for (k = 0; k < n; k++) {
    size_t e = tok_core_end(s, t[k].a, t[k].b);
    if (!is_upper_start(s, t[k].a, e) && !tok_in(s, t[k].a, e, particles) &&
        !ci_word(s, t[k].a, e, "of") && !(IS_DIGIT(s[t[k].a]) && k == 0))
      return 0;
  }
  return !kw_at(s, a, b, titlestart);
}

/* the value of a key line ("From:" then "Prime Minister's Office ...") */
static void key_value(ctx *C, size_t k, int key, const piece *kp, hinfo *h) {
  const uchar *s = C->s;
  const piece *p = &C->pieces[k];
  size_t v = p->start, e = p->stop;
  strip_marks(s, &v, &e);
  memset(h, 0, sizeof *h);
  h->cls = (uint8_t)key;
  if (key == LC_BYLINE) {
    size_t i;
    h->src_a = v, h->src_b = e, h->src_prio = 3;
    for (i = v; i + 5 < e; i++)
      if (s[i] == ' ' && ci_word(s, i + 1, e, "and") &&
          kw_at(s, skip_ws(s, i + 4, e), e, honorifics)) {
        size_t x = skip_hon(s, i + 4, e), y = e;
        if (has_suffix(s, x, y, " MP") || has_suffix(s, x, y, " QC") || has_suffix(s, x, y, " KC"))
          y -= 3;
        if (name_shaped(s, x, y, 2)) {
          h->name_a = x, h->name_b = y, h->name_prio = 2;
          h->src_b = back_ws(s, v, i);
        }
        break;
      }
  } else if (key == LC_DATE) {
    if (!dateline(C->s, v, e, h)) {
      date_t dt;
      if (find_date(s, v, e, &dt)) h->date_ok = 1, h->date = dt;
    }
    h->cls = LC_DATE;
    h->date_prio = ci_word(s, skip_bullet(s, kp->start, kp->stop), kp->stop, "delivered") ? 4 : 1;
    h->place_a = h->place_b = 0;
  } else if (key == LC_PLACE) {
    h->place_a = v, h->place_b = e;
  } else if (key == LC_SPEAKER) {
    split_role_name(s, v, e, &h->role_a, &h->role_b, &h->name_a, &h->name_b);
    h->name_prio = 3;
  }
}

#define HWIN 48

typedef struct hpick { /* the best value of a metadata key so far */
  size_t a, b;
  int prio;
} hpick;

static void pick(hpick *m, size_t a, size_t b, int prio) {
  if (b > a && prio > m->prio) m->a = a, m->b = b, m->prio = prio;
}

/* BEIJING -> Beijing, JEAN-PIERRE -> Jean-Pierre, PERMANENT MISSION OF X TO
** THE UNITED NATIONS -> Permanent Mission of X to the United Nations */
static void title_case(char *d, size_t len) {
  static const char *const small[] = {"of", "to", "the", "and", "for", "in", "on", "at", "de",
                                      "du", "la", "le", "del", "y", "a", NULL};
  size_t i = 0;
  int first = 1;
  while (i < len) {
    size_t w = i, k;
    int sm = 0;
    while (w < len && d[w] != ' ') w++;
    for (k = i + 1; k < w; k++) {
      uchar c = (uchar)d[k], p = (uchar)d[k - 1];
      if (IS_ASCII_ALPHA(c) && IS_ASCII_ALPHA(p)) d[k] = (char)LOWER(c);
    }
    if (!first) {
      int j;
      for (j = 0; small[j]; j++)
        if (strlen(small[j]) == w - i && ci_word((const uchar *)d, i, w, small[j])) sm = 1;
    }
    if (sm) d[i] = (char)LOWER((uchar)d[i]);
    first = 0;
    i = w;
    while (i < len && d[i] == ' ') i++;
  }
}

/* a copy of s[a..b) as metadata: white space squashed, ALL CAPS title-cased,
** honorific suffixes ("MP") and trailing punctuation dropped */
static int set_meta_clean(ctx *C, int key, size_t a, size_t b) {
  const uchar *s = C->s;
  rs_speech *sp = C->sp;
  char *d;
  size_t len;
  int caps;
  a = skip_ws(s, a, b);
  b = back_ws(s, a, b);
  for (;;) { /* trailing punctuation, but not an abbreviation's dot ("D.C.", "Ill.") */
    size_t w = b;
    if (b <= a) break;
    if (s[b - 1] == ',' || s[b - 1] == ';' || s[b - 1] == ':' || s[b - 1] == '*' || s[b - 1] == '-') {
      b = back_ws(s, a, b - 1);
      continue;
    }
    if (s[b - 1] != '.' || key == RS_META_TITLE) break;
    while (w > a && s[w - 1] != ' ') w--;
    if (b - w <= 5 && IS_ASCII_UPPER(s[w])) break;
    b = back_ws(s, a, b - 1);
  }
  while (a < b && (s[a] == '*' || s[a] == '_' || s[a] == '(')) a++;
  if (key == RS_META_SPEAKER && (has_suffix(s, a, b, " MP") || has_suffix(s, a, b, " QC")))
    b -= 3;
  if (a >= b) return RS_OK;
  if (key == RS_META_ROLE && b - a == 2 && LOWER(s[a]) == 'p' && LOWER(s[a + 1]) == 'm')
    return set_meta_str(C, key, "Prime Minister");
  d = rs_malloc(C->M, b - a + 1);
  if (!d) return RS_ENOMEM;
  len = rs_speech_text((const char *)s, (uint32_t)a, (uint32_t)b, d);
  d[len] = '\0';
  caps = key != RS_META_TITLE && all_caps((const uchar *)d, 0, len);
  /* one short word in capitals is an acronym (NAP, CCTV): kept */
  if (caps && !memchr(d, ' ', len) && len <= 4 && key != RS_META_PLACE) caps = 0;
  if (caps) {
    title_case(d, len);
  } else if (key == RS_META_PLACE || key == RS_META_SPEAKER) { /* "SPRINGFIELD, Ill." */
    size_t i = 0;
    while (i < len) {
      size_t w = i;
      while (w < len && d[w] != ' ') w++;
      if (w - i >= 4 && all_caps((const uchar *)d, i, w)) title_case(d + i, w - i);
      i = w + 1;
    }
  }
  if (sp->meta[key]) rs_free(C->M, sp->meta[key], sp->meta_len[key] + 1);
  sp->meta[key] = d;
  sp->meta_len[key] = len;
  return RS_OK;
}

static int add_boiler_at(ctx *C, const piece *p, int why, int where) {
  if (add_boiler(C, p, why)) return RS_ENOMEM;
  C->sp->boiler[C->sp->nboiler - 1].where = (uint8_t)where;
  return RS_OK;
}

/* same bytes (after list marks and emphasis) */
static int same_text(const uchar *s, const piece *p, const piece *q) {
  size_t a = p->start, b = p->stop, c = q->start, d = q->stop;
  strip_marks(s, &a, &b);
  strip_marks(s, &c, &d);
  return b - a == d - c && b > a && memcmp(s + a, s + c, b - a) == 0;
}

/* a class that makes a paragraph before it a lede (the page's metadata
** comes after its lede: a date, time, byline, speaker or place line) */
static int after_lede(int cls) {
  return cls == LC_DATE || cls == LC_TIME || cls == LC_BYLINE || cls == LC_KEY ||
         cls == LC_SPEAKER || cls == LC_LEDE || cls == LC_PLACE || cls == LC_ORG;
}

/* is piece k a paragraph that a header line follows closely (a lede)? */
static int lede_para(const hinfo *H, size_t k, size_t lim) {
  size_t j;
  int before = 0;
  if (k == 0) return 0;
  for (j = 0; j < k; j++)
    if (H[j].cls != LC_PARA) before = 1;
  if (!before) return 0;
  for (j = k + 1; j < lim && j <= k + 3; j++)
    if (after_lede(H[j].cls)) return 1;
  return 0;
}

/* "House of Commons", "General Assembly", "Federal Government": the name of
** an institution (a site or section), not a title */
static int institution(const uchar *s, size_t a, size_t b) {
  static const char *const inst[] = {"house", "assembly", "parliament", "senate", "council",
                                     "congress", "government", "ministry", "office", "commission",
                                     "secretariat", "department", "chamber", "nations", NULL};
  tspan t[6];
  size_t n = tokens(s, a, b, t, 6), k;
  int hit = 0;
  if (n == 0 || n > 4) return 0;
  for (k = 0; k < n; k++) {
    if (tok_in(s, t[k].a, t[k].b, inst)) hit = 1;
    if (!is_upper_start(s, t[k].a, t[k].b) && !ci_word(s, t[k].a, t[k].b, "of") &&
        !ci_word(s, t[k].a, t[k].b, "the") && !ci_word(s, t[k].a, t[k].b, "for"))
      return 0;
  }
  return hit;
}

static int is_evidence(int cls) {
  return cls == LC_TITLE || cls == LC_DATE || cls == LC_TIME || cls == LC_BYLINE ||
         cls == LC_ORG || cls == LC_NOTE || cls == LC_SPEAKER || cls == LC_LEDE ||
         cls == LC_KEY || cls == LC_PLACE || cls == LC_BREAD;
}

/* the head: classes, the first body piece, whys and metadata. Returns the
** index of the first body piece through *body */
static int header(ctx *C, size_t *body) {
  const uchar *s = C->s;
  hinfo H[HWIN];
  size_t W, k, S, B, title = (size_t)-1, firstev, nheader = 0;
  int title_rule = 0, evidence = 0;
  hpick pdate = {0, 0, 0}, pplace = {0, 0, 0}, psrc = {0, 0, 0}, pname = {0, 0, 0};
  size_t date_k = 0, name_k = 0, role_a = 0, role_b = 0, trole_a = 0, trole_b = 0;
  size_t title_stop = 0;
  int md_m = 0, md_d = 0;
  *body = 0;
  C->head_end = 0;
  if (C->opts & RS_SP_NO_HEADER) return RS_OK;
  if (!C->hint_head && !C->hint_label && !C->hint_foot) /* hints are per piece: keep them */
    for (k = 0; k < C->npieces && k < HWIN; k++)
      if (memchr(s + C->pieces[k].start, 0xE5, C->pieces[k].stop - C->pieces[k].start) &&
          zh_split(C, k)) /* only Chinese text has 尊敬的 */
        return RS_ENOMEM;
  W = C->npieces < HWIN ? C->npieces : HWIN;
  for (k = 0; k < W; k++) {
    if (k > 0 && H[k - 1].cls == LC_KEY) {
      key_value(C, k, H[k - 1].key, &C->pieces[k - 1], &H[k]);
      continue;
    }
    classify_piece(C, k, &H[k]);
    if (C->hint_label) /* a site's rule: labels, and only they, are labels */
      H[k].cls = C->hint_label[k].len ? LC_LABEL : H[k].cls == LC_LABEL ? LC_PARA : H[k].cls;
    if (C->hint_head && C->hint_head[k]) { /* a site's rule: header */
      if (H[k].cls == LC_SAL || H[k].cls == LC_LABEL || H[k].cls == LC_SECTION ||
          H[k].cls == LC_PARA)
        H[k].cls = LC_NOTE;
    }
    if (H[k].cls == LC_SAL || H[k].cls == LC_LABEL || H[k].cls == LC_SECTION) {
      k++;
      break;
    }
    /* four paragraphs in a row: the speech has begun (a lede is followed
    ** by a header line within three pieces) */
    if (k >= 3 && H[k].cls == LC_PARA && H[k - 1].cls == LC_PARA && H[k - 2].cls == LC_PARA &&
        H[k - 3].cls == LC_PARA && !C->hint_head) {
      k++;
      break;
    }
  }
  W = k;
  /* the first piece of speech */
  for (S = 0; S < W; S++)
    if (H[S].cls == LC_SAL || H[S].cls == LC_LABEL || H[S].cls == LC_SECTION) break;
  /* a salutation that began on the line before: "President of the 79th Session
  ** of the UN General" + "Assembly," */
  if (S < W && S > 0 && H[S - 1].cls == LC_SHORT && !(C->pieces[S].flags & PF_BLANK) &&
      (count_words(s, C->pieces[S].start, C->pieces[S].stop, 4) <= 3 ||
       is_lower_start(s, C->pieces[S].start, C->pieces[S].stop)) &&
      (is_salutation(s, C->pieces[S - 1].start, C->pieces[S].stop, 0, 0) ||
       (starts_role(s, C->pieces[S - 1].start, C->pieces[S].stop) &&
        (last_cp(s, C->pieces[S].start, C->pieces[S].stop) == ',' ||
         last_cp(s, C->pieces[S].start, C->pieces[S].stop) == ':'))))
    S--;
  /* the last piece a site's rule calls header */
  {
    size_t lasthint = 0;
    int any = 0;
    if (C->hint_head)
      for (k = 0; k < W; k++)
        if (C->hint_head[k]) lasthint = k, any = 1;
    if (any && lasthint >= S && S < W) S = lasthint + 1 < W ? lasthint + 1 : W;
  }
  /* a section heading right before the first salutation ("Introduction") */
  if (S < W && S > 1 && H[S - 1].cls == LC_SHORT) {
    static const char *const headword[] = {"introduction", "overview", "background", "preamble",
                                           "opening", "opening remarks", "foreword", "summary",
                                           "part one", "part i", "chapter one", NULL};
    const piece *q = &C->pieces[S - 1];
    if (whole_line_in(s, q->start, q->stop, headword)) S--;
  }
  B = S;
  if (S < W || S == C->npieces) {
    size_t npara = 0, pbytes = 0, ev = 0;
    int ok = 1;
    for (k = 0; k < S; k++) {
      if (H[k].cls == LC_PARA) {
        npara++;
        pbytes += C->pieces[k].stop - C->pieces[k].start;
        if (!lede_para(H, k, S) &&
            !(k + 1 == S && k > 0 && S < C->npieces && H[S].cls == LC_LABEL && H[k - 1].cls != LC_PARA &&
              C->pieces[k].stop - C->pieces[k].start <= 400))
          ok = 0;
      } else if (is_evidence(H[k].cls)) {
        ev++;
      }
    }
    if (npara > 4 || pbytes > 4000 || (npara > 0 && ev == 0)) ok = 0;
    /* without a header line, one title at most */
    if (ev == 0 && (S > 1 || (S == 1 && count_words(s, C->pieces[0].start, C->pieces[0].stop, 3) < 2)))
      ok = 0;
    if (C->hint_head) ok = 1;
    if (!ok) B = (size_t)-1;
  } else {
    B = (size_t)-1;
  }
  if (B == (size_t)-1) {
    /* no salutation or label to go by: the first paragraph that no header
    ** line follows closely, else after the last header line */
    size_t lim = S < W ? S : W, lastev = 0;
    int anyev = 0, anyall = 0;
    B = lim;
    for (k = 0; k < lim; k++) {
      if (H[k].cls == LC_PARA && !lede_para(H, k, lim)) {
        B = k;
        break;
      }
      if (is_evidence(H[k].cls) && H[k].cls != LC_BREAD) lastev = k, anyev = 1;
      if (is_evidence(H[k].cls)) anyall = 1;
    }
    if (k == lim) B = anyev ? lastev + 1 : 0;
    /* without a header line, one title at most */
    if (!anyall && B > 1) B = 0;
    if (!anyall && B == 1 && (H[0].cls != LC_SHORT ||
                             count_words(s, C->pieces[0].start, C->pieces[0].stop, 3) < 2))
      B = 0;
  }
  if (B > W) B = W;
  /* the title: repeated, a title form, else the last title-like line before
  ** the dateline or byline */
  for (k = 0; k + 1 < B && title == (size_t)-1; k++) {
    const piece *p = &C->pieces[k], *q = &C->pieces[k + 1];
    size_t ql = q->stop - q->start, pl = p->stop - p->start;
    if ((H[k + 1].cls == LC_SHORT || H[k + 1].cls == LC_TITLE) && ql >= 10 && pl > ql + 1 &&
        memcmp(s + p->stop - ql, s + q->start, ql) == 0 && s[p->stop - ql - 1] == ' ' &&
        count_words(s, p->start, p->stop - ql, 8) <= 6) {
      H[k].cls = LC_BREAD;
      title = k + 1, title_rule = 1;
    }
  }
  for (k = 0; k < B && title == (size_t)-1; k++) {
    size_t j;
    if (H[k].cls != LC_SHORT && H[k].cls != LC_TITLE) continue;
    for (j = k + 1; j < B; j++)
      if (same_text(s, &C->pieces[k], &C->pieces[j])) {
        title = k, title_rule = 1;
        break;
      }
  }
  for (k = 0; k < B && title == (size_t)-1; k++)
    if (H[k].cls == LC_TITLE) title = k, title_rule = 2;
  for (firstev = 0; firstev < B; firstev++) {
    int c = H[firstev].cls;
    if (c == LC_DATE || c == LC_TIME || c == LC_BYLINE || c == LC_SPEAKER || c == LC_LEDE ||
        c == LC_KEY || c == LC_PARA || c == LC_NOTE || c == LC_ORG)
      break;
  }
  if (title == (size_t)-1) { /* the longest title-like line before the metadata */
    size_t best = 0;
    for (k = 0; k < firstev; k++) {
      const piece *p = &C->pieces[k];
      if (H[k].cls == LC_SHORT && !institution(s, p->start, p->stop) &&
          (count_words(s, p->start, p->stop, 4) >= 3 || p->stop - p->start >= 24) &&
          p->stop - p->start >= best) {
        title = k, title_rule = 3;
        best = p->stop - p->start;
      }
    }
  }
  if (title == (size_t)-1)
    for (k = 0; k < B; k++) {
      const piece *p = &C->pieces[k];
      int near_date = (k > 0 && (H[k - 1].cls == LC_DATE || H[k - 1].cls == LC_TIME)) ||
                      (k + 1 < B && (H[k + 1].cls == LC_DATE || H[k + 1].cls == LC_TIME));
      if (H[k].cls == LC_SHORT && count_words(s, p->start, p->stop, 3) >= 2 &&
          !institution(s, p->start, p->stop) &&
          !(near_date && (find_lit(s, p->start, p->stop, ",") < p->stop ||
                          (k + 1 < B && (H[k + 1].cls == LC_TIME || H[k + 1].cls == LC_PLACE))))) {
        title = k, title_rule = 3;
        break;
      }
    }
  /* a title in several lines: "Statement by" / "H.E. Ms. X" / "Minister for ..." / "at the ..." */
  if (title != (size_t)-1) {
    const piece *tp = &C->pieces[title];
    size_t v = tp->start, e = tp->stop;
    strip_marks(s, &v, &e);
    title_stop = e;
    if (e - v >= 2 && (has_suffix(s, v, e, " by") || has_suffix(s, v, e, " By") || e - v == 2)) {
      size_t j = title + 1;
      if (j < B && H[j].cls == LC_SPEAKER) {
        title_stop = C->pieces[j].stop;
        j++;
        if (j < B && (H[j].cls == LC_SHORT || H[j].cls == LC_ROLE) &&
            starts_role(s, C->pieces[j].start, C->pieces[j].stop)) {
          H[j].cls = LC_ROLE;
          title_stop = C->pieces[j].stop;
          j++;
        }
        if (j < B && (H[j].cls == LC_PARA || H[j].cls == LC_SHORT) &&
            (ci_word(s, C->pieces[j].start, C->pieces[j].stop, "at") ||
             ci_word(s, C->pieces[j].start, C->pieces[j].stop, "on") ||
             ci_word(s, C->pieces[j].start, C->pieces[j].stop, "to") ||
             ci_word(s, C->pieces[j].start, C->pieces[j].stop, "before")) &&
            !ends_sentence(s, C->pieces[j].start, C->pieces[j].stop)) {
          H[j].cls = LC_TITLE;
          title_stop = C->pieces[j].stop;
        }
      }
    }
  }
  /* the speaker the title names, whatever its form */
  if (title != (size_t)-1 && H[title].name_b == H[title].name_a) {
    const piece *tp = &C->pieces[title];
    size_t v = tp->start, e = title_stop ? title_stop : tp->stop, na, nb, ra, rb, after;
    strip_marks(s, &v, &e);
    if (by_phrase(s, v, e, &na, &nb, &ra, &rb, &after) || possessive(s, v, e, &na, &nb, &ra, &rb)) {
      H[title].name_a = na, H[title].name_b = nb, H[title].role_a = ra, H[title].role_b = rb;
      H[title].name_prio = 2;
    }
  }
  /* the rest of the head */
  for (k = 0; k < B; k++) {
    hinfo *h = &H[k];
    const piece *p = &C->pieces[k];
    if (k == title) continue;
    if (h->cls == LC_TITLE && h->name_b == h->name_a) { /* "James S. Brady Press Briefing Room" */
      size_t v = p->start, e = p->stop;
      strip_marks(s, &v, &e);
      if (place_like(s, v, e) && ((k > 0 && (H[k - 1].cls == LC_DATE || H[k - 1].cls == LC_TIME)) ||
                                  (k + 1 < B && (H[k + 1].cls == LC_DATE || H[k + 1].cls == LC_TIME))))
        h->cls = LC_SHORT;
    }
    if (h->cls == LC_SHORT) {
      size_t v = p->start, e = p->stop;
      strip_marks(s, &v, &e);
      if (title != (size_t)-1 && k > title && same_text(s, p, &C->pieces[title])) {
        h->cls = LC_TITLE;
      } else if (place_like(s, v, e) &&
                 ((k > 0 && (H[k - 1].cls == LC_DATE || H[k - 1].cls == LC_TIME ||
                             H[k - 1].cls == LC_PLACE)) ||
                  (k + 1 < B && (H[k + 1].cls == LC_DATE || H[k + 1].cls == LC_TIME)))) {
        h->cls = LC_PLACE;
        h->place_a = v, h->place_b = e;
      } else if (title == (size_t)-1 || k < title) {
        h->cls = LC_BREAD;
      } else if (starts_role(s, v, e) && k > 0 &&
                 (H[k - 1].cls == LC_SPEAKER || H[k - 1].cls == LC_ROLE || k - 1 == title ||
                  (H[k - 1].cls == LC_TITLE && H[k - 1].name_b > H[k - 1].name_a))) {
        h->cls = LC_ROLE;
      } else {
        h->cls = count_words(s, v, e, 4) >= 3 ? LC_TITLE : LC_BREAD;
        h->date_ok = 0;
      }
    }
    if (h->cls == LC_ROLE && h->role_b == h->role_a) {
      size_t v = p->start, e = p->stop;
      strip_marks(s, &v, &e);
      h->role_a = v, h->role_b = e;
    }
    if (h->cls != LC_BREAD && h->cls != LC_TITLE && h->cls != LC_PARA) evidence = 1;
  }
  /* boilerplate and metadata */
  for (k = 0; k < B; k++) {
    hinfo *h = &H[k];
    const piece *p = &C->pieces[k];
    int why;
    switch (h->cls) {
      case LC_BREAD: why = RS_BP_BREADCRUMB; break;
      case LC_TITLE: case LC_SHORT: why = RS_BP_TITLE; break;
      case LC_DATE: case LC_PLACE: why = RS_BP_DATELINE; break;
      case LC_TIME: why = RS_BP_TIME; break;
      case LC_BYLINE: case LC_ORG: why = RS_BP_BYLINE; break;
      case LC_NOTE: why = RS_BP_NOTE; break;
      case LC_SPEAKER: case LC_ROLE: why = RS_BP_SPEAKER; break;
      case LC_KEY:
        why = H[k].key == LC_BYLINE ? RS_BP_BYLINE : H[k].key == LC_SPEAKER ? RS_BP_SPEAKER
                                                                             : RS_BP_DATELINE;
        break;
      default: why = RS_BP_LEDE; break;
    }
    if (k == title) why = RS_BP_TITLE;
    else if (h->cls == LC_TITLE && h->name_b > h->name_a && h->name_prio >= 3) why = RS_BP_SPEAKER;
    if (C->hint_head && C->hint_head[k] > 1) why = C->hint_head[k] - 1; /* the site's why */
    if (add_boiler_at(C, p, why, RS_BPW_HEADER)) return RS_ENOMEM;
    nheader++;
    if (h->cls == LC_NOTE && kw_in(s, p->start, p->stop, notein)) C->procedural = 1;
    if (h->title_b > h->title_a && title == (size_t)-1) {
      if (set_meta(C, RS_META_TITLE, h->title_a, h->title_b, 0)) return RS_ENOMEM;
    }
    if (h->date_ok && (h->cls == LC_DATE || h->cls == LC_BYLINE || h->cls == LC_SPEAKER ||
                       h->cls == LC_LEDE || k == title)) {
      int prio = k == title ? 3 : h->date_prio;
      if (prio > pdate.prio) pdate.prio = prio, date_k = k;
    }
    if (h->md_m && !md_m) md_m = h->md_m, md_d = h->md_d;
    if (h->place_b > h->place_a) {
      int prio = h->cls == LC_LEDE ? 3 : h->cls == LC_DATE || h->cls == LC_SPEAKER ? 2 : 1;
      if (h->cls == LC_PLACE && pplace.prio <= 1) pplace.prio = 0; /* the last place line */
      pick(&pplace, h->place_a, h->place_b, prio);
    }
    if (h->src_b > h->src_a) pick(&psrc, h->src_a, h->src_b, h->src_prio);
    if (h->name_b > h->name_a && h->name_prio > pname.prio) {
      pick(&pname, h->name_a, h->name_b, h->name_prio);
      name_k = k;
      role_a = h->role_a, role_b = h->role_b;
    }
    if (h->name_b == h->name_a && h->role_b > h->role_a && (h->cls == LC_TITLE || k == title))
      trole_a = h->role_a, trole_b = h->role_b;
    if (h->cls == LC_ROLE && role_b == role_a && h->role_b > h->role_a)
      role_a = h->role_a, role_b = h->role_b;
  }
  (void)name_k;
  if (title != (size_t)-1) {
    const piece *tp = &C->pieces[title];
    size_t v = tp->start, e = title_stop ? title_stop : tp->stop;
    strip_marks(s, &v, &e);
    if (C->sp->meta[RS_META_TITLE]) {
      rs_free(C->M, C->sp->meta[RS_META_TITLE], C->sp->meta_len[RS_META_TITLE] + 1);
      C->sp->meta[RS_META_TITLE] = NULL;
    }
    if (set_meta(C, RS_META_TITLE, v, e, 1)) return RS_ENOMEM;
    if (title_rule == 3 && !evidence && !(C->hint_head && C->hint_head[title]))
      if (add_warning(C, RS_WARN_GUESSTITLE, tp->line, tp->start)) return RS_ENOMEM;
  } else if (B > 0 && !C->sp->meta[RS_META_TITLE]) {
    if (add_warning(C, RS_WARN_NOTITLE, 0, 0)) return RS_ENOMEM;
  }
  if (pdate.prio > 0 && !C->sp->meta[RS_META_DATE] && set_date(C, &H[date_k].date))
    return RS_ENOMEM;
  if (!pdate.prio && md_m) C->sp->date_month = (uint8_t)md_m, C->sp->date_day = (uint8_t)md_d;
  if (pplace.prio > 0 && !C->sp->meta[RS_META_PLACE] &&
      set_meta_clean(C, RS_META_PLACE, pplace.a, pplace.b))
    return RS_ENOMEM;
  if (psrc.prio > 0 && !C->sp->meta[RS_META_SOURCE] &&
      set_meta_clean(C, RS_META_SOURCE, psrc.a, psrc.b))
    return RS_ENOMEM;
  if (pname.prio > 0 && set_meta_clean(C, RS_META_SPEAKER, pname.a, pname.b)) return RS_ENOMEM;
  if (role_b == role_a) role_a = trole_a, role_b = trole_b;
  if (role_b > role_a && pname.prio > 0 && set_meta_clean(C, RS_META_ROLE, role_a, role_b))
    return RS_ENOMEM;
  C->head_end = B;
  C->nheader = nheader;
  *body = B;
  return RS_OK;
}

/* }====================================================== */


/* {====================================================== phase 2b: footer and notes */

/* lines that end a page: everything after them is furniture */
static const char *const hardfoot[] = {
  "publication status", "published in sections", "publication date", "direct link",
  "(release id", "release id", "visitor counter", "read this release in",
  "is this page useful", "was this page helpful", "was this helpful", "share this page",
  "[editor:", "(editor:", "editor:", "copyright", "\xc2\xa9", "all rights reserved",
  "scroll to top", "back to top", "stay connected", "the meeting rose",
  "this record contains", "page last updated", "last updated", "filed under", "posted in",
  "comments are closed", "leave a comment", "leave a reply", "print this page",
  "related articles", "related news", "related stories", "related content", "related links",
  "related posts", "you may also like", "recommended for you", "most read", "most popular",
  "more from", "more on this", "more stories", "latest news", "-end-", "- end -", "(end)",
  "###", "responsible editor", "web editor", "source url", "print friendly", "download pdf",
  "download the", "follow us", "sign up for", "subscribe to", NULL};

/* lines of a footer, and lists that start one: whole lines ... */
static const char *const softline[] = {
  "share", "share this", "share this article", "share this story", "share this page",
  "share on", "tweet", "facebook", "twitter", "x", "linkedin", "whatsapp", "telegram",
  "reddit", "pinterest", "email", "e-mail", "print", "close", "yes", "no", "maybe", "related",
  "read more", "read also", "see also", "more", "tags", "topics", "keywords", "categories",
  "like this", "loading", "loading...", "advertisement", "sponsored", "previous", "next",
  "previous article", "next article", "previous post", "next post", "top", "home", "comments",
  "permalink", "download", "attachments", "documents", "translations", "sign up", "subscribe",
  "newsletter", "follow us", "contact", "contact us", "print this", "print version",
  "printable version", "copy link", "copy the link", "listen", "watch", "follow", "contents",
  "table of contents", "on this page", NULL};

/* ... and beginnings */
static const char *const softpre[] = {
  "share this", "share on ", "share via", "tags:", "tag:", "topics:", "keywords:", "categories:",
  "category:", "related:", "related topics", "related articles", "more on ", "more from ",
  "read more", "read also:", "see also:", "report a problem", "thank you for your feedback",
  "help us improve", "don't include personal", "don\xe2\x80\x99t include personal",
  "the following links open", "(opens in new", "like this:", "media contact", "press contact",
  "for more information", "for further information", "click here", "available in:",
  "this page in:", "read this", "sign up for", "subscribe to", "source:", "(source:",
  "photo:", "photos:", "image:", "credit:", "download the", "first published",
  "last updated", "originally published", "posted in", "filed under", "opt in",
  "we'll be in touch", "we\xe2\x80\x99ll be in touch", "written by", "more from", "about the author",
  NULL};


static int is_initials(const uchar *s, size_t a, size_t b) {
  /* "DS/SH/NS", "DS/ST/NS", "RK/SKS" */
  size_t i, run = 0, slashes = 0;
  if (b - a > 40) return 0;
  for (i = a; i < b; i++) {
    if (IS_ASCII_UPPER(s[i])) {
      if (++run > 5) return 0;
    } else if (s[i] == '/' || s[i] == '\\') {
      if (!run) return 0;
      run = 0;
      slashes++;
    } else if (s[i] == ' ' || s[i] == '.' || s[i] == '-') {
      continue;
    } else {
      return 0;
    }
  }
  return slashes >= 1 && run > 0;
}

/* a rule: "***", "---", "___", "* * *", "———" */
static int is_rule_line(const uchar *s, size_t a, size_t b) {
  size_t i = a;
  if (b - a < 1 || b - a > 40) return 0;
  while (i < b) {
    if (has_prefix(s, i, b, "\xe2\x80\x94") || has_prefix(s, i, b, "\xe2\x80\x93")) {
      i += 3;
      continue;
    }
    if (s[i] != '*' && s[i] != '-' && s[i] != '_' && s[i] != '=' && s[i] != '#' && s[i] != ' ' &&
        s[i] != '~')
      return 0;
    i++;
  }
  return 1;
}

/* a document number: "21-26034 (E)", "A/76/PV.3" */
static int is_docnum(const uchar *s, size_t a, size_t b) {
  size_t i, digits = 0;
  if (b - a > 40) return 0;
  for (i = a; i < b; i++) {
    if (IS_DIGIT(s[i])) digits++;
    else if (IS_ASCII_LOWER(s[i])) return 0;
  }
  return digits >= 4 && count_words(s, a, b, 4) <= 3 && !ends_sentence(s, a, b);
}

enum { FC_OTHER = 0, FC_SOFT, FC_HARD, FC_LINE, FC_TIME, FC_DATE };

static int foot_class(ctx *C, size_t k) {
  const uchar *s = C->s;
  const piece *p = &C->pieces[k];
  size_t v = p->start, e = p->stop, len;
  hinfo h;
  strip_marks(s, &v, &e);
  if (v >= e) return is_rule_line(s, p->start, p->stop) ? FC_LINE : FC_OTHER;
  len = e - v;
  if (len <= 160 && kw_at(s, v, e, hardfoot)) return FC_HARD;
  if (len <= 60 && ci_word(s, v, e, "end") && (v + 3 == e || is_time_line(s, v, e))) return FC_HARD;
  if (is_time_line(s, v, e)) return FC_TIME;
  if (len > 300) return FC_OTHER;
  if (len <= 200 && kw_in(s, v, e, (const char *const[]){"appeared first on", "all rights reserved",
                                           "opens in new tab", "contributed to this report",
                                           "contributed reporting", "reporting by", "editing by",
                                           NULL}))
    return FC_HARD;
  if (is_initials(s, v, e) || is_rule_line(s, p->start, p->stop) || is_docnum(s, v, e))
    return FC_LINE;
  if (len <= 60 && whole_line_in(s, v, e, softline)) return FC_SOFT;
  if (len <= 160 && kw_at(s, v, e, softpre)) return FC_SOFT;
  if (len <= 80 && is_bracketed(s, v, e) && !is_closing_shape(s, v, e)) return FC_LINE;
  memset(&h, 0, sizeof h);
  if (len <= 80 && dateline(s, v, e, &h) && count_words(s, v, e, 10) <= 8) return FC_DATE;
  return FC_OTHER;
}

/* Find the footer among the last pieces (from `from` on): a line that ends
** pages (hard) or a footer list (soft) with only footer lines after it; also
** a time or date left at the very end. Returns the first footer piece. */
static size_t find_footer(ctx *C, size_t from) {
  const uchar *s = C->s;
  size_t n = C->npieces, lo = n > from + 50 ? n - 50 : from, base = lo, k, f = n, run = 0;
  uint8_t fc[50];
  if (C->opts & RS_SP_NO_FOOTER || n <= from) return n;
  /* from the end: six paragraphs of speech in a row, and the footer is below them */
  for (k = n; k > lo; k--) {
    const piece *p = &C->pieces[k - 1];
    fc[k - 1 - base] = (uint8_t)foot_class(C, k - 1);
    if (fc[k - 1 - base] == FC_OTHER &&
        (p->stop - p->start > 160 || ends_sentence(s, p->start, p->stop))) {
      if (++run == 6) break;
    } else {
      run = 0;
    }
  }
  if (k > lo) lo = k - 1;
  /* a hard line: the footer starts there (not on the first body piece) */
  for (k = lo; k < n; k++)
    if (fc[k - base] == FC_HARD && k > from) {
      f = k;
      break;
    }
  /* a soft line (a list's head) before it with nothing but short lines after it */
  for (k = lo; k < f; k++) {
    size_t j;
    int ok = 1;
    if (fc[k - base] != FC_SOFT || k == from) continue;
    for (j = k + 1; j < f && ok; j++) {
      const piece *q = &C->pieces[j];
      if (fc[j - base] != FC_OTHER) continue;
      if (q->stop - q->start > 160 || count_words(s, q->start, q->stop, 30) > 24 ||
          is_closing_shape(s, q->start, q->stop) || is_salutation(s, q->start, q->stop, 0, 0))
        ok = 0;
    }
    if (ok) {
      f = k;
      break;
    }
  }
  /* footer lines just above it, and trailing times and dates */
  while (f > from + 1 && f - 1 >= lo && fc[f - 1 - base] != FC_OTHER) f--;
  if (f > from + 1 && f - 1 >= lo && fc[f - 1 - base] == FC_OTHER && f < n && fc[f - base] == FC_DATE) {
    /* "New Delhi" above "September 08, 2022" */
    const piece *q = &C->pieces[f - 1];
    size_t v = q->start, e = q->stop;
    strip_marks(s, &v, &e);
    if (place_like(s, v, e) && count_words(s, v, e, 4) <= 3) f--;
  }
  return f;
}

/* the footer's boilerplate (and its date and place when the head had none) */
static int commit_footer(ctx *C, size_t f) {
  const uchar *s = C->s;
  size_t k, n = C->npieces, count = 0;
  for (k = f; k < n; k++) {
    const piece *p = &C->pieces[k];
    size_t v = p->start, e = p->stop;
    hinfo h;
    int why = RS_BP_FOOTER;
    strip_marks(s, &v, &e);
    if (v < e && is_time_line(s, v, e)) why = RS_BP_TIME;
    memset(&h, 0, sizeof h);
    if (v < e && e - v <= 80 && dateline(s, v, e, &h)) {
      if (h.date_ok && !C->sp->meta[RS_META_DATE] && set_date(C, &h.date)) return RS_ENOMEM;
    } else if (v < e && k + 1 < n && place_like(s, v, e) && count_words(s, v, e, 4) <= 3) {
      hinfo h2;
      const piece *q = &C->pieces[k + 1];
      memset(&h2, 0, sizeof h2);
      if (dateline(s, q->start, q->stop, &h2) && !C->sp->meta[RS_META_PLACE] &&
          set_meta_clean(C, RS_META_PLACE, v, e))
        return RS_ENOMEM;
    }
    if (add_boiler_at(C, p, why, RS_BPW_FOOTER)) return RS_ENOMEM;
    count++;
  }
  if (count && add_warning(C, RS_WARN_FOOTER, C->pieces[f].line, C->pieces[f].start))
    return RS_ENOMEM;
  if (count) C->sp->warnings[C->sp->nwarnings - 1].count = (uint32_t)count;
  return RS_OK;
}

/* pieces of the body that are notes: "(Applause.)", times, procedure;
** they leave the speech (PF_SKIP) */
static int body_notes(ctx *C, size_t from, size_t to) {
  const uchar *s = C->s;
  size_t k, count = 0;
  for (k = from; k < to; k++) {
    piece *p = &C->pieces[k];
    size_t v = p->start, e = p->stop;
    int why = 0;
    if (p->flags & PF_IDEO) continue;
    strip_marks(s, &v, &e);
    if (v >= e) {
      if (is_rule_line(s, p->start, p->stop)) why = RS_BP_NOTE;
    } else if (e - v <= 80 && is_bracketed(s, v, e) && !ends_sentence(s, v + 1, e - 1) &&
               !(all_caps(s, v, e) && count_words(s, v, e, 4) >= 3)) {
      why = RS_BP_NOTE; /* "[INTERNATIONAL PEACE AND SECURITY]" is a heading */
    } else if (e - v <= 80 && is_bracketed(s, v, e) && count_words(s, v, e, 6) <= 4 &&
               !(all_caps(s, v, e) && count_words(s, v, e, 4) >= 3)) {
      why = RS_BP_NOTE; /* (Applause.) (Laughter.) */
    } else if (e - v <= 40 && is_time_line(s, v, e)) {
      why = RS_BP_TIME;
    } else if (C->procedural && e - v <= 300 && e - v >= 20 &&
               (s[e - 1] == '.' || s[e - 1] == ')') &&
               kw_in(s, v, e, (const char *const[]){"was escorted", "took the chair",
                                                                     "called to order",
                                                                     "the meeting rose",
                                                                     "the meeting was suspended",
                                                                     "the meeting resumed",
                                                                     NULL})) {
      why = RS_BP_NOTE;
    }
    if (!why) continue;
    if (C->hint_label && C->hint_label[k].len) continue;
    p->flags |= PF_SKIP;
    if (add_boiler_at(C, p, why, RS_BPW_BODY)) return RS_ENOMEM;
    count++;
  }
  if (count && add_warning(C, RS_WARN_NOTES, 0, 0)) return RS_ENOMEM;
  if (count) C->sp->warnings[C->sp->nwarnings - 1].count = (uint32_t)count;
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== phase 3: units */

typedef struct conv_t {
  int wrapped, blank_breaks, indent_breaks;
} conv_t;

static void decide_convention(ctx *C, size_t from, size_t to, conv_t *cv) {
  const uchar *s = C->s;
  size_t k, n_long = 0, n_open = 0, b_long = 0, b_open = 0, nlines = 0, nind = 0, nblank = 0;
  uint32_t minind = (uint32_t)-1;
  cv->wrapped = 0, cv->blank_breaks = 1, cv->indent_breaks = 0;
  for (k = from; k < to; k++)
    if ((C->pieces[k].flags & PF_LINE) && C->pieces[k].indent < minind)
      minind = C->pieces[k].indent;
  for (k = from; k < to; k++) {
    const piece *p = &C->pieces[k];
    if (!(p->flags & PF_LINE) || (p->flags & PF_SKIP)) continue;
    nlines++;
    if (p->flags & PF_BLANK) nblank++;
    if (p->indent > minind) nind++;
  }
  for (k = from; k + 1 < to; k++) {
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

static int add_seg(ctx *C, size_t a, size_t b, uint32_t line, size_t piece0) {
  rs_speech *sp = C->sp;
  rs_segment *g;
  if (GROW(C, sp->segs, sp->nsegs, sp->capsegs)) return RS_ENOMEM;
  if (rs_grow(C->M, (void **)&C->segpiece, &C->capsegpiece, sp->nsegs + 1, sizeof *C->segpiece))
    return RS_ENOMEM;
  C->segpiece[sp->nsegs] = (uint32_t)piece0;
  g = &sp->segs[sp->nsegs++];
  g->start = (uint32_t)a;
  g->stop = (uint32_t)b;
  g->line = line;
  g->kind = RS_SEG_PARAGRAPH;
  g->point = 0;
  g->point_index = 0;
  g->turn = 0;
  return RS_OK;
}

static int is_lower_start(const uchar *s, size_t i, size_t b) {
  int32_t cp;
  if (i >= b) return 0;
  cp_at(s, b, i, &cp);
  if (cp < 0x80) return IS_ASCII_LOWER(cp);
  return (cp >= 0xDF && cp <= 0xFF && cp != 0xF7);
}

static int build_units(ctx *C, size_t from, size_t to) {
  const uchar *s = C->s;
  conv_t cv;
  size_t k, ua = 0, ub = 0, up = 0;
  uint32_t uline = 0, minind = (uint32_t)-1;
  int open = 0;
  decide_convention(C, from, to, &cv);
  for (k = from; k < to; k++)
    if ((C->pieces[k].flags & PF_LINE) && !(C->pieces[k].flags & PF_SKIP) &&
        C->pieces[k].indent < minind)
      minind = C->pieces[k].indent;
  for (k = from; k < to; k++) {
    const piece *p = &C->pieces[k];
    int brk = 1;
    if (p->flags & PF_SKIP) { /* a note ends the unit */
      if (open && add_seg(C, ua, ub, uline, up)) return RS_ENOMEM;
      open = 0;
      continue;
    }
    if (open && !(p->flags & PF_IDEO) && (p->flags & PF_LINE)) {
      if (C->hint_label && C->hint_label[k].len) {
        brk = 1; /* a site's label starts a unit */
      } else if (cv.wrapped) {
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
      if (open && add_seg(C, ua, ub, uline, up)) return RS_ENOMEM;
      ua = p->start, uline = p->line, up = k;
      open = 1;
    }
    ub = p->stop;
  }
  if (open && add_seg(C, ua, ub, uline, up)) return RS_ENOMEM;
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
    {
      size_t k;
      for (k = 0; k < sp->nturns; k++) {
        if (sp->turns[k].first_seg > 0) sp->turns[k].first_seg++;
        sp->turns[k].last_seg++;
      }
    }
  }
  return RS_OK;
}

/* }====================================================== */


/* {====================================================== phase 3b: speaker turns */

typedef struct lab { /* a speaker label at the start of a segment */
  uint32_t seg, la, le, te;
  int kind, strength, accepted;
  uint32_t hash;
  const char *hname; /* a site's rule gave the name */
  size_t hname_len;
} lab;

/* case-folded hash of a label's key (honorifics off) */
static uint32_t key_hash(const uchar *s, size_t a, size_t b) {
  uint32_t h = 2166136261u;
  size_t i;
  a = skip_hon(s, a, b);
  for (i = a; i < b; i++) {
    uchar c = (uchar)LOWER(s[i]);
    if (c == ' ' || c == '.' || c == ',') continue;
    h = (h ^ c) * 16777619u;
  }
  return h;
}

/* a cleaned copy: white space squashed, ALL CAPS title-cased */
static char *clean_copy(ctx *C, size_t a, size_t b, size_t *plen) {
  const uchar *s = C->s;
  char *d;
  size_t len, i;
  a = skip_ws(s, a, b);
  b = back_ws(s, a, b);
  while (b > a && (s[b - 1] == ',' || s[b - 1] == ':' || s[b - 1] == ';')) b = back_ws(s, a, b - 1);
  d = rs_malloc(C->M, (b > a ? b - a : 0) + 1);
  if (!d) return NULL;
  len = b > a ? rs_speech_text((const char *)s, (uint32_t)a, (uint32_t)b, d) : 0;
  d[len] = '\0';
  if (all_caps((const uchar *)d, 0, len) && (memchr(d, ' ', len) || len > 4)) title_case(d, len);
  (void)i;
  *plen = len;
  return d;
}

static char *dup_str(ctx *C, const char *str, size_t len) { return rs_strndup(C->M, str, len); }

/* case-insensitive equality of two strings */
static int ci_eq(const char *x, size_t xl, const char *y, size_t yl) {
  size_t i;
  if (xl != yl) return 0;
  for (i = 0; i < xl; i++)
    if (LOWER((uchar)x[i]) != LOWER((uchar)y[i])) return 0;
  return 1;
}

/* does the name y end with the words of x ("Putin" in "Vladimir Putin") */
static int tail_of(const char *x, size_t xl, const char *y, size_t yl) {
  if (xl == 0 || yl <= xl + 1) return 0;
  if (y[yl - xl - 1] != ' ') return 0;
  return ci_eq(x, xl, y + yl - xl, xl);
}

/* the speaker named name (a new one if none); role and country optional;
** takes ownership of the strings */
static int find_speaker(ctx *C, char *name, size_t nl, char *role, size_t rl, char *country,
                        size_t cl, int question, int32_t *out) {
  rs_speech *sp = C->sp;
  size_t k;
  for (k = 0; k < sp->nspeakers; k++) {
    rs_speaker *x = &sp->speakers[k];
    if (ci_eq(x->name, x->name_len, name, nl)) {
      rs_free(C->M, name, nl + 1);
      if (role && !x->role) x->role = role, x->role_len = rl;
      else if (role) rs_free(C->M, role, rl + 1);
      if (country && !x->country) x->country = country, x->country_len = cl;
      else if (country) rs_free(C->M, country, cl + 1);
      *out = (int32_t)k;
      return RS_OK;
    }
  }
  if (GROW(C, sp->speakers, sp->nspeakers, sp->capspeakers)) {
    rs_free(C->M, name, nl + 1);
    if (role) rs_free(C->M, role, rl + 1);
    if (country) rs_free(C->M, country, cl + 1);
    return RS_ENOMEM;
  }
  {
    rs_speaker *x = &sp->speakers[sp->nspeakers];
    memset(x, 0, sizeof *x);
    x->name = name, x->name_len = nl;
    x->role = role, x->role_len = role ? rl : 0;
    x->country = country, x->country_len = country ? cl : 0;
    x->question = (uint8_t)question;
  }
  *out = (int32_t)sp->nspeakers++;
  return RS_OK;
}

/* the speaker of a label; *role_only when it names only a role */
static int label_speaker(ctx *C, const lab *L, int32_t *out, int *role_only) {
  const uchar *s = C->s;
  size_t a = L->la, e = L->le, p, ra, rb, na, nb, nl = 0, rl = 0, cl = 0;
  char *name = NULL, *role = NULL, *country = NULL;
  *role_only = 0;
  if (L->hname) {
    name = dup_str(C, L->hname, L->hname_len);
    if (!name) return RS_ENOMEM;
    return find_speaker(C, name, L->hname_len, NULL, 0, NULL, 0, 0, out);
  }
  if (L->kind == LB_Q) {
    name = dup_str(C, "Q", 1);
    if (!name) return RS_ENOMEM;
    return find_speaker(C, name, 1, NULL, 0, NULL, 0, 1, out);
  }
  if (L->kind == LB_A) {
    name = dup_str(C, "A", 1);
    if (!name) return RS_ENOMEM;
    return find_speaker(C, name, 1, NULL, 0, NULL, 0, 0, out);
  }
  /* "(Costa Verde) (spoke in Spanish)"; after a role alone, the name:
  ** "The Prime Minister (Edward Marsh)" */
  p = find_lit(s, a, e, "(");
  if (p < e) {
    size_t q = find_lit(s, p, e, ")"), e0 = back_ws(s, a, p);
    split_role_name(s, a, e0, &ra, &rb, &na, &nb);
    if (q < e && nb <= na && rb > ra && name_shaped(s, p + 1, q, 2)) {
      size_t rl0 = 0, nl0 = 0;
      if (ci_word(s, ra, rb, "the")) ra = skip_ws(s, ra + 3, rb);
      name = clean_copy(C, p + 1, q, &nl0);
      role = name ? clean_copy(C, ra, rb, &rl0) : NULL;
      if (!name || !role) goto nomem;
      if (find_speaker(C, name, nl0, role, rl0, NULL, 0, 0, out)) return RS_ENOMEM;
      C->sp->speakers[*out].lkey = key_hash(s, a, e0); /* "The Prime Minister" */
      return RS_OK;
    }
    if (q < e && !ci_word(s, p + 1, q, "spoke") && !ci_word(s, p + 1, q, "interpretation") &&
        !ci_word(s, p + 1, q, "through") && !ci_word(s, p + 1, q, "in ") &&
        !ci_word(s, p + 1, q, "translat") && !ci_word(s, p + 1, q, "retranslat")) {
      country = clean_copy(C, p + 1, q, &cl);
      if (!country) return RS_ENOMEM;
    }
    e = e0;
  }
  if (s[a] >= 0xE0) { /* a Han label */
    na = a, nb = e, ra = rb = a;
  } else {
    split_role_name(s, a, e, &ra, &rb, &na, &nb);
  }
  if (nb <= na) { /* a role alone: "THE PRESIDENT", "The Acting President", "Mr Speaker" */
    *role_only = 1;
    na = skip_hon(s, a, e), nb = e;
    if (ci_word(s, ra, rb, "the")) ra = skip_ws(s, ra + 3, rb);
  }
  name = clean_copy(C, na, nb, &nl);
  if (!name) goto nomem;
  if (rb > ra) {
    role = clean_copy(C, ra, rb, &rl);
    if (!role) goto nomem;
    if (rl == 2 && LOWER((uchar)role[0]) == 'p' && LOWER((uchar)role[1]) == 'm') {
      rs_free(C->M, role, rl + 1);
      role = dup_str(C, "Prime Minister", 14), rl = 14;
      if (!role) goto nomem;
    }
  }
  if (find_speaker(C, name, nl, role, rl, country, cl, 0, out)) return RS_ENOMEM;
  if (*role_only) C->sp->speakers[*out].lkey = key_hash(s, a, e);
  return RS_OK;
nomem:
  if (name) rs_free(C->M, name, nl + 1);
  if (role) rs_free(C->M, role, rl + 1);
  if (country) rs_free(C->M, country, cl + 1);
  return RS_ENOMEM;
}

/* names a page gives in its head ("Press Secretary Dana Whitfield"): for
** "MS. WHITFIELD" and "Okafor" */
typedef struct known {
  size_t na, nb, ra, rb;
} known;

#define MAXKNOWN 96

/* person names in s[a..b) ("Press Secretary Dana Whitfield" gives the name
** and its role), added to kn[n..max) */
static size_t scan_names(const uchar *s, size_t a, size_t b, known *kn, size_t n, size_t max) {
  tspan t[MAXTOK];
  size_t pos = a;
  for (;;) { /* MAXTOK tokens at a time; a run never starts in the last four */
    size_t nt = tokens(s, pos, b, t, MAXTOK), i = 0, lim;
    int more = nt == MAXTOK;
    if (nt == 0) break;
    lim = more ? nt - 4 : nt;
    while (i < lim && n < max) {
      size_t j = i, r = i;
      while (j < nt && name_tok(s, t[j].a, t[j].b) && is_upper_start(s, t[j].a, t[j].b) &&
             !tok_in(s, t[j].a, t[j].b, roleword) && !kw_at(s, t[j].a, t[j].b, honorifics) &&
             !tok_in(s, t[j].a, t[j].b, speechword) && !tok_in(s, t[j].a, t[j].b, weekdays) &&
             !tok_in(s, t[j].a, t[j].b, vocword) && !month_at(s, t[j].a, t[j].b, &r) && j - i < 3) {
        size_t ce = tok_core_end(s, t[j].a, t[j].b);
        j++;
        if (ce < t[j - 1].b && s[ce] != '.') break; /* "Name," */
        if (has_suffix(s, t[j - 1].a, t[j - 1].b, "'s") ||
            has_suffix(s, t[j - 1].a, t[j - 1].b, "\xe2\x80\x99s"))
          break;
      }
      if (j - i >= 2 && i > 0 && (ci_word(s, t[i - 1].a, t[i - 1].b, "of") ||
                                  ci_word(s, t[i - 1].a, t[i - 1].b, "the") ||
                                  ci_word(s, t[i - 1].a, t[i - 1].b, "in"))) {
        i = j; /* "Republic of Costa Verde": a place */
        continue;
      }
      if (j - i >= 2) {
        size_t rr = i;
        while (rr > 0 && tok_in(s, t[rr - 1].a, t[rr - 1].b, roleword) &&
               !ci_word(s, t[rr - 1].a, t[rr - 1].b, "the"))
          rr--;
        kn[n].na = t[i].a, kn[n].nb = tok_core_end(s, t[j - 1].a, t[j - 1].b);
        if (has_suffix(s, t[j - 1].a, kn[n].nb, "'s")) kn[n].nb -= 2;
        else if (has_suffix(s, t[j - 1].a, kn[n].nb, "\xe2\x80\x99s")) kn[n].nb -= 4;
        kn[n].ra = rr < i ? t[rr].a : 0, kn[n].rb = rr < i ? t[i - 1].b : 0;
        n++;
      }
      i = j > i ? j : i + 1;
    }
    if (!more || n >= max || i >= nt) break;
    pos = t[i].a;
  }
  return n;
}

/* names the page gives in its head and in notes */
static size_t known_names(ctx *C, known *kn) {
  size_t k, n = 0;
  for (k = 0; k < C->foot_start && n < MAXKNOWN; k++) {
    const piece *p = &C->pieces[k];
    if (k >= C->head_end && !(p->flags & PF_SKIP)) continue;
    n = scan_names(C->s, p->start, p->stop, kn, n, MAXKNOWN);
  }
  return n;
}

static void merge_speaker(ctx *C, int32_t from, int32_t to) {
  rs_speech *sp = C->sp;
  size_t k;
  if (from == to) return;
  for (k = 0; k < sp->nturns; k++)
    if (sp->turns[k].speaker == from) sp->turns[k].speaker = to;
  sp->speakers[to].words += sp->speakers[from].words;
  sp->speakers[from].words = 0;
  if (!sp->speakers[to].role && sp->speakers[from].role) {
    sp->speakers[to].role = sp->speakers[from].role;
    sp->speakers[to].role_len = sp->speakers[from].role_len;
    sp->speakers[from].role = NULL;
  }
}

/* drop speakers no turn refers to, keeping the order of first turns */
static int compact_speakers(ctx *C) {
  rs_speech *sp = C->sp;
  size_t k, n = sp->nspeakers, m = 0;
  int32_t *map;
  if (n == 0) return RS_OK;
  map = rs_malloc(C->M, n * sizeof *map);
  if (!map) return RS_ENOMEM;
  for (k = 0; k < n; k++) map[k] = -1;
  for (k = 0; k < sp->nturns; k++) {
    int32_t x = sp->turns[k].speaker;
    if (x >= 0 && map[x] < 0) map[x] = -2; /* used */
  }
  {
    rs_speaker *tmp = rs_malloc(C->M, n * sizeof *tmp);
    if (!tmp) {
      rs_free(C->M, map, n * sizeof *map);
      return RS_ENOMEM;
    }
    /* in order of first appearance */
    for (k = 0; k < sp->nturns; k++) {
      int32_t x = sp->turns[k].speaker;
      if (x >= 0 && map[x] == -2) {
        map[x] = (int32_t)m;
        tmp[m++] = sp->speakers[x];
      }
    }
    for (k = 0; k < n; k++)
      if (map[k] < 0) {
        rs_speaker *x = &sp->speakers[k];
        rs_free(C->M, x->name, x->name_len + 1);
        if (x->role) rs_free(C->M, x->role, x->role_len + 1);
        if (x->country) rs_free(C->M, x->country, x->country_len + 1);
      }
    memcpy(sp->speakers, tmp, m * sizeof *tmp);
    rs_free(C->M, tmp, n * sizeof *tmp);
  }
  for (k = 0; k < sp->nturns; k++)
    if (sp->turns[k].speaker >= 0) sp->turns[k].speaker = map[sp->turns[k].speaker];
  if (sp->main_speaker >= 0) sp->main_speaker = map[sp->main_speaker];
  sp->nspeakers = m;
  rs_free(C->M, map, n * sizeof *map);
  return RS_OK;
}

static int set_meta_copy(ctx *C, int key, const char *str, size_t len) {
  rs_speech *sp = C->sp;
  char *d = rs_strndup(C->M, str, len);
  if (!d) return RS_ENOMEM;
  if (sp->meta[key]) rs_free(C->M, sp->meta[key], sp->meta_len[key] + 1);
  sp->meta[key] = d;
  sp->meta_len[key] = len;
  return RS_OK;
}

static int resolve_speakers(ctx *C);

/* Labels at segment starts become turns; the label leaves the segment. */
static int find_turns(ctx *C) {
  rs_speech *sp = C->sp;
  const uchar *s = C->s;
  size_t k, nl = 0, caplabs = 0, strong = 0, accepted = 0;
  lab *L = NULL;
  int rc = RS_OK, repeats = 0, hinted = C->hint_label != NULL;
  sp->main_speaker = -1;
  for (k = 0; k < sp->nsegs; k++) {
    rs_segment *g = &sp->segs[k];
    size_t v = skip_bullet(s, g->start, g->stop), le = 0, te = 0;
    int kind = LB_NONE;
    lab x;
    memset(&x, 0, sizeof x);
    if (hinted) {
      uint32_t pk = C->segpiece[k];
      if (C->hint_label[pk].len) {
        const rs_hint *hn = &C->hint_label[pk];
        v = skip_ws(s, g->start, g->stop);
        le = v + hn->len <= g->stop ? v + hn->len : g->stop;
        te = skip_ws(s, le, g->stop);
        kind = LB_NAMED;
        x.hname = hn->name, x.hname_len = hn->name_len;
        x.strength = 3;
        x.accepted = 1;
        /* the name part: the label without its colon */
        while (le > v && (s[le - 1] == ':' || s[le - 1] == ' ')) le--;
      }
    } else {
      kind = label_at(s, v, g->stop, &le, &te);
    }
    if (kind == LB_NONE) continue;
    x.seg = (uint32_t)k, x.la = (uint32_t)v, x.le = (uint32_t)le, x.te = (uint32_t)te;
    x.kind = kind;
    if (!hinted) x.strength = kind == LB_NAMED ? label_strength(s, v, le) : 3;
    x.hash = kind == LB_Q ? 1u : key_hash(s, v, le);
    if (rs_grow(C->M, (void **)&L, &caplabs, nl + 1, sizeof *L)) {
      rc = RS_ENOMEM;
      goto done;
    }
    L[nl++] = x;
  }
  if (nl == 0) goto single;
  /* is this a transcript: two strong labels, or a label said again */
  if (!hinted) {
    size_t i, j;
    for (i = 0; i < nl; i++) {
      if (L[i].strength >= 3) strong++;
      for (j = i + 1; j < nl && !repeats; j++)
        if (L[i].hash == L[j].hash && L[i].strength >= 1) repeats = 1;
      if (repeats && i > 64) break;
    }
    if (strong >= 2 || (repeats && nl >= 3) || (repeats && strong >= 1)) {
      for (i = 0; i < nl; i++)
        if (L[i].strength >= 2) L[i].accepted = 1, accepted++;
      for (i = 0; i < nl; i++) {
        if (L[i].accepted || L[i].strength < 1) continue;
        for (j = 0; j < nl; j++)
          if (j != i && L[j].hash == L[i].hash) break;
        if (j < nl || accepted >= 3) L[i].accepted = 1;
      }
    } else if (L[0].seg == 0 && L[0].strength >= 2) {
      L[0].accepted = 1; /* "President of Russia X: Citizens of Russia, friends," */
    }
  }
  /* turns: an accepted label starts one; a label alone on its line gives
  ** the next segment to its speaker */
  {
    int32_t *segl = rs_malloc(C->M, sp->nsegs * sizeof *segl);
    uint8_t *fl = rs_malloc(C->M, sp->nsegs);
    size_t out = 0;
    if (!segl || !fl) {
      if (segl) rs_free(C->M, segl, sp->nsegs * sizeof *segl);
      if (fl) rs_free(C->M, fl, sp->nsegs);
      rc = RS_ENOMEM;
      goto done;
    }
    for (k = 0; k < sp->nsegs; k++) segl[k] = -1, fl[k] = 0;
    for (k = 0; k < nl; k++)
      if (L[k].accepted) segl[L[k].seg] = (int32_t)k;
    for (k = 0; k < sp->nsegs; k++)
      if (segl[k] >= 0 && L[segl[k]].te >= sp->segs[k].stop) {
        fl[k] |= 1; /* dropped */
        if (k + 1 < sp->nsegs && segl[k + 1] < 0) segl[k + 1] = segl[k], fl[k + 1] |= 2;
      }
    for (k = 0; k < sp->nsegs && rc == RS_OK; k++) {
      rs_segment g = sp->segs[k];
      int32_t li = segl[k], spk = -1;
      if (fl[k] & 1) continue;
      if (li >= 0 || sp->nturns == 0) {
        rs_turn *t;
        int role_only = 0;
        if (li >= 0 && (rc = label_speaker(C, &L[li], &spk, &role_only)) != RS_OK) break;
        if (role_only) sp->speakers[spk].role_only = 1;
        if (li >= 0 && !(fl[k] & 2)) g.start = L[li].te;
        if (GROW(C, sp->turns, sp->nturns, sp->capturns)) {
          rc = RS_ENOMEM;
          break;
        }
        t = &sp->turns[sp->nturns++];
        t->first_seg = (uint32_t)out;
        t->start = g.start;
        t->speaker = spk;
        if (li >= 0) {
          uint32_t e = L[li].te;
          while (e > L[li].le && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' ||
                                  s[e - 1] == '\r'))
            e--;
          t->label_start = L[li].la, t->label_stop = e;
        } else {
          t->label_start = t->label_stop = g.start;
        }
      }
      g.turn = (uint32_t)sp->nturns;
      sp->turns[sp->nturns - 1].last_seg = (uint32_t)out;
      sp->turns[sp->nturns - 1].stop = g.stop;
      sp->segs[out++] = g;
    }
    rs_free(C->M, segl, sp->nsegs * sizeof *segl);
    rs_free(C->M, fl, sp->nsegs);
    if (rc != RS_OK) goto done;
    sp->nsegs = out;
  }
  goto resolve;
single:
  /* no labels: one turn of the speech's speaker */
  if (sp->nsegs > 0) {
    if (GROW(C, sp->turns, sp->nturns, sp->capturns)) return RS_ENOMEM;
    sp->turns[0].first_seg = 0;
    sp->turns[0].last_seg = (uint32_t)sp->nsegs - 1;
    sp->turns[0].start = sp->segs[0].start;
    sp->turns[0].stop = sp->segs[sp->nsegs - 1].stop;
    sp->turns[0].label_start = sp->turns[0].label_stop = sp->segs[0].start;
    sp->turns[0].speaker = -1;
    sp->nturns = 1;
    for (k = 0; k < sp->nsegs; k++) sp->segs[k].turn = 1;
  }
resolve:
  rc = resolve_speakers(C);
done:
  rs_free(C->M, L, caplabs * sizeof *L);
  return rc;
}

/* does a label's role fit the speech's speaker's ("President" and "President of X") */
static int role_fits(const char *r, size_t rl, const char *mr, size_t ml) {
  if (!mr) return 1;
  if (ml < rl) return 0;
  return ci_eq(r, rl, mr, rl) && (ml == rl || mr[rl] == ' ' || mr[rl] == ',');
}

static int rename_speaker(ctx *C, rs_speaker *x, const char *name, size_t len) {
  char *d = dup_str(C, name, len);
  if (!d) return RS_ENOMEM;
  rs_free(C->M, x->name, x->name_len + 1);
  x->name = d, x->name_len = len;
  return RS_OK;
}

/* who is who: role labels and short labels to the people the page names,
** words per speaker, the main speaker */
static int resolve_speakers(ctx *C) {
  rs_speech *sp = C->sp;
  const uchar *s = C->s;
  known kn[MAXKNOWN];
  size_t nk = known_names(C, kn), k, j;
  /* the chair of a verbatim record names whom it gives the floor */
  for (k = 0; k < sp->nturns && nk < MAXKNOWN; k++) {
    const rs_turn *t = &sp->turns[k];
    if (t->speaker >= 0 && sp->speakers[t->speaker].role_only)
      nk = scan_names(s, sp->segs[t->first_seg].start, sp->segs[t->first_seg].stop, kn, nk, MAXKNOWN);
  }
  int labelled = sp->nturns > 1 || (sp->nturns == 1 && sp->turns[0].speaker >= 0);
  char *ms;
  size_t msl;
  /* words */
  for (k = 0; k < sp->nturns; k++) {
    rs_turn *t = &sp->turns[k];
    size_t w = 0;
    if (t->speaker < 0) continue;
    for (j = t->first_seg; j <= t->last_seg; j++)
      w += count_words(s, sp->segs[j].start, sp->segs[j].stop, (size_t)-1);
    sp->speakers[t->speaker].words += (uint32_t)w;
  }
  /* the speech's speaker: a one-word name made whole by a name the page gives */
  ms = sp->meta[RS_META_SPEAKER], msl = sp->meta_len[RS_META_SPEAKER];
  if (ms && !memchr(ms, ' ', msl)) {
    size_t hit = (size_t)-1, nhit = 0;
    for (k = 0; k < nk; k++) {
      size_t len = kn[k].nb - kn[k].na;
      char buf[128];
      if (len >= sizeof buf) continue;
      len = rs_speech_text((const char *)s, (uint32_t)kn[k].na, (uint32_t)kn[k].nb, buf);
      if (tail_of(ms, msl, buf, len)) {
        if (hit == (size_t)-1 || !ci_eq(buf, len, (const char *)s + kn[hit].na, kn[hit].nb - kn[hit].na))
          nhit++;
        hit = k;
      }
    }
    if (nhit == 1 && set_meta_clean(C, RS_META_SPEAKER, kn[hit].na, kn[hit].nb)) return RS_ENOMEM;
    ms = sp->meta[RS_META_SPEAKER], msl = sp->meta_len[RS_META_SPEAKER];
  }
  if (labelled) {
    int named = 0, nroles = 0;
    for (k = 0; k < sp->nspeakers; k++) {
      rs_speaker *x = &sp->speakers[k];
      if (x->role_only) nroles++;
      else if (ms && !x->question &&
               (ci_eq(x->name, x->name_len, ms, msl) || tail_of(x->name, x->name_len, ms, msl)))
        named = 1;
    }
    /* a role alone is the one named speaker with that role ("The Prime Minister"
    ** after "The Prime Minister (Edward Marsh)") */
    for (k = 0; k < sp->nspeakers; k++) {
      rs_speaker *x = &sp->speakers[k];
      size_t hit = (size_t)-1, nhit = 0;
      if (!x->role_only || !x->role) continue;
      for (j = 0; j < sp->nspeakers; j++) {
        rs_speaker *y = &sp->speakers[j];
        if (j != k && !y->role_only && y->lkey && y->lkey == x->lkey) hit = j, nhit++;
      }
      if (nhit == 1) {
        merge_speaker(C, (int32_t)k, (int32_t)hit);
        x->role_only = 0;
        nroles--;
      }
    }
    /* "A" and "THE PRESIDENT" are the speech's speaker when the page names one */
    for (k = 0; ms && k < sp->nspeakers; k++) {
      rs_speaker *x = &sp->speakers[k];
      int a = x->name_len == 1 && x->name[0] == 'A';
      if (!(a || (x->role_only && !named &&
                  (nroles == 1 || (x->role && role_fits(x->role, x->role_len,
                                                        sp->meta[RS_META_ROLE],
                                                        sp->meta_len[RS_META_ROLE])) ))))
        continue;
      if (rename_speaker(C, x, ms, msl)) return RS_ENOMEM;
      x->role_only = 0;
      if (!x->role && sp->meta[RS_META_ROLE]) {
        x->role = dup_str(C, sp->meta[RS_META_ROLE], sp->meta_len[RS_META_ROLE]);
        if (!x->role) return RS_ENOMEM;
        x->role_len = sp->meta_len[RS_META_ROLE];
      }
    }
    /* one person under a long and a short label */
    for (k = 0; k < sp->nspeakers; k++) {
      rs_speaker *x = &sp->speakers[k];
      size_t hit = (size_t)-1, nhit = 0;
      if (x->question || x->role_only) continue;
      for (j = 0; j < sp->nspeakers; j++) {
        rs_speaker *y = &sp->speakers[j];
        if (j == k || y->question) continue;
        if (ci_eq(x->name, x->name_len, y->name, y->name_len) && j < k) hit = j, nhit = 1;
        else if (tail_of(x->name, x->name_len, y->name, y->name_len)) hit = j, nhit++;
      }
      if (nhit == 1) {
        merge_speaker(C, (int32_t)k, (int32_t)hit);
        continue;
      }
      if (nhit > 1) continue;
      /* a name the page gives */
      {
        size_t kh = (size_t)-1;
        char full[128];
        size_t fl = 0;
        nhit = 0;
        if (ms && tail_of(x->name, x->name_len, ms, msl)) {
          memcpy(full, ms, msl < sizeof full ? msl : 0);
          fl = msl < sizeof full ? msl : 0;
          nhit = fl > 0;
        }
        for (j = 0; j < nk; j++) {
          char buf[128];
          size_t len = kn[j].nb - kn[j].na;
          if (len >= sizeof buf) continue;
          len = rs_speech_text((const char *)s, (uint32_t)kn[j].na, (uint32_t)kn[j].nb, buf);
          if (!tail_of(x->name, x->name_len, buf, len)) continue;
          if (nhit && ci_eq(buf, len, full, fl)) continue;
          if (!nhit) memcpy(full, buf, len), fl = len;
          nhit++;
          kh = j;
        }
        if (nhit == 1 && fl > 0) {
          if (rename_speaker(C, x, full, fl)) return RS_ENOMEM;
          if (!x->role && kh == (size_t)-1 && sp->meta[RS_META_ROLE]) {
            x->role = dup_str(C, sp->meta[RS_META_ROLE], sp->meta_len[RS_META_ROLE]);
            if (!x->role) return RS_ENOMEM;
            x->role_len = sp->meta_len[RS_META_ROLE];
          }
          if (!x->role && kh != (size_t)-1 && kn[kh].rb > kn[kh].ra) {
            size_t rl;
            x->role = clean_copy(C, kn[kh].ra, kn[kh].rb, &rl);
            if (!x->role) return RS_ENOMEM;
            x->role_len = rl;
          }
          /* the same name twice now: merge into the first */
          for (j = 0; j < sp->nspeakers; j++)
            if (j != k && ci_eq(sp->speakers[j].name, sp->speakers[j].name_len, x->name, x->name_len)) {
              merge_speaker(C, (int32_t)k, (int32_t)j);
              break;
            }
        }
      }
    }
  }
  /* "A" answers: the one person an introduction before the first label names */
  if (!ms && labelled && sp->nturns > 1) {
    known in[8];
    size_t ni = 0, x, a_ix = (size_t)-1;
    for (k = 0; k < sp->nspeakers; k++)
      if (sp->speakers[k].name_len == 1 && sp->speakers[k].name[0] == 'A') a_ix = k;
    if (a_ix != (size_t)-1) {
      for (j = sp->turns[0].first_seg; sp->turns[0].speaker < 0 && j <= sp->turns[0].last_seg && j < 3; j++)
        ni = scan_names(s, sp->segs[j].start, sp->segs[j].stop, in, ni, 8);
      for (j = 0; j < sp->nboiler && ni == 0; j++) /* an introduction set aside as a lede */
        if (sp->boiler[j].why == RS_BP_LEDE && sp->boiler[j].where == RS_BPW_HEADER)
          ni = scan_names(s, sp->boiler[j].start, sp->boiler[j].stop, in, ni, 8);
      for (x = 1; x < ni; x++)
        if (in[x].nb - in[x].na != in[0].nb - in[0].na ||
            memcmp(s + in[x].na, s + in[0].na, in[0].nb - in[0].na) != 0)
          break;
      if (ni > 0 && x == ni) {
        if (set_meta_clean(C, RS_META_SPEAKER, in[0].na, in[0].nb)) return RS_ENOMEM;
        ms = sp->meta[RS_META_SPEAKER], msl = sp->meta_len[RS_META_SPEAKER];
        if (rename_speaker(C, &sp->speakers[a_ix], ms, msl)) return RS_ENOMEM;
        if (in[0].rb > in[0].ra && !sp->meta[RS_META_ROLE]) {
          if (set_meta_clean(C, RS_META_ROLE, in[0].ra, in[0].rb)) return RS_ENOMEM;
        }
      }
    }
  }
  /* the main speaker */
  if (ms) {
    for (k = 0; k < sp->nspeakers; k++) {
      rs_speaker *x = &sp->speakers[k];
      if (x->words && ci_eq(x->name, x->name_len, ms, msl)) {
        sp->main_speaker = (int32_t)k;
        break;
      }
    }
  } else if (labelled) {
    int32_t best = -1;
    const char *tt = sp->meta[RS_META_TITLE];
    size_t tl = sp->meta_len[RS_META_TITLE];
    /* a role the title names ("PM interacts with ...", "Remarks by the President") */
    for (k = 0; tt && k < sp->nspeakers && best < 0; k++) {
      rs_speaker *x = &sp->speakers[k];
      if (!x->role_only || !x->role || !x->words) continue;
      if (x->role_len < 64) {
        char low[64];
        size_t i;
        for (i = 0; i < x->role_len; i++) low[i] = (char)LOWER((uchar)x->role[i]);
        low[i] = '\0';
        if (ci_contains((const uchar *)tt, 0, tl, low) ||
            (strcmp(low, "prime minister") == 0 && (ci_word((const uchar *)tt, 0, tl, "pm") ||
                                                    ci_contains((const uchar *)tt, 0, tl, " pm "))))
          best = (int32_t)k;
      }
    }
    if (best >= 0) {
      rs_speaker *x = &sp->speakers[best];
      sp->main_speaker = best;
      if (set_meta_copy(C, RS_META_SPEAKER, x->name, x->name_len)) return RS_ENOMEM;
      if (!sp->meta[RS_META_ROLE] && set_meta_copy(C, RS_META_ROLE, x->role, x->role_len))
        return RS_ENOMEM;
      best = -2; /* done */
    }
    for (k = 0; k < sp->nspeakers && best != -2; k++) {
      rs_speaker *x = &sp->speakers[k];
      if (x->question || x->role_only || !x->words || (x->name_len == 1 && x->name[0] == 'A'))
        continue;
      if (best < 0 || x->words > sp->speakers[best].words) best = (int32_t)k;
    }
    if (best >= 0 && sp->main_speaker < 0) {
      rs_speaker *x = &sp->speakers[best];
      sp->main_speaker = best;
      if (set_meta_copy(C, RS_META_SPEAKER, x->name, x->name_len)) return RS_ENOMEM;
      if (x->role && !sp->meta[RS_META_ROLE] &&
          set_meta_copy(C, RS_META_ROLE, x->role, x->role_len))
        return RS_ENOMEM;
      if (add_warning(C, RS_WARN_GUESSSPEAKER, 0, 0)) return RS_ENOMEM;
    }
  }
  if (sp->main_speaker >= 0 && !sp->meta[RS_META_ROLE] && sp->speakers[sp->main_speaker].role) {
    rs_speaker *x = &sp->speakers[sp->main_speaker];
    if (set_meta_copy(C, RS_META_ROLE, x->role, x->role_len)) return RS_ENOMEM;
  }
  /* a speech without labels: one turn of its speaker */
  if (!labelled && sp->nturns == 1 && sp->meta[RS_META_SPEAKER]) {
    char *name = dup_str(C, sp->meta[RS_META_SPEAKER], sp->meta_len[RS_META_SPEAKER]);
    char *role = NULL;
    int32_t x;
    if (!name) return RS_ENOMEM;
    if (sp->meta[RS_META_ROLE]) {
      role = dup_str(C, sp->meta[RS_META_ROLE], sp->meta_len[RS_META_ROLE]);
      if (!role) {
        rs_free(C->M, name, sp->meta_len[RS_META_SPEAKER] + 1);
        return RS_ENOMEM;
      }
    }
    if (find_speaker(C, name, sp->meta_len[RS_META_SPEAKER], role, sp->meta_len[RS_META_ROLE],
                     NULL, 0, 0, &x))
      return RS_ENOMEM;
    sp->turns[0].speaker = x;
    sp->main_speaker = x;
    for (j = 0; j < sp->nsegs; j++)
      sp->speakers[x].words += (uint32_t)count_words(s, sp->segs[j].start, sp->segs[j].stop, (size_t)-1);
  }
  if (!sp->meta[RS_META_SPEAKER] && sp->nsegs > 0 && add_warning(C, RS_WARN_NOSPEAKER, 0, 0))
    return RS_ENOMEM;
  return compact_speakers(C);
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
  size_t k;
  for (k = 0; k < RS_META_N; k++)
    if (sp->meta[k]) rs_free(M, sp->meta[k], sp->meta_len[k] + 1);
  for (k = 0; k < sp->nspeakers; k++) {
    rs_speaker *x = &sp->speakers[k];
    rs_free(M, x->name, x->name_len + 1);
    if (x->role) rs_free(M, x->role, x->role_len + 1);
    if (x->country) rs_free(M, x->country, x->country_len + 1);
  }
  rs_free(M, sp->boiler, sp->capboiler * sizeof *sp->boiler);
  rs_free(M, sp->segs, sp->capsegs * sizeof *sp->segs);
  rs_free(M, sp->points, sp->cappoints * sizeof *sp->points);
  rs_free(M, sp->sents, sp->capsents * sizeof *sp->sents);
  rs_free(M, sp->quotes, sp->capquotes * sizeof *sp->quotes);
  rs_free(M, sp->warnings, sp->capwarnings * sizeof *sp->warnings);
  rs_free(M, sp->turns, sp->capturns * sizeof *sp->turns);
  rs_free(M, sp->speakers, sp->capspeakers * sizeof *sp->speakers);
  memset(sp, 0, sizeof *sp);
}

/* a site's rules, per piece */
static int apply_hints(ctx *C, const rs_hint *hints, size_t nh) {
  size_t k = 0, h;
  C->nhint = C->npieces + 1;
  if (nh == 0) return RS_OK;
  for (h = 0; h < nh; h++)
    if (hints[h].what == RS_HINT_FOOTER) {
      C->hint_foot = rs_malloc(C->M, C->npieces + 1);
      if (!C->hint_foot) return RS_ENOMEM;
      memset(C->hint_foot, 0, C->npieces + 1);
      break;
    }
  for (h = 0; h < nh; h++)
    if (hints[h].what == RS_HINT_HEADER) {
      C->hint_head = rs_malloc(C->M, C->npieces + 1);
      if (!C->hint_head) return RS_ENOMEM;
      memset(C->hint_head, 0, C->npieces + 1);
      break;
    }
  for (h = 0; h < nh; h++)
    if (hints[h].what == RS_HINT_LABEL) {
      C->hint_label = rs_malloc(C->M, (C->npieces + 1) * sizeof *C->hint_label);
      if (!C->hint_label) return RS_ENOMEM;
      memset(C->hint_label, 0, (C->npieces + 1) * sizeof *C->hint_label);
      break;
    }
  for (h = 0; h < nh; h++) {
    const rs_hint *x = &hints[h];
    size_t j;
    while (k < C->npieces && C->pieces[k].line < x->line) k++;
    if (k >= C->npieces || C->pieces[k].line != x->line) continue;
    switch (x->what) {
      case RS_HINT_HEADER:
        for (j = k; j < C->npieces && C->pieces[j].line == x->line; j++)
          C->hint_head[j] = (uint8_t)(1 + (x->why <= RS_BP_FOOTER ? x->why : 0));
        break;
      case RS_HINT_FOOTER:
        C->hint_foot[k] = 1;
        break;
      case RS_HINT_LABEL:
        if (x->len > 0) C->hint_label[k] = *x;
        break;
      default: break;
    }
  }
  return RS_OK;
}

int rs_speech_parse_hints(rs_mem *M, const char *text, size_t n, unsigned opts,
                          const rs_hint *hints, size_t nhints, rs_speech *sp) {
  ctx C;
  size_t body = 0, foot;
  int rc = RS_OK;
  memset(sp, 0, sizeof *sp);
  sp->main_speaker = -1;
  if (n > RS_MAX_TEXT) return RS_ELIMIT;
  memset(&C, 0, sizeof C);
  C.M = M;
  C.s = (const uchar *)(text ? text : "");
  C.n = text ? n : 0;
  C.opts = opts;
  C.sp = sp;
  if ((rc = scan(&C)) != RS_OK) goto done;
  if ((rc = apply_hints(&C, hints, nhints)) != RS_OK) goto done;
  if ((rc = header(&C, &body)) != RS_OK) goto done;
  if (body < C.npieces) {
    sp->body_start = C.pieces[body].start;
    sp->body_line = C.pieces[body].line;
  } else {
    sp->body_start = (uint32_t)C.n;
    sp->body_line = 0;
  }
  /* the footer: a site's rule (its first line after the header), else the parser's */
  foot = (size_t)-1;
  if (C.hint_foot) {
    size_t k;
    for (k = body; k < C.npieces; k++)
      if (C.hint_foot[k]) {
        foot = k;
        break;
      }
  }
  if (foot == (size_t)-1) foot = find_footer(&C, body);
  if (foot < body) foot = body;
  C.foot_start = foot;
  sp->body_stop = foot < C.npieces ? C.pieces[foot].start : (uint32_t)C.n;
  if (foot < C.npieces && (rc = commit_footer(&C, foot)) != RS_OK) goto done;
  if ((rc = body_notes(&C, body, foot)) != RS_OK) goto done;
  if ((rc = build_units(&C, body, foot)) != RS_OK) goto done;
  if ((rc = find_turns(&C)) != RS_OK) goto done;
  if ((rc = split_lead_salutation(&C)) != RS_OK) goto done;
  if (C.npieces > body && (C.pieces[body].flags & PF_IDEO || (body + 1 < C.npieces &&
                                                             C.pieces[body + 1].flags & PF_IDEO)))
    sp->convention |= RS_CONV_IDEOGRAPHIC;
  classify_segments(&C);
  if ((rc = find_points(&C)) != RS_OK) goto done;
  if (!(opts & RS_SP_NO_SENTENCES) && (rc = sentences(&C)) != RS_OK) goto done;
  if ((rc = quotations(&C)) != RS_OK) goto done;
  if ((rc = guess_lang(&C)) != RS_OK) goto done;
  /* the boilerplate in line order (header, notes, footer) */
  {
    size_t i, j;
    for (i = 1; i < sp->nboiler; i++) {
      rs_boiler x = sp->boiler[i];
      for (j = i; j > 0 && sp->boiler[j - 1].start > x.start; j--) sp->boiler[j] = sp->boiler[j - 1];
      sp->boiler[j] = x;
    }
  }
  /* what was not found */
  if (sp->nsegs > 0 && !sp->meta[RS_META_DATE] &&
      (rc = add_warning(&C, sp->date_month ? RS_WARN_NOYEAR : RS_WARN_NODATE, 0, 0)) != RS_OK)
    goto done;
  if (C.nheader > 0) {
    if ((rc = add_warning(&C, RS_WARN_HEADER, 0, 0)) != RS_OK) goto done;
    sp->warnings[sp->nwarnings - 1].count = (uint32_t)C.nheader;
  }
done:
  rs_free(M, C.pieces, C.cappieces * sizeof *C.pieces);
  rs_free(M, C.marks, C.capmarks * sizeof *C.marks);
  rs_free(M, C.toks, C.captoks * sizeof *C.toks);
  rs_free(M, C.ends, C.capends * sizeof *C.ends);
  rs_free(M, C.segpiece, C.capsegpiece * sizeof *C.segpiece);
  if (C.hint_head) rs_free(M, C.hint_head, C.nhint);
  if (C.hint_label) rs_free(M, C.hint_label, C.nhint * sizeof *C.hint_label);
  if (C.hint_foot) rs_free(M, C.hint_foot, C.nhint);
  if (rc != RS_OK) rs_speech_free(M, sp);
  return rc;
}

int rs_speech_parse(rs_mem *M, const char *text, size_t n, unsigned opts, rs_speech *sp) {
  return rs_speech_parse_hints(M, text, n, opts, NULL, 0, sp);
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
