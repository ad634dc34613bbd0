/*
** annot.c: CoNLL-U and CWB vertical (VRT) files read into documents (see
** annot.h), and added to a builder.
**
** CoNLL-U: a token is a line with an integer ID; FORM is the token (word),
** LEMMA, UPOS, XPOS, FEATS and DEPREL become the attributes lemma, upos,
** xpos, feats and deprel. A multi-word token line (ID "1-2") is one token:
** its FORM is the surface form, and each attribute the values of its
** syntactic words joined by '+' (ADP+DET); empty nodes (ID "5.1") are
** skipped. `# newdoc [id = X]` starts a document named X; the `# key =
** value` comments after it, before the first sentence, are its metadata.
** `# newpar [id = X]` starts a paragraph (a segment, attribute id). A
** sentence is a block of token lines; `# sent_id = X` is its attribute id,
** other `# key = value` comments in its block attributes of that name, and
** `# text = ...` its text when its forms are found in it in order (else,
** and without it, the forms joined by a space unless MISC says
** SpaceAfter=No). Sentences are joined by a space, paragraphs by a blank line.
**
** VRT: a token is a line of tab-separated columns, the first the word;
** the others are named by the caller or by a '<!-- #vrt
** positional-attributes: word lemma pos -->' comment. Lines starting with
** '<' are structure tags: <text ...> a document whose attributes are its
** metadata, <p> and <segment kind=...> segments, <s> and <sentence>
** sentences, <point ordinal=...> points, <quotation> quotations, any other
** name a structure of that name; attributes are kept as structure
** attributes. Tags of different names may cross; a closing tag closes the
** last open one of its name. XML entities are decoded. Tokens are joined by
** a space, segments by a blank line.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annot.h"

static const char *const CONLLU_COLS[] = {"lemma", "upos", "xpos", "feats", "deprel"};
static const int CONLLU_FIELD[] = {2, 3, 4, 5, 7};
#define NCONLLU 5

int rs_annot_kind(const char *name) {
  size_t l = strlen(name);
  if (l >= 7 && strcmp(name + l - 7, ".conllu") == 0) return RS_AN_CONLLU;
  if (l >= 4 && strcmp(name + l - 4, ".vrt") == 0) return RS_AN_VRT;
  return 0;
}

void rs_annot_free(rs_mem *M, rs_annot *an) {
  int c;
  rs_buf_free(M, &an->text);
  rs_big_free(M, an->toks, an->tokcap, sizeof *an->toks);
  rs_big_free(M, an->wid, an->widcap, sizeof *an->wid);
  rs_vocab_free(M, &an->wv);
  for (c = 0; c < RS_MAX_XATTR; c++) {
    rs_vocab_free(M, &an->cv[c]);
    rs_big_free(M, an->cid[c], an->cidcap[c], sizeof(uint32_t));
  }
  rs_free(M, an->regs, an->regcap * sizeof *an->regs);
  rs_free(M, an->kvs, an->kvcap * sizeof *an->kvs);
  rs_buf_free(M, &an->strs);
  rs_free(M, an->docs, an->doccap * sizeof *an->docs);
  memset(an, 0, sizeof *an);
}

/* {====================================================== the reader */

/* a token of the sentence (CoNLL-U) being read */
typedef struct stok {
  const char *form;
  uint32_t flen, wid;
  int space_after;
  uint32_t ids[5]; /* lemma, upos, xpos, feats, deprel */
} stok;

/* an open structure tag (VRT) */
typedef struct open_tag {
  char tag[RS_MAX_NAME + 1]; /* as written */
  int level;
  int outside; /* opened outside every document (a wrapper such as <corpus>): dropped */
  uint32_t start, line;
  int32_t attr;
  uint32_t kv0, nkv;
} open_tag;

typedef struct rd {
  rs_mem *M;
  rs_annot *an;
  const char *name;
  uint32_t line;
  int indoc;        /* a document is open */
  int explicit_doc; /* ... opened by # newdoc or <text> */
  rs_adoc cur;
  int lv_seg, lv_sent; /* the file's level ids of segment and sentence */
  /* CoNLL-U */
  stok *st;
  size_t nst, stcap;
  const char *stext; /* # text of the sentence, or NULL */
  size_t stextn;
  uint32_t skv0, snkv; /* the sentence's attributes */
  uint32_t sline;
  int doc_header;      /* # key = value lines are the document's metadata */
  int newpar;          /* a paragraph starts at the next sentence */
  uint32_t pkv0, pnkv; /* its attributes */
  int seg_open;
  uint32_t seg_start, seg_kv0, seg_nkv;
  long expect;         /* the next token ID */
  /* the tuples FORM..FEATS seen, each with its ids: a table of its own,
  ** 32 bits of each key's hash beside its id, so that a probe compares
  ** bytes only when those agree */
  rs_buf tkeys;        /* the keys, one after another */
  uint64_t *toff;      /* key t is tkeys[toff[t], toff[t+1]) */
  size_t toffcap;
  uint64_t *tslots;    /* hash tag << 32 | id + 1, 0 empty */
  size_t ntslots;
  uint32_t nt;
  uint32_t *tids;      /* 5 ids per tuple: word, lemma, upos, xpos, feats */
  size_t tidcap;
  char last_d[32];     /* the last DEPREL and its id */
  size_t last_dl;
  uint32_t last_did;
  rs_buf join[RS_MAX_XATTR]; /* a multi-word token's joined values */
  int mwt;
  long mwt_lo, mwt_hi;
  stok mwt_tok;
  /* VRT */
  open_tag *open;
  size_t nopen, opencap;
  int sep_par; /* the next token starts a segment: a blank line before it */
  int skip[RS_MAX_XATTR + 1]; /* per column after word: left to rostra (lower, stem) */
  int ncolfile;               /* columns of a token line, word included */
  int derived;                /* a '#rostra derived: lower stem' comment was seen */
  char clash[8];              /* a column named lower or stem ("" : none) */
  uint32_t clash_line;
  rs_buf scratch;
} rd;

static int fail(rd *R, int code, const char *fmt, const char *arg, long num) {
  char msg[400];
  snprintf(msg, sizeof msg, fmt, arg, num);
  snprintf(R->an->err, sizeof R->an->err, "%s:%u: %s", R->name, (unsigned)R->line, msg);
  return code;
}

static int add_str(rd *R, const char *s, size_t n, uint32_t *off) {
  if (R->an->strs.n + n > 0xFFFFFFF0u) return RS_ELIMIT;
  *off = (uint32_t)R->an->strs.n;
  return rs_buf_add(R->M, &R->an->strs, s, n);
}

static int add_kv(rd *R, const char *k, size_t kn, const char *v, size_t vn) {
  rs_annot *an = R->an;
  rs_akv *x;
  int err;
  if (!an->strs.p && rs_buf_reserve(R->M, &an->strs, 64)) return RS_ENOMEM; /* never NULL past here */
  if (an->nkv == an->kvcap && rs_grow(R->M, (void **)&an->kvs, &an->kvcap, an->nkv + 1, sizeof *an->kvs))
    return RS_ENOMEM;
  x = &an->kvs[an->nkv];
  x->kn = (uint32_t)kn;
  x->vn = (uint32_t)vn;
  if ((err = add_str(R, k, kn, &x->k)) || (err = add_str(R, v, vn, &x->v))) return err;
  an->nkv++;
  return RS_OK;
}

