--- Queries, matches and KWIC concordances over a corpus.
-- `c:query(q)` gives Matches (token spans, 1-based inclusive positions);
-- `c:count(q)` their number; `c:kwic(q | matches, opts)` concordance lines.
-- Adds these methods to rostra.corpus's Corpus.
-- @module rostra.matches
local query = require "rostra.query"
local cjk = require "rostra.cjk"
local result = require "rostra.result"

local corpusmod = require "rostra.corpus"
local Corpus = corpusmod.Corpus

local M = {}

local Matches = {}
Matches.__name = "rostra.matches"
M.Matches = Matches

-- {====================================================== metadata constraints

local function cmp(v, op, want)
  if v == nil then return op == "!=" end
  if op == "=" then return v == want or tostring(v) == tostring(want) end
  if op == "!=" then return not (v == want or tostring(v) == tostring(want)) end
  local a, b = v, want
  if type(a) ~= type(b) then
    local na, nb = tonumber(a), tonumber(b)
    if na and nb then a, b = na, nb else a, b = tostring(a), tostring(b) end
  end
  if op == "<" then return a < b
  elseif op == "<=" then return a <= b
  elseif op == ">" then return a > b
  elseif op == ">=" then return a >= b end
  error("bad metadata operator " .. tostring(op))
end

local function meta_ok(node, m)
  local t = node.t
  if t == "cmp" then return cmp(m[node.field], node.op, node.value)
  elseif t == "in" then
    for _, v in ipairs(node.values) do
      if cmp(m[node.field], "=", v) then return true end
    end
    return false
  elseif t == "and" then
    for _, k in ipairs(node) do if not meta_ok(k, m) then return false end end
    return true
  elseif t == "or" then
    for _, k in ipairs(node) do if meta_ok(k, m) then return true end end
    return false
  elseif t == "not" then return not meta_ok(node[1], m) end
  error("bad metadata constraint " .. tostring(t))
end

-- the speech mask of a corpus or view, narrowed by a program's `::` part
local function mask_for(c, prog)
  local base = c._mask
  if not prog.meta then return base end
  local _, ndoc = c._root._h:counts()
  local metas = c:_load_meta()
  local bytes = {}
  for d = 1, ndoc do
    local inbase = base == nil or base:byte(d) == 1
    bytes[d] = (inbase and meta_ok(prog.meta, metas[d] or {})) and "\1" or "\0"
  end
  return table.concat(bytes)
end

-- }======================================================

-- the program of a query for corpus c: Han and Kana runs cut the ways the
-- corpus has (rostra.cjk)
local function compile(c, q, fname)
  local prog
  if type(q) == "string" then prog = query.compile(q, M.names(c))
  elseif type(q) == "table" and q.seq then prog = q
  else
    error(("bad argument #1 to '%s' (query string expected, got %s)"):format(fname, type(q)), 3)
  end
  return cjk.expand(prog, c._root._h)
end

--- The names a query may use on corpus c: its attributes and structures
-- (options for `query.compile`).
function M.names(c)
  local levels, attrs = c:structures()
  return { attributes = c:attributes(), structures = { levels = levels, attrs = attrs } }
end

local function new_matches(c, starts, stops, q)
  return setmetatable({ corpus = c, starts = starts, stops = stops, q = q }, Matches)
end
M.new = new_matches

-- matches held in C (a match set of csrc/lmatch.c): the arrays `starts`
-- and `stops` are made when first read
local function set_matches(c, set, q)
  return setmetatable({ corpus = c, _set = set, q = q }, Matches)
end

function Matches.__index(self, k)
  if k == "starts" or k == "stops" then
    local set = rawget(self, "_set")
    if set then
      local a, b = set:arrays()
      rawset(self, "starts", a)
      rawset(self, "stops", b)
      return rawget(self, k)
    end
    return nil
  end
  return Matches[k]
end

-- the set of the matches: the one they were found as, or one made from
-- the arrays (once read, the arrays are what the matches are: they may
-- have been sorted or changed)
local function set_of(m)
  local starts = rawget(m, "starts")
  if starts == nil then
    local set = rawget(m, "_set")
    if set then return set end
    starts = {}
  end
  return m.corpus._root._h:matchset(starts, m.stops or {})
end
M.set_of = set_of

--- Matches of a query (a string in the query language, see docs/query.md).
-- @treturn Matches (empty, never nil, when nothing matches)
function Corpus:query(q)
  local prog = compile(self, q, "query")
  local set = self._root._h:query(prog, mask_for(self, prog), false, 0, true)
  return set_matches(self, set, type(q) == "string" and q or nil)
