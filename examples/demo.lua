-- demo.lua: what rostra makes of one speech.
-- Usage: lua5.4 examples/demo.lua [FILE]   (default: examples/sample.txt,
-- a copy of ../shared/seed/000_e314431b303b7667.txt)
local rostra = require "rostra"

local path = arg[1] or "examples/sample.txt"
local f = assert(io.open(path, "rb"))
local text = f:read("a")
f:close()

local function section(title)
  print(("\n== %s %s"):format(title, string.rep("=", math.max(0, 66 - #title))))
end

-- {====================================================== tokens
section("tokens")
local toks, bad = rostra.tokenize(text)
local kinds, freq, words = {}, {}, 0
for _, t in ipairs(toks) do
  kinds[t.kind] = (kinds[t.kind] or 0) + 1
  if t.kind == "word" then
    words = words + 1
    freq[t.lower] = (freq[t.lower] or 0) + 1
  end
end
print(("%s: %d bytes, %d tokens (%d words, %d numbers, %d punctuation, %d symbols), %d invalid bytes")
  :format(path, #text, #toks, kinds.word or 0, kinds.number or 0, kinds.punct or 0,
    kinds.symbol or 0, bad))
local types = 0
for _ in pairs(freq) do types = types + 1 end
print(("%d word types, %d sentences"):format(types, #rostra.sentences(text)))

local list = {}
for w, n in pairs(freq) do list[#list + 1] = { w = w, n = n } end
table.sort(list, function(a, b) return a.n > b.n or (a.n == b.n and a.w < b.w) end)
print("\nthe 20 most frequent words:")
for i = 1, math.min(20, #list) do
  print(("%4d  %-16s %5.1f%%"):format(list[i].n, list[i].w, 100 * list[i].n / words))
end
-- }======================================================

-- {====================================================== the speech
section("the speech")
local sp = assert(rostra.parse(text, { name = path }))
for _, k in ipairs { "title", "speaker", "role", "date", "place", "source" } do
  print(("%-8s %s"):format(k, tostring(sp.meta[k])))
end
print("\nboilerplate lines:")
for _, b in ipairs(sp.boilerplate) do print(("  line %-3d %s"):format(b.line, b.why)) end
local counts = {}
for seg in sp:segments() do counts[seg.kind] = (counts[seg.kind] or 0) + 1 end
print(("\nsegments: %d salutations, %d paragraphs, %d closings, %d headings"):format(
  counts.salutation or 0, counts.paragraph or 0, counts.closing or 0, counts.heading or 0))
print("\nenumerated points:")
for p in sp:points() do print(("  %d. %-7s %s"):format(p.ordinal, p.marker, p.heading)) end
print("\nquotations:")
for q in sp:quotations() do print("  “" .. q.text .. "”") end
-- }======================================================

-- {====================================================== a corpus of one
section("concordance")
local c = rostra.corpus()
c:add(sp)
print(('"community": %d hits; "win-win" "cooperation": %d'):format(
  c:count("community"), c:count('"win-win" "cooperation"')))
for _, line in ipairs(c:kwic("community", { context = 6, sort = { "left1" }, limit = 8 })) do
  print(line)
end
print()
print(c:freq { top = 10, stopwords = "en" })
if c.tag then
  section("themes by point")
  local t = c:tag(rostra.lexicon("political"), { level = "point" })
  print(t:top(1))
end
-- }======================================================
