-- wrk: each request asks for a random combination of the list's filters,
-- so almost none of them can come from a cache.
local speakers = {"sergey-lavrov", "maria-zakharova", "andrei-kelin", "vladimir-makei",
                  "sergey-ryabkov", "alexander-grushko", "dmitry-peskov", "official-07"}
local kinds = {"statement", "comment", "transcript", "briefing", "press-release",
               "article", "interview"}
local tags = {"belarus", "human-rights", "nato", "arctic", "sanctions", "ukraine",
              "united-nations", "trade", "energy", "topic-12"}

local function pick(list) return list[math.random(#list)] end

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed + os.time())
end

function request()
  local parts = {}
  if math.random() < 0.5 then parts[#parts + 1] = "speaker=" .. pick(speakers) end
  if math.random() < 0.5 then parts[#parts + 1] = "kind=" .. pick(kinds) end
  if math.random() < 0.4 then parts[#parts + 1] = "tag=" .. pick(tags) end
  if math.random() < 0.5 then
    local year = math.random(2005, 2021)
    parts[#parts + 1] = string.format("date_from=%d-%02d-01", year, math.random(1, 12))
    parts[#parts + 1] = string.format("date_to=%d-12-31", math.min(2021, year + math.random(0, 3)))
  end
  return wrk.format("GET", "/statements/?" .. table.concat(parts, "&"))
end
