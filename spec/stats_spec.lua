-- Specs of rostra.stats: c:ngrams, c:collocates, c:keyness, c:dispersion.
-- Expected values are worked out by hand from tiny corpora (the working is
-- in the comments, with the source of each formula); larger random corpora
-- are checked against plain Lua counts.
local rostra = require "rostra"
local result = require "rostra.result"
local stats = require "rostra.stats"
local support = require "support"

local FIX = "spec/fixtures/stats"

local function near(want, got, tol, what)
  assert.is_number(got, what)
  assert.is_true(math.abs(got - want) <= (tol or 1e-9) * math.max(1, math.abs(want)),
    ("%s: expected %.17g, got %.17g"):format(what or "value", want, got))
end

local function finite(v)
  return v == v and v ~= math.huge and v ~= -math.huge
end

-- every number of every row is finite (NaN and inf never reach output)
local function all_finite(t)
  for i, row in ipairs(t) do
    for _, col in ipairs(t:columns()) do
      local v = row[col]
      if type(v) == "number" then
        assert.is_true(finite(v), ("row %d, %s = %s"):format(i, col, tostring(v)))
      end
    end
  end
end

local function by(t, col, value)
  for _, row in ipairs(t) do
    if row[col] == value then return row end
  end
  return nil
end

-- the four speeches of spec/fixtures/stats (positions 1-based):
--  1 AAA 2019: peace(1) and development(3) go together .(6) | we(7) want peace(9) and development(11) .(12)
--  2 AAA 2020: development(13) ,(14) development(15) and more development(18) for peace(20) .(21)
--  3 BBB 2019: war(22) is not the answer .(27) |
--              development(28) needs peace(30) ,(31) security and development(34) .(35)
--  4 CCC 2020: security(36) first .(38) | security(39) always .(41)
-- sentences 1-6, 7-12, 13-21, 22-27, 28-35, 36-38, 39-41; 41 tokens
local function fixture_corpus()
  return assert(rostra.load(FIX, { meta = "{country}_{year}.txt", threads = 1 }))
end

