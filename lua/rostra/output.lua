--- Output files: the one way rostra writes a file it was asked to write
-- (`result:export`, `rostra ... -o FILE`). The mechanics are in C
-- (csrc/fsout.c); the rules:
--
-- * A regular file, or a path that does not exist yet, is written to a
--   temporary file in the same folder and renamed over the target when
--   complete: the target is the old file or the whole new one. Where the
--   system allows it (Linux) the temporary file has no name until then, so
--   a killed process leaves nothing behind.
-- * A symbolic link is followed: its target is replaced, the link stays.
-- * A new file gets mode 0666 minus the umask; a replaced file keeps its
--   mode (and its owner where the process may set it). A file the process
--   may not write to is refused (`EACCES`), as a shell redirection refuses it.
-- * `-` is standard output (`opts.stream`, default `io.stdout`); a
--   character device or a FIFO (`/dev/null`, a named pipe) and a standard
--   stream named as `/dev/stdout`, `/dev/stderr` or `/dev/fd/N` are written
--   straight, never replaced. A folder, a block device or a socket is refused.
-- * A target that is an index open in this process, or one of
--   `opts.forbid` (file ids from `output.ids`, such as a command's
--   inputs), is refused with code `ESAME` before anything is written.
--
-- Errors are `nil, "path: message", code` with code `ENOENT` (a missing
-- folder), `EACCES`, `EISDIR`, `ENOTDIR`, `ENOSPC`, `EROFS`, `EINVAL` (not
-- a file that can be written that way), `ESAME`, `ELOOP` or `EIO`.
-- @module rostra.output
local core = require "rostra.core"

local M = {}

-- "-": a Lua stream
local Stream = {}
Stream.__index = Stream

function Stream:write(s)
  local ok, err = self.stream:write(s)
  if not ok then return nil, "standard output: " .. tostring(err), "EIO" end
  return true
end

function Stream:commit()
  local ok, err = self.stream:flush()
  if not ok then return nil, "standard output: " .. tostring(err), "EIO" end
  return true
end

function Stream.abort() end

function Stream.kind() return "direct" end

--- Open an output (see the module notes).
-- @tparam string path a file path, or `-` for standard output
-- @tparam[opt] table opts `forbid` (file ids, from `ids`), `stream` (the
--   file object `-` stands for)
-- @return a writer with `write(s)`, `commit()` (each `true` or `nil,
--   message, code`), `abort()` and `kind()` (`"file"` or `"direct"`); or
--   nil, message, code
function M.open(path, opts)
  if type(path) ~= "string" or path == "" then
    error(("bad argument #1 to 'open' (file path expected, got %s)"):format(
      path == "" and "an empty string" or type(path)), 2)
  end
  opts = opts or {}
  if path == "-" then return setmetatable({ stream = opts.stream or io.stdout }, Stream) end
  return core.output(path, opts.forbid)
end

--- Write a whole text to an output (see the module notes).
-- @treturn[1] true
-- @treturn[2] nil
-- @treturn[2] string message
-- @treturn[2] string code
function M.write(path, text, opts)
  local w, msg, code = M.open(path, opts)
  if not w then return nil, msg, code end
  local ok
  ok, msg, code = w:write(text)
  if not ok then
    w:abort()
    return nil, msg, code
  end
  return w:commit()
end

--- The file ids of paths (folders: every file below them that
-- `rostra.load` would read: `.txt`, `.conllu`, `.vrt`), as a set
-- for `opts.forbid`: `{["dev:ino"] = path}`. Paths that do not exist are
-- left out.
-- @tparam {string,...} paths
-- @tparam[opt] table into a set to add to
-- @treturn table
function M.ids(paths, into)
  local set = into or {}
  for _, p in ipairs(paths) do
    local id, kind = core.file_id(p)
    if id and kind == "folder" then
      local files = core.walk(p, require("rostra.corpus").extensions)
      for _, f in ipairs(files or {}) do
        local fid = core.file_id(f)
        if fid then set[fid] = f end
      end
    elseif id then
      set[id] = p
    end
  end
  return set
end

--- Would writing to `path` be refused as one of `forbid` or as an open
-- index? Nothing is written.
-- @treturn[1] true
-- @treturn[2] nil
-- @treturn[2] string message
-- @treturn[2] string code `"ESAME"`
function M.check(path, forbid)
  if path == "-" then return true end
  local id, kind = core.file_id(path)
  if not id or kind ~= "file" then return true end
  local what = forbid and forbid[id]
  if what then
    return nil, ("%s: this is the input %s; refusing to write over it"):format(path, what), "ESAME"
  end
  if core.index_is_open(path) then
    return nil, ("%s: this is an index being read; refusing to write over it"):format(path), "ESAME"
  end
  return true
end

return M
