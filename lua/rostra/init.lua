--- rostra: political speech analysis, a Lua 5.4 module over a C core.
-- @module rostra
local core = require "rostra.core"

local rostra = {
  _VERSION = "rostra " .. core.version,
  version = core.version,
}

--- Tokenize a text.
-- @tparam string text
-- @tparam[opt] table opts `split_hyphens`, `strict`
-- @treturn table array of tokens `{text, kind, start, stop, lower}`
-- @treturn integer the number of invalid UTF-8 bytes
rostra.tokenize = core.tokenize

--- Sentence spans of a text.
-- @tparam string text
-- @treturn table array of `{start, stop, text}` (1-based, inclusive byte positions)
rostra.sentences = core.sentences

--- The lower form rostra uses for a string (NFKC, case-folded, apostrophes
-- and in-word hyphens folded to ASCII).
rostra.lower = core.lower

return rostra
