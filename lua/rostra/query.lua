--- The query language: CQP-style corpus queries parsed into a query program.
--
-- `query.compile(text)` parses a query such as
-- `"development" []{0,3} cooperation within sentence :: year >= 2015`
-- into a QUERY PROGRAM, a tree of plain Lua tables that the C matcher walks.
-- The language itself is described for analysts in docs/query.md.
--
-- ## The program (the contract with the C matcher)
--
--     prog = {
--       seq      = <node>,          -- the pattern; always a node with op = "seq";
--                                   -- it cannot match zero tokens (checked)
--       within   = <struct>|nil,    -- "sentence" | "segment" | "point" | "quotation" | "speech"
--       meta     = <mnode>|nil,     -- metadata constraint after '::'
--       literals = { <group>... },  -- = query.literals(prog), see below
--     }
--
-- Nodes (`op`); children are in the array part, in query order:
--
--     {op = "seq", n1, n2, ...}   one or more nodes in a row; never nested in
--                                 another seq (flattened); only the root seq
--                                 may have a single child
--     {op = "alt", n1, n2, ...}   two or more alternatives (flattened: no alt
--                                 child); a child may be a seq
--     {op = "rep", min = m, max = M|nil, n1}
--                                 n1 (any node) repeated m..M times; max nil =
--                                 unbounded; integers, 0 <= min <= 1000,
--                                 1 <= max <= 1000, min <= max; never {1,1}
--                                 (`a{1}` is `a`); `?` = {0,1}, `*` = {0,nil},
--                                 `+` = {1,nil}
--     {op = "tok", test = <test>} one token that passes the test
--     {op = "open", struct = <struct>, attrs = {...}}
--                                 zero width: the next token is the first token
--                                 of such a region (`<segment kind = "closing">`)
--     {op = "close", struct = <struct>}
--                                 zero width: the previous token is the last
--                                 token of such a region (`</sentence>`)
--
-- `struct` is always the canonical name ("sentence", never "s"). `attrs`
-- (always a table, maybe empty) holds at most: segment `kind` (a string, one
-- of "salutation", "paragraph", "closing", "heading"), point `ordinal` (an
-- integer >= 1), quotation `depth` (an integer >= 0; 0 = outermost).
--
-- Token tests (`t`):
--
--     {t = "any"}                                     `[]`
--     {t = "eq", attr = A, value = V, mode = M, flags = F}
--     {t = "ne", attr = A, value = V, mode = M, flags = F}   not equal
--     {t = "and", t1, t2, ...}   two or more; never an "and" child (flattened)
--     {t = "or",  t1, t2, ...}   two or more; never an "or" child (flattened)
--     {t = "not", t1}
--
--   * `attr`: "word" (the form as written), "lower" (the lower form of the
--     index, rostra.lower) or "stem".
--   * `mode` "literal": `value` is the exact form: a hash lookup in the
--     vocabulary of `attr`. From a string without regex metacharacters
--     (`"security"`, `"U\.S\."` gives `U.S.`), a `%l` string, or a bare word
--     (lower-cased with rostra.lower). The `l` flag never appears in `flags`.
--     `mode` "regex": `value` is a PCRE2 pattern (UTF mode), matched against
--     the whole form (anchor it: `^(?:value)$`), applied to the vocabulary.
--     Only a light check was done here (balanced brackets and parentheses,
--     nothing to repeat); the C side compiles and reports the rest.
--     `mode` "glob": `value` is a glob over lower forms (only from bare words,
--     so attr is "lower" and flags ""): `*` any run of characters, `?` one
--     character; query.glob_to_regex(value) gives the PCRE2 pattern.
--   * `flags`: "", "c", "d" or "cd" (always in this order): c = ignore case,
--     d = ignore diacritics (compare forms after case folding and/or removing
--     combining marks, on both sides). A literal with flags is still a lookup,
--     in the folded vocabulary.
--
-- Metadata nodes (`t`), for `:: speaker = "Xi Jinping" & year >= 2015`:
--
--     {t = "cmp", field = F, op = OP, value = V}   OP: = != < <= > >=
--     {t = "in", field = F, values = {V1, V2, ...}}  one or more values
--     {t = "and", m1, m2, ...}  {t = "or", m1, m2, ...}  (flattened, as above)
--     {t = "not", m1}
--
--   `value`s are Lua strings (exact, case-sensitive comparison; `<` etc. in
--   byte order, so ISO dates "2020-11-10" order correctly) or Lua numbers
--   (integers when written without '.' or exponent), compared numerically
--   with numeric metadata.
--
-- Literals (`query.literals(prog)`, also `prog.literals`): what every match
-- must contain, for the matcher to start from the rarest postings. A list of
-- groups in query order; a group is a list of `{attr = A, value = V,
-- flags = F}` (literal tests): every match contains at least one token that
-- passes one of the group's tests. `a b? c` gives `{{a}, {c}}`;
-- `(a | b) c` gives `{{a, b}, {c}}`; `[]` or a regex gives nothing. Tests
-- joined by `&` give a group each; an alternation (`|` between tokens or
-- between tests) gives one group, the union of the first group of each
-- alternative, or nothing when an alternative has none. Repetitions with
-- min 0, `!` and `!=` give nothing. Duplicates are dropped.
--
-- ## Errors
--
-- A malformed query raises a Lua error (a string, no traceback position)
-- `query:LINE:COL: message`: LINE 1-based (lines end at "\n"), COL the
-- 1-based BYTE column in that line (so a character after non-ASCII text has
-- a larger column than its character count). At the end of the query the
-- position is one past the last byte. docs/query.md lists the messages.
-- Limits: 16384 bytes (query.max_length), nesting of `(`, `[` and `!` 32
-- deep (query.max_depth), repetition bounds 1000 (query.max_repeat).
-- @module rostra.query

