--- Reports: one self-contained HTML page of a speech or of a corpus.
--
--     local report = require "rostra.report"
--     local sp = assert(rostra.parse_file("examples/sample.txt"))
--     assert(report.write("sample.html", report.speech(sp)))
--     local c = assert(rostra.open("un.rostra"))
--     assert(report.write("un.html", report.corpus(c, {queries = {"climate change"},
--       target = {country = "CHN"}, by = "year"})))
--
-- The page needs no network access: its styles are inline, its pictures
-- are inline SVG (rostra.plot) and it has no script. Every text from the
-- speech or the corpus is escaped, so a speech containing `<script>` shows
-- it as text. Below every picture a table holds the numbers it was drawn
-- from.
--
-- **A speech**: the header as parsed (metadata, the lines set aside as
-- boilerplate and why, warnings), its points with their top themes, a heat
-- map of the themes by point, and the text segment by segment (kind, line,
-- point), with quotations and the words that made each theme marked, and
-- beside each segment its themes with the words that matched (from
-- `t:hits`).
--
-- **A corpus**: its size; speeches and words by a key (`by`, default
-- `year`, or `decade` on a corpus of many years); speeches by a speaker
-- key (`group`, default the first of speaker, president, country, party
-- that the metadata have); the top words; themes by the key (a heat map);
-- the trend of chosen queries; the keywords of a chosen group (`target`, a
-- `c:where` spec) against the rest.
-- @module rostra.report

local plot = require "rostra.plot"
local result = require "rostra.result"

local format, concat = string.format, table.concat
local esc, show, num = plot.escape, plot.show, plot.num

local M = {}

