-- bench_stats.lua: timings of the Statistics issue on a saved index of the
-- UN General Debate; prints key=value lines (seconds unless the key says ms).
--
--   LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="lua/?.so;;" \
--     lua5.4 bench/bench_stats.lua bench/data/ungdc.rostra
--
-- Build the index once (bench/data is git-ignored):
--   mkdir -p bench/data && tar -xJf ../shared/corpus/ungdc/ungdc_1946-2024.tar.xz -C bench/data
--   then in lua5.4: local r = require "rostra"
--   local c = r.load("bench/data/ungdc_1946-2024", {meta = "{country}_{session}_{year}.txt"})
--   c:save("bench/data/ungdc.rostra")
-- Targets: all bigram counts (n = 2, min = 1, no top) <= 3 s; collocates
-- of development (window 5, every measure) <= 20 ms; keyness of China's
-- speeches against all the others <= 100 ms.
local rostra = require "rostra"
local core = require "rostra.core"
require "rostra.stats"

local path = arg[1] or "bench/data/ungdc.rostra"
local c, err = rostra.open(path)
if not c then
  io.stderr:write("bench_stats: ", tostring(err), "\n")
  os.exit(1)
end
local clock = core.clock

local function kv(k, v)
  if math.type(v) == "float" then print(("%s=%.4f"):format(k, v)) else print(k .. "=" .. tostring(v)) end
end

-- the best of `runs` wall times of f(), and f's last result
local function best(runs, f)
  local t, r = math.huge, nil
  for _ = 1, runs do
    collectgarbage()
    local t0 = clock()
    r = f()
    local dt = clock() - t0
    if dt < t then t = dt end
  end
  return t, r
end

local ntok, ndoc = c:counts()
kv("stats_tokens", ntok)
kv("stats_speeches", ndoc)
c:_load_meta() -- metadata decoded once, outside the timings

-- all bigram counts: the count in C and a result whose rows are made on use
local t, g = best(3, function() return c:ngrams { n = 2, min = 1, top = false } end)
kv("stats_bigrams_all_s", t)
kv("stats_bigrams_distinct", #g)
kv("stats_bigrams_total", g.meta.total)
do -- touching every row (what an export or a sort does)
  local t0 = clock()
  local n = 0
  for _, row in ipairs(g) do n = n + row.count end
  kv("stats_bigrams_all_rows_s", clock() - t0)
  assert(n == g.meta.total)
end
g = nil -- luacheck: ignore
collectgarbage()
t = best(3, function() return c:ngrams { n = 2 } end)
kv("stats_bigrams_top50_min5_s", t)
t = best(1, function() return c:ngrams { n = 3, min = 1, top = false } end)
kv("stats_trigrams_all_s", t)
t = best(3, function() return c:ngrams { n = 5, top = 50 } end)
kv("stats_fivegrams_top50_min5_s", t)
collectgarbage()

-- collocates of development, window 5, every measure
local tc, col = best(10, function()
  return c:collocates("development", { window = 5, measure = "all" })
end)
kv("stats_collocates_development_ms", tc * 1000)
kv("stats_collocates_development_f_node", col.meta.f_node)
kv("stats_collocates_development_first", col[1] and col[1].collocate or "")
tc = best(10, function()
  return c:collocates("development", { window = 5, measure = "all", top = false, min = 1 })
end)
kv("stats_collocates_development_all_rows_ms", tc * 1000)
if type(c.query) == "function" then
  tc = best(5, function()
    return c:collocates(c:query("development"), { window = 5, measure = "all" })
  end)
  kv("stats_collocates_development_via_query_ms", tc * 1000)
  tc = best(5, function()
    return c:collocates('"sustainable" "development"', { window = 5, measure = "all" })
  end)
  kv("stats_collocates_sustainable_development_ms", tc * 1000)
end

-- keyness of China's speeches against all the others
local chn
local tw = best(3, function()
  chn = c:where { country = "CHN" }
  return chn
end)
kv("stats_where_chn_ms", tw * 1000)
local tk, key = best(10, function() return c:keyness(chn, chn:complement()) end)
kv("stats_keyness_chn_ms", tk * 1000)
kv("stats_keyness_chn_first", key[1] and key[1].word or "")
tk = best(10, function() return c:keyness(chn, nil, { correction = "bonferroni", top = false }) end)
kv("stats_keyness_chn_all_rows_ms", tk * 1000)
local rus = c:where { country = "RUS" }
tk = best(5, function() return c:keyness(chn, rus) end)
kv("stats_keyness_chn_vs_rus_ms", tk * 1000)

-- dispersion of development over the speeches and over the years
local td = best(5, function() return c:dispersion("development") end)
kv("stats_dispersion_speech_ms", td * 1000)
local dy
td, dy = best(5, function() return c:dispersion("development", { by = "year" }) end)
kv("stats_dispersion_year_ms", td * 1000)
kv("stats_dispersion_year_dp", dy.meta.dp)
