-- luacheck: std +busted
-- Specs for rostra.meta: file-name templates, sidecar tables, merging.
-- Fixtures are in spec/fixtures/meta/ (byte-exact: BOM, CRLF); the specs
-- that read ../shared/corpus are pending when it is absent.

local lpeg = require "lpeg"
local meta = require "rostra.meta"

local FIX = "spec/fixtures/meta/"
local CORPUS = "../shared/corpus"
local SKIP = "../shared/corpus not found: skipped"

-- path of a corpus file, or nil when the shared corpus is not there
local function corpus(rel)
  local p = CORPUS .. "/" .. rel
  local f = io.open(p, "rb")
  if not f then return nil end
  f:close()
  return p
end

local function count(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n
end

-- the join of the UNGDC speakers sheet, as in the issue
local function ungdc_spec(path)
  return {
    path = path,
    key = { "year", "session", "country" },
    columns = {
      Year = "year", Session = "session", ["ISO Code"] = "country",
      ["Name of Person Speaking"] = "speaker", Post = "role",
    },
    -- one 1947 row carries a footnote in a 7th, unnamed column
    extra_fields = "drop",
  }
end

describe("rostra.meta", function()

  describe("template", function()
    it("reads UNGDC names: country, session and year", function()
      local m = meta.from_name("{country}_{session}_{year}.txt", "CHN_75_2020.txt")
      assert.same({ country = "CHN", session = 75, year = 2020 }, m)
    end)

    it("turns zero-padded digits into numbers", function()
      local m = meta.from_name("{country}_{session}_{year}.txt", "AFG_07_1952.txt")
      assert.equal(7, m.session)
      assert.equal("integer", math.type(m.session))
    end)

    it("reads dated slugs, keeping the speaker slug as given", function()
      local m = meta.from_name("{date}_{speaker}_{slug}.txt",
        "2020-11-10_xi-jinping_carrying-forward-the-shanghai-spirit-and-deepening.txt")
      assert.same({
        date = "2020-11-10", year = 2020, speaker = "xi-jinping",
        slug = "carrying-forward-the-shanghai-spirit-and-deepening",
      }, m)
    end)

    it("gives nil, not an error, for a name that does not match", function()
      local m = meta.compile("{country}_{session}_{year}.txt")
      assert.is_nil(m:match("CHN_75_2020.csv"))
      assert.is_nil(m:match("CHN-75-2020.txt"))
      assert.is_nil(m:match("README.md"))
      -- a field is never empty
      assert.is_nil(m:match("_75_2020.txt"))
    end)

    it("ends the last field at the literal suffix, not at the first separator", function()
      local m = meta.compile("{a}_{b}.txt")
      assert.same({ a = "x", b = "y_z" }, m:match("x_y_z.txt"))
      assert.same({ a = "a.b", b = "c" }, meta.from_name("{a}_{b}.txt", "a.b_c.txt"))
      assert.same({ name = "v1.txt.bak" }, meta.from_name("{name}.txt", "v1.txt.bak.txt"))
    end)

    it("prefers a whole ISO date for {date}", function()
      local m = meta.compile("{date}-{slug}.txt")
      assert.same({ date = "2020-11-10", year = 2020, slug = "g20-summit" },
        m:match("2020-11-10-g20-summit.txt"))
      assert.same({ date = "20201110", year = 2020, slug = "g20" }, m:match("20201110-g20.txt"))
      assert.same({ date = "2020", year = 2020, slug = "g20" }, m:match("2020-g20.txt"))
      -- not a month: falls back to the shortest text
      assert.same({ date = "2020", year = 2020, slug = "13-01-x" }, m:match("2020-13-01-x.txt"))
    end)

    it("keeps {date} a string and derives year only when absent", function()
      local m = meta.from_name("{year}_{date}.txt", "1999_2020-11-10.txt")
      assert.equal("2020-11-10", m.date)
      assert.equal(1999, m.year)
    end)

    it("matches {_} and {*} without keeping them", function()
      local m = meta.from_name("{_}_{session}_{*}.txt", "CHN_75_2020.txt")
      assert.same({ session = 75 }, m)
    end)

    it("matches a template with / against the relative path", function()
      local m = meta.compile("{country}/{session}_{year}.txt")
      assert.same({ country = "CHN", session = 75, year = 2020 }, m:match("CHN/75_2020.txt"))
      assert.same({ country = "CHN", session = 75, year = 2020 }, m:match("./CHN/75_2020.txt"))
      -- fields do not cross folders
      assert.is_nil(m:match("a/CHN/75_2020.txt"))
    end)

    it("matches a template without / against the base name", function()
      local m = meta.from_name("{country}_{session}_{year}.txt", "sample_2020-2024/USA_75_2020.txt")
      assert.same({ country = "USA", session = 75, year = 2020 }, m)
    end)

    it("requires a field named twice to match the same text", function()
      local m = meta.compile("{year}/{country}_{year}.txt")
      assert.same({ year = 2020, country = "CHN" }, m:match("2020/CHN_2020.txt"))
      assert.is_nil(m:match("2020/CHN_2021.txt"))
    end)

    it("reads {{ and }} as literal braces", function()
      assert.same({ id = 7 }, meta.from_name("a{{b}}_{id}.txt", "a{b}_7.txt"))
    end)

    it("matches a template without fields as an empty table", function()
      assert.same({}, meta.from_name("index.txt", "index.txt"))
      assert.is_nil(meta.from_name("index.txt", "index.txt.bak"))
    end)

    describe("malformed", function()
      local function err_of(tpl)
        local ok, err = pcall(meta.compile, tpl)
        assert.is_false(ok)
        return err
      end

      it("raises on an unclosed brace, naming template and column", function()
        local err = err_of("{country}_{session")
        assert.matches('"{country}_{session"', err, 1, true)
        assert.matches("column 11: unclosed '{'", err, 1, true)
      end)

      it("raises on an empty field name", function()
        assert.matches("column 5: empty field name", err_of("abc_{}.txt"), 1, true)
      end)

      it("raises on two adjacent fields", function()
        local err = err_of("{country}{session}.txt")
        assert.matches("column 10: two fields with no literal text between them", err, 1, true)
      end)

      it("raises on a stray } and on a bad field name", function()
        assert.matches("column 2: '}' without '{'", err_of("a}b.txt"), 1, true)
        assert.matches("column 2: invalid field name 'a b'", err_of("{a b}.txt"), 1, true)
      end)

      it("counts columns in characters", function()
        -- byte column 7
        assert.matches("column 6: two fields", err_of("é_{a}{b}"), 1, true)
      end)

      it("blames the caller's line", function()
        local ok, err = pcall(function() meta.compile("{a") end)
        assert.is_false(ok)
        assert.matches("^spec/meta_spec%.lua:%d+: rostra%.meta: bad template", err)
        ok, err = pcall(function() meta.from_name("{a", "a.txt") end)
        assert.is_false(ok)
        assert.matches("^spec/meta_spec%.lua:%d+: rostra%.meta: bad template", err)
      end)

      it("raises on a spec that is neither template, pattern nor function", function()
        assert.matches("template string, an lpeg pattern or a function", err_of(42), 1, true)
      end)
    end)
  end)

  describe("lpeg pattern", function()
    local alpha, digit = lpeg.R("AZ"), lpeg.R("09")

    it("takes named captures inside a table", function()
      local p = lpeg.Ct(lpeg.Cg(alpha ^ 3, "country") * "_" * lpeg.Cg(digit ^ 1, "session")
        * "_" * lpeg.Cg(digit ^ 4, "year") * ".txt" * -1)
      local m = meta.compile(p)
      assert.same({ country = "CHN", session = 75, year = 2020 }, m:match("sample/CHN_75_2020.txt"))
      assert.is_nil(m:match("CHN_75_2020.csv"))
    end)

    it("takes bare named groups", function()
      local p = lpeg.Cg(alpha ^ 3, "country") * "_" * lpeg.Cg(digit ^ 1, "session")
      assert.same({ country = "USA", session = 79 }, meta.from_name(p, "USA_79_2024.txt"))
    end)

    it("takes a pattern returning a table", function()
      local p = (lpeg.C(digit ^ 4) * "-") / function(y) return { year = y, kind = "dated" } end
      assert.same({ year = 2021, kind = "dated" }, meta.from_name(p, "2021-x.txt"))
      assert.is_nil(meta.from_name(p, "x.txt"))
    end)
  end)

  describe("function", function()
    it("gets the base name and the path", function()
      local seen
      local m = meta.compile(function(base, path)
        seen = { base, path }
        local iso = base:match("^(%u%u%u)_")
        return iso and { country = iso, session = base:match("_(%d+)_") } or nil
      end)
      assert.same({ country = "FRA", session = 75 }, m:match("sample/FRA_75_2020.txt"))
      assert.same({ "FRA_75_2020.txt", "sample/FRA_75_2020.txt" }, seen)
      assert.is_nil(m:match("readme.txt"))
    end)

    it("copies the returned table before normalising it", function()
      local shared = { n = "01" }
      local m = meta.from_name(function() return shared end, "a.txt")
      assert.equal(1, m.n)
      assert.equal("01", shared.n)
    end)

    it("raises when the function returns something other than a table", function()
      local m = meta.compile(function() return "CHN" end)
      assert.has_error(function() m:match("a.txt") end,
        "metadata function returned a string (table or nil expected)")
    end)
  end)

  describe("normalize", function()
    it("turns digit strings into integers, except date and signed values", function()
      local t = meta.normalize({ session = "075", date = "20201110", tel = "+41", x = "3.5",
        big = "123456789012345678901234" })
      assert.same({ session = 75, date = "20201110", year = 2020, tel = "+41", x = "3.5",
        big = "123456789012345678901234" }, t)
    end)

    it("derives year from a date that does not start with it", function()
      assert.equal(1989, meta.normalize({ date = "02/03/1989" }).year)
      assert.is_nil(meta.normalize({ date = "March" }).year)
    end)
  end)

  describe("merge", function()
    it("lets front matter beat sidecar beat file name beat text", function()
      local m = meta.merge(
        { speaker = "text", title = "From text", lang = "en" },
        { speaker = "name", year = 2020 },
        { speaker = "sidecar", role = "President", year = 2021 },
        { speaker = "front" })
      assert.same({ speaker = "front", title = "From text", lang = "en", role = "President", year = 2021 }, m)
    end)

    it("accepts nil tables and returns a new table", function()
      local name = { year = 2020 }
      local m = meta.merge(nil, name, nil, nil)
      assert.same({ year = 2020 }, m)
      m.year = 1
      assert.equal(2020, name.year)
      assert.same({}, meta.merge())
    end)
  end)

  describe("unslug", function()
    it("makes a name of a slug", function()
      assert.equal("Xi Jinping", meta.unslug("xi-jinping"))
      assert.equal("Joseph R Biden", meta.unslug("joseph_r--biden"))
      assert.equal("USA Today", meta.unslug("USA-today"))
    end)
  end)

  describe("read_delimited", function()
    it("reads RFC 4180 CSV: BOM, CRLF, quotes, escapes, embedded line breaks", function()
      local header, rows = meta.read_delimited(FIX .. "index.csv")
      assert.same({ "file", "date", "speaker", "words", "title" }, header)
      assert.equal(6, #rows)
      assert.same({ "2020-11-10_xi-jinping_carrying.txt", "2020-11-10", "Xi Jinping", "2450",
        'Carrying Forward the "Shanghai Spirit", and Deepening' }, rows[1])
      assert.same({ "sub/a.txt", "2019-01-16", "Smith, John", "075", "Two\r\nlines" }, rows[2])
      -- the blank line is skipped; fields are returned untrimmed
      assert.same({ "b.txt", "", "  Jane Doe  ", "+41", "" }, rows[3])
      -- a short row stays short
      assert.same({ "c.txt", "2021" }, rows[4])
    end)

    it("sniffs a tab in the header line", function()
      local header, rows = meta.read_delimited(FIX .. "tabbed.csv")
      assert.same({ "file", "speaker", "words" }, header)
      assert.same({ { "a.txt", "A, B", "10" }, { "b\tc.txt", "C", "" } }, rows)
    end)

    it("uses tabs for .tsv even without a tab in the header", function()
      local header, rows = meta.read_delimited(FIX .. "names.tsv")
      assert.same({ "file" }, header)
      assert.same({ { "a,b.txt" } }, rows)
    end)

    it("takes an explicit separator", function()
      local _, msg = meta.read_delimited(FIX .. "names.tsv", ",")
      assert.equal(FIX .. "names.tsv:2:3: 2 fields, the header has 1", msg)
      _, msg = meta.read_delimited(FIX .. "tabbed.csv", ",")
      -- the tabs are now text, the comma in "A, B" a separator
      assert.equal(FIX .. "tabbed.csv:2:9: 2 fields, the header has 1", msg)
    end)

    it("reports a missing file as ENOENT", function()
      local h, msg, code = meta.read_delimited(FIX .. "nope.csv")
      assert.is_nil(h)
      assert.equal(FIX .. "nope.csv: No such file or directory", msg)
      assert.equal("ENOENT", code)
    end)

    it("reports an unterminated quote at the opening quote", function()
      local h, msg, code = meta.read_delimited(FIX .. "unterminated.csv")
      assert.is_nil(h)
      assert.equal(FIX .. "unterminated.csv:3:7: unterminated quoted field", msg)
      assert.equal("EPARSE", code)
    end)

    it("reports a row with more fields than the header, unless told to drop them", function()
      local h, msg, code = meta.read_delimited(FIX .. "extra.csv")
      assert.is_nil(h)
      assert.equal(FIX .. "extra.csv:3:9: 3 fields, the header has 2", msg)
      assert.equal("EPARSE", code)
      local header, rows = meta.read_delimited(FIX .. "extra.csv", nil, { extra_fields = "drop" })
      assert.same({ "file", "speaker" }, header)
      assert.same({ { "a.txt", "A" }, { "b.txt", "B" } }, rows)
    end)

    it("reports text after a closing quote", function()
      local _, msg, code = meta.read_delimited(FIX .. "after_quote.csv")
      assert.equal(FIX .. "after_quote.csv:2:10: text after the closing quote of a field", msg)
      assert.equal("EPARSE", code)
    end)

    it("raises on a bad separator", function()
      assert.has_error(function() meta.read_delimited(FIX .. "index.csv", '"') end)
      assert.has_error(function() meta.read_delimited(FIX .. "index.csv", ",;") end)
    end)
  end)

  describe("sidecar", function()
    describe("by file column", function()
      local sc
      setup(function() sc = assert(meta.sidecar(FIX .. "index.csv")) end)

      it("finds a row by exact path, with all columns normalised", function()
        assert.same({ file = "sub/a.txt", date = "2019-01-16", year = 2019, speaker = "Smith, John",
          words = 75, title = "Two\r\nlines" }, sc:lookup("sub/a.txt"))
      end)

      it("falls back to the base name", function()
        assert.equal("Xi Jinping", sc:lookup("xi_en/2020-11-10_xi-jinping_carrying.txt").speaker)
        assert.equal("Smith, John", sc:lookup("a.txt").speaker)
      end)

      it("trims values and leaves empty ones out", function()
        assert.same({ file = "b.txt", speaker = "Jane Doe", words = "+41" }, sc:lookup("b.txt"))
        assert.same({ file = "c.txt", date = "2021", year = 2021 }, sc:lookup("c.txt"))
      end)

      it("does not guess between two files of the same base name", function()
        assert.is_nil(sc:lookup("same.txt"))
        assert.equal("Y", sc:lookup("y/same.txt").speaker)
        assert.is_nil(sc:lookup("nothere.txt"))
      end)

      it("returns a fresh table on each lookup", function()
        local a = sc:lookup("b.txt")
        a.speaker = "changed"
        assert.equal("Jane Doe", sc:lookup("b.txt").speaker)
      end)

      it("strips the loaded folder from file names and resolves its path there", function()
        -- loading folder "x": the row "x/same.txt" is that folder's "same.txt"
        local s2 = assert(meta.sidecar(FIX .. "index.csv", "./x/"))
        assert.equal("X", s2:lookup("same.txt").speaker)
        -- "index.csv" is not in the current folder but in the loaded one
        local s3 = assert(meta.sidecar("index.csv", FIX))
        assert.equal(FIX .. "index.csv", s3.path)
        assert.equal("Jane Doe", s3:lookup("b.txt").speaker)
      end)

      it("keeps only renamed columns when columns is given", function()
        local s2 = assert(meta.sidecar({ path = FIX .. "tabbed.csv", columns = { speaker = "who" } }))
        assert.same({ who = "A, B" }, s2:lookup("a.txt"))
      end)

      it("reports a missing sidecar as ENOENT", function()
        local s2, msg, code = meta.sidecar(FIX .. "nope.csv", FIX)
        assert.is_nil(s2)
        assert.equal(FIX .. "nope.csv: No such file or directory", msg)
        assert.equal("ENOENT", code)
      end)

      it("reports malformed CSV and a missing file column as EPARSE", function()
        local s2, msg, code = meta.sidecar(FIX .. "unterminated.csv")
        assert.is_nil(s2)
        assert.equal(FIX .. "unterminated.csv:3:7: unterminated quoted field", msg)
        assert.equal("EPARSE", code)
        s2, msg, code = meta.sidecar(FIX .. "nofile.csv")
        assert.is_nil(s2)
        assert.matches('no "file" column', msg, 1, true)
        assert.equal("EPARSE", code)
      end)

      it("finds files by another column when told", function()
        local s2 = assert(meta.sidecar({ path = FIX .. "nofile.csv", file = "name" }))
        assert.same({ name = "a.txt", speaker = "A" }, s2:lookup("a.txt"))
      end)
    end)

    describe("by join", function()
      local sc
      setup(function() sc = assert(meta.sidecar(ungdc_spec(FIX .. "speakers.csv"))) end)

      it("joins on metadata from the file name", function()
        local known = meta.from_name("{country}_{session}_{year}.txt", "CHN_75_2020.txt")
        assert.same({ year = 2020, session = 75, country = "CHN", speaker = "Mr. Xi Jinping",
          role = "President" }, sc:lookup("CHN_75_2020.txt", known))
      end)

      it("compares keys as strings after number normalisation", function()
        assert.equal("Mr. NAIM", sc:lookup(nil, { year = "1952", session = 7, country = "AFG" }).speaker)
        assert.equal("Mr. NAIM", sc:lookup(nil, { year = 1952.0, session = "007", country = "AFG" }).speaker)
        assert.equal("Mr. NAIM", sc:lookup(nil, { year = 1952, session = 7, country = " AFG " }).speaker)
      end)

      it("trims values and keys, and keeps commas and line breaks inside quotes", function()
        assert.same({ year = 2022, session = 77, country = "USA", speaker = "Joseph R. Biden, Jr",
          role = "President" }, sc:lookup(nil, { year = 2022, session = 77, country = "USA" }))
        assert.equal("Lula da Silva", sc:lookup(nil, { year = 2024, session = 79, country = "BRA" }).speaker)
        assert.equal("Sheikh Ahmad Nawaf Al-Ahmad\nAl-Sabah",
          sc:lookup(nil, { year = 2023, session = 78, country = "KWT" }).speaker)
      end)

      it("keeps the first of duplicate keys and counts the others", function()
        assert.equal("Mr. NJINE", sc:lookup(nil, { year = 1969, session = 24, country = "CMR" }).speaker)
        assert.equal(1, sc.duplicates)
      end)

      it("gives nil when a key is unknown or has no row", function()
        assert.is_nil(sc:lookup(nil, { year = 2020, session = 75 }))
        assert.is_nil(sc:lookup(nil, { year = 2020, session = 75, country = "FRA" }))
        assert.is_nil(sc:lookup("CHN_75_2020.txt"))
      end)

      it("raises when a key is not a column after renaming", function()
        local spec = ungdc_spec(FIX .. "speakers.csv")
        spec.key = { "year", "iso" }
        assert.has_error(function() meta.sidecar(spec) end)
        local ok, err = pcall(function() meta.sidecar(spec) end)
        assert.is_false(ok)
        assert.matches("^spec/meta_spec%.lua:%d+: ", err)
        assert.matches('key "iso" is not a column', err, 1, true)
      end)

      it("raises when columns names a column the file does not have", function()
        local spec = ungdc_spec(FIX .. "speakers.csv")
        spec.columns["ISO code3"] = "iso"
        local ok, err = pcall(meta.sidecar, spec)
        assert.is_false(ok)
        assert.matches('no column "ISO code3"', err, 1, true)
      end)
    end)
  end)

  describe("shared corpus", function()
    it("reads every row of ungdc/speakers_by_session.csv", function()
      local path = corpus("ungdc/speakers_by_session.csv")
      if not path then return pending(SKIP) end
      -- strict by default: the 1947 Venezuela row has a 7th field
      local h, msg, code = meta.read_delimited(path)
      assert.is_nil(h)
      assert.equal(path .. ":10884:33: 7 fields, the header has 6", msg)
      assert.equal("EPARSE", code)
      local header, rows = meta.read_delimited(path, nil, { extra_fields = "drop" })
      assert.same({ "Year", "Session", "ISO Code", "Country", "Name of Person Speaking", "Post" }, header)
      assert.equal(10944, #rows)
      local short = 0
      for i, row in ipairs(rows) do
        assert.is_true(#row == 5 or #row == 6, "row " .. i)
        assert.truthy(row[1]:match("^%d%d%d%d$"), "year of row " .. i)
        if #row == 5 then short = short + 1 end
      end
      assert.equal(1416, short)
    end)

    it("joins CHN_75_2020 to Xi Jinping, President", function()
      local path = corpus("ungdc/speakers_by_session.csv")
      if not path then return pending(SKIP) end
      local sc = assert(meta.sidecar(ungdc_spec(path)))
      local known = meta.from_name("{country}_{session}_{year}.txt", "CHN_75_2020.txt")
      local m = sc:lookup("CHN_75_2020.txt", known)
      assert.truthy(m.speaker:find("Xi Jinping", 1, true))
      assert.equal("President", m.role)
      assert.equal(5, count(m))
    end)

    it("names every UNGDC speech and joins all but 79 quickly", function()
      local spk, idx = corpus("ungdc/speakers_by_session.csv"), corpus("ungdc/index.csv")
      if not (spk and idx) then return pending(SKIP) end
      local t0 = os.clock()
      local sc = assert(meta.sidecar(ungdc_spec(spk)))
      local _, rows = assert(meta.read_delimited(idx))
      assert.equal(10952, #rows)
      local missing = 0
      for _, row in ipairs(rows) do
        local m = meta.from_name("{country}_{session}_{year}.txt", row[1])
        assert.same({ country = row[2], session = tonumber(row[3]), year = tonumber(row[4]) }, m)
        if not sc:lookup(row[1], m) then missing = missing + 1 end
      end
      assert.equal(79, missing)
      assert.equal(17, sc.duplicates)
      -- a hash join: about 0.3 s here; a scan per lookup takes minutes
      assert.is_true(os.clock() - t0 < 5, "too slow")
    end)

    it("gives the speaker and date of every xi_en file from index.csv", function()
      local path = corpus("xi_en/index.csv")
      if not path then return pending(SKIP) end
      local dir = CORPUS .. "/xi_en"
      local sc = assert(meta.sidecar(path, dir))
      local _, rows = assert(meta.read_delimited(path))
      assert.equal(42, #rows)
      for _, row in ipairs(rows) do
        local name = row[1]
        local f = io.open(dir .. "/" .. name, "rb")
        assert.truthy(f, name .. " exists")
        f:close()
        local m = sc:lookup(name)
        assert.equal("Xi Jinping", m.speaker)
        local n = meta.from_name("{date}_{speaker}_{slug}.txt", name)
        assert.equal(m.date, n.date)
        assert.equal(m.year, n.year)
        assert.equal("xi-jinping", n.speaker)
        assert.equal(m.speaker, meta.unslug(n.speaker))
        assert.equal("number", type(m.words))
      end
    end)
  end)
end)
