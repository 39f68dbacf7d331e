/* Key messages assistant: small DOM and type helpers shared by the chat (chat.js), loaded before it by the
 * page and concatenated before it into the widget. Text is always set as text, never as HTML. */
var KMDom = (function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function srOnly(text) {
    return el("span", "km-sr-only", text);
  }

  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  /* Python counts characters in code points, JavaScript in UTF-16 units: slice by code points. */
  function splitAt(text, start, end) {
    var cps = Array.from(String(text));
    return [cps.slice(0, start).join(""), cps.slice(start, end).join(""), cps.slice(end).join("")];
  }

  function isString(x) {
    return typeof x === "string";
  }

  function isPage(x) {
    return typeof x === "number" && x >= 1 && Math.floor(x) === x;
  }

  return { el: el, srOnly: srOnly, reducedMotion: reducedMotion, splitAt: splitAt, isString: isString, isPage: isPage };
})();