local CSS = [[
body{font:15px/1.5 "DejaVu Sans",Verdana,Arial,sans-serif;color:#222;margin:0;background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:16px 24px 48px;background:#fff}
h1{font-size:24px;margin:8px 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #ddd}
h3{font-size:16px;margin:20px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;color:#555;font-size:12px;padding:2px 0}
.note{color:#555;font-size:13px}
figure{margin:8px 0}figure svg{max-width:100%;height:auto}
details{margin:4px 0 16px}summary{cursor:pointer;color:#0072B2}
.seg{display:grid;grid-template-columns:4.5em 1fr 15em;gap:10px;padding:6px 0;border-top:1px solid #eee}
.seg .where{color:#777;font-size:12px}.seg .text{white-space:pre-wrap}
.seg-salutation .text,.seg-closing .text{font-style:italic}.seg-heading .text{font-weight:bold}
.point{border-left:4px solid #0072B2;padding-left:10px;margin:10px 0}
.point>h3{color:#0072B2}
.themes{font-size:12px;color:#333}.themes ul{margin:0;padding-left:1em}
.quote{background:#eef4fb;border-bottom:1px dotted #0072B2}
mark.hit{background:#fdeeb0;border-bottom:2px solid #E69F00;padding:0 1px}
.theme-name{font-weight:bold}
.boiler td{color:#666}
]]

-- {====================================================== HTML pieces

local function page(title, body)
  return concat {
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    "<meta name=\"generator\" content=\"rostra\">\n",
    "<title>", esc(title), "</title>\n<style>\n", CSS, "</style>\n</head>\n<body>\n<main>\n",
    body, "\n</main>\n</body>\n</html>\n",
  }
end

-- a theme name as a reader reads it: people_to_people -> people-to-people
local function theme_label(name)
  return (tostring(name):gsub("_", "-"))
end
M.theme_label = theme_label

local function cell(v)
  if type(v) == "table" and v.plain ~= nil then
    return format('<td class="num" data-value="%s">%s</td>', esc(num(v.plain) or ""), esc(tostring(v.plain)))
  end
  if type(v) == "number" then
    return format('<td class="num" data-value="%s">%s</td>', esc(num(v) or ""), esc(show(v)))
  end
  if v == nil then return "<td></td>" end
  return "<td>" .. esc(v) .. "</td>"
end

-- a table of the rows of a result (or a list of rows) with the given columns
local function html_table(rows, cols, o)
  o = o or {}
  local out = { format('<table class="%s">', o.class or "numbers") }
  if o.caption then out[#out + 1] = "<caption>" .. esc(o.caption) .. "</caption>" end
  local head = {}
  for i, c in ipairs(cols) do
    local label = o.labels and o.labels[c] or c
    head[i] = "<th>" .. esc(label) .. "</th>"
  end
  out[#out + 1] = "<thead><tr>" .. concat(head) .. "</tr></thead><tbody>"
  local list = rows
  if type(rows.rows) == "function" then
    list = {}
    for _, row in rows:rows() do list[#list + 1] = row end
  end
  for n, row in ipairs(list) do
    if o.limit and n > o.limit then break end
    local tds = {}
    for i, c in ipairs(cols) do
      local v = row[c]
      if o.show and o.show[c] then v = o.show[c](v, row) end
      -- a key such as a year is a label, not an amount
      if o.plain and o.plain[c] and type(v) == "number" then
        v = { plain = v }
      end
      tds[i] = cell(v)
    end
    out[#out + 1] = "<tr>" .. concat(tds) .. "</tr>"
  end
  out[#out + 1] = "</tbody></table>"
  if o.limit and #list > o.limit then
    out[#out + 1] = format('<p class="note">The first %d of %d rows.</p>', o.limit, #list)
  end
  return concat(out, "\n")
end

local function figure(svg, caption)
  return concat { "<figure>", svg,
      caption and ("<figcaption class=\"note\">" .. esc(caption) .. "</figcaption>") or "",
    "</figure>" }
end

local function numbers(inner, summary)
  return "<details open><summary>" .. esc(summary or "The numbers behind the picture") .. "</summary>\n"
    .. inner .. "\n</details>"
end

-- }======================================================

-- {====================================================== one speech

local META_ORDER = { "title", "speaker", "role", "date", "place", "source", "lang", "file" }

local function meta_rows(m)
  local rows, seen = {}, {}
  for _, k in ipairs(META_ORDER) do
    if m[k] ~= nil then
      rows[#rows + 1] = { key = k, value = tostring(m[k]) }
      seen[k] = true
    end
  end
  local rest = {}
  for k in pairs(m) do if not seen[k] then rest[#rest + 1] = tostring(k) end end
  table.sort(rest)
  for _, k in ipairs(rest) do
    local v = m[k]
    if type(v) == "table" then
      local l = {}
      for i, x in ipairs(v) do l[i] = tostring(x) end
      v = #l > 0 and concat(l, ", ") or "(table)"
    end
    rows[#rows + 1] = { key = k, value = tostring(v) }
  end
  return rows
end

-- ranges {a, b, class, attrs, title} (byte offsets in `text`, inclusive)
-- rendered as nested-free spans: the text is cut at every range edge and
-- each piece carries the classes of the ranges over it
local function render_marked(text, ranges)
  if #ranges == 0 then return esc(text) end
  local cuts, set = { 1, #text + 1 }, { [1] = true, [#text + 1] = true }
  for _, r in ipairs(ranges) do
    for _, p in ipairs { r[1], r[2] + 1 } do
      if p >= 1 and p <= #text + 1 and not set[p] then
        set[p] = true
        cuts[#cuts + 1] = p
      end
    end
  end
  table.sort(cuts)
  local out = {}
  for i = 1, #cuts - 1 do
    local a, b = cuts[i], cuts[i + 1] - 1
    local piece = esc(text:sub(a, b))
    local quote, hits = false, {}
    for _, r in ipairs(ranges) do
      if r[1] <= a and r[2] >= b then
        if r.kind == "quote" then quote = true else hits[#hits + 1] = r.theme end
      end
    end
    if #hits > 0 then
      local names = {}
      for k, h in ipairs(hits) do names[k] = theme_label(h) end
      piece = format('<mark class="hit" data-theme="%s" title="%s">%s</mark>', esc(concat(hits, " ")),
        esc(concat(names, ", ")), piece)
    end
    if quote then piece = '<span class="quote">' .. piece .. "</span>" end
    out[#out + 1] = piece
  end
  return concat(out)
end

--- The HTML page of one parsed speech.
-- @param sp a Speech (`rostra.parse`, `rostra.parse_file`)
-- @tparam[opt] table opts `lexicon` (a Lexicon or what `rostra.lexicon`
--   reads; default "political"), `title`
-- @treturn string
function M.speech(sp, opts)
  opts = opts or {}
  if type(sp) ~= "table" or type(sp.segments) ~= "function" then
    error("bad argument #1 to 'speech' (Speech expected, got " .. type(sp) .. ")", 2)
  end
  for k in pairs(opts) do
    if k ~= "lexicon" and k ~= "title" then
      error(format("unknown option '%s' to 'speech' (valid: lexicon, title)", tostring(k)), 2)
    end
  end
  local rostra = require "rostra"
  local lex = opts.lexicon or "political"
  if type(lex) ~= "table" then
    local l, err = rostra.lexicon(lex)
    if not l then error(err, 2) end
    lex = l
  end
  local m = sp.meta or {}
  local title = opts.title or m.title or sp.name or "speech"
  local parts = {}
  local function add(s) parts[#parts + 1] = s end
  add(format('<h1 class="speech-title">%s</h1>', esc(title)))
  local who = {}
  for _, k in ipairs { "speaker", "role", "date", "place" } do if m[k] then who[#who + 1] = esc(m[k]) end end
  if #who > 0 then add('<p class="note">' .. concat(who, " · ") .. "</p>") end

  -- the header as parsed
  add('<h2 id="header">The header as parsed</h2>')
  add(html_table(meta_rows(m), { "key", "value" }, { class = "meta", caption = "Metadata" }))
  if #sp.boilerplate > 0 then
    add(html_table(sp.boilerplate, { "line", "why", "text" },
      { plain = { line = true }, class = "boiler", caption = "Set aside as boilerplate (line, why, text)" }))
  else
    add('<p class="note">Nothing was set aside as boilerplate.</p>')
  end
  if #sp.warnings > 0 then
    add(html_table(sp.warnings, { "line", "code", "message" }, { class = "warnings", caption = "Warnings" }))
  end
  local segs = sp:segments()
  local points = sp:points()
  local quotes = sp:quotations()
  add(format('<p class="note">%d segments, %d points, %d sentences, %d quotations.</p>', #segs, #points,
    #sp:sentences(), #quotes))

  -- themes: by segment (beside the text) and by point (the summary)
  -- a one-speech corpus of its own: its segments' token spans place the hits
  local c = rostra.corpus()
  c:add(sp)
  local tseg = c:tag(lex, { level = "segment" })
  local tpoint = c:tag(lex, { level = "point" })
  local lexname = lex.name or "lexicon"
  if #points > 0 then
    add('<h2 id="points">Points and their themes</h2>')
    local top = tpoint:top(2)
    local by_unit = {}
    for _, row in top:rows() do
      local list = by_unit[row.unit]
      if not list then list = {} by_unit[row.unit] = list end
      list[#list + 1] = row
    end
    local rows = { '<table class="points"><thead><tr><th>point</th><th>marker</th><th>heading</th>'
      .. '<th>top theme</th><th>then</th></tr></thead><tbody>' }
    for _, p in ipairs(points) do
      local list = by_unit[p.ordinal] or {}
      local function th(r)
        if not r then return "<td></td>" end
        return format('<td class="theme" data-theme="%s" data-count="%s" data-share="%s">%s '
          .. '<span class="note">(%s matches, %s per 1,000 words)</span></td>', esc(r.theme), num(r.count),
          num(r.share), esc(theme_label(r.theme)), show(r.count), show(r.share * 1000))
      end
      rows[#rows + 1] = format('<tr class="point-row" data-ordinal="%d" data-top-theme="%s">'
        .. '<td class="num">%d</td>'
        .. "<td>%s</td><td>%s</td>%s%s</tr>", p.ordinal, esc(list[1] and list[1].theme or ""), p.ordinal,
        esc(p.marker or ""), esc(p.heading or ""), th(list[1]), th(list[2]))
    end
    rows[#rows + 1] = "</tbody></table>"
    add(concat(rows, "\n"))
    add(figure(tpoint:svg { by = "point", id = "speech-themes-by-point",
      title = format("themes by point (%s)", lexname) }, "Point 0 is the text outside every point."))
    add(numbers(html_table(tpoint, { "unit", "theme", "count", "tokens", "share" },
      { plain = { unit = true }, labels = { unit = "point" } })))
  end
  local totals = tseg:totals()
  add('<h2 id="themes">Themes of the speech</h2>')
  if #totals > 0 then
    add(figure(totals:svg { kind = "bars", label = "theme", value = "share", id = "speech-theme-totals",
      title = format("share of the words matched by each theme (%s)", lexname) }))
    add(numbers(html_table(totals, { "theme", "count", "tokens", "share", "units" },
      { labels = { units = "segments" } })))
  else
    add('<p class="note">No theme of the lexicon matched.</p>')
  end

  -- hits of every theme, with token positions: made into byte ranges of
  -- each segment by tokenizing the segment's text (the tokenizer is the one
  -- the corpus used, so the k-th token of the segment is the k-th here)
  local hits = tseg:hits(nil, { context = 0 })
  local byseg = {}
  local seg_tokens = {}
  local spans = {}
  for s in c:spans("segment") do spans[#spans + 1] = s end
  -- theme of every hit: per theme
  local theme_of = {}
  for _, row in totals:rows() do
    local k = tseg:hits(row.theme, { context = 0 })
    for _, line in ipairs(k) do theme_of[line.start .. ":" .. line.stop] = row.theme end
  end
  local function seg_index(pos)
    local lo, hi = 1, #spans
    while lo <= hi do
      local mid = (lo + hi) // 2
      if spans[mid].start <= pos then lo = mid + 1 else hi = mid - 1 end
    end
    return hi >= 1 and spans[hi].stop >= pos and hi or nil
  end
  for _, line in ipairs(hits) do
    local k = seg_index(line.start)
    if k then
      local list = byseg[k]
      if not list then list = {} byseg[k] = list end
      list[#list + 1] = { start = line.start, stop = line.stop,
          theme = theme_of[line.start .. ":" .. line.stop],
        text = line.match }
    end
  end
  local seg_themes = {}
  for _, row in tseg:rows() do
    local list = seg_themes[row.unit]
    if not list then list = {} seg_themes[row.unit] = list end
    list[#list + 1] = row
  end

  add('<h2 id="text">The speech</h2>')
  add('<p class="note">Quotations are <span class="quote">shaded</span>; the words that made a theme are '
    .. '<mark class="hit">marked</mark> (the theme in the tooltip and beside the segment).</p>')
  local open_point
  local mismatch = 0
  for i, s in ipairs(segs) do
    if s.point ~= open_point then
      if open_point then add("</section>") end
      open_point = s.point
      if open_point then
        local p
        for _, pp in ipairs(points) do if pp.ordinal == open_point then p = pp break end end
        add(format('<section class="point" data-ordinal="%d"><h3>Point %d%s</h3>', open_point, open_point,
          p and p.heading and (": " .. esc(p.heading)) or ""))
      end
    end
    local text = sp.text:sub(s.start, s.stop)
    local ranges = {}
    for _, q in ipairs(quotes) do
      if q.stop >= s.start and q.start <= s.stop then
        ranges[#ranges + 1] = { math.max(q.start, s.start) - s.start + 1, math.min(q.stop,
            s.stop) - s.start + 1,
          kind = "quote" }
      end
    end
    local span = spans[i]
    local list = byseg[i]
    if span and list then
      local toks = seg_tokens[i] or rostra.tokenize(text)
      seg_tokens[i] = toks
      if #toks == span.stop - span.start + 1 then
        for _, h in ipairs(list) do
          local a, b = toks[h.start - span.start + 1], toks[h.stop - span.start + 1]
          if a and b then ranges[#ranges + 1] = { a.start, b.stop, kind = "hit", theme = h.theme } end
        end
      else
        mismatch = mismatch + 1
      end
    end
    local aside = {}
    local st = seg_themes[i]
    if st then
      local words = {}
      for _, h in ipairs(list or {}) do
        if h.theme then
          local w = words[h.theme]
          if not w then w = { order = {}, n = {} } words[h.theme] = w end
          local form = h.text:lower()
          if not w.n[form] then w.order[#w.order + 1] = form w.n[form] = 0 end
          w.n[form] = w.n[form] + 1
        end
      end
      aside[1] = "<ul>"
      for _, row in ipairs(st) do
        local w = words[row.theme]
        local forms = {}
        for _, f in ipairs(w and w.order or {}) do
          forms[#forms + 1] = esc(f) .. (w.n[f] > 1 and (" ×" .. w.n[f]) or "")
        end
        aside[#aside + 1] = format('<li data-theme="%s" data-count="%s">'
          .. '<span class="theme-name">%s</span> %s: %s</li>',
          esc(row.theme), num(row.count), esc(theme_label(row.theme)), show(row.count), concat(forms, ", "))
      end
      aside[#aside + 1] = "</ul>"
    end
    add(format('<div class="seg seg-%s" data-segment="%d" data-kind="%s"%s>'
      .. '<div class="where">%s<br>line %d</div>'
      .. '<div class="text">%s</div><div class="themes">%s</div></div>', esc(s.kind), i, esc(s.kind),
      s.point and format(' data-point="%d"', s.point) or "", esc(s.kind), s.line or 0, render_marked(text,
          ranges),
      concat(aside)))
  end
  if open_point then add("</section>") end
  if mismatch > 0 then
    add(format('<p class="note">The words of %d segments could not be marked (their tokens differ from the '
      .. "index's).</p>", mismatch))
  end
  add(format('<p class="note">Made by %s with the lexicon %s.</p>', esc(rostra._VERSION), esc(lexname)))
  return page(title, concat(parts, "\n"))
end

-- }======================================================

-- {====================================================== a corpus

local GROUP_KEYS = { "speaker", "president", "country", "party" }

--- The HTML page of a corpus (or a view).
-- @param c a Corpus
-- @tparam[opt] table opts `lexicon` (default "political"), `queries` (a
--   list: their trend by `by`), `target` (a `c:where` spec: its keywords
--   against the rest), `by` (default "year", or "decade" with more than 40
--   years), `group` (a speaker key), `title`, `top` (words and keywords,
--   default 25), `stopwords` (default "en")
-- @treturn string
function M.corpus(c, opts)
  opts = opts or {}
  local valid = { lexicon = true, queries = true, target = true, by = true, group = true, title = true,
    top = true, stopwords = true }
  for k in pairs(opts) do
    if not valid[k] then
      error(format("unknown option '%s' to 'corpus' (valid: by, group, lexicon, queries, stopwords, target, "
        .. "title, top)", tostring(k)), 2)
    end
  end
  local rostra = require "rostra"
  local lex = opts.lexicon or "political"
  if type(lex) ~= "table" then
    local l, err = rostra.lexicon(lex)
    if not l then error(err, 2) end
    lex = l
  end
  local top = opts.top or 25
  local stop = opts.stopwords == nil and "en" or opts.stopwords
  local ntok, ndoc = c:counts()
  local keys = plot.keys(c)
  local keyset = {}
  for _, k in ipairs(keys) do keyset[k] = true end
  local by = opts.by
  if by == nil then
    if keyset.year then
      local years = plot.group_words(c, "year").values
      by = #years > 40 and "decade" or "year"
    else
      by = keys[1]
    end
  end
  if by then plot.key_function(c, by, 2) end
  local group = opts.group
  if group == nil then
    for _, k in ipairs(GROUP_KEYS) do if keyset[k] then group = k break end end
  elseif group then
    plot.key_function(c, group, 2)
  end
  local title = opts.title or format("Corpus report: %s speeches", show(ndoc))
  local parts = {}
  local function add(s) parts[#parts + 1] = s end
  add(format('<h1>%s</h1>', esc(title)))
  add(format('<p class="note">%s speeches, %s tokens; metadata keys: %s.</p>', show(ndoc), show(ntok),
    esc(concat(keys, ", "))))
  local nav = { '<nav class="note">' }
  for _, s in ipairs { { "speeches", "Speeches" }, { "words", "Top words" }, { "themes", "Themes" },
    { "trend", "Trend" }, { "keyness", "Keywords" } } do
    nav[#nav + 1] = format('<a href="#%s">%s</a> ', s[1], s[2])
  end
  nav[#nav + 1] = "</nav>"
  add(concat(nav))

  -- speeches by the key and by a speaker key
  add('<h2 id="speeches">Speeches</h2>')
  if by then
    local g = plot.group_words(c, by)
    local rows = {}
    for _, v in ipairs(g.values) do
      rows[#rows + 1] = { [by] = v, speeches = g.speeches[v], [g.denominator] = g.words[v] }
    end
    local t = result.new({ by, "speeches", g.denominator }, rows, { meta = { by = by } })
    add(figure(t:svg { kind = "trend", key = by, value = "speeches", style = "bars", id = "speeches-by-key",
      title = format("speeches by %s", by) }))
    add(numbers(html_table(t, { by, "speeches", g.denominator }, { plain = { [by] = true } })))
    if g.missing > 0 then
      add(format('<p class="note">%d speeches have no %s.</p>', g.missing, esc(by)))
    end
  end
  if group then
    local g = plot.group_words(c, group)
    local rows = {}
    for _, v in ipairs(g.values) do
      rows[#rows + 1] = { [group] = v, speeches = g.speeches[v], [g.denominator] = g.words[v] }
    end
    table.sort(rows, function(a, b)
      if a.speeches ~= b.speeches then return a.speeches > b.speeches end
      return tostring(a[group]) < tostring(b[group])
    end)
    local t = result.new({ group, "speeches", g.denominator }, rows)
    add(figure(t:svg { kind = "bars", label = group, value = "speeches", top = top, id = "speeches-by-group",
      title = format("speeches by %s (the %d with the most)", group, math.min(top, #rows)) }))
    add(numbers(html_table(t, { group, "speeches", g.denominator }, { limit = 200,
        plain = { [group] = true } })))
  end

  -- top words
  add('<h2 id="words">Top words</h2>')
  local f = c:freq { top = top, stopwords = stop or nil }
  add(figure(f:svg { kind = "bars", value = "count", id = "top-words",
    title = format("the %d most frequent words%s", top, stop and (" (without the " .. tostring(stop)
      .. " stopwords)") or "") }))
  add(numbers(html_table(f, { "lower", "count", "per_million" }, { labels = { lower = "word" } })))

  -- themes by the key
  add('<h2 id="themes">Themes</h2>')
  local th = c:tag(lex, { level = "speech" })
  if by then
    local svg = th:svg { by = by, id = "themes-by-key",
      title = format("themes by %s (%s)", by, lex.name or "lexicon") }
    add(figure(svg))
    -- the numbers: the cells of the heat map, read back from their own attributes
    local rows = {}
    for theme, x, share, tokens,
        count in svg:gmatch('<rect class="cell" [^>]-data%-theme="([^"]*)" data%-x="([^"]*)" '
        .. 'data%-share="([^"]*)" data%-tokens="([^"]*)" data%-count="([^"]*)"') do
      rows[#rows + 1] = { theme = theme, [by] = tonumber(x) or x, count = tonumber(count),
          tokens = tonumber(tokens),
        per_1000_words = tonumber(share) * 1000 }
    end
    add(numbers(html_table(rows, { by, "theme", "count", "tokens", "per_1000_words" },
      { plain = { [by] = true }, labels = { per_1000_words = "per 1,000 words" } })))
  end
  local totals = th:totals()
  add(figure(totals:svg { kind = "bars", label = "theme", value = "share", id = "theme-totals",
    title = format("share of the words matched by each theme (%s)", lex.name or "lexicon") }))
  add(numbers(html_table(totals, { "theme", "count", "tokens", "share", "units" },
      { labels = { units = "speeches" } })))

  -- trend of the queries
  add('<h2 id="trend">Trend</h2>')
  local queries = opts.queries or {}
  if #queries > 0 and by then
    local t = c:trend(queries, { by = by })
    add(figure(t:svg { id = "trend", title = t.title }))
    add(numbers(html_table(t, { "query", by, "count", "words", "per_million", "speeches" },
      { plain = { [by] = true }, labels = { words = (t.meta or {}).denominator or "words" } })))
  else
    add('<p class="note">No query was given (--query, repeatable).</p>')
  end

  -- keyness of a group
  add('<h2 id="keyness">Keywords</h2>')
  if opts.target then
    local target = c:where(opts.target)
    local _, nt = target:counts()
    local desc = {}
    for k, v in pairs(opts.target) do
      if type(v) == "table" then
        if v.min ~= nil or v.max ~= nil then v = tostring(v.min or "") .. ".." .. tostring(v.max or "")
        else
          local l = {}
          for i, x in ipairs(v) do l[i] = tostring(x) end
          v = concat(l, ",")
        end
      end
      desc[#desc + 1] = k .. "=" .. tostring(v)
    end
    table.sort(desc)
    if nt == 0 then
      add(format('<p class="note">No speech matches %s.</p>', esc(concat(desc, " "))))
    elseif nt == ndoc then
      add(format('<p class="note">Every speech matches %s: there is nothing to compare with.</p>',
        esc(concat(desc, " "))))
    else
      local k = c:keyness(target, nil, { top = false })
      local ksvg = k:svg { id = "keyness", top = math.min(top, 20),
        title = format("keywords of %s against the other speeches (%s)", concat(desc, " "),
            (k.meta or {}).measure) }
      add(figure(ksvg))
      local shown = {}
      for w in ksvg:gmatch('<rect class="bar" [^>]-data%-word="([^"]*)"') do shown[w] = true end
      local rows = k:filter(function(r) return shown[esc(r.word)] == true end)
      add(numbers(html_table(rows, { "word", "a", "b", "a_pm", "b_pm", "score", "p", "sign" },
        { labels = { a = "target", b = "reference", a_pm = "target per million",
          b_pm = "reference per million" } })))
    end
  else
    add('<p class="note">No group was given (--where KEY=VALUE: its keywords against the rest).</p>')
  end
  add(format('<p class="note">Made by %s.</p>', esc(rostra._VERSION)))
  return page(title, concat(parts, "\n"))
end

-- }======================================================

--- Write a page atomically (see `plot.write`): true, or nil, message, code.
M.write = plot.write

return M
