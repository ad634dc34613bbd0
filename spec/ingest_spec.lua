-- Specs of the one ingest path (rostra.parse, parse_file, c:add and
-- rostra.load run the same engine): front matter, the token stream as the
-- speech alone, words as the denominator of rates, view:save, Chinese words.
-- Expected values are counted here with other means (the tokenizer over
-- the part of a text that is speech, counts by hand).
local rostra = require "rostra"
local support = require "support"

local function tmpdir()
  local p = os.tmpname()
  os.remove(p)
  assert(os.execute("mkdir -p '" .. p .. "'"))
  return p
end

local function rmdir(p) os.execute("rm -rf '" .. p .. "'") end

local function write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

local function words_of(text)
  local n = 0
  for _, t in ipairs(rostra.tokenize(text)) do
    if t.kind == "word" or t.kind == "number" then n = n + 1 end
  end
  return n
end

-- the paragraphs of a plain speech: distinct words per file, "peace" twice
local function body(i)
  return ("Dear colleagues,\n\nSpeech number %d speaks of peace and of development.\n\n"
    .. "We want peace for the people of nation%d.\n\nThank you.\n"):format(i, i)
end

describe("the ingest", function()
  describe("front matter in a folder", function()
    -- the load read front matter back through the index while it was being
    -- built (a use after free, a crash, or an index that would not open)
    local function folder(n, front)
      local dir = tmpdir()
      for i = 1, n do
        local text = body(i)
        if front[i] then text = ("---\ntitle: Speech %d\ngroup: abc\n---\n"):format(i) .. text end
        write(("%s/s%02d.txt"):format(dir, i), text)
      end
      return dir
    end

    local cases = {
      first = function(i) return i == 1 end,
      middle = function(i) return i == 10 end,
      last = function(i) return i == 19 end,
      every = function() return true end,
    }
    for name, pick in pairs(cases) do
      it("loads 19 files with front matter in the " .. name .. " file(s), on 1 and 2 threads", function()
        local front = {}
        for i = 1, 19 do front[i] = pick(i) end
        local dir = folder(19, front)
        local files = {}
        for threads = 1, 2 do
          local c = assert(rostra.load(dir, { threads = threads }))
          local _, ndoc = c:counts()
          assert.are.equal(19, ndoc)
          assert.are.equal(38, c:count("peace"))
          -- front matter keys and values are not words of the speeches
          assert.are.equal(0, c:count("group"))
          assert.are.equal(0, c:count("abc"))
          local want = 0
          for i = 1, 19 do want = want + words_of(body(i)) end
          assert.are.equal(want, c:words())
          for d, m in c:speeches() do
            assert.are.equal(("s%02d.txt"):format(d), m.file)
            if front[d] then
              assert.are.equal("Speech " .. d, m.title)
              assert.are.equal("abc", m.group)
            end
          end
          local path = dir .. "/c" .. threads .. ".rostra"
          assert(c:save(path))
          local o = assert(rostra.open(path, { verify = true }))
          assert.are.equal(38, o:count("peace"))
          o:close()
          files[threads] = support.read(path)
        end
        assert.is_true(files[1] == files[2], "the index is the same whatever the thread count")
        rmdir(dir)
      end)
    end

    it("loads two files, the first with front matter, as two speeches", function()
      local dir = tmpdir()
      write(dir .. "/a.txt", "---\ntitle: A\n---\nWorld peace matters.")
      write(dir .. "/b.txt", "Peace and development.")
      local c = assert(rostra.load(dir))
      local ntok, ndoc = c:counts()
      assert.are.same({ 8, 2 }, { ntok, ndoc }) -- World peace matters . | Peace and development .
      assert.are.equal(2, c:count("peace"))
      assert.are.equal("A", c:meta(1).title)
      rmdir(dir)
    end)
  end)

  describe("the token stream is the speech", function()
    local text = support.read(support.sample)
    local c = assert(rostra.load(support.sample))

    -- the speech starts at line 12 ("Dear President Putin"); lines 1-10 are
    -- the breadcrumb, the title twice, the byline, the dateline and the
    -- speaker line
    local head_end = 0
    for _ = 1, 11 do head_end = text:find("\n", head_end + 1, true) end
    local head, speech = text:sub(1, head_end), text:sub(head_end + 1)

    it("counts the speech's words only", function()
      assert.are.equal(#rostra.tokenize(speech), #c)
      assert.are.equal(words_of(speech), c:words())
      local i = c:info()
      assert.are.equal(#rostra.tokenize(head), i.aside)
      assert.are.equal(#c, i.tokens)
      assert.are.equal(i.tokens - i.words, i.punctuation)
      -- the speech says "cooperation" 33 times; the title says it three times more
      local n = 0
      for _ in speech:lower():gmatch("cooperation") do n = n + 1 end
      assert.are.equal(33, n)
      assert.are.equal(33, c:count("cooperation"))
      assert.are.equal(0, c:count("ycpress"))
      assert.are.equal(0, c:count("home"))
      local f = c:freq {}
      for _, row in ipairs(f) do
        if row.lower == "cooperation" then assert.are.equal(33, row.count) end
        assert.is_true(row.lower ~= "ycpress" and row.lower ~= "home")
      end
    end)

    it("keeps the furniture with its text and reason", function()
      local b = c:boilerplate(1)
      local whys, lines = {}, {}
      for i, x in ipairs(b) do whys[i], lines[i] = x.why, x.line end
      assert.are.same({ "breadcrumb", "title", "title", "byline", "dateline", "speaker" }, whys)
      assert.are.same({ 1, 2, 4, 6, 8, 10 }, lines)
      assert.are.equal("by YCPress", b[4].text)
      assert.are.equal(b[4].text, c:text(1):sub(b[4].start, b[4].stop))
      local n = 0
      for x in c:spans("boilerplate") do
        n = n + 1
        assert.are.equal(1, x.speech)
      end
      assert.are.equal(6, n)
      -- the same after a save and an open
      local dir = tmpdir()
      assert(c:save(dir .. "/s.rostra"))
      local o = assert(rostra.open(dir .. "/s.rostra"))
      assert.are.same(b, o:boilerplate(1))
      assert.are.equal(c:info().aside, o:info().aside)
      o:close()
      rmdir(dir)
    end)

    it("does not count front matter, and keeps it", function()
      local words = {}
      for i = 1, 1000 do words[i] = "w" .. (i % 97) end
      local plain = table.concat(words, " ") .. ".\n"
      local sp = assert(rostra.parse("---\ngroup: abc\nyear: 2020\n---\n" .. plain, { name = "x.txt" }))
      assert.are.same({ group = "abc", year = 2020 }, sp.front)
      local d = rostra.corpus()
      d:add(sp)
      assert.are.equal(1000, d:words())
      assert.are.equal(0, d:count("group") + d:count("abc"))
      assert.are.equal("front_matter", d:boilerplate(1)[1].why)
      assert.are.equal(1, d:boilerplate(1)[1].line)
    end)

    it("warns of a speech that is all header, with no tokens", function()
      local header = "Home Politics\nA title of a speech\n\nA title of a speech\n\nby YCPress\n\n"
        .. "(November 10, 2020, Beijing)\n"
      local sp = assert(rostra.parse(header))
      assert.are.equal(0, #sp:segments())
      assert.is_truthy(sp.warnings[#sp.warnings].message:find("no speech found", 1, true))
      local dir = tmpdir()
      write(dir .. "/a.txt", header)
      write(dir .. "/b.txt", "Peace and development.")
      local cc = assert(rostra.load(dir))
      local ntok, ndoc = cc:counts()
      assert.are.same({ 4, 2 }, { ntok, ndoc })
      local found = false
      for _, w in ipairs(cc:info().warnings) do
        if w:find("a.txt: no speech found", 1, true) then found = true end
      end
      assert.is_true(found)
      rmdir(dir)
    end)
  end)

  describe("one path", function()
    it("gives the same index file from rostra.load and from parse_file with c:add", function()
      local dir = tmpdir()
      write(dir .. "/a_2019.txt", "---\nlang: fr\nspeaker: Une Oratrice\n---\nMesdames et messieurs,\n\n"
        .. "Nous parlons des nations et du développement.\n\nMerci.\n")
      write(dir .. "/b_2020.txt", support.read(support.sample))
      write(dir .. "/c_2021.txt", body(3))
      local opts = { lang = "en", meta = "{tag}_{year}.txt" }
      local loaded = assert(rostra.load(dir, opts))
      local added = rostra.corpus()
      for _, name in ipairs { "a_2019.txt", "b_2020.txt", "c_2021.txt" } do
        local o = { base = dir, lang = "en", meta = "{tag}_{year}.txt" }
        added:add(assert(rostra.parse_file(dir .. "/" .. name, o)))
      end
      -- front matter overrides opts.lang; opts.lang replaces the parser's guess
      assert.are.equal("fr", loaded:meta(1).lang)
      assert.are.equal("fr", added:meta(1).lang)
      assert.are.equal("en", loaded:meta(2).lang)
      assert.are.equal(2019, added:meta(1).year)
      assert.are.equal("a_2019.txt", added:meta(1).file)
      -- French stems for the French speech: "des" -> "de" (English keeps "des")
      assert.are.equal(1, loaded:count('[stem = "de"]'))
      assert.are.equal(0, loaded:count('[stem = "des"]'))
      assert(loaded:save(dir .. "/loaded.rostra"))
      assert(added:save(dir .. "/added.rostra"))
      assert.is_true(support.read(dir .. "/loaded.rostra") == support.read(dir .. "/added.rostra"),
        "byte-identical index files")
      rmdir(dir)
    end)

    it("names every speech: its file, the Speech's name, or its number", function()
      local c = rostra.corpus()
      c:add(assert(rostra.parse("Peace matters.", { name = "peace.txt" })))
      c:add("A plain text of peace.")
      c:add("Another.", { file = "given.txt" })
      assert.are.same({ "peace.txt", "speech 2", "given.txt" },
        { c:meta(1).file, c:meta(2).file, c:meta(3).file })
    end)

    it("says UTF-16 when a file is UTF-16", function()
      local dir = tmpdir()
      local le = "\255\254" .. ("Peace and development."):gsub(".", "%0\0")
      write(dir .. "/u.txt", le)
      local sp, msg, code = rostra.parse_file(dir .. "/u.txt")
      assert.is_nil(sp)
      assert.are.equal("ENOTTEXT", code)
      assert.is_truthy(msg:find("UTF-16 little-endian", 1, true), msg)
      assert.is_truthy(msg:find("iconv", 1, true), msg)
      rmdir(dir)
    end)
  end)

  describe("view:save", function()
    local dir
    before_each(function() dir = tmpdir() end)
    after_each(function() rmdir(dir) end)

    it("writes exactly the view's speeches, numbered 1..k, with their metadata", function()
      local c = rostra.corpus()
      for i = 1, 6 do c:add(body(i), { year = 2018 + i, file = "s" .. i .. ".txt" }) end
      assert(c:save(dir .. "/all.rostra"))
      local all = assert(rostra.open(dir .. "/all.rostra"))
      local v = all:where { year = { min = 2021, max = 2023 } }
      assert(v:save(dir .. "/view.rostra"))
      local o = assert(rostra.open(dir .. "/view.rostra", { verify = true }))
      local ntok, ndoc = o:counts()
      local vt, vd = v:counts()
      assert.are.same({ vt, vd }, { ntok, ndoc })
      assert.are.equal(3, ndoc)
      assert.are.equal(v:words(), o:words())
      assert.are.equal(v:count("peace"), o:count("peace"))
      assert.are.same({ 2021, 2022, 2023 }, { o:meta(1).year, o:meta(2).year, o:meta(3).year })
      assert.are.equal("s4.txt", o:meta(2).file)
      assert.are.equal(0, o:count("nation1"))
      assert.are.equal(1, o:count("nation5"))
      -- sentences, segments and their kinds came along
      local kinds = {}
      for s in o:spans("segment") do
        if s.speech == 1 then kinds[#kinds + 1] = s.kind end
      end
      assert.are.same({ "salutation", "paragraph", "paragraph", "closing" }, kinds)
      o:close()
      -- not over the file the corpus is read from
      local ok, err = pcall(v.save, v, dir .. "/all.rostra")
      assert.is_false(ok)
      assert.is_truthy(err:find("read from", 1, true))
      assert.are.equal(6, select(2, assert(rostra.open(dir .. "/all.rostra")):counts()))
    end)
  end)

  describe("empty", function()
    it("saves and opens an empty corpus and an empty view", function()
      local dir = tmpdir()
      assert(rostra.corpus():save(dir .. "/e.rostra"))
      local e = assert(rostra.open(dir .. "/e.rostra", { verify = true }))
      assert.are.same({ 0, 0 }, { #e, select(2, e:counts()) })
      assert.are.equal(0, e:count("peace"))
      local c = rostra.corpus()
      c:add(body(1), { year = 2020 })
      local none = c:where { year = 1999 }
      assert(none:save(dir .. "/none.rostra"))
      local n = assert(rostra.open(dir .. "/none.rostra", { verify = true }))
      assert.are.equal(0, select(2, n:counts()))
      rmdir(dir)
    end)
  end)

  describe("rates", function()
    it("divide by words: a 1,401-word speech of 1,501 tokens", function()
      if not support.have_corpus() then
        pending("needs ../shared/corpus (the State of the Union addresses)")
        return
      end
      local path = support.corpus .. "/uspres/sotu/1790_george_washington_n.txt"
      local c = assert(rostra.load(path))
      local i = c:info()
      assert.are.same({ 1501, 1401, 100 }, { i.tokens, i.words, i.punctuation })
      local t = c:freq { top = 1 }
      assert.are.equal(t[1].count * 1e6 / 1401, t[1].per_million)
      -- the command's count: per million words
      local out = {}
      local cli = require "rostra.cli"
      local status = cli.main({ "count", "the", path, "--format", "tsv" }, {
        stdout = { write = function(_, ...) for _, x in ipairs { ... } do out[#out + 1] = x end end },
        stderr = { write = function() end },
        isatty = function() return false end,
      })
      assert.are.equal(0, status)
      -- query, count, speeches, words, per_million
      local count, words, pm = table.concat(out):match("\nthe\t(%d+)\t%d+\t(%d+)\t([%d.]+)")
      assert.are.equal(1401, tonumber(words))
      assert.are.equal(c:count("the"), tonumber(count))
      assert.is_true(math.abs(tonumber(pm) - c:count("the") * 1e6 / 1401) < 0.01)
    end)
  end)

  describe("Chinese and Japanese", function()
    it("finds 合作共赢 seven times with words and with characters as tokens", function()
      if not support.have_corpus() then
        pending("needs ../shared/corpus (multilingual/zh)")
        return
      end
      local dir = support.corpus .. "/multilingual/zh"
      -- counted in the raw texts
      local want = 0
      for _, p in ipairs(support.files(dir, "%.txt$")) do
        for _ in support.read(p):gmatch("合作共赢") do want = want + 1 end
      end
      assert.are.equal(7, want)
      for _, mode in ipairs { "words", "chars" } do
        local c = assert(rostra.load(dir, { cjk = mode }))
        assert.are.equal(want, c:count("合作共赢"), mode)
        assert.are.equal(want, c:count("合作 共赢"), mode)
        assert.are.equal(want, c:count('"合" "作" "共" "赢"'), mode)
        assert.are.equal(want, #c:kwic("合作共赢"), mode)
        local t = c:tag(rostra.lexicon { win = { "合作共赢" } }, { level = "speech" })
        assert.are.equal(want, t:totals()[1].count, mode)
      end
      -- with words, frequency lists list words
      local c = assert(rostra.load(dir))
      local f = c:freq { top = 10, stopwords = "zh" }
      local multi = 0
      for _, row in ipairs(f) do
        if utf8.len(row.lower) > 1 then multi = multi + 1 end
      end
      assert.is_true(multi >= 8, "most of the top words are words, not characters")
    end)

    it("rejects an unknown cjk mode", function()
      assert.has_error(function() rostra.parse("中国", { cjk = "letters" }) end)
      assert.has_error(function() rostra.load(support.sample, { cjk = "letters" }) end)
    end)
  end)
end)
