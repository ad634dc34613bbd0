--- Allocation failure: the k-th allocation of the core fails, for every k,
-- through a run that loads, parses, indexes, saves, opens, queries and tags
-- a few short speeches (threads = 1, as Lua's own test suite does). Each
-- failure must surface as the Lua error "not enough memory", with nothing
-- crashed; under tools/asan-spec.sh (LeakSanitizer on) nothing leaked either.
-- Allocations Lua makes itself (tables, strings) are not counted: only the
-- core's, through its rs_mem hook (core._failalloc, see csrc/lrostra.c).
local rostra = require "rostra"
local core = require "rostra.core"

local TEXTS = {
  "Mr. President,\n\nFirst, “peace” and security.\n\nSecond, we work (“together”).\n\nThank you.\n",
  "---\nspeaker: Xi Jinping\ndate: 2020-11-10\ntags: [a, b]\n---\nDear colleagues,\n\n"
    .. "The U.S. and China spoke. No. 5 is next.\n",
  "Le développement durable. La sécurité pour tous, “paix”.\n",
}

local function write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

describe("allocation failure #allocfail", function()
  local files, index = {}, nil

  setup(function()
    for i, t in ipairs(TEXTS) do
      files[i] = os.tmpname()
      write(files[i], t)
    end
    index = os.tmpname()
  end)

  teardown(function()
    core._failalloc(nil)
    for _, f in ipairs(files) do os.remove(f) end
    os.remove(index)
  end)

  -- the whole run; raises on any failure
  local function run()
    local lex = assert(rostra.lexicon("spec/fixtures/lexicon/themes.yaml"))
    local dic = assert(rostra.lexicon("spec/fixtures/lexicon/themes.dic"))
    local loaded = assert(rostra.load(files, { threads = 1 }))
    assert(loaded:count('"peace"') >= 0)
    loaded:close()
    local c = rostra.corpus()
    for i, t in ipairs(TEXTS) do
      c:add(assert(rostra.parse(t, { name = "s" .. i .. ".txt" })), { year = 2018 + i })
    end
    c:add("A plain text.")
    assert(c:count('"peace" | [lower="s.*"]') >= 0)
    assert(c:save(index))
    local d = assert(rostra.open(index, { verify = true }))
    d:count('"the" []{0,2} "."')
    d:count('[word="d.*"%cd] within sentence')
    d:query('<segment> [] </segment>')
    d:kwic('"peace"', { context = 3 })
    d:freq { top = 5 }
    d:positions("peace")
    d:text_span(1, 5)
    for _ in d:spans("quotation") do end
    if d.tag then
      d:tag(lex)
      d:tag(dic)
    end
    d:close()
    c:close()
  end

  it("every core allocation that fails raises 'not enough memory'", function()
    core._failalloc(nil)
    run() -- runs whole when nothing fails
    core._failalloc(math.maxinteger)
    run()
    local n = core._failalloc(nil)
    assert.truthy(n > 50, "only " .. n .. " core allocations: is the hook used?")
    for k = 1, n do
      core._failalloc(k)
      local ok, err = pcall(run)
      core._failalloc(nil)
      collectgarbage() -- finalizers free what the failed run left (none fail)
      assert(not ok, "allocation " .. k .. " of " .. n .. " failed unnoticed")
      assert(type(err) == "string" and err:find("not enough memory", 1, true),
        ("allocation %d of %d: %s"):format(k, n, tostring(err)))
    end
  end)

  it("leaves the core usable after a failure", function()
    core._failalloc(3)
    pcall(run)
    core._failalloc(nil)
    run()
  end)

  it("counts only while on", function()
    core._failalloc(nil)
    assert.equal(0, core._failalloc(nil))
    assert.has_error(function() core._failalloc(0) end)
    assert.has_error(function() core._failalloc("x") end)
  end)
end)
