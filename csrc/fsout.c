/*
** fsout.c: writing an output file without destroying anything; the rules
** are in fsout.h.
*/
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* O_TMPFILE, linkat's AT_SYMLINK_FOLLOW */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsout.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* a temporary file left by a dead process is removed once this old (s) */
#define STALE_AGE 60

const char *rs_fk_name(int kind) {
  switch (kind) {
    case RS_FK_NONE: return "nothing";
    case RS_FK_FILE: return "regular file";
    case RS_FK_DIR: return "folder";
    case RS_FK_CHR: return "character device";
    case RS_FK_BLK: return "block device";
    case RS_FK_FIFO: return "FIFO";
    case RS_FK_SOCK: return "socket";
    default: return "special file";
  }
}

static int kind_of(mode_t m) {
  if (S_ISREG(m)) return RS_FK_FILE;
  if (S_ISDIR(m)) return RS_FK_DIR;
  if (S_ISCHR(m)) return RS_FK_CHR;
  if (S_ISBLK(m)) return RS_FK_BLK;
  if (S_ISFIFO(m)) return RS_FK_FIFO;
  if (S_ISSOCK(m)) return RS_FK_SOCK;
  return RS_FK_OTHER;
}

int rs_file_id(const char *path, dev_t *dev, ino_t *ino, int *kind) {
  struct stat st;
  if (stat(path, &st) != 0) {
    if (kind) *kind = RS_FK_NONE;
    return errno;
  }
  if (dev) *dev = st.st_dev;
  if (ino) *ino = st.st_ino;
  if (kind) *kind = kind_of(st.st_mode);
  return 0;
}

static int say(char *err, size_t errlen, const char *path, int e, const char *why) {
  if (why) snprintf(err, errlen, "%s: %s", path, why);
  else snprintf(err, errlen, "%s: %s", path, strerror(e));
  return e;
}

/* the descriptor a standard-stream name stands for, or -1:
** /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N, /proc/PID/fd/N */
static int stream_fd(const char *p) {
  const char *n = NULL;
  char *end;
  long v;
  if (strcmp(p, "/dev/stdout") == 0) return 1;
  if (strcmp(p, "/dev/stderr") == 0) return 2;
  if (strncmp(p, "/dev/fd/", 8) == 0) n = p + 8;
  else if (strncmp(p, "/proc/self/fd/", 14) == 0) n = p + 14;
  else if (strncmp(p, "/proc/", 6) == 0) {
    v = strtol(p + 6, &end, 10);
    if (end != p + 6 && v == (long)getpid() && strncmp(end, "/fd/", 4) == 0) n = end + 4;
  }
  if (!n || *n < '0' || *n > '9') return -1;
  v = strtol(n, &end, 10);
  if (*end || v < 0 || v > INT_MAX) return -1;
  return (int)v;
}

static int set_str(rs_mem *M, char **s, size_t *cap, const char *p, size_t n) {
  char *x = rs_malloc(M, n + 1);
  if (!x) return ENOMEM;
  memcpy(x, p, n);
  x[n] = 0;
  if (*s) rs_free(M, *s, *cap);
  *s = x;
  *cap = n + 1;
  return 0;
}

/* o->target = path with its symbolic links followed (the last one may
** dangle); *fd set when a link leads to a standard stream */
static int resolve(rs_mem *M, rs_out *o, const char *path, int *fd) {
  char cur[PATH_MAX], link[PATH_MAX];
  int i;
  *fd = stream_fd(path);
  if (*fd >= 0) return 0;
  if (strlen(path) >= sizeof cur) return ENAMETOOLONG;
  strcpy(cur, path);
  for (i = 0; i < 40; i++) {
    struct stat st;
    ssize_t n;
    if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
      return set_str(M, &o->target, &o->target_cap, cur, strlen(cur));
    n = readlink(cur, link, sizeof link - 1);
    if (n < 0) return errno;
    link[n] = 0;
    if (link[0] == '/') {
      memcpy(cur, link, (size_t)n + 1);
    } else {
      char *slash = strrchr(cur, '/');
      size_t dl = slash ? (size_t)(slash - cur) + 1 : 0;
      if (dl + (size_t)n >= sizeof cur) return ENAMETOOLONG;
      memcpy(cur + dl, link, (size_t)n + 1);
    }
    *fd = stream_fd(cur);
    if (*fd >= 0) return 0;
  }
  return ELOOP;
}

