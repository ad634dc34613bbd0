/*
** tok.c: the tokenizer engine. Words, numbers, punctuation and symbols
** with byte spans; lower forms (NFKC + case folding through utf8proc);
** sentence splitting over tokens. No allocation in the scanner itself.
*/
#include <pthread.h>
#include <string.h>

#include <utf8proc.h>

#include "rostra.h"
#include "utf8.h"

/* {====================================================== UTF-8 */

int rs_utf8_decode(const unsigned char *s, size_t n, int32_t *cp) { return rs_u8_decode(s, n, cp); }

int rs_is_space(int32_t cp) { return rs_u8_space(cp); }

/* }====================================================== */

/* {====================================================== character classes */

enum {
  C_SPACE = 1, /* white space */
  C_LETTER,    /* L*, and marks continuing a word */
  C_DIGIT,     /* N* */
  C_PUNCT,     /* P* */
  C_SYMBOL,    /* S*, C* (controls, NUL, private use, unassigned) */
  C_HAN,       /* one token per character: Han, Hiragana, Katakana */
  C_CLUSTER,   /* one token per grapheme cluster: Thai, Lao, Khmer, Myanmar */
  C_MARK,      /* M*: continues a word, a symbol on its own */
  C_JOINER,    /* ZWNJ/ZWJ, soft hyphen: inside a word only */
  C_BAD        /* an invalid UTF-8 byte */
};

/* connector roles, for characters that may join a word */
enum { J_NONE = 0, J_APOS, J_HYPHEN, J_DOT, J_COMMA };

static unsigned char ascii_class[128];
static unsigned char ascii_join[128];
static pthread_once_t classes_once = PTHREAD_ONCE_INIT;

static void init_classes(void) {
  int c;
  for (c = 0; c < 128; c++) {
    unsigned char k;
    if (c == ' ' || (c >= '\t' && c <= '\r')) k = C_SPACE;
    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) k = C_LETTER;
    else if (c >= '0' && c <= '9') k = C_DIGIT;
    else if (c < 32 || c == 127) k = C_SYMBOL;
    else if (strchr("$+<=>^`|~", c)) k = C_SYMBOL;
    else k = C_PUNCT; /* !"#%&'()*,-./:;?@[\]_{} */
    ascii_class[c] = k;
    ascii_join[c] = J_NONE;
  }
  ascii_class['_'] = C_LETTER; /* snake_case and hashtags stay one word */
  ascii_join['\''] = J_APOS;
  ascii_join['-'] = J_HYPHEN;
  ascii_join['.'] = J_DOT;
  ascii_join[','] = J_COMMA;
}

static int is_han(int32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x3FFFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
         (cp >= 0xFF66 && cp <= 0xFF9F) || cp == 0x3005 || cp == 0x3007;
}

static int is_cluster_script(int32_t cp) {
  return (cp >= 0x0E00 && cp <= 0x0EFF) || /* Thai, Lao */
         (cp >= 0x1780 && cp <= 0x17FF) || /* Khmer */
         (cp >= 0x1000 && cp <= 0x109F);   /* Myanmar */
}

static int uclass_slow(int32_t cp) {
  const utf8proc_property_t *p;
  if (rs_u8_space(cp)) return C_SPACE;
  if (is_han(cp)) return C_HAN;
  if (is_cluster_script(cp)) return C_CLUSTER;
  if (cp == 0x200C || cp == 0x200D || cp == 0xAD) return C_JOINER;
  p = utf8proc_get_property(cp);
  switch (p->category) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      return C_LETTER;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      return C_MARK;
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return C_DIGIT;
    case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS: case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
      return C_PUNCT;
    default:
      return C_SYMBOL;
  }
}

/* the class of cp: a table for ASCII, the Unicode tables otherwise */
RS_INLINE int uclass(int32_t cp) {
  if (cp < 0) return C_BAD;
  if (cp < 0x80) return ascii_class[cp];
  return uclass_slow(cp);
}

RS_INLINE int ujoin(int32_t cp) {
  if (cp < 0x80) return cp < 0 ? J_NONE : ascii_join[cp];
  switch (cp) {
    case 0x2019: case 0x02BC: case 0xFF07: return J_APOS;
    case 0x2010: case 0x2011: case 0xFE63: case 0xFF0D: return J_HYPHEN;
    default: return J_NONE;
  }
}

