--- Themes: tagging speeches with a lexicon.
--
--    local rostra = require "rostra"
--    local lex = rostra.lexicon("political")
--    local t = c:tag(lex, {level = "point"})        -- or sp:tag(lex, ...)
--    for _, row in t:rows() do print(row.speech, row.unit, row.theme, row.count) end
--    t:top(1):print()          -- the top theme of every unit
--    t:totals():print()        -- per theme over everything
--    t:by("year"):print()      -- per metadata value
--    print(t:hits("health"))   -- KWIC lines of what was matched
--    t:labels():print()        -- the themes each unit discusses, under the lexicon's rule
--
-- Adds `Corpus:tag` (rostra.corpus) and `Speech:tag` (rostra.speech). The
-- patterns are compiled in C against the corpus vocabulary into an
-- Aho-Corasick automaton over lower-case type ids, which walks the token
-- stream (the rules are in csrc/tagger.h).
-- @module rostra.themes
local core = require "rostra.core"
local result = require "rostra.result"
local corpusmod = require "rostra.corpus"
local lexmod = require "rostra.lexicon"
local speechmod = require "rostra.speech"
local matches = require "rostra.matches"
local optsmod = require "rostra.opts"
local cjk = require "rostra.cjk"

local Corpus = corpusmod.Corpus
local Speech = speechmod.Speech

local M = {}

local LEVELS = { speech = true, segment = true, point = true, sentence = true, turn = true }
local LEVEL_ALIAS = { paragraph = "segment" }
local LEVEL_NAMES = "speech, segment (or paragraph), point, sentence, turn"
local OPTIONS = { level = true, by = true, overlap = true, levels = true, case = true, columns = true,
  max_phrases = true }
-- columns a `by` key may not shadow
local RESERVED = { speech = true, unit = true, theme = true, count = true, tokens = true, score = true,
  share = true, words = true, units = true, rank = true, group = true }

-- {====================================================== options

local function check_opts(opts, fname, lvl)
  if opts == nil then opts = {} end
  if type(opts) ~= "table" then
    error(("bad argument #2 to '%s' (table expected, got %s)"):format(fname, type(opts)), lvl)
  end
  for k in pairs(opts) do
    if not OPTIONS[k] then error(optsmod.unknown("option", k, OPTIONS, fname), lvl) end
  end
  local level = opts.level or "speech"
  if type(level) ~= "string" then
    error(("bad option 'level' to '%s' (string expected, got %s)"):format(fname, type(level)), lvl)
  end
  level = LEVEL_ALIAS[level] or level
  if not LEVELS[level] then
    error(("unknown level '%s' (valid: %s)"):format(level, LEVEL_NAMES), lvl)
  end
  if opts.by ~= nil and type(opts.by) ~= "string" then
    error(("bad option 'by' to '%s' (metadata key expected, got %s)"):format(fname, type(opts.by)), lvl)
  end
  if opts.by ~= nil and RESERVED[opts.by] then
    error(("bad option 'by' to '%s' ('%s' is a column of the theme table)"):format(fname, opts.by), lvl)
  end
  for _, k in ipairs { "overlap", "case" } do
    if opts[k] ~= nil and type(opts[k]) ~= "boolean" then
      error(("bad option '%s' to '%s' (boolean expected, got %s)"):format(k, fname, type(opts[k])), lvl)
    end
  end
  local levels = opts.levels
  if levels ~= nil and (math.type(levels) ~= "integer" or levels < 1) then
    error(("bad option 'levels' to '%s' (positive integer expected, got %s)"):format(fname,
      tostring(levels)), lvl)
  end
  local mp = opts.max_phrases
  if mp ~= nil and mp ~= math.huge and (math.type(mp) ~= "integer" or mp < 1) then
    error(("bad option 'max_phrases' to '%s' (a positive integer or math.huge expected, got %s)"):format(
      fname, tostring(mp)), lvl)
  end
  return { level = level, by = opts.by, overlap = opts.overlap == true, levels = levels,
    case = opts.case == true, columns = opts.columns, max_phrases = mp }
end

local function has_level(c, name)
  for _, l in ipairs((c:structures())) do if l == name then return true end end
  return false
end

local function check_lexicon(lex, fname, lvl)
  if lexmod.is_lexicon(lex) then return lex end
  if type(lex) == "string" or type(lex) == "table" then
    local l, msg = lexmod.new(lex)
    if not l then error(msg, lvl) end
    return l
  end
  error(("bad argument #1 to '%s' (Lexicon expected, got %s)"):format(fname, type(lex)), lvl)
end

-- }======================================================

