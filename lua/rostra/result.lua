--- Result tables: the one shape of every rostra result.
--
-- Frequency lists, KWIC lines, theme tables, collocates, keyness, n-grams and
-- dispersion all come back as a result table: rows with named columns.
--
--     local result = require "rostra.result"
--     local t = result.new({"word", "count", "per_million"}, {
--       {word = "people", count = 12, per_million = 3.5},
--       {word = "peace", count = 7, per_million = 2.04},
--     }, {title = "Top words", formats = {per_million = "%.2f"}})
--     print(#t, t[1].word)                     --> 2   people
--     for i, row in t:rows() do print(i, row.word) end   -- also ipairs(t), pairs(t)
--     t:sort{{"count", "desc"}, "word"}:head(10):print()
--     t:export("top.csv")                      -- format from the extension
--
-- **Rows.** `rows` is a list of plain tables keyed by column name. The result
-- keeps that list and those tables as given, with no copy: `t:sort` reorders
-- the list in place, `t[i]` is the caller's table `rows[i]`. Keys that are not
-- columns are kept but never shown nor exported. `t[i] = v` raises: build a new
-- result instead (`t:filter`, `t:head`).
--
-- **Values** may be strings, numbers, booleans, nil (a missing value) or
-- tables. Integers are written without ".0"; floats are written in the text
-- table with about 4 significant digits, with the same number of decimals in
-- the whole column (`%.4g` below 1e-4 and from 1e15 on; `opts.formats` to
-- choose), and in exports with full precision (the shortest form that reads
-- back as the same float, with ".0" when it is integral). Tables are
-- encoded as JSON arrays/objects in JSON and shown compactly elsewhere: a list
-- as `a, b`, a map as `k=v, k2=v2` (keys sorted), nested ones in `[...]`/`{...}`;
-- a table with a `__tostring` metamethod is shown through it, and so are
-- functions and userdata (as JSON strings).
--
-- **Missing and undefined numbers.** In the text table nil is an empty cell and
-- NaN, `inf` and `-inf` are shown as `-` (never `nan`/`inf`). In TSV and CSV
-- all three are an empty field; in JSON they are `null`.
--
-- **Text table** (`tostring(t)`, `t:format()`, `t:print()`): an optional title
-- line, a header line, a rule of `-`, then the rows; columns are separated by
-- two spaces and lines carry no trailing spaces. Numbers are right-aligned and
-- everything else left-aligned (`opts.align` overrides per column); a header is
-- right-aligned over a column whose shown values are all numbers. Widths count
-- display columns: one per code point, two for East Asian wide and fullwidth
-- characters (Han, Kana, Hangul, fullwidth forms, most emoji), zero for common
-- combining marks and zero-width characters (an approximation of wcwidth).
-- Tab, newline, CR, VT and FF are shown as a space, the other control
-- characters as visible escapes (`\x1b`, `\u009b`, see `result.visible`)
-- and invalid UTF-8 bytes as U+FFFD. Cells wider than `max_width` (default 40) are cut to fit,
-- with a `…`: at the end for left-aligned cells, at the start (`…tail`) for
-- right-aligned ones; numbers are never cut. At most `max_rows` rows are shown
-- (default 50), then a line `… N more rows`. An empty table shows the header,
-- the rule and `(no rows)`. Each warning follows on its own line, as
-- `warning: text`. `tostring` never ends with a newline.
--
-- **Exports** (`t:export(path [, format])`, `t:to_tsv()`, `t:to_csv()`,
-- `t:to_json()`) always write all rows and all columns, in column order, with
-- LF line ends and a final newline, and ignore `formats`, `max_rows` and
-- `max_width`.
--
-- * TSV: a header line of column names, then one line per row, fields
--   separated by a tab. In names and values a backslash is written `\\`, a tab
--   `\t`, a newline `\n`, a carriage return `\r` and any other control
--   character `\xHH` (a C1 control as the two bytes of its UTF-8,
--   `\xc2\x9b`), as in PostgreSQL's text COPY format; an empty field is nil,
--   NaN, inf or "".
-- * CSV: RFC 4180, except that lines end in LF, not CRLF. A field is quoted
--   when it contains a comma, a double quote or a control character (CR, LF,
--   ESC, ...: CSV has no escapes, the bytes are kept as data); quotes inside
--   are doubled; newlines inside quoted fields are kept as they are.
-- * JSON: an array of objects, one object per line, each with every column,
--   in column order (`null` for a missing value). Strings are UTF-8 (invalid
--   bytes become U+FFFD), control characters are `\uXXXX` escapes (C0, DEL
--   and C1) and `/` is not escaped. Needs lua-cjson.
--
-- `t:export` writes through rostra.output: a regular file is written to a
-- temporary file in the target's folder and renamed over the target, so the
-- target is either the old file or the whole new one (with its mode kept);
-- a symbolic link's target is replaced; `-`, a device or a FIFO is written
-- straight; an index open in this process is refused (`ESAME`). On an I/O
-- failure it removes the temporary file and returns `nil, "path: message",
-- code` with `code` one of `ENOENT`, `EACCES`, `EISDIR`, `ENOTDIR`, `ENOSPC`,
-- `EROFS`, `EINVAL`, `ESAME`, `EIO` (anything else).
--
-- **Errors.** Mistakes of the caller (an unknown column, format or option, a
-- wrong type) raise an error naming the valid choices.
--
-- **Extending.** `result.class` is the class of plain results: the metatable
-- of every result table and the table of its methods, so
-- `function result.class:total(col) ... end` adds a method to every result.
-- `result.extend(spec)` (or `Class.extend(spec)`) makes a subclass: `spec`
-- holds methods and metamethods (keys starting with `__`, e.g. `__name`,
-- `__tostring`); the rest is inherited (metamethods are copied when the
-- subclass is made, methods are looked up through the parent). The subclass
-- has `Sub.new(columns, rows, opts)`, `Sub.is(x)` and `Sub.extend(spec)`;
-- `filter` and `head` keep the class; `result.is(x)` is true for instances of
-- every subclass. `spec` may not set `__index`, `__newindex`, `new`, `is` or
-- `extend`. To change how a table prints, override the `format` method
-- (`tostring` and `print` go through it) and call
-- `result.class.format(self, o)` for the default layout where useful; per
-- column, `opts.formats` accepts functions and `opts.align` sets alignment:
--
--     local Kwic = result.extend {
--       __name = "rostra.kwic",
--       line = function(self, i) local r = self[i] return r.left .. " " .. r.key .. " " .. r.right end,
--     }
--     local k = Kwic.new({"left", "key", "right"}, rows, {align = {left = "right"}})
--
-- @module rostra.result

local concat, sort = table.concat, table.sort
local format, rep, byte = string.format, string.rep, string.byte
local find, gsub, match, lower = string.find, string.gsub, string.match, string.lower
local math_type, floor, log, huge = math.type, math.floor, math.log, math.huge
local tointeger = math.tointeger
local utf8_len, utf8_codes, utf8_char = utf8.len, utf8.codes, utf8.char

local M = {}

local DEFAULT_MAX_WIDTH = 40
local DEFAULT_MAX_ROWS = 50
local FORMAT_NAMES = "tsv, csv, json"
local FORMATS = { tsv = true, csv = true, json = true }
local EXTENSIONS = { tsv = "tsv", tab = "tsv", csv = "csv", json = "json" }
local ELLIPSIS = "…"
local REPLACEMENT = "\u{FFFD}"

-- {====================================================== small helpers

local function argerror(n, fname, msg, level)
  error(format("bad argument #%d to '%s' (%s)", n, fname, msg), (level or 2) + 1)
end

local function typename(v)
  local mt = getmetatable(v)
  if type(mt) == "table" and type(rawget(mt, "__name")) == "string" then return mt.__name end
  return type(v)
end

local function is_finite(v)
  return v == v and v ~= huge and v ~= -huge
end

-- the shortest decimal form that reads back as the same number; nil for NaN/inf
local function num_repr(v)
  if math_type(v) == "integer" then return format("%d", v) end
  if not is_finite(v) then return nil end
  local s
  for p = 15, 17 do
    s = format("%." .. p .. "g", v)
    if tonumber(s) == v then break end
  end
  if not find(s, "[.eE]") then s = s .. ".0" end
  return s
end

-- byte-order comparison of two strings, for a locale where `<` is not
local function bytes_less(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = byte(a, i), byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

-- }======================================================

-- {====================================================== UTF-8 and display width

-- one code point at byte i: cp, next i; nil, i + 1 for an invalid byte
local function decode_at(s, i)
  local c = byte(s, i)
  if c < 0x80 then return c, i + 1 end
  local n, cp, min
  if c >= 0xC2 and c <= 0xDF then n, cp, min = 1, c & 0x1F, 0x80
  elseif c >= 0xE0 and c <= 0xEF then n, cp, min = 2, c & 0x0F, 0x800
  elseif c >= 0xF0 and c <= 0xF4 then n, cp, min = 3, c & 0x07, 0x10000
  else return nil, i + 1 end
  for j = i + 1, i + n do
    local d = byte(s, j)
    if not d or d & 0xC0 ~= 0x80 then return nil, i + 1 end
    cp = cp << 6 | (d & 0x3F)
  end
  if cp < min or cp > 0x10FFFF or (cp >= 0xD800 and cp <= 0xDFFF) then return nil, i + 1 end
  return cp, i + n + 1
end

-- `s` with every invalid UTF-8 byte replaced by U+FFFD
local function valid_utf8(s)
  if not find(s, "[\128-\255]") or utf8_len(s) then return s end
  local out, i, n = {}, 1, #s
  while i <= n do
    local cp, j = decode_at(s, i)
    out[#out + 1] = cp and utf8_char(cp) or REPLACEMENT
    i = j
  end
  return concat(out)
end

-- sorted, non-overlapping [first, last] ranges
local ZERO_WIDTH = {
  { 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD }, { 0x0610, 0x061A },
  { 0x064B, 0x065F }, { 0x0E31, 0x0E31 }, { 0x0E34, 0x0E3A }, { 0x0E47, 0x0E4E },
  { 0x1AB0, 0x1AFF }, { 0x1DC0, 0x1DFF }, { 0x200B, 0x200F }, { 0x202A, 0x202E },
  { 0x2060, 0x2064 }, { 0x20D0, 0x20FF }, { 0xFE00, 0xFE0F }, { 0xFE20, 0xFE2F },
  { 0xFEFF, 0xFEFF }, { 0xE0100, 0xE01EF },
}
local WIDE = {
  { 0x1100, 0x115F }, { 0x231A, 0x231B }, { 0x2329, 0x232A }, { 0x23E9, 0x23EC },
  { 0x23F0, 0x23F0 }, { 0x23F3, 0x23F3 }, { 0x25FD, 0x25FE }, { 0x2614, 0x2615 },
  { 0x2648, 0x2653 }, { 0x267F, 0x267F }, { 0x2693, 0x2693 }, { 0x26A1, 0x26A1 },
  { 0x26AA, 0x26AB }, { 0x26BD, 0x26BE }, { 0x26C4, 0x26C5 }, { 0x26CE, 0x26CE },
  { 0x26D4, 0x26D4 }, { 0x26EA, 0x26EA }, { 0x26F2, 0x26F3 }, { 0x26F5, 0x26F5 },
  { 0x26FA, 0x26FA }, { 0x26FD, 0x26FD }, { 0x2705, 0x2705 }, { 0x270A, 0x270B },
  { 0x2728, 0x2728 }, { 0x274C, 0x274C }, { 0x274E, 0x274E }, { 0x2753, 0x2755 },
  { 0x2757, 0x2757 }, { 0x2795, 0x2797 }, { 0x27B0, 0x27B0 }, { 0x27BF, 0x27BF },
  { 0x2B1B, 0x2B1C }, { 0x2B50, 0x2B50 }, { 0x2B55, 0x2B55 }, { 0x2E80, 0x303E },
  { 0x3041, 0x33FF }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF }, { 0xA000, 0xA4CF },
  { 0xA960, 0xA97F }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF }, { 0xFE10, 0xFE19 },
  { 0xFE30, 0xFE6F }, { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x16FE0, 0x16FE4 },
  { 0x17000, 0x18CFF }, { 0x1B000, 0x1B2FF }, { 0x1F004, 0x1F004 }, { 0x1F0CF, 0x1F0CF },
  { 0x1F18E, 0x1F18E }, { 0x1F191, 0x1F19A }, { 0x1F200, 0x1F251 }, { 0x1F300, 0x1F320 },
  { 0x1F32D, 0x1F335 }, { 0x1F337, 0x1F37C }, { 0x1F37E, 0x1F393 }, { 0x1F3A0, 0x1F3CA },
  { 0x1F3CF, 0x1F3D3 }, { 0x1F3E0, 0x1F3F0 }, { 0x1F3F4, 0x1F3F4 }, { 0x1F3F8, 0x1F43E },
  { 0x1F440, 0x1F440 }, { 0x1F442, 0x1F4FC }, { 0x1F4FF, 0x1F53D }, { 0x1F54B, 0x1F54E },
  { 0x1F550, 0x1F567 }, { 0x1F57A, 0x1F57A }, { 0x1F595, 0x1F596 }, { 0x1F5A4, 0x1F5A4 },
  { 0x1F5FB, 0x1F64F }, { 0x1F680, 0x1F6C5 }, { 0x1F6CC, 0x1F6CC }, { 0x1F6D0, 0x1F6D2 },
  { 0x1F6D5, 0x1F6D7 }, { 0x1F6EB, 0x1F6EC }, { 0x1F6F4, 0x1F6FC }, { 0x1F7E0, 0x1F7EB },
  { 0x1F90C, 0x1F93A }, { 0x1F93C, 0x1F945 }, { 0x1F947, 0x1F9FF }, { 0x1FA70, 0x1FAFF },
  { 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
}

local function in_ranges(ranges, cp)
  local lo, hi = 1, #ranges
  while lo <= hi do
    local mid = (lo + hi) // 2
    local r = ranges[mid]
    if cp < r[1] then hi = mid - 1
    elseif cp > r[2] then lo = mid + 1
    else return true end
  end
  return false
end

local function cp_width(cp)
  if cp < 0x300 then return 1 end
  if in_ranges(ZERO_WIDTH, cp) then return 0 end
  if in_ranges(WIDE, cp) then return 2 end
  return 1
end

--- Display width of a string: code points, 2 for East Asian wide characters,
-- 0 for common combining and zero-width characters. Invalid bytes count 1.
-- @tparam string s
-- @treturn integer
function M.width(s)
  if not find(s, "[\128-\255]") then return #s end
  s = valid_utf8(s)
  local w = 0
  for _, cp in utf8_codes(s) do w = w + cp_width(cp) end
  return w
end
local width = M.width

-- cut valid UTF-8 `s` (display width > limit) to width <= limit, marking the cut with "…"
local function truncate(s, limit, keep_end)
  if limit < 1 then return "" end
  local room = limit - 1   -- the ellipsis takes one column
  local cps = {}
  for _, cp in utf8_codes(s) do cps[#cps + 1] = cp end
  local out, w = {}, 0
  if keep_end then
    local first = #cps + 1
    for k = #cps, 1, -1 do
      local cw = cp_width(cps[k])
      if w + cw > room then break end
      w, first = w + cw, k
    end
    out[1] = ELLIPSIS
    for k = first, #cps do out[#out + 1] = utf8_char(cps[k]) end
  else
    for k = 1, #cps do
      local cw = cp_width(cps[k])
      if w + cw > room then break end
      w = w + cw
      out[k] = utf8_char(cps[k])
    end
    out[#out + 1] = ELLIPSIS
  end
  return concat(out)
end

-- }======================================================

-- {====================================================== compact rendering of tables

local function is_list(t)
  local n = #t
  local count = 0
  for k in next, t do
    count = count + 1
    if math_type(k) ~= "integer" or k < 1 or k > n then return false end
  end
  return count == n
end

local function sorted_keys(t)
  local keys = {}
  for k in next, t do keys[#keys + 1] = k end
  sort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "number" or ta == "string" then return a < b end
    return tostring(a) < tostring(b)
  end)
  return keys
end

local compact

local function compact_value(v, seen, nested)
  local tv = type(v)
  if tv == "string" then return v end
  if tv == "number" then return num_repr(v) or "" end
  if tv == "table" then
    local mt = getmetatable(v)
    if type(mt) == "table" and rawget(mt, "__tostring") then return tostring(v) end
    if seen[v] then return "<cycle>" end
    local s = compact(v, seen)
    if nested then return is_list(v) and "[" .. s .. "]" or "{" .. s .. "}" end
    return s
  end
  return tostring(v)
end

-- "a, b" for a list, "k=v, k2=v2" for a map
compact = function(t, seen)
  seen[t] = true
  local parts = {}
  if is_list(t) then
    for i = 1, #t do parts[i] = compact_value(t[i], seen, true) end
  else
    for _, k in ipairs(sorted_keys(t)) do
      parts[#parts + 1] = compact_value(k, seen, true) .. "=" .. compact_value(t[k], seen, true)
    end
  end
  seen[t] = nil
  return concat(parts, ", ")
end

-- the text of a value in TSV and CSV (nil for an empty field)
local function plain_text(v)
  local tv = type(v)
  if tv == "string" then return v end
  if tv == "nil" then return nil end
  if tv == "number" then return num_repr(v) end
  if tv == "boolean" then return v and "true" or "false" end
  return compact_value(v, {}, false)
end

-- }======================================================

-- {====================================================== classes

local classes = setmetatable({}, { __mode = "k" })   -- class -> parent class, or false

local base = {}
M.class = base
classes[base] = false

local function is_instance(x, cls)
  if type(x) ~= "table" then return false end
  local c = getmetatable(x)
  while c do
    if c == cls then return true end
    local parent = classes[c]
    if parent == nil then return false end
    c = parent
  end
  return false
end

--- Whether `x` is a result table (of any class).
-- @param x
-- @treturn boolean
function M.is(x)
  return is_instance(x, base)
end

local function make_index(cls)
  return function(self, k)
    if type(k) == "number" then
      local i = tointeger(k)
      return i and self._rows[i] or nil
    end
    return cls[k]
  end
end

local function newindex(self, k, v)
  if type(k) == "number" then
    error(format("cannot assign t[%s]: the rows of a result are read-only"
      .. " (build a new result, or use t:filter/t:head)", tostring(k)), 2)
  end
  rawset(self, k, v)
end

local OPTIONS = {
  title = "string", formats = "table", warnings = "table", meta = "table",
  max_width = "number", max_rows = "number", align = "table",
}

local function check_limit(v, name, fname, n, min, level)
  if v == nil then return nil end
  if v == false or v == huge then return huge end
  if math_type(v) ~= "integer" or v < min then
    argerror(n, fname, format("option '%s' must be an integer >= %d, false or math.huge, got %s",
      name, min, tostring(v)), level + 1)
  end
  return v
end

local function check_column(self, name, n, fname, level)
  if type(name) ~= "string" or not self._index[name] then
    argerror(n, fname, format("unknown column %s; %s",
      type(name) == "string" and "'" .. name .. "'" or tostring(name),
      require("rostra.opts").hint(name, self._columns, "columns")), level + 1)
  end
  return name
end

-- {====================================================== rows held in C

-- A result can hold its rows in C (csrc/ltable.c): `_c` is a view of a
-- C table, and `_rows` a list whose rows are made when first read (and
-- kept while in use: a weak cache by row). Sorting, filtering by a
-- condition, head, group, the text table and the files run in C.
local CROWS = { __name = "rostra.crows" }
local CROWS_KEY = {}

function CROWS.__index(t, i)
  local s = rawget(t, CROWS_KEY)
  if math_type(i) ~= "integer" then return nil end
  local id = s.view:id(i)
  if not id then return nil end
  local row = s.cache[id]
  if row == nil then
    row = s.view:make(id, i)
    if s.wrap then row = s.wrap(row, id) end
    s.cache[id] = row
  end
  return row
end

function CROWS.__len(t)
  return rawget(t, CROWS_KEY).view:len()
end

function CROWS.__newindex()
  error("cannot assign to the rows of a result", 2)
end

local function c_rows(view, wrap, cache)
  return setmetatable({ [CROWS_KEY] = { view = view, wrap = wrap,
    cache = cache or setmetatable({}, { __mode = "v" }) } }, CROWS)
end

-- the C view of a result, or nil
local function cview(self)
  return rawget(self, "_c")
end

-- }======================================================

-- the metatable of lazy row lists (M.lazy_rows)
local LAZY = { __name = "rostra.lazyrows" }
function LAZY.__len(t)
  return t[LAZY].n
end
function LAZY.__index(t, i)
  local lz = rawget(t, LAZY)
  if math_type(i) == "integer" and i >= 1 and i <= lz.n then
    local row = lz.make(i)
    if type(row) ~= "table" then
      error(format("row %d: the row maker gave %s, not a table", i, typename(row)), 2)
    end
    rawset(t, i, row)
    return row
  end
  return nil
end

local function construct(cls, columns, rows, opts)
  local fname = "new"
  if type(columns) ~= "table" then
    argerror(1, fname, "list of column names expected, got " .. typename(columns), 3)
  end
  local cols, index = {}, {}
  for i = 1, #columns do
    local c = columns[i]
    if type(c) ~= "string" or c == "" then
      argerror(1, fname, format("column %d: non-empty string expected, got %s", i, typename(c)), 3)
    end
    if index[c] then argerror(1, fname, format("column '%s' given twice", c), 3) end
    cols[i], index[c] = c, i
  end
  if #cols == 0 then argerror(1, fname, "at least one column expected", 3) end
  if rows == nil then rows = {} end
  if type(rows) ~= "table" then
    argerror(2, fname, "list of rows expected, got " .. typename(rows), 3)
  end
  if getmetatable(rows) ~= LAZY and getmetatable(rows) ~= CROWS then -- lazy rows are made as tables
    for i = 1, #rows do
      if type(rows[i]) ~= "table" then
        argerror(2, fname, format("row %d: table expected, got %s", i, typename(rows[i])), 3)
      end
    end
  end
  if opts == nil then opts = {} end
  if type(opts) ~= "table" then argerror(3, fname, "options table expected, got " .. typename(opts), 3) end
  for k, v in pairs(opts) do
    local want = OPTIONS[k]
    if not want then
      argerror(3, fname, format("unknown option '%s'; %s", tostring(k),
        require("rostra.opts").hint(k, OPTIONS, "options")), 3)
    end
    if type(v) ~= want and not (v == false and (k == "max_width" or k == "max_rows")) then
      argerror(3, fname, format("option '%s': %s expected, got %s", k, want, typename(v)), 3)
    end
  end
  local self = {
    _columns = cols, _index = index, _rows = rows,
    title = opts.title, warnings = opts.warnings or {}, meta = opts.meta or {},
    _formats = {}, _align = {},
    _max_width = check_limit(opts.max_width, "max_width", fname, 3, 1, 3) or DEFAULT_MAX_WIDTH,
    _max_rows = check_limit(opts.max_rows, "max_rows", fname, 3, 0, 3) or DEFAULT_MAX_ROWS,
  }
  for k, v in pairs(opts.formats or {}) do
    if type(k) ~= "string" or not index[k] then
      argerror(3, fname, format("formats: unknown column '%s'; columns: %s",
        tostring(k), concat(cols, ", ")), 3)
    end
    if type(v) ~= "string" and type(v) ~= "function" then
      argerror(3, fname, format("formats.%s: format string or function expected, got %s", k, typename(v)), 3)
    end
    self._formats[k] = v
  end
  for k, v in pairs(opts.align or {}) do
    if type(k) ~= "string" or not index[k] then
      argerror(3, fname, format("align: unknown column '%s'; columns: %s",
        tostring(k), concat(cols, ", ")), 3)
    end
    if v ~= "left" and v ~= "right" then
      argerror(3, fname, format("align.%s: \"left\" or \"right\" expected, got %s", k, tostring(v)), 3)
    end
    self._align[k] = v
  end
  return setmetatable(self, cls)
end

local RESERVED = { __index = true, __newindex = true, new = true, is = true, extend = true }

local function setup_class(cls, parent)
  cls.__index = make_index(cls)
  cls.__newindex = newindex
  rawset(cls, "new", function(columns, rows, opts) return construct(cls, columns, rows, opts) end)
  rawset(cls, "is", function(x) return is_instance(x, cls) end)
  rawset(cls, "extend", function(spec)
    if spec == nil then spec = {} end
    if type(spec) ~= "table" then argerror(1, "extend", "table expected, got " .. typename(spec)) end
    local sub = {}
    for k, v in next, cls do
      if type(k) == "string" and k:sub(1, 2) == "__" then sub[k] = v end
    end
    for k, v in pairs(spec) do
      if RESERVED[k] then argerror(1, "extend", format("'%s' cannot be overridden", tostring(k))) end
      sub[k] = v
    end
    setmetatable(sub, { __index = cls })
    classes[sub] = cls
    return setup_class(sub, cls)
  end)
  classes[cls] = parent or false
  return cls
end

-- }======================================================

-- {====================================================== access

base.__name = "rostra.result"

function base.__len(self)
  local v = rawget(self, "_c")
  if v then return v:len() end
  return #self._rows
end

function base.__pairs(self)
  return ipairs(self._rows)
end

function base.__tostring(self)
  return self:format()
end

--- Iterate over the rows: `for i, row in t:rows() do ... end`.
-- `ipairs(t)` and `pairs(t)` iterate the same way.
-- @treturn function, table, integer
function base:rows()
  return ipairs(self._rows)
end

--- The column names, in order (a new list).
-- @treturn {string,...}
function base:columns()
  local out = {}
  for i, c in ipairs(self._columns) do out[i] = c end
  return out
end

--- The values of one column, in row order: a list with `n` = `#t`
-- (missing values are holes, as in `table.pack`).
-- @tparam string name
-- @treturn table
function base:column(name)
  check_column(self, name, 1, "column", 2)
  local v = cview(self)
  if v then return v:column(name) end
  local rows = self._rows
  local out = { n = #rows }
  for i = 1, #rows do out[i] = rows[i][name] end
  return out
end

-- a new result of the same class, settings and columns over `rows` (or
-- over the C view `view`)
local function derive(self, rows, view)
  local t = {}
  for k, v in next, self do t[k] = v end
  if view then
    local s = rawget(self._rows, CROWS_KEY)
    t._c = view
    t._rows = c_rows(view, s.wrap, s.cache)
  else
    t._c = nil
    t._rows = rows
  end
  local w = {}
  for i, s in ipairs(self.warnings) do w[i] = s end
  t.warnings = w
  local m = {}
  for k, v in next, self.meta do m[k] = v end
  t.meta = m
  return setmetatable(t, getmetatable(self))
end

-- {====================================================== conditions

local FILTER_OPS = { ["="] = true, ["!="] = true, ["<"] = true, ["<="] = true, [">"] = true,
                     [">="] = true, ["~"] = true, ["!~"] = true }
local FILTER_OP_LIST = "= != < <= > >= ~ !~"

--- Read a condition on a column: `"COL OP VALUE"` with OP one of `=`,
-- `!=`, `<`, `<=`, `>`, `>=` (numbers compare as numbers when the value
-- reads as one, anything else as text in byte order), `~` (the text
-- contains VALUE) and `!~` (it does not); `"COL=A,B"` is any of A and B;
-- quotes around VALUE are dropped. Or a table `{column, op, value}`
-- (`value` a string, a number, a boolean or a list of them for any of).
-- Raises on a malformed one.
-- @param spec string or table
-- @tparam[opt="filter"] string fname the function, for messages
-- @tparam[opt=1] integer level as for `error` in the caller (2 blames its caller)
-- @treturn table `{column, op, values}`
function M.condition(spec, fname, level)
  fname, level = fname or "filter", (level or 1) + 1
  local col, op, values
  if type(spec) == "string" then
    local v
    col, op, v = spec:match("^%s*([^%s=!<>~]+)%s*([=!<>~]+)%s*(.-)%s*$")
    if not col or not FILTER_OPS[op] then
      error(format("bad argument #1 to '%s' (condition 'COLUMN OP VALUE' expected, OP one of %s, "
        .. "e.g. 'count >= 5', 'party = d,r', 'file ~ 2020'; got '%s')", fname, FILTER_OP_LIST, spec), level)
    end
    local q = v:match('^"(.*)"$') or v:match("^'(.*)'$")
    if q then values = { q }
    elseif op == "=" and v:find(",", 1, true) then
      values = {}
      for a in (v .. ","):gmatch("%s*(.-)%s*,") do values[#values + 1] = a end
    else values = { v } end
  elseif type(spec) == "table" then
    col, op = spec[1], spec[2]
    local v = spec[3]
    if type(col) ~= "string" or type(op) ~= "string" or not FILTER_OPS[op] then
      error(format("bad argument #1 to '%s' (condition {column, op, value} expected, op one of %s)",
        fname, FILTER_OP_LIST), level)
    end
    if type(v) == "table" then
      if op ~= "=" and op ~= "!=" then
        error(format("bad argument #1 to '%s' (a list of values goes with = or !=)", fname), level)
      end
      values = {}
      for i, x in ipairs(v) do values[i] = tostring(x) end
    elseif v == nil then
      error(format("bad argument #1 to '%s' (condition {column, op, value}: no value)", fname), level)
    else
      values = { tostring(v) }
    end
  else
    error(format("bad argument #1 to '%s' (function or condition expected, got %s)", fname,
      typename(spec)), level)
  end
  if (op == "<" or op == "<=" or op == ">" or op == ">=") and values[1] == "" then
    error(format("bad argument #1 to '%s' (condition '%s': nothing to compare with)", fname,
      tostring(spec)), level)
  end
  return { column = col, op = op, values = values }
end

-- the test of a condition on a value, as C runs it (table.c)
local function condition_test(c)
  local op, values = c.op, c.values
  local function eq(x, want)
    if x == nil then return false end
    local n = tonumber(want)
    if type(x) == "number" and n then return x == n end
    if type(x) == "table" then return false end
    return tostring(x) == want
  end
  if op == "=" or op == "!=" then
    local want = op == "="
    return function(x)
      for _, w in ipairs(values) do
        if eq(x, w) then return want end
      end
      return not want
    end
  end
  local value = values[1]
  if op == "~" or op == "!~" then
    local want = op == "~"
    return function(x)
      if x == nil or type(x) == "table" then return not want end
      return (find(tostring(x), value, 1, true) ~= nil) == want
    end
  end
  local num = tonumber(value)
  return function(x)
    local a, b
    if type(x) == "number" and num then
      if x ~= x then return false end
      a, b = x, num
    elseif x == nil or type(x) == "table" then return false
    else
      a, b = tostring(x), value
      if a ~= b then
        local less = bytes_less(a, b)
        if op == "<" or op == "<=" then return less end
        return not less
      end
    end
    if op == "<" then return a < b elseif op == "<=" then return a <= b
    elseif op == ">" then return a > b else return a >= b end
  end
end

-- }======================================================

--- The rows for which `fn(row, i)` is true, as a new result (same class,
-- columns, title, formats; warnings and meta are copied). Rows are shared.
-- Instead of a function, a condition on a column (see `result.condition`:
-- `t:filter("count >= 5")`, `t:filter{"theme", "=", {"health", "trade"}}`),
-- or a list of them (all must hold): a result held in C tests them in C
-- without making rows.
-- @tparam function|string|table fn
-- @return result
function base:filter(fn)
  local v = cview(self)
  if type(fn) == "function" then
    if v then
      local keep, rows = {}, self._rows
      for i = 1, v:len() do
        if fn(rows[i], i) then keep[#keep + 1] = i end
      end
      return derive(self, nil, v:pick(keep))
    end
    local out = {}
    for i, row in ipairs(self._rows) do
      if fn(row, i) then out[#out + 1] = row end
    end
    return derive(self, out)
  end
  local conds = {}
  if type(fn) == "table" and type(fn[1]) ~= "string" and #fn > 0 then
    for i, c in ipairs(fn) do conds[i] = M.condition(c, "filter", 2) end
  else
    conds[1] = M.condition(fn, "filter", 2)
  end
  for _, c in ipairs(conds) do check_column(self, c.column, 1, "filter", 2) end
  if v then
    local preds = {}
    for i, c in ipairs(conds) do preds[i] = { c.column, c.op, c.values } end
    return derive(self, nil, v:filter(preds))
  end
  local tests = {}
  for i, c in ipairs(conds) do tests[i] = { c.column, condition_test(c) } end
  local out = {}
  for _, row in ipairs(self._rows) do
    local ok = true
    for _, t in ipairs(tests) do
      if not t[2](row[t[1]]) then ok = false break end
    end
    if ok then out[#out + 1] = row end
  end
  return derive(self, out)
end

--- The first `n` rows (all when there are fewer), as a new result like `filter`'s.
-- @tparam integer n >= 0
-- @return result
function base:head(n)
  if math_type(n) ~= "integer" or n < 0 then
    argerror(1, "head", "non-negative integer expected, got " .. tostring(n))
  end
  local v = cview(self)
  if v then return derive(self, nil, v:head(n)) end
  local out = {}
  local rows = self._rows
  for i = 1, math.min(n, #rows) do out[i] = rows[i] end
  return derive(self, out)
end

--- Rows grouped by the values of some columns: a plain result with those
-- columns, then `opts.count` (default `"rows"`: the rows of the group),
-- then, for each column of `opts.sum` (default: none), its sum over the
-- group. Groups come in the order of their first row. A result held in C
-- groups in C and gives a result held in C.
-- @tparam string|{string,...} keys
-- @tparam[opt] table opts `count` (a column name), `sum` (column names)
-- @return result
function base:group(keys, opts)
  if type(keys) == "string" then keys = { keys } end
  if type(keys) ~= "table" or #keys == 0 then
    argerror(1, "group", "column name or list of column names expected, got " .. typename(keys))
  end
  opts = opts or {}
  if type(opts) ~= "table" then argerror(2, "group", "options table expected, got " .. typename(opts)) end
  for k in pairs(opts) do
    if k ~= "count" and k ~= "sum" then
      argerror(2, "group", format("unknown option '%s'; options: count, sum", tostring(k)))
    end
  end
  local count = opts.count or "rows"
  local sums = opts.sum or {}
  if type(count) ~= "string" or count == "" then argerror(2, "group", "count: a column name expected") end
  if type(sums) == "string" then sums = { sums } end
  local seen = { [count] = true }
  for _, k in ipairs(keys) do
    check_column(self, k, 1, "group", 2)
    if seen[k] then argerror(1, "group", format("column '%s' given twice", k)) end
    seen[k] = true
  end
  for _, k in ipairs(sums) do
    check_column(self, k, 2, "group", 2)
    if seen[k] then argerror(2, "group", format("column '%s' given twice", k)) end
    seen[k] = true
  end
  local cols = {}
  for _, k in ipairs(keys) do cols[#cols + 1] = k end
  cols[#cols + 1] = count
  for _, k in ipairs(sums) do cols[#cols + 1] = k end
  local v = cview(self)
  if v then
    for _, k in ipairs(sums) do
      local x = v:cell(1, k)
      if x ~= nil and type(x) ~= "number" then
        argerror(2, "group", format("sum: column '%s' holds %s, not numbers", k, type(x)))
      end
    end
    return M.from_view(v:group(keys, count, sums), cols, { title = self.title })
  end
  local groups, list = {}, {}
  local function key_of(row)
    local parts = {}
    for i, k in ipairs(keys) do
      local x = row[k]
      parts[i] = x == nil and "\0nil" or (type(x) .. ":" .. tostring(x))
    end
    return concat(parts, "\1")
  end
  for _, row in ipairs(self._rows) do
    local key = key_of(row)
    local g = groups[key]
    if not g then
      g = { [count] = 0 }
      for _, k in ipairs(keys) do g[k] = row[k] end
      for _, k in ipairs(sums) do g[k] = 0 end
      groups[key] = g
      list[#list + 1] = g
    end
    g[count] = g[count] + 1
    for _, k in ipairs(sums) do
      local x = row[k]
      if x ~= nil then
        if type(x) ~= "number" then
          argerror(2, "group", format("sum: column '%s' holds %s, not numbers", k, type(x)))
        end
        g[k] = g[k] + x
      end
    end
  end
  return M.new(cols, list, { title = self.title })
end

-- {====================================================== sort

-- order of kinds of values: numbers, strings, booleans, other, NaN, nil
local function rank(v)
  local tv = type(v)
  if tv == "number" then return v == v and 1 or 5 end
  if tv == "string" then return 2 end
  if tv == "boolean" then return 3 end
  if tv == "nil" then return 6 end
  return 4
end

--- Sort the rows in place and return `t`.
-- `t:sort("count", "desc")`, or several keys: `t:sort{{"count", "desc"}, "word"}`
-- (each key a column name or `{column [, "asc" | "desc"]}`). Stable: rows that
-- tie on every key keep their order. Numbers sort numerically, strings by byte
-- order, false before true; in one column numbers come before strings, then
-- booleans, then other values, then NaN, then nil, whatever the direction
-- ("desc" reverses the order within a kind only, so missing values stay last).
-- @tparam string|table spec
-- @tparam[opt="asc"] string direction
-- @return t
function base:sort(spec, direction)
  local keys = {}
  local function add_key(col, dir)
    check_column(self, col, 1, "sort", 3)
    if dir ~= nil and dir ~= "asc" and dir ~= "desc" then
      argerror(type(spec) == "table" and 1 or 2, "sort",
        format("sort direction \"asc\" or \"desc\" expected, got %s", tostring(dir)), 3)
    end
    keys[#keys + 1] = { col, dir == "desc" }
  end
  if type(spec) == "string" then
    add_key(spec, direction)
  elseif type(spec) == "table" then
    if direction ~= nil then argerror(2, "sort", "no direction expected with a list of keys") end
    if #spec == 0 then argerror(1, "sort", "empty list of sort keys") end
    for _, k in ipairs(spec) do
      if type(k) == "table" then add_key(k[1], k[2]) else add_key(k, nil) end
    end
  else
    argerror(1, "sort", "column name or list of sort keys expected, got " .. typename(spec))
  end

  local cv = cview(self)
  if cv then
    local ckeys = {}
    for k, key in ipairs(keys) do ckeys[k] = { key[1], key[2] } end
    cv:sort(ckeys)
    return self
  end
  local rows = self._rows
  local n = #rows
  local slow = os.setlocale(nil, "collate") ~= "C"
  local nkeys = #keys
  -- the keys' values and kinds, read once
  local values, ranks, descs = {}, {}, {}
  for k = 1, nkeys do
    local col = keys[k][1]
    local vals, rks = {}, {}
    for i = 1, n do
      local v = rows[i][col]
      vals[i], rks[i] = v, rank(v)
    end
    values[k], ranks[k], descs[k] = vals, rks, keys[k][2]
  end
  local function cmp(a, b)   -- a, b: positions in `rows`; strict "less"
    for k = 1, nkeys do
      local rks = ranks[k]
      local kx, ky = rks[a], rks[b]
      if kx ~= ky then return kx < ky end
      if kx <= 3 then
        local vals = values[k]
        local x, y = vals[a], vals[b]
        if x ~= y then
          local less
          if kx == 3 then less = not x
          elseif kx == 2 and slow then less = bytes_less(x, y)
          else less = x < y end
          if descs[k] then return not less end
          return less
        end
      end
    end
    return a < b
  end
  local perm = {}
  for i = 1, n do perm[i] = i end
  sort(perm, cmp)
  local sorted = {}
  for i = 1, n do sorted[i] = rows[perm[i]] end
  for i = 1, n do rows[i] = sorted[i] end
  return self
end

-- }======================================================

-- {====================================================== text table

-- decimals that about 4 significant digits of |v| need (v finite, non-zero,
-- 1e-4 <= |v| < 1e15), trailing zeros dropped
local function decimals_for(v)
  local a = v < 0 and -v or v
  local d = 4 - (floor(log(a, 10)) + 1)
  if d <= 0 then return 0 end
  local s = format("%." .. d .. "f", a)
  local frac = match(s, "%.(%d-)0*$") or ""
  return #frac
end

local function fixed_range(v)
  local a = v < 0 and -v or v
  return v == 0 or (a >= 1e-4 and a < 1e15)
end

-- text of a float in the text table, with `dec` decimals in the fixed range
local function float_text(v, dec)
  if not is_finite(v) then return "-" end
  if not fixed_range(v) then return format("%.4g", v) end
  local s = format("%." .. dec .. "f", v)
  if match(s, "^%-[0.]+$") then s = s:sub(2) end   -- no "-0.00"
  return s
end

-- display text of one value (before truncation)
local function display_text(v, dec)
  local tv = type(v)
  if tv == "nil" then return "" end
  if tv == "number" then
    if math_type(v) == "integer" then return format("%d", v) end
    return float_text(v, dec)
  end
  if tv == "boolean" then return v and "true" or "false" end
  if tv == "string" then return v end
  return compact_value(v, {}, false)
end

--- A string with its control characters shown, not executed: C0 controls
-- and DEL as `\x1b`, C1 controls (U+0080 to U+009F) as `\u009b`; tab and
-- newline are kept when `keep` is true. Text output (tables, KWIC lines,
-- the command's messages) goes through it, so that a transcript holding
-- ESC sequences cannot clear or retitle the analyst's terminal.
-- @tparam string s
-- @tparam[opt] boolean keep keep tab and newline
-- @treturn string
function M.visible(s, keep)
  if not find(s, "[%z\1-\31\127\194]") then return s end
  s = gsub(s, "[%z\1-\31\127]", function(c)
    if keep and (c == "\n" or c == "\t") then return c end
    return format("\\x%02x", byte(c))
  end)
  return (gsub(s, "\194([\128-\159])", function(c) return format("\\u%04x", byte(c)) end))
end
local visible = M.visible

-- a string made safe for one line of a terminal: white space controls as
-- spaces, the other controls shown
local function clean(s)
  s = gsub(s, "[\t\n\r\v\f]", " ")
  return visible(valid_utf8(s))
end

local function pad(s, w, target, right)
  if w >= target then return s end
  if right then return rep(" ", target - w) .. s end
  return s .. rep(" ", target - w)
end

--- The text table as a string (what `tostring(t)` returns), see the module
-- notes. `o.max_rows` and `o.max_width` override the table's own settings
-- (an integer, or `false`/`math.huge` for no limit).
-- @tparam[opt] table o
-- @treturn string
function base:format(o)
  if o == nil then o = {} end
  if type(o) ~= "table" then argerror(1, "format", "options table expected, got " .. typename(o)) end
  for k in pairs(o) do
    if k ~= "max_rows" and k ~= "max_width" then
      argerror(1, "format", format("unknown option '%s'; %s", tostring(k),
        require("rostra.opts").hint(k, { "max_rows", "max_width" }, "options")))
    end
  end
  local max_rows = check_limit(o.max_rows, "max_rows", "format", 1, 0, 2) or self._max_rows
  local max_width = check_limit(o.max_width, "max_width", "format", 1, 1, 2) or self._max_width
  local cols, rows = self._columns, self._rows
  local cv = cview(self)
  if cv then -- in C; the cells of `formats` made here, for the rows shown
    local shown = math.min(cv:len(), max_rows)
    local over
    for name, fmt in pairs(self._formats) do
      local list = {}
      for r = 1, shown do
        local x, s = cv:cell(r, name), nil
        if type(fmt) == "function" then
          local row = rows[r]
          s = fmt(row[name], row)
          if s ~= nil and type(s) ~= "string" then
            error(format("formats.%s returned %s for row %d, string or nil expected", name,
              typename(s), r), 2)
          end
        elseif type(x) == "number" and is_finite(x) then
          local ok, res = pcall(format, fmt, x)
          if not ok then
            error(format("formats.%s (%q) cannot format %s in row %d: %s", name, fmt, tostring(x), r, res), 2)
          end
          s = res
        end
        list[r] = s
      end
      over = over or {}
      over[name] = list
    end
    return cv:format { cols = cols, max_rows = max_rows, max_width = max_width, title = self.title,
      warnings = self.warnings, align = self._align, over = over }
  end
  local n = #rows
  local shown = math.min(n, max_rows)
  local ncol = #cols
  local cells, rights, widths, head_right = {}, {}, {}, {}
  for r = 1, shown do cells[r], rights[r] = {}, {} end

  for c = 1, ncol do
    local name = cols[c]
    local fmt, align = self._formats[name], self._align[name]
    -- decimals of the column's floats
    local dec, numbers, others = 0, 0, 0
    for r = 1, shown do
      local v = rows[r][name]
      if type(v) == "number" then
        numbers = numbers + 1
        if math_type(v) == "float" and v ~= 0 and is_finite(v) and fixed_range(v) then
          local d = decimals_for(v)
          if d > dec then dec = d end
        end
      elseif v ~= nil then
        others = others + 1
      end
    end
    local header = clean(name)
    local hw = width(header)
    head_right[c] = align == "right" or (align == nil and numbers > 0 and others == 0)
    if hw > max_width then
      header = truncate(header, max_width, head_right[c])
      hw = width(header)
    end
    local colw = hw
    for r = 1, shown do
      local row = rows[r]
      local v = row[name]
      local s
      if type(fmt) == "function" then
        s = fmt(v, row)
        if s ~= nil and type(s) ~= "string" then
          error(format("formats.%s returned %s for row %d, string or nil expected", name, typename(s), r), 2)
        end
      elseif fmt and type(v) == "number" and is_finite(v) then
        local ok, res = pcall(format, fmt, v)
        if not ok then
          error(format("formats.%s (%q) cannot format %s in row %d: %s", name, fmt, tostring(v), r, res), 2)
        end
        s = res
      end
      if s == nil then s = display_text(v, dec) end
      s = clean(s)
      local isnum = type(v) == "number"
      local right
      if align then right = align == "right" else right = isnum end
      local w = width(s)
      if w > max_width and not isnum then
        s = truncate(s, max_width, right)
        w = width(s)
      end
      cells[r][c], rights[r][c] = { s, w }, right
      if w > colw then colw = w end
    end
    widths[c] = colw
    cells[0] = cells[0] or {}
    cells[0][c] = { header, hw }
  end

  local lines = {}
  if self.title ~= nil then lines[1] = clean(self.title) end
  local function add_line(r, right_of)
    local parts = {}
    for c = 1, ncol do
      local cell = cells[r][c]
      parts[c] = pad(cell[1], cell[2], widths[c], right_of(c))
    end
    lines[#lines + 1] = (gsub(concat(parts, "  "), " +$", ""))
  end
  add_line(0, function(c) return head_right[c] end)
  local rule = {}
  for c = 1, ncol do rule[c] = rep("-", widths[c]) end
  lines[#lines + 1] = concat(rule, "  ")
  for r = 1, shown do
    local rr = rights[r]
    add_line(r, function(c) return rr[c] end)
  end
  if n == 0 then
    lines[#lines + 1] = "(no rows)"
  elseif shown < n then
    local more = n - shown
    lines[#lines + 1] = format("… %d more %s", more, more == 1 and "row" or "rows")
  end
  for _, w in ipairs(self.warnings) do
    lines[#lines + 1] = "warning: " .. clean(tostring(w))
  end
  return concat(lines, "\n")
end

--- Print the text table and a newline to the default output file
-- (`io.output()`, normally standard output), with at most `n` rows
-- (default: the table's `max_rows`; `false` or `math.huge` for all).
-- @tparam[opt] integer n
-- @return t
function base:print(n)
  local s = self:format { max_rows = n }
  io.write(s, "\n")
  return self
end

-- }======================================================

-- {====================================================== TSV, CSV, JSON

local TSV_ESCAPES = { ["\\"] = "\\\\", ["\t"] = "\\t", ["\n"] = "\\n", ["\r"] = "\\r" }

-- backslash, tab, newline, CR as PostgreSQL's text COPY writes them; the
-- other controls as \xHH (a C1 control as the two bytes of its UTF-8)
local function tsv_field(s)
  if s == nil then return "" end
  s = gsub(s, "[\\\t\n\r]", TSV_ESCAPES)
  if find(s, "[%z\1-\31\127\194]") then
    s = gsub(s, "[%z\1-\31\127]", function(c) return format("\\x%02x", byte(c)) end)
    s = gsub(s, "\194([\128-\159])", function(c) return format("\\xc2\\x%02x", byte(c)) end)
  end
  return s
end

-- RFC 4180 has no escapes: a field with a control character is quoted,
-- so that readers take its bytes as data
local function csv_field(s)
  if s == nil then return "" end
  if find(s, '[,"%z\1-\31\127]') or find(s, "\194[\128-\159]") then
    return '"' .. gsub(s, '"', '""') .. '"'
  end
  return s
end

local json_string   -- set on first use

local function load_json()
  local ok, cjson = pcall(require, "cjson")
  if not ok then error("rostra.result: JSON output needs lua-cjson: " .. tostring(cjson), 0) end
  -- a private instance, so that the settings of other users of cjson are not touched
  local enc = cjson.new and cjson.new() or cjson
  if enc.encode_escape_forward_slash then enc.encode_escape_forward_slash(false) end
  local encode = enc.encode
  local escapes_slash = encode("/") ~= '"/"'
  json_string = function(s)
    local r = encode(valid_utf8(s))
    -- every "/" in r is escaped as "\/", so each "\/" found is one of those
    if escapes_slash then r = gsub(r, "\\/", "/") end
    -- cjson escapes C0 and DEL; C1 controls as \u0080 .. \u009f too
    if find(r, "\194[\128-\159]") then
      r = gsub(r, "\194([\128-\159])", function(c) return format("\\u%04x", byte(c)) end)
    end
    return r
  end
end

local function json_value(v, seen, depth)
  local tv = type(v)
  if tv == "nil" then return "null" end
  if tv == "string" then return json_string(v) end
  if tv == "number" then return num_repr(v) or "null" end
  if tv == "boolean" then return v and "true" or "false" end
  if tv ~= "table" then return json_string(tostring(v)) end
  if seen[v] then error("cannot encode a table that contains itself", 0) end
  if depth > 100 then error("cannot encode tables nested more than 100 deep", 0) end
  seen[v] = true
  local parts, s = {}
  if M.is(v) then
    local cols = v._columns
    for i, row in ipairs(v._rows) do
      local fields = {}
      for c, name in ipairs(cols) do
        fields[c] = json_string(name) .. ":" .. json_value(row[name], seen, depth + 1)
      end
      parts[i] = "{" .. concat(fields, ",") .. "}"
    end
    s = "[" .. concat(parts, ",") .. "]"
  elseif is_list(v) then
    for i = 1, #v do parts[i] = json_value(v[i], seen, depth + 1) end
    s = "[" .. concat(parts, ",") .. "]"
  else
    for _, k in ipairs(sorted_keys(v)) do
      local key = type(k) == "string" and k or (type(k) == "number" and num_repr(k)) or tostring(k)
      parts[#parts + 1] = json_string(key) .. ":" .. json_value(v[k], seen, depth + 1)
    end
    s = "{" .. concat(parts, ",") .. "}"
  end
  seen[v] = nil
  return s
end

-- call out(chunk) with the whole text of `t` in format `fmt`, a few rows at a time
local function emit(self, fmt, out)
  local cols, rows = self._columns, self._rows
  local ncol, n = #cols, #rows
  local buf = {}
  local function flush()
    if #buf > 0 then
      local ok, err = out(concat(buf))
      buf = {}
      if not ok then return nil, err end
    end
    return true
  end
  if fmt == "json" then
    if not json_string then load_json() end
    local names = {}
    for c = 1, ncol do names[c] = json_string(cols[c]) .. ":" end
    if n == 0 then buf[1] = "[]\n" end
    for i = 1, n do
      local row = rows[i]
      local fields = {}
      for c = 1, ncol do
        local ok, s = pcall(json_value, row[cols[c]], {}, 1)
        if not ok then
          error(format("rostra.result: cannot encode row %d, column '%s': %s", i, cols[c], s), 0)
        end
        fields[c] = names[c] .. s
      end
      buf[#buf + 1] = (i == 1 and "[\n{" or ",\n{") .. concat(fields, ",") .. (i == n and "}\n]\n" or "}")
      if #buf >= 256 then
        local ok, err = flush()
        if not ok then return nil, err end
      end
    end
  else
    local field, sep = tsv_field, "\t"
    if fmt == "csv" then field, sep = csv_field, "," end
    local fields = {}
    for c = 1, ncol do fields[c] = field(cols[c]) end
    buf[1] = concat(fields, sep) .. "\n"
    for i = 1, n do
      local row = rows[i]
      for c = 1, ncol do fields[c] = field(plain_text(row[cols[c]])) end
      buf[#buf + 1] = concat(fields, sep) .. "\n"
      if #buf >= 256 then
        local ok, err = flush()
        if not ok then return nil, err end
      end
    end
  end
  return flush()
end

local function to_string(self, fmt)
  local v = cview(self)
  if v then return v:text(fmt, self._columns) end
  local parts = {}
  emit(self, fmt, function(s)
    parts[#parts + 1] = s
    return true
  end)
  return concat(parts)
end

--- All rows as TSV text (see the module notes).
-- @treturn string
function base:to_tsv() return to_string(self, "tsv") end

--- All rows as CSV text (RFC 4180 with LF line ends).
-- @treturn string
function base:to_csv() return to_string(self, "csv") end

--- All rows as a JSON array of objects, columns in order.
-- @treturn string
function base:to_json() return to_string(self, "json") end

--- Write all rows to a file, atomically (see the module notes).
-- @tparam string path
-- @tparam[opt] string fmt `"tsv"`, `"csv"` or `"json"`; by default from the
--   extension of `path` (`.tsv`, `.tab`, `.csv`, `.json`, any case)
-- @treturn[1] true
-- @treturn[2] nil
-- @treturn[2] string `"path: message"`
-- @treturn[2] string code such as `ENOENT`
function base:export(path, fmt)
  if type(path) ~= "string" or path == "" then
    argerror(1, "export", "file path expected, got " .. (path == "" and "an empty string" or typename(path)))
  end
  if fmt == nil then
    local ext = match(path, "%.([^./]+)$")
    fmt = ext and EXTENSIONS[lower(ext)]
    if not fmt then
      argerror(2, "export", format("cannot tell the format from '%s'; give one of %s", path, FORMAT_NAMES))
    end
  elseif type(fmt) ~= "string" or not FORMATS[fmt] then
    argerror(2, "export", format("unknown format %s; formats: %s",
      type(fmt) == "string" and "'" .. fmt .. "'" or typename(fmt), FORMAT_NAMES))
  end
  -- the mechanics of writing (temporary file and rename, links,
  -- devices, permissions, refusing an open index) are rostra.output's
  local f, err, code = require("rostra.output").open(path)
  if not f then return nil, err, code end
  local v = cview(self)
  if v then -- written in C, into the output (or the standard output's stream)
    local r = table.pack(pcall(v.write, v, type(f) == "table" and f.stream or f, fmt, self._columns))
    if not r[1] then -- a closed corpus, say: no file is left behind
      f:abort()
      error(r[2], 2)
    end
    if not r[2] then
      f:abort()
      if type(f) == "table" then return nil, "standard output: " .. tostring(r[3]), "EIO" end
      return nil, r[3], r[4]
    end
    return f:commit()
  end
  local done, ok, werr = pcall(emit, self, fmt, function(s)
    local r, e, c = f:write(s)
    if not r then return nil, { e, c } end
    return true
  end)
  if not done then   -- a value that cannot be written: no file is left behind
    f:abort()
    error(ok, 2)
  end
  if not ok then
    f:abort()
    return nil, werr[1], werr[2]
  end
  return f:commit()
end

-- }======================================================

setup_class(base, nil)

--- A list of `n` rows that are made on first access by `make(i)` (a
-- table) and then kept: pass it as the `rows` of `new` when a result holds
-- many rows whose data already sit in columns (KWIC lines, n-grams), so
-- that building the result costs nothing per row until rows are read.
-- Sorting, filtering, formatting and export read rows as usual.
-- @tparam integer n
-- @tparam function make
-- @return a row list
function M.lazy_rows(n, make)
  if math_type(n) ~= "integer" or n < 0 then
    argerror(1, "lazy_rows", "non-negative integer expected, got " .. tostring(n))
  end
  if type(make) ~= "function" then argerror(2, "lazy_rows", "function expected, got " .. typename(make)) end
  return setmetatable({ [LAZY] = { n = n, make = make } }, LAZY)
end

--- A new result table.
-- @tparam {string,...} columns column names, in display order (unique, non-empty)
-- @tparam[opt] {table,...} rows rows keyed by column name (kept as given)
-- @tparam[opt] table opts `title` (string), `formats` (column -> format string
--   for numbers, such as `"%.2f"`, or function `(value, row) -> string|nil`),
--   `align` (column -> `"left"`|`"right"`), `warnings` (list of strings),
--   `meta` (table), `max_width` (default 40), `max_rows` (default 50)
-- @return result with fields `title`, `warnings` (a list, possibly empty) and `meta`
function M.new(columns, rows, opts)
  return construct(base, columns, rows, opts)
end

--- A result whose rows are held in C: a view of a C table (csrc/ltable.c),
-- as rostra's own results are made. `columns` are the columns shown, in
-- order (the table may hold more: every row has them all); `opts` are
-- `new`'s, and `class` (the result class, default plain results) and
-- `wrap` (a function `(row, id) -> row` applied to each row when it is
-- made, to give it a metatable, say).
-- @param view a C view
-- @tparam {string,...} columns
-- @tparam[opt] table opts
-- @return result
function M.from_view(view, columns, opts)
  opts = opts or {}
  local o, cls, wrap = {}, base, nil
  for k, x in pairs(opts) do
    if k == "class" then cls = x
    elseif k == "wrap" then wrap = x
    else o[k] = x end
  end
  local have = {}
  for _, n in ipairs(view:names()) do have[n] = true end
  for i, c in ipairs(columns) do
    if not have[c] then
      argerror(2, "from_view", format("column %d ('%s') is not in the table", i, tostring(c)))
    end
  end
  local t = construct(cls, columns, c_rows(view, wrap), o)
  rawset(t, "_c", view)
  return t
end

--- Make a subclass of plain results, see the module notes.
-- @tparam table spec methods and metamethods
-- @return the class
M.extend = base.extend

return M