RS_INLINE int is_upper(int32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  if (cp < 0) return 0;
  {
    int c = utf8proc_get_property(cp)->category;
    return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
  }
}

/* }====================================================== */

/* {====================================================== scanner */

/* word bytes eight at a time where a 64-bit load is little-endian: the
** high bit of each byte of *lm says an ASCII letter (or '_'), of *wm a
** letter or digit, as ascii_class has them (bytes past 0x7F: neither) */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define RS_TOK_SWAR 1
#define SWAR_REP(b) (0x0101010101010101ull * (uint64_t)(b))
#define SWAR_HI SWAR_REP(0x80)
RS_INLINE void swar_word(uint64_t x, uint64_t *lm, uint64_t *wm) {
  uint64_t ascii = ~x & SWAR_HI, v = x & SWAR_REP(0x7F); /* bytes of 0..0x7F, no carries */
  uint64_t y = v | SWAR_REP(0x20);                     /* A-Z folded onto a-z */
  uint64_t letter = (y + SWAR_REP(0x80 - 'a')) & ~(y + SWAR_REP(0x7F - 'z'));
  uint64_t under = ~((v ^ SWAR_REP('_')) + SWAR_REP(0x7F));
  uint64_t digit = (v + SWAR_REP(0x80 - '0')) & ~(v + SWAR_REP(0x7F - '9'));
  *lm = (letter | under) & ascii;
  *wm = (letter | under | digit) & ascii;
}
#else
#define RS_TOK_SWAR 0
#endif

void rs_tok_init(rs_tokenizer *T, const char *s, size_t n, unsigned opts) {
  pthread_once(&classes_once, init_classes);
  T->s = (const unsigned char *)s;
  T->n = n;
  T->pos = 0;
  T->opts = opts;
  T->bad = 0;
  T->first_bad = 0;
}

/* decode at i, counting invalid bytes once (only when they become part of
** a token or are skipped, so scanning ahead must use peek) */
RS_INLINE int peek(const rs_tokenizer *T, size_t i, int32_t *cp) {
  if (i >= T->n) {
    *cp = -2; /* end of text */
    return 0;
  }
  if (T->s[i] < 0x80) {
    *cp = T->s[i];
    return 1;
  }
  return rs_u8_decode(T->s + i, T->n - i, cp);
}

static void note_bad(rs_tokenizer *T, size_t i) {
  if (T->bad++ == 0) T->first_bad = i;
}

static int is_wordch(int k) { return k == C_LETTER || k == C_DIGIT || k == C_MARK; }

/* a dotted abbreviation starting at i: L.L.(L.)* with single letters;
** returns its length in bytes or 0 */
static size_t dotted_abbrev(const rs_tokenizer *T, size_t i) {
  size_t j = i;
  int parts = 0;
  for (;;) {
    int32_t cp;
    int l = peek(T, j, &cp);
    int32_t nx;
    if (l == 0 || uclass(cp) != C_LETTER) break;
    if (peek(T, j + l, &nx) == 0 || nx != '.') break;
    /* the letter must stand alone: followed by '.', preceded by '.' or start */
    j += l + 1;
    parts++;
    {
      int32_t after;
      int la = peek(T, j, &after);
      if (la && uclass(after) == C_LETTER) {
        int32_t after2;
        int l2 = peek(T, j + la, &after2);
        if (l2 && after2 == '.') continue; /* another L. */
        break; /* a longer word follows the dot: not part of it */
      }
    }
    break;
  }
  return parts >= 2 ? j - i : 0;
}

