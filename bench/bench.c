/*
** bench.c: C-level benchmarks of the engines; prints key=value lines.
** usage: bench CORPUS_DIR   (CORPUS_DIR is ../shared/corpus)
*/
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rostra.h"
#include "speech.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* file boundaries in the slurped buffer */
static size_t file_off[20000], file_len[20000];
static int nfiles;

/* append every regular file of dir (not recursive) to *buf */
static int slurp_dir(const char *dir, rs_buf *buf, rs_mem *M, int *files) {
  DIR *d = opendir(dir);
  struct dirent *e;
  char path[4096];
  if (!d) return -1;
  while ((e = readdir(d)) != NULL) {
    FILE *f;
    long len;
    size_t l = strlen(e->d_name);
    if (l < 4 || strcmp(e->d_name + l - 4, ".txt") != 0) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    f = fopen(path, "rb");
    if (!f) continue;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (len > 0 && rs_buf_reserve(M, buf, (size_t)len + 1) == 0) {
      size_t got = fread(buf->p + buf->n, 1, (size_t)len, f);
      if (nfiles < 20000) {
        file_off[nfiles] = buf->n;
        file_len[nfiles] = got;
        nfiles++;
      }
      buf->n += got;
      buf->p[buf->n++] = '\n';
    }
    fclose(f);
    (*files)++;
  }
  closedir(d);
  return 0;
}

/* best of 3 runs of the scanner over the text; returns MB/s */
static double tok_speed(const rs_buf *b, size_t *ntok) {
  double best = 1e9;
  int r;
  for (r = 0; r < 3; r++) {
    rs_tokenizer T;
    rs_token t;
    size_t n = 0;
    double t0 = now(), dt;
    rs_tok_init(&T, b->p, b->n, 0);
    while (rs_tok_next(&T, &t)) n++;
    dt = now() - t0;
    if (dt < best) best = dt;
    *ntok = n;
  }
  return (double)b->n / 1e6 / best;
}

/* best of 3 runs of the transcript parser over each file; returns MB/s */
static double parse_speed(rs_mem *M, const rs_buf *b, size_t *nseg) {
  double best = 1e9;
  int r, i;
  for (r = 0; r < 3; r++) {
    double t0 = now(), dt;
    size_t segs = 0, bytes = 0;
    for (i = 0; i < nfiles; i++) {
      rs_speech sp;
      if (rs_speech_parse(M, b->p + file_off[i], file_len[i], 0, &sp) != RS_OK) continue;
      segs += sp.nsegs;
      bytes += file_len[i];
      rs_speech_free(M, &sp);
    }
    dt = now() - t0;
    if (dt < best) best = dt;
    *nseg = segs;
    (void)bytes;
  }
  {
    size_t total = 0;
    for (i = 0; i < nfiles; i++) total += file_len[i];
    return (double)total / 1e6 / best;
  }
}

int main(int argc, char **argv) {
  rs_mem M = rs_mem_default();
  rs_buf en, zh;
  char dir[4096];
  int files = 0;
  size_t ntok;
  if (argc < 2) {
    fprintf(stderr, "usage: bench CORPUS_DIR\n");
    return 2;
  }
  rs_buf_init(&en);
  rs_buf_init(&zh);
  snprintf(dir, sizeof dir, "%s/ungdc/sample_2020-2024", argv[1]);
  if (slurp_dir(dir, &en, &M, &files) == 0 && en.n > 0) {
    double mbs = tok_speed(&en, &ntok);
    printf("tokenize_en_bytes=%zu\ntokenize_en_tokens=%zu\ntokenize_en_mb_s=%.1f\n", en.n, ntok, mbs);
    {
      size_t nseg = 0;
      double ps = parse_speed(&M, &en, &nseg);
      printf("parse_en_files=%d\nparse_en_segments=%zu\nparse_en_mb_s=%.1f\n", nfiles, nseg, ps);
    }
  } else {
    printf("tokenize_en=skipped (no %s)\n", dir);
  }
  snprintf(dir, sizeof dir, "%s/multilingual/zh", argv[1]);
  files = 0;
  if (slurp_dir(dir, &zh, &M, &files) == 0 && zh.n > 0) {
    size_t one = zh.n;
    double mbs;
    while (zh.n < (50u << 20)) { /* repeat to at least 50 MB */
      if (rs_buf_reserve(&M, &zh, one)) break;
      memcpy(zh.p + zh.n, zh.p, one);
      zh.n += one;
    }
    mbs = tok_speed(&zh, &ntok);
    printf("tokenize_zh_bytes=%zu\ntokenize_zh_tokens=%zu\ntokenize_zh_mb_s=%.1f\n", zh.n, ntok, mbs);
  } else {
    printf("tokenize_zh=skipped (no %s)\n", dir);
  }
  rs_buf_free(&M, &en);
  rs_buf_free(&M, &zh);
  return 0;
}
