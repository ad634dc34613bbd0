--- The Corpus: speeches in a positional index, and subcorpora as views.
-- A corpus is built in memory (`rostra.corpus()`, `c:add`, `rostra.load`)
-- or opened from a saved index (`rostra.open`), read-only. A view from
-- `c:where{...}` is a mask over speeches with the same methods.
-- Token positions are corpus-wide and 1-based.
-- @module rostra.corpus
local core = require "rostra.core"
local result = require "rostra.result"

local M = {}

local Corpus = {}
Corpus.__index = Corpus
M.Corpus = Corpus

-- {====================================================== checked self

-- Every public method of a corpus (those below and those rostra.matches,
-- rostra.stats and rostra.themes add) first checks what it is called on:
-- a corpus or a view, not another value (c.count(q) for c:count(q)) nor a
-- table given the class as metatable; open; and a view made on the corpus
-- as it is now (not before c:add). Each mistake is an error naming the
-- method, at the caller's line.
local OPEN_NOT_NEEDED = { close = true, is_view = true, has = true, where = true, complement = true }

local function check_self(name, self)
  if getmetatable(self) ~= Corpus then
    local what = type(self) == "table" and "a table" or (type(self) == "string" and ("a string (%q)"):format(
      #self > 30 and self:sub(1, 30) .. "..." or self)) or tostring(self)
    error(("bad self to '%s' (a rostra corpus expected, got %s): call it as c:%s(...), not c.%s(...)")
      :format(name, what, name, name), 3)
  end
  local root = rawget(self, "_root")
  local h = type(root) == "table" and rawget(root, "_h")
  if type(h) ~= "userdata" or getmetatable(root) ~= Corpus then
    error(("bad self to '%s' (a forged corpus: make one with rostra.corpus, rostra.load or rostra.open)")
      :format(name), 3)
  end
  if not OPEN_NOT_NEEDED[name] then
    if not h:is_open() then error("attempt to use a closed corpus", 3) end
    local mask = rawget(self, "_mask")
    if mask then
      local _, ndoc = h:counts()
      if #mask ~= ndoc then
        error(("this view was made when its corpus had %d speeches; it has %d now: make the view "
          .. "again (c:where{...})"):format(#mask, ndoc), 3)
      end
    end
  end
end

setmetatable(Corpus, { __newindex = function(t, k, v)
  if type(k) == "string" and type(v) == "function" and not k:find("^_") then
    local f = v
    v = function(self, ...)
      check_self(k, self)
      return f(self, ...)
    end
  end
  rawset(t, k, v)
end })

-- }======================================================

local LEVELS = { segment = true, point = true, sentence = true, quotation = true, speech = true }
local LEVEL_ALIAS = { paragraph = "segment", s = "sentence" }
local SEG_KINDS = { "salutation", "paragraph", "closing", "heading" }

-- Snowball algorithm names for the languages rostra meets
local SNOWBALL = {
  en = "english", fr = "french", es = "spanish", de = "german", it = "italian",
  pt = "portuguese", ru = "russian", ar = "arabic", nl = "dutch", sv = "swedish",
  zh = "none", ja = "none",
}

--- The Snowball algorithm for a language code or name.
function M.stemmer_for(lang)
  if lang == nil then return "english" end
  lang = tostring(lang):lower()
  return SNOWBALL[lang] or lang
end

-- {====================================================== metadata blob

-- the blob is written and read in C (csrc/lmeta.c): tag bytes s (string),
-- i (integer), n (float), T/F, t (table, keys in the order of their tostring)
local function encode_meta(list, extra)
  return core.meta_encode { speeches = list, extra = extra or {} }
end

local function decode_meta(blob)
  if blob == "" then return { speeches = {}, extra = {} } end
  local ok, t = pcall(core.meta_decode, blob)
  if not ok or type(t) ~= "table" then error("corrupt index: bad metadata", 0) end
  t.speeches = t.speeches or {}
  t.extra = t.extra or {}
  -- a damaged blob may decode to other values: the readers index these
  if type(t.speeches) ~= "table" or type(t.extra) ~= "table" then
    error("corrupt index: bad metadata", 0)
  end
  for _, m in pairs(t.speeches) do
    if type(m) ~= "table" then error("corrupt index: bad metadata", 0) end
  end
  return t
end

-- }======================================================

local function new_object(h, metas, extra)
  local self = setmetatable({ _h = h, _metas = metas, _extra = extra or {} }, Corpus)
  self._root = self
  return self
end

--- A new, empty in-memory corpus.
function M.new()
  return new_object(core.corpus_new(), {}, { warnings = {}, names = {} })
end

--- Open a saved index. `opts.verify` checks every section's checksum
-- (reading the whole file). Without it, open checks the header, the
-- section table and the speech records, and the first use the regions and
-- the counts (cheap sanity checks: a damaged index fails with ECORRUPT
-- rather than answering nonsense); `opts.sanity = false` skips those (for
-- tests of the readers' robustness only: a damaged index then answers
-- anything, though never crashes).
-- @return Corpus, or nil, message, code
function M.open(path, opts)
  if type(path) ~= "string" then
    error(("bad argument #1 to 'open' (string expected, got %s)"):format(type(path)), 2)
  end
  opts = require("rostra.opts").check(opts, { "verify", "sanity" }, "open", 2)
  local h, msg, code = core.corpus_open(path, opts.verify and true or false, opts.sanity == false)
  if not h then return nil, msg, code end
  local self = new_object(h, nil, nil)
  self._path = path
  if opts.verify then
    self._verified = true
    local ok, err = pcall(function() self:_load_meta() end)
    if not ok then
      h:close()
      return nil, path .. ": " .. tostring(err), "ECORRUPT"
    end
  end
  return self
end

-- the directory of an opened index's metadata (csrc/lmeta.c over
-- csrc/metablob.c), made on first use: a speech's metadata, or one key of
-- every speech, is decoded from the index when asked for
local function meta_dir(root)
  local d = rawget(root, "_dir")
  if d == nil then
    d = core.meta_dir(root._h)
    rawset(root, "_dir", d)
  end
  return d
end

-- metadata of an opened index is read on first use, a speech at a time:
-- open stays O(1) and a query never decodes every speech's table (with
-- verify, everything is decoded at open, which checks it whole)
function Corpus:_load_meta()
  local root = self._root
  if root._metas == nil then
    if root._verified then
      local t = decode_meta(root._h:meta())
      root._metas = t.speeches
      root._extra = t.extra
      root._extra.warnings = root._extra.warnings or {}
      root._extra.names = root._extra.names or {}
      return root._metas
    end
    local dir = meta_dir(root)
    root._metas = setmetatable({}, { __index = function(t, d)
      if math.type(d) ~= "integer" then return nil end
      local m = dir:of(d)
      if m ~= nil then rawset(t, d, m) end
      return m
    end })
    root._extra = setmetatable({}, { __index = function(t, k)
      setmetatable(t, nil)
      for kk, vv in pairs(dir:extra()) do
        if rawget(t, kk) == nil then rawset(t, kk, vv) end
      end
      if rawget(t, "warnings") == nil then rawset(t, "warnings", {}) end
      if rawget(t, "names") == nil then rawset(t, "names", {}) end
      return rawget(t, k)
    end })
  end
  return root._metas
end

-- the metadata read from the index a key at a time (nil for a corpus in
-- memory, whose metadata are Lua tables)
function Corpus:_meta_dir()
  local root = self._root
  self:_load_meta()
  if root._verified or not root._path then return nil end
  return meta_dir(root)
end

--- The value of a metadata key for every speech: `{[d] = value}`, read in
-- C from an opened index (no speech's table decoded), or from the tables
-- of a corpus in memory.
-- @tparam string key
-- @treturn table
function Corpus:meta_values(key)
  if type(key) ~= "string" then
    error(("bad argument #1 to 'meta_values' (metadata key expected, got %s)"):format(type(key)), 2)
  end
  local dir = self:_meta_dir()
  if dir then return dir:values(key) end
  local metas, out = self:_load_meta(), {}
  local _, ndoc = self._root._h:counts()
  for d = 1, ndoc do
    local m = metas[d]
    if m then out[d] = m[key] end
  end
  return out
end

function Corpus:_handle()
  return self._root._h
end

--- Is this a view (subcorpus) rather than a whole corpus?
function Corpus:is_view()
  return self._mask ~= nil
end

-- {====================================================== building

--- Add a speech (from `rostra.parse`) or a plain text to an in-memory corpus,
-- as `rostra.load` adds a file: the same engine reads, parses and tokenizes
-- it, so the index is the same byte for byte.
-- @param speech a Speech, or a string (a text without a header: its
--   paragraphs, sentences and quotations are found as in a speech's body)
-- @tparam[opt] table meta metadata merged over the Speech's (`file`: its
--   name; else the Speech's name, or `"speech N"`)
-- @treturn integer the speech id
function Corpus:add(speech, meta)
  if self._mask then error("cannot add to a view; add to the corpus it came from", 2) end
  local h = self._h
  if not h:writable() then
    error("this corpus was opened from an index and is read-only; load into a new corpus "
      .. "with rostra.corpus()", 2)
  end
  local handle, m, name = nil, {}, nil
  local _, before = h:counts()
  local split = self._extra.split_hyphens == true -- how this corpus tokenizes hyphenated words
  if type(speech) == "string" then
    local msg, code
    handle, msg, code = core.ingest(speech, "input", { header = false, split_hyphens = split or nil })
    if not handle then error(("bad argument #1 to 'add' (%s, %s)"):format(msg, code), 2) end
  elseif type(speech) == "table" and type(speech.text) == "string" then
    for k, v in pairs(speech.meta or {}) do m[k] = v end
    name = speech.name
    handle = speech._in
    if handle == nil then -- a Speech made by hand: through the ingest now
      local msg, code
      handle, msg, code = core.ingest(speech.text, name or "input", { split_hyphens = split or nil })
      if not handle then error(("bad argument #1 to 'add' (%s, %s)"):format(msg, code), 2) end
    elseif (speech._split_hyphens == true) ~= split then
      -- the first speech sets how the corpus tokenizes hyphenated words
      if before == 0 then
        split = speech._split_hyphens == true
        self._extra.split_hyphens = split or nil
      else
        table.insert(self._extra.warnings, ("%s was parsed %s split_hyphens, unlike the corpus: its "
          .. "hyphenated words are tokens of another kind"):format(name or "a speech",
          split and "without" or "with"))
      end
    end
  else
    error(("bad argument #1 to 'add' (Speech or string expected, got %s)"):format(type(speech)), 2)
  end
  if meta ~= nil then
    if type(meta) ~= "table" then error("bad argument #2 to 'add' (table expected)", 2) end
    for k, v in pairs(meta) do m[k] = v end
  end
  local _, ndoc = h:counts()
  m.file = m.file or name or ("speech " .. (ndoc + 1))
  local id = h:add_ingested(handle, m.lang ~= nil and M.stemmer_for(m.lang) or nil)
  self._metas[id] = m
  self._extra.names[id] = m.file
  return id
end

-- a deep copy of a metadata value (tables are shared with the source)
local function deep_copy(v)
  if type(v) ~= "table" then return v end
  local t = {}
  for k, x in pairs(v) do t[k] = deep_copy(x) end
  return t
end

--- Save to one file (atomically: temporary file, fsync, rename). A view
-- saves exactly its speeches, with their metadata, as a new index whose
-- speeches are numbered 1..k in their order here. Saving over the index
-- this corpus was opened from is refused (its mapping must stay valid).
-- @return true, or nil, message, code
function Corpus:save(path)
  if type(path) ~= "string" then error("bad argument #1 to 'save' (string expected)", 2) end
  local root = self._root
  local h = root._h
  if root._path and h:is_file(path) then
    error(("cannot save over %s: this corpus is read from it; save to another file"):format(path), 2)
  end
  if self._mask then
    local metas = self:_load_meta()
    local out = M.new()
    for d in self:speeches() do
      local m = deep_copy(metas[d] or {})
      local id = out._h:add_from(h, d, m.lang ~= nil and M.stemmer_for(m.lang) or nil)
      out._metas[id] = m
      out._extra.names[id] = (root._extra.names or {})[d] or m.file
    end
    local ok, err, code = out:save(path)
    out:close()
    return ok, err, code
  end
  if h:writable() then h:set_meta(encode_meta(root._metas, root._extra)) end
  return h:save(path)
end

--- Release the index (also done by the garbage collector and `<close>`).
function Corpus:close()
  self._root._h:close()
end

Corpus.__close = Corpus.close

function Corpus:__tostring()
  local h = self._root._h
  if not h:is_open() then return "rostra.corpus (closed)" end
  local ntok, ndoc = self:counts()
  return ("rostra.corpus: %d speeches, %d tokens%s"):format(ndoc, ntok, self._mask and " (view)" or "")
end

-- }======================================================

-- {====================================================== views

-- the speech mask of a view as a byte string, or nil for the whole corpus
function Corpus:_mask_string()
  return self._mask
end

local function make_view(root, bytes)
  local v = setmetatable({ _root = root, _mask = table.concat(bytes) }, Corpus)
  return v
end

local function match_value(v, want)
  if type(want) == "table" then
    if want.min ~= nil or want.max ~= nil then
      if v == nil then return false end
      if want.min ~= nil and v < want.min then return false end
      if want.max ~= nil and v > want.max then return false end
      return true
    end
    for _, w in ipairs(want) do
      if v == w or (v ~= nil and tostring(v) == tostring(w)) then return true end
    end
    return false
  end
  return v == want or (v ~= nil and tostring(v) == tostring(want))
end

local function comparable(v, want)
  -- a range over mixed values (dates as strings, years as numbers)
  if type(want) == "table" and (want.min ~= nil or want.max ~= nil) then
    local t = type(want.min ~= nil and want.min or want.max)
    return type(v) == t
  end
  return true
end

-- {====================================================== metadata keys

-- keys made from others when the corpus has no key of that name
local DERIVED = {
  decade = { from = "year", fn = function(m)
    local y = math.tointeger(tonumber(m.year))
    return y and y // 10 * 10 or nil
  end },
  century = { from = "year", fn = function(m)
    local y = math.tointeger(tonumber(m.year))
    return y and y // 100 * 100 or nil
  end },
  month = { from = "date", fn = function(m)
    local d = m.date
    return d ~= nil and tostring(d):match("^(%d%d%d%d%-%d%d)") or nil
  end },
}
local DERIVED_ORDER = { "decade", "century", "month" }

-- the keys of the root's speeches, cached while the speech count stays
local function key_info(root)
  local _, ndoc = root._h:counts()
  local k = rawget(root, "_keys")
  if k and k.ndoc == ndoc then return k end
  local set, list = {}, {}
  local dir = root:_meta_dir()
  if dir then -- read in C from an opened index, no speech's table decoded
    local keys = dir:keys()
    for _, key in ipairs(keys) do
      set[key] = true
      list[#list + 1] = key
    end
  else
    local metas = root:_load_meta()
    for d = 1, ndoc do
      for key in pairs(metas[d] or {}) do
        if type(key) == "string" and not set[key] then
          set[key] = true
          list[#list + 1] = key
        end
      end
    end
  end
  table.sort(list, function(a, b)
    if a == "file" or b == "file" then return a == "file" and b ~= "file" end
    return a < b
  end)
  local derived = {}
  for _, name in ipairs(DERIVED_ORDER) do
    if not set[name] and set[DERIVED[name].from] then derived[#derived + 1] = name end
  end
  k = { ndoc = ndoc, set = set, list = list, derived = derived }
  rawset(root, "_keys", k)
  return k
end

--- The metadata keys of the speeches of the corpus (a view has its
-- corpus's keys): a sorted list, `file` first.
-- @treturn {string,...}
-- @treturn {string,...} the derived keys the corpus offers (`decade` and
--   `century` from `year`, `month` from `date`), as `by` and `where` take them
function Corpus:keys()
  local k = key_info(self._root)
  return { table.unpack(k.list) }, { table.unpack(k.derived) }
end

-- the error for an unknown key: the keys the corpus has, and the nearest
local function unknown_key(k, key)
  local all = {}
  for _, x in ipairs(k.list) do all[#all + 1] = x end
  for _, x in ipairs(k.derived) do all[#all + 1] = x end
  local near = require("rostra.opts").nearest(tostring(key), all)
  local has = #k.list == 0 and "the speeches have no metadata"
    or "the corpus has: " .. table.concat(k.list, ", ")
  if #k.derived > 0 then has = has .. "; derived: " .. table.concat(k.derived, ", ") end
  return ("unknown metadata key '%s' (%s%s)"):format(tostring(key),
    near and ("did you mean '%s'? "):format(near) or "", has)
end

--- A function `(meta, d) -> value` for a grouping or selecting key: a
-- metadata key of the corpus, a derived key (`decade`, `century` from
-- `year`, `month` (YYYY-MM) from `date`), or a function of the metadata
-- (called with the speech's metadata table and id; do not change the
-- table). An unknown key raises an error listing the keys the corpus has.
-- @param c Corpus or view
-- @param by string or function
-- @tparam string fname the function, for messages
-- @tparam[opt=1] integer level as for `error` in the function that calls
--   `key_fn` (2 blames its caller)
-- @treturn function
-- @treturn string a label: the key, or "group" for a function
function M.key_fn(c, by, fname, level)
  level = (level or 1) + 1
  if type(by) == "function" then
    return function(m, d) return by(m, d) end, "group"
  end
  if type(by) ~= "string" then
    error(("bad option 'by' to '%s' (metadata key or function expected, got %s)"):format(fname, type(by)),
      level)
  end
  local k = key_info(c._root)
  if k.set[by] then return function(m) return m[by] end, by end
  for _, name in ipairs(k.derived) do
    if name == by then return DERIVED[by].fn, by end
  end
  error(unknown_key(k, by), level)
end

--- The turns of the speeches that have more than one, for grouping by a
-- turn attribute (`speaker`, `role`): nil when the corpus has no structure
-- `turn` with the attribute `key`; else a table `[d] = {starts, stops,
-- values, words}` (1-based inclusive positions, the attribute's value or
-- false, the word tokens of each turn) for every speech d of two turns or
-- more. A speech of one turn (a speech without labels) is grouped by its
-- metadata, as without turns.
-- @param c Corpus or view
-- @tparam string key
function M.turn_groups(c, key)
  if type(key) ~= "string" then return nil end
  local h = c._root._h
  local _, xlevels, sattrs = h:attributes()
  local found = false
  for _, l in ipairs(xlevels) do if l == "turn" then found = true end end
  if not found then return nil end
  found = false
  for _, a in ipairs(sattrs) do if a.level == "turn" and a.name == key then found = true end end
  if not found then return nil end
  local starts, stops = h:regions("turn")
  local values, words = h:region_values("turn", key), h:region_words("turn")
  local per, out = {}, {}
  for i = 1, #starts do
    local d = h:doc_of(starts[i])
    local t = per[d]
    if not t then t = { starts = {}, stops = {}, values = {}, words = {} }; per[d] = t end
    local n = #t.starts + 1
    t.starts[n], t.stops[n], t.values[n], t.words[n] = starts[i], stops[i], values[i], words[i]
  end
  for d, t in pairs(per) do if #t.starts > 1 then out[d] = t end end
  return out
end

--- The turn of a speech's turns (from `turn_groups`) holding position p, or nil.
function M.turn_at(t, p)
  local lo, hi = 1, #t.starts
  while lo <= hi do -- the last turn starting at or before p
    local mid = (lo + hi) // 2
    if t.starts[mid] <= p then lo = mid + 1 else hi = mid - 1 end
  end
  if hi >= 1 and t.stops[hi] >= p then return hi end
  return nil
end

--- Is `key` a metadata key of the corpus or a derived one?
function M.has_key(c, key)
  local k = key_info(c._root)
  if k.set[key] then return true end
  for _, name in ipairs(k.derived) do if name == key then return true end end
  return false
end

--- Raise, as `key_fn` does, unless `key` is a metadata key of the corpus
-- or a derived one.
-- @return the key
function M.check_key(c, key, fname, level)
  M.key_fn(c, key, fname, (level or 1) + 1)
  return key
end

--- The columns that name a speech in per-speech rows: `file`, then the
-- metadata keys (`columns`: nil for every key of the corpus, or a list of
-- keys, derived ones included; `file` comes first whatever the list). A
-- key whose name is already a column of the table (`taken`) is shown as
-- `meta.KEY`.
-- @param c Corpus or view
-- @param columns nil or a list of keys
-- @tparam[opt] table taken set of the table's own column names
-- @tparam string fname the function, for messages
-- @tparam[opt=1] integer level as for `key_fn`
-- @treturn {string,...} the column names
-- @treturn function `mt(d)`: a metatable whose `__index` gives speech d's
--   values under those names (made once per speech), for rows that name it
function M.name_columns(c, columns, taken, fname, level)
  level = (level or 1) + 1
  local k = key_info(c._root)
  local keys = { "file" }
  if columns == nil then
    for _, x in ipairs(k.list) do
      if x ~= "file" then keys[#keys + 1] = x end
    end
  else
    if type(columns) ~= "table" then
      error(("bad option 'columns' to '%s' (list of metadata keys expected, got %s)"):format(fname,
        type(columns)), level)
    end
    for _, x in ipairs(columns) do
      if x ~= "file" then keys[#keys + 1] = x end
    end
  end
  local cols, getters = {}, {}
  for i, key in ipairs(keys) do
    if key == "file" then
      getters[i] = function(m) return m.file end
    else
      getters[i] = M.key_fn(c, key, fname, level)
    end
    cols[i] = (taken and taken[key]) and ("meta." .. key) or key
  end
  local metas = c:_load_meta()
  local cache = {}
  local function mt(d)
    local x = cache[d]
    if not x then
      local m, vals = metas[d] or {}, {}
      for i, get in ipairs(getters) do vals[cols[i]] = get(m, d) end
      x = { __index = vals }
      cache[d] = x
    end
    return x
  end
  return cols, mt
end

--- Speech d's values under the columns of `name_columns`, copied into `row`.
-- @tparam table row
-- @tparam function mt as `name_columns` returns it
-- @tparam integer d
-- @return row
function M.fill_names(row, mt, d)
  for k, v in pairs(mt(d).__index) do row[k] = v end
  return row
end

-- }======================================================

--- A view of the speeches whose metadata match: `{key = value}`, a list of
-- values (`{country = {"CHN", "RUS"}}`), a range (`{year = {min = 2013, max = 2023}}`),
-- or a function `meta -> boolean`. Views compose.
function Corpus:where(spec)
  local dir = type(spec) == "table" and self:_meta_dir()
  if dir then -- stored keys in C, a key at a time
    local set, plain = key_info(self._root).set, true
    for k in pairs(spec) do
      if type(k) ~= "string" then
        error(("bad argument #1 to 'where' (metadata keys expected, got %s)"):format(type(k)), 2)
      end
      M.key_fn(self, k, "where", 2) -- an unknown key raises
      if not set[k] then plain = false end -- a derived key: in Lua below
    end
    if plain then
      local _, ndoc = self._root._h:counts()
      local mask = self._mask
      for k, want in pairs(spec) do mask = dir:mask(k, want, mask) end
      return make_view(self._root, { mask or ("\1"):rep(ndoc) })
    end
  end
  local metas = self:_load_meta()
  local _, ndoc = self._root._h:counts()
  local base = self._mask
  local bytes = {}
  local test
  if type(spec) == "function" then
    test = spec
  elseif type(spec) == "table" then
    local fns = {}
    for k in pairs(spec) do
      if type(k) ~= "string" then
        error(("bad argument #1 to 'where' (metadata keys expected, got %s)"):format(type(k)), 2)
      end
      fns[k] = M.key_fn(self, k, "where", 2)
    end
    test = function(m, d)
      for k, want in pairs(spec) do
        local v = fns[k](m, d)
        if not comparable(v, want) or not match_value(v, want) then return false end
      end
      return true
    end
  else
    error(("bad argument #1 to 'where' (table or function expected, got %s)"):format(type(spec)), 2)
  end
  for d = 1, ndoc do
    local inbase = base == nil or base:byte(d) == 1
    bytes[d] = (inbase and test(metas[d] or {}, d)) and "\1" or "\0"
  end
  return make_view(self._root, bytes)
end

--- The speeches of the whole corpus not in this view.
function Corpus:complement()
  local _, ndoc = self._root._h:counts()
  local bytes = {}
  local base = self._mask
  for d = 1, ndoc do -- the whole corpus's complement is empty
    bytes[d] = (base == nil or base:byte(d) == 1) and "\0" or "\1"
  end
  return make_view(self._root, bytes)
end

--- Does this corpus or view hold speech d?
function Corpus:has(d)
  return self._mask == nil or self._mask:byte(d) == 1
end

-- }======================================================

-- {====================================================== reading

--- Tokens and speeches in this corpus or view (the tokens of the speech:
-- header, footer and front matter are set aside, not counted).
function Corpus:counts()
  local h = self._root._h
  if not self._mask then return h:counts() end
  local _, ntok, _, ndoc = h:words(self._mask)
  return ntok, ndoc
end

--- Word tokens (words and numbers; not punctuation or symbols) in this
-- corpus or view: the denominator of every rate rostra gives
-- (`per_million`, shares, keyness, dispersion). See docs/query.md, "Counts
-- and rates".
function Corpus:words()
  return (self._root._h:words(self._mask))
end

function Corpus:__len()
  return (self:counts())
end

--- Iterate `id, meta` over the speeches (the metadata of an opened index
-- is read as each speech comes; `ids_only` gives the ids alone).
function Corpus:speeches(ids_only)
  local metas = not ids_only and self:_load_meta()
  local _, ndoc = self._root._h:counts()
  local d = 0
  local mask = self._mask
  return function()
    repeat d = d + 1 until d > ndoc or mask == nil or mask:byte(d) == 1
    if d <= ndoc then
      if ids_only then return d end
      return d, metas[d] or {}
    end
  end
end

--- The metadata of speech d.
function Corpus:meta(d)
  -- the metadata of an in-memory corpus lives in Lua: check the handle
  if not self._root._h:is_open() then error("attempt to use a closed corpus", 2) end
  return self:_load_meta()[d]
end

--- The source text of speech d.
function Corpus:text(d)
  return self._root._h:doc_text(d)
end

--- The form of token p (`attr`: word, lower, stem or any attribute of the
-- index, see `c:attributes()`).
function Corpus:token(p, attr)
  return self._root._h:token(p, attr)
end

--- The positional attributes of the index: word, lower, stem, then those
-- read from annotated files (lemma, upos, ...), in the order they came.
-- @treturn {string,...}
function Corpus:attributes()
  return (self._root._h:attributes())
end

--- The structures of the index: the built-in levels (speech, segment,
-- point, sentence, quotation), then those read from annotated files
-- (structure tags of a VRT file), and the attributes of each structure
-- (`{level = {names}}`: segment kind, point ordinal, quotation depth are
-- built in; others come from the files).
-- @treturn {string,...} levels
-- @treturn table level -> list of attribute names
function Corpus:structures()
  local _, extra, sattrs = self._root._h:attributes()
  local levels = { "speech", "segment", "point", "sentence", "quotation" }
  for _, n in ipairs(extra) do levels[#levels + 1] = n end
  local attrs = { segment = { "kind" }, point = { "ordinal" }, quotation = { "depth" } }
  for _, a in ipairs(sattrs) do
    attrs[a.level] = attrs[a.level] or {}
    table.insert(attrs[a.level], a.name)
  end
  return levels, attrs
end

--- Is name an attribute of the index?
function Corpus:has_attribute(name)
  for _, a in ipairs(self:attributes()) do
    if a == name then return true end
  end
  return false
end

--- Sizes, counts, attributes and warnings: `tokens` (the speech's tokens),
-- `words` (of them, words and numbers: the denominator of rates),
-- `punctuation` (the others: punctuation and symbols), `aside` (tokens of the
-- text set aside: page furniture, front matter), `speeches`.
function Corpus:info()
  local h = self._root._h
  self:_load_meta()
  local s = h:sizes()
  local words, ntok, aside, ndoc = h:words(self._mask)
  local index_bytes = s.stream + s.offsets + s.postings + s.vocabulary + s.maps + s.structures
    + s.attributes
  local attrs = self:attributes()
  local types = {}
  for _, a in ipairs(attrs) do types[a] = h:ntypes(a) end
  local levels = self:structures()
  return {
    tokens = ntok, words = words, punctuation = ntok - words, aside = aside,
    speeches = ndoc, sizes = s,
    bytes_per_token = ntok > 0 and index_bytes / ntok or 0,
    attributes = attrs,
    levels = levels,
    types = types,
    warnings = self._root._extra.warnings or {},
    split_hyphens = self._root._extra.split_hyphens == true,
    coverage = rawget(self._root, "_coverage"),
    path = self._root._path,
    view = self._mask ~= nil,
  }
end

--- The text of speech d that is not speech: page furniture (header and
-- footer lines, with `why`: breadcrumb, title, byline, dateline, speaker,
-- ...) and the front matter block (`why = "front_matter"`), in order:
-- `{why, line, start, stop, text}` (byte positions in `c:text(d)`).
function Corpus:boilerplate(d)
  local h = self._root._h
  local text = h:doc_text(d)
  local out = h:boilerplate(d)
  for _, b in ipairs(out) do
    b.text = text:sub(b.start, b.stop)
    local _, nl = text:sub(1, b.start - 1):gsub("\n", "")
    b.line = nl + 1
  end
  return out
end

local function check_level(level, fname, c)
  if type(level) ~= "string" then
    error(("bad argument #1 to '%s' (level name expected)"):format(fname), 3)
  end
  level = LEVEL_ALIAS[level] or level
  if not LEVELS[level] then
    local levels = c and c._root._h:is_open() and c:structures() or {}
    for i = 6, #levels do
      if levels[i] == level then return level end
    end
    local valid = { "speech", "segment", "point", "sentence", "quotation" }
    for i = 6, #levels do valid[#valid + 1] = levels[i] end
    error(("unknown level '%s' (valid: %s)"):format(level, table.concat(valid, ", ")), 3)
  end
  return level
end
M.check_level = check_level

-- text of a quotation region without its marks, as sp:quotations() gives it
local QUOTE = {
  ["\"" ] = true, ["'"] = true, ["“"] = true, ["”"] = true, ["‘"] = true, ["’"] = true,
  ["«"] = true, ["»"] = true, ["„"] = true, ["「"] = true, ["」"] = true, ["『"] = true, ["』"] = true,
}

--- Iterate the spans of a level: `{speech, start, stop, text, kind | ordinal}`
-- (positions 1-based inclusive; `text` is the source text, for quotations
-- without the marks). The turns of parsed speeches (`"turn"`: `speaker`,
-- `role`) and the structures read from
-- annotated files are levels too, and a span carries the attributes of its structure
-- (`span.speaker`, a sentence's `span.id`) when it has them (one named
-- as a field of the span, `start` or `text`, is left to `h:region_values`).
-- `c:spans("boilerplate")` iterates the text set aside instead, as
-- `c:boilerplate(d)` gives it (byte positions in the speech's text, not
-- token positions).
function Corpus:spans(level)
  if level == "boilerplate" then
    local list, i = {}, 0
    for d in self:speeches() do
      for _, b in ipairs(self:boilerplate(d)) do list[#list + 1] = b end
    end
    return function()
      i = i + 1
      return list[i]
    end
  end
  level = check_level(level, "spans", self)
  local h = self._root._h
  local _, ndoc = h:counts()
  if level == "speech" then
    local d = 0
    return function()
      repeat d = d + 1 until d > ndoc or self:has(d)
      if d > ndoc then return nil end
      local first, nt = h:doc(d)
      return { speech = d, start = first, stop = first + nt - 1, text = h:doc_text(d),
               meta = self:meta(d) }
    end
  end
  local starts, stops, attrs = h:regions(level)
  local _, sattrs = self:structures()
  local values = {}
  for _, name in ipairs(sattrs[level] or {}) do
    if not (level == "segment" and name == "kind") and not (level == "point" and name == "ordinal")
      and not (level == "quotation" and name == "depth") then
      values[name] = h:region_values(level, name)
    end
  end
  local i = 0
  return function()
    while true do
      i = i + 1
      local a = starts[i]
      if not a then return nil end
      local d = h:doc_of(a)
      if self:has(d) then
        local b = stops[i]
        local span = { speech = d, start = a, stop = b, index = i }
        for name, vals in pairs(values) do -- (never over the span's own fields)
          if vals[i] and span[name] == nil and name ~= "text" and name ~= "kind" and name ~= "ordinal" then
            span[name] = vals[i]
          end
        end
        if level == "segment" then span.kind = SEG_KINDS[attrs[i]] or "paragraph"
        elseif level == "point" then span.ordinal = attrs[i] end
        if level == "quotation" then
          local x, y = a, b
          if QUOTE[h:token(x)] then x = x + 1 end
          if y >= x and QUOTE[h:token(y)] then y = y - 1 end
          span.text = h:text_span(x, y)
        else
          span.text = h:text_span(a, b)
        end
        return span
      end
    end
  end
end

local FREQ_OPTS = { "attr", "top", "by", "min", "stopwords", "punct" }

--- Frequency list: `{attr = "lower", top = 50, by = key, min = 1, stopwords = ...,
-- punct = false}`. Counts are computed in C; punctuation and symbols are left
-- out unless `punct = true`; `per_million` is relative to the words of
-- the corpus, view or group (words and numbers, not punctuation).
function Corpus:freq(opts)
  opts = require("rostra.opts").check(opts, FREQ_OPTS, "freq")
  local attr = opts.attr or "lower"
  if type(attr) ~= "string" or not self:has_attribute(attr) then
    error(("unknown attribute '%s' (valid: %s)"):format(tostring(attr),
      table.concat(self:attributes(), ", ")), 2)
  end
  local top, min = opts.top, opts.min or 1
  if top ~= nil and (math.type(top) ~= "integer" or top < 0) then
    error("top must be a non-negative integer", 2)
  end
  local stop
  if opts.stopwords then
    stop = {}
    for w in pairs(require("rostra.stopwords").resolve(opts.stopwords)) do stop[#stop + 1] = w end
  end
  local h = self._root._h
  local o = { attr = attr, min = min, top = top or 0, words_only = not opts.punct, stop = stop }
  local formats = { per_million = "%.2f" }
  local turns = opts.by and M.turn_groups(self, opts.by)
  local key, label
  if opts.by ~= nil and not turns then key, label = M.key_fn(self, opts.by, "freq", 2) end
  local title = "frequency of " .. attr .. (label and (" by " .. label) or "")
  if top == 0 and not turns then -- no row (C reads top 0 as all)
    local cols = opts.by and { "group", attr, "count", "per_million" } or { attr, "count", "per_million" }
    return result.new(cols, {}, { title = title, formats = formats })
  end
  if turns then
    -- by a turn attribute (speaker, role): a transcript's turns go to their
    -- speakers, a speech of one turn by its metadata; rows made in Lua
    local stopset = {}
    for _, w in ipairs(stop or {}) do stopset[w] = true end
    local rows = {}
    local words_only = not opts.punct
    local function one(view, group, spans, total)
      -- stopwords are dropped after counting: ask C for enough rows
      local want = top
      if want and stop then want = want + #stop end
      local forms, counts = h:freq(attr, view._mask, min, want or 0, words_only, spans)
      total = total or view:words()
      local n = 0
      for i = 1, #forms do
        if not stopset[forms[i]] then
          n = n + 1
          if top and n > top then break end
          local row = { [attr] = forms[i], count = counts[i],
                        per_million = total > 0 and counts[i] * 1e6 / total or 0 }
          if group ~= nil then row.group = group end
          rows[#rows + 1] = row
        end
      end
    end
    -- by a turn attribute (speaker, role): a transcript's turns go to their
    -- speakers, a speech of one turn by its metadata
    key = M.has_key(self, opts.by) and M.key_fn(self, opts.by, "freq", 2) or function() return nil end
    local groups, order = {}, {}
    local sw = require("rostra.matches").speech_words(self._root)
    local function add(g, a, b, w)
      if g == nil or (b < a and w == 0) then return end
      local x = groups[g]
      if not x then x = { spans = {}, words = 0 }; groups[g] = x; order[#order + 1] = g end
      if b >= a then x.spans[#x.spans + 1], x.spans[#x.spans + 2] = a, b end
      x.words = x.words + w
    end
    for d, m in self:speeches() do
      local first, ntok = h:doc(d)
      local t, mv = turns[d], key(m, d)
      if t then
        local p, inside = first, 0
        for k = 1, #t.starts do
          add(mv, p, t.starts[k] - 1, 0) -- tokens between turns: the speech's
          add(t.values[k] or nil, t.starts[k], t.stops[k], t.words[k]) -- none: left out
          p, inside = t.stops[k] + 1, inside + t.words[k]
        end
        add(mv, p, first + ntok - 1, sw[d] - inside)
      else
        add(mv, first, first + ntok - 1, sw[d])
      end
    end
    table.sort(order, function(a, b)
      if type(a) == type(b) then return a < b end
      return type(a) == "number"
    end)
    for _, g in ipairs(order) do one(self, g, groups[g].spans, groups[g].words) end
    return result.new({ "group", attr, "count", "per_million" }, rows,
      { title = "frequency of " .. attr .. " by " .. opts.by .. " (turns)",
        formats = { per_million = "%.2f" } })
  end
  if opts.by then
    local groups, order = {}, {}
    -- a stored key of an opened index is read in C, a key at a time
    local values = type(opts.by) == "string" and key_info(self._root).set[opts.by]
      and self:_meta_dir() and self:meta_values(opts.by)
    if values then
      for d in self:speeches(true) do
        local g = values[d]
        if g ~= nil then
          if not groups[g] then groups[g] = {}; order[#order + 1] = g end
          groups[g][d] = true
        end
      end
    else
      for d, m in self:speeches() do
        local g = key(m, d)
        if g ~= nil then
          if not groups[g] then groups[g] = {}; order[#order + 1] = g end
          groups[g][d] = true
        end
      end
    end
    table.sort(order, function(a, b)
      if type(a) == type(b) then return a < b end
      return type(a) == "number"
    end)
    local _, ndoc = h:counts()
    local masks, labels = {}, {}
    for i, g in ipairs(order) do
      local bytes = {}
      for d = 1, ndoc do bytes[d] = groups[g][d] and "\1" or "\0" end
      masks[i], labels[i] = table.concat(bytes), g
    end
    -- a column holds one kind of value: mixed labels are shown as text
    local kind = math.type(labels[1]) or type(labels[1])
    for _, g in ipairs(labels) do
      if (math.type(g) or type(g)) ~= kind then
        for i, x in ipairs(labels) do labels[i] = tostring(x) end
        break
      end
    end
    o.masks, o.groups = masks, labels
    if #masks == 0 then
      return result.new({ "group", attr, "count", "per_million" }, {}, { title = title, formats = formats })
    end
    return result.from_view(h:freq_table(o), { "group", attr, "count", "per_million" },
      { title = title, formats = formats })
  end
  if self._mask then o.masks = { self._mask } end
  return result.from_view(h:freq_table(o), { attr, "count", "per_million" },
    { title = "frequency of " .. attr, formats = formats })
end

--- Sorted corpus positions (1-based) of a type of an attribute.
function Corpus:positions(form, attr)
  return self._root._h:positions(attr or "lower", form, self._mask)
end

--- Source text from token p to token q, with the speech's own spacing.
function Corpus:text_span(p, q)
  return self._root._h:text_span(p, q)
end

-- }======================================================

-- {====================================================== loading

-- error codes for the errno values io.open and read give
local ERRNO = { [2] = "ENOENT", [13] = "EACCES", [20] = "ENOTDIR", [21] = "EISDIR",
                [36] = "ENAMETOOLONG", [40] = "ELOOP" }

--- Read a whole file: its bytes, or nil, message, code (`ENOENT`, `EACCES`,
-- `EISDIR`, ... `EIO`).
-- the whole file; a block device is no text, a file over 2 GiB is refused
-- before it is read, and a stream (a FIFO, a terminal, /dev/zero) is read
-- up to 2 GiB, or only its first 64 KiB when they start with NUL bytes
-- (binary: the parser says so), so /dev/zero is not read until memory runs out
local MAX_TEXT = 2147483647
local function read_file(path)
  local _, kind = core.file_id(path)
  if kind == "block device" then
    return nil, ("not a text file: %s (a %s)"):format(path, kind), "ENOTTEXT"
  end
  local f, err, errno = io.open(path, "rb")
  if not f then return nil, err, ERRNO[errno] or "EIO" end
  local size = kind == "file" and f:seek("end")
  if size then
    f:seek("set")
    if size > MAX_TEXT then
      f:close()
      return nil, path .. ": file too large (2 GiB at most)", "ELIMIT"
    end
  end
  local first, rerr, rerrno = f:read(65536)
  local parts, n = { first }, first and #first or 0
  if first and not first:sub(1, 8192):find("\0", 1, true) then
    while true do
      local s
      s, rerr, rerrno = f:read(size and "a" or 1048576)
      if not s or s == "" then break end
      parts[#parts + 1] = s
      n = n + #s
      if n > MAX_TEXT then
        f:close()
        return nil, path .. ": file too large (2 GiB at most)", "ELIMIT"
      end
    end
  end
  f:close()
  if rerr then return nil, path .. ": " .. tostring(rerr), ERRNO[rerrno] or "EIO" end
  return table.concat(parts)
end
M.read_file = read_file

--- The extensions of the files `rostra.load` reads from a folder: plain
-- texts, CoNLL-U and CWB vertical files.
M.extensions = { ".txt", ".conllu", ".vrt" }

-- the metadata of the documents of an annotated file (CoNLL-U, VRT)
local function annotated_docs(c, r, rel, opts, sidecar, meta, warnings, report)
  local lang
  local multi = #r.docs > 1
  for i, d in ipairs(r.docs) do
    local m = meta.for_speech({}, d.meta, rel, opts, sidecar, report)
    local id = d.meta.id
    local name = d.name ~= "" and d.name or (id ~= nil and id ~= "" and id)
      or (multi and ("%s#%d"):format(rel, i) or rel)
    if d.meta.file == nil then m.file = name end
    c._metas[d.doc] = m
    c._extra.names[d.doc] = name
    if lang == nil and m.lang ~= nil then lang = M.stemmer_for(m.lang) end
  end
  if #r.docs == 0 then
    warnings[#warnings + 1] = ("%s: no document found"):format(rel)
  elseif r.tokens == 0 then
    warnings[#warnings + 1] = ("%s: no token found"):format(rel)
  end
  if r.rebuilt > 0 then
    warnings[#warnings + 1] = ("%s:%d: %d sentences whose '# text' does not hold their forms in order: "
      .. "their text was rebuilt from the forms"):format(rel, r.rebuilt_line, r.rebuilt)
  end
  return lang
end

--- Parse and add every `.txt`, `.conllu` and `.vrt` under a folder
-- (recursively), a file, or a list of paths. Options: `meta` (template,
-- lpeg pattern or function), `sidecar`, `lang`, `progress(done, total,
-- bytes)`, `threads`, `attributes` (the names of a VRT file's columns after
-- the word, when it does not name them), `layout` (a site's rules, see
-- `rostra.layout`; the plain texts are then parsed one by one). See
-- docs/interchange.md for annotated files.
local LOAD_OPTS = { "meta", "sidecar", "lang", "progress", "threads", "header", "cjk", "split_hyphens",
                    "attributes", "layout" }

function M.load(what, opts)
  -- (rostra.load calls this as a tail call: the caller is one level up)
  opts = require("rostra.opts").check(opts, LOAD_OPTS, "load", 2)
  local paths, base, warnings, single = {}, nil, {}, false
  if type(what) == "string" then
    local list, w = core.walk(what, M.extensions)
    if list then
      paths, base = list, what:gsub("/+$", "")
      for _, x in ipairs(w) do warnings[#warnings + 1] = x end
    else
      if w and w:find("not a folder") then paths, single = { what }, true
      else return nil, w, select(3, core.walk(what, M.extensions)) end
    end
  elseif type(what) == "table" then
    local seen = {} -- a file named twice (or by two names) is loaded once
    for i, p in ipairs(what) do
      if type(p) ~= "string" then error(("bad path #%d in the list to 'load'"):format(i), 3) end
      local id = core.file_id(p)
      if id and seen[id] then
        warnings[#warnings + 1] = seen[id] == p and ("%s: named twice, loaded once"):format(p)
          or ("%s: the same file as %s, skipped"):format(p, seen[id])
      else
        if id then seen[id] = p end
        paths[#paths + 1] = p
      end
    end
  else
    error(("bad argument #1 to 'load' (path or list of paths expected, got %s)"):format(type(what)), 3)
  end
  if opts.cjk ~= nil and opts.cjk ~= "words" and opts.cjk ~= "chars" then
    error(("bad option cjk = %s to 'load' (\"words\" or \"chars\")"):format(tostring(opts.cjk)), 3)
  end
  local threads = opts.threads or core.ncpu()
  if math.type(threads) ~= "integer" or threads < 1 then
    error("threads must be a positive integer", 3)
  end
  if opts.progress ~= nil and type(opts.progress) ~= "function" then
    error("progress must be a function", 3)
  end
  if opts.attributes ~= nil then
    if type(opts.attributes) ~= "table" then error("attributes must be a list of names", 3) end
    for i, a in ipairs(opts.attributes) do
      if type(a) ~= "string" then error(("attributes: name #%d is not a string"):format(i), 3) end
      if a == "word" or a == "lower" or a == "stem" then
        error(("attributes: '%s' clashes with a built-in attribute (word, lower, stem): "
          .. "name the column otherwise"):format(a), 3)
      end
    end
  end
  local meta = require "rostra.meta"
  local sidecar
  if opts.sidecar ~= nil then
    local err, code
    sidecar, err, code = meta.sidecar(opts.sidecar, base)
    if not sidecar then return nil, err, code end
  end
  if opts.meta ~= nil then meta.compile(opts.meta) end -- a bad template raises now
  local report = (opts.meta ~= nil or sidecar) and meta.report(opts.meta, sidecar)
  local c = M.new()
  c._extra.warnings = warnings
  if opts.layout ~= nil then
    -- a site's rules are Lua patterns: each plain text is parsed here, then
    -- added; annotated files (CoNLL-U, VRT) have no page to read and are
    -- loaded below as without a layout
    local rostra = require "rostra"
    local popts = { meta = opts.meta, sidecar = opts.sidecar, lang = opts.lang, base = base,
                    header = opts.header, cjk = opts.cjk, split_hyphens = opts.split_hyphens,
                    layout = require("rostra.layout").compile(opts.layout, 2) }
    local bytes, annotated = 0, {}
    for i, path in ipairs(paths) do
      local low = path:lower()
      if low:match("%.conllu$") or low:match("%.vrt$") then
        annotated[#annotated + 1] = path
      else
        local sp, err, code = rostra.parse_file(path, popts)
        if sp then
          c:add(sp)
          bytes = bytes + #sp.text
          for _, w in ipairs(sp.warnings) do
            if w.code == "ENOSPEECH" or w.code == nil then warnings[#warnings + 1] = w.message end
          end
        else
          warnings[#warnings + 1] = ("skipped %s (%s)"):format(err, code)
          if single then
            c:close()
            return nil, err, code
          end
        end
        if opts.progress then opts.progress(i, #paths, bytes) end
      end
    end
    if #annotated == 0 then return c end
    paths = annotated
  end
  local h = c._h
  -- each file's metadata is made as it is added (on this thread, while
  -- the workers parse the next files), then the caller's progress
  local progress = opts.progress
  local function each(i, total, bytes, r)
    local path = paths[i]
    local rel = base and path:sub(#base + 2) or path
    local lang
    if r.docs then
      lang = annotated_docs(c, r, rel, opts, sidecar, meta, warnings, report)
    elseif r.doc then
      local m = meta.for_speech(r.meta, r.front, rel, opts, sidecar, report)
      c._metas[r.doc] = m
      c._extra.names[r.doc] = rel
      if r.bad > 0 then
        warnings[#warnings + 1] = ("%s: %d bytes of invalid UTF-8 read as U+FFFD"):format(rel, r.bad)
      end
      if r.tokens == 0 then
        warnings[#warnings + 1] = ("%s: no speech found: every line was set aside"):format(rel)
      end
      if r.cjk_fallback then
        warnings[#warnings + 1] = ("%s: some Chinese or Japanese text could not be cut into words: "
          .. "its characters are tokens"):format(rel)
      end
      lang = m.lang ~= nil and M.stemmer_for(m.lang) or nil
    else
      warnings[#warnings + 1] = ("skipped %s (%s)"):format(r.error, r.code)
      if single then c._failed = { r.error, r.code } end
    end
    if progress then progress(i, total, bytes) end
    return lang
  end
  if opts.split_hyphens then c._extra.split_hyphens = true end
  h:load_files(paths, threads, nil, each, { header = opts.header, cjk = opts.cjk,
                                            attributes = opts.attributes,
                                            split_hyphens = opts.split_hyphens and true or nil })
  if c._failed then -- the one file asked for could not be read: bad data, not an empty corpus
    local f = c._failed
    c:close()
    return nil, f[1], f[2]
  end
  if report then -- a template or sidecar that fits no file is an error; coverage for info()
    local w, err, code = report:finish()
    if not w then c:close() return nil, err, code end
    for _, x in ipairs(w) do warnings[#warnings + 1] = x end
    -- kept on the corpus, not in its index: an index is the same however
    -- its speeches came in (rostra.load or parse_file and c:add)
    rawset(c, "_coverage", report:coverage())
  end
  return c
end

-- }======================================================

return M
