/* Unit tests of the annotated readers (annot.c), the builder's extra
** attributes and structures (index.c), the matcher's tests on them
** (match.c) and the document-feature matrix (dfm.c), from C alone. The
** expected values are worked out by hand in the comments. */
#include <stdlib.h>
#include <string.h>

#include "annot.h"
#include "check.h"
#include "dfm.h"
#include "loader.h"
#include "match.h"

/* two sentences, a multi-word token (2-3 al = a + el), an empty node */
static const char CONLLU[] =
  "# newdoc id = d1\n"
  "# year = 2020\n"
  "# sent_id = s1\n"
  "# text = Vamos al mar.\n"
  "1\tVamos\tir\tVERB\t_\t_\t0\troot\t_\t_\n"
  "2-3\tal\t_\t_\t_\t_\t_\t_\t_\t_\n"
  "2\ta\ta\tADP\t_\t_\t4\tcase\t_\t_\n"
  "3\tel\tel\tDET\t_\t_\t4\tdet\t_\t_\n"
  "4\tmar\tmar\tNOUN\t_\t_\t1\tobl\t_\tSpaceAfter=No\n"
  "4.1\tva\tir\tVERB\t_\t_\t_\t_\t_\t_\n"
  "5\t.\t.\tPUNCT\t_\t_\t1\tpunct\t_\t_\n"
  "\n"
  "1\tMar\tmar\tNOUN\t_\t_\t0\troot\t_\tSpaceAfter=No\n"
  "2\t!\t!\tPUNCT\t_\t_\t1\tpunct\t_\t_\n";

static const char *col_value(const rs_annot *an, int c, size_t tok) {
  static char buf[64];
  rs_strtab t = rs_vocab_view(&an->cv[c]);
  size_t l;
  const char *s = rs_strtab_get(&t, an->cid[c][tok], &l);
  snprintf(buf, sizeof buf, "%.*s", (int)l, s);
  return buf;
}

static void test_conllu_read(void) {
  rs_mem M = rs_mem_default();
  rs_annot an;
  int rc;
  memset(&an, 0, sizeof an);
  rc = rs_annot_read(&M, &an, RS_AN_CONLLU, CONLLU, sizeof CONLLU - 1, "t.conllu", NULL, 0);
  CHECK_EQ_INT(rc, RS_OK);
  /* tokens: Vamos al mar . Mar ! (the multi-word token is one, 4.1 none) */
  CHECK_EQ_INT(an.ntok, 6);
  CHECK_EQ_INT(an.ndoc, 1);
  CHECK_EQ_INT(an.ncol, 5);
  CHECK_EQ_STR(an.colname[1], "upos");
  CHECK_EQ_STR(col_value(&an, 1, 1), "ADP+DET");
  CHECK_EQ_STR(col_value(&an, 0, 1), "a+el");
  CHECK_EQ_STR(col_value(&an, 4, 1), "case+det");
  CHECK_EQ_STR(col_value(&an, 1, 4), "NOUN");
  /* the text: # text for the first sentence, the forms for the second */
  CHECK_EQ_INT(an.text.n, strlen("Vamos al mar. Mar!"));
  CHECK(memcmp(an.text.p, "Vamos al mar. Mar!", an.text.n) == 0);
  CHECK_EQ_INT(an.toks[2].start, 9);  /* mar */
  CHECK_EQ_INT(an.toks[3].start, 12); /* . */
  /* regions: one segment [0,6), sentences [0,4) [4,6) */
  CHECK_EQ_INT(an.nreg, 3);
  CHECK_EQ_INT(an.docs[0].nkv, 1); /* year */
  rs_annot_free(&M, &an);
}

static void test_conllu_errors(void) {
  rs_mem M = rs_mem_default();
  rs_annot an;
  static const char cols[] = "1\tA\ta\tX\n";
  static const char ids[] = "1\tA\ta\tX\t_\t_\t0\troot\t_\t_\n2.x\tB\tb\tX\t_\t_\t1\tdep\t_\t_\n";
  static const char many[] =
    "1\tA\ta\tX\t_\t_\t0\troot\t_\t_\n2\tB\tb\tX\t_\t_\t1\tdep\t_\t_\n3\tC\tc\tX\t_\t_\t1\tdep\t_\t_\n";
  memset(&an, 0, sizeof an);
  CHECK_EQ_INT(rs_annot_read(&M, &an, RS_AN_CONLLU, cols, sizeof cols - 1, "a", NULL, 0), RS_EPARSE);
  CHECK_EQ_STR(an.err, "a:1: 4 tab-separated fields, a CoNLL-U line has 10");
  rs_annot_free(&M, &an);
  CHECK_EQ_INT(rs_annot_read(&M, &an, RS_AN_CONLLU, ids, sizeof ids - 1, "b", NULL, 0), RS_EPARSE);
  CHECK_EQ_STR(an.err, "b:2: bad ID '2.x' (an integer, a range 1-2 or an empty node 1.1)");
  rs_annot_free(&M, &an);
  an.xlimit = 2; /* a, b, then c is one too many lemmas */
  CHECK_EQ_INT(rs_annot_read(&M, &an, RS_AN_CONLLU, many, sizeof many - 1, "c", NULL, 0), RS_ELIMIT);
  CHECK_EQ_STR(an.err, "c:3: column 'lemma' has more than 2 distinct values (the limit of an attribute)");
  rs_annot_free(&M, &an);
}

