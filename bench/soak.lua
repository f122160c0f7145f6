-- soak.lua — the request mix of bench/soak.sh (wrk). The @NAMES@ are filled in by soak.sh.
-- Every answer's status is counted; done() prints them and the count of unexpected ones
-- (anything but 200, 201 and the 400 / 404 / 412 that the error-path requests ask for).
local token = "@TOKEN@"
local plan = @PLAN@
local o1, o2 = @OFIRST@, @OLAST@
local i1, i2 = @IFIRST@, @ILAST@
local p1, p2 = @PFIRST@, @PLAST@
local threads = {}
counts = {}
local json = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
local merge = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/merge-patch+json"}
local bad_etag = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/merge-patch+json",
                  ["If-Match"] = '"999999"'}
local read = {["Authorization"] = "Bearer " .. token}
local n = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = {}
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

request = function()
  n = n + 1
  local r = math.random(100)
  if r <= 40 then
    return wrk.format("GET", "/v1/objectives/" .. math.random(o1, o2), read)
  elseif r <= 50 then
    return wrk.format("GET", "/v1/plans/" .. plan .. "/objectives?limit=50", read)
  elseif r <= 60 then
    return wrk.format("GET", "/v1/indicators/" .. math.random(i1, i2) .. "/measurements?limit=20", read)
  elseif r <= 64 then
    return wrk.format("GET", "/v1/objectives/" .. math.random(o1, o2) .. "/score", read)
  elseif r <= 79 then
    return wrk.format("POST", "/v1/indicators/" .. math.random(i1, i2) .. "/measurements", json,
                      '{"value": ' .. math.random(0, 100) .. ', "as_of": "2024-09-30", "note": "soak ' .. n .. '"}')
  elseif r <= 84 then
    return wrk.format("POST", "/v1/phases/" .. math.random(p1, p2) .. "/progress", json,
                      '{"percent_complete": ' .. math.random(0, 99) .. ', "as_of": "2024-09-30"}')
  elseif r <= 92 then
    return wrk.format("PATCH", "/v1/objectives/" .. math.random(o1, o2), merge,
                      '{"title": "Obiettivo rivisto ' .. n .. '"}')
  elseif r <= 95 then
    return wrk.format("POST", "/v1/indicators/" .. math.random(i1, i2) .. "/measurements", json, '{"value": 1,')
  elseif r <= 98 then
    return wrk.format("GET", "/v1/objectives/999999999", read)
  else
    return wrk.format("PATCH", "/v1/objectives/" .. math.random(o1, o2), bad_etag, '{"title": "x"}')
  end
end

response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

done = function(summary, latency, requests)
  local total, unexpected = {}, 0
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do
      total[k] = (total[k] or 0) + v
    end
  end
  for k, v in pairs(total) do
    io.write(string.format("status %d: %d\n", k, v))
    if k ~= 200 and k ~= 201 and k ~= 400 and k ~= 404 and k ~= 412 then
      unexpected = unexpected + v
    end
  end
  io.write(string.format("unexpected: %d\n", unexpected))
end
