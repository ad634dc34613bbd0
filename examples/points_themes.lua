-- points_themes.lua: what does the seed speech propose, point by point, and
-- which themes does each point touch? The enumerated points ("First, ...",
-- "Second, ...") with their headings, then the two main themes of each
-- point (bundled political lexicon; unit 0 is the text outside the points).
-- Run from the repository root: lua5.4 examples/points_themes.lua [FILE]
local rostra = require "rostra"
require "rostra.themes" -- sp:tag

local path = arg[1] or "examples/sample.txt"
local sp = assert(rostra.parse_file(path))
print(("%s (%s, %s)"):format(sp.meta.title or path, sp.meta.speaker or "?", sp.meta.date or "?"))
print()

local segs = sp:segments()
for p in sp:points() do
  local words = 0
  for k = p.first, p.last do
    local _, n = segs[k].text:gsub("%S+", "")
    words = words + n
  end
  print(("%d. %-7s %s  (%d segments, %d words)"):format(p.ordinal, p.marker, p.heading,
    p.last - p.first + 1, words))
end
print()

local lex = assert(rostra.lexicon("political"))
local t = sp:tag(lex, { level = "point" })
print(t:top(2))
