--- rostra: political speech analysis, a Lua 5.4 module over a C core.
-- @module rostra
local core = require "rostra.core"

local rostra = {
  _VERSION = "rostra " .. core.version,
  version = core.version,
}

--- Tokenize a text.
-- @tparam string text
-- @tparam[opt] table opts `split_hyphens`, `strict`
-- @treturn table array of tokens `{text, kind, start, stop, lower}`
-- @treturn integer the number of invalid UTF-8 bytes
function rostra.tokenize(text, opts)
  if opts ~= nil and type(opts) == "table" then
    require("rostra.opts").check(opts, { "split_hyphens", "strict" }, "tokenize", 2)
  end
  return core.tokenize(text, opts)
end

--- Sentence spans of a text.
-- @tparam string text
-- @treturn table array of `{start, stop, text}` (1-based, inclusive byte positions)
rostra.sentences = core.sentences

--- The lower form rostra uses for a string (NFKC, case-folded, apostrophes
-- and in-word hyphens folded to ASCII).
rostra.lower = core.lower

-- {====================================================== parsing

local function argcheck(cond, n, fname, msg)
  if not cond then error(("bad argument #%d to '%s' (%s)"):format(n, fname, msg), 3) end
end

local PARSE_OPTS = { name = true, meta = true, sidecar = true, base = true, lang = true,
                     header = true, _sidecar_cache = true }

local function check_opts(opts, fname)
  if opts == nil then return {} end
  argcheck(type(opts) == "table", 2, fname, "table expected, got " .. type(opts))
  local o = require("rostra.opts").check(opts, PARSE_OPTS, fname, 2, 2)
  return o -- not a tail call: the error level counts this function
end

-- the front matter block replaced by spaces (line breaks kept), so line
-- numbers and byte offsets of the body stay those of the file
local function blank_front(text, body)
  if body <= 1 then return text end
  return text:sub(1, body - 1):gsub("[^\n]", " ") .. text:sub(body)
end

local function parse(text, opts)
  local name = opts.name or "input"
  local fm, body, code = core.frontmatter(text, name)
  if not fm then return nil, body, code end
  local raw = core.parse_speech(blank_front(text, body), name,
    opts.header == false and { header = false } or nil)
  if not raw then return nil, name .. ": text too large", "ELIMIT" end
  local meta = require "rostra.meta"
  local name_meta, side_meta
  local rel = opts.name
  if rel and opts.base and rel:sub(1, #opts.base + 1) == opts.base .. "/" then
    rel = rel:sub(#opts.base + 2)
  end
  local name_other
  if opts.meta ~= nil and rel then name_meta, name_other = meta.from_name(opts.meta, rel) end
  if opts.sidecar ~= nil then
    local sc = opts._sidecar_cache
    if not sc then
      local err, ecode
      sc, err, ecode = meta.sidecar(opts.sidecar, opts.base)
      if not sc then return nil, err, ecode end
      opts._sidecar_cache = sc
    end
    local known = meta.merge(raw.meta, name_meta, nil, fm)
    side_meta = rel and sc:lookup(rel, known) or nil
  end
  local merged = meta.normalize(meta.merge(raw.meta, name_meta, side_meta, fm))
  if opts.lang and merged.lang == nil then merged.lang = opts.lang end
  local warnings = {}
  if opts.meta ~= nil and rel then
    local w = meta.name_warning(opts.meta, rel, name_meta, name_other)
    if w then warnings[#warnings + 1] = { message = w } end
  end
  if not utf8.len(text) then
    local bad, first = core.invalid_utf8(text)
    if bad > 0 then
      warnings[#warnings + 1] = {
        message = ("%s: %d bytes of invalid UTF-8 (Windows-1252?) read as U+FFFD, the first at byte %d")
          :format(name, bad, first) }
    end
  end
  local speech = require "rostra.speech"
  return speech.new(text, raw, { meta = merged, name = opts.name, warnings = warnings })
end

--- Parse a transcript into a Speech.
-- @tparam string text the raw transcript
-- @tparam[opt] table opts `name` (a file name, for templates and messages),
--   `meta` (file-name template, lpeg pattern or function), `sidecar`,
--   `lang`, `header = false` (the text has no header)
-- @return Speech, or nil, message, code
function rostra.parse(text, opts)
  argcheck(type(text) == "string", 1, "parse", "string expected, got " .. type(text))
  opts = check_opts(opts, "parse")
  return parse(text, opts)
end

--- Read and parse a transcript file.
-- @return Speech, or nil, message, code (`ENOENT`, `ENOTTEXT`, `EPARSE`, ...)
function rostra.parse_file(path, opts)
  argcheck(type(path) == "string", 1, "parse_file", "string expected, got " .. type(path))
  opts = check_opts(opts, "parse_file")
  local f, err, errno = io.open(path, "rb")
  if not f then
    local code = errno == 2 and "ENOENT" or errno == 13 and "EACCES" or errno == 21 and "EISDIR" or "EIO"
    return nil, err, code
  end
  local text, rerr = f:read("a")
  f:close()
  if not text then
    return nil, path .. ": " .. tostring(rerr), rerr and rerr:find("directory") and "EISDIR" or "EIO"
  end
  if text:sub(1, 8192):find("\0", 1, true) then
    return nil, "not a text file: " .. path, "ENOTTEXT"
  end
  local o = {}
  for k, v in pairs(opts) do o[k] = v end
  o.name = opts.name or path
  local sp, msg, code = parse(text, o)
  opts._sidecar_cache = o._sidecar_cache
  return sp, msg, code
end

-- }======================================================

-- {====================================================== corpus

local corpus = require "rostra.corpus"
require "rostra.matches" -- c:query, c:count, c:kwic
require "rostra.stats"   -- c:ngrams, c:collocates, c:keyness, c:dispersion
require "rostra.themes"  -- c:tag, sp:tag

--- A new, empty in-memory corpus.
function rostra.corpus()
  return corpus.new()
end

--- Parse and add every `.txt` under a folder (recursively), one file, or a
-- list of paths. `opts`: `meta`, `sidecar`, `lang`, `progress(done, total, bytes)`,
-- `threads`.
-- @return Corpus, or nil, message, code
function rostra.load(what, opts)
  return corpus.load(what, opts)
end

--- Read a lexicon: a path (.yaml, .dic, .cat, .lc3), a bundled name
-- ("political") or a Lua table of categories. See docs/lexicons.md.
-- @return Lexicon, or nil, message, code
rostra.lexicon = require("rostra.lexicon").new

--- Open a saved index (`opts.verify` checks every checksum).
-- @return Corpus, or nil, message, code
function rostra.open(path, opts)
  return corpus.open(path, opts)
end

-- }======================================================

return rostra
