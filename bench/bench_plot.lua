-- bench_plot.lua INDEX: what a plot and a report cost on a saved index (the
-- full UN General Debate in `make bench`). For each kind, the public call
-- that computes the result, then `t:plot(path)` (SVG built and written),
-- the best of five; the targets: a plot <= 100 ms beyond its result, and
-- the whole `rostra report` process of the corpus <= 3 s (hyperfine).
local rostra = require "rostra"
local clock = require("rostra.core").clock

local index = arg[1] or "bench/data/ungdc.rostra"
local c = assert(rostra.open(index))
c:_load_meta()

local function kv(k, v)
  if math.type(v) == "float" then v = ("%.3f"):format(v) end
  print(k .. "=" .. tostring(v))
  io.stdout:flush()
end

local out = os.tmpname()
local function best(fn, n)
  local b, r = math.huge, nil
  for _ = 1, n or 5 do
    local t = clock()
    r = fn()
    b = math.min(b, clock() - t)
  end
  return b * 1000, r
end

local lex = rostra.lexicon("political")
local cases = {
  { "trend_security_peace_by_year", function() return c:trend({ "security", "peace" }, { by = "year" }) end },
  { "dispersion_security_by_year", function() return c:dispersion("security", { by = "year" }) end },
  { "dispersion_security_by_speech", function() return c:dispersion("security") end },
  { "keyness_chn", function() return c:keyness(c:where { country = "CHN" }, nil, { top = false }) end },
  { "themes_by_year", function() return c:tag(lex, { level = "speech", by = "year" }) end, {} },
  { "themes_by_decade", function() return c:tag(lex, { level = "speech" }) end, { by = "decade" } },
  { "collocates_development", function() return c:collocates("development", { measure = "logdice" }) end },
}
local worst = 0
for _, case in ipairs(cases) do
  local name, make, o = case[1], case[2], case[3]
  local rms, t = best(make, 3)
  local pms = best(function() return assert(t:plot(out, o)) end)
  local f = io.open(out, "rb")
  local size = f:seek("end")
  f:close()
  kv("plot_" .. name .. "_result_ms", rms)
  kv("plot_" .. name .. "_svg_ms", pms)
  kv("plot_" .. name .. "_svg_bytes", size)
  worst = math.max(worst, pms)
end
kv("plot_svg_worst_ms", worst)
kv("plot_svg_target_ms", 100)
os.remove(out)

-- the report of the whole corpus, as a process
local html = os.tmpname()
local json = os.tmpname()
local cmd = ('LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="lua/?.so;;" lua5.4 bin/rostra report %s '
  .. "--query 'climate change' --query pandemic --where country=CHN -o %s"):format(index, html)
if os.execute("command -v hyperfine >/dev/null 2>&1") then
  os.execute(("hyperfine --runs 3 --warmup 1 --export-json %s %q >/dev/null 2>&1"):format(json, cmd))
  local f = io.open(json)
  local s = f and f:read("a") or ""
  if f then f:close() end
  local mean, min = s:match('"mean":%s*([%d%.e%-]+)'), s:match('"min":%s*([%d%.e%-]+)')
  kv("report_full_mean_s", tonumber(mean) or -1)
  kv("report_full_min_s", tonumber(min) or -1)
else
  local t = clock()
  os.execute(cmd)
  kv("report_full_s", clock() - t)
end
kv("report_full_target_s", 3)
local f = io.open(html, "rb")
if f then kv("report_full_bytes", f:seek("end")) f:close() end
os.remove(html)
os.remove(json)
