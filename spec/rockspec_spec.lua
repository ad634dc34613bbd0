-- The rockspec must list every C source and Lua module of the checkout, or
-- an installed rock fails where the checkout works.
local support = require "support"

describe("rostra-scm-1.rockspec", function()
  local text = support.read("rostra-scm-1.rockspec")

  it("lists every C source of the core", function()
    for _, path in ipairs(support.files("csrc", "%.c$")) do
      if not path:find("/test/") then
        assert.is_truthy(text:find('"' .. path .. '"', 1, true), path .. " missing from the rockspec")
      end
    end
  end)

  it("lists every Lua module", function()
    for _, path in ipairs(support.files("lua/rostra", "%.lua$")) do
      assert.is_truthy(text:find('"' .. path .. '"', 1, true), path .. " missing from the rockspec")
    end
  end)
end)
