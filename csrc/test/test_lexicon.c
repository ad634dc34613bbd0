/* test_lexicon.c: unit tests of the lexicon readers (lexicon.c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lexicon.h"

/* {====================================================== test allocator */

#include "talloc.h" /* the counting, failing test allocator */

/* }====================================================== */

/* {====================================================== helpers */

static talloc TA;
static rs_mem TM;
static rs_lexicon LX;

static int rd(const char *s, int format) {
  memset(&TA, 0, sizeof TA);
  TM.f = t_alloc;
  TM.ud = &TA;
  return rs_lexicon_read(&TM, s, strlen(s), format, &LX);
}

/* frees LX and checks that nothing leaked and every size was exact */
static void done(void) {
  rs_lexicon_free(&TM, &LX);
  CHECK(LX.cats == NULL && LX.entries == NULL && LX.warns == NULL);
  CHECK_EQ_INT(TA.outstanding, 0);
  CHECK_EQ_INT(TA.bad_sizes, 0);
}

/* the entry i as "category|pattern|weight|flags" (flags: g p x) */
static const char *ent(size_t i) {
  static char buf[512];
  const rs_lexentry *e;
  if (i >= LX.nentry) return "(none)";
  e = &LX.entries[i];
  snprintf(buf, sizeof buf, "%s|%s|%g|%s%s%s",
           e->cat == RS_LEX_NONE ? "*" : LX.cats[e->cat].name, e->pattern, e->weight,
           e->glob ? "g" : "", e->phrase ? "p" : "", e->exclude ? "x" : "");
  return buf;
}

static const char *cat(size_t i) {
  static char buf[512];
  const rs_lexcat *c;
  if (i >= LX.ncat) return "(none)";
  c = &LX.cats[i];
  snprintf(buf, sizeof buf, "%s<%s>%d:%s", c->name, c->name + c->leaf, c->depth,
           c->parent == RS_LEX_NONE ? "-" : LX.cats[c->parent].name);
  return buf;
}

static const char *warn(size_t i) {
  static char buf[512];
  if (i >= LX.nwarn) return "(none)";
  snprintf(buf, sizeof buf, "%lu:%lu: %s", (unsigned long)LX.warns[i].line,
           (unsigned long)LX.warns[i].col, LX.warns[i].msg);
  return buf;
}

static const char *err(void) {
  static char buf[512];
  snprintf(buf, sizeof buf, "%lu:%lu: %s", (unsigned long)LX.err_line,
           (unsigned long)LX.err_col, LX.err_msg);
  return buf;
}

/* expects text to fail with RS_EPARSE and the message "line:col: msg" */
static void bad(const char *text, int format, const char *expect) {
  int rc = rd(text, format);
  CHECK_EQ_INT(rc, RS_EPARSE);
  CHECK_EQ_STR(err(), expect);
  CHECK_EQ_INT(LX.ncat + LX.nentry + LX.nwarn + LX.nrule, 0);
  done();
}

/* }====================================================== */

/* {====================================================== YAML */

static void test_yaml_basic(void) {
  const char *y =
      "health:\n"
      "  - health\n"
      "  - Pandemic*\n"
      "  - public   health\n"
      "economy:\n"
      "  taxation:\n"
      "    - tax*\n"
      "  trade: [trade, \"free trade\"]\n";
  CHECK_EQ_INT(rd(y, RS_LEX_YAML), RS_OK);
  CHECK_EQ_INT(LX.ncat, 4);
  CHECK_EQ_STR(cat(0), "health<health>0:-");
  CHECK_EQ_STR(cat(1), "economy<economy>0:-");
  CHECK_EQ_STR(cat(2), "economy.taxation<taxation>1:economy");
  CHECK_EQ_STR(cat(3), "economy.trade<trade>1:economy");
  CHECK_EQ_INT(LX.nentry, 6);
  CHECK_EQ_STR(ent(0), "health|health|1|");
  CHECK_EQ_STR(ent(1), "health|Pandemic*|1|g");
  CHECK_EQ_STR(ent(2), "health|public health|1|p");
  CHECK_EQ_STR(ent(3), "economy.taxation|tax*|1|g");
  CHECK_EQ_STR(ent(4), "economy.trade|trade|1|");
  CHECK_EQ_STR(ent(5), "economy.trade|free trade|1|p");
  CHECK_EQ_INT(LX.entries[2].line, 4);
  CHECK_EQ_INT(LX.entries[2].col, 5);
  CHECK_EQ_INT(LX.entries[5].line, 8);
  CHECK_EQ_INT(LX.entries[5].col, 18);
  CHECK_EQ_INT(LX.cats[2].line, 6);
  CHECK_EQ_INT(LX.cats[2].col, 3);
  CHECK_EQ_INT(LX.nwarn, 0);
  done();
}

