-- meta_lpeg.lua: metadata from file names with a custom lpeg pattern. The
-- xi_en files are named 2020-11-10_xi-jinping_carrying-forward-the-shanghai-
-- spirit-and-deepening.txt; a pattern takes the date, the speaker (made a
-- name again: "Xi Jinping") and the kind of text ("remarks", "keynote
-- speech", "statement", ...) from the slug. Then: how many speeches per
-- year, and per kind, mention multilateralism?
-- Run from the repository root: lua5.4 examples/meta_lpeg.lua [FOLDER]
local lpeg = require "lpeg"
local rostra = require "rostra"
local meta = require "rostra.meta"

local dir = arg[1] or "../shared/corpus/xi_en"
local f = io.open(dir)
if not f then
  print("skip: " .. dir .. " is not there (the corpora live in ../shared/corpus)")
  return
end
f:close()

local P, R, C, Cg, Ct, Cc = lpeg.P, lpeg.R, lpeg.C, lpeg.Cg, lpeg.Ct, lpeg.Cc
local digit = R "09"
local word = (R("az", "09") + "'") ^ 1
local date = Cg(C(digit ^ 4 * "-" * digit ^ 2 * "-" * digit ^ 2), "date")
local speaker = Cg(C(word * ("-" * word) ^ 0) / meta.unslug, "speaker")
-- the kind of text, from the first words of the slug; "speech" otherwise
local kind = Cg(
    C(P "keynote-speech" + "remarks" + "statement" + "speech" + "talk" + "interview" + "letter") * #P "-"
      / function(s) return (s:gsub("-", " ")) end
    + Cc "speech", "kind")
local rest = (1 - (P ".txt" * -1)) ^ 0
local pattern = Ct(date * "_" * speaker * "_" * #(P(1)) * kind * rest * ".txt" * -1)

local c = assert(rostra.load(dir, { meta = pattern }))
for d, m in c:speeches() do
  if d <= 3 then print(m.date, m.year, m.speaker, m.kind, m.file) end
end
print()

local m = c:query("multilateralism")
print(("%d mentions of multilateralism in %d speeches"):format(#m, select(2, c:counts())))
print(m:group("year"))
print()
print(m:group("kind"))