-- speeches of random words, sentences ending in "." and starting with a
-- capital (so that the splitter ends them there)
local function random_corpus(nspeech, nword, words, seed)
  math.randomseed(seed)
  local r = rostra.corpus()
  for _ = 1, nspeech do
    local parts, start = {}, true
    for _ = 1, nword do
      local w = words[math.random(#words)]
      if start and w ~= "," then w = w:upper() end
      start = false
      parts[#parts + 1] = w
      if math.random(8) == 1 then
        parts[#parts] = parts[#parts] .. "."
        start = true
      end
    end
    r:add(table.concat(parts, " ") .. ".")
  end
  math.randomseed(os.time())
  return r
end

local function tmpname(ext)
  local p = os.tmpname()
  os.remove(p)
  return p .. ext
end

describe("rostra.stats", function()
  local c
  before_each(function() c = fixture_corpus() end)

  it("reads the fixture corpus as the hand counts below assume", function()
    assert.are.equal(41, #c)
    assert.are.same({ 3, 11, 13, 15, 18, 28, 34 }, c:positions("development"))
  end)

  describe("ngrams", function()
    it("counts bigrams within sentences, without punctuation, as counted by hand", function()
      -- s1: peace and, and development, development go, go together
      -- s2: we want, want peace, peace and, and development
      -- doc 2: development and, and more, more development, development for, for peace
      --        (", " breaks "development , development")
      -- doc 3: war is, is not, not the, the answer | development needs, needs peace,
      --        security and, and development
      -- doc 4: security first | security always
      -- 23 bigrams, 20 distinct: and development 3, peace and 2, the rest once
      local t = c:ngrams { n = 2, min = 1, top = false }
      assert.is_true(result.is(t))
      assert.are.equal(20, #t)
      assert.are.equal(23, t.meta.total)
      assert.are.equal(20, t.meta.distinct)
      assert.are.same({ "ngram", "count", "per_million" }, t:columns())
      assert.are.equal("and development", t[1].ngram)
      assert.are.equal(3, t[1].count)
      near(3 * 1e6 / 32, t[1].per_million, 1e-12, "per_million") -- 32 words (41 tokens)
      assert.are.equal("peace and", t[2].ngram)
      assert.are.equal(2, t[2].count)
      -- ties in byte order
      assert.are.equal("and more", t[3].ngram)
      assert.are.equal("development and", t[4].ngram)
      assert.are.equal("we want", t[20].ngram)
      assert.is_nil(by(t, "ngram", "development ,"))
    end)

    it("keeps min and top, and defaults to min 5, top 50", function()
      local t = c:ngrams { n = 2, min = 2 }
      assert.are.equal(2, #t)
      t = c:ngrams { n = 2, min = 1, top = 1 }
      assert.are.equal(1, #t)
      assert.are.equal("and development", t[1].ngram)
      assert.are.equal(0, #c:ngrams { n = 2 }) -- nothing is seen 5 times
      assert.are.equal(0, #c:ngrams { n = 2, min = 1, top = 0 })
    end)

    it("counts punctuation when asked, and never across a sentence or speech", function()
      -- + "development ,", ", development", "together .", "development ." (s2),
      -- "peace ." (doc 2), "answer .", "peace ,", ", security", "development ." (doc 3),
      -- "first .", "always ."
      local t = c:ngrams { n = 2, min = 1, top = false, skip_punct = false }
      assert.are.equal(34, t.meta.total)
      assert.are.equal(2, by(t, "ngram", "development .").count)
      assert.is_nil(by(t, "ngram", ". we")) -- crosses a sentence edge
      -- within speech: ". we" (doc 1), ". development" (doc 3) and ". security" (doc 4)
      -- join; ". development" between speeches 1 and 2 never does
      local s = c:ngrams { n = 2, min = 1, top = false, skip_punct = false, within = "speech" }
      assert.are.equal(37, s.meta.total)
      assert.are.equal(1, by(s, "ngram", ". development").count)
    end)

    it("counts unigrams and trigrams", function()
      -- development 7, and 4, peace 4, security 3
      local u = c:ngrams { n = 1, min = 3 }
      assert.are.same({ "development", "and", "peace", "security" },
        { u[1].ngram, u[2].ngram, u[3].ngram, u[4].ngram })
      assert.are.same({ 7, 4, 4, 3 }, { u[1].count, u[2].count, u[3].count, u[4].count })
      -- trigrams: peace and development (1, 9), the rest once
      local t = c:ngrams { n = 3, min = 1, top = false }
      assert.are.equal("peace and development", t[1].ngram)
      assert.are.equal(2, t[1].count)
      -- s1 3, s2 3, doc 2 4 (the run "development and more development for
      -- peace" after the comma), doc 3 3 + 2 (runs of 3 around the comma), doc 4 0
      assert.are.equal(15, t.meta.total)
    end)

    it("drops n-grams that start or end with a stopword", function()
      local t = c:ngrams { n = 2, min = 1, top = false, stopwords = { "and" } }
      assert.is_nil(by(t, "ngram", "and development"))
      assert.is_nil(by(t, "ngram", "peace and"))
      assert.are.equal(15, #t)
      local t3 = c:ngrams { n = 3, min = 1, top = false, stopwords = { "and" } }
      assert.are.equal(2, by(t3, "ngram", "peace and development").count) -- inside: kept
      local en = c:ngrams { n = 2, min = 1, top = false, stopwords = "en" }
      assert.is_nil(by(en, "ngram", "not the"))
    end)

    it("counts word forms and stems", function()
      local a = rostra.corpus()
      a:add("Peace peace. Peace PEACE. Peaceful peace.")
      local w = a:ngrams { n = 2, attr = "word", min = 1, top = false }
      -- "Peace peace", "Peace PEACE", "Peaceful peace"
      assert.are.equal(3, #w)
      local l = a:ngrams { n = 2, attr = "lower", min = 1, top = false }
      assert.are.equal(2, by(l, "ngram", "peace peace").count)
      local s = a:ngrams { n = 1, attr = "stem", min = 1 }
      assert.are.equal("peac", s[1].ngram)
      assert.are.equal(6, s[1].count)
    end)

    it("counts over a view only", function()
      local t = c:where { country = "AAA" }:ngrams { n = 2, min = 1, top = false }
      assert.are.equal(2, by(t, "ngram", "and development").count)
      near(2 * 1e6 / 17, by(t, "ngram", "and development").per_million, 1e-12) -- 17 words
      local e = c:where { country = "ZZZ" }:ngrams { n = 2, min = 1 }
      assert.are.equal(0, #e)
      assert.are.equal(1, #e.warnings)
    end)

    it("builds large results lazily, with the same rows", function()
      local eager = c:ngrams { n = 2, min = 1, top = false }
      local old = stats.lazy_rows
      stats.lazy_rows = 0
      local ok, lazy = pcall(c.ngrams, c, { n = 2, min = 1, top = false })
      stats.lazy_rows = old
      assert.is_true(ok, lazy)
      assert.are.equal(#eager, #lazy)
      assert.are.equal(lazy[5], lazy[5]) -- the same table each time
      local n = 0
      for i, row in ipairs(lazy) do
        n = n + 1
        assert.are.equal(eager[i].ngram, row.ngram)
        assert.are.equal(eager[i].count, row.count)
      end
      assert.are.equal(#eager, n)
      assert.are.equal(eager:to_tsv(), lazy:to_tsv())
      lazy:sort("ngram")
      assert.are.equal("and development", lazy[1].ngram)
      assert.are.equal(3, #lazy:head(3))
      assert.is_truthy(tostring(lazy):find("and development", 1, true))
    end)

    it("agrees with a plain count on a random corpus", function()
      local r = random_corpus(12, 60, { "a", "b", "c", "d", "e", ",", "f", "g" }, 12345)
      for n = 1, 5 do
        for _, within in ipairs { "sentence", "speech" } do
          local want, total = {}, 0
          local spans = within == "sentence" and r:spans("sentence") or r:spans("speech")
          for sp in spans do
            local toks = {}
            for p = sp.start, sp.stop do toks[#toks + 1] = r:token(p, "lower") end
            for i = 1, #toks - n + 1 do
              local ok = true
              for k = i, i + n - 1 do
                if toks[k] == "," or toks[k] == "." then ok = false end
              end
              if ok then
                local key = table.concat(toks, " ", i, i + n - 1)
                want[key] = (want[key] or 0) + 1
                total = total + 1
              end
            end
          end
          local t = r:ngrams { n = n, min = 1, top = false, within = within }
          assert.are.equal(total, t.meta.total, n .. " " .. within)
          local distinct = 0
          for _ in pairs(want) do distinct = distinct + 1 end
          assert.are.equal(distinct, #t)
          for i, row in ipairs(t) do
            assert.are.equal(want[row.ngram], row.count, row.ngram)
            if i > 1 then
              local p = t[i - 1]
              assert.is_true(p.count > row.count or (p.count == row.count and p.ngram < row.ngram))
            end
          end
          local m = r:ngrams { n = n, min = 3, top = false, within = within }
          local kept = 0
          for _, x in pairs(want) do if x >= 3 then kept = kept + 1 end end
          assert.are.equal(kept, #m)
        end
      end
    end)

    it("rejects a bad n and unknown options", function()
      assert.has_error(function() c:ngrams { n = 0 } end)
      assert.has_error(function() c:ngrams { n = 6 } end)
      assert.has_error(function() c:ngrams { n = 2.5 } end)
      local ok, err = pcall(c.ngrams, c, { size = 2 })
      assert.is_false(ok)
      assert.is_truthy(err:find("unknown option 'size'", 1, true))
      assert.has_error(function() c:ngrams { within = "chapter" } end)
      assert.has_error(function() c:ngrams { attr = "pos" } end)
      assert.has_error(function() c:ngrams { min = 0 } end)
      assert.has_error(function() c:ngrams { top = -1 } end)
    end)
  end)

  describe("collocates", function()
    -- NLTK's BigramAssocMeasures on hand-counted bigram counts: n_ii = o11,
    -- n_ix = f1, n_xi = f2, n_xx = N (nltk/metrics/association.py)
    local function nltk(o11, f1, f2, N)
      local n_io, n_oi = f1 - o11, f2 - o11
      local n_oo = N - o11 - n_io - n_oi
      local cells = { o11, n_oi, n_io, n_oo }
      local rows = { f1, N - f1, f1, N - f1 }
      local cols = { f2, f2, N - f2, N - f2 }
      local ll = 0
      for i = 1, 4 do
        local e = rows[i] * cols[i] / N
        if cells[i] > 0 then ll = ll + cells[i] * math.log(cells[i] / e) end
      end
      return {
        mi = math.log(o11 * N, 2) - math.log(f1 * f2, 2),               -- pmi
        t = (o11 - f1 * f2 / N) / math.sqrt(o11 + 1e-20),               -- student_t
        ll = 2 * ll,                                                     -- likelihood_ratio
        chi2 = N * (o11 * n_oo - n_io * n_oi) ^ 2
          / ((o11 + n_io) * (o11 + n_oi) * (n_io + n_oo) * (n_oi + n_oo)), -- chi_sq
        dice = 2 * o11 / (f1 + f2),                                      -- dice
      }
    end

    it("gives right-neighbour bigrams NLTK's scores for window {0, 1}", function()
      -- the cat sat on the mat the cat ran: N = 9 (one sentence, no
      -- punctuation); node "the" at 1, 5, 7 (f1 = 3), right neighbours cat,
      -- mat, cat: o11(cat) = 2, f2(cat) = 2; o11(mat) = 1, f2(mat) = 1
      local b = rostra.corpus()
      b:add("the cat sat on the mat the cat ran")
      local t = b:collocates("the", { window = { 0, 1 }, measure = "all", min = 1 })
      assert.are.equal(2, #t)
      for _, case in ipairs { { "cat", 2, 2 }, { "mat", 1, 1 } } do
        local row = by(t, "collocate", case[1])
        assert.are.equal(case[2], row.count)
        assert.are.equal(3, row.f_node)
        assert.are.equal(case[3], row.f_coll)
        assert.are.equal(0, row.left)
        local want = nltk(case[2], 3, case[3], 9)
        for m, v in pairs(want) do near(v, row[m], 1e-9, case[1] .. " " .. m) end
        near(3 * case[3] / 9, row.expected, 1e-12, "expected")
      end
      -- by hand for cat: pmi log2(2*9/(3*2)) = log2 3; t (2 - 6/9)/sqrt 2;
      -- dice 4/5; chi2 9 * (2*6 - 1*0)^2 / (3*2*7*6) = 36/7
      local cat = by(t, "collocate", "cat")
      near(1.584962500721156, cat.mi, 1e-12, "pmi")
      near(0.9428090415820634, cat.t, 1e-12, "t")
      near(0.8, cat.dice, 1e-12, "dice")
      near(36 / 7, cat.chi2, 1e-12, "chi2")
      -- logDice (Rychly 2008) 14 + log2(2*2/(3+2)); mi3 log2(2^3 / (6/9));
      -- z (2 - 2/3) / sqrt(2/3)
      near(14 + math.log(0.8, 2), cat.logdice, 1e-12, "logdice")
      near(math.log(8 / (6 / 9), 2), cat.mi3, 1e-12, "mi3")
      near((2 - 2 / 3) / math.sqrt(2 / 3), cat.z, 1e-12, "z")
    end)

    it("counts window 2 within sentences as counted by hand", function()
      -- node development at 3, 11, 13, 15, 18, 28, 34 (f1 = 7), L2-R2 in sentences:
      --  3: peace and | go together      11: peace and | .
      -- 13: (sentence start) | , [15 is a node]
      -- 15: [13, 14 counted already] | and more
      -- 18: [16, 17 counted already] | for peace
      -- 28: (start) | needs peace       34: security and | .
      -- peace 4 (1, 9, 20, 30), and 4 (2, 10, 16, 33), the others once; "." and
      -- "," fill window positions (17 in all) but are no collocates
      local t = c:collocates("development", { window = 2, min = 1, top = false })
      assert.are.same({ "collocate", "count", "left", "right", "f_coll", "f_node", "expected", "score" },
        t:columns())
      assert.are.equal(7, t.meta.f_node)
      assert.are.equal(17, t.meta.window)
      assert.are.equal(32, t.meta.N) -- words: punctuation is not counted
      assert.are.equal(4, t.meta.span)
      local peace = by(t, "collocate", "peace")
      assert.are.equal(4, peace.count)
      assert.are.equal(2, peace.left)
      assert.are.equal(2, peace.right)
      assert.are.equal(4, peace.f_coll)
      -- expected = f1 f2 span / N = 7*4*4/32; MI = log2(4 / expected) (Church & Hanks 1990)
      near(112 / 32, peace.expected, 1e-12, "expected")
      near(0.19264507794239583, peace.score, 1e-12, "mi")
      assert.are.equal(4, by(t, "collocate", "and").count)
      assert.are.equal(1, by(t, "collocate", "security").count)
      assert.is_nil(by(t, "collocate", "development")) -- node tokens are never collocates
      assert.is_nil(by(t, "collocate", "."))
      assert.are.equal(8, #t) -- peace, and, go, together, more, for, needs, security
      -- sorted by the score, descending
      for i = 2, #t do assert.is_true(t[i - 1].score >= t[i].score) end
      all_finite(t)
    end)

    it("counts punctuation when asked and honours min, top, stopwords", function()
      local t = c:collocates("development", { window = 2, min = 1, top = false, punct = true })
      assert.are.equal(2, by(t, "collocate", ".").count)
      assert.are.equal(1, by(t, "collocate", ",").count)
      local m = c:collocates("development", { window = 2, min = 2, top = false })
      assert.are.equal(2, #m) -- peace, and
      local s = c:collocates("development", { window = 2, min = 1, top = false, stopwords = { "and" } })
      assert.is_nil(by(s, "collocate", "and"))
      local one = c:collocates("development", { window = 2, min = 1, top = 1, sort = "count" })
      assert.are.equal(1, #one)
      assert.are.equal("and", one[1].collocate) -- 4 like peace, and first in byte order
    end)

    it("counts within speeches, and a position shared by two windows once", function()
      -- within speech, L1-R1: 13 and 15 share 14 (","), counted once
      local t = c:collocates("development", { window = 1, within = "speech", min = 1, top = false,
                                               punct = true })
      assert.are.equal(1, by(t, "collocate", ",").count)
      -- 28's left neighbour is "." (27) once sentences do not clip
      assert.are.equal(3, by(t, "collocate", ".").count) -- 12, 27, 35
    end)

    it("takes matches: multi-token nodes, and objects with positions()", function()
      local m = { positions = function() return { 1, 9 }, { 3, 11 } end } -- peace and development
      local t = c:collocates(m, { window = 2, min = 1, top = false })
      -- 1-3: | go together; 9-11: we want | .
      assert.are.equal(2, t.meta.f_node)
      assert.are.same({ "go", "together", "want", "we" },
        (function()
          local out = {}
          for _, r in ipairs(t) do out[#out + 1] = r.collocate end
          table.sort(out)
          return out
        end)())
      if c.query then -- bare words: lower forms ("Peace" at 1 too)
        local q = c:collocates("peace and development", { window = 2, min = 1, top = false })
        assert.are.equal(2, q.meta.f_node)
        assert.are.equal(#t, #q)
      end
    end)

    it("counts over a view: N and f_coll from the view", function()
      local v = c:where { year = 2019 }
      local t = v:collocates("development", { window = 2, min = 1, top = false })
      -- nodes 3, 11, 28, 34; peace at 1, 9, 30 (window) of 1, 9, 30 in the view
      assert.are.equal(4, t.meta.f_node)
      assert.are.equal(21, t.meta.N) -- the view's words
      local peace = by(t, "collocate", "peace")
      assert.are.equal(3, peace.count)
      assert.are.equal(3, peace.f_coll)
    end)

    it("agrees with a plain count on a random corpus", function()
      local r = random_corpus(8, 120, { "x", "y", "z", "w", "v", "u", "s", "q", "o", "," }, 777)
      local ntok = #r
      local form, doc, sent = {}, {}, {}
      for sp in r:spans("speech") do
        for p = sp.start, sp.stop do doc[p] = sp.speech end
      end
      local si = 0
      for sp in r:spans("sentence") do
        si = si + 1
        for p = sp.start, sp.stop do sent[p] = si end
      end
      for p = 1, ntok do form[p] = r:token(p, "lower") end
      -- nodes: "x" alone, and the two-token "x y"
      local single, pairs_s, pairs_e = {}, {}, {}
      for p = 1, ntok do
        if form[p] == "x" then
          single[#single + 1] = p
          if form[p + 1] == "y" then
            pairs_s[#pairs_s + 1] = p
            pairs_e[#pairs_e + 1] = p + 1
          end
        end
      end
      local function plain(starts, stops, L, R, within)
        local node, seen, count = {}, {}, {}
        for i = 1, #starts do for p = starts[i], stops[i] do node[p] = true end end
        local unit = within == "sentence" and sent or doc
        for i = 1, #starts do
          local s, e = starts[i], stops[i]
          for p = s - L, e + R do
            if p >= 1 and p <= ntok and (p < s or p > e) and unit[p] == unit[s] and not node[p]
              and not seen[p] then
              seen[p] = true
              if form[p] ~= "," and form[p] ~= "." then count[form[p]] = (count[form[p]] or 0) + 1 end
            end
          end
        end
        return count
      end
      local cases = {
        { single, single, 2, 2 }, { single, single, 0, 1 }, { single, single, 3, 1 },
        { pairs_s, pairs_e, 2, 3 }, { pairs_s, pairs_e, 1, 0 },
      }
      for _, case in ipairs(cases) do
        for _, within in ipairs { "sentence", "speech" } do
          local starts, stops, L, R = case[1], case[2], case[3], case[4]
          local want = plain(starts, stops, L, R, within)
          local m = { positions = function() return starts, stops end }
          local t = r:collocates(m, { window = { L, R }, within = within, min = 1, top = false })
          local n = 0
          for _ in pairs(want) do n = n + 1 end
          assert.are.equal(n, #t)
          for _, row in ipairs(t) do
            assert.are.equal(want[row.collocate], row.count,
              ("%s L%d R%d %s"):format(row.collocate, L, R, within))
          end
        end
      end
    end)

    it("omits rows whose table is inconsistent, with a warning", function()
      -- 3 nodes * span 10 = 30 window positions > N = 9
      local b = rostra.corpus()
      b:add("the cat sat on the mat the cat ran")
      local t = b:collocates("the", { window = 5, min = 1, within = "speech" })
      assert.are.equal(0, #t)
      assert.is_truthy(t.warnings[1]:find("left out", 1, true))
      local none = b:collocates("zebra", { window = 1 })
      assert.are.equal(0, #none)
      assert.is_truthy(none.warnings[1]:find("no occurrence", 1, true))
    end)

    it("rejects unknown measures and empty windows", function()
      local ok, err = pcall(c.collocates, c, "development", { measure = "pmi" })
      assert.is_false(ok)
      assert.is_truthy(err:find("unknown measure 'pmi'", 1, true))
      assert.is_truthy(err:find("mi, mi3, t, z, ll, logdice, dice, chi2", 1, true))
      assert.has_error(function() c:collocates("development", { window = 0 }) end)
      assert.has_error(function() c:collocates("development", { window = -2 }) end)
      assert.has_error(function() c:collocates("development", { window = { 0, 0 } }) end)
      assert.has_error(function() c:collocates("development", { window = { -1, 2 } }) end)
      assert.has_error(function() c:collocates("development", { window = 1.5 }) end)
      assert.has_error(function() c:collocates(42) end)
      assert.has_error(function() c:collocates("development", { sort = "pmi" }) end)
      assert.has_error(function() c:collocates("development", { span = 3 }) end)
    end)

    it("prints and exports as a result table", function()
      local t = c:collocates("development", { window = 2, min = 1, measure = "all" })
      local s = tostring(t)
      assert.is_truthy(s:find("collocates of development", 1, true))
      assert.is_truthy(s:find("logdice", 1, true))
      local path = tmpname(".tsv")
      assert.is_true(t:export(path))
      local text = support.read(path)
      os.remove(path)
      assert.is_truthy(text:find("^collocate\tcount\tleft\tright\tf_coll\tf_node\texpected\tmi\t"))
      local j = tmpname(".json")
      assert.is_true(t:export(j, "json"))
      os.remove(j)
      t:sort("mi", "desc")
      for i = 2, #t do assert.is_true(t[i - 1].mi >= t[i].mi) end
      all_finite(t)
    end)
  end)

  describe("keyness", function()
    it("gives Rayson's G2 worked by hand, signed, with p", function()
      -- target AAA (speeches 1, 2: c = 17 words), reference the rest (d = 15
      -- words; sizes are words: punctuation is not counted)
      -- development a = 5, b = 2: E1 = 17*7/32, E2 = 15*7/32,
      -- G2 = 2 (5 ln(5/E1) + 2 ln(2/E2)) = 0.98019 (Rayson & Garside 2000,
      -- ucrel.lancs.ac.uk/llwizard.html); p = erfc(sqrt(G2/2)) (chi-square, 1 df)
      local aaa = c:where { country = "AAA" }
      local t = c:keyness(aaa, aaa:complement(), { min = 1, top = false })
      assert.are.same({ "word", "a", "b", "a_pm", "b_pm", "score", "p", "sign" }, t:columns())
      local dev = by(t, "word", "development")
      assert.are.equal(5, dev.a)
      assert.are.equal(2, dev.b)
      near(0.9801941540315704, dev.score, 1e-12, "G2")
      near(0.32215087736245784, dev.p, 1e-9, "p")
      near(5e6 / 17, dev.a_pm, 1e-12, "a_pm")
      near(2e6 / 15, dev.b_pm, 1e-12, "b_pm")
      assert.are.equal("+", dev.sign)
      -- security a = 0, b = 3: G2 = 2 * 3 ln(3 / (15*3/32)), underuse: negative
      local sec = by(t, "word", "security")
      near(-4.546114210185099, sec.score, 1e-12, "G2 security")
      assert.are.equal("-", sec.sign)
      -- overuse first
      for i = 2, #t do assert.is_true(t[i - 1].score >= t[i].score) end
      assert.is_nil(by(t, "word", ".")) -- punctuation left out
      assert.are.equal(17, t.meta.c)
      assert.are.equal(15, t.meta.d)
      all_finite(t)
    end)

    it("gives chi-square, Log Ratio and %DIFF worked by hand", function()
      local aaa = c:where { country = "AAA" }
      -- Pearson without Yates: 32 (5*13 - 2*12)^2 / (7*25*17*15) = 1.20542
      local chi = c:keyness(aaa, nil, { measure = "chi2", min = 1, top = false })
      near(1.205422969187675, by(chi, "word", "development").score, 1e-12, "chi2")
      -- Log Ratio (Hardie 2014): log2((5/17) / (2/15)) = 1.14136
      local lr = c:keyness(aaa, nil, { measure = "logratio", min = 1, top = false })
      assert.are.same({ "word", "a", "b", "a_pm", "b_pm", "score", "sign" }, lr:columns())
      near(1.1413558492455416, by(lr, "word", "development").score, 1e-12, "logratio")
      -- a zero frequency is smoothed to 0.5 (warned)
      assert.is_truthy(lr.warnings[#lr.warnings]:find("0.5", 1, true))
      -- %DIFF (Gabrielatos & Marchi 2012): (5/17 - 2/15) * 100 / (2/15) = 120.588
      local pd = c:keyness(aaa, nil, { measure = "pdiff", min = 1, top = false })
      near(120.58823529411765, by(pd, "word", "development").score, 1e-12, "pdiff")
    end)

    it("corrects p with Bonferroni over the words tested", function()
      local aaa = c:where { country = "AAA" }
      local t = c:keyness(aaa, nil, { min = 3, top = false, correction = "bonferroni" })
      -- tested (a + b >= 3, words only): development 7, and 4, peace 4, security 3
      assert.are.equal(4, t.meta.tested)
      for _, row in ipairs(t) do near(math.min(1, row.p * 4), row.p_adj, 1e-12, "p_adj") end
      -- min applies to a + b
      assert.are.equal(4, #t)
    end)

    it("gives the same scores for an explicit reference as for the complement", function()
      local aaa = c:where { country = "AAA" }
      local other = c:where { country = { "BBB", "CCC" } }
      local a = c:keyness(aaa, aaa:complement(), { min = 1, top = false })
      local b = c:keyness(aaa, other, { min = 1, top = false })
      assert.are.equal(a:to_tsv(), b:to_tsv())
      -- a partial reference: only BBB (11 words)
      local bbb = c:keyness(aaa, c:where { country = "BBB" }, { min = 1, top = false })
      assert.are.equal(11, bbb.meta.d)
      assert.are.equal(2, by(bbb, "word", "development").b)
    end)

    it("gives an empty table with a warning for an empty subcorpus", function()
      local none = c:where { country = "ZZZ" }
      local t = c:keyness(none, nil)
      assert.are.equal(0, #t)
      assert.is_truthy(t.warnings[1]:find("empty", 1, true))
      local all = c:keyness(c, nil)
      assert.are.equal(0, #all)
      assert.are.equal(1, #all.warnings)
    end)

    it("rejects unknown measures, corrections and arguments", function()
      local aaa = c:where { country = "AAA" }
      local ok, err = pcall(c.keyness, c, aaa, nil, { measure = "g2" })
      assert.is_false(ok)
      assert.is_truthy(err:find("ll, chi2, logratio, pdiff", 1, true))
      assert.has_error(function() c:keyness(aaa, nil, { correction = "holm" }) end)
      assert.has_error(function()
        c:keyness(aaa, nil, { measure = "logratio", correction = "bonferroni" })
      end)
      assert.has_error(function() c:keyness("AAA") end)
      assert.has_error(function() c:keyness(rostra.corpus(), nil) end)
    end)
  end)

  describe("dispersion", function()
    it("gives range, Juilland's D, DP and DPnorm worked by hand over speeches", function()
      -- parts are measured in words (punctuation is not counted):
      -- development per speech v = 2, 3, 2, 0; sizes s = 10, 7, 11, 4; f = 7, S = 32
      -- DP = 0.5 * sum |v/f - s/S| (Gries 2008) = 0.209821
      -- DPnorm = DP / (1 - 4/32) (Lijffijt & Gries 2012) = 0.239796
      -- D = 1 - (sd(p)/mean(p)) / sqrt(n - 1), p = v/s, population sd (Gries 2008) = 0.566529
      local t = c:dispersion("development")
      -- a part that is a speech is named by its file and metadata
      assert.are.same({ "part", "file", "country", "lang", "year", "size", "hits", "per_million",
                        "positions" },
        t:columns())
      assert.are.equal(c:meta(1).year, t[1].year)
      assert.are.same({ "part", "file", "year", "size", "hits", "per_million", "positions" },
        c:dispersion("development", { columns = { "year" } }):columns())
      assert.are.same({ "part", "size", "hits", "per_million", "positions" },
        c:dispersion("development", { by = "year" }):columns())
      assert.are.equal(4, #t)
      assert.are.equal(3, t.meta.range)
      assert.are.equal(4, t.meta.parts)
      assert.are.equal(7, t.meta.freq)
      near(0.20982142857142858, t.meta.dp, 1e-12, "DP")
      near(0.23979591836734696, t.meta.dp_norm, 1e-12, "DPnorm")
      near(0.5665288743833443, t.meta.juilland_d, 1e-12, "D")
      -- relative positions words before / size: 2/10, 9/10; 0, 1/7, 4/7; 5/11, 10/11; none
      assert.are.equal(1, t[1].part)
      assert.are.same({ 10, 2 }, { t[1].size, t[1].hits })
      near(2 / 10, t[1].positions[1], 1e-15)
      near(9 / 10, t[1].positions[2], 1e-15)
      assert.are.equal(0, t[2].positions[1])
      near(1 / 7, t[2].positions[2], 1e-15)
      near(4 / 7, t[2].positions[3], 1e-15)
      near(10 / 11, t[3].positions[2], 1e-15)
      assert.are.same({}, t[4].positions)
      near(2 * 1e6 / 10, t[1].per_million, 1e-12, "per million words")
      assert.is_truthy(tostring(t):find("DP 0.2098", 1, true))
      all_finite(t)
    end)

    it("groups speeches by a metadata key", function()
      -- 2019: speeches 1, 3 (10 + 11 = 21 words), hits after 2, 9, 10+5, 10+10 words
      -- 2020: speeches 2, 4 (7 + 4 = 11), hits after 0, 1, 4 words
      -- DP = 0.5 (|4/7 - 21/32| + |3/7 - 11/32|) = 0.084821; D = 0.822430
      local t = c:dispersion("development", { by = "year" })
      assert.are.equal(2, #t)
      assert.are.equal(2019, t[1].part)
      assert.are.equal(21, t[1].size)
      near(15 / 21, t[1].positions[3], 1e-15)
      near(20 / 21, t[1].positions[4], 1e-15)
      near(1 / 11, t[2].positions[2], 1e-15)
      near(0.08482142857142858, t.meta.dp, 1e-12, "DP")
      near(0.1292517006802721, t.meta.dp_norm, 1e-12, "DPnorm")
      near(0.822429906542056, t.meta.juilland_d, 1e-12, "D")
      -- a key no speech has is a mistake; speeches without a key they
      -- could have are left out, with a warning
      local ok, err = pcall(c.dispersion, c, "development", { by = "speaker" })
      assert.is_false(ok)
      assert.is_truthy(err:find("unknown metadata key 'speaker'", 1, true), err)
      local part = rostra.corpus()
      part:add("development here", { party = "a" })
      part:add("development there", {})
      local miss = part:dispersion("development", { by = "party" })
      assert.are.equal(1, #miss)
      assert.is_truthy(miss.warnings[1]:find("1 speech without 'party' left out", 1, true))
    end)

    it("works on a view and flags undefined measures", function()
      local v = c:where { country = "AAA" }
      local t = v:dispersion("development")
      assert.are.equal(2, #t)
      assert.are.same({ 1, 2 }, { t[1].part, t[2].part })
      local one = c:where { country = "CCC" }:dispersion("development")
      assert.are.equal(0, one.meta.freq)
      assert.is_nil(one.meta.dp)
      assert.is_true(#one.warnings >= 1)
      all_finite(one)
      assert.has_error(function() c:dispersion("development", { by = 3 }) end)
      assert.has_error(function() c:dispersion("development", { parts = "speech" }) end)
    end)
  end)

  it("raises 'not enough memory' when any allocation of the core fails", function()
    local core = require "rostra.core"
    local calls = {
      function() return c:ngrams { n = 3, min = 1, top = false } end,
      function() return c:collocates("development", { window = 2, min = 1, measure = "all" }) end,
      function() return c:dispersion("development", { by = "year" }) end,
    }
    for _, f in ipairs(calls) do
      local want = f():to_tsv() -- also finishes the index outside the count
      core._failalloc(1e9)
      f()
      local total = core._failalloc(nil)
      assert.is_true(total > 0)
      for k = 1, total do
        core._failalloc(k)
        local ok, err = pcall(f)
        core._failalloc(nil)
        assert.is_false(ok)
        assert.matches("not enough memory", err, 1, true)
      end
      collectgarbage()
      assert.are.equal(want, f():to_tsv())
    end
  end)

  it("offers the measures' names in the order of measure = \"all\"", function()
    assert.are.same({ "mi", "mi3", "t", "z", "ll", "logdice", "dice", "chi2" }, stats.measures())
  end)
end)
