-- c:dfm and its export: counts worked out by hand on small corpora, and the
-- UNGDC sample read back with Python's SciPy (Debian's python3-scipy) with
-- every row sum checked against c:freq of that document.
local rostra = require "rostra"
local support = require "spec.support"

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function tmpdir()
  local p = os.tmpname()
  os.remove(p)
  return p
end

local function rmdir(d)
  os.execute("rm -rf '" .. d .. "'")
end

-- a Python with SciPy: Debian's first (a pyenv on PATH may lack it)
local function scipy_python()
  for _, py in ipairs { "/usr/bin/python3", "python3" } do
    if os.execute(py .. " -c 'import scipy.io' >/dev/null 2>&1") then return py end
  end
end

local function small()
  local c = rostra.corpus()
  c:add("Peace and peace. War!", { file = "a.txt", year = 2020, country = "X" })
  c:add("War, war and more war; peace.", { file = "b.txt", year = 2021, country = "Y" })
  c:add("And so on.", { file = "c.txt", year = 2021 })
  return c
end

describe("c:dfm", function()
  it("counts each speech's lower forms, most frequent feature first", function()
    local m = small():dfm()
    -- totals: war 4, and 3, peace 3, more 1, on 1, so 1 (punctuation left out)
    assert.are.equal(3, m.nrows)
    assert.are.equal(6, m.ncols)
    local f = m:features()
    local forms = {}
    for i, r in ipairs(f) do forms[i] = r.feature end
    assert.are.same({ "war", "and", "peace", "more", "on", "so" }, forms)
    local counts, docs = {}, {}
    for i, r in ipairs(f) do counts[i], docs[i] = r.count, r.docs end
    assert.are.same({ 4, 3, 3, 1, 1, 1 }, counts)
    assert.are.same({ 2, 3, 2, 1, 1, 1 }, docs)
    assert.are.same({ peace = 2, ["and"] = 1, war = 1 }, m:row(1))
    assert.are.same({ war = 3, ["and"] = 1, more = 1, peace = 1 }, m:row(2))
    assert.are.same({ ["and"] = 1, so = 1, on = 1 }, m:row(3))
    assert.are.same({ 4, 6, 3 }, m:row_sums())
    assert.are.equal(10, m.nnz)
  end)

  it("writes Matrix Market, features and docvars files", function()
    local d = tmpdir()
    local m = small():dfm()
    assert.is_true(m:export(d))
    local mtx = read(d .. "/matrix.mtx")
    local lines = {}
    for l in mtx:gmatch("[^\n]+") do if l:sub(1, 1) ~= "%" then lines[#lines + 1] = l end end
    assert.are.equal("%%MatrixMarket matrix coordinate integer general", mtx:match("^[^\n]*"))
    -- columns: 1 war, 2 and, 3 peace, 4 more, 5 on, 6 so
    assert.are.same({ "3 6 10", "1 1 1", "1 2 1", "1 3 2", "2 1 3", "2 2 1", "2 3 1", "2 4 1",
                      "3 2 1", "3 5 1", "3 6 1" }, lines)
    assert.are.equal("feature\tcount\tdocs\nwar\t4\t2\nand\t3\t3\npeace\t3\t2\n"
      .. "more\t1\t1\non\t1\t1\nso\t1\t1\n",
      read(d .. "/features.tsv"))
    assert.are.equal("doc_id,speech,country,file,year,tokens,words\n"
      .. "a.txt,1,X,a.txt,2020,6,4\nb.txt,2,Y,b.txt,2021,9,6\nc.txt,3,,c.txt,2021,4,3\n",
      read(d .. "/docvars.csv"))
    rmdir(d)
  end)

  it("groups speeches by a metadata key, in the order of c:freq's by", function()
    local m = small():dfm { by = "year" }
    assert.are.equal(2, m.nrows)
    assert.are.same({ 4, 9 }, m:row_sums())
    assert.are.same({ "doc_id", "year", "speeches", "tokens", "words" }, m.docvars:columns())
    assert.are.equal("2021", m.docvars[2].doc_id)
    assert.are.equal(2, m.docvars[2].speeches)
    local c = small():dfm { by = "country" }
    assert.are.equal(2, c.nrows) -- c.txt has no country
    assert.are.same({ "1 speeches have no 'country' and are left out" }, c.warnings)
  end)

  it("trims features by count, documents, stopwords and number", function()
    local c = small()
    local function forms(m)
      local out = {}
      for i, r in ipairs(m:features()) do out[i] = r.feature end
      return out
    end
    assert.are.same({ "war", "and", "peace" }, forms(c:dfm { min_count = 2 }))
    assert.are.same({ "and" }, forms(c:dfm { min_docs = 3 }))
    assert.are.same({ "war", "peace" }, forms(c:dfm { stopwords = "en" })) -- and, more, so, on: stopwords
    assert.are.same({ "war", "and" }, forms(c:dfm { max_features = 2 }))
    local p = c:dfm { punct = true }
    local f = p:features()
    assert.are.equal(".", f[2].feature) -- war 4, then "." 3 (before and 3, peace 3 in byte order)
    assert.are.same({ 6, 9, 4 }, p:row_sums())
  end)

  it("counts any attribute of the index and a view's speeches only", function()
    local c = small()
    local w = c:dfm { attr = "word" }
    assert.are.same({ War = 1, war = 2, ["and"] = 1, more = 1, peace = 1 }, w:row(2))
    local v = c:where { year = 2021 }:dfm()
    assert.are.equal(2, v.nrows)
    assert.are.same({ 6, 3 }, v:row_sums())
    assert.are.equal("b.txt", v.docvars[1].doc_id)
  end)

  it("refuses unknown options and attributes, naming the valid ones", function()
    local c = small()
    assert.has_error(function() c:dfm { min_doc = 2 } end,
      "unknown option 'min_doc' to 'dfm' (valid: attr, by, max_features, min_count, min_docs, "
        .. "punct, stopwords)")
    local ok, err = pcall(c.dfm, c, { attr = "lemma" })
    assert.is_false(ok)
    assert.truthy(err:find("unknown attribute 'lemma' (valid: word, lower, stem)", 1, true))
    assert.has_error(function() c:dfm { min_count = 0 } end)
    assert.has_error(function() c:dfm { by = "party" } end)
  end)

  it("returns nil, message, code when the folder cannot be made", function()
    local m = small():dfm()
    local ok, msg, code = m:export("/nonexistent-dir-rostra/sub")
    assert.is_nil(ok)
    assert.truthy(msg:find("nonexistent", 1, true))
    assert.are.equal("ENOENT", code)
  end)
end)

describe("the DFM of the UNGDC sample read with SciPy", function()
  it("has the shape and the row sums of c:freq for each speech", function()
    if not support.have_corpus() then
      pending("../shared/corpus is missing")
      return
    end
    local py = scipy_python()
    if not py then
      pending("python3-scipy is not installed (apt-get install python3-scipy): "
        .. "the SciPy check is skipped")
      return
    end
    local c = assert(rostra.load(support.corpus .. "/ungdc/sample_2020-2024",
      { meta = "{country}_{session}_{year}.txt" }))
    local m = c:dfm()
    local d = tmpdir()
    assert.is_true(m:export(d))
    local script = d .. "/read.py"
    local f = assert(io.open(script, "w"))
    f:write([[
import sys, scipy.io
m = scipy.io.mmread(sys.argv[1] + "/matrix.mtx").tocsr()
print(m.shape[0], m.shape[1], m.nnz)
for s in m.sum(axis=1).A1:
    print(int(s))
]])
    f:close()
    local p = io.popen(py .. " " .. script .. " " .. d)
    local out = p:read("a")
    p:close()
    local nums = {}
    for x in out:gmatch("%d+") do nums[#nums + 1] = tonumber(x) end
    assert.are.same({ 964, m.ncols, m.nnz }, { nums[1], nums[2], nums[3] })
    local names = {}
    for i, row in ipairs(m.docvars) do names[i] = row.doc_id end
    for i = 1, m.nrows do
      -- the document's frequency list, counted by c:freq on a view of it alone
      local sum = 0
      for _, r in ipairs(c:where { file = names[i] }:freq()) do sum = sum + r.count end
      assert.are.equal(sum, nums[3 + i], names[i])
    end
    rmdir(d)
  end)
end)
