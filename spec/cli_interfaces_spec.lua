local cjson = require "cjson"
-- The command at its interfaces (issue 16): every mistake seen with the
-- right exit status, every row written, every speech named.
local support = require "support"

local DIR = "spec/fixtures/sotu"
local TPL = "{year}_{president:.+}_{party}.txt"

local main = support.cli_main

local function lines(s)
  local t = {}
  for l in s:gmatch("([^\n]*)\n") do t[#t + 1] = l end
  return t
end

local function split(s, sep)
  local t = {}
  for f in (s .. sep):gmatch("(.-)" .. sep) do t[#t + 1] = f end
  return t
end

local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local function tmpdir()
  local d = os.tmpname()
  os.remove(d)
  assert(os.execute("mkdir -p " .. d))
  return d
end

local function write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

describe("rostra command at its interfaces", function()
  describe("metadata keys", function()
    it("--by presidnet exits 2, naming president and the keys", function()
      local status, out, err = main { "count", "freedom", DIR, "--meta", TPL, "--by", "presidnet" }
      assert.equal(2, status)
      assert.equal("", out)
      assert.equal(1, #lines(err:gsub("^rostra: metadata:[^\n]*\n", "")))
      assert.truthy(err:find("unknown metadata key 'presidnet' (did you mean 'president'? the corpus has: "
        .. "file, lang, party, president, year", 1, true), err)
    end)

    it("--where, --sort meta:KEY and --target with an unknown key exit 2", function()
      for _, args in ipairs {
        { "count", "freedom", DIR, "--meta", TPL, "--where", "presidnet=x" },
        { "kwic", "freedom", DIR, "--meta", TPL, "--sort", "meta:yaer" },
        { "keyness", DIR, "--meta", TPL, "--target", "pary=d" },
        { "parse", DIR, "--meta", TPL, "--where", "yaer=1790" },
      } do
        local status, _, err = main(args)
        assert.equal(2, status, table.concat(args, " "))
        assert.truthy(err:find("unknown metadata key", 1, true), err)
        assert.truthy(err:find("did you mean", 1, true), err)
      end
    end)
  end)

  describe("file-name templates", function()
    it("warns about names read two ways, a few then how many more, and prints the coverage", function()
      local status, _, err = main { "count", "freedom", DIR, "--meta", "{year}_{president}_{party}.txt" }
      assert.equal(0, status)
      local ls = lines(err)
      assert.truthy(ls[1]:find("^rostra: warning: 1790_george_washington_n.txt splits more than one way"),
        ls[1])
      assert.truthy(ls[1]:find("president=george, party=washington_n (taken) or president=george_washington, "
        .. "party=n", 1, true), ls[1])
      assert.equal("rostra: warning: 2 more file names split more than one way under the template "
        .. "'{year}_{president}_{party}.txt'", ls[4])
      assert.equal("rostra: metadata: year 5/5, president 5/5, party 5/5", ls[5])
      assert.equal(5, #ls)
    end)

    it("exits 2 when the template or the sidecar matches no file", function()
      local status, _, err = main { "count", "freedom", DIR, "--meta", "{year}-{president}.txt" }
      assert.equal(2, status)
      assert.truthy(err:find("matches none of the 5 file names", 1, true), err)
      status, _, err = main { "count", "freedom", DIR, "--sidecar", "spec/fixtures/meta/index.csv" }
      assert.equal(2, status)
      assert.truthy(err:find("matches none of the 5 files", 1, true), err)
      status, _, err = main { "parse", DIR, "--meta", "{year}-{president}.txt" }
      assert.equal(2, status)
      assert.truthy(err:find("matches none of the 5 file names", 1, true), err)
    end)

    it("shows the coverage in info", function()
      local status, out = main { "info", DIR, "--meta", TPL, "--filter", "field=coverage", "--format", "tsv" }
      assert.equal(0, status)
      assert.equal("field\tvalue\ncoverage\tyear 5/5, president 5/5, party 5/5\n", out)
    end)

    it("reads the sidecar of the folder and reports its coverage", function()
      local status, _, err = main { "count", "freedom", DIR, "--sidecar", DIR .. "/index.csv" }
      assert.equal(0, status)
      assert.equal("rostra: metadata: party 5/5, president 5/5, year 5/5\n", err)
    end)
  end)

  describe("exports", function()
    local dir
    setup(function()
      dir = tmpdir()
      -- 120 hits of "freedom" in one speech, each in its own sentence
      local parts = {}
      for i = 1, 120 do parts[i] = ("Freedom number %d is a long and winding sentence about freedoms of "
        .. "every kind and shape, written down so that each cell of the table is wide."):format(i) end
      write(dir .. "/many.txt", table.concat(parts, " ") .. "\n")
    end)
    teardown(function() os.execute("rm -rf " .. dir) end)

    it("-o k.txt writes every KWIC line, not the page of the terminal", function()
      local status, out, err = main { "kwic", "freedom", dir .. "/many.txt", "-o", dir .. "/k.txt" }
      assert.equal(0, status, err)
      assert.equal("", out)
      local ls = lines(read(dir .. "/k.txt"))
      assert.equal("120 hits of freedom", ls[1])
      assert.equal(121, #ls)
      -- to a pipe too; a terminal gets a page of 50
      status, out = main { "kwic", "freedom", dir .. "/many.txt" }
      assert.equal(0, status)
      assert.equal(121, #lines(out))
      status, out = main({ "kwic", "freedom", dir .. "/many.txt", "--color", "never" },
        { isatty = function() return true end })
      assert.equal(0, status)
      ls = lines(out)
      assert.equal(51, #ls)
      assert.truthy(ls[1]:find("(1-50 shown; --limit N --offset N for more)", 1, true), ls[1])
    end)

    it("takes the format from --format, else from the extension", function()
      for ext, fmt in pairs { tsv = "tsv", csv = "csv", json = "json", TSV = "tsv" } do
        local path = dir .. "/k." .. ext
        assert.equal(0, (main { "kwic", "freedom", dir .. "/many.txt", "-o", path }))
        local text = read(path)
        if fmt == "json" then
          assert.equal(120, #cjson.decode(text))
        else
          local ls = lines(text)
          assert.equal(121, #ls, ext)
          assert.truthy(ls[1]:find(fmt == "csv" and "speech,file," or "speech\tfile\t", 1, true), ls[1])
        end
      end
      assert.equal(0, (main { "kwic", "freedom", dir .. "/many.txt", "-o", dir .. "/k.dat",
                              "--format", "tsv" }))
      assert.equal(121, #lines(read(dir .. "/k.dat")))
    end)

    it("refuses an extension it does not know, writing nothing (exit 2)", function()
      for _, name in ipairs { "out.xlsx", "out", "out.tsv.bak" } do
        local status, out, err = main { "kwic", "freedom", dir .. "/many.txt", "-o", dir .. "/" .. name }
        assert.equal(2, status, name)
        assert.equal("", out)
        assert.truthy(err:find("cannot tell the format of", 1, true), err)
        assert.truthy(err:find("give --format text|tsv|csv|json", 1, true), err)
        assert.is_nil(read(dir .. "/" .. name), name)
      end
    end)

    it("leaves the files of index, dfm, export and sample to their own rules", function()
      local d = tmpdir()
      assert.equal(0, (main { "dfm", DIR, "-o", d .. "/matrix" }))
      assert.equal(0, (main { "export", DIR, "--format", "vrt", "-o", d .. "/x.vrt" }))
      assert.equal(0, (main { "sample", DIR, "--n", "2", "-o", d .. "/tocode" })) -- CSV by default
      assert.truthy(read(d .. "/tocode"):find("^unit,file,"))
      os.execute("rm -rf " .. d)
    end)

    it("writes the whole text table to a file: every row, no cell cut", function()
      local status = main { "freq", dir .. "/many.txt", "-o", dir .. "/f.txt" }
      assert.equal(0, status)
      local text = read(dir .. "/f.txt")
      assert.falsy(text:find("more rows", 1, true))
      -- the forms of the corpus: the numbers 1..120 and the other words
      local _, tsvout = main { "freq", dir .. "/many.txt", "--format", "tsv" }
      assert.equal(#lines(tsvout) - 1, #lines(text) - 3) -- title, header, rule
      local status2 = main { "kwic", "freedom", dir .. "/many.txt", "--format", "tsv",
                             "-o", dir .. "/k2.tsv" }
      assert.equal(0, status2)
      local _, out = main { "parse", dir .. "/many.txt", "--level", "sentence", "-o", dir .. "/p.txt" }
      assert.equal("", out)
      local p = read(dir .. "/p.txt")
      assert.falsy(p:find("…", 1, true), "a cell was cut")
      assert.truthy(p:find("written down so that each cell of the table is wide.", 1, true))
    end)

    it("gives every n-gram and collocate to a file or a pipe, a page to a terminal", function()
      local _, out = main { "ngrams", dir .. "/many.txt", "--min", "1", "--format", "tsv" }
      local n = #lines(out) - 1
      assert.truthy(n > 50, n)
      local _, page = main({ "ngrams", dir .. "/many.txt", "--min", "1" },
        { isatty = function() return true end })
      assert.truthy(page:find("more rows", 1, true) == nil)
      assert.equal(50 + 3, #lines(page))
    end)
  end)

  describe("rows that name their speech", function()
    local function header(args)
      local status, out, err = main(args)
      assert.equal(0, status, err)
      local sep = args[#args] == "csv" and "," or "\t"
      return split(lines(out)[1], sep), out
    end

    local function has(list, ...)
      local set = {}
      for _, x in ipairs(list) do set[x] = true end
      for _, want in ipairs { ... } do assert.truthy(set[want], want .. " in " .. table.concat(list, ",")) end
    end

    it("themes --level speech --format csv has file, year and president columns", function()
      local h = header { "themes", DIR, "--meta", TPL, "--level", "speech", "--format", "csv" }
      has(h, "speech", "file", "year", "president", "party", "theme", "count")
    end)

    it("in count --by speech, dispersion, parse and kwic too, and --columns chooses", function()
      has(header { "count", "freedom", DIR, "--meta", TPL, "--by", "speech", "--format", "tsv" },
        "speech", "file", "year", "president", "count", "words", "per_million", "share")
      has(header { "dispersion", "freedom", DIR, "--meta", TPL, "--format", "tsv" },
        "part", "file", "year", "president", "hits")
      has(header { "parse", DIR, "--meta", TPL, "--level", "speech", "--format", "tsv" },
        "file", "year", "president", "party", "segments")
      has(header { "parse", DIR, "--meta", TPL, "--level", "sentence", "--format", "tsv" },
        "file", "year", "president", "party", "text")
      local h = header { "kwic", "freedom", DIR, "--meta", TPL, "--columns", "year", "--format", "tsv" }
      assert.same({ "speech", "file", "year", "start", "stop", "left", "match", "right" }, h)
      local status, _, err = main { "kwic", "freedom", DIR, "--meta", TPL, "--columns", "yeer",
                                    "--format", "tsv" }
      assert.equal(2, status)
      assert.truthy(err:find("did you mean 'year'?", 1, true), err)
    end)
  end)

  describe("count --by", function()
    it("gives count, words, per million words and share for every decade", function()
      local status, out = main { "count", "freedom", DIR, "--meta", TPL, "--by", "decade", "--format", "tsv" }
      assert.equal(0, status)
      local ls = lines(out)
      assert.equal("decade\tcount\twords\tper_million\tshare\tspeeches", ls[1])
      assert.equal("1790\t2\t16\t125000.0\t0.2222222222222222\t1", ls[2])
      assert.equal("1950\t2\t26\t76923.07692307692\t0.2222222222222222\t2", ls[4])
      assert.equal("2020\t3\t15\t200000.0\t0.3333333333333333\t1", ls[5])
      assert.equal(5, #ls)
    end)
  end)

  describe("--sort, --filter and --top", function()
    local function rows_of(args)
      local a = { table.unpack(args) }
      a[#a + 1] = "--format"
      a[#a + 1] = "tsv"
      local status, out, err = main(a)
      assert.equal(0, status, err)
      local ls = lines(out)
      local head = split(ls[1], "\t")
      local rows = {}
      for i = 2, #ls do
        local f, r = split(ls[i], "\t"), {}
        for k, h in ipairs(head) do r[h] = f[k] end
        rows[#rows + 1] = r
      end
      return rows
    end

    it("sort, filter and cut every table: count, freq, themes, dispersion", function()
      local rows = rows_of { "count", "freedom", DIR, "--meta", TPL, "--by", "decade",
                             "--sort=-per_million" }
      local got = {}
      for i, r in ipairs(rows) do got[i] = r.decade end
      -- per million: 2020 200000, 1790 125000, 1800 117647, 1950 76923
      assert.same({ "2020", "1790", "1800", "1950" }, got)
      rows = rows_of { "count", "freedom", DIR, "--meta", TPL, "--by", "decade",
                       "--sort", "count:desc,decade", "--top", "2" }
      assert.same({ "2020", "1790" }, { rows[1].decade, rows[2].decade })
      rows = rows_of { "count", "freedom", DIR, "--meta", TPL, "--by", "speech", "--filter", "count>=2",
                       "--filter", "party=d,n" }
      got = {}
      for i, r in ipairs(rows) do got[i] = r.file end
      assert.same({ "1790_george_washington_n.txt", "1953_harry_s_truman_d.txt",
                    "2021_joseph_r_biden_d.txt" }, got)
      rows = rows_of { "freq", DIR, "--filter", "lower~free", "--sort", "lower" }
      got = {}
      for i, r in ipairs(rows) do got[i] = r.lower end
      assert.same({ "anti-freedom", "free-world", "freedom", "freedom-loving" }, got)
      rows = rows_of { "dispersion", "freedom", DIR, "--meta", TPL, "--filter", "hits=0" }
      assert.equal(1, #rows)
      assert.equal("1953_dwight_d_eisenhower_r.txt", rows[1].file)
      rows = rows_of { "themes", DIR, "--meta", TPL, "--filter", "president!~_", "--top", "1" }
      assert.equal(0, #rows)
    end)

    it("filters and sorts concordance lines by the columns that name them", function()
      local rows = rows_of { "kwic", "freedom", DIR, "--meta", TPL, "--filter", "year>1900",
                             "--sort", "right1" }
      assert.equal(5, #rows)
      for _, r in ipairs(rows) do assert.truthy(tonumber(r.year) > 1900) end
      rows = rows_of { "kwic", "freedom", DIR, "--meta", TPL, "--sort", "year:desc", "--top", "3" }
      assert.same({ "2021", "2021", "2021" }, { rows[1].year, rows[2].year, rows[3].year })
      local status, out = main { "kwic", "freedom", DIR, "--meta", TPL, "--filter", "party=d" }
      assert.equal(0, status)
      assert.equal("5 hits of freedom (party=d)", lines(out)[1])
    end)

    it("refuses an unknown column or a malformed filter with exit 2", function()
      local status, _, err = main { "freq", DIR, "--filter", "cont>3" }
      assert.equal(2, status)
      assert.truthy(err:find("--filter: unknown column 'cont' (did you mean 'count'?", 1, true), err)
      status, _, err = main { "freq", DIR, "--sort", "lowr" }
      assert.equal(2, status)
      assert.truthy(err:find("did you mean 'lower'?", 1, true), err)
      status, _, err = main { "freq", DIR, "--filter", "count" }
      assert.equal(2, status)
      assert.truthy(err:find("--filter expects COLUMN OP VALUE", 1, true), err)
      status = main { "kwic", "freedom", DIR, "--filter", "year=>3" }
      assert.equal(2, status)
    end)
  end)

  describe("themes --hits", function()
    it("shows the matches that made a theme, and names an unknown theme", function()
      local lex = os.tmpname() .. ".yaml"
      write(lex, "liberty:\n  - freedom\n  - liberty\npeace:\n  - peace\n")
      local status, out = main { "themes", DIR, "--lexicon", lex, "--hits", "peace" }
      assert.equal(0, status)
      local ls = lines(out)
      assert.equal("2 hits of theme peace", ls[1])
      assert.equal(3, #ls)
      status, out = main { "themes", DIR, "--meta", TPL, "--lexicon", lex, "--hits", "liberty",
                           "--format", "tsv" }
      assert.equal(0, status)
      ls = lines(out)
      assert.equal(15, #ls) -- 9 freedom and 5 liberty, and the header
      assert.truthy(ls[1]:find("^speech\tfile\t"), ls[1])
      local err
      status, out, err = main { "themes", DIR, "--lexicon", lex, "--hits", "pease" }
      assert.equal("", out)
      assert.equal(2, status)
      assert.truthy(err:find("unknown theme 'pease' (did you mean 'peace'?", 1, true), err)
      os.remove(lex)
    end)
  end)

  describe("bad input", function()
    -- each: the arguments, the exit status, a piece of the one line on stderr
    local cases = {
      { { "kwic", "freedom", DIR, "--context", "-5" }, 2, "--context expects a whole number >= 0, got '-5'" },
      { { "ngrams", DIR, "-n", "100000" }, 2, "-n expects a whole number from 1 to 5, got '100000'" },
      { { "freq", DIR, "--limit", "-1" }, 2, "--limit expects a whole number >= 0, got '-1'" },
      { { "freq", DIR, "--stopwords", "xx" }, 2, "unknown stopword language 'xx'" },
      { { "collocates", "freedom", DIR, "--measure", "mu" }, 2, "unknown measure 'mu'" },
      { { "kwic", "freedom [", DIR }, 2, "query:1:" },
      { { "kwic", "freedom", DIR, "--contxt", "3" }, 2, "--contxt" },
      { { "count", "freedom", DIR, "--by", "decad", "--meta", TPL }, 2, "did you mean 'decade'?" },
      { { "themes", DIR, "--lexicon", "politcal" }, 1, "did you mean 'political'?" },
      { { "kwic", "freedom", "no/such/folder" }, 1, "no/such/folder" },
      { { "count", "freedom", DIR, "--sort", "-cont" }, 2,
        "--sort: unknown column 'cont' (did you mean 'count'?" },
    }
    for _, case in ipairs(cases) do
      it(table.concat(case[1], " "), function()
        local status, out, err = main(case[1])
        assert.equal(case[2], status, err)
        assert.equal("", out)
        err = err:gsub("^rostra: metadata: [^\n]*\n", "") -- the coverage comes first
        assert.equal(1, #lines(err), err)
        assert.truthy(err:find(case[3], 1, true), err)
        assert.falsy(err:find("traceback", 1, true))
      end)
    end

    it("reads --sort -COL as a descending sort", function()
      local status, out = main { "count", "freedom", DIR, "--meta", TPL, "--by", "decade", "--sort", "-count",
                                 "--format", "tsv" }
      assert.equal(0, status)
      assert.truthy(lines(out)[2]:find("^2020\t3\t"), out)
    end)
  end)

  describe("--split-hyphens", function()
    it("reads hyphenated words as their parts: the note goes, the parts count", function()
      local status, out, err = main { "count", "freedom", DIR, "--format", "tsv" }
      assert.equal(0, status)
      assert.truthy(err:find("2 more inside hyphenated words", 1, true), err)
      assert.truthy(err:find("--split-hyphens", 1, true), err)
      assert.truthy(out:find("\nfreedom\t9\t", 1, true), out)
      status, out, err = main { "count", "freedom", DIR, "--split-hyphens", "--format", "tsv" }
      assert.equal(0, status)
      assert.equal("", err)
      assert.truthy(out:find("\nfreedom\t11\t", 1, true), out)
    end)
  end)
end)
