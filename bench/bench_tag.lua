-- bench_tag.lua INDEX: lexicon compilation and tagging on a saved index
-- (the full UN General Debate: bench/data/ungdc.rostra). Prints key=value
-- lines. Lexicons of 1,000 and 10,000 patterns are generated from the
-- corpus vocabulary with a fixed seed, as a lexicon author writes them:
-- half single words (lower-case word types drawn uniformly from the
-- vocabulary), a quarter globs (such a type cut by 1 to 3 letters, at least
-- 4 kept, and '*'; one in five the type with one letter as '?'), a quarter
-- phrases of 2 or 3 words taken from the text at random positions, neither
-- first nor last word a stopword; 20 themes. The "frequent" variant is a
-- stress test reported apart: words and globs from the 30,000 most frequent
-- types (function words included), globs of 4 to 6 letters and '*', any
-- phrase of the text: nearly every token then matches, most for several
-- themes.
-- `*_c_s` is the time of the C walk, `*_cpu_s` its CPU time (the machine
-- may be shared), `*_total_s` that of c:tag with the ThemeTable built.
--
--   LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="lua/?.so;;" \
--     lua5.4 bench/bench_tag.lua bench/data/ungdc.rostra
local rostra = require "rostra"
local core = require "rostra.core"
local lexicon = require "rostra.lexicon"
local themes = require "rostra.themes"
local clock = core.clock

local path = arg[1] or "bench/data/ungdc.rostra"

-- the index, built once when missing (bench/data is git-ignored); c:save
-- writes a temporary file and renames it, so a concurrent build is harmless
local function exists(p)
  local f = io.open(p, "rb")
  if f then f:close() end
  return f ~= nil
end
if not exists(path) then
  local corpus = os.getenv("ROSTRA_CORPUS") or "../shared/corpus"
  local dir = "bench/data/ungdc_1946-2024"
  local tar = corpus .. "/ungdc/ungdc_1946-2024.tar.xz"
  if not exists(dir .. "/USA_75_2020.txt") then
    if not exists(tar) then
      print("tag=skipped (no " .. path .. " and no " .. tar .. ")")
      return
    end
    assert(os.execute("mkdir -p bench/data && tar -xJf " .. tar .. " -C bench/data"))
  end
  local c = assert(rostra.load(dir, { meta = "{country}_{session}_{year}.txt" }))
  assert(c:save(path))
  c:close()
end

local function kv(k, v)
  if math.type(v) == "float" then v = ("%.3f"):format(v) end
  print(k .. "=" .. tostring(v))
  io.stdout:flush()
end

local c, err = rostra.open(path)
if not c then
  io.stderr:write("bench_tag: ", tostring(err), "\n",
    "build the index first (see the head of bench/bench.lua or the README)\n")
  os.exit(1)
end
local ntok, ndoc = c:counts()
kv("tag_corpus_tokens", ntok)
kv("tag_corpus_speeches", ndoc)

-- a linear congruential generator: the same lexicons on every machine
local state = 20201110
local function rand(k)
  state = (state * 6364136223846793005 + 1442695040888963407) & 0x7fffffffffffffff
  return (state >> 11) % k + 1
end

