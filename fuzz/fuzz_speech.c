/*
** fuzz_speech.c: the transcript parser with its YAML front matter, as
** rostra.parse runs them: the front matter is read, replaced by spaces
** (line breaks kept), and the text parsed into a speech. Checks that every
** span lies inside the text, and that an allocation failure at a point
** picked from the input is reported as RS_ENOMEM with nothing leaked.
*/
#include <stdint.h>
#include <string.h>

#include "front.h"
#include "fuzz_common.h"
#include "speech.h"

static void walk_front(const rs_fm_node *n, size_t depth, size_t *count) {
  const rs_fm_node *k;
  CHECK(depth <= RS_FRONT_MAX_DEPTH + 1);
  (*count)++;
  if (n->kind == RS_FM_SCALAR) {
    CHECK(n->str != NULL && n->str[n->len] == '\0');
    return;
  }
  CHECK(n->kind == RS_FM_SEQ || n->kind == RS_FM_MAP);
  for (k = n->child; k; k = k->next) {
    if (n->kind == RS_FM_MAP) CHECK(k->key != NULL && k->key[k->keylen] == '\0');
    walk_front(k, depth + 1, count);
  }
}

static void check_speech(const rs_speech *sp, size_t n) {
  size_t i;
  for (i = 0; i < RS_META_N; i++)
    if (sp->meta[i]) CHECK(strlen(sp->meta[i]) <= sp->meta_len[i]);
  for (i = 0; i < sp->nsegs; i++) {
    const rs_segment *g = &sp->segs[i];
    CHECK(g->start <= g->stop && g->stop <= n);
  }
  for (i = 0; i < sp->npoints; i++) {
    const rs_point *p = &sp->points[i];
    CHECK(p->first_seg <= p->last_seg && p->last_seg < sp->nsegs);
    CHECK(p->marker_start <= p->marker_stop && p->marker_stop <= n);
    CHECK(p->heading_start <= p->heading_stop && p->heading_stop <= n);
  }
  for (i = 0; i < sp->nsents; i++) {
    const rs_sentence *s = &sp->sents[i];
    CHECK(s->start <= s->stop && s->stop <= n && s->seg < sp->nsegs);
  }
  for (i = 0; i < sp->nquotes; i++) {
    const rs_qspan *q = &sp->quotes[i];
    CHECK(q->start <= q->stop && q->stop <= n && q->seg < sp->nsegs);
    CHECK(q->inner_start <= q->inner_stop && q->inner_stop <= n);
  }
  for (i = 0; i < sp->nboiler; i++) {
    CHECK(sp->boiler[i].start <= sp->boiler[i].stop && sp->boiler[i].stop <= n);
    CHECK(sp->boiler[i].why >= RS_BP_BREADCRUMB && sp->boiler[i].why <= RS_BP_FOOTER);
    if (i > 0) CHECK(sp->boiler[i - 1].start <= sp->boiler[i].start); /* in order */
  }
  CHECK(sp->body_start <= n);
  CHECK(sp->body_stop <= n);
  /* turns cover the segments in order; each segment knows its turn */
  CHECK(sp->nsegs == 0 || sp->nturns >= 1);
  for (i = 0; i < sp->nturns; i++) {
    const rs_turn *t = &sp->turns[i];
    size_t k;
    CHECK(t->first_seg <= t->last_seg && t->last_seg < sp->nsegs);
    CHECK(i == 0 ? t->first_seg == 0 : t->first_seg == sp->turns[i - 1].last_seg + 1);
    CHECK(t->start <= t->stop && t->stop <= n);
    CHECK(t->label_start <= t->label_stop && t->label_stop <= n);
    CHECK(t->speaker >= -1 && t->speaker < (int32_t)sp->nspeakers);
    for (k = t->first_seg; k <= t->last_seg; k++) CHECK(sp->segs[k].turn == i + 1);
  }
  if (sp->nturns) CHECK(sp->turns[sp->nturns - 1].last_seg + 1 == sp->nsegs);
  for (i = 0; i < sp->nspeakers; i++) {
    const rs_speaker *x = &sp->speakers[i];
    CHECK(x->name && strlen(x->name) <= x->name_len); /* NUL bytes may be in it */
    if (x->role) CHECK(strlen(x->role) <= x->role_len);
  }
  CHECK(sp->main_speaker >= -1 && sp->main_speaker < (int32_t)sp->nspeakers);
}

