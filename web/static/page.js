/* The chat page at /: mounts the shared chat (chat.js) into <main>. */
(function () {
  "use strict";
  var root = document.getElementById("chat");
  if (!root || typeof KMChat === "undefined") return;
  KMChat.mount(root, {
    apiBase: "",
    heading: "Key messages assistant",
    level: 1,
    document: root.getAttribute("data-document") || "",
    library: true,
    autofocus: true,
    token: pageToken()
  });

  /* With API tokens on, open the page as /#token=…: the fragment never reaches a server or a Referer. */
  function pageToken() {
    var m = /(?:^|[#&])token=([^&]+)/.exec(window.location.hash || "");
    return m ? decodeURIComponent(m[1]) : "";
  }
})();