static void test_yaml_weights_exclude(void) {
  const char *y =
      "security:\n"
      "  - security\n"
      "  - secur*: 0.5\n"
      "  - exclude: [social security, securities]\n"
      "  - cyber:\n"
      "      - cyber*\n"
      "economy:\n"
      "  growth: 2\n"
      "  taxes: [tax*]\n"
      "  exclude: taxi*\n"
      "exclude:\n"
      "  - west bank\n";
  CHECK_EQ_INT(rd(y, RS_LEX_YAML), RS_OK);
  CHECK_EQ_INT(LX.ncat, 4);
  CHECK_EQ_STR(cat(1), "security.cyber<cyber>1:security");
  CHECK_EQ_STR(cat(3), "economy.taxes<taxes>1:economy");
  CHECK_EQ_INT(LX.nentry, 9);
  CHECK_EQ_STR(ent(0), "security|security|1|");
  CHECK_EQ_STR(ent(1), "security|secur*|0.5|g");
  CHECK_EQ_STR(ent(2), "security|social security|1|px");
  CHECK_EQ_STR(ent(3), "security|securities|1|x");
  CHECK_EQ_STR(ent(4), "security.cyber|cyber*|1|g");
  CHECK_EQ_STR(ent(5), "economy|growth|2|");
  CHECK_EQ_STR(ent(6), "economy.taxes|tax*|1|g");
  CHECK_EQ_STR(ent(7), "economy|taxi*|1|gx");
  CHECK_EQ_STR(ent(8), "*|west bank|1|px");
  CHECK(LX.entries[8].cat == RS_LEX_NONE);
  CHECK_EQ_INT(LX.nwarn, 0);
  done();
}

static void test_yaml_scalars(void) {
  /* a scalar value is a category of one pattern; numbers as patterns at
  ** the top level; quoted numbers are patterns, not weights */
  CHECK_EQ_INT(rd("a: one\nb: 911\nc:\n  - x: \"2\"\n  - y: -1.5e1\n", RS_LEX_YAML), RS_OK);
  CHECK_EQ_INT(LX.ncat, 4);
  CHECK_EQ_STR(ent(0), "a|one|1|");
  CHECK_EQ_STR(ent(1), "b|911|1|");
  CHECK_EQ_STR(ent(2), "c.x|2|1|");
  CHECK_EQ_STR(ent(3), "c|y|-15|");
  done();
}

static void test_yaml_warnings(void) {
  CHECK_EQ_INT(rd("a: [x]\nb:\nc: []\nd:\n  e: {}\n", RS_LEX_YAML), RS_OK);
  CHECK_EQ_INT(LX.nwarn, 4);
  CHECK_EQ_STR(warn(0), "2:1: category 'b' has no patterns");
  CHECK_EQ_STR(warn(1), "3:1: category 'c' has no patterns");
  CHECK_EQ_STR(warn(2), "4:1: category 'd' has no patterns");
  CHECK_EQ_STR(warn(3), "5:3: category 'd.e' has no patterns");
  done();
  /* a parent whose patterns are all in its children is not empty */
  CHECK_EQ_INT(rd("a:\n  b: [x]\n", RS_LEX_YAML), RS_OK);
  CHECK_EQ_INT(LX.nwarn, 0);
  done();
  /* repeated pattern in one category: kept once, warned */
  CHECK_EQ_INT(rd("a: [x, y, \"x\"]\nb: [x]\n", RS_LEX_YAML), RS_OK);
  CHECK_EQ_INT(LX.nentry, 3);
  CHECK_EQ_INT(LX.nwarn, 1);
  CHECK_EQ_STR(warn(0), "1:11: duplicate pattern 'x' in category 'a' (first at line 1); ignored");
  done();
  /* an empty document */
  CHECK_EQ_INT(rd("", RS_LEX_YAML), RS_OK);
  CHECK_EQ_INT(LX.ncat, 0);
  CHECK_EQ_STR(warn(0), "1:1: the lexicon has no categories");
  done();
  CHECK_EQ_INT(rd("# nothing\n~\n", RS_LEX_YAML), RS_OK);
  CHECK_EQ_INT(LX.nwarn, 1);
  done();
}

