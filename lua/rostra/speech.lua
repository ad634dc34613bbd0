--- The Speech object: one parsed transcript.
-- Built by `speech.new(text, raw, extra)` from the plain table that
-- `core.parse_speech` returns. Positions are 1-based, inclusive byte
-- positions into `sp.text` (so `sp.text:sub(seg.start, seg.stop)` is the raw
-- span). Tables handed out are shared with the object: treat them as
-- read-only.
-- @module rostra.speech
local speech = {}

local Speech = {}
Speech.__index = Speech

--- Line breaks (and the white space around them) to one space, trimmed.
local function squash(s)
  s = s:gsub("[ \t\194\160]*\r?\n[%s\194\160]*", " ")
  return (s:match("^%s*(.-)%s*$"))
end

-- a list that is also an iterator: `for x in list do` and `list[i]`, `#list`
local function listiter(list)
  local i = 0
  return setmetatable(list, {
    __call = function()
      i = i + 1
      return list[i]
    end,
  })
end

--- A Speech from the text and the table of `core.parse_speech`.
-- @tparam string text the raw transcript (kept: spans refer into it)
-- @tparam table raw the table of `core.parse_speech(text)`
-- @tparam[opt] table extra `{meta = {...}, name = "...", warnings = {...},
--   front = {...}}` (front: the front matter, kept as `sp.front`);
--   `extra.meta` (front matter, file-name metadata) overrides what the
--   header gave
-- @treturn Speech
function speech.new(text, raw, extra)
  assert(type(text) == "string", "speech.new: text expected")
  assert(type(raw) == "table", "speech.new: table of core.parse_speech expected")
  extra = extra or {}
  local meta = {}
  for k, v in pairs(raw.meta or {}) do meta[k] = v end
  for k, v in pairs(extra.meta or {}) do meta[k] = v end
  -- a date without a year (an agency's "Nov. 10") and a year from the file
  -- name or front matter
  if meta.date == nil and raw.date_md and math.type(meta.year) == "integer"
    and meta.year >= 1000 and meta.year <= 2999 then
    meta.date = ("%04d%s"):format(meta.year, raw.date_md:sub(2))
  end
  -- what the text did not give may have come from elsewhere
  local text_meta = raw.meta or {}
  local function elsewhere(k) return meta[k] ~= nil and meta[k] ~= text_meta[k] end
  local found = {
    NOSPEAKER = meta.speaker ~= nil, GUESSSPEAKER = elsewhere("speaker"),
    NODATE = meta.date ~= nil, NOYEAR = meta.date ~= nil,
    NOTITLE = meta.title ~= nil, GUESSTITLE = elsewhere("title"),
  }
  local warnings = {}
  for _, w in ipairs(raw.warnings or {}) do
    if not found[w.code] then warnings[#warnings + 1] = w end
  end
  for _, w in ipairs(extra.warnings or {}) do warnings[#warnings + 1] = w end
  return setmetatable({
    text = text,
    name = extra.name,
    meta = meta,
    boilerplate = raw.boilerplate or {},
    speakers = raw.speakers or {},
    front = extra.front,
    warnings = warnings,
    body_start = raw.body_start,
    body_stop = raw.body_stop,
    convention = raw.convention,
    _raw = raw,
  }, Speech)
end

--- Segments `{kind, text, line, start, stop, point, turn, speaker}` (point:
-- ordinal or nil; turn: index into `turns()`; speaker: its speaker or nil).
function Speech:segments()
  local out = {}
  for i, s in ipairs(self._raw.segments or {}) do out[i] = s end
  return listiter(out)
end

--- Speaker turns `{speaker, role, label, first, last, start, stop, question, country}`:
-- what one speaker says between labels ("THE PRESIDENT:", "Q"). `first` and
-- `last` index `segments()`; `start`/`stop` span the text from the first
-- segment to the last (the label, not part of any segment, is `label` and
-- `label_start`/`label_stop`). A speech without labels is one turn of its
-- speaker (`speaker` is nil when none is known); `question` is true for
-- `Q`, `Question:`, `Journalist:` (speaker "Q").
function Speech:turns()
  local out = {}
  for i, t in ipairs(self._raw.turns or {}) do out[i] = t end
  return listiter(out)
end

--- Enumerated points `{ordinal, marker, heading, segments = {indices}, first, last}`.
function Speech:points()
  local out = {}
  for i, p in ipairs(self._raw.points or {}) do out[i] = p end
  return listiter(out)
end

--- Sentences `{text, start, stop, segment}` (segment: index into segments()).
function Speech:sentences()
  local out, text = {}, self.text
  for i, s in ipairs(self._raw.sentences or {}) do
    if s.text == nil then s.text = squash(text:sub(s.start, s.stop)) end
    out[i] = s
  end
  return listiter(out)
end

--- Quotations `{text, start, stop, depth, segment}`: text without the marks,
-- start/stop including them.
function Speech:quotations()
  local out = {}
  for i, q in ipairs(self._raw.quotations or {}) do out[i] = q end
  return listiter(out)
end

--- Tokens `{text, kind, start, stop, lower}` of the whole text.
-- @tparam[opt] table opts passed to `core.tokenize`
function Speech:tokens(opts)
  local core = require "rostra.core"
  if not core.tokenize then error("rostra.core.tokenize is not available", 2) end
  if type(opts) == "table" then
    require("rostra.opts").check(opts, { "split_hyphens", "strict", "cjk" }, "tokens")
  end
  return listiter((core.tokenize(self.text, opts)))
end

--- A plain table (no functions, no metatables) fit for JSON.
function Speech:to_table()
  local function copy(list, keys)
    local out = {}
    for i, x in ipairs(list) do
      local y = {}
      for _, k in ipairs(keys) do y[k] = x[k] end
      out[i] = y
    end
    return out
  end
  local meta = {}
  for k, v in pairs(self.meta) do meta[k] = v end
  local points = copy(self:points(), {"ordinal", "marker", "heading", "first", "last"})
  for i, p in ipairs(self._raw.points or {}) do
    points[i].segments = {table.unpack(p.segments)}
  end
  return {
    name = self.name,
    meta = meta,
    boilerplate = copy(self.boilerplate, {"line", "why", "where", "text"}),
    warnings = copy(self.warnings, {"code", "message", "line", "count"}),
    segments = copy(self:segments(), {"kind", "text", "line", "start", "stop", "point", "turn",
                                      "speaker"}),
    turns = copy(self:turns(), {"speaker", "role", "label", "first", "last", "start", "stop",
                                "question", "country"}),
    points = points,
    sentences = copy(self:sentences(), {"text", "start", "stop", "segment"}),
    quotations = copy(self:quotations(), {"text", "start", "stop", "depth", "segment"}),
  }
end

-- at most n bytes (at a character edge), control characters shown
-- (result.visible), not executed
local function clip(s, n)
  local visible = require("rostra.result").visible
  if #s <= n then return visible(s) end
  local cut = n
  while cut > 1 and (s:byte(cut + 1) or 0) >= 0x80 and (s:byte(cut + 1) or 0) < 0xC0 do
    cut = cut - 1
  end
  return visible(s:sub(1, cut)) .. "..."
end

--- The header and an outline of the segments.
function Speech:__tostring()
  local m, out = self.meta, {}
  local head = {}
  for _, k in ipairs({"speaker", "role", "date", "place", "source", "lang"}) do
    if m[k] then head[#head + 1] = k .. "=" .. clip(tostring(m[k]), 200) end
  end
  out[1] = string.format("Speech %q%s", m.title or self.name or "?",
    #head > 0 and (" " .. table.concat(head, " ")) or "")
  local raw = self._raw
  out[2] = string.format("  %d segments, %d points, %d sentences, %d quotations, %d turns, %d warnings",
    #(raw.segments or {}), #(raw.points or {}), #(raw.sentences or {}),
    #(raw.quotations or {}), #(raw.turns or {}), #self.warnings)
  for _, b in ipairs(self.boilerplate) do
    out[#out + 1] = string.format("  %5d  [%s] %s", b.line, b.why, clip(b.text or "", 60))
  end
  local turns = raw.turns or {}
  for i, s in ipairs(raw.segments or {}) do
    local t = turns[s.turn or 0]
    if t and t.first == i and (#turns > 1 or t.label) then
      out[#out + 1] = string.format("  %5s  turn %d: %s%s", "", s.turn, t.speaker or "?",
        t.label and (" (" .. clip(t.label, 40) .. ")") or "")
    end
    out[#out + 1] = string.format("  %5d  %-10s %s%s", s.line, s.kind,
      s.point and ("[" .. s.point .. "] ") or "", clip(s.text, 60))
  end
  return table.concat(out, "\n")
end

speech.Speech = Speech
speech.squash = squash
return speech
