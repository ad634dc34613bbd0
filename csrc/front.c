/*
** front.c: YAML front matter, read with libyaml's event parser into a
** small tree (see front.h). Every node and string comes from rs_mem;
** libyaml's internal buffers use malloc and are gone when rs_front_parse
** returns.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "front.h"

/* {====================================================== block finding */

/* Is the line at text[i..n) exactly d (3 bytes) followed by optional spaces
** or tabs, an optional CR, then LF or the end of the text? If so, stores in
** *next where the following line starts. */
static int delim_line(const char *t, size_t n, size_t i, const char *d,
                      size_t *next) {
  if (n - i < 3 || memcmp(t + i, d, 3) != 0) return 0;
  i += 3;
  while (i < n && (t[i] == ' ' || t[i] == '\t')) i++;
  if (i < n && t[i] == '\r') i++;
  if (i == n) {
    *next = n;
    return 1;
  }
  if (t[i] != '\n') return 0;
  *next = i + 1;
  return 1;
}

/* }====================================================== */

/* {====================================================== positions */

/* A cursor over the block: libyaml's marks count code points from the start
** of its input (CR and LF one each); rostra reports LF-ended lines and
** columns in code points, counted in the whole text. */
typedef struct pos {
  size_t idx;  /* code points from the block start */
  size_t off;  /* bytes from the block start */
  size_t line, col;
} pos;

typedef struct anchor {
  char *name;
  size_t namelen;
  rs_fm_node *node;
  int owned; /* node belongs to this entry (an anchored key), not the tree */
} anchor;

typedef struct frame {
  rs_fm_node *node; /* the open sequence or mapping */
  rs_fm_node *last; /* its last child so far */
  char *key;        /* mapping: the key awaiting its value, or NULL */
  size_t keylen;
} frame;

typedef struct builder {
  rs_mem *M;
  rs_front *fm;
  const char *blk; /* the block given to libyaml */
  size_t blen;
  size_t line0;    /* line of the text where the block starts */
  pos cur;         /* cursor for node positions (moves forward) */
  rs_fm_node *root;
  frame stack[RS_FRONT_MAX_DEPTH];
  int depth;
  anchor *anchors;
  size_t nanchors, capanchors;
  size_t nodes;       /* nodes allocated (cap RS_FRONT_MAX_NODES) */
  size_t alias_bytes; /* string bytes copied by aliases */
  int docs;
} builder;

static void pos_start(const builder *b, pos *p) {
  p->idx = p->off = 0;
  p->line = b->line0;
  p->col = 1;
}

/* advance p to code point idx (bybytes == 0) or to the character at byte
** offset idx (bybytes == 1) of the block, never past its end */
static void pos_advance(const builder *b, pos *p, size_t idx, int bybytes) {
  const unsigned char *s = (const unsigned char *)b->blk;
  if ((bybytes ? p->off : p->idx) > idx) pos_start(b, p);
  while ((bybytes ? p->off : p->idx) < idx && p->off < b->blen) {
    unsigned c = s[p->off];
    size_t len = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (len > b->blen - p->off) len = 1;
    if (c == '\n') {
      p->line++;
      p->col = 1;
    } else {
      p->col++;
    }
    p->off += len;
    p->idx++;
  }
}

static void mark_pos(builder *b, const yaml_mark_t *m, size_t *line,
                     size_t *col) {
  pos_advance(b, &b->cur, m->index, 0);
  *line = b->cur.line;
  *col = b->cur.col;
}

/* }====================================================== */

/* {====================================================== errors */

/* Messages are short (libyaml's static problem and context strings, alias
** names cut at 64 bytes) and always fit err_msg. */
static int set_err(rs_front *fm, size_t line, size_t col, const char *fmt,
                   ...) {
  va_list ap;
  fm->err_line = line;
  fm->err_col = col;
  va_start(ap, fmt);
  if (vsnprintf(fm->err_msg, sizeof fm->err_msg, fmt, ap) < 0)
    fm->err_msg[0] = '\0';
  va_end(ap);
  return RS_EPARSE;
}

