/*
** fsout.h: writing an output file without destroying anything (fsout.c).
** Used by the index save (store.c) and by every export of the Lua API and
** the command (lfsout.c), so that they all follow the same rules:
**
**   - a regular file (or a path that does not exist yet) is written to a
**     temporary file in the same folder and renamed over the target at
**     commit: the target is the old file or the whole new one, never a part;
**   - a symbolic link is followed: its target is replaced, the link stays;
**   - a new file gets mode 0666 minus the umask (and the folder's default
**     ACL), as any program's new file; a replaced file keeps its mode, and
**     its owner and group where the process may set them; a target the
**     process may not write to is refused (EACCES), as a shell redirection
**     would refuse it;
**   - a character device or a FIFO (/dev/null, a named pipe) is opened and
**     written straight, never replaced; so is a standard stream named as
**     /dev/stdout, /dev/stderr, /dev/fd/N or /proc/self/fd/N (the stream
**     itself is written, as a shell redirection does); a block device, a
**     socket or a folder is refused;
**   - where the system has it (Linux, O_TMPFILE) the temporary file has no
**     name until commit, so a process killed while writing leaves nothing
**     behind; elsewhere it is ".NAME.tmp-PID-XXXXXX" beside the target, and
**     opening an output removes those of the same target that a process
**     now dead left more than a minute ago.
**
** Errors are errno values (ENOENT for a missing folder, EACCES, EISDIR,
** ENOSPC, ...) with a message naming the path the caller gave.
*/
#ifndef ROSTRA_FSOUT_H
#define ROSTRA_FSOUT_H

#include <stdio.h>
#include <sys/types.h>

#include "rostra.h"

/* what a path names (stat, links followed) */
enum {
  RS_FK_NONE = 0, /* nothing there */
  RS_FK_FILE,
  RS_FK_DIR,
  RS_FK_CHR,
  RS_FK_BLK,
  RS_FK_FIFO,
  RS_FK_SOCK,
  RS_FK_OTHER
};

/* "regular file", "folder", "character device", ... */
const char *rs_fk_name(int kind);

/* rs_out_open flags */
enum {
  RS_OUT_REGULAR = 1, /* only a regular file will do (the index: pwrite at offsets) */
  RS_OUT_SYNC = 2     /* fsync the file and its folder at commit */
};

typedef struct rs_out {
  int fd;
  int direct;       /* writing straight into a device, FIFO or stream */
  int anon;         /* an unnamed temporary file (O_TMPFILE) */
  int flags;
  int replacing;    /* the target exists (a regular file) */
  char *target;     /* the path written at commit: links followed */
  size_t target_cap;
  char *tmp;        /* the temporary file's name, when it has one */
  size_t tmp_cap;
  dev_t dev;        /* of the target, when replacing */
  ino_t ino;
} rs_out;

/* Open an output for path (see above). Returns 0, or an errno value with
** err set to "PATH: message". On success o must be committed or aborted. */
int rs_out_open(rs_mem *M, rs_out *o, const char *path, int flags, char *err, size_t errlen);

/* Write all of p[0..n); 0 or an errno value */
int rs_out_write(rs_out *o, const void *p, size_t n);

/* Finish: sync (RS_OUT_SYNC), give the file its final mode and name.
** Returns 0 or an errno value (err set, the temporary file removed, the
** target untouched); o is closed either way. */
int rs_out_commit(rs_mem *M, rs_out *o, const char *path, char *err, size_t errlen);

/* Give up: close, remove the temporary file; the target is untouched. Safe
** on a closed or zeroed rs_out. */
void rs_out_abort(rs_mem *M, rs_out *o);

/* A stdio stream writing into o (on a duplicate of its descriptor), for
** writers that print; NULL with errno set when it cannot be made. */
FILE *rs_out_stream(rs_out *o);

/* Close f (a stream of o, or NULL), then commit o when ok and nothing
** failed, else abort it (e: the errno value of the failure, 0 for EIO).
** Returns 0 or an errno value with err set to "PATH: message"; o is closed
** either way. */
int rs_out_finish(rs_mem *M, rs_out *o, FILE *f, int ok, int e, const char *path, char *err,
                  size_t errlen);

/* The device and inode of what path names (links followed): 0, or an
** errno value. */
int rs_file_id(const char *path, dev_t *dev, ino_t *ino, int *kind);

#endif
