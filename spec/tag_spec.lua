local rostra = require "rostra"
local core = require "rostra.core"
local result = require "rostra.result"
local themes = require "rostra.themes"
local support = require "support"

local LEXFIX = "spec/fixtures/lexicon/"
local FIX = "spec/fixtures/tag/"

-- "speech/unit/theme=count,tokens" for every row, in order
local function rows_of(t, with_score)
  local out = {}
  for _, r in t:rows() do
    local s = ("%d/%d/%s=%d,%d"):format(r.speech, r.unit, core.lower(r.theme), r.count, r.tokens)
    if with_score then s = s .. "," .. string.format("%g", r.score) end
    out[#out + 1] = s
  end
  return out
end

-- the top theme of every unit: {[unit] = theme}
local function tops(t)
  local out = {}
  for _, r in t:top(1):rows() do out[r.unit] = r.theme end
  return out
end

local function corpus_of(...)
  local c = rostra.corpus()
  for _, x in ipairs { ... } do
    if type(x) == "table" then c:add(x[1], x[2]) else c:add(x) end
  end
  return c
end

-- a column as a plain list
local function col(t, name)
  local out = {}
  for i, r in t:rows() do out[i] = r[name] end
  return out
end

local function tmpname()
  local p = os.tmpname()
  os.remove(p)
  return p
end

describe("themes", function()

  describe("acceptance", function()
    it("gives the seed's four points their themes (health, security, development, people)", function()
      local sp = assert(rostra.parse_file("examples/sample.txt"))
      local t = sp:tag(rostra.lexicon("political"), { level = "point" })
      local top = tops(t)
      assert.equal("health", top[1])
      assert.equal("security", top[2])
      assert.equal("development", top[3])
      assert.equal("people_to_people", top[4])
      -- the text outside the points is unit 0
      assert.is_not_nil(top[0])
    end)

    it("reads the same theme table from the four lexicon formats", function()
      local text = support.read(FIX .. "themes_speech.txt")
      local sp = assert(rostra.parse(text, { header = false }))
      local tables = {}
      for _, ext in ipairs { "yaml", "dic", "cat", "lc3" } do
        local lex = assert(rostra.lexicon(LEXFIX .. "themes." .. ext))
        tables[ext] = sp:tag(lex, { level = "segment" })
      end
      local want = rows_of(tables.yaml)
      assert.is_true(#want >= 6)
      for _, ext in ipairs { "dic", "cat", "lc3" } do
        assert.same(want, rows_of(tables[ext]), ext)
      end
      -- weights: YAML and WordStat carry them ("free trade" 2), LIWC and Lexicoder do not
      assert.same(rows_of(tables.yaml, true), rows_of(tables.cat, true))
      for _, ext in ipairs { "dic", "lc3" } do
        for _, r in tables[ext]:rows() do assert.equal(r.count, r.score) end
      end
      local econ
      for _, r in tables.yaml:rows() do
        if r.unit == 2 and r.theme == "economy" then econ = r end
      end
      -- economies, free trade (2), tourism, taxi, tourism
      assert.same({ 5, 6, 6 }, { econ.count, econ.tokens, econ.score })
    end)

    it("counts a token once, for the longest phrase (overlap = true counts every match)", function()
      local c = corpus_of("the Security Council met")
      local lex = rostra.lexicon { A = { "security" }, B = { "security council" } }
      assert.same({ "1/1/b=1,2" }, rows_of(c:tag(lex)))
      assert.same({ "1/1/a=1,1", "1/1/b=1,2" }, rows_of(c:tag(lex, { overlap = true })))
      -- the same whatever the order of the themes in the lexicon
      local lex2 = rostra.lexicon { A = { "security council" }, B = { "security" } }
      assert.same({ "1/1/a=1,2" }, rows_of(c:tag(lex2)))
    end)
  end)

  describe("matching", function()
    it("prefers the longest match, then the leftmost, across themes", function()
      local c = corpus_of("A b c d. X b c y.")
      local lex = rostra.lexicon { X = { "a b" }, Y = { "b c d" }, Z = { "b c" } }
      local t = c:tag(lex, { level = "sentence" })
      assert.same({ "1/1/y=1,3", "1/2/z=1,2" }, rows_of(t))
    end)

    it("counts a phrase listed in two themes for both", function()
      local c = corpus_of("Tourism grows.")
      local lex = assert(rostra.lexicon(LEXFIX .. "themes.yaml"))
      assert.same({ "1/1/economy=1,1", "1/1/culture=1,1" }, rows_of(c:tag(lex)))
    end)

    it("drops what an exclusion matches, for its theme or for all", function()
      local c = corpus_of("The Democratic Republic of X is a democracy. The West Bank banks.")
      local lex = rostra.lexicon {
        democracy = { "democra*", exclude = { "democratic republic" } },
        finance = { "bank*" },
        exclude = { "west bank" },
      }
      assert.same({ "1/1/democracy=1,1", "1/1/finance=1,1" }, rows_of(c:tag(lex)))
      assert.same({ "1/1/democracy=1,1", "1/1/finance=1,1" }, rows_of(c:tag(lex, { overlap = true })))
      -- the bundled lexicon lists "Democratic Republic of ..." as exclusions
      local t = corpus_of("the Democratic Republic of the Congo"):tag(rostra.lexicon("political"))
      for _, r in t:rows() do assert.not_equal("democracy", r.theme) end
    end)

    it("expands globs against the vocabulary ('*' any run, '?' one character)", function()
      local c = corpus_of("Taxi, taxes and tax. Globalisation and globalization. Café.")
      local lex = rostra.lexicon { T = { "tax?" }, G = { "globali?ation" }, C = { "caf?" } }
      -- (the themes of a Lua table come sorted by name)
      assert.same({ "1/1/c=1,1", "1/1/g=2,2", "1/1/t=1,1" }, rows_of(c:tag(lex)))
    end)

    it("tokenizes patterns as the text: Chinese characters, hyphenated words", function()
      local text = "加强人文交流。 People-to-people bonds, people to people."
      local lex = rostra.lexicon { P = { "人文交流", "people-to-people" } }
      -- Chinese cut into words (人文 交流: 2 tokens) and one hyphenated token
      assert.same({ "1/1/p=2,3" }, rows_of(corpus_of(text):tag(lex)))
      -- one character a token: 4 tokens; the same pattern matches them
      local c = rostra.corpus()
      c:add(rostra.parse(text, { header = false, cjk = "chars" }))
      assert.same({ "1/1/p=2,5" }, rows_of(c:tag(lex)))
    end)

    it("is case-insensitive, or matches word forms with case = true", function()
      local c = corpus_of("SECURITY and security and Security")
      local lex = rostra.lexicon { A = { "security" }, B = { "Security" } }
      assert.same({ "1/1/a=3,3", "1/1/b=3,3" }, rows_of(c:tag(lex)))
      assert.same({ "1/1/a=1,1", "1/1/b=1,1" }, rows_of(c:tag(lex, { case = true })))
    end)

    it("finds matches wherever they fall in a long sentence (the walk reads blocks of tokens)", function()
      -- long sentences of four words in a fixed pseudo-random order; the
      -- counts as a left-to-right longest match finds them (which is the
      -- rule here: no pattern is longer than two words)
      local lex = rostra.lexicon { A = { "alpha beta", "gamma" }, B = { "alpha" }, C = { "beta gamma" } }
      local vocab = { "x", "alpha", "beta", "gamma" }
      local state = 11
      for _ = 1, 6 do
        local words = {}
        for i = 1, 150 do
          state = (state * 1103515245 + 12345) % 2147483648
          words[i] = vocab[(state >> 16) % 4 + 1]
        end
        local want = { A = { 0, 0 }, B = { 0, 0 }, C = { 0, 0 } }
        local i = 1
        while i <= #words do
          local w, nx = words[i], words[i + 1]
          local theme, len
          if w == "alpha" and nx == "beta" then theme, len = "A", 2
          elseif w == "beta" and nx == "gamma" then theme, len = "C", 2
          elseif w == "gamma" then theme, len = "A", 1
          elseif w == "alpha" then theme, len = "B", 1 end
          if theme then
            want[theme][1] = want[theme][1] + 1
            want[theme][2] = want[theme][2] + len
          end
          i = i + (len or 1)
        end
        local rows = {}
        for _, k in ipairs { "A", "B", "C" } do
          local n, ntok = want[k][1], want[k][2]
          if n > 0 then rows[#rows + 1] = ("1/1/%s=%d,%d"):format(k:lower(), n, ntok) end
        end
        local text = table.concat(words, " ") .. "."
        for simd = 0, 2 do -- the plain loop, AVX2, AVX-512 (where there)
          local was = core._tag_simd(simd)
          local ok, got = pcall(function()
            return rows_of(corpus_of(text):tag(lex, { level = "sentence" }))
          end)
          core._tag_simd(was)
          assert(ok, got)
          assert.same(rows, got)
        end
      end
    end)

    it("gives the same rows with the AVX2 and AVX-512 block tests and without them", function()
      -- a lexicon drawn from the sample's own words: single words, globs and
      -- phrases of two or three words, in 8 themes (a fixed generator)
      local c = assert(rostra.load { support.sample })
      local ntok = #c
      local state = 7
      local function rand(k)
        state = (state * 1103515245 + 12345) % 2147483648
        return state % k + 1
      end
      local lex = {}
      for k = 1, 8 do lex["t" .. k] = {} end
      for i = 1, 400 do
        local p = rand(ntok - 3)
        local w = c:token(p, "lower")
        local pat
        if i % 4 == 0 and #w >= 5 then pat = w:sub(1, 4) .. "*"
        elseif i % 4 == 1 then pat = w .. " " .. c:token(p + 1, "lower")
        elseif i % 4 == 2 then pat = w .. " " .. c:token(p + 1, "lower") .. " " .. c:token(p + 2, "lower")
        else pat = w end
        if pat:find("^[%w%-' *]+$") then table.insert(lex["t" .. rand(8)], pat) end
      end
      lex = assert(rostra.lexicon(lex))
      local function all()
        local out = {}
        for _, level in ipairs { "sentence", "segment", "point", "speech" } do
          for _, overlap in ipairs { false, true } do
            local t = c:tag(lex, { level = level, overlap = overlap })
            out[#out + 1] = table.concat(rows_of(t, true), " ")
          end
        end
        return out
      end
      local was = core._tag_simd(false)
      assert.equal(0, core._tag_simd()) -- off
      local ok, plain = pcall(all)
      assert(ok, plain)
      assert.is_true(#plain[1] > 100) -- it matched something
      for level = 1, 2 do -- where the processor has them (else the best it has)
        core._tag_simd(level)
        local ok2, fast = pcall(all)
        core._tag_simd(was)
        assert(ok2, fast)
        assert.same(plain, fast)
      end
    end)

    it("does not match across segments", function()
      local sp = assert(rostra.parse("We spoke of security.\n\nCouncil members agreed.", { header = false }))
      local lex = rostra.lexicon { A = { "security" }, B = { "security council" } }
      assert.same({ "1/1/a=1,1" }, rows_of(sp:tag(lex, { level = "speech" })))
    end)

    it("folds nested themes with levels = 1", function()
      local lex = assert(rostra.lexicon(LEXFIX .. "nested.yaml"))
      local c = corpus_of("Taxes, tariffs and free trade; health and culture.")
      assert.same({ "1/1/economy.taxation=1,1", "1/1/economy.trade=2,3", "1/1/society.health=1,1",
        "1/1/society.culture=1,1" }, rows_of(c:tag(lex)))
      assert.same({ "1/1/economy=3,4", "1/1/society=2,2" }, rows_of(c:tag(lex, { levels = 1 })))
      -- the same as folding when reading
      local folded = assert(rostra.lexicon(LEXFIX .. "nested.yaml", { levels = 1 }))
      assert.same(rows_of(c:tag(lex, { levels = 1 })), rows_of(c:tag(folded)))
    end)

    it("raises naming a glob that matches more than 50,000 types", function()
      local words = {}
      for i = 1, 50001 do words[i] = "w" .. i end
      local c = corpus_of(table.concat(words, " "))
      local lex = rostra.lexicon { A = { "w*" }, B = { "w1*" } }
      local ok, err = pcall(c.tag, c, lex)
      assert.is_false(ok)
      assert.matches("glob 'w%*' matches more than 50000 types", err)
      -- a narrower glob is fine
      local t = c:tag(rostra.lexicon { B = { "w1*" } })
      assert.equal(11111, t[1].count) -- w1, w10-w19, w100-w199 ...
    end)
  end)

  describe("units", function()
    local sp = assert(rostra.parse_file("examples/sample.txt"))
    local lex = rostra.lexicon("political")

    it("ids: a point's ordinal, a segment's or sentence's index, the speech's id", function()
      local seg = sp:tag(lex, { level = "segment" })
      local para = sp:tag(lex, { level = "paragraph" })
      assert.same(rows_of(seg), rows_of(para))
      local nseg = #sp:segments()
      for _, r in seg:rows() do assert.is_true(r.unit >= 1 and r.unit <= nseg) end
      local sent = sp:tag(lex, { level = "sentence" })
      for _, r in sent:rows() do assert.is_true(r.unit >= 1 and r.unit <= #sp:sentences()) end
      local whole = sp:tag(lex, { level = "speech" })
      for _, r in whole:rows() do assert.equal(1, r.unit) end
      -- the counts add up whatever the level
      for _, t in ipairs { seg, sent, sp:tag(lex, { level = "point" }) } do
        assert.same(whole:totals():column("count"), t:totals():column("count"))
      end
    end)

    it("share is matched tokens over word tokens (punctuation not counted)", function()
      local c = corpus_of("Security, security council! And peace.")
      local t = c:tag(rostra.lexicon { A = { "security" }, B = { "security council" } })
      -- words: security security council and peace = 5
      assert.equal(1 / 5, t[1].share)
      assert.equal(2 / 5, t[2].share)
      assert.equal(5, t[1].words)
    end)

    it("gives an empty table for a corpus with no words, at every level", function()
      local empty, blank = rostra.corpus(), corpus_of("", "  \n\n ")
      for _, c in ipairs { empty, blank } do
        for _, level in ipairs { "speech", "segment", "point", "sentence" } do
          for _, case in ipairs { false, true } do
            local t = c:tag(lex, { level = level, case = case })
            assert.equal(0, #t)
            assert.equal(0, #t:totals())
            assert.equal(0, #t:labels())
            assert.equal(0, #t:labels { min_count = 1 })
          end
        end
      end
      -- the same corpus tags as usual once it has words
      blank:add("The pandemic and public health.")
      assert.equal("health", blank:tag(lex, { level = "speech" })[1].theme)
    end)

    it("raises on an unknown level, listing the valid ones", function()
      local ok, err = pcall(sp.tag, sp, lex, { level = "chapter" })
      assert.is_false(ok)
      assert.matches("unknown level 'chapter'", err)
      assert.matches("speech, segment %(or paragraph%), point, sentence", err)
      assert.has_error(function() sp:tag(lex, { lvl = "point" }) end)
      assert.has_error(function() sp:tag(lex, { overlap = 1 }) end)
      assert.has_error(function() sp:tag(42) end)
    end)
  end)

  describe("the ThemeTable", function()
    local c = rostra.corpus()
    c:add("Public health and health care. Free trade and the economy.", { year = 2019, country = "A" })
    c:add("Health, free trade and tourism. Vaccines.", { year = 2020, country = "B" })
    c:add("Tourism and the economy.", { year = 2020, country = "C" })
    local lex = assert(rostra.lexicon(LEXFIX .. "themes.yaml"))

    it("is a result table: rows, sort, filter, tostring, export", function()
      local t = c:tag(lex)
      assert.is_true(result.is(t))
      assert.is_true(themes.ThemeTable.is(t))
      -- each row names its speech: file (texts added by hand: their number) and metadata
      assert.same({ "speech", "file", "country", "year", "unit", "theme", "count", "tokens", "score",
                    "share" },
        t:columns())
      local s = tostring(t)
      assert.matches("^themes of themes.yaml by speech\n", s)
      assert.matches("speech  file      country  year  unit  theme", s)
      assert.equal("A", t[1].country)
      assert.equal(2019, t[1].year)
      local f = t:filter(function(r) return r.theme == "health" end)
      assert.is_true(themes.ThemeTable.is(f))
      assert.equal(2, #f)
      t:sort { { "tokens", "desc" }, "speech" }
      assert.equal("health", t[1].theme)
      assert.equal(1, t[1].speech)
      local path = tmpname() .. ".tsv"
      assert.is_true(t:export(path))
      local text = support.read(path)
      os.remove(path)
      assert.matches("^speech\tfile\tcountry\tyear\tunit\ttheme\tcount\ttokens\tscore\tshare\n", text)
      assert.matches("\n1\tspeech 1\tA\t2019\t1\thealth\t", text)
      local only = c:tag(lex, { columns = { "year" } })
      assert.same({ "speech", "file", "year", "unit", "theme", "count", "tokens", "score", "share" },
        only:columns())
      assert.has_error(function() c:tag(lex, { columns = { "yeer" } }) end)
    end)

    it("totals, top, by, cooccurrence", function()
      local t = c:tag(lex, { by = "year" })
      assert.same({ "speech", "file", "country", "year", "unit", "theme", "count", "tokens", "score",
                    "share" },
        t:columns())
      assert.equal(2019, t[1].year)
      local tot = t:totals()
      assert.same({ "theme", "count", "tokens", "score", "share", "units" }, tot:columns())
      -- free trade (2), economy; free trade (2), tourism; tourism, economy
      assert.equal("economy", tot[1].theme)
      assert.same({ 6, 8, 8, 3 }, { tot[1].count, tot[1].tokens, tot[1].score, tot[1].units })
      assert.same({ "economy", "health", "culture" }, col(tot, "theme"))
      local ntok = 0
      for d in c:speeches() do
        for _, k in ipairs(core.tokenize(c:text(d))) do
          if k.kind == "word" or k.kind == "number" then ntok = ntok + 1 end
        end
      end
      assert.equal(8 / ntok, tot[1].share)
      local top = t:top(2)
      assert.same({ "speech", "file", "country", "year", "unit", "rank", "theme", "count", "tokens", "score",
                    "share" }, top:columns())
      assert.equal("A", top[1].country)
      assert.same({ 1, 2, 1, 2, 1, 2 }, col(top, "rank"))
      -- as many matches and tokens: the larger score (free trade weighs 2)
      assert.same({ "economy", "health", "economy", "health", "economy", "culture" }, col(top, "theme"))
      local by = t:by()
      assert.same({ "year", "theme", "count", "tokens", "score", "share", "units" }, by:columns())
      assert.same({ 2019, 2019, 2020, 2020, 2020 }, col(by, "year"))
      assert.same({ "health", "economy", "economy", "health", "culture" }, col(by, "theme"))
      assert.equal(4, by[3].count)
      local byc = t:by("country")
      assert.equal("A", byc[1].country)
      local co = t:cooccurrence()
      assert.same({ "theme1", "theme2", "units", "jaccard" }, co:columns())
      assert.same({ "health", "economy", "health" }, col(co, "theme1"))
      assert.same({ "economy", "culture", "culture" }, col(co, "theme2"))
      assert.same({ 2, 2, 1 }, col(co, "units"))
      assert.equal(2 / 3, co[1].jaccard)
    end)

    it("hits: KWIC lines of the matches of a theme", function()
      local t = c:tag(lex)
      local k = t:hits("health")
      assert.equal(4, k.hits)
      local lines = {}
      for _, l in k:rows() do lines[#lines + 1] = l.match end
      assert.same({ "Public health", "health", "Health", "Vaccines" }, lines)
      assert.equal(2, t:hits("health", { speech = 2 }).hits)
      assert.equal(0, t:hits("health", { speech = 2, unit = 1 }).hits)
      local page = t:hits("health", { context = 2, limit = 2 })
      assert.equal(4, page.hits)
      assert.equal(2, #page)
      assert.equal(10, t:hits().hits) -- every theme; a tourism counted for two themes once
      assert.has_error(function() t:hits("nothing") end)
    end)

    it("tags a view, and the corpus again once it grew", function()
      local v = c:where { year = 2020 }
      local t = v:tag(lex)
      for _, r in t:rows() do assert.is_true(r.speech >= 2) end
      local c2 = rostra.corpus()
      c2:add("Health first.")
      assert.equal(1, #c2:tag(lex))
      c2:add("Vaccination and culture.")
      assert.same({ "1/1/health=1,1", "2/2/health=1,1", "2/2/culture=1,1" }, rows_of(c2:tag(lex)))
    end)

    it("warns of a theme with no patterns", function()
      local empty = assert(rostra.lexicon(LEXFIX .. "empty_category.yaml"))
      local t = c:tag(empty)
      assert.is_true(#t.warnings >= 1)
      assert.matches("security", table.concat(t.warnings, "\n"))
    end)
  end)

  describe("labels: the decision rule", function()
    -- three paragraphs; counts by hand (longest match, a token counted once):
    -- 1: health 2 (health, pandemic), trade 1 (trade); 10 words
    -- 2: health 1 (vaccines), trade 3 (free trade, tariffs, exports: tokens 4); 10 words
    -- 3: health 4 (health, health, pandemic, vaccines); 5 words
    local texts = {
      "Health matters in a pandemic, and so does trade today.",
      "Vaccines aside, free trade, tariffs and exports drive this economy.",
      "Health, health, pandemic and vaccines.",
    }
    local LEX = { health = { "health", "pandemic", "vaccines" },
      trade = { "trade", "free trade", "tariffs", "exports" } }
    local c = rostra.corpus()
    for _, t in ipairs(texts) do c:add(t) end
    local function labels(t)
      local out = {}
      for _, r in t:rows() do out[#out + 1] = r.speech .. ":" .. r.theme end
      return out
    end

    it("without a rule labels every theme with a match", function()
      local t = c:tag(rostra.lexicon(LEX))
      assert.same({ "1/1/health=2,2", "1/1/trade=1,1", "2/2/health=1,1", "2/2/trade=3,4",
        "3/3/health=4,4" }, rows_of(t))
      local l = t:labels()
      assert.is_true(themes.ThemeTable.is(l))
      assert.same(t:columns(), l:columns())
      assert.same({ "1:health", "1:trade", "2:health", "2:trade", "3:health" }, labels(l))
    end)

    it("takes min_count, min_share and min_score at the call", function()
      local t = c:tag(rostra.lexicon(LEX))
      assert.same({ "1:health", "2:trade", "3:health" }, labels(t:labels { min_count = 2 }))
      -- shares: 1 health 2/10, trade 1/10; 2 health 1/10, trade 4/10; 3 health 4/5
      assert.same({ "1:health", "2:trade", "3:health" }, labels(t:labels { min_share = 0.2 }))
      assert.same({ "2:trade", "3:health" }, labels(t:labels { min_share = 0.25 }))
      assert.same({ "3:health" }, labels(t:labels { min_count = 2, min_share = 0.5 }))
      assert.same({ "2:trade", "3:health" }, labels(t:labels { min_score = 3 }))
      -- rules per theme over everything
      assert.same({ "1:health", "1:trade", "2:trade", "3:health" },
        labels(t:labels { min_count = 2, rules = { trade = { min_count = 1, min_share = 0.1 } } }))
      assert.same({ "1:health", "3:health" },
        labels(t:labels { min_count = 2, rules = { trade = { min_count = 5 } } }))
    end)

    it("reads the lexicon's rules from YAML, the call's options over them", function()
      local path = tmpname() .. ".yaml"
      local f = assert(io.open(path, "wb"))
      f:write("_rule: {min_count: 2}\nhealth:\n  - health\n  - pandemic\n  - vaccines\n"
        .. "trade:\n  _rule: {min_count: 1}\n  patterns: [trade, free trade, tariffs, exports]\n")
      f:close()
      local lex = assert(rostra.lexicon(path, { levels = 1 }))
      os.remove(path)
      assert.same({ min_count = 1 }, lex:rule("trade"))
      local t = c:tag(lex, { levels = 1 })
      assert.same({ "1:health", "1:trade", "2:trade", "3:health" }, labels(t:labels()))
      assert.same({ "2:trade", "3:health" }, labels(t:labels { min_count = 3 }))
      assert.same({ "1:health", "1:trade", "2:health", "2:trade", "3:health" },
        labels(t:labels { rules = { health = { min_count = 1 } } }))
    end)

    it("weights count in min_score", function()
      local lex = rostra.lexicon({ health = { "health", ["pandemic"] = 2, ["vaccines"] = 0.5 } })
      local t = c:tag(lex)
      -- scores: 1: 1 + 2 = 3; 2: 0.5; 3: 1 + 1 + 2 + 0.5 = 4.5
      assert.same({ "1:health", "3:health" }, labels(t:labels { min_score = 2 }))
      assert.same({ "3:health" }, labels(t:labels { min_score = 3.5 }))
    end)

    it("min_dominance holds a theme to a share of the unit's top score", function()
      local lex = rostra.lexicon({ health = { "health", ["pandemic"] = 2, ["vaccines"] = 0.5 },
        trade = { "trade", "free trade", "tariffs", "exports" } })
      local t = c:tag(lex)
      -- scores: 1: health 3, trade 1 (top 3); 2: health 0.5, trade 3 (top 3);
      -- 3: health 4.5 (top 4.5). Shares of the top: 1: health 1, trade 1/3;
      -- 2: health 1/6, trade 1; 3: health 1
      assert.same({ "1:health", "1:trade", "2:health", "2:trade", "3:health" },
        labels(t:labels { min_dominance = 1 / 6 }))
      assert.same({ "1:health", "1:trade", "2:trade", "3:health" }, labels(t:labels { min_dominance = 0.2 }))
      assert.same({ "1:health", "2:trade", "3:health" }, labels(t:labels { min_dominance = 0.34 }))
      -- with other bounds, and a theme's own rule over the call's
      assert.same({ "1:health", "1:trade", "2:trade", "3:health" }, -- 2: health 0.5 >= 0.3, < 1
        labels(t:labels { min_score = 1, min_dominance = 0.1 }))
      assert.same({ "1:health", "2:health", "2:trade", "3:health" },
        labels(t:labels { min_dominance = 0.34, rules = { health = { min_dominance = 0 } } }))
      assert.matches("rule: min_dominance 0.2", tostring(t:labels { min_dominance = 0.2 }))
      -- the top is that of the unit's rows in the table labelled: a
      -- table without trade leaves health alone in unit 2
      local only = c:tag(rostra.lexicon({ health = { "health", ["pandemic"] = 2, ["vaccines"] = 0.5 } }))
      assert.same({ "1:health", "2:health", "3:health" }, labels(only:labels { min_dominance = 0.9 }))
    end)

    it("keeps the table's by column and its methods: totals count the units labelled", function()
      local c2 = rostra.corpus()
      for i, x in ipairs(texts) do c2:add(x, { year = 2000 + i }) end
      local t = c2:tag(rostra.lexicon(LEX), { by = "year" }):labels { min_count = 2 }
      -- the speech's file names each row, then the by column
      assert.same({ "speech", "file", "year", "unit", "theme", "count", "tokens", "score", "share" },
        t:columns())
      local tot = t:totals()
      assert.same({ "health", "trade" }, col(tot, "theme"))
      assert.same({ 2, 1 }, col(tot, "units"))
      assert.matches("rule: min_count 2", tostring(t))
    end)

    it("raises on an unknown option or a bad bound", function()
      local t = c:tag(rostra.lexicon(LEX))
      assert.has_error(function() t:labels { min_cont = 2 } end,
        "unknown option 'min_cont' to 'labels' (valid: min_count, min_share, min_score, min_dominance, "
        .. "rules)")
      assert.has_error(function() t:labels { min_count = 0 } end,
        "opts.min_count must be a whole number >= 1, not 0")
      assert.has_error(function() t:labels { min_share = 2 } end,
        "opts.min_share must be a number from 0 to 1, not 2")
      assert.has_error(function() t:labels { min_dominance = -0.1 } end,
        "opts.min_dominance must be a number from 0 to 1, not -0.1")
      assert.has_error(function() t:labels { rules = { wealth = { min_count = 1 } } } end,
        "bad option 'rules' to 'labels': unknown theme 'wealth'")
    end)
  end)

  describe("memory", function()
    it("raises 'not enough memory' when a core allocation fails, and stays usable", function()
      local c = corpus_of("Public health and free trade. Tourism, culture and taxis.")
      local want = rows_of(c:tag(rostra.lexicon(LEXFIX .. "themes.yaml"), { level = "sentence" }))
      local done = false
      for k = 1, 200 do
        local lex = rostra.lexicon(LEXFIX .. "themes.yaml") -- a fresh one: compiled again
        core._failalloc(k)
        local ok, t = pcall(c.tag, c, lex, { level = "sentence" })
        local ok2, h = true, nil
        if ok then ok2, h = pcall(t.hits, t, "economy") end
        core._failalloc(nil)
        if ok and ok2 then
          assert.same(want, rows_of(t))
          assert.equal(2, h.hits) -- free trade, Tourism
          done = k > 1
          break
        end
        assert.matches("not enough memory", tostring(ok and h or t))
      end
      assert.is_true(done)
      assert.same(want, rows_of(c:tag(rostra.lexicon(LEXFIX .. "themes.yaml"), { level = "sentence" })))
    end)
  end)

  describe("the corpus", function()
    it("gives speeches of the xi_en corpus the theme of their title", function()
      if not support.have_corpus() then
        pending("no ../shared/corpus")
        return
      end
      local c = assert(rostra.load(support.corpus .. "/xi_en"))
      local t = c:tag(rostra.lexicon("political"))
      local top = {}
      for _, r in t:top(1):rows() do top[c._root._extra.names[r.speech]] = r.theme end
      local want = {
        ["2020-09-04_xi-jinping_remarks-by-h-e-xi-jinping-at-the-global-trade-in.txt"] = "trade",
        ["2021-02-20_xi-jinping_talk-given-at-the-party-history-learning-and-educa.txt"] = "party",
        ["2021-05-21_xi-jinping_working-together-to-build-a-global-community-of-he.txt"] = "health",
        ["2021-10-15_xi-jinping_solidly-promote-common-prosperity.txt"] = "poverty",
        ["2021-04-22_xi-jinping_for-man-and-nature-building-a-community-of-life-t.txt"] = "environment",
      }
      for name, theme in pairs(want) do assert.equal(theme, top[name], name) end
    end)
  end)
end)