end

--- The number of matches of a query.
function Corpus:count(q)
  local prog = compile(self, q, "count")
  return self._root._h:query(prog, mask_for(self, prog), true)
end

-- {====================================================== Matches

function Matches:__len()
  local starts = rawget(self, "starts")
  if starts == nil and rawget(self, "_set") then return self._set:len() end
  return #self.starts
end

function Matches:__tostring()
  return ("rostra.matches: %d hits%s"):format(#self, self.q and (" of " .. self.q) or "")
end

--- Iterate `speech, start, stop` over the matches.
function Matches:iter()
  if rawget(self, "starts") == nil and rawget(self, "_set") then return self._set:iter() end
  local i, h = 0, self.corpus._root._h
  return function()
    i = i + 1
    local a = self.starts[i]
    if a then return h:doc_of(a), a, self.stops[i] end
  end
end
Matches.__call = Matches.iter

--- The number of speeches with a match (counted in C).
-- @treturn integer
function Matches:nspeeches()
  return set_of(self):speeches()
end

--- Match i as a table `{speech, start, stop}`.
function Matches:get(i)
  if rawget(self, "starts") == nil and rawget(self, "_set") then
    local d, a, b = self._set:get(i)
    if not d then return nil end
    return { speech = d, start = a, stop = b }
  end
  local a = self.starts[i]
  if not a then return nil end
  return { speech = self.corpus._root._h:doc_of(a), start = a, stop = self.stops[i] }
end

--- The start and stop arrays (1-based inclusive positions).
function Matches:positions()
  return self.starts, self.stops
end

--- The source text of match i.
function Matches:text(i)
  if rawget(self, "starts") == nil and rawget(self, "_set") then
    local _, a, b = self._set:get(i)
    return self.corpus._root._h:text_span(a, b)
  end
  return self.corpus._root._h:text_span(self.starts[i], self.stops[i])
end

local function from_pairs(c, list)
  local starts, stops = {}, {}
  for i, p in ipairs(list) do starts[i], stops[i] = p[1], p[2] end
  return new_matches(c, starts, stops)
end

local function pairs_of(m)
  local out = {}
  for i = 1, #m.starts do out[i] = { m.starts[i], m.stops[i] } end
  return out
end

local function check_other(m, o, fname)
  if getmetatable(o) ~= Matches then
    error(("bad argument #1 to '%s' (Matches expected)"):format(fname), 3)
  end
  if o.corpus._root ~= m.corpus._root then
    error(("bad argument #1 to '%s' (matches of another corpus)"):format(fname), 3)
  end
end

local function before(a, b) return a[1] < b[1] or (a[1] == b[1] and a[2] < b[2]) end

--- Matches in either.
function Matches:union(o)
  check_other(self, o, "union")
  local seen, list = {}, {}
  for _, src in ipairs { self, o } do
    for i = 1, #src.starts do
      local k = src.starts[i] * 4294967296 + src.stops[i]
      if not seen[k] then
        seen[k] = true
        list[#list + 1] = { src.starts[i], src.stops[i] }
      end
    end
  end
  table.sort(list, before)
  return from_pairs(self.corpus, list)
end

local function keyset(m)
  local s = {}
  for i = 1, #m.starts do s[m.starts[i] * 4294967296 + m.stops[i]] = true end
  return s
end

--- Matches in both (same span).
function Matches:inter(o)
  check_other(self, o, "inter")
  local s, list = keyset(o), {}
  for _, p in ipairs(pairs_of(self)) do
    if s[p[1] * 4294967296 + p[2]] then list[#list + 1] = p end
  end
  return from_pairs(self.corpus, list)
end

--- Matches of this set not in the other.
function Matches:diff(o)
  check_other(self, o, "diff")
  local s, list = keyset(o), {}
  for _, p in ipairs(pairs_of(self)) do
    if not s[p[1] * 4294967296 + p[2]] then list[#list + 1] = p end
  end
  return from_pairs(self.corpus, list)
end

--- The first n matches (in the current order).
function Matches:cut(n)
  if math.type(n) ~= "integer" or n < 0 then error("bad argument #1 to 'cut' (count expected)", 2) end
  local list = {}
  for i = 1, math.min(n, #self.starts) do list[i] = { self.starts[i], self.stops[i] } end
  return from_pairs(self.corpus, list)
end

--- A reproducible random sample of n matches, kept in corpus order.
function Matches:sample(n, seed)
  if math.type(n) ~= "integer" or n < 0 then error("bad argument #1 to 'sample' (count expected)", 2) end
  local total = #self.starts
  if n >= total then return self:cut(total) end
  -- a linear congruential generator: the same seed gives the same sample
  -- on every machine (math.random's sequence is not specified)
  local state = math.tointeger(seed or 1) or 1
  local function rand(k)
    state = (state * 6364136223846793005 + 1442695040888963407) & 0x7fffffffffffffff
    return (state >> 11) % k + 1
  end
  local idx = {}
  for i = 1, total do idx[i] = i end
  for i = 1, n do
    local j = i + rand(total - i + 1) - 1
    idx[i], idx[j] = idx[j], idx[i]
  end
  local pick = {}
  for i = 1, n do pick[i] = idx[i] end
  table.sort(pick)
  local list = {}
  for i, k in ipairs(pick) do list[i] = { self.starts[k], self.stops[k] } end
  return from_pairs(self.corpus, list)
end

-- sort keys: right1..n, left1..n, match, position, speech, meta:KEY
local function key_fn(m, key)
  local h = m.corpus._root._h
  local ntok = h:counts()
  if key == "position" then return function(i) return m.starts[i] end end
  if key == "speech" then return function(i) return h:doc_of(m.starts[i]) end end
  if key == "match" then
    return function(i) return h:text_span(m.starts[i], m.stops[i]):lower() end
  end
  local side, k = key:match("^(right)(%d+)$")
  if not side then side, k = key:match("^(left)(%d+)$") end
  if side then
    k = tonumber(k)
    return function(i)
      local p = side == "right" and m.stops[i] + k or m.starts[i] - k
      if p < 1 or p > ntok then return "" end
      local d = h:doc_of(m.starts[i])
      if h:doc_of(p) ~= d then return "" end
      return h:token(p, "lower")
    end
  end
  local mk = key:match("^meta:(.+)$")
  if mk then
    local c = m.corpus
    return function(i)
      local md = c:meta(h:doc_of(m.starts[i])) or {}
      return md[mk]
    end
  end
  error(("unknown sort key '%s' (valid: right1.., left1.., right, left, match, position, speech, "
    .. "meta:KEY)"):format(tostring(key)), 4)
end

local function expand_keys(keys)
  local out = {}
  if type(keys) == "string" then keys = { keys } end
  for _, k in ipairs(keys) do
    if k == "right" then out[#out + 1] = "right1"; out[#out + 1] = "right2"; out[#out + 1] = "right3"
    elseif k == "left" then out[#out + 1] = "left1"; out[#out + 1] = "left2"; out[#out + 1] = "left3"
    else out[#out + 1] = k end
  end
  return out
end

local function order_less(a, b)
  if a == b then return false end
  if a == nil then return false end
  if b == nil then return true end
  if type(a) == type(b) then return a < b end
  return type(a) == "number"
end

--- Sort the matches in place by keys (AntConc style): `m:sort("right1", "right2")`,
-- `m:sort{"left1", "match"}`, `"meta:year"`; a key may end in " desc".
function Matches:sort(...)
  local keys = select("#", ...) == 1 and type(...) == "table" and ... or { ... }
  if #keys == 0 then keys = { "position" } end
  local specs = {}
  for _, k in ipairs(expand_keys(keys)) do
    if type(k) ~= "string" then error("bad sort key", 2) end
    local name = k:match("^(%S+)%s+desc$")
    specs[#specs + 1] = { fn = key_fn(self, name or k), desc = name ~= nil, cache = {} }
  end
  local n = #self.starts
  local idx = {}
  for i = 1, n do idx[i] = i end
  for _, s in ipairs(specs) do
    for i = 1, n do s.cache[i] = s.fn(i) end
  end
  table.sort(idx, function(x, y)
    for _, s in ipairs(specs) do
      local a, b = s.cache[x], s.cache[y]
      if a ~= b then
        if s.desc then return order_less(b, a) end
        return order_less(a, b)
      end
    end
    return x < y -- stable
  end)
  local st, sp = {}, {}
  for i, k in ipairs(idx) do st[i], sp[i] = self.starts[k], self.stops[k] end
  self.starts, self.stops = st, sp
  return self
end

local GROUP_LEVELS = { segment = true, point = true, sentence = true, quotation = true }

--- Counts of matches per group: `"match"` (the match text, lower-cased), an
-- attribute (`"word"`, `"lower"`, `"stem"` or any of `c:attributes()`:
-- forms of the matched tokens), a
-- metadata key, `"speech"`, or a structure (`"point"` by ordinal,
-- `"segment"` by kind, `"sentence"`/`"quotation"`: inside one or not).
function Matches:group(by)
  if type(by) ~= "string" then error("bad argument #1 to 'group' (string expected)", 2) end
  by = by:match("^meta:(.+)$") or by
  local c = self.corpus
  local h = c._root._h
  local counts, order = {}, {}
  local fn
  if by == "match" then
    fn = function(i) return h:text_span(self.starts[i], self.stops[i]):lower():gsub("%s+", " ") end
  elseif c:has_attribute(by) then
    fn = function(i)
      local parts = {}
      for p = self.starts[i], self.stops[i] do parts[#parts + 1] = h:token(p, by) end
      return table.concat(parts, " ")
    end
  elseif by == "speech" then
    fn = function(i) return h:doc_of(self.starts[i]) end
  elseif GROUP_LEVELS[by] then
    local starts, stops, attrs = h:regions(by)
    local seg_kinds = { "salutation", "paragraph", "closing", "heading" }
    fn = function(i)
      local p = self.starts[i]
      local lo, hi = 1, #starts
      while lo <= hi do -- last region starting at or before p
        local mid = (lo + hi) // 2
        if starts[mid] <= p then lo = mid + 1 else hi = mid - 1 end
      end
      local k = hi
      if k < 1 or stops[k] < p then
        return by == "point" and 0 or "(none)"
      end
      if by == "point" then return attrs[k] end
      if by == "segment" then return seg_kinds[attrs[k]] or "paragraph" end
      return "inside"
    end
  else
    fn = function(i)
      local md = c:meta(h:doc_of(self.starts[i])) or {}
      local v = md[by]
      if v == nil then return "(none)" end
      return v
    end
  end
  for i = 1, #self.starts do
    local g = fn(i)
    if counts[g] == nil then order[#order + 1] = g; counts[g] = 0 end
    counts[g] = counts[g] + 1
  end
  local rows, total = {}, #self.starts
  for _, g in ipairs(order) do
    rows[#rows + 1] = { group = g, count = counts[g], share = total > 0 and counts[g] / total or 0 }
  end
  local t = result.new({ "group", "count", "share" }, rows,
    { title = ("matches by %s"):format(by), formats = { share = "%.3f" } })
  t:sort { { "count", "desc" }, "group" }
  return t
end

-- }======================================================

-- {====================================================== KWIC

local Kwic = result.extend { __name = "rostra.kwic" }
M.Kwic = Kwic

local Line = {}
Line.__index = Line
M.Line = Line

local function width(s) return result.width(s) end

local function fit_left(s, w)
  local n = width(s)
  if n <= w then return string.rep(" ", w - n) .. s end
  -- keep the end
  local cps = {}
  for _, cp in utf8.codes(s, true) do cps[#cps + 1] = utf8.char(cp) end
  local out, k = {}, #cps
  local used = 1
  while k >= 1 do
    local cw = width(cps[k])
    if used + cw > w then break end
    table.insert(out, 1, cps[k])
    used = used + cw
    k = k - 1
  end
  local s2 = "…" .. table.concat(out)
  return string.rep(" ", math.max(0, w - width(s2))) .. s2
end

local function fit_right(s, w)
  if width(s) <= w then return s end
  local out, used = {}, 1
  for _, cp in utf8.codes(s, true) do
    local ch = utf8.char(cp)
    local cw = width(ch)
    if used + cw > w then break end
    out[#out + 1] = ch
    used = used + cw
  end
  return table.concat(out) .. "…"
end

local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end

--- A KWIC line as text: the match in a centred column.
function Line:__tostring()
  return fit_left(trim(self.left), 40) .. "  " .. self.match .. "  " .. fit_right(trim(self.right), 40)
end

local ANSI = { on = "\27[1;31m", off = "\27[0m" }

--- The line with the match highlighted by ANSI colour codes.
function Line:highlight()
  return fit_left(trim(self.left), 40) .. "  " .. ANSI.on .. self.match .. ANSI.off .. "  "
    .. fit_right(trim(self.right), 40)
end

local KWIC_OPTS = { context = true, chars = true, clip = true, sort = true, limit = true,
                    offset = true, meta = true }

-- the KWIC lines of hits from..to of the match set `set`, held in C: the
-- context is a span of the stored text; a line's table is made when it
-- is first read, with the metatable of lines (its `meta` read then too)
local function line_table(c, set, from, to, opts)
  local h = c._root._h
  return h:kwic_table(set, from, to, opts.context or 8, opts.chars or 0, opts.clip == "sentence")
end

local function line_wrap(c)
  local mt = { __tostring = Line.__tostring, __name = "rostra.kwicline" }
  function mt.__index(row, k)
    if k == "meta" then
      local m = c:meta(row.speech)
      rawset(row, "meta", m)
      return m
    end
    return Line[k]
  end
  return function(row) return setmetatable(row, mt) end
end

--- KWIC lines of a query or of Matches: `{context = 8 | chars = 60,
-- clip = "sentence", sort = {"right1", "right2"}, limit, offset}`.
-- Lines have `left`, `match`, `right` (the stored text with its spacing,
-- line breaks as spaces), `speech`, `meta`, `start`, `stop`. The result
-- holds the page (`limit`, `offset`); `export` writes every hit. The
-- lines are held in C: a line's table is made when it is read.
function Corpus:kwic(q, opts)
  opts = opts or {}
  if type(opts) ~= "table" then error("bad argument #2 to 'kwic' (table expected)", 2) end
  for k in pairs(opts) do
    if not KWIC_OPTS[k] then
      error(("unknown option '%s' to 'kwic' (valid: context, chars, clip, sort, limit, offset)"):format(
        tostring(k)), 2)
    end
  end
  if opts.context ~= nil and (math.type(opts.context) ~= "integer" or opts.context < 0) then
    error("context must be a non-negative integer", 2)
  end
  if opts.clip ~= nil and opts.clip ~= "sentence" then error("clip must be \"sentence\"", 2) end
  local m, hits, partial
  if getmetatable(q) == Matches then
    if rawget(q, "starts") == nil and rawget(q, "_set") then
      m = set_matches(self, q._set, q.q)
    else
      m = new_matches(self, table.move(q.starts, 1, #q.starts, 1, {}),
        table.move(q.stops, 1, #q.stops, 1, {}), q.q)
    end
  elseif opts.limit and not opts.sort then
    -- a page in corpus order: count every hit, fetch only the page's
    local prog = compile(self, q, "kwic")
    local mask, h = mask_for(self, prog), self._root._h
    hits = h:query(prog, mask, true)
    local set = h:query(prog, mask, false, math.max(1, (opts.offset or 0) + opts.limit), true)
    m = set_matches(self, set, type(q) == "string" and q or nil)
    partial = prog
  else
    m = self:query(q)
  end
  hits = hits or #m
  if opts.sort then m:sort(opts.sort) end
  local offset, limit = opts.offset or 0, opts.limit
  local n = #m
  local last = limit and math.min(n, offset + limit) or n
  local view = line_table(self, set_of(m), offset + 1, last, opts)
  local t = result.from_view(view, { "speech", "left", "match", "right" }, {
    class = Kwic, wrap = line_wrap(self),
    title = ("%d hits%s"):format(hits, m.q and (" of " .. m.q) or ""),
    align = { left = "right" } })
  rawset(t, "_matches", m)
  rawset(t, "_partial", partial) -- the program, when only the page was fetched
  rawset(t, "_opts", opts)
  rawset(t, "_whole", offset == 0 and last == n and not partial)
  rawset(t, "hits", hits)
  return t
end

--- Every hit (not only the page) as a result: `speech, start, stop, left,
-- match, right`, held in C.
function Kwic:all()
  local m, opts = rawget(self, "_matches"), rawget(self, "_opts") or {}
  local view
  if rawget(self, "_whole") then
    view = rawget(self, "_c")
  else
    local prog = rawget(self, "_partial")
    if prog then m = m.corpus:query(prog) end
    view = line_table(m.corpus, set_of(m), 1, #m, opts)
  end
  return result.from_view(view, { "speech", "start", "stop", "left", "match", "right" })
end

--- Write every hit (not only the page) as TSV, CSV or JSON.
function Kwic:export(path, fmt)
  return self:all():export(path, fmt)
end

function Kwic:format(o)
  local lines = {}
  if self.title then lines[#lines + 1] = self.title end
  local n = #self
  local max = (o and o.max_rows) or 50
  for i = 1, math.min(n, max) do lines[#lines + 1] = tostring(self[i]) end
  if n > max then lines[#lines + 1] = ("… %d more lines"):format(n - max) end
  if n == 0 then lines[#lines + 1] = "(no hits)" end
  return table.concat(lines, "\n")
end

-- }======================================================

return M