static void test_yaml_errors(void) {
  bad("health:\n  - health\n - pandemic\n", RS_LEX_YAML,
      "3:2: did not find expected key (while parsing a block mapping at 1:1)");
  bad("a: [x, y\nb: [z]\n", RS_LEX_YAML,
      "2:2: did not find expected ',' or ']' (while parsing a flow sequence at 1:4)");
  bad("- x\n- y\n", RS_LEX_YAML, "1:1: a lexicon must be a mapping of categories to patterns");
  bad("a: &p [x]\nb: *p\n", RS_LEX_YAML, "2:4: aliases (*p) are not supported in a lexicon");
  bad("a: [x, [y]]\n", RS_LEX_YAML,
      "1:8: a list inside a list of patterns (write sub-categories as a mapping)");
  bad("a: [x]\nb: [y]\na: [z]\n", RS_LEX_YAML, "3:1: duplicate category 'a' (first at line 1)");
  bad("a:\n  b: [x]\n  b: [y]\n", RS_LEX_YAML,
      "3:3: duplicate category 'a.b' (first at line 2)");
  bad("a:\n  - x: .inf\n", RS_LEX_YAML, "2:8: weight of 'x' must be a finite decimal number");
  bad("a:\n  - x\n  -\n", RS_LEX_YAML, "3:4: empty pattern");
  bad("a: [x, '  ']\n", RS_LEX_YAML, "1:8: empty pattern");
  bad("a: ['**']\n", RS_LEX_YAML, "1:5: pattern '**' would match every word");
  bad("a: [\"x\\u0001y\"]\n", RS_LEX_YAML, "1:5: control character U+0001 in pattern");
  bad("? [a, b]\n: [x]\n", RS_LEX_YAML, "1:3: keys must be category names or patterns");
  bad("~: [x]\n", RS_LEX_YAML, "1:1: empty category name");
  bad("a: {exclude: {b: c}}\n", RS_LEX_YAML, "1:14: exclude: must be a list of patterns");
  bad("a: [x]\n---\nb: [y]\n", RS_LEX_YAML, "2:1: a lexicon must be a single YAML document");
  /* invalid UTF-8: position of the first bad byte, in every format */
  bad("a: [x]\nb: [\xC3\xA9t\xE9]\n", RS_LEX_YAML,
      "2:7: invalid UTF-8 (byte 0xE9): the lexicon must be UTF-8");
}

/* the rule of entry i of LX.rules as "category|key|value@line:col" */
static const char *rule(size_t i) {
  static char buf[512];
  static const char *const keys[] = {"?", "min_count", "min_share", "min_score",
                                     "min_dominance"};
  const rs_lexrule *r;
  if (i >= LX.nrule) return "(none)";
  r = &LX.rules[i];
  snprintf(buf, sizeof buf, "%s|%s|%g@%lu:%lu", r->cat == RS_LEX_NONE ? "*" : LX.cats[r->cat].name,
           keys[r->key], r->value, (unsigned long)r->line, (unsigned long)r->col);
  return buf;
}

static void test_yaml_rules(void) {
  const char *y =
      "_rule: {min_count: 2}\n"
      "health:\n"
      "  - health\n"
      "  - _rule: {min_count: 1, min_share: 0.05}\n"
      "economy:\n"
      "  _rule:\n"
      "    min_score: -1.5e0\n"
      "    min_dominance: 0.25\n"
      "  tax: [tax*]\n"
      "  trade:\n"
      "    - trade\n"
      "    - _rule: ~\n"
      "_rule_of_law: [rule of law]\n";
  CHECK_EQ_INT(rd(y, RS_LEX_YAML), RS_OK);
  CHECK_EQ_INT(LX.ncat, 5); /* _rule is not a category; _rule_of_law is */
  CHECK_EQ_STR(cat(4), "_rule_of_law<_rule_of_law>0:-");
  CHECK_EQ_INT(LX.nentry, 4);
  CHECK_EQ_INT(LX.nrule, 5);
  CHECK_EQ_STR(rule(0), "*|min_count|2@1:9");
  CHECK_EQ_STR(rule(1), "health|min_count|1@4:13");
  CHECK_EQ_STR(rule(2), "health|min_share|0.05@4:27");
  CHECK_EQ_STR(rule(3), "economy|min_score|-1.5@7:5");
  CHECK_EQ_STR(rule(4), "economy|min_dominance|0.25@8:5");
  CHECK_EQ_INT(LX.nwarn, 0);
  done();
  bad("_rule: 2\n", RS_LEX_YAML,
      "1:8: _rule: must be a mapping such as {min_count: 2} (keys: min_count, min_share, "
      "min_score, min_dominance)");
  bad("a: [x]\n_rule: [min_count]\n", RS_LEX_YAML,
      "2:8: _rule: must be a mapping such as {min_count: 2} (keys: min_count, min_share, "
      "min_score, min_dominance)");
  bad("a:\n  - x\n  - _rule: {min_cout: 2}\n", RS_LEX_YAML,
      "3:13: unknown key 'min_cout' in _rule (valid: min_count, min_share, min_score, "
      "min_dominance)");
  bad("_rule: {min_count: 1.5}\n", RS_LEX_YAML, "1:20: _rule: min_count must be a whole number >= 1");
  bad("_rule: {min_count: 0}\n", RS_LEX_YAML, "1:20: _rule: min_count must be a whole number >= 1");
  bad("_rule: {min_share: 1.01}\n", RS_LEX_YAML, "1:20: _rule: min_share must be a number from 0 to 1");
  bad("_rule: {min_share: -0.1}\n", RS_LEX_YAML, "1:20: _rule: min_share must be a number from 0 to 1");
  bad("_rule: {min_dominance: 1.5}\n", RS_LEX_YAML,
      "1:24: _rule: min_dominance must be a number from 0 to 1");
  bad("_rule: {min_dominance: -0.2}\n", RS_LEX_YAML,
      "1:24: _rule: min_dominance must be a number from 0 to 1");
  bad("_rule: {min_dominance: x}\n", RS_LEX_YAML, "1:24: _rule: min_dominance must be a number");
  bad("_rule: {min_score: \"2\"}\n", RS_LEX_YAML, "1:20: _rule: min_score must be a number");
  bad("_rule: {min_score: .inf}\n", RS_LEX_YAML, "1:20: _rule: min_score must be a number");
  bad("_rule: {min_score: {a: 1}}\n", RS_LEX_YAML, "1:20: _rule: min_score must be a number");
  bad("_rule: {[a]: 1}\n", RS_LEX_YAML, "1:9: _rule: keys must be min_count, min_share, min_score or "
      "min_dominance");
  bad("a:\n  _rule: {min_count: 2}\n  b: [x]\n  _rule: {min_count: 3}\n", RS_LEX_YAML,
      "4:11: _rule: min_count given twice (first at line 2)");
}

