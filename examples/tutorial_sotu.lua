-- tutorial_sotu.lua: runs the command-line walk of docs/tutorial.md (the
-- State of the Union, freedom and liberty per million words by decade) and
-- checks that every command prints what the tutorial shows.
--
-- Each ```console block of the tutorial holds commands (lines starting
-- with "$ ") and, after each, the lines it prints (standard output and
-- standard error together). `rostra` runs as `lua5.4 bin/rostra` from the
-- repository root; the files the walk writes (sotu.rostra, *.csv) go to a
-- temporary folder. A difference fails the example, showing both texts.
--
-- Run from the repository root: lua5.4 examples/tutorial_sotu.lua [--update]
-- (`--update` writes the outputs of this machine into the tutorial instead)
local DOC = "docs/tutorial.md"
local CORPUS = "../shared/corpus/uspres/sotu"

local f = io.open(CORPUS .. "/1790_george_washington_n.txt")
if not f then
  print("skip: " .. CORPUS .. " is not there (the corpora live in ../shared/corpus)")
  return
end
f:close()

local update = arg[1] == "--update"
local lua = os.getenv("LUA") or "lua5.4"

local function read(path)
  local h = assert(io.open(path, "rb"))
  local s = h:read("a")
  h:close()
  return s
end

local tmp = os.tmpname()
os.remove(tmp)
assert(os.execute("mkdir -p '" .. tmp .. "'"))

-- the files the walk writes: in the temporary folder
local OUTPUTS = { "sotu.rostra", "freedom_by_decade.csv" }

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- run one command of the tutorial: its output as the tutorial would show it
local function run(cmd)
  local real = cmd:gsub("^rostra ", lua .. " bin/rostra "):gsub("| rostra ", "| " .. lua .. " bin/rostra ")
  for _, name in ipairs(OUTPUTS) do
    real = real:gsub("%f[%w_]" .. name:gsub("%.", "%%."), tmp .. "/" .. name)
  end
  local p = io.popen("sh -c " .. shell_quote(real .. " 2>&1; echo \"::$?\""))
  local out = p:read("a")
  p:close()
  local status = tonumber(out:match("::(%d+)\n$"))
  out = out:gsub("::%d+\n$", "")
  -- paths of the temporary folder read as the tutorial writes them
  out = out:gsub(tmp:gsub("%p", "%%%0") .. "/", "")
  return out, status
end

local text = read(DOC)
local pieces, pos, ncmd, failed = {}, 1, 0, 0
for start, body, stop in text:gmatch("()```console\n(.-)```()") do
  pieces[#pieces + 1] = text:sub(pos, start - 1)
  local out = { "```console\n" }
  -- the commands of the block and what the tutorial says they print
  local cmds = {}
  for line in body:gmatch("([^\n]*)\n") do
    local cmd = line:match("^%$ (.*)$")
    if cmd then
      cmds[#cmds + 1] = { cmd = cmd, want = {} }
    elseif #cmds > 0 then
      table.insert(cmds[#cmds].want, line)
    end
  end
  for _, c in ipairs(cmds) do
    ncmd = ncmd + 1
    local got, status = run(c.cmd)
    local want = table.concat(c.want, "\n")
    if #c.want > 0 then want = want .. "\n" end
    out[#out + 1] = "$ " .. c.cmd .. "\n" .. got
    if got ~= want and not update then
      failed = failed + 1
      print(("FAILED: $ %s (exit %s)\n--- the tutorial shows:\n%s--- it printed:\n%s"):format(
        c.cmd, tostring(status), want, got))
    elseif got == want then
      print(("ok: $ %s"):format(c.cmd))
    end
  end
  out[#out + 1] = "```"
  pieces[#pieces + 1] = table.concat(out)
  pos = stop
end
pieces[#pieces + 1] = text:sub(pos)
os.execute("rm -rf " .. shell_quote(tmp))

if update then
  local h = assert(io.open(DOC, "wb"))
  h:write(table.concat(pieces))
  h:close()
  print(("updated %s: %d commands"):format(DOC, ncmd))
  return
end
assert(ncmd > 0, "no ```console block in " .. DOC)
print(("%d commands of %s, %d printed something else"):format(ncmd, DOC, failed))
if failed > 0 then os.exit(1) end
