-- Plots and reports checked in a real browser: headless Chromium (Debian
-- `chromium`) renders each plot kind and the reports; the DOM it builds
-- is read back (--dump-dom), its console is checked for errors, and its
-- screenshot for anything drawn. Skipped, with a message, where Chromium
-- is absent (.ci/run installs it).
local rostra = require "rostra"
local plot = require "rostra.plot"
local report = require "rostra.report"
local support = require "support"

local function have(cmd)
  return os.execute("command -v " .. cmd .. " >/dev/null 2>&1") == true
end

local CHROMIUM = os.getenv("ROSTRA_CHROMIUM") or "chromium"
local HAVE = have(CHROMIUM)

local function q(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local function write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local dir
local function tmp(name) return dir .. "/" .. name end

-- run Chromium on a file: what it printed (the DOM with --dump-dom), its
-- log (console messages), the seconds it took
local function chromium(args, file)
  local profile = tmp("profile-" .. tostring(math.random(1e9)))
  local log = tmp("log.txt")
  -- (env -u LD_PRELOAD: make sanitize preloads ASan into this process,
  -- not into the browser)
  local cmd = table.concat({
    "env -u LD_PRELOAD", CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--user-data-dir=" .. q(profile), "--enable-logging=stderr", "--v=0", "--allow-file-access-from-files",
    args, q("file://" .. file), "2>" .. q(log), "</dev/null" }, " ")
  local t0 = require("rostra.core").clock()
  local p = io.popen(cmd)
  local out = p:read("a")
  p:close()
  local secs = require("rostra.core").clock() - t0
  os.execute("rm -rf " .. q(profile))
  return out, read(log) or "", secs
end

-- console errors in Chromium's log: uncaught exceptions, failed loads
local function console_errors(log)
  local errs = {}
  for line in log:gmatch("[^\n]+") do
    if line:find("CONSOLE", 1, true) and (line:find("Uncaught", 1, true) or line:find("Error", 1, true)) then
      errs[#errs + 1] = line
    end
    if line:find("Failed to load resource", 1, true) or line:find("net::ERR_", 1, true) then
      errs[#errs + 1] = line
    end
  end
  return errs
end

-- the number of pixels of a PNG that are not the page's white, counted by
-- the browser itself on a canvas
local function ink(png)
  local page = tmp("ink.html")
  write(page, ([[<!DOCTYPE html><html><body><pre id="out">none</pre><script>
var img = new Image();
img.onload = function () {
  var c = document.createElement("canvas"); c.width = img.width; c.height = img.height;
  var g = c.getContext("2d"); g.drawImage(img, 0, 0);
  var d = g.getImageData(0, 0, c.width, c.height).data, n = 0, colours = {};
  for (var i = 0; i < d.length; i += 4) {
    if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) n++;
    colours[(d[i] >> 5) + "," + (d[i + 1] >> 5) + "," + (d[i + 2] >> 5)] = 1;
  }
  document.getElementById("out").textContent = "ink=" + n + " colours=" + Object.keys(colours).length +
    " size=" + c.width + "x" + c.height;
};
img.onerror = function () { document.getElementById("out").textContent = "error"; };
img.src = "%s";
</script></body></html>]]):format("file://" .. png))
  local dom = chromium("--dump-dom", page)
  local n, colours = dom:match("ink=(%d+) colours=(%d+)")
  return tonumber(n), tonumber(colours), dom
end

local function count(s, pat)
  local n = 0
  for _ in s:gmatch(pat) do n = n + 1 end
  return n
end

describe("in Chromium", function()
  setup(function()
    dir = os.tmpname()
    os.remove(dir)
    os.execute("mkdir -p " .. q(dir))
  end)
  teardown(function()
    if dir then os.execute("rm -rf " .. q(dir)) end
  end)

  local function need(corpus)
    if not HAVE then
      pending("Chromium is absent: apt-get install chromium (see .ci/run)")
      return false
    end
    if os.getenv("ROSTRA_VALGRIND") then
      pending("under valgrind: these specs check what the browser shows, not memory")
      return false
    end
    if corpus and not support.have_corpus() then
      pending("needs ../shared/corpus")
      return false
    end
    return true
  end

  it("renders every plot kind: the SVG parses, the marks are in the DOM, the picture is not blank", function()
    if not need(true) then return end
    local c = assert(rostra.load(support.corpus .. "/uspres/sotu", { sidecar = "index.csv" }))
    local lex = rostra.lexicon("political")
    local cases = {
      { "trend", c:trend({ "freedom", "liberty" }, { by = "decade" }), {}, "circle", "point" },
      { "dispersion", c:dispersion("liberty", { by = "year" }), { parts = "all", limit = 500 }, "g",
          "strip" },
      { "keyness", c:keyness(c:where { party = "Republican" }, c:where { party = "Democratic" },
          { top = false }),
        { top = 12 }, "rect", "bar" },
      { "themes", c:tag(lex, { by = "year" }), { by = "decade" }, "rect", "cell" },
      { "collocates", c:collocates("freedom", { measure = "logdice" }), { top = 15 }, "rect", "bar" },
    }
    -- one page loads every SVG in a frame (the browser's own SVG document:
    -- an XML error would be a parser error page), counts the marks of its
    -- DOM, and draws it on a canvas to count the pixels drawn
    local frames, want = {}, {}
    for i, case in ipairs(cases) do
      local kind, t, o, tag, class = case[1], case[2], case[3], case[4], case[5]
      local svg = t:svg(o)
      local path = tmp(kind .. ".svg")
      assert.is_true(plot.write(path, svg))
      if have("xmllint") then
        assert.is_true(os.execute("env -u LD_PRELOAD xmllint --noout " .. q(path)) == true,
            kind .. ": xmllint")
      end
      want[kind] = count(svg, "<" .. tag .. " class=\"" .. class .. "\"")
      assert.truthy(want[kind] > 0, kind)
      frames[i] = ('{kind: "%s", src: "file://%s", sel: "%s.%s"}'):format(kind, path, tag, class)
    end
    local page = tmp("plots.html")
    write(page, ([[<!DOCTYPE html><html><body><pre id="out"></pre><script>
var cases = [%s], left = cases.length, out = [];
cases.forEach(function (c) {
  var f = document.createElement("iframe");
  f.style.width = "900px"; f.style.height = "700px";
  f.onload = function () {
    var d = f.contentDocument, root = d && d.documentElement;
    var marks = d ? d.querySelectorAll(c.sel).length : -1;
    var errors = d ? d.getElementsByTagName("parsererror").length : -1;
    var img = new Image();
    img.onload = function () {
      var cv = document.createElement("canvas"); cv.width = 800; cv.height = 600;
      var g = cv.getContext("2d"); g.fillStyle = "#fff"; g.fillRect(0, 0, 800, 600); g.drawImage(img, 0, 0);
      var px = g.getImageData(0, 0, 800, 600).data, n = 0, col = {};
      for (var i = 0; i < px.length; i += 4) {
        if (px[i] < 240 || px[i + 1] < 240 || px[i + 2] < 240) n++;
        col[(px[i] >> 5) + "," + (px[i + 1] >> 5) + "," + (px[i + 2] >> 5)] = 1;
      }
      out.push(c.kind + " root=" + (root && root.localName) + " marks=" + marks + " parsererror=" + errors +
        " ink=" + n + " colours=" + Object.keys(col).length);
      if (--left === 0) document.getElementById("out").textContent = out.join("\n");
    };
    img.src = c.src;
  };
  f.src = c.src;
  document.body.appendChild(f);
});
</script></body></html>]]):format(table.concat(frames, ",")))
    local dom, log = chromium("--dump-dom --virtual-time-budget=20000", page)
    assert.same({}, console_errors(log))
    for _, case in ipairs(cases) do
      local kind = case[1]
      local root, marks, perr, n,
          colours = dom:match(kind .. " root=(%S+) marks=(%-?%d+) parsererror=(%-?%d+) "
        .. "ink=(%d+) colours=(%d+)")
      assert.equal("svg", root, kind .. ": " .. dom:sub(1, 400))
      assert.equal(want[kind], tonumber(marks), kind .. ": marks in the DOM")
      assert.equal(0, tonumber(perr), kind)
      assert.truthy(tonumber(n) > 2000, ("%s: %s pixels drawn"):format(kind, n))
      assert.truthy(tonumber(colours) >= 3, kind .. ": a picture in one colour")
    end
    -- and one real screenshot of a plot
    local png = tmp("trend.png")
    chromium("--screenshot=" .. q(png) .. " --window-size=800,600 --hide-scrollbars", tmp("trend.svg"))
    local n, colours = ink(png)
    assert.is_number(n, "the screenshot could not be read")
    assert.truthy(n > 2000, ("%s pixels drawn"):format(tostring(n)))
    assert.truthy(colours >= 3, "a picture in one colour")
  end)

  it("renders the report of the sample speech: four points with their themes, no script errors", function()
    if not need(false) then return end
    local sp = assert(rostra.parse_file(support.sample))
    local path = tmp("sample.html")
    assert.is_true(report.write(path, report.speech(sp)))
    local dom, log = chromium("--dump-dom", path)
    assert.same({}, console_errors(log))
    local tops = {}
    for ord, theme in dom:gmatch('<tr class="point%-row" data%-ordinal="(%d+)" data%-top%-theme="([^"]*)"') do
      tops[tonumber(ord)] = theme
    end
    assert.same({ "health", "security", "development", "people_to_people" }, tops)
    assert.equal(4, count(dom, '<section class="point"'))
    assert.equal(#sp:segments(), count(dom, '<div class="seg '))
    assert.truthy(count(dom, '<mark class="hit"') > 50)
    local png = tmp("sample.png")
    chromium("--screenshot=" .. q(png) .. " --window-size=1000,1400 --hide-scrollbars", path)
    local n = ink(png)
    assert.truthy(n and n > 20000, "the page is blank")
  end)

  it("shows a <script> in a speech as text, and runs none", function()
    if not need(false) then return end
    local sp = assert(rostra.parse("Remarks on health\n\nWe reject "
      .. "<script>document.title='pwned'</script> and "
      .. "<img src=x onerror=\"document.title='pwned'\"> in health and security.\n", { name = "evil.txt" }))
    local path = tmp("evil.html")
    assert.is_true(report.write(path, report.speech(sp)))
    local dom = chromium("--dump-dom", path)
    assert.is_nil(dom:find("<script", 1, true))
    assert.is_nil(dom:find("<img", 1, true))
    assert.is_nil(dom:find("pwned</title>", 1, true))
    assert.truthy(dom:find("&lt;script&gt;document.title='pwned'&lt;/script&gt;", 1, true))
  end)

  it("renders the corpus report of the UN sample within 2 seconds", function()
    if not need(true) then return end
    local c = assert(rostra.load(support.corpus .. "/ungdc/sample_2020-2024",
        { meta = "{country}_{session}_{year}.txt" }))
    local path = tmp("un.html")
    assert.is_true(report.write(path, report.corpus(c, { queries = { "climate change", "pandemic" },
      target = { country = "CHN" } })))
    -- a page that loads the report in a frame and times it to its load
    -- event and a layout of the whole page; twice, the best counts (the
    -- machine may be busy with other work)
    local frame = tmp("frame.html")
    write(frame, ([[<!DOCTYPE html><html><body><pre id="t">none</pre>
<iframe id="f" style="width:1200px;height:900px"></iframe><script>
var f = document.getElementById("f"), src = "%s", runs = [], t0;
f.onload = function () {
  var d = f.contentDocument, h = d ? d.body.scrollHeight : -1;
  runs.push(performance.now() - t0);
  if (runs.length < 2) { t0 = performance.now(); f.src = src + "?again"; return; }
  document.getElementById("t").textContent = "ms=" + Math.min(runs[0], runs[1]) + " height=" + h +
    " svgs=" + (d ? d.querySelectorAll("svg").length : -1) + " runs=" + runs.join(",");
};
t0 = performance.now();
f.src = src;
</script></body></html>]]):format("file://" .. path))
    local dom, log = chromium("--dump-dom", frame)
    assert.same({}, console_errors(log))
    local ms, height, svgs = dom:match("ms=([%d%.]+) height=(%-?%d+) svgs=(%-?%d+)")
    assert.is_string(ms, dom:sub(1, 300))
    assert.truthy(tonumber(height) > 2000, "the page was not laid out")
    assert.equal(7, tonumber(svgs))
    assert.truthy(tonumber(ms) < 2000, ms .. " ms")
  end)
end)
