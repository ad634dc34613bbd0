-- tools/valgrind_helper.lua: loaded by busted (--helper) under valgrind.
-- Specs that need the full corpora in ../shared/corpus skip, as when the
-- corpora are absent: memcheck runs 20-50 times slower.
local support = require "support"
support.have_corpus = function() return false end

-- specs that look for the corpora themselves (io.open on ../shared/corpus)
-- find nothing either
local open = io.open
io.open = function(path, ...) -- luacheck: ignore 122
  if type(path) == "string" and path:find("shared/corpus", 1, true) then
    return nil, path .. ": No such file or directory (skipped under valgrind)", 2
  end
  return open(path, ...)
end
