--- The `rostra` command, as a module so that it can be tested.
--
-- `bin/rostra` is `os.exit(require("rostra.cli").main(arg))`. Every
-- subcommand reads text files, folders or one `.rostra` index and writes a
-- text table, TSV, CSV or JSON (`--format`, or from the extension of `-o`:
-- an extension rostra does not know is a usage error). TSV, CSV and JSON
-- carry the same rows and columns; JSON is an array of objects, one per
-- row. Only a terminal pages (50 rows, long cells cut); a file or a pipe
-- gets every row, whole, unless `--limit` says otherwise.
--
-- Exit status: 0 on success, 1 on a runtime error (a missing file, a
-- malformed lexicon, a corrupt index: one line on standard error, no
-- traceback unless `--debug`), 2 on a usage error (an unknown subcommand or
-- option, a malformed query, `--where`, `--sort` or `--meta` template, a
-- metadata key the corpus does not have, a template or sidecar that
-- matches no file, an output file of unknown format).
--
-- Terminals are detected with `os.execute("test -t 1")` (and `2`): the shell
-- that `os.execute` starts inherits the standard streams of the Lua process,
-- so `test -t` answers for them. The match of a KWIC line is highlighted
-- only when standard output is a terminal, `-o` is not given and `NO_COLOR`
-- is unset or empty (`--color always|never` overrides); the progress bar of
-- loading is drawn on standard error only when it is a terminal, and only
-- after the first second.
-- @module rostra.cli
local rostra = require "rostra"
local result = require "rostra.result"

local M = {}

M.EXIT_OK, M.EXIT_ERROR, M.EXIT_USAGE = 0, 1, 2

local FORMATS = { "text", "tsv", "csv", "json" }
local EXT_FORMAT = { tsv = "tsv", tab = "tsv", csv = "csv", json = "json", txt = "text" }
local LEVELS = { "speech", "segment", "point", "sentence", "quotation", "turn", "boilerplate" }

-- the analysis modules written beside this one register their methods on
-- the Corpus when loaded; load them when they are installed
local function load_optional(name)
  if package.searchpath(name, package.path) then require(name) end
end

-- {====================================================== errors

-- errors raised by the commands: {exit = 1 | 2, msg = "..."}
local Failure = {}
Failure.__index = Failure
Failure.__tostring = function(self) return self.msg end

local function raise(exit, fmt, ...)
  local msg = select("#", ...) > 0 and fmt:format(...) or fmt
  error(setmetatable({ exit = exit, msg = msg }, Failure), 0)
end

local function fail(fmt, ...) raise(M.EXIT_ERROR, fmt, ...) end

local function usage(fmt, ...) raise(M.EXIT_USAGE, fmt, ...) end

-- "lua/rostra/x.lua:12: msg" -> "msg": the user did not write that file
local function strip_position(msg)
  msg = tostring(msg)
  local rest = msg:match("^[^%s:]+%.lua:%d+: (.*)$")
  return rest or msg
end

-- errors of the Lua API that come from a name on the command line: the
-- keys and columns are only known once the corpus is open
local function is_usage_error(msg)
  msg = tostring(msg)
  -- "unknown metadata key 'x' (...)", "unknown stopword language 'xx' (valid: ...)", ...
  return msg:find("^unknown [%w ]+ '.-' %(") ~= nil
end

local function plural(n, one, many)
  return ("%d %s"):format(n, n == 1 and one or many)
end

-- one line, its control characters shown (a file name holding ESC
-- sequences cannot drive the terminal)
local function one_line(msg)
  return result.visible((tostring(msg):gsub("%s*\n%s*", "; ")))
end

-- }======================================================

-- {====================================================== terminals and files

--- Is file descriptor fd (1: standard output, 2: standard error) a terminal?
-- Uses `os.execute("test -t fd")`.
-- @tparam integer fd
-- @treturn boolean
function M.isatty(fd)
  return os.execute(("test -t %d"):format(fd)) == true
end

local function is_index(path)
  local f = io.open(path, "rb")
  if not f then return false end
  local head = f:read(8)
  f:close()
  return head == "ROSTRAIX"
end

--- Write `text` to `path` through rostra.output: a regular file atomically
-- (a temporary file in the same folder, renamed over the target, its mode
-- kept), a symbolic link's target replaced, a device, a FIFO or `-`
-- written straight. Returns true, or nil, a message and a code.
-- @tparam string path
-- @tparam string text
-- @tparam[opt] table opts `forbid`, `stream` (see rostra.output)
function M.write_atomic(path, text, opts)
  return require("rostra.output").write(path, text, opts)
end

-- }======================================================

