-- Rates where groups are compared, and rows that name their speech.
local rostra = require "rostra"
local support = require "support"

local DIR = "spec/fixtures/sotu"
local TPL = "{year}_{president:.+}_{party}.txt"

-- word tokens of a text, counted by the tokenizer (not by the index)
local function words_of(text)
  local n = 0
  for _, t in ipairs(rostra.tokenize(text)) do
    if t.kind == "word" or t.kind == "number" then n = n + 1 end
  end
  return n
end

local function near(a, b) assert.is_true(math.abs(a - b) < 1e-9, ("%s ~= %s"):format(a, b)) end

describe("rates by group", function()
  local c
  setup(function() c = assert(rostra.load(DIR, { meta = TPL })) end)

  it("c:count(q) is still the number of hits", function()
    assert.equal(9, c:count("freedom"))
    assert.equal(5, c:count("liberty"))
  end)

  it("counts hits, words, per million words and share by decade", function()
    -- by hand: freedom 2, 2, 2 + 0, 3 in the speeches of 1790, 1801, 1953, 1953, 2021;
    -- words 16, 17, 13 + 13, 15 (hyphenated words are one word)
    local t = c:count("freedom", { by = "decade" })
    assert.same({ "decade", "count", "words", "per_million", "share", "speeches" }, t:columns())
    local want = {
      { 1790, 2, 16, 1 }, { 1800, 2, 17, 1 }, { 1950, 2, 26, 2 }, { 2020, 3, 15, 1 },
    }
    assert.equal(#want, #t)
    for i, w in ipairs(want) do
      local r = t[i]
      assert.same({ w[1], w[2], w[3], w[4] }, { r.decade, r.count, r.words, r.speeches })
      near(w[2] * 1e6 / w[3], r.per_million)
      near(w[2] / 9, r.share)
    end
    assert.equal(9, t.meta.hits)
    assert.equal(74, t.meta.words)
    -- the words of a group are those of its view
    for _, r in t:rows() do assert.equal(c:where { decade = r.decade }:words(), r.words) end
    assert.equal(c:words(), t.meta.words)
  end)

  it("takes its words from the tokens, not the punctuation", function()
    local t = c:count("freedom", { by = "speech" })
    for _, r in t:rows() do
      assert.equal(words_of(support.read(DIR .. "/" .. r.file)), r.words, r.file)
    end
  end)

  it("keeps groups without a hit, and names every speech", function()
    local t = c:count("freedom", { by = "speech" })
    assert.same({ "speech", "file", "lang", "party", "president", "year", "count", "words", "per_million",
                  "share" }, t:columns())
    assert.equal(5, #t)
    local eis = t[3]
    assert.equal("1953_dwight_d_eisenhower_r.txt", eis.file)
    assert.equal("dwight_d_eisenhower", eis.president)
    assert.equal(0, eis.count)
    assert.equal(0, eis.per_million)
    local only = c:count("freedom", { by = "speech", columns = { "year" } })
    assert.same({ "speech", "file", "year", "count", "words", "per_million", "share" }, only:columns())
  end)

  it("groups by a function of the metadata", function()
    local t = c:count("freedom | liberty",
      { by = function(m) return m.year < 1900 and "early" or "late" end })
    assert.same({ "group", "count", "words", "per_million", "share", "speeches" }, t:columns())
    assert.same({ "early", 7, 33 }, { t[1].group, t[1].count, t[1].words })
    assert.same({ "late", 7, 41 }, { t[2].group, t[2].count, t[2].words })
  end)

  it("leaves out speeches without the key, saying how many hits went with them", function()
    local m = rostra.corpus()
    m:add("freedom freedom", { party = "a" })
    m:add("freedom and more", {})
    local t = m:count("freedom", { by = "party" })
    assert.equal(1, #t)
    assert.equal(2, t[1].count)
    near(2 / 3, t[1].share)
    assert.truthy(t.warnings[1]:find("1 speech without 'party' left out (1 of the 3 hits)", 1, true))
  end)

  it("counts by a structure or form as m:group does", function()
    local t = c:count("freedom", { by = "lower" })
    assert.equal(9, t[1].count)
  end)

  it("rejects unknown keys and options", function()
    assert.has_error(function() c:count("freedom", { by = "decad" }) end)
    assert.has_error(function() c:count("freedom", { bye = "decade" }) end)
    assert.has_error(function() c:count("freedom", { by = "decade", columns = { "year" } }) end)
  end)
end)

describe("rows that name their speech", function()
  local c
  setup(function() c = assert(rostra.load(DIR, { meta = TPL })) end)

  it("KWIC exports from Lua carry file and metadata", function()
    local k = c:kwic("freedom", { limit = 2 })
    assert.equal("1790_george_washington_n.txt", k[1].file)
    local path = os.tmpname() .. ".tsv"
    assert.is_true(k:export(path))
    local text = support.read(path)
    os.remove(path)
    local lines = {}
    for l in text:gmatch("[^\n]+") do lines[#lines + 1] = l end
    assert.equal("speech\tfile\tlang\tparty\tpresident\tyear\tstart\tstop\tleft\tmatch\tright", lines[1])
    assert.equal(10, #lines) -- every hit, not the page of 2
    assert.truthy(lines[2]:find("^1\t1790_george_washington_n.txt\ten\tn\tgeorge_washington\t1790\t"),
      lines[2])
    local t = c:kwic("freedom", { columns = { "president" } }):table()
    assert.same({ "speech", "file", "president", "start", "stop", "left", "match", "right" }, t:columns())
    assert.has_error(function() c:kwic("freedom", { columns = { "presidnet" } }) end)
  end)

  it("themes and dispersion by speech carry file and metadata", function()
    local lex = rostra.lexicon { liberty = { "freedom", "liberty" } }
    local t = c:tag(lex)
    assert.same({ "speech", "file", "lang", "party", "president", "year", "unit", "theme" },
      { table.unpack(t:columns(), 1, 8) })
    assert.equal("george_washington", t[1].president)
    local d = c:dispersion("freedom")
    assert.equal("1790_george_washington_n.txt", d[1].file)
    assert.equal(1790, d[1].year)
  end)
end)
