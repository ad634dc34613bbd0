--- Validation of a lexicon against hand coding: drawing units to code,
-- reading coded files, scoring the lexicon's labels against them, and the
-- agreement of coders.
--
--    local rostra = require "rostra"
--    local c = rostra.load("speeches/")
--    c:sample{level = "segment", n = 200, seed = 1, holdout = 1/3}:export("tocode.csv")
--    -- ... a person codes tocode.csv: 1 where the unit discusses the theme, 0 where not ...
--    local lex = rostra.lexicon("political")
--    local v = assert(lex:validate("coded.csv", {split = "tune"}))
--    print(v)                            -- the whole report
--    print(v.micro.f1, v.themes, v.errors)
--    print(assert(lex:validate{"coder1.csv", "coder2.csv"}).agreement)
--
-- A coded file is CSV (RFC 4180, UTF-8, a header row): the columns `unit`,
-- `file`, `line`, `split`, `text`, then one column per theme (1: the unit
-- discusses the theme, 0: it does not, empty: not coded). See
-- docs/lexicons.md.
-- @module rostra.validation
local core = require "rostra.core"
local result = require "rostra.result"
local corpusmod = require "rostra.corpus"
local lexmod = require "rostra.lexicon"
local themes = require "rostra.themes"
local meta = require "rostra.meta"

local Corpus = corpusmod.Corpus
local Lexicon = lexmod.Lexicon

local M = {}

-- {====================================================== random numbers

--- A reproducible random generator (SplitMix64): `rng(k)` is a whole
-- number from 1 to k, the same sequence for the same seed on every machine
-- and Lua build (math.random's sequence is not specified).
-- @tparam integer seed
-- @treturn function
function M.rng(seed)
  local state = seed
  local function next64()
    state = state + 0x9E3779B97F4A7C15
    local z = state
    z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9
    z = (z ~ (z >> 27)) * 0x94D049BB133111EB
    return z ~ (z >> 31)
  end
  local RANGE = 1 << 53
  return function(k)
    local limit = RANGE - RANGE % k -- rejection: no modulo bias
    while true do
      local r = next64() >> 11
      if r < limit then return r % k + 1 end
    end
  end
end

-- }======================================================

-- {====================================================== measures

local function ratio(a, b)
  if b == 0 then return nil end
  return a / b
end

--- Precision, recall and F1 of counts (nil where undefined: no tagged
-- positives, no coded positives, neither).
function M.prf(tp, fp, fn)
  return ratio(tp, tp + fp), ratio(tp, tp + fn), ratio(2 * tp, 2 * tp + fp + fn)
end

--- Cohen's kappa of a 2x2 table: `tp` both say 1, `fp` only the second
-- (the lexicon) says 1, `fn` only the first (the coder), `tn` both 0. nil
-- when chance agreement is 1 (both give one value to every unit).
function M.kappa(tp, fp, fn, tn)
  local n = tp + fp + fn + tn
  if n == 0 then return nil end
  local po = (tp + tn) / n
  local pe = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n)
  if pe >= 1 then return nil end
  return (po - pe) / (1 - pe)
end

--- Krippendorff's alpha for nominal data: `units` is a list of units, each
-- a list (or a table with holes, `n` giving its size) of the values the
-- coders gave it (nil: not coded). Units with fewer than two values are
-- left out. nil when every value is the same (no variation to agree on).
-- @treturn number|nil alpha
-- @treturn integer the number of values that entered (pairable values)
function M.alpha(units)
  local o, nc = {}, {}
  local n = 0
  for _, u in ipairs(units) do
    local vals = {}
    for i = 1, u.n or #u do
      if u[i] ~= nil then vals[#vals + 1] = u[i] end
    end
    local m = #vals
    if m >= 2 then
      local cnt = {}
      for _, v in ipairs(vals) do cnt[v] = (cnt[v] or 0) + 1 end
      for c, a in pairs(cnt) do
        for k, b in pairs(cnt) do
          local pairs_ck = c == k and a * (a - 1) or a * b
          if pairs_ck > 0 then
            o[c] = o[c] or {}
            o[c][k] = (o[c][k] or 0) + pairs_ck / (m - 1)
          end
        end
      end
      n = n + m
    end
  end
  if n < 2 then return nil, n end
  for c, row in pairs(o) do
    local s = 0
    for _, x in pairs(row) do s = s + x end
    nc[c] = s
  end
  local dis, exp = 0, 0
  for c, row in pairs(o) do
    for k, x in pairs(row) do
      if c ~= k then dis = dis + x end
    end
  end
  for c, a in pairs(nc) do
    for k, b in pairs(nc) do
      if c ~= k then exp = exp + a * b end
    end
  end
  if exp == 0 then return nil, n end
  return 1 - (n - 1) * dis / exp, n
end

-- }======================================================

-- {====================================================== units of a corpus

local LEVELS = { speech = true, segment = true, point = true, sentence = true }
local LEVEL_ALIAS = { paragraph = "segment" }

-- white space runs (line breaks included) to one space, trimmed
local function flat(s)
  return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""))
end

local function words_of(text)
  local n = 0
  for _, t in ipairs(core.tokenize(text)) do
    if t.kind == "word" or t.kind == "number" then n = n + 1 end
  end
  return n
end

