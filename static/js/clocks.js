// Keeps the header clocks ticking from the server's time, in each clock's zone.
// Intl applies the zone's rules, so daylight saving changes need no reload.
(function () {
  "use strict";
  var list = document.querySelector(".clocks[data-server-now]");
  if (!list || !window.Intl) {
    return;
  }
  // The server's time when it sent the page. A page can come from a cache a
  // minute or two old, or from the history hours old (Back, a restored tab),
  // so a visitor's clock is kept when the page is not fresh from the network
  // or agrees to within two minutes; one further off is corrected.
  var serverNow = Number(list.getAttribute("data-server-now")) * 1000;
  var skew = serverNow - Date.now();
  var navigation = window.performance && performance.getEntriesByType
    ? performance.getEntriesByType("navigation")[0]
    : null;
  if (
    Math.abs(skew) < 120000 ||
    (navigation && navigation.type === "back_forward")
  ) {
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

  var timer = null;

  function tick() {
    clearTimeout(timer);
    var now = new Date(Date.now() + skew);
    clocks.forEach(function (clock) {
      var text = clock.format.format(now);
      if (clock.element.textContent !== text) {
        clock.element.textContent = text;
        clock.element.setAttribute("datetime", now.toISOString());
      }
    });
    timer = setTimeout(tick, 60000 - (now.getTime() % 60000) + 50);
  }

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      skew = 0;
      tick();
    }
  });
  tick();
})();
