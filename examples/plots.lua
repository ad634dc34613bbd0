-- plots.lua: the pictures of docs/plots.md, one of each kind, drawn from
-- ../shared/corpus (the State of the Union addresses and the UN General
-- Debate sessions 2020-2024), and the report of the sample speech. They
-- are written to docs/plots/ (git-ignored: `make examples` makes them).
-- Run from the repository root: lua5.4 examples/plots.lua [OUTDIR]
local rostra = require "rostra"
local plot = require "rostra.plot"
local report = require "rostra.report"

local out = arg[1] or "docs/plots"
local sotu_dir = "../shared/corpus/uspres/sotu"
local un_dir = "../shared/corpus/ungdc/sample_2020-2024"
local f = io.open(sotu_dir .. "/index.csv")
if not f then
  print("skip: " .. sotu_dir .. " is not there (the corpora live in ../shared/corpus)")
  return
end
f:close()
assert(os.execute("mkdir -p '" .. out .. "'"))

local function save(name, ok, err)
  if not ok then error(name .. ": " .. tostring(err)) end
  print("wrote " .. out .. "/" .. name)
end

local sotu = assert(rostra.load(sotu_dir, { sidecar = "index.csv" }))
local un = assert(rostra.load(un_dir, { meta = "{country}_{session}_{year}.txt" }))
local lex = rostra.lexicon("political")

-- trend: "freedom" and "liberty" per million by decade
local trend = sotu:trend({ "freedom", "liberty" }, { by = "decade" })
save("trend.svg", trend:plot(out .. "/trend.svg"))
save("trend_bars.svg", sotu:trend({ "freedom", "liberty" }, { by = "party" })
  :plot(out .. "/trend_bars.svg", { style = "bars" }))
-- dispersion: where "liberty" falls in each decade's addresses
save("dispersion.svg", plot.dispersion(sotu, { "freedom", "liberty" }, { by = "decade" })
  :plot(out .. "/dispersion.svg"))
-- keyness: Republican against Democratic addresses
local k = sotu:keyness(sotu:where { party = "Republican" }, sotu:where { party = "Democratic" },
    { top = false })
save("keyness.svg", k:plot(out .. "/keyness.svg", { top = 15 }))
-- themes: a heat map by decade, and the timeline of one theme
local th = sotu:tag(lex)
save("themes.svg", th:plot(out .. "/themes.svg", { by = "decade" }))
save("theme_security.svg", th:plot(out .. "/theme_security.svg", { by = "decade", theme = "security" }))
-- collocates of "development" in the UN debates
save("collocates.svg", un:collocates("development", { measure = "logdice" }):plot(out .. "/collocates.svg",
  { top = 20 }))
-- the report of the sample speech and of the UN sessions
local sp = assert(rostra.parse_file("examples/sample.txt"))
save("sample.html", report.write(out .. "/sample.html", report.speech(sp)))
save("un.html", report.write(out .. "/un.html", report.corpus(un, { queries = { "climate change",
    "pandemic" },
  target = { country = "CHN" } })))
-- and bars in the terminal
print(sotu:trend("freedom", { by = "decade" }):bars { top = 8 })
