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
    require("rostra.opts").check(opts, { "split_hyphens", "strict", "cjk" }, "tokenize", 2)
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
                     header = true, footer = true, layout = true, cjk = true, split_hyphens = true,
                     _sidecar_cache = true }

local function check_opts(opts, fname)
  if opts == nil then return {} end
  argcheck(type(opts) == "table", 2, fname, "table expected, got " .. type(opts))
  local o = require("rostra.opts").check(opts, PARSE_OPTS, fname, 2, 2)
  if opts.cjk ~= nil and opts.cjk ~= "words" and opts.cjk ~= "chars" then
    error(("bad option cjk = %s to '%s' (\"words\" or \"chars\")"):format(tostring(opts.cjk), fname), 3)
  end
  if opts.layout ~= nil then -- a site's rules, checked now (a malformed one raises)
    local c = {}
    for k, v in pairs(opts) do c[k] = v end
    c.layout = require("rostra.layout").compile(opts.layout, 3)
    return c
  end
  return o -- not a tail call: the error level counts this function
end

-- the file's path relative to opts.base, for templates and sidecars
local function relative(opts)
  local rel = opts.name
  if rel and opts.base and rel:sub(1, #opts.base + 1) == opts.base .. "/" then
    rel = rel:sub(#opts.base + 2)
  end
  return rel
end

-- the one way in (the same engine as rostra.load's workers): core.ingest
-- reads the front matter, parses and tokenizes; the metadata is merged by
-- meta.for_speech, as for a loaded file
local function parse(text, opts)
  local name = opts.name or "input"
  local h, raw, front = core.ingest(text, name, { header = opts.header, footer = opts.footer, cjk = opts.cjk,
    split_hyphens = opts.split_hyphens and true or nil,
    hints = opts.layout and require("rostra.layout").hints(opts.layout, text) or nil })
  if not h then return nil, raw, front end
  local meta = require "rostra.meta"
  local sc = opts._sidecar_cache
  if opts.sidecar ~= nil and not sc then
    local err, ecode
    sc, err, ecode = meta.sidecar(opts.sidecar, opts.base)
    if not sc then return nil, err, ecode end
    opts._sidecar_cache = sc
  end
  local rel = relative(opts)
  local merged = meta.for_speech(raw.meta, front, rel, opts, sc)
  local warnings = {}
  if opts.meta ~= nil and rel then -- a name the template does not match, or reads two ways
    local w = meta.name_warning(opts.meta, rel, meta.from_name(opts.meta, rel))
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
  if raw.cjk_fallback then
    warnings[#warnings + 1] = { code = "ECJK",
      message = ("%s: some Chinese or Japanese text could not be cut into words: its characters are tokens")
        :format(name) }
  end
  if #raw.segments == 0 then
    local why = #raw.boilerplate > 0
      and ("every line was set aside as page furniture (%d lines)"):format(#raw.boilerplate)
      or front and "the text holds only front matter" or "the text holds no words"
    warnings[#warnings + 1] = { code = "ENOSPEECH", message = ("%s: no speech found: %s"):format(name, why) }
  end
  local speech = require "rostra.speech"
  local sp = speech.new(text, raw, { meta = merged, name = opts.name, warnings = warnings, front = front })
  sp._in = h
  sp._split_hyphens = opts.split_hyphens == true or nil
  return sp
end

--- Parse a transcript into a Speech.
-- @tparam string text the raw transcript
-- @tparam[opt] table opts `name` (a file name, for templates and messages),
--   `meta` (file-name template, lpeg pattern or function), `sidecar`,
--   `lang`, `header = false` (the text has no header), `footer = false` (no
--   footer), `layout` (a site's rules: `{header = ..., footer = ..., label = ...}`,
--   see `rostra.layout` and docs/parsing.md)
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
  local text, err, code = require("rostra.corpus").read_file(path)
  if not text then return nil, err, code end
  local o = {}
  for k, v in pairs(opts) do o[k] = v end
  o.name = opts.name or path
  local sp, msg, ecode = parse(text, o)
  opts._sidecar_cache = o._sidecar_cache
  return sp, msg, ecode
end

-- }======================================================

-- {====================================================== corpus

local corpus = require "rostra.corpus"
require "rostra.matches" -- c:query, c:count, c:kwic
require "rostra.stats"   -- c:ngrams, c:collocates, c:keyness, c:dispersion
require "rostra.themes"  -- c:tag, sp:tag
require "rostra.validation" -- c:sample, lex:validate
require "rostra.plot"    -- t:plot, t:svg, t:bars, c:trend, m:plot
require "rostra.dfm"     -- c:dfm
require "rostra.vrt"     -- c:export_vrt

--- A new, empty in-memory corpus.
function rostra.corpus()
  return corpus.new()
end

--- Parse and add every `.txt`, `.conllu` and `.vrt` under a folder
-- (recursively), one file, or a list of paths. `opts`: `meta`, `sidecar`,
-- `lang`, `progress(done, total, bytes)`, `threads`, `header`, `cjk`,
-- `split_hyphens`, `attributes`, `layout` (a site's rules; the plain texts
-- are then parsed one by one, annotated files loaded as without it).
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
