// Keeps the header clocks ticking from the server's time, in each clock's zone.
// Intl applies the zone's rules, so daylight saving changes need no reload.
(function () {
  "use strict";
  var list = document.querySelector(".clocks[data-server-now]");
  if (!list || !window.Intl) {
    return;
  }
  // The server's time when it sent the page. A page can come from a cache a
  // minute or two old, so a visitor's clock that agrees to within two minutes
  // is kept; one that is further off is corrected by the difference.
  var serverNow = Number(list.getAttribute("data-server-now")) * 1000;
  var skew = serverNow - Date.now();
  if (Math.abs(skew) < 120000) {
    skew = 0;
  }
  var clocks = Array.prototype.map.call(
    list.querySelectorAll("time.clock[data-zone]"),
    function (element) {
      return {
        element: element,
        format: new Intl.DateTimeFormat("en-GB", {
          hour: "2-digit",
          minute: "2-digit",
          hourCycle: "h23",
          timeZone: element.getAttribute("data-zone"),
        }),
      };
    }
  );

  function tick() {
    var now = new Date(Date.now() + skew);
    clocks.forEach(function (clock) {
      var text = clock.format.format(now);
      if (clock.element.textContent !== text) {
        clock.element.textContent = text;
        clock.element.setAttribute("datetime", now.toISOString());
      }
    });
    setTimeout(tick, 60000 - (now.getTime() % 60000) + 50);
  }

  tick();
})();