-- {====================================================== compiling

-- the themes (category names, file order) and a function giving the
-- theme index of a category, folded to `levels`
local function theme_list(lex, levels)
  local names, index, fold = {}, {}, {}
  for _, c in ipairs(lex:categories()) do
    if not levels or c.level <= levels then
      names[#names + 1] = c.name
      index[c.name] = #names
    end
  end
  local function resolve(name)
    local v = fold[name]
    if v ~= nil then return v or nil end
    local n, c = name, lex:category(name)
    while levels and c and c.level > levels do
      n = c.parent
      c = n and lex:category(n)
    end
    v = n and index[n]
    fold[name] = v or false
    return v
  end
  return names, index, resolve
end

-- a pattern's tokens as written (case = true): a word with * or ? is one
-- glob token, any other word is split by the tokenizer
local function word_tokens(pattern)
  local toks, globs = {}, {}
  for word in pattern:gmatch("[^ ]+") do
    if word:find("[*?]") then
      toks[#toks + 1] = word
      globs[#toks] = true
    else
      for _, t in ipairs(core.tokenize(word)) do
        toks[#toks + 1] = t.text
        globs[#toks] = false
      end
    end
  end
  return toks, globs
end

-- a pattern's tokens for a corpus loaded with split_hyphens: a token that
-- holds a hyphen (win-win) is its parts and hyphens, as the text was cut
local function split_tokens(toks, globs, case)
  local out, og = {}, {}
  for i, t in ipairs(toks) do
    local parts = (not globs[i]) and t:find("[-\u{2010}\u{2011}]")
      and core.tokenize(t, { split_hyphens = true }) or nil
    if parts and #parts > 1 then
      for _, x in ipairs(parts) do
        out[#out + 1] = case and x.text or x.lower
        og[#out] = false
      end
    else
      out[#out + 1] = t
      og[#out] = globs[i]
    end
  end
  return out, og
end

-- compiled automata: lexicon -> root corpus -> entry (weak both ways)
local cache = setmetatable({}, { __mode = "k" })

local function compile(c, lex, o, lvl)
  local root = c._root
  local h = root._h
  local ntok, ndoc = h:counts()
  local attr = o.case and "word" or "lower"
  local key = table.concat({ attr, o.levels or 0, ntok, ndoc }, ":")
  local per = cache[lex]
  if not per then
    per = setmetatable({}, { __mode = "k" })
    cache[lex] = per
  end
  local entry = per[root] and per[root][key]
  if entry then return entry end
  if per[root] and not per[root][key] then -- the corpus grew: drop automata of its past
    for k in pairs(per[root]) do
      if not k:find(":" .. ntok .. ":" .. ndoc .. "$") then per[root][k] = nil end
    end
  end
  local themes, index, resolve = theme_list(lex, o.levels)
  -- where entry i is written, for messages
  local function where(i)
    local line, col = lex._line[i], lex._col[i]
    return line and lex.path and ("%s:%d:%d: "):format(lex.path, line, col) or (lex.name .. ": ")
  end
  -- the patterns for C as columns (a lexicon may hold a million): tokens
  -- (the token itself, or {tok, ..., globs = {...}}), category, weight,
  -- exclusion, and the entry each comes from
  local tokc, catc, wtc, exc, ent, k = {}, {}, {}, {}, {}, 0
  c:_load_meta()
  local split = root._extra.split_hyphens == true -- loaded with split_hyphens
  for i = 1, lex._n do
    local category, cat = lex._cat[i], 0
    if category then cat = resolve(category) end
    local t = lex._tok[i]
    if cat and t then
      local weight, exclude = lex._wt[i], lex._fl[i] & 4 ~= 0
      if type(t) == "string" and not o.case and not t:find("[\226-\244]")
        and not (split and t:find("-", 1, true)) then
        -- one literal token, no Han or Kana (nor hyphen to split): as it is
        k = k + 1
        tokc[k], catc[k], wtc[k], exc[k], ent[k] = t, cat, weight, exclude, i
      else
        local toks, globs = lex:_tokens(i)
        if o.case then toks, globs = word_tokens(lex._pat[i]) end
        if split then toks, globs = split_tokens(toks, globs, o.case) end
        if #toks > 0 then
          -- Han and Kana: every way the corpus cuts the characters (rostra.cjk)
          local variants, err = cjk.pattern_variants(toks, globs, attr, h)
          if not variants then error(where(i) .. err, lvl) end
          for _, v in ipairs(variants) do
            local vt = table.move(v.tokens, 1, #v.tokens, 1, {})
            vt.globs = v.globs
            k = k + 1
            tokc[k], catc[k], wtc[k], exc[k], ent[k] = vt, cat, weight, exclude, i
          end
        end
      end
    end
  end
  local t0 = core.clock()
  local tagger, info, bad = h:tag_compile({ tokens = tokc, cat = catc, weight = wtc, exclude = exc },
    attr, #themes, o.max_phrases)
  if not tagger then error(where(ent[bad]) .. info, lvl) end
  info.seconds = core.clock() - t0
  info.patterns = k
  entry = { tagger = tagger, themes = themes, index = index, info = info, attr = attr }
  per[root] = per[root] or {}
  per[root][key] = entry
  return entry
end

--- Compile a lexicon against a corpus's vocabulary now (tagging does it
-- on first use and keeps the automaton): returns figures `{nodes, symbols,
-- maxdepth, bytes, patterns, seconds}`.
-- @param c Corpus
-- @param lex Lexicon
-- @tparam[opt] table opts `levels`, `case`
function M.compile(c, lex, opts)
  lex = check_lexicon(lex, "compile", 3)
  local o = check_opts(opts, "compile", 3)
  local info = {}
  for k, v in pairs(compile(c, lex, o, 3).info) do info[k] = v end
  return info
end

-- }======================================================

-- {====================================================== the ThemeTable

local ThemeTable = result.extend { __name = "rostra.themetable" }
M.ThemeTable = ThemeTable

local COLUMNS = { "count", "tokens", "score", "share" }

local function columns(first, extra)
  local out = {}
  for _, c in ipairs(first) do out[#out + 1] = c end
  for _, c in ipairs(extra or COLUMNS) do out[#out + 1] = c end
  return out
end

local function theme_less(ctx)
  local index = ctx.index
  return function(a, b) return (index[a] or math.huge) < (index[b] or math.huge) end
end

-- values sorted as freq sorts groups: numbers first, then by value
local function value_less(a, b)
  if type(a) == type(b) and (type(a) == "number" or type(a) == "string") then return a < b end
  if type(a) == "number" then return true end
  if type(b) == "number" then return false end
  return tostring(a) < tostring(b)
end

local function new_table(ctx, cols, rows, title)
  local t = ThemeTable.new(cols, rows, { title = title, warnings = ctx.warnings,
    meta = ctx.meta })
  rawset(t, "_ctx", ctx)
  return t
end

--- Totals per theme over every row: a result table `{theme, count, tokens,
-- score, share, units}` (share: matched tokens over the word tokens of
-- everything tagged; units: units with a match), most matches first.
function ThemeTable:totals()
  local ctx = rawget(self, "_ctx")
  local acc, list = {}, {}
  for _, row in self:rows() do
    local a = acc[row.theme]
    if not a then
      a = { theme = row.theme, count = 0, tokens = 0, score = 0, units = 0 }
      acc[row.theme] = a
      list[#list + 1] = a
    end
    a.count = a.count + row.count
    a.tokens = a.tokens + row.tokens
    a.score = a.score + row.score
    a.units = a.units + 1
  end
  for _, a in ipairs(list) do a.share = ctx.words > 0 and a.tokens / ctx.words or 0 end
  local less = theme_less(ctx)
  table.sort(list, function(a, b)
    if a.count ~= b.count then return a.count > b.count end
    return less(a.theme, b.theme)
  end)
  return result.new({ "theme", "count", "tokens", "score", "share", "units" }, list,
    { title = ("theme totals (%s)"):format(ctx.lexicon), warnings = ctx.warnings })
end

-- rows grouped by unit, in order of first appearance
local function by_unit(self)
  local groups, order = {}, {}
  for _, row in self:rows() do
    local k = row.speech .. ":" .. tostring(row.unit)
    local g = groups[k]
    if not g then
      g = {}
      groups[k] = g
      order[#order + 1] = g
    end
    g[#g + 1] = row
  end
  return order
end

--- The n top themes of every unit (default 1), by count, then matched
-- tokens, then score, then lexicon order: a ThemeTable with a `rank` column.
function ThemeTable:top(n)
  if n == nil then n = 1 end
  if math.type(n) ~= "integer" or n < 1 then
    error("bad argument #1 to 'top' (positive integer expected, got " .. tostring(n) .. ")", 2)
  end
  local ctx = rawget(self, "_ctx")
  local less = theme_less(ctx)
  local rows = {}
  for _, g in ipairs(by_unit(self)) do
    table.sort(g, function(a, b)
      if a.count ~= b.count then return a.count > b.count end
      if a.tokens ~= b.tokens then return a.tokens > b.tokens end
      if a.score ~= b.score then return a.score > b.score end
      return less(a.theme, b.theme)
    end)
    for r = 1, math.min(n, #g) do
      local row = {}
      for k, v in pairs(g[r]) do row[k] = v end
      row.rank = r
      rows[#rows + 1] = setmetatable(row, getmetatable(g[r]))
    end
  end
  local first = { "speech" }
  for _, col in ipairs(ctx.name_cols) do first[#first + 1] = col end
  if ctx.by then first[#first + 1] = ctx.by end
  for _, col in ipairs { "unit", "rank", "theme" } do first[#first + 1] = col end
  return new_table(ctx, columns(first), rows, ("top %d theme%s per %s (%s)"):format(n,
    n == 1 and "" or "s", ctx.level, ctx.lexicon))
end

--- Totals per value of a metadata key (default: the table's `by`): a result
-- table `{KEY, theme, count, tokens, score, share, units}`; share is over
-- the word tokens of the speeches with that value. Speeches without the key
-- are left out.
function ThemeTable:by(key)
  local ctx = rawget(self, "_ctx")
  key = key or ctx.by
  if type(key) ~= "string" then
    error("bad argument #1 to 'by' (metadata key expected, got " .. type(key) .. ")", 2)
  end
  local c = ctx.corpus
  local metas = c:_load_meta()
  local words = {}
  local value
  if ctx.turn_words and key == ctx.by then -- turns by their own speaker (role)
    words = ctx.turn_words
    value = function(row) return row.group end
  else
    local get = corpusmod.key_fn(c, key, "by", 2)
    value = function(row) return get(metas[row.speech] or {}, row.speech) end
    for d in c:speeches() do
      local v = get(metas[d] or {}, d)
      if v ~= nil then words[v] = (words[v] or 0) + (ctx.doc_words[d] or 0) end
    end
  end
  local acc, list = {}, {}
  for _, row in self:rows() do
    local v = value(row)
    if v ~= nil then
      local a = acc[v]
      if not a then
        a = {}
        acc[v] = a
      end
      local x = a[row.theme]
      if not x then
        x = { group = v, theme = row.theme, count = 0, tokens = 0, score = 0, units = 0 }
        a[row.theme] = x
        list[#list + 1] = x
      end
      x.count = x.count + row.count
      x.tokens = x.tokens + row.tokens
      x.score = x.score + row.score
      x.units = x.units + 1
    end
  end
  local col = RESERVED[key] and "group" or key
  for _, x in ipairs(list) do
    local w = words[x.group] or 0
    x.share = w > 0 and x.tokens / w or 0
    x[col] = x.group
  end
  local less = theme_less(ctx)
  table.sort(list, function(a, b)
    if a.group ~= b.group then return value_less(a.group, b.group) end
    if a.count ~= b.count then return a.count > b.count end
    return less(a.theme, b.theme)
  end)
  return result.new({ col, "theme", "count", "tokens", "score", "share", "units" }, list,
    { title = ("themes by %s (%s)"):format(key, ctx.lexicon), warnings = ctx.warnings })
end

--- Pairs of themes found in the same unit: a result table `{theme1, theme2,
-- units, jaccard}` (units: how many units have both; jaccard: that over the
-- units with either), most shared first.
function ThemeTable:cooccurrence()
  local ctx = rawget(self, "_ctx")
  local index = ctx.index
  local per, pairs_, list = {}, {}, {}
  for _, g in ipairs(by_unit(self)) do
    local seen, themes = {}, {}
    for _, row in ipairs(g) do
      if not seen[row.theme] then
        seen[row.theme] = true
        themes[#themes + 1] = row.theme
        per[row.theme] = (per[row.theme] or 0) + 1
      end
    end
    table.sort(themes, function(a, b) return (index[a] or 0) < (index[b] or 0) end)
    for i = 1, #themes - 1 do
      for j = i + 1, #themes do
        local k = themes[i] .. "\0" .. themes[j]
        local x = pairs_[k]
        if not x then
          x = { theme1 = themes[i], theme2 = themes[j], units = 0 }
          pairs_[k] = x
          list[#list + 1] = x
        end
        x.units = x.units + 1
      end
    end
  end
  for _, x in ipairs(list) do
    x.jaccard = x.units / (per[x.theme1] + per[x.theme2] - x.units)
  end
  table.sort(list, function(a, b)
    if a.units ~= b.units then return a.units > b.units end
    if a.theme1 ~= b.theme1 then return (index[a.theme1] or 0) < (index[b.theme1] or 0) end
    return (index[a.theme2] or 0) < (index[b.theme2] or 0)
  end)
  return result.new({ "theme1", "theme2", "units", "jaccard" }, list,
    { title = ("themes sharing a %s (%s)"):format(ctx.level, ctx.lexicon) })
end

-- {====================================================== decision rules

local LABEL_OPTS = { min_count = true, min_share = true, min_score = true, min_dominance = true,
  rules = true }
local LABEL_NAMES = "min_count, min_share, min_score, min_dominance, rules"

--- The decision rule of each theme for a lexicon and a call's options: a
-- function theme -> rule `{min_count, min_share, min_score, min_dominance}`.
-- The call's `rules[theme]` wins, then its `min_count`/`min_share`/
-- `min_score`/`min_dominance` (for
-- every theme), then the lexicon's rule of the theme (`lex:rule(theme)`:
-- the theme's `_rule`, its parents', the lexicon's default `_rule`, else
-- `{min_count = 1}`). Raises on a malformed option.
-- @param lex Lexicon
-- @tparam[opt] table opts
-- @tparam[opt] string fname the function named in errors
-- @tparam[opt] integer lvl the level of errors, as for `error`, counted from the caller
function M.rule_of(lex, opts, fname, lvl)
  fname, lvl = fname or "rule_of", (lvl or 1) + 1
  opts = opts or {}
  if type(opts) ~= "table" then
    error(("bad argument #1 to '%s' (table expected, got %s)"):format(fname, type(opts)), lvl)
  end
  local call = {}
  for k, v in pairs(opts) do
    if not LABEL_OPTS[k] then
      error(("unknown option '%s' to '%s' (valid: %s)"):format(tostring(k), fname, LABEL_NAMES), lvl)
    end
    if k ~= "rules" then call[k] = v end
  end
  call = lexmod.check_rule(call, "opts", lvl)
  local per = {}
  if opts.rules ~= nil then
    if type(opts.rules) ~= "table" then
      error(("bad option 'rules' to '%s' (table of theme = rule expected)"):format(fname), lvl)
    end
    for theme, r in pairs(opts.rules) do
      if type(theme) ~= "string" or not lex:category(theme) then
        error(("bad option 'rules' to '%s': unknown theme '%s'"):format(fname, tostring(theme)), lvl)
      end
      per[theme] = lexmod.check_rule(r, "opts.rules." .. theme, lvl)
    end
  end
  local memo, default = {}, nil
  return function(theme)
    local r = theme == nil and default or memo[theme]
    if r then return r end
    r = theme ~= nil and lex:category(theme) and lex:rule(theme) or lex:rule()
    for k, v in pairs(call) do r[k] = v end
    if theme == nil then
      default = r
    else
      for k, v in pairs(per[theme] or {}) do r[k] = v end
      memo[theme] = r
    end
    return r
  end
end

--- Does a unit's figures for a theme meet a rule? `count` (matches),
-- `share` (matched word tokens over the unit's words), `score` (the sum of
-- the matches' weights) against `min_count`, `min_share`, `min_score`;
-- `top` (the largest score of any theme in the unit, this one included)
-- against `min_dominance`: the theme's score must be at least that share of
-- the top score.
function M.passes(rule, count, share, score, top)
  if rule.min_count and count < rule.min_count then return false end
  if rule.min_share and share < rule.min_share then return false end
  if rule.min_score and score < rule.min_score then return false end
  if rule.min_dominance and top and score < rule.min_dominance * top then return false end
  return true
end

--- The largest score of each unit of a list of rows (`{speech, unit,
-- score}`): a table speech -> unit -> score.
function M.top_scores(list)
  local top = {}
  for _, row in ipairs(list) do
    local per = top[row.speech]
    if not per then
      per = {}
      top[row.speech] = per
    end
    local s = per[row.unit]
    if s == nil or row.score > s then per[row.unit] = row.score end
  end
  return top
end

-- "min_count 2, min_share 0.01" ("min_count 1" only when it is the only
-- bound: every unit with a row has a match)
function M.rule_text(rule)
  local parts = {}
  for _, k in ipairs(lexmod.rule_keys) do
    local v = rule[k]
    if v ~= nil and not (k == "min_count" and v == 1 and (rule.min_share or rule.min_score
        or rule.min_dominance)) then
      parts[#parts + 1] = ("%s %s"):format(k, math.type(v) == "float" and ("%g"):format(v) or tostring(v))
    end
  end
  return table.concat(parts, ", ")
end

--- The themes each unit discusses, under the lexicon's decision rule: the
-- rows of this table whose count, share and score meet the rule of their
-- theme (a ThemeTable with the same columns, so `:totals()` counts the
-- units labelled with each theme and `:by(key)` per metadata value).
-- `min_dominance` compares a row's score with the largest score among the
-- rows of its unit in this table.
-- @tparam[opt] table opts `min_count`, `min_share`, `min_score`,
--   `min_dominance` (for every theme, over the lexicon's rules), `rules`
--   (`{theme = {min_count = 2}}`, over everything)
function ThemeTable:labels(opts)
  local ctx = rawget(self, "_ctx")
  local rule_of = M.rule_of(ctx.lex, opts, "labels", 2)
  local list = {}
  for _, row in self:rows() do list[#list + 1] = row end
  local top = M.top_scores(list)
  local rows = {}
  for _, row in ipairs(list) do
    if M.passes(rule_of(row.theme), row.count, row.share, row.score, top[row.speech][row.unit]) then
      local r = {}
      for k, v in pairs(row) do r[k] = v end
      rows[#rows + 1] = setmetatable(r, getmetatable(row)) -- the speech's names
    end
  end
  local first = { "speech" }
  for _, col in ipairs(ctx.name_cols or {}) do first[#first + 1] = col end
  if ctx.by then first[#first + 1] = ctx.by end
  first[#first + 1] = "unit"
  first[#first + 1] = "theme"
  for _, c in ipairs(self:columns()) do
    if c == "rank" then table.insert(first, #first, "rank") end
  end
  local t = new_table(ctx, columns(first), rows, ("labels per %s (%s, rule: %s)"):format(ctx.level,
    ctx.lexicon, M.rule_text(rule_of(nil))))
  return t
end

-- }======================================================

local KWIC_PASS = { context = true, chars = true, clip = true, sort = true, limit = true,
  offset = true, columns = true }
local HITS_OPTS = { "speech", "unit", "context", "chars", "clip", "sort", "limit", "offset", "columns" }

--- KWIC lines of the matches counted for a theme (every theme when nil):
-- why a unit was tagged. `opts`: `speech`, `unit` (only that speech, that
-- unit), and the options of `c:kwic` (`context`, `chars`, `clip`, `sort`,
-- `limit`, `offset`).
function ThemeTable:hits(theme, opts)
  local ctx = rawget(self, "_ctx")
  local cat = 0
  if theme ~= nil then
    cat = ctx.index[theme]
    if not cat then
      error(optsmod.unknown("theme", theme, ctx.themes, nil, "themes"), 2)
    end
  end
  opts = optsmod.check(opts, HITS_OPTS, "hits", 2)
  local kopts = {}
  for k, v in pairs(opts) do
    if KWIC_PASS[k] then kopts[k] = v end
  end
  local c = ctx.corpus
  local h = c._root._h
  local mask = c._mask
  if opts.speech ~= nil then
    local _, ndoc = h:counts()
    if math.type(opts.speech) ~= "integer" or opts.speech < 1 or opts.speech > ndoc
        or not c:has(opts.speech) then
      error("bad option 'speech' to 'hits' (a speech of the table expected)", 2)
    end
    mask = ("\0"):rep(opts.speech - 1) .. "\1" .. ("\0"):rep(ndoc - opts.speech)
  end
  local data = h:tag_run(ctx.tagger, ctx.level, mask, ctx.overlap, cat)
  local starts, stops, seen = {}, {}, {}
  for i = 1, #data.start do
    if opts.unit == nil or data.unit[i] == opts.unit then
      local k = data.start[i] * 4294967296 + data.stop[i]
      if not seen[k] then
        seen[k] = true
        starts[#starts + 1] = data.start[i]
        stops[#stops + 1] = data.stop[i]
      end
    end
  end
  local k = c:kwic(matches.new(c, starts, stops), kopts)
  k.title = ("%d hits of %s"):format(#starts, theme and ("theme " .. theme) or "every theme")
  return k
end

-- }======================================================

-- {====================================================== tagging

local function tag(c, lex, opts, fname, lvl)
  lex = check_lexicon(lex, fname, lvl + 1)
  local o = check_opts(opts, fname, lvl + 1)
  local h = c._root._h
  if o.level == "turn" and not has_level(c, "turn") then
    error(("level 'turn': this corpus has no turns (parsed texts have them; an annotated file, "
      .. "from its <turn> elements)"), lvl)
  end
  -- at level turn, by a turn attribute (speaker, role): each turn's own value
  local turn_by = o.level == "turn" and o.by and corpusmod.turn_groups(c, o.by) or nil
  local get
  if o.by and not (turn_by and not corpusmod.has_key(c, o.by)) then
    get = corpusmod.key_fn(c, o.by, fname, lvl)
  elseif o.by then
    get = function() return nil end
  end
  -- the columns naming each row's speech: file and metadata (the by key
  -- has its own column)
  local want = o.columns
  if want == nil and o.by then
    want = {}
    for _, k in ipairs((c:keys())) do if k ~= o.by then want[#want + 1] = k end end
  end
  local taken = { [o.by or "speech"] = true }
  for k in pairs(RESERVED) do taken[k] = true end
  local name_cols, name_mt = corpusmod.name_columns(c, want, taken, fname, lvl)
  local entry = compile(c, lex, o, lvl + 1)
  local data = h:tag_run(entry.tagger, o.level, c._mask, o.overlap)
  local themes = entry.themes
  local metas = o.by and c:_load_meta()
  local rows = {}
  local r = 0
  local ds, du, dw, dn = data.speech, data.unit, data.words, data.nrow
  local dc, dk, dt, dsc = data.cat, data.count, data.tokens, data.score
  for i = 1, #ds do
    local sp, unit, words = ds[i], du[i], dw[i]
    local value = metas and get(metas[sp] or {}, sp)
    local tv = turn_by and unit > 0 and turn_by[sp]
    if tv then value = tv.values[unit] or nil end -- a transcript's turn: its own (Q has no role)
    for _ = 1, dn[i] do
      r = r + 1
      local tk = dt[r]
      local row = { speech = sp, unit = unit, theme = themes[dc[r]], count = dk[r], tokens = tk,
        score = dsc[r], share = words > 0 and tk / words or 0, words = words }
      if metas then
        row[o.by] = value
        row.group = value
      end
      rows[r] = setmetatable(row, name_mt(sp))
    end
  end
  -- a point ordinal seen twice in a speech is one unit
  if o.level == "point" then
    local byk, merged = {}, {}
    for _, row in ipairs(rows) do
      local k = row.speech .. ":" .. row.unit .. ":" .. row.theme
      local x = byk[k]
      if x then
        x.count, x.tokens, x.score = x.count + row.count, x.tokens + row.tokens, x.score + row.score
        x.words = x.words + row.words
        x.share = x.words > 0 and x.tokens / x.words or 0
      else
        byk[k] = row
        merged[#merged + 1] = row
      end
    end
    rows = merged
  end
  -- by speech, then unit (the text outside every unit comes last from C)
  local sorted = true
  for i = 2, #rows do
    local a, b = rows[i - 1], rows[i]
    if a.speech > b.speech or (a.speech == b.speech and a.unit > b.unit) then
      sorted = false
      break
    end
  end
  if not sorted then
    local index = entry.index
    table.sort(rows, function(a, b)
      if a.speech ~= b.speech then return a.speech < b.speech end
      if a.unit ~= b.unit then return a.unit < b.unit end
      return index[a.theme] < index[b.theme]
    end)
  end
  local warnings = {}
  for _, w in ipairs(lex.warnings) do
    if w:find("has no patterns", 1, true) or w:find("has no tokens", 1, true) then
      warnings[#warnings + 1] = w
    end
  end
  local _, nspeech = c:counts()
  local ctx = {
    corpus = c, lexicon = lex.name, lex = lex, level = o.level, overlap = o.overlap, by = o.by,
    name_cols = name_cols,
    tagger = entry.tagger, themes = themes, index = entry.index,
    doc_words = data.doc_words, words = data.total_words, warnings = warnings,
  }
  if turn_by then -- the words of each value's turns in the view (outside them: the metadata's)
    local tw = {}
    for d in c:speeches() do
      local t, inside = turn_by[d], 0
      for k = 1, t and #t.starts or 0 do
        local v = t.values[k]
        if v then tw[v] = (tw[v] or 0) + t.words[k] end
        inside = inside + t.words[k]
      end
      local v = get(metas[d] or {}, d)
      local rest = (data.doc_words[d] or 0) - inside
      if v ~= nil and rest > 0 then tw[v] = (tw[v] or 0) + rest end
    end
    ctx.turn_words = tw
  end
  ctx.meta = { lexicon = lex.name, level = o.level, overlap = o.overlap, by = o.by,
    speeches = nspeech, words = data.total_words, matches = data.matches, seconds = data.seconds,
    cpu_seconds = data.cpu_seconds,
    themes = themes }
  local first = { "speech" }
  for _, col in ipairs(name_cols) do first[#first + 1] = col end
  if o.by then first[#first + 1] = o.by end
  first[#first + 1] = "unit"
  first[#first + 1] = "theme"
  return new_table(ctx, columns(first), rows, ("themes of %s by %s%s"):format(lex.name, o.level,
    o.overlap and " (every match)" or ""))
end

--- Tag the speeches of this corpus or view with a lexicon.
-- @param lex a Lexicon (or what `rostra.lexicon` reads: a path, a bundled
--   name, a table)
-- @tparam[opt] table opts `level` ("speech" (default), "segment" or
--   "paragraph", "point", "sentence", "turn": a speaker's turn of a
--   transcript), `by` (a metadata key: a column of the rows, and the default
--   of `t:by()`; at level "turn", "speaker" or "role" is each turn's own,
--   and `t:by()` divides by the words of each speaker's turns), `overlap` (count every match, not
--   only the longest), `levels` (fold categories deeper than this), `case`
--   (match word forms as written, not lower forms), `columns` (the
--   metadata keys that name each row's speech, after `file`; default: all
--   the corpus's keys)
-- @return ThemeTable: rows `{speech, file, KEY..., unit, theme, count,
--   tokens, score, share}` for every unit and theme with a match
function Corpus:tag(lex, opts)
  return tag(self, lex, opts, "tag", 3)
end

-- one-speech corpora of speeches already tagged
local solo = setmetatable({}, { __mode = "k" })

--- Tag one parsed speech (through a one-speech corpus): as `Corpus:tag`.
function Speech:tag(lex, opts)
  local c = solo[self]
  if not c then
    c = corpusmod.new()
    c:add(self, self.name and { file = self.name } or nil)
    solo[self] = c
  end
  return tag(c, lex, opts, "tag", 3)
end

-- }======================================================

return M
