-- rostra check INDEX and --verify: every checksum read, a damaged index
-- refused with its damaged section named (exit 1).
local support = require "support"
local rostra = require "rostra"

local DIR = "spec/fixtures/sotu"

local main = support.cli_main

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

-- a copy of the index with byte `at` (1-based) flipped
local function flipped(src, dst, at)
  local s = read(src)
  write(dst, s:sub(1, at - 1) .. string.char(s:byte(at) ~ 0x01) .. s:sub(at + 1))
end

describe("checking an index", function()
  local good, bad
  setup(function()
    good = os.tmpname() .. ".rostra"
    bad = os.tmpname() .. ".rostra"
    local c = assert(rostra.load(DIR, { meta = "{year}_{president:.+}_{party}.txt" }))
    assert(c:save(good))
  end)
  teardown(function()
    os.remove(good)
    os.remove(bad)
  end)

  it("rostra check says ok, with the counts, for a sound index", function()
    local status, out, err = main { "check", good }
    assert.equal(0, status, err)
    -- 74 words and 18 punctuation marks (4 + 3 + 3 + 3 + 5, by hand)
    assert.equal(good .. ": ok: every checksum verified (5 speeches, 92 tokens)\n", out)
    assert.equal("", err)
  end)

  it("exits 1 on one flipped byte, naming the damaged section", function()
    local s = read(good)
    -- the text of the speeches: find a word of them in the file
    local at = s:find("Fellow citizens", 1, true)
    assert.truthy(at)
    flipped(good, bad, at + 3)
    local status, out, err = main { "check", bad }
    assert.equal(1, status)
    assert.equal("", out)
    assert.equal(("rostra check: %s: corrupt index: checksum mismatch in section 6 (the source text)\n")
      :format(bad), err)
  end)

  it("refuses a flip anywhere in the file", function()
    local s = read(good)
    -- thinned under valgrind (tools/valgrind.sh)
    local samples = os.getenv("ROSTRA_VALGRIND") and 20 or 120
    local step = math.max(1, #s // samples)
    local n = 0
    for at = 1, #s, step do
      flipped(good, bad, at)
      local c, err, code = rostra.open(bad, { verify = true })
      assert.is_nil(c, "a flip at byte " .. at .. " went unseen")
      assert.truthy(code == "ECORRUPT" or code == "ENOTINDEX", code)
      assert.truthy(err:find(bad, 1, true))
      n = n + 1
    end
    assert.truthy(n >= samples - 1)
  end)

  it("--verify makes every subcommand refuse a damaged index; without it the command reads on", function()
    local s = read(good)
    flipped(good, bad, s:find("Fellow citizens", 1, true) + 3)
    for _, args in ipairs {
      { "count", "freedom", bad, "--verify" },
      { "kwic", "freedom", bad, "--verify" },
      { "info", bad, "--verify" },
      { "parse", bad, "--verify", "--level", "speech" },
    } do
      local status, out, err = main(args)
      assert.equal(1, status, args[1])
      assert.equal("", out)
      assert.truthy(err:find("checksum mismatch in section 6 (the source text)", 1, true), err)
    end
    local status = main { "count", "freedom", bad }
    assert.equal(0, status)
  end)

  it("is 1 for a file that is not an index, 2 without one", function()
    local status, _, err = main { "check", "README.md" }
    assert.equal(1, status)
    assert.truthy(err:find("not a rostra index", 1, true), err)
    status = main { "check" }
    assert.equal(2, status)
  end)

  it("gives a table in the other formats", function()
    local status, out = main { "check", good, "--format", "tsv" }
    assert.equal(0, status)
    assert.truthy(out:find("^index\tstatus\tspeeches\ttokens\tproblem\n"), out)
  end)
end)
