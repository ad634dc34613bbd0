/*
** fuzz_walk.c: folder walks (core.walk, rostra.load) in a temporary tree
** that the input builds: folders, .txt files, symbolic links (to ., ..,
** siblings, themselves, nowhere), hard links and FIFOs. The walk must end,
** list each file once (by device and inode), only regular .txt files,
** never open a FIFO (it would block), and load at most those files; every
** warning is a message.
*/
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_lua.h"

static const char *SETUP =
  "local F = assert(loadfile(ROOT .. '/fuzz/setup.lua'))(ROOT)\n"
  "local rostra = F.rostra\n"
  "local core = require 'rostra.core'\n"
  "function fuzz(dir)\n"
  "  local paths, warnings = core.walk(dir)\n"
  "  assert(paths, 'the walk failed on a folder: ' .. tostring(warnings))\n"
  "  local ids = {}\n"
  "  for _, p in ipairs(paths) do\n"
  "    local id, kind = core.file_id(p)\n"
  "    assert(id and kind == 'file', 'listed, not a regular file: ' .. p)\n"
  "    assert(not ids[id], 'a file listed twice: ' .. p)\n"
  "    assert(p:sub(-4) == '.txt', 'not a .txt file: ' .. p)\n"
  "    ids[id] = true\n"
  "  end\n"
  "  for _, w in ipairs(warnings) do assert(type(w) == 'string') end\n"
  "  local c = rostra.load(dir, {threads = 1})\n"
  "  if c then\n"
  "    local _, ndoc = c:counts()\n"
  "    assert(ndoc <= #paths, 'more speeches than files')\n"
  "    for _, w in ipairs(c:info().warnings) do assert(type(w) == 'string') end\n"
  "    c:close()\n"
  "  end\n"
  "end\n";

static const char *const NAMES[] = {"a", "b", "c.txt", "d.txt", "e", "self", "up", "f.txt"};
/* link targets; those going up (ups > 0) only from deep enough, so that
** no link leads out of the tree (the walk would read the whole disk) */
static const char *const TARGETS[] = {".",    "..",    "../..", "a",    "c.txt", "a/c.txt", "b/..",
                                      "missing.txt", "self", "/nonexistent", "../a", "d.txt", "a/../a"};
static const int UPS[] = {0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0};
#define NNAMES (sizeof NAMES / sizeof *NAMES)
#define NTARGETS (sizeof TARGETS / sizeof *TARGETS)
#define MAXDIRS 12
#define MAXOPS 48

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  remove(p);
  return 0;
}

/* links that resolve out of the tree, found after it is built (a link to
** ".." through a link to "." goes up further than its own place says):
** removed, so that the walk never reads the rest of the disk */
static char tree_real[4096];
static size_t tree_len;
static int escaped;

static int unlink_escaping(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
  char real[4096];
  (void)st;
  (void)ftw;
  if (flag != FTW_SL) return 0;
  if (!realpath(p, real)) return 0; /* dangling or a loop: the walk must cope */
  if (strncmp(real, tree_real, tree_len) == 0 && (real[tree_len] == '/' || real[tree_len] == 0)) return 0;
  if (unlink(p) == 0) escaped = 1;
  return 0;
}

static void keep_in_tree(const char *root) {
  if (!realpath(root, tree_real)) abort();
  tree_len = strlen(tree_real);
  do { /* removing a link may leave another dangling, never escaping: until none */
    escaped = 0;
    nftw(root, unlink_escaping, 16, FTW_PHYS);
  } while (escaped);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  fuzz_lua_init(SETUP);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *tmp = getenv("TMPDIR");
  char root[512], dirs[MAXDIRS][768], path[1024], other[1024];
  int ndirs = 1, files = 0, depth[MAXDIRS];
  size_t i;
  snprintf(root, sizeof root, "%s/fuzz_walk.XXXXXX", tmp && *tmp ? tmp : "build-fuzz");
  if (!mkdtemp(root)) {
    perror(root);
    abort();
  }
  snprintf(dirs[0], sizeof dirs[0], "%s", root);
  depth[0] = 0;
  for (i = 0; i + 1 < size && i / 2 < MAXOPS; i += 2) {
    unsigned op = data[i] % 5, name = (data[i] / 5) % NNAMES;
    unsigned parent = data[i + 1] % (unsigned)ndirs, target = (data[i + 1] / 16) % NTARGETS;
    snprintf(path, sizeof path, "%s/%s", dirs[parent], NAMES[name]);
    switch (op) {
      case 0: /* a folder */
        if (ndirs < MAXDIRS && mkdir(path, 0755) == 0) {
          depth[ndirs] = depth[parent] + 1;
          snprintf(dirs[ndirs++], sizeof dirs[0], "%s", path);
        }
        break;
      case 1: { /* a text file */
        FILE *f = fopen(path, "wbx");
        if (f) {
          fprintf(f, "Speech %d: peace and security.\n", files++);
          fclose(f);
        }
        break;
      }
      case 2: /* a symbolic link, never out of the tree */
        if (UPS[target] <= depth[parent]) (void)symlink(TARGETS[target], path);
        break;
      case 3: /* a FIFO: never to be opened */
        (void)mkfifo(path, 0644);
        break;
      default: { /* a second name of a regular file (not of a link: it could lead out) */
        struct stat st;
        snprintf(other, sizeof other, "%s/%s", dirs[data[i + 1] % (unsigned)ndirs], NAMES[target % NNAMES]);
        if (lstat(other, &st) == 0 && S_ISREG(st.st_mode)) (void)link(other, path);
        break;
      }
    }
  }
  keep_in_tree(root);
  fuzz_lua_call(root, strlen(root));
  nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
  return 0;
}
