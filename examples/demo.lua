-- demo.lua: what rostra makes of one speech.
-- Usage: lua5.4 examples/demo.lua [FILE]   (default: examples/sample.txt,
-- a copy of ../shared/seed/000_e314431b303b7667.txt)
local rostra = require "rostra"

local path = arg[1] or "examples/sample.txt"
local f = assert(io.open(path, "rb"))
local text = f:read("a")
f:close()

-- tokens
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

-- the 20 most frequent words
local list = {}
for w, n in pairs(freq) do list[#list + 1] = { w = w, n = n } end
table.sort(list, function(a, b) return a.n > b.n or (a.n == b.n and a.w < b.w) end)
print("\nmost frequent words:")
for i = 1, math.min(20, #list) do
  print(("%4d  %-16s %5.1f%%"):format(list[i].n, list[i].w, 100 * list[i].n / words))
end
