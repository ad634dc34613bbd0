-- REPL completion leaves no space after a method name: `c:kw` + TAB gives
-- `c:kwic`, ready for its `(`.
local repl = require "rostra.repl"

describe("rostra.repl completion", function()
  it("turns readline's appended space off at every completion", function()
    local calls = {}
    local RL = { set_completion_append_character = function(ch) calls[#calls + 1] = ch end }
    local env = { c = { kwic = function() end, keyness = function() end } }
    local complete = repl.completer(env, RL)
    assert.same({ "c.keyness", "c.kwic" }, complete("c.k", 1, 3))
    assert.same({ "c.kwic" }, complete("x = c.kw", 5, 8))
    -- readline puts its default space back after each completion
    assert.same({ "", "" }, calls)
  end)

  it("types c:kw TAB ( in a terminal and gets c:kwic(", function()
    local have = os.execute("command -v python3 >/dev/null 2>&1")
      and os.execute("lua5.4 -e 'require \"readline\"' >/dev/null 2>&1")
    if not have then return pending("python3 or lua-readline is missing") end
    local p = io.popen("python3 spec/fixtures/repl/complete.py 2>&1")
    local out = p:read("a")
    p:close()
    assert.truthy(out:find('rostra> c:kwic("community")', 1, true), out)
    assert.falsy(out:find("c:kwic (", 1, true), out)
    assert.truthy(out:find("7 hits of community", 1, true), out)
  end)
end)
