-- Interchange: a CoNLL-U file in (lemmas and parts of speech as attributes),
-- a document-feature matrix and a CWB vertical file out.
-- Run from the repository root: lua5.4 examples/interchange.lua
local rostra = require "rostra"

local c = assert(rostra.load("spec/fixtures/annot/speeches.conllu"))
print(c)
print("attributes: " .. table.concat(c:attributes(), ", "))

-- queries over the file's annotations
print(('[upos = "VERB"]: %d'):format(c:count('[upos = "VERB"]')))
print(('[lemma = "secure"]: %d'):format(c:count('[lemma = "secure"]')))
print(c:kwic('[upos = "NOUN"] [upos = "PUNCT"]', { context = 3 }))
print(c:freq { attr = "upos", punct = true })

-- a document-feature matrix of lemmas, for quanteda or SciPy
local dir = os.tmpname()
os.remove(dir)
local m = c:dfm { attr = "lemma" }
print(m)
assert(m:export(dir))
for _, f in ipairs { "matrix.mtx", "features.tsv", "docvars.csv" } do
  local h = assert(io.open(dir .. "/" .. f))
  print(("%s: %s"):format(f, h:read("l")))
  h:close()
  os.remove(dir .. "/" .. f)
end
os.remove(dir)

-- a CWB vertical file and the commands that index it
local vrt = os.tmpname()
local info = assert(c:export_vrt(vrt, { corpus = "speeches" }))
print(("wrote %d speeches, %d tokens"):format(info.speeches, info.tokens))
print(info.command)
print(info.make)
os.remove(vrt)
