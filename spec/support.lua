--- Shared helpers for the specs: paths to the sample and to ../shared.
local support = {}

support.sample = "examples/sample.txt"
support.shared = "../shared"
support.corpus = "../shared/corpus"
support.seed = "../shared/seed/000_e314431b303b7667.txt"

function support.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

function support.exists(path)
  local f = io.open(path, "rb")
  if f then f:close() return true end
  return false
end

--- Is ../shared/corpus there? Specs that need it call pending() otherwise.
function support.have_corpus()
  return support.exists(support.corpus .. "/README.md")
end

--- Files under a folder (recursive), sorted; `pattern` filters names.
function support.files(dir, pattern)
  local out = {}
  local p = io.popen('find "' .. dir .. '" -type f 2>/dev/null | LC_ALL=C sort')
  for line in p:lines() do
    if not pattern or line:match(pattern) then out[#out + 1] = line end
  end
  p:close()
  return out
end

--- An output stream that keeps what is written: `:text()` gives it.
function support.buffer()
  local parts = {}
  return {
    write = function(self, ...)
      for i = 1, select("#", ...) do parts[#parts + 1] = tostring((select(i, ...))) end
      return self
    end,
    flush = function(self) return self end,
    text = function() return table.concat(parts) end,
  }
end

--- rostra.cli.main in this process, not on a terminal and with no
-- environment unless env gives them: status, stdout, stderr.
function support.cli_main(args, env)
  env = env or {}
  local out, err = support.buffer(), support.buffer()
  local status = require("rostra.cli").main(args, {
    stdout = out, stderr = err,
    isatty = env.isatty or function() return false end,
    getenv = env.getenv or function() return nil end,
    clock = env.clock,
  })
  return status, out.text(), err.text()
end

return support
