-- Association, keyness and dispersion measures (csrc/measures.c via
-- core.assoc, core.keyness, core.dispersion, core.bonferroni). The formulas,
-- their sources and the zero-cell conventions are documented in
-- csrc/measures.h.
local core = require "rostra.core"

-- relative closeness (absolute near 0)
local function near(x, want, tol)
  tol = tol or 1e-12
  local scale = math.max(1, math.abs(want))
  return type(x) == "number" and math.abs(x - want) <= tol * scale
end

local function assert_near(x, want, tol, what)
  assert(near(x, want, tol),
    string.format("%s: got %s, expected %.17g", what or "value", tostring(x), want))
end

local function is_finite(x)
  return type(x) == "number" and x == x and x ~= math.huge and x ~= -math.huge
end

describe("core.assoc", function()
  -- Reference values computed with NLTK 3.8,
  -- nltk.metrics.association.BigramAssocMeasures: pmi, likelihood_ratio,
  -- student_t, chi_sq, dice called as f(n_ii, (n_ix, n_xi), n_xx) on the
  -- counts of each row. The first three rows are bigrams of the tiny corpus
  -- "we will build a strong economy and a strong nation and we will build
  -- peace" (15 tokens, NLTK's BigramCollocationFinder counts: "a strong"
  -- 2/2/2, "strong economy" 1/2/1, "and a" 1/2/2).
  -- { o11, f1, f2, N, pmi, likelihood_ratio, student_t, chi_sq, dice }
  local nltk = {
    { 2, 2, 2, 15, 2.9068905956085187, 11.780234016826563, 1.2256517540566823, 15.0, 1.0 },
    { 1, 2, 1, 15, 2.9068905956085187, 4.575312081599279, 0.8666666666666667, 6.964285714285714,
      0.6666666666666666 },
    { 1, 2, 2, 15, 1.9068905956085187, 1.956721595498834, 0.7333333333333334, 2.68491124260355, 0.5 },
    { 2, 4, 5, 20, 1.0, 1.505746254608383, 0.7071067811865475, 1.6666666666666665, 0.4444444444444444 },
    { 3, 3, 3, 16, 2.415037499278844, 15.442482085664388, 1.407291281149713, 16.0, 1.0 },
    { 8, 1000, 300, 100000, 1.4150374992788457, 5.803290041807269, 1.7677669529663687, 8.442836928293298,
      0.012307692307692308 },
    { 110, 2500, 3000, 1000000, 3.8744691179161386, 393.66337027236716, 9.772991539767322,
      1408.5699035284633, 0.04 },
    { 30, 30, 50, 50000, 9.965784284662089, 437.7956838628885, 5.471748349476609, 29987.992795677405, 0.75 },
    { 5, 120, 7, 987654, 12.521328769672186, 81.99191461273684, 2.2356876222132014, 29388.244072970305,
      0.07874015748031496 },
    { 1, 1, 1, 2, 1.0, 2.772588722239781, 0.5, 2.0, 1.0 },
    { 417, 12003, 5120, 2345678, 3.992441616624099, 1570.1068915799751, 19.137587639303906,
      5872.135596451566, 0.0487064182678269 },
  }
  local columns = { "mi", "ll", "t", "chi2", "dice" }

  it("equals NLTK's BigramAssocMeasures for window 1, to 1e-9", function()
    for _, r in ipairs(nltk) do
      for j, m in ipairs(columns) do
        local want = r[4 + j]
        local what = string.format("%s(%d, %d, %d, %d)", m, r[1], r[2], r[3], r[4])
        assert_near(core.assoc(m, r[1], r[2], r[3], r[4]), want, 1e-9, what)
        -- an explicit span of 1 is the same
        assert_near(core.assoc(m, r[1], r[2], r[3], r[4], 1), want, 1e-9, what)
      end
    end
  end)

  it("gives the hand-computed values for 'a strong' in the tiny corpus", function()
    -- o11 = 2, f1 = f2 = 2, N = 15: E11 = 2*2/15 = 4/15
    -- table: O11 = 2, O12 = 0, O21 = 0, O22 = 13; E22 = 13*13/15
    local o, f1, f2, n = 2, 2, 2, 15
    -- mi = log2(2 / (4/15)) = log2(7.5) (Church & Hanks 1990)
    assert_near(core.assoc("mi", o, f1, f2, n), math.log(7.5, 2))
    -- mi3 = log2(2^3 / (4/15)) = log2(30) (Daille 1994, Evert's UCS)
    assert_near(core.assoc("mi3", o, f1, f2, n), math.log(30, 2))
    -- t = (2 - 4/15) / sqrt(2) (Church et al. 1991)
    assert_near(core.assoc("t", o, f1, f2, n), (26 / 15) / math.sqrt(2))
    -- z = (2 - 4/15) / sqrt(4/15) (Evert's UCS z-score)
    assert_near(core.assoc("z", o, f1, f2, n), (26 / 15) / math.sqrt(4 / 15))
    -- ll = 2 (2 ln(2/(4/15)) + 0 + 0 + 13 ln(13/(169/15)))
    --    = 2 (2 ln 7.5 + 13 ln(15/13)) (Dunning 1993)
    assert_near(core.assoc("ll", o, f1, f2, n), 2 * (2 * math.log(7.5) + 13 * math.log(15 / 13)))
    -- chi2 = 15 (2*13 - 0*0)^2 / (2*13*2*13) = 15 (Pearson, no Yates)
    assert_near(core.assoc("chi2", o, f1, f2, n), 15)
    -- dice = 2*2/(2+2) = 1; logdice = 14 + log2(1) = 14 (Rychly 2008)
    assert_near(core.assoc("dice", o, f1, f2, n), 1)
    assert_near(core.assoc("logdice", o, f1, f2, n), 14)
    -- "and a": o11 = 1, f1 = f2 = 2: logdice = 14 + log2(2/4) = 13
    assert_near(core.assoc("logdice", 1, 2, 2, 15), 13)
  end)

  it("puts the span into the expected frequency: E11 = f1*f2*span/N", function()
    -- o11 = 2, f1 = 2, f2 = 5, N = 20, span 2: E11 = 2*5*2/20 = 1, the
    -- same table as o11 = 2, f1 = 4, f2 = 5, N = 20 with span 1
    for _, m in ipairs { "mi", "mi3", "t", "z", "ll", "chi2" } do
      assert_near(core.assoc(m, 2, 2, 5, 20, 2), core.assoc(m, 2, 4, 5, 20), 1e-12, m)
    end
    assert_near(core.assoc("mi", 2, 2, 5, 20, 2), 1) -- log2(2/1)
    assert_near(core.assoc("z", 2, 2, 5, 20, 2), 1) -- (2-1)/sqrt(1)
    -- dice and logdice use the word frequencies only: 2*2/(2+5) = 4/7
    assert_near(core.assoc("dice", 2, 2, 5, 20, 2), 4 / 7)
    assert_near(core.assoc("logdice", 2, 2, 5, 20, 2), 14 + math.log(4 / 7, 2))
  end)

  it("returns nil, 'undefined' for a score that is undefined on zero cells", function()
    -- o11 = 0, f1 = 4, f2 = 5, N = 20
    for _, m in ipairs { "mi", "mi3", "t", "logdice" } do
      local x, note = core.assoc(m, 0, 4, 5, 20)
      assert.is_nil(x, m)
      assert.are.equal("undefined", note)
    end
    -- z = (0 - 1)/1; ll = 2 (4 ln(4/3) + 5 ln(5/4) + 11 ln(11/12)); dice = 0
    assert_near(core.assoc("z", 0, 4, 5, 20), -1)
    assert_near(core.assoc("ll", 0, 4, 5, 20),
      2 * (4 * math.log(4 / 3) + 5 * math.log(5 / 4) + 11 * math.log(11 / 12)))
    assert.are.equal(0, core.assoc("dice", 0, 4, 5, 20))
    -- a zero marginal (f2 = 0): O = E in every cell, ll = chi2 = 0; z is 0/0
    assert.are.equal(0, core.assoc("ll", 0, 4, 0, 20))
    assert.are.equal(0, core.assoc("chi2", 0, 4, 0, 20))
    assert.is_nil((core.assoc("z", 0, 4, 0, 20)))
    assert.is_nil((core.assoc("dice", 0, 0, 0, 20)))
  end)

  it("never returns NaN or infinity", function()
    local valid = { "mi", "mi3", "t", "z", "ll", "logdice", "dice", "chi2" }
    for _, m in ipairs(valid) do
      for n = 1, 5 do
        for f1 = 0, n do
          for f2 = 0, n do
            for o = 0, math.min(f1, f2) do
              if f1 + f2 - o <= n then
                local x, note = core.assoc(m, o, f1, f2, n)
                assert(x == nil and note == "undefined" or is_finite(x), m)
              end
            end
          end
        end
      end
    end
  end)

  it("raises on an unknown measure, listing the valid ones", function()
    local ok, err = pcall(core.assoc, "foo", 1, 2, 2, 10)
    assert.is_false(ok)
    assert.are.equal("unknown measure 'foo' (valid: mi, mi3, t, z, ll, logdice, dice, chi2)", err)
    assert.has_error(function() core.assoc("MI", 1, 2, 2, 10) end)
    assert.has_error(function() core.assoc(nil, 1, 2, 2, 10) end)
  end)

  it("raises on negative, non-integer or non-number counts", function()
    assert.has_error(function() core.assoc("mi", -1, 2, 2, 10) end)
    assert.has_error(function() core.assoc("mi", 1, 2, -2, 10) end)
    assert.has_error(function() core.assoc("mi", 1.5, 2, 2, 10) end)
    assert.has_error(function() core.assoc("mi", 1, 2, 2, 0 / 0) end)
    assert.has_error(function() core.assoc("mi", 1, 2, 2, math.huge) end)
    assert.has_error(function() core.assoc("mi", "1", 2, 2, 10) end)
    assert.has_error(function() core.assoc("mi", 1, 2, 2) end)
    assert.has_error(function() core.assoc("mi", 1, 2, 2, 10, 0) end) -- span >= 1
    assert.has_error(function() core.assoc("mi", 1, 2, 2, 10, 1.5) end)
    -- integral floats are counts
    assert_near(core.assoc("mi", 2.0, 4.0, 5.0, 20.0), 1)
    local ok, err = pcall(core.assoc, "mi", -1, 2, 2, 10)
    assert.is_false(ok)
    assert.matches("bad argument #2", err, 1, true)
    assert.matches("non%-negative integer", err)
  end)

  it("raises on counts that are not a possible table", function()
    assert.has_error(function() core.assoc("mi", 3, 2, 5, 20) end) -- o11 > f1
    assert.has_error(function() core.assoc("mi", 3, 5, 2, 20) end) -- o11 > f2
    assert.has_error(function() core.assoc("mi", 0, 0, 0, 0) end) -- N = 0
    assert.has_error(function() core.assoc("ll", 0, 15, 10, 20) end) -- O22 < 0
    assert.has_error(function() core.assoc("ll", 1, 11, 5, 20, 2) end) -- f1*span > N
    local ok, err = pcall(core.assoc, "mi", 3, 5, 2, 20)
    assert.is_false(ok)
    assert.matches("inconsistent counts", err, 1, true)
  end)
end)

describe("core.keyness", function()
  -- A hand-worked Rayson example (the formulas of ucrel.lancs.ac.uk/llwizard.html):
  -- a = 10 in a target of c = 1000, b = 5 in a reference of d = 2000.
  --   E1 = 1000*15/3000 = 5, E2 = 2000*15/3000 = 10
  --   G2 = 2 (10 ln(10/5) + 5 ln(5/10)) = 10 ln 2 = 6.931..., "+" (overuse)
  --   p = erfc(sqrt(G2/2)) = 0.00847 (< 0.01: G2 is above 6.63)
  it("gives Rayson's log-likelihood with its sign and p-value", function()
    local g2, p = core.keyness("ll", 10, 5, 1000, 2000)
    assert_near(g2, 10 * math.log(2))
    assert_near(p, 0.00846919650753501, 1e-9)
    assert.is_true(p < 0.01)
    -- underuse: a = 5, b = 20: E1 = 25/3, E2 = 50/3,
    -- G2 = 2 (5 ln 0.6 + 20 ln 1.2) = 2.1846..., "-"
    g2, p = core.keyness("ll", 5, 20, 1000, 2000)
    assert_near(g2, -(10 * math.log(0.6) + 40 * math.log(1.2)))
    assert_near(p, 0.1393967287373939, 1e-9) -- from |G2|
  end)

  it("gives Pearson's chi-square of the 2x2 table, signed", function()
    -- 3000 (10*1995 - 5*990)^2 / (15*2985*1000*2000) = 6.75e11/8.955e10 = 1500/199
    local x, p = core.keyness("chi2", 10, 5, 1000, 2000)
    assert_near(x, 1500 / 199)
    assert_near(p, 0.006042151085816345, 1e-9)
    -- 3000 (5*1980 - 20*995)^2 / (25*2975*1000*2000) = 240/119, underuse
    assert_near((core.keyness("chi2", 5, 20, 1000, 2000)), -240 / 119)
  end)

  it("gives Hardie's Log Ratio and %DIFF, without p-values", function()
    -- log2((10/1000)/(5/2000)) = log2 4 = 2
    local x, p, note = core.keyness("logratio", 10, 5, 1000, 2000)
    assert_near(x, 2)
    assert.is_nil(p)
    assert.is_nil(note)
    -- %DIFF = (10000 - 2500) * 100 / 2500 per million = 300
    x, p = core.keyness("pdiff", 10, 5, 1000, 2000)
    assert_near(x, 300)
    assert.is_nil(p)
    assert_near((core.keyness("logratio", 5, 20, 1000, 2000)), -1)
    assert_near((core.keyness("pdiff", 5, 20, 1000, 2000)), -50)
  end)

  it("is 0 for equal relative frequencies", function()
    for _, m in ipairs { "ll", "chi2", "logratio", "pdiff" } do
      assert_near((core.keyness(m, 2, 4, 1000, 2000)), 0, 1e-12, m)
    end
    local _, p = core.keyness("ll", 2, 4, 1000, 2000)
    assert.are.equal(1, p)
  end)

  it("handles zero cells as documented", function()
    -- a = 0: G2 = 2*5 ln(5/(10/3)) = 10 ln 1.5, underuse
    assert_near((core.keyness("ll", 0, 5, 1000, 2000)), -10 * math.log(1.5))
    -- Log Ratio replaces the zero by 0.5: log2((0.5/1000)/(5/2000)) = log2 0.2
    local x, p, note = core.keyness("logratio", 0, 5, 1000, 2000)
    assert_near(x, math.log(0.2, 2))
    assert.is_nil(p)
    assert.are.equal("smoothed", note)
    -- %DIFF needs no smoothing for a = 0: -100
    x, p, note = core.keyness("pdiff", 0, 5, 1000, 2000)
    assert_near(x, -100)
    assert.is_nil(p)
    assert.is_nil(note)
    -- b = 0: G2 = 2*5 ln(5/(5/3)) = 10 ln 3; Log Ratio log2(20);
    -- %DIFF with b -> 0.5: (0.005 - 0.00025) * 100 / 0.00025 = 1900
    assert_near((core.keyness("ll", 5, 0, 1000, 2000)), 10 * math.log(3))
    x, p, note = core.keyness("logratio", 5, 0, 1000, 2000)
    assert_near(x, math.log(20, 2))
    assert.is_nil(p)
    assert.are.equal("smoothed", note)
    x, p, note = core.keyness("pdiff", 5, 0, 1000, 2000)
    assert_near(x, 1900)
    assert.is_nil(p)
    assert.are.equal("smoothed", note)
    -- a = b = 0: ll and chi2 are 0 (p = 1); logratio and pdiff are 0/0
    x, p = core.keyness("ll", 0, 0, 1000, 2000)
    assert.are.equal(0, x)
    assert.are.equal(1, p)
    x, p = core.keyness("chi2", 0, 0, 1000, 2000)
    assert.are.equal(0, x)
    assert.are.equal(1, p)
    for _, m in ipairs { "logratio", "pdiff" } do
      x, p, note = core.keyness(m, 0, 0, 1000, 2000)
      assert.is_nil(x)
      assert.is_nil(p)
      assert.are.equal("undefined", note)
    end
    -- never NaN or infinity on small tables
    for _, m in ipairs { "ll", "chi2", "logratio", "pdiff" } do
      for c = 1, 4 do
        for d = 1, 4 do
          for a = 0, c do
            for b = 0, d do
              x, p, note = core.keyness(m, a, b, c, d)
              assert(x == nil and note == "undefined" or is_finite(x), m)
              assert(p == nil or (is_finite(p) and p >= 0 and p <= 1), m)
            end
          end
        end
      end
    end
  end)

  it("raises on an unknown measure and on bad counts", function()
    local ok, err = pcall(core.keyness, "mi", 1, 1, 10, 10)
    assert.is_false(ok)
    assert.are.equal("unknown measure 'mi' (valid: ll, chi2, logratio, pdiff)", err)
    assert.has_error(function() core.keyness("ll", -1, 1, 10, 10) end)
    assert.has_error(function() core.keyness("ll", 0.5, 1, 10, 10) end)
    assert.has_error(function() core.keyness("ll", 11, 1, 10, 10) end) -- a > c
    assert.has_error(function() core.keyness("ll", 1, 11, 10, 10) end) -- b > d
    assert.has_error(function() core.keyness("ll", 0, 1, 0, 10) end) -- c = 0
    assert.has_error(function() core.keyness("ll", 0, 0, 10, 0) end) -- d = 0
  end)
end)

describe("core.bonferroni", function()
  it("multiplies p by the number of tests, capped at 1", function()
    assert_near(core.bonferroni(0.01, 10), 0.1)
    assert_near(core.bonferroni(0.001, 50), 0.05)
    assert.are.equal(1, core.bonferroni(0.2, 10))
    assert.are.equal(0.3, core.bonferroni(0.3, 1))
    assert.has_error(function() core.bonferroni(1.5, 10) end)
    assert.has_error(function() core.bonferroni(0.5, 0) end)
  end)
end)

describe("core.dispersion", function()
  it("reproduces Gries 2008's worked example", function()
    -- 50 words in 5 parts of 9, 10, 10, 10, 11 words; a occurs 1..5 times.
    -- DP: |v/f - s/S| = 17/150, 1/15, 0, 1/15, 17/150; DP = 0.5 * 9/25 = 0.18
    -- DPnorm (Lijffijt & Gries 2012) = 0.18 / (1 - 9/50) = 9/41
    -- D (Gries 2008, on p = v/s = 1/9, 2/10, 3/10, 4/10, 5/11):
    --   mean 1451/4950, population sd 0.12595825941147315,
    --   V = 0.4296990930990986, D = 1 - V/sqrt(4) = 0.7851504534504508
    local d = core.dispersion({ 1, 2, 3, 4, 5 }, { 9, 10, 10, 10, 11 })
    assert.are.equal(5, d.range)
    assert.are.equal(15, d.freq)
    assert.are.equal(50, d.size)
    assert.are.equal(5, d.parts)
    assert_near(d.dp, 0.18)
    assert_near(d.dp_norm, 9 / 41)
    assert_near(d.juilland_d, 0.7851504534504508)
  end)

  it("is Juilland's original D for equal parts", function()
    -- v = 2, 0, 1, 1 over 4 parts of 10: mean 1, population variance 1/2,
    -- D = 1 - (1/sqrt 2)/sqrt 3 = 1 - 1/sqrt 6; DP = 0.5 (1/4 + 1/4) = 1/4;
    -- DPnorm = (1/4)/(3/4) = 1/3
    local d = core.dispersion({ 2, 0, 1, 1 }, { 10, 10, 10, 10 })
    assert.are.equal(3, d.range)
    assert_near(d.juilland_d, 1 - 1 / math.sqrt(6))
    assert_near(d.dp, 0.25)
    assert_near(d.dp_norm, 1 / 3)
    -- all in one part: D = 0, DP = 3/4, DPnorm = 1
    d = core.dispersion({ 5, 0, 0, 0 }, { 10, 10, 10, 10 })
    assert_near(d.juilland_d, 0)
    assert_near(d.dp, 0.75)
    assert_near(d.dp_norm, 1)
    -- proportional to the part sizes: D = 1, DP = 0
    d = core.dispersion({ 1, 2, 3 }, { 10, 20, 30 })
    assert_near(d.juilland_d, 1)
    assert_near(d.dp, 0)
    assert_near(d.dp_norm, 0)
  end)

  it("leaves undefined measures nil", function()
    local d = core.dispersion({ 0, 0, 0 }, { 10, 10, 10 })
    assert.are.equal(0, d.range)
    assert.is_nil(d.juilland_d)
    assert.is_nil(d.dp)
    assert.is_nil(d.dp_norm)
    d = core.dispersion({ 3 }, { 10 }) -- one part
    assert.are.equal(1, d.range)
    assert.are.equal(0, d.dp)
    assert.is_nil(d.juilland_d)
    assert.is_nil(d.dp_norm)
    d = core.dispersion({}, {})
    assert.are.equal(0, d.range)
    assert.is_nil(d.dp)
    -- an empty part is ignored
    d = core.dispersion({ 1, 0, 1 }, { 10, 0, 10 })
    assert.are.equal(2, d.parts)
    assert_near(d.juilland_d, 1)
    assert_near(d.dp, 0)
  end)

  it("raises on bad input", function()
    assert.has_error(function() core.dispersion({ 1, 2 }, { 10 }) end)
    assert.has_error(function() core.dispersion({ 1, -2 }, { 10, 10 }) end)
    assert.has_error(function() core.dispersion({ 1, 2.5 }, { 10, 10 }) end)
    assert.has_error(function() core.dispersion({ 1, "2" }, { 10, 10 }) end)
    assert.has_error(function() core.dispersion({ 11 }, { 10 }) end) -- v > s
    assert.has_error(function() core.dispersion("1 2", { 10 }) end)
    assert.has_error(function() core.dispersion({ 1 }) end)
  end)
end)
