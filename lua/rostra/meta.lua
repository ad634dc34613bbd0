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
-- @param[opt] report a `M.report` that notes how the name and the sidecar
--   fitted this file (for a load's warnings and coverage)
-- @treturn table
function M.for_speech(text_meta, front, rel, opts, sidecar, report)
  local name_meta
  if opts.meta ~= nil and rel ~= nil then
    if report then name_meta = report:from_name(rel) else name_meta = M.from_name(opts.meta, rel) end
  end
  local side_meta
  if sidecar and rel then
    local known = M.merge(text_meta, name_meta, nil, front)
    if report then side_meta = report:lookup(rel, known) else side_meta = sidecar:lookup(rel, known) end
  end
  local given = M.merge(nil, name_meta, side_meta, front)
  local m = M.normalize(M.merge(text_meta, name_meta, side_meta, front))
  if given.lang == nil and opts.lang ~= nil then m.lang = opts.lang end
  if m.file == nil then m.file = rel end
  if report and rel then report:add(rel, m) end
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

-- Parse a template into a list of tokens {lit = "..."} / {field = name,
-- pat = LUA_PATTERN | nil}. Returns the list, or nil, column, message.
local function parse_template(tpl)
  local toks, lit = {}, {}
  local pos, n, last_plain = 1, #tpl, false
  local function flush()
    if #lit > 0 then
      toks[#toks + 1] = { lit = table.concat(lit) }
      lit = {}
      last_plain = false
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
      local close = find(tpl, "[{}:]", pos + 1)
      if not close or sub(tpl, close, close) == "{" then
        return nil, pos, "unclosed '{'"
      end
      local name = sub(tpl, pos + 1, close - 1)
      local pat
      if sub(tpl, close, close) == ":" then
        -- the pattern runs to the first '}' not escaped by '%'
        local k, stop = close + 1, nil
        while k <= n do
          local ch = sub(tpl, k, k)
          if ch == "%" then k = k + 2
          elseif ch == "}" then stop = k; break
          elseif ch == "{" then
            return nil, k, "'{' inside a field pattern (write %{ for a literal brace)"
          else k = k + 1 end
        end
        if not stop then return nil, pos, "unclosed '{'" end
        pat = sub(tpl, close + 1, stop - 1)
        if pat == "" then return nil, close + 1, "empty pattern after ':'" end
        local bad = match(pat, "\\[dwsDWS]")
        if bad then
          return nil, close + 1, ("the field pattern is a Lua pattern: write %%%s, not %s")
            :format(sub(bad, 2), bad)
        end
        local ok, err = pcall(find, "", "^" .. pat .. "$")
        if not ok then
          return nil, close + 1, ("bad field pattern '%s': %s")
            :format(pat, (gsub(tostring(err), "^.-:%d+: ", "")))
        end
        close = stop
      end
      if name == "" then return nil, pos, "empty field name" end
      if name ~= "*" and not match(name, "^[%w_.-]+$") then
        return nil, pos + 1, ("invalid field name '%s' (letters, digits, '_', '-', '.', or '*')"):format(name)
      end
      flush()
      if last_plain and not pat then
        return nil, pos,
          "two fields with no literal text between them (give one a pattern, e.g. {year:%d%d%d%d})"
      end
      toks[#toks + 1] = { field = name, pat = pat, keep = name ~= "_" and name ~= "*" }
      last_plain = pat == nil
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

-- the date forms a plain {date} field tries, in order, before any text
local DATE_FORMS = { "^%d%d%d%d%-%d%d%-%d%d", "^%d%d%d%d%d%d%d%d", "^%d%d%d%d" }

local function valid_date(s)
  local m, d = match(s, "^%d%d%d%d%-?(%d%d)%-?(%d%d)$")
  if not m then return #s == 4 end
  m, d = tonumber(m), tonumber(d)
  return m >= 1 and m <= 12 and d >= 1 and d <= 31
end

-- the date ends (exclusive) at `pos` of `s`, in order of preference
local function date_ends(s, pos, limit)
  local out, seen = {}, {}
  for _, f in ipairs(DATE_FORMS) do
    local a, b = find(s, f, pos)
    if a and b < limit and not seen[b] and valid_date(sub(s, a, b)) then
      seen[b] = true
      out[#out + 1] = b + 1
    end
  end
  return out
end

local MAX_STEPS = 20000 -- bounds the search of one name

-- A searcher for a template's tokens: search(s, first) gives the preferred
-- reading of `s` (a list {name, value, ...}) or nil; given that reading as
-- `first`, another one with other values, or nil. In another reading,
-- fields that read as digits the first time stay digits.
--
-- Fields are tried in order of preference: a plain field the shortest text
-- first (ending where the next literal starts), a field with a pattern the
-- longest first, a date its date forms first. A field with a pattern or a
-- date is decisive: its first text that lets the rest match is its only one.
local function make_search(toks)
  local nt = #toks
  local use_memo, seen = true, {}
  for _, t in ipairs(toks) do
    if t.field and t.keep then
      if seen[t.field] then use_memo = false end -- failures depend on values
      seen[t.field] = true
    end
  end
  local s, ns, memo, steps, found, acc, vals, digits, firstkey
  local function value_key(list)
    local parts = {}
    for i = 1, #list, 2 do parts[#parts + 1] = list[i] .. "=" .. list[i + 1] end
    return table.concat(parts, "\0")
  end
  local walk
  -- take the field text s[pos, e) and go on: true when a reading was reached
  local function take(tok, ti, pos, e)
    if not tok.keep then return walk(ti + 1, e) end
    local v, had, n0 = sub(s, pos, e - 1), vals[tok.field], #acc
    if had ~= nil and had ~= v then return false end
    if digits and digits[tok.field] and not find(v, "^%d+$") then return false end
    vals[tok.field] = v
    acc[n0 + 1], acc[n0 + 2] = tok.field, v
    local r = walk(ti + 1, e)
    acc[n0 + 1], acc[n0 + 2] = nil, nil
    vals[tok.field] = had
    return r
  end
  walk = function(ti, pos)
    steps = steps + 1
    if steps > MAX_STEPS or found then return false end
    if ti > nt then
      if pos ~= ns + 1 then return false end
      if firstkey == nil or value_key(acc) ~= firstkey then found = { table.unpack(acc) } end
      return true
    end
    local mk = ti * (ns + 2) + pos
    if use_memo and memo[mk] then return false end
    local tok = toks[ti]
    local any = false
    if tok.lit then
      local l = tok.lit
      any = sub(s, pos, pos + #l - 1) == l and walk(ti + 1, pos + #l)
    else
      local limit = find(s, "/", pos, true) or ns + 1
      local nxt = toks[ti + 1]
      local ends
      if nxt == nil then
        ends = limit == ns + 1 and { ns + 1 } or {}
      elseif nxt.lit then
        ends = {}
        local k = pos + 1
        while true do
          local a = find(s, nxt.lit, k, true)
          if not a or a > limit then break end
          ends[#ends + 1] = a
          k = a + 1
        end
        if tok.pat and find("", "^" .. tok.pat .. "$") and find(s, nxt.lit, pos, true) == pos then
          table.insert(ends, 1, pos) -- a pattern may match the empty text
        end
      else
        ends = {}
        for e = pos, limit do ends[#ends + 1] = e end
      end
      if tok.pat then
        local p = "^" .. tok.pat .. "$"
        for i = #ends, 1, -1 do -- the longest first
          local e = ends[i]
          if find(sub(s, pos, e - 1), p) and take(tok, ti, pos, e) then any = true break end
          if found or steps > MAX_STEPS then break end
        end
      else
        local dates = tok.field == "date" and date_ends(s, pos, limit)
        if dates and #dates > 0 then
          for _, e in ipairs(dates) do
            if take(tok, ti, pos, e) then any = true break end
            if found or steps > MAX_STEPS then break end
          end
        else
          for _, e in ipairs(ends) do
            if e > pos and take(tok, ti, pos, e) then any = true end
            if found or steps > MAX_STEPS then break end
          end
        end
      end
    end
    if not any and use_memo and steps <= MAX_STEPS then memo[mk] = true end
    return any
  end
  return function(str, first)
    s, ns, memo, steps, found, acc, vals = str, #str, {}, 0, nil, {}, {}
    digits, firstkey = nil, nil
    if first then
      digits, firstkey = {}, value_key(first)
      for i = 1, #first, 2 do
        if find(first[i + 1], "^%d+$") then digits[first[i]] = true end
      end
    end
    walk(1, 1)
    local r = found
    s, memo, acc, vals, found = nil, nil, nil, nil, nil
    return r
  end
end

local Matcher = {}
Matcher.__index = Matcher

-- a flat list {name1, value1, name2, value2, ...} -> table
local function pairs_to_table(list)
  local t = {}
  for i = 1, #list, 2 do t[list[i]] = list[i + 1] end
  return t
end

local function copy(t)
  local o = {}
  for k, v in pairs(t) do o[k] = v end
  return o
end

-- the text a spec matches: the base name, or the relative path for a
-- template with '/'
local function subject(self, relpath)
  relpath = clean_path(relpath)
  if self.kind == "template" and self.on_path then return relpath end
  return basename(relpath)
end

--- Match a file against the compiled spec.
-- A template without `/` is matched against the base name, one with `/`
-- against the whole relative path; an lpeg pattern gets the base name; a
-- function gets `(basename, relpath)`.
-- @tparam string relpath path relative to the loaded folder (or a base name)
-- @treturn table|nil normalised metadata, or nil when the name does not match
-- @treturn table|nil for a template, a second reading of the name with
--   other values (the name splits more than one way), normalised
function Matcher:match(relpath)
  if type(relpath) ~= "string" then
    error(("bad argument #1 to 'match' (string expected, got %s)"):format(type(relpath)), 2)
  end
  local name = subject(self, relpath)
  local kind = self.kind
  local t, other
  if kind == "template" then
    local first = self.search(name)
    t = first and pairs_to_table(first)
    local second = first and self.search(name, first)
    other = second and M.normalize(pairs_to_table(second))
  elseif kind == "pattern" then
    local r = self.pattern:match(name)
    if type(r) == "table" then
      t = r
    elseif r ~= nil then
      -- bare named groups outside a table: collect them with Ct
      local all = self.collect:match(name) or {}
      t = {}
      for k, v in pairs(all) do
        if type(k) == "string" then t[k] = v end
      end
    end
  else
    relpath = clean_path(relpath)
    local r = self.fn(basename(relpath), relpath)
    if r ~= nil and r ~= false then
      if type(r) ~= "table" then
        error(("metadata function returned a %s (table or nil expected)"):format(type(r)), 2)
      end
      t = copy(r)
    end
  end
  return t and M.normalize(t), other
end

--- The kept field names of a template, in order (empty for a pattern or a
-- function).
-- @treturn {string,...}
function Matcher:fields()
  local out, seen = {}, {}
  for _, t in ipairs(self.toks or {}) do
    if t.field and t.keep and not seen[t.field] then
      seen[t.field] = true
      out[#out + 1] = t.field
    end
  end
  return out
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
    self.kind, self.toks, self.search = "template", toks, make_search(toks)
    self.on_path = find(spec, "/", 1, true) ~= nil
  elseif lpeg.type(spec) == "pattern" then
    self.kind, self.pattern, self.collect = "pattern", spec, lpeg.Ct(spec)
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
-- How a template reads a name: from left to right, literal text must be
-- there as written, and each field takes
--
-- * `{name}`: the shortest text (at least one character) after which the
--   rest of the template can still match, up to the end of the name;
-- * `{name:pattern}`: the longest text that the Lua pattern matches as a
--   whole (`{year:%d%d%d%d}`, `{president:.+}`, `{party:[^_]+}`) after
--   which the rest can still match;
-- * `{date}`: a date (`YYYY-MM-DD`, then `YYYYMMDD`, then `YYYY`) when one
--   is there, else as `{name}`.
--
-- No field crosses a `/`. `{_}` and `{*}` match but are not kept. `{{` and
-- `}}` are literal braces; `%}` in a pattern is a literal brace. A field
-- named twice must match the same text both times. Two fields without
-- text between them need a pattern on the second.
--
-- A name may split more than one way: `{year}_{president}_{party}.txt` reads
-- `1790_george_washington_n.txt` as president `george`, party
-- `washington_n` (the first field is the shortest), though president
-- `george_washington`, party `n` also fits. `match` returns that second
-- reading too, and loading warns about it: give a field a pattern
-- (`{president:.+}` or `{party:[^_]+}`) to say which is meant. Only plain
-- fields make a name ambiguous: a field with a pattern or a date takes the
-- first text that fits.
-- @param spec template string, lpeg pattern or function
-- @treturn table an object with `:match(relpath)` and `:fields()`
-- @raise on a malformed template or field pattern, naming the template and
--   the column
function M.compile(spec)
  local m = compile(spec, 2) -- not a tail call: keeps the error level right
  return m
end

local cache = setmetatable({}, { __mode = "k" })

local function cached(spec, level)
  local m = cache[spec]
  if not m then
    m = compile(spec, level + 1)
    cache[spec] = m
  end
  return m
end

--- Compile `spec` (cached per spec) and match `relpath` against it.
-- @param spec as for `compile`
-- @tparam string relpath
-- @treturn table|nil
-- @treturn table|nil a second reading, as for `Matcher:match`
function M.from_name(spec, relpath)
  local m = cached(spec, 2)
  return m:match(relpath)
end

-- }======================================================

-- {====================================================== delimited files

local QUOTE, CR, LF = 34, 13, 10
-- the keys of a sidecar spec (read_delimited takes the same table)
local SIDECAR_OPTS = { path = true, key = true, file = true, columns = true, sep = true, extra_fields = true,
                       lines = true }


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
  if type(opts) == "table" then
    for k in pairs(opts) do
      -- a sidecar spec passes its own keys through
      if not SIDECAR_OPTS[k] then
        error("rostra.meta: " .. require("rostra.opts").unknown("option", k, { "extra_fields", "lines" },
          "read_delimited"), level + 1)
      end
    end
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
  if row then self.used[row] = true end
  return row and copy(row) or nil
end

--- What a load should say about the sidecar: warnings for duplicate
-- column names, rows whose file or key comes again (the first row wins)
-- and, once every file was looked up, rows that matched no file.
-- @treturn {string,...}
function Sidecar:warnings()
  local out = {}
  for _, d in ipairs(self.duplicate_columns) do
    out[#out + 1] = ("sidecar %s: column '%s' comes %d times (columns %s); the first is used")
      :format(self.path, d.name, #d.at, table.concat(d.at, ", "))
  end
  if #self.duplicate_rows > 0 then
    local list = {}
    for i = 1, math.min(5, #self.duplicate_rows) do
      local d = self.duplicate_rows[i]
      list[i] = ("line %d (%s, first on line %d)"):format(d.line, d.label, d.first)
    end
    local more = #self.duplicate_rows > 5 and (" and %d more"):format(#self.duplicate_rows - 5) or ""
    out[#out + 1] = ("sidecar %s: %d rows repeat the %s of an earlier row and are not used: %s%s")
      :format(self.path, #self.duplicate_rows, self.key and "key" or "file", table.concat(list, ", "), more)
  end
  local unused = {}
  for _, r in ipairs(self.records) do
    if r.meta and not self.used[r.meta] and not r.duplicate then unused[#unused + 1] = r end
  end
  if #unused > 0 then
    local list = {}
    for i = 1, math.min(5, #unused) do list[i] = ("line %d (%s)"):format(unused[i].line, unused[i].label) end
    local more = #unused > 5 and (" and %d more"):format(#unused - 5) or ""
    out[#out + 1] = ("sidecar %s: %d of %d rows match no file: %s%s"):format(self.path, #unused,
      #self.records, table.concat(list, ", "), more)
  end
  return out
end

--- How many rows were used by a lookup so far.
-- @treturn integer
function Sidecar:used_rows()
  local n = 0
  for _ in pairs(self.used) do n = n + 1 end
  return n
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
  for k in pairs(spec) do
    if not SIDECAR_OPTS[k] then
      error("rostra.meta: " .. require("rostra.opts").unknown("key", k, SIDECAR_OPTS, "sidecar"), 3)
    end
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
  -- a sidecar is someone else's sheet: a stray cell past the header (a
  -- footnote, as in the UNGDC speakers sheet) is dropped, not fatal; the
  -- line of each row is kept for the messages
  local lenient = {}
  for k, v in pairs(spec) do lenient[k] = v end
  if lenient.extra_fields == nil then lenient.extra_fields = "drop" end
  lenient.lines = true
  spec = lenient
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
  local lines = code -- with lines = true, the third value is the line of each row

  local names = {}
  for i, h in ipairs(header) do names[i] = trim(h) end
  local duplicate_columns, first_at = {}, {}
  for i, h in ipairs(names) do
    if h ~= "" then
      local f = first_at[h]
      if not f then
        first_at[h] = { name = h, at = { i } }
      else
        f.at[#f.at + 1] = i
        if #f.at == 2 then duplicate_columns[#duplicate_columns + 1] = f end
      end
    end
  end
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

  local self = setmetatable({ path = path, count = #rows, duplicates = 0, used = {},
    duplicate_columns = duplicate_columns, duplicate_rows = {}, records = {} }, Sidecar)
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
    self.records[r] = { line = lines[r] or r + 1, meta = recs[r] }
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
    local index, first_line = {}, {}
    for r, t in ipairs(recs) do
      local parts = {}
      for i, k in ipairs(self.key) do
        parts[i] = key_part(t[k])
        if parts[i] == nil then parts = nil; break end
      end
      local rec = self.records[r]
      if parts then
        local ks = table.concat(parts, "\0")
        local label = {}
        for i, k in ipairs(self.key) do label[i] = k .. "=" .. parts[i] end
        rec.label = table.concat(label, ", ")
        if index[ks] then
          self.duplicates = self.duplicates + 1
          rec.duplicate = true
          self.duplicate_rows[#self.duplicate_rows + 1] = { line = rec.line, label = rec.label,
            first = first_line[ks] }
        else
          index[ks] = t
          first_line[ks] = rec.line
        end
      else
        rec.label = "no key"
      end
    end
    self.index = index
  else
    local fcol = find_column(names, spec.file or "file")
    if not fcol then
      return nil, ("%s: no %q column to find files by (and no 'key' to join on)")
        :format(path, spec.file or "file"), "EPARSE"
    end
    self.file_column = out[fcol] or nil
    local prefix = base_dir and (gsub(clean_path(base_dir), "/+$", "") .. "/")
    local by_path, by_base, base_of, first_line = {}, {}, {}, {}
    for r, row in ipairs(rows) do
      local f = row[fcol] and clean_path(trim(row[fcol]))
      local rec = self.records[r]
      rec.label = f ~= nil and f ~= "" and f or "no file"
      if f and f ~= "" then
        if prefix and sub(f, 1, #prefix) == prefix then f = sub(f, #prefix + 1) end
        if by_path[f] == nil then
          by_path[f] = recs[r]
          first_line[f] = rec.line
        else
          self.duplicates = self.duplicates + 1
          rec.duplicate = true
          self.duplicate_rows[#self.duplicate_rows + 1] = { line = rec.line, label = f,
            first = first_line[f] }
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

-- {====================================================== reports

local Report = {}
Report.__index = Report

--- A report of how a file-name spec and a sidecar gave metadata to the
-- files of a load: `r:from_name(relpath)` in place of `from_name` (it
-- notes names that do not match and names that split more than one way),
-- `r:add(relpath, meta)` with each speech's final metadata, then
-- `r:finish()`.
-- @param spec a file-name spec (as for `compile`), or nil
-- @param sidecar a sidecar (from `M.sidecar`), or nil
-- @return Report
function M.report(spec, sidecar)
  local self = setmetatable({ spec = spec, sidecar = sidecar, total = 0, matched = 0,
    unmatched = {}, ambiguous = {}, counts = {}, keys = {}, names = 0 }, Report)
  if spec ~= nil then
    self.matcher = cached(spec, 2)
    for _, f in ipairs(self.matcher:fields()) do self:_key(f) end
  end
  if sidecar ~= nil then
    for _, k in ipairs(M.sidecar_keys(sidecar)) do
      if not (sidecar.file_column and k == sidecar.file_column) then self:_key(k) end
    end
  end
  return self
end

function Report:_key(k)
  if k ~= "file" and not self.counts[k] then
    self.counts[k] = 0
    self.keys[#self.keys + 1] = k
  end
end

--- The metadata the spec gives a file name (as `from_name`), noting the
-- names that do not match and those that split more than one way.
-- @tparam string relpath
-- @treturn table|nil
function Report:from_name(relpath)
  self.names = self.names + 1
  local t, other = self.matcher:match(relpath)
  if t then
    self.matched = self.matched + 1
    if self.matcher.kind ~= "template" then
      for k in pairs(t) do self:_key(k) end
    end
    if other then self.ambiguous[#self.ambiguous + 1] = { name = relpath, taken = t, other = other } end
  else
    self.unmatched[#self.unmatched + 1] = relpath
  end
  return t
end

--- The sidecar's row for a file (as `sidecar:lookup`), noting the files
-- that have none.
-- @tparam string relpath
-- @tparam[opt] table known metadata already known (for a join)
-- @treturn table|nil
function Report:lookup(relpath, known)
  local row = self.sidecar:lookup(relpath, known)
  self.looked = (self.looked or 0) + 1
  if not row then
    self.no_row = self.no_row or {}
    self.no_row[#self.no_row + 1] = relpath
  end
  return row
end

--- Count a speech's final metadata for the coverage.
-- @tparam string relpath
-- @tparam table meta
function Report:add(relpath, meta) -- luacheck: no unused args
  self.total = self.total + 1
  for _, k in ipairs(self.keys) do
    if meta[k] ~= nil then self.counts[k] = self.counts[k] + 1 end
  end
end

local function show(v)
  if type(v) == "string" then return v end
  return tostring(v)
end

-- "president=george, party=washington_n": the fields that differ, in template order
local function differing(order, a, b)
  local x, y, names = {}, {}, {}
  local keys = {}
  for _, k in ipairs(order) do keys[#keys + 1] = k end
  for k in pairs(a) do
    local known = false
    for _, o in ipairs(order) do if o == k then known = true end end
    if not known then keys[#keys + 1] = k end
  end
  for _, k in ipairs(keys) do
    if a[k] ~= b[k] then
      x[#x + 1] = k .. "=" .. show(a[k])
      y[#y + 1] = k .. "=" .. show(b[k])
      names[#names + 1] = k
    end
  end
  return table.concat(x, ", "), table.concat(y, ", "), names
end

--- The coverage: a list `{key, n, total}` for the keys of the template
-- (its fields, in order; for an lpeg pattern or a function, the keys they
-- gave) and of the sidecar (its kept columns but the file column).
-- @treturn table
function Report:coverage()
  local out = {}
  for _, k in ipairs(self.keys) do out[#out + 1] = { key = k, n = self.counts[k], total = self.total } end
  return out
end

--- "year 233/233, president 233/233, party 0/233"
-- @tparam table coverage as `Report:coverage()` gives it
-- @treturn string
function M.coverage_line(coverage)
  local parts = {}
  for i, c in ipairs(coverage) do parts[i] = ("%s %d/%d"):format(c.key, c.n, c.total) end
  return table.concat(parts, ", ")
end

local function spec_name(spec)
  if type(spec) == "string" then return ("the template '%s'"):format(spec) end
  if type(spec) == "function" then return "the metadata function" end
  return "the metadata pattern"
end

local function first_names(list, n)
  local out = {}
  for i = 1, math.min(n, #list) do out[i] = list[i] end
  local s = table.concat(out, ", ")
  if #list > n then s = s .. (", and %d more"):format(#list - n) end
  return s
end

--- The warning for one file name under a spec, or nil: the name does not
-- match, or it splits more than one way (`taken` and `other` as
-- `Matcher:match` returns them).
-- @param spec
-- @tparam string name
-- @tparam table|nil taken
-- @tparam table|nil other
-- @treturn string|nil
function M.name_warning(spec, name, taken, other)
  if not taken then
    return ("%s does not match %s: no metadata from its name"):format(name, spec_name(spec))
  end
  if not other then return nil end
  local x, y, names = differing(cached(spec, 2):fields(), taken, other)
  return ("%s splits more than one way under %s: %s (taken) or %s; give a field a pattern, e.g. "
    .. "{%s:.+} for the longest"):format(name, spec_name(spec), x, y, names[1] or "name")
end

--- The end of a load: an error when the spec or the sidecar matched no
-- file at all, else the warnings (names that did not match, names that
-- split more than one way, the sidecar's warnings).
-- @treturn {string,...}|nil warnings
-- @treturn string message (when nil): "the template ... matches none of ..."
-- @treturn string code `"ENOMATCH"`
function Report:finish()
  local warnings = {}
  if self.spec ~= nil and self.names > 0 then
    if self.matched == 0 then
      return nil, ("%s matches none of the %d file names (such as %s); a template reads the whole "
        .. "base name, extension included"):format(spec_name(self.spec), self.names,
        first_names(self.unmatched, 3)), "ENOMATCH"
    end
    if #self.unmatched > 0 then
      warnings[#warnings + 1] = ("%s matches %d of %d file names; these get no metadata from it: %s")
        :format(spec_name(self.spec), self.matched, self.names, first_names(self.unmatched, 5))
    end
    for _, a in ipairs(self.ambiguous) do
      warnings[#warnings + 1] = M.name_warning(self.spec, a.name, a.taken, a.other)
    end
  end
  local sc = self.sidecar
  if sc and self.total > 0 then
    if sc:used_rows() == 0 and #sc.records > 0 then
      local labels = {}
      for i = 1, math.min(3, #sc.records) do labels[i] = sc.records[i].label end
      return nil, ("sidecar %s matches none of the %d files (its rows name %s; files are named "
        .. "relative to the folder loaded, or by base name)"):format(sc.path, self.total,
        table.concat(labels, ", ")), "ENOMATCH"
    end
    if self.no_row and #self.no_row > 0 then
      warnings[#warnings + 1] = ("sidecar %s has a row for %d of %d files; these get no metadata from "
        .. "it: %s"):format(sc.path, self.looked - #self.no_row, self.looked, first_names(self.no_row, 5))
    end
    for _, w in ipairs(sc:warnings()) do warnings[#warnings + 1] = w end
  end
  return warnings
end

--- Sidecar columns kept under their metadata names (for the coverage).
-- @param sc a sidecar
-- @treturn {string,...}
function M.sidecar_keys(sc)
  local out, seen = {}, {}
  for _, r in ipairs(sc.records) do
    for k in pairs(r.meta) do
      if not seen[k] then seen[k] = true out[#out + 1] = k end
    end
  end
  table.sort(out)
  return out
end

-- }======================================================

return M