-- the vocabulary: every lower-case word type, and the 30,000 most frequent
local all_words, frequent = {}, {}
for i, row in c:freq { attr = "lower" }:rows() do
  if row.lower:find("^%l[%l'%-]*$") then
    all_words[#all_words + 1] = row.lower
    if i <= 30000 then frequent[#frequent + 1] = row.lower end
  end
end
table.sort(all_words) -- an order that does not depend on frequency ties
local words = all_words

local stop = require("rostra.stopwords").get("en")
local stress = false -- the "frequent" variant

local function phrase()
  for _ = 1, 1000 do
    local n = 2 + rand(2) - 1
    local p = rand(ntok - n)
    local parts = {}
    for i = 0, n - 1 do
      local w = c:token(p + i, "lower")
      if not w:find("^%l[%l'%-]*$") then break end
      parts[#parts + 1] = w
    end
    if #parts == n and (stress or not (stop[parts[1]] or stop[parts[n]])) then
      return table.concat(parts, " ")
    end
  end
  return words[rand(#words)] .. " " .. words[rand(#words)]
end

local function glob()
  for _ = 1, 100 do
    local w = words[rand(#words)]
    if #w >= 5 and w:find("^%l+$") then
      if rand(5) == 1 then -- one '?'
        local i = rand(#w - 2) + 1
        return w:sub(1, i - 1) .. "?" .. w:sub(i + 1)
      end
      if stress then return w:sub(1, 4 + rand(3) - 1) .. "*" end
      return w:sub(1, math.max(4, #w - rand(3))) .. "*"
    end
  end
  return "secur*"
end

local function make_lexicon(n, ncat, from, is_stress)
  words, stress = from, is_stress
  local t = {}
  for k = 1, ncat do t[("theme%02d"):format(k)] = {} end
  local seen = {}
  local made = 0
  while made < n do
    local r = made % 4
    local p
    if r < 2 then p = words[rand(#words)]
    elseif r == 2 then p = glob()
    else p = phrase() end
    local cat = ("theme%02d"):format(rand(ncat))
    if not seen[cat .. "\0" .. p] then
      seen[cat .. "\0" .. p] = true
      local list = t[cat]
      list[#list + 1] = p
      made = made + 1
    end
  end
  return t
end

local function best(n, f)
  local b = math.huge
  local res
  for _ = 1, n do
    local t0 = clock()
    res = f()
    local dt = clock() - t0
    if dt < b then b = dt end
  end
  return b, res
end

local runs = {
  { n = 1000, key = "1000", words = all_words },
  { n = 10000, key = "10000", words = all_words },
  { n = 10000, key = "10000_frequent", words = frequent, stress = true },
}
for _, run in ipairs(runs) do
  local n = run.key
  local tbl = make_lexicon(run.n, 20, run.words, run.stress)
  local t0 = clock()
  local lex = assert(lexicon.new(tbl, { name = "gen" .. n }))
  kv(("tag_lexicon_%s_read_s"):format(n), clock() - t0)
  kv(("tag_lexicon_%s_patterns"):format(n), #lex:patterns())
  -- compile: a fresh Lexicon object each time (the automaton is cached per lexicon)
  local secs, info = best(3, function()
    local l = assert(lexicon.new(tbl, { name = "gen" .. n }))
    return themes.compile(c, l)
  end)
  kv(("tag_compile_%s_s"):format(n), secs)
  kv(("tag_compile_%s_c_s"):format(n), info.seconds)
  kv(("tag_compile_%s_states"):format(n), info.nodes)
  kv(("tag_compile_%s_symbols"):format(n), info.symbols)
  kv(("tag_compile_%s_bytes"):format(n), info.bytes)
  -- tag at segment level
  local c_secs, cpu = math.huge, math.huge
  local total, t
  total, t = best(3, function()
    local tt = c:tag(lex, { level = "segment" })
    if tt.meta.seconds < c_secs then c_secs = tt.meta.seconds end
    if tt.meta.cpu_seconds < cpu then cpu = tt.meta.cpu_seconds end
    return tt
  end)
  kv(("tag_segment_%s_c_s"):format(n), c_secs)
  kv(("tag_segment_%s_cpu_s"):format(n), cpu)
  kv(("tag_segment_%s_mtok_per_s"):format(n), ntok / c_secs / 1e6)
  kv(("tag_segment_%s_total_s"):format(n), total)
  kv(("tag_segment_%s_rows"):format(n), #t)
  kv(("tag_segment_%s_matches"):format(n), t.meta.matches)
end

-- the bundled lexicon
local lex = assert(rostra.lexicon("political"))
local secs, info = best(3, function()
  return themes.compile(c, assert(rostra.lexicon("political")))
end)
kv("tag_compile_political_s", secs)
kv("tag_compile_political_states", info.nodes)
for _, level in ipairs { "speech", "segment", "point", "sentence" } do
  local c_secs, cpu = math.huge, math.huge
  local total, t = best(2, function()
    local tt = c:tag(lex, { level = level })
    if tt.meta.seconds < c_secs then c_secs = tt.meta.seconds end
    if tt.meta.cpu_seconds < cpu then cpu = tt.meta.cpu_seconds end
    return tt
  end)
  kv(("tag_political_%s_c_s"):format(level), c_secs)
  kv(("tag_political_%s_cpu_s"):format(level), cpu)
  kv(("tag_political_%s_mtok_per_s"):format(level), ntok / c_secs / 1e6)
  kv(("tag_political_%s_total_s"):format(level), total)
  kv(("tag_political_%s_rows"):format(level), #t)
end
do
  local c_secs = math.huge
  best(2, function()
    local tt = c:tag(lex, { level = "segment", overlap = true })
    if tt.meta.seconds < c_secs then c_secs = tt.meta.seconds end
    return tt
  end)
  kv("tag_political_segment_overlap_mtok_per_s", ntok / c_secs / 1e6)
end
local t0 = clock()
local t = c:tag(lex, { level = "speech", by = "year" })
local by = t:by()
kv("tag_political_by_year_s", clock() - t0)
kv("tag_political_by_year_rows", #by)
t0 = clock()
local k = t:hits("health", { limit = 20 })
kv("tag_political_hits_health_s", clock() - t0)
kv("tag_political_hits_health", k.hits)
