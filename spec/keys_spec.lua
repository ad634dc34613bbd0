-- Metadata keys: an unknown key in where, by, sort keys or a query's `::`
-- part is an error listing the keys the corpus has; derived keys (decade,
-- century, month) and functions of the metadata group and select.
local rostra = require "rostra"

local DIR = "spec/fixtures/sotu"
local TPL = "{year}_{president:.+}_{party}.txt"

local function err_of(fn)
  local ok, err = pcall(fn)
  assert.is_false(ok, "expected an error")
  return tostring(err)
end

describe("metadata keys", function()
  local c
  setup(function()
    c = assert(rostra.load(DIR, { meta = TPL }))
  end)

  it("c:keys() lists the keys, file first, and the derived keys", function()
    local keys, derived = c:keys()
    assert.same({ "file", "lang", "party", "president", "year" }, keys)
    assert.same({ "decade", "century" }, derived)
  end)

  describe("an unknown key raises, naming the nearest and the keys", function()
    local function check(fn)
      local err = err_of(fn)
      assert.truthy(err:find("unknown metadata key 'presidnet'", 1, true), err)
      assert.truthy(err:find("did you mean 'president'?", 1, true), err)
      assert.truthy(err:find("the corpus has: file, lang, party, president, year; derived: decade, century",
        1, true),
        err)
    end

    it("in where, freq, group, count, kwic sort, dispersion, tag and by", function()
      check(function() local v = c:where { presidnet = "X" } return v end)
      check(function() local t = c:freq { by = "presidnet" } return t end)
      check(function() local t = c:query("freedom"):group("presidnet") return t end)
      check(function() local n = c:count('freedom :: presidnet = "X"') return n end)
      check(function() local k = c:kwic("freedom", { sort = "meta:presidnet" }) return k end)
      check(function() local t = c:dispersion("freedom", { by = "presidnet" }) return t end)
      local lex = rostra.lexicon { liberty = { "freedom", "liberty" } }
      check(function() local t = c:tag(lex, { by = "presidnet" }) return t end)
      check(function() local t = c:tag(lex):by("presidnet") return t end)
    end)

    it("says so when the speeches have no metadata but their names", function()
      local bare = rostra.corpus()
      bare:add("freedom and liberty")
      local err = err_of(function() local v = bare:where { year = 1 } return v end)
      -- every speech has a file (its number, for a text added by hand): nothing else
      assert.truthy(err:find("unknown metadata key 'year' (the corpus has: file)", 1, true), err)
    end)
  end)

  describe("derived keys", function()
    it("decade and century come from year", function()
      local v = c:where { decade = 1950 }
      local _, n = v:counts()
      assert.equal(2, n)                            -- Truman and Eisenhower, 1953
      assert.equal(2, c:count("freedom :: decade = 1950"))
      local _, n18 = c:where { century = 1800 }:counts()
      assert.equal(1, n18)                          -- Jefferson, 1801
      local g = c:query("freedom"):group("decade")
      local by = {}
      for _, r in g:rows() do by[r.group] = r.count end
      assert.same({ [1790] = 2, [1800] = 2, [1950] = 2, [2020] = 3 }, by)
    end)

    it("month comes from date", function()
      local m = rostra.corpus()
      m:add("freedom here", { date = "2020-11-10" })
      m:add("freedom there", { date = "2020-12-01" })
      m:add("no date", {})
      local g = m:query("freedom"):group("month")
      assert.equal(2, #g)
      local _, n = m:where { month = "2020-11" }:counts()
      assert.equal(1, n)
      local keys, derived = m:keys()
      assert.same({ "file", "date" }, keys)
      assert.same({ "month" }, derived)
    end)

    it("a key of the corpus wins over a derived one", function()
      local m = rostra.corpus()
      m:add("a", { year = 1990, decade = "nineties" })
      local _, derived = m:keys()
      assert.same({ "century" }, derived)
      local _, n = m:where { decade = "nineties" }:counts()
      assert.equal(1, n)
    end)

    it("where and by take a function of the metadata", function()
      local _, n = c:where(function(m) return m.party == "d" end):counts()
      assert.equal(2, n)
      local t = c:freq { by = function(m) return m.year < 1900 and "early" or "late" end, top = 1 }
      assert.equal("early", t[1].group)
      assert.equal("late", t[2].group)
    end)
  end)
end)
