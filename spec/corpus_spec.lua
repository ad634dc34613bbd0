local rostra = require "rostra"
local support = require "support"

local FIX = "spec/fixtures/corpus"

-- an independent count in plain Lua from the tokenizer
local function count_lower(paths, form)
  local n = 0
  for _, p in ipairs(paths) do
    for _, t in ipairs(rostra.tokenize(support.read(p))) do
      if t.lower == form then n = n + 1 end
    end
  end
  return n
end

local function tmpfile()
  local p = os.tmpname()
  os.remove(p)
  return p .. ".rostra"
end

local TEXT_PATHS = { FIX .. "/a_2019.txt", FIX .. "/b_2020.txt", FIX .. "/sub/c_2021.txt" }

describe("rostra.corpus", function()
  describe("building", function()
    it("adds plain texts and parsed speeches and counts their tokens", function()
      local c = rostra.corpus()
      assert.are.equal(1, c:add("Security and development.", { year = 2019 }))
      local sp = assert(rostra.parse(support.read(FIX .. "/b_2020.txt"), { name = "b_2020.txt" }))
      assert.are.equal(2, c:add(sp, { year = 2020 }))
      local expect = #rostra.tokenize("Security and development.") + #rostra.tokenize(sp.text)
      assert.are.equal(expect, #c)
      assert.are.equal(2020, c:meta(2).year)
    end)

    it("finds every position of a lower form, as a plain count does", function()
      local c = rostra.corpus()
      for _, p in ipairs(TEXT_PATHS) do c:add(support.read(p)) end
      for _, form in ipairs { "security", "development", "the", "win-win", "“", "zzz" } do
        local pos = c:positions(form)
        assert.are.equal(count_lower(TEXT_PATHS, form), #pos, form)
        for i = 2, #pos do assert.is_true(pos[i] > pos[i - 1]) end
        for _, p in ipairs(pos) do assert.are.equal(form, c:token(p, "lower")) end
      end
    end)

    it("merges the word types behind a lower type", function()
      local c = rostra.corpus()
      c:add("Security security SECURITY. Securities secure.")
      assert.are.same({ 1, 2, 3 }, c:positions("security"))
      assert.are.same({ 1 }, c:positions("Security", "word"))
      -- Snowball: security, securities, secure -> secur
      assert.are.same({ 1, 2, 3, 5, 6 }, c:positions("secur", "stem"))
    end)

    it("rebuilds the source text around positions", function()
      local c = rostra.corpus()
      c:add("We meet\u{A0}in a  time of trouble.")
      assert.are.equal("meet\u{A0}in a  time", c:text_span(2, 5))
    end)
  end)

  describe("freq", function()
    it("counts in C what a plain count gives, with per-million figures", function()
      local c = rostra.corpus()
      for _, p in ipairs(TEXT_PATHS) do c:add(support.read(p)) end
      local t = c:freq { top = 5 }
      assert.are.equal(5, #t)
      assert.are.equal(count_lower(TEXT_PATHS, t[1].lower), t[1].count)
      assert.is_true(t[1].count >= t[2].count)
      -- rates divide by words: tokens that are words or numbers, counted here
      -- with the tokenizer over the texts (a plain text is all speech, but
      -- for its front matter, which is set aside)
      local words = 0
      for _, p in ipairs(TEXT_PATHS) do
        local text = support.read(p):gsub("^%-%-%-\n.-\n%-%-%-\n", "")
        for _, tok in ipairs(rostra.tokenize(text)) do
          if tok.kind == "word" or tok.kind == "number" then words = words + 1 end
        end
      end
      assert.are.equal(words, c:words())
      assert.is_true(words < #c) -- the punctuation is in #c, not in the denominator
      assert.are.near(t[1].count * 1e6 / words, t[1].per_million, 1e-6)
    end)

    it("groups by a metadata key", function()
      local c = rostra.corpus()
      c:add("peace peace war", { year = 2019 })
      c:add("war war war peace", { year = 2020 })
      local t = c:freq { by = "year", min = 1 }
      local got = {}
      for _, row in t:rows() do got[row.group .. ":" .. row.lower] = row.count end
      assert.are.same({ ["2019:peace"] = 2, ["2019:war"] = 1, ["2020:war"] = 3, ["2020:peace"] = 1 }, got)
    end)

    it("rejects an unknown attribute", function()
      local c = rostra.corpus()
      assert.has_error(function() c:freq { attr = "lemma" } end,
        "unknown attribute 'lemma' (valid: word, lower, stem)")
    end)
  end)

  describe("where", function()
    local c = rostra.corpus()
    c:add("one", { country = "CHN", year = 2013 })
    c:add("two words", { country = "RUS", year = 2018 })
    c:add("three more words", { country = "USA", year = 2023 })
    c:add("four words in all", { country = "CHN", year = 2024 })

    it("selects by value, set, range and function", function()
      assert.are.equal(2, select(2, c:where { country = "CHN" }:counts()))
      assert.are.equal(3, select(2, c:where { country = { "CHN", "RUS" } }:counts()))
      assert.are.equal(2, select(2, c:where { year = { min = 2015, max = 2023 } }:counts()))
      assert.are.equal(1, select(2, c:where(function(m) return m.year == 2013 end):counts()))
    end)

    it("composes views and gives the complement", function()
      local v = c:where { country = "CHN" }:where { year = { min = 2020 } }
      local ids = {}
      for id in v:speeches() do ids[#ids + 1] = id end
      assert.are.same({ 4 }, ids)
      assert.are.equal(4, #v)
      local rest = v:complement()
      assert.are.equal(#c - 4, #rest)
      assert.are.equal(0, #c:complement())
      assert.are.equal(#c, #c:complement():complement())
      assert.are.equal(0, #c:where { country = "FRA" })
    end)

    it("restricts positions and frequencies to the view", function()
      local v = c:where { country = "CHN" }
      assert.are.equal(1, #v:positions("words"))
      assert.are.equal(3, #c:positions("words"))
    end)
  end)

  describe("spans", function()
    it("iterates segments, points, sentences and quotations of parsed speeches", function()
      local c = rostra.corpus()
      for _, p in ipairs(TEXT_PATHS) do c:add(assert(rostra.parse_file(p))) end
      local kinds = {}
      for s in c:spans("segment") do
        if s.speech == 1 then kinds[#kinds + 1] = s.kind end
      end
      assert.are.same({ "salutation", "paragraph", "paragraph", "closing" }, kinds)
      local quotes = {}
      for q in c:spans("quotation") do quotes[#quotes + 1] = q.text end
      assert.are.same({ "Security for all", "development first" }, quotes)
      local points = {}
      for p in c:spans("point") do points[#points + 1] = p.ordinal end
      assert.are.same({ 1, 2 }, points)
      local n = 0
      for s in c:spans("sentence") do
        n = n + 1
        assert.is_truthy(s.text:find("%S"))
      end
      assert.is_true(n >= 8)
    end)

    it("raises for an unknown level and lists the valid ones", function()
      local c = rostra.corpus()
      assert.has_error(function() c:spans("chapter") end,
        "unknown level 'chapter' (valid: speech, segment, point, sentence, quotation)")
    end)
  end)

  describe("save and open", function()
    it("round-trips tokens, postings, structures and metadata", function()
      local c = assert(rostra.load(FIX, { meta = "{_}_{year}.txt", threads = 1 }))
      local path = tmpfile()
      assert.is_true(c:save(path))
      local o = assert(rostra.open(path, { verify = true }))
      assert.are.equal(#c, #o)
      assert.are.same(c:positions("security"), o:positions("security"))
      assert.are.equal(c:meta(3).speaker, o:meta(3).speaker)
      assert.are.equal("Test Speaker", o:meta(3).speaker)
      assert.are.equal(2021, o:meta(3).year)
      assert.are.equal(tostring(c:freq { top = 10 }), tostring(o:freq { top = 10 }))
      local qs = {}
      for q in o:spans("quotation") do qs[#qs + 1] = q.text end
      assert.are.same({ "Security for all", "development first" }, qs)
      o:close()
      os.remove(path)
    end)

    it("keeps metadata values with their types; the blob is deterministic and checked", function()
      local core = require "rostra.core"
      local v = { speeches = { { year = 2020, share = 0.25, name = "Ana", tags = { "a", "b" },
                                 ok = true, no = false, [1.5] = "float key", big = math.mininteger } },
                  extra = { names = { x = "y" } } }
      local blob = core.meta_encode(v)
      assert.are.equal(blob, core.meta_encode(v))
      local back = core.meta_decode(blob)
      assert.are.same(v, back)
      assert.are.equal("integer", math.type(back.speeches[1].year))
      assert.are.equal("float", math.type(back.speeches[1].share))
      assert.are.equal(math.mininteger, back.speeches[1].big)
      -- every cut of the blob is refused, never read past its end
      for cut = 0, #blob - 1 do
        assert.has_error(function() core.meta_decode(blob:sub(1, cut)) end, "corrupt index: bad metadata")
      end
      assert.has_error(function() core.meta_decode(blob .. "x") end, "corrupt index: bad metadata")
      assert.has_error(function() core.meta_decode("t\255\255\255\255") end, "corrupt index: bad metadata")
      local cycle = {}
      cycle.self = cycle
      assert.has_error(function() core.meta_encode(cycle) end,
        "metadata nested more than 200 deep (a cycle?)")
    end)

    it("refuses to add to an opened index", function()
      local c = rostra.corpus()
      c:add("a b c")
      local path = tmpfile()
      assert(c:save(path))
      local o = assert(rostra.open(path))
      assert.has_error(function() o:add("more") end)
      o:close()
      os.remove(path)
    end)

    it("raises on use after close, from close() and from <close>", function()
      local c = rostra.corpus()
      c:add("a b c")
      c:close()
      assert.has_error(function() return #c end, "attempt to use a closed corpus")
      c:close() -- idempotent
      local d = rostra.corpus()
      do
        local e <close> = d
        e:add("x")
      end
      assert.has_error(function() d:freq() end, "attempt to use a closed corpus")
      assert.are.equal("rostra.corpus (closed)", tostring(d))
    end)

    it("returns nil, message, code for missing, foreign and damaged files", function()
      local r, msg, code = rostra.open("no/such/file.rostra")
      assert.is_nil(r)
      assert.are.equal("ENOENT", code)
      assert.is_truthy(msg:find("no/such/file.rostra", 1, true))
      r, msg, code = rostra.open(FIX .. "/a_2019.txt")
      assert.is_nil(r)
      assert.are.equal(FIX .. "/a_2019.txt: not a rostra index", msg)
      assert.are.equal("ENOTINDEX", code)
      -- truncated
      local c = rostra.corpus()
      c:add(support.read(FIX .. "/a_2019.txt"))
      local path = tmpfile()
      assert(c:save(path))
      local bytes = support.read(path)
      local f = io.open(path, "wb")
      f:write(bytes:sub(1, #bytes - 10))
      f:close()
      r, msg, code = rostra.open(path)
      assert.is_nil(r)
      assert.are.equal("ECORRUPT", code)
      assert.is_truthy(msg:find("corrupt index", 1, true))
      -- one flipped byte in the text section: refused with verify
      local k = bytes:find("trouble", 1, true)
      f = io.open(path, "wb")
      f:write(bytes:sub(1, k - 1), "T", bytes:sub(k + 1))
      f:close()
      r, msg, code = rostra.open(path, { verify = true })
      assert.is_nil(r)
      assert.are.equal("ECORRUPT", code)
      assert.is_truthy(msg:find("checksum", 1, true))
      -- without verify the damaged file still opens and answers
      local o = assert(rostra.open(path))
      assert.is_true(#o > 0)
      o:close()
      os.remove(path)
    end)

    it("leaves the previous file whole when a save is killed", function()
      local c = rostra.corpus()
      c:add("the old file")
      local path = tmpfile()
      assert(c:save(path))
      local cmd = ([[timeout -s KILL 0.3 lua5.4 -e 'package.path="lua/?.lua;lua/?/init.lua;"..package.path
        package.cpath="lua/?.so;"..package.cpath
        local r = require "rostra"; local c = r.corpus()
        local s = string.rep("word after word ", 200000)
        for _ = 1, 40 do c:add(s) end
        while true do c:save(%q) end' 2>/dev/null]]):format(path)
      os.execute(cmd)
      local o = assert(rostra.open(path, { verify = true }))
      assert.is_true(#o == 3 or #o == 40 * 600000)
      o:close()
      os.remove(path)
    end)
  end)

  describe("rostra.load", function()
    it("loads a folder recursively in sorted path order and skips binary files", function()
      local c = assert(rostra.load(FIX, { threads = 2 }))
      local files = {}
      for id, m in c:speeches() do files[id] = m.file end
      assert.are.same({ "a_2019.txt", "b_2020.txt", "sub/c_2021.txt" }, files)
      local warnings = table.concat(c:info().warnings, "\n")
      assert.is_truthy(warnings:find("not a text file: " .. FIX .. "/sub/d_2021.txt", 1, true))
      assert.is_truthy(warnings:find("ENOTTEXT", 1, true))
    end)

    it("gives the same index whatever the thread count", function()
      local a = assert(rostra.load(FIX, { threads = 1 }))
      local b = assert(rostra.load(FIX, { threads = 3 }))
      assert.are.equal(#a, #b)
      assert.are.equal(tostring(a:freq()), tostring(b:freq()))
      assert.are.same(a:positions("development"), b:positions("development"))
    end)

    it("reports progress", function()
      local calls = {}
      rostra.load(FIX, { threads = 2, progress = function(done, total, bytes)
        calls[#calls + 1] = { done, total, bytes }
      end })
      assert.are.equal(4, #calls)
      assert.are.equal(4, calls[4][1])
      assert.are.equal(4, calls[4][2])
      assert.is_true(calls[4][3] > 300)
    end)

    it("returns nil, message, code for a missing folder", function()
      local c, msg, code = rostra.load("no/such/folder")
      assert.is_nil(c)
      assert.are.equal("ENOENT", code)
      assert.is_truthy(msg:find("no/such/folder", 1, true))
    end)

    it("loads the Xi Jinping corpus with file-name metadata", function()
      if not support.have_corpus() then
        pending("../shared/corpus not found: skipped")
        return
      end
      local c = assert(rostra.load(support.corpus .. "/xi_en", {
        meta = "{date}_{_}_{slug}.txt", sidecar = support.corpus .. "/xi_en/index.csv" }))
      assert.are.equal(42, select(2, c:counts()))
      local m = c:meta(1)
      assert.are.equal("1989-03-02", m.date)
      assert.are.equal(1989, m.year)
      assert.are.equal("Xi Jinping", m.speaker)
      local v = c:where { year = 2020 }
      assert.is_true(#v > 0 and #v < #c)
    end)
  end)
end)