/* the file's level named name, made when new */
static int level_id(rd *R, const char *name, size_t n) {
  rs_annot *an = R->an;
  int i;
  char buf[RS_MAX_NAME + 1];
  if (n > RS_MAX_NAME) return fail(R, RS_EPARSE, "structure name too long: '%.60s'", name, 0);
  memcpy(buf, name, n);
  buf[n] = 0;
  for (i = 0; i < an->nlev; i++)
    if (strcmp(an->levname[i], buf) == 0) return i;
  if (!rs_name_ok(buf)) return fail(R, RS_EPARSE, "bad structure name '%s'", buf, 0);
  if (an->nlev == RS_AN_MAXLEVEL) return fail(R, RS_ELIMIT, "too many kinds of structure (<%s>)", buf, 0);
  strcpy(an->levname[an->nlev], buf);
  return an->nlev++;
}

static int add_region(rd *R, int level, uint32_t start, uint32_t stop, int32_t attr, uint32_t kv0,
                      uint32_t nkv) {
  rs_annot *an = R->an;
  rs_areg *g;
  if (an->nreg == an->regcap && rs_grow(R->M, (void **)&an->regs, &an->regcap, an->nreg + 1, sizeof *an->regs))
    return RS_ENOMEM;
  g = &an->regs[an->nreg++];
  g->start = start;
  g->stop = stop;
  g->level = level;
  g->attr = attr;
  g->kv0 = kv0;
  g->nkv = nkv;
  return RS_OK;
}

/* tokens of the open document so far */
static uint32_t doc_ntok(const rd *R) { return (uint32_t)(R->an->ntok - R->cur.tok0); }

static int open_doc(rd *R, int explicit_doc) {
  rs_annot *an = R->an;
  memset(&R->cur, 0, sizeof R->cur);
  R->cur.text0 = an->text.n;
  R->cur.tok0 = (uint32_t)an->ntok;
  R->cur.reg0 = (uint32_t)an->nreg;
  R->cur.kv0 = (uint32_t)an->nkv;
  R->cur.line = R->line;
  R->indoc = 1;
  R->explicit_doc = explicit_doc;
  R->seg_open = 0;
  R->sep_par = 0;
  return RS_OK;
}

static int close_doc(rd *R) {
  rs_annot *an = R->an;
  int err;
  if (!R->indoc) return RS_OK;
  if (R->seg_open) { /* CoNLL-U: the last paragraph */
    if (doc_ntok(R) > R->seg_start &&
        (err = add_region(R, R->lv_seg, R->seg_start, doc_ntok(R), RS_REGION_PARAGRAPH, R->seg_kv0,
                          R->seg_nkv)))
      return err;
    R->seg_open = 0;
  }
  if (an->ndoc == an->doccap && rs_grow(R->M, (void **)&an->docs, &an->doccap, an->ndoc + 1, sizeof *an->docs))
    return RS_ENOMEM;
  R->cur.textn = an->text.n - R->cur.text0;
  R->cur.ntok = doc_ntok(R);
  R->cur.nreg = (uint32_t)(an->nreg - R->cur.reg0);
  an->docs[an->ndoc++] = R->cur;
  R->indoc = 0;
  return RS_OK;
}

/* intern a column value */
static int col_intern(rd *R, int c, const char *s, size_t n, uint32_t *id) {
  rs_annot *an = R->an;
  int isnew, err = rs_vocab_intern(R->M, &an->cv[c], s, n, id, &isnew);
  if (!err && isnew && an->cv[c].n > an->xlimit) {
    char msg[200];
    snprintf(msg, sizeof msg, "column '%s' has more than %lu distinct values (the limit of an attribute)",
             an->colname[c], (unsigned long)an->xlimit);
    return fail(R, RS_ELIMIT, "%s", msg, 0);
  }
  return err;
}

/* room for one more token */
static int grow_tokens(rd *R) {
  rs_annot *an = R->an;
  int c;
  if (an->ntok < an->tokcap && an->ntok < an->widcap) {
    for (c = 0; c < an->ncol; c++)
      if (an->ntok >= an->cidcap[c]) break;
    if (c == an->ncol) return RS_OK;
  }
  if (an->ntok >= 0xFFFFFFF0u) return RS_ELIMIT;
  if (rs_big_grow(R->M, (void **)&an->toks, &an->tokcap, an->ntok + 1, sizeof *an->toks) ||
      rs_big_grow(R->M, (void **)&an->wid, &an->widcap, an->ntok + 1, sizeof *an->wid))
    return RS_ENOMEM;
  for (c = 0; c < an->ncol; c++)
    if (rs_big_grow(R->M, (void **)&an->cid[c], &an->cidcap[c], an->ntok + 1, sizeof(uint32_t)))
      return RS_ENOMEM;
  return RS_OK;
}

/* append a token of the open document: its bytes already at the end of
** the text, [start, stop) relative to the document */
static int add_token(rd *R, uint32_t start, uint32_t stop, uint32_t wid, const uint32_t *ids) {
  rs_annot *an = R->an;
  int c, err;
  if ((err = grow_tokens(R))) return err;
  an->toks[an->ntok].start = start;
  an->toks[an->ntok].stop = stop;
  an->toks[an->ntok].kind = RS_TOK_WORD;
  an->toks[an->ntok].flags = 0;
  an->wid[an->ntok] = wid;
  for (c = 0; c < an->ncol; c++) an->cid[c][an->ntok] = ids[c];
  an->ntok++;
  return RS_OK;
}

/* decode XML entities of s[0..n) into R->scratch */
static int decode(rd *R, const char *s, size_t n) {
  size_t i = 0;
  R->scratch.n = 0;
  while (i < n) {
    const char *amp = memchr(s + i, '&', n - i);
    size_t j = amp ? (size_t)(amp - s) : n;
    if (j > i && rs_buf_add(R->M, &R->scratch, s + i, j - i)) return RS_ENOMEM;
    if (!amp) break;
    {
      const char *semi = memchr(s + j, ';', n - j < 12 ? n - j : 12);
      const char *rep = NULL;
      char ub[4];
      size_t rl = 0, el = semi ? (size_t)(semi - (s + j)) + 1 : 0;
      if (semi) {
        if (el == 4 && memcmp(s + j, "&lt;", 4) == 0) rep = "<";
        else if (el == 4 && memcmp(s + j, "&gt;", 4) == 0) rep = ">";
        else if (el == 5 && memcmp(s + j, "&amp;", 5) == 0) rep = "&";
        else if (el == 6 && memcmp(s + j, "&quot;", 6) == 0) rep = "\"";
        else if (el == 6 && memcmp(s + j, "&apos;", 6) == 0) rep = "'";
        else if (el > 3 && s[j + 1] == '#') {
          unsigned long cp = strtoul(s + j + (s[j + 2] == 'x' || s[j + 2] == 'X' ? 3 : 2), NULL,
                                     s[j + 2] == 'x' || s[j + 2] == 'X' ? 16 : 10);
          if (cp > 0 && cp < 0x110000 && !(cp >= 0xD800 && cp < 0xE000)) {
            if (cp < 0x80) { ub[0] = (char)cp; rl = 1; }
            else if (cp < 0x800) { ub[0] = (char)(0xC0 | cp >> 6); ub[1] = (char)(0x80 | (cp & 63)); rl = 2; }
            else if (cp < 0x10000) {
              ub[0] = (char)(0xE0 | cp >> 12); ub[1] = (char)(0x80 | (cp >> 6 & 63));
              ub[2] = (char)(0x80 | (cp & 63)); rl = 3;
            } else {
              ub[0] = (char)(0xF0 | cp >> 18); ub[1] = (char)(0x80 | (cp >> 12 & 63));
              ub[2] = (char)(0x80 | (cp >> 6 & 63)); ub[3] = (char)(0x80 | (cp & 63)); rl = 4;
            }
            rep = ub;
          }
        }
      }
      if (rep) {
        if (rs_buf_add(R->M, &R->scratch, rep, rl ? rl : 1)) return RS_ENOMEM;
        i = j + el;
      } else { /* a lone '&': kept */
        if (rs_buf_addc(R->M, &R->scratch, '&')) return RS_ENOMEM;
        i = j + 1;
      }
    }
  }
  return RS_OK;
}

