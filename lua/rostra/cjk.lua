--- Chinese and Japanese text in queries and lexicons: the same characters
-- match whatever the corpus's tokens are.
--
-- rostra cuts runs of Han and Kana characters into words with ICU
-- (`cjk = "words"`, the default) or keeps one character a token
-- (`cjk = "chars"`). A query or a lexicon pattern is written without
-- knowing which: `合作共赢`, `合作 共赢` and `合 作 共 赢` all mean those four
-- characters in a row, found wherever they occur. ICU cuts by context, so
-- the same characters are not always cut alike: in `合作共赢的` the last
-- word may be `赢的`. A run is therefore rewritten into every way of
-- cutting it where the pieces inside are whole words of the corpus and the
-- first and last pieces may be the end and the start of longer words
-- (`合作 共 赢的` matches `合作`, `共`, `赢…`): tokens never split, and a
-- match covers the tokens that hold the characters.
-- @module rostra.cjk
local M = {}

--- The most ways of cutting one run that a query or pattern may expand to.
M.max_cuts = 64
--- The longest piece tried (characters).
M.max_piece = 12

local utf8_codes, utf8_char = utf8.codes, utf8.char

local function is_cjk(cp)
  return (cp >= 0x3040 and cp <= 0x30FF) -- Hiragana, Katakana
    or (cp >= 0x31F0 and cp <= 0x31FF) -- Katakana extensions
    or (cp >= 0x3400 and cp <= 0x4DBF) -- CJK extension A
    or (cp >= 0x4E00 and cp <= 0x9FFF) -- CJK unified ideographs
    or (cp >= 0xF900 and cp <= 0xFAFF) -- compatibility ideographs
    or (cp >= 0x20000 and cp <= 0x3FFFF) -- extensions B and on
end

