/*
** tagger.h: lexicon tagging. The patterns of a lexicon, tokenized as a text
** is, are compiled against a vocabulary (the lower forms of a corpus, or
** its word forms) into an Aho-Corasick automaton over type ids; the
** automaton then walks the token stream of an index and counts the themes
** of every unit (speech, segment, point or sentence).
**
** Symbols are the type ids of one attribute's vocabulary. A literal pattern
** token is one type; a glob token ('*' any run of characters, '?' one
** character, within one token) is the set of types it matches, and the
** trie is built over concrete type ids, a glob position expanded into its
** types. An exclusion is a pattern whose match counts for nothing: it takes
** part in the longest match like any pattern, and the categories it
** excludes (or all of them) are then dropped.
**
** Matching (rs_tagger_match, rs_tag_index):
**   longest first (overlap = 0): of all the matches, the longest wins, then
**     the leftmost among those as long; a match overlapping one already
**     taken is dropped. A token thus counts once, for the longest phrase
**     that covers it, whatever its category. Several categories listing the
**     same phrase (or patterns matching the same tokens) all count it.
**   every match (overlap = 1): each match counts for each of its
**     categories, unless a longer exclusion covering it excludes that one.
**   Matches never cross a speech, segment or sentence boundary (nor that of
**   a unit of the level tagged), so the counts add up the same at every level.
**
** Memory: everything comes from the rs_mem hook given to rs_tagger_new,
** with exact sizes. After RS_ENOMEM from rs_tagger_add* or rs_tagger_finish
** the tagger may only be freed; a limit error (RS_ELIMIT) leaves it as it
** was.
*/
#ifndef ROSTRA_TAGGER_H
#define ROSTRA_TAGGER_H

#include "index.h"
#include "rostra.h"

/* {====================================================== limits */

/* phrases (type sequences) one pattern may expand to through its globs */
#define RS_TAG_MAX_PATHS 1000000u
/* phrases a whole lexicon may expand to (the default of the budget the
** binding checks before building: ltagger.c, opts.max_phrases) */
#define RS_TAG_MAX_TOTAL 1000000u
/* tokens in one pattern */
#define RS_TAG_MAX_TOKENS 1024u

/* }====================================================== */

/* the category of an exclusion that applies to every category */
#define RS_TAG_ALL 0xFFFFFFFFu
/* rs_tagopts.hits: collect no hits */
#define RS_TAG_NOHITS 0xFFFFFFFEu
/* rs_tagopts.level for whole speeches */
#define RS_TAG_SPEECH (-1)
/* rs_tagunit.region of the text of a speech outside every unit */
#define RS_TAG_OUTSIDE 0xFFFFFFFFu

typedef struct rs_tagger rs_tagger;

/* a new, empty tagger over symbols [0, nsym) and categories [0, ncat);
** NULL when out of memory */
rs_tagger *rs_tagger_new(rs_mem *M, uint32_t nsym, uint32_t ncat);
void rs_tagger_free(rs_tagger *T);

/* the message of the last error ("" if none) */
const char *rs_tagger_error(const rs_tagger *T);

/* Add a pattern of npos positions (1..RS_TAG_MAX_TOKENS); position i matches
** any symbol of sets[i][0..nset[i]) (symbols >= nsym are ignored, repeats
** are fine). cat < ncat, or RS_TAG_ALL for an exclusion of every category
** (exclude must then be set). A position with no symbol makes a pattern
** that never matches (RS_OK, nothing added).
** Returns 0, RS_ENOMEM, RS_EINVAL (bad arguments, or after finish) or
** RS_ELIMIT (more than RS_TAG_MAX_PATHS phrases; nothing added). */
int rs_tagger_add(rs_tagger *T, const uint32_t *const *sets, const size_t *nset, size_t npos,
                  uint32_t cat, double weight, int exclude);

/* one token of a pattern, as text (lower form, or word form) */
typedef struct rs_tagtok {
  const char *s;
  size_t len;
  int glob; /* '*' and '?' are wildcards */
} rs_tagtok;

/* Add a pattern given as tokens, resolved against the vocabulary voc (the
** strtab whose ids are the symbols: voc->n == nsym): a literal token is its
** type (none: the pattern cannot match, RS_OK), a glob the types it matches.
** RS_ELIMIT, with a message naming the glob, when a glob matches more than
** RS_MAX_GLOB_TYPES types; naming the pattern when it expands to more than
** RS_TAG_MAX_PATHS phrases. voc must stay the same until finish. */
int rs_tagger_add_tokens(rs_tagger *T, const rs_strtab *voc, const rs_tagtok *toks, size_t ntok,
                         uint32_t cat, double weight, int exclude);

