--- The rostra REPL: a Lua 5.4 prompt with rostra loaded.
--
-- `rostra repl [CORPUS]` binds `rostra`, the corpus `c`, the speech `sp`
-- (when CORPUS is one text file), the lexicon `lex` (with `--lexicon`) and
-- `help`. Results print as what they are: KWIC lines aligned (the match
-- highlighted on a terminal unless `NO_COLOR` is set), result tables as
-- tables, a speech as its header and outline, other tables as Lua
-- constructors. `_` holds the first value of the last expression.
--
-- Input is read as lua.c reads it: a line is tried as an expression
-- (`return LINE`), then as a statement; a chunk that is incomplete (its
-- syntax error is at `<eof>`) gets a continuation prompt `>> `. An error
-- prints its message and the prompt goes on. Ctrl-C while an input runs
-- stops it with the error "interrupted" (a query in the C matcher too) and
-- the prompt goes on. Ctrl-D (or `exit()`) leaves.
--
-- Line editing and history come from GNU readline through the Debian
-- package lua-readline (`require "readline"`), when standard input is a
-- terminal; the history is kept in `~/.rostra_history` (`ROSTRA_HISTORY`
-- names another file, empty for none). Without lua-readline the prompt
-- reads plain lines: run it under `rlwrap rostra repl ...` for editing.
-- `ROSTRA_NO_READLINE=1` turns readline off.
-- @module rostra.repl
local rostra = require "rostra"
local core = require "rostra.core"
local result = require "rostra.result"

local M = {}

M.prompt = "rostra> "
M.prompt2 = ">> "

