-- make test-apps: Debian's lua5.4 built with r0cc runs this on the host, in ring 3 and in
-- ring 0; the outputs must be the same. Usage: lua script.lua DIR (a writable directory).
-- Prints nothing that depends on the machine (no time, no addresses, no paths).
local dir = assert(arg[1], "usage: script.lua DIR")

print(_VERSION, math.type(1), math.type(1.0), 7 // 2, 7 % -3, 2^10, 1e300 * 1e10)
print(string.format("%5.2f|%-6s|%x|%q|%g", math.pi, "ab", 255, "a\nb", 1/3))

-- tables, sort with a comparator, closures
local t = {}
for i = 1, 20 do t[#t + 1] = (i * 7919) % 101 end
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, ","))
local function counter()
	local n = 0
	return function() n = n + 1; return n end
end
local c1, c2 = counter(), counter()
c1(); c1()
print("counters", c1(), c2())

-- coroutines
local gen = coroutine.wrap(function()
	local a, b = 0, 1
	for _ = 1, 15 do coroutine.yield(a); a, b = b, a + b end
end)
local fib = {}
for _ = 1, 15 do fib[#fib + 1] = gen() end
print("fib", table.concat(fib, " "))

-- strings and patterns
local s = "The quick brown fox jumps over the lazy dog"
print(s:upper(), #s, s:find("fox"), s:match("(%a+) dog"))
print((s:gsub("%w+", function(w) return w:reverse() end)))
local words = {}
for w in s:gmatch("%a+") do words[#words + 1] = w:lower() end
print(#words, utf8.char(0x48, 0x20AC, 0x1F600), utf8.len("h\u{20AC}llo"))

-- errors
local ok, err = pcall(function() error({code = 42}) end)
print("pcall", ok, type(err), err.code)
ok, err = pcall(function() return nil + 1 end)
print("pcall", ok, (err:gsub("^.-:%d+: ", "")))

-- metatables
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, V) end
V.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
local v = setmetatable({x = 1, y = 2}, V) + setmetatable({x = 10, y = 20}, V)
print("vector", tostring(v))

-- files: write, append, read back, seek, remove
local path = dir .. "/lua-test.txt"
local f = assert(io.open(path, "w"))
for i = 1, 100 do f:write(string.format("line %03d %s\n", i, string.rep("x", i % 7))) end
f:close()
f = assert(io.open(path, "a")); f:write("tail\n"); f:close()
local n, bytes, last = 0, 0, nil
for l in io.lines(path) do n = n + 1; bytes = bytes + #l + 1; last = l end
f = assert(io.open(path, "r"))
local size = f:seek("end")
f:seek("set", 9)
local piece = f:read(8)
f:close()
print("file", n, bytes, size, last, piece)
print("remove", os.remove(path), io.open(path) == nil)

-- a little computation: primes below 20000, a checksum of a string
local sieve, count = {}, 0
for i = 2, 20000 do
	if not sieve[i] then count = count + 1; for j = i * i, 20000, i do sieve[j] = true end end
end
local h = 0
for i = 1, #s do h = (h * 31 + s:byte(i)) % 4294967296 end
print("primes", count, "hash", h)
print(string.pack and #string.pack("i4d", 1, 2.5), select("#", 1, nil, 3), math.maxinteger)
