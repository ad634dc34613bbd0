/*
** fuzz_index.c: the index loader on damaged .rostra files. Each input is
** written to a temporary file and opened with and without verify; what
** opens is queried, tagged, counted and concordanced (fuzz/setup.lua,
** exercise), and once more opened without the sanity checks (what they
** refuse reaches the readers). A second copy gets its header checksum and size field fixed
** up, so that mutations of the section table and the scalars get past the
** header check and reach the section checks and the readers.
** With FUZZ_INDEX_SEED_DIR set, the init writes seed indexes there.
*/
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "fuzz_lua.h"

static const char *SETUP =
  "local F = assert(loadfile(ROOT .. '/fuzz/setup.lua'))(ROOT)\n"
  "local rostra, check_error = F.rostra, F.check_error\n"
  "local lex = F.load_lexicon()\n"
  "local seeds = os.getenv('FUZZ_INDEX_SEED_DIR')\n"
  "if seeds then\n"
  "  local c = F.build_corpus()\n"
  "  assert(c:save(seeds .. '/corpus.rostra'))\n"
  "  local one = rostra.corpus()\n"
  "  one:add(rostra.parse('Mr. President,\\n\\nFirst, “peace” and security.\\n\\nThank you.\\n'), {year = 2020})\n"
  "  assert(one:save(seeds .. '/one.rostra'))\n"
  "  assert(rostra.corpus():save(seeds .. '/empty.rostra'))\n"
  "end\n"
  "function fuzz(path)\n"
  "  -- what verify accepts is undamaged: the unverified open reads the same\n"
  "  local c, msg, code = rostra.open(path, {verify = true})\n"
  "  if c then c:close() else assert(type(msg) == 'string' and type(code) == 'string') end\n"
  "  c, msg, code = rostra.open(path)\n"
  "  if c then\n"
  "    F.exercise(c, lex)\n"
  "    c:close()\n"
  "  else\n"
  "    assert(type(msg) == 'string' and type(code) == 'string', 'open failed without a message')\n"
  "  end\n"
  "  -- without the sanity checks the readers meet the damage itself\n"
  "  c = rostra.open(path, {sanity = false})\n"
  "  if c then\n"
  "    F.exercise(c, lex)\n"
  "    c:close()\n"
  "  end\n"
  "end\n";

static char path[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  const char *tmp = getenv("TMPDIR");
  int fd;
  (void)argc;
  (void)argv;
  snprintf(path, sizeof path, "%s/fuzz_index.XXXXXX", tmp && *tmp ? tmp : "build-fuzz");
  fd = mkstemp(path);
  if (fd < 0) {
    perror(path);
    exit(1);
  }
  close(fd);
  fuzz_lua_init(SETUP);
  return 0;
}

static void put(const uint8_t *d, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f || (n && fwrite(d, 1, n, f) != n) || fclose(f) != 0) {
    perror(path);
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  put(data, size);
  fuzz_lua_call(path, strlen(path));
  /* the header fixed up: file size and header checksum */
  if (size >= 32 && memcmp(data, "ROSTRAIX", 8) == 0) {
    uint32_t n, sum;
    uint64_t sz = size;
    memcpy(&n, data + 12, 4);
    if (n > 0 && n < 1000 && 32 + (size_t)n * 40 <= size) {
      uint8_t *c = malloc(size);
      memcpy(c, data, size);
      memcpy(c + 16, &sz, 8);
      sum = (uint32_t)XXH3_64bits(c, 28) ^ (uint32_t)XXH3_64bits(c + 32, (size_t)n * 40);
      memcpy(c + 28, &sum, 4);
      if (memcmp(c, data, 32) != 0) { /* else the same file again */
        put(c, size);
        fuzz_lua_call(path, strlen(path));
      }
      free(c);
    }
  }
  unlink(path);
  return 0;
}
