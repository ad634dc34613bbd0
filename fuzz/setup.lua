-- fuzz/setup.lua: shared by the fuzz targets that run through the Lua API
-- (fuzz_query, fuzz_index) and by spec/hardening_spec.lua, which replays
-- their crash inputs: `loadfile("fuzz/setup.lua")(root)` returns
--   {rostra, build_corpus(), exercise(c, lex), check_error(ok, err), load_lexicon()}
local ROOT = ... or "."
local rostra = require "rostra"
pcall(require, "rostra.stats") -- ngrams, collocates, ... when present
local query = require "rostra.query"
local F = { rostra = rostra }

local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local FILES = {
  "spec/fixtures/corpus/a_2019.txt", "spec/fixtures/corpus/b_2020.txt",
  "spec/fixtures/corpus/sub/c_2021.txt", "spec/fixtures/speech/points.txt",
  "spec/fixtures/speech/quotes.txt", "spec/fixtures/speech/header_dateline.txt",
  "spec/fixtures/speech/zh_ideographic.txt", "spec/fixtures/speech/fr.txt",
}

-- a few short speeches with segments, points, sentences, quotations and
-- metadata (the fixtures when there, else two built-in texts)
function F.build_corpus()
  local c = rostra.corpus()
  local n = 0
  for i, f in ipairs(FILES) do
    local text = read(ROOT .. "/" .. f)
    if text then
      local sp = assert(rostra.parse(text, { name = f }))
      c:add(sp, { year = 2018 + i % 4, country = i % 2 == 0 and "CHN" or "USA" })
      n = n + 1
    end
  end
  if n == 0 then
    c:add(rostra.parse("Mr. President,\n\nFirst, security and development go together.\n\n"
      .. "Second, “Security for all” is what we ask.\n\nThank you.\n"), { year = 2019 })
    c:add("Our people want peace. The U.S. and China spoke. No. 5 is next.", { year = 2020 })
  end
  c:add("A plain text, with     wide gaps\n\n\n" .. string.rep(" ", 300) .. "and a long one.",
    { year = 2021 })
  return c
end

-- an error from inside a pcall must be a message, never another value
function F.check_error(ok, err)
  if not ok and type(err) ~= "string" then
    error("an error that is not a string: " .. tostring(err))
  end
  return ok
end

local function try(f, ...)
  return F.check_error(pcall(f, ...))
end

local QUERIES = {
  '"the"', '[lower="s.*"] within sentence', '"security" []{0,3} "development"',
  '<segment kind="closing"> []', '[] </quotation>', '"and" within speech',
  '[word!="x" & lower="a.*"]', '<point> []', '[] []? "of"', '"peace" :: year >= 2019',
  '[]+ "zzz"', '[] [] [] []', '"you" []{0,5} "."', '[]* "the" within speech',
}

-- compiled once: the index fuzzer spends its time in the core
local cache = {}
local function Q(q)
  cache[q] = cache[q] or query.compile(q)
  return cache[q]
end
for i, q in ipairs(QUERIES) do QUERIES[i] = Q(q) end

local LEVELS = { "speech", "segment", "point", "sentence", "quotation" }

-- every reading method on a corpus (or a damaged index opened without
-- verify): each may raise, none may crash
function F.exercise(c, lex)
  local ntok, ndoc = 0, 0
  try(function() ntok, ndoc = c:counts() end)
  for _, q in ipairs(QUERIES) do
    try(function() return c:count(q) end)
  end
  try(function()
    local m = c:query(Q'"the" []')
    for i = 1, math.min(#m, 20) do m:text(i); m:get(i) end
    m:group("point"); m:group("segment"); m:group("year"); m:group("lower")
    m:sort("right1", "left1", "meta:year")
  end)
  try(function()
    local k = c:kwic(Q'"the"', { context = 5 })
    for i = 1, math.min(#k, 20) do tostring(k[i]) end
  end)
  try(function() c:kwic(Q'[]', { chars = 30, clip = "sentence", limit = 50 }) end)
  try(function() c:kwic(Q'[lower="p.*"]', { context = 200 }) end)
  try(function() c:freq { top = 5 } end)
  try(function() c:freq { attr = "stem" } end)
  try(function() c:freq { attr = "word", punct = true, top = 3 } end)
  try(function() c:freq { by = "year", top = 2 } end)
  try(function()
    local v = c:where { year = { min = 2019, max = 2020 } }
    v:freq { top = 3 }
    v:count(Q'[]')
    v:complement():count(Q'"the"')
    v:complement():count(Q'[] []')
    v:kwic(Q'"the"', { context = 2 })
  end)
  for _, lv in ipairs(LEVELS) do
    try(function()
      local k = 0
      for s in c:spans(lv) do
        k = k + 1
        if k > 100 then break end
        assert(type(s.text) == "string")
      end
    end)
  end
  for d = 1, math.min(ndoc, 20) do
    try(function() return c:text(d) end)
    try(function() return c:meta(d) end)
  end
  try(function() for _ in c:speeches() do end end)
  try(function() return c:info() end)
  try(function() return tostring(c) end)
  try(function() c:positions("the"); c:positions("securiti", "stem"); c:positions("The", "word") end)
  for p = 1, math.min(ntok, 50), 7 do
    try(function() c:token(p); c:token(p, "stem"); c:text_span(p, p + 3) end)
  end
  if lex and c.tag then try(function() c:tag(lex) end) end
  if c.ngrams then try(function() c:ngrams { n = 2, top = 5 } end) end
  if c.collocates then try(function() c:collocates('"the"', { window = 3 }) end) end
  if c.dispersion then try(function() c:dispersion('"the"') end) end
  if c.keyness then
    try(function()
      local v = c:where { year = 2020 }
      c:keyness(v, v:complement())
    end)
  end
  -- what annotated files add: extra attributes, structures and their attributes
  local attrs, levels, sattrs = {}, {}, {}
  try(function() attrs = c:attributes(); levels, sattrs = c:structures() end)
  for i = 4, #attrs do
    local a = attrs[i]
    try(function() c:count(('[%s = "NOUN"]'):format(a)) end)
    try(function() c:count(('[%s = "a.*"%%c & lower != "x"] []'):format(a)) end)
    try(function() c:count(('"the" | [%s = "the"]'):format(a)) end)
    try(function() c:freq { attr = a, top = 5 } end)
    try(function() c:positions("the", a) end)
    for p = 1, math.min(ntok, 30), 7 do try(function() c:token(p, a) end) end
    if c.ngrams then try(function() c:ngrams { n = 2, attr = a, top = 3 } end) end
    if c.collocates then try(function() c:collocates('"the"', { window = 2, attr = a }) end) end
    if c.dfm then try(function() c:dfm { attr = a } end) end
  end
  for i = 6, #levels do
    local lv = levels[i]
    try(function() c:count("[] within " .. lv) end)
    try(function() for _ in c:spans(lv) do end end)
    for _, an in ipairs(sattrs[lv] or {}) do
      try(function() c:count(('<%s %s = "x"> []'):format(lv, an)) end)
      try(function() c._root._h:region_values(lv, an) end)
    end
  end
  for _, an in ipairs(sattrs.sentence or {}) do
    try(function() c._root._h:region_values("sentence", an) end)
  end
  if c.export_vrt then
    try(function()
      local tmp = os.tmpname()
      c:export_vrt(tmp)
      os.remove(tmp)
    end)
  end
  if c.dfm then try(function() c:dfm {} end) end
end

function F.load_lexicon()
  return (rostra.lexicon(ROOT .. "/spec/fixtures/lexicon/themes.yaml"))
end

return F
