/*
** fuzz_annot.c: the CoNLL-U and VRT readers (annot.c) on any bytes, each
** file read as both kinds, what reads added to a builder, finished and
** written as a vertical file, the DFM of every extra attribute built.
** Checks that tokens lie inside their document's text, that regions lie
** inside their document, and that an allocation failure is an error that
** leaks nothing.
*/
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "annot.h"
#include "dfm.h"
#include "fuzz_common.h"

static void check_annot(const rs_annot *an) {
  size_t d, i;
  for (d = 0; d < an->ndoc; d++) {
    const rs_adoc *doc = &an->docs[d];
    CHECK(doc->text0 + doc->textn <= an->text.n);
    CHECK((size_t)doc->tok0 + doc->ntok <= an->ntok);
    for (i = doc->tok0; i < (size_t)doc->tok0 + doc->ntok; i++)
      CHECK(an->toks[i].start < an->toks[i].stop && an->toks[i].stop <= doc->textn);
    for (i = doc->reg0; i < (size_t)doc->reg0 + doc->nreg; i++)
      CHECK(an->regs[i].start < an->regs[i].stop && an->regs[i].stop <= doc->ntok);
  }
}

static void one(const char *s, size_t n, int kind) {
  rs_mem M = rs_mem_default();
  rs_annot an;
  memset(&an, 0, sizeof an);
  an.xlimit = 64;
  if (rs_annot_read(&M, &an, kind, s, n, "fuzz", NULL, 0) == RS_OK) {
    rs_builder *B = rs_builder_new(&M);
    rs_index ix;
    char msg[200];
    check_annot(&an);
    if (B && rs_builder_add_annot(B, &an, "english", msg, sizeof msg) == RS_OK &&
        rs_builder_finish(B, &ix) == RS_OK) {
      const char *tmp = getenv("TMPDIR"); /* else build-fuzz: fuzz/run.sh runs from the root */
      char path[600];
      int fd, en = 0;
      uint32_t a, row = 0, *rows = calloc(ix.ndoc ? ix.ndoc : 1, sizeof *rows);
      snprintf(path, sizeof path, "%s/fuzz_annot.XXXXXX", tmp && *tmp ? tmp : "build-fuzz");
      fd = mkstemp(path);
      if (fd >= 0) {
        close(fd);
        CHECK(rs_vrt_write(&M, &ix, NULL, NULL, path, msg, sizeof msg, &en) == RS_OK);
        unlink(path);
      }
      for (a = RS_NATTR; a < ix.nattr && rows; a++) {
        rs_dfm_opts o;
        rs_dfm d;
        memset(&o, 0, sizeof o);
        o.attr = (int)a;
        o.row_of = rows;
        o.nrows = ix.ndoc ? 1 : 0;
        CHECK(rs_dfm_build(&M, &ix, &o, &d) == RS_OK);
        rs_dfm_free(&M, &d);
      }
      (void)row;
      free(rows);
    }
    rs_builder_free(B);
  }
  rs_annot_free(&M, &an);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  one(s, size, RS_AN_CONLLU);
  one(s, size, RS_AN_VRT);
  if (size > 0) { /* an allocation failure: an error, nothing leaked */
    fmem F;
    rs_mem FM = fmem_hook(&F, 1 + (long)(fuzz_hash(data, size) % 8));
    rs_annot an;
    int rc;
    memset(&an, 0, sizeof an);
    rc = rs_annot_read(&FM, &an, (size & 1) ? RS_AN_CONLLU : RS_AN_VRT, s, size, "fuzz", NULL, 0);
    CHECK(rc == RS_OK || rc == RS_ENOMEM || rc == RS_EPARSE || rc == RS_ELIMIT || rc == RS_ENOTTEXT);
    rs_annot_free(&FM, &an);
    CHECK(F.live == 0);
  }
  return 0;
}
