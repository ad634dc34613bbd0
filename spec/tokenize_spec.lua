local rostra = require "rostra"
local support = require "support"

local function texts(s, opts)
  local out = {}
  for i, t in ipairs(rostra.tokenize(s, opts)) do out[i] = t.text end
  return out
end

local function kinds(s)
  local out = {}
  for i, t in ipairs(rostra.tokenize(s)) do out[i] = t.kind end
  return out
end

-- rebuild the input from raw tokens plus the bytes between them, and check
-- that those bytes are only white space
local function rebuilds(s)
  local toks = rostra.tokenize(s)
  local parts, pos = {}, 1
  for _, t in ipairs(toks) do
    if t.start < pos or t.stop < t.start then return false, "overlap at " .. t.start end
    local gap = s:sub(pos, t.start - 1)
    parts[#parts + 1] = gap
    parts[#parts + 1] = s:sub(t.start, t.stop)
    if t.text ~= s:sub(t.start, t.stop) then return false, "text differs at " .. t.start end
    pos = t.stop + 1
  end
  parts[#parts + 1] = s:sub(pos)
  return table.concat(parts) == s, "rebuilt text differs"
end

describe("rostra", function()
  it("runs under Lua 5.4", function()
    assert.are.equal("Lua 5.4", _VERSION)
  end)
end)

describe("rostra.tokenize", function()
  describe("words", function()
    it("keeps an apostrophe inside a word", function()
      assert.are.same({ "People’s", "Republic" }, texts("People’s Republic"))
      assert.are.same({ "What’s", "wrong", "?" }, texts("What’s wrong?"))
      assert.are.same({ "don't" }, texts("don't"))
    end)

    it("keeps hyphenated words whole, or splits them on request", function()
      assert.are.same({ "win-win", "cooperation" }, texts("win-win cooperation"))
      assert.are.same({ "people-to-people", "anti-pandemic" }, texts("people-to-people anti-pandemic"))
      assert.are.same({ "win", "-", "win" }, texts("win-win", { split_hyphens = true }))
      assert.are.same({ "COVID-19" }, texts("COVID-19"))
    end)

    it("tells numbers from words", function()
      assert.are.same({ "word", "number", "number", "number" }, kinds("20th 2020 1,000 3.5"))
      assert.are.same({ "20th", "2020", "1,000", "3.5" }, texts("20th 2020 1,000 3.5"))
      -- a range is two numbers, not a word
      assert.are.same({ "2020", "-", "2021" }, texts("2020-2021"))
      -- a trailing comma or full stop is punctuation
      assert.are.same({ "2020", ",", "we" }, texts("2020, we"))
      assert.are.same({ "in", "2020", "." }, texts("in 2020."))
    end)

    it("reads long words, digits, '_' and accents the same wherever they fall (8 bytes at a time)", function()
      -- words of 1 to 20 letters from every start offset, so that they end
      -- inside, at and past an eight-byte step, and at the end of the text
      local alpha = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
      for len = 1, 20 do
        for lead = 0, 9 do
          local w = alpha:sub(lead + 1, lead + len)
          assert.same({ w }, texts((" "):rep(lead) .. w))
          assert.same({ w, "." }, texts((" "):rep(lead) .. w .. "."))
          assert.same({ w, ",", "x" }, texts((" "):rep(lead) .. w .. ", x"))
        end
      end
      assert.same({ "internationalization", "snake_case_words_here", "2020", "x2020y" },
        texts("internationalization snake_case_words_here 2020 x2020y"))
      assert.same({ "word", "number", "word" }, kinds("internationally 20202020202020 a"))
      assert.same({ "Konstantinopolitanischer", "café", "naïveté", "Zürich-based" },
        texts("Konstantinopolitanischer café naïveté Zürich-based"))
      -- the bytes next to the letters and digits in ASCII end a word
      for _, c in ipairs { "@", "[", "`", "{", "/", ":" } do
        assert.same({ "abc", c, "defghijklmnop" }, texts("abc" .. c .. "defghijklmnop"))
        assert.same({ "ABCDEFGHIJ", c, "KLMNOPQRSTUV" }, texts("ABCDEFGHIJ" .. c .. "KLMNOPQRSTUV"))
        assert.same({ "123", c, "4567890123456" }, texts("123" .. c .. "4567890123456"))
      end
    end)

    it("keeps dotted abbreviations as one token", function()
      assert.are.same({ "the", "U.S.", "and", "U.N." }, texts("the U.S. and U.N."))
      assert.are.same({ "e.g.", "this" }, texts("e.g. this"))
    end)

    it("classifies punctuation and symbols", function()
      assert.are.same({ "punct", "word", "punct", "symbol", "number" }, kinds("“Yes” $5"))
    end)

    it("cuts Chinese and Japanese into words (ICU's dictionaries)", function()
      assert.are.same({ "中国", "人民" }, texts("中国人民"))
      assert.are.same({ "中华", "人民", "共和国" }, texts("中华人民共和国"))
      assert.are.same({ "日本語", "の", "文章", "を", "単語", "に", "分け", "ます" },
        texts("日本語の文章を単語に分けます"))
      assert.are.same({ "2022", "年", "12", "月" }, texts("2022年12月"))
      -- a word's span is its characters; punctuation between runs stays a token
      local t = rostra.tokenize("合作，发展")
      assert.are.same({ "合作", "，", "发展" }, { t[1].text, t[2].text, t[3].text })
      assert.are.same({ 1, 6 }, { t[1].start, t[1].stop })
    end)

    it("keeps Han, Hiragana and Katakana one character a token with cjk = \"chars\"", function()
      local chars = { cjk = "chars" }
      assert.are.same({ "中", "国", "人", "民" }, texts("中国人民", chars))
      assert.are.same({ "ひ", "ら", "カ", "タ" }, texts("ひらカタ", chars))
      assert.are.same({ "2022", "年", "12", "月" }, texts("2022年12月", chars))
      assert.has_error(function() rostra.tokenize("中国", { cjk = "letters" }) end)
    end)

    it("makes Thai one token per grapheme cluster with cjk = \"chars\", words otherwise", function()
      -- นิ is one cluster (consonant + vowel sign)
      assert.are.same({ "ภ", "า", "ษ", "า", "นิ" }, texts("ภาษานิ", { cjk = "chars" }))
      assert.are.same({ "ภาษา", "ไทย" }, texts("ภาษาไทย"))
    end)

    it("treats no-break, ideographic and zero-width spaces, BOM and CR as white space", function()
      assert.are.same({ "a", "b", "c", "d", "e", "f" },
        texts("\u{FEFF}a\u{A0}b\u{3000}c\u{200B}d\r\ne\u{2003}f"))
    end)
  end)

  describe("lower", function()
    it("case-folds with NFKC and folds apostrophes and hyphens", function()
      local t = rostra.tokenize("People’s ＡＢＣ Straße win‑win ﬁne")
      assert.are.equal("people's", t[1].lower)
      assert.are.equal("abc", t[2].lower)
      assert.are.equal("strasse", t[3].lower)
      assert.are.equal("win-win", t[4].lower)
      assert.are.equal("fine", t[5].lower)
    end)

    it("composes decomposed accents", function()
      assert.are.equal("café", rostra.lower("Cafe\u{301}"))
      assert.are.equal(rostra.lower("Café"), rostra.lower("Cafe\u{301}"))
    end)
  end)

  describe("spans", function()
    it("gives 1-based inclusive byte positions of the raw token", function()
      local s = "  Dear\u{A0}colleagues!"
      for _, t in ipairs(rostra.tokenize(s)) do
        assert.are.equal(t.text, s:sub(t.start, t.stop))
      end
      local t = rostra.tokenize(s)
      assert.are.equal(3, t[1].start)
      assert.are.equal(6, t[1].stop)
      assert.are.equal(9, t[2].start)
    end)
  end)

  describe("bad input", function()
    it("raises naming the argument for a non-string", function()
      assert.has_error(function() rostra.tokenize(nil) end,
        "bad argument #1 to 'tokenize' (string expected, got nil)")
      assert.has_error(function() rostra.tokenize(42) end,
        "bad argument #1 to 'tokenize' (string expected, got number)")
      assert.has_error(function() rostra.tokenize("x", { nope = true }) end)
    end)

    it("gives no tokens for an empty string", function()
      local t, bad = rostra.tokenize("")
      assert.are.same({}, t)
      assert.are.equal(0, bad)
    end)

    it("turns invalid bytes into U+FFFD and counts them", function()
      local t, bad = rostra.tokenize("caf\xE9 ok \xFF\xFE")
      assert.are.equal(3, bad)
      assert.are.equal("caf", t[1].text)
      assert.are.equal("\u{FFFD}", t[2].lower)
      assert.are.equal("ok", t[3].text)
    end)

    it("raises naming the byte offset in strict mode", function()
      assert.has_error(function() rostra.tokenize("abc \xE9", { strict = true }) end,
        "invalid UTF-8 at byte 5")
      assert.are.equal(1, #rostra.tokenize("abc", { strict = true }))
    end)

    it("treats NUL bytes as symbols, not terminators", function()
      local t = rostra.tokenize("a\0b")
      assert.are.same({ "a", "\0", "b" }, { t[1].text, t[2].text, t[3].text })
      assert.are.equal("symbol", t[2].kind)
    end)

    it("rebuilds any input from tokens and white space", function()
      for _, s in ipairs { "a\0b", "\xFF\xC3", "x\u{301}\u{301} y", "\u{200D}a", "-- ’’ ..." } do
        assert.is_true(rebuilds(s))
      end
    end)
  end)

  describe("the sample speech", function()
    local text = support.read(support.sample)
    local toks = rostra.tokenize(text)
    local by = {}
    for _, t in ipairs(toks) do by[t.text] = (by[t.text] or 0) + 1 end

    it("keeps People’s, win-win and 20th whole", function()
      assert.is_truthy(by["People’s"])
      assert.are.equal(3, by["win-win"])
      assert.is_truthy(by["20th"])
      assert.is_truthy(by["people-to-people"])
      assert.is_nil(by["’s"])
      assert.is_nil(by["s"])
    end)

    it("never puts a no-break space in a token", function()
      local nbsp = select(2, text:gsub("\u{A0}", ""))
      assert.are.equal(44, nbsp)
      for _, t in ipairs(toks) do assert.is_nil(t.text:find("\u{A0}", 1, true)) end
    end)

    it("rebuilds the sample exactly", function()
      assert.is_true(rebuilds(text))
    end)
  end)

  describe("the multilingual corpus", function()
    it("tokenizes every file and rebuilds it exactly", function()
      if not support.have_corpus() then
        pending("../shared/corpus not found: skipped")
        return
      end
      local files = support.files(support.corpus .. "/multilingual", "%.txt$")
      assert.is_true(#files >= 31)
      for _, path in ipairs(files) do
        local s = support.read(path)
        local toks = rostra.tokenize(s)
        assert.is_true(#toks > 100, path)
        local ok, why = rebuilds(s)
        assert.is_true(ok, path .. ": " .. tostring(why))
      end
    end)
  end)
end)

describe("rostra.sentences", function()
  local function sents(s)
    local out = {}
    for i, x in ipairs(rostra.sentences(s)) do out[i] = x.text end
    return out
  end

  it("does not end a sentence after abbreviations", function()
    assert.are.same({ "Mr. Smith met Dr. Jones in the U.S. on Nov. 5.", "Then he left." },
      sents("Mr. Smith met Dr. Jones in the U.S. on Nov. 5. Then he left."))
    assert.are.same({ "See No. 5 and e.g. this.", "Next." }, sents("See No. 5 and e.g. this. Next."))
  end)

  it("keeps a closing quote with the sentence it closes", function()
    assert.are.same({ "“The one who trends is wise.”", "Human beings live." },
      sents("“The one who trends is wise.” Human beings live."))
  end)

  it("ends sentences at ?, !, … and CJK marks", function()
    assert.are.same({ "Why?", "Because!", "Well…", "So." }, sents("Why? Because! Well… So."))
    assert.are.same({ "大家好！", "感谢。", "是吗？" }, sents("大家好！感谢。是吗？"))
  end)

  it("gives spans that cut the text exactly", function()
    local s = "One. Two? Three!"
    for _, x in ipairs(rostra.sentences(s)) do
      assert.are.equal(x.text, s:sub(x.start, x.stop))
    end
  end)

  it("never runs a sentence over a blank line", function()
    assert.are.same({ "Dear colleagues", "Thank you" }, sents("Dear colleagues\n\nThank you"))
  end)

  it("splits the sample into sentences at its full stops", function()
    local list = rostra.sentences(support.read(support.sample))
    assert.is_true(#list > 60)
    for _, x in ipairs(list) do assert.is_nil(x.text:find("^%s")) end
  end)
end)