int rs_tok_next(rs_tokenizer *T, rs_token *t) {
  const unsigned char *s = T->s;
  size_t n = T->n, i = T->pos;
  int32_t cp;
  int len, k;
  /* skip white space */
  for (;;) {
    if (i >= n) {
      T->pos = n;
      return 0;
    }
    if (s[i] < 0x80) {
      if (ascii_class[s[i]] != C_SPACE) break;
      i++;
      continue;
    }
    len = rs_u8_decode(s + i, n - i, &cp);
    if (cp < 0 || !rs_u8_space(cp)) break;
    i += (size_t)len;
  }
  t->start = (uint32_t)i;
  t->flags = 0;
  len = peek(T, i, &cp);
  k = uclass(cp);
  switch (k) {
    case C_LETTER:
    case C_DIGIT: {
      int has_letter = 0, all_digit = 1;
      size_t j = i, ab;
      if (is_upper(cp)) t->flags |= RS_TF_UPPER;
      /* an abbreviation's first letter is followed by a dot */
      if (k == C_LETTER && i + (size_t)len < n && s[i + (size_t)len] == '.' &&
          (ab = dotted_abbrev(T, i)) != 0) {
        t->stop = (uint32_t)(i + ab);
        t->kind = RS_TOK_WORD;
        t->flags |= RS_TF_ABBREV;
        T->pos = i + ab;
        return 1;
      }
      for (;;) {
        int32_t c2, c3;
        int l2, l3, k2, jn;
        /* a run of word characters */
        for (;;) {
#if RS_TOK_SWAR
          /* eight ASCII letters or digits at a time */
          while (j + 8 <= n) {
            uint64_t x, lm, wm;
            unsigned run;
            memcpy(&x, s + j, 8);
            swar_word(x, &lm, &wm);
            if (wm == SWAR_HI) {
              if (lm) { has_letter = 1; all_digit = 0; }
              j += 8;
              continue;
            }
            run = (unsigned)__builtin_ctzll(~wm & SWAR_HI) >> 3; /* the first other byte */
            if (lm & ((1ull << (run * 8)) - 1)) { has_letter = 1; all_digit = 0; }
            j += run;
            break;
          }
#endif
          if (j < n && s[j] < 0x80) { /* ASCII fast path */
            unsigned char a = ascii_class[s[j]];
            if (a == C_LETTER) { has_letter = 1; all_digit = 0; j++; continue; }
            if (a == C_DIGIT) { j++; continue; }
            break;
          }
          l2 = peek(T, j, &c2);
          if (l2 == 0) break;
          k2 = uclass(c2);
          if (k2 == C_LETTER) { has_letter = 1; all_digit = 0; }
          else if (k2 == C_MARK) all_digit = 0;
          else if (k2 == C_JOINER) {
            int32_t c4;
            int l4 = peek(T, j + l2, &c4);
            if (!(l4 && is_wordch(uclass(c4)))) break;
          } else if (k2 != C_DIGIT) break;
          j += (size_t)l2;
        }
        /* a connector between two word characters */
        l2 = peek(T, j, &c2);
        if (l2 == 0) break;
        jn = ujoin(c2);
        if (jn == J_NONE) break;
        l3 = peek(T, j + l2, &c3);
        if (l3 == 0) break;
        k2 = uclass(c3);
        if (jn == J_APOS) {
          if (k2 != C_LETTER || !has_letter) break;
        } else if (jn == J_HYPHEN) {
          if (T->opts & RS_TOK_SPLIT_HYPHENS) break;
          if (!is_wordch(k2)) break;
          /* 2020-2021 is a range, not a word: a hyphen joins unless both
          ** sides are plain numbers */
          if (all_digit && k2 == C_DIGIT) {
            size_t q = j + l2;
            int32_t c5;
            int l5, letter_after = 0;
            while ((l5 = peek(T, q, &c5)) != 0) {
              int k5 = uclass(c5);
              if (k5 == C_LETTER) { letter_after = 1; break; }
              if (k5 != C_DIGIT) break;
              q += (size_t)l5;
            }
            if (!letter_after) break;
          }
        } else { /* J_DOT, J_COMMA: inside numbers only */
          int32_t cprev;
          if (k2 != C_DIGIT || !all_digit) break;
          /* the character before the dot must be a digit too */
          peek(T, j - 1, &cprev);
          if (!(cprev >= '0' && cprev <= '9') && uclass(cprev) != C_DIGIT) break;
          if (jn == J_COMMA) {
            /* 1,000: exactly three digits after a thousands comma */
            size_t q = j + 1, d = 0;
            while (q < n && s[q] >= '0' && s[q] <= '9') { q++; d++; }
            if (d != 3) break;
          }
        }
        j += (size_t)l2;
      }
      t->stop = (uint32_t)j;
      t->kind = (all_digit && !has_letter) ? RS_TOK_NUMBER : RS_TOK_WORD;
      T->pos = j;
      return 1;
    }
    case C_HAN:
      t->stop = (uint32_t)(i + len);
      t->kind = RS_TOK_WORD;
      t->flags |= RS_TF_HAN;
      T->pos = t->stop;
      return 1;
    case C_CLUSTER: {
      utf8proc_int32_t state = 0;
      size_t j = i + len;
      int32_t prev = cp, c2;
      int l2;
      while ((l2 = peek(T, j, &c2)) != 0 && c2 >= 0) {
        if (!is_cluster_script(c2) && uclass(c2) != C_MARK && c2 != 0x200D && c2 != 0x200C) break;
        if (utf8proc_grapheme_break_stateful(prev, c2, &state)) break;
        prev = c2;
        j += (size_t)l2;
      }
      t->stop = (uint32_t)j;
      t->kind = RS_TOK_WORD;
      t->flags |= RS_TF_HAN;
      T->pos = j;
      return 1;
    }
    case C_PUNCT:
      t->stop = (uint32_t)(i + len);
      t->kind = RS_TOK_PUNCT;
      T->pos = t->stop;
      return 1;
    case C_BAD:
      note_bad(T, i);
      t->flags |= RS_TF_BAD;
      t->stop = (uint32_t)(i + 1);
      t->kind = RS_TOK_SYMBOL;
      T->pos = t->stop;
      return 1;
    default: { /* symbols, lone marks and joiners: marks stay on their base */
      size_t j = i + len;
      int32_t c2;
      int l2;
      while ((l2 = peek(T, j, &c2)) != 0 && c2 >= 0 && uclass(c2) == C_MARK) j += (size_t)l2;
      t->stop = (uint32_t)j;
      t->kind = RS_TOK_SYMBOL;
      T->pos = j;
      return 1;
    }
  }
}