/* an error at libyaml mark m: msg, followed by " *name" when name is not
** NULL (an alias name, cut at 64 bytes on a character boundary) */
static int err_at(builder *b, const yaml_mark_t *m, const char *msg,
                  const yaml_char_t *name) {
  pos p = b->cur;
  size_t len;
  pos_advance(b, &p, m->index, 0);
  if (!name) return set_err(b->fm, p.line, p.col, "%s", msg);
  len = strlen((const char *)name);
  if (len > 64) { /* anchors are ASCII in libyaml, but cut on a character */
    len = 64;
    while (len > 0 && (name[len] & 0xC0) == 0x80) len--;
  }
  return set_err(b->fm, p.line, p.col, "%s *%.*s", msg, (int)len,
                 (const char *)name);
}

/* the error of a failed yaml_parser_parse */
static int yaml_err(builder *b, const yaml_parser_t *y) {
  pos p = b->cur, c = b->cur;
  const char *problem = y->problem ? y->problem : "malformed YAML";
  if (y->error == YAML_MEMORY_ERROR) return RS_ENOMEM;
  if (y->error == YAML_READER_ERROR) {
    pos_advance(b, &p, y->problem_offset, 1);
    if (y->problem_value >= 0)
      return set_err(b->fm, p.line, p.col, "%s (byte 0x%02X)", problem,
                     (unsigned)y->problem_value & 0xFFu);
    return set_err(b->fm, p.line, p.col, "%s", problem);
  }
  pos_advance(b, &p, y->problem_mark.index, 0);
  if (y->context) {
    pos_advance(b, &c, y->context_mark.index, 0);
    return set_err(b->fm, p.line, p.col, "%s (%s at %lu:%lu)", problem,
                   y->context, (unsigned long)c.line, (unsigned long)c.col);
  }
  return set_err(b->fm, p.line, p.col, "%s", problem);
}

/* }====================================================== */

/* {====================================================== nodes */

/* frees node, its following siblings, their children and keys. Recursion
** is bounded by RS_FRONT_MAX_DEPTH; siblings are looped. */
static void free_tree(rs_mem *M, rs_fm_node *node) {
  while (node) {
    rs_fm_node *next = node->next;
    free_tree(M, node->child);
    if (node->str) rs_free(M, node->str, node->len + 1);
    if (node->key) rs_free(M, node->key, node->keylen + 1);
    rs_free(M, node, sizeof *node);
    node = next;
  }
}

static int new_node(builder *b, rs_fm_kind kind, const yaml_mark_t *m,
                    rs_fm_node **out) {
  rs_fm_node *node;
  *out = NULL;
  if (b->nodes >= RS_FRONT_MAX_NODES)
    return err_at(b, m, "front matter too large: more than 10000 values",
                  NULL);
  node = (rs_fm_node *)rs_malloc(b->M, sizeof *node);
  if (!node) return RS_ENOMEM;
  memset(node, 0, sizeof *node);
  node->kind = kind;
  node->type = RS_FMT_STR;
  node->str = NULL;
  node->key = NULL;
  node->child = node->next = NULL;
  mark_pos(b, m, &node->line, &node->col);
  b->nodes++;
  *out = node;
  return RS_OK;
}

static int str_eq(const char *a, size_t alen, const char *s, size_t slen) {
  return alen == slen && (slen == 0 || memcmp(a, s, slen) == 0);
}