local lpeg = require "lpeg"
local core = require "rostra.core"

local P, R, S, C, Cc, Cp, Ct, Cmt, V =
  lpeg.P, lpeg.R, lpeg.S, lpeg.C, lpeg.Cc, lpeg.Cp, lpeg.Ct, lpeg.Cmt, lpeg.V
local find, format, gsub, match, sub = string.find, string.format, string.gsub, string.match, string.sub
local concat, sort = table.concat, table.sort
local tointeger = math.tointeger

local M = {}

--- The largest repetition bound accepted (`{n,m}`).
M.max_repeat = 1000

--- The longest query accepted, in bytes.
M.max_length = 16384

--- The deepest nesting of '(', '[' and '!' accepted.
M.max_depth = 32

--- Token attributes, in the order error messages list them.
M.attributes = { "word", "lower", "stem" }

--- Structures (canonical names) for `within` and structure tags.
M.structures = { "sentence", "segment", "point", "quotation", "speech" }

local ATTR = { word = true, lower = true, stem = true }
local ATTR_LIST = "word, lower, stem"

local STRUCT = {
  sentence = "sentence", s = "sentence", segment = "segment", point = "point",
  quotation = "quotation", speech = "speech",
}
local STRUCT_LIST = "sentence, s, segment, point, quotation, speech"

-- attributes of structure tags: "kind" a segment kind, "int1" an integer >= 1,
-- "int0" an integer >= 0
local STRUCT_ATTR = {
  segment = { kind = "kind" },
  point = { ordinal = "int1" },
  quotation = { depth = "int0" },
}
local SEG_KIND = { salutation = true, paragraph = true, closing = true, heading = true }
local SEG_KIND_LIST = "salutation, paragraph, closing, heading"

-- {====================================================== errors

local function linecol(s, i)
  local line, start = 1, 1
  local nl = find(s, "\n", 1, true)
  while nl and nl < i do
    line, start = line + 1, nl + 1
    nl = find(s, "\n", nl + 1, true)
  end
  return line, i - start + 1
end

local function where(s, i)
  return format("%d:%d", linecol(s, i))
end

local function fail(s, i, msg)
  if i > #s + 1 then i = #s + 1 end
  error(format("query:%s: %s", where(s, i), msg), 0)
end

-- what is at position i, for "found ..." in a message
local function found(s, i)
  if i > #s then return "end of query" end
  local w = match(s, "^[%w_\128-\255]+", i)
  if w then
    -- do not cut a UTF-8 sequence: the run holds whole characters unless the
    -- text is invalid, which is then shown as it is
    return "'" .. w .. "'"
  end
  return "'" .. sub(s, i, i) .. "'"
end

-- a pattern that raises `msg` at the current position
local function E(msg)
  return Cmt(P(true), function(s, i) fail(s, i, msg) end)
end

-- the same, with what is found there appended
local function Efound(msg)
  return Cmt(P(true), function(s, i) fail(s, i, msg .. ", found " .. found(s, i)) end)
end

-- }======================================================

