-- Stopword lists (lua/rostra/stopwords.lua, lua/rostra/stopwords/*.lua).
local rostra = require "rostra"
local stopwords = require "rostra.stopwords"

local LANGS = { "en", "es", "fr", "zh" }

local function count(set)
  local n = 0
  for _ in pairs(set) do n = n + 1 end
  return n
end

describe("rostra.stopwords", function()
  it("has en, es, fr and zh", function()
    assert.are.same(LANGS, stopwords.languages())
  end)

  it("has lists of a sensible size, without duplicates", function()
    local sizes = { en = { 200, 400 }, es = { 180, 400 }, fr = { 180, 400 }, zh = { 60, 250 } }
    for _, lang in ipairs(LANGS) do
      local raw = require("rostra.stopwords." .. lang)
      local n = count(stopwords.get(lang))
      assert.are.equal(#raw, n, lang .. " has duplicates")
      assert(n >= sizes[lang][1] and n <= sizes[lang][2], lang .. " has " .. n .. " words")
      assert.are.equal(n, #stopwords.list(lang))
    end
  end)

  it("holds function words", function()
    local want = {
      en = { "the", "a", "of", "and", "to", "in", "we", "our", "is", "will", "not", "don't", "it's",
        "we're" },
      fr = { "le", "la", "les", "de", "et", "à", "nous", "est", "que", "qui", "c'est", "qu'il", "d'un",
        "où" },
      es = { "el", "la", "de", "que", "y", "en", "los", "del", "nosotros", "es", "más", "también" },
      zh = { "的", "了", "和", "与", "在", "是", "也", "都", "这", "之", "其", "为", "对", "于", "们", "不" },
    }
    for lang, words in pairs(want) do
      local set = stopwords.get(lang)
      for _, w in ipairs(words) do assert(set[w], lang .. ": " .. w .. " missing") end
    end
  end)

  it("leaves content words out", function()
    local unwanted = {
      en = { "security", "development", "cooperation", "peace", "people", "economy", "government",
        "us-china" },
      fr = { "sécurité", "développement", "coopération", "paix", "état", "fait", "aujourd'hui" },
      es = { "seguridad", "desarrollo", "cooperación", "paz", "estado", "gobierno" },
      -- 国 中 人 发 展 合 作: content; 会 能 自 由: halves of 社会 能源 自由
      zh = { "国", "中", "人", "发", "展", "合", "作", "平", "会", "能", "自", "由", "一" },
    }
    for lang, words in pairs(unwanted) do
      local set = stopwords.get(lang)
      for _, w in ipairs(words) do assert(not set[w], lang .. ": " .. w .. " should not be a stopword") end
    end
  end)

  it("lists rostra lower forms that are one word token each", function()
    for _, lang in ipairs(LANGS) do
      for _, w in ipairs(stopwords.list(lang)) do
        assert.are.equal(w, rostra.lower(w), lang .. ": " .. w .. " is not a lower form")
        local toks = rostra.tokenize(w)
        assert(#toks == 1 and toks[1].kind == "word", lang .. ": " .. w .. " is not one word token")
      end
    end
    -- zh entries are Han characters and words of them
    for _, w in ipairs(stopwords.list("zh")) do
      assert.is_truthy(require("rostra.cjk").chars(w), w)
    end
  end)

  it("matches the tokens rostra makes", function()
    local sw = stopwords.get("en")
    local kept = {}
    for _, t in ipairs(rostra.tokenize("We don't want THE security of our People’s future")) do
      if not sw[t.lower] then kept[#kept + 1] = t.lower end
    end
    -- typographic apostrophes are folded to ' in the lower form
    assert.are.same({ "want", "security", "people's", "future" }, kept)
    local zh = stopwords.get("zh")
    kept = {}
    for _, t in ipairs(rostra.tokenize("我们的发展与合作")) do
      if not zh[t.lower] then kept[#kept + 1] = t.lower end
    end
    assert.are.same({ "发展", "合作" }, kept)
    -- one character a token: the characters
    kept = {}
    for _, t in ipairs(rostra.tokenize("我们的发展与合作", { cjk = "chars" })) do
      if not zh[t.lower] then kept[#kept + 1] = t.lower end
    end
    assert.are.same({ "发", "展", "合", "作" }, kept)
  end)

  it("list() is sorted and get() returns a fresh set", function()
    local l = stopwords.list("fr")
    for i = 2, #l do assert(l[i - 1] < l[i]) end
    local s = stopwords.get("en")
    s.the = nil
    s.security = true
    assert.is_true(stopwords.get("en").the)
    assert.is_nil(stopwords.get("en").security)
  end)

  it("resolve() accepts a language, a list, a set or nil", function()
    assert.are.same(stopwords.get("es"), stopwords.resolve("es"))
    assert.are.same({ the = true, of = true }, stopwords.resolve { "the", "of" })
    assert.are.same({ the = true, of = true }, stopwords.resolve { the = true, of = true, ["and"] = false })
    -- words are put in rostra's lower form
    assert.are.same({ the = true, ["don't"] = true }, stopwords.resolve { "The", "DON’T" })
    assert.are.same({}, stopwords.resolve {})
    assert.are.same({}, stopwords.resolve(nil))
    -- the result is a new table
    local mine = { x = true }
    assert.are_not.equal(mine, stopwords.resolve(mine))
  end)

  it("raises on an unknown language, listing the valid ones", function()
    local ok, err = pcall(stopwords.get, "de")
    assert.is_false(ok)
    assert.matches("unknown stopword language 'de' (valid: en, es, fr, zh)", err, 1, true)
    assert.has_error(function() stopwords.list("xx") end)
    assert.has_error(function() stopwords.resolve("EN") end)
    assert.has_error(function() stopwords.get(nil) end)
    assert.has_error(function() stopwords.resolve(42) end)
    assert.has_error(function() stopwords.resolve { "the", 3 } end)
    assert.has_error(function() stopwords.resolve { the = 1 } end)
  end)
end)
