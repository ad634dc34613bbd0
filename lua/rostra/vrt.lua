--- CWB out: a corpus or view written as a vertical file (`.vrt`) with every
-- positional attribute and structure, and the `cwb-encode` command that
-- indexes it for CQP and CQPweb (BlackLab reads the same file).
--
--     local info = assert(c:export_vrt("un.vrt", {corpus = "un"}))
--     print(info.command)   -- cwb-encode -c utf8 -xsB -d /corpora/data/un -f un.vrt ...
--
-- The file: a `<!-- #vrt positional-attributes: word lower stem ... -->`
-- comment naming the columns, `<!-- #rostra derived: lower stem -->` (so
-- that `rostra.load` reading it back makes lower and stem again rather than
-- taking them as columns of its own), then each speech as
-- `<text id="NAME" key="value" ...>` with its metadata (keys lower-cased,
-- characters CWB does not take in a name replaced by `_`, a warning for
-- each renamed key), its tokens one a line (word, lower, stem, then the
-- attributes read from annotated files, tab-separated, `&`, `<` and `>` as
-- entities) and its structures as tags: `<segment kind="...">`, `<point
-- ordinal="N">`, `<s>`, `<quotation depth="N">` and those read from
-- annotated files, each with its attributes. Tags of different structures
-- may cross (a quotation over two sentences), as CWB allows.
-- @module rostra.vrt
local corpusmod = package.loaded["rostra.corpus"]
if type(corpusmod) ~= "table" or not corpusmod.Corpus then corpusmod = require "rostra.corpus" end
local Corpus = corpusmod.Corpus
local output = require "rostra.output"

local M = {}

M.default_data = "/corpora/data"
M.default_registry = "/usr/local/share/cwb/registry"

-- a name CWB takes: lower-case ASCII letters, digits, '_' and '-', not
-- starting with a digit
local function cwb_name(k)
  local n = tostring(k):lower():gsub("[^a-z0-9_-]", "_")
  if n:match("^[0-9-]") or n == "" then n = "_" .. n end
  return n
end
M.cwb_name = cwb_name

local function xml_escape(s)
  return (s:gsub("[&<>\"\t\r\n]", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;",
                                     ["\t"] = " ", ["\r"] = " ", ["\n"] = " " }))
end

local function value_text(v)
  local t = type(v)
  if t == "string" then return v end
  if math.type(v) == "integer" then return ("%d"):format(v) end
  if t == "number" then return ("%.17g"):format(v) end
  if t == "boolean" then return tostring(v) end
  if t == "table" then
    local ok, cjson = pcall(require, "cjson")
    if ok then
      local ok2, s = pcall(cjson.encode, v)
      if ok2 then return s end
    end
  end
  return nil
end

local function shell_quote(s)
  if s:match("^[%w%._/%-]+$") then return s end
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

