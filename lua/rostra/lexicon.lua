--- Lexicons (dictionaries of themes): reading them from four file formats or
-- from a Lua table, and the Lexicon object the tagger compiles.
--
--    local lexicon = require "rostra.lexicon"
--    local lex = assert(lexicon.new("political"))         -- the bundled lexicon
--    local lex = assert(lexicon.new("themes.yaml", {levels = 1}))
--    local lex = lexicon.new({health = {"health", "pandemic*", "public health"}})
--
-- See docs/lexicons.md for the formats.
-- @module rostra.lexicon
local core = require "rostra.core"

local lexicon = {}

--- The names of the lexicons bundled with rostra.
lexicon.bundled = { "political" }

--- File extensions and the format each one means.
lexicon.extensions = { yaml = "yaml", yml = "yaml", dic = "liwc", cat = "wordstat", lc3 = "lexicoder" }

local FORMATS = { yaml = true, liwc = true, wordstat = true, lexicoder = true }
local OPTIONS = { format = true, levels = true, name = true, rule = true, rules = true }

--- The keys of a decision rule, in the order they are shown.
lexicon.rule_keys = { "min_count", "min_share", "min_score", "min_dominance" }

--- The rule of a lexicon that states none: a unit is labelled with every
-- theme it has a match of.
lexicon.default_rule = { min_count = 1 }

local Lexicon = {}
Lexicon.__index = Lexicon
Lexicon.__name = "rostra.Lexicon"

