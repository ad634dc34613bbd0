-- The rostra command: bin/rostra spawned with lua5.4 and the checkout's
-- modules, and rostra.cli.main called in the process for the finer checks.
local cjson = require "cjson"
local cli = require "rostra.cli"
local rostra = require "rostra"
local support = require "support"

local SAMPLE = support.sample
local ENV = 'LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="lua/?.so;;"'

local function q(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

-- spawn bin/rostra: status, stdout, stderr
local function spawn(args, env)
  local errf = os.tmpname()
  local parts = {}
  for i, a in ipairs(args) do parts[i] = q(a) end
  local cmd = ("%s %s lua5.4 bin/rostra %s 2>%s </dev/null; echo \"::$?\""):format(
    env or "", ENV, table.concat(parts, " "), errf)
  local p = io.popen(cmd)
  local out = p:read("a")
  p:close()
  local status = tonumber(out:match("::(%d+)\n$"))
  out = out:gsub("::%d+\n$", "")
  local err = read(errf) or ""
  os.remove(errf)
  return status, out, err
end

local buffer = support.buffer
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

local function tsv_header(out)
  return split(lines(out)[1] or "", "\t")
end

local function tmpdir()
  local d = os.tmpname()
  os.remove(d)
  assert(os.execute("mkdir -p " .. q(d)))
  return d
end

local function ls(dir)
  local p = io.popen("ls -A " .. q(dir))
  local s = p:read("a")
  p:close()
  return lines(s)
end

local function has_method(name)
  for _, mod in ipairs { "rostra.stats", "rostra.themes" } do
    if package.searchpath(mod, package.path) then require(mod) end
  end
  return type(rostra.corpus()[name]) == "function"
end

describe("rostra command", function()
  describe("help", function()
    it("lists every subcommand and exits 0", function()
      local status, out, err = spawn { "--help" }
      assert.equal(0, status)
      assert.equal("", err)
      for _, c in ipairs(cli.commands) do
        assert.truthy(out:find("\n   " .. c.name .. " ", 1, true), c.name)
      end
    end)

    it("gives each subcommand its own --help with an example", function()
      for _, c in ipairs(cli.commands) do
        local status, out = main { c.name, "--help" }
        assert.equal(0, status, c.name)
        assert.truthy(out:find("Usage: rostra " .. c.name, 1, true), c.name)
        assert.truthy(out:find("Example:\n  rostra " .. c.name, 1, true), c.name)
      end
      local status, out = main { "help", "kwic" }
      assert.equal(0, status)
      assert.truthy(out:find("Usage: rostra kwic", 1, true))
    end)

    it("finds the checkout's modules when LUA_PATH is not set", function()
      local p = io.popen("env -u LUA_PATH -u LUA_CPATH -u LUA_PATH_5_4 -u LUA_CPATH_5_4 "
        .. "lua5.4 bin/rostra --version 2>&1")
      local out = p:read("a")
      p:close()
      assert.equal(rostra._VERSION .. "\n", out)
    end)

    it("prints the version", function()
      local status, out = main { "--version" }
      assert.equal(0, status)
      assert.equal(rostra._VERSION .. "\n", out)
    end)
  end)

  describe("exit status", function()
    it("is 2 with one line on stderr for an unknown subcommand", function()
      local status, out, err = spawn { "kwix", "community", SAMPLE }
      assert.equal(2, status)
      assert.equal("", out)
      assert.equal(1, #lines(err))
      assert.truthy(err:find("unknown command 'kwix'", 1, true))
    end)

    it("is 2 for an unknown option, naming it", function()
      local status, _, err = spawn { "kwic", "community", SAMPLE, "--bogus" }
      assert.equal(2, status)
      assert.equal(1, #lines(err))
      assert.truthy(err:find("unknown option '--bogus'", 1, true))
    end)

    it("is 2 for a malformed query, with line and column", function()
      local status, _, err = spawn { "kwic", "[word", SAMPLE }
      assert.equal(2, status)
      assert.equal("rostra kwic: query:1:6: expected '=' or '!=' after the attribute name\n", err)
    end)

    it("is 2 for a malformed --where, --sort, --limit or --meta", function()
      for _, args in ipairs {
        { "count", "community", SAMPLE, "--where", "year" },
        { "kwic", "community", SAMPLE, "--sort", "sideways" },
        { "kwic", "community", SAMPLE, "--limit", "many" },
        { "count", "community", SAMPLE, "--meta", "{a}{b}.txt" },
        { "count", "community" },
        { "index", SAMPLE },
        {},
      } do
        local status, out, err = main(args)
        assert.equal(2, status, table.concat(args, " "))
        assert.equal("", out)
        assert.equal(1, #lines(err), err)
      end
    end)

    it("is 1 for a missing file, with the file named and no traceback", function()
      local status, out, err = spawn { "count", "community", "no/such/file.txt" }
      assert.equal(1, status)
      assert.equal("", out)
      assert.equal("rostra count: no/such/file.txt: No such file or directory\n", err)
    end)

    it("is 1 for a binary file or a folder without speeches, in one line", function()
      local status, _, err = main { "count", "community", "spec/fixtures/corpus/sub/d_2021.txt" }
      assert.equal(1, status)
      assert.equal("rostra count: not a text file: spec/fixtures/corpus/sub/d_2021.txt (NUL bytes) "
        .. "(ENOTTEXT)\n", err)
      local dir = tmpdir()
      status, _, err = main { "count", "community", dir }
      assert.equal(1, status)
      assert.equal(("rostra count: no speeches in %s (rostra reads .txt, .conllu and .vrt files)\n")
        :format(dir), err)
      os.remove(dir)
    end)

    it("is 1 for a malformed lexicon, with its position", function()
      local status, _, err = main { "themes", SAMPLE, "--lexicon", "spec/fixtures/lexicon/malformed.yaml" }
      assert.equal(1, status)
      assert.equal(1, #lines(err))
      assert.truthy(err:find("malformed.yaml:%d+:%d+: "), err)
    end)

    it("is 1 for an error inside rostra, with a traceback only under --debug", function()
      local load = rostra.load
      rostra.load = function() error("boom") end
      local ok, e = pcall(function()
        local status, _, err = main { "count", "community", SAMPLE }
        assert.equal(1, status)
        assert.equal("rostra count: boom\n", err)
        status, _, err = main { "count", "community", SAMPLE, "--debug" }
        assert.equal(1, status)
        assert.truthy(err:find("boom", 1, true))
        assert.truthy(err:find("stack traceback", 1, true))
      end)
      rostra.load = load
      assert(ok, e)
    end)

    it("is 0 on success", function()
      local status, out, err = spawn { "count", "community", SAMPLE, "--format", "tsv" }
      assert.equal(0, status)
      assert.equal("", err)
      assert.truthy(out:find("^query\tcount\tspeeches\twords\tper_million\ncommunity\t7\t1\t"), out)
    end)
  end)

  describe("formats", function()
    -- each: arguments, the TSV columns
    -- rows in a speech name it: file and its metadata keys
    local META = { "date", "lang", "place", "role", "source", "speaker", "title", "year" }
    local function with_meta(first, rest)
      local out = { table.unpack(first) }
      for _, k in ipairs(META) do out[#out + 1] = k end
      for _, k in ipairs(rest) do out[#out + 1] = k end
      return out
    end
    local cases = {
      -- a segment's own speaker (its turn's) beside the speech's, meta.speaker
      { { "parse", SAMPLE },
        { "file", "date", "lang", "place", "role", "source", "meta.speaker", "title", "year",
          "index", "line", "kind", "point", "turn", "speaker", "start", "stop", "text" } },
      { { "parse", SAMPLE, "--level", "quotation" },
        with_meta({ "file" }, { "index", "segment", "depth", "start", "stop", "text" }) },
      { { "kwic", "community", SAMPLE },
        with_meta({ "speech", "file" }, { "start", "stop", "left", "match", "right" }) },
      { { "count", "community", SAMPLE }, { "query", "count", "speeches", "words", "per_million" } },
      { { "count", "community", SAMPLE, "--by", "point" }, { "group", "count", "share" } },
      { { "freq", SAMPLE, "--limit", "5" }, { "lower", "count", "per_million" } },
      { { "info", SAMPLE }, { "field", "value" } },
    }
    for _, case in ipairs(cases) do
      local args, cols = case[1], case[2]
      it(table.concat(args, " ") .. ": text, TSV, CSV and JSON", function()
        local status, text = main(args)
        assert.equal(0, status)
        assert.truthy(#text > 0)
        local tsv_args = { table.unpack(args) }
        tsv_args[#tsv_args + 1] = "--format"
        tsv_args[#tsv_args + 1] = "tsv"
        local st, tsv = main(tsv_args)
        assert.equal(0, st)
        assert.same(cols, tsv_header(tsv))
        tsv_args[#tsv_args] = "csv"
        local _, csv = main(tsv_args)
        assert.equal(table.concat(cols, ","), lines(csv)[1])
        tsv_args[#tsv_args] = "json"
        local _, json = main(tsv_args)
        local rows = cjson.decode(json)
        assert.equal(#lines(tsv) - 1, #rows)
        assert.truthy(#rows > 0)
        for _, c in ipairs(cols) do
          local any = false
          for _, r in ipairs(rows) do if r[c] ~= nil then any = true end end
          assert.truthy(any, "column " .. c)
        end
      end)
    end

    it("kwic: 7 hits of community, the match in its column", function()
      local _, text = main { "kwic", "community", SAMPLE, "--sort", "right1,right2" }
      local l = lines(text)
      assert.equal("7 hits of community", l[1])
      assert.equal(8, #l)
      local col
      for i = 2, 8 do
        local a = l[i]:find("  community  ", 1, true)
        assert.truthy(a, l[i])
        local w = require("rostra.result").width(l[i]:sub(1, a))
        col = col or w
        assert.equal(col, w)
      end
    end)

    it("kwic --format json gives left, match and right of every hit", function()
      local _, json = main { "kwic", "community", SAMPLE, "--format", "json" }
      local rows = cjson.decode(json)
      assert.equal(7, #rows)
      for _, r in ipairs(rows) do
        assert.equal("community", r.match)
        assert.equal(SAMPLE, r.file)
        assert.equal(1, r.speech)
      end
    end)

    it("--limit cuts the rows; 0 means all", function()
      local _, tsv = main { "freq", SAMPLE, "--limit", "3", "--format", "tsv" }
      assert.equal(4, #lines(tsv))
      local _, text = main { "kwic", "community", SAMPLE, "--limit", "2" }
      assert.equal(3, #lines(text))
      assert.truthy(lines(text)[1]:find("7 hits of community", 1, true))
      local _, all = main { "freq", SAMPLE, "--limit", "0" }
      assert.truthy(#lines(all) > 100)
    end)

    it("parse shows the speech's header and outline as text", function()
      local _, text = main { "parse", SAMPLE }
      assert.truthy(text:find('^Speech "Xi Jinping speech at the 20th meeting'))
      assert.truthy(text:find("24 segments, 4 points", 1, true))
    end)

    it("--where narrows the corpus", function()
      local _, tsv = main { "count", "community", SAMPLE, "--where", "year=2020..2021", "--format", "tsv" }
      assert.truthy(tsv:find("\ncommunity\t7\t", 1, true))
      local status, out, err = main { "count", "community", SAMPLE, "--where", "speaker=Nobody",
                                      "--format", "tsv" }
      assert.equal(0, status)
      assert.truthy(out:find("\ncommunity\t0\t0\t", 1, true))
      assert.truthy(err:find("no speech matches --where speaker=Nobody", 1, true))
    end)

    it("parse_where reads values, lists and ranges", function()
      assert.same({ year = 2020, country = { "CHN", "RUS" }, session = { min = 70, max = 75 },
                    date = { min = "2020-01-01" }, speaker = "Xi Jinping" },
        cli.parse_where { "year=2020", "country=CHN,RUS", "session=70..75", "date=2020-01-01..",
                          "speaker = Xi Jinping" })
    end)
  end)

  describe("-o", function()
    it("writes the file in the format of its extension, leaving nothing else", function()
      local dir = tmpdir()
      local path = dir .. "/hits.json"
      local status, out = main { "kwic", "community", SAMPLE, "-o", path }
      assert.equal(0, status)
      assert.equal("", out)
      assert.equal(7, #cjson.decode(read(path)))
      assert.same({ "hits.json" }, ls(dir))
      os.remove(path)
      os.remove(dir)
    end)

    it("leaves the target as it was when the command fails", function()
      local dir = tmpdir()
      local path = dir .. "/out.tsv"
      local f = assert(io.open(path, "wb"))
      f:write("old\n")
      f:close()
      local status = main { "kwic", "[word", SAMPLE, "-o", path }
      assert.equal(2, status)
      status = main { "kwic", "community", "missing.txt", "-o", path }
      assert.equal(1, status)
      assert.equal("old\n", read(path))
      assert.same({ "out.tsv" }, ls(dir))
      os.remove(path)
      os.remove(dir)
    end)

    it("reports a folder that does not exist", function()
      local status, _, err = main { "count", "community", SAMPLE, "-o", "/no/such/dir/x.tsv" }
      assert.equal(1, status)
      assert.equal("rostra count: /no/such/dir/x.tsv: No such file or directory\n", err)
    end)
  end)

  describe("index", function()
    it("saves an index that every subcommand reads", function()
      local dir = tmpdir()
      local path = dir .. "/seed.rostra"
      local status, out = spawn { "index", SAMPLE, "-o", path }
      assert.equal(0, status)
      assert.equal("wrote " .. path .. ": 1 speech, 1787 tokens\n", out)
      local _, tsv = main { "count", "community", path, "--format", "tsv" }
      assert.truthy(tsv:find("\ncommunity\t7\t1\t", 1, true))
      local _, info = main { "info", path, "--format", "json" }
      local fields = {}
      for _, r in ipairs(cjson.decode(info)) do fields[r.field] = r.value end
      assert.equal(1787, fields.tokens)
      assert.equal("1 speech: Xi Jinping", fields["meta.speaker"])
      local st, _, err = main { "count", "community", path, SAMPLE }
      assert.equal(2, st)
      assert.truthy(err:find("must be the only input", 1, true))
      local _, quot = main { "parse", path, "--level", "quotation", "--format", "tsv" }
      assert.equal(14, #lines(quot))
      os.remove(path)
      os.remove(dir)
    end)
  end)

  describe("on a terminal", function()
    local tty = function() return true end

    it("highlights the match when stdout is a terminal", function()
      local _, text = main({ "kwic", "community", SAMPLE }, { isatty = tty })
      assert.truthy(text:find("\27[1;31mcommunity\27[0m", 1, true))
    end)

    it("does not highlight with NO_COLOR, when piped, or with -o", function()
      local _, text = main({ "kwic", "community", SAMPLE },
        { isatty = tty, getenv = function(k) return k == "NO_COLOR" and "1" or nil end })
      assert.falsy(text:find("\27[", 1, true))
      local _, piped = spawn { "kwic", "community", SAMPLE }
      assert.falsy(piped:find("\27[", 1, true))
      local _, always = main { "kwic", "community", SAMPLE, "--color", "always" }
      assert.truthy(always:find("\27[1;31m", 1, true))
    end)

    it("draws a progress bar on stderr only after the first second", function()
      local t = 0
      local out = buffer()
      local progress, finish = cli.progress_bar(out, function() return t end)
      progress(1, 10, 1e6)
      assert.equal("", out.text())
      t = 2
      progress(5, 10, 4e6)
      assert.equal("\r[############............] 5/10 files  2.0 MB/s  0:02 left \27[K", out.text())
      finish()
      assert.equal("\r\27[K", out.text():sub(-4))
    end)

    it("is silent on stderr when it is not a terminal", function()
      local _, _, err = spawn { "count", "community", SAMPLE }
      assert.equal("", err)
    end)
  end)

  describe("analyses", function()
    local function check(args, first_cols)
      local status, out, err = main(args)
      assert.equal(0, status, err)
      assert.truthy(#out > 0)
      local targs = { table.unpack(args) }
      targs[#targs + 1] = "--format"
      targs[#targs + 1] = "tsv"
      local _, tsv = main(targs)
      local head = tsv_header(tsv)
      for i, c in ipairs(first_cols) do assert.equal(c, head[i]) end
      targs[#targs] = "json"
      local _, json = main(targs)
      assert.equal(#lines(tsv) - 1, #cjson.decode(json))
    end

    it("themes", function()
      if not has_method("tag") then
        pending("c:tag (theme tagging, lua/rostra/themes.lua) is not in this build yet")
        return
      end
      check({ "themes", SAMPLE, "--level", "point" },
        { "speech", "file", "date", "lang", "place", "role", "source", "speaker", "title", "year", "unit",
          "theme", "count", "tokens", "score", "share" })
      check({ "themes", SAMPLE, "--totals" }, { "theme", "count", "tokens", "score", "share", "units" })
      check({ "themes", SAMPLE, "--level", "point", "--per-unit", "1", "--columns", "year" },
        { "speech", "file", "year", "unit", "rank", "theme" })
      check({ "themes", SAMPLE, "--by", "year" }, { "year", "theme", "count" })
      local _, text = main { "themes", SAMPLE, "--level", "point", "--per-unit", "1", "--columns", "year" }
      assert.truthy(text:find("\n +1  examples/sample.txt  2020 +1 +1  health ", 1, false), text)
      local status, _, err = main { "themes", SAMPLE, "--totals", "--per-unit", "2" }
      assert.equal(2, status)
      assert.equal(1, #lines(err))
    end)

    it("themes --labels: the rows the decision rule keeps", function()
      local sp = assert(rostra.parse_file(SAMPLE))
      local t = sp:tag(rostra.lexicon("political"), { level = "segment" })
      local want = t:labels { min_count = 3, min_share = 0.02 }
      check({ "themes", SAMPLE, "--level", "segment", "--labels", "--min-count", "3", "--min-share", "0.02",
              "--columns", "year" },
        { "speech", "file", "year", "unit", "theme", "count", "tokens", "score", "share" })
      local _, tsv = main { "themes", SAMPLE, "--level", "segment", "--labels", "--min-count", "3",
        "--min-share", "0.02", "--columns", "year", "--format", "tsv" }
      assert.equal(#want + 1, #lines(tsv))
      for i, r in want:rows() do
        local f = split(lines(tsv)[i + 1], "\t")
        assert.equal(r.unit .. "|" .. r.theme, f[4] .. "|" .. f[5])
        assert.is_true(r.count >= 3 and r.share >= 0.02)
      end
      -- with --totals: the units labelled with each theme
      local _, tot = main { "themes", SAMPLE, "--level", "segment", "--labels", "--min-count", "3",
        "--totals", "--format", "tsv" }
      local units = {}
      for _, r in t:labels({ min_count = 3 }):rows() do units[r.theme] = (units[r.theme] or 0) + 1 end
      for i = 2, #lines(tot) do
        local f = split(lines(tot)[i], "\t")
        assert.equal(units[f[1]], tonumber(f[6]), f[1])
      end
      -- --min-dominance: the rows whose score is at least that share of their unit's top score
      local dom = t:labels { min_dominance = 0.5 }
      local _, dtsv = main { "themes", SAMPLE, "--level", "segment", "--labels", "--min-dominance", "0.5",
        "--format", "tsv" }
      assert.equal(#dom + 1, #lines(dtsv))
      assert.is_true(#dom < #t:labels())
      -- a bound without --labels, or out of range, is a usage error
      for _, args in ipairs { { "themes", SAMPLE, "--min-count", "2" },
                              { "themes", SAMPLE, "--min-dominance", "0.2" },
                              { "themes", SAMPLE, "--labels", "--min-dominance", "1.5" },
                              { "themes", SAMPLE, "--labels", "--min-share", "2" },
                              { "themes", SAMPLE, "--labels", "--min-count", "0" } } do
        local status, out, err = main(args)
        assert.equal(2, status)
        assert.equal("", out)
        assert.equal(1, #lines(err), err)
      end
    end)

    it("ngrams", function()
      if not has_method("ngrams") then
        pending("c:ngrams (statistics, lua/rostra/stats.lua) is not in this build yet")
        return
      end
      check({ "ngrams", SAMPLE, "-n", "2", "--min", "2", "--limit", "5" }, { "ngram", "count" })
    end)

    it("collocates", function()
      if not has_method("collocates") then
        pending("c:collocates (statistics, lua/rostra/stats.lua) is not in this build yet")
        return
      end
      check({ "collocates", "cooperation", SAMPLE, "--window", "5", "--measure", "logdice" },
        { "collocate", "count" })
      local status, _, err = main { "collocates", "cooperation", SAMPLE, "--measure", "nope" }
      assert.equal(2, status)
      assert.truthy(err:find("unknown measure 'nope'", 1, true))
    end)

    it("keyness", function()
      if not has_method("keyness") then
        pending("c:keyness (statistics, lua/rostra/stats.lua) is not in this build yet")
        return
      end
      check({ "keyness", SAMPLE, "spec/fixtures/corpus/a_2019.txt", "spec/fixtures/corpus/b_2020.txt",
              "--target", "file=" .. SAMPLE, "--min", "1" }, { "word", "a", "b" })
      local status, _, err = main { "keyness", SAMPLE }
      assert.equal(2, status)
      assert.truthy(err:find("--target", 1, true))
    end)

    it("dispersion", function()
      if not has_method("dispersion") then
        pending("c:dispersion (statistics, lua/rostra/stats.lua) is not in this build yet")
        return
      end
      check({ "dispersion", "community", SAMPLE, "spec/fixtures/corpus/b_2020.txt" },
        { "part", "file" })
      check({ "dispersion", "community", SAMPLE, "spec/fixtures/corpus/b_2020.txt", "--columns", "year" },
        { "part", "file", "year", "size", "hits" })
    end)

    it("repl reads Lua from a pipe", function()
      local f = os.tmpname()
      local h = assert(io.open(f, "wb"))
      h:write('#c\nc:count("community")\n')
      h:close()
      local p = io.popen(("%s lua5.4 bin/rostra repl %s < %s 2>&1"):format(ENV, SAMPLE, f))
      local out = p:read("a")
      p:close()
      os.remove(f)
      assert.equal("1787\n7\n", out)
    end)
  end)

  describe("sample and validate", function()
    local CORPUS, LEXF = "spec/fixtures/coded/corpus", "spec/fixtures/lexicon/themes.yaml"
    local C1, C2 = "spec/fixtures/coded/coder1.csv", "spec/fixtures/coded/coder2.csv"

    it("sample writes CSV, the same for the same seed, the same as c:sample", function()
      local status, out, err = main { "sample", CORPUS, "--n", "5", "--seed", "3", "--lexicon", LEXF }
      assert.equal(0, status, err)
      assert.equal("", err)
      local want = rostra.load(CORPUS):sample { n = 5, seed = 3, lexicon = rostra.lexicon(LEXF) }
      assert.equal(want:to_csv(), out)
      assert.equal("unit,file,line,split,text,health,economy,culture", lines(out)[1]:sub(1, 48))
      local again = select(2, main { "sample", CORPUS, "--n", "5", "--seed", "3", "--lexicon", LEXF })
      assert.equal(out, again)
      local d = tmpdir()
      status = main { "sample", CORPUS, "--n", "4", "--holdout", "0.5", "-o", d .. "/tocode.csv" }
      assert.equal(0, status)
      local csv = read(d .. "/tocode.csv")
      assert.equal(5, #lines(csv))
      local holdouts = select(2, csv:gsub(",holdout,", ""))
      assert.equal(2, holdouts)
      os.execute("rm -r " .. q(d))
    end)

    it("sample says when the population is smaller than asked", function()
      local status, out, err = main { "sample", CORPUS, "--n", "100" }
      assert.equal(0, status)
      -- 3 + 3 + 3 segments: b.txt's first line, "Remarks at the summit", is its title (furniture)
      assert.equal(10, #lines(out))
      assert.equal("rostra: warning: the population has 9 segment units, fewer than the 100 asked for: "
        .. "the sample is the whole population\n", err)
      status, out, err = main { "sample", CORPUS, "--holdout", "1" }
      assert.equal(2, status)
      assert.equal("", out)
      assert.truthy(err:find("--holdout", 1, true))
    end)

    it("validate prints the report, one table in TSV or CSV, the whole report in JSON", function()
      local status, out, err = main { "validate", LEXF, C1 }
      assert.equal(0, status, err)
      assert.truthy(out:find("micro  precision 0.667  recall 0.750  F1 0.706", 1, true), out)
      assert.truthy(out:find("FP  health  b.txt:3 [tune]", 1, true))
      assert.truthy(err:find("themes.yaml against", 1, true) == nil)
      local _, tsv = main { "validate", LEXF, C1, "--format", "tsv" }
      assert.same({ "theme", "units", "coded", "tagged", "tp", "fp", "fn", "precision", "recall", "f1",
        "kappa", "rule" }, tsv_header(tsv))
      assert.equal("culture\t8\t2\t3\t2\t1\t0\t", lines(tsv)[4]:sub(1, 20))
      local _, errs = main { "validate", LEXF, C1, "--table", "errors", "--format", "csv" }
      assert.equal(6, #lines(errs))
      local _, json = main { "validate", LEXF, C1, C2, "--format", "json" }
      local rep = cjson.decode(json)
      assert.equal(2, #rep.coders)
      assert.equal(6, rep.coders[1].micro.tp)
      assert.equal("(all)", rep.agreement[4].theme)
      local _, agree = main { "validate", LEXF, C1, C2, "--table", "agreement", "--format", "tsv" }
      assert.same({ "theme", "units", "positives", "agreement", "kappa", "alpha" }, tsv_header(agree))
      status, _, err = main { "validate", LEXF, C1, "--table", "agreement" }
      assert.equal(2, status)
      assert.equal("rostra validate: --table agreement needs two coded files or more\n", err)
    end)

    it("validate takes the rule, the split and the corpus", function()
      local _, out = main { "validate", LEXF, C1, "--min-count", "2", "--split", "tune", "--format", "json",
        "--corpus", CORPUS }
      local rep = cjson.decode(out)
      assert.equal(2, rep.rule.min_count)
      assert.equal("tune", rep.split)
      local v = rostra.lexicon(LEXF):validate(C1, { min_count = 2, split = "tune" })
      assert.equal(v.micro.tp, rep.coders[1].micro.tp)
      assert.equal(v.micro.fp, rep.coders[1].micro.fp)
      assert.equal(v.micro.fn, rep.coders[1].micro.fn)
      _, out = main { "validate", LEXF, C1, "--min-dominance", "0.6", "--format", "json" }
      rep = cjson.decode(out)
      assert.equal(0.6, rep.rule.min_dominance)
      v = rostra.lexicon(LEXF):validate(C1, { min_dominance = 0.6 })
      assert.same({ v.micro.tp, v.micro.fp, v.micro.fn },
        { rep.coders[1].micro.tp, rep.coders[1].micro.fp, rep.coders[1].micro.fn })
    end)

    it("validate: bad data exits 1 with one line naming the row, usage errors exit 2", function()
      local path = os.tmpname() .. ".csv"
      local f = assert(io.open(path, "wb"))
      f:write("unit,text,health\na:1,Health.,1\na:2,Vaccines.,maybe\n")
      f:close()
      local status, out, err = spawn { "validate", LEXF, path }
      assert.equal(1, status)
      assert.equal("", out)
      assert.equal("rostra validate: " .. path
        .. ":3: row 2, column 'health': 'maybe' is not 0, 1 or empty\n", err)
      os.remove(path)
      for _, args in ipairs { { "validate", LEXF, C1, "--corpus", "spec/fixtures/lexicon" },
                              { "validate", "nolexicon", C1 } } do
        status, out, err = main(args)
        assert.equal(1, status)
        assert.equal("", out)
        assert.equal(1, #lines(err))
      end
      status = main { "validate", LEXF }
      assert.equal(2, status)
      status = main { "validate", LEXF, C1, "--split", "test" }
      assert.equal(2, status)
      status = main { "validate", LEXF, C1, "--split", "holdout2" }
      assert.equal(0, status)
      status = main { "validate", LEXF, C1, "--where", "year=2020" }
      assert.equal(2, status)
    end)
  end)
end)
