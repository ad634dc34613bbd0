-- Score the parser on a folder of hand-checked pages.
-- usage: lua5.4 tools/score_pages.lua [DIR]   (DIR holds *.txt and expected.lua)
-- Fields are compared after squashing spaces, ignoring case and trailing
-- punctuation: title, speaker and date exactly; role, place and source when
-- one contains the other ("Premier" / "Chinese Premier"). A body is right when
-- its first segment starts with `first` and its last segment ends with `last`.
local rostra = require "rostra"
local dir = arg[1] or "spec/fixtures/heldout4"
local cases = dofile(dir .. "/expected.lua")

local function norm(s)
  if s == nil then return nil end
  s = tostring(s):lower():gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
  return (s:gsub("[%.,;:]+$", ""))
end
local LOOSE = {role = true, place = true, source = true}
local FIELDS = {"title", "speaker", "role", "date", "place", "source"}

local tally = {}
local function count(kind, ok)
  local t = tally[kind] or {0, 0}; tally[kind] = t
  t[2] = t[2] + 1; if ok then t[1] = t[1] + 1 end
end

for _, c in ipairs(cases) do
  local f = assert(io.open(dir .. "/" .. c.file, "rb")); local text = f:read("a"); f:close()
  local sp = assert(rostra.parse(text))
  local bad = {}
  for _, k in ipairs(FIELDS) do
    if c[k] ~= nil then
      local want, got = norm(c[k]), norm(sp.meta[k])
      local ok = got ~= nil and (want == got or (LOOSE[k] and
        (got:find(want, 1, true) or want:find(got, 1, true))) and true or false)
      count("meta", ok); count(k, ok)
      if not ok then bad[#bad + 1] = ("%s=%q"):format(k, tostring(sp.meta[k])) end
    end
  end
  local segs = {}
  for s in sp:segments() do segs[#segs + 1] = s.text end
  local first, last = segs[1] or "", segs[#segs] or ""
  local bok = first:sub(1, #c.first) == c.first and last:sub(-#c.last) == c.last
  count("body", bok)
  if not bok then bad[#bad + 1] = ("body first=%q last=%q"):format(first:sub(1, 50), last:sub(-50)) end
  if c.turns then
    local n = 0
    for _ in sp:turns() do n = n + 1 end
    count("turns", n == c.turns)
    if n ~= c.turns then bad[#bad + 1] = ("turns=%d want %d"):format(n, c.turns) end
  end
  print(("%-22s %s"):format(c.file, #bad == 0 and "ok" or table.concat(bad, "; ")))
end
print()
for _, k in ipairs{"meta", "title", "speaker", "role", "date", "place", "source", "body", "turns"} do
  local t = tally[k]
  if t then print(("%-8s %d/%d  %.0f%%"):format(k, t[1], t[2], 100 * t[1] / t[2])) end
end
