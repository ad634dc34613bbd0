--- Plots: SVG pictures of results, and bar charts for the terminal.
--
--     local rostra = require "rostra"
--     local c = assert(rostra.open("sotu.rostra"))
--     c:dispersion("freedom", {by = "decade"}):plot("freedom.svg")
--     c:trend({"freedom", "liberty"}, {by = "decade"}):plot("fl.svg", {style = "bars"})
--     c:keyness(c:where{party = "Republican"}):plot("rep.svg", {top = 15})
--     c:tag(rostra.lexicon("political"), {by = "decade"}):plot("themes.svg")
--     c:tag(lex):plot("health.svg", {by = "year", theme = "health"})
--     c:collocates("freedom", {measure = "logdice"}):plot("coll.svg")
--     print(c:freq{top = 10, stopwords = "en"}:bars())   -- in the terminal
--
-- **Kinds.** `dispersion` (an x-ray: one strip per part, a mark per hit),
-- `trend` (rates per million by a key, lines or bars), `keyness` (the top
-- positive and negative keywords as diverging bars), `themes` (a heat map of
-- theme shares by a key, or the timeline of one theme with `theme = NAME`),
-- `collocates` (bars of a measure) and `bars` (any label and number
-- columns). `t:plot(path [, opts])` and `t:svg([opts])` tell the kind from
-- the result's columns (see `plot.kind_of`); `opts.kind` chooses it.
--
-- Results are read through their public interface only (`#t`, `t[i]`,
-- `t:rows()`, `t:columns()`, `t.title`, `t.meta`), so any result with the
-- right columns plots, whatever builds it.
--
-- **The SVG** is written by this module (no dependency): valid XML, readable
-- without JavaScript, text as text, a `<title>` naming what is drawn,
-- labelled axes, a legend where there are several series, the Okabe-Ito
-- colours (and viridis for heat maps), which colour-blind readers tell
-- apart. Every mark carries its numbers twice: in a `<title>` (the tooltip a
-- browser shows) and in `data-*` attributes holding the exact values of the
-- result (the shortest decimal that reads back as the same number), so a
-- program can read the figure back. Text from the corpus is escaped; bytes
-- that are not UTF-8 become U+FFFD and control characters are dropped. A
-- result with no rows gives a valid SVG that says "no data".
--
-- **Errors.** An unknown kind, option or column raises an error naming the
-- known ones; a metadata key that no speech has raises naming the keys the
-- corpus has; a file that cannot be written gives `nil, "path: message",
-- code` (`ENOENT`, `EACCES`, `EISDIR`, `ENOTDIR`, `ENOSPC`, `EROFS`, `EIO`)
-- and leaves nothing behind (the SVG is written to a temporary file in the
-- target's folder and renamed over it).
-- @module rostra.plot

local result = require "rostra.result"

local format, concat, rep = string.format, table.concat, string.rep
local floor, ceil, log, huge = math.floor, math.ceil, math.log, math.huge
local math_type = math.type

local M = {}
package.loaded["rostra.plot"] = M

M.KINDS = { "dispersion", "trend", "keyness", "themes", "collocates", "bars" }
local KIND_SET = {}
for _, k in ipairs(M.KINDS) do KIND_SET[k] = true end

-- Okabe & Ito (2008), "Color Universal Design": distinguishable with every
-- common colour-vision deficiency; yellow last, it is faint on white
M.PALETTE = { "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442" }
local POSITIVE, NEGATIVE = "#0072B2", "#D55E00"
-- viridis (perceptually uniform, colour-blind safe), five stops
local VIRIDIS = { { 0x44, 0x01, 0x54 }, { 0x3b, 0x52, 0x8b }, { 0x21, 0x91, 0x8c },
                  { 0x5e, 0xc9, 0x62 }, { 0xfd, 0xe7, 0x25 } }

-- {====================================================== small helpers

local function argerror(n, fname, msg, level)
  error(format("bad argument #%d to '%s' (%s)", n, fname, msg), (level or 2) + 1)
end

local function typename(v)
  local mt = getmetatable(v)
  if type(mt) == "table" and type(rawget(mt, "__name")) == "string" then return mt.__name end
  return type(v)
end

local function is_finite(v)
  return type(v) == "number" and v == v and v ~= huge and v ~= -huge
end

--- A decimal form of a number that reads back as the same number (16
-- significant digits, 17 where 16 do not suffice; `nil` for NaN and
-- infinities): the form of `data-*` attributes.
-- @tparam number v
-- @treturn string|nil
function M.num(v)
  if math_type(v) == "integer" then return format("%d", v) end
  if not is_finite(v) then return nil end
  local s = format("%.16g", v)
  if tonumber(s) ~= v then s = format("%.17g", v) end
  return s
end
local num = M.num

-- an integer with thousands separators
local function thousands(n)
  if n < 1000 and n > -1000 then return format("%d", n) end
  local s = format("%d", n)
  local sign, digits = s:match("^(%-?)(%d+)$")
  digits = digits:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
  return sign .. digits
end

--- A number as a reader wants it: integers with thousands separators,
-- other numbers with about 4 significant digits.
-- @tparam number v
-- @treturn string
function M.show(v)
  if type(v) ~= "number" then return tostring(v) end
  if math_type(v) == "integer" then return thousands(v) end
  if v ~= v then return "-" end
  if v == huge then return "inf" end
  if v == -huge then return "-inf" end
  if v == floor(v) and math.abs(v) < 1e15 then return thousands(floor(v)) end
  local a = math.abs(v)
  if a >= 1e-3 and a < 1e15 then
    local d = math.max(0, 3 - floor(log(a, 10)))
    local s = format("%." .. d .. "f", v)
    if d > 0 then s = s:gsub("0+$", ""):gsub("%.$", "") end
    local int, frac = s:match("^(%-?%d+)(.*)$")
    if int and #int > 4 then return thousands(tonumber(int)) .. frac end
    return s
  end
  return format("%.3g", v)
end
local show = M.show

-- valid UTF-8 (invalid bytes as U+FFFD), without the control characters
-- XML forbids (tab, newline and carriage return become spaces)
local function clean_text(s)
  s = tostring(s)
  if not s:find("[%c\128-\255]") then return s end
  if not utf8.len(s) then
    local out, i, n = {}, 1, #s
    while i <= n do
      local ok, cp = pcall(utf8.codepoint, s, i)
      if ok then
        local ch = utf8.char(cp)
        out[#out + 1] = ch
        i = i + #ch
      else
        out[#out + 1] = "\u{FFFD}"
        i = i + 1
      end
    end
    s = concat(out)
  end
  s = s:gsub("[\t\n\r]", " "):gsub("[%z\1-\8\11\12\14-\31\127]", "")
  -- U+FFFE and U+FFFF are not XML characters either
  s = s:gsub("\239\191[\190\191]", "\u{FFFD}")
  return s
end

local ESC = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }

--- Text escaped for XML and HTML (element content and quoted attributes).
-- @param s a string (or a value, through tostring)
-- @treturn string
function M.escape(s)
  s = clean_text(s)
  if not s:find("[&<>\"']") then return s end
  return (s:gsub("[&<>\"']", ESC))
end
local esc = M.escape

-- estimated width in pixels of a text at a font size (a sans-serif's
-- average advance; wide East Asian characters count twice)
local function text_width(s, size)
  return result.width(clean_text(s)) * size * 0.6
end

-- a label cut to fit `px` pixels, with "…"
local function fit(s, px, size)
  s = clean_text(s)
  local maxc = floor(px / (size * 0.6))
  if result.width(s) <= maxc then return s end
  local out, w = {}, 0
  for _, cp in utf8.codes(s) do
    local ch = utf8.char(cp)
    local cw = result.width(ch)
    if w + cw > maxc - 1 then break end
    out[#out + 1] = ch
    w = w + cw
  end
  return concat(out) .. "…"
end

-- "nice" tick values covering [lo, hi] (Heckbert 1990)
local function nice_num(x, round)
  local e = floor(log(x, 10))
  local f = x / 10 ^ e
  local nf
  if round then
    if f < 1.5 then nf = 1 elseif f < 3 then nf = 2 elseif f < 7 then nf = 5 else nf = 10 end
  else
    if f <= 1 then nf = 1 elseif f <= 2 then nf = 2 elseif f <= 5 then nf = 5 else nf = 10 end
  end
  return nf * 10 ^ e
end

local function ticks(lo, hi, n)
  if hi < lo then lo, hi = hi, lo end
  if hi == lo then
    if hi == 0 then hi = 1 else lo, hi = math.min(0, lo), math.max(0, hi) end
    if hi == lo then hi = lo + 1 end
  end
  local range = nice_num(hi - lo, false)
  local step = nice_num(range / ((n or 5) - 1), true)
  local first, last = floor(lo / step) * step, ceil(hi / step) * step
  local out = {}
  local k = 0
  while true do
    local v = first + k * step
    if v > last + step * 1e-9 then break end
    if math.abs(v) < step * 1e-9 then v = 0 end
    out[#out + 1] = v
    k = k + 1
  end
  return out, first, last, step
end

local function tick_label(v, step)
  if step >= 1 and v == floor(v) then return show(floor(v)) end
  local d = math.max(0, -floor(log(step, 10)))
  return format("%." .. d .. "f", v)
end

local viridis_cache = {}
local function viridis(t)
  if not is_finite(t) then t = 0 end
  t = math.max(0, math.min(1, t))
  -- 1024 levels are more than a screen shows
  local q = floor(t * 1023 + 0.5)
  local hit = viridis_cache[q]
  if hit then return hit end
  t = q / 1023
  local x = t * (#VIRIDIS - 1)
  local i = math.min(floor(x), #VIRIDIS - 2)
  local f = x - i
  local a, b = VIRIDIS[i + 1], VIRIDIS[i + 2]
  local c = format("#%02x%02x%02x", floor(a[1] + (b[1] - a[1]) * f + 0.5),
    floor(a[2] + (b[2] - a[2]) * f + 0.5), floor(a[3] + (b[3] - a[3]) * f + 0.5))
  viridis_cache[q] = c
  return c
end

-- a coordinate with one decimal at most (called for every mark: no format)
local function px(v)
  local r = floor(v * 10 + 0.5)
  if r % 10 == 0 then return tostring(r // 10) end
  if r < 0 then
    r = -r
    return "-" .. (r // 10) .. "." .. (r % 10)
  end
  return (r // 10) .. "." .. (r % 10)
end

-- data-* attributes from a list of {name, value}
local function data_attrs(list)
  local out = {}
  for _, kv in ipairs(list) do
    local v = kv[2]
    if v ~= nil then
      local s = type(v) == "number" and num(v) or tostring(v)
      if s then out[#out + 1] = format(' data-%s="%s"', kv[1], esc(s)) end
    end
  end
  return concat(out)
end

-- values in the order `freq` and `t:by` give groups: numbers first
local function value_less(a, b)
  if type(a) == type(b) and (type(a) == "number" or type(a) == "string") then return a < b end
  if type(a) == "number" then return true end
  if type(b) == "number" then return false end
  return tostring(a) < tostring(b)
end

-- }======================================================

-- {====================================================== options

local COMMON_OPTS = { "kind", "title", "width", "height", "id" }
local KIND_OPTS = {
  dispersion = { "parts", "limit" },
  trend = { "style", "key", "series", "value", "corpus", "by" },
  keyness = { "top", "measure" },
  themes = { "by", "theme", "themes", "value" },
  collocates = { "top", "measure" },
  bars = { "label", "value", "top" },
}

local function check_opts(opts, kind, fname, level)
  if opts == nil then return {} end
  if type(opts) ~= "table" then argerror(2, fname, "options table expected, got " .. typename(opts),
      level + 1) end
  local valid = {}
  for _, k in ipairs(COMMON_OPTS) do valid[k] = true end
  for _, k in ipairs(KIND_OPTS[kind] or {}) do valid[k] = true end
  for k in pairs(opts) do
    if not valid[k] then
      local names = {}
      for n in pairs(valid) do names[#names + 1] = n end
      table.sort(names)
      error(format("unknown option '%s' to a %s plot (valid: %s)", tostring(k), kind, concat(names, ", ")),
        0)
    end
  end
  for _, k in ipairs { "width", "height" } do
    local v = opts[k]
    if v ~= nil and (type(v) ~= "number" or v < 200 or v > 10000) then
      error(format("plot option '%s' must be a number of pixels from 200 to 10000, got %s", k, tostring(v)),
        0)
    end
  end
  if opts.title ~= nil and type(opts.title) ~= "string" then
    error("plot option 'title' must be a string, got " .. typename(opts.title), 0)
  end
  if opts.id ~= nil and (type(opts.id) ~= "string" or not opts.id:match("^[%a_][%w_%-]*$")) then
    error("plot option 'id' must be an XML name (letters, digits, _ and -)", 0)
  end
  local top = opts.top or opts.limit
  if top ~= nil and (math_type(top) ~= "integer" or top < 1) then
    error(format("plot option '%s' must be a positive integer, got %s", opts.top and "top" or "limit",
      tostring(top)), 0)
  end
  return opts
end

local function check_kind(kind)
  if type(kind) ~= "string" or not KIND_SET[kind] then
    error(format("unknown plot kind %s (known: %s)", type(kind) == "string" and ("'" .. kind .. "'")
      or typename(kind), concat(M.KINDS, ", ")), 0)
  end
  return kind
end

-- }======================================================

-- {====================================================== the SVG document

local Doc = {}
Doc.__index = Doc

local STYLE = "text{fill:#222}.axis line,.axis path{stroke:#444;stroke-width:1}"
  .. ".grid line{stroke:#ddd;stroke-width:1}.sub{fill:#555}.nodata{fill:#666;font-size:16px}"

local function new_doc(kind, w, h, title, subtitle, id)
  local d = setmetatable({ parts = {}, w = w, h = h, id = id or ("rostra-" .. kind) }, Doc)
  local tid = d.id .. "-title"
  d:add(format('<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%s" height="%s" '
    .. 'viewBox="0 0 %s %s" role="img" aria-labelledby="%s" class="rostra-plot" data-kind="%s" '
    .. 'font-family="DejaVu Sans, Verdana, Arial, sans-serif" font-size="12">',
    px(w), px(h), px(w), px(h), tid, kind))
  d:add(format('<title id="%s">%s</title>', tid, esc(title)))
  if subtitle and subtitle ~= "" then d:add(format("<desc>%s</desc>", esc(subtitle))) end
  d:add("<style>" .. STYLE .. "</style>")
  d:add(format('<rect class="background" x="0" y="0" width="%s" height="%s" fill="#ffffff"/>', px(w), px(h)))
  d:add(format('<text class="chart-title" x="%s" y="22" font-size="15" font-weight="bold">%s</text>',
    px(12), esc(fit(title, w - 24, 15))))
  if subtitle and subtitle ~= "" then
    d:add(format('<text class="sub" x="12" y="40" font-size="11">%s</text>', esc(fit(subtitle, w - 24, 11))))
  end
  return d
end

function Doc:add(s)
  local p = self.parts
  p[#p + 1] = s
end

function Doc:text(x, y, s, attrs)
  self:add(format('<text x="%s" y="%s"%s>%s</text>', px(x), px(y), attrs or "", esc(s)))
end

function Doc:finish()
  self:add("</svg>\n")
  return concat(self.parts, "\n")
end

local function nodata(kind, title, subtitle, o)
  local w, h = o.width or 640, o.height or 240
  local d = new_doc(kind, w, h, title, subtitle, o.id)
  d:text(w / 2, h / 2 + 10, "no data", ' class="nodata" text-anchor="middle"')
  return d:finish()
end

-- a legend of coloured swatches at (x, y), one per line
local function legend(d, x, y, items)
  d:add('<g class="legend">')
  for i, it in ipairs(items) do
    local yy = y + (i - 1) * 18
    d:add(format('<rect x="%s" y="%s" width="12" height="12" fill="%s"/>', px(x), px(yy - 10), it.color))
    d:text(x + 18, yy, it.label)
  end
  d:add("</g>")
end

local function legend_width(items)
  local w = 0
  for _, it in ipairs(items) do w = math.max(w, text_width(it.label, 12)) end
  return w + 30
end

-- }======================================================

-- {====================================================== horizontal bars

-- rows: {label, value, color, title, attrs = {{name, value}, ...}}; the
-- value scale covers 0 and every value, so negative bars go left of zero
local function hbars(kind, title, subtitle, rows, o, xlabel, legend_items)
  local w = o.width or 760
  local row_h = 18
  local label_w = 0
  for _, r in ipairs(rows) do label_w = math.max(label_w, text_width(r.label, 12)) end
  label_w = math.min(math.max(label_w + 12, 60), w * 0.35)
  local top = subtitle and 58 or 44
  local gaps = 0
  for _, r in ipairs(rows) do if r.gap_before then gaps = gaps + 1 end end
  local lw = legend_items and legend_width(legend_items) or 0
  local h = o.height or (top + #rows * row_h + gaps * row_h + 50)
  local x0, x1 = label_w + 8, w - 20 - lw
  local vmin, vmax = 0, 0
  for _, r in ipairs(rows) do
    if is_finite(r.value) then
      if r.value < vmin then vmin = r.value end
      if r.value > vmax then vmax = r.value end
    end
  end
  local tk, lo, hi, step = ticks(vmin, vmax, 6)
  local function sx(v) return x0 + (v - lo) / (hi - lo) * (x1 - x0) end
  local d = new_doc(kind, w, h, title, subtitle, o.id)
  local y_end = h - 42
  local avail = (y_end - top) / (#rows + gaps)
  row_h = math.min(row_h, avail)
  d:add('<g class="grid">')
  for _, v in ipairs(tk) do
    d:add(format('<line x1="%s" y1="%s" x2="%s" y2="%s"/>', px(sx(v)), px(top), px(sx(v)), px(y_end)))
  end
  d:add("</g>")
  d:add('<g class="axis x-axis">')
  d:add(format('<line x1="%s" y1="%s" x2="%s" y2="%s"/>', px(x0), px(y_end), px(x1), px(y_end)))
  for _, v in ipairs(tk) do
    d:text(sx(v), y_end + 15, tick_label(v, step), ' text-anchor="middle" font-size="11"')
  end
  d:text((x0 + x1) / 2, h - 8, xlabel, ' class="axis-label" text-anchor="middle"')
  d:add("</g>")
  d:add('<g class="marks">')
  local y = top
  local zero = sx(0)
  for _, r in ipairs(rows) do
    if r.gap_before then y = y + row_h end
    local v = is_finite(r.value) and r.value or 0
    local a, b = sx(math.min(0, v)), sx(math.max(0, v))
    d:add(format('<g class="bar-row"><text x="%s" y="%s" text-anchor="end" class="bar-label">%s</text>',
      px(x0 - 6), px(y + row_h * 0.7), esc(fit(r.label, label_w - 8, 12))))
    d:add(format('<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s"%s>'
      .. '<title>%s</title></rect></g>',
      px(a), px(y + 2), px(math.max(b - a, 0.5)), px(math.max(row_h - 4, 1)), r.color or M.PALETTE[1],
      data_attrs(r.attrs or {}), esc(r.title)))
    y = y + row_h
  end
  d:add("</g>")
  d:add(format('<line class="zero" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#222"/>', px(zero), px(top - 2),
    px(zero), px(y_end)))
  if legend_items then legend(d, w - lw + 6, top + 10, legend_items) end
  return d:finish()
end

-- }======================================================

-- {====================================================== reading results

local function columns_of(t)
  local cols = {}
  if type(t.columns) == "function" then
    for i, c in ipairs(t:columns()) do cols[i] = c end
  end
  local set = {}
  for _, c in ipairs(cols) do set[c] = true end
  return cols, set
end

local function check_column(t, set, name, what)
  if name ~= nil and not set[name] then
    local cols = columns_of(t)
    error(format("%s: unknown column '%s' (columns: %s)", what, tostring(name), concat(cols, ", ")), 0)
  end
  return name
end

local function is_themetable(t)
  local ok, themes = pcall(require, "rostra.themes")
  return ok and themes.ThemeTable and themes.ThemeTable.is(t) or false
end

local TREND_VALUES = { count = true, words = true, per_million = true, share = true, speeches = true,
  tokens = true, query = true, series = true, units = true, score = true }

--- The plot kind that fits a result table, from its columns: a
-- ThemeTable or a table with `theme` and `share` gives `themes`;
-- `positions` gives `dispersion`; `word`, `a`, `b` and `score` give
-- `keyness`; `collocate` gives `collocates`; `per_million` (or `count` and
-- `words`) with a grouping column gives `trend`; `lower`/`word`/`stem`
-- with `count`, or a `group`/label column with `count`, gives `bars`.
-- @param t a result table
-- @treturn string|nil the kind, or nil when none fits
function M.kind_of(t)
  if is_themetable(t) then return "themes" end
  local _, set = columns_of(t)
  if set.positions and set.part then return "dispersion" end
  if set.word and set.score and set.a and set.b then return "keyness" end
  if set.collocate then return "collocates" end
  if set.theme and set.share then return "themes" end
  if (set.lower or set.word or set.stem) and set.count then return "bars" end
  if set.per_million or (set.count and set.words) then return "trend" end
  if set.count then return "bars" end
  return nil
end

-- the first column of a table that is not one of `skip`
local function first_column(t, skip)
  for _, c in ipairs((columns_of(t))) do
    if not skip[c] then return c end
  end
end

-- }======================================================

-- {====================================================== dispersion

local function dispersion_svg(t, o)
  local _, set = columns_of(t)
  local meta = t.meta or {}
  local title = o.title or (type(t.title) == "string" and t.title:match("^(dispersion of .-): range") )
    or t.title or "dispersion"
  -- parts in order, with the series (queries) of each
  local series, sindex, parts, pindex = {}, {}, {}, {}
  for _, row in t:rows() do
    local s = set.query and row.query or ""
    if not sindex[s] then
      series[#series + 1] = s
      sindex[s] = #series
    end
    local key = row.part
    local p = pindex[key]
    if not p then
      -- a speech is named by its file where the rows carry one
      local name = row.file ~= nil and tostring(row.file):match("([^/]*)$") or tostring(row.part)
      p = { part = row.part, name = name, size = row.size, hits = 0, by = {} }
      parts[#parts + 1] = p
      pindex[key] = p
    end
    p.by[sindex[s]] = row
    p.hits = p.hits + (row.hits or 0)
  end
  local total_parts = #parts
  local shown = parts
  local note
  local mode = o.parts or (total_parts > 100 and "hits" or "all")
  if mode ~= "all" and mode ~= "hits" then
    error(format("plot option 'parts' must be \"all\" or \"hits\", got %s", tostring(mode)), 0)
  end
  if mode == "hits" then
    shown = {}
    for _, p in ipairs(parts) do if p.hits > 0 then shown[#shown + 1] = p end end
  end
  local limit = o.limit or 100
  if #shown > limit then
    local keep = {}
    for i = 1, limit do keep[i] = shown[i] end
    shown = keep
  end
  if #shown < total_parts then
    note = format("%d of %d parts shown (%s%s)", #shown, total_parts,
      mode == "hits" and "parts with a hit" or "the first parts",
      #shown == limit and format(", at most %d; limit = N for more", limit) or "")
  end
  local sub = {}
  if meta.by then sub[#sub + 1] = "by " .. tostring(meta.by) end
  if meta.freq then sub[#sub + 1] = show(meta.freq) .. " hits" end
  if meta.range and meta.parts then sub[#sub + 1] = format("range %d/%d", meta.range, meta.parts) end
  if meta.juilland_d then sub[#sub + 1] = "Juilland's D " .. format("%.3f", meta.juilland_d) end
  if meta.dp then sub[#sub + 1] = "DP " .. format("%.3f", meta.dp) end
  if note then sub[#sub + 1] = note end
  local subtitle = concat(sub, ", ")
  if #shown == 0 then return nodata("dispersion", title, subtitle, o) end
  local nser = #series
  local w = o.width or 760
  local lane_h = nser > 1 and 8 or 12
  local strip_h = nser * lane_h + 4
  local label_w = 0
  for _, p in ipairs(shown) do label_w = math.max(label_w, text_width(p.name, 11)) end
  label_w = math.min(math.max(label_w + 10, 40), w * 0.3)
  local items
  if nser > 1 then
    items = {}
    for i, s in ipairs(series) do items[i] = { label = s, color = M.PALETTE[(i - 1) % #M.PALETTE + 1] } end
  end
  local lw = items and legend_width(items) or 0
  local top = 58
  local h = o.height or (top + #shown * strip_h + 48)
  strip_h = math.max(2, (h - top - 48) / #shown)
  lane_h = (strip_h - 2) / nser
  local x0, x1 = label_w + 14, w - 16 - lw
  local d = new_doc("dispersion", w, h, title, subtitle, o.id)
  local y = top
  local every = math.max(1, ceil(12 / strip_h))
  d:add('<g class="marks">')
  for i, p in ipairs(shown) do
    local ttl = {}
    for k, s in ipairs(series) do
      local row = p.by[k]
      if row then
        ttl[#ttl + 1] = format("%s%s hits in %s tokens, %s per million", s ~= "" and (s .. ": ") or "",
          show(row.hits or 0), show(row.size or 0), show(row.per_million or 0))
      end
    end
    d:add(format('<g class="strip"%s><title>%s: %s</title>', data_attrs {
      { "part", p.part }, { "size", p.size }, { "hits", p.hits } }, esc(p.name), esc(concat(ttl,
          "; "))))
    d:add(format('<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>', px(x0), px(y), px(x1 - x0),
      px(strip_h - 2), i % 2 == 1 and "#f2f2f2" or "#e8e8e8"))
    if (i - 1) % every == 0 then
      d:text(x0 - 6, y + strip_h / 2 + 3, fit(p.name, label_w, 11),
        ' text-anchor="end" font-size="11" class="part-label"')
    end
    for k = 1, nser do
      local row = p.by[k]
      local pos = row and row.positions
      if type(pos) == "table" and #pos > 0 then
        local ya, yb = y + (k - 1) * lane_h, y + k * lane_h - (nser > 1 and 1 or 0)
        local dd = {}
        -- positions in ten-thousandths of the strip, in a group scaled to
        -- it: one integer per hit (tens of thousands of hits stay cheap)
        local tail = " 0v" .. px(yb - ya)
        for j = 1, #pos do
          dd[j] = floor(pos[j] * 10000 + 0.5)
        end
        dd = { "M" .. concat(dd, tail .. "M") .. tail }
        d:add(format('<path class="hits" transform="translate(%s,%s) scale(%s,1)" d="%s" stroke="%s" '
          .. 'stroke-width="1" vector-effect="non-scaling-stroke" fill="none"%s/>',
          px(x0), px(ya), M.num((x1 - x0) / 10000), concat(dd), M.PALETTE[(k - 1) % #M.PALETTE + 1],
          data_attrs { { "series", series[k] }, { "hits", #pos }, { "per-million", row.per_million } }))
      end
    end
    d:add("</g>")
    y = y + strip_h
  end
  d:add("</g>")
  d:add('<g class="axis x-axis">')
  local ya = top + #shown * strip_h + 2
  d:add(format('<line x1="%s" y1="%s" x2="%s" y2="%s"/>', px(x0), px(ya), px(x1), px(ya)))
  for k = 0, 4 do
    local v = k / 4
    d:text(x0 + v * (x1 - x0), ya + 15, format("%d%%", floor(v * 100 + 0.5)),
        ' text-anchor="middle" font-size="11"')
  end
  d:text((x0 + x1) / 2, h - 8, "position in the part (share of its tokens)",
      ' class="axis-label" text-anchor="middle"')
  d:add("</g>")
  if items then legend(d, w - lw + 4, top + 10, items) end
  return d:finish()
end

-- }======================================================

-- {====================================================== trend

local function decade_label(v)
  if math_type(v) == "integer" then return format("%ds", v) end
  return tostring(v)
end

-- rows of a trend table as series {name, points = {{x, label, y, count, words}}}
local function trend_series(t, o)
  local cols, set = columns_of(t)
  local meta = t.meta or {}
  local key = o.key or (meta.by and set[meta.by] and meta.by) or first_column(t, TREND_VALUES)
  check_column(t, set, key, "trend plot", 0)
  if not key then error("trend plot: no column to put on the x axis (columns: " .. concat(cols, ", ") .. ")",
      0) end
  local scol = o.series or (set.query and "query") or (set.series and "series") or nil
  check_column(t, set, scol, "trend plot", 0)
  local vcol = o.value
  check_column(t, set, vcol, "trend plot", 0)
  local words_of
  if not vcol and not set.per_million and not set.words then
    -- rates from the groups' words in the corpus the rows came from
    local c = o.corpus or meta.corpus
    local by = o.by or meta.by or key
    if not c then
      error("trend plot: the rows have neither per_million nor words; give opts.corpus (and opts.by) "
        .. "to compute the rates, or use c:trend(queries, {by = KEY})", 0)
    end
    local g = M.group_words(c, by)
    words_of = function(v) return g.words[v] or g.words[tostring(v)] end
  end
  local series, sindex = {}, {}
  for _, row in t:rows() do
    local s = scol and row[scol] or ""
    local ser = sindex[s]
    if not ser then
      ser = { name = tostring(s), points = {} }
      series[#series + 1] = ser
      sindex[s] = ser
    end
    local x = row[key]
    local y
    local count, words = row.count, row.words
    if vcol then y = row[vcol]
    elseif set.per_million then y = row.per_million
    else
      words = words or words_of(x)
      y = (words and words > 0) and (count or 0) * 1e6 / words or 0
    end
    ser.points[#ser.points + 1] = { x = x, y = y, count = count, words = words,
      label = key == "decade" and decade_label(x) or tostring(x) }
  end
  return series, key, vcol
end

local function trend_svg(t, o, extra)
  extra = extra or {}
  local meta = t.meta or {}
  local series, key, vcol = trend_series(t, o)
  local what = extra.what or vcol or "per million " .. (meta.denominator or "words")
  local title = o.title or t.title or ("rate by " .. key)
  local subtitle = extra.subtitle or (meta.denominator and ("rates per million " .. meta.denominator)) or ""
  local npts = 0
  for _, s in ipairs(series) do npts = npts + #s.points end
  if npts == 0 then return nodata("trend", title, subtitle, o) end
  -- x values: numeric (a linear axis) or categories
  local xs, xset, numeric = {}, {}, true
  for _, s in ipairs(series) do
    for _, p in ipairs(s.points) do
      if not xset[p.x] then
        xset[p.x] = p
        xs[#xs + 1] = p.x
      end
      if type(p.x) ~= "number" then numeric = false end
    end
  end
  table.sort(xs, value_less)
  local style = o.style or ((numeric and #xs > 1) and "lines" or "bars")
  if style ~= "lines" and style ~= "bars" then
    error(format("plot option 'style' must be \"lines\" or \"bars\", got %s", tostring(style)), 0)
  end
  local items
  if #series > 1 then
    items = {}
    for i, s in ipairs(series) do items[i] = { label = s.name,
        color = M.PALETTE[(i - 1) % #M.PALETTE + 1] } end
  end
  local w, h = o.width or 760, o.height or 420
  local lw = items and legend_width(items) or 0
  local x0, x1, top, y1 = 64, w - 20 - lw, 56, h - 64
  local ymax = 0
  for _, s in ipairs(series) do
    for _, p in ipairs(s.points) do if is_finite(p.y) and p.y > ymax then ymax = p.y end end
  end
  local tk, lo, hi, step = ticks(0, ymax, 6)
  local function sy(v) return y1 - (v - lo) / (hi - lo) * (y1 - top) end
  local pos = {}
  local band
  if numeric and style == "lines" then
    local a, b = xs[1], xs[#xs]
    if a == b then a, b = a - 1, b + 1 end
    for _, x in ipairs(xs) do pos[x] = x0 + 8 + (x - a) / (b - a) * (x1 - x0 - 16) end
    band = (x1 - x0) / math.max(#xs, 1)
  else
    band = (x1 - x0) / #xs
    for i, x in ipairs(xs) do pos[x] = x0 + (i - 0.5) * band end
  end
  local d = new_doc("trend", w, h, title, subtitle, o.id)
  d:add('<g class="grid">')
  for _, v in ipairs(tk) do
    d:add(format('<line x1="%s" y1="%s" x2="%s" y2="%s"/>', px(x0), px(sy(v)), px(x1), px(sy(v))))
  end
  d:add("</g>")
  d:add('<g class="axis y-axis">')
  d:add(format('<line x1="%s" y1="%s" x2="%s" y2="%s"/>', px(x0), px(top), px(x0), px(y1)))
  for _, v in ipairs(tk) do
    d:text(x0 - 6, sy(v) + 4, tick_label(v, step), ' text-anchor="end" font-size="11"')
  end
  d:text(16, (top + y1) / 2, what,
      format(' class="axis-label" text-anchor="middle" transform="rotate(-90 16 %s)"',
    px((top + y1) / 2)))
  d:add("</g>")
  d:add('<g class="axis x-axis">')
  d:add(format('<line x1="%s" y1="%s" x2="%s" y2="%s"/>', px(x0), px(y1), px(x1), px(y1)))
  -- x labels: numeric axes get nice ticks, categories every k-th label
  if numeric and style == "lines" and #xs > 1 then
    local xt = ticks(xs[1], xs[#xs], math.min(10, #xs))
    for _, v in ipairs(xt) do
      if v >= xs[1] and v <= xs[#xs] then
        local xx = x0 + 8 + (v - xs[1]) / (xs[#xs] - xs[1]) * (x1 - x0 - 16)
        d:add(format('<line x1="%s" y1="%s" x2="%s" y2="%s"/>', px(xx), px(y1), px(xx), px(y1 + 4)))
        d:text(xx, y1 + 17, key == "decade" and decade_label(floor(v)) or tick_label(v, 1),
          ' text-anchor="middle" font-size="11"')
      end
    end
  else
    local maxw = 0
    for _, x in ipairs(xs) do maxw = math.max(maxw, text_width(xset[x].label, 11)) end
    local rotate = maxw > band - 4
    local every = rotate and math.max(1, ceil(14 / band)) or 1
    for i, x in ipairs(xs) do
      if (i - 1) % every == 0 then
        local lab = fit(xset[x].label, rotate and 56 or band, 11)
        if rotate then
          d:text(pos[x], y1 + 12, lab,
              format(' text-anchor="end" font-size="11" transform="rotate(-45 %s %s)"',
            px(pos[x]), px(y1 + 12)))
        else
          d:text(pos[x], y1 + 17, lab, ' text-anchor="middle" font-size="11"')
        end
      end
    end
  end
  d:text((x0 + x1) / 2, h - 6, key == "decade" and "decade" or key,
      ' class="axis-label" text-anchor="middle"')
  d:add("</g>")
  d:add('<g class="marks">')
  local nser = #series
  for k, s in ipairs(series) do
    local color = M.PALETTE[(k - 1) % #M.PALETTE + 1]
    table.sort(s.points, function(a, b) return value_less(a.x, b.x) end)
    d:add(format('<g class="series"%s>', data_attrs { { "series", s.name } }))
    if style == "lines" and #s.points > 1 then
      local dd = {}
      for j, p in ipairs(s.points) do
        dd[j] = (j == 1 and "M" or "L") .. px(pos[p.x]) .. "," .. px(sy(is_finite(p.y) and p.y or 0))
      end
      d:add(format('<path class="line" d="%s" fill="none" stroke="%s" stroke-width="2"/>', concat(dd, " "),
          color))
    end
    for _, p in ipairs(s.points) do
      local tip = {}
      if s.name ~= "" then tip[#tip + 1] = s.name .. ", " end
      tip[#tip + 1] = p.label .. ": "
      if extra.tip then tip[#tip + 1] = extra.tip(p)
      else
        if p.count then tip[#tip + 1] = show(p.count) .. (p.count == 1 and " hit" or " hits") end
        if p.words then tip[#tip + 1] = " in " .. show(p.words) .. " " .. (meta.denominator or "words") end
        tip[#tip + 1] = (p.count and ", " or "") .. show(p.y) .. " " .. what
      end
      local attrs = data_attrs { { "series", s.name }, { "x", p.x }, { "count", p.count }, { "words",
          p.words },
        { vcol and "value" or "per-million", p.y } }
      local yv = is_finite(p.y) and p.y or 0
      if style == "lines" then
        d:add(format('<circle class="point" cx="%s" cy="%s" r="3.5" fill="%s"%s><title>%s</title></circle>',
          px(pos[p.x]), px(sy(yv)), color, attrs, esc(concat(tip))))
      else
        local bw = band * 0.8 / nser
        local bx = pos[p.x] - band * 0.4 + (k - 1) * bw
        d:add(format('<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s"%s>'
          .. '<title>%s</title></rect>',
          px(bx), px(sy(yv)), px(math.max(bw - 1, 0.5)), px(math.max(y1 - sy(yv), 0)), color, attrs,
              esc(concat(tip))))
      end
    end
    d:add("</g>")
  end
  d:add("</g>")
  if items then legend(d, w - lw + 4, top + 10, items) end
  return d:finish()
end

-- }======================================================

-- {====================================================== keyness, collocates, bars

local function keyness_svg(t, o)
  local meta = t.meta or {}
  local measure = o.measure or meta.measure or "score"
  local top = o.top or 20
  local title = o.title or format("keywords (%s)", measure)
  local sub = {}
  if meta.c then sub[#sub + 1] = format("target %s tokens", show(meta.c)) end
  if meta.d then sub[#sub + 1] = format("reference %s tokens", show(meta.d)) end
  sub[#sub + 1] = format("the top %d of each side", top)
  local subtitle = concat(sub, ", ")
  -- the `top` highest and lowest scores, kept in order in one pass (a
  -- keyness table of a large corpus has tens of thousands of rows)
  local pos, neg = {}, {}
  local function keep(list, row, better)
    local n = #list
    if n == top and not better(row.score, list[n].score) then return end
    local i = math.min(n, top - 1)
    while i >= 1 and better(row.score, list[i].score) do
      list[i + 1] = list[i]
      i = i - 1
    end
    list[i + 1] = row
  end
  local higher = function(a, b) return a > b end
  local lower = function(a, b) return a < b end
  local npos, nneg = 0, 0
  for _, row in t:rows() do
    local v = row.score
    if is_finite(v) and v > 0 then
      npos = npos + 1
      keep(pos, row, higher)
    elseif is_finite(v) and v < 0 then
      nneg = nneg + 1
      keep(neg, row, lower)
    end
  end
  if nneg == 0 and npos > 0 then
    subtitle = subtitle .. "; no negative score in the table (it may hold the top rows only: top = false)"
  end
  -- highest first on both sides: the most negative at the bottom
  local rev = {}
  for i = #neg, 1, -1 do rev[#rev + 1] = neg[i] end
  neg = rev
  local rows = {}
  local function add(row, color, gap)
    rows[#rows + 1] = { label = tostring(row.word), value = row.score, color = color, gap_before = gap,
      title = format("%s: %s %s (%s in the target, %s in the reference; %s and %s per million)%s",
        row.word, measure, show(row.score), show(row.a or 0), show(row.b or 0), show(row.a_pm or 0),
        show(row.b_pm or 0), row.p and (", p " .. format("%.3g", row.p)) or ""),
      attrs = { { "word", row.word }, { "score", row.score }, { "a", row.a }, { "b", row.b },
        { "p", row.p }, { "sign", row.score > 0 and "+" or "-" } } }
  end
  for i = 1, #pos do add(pos[i], POSITIVE, false) end
  for i = 1, #neg do add(neg[i], NEGATIVE, i == 1 and #rows > 0) end
  if #rows == 0 then return nodata("keyness", title, subtitle, o) end
  return hbars("keyness", title, subtitle, rows, o, measure .. " (positive: more frequent in the target)",
    { { label = "target", color = POSITIVE }, { label = "reference", color = NEGATIVE } })
end

local ASSOC = { "mi", "mi3", "t", "z", "ll", "logdice", "dice", "chi2" }

local function collocates_svg(t, o)
  local _, set = columns_of(t)
  local meta = t.meta or {}
  local col = "score"
  local measure = meta.measure or "score"
  if o.measure then
    if set[o.measure] then col, measure = o.measure, o.measure
    elseif o.measure == meta.measure and set.score then col = "score"
    else
      local have = {}
      for _, m in ipairs(ASSOC) do if set[m] then have[#have + 1] = m end end
      if set.score then have[#have + 1] = meta.measure or "score" end
      error(format("collocates plot: no measure '%s' in this table (measures: %s)", tostring(o.measure),
        concat(have, ", ")), 0)
    end
  elseif not set.score then
    col = meta.sort and set[meta.sort] and meta.sort or "ll"
    if not set[col] then col = "count" end
    measure = col
  end
  local top = o.top or 25
  local node = type(t.title) == "string" and t.title:match("^collocates of (.-) %(") or nil
  local title = o.title or (node and format("collocates of %s (%s)", node,
      measure) or format("collocates (%s)", measure))
  local list = {}
  for _, row in t:rows() do if is_finite(row[col]) then list[#list + 1] = row end end
  table.sort(list, function(a, b) return a[col] > b[col] end)
  local rows = {}
  for i = 1, math.min(top, #list) do
    local row = list[i]
    rows[i] = { label = tostring(row.collocate), value = row[col], color = POSITIVE,
      title = format("%s: %s %s, %s times near the node (%s left, %s right), %s in the corpus",
        row.collocate, measure, show(row[col]), show(row.count or 0), show(row.left or 0),
            show(row.right or 0),
        show(row.f_coll or 0)),
      attrs = { { "collocate", row.collocate }, { "score", row[col] }, { "count", row.count } } }
  end
  local sub = {}
  if meta.f_node then sub[#sub + 1] = format("node %s times", show(meta.f_node)) end
  if meta.left then sub[#sub + 1] = format("window L%d-R%d within %s", meta.left, meta.right,
      meta.within or "?") end
  sub[#sub + 1] = format("the top %d by %s", top, measure)
  local subtitle = concat(sub, ", ")
  if #rows == 0 then return nodata("collocates", title, subtitle, o) end
  return hbars("collocates", title, subtitle, rows, o, measure)
end

-- the label and value columns of a bar chart
local function bar_columns(t, o, fname)
  local cols, set = columns_of(t)
  local label = o.label
  local value = o.value
  check_column(t, set, label, fname, 0)
  check_column(t, set, value, fname, 0)
  if not label then
    for _, c in ipairs { "lower", "word", "stem", "collocate", "theme", "group", "part" } do
      if set[c] then label = c break end
    end
    label = label or cols[1]
  end
  if not value then
    for _, c in ipairs { "per_million", "share", "score", "count", "hits" } do
      if set[c] then value = c break end
    end
    if not value then
      for _, c in ipairs(cols) do
        if c ~= label and #t > 0 and type(t[1][c]) == "number" then value = c break end
      end
    end
  end
  if not value then
    error(format("%s: no number column to draw (columns: %s); give value = COLUMN", fname, concat(cols,
        ", ")),
      0)
  end
  return label, value, set
end

local function bars_svg(t, o)
  local label, value, set = bar_columns(t, o, "bars plot", 0)
  local top = o.top or 30
  local title = o.title or t.title or format("%s by %s", value, label)
  local rows = {}
  for i, row in t:rows() do
    if i > top then break end
    local lab = tostring(row[label])
    if set.group and label ~= "group" and row.group ~= nil then lab = tostring(row.group) .. ": " .. lab end
    rows[#rows + 1] = { label = lab, value = row[value], color = M.PALETTE[1],
      title = format("%s: %s %s%s", lab, value, show(row[value]),
        (value ~= "count" and set.count) and (", count " .. show(row.count or 0)) or ""),
      attrs = { { "label", lab }, { "value", row[value] }, { "count", set.count and row.count or nil } } }
  end
  local subtitle = #t > top and format("the first %d of %d rows", top, #t) or nil
  if #rows == 0 then return nodata("bars", title, subtitle, o) end
  return hbars("bars", title, subtitle, rows, o, value)
end

-- }======================================================

-- {====================================================== themes

-- cells {x, theme, share, tokens, count, words} from a ThemeTable (by a
-- key, or by unit) or from a table with theme and share columns
local function theme_cells(t, o)
  local _, set = columns_of(t)
  local key = o.by
  local rows_t = t
  local meta = t.meta or {}
  if is_themetable(t) then
    if key == nil then key = meta.by or (meta.level ~= "speech" and "unit" or "speech") end
    if key ~= "unit" and key ~= "speech" and key ~= "point" then
      local ctx = rawget(t, "_ctx")
      local c = ctx and ctx.corpus
      local turns = ctx and ctx.turn_words and key == ctx.by -- turns by their own speaker
      local fn = c and not turns and M.key_function(c, key, 4)
      if not c or not ctx.doc_words or turns then
        rows_t = t:by(key)
      else
        -- matched tokens over the words of the speeches with each value, as
        -- t:by counts them, for stored and derived keys (decade) alike
        local metas, words = {}, {}
        for d, m in c:speeches() do
          metas[d] = m
          local v = fn(m)
          if v ~= nil then words[v] = (words[v] or 0) + (ctx.doc_words[d] or 0) end
        end
        local acc, cells, value = {}, {}, {}
        for d, m in pairs(metas) do value[d] = fn(m) end
        for _, row in t:rows() do
          local v = value[row.speech]
          if v ~= nil then
            local a = acc[v]
            if not a then
              a = {}
              acc[v] = a
            end
            local theme = row.theme
            local cell = a[theme]
            if not cell then
              cell = { x = v, theme = theme, tokens = 0, count = 0, words = words[v] }
              a[theme] = cell
              cells[#cells + 1] = cell
            end
            cell.tokens = cell.tokens + (row.tokens or 0)
            cell.count = cell.count + (row.count or 0)
          end
        end
        for _, cell in ipairs(cells) do
          cell.share = (cell.words or 0) > 0 and cell.tokens / cell.words or 0
        end
        return cells, key, meta.themes
      end
    else
      -- by unit (point ordinal, segment, sentence) or speech: matched tokens
      -- over the words of the units with that label that had a match
      local acc, words, seen, order = {}, {}, {}, {}
      local col = key == "speech" and "speech" or "unit"
      for _, row in t:rows() do
        local x = row[col]
        local uk = tostring(row.speech) .. ":" .. tostring(row.unit)
        if not seen[uk] then
          seen[uk] = true
          local uw = row.words
          if uw == nil and row.share and row.share > 0 then uw = row.tokens / row.share end
          words[x] = (words[x] or 0) + (uw or 0)
        end
        local a = acc[x]
        if not a then a = {} acc[x] = a order[#order + 1] = x end
        local cell = a[row.theme]
        if not cell then
          cell = { x = x, theme = row.theme, tokens = 0, count = 0 }
          a[row.theme] = cell
        end
        cell.tokens = cell.tokens + (row.tokens or 0)
        cell.count = cell.count + (row.count or 0)
      end
      local cells = {}
      for _, x in ipairs(order) do
        for _, cell in pairs(acc[x]) do
          cell.words = words[x]
          cell.share = words[x] > 0 and cell.tokens / words[x] or 0
          cells[#cells + 1] = cell
        end
      end
      return cells, (key == "point" or (key == "unit" and meta.level == "point")) and "point" or key,
          meta.themes
    end
  elseif not (set.theme and set.share) then
    error("themes plot: a ThemeTable or a table with theme and share columns expected", 0)
  end
  local _, s2 = columns_of(rows_t)
  if not key or not s2[key] then
    key = first_column(rows_t, { theme = true, count = true, tokens = true, score = true, share = true,
      units = true, speech = true, unit = true })
  end
  if not key then
    -- theme totals: one column
    local cells = {}
    for _, row in rows_t:rows() do
      cells[#cells + 1] = { x = "all", theme = row.theme, share = row.share, tokens = row.tokens,
          count = row.count }
    end
    return cells, "all", meta.themes
  end
  local cells = {}
  for _, row in rows_t:rows() do
    cells[#cells + 1] = { x = row[key], theme = row.theme, share = row.share, tokens = row.tokens,
        count = row.count }
  end
  return cells, key, meta.themes
end

local EMPTY_CELL = { share = 0, tokens = 0, count = 0 }

local function themes_svg(t, o)
  local cells, key, theme_order = theme_cells(t, o)
  local lexname = (t.meta or {}).lexicon
  local per = function(v) return show((v or 0) * 1000) end
  if o.theme then
    -- the timeline of one theme: its share of the words by the key
    local known, pts = {}, {}
    for _, c in ipairs(cells) do known[c.theme] = true end
    for _, name in ipairs(theme_order or {}) do known[name] = true end
    if not known[o.theme] then
      local names = {}
      for n in pairs(known) do names[#names + 1] = n end
      table.sort(names)
      error(format("themes plot: unknown theme '%s' (themes: %s)", tostring(o.theme), concat(names, ", ")), 0)
    end
    local xs, seen = {}, {}
    for _, c in ipairs(cells) do
      if not seen[c.x] then seen[c.x] = true xs[#xs + 1] = c.x end
      if c.theme == o.theme then pts[c.x] = c end
    end
    local rows = {}
    for _, x in ipairs(xs) do
      local c = pts[x] or { x = x, share = 0, tokens = 0, count = 0 }
      rows[#rows + 1] = { [key] = x, series = o.theme, value = (c.share or 0) * 1000, count = c.count,
        tokens = c.tokens, share = c.share }
    end
    local tt = result.new({ key, "series", "value", "count", "tokens", "share" }, rows)
    return trend_svg(tt, { key = key, value = "value", style = o.style, width = o.width, height = o.height,
      id = o.id, title = o.title or format("theme %s by %s%s", o.theme, key,
          lexname and (" (" .. lexname .. ")") or "") },
      { what = "matched words per 1,000 words",
          subtitle = "share of the words matched by the theme's patterns",
        tip = function(p)
          local c = pts[p.x] or {}
          return format("%s matches, %s words matched, %s per 1,000 words", show(c.count or 0),
              show(c.tokens or 0),
            show(p.y))
        end })
  end
  local title = o.title or format("themes by %s%s", key, lexname and (" (" .. lexname .. ")") or "")
  local subtitle = "share of the words matched by each theme, per 1,000 words"
  if #cells == 0 then return nodata("themes", title, subtitle, o) end
  -- rows: themes (lexicon order when known, else by total); columns: key values
  local xs, xseen, themes, tseen, total = {}, {}, {}, {}, {}
  for _, c in ipairs(cells) do
    if not xseen[c.x] then xseen[c.x] = true xs[#xs + 1] = c.x end
    if not tseen[c.theme] then tseen[c.theme] = true themes[#themes + 1] = c.theme end
    total[c.theme] = (total[c.theme] or 0) + (c.tokens or 0)
  end
  table.sort(xs, value_less)
  local rank = {}
  for i, n in ipairs(theme_order or {}) do rank[n] = i end
  if o.themes then
    if type(o.themes) ~= "table" then error("plot option 'themes' must be a list of theme names", 0) end
    for _, n in ipairs(o.themes) do
      if not tseen[n] and not rank[n] then
        error(format("themes plot: unknown theme '%s' (themes: %s)", tostring(n), concat(themes, ", ")), 0)
      end
    end
    themes = { table.unpack(o.themes) }
  else
    table.sort(themes, function(a, b)
      if rank[a] and rank[b] then return rank[a] < rank[b] end
      if total[a] ~= total[b] then return total[a] > total[b] end
      return a < b
    end)
  end
  local grid_rows, vmax = {}, 0
  for _, c in ipairs(cells) do
    local r = grid_rows[c.theme]
    if not r then r = {} grid_rows[c.theme] = r end
    r[c.x] = c
    if is_finite(c.share) and c.share > vmax then vmax = c.share end
  end
  local w = o.width or math.max(560, math.min(1400, 200 + #xs * 22))
  local label_w = 0
  for _, n in ipairs(themes) do label_w = math.max(label_w, text_width(n, 11)) end
  label_w = math.min(label_w + 10, w * 0.3)
  local x0, x1, top = label_w + 14, w - 90, 58
  local cw = (x1 - x0) / #xs
  local ch = 18
  local h = o.height or (top + #themes * ch + 80)
  ch = (h - top - 80) / #themes
  local d = new_doc("themes", w, h, title, subtitle, o.id)
  -- what every row of cells shares
  local xpos, xattr, xlab = {}, {}, {}
  for j, x in ipairs(xs) do
    xpos[j] = px(x0 + (j - 1) * cw)
    xattr[j] = esc(type(x) == "number" and num(x) or tostring(x))
    xlab[j] = esc(key == "decade" and decade_label(x) or tostring(x))
  end
  local cwt, cht = px(math.max(cw - 0.5, 0.5)), px(math.max(ch - 0.5, 0.5))
  d:add('<g class="marks">')
  for i, theme in ipairs(themes) do
    local y = top + (i - 1) * ch
    d:text(x0 - 6, y + ch / 2 + 4, fit(theme, label_w, 11),
        ' text-anchor="end" font-size="11" class="theme-label"')
    local yy, th_attr, th_text = px(y), esc(tostring(theme)), esc(theme)
    local row_cells = grid_rows[theme] or {}
    for j, x in ipairs(xs) do
      local c = row_cells[x] or EMPTY_CELL
      local share = c.share or 0
      d:add(format('<rect class="cell" x="%s" y="%s" width="%s" height="%s" fill="%s" data-theme="%s" '
        .. 'data-x="%s" data-share="%s" data-tokens="%s" data-count="%s"><title>%s, %s: %s per 1,000 words '
        .. '(%s matches, %s words matched%s)</title></rect>',
        xpos[j], yy, cwt, cht, viridis(vmax > 0 and share / vmax or 0), th_attr, xattr[j], num(share) or "0",
        num(c.tokens or 0), num(c.count or 0), th_text, xlab[j], per(share), show(c.count or 0),
        show(c.tokens or 0), c.words and (", of " .. show(c.words)) or ""))
    end
  end
  d:add("</g>")
  d:add('<g class="axis x-axis">')
  local every = math.max(1, ceil(16 / cw))
  local ya = top + #themes * ch + 4
  for j, x in ipairs(xs) do
    if (j - 1) % every == 0 then
      local xx = x0 + (j - 0.5) * cw
      local lab = key == "decade" and decade_label(x) or tostring(x)
      d:text(xx, ya + 8, fit(lab, 60, 11),
          format(' text-anchor="end" font-size="11" transform="rotate(-45 %s %s)"',
        px(xx), px(ya + 8)))
    end
  end
  d:text((x0 + x1) / 2, h - 6, key, ' class="axis-label" text-anchor="middle"')
  d:add("</g>")
  -- the colour scale
  local gid = (o.id or "rostra-themes") .. "-scale"
  d:add(format('<defs><linearGradient id="%s" x1="0" y1="1" x2="0" y2="0">', gid))
  for k = 0, 4 do
    d:add(format('<stop offset="%d%%" stop-color="%s"/>', k * 25, viridis(k / 4)))
  end
  d:add("</linearGradient></defs>")
  local lx, lh = w - 70, math.min(160, #themes * ch)
  d:add(format('<g class="legend"><rect x="%s" y="%s" width="14" height="%s" fill="url(#%s)"/>', px(lx),
      px(top),
    px(lh), gid))
  d:text(lx + 18, top + 8, per(vmax), ' font-size="11"')
  d:text(lx + 18, top + lh, "0", ' font-size="11"')
  d:text(lx, top + lh + 16, "per 1,000", ' font-size="10"')
  d:add("</g>")
  return d:finish()
end

-- }======================================================

-- {====================================================== entry points

local RENDER = {
  dispersion = dispersion_svg, trend = trend_svg, keyness = keyness_svg, themes = themes_svg,
  collocates = collocates_svg, bars = bars_svg,
}

--- The SVG text of a plot of a result table.
-- @param t a result table (or anything with `#t`, `t[i]`, `t:rows()`, `t:columns()`)
-- @tparam[opt] table opts `kind` (default: `plot.kind_of(t)`), `title`,
--   `width`, `height`, `id` (a prefix for the ids in the SVG, for pages
--   holding several), and per kind: dispersion `parts` ("all" or "hits";
--   default all up to 100 parts, else those with a hit), `limit` (at most
--   this many strips, default 100); trend `style` ("lines" or "bars"), `key`
--   (the x column), `series` (the column naming each line), `value` (a
--   column to draw instead of the rate), `corpus` and `by` (for rows without
--   rates); keyness `top` (per side, default 20), `measure`; themes `by` (a
--   metadata key, "unit"/"point" or "speech"), `theme` (one theme's
--   timeline), `themes` (a list: the rows of the heat map); collocates
--   `top` (default 25), `measure` (a column of a `measure = "all"` table);
--   bars `label`, `value`, `top` (default 30)
-- @treturn string
function M.svg(t, opts)
  if type(t) ~= "table" or type(t.rows) ~= "function" then
    argerror(1, "svg", "result table expected, got " .. typename(t))
  end
  local kind = opts and opts.kind
  if kind == nil then
    kind = M.kind_of(t)
    if not kind then
      error(format("cannot tell which plot fits this table (columns: %s); give kind = one of %s",
        concat((columns_of(t)), ", "), concat(M.KINDS, ", ")), 2)
    end
  end
  check_kind(kind)
  local o = check_opts(opts, kind, "svg", 2)
  local ok, svg = pcall(RENDER[kind], t, o)
  if not ok then error(svg, 2) end
  return svg
end

--- Write a text to a file through rostra.output (the one way rostra writes
-- files): a regular file atomically (a temporary file in the same folder,
-- renamed over the target, its mode kept), a symbolic link's target
-- replaced, `-`, a device or a FIFO written straight, an open index
-- refused. Nothing is left behind on an error.
-- @tparam string path
-- @tparam string text
-- @treturn[1] true
-- @treturn[2] nil
-- @treturn[2] string "path: message"
-- @treturn[2] string a code: ENOENT, EACCES, EISDIR, ENOTDIR, ENOSPC, EROFS, EINVAL, ESAME, EIO
function M.write(path, text)
  if type(path) ~= "string" or path == "" then
    argerror(1, "write", "file path expected, got " .. (path == "" and "an empty string" or typename(path)))
  end
  if type(text) ~= "string" then argerror(2, "write", "string expected, got " .. typename(text)) end
  return require("rostra.output").write(path, text)
end

--- Write a plot of a result table to an SVG file (see `plot.svg`).
-- @treturn[1] true
-- @treturn[2] nil, message, code
function M.plot(t, path, opts)
  if type(path) ~= "string" or path == "" then
    argerror(1, "plot", "file path expected, got " .. (path == "" and "an empty string" or typename(path)))
  end
  local ok, svg = pcall(M.svg, t, opts)
  if not ok then error(svg, 2) end
  return M.write(path, svg)
end

-- }======================================================

-- {====================================================== terminal bars

local EIGHTHS = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" }

--- A bar chart for the terminal, in Unicode blocks (eighths of a cell): one
-- line per row, `label  bar  value`. Negative values are drawn as bars of
-- their magnitude marked `-`. `opts`: `label`, `value` (columns; chosen as
-- for `bars` plots, a trend's rate, a dispersion's per million), `top`
-- (rows, default 20), `width` (of the longest bar, default 40 cells).
-- @param t a result table
-- @tparam[opt] table opts
-- @treturn string
function M.bars(t, opts)
  if type(t) ~= "table" or type(t.rows) ~= "function" then
    argerror(1, "bars", "result table expected, got " .. typename(t))
  end
  opts = opts or {}
  if type(opts) ~= "table" then argerror(2, "bars", "options table expected, got " .. typename(opts)) end
  for k in pairs(opts) do
    if k ~= "label" and k ~= "value" and k ~= "top" and k ~= "width" then
      error(format("unknown option '%s' to 'bars' (valid: label, top, value, width)", tostring(k)), 2)
    end
  end
  local top = opts.top or 20
  local width = opts.width or 40
  if math_type(top) ~= "integer" or top < 1 then error("bars: top must be a positive integer", 2) end
  if math_type(width) ~= "integer" or width < 1 then error("bars: width must be a positive integer", 2) end
  local kind = M.kind_of(t)
  local o = { label = opts.label, value = opts.value }
  local _, set = columns_of(t)
  if not o.label then
    if kind == "keyness" then o.label = "word"
    elseif kind == "trend" and not (set.lower or set.word) then
      o.label = (t.meta or {}).by
      if not o.label or not set[o.label] then o.label = first_column(t, TREND_VALUES) end
    elseif kind == "themes" and set.theme then o.label = "theme" end
  end
  if not o.value then
    if kind == "themes" and set.share then o.value = "share"
    elseif kind == "dispersion" then o.value = "per_million" end
  end
  local ok, label, value = pcall(bar_columns, t, o, "bars", 1)
  if not ok then error(label, 2) end
  local lines, labels, vals, vmax, lw = {}, {}, {}, 0, 0
  if t.title then lines[1] = tostring(t.title) end
  -- the query before the label when the table holds several
  local several = false
  if set.query and label ~= "query" then
    local first
    for _, row in t:rows() do
      if first == nil then first = row.query elseif row.query ~= first then several = true break end
    end
  end
  local n = 0
  for _, row in t:rows() do
    n = n + 1
    if n > top then break end
    local lab = tostring(row[label] == nil and "" or row[label])
    if several then lab = tostring(row.query) .. " " .. lab end
    if set.group and label ~= "group" and row.group ~= nil then lab = tostring(row.group) .. " " .. lab end
    lab = clean_text(lab)
    if result.width(lab) > 24 then lab = fit(lab, 24 * 7.2, 12) end
    labels[n], vals[n] = lab, row[value]
    lw = math.max(lw, result.width(lab))
    if is_finite(row[value]) and math.abs(row[value]) > vmax then vmax = math.abs(row[value]) end
  end
  n = math.min(n, top)
  for i = 1, n do
    local v = vals[i]
    local bar = ""
    if is_finite(v) and vmax > 0 then
      local eighths = floor(math.abs(v) / vmax * width * 8 + 0.5)
      bar = rep("█", eighths // 8) .. EIGHTHS[eighths % 8 + 1]
      if bar == "" and v ~= 0 then bar = "▏" end
    end
    local sign = (is_finite(v) and v < 0) and "-" or " "
    lines[#lines + 1] = labels[i] .. rep(" ", lw - result.width(labels[i])) .. " " .. sign .. bar
      .. rep(" ", width - result.width(bar) + 1) .. (v == nil and "" or show(v))
  end
  if n == 0 then lines[#lines + 1] = "(no rows)" end
  if #t > n and n > 0 then lines[#lines + 1] = format("… %d more rows", #t - n) end
  lines[#lines + 1] = format("(%s%s)", value, vmax > 0 and format(", a full bar = %s", show(vmax)) or "")
  return concat(lines, "\n")
end

-- }======================================================

-- {====================================================== keys and words

local function year_of(m)
  local y = m.year
  if math_type(y) == "integer" then return y end
  if type(y) == "string" and y:match("^%-?%d+$") then return math.tointeger(tonumber(y)) end
  local d = m.date
  if type(d) == "string" then
    local s = d:match("^(%d%d%d%d)")
    if s then return math.tointeger(tonumber(s)) end
  end
  return nil
end

-- derived keys: name -> function(meta) -> value (nil when not derivable)
M.derived = {
  decade = function(m)
    local y = year_of(m)
    return y and (y // 10) * 10 or nil
  end,
  year = year_of,
  month = function(m)
    local d = m.date
    return type(d) == "string" and d:match("^(%d%d%d%d%-%d%d)") or nil
  end,
}

--- The metadata keys of a corpus (those at least one speech has, sorted),
-- with the derived keys it supports (`decade` from `year` or `date`).
-- @param c a Corpus
-- @treturn {string,...}
function M.keys(c)
  local seen, list = {}, {}
  for _, m in c:speeches() do
    for k in pairs(m) do
      if type(k) == "string" and not seen[k] then
        seen[k] = true
        list[#list + 1] = k
      end
    end
  end
  if (seen.year or seen.date) and not seen.decade then list[#list + 1] = "decade" end
  if seen.date and not seen.year then list[#list + 1] = "year" end
  if seen.date and not seen.month then list[#list + 1] = "month" end
  table.sort(list)
  return list
end

--- A function giving the value of `key` for a speech's metadata (a
-- metadata key or a derived one); raises naming the known keys when no
-- speech has it.
-- @param c a Corpus
-- @tparam string key
-- @treturn function(meta) -> value
function M.key_function(c, key)
  if type(key) ~= "string" then error("key expected, got " .. typename(key), 2) end
  local found, derived = false, M.derived[key]
  for _, m in c:speeches() do
    if m[key] ~= nil then found = true break end
  end
  if found then
    return function(m)
      local v = m[key]
      if v == nil and derived then return derived(m) end
      return v
    end
  end
  if derived then
    for _, m in c:speeches() do
      if derived(m) ~= nil then return derived end
    end
  end
  local _, n = c:counts()
  error(format("unknown metadata key '%s' (keys: %s)", key, n > 0 and concat(M.keys(c),
      ", ") or "none: no speeches"),
    0)
end

--- Words in each group of speeches by a key: `{words = {value -> n},
-- values = {sorted values}, speeches = {value -> n}, denominator =
-- "words" | "tokens", missing = speeches without the key}`. Word tokens
-- (`c:words()`) when the corpus counts them, else tokens.
-- @param c a Corpus
-- @tparam string key a metadata key or a derived one
function M.group_words(c, key)
  local fn = M.key_function(c, key, 2)
  local words, speeches, values, missing = {}, {}, {}, 0
  local h = c._root._h
  local denominator = "words"
  for d, m in c:speeches() do
    local v = fn(m)
    if v == nil then
      missing = missing + 1
    else
      if not speeches[v] then
        speeches[v] = 0
        values[#values + 1] = v
      end
      speeches[v] = speeches[v] + 1
      -- h:doc(d): first token, tokens, text bytes, words (an index of
      -- rostra from before words were counted has no fourth value)
      local _, nt, _, nw = h:doc(d)
      if nw == nil then denominator, nw = "tokens", nt end
      words[v] = (words[v] or 0) + nw
    end
  end
  table.sort(values, value_less)
  return { words = words, values = values, speeches = speeches, missing = missing, denominator = denominator }
end

-- }======================================================

-- {====================================================== trend and dispersion tables

local function query_list(queries, fname)
  if type(queries) == "string" then return { queries } end
  if type(queries) ~= "table" or #queries == 0 then
    argerror(1, fname, "a query or a list of queries expected, got " .. typename(queries), 0)
  end
  for i, q in ipairs(queries) do
    if type(q) ~= "string" then argerror(1, fname, format("query %d: string expected, got %s", i,
        typename(q)), 3) end
  end
  return queries
end

--- Rates of queries (or themes) by a metadata key, as a result table
-- `{query, KEY, count, words, per_million, speeches}` (one row per query
-- and value; values with no hit have count 0), whose `:plot()` draws lines.
-- `words` is the word tokens of the speeches with that value (tokens where
-- the corpus does not count words; `t.meta.denominator` says which).
-- @param c a Corpus or view
-- @param queries a query or a list of queries (see docs/query.md)
-- @tparam table opts `by` (a metadata key or a derived one: `decade`;
--   default "year"), `themes` (a list of theme names, counted instead of
--   or beside the queries), `lexicon` (for `themes`, default "political")
-- @return result table
function M.trend(c, queries, opts)
  opts = opts or {}
  if type(opts) ~= "table" then argerror(2, "trend", "options table expected, got " .. typename(opts)) end
  for k in pairs(opts) do
    if k ~= "by" and k ~= "themes" and k ~= "lexicon" then
      error(format("unknown option '%s' to 'trend' (valid: by, lexicon, themes)", tostring(k)), 2)
    end
  end
  local list = {}
  if queries ~= nil and not (type(queries) == "table" and #queries == 0 and opts.themes) then
    list = query_list(queries, "trend")
  end
  local by = opts.by or "year"
  local fn = M.key_function(c, by, 2)
  local g = M.group_words(c, by)
  local metas = {}
  for d, m in c:speeches() do metas[d] = m end
  local rows = {}
  local function add_series(name, hits_of)
    for _, v in ipairs(g.values) do
      local n, sp = hits_of(v)
      local w = g.words[v] or 0
      rows[#rows + 1] = { query = name, [by] = v, count = n, words = w, speeches = sp,
        per_million = w > 0 and n * 1e6 / w or 0 }
    end
  end
  for _, q in ipairs(list) do
    local ok, m = pcall(c.query, c, q)
    if not ok then error(m, 2) end
    local counts, spc, seen = {}, {}, {}
    for d in m:iter() do
      local v = fn(metas[d] or {})
      if v ~= nil then
        counts[v] = (counts[v] or 0) + 1
        if not seen[d] then
          seen[d] = true
          spc[v] = (spc[v] or 0) + 1
        end
      end
    end
    add_series(q, function(v) return counts[v] or 0, spc[v] or 0 end)
  end
  if opts.themes then
    if type(opts.themes) ~= "table" then argerror(2, "trend", "themes must be a list of theme names") end
    local lexicon = require "rostra.lexicon"
    local lex = opts.lexicon or "political"
    if not lexicon.is_lexicon(lex) then
      local l, err = lexicon.new(lex)
      if not l then error(err, 2) end
      lex = l
    end
    local known = {}
    for _, cat in ipairs(lex:categories()) do known[cat.name] = true end
    for _, name in ipairs(opts.themes) do
      if not known[name] then
        local names = {}
        for _, cat in ipairs(lex:categories()) do names[#names + 1] = cat.name end
        error(format("unknown theme '%s' (themes: %s)", tostring(name), concat(names, ", ")), 2)
      end
    end
    local t = c:tag(lex, { level = "speech" })
    for _, name in ipairs(opts.themes) do
      local counts, spc = {}, {}
      for _, row in t:rows() do
        if row.theme == name then
          local v = fn(metas[row.speech] or {})
          if v ~= nil then
            counts[v] = (counts[v] or 0) + row.count
            spc[v] = (spc[v] or 0) + 1
          end
        end
      end
      add_series("theme " .. name, function(v) return counts[v] or 0, spc[v] or 0 end)
    end
  end
  local warnings = {}
  if g.missing > 0 then warnings[1] = format("%d speeches without '%s' left out", g.missing, by) end
  local what = {}
  for _, q in ipairs(list) do what[#what + 1] = q end
  for _, n in ipairs(opts.themes or {}) do what[#what + 1] = "theme " .. n end
  return result.new({ "query", by, "count", "words", "per_million", "speeches" }, rows, {
    title = format("%s per million %s by %s", concat(what, ", "), g.denominator, by),
    formats = { per_million = "%.2f" }, warnings = warnings,
    meta = { by = by, denominator = g.denominator } })
end

--- Dispersion of one or more queries over the parts of a corpus, as one
-- result table `{query, part, size, hits, per_million, positions}` (the
-- rows of `c:dispersion` for each query in turn) whose `:plot()` draws an
-- x-ray with one lane per query in each strip.
-- @param c a Corpus or view
-- @param queries a query or a list of queries
-- @tparam[opt] table opts `by` ("speech" or a metadata key or a derived one)
-- @return result table
function M.dispersion(c, queries, opts)
  opts = opts or {}
  if type(opts) ~= "table" then argerror(2, "dispersion",
      "options table expected, got " .. typename(opts)) end
  for k in pairs(opts) do
    if k ~= "by" then error(format("unknown option '%s' to 'dispersion' (valid: by)", tostring(k)), 2) end
  end
  local list = query_list(queries, "dispersion")
  local by = opts.by or "speech"
  local view, key = c, by
  if by ~= "speech" then
    key = by
    M.key_function(c, by, 2)
  end
  local rows, warnings, metas = {}, {}, {}
  for _, q in ipairs(list) do
    local ok, t = pcall(M.dispersion_of, view, q, key)
    if not ok then error(t, 2) end
    for _, row in t:rows() do
      rows[#rows + 1] = { query = q, part = row.part, size = row.size, hits = row.hits,
        per_million = row.per_million, positions = row.positions }
    end
    for _, w in ipairs(t.warnings or {}) do
      local s = tostring(w)
      if not warnings[s] then warnings[s] = true warnings[#warnings + 1] = s end
    end
    metas[#metas + 1] = t.meta
  end
  for k in pairs(warnings) do if type(k) == "string" then warnings[k] = nil end end
  local freq = 0
  for _, m in ipairs(metas) do freq = freq + (m.freq or 0) end
  return result.new({ "query", "part", "size", "hits", "per_million", "positions" }, rows, {
    title = format("dispersion of %s by %s", concat(list, ", "), by), warnings = warnings,
    formats = { per_million = "%.2f",
        positions = function(v) return type(v) == "table" and (#v .. " positions") or nil end },
    meta = { by = by, freq = freq, queries = list } })
end

--- c:dispersion by a key that may be derived (decade): by a metadata key
-- directly, else through a copy of the key in each speech's metadata view.
function M.dispersion_of(c, q, by)
  if by == "speech" then return c:dispersion(q, { by = "speech" }) end
  local has = false
  for _, m in c:speeches() do
    if m[by] ~= nil then has = true break end
  end
  if has or not M.derived[by] then return c:dispersion(q, { by = by }) end
  -- a derived key: the parts are the groups of speeches, as c:dispersion
  -- makes them for a stored key
  local t = M.dispersion_of_matches(c:query(q), by)
  t.title = format("dispersion of %s by %s: range %d/%d", q, by, t.meta.range, t.meta.parts)
  return t
end

-- }======================================================

-- {====================================================== methods on results

local base = result.class

--- `t:plot(path [, opts])`: write a plot of this result to an SVG file
-- (rostra.plot); true, or nil, message, code.
function base:plot(path, opts)
  if type(path) ~= "string" or path == "" then
    argerror(1, "plot", "file path expected, got " .. (path == "" and "an empty string" or typename(path)))
  end
  local ok, svg = pcall(M.svg, self, opts)
  if not ok then error(svg, 2) end
  return M.write(path, svg)
end

--- `t:svg([opts])`: the SVG text of a plot of this result.
function base:svg(opts)
  local ok, svg = pcall(M.svg, self, opts)
  if not ok then error(svg, 2) end
  return svg
end

--- `t:bars([opts])`: a bar chart of this result for the terminal.
function base:bars(opts)
  local ok, s = pcall(M.bars, self, opts)
  if not ok then error(s, 2) end
  return s
end

local function attach_corpus()
  local corpusmod = package.loaded["rostra.corpus"] or require "rostra.corpus"
  local Corpus = corpusmod.Corpus
  --- `c:trend(queries [, opts])`: see `plot.trend`.
  function Corpus:trend(queries, opts)
    return M.trend(self, queries, opts)
  end
  local ok, matches = pcall(require, "rostra.matches")
  if ok and matches.Matches then
    local Matches = matches.Matches
    --- `m:plot(path [, opts])`: a dispersion plot of a match set, by
    -- speech or by `opts.by` (a metadata key or a derived one).
    function Matches:plot(path, opts)
      opts = opts or {}
      if type(opts) ~= "table" then argerror(2, "plot", "options table expected, got " .. typename(opts)) end
      local o = {}
      for k, v in pairs(opts) do if k ~= "by" then o[k] = v end end
      o.kind = o.kind or "dispersion"
      local t = M.dispersion_of_matches(self, opts.by or "speech")
      local okp, svg = pcall(M.svg, t, o)
      if not okp then error(svg, 2) end
      if type(path) ~= "string" or path == "" then
        argerror(1, "plot", "file path expected, got "
          .. (path == "" and "an empty string" or typename(path)))
      end
      return M.write(path, svg)
    end
  end
end

--- A dispersion table of a match set (its own hits, sorted or sampled as
-- they are) by speech or by a key.
function M.dispersion_of_matches(m, by)
  local c = m.corpus
  local fn
  if by ~= "speech" then fn = M.key_function(c, by, 3) end
  -- per speech, as c:dispersion counts (sizes in words, positions the
  -- words before a hit over the size)
  local per = c:dispersion(m, { by = "speech" })
  local metas = {}
  for d, meta in c:speeches() do metas[d] = meta end
  local rows, freq, range = {}, 0, 0
  if by == "speech" then
    for _, row in per:rows() do
      rows[#rows + 1] = { part = row.part, file = (metas[row.part] or {}).file, size = row.size,
          hits = row.hits,
        per_million = row.per_million, positions = row.positions }
      freq = freq + row.hits
      if row.hits > 0 then range = range + 1 end
    end
    return result.new({ "part", "file", "size", "hits", "per_million", "positions" }, rows, {
      title = format("dispersion of %s by speech", m.q or "the matches"),
      meta = { by = by, freq = freq, range = range, parts = #rows } })
  end
  -- the speeches of a part in speech order, as c:dispersion joins them for
  -- a stored key: a hit's offset in its part is the words of the part's
  -- earlier speeches plus its offset in its speech
  local size, labels, hits = {}, {}, {}
  for _, row in per:rows() do
    local v = fn(metas[row.part] or {})
    if v ~= nil then
      if not size[v] then
        size[v] = 0
        labels[#labels + 1] = v
        hits[v] = {}
      end
      local list = hits[v]
      for _, rel in ipairs(row.positions or {}) do
        list[#list + 1] = size[v] + math.floor(rel * row.size + 0.5)
      end
      size[v] = size[v] + row.size
    end
  end
  table.sort(labels, value_less)
  for _, v in ipairs(labels) do
    local list = hits[v]
    for k = 1, #list do list[k] = list[k] / size[v] end
    freq = freq + #list
    if #list > 0 then range = range + 1 end
    rows[#rows + 1] = { part = v, size = size[v], hits = #list,
      per_million = size[v] > 0 and #list * 1e6 / size[v] or 0, positions = list }
  end
  return result.new({ "part", "size", "hits", "per_million", "positions" }, rows, {
    title = format("dispersion of %s by %s", m.q or "the matches", by),
    meta = { by = by, freq = freq, range = range, parts = #labels } })
end

attach_corpus()

-- }======================================================

return M
