-- The REPL: sessions evaluated in this process, and `rostra repl` driven in
-- a pseudo-terminal by script(1) (util-linux).
local repl = require "rostra.repl"
local rostra = require "rostra"
local result = require "rostra.result"
local support = require "support"

local SAMPLE = support.sample
local ENV = 'LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="lua/?.so;;"'

local function session(globals, color)
  local parts = {}
  local s = repl.session { out = function(x) parts[#parts + 1] = x end, globals = globals, color = color }
  local function run(...)
    parts = {}
    local status
    for _, line in ipairs { ... } do status = s:feed(line) end
    return table.concat(parts), status
  end
  return s, run
end

local corpus
local function seed()
  corpus = corpus or assert(rostra.load(SAMPLE))
  return corpus
end

describe("rostra.repl", function()
  describe("a session", function()
    it("prints the value of an expression, and the number of tokens for #c", function()
      local _, run = session { c = seed() }
      assert.equal("1787\n", run "#c")
      assert.equal("3\tx\n", run '1 + 2, "x"')
      assert.equal("", run "local y = 1")
    end)

    it("runs statements and keeps globals between lines", function()
      local s, run = session {}
      assert.equal("", run "x = 40")
      assert.equal("42\n", run "x + 2")
      assert.equal(42, s.env._)
      assert.equal("42\n", run "= _")
    end)

    it("asks for more on an incomplete chunk, as lua.c does", function()
      local s, run = session {}
      local out, status = run "for i = 1, 3 do"
      assert.equal("", out)
      assert.equal("more", status)
      assert.truthy(s.pending)
      out, status = run("print(i)", "end")
      assert.equal("1\n2\n3\n", out)
      assert.equal("ok", status)
      assert.falsy(s.pending)
      assert.equal("7\n", run("c = {", "  7 }", "c[1]"))
    end)

    it("prints an error and goes on", function()
      local _, run = session {}
      local out, status = run 'error("boom")'
      assert.equal("stdin:1: boom\n", out)
      assert.equal("error", status)
      out, status = run "x = = 1"
      assert.equal("error", status)
      assert.truthy(out:find("unexpected symbol", 1, true))
      assert.equal("2\n", run "1 + 1")
    end)

    it("leaves on exit()", function()
      local s, run = session {}
      run "exit()"
      assert.is_true(s.done)
    end)

    it("help() lists what can be done, with examples", function()
      local _, run = session { c = seed() }
      local out = run "help()"
      assert.truthy(out:find("c:kwic(", 1, true))
      assert.truthy(out:find("c:freq", 1, true))
      assert.truthy(run('help "query"'):find("within sentence", 1, true))
      assert.truthy(run("help(c)"):find(":kwic", 1, true))
    end)
  end)

  describe("show", function()
    it("shows KWIC lines aligned, the match highlighted when asked", function()
      local k = seed():kwic("community", { limit = 3 })
      local plain = repl.show(k)
      assert.equal(tostring(k), plain)
      assert.truthy(plain:find("^7 hits of community\n"))
      local lines = {}
      for l in (plain .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = l end
      assert.equal(4, #lines)
      local col
      for i = 2, 4 do
        local a = lines[i]:find("  community  ", 1, true)
        local w = result.width(lines[i]:sub(1, a))
        col = col or w
        assert.equal(col, w)
      end
      local hl = repl.show(k, { color = true })
      assert.truthy(hl:find("\27[1;31mcommunity\27[0m", 1, true))
    end)

    it("shows result tables as tables and a speech as its outline", function()
      local t = seed():freq { top = 3 }
      assert.equal(tostring(t), repl.show(t))
      local sp = assert(rostra.parse_file(SAMPLE))
      local s = repl.show(sp)
      assert.truthy(s:find('^Speech "Xi Jinping speech'))
      assert.truthy(s:find("salutation Dear President Putin", 1, true))
    end)

    it("shows plain tables as Lua constructors", function()
      assert.equal('{1, 2, "x"}', repl.show { 1, 2, "x" })
      assert.equal("{a = 1, b = {true}}", repl.show { b = { true }, a = 1 })
      assert.equal("{}", repl.show {})
      local big = {}
      for i = 1, 30 do big["key" .. i] = i end
      local s = repl.show(big)
      assert.truthy(s:find("^{\n  key1 = 1,\n  key10 = 10,\n"))
      local cyc = {}
      cyc.self = cyc
      assert.equal("{self = {<cycle>}}", repl.show(cyc))
    end)
  end)

  describe("complete", function()
    it("completes globals, fields and methods", function()
      local s = session { c = seed() }
      assert.same({ "c:kwic" }, repl.complete(s.env, "c:kw"))
      assert.same({ "rostra.load", "rostra.lower" }, repl.complete(s.env, "rostra.lo"))
      assert.truthy(#repl.complete(s.env, "pri") >= 1)
      assert.same({}, repl.complete(s.env, "nothing.here"))
    end)
  end)

  describe("in a pseudo-terminal", function()
    it("prints #c and a KWIC, with readline, continuation and highlighting", function()
      if not os.execute("command -v script >/dev/null 2>&1") then
        pending("script(1) from util-linux is not installed")
        return
      end
      local home = os.tmpname()
      os.remove(home)
      assert(os.execute("mkdir -p '" .. home .. "'"))
      local input = os.tmpname()
      local f = assert(io.open(input, "wb"))
      f:write('#c\nc:kwic("community", {limit = 2})\nfor i = 1, 2 do\nprint(i * 10)\nend\nsp.meta.speaker\n')
      f:close()
      local cmd = ("HOME='%s' ROSTRA_HISTORY='%s/history' TERM=xterm %s timeout 20 script -qec "
        .. "'lua5.4 bin/rostra repl %s' /dev/null < '%s' 2>&1"):format(home, home, ENV, SAMPLE, input)
      local p = io.popen(cmd)
      local out = p:read("a")
      p:close()
      os.remove(input)
      out = out:gsub("\27%[%?2004[hl]", ""):gsub("\r", "")
      -- with readline the line typed follows its prompt; without it, the
      -- terminal echoed every line at once, before the program started
      local rl = out:find("(Lua 5.4, readline)", 1, true) ~= nil
      if rl then
        assert.truthy(out:find("rostra> #c\n1787\n", 1, true), out)
        assert.truthy(out:find('rostra> c:kwic("community", {limit = 2})\n7 hits of community\n', 1, true),
          out)
        assert.truthy(out:find(">> print(i * 10)\n>> end\n10\n20\n", 1, true), out)
      else
        assert.truthy(out:find("rostra> 1787\n", 1, true), out)
        assert.truthy(out:find("rostra> 7 hits of community\n", 1, true), out)
        assert.truthy(out:find("rostra> >> >> 10\n20\n", 1, true), out)
      end
      assert.truthy(out:find("building of a  \27[1;31mcommunity\27[0m  with", 1, true), out)
      assert.truthy(out:find("\n20\n.-Xi Jinping\n"), out)
      if rl then
        local h = io.open(home .. "/history", "rb")
        assert.truthy(h, "the history is saved")
        local hist = h:read("a")
        h:close()
        assert.truthy(hist:find('c:kwic("community", {limit = 2})', 1, true))
        os.remove(home .. "/history")
      end
      os.remove(home)
    end)
  end)
end)