--- The characters of s when s is a run of Han and Kana characters only,
-- else nil.
function M.chars(s)
  if type(s) ~= "string" or s == "" or not utf8.len(s) then return nil end
  local out = {}
  for _, cp in utf8_codes(s) do
    if not is_cjk(cp) then return nil end
    out[#out + 1] = utf8_char(cp)
  end
  return out
end

-- every way of cutting chars[i..j] into whole words (exists), as lists of
-- strings; at most `limit`
local function exact_cuts(chars, i, j, exists, limit)
  local out, path = {}, {}
  local function walk(k)
    if #out >= limit then return end
    if k > j then
      out[#out + 1] = table.move(path, 1, #path, 1, {})
      return
    end
    local s = ""
    for e = k, math.min(j, k + M.max_piece - 1) do
      s = s .. chars[e]
      if exists(s) then
        path[#path + 1] = s
        walk(e + 1)
        path[#path] = nil
      end
    end
  end
  walk(i)
  return out
end

--- Every way of cutting the characters `chars` into pieces: a list of cuts,
-- each a list of `{text, pre, post}` pieces (`pre`: the piece may be the
-- end of a longer word; `post`: the start of one). Pieces between the first
-- and the last are whole words (`exists(piece)`); fewer pieces first. nil
-- and a message when there are more than `M.max_cuts`.
function M.cuts(chars, exists)
  local n, out = #chars, {}
  local function add(cut)
    if #out >= M.max_cuts then return false end
    out[#out + 1] = cut
    return true
  end
  local function join(i, j) return table.concat(chars, "", i, j) end
  for i = 1, n do -- the first piece: chars[1..i]
    if i == n then
      if not add { { text = join(1, n), pre = true, post = true } } then break end
    else
      for j = i + 1, n do -- the last piece: chars[j..n]; whole words between
        local mids = j == i + 1 and { {} } or exact_cuts(chars, i + 1, j - 1, exists, M.max_cuts + 1)
        for _, mid in ipairs(mids) do
          local cut = { { text = join(1, i), pre = true } }
          for _, w in ipairs(mid) do cut[#cut + 1] = { text = w } end
          cut[#cut + 1] = { text = join(j, n), post = true }
          if not add(cut) then
            return nil, ("more than %d ways to cut '%s' into words of the corpus"):format(M.max_cuts,
              table.concat(chars))
          end
        end
      end
    end
  end
  if #out >= M.max_cuts and n > 1 then
    return nil, ("more than %d ways to cut '%s' into words of the corpus"):format(M.max_cuts,
      table.concat(chars))
  end
  table.sort(out, function(a, b) return #a < #b end)
  return out
end

-- a tok node whose test is one plain literal of Han or Kana characters
local function cjk_literal(node)
  if node.op ~= "tok" then return nil end
  local t = node.test
  if t.t ~= "eq" or t.mode ~= "literal" or (t.flags or "") ~= "" then return nil end
  local chars = M.chars(t.value)
  if not chars then return nil end
  return chars, t.attr
end

local rewrite

-- a token test for a piece: the word itself, or a word ending or starting
-- with it (regex over the vocabulary: Han and Kana need no escaping)
local function piece_node(attr, p)
  if not p.pre and not p.post then
    return { op = "tok", test = { t = "eq", attr = attr, value = p.text, mode = "literal", flags = "" } }
  end
  local rx = (p.pre and ".*" or "") .. p.text .. (p.post and ".*" or "")
  return { op = "tok", test = { t = "eq", attr = attr, value = rx, mode = "regex", flags = "" } }
end

-- a run of literal nodes (same attribute) as the alternatives of its cuts
local function expand_run(run, attr, h)
  local chars = {}
  for _, c in ipairs(run) do
    for _, ch in ipairs(c) do chars[#chars + 1] = ch end
  end
  local cuts, err = M.cuts(chars, function(s) return h:type_info(attr, s) ~= nil end)
  if not cuts then error(err, 0) end
  local alts = {}
  for _, cut in ipairs(cuts) do
    local seq = { op = "seq" }
    for _, piece in ipairs(cut) do seq[#seq + 1] = piece_node(attr, piece) end
    alts[#alts + 1] = #seq == 1 and seq[1] or seq
  end
  if #alts == 1 then return { alts[1] } end
  return { { op = "alt", table.unpack(alts) } }
end

-- the children of a seq (or alt branch) with Han runs expanded
local function rewrite_list(list, h)
  local out, run, rattr = {}, {}, nil
  local function flush()
    if #run > 0 then
      for _, x in ipairs(expand_run(run, rattr, h)) do out[#out + 1] = x end
      run, rattr = {}, nil
    end
  end
  for _, n in ipairs(list) do
    local chars, attr = cjk_literal(n)
    if chars and (rattr == nil or rattr == attr) then
      run[#run + 1] = chars
      rattr = attr
    else
      flush()
      if chars then
        run[1], rattr = chars, attr
      else
        out[#out + 1] = rewrite(n, h)
      end
    end
  end
  flush()
  return out
end

rewrite = function(n, h)
  if n.op == "seq" then
    local s = { op = "seq" }
    for _, x in ipairs(rewrite_list(n, h)) do
      if x.op == "seq" then
        for _, y in ipairs(x) do s[#s + 1] = y end
      else
        s[#s + 1] = x
      end
    end
    return s
  elseif n.op == "alt" then
    local a = { op = "alt" }
    for _, x in ipairs(n) do
      local r = rewrite(x.op == "tok" and { op = "seq", x } or x, h)
      if #r == 1 then r = r[1] end
      if r.op == "alt" then
        for _, y in ipairs(r) do a[#a + 1] = y end
      else
        a[#a + 1] = r
      end
    end
    return a
  elseif n.op == "rep" then
    local r = rewrite({ op = "seq", n[1] }, h)
    local c = {}
    for k, v in pairs(n) do c[k] = v end
    c[1] = #r == 1 and r[1] or r
    return c
  end
  return n
end

local function has_cjk(n)
  if n.op == "tok" then return cjk_literal(n) ~= nil end
  for _, x in ipairs(n) do
    if type(x) == "table" and has_cjk(x) then return true end
  end
  return false
end

--- The query program `prog` with every run of Han and Kana literals
-- rewritten into the cuts the corpus of handle `h` has (a new program; prog
-- itself when it holds none). Raises when a run has too many cuts.
function M.expand(prog, h)
  if not has_cjk(prog.seq) then return prog end
  local q = {}
  for k, v in pairs(prog) do q[k] = v end
  q.seq = rewrite(prog.seq, h)
  q.literals = require("rostra.query").literals(q)
  return q
end

--- The token lists a lexicon pattern's tokens stand for in the corpus of
-- handle `h` (attribute `attr`): runs of Han and Kana tokens cut every way
-- the corpus has (the first and last pieces as globs `*piece`, `piece*`
-- that may be part of longer words); the tokens themselves when they hold
-- none. Globs stay.
function M.pattern_variants(tokens, globs, attr, h)
  local any = false
  for i, t in ipairs(tokens) do
    if not globs[i] and M.chars(t) then any = true break end
  end
  if not any then return { { tokens = tokens, globs = globs } } end
  -- split into segments: runs of Han literals and other tokens
  local parts = {}
  local i = 1
  while i <= #tokens do
    if not globs[i] and M.chars(tokens[i]) then
      local chars = {}
      while i <= #tokens and not globs[i] and M.chars(tokens[i]) do
        for _, ch in ipairs(M.chars(tokens[i])) do chars[#chars + 1] = ch end
        i = i + 1
      end
      local cuts, err = M.cuts(chars, function(s) return h:type_info(attr, s) ~= nil end)
      if not cuts then return nil, err end
      local list = {}
      for k, cut in ipairs(cuts) do -- globs for the pieces that may run on
        local toks, gl = {}, {}
        for m, p in ipairs(cut) do
          toks[m] = (p.pre and "*" or "") .. p.text .. (p.post and "*" or "")
          gl[m] = p.pre or p.post or false
        end
        list[k] = { toks = toks, globs = gl }
      end
      parts[#parts + 1] = list
    else
      parts[#parts + 1] = { { toks = { tokens[i] }, globs = { globs[i] } } }
      i = i + 1
    end
  end
  local out = {}
  local function build(k, toks, gl)
    if k > #parts then
      if #out >= M.max_cuts then return end
      out[#out + 1] = { tokens = table.move(toks, 1, #toks, 1, {}), globs = table.move(gl, 1, #gl, 1, {}) }
      return
    end
    for _, cut in ipairs(parts[k]) do
      local n = #toks
      for m, piece in ipairs(cut.toks) do
        toks[#toks + 1] = piece
        gl[#gl + 1] = cut.globs[m]
      end
      build(k + 1, toks, gl)
      for j = #toks, n + 1, -1 do toks[j] = nil gl[j] = nil end
    end
  end
  build(1, {}, {})
  return out
end

return M
