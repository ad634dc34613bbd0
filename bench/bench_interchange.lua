-- bench_interchange.lua INDEX: the document-feature matrix of the full
-- UNGDC index (c:dfm + export, then the whole `rostra dfm` command under
-- hyperfine), and loading a 10M-token CoNLL-U file (made once from the
-- UNGDC index into bench/data, git-ignored: FORM the token, LEMMA its
-- lower form, UPOS, XPOS, FEATS and DEPREL from small tag sets, one
-- sentence a sentence of the index, # text from its text, # newdoc per
-- speech). Prints key=value lines.
local rostra = require "rostra"
local core = require "rostra.core"
local clock = core.clock

local index = arg[1] or "bench/data/ungdc.rostra"

local function kv(k, v)
  if math.type(v) == "float" then v = ("%.3f"):format(v) end
  print(k .. "=" .. tostring(v))
  io.stdout:flush()
end

local c = assert(rostra.open(index))

-- {====================================================== DFM
do
  local t0 = clock()
  c:_load_meta()
  kv("dfm_meta_decode_s", clock() - t0)
  local best, best_cpu, m = math.huge, math.huge, nil
  for _ = 1, 3 do
    local t, cpu = clock(), os.clock()
    m = c:dfm {}
    assert(m:export("bench/data/dfm"))
    best = math.min(best, clock() - t)
    best_cpu = math.min(best_cpu, os.clock() - cpu)
  end
  kv("dfm_documents", m.nrows)
  kv("dfm_features", m.ncols)
  kv("dfm_nonzero", m.nnz)
  kv("dfm_export_s", best) -- c:dfm{} + m:export(dir), best of 3
  kv("dfm_export_cpu_s", best_cpu)
  kv("dfm_first_total_s", clock() - t0) -- with the metadata decode and all three runs
  local f = io.open("bench/data/dfm/matrix.mtx", "rb")
  kv("dfm_mtx_bytes", f:seek("end"))
  f:close()
  if os.execute("command -v hyperfine >/dev/null 2>&1") then
    local json = "bench/data/dfm_hyperfine.json"
    os.execute(("hyperfine --runs 3 --export-json %s "
      .. "'LUA_PATH=\"lua/?.lua;lua/?/init.lua;;\" LUA_CPATH=\"lua/?.so;;\" "
      .. "lua5.4 bin/rostra dfm %s -o bench/data/dfm_cmd' >/dev/null 2>&1"):format(json, index))
    local jf = io.open(json, "rb")
    if jf then
      local s = jf:read("a")
      jf:close()
      local mean = s:match('"mean":%s*([%d%.eE+-]+)')
      local min = s:match('"min":%s*([%d%.eE+-]+)')
      if mean then kv("dfm_command_mean_s", tonumber(mean)) end
      if min then kv("dfm_command_min_s", tonumber(min)) end
    end
  end
end
-- }======================================================

-- {====================================================== CoNLL-U
local conllu = "bench/data/ungdc_10m.conllu"
local WANT = 10000000
if not io.open(conllu, "rb") then
  local h = c._root._h
  local TAGS = { "NOUN", "VERB", "ADJ", "ADV", "DET", "ADP", "PRON", "AUX", "CCONJ", "PROPN", "PART" }
  local XPOS = { NOUN = "NN", VERB = "VB", ADJ = "JJ", ADV = "RB", DET = "DT", ADP = "IN", PRON = "PRP",
                 AUX = "MD", CCONJ = "CC", PROPN = "NNP", PART = "RP", PUNCT = ".", NUM = "CD" }
  local FEATS = { NOUN = "Number=Sing", VERB = "VerbForm=Fin", ADJ = "Degree=Pos",
                  PRON = "Case=Nom|PronType=Prs", DET = "Definite=Def|PronType=Art", AUX = "VerbForm=Fin",
                  PROPN = "Number=Sing" }
  local DEPS = { "nsubj", "obj", "obl", "nmod", "amod", "advmod", "det", "case", "conj", "cc", "root",
                 "punct" }
  local tagof = {}
  local out = assert(io.open(conllu .. ".tmp", "wb"))
  local buf, n, ntok = {}, 0, 0
  local starts, stops = h:regions("sentence")
  local _, ndoc = h:counts()
  local doc = 0
  for i = 1, #starts do
    local a, b = starts[i], stops[i]
    local d = h:doc_of(a)
    if d ~= doc then
      doc = d
      buf[#buf + 1] = ("# newdoc id = %s\n# year = %s\n"):format(c:meta(d).file or d, c:meta(d).year or "")
    end
    buf[#buf + 1] = ("# sent_id = %d\n# text = %s\n"):format(i, (h:text_span(a, b):gsub("%s+", " ")))
    for p = a, b do
      local w, low = h:token(p), h:token(p, "lower")
      local tag = tagof[low]
      if not tag then
        if not low:find("[%w\128-\255]") then tag = "PUNCT"
        elseif low:find("^%d") then tag = "NUM"
        else
          local s = 0
          for k = 1, #low do s = (s * 31 + low:byte(k)) % 1000003 end
          tag = TAGS[s % #TAGS + 1]
        end
        tagof[low] = tag
      end
      buf[#buf + 1] = ("%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t_\t_\n"):format(p - a + 1, w, low, tag, XPOS[tag],
        FEATS[tag] or "_", p == a and 0 or 1, p == a and "root" or DEPS[(p % #DEPS) + 1])
      ntok = ntok + 1
    end
    buf[#buf + 1] = "\n"
    n = n + 1
    if n % 2000 == 0 then out:write(table.concat(buf)); buf = {} end
    if ntok >= WANT then break end
  end
  out:write(table.concat(buf))
  out:close()
  os.rename(conllu .. ".tmp", conllu)
  _ = ndoc
end
c:close()
collectgarbage()
do
  local best, tokens = math.huge, 0
  for _ = 1, 3 do
    local t = clock()
    local a = assert(rostra.load(conllu))
    local dt = clock() - t
    tokens = a:counts()
    best = math.min(best, dt)
    a:close()
    collectgarbage()
  end
  kv("conllu_tokens", tokens)
  kv("conllu_load_s", best) -- rostra.load(file), best of 3
  kv("conllu_load_mtokens_per_s", tokens / best / 1e6)
  local a = assert(rostra.load(conllu))
  local t = clock()
  assert(a:save("bench/data/ungdc_10m.rostra"))
  kv("conllu_save_s", clock() - t) -- finishing (postings of 8 attributes) and writing
  t = clock()
  kv("conllu_count_upos_noun", a:count('[upos = "NOUN"]'))
  kv("conllu_count_upos_noun_ms", (clock() - t) * 1000)
  t = clock()
  kv("conllu_count_adj_noun", a:count('[upos = "ADJ"] [upos = "NOUN" & lemma = "development"]'))
  kv("conllu_count_adj_noun_ms", (clock() - t) * 1000)
  a:close()
end
-- }======================================================
