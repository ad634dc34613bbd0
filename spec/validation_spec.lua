-- Validation against hand coding: samples to code, coded files, the scores
-- of a lexicon against them, and the agreement of coders. The expected
-- figures are worked out by hand in the comments (spec/fixtures/coded/).
local rostra = require "rostra"
local validation = require "rostra.validation"
local result = require "rostra.result"

local FIX = "spec/fixtures/coded/"
local LEX = "spec/fixtures/lexicon/themes"
local CODER1, CODER2 = FIX .. "coder1.csv", FIX .. "coder2.csv"

local function write_tmp(text, ext)
  local path = os.tmpname()
  os.remove(path)
  path = path .. (ext or ".csv")
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
  return path
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- the rows of a result as a map of key column -> row
local function by(t, key)
  local out = {}
  for _, r in t:rows() do out[r[key]] = r end
  return out
end

local function near(want, got, msg)
  assert.is_number(got, msg)
  assert.is_true(math.abs(want - got) < 1e-9, ("%s: expected %.12g, got %.12g"):format(msg or "", want, got))
end

-- coder1.csv with one cell or line changed
local function coder1_with(fn)
  local text = read(CODER1)
  return write_tmp(fn(text))
end

describe("validation", function()
  local lex = assert(rostra.lexicon(LEX .. ".yaml"))

  describe("measures", function()
    it("Cohen's kappa of a 2x2 table (the textbook example: 20, 5, 10, 15 gives 0.4)", function()
      near(0.4, validation.kappa(20, 10, 5, 15))
      near(0.4, validation.kappa(20, 5, 10, 15))
      assert.is_nil(validation.kappa(0, 0, 0, 7)) -- both say 0 everywhere: chance agreement is 1
      assert.is_nil(validation.kappa(0, 0, 0, 0))
    end)

    it("Krippendorff's alpha, nominal, with missing values (Krippendorff 2011: 0.743)", function()
      local A = { 1, 2, 3, 3, 2, 1, 4, 1, 2, nil, nil, nil }
      local B = { 1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nil, 3 }
      local C = { nil, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nil }
      local D = { 1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nil }
      local units = {}
      for i = 1, 12 do units[i] = { A[i], B[i], C[i], D[i], n = 4 } end
      local a, n = validation.alpha(units)
      assert.equal(40, n) -- unit 12 has one value: not pairable
      assert.equal("0.743", ("%.3f"):format(a))
      assert.is_nil(validation.alpha { { 1, 1 }, { 1, 1 } })
    end)

    it("precision, recall and F1, nil where undefined", function()
      local p, r, f = validation.prf(2, 1, 3)
      near(2 / 3, p)
      near(2 / 5, r)
      near(1 / 2, f) -- 2PR/(P+R) = (8/15)/(16/15)
      p, r, f = validation.prf(0, 0, 0)
      assert.is_nil(p)
      assert.is_nil(r)
      assert.is_nil(f)
    end)
  end)

  describe("sample", function()
    -- spec/fixtures/coded/corpus: a.txt 3 paragraphs, b.txt 4 (a first
    -- short line of 4 words), c.txt 3 (the last one on two lines)
    local c = rostra.load(FIX .. "corpus")

    local function units(t)
      local out = {}
      for i, r in t:rows() do out[i] = r.unit end
      return out
    end

    it("is the same for the same seed, and a smaller sample is its first rows", function()
      local a = c:sample { n = 6, seed = 7 }
      local b = c:sample { n = 6, seed = 7 }
      assert.same(units(a), units(b))
      assert.equal(6, #a)
      local small = c:sample { n = 3, seed = 7 }
      assert.same({ a[1].unit, a[2].unit, a[3].unit }, units(small))
      local other = c:sample { n = 6, seed = 8 }
      assert.are_not.same(units(a), units(other))
      -- the same from a saved index
      local path = os.tmpname()
      assert(c:save(path))
      local c2 = assert(rostra.open(path))
      assert.same(units(a), units(c2:sample { n = 6, seed = 7 }))
      c2:close()
      os.remove(path)
    end)

    it("draws without replacement: every unit once when n is the population", function()
      -- 3 + 3 + 3 segments: b.txt's first line, "Remarks at the summit", is
      -- its title, page furniture
      local t = c:sample { n = 9, seed = 3 }
      local seen = {}
      for _, u in ipairs(units(t)) do
        assert.is_nil(seen[u], u)
        seen[u] = true
      end
      assert.equal(9, #t)
      assert.same({}, t.warnings)
    end)

    it("gives each unit the file and the line the parser gives it, and its text on one line", function()
      local lines = {}
      for _, f in ipairs { "a.txt", "b.txt", "c.txt" } do
        local sp = assert(rostra.parse_file(FIX .. "corpus/" .. f))
        for _, s in ipairs(sp:segments()) do lines[f .. ":" .. s.line] = s.text end
      end
      local t = c:sample { n = 10, seed = 1 }
      for _, r in t:rows() do
        assert.equal(r.file .. ":" .. r.line, r.unit)
        assert.equal(lines[r.unit]:gsub("%s+", " "), r.text)
      end
      assert.equal("People-to-people exchanges and mutual learning bring us closer.",
        by(t, "unit")["c.txt:5"].text)
    end)

    it("has the columns of a coded file, one empty column per theme", function()
      local t = c:sample { n = 4, lexicon = lex }
      assert.same({ "unit", "file", "line", "split", "text", "health", "economy", "culture" },
        { table.unpack(t:columns(), 1, 8) })
      for i = 9, #t:columns() do assert.matches("^meta%.", t:columns()[i]) end
      for _, r in t:rows() do assert.is_nil(r.health) end
      local c2 = rostra.corpus()
      c2:add("One two three four five.", { file = "x.txt", year = 2020 })
      assert.same({ "unit", "file", "line", "split", "text", "health", "economy", "culture", "meta.year" },
        c2:sample({ lexicon = lex, n = 1 }):columns())
    end)

    it("says so and returns the population when asked for more", function()
      local t = c:sample { n = 50 }
      assert.equal(9, #t)
      assert.same({ "the population has 9 segment units, fewer than the 50 asked for: the sample is "
        .. "the whole population" }, t.warnings)
      -- min_words: "Vaccines protect us all." has 4 words ("Remarks at the
      -- summit", b.txt's title, is not a segment)
      t = c:sample { n = 50, min_words = 5 }
      assert.equal(8, #t)
      assert.matches("the population has 8 segment units of at least 5 words", t.warnings[1], 1, true)
    end)

    it("marks a held-out share of the draws", function()
      local function count(t)
        local n = { tune = 0, holdout = 0 }
        for _, r in t:rows() do n[r.split] = n[r.split] + 1 end
        return n
      end
      local t = c:sample { n = 6, seed = 2, holdout = 1 / 3 }
      assert.same({ tune = 4, holdout = 2 }, count(t))
      local again = c:sample { n = 6, seed = 2, holdout = 1 / 3 }
      for i = 1, 6 do assert.equal(t[i].split, again[i].split) end
      assert.same({ tune = 6, holdout = 3 }, count(c:sample { n = 9, seed = 5, holdout = 1 / 3 }))
      for _, r in c:sample({ n = 3 }):rows() do assert.is_nil(r.split) end
    end)

    it("samples points, sentences (FILE:LINE:COL) and speeches", function()
      local sp = assert(rostra.parse_file("examples/sample.txt"))
      local one = rostra.corpus()
      one:add(sp, { file = "sample.txt" })
      local pts = one:sample { level = "point", n = 10 }
      assert.equal(4, #pts) -- the seed has four points
      local lines = {}
      for _, p in ipairs(sp:points()) do lines[sp:segments()[p.first].line] = true end
      for _, r in pts:rows() do assert.is_true(lines[r.line], r.unit) end
      local sents = one:sample { level = "sentence", n = 5, seed = 4 }
      for _, r in sents:rows() do assert.matches("^sample%.txt:%d+:%d+$", r.unit) end
      local sp1 = one:sample { level = "speech" }
      assert.equal(1, #sp1)
      assert.equal("sample.txt:1", sp1[1].unit)
    end)

    it("raises on a bad option", function()
      assert.has_error(function() c:sample { n = 0 } end,
        "bad option 'n' to 'sample' (positive integer expected, got 0)")
      assert.has_error(function() c:sample { seed = 1.5 } end,
        "bad option 'seed' to 'sample' (integer expected, got 1.5)")
      assert.has_error(function() c:sample { holdout = 1 } end,
        "bad option 'holdout' to 'sample' (a share from 0 to below 1 expected, got 1)")
      assert.has_error(function() c:sample { level = "chapter" } end,
        "unknown level 'chapter' (valid: speech, segment (or paragraph), point, sentence)")
      assert.has_error(function() c:sample { size = 3 } end,
        "unknown option 'size' to 'sample' (valid: level, n, seed, holdout, min_words, lexicon, levels)")
    end)
  end)

  describe("the bundled lexicon against the team's hand coding", function()
    -- spec/fixtures/validation/coded.csv: 240 paragraphs coded blind; the
    -- lexicon was revised on the tune rows, then on all 240 in rotation
    -- (docs/lexicons.md has the figures; these are floors a change to the
    -- lexicon must not go below)
    local CODED = "spec/fixtures/validation/coded.csv"
    local political = assert(rostra.lexicon("political"))

    it("reads the coded file: 240 units, 24 themes, 160 tune and 80 holdout", function()
      local v = assert(political:validate(CODED))
      assert.equal(240, v.units)
      assert.same({}, v.warnings)
      local s = by(v.splits, "split")
      assert.equal(160, s.tune.units)
      assert.equal(80, s.holdout.units)
      assert.equal(407, v.micro.tp + v.micro.fn)
    end)

    it("keeps its figures under the default rule (F1: all >= 0.82, tune >= 0.83, holdout >= 0.79)", function()
      local every = assert(political:validate(CODED))
      assert.is_true(every.micro.f1 >= 0.82, every.micro.f1)
      assert.is_true(every.micro.precision >= 0.88, every.micro.precision)
      assert.is_true(every.micro.recall >= 0.76, every.micro.recall)
      local tune = assert(political:validate(CODED, { split = "tune" }))
      assert.is_true(tune.micro.f1 >= 0.83, tune.micro.f1)
      assert.is_true(tune.micro.precision >= 0.90, tune.micro.precision)
      local hold = assert(political:validate(CODED, { split = "holdout" }))
      assert.is_true(hold.micro.f1 >= 0.79, hold.micro.f1)
      -- the rule matters: every match is far worse
      local all = assert(political:validate(CODED, { split = "tune", min_score = 0 }))
      assert.is_true(all.micro.f1 < tune.micro.f1 - 0.1)
    end)

    -- the second coder's fresh sample (coded2.csv), scored once after the
    -- revision, and the two coders' agreement on 40 units of the first
    local CODED2 = "spec/fixtures/validation/coded2.csv"
    local OVERLAP = "spec/fixtures/validation/coded2_overlap.csv"

    it("keeps its figure on the second coder's sample (150 units, studied in round 3: F1 >= 0.71)", function()
      local v = assert(political:validate(CODED2))
      assert.equal(150, v.units)
      assert.same({}, v.warnings)
      assert.equal(252, v.micro.tp + v.micro.fn)
      assert.equal(150, by(v.splits, "split").holdout2.units)
      assert.is_true(v.micro.f1 >= 0.71, v.micro.f1)
      assert.is_true(v.micro.precision >= 0.72, v.micro.precision)
      assert.is_true(v.micro.recall >= 0.71, v.micro.recall)
    end)

    it("labels under min_dominance as t:labels does (the unit's top score over all its themes)", function()
      -- the coded rows read by hand, tagged as a corpus of texts, labelled
      -- by t:labels, counted against the codes
      local meta = require "rostra.meta"
      local h, rows = assert(meta.read_delimited(CODED2))
      local col = {}
      for i, n in ipairs(h) do col[n] = i end
      local c = rostra.corpus()
      for _, r in ipairs(rows) do c:add(r[col.text]) end
      for _, d in ipairs { 0, 0.2, 0.5 } do
        local opts = { min_score = 2, min_dominance = d }
        local lab = {}
        for _, x in c:tag(political):labels(opts):rows() do lab[x.speech .. ":" .. x.theme] = true end
        local tp, fp, fn = 0, 0, 0
        for i, r in ipairs(rows) do
          for _, th in ipairs(political:categories()) do
            local code, yes = r[col[th.name]] == "1", lab[i .. ":" .. th.name] == true
            if code and yes then tp = tp + 1 elseif yes then fp = fp + 1 elseif code then fn = fn + 1 end
          end
        end
        local v = assert(political:validate(CODED2, opts))
        assert.same({ tp, fp, fn }, { v.micro.tp, v.micro.fp, v.micro.fn }, "min_dominance " .. d)
      end
      -- a stricter dominance labels fewer units
      local loose = political:validate(CODED2, { min_dominance = 0 })
      local strict = political:validate(CODED2, { min_dominance = 0.5 })
      assert.is_true(strict.micro.tp + strict.micro.fp < loose.micro.tp + loose.micro.fp)
    end)

    -- the third coder's blind sample (coded3.csv), scored once after the
    -- third revision was committed: F1 0.747, short of the 0.80 aimed at
    it("keeps its one-shot figure on the third coder's sample (120 units, F1 >= 0.74)", function()
      local CODED3 = "spec/fixtures/validation/coded3.csv"
      local v = assert(political:validate(CODED3))
      assert.equal(120, v.units)
      assert.same({}, v.warnings)
      assert.equal(204, v.micro.tp + v.micro.fn)
      assert.equal(120, by(v.splits, "split").holdout3.units)
      assert.is_true(v.micro.f1 >= 0.74, v.micro.f1)
      assert.is_true(v.micro.precision >= 0.72, v.micro.precision)
      assert.is_true(v.micro.recall >= 0.77, v.micro.recall)
    end)

    it("reads the two coders' agreement on the overlap: 7 disagreements in 960 decisions", function()
      local v = assert(political:validate({ CODED, OVERLAP }))
      assert.equal(7, #v.disagreements)
      local pooled = by(v.agreement, "theme")["(all)"]
      assert.equal(960, pooled.units)
      near(953 / 960, pooled.agreement)
      -- 65 labels from the first coder, 60 from the second, 59 shared:
      -- kappa = (po - pe) / (1 - pe), pe = (65*60 + 895*900) / 960^2
      local pe = (65 * 60 + 895 * 900) / 960 ^ 2
      near((953 / 960 - pe) / (1 - pe), pooled.kappa)
      assert.equal(125, pooled.positives)
    end)
  end)

  describe("lex:validate", function()
    -- coder1.csv, tagged with themes.yaml, by hand (a match is enough):
    --   unit     health        economy              culture
    --   a.txt:1  2 (code 1) TP  0 (0) TN             0 (0) TN
    --   a.txt:3  0 (0) TN       2 (1) TP tourism...  2 (0) FP tourism, culture
    --   a.txt:5  1 (1) TP       0 (0) TN             0 (0) TN
    --   b.txt:3  1 (0) FP       0 (0) TN             0 (0) TN
    --   b.txt:5  0 (1) FN       0 (0) TN             (not coded)
    --   b.txt:7  0 (0) TN       2 (1) TP             0 (0) TN
    --   c.txt:1  0 (0) TN       1 (0) FP economic    1 (1) TP
    --   c.txt:3  0 (0) TN       0 (1) FN             0 (0) TN
    --   c.txt:5  0 (0) TN       0 (0) TN             2 (1) TP
    -- health, economy: TP 2 FP 1 FN 1 TN 5: P = R = F1 = 2/3; kappa: po 7/9,
    --   pe (3*3 + 6*6)/81 = 5/9, (7/9 - 5/9)/(4/9) = 0.5
    -- culture: TP 2 FP 1 FN 0 TN 5: P 2/3, R 1, F1 4/5; kappa: po 7/8,
    --   pe (3*2 + 5*6)/64 = 9/16, (5/16)/(7/16) = 5/7
    -- micro: TP 6 FP 3 FN 2 TN 15: P 2/3, R 3/4, F1 12/17; kappa: po 21/26,
    --   pe (9*8 + 17*18)/676 = 378/676, kappa 168/298 = 84/149
    -- macro: P 2/3, R (2/3 + 2/3 + 1)/3 = 7/9, F1 (2/3 + 2/3 + 4/5)/3 = 32/45
    it("reproduces precision, recall, F1 and kappa worked out by hand", function()
      local v = assert(lex:validate(CODER1))
      assert.equal(9, v.units)
      local th = by(v.themes, "theme")
      for _, t in ipairs { "health", "economy" } do
        local x = th[t]
        assert.same({ 9, 3, 3, 2, 1, 1, 5 }, { x.units, x.coded, x.tagged, x.tp, x.fp, x.fn, x.tn })
        near(2 / 3, x.precision, t)
        near(2 / 3, x.recall, t)
        near(2 / 3, x.f1, t)
        near(0.5, x.kappa, t)
      end
      local x = th.culture
      assert.same({ 8, 2, 3, 2, 1, 0, 5 }, { x.units, x.coded, x.tagged, x.tp, x.fp, x.fn, x.tn })
      near(2 / 3, x.precision)
      near(1, x.recall)
      near(4 / 5, x.f1)
      near(5 / 7, x.kappa)
      local m = v.micro
      assert.same({ 6, 3, 2, 15 }, { m.tp, m.fp, m.fn, m.tn })
      near(2 / 3, m.precision)
      near(3 / 4, m.recall)
      near(12 / 17, m.f1)
      near(84 / 149, m.kappa)
      assert.is_true(m.f1_low <= m.f1 and m.f1 <= m.f1_high)
      near(2 / 3, v.macro.precision)
      near(7 / 9, v.macro.recall)
      near(32 / 45, v.macro.f1)
    end)

    it("splits: tune TP 4 FP 2 FN 0, holdout TP 2 FP 1 FN 2; opts.split scores one", function()
      local v = assert(lex:validate(CODER1))
      local s = by(v.splits, "split")
      assert.same({ 5, 4, 2, 0 }, { s.tune.units, s.tune.tp, s.tune.fp, s.tune.fn })
      assert.same({ 4, 2, 1, 2 }, { s.holdout.units, s.holdout.tp, s.holdout.fp, s.holdout.fn })
      near(0.8, s.tune.f1)
      near(4 / 7, s.holdout.f1)
      local tune = assert(lex:validate(CODER1, { split = "tune" }))
      assert.equal(5, tune.units)
      near(0.8, tune.micro.f1)
      local hold = assert(lex:validate(CODER1, { split = "holdout" }))
      near(4 / 7, hold.micro.f1)
    end)

    it("reads a later holdout (holdout2, ...) as a split of its own", function()
      -- the holdout rows of coder1.csv made holdout2: the same figures under that name
      local later = coder1_with(function(s) return (s:gsub(",holdout,", ",holdout2,")) end)
      local v = assert(lex:validate(later))
      local s = by(v.splits, "split")
      assert.is_nil(s.holdout)
      assert.same({ 4, 2, 1, 2 }, { s.holdout2.units, s.holdout2.tp, s.holdout2.fp, s.holdout2.fn })
      local h2 = assert(lex:validate(later, { split = "holdout2" }))
      assert.equal(4, h2.units)
      near(4 / 7, h2.micro.f1)
      assert.equal(0, assert(lex:validate(later, { split = "holdout" })).units)
      os.remove(later)
      for _, bad in ipairs { "holdout0", "holdout-2", "holdouts", "Holdout2" } do
        assert.has_error(function() lex:validate(CODER1, { split = bad }) end)
      end
    end)

    it("lists every false positive and false negative with the unit's text and the words that fired",
      function()
      local v = assert(lex:validate(CODER1))
      local got = {}
      for i, e in v.errors:rows() do
        got[i] = table.concat({ e.error, e.theme, e.unit, e.fired or "-", tostring(e.count) }, "|")
      end
      assert.same({
        "false positive|health|b.txt:3|health|1",
        "false negative|health|b.txt:5|-|0",
        "false positive|economy|c.txt:1|economic|1",
        "false negative|economy|c.txt:3|-|0",
        "false positive|culture|a.txt:3|tourism, culture|2",
      }, got)
      assert.equal("Our health is our wealth, as the saying goes.", v.errors[1].text)
      local s = tostring(v)
      assert.matches("FP  culture  a.txt:3 [tune]", s, 1, true)
      assert.matches("\n    Tourism revives our economy and our culture.", s, 1, true)
    end)

    it("gives the confusion of themes: units coded with one theme, wrongly tagged with another", function()
      local v = assert(lex:validate(CODER1))
      local got = {}
      for i, r in v.confusion:rows() do
        got[i] = ("%s>%s:%d/%d"):format(r.coded, r.tagged, r.units, r.missed)
      end
      assert.same({ "culture>economy:1/0", "economy>culture:1/0" }, got)
    end)

    -- min_count 2: health TP 1 (a.txt:1) FN 2; economy TP 2 FN 1 (c.txt:1 is
    -- now a TN); culture TP 1 (c.txt:5) FP 1 (a.txt:3) FN 1 (c.txt:1):
    -- micro TP 4 FP 1 FN 4: P 4/5, R 1/2, F1 8/13
    it("applies the decision rule from the call and from the lexicon file", function()
      local v = assert(lex:validate(CODER1, { min_count = 2 }))
      assert.same({ 4, 1, 4 }, { v.micro.tp, v.micro.fp, v.micro.fn })
      near(8 / 13, v.micro.f1)
      assert.same({ min_count = 2 }, v.rule)
      -- culture keeps min_count 1: TP 2 FP 1 FN 0, micro TP 5 FP 1 FN 3, F1 10/14
      v = assert(lex:validate(CODER1, { min_count = 2, rules = { culture = { min_count = 1 } } }))
      assert.same({ 5, 1, 3 }, { v.micro.tp, v.micro.fp, v.micro.fn })
      near(5 / 7, v.micro.f1)
      assert.same({ culture = { min_count = 1 } }, v.rules)
      -- the same from YAML
      local path = write_tmp(read(LEX .. ".yaml") .. "_rule: {min_count: 2}\n", ".yaml")
      local lex2 = assert(rostra.lexicon(path))
      os.remove(path)
      v = assert(lex2:validate(CODER1))
      near(8 / 13, v.micro.f1)
      -- min_score: free trade weighs 2 (b.txt:7 scores 3, a.txt:3 economy 2)
      v = assert(lex:validate(CODER1, { min_score = 3 }))
      assert.same({ 1, 0, 7 }, { v.micro.tp, v.micro.fp, v.micro.fn })
    end)

    it("works the same for the lexicon in every format it is read from", function()
      local want = assert(lex:validate(CODER1, { min_count = 2 }))
      for _, ext in ipairs { ".dic", ".cat", ".lc3" } do
        local l = assert(rostra.lexicon(LEX .. ext))
        local v = assert(l:validate(CODER1, { min_count = 2 }))
        for _, t in ipairs { "tp", "fp", "fn", "tn" } do assert.equal(want.micro[t], v.micro[t], ext) end
        local l2 = assert(rostra.lexicon(LEX .. ext, { rule = { min_count = 2 } }))
        assert.equal(want.micro.f1, assert(l2:validate(CODER1)).micro.f1, ext)
      end
    end)

    it("takes the coded rows as Lua tables", function()
      local rows = {
        { unit = "x:1", text = "The pandemic strained public health systems.", health = 1, economy = 0 },
        { unit = "x:2", text = "Tourism revives our economy and our culture.", health = 0, economy = 1,
          culture = 0 },
        { unit = "x:3", text = "Vaccines protect us all.", health = 0 },
      }
      -- x:1 health TP, economy TN; x:2 health TN, economy TP, culture FP
      -- (tourism); x:3 health FP (vaccines)
      local v = assert(lex:validate(rows))
      assert.same({ 2, 2, 0, 2 }, { v.micro.tp, v.micro.fp, v.micro.fn, v.micro.tn })
    end)

    it("finds the units in a corpus; a unit that is not there is an error naming the row", function()
      local c = rostra.load(FIX .. "corpus")
      local v = assert(lex:validate(CODER1, { corpus = c }))
      near(12 / 17, v.micro.f1)
      local moved = coder1_with(function(s) return (s:gsub("\nc%.txt:3,c%.txt,3,", "\nc.txt:4,c.txt,4,")) end)
      local ok, msg, code = lex:validate(moved, { corpus = c, level = "segment" })
      assert.is_nil(ok)
      assert.equal("ENOUNIT", code)
      assert.equal(moved .. ":9: row 8: unit 'c.txt:4' no longer exists: no segment of c.txt starts at "
        .. "line 4", msg)
      -- with no level given, the error says which level was inferred
      ok, msg, code = lex:validate(moved, { corpus = c })
      assert.is_nil(ok)
      assert.equal("ENOUNIT", code)
      assert.equal(moved .. ":9: row 8: unit 'c.txt:4' no longer exists: no segment of c.txt starts at "
        .. "line 4 (units taken as segments, the level their ids suggest, nor found as points or speeches; "
        .. "give the level if they are sentences)", msg)
      local changed = coder1_with(function(s) return (s:gsub("Exports and jobs", "Exports and wages")) end)
      ok, msg, code = lex:validate(changed, { corpus = c })
      assert.is_nil(ok)
      assert.equal("ENOUNIT", code)
      assert.matches(":9: row 8: unit 'c.txt:3': the text differs from the corpus", msg, 1, true)
      local gone = coder1_with(function(s) return (s:gsub("\na%.txt:5,a%.txt,5,", "\nd.txt:5,d.txt,5,")) end)
      ok, msg, code = lex:validate(gone, { corpus = c })
      assert.is_nil(ok)
      assert.equal("ENOUNIT", code)
      assert.matches(":4: row 3: unit 'd.txt:5': the corpus has no file 'd.txt'", msg, 1, true)
      for _, p in ipairs { moved, changed, gone } do os.remove(p) end
    end)

    it("infers the level of the units in the corpus when none is given, and says which", function()
      local c = rostra.load(FIX .. "corpus")
      local function coded_at(level)
        local t = c:sample { lexicon = lex, n = 3, seed = 1, level = level }
        local rows = {}
        for i, r in t:rows() do
          local row = {}
          for k, val in pairs(r) do row[k] = val end
          row.health, row.economy, row.culture = 0, 0, 0
          rows[i] = row
        end
        return write_tmp(result.new(t:columns(), rows):to_csv())
      end
      for _, level in ipairs { "segment", "sentence", "speech" } do
        local path = coded_at(level)
        local v = assert(lex:validate(path, { corpus = c }))
        assert.equal(level, v.level)
        assert.equal(3, v.units)
        assert.matches("3 units (" .. level .. "s of the corpus)", tostring(v), 1, true)
        -- the level given wins: speech ids are not sentences
        if level == "speech" then
          local ok, msg, code = lex:validate(path, { corpus = c, level = "sentence" })
          assert.is_nil(ok)
          assert.equal("EPARSE", code)
          assert.matches("is not FILE:LINE:COL", msg, 1, true)
        end
        os.remove(path)
      end
      -- no corpus, no level in the report
      assert.is_nil(assert(lex:validate(CODER1)).level)
    end)

    it("reads what rostra sample writes, once coded", function()
      local c = rostra.corpus()
      c:add("The pandemic strained public health systems.", { file = "x.txt", year = 2021 })
      c:add("Tourism and culture.", { file = "y.txt", year = 2022 })
      local t = c:sample { lexicon = lex, n = 2 }
      local coded = {}
      for i, r in t:rows() do
        local row = {}
        for k, val in pairs(r) do row[k] = val end
        row.health = r.file == "x.txt" and 1 or 0
        row.economy, row.culture = 0, 1 - row.health
        coded[i] = row
      end
      local path = write_tmp(result.new(t:columns(), coded):to_csv())
      local v = assert(lex:validate(path, { corpus = c, level = "segment" }))
      os.remove(path)
      assert.same({}, v.warnings)
      -- x.txt health TP; y.txt culture TP, economy FP (tourism is both)
      assert.same({ 2, 1, 0 }, { v.micro.tp, v.micro.fp, v.micro.fn })
    end)

    describe("two coders", function()
      -- coder2 differs on b.txt:3 health (0/1), c.txt:1 economy (0/1),
      -- a.txt:3 culture (0/1), and codes b.txt:5 culture, which coder1 left
      -- empty (not pairable).
      -- health, economy: 9 units, both 1: 3, 0/1: 1, both 0: 5: agreement
      --   8/9, kappa po 8/9 pe (4*3 + 5*6)/81 = 42/81: 30/39 = 10/13; alpha:
      --   18 values, 7 ones, 11 zeros, one disagreement: 1 - 17*2/(2*7*11) = 60/77
      -- culture: 8 units, 2/1/0/5: agreement 7/8, kappa (20/64)/(28/64) = 5/7,
      --   alpha 1 - 15*2/(2*5*11) = 8/11
      -- all 26 decisions: agreement 23/26; kappa: tp 8, fp 3, tn 15, po 23/26,
      --   pe (11*8 + 15*18)/676 = 358/676: 240/318 = 40/53; alpha: 52 values,
      --   19 ones, 33 zeros, 3 disagreements: 1 - 51*6/(2*19*33) = 158/209
      it("give their agreement: Cohen's kappa and Krippendorff's alpha per theme and pooled", function()
        local v = assert(lex:validate { CODER1, CODER2 })
        local a = by(v.agreement, "theme")
        for _, t in ipairs { "health", "economy" } do
          assert.equal(9, a[t].units)
          near(8 / 9, a[t].agreement, t)
          near(10 / 13, a[t].kappa, t)
          near(60 / 77, a[t].alpha, t)
        end
        assert.equal(8, a.culture.units)
        near(7 / 8, a.culture.agreement)
        near(5 / 7, a.culture.kappa)
        near(8 / 11, a.culture.alpha)
        local all = a["(all)"]
        assert.equal(26, all.units)
        near(23 / 26, all.agreement)
        near(40 / 53, all.kappa)
        near(158 / 209, all.alpha)
        local d = {}
        for i, r in v.disagreements:rows() do d[i] = r.unit .. " " .. r.theme .. " " .. r.codes end
        assert.same({ "b.txt:3 health 0/1", "c.txt:1 economy 0/1", "a.txt:3 culture 0/1" }, d)
        -- and the lexicon against each: coder2 has no false positive
        assert.equal(2, #v.coders)
        assert.same({ 9, 0, 2 }, { v.coders[2].micro.tp, v.coders[2].micro.fp, v.coders[2].micro.fn })
        assert.matches("agreement of 2 coders", tostring(v), 1, true)
      end)
    end)

    describe("bad input", function()
      local function fails(text, want, code)
        local path = write_tmp(text)
        local ok, msg, c = lex:validate(path)
        os.remove(path)
        assert.is_nil(ok)
        assert.equal(code or "EPARSE", c)
        assert.equal(path .. want, msg)
      end
      local H = "unit,file,line,split,text,health,economy,culture\n"

      it("an unknown theme column is an error naming it", function()
        fails("unit,file,line,split,text,health,wealth\na:1,a,1,,Health.,1,0\nb:1,b,1,,Wealth.,0,1\n",
          ":1: column 7 'wealth': unknown theme (not a theme of themes.yaml; its themes: health, "
          .. "economy, culture)")
      end)

      it("a missing unit id, a value other than 0/1, a bad split or line name the row and column",
        function()
        fails(H .. "a:1,a,1,,Health.,1,0,0\n,a,3,,Trade.,0,1,0\n",
          ":3: row 2, column 'unit': missing unit id")
        fails(H .. "a:1,a,1,,Health.,1,0,0\na:3,a,3,,Trade.,0,yes,0\n",
          ":3: row 2, column 'economy': 'yes' is not 0, 1 or empty")
        fails(H .. "a:1,a,1,,Health.,1,0,2\n", ":2: row 1, column 'culture': '2' is not 0, 1 or empty")
        fails(H .. "a:1,a,1,test,Health.,1,0,0\n",
          ":2: row 1, column 'split': 'test' is not tune, holdout (holdout2, ... for a later one) or empty")
        fails(H .. "a:x,a,x,,Health.,1,0,0\n", ":2: row 1, column 'line': 'x' is not a line number")
        -- a quoted text over two lines: the next row starts on line 4
        fails(H .. "a:1,a,1,,\"Health\nand more.\",1,0,0\na:1,a,1,,Again.,1,0,0\n",
          ":4: row 2, column 'unit': unit 'a:1' is already at row 1")
        fails(H .. "a:1,a,3,,Health.,1,0,0\n",
          ":2: row 1: unit 'a:1' does not match its file and line (a:3): were the columns sorted apart?")
      end)

      it("a file without unit or theme columns, or not CSV, says so", function()
        fails("text,health\nHealth.,1\n",
          ":1: no 'unit' column (a coded file starts unit,file,line,split,text, then one column per theme)")
        fails("unit,text,notes\na:1,Health.,x\n", ":1: no theme columns: none of the columns is a theme of "
          .. "themes.yaml (health, economy, culture)")
        fails(H .. "a:1,a,1,,\"Health.,1,0,0\n", ":2:10: unterminated quoted field")
        fails("unit,text,health,health\na:1,x,1,1\n", ":1: column 'health' appears twice (columns 3 and 4)")
        fails("unit,text,health\na:1,\"He\0alth\",1\n", ":2: row 1, column 'text': a NUL byte (binary data?)")
        fails("unit,text,health\na:1,\"He\255alth\",1\n", ":2: row 1, column 'text': invalid UTF-8")
        local ok, msg, code = lex:validate("spec/fixtures/coded/nothere.csv")
        assert.is_nil(ok)
        assert.equal("ENOENT", code)
        assert.matches("nothere.csv", msg)
      end)

      it("warns of columns it ignores, themes not coded and rows without codes", function()
        local path = write_tmp("unit,text,health,speaker,meta.year,notes\na:1,Health.,1,X,2020,ok\n"
          .. "a:2,Vaccines.,,Y,2021,\n")
        local v = assert(lex:validate(path))
        assert.same({
          path .. ": column speaker ignored (not themes of themes.yaml, nor columns a coded file has)",
          path .. ": themes economy, culture not coded, not scored",
          path .. ": 1 row with no codes, left out" }, v.warnings)
        assert.equal(1, v.units)
        os.remove(path)
      end)

      it("scores nothing, with a warning, when no row is coded", function()
        local v = assert(lex:validate { { unit = "a:1", text = "Health.", health = "" } })
        assert.equal(0, v.units)
        assert.is_nil(v.micro.f1)
        assert.same({ "coded rows: themes economy, culture not coded, not scored",
          "coded rows: 1 row with no codes, left out", "no coded units to score" }, v.warnings)
        local ok, msg = lex:validate {}
        assert.is_nil(ok)
        assert.matches("^coded rows: no theme columns", msg)
      end)

      it("raises on a caller's mistake", function()
        assert.has_error(function() lex:validate(CODER1, { split = "test" }) end,
          "bad option 'split' to 'validate' (\"tune\", \"holdout\" or \"holdout2\", ... expected, got test)")
        assert.has_error(function() lex:validate(CODER1, { min_cont = 2 }) end)
        assert.has_error(function() lex:validate(42) end)
      end)
    end)
  end)
end)