/* the YAML 1.2 core-schema type of a plain scalar */
static rs_fm_type classify(const char *s, size_t n) {
  size_t i = 0, d;
  int dot = 0, digits = 0;
  if (n == 0 || str_eq(s, n, "~", 1) || str_eq(s, n, "null", 4) ||
      str_eq(s, n, "Null", 4) || str_eq(s, n, "NULL", 4))
    return RS_FMT_NULL;
  if (str_eq(s, n, "true", 4) || str_eq(s, n, "True", 4) ||
      str_eq(s, n, "TRUE", 4) || str_eq(s, n, "false", 5) ||
      str_eq(s, n, "False", 5) || str_eq(s, n, "FALSE", 5))
    return RS_FMT_BOOL;
  if (n > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
    for (i = 2; i < n; i++) {
      int c = (unsigned char)s[i];
      int ok = s[1] == 'o'
                   ? (c >= '0' && c <= '7')
                   : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                      (c >= 'A' && c <= 'F'));
      if (!ok) return RS_FMT_STR;
    }
    return RS_FMT_INT;
  }
  if (s[0] == '-' || s[0] == '+') i = 1;
  if (str_eq(s + i, n - i, ".inf", 4) || str_eq(s + i, n - i, ".Inf", 4) ||
      str_eq(s + i, n - i, ".INF", 4))
    return RS_FMT_FLOAT;
  if (str_eq(s, n, ".nan", 4) || str_eq(s, n, ".NaN", 4) ||
      str_eq(s, n, ".NAN", 4))
    return RS_FMT_FLOAT;
  for (; i < n; i++) {
    if (s[i] >= '0' && s[i] <= '9') digits++;
    else if (s[i] == '.' && !dot) dot = 1;
    else break;
  }
  if (digits == 0) return RS_FMT_STR;
  if (i == n) return dot ? RS_FMT_FLOAT : RS_FMT_INT;
  if (s[i] != 'e' && s[i] != 'E') return RS_FMT_STR;
  i++;
  if (i < n && (s[i] == '-' || s[i] == '+')) i++;
  for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++) {}
  return (i == n && i > d) ? RS_FMT_FLOAT : RS_FMT_STR;
}

/* a deep copy of src (its own key not copied) for an alias */
static int copy_tree(builder *b, const rs_fm_node *src, const yaml_mark_t *m,
                     rs_fm_node **out) {
  rs_fm_node *d, *c, **tail;
  const rs_fm_node *s;
  int rc;
  *out = NULL;
  if ((rc = new_node(b, src->kind, m, &d)) != RS_OK) return rc;
  d->type = src->type;
  d->plain = src->plain;
  d->line = src->line;
  d->col = src->col;
  if (src->str) {
    if (src->len > RS_FRONT_MAX_ALIAS_BYTES - b->alias_bytes) goto toobig;
    b->alias_bytes += src->len;
    if (!(d->str = rs_strndup(b->M, src->str, src->len))) goto nomem;
    d->len = src->len;
  }
  tail = &d->child;
  for (s = src->child; s; s = s->next) {
    if ((rc = copy_tree(b, s, m, &c)) != RS_OK) {
      free_tree(b->M, d);
      return rc;
    }
    *tail = c;
    tail = &c->next;
    d->n++;
    if (s->key) {
      if (s->keylen > RS_FRONT_MAX_ALIAS_BYTES - b->alias_bytes) goto toobig;
      b->alias_bytes += s->keylen;
      if (!(c->key = rs_strndup(b->M, s->key, s->keylen))) goto nomem;
      c->keylen = s->keylen;
    }
  }
  *out = d;
  return RS_OK;
toobig:
  free_tree(b->M, d);
  return err_at(b, m, "front matter too large: aliases copy more than 1 MiB",
                NULL);
nomem:
  free_tree(b->M, d);
  return RS_ENOMEM;
}

/* keep only the last member of each key, in every mapping of the tree */
static void dedupe(rs_mem *M, rs_fm_node *node) {
  for (; node; node = node->next) {
    if (node->kind == RS_FM_MAP) {
      rs_fm_node **pp = &node->child;
      while (*pp) {
        rs_fm_node *m = *pp, *later;
        for (later = m->next; later; later = later->next)
          if (str_eq(later->key, later->keylen, m->key, m->keylen)) break;
        if (later) { /* shadowed: unlink and free it */
          *pp = m->next;
          m->next = NULL;
          free_tree(M, m);
          node->n--;
        } else {
          pp = &m->next;
        }
      }
    }
    dedupe(M, node->child);
  }
}