/* }====================================================== */

/* {====================================================== CoNLL-U */

static int is_sp(char c) { return c == ' ' || c == '\t'; }

/* s[0..n) without the spaces around it */
static void trim(const char **s, size_t *n) {
  while (*n && is_sp(**s)) (*s)++, (*n)--;
  while (*n && is_sp((*s)[*n - 1])) (*n)--;
}

/* does MISC say SpaceAfter=No? */
static int no_space_after(const char *m, size_t n) {
  const char *e = m + n, *p = m;
  while (p < e) {
    const char *bar = memchr(p, '|', (size_t)(e - p));
    size_t l = bar ? (size_t)(bar - p) : (size_t)(e - p);
    if (l == 12 && memcmp(p, "SpaceAfter=No", 12) == 0) return 1;
    if (l == 13 && memcmp(p, "SpaceAfter=No", 13) == 0) return 1;
    p += l + 1;
  }
  return 0;
}

static int push_stok(rd *R, const stok *t) {
  if (R->nst == R->stcap && rs_grow(R->M, (void **)&R->st, &R->stcap, R->nst + 1, sizeof *R->st))
    return RS_ENOMEM;
  R->st[R->nst++] = *t;
  return RS_OK;
}

/* the sentence read so far becomes tokens, text and a sentence region */
static int flush_sentence(rd *R) {
  rs_annot *an = R->an;
  size_t i, cur;
  uint32_t s0;
  int err, aligned = 0;
  if (R->nst == 0) {
    R->stext = NULL;
    R->snkv = 0;
    return RS_OK;
  }
  if (!R->indoc && (err = open_doc(R, 0))) return err;
  s0 = doc_ntok(R);
  if (R->newpar || !R->seg_open) { /* a paragraph ends, the next starts */
    if (R->seg_open && s0 > R->seg_start &&
        (err = add_region(R, R->lv_seg, R->seg_start, s0, RS_REGION_PARAGRAPH, R->seg_kv0, R->seg_nkv)))
      return err;
    if (an->text.n > R->cur.text0 && rs_buf_add(R->M, &an->text, "\n\n", 2)) return RS_ENOMEM;
    R->seg_open = 1;
    R->seg_start = s0;
    R->seg_kv0 = R->newpar ? R->pkv0 : 0;
    R->seg_nkv = R->newpar ? R->pnkv : 0;
    R->newpar = 0;
  } else if (an->text.n > R->cur.text0 && rs_buf_addc(R->M, &an->text, ' ')) {
    return RS_ENOMEM;
  }
  if (R->stext) { /* the forms in the sentence's text, in order */
    size_t p = 0;
    aligned = 1;
    for (i = 0; i < R->nst && aligned; i++) {
      while (p < R->stextn && is_sp(R->stext[p])) p++;
      if (R->st[i].flen > R->stextn - p || memcmp(R->stext + p, R->st[i].form, R->st[i].flen) != 0)
        aligned = 0;
      p += R->st[i].flen;
    }
    if (!aligned) {
      if (!an->rebuilt) an->rebuilt_line = R->sline;
      an->rebuilt++;
    }
  }
  cur = an->text.n - R->cur.text0; /* where the sentence starts in the document's text */
  if (aligned) {
    size_t p = 0;
    if (rs_buf_add(R->M, &an->text, R->stext, R->stextn)) return RS_ENOMEM;
    for (i = 0; i < R->nst; i++) {
      while (is_sp(R->stext[p])) p++;
      if ((err = add_token(R, (uint32_t)(cur + p), (uint32_t)(cur + p + R->st[i].flen), R->st[i].wid,
                           R->st[i].ids)))
        return err;
      p += R->st[i].flen;
    }
  } else {
    for (i = 0; i < R->nst; i++) {
      size_t at = an->text.n - R->cur.text0;
      if (rs_buf_add(R->M, &an->text, R->st[i].form, R->st[i].flen)) return RS_ENOMEM;
      if ((err = add_token(R, (uint32_t)at, (uint32_t)(at + R->st[i].flen), R->st[i].wid, R->st[i].ids)))
        return err;
      if (i + 1 < R->nst && R->st[i].space_after && rs_buf_addc(R->M, &an->text, ' ')) return RS_ENOMEM;
    }
  }
  if (an->text.n - R->cur.text0 > RS_MAX_TEXT) return fail(R, RS_ELIMIT, "%sdocument text larger than 2 GiB", "", 0);
  if ((err = add_region(R, R->lv_sent, s0, doc_ntok(R), 0, R->skv0, R->snkv))) return err;
  R->nst = 0;
  R->stext = NULL;
  R->snkv = 0;
  R->expect = 1;
  return RS_OK;
}

/* parse an ID: an integer (*kind 0), a range a-b (1), an empty node a.b (2) */
static int parse_id(const char *s, size_t n, long *a, long *b, int *kind) {
  size_t i = 0;
  long x = 0, y = 0;
  if (n == 0 || n > 18) return 0;
  while (i < n && s[i] >= '0' && s[i] <= '9') x = x * 10 + (s[i++] - '0');
  if (i == 0) return 0;
  if (i == n) {
    *a = x;
    *kind = 0;
    return x > 0;
  }
  if (s[i] != '-' && s[i] != '.') return 0;
  {
    size_t j = i + 1;
    if (j == n) return 0;
    while (j < n && s[j] >= '0' && s[j] <= '9') y = y * 10 + (s[j++] - '0');
    if (j != n) return 0;
  }
  *a = x;
  *b = y;
  *kind = s[i] == '-' ? 1 : 2;
  return 1;
}

