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

-- fns: field -> function(meta, d) giving its value (corpusmod.key_fn)
local function meta_ok(node, m, d, fns)
  local t = node.t
  if t == "cmp" then return cmp(fns[node.field](m, d), node.op, node.value)
  elseif t == "in" then
    local v = fns[node.field](m, d)
    for _, w in ipairs(node.values) do
      if cmp(v, "=", w) then return true end
    end
    return false
  elseif t == "and" then
    for _, k in ipairs(node) do if not meta_ok(k, m, d, fns) then return false end end
    return true
  elseif t == "or" then
    for _, k in ipairs(node) do if meta_ok(k, m, d, fns) then return true end end
    return false
  elseif t == "not" then return not meta_ok(node[1], m, d, fns) end
  error("bad metadata constraint " .. tostring(t))
end

-- the fields a metadata constraint names
local function meta_fields(node, out)
  if node.field then out[node.field] = true end
  for _, k in ipairs(node) do meta_fields(k, out) end
  return out
end

-- the speech mask of a corpus or view, narrowed by a program's `::` part;
-- a field the corpus does not have raises (at `level` from the caller)
local function mask_for(c, prog, fname, level)
  local base = c._mask
  if not prog.meta then return base end
  local fns = {}
  for f in pairs(meta_fields(prog.meta, {})) do
    fns[f] = corpusmod.key_fn(c, f, fname or "query", (level or 1) + 1)
  end
  local _, ndoc = c._root._h:counts()
  local metas = c:_load_meta()
  local bytes = {}
  for d = 1, ndoc do
    local inbase = base == nil or base:byte(d) == 1
    bytes[d] = (inbase and meta_ok(prog.meta, metas[d] or {}, d, fns)) and "\1" or "\0"
  end
  return table.concat(bytes)
end

-- }======================================================

