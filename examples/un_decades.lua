-- un_decades.lua: which themes do the statements of the UN General Debate
-- give most room to, decade by decade? The five themes with the largest
-- share of words (bundled political lexicon) in each decade. It reads the
-- index of the full corpus (1946-2024) that `make bench` builds in
-- bench/data/ungdc.rostra when it is there (under a second), else the
-- sessions 2020-2024 in ../shared/corpus/ungdc/sample_2020-2024 (one
-- decade, about a second); or the folder or index given as the argument.
-- Run from the repository root: lua5.4 examples/un_decades.lua [FOLDER | FILE.rostra]
local rostra = require "rostra"
local result = require "rostra.result"
require "rostra.themes" -- c:tag

local c
local src = arg[1]
if src == nil then
  c = rostra.open("bench/data/ungdc.rostra") -- nil when absent (or built by an older rostra)
  src = c and "bench/data/ungdc.rostra" or "../shared/corpus/ungdc/sample_2020-2024"
end
local f = io.open(src)
if not f then
  print("skip: " .. src .. " is not there (the corpora live in ../shared/corpus)")
  return
end
f:close()

if not c and src:match("%.rostra$") then
  c = assert(rostra.open(src))
elseif not c then
  -- CHN_75_2020.txt: the country, the session and the year
  c = assert(rostra.load(src, { meta = "{country}_{session}_{year}.txt" }))
end
print(c)

local lex = assert(rostra.lexicon("political"))
local first, last = math.huge, -math.huge
for _, m in c:speeches() do
  if m.year then first, last = math.min(first, m.year), math.max(last, m.year) end
end

local rows = {}
for decade = first // 10 * 10, last, 10 do
  local view = c:where { year = { min = decade, max = decade + 9 } }
  local _, n = view:counts()
  if n > 0 then
    -- totals per theme over the decade: share = words matched / words
    local totals = view:tag(lex, { level = "speech" }):totals()
    totals:sort { { "share", "desc" } }
    for rank, row in ipairs(totals) do
      if rank > 5 then break end
      rows[#rows + 1] = { decade = ("%ds"):format(decade), speeches = n, rank = rank, theme = row.theme,
                          share = row.share, speeches_with = row.units }
    end
  end
end
print(result.new({ "decade", "speeches", "rank", "theme", "share", "speeches_with" }, rows,
  { title = "the five largest themes of each decade", formats = { share = "%.4f" }, max_rows = 100 }))