static int conllu_comment(rd *R, const char *s, size_t n) {
  const char *eq;
  const char *k, *v;
  size_t kn, vn;
  int err;
  s++, n--; /* '#' */
  trim(&s, &n);
  eq = memchr(s, '=', n);
  k = s;
  kn = eq ? (size_t)(eq - s) : n;
  trim(&k, &kn);
  v = eq ? eq + 1 : s + n;
  vn = eq ? n - (size_t)(eq + 1 - s) : 0;
  trim(&v, &vn);
  if ((kn == 6 && memcmp(k, "newdoc", 6) == 0) || (kn == 9 && memcmp(k, "newdoc id", 9) == 0)) {
    if ((err = flush_sentence(R))) return err;
    if (R->indoc && (R->explicit_doc || doc_ntok(R) > 0) && (err = close_doc(R))) return err;
    if (!R->indoc && (err = open_doc(R, 1))) return err;
    R->explicit_doc = 1;
    if (kn == 9 && (err = add_str(R, v, vn, &R->cur.name))) return err;
    if (kn == 9) R->cur.namen = (uint32_t)vn;
    R->cur.line = R->line;
    R->doc_header = 1;
    return RS_OK;
  }
  if ((kn == 6 && memcmp(k, "newpar", 6) == 0) || (kn == 9 && memcmp(k, "newpar id", 9) == 0)) {
    if ((err = flush_sentence(R))) return err;
    R->doc_header = 0;
    R->newpar = 1;
    R->pkv0 = (uint32_t)R->an->nkv;
    R->pnkv = 0;
    if (kn == 9) {
      if ((err = add_kv(R, "id", 2, v, vn))) return err;
      R->pnkv = 1;
    }
    return RS_OK;
  }
  if (!eq) return RS_OK; /* a free comment */
  if (R->doc_header && !(kn == 7 && memcmp(k, "sent_id", 7) == 0) && !(kn == 4 && memcmp(k, "text", 4) == 0)) {
    if (!R->indoc && (err = open_doc(R, 1))) return err;
    if ((err = add_kv(R, k, kn, v, vn))) return err;
    R->cur.nkv++;
    return RS_OK;
  }
  R->doc_header = 0;
  if (R->nst > 0 && (err = flush_sentence(R))) return err; /* a comment ends a sentence without a blank line */
  if (R->snkv == 0 && !R->stext) R->skv0 = (uint32_t)R->an->nkv;
  R->sline = R->line;
  if (kn == 4 && memcmp(k, "text", 4) == 0) {
    /* keep the value's own spaces inside; only the one after '=' goes */
    R->stext = v;
    R->stextn = vn;
    return RS_OK;
  }
  if (kn == 7 && memcmp(k, "sent_id", 7) == 0) {
    k = "id";
    kn = 2;
  }
  {
    char key[RS_MAX_NAME + 1];
    if (kn > RS_MAX_NAME) return RS_OK;
    memcpy(key, k, kn);
    key[kn] = 0;
    if (!rs_name_ok(key)) return RS_OK; /* not a name for an attribute (global.columns, ...) */
  }
  if (R->snkv == 0) R->skv0 = (uint32_t)R->an->nkv;
  if ((err = add_kv(R, k, kn, v, vn))) return err;
  R->snkv++;
  return RS_OK;
}

static uint64_t tmix(uint64_t x) {
  x ^= x >> 32;
  x *= 0xD6E8FEB86659FD93ull;
  x ^= x >> 32;
  x *= 0xD6E8FEB86659FD93ull;
  return x ^ (x >> 32);
}

/* a fast hash of a short key, eight bytes at a time (as loader.c's) */
static uint64_t thash(const unsigned char *s, size_t n) {
  uint64_t a, b, h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
  if (n >= 8) {
    size_t i;
    for (i = 0; i + 8 < n; i += 8) {
      memcpy(&a, s + i, 8);
      h = (h ^ a) * 0x9FB21C651E98DF25ull;
    }
    memcpy(&b, s + n - 8, 8);
    h ^= b;
  } else if (n >= 4) {
    uint32_t x, y;
    memcpy(&x, s, 4);
    memcpy(&y, s + n - 4, 4);
    h ^= (uint64_t)x << 32 | y;
  } else if (n > 0) {
    h ^= (uint64_t)s[0] << 16 | (uint64_t)s[n / 2] << 8 | s[n - 1];
  }
  return tmix(h);
}

static int trehash(rd *R, size_t nslots) {
  uint64_t *ns = rs_malloc(R->M, nslots * sizeof *ns);
  size_t k, mask = nslots - 1;
  if (!ns) return RS_ENOMEM;
  memset(ns, 0, nslots * sizeof *ns);
  for (k = 0; k < R->ntslots; k++) {
    uint64_t e = R->tslots[k];
    size_t i;
    if (!e) continue;
    i = (size_t)(e >> 32) & mask;
    while (ns[i]) i = (i + 1) & mask;
    ns[i] = e;
  }
  rs_free(R->M, R->tslots, R->ntslots * sizeof *R->tslots);
  R->tslots = ns;
  R->ntslots = nslots;
  return RS_OK;
}

/* the ids of a token line's columns: the tuple FORM..FEATS through the
** tuple table, DEPREL apart */
static int conllu_ids(rd *R, const char *f[10], const size_t fl[10], stok *t) {
  rs_annot *an = R->an;
  const char *key = f[1];
  size_t kn = (size_t)(f[5] + fl[5] - f[1]), mask, i;
  uint64_t h = thash((const unsigned char *)key, kn);
  uint32_t tag = (uint32_t)(h >> 32), tid;
  int isnew, err, c;
  const uint32_t *x;
  if (!R->ntslots && (err = trehash(R, 4096))) return err;
  mask = R->ntslots - 1;
  i = tag & mask;
  for (;;) {
    uint64_t e = R->tslots[i];
    if (!e) break;
    if ((uint32_t)(e >> 32) == tag) {
      uint32_t cand = (uint32_t)e - 1;
      if (R->toff[cand + 1] - R->toff[cand] == kn && memcmp(R->tkeys.p + R->toff[cand], key, kn) == 0) {
        x = R->tids + (size_t)cand * 5;
        goto found;
      }
    }
    i = (i + 1) & mask;
  }
  /* a new tuple: its values interned, then it */
  tid = R->nt;
  if (rs_grow(R->M, (void **)&R->tids, &R->tidcap, ((size_t)tid + 1) * 5, sizeof *R->tids) ||
      rs_grow(R->M, (void **)&R->toff, &R->toffcap, (size_t)tid + 2, sizeof *R->toff))
    return RS_ENOMEM;
  {
    uint32_t *y = R->tids + (size_t)tid * 5;
    if ((err = rs_vocab_intern(R->M, &an->wv, f[1], fl[1], &y[0], &isnew))) return err;
    for (c = 0; c < 4; c++)
      if ((err = col_intern(R, c, f[CONLLU_FIELD[c]], fl[CONLLU_FIELD[c]], &y[1 + c]))) return err;
  }
  if (tid == 0) R->toff[0] = 0;
  if (rs_buf_add(R->M, &R->tkeys, key, kn)) return RS_ENOMEM;
  R->toff[tid + 1] = R->tkeys.n;
  R->tslots[i] = (uint64_t)tag << 32 | (tid + 1);
  R->nt++;
  x = R->tids + (size_t)tid * 5;
  if ((size_t)R->nt * 2 > R->ntslots) {
    if ((err = trehash(R, R->ntslots * 2))) return err;
  }
found:
  t->wid = x[0];
  for (c = 0; c < 4; c++) t->ids[c] = x[1 + c];
  /* DEPREL: a few dozen values; the last one seen is the likeliest */
  {
    const char *d = f[7];
    size_t dl = fl[7];
    if (R->last_dl == dl && dl <= sizeof R->last_d && memcmp(R->last_d, d, dl) == 0) {
      t->ids[4] = R->last_did;
      return RS_OK;
    }
    if ((err = col_intern(R, 4, d, dl, &t->ids[4]))) return err;
    if (dl <= sizeof R->last_d) {
      memcpy(R->last_d, d, dl);
      R->last_dl = dl;
      R->last_did = t->ids[4];
    }
  }
  return RS_OK;
}

