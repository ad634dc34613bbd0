--- Careless and hostile input (issue 17): no hang, no destroyed file, no
-- widened permission. Each reproduction of the issue ends here in a clear
-- error or the right answer, fast enough for `make test`.
local rostra = require "rostra"
local core = require "rostra.core"
local support = require "support"

-- under valgrind (tools/valgrind.sh) the sweeps are thinner; under valgrind
-- and the sanitizers (make sanitize) times are not checked
local LIGHT = os.getenv("ROSTRA_VALGRIND") ~= nil
local SLOW = LIGHT or (os.getenv("LD_PRELOAD") or ""):find("asan", 1, true) ~= nil

-- done within s seconds of CPU time since t0 = os.clock() (unless SLOW):
-- other processes may keep the machine busy
local function within(t0, s)
  return SLOW or os.clock() - t0 < s
end

local LUA = "LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='lua/?.so;;' lua5.4"

local function sh(cmd)
  local p = io.popen("exec 2>&1; " .. cmd)
  local out = p:read("a")
  local ok, _, code = p:close()
  return out, ok and 0 or code
end

local function tmpdir()
  local p = io.popen("mktemp -d")
  local d = p:read("l")
  p:close()
  return d
end

local function write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

-- the mode of a file as octal digits ("640"), its owner's name
local function mode_of(path)
  return (sh("stat -c %a '" .. path .. "'"):gsub("%s+$", ""))
end

local function owner_of(path)
  return (sh("stat -c %U '" .. path .. "'"):gsub("%s+$", ""))
end

