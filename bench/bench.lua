-- bench.lua: runs the benchmarks and prints key=value lines.
-- C engine figures come from build/bench; Lua-level ones are measured here.
local corpus = os.getenv("ROSTRA_CORPUS") or "../shared/corpus"
print("cores=" .. io.popen("nproc"):read("l"))
local ok = os.execute("build/bench " .. corpus)
if not ok then error("build/bench failed") end
