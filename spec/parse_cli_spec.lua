-- rostra parse: --report, --layout, --level turn/boilerplate and the
-- summary of what pages did not give (rostra.cli.main in this process).
local cjson = require "cjson"
local support = require "support"

local PAGES = "spec/fixtures/pages"

local main = support.cli_main

describe("rostra parse", function()
  describe("--report", function()
    it("gives per folder the shares of metadata found, turns and furniture", function()
      local status, out, err = main { "parse", "--report", PAGES, "--format", "json" }
      assert.are.equal(0, status, err)
      local rows = cjson.decode(out)
      assert.are.equal(1, #rows)
      local r = rows[1]
      assert.are.equal(PAGES, r.folder)
      local nfiles = 0
      for _ in io.popen("ls " .. PAGES):lines() do nfiles = nfiles + 1 end
      assert.are.equal(nfiles, r.speeches)
      local n, have = 0, { title = 0, speaker = 0, date = 0, place = 0, source = 0 }
      local rostra = require "rostra"
      local turns, transcripts, header, footer, notes = 0, 0, 0, 0, 0
      for path in io.popen("ls " .. PAGES):lines() do
        local sp = assert(rostra.parse_file(PAGES .. "/" .. path))
        n = n + 1
        for k in pairs(have) do if sp.meta[k] then have[k] = have[k] + 1 end end
        local t = #sp:turns()
        turns = turns + t
        if t > 1 then transcripts = transcripts + 1 end
        for _, b in ipairs(sp.boilerplate) do
          if b.where == "header" then header = header + 1
          elseif b.where == "footer" then footer = footer + 1 else notes = notes + 1 end
        end
      end
      assert.are.equal(nfiles, n)
      for k, v in pairs(have) do assert.are.near(100 * v / n, r[k], 1e-9, k) end
      assert.are.equal(turns, r.turns)
      assert.are.equal(transcripts, r.transcripts)
      assert.are.equal(header, r.header_lines)
      assert.are.equal(footer, r.footer_lines)
      assert.are.equal(notes, r.notes)
      -- (spec/pages_spec.lua checks each page's turns by hand)
    end)

    it("lists lines that open or close many speeches of a folder", function()
      local dir = os.tmpname()
      os.remove(dir)
      assert(os.execute("mkdir -p " .. dir))
      for i = 1, 3 do
        local f = assert(io.open(("%s/s%d.txt"):format(dir, i), "w"))
        f:write(("We meet for the %d time to speak of peace and of work.\n\n"):format(i),
          "Peace is the work of every one of us, and of every nation here.\n\n",
          "Transcript prepared by Acme Transcription Services\n")
        f:close()
      end
      local status, out = main { "parse", "--report", dir }
      os.execute("rm -rf " .. dir)
      assert.are.equal(0, status)
      assert.truthy(out:find("last:  Transcript prepared by Acme Transcription Services (3)", 1, true), out)
      assert.truthy(out:find("speeches", 1, true))
    end)

    it("sums what the pages did not give in one line each, not one per file", function()
      local status, _, err = main { "parse", PAGES }
      assert.are.equal(0, status)
      local rostra = require "rostra"
      local n, none = 0, 0
      for path in io.popen("ls " .. PAGES):lines() do
        n = n + 1
        if not assert(rostra.parse_file(PAGES .. "/" .. path)).meta.speaker then none = none + 1 end
      end
      assert.is_true(none > 0)
      assert.truthy(err:find(("%d of %d files: no speaker found"):format(none, n), 1, true), err)
      assert.are.equal(0, select(2, err:gsub("no speaker found", "")) - 1)
      local status1, _, err1 = main { "parse", PAGES .. "/party_blog.txt" }
      assert.are.equal(0, status1)
      assert.truthy(err1:find("no speaker found", 1, true))
    end)
  end)

  describe("--layout", function()
    it("reads a site's rules from a Lua file", function()
      local status, out, err = main { "parse", "--layout", "spec/fixtures/layout/acme.lua",
        "--level", "turn", "--format", "json", "spec/fixtures/layout/acme.txt" }
      assert.are.equal(0, status, err)
      local rows = cjson.decode(out)
      assert.are.equal(3, #rows)
      assert.are.equal("REPORTER", rows[2].speaker)
      assert.are.equal("Was it on budget?", rows[2].text)
    end)

    it("is a usage error when the file is missing, wrong or returns a bad layout", function()
      local status, _, err = main { "parse", "--layout", "nope.lua", "spec/fixtures/layout/acme.txt" }
      assert.are.equal(2, status)
      assert.truthy(err:find("nope.lua", 1, true))
      local tmp = os.tmpname()
      local f = assert(io.open(tmp, "w"))
      f:write('return { header = "[oops" }\n')
      f:close()
      status, _, err = main { "parse", "--layout", tmp, "spec/fixtures/layout/acme.txt" }
      assert.are.equal(2, status)
      assert.truthy(err:find('layout.header "[oops"', 1, true), err)
      f = assert(io.open(tmp, "w"))
      f:write("return 42\n")
      f:close()
      status, _, err = main { "parse", "--layout", tmp, "spec/fixtures/layout/acme.txt" }
      os.remove(tmp)
      assert.are.equal(2, status)
      assert.truthy(err:find("must return a table", 1, true))
      assert.are.equal(1, select(2, err:gsub("\n", "")))
    end)
  end)

  describe("--level", function()
    it("turn and boilerplate rows", function()
      local _, out = main { "parse", "--level", "turn", "--format", "json",
        PAGES .. "/whitehouse_remarks.txt" }
      local rows = cjson.decode(out)
      assert.are.equal(5, #rows)
      assert.are.equal("Q", rows[2].speaker)
      assert.is_true(rows[2].question)
      assert.are.equal("THE PRESIDENT:", rows[3].label)
      local _, out2 = main { "parse", "--level", "boilerplate", "--format", "json",
        PAGES .. "/whitehouse_remarks.txt" }
      local b = cjson.decode(out2)
      assert.are.equal("breadcrumb", b[1].why)
      assert.are.equal("footer", b[#b].where)
    end)
  end)
end)
