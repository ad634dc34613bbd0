-- kwic_community.lua: in what company does "community" appear in the seed
-- speech? A concordance of `community` sorted by its right context (the
-- first, then the second word after it), so that "community of ...",
-- "community with ..." and "community ." line up.
-- Run from the repository root: lua5.4 examples/kwic_community.lua [FILE]
local rostra = require "rostra"

local path = arg[1] or "examples/sample.txt"
local c = assert(rostra.load(path))

local k = c:kwic("community", { context = 6, sort = { "right1", "right2" } })
print(k)

-- the same lines grouped by the word that follows
print()
print(c:query("community []"):group("lower"))
