local core = require "rostra.core"
local lexicon = require "rostra.lexicon"
local support = require "support"

local FIX = "spec/fixtures/lexicon/"

-- entries as sorted "category|pattern|glob|phrase|exclude[|weight]" strings,
-- case-folded (WordStat files are upper case by custom)
local function entry_set(lex, with_weight)
  local out = {}
  for _, e in ipairs(lex:entries()) do
    local s = table.concat({ core.lower(e.category or "*"), core.lower(e.pattern), tostring(e.glob),
      tostring(e.phrase), tostring(e.exclude) }, "|")
    if with_weight then s = s .. "|" .. string.format("%g", e.weight) end
    out[#out + 1] = s
  end
  table.sort(out)
  return out
end

local function category_names(lex)
  local out = {}
  for _, c in ipairs(lex:categories()) do out[#out + 1] = core.lower(c.name) end
  return out
end

local function write_tmp(text)
  local path = os.tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
  return path
end

describe("rostra.lexicon", function()

  describe("core.read_lexicon", function()
    it("returns categories, entries and warnings as plain tables", function()
      local r = assert(core.read_lexicon("economy:\n  taxation: [tax*, public  finance]\n"
        .. "  trade:\n    - trade: 2\n    - exclude: [trade union*]\nempty: []\n", "yaml", "t.yaml"))
      assert.equal("yaml", r.format)
      assert.same({ name = "economy", leaf = "economy", level = 1, line = 1, col = 1 }, r.categories[1])
      assert.same({ name = "economy.taxation", leaf = "taxation", parent = 1, level = 2, line = 2,
        col = 3 }, r.categories[2])
      assert.equal(4, #r.categories)
      assert.same({ pattern = "public finance", category = 2, weight = 1, glob = false, phrase = true,
        exclude = false, line = 2, col = 20 }, r.entries[2])
      assert.same({ pattern = "trade", category = 3, weight = 2, glob = false, phrase = false,
        exclude = false, line = 4, col = 7 }, r.entries[3])
      assert.is_true(r.entries[4].exclude)
      assert.is_true(r.entries[4].glob)
      assert.same({ { line = 6, col = 1, message = "category 'empty' has no patterns" } }, r.warnings)
    end)

    it("reports malformed input as nil, NAME:LINE:COL: message, code, line, col", function()
      local r, msg, code, line, col = core.read_lexicon("a: [x\n", "yaml", "themes.yaml")
      assert.is_nil(r)
      assert.equal("themes.yaml:2:1: did not find expected ',' or ']' (while parsing a flow sequence at 1:4)",
        msg)
      assert.equal("EPARSE", code)
      assert.equal(2, line)
      assert.equal(1, col)
      r, msg, code = core.read_lexicon("+a\nx\0y\n", "lexicoder")
      assert.is_nil(r)
      assert.equal("lexicon:2:2: NUL byte: binary data where a lexicon was expected", msg)
      assert.equal("ENOTTEXT", code)
    end)

    it("raises for a caller's mistake", function()
      assert.has_error(function() core.read_lexicon("a: [x]", "json") end,
        "bad argument #2 to 'read_lexicon' (invalid option 'json')")
      assert.has_error(function() core.read_lexicon(42, "yaml") end,
        "bad argument #1 to 'read_lexicon' (string expected, got number)")
    end)

    it("raises 'not enough memory' when any allocation fails, then works again", function()
      local text = support.read(FIX .. "themes.yaml")
      local failures, k = 0, 1
      while true do
        core._failalloc(k)
        local ok, r = pcall(core.read_lexicon, text, "yaml", "themes.yaml")
        core._failalloc(nil)
        if ok then
          assert.equal(12, #r.entries)
          break
        end
        assert.matches("not enough memory", r)
        failures = failures + 1
        k = k + 1
        assert.is_true(k < 10000)
      end
      assert.is_true(failures > 10)
      collectgarbage()
      assert.equal(12, #assert(core.read_lexicon(text, "yaml")).entries)
    end)
  end)

  describe("the four formats", function()
    local lexs = {}
    setup(function()
      for _, ext in ipairs { "yaml", "dic", "cat", "lc3" } do
        lexs[ext] = assert(lexicon.new(FIX .. "themes." .. ext))
      end
    end)

    it("are told apart by their extension", function()
      assert.equal("yaml", lexs.yaml.format)
      assert.equal("liwc", lexs.dic.format)
      assert.equal("wordstat", lexs.cat.format)
      assert.equal("lexicoder", lexs.lc3.format)
    end)

    it("give the same categories and entries for the same dictionary", function()
      local want = entry_set(lexs.yaml)
      assert.equal(12, #want)
      for _, ext in ipairs { "dic", "cat", "lc3" } do
        assert.same({ "health", "economy", "culture" }, category_names(lexs[ext]))
        assert.same(want, entry_set(lexs[ext]))
        assert.same({}, lexs[ext].warnings)
      end
    end)

    it("give the same weights where the format has them (YAML, WordStat)", function()
      assert.same(entry_set(lexs.yaml, true), entry_set(lexs.cat, true))
      for _, e in ipairs(lexs.yaml:entries()) do
        assert.equal(e.pattern == "free trade" and 2 or 1, e.weight)
      end
      for _, e in ipairs(lexs.dic:entries()) do assert.equal(1, e.weight) end
    end)

    it("give the same nested categories (YAML, LIWC, WordStat)", function()
      local y = assert(lexicon.new(FIX .. "nested.yaml"))
      assert.same({ "economy", "economy.taxation", "economy.trade", "society", "society.health",
        "society.culture" }, category_names(y))
      assert.same({ name = "society.culture", leaf = "culture", parent = "society", level = 2, index = 6,
        line = 13, col = 3 }, y:categories()[6])
      for _, ext in ipairs { "dic", "cat" } do
        local l = assert(lexicon.new(FIX .. "nested." .. ext))
        assert.same(category_names(y), category_names(l))
        assert.same(entry_set(y), entry_set(l))
      end
    end)

    it("take opts.format over the extension", function()
      local path = write_tmp(support.read(FIX .. "themes.lc3"))
      local l = assert(lexicon.new(path, { format = "lexicoder" }))
      os.remove(path)
      assert.same(entry_set(lexs.lc3), entry_set(l))
    end)
  end)

  describe("errors and warnings", function()
    it("gives malformed YAML as nil, file:line:col: message, EPARSE", function()
      local path = FIX .. "malformed.yaml"
      local lex, msg, code = lexicon.new(path)
      assert.is_nil(lex)
      assert.equal(path .. ":4:2: did not find expected key (while parsing a block mapping at 1:1)", msg)
      assert.equal("EPARSE", code)
    end)

    it("locates errors in the line formats", function()
      local cases = {
        { "bad_code.dic", "7:8: expected a category number" },
        { "bad_indent.cat", "3:1: indent WordStat categories and patterns with tabs, not spaces" },
        { "bad_start.lc3", "1:1: pattern before the first '+category' line" },
      }
      for _, c in ipairs(cases) do
        local lex, msg, code = lexicon.new(FIX .. c[1])
        assert.is_nil(lex)
        assert.equal(FIX .. c[1] .. ":" .. c[2], msg)
        assert.equal("EPARSE", code)
      end
    end)

    it("keeps a category with no patterns as a warning", function()
      local lex = assert(lexicon.new(FIX .. "empty_category.yaml"))
      assert.same({
        "empty_category.yaml:3:1: category 'security' has no patterns",
        "empty_category.yaml:5:3: category 'economy.taxation' has no patterns",
      }, lex.warnings)
      assert.equal(2, #lex)
      assert.equal(5, #lex:categories())
    end)

    it("loads LIWC files with the quirks found in the wild, with warnings", function()
      local lex = assert(lexicon.new(FIX .. "quirks.dic"))
      assert.same({ "funct", "verb", "filler" }, category_names(lex))
      assert.same({ "filler|like", "verb|kind", "funct|well", "filler|well", "funct|kind of", "verb|well" },
        (function()
          local out = {}
          for _, e in ipairs(lex:entries()) do out[#out + 1] = e.category .. "|" .. e.pattern end
          return out
        end)())
      assert.same({
        "quirks.dic:6:6: conditional code '(02 134)2/464' read as 464",
        "quirks.dic:6:20: conditional code '(02 134)1' ignored",
        "quirks.dic:7:6: conditional code '<of>1/2' read as 2",
        "quirks.dic:10:1: duplicate pattern 'well' in category 'filler' (first at line 8); ignored",
        "quirks.dic:11:5: code 999 is not in the category legend; ignored",
      }, lex.warnings)
    end)

    it("gives missing files as nil, message, ENOENT", function()
      local lex, msg, code = lexicon.new(FIX .. "nothere.yaml")
      assert.is_nil(lex)
      assert.equal(FIX .. "nothere.yaml: No such file or directory", msg)
      assert.equal("ENOENT", code)
      lex, msg, code = lexicon.new("nosuchlexicon")
      assert.is_nil(lex)
      assert.equal("lexicon 'nosuchlexicon' not found: not a file, nor a bundled lexicon (political)", msg)
      assert.equal("ENOENT", code)
    end)

    it("gives a binary file as nil, message, ENOTTEXT", function()
      local path = write_tmp("+a\n\0\1\2")
      local lex, msg, code = lexicon.new(path, { format = "lexicoder" })
      os.remove(path)
      assert.is_nil(lex)
      assert.matches(":2:1: NUL byte: binary data where a lexicon was expected$", msg)
      assert.equal("ENOTTEXT", code)
    end)

    it("raises for a caller's mistake", function()
      assert.has_error(function() lexicon.new(FIX .. "themes.yaml", { level = 1 }) end,
        "unknown option 'level' to 'lexicon' (did you mean 'levels'? valid: format, levels, name, rule, "
        .. "rules)")
      assert.has_error(function() lexicon.new(FIX .. "themes.yaml", { levels = 0 }) end,
        "bad option 'levels' to 'lexicon' (positive integer expected, got 0)")
      assert.has_error(function() lexicon.new(FIX .. "themes.yaml", { format = "csv" }) end,
        "bad option 'format' to 'lexicon' (yaml, liwc, wordstat or lexicoder expected, got csv)")
      assert.has_error(function() lexicon.new("themes.txt") end,
        "cannot tell the format of lexicon 'themes.txt' from its extension"
        .. " (use opts.format: yaml, liwc, wordstat or lexicoder)")
      assert.has_error(function() lexicon.new(42) end,
        "bad argument #1 to 'lexicon' (string or table expected, got number)")
    end)
  end)

  describe("a Lua table", function()
    it("is a lexicon: array part patterns, string keys sub-categories", function()
      local lex = lexicon.new({
        health = { "health", "pandemic*", "public health" },
        economy = { taxation = { "tax*" } },
      })
      assert.equal("table", lex.name)
      assert.same({ "economy", "economy.taxation", "health" }, category_names(lex))
      assert.same({ "economy.taxation|tax*|true|false|false", "health|health|false|false|false",
        "health|pandemic*|true|false|false", "health|public health|false|true|false" }, entry_set(lex))
      assert.same({}, lex.warnings)
    end)

    it("takes weights, exclusions and single-pattern categories", function()
      local lex = lexicon.new({
        security = { "security", ["secur*"] = 0.5, exclude = { "social security" } },
        trade = "trade",
        exclude = "west bank",
      }, { name = "mine" })
      assert.equal("mine", lex.name)
      assert.same({ "*|west bank|false|true|true|1", "security|secur*|true|false|false|0.5",
        "security|security|false|false|false|1", "security|social security|false|true|true|1",
        "trade|trade|false|false|false|1" }, entry_set(lex, true))
    end)

    it("gives the same entries as the same dictionary in a file", function()
      local lex = lexicon.new({
        health = { "health", "pandemic*", "public health", "vaccin*" },
        economy = { "econom*", "tax?", "tourism", ["free trade"] = 2 },
        culture = { "cultur*", "people-to-people", "mutual learning", "tourism" },
      })
      assert.same(entry_set(assert(lexicon.new(FIX .. "themes.yaml")), true), entry_set(lex, true))
    end)

    it("warns without positions", function()
      local lex = lexicon.new({ a = { "x", "x" }, b = {} })
      assert.same({ "table: duplicate pattern 'x' in category 'a'; ignored",
        "table: category 'b' has no patterns" }, lex.warnings)
    end)

    it("raises for a malformed table, naming the key", function()
      assert.has_error(function() lexicon.new({ health = { "ok", "  " } }) end,
        "lexicon table: health[2]: empty pattern")
      assert.has_error(function() lexicon.new({ health = { "ok", 3 } }) end,
        "lexicon table: health[2]: a pattern must be a string, not a number")
      assert.has_error(function() lexicon.new({ health = 2 }) end,
        "lexicon table: health: a category must be a table of patterns (or one pattern string), not a number")
      assert.has_error(function() lexicon.new({ "loose" }) end,
        "lexicon table: [1]: patterns must be inside a category (a string key)")
      assert.has_error(function() lexicon.new({ a = { b = { "\xff" } } }) end,
        "lexicon table: a.b[1]: invalid UTF-8 (byte 0xFF): the lexicon must be UTF-8")
      assert.has_error(function() lexicon.new({ a = { x = 0 / 0 } }) end,
        "lexicon table: a.x: weight must be finite")
    end)
  end)

  describe("decision rules", function()
    local YAML = table.concat({
      "_rule: {min_count: 2}",
      "health:",
      "  - health",
      "  - _rule: {min_count: 1, min_share: 0.05}",
      "economy:",
      "  _rule:",
      "    min_score: 1.5",
      "  taxation: [tax*]",
      "  trade:",
      "    - trade",
      "    - _rule: {min_count: 3}",
      "rule_of_law: [rule of law]",
    }, "\n") .. "\n"

    it("are read from YAML: the default at the top level, a theme's own inside it", function()
      local lex = assert(lexicon.new(write_tmp(YAML), { format = "yaml" }))
      assert.same({ "health", "economy", "economy.taxation", "economy.trade", "rule_of_law" },
        category_names(lex))
      assert.same({ min_count = 2 }, lex:rule())
      assert.same({ min_count = 1, min_share = 0.05 }, lex:rule("health"))
      -- a key not given comes from the parent, then from the default
      assert.same({ min_count = 2, min_score = 1.5 }, lex:rule("economy"))
      assert.same({ min_count = 2, min_score = 1.5 }, lex:rule("economy.taxation"))
      assert.same({ min_count = 3, min_score = 1.5 }, lex:rule("economy.trade"))
      assert.same({ min_count = 2 }, lex:rule("rule_of_law"))
      assert.same({ { min_count = 2 }, { theme = "health", min_count = 1, min_share = 0.05 },
        { theme = "economy", min_score = 1.5 }, { theme = "economy.trade", min_count = 3 } }, lex:rules())
      assert.has_error(function() lex:rule("wealth") end,
        "bad argument #1 to 'rule' (unknown theme 'wealth')")
    end)

    it("default to every theme with a match when the lexicon states none", function()
      for _, f in ipairs { "themes.yaml", "themes.dic", "themes.cat", "themes.lc3" } do
        local lex = assert(lexicon.new(FIX .. f))
        assert.same({ min_count = 1 }, lex:rule())
        assert.same({ min_count = 1 }, lex:rule(lex:categories()[1].name))
        assert.same({}, lex:rules())
      end
    end)

    it("are given at load for every format (opts.rule over the file's default, opts.rules per theme)",
      function()
      for _, f in ipairs { "themes.dic", "themes.cat", "themes.lc3" } do
        local lex = assert(lexicon.new(FIX .. f, { rule = { min_count = 2 },
          rules = { [lexicon.new(FIX .. f):categories()[1].name] = { min_share = 0.1 } } }))
        local first = lex:categories()[1].name
        assert.same({ min_count = 2, min_share = 0.1 }, lex:rule(first))
        assert.same({ min_count = 2 }, lex:rule(lex:categories()[2].name))
      end
      local lex = assert(lexicon.new(write_tmp(YAML), { format = "yaml", rule = { min_count = 4 },
        rules = { ["economy.taxation"] = { min_count = 1 } } }))
      assert.same({ min_count = 4 }, lex:rule("rule_of_law"))
      assert.same({ min_count = 1, min_share = 0.05 }, lex:rule("health")) -- the file's own stays
      assert.same({ min_count = 1, min_score = 1.5 }, lex:rule("economy.taxation"))
    end)

    it("take min_dominance, from 0 to 1, in a file, a table and at load", function()
      local lex = assert(lexicon.new(write_tmp("_rule: {min_score: 2, min_dominance: 0.2}\n"
        .. "health: [health]\ntrade:\n  - trade\n  - _rule: {min_dominance: 0}\n"), { format = "yaml" }))
      assert.same({ min_count = 1, min_score = 2, min_dominance = 0.2 }, lex:rule("health"))
      assert.same({ min_count = 1, min_score = 2, min_dominance = 0 }, lex:rule("trade"))
      lex = lexicon.new({ _rule = { min_dominance = 0.5 }, health = { "health" } })
      assert.same({ min_count = 1, min_dominance = 0.5 }, lex:rule("health"))
      lex = assert(lexicon.new(FIX .. "themes.dic", { rule = { min_dominance = 0.25 } }))
      assert.same({ min_count = 1, min_dominance = 0.25 }, lex:rule())
      assert.has_error(function() lexicon.new(FIX .. "themes.dic", { rule = { min_dominance = 2 } }) end,
        "opts.rule.min_dominance must be a number from 0 to 1, not 2")
    end)

    it("are read from a Lua table under _rule", function()
      local lex = lexicon.new({ _rule = { min_count = 2 }, health = { "health", _rule = { min_share = 0.5 } },
        trade = { "trade" } })
      assert.same({ "health", "trade" }, category_names(lex))
      assert.same({ min_count = 2, min_share = 0.5 }, lex:rule("health"))
      assert.same({ min_count = 2 }, lex:rule("trade"))
      assert.has_error(function() lexicon.new({ health = { "h", _rule = { min_cont = 1 } } }) end,
        "lexicon table: health._rule.min_cont: unknown key 'min_cont' in _rule "
        .. "(valid: min_count, min_share, min_score, min_dominance)")
      assert.has_error(function() lexicon.new({ _rule = { min_count = 0 } }) end,
        "lexicon table: _rule.min_count: _rule: min_count must be a whole number >= 1")
      assert.has_error(function() lexicon.new({ _rule = { min_share = "a lot" } }) end,
        "lexicon table: _rule.min_share: must be a number, not a string")
      assert.has_error(function() lexicon.new({ _rule = 2 }) end,
        "lexicon table: _rule: _rule must be a table such as {min_count = 2}")
    end)

    it("give malformed rules in a file as EPARSE with the position", function()
      local cases = {
        { "_rule: {min_count: 2.5}\n", "1:20: _rule: min_count must be a whole number >= 1" },
        { "a: [x]\n_rule: {min_shar: 0.1}\n", "2:9: unknown key 'min_shar' in _rule" },
        { "a:\n  - x\n  - _rule: {min_share: 5}\n", "3:24: _rule: min_share must be a number from 0 to 1" },
        { "_rule: [2]\n", "1:8: _rule: must be a mapping" },
        { "_rule: {min_dominance: 1.2}\n", "1:24: _rule: min_dominance must be a number from 0 to 1" },
      }
      for _, c in ipairs(cases) do
        local lex, msg, code = lexicon.new(write_tmp(c[1]), { format = "yaml", name = "r.yaml" })
        assert.is_nil(lex)
        assert.equal("EPARSE", code)
        assert.truthy(msg:find(c[2], 1, true), msg)
      end
    end)

    it("raise for a caller's malformed rule", function()
      assert.has_error(function() lexicon.new(FIX .. "themes.dic", { rule = { min_count = 1.5 } }) end,
        "opts.rule.min_count must be a whole number >= 1, not 1.5")
      assert.has_error(function() lexicon.new(FIX .. "themes.dic", { rule = { max_count = 1 } }) end,
        "unknown key 'max_count' in opts.rule (valid: min_count, min_share, min_score, min_dominance)")
      assert.has_error(function()
        lexicon.new(FIX .. "themes.dic", { rules = { wealth = { min_count = 2 } } })
      end,
        "bad option 'rules' to 'lexicon': unknown theme 'wealth' (themes: health, economy, culture)")
    end)

    it("of folded categories are ignored with a warning", function()
      local lex = assert(lexicon.new(write_tmp(YAML), { format = "yaml", levels = 1, name = "r.yaml" }))
      assert.same({ min_count = 2, min_score = 1.5 }, lex:rule("economy"))
      local found
      for _, w in ipairs(lex.warnings) do
        if w:find("_rule of 'economy.trade' ignored", 1, true) then found = w end
      end
      assert.equal("r.yaml:11:15: _rule of 'economy.trade' ignored: the category is folded into 'economy' "
        .. "(levels = 1)", found)
    end)
  end)

  describe("the Lexicon object", function()
    local lex
    setup(function() lex = assert(lexicon.new(FIX .. "nested.yaml")) end)

    it("has a name, a length, warnings and a string form", function()
      assert.equal("nested.yaml", lex.name)
      assert.equal(7, #lex)
      assert.same({}, lex.warnings)
      assert.equal("rostra.Lexicon: nested.yaml (6 categories, 7 entries)", tostring(lex))
      assert.is_true(lexicon.is_lexicon(lex))
      assert.is_false(lexicon.is_lexicon({}))
    end)

    it("gives fresh tables from categories() and entries()", function()
      local cats = lex:categories()
      cats[1].name = "changed"
      assert.equal("economy", lex:categories()[1].name)
      assert.same({ pattern = "tax*", category = "economy.taxation", weight = 1, glob = true,
        phrase = false, exclude = false, line = 4, col = 7 }, lex:entries()[1])
      assert.equal("economy", lex:category("economy.trade").parent)
      assert.is_nil(lex:category("nope"))
    end)

    it("folds nested categories into their top level with levels = 1", function()
      local l1 = assert(lexicon.new(FIX .. "nested.yaml", { levels = 1 }))
      assert.same({ "economy", "society" }, category_names(l1))
      assert.same({ "economy", "economy", "economy", "economy", "society", "society", "society" },
        (function()
          local out = {}
          for _, e in ipairs(l1:entries()) do out[#out + 1] = e.category end
          return out
        end)())
      -- a pattern in a parent and its child is counted once after folding
      local dup = lexicon.new({ a = { "x", b = { "x", "y" } } }, { levels = 1 })
      assert.equal(2, #dup)
    end)

    it("tokenizes patterns as the tagger will match them", function()
      local l = lexicon.new({ t = { "人文交流", "People-to-People exchanges", "Secur*", "U.S. aid",
        "build a * community", "COVID-19" } })
      local got = {}
      for _, p in ipairs(l:patterns()) do
        got[p.pattern] = { tokens = p.tokens, globs = p.globs, phrase = p.phrase }
      end
      -- Chinese as the tokenizer cuts it (a corpus cuts the characters again
      -- the ways its words allow: rostra.cjk)
      assert.same({ tokens = { "人文", "交流" }, globs = { false, false },
        phrase = true }, got["人文交流"])
      assert.same({ tokens = { "people-to-people", "exchanges" }, globs = { false, false }, phrase = true },
        got["People-to-People exchanges"])
      assert.same({ tokens = { "secur*" }, globs = { true }, phrase = false }, got["Secur*"])
      assert.same({ tokens = { "u.s.", "aid" }, globs = { false, false }, phrase = true }, got["U.S. aid"])
      assert.same({ tokens = { "build", "a", "*", "community" }, globs = { false, false, true, false },
        phrase = true }, got["build a * community"])
      assert.same({ tokens = { "covid-19" }, globs = { false }, phrase = false }, got["COVID-19"])
    end)
  end)

  describe("the bundled political lexicon", function()
    local lex
    setup(function() lex = assert(lexicon.new("political")) end)

    it("is found by name, in lua/rostra/lexicons/", function()
      assert.equal("political", lex.name)
      assert.matches("lua/rostra/lexicons/political%.yaml$", lex.path)
      assert.same({}, lex.warnings)
    end)

    it("has at least 20 themes of at least 25 patterns, phrases among them", function()
      local n, phrases = {}, {}
      for _, e in ipairs(lex:entries()) do
        if e.category and not e.exclude then
          n[e.category] = (n[e.category] or 0) + 1
          if e.phrase then phrases[e.category] = (phrases[e.category] or 0) + 1 end
        end
      end
      local cats = lex:categories()
      assert.is_true(#cats >= 20)
      for _, c in ipairs(cats) do
        assert.equal(1, c.level)
        assert.is_true(n[c.name] >= 25, c.name .. " has " .. tostring(n[c.name]) .. " patterns")
        assert.is_true((phrases[c.name] or 0) >= 1, c.name .. " has no phrase")
      end
      for _, key in ipairs { "health", "security", "development", "people_to_people" } do
        assert.is_table(lex:category(key), key)
      end
    end)

    it("uses frame words only inside phrases that name a theme", function()
      local frames = { cooperation = true, partnership = true, partnerships = true, community = true,
        ["win-win"] = true, mutual = true }
      for _, p in ipairs(lex:patterns()) do
        if frames[p.tokens[1]] and #p.tokens == 1 then
          error("frame word as a pattern: " .. p.pattern .. " (" .. p.category .. ")")
        end
        for i, t in ipairs(p.tokens) do
          if p.globs[i] then
            for f in pairs(frames) do
              assert.is_falsy(f:match("^" .. t:gsub("%-", "%%-"):gsub("%*", ".*"):gsub("%?", ".") .. "$"),
                "glob " .. p.pattern .. " catches the frame word " .. f)
            end
          end
        end
      end
    end)

    it("is found from another folder and from a LuaRocks-like tree", function()
      local cwd = io.popen("pwd"):read("l")
      -- the core this suite runs with, as an absolute LUA_CPATH template
      local so = assert(package.searchpath("rostra.core", package.cpath))
      if so:sub(1, 1) ~= "/" then so = cwd .. "/" .. so end
      local cpath = so:gsub("rostra/core%.so$", "?.so")
      local tmp = os.tmpname()
      os.remove(tmp)
      local tree = tmp .. "/share/lua/5.4/rostra"
      assert(os.execute("mkdir -p '" .. tree .. "/lexicons'"))
      assert(os.execute("cp lua/rostra/lexicon.lua '" .. tree .. "/'"))
      assert(os.execute("cp lua/rostra/lexicons/political.yaml '" .. tree .. "/lexicons/'"))
      local script = "local l = require('rostra.lexicon'); local x = assert(l.new('political'));"
        .. " io.write(x.path, ' ', #x)"
      local function run(lpath)
        local cmd = string.format("cd /tmp && LUA_PATH='%s' LUA_CPATH='%s' lua5.4 -e \"%s\" 2>&1",
          lpath, cpath, script)
        local p = io.popen(cmd)
        local out = p:read("a")
        p:close()
        return out
      end
      local from_checkout = run(cwd .. "/lua/?.lua;" .. cwd .. "/lua/?/init.lua")
      local from_tree = run(tmp .. "/share/lua/5.4/?.lua;" .. tmp .. "/share/lua/5.4/?/init.lua")
      os.execute("rm -rf '" .. tmp .. "'")
      assert.equal(cwd .. "/lua/rostra/lexicons/political.yaml " .. #lex, from_checkout)
      assert.equal(tree .. "/lexicons/political.yaml " .. #lex, from_tree)
    end)

    -- {================================================== test scaffolding
    -- A deliberately simple matcher, only to check the lexicon's content:
    -- lower-case tokens, the longest pattern at each position (an exclusion
    -- that is longest blocks the span), non-overlapping, counting matched
    -- tokens per theme. The real tagger (an Aho-Corasick automaton in C)
    -- comes later and replaces it.
    local UTF8CHAR = "[%z\1-\127\194-\253][\128-\191]*"
    local function glob_pattern(g)
      return "^" .. g:gsub("[%^%$%(%)%%%.%[%]%+%-]", "%%%0"):gsub("%*", ".*")
        :gsub("%?", function() return UTF8CHAR end) .. "$"
    end

    local function scaffold_matcher(l)
      local byfirst, globfirst = {}, {}
      for _, p in ipairs(l:patterns()) do
        p.lua = {}
        for i, t in ipairs(p.tokens) do
          if p.globs[i] then p.lua[i] = glob_pattern(t) end
        end
        if p.globs[1] then
          globfirst[#globfirst + 1] = p
        else
          byfirst[p.tokens[1]] = byfirst[p.tokens[1]] or {}
          table.insert(byfirst[p.tokens[1]], p)
        end
      end
      local function match_at(toks, i, p)
        for k, t in ipairs(p.tokens) do
          local w = toks[i + k - 1]
          if not w then return false end
          if p.lua[k] then
            if not w:match(p.lua[k]) then return false end
          elseif w ~= t then
            return false
          end
        end
        return true
      end
      return function(text)
        local toks = {}
        for _, t in ipairs(core.tokenize(text)) do toks[#toks + 1] = t.lower end
        local counts, i = {}, 1
        while i <= #toks do
          local best
          for _, list in ipairs { byfirst[toks[i]] or {}, globfirst } do
            for _, p in ipairs(list) do
              if (not best or #p.tokens > #best.tokens or (#p.tokens == #best.tokens and p.exclude
                  and not best.exclude)) and match_at(toks, i, p) then
                best = p
              end
            end
          end
          if best then
            if not best.exclude then
              counts[best.category] = (counts[best.category] or 0) + #best.tokens
            end
            i = i + #best.tokens
          else
            i = i + 1
          end
        end
        local ranked = {}
        for theme, n in pairs(counts) do ranked[#ranked + 1] = { theme = theme, n = n } end
        table.sort(ranked, function(a, b) return a.n > b.n or (a.n == b.n and a.theme < b.theme) end)
        return ranked
      end
    end
    -- }==================================================

    it("gives each of the seed speech's four points its theme", function()
      if not support.exists(support.seed) then
        pending("no " .. support.seed)
        return
      end
      local lines = {}
      for line in io.lines(support.seed) do lines[#lines + 1] = line end
      assert.matches("^First, strengthen anti%-pandemic cooperation", lines[28])
      assert.matches("^Fourth, promote people%-to%-people bonds", lines[40])
      local points = {
        { lines = { 28, 30 }, theme = "health" },
        { lines = { 32, 34 }, theme = "security" },
        { lines = { 36, 38 }, theme = "development" },
        { lines = { 40, 42, 44 }, theme = "people_to_people" },
      }
      local match = scaffold_matcher(lex)
      for k, pt in ipairs(points) do
        local text = {}
        for _, n in ipairs(pt.lines) do text[#text + 1] = lines[n] end
        local ranked = match(table.concat(text, "\n"))
        assert.equal(pt.theme, ranked[1].theme, "point " .. k)
        -- a clear winner, not a tie broken by the name
        assert.is_true(ranked[1].n > (ranked[2] and ranked[2].n or 0) * 1.5, "point " .. k)
      end
    end)

    it("tags real speeches of the corpus with plausible top themes #corpus", function()
      if not support.have_corpus() then
        pending("no " .. support.corpus)
        return
      end
      local match = scaffold_matcher(lex)
      local cases = {
        ["xi_en/2021-10-15_xi-jinping_solidly-promote-common-prosperity.txt"] = "poverty",
        ["xi_en/2021-04-22_xi-jinping_for-man-and-nature-building-a-community-of-life-t.txt"] = "environment",
        ["xi_en/2021-05-21_xi-jinping_working-together-to-build-a-global-community-of-he.txt"] = "health",
        ["xi_en/2021-02-20_xi-jinping_talk-given-at-the-party-history-learning-and-educa.txt"] = "party",
        ["xi_en/2020-11-04_xi-jinping_keynote-speech-by-xi-jinping-at-the-opening-ceremo.txt"] = "trade",
      }
      for file, theme in pairs(cases) do
        local path = support.corpus .. "/" .. file
        if support.exists(path) then
          assert.equal(theme, match(support.read(path))[1].theme, file)
        end
      end
    end)
  end)
end)