static size_t count_tree(const rs_fm_node *node) {
  size_t count = 0;
  for (; node; node = node->next) count += 1 + count_tree(node->child);
  return count;
}

/* }====================================================== */

/* {====================================================== events */

static int is_open(const builder *b, const rs_fm_node *node) {
  int i;
  for (i = 0; i < b->depth; i++)
    if (b->stack[i].node == node) return 1;
  return 0;
}

static int add_anchor(builder *b, const yaml_char_t *name, rs_fm_node *node,
                      int owned) {
  anchor *a;
  size_t len = strlen((const char *)name);
  if (rs_grow(b->M, (void **)&b->anchors, &b->capanchors, b->nanchors + 1,
              sizeof *b->anchors))
    return RS_ENOMEM;
  a = &b->anchors[b->nanchors];
  if (!(a->name = rs_strndup(b->M, (const char *)name, len))) return RS_ENOMEM;
  a->namelen = len;
  a->node = node;
  a->owned = owned;
  b->nanchors++;
  return RS_OK;
}

static const anchor *find_anchor(const builder *b, const yaml_char_t *name) {
  size_t i = b->nanchors, len = strlen((const char *)name);
  while (i-- > 0)
    if (str_eq(b->anchors[i].name, b->anchors[i].namelen, (const char *)name,
               len))
      return &b->anchors[i];
  return NULL;
}

/* does the next node of the innermost mapping play a key? */
static int key_expected(const builder *b) {
  const frame *f;
  if (b->depth == 0) return 0;
  f = &b->stack[b->depth - 1];
  return f->node->kind == RS_FM_MAP && f->key == NULL;
}

/* puts a finished or just-opened node in place; takes ownership of node
** (frees it on error) */
static int attach(builder *b, rs_fm_node *node, const yaml_mark_t *m) {
  frame *f;
  if (b->depth == 0) {
    if (b->root) { /* cannot happen: one document, one root */
      free_tree(b->M, node);
      return err_at(b, m, "front matter must hold a single document", NULL);
    }
    if (node->kind == RS_FM_SCALAR && node->type == RS_FMT_NULL) {
      /* a null document ("~") is an empty block: rs_front_parse makes the
         empty mapping */
      free_tree(b->M, node);
      b->nodes--;
      return RS_OK;
    }
    if (node->kind != RS_FM_MAP) {
      free_tree(b->M, node);
      return set_err(b->fm, 1, 1,
                     "front matter must be a mapping of keys to values");
    }
    b->root = node;
    return RS_OK;
  }
  f = &b->stack[b->depth - 1];
  if (f->node->kind == RS_FM_MAP) {
    node->key = f->key;
    node->keylen = f->keylen;
    f->key = NULL;
    f->keylen = 0;
  }
  if (f->last) f->last->next = node;
  else f->node->child = node;
  f->last = node;
  f->node->n++;
  return RS_OK;
}

static int push(builder *b, rs_fm_node *node, const yaml_mark_t *m) {
  frame *f;
  if (b->depth >= RS_FRONT_MAX_DEPTH)
    return err_at(b, m, "front matter nested too deeply (more than 64 levels)",
                  NULL);
  f = &b->stack[b->depth++];
  f->node = node;
  f->last = NULL;
  f->key = NULL;
  f->keylen = 0;
  return RS_OK;
}

static int set_key(builder *b, const char *s, size_t len) {
  frame *f = &b->stack[b->depth - 1];
  if (!(f->key = rs_strndup(b->M, s, len))) return RS_ENOMEM;
  f->keylen = len;
  return RS_OK;
}