-- line starts of a text (byte offsets, 1-based), for line and column lookup
local function line_starts(text)
  local starts = { 1 }
  local pos = 1
  while true do
    local j = text:find("\n", pos, true)
    if not j then break end
    starts[#starts + 1] = j + 1
    pos = j + 1
  end
  return starts
end

local function line_of(starts, off)
  local lo, hi = 1, #starts
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if starts[mid] <= off then lo = mid else hi = mid - 1 end
  end
  return lo
end

local function file_name(c, d)
  local m = c:meta(d) or {}
  return m.file or ("speech" .. d)
end

-- the units of one speech at a level: a list of {speech, first token, text,
-- line, col, id}; point regions with one ordinal are one unit
local function speech_units(c, d, level)
  local h = c._root._h
  local file = file_name(c, d)
  if level == "speech" then
    return { { speech = d, text = flat(c:text(d)), line = 1, id = file .. ":1" } }
  end
  local starts, stops, attrs = h:regions(level, d)
  local text = c:text(d)
  local ls
  local out, byord = {}, {}
  for i, a in ipairs(starts) do
    local b = stops[i]
    local piece = b >= a and h:text_span(a, b) or ""
    if level == "point" and byord[attrs[i]] then
      local u = byord[attrs[i]]
      u.text = u.text .. " " .. flat(piece)
    elseif b >= a then
      ls = ls or line_starts(text)
      local off = h:token_offset(a)
      local line = line_of(ls, off)
      local u = { speech = d, text = flat(piece), line = line }
      if level == "sentence" then
        u.col = utf8.len(text, ls[line], off - 1, true) or (off - ls[line])
        u.col = u.col + 1
        u.id = ("%s:%d:%d"):format(file, line, u.col)
      else
        u.id = ("%s:%d"):format(file, line)
      end
      out[#out + 1] = u
      if level == "point" then byord[attrs[i]] = u end
    end
  end
  return out
end

local function check_level(level, fname, lvl)
  if level == nil then return "segment" end
  if type(level) ~= "string" then
    error(("bad option 'level' to '%s' (string expected, got %s)"):format(fname, type(level)), lvl + 1)
  end
  level = LEVEL_ALIAS[level] or level
  if not LEVELS[level] then
    error(("unknown level '%s' (valid: speech, segment (or paragraph), point, sentence)"):format(level),
      lvl + 1)
  end
  return level
end

-- }======================================================

-- {====================================================== sampling

local SAMPLE_OPTS = { level = true, n = true, seed = true, holdout = true, min_words = true,
  lexicon = true, levels = true }
local SAMPLE_NAMES = "level, n, seed, holdout, min_words, lexicon, levels"

-- the theme names of a lexicon at a folding level, in file order
local function theme_names(lex, levels)
  local out = {}
  for _, c in ipairs(lex:categories()) do
    if not levels or c.level <= levels then out[#out + 1] = c.name end
  end
  return out
end
M.theme_names = theme_names

--- A reproducible random sample of units for hand coding.
-- The population is every unit of the level in this corpus or view with at
-- least `min_words` words, in corpus order; units are drawn without
-- replacement (a Fisher-Yates shuffle driven by `validation.rng(seed)`) and
-- listed in the order drawn, so a sample of 100 is the first 100 rows of a
-- sample of 200 with the same seed. When the population is smaller than
-- `n`, every unit is returned, with a warning.
-- @tparam[opt] table opts `level` ("segment" (default) or "paragraph",
--   "point", "sentence", "speech"), `n` (200), `seed` (1), `holdout` (the
--   share of the sample marked `holdout` in the `split` column, the others
--   `tune`; 0 (default) leaves the column empty), `min_words` (1), `lexicon`
--   (its themes are the empty columns to code; default: the bundled
--   `political`), `levels` (fold the lexicon's categories to this level)
-- @return a result table: `unit` (FILE:LINE; FILE:LINE:COL for sentences),
--   `file`, `line`, `split`, `text`, one empty column per theme, then
--   `meta.KEY` for the speech's metadata
function Corpus:sample(opts)
  opts = opts or {}
  if type(opts) ~= "table" then
    error(("bad argument #1 to 'sample' (table expected, got %s)"):format(type(opts)), 2)
  end
  for k in pairs(opts) do
    if not SAMPLE_OPTS[k] then
      error(("unknown option '%s' to 'sample' (valid: %s)"):format(tostring(k), SAMPLE_NAMES), 2)
    end
  end
  local level = check_level(opts.level, "sample", 2)
  local n = opts.n or 200
  if math.type(n) ~= "integer" or n < 1 then
    error(("bad option 'n' to 'sample' (positive integer expected, got %s)"):format(tostring(n)), 2)
  end
  local seed = opts.seed or 1
  if math.type(seed) ~= "integer" then
    error(("bad option 'seed' to 'sample' (integer expected, got %s)"):format(tostring(seed)), 2)
  end
  local holdout = opts.holdout or 0
  if type(holdout) ~= "number" or holdout < 0 or holdout >= 1 then
    error(("bad option 'holdout' to 'sample' (a share from 0 to below 1 expected, got %s)"):format(
      tostring(holdout)), 2)
  end
  local min_words = opts.min_words or 1
  if math.type(min_words) ~= "integer" or min_words < 0 then
    error(("bad option 'min_words' to 'sample' (whole number >= 0 expected, got %s)"):format(
      tostring(min_words)), 2)
  end
  local lex = opts.lexicon or "political"
  if not lexmod.is_lexicon(lex) then
    local l, msg = lexmod.new(lex)
    if not l then error(msg, 2) end
    lex = l
  end
  if opts.levels ~= nil and (math.type(opts.levels) ~= "integer" or opts.levels < 1) then
    error("bad option 'levels' to 'sample' (positive integer expected)", 2)
  end
  local names = theme_names(lex, opts.levels)
  -- the population: (speech, index of the unit in its speech), in corpus order
  local docs, counts, total = {}, {}, 0
  local cache = {}
  local function units_of(d)
    local u = cache[d]
    if not u then
      u = speech_units(self, d, level)
      cache = { [d] = u } -- one speech at a time: draws are spread anyway
    end
    return u
  end
  local h = self._root._h
  for d in self:speeches() do
    local k
    if level == "speech" then
      k = 1
    elseif level == "point" then
      local _, _, attrs = h:regions("point", d)
      local seen = {}
      k = 0
      for _, a in ipairs(attrs) do
        if not seen[a] then seen[a] = true k = k + 1 end
      end
    else
      k = #(h:regions(level, d))
    end
    if k > 0 then
      docs[#docs + 1] = d
      counts[#counts + 1] = total
      total = total + k
    end
  end
  -- population index i -> (speech, unit)
  local function locate(i)
    local lo, hi = 1, #docs
    while lo < hi do
      local mid = (lo + hi + 1) // 2
      if counts[mid] < i then lo = mid else hi = mid - 1 end
    end
    return docs[lo], i - counts[lo]
  end
  local rand = M.rng(seed)
  local swap = {}
  local picked = {}
  local drawn = 0
  while #picked < n and drawn < total do
    drawn = drawn + 1
    local j = drawn + rand(total - drawn + 1) - 1
    local vj, vi = swap[j] or j, swap[drawn] or drawn
    swap[j], swap[drawn] = vi, vj
    local d, k = locate(vj)
    local u = units_of(d)[k]
    if u and (min_words == 0 or words_of(u.text) >= min_words) then
      picked[#picked + 1] = u
    end
  end
  local warnings = {}
  if #picked < n then
    warnings[1] = ("the population has %d %s unit%s%s, fewer than the %d asked for: the sample is the "
      .. "whole population"):format(#picked, level, #picked == 1 and "" or "s",
        min_words > 1 and (" of at least %d words"):format(min_words) or "", n)
  end
  local nhold = math.floor(#picked * holdout + 0.5)
  local split = {}
  if holdout > 0 then
    -- which draws are held out: a second shuffle of the draw positions
    local r2 = M.rng(seed ~ 0x5bd1e995)
    local idx = {}
    for i = 1, #picked do idx[i] = i end
    for i = 1, nhold do
      local j = i + r2(#picked - i + 1) - 1
      idx[i], idx[j] = idx[j], idx[i]
    end
    for i = 1, #picked do split[i] = "tune" end
    for i = 1, nhold do split[idx[i]] = "holdout" end
  end
  local metakeys, seenkey = {}, {}
  for _, u in ipairs(picked) do
    for k in pairs(self:meta(u.speech) or {}) do
      if k ~= "file" and not seenkey[k] then
        seenkey[k] = true
        metakeys[#metakeys + 1] = k
      end
    end
  end
  table.sort(metakeys)
  local rows = {}
  for i, u in ipairs(picked) do
    local row = { unit = u.id, file = file_name(self, u.speech), line = u.line, split = split[i],
      text = u.text }
    local m = self:meta(u.speech) or {}
    for _, k in ipairs(metakeys) do
      local v = m[k]
      if type(v) == "table" then v = table.concat(v, "; ") end
      row["meta." .. k] = v
    end
    rows[i] = row
  end
  local cols = { "unit", "file", "line", "split", "text" }
  for _, t in ipairs(names) do cols[#cols + 1] = t end
  for _, k in ipairs(metakeys) do cols[#cols + 1] = "meta." .. k end
  local t = result.new(cols, rows, {
    title = ("%d %s units to code for %s (seed %d, %d drawn of %d)"):format(#rows, level, lex.name,
      seed, drawn, total),
    warnings = warnings })
  t.meta.population = total
  t.meta.level = level
  t.meta.seed = seed
  t.meta.themes = names
  return t
end

-- }======================================================

-- {====================================================== coded files

-- columns a coded file may have besides its themes
local KNOWN = { unit = true, file = true, line = true, split = true, text = true, coder = true,
  notes = true, note = true, comment = true, comments = true, words = true, level = true }
-- a split: tune, holdout, or a later holdout (holdout2, holdout3, ...)
local function is_split(s)
  return type(s) == "string" and (s == "tune" or s == "holdout" or s:match("^holdout[1-9]%d*$") ~= nil)
end
M.is_split = is_split

local function trim(s)
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end

local function bad(msg, code)
  error({ msg = msg, code = code }, 0)
end

-- reads a coded set from a CSV/TSV path or a list of row tables; raises
-- {msg} on bad data. `names` are the lexicon's themes in order.
local function read_coded(src, names, lexname)
  local index = {}
  for i, t in ipairs(names) do index[t] = i end
  local header, rows, lines, where
  if type(src) == "string" then
    local h, r, l = meta.read_delimited(src, nil, { lines = true })
    if not h then
      error({ msg = r, code = l }, 0)
    end
    header, rows, lines, where = h, r, l, src
  else
    -- rows as tables: {unit = ..., text = ..., health = 1, ...}
    where = "coded rows"
    local cols, seen = { "unit", "file", "line", "split", "text" }, {}
    for _, c in ipairs(cols) do seen[c] = true end
    for _, t in ipairs(names) do -- the themes some row has, in the lexicon's order
      for _, r in ipairs(src) do
        if type(r) == "table" and r[t] ~= nil then
          cols[#cols + 1] = t
          seen[t] = true
          break
        end
      end
    end
    for i, r in ipairs(src) do
      if type(r) ~= "table" then bad(("coded rows: row %d is a %s, not a table"):format(i, type(r))) end
      local extra = {}
      for k in pairs(r) do
        if type(k) ~= "string" then
          bad(("coded rows: row %d: key %s is not a column name"):format(i, tostring(k)))
        end
        if not seen[k] then extra[#extra + 1] = k end
      end
      table.sort(extra)
      for _, k in ipairs(extra) do cols[#cols + 1] = k; seen[k] = true end
    end
    header, rows, lines = cols, {}, {}
    for i, r in ipairs(src) do
      local rec = {}
      for j, c in ipairs(cols) do
        local v = r[c]
        if v == nil then rec[j] = ""
        elseif type(v) == "number" or type(v) == "string" then rec[j] = tostring(v)
        elseif type(v) == "boolean" then rec[j] = v and "1" or "0"
        else bad(("coded rows: row %d, column '%s': a %s is not a value"):format(i, c, type(v))) end
      end
      rows[i] = rec
      lines[i] = nil
    end
  end
  local head = type(src) == "string" and where .. ":1" or where -- the header's place
  local function at(i) -- "coded.csv:14: row 13"
    if lines[i] then return ("%s:%d: row %d"):format(where, lines[i], i) end
    return ("%s: row %d"):format(where, i)
  end
  -- a column names a theme exactly, or else ignoring case (WordStat's
  -- HEALTH for a coder's health) when that is unambiguous
  local folded, clash = {}, {}
  for _, t in ipairs(names) do
    local k = t:lower()
    if folded[k] then clash[k] = true end
    folded[k] = t
  end
  local col, themecol, ignored = {}, {}, {}
  for j, name in ipairs(header) do
    local key = trim(name)
    if not index[key] and folded[key:lower()] and not clash[key:lower()] then key = folded[key:lower()] end
    if key == "" then
      bad(("%s: column %d has no name"):format(head, j))
    end
    if col[key] then
      bad(("%s: column '%s' appears twice (columns %d and %d)"):format(head, key, col[key], j))
    end
    col[key] = j
    if index[key] then
      themecol[#themecol + 1] = { theme = key, j = j }
    elseif not KNOWN[key] and not key:find("^meta%.") then
      ignored[#ignored + 1] = { name = key, j = j }
    end
  end
  if not col.unit then
    bad(("%s: no 'unit' column (a coded file starts unit,file,line,split,text, then one column "
      .. "per theme)"):format(head))
  end
  -- an unknown column of codes (0/1) is a theme this lexicon does not have
  local unknown = {}
  for _, c in ipairs(ignored) do
    local codes, any1, other = 0, false, false
    for _, r in ipairs(rows) do
      local v = trim(r[c.j] or "")
      if v == "1" then any1 = true codes = codes + 1
      elseif v == "0" then codes = codes + 1
      elseif v ~= "" then other = true break end
    end
    if not other and any1 then
      bad(("%s: column %d '%s': unknown theme (not a theme of %s; its themes: %s)"):format(head,
        c.j, c.name, lexname, table.concat(names, ", ")))
    end
    unknown[#unknown + 1] = c.name
  end
  if #themecol == 0 then
    bad(("%s: no theme columns: none of the columns is a theme of %s (%s)"):format(head, lexname,
      table.concat(names, ", ")))
  end
  table.sort(themecol, function(a, b) return index[a.theme] < index[b.theme] end)
  local coded_themes = {}
  for i, c in ipairs(themecol) do coded_themes[i] = c.theme end
  local out, byunit = {}, {}
  local uncoded = 0
  for i, r in ipairs(rows) do
    local unit = trim(r[col.unit] or "")
    if unit == "" then bad(("%s, column 'unit': missing unit id"):format(at(i))) end
    if byunit[unit] then
      bad(("%s, column 'unit': unit '%s' is already at row %d"):format(at(i), unit, byunit[unit].row))
    end
    local file = col.file and trim(r[col.file] or "") or ""
    local line = col.line and trim(r[col.line] or "") or ""
    if line ~= "" and not line:match("^%d+$") then
      bad(("%s, column 'line': '%s' is not a line number"):format(at(i), line))
    end
    if file ~= "" and line ~= "" then
      local want = file .. ":" .. line
      if unit ~= want and unit:sub(1, #want + 1) ~= want .. ":" then
        bad(("%s: unit '%s' does not match its file and line (%s): were the columns sorted apart?")
          :format(at(i), unit, want))
      end
    end
    local split = col.split and trim(r[col.split] or "") or ""
    if split ~= "" and not is_split(split) then
      bad(("%s, column 'split': '%s' is not tune, holdout (holdout2, ... for a later one) or empty")
        :format(at(i), split))
    end
    local text = col.text and r[col.text] or nil
    if text and not utf8.len(text) then
      bad(("%s, column 'text': invalid UTF-8"):format(at(i)))
    end
    if text and text:find("\0", 1, true) then
      bad(("%s, column 'text': a NUL byte (binary data?)"):format(at(i)))
    end
    local codes, any = {}, false
    for _, c in ipairs(themecol) do
      local v = trim(r[c.j] or "")
      if v == "1" then codes[c.theme] = 1 any = true
      elseif v == "0" then codes[c.theme] = 0 any = true
      elseif v ~= "" then
        bad(("%s, column '%s': '%s' is not 0, 1 or empty"):format(at(i), c.theme, v))
      end
    end
    local rec = { unit = unit, file = file ~= "" and file or nil, line = tonumber(line),
      split = split ~= "" and split or nil, text = text and flat(text) or nil, codes = codes, row = i,
      lineno = lines[i], coded = any }
    byunit[unit] = rec
    if not any then uncoded = uncoded + 1 end
    out[#out + 1] = rec
  end
  return { name = where, themes = coded_themes, rows = out, byunit = byunit, ignored = unknown,
    uncoded = uncoded, at = at }
end

-- }======================================================

-- {====================================================== scoring

-- tags texts (one speech each) and gives, per text, the rows of each theme
-- and the words that fired, and the largest score of a theme in each text
local function tag_texts(lex, texts, levels)
  local c = corpusmod.new()
  for _, t in ipairs(texts) do c:add(t) end
  local t = c:tag(lex, { level = "speech", levels = levels })
  local per, top = {}, {}
  for i = 1, #texts do per[i], top[i] = {}, 0 end
  local with = {}
  for _, row in t:rows() do
    per[row.speech][row.theme] = { count = row.count, tokens = row.tokens, score = row.score,
      share = row.share, words = row.words, fired = {} }
    if row.score > top[row.speech] then top[row.speech] = row.score end
    with[row.theme] = true
  end
  for theme in pairs(with) do
    for _, k in ipairs(t:hits(theme)) do
      local x = per[k.speech][theme]
      if x then x.fired[#x.fired + 1] = flat(k.match) end
    end
  end
  return per, top
end

-- "development ×2, economic growth"
local function fired_text(list)
  if not list or #list == 0 then return nil end
  local n, order = {}, {}
  for _, w in ipairs(list) do
    local k = w:lower()
    if not n[k] then order[#order + 1] = k end
    n[k] = (n[k] or 0) + 1
  end
  local parts = {}
  for i, k in ipairs(order) do parts[i] = n[k] > 1 and ("%s ×%d"):format(k, n[k]) or k end
  return table.concat(parts, ", ")
end

local function fmt3(x)
  if x == nil then return "-" end
  return ("%.3f"):format(x)
end

local Report = {}
Report.__index = Report
Report.__name = "rostra.validation"
M.Report = Report

-- bootstrap percentile interval of micro F1 over units (seeded, 1000 draws)
local function bootstrap_f1(units, seed, draws)
  local n = #units
  if n == 0 then return nil end
  local rand = M.rng(seed)
  local vals = {}
  for b = 1, draws do
    local tp, fp, fn = 0, 0, 0
    for _ = 1, n do
      local u = units[rand(n)]
      tp, fp, fn = tp + u[1], fp + u[2], fn + u[3]
    end
    local d = 2 * tp + fp + fn
    vals[b] = d > 0 and 2 * tp / d or 0
  end
  table.sort(vals)
  return vals[math.max(1, math.floor(0.025 * draws + 0.5))],
    vals[math.min(draws, math.floor(0.975 * draws + 0.5))]
end

-- scores predicted labels against one coded set
local function score(lex, set, rule_of, pred, info, opts)
  local names = set.themes
  local per = {}
  for _, t in ipairs(names) do per[t] = { tp = 0, fp = 0, fn = 0, tn = 0 } end
  local errors, conf, confkey = {}, {}, {}
  local splits, splitorder = {}, {}
  local unitcounts = {}
  local nunits = 0
  for i, r in ipairs(set.scored) do
    nunits = nunits + 1
    local p = pred[i]
    local tp, fp, fn, tn = 0, 0, 0, 0
    local fps, fns, pos = {}, {}, {}
    for _, t in ipairs(names) do
      local code = r.codes[t]
      if code ~= nil then
        local x = per[t]
        local yes = p[t] ~= nil
        if code == 1 then pos[#pos + 1] = t end
        if code == 1 and yes then x.tp = x.tp + 1 tp = tp + 1
        elseif code == 0 and yes then x.fp = x.fp + 1 fp = fp + 1 fps[#fps + 1] = t
        elseif code == 1 then x.fn = x.fn + 1 fn = fn + 1 fns[t] = true
        else x.tn = x.tn + 1 tn = tn + 1 end
        if (code == 1) ~= yes then
          local f = info[i][t]
          errors[#errors + 1] = { unit = r.unit, split = r.split, theme = t,
            error = yes and "false positive" or "false negative",
            count = f and f.count or 0, share = f and f.share or 0, score = f and f.score or 0,
            top = info.top[i] or 0, rule = themes.rule_text(rule_of(t)),
            fired = f and fired_text(f.fired) or nil,
            text = r.text, row = r.row }
        end
      end
    end
    unitcounts[#unitcounts + 1] = { tp, fp, fn }
    for _, a in ipairs(pos) do
      for _, b in ipairs(fps) do
        local k = a .. "\0" .. b
        local x = confkey[k]
        if not x then
          x = { coded = a, tagged = b, units = 0, missed = 0 }
          confkey[k] = x
          conf[#conf + 1] = x
        end
        x.units = x.units + 1
        if fns[a] then x.missed = x.missed + 1 end
      end
    end
    local s = r.split or ""
    local sx = splits[s]
    if not sx then
      sx = { split = r.split or "(none)", units = 0, tp = 0, fp = 0, fn = 0, tn = 0 }
      splits[s] = sx
      splitorder[#splitorder + 1] = s
    end
    sx.units = sx.units + 1
    sx.tp, sx.fp, sx.fn, sx.tn = sx.tp + tp, sx.fp + fp, sx.fn + fn, sx.tn + tn
  end
  local rows = {}
  local micro = { tp = 0, fp = 0, fn = 0, tn = 0 }
  local sp, sr, sf, np, nr, nf = 0, 0, 0, 0, 0, 0
  for _, t in ipairs(names) do
    local x = per[t]
    local p, r, f = M.prf(x.tp, x.fp, x.fn)
    local row = { theme = t, units = x.tp + x.fp + x.fn + x.tn, coded = x.tp + x.fn,
      tagged = x.tp + x.fp, tp = x.tp, fp = x.fp, fn = x.fn, tn = x.tn, precision = p, recall = r,
      f1 = f, kappa = M.kappa(x.tp, x.fp, x.fn, x.tn), rule = themes.rule_text(rule_of(t)) }
    rows[#rows + 1] = row
    for _, k in ipairs { "tp", "fp", "fn", "tn" } do micro[k] = micro[k] + x[k] end
    if p then sp, np = sp + p, np + 1 end
    if r then sr, nr = sr + r, nr + 1 end
    if f then sf, nf = sf + f, nf + 1 end
  end
  micro.precision, micro.recall, micro.f1 = M.prf(micro.tp, micro.fp, micro.fn)
  micro.kappa = M.kappa(micro.tp, micro.fp, micro.fn, micro.tn)
  micro.f1_low, micro.f1_high = bootstrap_f1(unitcounts, 1, 1000)
  local macro = { precision = np > 0 and sp / np or nil, recall = nr > 0 and sr / nr or nil,
    f1 = nf > 0 and sf / nf or nil, themes = nf }
  local srows = {}
  for _, s in ipairs(splitorder) do
    local x = splits[s]
    x.precision, x.recall, x.f1 = M.prf(x.tp, x.fp, x.fn)
    x.kappa = M.kappa(x.tp, x.fp, x.fn, x.tn)
    srows[#srows + 1] = x
  end
  table.sort(srows, function(a, b) return a.split > b.split end) -- tune, holdout, (none)
  table.sort(conf, function(a, b)
    if a.units ~= b.units then return a.units > b.units end
    if a.coded ~= b.coded then return a.coded < b.coded end
    return a.tagged < b.tagged
  end)
  local order = {}
  for i, t in ipairs(names) do order[t] = i end
  table.sort(errors, function(a, b)
    if a.theme ~= b.theme then return order[a.theme] < order[b.theme] end
    if a.error ~= b.error then return a.error > b.error end
    return a.row < b.row
  end)
  local fmts = { precision = "%.3f", recall = "%.3f", f1 = "%.3f", kappa = "%.3f" }
  return {
    units = nunits,
    micro = micro,
    macro = macro,
    themes = result.new({ "theme", "units", "coded", "tagged", "tp", "fp", "fn", "precision", "recall",
      "f1", "kappa", "rule" }, rows, { title = ("per theme (%s against %s)"):format(lex.name, set.name),
      formats = fmts }),
    splits = result.new({ "split", "units", "tp", "fp", "fn", "precision", "recall", "f1", "kappa" }, srows,
      { title = "by split", formats = fmts }),
    confusion = result.new({ "coded", "tagged", "units", "missed" }, conf,
      { title = "confusion: units coded with one theme and wrongly tagged with another (missed: the "
        .. "coded theme was also missed)" }),
    errors = result.new({ "unit", "split", "theme", "error", "count", "share", "score", "top", "rule",
      "fired", "text" }, errors, { title = ("%d false positives and false negatives"):format(#errors),
      formats = { share = "%.3f" } }),
    opts = opts,
  }
end

-- the inter-coder agreement of several coded sets over the units and
-- themes they share
local function agreement(sets, names)
  local rows = {}
  local units = {}
  local order = {}
  for _, s in ipairs(sets) do
    for _, r in ipairs(s.rows) do
      if not units[r.unit] then units[r.unit] = true order[#order + 1] = r.unit end
    end
  end
  local disagree = {}
  local pooled = {}
  local allpairs = { agree = 0, n = 0 }
  for _, t in ipairs(names) do
    local items = {}
    local pairstat = {}
    for a = 1, #sets - 1 do
      for b = a + 1, #sets do pairstat[#pairstat + 1] = { a = a, b = b, tp = 0, fp = 0, fn = 0, tn = 0 } end
    end
    local n, agree, npairs = 0, 0, 0
    for _, u in ipairs(order) do
      local vals = { n = #sets }
      local m = 0
      for k, s in ipairs(sets) do
        local r = s.byunit[u]
        local v = r and r.codes[t]
        vals[k] = v
        if v ~= nil then m = m + 1 end
      end
      if m >= 2 then
        n = n + 1
        items[#items + 1] = vals
        pooled[#pooled + 1] = vals
        local differ = false
        for _, ps in ipairs(pairstat) do
          local x, y = vals[ps.a], vals[ps.b]
          if x ~= nil and y ~= nil then
            npairs = npairs + 1
            if x == y then agree = agree + 1 else differ = true end
            if x == 1 and y == 1 then ps.tp = ps.tp + 1
            elseif x == 0 and y == 1 then ps.fp = ps.fp + 1
            elseif x == 1 and y == 0 then ps.fn = ps.fn + 1
            else ps.tn = ps.tn + 1 end
          end
        end
        if differ then
          local codes, text = {}, nil
          for k, s in ipairs(sets) do
            codes[k] = vals[k] == nil and "-" or tostring(vals[k])
            text = text or (s.byunit[u] and s.byunit[u].text)
          end
          disagree[#disagree + 1] = { unit = u, theme = t, codes = table.concat(codes, "/"), text = text }
        end
      end
    end
    allpairs.agree, allpairs.n = allpairs.agree + agree, allpairs.n + npairs
    local ksum, kn = 0, 0
    for _, ps in ipairs(pairstat) do
      local k = M.kappa(ps.tp, ps.fp, ps.fn, ps.tn)
      if k then ksum, kn = ksum + k, kn + 1 end
    end
    local positives = 0
    for _, v in ipairs(items) do
      for k = 1, v.n do if v[k] == 1 then positives = positives + 1 end end
    end
    rows[#rows + 1] = { theme = t, units = n, positives = positives,
      agreement = npairs > 0 and agree / npairs or nil, kappa = kn > 0 and ksum / kn or nil,
      alpha = (M.alpha(items)) }
  end
  local total = { theme = "(all)", units = 0, positives = 0, agreement = allpairs.n > 0
    and allpairs.agree / allpairs.n or nil, alpha = (M.alpha(pooled)) }
  for _, r in ipairs(rows) do
    total.units, total.positives = total.units + r.units, total.positives + r.positives
  end
  -- pooled kappa over every (unit, theme) decision, for each pair of coders
  local ksum, kn = 0, 0
  for a = 1, #sets - 1 do
    for b = a + 1, #sets do
      local tp, fp, fn, tn = 0, 0, 0, 0
      for _, vals in ipairs(pooled) do
        local x, y = vals[a], vals[b]
        if x ~= nil and y ~= nil then
          if x == 1 and y == 1 then tp = tp + 1
          elseif x == 0 and y == 1 then fp = fp + 1
          elseif x == 1 and y == 0 then fn = fn + 1
          else tn = tn + 1 end
        end
      end
      local k = M.kappa(tp, fp, fn, tn)
      if k then ksum, kn = ksum + k, kn + 1 end
    end
  end
  total.kappa = kn > 0 and ksum / kn or nil
  rows[#rows + 1] = total
  local fmts = { agreement = "%.3f", kappa = "%.3f", alpha = "%.3f" }
  local names_of = {}
  for i, s in ipairs(sets) do names_of[i] = s.name end
  return result.new({ "theme", "units", "positives", "agreement", "kappa", "alpha" }, rows, {
      title = ("agreement of %d coders (%s): units coded by at least two; kappa: Cohen's%s; alpha: "
        .. "Krippendorff's (nominal)"):format(#sets, table.concat(names_of, ", "),
        #sets > 2 and " (mean over pairs)" or ""), formats = fmts }),
    result.new({ "unit", "theme", "codes", "text" }, disagree, {
      title = ("%d disagreements (codes in the order of the files)"):format(#disagree) })
end

local VALIDATE_OPTS = { min_count = true, min_share = true, min_score = true, min_dominance = true,
  rules = true,
  levels = true, split = true, corpus = true, level = true }
local VALIDATE_NAMES = "min_count, min_share, min_score, min_dominance, rules, levels, split, corpus, level"

-- the units of a coded set found in a corpus at one level: a list of their
-- texts (one per row), or nil and the error ({msg, code}) of the first row
-- that is not there (or whose text changed)
local function units_at(c, set, level, byfile)
  local cache = {}
  local texts = {}
  for i, r in ipairs(set.rows) do
    local file, rest = r.unit:match("^(.*):(%d+)$")
    if level == "sentence" then file, rest = r.unit:match("^(.*):(%d+:%d+)$") end
    if not file then
      return nil, { msg = ("%s, column 'unit': '%s' is not FILE:LINE%s"):format(set.at(r.row), r.unit,
        level == "sentence" and ":COL" or ""), code = "EPARSE" }
    end
    local d = byfile[file]
    if not d then
      return nil, { msg = ("%s: unit '%s': the corpus has no file '%s'"):format(set.at(r.row), r.unit, file),
        code = "ENOUNIT" }
    end
    local units = cache[d]
    if not units then
      units = {}
      for _, u in ipairs(speech_units(c, d, level)) do units[u.id] = u end
      cache[d] = units
    end
    local u = units[r.unit]
    if not u then
      return nil, { msg = ("%s: unit '%s' no longer exists: no %s of %s starts at %s %s"):format(
        set.at(r.row), r.unit, level, file, level == "sentence" and "line:column" or "line", rest),
        code = "ENOUNIT" }
    end
    if r.text and r.text ~= "" and r.text ~= u.text then
      return nil, { msg = ("%s: unit '%s': the text differs from the corpus's %s at that line (was the "
        .. "corpus changed since the sample was drawn?)"):format(set.at(r.row), r.unit, level),
        code = "ENOUNIT" }
    end
    texts[i] = u.text
  end
  return texts
end

-- the units of a coded set found in a corpus: each row's text becomes the
-- corpus's, or an error names the row of a unit that is not there (or whose
-- text changed). With no level given, the level is the one where every unit
-- is found: sentence when the ids are FILE:LINE:COL, else segment, point or
-- speech, the first that fits (set.level says which); when none fits, the
-- error is the one at the likeliest level, with a word on the inference.
local function find_units(c, set, level)
  local byfile = {}
  for d in c:speeches() do
    local f = file_name(c, d)
    byfile[f] = byfile[f] or d
  end
  local texts, err
  if level then
    texts, err = units_at(c, set, level, byfile)
    if not texts then bad(err.msg, err.code) end
  else
    local cols = #set.rows > 0
    for _, r in ipairs(set.rows) do
      if not r.unit:match("^.*:%d+:%d+$") then cols = false break end
    end
    local tries = cols and { "sentence" } or { "segment", "point", "speech" }
    local first
    for _, lv in ipairs(tries) do
      texts, err = units_at(c, set, lv, byfile)
      if texts then level = lv break end
      first = first or err
    end
    if not texts then
      bad(("%s (units taken as %ss, the level their ids suggest%s; give the level if they are %s)"):format(
        first.msg, tries[1], cols and "" or ", nor found as points or speeches",
        cols and "not sentences" or "sentences"), first.code)
    end
  end
  for i, r in ipairs(set.rows) do r.text = texts[i] end
  set.level = level
end

--- Score the lexicon against hand coding.
-- @param coded a coded file (CSV or TSV path), a list of row tables
--   (`{unit = "a.txt:3", text = "...", health = 1, trade = 0}`), or a list
--   of two or more paths (several coders: their agreement, and the lexicon
--   against each)
-- @tparam[opt] table opts `min_count`, `min_share`, `min_score`, `min_dominance`, `rules` (the
--   decision rule, as for `t:labels`), `levels` (fold categories), `split`
--   (`"tune"` or `"holdout"`: only those rows), `corpus` (a Corpus: each unit
--   must exist there, with the same text), `level` (of the units in the
--   corpus; by default the level where every unit is found: sentence for
--   FILE:LINE:COL ids, else segment, point or speech, the first that fits;
--   `report.level` says which)
-- @return a report (see docs/lexicons.md), or nil, message, code (`ENOENT`,
--   `EPARSE`, `ENOUNIT`) for a missing or malformed coded file
function Lexicon:validate(coded, opts)
  opts = opts or {}
  if type(opts) ~= "table" then
    error(("bad argument #2 to 'validate' (table expected, got %s)"):format(type(opts)), 2)
  end
  local ropts = {}
  for k, v in pairs(opts) do
    if not VALIDATE_OPTS[k] then
      error(("unknown option '%s' to 'validate' (valid: %s)"):format(tostring(k), VALIDATE_NAMES), 2)
    end
    if k == "min_count" or k == "min_share" or k == "min_score" or k == "min_dominance" or k == "rules" then
      ropts[k] = v
    end
  end
  local rule_of = themes.rule_of(self, ropts, "validate", 2)
  if opts.levels ~= nil and (math.type(opts.levels) ~= "integer" or opts.levels < 1) then
    error("bad option 'levels' to 'validate' (positive integer expected)", 2)
  end
  if opts.split ~= nil and not is_split(opts.split) then
    error(("bad option 'split' to 'validate' (\"tune\", \"holdout\" or \"holdout2\", ... expected, got %s)")
      :format(tostring(opts.split)), 2)
  end
  if opts.corpus ~= nil and getmetatable(opts.corpus) ~= Corpus then
    error("bad option 'corpus' to 'validate' (a Corpus expected)", 2)
  end
  local level = opts.level ~= nil and check_level(opts.level, "validate", 2) or nil
  local sources
  if type(coded) == "string" then
    sources = { coded }
  elseif type(coded) == "table" and type(coded[1]) == "string" then
    sources = coded
  elseif type(coded) == "table" then
    sources = { coded }
  else
    error(("bad argument #1 to 'validate' (a coded file, a list of rows or a list of files expected, "
      .. "got %s)"):format(type(coded)), 2)
  end
  for i, s in ipairs(sources) do
    if type(s) ~= "string" and i > 1 then
      error("bad argument #1 to 'validate' (a list of files must hold only paths)", 2)
    end
  end
  local names = theme_names(self, opts.levels)
  local sets = {}
  local ok, err = pcall(function()
    for i, s in ipairs(sources) do
      sets[i] = read_coded(s, names, self.name)
      if opts.corpus then find_units(opts.corpus, sets[i], level) end
    end
  end)
  if not ok then
    if type(err) == "table" then return nil, err.msg, err.code or "EPARSE" end
    error(err, 0)
  end
  local warnings = {}
  for _, s in ipairs(sets) do
    if #s.ignored > 0 then
      warnings[#warnings + 1] = ("%s: column%s %s ignored (not themes of %s, nor columns a coded file "
        .. "has)"):format(s.name, #s.ignored > 1 and "s" or "", table.concat(s.ignored, ", "), self.name)
    end
    local missing = {}
    local has = {}
    for _, t in ipairs(s.themes) do has[t] = true end
    for _, t in ipairs(names) do
      if not has[t] then missing[#missing + 1] = t end
    end
    if #missing > 0 then
      warnings[#warnings + 1] = ("%s: theme%s %s not coded, not scored"):format(s.name,
        #missing > 1 and "s" or "", table.concat(missing, ", "))
    end
    if s.uncoded > 0 then
      warnings[#warnings + 1] = ("%s: %d row%s with no codes, left out"):format(s.name, s.uncoded,
        s.uncoded > 1 and "s" or "")
    end
  end
  -- the rows scored: coded, of the split asked for
  local texts, textidx = {}, {}
  for _, s in ipairs(sets) do
    s.scored = {}
    for _, r in ipairs(s.rows) do
      if r.coded and (opts.split == nil or r.split == opts.split) then
        if not r.text or r.text == "" then
          return nil, ("%s, column 'text': no text to tag (give the text, or the corpus to find the unit in)")
            :format(s.at(r.row)), "EPARSE"
        end
        s.scored[#s.scored + 1] = r
        if not textidx[r.unit .. "\0" .. r.text] then
          texts[#texts + 1] = r.text
          textidx[r.unit .. "\0" .. r.text] = #texts
        end
      end
    end
  end
  local info, tops = tag_texts(self, texts, opts.levels)
  if #texts == 0 then warnings[#warnings + 1] = "no coded units to score" end
  local reports = {}
  for k, s in ipairs(sets) do
    local pred, inf = {}, { top = {} }
    for i, r in ipairs(s.scored) do
      local idx = textidx[r.unit .. "\0" .. r.text]
      local x = info[idx]
      inf[i], inf.top[i] = x, tops[idx]
      local p = {}
      for theme, f in pairs(x) do
        if themes.passes(rule_of(theme), f.count, f.share, f.score, tops[idx]) then p[theme] = true end
      end
      pred[i] = p
    end
    reports[k] = score(self, s, rule_of, pred, inf, opts)
    reports[k].coded = s.name
    reports[k].level = s.level
    reports[k].themes_coded = s.themes
  end
  local rep = reports[1]
  rep.lexicon = self.name
  rep.rule = rule_of(nil)
  rep.rules = {}
  for _, t in ipairs(names) do
    local r = rule_of(t)
    if themes.rule_text(r) ~= themes.rule_text(rep.rule) then rep.rules[t] = r end
  end
  rep.split = opts.split
  rep.level = opts.corpus and sets[1].level or nil
  rep.warnings = warnings
  rep.coders = reports
  if #sets > 1 then
    rep.agreement, rep.disagreements = agreement(sets, names)
  end
  return setmetatable(rep, Report)
end

--- The report as text: the figures, per theme, the confusion of themes,
-- and every false positive and false negative with the words that fired.
function Report:format(o)
  o = o or {}
  local out = {}
  local function add(s) out[#out + 1] = s end
  local rules = {}
  for t, r in pairs(self.rules) do rules[#rules + 1] = t .. " " .. themes.rule_text(r) end
  table.sort(rules)
  for k, rep in ipairs(self.coders) do
    local m, ma = rep.micro, rep.macro
    if k > 1 then add("") end
    add(("%s against %s: %d units%s%s, %d themes coded"):format(self.lexicon, rep.coded, rep.units,
      rep.level and (" (" .. rep.level .. "s of the corpus)") or "",
      self.split and (" (split " .. self.split .. ")") or "", #rep.themes_coded))
    add(("rule: %s%s"):format(themes.rule_text(self.rule),
      #rules > 0 and ("; per theme: " .. table.concat(rules, "; ")) or ""))
    add(("micro  precision %s  recall %s  F1 %s%s  kappa %s  (tp %d, fp %d, fn %d)"):format(
      fmt3(m.precision), fmt3(m.recall), fmt3(m.f1),
      m.f1_low and (" (95%% bootstrap interval %s-%s)"):format(fmt3(m.f1_low), fmt3(m.f1_high)) or "",
      fmt3(m.kappa), m.tp, m.fp, m.fn))
    add(("macro  precision %s  recall %s  F1 %s (over %d themes)"):format(fmt3(ma.precision),
      fmt3(ma.recall), fmt3(ma.f1), ma.themes))
    if #rep.splits > 1 then
      add("")
      add(rep.splits:format { max_rows = false })
    end
    add("")
    add(rep.themes:format { max_rows = false })
    if o.brief then goto continue end
    add("")
    add(rep.confusion:format { max_rows = o.max_rows or 30 })
    add("")
    add(rep.errors.title .. ":")
    for _, e in ipairs(rep.errors) do
      add(("%s  %s  %s%s  count %d, share %.3f, score %g of top %g (rule: %s)%s"):format(
        e.error == "false positive" and "FP" or "FN", e.theme, e.unit,
        e.split and (" [" .. e.split .. "]") or "", e.count, e.share, e.score, e.top, e.rule,
        e.fired and (": " .. e.fired) or ""))
      add("    " .. (e.text or ""))
    end
    ::continue::
  end
  if self.agreement then
    add("")
    add(self.agreement:format { max_rows = false })
    if not o.brief then
      add("")
      add(self.disagreements:format { max_rows = o.max_rows or 50, max_width = 60 })
    end
  end
  for _, w in ipairs(self.warnings) do add("warning: " .. w) end
  return table.concat(out, "\n")
end

function Report:__tostring()
  return self:format()
end

--- The report as a plain table for JSON: figures, and each table as a
-- list of rows.
function Report:to_table()
  local function rows(t)
    local out = {}
    for i, r in t:rows() do
      local x = {}
      for _, c in ipairs(t:columns()) do x[c] = r[c] end
      out[i] = x
    end
    return out
  end
  local coders = {}
  for i, rep in ipairs(self.coders) do
    coders[i] = { coded = rep.coded, units = rep.units, micro = rep.micro, macro = rep.macro,
      themes = rows(rep.themes), splits = rows(rep.splits), confusion = rows(rep.confusion),
      errors = rows(rep.errors) }
  end
  return { lexicon = self.lexicon, rule = self.rule, rules = self.rules, split = self.split,
    warnings = self.warnings, coders = coders,
    agreement = self.agreement and rows(self.agreement) or nil,
    disagreements = self.disagreements and rows(self.disagreements) or nil }
end

-- }======================================================

M.read_coded = function(src, lex, opts)
  if not lexmod.is_lexicon(lex) then error("bad argument #2 to 'read_coded' (Lexicon expected)", 2) end
  local ok, set = pcall(read_coded, src, theme_names(lex, opts and opts.levels), lex.name)
  if not ok then
    if type(set) == "table" then return nil, set.msg, set.code or "EPARSE" end
    error(set, 0)
  end
  return set
end

return M