static int conllu_token(rd *R, const char *line, size_t n) {
  const char *f[10];
  size_t fl[10];
  int k = 0, kind, err, c;
  long a = 0, b = 0;
  const char *p = line, *e = line + n;
  stok t;
  R->doc_header = 0;
  f[0] = p;
  while (p < e && k < 9) { /* one pass over the line for the tabs */
    if (*p == '\t') {
      fl[k] = (size_t)(p - f[k]);
      f[++k] = p + 1;
    }
    p++;
  }
  if (k == 9) {
    fl[9] = (size_t)(e - f[9]);
    k = 10;
  } else {
    fl[k] = (size_t)(e - f[k]);
    k++;
  }
  if (k != 10 || memchr(f[9], '\t', fl[9])) {
    int m = k;
    p = f[9];
    if (k == 10)
      while (p < e && (p = memchr(p, '\t', (size_t)(e - p))) != NULL) p++, m++;
    return fail(R, RS_EPARSE, "%s%ld tab-separated fields, a CoNLL-U line has 10", "", m);
  }
  if (!parse_id(f[0], fl[0], &a, &b, &kind)) {
    char id[40];
    snprintf(id, sizeof id, "%.*s", (int)(fl[0] > 30 ? 30 : fl[0]), f[0]);
    return fail(R, RS_EPARSE, "bad ID '%s' (an integer, a range 1-2 or an empty node 1.1)", id, 0);
  }
  if (kind == 2) return RS_OK; /* an empty node: not a token */
  if (kind == 1) {
    if (a != R->expect || b < a) return fail(R, RS_EPARSE, "multi-word token %s out of order", "", 0);
    if ((err = rs_vocab_intern(R->M, &R->an->wv, f[1], fl[1], &R->mwt_tok.wid, &kind))) return err;
    R->mwt = 1;
    R->mwt_lo = a;
    R->mwt_hi = b;
    R->mwt_tok.form = f[1];
    R->mwt_tok.flen = (uint32_t)fl[1];
    R->mwt_tok.space_after = !no_space_after(f[9], fl[9]);
    for (c = 0; c < NCONLLU; c++) R->join[c].n = 0;
    return RS_OK;
  }
  if (a != R->expect) return fail(R, RS_EPARSE, "%sID %ld out of order", "", a);
  R->expect = a + 1;
  if (R->mwt && a >= R->mwt_lo && a <= R->mwt_hi) { /* a syntactic word of the multi-word token */
    for (c = 0; c < NCONLLU; c++) {
      rs_buf *j = &R->join[c];
      if ((a > R->mwt_lo && rs_buf_addc(R->M, j, '+')) ||
          rs_buf_add(R->M, j, f[CONLLU_FIELD[c]], fl[CONLLU_FIELD[c]]))
        return RS_ENOMEM;
    }
    if (a == R->mwt_hi) {
      R->mwt = 0;
      for (c = 0; c < NCONLLU; c++)
        if ((err = col_intern(R, c, R->join[c].p ? R->join[c].p : "", R->join[c].n, &R->mwt_tok.ids[c])))
          return err;
      return push_stok(R, &R->mwt_tok);
    }
    return RS_OK;
  }
  if (R->mwt) return fail(R, RS_EPARSE, "%sthe multi-word token ends before its words (ID %ld)", "", a);
  if (fl[1] == 0) return fail(R, RS_EPARSE, "%sempty FORM", "", 0);
  t.form = f[1];
  t.flen = (uint32_t)fl[1];
  t.space_after = !no_space_after(f[9], fl[9]);
  if ((err = conllu_ids(R, f, fl, &t))) return err;
  return push_stok(R, &t);
}

/* is s[0..n) only spaces and tabs? (the text is not NUL-terminated) */
static int blank(const char *s, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if (!is_sp(s[i])) return 0;
  return 1;
}

static int read_conllu(rd *R, const char *s, size_t n) {
  size_t pos = 0;
  int err, c;
  rs_annot *an = R->an;
  an->ncol = NCONLLU;
  for (c = 0; c < NCONLLU; c++) strcpy(an->colname[c], CONLLU_COLS[c]);
  R->expect = 1;
  while (pos < n) {
    const char *nl = memchr(s + pos, '\n', n - pos);
    size_t e = nl ? (size_t)(nl - s) : n, l = e - pos;
    const char *line = s + pos;
    R->line++;
    if (l && line[l - 1] == '\r') l--;
    if (l == 0 || blank(line, l)) {
      if (R->mwt) return fail(R, RS_EPARSE, "%sthe sentence ends inside a multi-word token", "", 0);
      if ((err = flush_sentence(R))) return err;
    } else if (line[0] == '#') {
      if ((err = conllu_comment(R, line, l))) return err;
    } else if ((err = conllu_token(R, line, l))) {
      return err;
    }
    pos = e + 1;
  }
  if (R->mwt) return fail(R, RS_EPARSE, "%sthe file ends inside a multi-word token", "", 0);
  if ((err = flush_sentence(R))) return err;
  return close_doc(R);
}

/* }====================================================== */

/* {====================================================== VRT */

static int seg_kind_code(const char *v, size_t n) {
  static const char *const k[] = {"salutation", "paragraph", "closing", "heading"};
  int i;
  for (i = 0; i < 4; i++)
    if (strlen(k[i]) == n && memcmp(k[i], v, n) == 0) return i + 1;
  return 0;
}

/* the column names of a '#vrt positional-attributes:' comment, or of the caller */
static int set_columns(rd *R, const char *const *names, int nnames, int derived_ok) {
  rs_annot *an = R->an;
  int i, j;
  an->ncol = 0;
  R->ncolfile = 1 + nnames;
  for (i = 0; i < nnames; i++) {
    const char *nm = names[i];
    R->skip[i] = 0;
    if (strcmp(nm, "word") == 0) return fail(R, RS_EPARSE, "column %s: the first column is the word", "2+", 0);
    if (strcmp(nm, "lower") == 0 || strcmp(nm, "stem") == 0) {
      if (!derived_ok)
        return fail(R, RS_EPARSE,
                    "column '%s' clashes with a built-in attribute (rostra makes lower and stem from the word): "
                    "rename it",
                    nm, 0);
      /* rostra's own columns when a '#rostra derived' comment says so
      ** (checked at the first token), a clash otherwise */
      R->skip[i] = 1;
      R->clash_line = R->line;
      strcpy(R->clash, nm);
      continue;
    }
    if (!rs_name_ok(nm)) return fail(R, RS_EPARSE, "bad column name '%.60s'", nm, 0);
    for (j = 0; j < an->ncol; j++)
      if (strcmp(an->colname[j], nm) == 0) return fail(R, RS_EPARSE, "column '%s' named twice", nm, 0);
    if (an->ncol == RS_MAX_XATTR) return fail(R, RS_ELIMIT, "too many columns ('%s')", nm, 0);
    strcpy(an->colname[an->ncol++], nm);
  }
  return RS_OK;
}