static int on_scalar(builder *b, const yaml_event_t *ev) {
  const char *s = (const char *)ev->data.scalar.value;
  size_t len = ev->data.scalar.length;
  const yaml_char_t *anch = ev->data.scalar.anchor;
  int iskey = key_expected(b), rc;
  rs_fm_node *node;
  if (iskey) {
    if ((rc = set_key(b, s, len)) != RS_OK) return rc;
    if (!anch) return RS_OK;
    /* an anchored key: the anchor keeps a scalar node of its own */
  }
  if ((rc = new_node(b, RS_FM_SCALAR, &ev->start_mark, &node)) != RS_OK)
    return rc;
  node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                ev->data.scalar.plain_implicit;
  node->type = node->plain ? classify(s, len) : RS_FMT_STR;
  if (!(node->str = rs_strndup(b->M, s, len))) {
    free_tree(b->M, node);
    return RS_ENOMEM;
  }
  node->len = len;
  if (iskey) {
    if ((rc = add_anchor(b, anch, node, 1)) != RS_OK) free_tree(b->M, node);
    return rc;
  }
  /* a scalar document is freed by attach, and nothing could refer to it */
  if (b->depth == 0) anch = NULL;
  if ((rc = attach(b, node, &ev->start_mark)) != RS_OK) return rc;
  return anch ? add_anchor(b, anch, node, 0) : RS_OK;
}

static int on_alias(builder *b, const yaml_event_t *ev) {
  const yaml_char_t *name = ev->data.alias.anchor;
  const anchor *a = find_anchor(b, name);
  rs_fm_node *node;
  int rc;
  if (!a) return err_at(b, &ev->start_mark, "unknown alias", name);
  if (is_open(b, a->node))
    return err_at(b, &ev->start_mark, "recursive alias", name);
  if (key_expected(b)) {
    if (a->node->kind != RS_FM_SCALAR)
      return err_at(b, &ev->start_mark, "front matter keys must be scalars",
                    NULL);
    if (a->node->len > RS_FRONT_MAX_ALIAS_BYTES - b->alias_bytes)
      return err_at(b, &ev->start_mark,
                    "front matter too large: aliases copy more than 1 MiB",
                    NULL);
    b->alias_bytes += a->node->len;
    return set_key(b, a->node->str, a->node->len);
  }
  if ((rc = copy_tree(b, a->node, &ev->start_mark, &node)) != RS_OK) return rc;
  mark_pos(b, &ev->start_mark, &node->line, &node->col);
  return attach(b, node, &ev->start_mark);
}

static int on_start(builder *b, const yaml_event_t *ev, rs_fm_kind kind,
                    const yaml_char_t *anch) {
  rs_fm_node *node;
  int rc;
  if (key_expected(b))
    return err_at(b, &ev->start_mark, "front matter keys must be scalars",
                  NULL);
  if ((rc = new_node(b, kind, &ev->start_mark, &node)) != RS_OK) return rc;
  if ((rc = attach(b, node, &ev->start_mark)) != RS_OK) return rc;
  /* from here on node is in the tree, freed with it */
  if ((rc = push(b, node, &ev->start_mark)) != RS_OK) return rc;
  return anch ? add_anchor(b, anch, node, 0) : RS_OK;
}

static int on_event(builder *b, const yaml_event_t *ev) {
  frame *f;
  switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
      if (b->docs++ > 0)
        return err_at(b, &ev->start_mark,
                      "front matter must hold a single YAML document", NULL);
      return RS_OK;
    case YAML_ALIAS_EVENT:
      return on_alias(b, ev);
    case YAML_SCALAR_EVENT:
      return on_scalar(b, ev);
    case YAML_SEQUENCE_START_EVENT:
      return on_start(b, ev, RS_FM_SEQ, ev->data.sequence_start.anchor);
    case YAML_MAPPING_START_EVENT:
      return on_start(b, ev, RS_FM_MAP, ev->data.mapping_start.anchor);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      if (b->depth > 0) {
        f = &b->stack[--b->depth];
        if (f->key) rs_free(b->M, f->key, f->keylen + 1);
        f->key = NULL;
      }
      return RS_OK;
    default:
      return RS_OK;
  }
}

/* }====================================================== */

/* {====================================================== API */

