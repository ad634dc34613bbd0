-- metadata of an opened index read in C a key at a time (csrc/metablob.c
-- through core.meta_dir): c:where with a table, c:meta_values and the
-- speeches' tables agree with the same questions asked in Lua of the corpus
-- in memory that was saved.
local rostra = require "rostra"

local function tmpfile()
  local p = os.tmpname()
  os.remove(p)
  return p .. ".rostra"
end

local METAS = {
  { country = "CHN", year = 2015, session = 70, tag = "a" },
  { country = "RUS", year = 2016, ok = true },
  {},
  { country = "USA", year = 2016.5, date = "2016-09-20", nested = { a = 1 } },
  { country = "CHN", year = "2017", ok = false },
  { country = "FRA", year = 2019, session = 74 },
}

local function build()
  local c = rostra.corpus()
  for i, m in ipairs(METAS) do c:add("speech number " .. i .. " on security.", m) end
  return c
end

-- the ids of a view, in order
local function ids(v)
  local out = {}
  for d in v:speeches() do out[#out + 1] = d end
  return out
end

describe("metadata read in C from an opened index", function()
  local mem, path, o
  setup(function()
    mem = build()
    path = tmpfile()
    assert(mem:save(path))
    o = assert(rostra.open(path))
  end)
  teardown(function()
    o:close()
    mem:close()
    os.remove(path)
  end)

  it("gives each speech's table as it was added", function()
    local n = 0
    for d, m in o:speeches() do
      n = n + 1
      assert.are.same(mem:meta(d), m)
      for k, v in pairs(METAS[d]) do assert.are.same(v, m[k]) end
    end
    assert.are.equal(#METAS, n)
    assert.are.same({ a = 1 }, o:meta(4).nested)
  end)

  it("gives one key of every speech with meta_values", function()
    assert.are.same({ [1] = 2015, [2] = 2016, [4] = 2016.5, [5] = "2017", [6] = 2019 }, o:meta_values("year"))
    assert.are.same({ [2] = true, [5] = false }, o:meta_values("ok"))
    assert.are.same({}, o:meta_values("nothing"))
    assert.are.same(mem:meta_values("country"), o:meta_values("country"))
    assert.has_error(function() o:meta_values(1) end)
  end)

  it("selects with where as the corpus in memory does", function()
    local specs = {
      { country = "CHN" },
      { country = { "CHN", "USA" } },
      { year = 2016 },
      { year = "2016" },          -- tostring equal
      { year = 2017 },            -- "2017" as a string matches by its text
      { year = { min = 2016 } },  -- numbers only: "2017" is out
      { year = { min = 2016, max = 2016.5 } },
      { year = { max = 2015 } },
      { date = { min = "2016-01-01" } },
      { ok = false },
      { ok = true },
      { ok = "true" },
      { session = 70, country = "CHN" },
      { session = 70, country = "RUS" },
      { nested = "x" },
      {},
    }
    for _, spec in ipairs(specs) do
      local want = ids(mem:where(spec))
      assert.are.same(want, ids(o:where(spec)))
      -- and by a function over the speeches' tables of the opened index
      assert.are.same(want, ids(o:where(function(m)
        for k, w in pairs(spec) do
          local v = m[k]
          if type(w) == "table" and (w.min or w.max) then
            local t = type(w.min ~= nil and w.min or w.max)
            if type(v) ~= t then return false end
            if w.min ~= nil and v < w.min then return false end
            if w.max ~= nil and v > w.max then return false end
          elseif type(w) == "table" then
            local any = false
            for _, x in ipairs(w) do any = any or v == x or (v ~= nil and tostring(v) == tostring(x)) end
            if not any then return false end
          elseif not (v == w or (v ~= nil and tostring(v) == tostring(w))) then
            return false
          end
        end
        return true
      end)))
    end
    assert.has_error(function() o:where { missing = 1 } end)
    -- a derived key (decade from year: 2016.5 has none)
    assert.are.same({ 1, 2, 5, 6 }, ids(o:where { decade = 2010 }))
    assert.are.same({ 2, 6 }, ids(o:where { decade = 2010, year = { min = 2016 } }))
    -- by hand
    assert.are.same({ 1, 5 }, ids(o:where { country = "CHN" }))
    assert.are.same({ 2, 4 }, ids(o:where { year = { min = 2016, max = 2016.5 } }))
    assert.are.same({ 5 }, ids(o:where { ok = false }))
  end)

  it("composes views", function()
    local v = o:where { country = { "CHN", "RUS", "USA" } }
    assert.are.same({ 2, 4 }, ids(v:where { year = { min = 2016 } }))
    local m = mem:where { country = { "CHN", "RUS", "USA" } }
    assert.are.same({ 2, 4 }, ids(m:where { year = { min = 2016 } }))
  end)

  it("raises once the corpus is closed", function()
    local p2 = tmpfile()
    assert(mem:save(p2))
    local o2 = assert(rostra.open(p2))
    o2:close()
    assert.has_error(function() o2:where { country = "CHN" } end)
    assert.has_error(function() o2:meta_values("year") end)
    os.remove(p2)
  end)
end)