/* a '<!-- ... -->' comment: the column names, rostra's derived columns */
static int vrt_comment(rd *R, const char *s, size_t n, int *have_names, int *derived) {
  const char *p = s + 4, *e = s + n;
  size_t l;
  if (n >= 7 && memcmp(e - 3, "-->", 3) == 0) e -= 3;
  while (p < e && is_sp(*p)) p++;
  l = (size_t)(e - p);
  if (l > 5 && memcmp(p, "#rostra derived:", l < 16 ? l : 16) == 0) {
    *derived = 1;
    R->derived = 1;
    return RS_OK;
  }
  if (l > 29 && memcmp(p, "#vrt positional-attributes:", 27) == 0) {
    const char *names[RS_MAX_XATTR * 2 + 2];
    char buf[RS_MAX_XATTR * 2 + 2][RS_MAX_NAME + 1];
    int k = 0, first = 1;
    p += 27;
    while (p < e) {
      const char *w;
      size_t wl;
      while (p < e && is_sp(*p)) p++;
      w = p;
      while (p < e && !is_sp(*p)) p++;
      wl = (size_t)(p - w);
      if (!wl) break;
      if (first) { /* the word column, whatever its name */
        first = 0;
        continue;
      }
      if (k == RS_MAX_XATTR * 2 + 2 || wl > RS_MAX_NAME)
        return fail(R, RS_ELIMIT, "%stoo many or too long column names", "", 0);
      memcpy(buf[k], w, wl);
      buf[k][wl] = 0;
      names[k] = buf[k];
      k++;
    }
    *have_names = 1;
    return set_columns(R, names, k, 1);
  }
  return RS_OK;
}

/* parse a tag's attributes name="value" into kvs; *kind, *ord, *depth set
** when level is a built-in one that has them */
static int vrt_attrs(rd *R, const char *p, const char *e, const char *lvname, uint32_t *kv0, uint32_t *nkv,
                     int32_t *attr) {
  *kv0 = (uint32_t)R->an->nkv;
  *nkv = 0;
  for (;;) {
    const char *k, *v;
    size_t kn, vn;
    char q;
    int err;
    while (p < e && (is_sp(*p) || *p == '/')) p++;
    if (p >= e) break;
    k = p;
    while (p < e && *p != '=' && !is_sp(*p)) p++;
    kn = (size_t)(p - k);
    while (p < e && is_sp(*p)) p++;
    if (p >= e || *p != '=') return fail(R, RS_EPARSE, "%sexpected '=' after an attribute name in a tag", "", 0);
    p++;
    while (p < e && is_sp(*p)) p++;
    if (p >= e || (*p != '"' && *p != '\'')) return fail(R, RS_EPARSE, "%sexpected a quoted value in a tag", "", 0);
    q = *p++;
    v = p;
    while (p < e && *p != q) p++;
    if (p >= e) return fail(R, RS_EPARSE, "%sunclosed quoted value in a tag", "", 0);
    vn = (size_t)(p - v);
    p++;
    if ((err = decode(R, v, vn))) return err;
    v = R->scratch.p ? R->scratch.p : "";
    vn = R->scratch.n;
    if (strcmp(lvname, "segment") == 0 && kn == 4 && memcmp(k, "kind", 4) == 0) {
      int code = seg_kind_code(v, vn);
      if (!code) return fail(R, RS_EPARSE, "%sunknown segment kind (salutation, paragraph, closing, heading)", "", 0);
      *attr = code;
      continue;
    }
    if ((strcmp(lvname, "point") == 0 && kn == 7 && memcmp(k, "ordinal", 7) == 0) ||
        (strcmp(lvname, "quotation") == 0 && kn == 5 && memcmp(k, "depth", 5) == 0)) {
      char num[24];
      snprintf(num, sizeof num, "%.*s", (int)(vn > 20 ? 20 : vn), v);
      *attr = (int32_t)strtol(num, NULL, 10);
      continue;
    }
    {
      char key[RS_MAX_NAME + 1];
      if (kn == 0 || kn > RS_MAX_NAME) return fail(R, RS_EPARSE, "%sbad attribute name in a tag", "", 0);
      memcpy(key, k, kn);
      key[kn] = 0;
      if (!rs_name_ok(key)) return fail(R, RS_EPARSE, "bad attribute name '%s' in a tag", key, 0);
    }
    if ((err = add_kv(R, k, kn, v, vn))) return err;
    (*nkv)++;
  }
  return RS_OK;
}

static int vrt_tag(rd *R, const char *s, size_t n) {
  const char *p = s + 1, *e = s + n, *nm;
  size_t nl;
  int closing = 0, lv, err;
  const char *lvname;
  if (e[-1] != '>') return fail(R, RS_EPARSE, "%sa line starting with '<' that is not a tag (write &lt; in a token)", "", 0);
  e--;
  if (*p == '/') closing = 1, p++;
  nm = p;
  while (p < e && !is_sp(*p) && *p != '/') p++;
  nl = (size_t)(p - nm);
  if (nl == 0) return fail(R, RS_EPARSE, "%sa tag without a name", "", 0);
  if ((nl == 4 && memcmp(nm, "text", 4) == 0) || (nl == 3 && memcmp(nm, "doc", 3) == 0)) {
    size_t i;
    if (closing) {
      if (!R->indoc || !R->explicit_doc) return fail(R, RS_EPARSE, "%s</text> closes no <text>", "", 0);
      for (i = R->nopen; i > 0; i--) {
        open_tag *o = &R->open[i - 1];
        if (o->outside) continue;
        R->line = o->line;
        return fail(R, RS_EPARSE, "<%s> is not closed before </text>", o->tag, 0);
      }
      return close_doc(R);
    }
    if (R->indoc && R->explicit_doc) return fail(R, RS_EPARSE, "%s<text> inside <text>", "", 0);
    if (R->indoc) {
      for (i = R->nopen; i > 0; i--) {
        open_tag *o = &R->open[i - 1];
        if (o->outside) continue;
        R->line = o->line;
        return fail(R, RS_EPARSE, "<%s> is not closed before <text>", o->tag, 0);
      }
      if ((err = close_doc(R))) return err;
    }
    if ((err = open_doc(R, 1))) return err;
    {
      uint32_t kv0, nkv;
      int32_t attr = 0;
      if ((err = vrt_attrs(R, p, e, "text", &kv0, &nkv, &attr))) return err;
      R->cur.kv0 = kv0;
      R->cur.nkv = nkv;
    }
    return RS_OK;
  }
  /* built-in levels under their CWB and rostra names */
  if ((nl == 1 && *nm == 'p') || (nl == 9 && memcmp(nm, "paragraph", 9) == 0) ||
      (nl == 7 && memcmp(nm, "segment", 7) == 0))
    lvname = "segment";
  else if ((nl == 1 && *nm == 's') || (nl == 8 && memcmp(nm, "sentence", 8) == 0))
    lvname = "sentence";
  else
    lvname = NULL;
  if (lvname) lv = level_id(R, lvname, strlen(lvname));
  else lv = level_id(R, nm, nl);
  if (lv < 0) return lv;
  lvname = R->an->levname[lv];
  if (closing) {
    size_t i = R->nopen;
    while (i > 0 && R->open[i - 1].level != lv) i--;
    if (i == 0) {
      char tag[RS_MAX_NAME + 1];
      memcpy(tag, nm, nl < RS_MAX_NAME ? nl : RS_MAX_NAME);
      tag[nl < RS_MAX_NAME ? nl : RS_MAX_NAME] = 0;
      return fail(R, RS_EPARSE, "</%s> closes no open tag of its name", tag, 0);
    }
    {
      open_tag o = R->open[i - 1];
      memmove(R->open + i - 1, R->open + i, (R->nopen - i) * sizeof *R->open);
      R->nopen--;
      if (!o.outside && R->indoc && doc_ntok(R) > o.start &&
          (err = add_region(R, lv, o.start, doc_ntok(R), o.attr, o.kv0, o.nkv)))
        return err;
      if (lv == R->lv_seg) R->sep_par = 1;
    }
    return RS_OK;
  }
  if (R->nopen == R->opencap && rs_grow(R->M, (void **)&R->open, &R->opencap, R->nopen + 1, sizeof *R->open))
    return RS_ENOMEM;
  {
    open_tag *o = &R->open[R->nopen];
    o->outside = !R->indoc;
    o->level = lv;
    memcpy(o->tag, nm, nl < RS_MAX_NAME ? nl : RS_MAX_NAME);
    o->tag[nl < RS_MAX_NAME ? nl : RS_MAX_NAME] = 0;
    o->start = doc_ntok(R);
    o->line = R->line;
    o->attr = strcmp(lvname, "segment") == 0 ? RS_REGION_PARAGRAPH : 0;
    if ((err = vrt_attrs(R, p, e, lvname, &o->kv0, &o->nkv, &o->attr))) return err;
    if (e > s + 1 && e[-1] == '/') return RS_OK; /* <x/>: an empty region, kept as nothing */
    R->nopen++;
  }
  if (lv == R->lv_seg) R->sep_par = 1;
  return RS_OK;
}

