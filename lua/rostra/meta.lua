--- Speech metadata from outside the text: file names and sidecar tables.
--
-- Three sources besides the text itself:
--
-- * the file name, through a template such as `"{country}_{session}_{year}.txt"`,
--   an lpeg pattern or a Lua function (`meta.compile`, `meta.from_name`);
-- * a sidecar CSV/TSV file keyed by file name or joined on metadata already
--   known (`meta.sidecar`);
-- * front matter, handled elsewhere; `meta.merge` combines all of them.
--
-- Soft failures (a missing or malformed sidecar file) return
-- `nil, message, code`; mistakes in the caller's own specification (a bad
-- template, a join key that is not a column) raise a Lua error.
-- @module rostra.meta

local lpeg = require "lpeg"

local P, R, C, Cc, Ct, V = lpeg.P, lpeg.R, lpeg.C, lpeg.Cc, lpeg.Ct, lpeg.V
local byte, find, sub, gsub, match = string.byte, string.find, string.sub, string.gsub, string.match
local tointeger = math.tointeger

local M = {}

-- {====================================================== small helpers

local function trim(s)
  return match(s, "^%s*(.-)%s*$")
end

local function basename(path)
  return match(path, "([^/]*)$")
end

-- "./a/b.txt" and "a/b.txt" name the same file
local function clean_path(path)
  while sub(path, 1, 2) == "./" do path = sub(path, 3) end
  return path
end

-- a string of digits as an integer, or nil (too long for an integer, or not digits)
local function digits_to_int(s)
  if match(s, "^%d+$") then return tointeger(tonumber(s)) end
  return nil
end

-- character column of byte offset `off` in `s`, counting from byte `start`
local function char_col(s, start, off)
  local piece = sub(s, start, off - 1)
  return (utf8.len(piece) or #piece) + 1
end

-- }======================================================

-- {====================================================== normalize / merge / unslug

--- Normalise a metadata table in place.
-- String values made only of digits become integers (`"075"` -> 75), except
-- the field `date`; values such as `"+41"` or `"3.5"` stay strings. A missing
-- `year` is derived from `date` (its leading 4 digits, else the first
-- stand-alone group of 4 digits).
-- @tparam table t metadata
-- @treturn table `t`
function M.normalize(t)
  for k, v in pairs(t) do
    if type(v) == "string" and k ~= "date" then
      local n = digits_to_int(v)
      if n then t[k] = n end
    end
  end
  if t.year == nil and t.date ~= nil then
    local d = tostring(t.date)
    local y = match(d, "^(%d%d%d%d)") or match(d, "%f[%d](%d%d%d%d)%f[%D]")
    if y then t.year = tonumber(y) end
  end
  return t
end

--- Merge metadata from the four sources into a new table.
-- Precedence, lowest first: what the text says, the file name, the sidecar,
-- front matter. Any argument may be nil.
-- @tparam[opt] table text_meta
-- @tparam[opt] table name_meta
-- @tparam[opt] table sidecar_meta
-- @tparam[opt] table front_meta
-- @treturn table a new table
function M.merge(text_meta, name_meta, sidecar_meta, front_meta)
  local out = {}
  local srcs = { text_meta, name_meta, sidecar_meta, front_meta }
  for i = 1, 4 do
    local t = srcs[i]
    if t ~= nil then
      if type(t) ~= "table" then
        error(("bad argument #%d to 'merge' (table or nil expected, got %s)"):format(i, type(t)), 2)
      end
      for k, v in pairs(t) do out[k] = v end
    end
  end
  return out
end

--- The metadata of one speech, the same for every way in (`rostra.parse`,
-- `parse_file`, `c:add`, `rostra.load`). By precedence, lowest first: what
-- the text says (`text_meta`, the parser's header metadata), the file name
-- (`opts.meta`, a template, lpeg pattern or function, matched on `rel`),
-- the sidecar (`sidecar`, from `M.sidecar`), the front matter (`front`).
-- `opts.lang` is a default: it replaces the parser's guess, and any `lang`
-- the name, sidecar or front matter give replaces it. `file` is `rel` unless
-- a source gives one.
-- @tparam table text_meta
-- @tparam[opt] table front
-- @tparam[opt] string rel the file's path relative to the folder loaded
-- @tparam table opts
-- @param[opt] sidecar
-- @treturn table
function M.for_speech(text_meta, front, rel, opts, sidecar)
  local name_meta = (opts.meta ~= nil and rel ~= nil) and M.from_name(opts.meta, rel) or nil
  local side_meta
  if sidecar and rel then
    side_meta = sidecar:lookup(rel, M.merge(text_meta, name_meta, nil, front))
  end
  local given = M.merge(nil, name_meta, side_meta, front)
  local m = M.normalize(M.merge(text_meta, name_meta, side_meta, front))
  if given.lang == nil and opts.lang ~= nil then m.lang = opts.lang end
  if m.file == nil then m.file = rel end
  return m
end

--- Turn a slug into a name: `"xi-jinping"` -> `"Xi Jinping"`.
-- Hyphens and underscores become spaces and each word gets an upper-case
-- first letter (ASCII letters only; the rest of each word is kept as is).
-- Never applied automatically.
-- @tparam string s
-- @treturn string
function M.unslug(s)
  if type(s) ~= "string" then
    error(("bad argument #1 to 'unslug' (string expected, got %s)"):format(type(s)), 2)
  end
  s = trim(gsub(s, "[-_%s]+", " "))
  return (gsub(s, "%f[%w]%l", string.upper))
end

-- }======================================================

-- {====================================================== file-name templates

-- Parse a template into a list of tokens {lit = "..."} / {field = name}.
-- Returns the list, or nil, column, message.
local function parse_template(tpl)
  local toks, lit = {}, {}
  local pos, n, last_field = 1, #tpl, false
  local function flush()
    if #lit > 0 then
      toks[#toks + 1] = { lit = table.concat(lit) }
      lit = {}
      last_field = false
    end
  end
  while pos <= n do
    local c = sub(tpl, pos, pos)
    if c == "{" and sub(tpl, pos + 1, pos + 1) == "{" then
      lit[#lit + 1] = "{"; pos = pos + 2
    elseif c == "}" and sub(tpl, pos + 1, pos + 1) == "}" then
      lit[#lit + 1] = "}"; pos = pos + 2
    elseif c == "}" then
      return nil, pos, "'}' without '{' (write '}}' for a literal brace)"
    elseif c == "{" then
      local close = find(tpl, "[{}]", pos + 1)
      if not close or sub(tpl, close, close) == "{" then
        return nil, pos, "unclosed '{'"
      end
      local name = sub(tpl, pos + 1, close - 1)
      if name == "" then return nil, pos, "empty field name" end
      if name ~= "*" and not match(name, "^[%w_.-]+$") then
        return nil, pos + 1, ("invalid field name '%s' (letters, digits, '_', '-', '.', or '*')"):format(name)
      end
      flush()
      if last_field then
        return nil, pos, "two fields with no literal text between them"
      end
      toks[#toks + 1] = { field = name }
      last_field = true
      pos = close + 1
    else
      local j = find(tpl, "[{}]", pos) or n + 1
      lit[#lit + 1] = sub(tpl, pos, j - 1)
      pos = j
    end
  end
  flush()
  return toks
end

local digit = R "09"
local d4 = digit * digit * digit * digit
local mm = P "0" * R "19" + P "1" * R "02"
local dd = P "0" * R "19" + R "12" * digit + P "3" * R "01"
-- the date forms tried, in order, before any text
local date_forms = { d4 * "-" * mm * "-" * dd, d4 * mm * dd, d4 }
-- fields never cross a directory boundary
local fch = P(1) - "/"

-- Build the lpeg pattern for a token list. Each suffix of the template is a
-- grammar rule, so a field can test "does the rest match from here?"
-- without copying the rest of the pattern (lazy matching with backtracking).
local function build_template(toks)
  local g = { "r1" }
  local nt = #toks
  for i = 1, nt do
    local tok, rest = toks[i], V("r" .. (i + 1))
    local p
    if tok.lit then
      p = P(tok.lit) * rest
    else
      local keep = tok.field ~= "_" and tok.field ~= "*"
      local function cap(q)
        if keep then return Cc(tok.field) * C(q) end
        return q
      end
      -- the shortest non-empty text after which the rest of the name matches
      p = cap(fch * (fch - rest) ^ 0) * rest
      if tok.field == "date" then
        for k = #date_forms, 1, -1 do
          p = cap(date_forms[k]) * rest + p
        end
      end
    end
    g["r" .. i] = p
  end
  g["r" .. (nt + 1)] = P(-1)
  return Ct(P(g))
end

local Matcher = {}
Matcher.__index = Matcher

-- a flat list {name1, value1, name2, value2, ...} -> table, or nil when the
-- same field got two different values
local function pairs_to_table(list)
  local t = {}
  for i = 1, #list, 2 do
    local k, v = list[i], list[i + 1]
    if t[k] ~= nil and t[k] ~= v then return nil end
    t[k] = v
  end
  return t
end

local function copy(t)
  local o = {}
  for k, v in pairs(t) do o[k] = v end
  return o
end

--- Match a file against the compiled spec.
-- A template without `/` is matched against the base name, one with `/`
-- against the whole relative path; an lpeg pattern gets the base name; a
-- function gets `(basename, relpath)`.
-- @tparam string relpath path relative to the loaded folder (or a base name)
-- @treturn table|nil normalised metadata, or nil when the name does not match
function Matcher:match(relpath)
  if type(relpath) ~= "string" then
    error(("bad argument #1 to 'match' (string expected, got %s)"):format(type(relpath)), 2)
  end
  relpath = clean_path(relpath)
  local base = basename(relpath)
  local kind = self.kind
  local t
  if kind == "template" then
    local list = self.pattern:match(self.on_path and relpath or base)
    t = list and pairs_to_table(list)
  elseif kind == "pattern" then
    local r = self.pattern:match(base)
    if type(r) == "table" then
      t = r
    elseif r ~= nil then
      -- bare named groups outside a table: collect them with Ct
      local all = self.collect:match(base) or {}
      t = {}
      for k, v in pairs(all) do
        if type(k) == "string" then t[k] = v end
      end
    end
  else
    local r = self.fn(base, relpath)
    if r ~= nil and r ~= false then
      if type(r) ~= "table" then
        error(("metadata function returned a %s (table or nil expected)"):format(type(r)), 2)
      end
      t = copy(r)
    end
  end
  return t and M.normalize(t)
end

local function compile(spec, level)
  if getmetatable(spec) == Matcher then return spec end
  local self = setmetatable({ spec = spec }, Matcher)
  if type(spec) == "string" then
    local toks, col, msg = parse_template(spec)
    if not toks then
      error(("rostra.meta: bad template %q at column %d: %s")
        :format(spec, char_col(spec, 1, col), msg), level + 1)
    end
    self.kind, self.pattern = "template", build_template(toks)
    self.on_path = find(spec, "/", 1, true) ~= nil
  elseif lpeg.type(spec) == "pattern" then
    self.kind, self.pattern, self.collect = "pattern", spec, Ct(spec)
  elseif type(spec) == "function" then
    self.kind, self.fn = "function", spec
  else
    error(("rostra.meta: metadata spec must be a template string, an lpeg pattern or a function (got %s)")
      :format(type(spec)), level + 1)
  end
  return self
end

--- Compile a file-name spec.
-- `spec` is a template (`"{country}_{session}_{year}.txt"`), an lpeg pattern
-- (returning a table, e.g. `lpeg.Ct` with named `lpeg.Cg` groups, or bare
-- named groups) or a function `(basename, relpath) -> table|nil`.
--
-- Templates: `{name}` fields between literal text; a field matches the
-- shortest non-empty text (without `/`) after which the rest of the template
-- matches, up to the end of the name. `{date}` tries `YYYY-MM-DD`, then
-- `YYYYMMDD`, then `YYYY` before any text. `{_}` and `{*}` match but are not
-- kept. `{{` and `}}` are literal braces. A field named twice must match the
-- same text both times.
-- @param spec template string, lpeg pattern or function
-- @treturn table an object with `:match(relpath)`
-- @raise on a malformed template, naming the template and the column
function M.compile(spec)
  local m = compile(spec, 2) -- not a tail call: keeps the error level right
  return m
end

local cache = setmetatable({}, { __mode = "k" })

--- Compile `spec` (cached per spec) and match `relpath` against it.
-- @param spec as for `compile`
-- @tparam string relpath
-- @treturn table|nil
function M.from_name(spec, relpath)
  local m = cache[spec]
  if not m then
    m = compile(spec, 2)
    cache[spec] = m
  end
  return m:match(relpath)
end

-- }======================================================

-- {====================================================== delimited files

local QUOTE, CR, LF = 34, 13, 10

-- line and character column of byte offset `off`, the text starting at `start`
local function line_col(s, start, off)
  local line, ls, pos = 1, start, start
  while true do
    local j = find(s, "[\r\n]", pos)
    if not j or j >= off then break end
    if byte(s, j) == CR and byte(s, j + 1) == LF then j = j + 1 end
    line, ls, pos = line + 1, j + 1, j + 1
  end
  return line, char_col(s, ls, off)
end

-- Parse delimited text (RFC 4180: quoted fields with "" escapes and line
-- breaks, CRLF/LF/CR record ends, a leading UTF-8 BOM). Blank lines are
-- skipped. A quote inside an unquoted field is kept as text, as most readers
-- do. Returns header, rows or nil, message (without the file name).
local function parse_delimited(s, sep, extra)
  local SEP = byte(sep)
  local stop = "[" .. (match(sep, "%w") and sep or "%" .. sep) .. "\r\n]"
  local start = sub(s, 1, 3) == "\239\187\191" and 4 or 1
  local pos, len = start, #s
  local header, rows, lines = nil, {}, {}
  -- the line of each record's start: line breaks (LF, CRLF, CR) counted up to pos
  local lineno, lpos = 1, start
  local function line_at(off)
    while true do
      local j = find(s, "[\r\n]", lpos)
      if not j or j >= off then break end
      if byte(s, j) == CR and byte(s, j + 1) == LF then j = j + 1 end
      lineno, lpos = lineno + 1, j + 1
    end
    return lineno
  end
  local function fail(off, msg)
    local line, col = line_col(s, start, off)
    return nil, ("%d:%d: %s"):format(line, col, msg)
  end
  while pos <= len do
    local rec, n, first_quoted, extra_at = {}, 0, false, nil
    local recline = line_at(pos)
    local limit = header and #header
    while true do
      local c = byte(s, pos)
      local field
      if limit and n == limit and not extra_at then extra_at = pos end
      if c == QUOTE then
        local open, k, esc = pos, pos + 1, false
        while true do
          local j = find(s, '"', k, true)
          if not j then return fail(open, "unterminated quoted field") end
          if byte(s, j + 1) == QUOTE then
            k, esc = j + 2, true
          else
            field, pos = sub(s, open + 1, j - 1), j + 1
            break
          end
        end
        if esc then field = gsub(field, '""', '"') end
        if n == 0 then first_quoted = true end
        c = byte(s, pos)
        if c ~= nil and c ~= SEP and c ~= CR and c ~= LF then
          return fail(pos, "text after the closing quote of a field")
        end
      else
        local j = find(s, stop, pos)
        if j then
          field, pos = sub(s, pos, j - 1), j
        else
          field, pos = sub(s, pos), len + 1
        end
        c = byte(s, pos)
      end
      n = n + 1
      rec[n] = field
      if c == SEP then
        pos = pos + 1
      else
        if c == CR then
          pos = pos + 1
          if byte(s, pos) == LF then pos = pos + 1 end
        elseif c == LF then
          pos = pos + 1
        end
        break
      end
    end
    if not (n == 1 and rec[1] == "" and not first_quoted) then
      if not header then
        header = rec
      else
        if extra_at then
          if extra ~= "drop" then
            return fail(extra_at, ("%d fields, the header has %d"):format(n, limit))
          end
          for i = n, limit + 1, -1 do rec[i] = nil end
        end
        rows[#rows + 1] = rec
        lines[#rows] = recline
      end
    end
  end
  return header or {}, rows, lines
end

local errnames = { [1] = "EPERM", [2] = "ENOENT", [13] = "EACCES", [20] = "ENOTDIR", [21] = "EISDIR" }

local function read_all(path)
  local f, msg, errno = io.open(path, "rb")
  if not f then return nil, msg, errnames[errno] or "EIO" end
  local s, rmsg, rerrno = f:read("a")
  f:close()
  if not s then
    return nil, ("%s: %s"):format(path, rmsg), errnames[rerrno] or "EIO"
  end
  return s
end

local function check_sep(sep, level)
  if type(sep) ~= "string" or #sep ~= 1 or sep == '"' or sep == "\r" or sep == "\n" then
    error(("rostra.meta: bad separator %q (one byte other than a quote or a line break)")
      :format(tostring(sep)), level + 1)
  end
end

-- the separator of a file: by extension, else a tab in the header line
local function sniff_sep(path, s)
  local ext = match(path, "%.([^./]+)$")
  ext = ext and ext:lower()
  if ext == "tsv" or ext == "tab" then return "\t" end
  local eol = find(s, "[\r\n]") or #s + 1
  if find(sub(s, 1, eol - 1), "\t", 1, true) then return "\t" end
  return ","
end

local function read_delimited(path, sep, opts, level)
  if type(path) ~= "string" then
    error(("bad argument #1 to 'read_delimited' (string expected, got %s)"):format(type(path)), level + 1)
  end
  if sep ~= nil then check_sep(sep, level + 1) end
  if opts ~= nil and type(opts) ~= "table" then
    error(("bad argument #3 to 'read_delimited' (table expected, got %s)"):format(type(opts)), level + 1)
  end
  local extra = opts and opts.extra_fields or "error"
  if extra ~= "error" and extra ~= "drop" then
    error(("rostra.meta: extra_fields must be \"error\" or \"drop\" (got %s)")
      :format(tostring(extra)), level + 1)
  end
  local s, msg, code = read_all(path)
  if not s then return nil, msg, code end
  local header, rows, lines = parse_delimited(s, sep or sniff_sep(path, s), extra)
  if not header then return nil, path .. ":" .. rows, "EPARSE" end
  if opts and opts.lines then return header, rows, lines end
  return header, rows
end

--- Read a CSV or TSV file.
-- RFC 4180: quoted fields with `""` escapes and embedded line breaks, CRLF,
-- a UTF-8 BOM. The separator is a tab for `.tsv`/`.tab` files or when the
-- header line has a tab, else a comma. Fields are returned as written (not
-- trimmed); rows may be shorter than the header.
-- @tparam string path
-- @tparam[opt] string sep one-byte separator (default: sniffed)
-- @tparam[opt] table opts `extra_fields = "error"` (default: a row with more
-- fields than the header is an error) or `"drop"` (the extra fields are cut);
-- `lines = true` also returns the line where each row starts
-- @treturn table header, a list of names
-- @treturn table rows, a list of lists of strings
-- @treturn[opt] table with `lines`: the 1-based line of each row's start
-- @return or nil, `"PATH: No such file or directory"`, `"ENOENT"`; or nil,
-- `"PATH:LINE:COL: message"`, `"EPARSE"`
function M.read_delimited(path, sep, opts)
  local header, rows, code = read_delimited(path, sep, opts, 2) -- not a tail call
  return header, rows, code
end

-- }======================================================

-- {====================================================== sidecar

-- the string a join key compares as: numbers and digit strings as integers
local function key_part(v)
  if type(v) == "number" then
    local n = tointeger(v)
    return n and tostring(n) or tostring(v)
  elseif type(v) == "string" then
    v = trim(v)
    local n = digits_to_int(v)
    return n and tostring(n) or v
  end
  return nil
end

local Sidecar = {}
Sidecar.__index = Sidecar

--- Metadata for one file.
-- By `file` column: the exact relative path, then the base name. By join
-- keys (when the spec has `key`): the values of those keys in `known`.
-- @tparam[opt] string relpath path relative to the loaded folder
-- @tparam[opt] table known metadata already known (for a join)
-- @treturn table|nil a new table of the row's non-empty values
function Sidecar:lookup(relpath, known)
  local row
  if self.key then
    if type(known) ~= "table" then return nil end
    local parts = {}
    for i, k in ipairs(self.key) do
      local p = key_part(known[k])
      if p == nil then return nil end
      parts[i] = p
    end
    row = self.index[table.concat(parts, "\0")]
  elseif type(relpath) == "string" then
    relpath = clean_path(relpath)
    row = self.by_path[relpath] or self.by_base[basename(relpath)]
  end
  return row and copy(row) or nil
end

-- find a header column by (trimmed) name: exact, else ignoring case
local function find_column(names, name)
  for i, h in ipairs(names) do
    if h == name then return i end
  end
  local lname = name:lower()
  for i, h in ipairs(names) do
    if h:lower() == lname then return i end
  end
  return nil
end

local function check_spec(spec)
  if type(spec) == "string" then return { path = spec } end
  if type(spec) ~= "table" then
    error(("bad argument #1 to 'sidecar' (path or table expected, got %s)"):format(type(spec)), 3)
  end
  if type(spec.path) ~= "string" then
    error("rostra.meta: sidecar spec needs a string 'path'", 3)
  end
  local key = spec.key
  if type(key) == "string" then key = { key } end
  if key ~= nil then
    if type(key) ~= "table" or #key == 0 then
      error("rostra.meta: sidecar 'key' must be a name or a non-empty list of names", 3)
    end
    for _, k in ipairs(key) do
      if type(k) ~= "string" then error("rostra.meta: sidecar 'key' must list names (strings)", 3) end
    end
  end
  if spec.columns ~= nil and type(spec.columns) ~= "table" then
    error("rostra.meta: sidecar 'columns' must be a table", 3)
  end
  local t = copy(spec)
  t.key = key
  return t
end

--- Load a sidecar table of metadata.
-- `spec` is a path, or a table:
--
-- * `path`: the CSV/TSV file (relative to the current directory; if it is
--   not found there, relative to `base_dir`);
-- * `key`: names of metadata to join on (after renaming), e.g.
--   `{"year", "session", "country"}`; without it, rows are found by their
--   file column;
-- * `file`: the header name of the file column (default `"file"`);
-- * `columns`: `{["Header name"] = "meta_name", ...}`; only these columns are
--   kept (a list entry keeps a column under its own name); without it all
--   columns are kept under their header names;
-- * `sep`, `extra_fields`: as for `read_delimited`, but `extra_fields`
--   defaults to `"drop"` here.
--
-- Header names and values are trimmed; empty values are left out; values are
-- normalised (`meta.normalize`). For a join, values compare as strings after
-- number normalisation (75 matches "075"); the first row with a key wins
-- (`sc.duplicates` counts the others).
-- @param spec path or table
-- @tparam[opt] string base_dir the folder being loaded
-- @treturn table an object with `:lookup(relpath, known)`
-- @return or nil, message, code (`"ENOENT"`, `"EPARSE"`, ...)
-- @raise on a bad spec, a `key` or `columns` entry naming no column
function M.sidecar(spec, base_dir)
  spec = check_spec(spec)
  if spec.extra_fields == nil then
    -- a sidecar is someone else's sheet: a stray cell past the header (a
    -- footnote, as in the UNGDC speakers sheet) is dropped, not fatal
    local lenient = {}
    for k, v in pairs(spec) do lenient[k] = v end
    lenient.extra_fields = "drop"
    spec = lenient
  end
  local path = spec.path
  local header, rows, code = read_delimited(path, spec.sep, spec, 2)
  if not header and code == "ENOENT" and base_dir and sub(path, 1, 1) ~= "/" then
    local alt = gsub(base_dir, "/+$", "") .. "/" .. path
    local h2, r2, c2 = read_delimited(alt, spec.sep, spec, 2)
    if h2 or c2 ~= "ENOENT" then
      header, rows, code, path = h2, r2, c2, alt
    end
  end
  if not header then return nil, rows, code end

  local names = {}
  for i, h in ipairs(header) do names[i] = trim(h) end
  -- out[i]: the metadata name of column i, or false when it is not kept
  local out = {}
  if spec.columns then
    for i = 1, #names do out[i] = false end
    for from, to in pairs(spec.columns) do
      if type(from) == "number" then from = to end
      local i = find_column(names, from)
      if not i then
        error(("rostra.meta: sidecar %s has no column %q (columns: %s)")
          :format(path, from, table.concat(names, ", ")), 2)
      end
      out[i] = to
    end
  else
    for i, h in ipairs(names) do out[i] = h ~= "" and h end
  end

  local self = setmetatable({ path = path, count = #rows, duplicates = 0 }, Sidecar)
  local recs = {}
  for r, row in ipairs(rows) do
    local t = {}
    for i = 1, #row do
      local name = out[i]
      if name and t[name] == nil then
        local v = trim(row[i])
        if v ~= "" then t[name] = v end
      end
    end
    recs[r] = M.normalize(t)
  end

  if spec.key then
    local kept = {}
    for _, name in pairs(out) do
      if name then kept[name] = true end
    end
    for _, k in ipairs(spec.key) do
      if not kept[k] then
        error(("rostra.meta: sidecar key %q is not a column of %s (after renaming)")
          :format(k, path), 2)
      end
    end
    self.key = spec.key
    local index = {}
    for _, t in ipairs(recs) do
      local parts = {}
      for i, k in ipairs(self.key) do
        parts[i] = key_part(t[k])
        if parts[i] == nil then parts = nil; break end
      end
      if parts then
        local ks = table.concat(parts, "\0")
        if index[ks] then
          self.duplicates = self.duplicates + 1
        else
          index[ks] = t
        end
      end
    end
    self.index = index
  else
    local fcol = find_column(names, spec.file or "file")
    if not fcol then
      return nil, ("%s: no %q column to find files by (and no 'key' to join on)")
        :format(path, spec.file or "file"), "EPARSE"
    end
    local prefix = base_dir and (gsub(clean_path(base_dir), "/+$", "") .. "/")
    local by_path, by_base, base_of = {}, {}, {}
    for r, row in ipairs(rows) do
      local f = row[fcol] and clean_path(trim(row[fcol]))
      if f and f ~= "" then
        if prefix and sub(f, 1, #prefix) == prefix then f = sub(f, #prefix + 1) end
        if by_path[f] == nil then
          by_path[f] = recs[r]
        else
          self.duplicates = self.duplicates + 1
        end
        local b = basename(f)
        -- the same base name in two folders: ambiguous, found by path only
        if by_base[b] == nil then
          by_base[b], base_of[b] = by_path[f], f
        elseif base_of[b] ~= f then
          by_base[b] = false
        end
      end
    end
    self.by_path, self.by_base = by_path, by_base
  end
  return self
end

-- }======================================================

return M