static void test_yaml_depth(void) {
  char y[4096];
  size_t n = 0;
  int i;
  for (i = 0; i < RS_LEX_MAX_DEPTH; i++) n += (size_t)sprintf(y + n, "k%d: {", i);
  n += (size_t)sprintf(y + n, "z: [x]");
  for (i = 0; i < RS_LEX_MAX_DEPTH; i++) y[n++] = '}';
  y[n] = '\0';
  CHECK_EQ_INT(rd(y, RS_LEX_YAML), RS_EPARSE);
  CHECK(strstr(LX.err_msg, "nested too deeply") != NULL);
  done();
  /* one level less is fine */
  n = 0;
  for (i = 0; i < RS_LEX_MAX_DEPTH - 1; i++) n += (size_t)sprintf(y + n, "k%d: {", i);
  n += (size_t)sprintf(y + n, "z: [x]");
  for (i = 0; i < RS_LEX_MAX_DEPTH - 1; i++) y[n++] = '}';
  y[n] = '\0';
  CHECK_EQ_INT(rd(y, RS_LEX_YAML), RS_OK);
  CHECK_EQ_INT(LX.cats[LX.ncat - 1].depth, RS_LEX_MAX_DEPTH - 1);
  done();
}

/* }====================================================== */

/* {====================================================== text-level */

static void test_bom_crlf_columns(void) {
  /* a BOM is skipped and not counted; CRLF lines; columns in code points */
  CHECK_EQ_INT(rd("\xEF\xBB\xBF" "a:\r\n  - x\r\n\xC3\xA9t\xC3\xA9: [y, '**']\r\n", RS_LEX_YAML),
               RS_EPARSE);
  CHECK_EQ_STR(err(), "3:10: pattern '**' would match every word");
  done();
  CHECK_EQ_INT(rd("\xEF\xBB\xBF+\xC3\xA9t\xC3\xA9\r\n  caf\xC3\xA9   cr\xC3\xA8me \r\n", RS_LEX_LEXICODER),
               RS_OK);
  CHECK_EQ_STR(cat(0), "\xC3\xA9t\xC3\xA9<\xC3\xA9t\xC3\xA9>0:-");
  CHECK_EQ_STR(ent(0), "\xC3\xA9t\xC3\xA9|caf\xC3\xA9 cr\xC3\xA8me|1|p");
  CHECK_EQ_INT(LX.entries[0].col, 3);
  CHECK_EQ_INT(LX.cats[0].line, 1);
  CHECK_EQ_INT(LX.cats[0].col, 1);
  done();
}