/* the folder and the last component of o->target */
static void split(const char *target, char *dir, size_t dirlen, const char **base) {
  const char *slash = strrchr(target, '/');
  if (!slash) {
    snprintf(dir, dirlen, ".");
    *base = target;
  } else if (slash == target) {
    snprintf(dir, dirlen, "/");
    *base = slash + 1;
  } else {
    snprintf(dir, dirlen, "%.*s", (int)(slash - target), target);
    *base = slash + 1;
  }
}

/* a fresh temporary name ".BASE.tmp-PID-XXXXXX" in dir */
static void temp_name(char *out, size_t n, const char *dir, const char *base) {
  static unsigned counter;
  static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  struct timespec ts;
  unsigned long x;
  char suf[7];
  int i;
  clock_gettime(CLOCK_REALTIME, &ts);
  x = (unsigned long)ts.tv_nsec * 2654435761ul ^ (unsigned long)ts.tv_sec ^
      ((unsigned long)++counter << 20) ^ ((unsigned long)(size_t)out >> 4);
  for (i = 0; i < 6; i++) {
    suf[i] = digits[x % 36];
    x = x / 36 + (unsigned long)i * 7919u;
  }
  suf[6] = 0;
  snprintf(out, n, "%s/.%s.tmp-%ld-%s", dir, base, (long)getpid(), suf);
}

/* remove ".BASE.tmp-PID-*" files of dir whose process is dead, that are
** ours and were last written more than STALE_AGE seconds ago */
static void remove_stale(const char *dir, const char *base) {
  DIR *d = opendir(dir);
  struct dirent *e;
  size_t bl = strlen(base);
  time_t now = time(NULL);
  if (!d) return;
  while ((e = readdir(d)) != NULL) {
    const char *p = e->d_name;
    char *end, path[PATH_MAX];
    long pid;
    struct stat st;
    if (p[0] != '.' || strncmp(p + 1, base, bl) != 0 || strncmp(p + 1 + bl, ".tmp-", 5) != 0) continue;
    pid = strtol(p + 1 + bl + 5, &end, 10);
    if (end == p + 1 + bl + 5 || *end != '-' || strlen(end + 1) != 6 || pid <= 0) continue;
    if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
    if (snprintf(path, sizeof path, "%s/%s", dir, p) >= (int)sizeof path) continue;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) continue;
    if (now - st.st_mtime < STALE_AGE) continue;
    (void)unlink(path);
  }
  closedir(d);
}

static int can_link_anon(void) {
#if defined(__linux__) && defined(O_TMPFILE)
  static int ok = -1;
  if (ok < 0) ok = access("/proc/self/fd", X_OK) == 0;
  return ok;
#else
  return 0;
#endif
}

