-- keyness_speaker.lua: which words set one president's inaugural addresses
-- apart from all the others? Keywords (log-likelihood) of the target
-- speaker's speeches against the rest of the US inaugural addresses.
-- Run from the repository root: lua5.4 examples/keyness_speaker.lua [SPEAKER]
local rostra = require "rostra"

local dir = "../shared/corpus/uspres/inaugural"
local f = io.open(dir)
if not f then
  print("skip: " .. dir .. " is not there (the corpora live in ../shared/corpus)")
  return
end
f:close()
local who = arg[1] or "Lincoln"

-- 1861-Lincoln.txt: the year and the speaker from the file name
local c = assert(rostra.load(dir, { meta = "{year}-{speaker}.txt" }))
local target = c:where { speaker = who }
local _, n = target:counts()
if n == 0 then
  print("no inaugural address by " .. who)
  return
end
if not c.keyness then require "rostra.stats" end

local t = c:keyness(target, target:complement(), { measure = "ll", stopwords = "en", top = 20 })
print(("%s: %d inaugural addresses against %d others"):format(who, n, select(2, c:counts()) - n))
print(t)