static int vrt_token(rd *R, const char *line, size_t n) {
  rs_annot *an = R->an;
  const char *p = line, *e = line + n, *f[RS_MAX_XATTR * 2 + 2];
  size_t fl[RS_MAX_XATTR * 2 + 2], at;
  int k = 0, c, err;
  uint32_t wid, ids[RS_MAX_XATTR];
  int isnew;
  for (;;) {
    const char *tab = memchr(p, '\t', (size_t)(e - p));
    if (k == RS_MAX_XATTR * 2 + 2) return fail(R, RS_EPARSE, "%stoo many columns", "", 0);
    f[k] = p;
    fl[k] = tab ? (size_t)(tab - p) : (size_t)(e - p);
    k++;
    if (!tab) break;
    p = tab + 1;
  }
  if (R->clash[0]) {
    if (!R->derived) {
      R->line = R->clash_line;
      return fail(R, RS_EPARSE,
                  "column '%s' clashes with a built-in attribute (rostra makes lower and stem from the word): "
                  "rename it",
                  R->clash, 0);
    }
    R->clash[0] = 0;
    for (c = 0; c < R->ncolfile - 1; c++) an->derived += R->skip[c];
  }
  if (R->ncolfile == 0) { /* no names: a file of words only, or an error */
    if (k > 1)
      return fail(R, RS_EPARSE,
                  "%s%ld columns but no names for them: give opts.attributes or a "
                  "'<!-- #vrt positional-attributes: word lemma pos -->' line",
                  "", k);
    R->ncolfile = 1;
  }
  if (k != R->ncolfile) {
    snprintf(an->err, sizeof an->err, "%s:%u: %d columns where the file names %d", R->name,
             (unsigned)R->line, k, R->ncolfile);
    return RS_EPARSE;
  }
  if (!R->indoc && (err = open_doc(R, 0))) return err;
  /* the word */
  if ((err = decode(R, f[0], fl[0]))) return err;
  if (R->scratch.n == 0) return fail(R, RS_EPARSE, "%san empty token", "", 0);
  if (an->text.n > R->cur.text0) {
    if (R->sep_par ? rs_buf_add(R->M, &an->text, "\n\n", 2) : rs_buf_addc(R->M, &an->text, ' '))
      return RS_ENOMEM;
  }
  R->sep_par = 0;
  at = an->text.n - R->cur.text0;
  if (rs_buf_add(R->M, &an->text, R->scratch.p, R->scratch.n)) return RS_ENOMEM;
  if (at + R->scratch.n > RS_MAX_TEXT) return fail(R, RS_ELIMIT, "%sdocument text larger than 2 GiB", "", 0);
  if ((err = rs_vocab_intern(R->M, &an->wv, R->scratch.p, R->scratch.n, &wid, &isnew))) return err;
  {
    int col = 0;
    for (c = 1; c < k; c++) {
      if (R->skip[c - 1]) continue;
      if ((err = decode(R, f[c], fl[c]))) return err;
      if ((err = col_intern(R, col, R->scratch.p ? R->scratch.p : "", R->scratch.n, &ids[col]))) return err;
      col++;
    }
  }
  return add_token(R, (uint32_t)at, (uint32_t)(an->text.n - R->cur.text0), wid, ids);
}

static int read_vrt(rd *R, const char *s, size_t n, const char *const *names, int nnames) {
  size_t pos = 0;
  int err, have_names = 0, derived = 0;
  if (names) {
    if ((err = set_columns(R, names, nnames, 0))) return err;
    have_names = 1;
  }
  while (pos < n) {
    const char *nl = memchr(s + pos, '\n', n - pos);
    size_t e = nl ? (size_t)(nl - s) : n, l = e - pos;
    const char *line = s + pos;
    R->line++;
    if (l && line[l - 1] == '\r') l--;
    if (l == 0) {
      /* a blank line: nothing */
    } else if (l >= 4 && memcmp(line, "<!--", 4) == 0) {
      if (!have_names || !names) {
        int hn = 0;
        if ((err = vrt_comment(R, line, l, &hn, &derived))) return err;
        if (hn) have_names = 1;
      }
    } else if (line[0] == '<' && l > 1 && line[1] != ' ' && line[1] != '\t') {
      if (l >= 2 && line[1] == '?') { /* an XML declaration */
      } else if ((err = vrt_tag(R, line, l))) {
        return err;
      }
    } else if ((err = vrt_token(R, line, l))) {
      return err;
    }
    pos = e + 1;
  }
  if (R->nopen) {
    open_tag *o = &R->open[R->nopen - 1];
    R->line = o->line;
    return fail(R, RS_EPARSE, "<%s> is never closed", o->tag, 0);
  }
  if (R->indoc && R->explicit_doc) return fail(R, RS_EPARSE, "%s<text> is never closed", "", 0);
  return close_doc(R);
}

/* }====================================================== */

int rs_annot_read(rs_mem *M, rs_annot *an, int kind, const char *text, size_t n, const char *name,
                  const char *const *names, int nnames) {
  rd R;
  int err, c;
  memset(&R, 0, sizeof R);
  R.M = M;
  R.an = an;
  R.name = name ? name : "input";
  R.line = an->line0;
  an->kind = kind;
  if (!an->xlimit) an->xlimit = RS_MAX_XTYPES;
  for (c = 0; c < RS_MAX_XATTR; c++) rs_buf_init(&R.join[c]);
  rs_buf_init(&R.scratch);
  R.lv_seg = level_id(&R, "segment", 7);
  R.lv_sent = level_id(&R, "sentence", 8);
  if (n > ((size_t)1 << 20)) { /* room from the file's size: the arrays grow once or twice, not twenty times */
    size_t est = n / 48 + 16;
    if (rs_big_grow(M, (void **)&an->toks, &an->tokcap, est, sizeof *an->toks) ||
        rs_big_grow(M, (void **)&an->wid, &an->widcap, est, sizeof *an->wid) ||
        rs_buf_reserve(M, &an->text, n / 4)) {
      err = RS_ENOMEM;
      goto done;
    }
    for (c = 0; c < (kind == RS_AN_CONLLU ? NCONLLU : 0); c++)
      if (rs_big_grow(M, (void **)&an->cid[c], &an->cidcap[c], est, sizeof(uint32_t))) {
        err = RS_ENOMEM;
        goto done;
      }
  }
  if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* a UTF-8 byte order mark: not a token */
    text += 3;
    n -= 3;
  }
  if (n && memchr(text, 0, n < 8192 ? n : 8192)) {
    snprintf(an->err, sizeof an->err, "not a text file: %s (NUL bytes)", R.name);
    err = RS_ENOTTEXT;
  } else if (kind == RS_AN_CONLLU) {
    err = read_conllu(&R, text, n);
  } else {
    err = read_vrt(&R, text, n, names, nnames);
  }
