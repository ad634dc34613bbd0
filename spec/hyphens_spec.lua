-- Hyphenated compounds announced: a word of a query that also occurs inside
-- hyphenated tokens (one token each) is reported with their number and a
-- query that reaches them.
local rostra = require "rostra"
local matches = require "rostra.matches"
local repl = require "rostra.repl"
local support = require "support"

local DIR = "spec/fixtures/sotu"

describe("hyphenated compounds", function()
  local c
  setup(function() c = assert(rostra.load(DIR, { meta = "{year}_{president:.+}_{party}.txt" })) end)

  it("c:count gives the hits, then a note on the tokens that hold the word between hyphens", function()
    -- by hand: freedom 9 times alone; anti-freedom and freedom-loving once each
    local n, note = c:count("freedom")
    assert.equal(9, n)
    assert.equal(2, note.hyphenated)
    assert.equal(1, #note.words)
    assert.same({ "anti-freedom", "freedom-loving" }, note.words[1].forms)
    assert.equal("freedom: 9 hits; 2 more inside hyphenated words such as anti-freedom, freedom-loving "
      .. '([lower = "(.+-)?freedom(-.+)?"] finds them all); hyphenated words are one token each (load with '
      .. "split_hyphens = true, or --split-hyphens, to split them)", tostring(note))
    -- the query offered finds the word alone and inside: 9 + 2
    assert.equal(11, (c:count(note.words[1].query)))
  end)

  it("says so when the hyphenated words could not be checked, and keeps the count", function()
    -- the check of the vocabulary fails (here made to fail on purpose): the
    -- note says it was not made instead of saying nothing
    local d = assert(rostra.load(DIR, { meta = "{year}_{president:.+}_{party}.txt" }))
    local h = d._root._h
    local index = getmetatable(h).__index
    local real = index.query
    index.query = function(self, prog, mask, ...)
      if mask == nil and select("#", ...) == 0 then error("vocabulary scan failed") end
      return real(self, prog, mask, ...)
    end
    local ok, n, note = pcall(d.count, d, "equality")
    index.query = real
    assert.is_true(ok, n)
    assert.equal(c:count("equality"), n)
    assert.truthy(note, "a note saying the check was not made")
    assert.matches("hyphenated words not checked (", tostring(note), 1, true)
    assert.matches("vocabulary scan failed", tostring(note), 1, true)
    d:close()
  end)

  it("gives one value when there is nothing to say", function()
    assert.equal(1, select("#", c:count("liberty")))
    -- a query that names the hyphenated word itself
    assert.equal(1, select("#", c:count("well-known")))
  end)

  it("counts in a view, and follows the query's attribute and flags", function()
    local _, note = c:where { year = 1953 }:count('"FREEDOM"%c')
    assert.equal(2, note.hyphenated)
    assert.truthy(tostring(note):find('[word = "(.+-)?FREEDOM(-.+)?"%c]', 1, true), tostring(note))
    assert.equal(1, select("#", c:where { year = 2021 }:count("freedom")))
    -- free* finds free-world and freedom-loving itself: only anti-freedom is left
    local _, g = c:count("free*")
    assert.same({ "anti-freedom" }, g.words[1].forms)
    local t, n2 = c:count("world | freedom", { by = "decade" })
    assert.equal(3, n2.hyphenated) -- free-world, anti-freedom, freedom-loving
    assert.truthy(t.warnings[1]:find("hyphenated", 1, true))
  end)

  it("reaches KWIC, the REPL and the command", function()
    local k = c:kwic("freedom")
    assert.truthy(k.warnings[1]:find("2 more inside hyphenated words", 1, true))
    assert.truthy(tostring(k):find("\nwarning: freedom: 9 hits; 2 more", 1, true))
    local out = {}
    local s = repl.session { out = function(x) out[#out + 1] = x end, globals = { c = c } }
    s:feed('c:count("freedom")')
    local shown = table.concat(out)
    assert.truthy(shown:find("^9\tfreedom: 9 hits; 2 more inside hyphenated words"), shown)
    local cli = require "rostra.cli"
    local buf = function()
      local parts = {}
      return {
        write = function(self, ...)
          for i = 1, select("#", ...) do parts[#parts + 1] = select(i, ...) end
          return self
        end,
        flush = function(self) return self end,
        text = function() return table.concat(parts) end,
      }
    end
    local o, e = buf(), buf()
    assert.equal(0, cli.main({ "count", "freedom", DIR, "--format", "tsv" }, { stdout = o, stderr = e,
      isatty = function() return false end, getenv = function() end }))
    assert.truthy(e.text():find("rostra: warning: freedom: 9 hits; 2 more inside hyphenated words", 1, true),
      e.text())
    o, e = buf(), buf()
    cli.main({ "count", "freedom", DIR }, { stdout = o, stderr = e, isatty = function() return false end,
      getenv = function() end })
    assert.truthy(o.text():find("\nwarning: freedom: 9 hits; 2 more", 1, true), o.text())
  end)

  it("finds COVID-19 in the UN General Debate #corpus", function()
    local dir = support.corpus .. "/ungdc/sample_2020-2024"
    if not support.exists(dir .. "/USA_75_2020.txt") then return pending("../shared/corpus not found") end
    local un = assert(rostra.load(dir))
    local n, note = un:count('"COVID"%c')
    assert.truthy(n > 0 and note.hyphenated > n, ("%d, %d"):format(n, note.hyphenated))
    assert.equal(note.words[1].forms[1], "COVID-19")
    -- the query offered counts both, whatever the form
    assert.equal(n + note.hyphenated, (un:count(note.words[1].query)))
    assert.is_nil(matches.hyphen_note(un, "covid-19"))
  end)

  describe("split_hyphens at load time", function()
    local sc
    setup(function() sc = assert(rostra.load(DIR, { split_hyphens = true })) end)

    it("makes a hyphenated word its parts and hyphens: nothing left to announce", function()
      -- by hand: 9 alone, and the parts of anti-freedom and freedom-loving
      assert.equal(1, select("#", sc:count("freedom")))
      assert.equal(11, sc:count("freedom"))
      assert.is_true(sc:info().split_hyphens)
      assert.is_false(c:info().split_hyphens)
      -- well-known, long-term, free-world, anti-freedom and freedom-loving: 3 tokens each, not 1
      assert.equal(#c + 2 * 5, #sc)
    end)

    it("reads a hyphenated query or lexicon pattern as the parts in a row", function()
      assert.equal(1, sc:count("freedom-loving"))
      assert.equal(1, sc:count('"Free-world"%c'))
      assert.equal(sc:count('freedom "-" loving'), sc:count("freedom-loving"))
      local lex = rostra.lexicon { liberty = { "freedom-loving", "well-known" } }
      local t = sc:tag(lex):totals()
      assert.equal(2, t[1].count)
    end)

    it("is kept in the index, and parse and c:add follow it", function()
      local path = os.tmpname() .. ".rostra"
      assert(sc:save(path))
      local o = assert(rostra.open(path))
      assert.is_true(o:info().split_hyphens)
      assert.equal(1, o:count("freedom-loving"))
      o:close()
      os.remove(path)
      local sp = assert(rostra.parse("A freedom-loving people.", { split_hyphens = true }))
      local m = rostra.corpus()
      m:add(sp)
      assert.is_true(m:info().split_hyphens)
      m:add("The win-win way.")
      assert.equal(1, m:count("win-win"))
      assert.equal(2, m:count("win"))
      -- a speech parsed the other way is added with a warning
      m:add(assert(rostra.parse("Another win-win.")))
      assert.truthy(m:info().warnings[1]:find("parsed without split_hyphens, unlike the corpus", 1, true))
    end)
  end)
end)