/* }====================================================== */

/* {====================================================== lower forms */

static int32_t fold_punct(int32_t cp) {
  switch (cp) {
    case 0x2019: case 0x2018: case 0x02BC: case 0xFF07: case 0x201B: return '\'';
    case 0x2010: case 0x2011: case 0xFE63: case 0xFF0D: return '-';
    default: return cp;
  }
}

static utf8proc_int32_t fold_cb(utf8proc_int32_t cp, void *data) {
  (void)data;
  return fold_punct(cp);
}

#define LOWER_OPTS \
  (UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE)

/* decompose the valid UTF-8 run s[0..n) into *buf at *total, growing it */
static int decompose_run(rs_mem *M, const unsigned char *s, size_t n, int32_t **buf,
                         size_t *cap, size_t *total, int32_t *stack, int opts) {
  for (;;) {
    utf8proc_ssize_t r = utf8proc_decompose_custom(
        s, (utf8proc_ssize_t)n, *buf + *total, (utf8proc_ssize_t)(*cap - *total),
        (utf8proc_option_t)opts, fold_cb, NULL);
    size_t need;
    int32_t *nb;
    if (r < 0) return RS_EUTF8;
    if ((size_t)r <= *cap - *total) {
      *total += (size_t)r;
      return RS_OK;
    }
    need = *total + (size_t)r;
    nb = rs_malloc(M, need * sizeof *nb);
    if (!nb) return RS_ENOMEM;
    memcpy(nb, *buf, *total * sizeof *nb);
    if (*buf != stack) rs_free(M, *buf, *cap * sizeof **buf);
    *buf = nb;
    *cap = need;
  }
}

