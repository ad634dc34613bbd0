--- Stopword lists: function words to leave out of frequency lists,
-- keyword lists and collocations.
--
-- The lists (lua/rostra/stopwords/*.lua) were written for rostra; each file
-- says what it holds. Every entry is a rostra lower form (what
-- `rostra.lower` and the `lower` field of a token give): lower case, ASCII
-- apostrophe, one token. Chinese is tokenized one Han character per token,
-- so the Chinese list holds single characters (see stopwords/zh.lua).
--
--    local stopwords = require "rostra.stopwords"
--    local sw = stopwords.get("en")          --> { the = true, ... }
--    if not sw[tok.lower] then ... end
--
-- @module rostra.stopwords
local core = require "rostra.core"

local stopwords = {}

local LANGS = { "en", "es", "fr", "zh" }
local known = {}
for _, l in ipairs(LANGS) do known[l] = true end

local sets = {} -- lang -> the canonical set, loaded on first use

local function unknown(lang, level)
  error(string.format("unknown stopword language %s (valid: %s)",
    type(lang) == "string" and ("'" .. lang .. "'") or tostring(lang),
    table.concat(LANGS, ", ")), level + 1)
end

local function canonical(lang, level)
  if not known[lang] then unknown(lang, level + 1) end
  local set = sets[lang]
  if not set then
    set = {}
    for _, w in ipairs(require("rostra.stopwords." .. lang)) do set[w] = true end
    sets[lang] = set
  end
  return set
end

local function copy(set)
  local out = {}
  for w in pairs(set) do out[w] = true end
  return out
end

--- The languages that have a list.
-- @treturn table sorted list of codes: `{"en", "es", "fr", "zh"}`
function stopwords.languages()
  return { table.unpack(LANGS) }
end

--- The stopwords of a language as a set.
-- @tparam string lang "en", "es", "fr" or "zh"
-- @treturn table a new set `{word = true}` (the caller may change it)
-- @raise on an unknown language, listing the valid ones
function stopwords.get(lang)
  return copy(canonical(lang, 2))
end

--- The stopwords of a language as a sorted list (byte order).
-- @tparam string lang
-- @treturn table
function stopwords.list(lang)
  local out = {}
  for w in pairs(canonical(lang, 2)) do out[#out + 1] = w end
  table.sort(out)
  return out
end

--- A set of stopwords from whatever an option gives: a language code, a
-- list of words, or a set `{word = true}`. Words from a list or a set are
-- put in rostra's lower form (so `{"The"}` matches the token "the"); nil
-- or false give an empty set.
-- @param x "en" | {"the", "of"} | {the = true} | nil
-- @treturn table a new set `{word = true}`
-- @raise on an unknown language or on a table that is neither a list of
-- strings nor a set of strings
function stopwords.resolve(x)
  if x == nil or x == false then return {} end
  if type(x) == "string" then return copy(canonical(x, 2)) end
  if type(x) ~= "table" then
    error("stopwords: expected a language code, a list or a set of words, got " .. type(x), 2)
  end
  local out, n = {}, #x
  for k, v in pairs(x) do
    local w
    if math.type(k) == "integer" and k >= 1 and k <= n then -- a list entry
      if type(v) ~= "string" then
        error(string.format("stopwords: list entry %d is a %s, not a string", k, type(v)), 2)
      end
      w = v
    elseif type(k) == "string" then -- a set entry
      if type(v) ~= "boolean" then
        error(string.format("stopwords: set entry '%s' is a %s, not a boolean", k, type(v)), 2)
      end
      if v then w = k end
    else
      error("stopwords: bad key " .. tostring(k) .. " (a list of strings or a set {word = true})", 2)
    end
    if w then out[core.lower(w)] = true end
  end
  return out
end

return stopwords
