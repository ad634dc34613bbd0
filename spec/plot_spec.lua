-- Plots (rostra.plot) and reports (rostra.report): the numbers of every
-- picture read back from its SVG and compared with the result it was
-- drawn from, and with counts made another way; escaping; bad input.
local rostra = require "rostra"
local plot = require "rostra.plot"
local report = require "rostra.report"
local result = require "rostra.result"
local support = require "support"

local SOTU = support.corpus .. "/uspres/sotu"
local UN = support.corpus .. "/ungdc/sample_2020-2024"

local function tmpdir()
  local d = os.tmpname()
  os.remove(d)
  assert(os.execute("mkdir -p '" .. d .. "'"))
  return d
end

local function ls(dir)
  local p = io.popen("ls -A '" .. dir .. "'")
  local out = {}
  for l in p:lines() do out[#out + 1] = l end
  p:close()
  return out
end

local function have(cmd)
  return os.execute("command -v " .. cmd .. " >/dev/null 2>&1") == true
end

-- the SVG parses as XML (xmllint when there, else a check of the tags' balance)
local function assert_xml(svg)
  if have("xmllint") then
    local f = os.tmpname()
    local h = assert(io.open(f, "wb"))
    h:write(svg)
    h:close()
    local ok = os.execute("env -u LD_PRELOAD xmllint --noout '" .. f .. "' 2>/dev/null")
    os.remove(f)
    assert.is_true(ok == true, "xmllint rejects the SVG")
  end
  assert.truthy(svg:match("^<svg xmlns=\"http://www.w3.org/2000/svg\""))
  assert.truthy(svg:match("</svg>\n$"))
end

-- the attributes of every element `tag` of class `class`
local function marks(svg, tag, class)
  local out = {}
  for attrs in svg:gmatch("<" .. tag .. " class=\"" .. class .. "\"([^>]*)>") do
    local m = {}
    for k, v in attrs:gmatch(' data%-([%w%-]+)="([^"]*)"') do m[k] = v end
    out[#out + 1] = m
  end
  return out
end

local function unescape(s)
  return (s:gsub("&lt;", "<"):gsub("&gt;", ">"):gsub("&quot;", '"'):gsub("&#39;", "'"):gsub("&amp;", "&"))
end

describe("plot", function()
  local sotu, un
  setup(function()
    if support.have_corpus() then
      sotu = assert(rostra.load(SOTU, { sidecar = "index.csv" }))
      un = assert(rostra.load(UN, { meta = "{country}_{session}_{year}.txt" }))
    end
  end)

  local function need()
    if not sotu then pending("needs ../shared/corpus") return false end
    return true
  end

  describe("trend", function()
    it("draws the rows of c:trend, and their rates are count per million of the group's words", function()
      if not need() then return end
      local t = sotu:trend({ "freedom", "liberty" }, { by = "decade" })
      -- counted another way: each match's speech, its decade from the year
      local by_hand, size = {}, {}
      for _, q in ipairs { "freedom", "liberty" } do
        by_hand[q] = {}
        for d in sotu:query(q):iter() do
          local dec = sotu:meta(d).year // 10 * 10
          by_hand[q][dec] = (by_hand[q][dec] or 0) + 1
        end
      end
      -- the words of each decade's speeches, summed by the core over a view
      for _, m in sotu:speeches() do
        local dec = m.year // 10 * 10
        if size[dec] == nil then
          size[dec] = sotu:where(function(x) return x.year // 10 * 10 == dec end):words()
        end
      end
      assert.equal("words", t.meta.denominator)
      local svg = t:svg()
      assert_xml(svg)
      local pts = marks(svg, "circle", "point")
      assert.equal(#t, #pts)
      assert.equal(24, #t / 2)   -- 1790s .. 2020s
      local seen = {}
      for _, p in ipairs(pts) do seen[p.series .. "|" .. p.x] = p end
      for _, row in t:rows() do
        local p = seen[row.query .. "|" .. row.decade]
        assert.is_table(p)
        assert.equal(row.count, tonumber(p.count))
        assert.equal(row.words, tonumber(p.words))
        assert.equal(row.per_million, tonumber(p["per-million"]))
        assert.equal(by_hand[row.query][row.decade] or 0, row.count)
        assert.equal(size[row.decade], row.words)
        assert.near(row.count * 1e6 / row.words, row.per_million, 1e-9)
      end
      -- the tooltips carry the counts
      assert.truthy(svg:find("<title>freedom, 1940s: %d+ hits in [%d,]+ "))
      -- a legend for two series, axes labelled
      assert.truthy(svg:find('class="legend"', 1, true))
      assert.truthy(svg:find(">decade</text>", 1, true))
      -- bars: one bar per point
      local bars = marks(t:svg { style = "bars" }, "rect", "bar")
      assert.equal(#t, #bars)
    end)

    it("takes per_million from rows that carry it, and computes it from words otherwise", function()
      local t = result.new({ "year", "count", "per_million" }, {
        { year = 2001, count = 3, per_million = 12.5 }, { year = 2002, count = 1, per_million = 0.25 } })
      local pts = marks(t:svg(), "circle", "point")
      assert.equal("12.5", pts[1]["per-million"])
      assert.equal("0.25", pts[2]["per-million"])
      local t2 = result.new({ "year", "count", "words" }, {
        { year = 2001, count = 3, words = 1000 }, { year = 2002, count = 1, words = 4000 } })
      pts = marks(t2:svg(), "circle", "point")
      assert.equal(3000, tonumber(pts[1]["per-million"]))
      assert.equal(250, tonumber(pts[2]["per-million"]))
    end)

    it("raises on a key no speech has, naming the keys there are", function()
      if not need() then return end
      local ok, err = pcall(sotu.trend, sotu, "freedom", { by = "presidnet" })
      assert.is_false(ok)
      assert.truthy(err:find("unknown metadata key 'presidnet'", 1, true))
      assert.truthy(err:find("president", 1, true))
      assert.truthy(err:find("decade", 1, true))
    end)
  end)

  describe("dispersion", function()
    it("has a strip per part and a mark per hit, at the result's positions", function()
      if not need() then return end
      local t = sotu:dispersion("liberty", { by = "year" })
      local svg = t:svg { parts = "all", limit = 1000 }
      assert_xml(svg)
      local strips = marks(svg, "g", "strip")
      assert.equal(#t, #strips)
      local total, moves = 0, 0
      for i, row in t:rows() do
        assert.equal(tostring(row.part), strips[i].part)
        assert.equal(row.hits, tonumber(strips[i].hits))
        total = total + row.hits
      end
      for d in svg:gmatch('<path class="hits"[^>]* d="([^"]*)"') do
        for _ in d:gmatch("M") do moves = moves + 1 end
      end
      assert.equal(t.meta.freq, total)
      assert.equal(#sotu:query("liberty"), moves)
      -- the first part with hits: its marks at 10,000 * position
      for _, row in t:rows() do
        if row.hits > 0 then
          local d = svg:match('data%-part="' .. row.part .. '"[^>]*>.-<path class="hits"[^>]* d="([^"]*)"')
          local k = 0
          for x in d:gmatch("M(%d+)") do
            k = k + 1
            assert.equal(math.floor(row.positions[k] * 10000 + 0.5), tonumber(x))
          end
          assert.equal(row.hits, k)
          break
        end
      end
    end)

    it("joins speeches into parts as c:dispersion does for a stored key", function()
      if not need() then return end
      local mine = plot.dispersion_of_matches(sotu:query("liberty"), "party")
      local core = sotu:dispersion("liberty", { by = "party" })
      assert.equal(#core, #mine)
      for i, row in core:rows() do
        local r = mine[i]
        assert.equal(row.part, r.part)
        assert.equal(row.size, r.size)
        assert.equal(row.hits, r.hits)
        for k, x in ipairs(row.positions) do assert.near(x, r.positions[k], 1e-12) end
      end
    end)

    it("draws a match set (m:plot) and several queries by a derived key", function()
      if not need() then return end
      local dir = tmpdir()
      local m = sotu:query("freedom")
      assert.is_true(m:plot(dir .. "/m.svg", { by = "decade" }))
      local svg = support.read(dir .. "/m.svg")
      local n = 0
      for d in svg:gmatch('<path class="hits"[^>]* d="([^"]*)"') do
        for _ in d:gmatch("M") do n = n + 1 end
      end
      assert.equal(#m, n)
      local t = plot.dispersion(sotu, { "freedom", "liberty" }, { by = "decade" })
      local s2 = t:svg()
      local per = {}
      for a in s2:gmatch('<path class="hits"([^>]*)>') do
        local s, h = a:match('data%-series="([^"]*)" data%-hits="(%d+)"')
        per[s] = (per[s] or 0) + tonumber(h)
      end
      assert.equal(#sotu:query("freedom"), per.freedom)
      assert.equal(#sotu:query("liberty"), per.liberty)
      os.execute("rm -rf '" .. dir .. "'")
    end)
  end)

  describe("keyness", function()
    it("draws the top positive and negative keywords with the result's scores", function()
      if not need() then return end
      local t = sotu:keyness(sotu:where { party = "Republican" }, sotu:where { party = "Democratic" },
          { top = false })
      local svg = t:svg { top = 10 }
      assert_xml(svg)
      local bars = marks(svg, "rect", "bar")
      assert.equal(20, #bars)
      -- the first ten are the ten highest scores, the last ten the lowest
      for i = 1, 10 do
        assert.equal(t[i].word, unescape(bars[i].word))
        assert.equal(t[i].score, tonumber(bars[i].score))
        assert.equal(t[i].a, tonumber(bars[i].a))
        assert.equal("+", bars[i].sign)
      end
      for i = 1, 10 do
        local row = t[#t - 10 + i]
        assert.equal(row.word, unescape(bars[10 + i].word))
        assert.equal(row.score, tonumber(bars[10 + i].score))
        assert.equal("-", bars[10 + i].sign)
      end
    end)
  end)

  describe("themes", function()
    it("puts in each cell of the heat map the share t:by gives", function()
      if not need() then return end
      local lex = rostra.lexicon("political")
      local t = un:tag(lex, { by = "year" })
      local svg = t:svg()
      assert_xml(svg)
      local cells = marks(svg, "rect", "cell")
      local by = t:by("year")
      local got = {}
      for _, c in ipairs(cells) do got[c.theme .. "|" .. c.x] = c end
      local years, themes = {}, {}
      for _, row in by:rows() do
        local c = got[row.theme .. "|" .. row.year]
        assert.is_table(c)
        assert.equal(row.share, tonumber(c.share))
        assert.equal(row.tokens, tonumber(c.tokens))
        assert.equal(row.count, tonumber(c.count))
        years[row.year], themes[row.theme] = true, true
      end
      local ny, nt = 0, 0
      for _ in pairs(years) do ny = ny + 1 end
      for _ in pairs(themes) do nt = nt + 1 end
      assert.equal(5, ny)
      assert.equal(ny * nt, #cells)   -- a full grid, empty cells at 0
    end)

    it("by a derived key sums the speeches of each decade", function()
      if not need() then return end
      local lex = rostra.lexicon("political")
      local t = sotu:tag(lex)
      local cells = marks(t:svg { by = "decade" }, "rect", "cell")
      local by_year = t:by("year")
      local tokens = {}
      for _, row in by_year:rows() do
        local k = row.theme .. "|" .. (row.year // 10 * 10)
        tokens[k] = (tokens[k] or 0) + row.tokens
      end
      local n = 0
      for _, c in ipairs(cells) do
        if tonumber(c.tokens) > 0 then
          n = n + 1
          assert.equal(tokens[c.theme .. "|" .. c.x], tonumber(c.tokens))
        end
      end
      local m = 0
      for _ in pairs(tokens) do m = m + 1 end
      assert.equal(m, n)
    end)

    it("draws one theme's timeline, and names the themes for an unknown one", function()
      local sp = assert(rostra.parse_file(support.sample))
      local t = sp:tag(rostra.lexicon("political"), { level = "point" })
      local svg = t:svg { by = "point", theme = "health" }
      assert_xml(svg)
      local pts = marks(svg, "circle", "point")
      assert.equal(5, #pts)   -- points 0..4
      for _, p in ipairs(pts) do
        local row
        for _, r in t:rows() do if r.unit == tonumber(p.x) and r.theme == "health" then row = r end end
        assert.near(row and row.share * 1000 or 0, tonumber(p.value), 1e-9)
      end
      local ok, err = pcall(t.svg, t, { theme = "helth" })
      assert.is_false(ok)
      assert.truthy(err:find("unknown theme 'helth'", 1, true))
      assert.truthy(err:find("people_to_people", 1, true))
    end)
  end)

  describe("collocates", function()
    it("draws the top collocates by the measure", function()
      local c = rostra.corpus()
      c:add(assert(rostra.parse_file(support.sample)))
      local t = c:collocates("cooperation", { measure = "logdice", min = 2 })
      local svg = t:svg { top = 5 }
      assert_xml(svg)
      local bars = marks(svg, "rect", "bar")
      assert.equal(math.min(5, #t), #bars)
      for i, b in ipairs(bars) do
        assert.equal(t[i].collocate, unescape(b.collocate))
        assert.equal(t[i].score, tonumber(b.score))
      end
      assert.truthy(svg:find("collocates of cooperation (logdice)", 1, true))
    end)
  end)

  describe("bad input", function()
    it("draws a valid 'no data' picture for an empty result", function()
      for _, t in ipairs {
        result.new({ "year", "count", "per_million" }, {}),
        result.new({ "part", "size", "hits", "per_million", "positions" }, {}),
        result.new({ "word", "a", "b", "a_pm", "b_pm", "score", "sign" }, {}),
        result.new({ "collocate", "count", "score" }, {}),
        result.new({ "theme", "count", "tokens", "share" }, {}),
      } do
        local svg = t:svg()
        assert_xml(svg)
        assert.truthy(svg:find(">no data</text>", 1, true))
      end
    end)

    it("raises on an unknown kind or option, naming the known ones", function()
      local t = result.new({ "year", "count", "per_million" }, { { year = 1, count = 1, per_million = 1 } })
      local ok, err = pcall(t.svg, t, { kind = "pie" })
      assert.is_false(ok)
      assert.truthy(err:find("unknown plot kind 'pie' (known: dispersion, trend, keyness, themes, "
        .. "collocates, bars)",
        1, true))
      ok, err = pcall(t.svg, t, { colour = "red" })
      assert.is_false(ok)
      assert.truthy(err:find("unknown option 'colour'", 1, true))
      assert.truthy(err:find("style", 1, true))
      ok, err = pcall(t.svg, t, { key = "nope" })
      assert.is_false(ok)
      assert.truthy(err:find("unknown column 'nope'", 1, true))
      local what = result.new({ "a", "b" }, { { a = "x", b = "y" } })
      ok, err = pcall(what.svg, what)
      assert.is_false(ok)
      assert.truthy(err:find("cannot tell which plot fits", 1, true))
    end)

    it("gives nil, message, code for a path it cannot write, and leaves no file", function()
      local dir = tmpdir()
      local t = result.new({ "year", "count", "per_million" }, { { year = 1, count = 1, per_million = 1 } })
      local ok, msg, code = t:plot(dir .. "/missing/x.svg")
      assert.is_nil(ok)
      assert.equal("ENOENT", code)
      assert.truthy(msg:find(dir .. "/missing/x.svg: ", 1, true))
      ok, msg, code = t:plot(dir)
      assert.is_nil(ok)
      assert.equal("EISDIR", code)
      assert.truthy(msg:find("Is a directory", 1, true))
      os.execute("mkdir '" .. dir .. "/sub'")
      ok, msg, code = t:plot(dir .. "/sub")
      assert.is_nil(ok)
      assert.equal("EISDIR", code)
      assert.truthy(msg:find(dir .. "/sub: ", 1, true))
      if os.execute("[ $(id -u) != 0 ]") then
        os.execute("chmod 555 '" .. dir .. "'")
        ok, msg, code = t:plot(dir .. "/x.svg")
        assert.is_nil(ok)
        assert.equal("EACCES", code)
        assert.truthy(msg:find("Permission denied", 1, true))
        os.execute("chmod 755 '" .. dir .. "'")
      end
      assert.same({ "sub" }, ls(dir))
      assert.same({}, ls(dir .. "/sub"))
      assert.is_true(t:plot(dir .. "/ok.svg"))
      assert.same({ "ok.svg", "sub" }, ls(dir))
      os.execute("rm -rf '" .. dir .. "'")
    end)

    it("escapes the corpus's text: markup in a speech or its metadata stays text", function()
      local c = rostra.corpus()
      c:add("We <b>reject</b> the <script>alert(1)</script> freedom & peace.",
        { speaker = "<script>alert('x')</script>", year = 2001 })
      c:add("Freedom again, \1 and \239\191\191 and bad \255 byte.", { speaker = "A & B \"Q\"", year = 2002 })
      local svg = plot.dispersion(c, "freedom", { by = "speaker" }):svg()
      assert_xml(svg)
      assert.is_nil(svg:find("<script", 1, true))
      assert.truthy(svg:find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", 1, true))
      assert.truthy(svg:find("A &amp; B &quot;Q&quot;", 1, true))
      local f = c:freq { punct = true }
      local s2 = f:svg { kind = "bars" }
      assert_xml(s2)
      assert.is_nil(s2:find("<script", 1, true))
      local html = report.corpus(c, { queries = { "freedom" } })
      assert.is_nil(html:find("<script", 1, true))
      assert.truthy(html:find("&lt;script&gt;", 1, true))
      local sp = assert(rostra.parse("Remarks\n\nWe will <script>alert(1)</script> defend health and "
        .. "security.\n",
        { name = "x<y>.txt" }))
      local page = report.speech(sp)
      assert.is_nil(page:find("<script", 1, true))
      assert.truthy(page:find("&lt;script&gt;alert(1)&lt;/script&gt;", 1, true))
    end)
  end)

  describe("terminal bars", function()
    it("draws bars proportional to the values in Unicode eighths", function()
      local t = result.new({ "word", "count" }, { { word = "a", count = 40 }, { word = "bb", count = 10 },
        { word = "c", count = 15 } })
      local s = t:bars { width = 8 }
      local lines = {}
      for l in s:gmatch("[^\n]+") do lines[#lines + 1] = l end
      assert.equal(4, #lines)
      assert.truthy(lines[1]:find("^a   ████████ +40$"))
      assert.truthy(lines[2]:find("^bb  ██ +10$"))
      assert.truthy(lines[3]:find("^c   ███ +15$"))
      assert.equal("(count, a full bar = 40)", lines[4])
      local k = result.new({ "word", "score" }, { { word = "x", score = 2 }, { word = "y", score = -1 } })
      local s2 = k:bars { width = 4 }
      assert.truthy(s2:find("\ny %-██ +%-1\n"))
      local ok, err = pcall(t.bars, t, { widht = 3 })
      assert.is_false(ok)
      assert.truthy(err:find("unknown option 'widht'", 1, true))
    end)

    it("shows in the REPL without leaving the prompt", function()
      local repl = require "rostra.repl"
      local out = {}
      local c = rostra.corpus()
      c:add(assert(rostra.parse_file(support.sample)))
      local s = repl.session { out = function(x) out[#out + 1] = x end, globals = { c = c } }
      assert.equal("ok", s:feed('c:freq{top = 3, stopwords = "en"}:bars()'))
      local text = table.concat(out)
      local f = c:freq { top = 3, stopwords = "en" }
      local first = text:match("[^\n]*" .. f[1].lower .. "[^\n]*")
      assert.truthy(first:find("████", 1, true))
      -- the value drawn is the rate per million, shown as plot.show shows it
      assert.truthy(first:find(" " .. plot.show(f[1].per_million):gsub("%p", "%%%0") .. "$"))
    end)
  end)
end)

describe("report", function()
  it("shows the sample speech's four points with their themes", function()
    local sp = assert(rostra.parse_file(support.sample))
    local html = report.speech(sp)
    assert.truthy(html:find("^<!DOCTYPE html>"))
    assert.is_nil(html:find("<script", 1, true))
    -- nothing loaded from elsewhere
    assert.is_nil(html:find("<link", 1, true))
    assert.is_nil(html:find('src="', 1, true))
    assert.is_nil(html:find("url(http", 1, true))
    local tops = {}
    local row_pat = '<tr class="point%-row" data%-ordinal="(%d+)" data%-top%-theme="([^"]*)"'
    for ord, theme in html:gmatch(row_pat) do
      tops[tonumber(ord)] = theme
    end
    assert.same({ "health", "security", "development", "people_to_people" }, tops)
    assert.truthy(html:find(">people-to-people <", 1, true))
    -- every segment, its point, and the boilerplate with its reason
    local n = 0
    for _ in html:gmatch('<div class="seg ') do n = n + 1 end
    assert.equal(#sp:segments(), n)
    for _, b in ipairs(sp.boilerplate) do assert.truthy(html:find(">" .. b.why .. "<", 1, true)) end
    local sections = 0
    for _ in html:gmatch('<section class="point" data%-ordinal="%d"') do sections = sections + 1 end
    assert.equal(4, sections)
    -- the words of each theme, marked, are those of t:hits
    local t = sp:tag(rostra.lexicon("political"), { level = "segment" })
    local marked = 0
    for _ in html:gmatch('<mark class="hit"') do marked = marked + 1 end
    local hits = #t:hits(nil)
    assert.truthy(marked >= hits, ("%d marks for %d hits"):format(marked, hits))
    assert.truthy(html:find('<mark class="hit" data-theme="people_to_people" title="people-to-people">'
      .. 'people-to-people bonds</mark>', 1, true))
    -- the quotations
    assert.truthy(html:find('<span class="quote">', 1, true))
  end)

  it("reports a corpus with the numbers behind every picture", function()
    if not support.have_corpus() then pending("needs ../shared/corpus") return end
    local c = assert(rostra.load(UN, { meta = "{country}_{session}_{year}.txt" }))
    local html = report.corpus(c, { queries = { "climate change", "pandemic" },
        target = { country = "CHN" } })
    for _, id in ipairs { "speeches-by-key", "speeches-by-group", "top-words", "themes-by-key", "trend",
        "keyness" } do
      local pat = '<svg xmlns="http://www.w3.org/2000/svg"[^>]-aria%-labelledby="'
        .. id:gsub("%-", "%%-") .. '%-title"'
      assert.truthy(html:find(pat), id)
    end
    local figures, tables = 0, 0
    for _ in html:gmatch("<figure>") do figures = figures + 1 end
    for _ in html:gmatch("<details open>") do tables = tables + 1 end
    assert.equal(figures, tables)
    -- the trend table holds the counts of the query per year
    local n2020 = c:where { year = 2020 }:count("pandemic")
    assert.truthy(html:find('<td>pandemic</td><td class="num" data%-value="2020">2020</td>'
      .. '<td class="num" data%-value="' .. n2020 .. '"'))
  end)
end)

describe("rostra plot and rostra report", function()
  local main = support.cli_main

  it("draws each kind from the command, with the numbers of the Lua result", function()
    if not support.have_corpus() then pending("needs ../shared/corpus") return end
    local dir = tmpdir()
    local st, _, err = main { "plot", "trend", SOTU, "--sidecar", "index.csv", "--query", "freedom",
      "--query",
      "liberty", "--by", "decade", "-o", dir .. "/t.svg" }
    assert.equal(0, st, err)
    local svg = support.read(dir .. "/t.svg")
    local c = assert(rostra.load(SOTU, { sidecar = "index.csv" }))
    local t = c:trend({ "freedom", "liberty" }, { by = "decade" })
    local pts = marks(svg, "circle", "point")
    assert.equal(#t, #pts)
    for i, row in t:rows() do
      local p = pts[i]
      assert.equal(row.query, p.series)
      assert.equal(row.per_million, tonumber(p["per-million"]))
    end
    for _, args in ipairs {
      { "dispersion", "--query", "freedom", "--by", "decade" },
      { "keyness", "--target", "party=Republican", "--reference", "party=Democratic", "--top", "5" },
      { "themes", "--by", "decade" },
      { "themes", "--by", "decade", "--theme", "health" },
      { "collocates", "--query", "freedom", "--measure", "logdice", "--top", "7" },
    } do
      local a = { "plot", args[1], SOTU, "--sidecar", "index.csv", "-o", dir .. "/x.svg" }
      for i = 2, #args do a[#a + 1] = args[i] end
      st, _, err = main(a)
      assert.equal(0, st, table.concat(args, " ") .. ": " .. err)
      assert_xml(support.read(dir .. "/x.svg"))
    end
    local coll = marks(support.read(dir .. "/x.svg"), "rect", "bar")
    assert.equal(7, #coll)
    os.execute("rm -rf '" .. dir .. "'")
  end)

  it("exits 2 naming the keys for an unknown key or kind, 1 for a path it cannot write", function()
    local st, _, err = main { "plot", "themes", support.sample, "--by", "presidnet" }
    assert.equal(2, st)
    assert.truthy(err:find("unknown metadata key 'presidnet' (keys: ", 1, true))
    assert.truthy(err:find("speaker", 1, true))
    st, _, err = main { "plot", "pie", support.sample }
    assert.equal(2, st)
    assert.truthy(err:find("dispersion", 1, true))
    st, _, err = main { "plot", "dispersion", support.sample }
    assert.equal(2, st)
    assert.truthy(err:find("needs --query", 1, true))
    -- nothing silently ignored
    st, _, err = main { "plot", "trend", support.sample, "--query", "health", "--window", "3" }
    assert.equal(2, st)
    assert.truthy(err:find("--window does not apply to plot trend", 1, true))
    st, _, err = main { "plot", "trend", support.sample, "--query", "health", "--format", "json" }
    assert.equal(2, st)
    assert.truthy(err:find("unknown option '--format'", 1, true))
    st, _, err = main { "report", support.sample, "--query", "health" }
    assert.equal(2, st)
    assert.truthy(err:find("--query applies to the report of a corpus", 1, true))
    local dir = tmpdir()
    st, _, err = main { "plot", "themes", support.sample, "--level", "point", "-o", dir .. "/no/x.svg" }
    assert.equal(1, st)
    assert.truthy(err:find("No such file or directory", 1, true))
    assert.same({}, ls(dir))
    st, _, err = main { "report", support.sample, "-o", dir .. "/no/r.html" }
    assert.equal(1, st)
    assert.truthy(err:find("r.html: No such file or directory", 1, true))
    assert.same({}, ls(dir))
    st, _, err = main { "report", support.sample, "-o", dir .. "/r.html" }
    assert.equal(0, st, err)
    assert.truthy(support.read(dir .. "/r.html"):find('data-top-theme="people_to_people"', 1, true))
    local out
    st, out = main { "plot", "themes", support.sample, "--level", "point" }
    assert.equal(0, st)
    assert.truthy(out:find("^<svg "))
    -- a cell for each point (0..4) and each theme the sample has
    local themes, nth = {}, 0
    local sp = assert(rostra.parse_file(support.sample))
    for _, row in sp:tag(rostra.lexicon("political"), { level = "point" }):rows() do
      if not themes[row.theme] then themes[row.theme] = true nth = nth + 1 end
    end
    assert.equal(5 * nth, #marks(out, "rect", "cell"))
    os.execute("rm -rf '" .. dir .. "'")
  end)
end)