-- {====================================================== showing values

local function is_identifier(s)
  return type(s) == "string" and s:match("^[%a_][%w_]*$") ~= nil
    and not ({ ["and"] = 1, ["break"] = 1, ["do"] = 1, ["else"] = 1, ["elseif"] = 1, ["end"] = 1,
      ["false"] = 1, ["for"] = 1, ["function"] = 1, ["goto"] = 1, ["if"] = 1, ["in"] = 1,
      ["local"] = 1, ["nil"] = 1, ["not"] = 1, ["or"] = 1, ["repeat"] = 1, ["return"] = 1,
      ["then"] = 1, ["true"] = 1, ["until"] = 1, ["while"] = 1 })[s]
end

local function scalar(v)
  if type(v) == "string" then return ("%q"):format(v):gsub("\\\n", "\\n") end
  return tostring(v)
end

local function key_less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

local MAX_ITEMS, MAX_DEPTH = 60, 3

local pretty

local function item_text(v, indent, depth, seen)
  if type(v) == "table" then
    local mt = getmetatable(v)
    if type(mt) == "table" and rawget(mt, "__tostring") then
      local s = tostring(v)
      if not s:find("\n") then return s end
      return (s:gsub("\n", "\n" .. indent .. "  "))
    end
    return pretty(v, indent, depth + 1, seen)
  end
  return scalar(v)
end

-- a plain table as a Lua constructor: on one line when short, else one
-- entry per line; at most MAX_ITEMS entries and MAX_DEPTH levels
pretty = function(t, indent, depth, seen)
  indent, depth, seen = indent or "", depth or 1, seen or {}
  if seen[t] then return "{<cycle>}" end
  if depth > MAX_DEPTH then return "{…}" end
  seen[t] = true
  local n = #t
  local keys = {}
  for k in next, t do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  table.sort(keys, key_less)
  local items, inner = {}, indent .. "  "
  local total = n + #keys
  for i = 1, math.min(n, MAX_ITEMS) do items[#items + 1] = item_text(t[i], inner, depth, seen) end
  for i = 1, math.min(#keys, MAX_ITEMS - #items) do
    local k = keys[i]
    local ks = is_identifier(k) and k or ("[" .. scalar(k) .. "]")
    items[#items + 1] = ks .. " = " .. item_text(t[k], inner, depth, seen)
  end
  if total > #items then items[#items + 1] = ("… %d more"):format(total - #items) end
  seen[t] = nil
  if #items == 0 then return "{}" end
  local one = "{" .. table.concat(items, ", ") .. "}"
  if #one <= 72 and not one:find("\n") then return one end
  return "{\n" .. inner .. table.concat(items, ",\n" .. inner) .. "\n" .. indent .. "}"
end

local function kwic_class()
  local ok, matches = pcall(require, "rostra.matches")
  return ok and matches.Kwic or nil
end

--- How the REPL shows a value.
-- @param v any value
-- @tparam[opt] table o `color = true` highlights KWIC matches (ANSI)
-- @treturn string
function M.show(v, o)
  o = require("rostra.opts").check(o, { "color" }, "show", 2)
  local tv = type(v)
  if tv == "string" then return result.visible(v, true) end
  if tv ~= "table" then return tostring(v) end
  local Kwic = kwic_class()
  if Kwic and Kwic.is(v) and o.color then
    local lines = { v.title }
    for i = 1, math.min(#v, 50) do
      local row = v[i]
      lines[#lines + 1] = type(row.highlight) == "function" and row:highlight() or tostring(row)
    end
    if #v > 50 then lines[#lines + 1] = ("… %d more lines"):format(#v - 50) end
    if #v == 0 then lines[#lines + 1] = "(no hits)" end
    for _, w in ipairs(v.warnings or {}) do lines[#lines + 1] = "warning: " .. w end
    return table.concat(lines, "\n")
  end
  if result.is(v) then return v:format() end
  local mt = getmetatable(v)
  if type(mt) == "table" and rawget(mt, "__tostring") then return tostring(v) end
  return pretty(v)
end

-- }======================================================

-- {====================================================== help

local HELP = [[
rostra REPL: Lua 5.4 with `rostra` loaded. Bound names:
  c        the corpus given on the command line (nil without one)
  sp       the speech, when the command line named one text file
  lex      the lexicon of --lexicon
  _        the first value of the last expression

Corpus (docs/query.md for the query language):
  #c                                          tokens
  c:info()                                    sizes, counts, warnings
  c:kwic("community", {sort = "right1"})      concordance, sorted by the right context
  c:kwic('"shared" "future"', {context = 5, limit = 20})
  c:count('[lower = "secur.*"] within sentence')
  c:query("pandemic"):group("year")          matches by metadata, point, segment...
  c:freq{top = 20, stopwords = "en"}          frequency list
  c:where{year = {min = 2020, max = 2022}}    a subcorpus (a view, same methods)
  for q in c:spans("quotation") do print(q.text) end

Speeches:
  sp = rostra.parse_file("examples/sample.txt")
  sp                                          header and segment outline
  for p in sp:points() do print(p.ordinal, p.heading) end
  sp:quotations()[1].text

Themes and statistics (when the modules are installed):
  c:tag(rostra.lexicon("political"), {level = "point"})
  c:collocates("cooperation", {window = 5, measure = "logdice"})
  c:ngrams{n = 3}          c:keyness(target, reference)          c:dispersion("pandemic")

Results are tables: t:sort{{"count", "desc"}}, t:head(10), t:export("out.csv").
Pictures: t:bars() draws a result as bars here; t:plot("t.svg") as an SVG file (docs/plots.md);
  c:trend({"freedom", "liberty"}, {by = "decade"}):bars()
help(x) lists the methods of x (help(c), help(sp)); help "query" for queries.
Multi-line input works; an error prints and the prompt goes on. Ctrl-D or exit() to leave.]]

local HELP_QUERY = [[
Queries (docs/query.md):
  security                      the lower form: security, Security, SECURITY
  secur*   wom?n                globs over lower forms
  "Security"   "secur.*"%c      a regular expression over the written form (%c: any case)
  [lower = "secur.*"]           attribute tests: word, lower, stem; & | ! ( )
  "development" []{0,3} "cooperation"          up to 3 tokens between
  community of shared future within sentence   inside one sentence
  <segment kind = "closing"> []{0,20} thank    structure tags
  win-win cooperation :: year >= 2015 & country = "CHN"   metadata]]

local function methods_of(x)
  local names, seen = {}, {}
  local function add(t)
    if type(t) ~= "table" then return end
    for k, v in next, t do
      if type(k) == "string" and type(v) == "function" and not k:match("^_") and not seen[k] then
        seen[k] = true
        names[#names + 1] = k
      end
    end
  end
  local mt = getmetatable(x)
  for _ = 1, 4 do
    if type(mt) ~= "table" then break end
    add(mt)
    add(rawget(mt, "__index"))
    local idx = rawget(mt, "__index")
    mt = type(idx) == "table" and getmetatable(idx) or nil
  end
  if type(x) == "table" and getmetatable(x) == nil then add(x) end
  table.sort(names)
  return names
end

local function help_text(x)
  if x == nil then return HELP end
  if x == "query" or x == "queries" then return HELP_QUERY end
  local names = methods_of(x)
  if #names == 0 then return "no methods; try help()" end
  local sep = (type(x) == "table" and getmetatable(x) == nil) and "." or ":"
  local out = {}
  for i, n in ipairs(names) do out[i] = sep .. n end
  return "methods: " .. table.concat(out, "  ")
end

-- }======================================================

-- {====================================================== sessions

local Session = {}
Session.__index = Session

--- A session: an environment and a `feed(line)` that evaluates input.
-- @tparam table o `out(s)` writes text (default io.stdout); `color`;
--   `globals` (names bound in the environment)
-- @return session with `:feed(line)` -> `"ok" | "more" | "error"`,
--   `env`, `done` (set by `exit()`)
function M.session(o)
  o = require("rostra.opts").check(o, { "out", "color", "globals" }, "session")
  local self = setmetatable({ out = o.out or function(s) io.stdout:write(s) io.stdout:flush() end,
                              color = o.color, pending = nil, done = false }, Session)
  local env = setmetatable({}, { __index = _G })
  env.rostra = rostra
  for k, v in pairs(o.globals or {}) do env[k] = v end
  env.help = function(x) self.out(help_text(x) .. "\n") end
  env.exit = function() self.done = true end
  env.quit = env.exit
  env.print = function(...)
    local n = select("#", ...)
    local parts = {}
    for i = 1, n do parts[i] = tostring((select(i, ...))) end
    self.out(table.concat(parts, "\t") .. "\n")
  end
  self.env = env
  return self
end

local function traceback_less(err)
  if type(err) == "table" and getmetatable(err) == nil then return pretty(err) end
  return tostring(err)
end

--- Evaluate one line of input.
-- @tparam string line
-- @treturn string `"ok"`, `"more"` (the chunk is incomplete) or `"error"`
function Session:feed(line)
  local chunk = self.pending and (self.pending .. "\n" .. line) or line
  if not self.pending and chunk:sub(1, 1) == "=" then chunk = "return " .. chunk:sub(2) end
  local fn, err = load("return " .. chunk, "=stdin", "t", self.env)
  if not fn then fn, err = load(chunk, "=stdin", "t", self.env) end
  if not fn then
    if err:find("<eof>$") then
      self.pending = chunk
      return "more"
    end
    self.pending = nil
    self.out(err .. "\n")
    return "error"
  end
  self.pending = nil
  -- Ctrl-C during the evaluation ends it with "interrupted", not the session
  local catch = core.catch_interrupt
  if catch then catch(true) end
  local res = table.pack(xpcall(fn, traceback_less))
  if not res[1] then
    if catch then catch(false) end
    self.out(result.visible(tostring(res[2]), true) .. "\n")
    return "error"
  end
  if res.n > 1 then
    self.env._ = res[2]
    local parts, multi = {}, false
    for i = 2, res.n do
      local ok, s = pcall(M.show, res[i], { color = self.color })
      parts[#parts + 1] = ok and s or ("<cannot show: " .. tostring(s) .. ">")
      if parts[#parts]:find("\n") then multi = true end
    end
    if catch then catch(false) end
    self.out(table.concat(parts, multi and "\n" or "\t") .. "\n")
  end
  if catch then catch(false) end
  return "ok"
end

-- }======================================================

-- {====================================================== completion

local KEYWORDS = { "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto",
                   "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true",
                   "until", "while" }

--- Completions of a word (`c:kw`, `rostra.lo`, `pri`) in an environment.
-- @tparam table env
-- @tparam string word
-- @treturn {string,...}
function M.complete(env, word)
  local base, sep, part = word:match("^(.-)([%.:])([%w_]*)$")
  local out = {}
  if not base then
    local seen = {}
    local function add(k)
      if type(k) == "string" and k:sub(1, #word) == word and not seen[k] then
        seen[k] = true
        out[#out + 1] = k
      end
    end
    for k in next, env do add(k) end
    for k in next, _G do add(k) end
    for _, k in ipairs(KEYWORDS) do add(k) end
  else
    local obj = env
    for name in base:gmatch("[^%.:]+") do
      if not is_identifier(name) then return {} end
      local ok, v = pcall(function() return obj[name] end)
      if not ok or v == nil then return {} end
      obj = v
    end
    local names = methods_of(obj)
    if type(obj) == "table" and sep == "." then
      local seen = {}
      for _, n in ipairs(names) do seen[n] = true end
      for k in next, obj do
        if type(k) == "string" and not seen[k] then names[#names + 1] = k end
      end
    end
    for _, n in ipairs(names) do
      if n:sub(1, #part) == part then out[#out + 1] = base .. sep .. n end
    end
  end
  table.sort(out)
  return out
end

-- }======================================================

-- {====================================================== the loop

local function isatty(fd)
  return os.execute(("test -t %d"):format(fd)) == true
end

--- The completion function given to readline: completions of the word
-- before the cursor, with no space appended (readline puts its default
-- space back after every completion, so it is turned off at each call:
-- `c:kw` becomes `c:kwic`, ready for its `(`).
-- @tparam table env
-- @param RL the readline module
-- @treturn function `(text, from, to) -> {string,...}`
function M.completer(env, RL)
  return function(text, from, to)
    if RL.set_completion_append_character then RL.set_completion_append_character("") end
    return M.complete(env, text:sub(from, to))
  end
end

local function line_reader(env, interactive)
  local nr = os.getenv("ROSTRA_NO_READLINE")
  if interactive and not (nr and nr ~= "" and nr ~= "0") then
    local ok, RL = pcall(require, "readline")
    if ok and type(RL) == "table" and RL.readline then
      local hist = os.getenv("ROSTRA_HISTORY") or "~/.rostra_history"
      RL.set_options { histfile = hist, keeplines = 1000, completion = true }
      if RL.set_readline_name then RL.set_readline_name("rostra") end
      if RL.set_complete_function then RL.set_complete_function(M.completer(env, RL)) end
      return function(prompt) return RL.readline(prompt) end,
        function() if hist ~= "" then RL.save_history() end end, "readline"
    end
  end
  return function(prompt)
    if interactive then
      io.stdout:write(prompt)
      io.stdout:flush()
    end
    return io.read("l")
  end, function() end, "plain"
end

--- Run the REPL until end of input or `exit()`.
-- @tparam table o `corpus`, `speech`, `lexicon`, `inputs` (for the banner),
--   `color` ("auto", "always", "never")
-- @treturn integer 0
function M.run(o)
  o = require("rostra.opts").check(o, { "corpus", "speech", "lexicon", "inputs", "color" }, "run")
  -- the analysis modules add their methods to the Corpus when loaded
  for _, name in ipairs { "rostra.stats", "rostra.themes" } do
    if package.searchpath(name, package.path) then require(name) end
  end
  local interactive = isatty(0)
  local tty_out = isatty(1)
  local nc = os.getenv("NO_COLOR")
  local color = o.color == "always" or (o.color ~= "never" and tty_out and not (nc and nc ~= ""))
  local s = M.session { color = color, globals = { c = o.corpus, sp = o.speech, lex = o.lexicon } }
  local read, finish, how = line_reader(s.env, interactive)
  if interactive then
    local what = o.corpus and ("c = " .. tostring(o.corpus)) or "no corpus: c = rostra.load(\"folder/\")"
    s.out(("%s (Lua 5.4%s): %s\nhelp() for examples, Ctrl-D to leave\n"):format(
      rostra._VERSION, how == "readline" and ", readline" or "", what))
  end
  while not s.done do
    local line = read(s.pending and M.prompt2 or M.prompt)
    if line == nil then
      if interactive then s.out("\n") end
      break
    end
    -- (an interrupt landing between the evaluation and its printing)
    local ok, err = pcall(s.feed, s, line)
    if not ok then
      core.catch_interrupt(false)
      s.out(tostring(err) .. "\n")
    end
  end
  finish()
  return 0
end

-- }======================================================

return M
