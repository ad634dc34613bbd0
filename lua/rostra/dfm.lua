--- The document-feature matrix: counts of an attribute's types (features)
-- in each document (a speech, or the speeches sharing a metadata value), for
-- the models of other tools (quanteda, stm, scikit-learn, gensim).
--
--     local m = c:dfm{attr = "lower", stopwords = "en", min_docs = 5}
--     print(m)                        -- rostra.dfm: 964 documents × 11234 features, ...
--     assert(m:export("un_dfm"))      -- matrix.mtx, features.tsv, docvars.csv
--
-- Options of `c:dfm(opts)`:
--
-- * `attr`: the attribute counted (default "lower"; any attribute of the
--   index: word, stem, lemma, upos, ...).
-- * `by`: "speech" (default: one row per speech of the corpus or view, in
--   order) or a metadata key (one row per value, in the order of `c:freq`'s
--   `by`: numbers first, then text; speeches without the key are left out
--   and counted in `m.warnings`).
-- * `min_count`: a feature occurs at least this often in all the rows.
-- * `min_docs`: ... in at least this many rows (documents).
-- * `max_features`: keep the most frequent features only.
-- * `stopwords`: a language code, a list or a set (as `c:freq`'s): not features.
-- * `punct`: punctuation and symbols are features only with `punct = true`.
--
-- Columns are ordered by total count (most frequent first), ties by the
-- byte order of the forms. The matrix is held in C; `m:row(i)`,
-- `m:row_sums()` and `m:features()` read it.
--
-- `m:export(dir)` makes the folder when missing and writes three files
-- there (each through a temporary file renamed over the target):
--
-- * `matrix.mtx`: Matrix Market, `coordinate integer general`, rows are the
--   documents, columns the features, 1-based, entries row by row.
-- * `features.tsv`: a header `feature	count	docs`, then one line per column
--   in order: the form, its total in the rows, the rows that have it.
-- * `docvars.csv`: a header, then one line per row in order: `doc_id`
--   (the speech's file name, or the group's value), `speech` (its number in
--   the corpus; with `by`, `speeches`: how many), every metadata column (the
--   union of the keys, sorted; with `by`, the key only), `tokens`, `words`.
--
-- docs/interchange.md shows reading them into R (quanteda) and Python (SciPy).
-- @module rostra.dfm
local core = require "rostra.core"
local result = require "rostra.result"
local output = require "rostra.output"
local stopwords = require "rostra.stopwords"

local corpusmod = package.loaded["rostra.corpus"]
if type(corpusmod) ~= "table" or not corpusmod.Corpus then corpusmod = require "rostra.corpus" end
local Corpus = corpusmod.Corpus

local M = {}

local DFM = {}
DFM.__index = DFM
DFM.__name = "rostra.dfm"
M.DFM = DFM

local OPTS = { attr = true, by = true, min_count = true, min_docs = true, max_features = true,
               stopwords = true, punct = true }
local OPT_LIST = "attr, by, max_features, min_count, min_docs, punct, stopwords"

local function check_count(v, name, min)
  if v == nil then return nil end
  if math.type(v) ~= "integer" or v < min then
    error(("dfm: %s must be an integer >= %d, got %s"):format(name, min, tostring(v)), 4)
  end
  return v
end

local function group_less(a, b)
  if type(a) == type(b) then return a < b end
  return type(a) == "number"
end

--- A document-feature matrix of this corpus or view (see the module doc).
-- @tparam[opt] table opts `attr`, `by`, `min_count`, `min_docs`,
--   `max_features`, `stopwords`, `punct`
-- @treturn DFM
function Corpus:dfm(opts)
  opts = opts or {}
  if type(opts) ~= "table" then
    error(("bad argument #1 to 'dfm' (options table expected, got %s)"):format(type(opts)), 2)
  end
  for k in pairs(opts) do
    if not OPTS[k] then
      error(("unknown option '%s' to 'dfm' (valid: %s)"):format(tostring(k), OPT_LIST), 2)
    end
  end
  local attr = opts.attr or "lower"
  if type(attr) ~= "string" then error("dfm: attr must be a string", 2) end
  local names = self:attributes()
  local known = false
  for _, n in ipairs(names) do if n == attr then known = true end end
  if not known then
    error(("dfm: unknown attribute '%s' (valid: %s)"):format(attr, table.concat(names, ", ")), 2)
  end
  local by = opts.by or "speech"
  if type(by) ~= "string" then error("dfm: by must be \"speech\" or a metadata key", 2) end
  local min_count = check_count(opts.min_count, "min_count", 1)
  local min_docs = check_count(opts.min_docs, "min_docs", 1)
  local max_features = check_count(opts.max_features, "max_features", 1)
  local stop
  if opts.stopwords then
    stop = {}
    for w in pairs(stopwords.resolve(opts.stopwords)) do stop[#stop + 1] = w end
  end
  local root = self._root
  local h = root._h
  local _, ndoc = h:counts()
  local rowsof, docvars, warnings = {}, {}, {}
  local columns
  local dnames = root._extra.names or {}
  if by == "speech" then
    local keys, seen = {}, {}
    for _, m in self:speeches() do
      for k in pairs(m) do
        if type(k) == "string" and not seen[k] and k ~= "doc_id" and k ~= "speech"
          and k ~= "tokens" and k ~= "words" then
          seen[k] = true
          keys[#keys + 1] = k
        end
      end
    end
    table.sort(keys)
    columns = { "doc_id", "speech" }
    for _, k in ipairs(keys) do columns[#columns + 1] = k end
    columns[#columns + 1] = "tokens"
    columns[#columns + 1] = "words"
    for d = 1, ndoc do rowsof[d] = 0 end
    for d, m in self:speeches() do
      local row = { doc_id = dnames[d] or m.file or ("speech " .. d), speech = d }
      for _, k in ipairs(keys) do row[k] = m[k] end
      local _, _, _, words = h:doc(d)
      row.words = words
      docvars[#docvars + 1] = row
      rowsof[d] = #docvars
    end
  else
    local groups, order, missing = {}, {}, 0
    for d, m in self:speeches() do
      local g = m[by]
      if g == nil then
        missing = missing + 1
      else
        if type(g) == "table" then g = tostring(g) end
        if not groups[g] then groups[g] = {}; order[#order + 1] = g end
        local t = groups[g]
        t[#t + 1] = d
      end
    end
    if #order == 0 then
      error(("dfm: no speech has the metadata key '%s'"):format(by), 2)
    end
    if missing > 0 then
      warnings[#warnings + 1] = ("%d speeches have no '%s' and are left out"):format(missing, by)
    end
    table.sort(order, group_less)
    columns = { "doc_id", by, "speeches", "tokens", "words" }
    for d = 1, ndoc do rowsof[d] = 0 end
    for i, g in ipairs(order) do
      local words = 0
      for _, d in ipairs(groups[g]) do
        rowsof[d] = i
        local _, _, _, w = h:doc(d)
        words = words + w
      end
      docvars[i] = { doc_id = tostring(g), [by] = g, speeches = #groups[g], words = words }
    end
  end
  local box = h:dfm_build { attr = attr, rows = rowsof, nrows = #docvars, stop = stop,
                            punct = opts.punct and true or false, min_count = min_count,
                            min_docs = min_docs, max_features = max_features }
  local _, tokens = box:row_sums()
  for i, row in ipairs(docvars) do row.tokens = tokens[i] end
  local nrows, ncols, nnz, seen = box:dims()
  return setmetatable({
    _box = box, attr = attr, by = by, nrows = nrows, ncols = ncols, nnz = nnz,
    types = seen, docvars = result.new(columns, docvars, { title = "documents" }),
    warnings = warnings,
  }, DFM)
end

function DFM:__tostring()
  return ("rostra.dfm: %d documents × %d features (%s), %d non-zero entries"):format(
    self.nrows, self.ncols, self.attr, self.nnz)
end

--- Rows and columns.
-- @treturn integer documents
-- @treturn integer features
function DFM:dims()
  return self.nrows, self.ncols
end

--- The features as a result table `{feature, count, docs}` (column order).
function DFM:features()
  local forms, counts, docs = self._box:features()
  local rows = {}
  for i = 1, #forms do rows[i] = { feature = forms[i], count = counts[i], docs = docs[i] } end
  return result.new({ "feature", "count", "docs" }, rows, { title = "features (" .. self.attr .. ")" })
end

--- Row i as a table feature -> count (the non-zero cells).
function DFM:row(i)
  if math.type(i) ~= "integer" or i < 1 or i > self.nrows then
    error(("bad argument #1 to 'row' (a row 1..%d expected)"):format(self.nrows), 2)
  end
  local cols, vals = self._box:row(i)
  local forms = self._forms
  if not forms then
    forms = self._box:features()
    self._forms = forms
  end
  local out = {}
  for k = 1, #cols do out[forms[cols[k]]] = vals[k] end
  return out
end

--- The sum of each row's cells (a list by row).
function DFM:row_sums()
  return (self._box:row_sums())
end

--- Write `matrix.mtx`, `features.tsv` and `docvars.csv` into the folder dir
-- (made when missing). Returns true, or nil, message, code.
function DFM:export(dir)
  if type(dir) ~= "string" or dir == "" then
    error(("bad argument #1 to 'export' (folder name expected, got %s)"):format(type(dir)), 2)
  end
  dir = dir:gsub("/+$", "")
  if dir == "" then dir = "/" end
  local ok, err, code = core.mkdir(dir)
  if not ok then return nil, err, code end
  local sep = dir == "/" and "" or "/"
  -- the output rules of rostra.output (csrc/fsout.h): none of the three
  -- may be an index open in this process; each is replaced whole, its
  -- mode kept (a new one 0666 minus the umask), a link's target replaced
  for _, name in ipairs { "matrix.mtx", "features.tsv", "docvars.csv" } do
    ok, err, code = output.check(dir .. sep .. name)
    if not ok then return nil, err, code end
  end
  ok, err, code = self._box:write_mtx(dir .. sep .. "matrix.mtx",
    (" rostra dfm: rows are the documents of docvars.csv, columns the features of features.tsv"
      .. " (attribute %s)"):format(self.attr))
  if not ok then return nil, err, code end
  ok, err, code = self._box:write_features(dir .. sep .. "features.tsv")
  if not ok then return nil, err, code end
  ok, err, code = self.docvars:export(dir .. sep .. "docvars.csv", "csv")
  if not ok then return nil, err, code end
  return true
end

return M
