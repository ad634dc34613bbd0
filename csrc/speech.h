/*
** speech.h: the transcript parser engine (speech.c).
** A raw transcript (header lines, salutations, paragraphs, closing) becomes
** an rs_speech: metadata found in the header, the header lines that are not
** speech, segments, enumerated points, sentences and quotations, all as byte
** spans into the caller's text. No lua.h; reentrant (no mutable globals), so
** worker threads may parse different texts at once.
*/
#ifndef ROSTRA_SPEECH_H
#define ROSTRA_SPEECH_H

#include <stddef.h>
#include <stdint.h>

#include "rostra.h"

/* segment kinds */
enum {
  RS_SEG_SALUTATION = 1,
  RS_SEG_PARAGRAPH = 2,
  RS_SEG_CLOSING = 3,
  RS_SEG_HEADING = 4
};

/* why a line is page furniture (boilerplate), not speech */
enum {
  RS_BP_BREADCRUMB = 1, /* navigation, site and section names */
  RS_BP_TITLE = 2,
  RS_BP_BYLINE = 3,     /* source, author, editor, issuing office */
  RS_BP_DATELINE = 4,   /* date and place lines */
  RS_BP_SPEAKER = 5,    /* "Name, Role" lines */
  RS_BP_LEDE = 6,       /* a summary or agency lead before the speech */
  RS_BP_NOTE = 7,       /* "Check against delivery", "(Applause.)", procedure */
  RS_BP_TIME = 8,       /* "9:02 A.M. EST", "END 9:41 A.M." */
  RS_BP_FOOTER = 9,     /* share buttons, related links, release numbers ... */
  RS_BP_FRONT = 32      /* the YAML front matter block (set aside by the ingest) */
};

/* where a boilerplate line is */
enum { RS_BPW_HEADER = 0, RS_BPW_BODY = 1, RS_BPW_FOOTER = 2 };

/* metadata keys: sp->meta[key] is a NUL-terminated string or NULL */
enum {
  RS_META_TITLE = 0,
  RS_META_SPEAKER,
  RS_META_ROLE,
  RS_META_DATE,  /* ISO 8601: YYYY-MM-DD */
  RS_META_PLACE,
  RS_META_SOURCE,
  RS_META_LANG,  /* a cheap guess: "en", "fr", "es", "de", "zh", "ru", "ar", ... */
  RS_META_N
};

/* paragraph conventions (sp->convention): how the body was cut */
enum {
  RS_CONV_NONE = 0,  /* no body */
  RS_CONV_LINE = 1,  /* one line per paragraph (blank lines optional) */
  RS_CONV_BLANK = 2, /* hard-wrapped lines, blank lines between paragraphs */
  RS_CONV_INDENT = 3 /* hard-wrapped lines, an indented first line starts one */
};
/* flag bit: runs of U+3000 / U+2003 inside lines also cut paragraphs */
#define RS_CONV_IDEOGRAPHIC 0x10

/* all positions: bytes into the raw text, 0-based, stop exclusive;
** lines: 1-based (\n, \r\n and a lone \r end a line) */

typedef struct rs_segment {
  uint32_t start, stop; /* trimmed of white space at both ends; a speaker
                        ** label is not part of it */
  uint32_t line;        /* line of its first byte */
  uint8_t kind;         /* RS_SEG_* */
  int32_t point;        /* ordinal of the point it belongs to, or 0 */
  int32_t point_index;  /* 1-based index into points, or 0 */
  uint32_t turn;        /* 1-based index into turns (0 only while parsing) */
} rs_segment;

typedef struct rs_point {
  int32_t ordinal;                  /* 1, 2, 3 ... */
  uint32_t first_seg, last_seg;     /* 0-based segment indices, inclusive */
  uint32_t marker_start, marker_stop;   /* "First", "1.", "(1)", "第一" */
  uint32_t heading_start, heading_stop; /* the first sentence after the marker */
} rs_point;

typedef struct rs_sentence {
  uint32_t start, stop;
  uint32_t seg; /* 0-based segment index */
} rs_sentence;

typedef struct rs_qspan {
  uint32_t start, stop;             /* including the quotation marks */
  uint32_t inner_start, inner_stop; /* between the marks (white space trimmed) */
  uint32_t depth;                   /* 0 outermost, 1 nested once, ... */
  uint32_t seg;                     /* 0-based segment index */
} rs_qspan;

typedef struct rs_boiler {
  uint32_t line;
  uint32_t start, stop;
  uint8_t why;   /* RS_BP_* */
  uint8_t where; /* RS_BPW_* */
} rs_boiler;

/* a speaker of the turns; strings owned, NUL-terminated, role may be NULL */
typedef struct rs_speaker {
  char *name;  size_t name_len;
  char *role;  size_t role_len;
  char *country; size_t country_len; /* "(France)" of a verbatim record */
  uint8_t question; /* Q, Question:, Journalist: */
  uint8_t role_only; /* named by a role alone ("THE PRESIDENT") */
  uint32_t lkey;     /* the hash of its label's role part (parse time only) */
  uint32_t words;   /* words of its turns */
} rs_speaker;

/* what one speaker says between labels */
typedef struct rs_turn {
  uint32_t first_seg, last_seg;        /* 0-based, inclusive */
  uint32_t start, stop;                /* first segment start, last segment stop */
  uint32_t label_start, label_stop;    /* "THE PRESIDENT:"; equal when unlabelled */
  int32_t speaker;                     /* index into speakers, or -1 */
} rs_turn;

