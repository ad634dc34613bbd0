-- xi_quotations.lua: which quotations does Xi Jinping repeat from one speech
-- to the next? Every quotation (text between quotation marks) of the xi_en
-- corpus, normalised (case, spaces, punctuation at the ends), counted by
-- the number of speeches that use it: slogans ("Shanghai Spirit"), scare
-- quotes ("political virus") and proverbs alike.
-- Run from the repository root: lua5.4 examples/xi_quotations.lua [FOLDER]
local rostra = require "rostra"
local result = require "rostra.result"

local dir = arg[1] or "../shared/corpus/xi_en"
local f = io.open(dir)
if not f then
  print("skip: " .. dir .. " is not there (the corpora live in ../shared/corpus)")
  return
end
f:close()

local c = assert(rostra.load(dir, { meta = "{date}_{speaker}_{slug}.txt" }))

-- a quotation as a key: lower case, one space, no punctuation at the ends
local function key(text)
  local s = rostra.lower(text):gsub("%s+", " ")
  s = s:gsub("^[%s%p]+", ""):gsub("[%s%p]+$", "")
  return s
end

local seen = {} -- key -> {quotation, speeches = {[d] = true}, count, first}
local order = {}
for q in c:spans("quotation") do
  local k = key(q.text)
  if k ~= "" then
    local e = seen[k]
    if not e then
      local shown = q.text:gsub("%s+", " "):gsub("^[%s%p]+", ""):gsub("[%s%p]+$", "")
      e = { quotation = shown, speeches = {}, nspeeches = 0, count = 0 }
      seen[k] = e
      order[#order + 1] = e
    end
    e.count = e.count + 1
    if not e.speeches[q.speech] then
      e.speeches[q.speech] = true
      e.nspeeches = e.nspeeches + 1
      local date = c:meta(q.speech).date
      if not e.first or date < e.first then e.first = date end
    end
  end
end

local rows = {}
for _, e in ipairs(order) do
  if e.nspeeches >= 2 then rows[#rows + 1] = e end
end
local t = result.new({ "quotation", "nspeeches", "count", "first" }, rows,
  { title = ("quotations used in more than one of %d speeches"):format(select(2, c:counts())),
    max_width = 70 })
t:sort { { "nspeeches", "desc" }, { "count", "desc" }, "quotation" }
print(t:head(15))
