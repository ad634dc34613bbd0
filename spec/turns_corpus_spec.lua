-- Speaker turns in a corpus: the structure `turn` with its `speaker` and
-- `role`, made by the ingest for every parsed speech. Every figure below
-- is counted by hand on spec/fixtures/turns/press_conference.txt:
--
--   turn 1  Mara Lindqvist  Good afternoon. Our budget cuts taxes for working families.
--                           9 words, 11 tokens (positions 1-11)
--   turn 2  Tomas Okafor    The budget also lowers the deficit. Taxes fall and the deficit falls.
--                           12 words, 14 tokens (12-25)
--   turn 3  Q               Madam President, will taxes rise next year?
--                           7 words, 9 tokens (26-34)
--   turn 4  Mara Lindqvist  No. Taxes will not rise.                 5 words, 7 tokens (35-41)
--   turn 5  Q               And the deficit?                         3 words, 4 tokens (42-45)
--   turn 6  Tomas Okafor    The deficit keeps falling.               4 words, 5 tokens (46-50)
--
-- words per speaker: Lindqvist 9 + 5 = 14, Okafor 12 + 4 = 16, Q 7 + 3 = 10;
-- "taxes" (any case): turns 1, 2, 3, 4 (Lindqvist 2, Okafor 1, Q 1);
-- "deficit": turn 2 twice, turns 5 and 6 (Okafor 3, Q 1).
local rostra = require "rostra"

local FIX = "spec/fixtures/turns/press_conference.txt"
local ENV = 'LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="lua/?.so;;"'

local function tmpname(ext)
  local p = os.tmpname()
  os.remove(p)
  return p .. ext
end

local function run(args)
  local p = io.popen(ENV .. " lua5.4 bin/rostra " .. args .. " 2>&1; echo \"::$?\"")
  local out = p:read("a")
  p:close()
  local status = tonumber(out:match("::(%d+)\n$"))
  return out:gsub("::%d+\n$", ""), status
end

local function row_of(t, col, value)
  for _, row in t:rows() do if row[col] == value then return row end end
end

local EXPECTED = {
  { speaker = "Mara Lindqvist", role = "President", start = 1, stop = 11 },
  { speaker = "Tomas Okafor", role = "Secretary", start = 12, stop = 25 },
  { speaker = "Q", start = 26, stop = 34 },
  { speaker = "Mara Lindqvist", role = "President", start = 35, stop = 41 },
  { speaker = "Q", start = 42, stop = 45 },
  { speaker = "Tomas Okafor", role = "Secretary", start = 46, stop = 50 },
}