static void test_vrt_read(void) {
  rs_mem M = rs_mem_default();
  rs_annot an;
  static const char vrt[] =
    "<!-- #vrt positional-attributes: word pos -->\n"
    "<text id=\"t\">\n<turn who=\"A\">\n<s>\nWe\tPRP\n&amp;\tCC\n</s>\n</turn>\n</text>\n";
  static const char open[] = "<text>\n<s>\nWe\n</text>\n";
  memset(&an, 0, sizeof an);
  CHECK_EQ_INT(rs_annot_read(&M, &an, RS_AN_VRT, vrt, sizeof vrt - 1, "v", NULL, 0), RS_OK);
  CHECK_EQ_INT(an.ntok, 2);
  CHECK_EQ_INT(an.ncol, 1);
  CHECK(memcmp(an.text.p, "We &", 4) == 0);
  CHECK_EQ_INT(an.nreg, 2); /* s and turn */
  rs_annot_free(&M, &an);
  CHECK_EQ_INT(rs_annot_read(&M, &an, RS_AN_VRT, open, sizeof open - 1, "w", NULL, 0), RS_EPARSE);
  CHECK_EQ_STR(an.err, "w:2: <s> is not closed before </text>");
  rs_annot_free(&M, &an);
}

/* the annotated file in a builder: the matcher and the DFM over upos */
static void test_builder_and_matcher(void) {
  rs_mem M = rs_mem_default();
  rs_annot an;
  rs_builder *B = rs_builder_new(&M);
  rs_index ix;
  char msg[200];
  int a, rc;
  memset(&an, 0, sizeof an);
  CHECK_EQ_INT(rs_annot_read(&M, &an, RS_AN_CONLLU, CONLLU, sizeof CONLLU - 1, "t", NULL, 0), RS_OK);
  CHECK_EQ_INT(rs_builder_add_annot(B, &an, "spanish", msg, sizeof msg), RS_OK);
  CHECK_EQ_INT(rs_builder_finish(B, &ix), RS_OK);
  CHECK_EQ_INT(ix.nattr, 8);
  a = rs_attr_find(&ix, "upos");
  CHECK_EQ_INT(a, 4);
  {
    /* [upos = "NOUN"]: mar, Mar = 2; [upos = "NOUN" & word = "Mar"]: 1 */
    rs_query *Q = rs_query_new(&M, &ix);
    int s1 = rs_qset_new_attr(Q, a), s2 = rs_qset_new(Q), root, tok;
    size_t count = 0;
    rs_qset_literal(Q, s1, a, "NOUN", 4, 0);
    rs_qset_literal(Q, s2, RS_ATTR_WORD, "Mar", 3, 0);
    tok = rs_qnode_tok(Q, s1);
    root = rs_qnode(Q, RS_QN_SEQ, &tok, 1);
    CHECK_EQ_INT(rs_query_compile(Q, root, -1), RS_OK);
    CHECK_EQ_INT(rs_query_run(Q, NULL, NULL, 0, &count), RS_OK);
    CHECK_EQ_INT(count, 2);
    rs_query_free(Q);
    Q = rs_query_new(&M, &ix);
    s1 = rs_qset_new_attr(Q, a);
    s2 = rs_qset_new(Q);
    rs_qset_literal(Q, s1, a, "NOUN", 4, 0);
    rs_qset_literal(Q, s2, RS_ATTR_WORD, "Mar", 3, 0);
    CHECK_EQ_INT(rs_qset_and(Q, s1, s2), RS_OK);
    tok = rs_qnode_tok(Q, s1);
    root = rs_qnode(Q, RS_QN_SEQ, &tok, 1);
    CHECK_EQ_INT(rs_query_compile(Q, root, -1), RS_OK);
    CHECK_EQ_INT(rs_query_run(Q, NULL, NULL, 0, &count), RS_OK);
    CHECK_EQ_INT(count, 1);
    rs_query_free(Q);
  }
  {
    /* the DFM of upos: one row; VERB 1, ADP+DET 1, NOUN 2, PUNCT 2 */
    uint32_t row = 0;
    rs_dfm_opts o;
    rs_dfm d;
    memset(&o, 0, sizeof o);
    o.attr = a;
    o.row_of = &row;
    o.nrows = 1;
    rc = rs_dfm_build(&M, &ix, &o, &d);
    CHECK_EQ_INT(rc, RS_OK);
    CHECK_EQ_INT(d.ncols, 4);
    CHECK_EQ_INT(d.nnz, 4);
    CHECK_EQ_INT(d.fcount[0], 2); /* NOUN, then PUNCT: count, then byte order */
    rs_dfm_free(&M, &d);
  }
  rs_builder_free(B);
  rs_annot_free(&M, &an);
}