static void test_binary_and_limits(void) {
  static const char nul[] = "a: [x]\nb: [y\0z]\n";
  int rc;
  memset(&TA, 0, sizeof TA);
  TM.f = t_alloc;
  TM.ud = &TA;
  rc = rs_lexicon_read(&TM, nul, sizeof nul - 1, RS_LEX_LIWC, &LX);
  CHECK_EQ_INT(rc, RS_ENOTTEXT);
  CHECK_EQ_STR(err(), "2:6: NUL byte: binary data where a lexicon was expected");
  done();
  CHECK_EQ_INT(rd("a: [x]\n", 99), RS_EINVAL);
  done();
  CHECK_EQ_INT(rs_lexicon_read(&TM, NULL, 0, RS_LEX_LEXICODER, &LX), RS_OK);
  CHECK_EQ_INT(LX.nwarn, 1);
  done();
  CHECK_EQ_STR(rs_lexicon_format_name(RS_LEX_WORDSTAT), "wordstat");
  CHECK(rs_lexicon_format_name(0) == NULL);
  bad("+a\n\xC3(\n", RS_LEX_LEXICODER, "2:1: invalid UTF-8 (byte 0xC3): the lexicon must be UTF-8");
  bad("%\n1\tfunct\n%\nt\xED\xA0\x80\t1\n", RS_LEX_LIWC,
      "4:2: invalid UTF-8 (byte 0xED): the lexicon must be UTF-8");
  {
    char big[RS_LEX_MAX_PATTERN + 16];
    memset(big, 'x', sizeof big);
    memcpy(big, "+a\n", 3);
    big[sizeof big - 1] = '\0';
    bad(big, RS_LEX_LEXICODER, "2:1: pattern longer than 1024 bytes");
  }
}

/* }====================================================== */

/* {====================================================== LIWC */

static void test_liwc_basic(void) {
  const char *d =
      "%\n"
      "1\tfunct\n"
      "2\tpronoun\n"
      "125\taffect\n"
      "%\n"
      "a\t1\n"
      "abandon*\t125\n"
      "kind of\t1\t125\n"
      "she\t1\t2\n";
  CHECK_EQ_INT(rd(d, RS_LEX_LIWC), RS_OK);
  CHECK_EQ_INT(LX.ncat, 3);
  CHECK_EQ_STR(cat(2), "affect<affect>0:-");
  CHECK_EQ_INT(LX.nentry, 6);
  CHECK_EQ_STR(ent(0), "funct|a|1|");
  CHECK_EQ_STR(ent(1), "affect|abandon*|1|g");
  CHECK_EQ_STR(ent(2), "funct|kind of|1|p");
  CHECK_EQ_STR(ent(3), "affect|kind of|1|p");
  CHECK_EQ_STR(ent(4), "funct|she|1|");
  CHECK_EQ_STR(ent(5), "pronoun|she|1|");
  CHECK_EQ_INT(LX.nwarn, 0);
  done();
}

static void test_liwc_nested(void) {
  /* tab-indented legend lines and parent/child names */
  const char *d =
      "%\n"
      "1\tfunction\n"
      "\t2\tpronoun\n"
      "\t\t3\tppron\n"
      "4\taffect\n"
      "5\taffect/posemo\n"
      "6\tfunction/pronoun/ipron\n"
      "%\n"
      "i\t1 2 3\n"
      "it\t6\n"
      "good\t4\t5\n";
  CHECK_EQ_INT(rd(d, RS_LEX_LIWC), RS_OK);
  CHECK_EQ_INT(LX.ncat, 6);
  CHECK_EQ_STR(cat(1), "function.pronoun<pronoun>1:function");
  CHECK_EQ_STR(cat(2), "function.pronoun.ppron<ppron>2:function.pronoun");
  CHECK_EQ_STR(cat(4), "affect.posemo<posemo>1:affect");
  CHECK_EQ_STR(cat(5), "function.pronoun.ipron<ipron>2:function.pronoun");
  CHECK_EQ_STR(ent(2), "function.pronoun.ppron|i|1|");
  CHECK_EQ_STR(ent(3), "function.pronoun.ipron|it|1|");
  CHECK_EQ_STR(ent(5), "affect.posemo|good|1|");
  done();
}

