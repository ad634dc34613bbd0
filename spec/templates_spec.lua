-- File-name templates with stated semantics: field patterns, names that
-- split more than one way, coverage, no-match errors and sidecar warnings.
local meta = require "rostra.meta"
local rostra = require "rostra"

local DIR = "spec/fixtures/sotu"
local NAME = "1790_george_washington_n.txt"

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

describe("file-name templates", function()
  describe("how a name is read", function()
    it("gives a plain field the shortest text, and says when another reading fits", function()
      local t, other = meta.from_name("{year}_{president}_{party}.txt", NAME)
      assert.same({ year = 1790, president = "george", party = "washington_n" }, t)
      assert.same({ year = 1790, president = "george_washington", party = "n" }, other)
    end)

    it("gives a field with a pattern the longest text its pattern matches", function()
      local t, other = meta.from_name("{year}_{president:.+}_{party}.txt", NAME)
      assert.same({ year = 1790, president = "george_washington", party = "n" }, t)
      assert.is_nil(other)
      t, other = meta.from_name("{year}_{president}_{party:[^_]+}.txt", NAME)
      assert.same({ year = 1790, president = "george_washington", party = "n" }, t)
      assert.is_nil(other)
      t = meta.from_name("{year:%d%d%d%d}_{rest}.txt", NAME)
      assert.same({ year = 1790, rest = "george_washington_n" }, t)
      assert.is_nil(meta.from_name("{year:%d%d%d%d}_{rest}.txt", "179_x.txt"))
    end)

    it("lets a field with a pattern follow another field directly", function()
      local t = meta.from_name("{country}{year:%d%d%d%d}.txt", "CHN2020.txt")
      assert.same({ country = "CHN", year = 2020 }, t)
      local ok, err = pcall(meta.compile, "{country}{year}.txt")
      assert.is_false(ok)
      assert.truthy(err:find("give one a pattern", 1, true), err)
    end)

    it("does not call a name ambiguous when a number would become text", function()
      -- "1790_george" is not another reading of {year}: it read as digits
      local _, other = meta.from_name("{year}_{president:.+}_{party}.txt", NAME)
      assert.is_nil(other)
      local t, other2 = meta.from_name("{country}_{session}_{year}.txt", "CHN_75_2020.txt")
      assert.same({ country = "CHN", session = 75, year = 2020 }, t)
      assert.is_nil(other2)
    end)

    it("rejects malformed field patterns, naming the column", function()
      local function err_of(tpl)
        local ok, err = pcall(meta.compile, tpl)
        assert.is_false(ok)
        return err
      end
      local e = err_of("{year:\\d+}.txt")
      assert.truthy(e:find("column 7: the field pattern is a Lua pattern: write %d, not \\d", 1, true), e)
      assert.truthy(err_of("{year:[0-9}.txt"):find("bad field pattern", 1, true))
      assert.truthy(err_of("{year:}.txt"):find("empty pattern", 1, true))
      assert.truthy(err_of("{year:%d+.txt"):find("unclosed '{'", 1, true))
    end)

    it("reads %} in a pattern as a brace", function()
      assert.same({ x = "a}" }, meta.from_name("{x:a%}}.txt", "a}.txt"))
    end)
  end)

  describe("loading", function()
    it("warns about each name that splits two ways, naming both readings", function()
      local c = assert(rostra.load(DIR, { meta = "{year}_{president}_{party}.txt" }))
      local w = c:info().warnings
      -- five files, all ambiguous: 1801_thomas_jefferson_dr and the others
      assert.equal(5, #w)
      assert.truthy(w[1]:find("1790_george_washington_n.txt splits more than one way under the template "
        .. "'{year}_{president}_{party}.txt': president=george, party=washington_n (taken) or "
        .. "president=george_washington, party=n", 1, true), w[1])
      local c2 = assert(rostra.load(DIR, { meta = "{year}_{president:.+}_{party}.txt" }))
      assert.same({}, c2:info().warnings)
      assert.equal("george_washington", c2:meta(1).president)
      assert.equal("n", c2:meta(1).party)
    end)

    it("reports the coverage of every field", function()
      local c = assert(rostra.load(DIR, { meta = "{year}_{president:.+}_{party}.txt" }))
      assert.same({ { key = "year", n = 5, total = 5 }, { key = "president", n = 5, total = 5 },
                    { key = "party", n = 5, total = 5 } }, c:info().coverage)
      assert.equal("year 5/5, president 5/5, party 5/5", meta.coverage_line(c:info().coverage))
    end)

    it("fails when the template matches no file, and warns when it misses some", function()
      local c, err, code = rostra.load(DIR, { meta = "{year}-{president}.txt" })
      assert.is_nil(c)
      assert.equal("ENOMATCH", code)
      assert.truthy(err:find("the template '{year}-{president}.txt' matches none of the 5 file names "
        .. "(such as 1790_george_washington_n.txt", 1, true), err)
      c = assert(rostra.load(DIR, { meta = "{year}_{president:.+}_d.txt" }))
      local w = c:info().warnings
      assert.equal(1, #w)
      assert.truthy(w[1]:find("matches 2 of 5 file names; these get no metadata from it: "
        .. "1790_george_washington_n.txt, 1801_thomas_jefferson_dr.txt, 1953_dwight_d_eisenhower_r.txt",
        1, true),
        w[1])
      assert.same({ { key = "year", n = 2, total = 5 }, { key = "president", n = 2, total = 5 } },
        c:info().coverage)
    end)

    it("warns once for a single parsed file", function()
      -- beside what the page did not give (NOSPEAKER, NODATE: codes of the
      -- parser), the template's own warning comes once
      local function template_warnings(sp)
        local out = {}
        for _, w in ipairs(sp.warnings) do
          if w.code == nil then out[#out + 1] = w end
        end
        return out
      end
      local sp = rostra.parse_file(DIR .. "/" .. NAME, { meta = "{year}_{president}_{party}.txt" })
      local w = template_warnings(sp)
      assert.equal(1, #w)
      assert.truthy(w[1].message:find("splits more than one way", 1, true))
      sp = rostra.parse_file(DIR .. "/" .. NAME, { meta = "{year}-{x}.txt" })
      w = template_warnings(sp)
      assert.equal(1, #w)
      assert.truthy(w[1].message:find("does not match the template", 1, true))
    end)
  end)

  describe("sidecars", function()
    local dir
    before_each(function() dir = tmpdir() end)
    after_each(function() os.execute("rm -rf " .. dir) end)

    it("fails when no row matches a file, and warns about rows and files left over", function()
      write(dir .. "/none.csv", "file,year\nx.txt,1\n")
      local c, err, code = rostra.load(DIR, { sidecar = dir .. "/none.csv" })
      assert.is_nil(c)
      assert.equal("ENOMATCH", code)
      assert.truthy(err:find("matches none of the 5 files", 1, true), err)
      write(dir .. "/some.csv", "file,year,party\n" .. NAME .. ",1790,none\n"
        .. "1953_harry_s_truman_d.txt,1953,Democratic\nghost.txt,2000,x\n")
      c = assert(rostra.load(DIR, { sidecar = dir .. "/some.csv" }))
      local w = c:info().warnings
      assert.equal(2, #w)
      assert.truthy(w[1]:find("has a row for 2 of 5 files; these get no metadata from it: "
        .. "1801_thomas_jefferson_dr.txt", 1, true), w[1])
      assert.truthy(w[2]:find("1 of 3 rows match no file: line 4 (ghost.txt)", 1, true), w[2])
      assert.same({ { key = "party", n = 2, total = 5 }, { key = "year", n = 2, total = 5 } },
        c:info().coverage)
    end)

    it("warns about duplicate keys and duplicate column names", function()
      write(dir .. "/dup.csv", "file,year,year\n" .. NAME .. ",1790,1791\n" .. NAME .. ",1800,1\n")
      local c = assert(rostra.load(DIR .. "/" .. NAME, { sidecar = dir .. "/dup.csv" }))
      local w = c:info().warnings
      local all = table.concat(w, "\n")
      assert.truthy(all:find("column 'year' comes 2 times (columns 2, 3); the first is used", 1, true), all)
      assert.truthy(all:find("1 rows repeat the file of an earlier row and are not used: line 3 ("
        .. NAME .. ", first on line 2)", 1, true), all)
      assert.equal(1790, c:meta(1).year)
    end)
  end)
end)
