/*
** fuzz_query.c: the query language and matcher through the Lua API. A small
** corpus is built once (fuzz/setup.lua), saved and reopened; each input is
** a query run with c:count under pcall. When it compiles, c:query must
** agree with the count, the matches must be ordered spans inside the
** corpus, the reopened index must give the same count, and a view fewer.
** The work budget: with the steps the query took it counts the same, with
** one step fewer it stops with the budget's message.
*/
#include <stdint.h>

#include "fuzz_lua.h"

static const char *SETUP =
  "local F = assert(loadfile(ROOT .. '/fuzz/setup.lua'))(ROOT)\n"
  "local rostra, check_error = F.rostra, F.check_error\n"
  "local core = require 'rostra.core'\n"
  "local c = F.build_corpus()\n"
  "local path = os.tmpname()\n"
  "assert(c:save(path))\n"
  "local saved = assert(rostra.open(path, {verify = true}))\n"
  "os.remove(path)\n"
  "local view = c:where{year = 2020}\n"
  "local ntok = c:counts()\n"
  "function fuzz(q)\n"
  "  local ok, n = pcall(c.count, c, q)\n"
  "  if not check_error(ok, n) then\n"
  "    assert(not pcall(c.query, c, q), 'count failed but query did not')\n"
  "    return\n"
  "  end\n"
  "  assert(math.type(n) == 'integer' and n >= 0)\n"
  "  local m = c:query(q)\n"
  "  assert(#m == n, 'count and query disagree')\n"
  "  local last = 0\n"
  "  for i = 1, #m do\n"
  "    local a, b = m.starts[i], m.stops[i]\n"
  "    assert(a > last and b >= a and b <= ntok, 'bad match span')\n"
  "    last = b\n"
  "  end\n"
  "  -- the work budget: with at least the steps it took, the same count;\n"
  "  -- with fewer, the budget's message and nothing else\n"
  "  local steps = core._query_steps()\n"
  "  if steps > 0 then\n"
  "    assert(c:count(q, {budget = steps}) == n, 'a budget of the steps taken changed the count')\n"
  "    if steps > 1 then\n"
  "      local bok, berr = pcall(c.count, c, q, {budget = steps - 1})\n"
  "      assert(not bok and type(berr) == 'string' and berr:find('^query too costly: more than ' .. (steps - 1)),\n"
  "        'a budget one step short: ' .. tostring(berr))\n"
  "    end\n"
  "  end\n"
  "  assert(saved:count(q) == n, 'the saved index counts differently')\n"
  "  assert(view:count(q) <= n, 'a view has more matches than its corpus')\n"
  "  if n > 0 then\n"
  "    c:kwic(m:cut(3), {context = 4})\n"
  "    c:kwic(m:cut(3), {chars = 20, clip = 'sentence'})\n"
  "  end\n"
  "end\n";

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  fuzz_lua_init(SETUP);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_lua_call((const char *)data, size);
  return 0;
}
