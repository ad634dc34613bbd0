-- Site rules without C: rostra.parse's `layout` option, rostra.load and
-- rostra parse --layout.
local rostra = require "rostra"
local support = require "spec.support"
local lpeg = require "lpeg"

local FIX = "spec/fixtures/layout/"
local TEXT = support.read(FIX .. "acme.txt")
local RULES = dofile(FIX .. "acme.lua")

local function turns(sp)
  local out = {}
  for t in sp:turns() do out[#out + 1] = t.speaker .. "|" .. t.label end
  return out
end

describe("rostra.parse with a layout", function()
  it("takes header, footer and labels from a site's rules", function()
    local sp = rostra.parse(TEXT, { layout = RULES })
    local why = {}
    for _, b in ipairs(sp.boilerplate) do why[b.line] = b.where .. ":" .. b.why end
    assert.are.equal("header:byline", why[4])        -- given: "^filed "
    assert.are.equal("header:title", why[3])          -- the parser's own rule
    assert.are.equal("footer:footer", why[10])        -- the footer begins at the rule's line
    assert.are.equal("footer:footer", why[11])
    assert.are.equal("Minister opens the bridge", sp.meta.title)
    assert.are.equal("2021-03-04", sp.meta.date)
    assert.are.same({ "MINISTER JONES|>> MINISTER JONES:", "REPORTER|>> REPORTER:",
                      "MINISTER JONES|>> MINISTER JONES:" }, turns(sp))
    local segs = sp:segments()
    assert.are.equal("Good morning. The bridge is open.", segs[1].text)
    -- a label-like line that is not the site's label stays in its turn
    assert.are.equal("Note: the minister spoke at the riverside.", segs[#segs].text)
    assert.are.equal(3, segs[#segs].turn)
  end)

  it("without the rules, reads the page by its own rules", function()
    local sp = rostra.parse(TEXT)
    assert.are.equal(1, #sp:turns()) -- ">>" labels are not known to it
  end)

  it("takes lpeg patterns, matched at the line's start, the first capture the name", function()
    local label = lpeg.P ">> " * lpeg.C((lpeg.R "AZ" + " ") ^ 1) * ":"
    local sp = rostra.parse(TEXT, { layout = { label = label, footer = lpeg.P "-- more" } })
    assert.are.same({ "MINISTER JONES|>> MINISTER JONES:", "REPORTER|>> REPORTER:",
                      "MINISTER JONES|>> MINISTER JONES:" }, turns(sp))
    local last = sp:segments()[#sp:segments()]
    assert.are.equal("Note: the minister spoke at the riverside.", last.text)
  end)

  it("raises on a malformed layout, naming the bad pattern", function()
    local function err(layout)
      local ok, e = pcall(function() local sp = rostra.parse(TEXT, { layout = layout }); return sp end)
      assert.is_false(ok)
      return tostring(e)
    end
    assert.truthy(err { header = "[oops" }:find('layout.header "[oops": malformed pattern', 1, true))
    assert.truthy(err { header = { "^a", "(x" } }:find('layout.header[2] "(x": unfinished capture', 1, true))
    assert.truthy(err { label = "^(%u+):)" }:find("invalid pattern capture", 1, true))
    assert.truthy(err { footer = { "%" } }:find('layout.footer[1] "%"', 1, true))
    assert.truthy(err { label = "[%u+" }:find('layout.label "[%u+"', 1, true))
    assert.truthy(err { headers = "x" }:find("unknown key 'headers' (did you mean 'header'? valid: header, "
      .. "footer, label)", 1, true))
    assert.truthy(err { header = { bogus = "x" } }:find("unknown reason 'bogus'", 1, true))
    assert.truthy(err { header = { titel = "x" } }
      :find("unknown reason 'titel' (did you mean 'title'?", 1, true))
    assert.truthy(err { label = 42 }:find("got number", 1, true))
    assert.truthy(err "x":find("a table expected", 1, true))
    -- the error points at the caller's line
    assert.truthy(err { header = "[" }:find("layout_spec.lua:%d+:"))
  end)

  it("is taken by rostra.load, file by file", function()
    local c = assert(rostra.load({ FIX .. "acme.txt" }, { layout = RULES }))
    assert.are.equal(1, select(2, c:counts()))
    assert.are.equal(0, c:count('"weather" within segment')) -- the footer is not speech
    local m = c:meta(1)
    assert.are.equal("Minister opens the bridge", m.title)
    assert.are.equal("MINISTER JONES", m.speaker)
    assert.are.equal(FIX .. "acme.txt", m.file)
    local bad = pcall(rostra.load, { FIX .. "acme.txt" }, { layout = { header = "[" } })
    assert.is_false(bad)
  end)

  it("leaves annotated files to rostra.load's reader", function()
    -- a CoNLL-U file has no page to read: loaded as without the layout
    local conllu = "spec/fixtures/annot/speeches.conllu"
    local alone = assert(rostra.load({ conllu }))
    local ndocs = select(2, alone:counts())
    local secure = alone:count('"secure"')
    assert.is_true(ndocs >= 1 and secure >= 1)
    local c = assert(rostra.load({ FIX .. "acme.txt", conllu }, { layout = RULES }))
    assert.are.equal(1 + ndocs, select(2, c:counts()))
    assert.are.equal(secure, c:count('"secure"'))
    assert.are.equal(0, c:count('"weather" within segment'))
    assert.are.equal("Minister opens the bridge", c:meta(1).title)
  end)
end)