/* frees what the builder holds besides the tree: pending keys, anchors */
static void builder_free(builder *b) {
  size_t i;
  while (b->depth > 0) {
    frame *f = &b->stack[--b->depth];
    if (f->key) rs_free(b->M, f->key, f->keylen + 1);
  }
  for (i = 0; i < b->nanchors; i++) {
    rs_free(b->M, b->anchors[i].name, b->anchors[i].namelen + 1);
    if (b->anchors[i].owned) free_tree(b->M, b->anchors[i].node);
  }
  rs_free(b->M, b->anchors, b->capanchors * sizeof *b->anchors);
  b->anchors = NULL;
  b->nanchors = b->capanchors = 0;
}

static int run_yaml(builder *b) {
  yaml_parser_t y;
  yaml_event_t ev;
  int rc = RS_OK, done = 0;
  if (!yaml_parser_initialize(&y)) return RS_ENOMEM;
  /* libyaml keeps this pointer: the text outlives the parser */
  yaml_parser_set_input_string(&y, (const unsigned char *)b->blk, b->blen);
  yaml_parser_set_encoding(&y, YAML_UTF8_ENCODING);
  while (!done) {
    if (!yaml_parser_parse(&y, &ev)) {
      rc = yaml_err(b, &y);
      break;
    }
    rc = on_event(b, &ev);
    done = ev.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&ev);
    if (rc != RS_OK) break;
  }
  yaml_parser_delete(&y);
  return rc;
}

int rs_front_parse(rs_mem *M, const char *text, size_t n, rs_front *fm,
                   size_t *body) {
  size_t i = 0, bstart, j, next = 0, bend = 0;
  int closed = 0, rc;
  builder b;
  fm->root = NULL;
  fm->nodes = 0;
  fm->err_line = fm->err_col = 0;
  fm->err_msg[0] = '\0';
  if (text == NULL) n = 0;
  if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) i = 3;
  if (!delim_line(text, n, i, "---", &bstart)) {
    *body = 0;
    return RS_OK;
  }
  for (j = bstart; j < n; j = next) {
    const char *nl;
    if (delim_line(text, n, j, "---", &next) ||
        delim_line(text, n, j, "...", &next)) {
      bend = j;
      closed = 1;
      break;
    }
    nl = (const char *)memchr(text + j, '\n', n - j);
    next = nl ? (size_t)(nl - text) + 1 : n;
  }
  if (!closed) return set_err(fm, 1, 1, "front matter block not closed");

  memset(&b, 0, sizeof b);
  b.M = M;
  b.fm = fm;
  b.blk = text + bstart;
  b.blen = bend - bstart;
  b.line0 = 2; /* the opening line is line 1 */
  pos_start(&b, &b.cur);
  rc = run_yaml(&b);
  if (rc == RS_OK && !b.root) { /* no document or a null one: no keys */
    yaml_mark_t m;
    memset(&m, 0, sizeof m);
    rc = new_node(&b, RS_FM_MAP, &m, &b.root);
    if (rc == RS_OK) b.root->line = b.root->col = 1;
  }
  builder_free(&b);
  if (rc != RS_OK) {
    free_tree(M, b.root);
    fm->root = NULL;
    if (rc == RS_ENOMEM) {
      fm->err_line = fm->err_col = 0;
      fm->err_msg[0] = '\0';
    }
    return rc;
  }
  dedupe(M, b.root);
  fm->root = b.root;
  fm->nodes = count_tree(b.root);
  *body = next;
  return RS_OK;
}

void rs_front_free(rs_mem *M, rs_front *fm) {
  free_tree(M, fm->root);
  fm->root = NULL;
  fm->nodes = 0;
}

const rs_fm_node *rs_front_get(const rs_fm_node *map, const char *key,
                               size_t keylen) {
  const rs_fm_node *m;
  if (!map || map->kind != RS_FM_MAP) return NULL;
  for (m = map->child; m; m = m->next)
    if (str_eq(m->key, m->keylen, key, keylen)) return m;
  return NULL;
}

/* }====================================================== */