-- the deepest nesting of a level's regions (0: none nested)
local function max_nesting(h, level)
  local starts, stops = h:regions(level)
  local open, deepest = {}, 0
  for i = 1, #starts do
    while #open > 0 and open[#open] < starts[i] do open[#open] = nil end
    open[#open + 1] = stops[i]
    if #open - 1 > deepest then deepest = #open - 1 end
  end
  return deepest
end

--- Write the corpus or view as a vertical file (see the module doc).
-- `opts.corpus`: the CWB corpus id for the command line (default: the
-- file's name), `opts.data`, `opts.registry`: its folders (defaults
-- `/corpora/data` and `/usr/local/share/cwb/registry`).
-- @treturn table `{path, speeches, tokens, command, make, attributes,
--   structures, warnings}`, or nil, message, code
function Corpus:export_vrt(path, opts)
  if type(path) ~= "string" or path == "" then
    error(("bad argument #1 to 'export_vrt' (file name expected, got %s)"):format(type(path)), 2)
  end
  opts = opts or {}
  if type(opts) ~= "table" then error("bad argument #2 to 'export_vrt' (options table expected)", 2) end
  for k in pairs(opts) do
    if k ~= "corpus" and k ~= "data" and k ~= "registry" then
      error(("unknown option '%s' to 'export_vrt' (valid: corpus, data, registry)"):format(tostring(k)), 2)
    end
  end
  local root = self._root
  local h = root._h
  if root._path and h:is_file(path) then
    error(("cannot export over %s: this corpus is read from it"):format(path), 2)
  end
  local _, ndoc = h:counts()
  local names = root._extra.names or {}
  local tags, warnings, text_keys, seen_keys = {}, {}, { "id" }, { id = true }
  local renamed, dropped = {}, {}
  for d = 1, ndoc do tags[d] = false end
  for d, m in self:speeches() do
    local keys = {}
    for k in pairs(m) do
      if type(k) == "string" then keys[#keys + 1] = k end
    end
    table.sort(keys)
    local id = m.id ~= nil and value_text(m.id) or names[d] or m.file or ("speech " .. d)
    local parts, used = { '<text id="' .. xml_escape(id) .. '"' }, { id = true }
    for _, k in ipairs(keys) do
      if k ~= "id" then
        local n = cwb_name(k)
        local v = value_text(m[k])
        if n ~= k then renamed[k] = n end
        if v == nil then
          dropped[k] = true
        elseif used[n] then
          dropped[k] = true
        else
          used[n] = true
          parts[#parts + 1] = (' %s="%s"'):format(n, xml_escape(v))
          if not seen_keys[n] then seen_keys[n] = true; text_keys[#text_keys + 1] = n end
        end
      end
    end
    tags[d] = table.concat(parts) .. ">"
  end
  for k, n in pairs(renamed) do
    warnings[#warnings + 1] = ("metadata key '%s' written as '%s' (CWB names: a-z, 0-9, _ and -)")
      :format(k, n)
  end
  for k in pairs(dropped) do
    warnings[#warnings + 1] = ("metadata key '%s' left out of some <text> tags (a value that is no text, "
      .. "or a name already taken)"):format(k)
  end
  table.sort(warnings)
  -- the output rules of rostra.output (csrc/fsout.h): an index open in
  -- this process is refused, "-" is standard output, a device or FIFO is
  -- written straight, a regular file replaced whole with its mode kept
  local ok, err, code = output.check(path)
  if not ok then return nil, err, code end
  ok, err, code = h:export_vrt(path == "-" and "/dev/stdout" or path, self._mask, tags)
  if not ok then return nil, err, code end
  -- the command line that indexes the file
  local id = cwb_name(opts.corpus or path:match("([^/]*)$"):gsub("%.[^.]*$", ""))
  local data = (opts.data or M.default_data):gsub("/+$", "")
  local registry = (opts.registry or M.default_registry):gsub("/+$", "")
  local cmd = { "cwb-encode", "-c", "utf8", "-xsB", "-d", shell_quote(data .. "/" .. id),
                "-f", shell_quote(path), "-R", shell_quote(registry .. "/" .. id) }
  local attrs = self:attributes()
  for i = 2, #attrs do
    cmd[#cmd + 1] = "-P"
    cmd[#cmd + 1] = cwb_name(attrs[i])
  end
  local _, sattrs = self:structures()
  local function s_decl(tag, level, depth)
    local parts = { ("%s:%d"):format(tag, depth) }
    for _, a in ipairs(sattrs[level] or {}) do parts[#parts + 1] = cwb_name(a) end
    cmd[#cmd + 1] = "-S"
    cmd[#cmd + 1] = table.concat(parts, "+")
  end
  cmd[#cmd + 1] = "-S"
  cmd[#cmd + 1] = "text:0+" .. table.concat(text_keys, "+")
  s_decl("segment", "segment", 0)
  s_decl("point", "point", 0)
  s_decl("s", "sentence", 0)
  s_decl("quotation", "quotation", max_nesting(h, "quotation"))
  local levels = self:structures()
  for i = 6, #levels do s_decl(cwb_name(levels[i]), levels[i], max_nesting(h, levels[i])) end
  local ntok, nsp = self:counts()
  return {
    path = path, speeches = nsp, tokens = ntok,
    command = table.concat(cmd, " "),
    make = ("cwb-make -r %s -V %s"):format(shell_quote(registry), id:upper()),
    attributes = attrs, structures = levels, warnings = warnings,
  }
end

return M
