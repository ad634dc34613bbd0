-- bench.lua: the benchmarks of every engine; prints key=value lines.
-- C engine figures come from build/bench (tokenizer, parser); the corpus,
-- query, theme and statistics figures are measured here on the full UN
-- General Debate, unpacked once into bench/data (git-ignored).
local corpus = os.getenv("ROSTRA_CORPUS") or "../shared/corpus"
local core = require "rostra.core"
local rostra = require "rostra"
local clock = core.clock

local function kv(k, v)
  if math.type(v) == "float" then v = ("%.3f"):format(v) end
  print(k .. "=" .. tostring(v))
  io.stdout:flush()
end

local function sh(cmd)
  local p = io.popen(cmd)
  local out = p:read("a")
  p:close()
  return out
end

kv("cores", tonumber(sh("nproc")))
assert(os.execute("build/bench " .. corpus), "build/bench failed")

-- {====================================================== the public parse
-- rostra.parse on every file of the UN sample, its Speech built and its
-- turns and segments read: the call an analyst makes (best of three)
do
  local sample = corpus .. "/ungdc/sample_2020-2024"
  local texts, bytes = {}, 0
  local p = io.popen('ls "' .. sample .. '" 2>/dev/null')
  for f in p:lines() do
    if f:match("%.txt$") then
      local fh = assert(io.open(sample .. "/" .. f, "rb"))
      texts[#texts + 1] = { f, fh:read("a") }
      fh:close()
      bytes = bytes + #texts[#texts][2]
    end
  end
  p:close()
  if #texts > 0 then
    local best = math.huge
    for _ = 1, 3 do
      local t0 = clock()
      for _, x in ipairs(texts) do
        local sp = assert(rostra.parse(x[2], { name = x[1] }))
        local _ = #sp:segments() + #sp:turns()
      end
      best = math.min(best, clock() - t0)
    end
    kv("parse_public_files", #texts)
    kv("parse_public_mb_s", bytes / 1e6 / best)
  end
end
-- }======================================================

-- {====================================================== the corpus index
local data = "bench/data"
local dir = data .. "/ungdc_1946-2024"
local tar = corpus .. "/ungdc/ungdc_1946-2024.tar.xz"
if not io.open(dir .. "/USA_75_2020.txt") then
  if not io.open(tar) then
    kv("ungdc", "skipped (no " .. tar .. ")")
    return
  end
  os.execute("mkdir -p " .. data .. " && tar -xJf " .. tar .. " -C " .. data)
end
local index = data .. "/ungdc.rostra"

-- build in a child process, so its peak memory is its own
local build = [[
local rostra = require "rostra"
local clock = require "rostra.core".clock
local t0 = clock()
local c = assert(rostra.load(%q, {meta = "{country}_{session}_{year}.txt"}))
local t1 = clock()
assert(c:save(%q))
local t2 = clock()
local i = c:info()
local s = i.sizes
print("index_load_s=" .. string.format("%%.3f", t1 - t0))
print("index_save_s=" .. string.format("%%.3f", t2 - t1))
print("index_total_s=" .. string.format("%%.3f", t2 - t0))
print("index_tokens=" .. i.tokens)
print("index_speeches=" .. i.speeches)
print("index_bytes_per_token=" .. string.format("%%.2f", i.bytes_per_token))
print("index_text_bytes=" .. s.text)
for _, k in ipairs {"stream", "offsets", "postings", "vocabulary", "maps", "structures", "metadata"} do
  print("index_" .. k .. "_bytes=" .. s[k])
end
]]
local f = assert(io.open(data .. "/build.lua", "w"))
f:write(build:format(dir, index))
f:close()
local out = sh('LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="lua/?.so;;" '
  .. '/usr/bin/time -f "index_peak_rss_mb=%M" lua5.4 ' .. data .. '/build.lua 2>&1')
for line in out:gmatch("[^\n]+") do
  local k, v = line:match("^(index_peak_rss_mb)=(%d+)")
  if k then kv(k, math.floor(tonumber(v) / 1024)) else print(line) end
end

-- open: the median of 21 opens
local times = {}
for i = 1, 21 do
  local t = clock()
  local c = assert(rostra.open(index))
  times[i] = clock() - t
  c:close()
end
table.sort(times)
kv("open_ms", times[11] * 1000)

local c = assert(rostra.open(index))
local function best(fn, n)
  local b = math.huge
  local r
  for _ = 1, n or 5 do
    local t = clock()
    r = fn()
    b = math.min(b, clock() - t)
  end
  return b * 1000, r
end
c:_load_meta() -- metadata decoding is a one-time cost, reported apart
kv("meta_decode_ms", (best(function() c._root._metas = nil; return c:_load_meta() end, 1)))
kv("freq_top50_ms", (best(function() return c:freq { top = 50 } end)))
-- }======================================================

-- {====================================================== queries
local function q(name, fn)
  local ms, r = best(fn)
  kv(name .. "_ms", ms)
  if type(r) == "number" then kv(name .. "_hits", r) end
end
q("count_security", function() return c:count("security") end)
q("count_word_security_c", function() return c:count('[word = "security"%c]') end)
q("count_secur_regex_c", function() return c:count('"secur.*"%c') end)
q("kwic_first_1000", function() return #c:kwic('"security"%c', { limit = 1000 }) end)
q("kwic_all_security", function() return #c:kwic('"security"%c') end)
q("phrase_win_win_cooperation", function() return c:count('"win-win" "cooperation"') end)
q("gap_development_cooperation", function() return c:count('"development" []{0,3} "cooperation"') end)
q("within_security_council", function() return c:count('"security" []{0,5} "council" within sentence') end)
-- }======================================================

-- themes and statistics, when those modules are there
for _, extra in ipairs { "bench/bench_tag.lua", "bench/bench_stats.lua", "bench/bench_plot.lua",
                        "bench/bench_interchange.lua" } do
  if io.open(extra) then
    os.execute('LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="lua/?.so;;" lua5.4 '
      .. extra .. " " .. index)
  end
end
