-- One helper checks every options table: a misspelled option raises an
-- error naming it and the nearest known option.
local opts = require "rostra.opts"
local rostra = require "rostra"
local result = require "rostra.result"
local meta = require "rostra.meta"
local support = require "support"

describe("rostra.opts", function()
  describe("distance", function()
    it("counts insertions, deletions, substitutions and transpositions", function()
      assert.equal(0, opts.distance("top", "top"))
      assert.equal(1, opts.distance("topp", "top"))       -- one insertion
      assert.equal(1, opts.distance("tp", "top"))         -- one deletion
      assert.equal(1, opts.distance("tap", "top"))        -- one substitution
      assert.equal(1, opts.distance("presidnet", "president")) -- one transposition
      assert.equal(3, opts.distance("", "abc"))
      assert.equal(3, opts.distance("kitten", "sitting"))
    end)
  end)

  describe("nearest", function()
    it("finds the closest name within a third of its length", function()
      assert.equal("top", opts.nearest("topp", { "attr", "top", "by" }))
      assert.equal("president", opts.nearest("presidnet", { "year", "party", "president" }))
      assert.equal("context", opts.nearest("contxt", { "context", "chars" }))
      assert.equal("context", opts.nearest("CONTEXT", { "context", "chars" }))
      assert.is_nil(opts.nearest("colour", { "align", "formats", "title" }))
      assert.is_nil(opts.nearest("zzz", {}))
    end)

    it("takes a known name that starts with the one given", function()
      assert.equal("stopwords", opts.nearest("stop", { "stopwords", "min" }))
    end)
  end)

  describe("check", function()
    it("returns the table, or a new one for nil", function()
      local o = { top = 3 }
      assert.equal(o, opts.check(o, { "top" }, "f"))
      assert.same({}, opts.check(nil, { "top" }, "f"))
    end)

    it("raises naming the option, the nearest and the valid ones", function()
      local ok, err = pcall(opts.check, { topp = 1 }, { "top", "by" }, "freq")
      assert.is_false(ok)
      assert.truthy(err:find("unknown option 'topp' to 'freq' (did you mean 'top'? valid: top, by)", 1, true),
        err)
      ok, err = pcall(opts.check, 5, { "top" }, "freq", 2)
      assert.is_false(ok)
      assert.truthy(err:find("bad argument #2 to 'freq' (options table expected, got number)", 1, true), err)
    end)

    it("takes a set as well as a list, and hides names starting with '_'", function()
      local ok, err = pcall(opts.check, { x = 1 }, { b = true, a = true, _internal = true }, "f")
      assert.is_false(ok)
      assert.truthy(err:find("unknown option 'x' to 'f' (valid: a, b)", 1, true), err)
    end)

    it("blames the caller of the function that checks", function()
      local function api(o) opts.check(o, { "top" }, "api") end
      local ok, err = pcall(function() api { topp = 1 } end)
      assert.is_false(ok)
      assert.truthy(err:find("^spec/opts_spec.lua:%d+: unknown option 'topp'"), err)
    end)
  end)

  -- every function of the API that takes an options table, given a
  -- misspelled option: the error names the nearest
  describe("used by every function with options", function()
    local c, sp, lex
    setup(function()
      c = assert(rostra.load(support.sample))
      sp = assert(rostra.parse_file(support.sample))
      lex = rostra.lexicon("political")
    end)

    local function raises(fn, bad, near, fname)
      local ok, err = pcall(fn)
      assert.is_false(ok, "no error for " .. bad)
      err = tostring(err)
      assert.truthy(err:find(("unknown option '%s'"):format(bad), 1, true)
        or err:find(("unknown key '%s'"):format(bad), 1, true), err)
      assert.truthy(err:find(("did you mean '%s'?"):format(near), 1, true), err)
      if fname then assert.truthy(err:find(("to '%s'"):format(fname), 1, true), err) end
    end

    it("c:freq{topp = 3} names top", function()
      raises(function() return c:freq { topp = 3 } end, "topp", "top", "freq")
    end)

    it("covers loading, parsing and opening", function()
      raises(function() return rostra.load(support.sample, { mata = "{x}.txt" }) end,
        "mata", "meta", "load")
      raises(function() return rostra.parse("x", { nmae = "a.txt" }) end, "nmae", "name", "parse")
      raises(function() return rostra.parse_file(support.sample, { sidcar = "x.csv" }) end,
        "sidcar", "sidecar", "parse_file")
      raises(function() return rostra.open("x.rostra", { verfy = true }) end, "verfy", "verify", "open")
      raises(function() return rostra.tokenize("a-b", { split_hyphen = true }) end,
        "split_hyphen", "split_hyphens", "tokenize")
      raises(function() return sp:tokens { stict = true } end, "stict", "strict", "tokens")
      raises(function() return rostra.lexicon("political", { level = 1 }) end, "level", "levels", "lexicon")
      raises(function() return meta.sidecar { path = "x.csv", colums = {} } end,
        "colums", "columns", "sidecar")
    end)

    it("covers queries, concordances, themes and statistics", function()
      raises(function() return c:kwic("community", { contxt = 3 }) end, "contxt", "context", "kwic")
      raises(function() return c:tag(lex, { levle = "point" }) end, "levle", "level", "tag")
      raises(function() return c:tag(lex):hits("health", { limt = 2 }) end, "limt", "limit", "hits")
      raises(function() return c:ngrams { nn = 2 } end, "nn", "n", "ngrams")
      raises(function() return c:collocates("community", { widnow = 3 }) end,
        "widnow", "window", "collocates")
      raises(function() return c:keyness(c, nil, { mesure = "ll" }) end, "mesure", "measure", "keyness")
      raises(function() return c:dispersion("community", { byy = "year" }) end, "byy", "by", "dispersion")
    end)

    it("covers the REPL and the command's module", function()
      local repl = require "rostra.repl"
      raises(function() return repl.session { colour = true } end, "colour", "color", "session")
      raises(function() return repl.show(1, { colr = true }) end, "colr", "color", "show")
      raises(function() return require("rostra.cli").main({ "--version" }, { stdot = io.stdout }) end,
        "stdot", "stdout", "main")
    end)

    it("covers result tables", function()
      local t = result.new({ "word", "count" }, { { word = "a", count = 1 } })
      local ok, err = pcall(result.new, { "a" }, {}, { titel = "x" })
      assert.is_false(ok)
      assert.truthy(err:find("unknown option 'titel'; did you mean 'title'?", 1, true), err)
      ok, err = pcall(t.format, t, { max_row = 3 })
      assert.is_false(ok)
      assert.truthy(err:find("did you mean 'max_rows'?", 1, true), err)
      ok, err = pcall(t.sort, t, "cont")
      assert.is_false(ok)
      assert.truthy(err:find("unknown column 'cont'; did you mean 'count'? columns: word, count", 1, true),
        err)
    end)
  end)
end)
