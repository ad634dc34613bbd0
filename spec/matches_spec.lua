local rostra = require "rostra"
local support = require "support"


local function small()
  local c = rostra.corpus()
  c:add(assert(rostra.parse(table.concat({
    "Mr. President,",
    "",
    "Security and development go together. There is no security without development, "
      .. "and no development without security.",
    "",
    "First, we seek health security for all. The “Security Council” must act.",
    "",
    "Second, we want win-win cooperation and anti-pandemic cooperation.",
    "",
    "Thank you.",
  }, "\n"), { name = "CHN_75_2020.txt", meta = "{country}_{session}_{year}.txt" })))
  c:add("Développement durable et développement social. Developpement.", { country = "FRA", year = 2015 })
  c:add("Security, security, SECURITY! The Council met.", { country = "USA", year = 2010 })
  return c
end

-- plain Lua: occurrences of a sequence of lower forms in a token list,
-- not overlapping, as the matcher counts them
local function count_seq(toks, seq)
  local n, i = 0, 1
  while i <= #toks - #seq + 1 do
    local ok = true
    for k = 1, #seq do
      if toks[i + k - 1].lower ~= seq[k] then ok = false break end
    end
    if ok then n = n + 1; i = i + #seq else i = i + 1 end
  end
  return n
end

describe("rostra queries", function()
  local c = small()

  describe("count", function()
    it("counts bare words as lower forms and quoted strings as word forms", function()
      assert.are.equal(8, c:count("security"))
      assert.are.equal(4, c:count('"security"'))
      assert.are.equal(8, c:count('"security"%c'))
      assert.are.equal(8, c:count('[lower = "security"]'))
    end)

    it("applies regular expressions and globs to the vocabulary", function()
      assert.are.equal(8, c:count('[lower = "secur.*"]'))
      assert.are.equal(8, c:count("secur*"))
      assert.are.equal(1, c:count("*pandemic"))
      assert.are.equal(2, c:count('"[Dd]éveloppement"'))
      assert.are.equal(3, c:count('"[Dd][eé]veloppement"'))
      assert.are.equal(3, c:count('"developpement"%cd'))
    end)

    it("matches sequences, alternation and repetition", function()
      assert.are.equal(1, c:count('"win-win" "cooperation"'))
      assert.are.equal(2, c:count("(win-win | anti-pandemic) cooperation"))
      -- "no development without security"; the other pairs are too far apart
      assert.are.equal(1, c:count('"development" []{0,3} "security"'))
      assert.are.equal(1, c:count('"Security" []? "development"'))
      -- the shortest match: an optional token at the end is not taken
      assert.are.equal(8, c:count('[lower = "security"] ","?'))
    end)

    it("keeps a match inside its within structure", function()
      assert.are.equal(2, c:count('"development" []* "security"'))
      assert.are.equal(1, c:count('"development" []* "security" within sentence'))
      assert.are.equal(4, c:count('"security" within s'))
      assert.are.equal(1, c:count('"Council" within quotation'))
      assert.are.equal(0, c:count('"met" within quotation'))
    end)

    it("tests structures", function()
      assert.are.equal(1, c:count('<segment kind = "salutation"> []'))
      assert.are.equal(1, c:count('<point ordinal = 2> "Second"'))
      -- sentences ending in a full stop: 6 in the first speech, 2 and 1
      assert.are.equal(9, c:count('"."%l </sentence>'))
      -- a quoted string is a regular expression: "." is any one character
      assert.are.equal(11, c:count('"." </sentence>'))
      assert.are.equal(1, c:count('<segment kind = "closing"> "Thank"'))
    end)

    it("applies metadata constraints after ::", function()
      assert.are.equal(5, c:count('security :: country = "CHN"'))
      assert.are.equal(3, c:count("security :: year < 2015"))
      assert.are.equal(8, c:count('security :: country in ("CHN", "USA")'))
      assert.are.equal(0, c:count('security :: country = "FRA"'))
    end)

    it("queries a subcorpus the same way", function()
      local v = c:where { country = "USA" }
      assert.are.equal(3, v:count("security"))
      assert.are.equal(3, #v:query("security"))
    end)

    it("raises on malformed queries with the position, and on bad regexes", function()
      local ok, err = pcall(c.count, c, '[word = "x"')
      assert.is_false(ok)
      assert.is_truthy(err:find("query:1:12: expected ']' after attribute test", 1, true))
      ok, err = pcall(c.count, c, "x{2000}")
      assert.is_false(ok)
      assert.is_truthy(err:find("above 1000", 1, true))
      ok, err = pcall(c.count, c, '"(?<=a+)b"')
      assert.is_false(ok)
      assert.is_truthy(err:find("regular expression", 1, true))
    end)

    it("stops a pathological regular expression at PCRE2's match limit", function()
      local d = rostra.corpus()
      d:add(string.rep("a", 30) .. "b")
      local ok, err = pcall(d.count, d, '"(a+)+"')
      assert.is_false(ok)
      assert.is_truthy(err:find('"(a+)+"', 1, true))
      assert.is_truthy(err:find("match limit", 1, true))
    end)

    it("gives empty matches, not nil, when nothing matches", function()
      local m = c:query("zzzz")
      assert.are.equal(0, #m)
      assert.are.equal(0, c:count("zzzz"))
    end)

    it("raises on a closed corpus", function()
      local d = rostra.corpus()
      d:add("x")
      d:close()
      assert.has_error(function() d:count("x") end, "attempt to use a closed corpus")
    end)
  end)

  describe("Matches", function()
    it("iterates speech, start, stop and sets operations", function()
      local m = c:query("security")
      local seen = {}
      for sp, a, b in m:iter() do
        seen[#seen + 1] = sp
        assert.are.equal(a, b)
        assert.are.equal("security", c:token(a, "lower"))
      end
      assert.are.same({ 1, 1, 1, 1, 1, 3, 3, 3 }, seen)
      local chn = c:query('security :: country = "CHN"')
      assert.are.equal(3, #m:diff(chn))
      assert.are.equal(5, #m:inter(chn))
      assert.are.equal(8, #chn:union(m))
      assert.are.equal(2, #m:cut(2))
      local s1, s2 = m:sample(3, 42), m:sample(3, 42)
      assert.are.same(s1.starts, s2.starts)
      assert.are.equal(3, #s1)
    end)

    it("groups by match text, metadata and structure", function()
      local g = c:query("security"):group("match")
      assert.are.equal("security", g[1].group)
      assert.are.equal(8, g[1].count)
      local by = c:query("security"):group("country")
      assert.are.equal("CHN", by[1].group)
      assert.are.equal(5, by[1].count)
      local pts = c:query("security"):group("point")
      local got = {}
      for _, row in pts:rows() do got[row.group] = row.count end
      assert.are.equal(2, got[1]) -- health security, Security Council
    end)

    it("sorts by context", function()
      local m = c:query("cooperation"):sort("left1")
      assert.are.equal("anti-pandemic", c:token(m.starts[1] - 1, "lower"))
      m:sort("left1 desc")
      assert.are.equal("win-win", c:token(m.starts[1] - 1, "lower"))
    end)
  end)

  describe("kwic", function()
    it("cuts left, match and right from the stored text", function()
      local k = c:kwic('"win-win" "cooperation"', { context = 3 })
      assert.are.equal(1, #k)
      assert.are.equal(", we want ", k[1].left)
      assert.are.equal("win-win cooperation", k[1].match)
      assert.are.equal(" and anti-pandemic cooperation", k[1].right)
      assert.are.equal("CHN", k[1].meta.country)
      assert.is_truthy(tostring(k[1]):find(", we want  win-win cooperation  and", 1, true))
    end)

    it("clips at the sentence and pages with limit and offset", function()
      local k = c:kwic('"security"', { context = 20, clip = "sentence" })
      assert.are.equal("There is no ", k[1].left)
      local page = c:kwic("security", { limit = 2, offset = 3 })
      assert.are.equal(2, #page)
      assert.are.equal(8, page.hits)
    end)

    it("exports every hit, not the page", function()
      local k = c:kwic("security", { limit = 1 })
      local path = os.tmpname()
      assert.is_true(k:export(path, "tsv"))
      local n = 0
      for _ in io.lines(path) do n = n + 1 end
      os.remove(path)
      assert.are.equal(9, n) -- header + 8 hits
    end)

    it("rejects unknown options", function()
      assert.has_error(function() c:kwic("x", { contxt = 3 }) end)
    end)
  end)

  describe("on the UN General Debate sample", function()
    it("counts words and phrases as a plain count of the token stream does", function()
      if not support.have_corpus() then
        pending("../shared/corpus not found: skipped")
        return
      end
      local dir = support.corpus .. "/ungdc/sample_2020-2024"
      local files = support.files(dir, "%.txt$")
      -- a fifth of the files keeps the spec fast
      local pick = {}
      for i = 1, #files, 5 do pick[#pick + 1] = files[i] end
      local uc = assert(rostra.load(pick, { threads = 2 }))
      local toks = {}
      for i, p in ipairs(pick) do toks[i] = rostra.tokenize(support.read(p)) end
      for _, q in ipairs { { "security" }, { "climate", "change" }, { "united", "nations" },
                           { "sustainable", "development", "goals" }, { "covid-19" } } do
        local n = 0
        for i = 1, #toks do n = n + count_seq(toks[i], q) end
        local query = {}
        for k, w in ipairs(q) do query[k] = '[lower = "' .. w .. '"%l]' end
        assert.are.equal(n, uc:count(table.concat(query, " ")), table.concat(q, " "))
      end
      -- KWIC lines reproduce the source text around each hit
      -- (offsets are found from the nearer of two checkpoints 64 tokens
      -- apart, walking forward or back: short and long contexts)
      for _, ctx in ipairs { 5, 40 } do
        local k = uc:kwic("climate change", { context = ctx })
        assert.is_true(#k > 50)
        for i = 1, #k do
          local line = k[i]
          local flat = uc:text(line.speech):gsub("[\r\n\t]", " ")
          assert.is_truthy(flat:find(line.left .. line.match .. line.right, 1, true), i)
        end
      end
    end)
  end)
end)