/* warning codes */
enum {
  RS_WARN_UTF8 = 1,     /* invalid UTF-8 bytes (count in `count`) */
  RS_WARN_NUL = 2,      /* NUL bytes */
  RS_WARN_CTRL = 3,     /* other control characters */
  /* what the parser did not find or guessed (line 0: the whole text) */
  RS_WARN_EMPTY = 10,   /* every line is page furniture */
  RS_WARN_NOSPEAKER,    /* no speaker named */
  RS_WARN_GUESSSPEAKER, /* the speaker with the most words taken */
  RS_WARN_NOTITLE,      /* a header without a title */
  RS_WARN_GUESSTITLE,   /* title taken from the first line */
  RS_WARN_NODATE,       /* no date */
  RS_WARN_NOYEAR,       /* a date without a year (month and day in sp) */
  RS_WARN_HEADER,       /* `count` header lines removed */
  RS_WARN_FOOTER,       /* `count` footer lines removed */
  RS_WARN_NOTES         /* `count` note lines removed from the body */
};

typedef struct rs_warning {
  int code;        /* RS_WARN_* */
  uint32_t line;   /* line of the first occurrence */
  uint32_t offset; /* byte offset of the first occurrence */
  uint32_t count;  /* occurrences */
} rs_warning;

typedef struct rs_speech {
  char *meta[RS_META_N];   /* owned, NUL-terminated; NULL when not found */
  size_t meta_len[RS_META_N];
  rs_boiler *boiler;       size_t nboiler, capboiler;
  rs_segment *segs;        size_t nsegs, capsegs;
  rs_point *points;        size_t npoints, cappoints;
  rs_sentence *sents;      size_t nsents, capsents;
  rs_qspan *quotes;        size_t nquotes, capquotes;
  rs_warning *warnings;    size_t nwarnings, capwarnings;
  rs_turn *turns;          size_t nturns, capturns;
  rs_speaker *speakers;    size_t nspeakers, capspeakers;
  int32_t main_speaker;    /* index into speakers, or -1 */
  uint32_t body_start;     /* byte offset where the speech proper begins */
  uint32_t body_line;      /* its line */
  uint32_t body_stop;      /* where it ends (the footer begins) */
  uint8_t date_month, date_day; /* a date without a year, when no full date */
  unsigned convention;     /* RS_CONV_* (| RS_CONV_IDEOGRAPHIC) */
} rs_speech;

/* parse options */
#define RS_SP_NO_HEADER 0x01   /* the text has no header: do not look for one */
#define RS_SP_NO_SENTENCES 0x02 /* skip sentence splitting */
#define RS_SP_NO_FOOTER 0x04   /* the text has no footer: do not look for one */

/* A site's rules, decided outside the engine (rostra.parse's `layout`):
** what a given line is. Lines are 1-based; a line not listed is left to
** the parser's own rules. */
enum {
  RS_HINT_HEADER = 1, /* page furniture above the speech (`why`: RS_BP_*, 0 guess) */
  RS_HINT_FOOTER = 2, /* the footer begins at this line */
  RS_HINT_LABEL = 3   /* a speaker label: the line's first `len` bytes, name given */
};

typedef struct rs_hint {
  uint32_t line;
  uint8_t what;      /* RS_HINT_* */
  uint8_t why;       /* RS_HINT_HEADER: RS_BP_* or 0 */
  uint32_t len;      /* RS_HINT_LABEL: bytes of the label from the line's first
                     ** non-blank byte */
  const char *name;  /* RS_HINT_LABEL: the speaker (need not be NUL-terminated) */
  size_t name_len;
} rs_hint;

/* Parse text[0..n) (not NUL-terminated, any bytes) into *sp, which is
** initialised here. The text must outlive *sp (all spans refer into it).
** Returns RS_OK, RS_ELIMIT (n > RS_MAX_TEXT) or RS_ENOMEM; on any error *sp
** holds nothing and needs no rs_speech_free (calling it is harmless).
** Invalid UTF-8 and control bytes only add warnings. */
int rs_speech_parse(rs_mem *M, const char *text, size_t n, unsigned opts, rs_speech *sp);

/* The same with a site's rules: hints[0..nhints) sorted by line (the
** names are copied; the hints may go when this returns). When labels are
** hinted, only hinted lines start turns. */
int rs_speech_parse_hints(rs_mem *M, const char *text, size_t n, unsigned opts,
                          const rs_hint *hints, size_t nhints, rs_speech *sp);

/* release everything *sp owns and zero it; idempotent */
void rs_speech_free(rs_mem *M, rs_speech *sp);

/* The display text of the span text[start..stop): each line break together
** with the white space around it becomes one space; leading and trailing
** white space are dropped. Writes at most stop - start bytes to out and
** returns the number written. */
size_t rs_speech_text(const char *text, uint32_t start, uint32_t stop, char *out);

/* names: "salutation" / "paragraph" / "closing" / "heading";
** "breadcrumb" / "title" / "byline" / "dateline" / "speaker" / "lede" /
** "note" / "time" / "footer";
** "title" / "speaker" / ... / "lang"; a warning's message */
const char *rs_seg_kindname(int kind);
const char *rs_bp_name(int why);
const char *rs_meta_name(int key);
const char *rs_warn_message(int code);
const char *rs_warn_code(int code); /* "EUTF8", "NOSPEAKER", ... */

#endif
