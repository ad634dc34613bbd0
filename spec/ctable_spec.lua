-- Results held in C (csrc/table.c, csrc/ltable.c): every kind of result
-- behaves as a plain result of the same rows would (rows, sort, filter,
-- head, group, the text table and the three files, byte for byte), rows
-- are made only when read, a result of a closed corpus raises, and an
-- export that cannot be written leaves nothing behind.
local rostra = require "rostra"
local result = require "rostra.result"
local support = require "spec.support"

-- a plain result holding the rows of t (read through t[i]) with t's settings
local function plain_copy(t)
  local rows = {}
  for i = 1, #t do
    local r = {}
    for k, v in pairs(t[i]) do r[k] = v end
    rows[i] = r
  end
  local formats = {}
  for k, v in pairs(rawget(t, "_formats") or {}) do formats[k] = v end
  local align = {}
  for k, v in pairs(rawget(t, "_align") or {}) do align[k] = v end
  return result.new(t:columns(), rows, { title = t.title, warnings = t.warnings, formats = formats,
    align = align })
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- t, held in C, against a plain copy: text, files, and after a sort
local function check_like_plain(t, sort_keys)
  assert.is_truthy(rawget(t, "_c"), "the result is held in C")
  local p = plain_copy(t)
  assert.equal(#p, #t)
  assert.equal(p:format(), t:format())
  assert.equal(p:format { max_rows = 3, max_width = 6 }, t:format { max_rows = 3, max_width = 6 })
  assert.equal(p:to_tsv(), t:to_tsv())
  assert.equal(p:to_csv(), t:to_csv())
  assert.equal(p:to_json(), t:to_json())
  local tmp = os.tmpname()
  for _, fmt in ipairs { "tsv", "csv", "json" } do
    assert.is_true(t:export(tmp, fmt))
    assert.equal(p["to_" .. fmt](p), read(tmp))
  end
  os.remove(tmp)
  if sort_keys then
    p:sort(sort_keys)
    t:sort(sort_keys)
    assert.equal(p:to_tsv(), t:to_tsv())
  end
  return p
end

describe("results held in C", function()
  local c
  setup(function()
    c = rostra.corpus()
    local sp = assert(rostra.parse_file(support.sample))
    c:add(sp, { year = 2020, country = "CHN" })
    c:add("Peace and development. Peace, again; and security for all. The Security Council met.",
      { year = 2021, country = "USA" })
    c:add("Development, development and cooperation: win-win cooperation for 人民 and Café.",
      { year = 2021, country = "FRA" })
  end)

  describe("frequency lists", function()
    it("read, print and write as plain results do", function()
      local t = c:freq { top = 40 }
      assert.equal(40, #t)
      check_like_plain(t, { { "count", "asc" }, { "lower", "desc" } })
      check_like_plain(c:freq { by = "year", top = 5 }, { "group", { "per_million", "desc" } })
      check_like_plain(c:freq { attr = "word", stopwords = "en", punct = true, min = 2 })
    end)

    it("rows: #t, t[i], t:rows(), ipairs, column", function()
      local t = c:freq { top = 10 }
      local n = 0
      for i, row in t:rows() do
        n = n + 1
        assert.equal(t[i].lower, row.lower)
        assert.equal("number", type(row.count))
        assert.equal("float", math.type(row.per_million))
      end
      assert.equal(10, n)
      assert.equal(t[1], t[1]) -- the same table while it is held
      assert.is_nil(t[11])
      assert.is_nil(t[0])
      local counts = t:column("count")
      assert.equal(10, counts.n)
      assert.equal(t[3].count, counts[3])
      -- counted by hand in the third speech: development twice (once
      -- capitalised), cooperation twice, win-win once
      local d = c:where { country = "FRA" }:freq()
      local by = {}
      for _, row in d:rows() do by[row.lower] = row.count end
      assert.equal(2, by.development)
      assert.equal(2, by.cooperation)
      assert.equal(1, by["win-win"])
      assert.equal(1, by["café"])
      assert.is_nil(by[","]) -- punctuation left out
    end)

    it("filter by a function, by conditions, head", function()
      local t = c:freq()
      local f = t:filter(function(row) return row.count >= 3 end)
      local g = t:filter("count >= 3")
      assert.equal(f:to_tsv(), g:to_tsv())
      assert.is_truthy(rawget(g, "_c"))
      for _, row in g:rows() do assert.is_true(row.count >= 3) end
      local h = t:filter { { "count", ">=", 2 }, { "lower", "~", "o" } }
      for _, row in h:rows() do
        assert.is_true(row.count >= 2)
        assert.is_truthy(row.lower:find("o", 1, true))
      end
      local p = plain_copy(t)
      assert.equal(p:filter { { "count", ">=", 2 }, { "lower", "~", "o" } }:to_tsv(), h:to_tsv())
      assert.equal(p:filter("lower = peace,security"):to_tsv(), t:filter("lower = peace,security"):to_tsv())
      assert.equal(2, #t:filter("lower = peace,security"))
      assert.equal(p:head(4):to_tsv(), t:head(4):to_tsv())
      assert.equal(0, #t:head(0))
    end)

    it("group in C: counts and sums by the values of columns", function()
      local t = c:freq { by = "year" }
      local g = t:group("group", { sum = { "count" }, count = "types" })
      assert.is_truthy(rawget(g, "_c"))
      assert.same({ "group", "types", "count" }, g:columns())
      local p = plain_copy(t):group("group", { sum = { "count" }, count = "types" })
      assert.equal(p:to_tsv(), g:to_tsv())
      -- the word tokens of each year, counted apart
      for _, row in g:rows() do
        assert.equal(c:where { year = row.group }:words(), row.count)
      end
      assert.has_error(function() t:group("lower", { sum = { "lower" } }) end)
    end)

    it("sorting by a column that does not exist names the columns", function()
      local t = c:freq()
      assert.has_error(function() t:sort("cuont") end,
        "bad argument #1 to 'sort' (unknown column 'cuont'; did you mean 'count'? "
          .. "columns: lower, count, per_million)")
    end)
  end)

  describe("KWIC lines", function()
    it("with control characters write and print as plain results do", function()
      local m = rostra.corpus()
      m:add("Before \u{9d}peace, a \"quoted\", x\127y \u{85} and peace\u{9b}[2J again.", { year = 2020 })
      m:add("Tab\there peace \1 ctrl, and back\\slash peace.", { year = 2021 })
      local all = m:kwic("peace", { context = 3 }):all()
      local p = check_like_plain(all)
      -- by hand: shown, never sent to the terminal; escaped in TSV
      assert.matches("\\u009b[2J", all:format(), 1, true)
      assert.matches("\\x7fy", all:format(), 1, true)
      assert.is_nil(all:format():find("\27", 1, true))
      assert.matches("\\xc2\\x9b[2J", all:to_tsv(), 1, true)
      assert.equal(p:to_csv(), all:to_csv())
      m:close()
    end)

    it("name their speech in exports whatever the kinds of the metadata", function()
      local m = rostra.corpus()
      m:add("peace here", { year = 2020, tag = "a", ok = true, score = 0.5 })
      m:add("peace there", { year = "2021", ok = false, score = 1.0 })
      m:add("no hit", { year = 2022 })
      m:add("peace again and peace", { tag = "b", score = 2 })
      local k = m:kwic("peace", { context = 1 })
      local t = k:table(true)
      -- year and score mix kinds: rows made in Lua; by hand
      assert.is_nil(rawget(t, "_c"))
      assert.equal(table.concat({
        "speech\tfile\tok\tscore\ttag\tyear\tstart\tstop\tleft\tmatch\tright",
        "1\tspeech 1\ttrue\t0.5\ta\t2020\t1\t1\t\tpeace\t here",
        "2\tspeech 2\tfalse\t1.0\t\t2021\t3\t3\t\tpeace\t there",
        "4\tspeech 4\t\t2\tb\t\t7\t7\t\tpeace\t again",
        "4\tspeech 4\t\t2\tb\t\t10\t10\tand \tpeace\t", "" }, "\n"), t:to_tsv())
      -- one kind per column: held in C, the same text
      local only = k:table(true)
      local c2 = m:where(function(x) return x.year ~= "2021" and x.score ~= 2 end)
      local t2 = c2:kwic("peace", { context = 1, columns = { "tag", "ok", "score", "year" } }):table(true)
      assert.is_truthy(rawget(t2, "_c"))
      assert.equal(table.concat({
        "speech\tfile\ttag\tok\tscore\tyear\tstart\tstop\tleft\tmatch\tright",
        "1\tspeech 1\ta\ttrue\t0.5\t2020\t1\t1\t\tpeace\t here", "" }, "\n"), t2:to_tsv())
      check_like_plain(t2)
      assert.equal(#only, 4)
      m:close()
    end)

    it("are spans of the stored text, as the Lua strings of h:kwic cut them", function()
      for _, o in ipairs { {}, { context = 2 }, { chars = 12 }, { clip = "sentence" }, { context = 0 } } do
        for _, q in ipairs { "peace", '"development" []{0,3} "cooperation"', "[]", "cooperation" } do
          local k = c:kwic(q, o)
          local m = c:query(q)
          local d, l, mm, r = c._h:kwic(m.starts, m.stops, o.context or 8, o.chars or 0, o.clip == "sentence")
          assert.equal(#m, #k)
          for i, line in k:rows() do
            assert.equal(d[i], line.speech)
            assert.equal(l[i], line.left)
            assert.equal(mm[i], line.match)
            assert.equal(r[i], line.right)
            assert.equal(m.starts[i], line.start)
          end
        end
      end
    end)

    it("lines print, carry their speech's metadata, and every hit is exported", function()
      local k = c:kwic("peace", { limit = 2 })
      assert.equal(2, #k)
      assert.is_true(k.hits > 2)
      assert.equal(c:meta(k[1].speech), k[1].meta)
      assert.equal("string", type(tostring(k[1])))
      local all = k:all()
      assert.equal(k.hits, #all)
      check_like_plain(all, { { "right", "desc" }, "start" })
      local tmp = os.tmpname()
      assert.is_true(k:export(tmp, "tsv"))
      -- every hit, each naming its speech: the C lines with file and keys
      local named = k:table(true)
      assert.equal(named:to_tsv(), read(tmp))
      local cols = named:columns()
      assert.equal("speech", cols[1])
      assert.equal("file", cols[2])
      for i, r in k:all():rows() do
        local n, m = named[i], c:meta(r.speech) or {}
        for _, key in ipairs { "speech", "start", "stop", "left", "match", "right" } do
          assert.equal(r[key], n[key])
        end
        assert.equal(m.file, n.file)
        assert.equal(m.country, n.country)
      end
      assert.equal(k.hits, #k:table(true))
      assert.equal(2, #k:table())
      -- held in C when each naming column has one kind, and written as the
      -- same rows in Lua would be
      assert.is_truthy(rawget(named, "_c"))
      check_like_plain(named, { "country", { "start", "desc" } })
      os.remove(tmp)
      -- sorted lines, then a page of them
      local s = c:kwic("peace", { sort = { "right1" }, limit = 3, offset = 1 })
      local whole = c:kwic("peace", { sort = { "right1" } })
      assert.equal(3, #s)
      for i = 1, 3 do assert.equal(whole[i + 1].start, s[i].start) end
      assert.equal(whole:all():to_tsv(), s:all():to_tsv())
    end)
  end)

  describe("match sets", function()
    it("count their speeches in C, iterate and read as arrays", function()
      local m = c:query("peace")
      local seen, n = {}, 0
      for d, a, b in m:iter() do
        if not seen[d] then seen[d] = true n = n + 1 end
        assert.equal(c._h:doc_of(a), d)
        assert.equal(a, b)
      end
      assert.equal(n, m:nspeeches())
      assert.equal(#m.starts, #m)
      assert.same(m:get(2), { speech = c._h:doc_of(m.starts[2]), start = m.starts[2], stop = m.stops[2] })
      assert.equal(0, c:query("nothingsuch"):nspeeches())
    end)
  end)

  describe("bad input", function()
    it("a result of a closed corpus raises, never reads freed memory", function()
      local c2 = rostra.corpus()
      c2:add("Peace and security. Peace again.", { year = 2020 })
      c2:add("Peace at last.", { year = 2021 })
      local results = {
        freq = c2:freq(),
        freq_by = c2:freq { by = "year" },
        kwic = c2:kwic("peace"),
        kwic_all = c2:kwic("peace"):all(),
        kwic_named = c2:kwic("peace"):table(true),
      }
      assert.is_truthy(rawget(results.kwic_named, "_c"))
      local m = c2:query("peace")
      c2:close()
      for name, t in pairs(results) do
        assert.has_error(function() return t[1] end, "attempt to use a closed corpus", name)
        assert.has_error(function() return tostring(t) end, "attempt to use a closed corpus", name)
        assert.has_error(function() return t:to_tsv() end, "attempt to use a closed corpus", name)
        assert.has_error(function() t:sort(t:columns()[1]) end, "attempt to use a closed corpus", name)
        local tmp = os.tmpname()
        os.remove(tmp)
        assert.has_error(function() t:export(tmp .. ".tsv") end, "attempt to use a closed corpus", name)
        assert.is_nil(io.open(tmp .. ".tsv"), "no file is left")
      end
      assert.has_error(function() return m:nspeeches() end, "attempt to use a closed corpus")
      assert.has_error(function() for _ in m:iter() do end end, "attempt to use a closed corpus")
    end)

    it("an export to a path that cannot be written gives nil, message, code and no file", function()
      local t = c:freq()
      local ok, msg, code = t:export("/nonexistent-folder/x.tsv")
      assert.is_nil(ok)
      assert.equal("/nonexistent-folder/x.tsv: No such file or directory", msg)
      assert.equal("ENOENT", code)
      local dir = os.tmpname()
      os.remove(dir)
      assert(os.execute("mkdir " .. dir .. " && chmod 500 " .. dir))
      ok, msg, code = t:export(dir .. "/x.csv")
      if ok == nil then -- root writes anywhere: then the file is whole
        assert.equal("EACCES", code)
        assert.matches("Permission denied", msg)
      end
      os.execute("ls -A " .. dir .. " > " .. dir .. ".ls")
      local left = read(dir .. ".ls")
      assert.is_truthy(left == "" or left == "x.csv\n", "no temporary file is left")
      os.execute("rm -rf " .. dir .. " " .. dir .. ".ls")
    end)
  end)
end)
