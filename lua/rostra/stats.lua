--- Statistics over the corpus index: n-grams, collocates, keywords and
-- dispersion. Adds `c:ngrams`, `c:collocates`, `c:keyness` and
-- `c:dispersion` to rostra.corpus's Corpus (and so to its views). The
-- counting is done in C (csrc/stats.c) and the scores by csrc/measures.c,
-- whose header gives every formula with its source. Every method returns a
-- result table (rostra.result): sortable by any column, `tostring` as an
-- aligned table, `:export(path, "tsv" | "csv" | "json")`.
--
-- Options common to several methods:
--
-- * `attr`: "lower" (default), "word" or "stem": the form counted.
-- * `stopwords`: a language code ("en", "es", "fr", "zh"), a list or a set
--   of words (rostra.stopwords.resolve). A stopword is matched on the lower
--   form: with `attr = "word"` it drops every spelling ("The", "THE"), with
--   `attr = "stem"` it is looked up as a stem.
-- * `within`: "sentence" (default), "segment" ("paragraph"), "point",
--   "quotation" or "speech": n-grams and collocate windows never cross the
--   edge of a region of that level (nor a speech). Tokens outside every
--   region of the level (outside quotations, say) take no part.
-- * `punct`: punctuation and symbols are never collocates nor keywords
--   unless `punct = true`.
-- * `top`: the number of rows kept (default 50); `false` or `math.huge`
--   for all.
--
-- Node queries (`collocates`, `dispersion`): a Matches object (anything
-- with a method `positions()` returning two arrays `starts, stops` of
-- 1-based inclusive token positions), or a string. A string that is one
-- literal token of the query language (a bare word, `"Word"`, `[lower =
-- "x"]`) is looked up in the postings directly, in C; any other string
-- goes through `c:query(q)`; without a query engine a string is taken as
-- one lower form.
--
-- @module rostra.stats

local core = require "rostra.core"
local result = require "rostra.result"
local stopwords = require "rostra.stopwords"

local M = {}
-- set early: a module that requires this one while it loads gets this table
package.loaded["rostra.stats"] = M

local corpusmod = package.loaded["rostra.corpus"]
if type(corpusmod) ~= "table" or not corpusmod.Corpus then corpusmod = require "rostra.corpus" end
local Corpus = corpusmod.Corpus

local format, concat = string.format, table.concat
local math_type, huge = math.type, math.huge

--- N-gram results with more rows than this build their rows on first use.
M.lazy_rows = 100000

local ASSOC = { "mi", "mi3", "t", "z", "ll", "logdice", "dice", "chi2" }
local ASSOC_SET = {}
for _, m in ipairs(ASSOC) do ASSOC_SET[m] = true end
local KEYNESS = { ll = true, chi2 = true, logratio = true, pdiff = true }
local KEYNESS_LIST = "ll, chi2, logratio, pdiff"
local LEVEL = {
  sentence = "sentence", s = "sentence", segment = "segment", paragraph = "segment",
  point = "point", quotation = "quotation", speech = "speech",
}
local LEVEL_LIST = "sentence, segment, paragraph, point, quotation, speech"