-- the turns of c as {speaker, role, start, stop}
local function turns_of(c)
  local out = {}
  for s in c:spans("turn") do
    out[#out + 1] = { speaker = s.speaker, role = s.role, start = s.start, stop = s.stop }
  end
  return out
end

-- the figures every corpus of the fixture must give, however it was made
local function check_counts(c)
  assert.are.same(EXPECTED, turns_of(c))
  assert.are.equal(2, c:count('<turn speaker = "Q"> []'))
  assert.are.equal(1, c:count('<turn speaker = "Q"> [lower = "madam"]'))
  assert.are.equal(2, c:count('<turn speaker = "Tomas Okafor"> []'))
  -- "deficit. Taxes" crosses a sentence, not a turn
  assert.are.equal(1, c:count('[lower = "deficit"] [] [lower = "taxes"] within turn'))
  assert.are.equal(0, c:count('[lower = "deficit"] [] [lower = "taxes"] within sentence'))
  -- "families. The" crosses a turn
  assert.are.equal(1, c:count('[lower = "families"] [] [lower = "the"]'))
  assert.are.equal(0, c:count('[lower = "families"] [] [lower = "the"] within turn'))
  local t = c:count('[lower = "taxes"]', { by = "speaker" })
  assert.are.equal(4, t.meta.hits)
  assert.are.equal(40, t.meta.words)
  local function check(name, count, words)
    local row = row_of(t, "speaker", name)
    assert.is_truthy(row, name)
    assert.are.equal(count, row.count)
    assert.are.equal(words, row.words)
    assert.are.equal(1, row.speeches)
  end
  check("Mara Lindqvist", 2, 14)
  check("Tomas Okafor", 1, 16)
  check("Q", 1, 10)
  assert.are.equal(3, #t)
  t = c:count('[lower = "deficit"]', { by = "speaker" })
  assert.are.equal(0, row_of(t, "speaker", "Mara Lindqvist").count)
  assert.are.equal(3, row_of(t, "speaker", "Tomas Okafor").count)
  assert.are.equal(1, row_of(t, "speaker", "Q").count)
  -- by role: the questions have none, so their hits and speech are left out, with a warning
  t = c:count('[lower = "deficit"]', { by = "role" })
  assert.are.equal(3, row_of(t, "role", "Secretary").count)
  assert.are.equal(16, row_of(t, "role", "Secretary").words)
  assert.are.equal(0, row_of(t, "role", "President").count)
  assert.are.equal(14, row_of(t, "role", "President").words)
  assert.are.equal(2, #t)
  assert.are.same({ "2 turns without 'role' left out (1 of the 4 hits)" }, t.warnings)
  -- frequency lists per speaker: each over the speaker's turns
  local f = c:freq({ by = "speaker" })
  local function freq(group, form)
    for _, row in f:rows() do
      if row.group == group and row.lower == form then return row.count, row.per_million end
    end
    return 0, 0
  end
  local n, pm = freq("Tomas Okafor", "the")
  assert.are.equal(4, n)
  assert.are.equal(4 * 1e6 / 16, pm)
  n, pm = freq("Mara Lindqvist", "taxes")
  assert.are.equal(2, n)
  assert.are.equal(2 * 1e6 / 14, pm)
  assert.are.equal(1, (freq("Q", "taxes")))
  assert.are.equal(1, (freq("Q", "the"))) -- "And the deficit?"
  assert.are.equal(0, (freq("Mara Lindqvist", "deficit")))
end

describe("turns in a corpus", function()
  local c
  setup(function()
    c = rostra.corpus()
    c:add(rostra.parse_file(FIX))
  end)

  it("has a turn per turn of the parse, with speaker and role", function()
    local levels, attrs = c:structures()
    local found
    for _, l in ipairs(levels) do if l == "turn" then found = true end end
    assert.is_true(found)
    table.sort(attrs.turn)
    assert.are.same({ "role", "speaker" }, attrs.turn)
    -- in corpus order, each in its speech
    local i = 0
    for s in c:spans("turn") do
      i = i + 1
      assert.are.equal(i, s.index)
      assert.are.equal(1, s.speech)
    end
    assert.are.equal(6, i)
  end)

  it("queries, counts per speaker and per turn by hand", function()
    check_counts(c)
  end)

  it("names the speaker of each concordance line's turn", function()
    local t = c:kwic('[lower = "deficit"]'):table(true)
    local who = {}
    for _, row in t:rows() do who[#who + 1] = row["turn.speaker"] end
    assert.are.same({ "Tomas Okafor", "Tomas Okafor", "Q", "Tomas Okafor" }, who)
    -- a corpus without transcripts has no such column
    local c2 = rostra.corpus()
    c2:add(rostra.parse("We support the deficit rule.\n"))
    local cols = table.concat(c2:kwic('[lower = "deficit"]'):table(true):columns(), ",")
    assert.is_falsy(cols:find("turn.speaker", 1, true))
  end)

  it("tags at level turn, by the turn's speaker", function()
    local lex = rostra.lexicon({ economy = { "tax*", "deficit" } })
    local t = c:tag(lex, { level = "turn", by = "speaker" })
    local per = {}
    for _, row in t:rows() do
      per[#per + 1] = { row.unit, row.speaker, row.count, row.words }
    end
    assert.are.same({
      { 1, "Mara Lindqvist", 1, 9 }, { 2, "Tomas Okafor", 3, 12 }, { 3, "Q", 1, 7 },
      { 4, "Mara Lindqvist", 1, 5 }, { 5, "Q", 1, 3 }, { 6, "Tomas Okafor", 1, 4 },
    }, per)
    local by = t:by()
    local function check(name, count, units, share)
      local row = row_of(by, "speaker", name)
      assert.is_truthy(row, name)
      assert.are.equal(count, row.count)
      assert.are.equal(units, row.units)
      assert.is_true(math.abs(row.share - share) < 1e-12)
    end
    check("Mara Lindqvist", 2, 2, 2 / 14)
    check("Tomas Okafor", 4, 2, 4 / 16)
    check("Q", 2, 2, 2 / 10)
    -- a metadata key other than the turn's: the speech's value for every turn
    local t2 = c:tag(lex, { level = "turn", by = "title" })
    for _, row in t2:rows() do assert.are.equal("Mara Lindqvist", row.speaker) end
    assert.has_error(function() c:tag(lex, { level = "turns" }) end,
      "unknown level 'turns' (valid: speech, segment (or paragraph), point, sentence, turn)")
  end)

  it("keeps the turns through save and open", function()
    local path = tmpname(".rostra")
    assert(c:save(path))
    local c2 = assert(rostra.open(path))
    check_counts(c2)
    c2:close()
    os.remove(path)
  end)

  it("writes the turns to a VRT file, and reading it back gives the same counts", function()
    local path = tmpname(".vrt")
    c:export_vrt(path)
    local f = assert(io.open(path, "rb"))
    local s = f:read("a")
    f:close()
    local n = 0
    for _ in s:gmatch('<turn speaker="Q">') do n = n + 1 end
    assert.are.equal(2, n)
    n = 0
    for _ in s:gmatch('<turn speaker="Tomas Okafor" role="Secretary">') do n = n + 1 end
    assert.are.equal(2, n)
    local c2 = assert(rostra.load(path))
    check_counts(c2)
    os.remove(path)
  end)

  it("makes a speech without labels one turn of its speaker", function()
    local c2 = rostra.corpus()
    c2:add(rostra.parse("Statement by H.E. Mr. Ivo Marten, Prime Minister of Veloria\n\n"
      .. "Mr. President,\n\nWe support the Charter. Peace needs work.\n"))
    c2:add(rostra.parse_file(FIX))
    local t = turns_of(c2)
    assert.are.equal(7, #t)
    assert.are.equal("Ivo Marten", t[1].speaker)
    assert.are.equal(1, t[1].start)
    -- "Mr. President," and the paragraph: the whole speech, up to the transcript's first token
    assert.are.equal(t[2].start - 1, t[1].stop)
    assert.are.equal(EXPECTED[1].stop, t[2].stop - t[1].stop)
    -- by speaker: the labelled transcript by its turns, the statement by its speaker
    local tb = c2:count("[]", { by = "speaker" })
    assert.are.equal(1, row_of(tb, "speaker", "Ivo Marten").speeches)
    assert.are.equal(14, row_of(tb, "speaker", "Mara Lindqvist").words)
    assert.are.equal(10, row_of(tb, "speaker", "Q").words)
  end)

  it("says so, and adds nothing, when the corpus has no room for the structure turn", function()
    local path = tmpname(".vrt")
    local f = assert(io.open(path, "wb"))
    f:write('<text id="x">\n')
    for i = 1, 16 do f:write(("<a%d>\n"):format(i)) end
    f:write("Hello\nworld\n")
    for i = 16, 1, -1 do f:write(("</a%d>\n"):format(i)) end
    f:write("</text>\n")
    f:close()
    local c2 = assert(rostra.load(path))
    os.remove(path)
    assert.has_error(function() c2:add(rostra.parse("We support the Charter.\n")) end)
    local ok, err = pcall(c2.add, c2, rostra.parse("We support the Charter.\n"))
    assert.is_false(ok)
    assert.is_truthy(tostring(err):find("too many structures: <turn> would be the 17th", 1, true), err)
    assert.are.equal(2, #c2)
    assert.are.equal(1, select(2, c2:counts()))
  end)

  it("skips, with a warning, the files of a folder that need a structure there is no room for", function()
    -- a folder: a vertical file of 16 structures of its own, and two plain
    -- texts whose turns need a 17th; in the other order, the vertical file
    -- is the one that does not fit. Either way the load goes on, the files
    -- that fit are loaded and the others named in c:info().warnings
    local function folder(first)
      local dir = tmpname("")
      os.remove(dir)
      assert(os.execute("mkdir -p '" .. dir .. "'"))
      local f = assert(io.open(dir .. "/" .. first .. ".vrt", "wb"))
      f:write('<text id="x">\n')
      for i = 1, 16 do f:write(("<a%d>\n"):format(i)) end
      f:write("Hello\nworld\n")
      for i = 16, 1, -1 do f:write(("</a%d>\n"):format(i)) end
      f:write("</text>\n")
      f:close()
      for _, name in ipairs { "b.txt", "c.txt" } do
        f = assert(io.open(dir .. "/" .. name, "wb"))
        f:write("We support the Charter and the peace.\n")
        f:close()
      end
      return dir
    end
    for _, threads in ipairs { 1, 2 } do
      local dir = folder("a") -- the vertical file first: the texts are skipped
      local c2 = assert(rostra.load(dir, { threads = threads }))
      assert.are.equal(1, select(2, c2:counts()))
      assert.are.equal(2, #c2)
      local ws = table.concat(c2:info().warnings, "\n")
      assert.is_truthy(ws:find("b.txt: too many structures: <turn> would be the 17th", 1, true), ws)
      assert.is_truthy(ws:find("c.txt: too many structures: <turn> would be the 17th", 1, true), ws)
      c2:close()
      os.execute("rm -rf '" .. dir .. "'")
      dir = folder("z") -- the texts first: the vertical file is skipped
      c2 = assert(rostra.load(dir, { threads = threads }))
      assert.are.equal(2, select(2, c2:counts()))
      assert.are.equal(16, #c2) -- 8 tokens each (seven words and the full stop)
      ws = table.concat(c2:info().warnings, "\n")
      assert.is_truthy(ws:find("z.vrt: too many structures: <a16> would be the 17th", 1, true), ws)
      local nturns = 0
      for _ in c2:spans("turn") do nturns = nturns + 1 end
      assert.are.equal(2, nturns) -- one turn in each text
      c2:close()
      os.execute("rm -rf '" .. dir .. "'")
    end
  end)

  it("works from the command line", function()
    local out, st = run("count '[lower=\"taxes\"]' " .. FIX .. " --by speaker --format tsv")
    assert.are.equal(0, st, out)
    assert.is_truthy(out:find("Mara Lindqvist\t2\t14\t", 1, true), out)
    assert.is_truthy(out:find("Q\t1\t10\t", 1, true), out)
    out, st = run("count '<turn speaker=\"Q\"> []' " .. FIX .. " --format tsv")
    assert.are.equal(0, st, out)
    assert.is_truthy(out:find("\t2\t1\t40\t", 1, true), out)
    out, st = run("count '[lower=\"deficit\"] [] [lower=\"taxes\"] within turn' " .. FIX .. " --format tsv")
    assert.are.equal(0, st, out)
    assert.is_truthy(out:find("\t1\t1\t40\t", 1, true), out)
    -- windows within a turn: "Madam" of the question (3 tokens after the
    -- answer's last "deficit") is no collocate of it; within the speech it is
    local COLL = "collocates '[lower=\"deficit\"]' " .. FIX .. " --window 5 --min 1 --format tsv"
    out, st = run(COLL .. " --within turn")
    assert.are.equal(0, st, out)
    assert.is_truthy(out:find("\nkeeps\t1\t", 1, true), out)
    assert.is_falsy(out:find("\nmadam\t", 1, true), out)
    out = run(COLL .. " --within speech")
    assert.is_truthy(out:find("\nmadam\t1\t", 1, true), out)
    local lex = tmpname(".yaml")
    local f = assert(io.open(lex, "wb"))
    f:write("economy:\n  - tax*\n  - deficit\n")
    f:close()
    out, st = run("themes " .. FIX .. " --lexicon " .. lex .. " --level turn --by speaker --format tsv")
    os.remove(lex)
    assert.are.equal(0, st, out)
    assert.is_truthy(out:find("Tomas Okafor\teconomy\t4\t", 1, true), out)
    assert.is_truthy(out:find("Q\teconomy\t2\t", 1, true), out)
    out, st = run("themes " .. FIX .. " --level turns")
    assert.are.equal(2, st, out)
    -- the themes plot at level turn by speaker: each speaker's share of their turns' words
    f = assert(io.open(lex, "wb"))
    f:write("economy:\n  - tax*\n  - deficit\n")
    f:close()
    local svg = tmpname(".svg")
    out, st = run("plot themes " .. FIX .. " --lexicon " .. lex .. " --level turn --by speaker -o " .. svg)
    os.remove(lex)
    assert.are.equal(0, st, out)
    f = assert(io.open(svg, "rb"))
    local doc = f:read("a")
    f:close()
    os.remove(svg)
    local shares = {}
    for x, v in doc:gmatch('data%-x="([^"]*)" data%-share="([^"]*)"') do shares[x] = tonumber(v) end
    assert.is_true(math.abs(shares["Mara Lindqvist"] - 2 / 14) < 1e-12)
    assert.is_true(math.abs(shares["Tomas Okafor"] - 4 / 16) < 1e-12)
    assert.is_true(math.abs(shares["Q"] - 2 / 10) < 1e-12)
  end)
end)