static void test_liwc_quirks(void) {
  /* spaces for tabs, blank and space-only lines, CRLF, repeated tabs,
  ** duplicate terms and codes, conditional codes, an unknown code */
  const char *d =
      "\n"
      "%\r\n"
      "1 funct\r\n"
      "2\t\tverb\r\n"
      "  \t \n"
      "464\tfiller\n"
      "%\n"
      "like\t(02 134)2/464\t(02 134)1\n"
      "kind\t<of>1/2\n"
      "well 1 464\n"
      "kind of 1\n"
      "well\t464\t2\n"
      "a\t1\t1\n"
      "xyz\t999\n"
      "lonely\n";
  CHECK_EQ_INT(rd(d, RS_LEX_LIWC), RS_OK);
  CHECK_EQ_INT(LX.ncat, 3);
  CHECK_EQ_STR(cat(1), "verb<verb>0:-");
  CHECK_EQ_INT(LX.nentry, 7);
  CHECK_EQ_STR(ent(0), "filler|like|1|");
  CHECK_EQ_STR(ent(1), "verb|kind|1|");
  CHECK_EQ_STR(ent(2), "funct|well|1|");
  CHECK_EQ_STR(ent(3), "filler|well|1|");
  CHECK_EQ_STR(ent(4), "funct|kind of|1|p");
  CHECK_EQ_STR(ent(5), "verb|well|1|");
  CHECK_EQ_STR(ent(6), "funct|a|1|");
  CHECK_EQ_INT(LX.nwarn, 7);
  CHECK_EQ_STR(warn(0), "8:6: conditional code '(02 134)2/464' read as 464");
  CHECK_EQ_STR(warn(1), "8:20: conditional code '(02 134)1' ignored");
  CHECK_EQ_STR(warn(2), "9:6: conditional code '<of>1/2' read as 2");
  CHECK_EQ_STR(warn(3), "12:1: duplicate pattern 'well' in category 'filler' (first at line 10); ignored");
  CHECK_EQ_STR(warn(4), "13:1: duplicate pattern 'a' in category 'funct' (first at line 13); ignored");
  CHECK_EQ_STR(warn(5), "14:5: code 999 is not in the category legend; ignored");
  CHECK_EQ_STR(warn(6), "15:1: term 'lonely' has no category codes; ignored");
  done();
}

static void test_liwc_errors(void) {
  bad("1\tfunct\n%\na\t1\n", RS_LEX_LIWC,
      "1:1: expected a '%' line: a LIWC dictionary starts with its category legend");
  bad("", RS_LEX_LIWC, "1:1: no '%' line: a LIWC dictionary starts with its category legend");
  bad("\n%\n1\tfunct\n", RS_LEX_LIWC, "2:1: category legend not closed by a '%' line");
  bad("%\nfunct\t1\n%\n", RS_LEX_LIWC, "2:1: expected a category number in the LIWC legend");
  bad("%\n1\tfunct\n1\tother\n%\n", RS_LEX_LIWC,
      "3:1: category number 1 already defined at line 2");
  bad("%\n1x\tfunct\n%\n", RS_LEX_LIWC, "2:2: expected a tab after the category number");
  bad("%\n1\t\n%\n", RS_LEX_LIWC, "2:2: missing category name after 1");
  bad("%\n1\tfunct\n\t\t2\tdeep\n%\n", RS_LEX_LIWC,
      "3:3: category indented too deep (no category one tab less before it)");
  bad("%\n1\tfunct\n2\tnone/child\n%\n", RS_LEX_LIWC, "3:3: unknown parent category 'none'");
  bad("%\n1\tfunct\n%\na\t1\t12a\n", RS_LEX_LIWC, "4:7: expected a category number");
  bad("%\n1\tfunct\n%\na\t(1 2\n", RS_LEX_LIWC, "4:3: unclosed '(' in category codes");
  bad("%\n1\tfunct\n%\na\t(1)/2\n", RS_LEX_LIWC, "4:6: expected a category number");
  bad("%\n1\tfunct\n%\na\t1\n%\n", RS_LEX_LIWC, "5:1: unexpected '%' after the category legend");
}

/* }====================================================== */

/* {====================================================== WordStat */

static void test_wordstat(void) {
  const char *c =
      "CULTURE\n"
      "\tCULTURE-HIGH\n"
      "\t\tART (1)\n"
      "\t\tPUBLIC_HEALTH  (2)\n"
      "\tCULTURE-POPULAR\n"
      "\t\tMEDIA* (0.5)\n"
      "\tCULTURE (GENERAL)\n"
      "\t\tCULTUR* (-1)\n"
      "\n"
      "ECONOMY\r\n"
      "\tTAX* (1)\r\n";
  CHECK_EQ_INT(rd(c, RS_LEX_WORDSTAT), RS_OK);
  CHECK_EQ_INT(LX.ncat, 5);
  CHECK_EQ_STR(cat(1), "CULTURE.CULTURE-HIGH<CULTURE-HIGH>1:CULTURE");
  CHECK_EQ_STR(cat(3), "CULTURE.CULTURE (GENERAL)<CULTURE (GENERAL)>1:CULTURE");
  CHECK_EQ_STR(ent(0), "CULTURE.CULTURE-HIGH|ART|1|");
  CHECK_EQ_STR(ent(1), "CULTURE.CULTURE-HIGH|PUBLIC HEALTH|2|p");
  CHECK_EQ_STR(ent(2), "CULTURE.CULTURE-POPULAR|MEDIA*|0.5|g");
  CHECK_EQ_STR(ent(3), "CULTURE.CULTURE (GENERAL)|CULTUR*|-1|g");
  CHECK_EQ_STR(ent(4), "ECONOMY|TAX*|1|g");
  CHECK_EQ_INT(LX.entries[1].line, 4);
  CHECK_EQ_INT(LX.entries[1].col, 3);
  CHECK_EQ_INT(LX.nwarn, 0);
  done();
  /* a pattern closes deeper categories; a repeated category continues */
  CHECK_EQ_INT(rd("A\n\tB\n\t\tX (1)\n\tY (1)\nC\nA\n\tZ (1)\n", RS_LEX_WORDSTAT), RS_OK);
  CHECK_EQ_STR(ent(1), "A|Y|1|");
  CHECK_EQ_STR(ent(2), "A|Z|1|");
  CHECK_EQ_INT(LX.ncat, 3);
  CHECK_EQ_STR(warn(0), "5:1: category 'C' has no patterns");
  done();
}