-- {====================================================== strings

local META = "[\\^$.|?*+()%[%]{}]"

--- Does `s` contain no regular expression metacharacter (`\ ^ $ . | ? * + ( ) [ ] { }`)?
-- Such a string matches exactly itself.
-- @tparam string s
-- @treturn boolean
function M.is_plain(s)
  if type(s) ~= "string" then
    error(format("bad argument #1 to 'is_plain' (string expected, got %s)", type(s)), 2)
  end
  return not find(s, META)
end

--- The PCRE2 pattern of a glob: `*` any run of characters, `?` one
-- character (a code point, with PCRE2_UTF), every regex metacharacter
-- escaped, anchored at both ends: `secur*` -> `^secur.*$`.
-- @tparam string glob
-- @treturn string
function M.glob_to_regex(glob)
  if type(glob) ~= "string" then
    error(format("bad argument #1 to 'glob_to_regex' (string expected, got %s)", type(glob)), 2)
  end
  local body = gsub(glob, META, function(c)
    if c == "*" then return ".*" elseif c == "?" then return "." end
    return "\\" .. c
  end)
  return "^" .. body .. "$"
end

-- the value of a regular expression string: \" and \' become the quote
-- (PCRE reads them so anyway); every other escape stays for PCRE
local function unescape_regex(raw)
  return (gsub(raw, "\\(.)", function(c)
    if c == '"' or c == "'" then return c end
    return "\\" .. c
  end))
end

-- the value of a %l string: \" \' \\ are the character; other backslashes stay
local function unescape_literal(raw)
  return (gsub(raw, "\\(.)", function(c)
    if c == '"' or c == "'" or c == "\\" then return c end
    return "\\" .. c
  end))
end

-- the value of a metadata or structure string: a backslash escapes any character
local function unescape_plain(raw)
  return (gsub(raw, "\\(.)", "%1"))
end

-- a regular expression that only matches one form (no metacharacters, except
-- escaped ASCII punctuation such as \. ) as that form, else nil
local function regex_literal(v)
  local rest = gsub(v, "\\%p", "")
  if find(rest, META) then return nil end
  return (gsub(v, "\\(%p)", "%1"))
end

-- a light check of a regular expression: raw is the source text between the
-- quotes, starting at byte `at` of the query
local function check_regex(s, raw, at)
  local n = #raw
  local i = 1
  local opens = {}
  local atom = false -- can a quantifier follow here?
  while i <= n do
    local c = sub(raw, i, i)
    if c == "\\" then
      i, atom = i + 2, true
    elseif c == "[" then
      local j = i + 1
      if sub(raw, j, j) == "^" then j = j + 1 end
      if sub(raw, j, j) == "]" then j = j + 1 end
      while j <= n and sub(raw, j, j) ~= "]" do
        if sub(raw, j, j) == "\\" then
          j = j + 2
        elseif sub(raw, j, j + 1) == "[:" and find(raw, "^[%a]+:%]", j + 2) then
          j = find(raw, ":]", j + 2, true) + 2
        else
          j = j + 1
        end
      end
      if j > n then fail(s, at + i - 1, "unclosed '[' in regular expression") end
      i, atom = j + 1, true
    elseif c == "(" then
      opens[#opens + 1] = i
      i, atom = i + 1, false
      -- (?:...) (?i) (?=...) and (*VERB): not a quantifier
      local d = sub(raw, i, i)
      if d == "?" or d == "*" then i = i + 1 end
    elseif c == ")" then
      if #opens == 0 then fail(s, at + i - 1, "unmatched ')' in regular expression") end
      opens[#opens] = nil
      i, atom = i + 1, true
    elseif c == "|" then
      i, atom = i + 1, false
    elseif c == "*" or c == "+" or c == "?" then
      if not atom then
        fail(s, at + i - 1, format("nothing to repeat before '%s' in regular expression", c))
      end
      i = i + 1
      -- a lazy or possessive modifier
      local d = sub(raw, i, i)
      if d == "?" or d == "+" then i = i + 1 end
      atom = false
    elseif c == "{" then
      local q = match(raw, "^{%d*,?%d*}()", i)
      if q and q > i + 2 then
        if not atom then fail(s, at + i - 1, "nothing to repeat before '{' in regular expression") end
        i, atom = q, false
      else
        i, atom = i + 1, true
      end
    else
      i, atom = i + 1, true
    end
  end
  if #opens > 0 then fail(s, at + opens[#opens] - 1, "unclosed '(' in regular expression") end
end

-- scan a quoted string whose opening quote is at i: the raw text between the
-- quotes and the position after the closing quote
local function scan_string(s, i)
  local q = sub(s, i, i)
  local j = i + 1
  local n = #s
  while j <= n do
    local c = sub(s, j, j)
    if c == "\\" then
      j = j + 2
    elseif c == q then
      return sub(s, i + 1, j - 1), j + 1
    else
      j = j + 1
    end
  end
  fail(s, n + 1, format("expected %s to close the string started at %s",
    q == '"' and "'\"'" or "\"'\"", where(s, i)))
end

-- a token string ("secur.*"%c) at i: a partial test {value, mode, flags}
local function token_string(s, i)
  local raw, j = scan_string(s, i)
  local fc, fd, fl = false, false, false
  -- flags follow the string, with or without spaces ("x"%c, "x" %c), as in CQP
  local nb = find(s, "[^ \t\r\n]", j) or j
  if nb > j and sub(s, nb, nb) == "%" then j = nb end
  if sub(s, j, j) == "%" then
    j = j + 1
    local letters = match(s, "^%a*", j)
    if letters == "" then fail(s, j, "expected a flag (c, d or l) after '%'") end
    for k = 1, #letters do
      local f = sub(letters, k, k)
      if f == "c" then fc = true
      elseif f == "d" then fd = true
      elseif f == "l" then fl = true
      else fail(s, j + k - 1, format("unknown flag '%s' (valid: c, d, l)", f)) end
    end
    j = j + #letters
  end
  local flags = (fc and "c" or "") .. (fd and "d" or "")
  if fl then
    return j, { value = unescape_literal(raw), mode = "literal", flags = flags }
  end
  check_regex(s, raw, i + 1)
  local v = unescape_regex(raw)
  local lit = regex_literal(v)
  if lit then return j, { value = lit, mode = "literal", flags = flags } end
  return j, { value = v, mode = "regex", flags = flags }
end

-- a metadata or structure string at i: its value
local function plain_string(s, i)
  local raw, j = scan_string(s, i)
  return j, unescape_plain(raw)
end

-- }======================================================

-- {====================================================== tree builders

local function seq_of(list)
  local out = { op = "seq" }
  for _, n in ipairs(list) do
    if n.op == "seq" then
      for _, m in ipairs(n) do out[#out + 1] = m end
    else
      out[#out + 1] = n
    end
  end
  if #out == 1 then return out[1] end
  return out
end

local function alt_of(list)
  if #list == 1 then return list[1] end
  local out = { op = "alt" }
  for _, n in ipairs(list) do
    if n.op == "alt" then
      for _, m in ipairs(n) do out[#out + 1] = m end
    else
      out[#out + 1] = n
    end
  end
  return out
end

-- "and" / "or" of tests or metadata nodes, flattened
local function bool_of(kind)
  return function(list)
    if #list == 1 then return list[1] end
    local out = { t = kind }
    for _, x in ipairs(list) do
      if x.t == kind then
        for _, y in ipairs(x) do out[#out + 1] = y end
      else
        out[#out + 1] = x
      end
    end
    return out
  end
end

local function not_of(x) return { t = "not", x } end

local function tok(test) return { op = "tok", test = test } end

-- }======================================================

-- {====================================================== the grammar

local Sp = S" \t\r\n\f\v"^0
local digit = R"09"
local wchar = R("az", "AZ", "09") + P"_" + R"\128\255"
local gchar = S"*?"
local ident = (R("az", "AZ") + P"_") * (R("az", "AZ", "09") + P"_")^0
-- a bare word: letters, digits, '_', non-ASCII, the glob characters * and ?,
-- and ' - . , after the first character; at least one character that is not
-- a glob character (so a lone * or ? is a quantifier); the ? that end it are
-- quantifiers (a? = a optional)
local wmid = wchar + P"*" + S"'-.,"
local qrun = P"?"^1 * #wmid
local bare = #(gchar^0 * wchar) * (wchar + P"*" + qrun) * (wmid + qrun)^0

-- quantifier start (a * or ? that begins a glob is a word, not a quantifier)
local qstart = S"*?" * -(gchar^0 * wchar) + S"+{"

local ITEM = "expected a token, '(' or '<'"

-- `{n}`, `{n,m}`, `{n,}`, `{,m}` at i: the position after it and {min, max}
local function braces(s, i)
  local j = i + 1
  local function skip() j = match(s, "^[ \t\r\n\f\v]*()", j) end
  local function bound(pos, digits)
    if #digits > 4 or tonumber(digits) > M.max_repeat then
      fail(s, pos, format("repetition bound %s is above %d", digits, M.max_repeat))
    end
    return tointeger(tonumber(digits))
  end
  skip()
  local a, apos = match(s, "^(%d+)()", j)
  local min, max
  if a then
    min = bound(j, a)
    j = apos
    skip()
  end
  local c = sub(s, j, j)
  if c == "}" and a then
    max = min
  elseif c == "," then
    j = j + 1
    skip()
    local b, bpos = match(s, "^(%d+)()", j)
    if b then
      max = bound(j, b)
      j = bpos
      skip()
    elseif not a then
      fail(s, j, "expected a number after ','")
    end
    if sub(s, j, j) ~= "}" then
      fail(s, j, b and "expected '}' to close the repetition" or "expected a number or '}' after ','")
    end
    min = min or 0
  elseif a then
    fail(s, j, "expected ',' or '}' after the number")
  else
    fail(s, j, "expected a number after '{'")
  end
  if max and min > max then
    fail(s, i, format("bad repetition {%d,%d}: the minimum is above the maximum", min, max))
  end
  if max == 0 then fail(s, i, "the maximum of a repetition must be at least 1") end
  return j + 1, { min = min, max = max }
end

local quant = P"?" / function() return { min = 0, max = 1 } end
  + P"*" / function() return { min = 0 } end
  + P"+" / function() return { min = 1 } end
  + Cmt(P"{", function(s, i) return braces(s, i - 1) end)

local function rep_of(node, q)
  if not q or (q.min == 1 and q.max == 1) then return node end
  return { op = "rep", min = q.min, max = q.max, node }
end

-- `( inner )` with a message naming the opener when the closer is missing;
-- inner gives one capture
local function enclosed(open, inner, close, msg)
  return Cmt(Cp() * P(open) * Sp * inner * Sp * Cp() * C(P(close)^-1), function(s, i, o, node, c, got)
    if got == "" then fail(s, c, format(msg, where(s, o))) end
    return i, node
  end)
end

-- a bare word in a pattern
local function word(s, i, pos, w)
  if w == "within" then return false end
  if sub(s, i, i) == ":" and sub(s, i + 1, i + 1) ~= ":" then
    fail(s, pos, format("labels such as '%s:' are not supported", w))
  end
  if sub(s, i, i) == "%" then fail(s, i, "flags ('%') apply only to quoted strings") end
  if w == "MU" and find(s, "^%s*%(", i) then fail(s, pos, "MU (meet/union) queries are not supported") end
  if find(s, "^%s*!?=", i) then
    fail(s, pos, format("attribute tests go in brackets: [%s = \"...\"]", w))
  end
  local lower = core.lower(w)
  local mode = find(lower, "[*?]") and "glob" or "literal"
  return i, tok({ t = "eq", attr = "lower", value = lower, mode = mode, flags = "" })
end

-- the attributes and structures of the corpus a query is compiled for
-- (set by M.compile while it parses; the built-in ones by default)
local known = { attrs = ATTR, attr_list = ATTR_LIST, structs = STRUCT, struct_list = STRUCT_LIST,
                struct_attrs = STRUCT_ATTR }

local function attr_name(s, i, pos, name)
  if known.attrs ~= true and not known.attrs[name] then
    fail(s, pos, format("unknown attribute '%s' (valid: %s)", name, known.attr_list))
  end
  return i, name
end

local function struct_name(s, i, pos, name)
  local st = STRUCT[name]
  if not st and (known.structs == true or known.structs[name]) then st = name end
  if not st then fail(s, pos, format("unknown structure '%s' (valid: %s)", name, known.struct_list)) end
  return i, st
end

local function number_of(s, i, pos, text)
  local v
  if find(text, "^%-?%d+$") then v = tointeger(tonumber(text)) end
  v = v or tonumber(text)
  if v ~= v or v == math.huge or v == -math.huge then fail(s, pos, "number out of range") end
  return i, v
end

-- values of metadata and structure attributes
local mstring = Cmt(S"\"'", function(s, i) return plain_string(s, i - 1) end)
local date = C(digit * digit * digit * digit * "-" * digit * digit * "-" * digit * digit) * -wchar
local number = Cmt(Cp() * C(P"-"^-1 * digit^1 * ("." * digit^1)^-1 * (S"eE" * S"+-"^-1 * digit^1)^-1),
  number_of)
local mvalue = mstring + date + number

-- an open tag: validate its attributes
local function open_tag(s, i, o, st, attrs, c, got)
  local allowed
  if known.struct_attrs == true then -- any name (checked later against the corpus)
    allowed = setmetatable({}, { __index = function(_, k)
      return STRUCT_ATTR[st] and STRUCT_ATTR[st][k] or "string"
    end })
  else
    allowed = known.struct_attrs[st]
  end
  local out = {}
  for _, a in ipairs(attrs) do
    local pos, name, vpos, v = a[1], a[2], a[3], a[4]
    local kind = allowed and allowed[name]
    if not allowed then
      fail(s, pos, format("structure '%s' has no attributes", st))
    elseif not kind then
      local names = {}
      for k in pairs(allowed) do names[#names + 1] = k end
      sort(names)
      fail(s, pos, format("unknown attribute '%s' of structure '%s' (valid: %s)",
        name, st, concat(names, ", ")))
    end
    if out[name] ~= nil then fail(s, pos, format("attribute '%s' given twice", name)) end
    if kind == "kind" then
      if type(v) ~= "string" then fail(s, vpos, "expected a quoted string for 'kind'") end
      if not SEG_KIND[v] then
        fail(s, vpos, format("unknown segment kind '%s' (valid: %s)", v, SEG_KIND_LIST))
      end
    elseif kind == "string" then
      if type(v) ~= "string" then
        if math.type(v) == "integer" then v = format("%d", v)
        else fail(s, vpos, format("expected a quoted string for '%s'", name)) end
      end
    elseif kind == "int1" or kind == "int0" then
      local low = kind == "int1" and 1 or 0
      if math.type(v) ~= "integer" or v < low then
        fail(s, vpos, format("expected a whole number >= %d for '%s'", low, name))
      end
    end
    out[name] = v
  end
  if got == "" then fail(s, c, format("expected '>' to close the structure tag at %s", where(s, o))) end
  return i, { op = "open", struct = st, attrs = out }
end

local function close_tag(s, i, o, st, c, got)
  if got == "" then fail(s, c, format("expected '>' to close the structure tag at %s", where(s, o))) end
  return i, { op = "close", struct = st }
end

local sname = Cmt(Cp() * C(ident), struct_name)

local sattr = Ct(Cp() * C(ident) * Sp * (P"=" + E"expected '=' after the attribute name") * Sp * Cp()
  * (mvalue + E"expected a value after '='"))

local tag = Cmt(Cp() * P"</" * Sp * (sname + E"expected a structure name after '</'") * Sp
    * Cp() * C(P">"^-1), close_tag)
  + Cmt(Cp() * P"<" * Sp * (sname + E"expected a structure name after '<'") * Ct((Sp * sattr)^0) * Sp
    * Cp() * C(P">"^-1), open_tag)

local tstring = Cmt(S"\"'", function(s, i) return token_string(s, i - 1) end)

-- a comparison inside brackets: attr = "..." / attr != "..."
local function cmp_of(attr, kind, test)
  return { t = kind, attr = attr, value = test.value, mode = test.mode, flags = test.flags }
end

local cmp = Cmt(Cp() * C(ident), attr_name) * Sp * (
    P"!=" * Cc("ne") * Sp * (tstring + E"expected a quoted string after '!='")
  + P"=" * Cc("eq") * Sp * (tstring + E"expected a quoted string after '='")
  + E"expected '=' or '!=' after the attribute name") / cmp_of

-- a metadata comparison
local mops = P"!=" + P"<=" + P">=" + P"=" + P"<" + P">"
local function mcmp_of(field, op, v)
  if op == "in" then return { t = "in", field = field, values = v } end
  return { t = "cmp", field = field, op = op, value = v }
end

local mcmp = C(ident) * Sp * (
    C"in" * -wchar * Sp * (P"(" + E"expected '(' after 'in'") * Sp
      * Ct((mvalue + E"expected a value after '('")
        * (Sp * P"," * Sp * (mvalue + E"expected a value after ','"))^0)
      * Sp * (P")" + E"expected ',' or ')' in the list of values")
  + C(mops) * Sp * (mvalue + E"expected a value (a quoted string or a number) after the operator")
  + E"expected an operator (=, !=, <, <=, >, >=, in) after the field name") / mcmp_of

local grammar = P{ "query",
  query = Sp * Cp() * (V"alt" + E(ITEM)) * Sp
    * (P"within" * -wchar * Sp * (sname + Cmt(P(true), function(s, i)
        fail(s, i, "expected a structure after 'within' (" .. known.struct_list .. ")")
      end))
      + Cc(nil)) * Sp
    * (P"::" * Sp * (V"mor" + E"expected a metadata constraint after '::'") * Sp
      * (#(P"within" * -wchar) * E"expected end of query ('within' comes before '::')")^-1
      + Cc(nil)) * Sp
    * (P";" * Sp)^-1
    * (-P(1) + Efound"expected end of query"),

  alt = Ct(V"seq" * (Sp * P"|" * Sp * (V"seq" + E(ITEM .. " after '|'")))^0) / alt_of,
  seq = Ct(V"item" * (Sp * V"item")^0) / seq_of,
  item = tag * (Sp * #qstart * E"a structure tag cannot be repeated")^-1
    + V"atom" * (Sp * #qstart * quant
      * (Sp * #qstart * E"a quantifier cannot follow another quantifier (use parentheses)")^-1)^-1 / rep_of,
  atom = enclosed("(", V"alt" + E(ITEM .. " after '('"), ")", "expected ')' to close the '(' at %s")
    + V"bracket"
    + tstring / function(t)
      return tok({ t = "eq", attr = "word", value = t.value, mode = t.mode, flags = t.flags })
    end
    + Cmt(Cp() * C(bare), word)
    + Cmt(Cp() * P"@", function(s, _, pos) fail(s, pos, "target markers ('@') are not supported") end),

  bracket = Cmt(Cp() * P"[" * Sp * (#P"]" * P(true) / function() return { t = "any" } end
      + V"bor" + E"expected an attribute test or ']' after '['") * Sp * Cp() * C(P"]"^-1),
    function(s, i, _, test, c, got)
      if got == "" then fail(s, c, "expected ']' after attribute test") end
      return i, tok(test)
    end),
  bor = Ct(V"band" * (Sp * P"|" * Sp * (V"band" + E"expected an attribute test after '|'"))^0)
    / bool_of("or"),
  band = Ct(V"bnot" * (Sp * P"&" * Sp * (V"bnot" + E"expected an attribute test after '&'"))^0)
    / bool_of("and"),
  bnot = P"!" * Sp * (V"bnot" + E"expected an attribute test after '!'") / not_of
    + enclosed("(", V"bor" + E"expected an attribute test after '('", ")",
      "expected ')' to close the '(' at %s")
    + cmp,

  mor = Ct(V"mand" * (Sp * P"|" * Sp * (V"mand" + E"expected a metadata constraint after '|'"))^0)
    / bool_of("or"),
  mand = Ct(V"mnot" * (Sp * P"&" * Sp * (V"mnot" + E"expected a metadata constraint after '&'"))^0)
    / bool_of("and"),
  mnot = P"!" * Sp * (V"mnot" + E"expected a metadata constraint after '!'") / not_of
    + enclosed("(", V"mor" + E"expected a metadata constraint after '('", ")",
      "expected ')' to close the '(' at %s")
    + mcmp,
}

-- }======================================================

-- {====================================================== literals

-- the fewest tokens a node matches
local function minlen(n)
  local op = n.op
  if op == "tok" then return 1 end
  if op == "seq" then
    local k = 0
    for _, c in ipairs(n) do k = k + minlen(c) end
    return k
  end
  if op == "alt" then
    local k = math.huge
    for _, c in ipairs(n) do k = math.min(k, minlen(c)) end
    return k
  end
  if op == "rep" then return n.min * minlen(n[1]) end
  return 0
end

local function lit_key(l)
  return l.attr .. "\0" .. l.flags .. "\0" .. l.value
end

-- union of the first group of each list, or nil when one list is empty
local function union(lists)
  local g, seen = {}, {}
  for _, groups in ipairs(lists) do
    if #groups == 0 then return nil end
    for _, l in ipairs(groups[1]) do
      local k = lit_key(l)
      if not seen[k] then seen[k] = true; g[#g + 1] = l end
    end
  end
  return g
end

local function test_groups(t)
  if (t.t == "eq") and t.mode == "literal" then
    return { { { attr = t.attr, value = t.value, flags = t.flags } } }
  elseif t.t == "and" then
    local out = {}
    for _, x in ipairs(t) do
      for _, g in ipairs(test_groups(x)) do out[#out + 1] = g end
    end
    return out
  elseif t.t == "or" then
    local lists = {}
    for i, x in ipairs(t) do lists[i] = test_groups(x) end
    local g = union(lists)
    return g and { g } or {}
  end
  return {}
end

local function node_groups(n)
  local op = n.op
  if op == "tok" then
    return test_groups(n.test)
  elseif op == "seq" then
    local out = {}
    for _, c in ipairs(n) do
      for _, g in ipairs(node_groups(c)) do out[#out + 1] = g end
    end
    return out
  elseif op == "alt" then
    local lists = {}
    for i, c in ipairs(n) do lists[i] = node_groups(c) end
    local g = union(lists)
    return g and { g } or {}
  elseif op == "rep" and n.min >= 1 then
    return node_groups(n[1])
  end
  return {}
end

--- The literal tests every match must contain (see the module doc): a list of
-- groups, each a list of `{attr, value, flags}`; a match contains a token
-- passing one of the tests of each group.
-- @tparam table prog a program from query.compile (or one of its nodes)
-- @treturn table
function M.literals(prog)
  if type(prog) ~= "table" then
    error(format("bad argument #1 to 'literals' (table expected, got %s)", type(prog)), 2)
  end
  local groups = node_groups(prog.seq or prog)
  local out, seen = {}, {}
  for _, g in ipairs(groups) do
    local keys = {}
    for i, l in ipairs(g) do keys[i] = lit_key(l) end
    sort(keys)
    local k = concat(keys, "\1")
    if not seen[k] then seen[k] = true; out[#out + 1] = g end
  end
  return out
end

-- }======================================================

-- refuse nesting deeper than max_depth: '(' and '[' open a level that their
-- closer ends; each '!' adds a level up to the end of the enclosing group
-- (the grammar's backtrack stack is bounded)
local function check_depth(q)
  local depth, stack = 0, {}
  local i, n = 1, #q
  while i <= n do
    local c = sub(q, i, i)
    if c == '"' or c == "'" then
      local j = i + 1
      while j <= n and sub(q, j, j) ~= c do
        j = j + (sub(q, j, j) == "\\" and 2 or 1)
      end
      i = j
    elseif c == "(" or c == "[" or (c == "!" and sub(q, i + 1, i + 1) ~= "=") then
      if c ~= "!" then stack[#stack + 1] = depth end
      depth = depth + 1
      if depth > M.max_depth then
        fail(q, i, format("query nested deeper than %d levels", M.max_depth))
      end
    elseif (c == ")" or c == "]") and #stack > 0 then
      depth = stack[#stack]
      stack[#stack] = nil
    end
    i = i + 1
  end
end

-- the names a corpus knows, from compile's options
local function corpus_names(opts)
  if opts == nil then
    return { attrs = ATTR, attr_list = ATTR_LIST, structs = STRUCT, struct_list = STRUCT_LIST,
             struct_attrs = STRUCT_ATTR }
  end
  if type(opts) ~= "table" then
    error(format("bad argument #2 to 'compile' (options table expected, got %s)", type(opts)), 3)
  end
  for k in pairs(opts) do
    if k ~= "attributes" and k ~= "structures" then
      error(format("unknown option '%s' to 'compile' (valid: attributes, structures)", tostring(k)), 3)
    end
  end
  local out = { attrs = ATTR, attr_list = ATTR_LIST, structs = STRUCT, struct_list = STRUCT_LIST,
                struct_attrs = STRUCT_ATTR }
  local a = opts.attributes
  if a == true then
    out.attrs = true
  elseif type(a) == "table" then
    out.attrs = {}
    for _, n in ipairs(a) do out.attrs[n] = true end
    out.attr_list = concat(a, ", ")
  elseif a ~= nil then
    error("compile: attributes must be a list of names or true", 3)
  end
  local st = opts.structures
  if st == true then
    out.structs, out.struct_attrs = true, true
  elseif type(st) == "table" then
    -- {levels = {...}, attrs = {level = {names}}} as c:structures() gives them
    out.structs, out.struct_attrs = {}, {}
    local names = { "sentence", "s", "segment", "point", "quotation", "speech" }
    for _, n in ipairs(st.levels or st) do
      if not STRUCT[n] then out.structs[n] = true; names[#names + 1] = n end
    end
    out.struct_list = concat(names, ", ")
    for lv, t in pairs(STRUCT_ATTR) do out.struct_attrs[lv] = t end
    for lv, list in pairs(st.attrs or {}) do
      local key = STRUCT[lv] or lv
      local t = {}
      for k, v in pairs(STRUCT_ATTR[key] or {}) do t[k] = v end
      for _, n in ipairs(list) do if not t[n] then t[n] = "string" end end
      out.struct_attrs[key] = t
    end
  elseif st ~= nil then
    error("compile: structures must be a table or true", 3)
  end
  return out
end

--- Parse a query into a program (see the module doc); raises
-- `query:LINE:COL: message` on a malformed query. `opts.attributes`: the
-- attribute names the corpus has (a list; `true`: any name); default word,
-- lower and stem. `opts.structures`: `{levels = {...}, attrs = {level =
-- {names}}}` for the structures and structure attributes the corpus has
-- beside the built-in ones (`true`: any).
-- @tparam string q
-- @tparam[opt] table opts
-- @treturn table the program
function M.compile(q, opts)
  if type(q) ~= "string" then
    error(format("bad argument #1 to 'compile' (string expected, got %s)", type(q)), 2)
  end
  local names = corpus_names(opts)
  local saved = known
  known = names
  local ok, prog = pcall(M._compile, q)
  known = saved
  if not ok then error(prog, 0) end
  return prog
end

function M._compile(q)
  if #q > M.max_length then
    fail(q, 1, format("query too long (%d bytes, at most %d)", #q, M.max_length))
  end
  if find(q, "^%s*;?%s*$") then fail(q, 1, "empty query") end
  check_depth(q)
  local start, root, within, meta = grammar:match(q)
  if root.op ~= "seq" then root = { op = "seq", root } end
  if minlen(root) == 0 then
    fail(q, start, "query can match zero tokens: at least one token must be required")
  end
  local prog = { seq = root, within = within, meta = meta }
  prog.literals = M.literals(prog)
  return prog
end

-- {====================================================== back to text

local function bare_ok(v, mode)
  if (mode ~= "literal" and mode ~= "glob") or v == "within" or core.lower(v) ~= v
    or bare:match(v) ~= #v + 1 then
    return false
  end
  if mode == "literal" then return not find(v, "[*?]") end
  return find(v, "[*?]") ~= nil and sub(v, -1) ~= "?"
end

-- a string for a test value, with its flags
local function value_text(t)
  local v, flags = t.value, t.flags or ""
  if t.mode == "glob" then
    v = sub(M.glob_to_regex(v), 2, -2)
  elseif t.mode == "literal" then
    if M.is_plain(v) then
      return '"' .. gsub(v, '"', '\\"') .. '"' .. (flags ~= "" and "%" .. flags or "")
    end
    return '"' .. gsub(v, '[\\"]', "\\%0") .. '"%' .. flags .. "l"
  end
  -- a regex: escape the quotes that are not escaped
  return '"' .. gsub(v, "\\?.", function(p)
    if p == '"' then return '\\"' end
  end) .. '"' .. (flags ~= "" and "%" .. flags or "")
end

local function test_text(t)
  local k = t.t
  if k == "eq" or k == "ne" then
    return t.attr .. (k == "eq" and " = " or " != ") .. value_text(t)
  elseif k == "and" or k == "or" then
    local parts = {}
    for i, x in ipairs(t) do
      local s = test_text(x)
      if x.t == "or" or x.t == k then s = "(" .. s .. ")" end
      parts[i] = s
    end
    return concat(parts, k == "and" and " & " or " | ")
  elseif k == "not" then
    local x = t[1]
    if x.t == "not" then return "!" .. test_text(x) end
    return "!(" .. test_text(x) .. ")"
  elseif k == "any" then
    return ""
  end
  error(format("bad test '%s' in program", tostring(k)), 0)
end

local function tok_text(t)
  if t.t == "any" then return "[]" end
  if t.t == "eq" and t.attr == "word" and t.mode ~= "glob" then return value_text(t) end
  if t.t == "eq" and t.attr == "lower" and (t.flags or "") == "" and bare_ok(t.value, t.mode) then
    return t.value
  end
  return "[" .. test_text(t) .. "]"
end

local function mvalue_text(v)
  if type(v) == "string" then return '"' .. gsub(v, '[\\"]', "\\%0") .. '"' end
  if math.type(v) == "integer" then return format("%d", v) end
  local s
  for digits = 15, 17 do
    s = format("%." .. digits .. "g", v)
    if tonumber(s) == v then break end
  end
  if not find(s, "[.eEn]") then s = s .. ".0" end
  return s
end

local function meta_text(m)
  local k = m.t
  if k == "cmp" then
    return m.field .. " " .. m.op .. " " .. mvalue_text(m.value)
  elseif k == "in" then
    local vs = {}
    for i, v in ipairs(m.values) do vs[i] = mvalue_text(v) end
    return m.field .. " in (" .. concat(vs, ", ") .. ")"
  elseif k == "and" or k == "or" then
    local parts = {}
    for i, x in ipairs(m) do
      local s = meta_text(x)
      if x.t == "or" or x.t == k then s = "(" .. s .. ")" end
      parts[i] = s
    end
    return concat(parts, k == "and" and " & " or " | ")
  elseif k == "not" then
    local x = m[1]
    if x.t == "not" then return "!" .. meta_text(x) end
    return "!(" .. meta_text(x) .. ")"
  end
  error(format("bad metadata node '%s' in program", tostring(k)), 0)
end

local function quant_text(min, max)
  if min == 0 and max == 1 then return "?" end
  if max == nil then
    if min == 0 then return "*" end
    if min == 1 then return "+" end
    return format("{%d,}", min)
  end
  if min == max then return format("{%d}", min) end
  return format("{%d,%d}", min, max)
end

local node_text

local function attrs_text(attrs)
  local names = {}
  for k in pairs(attrs or {}) do names[#names + 1] = k end
  sort(names)
  local out = {}
  for i, k in ipairs(names) do out[i] = " " .. k .. " = " .. mvalue_text(attrs[k]) end
  return concat(out)
end

-- ctx: "top" (the root or an alternative), "seq" (inside a sequence), "rep"
-- (repeated)
node_text = function(n, ctx)
  local op = n.op
  if op == "tok" then
    return tok_text(n.test)
  elseif op == "seq" then
    if #n == 1 then return node_text(n[1], ctx) end
    local parts = {}
    for i, c in ipairs(n) do parts[i] = node_text(c, "seq") end
    local s = concat(parts, " ")
    if ctx ~= "top" and #n > 1 then s = "(" .. s .. ")" end
    return s
  elseif op == "alt" then
    local parts = {}
    for i, c in ipairs(n) do
      parts[i] = node_text(c, c.op == "alt" and "seq" or "top")
    end
    local s = concat(parts, " | ")
    if ctx ~= "top" then s = "(" .. s .. ")" end
    return s
  elseif op == "rep" then
    local c = n[1]
    local s = node_text(c, "rep")
    if c.op == "rep" or c.op == "open" or c.op == "close" then s = "(" .. s .. ")" end
    local q = quant_text(n.min, n.max)
    -- a bare word followed by * would read as a glob
    if c.op == "tok" and q == "*" and s == c.test.value then
      s = "(" .. s .. ")"
    end
    return s .. q
  elseif op == "open" then
    return "<" .. n.struct .. attrs_text(n.attrs) .. ">"
  elseif op == "close" then
    return "</" .. n.struct .. ">"
  end
  error(format("bad node '%s' in program", tostring(op)), 0)
end

--- The text of a part of a program, for messages (the matcher's budget
-- names the part that takes the work): kids `first`..`last` of the root
-- sequence (`alt` 0), or of alternative `alt` of the root's only
-- alternation (`first` 0: the whole alternative).
-- @tparam table prog
-- @tparam integer alt
-- @tparam integer first
-- @tparam integer last
-- @treturn string|nil the text
-- @treturn string where it is: "part 4 of 5", "parts 1-2 of 3",
--   "alternative 2 of 3", "part 1 of alternative 2"
function M.part_text(prog, alt, first, last)
  if type(prog) ~= "table" or type(prog.seq) ~= "table" then return nil end
  local seq, of = prog.seq, ""
  if alt > 0 then
    local a = seq[1]
    if type(a) ~= "table" or a.op ~= "alt" or type(a[alt]) ~= "table" then return nil end
    if first == 0 then return node_text(a[alt], "top"), format("alternative %d of %d", alt, #a) end
    seq, of = a[alt], format(" of alternative %d", alt)
    if seq.op ~= "seq" then return nil end
  end
  local parts = {}
  for i = first, last do
    if type(seq[i]) ~= "table" then return nil end
    parts[#parts + 1] = node_text(seq[i], "seq")
  end
  local at
  if first == last then at = format("part %d", first) else at = format("parts %d-%d", first, last) end
  if of == "" then at = at .. format(" of %d", #seq) else at = at .. of end
  return concat(parts, " "), at
end

--- A program back as canonical query text:
-- `query.compile(query.tostring(p))` equals `p` for every compiled `p`.
-- @tparam table prog
-- @treturn string
function M.tostring(prog)
  if type(prog) ~= "table" or type(prog.seq) ~= "table" then
    error(format("bad argument #1 to 'tostring' (program expected, got %s)", type(prog)), 2)
  end
  local out = node_text(prog.seq, "top")
  if prog.within then out = out .. " within " .. prog.within end
  if prog.meta then out = out .. " :: " .. meta_text(prog.meta) end
  return out
end

-- }======================================================

return M
