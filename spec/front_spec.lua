-- core.frontmatter: YAML front matter read with libyaml (csrc/front.c)
local core = require "rostra.core"

local FIX = "spec/fixtures/front/"

local function fixture(name)
  local f = assert(io.open(FIX .. name, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- the front matter of a one-key block holding `yaml`
local function value(yaml)
  local meta, off = core.frontmatter("---\nv: " .. yaml .. "\n---\n")
  assert(meta, off)
  return meta.v
end

describe("rostra.core.frontmatter", function()
  describe("a transcript with front matter", function()
    local text = fixture("address.txt")
    local meta, off = core.frontmatter(text, "address.txt")

    it("reads the keys as typed values", function()
      assert.same({
        title = "Address to the nation",
        date = "2020-11-10",
        speaker = "Xi Jinping",
        tags = { "a", "b" },
        session = 75,
      }, meta)
    end)

    it("keeps numbers numbers and dates strings", function()
      assert.equal("integer", math.type(meta.session))
      assert.equal(75, meta.session)
      assert.equal("string", type(meta.date))
      assert.equal("2020-11-10", meta.date)
    end)

    it("returns the 1-based offset of the body", function()
      assert.equal(102, off)
      assert.equal("Dear compatriots, friends, ladies and gentlemen.\n", text:sub(off))
      assert.equal("---\n", text:sub(off - 4, off - 1))
    end)
  end)

  it("handles a BOM, trailing spaces, CRLF and a '...' closing line", function()
    local text = fixture("bom_crlf.txt")
    local meta, off = core.frontmatter(text)
    assert.same({
      title = "Discours à la nation",
      locuteur = "Emmanuel Macron",
      ["année"] = 2020,
    }, meta)
    assert.equal("Mes chers compatriotes,\r\n", text:sub(off))
  end)

  it("returns an empty table and 1 without front matter", function()
    for _, text in ipairs({ "", "Fellow citizens,\n", "\239\187\191Hello\n", "--- a: 1\n---\n",
      "----\n", "\n---\na: 1\n---\n", fixture("none.txt") }) do
      local meta, off = core.frontmatter(text)
      assert.same({}, meta)
      assert.equal(1, off)
    end
  end)

  it("accepts an empty block", function()
    local meta, off = core.frontmatter("---\n---\nBody")
    assert.same({}, meta)
    assert.equal(9, off)
    meta, off = core.frontmatter("---\n# only a comment\n...")
    assert.same({}, meta)
    assert.equal(25, off)
  end)

  describe("values", function()
    it("converts plain scalars by the YAML 1.2 core schema", function()
      assert.equal(true, value("true"))
      assert.equal(false, value("False"))
      assert.equal(-12, value("-12"))
      assert.equal("integer", math.type(value("007")))
      assert.equal(7, value("007"))
      assert.equal(15, value("0o17"))
      assert.equal(255, value("0xFF"))
      assert.equal(1.5, value("1.5"))
      assert.equal("float", math.type(value("1e3")))
      assert.equal(1000, value("1e3"))
      assert.equal(-math.huge, value("-.inf"))
      local nan = value(".nan")
      assert.is_true(nan ~= nan)
      -- too big for an integer: a float
      assert.equal("float", math.type(value("123456789012345678901234567890")))
      assert.equal("float", math.type(value("0xFFFFFFFFFFFFFFFFFF")))
      assert.equal(math.maxinteger, value("0x7FFFFFFFFFFFFFFF"))
    end)

    it("keeps quoted, tagged, block and other scalars strings", function()
      assert.equal("75", value('"75"'))
      assert.equal("true", value("'true'"))
      assert.equal("75", value("!!str 75"))
      assert.equal("yes", value("yes"))
      assert.equal("1_000", value("1_000"))
      assert.equal("12:30", value("12:30"))
      assert.equal("2020-11-10", value("2020-11-10"))
      assert.equal("one\ntwo\n", value("|\n  one\n  two"))
    end)

    it("leaves out nulls", function()
      local meta = core.frontmatter("---\na: ~\nb:\nc: null\nd: [1, ~, 2]\n---\n")
      assert.same({ d = { 1, 2 } }, meta)
    end)

    it("builds nested tables and arrays", function()
      local meta = core.frontmatter([[
---
event:
  place: Geneva
  when: {year: 2020, month: 11}
  people:
    - name: A
      role: chair
    - B
---
]])
      assert.same({
        event = {
          place = "Geneva",
          when = { year = 2020, month = 11 },
          people = { { name = "A", role = "chair" }, "B" },
        },
      }, meta)
    end)

    it("keeps any UTF-8 and embedded zeros", function()
      local meta = core.frontmatter('---\n"引言": 中华人民共和国\ntítulo: «Discours»\nz: "a\\0b"\n---\n')
      assert.same({ ["引言"] = "中华人民共和国", ["título"] = "«Discours»", z = "a\0b" }, meta)
    end)

    it("lets the last of duplicate keys win", function()
      local meta = core.frontmatter("---\na: 1\nb: [x]\na: {c: 2}\nb: last\n---\n")
      assert.same({ a = { c = 2 }, b = "last" }, meta)
    end)

    it("copies aliases", function()
      local meta = core.frontmatter("---\nbase: &b {lang: en}\ncopy: *b\n---\n")
      assert.same({ lang = "en" }, meta.copy)
      assert.are_not.equal(meta.base, meta.copy)
    end)

    it("keys stay strings", function()
      local meta = core.frontmatter("---\n1: one\ntrue: yes\n---\n")
      assert.same({ ["1"] = "one", ["true"] = "yes" }, meta)
    end)
  end)

  describe("errors", function()
    it("reports a malformed block with its location", function()
      local meta, msg, code = core.frontmatter(fixture("malformed.txt"), "malformed.txt")
      assert.is_nil(meta)
      assert.equal("malformed.txt:3:7: mapping values are not allowed in this context", msg)
      assert.equal("EPARSE", code)
    end)

    it("names the input 'input' by default", function()
      local meta, msg, code = core.frontmatter("---\ntitle: x\nspeaker Xi\ndate: 1\n---\n")
      assert.is_nil(meta)
      assert.equal("input:4:1: could not find expected ':' (while scanning a simple key at 3:1)", msg)
      assert.equal("EPARSE", code)
    end)

    it("counts lines in the whole file and columns in characters", function()
      local _, msg = core.frontmatter("\239\187\191---\r\na: 1\r\nfóó: «á»: b\r\n---\r\n", "x")
      assert.equal("x:3:9: mapping values are not allowed in this context", msg)
    end)

    it("reports an unclosed block at 1:1", function()
      local meta, msg, code = core.frontmatter(fixture("unclosed.txt"), "unclosed.txt")
      assert.is_nil(meta)
      assert.equal("unclosed.txt:1:1: front matter block not closed", msg)
      assert.equal("EPARSE", code)
      assert.equal("input:1:1: front matter block not closed", select(2, core.frontmatter("---")))
    end)

    it("wants a mapping at the top", function()
      for _, text in ipairs({ "---\n- a\n- b\n---\n", "---\njust words\n---\n" }) do
        local meta, msg, code = core.frontmatter(text)
        assert.is_nil(meta)
        assert.equal("input:1:1: front matter must be a mapping of keys to values", msg)
        assert.equal("EPARSE", code)
      end
    end)

    it("refuses non-scalar keys, unknown and recursive aliases", function()
      assert.equal("input:2:1: front matter keys must be scalars",
        select(2, core.frontmatter("---\n[a]: 1\n---\n")))
      assert.equal("input:2:4: unknown alias *nope",
        select(2, core.frontmatter("---\na: *nope\n---\n")))
      assert.equal("input:2:11: recursive alias *x",
        select(2, core.frontmatter("---\na: &x [1, *x]\n---\n")))
    end)

    it("stops an alias bomb", function()
      local lol = { "---", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]" }
      for i, name in ipairs({ "b", "c", "d", "e", "f", "g", "h", "i" }) do
        local prev = string.char(string.byte("a") + i - 1)
        lol[#lol + 1] = ("%s: &%s [%s]"):format(name, name, ("*" .. prev .. ", "):rep(8) .. "*" .. prev)
      end
      lol[#lol + 1] = "---\n"
      local meta, msg, code = core.frontmatter(table.concat(lol, "\n"))
      assert.is_nil(meta)
      assert.equal("input:6:", msg:sub(1, 8))
      assert.matches("front matter too large", msg, 1, true)
      assert.equal("EPARSE", code)
    end)

    it("raises on a non-string text, naming the argument", function()
      for _, bad in ipairs({ 42, {}, true }) do
        local ok, err = pcall(core.frontmatter, bad)
        assert.is_false(ok)
        assert.matches("bad argument #1 to '[%w.]*frontmatter' %(string expected, got " .. type(bad), err)
      end
      local ok, err = pcall(core.frontmatter)
      assert.is_false(ok)
      assert.matches("bad argument #1", err, 1, true)
    end)

    it("raises 'not enough memory' when any allocation fails", function()
      local text = "---\ntitle: x\n&k speaker: y\nwho: *k\ntags: [a, b, c]\n" ..
        "base: &b {n: 1, l: [x, {y: z}]}\ncopy: *b\n---\nBody\n"
      local expected = assert(core.frontmatter(text))
      core._failalloc(1e9)
      core.frontmatter(text)
      local total = core._failalloc(nil)
      assert.is_true(total > 20)
      for k = 1, total do
        core._failalloc(k)
        local ok, err = pcall(core.frontmatter, text)
        core._failalloc(nil)
        assert.is_false(ok)
        assert.matches("not enough memory", err, 1, true)
      end
      -- all is well afterwards
      collectgarbage()
      assert.same(expected, (core.frontmatter(text)))
    end)
  end)
end)