-- {====================================================== progress

local function clock()
  local ok, core = pcall(require, "rostra.core")
  if ok and core.clock then return core.clock() end
  return os.time()
end

local function hms(s)
  s = math.floor(s + 0.5)
  if s >= 3600 then return ("%d:%02d:%02d"):format(s // 3600, s % 3600 // 60, s % 60) end
  return ("%d:%02d"):format(s // 60, s % 60)
end

--- A progress function for `rostra.load` drawing a bar on `stream`, and a
-- function that clears it. Nothing is drawn during the first second.
-- @param stream a file (standard error)
-- @tparam[opt] function now a clock in seconds (for tests)
-- @treturn function progress(done, total, bytes)
-- @treturn function finish()
function M.progress_bar(stream, now)
  now = now or clock
  local t0, last, drawn = now(), -1, false
  local function progress(done, total, bytes)
    local t = now()
    local el = t - t0
    if el < 1 then return end
    if done < total and t - last < 0.1 then return end
    last = t
    local frac = total > 0 and done / total or 1
    local width = 24
    local fill = math.floor(frac * width + 0.5)
    local left = frac > 0 and el * (1 - frac) / frac or 0
    stream:write(("\r[%s%s] %d/%d files  %.1f MB/s  %s left \27[K"):format(
      ("#"):rep(fill), ("."):rep(width - fill), done, total, bytes / el / 1e6, hms(left)))
    stream:flush()
    drawn = true
  end
  local function finish()
    if drawn then stream:write("\r\27[K") stream:flush() end
    drawn = false
  end
  return progress, finish
end

-- }======================================================

-- {====================================================== option values

-- "year=2020", "country=CHN,RUS", "year=2013..2023", "date=2020-01-01.."
local function value_of(s)
  local n = math.tointeger(tonumber(s))
  if n and s:match("^%-?%d+$") then return n end
  if s:match("^%-?%d+%.%d+$") then return tonumber(s) end
  return s
end

--- Parse the `--where` values into a spec for `c:where`.
-- `KEY=VALUE`, `KEY=V1,V2` (any of them), `KEY=MIN..MAX` (a range; either
-- end may be left out). Raises a usage error on a malformed one.
-- @tparam {string,...} list
-- @treturn table|nil
function M.parse_where(list, option)
  if list == nil or #list == 0 then return nil end
  option = option or "--where"
  local spec = {}
  for _, item in ipairs(list) do
    local k, v = item:match("^%s*([%w_%.%-]+)%s*=(.*)$")
    if not k then usage("%s expects KEY=VALUE, got '%s'", option, item) end
    v = v:match("^%s*(.-)%s*$")
    local lo, hi = v:match("^(.-)%.%.(.-)$")
    if lo and (lo ~= "" or hi ~= "") then
      local r = {}
      if lo ~= "" then r.min = value_of(lo) end
      if hi ~= "" then r.max = value_of(hi) end
      if r.min ~= nil and r.max ~= nil and type(r.min) ~= type(r.max) then
        usage("%s: the range '%s' mixes numbers and text", option, v)
      end
      spec[k] = r
    elseif v:find(",", 1, true) then
      local alts = {}
      for a in (v .. ","):gmatch("(.-),") do
        a = a:match("^%s*(.-)%s*$")
        if a ~= "" then alts[#alts + 1] = value_of(a) end
      end
      spec[k] = alts
    else
      spec[k] = value_of(v)
    end
  end
  return spec
end

local SORT_KEY = { position = true, speech = true, match = true, right = true, left = true }

local function parse_sort(s)
  if s == nil then return nil end
  local keys = {}
  for item in (s .. ","):gmatch("(.-),") do
    item = item:match("^%s*(.-)%s*$")
    if item ~= "" then
      local desc = false
      if item:sub(1, 1) == "-" then desc, item = true, item:sub(2) end
      local name = item:match("^(%S+)%s+desc$") or item:match("^(%S+):desc$")
      if name then item, desc = name, true end
      if not (SORT_KEY[item] or item:match("^right%d+$") or item:match("^left%d+$")
              or item:match("^meta:[%w_%.%-]+$")) then
        -- any other name is a metadata key (file, year, ...), checked once the corpus is open
        if not item:match("^[%w_%.%-]+$") then
          usage("unknown sort key '%s' (valid: right1.., left1.., right, left, match, position, speech, "
            .. "a metadata key; -KEY or 'KEY desc' for descending)", item)
        end
        item = "meta:" .. item
      end
      keys[#keys + 1] = desc and (item .. " desc") or item
    end
  end
  if #keys == 0 then usage("--sort expects keys such as right1,right2") end
  return keys
end

-- a query checked before anything is loaded (any attribute or structure
-- name: the corpus says which it has), then against the corpus
local function check_query(q, c)
  local query = require "rostra.query"
  local names = { attributes = true, structures = true }
  if c then names = require("rostra.matches").names(c) end
  local ok, err = pcall(query.compile, q, names)
  if not ok then usage("%s", strip_position(err)) end
  return q
end

-- --within: a structure of the corpus
local function check_within(c, within)
  if within == nil then return nil end
  local levels = c:structures()
  for _, l in ipairs(levels) do if l == within then return within end end
  if within == "s" or within == "paragraph" then return within end
  usage("unknown structure '%s' for --within (valid: %s)", within, table.concat(levels, ", "))
end

-- --attr: an attribute of the corpus
local function check_attr(c, attr)
  if attr ~= nil and not c:has_attribute(attr) then
    usage("unknown attribute '%s' for --attr (valid: %s)", attr, table.concat(c:attributes(), ", "))
  end
  return attr
end

local function whole(name, min, max)
  return function(s)
    local n = math.tointeger(tonumber(s))
    if not n or n < min or (max and n > max) then
      if max then
        return nil, ("%s expects a whole number from %d to %d, got '%s'"):format(name, min, max, s)
      end
      return nil, ("%s expects a whole number >= %d, got '%s'"):format(name, min, s)
    end
    return n
  end
end

-- options whose value may start with '-' (a negative number, a descending
-- sort key): "--sort -count" is read as "--sort=-count", so that the value
-- reaches the option's own check rather than being taken for an option
local VALUE_OPTIONS = {
  ["--sort"] = true, ["--filter"] = true, ["--where"] = true, ["--context"] = true, ["--limit"] = true,
  ["--offset"] = true, ["--top"] = true, ["--min"] = true, ["--window"] = true, ["-n"] = true,
  ["--threads"] = true, ["--per-unit"] = true, ["--target"] = true, ["--reference"] = true,
}

local function join_dash_values(list)
  local out, i = {}, 1
  while i <= #list do
    local a, b = list[i], list[i + 1]
    if VALUE_OPTIONS[a] and b and b:match("^%-[%w_.]") and not b:match("^%-%-") then
      out[#out + 1] = a .. "=" .. b
      i = i + 2
    else
      out[#out + 1] = a
      i = i + 1
    end
  end
  return out
end

-- --filter 'COL OP VALUE': the grammar, documented in the help and README
local FILTER_OPS = { ["="] = true, ["!="] = true, ["<"] = true, ["<="] = true, [">"] = true,
                     [">="] = true, ["~"] = true, ["!~"] = true }

--- Parse one `--filter` expression: `COLUMN OP VALUE`, OP one of `=` `!=`
-- `<` `<=` `>` `>=` (numbers compare as numbers, other values as text in
-- byte order), `~` (the value contains the text) and `!~` (it does not);
-- `COLUMN=A,B` is any of A and B. Quotes around VALUE are dropped. Raises a
-- usage error on a malformed one.
-- @tparam string s
-- @treturn table `{column, op, value | values}`
function M.parse_filter(s)
  local col, op, v = s:match("^%s*([^%s=!<>~]+)%s*([=!<>~]+)%s*(.-)%s*$")
  if not col or not FILTER_OPS[op] then
    usage("--filter expects COLUMN OP VALUE with OP one of = != < <= > >= ~ !~ (e.g. 'count>=5', "
      .. "'party=d,r', 'file~2020'), got '%s'", s)
  end
  local q = v:match('^"(.*)"$') or v:match("^'(.*)'$")
  local f = { column = col, op = op, text = s }
  if q then
    f.value = q
  elseif op == "=" and v:find(",", 1, true) then
    f.values = {}
    for a in (v .. ","):gmatch("%s*(.-)%s*,") do f.values[#f.values + 1] = a end
  else
    f.value = v
  end
  if (op == "<" or op == "<=" or op == ">" or op == ">=") and f.value == "" then
    usage("--filter '%s': nothing to compare with", s)
  end
  return f
end

local function filter_test(f)
  local num = tonumber(f.value)
  local function eq(x, want)
    if x == nil then return false end
    local n = tonumber(want)
    if type(x) == "number" and n then return x == n end
    return tostring(x) == want
  end
  local op = f.op
  if f.values then
    return function(x)
      for _, w in ipairs(f.values) do if eq(x, w) then return true end end
      return false
    end
  end
  if op == "=" then return function(x) return eq(x, f.value) end end
  if op == "!=" then return function(x) return not eq(x, f.value) end end
  if op == "~" or op == "!~" then
    local want = op == "~"
    return function(x)
      if x == nil then return not want end
      return (tostring(x):find(f.value, 1, true) ~= nil) == want
    end
  end
  return function(x)
    local a, b
    if type(x) == "number" and num then a, b = x, num
    elseif x == nil then return false
    else a, b = tostring(x), f.value end
    if op == "<" then return a < b elseif op == "<=" then return a <= b
    elseif op == ">" then return a > b else return a >= b end
  end
end

local function check_table_column(t, col, option)
  for _, c in ipairs(t:columns()) do
    if c == col then return col end
  end
  usage("%s: unknown column '%s' (%s)", option, col, require("rostra.opts").hint(col, t:columns(), "columns"))
end

--- Apply `--filter`, `--sort` and `--top` to a result table, in that order.
-- @param args the parsed arguments
-- @param t a result table
-- @return a result table
function M.shape(args, t)
  for _, s in ipairs(args.filter or {}) do
    local f = M.parse_filter(s)
    check_table_column(t, f.column, "--filter")
    local test, col = filter_test(f), f.column
    t = t:filter(function(row) return test(row[col]) end)
  end
  if args.sort then
    local keys = {}
    for item in (args.sort .. ","):gmatch("%s*(.-)%s*,") do
      if item ~= "" then
        local dir = "asc"
        if item:sub(1, 1) == "-" then dir, item = "desc", item:sub(2)
        elseif item:sub(1, 1) == "+" then item = item:sub(2) end
        local name, d = item:match("^(.-)[:%s]+(%a+)$")
        if name and (d == "desc" or d == "asc") then item, dir = name, d end
        keys[#keys + 1] = { check_table_column(t, item, "--sort"), dir }
      end
    end
    if #keys == 0 then usage("--sort expects column names such as -count,word") end
    t:sort(keys)
  end
  if args.top then t = t:head(args.top) end
  return t
end

local function integer(name)
  return function(s)
    local n = math.tointeger(tonumber(s))
    if not n or not s:match("^%s*[-+]?%d+%s*$") then
      return nil, ("%s expects a whole number, got '%s'"):format(name, s)
    end
    return n
  end
end

local function share(name)
  return function(s)
    local x = tonumber(s)
    if not x or x < 0 or x >= 1 then
      return nil, ("%s expects a share from 0 to below 1, got '%s'"):format(name, s)
    end
    return x
  end
end

local function number(name, lo, hi)
  return function(s)
    local x = tonumber(s)
    if not x or x ~= x or x == math.huge or x == -math.huge or (lo and x < lo) or (hi and x > hi) then
      return nil, ("%s expects a number%s, got '%s'"):format(name,
        lo and hi and (" from %g to %g"):format(lo, hi) or "", s)
    end
    return x
  end
end

-- the options of a decision rule (themes --labels, validate)
local function rule_options(c)
  c:option("--min-count", "Rule: a theme needs at least N matches in the unit.", nil,
    whole("--min-count", 1)):argname "<n>"
  c:option("--min-share", "Rule: ... and its matches at least this share of the unit's words.", nil,
    number("--min-share", 0, 1)):argname "<x>"
  c:option("--min-score", "Rule: ... and at least this sum of pattern weights.", nil,
    number("--min-score")):argname "<x>"
  c:option("--min-dominance", "Rule: ... and a score at least this share of the unit's top theme's.",
    nil, number("--min-dominance", 0, 1)):argname "<x>"
end

-- }======================================================

-- {====================================================== loading

local function warn(ctx, msg)
  ctx.err:write("rostra: warning: ", one_line(msg), "\n")
end

-- warnings about file names that come once per file: the first few are
-- shown, then how many more
local NAME_WARNINGS = {
  { pattern = "^.- splits more than one way under (.-): ",
    more = "file names split more than one way under %s" },
  { pattern = "^.- does not match (.-): no metadata", more = "file names do not match %s" },
}

local function show_warnings(ctx, list)
  local others, groups = {}, {}
  for _, w in ipairs(list) do
    local kind
    for k, g in ipairs(NAME_WARNINGS) do
      local what = tostring(w):match(g.pattern)
      if what then
        kind = k
        groups[k] = groups[k] or { what = what, list = {} }
        table.insert(groups[k].list, w)
        break
      end
    end
    if not kind then others[#others + 1] = w end
  end
  for k, g in ipairs(NAME_WARNINGS) do
    local grp = groups[k]
    if grp then
      for i = 1, math.min(#grp.list, 3) do warn(ctx, grp.list[i]) end
      if #grp.list > 3 then warn(ctx, ("%d more %s"):format(#grp.list - 3, g.more:format(grp.what))) end
    end
  end
  local n = #others
  for i = 1, math.min(n, 10) do warn(ctx, others[i]) end
  if n > 10 then warn(ctx, ("%d more warnings"):format(n - 10)) end
end

-- "rostra: metadata: year 233/233, president 233/233, party 0/233"
local function show_coverage(ctx, coverage)
  if coverage and #coverage > 0 then
    ctx.err:write("rostra: metadata: ", require("rostra.meta").coverage_line(coverage), "\n")
  end
end

-- text files under the inputs (folders walked, files kept), the set of
-- those found in a folder, and the walks' warnings (links skipped, ...)
local function expand(inputs)
  local core = require "rostra.core"
  local list, found, warnings = {}, {}, {}
  for _, p in ipairs(inputs) do
    local files, w = core.walk(p, require("rostra.corpus").extensions)
    if files then
      for _, f in ipairs(files) do
        list[#list + 1] = f
        found[f] = true
      end
      for _, x in ipairs(w) do warnings[#warnings + 1] = x end
    else
      list[#list + 1] = p
    end
  end
  return list, found, warnings
end

-- -o naming one of the files read (an input, the lexicon, the sidecar, the
-- layout):
-- refused before anything is done; the ids are kept for the write
local function guard_output(ctx, args, paths)
  if not args.output or args.output == "-" then return end
  local output = require "rostra.output"
  local list = {}
  for _, p in ipairs(paths or {}) do list[#list + 1] = p end
  if args.sidecar then list[#list + 1] = args.sidecar end
  if args.lexicon then list[#list + 1] = args.lexicon end
  if args.layout then list[#list + 1] = args.layout end
  ctx.forbid = output.ids(list, ctx.forbid)
  local ok, err = output.check(args.output, ctx.forbid)
  if not ok then usage("%s", err) end
end

local function check_inputs(inputs)
  local index
  for _, p in ipairs(inputs) do
    local f, err = io.open(p, "rb")
    if not f then fail("%s", err) end
    f:close()
    if is_index(p) then index = p end
  end
  if index and #inputs > 1 then
    usage("an index (%s) must be the only input", index)
  end
  return index
end

local function meta_spec(args)
  if args.meta == nil then return nil end
  local ok, err = pcall(require("rostra.meta").compile, args.meta)
  if not ok then usage("--meta: %s", strip_position(err):gsub("^rostra%.meta: ", "")) end
  return args.meta
end

-- the corpus of the inputs, narrowed by --where; also the whole corpus
local function open_corpus(ctx, args)
  local inputs = args.inputs
  if not inputs or #inputs == 0 then usage("no input: give text files, folders or a .rostra index") end
  local where = M.parse_where(args.where)
  local index = check_inputs(inputs)
  guard_output(ctx, args, inputs)
  local c
  if index then
    for _, o in ipairs { "meta", "sidecar", "lang", "split_hyphens" } do
      if args[o] ~= nil then
        warn(ctx, ("--%s is ignored for an index: it was read when the index was built"):format(
          o:gsub("_", "-")))
      end
    end
    local err
    c, err = rostra.open(index, { verify = args.verify or nil })
    if not c then fail("%s", err) end
  else
    if args.verify then warn(ctx, "--verify checks an index: the text files are read as they are") end
    local opts = { meta = meta_spec(args), sidecar = args.sidecar, lang = args.lang, threads = args.threads,
                   split_hyphens = args.split_hyphens or nil }
    local finish
    if ctx.isatty(2) then opts.progress, finish = M.progress_bar(ctx.err, ctx.clock) end
    local what, walked = inputs[1], {}
    if #inputs > 1 then
      local list, _, w = expand(inputs)
      what, walked = list, w
    end
    local ok, r, err, code = pcall(rostra.load, what, opts)
    if finish then finish() end
    if not ok then error(r, 0) end
    if not r and code == "ENOMATCH" then usage("%s", err) end
    if not r then -- the one file given could not be read: its message and code, as a skipped file's
      if code then fail("%s (%s)", err, code) end
      fail("%s", err)
    end
    c = r
    local warnings = c:info().warnings
    for i, w in ipairs(walked) do table.insert(warnings, i, w) end
    local _, ndoc = c:counts()
    if ndoc == 0 and #warnings > 0 then
      local more = #warnings > 1 and (" (and %d more)"):format(#warnings - 1) or ""
      fail("%s%s", warnings[1]:gsub("^skipped ", ""), more)
    elseif ndoc == 0 then
      fail("no speeches in %s (rostra reads .txt, .conllu and .vrt files)", table.concat(inputs, ", "))
    end
    show_warnings(ctx, warnings)
    show_coverage(ctx, c:info().coverage)
  end
  local all = c
  if where then
    c = c:where(where)
    local _, ndoc = c:counts()
    if ndoc == 0 then warn(ctx, "no speech matches --where " .. table.concat(args.where, " --where ")) end
  end
  return c, all, where
end

-- }======================================================

-- {====================================================== output

-- is -o a stream written straight rather than a file (rostra.output):
-- `-`, a device or standard stream (/dev/null, /dev/stdout, /dev/fd/N), a
-- FIFO or a socket
local function is_stream(path)
  if path == "-" or path:match("^/dev/") or path:match("^/proc/self/fd/") then return true end
  local _, kind = require("rostra.core").file_id(path)
  return kind == "character device" or kind == "FIFO" or kind == "socket"
end

-- the format of the output: --format, else the extension of -o (an
-- extension rostra does not know is a usage error: nothing is written in a
-- format the name does not say; a stream, such as -o /dev/null or a FIFO,
-- is text as standard output is), else text
local function output_format(args)
  if args.format then return args.format end
  if args.output then
    local ext = args.output:match("%.([^./]+)$")
    local fmt = ext and EXT_FORMAT[ext:lower()]
    if not fmt and is_stream(args.output) then return "text" end -- as on standard output
    if not fmt then
      usage("cannot tell the format of '%s' from its %s; give --format text|tsv|csv|json, or name "
        .. "the file .txt, .tsv, .csv or .json", args.output, ext and ("extension ." .. ext) or "name")
    end
    return fmt
  end
  return "text"
end

local function write_out(ctx, args, text)
  if text:sub(-1) ~= "\n" then text = text .. "\n" end
  if args.output then
    local ok, err, code = M.write_atomic(args.output, text, { forbid = ctx.forbid, stream = ctx.out })
    if not ok then
      if code == "ESAME" then usage("%s", err) end
      fail("%s", err)
    end
  else
    ctx.out:write(text)
  end
end

-- rows of a text table: --limit N (0: all), else a page of 50 on a
-- terminal and every row anywhere else (a file, a pipe)
local function max_rows(args)
  if args.limit == 0 then return false end
  if args.limit then return args.limit end
  return args._page and 50 or false
end

-- the text of a result (a result table, or an object with tostring and
-- export) in a format
local function render(t, fmt, args)
  if fmt == "text" then
    -- a page on a terminal cuts long cells; a file keeps them whole
    if result.is(t) then
      local o = { max_rows = max_rows(args) }
      if not args._page then o.max_width = false end
      return t:format(o)
    end
    return tostring(t)
  end
  if args.limit and args.limit > 0 and type(t.head) == "function" then t = t:head(args.limit) end
  local f = t["to_" .. fmt]
  if type(f) == "function" then return f(t) end
  if type(t.export) == "function" then
    local tmp = os.tmpname()
    local ok, err = t:export(tmp, fmt)
    if not ok then os.remove(tmp) fail("%s", err) end
    local fh = assert(io.open(tmp, "rb"))
    local s = fh:read("a")
    fh:close()
    os.remove(tmp)
    return s
  end
  fail("this result cannot be written as %s", fmt)
end

local function emit(ctx, args, t)
  if result.is(t) and not args._shaped then t = M.shape(args, t) end
  local fmt = output_format(args)
  -- a text table on the screen shows its warnings; a file holds the rows
  -- only (a TSV, CSV or JSON file has no place for them): stderr
  if (fmt ~= "text" or args.output) and result.is(t) and #t.warnings > 0 then
    for _, w in ipairs(t.warnings) do warn(ctx, w) end
    t = t:filter(function() return true end)
    t.warnings = {}
  end
  write_out(ctx, args, render(t, fmt, args))
end

local function use_color(ctx, args)
  if args.color == "always" then return true end
  if args.color == "never" or args.output then return false end
  local nc = ctx.getenv("NO_COLOR")
  if nc and nc ~= "" then return false end
  return ctx.isatty(1)
end

local function need(c, method, module)
  if type(c[method]) ~= "function" then
    fail("c:%s is not available in this build (it comes with %s)", method, module)
  end
end

-- the metadata keys of --columns (nil: all of them)
local function columns_of(args)
  if args.columns == nil then return nil end
  local list = {}
  for k in (args.columns .. ","):gmatch("%s*(.-)%s*,") do
    if k ~= "" then list[#list + 1] = k end
  end
  return list
end

local function file_of(c, d)
  local m = c:meta(d) or {}
  return m.file or tostring(d)
end

-- }======================================================

-- {====================================================== commands

local cmd = {}

-- a metadata test with the semantics of c:where, for speeches parsed one by one
local function meta_match(spec, m)
  for k, want in pairs(spec) do
    local v = m[k]
    if type(want) == "table" and (want.min ~= nil or want.max ~= nil) then
      local t = type(want.min ~= nil and want.min or want.max)
      if type(v) ~= t then return false end
      if want.min ~= nil and v < want.min then return false end
      if want.max ~= nil and v > want.max then return false end
    elseif type(want) == "table" then
      local any = false
      for _, w in ipairs(want) do
        if v ~= nil and tostring(v) == tostring(w) then any = true end
      end
      if not any then return false end
    elseif v == nil or tostring(v) ~= tostring(want) then
      return false
    end
  end
  return true
end

local function speech_rows(sp, file, level)
  local rows = {}
  if level == "speech" then
    local m, raw = sp.meta, sp._raw or {}
    rows[1] = { file = file, title = m.title, speaker = m.speaker, role = m.role, date = m.date,
      place = m.place, source = m.source, lang = m.lang, segments = #(raw.segments or {}),
      points = #(raw.points or {}), sentences = #(raw.sentences or {}),
      quotations = #(raw.quotations or {}), turns = #(raw.turns or {}), boilerplate = #sp.boilerplate,
      warnings = #sp.warnings }
  elseif level == "segment" then
    for i, s in ipairs(sp:segments()) do
      rows[i] = { file = file, index = i, line = s.line, kind = s.kind, point = s.point, turn = s.turn,
        speaker = s.speaker, start = s.start, stop = s.stop, text = s.text }
    end
  elseif level == "turn" then
    local segs = sp:segments()
    for i, t in ipairs(sp:turns()) do
      local parts = {}
      for k = t.first, t.last do parts[#parts + 1] = segs[k] and segs[k].text end
      rows[i] = { file = file, index = i, speaker = t.speaker, role = t.role, label = t.label,
        question = t.question or false, first = t.first, last = t.last, start = t.start, stop = t.stop,
        text = table.concat(parts, " ") }
    end
  elseif level == "boilerplate" then
    for i, b in ipairs(sp.boilerplate) do
      rows[i] = { file = file, line = b.line, where = b.where, why = b.why, text = b.text }
    end
  elseif level == "point" then
    local segs = sp:segments()
    for i, p in ipairs(sp:points()) do
      local parts = {}
      for k = p.first, p.last do parts[#parts + 1] = segs[k] and segs[k].text end
      rows[i] = { file = file, ordinal = p.ordinal, marker = p.marker, heading = p.heading,
        first = p.first, last = p.last, text = table.concat(parts, " ") }
    end
  elseif level == "sentence" then
    for i, s in ipairs(sp:sentences()) do
      rows[i] = { file = file, index = i, segment = s.segment, start = s.start, stop = s.stop, text = s.text }
    end
  else
    for i, q in ipairs(sp:quotations()) do
      rows[i] = { file = file, index = i, segment = q.segment, depth = q.depth, start = q.start,
        stop = q.stop, text = q.text }
    end
  end
  return rows
end

local PARSE_COLUMNS = {
  speech = { "file", "title", "speaker", "role", "date", "place", "source", "lang", "segments",
             "points", "sentences", "quotations", "turns", "boilerplate", "warnings" },
  segment = { "file", "index", "line", "kind", "point", "turn", "speaker", "start", "stop", "text" },
  turn = { "file", "index", "speaker", "role", "label", "question", "first", "last", "start", "stop",
           "text" },
  boilerplate = { "file", "line", "where", "why", "text" },
  point = { "file", "ordinal", "marker", "heading", "first", "last", "text" },
  sentence = { "file", "index", "segment", "start", "stop", "text" },
  quotation = { "file", "index", "segment", "depth", "start", "stop", "text" },
}

-- a layout file (--layout FILE.lua): Lua that returns the table of
-- rostra.parse's `layout` option; it sees lpeg and the string library only
local function read_layout(path)
  local env = { lpeg = require "lpeg", string = string, table = table, ipairs = ipairs,
                pairs = pairs, tostring = tostring, tonumber = tonumber }
  local chunk, err = loadfile(path, "t", env)
  if not chunk then usage("--layout: %s", err) end
  local ok, lay = pcall(chunk)
  if not ok then usage("--layout %s: %s", path, tostring(lay)) end
  if type(lay) ~= "table" then usage("--layout %s: the file must return a table, got %s", path, type(lay)) end
  local cok, compiled = pcall(require("rostra.layout").compile, lay)
  if not cok then usage("--layout %s: %s", path, strip_position(tostring(compiled))) end
  return compiled
end

-- warnings about what a page did not give, summed over many files
local QUIET = { NOSPEAKER = "no speaker found", GUESSSPEAKER = "speaker taken from the turns",
                NOTITLE = "no title found", GUESSTITLE = "title taken from the first line",
                NODATE = "no date found", NOYEAR = "a date without a year",
                HEADER = true, FOOTER = true, NOTES = true, ENOSPEECH = "no speech found (all furniture)" }

-- the folder a file is in
local function folder_of(path)
  return path:match("^(.*)/[^/]*$") or "."
end

-- {====================================================== parse --report

local REPORT_COLUMNS = { "folder", "speeches", "title", "speaker", "date", "place", "source",
                         "turns", "transcripts", "header_lines", "footer_lines", "notes", "empty",
                         "top_first_lines", "top_last_lines" }

-- lines that open or close many speeches of a folder are furniture the
-- parser did not recognise (or a formula every speech has: the analyst judges)
local function top_lines(counts, nspeeches, k)
  local list = {}
  for text, n in pairs(counts) do
    if n >= 2 and n * 20 >= nspeeches then list[#list + 1] = { text = text, n = n } end
  end
  table.sort(list, function(a, b)
    if a.n ~= b.n then return a.n > b.n end
    return a.text < b.text
  end)
  local out = {}
  for i = 1, math.min(k, #list) do out[i] = ("%s (%d)"):format(list[i].text, list[i].n) end
  return out
end

local function report_rows(speeches)
  local by, order = {}, {}
  for _, s in ipairs(speeches) do
    local f = folder_of(s.file)
    local g = by[f]
    if not g then
      g = { folder = f, speeches = 0, title = 0, speaker = 0, date = 0, place = 0, source = 0,
            turns = 0, transcripts = 0, header_lines = 0, footer_lines = 0, notes = 0, empty = 0,
            first = {}, last = {} }
      by[f] = g
      order[#order + 1] = f
    end
    local sp, m = s.sp, s.sp.meta
    g.speeches = g.speeches + 1
    for _, k in ipairs({ "title", "speaker", "date", "place", "source" }) do
      if m[k] ~= nil then g[k] = g[k] + 1 end
    end
    local nt = #sp:turns()
    g.turns = g.turns + nt
    if nt > 1 then g.transcripts = g.transcripts + 1 end
    for _, b in ipairs(sp.boilerplate) do
      if b.where == "footer" then g.footer_lines = g.footer_lines + 1
      elseif b.where == "body" then g.notes = g.notes + 1
      else g.header_lines = g.header_lines + 1 end
    end
    local segs = sp:segments()
    if #segs == 0 then g.empty = g.empty + 1 end
    -- the first and last lines of the speech
    local function note(tab, seg)
      if seg and #seg.text <= 120 then tab[seg.text] = (tab[seg.text] or 0) + 1 end
    end
    note(g.first, segs[1])
    if #segs > 1 then note(g.last, segs[#segs]) end
  end
  table.sort(order)
  local rows = {}
  for _, f in ipairs(order) do
    local g = by[f]
    local n = g.speeches
    local function pct(k) return n > 0 and 100 * g[k] / n or 0 end
    rows[#rows + 1] = {
      folder = f, speeches = n, title = pct("title"), speaker = pct("speaker"), date = pct("date"),
      place = pct("place"), source = pct("source"), turns = g.turns, transcripts = g.transcripts,
      header_lines = g.header_lines, footer_lines = g.footer_lines, notes = g.notes, empty = g.empty,
      top_first_lines = table.concat(top_lines(g.first, n, 5), " | "),
      top_last_lines = table.concat(top_lines(g.last, n, 5), " | "),
      _first = top_lines(g.first, n, 10), _last = top_lines(g.last, n, 10),
    }
  end
  return rows
end

local function parse_report(ctx, args, speeches)
  local rows = report_rows(speeches)
  local fmt = output_format(args)
  if fmt ~= "text" then
    return emit(ctx, args, result.new(REPORT_COLUMNS, rows, { title = "parse report" }))
  end
  local cols = { "folder", "speeches", "title", "speaker", "date", "place", "source", "turns",
                 "transcripts", "header_lines", "footer_lines", "notes", "empty" }
  local t = result.new(cols, rows, { title = "parse report: share of speeches (%) with each value found",
    formats = { title = "%.1f", speaker = "%.1f", date = "%.1f", place = "%.1f", source = "%.1f" } })
  local out = { t:format { max_rows = false } }
  for _, r in ipairs(rows) do
    if #r._first > 0 or #r._last > 0 then
      out[#out + 1] = ""
      out[#out + 1] = ("%s: lines that open or close many speeches (furniture left in the speech?)")
        :format(r.folder)
      for _, l in ipairs(r._first) do out[#out + 1] = "  first: " .. l end
      for _, l in ipairs(r._last) do out[#out + 1] = "  last:  " .. l end
    end
  end
  write_out(ctx, args, table.concat(out, "\n"))
end

-- }======================================================

function cmd.parse(ctx, args)
  local inputs = args.inputs
  local index = check_inputs(inputs)
  guard_output(ctx, args, inputs)
  local where = M.parse_where(args.where)
  local lay = args.layout and read_layout(args.layout) or nil
  local speeches = {}
  local quiet, nfiles = {}, 0
  if index then
    local c, err = rostra.open(index, { verify = args.verify or nil })
    if not c then fail("%s", err) end
    if where then c = c:where(where) end
    for d, m in c:speeches() do
      local sp, perr = rostra.parse(c:text(d), { name = m.file, layout = lay })
      if not sp then fail("%s", perr) end
      for k, v in pairs(m) do sp.meta[k] = v end
      speeches[#speeches + 1] = { sp = sp, file = m.file or tostring(d) }
    end
  else
    local opts = { meta = meta_spec(args), sidecar = args.sidecar, lang = args.lang, layout = lay,
                   split_hyphens = args.split_hyphens or nil }
    local files, found, walked = expand(inputs)
    local many = #files > 3
    local keys, warnings = {}, walked -- the walks' warnings (links skipped, ...) first
    local report = opts.meta and require("rostra.meta").report(opts.meta)
    for _, p in ipairs(files) do
      local sp, err, code = rostra.parse_file(p, opts)
      if sp then
        nfiles = nfiles + 1
        for k in pairs(sp.meta) do keys[k] = true end
        if report then
          report:from_name(p)
          report:add(p, sp.meta)
        end
        if not where or meta_match(where, sp.meta) then speeches[#speeches + 1] = { sp = sp, file = p } end
        for _, w in ipairs(sp.warnings) do
          -- what a page did not give is counted over many files (and in --report)
          local q = QUIET[w.code or ""]
          if q and (many or q == true or args.report) then
            if q ~= true then quiet[w.code] = (quiet[w.code] or 0) + 1 end
          else
            local msg = (w.message or w.code or "?"):gsub("^.-:%d+: ", "")
            warnings[#warnings + 1] = w.line and w.line > 0 and ("%s:%s: %s"):format(p, w.line, msg) or msg
          end
        end
      elseif found[p] then -- found in a folder: skipped, as rostra.load does
        warnings[#warnings + 1] = ("skipped %s (%s)"):format(err, code)
      else
        fail("%s", err)
      end
    end
    if report then
      local ok, err = report:finish()
      if not ok then usage("%s", err) end
    end
    show_warnings(ctx, warnings)
    if report then show_coverage(ctx, report:coverage()) end
    for k in pairs(where or {}) do
      if not keys[k] then
        usage("--where: unknown metadata key '%s' (%s)", k,
          require("rostra.opts").hint(k, keys, "the speeches have"))
      end
    end
  end
  if not args.report then
    local codes = {}
    for code in pairs(quiet) do codes[#codes + 1] = code end
    table.sort(codes)
    for _, code in ipairs(codes) do
      warn(ctx, ("%d of %d files: %s (see rostra parse --report)"):format(quiet[code], nfiles, QUIET[code]))
    end
  end
  if args.report then return parse_report(ctx, args, speeches) end
  local fmt = output_format(args)
  local level = args.level
  if fmt == "text" and level == nil then
    if args.sort or args.filter or args.top then
      usage("--sort, --filter and --top shape a table: give --level (segment, speech, ...) or --format")
    end
    local parts = {}
    for i, s in ipairs(speeches) do parts[i] = tostring(s.sp) end
    return write_out(ctx, args, table.concat(parts, "\n\n"))
  end
  level = level or "segment"
  -- every row names its speech: file, then the metadata keys (--columns)
  local own, keys, names = {}, {}, {}
  for _, col in ipairs(PARSE_COLUMNS[level]) do own[col] = true end
  local seen = {}
  for _, sp in ipairs(speeches) do
    for k in pairs(sp.sp.meta) do seen[k] = true end
  end
  local want = columns_of(args)
  if want then
    for _, k in ipairs(want) do
      if k ~= "file" and not seen[k] then
        usage("--columns: unknown metadata key '%s' (%s)", k,
          require("rostra.opts").hint(k, seen, "the speeches have"))
      end
      if k ~= "file" then keys[#keys + 1] = k end
    end
  else
    for k in pairs(seen) do
      -- at the speech level, title, speaker... are columns already
      if k ~= "file" and not (level == "speech" and own[k]) then keys[#keys + 1] = k end
    end
    table.sort(keys)
  end
  local cols = {}
  for _, col in ipairs(PARSE_COLUMNS[level]) do
    cols[#cols + 1] = col
    if col == "file" then
      for i, k in ipairs(keys) do
        names[i] = own[k] and ("meta." .. k) or k
        cols[#cols + 1] = names[i]
      end
    end
  end
  local rows = {}
  for _, s in ipairs(speeches) do
    for _, r in ipairs(speech_rows(s.sp, s.file, level)) do
      for i, k in ipairs(keys) do r[names[i]] = s.sp.meta[k] end
      rows[#rows + 1] = r
    end
  end
  local titles = { speech = "speeches", segment = "segments", point = "points", sentence = "sentences",
                   quotation = "quotations", turn = "turns", boilerplate = "boilerplate lines" }
  emit(ctx, args, result.new(cols, rows, { title = titles[level] }))
end

function cmd.index(ctx, args)
  if not args.output then usage("index needs -o FILE.rostra, the index to write") end
  local c, all, where = open_corpus(ctx, args)
  local saved = where and c or all -- a view saves exactly its speeches
  local ok, err = saved:save(args.output)
  if not ok then fail("%s", err) end
  local ntok, ndoc = saved:counts()
  local fmt = output_format { format = args.format }
  if fmt == "text" then
    write_out(ctx, { }, ("wrote %s: %s, %s"):format(args.output, plural(ndoc, "speech", "speeches"),
      plural(ntok, "token", "tokens")))
  else
    local t = result.new({ "index", "speeches", "tokens" },
      { { index = args.output, speeches = ndoc, tokens = ntok } })
    write_out(ctx, { }, render(t, fmt, args))
  end
end

-- show a concordance: its lines on a terminal or in a text file (the
-- file of each line when there are several speeches), else the table of
-- its lines, each naming its speech
local function show_kwic(ctx, args, c, k, label, offset)
  if output_format(args) ~= "text" then
    args._shaped = true -- --filter and --top were applied to the lines
    return emit(ctx, args, k:table())
  end
  local color = use_color(ctx, args)
  local _, ndoc = c:counts()
  local files, fw = {}, 0
  if ndoc > 1 then
    for i, r in ipairs(k) do
      local f = result.visible(file_of(c, r.speech):match("([^/]*)$"))
      if result.width(f) > 30 then f = f:sub(1, 29) .. "…" end
      files[i] = f
      fw = math.max(fw, result.width(f))
    end
  end
  local lines = {}
  local shown = #k
  local title = result.visible(("%d hits of %s"):format(k.hits, label))
  if shown < k.hits then
    title = title .. ("  (%d-%d shown; --limit N --offset N for more)"):format(
      (offset or 0) + (shown > 0 and 1 or 0), (offset or 0) + shown)
  end
  lines[1] = title
  for i, r in ipairs(k) do
    local line = color and r:highlight() or tostring(r)
    if files[i] then line = files[i] .. (" "):rep(fw - result.width(files[i]) + 2) .. line end
    lines[#lines + 1] = line
  end
  for _, w in ipairs(k.warnings or {}) do
    if args.output then warn(ctx, w) else lines[#lines + 1] = "warning: " .. w end
  end
  write_out(ctx, args, table.concat(lines, "\n"))
end

-- the lines of a page of a concordance: --limit and --top (the smaller),
-- else a page of 50 on a terminal, else all
local function kwic_limit(args)
  local limit = args.limit ~= 0 and args.limit or nil
  if args.top then limit = limit and math.min(limit, args.top) or args.top end
  if limit == nil and args.limit == nil and args._page and output_format(args) == "text" then limit = 50 end
  return limit
end

function cmd.kwic(ctx, args)
  local q = check_query(args.query)
  local sort = parse_sort(args.sort)
  for _, f in ipairs(args.filter or {}) do M.parse_filter(f) end -- malformed: before loading
  local c = open_corpus(ctx, args)
  check_query(q, c)
  local o = { context = args.context, sort = sort, offset = args.offset, limit = kwic_limit(args),
              clip = args.sentence and "sentence" or nil, columns = columns_of(args), budget = args.budget }
  local k
  if args.filter then
    -- filter the named lines of every hit, then page what is left
    local all = c:kwic(q, { context = o.context, sort = sort, clip = o.clip, columns = o.columns,
                            budget = o.budget })
    local kept = M.shape({ filter = args.filter }, all:table(true))
    local starts, stops = {}, {}
    for i, r in kept:rows() do starts[i], stops[i] = r.start, r.stop end
    o.sort = nil -- kept in the order of the lines
    k = c:kwic(require("rostra.matches").new(c, starts, stops, q), o)
    rawset(k, "hits", #starts)
  else
    k = c:kwic(q, o)
  end
  show_kwic(ctx, args, c, k, args.filter and (q .. " (" .. table.concat(args.filter, ", ") .. ")") or q,
    args.offset)
end

function cmd.count(ctx, args)
  local q = check_query(args.query)
  local c = open_corpus(ctx, args)
  check_query(q, c)
  local t
  if args.by then
    -- count, words, per million words and share of the hits per group
    t = c:count(q, { by = args.by, columns = columns_of(args), budget = args.budget })
  else
    if args.columns then usage("--columns names the speeches: it goes with --by speech or --by KEY") end
    local m = c:query(q, { budget = args.budget })
    local speeches = {}
    local n = 0
    for d in m:iter() do
      if not speeches[d] then speeches[d] = true n = n + 1 end
    end
    local words = c:words()
    local note = require("rostra.matches").hyphen_note(c, q, #m)
    t = result.new({ "query", "count", "speeches", "words", "per_million" }, {
      { query = q, count = #m, speeches = n, words = words,
        per_million = words > 0 and #m * 1e6 / words or 0 } },
      { formats = { per_million = "%.2f" }, warnings = note and { note.message } or nil })
  end
  emit(ctx, args, t)
end

-- the `top` option of an analysis: --limit N, `all` for --limit 0 and for
-- output that does not page (a file or a pipe gets every row), else the
-- function's default
local function top(args, all)
  if args.filter or args.sort then return all end -- --filter and --sort see every row
  local n = args.top
  if args.limit and args.limit > 0 then n = n and math.min(n, args.limit) or args.limit end
  if n then return n end
  if args.limit == 0 or not args._page then return all end
  return nil
end

-- the association measures of rostra.stats, checked before any loading
local function check_measure(m)
  if m == nil then return end
  local ok, stats = pcall(require, "rostra.stats")
  if not ok or type(stats.measures) ~= "function" then return end
  local list = stats.measures()
  list[#list + 1] = "all"
  for _, x in ipairs(list) do if x == m then return end end
  usage("unknown measure '%s' (valid: %s)", m, table.concat(list, ", "))
end

-- options given on the command line, named as the Lua API names them
local function opts_of(args, names)
  local o = {}
  for api, opt in pairs(names) do
    if args[opt] ~= nil then o[api] = args[opt] end
  end
  return o
end

function cmd.themes(ctx, args)
  load_optional "rostra.themes"
  local lex, err = rostra.lexicon(args.lexicon or "political")
  if not lex then fail("%s", err) end
  local rule = opts_of(args, { min_count = "min_count", min_share = "min_share", min_score = "min_score",
    min_dominance = "min_dominance" })
  if next(rule) and not args.labels then
    usage("--min-count, --min-share, --min-score and --min-dominance go with --labels")
  end
  local c = open_corpus(ctx, args)
  need(c, "tag", "theme tagging, rostra.themes")
  local o = opts_of(args, { level = "level", by = "by", max_phrases = "max_phrases" })
  o.columns = columns_of(args)
  local t = c:tag(lex, o)
  if args.hits then
    -- what made the theme: the concordance of its matches
    if args.filter or args.sort or args.labels then
      usage("--hits shows a concordance: --filter, --sort and --labels go with the table of themes")
    end
    local k = t:hits(args.hits, { context = args.context, limit = kwic_limit(args), offset = nil,
                                  columns = o.columns })
    return show_kwic(ctx, args, c, k, "theme " .. args.hits)
  end
  if args.context then usage("--context goes with --hits THEME") end
  if args.labels then t = t:labels(rule) end
  if args.totals then t = t:totals()
  elseif args.per_unit then t = t:top(args.per_unit)
  elseif args.by then t = t:by(args.by) end
  emit(ctx, args, t)
end

function cmd.sample(ctx, args)
  local lex, err = rostra.lexicon(args.lexicon or "political")
  if not lex then fail("%s", err) end
  local c = open_corpus(ctx, args)
  local t = c:sample { level = args.level, n = args.n, seed = args.seed, holdout = args.holdout,
    min_words = args.min_words, lexicon = lex }
  show_warnings(ctx, t.warnings)
  -- a sample is for a spreadsheet: CSV unless told otherwise
  if not args.format and not (args.output and args.output:match("%.[^./]+$")) then args.format = "csv" end
  local fmt = output_format(args)
  if fmt == "text" then return emit(ctx, args, t) end
  write_out(ctx, args, render(M.shape(args, t), fmt, { limit = 0 }))
end

local VALIDATE_TABLES = { "report", "themes", "errors", "confusion", "splits", "agreement", "disagreements" }

function cmd.validate(ctx, args)
  local validation = require "rostra.validation"
  if args.where and #args.where > 0 then usage("--where does not apply to validate") end
  local lex, err = rostra.lexicon(args.lexicon_file, { levels = args.levels })
  if not lex then fail("%s", err) end
  local opts = opts_of(args, { min_count = "min_count", min_share = "min_share", min_score = "min_score",
    min_dominance = "min_dominance",
    split = "split", level = "level", levels = "levels" })
  if args.corpus then
    opts.corpus = open_corpus(ctx, { inputs = { args.corpus }, meta = args.meta, sidecar = args.sidecar,
      lang = args.lang, threads = args.threads })
  end
  local coded = #args.coded == 1 and args.coded[1] or args.coded
  local v, verr = lex:validate(coded, opts)
  if not v then fail("%s", verr) end
  local _ = validation
  show_warnings(ctx, v.warnings)
  local fmt = output_format(args)
  local which = args.table or (fmt == "text" and "report" or (fmt == "json" and "report" or "themes"))
  if which == "report" then
    if args.filter or args.sort or args.top then
      usage("--filter, --sort and --top shape a table: choose one with --table (themes, errors, ...)")
    end
    if fmt == "text" then
      local text = v:format { max_rows = max_rows(args) }
      -- the warnings went to standard error
      text = text:gsub("\nwarning: [^\n]*", "")
      return write_out(ctx, args, text)
    end
    if fmt ~= "json" then
      usage("--table report is text or JSON; choose a table for %s (--table themes)", fmt)
    end
    local cjson = require "cjson"
    local enc = cjson.new and cjson.new() or cjson
    if enc.encode_invalid_numbers then enc.encode_invalid_numbers("null") end
    return write_out(ctx, args, enc.encode(v:to_table()))
  end
  local t
  if which == "agreement" or which == "disagreements" then
    t = v[which]
    if not t then usage("--table %s needs two coded files or more", which) end
  else
    t = v[which]
  end
  emit(ctx, args, t)
end

function cmd.freq(ctx, args)
  local c = open_corpus(ctx, args)
  check_attr(c, args.attr)
  local o = opts_of(args, { attr = "attr", by = "by", min = "min", stopwords = "stopwords", punct = "punct" })
  o.top = top(args)
  emit(ctx, args, c:freq(o))
end

function cmd.ngrams(ctx, args)
  load_optional "rostra.stats"
  local c = open_corpus(ctx, args)
  need(c, "ngrams", "the statistics, rostra.stats")
  check_attr(c, args.attr)
  check_within(c, args.within)
  local o = opts_of(args, { n = "n", attr = "attr", min = "min", stopwords = "stopwords", within = "within" })
  o.top = top(args, false)
  emit(ctx, args, c:ngrams(o))
end

function cmd.collocates(ctx, args)
  local q = check_query(args.query)
  load_optional "rostra.stats"
  check_measure(args.measure)
  local c = open_corpus(ctx, args)
  need(c, "collocates", "the statistics, rostra.stats")
  check_query(q, c)
  check_attr(c, args.attr)
  check_within(c, args.within)
  local o = opts_of(args, { window = "window", measure = "measure", min = "min", attr = "attr",
                            stopwords = "stopwords", within = "within", punct = "punct", budget = "budget" })
  o.top = top(args, false)
  emit(ctx, args, c:collocates(q, o))
end

function cmd.keyness(ctx, args)
  local tspec = M.parse_where(args.target, "--target")
  local rspec = M.parse_where(args.reference, "--reference")
  if not tspec then usage("keyness needs --target KEY=VALUE, the speeches to compare") end
  load_optional "rostra.stats"
  local c, _, where = open_corpus(ctx, args)
  need(c, "keyness", "the statistics, rostra.stats")
  check_attr(c, args.attr)
  local target = c:where(tspec)
  local reference
  if rspec then
    reference = c:where(rspec)
  else
    reference = target:complement()
    if where then reference = reference:where(where) end
  end
  local _, nt = target:counts()
  local _, nr = reference:counts()
  if nt == 0 then fail("no speech matches --target %s", table.concat(args.target, " --target ")) end
  if nr == 0 then fail("the reference is empty: every speech matches --target") end
  local o = opts_of(args, { measure = "measure", min = "min", attr = "attr", stopwords = "stopwords",
                            punct = "punct" })
  o.top = top(args, false)
  emit(ctx, args, c:keyness(target, reference, o))
end

function cmd.dispersion(ctx, args)
  local q = check_query(args.query)
  load_optional "rostra.stats"
  local c = open_corpus(ctx, args)
  need(c, "dispersion", "the statistics, rostra.stats")
  check_query(q, c)
  local o = opts_of(args, { by = "by", budget = "budget" })
  o.columns = columns_of(args)
  if o.columns and o.by and o.by ~= "speech" then
    usage("--columns names the speeches: it goes with dispersion by speech, not --by %s", o.by)
  end
  emit(ctx, args, c:dispersion(q, o))
end

-- every checksum of each index (rostra.open with verify): a line per
-- index, exit 1 naming the damaged section of the first damaged one
function cmd.check(ctx, args)
  local rows, first = {}, nil
  for _, p in ipairs(args.inputs) do
    local c, err, code = rostra.open(p, { verify = true })
    if c then
      local ntok, ndoc = c:counts()
      rows[#rows + 1] = { index = p, status = "ok", speeches = ndoc, tokens = ntok,
        problem = "every checksum verified" }
      c:close()
    else
      rows[#rows + 1] = { index = p, status = code == "ECORRUPT" and "damaged" or code, problem = err }
      first = first or err
    end
  end
  local fmt = output_format(args)
  if fmt == "text" then
    local out = {}
    for _, r in ipairs(rows) do
      if r.status == "ok" then
        out[#out + 1] = ("%s: ok: every checksum verified (%s, %s)"):format(r.index,
          plural(r.speeches, "speech", "speeches"), plural(r.tokens, "token", "tokens"))
      end
    end
    if #out > 0 then write_out(ctx, args, table.concat(out, "\n")) end
  else
    emit(ctx, args, result.new({ "index", "status", "speeches", "tokens", "problem" }, rows))
  end
  if first then fail("%s", first) end
end

-- metadata keys: how many speeches have each, and some of the values
local function meta_summary(c)
  local keys, order = {}, {}
  for _, m in c:speeches() do
    for k, v in pairs(m) do
      local e = keys[k]
      if not e then
        e = { n = 0, values = {}, nvalues = 0, min = nil, max = nil }
        keys[k] = e
        order[#order + 1] = k
      end
      e.n = e.n + 1
      if type(v) ~= "table" then
        if not e.values[v] then e.values[v] = true e.nvalues = e.nvalues + 1 end
        if e.min == nil or (type(v) == type(e.min) and v < e.min) then e.min = v end
        if e.max == nil or (type(v) == type(e.max) and v > e.max) then e.max = v end
      end
    end
  end
  table.sort(order)
  local rows = {}
  for _, k in ipairs(order) do
    local e = keys[k]
    local desc
    if e.nvalues == 1 then desc = tostring(e.min)
    elseif math.type(e.min) == "integer" and math.type(e.max) == "integer" then
      desc = ("%d values, %s..%s"):format(e.nvalues, e.min, e.max)
    else
      desc = ("%d values"):format(e.nvalues)
    end
    rows[#rows + 1] = { field = "meta." .. k,
                        value = ("%s: %s"):format(plural(e.n, "speech", "speeches"), desc) }
  end
  return rows
end

function cmd.dfm(ctx, args)
  if not args.output then
    usage("dfm needs -o DIR, the folder to write matrix.mtx, features.tsv and docvars.csv in")
  end
  load_optional "rostra.dfm"
  local c = open_corpus(ctx, args)
  need(c, "dfm", "the document-feature matrix, rostra.dfm")
  -- the folder's three files, links followed: none may be an input
  local dir = args.output:gsub("/+$", "")
  for _, name in ipairs { "matrix.mtx", "features.tsv", "docvars.csv" } do
    local ok, err = require("rostra.output").check((dir == "" and "/" or dir .. "/") .. name, ctx.forbid)
    if not ok then usage("%s", err) end
  end
  check_attr(c, args.attr)
  local m = c:dfm(opts_of(args, { attr = "attr", by = "by", min_count = "min_count", min_docs = "min_docs",
                                 max_features = "max_features", stopwords = "stopwords", punct = "punct" }))
  for _, w in ipairs(m.warnings) do warn(ctx, w) end
  local ok, err = m:export(args.output)
  if not ok then fail("%s", err) end
  ctx.out:write(("wrote %s/: %s × %s (%s), %s\n"):format(args.output:gsub("/+$", ""),
    plural(m.nrows, "document", "documents"), plural(m.ncols, "feature", "features"), m.attr,
    plural(m.nnz, "non-zero entry", "non-zero entries")))
end

function cmd.export(ctx, args)
  if not args.output then usage("export needs -o FILE, the file to write") end
  local fmt = args.format
  if not fmt then
    local ext = args.output:match("%.([^./]+)$")
    if ext and ext:lower() == "vrt" then fmt = "vrt" end
  end
  if fmt ~= "vrt" then usage("export needs --format vrt (or -o FILE.vrt): the one format it writes") end
  load_optional "rostra.vrt"
  local c = open_corpus(ctx, args)
  need(c, "export_vrt", "CWB export, rostra.vrt")
  local info, err = c:export_vrt(args.output, { corpus = args.corpus, data = args.data,
                                                registry = args.registry })
  if not info then fail("%s", err) end
  for _, w in ipairs(info.warnings) do warn(ctx, w) end
  ctx.out:write(("wrote %s: %s, %s\nindex it with CWB (cwb-encode and cwb-make), then query it with cqp "
    .. "or add it to CQPweb:\n  %s\n  %s\n"):format(args.output, plural(info.speeches, "speech", "speeches"),
    plural(info.tokens, "token", "tokens"), info.command, info.make))
end

function cmd.info(ctx, args)
  local c = open_corpus(ctx, args)
  local i = c:info()
  local rows = {
    { field = "input", value = table.concat(args.inputs, " ") },
    { field = "speeches", value = i.speeches },
    { field = "tokens", value = i.tokens },
    { field = "words", value = i.words },
    { field = "punctuation", value = i.punctuation },
    { field = "set_aside", value = i.aside },
    { field = "attributes", value = table.concat(i.attributes, ", ") },
    { field = "bytes_per_token", value = i.bytes_per_token },
    { field = "levels", value = table.concat(i.levels, ", ") },
    { field = "warnings", value = #i.warnings },
  }
  for k, a in ipairs(i.attributes) do
    table.insert(rows, 7 + k, { field = "types." .. a, value = i.types[a] })
  end
  -- how many speeches the template and sidecar gave each key (as loaded)
  if i.coverage and #i.coverage > 0 then
    rows[#rows + 1] = { field = "coverage", value = require("rostra.meta").coverage_line(i.coverage) }
  end
  for _, r in ipairs(meta_summary(c)) do rows[#rows + 1] = r end
  emit(ctx, args, result.new({ "field", "value" }, rows, { align = { value = "left" }, formats = {
    value = function(v) if math.type(v) == "float" then return ("%.2f"):format(v) end end } }))
end

-- {====================================================== plot and report

function M.plot_options(c)
  c:option("--query", "A query to draw (repeatable: dispersion and trend draw several)."):count("*")
    :argname "<query>"
  c:option("--by", "Parts or groups: a metadata key or decade (dispersion: also speech; themes: also "
    .. "point)."):argname "<key>"
  c:option("--style", "Trend: lines (default for years) or bars."):choices { "lines", "bars" }
  c:option("--theme", "Themes: the timeline of this theme; trend: a theme drawn beside the queries "
    .. "(repeatable).")
    :count("*"):argname "<theme>"
  c:option("--level", "Themes: the units tagged: speech (default), segment, point, sentence, turn.")
    :choices { "speech", "segment", "point", "sentence", "turn" }
  c:option("--target", "Keyness: the speeches studied, KEY=VALUE "
    .. "(repeatable)."):count("*"):argname "<key=value>"
  c:option("--reference", "Keyness: the speeches compared with (default: all the others)."):count("*")
    :argname "<key=value>"
  c:option("--measure", "Keyness: ll (default), chi2, logratio, pdiff; collocates: mi (default), logdice, "
    .. "...")
  c:option("--window", "Collocates: tokens on each side (default 5).", nil, whole("--window",
      1)):argname "<n>"
  c:option("--min", "Keyness and collocates: leave out words seen fewer times.", nil, whole("--min", 1))
    :argname "<n>"
  c:option("--top", "Bars drawn (keyness: on each side).", nil, whole("--top", 1)):argname "<n>"
  c:option("--parts", "Dispersion: all parts, or only those with a hit."):choices { "all", "hits" }
  c:option("--title", "The title of the picture.")
  c:option("--width", "Width in pixels.", nil, whole("--width", 200)):argname "<px>"
  c:option("--height", "Height in pixels.", nil, whole("--height", 200)):argname "<px>"
end

function M.report_options(c)
  c:option("--query", "A query whose trend the corpus report draws "
    .. "(repeatable)."):count("*"):argname "<query>"
  c:option("--by", "The key of the corpus report's pictures (default: year, or decade over 40 years).")
    :argname "<key>"
  c:option("--group", "The speaker key of the corpus report (default: speaker, president, country or party).")
    :argname "<key>"
  c:option("--top", "Top words and keywords shown (default 25).", nil, whole("--top", 1)):argname "<n>"
  c:option("--title", "The title of the page.")
end

-- a metadata key (or decade) checked against the corpus: a usage error
-- naming the keys it has
local function check_key(c, key)
  local plot = require "rostra.plot"
  local ok, err = pcall(plot.key_function, c, key)
  if not ok then usage("%s", strip_position(err)) end
end

local function write_text(ctx, args, text)
  if args.output then
    local ok, err, code = M.write_atomic(args.output, text, { forbid = ctx.forbid, stream = ctx.out })
    if not ok then
      if code == "ESAME" then usage("%s", err) end
      fail("%s", err)
    end
  else
    ctx.out:write(text)
  end
end

-- the options of `rostra plot` each kind uses: any other is a usage error
local PLOT_USES = {
  dispersion = { query = true, by = true, parts = true, top = true },
  trend = { query = true, by = true, style = true, theme = true, lexicon = true },
  keyness = { target = true, reference = true, measure = true, min = true, top = true },
  themes = { by = true, theme = true, level = true, lexicon = true, style = true },
  collocates = { query = true, measure = true, window = true, min = true, top = true },
}
local PLOT_OPTS = { "query", "by", "style", "theme", "level", "target", "reference", "measure", "window",
    "min",
  "top", "parts", "lexicon" }

function cmd.plot(ctx, args)
  local plot = require "rostra.plot"
  local kind = args.kind
  for _, o in ipairs(PLOT_OPTS) do
    local v = args[o]
    if v ~= nil and not (type(v) == "table" and #v == 0) and not PLOT_USES[kind][o] then
      usage("--%s does not apply to plot %s", o, kind)
    end
  end
  local queries = args.query or {}
  for _, q in ipairs(queries) do check_query(q) end
  if (kind == "dispersion" or kind == "collocates") and #queries == 0 then
    usage("plot %s needs --query QUERY", kind)
  end
  if kind == "trend" and #queries == 0 and #(args.theme or {}) == 0 then
    usage("plot trend needs --query QUERY or --theme THEME (repeatable)")
  end
  if kind == "collocates" and #queries > 1 then usage("plot collocates draws one --query") end
  if kind == "collocates" then check_measure(args.measure) end
  local tspec = M.parse_where(args.target, "--target")
  local rspec = M.parse_where(args.reference, "--reference")
  if kind == "keyness" and not tspec then usage("plot keyness needs --target KEY=VALUE") end
  local c, _, where = open_corpus(ctx, args)
  local o = { title = args.title, width = args.width, height = args.height }
  local t
  if kind == "dispersion" then
    local by = args.by or "speech"
    if by ~= "speech" then check_key(c, by) end
    if #queries == 1 then t = plot.dispersion_of(c, queries[1], by)
    else t = plot.dispersion(c, queries, { by = by }) end
    o.parts, o.limit = args.parts, args.top
  elseif kind == "trend" then
    local by = args.by or "year"
    check_key(c, by)
    local themes = args.theme and #args.theme > 0 and args.theme or nil
    local lex
    if themes then
      local err
      lex, err = rostra.lexicon(args.lexicon or "political")
      if not lex then fail("%s", err) end
    end
    local ok, r = pcall(c.trend, c, queries, { by = by, themes = themes, lexicon = lex })
    if not ok then usage("%s", strip_position(r)) end
    t = r
    o.style = args.style
  elseif kind == "keyness" then
    local target = c:where(tspec)
    local reference
    if rspec then reference = c:where(rspec)
    else
      reference = target:complement()
      if where then reference = reference:where(where) end
    end
    local _, nt = target:counts()
    local _, nr = reference:counts()
    if nt == 0 then fail("no speech matches --target %s", table.concat(args.target, " --target ")) end
    if nr == 0 then fail("the reference is empty: every speech matches --target") end
    local ko = opts_of(args, { measure = "measure", min = "min" })
    ko.top = false
    t = c:keyness(target, reference, ko)
    o.top = args.top
  elseif kind == "themes" then
    local lex, err = rostra.lexicon(args.lexicon or "political")
    if not lex then fail("%s", err) end
    local level = args.level or "speech"
    local by = args.by
    -- at level turn, speaker and role are each turn's own
    local turn_by = level == "turn" and by and require("rostra.corpus").turn_groups(c, by) and by or nil
    if by and by ~= "point" and by ~= "unit" and by ~= "speech" and not turn_by then check_key(c, by) end
    if by == nil then
      local has_year = false
      for _, k in ipairs(plot.keys(c)) do if k == "year" then has_year = true end end
      by = level == "speech" and has_year and "year" or "unit"
    end
    if by == "unit" and level == "speech" then by = "speech" end
    t = c:tag(lex, { level = level, by = turn_by })
    o.by = by
    if args.theme and #args.theme > 1 then usage("plot themes draws the timeline of one --theme") end
    o.theme = args.theme and args.theme[1]
    o.style = args.style
  else
    local co = opts_of(args, { window = "window", measure = "measure", min = "min" })
    co.top = false
    t = c:collocates(queries[1], co)
    o.top = args.top
  end
  o.kind = kind
  local ok, svg = pcall(plot.svg, t, o)
  if not ok then usage("%s", strip_position(svg)) end
  write_text(ctx, args, svg)
end

function cmd.report(ctx, args)
  local report = require "rostra.report"
  local inputs = args.inputs
  local lexicon = args.lexicon or "political"
  local lex, err = rostra.lexicon(lexicon)
  if not lex then fail("%s", err) end
  local one = #inputs == 1 and inputs[1]
  local single = one and not is_index(one) and not require("rostra.core").walk(one)
  for _, q in ipairs(args.query or {}) do check_query(q) end
  if single then
    for _, o in ipairs { "query", "by", "group", "top" } do
      local v = args[o]
      if v ~= nil and not (type(v) == "table" and #v == 0) then
        usage("--%s applies to the report of a corpus: give a folder or an index", o)
      end
    end
    if args.where and #args.where > 0 then usage("--where chooses the group of a corpus report: give a "
      .. "folder or an index") end
    local f = io.open(one, "rb")
    if not f then
      local _, e = io.open(one, "rb")
      fail("%s", e or one)
    end
    f:close()
    local sp, perr = rostra.parse_file(one, { meta = meta_spec(args), sidecar = args.sidecar,
        lang = args.lang })
    if not sp then fail("%s", perr) end
    for _, w in ipairs(sp.warnings) do
      warn(ctx, ("%s:%s: %s"):format(one, w.line or "?", w.message or w.code or "?"))
    end
    return write_text(ctx, args, report.speech(sp, { lexicon = lex, title = args.title }))
  end
  -- in a report, --where names the group whose keywords are shown
  local target = M.parse_where(args.where)
  args.where = nil
  local c = open_corpus(ctx, args)
  if args.by then check_key(c, args.by) end
  if args.group then check_key(c, args.group) end
  if target then
    for k in pairs(target) do check_key(c, k) end
  end
  local ok, html = pcall(report.corpus, c, { lexicon = lex, queries = args.query, target = target,
      by = args.by,
    group = args.group, top = args.top, title = args.title })
  if not ok then error(html, 0) end
  write_text(ctx, args, html)
end

-- }======================================================

function cmd.repl(ctx, args)
  local repl = require "rostra.repl"
  local c, sp, lex
  if args.inputs and #args.inputs > 0 then
    c = open_corpus(ctx, args)
    local only = args.inputs[1]
    if #args.inputs == 1 and not is_index(only) and not require("rostra.core").walk(only) then
      sp = rostra.parse_file(only, { meta = args.meta, sidecar = args.sidecar, lang = args.lang })
    end
  end
  if args.lexicon then
    local err
    lex, err = rostra.lexicon(args.lexicon)
    if not lex then fail("%s", err) end
  end
  return repl.run { corpus = c, speech = sp, lexicon = lex, inputs = args.inputs,
                    color = args.color }
end

-- }======================================================

-- {====================================================== the parser

local COMMON = [[
Inputs are .txt files, folders (every .txt below them) or one .rostra index.
Formats: text (a table), tsv, csv, json (an array of objects); -o FILE writes
the file atomically (`-`, a device or a FIFO is written straight), in the
format of its extension unless --format says; -o never writes over an input.]]

-- name, summary, example, arguments, options
M.commands = {
  { name = "parse", summary = "Parse transcripts: furniture, turns, segments, points, sentences, quotations.",
    example = "rostra parse examples/sample.txt\n"
      .. "  rostra parse --level quotation --format tsv examples/sample.txt\n"
      .. "  rostra parse --report ../shared/corpus/ungdc/sample_2020-2024",
    options = function(c)
      c:option("--level", "Rows of the table: speech, segment (default), point, sentence, quotation, "
        .. "turn, boilerplate.")
        :choices(LEVELS)
      c:option("--layout", "A site's rules: a Lua file returning {header = ..., footer = ..., label = ...} "
        .. "(see docs/parsing.md).")
        :argname "<file.lua>"
      c:flag("--report", "Per folder: the share of speeches with title, speaker, date, place and source "
        .. "found, turns, furniture removed, and lines that open or close many speeches.")
    end },
  { name = "index", summary = "Build a .rostra index (reopened in milliseconds).",
    example = "rostra index ../shared/corpus/ungdc/sample_2020-2024 \\\n"
      .. "    --meta '{country}_{session}_{year}.txt' -o un.rostra" },
  { name = "check", summary = "Check every checksum of an index; exit 1 naming a damaged section.",
    example = "rostra check un.rostra", plain = true },
  { name = "kwic", summary = "Concordance (key word in context) of a query.", query = true,
    example = "rostra kwic community examples/sample.txt --sort right1,right2\n"
      .. "  rostra kwic '\"shared\" \"future\"' un.rostra --where year=2020..2022 -o sf.csv",
    options = function(c)
      c:option("--context", "Tokens of context on each side (default 8).", nil, whole("--context", 0))
        :argname "<n>"
      c:option("--sort", "Sort keys, comma-separated: right1,right2 left1 match speech meta:KEY "
        .. "(-KEY descending)."):argname "<keys>"
      c:option("--offset", "Skip the first N hits.", nil, whole("--offset", 0)):argname "<n>"
      c:flag("--sentence", "Clip the context at the sentence.")
    end },
  { name = "count", summary = "Count the matches of a query, or group them (--by).", query = true,
    example = "rostra count '[lower=\"secur.*\"] within sentence' un.rostra --by year\n"
      .. "  rostra count 'freedom|liberty' sotu.rostra --by decade --sort=-per_million --top 5",
    options = function(c)
      c:option("--by", "Group by: a metadata key (or decade, century, month), speech: count, words, "
        .. "per million words and share of the hits in each; speaker or role: a transcript's hits and words "
        .. "by the speakers of its turns; or match, word, lower, stem, point, segment, sentence, quotation.")
    end },
  { name = "themes", summary = "Theme counts and shares from a lexicon (default: the bundled 'political').",
    example = "rostra themes examples/sample.txt --level point --per-unit 2\n"
      .. "  rostra themes un.rostra --lexicon themes.yaml --by year --format tsv\n"
      .. "  rostra themes examples/sample.txt --level point --hits health",
    options = function(c)
      c:option("--level", "Units tagged: speech (default), segment, point, sentence, turn (a speaker's "
        .. "turn of a transcript).")
        :choices { "speech", "segment", "point", "sentence", "turn" }
      c:option("--by", "Totals per value of a metadata key (share of the words of those speeches); "
        .. "with --level turn, speaker or role: each turn's own.")
        :argname "<key>"
      c:option("--max-phrases", "The budget of the lexicon's expansion: phrases of the vocabulary its "
        .. "globs may stand for in all (default 1,000,000; see docs/limits.md).", nil,
        whole("--max-phrases", 1)):argname "<n>"
      c:mutex(
        c:flag("--totals", "Totals per theme over everything."),
        c:option("--per-unit", "The N main themes of every unit.", nil, whole("--per-unit", 1))
          :argname "<n>",
        c:option("--hits", "The matches that made a theme, as a concordance (--context N).")
          :argname "<theme>")
      c:option("--context", "With --hits: tokens of context on each side (default 8).", nil,
        whole("--context", 0)):argname "<n>"
      c:flag("--labels", "Only the themes each unit discusses, under the lexicon's decision rule.")
      rule_options(c)
    end },
  { name = "sample", summary = "Draw a reproducible random sample of units to code by hand (CSV).",
    example = "rostra sample ../shared/corpus/xi_en --level segment --n 200 --seed 1 -o tocode.csv\n"
      .. "  rostra sample un.rostra --n 300 --holdout 0.33 --min-words 10 -o tocode.csv",
    options = function(c)
      c:option("--level", "Units: segment (default), point, sentence, speech.")
        :choices { "speech", "segment", "point", "sentence" }
      c:option("--n", "Units to draw (default 200).", nil, whole("--n", 1)):argname "<n>"
      c:option("--seed", "Seed of the draw (default 1): the same seed, the same sample.", nil,
        integer("--seed")):argname "<n>"
      c:option("--holdout", "Share of the sample marked holdout in the split column, the rest tune "
        .. "(default 0: no split).", nil, share("--holdout")):argname "<share>"
      c:option("--min-words", "Leave out units of fewer words (default 1).", nil, whole("--min-words", 0))
        :argname "<n>"
    end },
  { name = "validate", summary = "Score a lexicon against hand-coded units: precision, recall, F1, kappa.",
    arguments = function(c)
      c:argument("lexicon_file", "A lexicon file (.yaml, .dic, .cat, .lc3) or a bundled name.")
        :argname "<lexicon>"
      c:argument("coded", "Coded CSV files: unit,file,line,split,text, then one 0/1 column per theme "
        .. "(two or more: the coders' agreement too).")
        :args "+"
    end,
    example = "rostra validate political coded.csv --split tune\n"
      .. "  rostra validate themes.yaml coder1.csv coder2.csv --table agreement",
    options = function(c)
      c:option("--corpus", "Find each coded unit in this corpus (text files, a folder or an index); "
        .. "a unit no longer there is an error."):argname "<input>"
      c:option("--level", "Level of the units in --corpus: segment, point, sentence, speech (default: "
        .. "the level where every unit is found, from the ids: FILE:LINE:COL sentences, else segment, "
        .. "point or speech).")
        :choices { "speech", "segment", "point", "sentence" }
      c:option("--split", "Score only the rows of this split: tune, holdout, or a later holdout "
        .. "(holdout2, ...).", nil, function(v)
          if require("rostra.validation").is_split(v) then return v end
          return nil, ("--split expects tune, holdout or a later holdout (holdout2, ...), got '%s'"):format(v)
        end):argname "<split>"
      c:option("--levels", "Fold the lexicon's categories deeper than this.", nil, whole("--levels", 1))
        :argname "<n>"
      c:option("--table", "One table: report (default in text and JSON), themes (default in TSV, CSV), "
        .. "errors, confusion, splits, agreement, disagreements."):choices(VALIDATE_TABLES)
      rule_options(c)
    end },
  { name = "freq", summary = "Frequency list.",
    example = "rostra freq examples/sample.txt --stopwords en --limit 20",
    options = function(c)
      c:option("--attr", "word, lower (default), stem, or an attribute of annotated files.")
      c:option("--by", "One list per value of a metadata key."):argname "<key>"
      c:option("--min", "Leave out forms seen fewer times.", nil, whole("--min", 1)):argname "<n>"
      c:option("--stopwords", "Leave out the stopwords of a language: en, fr, es, zh.")
      c:flag("--punct", "Keep punctuation and symbols.")
    end },
  { name = "ngrams", summary = "The most frequent n-grams.",
    example = "rostra ngrams -n 3 examples/sample.txt --limit 20",
    options = function(c)
      c:option("-n", "Tokens per n-gram (default 2).", nil, whole("-n", 1, 5)):argname "<n>"
      c:option("--attr", "word, lower (default), stem, or an attribute of annotated files.")
      c:option("--min", "Leave out n-grams seen fewer times.", nil, whole("--min", 1)):argname "<n>"
      c:option("--stopwords", "Leave out n-grams that start or end with a stopword (en, fr, es, zh).")
      c:option("--within", "N-grams stay within: sentence (default), segment, point, quotation, speech, "
        .. "or a structure of annotated files.")
    end },
  { name = "collocates", summary = "Collocates of a query.", query = true,
    example = "rostra collocates cooperation examples/sample.txt --window 5 --measure logdice",
    options = function(c)
      c:option("--window", "Tokens on each side (default 5).", nil, whole("--window", 1)):argname "<n>"
      c:option("--within", "Windows stay within: sentence (default), segment, point, quotation, speech, "
        .. "or a structure of annotated files.")
      c:option("--measure", "mi (default), mi3, t, z, ll, logdice, dice, chi2, or all.")
      c:flag("--punct", "Keep punctuation and symbols.")
      c:option("--min", "Leave out collocates seen fewer times.", nil, whole("--min", 1)):argname "<n>"
      c:option("--attr", "word, lower (default), stem, or an attribute of annotated files.")
      c:option("--stopwords", "Leave out the stopwords of a language: en, fr, es, zh.")
    end },
  { name = "keyness", summary = "Key words of some speeches (--target) against the others.",
    example = "rostra keyness un.rostra --target country=CHN --measure ll --limit 30\n"
      .. "  rostra keyness un.rostra --target year=2020 --reference year=2024",
    options = function(c)
      c:option("--target", "The speeches studied: KEY=VALUE (repeatable)."):argname "<key=value>"
        :count("*")
      c:option("--reference", "The speeches compared with (default: all the others): KEY=VALUE.")
        :argname "<key=value>"
        :count("*")
      c:option("--measure", "ll (default), chi2, logratio, pdiff.")
      c:flag("--punct", "Keep punctuation and symbols.")
      c:option("--min", "Leave out words seen fewer times.", nil, whole("--min", 1)):argname "<n>"
      c:option("--attr", "word, lower (default), stem, or an attribute of annotated files.")
      c:option("--stopwords", "Leave out the stopwords of a language: en, fr, es, zh.")
    end },
  { name = "dispersion", summary = "How a query's matches spread over the speeches.", query = true,
    example = "rostra dispersion pandemic un.rostra --by year",
    options = function(c)
      c:option("--by", "Parts: speech (default) or a metadata key."):argname "<key>"
    end },
  { name = "plot", summary = "Draw a result as an SVG file: dispersion, trend, keyness, themes, collocates.",
    kinds = { "dispersion", "trend", "keyness", "themes", "collocates" },
    example = "rostra plot trend sotu.rostra --query freedom --query liberty --by decade -o fl.svg\n"
      .. "  rostra plot dispersion un.rostra --query pandemic --by year -o pandemic.svg\n"
      .. "  rostra plot keyness un.rostra --target country=CHN --top 15 -o chn.svg\n"
      .. "  rostra plot themes un.rostra --by decade -o themes.svg   (--theme health: one theme's timeline)\n"
      .. "  rostra plot collocates un.rostra --query development --measure logdice -o coll.svg",
    options = M.plot_options },
  { name = "report", summary = "Write one self-contained HTML page of a speech or of a corpus.",
    example = "rostra report examples/sample.txt -o sample.html\n"
      .. "  rostra report un.rostra --query 'climate change' --query pandemic --where country=CHN -o un.html",
    options = M.report_options },
  { name = "dfm", summary = "Document-feature matrix: matrix.mtx, features.tsv, docvars.csv.",
    example = "rostra dfm un.rostra --stopwords en --min-docs 5 -o un_dfm\n"
      .. "  rostra dfm un.rostra --by country --attr lemma -o by_country",
    options = function(c)
      c:option("--attr", "The features: lower (default), word, stem, or an attribute of annotated files.")
      c:option("--by", "Rows: speech (default) or one per value of a metadata key."):argname "<key>"
      c:option("--min-count", "Leave out features seen fewer times.", nil, whole("--min-count", 1))
        :argname "<n>"
      c:option("--min-docs", "Leave out features found in fewer documents.", nil, whole("--min-docs", 1))
        :argname "<n>"
      c:option("--max-features", "Keep the N most frequent features.", nil, whole("--max-features", 1))
        :argname "<n>"
      c:option("--stopwords", "Leave out the stopwords of a language: en, fr, es, zh.")
      c:flag("--punct", "Keep punctuation and symbols.")
    end },
  { name = "export", summary = "Write the corpus as a CWB vertical file, with the cwb-encode command.",
    example = "rostra export --format vrt un.rostra -o un.vrt --corpus un\n"
      .. "  rostra export speeches.conllu -o speeches.vrt",
    options = function(c)
      c:option("--format", "vrt (the default for -o FILE.vrt): a CWB vertical file."):choices { "vrt" }
      c:option("--corpus", "The CWB corpus id in the command printed (default: the file's name).")
        :argname "<id>"
      c:option("--data", "The folder of CWB's data files in the command (default: /corpora/data).")
        :argname "<dir>"
      c:option("--registry", "CWB's registry folder in the command (default: /usr/local/share/cwb/registry).")
        :argname "<dir>"
    end },
  { name = "info", summary = "Sizes, counts and metadata of a corpus or index.",
    example = "rostra info un.rostra" },
  { name = "repl", summary = "A Lua prompt with rostra loaded and the corpus bound to c.",
    inputs = "*",
    example = "rostra repl examples/sample.txt\n"
      .. "  rostra> c:kwic(\"community\", {sort = \"right1\"})" },
}

-- the subcommands that write a table
local TABLES = { parse = true, kwic = true, count = true, themes = true, freq = true, ngrams = true,
                 collocates = true, keyness = true, dispersion = true, info = true, sample = true,
                 validate = true, check = true }

-- the subcommands whose rows are speeches or parts of one
local NAMED_ROWS = { parse = true, kwic = true, count = true, themes = true, dispersion = true }

local function build_parser(seen)
  local argparse = require "argparse"
  local p = argparse("rostra", "Analyse political speeches: parse, index, query and measure them.")
    :add_help(false)
    :help_max_width(80)
    :command_target("command")
    :epilog("Run 'rostra COMMAND --help' for the options and an example of each command.")
  p:flag("-h --help", "Show this help and exit."):action(function() seen.help = p end)
  p:flag("--version", "Show the version and exit."):action(function() seen.version = true end)
  local cmds = {}
  for _, spec in ipairs(M.commands) do
    local c = p:command(spec.name, spec.summary)
      :add_help(false)
      :help_max_width(80)
    cmds[spec.name] = c
    c:flag("-h --help", "Show this help and exit."):action(function() seen.help = c end)
    if spec.query then
      c:argument("query", "A query (see docs/query.md).")
      c:option("--budget", "The matcher's work budget in steps (default: 50 million plus 40 per token; "
        .. "see docs/limits.md).", nil, whole("--budget", 1)):argname "<steps>"
    end
    if spec.kinds then c:argument("kind", "The plot: " .. table.concat(spec.kinds,
        ", ") .. "."):choices(spec.kinds) end
    if spec.arguments then
      spec.arguments(c)
    else
      c:argument("inputs", spec.plain and "Index files (.rostra)."
        or "Text files, folders or a .rostra index.")
        :args(spec.inputs or "+")
    end
    if spec.options then spec.options(c) end
    -- every table can be filtered, sorted and cut (kwic sorts its own way)
    if TABLES[spec.name] then
      if spec.name ~= "kwic" then
        c:option("--sort", "Sort the rows by columns: COL[,COL:desc,...] (or --sort=-COL for descending).")
          :argname "<columns>"
      end
      c:option("--filter", "Keep the rows where COL OP VALUE holds (repeatable; all must hold). OP: = != "
        .. "< <= > >= (numbers as numbers), ~ (contains), !~; COL=A,B: any of them.")
        :count("*"):argname "<expr>"
      c:option("--top", "Only the first N rows (after --filter and --sort).", nil, whole("--top", 1))
        :argname "<n>"
    end
    -- rows that are speeches (or in one) name it: file, then metadata keys
    if NAMED_ROWS[spec.name] then
      c:option("--columns", "Metadata keys that name each row's speech after its file, comma-separated "
        .. "(default: all the keys).")
        :argname "<keys>"
    end
    -- --lexicon only where themes are tagged (themes, plot, report), coded (sample) or may be (repl)
    if spec.name == "themes" or spec.name == "repl" or spec.name == "plot" or spec.name == "report"
        or spec.name == "sample" then
      c:option("--lexicon", "A lexicon file (.yaml, .dic, .cat, .lc3) or a bundled name"
        .. (spec.name == "repl" and ", bound to lex." or spec.name == "sample"
            and " whose themes are the columns to code (default: political)." or " (default: political)."))
        :argname "<lexicon>"
    end
    if not spec.plain then
      c:option("--meta", "File-name template for metadata, e.g. '{country}_{session}_{year}.txt'.")
        :argname "<template>"
      c:option("--sidecar", "A CSV/TSV file of metadata with a 'file' column."):argname "<file>"
      c:option("--lang", "Language of the speeches (en, fr, es, zh, ...).")
      c:option("--where", "Only the speeches whose metadata match: KEY=VALUE, KEY=A,B or KEY=MIN..MAX "
        .. "(repeatable).")
        :count("*"):argname "<key=value>"
      c:flag("--verify", "Check every checksum of an index before using it (reads the whole file).")
      c:flag("--split-hyphens", "Read a hyphenated word as its parts and hyphens (covid-19: covid - 19).")
    end
    -- a picture or a page has no table format nor row limit
    local picture = spec.name == "plot" or spec.name == "report"
    -- nor a folder of files (dfm) or a corpus file (export): no rows to limit
    local files = spec.name == "dfm" or spec.name == "export"
    if spec.name ~= "repl" and not picture and not files then
      c:option("--format", "text (default), tsv, csv or json."):choices(FORMATS)
      c:option("--limit", "At most N rows (text shows 50 unless told; 0: all).", nil, whole("--limit", 0))
        :argname "<n>"
    end
    if spec.name ~= "repl" then
      c:option("-o --output", spec.name == "index" and "The index file to write."
        or spec.name == "dfm" and "The folder to write matrix.mtx, features.tsv and docvars.csv in."
        or spec.name == "export" and "The file to write."
        or picture and ("The " .. (spec.name == "plot" and "SVG" or "HTML") .. " file to write "
          .. "(default: standard output).") or "Write to FILE.")
        :argname "<file>"
    end
    if not spec.plain then
      c:option("--color", "Highlight matches: auto (default), always, never.")
        :choices { "auto", "always", "never" }
      c:option("--threads", "Threads for loading (default: the number of CPUs).", nil, whole("--threads", 1))
        :argname "<n>"
    end
    c:flag("--debug", "Show a traceback on errors.")
    c:epilog(COMMON .. "\n\nExample:\n  " .. spec.example)
  end
  local h = p:command("help", "Show the help of a command.")
    :add_help(false)
  h:argument("topic", "A command."):args("?")
  return p, cmds
end

local function command_of(argv)
  for _, a in ipairs(argv) do
    for _, spec in ipairs(M.commands) do
      if a == spec.name then return spec.name end
    end
  end
end

--- Run the command.
-- @tparam {string,...} argv the arguments (`arg` of the script)
-- @tparam[opt] table env `stdout`, `stderr` (files), `isatty(fd)`, `getenv(name)`,
--   `clock()`: replacements for tests
-- @treturn integer the exit status: 0, 1 (runtime error) or 2 (usage error)
function M.main(argv, env)
  env = require("rostra.opts").check(env, { "stdout", "stderr", "isatty", "getenv", "clock" }, "main", 2)
  local ctx = {
    out = env.stdout or io.stdout,
    err = env.stderr or io.stderr,
    isatty = env.isatty or M.isatty,
    getenv = env.getenv or os.getenv,
    clock = env.clock,
  }
  local list = {}
  for i = 1, #argv do list[i] = argv[i] end
  list = join_dash_values(list)
  local seen = {}
  local parser, cmds = build_parser(seen)
  local ok, args = parser:pparse(list)
  if seen.help then
    ctx.out:write(seen.help:get_help(), "\n")
    return M.EXIT_OK
  end
  if seen.version then
    ctx.out:write(rostra._VERSION, "\n")
    return M.EXIT_OK
  end
  local name = command_of(list)
  if not ok then
    ctx.err:write(("rostra%s: %s (see 'rostra %s--help')\n"):format(
      name and (" " .. name) or "", one_line(args), name and (name .. " ") or ""))
    return M.EXIT_USAGE
  end
  if args.command == "help" then
    local topic = args.topic
    if topic == nil then
      ctx.out:write(parser:get_help(), "\n")
      return M.EXIT_OK
    end
    if not cmds[topic] then
      ctx.err:write(("rostra help: unknown command '%s' (see 'rostra --help')\n"):format(topic))
      return M.EXIT_USAGE
    end
    ctx.out:write(cmds[topic]:get_help(), "\n")
    return M.EXIT_OK
  end
  name = args.command
  -- only a terminal pages: a file or a pipe gets every row
  args._page = args.output == nil and ctx.isatty(1)
  if args.filter and #args.filter == 0 then args.filter = nil end
  -- a table's file: its format is known before anything is loaded (sample
  -- has its own default, CSV; index, plot, report, dfm, export write their own)
  if args.output and TABLES[name] and name ~= "sample" then
    local fok, fe = pcall(function()
      -- an output that is one of the inputs is the mistake to name first
      if args.inputs then guard_output(ctx, args, args.inputs) end
      return output_format(args)
    end)
    if not fok then
      ctx.err:write(("rostra %s: %s\n"):format(name, one_line(tostring(fe))))
      return M.EXIT_USAGE
    end
  end
  local trace
  local done, e = xpcall(cmd[name], function(err)
    if getmetatable(err) ~= Failure then trace = debug.traceback(tostring(err), 2) end
    return err
  end, ctx, args)
  if done then return M.EXIT_OK end
  ctx.out:flush()
  if getmetatable(e) == Failure then
    ctx.err:write(("rostra %s: %s\n"):format(name, one_line(e.msg)))
    if e.exit == M.EXIT_USAGE then
      return M.EXIT_USAGE
    end
    return M.EXIT_ERROR
  end
  if args.debug and trace then
    ctx.err:write("rostra ", name, ": ", trace, "\n")
  else
    ctx.err:write(("rostra %s: %s\n"):format(name, one_line(strip_position(e))))
  end
  -- a name the user gave that the corpus or the table does not have
  if is_usage_error(strip_position(e)) then return M.EXIT_USAGE end
  return M.EXIT_ERROR
end

return M
