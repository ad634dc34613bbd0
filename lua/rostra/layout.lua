--- Site rules for the parser: a page layout the parser does not know.
-- `rostra.parse(text, {layout = {header = ..., footer = ..., label = ...}})`
-- (and `rostra.load`, `rostra parse --layout FILE.lua`) say which lines of
-- a page are header furniture, where its footer begins and what its speaker
-- labels look like; everything else is left to the parser's own rules.
-- See docs/parsing.md.
--
-- A pattern is a Lua pattern (a string, found anywhere in the line unless
-- anchored with `^`) or an lpeg pattern (matched at the line's start). Lines
-- are matched without the white space around them.
-- @module rostra.layout
local layout = {}

local WHYS = { breadcrumb = true, title = true, byline = true, dateline = true, speaker = true,
               lede = true, note = true, time = true, footer = true }
local KEYS = { header = true, footer = true, label = true }

local lpeg_ok, lpeg = pcall(require, "lpeg")

local function is_lpeg(p)
  return lpeg_ok and lpeg.type(p) == "pattern"
end

-- the first syntax error of a Lua pattern, or nil (string.find reports
-- some only when a match reaches them)
local function syntax_error(p)
  local i, n, depth = 1, #p, 0
  while i <= n do
    local c = p:sub(i, i)
    if c == "%" then
      local d = p:sub(i + 1, i + 1)
      if d == "" then return "malformed pattern (ends with '%')" end
      if d == "b" then
        if #p < i + 3 then return "missing arguments to '%b'" end
        i = i + 4
      elseif d == "f" then
        if p:sub(i + 2, i + 2) ~= "[" then return "missing '[' after '%f' in pattern" end
        i = i + 2
      else
        i = i + 2
      end
    elseif c == "[" then
      local j = i + 1
      if p:sub(j, j) == "^" then j = j + 1 end
      if p:sub(j, j) == "]" then j = j + 1 end -- a ']' first is itself
      while true do
        local d = p:sub(j, j)
        if d == "" then return "malformed pattern (missing ']')" end
        if d == "%" then
          if j + 1 > n then return "malformed pattern (missing ']')" end
          j = j + 2
        elseif d == "]" then
          break
        else
          j = j + 1
        end
      end
      i = j + 1
    elseif c == "(" then
      depth = depth + 1
      i = i + 1
    elseif c == ")" then
      if depth == 0 then return "invalid pattern capture" end
      depth = depth - 1
      i = i + 1
    else
      i = i + 1
    end
  end
  if depth > 0 then return "unfinished capture" end
end

-- a pattern, checked now: a malformed one raises, naming it
local function check(p, where, level)
  if type(p) == "string" then
    local serr = syntax_error(p)
    if serr then error(("bad pattern in layout.%s %q: %s"):format(where, p, serr), level + 1) end
    local ok, err = pcall(string.find, "", p)
    if not ok then
      error(("bad pattern in layout.%s %q: %s"):format(where, p, tostring(err):gsub("^[^:]*:%d+: ", "")),
        level + 1)
    end
    return p
  end
  if is_lpeg(p) then return p end
  error(("bad pattern in layout.%s: a Lua pattern (string) or an lpeg pattern expected, got %s")
    :format(where, type(p)), level + 1)
end

-- a list of patterns (a pattern alone is a list of one)
local function list_of(v, where, level)
  if type(v) == "string" or is_lpeg(v) then return { check(v, where, level + 1) } end
  if type(v) ~= "table" then
    error(("bad layout.%s: a pattern or a list of patterns expected, got %s"):format(where, type(v)),
      level + 1)
  end
  local out = {}
  for i, p in ipairs(v) do out[i] = check(p, ("%s[%d]"):format(where, i), level + 1) end
  for k in pairs(v) do
    if math.type(k) ~= "integer" or k < 1 or k > #v then
      error(("bad layout.%s: unknown key %s (a list of patterns expected)"):format(where, tostring(k)),
        level + 1)
    end
  end
  return out
end

--- Check a layout and make it ready to use; a caller's mistake (an unknown
-- key, a malformed pattern, a reason the parser does not know) raises.
-- @tparam table spec `{header = patterns or {why = patterns}, footer = patterns,
--   label = pattern}`
-- @tparam[opt=1] integer level the error level, as for `error`
-- @treturn table the compiled layout (pass it on as it is)
function layout.compile(spec, level)
  level = (level or 1) + 1
  if type(spec) ~= "table" then
    error(("bad layout: a table expected, got %s"):format(type(spec)), level)
  end
  if spec._compiled then return spec end
  for k in pairs(spec) do
    if not KEYS[k] then
      error(("bad layout: unknown key '%s' (%s)"):format(tostring(k),
        require("rostra.opts").hint(k, { "header", "footer", "label" })), level)
    end
  end
  local out = { _compiled = true, header = {}, footer = {} }
  local h = spec.header
  if type(h) == "string" or is_lpeg(h) then
    out.header[1] = { check(h, "header", level) }
  elseif h ~= nil then
    if type(h) ~= "table" then
      error(("bad layout.header: a pattern, a list of patterns or {reason = patterns} expected, got %s")
        :format(type(h)), level)
    end
    -- {"^Home", title = "...", byline = {...}}: a list, and patterns by reason
    for i, p in ipairs(h) do out.header[#out.header + 1] = { check(p, ("header[%d]"):format(i), level) } end
    local whys = {}
    for k in pairs(h) do
      if not (math.type(k) == "integer" and k >= 1 and k <= #h) then whys[#whys + 1] = k end
    end
    table.sort(whys, function(a, b) return tostring(a) < tostring(b) end)
    for _, why in ipairs(whys) do
      if not WHYS[why] then
        error(("bad layout.header: unknown reason '%s' (%s)"):format(tostring(why),
          require("rostra.opts").hint(why, { "breadcrumb", "title", "byline", "dateline", "speaker", "lede",
            "note", "time", "footer" })), level)
      end
      for _, p in ipairs(list_of(h[why], "header." .. why, level)) do
        out.header[#out.header + 1] = { p, why }
      end
    end
  end
  if spec.footer ~= nil then out.footer = list_of(spec.footer, "footer", level) end
  if spec.label ~= nil then out.label = check(spec.label, "label", level) end
  return out
end

-- does the pattern match the line; for a label, its length and name
local function match(p, line)
  if type(p) == "string" then
    local s, e, cap = line:find(p)
    return s ~= nil, s, e, cap
  end
  local caps = { lpeg.match(lpeg.Ct(p) * lpeg.Cp(), line) }
  if caps[1] == nil then return false end
  local name = caps[1][1]
  return true, 1, caps[2] - 1, type(name) == "string" and name or nil
end

--- The hints a compiled layout gives for a text: `{line, what, why, len, name}`
-- in line order, for `core.parse_speech(text, name, {hints = ...})`.
function layout.hints(compiled, text)
  local hints = {}
  local n, pos, len = 0, 1, #text
  local header, footer, label = compiled.header, compiled.footer, compiled.label
  while pos <= len do
    local e = text:find("[\r\n]", pos) or len + 1
    local raw = text:sub(pos, e - 1)
    n = n + 1
    local lead = raw:match("^[ \t\f\v]*()") -- the line's first non-blank byte
    local line = raw:sub(lead):match("^(.-)%s*$")
    if line ~= "" then
      for _, hp in ipairs(header) do
        if match(hp[1], line) then
          hints[#hints + 1] = { line = n, what = "header", why = hp[2] }
          break
        end
      end
      for _, p in ipairs(footer) do
        if match(p, line) then
          hints[#hints + 1] = { line = n, what = "footer" }
          break
        end
      end
      if label then
        local ok, s, stop, name = match(label, line)
        if ok and s == 1 and stop >= 1 then
          name = name or line:sub(1, stop)
          name = name:gsub("^%s+", ""):gsub("[%s:]+$", "")
          if name ~= "" then hints[#hints + 1] = { line = n, what = "label", len = stop, name = name } end
        end
      end
    end
    -- \r\n is one line end
    if text:sub(e, e) == "\r" and text:sub(e + 1, e + 1) == "\n" then e = e + 1 end
    pos = e + 1
  end
  return hints
end

return layout
