-- wrk: each request asks for a path picked at random from the file named in
-- the PATHS environment variable, one path a line.
local paths = {}

function init(args)
  for line in io.lines(os.getenv("PATHS")) do
    paths[#paths + 1] = line
  end
  math.randomseed(os.time() + math.random(1, 100000))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
