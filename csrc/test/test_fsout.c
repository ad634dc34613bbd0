/* test_fsout.c: unit tests of the output files (fsout.c): a new file gets
** 0666 minus the umask, a replaced one keeps its mode, a symbolic link's
** target is replaced, an abort leaves the target and the folder as they
** were, a device is written straight, a missing folder is ENOENT; the
** stdio stream of an output commits whole or leaves the target. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "fsout.h"
#include "talloc.h"

static char dir[512];

static void mkdir_tmp(void) {
  const char *tmp = getenv("TMPDIR"); /* else the build folder (make runs the tests from the root) */
  snprintf(dir, sizeof dir, "%s/rs_fsout_XXXXXX", tmp && *tmp ? tmp : "build");
  if (!mkdtemp(dir)) dir[0] = 0;
}

static void rm_tmp(void) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

static int entries(void) { /* files in dir */
  char cmd[600];
  FILE *p;
  int n = 0, c;
  snprintf(cmd, sizeof cmd, "ls -A '%s'", dir);
  p = popen(cmd, "r");
  if (!p) return -1;
  while ((c = fgetc(p)) != EOF) n += c == '\n';
  pclose(p);
  return n;
}

static int put(rs_mem *M, const char *path, const char *text, int flags) {
  rs_out o;
  char err[256];
  int e = rs_out_open(M, &o, path, flags, err, sizeof err);
  if (e) return e;
  if ((e = rs_out_write(&o, text, strlen(text))) != 0) {
    rs_out_abort(M, &o);
    return e;
  }
  return rs_out_commit(M, &o, path, err, sizeof err);
}

static int mode_of(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static void test_modes(void) {
  talloc t;
  rs_mem M = t_mem(&t);
  char p[600];
  mode_t old = umask(027);
  mkdir_tmp();
  snprintf(p, sizeof p, "%s/a.tsv", dir);
  CHECK_EQ_INT(put(&M, p, "one\n", 0), 0);
  CHECK_EQ_INT(mode_of(p), 0640);
  chmod(p, 0600);
  umask(0);
  CHECK_EQ_INT(put(&M, p, "two\n", RS_OUT_SYNC), 0);
  CHECK_EQ_INT(mode_of(p), 0600);
  CHECK_EQ_INT(entries(), 1);
  CHECK_EQ_INT(t.outstanding, 0);
  umask(old);
  rm_tmp();
}

static void test_link_and_abort(void) {
  talloc t;
  rs_mem M = t_mem(&t);
  char p[600], l[600], err[800], buf[16];
  rs_out o;
  FILE *f;
  size_t n;
  mkdir_tmp();
  snprintf(p, sizeof p, "%s/real.csv", dir);
  snprintf(l, sizeof l, "%s/link.csv", dir);
  CHECK_EQ_INT(put(&M, p, "old\n", 0), 0);
  CHECK_EQ_INT(symlink("real.csv", l), 0);
  CHECK_EQ_INT(put(&M, l, "new\n", 0), 0);
  f = fopen(p, "rb");
  n = f ? fread(buf, 1, sizeof buf, f) : 0;
  if (f) fclose(f);
  CHECK(n == 4 && memcmp(buf, "new\n", 4) == 0);
  {
    struct stat st;
    CHECK(lstat(l, &st) == 0 && S_ISLNK(st.st_mode));
  }
  /* an abort leaves the target and nothing else */
  CHECK_EQ_INT(rs_out_open(&M, &o, l, 0, err, sizeof err), 0);
  CHECK_EQ_INT(rs_out_write(&o, "partial", 7), 0);
  rs_out_abort(&M, &o);
  f = fopen(p, "rb");
  n = f ? fread(buf, 1, sizeof buf, f) : 0;
  if (f) fclose(f);
  CHECK(n == 4 && memcmp(buf, "new\n", 4) == 0);
  CHECK_EQ_INT(entries(), 2);
  CHECK_EQ_INT(t.outstanding, 0);
  rm_tmp();
}

static void test_special(void) {
  talloc t;
  rs_mem M = t_mem(&t);
  char p[600], err[800];
  rs_out o;
  struct stat st;
  mkdir_tmp();
  CHECK_EQ_INT(put(&M, "/dev/null", "x\n", 0), 0);
  CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
  CHECK_EQ_INT(rs_out_open(&M, &o, "/dev/null", RS_OUT_REGULAR, err, sizeof err), EINVAL);
  CHECK(strstr(err, "character device") != NULL);
  snprintf(p, sizeof p, "%s/no/such/x.json", dir);
  CHECK_EQ_INT(rs_out_open(&M, &o, p, 0, err, sizeof err), ENOENT);
  CHECK(strstr(err, "/no/such/x.json: No such file or directory") != NULL);
  CHECK_EQ_INT(rs_out_open(&M, &o, dir, 0, err, sizeof err), EISDIR);
  CHECK_EQ_INT(t.outstanding, 0);
  rm_tmp();
}

/* the stream of an output (the DFM and vertical file writers print into
** it): committed whole, or, on a failure reported to rs_out_finish, the
** target left as it was and no file added */
static void test_stream(void) {
  talloc t;
  rs_mem M = t_mem(&t);
  char p[600], err[800], buf[32];
  rs_out o;
  FILE *f, *r;
  size_t n;
  mkdir_tmp();
  snprintf(p, sizeof p, "%s/m.mtx", dir);
  CHECK_EQ_INT(put(&M, p, "old\n", 0), 0);
  chmod(p, 0604);
  CHECK_EQ_INT(rs_out_open(&M, &o, p, 0, err, sizeof err), 0);
  f = rs_out_stream(&o);
  CHECK(f != NULL);
  if (f) fprintf(f, "%d %s\n", 42, "rows");
  CHECK_EQ_INT(rs_out_finish(&M, &o, f, 1, 0, p, err, sizeof err), 0);
  r = fopen(p, "rb");
  n = r ? fread(buf, 1, sizeof buf, r) : 0;
  if (r) fclose(r);
  CHECK(n == 8 && memcmp(buf, "42 rows\n", 8) == 0);
  CHECK_EQ_INT(mode_of(p), 0604);
  /* a failure: the old content stays, the error names the path */
  CHECK_EQ_INT(rs_out_open(&M, &o, p, 0, err, sizeof err), 0);
  f = rs_out_stream(&o);
  CHECK(f != NULL);
  if (f) fputs("half", f);
  CHECK_EQ_INT(rs_out_finish(&M, &o, f, 0, ENOSPC, p, err, sizeof err), ENOSPC);
  CHECK(strstr(err, "m.mtx: ") != NULL);
  r = fopen(p, "rb");
  n = r ? fread(buf, 1, sizeof buf, r) : 0;
  if (r) fclose(r);
  CHECK(n == 8 && memcmp(buf, "42 rows\n", 8) == 0);
  CHECK_EQ_INT(entries(), 1);
  /* a device through a stream: written straight */
  CHECK_EQ_INT(rs_out_open(&M, &o, "/dev/null", 0, err, sizeof err), 0);
  f = rs_out_stream(&o);
  if (f) fputs("x\n", f);
  CHECK_EQ_INT(rs_out_finish(&M, &o, f, 1, 0, "/dev/null", err, sizeof err), 0);
  CHECK_EQ_INT(t.outstanding, 0);
  rm_tmp();
}

int main(void) {
  RUN(test_modes);
  RUN(test_link_and_abort);
  RUN(test_special);
  RUN(test_stream);
  CHECK_DONE();
}