static int fold_with(rs_mem *M, const char *str, size_t n, rs_buf *out, int opts) {
  const unsigned char *s = (const unsigned char *)str;
  int lower = (opts & UTF8PROC_CASEFOLD) != 0;
  size_t i, run, total = 0, cap = 128;
  int32_t stack[128], *buf = stack;
  int err = RS_OK;
  pthread_once(&classes_once, init_classes);
  for (i = 0; i < n && s[i] < 0x80; i++) {}
  if (i == n) { /* ASCII fast path */
    if (rs_buf_reserve(M, out, n)) return RS_ENOMEM;
    for (i = 0; i < n; i++) {
      unsigned char c = s[i];
      if (ascii_class[c] == C_SPACE) c = ' ';
      else if (lower && c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
      out->p[out->n++] = (char)c;
    }
    return RS_OK;
  }
  /* split into valid runs; each invalid byte becomes U+FFFD */
  i = run = 0;
  while (i <= n && err == RS_OK) {
    int32_t cp = 0;
    int len = 1;
    if (i < n) len = rs_utf8_decode(s + i, n - i, &cp);
    if (i == n || cp < 0) {
      if (i > run) err = decompose_run(M, s + run, i - run, &buf, &cap, &total, stack, opts);
      if (i == n || err) break;
      if (total == cap) {
        static const unsigned char fffd[] = "\xEF\xBF\xBD";
        err = decompose_run(M, fffd, 3, &buf, &cap, &total, stack, opts);
      } else {
        buf[total++] = 0xFFFD;
      }
      run = i + 1;
    }
    i += (size_t)len;
  }
  if (err == RS_OK && total > 0) {
    utf8proc_ssize_t r = utf8proc_normalize_utf32(buf, (utf8proc_ssize_t)total,
                                                  (utf8proc_option_t)(UTF8PROC_COMPOSE | UTF8PROC_STABLE));
    size_t k;
    if (r < 0) r = (utf8proc_ssize_t)total;
    if (rs_buf_reserve(M, out, (size_t)r * 4)) err = RS_ENOMEM;
    for (k = 0; err == RS_OK && k < (size_t)r; k++) {
      int32_t c = fold_punct(buf[k]);
      if (rs_is_space(c)) c = ' ';
      out->n += (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)out->p + out->n);
    }
  }
  if (buf != stack) rs_free(M, buf, cap * sizeof *buf);
  return err;
}

int rs_lower(rs_mem *M, const char *s, size_t n, rs_buf *out) {
  return fold_with(M, s, n, out, LOWER_OPTS);
}

int rs_strip_marks(rs_mem *M, const char *s, size_t n, int casefold, rs_buf *out) {
  int opts = UTF8PROC_COMPAT | UTF8PROC_IGNORE | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
             UTF8PROC_STRIPMARK;
  if (casefold) opts |= UTF8PROC_CASEFOLD;
  return fold_with(M, s, n, out, opts);
}

/* }====================================================== */

/* {====================================================== sentences */

/* words after which a full stop does not end a sentence */
static const char *const abbrevs[] = {
  "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "St", "Sr", "Jr", "Messrs", "Mme", "Mmes",
  "Mlle", "Gen", "Col", "Lt", "Capt", "Cmdr", "Adm", "Maj", "Sgt", "Sen", "Rep",
  "Gov", "Hon", "Rev", "Amb", "Pres", "Dept", "Fig", "Art", "Arts", "Nos", "Vol",
  "vol", "pp", "cf", "vs", "viz", "approx", "Jan", "Feb", "Mar", "Apr", "Jun",
  "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Mt", "Ft", "Sra", "Sres",
  "Dra", "Excmo", "Excma", "Ud", "Uds", "al", "ca", "para", "paras", "Para", NULL
};

static int is_abbrev(const char *s, const rs_token *t) {
  size_t len = t->stop - t->start;
  int i;
  if (len == 0) return 0;
  for (i = 0; abbrevs[i]; i++) /* the first byte rules out most */
    if (abbrevs[i][0] == s[t->start] && strlen(abbrevs[i]) == len &&
        memcmp(abbrevs[i], s + t->start, len) == 0)
      return 1;
  return 0;
}

static int tok_is(const char *s, const rs_token *t, const char *lit) {
  size_t len = t->stop - t->start;
  return len > 0 && s[t->start] == lit[0] && strlen(lit) == len && memcmp(s + t->start, lit, len) == 0;
}

static int is_terminal(const char *s, const rs_token *t) {
  if (t->kind != RS_TOK_PUNCT) return 0;
  return tok_is(s, t, ".") || tok_is(s, t, "?") || tok_is(s, t, "!") ||
         tok_is(s, t, "\xE2\x80\xA6") ||                            /* … */
         tok_is(s, t, "\xE3\x80\x82") || tok_is(s, t, "\xEF\xBC\x81") || /* 。！ */
         tok_is(s, t, "\xEF\xBC\x9F") || tok_is(s, t, "\xEF\xBC\x8E") || /* ？． */
         tok_is(s, t, "\xE2\x80\xBC") || tok_is(s, t, "\xE2\x81\x87") || /* ‼ ⁇ */
         tok_is(s, t, "\xE2\x81\x88") || tok_is(s, t, "\xE2\x81\x89") || /* ⁈ ⁉ */
         tok_is(s, t, "\xD8\x9F") || tok_is(s, t, "\xDB\x94") ||         /* ؟ ۔ */
         tok_is(s, t, "\xE0\xA5\xA4");                                    /* । */
}

