-- Specs for rostra.result: the result table every analysis returns.
-- Export specs write into a fresh folder under the system temporary folder
-- (made from os.tmpname) and remove it afterwards.

local result = require "rostra.result"
local cjson = require "cjson"

-- {====================================================== helpers

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() return true end
  return false
end

-- a new empty folder; names from os.tmpname need no shell quoting
local function temp_dir()
  local d = os.tmpname()
  os.remove(d)
  assert(os.execute("mkdir '" .. d .. "'"))
  return d
end

local function remove_dir(d)
  os.execute("rm -rf '" .. d .. "'")
end

-- names in a folder, sorted
local function list(d)
  local p = io.popen("ls -A '" .. d .. "' 2>/dev/null")
  local out = {}
  for name in p:lines() do out[#out + 1] = name end
  p:close()
  table.sort(out)
  return out
end

local function split(s, sep)
  local out, pos = {}, 1
  while true do
    local i = s:find(sep, pos, true)
    if not i then out[#out + 1] = s:sub(pos) return out end
    out[#out + 1] = s:sub(pos, i - 1)
    pos = i + #sep
  end
end

local TSV_UNESCAPE = { ["\\"] = "\\", t = "\t", n = "\n", r = "\r" }

-- TSV text as a list of records (lists of strings), header first
local function parse_tsv(s)
  assert.equal("\n", s:sub(-1))
  local out = {}
  for _, line in ipairs(split(s:sub(1, -2), "\n")) do
    local rec = {}
    for i, f in ipairs(split(line, "\t")) do
      rec[i] = f:gsub("\\(.)", TSV_UNESCAPE)
    end
    out[#out + 1] = rec
  end
  return out
end

-- RFC 4180 CSV text (LF or CRLF) as a list of records, header first
local function parse_csv(s)
  local out, rec, field = {}, {}, {}
  local i, n, quoted_field = 1, #s, false
  local function end_field()
    rec[#rec + 1] = table.concat(field)
    field, quoted_field = {}, false
  end
  while i <= n do
    local c = s:sub(i, i)
    if c == '"' and #field == 0 and not quoted_field then
      quoted_field = true
      i = i + 1
      while true do
        local q = assert(s:find('"', i, true), "unterminated quote")
        field[#field + 1] = s:sub(i, q - 1)
        if s:sub(q + 1, q + 1) == '"' then
          field[#field + 1] = '"'
          i = q + 2
        else
          i = q + 1
          break
        end
      end
    elseif c == "," then
      end_field()
      i = i + 1
    elseif c == "\n" or (c == "\r" and s:sub(i + 1, i + 1) == "\n") then
      end_field()
      out[#out + 1] = rec
      rec = {}
      i = i + (c == "\r" and 2 or 1)
    else
      assert(not quoted_field, "text after a closing quote")
      field[#field + 1] = c
      i = i + 1
    end
  end
  assert.same({}, rec)   -- the text ends with a line end
  return out
end

-- records as rows keyed by the header
local function records_to_rows(recs)
  local header, rows = recs[1], {}
  for r = 2, #recs do
    local row = {}
    assert.equal(#header, #recs[r])
    for c, name in ipairs(header) do row[name] = recs[r][c] end
    rows[#rows + 1] = row
  end
  return header, rows
end

local function words(t, col)
  local out = {}
  for i, row in t:rows() do out[i] = row[col or "word"] end
  return out
end

-- the sample rows of most specs
local function freq()
  return result.new({ "word", "count", "per_million" }, {
    { word = "peace", count = 7, per_million = 2.5 },
    { word = "people", count = 12, per_million = 4.25 },
    { word = "development", count = 7, per_million = 2.5 },
    { word = "cooperation", count = 9, per_million = 3.125 },
    { word = "win-win", count = 7, per_million = 2.5 },
  })
end

-- }======================================================

describe("rostra.result", function()

  describe("new", function()
    it("keeps the rows as given: #t, t[i], the same row tables", function()
      local rows = { { word = "a", count = 1 }, { word = "b", count = 2 } }
      local t = result.new({ "word", "count" }, rows)
      assert.equal(2, #t)
      assert.equal(rows[1], t[1])
      assert.equal(rows[2], t[2])
      assert.equal(rows[2], t[2.0])
      assert.is_nil(t[3])
      assert.is_nil(t[0])
      assert.same({ "word", "count" }, t:columns())
    end)

    it("takes no rows, title, warnings and meta", function()
      local t = result.new({ "word" }, nil, { title = "T", warnings = { "w" }, meta = { n = 3 } })
      assert.equal(0, #t)
      assert.equal("T", t.title)
      assert.same({ "w" }, t.warnings)
      assert.same({ n = 3 }, t.meta)
      local u = result.new({ "word" })
      assert.same({}, u.warnings)
      assert.same({}, u.meta)
      assert.is_nil(u.title)
    end)

    it("raises on bad columns, rows and options, naming the problem", function()
      assert.has_error(function() result.new("word", {}) end,
        "bad argument #1 to 'new' (list of column names expected, got string)")
      assert.has_error(function() result.new({}, {}) end,
        "bad argument #1 to 'new' (at least one column expected)")
      assert.has_error(function() result.new({ "a", "a" }, {}) end,
        "bad argument #1 to 'new' (column 'a' given twice)")
      assert.has_error(function() result.new({ "a", 3 }, {}) end,
        "bad argument #1 to 'new' (column 2: non-empty string expected, got number)")
      assert.has_error(function() result.new({ "a" }, { { a = 1 }, 5 }) end,
        "bad argument #2 to 'new' (row 2: table expected, got number)")
      assert.has_error(function() result.new({ "a" }, {}, { colour = "red" }) end,
        "bad argument #3 to 'new' (unknown option 'colour'; options: "
        .. "align, formats, max_rows, max_width, meta, title, warnings)")
      assert.has_error(function() result.new({ "a" }, {}, { formats = { b = "%d" } }) end,
        "bad argument #3 to 'new' (formats: unknown column 'b'; columns: a)")
      assert.has_error(function() result.new({ "a" }, {}, { align = { a = "centre" } }) end,
        "bad argument #3 to 'new' (align.a: \"left\" or \"right\" expected, got centre)")
      assert.has_error(function() result.new({ "a" }, {}, { max_rows = -1 }) end)
      assert.has_error(function() result.new({ "a" }, {}, { max_width = 2.5 }) end)
    end)

    it("takes lazy rows: made on first read, once, then kept", function()
      local made = {}
      local rows = result.lazy_rows(3, function(i)
        made[#made + 1] = i
        return { word = ("w%d"):format(i), count = 10 - i }
      end)
      local t = result.new({ "word", "count" }, rows)
      assert.equal(3, #t)
      assert.same({}, made)
      assert.equal("w2", t[2].word)
      assert.equal(t[2], t[2])
      assert.same({ 2 }, made)
      assert.is_nil(t[4])
      assert.is_nil(t[0])
      local seen = {}
      for i, row in t:rows() do seen[i] = row.word end
      assert.same({ "w1", "w2", "w3" }, seen)
      t:sort("count")
      assert.same({ "w3", "w2", "w1" }, { t[1].word, t[2].word, t[3].word })
      assert.matches("w1", tostring(t))
      assert.same({ 2, 1, 3 }, made)
      assert.has_error(function() result.lazy_rows(-1, function() end) end)
      assert.has_error(function() result.lazy_rows(2, "rows") end)
      local bad = result.new({ "a" }, result.lazy_rows(1, function() return 7 end))
      assert.has_error(function() return bad[1] end, "row 1: the row maker gave number, not a table")
    end)

    it("refuses to assign rows through t[i]", function()
      local t = freq()
      assert.has_error(function() t[1] = { word = "x" } end)
      assert.equal("peace", t[1].word)
      t.title = "settable"
      assert.equal("settable", t.title)
    end)

    it("result.is tells result tables from other values", function()
      assert.is_true(result.is(freq()))
      assert.is_false(result.is({}))
      assert.is_false(result.is(nil))
      assert.is_false(result.is("result"))
      assert.is_false(result.is(setmetatable({}, {})))
    end)
  end)

  describe("access", function()
    it("iterates with t:rows(), ipairs(t) and pairs(t), in order", function()
      local t = freq()
      local a, b, c = {}, {}, {}
      for i, row in t:rows() do a[i] = row.word end
      for i, row in ipairs(t) do b[i] = row.word end
      for i, row in pairs(t) do c[i] = row.word end
      local want = { "peace", "people", "development", "cooperation", "win-win" }
      assert.same(want, a)
      assert.same(want, b)
      assert.same(want, c)
    end)

    it("t:columns() is a copy", function()
      local t = freq()
      local cols = t:columns()
      cols[1] = "changed"
      assert.same({ "word", "count", "per_million" }, t:columns())
    end)

    it("t:column(name) lists the values, with holes for missing ones", function()
      local t = result.new({ "word", "n" }, { { word = "a", n = 1 }, { word = "b" }, { word = "c", n = 3 } })
      local n = t:column("n")
      assert.equal(3, n.n)
      assert.equal(1, n[1])
      assert.is_nil(n[2])
      assert.equal(3, n[3])
      assert.same({ "a", "b", "c", n = 3 }, t:column("word"))
      assert.has_error(function() t:column("count") end,
        "bad argument #1 to 'column' (unknown column 'count'; columns: word, n)")
    end)
  end)

  describe("sort", function()
    it("sorts numbers ascending, keeping the order of ties", function()
      local t = freq()
      assert.equal(t, t:sort("count"))
      assert.same({ "peace", "development", "win-win", "cooperation", "people" }, words(t))
    end)

    it("sorts descending, still keeping the order of ties", function()
      local t = freq():sort("count", "desc")
      assert.same({ "people", "cooperation", "peace", "development", "win-win" }, words(t))
      t:sort("per_million", "asc")
      assert.same({ "peace", "development", "win-win", "cooperation", "people" }, words(t))
    end)

    it("sorts in place: the rows list given to new is reordered", function()
      local rows = { { w = "b" }, { w = "c" }, { w = "a" } }
      local t = result.new({ "w" }, rows)
      t:sort("w")
      assert.same({ { w = "a" }, { w = "b" }, { w = "c" } }, rows)
      assert.equal(rows[1], t[1])
    end)

    it("sorts on several keys", function()
      local t = freq():sort { { "count", "desc" }, "word" }
      assert.same({ "people", "cooperation", "development", "peace", "win-win" }, words(t))
      t:sort { { "per_million" }, { "word", "desc" } }
      assert.same({ "win-win", "peace", "development", "cooperation", "people" }, words(t))
    end)

    it("sorts strings by byte order", function()
      local t = result.new({ "w" }, {
        { w = "zeta" }, { w = "état" }, { w = "Zeta" }, { w = "apple" }, { w = "Apple" },
        { w = "" }, { w = "app" }, { w = "中" },
      }):sort("w")
      assert.same({ "", "Apple", "Zeta", "app", "apple", "zeta", "état", "中" }, words(t, "w"))
    end)

    it("compares integers and floats numerically, not as text", function()
      local t = result.new({ "v" },
        { { v = 10 }, { v = 9.5 }, { v = 100 }, { v = -1 }, { v = 2 }, { v = 2.0 } })
      t:sort("v")
      local v = words(t, "v")
      assert.same({ -1, 2, 2, 9.5, 10, 100 }, v)
      assert.equal("integer", math.type(v[2]))   -- 2 came before 2.0: stable
      assert.equal("float", math.type(v[3]))
    end)

    it("puts missing values last in both directions, NaN just before them", function()
      local rows = {
        { w = "a", n = 3 }, { w = "b" }, { w = "c", n = 0 / 0 }, { w = "d", n = 1 },
        { w = "e" }, { w = "f", n = 3 },
      }
      local t = result.new({ "w", "n" }, rows)
      t:sort("n")
      assert.same({ "d", "a", "f", "c", "b", "e" }, words(t, "w"))
      t:sort("w"):sort("n", "desc")
      assert.same({ "a", "f", "d", "c", "b", "e" }, words(t, "w"))
    end)

    it("orders mixed kinds: numbers, strings, booleans, tables, nil", function()
      local tbl = {}
      local t = result.new({ "v", "i" }, {
        { v = true, i = 1 }, { v = "x", i = 2 }, { i = 3 }, { v = tbl, i = 4 }, { v = 5, i = 5 },
        { v = false, i = 6 }, { v = "a", i = 7 },
      }):sort("v")
      assert.same({ 5, 7, 2, 6, 1, 4, 3 }, words(t, "i"))
      t:sort("v", "desc")
      assert.same({ 5, 2, 7, 1, 6, 4, 3 }, words(t, "i"))
    end)

    it("is stable on a large table", function()
      local rows = {}
      for i = 1, 2000 do rows[i] = { key = (i * 7919) % 13, seq = i } end
      local t = result.new({ "key", "seq" }, rows):sort("key", "desc")
      for i = 2, #t do
        local a, b = t[i - 1], t[i]
        assert.is_true(a.key > b.key or (a.key == b.key and a.seq < b.seq))
      end
    end)

    it("raises on an unknown column or direction, naming the valid ones", function()
      local t = freq()
      assert.has_error(function() t:sort("freq") end,
        "bad argument #1 to 'sort' (unknown column 'freq'; columns: word, count, per_million)")
      assert.has_error(function() t:sort { { "count", "desc" }, "frequency" } end,
        "bad argument #1 to 'sort' (unknown column 'frequency'; columns: word, count, per_million)")
      -- {"count", "desc"} is a list of two columns, not a key with a direction
      assert.has_error(function() t:sort { "count", "desc" } end,
        "bad argument #1 to 'sort' (unknown column 'desc'; columns: word, count, per_million)")
      assert.has_error(function() t:sort("count", "down") end,
        "bad argument #2 to 'sort' (sort direction \"asc\" or \"desc\" expected, got down)")
      assert.has_error(function() t:sort() end,
        "bad argument #1 to 'sort' (column name or list of sort keys expected, got nil)")
      assert.has_error(function() t:sort {} end, "bad argument #1 to 'sort' (empty list of sort keys)")
      -- nothing moved
      assert.same({ "peace", "people", "development", "cooperation", "win-win" }, words(t))
    end)
  end)

  describe("filter and head", function()
    it("filter returns a new table sharing the rows and the settings", function()
      local t = result.new({ "word", "count" }, {
        { word = "a", count = 1 }, { word = "b", count = 5 }, { word = "c", count = 9 },
      }, { title = "T", warnings = { "w1" }, formats = { count = "%03d" }, meta = { k = 1 } })
      local f = t:filter(function(row) return row.count > 2 end)
      assert.is_true(result.is(f))
      assert.equal(2, #f)
      assert.equal(t[2], f[1])
      assert.equal(t[3], f[2])
      assert.equal(3, #t)
      assert.equal("T", f.title)
      assert.same({ "w1" }, f.warnings)
      assert.same({ "word", "count" }, f:columns())
      f.warnings[2] = "only on f"
      assert.same({ "w1" }, t.warnings)
      assert.equal("T\nword  count\n----  -----\nb       005\nc       009\nwarning: w1\n"
        .. "warning: only on f", tostring(f))
      local idx = {}
      t:filter(function(_, i) idx[#idx + 1] = i return false end)
      assert.same({ 1, 2, 3 }, idx)
    end)

    it("head keeps the first n rows", function()
      local t = freq():sort("count", "desc")
      assert.same({ "people", "cooperation" }, words(t:head(2)))
      assert.equal(5, #t:head(10))
      assert.equal(0, #t:head(0))
      assert.equal(5, #t)
      assert.has_error(function() t:head(-1) end,
        "bad argument #1 to 'head' (non-negative integer expected, got -1)")
      assert.has_error(function() t:filter(42) end,
        "bad argument #1 to 'filter' (function or condition expected, got number)")
      assert.has_error(function() t:filter("x") end,
        "bad argument #1 to 'filter' (condition 'COLUMN OP VALUE' expected, OP one of = != < <= > >= ~ !~, "
        .. "e.g. 'count >= 5', 'party = d,r', 'file ~ 2020'; got 'x')")
    end)
  end)

  describe("tostring", function()
    it("aligns a table with a wide CJK cell: strings left, numbers right", function()
      local t = result.new({ "word", "count", "per_million" }, {
        { word = "people", count = 12, per_million = 3.5 },
        { word = "中国", count = 7, per_million = 12.25 },
        { word = "win-win", count = 120, per_million = 0.12345 },
      })
      assert.equal(
        "word     count  per_million\n" ..
        "-------  -----  -----------\n" ..
        "people      12       3.5000\n" ..
        "中国         7      12.2500\n" ..
        "win-win    120       0.1235", tostring(t))
    end)

    it("counts East Asian wide characters as two columns", function()
      local t = result.new({ "w", "n" },
        { { w = "中华人民", n = 1 }, { w = "ｗｉｄｅ", n = 22 }, { w = "abc", n = 3 } })
      assert.equal(
        "w          n\n" ..
        "--------  --\n" ..
        "中华人民   1\n" ..
        "ｗｉｄｅ  22\n" ..
        "abc        3", tostring(t))
    end)

    it("shows a title, missing values, NaN and inf, booleans, lists and warnings", function()
      local t = result.new({ "theme", "score", "ok", "terms" }, {
        { theme = "peace", score = 1.5, ok = true, terms = { "peace", "stability" } },
        { theme = "trade", score = 0 / 0, ok = false, terms = { w = 2, a = 1 } },
        { theme = "war", score = 1 / 0 },
        { theme = "growth", score = -1 / 0, terms = {} },
        { theme = "x" },
      }, { title = "Themes", warnings = { "3 speeches had no date" } })
      assert.equal(
        "Themes\n" ..
        "theme   score  ok     terms\n" ..
        "------  -----  -----  ----------------\n" ..
        "peace     1.5  true   peace, stability\n" ..
        "trade       -  false  a=1, w=2\n" ..
        "war         -\n" ..
        "growth      -\n" ..
        "x\n" ..
        "warning: 3 speeches had no date", tostring(t))
    end)

    it("writes integers without .0 and floats with a shared number of decimals", function()
      local t = result.new({ "a", "b", "c" }, {
        { a = 3, b = 3.0, c = 1234567.0 },
        { a = -7, b = 0.5, c = 123456789012.5 },
        { a = 0, b = -0.0001234, c = 1e20 },
        { a = 10, b = -0.00001, c = 0.0 },
      })
      assert.equal(
        " a           b             c\n" ..
        "--  ----------  ------------\n" ..
        " 3   3.0000000       1234567\n" ..
        "-7   0.5000000  123456789012\n" ..
        " 0  -0.0001234         1e+20\n" ..
        "10      -1e-05             0", tostring(t))
    end)

    it("applies formats: a format string for numbers, a function for any value", function()
      local t = result.new({ "word", "pm", "n" }, {
        { word = "peace", pm = 2.5, n = 3 },
        { word = "war", pm = 0 / 0 },
      }, {
        formats = {
          pm = "%.2f",
          word = function(v, row) return v:upper() .. (row.n and "" or "?") end,
        },
      })
      assert.equal(
        "word     pm  n\n" ..
        "-----  ----  -\n" ..
        "PEACE  2.50  3\n" ..
        "WAR?      -", tostring(t))
    end)

    it("raises when a format string does not fit a value", function()
      local t = result.new({ "n" }, { { n = 2.5 } }, { formats = { n = "%d" } })
      assert.has_error(function() return tostring(t) end)
    end)

    it("cuts cells wider than 40 columns with an ellipsis", function()
      local long = string.rep("abcdefghij", 5)
      local t = result.new({ "text", "n" }, { { text = long, n = 1 } })
      local lines = {}
      for line in tostring(t):gmatch("[^\n]+") do lines[#lines + 1] = line end
      assert.equal(string.rep("abcdefghij", 3) .. "abcdefghi…  1", lines[3])
      assert.equal(40, result.width(lines[3]:match("^(.-)  1$")))
      local wide = string.rep("中", 30)
      t = result.new({ "text" }, { { text = wide } }, { max_width = 9 })
      assert.equal("text\n---------\n中中中中…", tostring(t))
      t = result.new({ "text" }, { { text = long } }, { max_width = false })
      assert.equal("text\n" .. string.rep("-", 50) .. "\n" .. long, tostring(t))
    end)

    it("cuts right-aligned text at the start, keeping its end", function()
      local t = result.new({ "left", "key" }, {
        { left = "we will build a community with a shared future", key = "for" },
        { left = "short", key = "mankind" },
      }, { align = { left = "right" }, max_width = 20 })
      assert.equal(
        "                left  key\n" ..
        "--------------------  -------\n" ..
        "…ith a shared future  for\n" ..
        "               short  mankind", tostring(t))
    end)

    it("shows control characters as spaces and invalid UTF-8 as U+FFFD", function()
      local t = result.new({ "s" }, { { s = "a\tb\nc" }, { s = "x\255y" } })
      assert.equal("s\n-----\na b c\nx\u{FFFD}y", tostring(t))
    end)

    it("shows at most 50 rows, then how many more", function()
      local rows = {}
      for i = 1, 53 do rows[i] = { i = i } end
      local t = result.new({ "i" }, rows)
      local s = tostring(t)
      local lines = {}
      for line in s:gmatch("[^\n]+") do lines[#lines + 1] = line end
      assert.equal(53, #lines)
      assert.equal("50", lines[52])
      assert.equal("… 3 more rows", lines[53])
      -- widths come from the rows shown
      assert.equal("i\n-\n1\n… 52 more rows", t:format { max_rows = 1 })
      assert.equal("i\n-\n1\n2\n… 51 more rows", result.new({ "i" }, rows, { max_rows = 2 }):format())
      rows[54] = nil
      assert.equal("i\n-\n… 1 more row", result.new({ "i" }, { { i = 1 } }):format { max_rows = 0 })
      assert.equal(55, select(2, t:format { max_rows = false }:gsub("\n", "")) + 1)
    end)

    it("prints an empty table as its header and (no rows)", function()
      local t = result.new({ "word", "count" }, {}, { title = "Nothing", warnings = { "empty corpus" } })
      assert.equal("Nothing\nword  count\n----  -----\n(no rows)\nwarning: empty corpus", tostring(t))
    end)

    it("t:print(n) writes the table with at most n rows to the default output", function()
      local path = os.tmpname()
      local f = assert(io.open(path, "wb"))
      io.output(f)
      local ok, err = pcall(function() return freq():sort("count", "desc"):print(2) end)
      io.output(io.stdout)
      f:close()
      local text = read(path)
      os.remove(path)
      assert(ok, err)
      assert.equal(
        "word         count  per_million\n" ..
        "-----------  -----  -----------\n" ..
        "people          12        4.250\n" ..
        "cooperation      9        3.125\n" ..
        "… 3 more rows\n", text)
    end)

    it("result.width counts display columns", function()
      assert.equal(5, result.width("hello"))
      assert.equal(4, result.width("中国"))
      assert.equal(4, result.width("ｗｉ"))
      assert.equal(4, result.width("élan"))
      assert.equal(4, result.width("e\u{301}lan"))     -- combining acute accent
      assert.equal(2, result.width("🎉"))
      assert.equal(3, result.width("a\255b"))
    end)
  end)

  describe("export", function()
    local dir
    before_each(function() dir = temp_dir() end)
    after_each(function() remove_dir(dir) end)

    -- awkward values for every format
    local function awkward()
      return result.new({ "word", "count", "note", "pm" }, {
        { word = "peace", count = 7, note = 'he said "yes, now"', pm = 0.1 + 0.2 },
        { word = "tab\there", count = 12, note = "line 1\nline 2\r\nline 3", pm = 3.0 },
        { word = "back\\slash", count = 0, pm = 1e-7 },
        { word = "中国/China", count = -3, note = "a,b", pm = 0 / 0 },
        { word = "", count = 9007199254740993, note = "", pm = 1 / 0 },
      })
    end

    it("writes TSV with escapes that read back exactly", function()
      local t = awkward()
      local path = dir .. "/out.tsv"
      assert.same({ true }, { t:export(path) })
      local text = read(path)
      assert.equal(t:to_tsv(), text)
      assert.equal("word\tcount\tnote\tpm\n", text:match("^[^\n]*\n"))
      assert.truthy(text:find("tab\\there\t12\tline 1\\nline 2\\r\\nline 3\t3.0\n", 1, true))
      assert.truthy(text:find("back\\\\slash\t0\t\t1e-07\n", 1, true))
      local header, rows = records_to_rows(parse_tsv(text))
      assert.same(t:columns(), header)
      assert.equal(#t, #rows)
      for i, row in ipairs(t) do
        assert.equal(row.word, rows[i].word)
        assert.equal(tostring(row.count), rows[i].count)
        assert.equal(row.note or "", rows[i].note)
      end
      assert.equal(0.1 + 0.2, tonumber(rows[1].pm))     -- full precision
      assert.equal("", rows[4].pm)                       -- NaN
      assert.equal("", rows[5].pm)                       -- inf
      assert.equal("9007199254740993", rows[5].count)    -- integers stay exact
    end)

    it("writes RFC 4180 CSV with quotes, commas and newlines that reads back", function()
      local t = awkward()
      local path = dir .. "/out.csv"
      assert.is_true(t:export(path))
      local text = read(path)
      assert.equal(t:to_csv(), text)
      assert.truthy(text:find('peace,7,"he said ""yes, now""",0.30000000000000004\n', 1, true))
      assert.truthy(text:find('"line 1\nline 2\r\nline 3"', 1, true))
      -- LF line ends: the only CR is the one inside the quoted field
      assert.is_nil((text:gsub('"line 1\nline 2\r\nline 3"', "")):find("\r", 1, true))
      local header, rows = records_to_rows(parse_csv(text))
      assert.same(t:columns(), header)
      assert.equal(#t, #rows)
      for i, row in ipairs(t) do
        assert.equal(row.word, rows[i].word)
        assert.equal(tostring(row.count), rows[i].count)
        assert.equal(row.note or "", rows[i].note)
      end
      assert.equal("3.0", rows[2].pm)
      assert.equal("", rows[4].pm)
    end)

    it("writes JSON objects with the columns in order, null for nil, NaN and inf", function()
      local t = awkward()
      local path = dir .. "/out.json"
      assert.is_true(t:export(path))
      local text = read(path)
      assert.equal(t:to_json(), text)
      local data = cjson.decode(text)
      assert.equal(#t, #data)
      for i, row in ipairs(t) do
        assert.equal(row.word, data[i].word)
        assert.equal(row.count + 0.0, data[i].count)   -- cjson decodes numbers as floats
        assert.equal(row.note == nil and cjson.null or row.note, data[i].note)
      end
      assert.equal(0.1 + 0.2, data[1].pm)
      assert.equal(cjson.null, data[4].pm)
      assert.equal(cjson.null, data[5].pm)
      -- one object per line, keys in column order, "/" not escaped, integers exact
      local lines = split(text, "\n")
      assert.equal("[", lines[1])
      assert.equal('{"word":"peace","count":7,"note":"he said \\"yes, now\\"","pm":0.30000000000000004},',
        lines[2])
      assert.equal('{"word":"中国/China","count":-3,"note":"a,b","pm":null},', lines[5])
      assert.equal('{"word":"","count":9007199254740993,"note":"","pm":null}', lines[6])
      assert.equal("]", lines[7])
      assert.equal("", lines[8])
    end)

    it("encodes booleans and nested tables in JSON, shows them compactly in TSV and CSV", function()
      local t = result.new({ "theme", "terms", "weights", "hit" }, {
        { theme = "peace", terms = { "peace", "stability" }, weights = { peace = 2, calm = 0.5 },
          hit = true },
        { theme = "none", terms = {}, hit = false },
      })
      assert.equal('[\n{"theme":"peace","terms":["peace","stability"],"weights":{"calm":0.5,"peace":2},'
        .. '"hit":true},\n{"theme":"none","terms":[],"weights":null,"hit":false}\n]\n', t:to_json())
      assert.equal("theme\tterms\tweights\thit\npeace\tpeace, stability\tcalm=0.5, peace=2\ttrue\n"
        .. "none\t\t\tfalse\n", t:to_tsv())
      assert.equal('theme,terms,weights,hit\npeace,"peace, stability","calm=0.5, peace=2",true\n'
        .. "none,,,false\n", t:to_csv())
    end)

    it("replaces invalid UTF-8 in JSON", function()
      local t = result.new({ "s" }, { { s = "a\255b" } })
      assert.equal("a\u{FFFD}b", cjson.decode(t:to_json())[1].s)
    end)

    it("writes only the header, or [], for an empty table", function()
      local t = result.new({ "word", "count" }, {})
      assert.equal("word\tcount\n", t:to_tsv())
      assert.equal("word,count\n", t:to_csv())
      assert.equal("[]\n", t:to_json())
      assert.is_true(t:export(dir .. "/empty.json"))
      assert.same({}, cjson.decode(read(dir .. "/empty.json")))
    end)

    it("writes all rows, whatever max_rows says", function()
      local rows = {}
      for i = 1, 120 do rows[i] = { i = i } end
      local t = result.new({ "i" }, rows, { max_rows = 3 })
      assert.is_true(t:export(dir .. "/all.tsv"))
      local recs = parse_tsv(read(dir .. "/all.tsv"))
      assert.equal(121, #recs)
      assert.equal("120", recs[121][1])
    end)

    it("takes the format from the extension, any case, or from the argument", function()
      local t = freq()
      assert.is_true(t:export(dir .. "/a.CSV"))
      assert.equal(t:to_csv(), read(dir .. "/a.CSV"))
      assert.is_true(t:export(dir .. "/b.tab"))
      assert.equal(t:to_tsv(), read(dir .. "/b.tab"))
      assert.is_true(t:export(dir .. "/c.txt", "json"))
      assert.equal(t:to_json(), read(dir .. "/c.txt"))
      assert.is_true(t:export(dir .. "/d.csv", "tsv"))
      assert.equal(t:to_tsv(), read(dir .. "/d.csv"))
      assert.same({ "a.CSV", "b.tab", "c.txt", "d.csv" }, list(dir))
    end)

    it("raises on an unknown format, listing the valid ones", function()
      local t = freq()
      assert.has_error(function() t:export(dir .. "/x.tsv", "xlsx") end,
        "bad argument #2 to 'export' (unknown format 'xlsx'; formats: tsv, csv, json)")
      assert.has_error(function() t:export(dir .. "/x.xlsx") end,
        "bad argument #2 to 'export' (cannot tell the format from '" .. dir
        .. "/x.xlsx'; give one of tsv, csv, json)")
      assert.has_error(function() t:export(dir .. "/noext") end)
      assert.has_error(function() t:export(nil, "csv") end,
        "bad argument #1 to 'export' (file path expected, got nil)")
      assert.same({}, list(dir))
    end)

    it("replaces an existing file whole and leaves no temporary file", function()
      local path = dir .. "/out.tsv"
      local f = assert(io.open(path, "wb"))
      f:write(string.rep("old content\n", 1000))
      f:close()
      local t = freq():head(1)
      assert.is_true(t:export(path))
      assert.equal("word\tcount\tper_million\npeace\t7\t2.5\n", read(path))
      assert.same({ "out.tsv" }, list(dir))
    end)

    it("returns nil, message, code for a missing folder and writes nothing", function()
      local path = dir .. "/missing/out.csv"
      local ok, msg, code = freq():export(path)
      assert.is_nil(ok)
      assert.equal(path .. ": No such file or directory", msg)
      assert.equal("ENOENT", code)
      assert.is_false(exists(dir .. "/missing"))
      assert.same({}, list(dir))
    end)

    it("returns nil, message, code when the target is a folder, removing its temporary file", function()
      assert(os.execute("mkdir '" .. dir .. "/sub'"))
      local ok, msg, code = freq():export(dir .. "/sub", "csv")
      assert.is_nil(ok)
      assert.equal(dir .. "/sub: Is a directory", msg)
      assert.equal("EISDIR", code)
      assert.same({ "sub" }, list(dir))
      assert.same({}, list(dir .. "/sub"))
      ok, msg, code = freq():export(dir .. "/sub/", "csv")
      assert.is_nil(ok)
      assert.equal(dir .. "/sub/: Is a directory", msg)
      assert.equal("EISDIR", code)
    end)

    it("raises on a table that contains itself, leaving no file", function()
      local cyc = {}
      cyc[1] = cyc
      local t = result.new({ "w", "v" }, { { w = "a", v = 1 }, { w = "b", v = cyc } })
      assert.has_error(function() t:export(dir .. "/out.json") end)
      local ok, err = pcall(t.export, t, dir .. "/out.json")
      assert.is_false(ok)
      assert.truthy(err:find("cannot encode row 2, column 'v': cannot encode a table that contains itself",
        1, true))
      assert.same({}, list(dir))
      assert.equal("w\tv\na\t1\nb\t<cycle>\n", t:to_tsv())
    end)

    it("returns ENOTDIR when a file stands where a folder should be", function()
      local file = dir .. "/plain"
      assert(io.open(file, "wb")):close()
      local ok, msg, code = freq():export(file .. "/out.json")
      assert.is_nil(ok)
      assert.equal(file .. "/out.json: Not a directory", msg)
      assert.equal("ENOTDIR", code)
      assert.same({ "plain" }, list(dir))
    end)
  end)

  describe("extend", function()
    local Kwic = result.extend {
      __name = "rostra.kwic",
      line = function(self, i)
        local r = self[i]
        return r.left .. " [" .. r.key .. "] " .. r.right
      end,
      format = function(self)
        local out = {}
        for i = 1, #self do out[i] = self:line(i) end
        return table.concat(out, "\n")
      end,
    }
    local function kwic()
      return Kwic.new({ "left", "key", "right" }, {
        { left = "a shared", key = "future", right = "for mankind" },
        { left = "the", key = "future", right = "belongs to" },
      })
    end

    it("makes a subclass with its own methods and printing", function()
      local k = kwic()
      assert.equal("a shared [future] for mankind", k:line(1))
      assert.equal("a shared [future] for mankind\nthe [future] belongs to", tostring(k))
      assert.equal(2, #k)
      assert.equal("the", k[2].left)
      assert.same({ "left", "key", "right" }, k:columns())
      assert.equal("left\tkey\tright\na shared\tfuture\tfor mankind\nthe\tfuture\tbelongs to\n", k:to_tsv())
    end)

    it("result.is and Class.is know the family", function()
      local k = kwic()
      assert.is_true(result.is(k))
      assert.is_true(Kwic.is(k))
      assert.is_false(Kwic.is(freq()))
      assert.is_true(result.class.is(k))
    end)

    it("filter, head and sort keep the class", function()
      local k = kwic()
      local f = k:filter(function(r) return r.left == "the" end)
      assert.is_true(Kwic.is(f))
      assert.equal("the [future] belongs to", tostring(f))
      assert.is_true(Kwic.is(k:head(1)))
      assert.equal("the [future] belongs to\na shared [future] for mankind", tostring(k:sort("left", "desc")))
    end)

    it("inherits methods added to result.class later, and subclasses again", function()
      function result.class:total(col)
        local s = 0
        for _, row in self:rows() do s = s + (row[col] or 0) end
        return s
      end
      finally(function() result.class.total = nil end)
      assert.equal(42, freq():total("count"))
      local Sub = Kwic.extend { shout = function(self) return self:line(1):upper() end }
      local s = Sub.new({ "left", "key", "right" }, { { left = "a", key = "b", right = "c" } })
      assert.equal("A [B] C", s:shout())
      assert.equal("a [b] c", tostring(s))
      assert.is_true(Kwic.is(s))
      assert.is_false(Sub.is(kwic()))
      assert.equal(0, s:total("left_count"))
    end)

    it("the default layout stays reachable from a subclass", function()
      local Framed = result.extend {
        format = function(self, o) return "[" .. result.class.format(self, o) .. "]" end,
      }
      local t = Framed.new({ "a" }, { { a = 1 } })
      assert.equal("[a\n-\n1]", tostring(t))
    end)

    it("refuses to override what keeps it working", function()
      assert.has_error(function() result.extend { __index = {} } end,
        "bad argument #1 to 'extend' ('__index' cannot be overridden)")
      assert.has_error(function() result.extend { new = function() end } end,
        "bad argument #1 to 'extend' ('new' cannot be overridden)")
    end)
  end)
end)