/* the display text of every segment and quotation */
static void texts(const rs_speech *sp, const char *text, size_t n) {
  char *out = malloc(n ? n : 1);
  size_t i;
  for (i = 0; i < sp->nsegs; i++)
    CHECK(rs_speech_text(text, sp->segs[i].start, sp->segs[i].stop, out) <=
          sp->segs[i].stop - sp->segs[i].start);
  for (i = 0; i < sp->nquotes; i++)
    CHECK(rs_speech_text(text, sp->quotes[i].inner_start, sp->quotes[i].inner_stop, out) <=
          sp->quotes[i].inner_stop - sp->quotes[i].inner_start);
  free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rs_mem M = rs_mem_default();
  rs_front fm;
  rs_speech sp;
  size_t body = 0, i;
  char *text;
  unsigned opts = (size & 1) ? RS_SP_NO_HEADER : 0;
  int rc;
  memset(&fm, 0, sizeof fm);
  rc = rs_front_parse(&M, (const char *)data, size, &fm, &body);
  CHECK(rc == RS_OK || rc == RS_EPARSE);
  if (rc == RS_OK) {
    size_t count = 0;
    CHECK(body <= size);
    if (fm.root) {
      CHECK(fm.root->kind == RS_FM_MAP);
      walk_front(fm.root, 1, &count);
      CHECK(count == fm.nodes);
      (void)rs_front_get(fm.root, "speaker", 7);
      (void)rs_front_get(fm.root, "date", 4);
    }
    rs_front_free(&M, &fm);
  } else {
    CHECK(fm.root == NULL && fm.err_msg[0] != '\0');
    CHECK(memchr(fm.err_msg, '\0', sizeof fm.err_msg) != NULL);
    body = 0;
  }
  /* blank the front matter as rostra.parse does */
  text = malloc(size ? size : 1);
  if (size) memcpy(text, data, size);
  for (i = 0; i < body; i++)
    if (text[i] != '\n') text[i] = ' ';
  rc = rs_speech_parse(&M, text, size, opts, &sp);
  CHECK(rc == RS_OK);
  check_speech(&sp, size);
  texts(&sp, text, size);
  rs_speech_free(&M, &sp);
  /* a site's rules: lines picked from the input as header, footer and labels */
  {
    rs_hint hints[6];
    unsigned long hsh = fuzz_hash(data, size);
    size_t nh = 0, line = 1;
    for (i = 0; i < 6; i++) {
      line += (hsh >> (4 * i)) & 7;
      hints[nh].line = (uint32_t)line;
      hints[nh].what = (uint8_t)(1 + (hsh >> (3 * i + 1)) % 3);
      hints[nh].why = (uint8_t)((hsh >> i) % 10);
      hints[nh].len = (uint32_t)(1 + (hsh >> (2 * i)) % 12);
      hints[nh].name = "Speaker";
      hints[nh].name_len = 7;
      nh++;
    }
    rc = rs_speech_parse_hints(&M, text, size, opts, hints, nh, &sp);
    CHECK(rc == RS_OK);
    check_speech(&sp, size);
    texts(&sp, text, size);
    rs_speech_free(&M, &sp);
  }
  /* the k-th allocation fails: RS_ENOMEM, nothing left behind */
  {
    fmem F;
    rs_mem FM = fmem_hook(&F, 0);
    long total;
    rc = rs_speech_parse(&FM, text, size, opts, &sp);
    CHECK(rc == RS_OK);
    rs_speech_free(&FM, &sp);
    CHECK(F.live == 0);
    total = F.count;
    if (total > 0) {
      FM = fmem_hook(&F, 1 + (long)(fuzz_hash(data, size) % (unsigned long)total));
      rc = rs_speech_parse(&FM, text, size, opts, &sp);
      CHECK(rc == RS_ENOMEM);
      rs_speech_free(&FM, &sp);
      CHECK(F.live == 0);
    }
  }
  free(text);
  return 0;
}