/* closing quotes and brackets that stay with the sentence they close */
static int is_closer(const char *s, const rs_token *t) {
  if (t->kind != RS_TOK_PUNCT) return 0;
  return tok_is(s, t, "\"") || tok_is(s, t, "'") || tok_is(s, t, ")") ||
         tok_is(s, t, "]") || tok_is(s, t, "\xE2\x80\x9D") || /* ” */
         tok_is(s, t, "\xE2\x80\x99") ||                       /* ’ */
         tok_is(s, t, "\xC2\xBB") ||                           /* » */
         tok_is(s, t, "\xE3\x80\x8D") || tok_is(s, t, "\xE3\x80\x8F") || /* 」』 */
         tok_is(s, t, "\xEF\xBC\x89") || tok_is(s, t, "\xE2\x80\x9C");   /* ）“ (de) */
}

/* does the white space between two tokens hold a blank line? */
static int blank_line_between(const char *s, uint32_t a, uint32_t b) {
  int nl = 0;
  uint32_t i;
  for (i = a; i < b; i++) {
    if (s[i] == '\n') {
      if (++nl >= 2) return 1;
    } else if (s[i] != '\r' && s[i] != ' ' && s[i] != '\t') {
      if ((unsigned char)s[i] < 0x80) nl = 0;
    }
  }
  return 0;
}

static int starts_lower(const char *s, const rs_token *t) {
  int32_t cp;
  rs_utf8_decode((const unsigned char *)s + t->start, t->stop - t->start, &cp);
  if (cp < 0x80) return cp >= 'a' && cp <= 'z';
  return utf8proc_get_property(cp)->category == UTF8PROC_CATEGORY_LL;
}

size_t rs_sentence_split(const char *s, const rs_token *toks, size_t ntok, uint32_t *ends) {
  size_t i, count = 0;
  for (i = 0; i < ntok; i++) {
    const rs_token *t = &toks[i];
    if (i + 1 < ntok && blank_line_between(s, t->stop, toks[i + 1].start)) {
      ends[count++] = (uint32_t)i;
      continue;
    }
    if (!is_terminal(s, t)) continue;
    {
      size_t j = i;
      int full_stop = tok_is(s, t, ".");
      int ellipsis = tok_is(s, t, "\xE2\x80\xA6");
      /* absorb further terminal marks and closing quotes/brackets */
      while (j + 1 < ntok && toks[j + 1].start == toks[j].stop &&
             (is_terminal(s, &toks[j + 1]) || is_closer(s, &toks[j + 1]))) {
        j++;
        full_stop = full_stop && !tok_is(s, &toks[j], "?") && !tok_is(s, &toks[j], "!");
      }
      /* a closer separated by a space can still close: “... wise. ” */
      if (j + 1 == ntok) {
        ends[count++] = (uint32_t)j;
        i = j;
        continue;
      }
      if ((full_stop || ellipsis) && j == i) {
        const rs_token *next = &toks[j + 1];
        if (i > 0) {
          const rs_token *prev = &toks[i - 1];
          if (prev->stop == t->start && prev->kind == RS_TOK_WORD) {
            /* Mr. Dr. Nov. and single initials (John F. Kennedy) */
            if (is_abbrev(s, prev)) continue;
            if (prev->stop - prev->start == 1 && (prev->flags & RS_TF_UPPER)) continue;
            /* No. 5 */
            if (tok_is(s, prev, "No") && next->kind == RS_TOK_NUMBER) continue;
          }
        }
        /* a lower-case word after the stop continues the sentence */
        if (next->kind == RS_TOK_WORD && starts_lower(s, next)) continue;
        if (next->kind == RS_TOK_PUNCT && (tok_is(s, next, ",") || tok_is(s, next, ";"))) continue;
      }
      ends[count++] = (uint32_t)j;
      i = j;
    }
  }
  if (ntok > 0 && (count == 0 || ends[count - 1] != ntok - 1)) ends[count++] = (uint32_t)(ntok - 1);
  return count;
}

/* }====================================================== */