-- the program of a query for corpus c: Han and Kana runs cut the ways the
-- corpus has (rostra.cjk)
-- On a corpus loaded with split_hyphens, a literal holding a hyphen (the
-- bare word win-win, "COVID-19") is the tokens it splits into, in a row.
local split_node
split_node = function(n)
  if n.op == "tok" then
    local t = n.test
    if t.t == "eq" and t.mode == "literal" and (t.attr == "word" or t.attr == "lower")
        and t.value:find("[-\u{2010}\u{2011}]") then
      local parts = require("rostra.core").tokenize(t.value, { split_hyphens = true })
      if #parts > 1 then
        local seq = { op = "seq" }
        for i, p in ipairs(parts) do
          seq[i] = { op = "tok", test = { t = "eq", attr = t.attr, mode = "literal", flags = t.flags or "",
                                          value = t.attr == "word" and p.text or p.lower } }
        end
        return seq
      end
    end
    return n
  end
  if n.op ~= "seq" and n.op ~= "alt" and n.op ~= "rep" then return n end
  local out = {}
  for k, v in pairs(n) do if type(k) ~= "number" then out[k] = v end end
  for _, x in ipairs(n) do
    local y = split_node(x)
    if n.op == "seq" and y.op == "seq" then
      for _, z in ipairs(y) do out[#out + 1] = z end
    else
      out[#out + 1] = y
    end
  end
  return out
end

local function split_hyphens(c, prog)
  c:_load_meta() -- an opened index says how it was tokenized in its metadata
  if not c._root._extra.split_hyphens then return prog end
  local p = { within = prog.within, meta = prog.meta, seq = split_node(prog.seq) }
  p.literals = query.literals(p)
  return p
end

local function compile(c, q, fname)
  local prog
  if type(q) == "string" then prog = query.compile(q, M.names(c))
  elseif type(q) == "table" and q.seq then prog = q
  else
    error(("bad argument #1 to '%s' (query string expected, got %s)"):format(fname, type(q)), 3)
  end
  return cjk.expand(split_hyphens(c, prog), c._root._h)
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


-- the work budget of opts (nil: the default, h:query_budget())
local function budget_of(opts, fname, level)
  local b = opts and opts.budget
  if b == nil or b == math.huge or (math.type(b) == "integer" and b >= 1) then return b end
  error(("bad option 'budget' to '%s' (a positive integer or math.huge expected, got %s)"):format(
    fname, tostring(b)), level + 1)
end

local QUERY_OPTS = { "budget" }

local function check_query_opts(opts, fname)
  if opts == nil then return nil end
  opts = require("rostra.opts").check(opts, QUERY_OPTS, fname, 2, 2)
  return budget_of(opts, fname, 3)
end

--- Matches of a query (a string in the query language, see docs/query.md).
-- `opts.budget`: the matcher's work budget in steps (default
-- `c:query_budget()`, `math.huge` for none); past it the query stops with
-- an error naming the part of the query that takes the work
-- (docs/limits.md).
-- @treturn Matches (empty, never nil, when nothing matches)
function Corpus:query(q, opts)
  local budget = check_query_opts(opts, "query")
  local prog = compile(self, q, "query")
  local set = self._root._h:query(prog, mask_for(self, prog, "query", 2), false, 0, budget, true)
  return set_matches(self, set, type(q) == "string" and q or nil)
end

--- The default work budget of a query on this corpus: steps of the
-- matcher (docs/limits.md).
function Corpus:query_budget()
  return self._root._h:query_budget()
end

-- {====================================================== hyphenated words

-- A word test of a query (a bare word, "Word"%c, a regex, a glob) does not
-- match the words joined to others by hyphens, which are one token each:
-- `covid` does not find `covid-19`. These notes say how many such tokens
-- there are and how to reach them.

local HY = "[\\-\\x{2010}\\x{2011}]"      -- the hyphens a word may hold
local NOT_HY = "[^\\-\\x{2010}\\x{2011}]"

local function regex_escape(s)
  return (s:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?%{%}|\\]", "\\%0"))
end

-- the word tests of a program (not under a negation), deduplicated
local function word_tests(prog)
  local out, seen = {}, {}
  local function test(t)
    if t.t == "eq" and (t.attr == "word" or t.attr == "lower" or t.attr == "stem") then
      if t.mode == "literal" or t.mode == "regex" or t.mode == "glob" then
        local k = table.concat({ t.attr, t.mode, t.flags or "", t.value }, "\0")
        if not seen[k] and not t.value:find("[-\u{2010}\u{2011}]") then
          seen[k] = true
          out[#out + 1] = t
        end
      end
    elseif t.t == "and" or t.t == "or" then
      for _, x in ipairs(t) do test(x) end
    end
  end
  local function node(n)
    if n.op == "tok" then test(n.test)
    else for _, x in ipairs(n) do if type(x) == "table" then node(x) end end end
  end
  node(prog.seq)
  return out
end

-- what a test matches as a regular expression
local function as_regex(t)
  if t.mode == "regex" then return t.value end
  if t.mode == "glob" then
    return (require("rostra.query").glob_to_regex(t.value):gsub("^%^", ""):gsub("%$$", ""))
  end
  return regex_escape(t.value)
end

-- how the user wrote the test, for messages
local function test_label(t)
  if t.attr == "lower" and t.mode ~= "regex" and (t.flags or "") == "" then return t.value end
  local f = (t.flags or "") ~= "" and ("%" .. t.flags) or ""
  if t.attr == "word" then return ('"%s"%s'):format(t.value, f) end
  return ('[%s = "%s"%s]'):format(t.attr, t.value, f)
end

-- the forms of the tokens that hold a word of test `t` between hyphens,
-- and their counts over the whole corpus (made once per corpus and test)
local function hyphen_forms(root, t)
  local cache = rawget(root, "_hyphen_forms")
  local ntok = root._h:counts()
  if not cache or cache.ntok ~= ntok then
    cache = { ntok = ntok }
    rawset(root, "_hyphen_forms", cache)
  end
  local key = table.concat({ t.attr, t.mode, t.flags or "", t.value }, "\0")
  local e = cache[key]
  if e then return e end
  local v = as_regex(t)
  -- the word between hyphens, as a whole token: parts before it, or after it
  local wrapped = ("(?:%s+%s)+(?:%s)(?:%s%s+)*|(?:%s)(?:%s%s+)+")
    :format(NOT_HY, HY, v, HY, NOT_HY, v, HY, NOT_HY)
  local test = { t = "and",
                 { t = "eq", attr = t.attr, mode = "regex", flags = t.flags or "", value = wrapped },
                 { t = "not", t } }
  local prog = { seq = { op = "seq", { op = "tok", test = test } } }
  prog.literals = require("rostra.query").literals(prog)
  local h = root._h
  local ok, starts = pcall(h.query, h, prog, nil)
  e = { forms = {}, total = 0 }
  if not ok then
    -- the note is a help, not the count: say that it could not be made
    -- rather than say nothing (and do not cache it)
    return { forms = {}, total = 0, error = tostring(starts) }
  end
  do
    local tally, order = {}, {}
    for _, p in ipairs(starts) do
      local f = h:token(p, t.attr)
      if not tally[f] then tally[f] = 0 order[#order + 1] = f end
      tally[f] = tally[f] + 1
    end
    table.sort(order, function(a, b)
      if tally[a] ~= tally[b] then return tally[a] > tally[b] end
      return a < b
    end)
    for i, f in ipairs(order) do e.forms[i] = { form = f, count = tally[f] } end
    e.total = #starts
  end
  cache[key] = e
  return e
end

local function thousands(n)
  local s = tostring(n)
  while true do
    local r, k = s:gsub("^(%d+)(%d%d%d)", "%1,%2")
    s = r
    if k == 0 then return s end
  end
end

local Note = {}
Note.__index = Note
Note.__name = "rostra.hyphennote"
Note.__tostring = function(self) return self.message end
M.Note = Note

--- The note on hyphenated words for a query over a corpus or view, or nil
-- when no token holds a word of the query between hyphens: a table with
-- `hyphenated` (such tokens in all), `words` (a list of `{test, count,
-- forms, query}`: the word as the query wrote it, its tokens, up to three
-- of their forms, a query that finds the word alone and in them) and
-- `message`, which is also what `tostring` gives:
-- `covid: 94 hits; 2,296 more inside hyphenated words such as covid-19,
-- post-covid-19, post-covid: [lower = "(.+-)?covid(-.+)?"] finds them all`.
-- @param c Corpus or view
-- @param q a query string or program
-- @tparam[opt] integer hits the hits of the query (counted when nil)
-- @param[opt] prog the query's program, when the caller compiled it
-- @return table or nil
function M.hyphen_note(c, q, hits, prog)
  prog = prog or compile(c, q, "count") -- a caller that compiled q gives its program
  local root, mask = c._root, c._mask
  local words, total, failed = {}, 0, nil
  for _, t in ipairs(word_tests(prog)) do
    local e = hyphen_forms(root, t)
    failed = failed or e.error
    if e.total > 0 then
      local n, forms = 0, {}
      if mask == nil then
        n = e.total
        for i = 1, math.min(3, #e.forms) do forms[i] = e.forms[i].form end
      else
        local counted = {}
        for _, f in ipairs(e.forms) do
          local k = #root._h:positions(t.attr, f.form, mask)
          if k > 0 then counted[#counted + 1] = { form = f.form, count = k } end
          n = n + k
        end
        table.sort(counted, function(a, b)
          if a.count ~= b.count then return a.count > b.count end
          return a.form < b.form
        end)
        for i = 1, math.min(3, #counted) do forms[i] = counted[i].form end
      end
      if n > 0 then
        local v = as_regex(t)
        local f = (t.flags or "") ~= "" and ("%" .. t.flags) or ""
        local find_all = ('[%s = "(.+-)?(%s)(-.+)?"%s]'):format(t.attr, v, f)
        if t.mode == "literal" then find_all = ('[%s = "(.+-)?%s(-.+)?"%s]'):format(t.attr, v, f) end
        words[#words + 1] = { test = test_label(t), count = n, forms = forms, query = find_all }
        total = total + n
      end
    end
  end
  if total == 0 and not failed then return nil end
  if hits == nil then hits = c._root._h:query(prog, mask_for(c, prog, "count", 2), true) end
  local parts = {}
  for i, w in ipairs(words) do
    parts[i] = ("%s more inside hyphenated words such as %s (%s finds them all)"):format(
      thousands(w.count), table.concat(w.forms, ", "), w.query)
    if #words > 1 then parts[i] = w.test .. ": " .. parts[i] end
  end
  if failed then
    parts[#parts + 1] = "hyphenated words not checked (" .. failed .. ")"
  end
  local label = #words == 1 and words[1].test or (type(q) == "string" and q or "the query")
  local message = ("%s: %s %s; %s; hyphenated words are one token each (load with split_hyphens = true, "
    .. "or --split-hyphens, to split them)"):format(label, thousands(hits),
    hits == 1 and "hit" or "hits", table.concat(parts, "; "))
  return setmetatable({ hyphenated = total, words = words, message = message }, Note)
end

-- }======================================================

-- {====================================================== counts by group

-- the word tokens (words and numbers, not punctuation or symbols) of every
-- speech of the root, as the index counted them (the denominator of every
-- rate: c:words() of a view is their sum)
local function speech_words(root)
  local h = root._h
  local ntok, ndoc = h:counts()
  local cached = rawget(root, "_speech_words")
  if cached and cached.ntok == ntok and cached.ndoc == ndoc then return cached.words end
  local words = {}
  for d = 1, ndoc do words[d] = select(4, h:doc(d)) end
  rawset(root, "_speech_words", { ntok = ntok, ndoc = ndoc, words = words })
  return words
end
M.speech_words = speech_words

-- groups sorted as freq sorts them: numbers first, then strings, then the rest
local function group_less(a, b)
  local ta, tb = type(a), type(b)
  if ta == tb and (ta == "number" or ta == "string") then return a < b end
  if ta == "number" then return true end
  if tb == "number" then return false end
  if ta == "string" then return true end
  if tb == "string" then return false end
  return tostring(a) < tostring(b)
end

local COUNT_OPTS = { "by", "columns", "budget" }
local COUNT_COLUMNS = { speech = true, count = true, words = true, per_million = true, share = true,
                        speeches = true, group = true }
local STRUCTURE_GROUPS = { match = true, word = true, lower = true, stem = true, point = true,
                           segment = true, sentence = true, quotation = true }

-- c:count(q, {by = ...}): hits, words and rates per speech or per group of
-- speeches (every speech or group of the view, with or without hits)
local function count_by(c, prog, mask, opts, label)
  local by = opts.by
  if type(by) == "string" and STRUCTURE_GROUPS[by] then
    if opts.columns ~= nil then
      error("count: columns name speeches: they go with by = \"speech\" or a metadata key", 3)
    end
    local starts, stops = c._root._h:query(prog, mask, false, 0, opts.budget)
    local t = new_matches(c, starts, stops, label):group(by)
    t.meta.hits = #starts
    return t
  end
  local h = c._root._h
  local _, ndoc = h:counts()
  local starts = h:query(prog, mask, false, 0, opts.budget)
  local per_speech = {}
  for i = 1, #starts do
    local d = h:doc_of(starts[i])
    per_speech[d] = (per_speech[d] or 0) + 1
  end
  local total = #starts
  local words = speech_words(c._root)
  local in_view = {}
  for d = 1, ndoc do in_view[d] = c._mask == nil or c._mask:byte(d) == 1 end
  local rows, warnings = {}, {}
  local cols
  local twords = 0
  for d = 1, ndoc do if in_view[d] then twords = twords + words[d] end end
  if by == "speech" then
    local names, mt = corpusmod.name_columns(c, opts.columns, COUNT_COLUMNS, "count", 3)
    cols = { "speech" }
    for _, n in ipairs(names) do cols[#cols + 1] = n end
    for d = 1, ndoc do
      if in_view[d] then
        local n, w = per_speech[d] or 0, words[d]
        rows[#rows + 1] = setmetatable({ speech = d, count = n, words = w,
          per_million = w > 0 and n * 1e6 / w or 0, share = total > 0 and n / total or 0 }, mt(d))
      end
    end
  else
    if opts.columns ~= nil then
      error("count: columns name speeches: they go with by = \"speech\", not a group of speeches", 3)
    end
    -- by a turn attribute (speaker, role): a transcript's hits and words
    -- go to the speakers of its turns; a speech of one turn, by its metadata
    local turns = corpusmod.turn_groups(c, by)
    local get, key
    if turns and not corpusmod.has_key(c, by) then
      get, key = function() return nil end, by
    else
      get, key = corpusmod.key_fn(c, by, "count", 3)
    end
    local col = COUNT_COLUMNS[key] and "group" or key
    cols = { col }
    local metas = c:_load_meta()
    local groups, order = {}, {}
    local missing, missing_hits = 0, 0
    local missing_turns = 0
    local function add(v, d, hits, w, turn)
      if v == nil then
        if turn then missing_turns = missing_turns + 1 else missing = missing + 1 end
        missing_hits = missing_hits + hits
        return
      end
      local g = groups[v]
      if not g then
        g = { count = 0, words = 0, speeches = 0 }
        groups[v] = g
        order[#order + 1] = v
      end
      g.count = g.count + hits
      g.words = g.words + w
      if g.last ~= d then g.speeches, g.last = g.speeches + 1, d end
    end
    local turn_hits = {}
    if turns then
      for i = 1, #starts do
        local d = h:doc_of(starts[i])
        local t = turns[d]
        local k = t and corpusmod.turn_at(t, starts[i])
        if k then
          local th = turn_hits[d] or {}
          turn_hits[d] = th
          th[k] = (th[k] or 0) + 1
          per_speech[d] = per_speech[d] - 1 -- what stays: hits outside every turn
        end
      end
    end
    for d = 1, ndoc do
      if in_view[d] then
        local t = turns and turns[d]
        if t then
          local th, inside = turn_hits[d] or {}, 0
          local mv = get(metas[d] or {}, d)
          for k = 1, #t.starts do -- a turn without a value has none (Q has no role)
            add(t.values[k] or nil, d, th[k] or 0, t.words[k], true)
            inside = inside + t.words[k]
          end
          if (per_speech[d] or 0) > 0 or words[d] > inside then
            add(mv, d, per_speech[d] or 0, words[d] - inside)
          end
        else
          add(get(metas[d] or {}, d), d, per_speech[d] or 0, words[d])
        end
      end
    end
    table.sort(order, group_less)
    for _, v in ipairs(order) do
      local g = groups[v]
      rows[#rows + 1] = { [col] = v, count = g.count, words = g.words, speeches = g.speeches,
        per_million = g.words > 0 and g.count * 1e6 / g.words or 0,
        share = total > 0 and g.count / total or 0 }
    end
    if missing > 0 or missing_turns > 0 then
      local what = {}
      if missing > 0 then what[1] = ("%d %s"):format(missing, missing == 1 and "speech" or "speeches") end
      if missing_turns > 0 then
        what[#what + 1] = ("%d %s"):format(missing_turns, missing_turns == 1 and "turn" or "turns")
      end
      warnings[#warnings + 1] = ("%s without '%s' left out (%d of the %d hits)"):format(
        table.concat(what, " and "), key, missing_hits, total)
    end
  end
  for _, x in ipairs { "count", "words", "per_million", "share" } do cols[#cols + 1] = x end
  if by ~= "speech" then cols[#cols + 1] = "speeches" end
  local note = M.hyphen_note(c, label or prog, total, prog)
  if note then warnings[#warnings + 1] = note.message end
  local t = result.new(cols, rows, {
    title = ("%s by %s: %d hits in %d words"):format(label or "the query",
      type(by) == "string" and by or "group",
      total, twords),
    formats = { per_million = "%.2f", share = "%.4f" }, warnings = warnings,
    meta = { hits = total, words = twords } })
  return t
end

--- The number of matches of a query; with `opts.by`, a result table of
-- counts and rates per group:
--
-- * `by = "speech"`: a row for every speech of the corpus or view, named by
--   `file` and its metadata (`columns`: which keys; default all);
-- * `by` = a metadata key, a derived key (`decade`, `century`, `month`) or
--   a function of the metadata (`function(meta, id)`): a row for every
--   value that speeches of the corpus or view have, hits or not (speeches
--   without one are left out, with a warning);
--
-- with columns `count` (hits), `words` (the word tokens of the speech or
-- group: words and numbers, not punctuation or symbols), `per_million`
-- (hits per million words), `share` (of all the hits), and `speeches`
-- for a group. `by` = "speaker" or "role" in a corpus of transcripts
-- counts the hits and words of a speech of two turns or more by the
-- speakers of its turns (structure `turn`), a speech of one turn by its
-- metadata (see docs/parsing.md). `by` = "match", "word", "lower", "stem" or a structure
-- ("point", "segment", "sentence", "quotation") counts the hits by their
-- form or place, as `m:group(by)`.
-- A second result, when a word of the query also occurs inside hyphenated
-- words (`covid-19` for `covid`: one token each), says how many such tokens
-- there are and which query finds them (see `hyphen_note`); with `by`, it
-- is also among the table's warnings.
-- @param q a query string (see docs/query.md)
-- @tparam[opt] table opts `by`, `columns`
-- @treturn integer|result
-- @return nil, or the note on hyphenated words
function Corpus:count(q, opts)
  local prog = compile(self, q, "count")
  local mask = mask_for(self, prog, "count", 2)
  local budget
  if opts ~= nil then
    opts = require("rostra.opts").check(opts, COUNT_OPTS, "count", 2)
    budget = budget_of(opts, "count", 2)
    if opts.by ~= nil then
      local t = count_by(self, prog, mask, opts, type(q) == "string" and q or nil)
      local note = M.hyphen_note(self, type(q) == "string" and q or prog, t.meta.hits, prog)
      if note then return t, note end
      return t
    end
    if opts.columns ~= nil then error("count: columns go with by", 2) end
  end
  local n = self._root._h:query(prog, mask, true, 0, budget)
  local note = M.hyphen_note(self, type(q) == "string" and q or prog, n, prog)
  if note then return n, note end
  return n -- one value: a REPL or print shows no nil
end

-- }======================================================

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
    local get = corpusmod.key_fn(c, mk, "sort", 3)
    return function(i)
      local d = h:doc_of(m.starts[i])
      return get(c:meta(d) or {}, d)
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
    local get = corpusmod.key_fn(c, by, "group", 2)
    fn = function(i)
      local d = h:doc_of(self.starts[i])
      local v = get(c:meta(d) or {}, d)
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

-- trimmed, control characters shown (result.visible), not executed
local function trim(s) return result.visible((s:gsub("^%s+", ""):gsub("%s+$", ""))) end

--- A KWIC line as text: the match in a centred column (control characters
-- of the text shown as `\x1b`, see result.visible).
function Line:__tostring()
  return fit_left(trim(self.left), 40) .. "  " .. trim(self.match) .. "  " .. fit_right(trim(self.right), 40)
end

local ANSI = { on = "\27[1;31m", off = "\27[0m" }

--- The line with the match highlighted by ANSI colour codes.
function Line:highlight()
  return fit_left(trim(self.left), 40) .. "  " .. ANSI.on .. trim(self.match) .. ANSI.off .. "  "
    .. fit_right(trim(self.right), 40)
end

local KWIC_OPTS = { context = true, chars = true, clip = true, sort = true, limit = true,
                    offset = true, meta = true, columns = true, budget = true }
-- the columns of an exported concordance, around those naming the speech
local KWIC_COLUMNS = { speech = true, start = true, stop = true, left = true, match = true, right = true }

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
    if k == "meta" or k == "file" then
      local m = c:meta(row.speech)
      rawset(row, "meta", m)
      rawset(row, "file", m and m.file)
      return rawget(row, k)
    end
    return Line[k]
  end
  return function(row) return setmetatable(row, mt) end
end

--- KWIC lines of a query or of Matches: `{context = 8 | chars = 60,
-- clip = "sentence", sort = {"right1", "right2"}, limit, offset,
-- columns = {...}}`.
-- Lines have `left`, `match`, `right` (the stored text with its spacing,
-- line breaks as spaces), `speech`, `file`, `meta`, `start`, `stop`. The
-- result holds the page (`limit`, `offset`); `export` writes every hit,
-- each naming its speech by `file` and metadata (`columns`: the keys;
-- default all), and `k:table()` gives those rows as a result table. The
-- lines are held in C: a line's table is made when it is read.
function Corpus:kwic(q, opts)
  opts = require("rostra.opts").check(opts, KWIC_OPTS, "kwic", 2)
  local budget = budget_of(opts, "kwic", 2)
  if opts.context ~= nil and (math.type(opts.context) ~= "integer" or opts.context < 0) then
    error("context must be a non-negative integer", 2)
  end
  if opts.clip ~= nil and opts.clip ~= "sentence" then error("clip must be \"sentence\"", 2) end
  if opts.columns ~= nil then corpusmod.name_columns(self, opts.columns, KWIC_COLUMNS, "kwic", 2) end
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
    local mask, h = mask_for(self, prog, "kwic", 2), self._root._h
    hits = h:query(prog, mask, true, 0, budget)
    local set = h:query(prog, mask, false, math.max(1, (opts.offset or 0) + opts.limit), budget, true)
    m = set_matches(self, set, type(q) == "string" and q or nil)
    partial = prog
  else
    m = self:query(q, { budget = budget })
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
  if getmetatable(q) ~= Matches then
    local note = M.hyphen_note(self, q, hits)
    if note then t.warnings[#t.warnings + 1] = note.message end
  end
  rawset(t, "_matches", m)
  rawset(t, "_partial", partial) -- the program, when only the page was fetched
  rawset(t, "_opts", opts)
  rawset(t, "_whole", offset == 0 and last == n and not partial)
  rawset(t, "_from", offset + 1)
  rawset(t, "_to", last)
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
    if prog then m = m.corpus:query(prog, { budget = opts.budget }) end
    view = line_table(m.corpus, set_of(m), 1, #m, opts)
  end
  return result.from_view(view, { "speech", "start", "stop", "left", "match", "right" })
end

-- the kind of a column of values for the C table ("int", "num", "bool",
-- "str"), or nil when they are of several kinds (or tables)
local function value_kind(values)
  local kind
  for _, v in pairs(values) do
    local k = math.type(v) == "integer" and "int" or math.type(v) == "float" and "num"
      or type(v) == "boolean" and "bool" or type(v) == "string" and "str" or nil
    if k == nil or (kind and kind ~= k) then return nil end
    kind = k
  end
  return kind or "str"
end

-- a result of the lines of hits from..to of the match set `set`, each
-- naming its speech: speech, file, the metadata keys (opts.columns),
-- start, stop, left, match, right. Held in C (lines cut when read, files
-- written in C) when each naming column holds values of one kind; else
-- the C lines are read a column at a time into rows made when read.
local function named_table(c, set, from, to, opts, title)
  local h = c._root._h
  local names, mt = corpusmod.name_columns(c, opts.columns, KWIC_COLUMNS, "kwic", 3)
  local cols = { "speech" }
  for _, n in ipairs(names) do cols[#cols + 1] = n end
  -- a corpus of transcripts: who says each hit (the speaker of its turn,
  -- in a speech of two turns or more; a speech of one turn: its metadata)
  local turns = corpusmod.turn_groups(c, "speaker")
  if turns and next(turns) == nil then turns = nil end
  if turns then cols[#cols + 1] = "turn.speaker" end
  for _, n in ipairs { "start", "stop", "left", "match", "right" } do cols[#cols + 1] = n end
  local ctx, chars, clip = opts.context or 8, opts.chars or 0, opts.clip == "sentence"
  local lines = result.from_view(h:kwic_table(set, from, to, ctx, chars, clip),
    { "speech", "start", "stop", "left", "match", "right" })
  local sp = lines:column("speech")
  -- each naming column's values by speech, and their kind
  local spec, seen = {}, {}
  for i, n in ipairs(names) do spec[i] = { n, nil, {} } end
  for i = 1, #lines do
    local d = sp[i]
    if not seen[d] then
      seen[d] = true
      local vals = mt(d).__index
      for _, e in ipairs(spec) do e[3][d] = vals[e[1]] end
    end
  end
  local whole = not turns -- who says each hit is found per line, in Lua
  for _, e in ipairs(spec) do
    e[2] = value_kind(e[3])
    if not e[2] then whole = false end
  end
  if whole then
    return result.from_view(h:kwic_table(set, from, to, ctx, chars, clip, spec), cols,
      { title = title, align = { left = "right" } })
  end
  local st, so = lines:column("start"), lines:column("stop")
  local l, m, r = lines:column("left"), lines:column("match"), lines:column("right")
  return result.new(cols, result.lazy_rows(#lines, function(i)
    local row = { speech = sp[i], start = st[i], stop = so[i], left = l[i], match = m[i], right = r[i] }
    local t = turns and turns[sp[i]]
    if t then
      local k = corpusmod.turn_at(t, st[i])
      row["turn.speaker"] = k and t.values[k] or nil
    end
    return setmetatable(row, mt(sp[i]))
  end), { title = title, align = { left = "right" } })
end

--- The concordance as a plain result table whose rows name their speech:
-- `speech, file, KEY..., start, stop, left, match, right` (the metadata
-- keys of the `columns` option, default all). `all`: every hit, not only
-- the page (`limit`, `offset`).
-- @tparam[opt] boolean all
-- @return result
function Kwic:table(all)
  local m, opts = rawget(self, "_matches"), rawget(self, "_opts") or {}
  local from, to = rawget(self, "_from"), rawget(self, "_to")
  if all then
    local prog = rawget(self, "_partial")
    if prog then m = m.corpus:query(prog, { budget = opts.budget }) end
    from, to = 1, #m
  end
  local t = named_table(m.corpus, set_of(m), from, to, opts, self.title)
  for i, w in ipairs(self.warnings) do t.warnings[i] = w end
  return t
end

--- Write every hit (not only the page) as TSV, CSV or JSON, each line
-- naming its speech (see `Kwic:table`).
function Kwic:export(path, fmt)
  return self:table(true):export(path, fmt)
end

function Kwic:format(o)
  local lines = {}
  if self.title then lines[#lines + 1] = result.visible(self.title) end
  local n = #self
  local max = (o and o.max_rows) or 50
  for i = 1, math.min(n, max) do lines[#lines + 1] = tostring(self[i]) end
  if n > max then lines[#lines + 1] = ("… %d more lines"):format(n - max) end
  if n == 0 then lines[#lines + 1] = "(no hits)" end
  for _, w in ipairs(self.warnings) do lines[#lines + 1] = "warning: " .. w end
  return table.concat(lines, "\n")
end

-- }======================================================

return M
