-- The command at its interfaces (issue 16): every mistake seen with the
-- right exit status, every row written, every speech named.
local cli = require "rostra.cli"

local DIR = "spec/fixtures/sotu"
local TPL = "{year}_{president:.+}_{party}.txt"

local function buffer()
  local parts = {}
  return {
    write = function(self, ...)
      for i = 1, select("#", ...) do parts[#parts + 1] = tostring((select(i, ...))) end
      return self
    end,
    flush = function(self) return self end,
    text = function() return table.concat(parts) end,
  }
end

-- rostra.cli.main in this process: status, stdout, stderr
local function main(args, env)
  env = env or {}
  local out, err = buffer(), buffer()
  local status = cli.main(args, {
    stdout = out, stderr = err,
    isatty = env.isatty or function() return false end,
    getenv = env.getenv or function() return nil end,
  })
  return status, out.text(), err.text()
end

local function lines(s)
  local t = {}
  for l in s:gmatch("([^\n]*)\n") do t[#t + 1] = l end
  return t
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

    it("reads the sidecar of the folder and reports its coverage", function()
      local status, _, err = main { "count", "freedom", DIR, "--sidecar", DIR .. "/index.csv" }
      assert.equal(0, status)
      assert.equal("rostra: metadata: party 5/5, president 5/5, year 5/5\n", err)
    end)
  end)
end)