static void test_builder_limits(void) {
  rs_mem M = rs_mem_default();
  rs_builder *B = rs_builder_new(&M);
  uint32_t id;
  int a;
  CHECK_EQ_INT(rs_builder_xattr(B, "lower"), RS_EINVAL);
  CHECK_EQ_STR(rs_builder_error(B), "attribute 'lower' clashes with a built-in one (word, lower, stem)");
  a = rs_builder_xattr(B, "lemma");
  CHECK_EQ_INT(a, RS_NATTR);
  rs_builder_set_xlimit(B, 3); /* __UNDEF__ is the first */
  CHECK_EQ_INT(rs_builder_xintern(B, a, "x", 1, &id), RS_OK);
  CHECK_EQ_INT(rs_builder_xintern(B, a, "y", 1, &id), RS_OK);
  CHECK_EQ_INT(rs_builder_xintern(B, a, "z", 1, &id), RS_ELIMIT);
  CHECK_EQ_STR(rs_builder_error(B), "attribute 'lemma' has more than 3 distinct values (the limit of an attribute)");
  rs_builder_free(B);
}

/* the value of structure attribute j of region i, or "" */
static const char *sval(const rs_index *ix, int j, uint32_t i) {
  static char buf[64];
  uint32_t v = ix->sattr[j].val[i];
  size_t l;
  const char *s;
  if (v == RS_NOVAL) return "";
  s = rs_strtab_get(&ix->svals, v, &l);
  snprintf(buf, sizeof buf, "%.*s", (int)l, s);
  return buf;
}

/* a parsed transcript's turns become regions of the structure turn with
** speaker and role; a speech without labels, one turn of its speaker */
static void test_ingest_turns(void) {
  static const char T[] = "THE PRESIDENT: Taxes fall.\n\nQ Why?\n\nTHE PRESIDENT: Growth.\n";
  static const char U[] = "Statement by H.E. Mr. Ivo Marten, Prime Minister of Veloria\n\n"
                          "We support the Charter.\n";
  const char *texts[2] = {T, U};
  size_t lens[2] = {sizeof T - 1, sizeof U - 1};
  rs_mem M = rs_mem_default();
  rs_builder *B = rs_builder_new(&M);
  rs_index ix;
  int k, lv, js, jr;
  for (k = 0; k < 2; k++) {
    rs_loaded r;
    memset(&r, 0, sizeof r);
    r.text = rs_malloc(&M, lens[k]);
    r.cap = r.n = lens[k];
    memcpy(r.text, texts[k], lens[k]);
    CHECK_EQ_INT(rs_ingest(&M, &r, "t", 0), RS_OK);
    CHECK_EQ_INT(rs_builder_add_loaded(B, &r, "english"), RS_OK);
    rs_loaded_free(&M, &r);
  }
  CHECK_EQ_INT(rs_builder_finish(B, &ix), RS_OK);
  lv = rs_level_find(&ix, "turn");
  CHECK(lv >= RS_LV_X0);
  js = rs_sattr_find(&ix, lv, "speaker");
  jr = rs_sattr_find(&ix, lv, "role");
  CHECK(js >= 0 && jr >= 0);
  /* Taxes fall . | Why ? | Growth . || We support the Charter . */
  CHECK_EQ_INT(ix.nlv[lv], 4);
  CHECK_EQ_INT(ix.lv[lv][0].start, 0);
  CHECK_EQ_INT(ix.lv[lv][0].stop, 3);
  CHECK_EQ_INT(ix.lv[lv][1].start, 3);
  CHECK_EQ_INT(ix.lv[lv][1].stop, 5);
  CHECK_EQ_INT(ix.lv[lv][2].start, 5);
  CHECK_EQ_INT(ix.lv[lv][2].stop, 7);
  CHECK_EQ_INT(ix.lv[lv][3].start, 7);
  CHECK_EQ_INT(ix.lv[lv][3].stop, 12);
  CHECK_EQ_INT(ix.lv[lv][2].attr, 3); /* the turn's number in its speech */
  CHECK_EQ_STR(sval(&ix, js, 0), "The President");
  CHECK_EQ_STR(sval(&ix, jr, 0), "President");
  CHECK_EQ_STR(sval(&ix, js, 1), "Q");
  CHECK_EQ_STR(sval(&ix, jr, 1), ""); /* a question has no role */
  CHECK_EQ_STR(sval(&ix, js, 2), "The President");
  CHECK_EQ_STR(sval(&ix, js, 3), "Ivo Marten");
  CHECK_EQ_STR(sval(&ix, jr, 3), "Prime Minister of Veloria");
  rs_builder_free(B);
}

int main(void) {
  RUN(test_conllu_read);
  RUN(test_conllu_errors);
  RUN(test_vrt_read);
  RUN(test_builder_and_matcher);
  RUN(test_builder_limits);
  RUN(test_ingest_turns);
  CHECK_DONE();
}
