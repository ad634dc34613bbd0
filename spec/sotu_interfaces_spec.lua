-- Issue 16's acceptance on the State of the Union, through bin/rostra as a
-- user runs it: every row written, every mistake seen, every speech named.
local support = require "support"

local SOTU = support.corpus .. "/uspres/sotu"
local ENV = 'LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="lua/?.so;;"'

local function q(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- bin/rostra in a shell: status, stdout, stderr
local function spawn(args)
  local errf = os.tmpname()
  local parts = {}
  for i, a in ipairs(args) do parts[i] = q(a) end
  local p = io.popen(("%s lua5.4 bin/rostra %s 2>%s </dev/null; echo \"::$?\""):format(ENV,
    table.concat(parts, " "), errf))
  local out = p:read("a")
  p:close()
  local status = tonumber(out:match("::(%d+)\n$"))
  out = out:gsub("::%d+\n$", "")
  local err = support.read(errf)
  os.remove(errf)
  return status, out, err
end

local function lines(s)
  local t = {}
  for l in s:gmatch("([^\n]*)\n") do t[#t + 1] = l end
  return t
end

describe("issue 16 on the State of the Union #corpus", function()
  local dir, index
  setup(function()
    if not support.exists(SOTU .. "/1790_george_washington_n.txt") then return end
    dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir -p " .. dir))
    index = dir .. "/sotu.rostra"
  end)
  teardown(function() if dir then os.execute("rm -rf " .. dir) end end)

  local function need()
    if not dir then pending("../shared/corpus not found") return false end
    return true
  end

  it("warns about the names a template reads two ways, and gives the coverage", function()
    if not need() then return end
    local status, out, err = spawn { "index", SOTU, "--meta", "{year}_{president}_{party}.txt", "-o", index }
    assert.equal(0, status)
    local ls = lines(err)
    assert.equal(5, #ls)
    assert.equal("rostra: warning: 1790_george_washington_n.txt splits more than one way under the template "
      .. "'{year}_{president}_{party}.txt': president=george, party=washington_n (taken) or "
      .. "president=george_washington, party=n; give a field a pattern, e.g. {president:.+} for the longest",
      ls[1])
    assert.equal("rostra: warning: 230 more file names split more than one way under the template "
      .. "'{year}_{president}_{party}.txt'", ls[4])
    assert.equal("rostra: metadata: year 233/233, president 233/233, party 233/233", ls[5])
    assert.equal("wrote " .. index .. ": 233 speeches, 1961815 tokens\n", out)
    -- the pattern says which reading: no warning
    status, out, err = spawn { "index", SOTU, "--meta", "{year}_{president:.+}_{party}.txt", "-o", index }
    assert.equal(0, status)
    assert.equal("rostra: metadata: year 233/233, president 233/233, party 233/233\n", err)
    assert.equal("wrote " .. index .. ": 233 speeches, 1961815 tokens\n", out)
    -- a template that matches nothing is an error
    status, out, err = spawn { "index", SOTU, "--meta", "{year}-{president}.txt", "-o", dir .. "/x.rostra" }
    assert.equal(2, status)
    assert.equal("", out)
    assert.equal(1, #lines(err))
    assert.is_false(support.exists(dir .. "/x.rostra"))
  end)

  it("-o k.txt of the 724-hit KWIC of freedom has 724 lines of hits", function()
    if not need() then return end
    local status, _, err = spawn { "kwic", "freedom", index, "-o", dir .. "/k.txt" }
    assert.equal(0, status, err)
    local ls = lines(support.read(dir .. "/k.txt"))
    assert.equal("724 hits of freedom", ls[1])
    assert.equal(725, #ls) -- the title, then 724 lines
    status = spawn { "kwic", "freedom", index, "-o", dir .. "/k.tsv" }
    assert.equal(0, status)
    assert.equal(725, #lines(support.read(dir .. "/k.tsv"))) -- the header, then 724 rows
    status, _, err = spawn { "kwic", "freedom", index, "-o", dir .. "/k.xlsx" }
    assert.equal(2, status)
    assert.truthy(err:find("cannot tell the format of", 1, true), err)
    assert.is_false(support.exists(dir .. "/k.xlsx"))
  end)

  it("--by presidnet exits 2 listing president", function()
    if not need() then return end
    local status, out, err = spawn { "count", "freedom", index, "--by", "presidnet" }
    assert.equal(2, status)
    assert.equal("", out)
    assert.equal(1, #lines(err))
    assert.truthy(err:find("did you mean 'president'?", 1, true), err)
    assert.truthy(err:find("the corpus has: file, lang, party, president, year", 1, true), err)
  end)

  it("themes --level speech --format csv has file, year and president columns", function()
    if not need() then return end
    local status, out = spawn { "themes", index, "--level", "speech", "--format", "csv" }
    assert.equal(0, status)
    local head = lines(out)[1]
    assert.equal("speech,file,lang,party,president,year,unit,theme,count,tokens,score,share", head)
    assert.truthy(lines(out)[2]:find("^1,1790_george_washington_n.txt,en,n,george_washington,1790,1,"),
      lines(out)[2])
  end)

  it("count --by decade gives words and rates that add up", function()
    if not need() then return end
    local status, out = spawn { "count", "freedom", index, "--by", "decade", "--format", "tsv" }
    assert.equal(0, status)
    local hits, words, n = 0, 0, 0
    for i, l in ipairs(lines(out)) do
      if i > 1 then
        local decade, count, w, pm = l:match("^(%d+)\t(%d+)\t(%d+)\t([%d.]+)\t")
        assert.truthy(decade, l)
        hits, words, n = hits + tonumber(count), words + tonumber(w), n + 1
        assert.is_true(math.abs(tonumber(pm) - tonumber(count) * 1e6 / tonumber(w)) < 1e-6)
      end
    end
    assert.equal(24, n)             -- the 1790s to the 2020s
    assert.equal(724, hits)
    assert.equal(1794884, words)    -- the corpus README's wc -w
  end)

  it("rostra check exits 1 on a file with one flipped byte", function()
    if not need() then return end
    local s = support.read(index)
    local at = #s // 2
    local f = assert(io.open(dir .. "/bad.rostra", "wb"))
    f:write(s:sub(1, at - 1), string.char(s:byte(at) ~ 0x20), s:sub(at + 1))
    f:close()
    local status, out, err = spawn { "check", dir .. "/bad.rostra" }
    assert.equal(1, status)
    assert.equal("", out)
    assert.equal(1, #lines(err))
    assert.truthy(err:find("corrupt index: checksum mismatch in section %d+ %(the "), err)
    status, out = spawn { "check", index }
    assert.equal(0, status)
    assert.equal(index .. ": ok: every checksum verified (233 speeches, 1961815 tokens)\n", out)
  end)
end)
