// Line form: show the annual cost (FTE × the strand's rate) while the FTE is typed.
// The server computes the same (half up to the cent) and shows it on every page load;
// this only saves a round trip. German notation: "0,8", "1.234,5"; also the
// decimal point where no German reading exists ("0.80"), as the server accepts it.
(function () {
  "use strict";
  var fte = document.getElementById("id_fte");
  var strand = document.getElementById("id_strand");
  var out = document.querySelector("[data-line-cost]");
  if (!fte || !strand || !out || !fte.dataset.rates) { return; }
  var rates = JSON.parse(fte.dataset.rates);
  // The figure in the page's language (German "1.234,50", English "1,234.50"), as the
  // server writes it; what is typed is read in German notation either way.
  var locale = (document.documentElement.lang || "de").slice(0, 2) === "en" ? "en-GB" : "de-DE";
  var money = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  // Hundredths of a position, or null when the text is no number with at most 2 decimals.
  function hundredths(text) {
    text = text.trim();
    var m = /^(\d{1,3}(?:\.\d{3})*|\d+)(?:,(\d{1,2}))?$/.exec(text);
    if (!m) {
      m = /^(\d+)\.(\d{1,2})$/.exec(text);
      if (m) { m = [text, m[1], m[2]]; }
    }
    if (!m) { return null; }
    var whole = parseInt(m[1].replace(/\./g, ""), 10);
    var part = m[2] ? parseInt((m[2] + "0").slice(0, 2), 10) : 0;
    return whole * 100 + part;
  }

  function cents(rate) {
    var m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(rate);
    return m ? parseInt(m[1], 10) * 100 + (m[2] ? parseInt((m[2] + "0").slice(0, 2), 10) : 0) : null;
  }

  function update() {
    var h = hundredths(fte.value);
    var c = cents(rates[strand.value] || "");
    if (h === null || c === null) { out.textContent = "–"; return; }
    var total = Math.floor((h * c + 50) / 100); // cents, half up
    out.textContent = money.format(total / 100) + "\u00a0€";
  }

  fte.addEventListener("input", update);
  strand.addEventListener("change", update);
})();