done:
  rs_free(M, R.st, R.stcap * sizeof *R.st);
  rs_buf_free(M, &R.tkeys);
  rs_free(M, R.toff, R.toffcap * sizeof *R.toff);
  rs_free(M, R.tslots, R.ntslots * sizeof *R.tslots);
  rs_free(M, R.tids, R.tidcap * sizeof *R.tids);
  for (c = 0; c < RS_MAX_XATTR; c++) rs_buf_free(M, &R.join[c]);
  rs_free(M, R.open, R.opencap * sizeof *R.open);
  rs_buf_free(M, &R.scratch);
  return err;
}

/* {====================================================== adding to a builder */

/* regions of one document in order: level, start, then the longer first */
static int reg_cmp(const void *x, const void *y) {
  const rs_areg *a = x, *b = y;
  if (a->level != b->level) return a->level < b->level ? -1 : 1;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  if (a->stop != b->stop) return a->stop > b->stop ? -1 : 1;
  return 0;
}

int rs_builder_add_annot(rs_builder *B, const rs_annot *an, const char *lang, char *msg, size_t msglen) {
  rs_mem *M = NULL;
  uint32_t *wmap = NULL, *xmap[RS_MAX_XATTR], *ids = NULL, *vals = NULL;
  size_t maxtok = 0, d, i;
  int attr[RS_MAX_XATTR], lvmap[RS_AN_MAXLEVEL], c, err = RS_OK;
  rs_areg *regs = NULL;
  size_t maxreg = 0;
  M = rs_builder_mem(B);
  memset(xmap, 0, sizeof xmap);
  msg[0] = 0;
  /* the columns and the levels in the builder */
  for (c = 0; c < an->ncol; c++) {
    attr[c] = rs_builder_xattr(B, an->colname[c]);
    if (attr[c] < 0) {
      snprintf(msg, msglen, "%s", rs_builder_error(B));
      return attr[c];
    }
  }
  for (c = 0; c < an->nlev; c++) {
    lvmap[c] = rs_builder_xlevel(B, an->levname[c]);
    if (lvmap[c] < 0) {
      snprintf(msg, msglen, "%s", rs_builder_error(B));
      return lvmap[c];
    }
  }
  /* the file's types in the builder's vocabularies */
  wmap = rs_malloc(M, (an->wv.n ? an->wv.n : 1) * sizeof *wmap);
  if (!wmap) return RS_ENOMEM;
  for (i = 0; i < an->wv.n && !err; i++) {
    size_t l;
    rs_strtab t = rs_vocab_view(&an->wv);
    const char *s = rs_strtab_get(&t, (uint32_t)i, &l);
    err = rs_builder_wintern(B, s, l, lang, &wmap[i]);
  }
  for (c = 0; c < an->ncol && !err; c++) {
    rs_strtab t = rs_vocab_view(&an->cv[c]);
    xmap[c] = rs_malloc(M, (t.n ? t.n : 1) * sizeof(uint32_t));
    if (!xmap[c]) {
      err = RS_ENOMEM;
      break;
    }
    for (i = 0; i < t.n && !err; i++) {
      size_t l;
      const char *s = rs_strtab_get(&t, (uint32_t)i, &l);
      err = rs_builder_xintern(B, attr[c], s, l, &xmap[c][i]);
      if (err == RS_ELIMIT) snprintf(msg, msglen, "%s", rs_builder_error(B));
    }
  }
  if (!err) err = rs_builder_reserve(B, an->ntok, an->text.n);
  for (d = 0; d < an->ndoc; d++) {
    if (an->docs[d].ntok > maxtok) maxtok = an->docs[d].ntok;
    if (an->docs[d].nreg > maxreg) maxreg = an->docs[d].nreg;
  }
  if (!err) {
    ids = rs_malloc(M, (maxtok ? maxtok : 1) * sizeof *ids);
    vals = rs_malloc(M, (maxtok ? maxtok : 1) * sizeof *vals);
    regs = rs_malloc(M, (maxreg ? maxreg : 1) * sizeof *regs);
    if (!ids || !vals || !regs) err = RS_ENOMEM;
  }
  for (d = 0; d < an->ndoc && !err; d++) {
    const rs_adoc *doc = &an->docs[d];
    rs_docspans sp;
    uint32_t first = rs_builder_ntok(B);
    memset(&sp, 0, sizeof sp);
    sp.tokens = 1; /* no structures but the file's: no sentence splitting */
    for (i = 0; i < doc->ntok; i++) ids[i] = wmap[an->wid[doc->tok0 + i]];
    err = rs_builder_add_ids(B, an->text.p ? an->text.p + doc->text0 : "", (size_t)doc->textn,
                             an->toks ? an->toks + doc->tok0 : NULL, doc->ntok, ids, &sp);
    if (err == RS_ELIMIT) snprintf(msg, msglen, "corpus full: an index holds fewer than 2^32 tokens");
    if (err) break;
    for (c = 0; c < an->ncol; c++) {
      for (i = 0; i < doc->ntok; i++) vals[i] = xmap[c][an->cid[c][doc->tok0 + i]];
      rs_builder_xset(B, attr[c], first, vals, doc->ntok);
    }
    if (doc->nreg) memcpy(regs, an->regs + doc->reg0, doc->nreg * sizeof *regs);
    qsort(regs, doc->nreg, sizeof *regs, reg_cmp);
    for (i = 0; i < doc->nreg && !err; i++) {
      const rs_areg *g = &regs[i];
      uint32_t index, k;
      if (g->stop <= g->start || g->stop > doc->ntok) continue;
      err = rs_builder_region(B, lvmap[g->level], first + g->start, first + g->stop, g->attr, &index);
      for (k = 0; k < g->nkv && !err; k++) {
        const rs_akv *kv = &an->kvs[g->kv0 + k];
        char key[RS_MAX_NAME + 1];
        uint32_t v;
        int j;
        if (kv->kn > RS_MAX_NAME) continue;
        memcpy(key, an->strs.p + kv->k, kv->kn);
        key[kv->kn] = 0;
        j = rs_builder_sattr(B, lvmap[g->level], key);
        if (j < 0) {
          snprintf(msg, msglen, "%s", rs_builder_error(B));
          err = j;
          break;
        }
        err = rs_builder_sintern(B, an->strs.p + kv->v, kv->vn, &v);
        if (!err) err = rs_builder_sset(B, j, index, v);
      }
    }
  }
  rs_free(M, wmap, (an->wv.n ? an->wv.n : 1) * sizeof *wmap);
  for (c = 0; c < an->ncol; c++)
    if (xmap[c]) rs_free(M, xmap[c], (an->cv[c].n ? an->cv[c].n : 1) * sizeof(uint32_t));
  rs_free(M, ids, (maxtok ? maxtok : 1) * sizeof *ids);
  rs_free(M, vals, (maxtok ? maxtok : 1) * sizeof *vals);
  rs_free(M, regs, (maxreg ? maxreg : 1) * sizeof *regs);
  return err;
}

/* }====================================================== */
