-- Scraped pages as analysts get them: site layouts, page furniture, turns.
-- Every fixture in spec/fixtures/pages/ was written for these specs in the
-- style of a source (no text copied); the values below were read off the
-- fixtures by hand.
local rostra = require "rostra"
local support = require "spec.support"

local FIX = "spec/fixtures/pages/"

local function parse(name)
  local sp = assert(rostra.parse_file(FIX .. name))
  return sp
end

local function whys(sp)
  local out = {}
  for _, b in ipairs(sp.boilerplate) do out[b.line] = b.why end
  return out
end

local function speakers(sp)
  local out, seen = {}, {}
  for t in sp:turns() do
    local s = t.speaker or "?"
    if not seen[s] then seen[s] = true; out[#out + 1] = s end
  end
  return out
end

-- meta: the values the page gives; first/last: lines of the first and last
-- segment (the body without furniture); last_text: the speech's last words;
-- turns: number of turns; who: speakers in order of their first turn;
-- why: the reason of some furniture lines
local PAGES = {
  ["whitehouse_remarks.txt"] = {
    meta = { title = "Remarks by President Harlan on the Bridge Repair Program", speaker = "Harlan",
             role = "President", date = "2023-03-14", place = "Washington, D.C." },
    first = 10, last = 28, last_text = "Then we keep working.  Thank you, everybody.",
    turns = 5, who = { "Harlan", "Q" },
    why = { [1] = "breadcrumb", [2] = "breadcrumb", [3] = "title", [4] = "dateline", [5] = "dateline",
            [6] = "dateline", [8] = "time", [16] = "note", [30] = "time", [32] = "footer",
            [36] = "footer" },
  },
  ["whitehouse_briefing.txt"] = {
    meta = { speaker = "Dana Whitfield", role = "Press Secretary", date = "2022-06-02",
             place = "James S. Brady Press Briefing Room" },
    first = 7, last = 21, last_text = "Thanks, everybody.",
    turns = 11, who = { "Dana Whitfield", "Omar Castell", "Q" },
    why = { [2] = "breadcrumb", [3] = "title", [4] = "dateline", [6] = "time", [22] = "time" },
  },
  ["kremlin_meeting.txt"] = {
    meta = { title = "Meeting with Government members", speaker = "Vladimir Sokolov",
             role = "President of Russia", date = "2020-11-10", place = "Novo-Ogaryovo, Moscow Region" },
    first = 6, last = 14, last_text = "Good. Thank you. Let us move on to the next item.",
    turns = 5, who = { "Vladimir Sokolov", "Pavel Orlov" },
    why = { [1] = "title", [2] = "lede", [3] = "dateline", [4] = "time", [5] = "dateline",
            [15] = "footer", [18] = "footer" },
  },
  ["kremlin_address.txt"] = {
    meta = { title = "Address to the citizens of Russia", speaker = "Vladimir Sokolov",
             role = "President of Russia", date = "2018-03-23", place = "The Kremlin, Moscow" },
    first = 6, last = 10, last_text = "Thank you.", turns = 1, who = { "Vladimir Sokolov" },
    why = { [2] = "lede", [11] = "footer", [14] = "footer" },
  },
  ["govuk_pm.txt"] = {
    meta = { title = "PM remarks at the Coastal Recovery Summit: 21 May 2021", speaker = "Edward Marsh",
             date = "2021-05-21", source = "Prime Minister's Office, 10 Downing Street" },
    first = 11, last = 19, last_text = "Thank you very much.", turns = 1, who = { "Edward Marsh" },
    why = { [1] = "breadcrumb", [2] = "title", [3] = "lede", [5] = "byline", [21] = "footer",
            [26] = "footer", [33] = "footer" },
  },
  ["govuk_minister.txt"] = {
    meta = { title = "Foreign Secretary's speech on the future of development", speaker = "Helen Carver",
             role = "Foreign Secretary", date = "2022-03-02", place = "Chatham House, London",
             source = "Foreign, Commonwealth & Development Office" },
    first = 9, last = 21, last_text = "Thank you.", turns = 1,
    why = { [3] = "lede", [4] = "byline", [23] = "footer", [29] = "footer" },
  },
  ["pib_address.txt"] = {
    meta = { speaker = "Arvind Rao", role = "Prime Minister", date = "2022-08-15", source = "PIB Delhi" },
    first = 4, last = 14, last_text = "Thank you very much!", turns = 1,
    why = { [1] = "byline", [2] = "title", [3] = "dateline", [15] = "footer", [16] = "footer",
            [17] = "footer", [18] = "footer" },
  },
  ["pib_rendering.txt"] = {
    meta = { title = "English rendering of PM's address at the Digital India Week", date = "2022-07-04",
             source = "PIB Ahmedabad" },
    no = { "speaker" },
    first = 4, last = 11, last_text = "Thank you!", turns = 1,
    why = { [12] = "footer", [13] = "footer", [15] = "footer" },
  },
  ["agency_fulltext.txt"] = {
    meta = { title = "Full text of Chinese President's speech at the Forum on Green Development",
             speaker = "Zhao Wen", role = "President of the People's Republic of China",
             date = "2021-04-22", place = "Beijing", source = "Xinhua" },
    first = 12, last = 18, last_text = "Thank you.", turns = 1,
    why = { [1] = "breadcrumb", [2] = "title", [3] = "title", [4] = "byline", [5] = "lede", [6] = "lede",
            [11] = "dateline", [19] = "footer", [20] = "footer", [21] = "footer", [23] = "footer" },
  },
  ["news_remarks.txt"] = {
    meta = { title = "President Okafor's speech at the Lagos Investment Summit", speaker = "Samuel Okafor",
             role = "President", date = "2019-11-08", place = "Lagos", source = "Daily Ledger Staff" },
    first = 7, last = 11, last_text = "Thank you and God bless.", turns = 1,
    why = { [1] = "breadcrumb", [4] = "byline", [5] = "dateline", [6] = "lede", [12] = "footer",
            [18] = "footer", [20] = "footer" },
  },
  ["agency_dateline.txt"] = {
    meta = { title = 'Premier Lindqvist: "We will rebuild stronger"', speaker = "Karin Lindqvist",
             place = "Nordhaven", source = "NAP" },
    no = { "date" },
    first = 4, last = 8, last_text = "Good night.", turns = 1,
    why = { [3] = "lede", [9] = "footer" },
    warns = { "NOYEAR" },
  },
  ["mfa_spokesperson.txt"] = {
    meta = { speaker = "Li Hua", role = "Foreign Ministry Spokesperson", date = "2023-03-03" },
    first = 4, last = 10, last_text = "We will release information in due course.",
    turns = 6, who = { "CCTV", "Li Hua", "Reuters", "AFP" },
    why = { [1] = "breadcrumb", [2] = "title", [3] = "dateline", [11] = "footer", [12] = "footer" },
  },
  ["mfa_qa.txt"] = {
    meta = { speaker = "Anil Mehra", role = "Official Spokesperson", date = "2022-09-08",
             place = "New Delhi" },
    first = 4, last = 11, last_text = "Thank you all for joining us.",
    turns = 5, who = { "Anil Mehra", "Q" },
    why = { [12] = "note", [13] = "footer", [14] = "footer" },
  },
  ["un_statement.txt"] = {
    meta = { speaker = "Tomas Verde", role = "Prime Minister of the Republic of Costa Verde",
             date = "2021-09-24", place = "New York" },
    first = 7, last = 23, last_text = "I thank you.", turns = 1,
    why = { [1] = "note", [3] = "title", [5] = "dateline" },
  },
  ["un_mission.txt"] = {
    meta = { speaker = "Ana Lind", role = "Minister for Foreign Affairs of Norland", date = "2022-09-23",
             place = "New York", source = "Permanent Mission of Norland to the United Nations" },
    first = 15, last = 23, last_text = "Thank you, Mr. President.", turns = 1,
    why = { [1] = "byline", [3] = "title", [5] = "speaker", [11] = "dateline", [13] = "note" },
  },
  ["ga_record.txt"] = {
    meta = { speaker = "Tomas Verde", date = "2021-09-21", place = "New York" },
    first = 11, last = 18, turns = 5, who = { "The President", "Tomas Verde", "Ana Lind" },
    why = { [5] = "dateline", [7] = "note", [8] = "note", [16] = "note", [19] = "footer", [21] = "footer" },
  },
  ["ga_record2.txt"] = {
    meta = { speaker = "Jonas Petrauskas", role = "President of the Republic of Veltria",
             date = "2022-09-22", place = "New York" },
    first = 8, last = 15, turns = 4, who = { "The Acting President", "Jonas Petrauskas" },
    why = { [5] = "note", [6] = "note", [9] = "note", [16] = "note", [17] = "footer" },
  },
  ["party_blog.txt"] = {
    meta = { title = "Leader's speech to the Spring Conference", date = "2019-06-03",
             source = "Press Office" },
    first = 8, last = 13, last_text = "Thank you.", turns = 1,
    why = { [1] = "breadcrumb", [3] = "breadcrumb", [14] = "footer", [22] = "footer", [23] = "footer" },
  },
  ["markdown_page.txt"] = {
    meta = { title = "Address of the Mayor on the opening of the new library", speaker = "Teresa Quintana",
             role = "Mayor", date = "2018-10-12", place = "Valmont" },
    first = 5, last = 13, last_text = "Thank you, and enjoy your library.", turns = 1,
    why = { [15] = "footer", [17] = "footer" },
  },
  ["plain_statement.txt"] = {
    meta = { title = "Statement of the President on the anniversary of independence", date = "2020-08-17",
             source = "Office of the President" },
    first = 5, last = 9, last_text = "Merdeka!", turns = 1,
  },
  -- written as a second set, with these values, before the parser was run on them
  ["whitehouse_statement.txt"] = {
    meta = { title = "Statement from President Harlan on the Anniversary of the Clean Water Act",
             speaker = "Harlan", role = "President", date = "2022-10-18" },
    first = 5, last = 7, turns = 1, why = { [1] = "breadcrumb", [4] = "dateline", [8] = "footer" },
  },
  ["whitehouse_gaggle.txt"] = {
    meta = { speaker = "Dana Whitfield", role = "Press Secretary", date = "2022-04-05",
             place = "En Route Raleigh, North Carolina" },
    first = 7, last = 12, turns = 5, who = { "Dana Whitfield", "Q" },
    why = { [6] = "time", [13] = "time" },
  },
  ["kremlin_pressconf.txt"] = {
    meta = { title = "News conference following talks with the President of Veltria",
             speaker = "Vladimir Sokolov", role = "President of Russia", date = "2022-06-14",
             place = "The Kremlin, Moscow" },
    first = 6, last = 11, turns = 5, who = { "Vladimir Sokolov", "Jonas Petrauskas", "Q" },
    why = { [12] = "footer", [14] = "footer" },
  },
  ["govuk_oral.txt"] = {
    meta = { title = "Oral statement to Parliament on flood recovery", speaker = "Clara Penrose",
             date = "2023-01-11", source = "Department for Environment, Food & Rural Affairs" },
    first = 10, last = 13, last_text = "I commend this statement to the House.", turns = 1,
    why = { [14] = "footer", [21] = "footer" },
  },
  ["pib_interaction.txt"] = {
    meta = { title = "PM interacts with beneficiaries of the housing scheme", date = "2023-03-02",
             source = "PIB Delhi", speaker = "Prime Minister" },
    first = 4, last = 8, turns = 5, who = { "Prime Minister", "Beneficiary" },
  },
  ["agency_xinhua.txt"] = {
    meta = { title = "Full text: Speech by Chinese Premier at the Summer Davos opening",
             speaker = "Liang Qiang",
             role = "Premier of the State Council of the People's Republic of China", date = "2023-06-27",
             place = "Tianjin", source = "Xinhua" },
    first = 9, last = 16, turns = 1, why = { [3] = "lede", [4] = "lede", [17] = "footer" },
  },
  ["mfa_remarks.txt"] = {
    meta = { speaker = "Pavel Orlov", role = "Foreign Minister", date = "2022-05-12", place = "Moscow" },
    first = 2, last = 7, turns = 5,
  },
  ["un_sg_remarks.txt"] = {
    meta = { title = "Secretary-General's remarks to the Security Council on climate and security",
             date = "2023-02-13", place = "New York" },
    first = 4, last = 8, turns = 1, why = { [3] = "note" },
  },
  ["ga_record3.txt"] = {
    meta = { title = "12th plenary meeting", date = "2023-09-23", place = "New York",
             speaker = "Omar Haddad" },
    first = 11, last = 18, turns = 6, who = { "The President", "Omar Haddad", "Ines Moreau", "Verde" },
  },
  ["blog_mayor.txt"] = {
    meta = { title = "Mayor Rivera's State of the City Address", speaker = "Rivera", role = "Mayor",
             date = "2020-03-03" },
    first = 6, last = 10, turns = 1, why = { [11] = "footer", [17] = "footer" },
  },
  ["agency_ap.txt"] = {
    meta = { title = "Text of the governor's address on the state budget", speaker = "Maria Delgado",
             date = "2021-03-02", place = "Springfield, Ill.", source = "The Associated Press" },
    first = 6, last = 9, turns = 1, why = { [5] = "lede", [10] = "footer", [11] = "footer" },
  },
  ["chancellery.txt"] = {
    meta = { title = "Speech by Federal Chancellor Anna Weber at the Munich Security Conference",
             speaker = "Anna Weber", role = "Federal Chancellor", date = "2023-02-18", place = "Munich" },
    first = 5, last = 10, turns = 1, why = { [4] = "note", [11] = "footer" },
  },
  -- a third set, also written with its values first; scored before any change
  ["whitehouse_vp.txt"] = {
    meta = { title = "Remarks by Vice President Ortiz at a Campaign Event | Phoenix, AZ",
             speaker = "Ortiz",
             role = "Vice President", date = "2024-09-09", place = "Phoenix, Arizona" },
    first = 8, last = 14, turns = 3, why = { [10] = "note", [15] = "time" },
  },
  ["kremlin_interview.txt"] = {
    meta = { title = "Interview to Rossiya television channel", speaker = "Vladimir Sokolov",
             date = "2023-12-03" },
    first = 4, last = 8, turns = 4, who = { "Pavel Zarubin", "Vladimir Sokolov" },
  },
  ["govuk_chancellor.txt"] = {
    meta = { title = "Chancellor's speech at the Mansion House dinner", speaker = "Oliver Grant",
             role = "Chancellor", date = "2022-05-04", source = "HM Treasury" },
    first = 7, last = 13, turns = 1, why = { [14] = "footer", [17] = "footer" },
  },
  ["pib_president.txt"] = {
    meta = { title = "Text of President's address to the nation on the eve of the Independence Day",
             date = "2023-08-14", source = "PIB Delhi" },
    no = { "speaker" }, first = 4, last = 8, turns = 1,
  },
  ["mfa_qa_short.txt"] = {
    meta = { speaker = "Zhou Lan", role = "Foreign Ministry Spokesperson", date = "2024-07-04" },
    first = 3, last = 7, turns = 4, who = { "Q", "Zhou Lan" },
  },
  ["un_delegation.txt"] = {
    meta = { title = "Statement by the Delegation of Norland", date = "2022-10-05", place = "New York" },
    no = { "speaker" }, first = 4, last = 7, turns = 1, why = { [2] = "note" },
  },
  ["news_rally.txt"] = {
    meta = { title = "Transcript: Prime Minister Lee's National Day Rally speech", speaker = "Lee",
             role = "Prime Minister", date = "2023-08-20", source = "Reporting Team" },
    first = 5, last = 8, turns = 1, why = { [9] = "footer", [10] = "footer" },
  },
  ["parliament_hansard.txt"] = {
    meta = { title = "Energy Prices", date = "2023-03-14", speaker = "Edward Marsh",
             role = "Prime Minister" },
    first = 4, last = 9, turns = 4, who = { "Edward Marsh", "Speaker", "Alan Boyd" },
  },
  ["presidency_elysee.txt"] = {
    meta = { speaker = "Emile Durand", role = "President of the Republic", date = "2022-08-29",
             place = "Paris" },
    first = 3, last = 9, turns = 1,
  },
  ["blog_oped.txt"] = {
    meta = { title = "Why we must act now on climate", speaker = "Jane Holt", role = "Senator",
             date = "2021-04-22" },
    first = 7, last = 13, turns = 1, why = { [15] = "footer", [17] = "footer" },
  },
  ["bare_speech.txt"] = {
    meta = {}, no = { "title", "speaker", "date" }, first = 1, last = 5, turns = 1,
  },
  ["news_interview.txt"] = {
    meta = { title = "Interview: Energy Minister on the winter outlook", speaker = "Tom Ashe",
             role = "Energy Minister", date = "2022-11-02" },
    first = 5, last = 8, turns = 4, who = { "Q", "Tom Ashe" }, why = { [4] = "lede" },
  },
}

describe("rostra.parse on scraped pages", function()
  local names = {}
  for name in pairs(PAGES) do names[#names + 1] = name end
  table.sort(names)

  it("has a spec for every fixture, two or more per kind of site", function()
    local files = support.files(FIX, "%.txt$")
    assert.are.equal(#names, #files)
    local kinds = {}
    for _, name in ipairs(names) do
      local kind = name:match("^(%a+)_") or name:match("^(%a+)")
      kinds[kind] = (kinds[kind] or 0) + 1
    end
    for _, kind in ipairs({"whitehouse", "kremlin", "govuk", "pib", "agency", "mfa", "un", "ga"}) do
      assert.is_true((kinds[kind] or 0) >= 2, kind)
    end
  end)

  for _, name in ipairs(names) do
    local want = PAGES[name]
    describe(name, function()
      local sp = parse(name)
      it("gives the metadata the page gives", function()
        for k, v in pairs(want.meta) do assert.are.equal(v, sp.meta[k], k) end
        for _, k in ipairs(want.no or {}) do assert.is_nil(sp.meta[k], k) end
      end)
      it("keeps the speech alone in the segments", function()
        local segs = sp:segments()
        assert.are.equal(want.first, segs[1].line)
        assert.are.equal(want.last, segs[#segs].line)
        if want.last_text then assert.are.equal(want.last_text, segs[#segs].text) end
        -- every line outside the segments is furniture, and the reverse
        local inseg = {}
        for _, s in ipairs(segs) do
          local l1 = s.line + select(2, sp.text:sub(s.start, s.stop):gsub("\n", ""))
          for l = s.line, l1 do inseg[l] = true end
        end
        local n = 0
        for line in (sp.text .. "\n"):gmatch("([^\n]*)\n") do
          n = n + 1
          if line:match("%S") and not inseg[n] then
            local found = false
            for _, b in ipairs(sp.boilerplate) do if b.line == n then found = true end end
            -- a label alone on its line belongs to the turn after it
            for t in sp:turns() do
              if t.label and select(2, sp.text:sub(1, t.label_start):gsub("\n", "")) + 1 == n then
                found = true
              end
            end
            assert.is_true(found, name .. ":" .. n .. " is neither speech nor furniture: " .. line)
          end
        end
      end)
      it("marks the furniture with its reason", function()
        local w = whys(sp)
        for line, why in pairs(want.why or {}) do assert.are.equal(why, w[line], "line " .. line) end
      end)
      it("finds the turns and who speaks", function()
        assert.are.equal(want.turns, #sp:turns())
        if want.who then assert.are.same(want.who, speakers(sp)) end
        for seg in sp:segments() do
          assert.is_number(seg.turn)
          assert.are.equal(sp:turns()[seg.turn].speaker, seg.speaker)
        end
      end)
      it("says what was not found", function()
        local codes = {}
        for _, w in ipairs(sp.warnings) do codes[w.code] = true end
        for _, c in ipairs(want.warns or {}) do assert.is_true(codes[c], c) end
        if not sp.meta.speaker then assert.is_true(codes.NOSPEAKER) end
        if sp.meta.speaker then assert.is_nil(codes.NOSPEAKER) end
      end)
    end)
  end
end)