/* The phrases (type sequences) the pattern toks would add, counted
** without building anything: the product of the types each token stands
** for (0 when one has none). RS_ELIMIT for a glob over RS_MAX_GLOB_TYPES
** (message as rs_tagger_add_tokens). For a budget over a whole lexicon,
** checked before any of it is built. */
int rs_tagger_count_tokens(rs_tagger *T, const rs_strtab *voc, const rs_tagtok *toks, size_t ntok,
                           uint64_t *phrases);

/* Optional, before finish: the frequency of every symbol in the text to
** tag (nsym entries, kept until finish): the states of frequent symbols get
** neighbouring ids, which the walk finds in cache more often. */
void rs_tagger_set_freq(rs_tagger *T, const uint32_t *freq);

/* Build the automaton (failure links, outputs); no pattern can be added
** after. Returns 0 or RS_ENOMEM. */
int rs_tagger_finish(rs_tagger *T);

/* How the walk classifies tokens at the root: 0 a plain loop, 1 AVX2,
** 2 AVX-512 (x86-64 processors that have them; the best one unless
** ROSTRA_NO_SIMD is set). level < 0 asks; else sets the level, at most
** the processor's best. Returns the level in use. The rows are the same
** whichever it is. */
int rs_tag_simd(int level);

/* does the glob g[0..gn) match s[0..sn)? ('?' is one UTF-8 character) */
int rs_glob_match(const char *g, size_t gn, const char *s, size_t sn);

/* figures of a finished tagger */
typedef struct rs_taginfo {
  uint32_t nodes;    /* trie states, the root included */
  uint32_t symbols;  /* distinct symbols the patterns use */
  uint32_t maxdepth; /* tokens of the longest phrase */
  size_t bytes;      /* memory held */
} rs_taginfo;
void rs_tagger_info(const rs_tagger *T, rs_taginfo *info);

/* {====================================================== matching */

/* one counted match: tokens [start, start+len) for category cat */
typedef void (*rs_tagcb)(void *ud, uint32_t start, uint32_t len, uint32_t cat, double weight);

/* Match a sequence of symbols (one piece: no boundary inside) and call cb
** for every counted (match, category), in order of position. Returns 0 or
** RS_ENOMEM or RS_EINVAL (not finished). */
int rs_tagger_match(rs_tagger *T, const uint32_t *syms, size_t n, int overlap, rs_tagcb cb,
                    void *ud);

/* }====================================================== */

/* {====================================================== tagging an index */

typedef struct rs_tagopts {
  int level;        /* RS_LV_SEGMENT, RS_LV_POINT, RS_LV_SENTENCE, an extra level
                    ** (RS_LV_X0 ..: regions not nested) or RS_TAG_SPEECH */
  int overlap;      /* count every match (see above) */
  int attr;         /* RS_ATTR_LOWER or RS_ATTR_WORD: what the symbols are */
  const char *mask; /* ndoc bytes, nonzero for a speech to tag; NULL: all */
  uint32_t hits;    /* collect the matches of this category, RS_TAG_ALL for
                       every one, RS_TAG_NOHITS for none */
} rs_tagopts;

/* a unit with at least one match: rows[row..row+nrow) */
typedef struct rs_tagunit {
  uint32_t doc;    /* 0-based */
  uint32_t region; /* index into ix->lv[level], the doc for RS_TAG_SPEECH,
                      RS_TAG_OUTSIDE for the text of doc outside every unit */
  uint32_t words;  /* word and number tokens of the unit (tagged text) */
  uint32_t row, nrow;
} rs_tagunit;

/* the counts of one category in one unit */
typedef struct rs_tagrow {
  uint32_t cat;
  uint32_t count;  /* matches */
  uint32_t tokens; /* word and number tokens they cover (each once) */
  double score;    /* sum of the weights of the matches */
} rs_tagrow;

typedef struct rs_taghit {
  uint32_t start, len; /* token positions [start, start+len) */
  uint32_t cat;
  uint32_t unit; /* the region as in rs_tagunit */
  uint32_t doc;
} rs_taghit;

typedef struct rs_tagout {
  rs_tagunit *units; /* in order of position (a speech's outside unit last) */
  size_t nunit;
  rs_tagrow *rows; /* each unit's rows by category */
  size_t nrow;
  rs_taghit *hits; /* in order of position */
  size_t nhit;
  uint32_t *doc_words; /* ndoc entries: word tokens tagged per speech */
  uint32_t ndoc;
  uint64_t words, matches; /* over everything tagged */
  size_t capunit, caprow, caphit; /* private */
} rs_tagout;

/* Tag the speeches of an index (only the text of its segments: a parsed
** speech's header lines are not). The tagger must have been compiled
** against ix->attr[o->attr]. Fills out (which need not be initialized; free
** it with rs_tagout_free even after an error). Returns 0, RS_ENOMEM, or
** RS_EINVAL (another vocabulary, a bad level). */
int rs_tag_index(rs_tagger *T, const rs_index *ix, const rs_tagopts *o, rs_tagout *out);
void rs_tagout_free(rs_mem *M, rs_tagout *out);

/* }====================================================== */

#endif
