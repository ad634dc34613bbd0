-- validate_lexicon.lua: the validation workflow of docs/lexicons.md, end to
-- end, on the seed speech and a small coded file.
--   1. sample: draw paragraphs to code (the same seed gives the same ones);
--   2. code: examples/coded_sample.csv is that sample coded by hand, 1 where
--      a paragraph discusses a theme of the political lexicon, 0 where not;
--   3. validate the lexicon on the tune rows;
--   4. revise (here: try another decision rule) and validate again;
--   5. score the held-out rows once, at the end.
-- Twelve paragraphs are far too few to judge a lexicon (see the width of the
-- bootstrap interval): a real validation codes 200 or more.
-- Run from the repository root: lua5.4 examples/validate_lexicon.lua
local rostra = require "rostra"

local CODED = "examples/coded_sample.csv"
local c = assert(rostra.load({ "examples/sample.txt" }))
local lex = assert(rostra.lexicon("political"))

-- 1. sample (rostra sample examples/sample.txt --n 12 --seed 1 --holdout 0.33
--    --min-words 10 -o tocode.csv)
local tocode = c:sample { n = 12, seed = 1, holdout = 1 / 3, min_words = 10, lexicon = lex }
local path = os.tmpname()
assert(tocode:export(path, "csv"))
os.remove(path)
print(("1. sample: %d of %d paragraphs of at least 10 words, %d held out"):format(#tocode,
  tocode.meta.population, #tocode:filter(function(r) return r.split == "holdout" end)))

-- 2. the coded file holds the same units, drawn with the same seed
local set = assert(require("rostra.validation").read_coded(CODED, lex))
for i, r in tocode:rows() do assert(set.rows[i].unit == r.unit, "not the sample's units") end
print(("2. code: %s is that sample coded by hand (%d units, %d themes)"):format(CODED, #set.rows,
  #set.themes))

-- 3. validate on the tune rows (rostra validate political coded_sample.csv --split tune)
local tune = assert(lex:validate(CODED, { split = "tune", corpus = c }))
print("3. validate, tune rows:")
print(tune:format { brief = true })
print()
print("   what went wrong, unit by unit:")
for _, e in tune.errors:rows() do
  print(("   %s %-20s %-24s %s"):format(e.error == "false positive" and "FP" or "FN", e.theme, e.unit,
    e.fired and ("fired: " .. e.fired) or "(no match)"))
end

-- 4. revise: would another rule do better? (rostra validate ... --min-score 3)
print()
print("4. revise: micro F1 on the tune rows by decision rule (the lexicon's own: min_score 2, "
  .. "min_dominance 0.2)")
for _, m in ipairs { 0, 1, 2, 3 } do
  local r = assert(lex:validate(CODED, { split = "tune", min_score = m, min_dominance = 0 }))
  print(("   min_score %d                    precision %.3f  recall %.3f  F1 %.3f%s"):format(m,
    r.micro.precision or 0, r.micro.recall or 0, r.micro.f1 or 0, m == 0 and "  (every match)" or ""))
end
for _, d in ipairs { 0.2, 0.5 } do -- for every theme, history and development included
  local r = assert(lex:validate(CODED, { split = "tune", min_score = 2, min_dominance = d }))
  print(("   min_score 2, min_dominance %.1f  precision %.3f  recall %.3f  F1 %.3f"):format(d,
    r.micro.precision or 0, r.micro.recall or 0, r.micro.f1 or 0))
end

-- 5. the held-out rows, scored once with the rule chosen
local hold = assert(lex:validate(CODED, { split = "holdout", corpus = c }))
print()
print(("5. holdout (%d units, scored once): precision %.3f  recall %.3f  F1 %.3f"):format(hold.units,
  hold.micro.precision or 0, hold.micro.recall or 0, hold.micro.f1 or 0))