static void test_wordstat_errors(void) {
  bad("ART (1)\n", RS_LEX_WORDSTAT,
      "1:1: pattern outside any category (indent it with a tab under its category)");
  bad("A\n\t\tX (1)\n", RS_LEX_WORDSTAT,
      "2:3: pattern indented too deep (its category is not at depth 1)");
  bad("A\n\t\tB\n", RS_LEX_WORDSTAT,
      "2:3: category indented too deep (no category one tab less before it)");
  bad("A\n  X (1)\n", RS_LEX_WORDSTAT,
      "2:1: indent WordStat categories and patterns with tabs, not spaces");
  bad("A\n\t(1)\n", RS_LEX_WORDSTAT, "2:2: missing pattern before the weight");
  bad("A\n\t___ (1)\n", RS_LEX_WORDSTAT, "2:2: empty pattern");
}

/* }====================================================== */

/* {====================================================== Lexicoder */

static void test_lexicoder(void) {
  CHECK_EQ_INT(rd("+negative\nabandon*\nill at   ease\n\n+positive\nable\n+negative\nbad\n+none\n",
                  RS_LEX_LEXICODER),
               RS_OK);
  CHECK_EQ_INT(LX.ncat, 3);
  CHECK_EQ_STR(ent(0), "negative|abandon*|1|g");
  CHECK_EQ_STR(ent(1), "negative|ill at ease|1|p");
  CHECK_EQ_STR(ent(2), "positive|able|1|");
  CHECK_EQ_STR(ent(3), "negative|bad|1|");
  CHECK_EQ_STR(warn(0), "9:1: category 'none' has no patterns");
  done();
  bad("abandon*\n+negative\n", RS_LEX_LEXICODER, "1:1: pattern before the first '+category' line");
  bad("+neg\n  + \n", RS_LEX_LEXICODER, "2:3: missing category name after '+'");
}

/* }====================================================== */

/* {====================================================== four formats */

static const char *const SAME[] = {
    /* YAML */
    "health: [health, pandemic*, public health]\n"
    "economy:\n  - econom*\n  - free trade\n  - tourism\n"
    "culture: [cultur*, tourism]\n",
    /* LIWC */
    "%\n1\thealth\n2\teconomy\n3\tculture\n%\n"
    "econom*\t2\nfree trade\t2\nhealth\t1\npandemic*\t1\npublic health\t1\n"
    "tourism\t2\t3\ncultur*\t3\n",
    /* WordStat */
    "health\n\thealth (1)\n\tpandemic* (1)\n\tpublic_health (1)\n"
    "economy\n\teconom* (1)\n\tfree_trade (1)\n\ttourism (1)\n"
    "culture\n\tcultur* (1)\n\ttourism (1)\n",
    /* Lexicoder */
    "+health\nhealth\npandemic*\npublic health\n+economy\neconom*\nfree trade\ntourism\n"
    "+culture\ncultur*\ntourism\n"};