int rs_out_open(rs_mem *M, rs_out *o, const char *path, int flags, char *err, size_t errlen) {
  struct stat st;
  int e, sfd, kind;
  char dir[PATH_MAX];
  const char *base;
  mode_t mode;
  memset(o, 0, sizeof *o);
  o->fd = -1;
  o->flags = flags;
  if (!path[0]) return say(err, errlen, path, ENOENT, "empty file name");
  if ((e = resolve(M, o, path, &sfd)) != 0) return say(err, errlen, path, e, NULL);
  if (sfd >= 0) { /* a standard stream: write it, as a redirection does */
    if (flags & RS_OUT_REGULAR) {
      return say(err, errlen, path, EINVAL, "a standard stream, not a regular file (an index is "
                                            "saved only to a regular file)");
    }
    o->fd = fcntl(sfd, F_DUPFD_CLOEXEC, 3);
    if (o->fd < 0) return say(err, errlen, path, errno, NULL);
    o->direct = 1;
    return 0;
  }
  if (stat(o->target, &st) == 0) {
    kind = kind_of(st.st_mode);
    if (kind == RS_FK_DIR) {
      e = say(err, errlen, path, EISDIR, NULL);
      rs_out_abort(M, o);
      return e;
    }
    if (kind != RS_FK_FILE) {
      char why[160];
      if ((flags & RS_OUT_REGULAR) || (kind != RS_FK_CHR && kind != RS_FK_FIFO)) {
        snprintf(why, sizeof why, "a %s, not a regular file (%s)", rs_fk_name(kind),
                 (flags & RS_OUT_REGULAR) ? "an index is saved only to a regular file"
                                          : "refusing to write over it");
        e = say(err, errlen, path, EINVAL, why);
        rs_out_abort(M, o);
        return e;
      }
      o->fd = open(o->target, O_WRONLY | O_CLOEXEC | O_NOCTTY);
      if (o->fd < 0) {
        e = say(err, errlen, path, errno, NULL);
        rs_out_abort(M, o);
        return e;
      }
      o->direct = 1;
      return 0;
    }
    if (access(o->target, W_OK) != 0) {
      e = errno;
      e = say(err, errlen, path, e, e == EACCES ? "Permission denied (the file may not be written to)" : NULL);
      rs_out_abort(M, o);
      return e;
    }
    o->replacing = 1;
    o->dev = st.st_dev;
    o->ino = st.st_ino;
  } else if (errno != ENOENT) {
    e = say(err, errlen, path, errno, NULL);
    rs_out_abort(M, o);
    return e;
  }
  split(o->target, dir, sizeof dir, &base);
  if (!base[0]) {
    e = say(err, errlen, path, EISDIR, NULL);
    rs_out_abort(M, o);
    return e;
  }
  e = stat(dir, &st) != 0 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR : 0;
  if (e) {
    e = say(err, errlen, path, e, NULL);
    rs_out_abort(M, o);
    return e;
  }
  remove_stale(dir, base);
  /* a file that replaces another starts private and gets its mode at
  ** commit; a new one gets 0666 minus the umask from the system */
  mode = o->replacing ? 0600 : 0666;
#if defined(__linux__) && defined(O_TMPFILE)
  if (can_link_anon()) {
    o->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
    if (o->fd >= 0) {
      o->anon = 1;
      return 0;
    }
  }
#endif
  {
    char name[PATH_MAX + 64];
    int tries;
    for (tries = 0; tries < 100; tries++) {
      temp_name(name, sizeof name, dir, base);
      o->fd = open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, mode);
      if (o->fd >= 0 || errno != EEXIST) break;
    }
    if (o->fd < 0) {
      e = say(err, errlen, path, errno, NULL);
      rs_out_abort(M, o);
      return e;
    }
    if ((e = set_str(M, &o->tmp, &o->tmp_cap, name, strlen(name))) != 0) {
      rs_out_abort(M, o);
      return say(err, errlen, path, e, NULL);
    }
  }
  return 0;
}

int rs_out_write(rs_out *o, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = write(o->fd, c, n > ((size_t)1 << 30) ? ((size_t)1 << 30) : n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    c += w;
    n -= (size_t)w;
  }
  return 0;
}