-- {====================================================== files

local ERRNO = { [2] = "ENOENT", [13] = "EACCES", [20] = "ENOTDIR", [21] = "EISDIR" }

local function read_file(path)
  local f, msg, errno = io.open(path, "rb")
  if not f then return nil, msg, ERRNO[errno] or "EIO" end
  local text, rmsg, rerrno = f:read("a")
  f:close()
  if not text then
    return nil, path .. ": " .. tostring(rmsg), ERRNO[rerrno] or "EIO"
  end
  return text
end

local function exists(path)
  local f = io.open(path, "rb")
  if not f then return false end
  f:close()
  return true
end

local function dirname(path)
  return path:match("^(.*)[/\\][^/\\]*$") or "."
end

--- The folders searched for a bundled lexicon, in order: `lexicons/` next to
-- this module (`lua/rostra/lexicons/` in a checkout, `.../rostra/lexicons/`
-- in a LuaRocks tree), the same next to the `rostra` module that
-- `package.path` finds, and the top-level `lexicons/` of a checkout.
function lexicon.search_dirs()
  local dirs, seen = {}, {}
  local function add(d)
    if d and not seen[d] then
      seen[d] = true
      dirs[#dirs + 1] = d
    end
  end
  local here = debug.getinfo(1, "S").source
  local mine = here:sub(1, 1) == "@" and dirname(here:sub(2)) or nil
  local init = package.searchpath("rostra", package.path)
  local rdir = init and dirname(init) or nil
  add(mine and mine .. "/lexicons")
  add(rdir and rdir .. "/lexicons")
  add(mine and mine .. "/../../lexicons")
  add(rdir and rdir .. "/../../lexicons")
  return dirs
end

--- The path of the bundled lexicon `name`, or nil.
function lexicon.find(name)
  if type(name) ~= "string" or not name:match("^[%w_%-]+$") then return nil end
  for _, d in ipairs(lexicon.search_dirs()) do
    for _, ext in ipairs { ".yaml", ".yml" } do
      local p = d .. "/" .. name .. ext
      if exists(p) then return p end
    end
  end
  return nil
end

-- }======================================================

-- {====================================================== decision rules

-- a decision rule given by a caller ({min_count = 2, min_share = 0.01,
-- min_score = 2}): checked, copied; raises naming `what` on a mistake
local function check_rule(r, what, lvl)
  if type(r) ~= "table" then
    error(("%s must be a table such as {min_count = 2}, not a %s"):format(what, type(r)), lvl + 1)
  end
  local out = {}
  for k, v in pairs(r) do
    if k ~= "min_count" and k ~= "min_share" and k ~= "min_score" and k ~= "min_dominance" then
      error(("unknown key '%s' in %s (valid: min_count, min_share, min_score, min_dominance)"):format(
        tostring(k), what), lvl + 1)
    end
    if type(v) ~= "number" or v ~= v or v == math.huge or v == -math.huge then
      error(("%s.%s must be a finite number, not %s"):format(what, k, tostring(v)), lvl + 1)
    end
    if k == "min_count" and (math.tointeger(v) == nil or v < 1) then
      error(("%s.min_count must be a whole number >= 1, not %s"):format(what, tostring(v)), lvl + 1)
    end
    if (k == "min_share" or k == "min_dominance") and (v < 0 or v > 1) then
      error(("%s.%s must be a number from 0 to 1, not %s"):format(what, k, tostring(v)), lvl + 1)
    end
    out[k] = k == "min_count" and math.tointeger(v) or v
  end
  return out
end
lexicon.check_rule = check_rule

-- }======================================================

-- {====================================================== Lua tables

-- A Lua table is turned into the YAML form and read by the same C reader,
-- so both give the same entries, flags and warnings. Each line of the YAML
-- remembers which key of the table it came from, for error messages.

local function yaml_quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' end
    if c == "\\" then return "\\\\" end
    return string.format("\\x%02X", c:byte())
  end) .. '"'
end

local function yaml_number(w)
  local s = string.format("%.15g", w)
  if tonumber(s) ~= w then s = string.format("%.17g", w) end
  return s
end

local function sorted_keys(t, kind)
  local keys = {}
  for k in pairs(t) do
    if type(k) == kind then keys[#keys + 1] = k end
  end
  table.sort(keys)
  return keys
end

-- raises {msg = "..."} for a malformed table (new() re-raises it as a string)
local function table_to_yaml(t)
  local lines, where = {}, {}
  local function emit(indent, s, desc)
    lines[#lines + 1] = string.rep("  ", indent) .. s
    where[#lines] = desc
  end
  local function bad(desc, msg)
    error({ msg = "lexicon table: " .. desc .. ": " .. msg }, 0)
  end
  local function check_keys(node, desc)
    local n = #node
    for k in pairs(node) do
      local tk = type(k)
      if tk ~= "string" and not (math.type(k) == "integer" and k >= 1 and k <= n) then
        bad(desc, "unexpected key " .. tostring(k) .. " (patterns go in the array part,"
          .. " sub-categories and weights under string keys)")
      end
    end
  end
  local function patterns_of(v, desc, indent)
    if type(v) == "string" then
      emit(indent, "- " .. yaml_quote(v), desc)
    elseif type(v) == "table" then
      check_keys(v, desc)
      if #sorted_keys(v, "string") > 0 then bad(desc, "exclude must be an array of patterns") end
      for i, p in ipairs(v) do
        if type(p) ~= "string" then
          bad(desc .. "[" .. i .. "]", "a pattern must be a string, not a " .. type(p))
        end
        emit(indent, "- " .. yaml_quote(p), desc .. "[" .. i .. "]")
      end
    else
      bad(desc, "expected a pattern or an array of patterns, got a " .. type(v))
    end
  end
  local function rule_of(v, desc, indent)
    if type(v) ~= "table" then bad(desc, "_rule must be a table such as {min_count = 2}") end
    for k in pairs(v) do
      if type(k) ~= "string" then
        bad(desc, "_rule keys must be names (min_count, min_share, min_score, min_dominance)")
      end
    end
    for _, k in ipairs(sorted_keys(v, "string")) do
      local x = v[k]
      if type(x) ~= "number" then bad(desc .. "." .. k, "must be a number, not a " .. type(x)) end
      if x ~= x or x == math.huge or x == -math.huge then bad(desc .. "." .. k, "must be finite") end
      emit(indent, yaml_quote(k) .. ": " .. yaml_number(x), desc .. "." .. k)
    end
    if next(v) == nil then emit(indent, "{}", desc) end
  end
  local category -- forward
  local function members(node, desc, indent)
    -- node is the table of one category: array part = patterns; string keys:
    -- exclude, weighted patterns, sub-categories
    check_keys(node, desc)
    for i, p in ipairs(node) do
      if type(p) ~= "string" then
        bad(desc .. "[" .. i .. "]", "a pattern must be a string, not a " .. type(p))
      end
      emit(indent, "- " .. yaml_quote(p), desc .. "[" .. i .. "]")
    end
    for _, k in ipairs(sorted_keys(node, "string")) do
      local v, kd = node[k], desc .. "." .. k
      if k == "exclude" then
        emit(indent, "- exclude:", kd)
        patterns_of(v, kd, indent + 2)
      elseif k == "_rule" then
        emit(indent, "- _rule:", kd)
        rule_of(v, kd, indent + 2)
      elseif type(v) == "number" then
        if v ~= v or v == math.huge or v == -math.huge then bad(kd, "weight must be finite") end
        emit(indent, "- " .. yaml_quote(k) .. ": " .. yaml_number(v), kd)
      else
        emit(indent, "- " .. yaml_quote(k) .. ":", kd)
        category(v, kd, indent + 2)
      end
    end
  end
  function category(v, desc, indent)
    if type(v) == "string" then
      emit(indent, "- " .. yaml_quote(v), desc)
    elseif type(v) == "table" then
      if next(v) == nil then
        emit(indent, "[]", desc)
      else
        members(v, desc, indent)
      end
    else
      bad(desc, "a category must be a table of patterns (or one pattern string), not a "
        .. type(v))
    end
  end
  if #t > 0 then bad("[1]", "patterns must be inside a category (a string key)") end
  check_keys(t, "table")
  local keys = sorted_keys(t, "string")
  for _, k in ipairs(keys) do
    if k == "exclude" then
      emit(0, "exclude:", "exclude")
      patterns_of(t[k], "exclude", 1)
    elseif k == "_rule" then
      emit(0, "_rule:", "_rule")
      rule_of(t[k], "_rule", 1)
    else
      emit(0, yaml_quote(k) .. ":", k)
      category(t[k], k, 1)
    end
  end
  return table.concat(lines, "\n") .. "\n", where
end

-- }======================================================

-- {====================================================== building

local function format_warning(name, w)
  if w.line then return string.format("%s:%d:%d: %s", name, w.line, w.col, w.message) end
  return name .. ": " .. w.message
end

-- builds the Lexicon from the result of core.read_lexicon; levels folds
-- deeper categories into their ancestor at that level
local function build(raw, name, levels, path, from_table)
  local cats, byname, fold = {}, {}, {}
  for i, c in ipairs(raw.categories) do
    local parent = c.parent and raw.categories[c.parent].name or nil
    if levels and c.level > levels then
      fold[i] = fold[c.parent]
    else
      cats[#cats + 1] = { name = c.name, leaf = c.leaf, parent = parent, level = c.level,
        index = #cats + 1, line = c.line, col = c.col }
      byname[c.name] = cats[#cats]
      fold[i] = c.name
    end
  end
  local warnings = {}
  for _, w in ipairs(raw.warnings) do
    if from_table then -- the lines of the YAML form mean nothing to the caller
      w = { message = (w.message:gsub(" %(first at line %d+%)", "")) }
    end
    warnings[#warnings + 1] = format_warning(name, w)
  end
  -- the entries stay in the reader's columns (a table per entry would
  -- cost 2 KB a pattern in a lexicon of a million): categories folded to
  -- their names, entries that folding makes the same dropped in place
  local E = raw.entries
  local n = E.n
  local pat, cat, wt, fl, line, col = E.pattern, E.category, E.weight, E.flags, E.line, E.col
  local seen, out = {}, 0
  for i = 1, n do
    local ci = cat[i]
    local cname = ci and fold[ci] or false
    local key = cname or ""
    local sc = seen[key]
    if not sc then
      sc = { {}, {} }
      seen[key] = sc
    end
    local x = fl[i] & 4 ~= 0 and 2 or 1
    local p = pat[i]
    if not sc[x][p] then
      sc[x][p] = true
      out = out + 1
      pat[out], cat[out], wt[out], fl[out], line[out], col[out] = p, cname, wt[i], fl[i], line[i], col[i]
    end
  end
  for i = out + 1, n do pat[i], cat[i], wt[i], fl[i], line[i], col[i] = nil, nil, nil, nil, nil, nil end
  seen = nil -- luacheck: ignore 311
  -- the tokens the tagger matches, tokenized in C in one call: an entry
  -- is the token (one token, no glob), a table of tokens with `globs`, or
  -- false (no token)
  local toks = core.pattern_tokens(pat)
  for i = 1, out do
    if not toks[i] then
      warnings[#warnings + 1] = format_warning(name, {
        line = not from_table and line[i] or nil, col = col[i],
        message = "pattern '" .. pat[i] .. "' has no tokens; ignored" })
    end
  end
  -- decision rules: the lexicon's default and each category's own, per key
  local default, own = {}, {}
  for _, r in ipairs(raw.rules or {}) do
    if r.category == nil then
      default[r.key] = r.value
    else
      local c = raw.categories[r.category]
      local cname = fold[r.category]
      if cname ~= c.name then -- folded into an ancestor by levels
        warnings[#warnings + 1] = format_warning(name, { line = not from_table and r.line or nil,
          col = r.col, message = ("_rule of '%s' ignored: the category is folded into '%s' (levels = %d)")
            :format(c.name, tostring(cname), levels) })
      else
        own[cname] = own[cname] or {}
        own[cname][r.key] = r.value
      end
    end
  end
  return setmetatable({
    name = name,
    path = path,
    format = raw.format,
    levels = levels,
    warnings = warnings,
    _cats = cats,
    _byname = byname,
    _n = out,
    _pat = pat, _cat = cat, _wt = wt, _fl = fl, _line = line, _col = col, _tok = toks,
    _rule = default,
    _rules = own,
  }, Lexicon)
end

-- the caller's opts.rule and opts.rules, over those of the file
local function apply_rules(lex, opts)
  if opts.rule ~= nil then
    for k, v in pairs(check_rule(opts.rule, "opts.rule", 3)) do lex._rule[k] = v end
  end
  if opts.rules ~= nil then
    if type(opts.rules) ~= "table" then
      error("bad option 'rules' to 'lexicon' (table of theme = rule expected, got "
        .. type(opts.rules) .. ")", 3)
    end
    for theme, r in pairs(opts.rules) do
      if not lex._byname[theme] then
        local names = {}
        for _, c in ipairs(lex._cats) do names[#names + 1] = c.name end
        error(("bad option 'rules' to 'lexicon': unknown theme '%s' (themes: %s)"):format(
          tostring(theme), table.concat(names, ", ")), 3)
      end
      local t = lex._rules[theme] or {}
      for k, v in pairs(check_rule(r, "opts.rules." .. theme, 3)) do t[k] = v end
      lex._rules[theme] = t
    end
  end
  return lex
end

local function check_opts(opts)
  if opts == nil then return {} end
  if type(opts) ~= "table" then
    error("bad argument #2 to 'lexicon' (table expected, got " .. type(opts) .. ")", 3)
  end
  for k in pairs(opts) do
    if not OPTIONS[k] then error(require("rostra.opts").unknown("option", k, OPTIONS, "lexicon"), 3) end
  end
  if opts.format ~= nil and not FORMATS[opts.format] then
    error("bad option 'format' to 'lexicon' (yaml, liwc, wordstat or lexicoder expected, got "
      .. tostring(opts.format) .. ")", 3)
  end
  if opts.levels ~= nil and (math.type(opts.levels) ~= "integer" or opts.levels < 1) then
    error("bad option 'levels' to 'lexicon' (positive integer expected, got "
      .. tostring(opts.levels) .. ")", 3)
  end
  if opts.name ~= nil and type(opts.name) ~= "string" then
    error("bad option 'name' to 'lexicon' (string expected, got " .. type(opts.name) .. ")", 3)
  end
  return opts
end

--- Reads a lexicon.
-- @param src a file path (format from the extension: .yaml/.yml, .dic,
--   .cat, .lc3), the name of a bundled lexicon (`"political"`), or a Lua
--   table `{category = {"pattern", ...}, parent = {child = {...}}}`
-- @tparam[opt] table opts `format` ("yaml", "liwc", "wordstat",
--   "lexicoder"), `levels` (fold categories deeper than this into their
--   ancestor: `levels = 1` counts economy.taxation as economy), `name`,
--   `rule` (the decision rule of every theme, over the file's default:
--   `{min_count = 2, min_share = 0.01, min_score = 2}`), `rules` (a rule per
--   theme: `{health = {min_count = 1}}`, over the file's)
-- @return a Lexicon, or nil, message, code ("ENOENT", "EPARSE", ...) for a
--   missing or malformed file. A malformed table raises an error.
function lexicon.new(src, opts)
  opts = check_opts(opts)
  if type(src) == "table" then
    local ok, yaml, where = pcall(table_to_yaml, src)
    if not ok then
      if type(yaml) == "table" then error(yaml.msg, 2) end
      error(yaml, 0)
    end
    local name = opts.name or "table"
    local raw, msg, _, line = core.read_lexicon(yaml, "yaml", name, "columns")
    if not raw then
      local desc = where[line] or "table"
      msg = msg:gsub("^.-:%d+:%d+: ", "")
      error("lexicon table: " .. desc .. ": " .. msg, 2)
    end
    return apply_rules(build(raw, name, opts.levels, nil, true), opts)
  elseif type(src) ~= "string" then
    error("bad argument #1 to 'lexicon' (string or table expected, got " .. type(src) .. ")", 2)
  end
  local path, name = src, opts.name
  local bundled = src:match("^[%w_%-]+$") and lexicon.find(src)
  if bundled then
    path, name = bundled, name or src
  elseif not exists(src) then
    if src:match("^[%w_%-]+$") then
      local near = require("rostra.opts").nearest(src, lexicon.bundled)
      return nil, string.format("lexicon '%s' not found: not a file, nor a bundled lexicon (%s%s)",
        src, near and ("did you mean '" .. near .. "'? ") or "", table.concat(lexicon.bundled, ", ")),
        "ENOENT"
    end
  end
  local format = opts.format
  if not format then
    local ext = path:match("%.([%w]+)$")
    format = ext and lexicon.extensions[ext:lower()]
    if not format then
      error("cannot tell the format of lexicon '" .. src .. "' from its extension"
        .. " (use opts.format: yaml, liwc, wordstat or lexicoder)", 2)
    end
  end
  local text, msg, code = read_file(path)
  if not text then return nil, msg, code end
  name = name or path:match("([^/\\]+)$")
  local raw, err, ecode = core.read_lexicon(text, format, path, "columns")
  if not raw then return nil, err, ecode end
  return apply_rules(build(raw, name, opts.levels, path, false), opts)
end

-- }======================================================

-- {====================================================== Lexicon

--- The categories in file order (after `levels` folding): fresh tables
-- `{name = "economy.taxation", leaf = "taxation", parent = "economy",
-- level = 2, index = 3}` (`parent` is nil at the top level).
function Lexicon:categories()
  local out = {}
  for i, c in ipairs(self._cats) do
    out[i] = { name = c.name, leaf = c.leaf, parent = c.parent, level = c.level, index = c.index,
      line = c.line, col = c.col }
  end
  return out
end

--- The category record of a full name, or nil.
function Lexicon:category(name)
  local c = self._byname[name]
  if not c then return nil end
  return { name = c.name, leaf = c.leaf, parent = c.parent, level = c.level, index = c.index,
    line = c.line, col = c.col }
end

--- The entries in file order: fresh tables `{pattern, category, weight,
-- glob, phrase, exclude, line, col}`; `category` is the full category name,
-- nil for a top-level exclusion (it excludes the pattern from every
-- category).
function Lexicon:entries()
  local out = {}
  for i = 1, self._n do out[i] = self:_entry(i) end
  return out
end

-- entry i as a fresh table
function Lexicon:_entry(i)
  local f = self._fl[i]
  if not f then return nil end
  return { pattern = self._pat[i], category = self._cat[i] or nil, weight = self._wt[i],
    glob = f & 1 ~= 0, phrase = f & 2 ~= 0, exclude = f & 4 ~= 0, line = self._line[i],
    col = self._col[i] }
end

-- the tokens and glob flags of entry i (fresh tables), or nil when it has none
function Lexicon:_tokens(i)
  local t = self._tok[i]
  if not t then return nil end
  if type(t) == "string" then return { t }, { false } end
  return table.move(t, 1, #t, 1, {}), table.move(t.globs, 1, #t, 1, {})
end

--- The entries as token sequences, what the tagger matches: fresh tables
-- `{pattern, category, weight, exclude, glob, phrase, tokens = {lower
-- forms}, globs = {booleans}, entry = index in entries()}`. A word with `*`
-- or `?` is one glob token (lower-cased); any other word is split by the
-- tokenizer, so "people-to-people" is one token and a run of Han
-- characters is cut into words as the corpus cuts it.
function Lexicon:patterns()
  local out = {}
  for i = 1, self._n do
    local toks, globs = self:_tokens(i)
    if toks then
      local f = self._fl[i]
      out[#out + 1] = { pattern = self._pat[i], category = self._cat[i] or nil, weight = self._wt[i],
        exclude = f & 4 ~= 0, glob = f & 1 ~= 0, phrase = #toks > 1, tokens = toks, globs = globs,
        entry = i }
    end
  end
  return out
end

--- The decision rule of a theme: a fresh table `{min_count = n,
-- min_share = x, min_score = y}` (keys left out are no bound). Each key
-- comes from the theme's own `_rule`, else from its parent's (and up),
-- else from the lexicon's default `_rule`, else from
-- `lexicon.default_rule` (`{min_count = 1}`: every theme with a match).
-- Without a theme: the lexicon's default.
-- @tparam[opt] string theme a full category name
function Lexicon:rule(theme)
  local out = {}
  local chain = {}
  if theme ~= nil then
    local c = self._byname[theme]
    if not c then
      error(("bad argument #1 to 'rule' (unknown theme '%s')"):format(tostring(theme)), 2)
    end
    while c do
      chain[#chain + 1] = self._rules[c.name]
      c = c.parent and self._byname[c.parent]
    end
  end
  chain[#chain + 1] = self._rule
  chain[#chain + 1] = lexicon.default_rule
  for _, k in ipairs(lexicon.rule_keys) do
    for _, r in ipairs(chain) do
      if r[k] ~= nil then
        out[k] = r[k]
        break
      end
    end
  end
  return out
end

--- The rules as written: a list of `{theme = name | nil (the default),
-- min_count, min_share, min_score}`, the default first, then themes in
-- file order.
function Lexicon:rules()
  local out = {}
  if next(self._rule) then
    local r = { }
    for k, v in pairs(self._rule) do r[k] = v end
    out[1] = r
  end
  for _, c in ipairs(self._cats) do
    local own = self._rules[c.name]
    if own and next(own) then
      local r = { theme = c.name }
      for k, v in pairs(own) do r[k] = v end
      out[#out + 1] = r
    end
  end
  return out
end

--- The number of entries.
function Lexicon:__len()
  return self._n
end

function Lexicon:__tostring()
  return string.format("rostra.Lexicon: %s (%d categories, %d entries)", self.name,
    #self._cats, self._n)
end

lexicon.Lexicon = Lexicon

--- Is x a Lexicon?
function lexicon.is_lexicon(x)
  return getmetatable(x) == Lexicon
end

-- }======================================================

return setmetatable(lexicon, {
  __call = function(_, ...) return lexicon.new(...) end,
})