-- {====================================================== option checks

local function fail(fname, msg)
  error(format("%s: %s", fname, msg), 3)
end

local function check_opts(opts, fname, valid, n)
  local o = require("rostra.opts").check(opts, valid, fname, n, 2)
  return o -- not a tail call: the error level counts this function
end

local function set_of(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

local function check_attr(v, fname, c)
  if v == nil then return "lower" end
  if type(v) ~= "string" or not c:has_attribute(v) then
    fail(fname, format("unknown attribute '%s' (valid: %s)", tostring(v), concat(c:attributes(), ", ")))
  end
  return v
end

local function check_within(v, fname, c)
  if v == nil then return "sentence" end
  local lv = LEVEL[v]
  if not lv and c and type(v) == "string" then
    local levels = c:structures()
    for _, n in ipairs(levels) do if n == v then lv = v end end
  end
  if not lv then fail(fname, format("unknown level '%s' for within (valid: %s)", tostring(v), LEVEL_LIST)) end
  return lv
end

local function check_top(v, fname)
  if v == nil then return 50 end
  if v == false or v == huge then return 0 end -- 0: all
  if math_type(v) ~= "integer" or v < 0 then
    fail(fname, "top must be a non-negative integer, false or math.huge (all rows), got " .. tostring(v))
  end
  return v == 0 and -1 or v -- -1: no rows
end

local function check_min(v, def, fname)
  if v == nil then return def end
  if math_type(v) ~= "integer" or v < 1 then
    fail(fname, "min must be a positive integer, got " .. tostring(v))
  end
  return v
end

-- the stopword list (lower forms) for C, or nil
local function stop_list(v)
  if v == nil or v == false then return nil end
  local set = stopwords.resolve(v)
  local list = {}
  for w in pairs(set) do list[#list + 1] = w end
  return list
end

local function is_corpus(x)
  return getmetatable(x) == Corpus
end

-- }======================================================

-- {====================================================== nodes

-- the lower/word/stem form of a query that is one literal token test, or nil
local function literal_of(q, c)
  local ok, query = pcall(require, "rostra.query")
  if not ok then return nil end
  local names
  if package.loaded["rostra.matches"] then names = package.loaded["rostra.matches"].names(c) end
  local okc, prog = pcall(query.compile, q, names)
  if not okc or type(prog) ~= "table" or prog.within or prog.meta then return nil end
  local seq = prog.seq
  if type(seq) ~= "table" or #seq ~= 1 or seq[1].op ~= "tok" then return nil end
  local t = seq[1].test
  if type(t) ~= "table" or t.t ~= "eq" or t.mode ~= "literal" or (t.flags or "") ~= ""
    or not c:has_attribute(t.attr) or type(t.value) ~= "string" then
    return nil
  end
  -- Han and Kana: the characters, whatever the tokens (the query path cuts them)
  if require("rostra.cjk").chars(t.value) then return nil end
  return t.attr, t.value
end

local function positions_of(q)
  local ok, f = pcall(function() return q.positions end)
  if ok and type(f) == "function" then return f end
  return nil
end

-- the node options for C and a label for titles
local function node_opts(self, q, fname, budget)
  if type(q) == "string" then
    local attr, form = literal_of(q, self)
    if attr then return { node_attr = attr, node_form = form }, q end
    if type(self.query) == "function" then
      q = self:query(q, budget ~= nil and { budget = budget } or nil)
    else
      return { node_attr = "lower", node_form = core.lower(q) }, q
    end
  end
  local pos = (type(q) == "table" or type(q) == "userdata") and positions_of(q)
  if not pos then
    error(format("bad argument #1 to '%s' (query string or matches expected, got %s)", fname, type(q)), 3)
  end
  if type(q) == "table" and type(q.corpus) == "table" and q.corpus._root ~= nil
    and q.corpus._root ~= self._root then
    error(format("bad argument #1 to '%s' (matches of another corpus)", fname), 3)
  end
  local starts, stops = pos(q)
  if type(starts) ~= "table" or type(stops) ~= "table" or #starts ~= #stops then
    error(format("bad argument #1 to '%s' (positions() must return two arrays of the same length)", fname), 3)
  end
  local label = type(q) == "table" and type(q.q) == "string" and q.q or "the matches"
  return { starts = starts, stops = stops }, label
end

-- }======================================================

-- {====================================================== n-grams

local NGRAM_OPTS = set_of { "n", "attr", "min", "within", "skip_punct", "top", "stopwords" }

--- Counts of n-grams: `{n = 2, attr = "lower", min = 5, within = "sentence",
-- skip_punct = true, top = 50, stopwords = nil}`.
-- Rows `{ngram, count, per_million}`, most frequent first, ties in byte
-- order of the forms (token by token); `ngram` joins the forms with one
-- space; `per_million` is relative to all the tokens of the corpus or view.
-- `skip_punct`: an n-gram holding punctuation or a symbol is not counted
-- (punctuation breaks n-grams; they never span a comma). `stopwords`: an
-- n-gram that starts or ends with a stopword is left out ("rule of law"
-- stays, "of the" goes). `min` counts are kept (>= min). `t.meta` holds
-- `tokens`, `total` (n-gram occurrences in scope, before `min` and
-- stopwords) and `distinct` (the n-grams kept before `top`).
function Corpus:ngrams(opts)
  opts = check_opts(opts, "ngrams", NGRAM_OPTS, 1)
  local n = opts.n
  if n == nil then n = 2 end
  if math_type(n) ~= "integer" or n < 1 or n > 5 then
    error("ngrams: n must be an integer from 1 to 5, got " .. tostring(n), 2)
  end
  local attr = check_attr(opts.attr, "ngrams", self)
  local within = check_within(opts.within, "ngrams", self)
  local min = check_min(opts.min, 5, "ngrams")
  local top = check_top(opts.top, "ngrams")
  local skip = opts.skip_punct
  if skip == nil then skip = true end
  local h = self._root._h
  local title = format("%d-grams of %s (within %s)", n, attr, within)
  local cols = { "ngram", "count", "per_million" }
  local fmt = { formats = { per_million = "%.2f" } }
  if top < 0 then
    return result.new(cols, {}, { title = title, formats = fmt.formats })
  end
  local set, info = h:stats_ngrams {
    attr = attr, n = n, within = within, mask = self._mask, skip_punct = skip and true or false,
    min = min, top = top, stop = stop_list(opts.stopwords),
  }
  local count = set:count()
  local warnings = {}
  if info.tokens == 0 then warnings[1] = "the corpus or view holds no tokens" end
  local meta = { tokens = info.tokens, total = info.total, distinct = info.distinct, n = n,
                 attr = attr, within = within, min = min }
  local t
  if count > M.lazy_rows then -- rows made from the C set when read
    t = result.new(cols, result.lazy_rows(count, function(i) return set:row(i) end),
                   { title = title, formats = fmt.formats, warnings = warnings, meta = meta })
  else
    t = result.new(cols, set:rows(), { title = title, formats = fmt.formats, warnings = warnings,
                                       meta = meta })
  end
  return t
end

-- }======================================================

-- {====================================================== collocates

local COLL_OPTS = set_of { "window", "within", "measure", "min", "top", "stopwords", "attr", "punct", "sort",
                           "budget" }

local function check_window(w)
  if w == nil then return 5, 5 end
  if math_type(w) == "integer" then
    if w < 1 then error("collocates: window must be at least 1, got " .. w, 3) end
    return w, w
  end
  if type(w) == "table" then
    local l, r = w[1] or w.left, w[2] or w.right
    if math_type(l) ~= "integer" or math_type(r) ~= "integer" or l < 0 or r < 0 then
      error("collocates: window {left, right} needs two non-negative integers", 3)
    end
    if l + r < 1 then error("collocates: window {0, 0} holds no position", 3) end
    return l, r
  end
  error("collocates: window must be a positive integer or {left, right}, got " .. tostring(w), 3)
end

local function measure_error(fname, m, list)
  error(format("%s: unknown measure '%s' (valid: %s)", fname, tostring(m), list), 3)
end

--- Collocates of a node: `c:collocates(q, {window = 5 | {left, right},
-- within = "sentence", measure = "mi", min = 3, top = 50, stopwords = nil,
-- attr = "lower", punct = false, sort = measure})`.
--
-- Counting (Evert 2008, "Corpora and collocations", surface co-occurrence;
-- the CWB "window" convention): around each node occurrence the `left`
-- positions before it and the `right` ones after it, clipped at the edge
-- of the `within` region and of the speech. Node tokens are never counted;
-- a position inside the windows of two nearby nodes counts once. Then
-- `o11` (column `count`) = collocate tokens in the windows, `f1` (`f_node`)
-- = node occurrences, `f2` (`f_coll`) = the collocate's frequency in the
-- corpus or view, `N` = its tokens, `span` = left + right, and the scores
-- are rs_assoc's (measures.h): `expected` = f1 * f2 * span / N. With
-- `window = {0, 1}` the counts are the right-neighbour bigram counts of
-- NLTK's BigramAssocMeasures (N being the corpus size).
--
-- Rows `{collocate, count, left, right, f_coll, f_node, expected, score}`
-- (`left`/`right`: of the count, before or after a node), sorted by the
-- score, descending; `measure = "all"` gives one column per measure (mi,
-- mi3, t, z, ll, logdice, dice, chi2) and sorts by `sort` (default ll).
-- `sort = "count"` sorts by the count. Collocates seen fewer than `min`
-- times, stopwords and punctuation are left out, and so are rows whose
-- score is undefined (a warning says how many).
function Corpus:collocates(q, opts)
  opts = check_opts(opts, "collocates", COLL_OPTS, 2)
  local left, right = check_window(opts.window)
  local within = check_within(opts.within, "collocates", self)
  local attr = check_attr(opts.attr, "collocates", self)
  local min = check_min(opts.min, 3, "collocates")
  local top = check_top(opts.top, "collocates")
  local measure = opts.measure or "mi"
  local all = measure == "all"
  if not all and not ASSOC_SET[measure] then
    measure_error("collocates", measure, concat(ASSOC, ", ") .. ", all")
  end
  local sort = opts.sort
  if sort == nil then sort = all and "ll" or measure end
  if sort ~= "count" and not ASSOC_SET[sort] then
    measure_error("collocates", sort, concat(ASSOC, ", ") .. ", count")
  end
  if not all and sort ~= measure and sort ~= "count" then
    fail("collocates", format("sort = '%s' needs measure = '%s' or 'all'", sort, sort))
  end
  local o, label = node_opts(self, q, "collocates", opts.budget)
  o.attr, o.left, o.right, o.within, o.mask = attr, left, right, within, self._mask
  o.min, o.top, o.stop = min, top > 0 and top or 0, stop_list(opts.stopwords)
  o.punct = opts.punct and true or false
  o.measures = all and ASSOC or { measure }
  o.key = sort ~= "count" and sort or nil
  o.single = not all
  local cols = { "collocate", "count", "left", "right", "f_coll", "f_node", "expected" }
  if all then
    for _, m in ipairs(ASSOC) do cols[#cols + 1] = m end
  else
    cols[#cols + 1] = "score"
  end
  local rows, info = self._root._h:stats_collocates(o)
  if top < 0 then rows = {} end
  local warnings = {}
  if info.f_node == 0 then
    warnings[#warnings + 1] = format("no occurrence of %s in the corpus or view", label)
  end
  if info.undefined > 0 then
    warnings[#warnings + 1] = format("%d collocates left out: %s undefined for their counts",
      info.undefined, all and sort or measure)
  end
  if info.inconsistent > 0 then
    warnings[#warnings + 1] = format("%d collocates left out: f_node * span = %d exceeds what the corpus "
      .. "(N = %d) leaves for them", info.inconsistent, info.f_node * info.span, info.N)
  end
  local title = format("collocates of %s (L%d-R%d within %s, %s)", label, left, right, within,
    all and ("every measure, by " .. sort) or measure)
  local meta = { f_node = info.f_node, N = info.N, span = info.span, window = info.window,
                 left = left, right = right, within = within, measure = measure, sort = sort,
                 candidates = info.candidates }
  return result.new(cols, rows, { title = title, warnings = warnings, meta = meta,
                                  formats = { expected = "%.3f" } })
end

-- }======================================================

-- {====================================================== keyness

local KEY_OPTS = set_of { "measure", "min", "top", "correction", "stopwords", "attr", "punct" }

local function overlap(a, b, ndoc)
  if a == nil or b == nil then return ndoc end
  local n = 0
  for d = 1, ndoc do
    if a:byte(d) == 1 and b:byte(d) == 1 then n = n + 1 end
  end
  return n
end

--- Keywords of a target subcorpus against a reference:
-- `c:keyness(target, reference, {measure = "ll", min = 5, top = 50,
-- correction = nil | "bonferroni", stopwords = nil, attr = "lower",
-- punct = false})`. `target` and `reference` are views of this corpus
-- (`c:where{...}`, `v:complement()`) or the corpus itself; a nil reference
-- is the complement of the target. With a complementary reference its
-- frequencies are the corpus's minus the target's (no second pass).
--
-- Measures (measures.h): "ll" Rayson's log-likelihood G2 (Rayson & Garside
-- 2000, ucrel.lancs.ac.uk/llwizard.html), "chi2" Pearson's chi-square
-- without Yates' correction, both with p (chi-square, 1 df); "logratio"
-- Hardie's Log Ratio (2014), "pdiff" %DIFF (Gabrielatos & Marchi 2012),
-- effect sizes without p (a zero frequency smoothed to 0.5). Every score is
-- signed: positive when the word is relatively more frequent in the target.
--
-- Rows `{word, a, b, a_pm, b_pm, score, p, p_adj, sign}`: `word` the form
-- (of `attr`), `a`/`b` its frequency in target/reference, `a_pm`/`b_pm`
-- per million tokens of each, `p` for ll and chi2, `p_adj` (Bonferroni:
-- min(1, p * m), m = the words tested) with `correction = "bonferroni"`,
-- `sign` "+" (overuse in the target), "-" or "=". Sorted by score,
-- descending: overuse first. `min` applies to a + b (a word is tested when
-- it occurs at least `min` times in the two together). An empty target or
-- reference gives an empty table with a warning.
function Corpus:keyness(target, reference, opts)
  opts = check_opts(opts, "keyness", KEY_OPTS, 3)
  if not is_corpus(target) or target._root ~= self._root then
    error("bad argument #1 to 'keyness' (a view of this corpus expected)", 2)
  end
  if reference ~= nil and (not is_corpus(reference) or reference._root ~= self._root) then
    error("bad argument #2 to 'keyness' (a view of this corpus or nil expected)", 2)
  end
  local measure = opts.measure or "ll"
  if not KEYNESS[measure] then measure_error("keyness", measure, KEYNESS_LIST) end
  local correction = opts.correction
  if correction ~= nil and correction ~= false and correction ~= "none" and correction ~= "bonferroni" then
    fail("keyness", format("unknown correction '%s' (valid: bonferroni, none)", tostring(correction)))
  end
  correction = correction == "bonferroni"
  local has_p = measure == "ll" or measure == "chi2"
  if correction and not has_p then
    fail("keyness", format("correction needs p-values: measure '%s' has none (use ll or chi2)", measure))
  end
  local attr = check_attr(opts.attr, "keyness", self)
  local min = check_min(opts.min, 5, "keyness")
  local top = check_top(opts.top, "keyness")
  if reference == nil then
    -- the complement of the whole corpus is empty (v:complement() of the
    -- corpus itself gives the whole corpus)
    if target._mask == nil then reference = target:where(function() return false end)
    else reference = target:complement() end
  end
  local h = self._root._h
  local _, ndoc = h:counts()
  local cols = { "word", "a", "b", "a_pm", "b_pm", "score" }
  if has_p then cols[#cols + 1] = "p" end
  if correction then cols[#cols + 1] = "p_adj" end
  cols[#cols + 1] = "sign"
  local warnings = {}
  local ntarget, nref = (target:counts()), (reference:counts())
  local title = format("keyness (%s), target %d tokens vs reference %d tokens", measure, ntarget, nref)
  local fmts = { a_pm = "%.2f", b_pm = "%.2f" }
  if ntarget == 0 or nref == 0 then
    warnings[1] = ntarget == 0 and "the target subcorpus is empty" or "the reference subcorpus is empty"
    return result.new(cols, {}, { title = title, warnings = warnings, formats = fmts,
                                  meta = { c = ntarget, d = nref, measure = measure } })
  end
  local shared = overlap(target._mask, reference._mask, ndoc)
  if shared > 0 then
    warnings[#warnings + 1] = format("target and reference share %d speeches", shared)
  end
  local rows, info = h:stats_keyness {
    attr = attr, target = target._mask, reference = reference._mask, measure = measure,
    min = min, top = top > 0 and top or 0, correction = correction, stop = stop_list(opts.stopwords),
    punct = opts.punct and true or false,
  }
  if top < 0 then rows = {} end
  if info.undefined > 0 then
    warnings[#warnings + 1] = format("%d words left out: %s undefined for their counts",
      info.undefined, measure)
  end
  if info.smoothed > 0 then
    warnings[#warnings + 1] = format("%d scores use 0.5 for a zero frequency (Hardie 2014)", info.smoothed)
  end
  return result.new(cols, rows, { title = title, warnings = warnings, formats = fmts,
    meta = { c = info.c, d = info.d, tested = info.tested, measure = measure, min = min,
             correction = correction and "bonferroni" or nil } })
end

-- }======================================================

-- {====================================================== dispersion

local DISP_OPTS = set_of { "by", "columns", "budget" }

-- the relative positions in the text table: 4 decimals (exports keep all)
local function show_positions(v)
  if type(v) ~= "table" then return nil end
  local out = {}
  for i = 1, math.min(#v, 12) do out[i] = format("%.4f", v[i]) end
  if #v > 12 then out[#out + 1] = "…" end
  return concat(out, ", ")
end

local function fmt3(v)
  if v == nil then return "-" end
  return format("%.4f", v)
end

local DISP_COLUMNS = set_of { "part", "size", "hits", "per_million", "positions" }

--- Dispersion of a node over parts of the corpus or view:
-- `c:dispersion(q, {by = "speech" | metadata key | function, columns = {...}})`. Parts are the speeches
-- (`part` the speech id) or the groups of speeches sharing a value of the
-- key (`part` the value; speeches without it are left out, with a
-- warning); a part's tokens are its speeches' tokens in speech order.
-- A hit is a match, counted at its first token.
--
-- Rows `{part, size, hits, per_million, positions}` (by speech, `part` is
-- the speech id and `file` and the metadata keys (`columns`: which ones;
-- default all) follow it): `positions` the hits'
-- relative positions offset / size in [0, 1) (offset: the 0-based index of
-- the token in its part), ascending, for a dispersion plot. `t.meta` holds
-- `range` (parts with a hit), `parts`, `freq`, `size`, `juilland_d`
-- (Juilland's D for parts of unequal size, Gries 2008), `dp` (Gries' DP,
-- Gries 2008) and `dp_norm` (Lijffijt & Gries 2012); an undefined measure
-- is nil, with a warning. See measures.h.
function Corpus:dispersion(q, opts)
  opts = check_opts(opts, "dispersion", DISP_OPTS, 2)
  local by = opts.by or "speech"
  if type(by) ~= "string" and type(by) ~= "function" then
    fail("dispersion", "by must be \"speech\", a metadata key or a function of the metadata")
  end
  local key, label = nil, by
  if by ~= "speech" then key, label = corpusmod.key_fn(self, by, "dispersion", 2) end
  local o, qlabel = node_opts(self, q, "dispersion", opts.budget)
  local h = self._root._h
  local _, ndoc = h:counts()
  local part_of, labels, warnings = {}, {}, {}
  if by == "speech" then
    for d = 1, ndoc do
      if self:has(d) then
        labels[#labels + 1] = d
        part_of[d] = #labels
      else
        part_of[d] = 0
      end
    end
  else
    local index, value, missing = {}, {}, 0
    for d, m in self:speeches() do
      local v = key(m, d)
      if v == nil then
        missing = missing + 1
      else
        if not index[v] then
          labels[#labels + 1] = v
          index[v] = true
        end
        value[d] = v
      end
    end
    table.sort(labels, function(a, b)
      if type(a) == type(b) and (type(a) == "number" or type(a) == "string") then return a < b end
      if type(a) == "number" then return true end
      if type(b) == "number" then return false end
      return tostring(a) < tostring(b)
    end)
    for k, v in ipairs(labels) do index[v] = k end
    for d = 1, ndoc do
      local v = value[d]
      part_of[d] = v ~= nil and index[v] or 0
    end
    if missing > 0 then
      warnings[#warnings + 1] = format("%d %s without '%s' left out", missing,
        missing == 1 and "speech" or "speeches", label)
    end
  end
  -- parts that are speeches are named: file and metadata
  local name_cols, name_mt = {}, nil
  if by == "speech" then
    name_cols, name_mt = corpusmod.name_columns(self, opts.columns, DISP_COLUMNS, "dispersion", 2)
  elseif opts.columns ~= nil then
    fail("dispersion", "columns name the speeches: they go with by = \"speech\"")
  end
  o.part_of, o.nparts = part_of, #labels
  local parts, m = h:stats_dispersion(o)
  local rows = {}
  for k, p in ipairs(parts) do
    rows[k] = { part = labels[k], size = p.size, hits = p.hits,
                per_million = p.size > 0 and p.hits * 1e6 / p.size or 0, positions = p.positions }
    if name_mt then setmetatable(rows[k], name_mt(labels[k])) end
  end
  if #labels == 0 then warnings[#warnings + 1] = "no part: the corpus or view is empty" end
  if m.freq == 0 then warnings[#warnings + 1] = format("no occurrence of %s", qlabel) end
  if m.juilland_d == nil and m.freq > 0 then
    warnings[#warnings + 1] = "Juilland's D and DPnorm are undefined with fewer than 2 parts"
  end
  local title = format("dispersion of %s by %s: range %d/%d, D %s, DP %s, DPnorm %s", qlabel, label,
    m.range, m.parts, fmt3(m.juilland_d), fmt3(m.dp), fmt3(m.dp_norm))
  m.by = label
  local cols = { "part" }
  for _, c in ipairs(name_cols) do cols[#cols + 1] = c end
  for _, c in ipairs { "size", "hits", "per_million", "positions" } do cols[#cols + 1] = c end
  return result.new(cols, rows,
    { title = title, warnings = warnings, meta = m,
      formats = { per_million = "%.2f", positions = show_positions } })
end

-- }======================================================

--- The names of the association measures, in the order of `measure = "all"`.
function M.measures()
  return { table.unpack(ASSOC) }
end

return M