static void sync_dir(const char *target) {
  char dir[PATH_MAX];
  const char *base;
  int fd;
  split(target, dir, sizeof dir, &base);
  fd = open(dir, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
}

int rs_out_commit(rs_mem *M, rs_out *o, const char *path, char *err, size_t errlen) {
  int e = 0;
  if (o->fd < 0) return say(err, errlen, path, EBADF, NULL);
  if (o->direct) {
    e = close(o->fd) != 0 ? errno : 0;
    o->fd = -1;
    rs_out_abort(M, o);
    return e ? say(err, errlen, path, e, NULL) : 0;
  }
  if ((o->flags & RS_OUT_SYNC) && fsync(o->fd) != 0) {
    e = say(err, errlen, path, errno, NULL);
    rs_out_abort(M, o);
    return e;
  }
  if (o->replacing) {
    struct stat st;
    if (stat(o->target, &st) == 0 && S_ISREG(st.st_mode)) {
      /* the owner where we may set it (root), else the group where we
      ** belong to it; chown clears set-id bits, so the mode comes after */
      if ((st.st_uid != geteuid() || st.st_gid != getegid()) && fchown(o->fd, st.st_uid, st.st_gid) != 0)
        (void)fchown(o->fd, (uid_t)-1, st.st_gid);
      (void)fchmod(o->fd, st.st_mode & 07777);
    }
  }
#if defined(__linux__) && defined(O_TMPFILE)
  if (o->anon) {
    char proc[64], name[PATH_MAX + 64], dir[PATH_MAX];
    const char *base;
    int tries;
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", o->fd);
    /* a new file: linked under its name at once, when still free */
    if (!o->replacing && linkat(AT_FDCWD, proc, AT_FDCWD, o->target, AT_SYMLINK_FOLLOW) == 0) {
      e = close(o->fd) != 0 ? errno : 0;
      o->fd = -1;
      if (e) { /* a late write error: the new file is incomplete */
        (void)unlink(o->target);
        say(err, errlen, path, e, NULL);
        rs_out_abort(M, o);
        return e;
      }
      if (o->flags & RS_OUT_SYNC) sync_dir(o->target);
      rs_out_abort(M, o);
      return 0;
    }
    split(o->target, dir, sizeof dir, &base);
    for (tries = 0; tries < 100; tries++) {
      temp_name(name, sizeof name, dir, base);
      if (linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0 || errno != EEXIST) break;
    }
    if (tries == 100 || access(name, F_OK) != 0) {
      e = say(err, errlen, path, errno ? errno : EEXIST, NULL);
      rs_out_abort(M, o);
      return e;
    }
    if ((e = set_str(M, &o->tmp, &o->tmp_cap, name, strlen(name))) != 0) {
      (void)unlink(name);
      rs_out_abort(M, o);
      return say(err, errlen, path, e, NULL);
    }
    o->anon = 0;
  }
#endif
  e = close(o->fd) != 0 ? errno : 0;
  o->fd = -1;
  if (e || rename(o->tmp, o->target) != 0) {
    e = say(err, errlen, path, e ? e : errno, NULL);
    rs_out_abort(M, o);
    return e;
  }
  rs_free(M, o->tmp, o->tmp_cap);
  o->tmp = NULL;
  if (o->flags & RS_OUT_SYNC) sync_dir(o->target);
  rs_out_abort(M, o);
  return 0;
}

FILE *rs_out_stream(rs_out *o) {
  int fd = dup(o->fd);
  FILE *f;
  if (fd < 0) return NULL;
  f = fdopen(fd, "wb");
  if (!f) {
    int e = errno;
    close(fd);
    errno = e;
  }
  return f;
}

int rs_out_finish(rs_mem *M, rs_out *o, FILE *f, int ok, int e, const char *path, char *err,
                  size_t errlen) {
  if (f) {
    if ((fflush(f) != 0 || ferror(f)) && ok) {
      ok = 0;
      e = errno;
    }
    if (fclose(f) != 0 && ok) {
      ok = 0;
      e = errno;
    }
  }
  if (!ok) {
    if (!e) e = EIO;
    rs_out_abort(M, o);
    snprintf(err, errlen, "%s: %s", path, strerror(e));
    return e;
  }
  return rs_out_commit(M, o, path, err, errlen);
}

void rs_out_abort(rs_mem *M, rs_out *o) {
  if (o->fd >= 0) close(o->fd);
  o->fd = -1;
  if (o->tmp) {
    (void)unlink(o->tmp);
    rs_free(M, o->tmp, o->tmp_cap);
    o->tmp = NULL;
  }
  if (o->target) rs_free(M, o->target, o->target_cap);
  o->target = NULL;
}
