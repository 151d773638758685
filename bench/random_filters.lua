-- wrk: each request asks for a random combination of the list's filters,
-- so almost none of them can come from a cache: speakers, kinds, topics,
-- date windows by the month or to the day, and pages 2 and 3 where the
-- combination is broad enough to have them (a page past the last is a 404,
-- which wrk would count as an error). Parameters go in the list's canonical
-- order, so no request is a redirect.
local speakers = {"sergey-lavrov", "maria-zakharova", "andrei-kelin", "vladimir-makei",
                  "sergey-ryabkov", "alexander-grushko", "dmitry-peskov", "official-07"}
local kinds = {"statement", "comment", "transcript", "briefing", "press-release",
               "article", "interview"}
local tags = {"belarus", "human-rights", "nato", "arctic", "sanctions", "ukraine",
              "united-nations", "trade", "energy", "topic-12"}
local DAY = 24 * 60 * 60

local function pick(list) return list[math.random(#list)] end

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed + os.time())
end

-- A window of whole months (1 month to 4 years), or of a few days.
local function date_window()
  local year = math.random(2005, 2021)
  if math.random() < 0.5 then
    return string.format("date_from=%d-%02d-01", year, math.random(1, 12)),
           string.format("date_to=%d-12-31", math.min(2021, year + math.random(0, 3))),
           false
  end
  -- Noon, so that adding days never crosses midnight whatever the zone.
  local first = os.time{year = year, month = math.random(1, 12), day = math.random(1, 28),
                        hour = 12}
  local last = first + math.random(0, 14) * DAY
  return os.date("date_from=%Y-%m-%d", first), os.date("date_to=%Y-%m-%d", last), true
end

function request()
  local parts = {}
  local chosen = 0
  if math.random() < 0.5 then
    parts[#parts + 1] = "speaker=" .. pick(speakers); chosen = chosen + 1
  end
  if math.random() < 0.5 then
    parts[#parts + 1] = "kind=" .. pick(kinds); chosen = chosen + 1
  end
  if math.random() < 0.4 then
    parts[#parts + 1] = "tag=" .. pick(tags); chosen = chosen + 1
  end
  local window, by_day = false, false
  if math.random() < 0.5 then
    local from, to
    from, to, by_day = date_window()
    parts[#parts + 1] = from
    parts[#parts + 1] = to
    window = true
  end
  -- Every listed filter alone has 500 or more statements; a month of the
  -- archive has about 500.
  local broad = (not window and chosen <= 1) or (window and not by_day and chosen == 0)
  if broad and math.random() < 0.4 then
    parts[#parts + 1] = "page=" .. math.random(2, 3)
  end
  return wrk.format("GET", "/statements/?" .. table.concat(parts, "&"))
end
