/*
** annot.h: annotated corpora in (annot.c): CoNLL-U (.conllu) and CWB
** vertical files (.vrt) read into documents whose tokens are the file's,
** with the file's columns as extra positional attributes, its structure
** tags or sentence and paragraph comments as structures, and its document
** headers as metadata. No lua.h: the loader adds the documents to a
** builder (rs_builder_add_annot), the binding makes their metadata.
*/
#ifndef ROSTRA_ANNOT_H
#define ROSTRA_ANNOT_H

#include "index.h"

enum { RS_AN_CONLLU = 1, RS_AN_VRT = 2 };
#define RS_AN_MAXLEVEL 32 /* structures named in one file */

/* a key = value pair: bytes of an->strs */
typedef struct rs_akv {
  uint32_t k, kn, v, vn;
} rs_akv;

/* a region of a document: token indices [start, stop) of the document, of
** the file's level `level` (an index of levname), with its attributes */
typedef struct rs_areg {
  uint32_t start, stop;
  int level;
  int32_t attr;      /* segment kind, point ordinal, quotation depth */
  uint32_t kv0, nkv; /* its attributes: kvs[kv0 .. kv0 + nkv) */
} rs_areg;

typedef struct rs_adoc {
  uint64_t text0, textn; /* bytes of an->text */
  uint32_t tok0, ntok;   /* tokens of an->toks (start, stop relative to the text) */
  uint32_t reg0, nreg;   /* regions of an->regs */
  uint32_t kv0, nkv;     /* metadata: kvs[kv0 .. kv0 + nkv) */
  uint32_t name, namen;  /* bytes of an->strs: the document's name ("" : none) */
  uint32_t line;         /* where it starts in the file */
} rs_adoc;

typedef struct rs_annot {
  int kind;
  rs_buf text;
  rs_token *toks;
  size_t ntok, tokcap;
  uint32_t *wid; /* per token: its form in wv */
  size_t widcap;
  rs_vocab wv;   /* the forms */
  int ncol;      /* extra columns: names, values, each token's value */
  char colname[RS_MAX_XATTR][RS_MAX_NAME + 1];
  rs_vocab cv[RS_MAX_XATTR];
  uint32_t *cid[RS_MAX_XATTR];
  size_t cidcap[RS_MAX_XATTR];
  int nlev;
  char levname[RS_AN_MAXLEVEL][RS_MAX_NAME + 1];
  rs_areg *regs;
  size_t nreg, regcap;
  rs_akv *kvs;
  size_t nkv, kvcap;
  rs_buf strs;
  rs_adoc *docs;
  size_t ndoc, doccap;
  size_t rebuilt;       /* CoNLL-U sentences whose # text did not match the forms */
  uint32_t rebuilt_line; /* the first of them */
  size_t derived;       /* VRT columns named lower or stem, left to rostra (they are its own) */
  uint32_t xlimit;      /* distinct values of a column, at most */
  uint32_t line0;       /* lines before the text read (a part of a file) */
  size_t n2;            /* (the loader's: the bytes of a second part) */
  char err[512];
} rs_annot;

/* RS_AN_CONLLU for a name ending in .conllu, RS_AN_VRT for .vrt, else 0 */
int rs_annot_kind(const char *name);

/* Read text[0..n) (a whole file, name for messages) of kind kind into an
** (zeroed by the caller, freed with rs_annot_free either way). For VRT,
** names (may be NULL) names the columns after the first (word), as
** opts.attributes does; else the file's '<!-- #vrt positional-attributes:
** ... -->' comment does. Returns RS_OK, RS_EPARSE or RS_ELIMIT with
** an->err "NAME:LINE: message", or RS_ENOMEM. */
int rs_annot_read(rs_mem *M, rs_annot *an, int kind, const char *text, size_t n, const char *name,
                  const char *const *names, int nnames);
void rs_annot_free(rs_mem *M, rs_annot *an);

/* Add an's documents to B (word types stemmed with lang); RS_OK, or an
** error code with msg set (a column named as a built-in attribute, too many
** attributes or structures, too many values: rs_builder_error's text). */
int rs_builder_add_annot(rs_builder *B, const rs_annot *an, const char *lang, char *msg,
                         size_t msglen);

/* Write ix (the speeches whose mask byte is nonzero; all when mask is NULL)
** as a CWB vertical file: a '#vrt positional-attributes' comment naming the
** columns (word lower stem and the extra attributes), a '#rostra derived:
** lower stem' comment, then per speech text_tags[d] (its <text ...> line;
** "<text>" when NULL), the tokens one a line with their tags, "</text>".
** Through a temporary file renamed over path: 0, RS_ENOMEM, or RS_EIO with
** err and *err_no. */
int rs_vrt_write(rs_mem *M, const rs_index *ix, const char *mask, const char *const *text_tags,
                 const char *path, char *err, size_t errlen, int *err_no);

#endif
