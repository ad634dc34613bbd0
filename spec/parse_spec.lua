-- Transcript parsing: core.parse_speech and the Speech object.
local core = require "rostra.core"
local speech = require "rostra.speech"
local support = require "spec.support"

local FIX = "spec/fixtures/speech/"

local function parse(text, name)
  return speech.new(text, core.parse_speech(text, name), {name = name})
end

local function parse_file(path)
  return parse(support.read(path), path)
end

local function list(iter)
  local out = {}
  for x in iter do out[#out + 1] = x end
  return out
end

local function kinds(sp)
  local out = {}
  for seg in sp:segments() do out[#out + 1] = seg.kind end
  return out
end

describe("rostra.speech", function()
  describe("the seed transcript", function()
    local seedpath = support.exists(support.seed) and support.seed or support.sample
    local text = support.read(seedpath)
    local sp = parse(text, seedpath)
    local ok, lyaml = pcall(require, "lyaml")
    local expected
    local yamlpath = support.seed:gsub("%.txt$", ".expected.yaml")
    if ok and support.exists(yamlpath) then
      expected = lyaml.load(support.read(yamlpath))
    end

    it("examples/sample.txt is the seed, byte for byte", function()
      if not support.exists(support.seed) then return pending("../shared/seed not found") end
      assert.are.equal(support.read(support.seed), support.read(support.sample))
    end)

    it("has every metadata value", function()
      local want = expected and expected.metadata or {
        title = "Xi Jinping speech at the 20th meeting of the Council of Heads of State"
          .. " of Shanghai Cooperation Organization",
        speaker = "Xi Jinping", role = "President of the People’s Republic of China",
        date = "2020-11-10", place = "Beijing", source = "YCPress",
      }
      for k, v in pairs(want) do assert.are.equal(v, sp.meta[k], k) end
      assert.are.equal("en", sp.meta.lang)
    end)

    it("marks the six header lines as boilerplate with their reason", function()
      local want = expected and expected.boilerplate or {
        {line = 1, why = "breadcrumb"}, {line = 2, why = "title"}, {line = 4, why = "title"},
        {line = 6, why = "byline"}, {line = 8, why = "dateline"}, {line = 10, why = "speaker"},
      }
      assert.are.equal(#want, #sp.boilerplate)
      for i, b in ipairs(want) do
        assert.are.equal(b.line, sp.boilerplate[i].line)
        assert.are.equal(b.why, sp.boilerplate[i].why)
      end
    end)

    it("finds every segment with its line, kind, text and point", function()
      if not expected then return pending("lyaml or the expected yaml not available") end
      local segs = sp:segments()
      assert.are.equal(#expected.segments, #segs)
      for i, e in ipairs(expected.segments) do
        local s = segs[i]
        assert.are.equal(e.line, s.line, "segment " .. i)
        assert.are.equal(e.kind, s.kind, "segment " .. i)
        if e.text then assert.are.equal(e.text, s.text, "segment " .. i) end
        assert.are.equal(e.point, s.point, "segment " .. i)
      end
    end)

    it("covers every non-empty line from the body on, each in one segment", function()
      local lines, n = {}, 0
      for line in (text .. "\n"):gmatch("([^\n]*)\n") do
        n = n + 1
        if n >= 12 and line:match("%S") then lines[#lines + 1] = {n = n, text = line} end
      end
      local segs = sp:segments()
      assert.are.equal(#lines, #segs)
      for i, l in ipairs(lines) do
        assert.are.equal(l.n, segs[i].line)
        assert.are.equal(l.text:match("^%s*(.-)%s*$"), segs[i].text)
        assert.are.equal(segs[i].text, text:sub(segs[i].start, segs[i].stop))
      end
    end)

    it("finds the four points with markers and headings", function()
      local want = expected and expected.points or {}
      local pts = sp:points()
      assert.are.equal(4, #pts)
      for i, e in ipairs(want) do
        assert.are.equal(e.ordinal, pts[i].ordinal)
        assert.are.equal(e.marker, pts[i].marker)
        assert.are.equal(e.heading, pts[i].heading)
      end
      assert.are.same({9, 10}, pts[1].segments)
      assert.are.same({15, 16, 17}, pts[4].segments)
      assert.are.equal(15, pts[4].first)
      assert.are.equal(17, pts[4].last)
    end)

    it("finds the 13 quotations in order", function()
      local qs = sp:quotations()
      local want = expected and expected.quotations
      assert.are.equal(13, #qs)
      if want then
        for i, q in ipairs(want) do assert.are.equal(q, qs[i].text) end
      end
      for _, q in ipairs(qs) do
        local span = text:sub(q.start, q.stop)
        assert.are.equal("\226\128\156", span:sub(1, 3)) -- “
        assert.are.equal("\226\128\157", span:sub(-3))   -- ”
      end
    end)

    it("splits sentences inside segments", function()
      local sents = sp:sentences()
      assert.is_true(#sents > 40)
      assert.are.equal("Dear President Putin", sents[1].text)
      for _, s in ipairs(sents) do
        local seg = sp:segments()[s.segment]
        assert.is_true(s.start >= seg.start and s.stop <= seg.stop)
      end
    end)

    it("iterates and prints, and turns into a plain table", function()
      assert.are.equal(24, #list(sp:segments()))
      assert.are.equal(4, #list(sp:points()))
      local s = tostring(sp)
      assert.truthy(s:find("Xi Jinping", 1, true))
      assert.truthy(s:find("closing", 1, true))
      local t = sp:to_table()
      assert.is_nil(getmetatable(t))
      assert.are.equal("2020-11-10", t.meta.date)
      assert.are.equal(24, #t.segments)
      if core.tokenize then
        local toks = sp:tokens()
        assert.is_true(#toks > 1000)
      end
    end)

    it("gives the same result with CRLF line ends and a BOM", function()
      local crlf = "\239\187\191" .. text:gsub("\n", "\r\n")
      local sp2 = parse(crlf)
      assert.are.same(sp.meta, sp2.meta)
      local a, b = sp:segments(), sp2:segments()
      assert.are.equal(#a, #b)
      for i = 1, #a do
        assert.are.equal(a[i].text, b[i].text)
        assert.are.equal(a[i].line, b[i].line)
        assert.are.equal(a[i].kind, b[i].kind)
        assert.are.equal(a[i].point, b[i].point)
      end
      for i = 1, #sp.boilerplate do
        assert.are.equal(sp.boilerplate[i].line, sp2.boilerplate[i].line)
        assert.are.equal(sp.boilerplate[i].why, sp2.boilerplate[i].why)
      end
      assert.are.equal(#sp:quotations(), #sp2:quotations())
      assert.are.equal(#sp:sentences(), #sp2:sentences())
    end)
  end)

  describe("header shapes", function()
    it("reads a byline, a dateline with Nov. 10th and a speaker line", function()
      local sp = parse_file(FIX .. "header_byline.txt")
      assert.are.equal("Remarks by President Jane Doe at the Freedonia Summit", sp.meta.title)
      assert.are.equal("Jane Doe", sp.meta.speaker)
      assert.are.equal("Prime Minister of Freedonia", sp.meta.role)
      assert.are.equal("2020-11-10", sp.meta.date)
      assert.are.equal("Example News", sp.meta.source)
      local why = {}
      for _, b in ipairs(sp.boilerplate) do why[#why + 1] = b.line .. ":" .. b.why end
      assert.are.same({"1:title", "3:byline", "5:dateline", "7:speaker"}, why)
    end)

    it("reads a place before the date", function()
      local sp = parse_file(FIX .. "header_dateline.txt")
      assert.are.equal("Geneva", sp.meta.place)
      assert.are.equal("2020-11-10", sp.meta.date)
      assert.are.equal("Statement of the Delegation", sp.meta.title)
    end)

    it("understands the common date forms", function()
      local forms = {
        "(November 10, 2020, Beijing)", "10 November 2020", "Nov. 10, 2020", "2020-11-10",
        "November 10th, 2020", "Tuesday, November 10, 2020", "10 de noviembre de 2020",
        "10 novembre 2020",
      }
      for _, d in ipairs(forms) do
        local sp = parse("A Title For The Speech\n\n" .. d .. "\n\nDear friends,\n\nWe are here.\n")
        assert.are.equal("2020-11-10", sp.meta.date, d)
        assert.are.equal("A Title For The Speech", sp.meta.title, d)
      end
    end)

    it("does not eat the first paragraph of a file without a header", function()
      local sp = parse_file(FIX .. "ungdc_plain.txt")
      assert.are.equal(0, #sp.boilerplate)
      local segs = sp:segments()
      assert.are.equal(1, segs[1].line)
      assert.are.equal("It is an honour to address the General Assembly.", segs[1].text)
      assert.is_nil(sp.meta.title)
    end)
  end)

  describe("paragraph conventions", function()
    it("joins hard-wrapped lines between blank lines, and finds a heading", function()
      local sp = parse_file(FIX .. "wrapped_blank.txt")
      assert.are.equal("blank", sp.convention)
      assert.are.same({"salutation", "paragraph", "paragraph", "heading", "paragraph", "closing"}, kinds(sp))
      local p = sp:segments()[2]
      assert.are.equal(6, p.line)
      assert.truthy(p.text:find("old typewriter at", 1, true))
      assert.falsy(p.text:find("\n", 1, true))
      assert.are.equal("A Heading In Title Case", sp:segments()[4].text)
    end)

    it("cuts paragraphs at indented first lines", function()
      local sp = parse_file(FIX .. "indent.txt")
      assert.are.equal("indent", sp.convention)
      local segs = sp:segments()
      assert.are.equal(3, #segs)
      assert.are.same({1, 5, 8}, {segs[1].line, segs[2].line, segs[3].line})
      assert.truthy(segs[1].text:find("^This paragraph"))
    end)

    it("cuts one long Chinese line at runs of ideographic spaces", function()
      local sp = parse_file(FIX .. "zh_ideographic.txt")
      assert.is_true(sp._raw.ideographic)
      assert.are.equal("zh", sp.meta.lang)
      assert.are.equal("习近平", sp.meta.speaker)
      assert.are.equal("中华人民共和国主席", sp.meta.role)
      assert.are.equal("2020-11-10", sp.meta.date)
      assert.are.equal("北京", sp.meta.place)
      local segs = sp:segments()
      assert.are.equal("salutation", segs[1].kind)
      assert.are.equal("尊敬的各位同事，女士们、先生们：", segs[1].text)
      assert.are.equal("closing", segs[#segs].kind)
      assert.are.equal("谢谢大家。", segs[#segs].text)
      for _, s in ipairs(segs) do assert.are.equal(1, s.line) end
    end)
  end)

  describe("salutations and closings", function()
    it("knows many salutation forms, one per segment", function()
      local forms = {"Dear colleagues:", "Your Excellency President Vladimir Putin,", "Excellencies,",
        "Mr. President,", "Madam Chair,", "Ladies and gentlemen,", "Colleagues!", "Friends,",
        "Distinguished delegates,", "Mr. President, Excellencies, Ladies and gentlemen,",
        "Mesdames et Messieurs,", "Señoras y señores:", "女士们、先生们："}
      for _, f in ipairs(forms) do
        local sp = parse(f .. "\n\nWe meet today in difficult times, and we must act together for peace.\n")
        assert.are.same({"salutation", "paragraph"}, kinds(sp), f)
      end
    end)

    it("keeps a paragraph that starts with a vocative a paragraph", function()
      local sp = parse_file(FIX .. "header_byline.txt")
      local segs = sp:segments()
      assert.are.equal("salutation", segs[1].kind)
      assert.are.equal("Mr. President, Excellencies, Ladies and gentlemen,", segs[1].text)
      assert.are.equal("paragraph", segs[2].kind)
      assert.are.equal("salutation", segs[5].kind) -- Colleagues!
    end)

    it("knows closings in several languages", function()
      local forms = {"Thank you.", "thank you all.", "Thank you very much.", "God bless America.",
        "Long live the friendship between our peoples!", "Vive la République !",
        "Je vous remercie.", "Muchas gracias.", "谢谢大家！"}
      for _, f in ipairs(forms) do
        local sp = parse("We meet today in difficult times, and we must act together for peace.\n\n"
          .. f .. "\n")
        assert.are.same({"paragraph", "closing"}, kinds(sp), f)
      end
      local fr = parse_file(FIX .. "fr.txt")
      assert.are.same({"salutation", "paragraph", "paragraph", "closing", "closing"}, kinds(fr))
    end)

    it("splits a salutation glued to a one-line transcript", function()
      local body = ("We have met many challenges this year. "):rep(10)
      local sp = parse("Mr. Speaker, Mr. Vice President, Members of Congress: " .. body)
      local segs = sp:segments()
      assert.are.equal("salutation", segs[1].kind)
      assert.are.equal("Mr. Speaker, Mr. Vice President, Members of Congress:", segs[1].text)
      assert.are.equal("paragraph", segs[2].kind)
    end)
  end)

  describe("points", function()
    it("needs a sequence: a lone First is not a point", function()
      local sp = parse_file(FIX .. "ungdc_plain.txt")
      assert.are.equal(0, #sp:points())
      local sp2 = parse_file(FIX .. "points.txt")
      local pts = sp2:points()
      assert.are.equal(4, #pts)
      assert.is_nil(sp2:segments()[2].point)
      assert.are.same({"1.", "2.", "(1)", "(2)"},
        {pts[1].marker, pts[2].marker, pts[3].marker, pts[4].marker})
      assert.are.equal("Peace must be restored everywhere on the continent.", pts[1].heading)
      assert.are.equal("Fair rules.", pts[4].heading)
      assert.are.equal(1, pts[3].ordinal)
    end)

    it("knows Firstly, French, Spanish and Chinese ordinals", function()
      local en = parse_file(FIX .. "header_byline.txt"):points()
      assert.are.same({"Firstly", "Secondly"}, {en[1].marker, en[2].marker})
      assert.are.equal("we must act together.", en[1].heading)
      local fr = parse_file(FIX .. "fr.txt"):points()
      assert.are.same({"Premièrement", "Deuxièmement"}, {fr[1].marker, fr[2].marker})
      local es = parse_file(FIX .. "es.txt"):points()
      assert.are.same({"En primer lugar", "En segundo lugar"}, {es[1].marker, es[2].marker})
      assert.are.equal("debemos proteger a los más vulnerables.", es[2].heading)
      local zh = parse_file(FIX .. "zh_ideographic.txt"):points()
      assert.are.same({"一是", "二是", "第一", "第二"}, {zh[1].marker, zh[2].marker, zh[3].marker, zh[4].marker})
      assert.are.equal("加强合作。", zh[3].heading)
    end)

    it("ends a point at a salutation, the closing or the next point", function()
      local sp = parse("Friends,\n\nFirst, we act. Now.\n\nMore on that.\n\nSecond, we build.\n\n"
        .. "Colleagues!\n\nNot a point any more.\n\nThank you.\n")
      local p = {}
      for seg in sp:segments() do p[#p + 1] = seg.point or 0 end
      assert.are.same({0, 1, 1, 2, 0, 0, 0}, p)
    end)
  end)

  describe("quotations", function()
    it("handles nested and typographic quotes and apostrophes", function()
      local sp = parse_file(FIX .. "quotes.txt")
      local got = {}
      for q in sp:quotations() do got[#got + 1] = q.depth .. ":" .. q.text end
      assert.are.same({
        "0:We must remember ‘the Shanghai Spirit’ and what it means.", "1:the Shanghai Spirit",
        "0:a \"new\" era", "1:new", "0:la paix", "0:Frieden", "0:和平", "0:和谐",
      }, got)
      local zh = parse_file(FIX .. "zh_ideographic.txt"):quotations()
      assert.are.equal("上海精神", zh[2].text)
    end)
  end)

  describe("bad input", function()
    it("parses empty and blank text to a speech without segments", function()
      for _, t in ipairs({"", "\n\n", "   \r\n\t"}) do
        local sp = parse(t)
        assert.are.equal(0, #sp:segments())
        assert.are.equal(0, #sp:sentences())
        assert.are.same({}, sp.warnings)
      end
    end)

    it("warns about invalid UTF-8 and never fails", function()
      local sp = parse("Dear friends,\n\nWe \147must\148 act \0 now.\n", "cp1252.txt")
      assert.are.equal(2, #sp:segments())
      local codes = {}
      for _, w in ipairs(sp.warnings) do codes[w.code] = w end
      assert.truthy(codes.EUTF8)
      assert.are.equal(2, codes.EUTF8.count)
      assert.are.equal(3, codes.EUTF8.line)
      assert.truthy(codes.EUTF8.message:find("^cp1252.txt:3:"))
      assert.truthy(codes.ENUL)
    end)

    it("survives random bytes", function()
      math.randomseed(42)
      for _ = 1, 200 do
        local t = {}
        for i = 1, math.random(0, 300) do t[i] = string.char(math.random(0, 255)) end
        local s = table.concat(t)
        local ok, err = pcall(core.parse_speech, s)
        assert.is_true(ok, err)
      end
    end)

    it("raises on a non-string", function()
      assert.has_error(function() core.parse_speech(42) end)
      assert.has_error(function() core.parse_speech() end)
    end)

    it("parses a long text without blank lines in linear time", function()
      local para = ("The assembly met again and spoke at length about peace. "):rep(20)
      local small = (para .. "\n"):rep(200)
      local big = small:rep(32)
      -- the best of five runs each, so that a busy machine (or a sanitizer
      -- build) does not fail it: a linear parser takes about 32 times as
      -- long on the big text, a quadratic one about 1,000 times
      local function best(text)
        local b = math.huge
        for _ = 1, 5 do
          local t0 = os.clock(); core.parse_speech(text); b = math.min(b, os.clock() - t0)
        end
        return b
      end
      local t1, t2 = best(small), best(big)
      assert.is_true(t2 < t1 * 32 * 6 + 0.05, ("%.3f vs %.3f"):format(t2, t1))
      local oneline = para:rep(400)
      local t0 = os.clock(); local r = core.parse_speech(oneline); local t3 = os.clock() - t0
      assert.are.equal(1, #r.segments)
      assert.is_true(t3 < 2)
    end)

    it("reports not enough memory and leaks nothing", function()
      if not core._failalloc then return pending("no core._failalloc") end
      local text = support.read(FIX .. "header_byline.txt")
      core._failalloc(nil)
      core._failalloc(1000000)
      core.parse_speech(text)
      local total = core._failalloc(nil)
      assert.is_true(total > 5)
      for k = 1, total do
        core._failalloc(k)
        local ok, err = pcall(core.parse_speech, text)
        core._failalloc(nil)
        if not ok then assert.truthy(tostring(err):find("not enough memory", 1, true)) end
      end
      collectgarbage()
    end)
  end)

  describe("the corpus #corpus", function()
    it("parses every file and finds speakers and dates", function()
      if not support.have_corpus() then return pending("../shared/corpus not found") end
      local folders = {"xi_en", "uspres/sotu", "uspres/inaugural", "ungdc/sample_2020-2024",
        "multilingual/zh", "multilingual/fr", "multilingual/es", "multilingual/udhr"}
      local report = {}
      for _, f in ipairs(folders) do
        local files = support.files(support.corpus .. "/" .. f, "%.txt$")
        local n, speaker, date = 0, 0, 0
        for _, path in ipairs(files) do
          local text = support.read(path)
          local raw = core.parse_speech(text, path)
          assert.is_table(raw, path)
          n = n + 1
          if raw.meta.speaker then speaker = speaker + 1 end
          if raw.meta.date then date = date + 1 end
          for _, s in ipairs(raw.segments) do
            assert.is_true(s.start >= 1 and s.stop <= #text and s.start <= s.stop + 1, path)
          end
        end
        if n > 0 then
          report[#report + 1] = ("%-24s %4d files  speaker %5.1f%%  date %5.1f%%"):format(
            f, n, 100 * speaker / n, 100 * date / n)
        end
      end
      print("\nspeaker and date found in the text, per folder:\n  " .. table.concat(report, "\n  "))
    end)
  end)
end)
