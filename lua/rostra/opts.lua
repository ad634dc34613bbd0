--- Checking names given by a caller: options, metadata keys, columns.
--
-- One helper for every function of rostra that takes an options table or a
-- name from a closed set: an unknown name raises an error that names it,
-- suggests the nearest known one and lists what would be accepted:
--
--     unknown option 'topp' to 'freq' (did you mean 'top'? valid: attr, by, min, punct, stopwords, top)
--
-- The nearest name is the one at the smallest edit distance (insertions,
-- deletions, substitutions and transpositions of two neighbours, ignoring
-- case), when that distance is at most a third of the longer name's length
-- (at least 1), or a known name that starts with the one given.
-- @module rostra.opts
local M = {}

local concat, sort = table.concat, table.sort
local format = string.format

-- {====================================================== nearest names

--- Edit distance between two strings: insertions, deletions, substitutions
-- and transpositions of adjacent characters (the optimal string alignment
-- distance), counted in bytes.
-- @tparam string a
-- @tparam string b
-- @treturn integer
function M.distance(a, b)
  local la, lb = #a, #b
  if la == 0 then return lb end
  if lb == 0 then return la end
  local prev2, prev, cur = {}, {}, {}
  for j = 0, lb do prev[j] = j end
  for i = 1, la do
    cur[0] = i
    local ca = a:byte(i)
    for j = 1, lb do
      local cb = b:byte(j)
      local cost = ca == cb and 0 or 1
      local v = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
      if i > 1 and j > 1 and ca == b:byte(j - 1) and a:byte(i - 1) == cb then
        v = math.min(v, prev2[j - 2] + 1)
      end
      cur[j] = v
    end
    prev2, prev, cur = prev, cur, prev2
  end
  return prev[lb]
end

-- the names of a list (in its order) or of a set (sorted)
local function names_of(candidates)
  local out, seen = {}, {}
  if candidates[1] ~= nil then
    for _, name in ipairs(candidates) do
      if type(name) == "string" and not seen[name] then
        seen[name] = true
        out[#out + 1] = name
      end
    end
    return out
  end
  for name in pairs(candidates) do
    if type(name) == "string" then out[#out + 1] = name end
  end
  sort(out)
  return out
end
M.names_of = names_of

--- The known name nearest to `name`, or nil when none is near enough.
-- @tparam string name
-- @param candidates a list of names or a set (name -> true)
-- @treturn string|nil
function M.nearest(name, candidates)
  if type(name) ~= "string" or name == "" then return nil end
  local lname = name:lower()
  local best, bestd
  for _, c in ipairs(names_of(candidates)) do
    local lc = c:lower()
    local d
    if lc == lname then d = 0
    else d = M.distance(lname, lc) end
    local limit = math.max(1, math.max(#lname, #lc) // 3)
    if d > limit and #lname >= 3 and lc:sub(1, #lname) == lname then d = limit end
    -- never a name that shares nothing with the one given ("x" for "a")
    if d <= limit and d < math.max(#lname, #lc) and (bestd == nil or d < bestd) then best, bestd = c, d end
  end
  return best
end

--- A message for an unknown name: `"unknown WHAT 'NAME'[ to 'FNAME'] (did
-- you mean 'X'? valid: a, b, c)"`.
-- @tparam string what "option", "metadata key", "column", ...
-- @param name the name given
-- @param candidates a list or a set of the known names
-- @tparam[opt] string fname the function, for options
-- @tparam[opt] string valid_label the word before the list (default "valid")
-- @treturn string
function M.unknown(what, name, candidates, fname, valid_label)
  return format("unknown %s '%s'%s (%s)", what, tostring(name),
    fname and format(" to '%s'", fname) or "", M.hint(name, candidates, valid_label))
end

--- The inside of `unknown`'s parentheses: `"did you mean 'X'? valid: a, b"`
-- (at most 40 names are listed).
-- @param name the name given
-- @param candidates a list or a set of the known names
-- @tparam[opt] string valid_label the word before the list (default "valid")
-- @treturn string
function M.hint(name, candidates, valid_label)
  local list = names_of(candidates)
  local near = type(name) == "string" and M.nearest(name, list)
  local parts = {}
  if near then parts[#parts + 1] = format("did you mean '%s'?", near) end
  if #list > 0 then
    local shown = list
    if #list > 40 then
      shown = { table.unpack(list, 1, 40) }
      shown[#shown + 1] = format("... (%d in all)", #list)
    end
    parts[#parts + 1] = format("%s: %s", valid_label or "valid", concat(shown, ", "))
  else
    parts[#parts + 1] = "there are none"
  end
  return concat(parts, " ")
end

-- }======================================================

-- {====================================================== options tables

--- Check an options table: nil gives a new empty table, anything but a
-- table raises "bad argument #N to 'FNAME' (options table expected, got
-- T)", and a key not in `valid` raises `M.unknown("option", ...)`.
-- @param opts the caller's options (or nil)
-- @param valid a list or a set of the option names
-- @tparam string fname the function's name, for messages
-- @tparam[opt=1] integer argn the position of the options argument
-- @tparam[opt=1] integer level as for `error`, counted from the caller of
--   `check` (1: the function that calls `check`, 2: its caller)
-- @treturn table opts, or a new empty table
function M.check(opts, valid, fname, argn, level)
  level = (level or 1) + 1
  if opts == nil then return {} end
  if type(opts) ~= "table" then
    error(format("bad argument #%d to '%s' (options table expected, got %s)", argn or 1, fname,
      type(opts)), level + 1)
  end
  local set = valid
  if valid[1] ~= nil then
    set = {}
    for _, v in ipairs(valid) do set[v] = true end
  end
  for k in pairs(opts) do
    if not set[k] then
      -- names starting with "_" are internal: not listed
      local shown = {}
      if valid[1] ~= nil then
        for _, v in ipairs(valid) do
          if type(v) ~= "string" or v:sub(1, 1) ~= "_" then shown[#shown + 1] = v end
        end
      else
        for v in pairs(set) do
          if type(v) ~= "string" or v:sub(1, 1) ~= "_" then shown[#shown + 1] = v end
        end
        sort(shown)
      end
      error(M.unknown("option", k, shown, fname), level + 1)
    end
  end
  return opts
end

-- }======================================================

return M