/* entries as a sorted, newline-separated list (formats order them differently) */
static int cmpstr(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void entry_set(char *out, size_t size) {
  char *items[64], buf[64][128];
  size_t i, n = LX.nentry < 64 ? LX.nentry : 64, k = 0;
  for (i = 0; i < n; i++) {
    snprintf(buf[i], sizeof buf[i], "%s", ent(i));
    items[i] = buf[i];
  }
  qsort(items, n, sizeof items[0], cmpstr);
  out[0] = '\0';
  for (i = 0; i < n; i++) k += (size_t)snprintf(out + k, size - k, "%s\n", items[i]);
}

static void test_four_formats(void) {
  static const int fmts[] = {RS_LEX_YAML, RS_LEX_LIWC, RS_LEX_WORDSTAT, RS_LEX_LEXICODER};
  char first[4096], other[4096];
  int f;
  for (f = 0; f < 4; f++) {
    CHECK_EQ_INT(rd(SAME[f], fmts[f]), RS_OK);
    CHECK_EQ_INT(LX.ncat, 3);
    CHECK_EQ_STR(cat(0), "health<health>0:-");
    CHECK_EQ_STR(cat(1), "economy<economy>0:-");
    CHECK_EQ_STR(cat(2), "culture<culture>0:-");
    CHECK_EQ_INT(LX.nentry, 8);
    CHECK_EQ_INT(LX.nwarn, 0);
    entry_set(f == 0 ? first : other, sizeof first);
    if (f > 0) CHECK_EQ_STR(other, first);
    done();
  }
}

/* }====================================================== */

/* {====================================================== allocation failures */

static const char *const FAILTEXT[] = {
    "health:\n  - health\n  - pandemic*: 2\n  - exclude: [health care]\n"
    "economy:\n  tax: [tax*, tax*]\n  trade: {free trade: 1.5, fair: [fair trade]}\n"
    "  empty: []\n  _rule: {min_count: 2, min_share: 0.1}\nexclude: [west bank]\n"
    "_rule: {min_score: 1.5}\n",
    "%\n1\tfunct\n\t2\tpronoun\n3\tfunct/other\n4\taffect\n%\n"
    "a\t1\nshe\t1 2\nlike\t(02 134)4/3\nxyz\t999\nkind of\t1\t4\na\t1\n",
    "A\n\tB\n\t\tX_Y (1)\n\t\tZ* (2)\n\tC\n\t\tW (0.5)\nD\n",
    "+negative\nabandon*\nill at ease\n+positive\nable\nable\n+empty\n"};

static void alloc_failures(int fail_after) {
  static const int fmts[] = {RS_LEX_YAML, RS_LEX_LIWC, RS_LEX_WORDSTAT, RS_LEX_LEXICODER};
  int f;
  for (f = 0; f < 4; f++) {
    talloc t;
    rs_mem M;
    rs_lexicon lex;
    long total, k;
    size_t n = strlen(FAILTEXT[f]);
    memset(&t, 0, sizeof t);
    M.f = t_alloc;
    M.ud = &t;
    CHECK_EQ_INT(rs_lexicon_read(&M, FAILTEXT[f], n, fmts[f], &lex), RS_OK);
    CHECK(lex.nwarn > 0);
    rs_lexicon_free(&M, &lex);
    CHECK_EQ_INT(t.outstanding, 0);
    total = t.count;
    CHECK(total > 10);
    for (k = 1; k <= total; k++) {
      int rc;
      memset(&t, 0, sizeof t);
      t.fail_at = k;
      t.fail_after = fail_after;
      rc = rs_lexicon_read(&M, FAILTEXT[f], n, fmts[f], &lex);
      if (rc != RS_ENOMEM) {
        fprintf(stderr, "format %d: allocation %ld of %ld failed: rc %d\n", fmts[f], k,
                total, rc);
        CHECK_EQ_INT(rc, RS_ENOMEM);
        if (rc == RS_OK) rs_lexicon_free(&M, &lex);
        break;
      }
      CHECK(lex.cats == NULL && lex.entries == NULL && lex.warns == NULL && lex.rules == NULL);
      CHECK_EQ_INT(lex.ncat + lex.nentry + lex.nwarn + lex.nrule, 0);
      CHECK_EQ_STR(lex.err_msg, "");
      if (t.outstanding != 0 || t.bad_sizes != 0) {
        fprintf(stderr, "format %d: allocation %ld of %ld failed: %ld bytes leaked\n",
                fmts[f], k, total, t.outstanding);
        CHECK_EQ_INT(t.outstanding, 0);
        CHECK_EQ_INT(t.bad_sizes, 0);
        break;
      }
    }
  }
}

static void test_alloc_fail_each(void) { alloc_failures(0); }
static void test_alloc_fail_from(void) { alloc_failures(1); }

/* }====================================================== */

int main(void) {
  RUN(test_yaml_basic);
  RUN(test_yaml_weights_exclude);
  RUN(test_yaml_scalars);
  RUN(test_yaml_warnings);
  RUN(test_yaml_errors);
  RUN(test_yaml_rules);
  RUN(test_yaml_depth);
  RUN(test_bom_crlf_columns);
  RUN(test_binary_and_limits);
  RUN(test_liwc_basic);
  RUN(test_liwc_nested);
  RUN(test_liwc_quirks);
  RUN(test_liwc_errors);
  RUN(test_wordstat);
  RUN(test_wordstat_errors);
  RUN(test_lexicoder);
  RUN(test_four_formats);
  RUN(test_alloc_fail_each);
  RUN(test_alloc_fail_from);
  CHECK_DONE();
}
