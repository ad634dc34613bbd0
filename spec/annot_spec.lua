-- Annotated corpora in (CoNLL-U, CWB vertical files) and CWB out: counts
-- checked against the files read here by a reader of the spec's own, the
-- structures and metadata of the team's fixtures, round trips, bad input.
local rostra = require "rostra"
local support = require "spec.support"

local FIX = "spec/fixtures/annot/"

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

local function tmpdir()
  local p = os.tmpname()
  os.remove(p)
  assert(os.execute("mkdir -p '" .. p .. "'"))
  return p
end

local function rmdir(d) os.execute("rm -rf '" .. d .. "'") end

local function split(line, sep)
  local out = {}
  for f in (line .. sep):gmatch("(.-)" .. sep) do out[#out + 1] = f end
  return out
end

-- a CoNLL-U file as tokens {word, lemma, upos, xpos, feats, deprel}, by the
-- rules of docs/interchange.md: a multi-word token is one token with its
-- words' values joined by '+', empty nodes are no tokens
local function conllu_tokens(path)
  local toks, mwt = {}, nil
  for line in read(path):gmatch("[^\n]*") do
    if line ~= "" and line:sub(1, 1) ~= "#" then
      local f = split(line, "\t")
      local a, b = f[1]:match("^(%d+)%-(%d+)$")
      if a then
        mwt = { hi = tonumber(b), t = { word = f[2] }, parts = {} }
      elseif not f[1]:find("%.") then
        local id = tonumber(f[1])
        local vals = { lemma = f[3], upos = f[4], xpos = f[5], feats = f[6], deprel = f[8] }
        if mwt then
          for k, v in pairs(vals) do
            mwt.t[k] = mwt.t[k] and (mwt.t[k] .. "+" .. v) or v
          end
          if id == mwt.hi then toks[#toks + 1] = mwt.t; mwt = nil end
        else
          vals.word = f[2]
          toks[#toks + 1] = vals
        end
      end
    end
  end
  return toks
end

-- a VRT file's tokens, its columns named by its header comment
local function vrt_tokens(path)
  local toks, names = {}, nil
  local function unescape(s) return (s:gsub("&lt;", "<"):gsub("&gt;", ">"):gsub("&amp;", "&")) end
  for line in read(path):gmatch("[^\n]+") do
    local h = line:match("^<!%-%- #vrt positional%-attributes: (.-) %-%->$")
    if h then
      names = {}
      for n in h:gmatch("%S+") do names[#names + 1] = n end
    elseif line:sub(1, 1) ~= "<" then
      local f, t = split(line, "\t"), {}
      for i, n in ipairs(names) do t[n] = unescape(f[i]) end
      toks[#toks + 1] = t
    end
  end
  return toks
end

local function counts(toks, attr)
  local c = {}
  for _, t in ipairs(toks) do c[t[attr]] = (c[t[attr]] or 0) + 1 end
  return c
end

-- c:freq of an attribute as a table form -> count (punctuation kept)
local function freq(c, attr)
  local out = {}
  for _, r in ipairs(c:freq { attr = attr, punct = true }) do out[r[attr]] = r.count end
  return out
end

describe("CoNLL-U in", function()
  local path = FIX .. "speeches.conllu"

  it("has the file's tokens, lemmas and parts of speech, counted exactly", function()
    local c = assert(rostra.load(path))
    local toks = conllu_tokens(path)
    assert.are.equal(23, #toks)
    assert.are.equal(#toks, (c:counts()))
    assert.are.same({ "word", "lower", "stem", "lemma", "upos", "xpos", "feats", "deprel" }, c:attributes())
    for _, a in ipairs { "word", "lemma", "upos", "xpos", "feats", "deprel" } do
      assert.are.same(counts(toks, a), freq(c, a), a)
    end
    assert.are.equal(counts(toks, "upos").VERB, c:count('[upos = "VERB"]'))
    assert.are.equal(6, c:count('[upos = "VERB"]'))
    assert.are.equal(2, c:count('[lemma = "secure"]'))
    assert.are.equal(1, c:count('[upos = "ADP\\+DET"]')) -- al = a + el ('+' escaped: a regex otherwise)
    assert.are.equal(1, c:count('[upos = "ADP+DET"%l]'))
    assert.are.equal(4, c:count('"secur.*" %c | [lemma = "develop"]')) -- secure x2, security, Developing
    assert.are.equal(1, c:count('[lemma = "develop"] [upos = "VERB"]'))
    assert.are.equal(2, c:count('[upos = "NOUN" & lower = "peace"] [upos = "PUNCT"] within sentence'))
  end)

  it("takes speeches, metadata, paragraphs and sentences from the file", function()
    local c = assert(rostra.load(path))
    local _, n = c:counts()
    assert.are.equal(2, n)
    assert.are.equal("un-2021-fra", c:meta(1).file)
    assert.are.equal("FRA", c:meta(1).country)
    assert.are.equal(2021, c:meta(1).year)
    assert.are.equal("Jean-Yves Le Drian", c:meta(1).speaker)
    assert.are.equal("un-2022-esp", c:meta(2).file)
    assert.are.equal("We must secure peace. It does not secure itself.\n\nDevelopment requires security.",
      c:text(1))
    -- no # text for sentence 5: the forms, with SpaceAfter=No
    assert.are.equal("Vamos al desarrollo. Developing helps peace!", c:text(2))
    local sents = {}
    for s in c:spans("sentence") do sents[#sents + 1] = s.text end
    assert.are.same({ "We must secure peace.", "It does not secure itself.", "Development requires security.",
                      "Vamos al desarrollo.", "Developing helps peace!" }, sents)
    local segs = {}
    for s in c:spans("segment") do segs[#segs + 1] = s.start .. "-" .. s.stop end
    assert.are.same({ "1-11", "12-15", "16-23" }, segs)
    local h = c._root._h
    assert.are.same({ "1", "2", "3", "4", "5" }, h:region_values("sentence", "id"))
    assert.are.same({ "p1", "p2", false }, h:region_values("segment", "id"))
    assert.are.same({ false, "none", false, false, false }, h:region_values("sentence", "translator"))
    assert.are.equal(1, c:count('<sentence id = "3"> [upos = "NOUN"]'))
  end)

  it("keeps every attribute through save and open", function()
    local c = assert(rostra.load(path))
    local tmp = os.tmpname()
    assert(c:save(tmp))
    local o = assert(rostra.open(tmp, { verify = true }))
    for _, a in ipairs(c:attributes()) do
      assert.are.same(freq(c, a), freq(o, a), a)
    end
    for p = 1, 23 do
      assert.are.equal(c:token(p, "feats"), o:token(p, "feats"))
    end
    assert.are.equal(6, o:count('[upos = "VERB"]'))
    assert.are.equal(c:text(1), o:text(1))
    o:close()
    os.remove(tmp)
  end)

  it("keeps a view's annotations when the view is saved", function()
    local c = assert(rostra.load(path))
    local v = c:where { country = "ESP" }
    local tmp = os.tmpname()
    assert(v:save(tmp))
    local o = assert(rostra.open(tmp))
    local ntok, nsp = o:counts()
    assert.are.same({ 8, 1 }, { ntok, nsp })
    local want = {}
    for _, t in ipairs(conllu_tokens(path)) do want[#want + 1] = t end
    for p = 1, 8 do
      local t = want[15 + p]
      assert.are.same({ t.word, t.lemma, t.upos, t.feats },
        { o:token(p), o:token(p, "lemma"), o:token(p, "upos"), o:token(p, "feats") })
    end
    assert.are.same({ "4", "5" }, o._root._h:region_values("sentence", "id"))
    o:close()
    os.remove(tmp)
  end)

  it("counts n-grams, collocates, keyness and a DFM over any attribute", function()
    local c = assert(rostra.load(path))
    local g = c:ngrams { attr = "upos", n = 2, top = 1, within = "sentence", min = 1 }
    assert.are.equal("NOUN PUNCT", g[1].ngram) -- peace . / security . / desarrollo . / peace !
    assert.are.equal(4, g[1].count)
    local coll = c:collocates('[lemma = "secure"]', { attr = "upos", window = 1, measure = "mi", min = 1 })
    local seen = {}
    for _, r in ipairs(coll) do seen[r.collocate] = r.count end
    assert.are.same({ AUX = 1, NOUN = 1, PART = 1, PRON = 1 }, seen) -- must _ peace, not _ itself
    local k = c:keyness(c:where { country = "FRA" }, nil, { attr = "lemma", min = 1, top = false })
    assert.is_true(#k > 0)
    local m = c:dfm { attr = "upos", punct = true }
    assert.are.same({ 15, 8 }, m:row_sums())
  end)
end)

describe("VRT in", function()
  local path = FIX .. "speeches.vrt"

  it("has the file's tokens and columns, counted exactly", function()
    local c = assert(rostra.load(path))
    local toks = vrt_tokens(path)
    assert.are.equal(#toks, (c:counts()))
    assert.are.same({ "word", "lower", "stem", "lemma", "pos" }, c:attributes())
    for _, a in ipairs { "word", "lemma", "pos" } do
      assert.are.same(counts(toks, a), freq(c, a), a)
    end
    assert.are.equal("<key>", c:token(11))
  end)

  it("takes <text> attributes as metadata and other tags as structures", function()
    local c = assert(rostra.load(path))
    assert.are.equal("chn-2020", c:meta(1).file)
    assert.are.equal("Xi Jinping", c:meta(1).speaker)
    assert.are.equal(2021, c:meta(2).year)
    local levels, attrs = c:structures()
    assert.are.same({ "speech", "segment", "point", "sentence", "quotation", "turn" }, levels)
    assert.are.same({ "speaker" }, attrs.turn)
    local kinds = {}
    for s in c:spans("segment") do kinds[#kinds + 1] = s.kind end
    assert.are.same({ "salutation", "paragraph", "paragraph" }, kinds)
    assert.are.equal(4, c:count("[] within turn"))
    assert.are.equal(1, c:count('<turn speaker = "Biden"> []'))
    assert.are.equal(0, c:count('<turn speaker = "Xi"> []'))
    assert.are.equal(1, c:count('<s mood = "decl"> []'))
    assert.are.equal(2, c:count("[] within quotation"))
  end)

  it("saves and opens a corpus with columns but no structure attributes", function()
    local dir = tmpdir()
    write(dir .. "/a.vrt", "<!-- #vrt positional-attributes: word pos -->\n<text>\nPeace\tNN\n</text>\n")
    local c = assert(rostra.load(dir .. "/a.vrt"))
    assert(c:save(dir .. "/a.rostra"))
    local o = assert(rostra.open(dir .. "/a.rostra", { verify = true }))
    assert.are.equal(1, o:count('[pos = "NN"]'))
    o:close()
    rmdir(dir)
  end)

  it("reads columns named by the caller", function()
    local dir = tmpdir()
    write(dir .. "/a.vrt", "<text id=\"a\">\nPeace\tpeace\tNN\nnow\tnow\tRB\n</text>\n")
    local c = assert(rostra.load(dir .. "/a.vrt", { attributes = { "lemma", "tag" } }))
    assert.are.same({ "word", "lower", "stem", "lemma", "tag" }, c:attributes())
    assert.are.equal(1, c:count('[tag = "RB"]'))
    assert.has_error(function() rostra.load(dir .. "/a.vrt", { attributes = { "lower", "tag" } }) end,
      "attributes: 'lower' clashes with a built-in attribute (word, lower, stem): name the column otherwise")
    rmdir(dir)
  end)
end)

describe("CWB out", function()
  it("round-trips VRT -> index -> VRT with every attribute value", function()
    local c = assert(rostra.load(FIX .. "speeches.vrt"))
    local tmp = os.tmpname()
    os.remove(tmp)
    tmp = tmp .. ".vrt"
    local info = assert(c:export_vrt(tmp, { corpus = "speeches" }))
    assert.are.equal(2, info.speeches)
    local back = assert(rostra.load(tmp))
    local n = c:counts()
    assert.are.equal(n, (back:counts()))
    for _, a in ipairs(c:attributes()) do
      for p = 1, n do assert.are.equal(c:token(p, a), back:token(p, a), a .. " at " .. p) end
    end
    local h, bh = c._root._h, back._root._h
    for _, lv in ipairs { "segment", "sentence", "quotation", "turn" } do
      local s1, e1, a1 = h:regions(lv)
      local s2, e2, a2 = bh:regions(lv)
      assert.are.same({ s1, e1, a1 }, { s2, e2, a2 }, lv)
    end
    assert.are.same(h:region_values("turn", "speaker"), bh:region_values("turn", "speaker"))
    assert.are.same(h:region_values("sentence", "mood"), bh:region_values("sentence", "mood"))
    for d = 1, 2 do
      assert.are.equal(c:meta(d).country, back:meta(d).country)
      assert.are.equal(c:meta(d).file, back:meta(d).file)
    end
    -- the file written again from what was read is the same file
    local tmp2 = os.tmpname()
    os.remove(tmp2)
    tmp2 = tmp2 .. ".vrt"
    assert(back:export_vrt(tmp2))
    assert.are.equal(read(tmp), read(tmp2))
    os.remove(tmp)
    os.remove(tmp2)
  end)

  it("writes the cwb-encode command that indexes the file", function()
    local c = assert(rostra.load(FIX .. "speeches.vrt"))
    local tmp = os.tmpname()
    local info = assert(c:export_vrt(tmp, { corpus = "Talks", data = "/srv/cwb/data",
                                            registry = "/srv/cwb/reg" }))
    assert.are.equal("cwb-encode -c utf8 -xsB -d /srv/cwb/data/talks -f " .. tmp .. " -R /srv/cwb/reg/talks"
      .. " -P lower -P stem -P lemma -P pos -S text:0+id+country+file+speaker+year -S segment:0+kind+n"
      .. " -S point:0+ordinal -S s:0+id+mood -S quotation:0+depth -S turn:0+speaker", info.command)
    assert.are.equal("cwb-make -r /srv/cwb/reg -V TALKS", info.make)
    local text = read(tmp)
    assert.truthy(text:find("<!-- #vrt positional-attributes: word lower stem lemma pos -->\n", 1, true))
    assert.truthy(text:find('<text id="chn-2020" country="CHN" file="chn-2020" speaker="Xi Jinping" '
      .. 'year="2020">\n', 1, true))
    assert.truthy(text:find("&lt;key&gt;\t&lt;key&gt;\t&lt;key&gt;\t&lt;key&gt;\tJJ\n", 1, true))
    os.remove(tmp)
  end)

  it("round-trips a plain-text corpus with the same counts for every attribute", function()
    local dir = support.corpus .. "/xi_en"
    if not support.have_corpus() then
      pending("../shared/corpus is missing")
      return
    end
    local c = assert(rostra.load(dir))
    local tmp = os.tmpname()
    os.remove(tmp)
    tmp = tmp .. ".vrt"
    assert(c:export_vrt(tmp))
    local back = assert(rostra.load(tmp))
    assert.are.same({ c:counts() }, { back:counts() })
    for _, a in ipairs { "word", "lower", "stem" } do
      assert.are.same(freq(c, a), freq(back, a), a)
    end
    for _, lv in ipairs { "segment", "point", "sentence", "quotation" } do
      local n1, n2 = 0, 0
      for _ in c:spans(lv) do n1 = n1 + 1 end
      for _ in back:spans(lv) do n2 = n2 + 1 end
      assert.are.equal(n1, n2, lv)
    end
    assert.are.equal(c:count('"shared" "future"'), back:count('"shared" "future"'))
    os.remove(tmp)
  end)
end)

describe("bad annotated input", function()
  local dir

  before_each(function() dir = tmpdir() end)
  after_each(function() rmdir(dir) end)

  local GOOD = "1\tPeace\tpeace\tNOUN\tNN\t_\t0\troot\t_\t_\n\n"

  it("names the file and line of a CoNLL-U line with the wrong number of columns", function()
    write(dir .. "/a.conllu", "# sent_id = 1\n1\tPeace\tpeace\tNOUN\n")
    local c, msg, code = rostra.load(dir .. "/a.conllu")
    assert.is_nil(c)
    assert.are.equal(dir .. "/a.conllu:2: 4 tab-separated fields, a CoNLL-U line has 10", msg)
    assert.are.equal("EPARSE", code)
  end)

  it("refuses a non-integer ID, naming it", function()
    write(dir .. "/a.conllu", GOOD .. "one\tPeace\tpeace\tNOUN\tNN\t_\t0\troot\t_\t_\n")
    local c, msg, code = rostra.load(dir .. "/a.conllu")
    assert.is_nil(c)
    assert.are.equal(dir .. "/a.conllu:3: bad ID 'one' (an integer, a range 1-2 or an empty node 1.1)", msg)
    assert.are.equal("EPARSE", code)
    write(dir .. "/b.conllu", "1\tA\ta\tX\t_\t_\t0\troot\t_\t_\n3\tB\tb\tX\t_\t_\t1\tdep\t_\t_\n")
    local _, msg2 = rostra.load(dir .. "/b.conllu")
    assert.are.equal(dir .. "/b.conllu:2: ID 3 out of order", msg2)
  end)

  it("refuses an unclosed structure tag in a VRT file", function()
    write(dir .. "/a.vrt", "<text id=\"x\">\n<s>\nPeace\n</text>\n")
    local c, msg, code = rostra.load(dir .. "/a.vrt")
    assert.is_nil(c)
    assert.are.equal(dir .. "/a.vrt:2: <s> is not closed before </text>", msg)
    assert.are.equal("EPARSE", code)
    write(dir .. "/b.vrt", "<p>\nPeace\n")
    local _, msg2 = rostra.load(dir .. "/b.vrt")
    assert.are.equal(dir .. "/b.vrt:1: <p> is never closed", msg2)
    write(dir .. "/c.vrt", "Peace\n</s>\n")
    local _, msg3 = rostra.load(dir .. "/c.vrt")
    assert.are.equal(dir .. "/c.vrt:2: </s> closes no open tag of its name", msg3)
  end)

  it("lists a bad file in the warnings of a folder load and loads the rest", function()
    write(dir .. "/a.conllu", GOOD)
    write(dir .. "/b.conllu", "1\tPeace\n")
    write(dir .. "/c.vrt", "<text id=\"c\">\n<s>\nWar\n</text>\n")
    write(dir .. "/d.txt", "Peace and development.")
    local c = assert(rostra.load(dir))
    local _, n = c:counts()
    assert.are.equal(2, n)
    local w = c:info().warnings
    assert.are.equal(2, #w)
    assert.truthy(w[1]:find("b.conllu:1: 2 tab-separated fields", 1, true), w[1])
    assert.truthy(w[2]:find("c.vrt:2: <s> is not closed before </text> (EPARSE)", 1, true), w[2])
    -- the text file has no lemma: its positions read __UNDEF__
    assert.are.equal("peace", c:token(1, "lemma"))
    assert.are.equal("__UNDEF__", c:token(2, "lemma"))
  end)

  it("reads a file that starts with a UTF-8 byte order mark or has CRLF line ends", function()
    write(dir .. "/a.conllu", "\239\187\191# newdoc id = x\r\n" .. GOOD:gsub("\n", "\r\n"))
    local c = assert(rostra.load(dir .. "/a.conllu"))
    assert.are.equal("x", c:meta(1).file)
    assert.are.equal("peace", c:token(1, "lemma"))
    assert.are.equal("root", c:token(1, "deprel"))
  end)

  it("refuses a column named as a built-in attribute, naming it", function()
    write(dir .. "/a.vrt", "<!-- #vrt positional-attributes: word stem -->\n<text>\nPeace\tpeac\n</text>\n")
    local c, msg = rostra.load(dir .. "/a.vrt")
    assert.is_nil(c)
    assert.truthy(msg:find("column 'stem' clashes with a built-in attribute", 1, true), msg)
    write(dir .. "/b.vrt", "<text>\nPeace\tpeace\n</text>\n")
    local _, msg2 = rostra.load(dir .. "/b.vrt")
    assert.truthy(msg2:find("2 columns but no names for them", 1, true), msg2)
  end)

  it("names a column with more distinct values than an attribute holds", function()
    -- the limit is 2^24; the loader's test knob lowers it to reach it here
    write(dir .. "/a.conllu", "1\tA\ta\tX\t_\t_\t0\troot\t_\t_\n2\tB\tb\tY\t_\t_\t1\tdep\t_\t_\n"
      .. "3\tC\tc\tZ\t_\t_\t1\tdep\t_\t_\n")
    local c = rostra.corpus()
    local got
    c._h:load_files({ dir .. "/a.conllu" }, 1, nil, function(_, _, _, r) got = r end, { xlimit = 2 })
    assert.are.equal(dir .. "/a.conllu:3: column 'lemma' has more than 2 distinct values "
      .. "(the limit of an attribute)", got.error)
    assert.are.equal("ELIMIT", got.code)
  end)
end)

describe("structures of annotated files", function()
  it("are levels of c:spans, with their attributes", function()
    local c = assert(rostra.load(FIX .. "speeches.vrt"))
    local turns = {}
    for s in c:spans("turn") do turns[#turns + 1] = { s.speech, s.start, s.stop, s.speaker, s.text } end
    assert.are.same({ { 2, 13, 16, "Biden", "We develop alliances ." } }, turns)
    local ids = {}
    for s in c:spans("sentence") do ids[#ids + 1] = s.id .. (s.mood and ("/" .. s.mood) or "") end
    assert.are.same({ "1", "2/decl", "3", "1" }, ids)
    assert.has_error(function() c:spans("chapter") end,
      "unknown level 'chapter' (valid: speech, segment, point, sentence, quotation, turn)")
  end)
end)