local function listing(dir)
  local out = {}
  for name in sh("ls -A '" .. dir .. "'"):gmatch("[^\n]+") do out[#out + 1] = name end
  table.sort(out)
  return out
end

local function small_corpus()
  local c = rostra.corpus()
  c:add("Peace and security for all. We want peace.", { year = 2020 })
  c:add("War is not peace. Security first.", { year = 2021 })
  return c
end

-- {====================================================== saves

describe("saves keep permissions #hostile", function()
  local dir
  before_each(function() dir = tmpdir() end)
  after_each(function() os.execute("rm -rf '" .. dir .. "'") end)

  -- save from a child process under a umask
  local function save_with_umask(mask, path)
    local script = dir .. "/save.lua"
    write(script, [[local rostra = require "rostra"
      local c = rostra.corpus(); c:add("Peace and security for all.")
      assert(c:save(arg[1]))]])
    local out, rc = sh(("umask %s; %s '%s' '%s'"):format(mask, LUA, script, path))
    assert.are.equal(0, rc, out)
  end

  it("gives a new index 0666 minus the umask", function()
    save_with_umask("077", dir .. "/a.rostra")
    assert.are.equal("600", mode_of(dir .. "/a.rostra"))
    save_with_umask("022", dir .. "/b.rostra")
    assert.are.equal("644", mode_of(dir .. "/b.rostra"))
    save_with_umask("002", dir .. "/c.rostra")
    assert.are.equal("664", mode_of(dir .. "/c.rostra"))
  end)

  it("keeps the mode of the index it replaces, whatever the umask", function()
    local p = dir .. "/a.rostra"
    assert(small_corpus():save(p))
    os.execute("chmod 600 '" .. p .. "'")
    save_with_umask("000", p)
    assert.are.equal("600", mode_of(p))
    os.execute("chmod 640 '" .. p .. "'")
    assert(small_corpus():save(p))
    assert.are.equal("640", mode_of(p))
    assert.is_truthy(rostra.open(p))
  end)

  it("keeps the owner of the index it replaces where the process may set it", function()
    if owner_of(dir) ~= "root" or sh("id -u nobody"):match("^%d+") == nil then
      pending("needs root and a user 'nobody'")
      return
    end
    local p = dir .. "/a.rostra"
    assert(small_corpus():save(p))
    os.execute("chown nobody '" .. p .. "'; chmod 604 '" .. p .. "'")
    assert(small_corpus():save(p))
    assert.are.equal("nobody", owner_of(p))
    assert.are.equal("604", mode_of(p))
  end)

  it("replaces the target of a symbolic link, not the link", function()
    local p, l = dir .. "/real.rostra", dir .. "/link.rostra"
    assert(small_corpus():save(p))
    os.execute("chmod 600 '" .. p .. "'; ln -s real.rostra '" .. l .. "'")
    local c = rostra.corpus()
    c:add("Only one speech now.")
    assert(c:save(l))
    assert.are.equal("real.rostra", (sh("readlink '" .. l .. "'"):gsub("%s+$", "")))
    assert.are.equal("600", mode_of(p))
    local _, ndoc = assert(rostra.open(p)):counts()
    assert.are.equal(1, ndoc)
  end)

  it("refuses an index it may not write to, leaving it whole", function()
    local p = dir .. "/ro.rostra"
    assert(small_corpus():save(p))
    os.execute("chmod 444 '" .. p .. "'; chmod 777 '" .. dir .. "'")
    local before = support.read(p)
    local script = dir .. "/save.lua"
    write(script, [[local rostra = require "rostra"
      local c = rostra.corpus(); c:add("Something else.")
      print(c:save(arg[1]))]])
    -- root may write anything: run the save as another user then
    local as = ""
    if owner_of(dir) == "root" then
      if sh("command -v setpriv") == "" or sh("id -u nobody"):match("^%d+") == nil then
        pending("needs setpriv and a user 'nobody' when run as root")
        return
      end
      as = "setpriv --reuid=nobody --regid=nogroup --clear-groups env "
    end
    local out = sh(("%s%s '%s' '%s'"):format(as, LUA, script, p))
    assert.matches("nil\t.*ro%.rostra: Permission denied.*\tEACCES", out)
    assert.are.equal(before, support.read(p))
    assert.are.same({ "ro.rostra", "save.lua" }, listing(dir))
  end)

  it("says ENOENT for a save into a missing folder, naming it", function()
    local ok, msg, code = small_corpus():save(dir .. "/nowhere/x.rostra")
    assert.is_nil(ok)
    assert.are.equal("ENOENT", code)
    assert.matches("nowhere/x.rostra: No such file or directory", msg, 1, true)
    assert.are.same({}, listing(dir))
  end)

  it("refuses to save an index over a device or FIFO, which stay as they were", function()
    local ok, msg, code = small_corpus():save("/dev/null")
    assert.is_nil(ok)
    assert.are.equal("EINVAL", code)
    assert.matches("character device", msg, 1, true)
    assert.are.equal("c", sh("stat -c %A /dev/null"):sub(1, 1))
    os.execute("mkfifo '" .. dir .. "/fifo'")
    ok, msg, code = small_corpus():save(dir .. "/fifo")
    assert.is_nil(ok)
    assert.are.equal("EINVAL", code)
    assert.matches("FIFO", msg, 1, true)
  end)

  it("leaves no temporary file behind when the saving process is killed", function()
    local script = dir .. "/loop.lua"
    -- a few MB of index, saved again and again until the process is killed
    write(script, [[local rostra = require "rostra"
      local words = {}
      for i = 1, 400000 do words[i] = "w" .. (i * 7919 % 50021) .. ((i % 13 == 0) and "." or "") end
      local c = rostra.corpus(); c:add(table.concat(words, " "))
      io.stdout:write("ready\n"); io.stdout:flush()
      while true do assert(c:save(arg[1])) end]])
    local target = dir .. "/big.rostra"
    local out = sh(("%s '%s' '%s' > '%s/out' & pid=$!; "
      .. "for i in $(seq 100); do grep -q ready '%s/out' 2>/dev/null && break; sleep 0.05; done; "
      .. "sleep 0.4; kill -9 $pid; wait $pid; echo killed"):format(LUA, script, target, dir, dir))
    assert.matches("killed", out, 1, true)
    local names = listing(dir)
    for _, n in ipairs(names) do
      assert.is_falsy(n:find("tmp", 1, true), "left behind: " .. n)
    end
    assert.is_truthy(rostra.open(target, { verify = true }))
  end)

  it("removes temporary files of a dead process left over a minute ago, and only those", function()
    local p = dir .. "/x.rostra"
    -- pid 2^22 + 1 is above Linux's pid_max limit: no process has it
    local dead = dir .. "/.x.rostra.tmp-4194305-abcdef"
    local fresh = dir .. "/.x.rostra.tmp-4194305-ghijkl"
    local live = ("%s/.x.rostra.tmp-%d-mnopqr"):format(dir, 1)
    local other = dir .. "/.y.rostra.tmp-4194305-abcdef"
    for _, f in ipairs { dead, fresh, live, other } do write(f, "partial") end
    os.execute(("touch -d '2 minutes ago' '%s' '%s' '%s'"):format(dead, live, other))
    assert(small_corpus():save(p))
    assert.is_false(support.exists(dead))
    assert.is_true(support.exists(fresh))
    assert.is_true(support.exists(live))
    assert.is_true(support.exists(other))
  end)
end)

describe("opening odd files #hostile", function()
  it("refuses a FIFO at once instead of blocking", function()
    local dir = tmpdir()
    os.execute("mkfifo '" .. dir .. "/f.rostra'")
    local t0 = core.clock() -- wall time: a blocked open takes none of the CPU
    local c, msg, code = rostra.open(dir .. "/f.rostra")
    assert.is_nil(c)
    assert.are.equal("ENOTINDEX", code)
    assert.matches("FIFO", msg, 1, true)
    assert.is_true(core.clock() - t0 < 1)
    os.execute("rm -rf '" .. dir .. "'")
  end)

  it("refuses a folder, naming it as one", function()
    local c, msg, code = rostra.open("spec")
    assert.is_nil(c)
    assert.are.equal("ENOTINDEX", code)
    assert.matches("folder", msg, 1, true)
  end)
end)

-- }======================================================

-- {====================================================== outputs

describe("outputs that are not regular files #hostile", function()
  local dir
  before_each(function() dir = tmpdir() end)
  after_each(function() os.execute("rm -rf '" .. dir .. "'") end)

  local function rostra_cmd(args)
    return sh(LUA .. " bin/rostra " .. args)
  end

  local function freq_table()
    return small_corpus():freq { top = 3 }
  end

  it("writes -o /dev/null straight, leaving the device node as it was", function()
    local before = sh("stat -c '%F %t:%T' /dev/null")
    assert(freq_table():export("/dev/null", "tsv"))
    local out, rc = rostra_cmd("freq examples/sample.txt -o /dev/null")
    assert.are.equal(0, rc, out)
    assert.are.equal(before, sh("stat -c '%F %t:%T' /dev/null"))
  end)

  it("writes -o /dev/stdout and - to the standard output, whatever it is", function()
    local out, rc = rostra_cmd("freq examples/sample.txt --limit 2 --format tsv -o /dev/stdout | cat")
    assert.are.equal(0, rc, out)
    assert.matches("^lower\tcount\tper_million\nthe\t%d+\t", out)
    out, rc = rostra_cmd("freq examples/sample.txt --limit 2 --format csv -o -")
    assert.are.equal(0, rc, out)
    assert.matches("^lower,count,per_million\nthe,%d+,", out)
    -- stdout redirected to a file: appended to, never replaced
    write(dir .. "/log", "before\n")
    out, rc = rostra_cmd(("freq examples/sample.txt --limit 1 --format tsv -o /dev/stdout >> '%s/log'")
      :format(dir))
    assert.are.equal(0, rc, out)
    assert.matches("^before\nlower\tcount", support.read(dir .. "/log"))
    assert.is_true(sh("test -L /dev/stdout && echo link"):find("link") ~= nil)
  end)

  it("writes a FIFO straight, for the reader at its other end", function()
    local fifo = dir .. "/pipe"
    os.execute("mkfifo '" .. fifo .. "'")
    local out, rc = sh(("cat '%s' > '%s/got' & %s bin/rostra freq examples/sample.txt --limit 2 "
      .. "--format tsv -o '%s'; wait"):format(fifo, dir, LUA, fifo))
    assert.are.equal(0, rc, out)
    assert.matches("^lower\tcount\tper_million\nthe\t%d+\t", support.read(dir .. "/got"))
    assert.are.equal("fifo", sh("stat -c %F '" .. fifo .. "'"):match("fifo"))
  end)

  it("follows a symbolic link and replaces its target atomically, with its mode", function()
    local real, link = dir .. "/real.tsv", dir .. "/link.tsv"
    write(real, "old\n")
    os.execute(("chmod 640 '%s'; ln -s real.tsv '%s'"):format(real, link))
    assert(freq_table():export(link))
    assert.are.equal("real.tsv", (sh("readlink '" .. link .. "'"):gsub("%s+$", "")))
    assert.matches("^lower\tcount\tper_million\npeace\t3\t", support.read(real))
    assert.are.equal("640", mode_of(real))
    assert.are.same({ "link.tsv", "real.tsv" }, listing(dir))
  end)

  it("gives a new export 0666 minus the umask", function()
    local script = dir .. "/export.lua"
    write(script, [[local rostra = require "rostra"
      local c = rostra.corpus(); c:add("Peace and security for all.")
      assert(c:freq():export(arg[1]))]])
    local out, rc = sh(("umask 027; %s '%s' '%s/new.csv'"):format(LUA, script, dir))
    assert.are.equal(0, rc, out)
    assert.are.equal("640", mode_of(dir .. "/new.csv"))
  end)

  it("refuses a folder, a block device and a missing folder with their codes", function()
    local ok, msg, code = freq_table():export(dir, "tsv")
    assert.is_nil(ok)
    assert.are.equal("EISDIR", code, msg)
    ok, msg, code = freq_table():export(dir .. "/missing/x.tsv")
    assert.is_nil(ok)
    assert.are.equal("ENOENT", code)
    assert.matches("missing/x.tsv", msg, 1, true)
    local blk = sh("find /dev -maxdepth 1 -type b 2>/dev/null | head -n 1"):gsub("%s+$", "")
    if blk ~= "" then
      ok, msg, code = freq_table():export(blk, "tsv")
      assert.is_nil(ok)
      assert.are.equal("EINVAL", code)
      assert.matches("block device", msg, 1, true)
    end
  end)
end)

describe("an output that is one of the inputs #hostile", function()
  local dir
  before_each(function()
    dir = tmpdir()
    os.execute(("cp examples/sample.txt '%s/in.txt'"):format(dir))
  end)
  after_each(function() os.execute("rm -rf '" .. dir .. "'") end)

  local function run(args)
    return sh(LUA .. " bin/rostra " .. args)
  end

  it("refuses rostra freq in.txt -o in.txt before writing anything (exit 2)", function()
    local before = support.read(dir .. "/in.txt")
    local out, rc = run(("freq '%s/in.txt' -o '%s/in.txt'"):format(dir, dir))
    assert.are.equal(2, rc)
    assert.matches("in.txt: this is the input", out, 1, true)
    assert.are.equal(before, support.read(dir .. "/in.txt"))
    -- the same file under another name: a hard link, a symbolic link, a folder input
    os.execute(("ln '%s/in.txt' '%s/hard.txt'; ln -s in.txt '%s/soft.txt'"):format(dir, dir, dir))
    for _, o in ipairs { "hard.txt", "soft.txt" } do
      out, rc = run(("freq '%s/in.txt' -o '%s/%s'"):format(dir, dir, o))
      assert.are.equal(2, rc, out)
    end
    os.execute(("rm '%s/hard.txt' '%s/soft.txt'"):format(dir, dir))
    out, rc = run(("count peace '%s' -o '%s/in.txt'"):format(dir, dir))
    assert.are.equal(2, rc, out)
    out, rc = run(("index '%s/in.txt' -o '%s/in.txt'"):format(dir, dir))
    assert.are.equal(2, rc, out)
    assert.are.equal(before, support.read(dir .. "/in.txt"))
    assert.are.same({ "in.txt" }, listing(dir))
    -- a layout read for the parse is an input too
    write(dir .. "/site.lua", "return {}\n")
    out, rc = run(("parse '%s/in.txt' --layout '%s/site.lua' -o '%s/site.lua'"):format(dir, dir, dir))
    assert.are.equal(2, rc, out)
    assert.matches("site.lua: this is the input", out, 1, true)
    assert.are.equal("return {}\n", support.read(dir .. "/site.lua"))
  end)

  it("refuses rostra kwic peace un.rostra -o un.rostra, the index untouched", function()
    local idx = dir .. "/un.rostra"
    local out, rc = run(("index '%s/in.txt' -o '%s'"):format(dir, idx))
    assert.are.equal(0, rc, out)
    local before = support.read(idx)
    out, rc = run(("kwic peace '%s' -o '%s'"):format(idx, idx))
    assert.are.equal(2, rc)
    assert.matches("un.rostra: this is the input", out, 1, true)
    local lexf = "spec/fixtures/lexicon/themes.yaml"
    out, rc = run(("themes '%s' --lexicon %s -o %s"):format(idx, lexf, lexf))
    assert.are.equal(2, rc, out)
    assert.are.equal(before, support.read(idx))
    assert.is_truthy(rostra.open(idx, { verify = true }))
  end)

  it("refuses an export over an index open in this process", function()
    local idx = dir .. "/x.rostra"
    assert(small_corpus():save(idx))
    local before = support.read(idx)
    local c = assert(rostra.open(idx))
    local ok, msg, code = c:kwic("peace"):export(idx, "tsv")
    assert.is_nil(ok)
    assert.are.equal("ESAME", code)
    assert.matches("index being read", msg, 1, true)
    local _
    ok, _, code = c:freq():export(idx, "csv")
    assert.are.equal("ESAME", code)
    assert.is_nil(ok)
    assert.are.equal(before, support.read(idx))
    c:close()
    -- closed: an ordinary file again
    assert.is_true((small_corpus():freq():export(idx, "tsv")))
  end)
end)

describe("DFM folders and vertical files follow the same output rules #hostile", function()
  local dir
  before_each(function() dir = tmpdir() end)
  after_each(function() os.execute("rm -rf '" .. dir .. "'") end)

  it("replaces a linked matrix's target with its mode, and gives new files 0666 minus the umask", function()
    local real = dir .. "/kept.mtx"
    write(real, "old\n")
    os.execute(("chmod 600 '%s'; mkdir '%s/m'; ln -s ../kept.mtx '%s/m/matrix.mtx'"):format(real, dir, dir))
    assert(small_corpus():dfm():export(dir .. "/m"))
    assert.are.equal("../kept.mtx", (sh("readlink '" .. dir .. "/m/matrix.mtx'"):gsub("%s+$", "")))
    assert.matches("^%%%%MatrixMarket matrix coordinate integer general\n", support.read(real))
    assert.are.equal("600", mode_of(real))
    assert.are.same({ "docvars.csv", "features.tsv", "matrix.mtx" }, listing(dir .. "/m"))
    -- a new folder's files, from a process with umask 027: 640, no temporary file left
    local script = dir .. "/dfm.lua"
    write(script, [[local rostra = require "rostra"
      local c = rostra.corpus(); c:add("Peace and security for all.")
      assert(c:dfm():export(arg[1]))
      assert(c:export_vrt(arg[1] .. "/all.vrt"))]])
    local out, rc = sh(("umask 027; %s '%s' '%s/new'"):format(LUA, script, dir))
    assert.are.equal(0, rc, out)
    for _, f in ipairs { "matrix.mtx", "features.tsv", "docvars.csv", "all.vrt" } do
      assert.are.equal("640", mode_of(dir .. "/new/" .. f), f)
    end
    assert.are.same({ "all.vrt", "docvars.csv", "features.tsv", "matrix.mtx" }, listing(dir .. "/new"))
  end)

  it("writes a vertical file to /dev/null, a FIFO and - straight", function()
    local c = small_corpus()
    local before = sh("stat -c '%F %t:%T' /dev/null")
    assert(c:export_vrt("/dev/null"))
    assert.are.equal(before, sh("stat -c '%F %t:%T' /dev/null"))
    local fifo = dir .. "/pipe"
    os.execute("mkfifo '" .. fifo .. "'")
    local out, rc = sh(("cat '%s' > '%s/got' & %s bin/rostra export examples/sample.txt -o '%s' "
      .. "--format vrt; wait"):format(fifo, dir, LUA, fifo))
    assert.are.equal(0, rc, out)
    assert.matches("^<!%-%- #vrt positional%-attributes: word lower stem", support.read(dir .. "/got"))
    assert.are.equal("fifo", sh("stat -c %F '" .. fifo .. "'"):match("fifo"))
    out, rc = sh(LUA .. " bin/rostra export examples/sample.txt --format vrt -o - 2>/dev/null")
    assert.are.equal(0, rc, out)
    assert.matches("^<!%-%- #vrt positional%-attributes", out)
    assert.matches("</text>\n", out)
    assert.are.same({ "got", "pipe" }, listing(dir))
  end)

  it("refuses a vertical file or a DFM file over an index open in this process (ESAME)", function()
    local idx = dir .. "/x.rostra"
    assert(small_corpus():save(idx))
    local before = support.read(idx)
    local c = assert(rostra.open(idx))
    local other = small_corpus()
    local ok, msg, code = other:export_vrt(idx)
    assert.is_nil(ok)
    assert.are.equal("ESAME", code)
    assert.matches("index being read", msg, 1, true)
    os.execute(("mkdir '%s/m'; ln -s ../x.rostra '%s/m/features.tsv'"):format(dir, dir))
    ok, msg, code = other:dfm():export(dir .. "/m")
    assert.is_nil(ok)
    assert.are.equal("ESAME", code, msg)
    assert.are.same({ "features.tsv" }, listing(dir .. "/m")) -- nothing written before the refusal
    assert.are.equal(before, support.read(idx))
    c:close()
  end)

  it("refuses rostra dfm and rostra export naming one of their inputs (exit 2)", function()
    os.execute(("cp examples/sample.txt '%s/in.txt'"):format(dir))
    local before = support.read(dir .. "/in.txt")
    local out, rc = sh(("%s bin/rostra export '%s/in.txt' --format vrt -o '%s/in.txt'"):format(LUA, dir, dir))
    assert.are.equal(2, rc, out)
    assert.matches("this is the input", out, 1, true)
    os.execute(("mkdir '%s/m'; ln -s ../in.txt '%s/m/matrix.mtx'"):format(dir, dir))
    out, rc = sh(("%s bin/rostra dfm '%s/in.txt' -o '%s/m'"):format(LUA, dir, dir))
    assert.are.equal(2, rc, out)
    assert.matches("this is the input", out, 1, true)
    assert.are.equal(before, support.read(dir .. "/in.txt"))
  end)
end)

-- }======================================================

-- {====================================================== the query budget

-- the matches of a query as a plain backtracking matcher finds them:
-- leftmost, then shortest, not overlapping, never past the speech (nor the
-- sentence with `within sentence`); for programs of literal tokens, [],
-- alternations and bounded repetitions
local function reference_matches(c, prog)
  local ntok = c:counts()
  local tok, speech_end, sent_end = {}, {}, {}
  for p = 1, ntok do tok[p] = c:token(p, "lower") end
  for s in c:spans("speech") do
    for p = s.start, s.stop do speech_end[p] = s.stop + 1 end
  end
  for s in c:spans("sentence") do
    for p = s.start, s.stop do sent_end[p] = s.stop + 1 end
  end
  local function pass(test, w)
    if test.t == "any" then return true end
    if test.t == "eq" then return w == test.value end
    if test.t == "or" then
      for _, t in ipairs(test) do if pass(t, w) then return true end end
      return false
    end
    error("test " .. test.t)
  end
  local ends
  ends = function(n, i, lim)
    local out = {}
    if n.op == "tok" then
      if i < lim and pass(n.test, tok[i]) then out[i + 1] = true end
    elseif n.op == "seq" then
      local cur = { [i] = true }
      for _, k in ipairs(n) do
        local nxt = {}
        for p in pairs(cur) do for q in pairs(ends(k, p, lim)) do nxt[q] = true end end
        cur = nxt
      end
      out = cur
    elseif n.op == "alt" then
      for _, k in ipairs(n) do for q in pairs(ends(k, i, lim)) do out[q] = true end end
    elseif n.op == "rep" then
      local cur = { [i] = true }
      if n.min == 0 then out[i] = true end
      for count = 1, n.max do
        local nxt = {}
        for p in pairs(cur) do for q in pairs(ends(n[1], p, lim)) do nxt[q] = true end end
        if next(nxt) == nil then break end
        if count >= n.min then for q in pairs(nxt) do out[q] = true end end
        cur = nxt
      end
    else
      error("node " .. n.op)
    end
    return out
  end
  local starts, stops, next_free = {}, {}, 1
  for s = 1, ntok do
    if s >= next_free then
      local lim = speech_end[s]
      if prog.within == "sentence" then lim = sent_end[s] end
      if lim then
        local best
        for e in pairs(ends(prog.seq, s, lim)) do
          if e > s and (not best or e < best) then best = e end
        end
        if best then
          starts[#starts + 1], stops[#stops + 1] = s, best - 1
          next_free = best
        end
      end
    end
  end
  return starts, stops
end

describe("the query work budget #hostile", function()
  local query = require "rostra.query"

  -- speeches of a few words, sentences of 1 to 12 tokens
  local function random_corpus(seed, nspeech, len)
    math.randomseed(seed)
    local words = { "a", "b", "c", "d", "peace", "the", "of" }
    local c = rostra.corpus()
    for _ = 1, nspeech do
      local t = {}
      for i = 1, math.random(1, len) do
        t[i] = words[math.random(#words)] .. (math.random(12) == 1 and "." or "")
      end
      c:add(table.concat(t, " ") .. ".")
    end
    return c
  end

  it("finds what a plain backtracking matcher finds, gaps in a row included", function()
    local items = { "a", "b", "peace", "[]", "[]{0,3}", "[]{1,4}", "[]{2}", "[]?", "(a | of)?", "(b | c)",
                    "[]{0,2} []{0,2}", "[] []{0,5}", "the" }
    math.randomseed(17)
    local c = random_corpus(5, 4, 100)
    local tried = 0
    for _ = 1, LIGHT and 40 or 250 do
      local parts = {}
      for i = 1, math.random(1, 4) do parts[i] = items[math.random(#items)] end
      local q = table.concat(parts, " ") .. (math.random(3) == 1 and " within sentence" or "")
      local ok, prog = pcall(query.compile, q)
      if ok then
        tried = tried + 1
        local rs, re = reference_matches(c, prog)
        local m = c:query(q)
        assert.are.same(rs, m.starts, q)
        assert.are.same(re, m.stops, q)
      end
    end
    assert.is_true(tried > (LIGHT and 25 or 160))
  end)

  it("compiles []{0,k} []{0,k} to cost what []{0,2k} costs", function()
    local c = random_corpus(9, 20, 3000)
    for _, k in ipairs { 10, 100, 400 } do
      -- c:query, not c:count: a count also looks for hyphenated forms of
      -- its words (a query of its own, whose steps would be the last)
      local n2 = #c:query(("[]{0,%d} peace"):format(2 * k))
      local s2 = core._query_steps()
      local n1 = #c:query(("[]{0,%d} []{0,%d} peace"):format(k, k))
      local s1 = core._query_steps()
      assert.are.equal(n2, n1)
      assert.are.equal(s2, s1, "steps of k = " .. k)
      -- each peace ends one match (the gap takes what comes before it)
      assert.are.equal(c:count("peace"), n1)
    end
    -- [] in a row with a gap, and three gaps
    local n = #c:query("[]{0,5} [] []{2,3} peace")
    local s = core._query_steps()
    assert.are.equal(#c:query("[]{3,9} peace"), n)
    assert.are.equal(core._query_steps(), s)
  end)

  -- words of the gaps, and "peace" every 2500 tokens: each match of a
  -- pair of long gaps keeps a chain of states per offset (k^2 per start)
  local function sparse_corpus()
    math.randomseed(3)
    local words = {}
    for i = 1, 12000 do
      words[i] = i % 2500 == 0 and "peace" or ({ "a", "b", "c", "the", "of" })[math.random(5)]
    end
    local c = rostra.corpus()
    c:add(table.concat(words, " "))
    return c, words
  end

  it("stops a query over its budget with an error naming the part that explodes", function()
    local c = sparse_corpus()
    local q = "(the|a)? []{0,999} (of|c)? []{0,999} peace"
    local t0 = os.clock()
    local ok, err = pcall(c.count, c, q, { budget = 2000000 })
    assert.is_false(ok)
    assert.matches("^query too costly: more than 2000000 steps of the matcher %(its budget%); "
      .. "%d+%% of the work is in '%[%]{0,999}', part 4 of 5 %(", err)
    assert.matches("opts.budget, --budget", err, 1, true)
    assert.is_true(within(t0, 2))
    -- the same with query, kwic and a part inside the only alternation
    assert.has_error(function() c:query(q, { budget = 2000000 }) end)
    assert.has_error(function() c:kwic(q, { budget = 2000000, limit = 5 }) end)
    ok, err = pcall(c.count, c, "b | " .. q, { budget = 2000000 })
    assert.is_false(ok)
    assert.matches("in '%[%]{0,999}', part 4 of alternative 2", err)
    -- a budget large enough gives the answer
    assert.are.equal(c:count("peace"), c:count(q, { budget = math.huge }))
  end)

  it("checks opts.budget", function()
    local c = small_corpus()
    for _, bad in ipairs { 0, -1, 1.5, "many", true } do
      assert.has_error(function() c:count("peace", { budget = bad }) end)
    end
    assert.has_error(function() c:count("peace", { budgte = 10 }) end)
    assert.has_error(function() c:query("peace", 5) end)
    assert.are.equal(3, c:count("peace", { budget = 1 }))   -- one token: no matcher run
    assert.are.equal(3, c:count("peace", { budget = math.huge }))
    assert.is_true(c:query_budget() >= 50000000)
  end)

  it("--budget sets it on the command line; too costly is exit 1 with one line", function()
    local dir = tmpdir()
    local _, words = sparse_corpus()
    write(dir .. "/s.txt", table.concat(words, " ") .. "\n")
    local out, rc = sh(("%s bin/rostra count '(the|a)? []{0,999} (of|c)? []{0,999} peace' '%s/s.txt' "
      .. "--budget 1000000"):format(LUA, dir))
    assert.are.equal(1, rc)
    assert.matches("^rostra count: query too costly: .*part 4 of 5", out)
    assert.are.equal(1, select(2, out:gsub("\n", "")))
    out, rc = sh(("%s bin/rostra count '[]{0,3} peace' '%s/s.txt' --budget 0"):format(LUA, dir))
    assert.are.equal(2, rc, out)
    os.execute("rm -rf '" .. dir .. "'")
  end)

  it("ends the issue's reproductions on the corpora within 2 s", function()
    if not support.have_corpus() then
      pending("../shared/corpus not found: skipped")
      return
    end
    local xi = assert(rostra.load(support.corpus .. "/xi_en"))
    local t0 = os.clock()
    assert.are.equal(xi:count("peace"), xi:count("[]{0,1000} []{0,1000} peace"))
    assert.is_true(within(t0, 2))
    local files = support.files(support.corpus .. "/ungdc/sample_2020-2024", "%.txt$")
    local un = assert(rostra.load(files))
    for _, k in ipairs { 100, 200, 400 } do
      t0 = os.clock()
      assert.are.equal(un:count("peace"), un:count(("[]{0,%d} []{0,%d} peace"):format(k, k)))
      assert.is_true(within(t0, 2), "k = " .. k)
    end
    t0 = os.clock()
    local ok, err = pcall(un.count, un, "(the|a)? []{0,999} (of|in)? []{0,999} peace")
    assert.is_true(within(t0, 2))
    assert.is_false(ok)
    assert.matches("query too costly: .* in '%[%]{0,999}', part 4 of 5", err)
  end)
end)

describe("Ctrl-C in the REPL #hostile", function()
  it("stops the running call, in C or in Lua, and the session goes on", function()
    local dir = tmpdir()
    write(dir .. "/in.lua", table.concat({
      [[c = rostra.corpus(); c:add((("a b c d "):rep(600) .. "z x q "):rep(20)); print("built")]],
      [[print(c:count('(a|b)? []{0,999} (b|c)? []{0,999} z q', {budget = math.huge}))]],
      [[while true do end]],
      [[print("alive")]],
    }, "\n") .. "\n")
    local out = sh(("%s bin/rostra repl < '%s/in.lua' > '%s/out' 2>&1 & pid=$!; "
      .. "for i in $(seq 100); do grep -q built '%s/out' && break; sleep 0.05; done; sleep 0.3; "
      .. "kill -INT $pid; sleep 0.5; kill -INT $pid; sleep 0.5; kill $pid 2>/dev/null; "
      .. "wait $pid; echo \"exit=$?\"")
      :format(LUA, dir, dir, dir))
    local got = support.read(dir .. "/out")
    os.execute("rm -rf '" .. dir .. "'")
    assert.matches("exit=0", out, 1, true)
    assert.are.equal("built\ninterrupted\ninterrupted\nalive\n", got)
  end)
end)

-- }======================================================

-- {====================================================== control characters

describe("control characters shown, not executed #hostile", function()
  local result = require "rostra.result"
  -- clear screen, a window title (OSC), a bell, a C1 CSI (U+009B), a backspace
  local NASTY = "We want peace \27[2J now. \27]0;pwned\7 Peace \194\155" .. "31m again\8 and peace.\n"

  -- no byte that a terminal would act on: C0 but tab and newline, DEL, C1
  local function inert(s)
    return not s:find("[%z\1-\8\11-\31\127]") and not s:find("\194[\128-\159]")
  end

  it("escapes them in KWIC lines and their title", function()
    local c = rostra.corpus()
    c:add(NASTY)
    local k = c:kwic("peace", { context = 10 })
    local text = tostring(k)
    assert.is_true(inert(text), text)
    assert.matches("\\x1b[2J", text, 1, true)
    assert.matches("\\x1b]0;pwned\\x07", text, 1, true)
    assert.matches("\\u009b", text, 1, true)
    for i = 1, #k do
      assert.is_true(inert(k[i]:highlight():gsub("\27%[[%d;]*m", "")))
    end
    -- the data keeps its bytes
    assert.matches("\27", k[1].right, 1, true)
  end)

  it("escapes them in text tables; TSV, CSV and JSON by their own rules", function()
    local t = result.new({ "text", "n" }, { { text = "a\27[2Jb\7c\194\155d\tz", n = 1 } })
    local shown = t:format()
    assert.is_true(inert(shown), shown)
    assert.matches("a\\x1b[2Jb\\x07c\\u009bd z", shown, 1, true)
    assert.are.equal("text\tn\na\\x1b[2Jb\\x07c\\xc2\\x9bd\\tz\t1\n", t:to_tsv())
    assert.are.equal('text,n\n"a\27[2Jb\7c\194\155d\tz",1\n', t:to_csv())
    local json = t:to_json()
    assert.is_true(inert(json), json)
    assert.matches('"a\\u001b[2Jb\\u0007c\\u009bd\\tz"', json, 1, true)
    -- a JSON reader gets the bytes back
    local ok, cjson = pcall(require, "cjson")
    if ok then assert.are.equal("a\27[2Jb\7c\194\155d\tz", cjson.decode(json)[1].text) end
    assert.are.equal("x\\x1b\ty\n", result.visible("x\27\ty\n", true))
  end)

  it("escapes them in the command's text output, warnings and errors", function()
    local dir = tmpdir()
    write(dir .. "/s.txt", NASTY)
    local out, rc = sh(("%s bin/rostra kwic peace '%s/s.txt'"):format(LUA, dir))
    assert.are.equal(0, rc, out)
    assert.is_true(inert(out), out)
    assert.matches("\\x1b[2J", out, 1, true)
    out = sh(("%s bin/rostra parse '%s/s.txt'"):format(LUA, dir))
    assert.is_true(inert(out), out)
    out, rc = sh(("%s bin/rostra count peace \"%s/$(printf 'x\\033]0;t\\007.txt')\""):format(LUA, dir))
    assert.are.equal(1, rc)
    assert.is_true(inert(out), out)
    assert.matches("x\\x1b]0;t\\x07.txt", out, 1, true)
    os.execute("rm -rf '" .. dir .. "'")
  end)
end)

-- }======================================================

-- {====================================================== folder walks

describe("folder walks #hostile", function()
  local dir
  before_each(function()
    dir = tmpdir()
    os.execute(("mkdir -p '%s/sub' && cp examples/sample.txt '%s/a.txt' && "
      .. "cp examples/sample.txt '%s/sub/b.txt'"):format(dir, dir, dir))
  end)
  after_each(function() os.execute("rm -rf '" .. dir .. "'") end)

  local function has(list, pattern)
    for _, w in ipairs(list) do if w:find(pattern) then return true end end
    return false
  end

  it("loads each file once through a link loop (self -> .), with a warning", function()
    os.execute(("ln -s . '%s/self'"):format(dir))
    local c = assert(rostra.load(dir))
    local _, ndoc = c:counts()
    assert.are.equal(2, ndoc)
    local w = c:info().warnings
    local here = dir:gsub("%p", "%%%0")
    assert.is_true(has(w, "/self: the same folder as " .. here .. " "), table.concat(w, "\n"))
  end)

  it("stays linear with two loops and a link up the tree", function()
    os.execute(("ln -s . '%s/s1'; ln -s . '%s/s2'; ln -s .. '%s/sub/up'"):format(dir, dir, dir))
    local t0 = os.clock()
    local c = assert(rostra.load(dir))
    assert.is_true(within(t0, 2))
    local _, ndoc = c:counts()
    assert.are.equal(2, ndoc)
    local w = c:info().warnings
    assert.are.equal(3, #w, table.concat(w, "\n"))
    assert.is_true(has(w, "/s1: the same folder"))
    assert.is_true(has(w, "/s2: the same folder"))
    assert.is_true(has(w, "/sub/up: the same folder"))
  end)

  it("lists every duplicate path: links and second names of files, lists naming a file twice", function()
    os.execute(("ln -s a.txt '%s/alias.txt'; ln '%s/a.txt' '%s/hard.txt'"):format(dir, dir, dir))
    local c = assert(rostra.load(dir))
    local _, ndoc = c:counts()
    assert.are.equal(2, ndoc)
    local w = c:info().warnings
    assert.is_true(has(w, "/alias.txt: the same file as .*/a.txt"), table.concat(w, "\n"))
    assert.is_true(has(w, "/hard.txt: the same file as .*/a.txt"), table.concat(w, "\n"))
    c = assert(rostra.load { dir .. "/a.txt", dir .. "/hard.txt", dir .. "/sub/b.txt", dir .. "/a.txt" })
    _, ndoc = c:counts()
    assert.are.equal(2, ndoc)
    w = c:info().warnings
    assert.is_true(has(w, "/hard.txt: the same file as .*/a.txt"))
    assert.is_true(has(w, "/a.txt: named twice"))
  end)

  it("skips a FIFO, a broken link and a link loop named .txt, with warnings, without blocking", function()
    os.execute(("mkfifo '%s/pipe.txt'; ln -s nowhere.txt '%s/broken.txt'; ln -s loop.txt '%s/loop.txt'")
      :format(dir, dir, dir))
    local t0 = core.clock() -- wall time: blocking on the FIFO takes no CPU
    local c = assert(rostra.load(dir))
    assert.is_true(core.clock() - t0 < 10)
    local _, ndoc = c:counts()
    assert.are.equal(2, ndoc)
    local w = c:info().warnings
    assert.is_true(has(w, "/pipe.txt: not a regular file %(a FIFO%)"), table.concat(w, "\n"))
    assert.is_true(has(w, "/broken.txt: a broken symbolic link"))
    assert.is_true(has(w, "/loop.txt: a broken symbolic link %(Too many levels"))
  end)

  it("shows the walks' warnings on the command line, several inputs too", function()
    os.execute(("ln -s . '%s/self'"):format(dir))
    local out, rc = sh(("%s bin/rostra count peace '%s' '%s/a.txt'"):format(LUA, dir, dir))
    assert.are.equal(0, rc, out)
    assert.matches("warning: [^\n]*/self: the same folder", out)
    assert.matches("warning: [^\n]*/a.txt: named twice", out)
  end)
end)

-- }======================================================

-- {====================================================== lexicon bounds

describe("lexicon bounds #hostile", function()
  -- a corpus whose vocabulary has n words starting with re and n with de
  local function re_de_corpus(n)
    local words = {}
    for i = 1, n do
      words[#words + 1] = ("re%dx"):format(i)
      words[#words + 1] = ("de%dy"):format(i)
    end
    local c = rostra.corpus()
    c:add(table.concat(words, " ") .. ".")
    return c
  end

  it("counts the expansion of every glob before building and names the pattern past the budget", function()
    local c = re_de_corpus(800) -- "re* de*" alone: 640,000 phrases
    local lex = rostra.lexicon { g = { "re* de*", "de* re*", "re* re*", "de* de*", "re*", "peace" } }
    local t0 = os.clock()
    local ok, err = pcall(c.tag, c, lex)
    assert.is_true(within(t0, 2))
    assert.is_false(ok)
    assert.matches("lexicon too large once expanded: 2560800 phrases of the vocabulary in all, over its "
      .. "budget of 1000000 %(max_phrases%); pattern 'de%* re%*' %(640000 phrases%) brings it past; "
      .. "the largest is 're%* de%*' %(640000 phrases%)", err)
  end)

  it("builds what fits, and max_phrases raises or lowers the budget", function()
    local c = re_de_corpus(100) -- 10,000 phrases a pattern
    local lex = rostra.lexicon { g = { "re* de*" }, h = { "de* re*" } }
    local ok, err = pcall(c.tag, c, lex, { max_phrases = 15000 })
    assert.is_false(ok)
    assert.matches("over its budget of 15000 %(max_phrases%); pattern 'de%* re%*'", err)
    local t = c:tag(lex, { max_phrases = 25000 })
    -- "re1x de1y ... re100x de100y": every re-word followed by a de-word is one
    -- "re* de*" match (100), every de-word followed by a re-word one "de* re*" (99),
    -- longest first and not overlapping: the re* de* pairs come first
    assert.are.equal(100, t:totals():filter(function(r) return r.theme == "g" end)[1].count)
    assert.is_truthy(c:tag(lex))
    assert.has_error(function() c:tag(lex, { max_phrases = 0 }) end)
    assert.has_error(function() c:tag(lex, { max_phrases = "many" }) end)
  end)

  it("keeps a plain pattern to a few hundred bytes and reads a large lexicon fast", function()
    local n = LIGHT and 20000 or 100000
    local dir = tmpdir()
    local lines = { "%", "1\tone", "2\ttwo", "%" }
    for i = 1, n do lines[#lines + 1] = ("w%d\t%d"):format(i, i % 2 + 1) end
    write(dir .. "/big.dic", table.concat(lines, "\n") .. "\n")
    collectgarbage()
    collectgarbage()
    local before = collectgarbage("count")
    local t0 = os.clock() -- CPU time: the machine may be busy
    local lex = assert(rostra.lexicon(dir .. "/big.dic"))
    local secs = os.clock() - t0
    collectgarbage()
    collectgarbage()
    local per = (collectgarbage("count") - before) * 1024 / n
    assert.are.equal(n, #lex)
    assert.is_true(per < 300, ("%.0f bytes a pattern"):format(per))
    assert.is_true(SLOW or secs < 1, ("%.2f s"):format(secs))
    assert.are.same({ pattern = "w7", category = "two", weight = 1, glob = false, phrase = false,
      exclude = false, line = 11, col = 1 }, lex:entries()[7])
    assert.are.same({ "w7" }, lex:patterns()[7].tokens)
    -- tagging with it stays lean as well
    local c = rostra.corpus()
    c:add("w1 w2 w3 and w7 again.")
    local t = c:tag(lex):totals()
    local counts = {}
    for _, r in ipairs(t) do counts[r.theme] = r.count end
    assert.are.same({ one = 1, two = 3 }, counts) -- w2; w1, w3, w7 (code i % 2 + 1)
    os.execute("rm -rf '" .. dir .. "'")
  end)
end)

-- }======================================================

-- {====================================================== files changed underneath

describe("an index file changed underneath its reader #hostile", function()
  local dir
  before_each(function() dir = tmpdir() end)
  after_each(function() os.execute("rm -rf '" .. dir .. "'") end)

  local function big_corpus(n)
    local words = {}
    for i = 1, n do words[i] = ({ "peace", "and", "security", "for", "all", "." })[i % 6 + 1] end
    local c = rostra.corpus()
    c:add(table.concat(words, " "))
    return c
  end

  local function is_corrupt(f, ...)
    local ok, err = pcall(f, ...)
    assert.is_false(ok)
    assert.matches("corrupt index: the file changed while it was open %(truncated, or written over in place%)"
      .. "; reopen it %(ECORRUPT%)", err)
  end

  it("survives a truncation (SIGBUS caught) and raises ECORRUPT from then on", function()
    local p = dir .. "/x.rostra"
    assert(big_corpus(200000):save(p))
    local c = assert(rostra.open(p))
    local n = c:count("peace")
    assert.are.equal(c:count("peace"), n)
    io.open(p, "w"):close() -- truncated to nothing, in this process: at once
    is_corrupt(c.count, c, '[lower="p.*"] []')
    is_corrupt(c.count, c, "peace")
    is_corrupt(c.kwic, c, "security")
    is_corrupt(c.freq, c)
    c:close()
    local d, _, code = rostra.open(p)
    assert.is_nil(d)
    assert.are.equal("ENOTINDEX", code)
  end)

  it("survives another index copied over it in place by another process", function()
    local p, q = dir .. "/x.rostra", dir .. "/y.rostra"
    assert(big_corpus(200000):save(p))
    assert(small_corpus():save(q))
    local c = assert(rostra.open(p))
    assert.is_true(c:count("peace") > 1000)
    local out, rc = sh(("cp '%s' '%s'"):format(q, p))
    assert.are.equal(0, rc, out)
    is_corrupt(c.count, c, "peace")
    is_corrupt(function() for _ in c:spans("sentence") do end end)
    -- reopened, it is the new index
    assert.are.equal(3, assert(rostra.open(p)):count("peace"))
  end)

  it("keeps answering when the file is replaced by a save (a rename leaves the mapping whole)", function()
    local p = dir .. "/x.rostra"
    assert(big_corpus(60000):save(p))
    local c = assert(rostra.open(p))
    local n = c:count("peace")
    assert(small_corpus():save(p))
    assert.are.equal(n, c:count("peace"))
    assert.are.equal(3, assert(rostra.open(p)):count("peace"))
  end)

  it("still dies of a SIGBUS that is not about an index", function()
    local script = dir .. "/bus.lua"
    write(script, [[local rostra = require "rostra"
      local c = assert(rostra.open(arg[1]))
      os.execute("kill -BUS $PPID")
      print("survived")]])
    assert(small_corpus():save(dir .. "/x.rostra"))
    local out, rc = sh(("%s '%s' '%s/x.rostra'"):format(LUA, script, dir))
    assert.is_nil(out:find("survived", 1, true))
    -- 128 + SIGBUS; under the sanitizers their own handler, called in turn, aborts
    assert.is_true(rc == 135 or (SLOW and rc == 134), "exit " .. tostring(rc))
  end)
end)

-- }======================================================

-- {====================================================== sanity checks on open

describe("a damaged index opened without verify #hostile", function()
  local dir
  before_each(function() dir = tmpdir() end)
  after_each(function() os.execute("rm -rf '" .. dir .. "'") end)

  local function u32(s, at) return string.unpack("<I4", s, at + 1) end
  local function u64(s, at) return string.unpack("<I8", s, at + 1) end

  -- offset and size of section id (the header is 32 bytes, then 40 a section)
  local function section(bytes, id)
    for i = 0, u32(bytes, 12) - 1 do
      local e = 32 + i * 40
      if u32(bytes, e) == id then return u64(bytes, e + 8), u64(bytes, e + 16) end
    end
  end

  local function flip(bytes, at) -- one byte, 1-based offset + 1
    return bytes:sub(1, at) .. string.char(255 - bytes:byte(at + 1)) .. bytes:sub(at + 2)
  end

  local function corpus3()
    local c = rostra.corpus()
    c:add("Peace and security for all. We want peace.", { lang = "en" })
    c:add("War is not peace. Security first.", { lang = "en" })
    c:add("La paix et la sécurité.", { lang = "fr" })
    return c
  end

  it("refuses a flipped byte in the speech records instead of counting nonsense", function()
    local p = dir .. "/x.rostra"
    assert(corpus3():save(p))
    local bytes = support.read(p)
    local off, size = section(bytes, 7) -- the speech records, 32 bytes each
    assert.are.equal(3 * 32, size)
    -- the issue's case: the token count of a speech (bytes 20..23 of its record)
    write(p, flip(bytes, off + 32 + 23))
    local c, msg, code = rostra.open(p)
    assert.is_nil(c)
    assert.are.equal("ECORRUPT", code)
    assert.matches("corrupt index: speech 2: its tokens are out of range", msg, 1, true)
    -- every byte of text offsets, lengths, first tokens and token counts
    for i = 0, size - 1 do
      if i % 32 < 24 then
        write(p, flip(bytes, off + i))
        c, msg, code = rostra.open(p)
        assert.is_nil(c, "byte " .. i .. " of the speech records")
        assert.are.equal("ECORRUPT", code, msg)
      end
    end
    -- skipping the checks, the same file is read without a crash (and with nonsense)
    write(p, flip(bytes, off + 32 + 23))
    c = assert(rostra.open(p, { sanity = false }))
    assert.is_true(pcall(function() return #c:where { lang = "en" } end))
  end)

  it("refuses damaged regions and counts at first use (ECORRUPT)", function()
    local p = dir .. "/x.rostra"
    assert(corpus3():save(p))
    local bytes = support.read(p)
    -- the sentences (S_LV + 2 = 36 in store.c): the stop of the first one
    -- (bytes 4..7 of its 12) past the corpus
    local off = section(bytes, 36)
    write(p, flip(bytes, off + 7))
    local c = assert(rostra.open(p))
    local ok, err = pcall(c.count, c, "peace")
    assert.is_false(ok)
    assert.matches("corrupt index: sentence 1 is out of range (ECORRUPT)", err, 1, true)
    -- the frequency of the first word type (S_FREQ = 20)
    off = section(bytes, 20)
    write(p, flip(bytes, off + 1))
    c = assert(rostra.open(p))
    ok, err = pcall(c.freq, c)
    assert.is_false(ok)
    assert.matches("corrupt index: the frequencies of attribute 0 add up to", err, 1, true)
    -- the undamaged file opens and answers
    write(p, bytes)
    c = assert(rostra.open(p))
    assert.are.equal(3, c:count("peace"))
    assert.are.equal(2, select(2, c:where { lang = "en" }:counts()))
  end)

  it("checks its options", function()
    assert.has_error(function() rostra.open("x.rostra", { verfy = true }) end,
      "unknown option 'verfy' to 'open' (did you mean 'verify'? valid: verify, sanity)")
    assert.has_error(function() rostra.open("x.rostra", "verify") end)
  end)
end)

-- }======================================================

-- {====================================================== smaller items

describe("smaller items of careless input #hostile", function()
  it("reads /dev/zero as binary at once, not to 2 GiB", function()
    local t0 = core.clock()
    local sp, msg, code = rostra.parse_file("/dev/zero")
    assert.is_nil(sp)
    assert.are.equal("ENOTTEXT", code)
    assert.matches("not a text file: /dev/zero", msg, 1, true)
    local c = assert(rostra.load { "/dev/zero", "examples/sample.txt" })
    local _, ndoc = c:counts()
    assert.are.equal(1, ndoc)
    assert.matches("skipped not a text file: /dev/zero", c:info().warnings[1], 1, true)
    local out, rc = sh(LUA .. " bin/rostra count peace /dev/zero")
    assert.are.equal(1, rc)
    assert.matches("not a text file: /dev/zero", out, 1, true)
    -- a pipe of NUL bytes too
    out, rc = sh("head -c 50000000 /dev/zero | " .. LUA .. " bin/rostra count peace /dev/stdin")
    assert.are.equal(1, rc)
    assert.matches("not a text file: /dev/stdin", out, 1, true)
    assert.is_true(core.clock() - t0 < 5)
    -- an empty device is an empty text
    assert.is_truthy(rostra.parse_file("/dev/null"))
  end)

  it("says what is wrong with a forged corpus or handle, or a method called with a dot", function()
    local c = small_corpus()
    local ok, err = pcall(function() local f = setmetatable({}, getmetatable(c)); f:count("peace") end)
    assert.is_false(ok)
    assert.matches("bad self to 'count' %(a forged corpus: make one with rostra.corpus", err)
    ok, err = pcall(function() c.count("peace") end)
    assert.is_false(ok)
    assert.matches("bad self to 'count' (a rostra corpus expected, got a string (\"peace\")): "
      .. "call it as c:count(...), not c.count(...)", err, 1, true)
    ok, err = pcall(function() c.freq() end)
    assert.is_false(ok)
    assert.matches("bad self to 'freq' (a rostra corpus expected, got nil)", err, 1, true)
    local h = c:_handle()
    ok, err = pcall(getmetatable(h).__index.counts, setmetatable({}, getmetatable(h)))
    assert.is_false(ok)
    assert.matches("a forged corpus handle (a table given its metatable)", err, 1, true)
    assert.is_nil(err:find("rostra.corpus expected, got rostra.corpus", 1, true))
  end)

  it("points errors on a closed corpus at the caller's line", function()
    local c = small_corpus()
    c:close()
    local line = debug.getinfo(1, "l").currentline + 1
    local ok, err = pcall(function() local k = c:kwic("peace"); return k end)
    assert.is_false(ok)
    assert.matches("hostile_spec.lua:" .. line .. ": attempt to use a closed corpus", err, 1, true)
    for _, f in ipairs { "count", "query", "freq", "info" } do
      ok, err = pcall(function() local r = c[f](c, "peace"); return r end)
      assert.is_false(ok)
      assert.matches("hostile_spec.lua:%d+: attempt to use a closed corpus", err)
    end
  end)

  it("says a view is stale after c:add instead of 'speech mask of the wrong size'", function()
    local c = small_corpus()
    local v = c:where { year = 2020 }
    assert.are.equal(2, v:count("peace"))
    c:add("Peace again.", { year = 2020 })
    for _, f in ipairs { "count", "kwic", "freq", "counts" } do
      local ok, err = pcall(function() local r = v[f](v, "peace"); return r end)
      assert.is_false(ok)
      assert.matches("this view was made when its corpus had 2 speeches; it has 3 now: make the view "
        .. "again (c:where{...})", err, 1, true)
    end
    assert.are.equal(3, c:where { year = 2020 }:count("peace"))
  end)
end)

-- }======================================================
