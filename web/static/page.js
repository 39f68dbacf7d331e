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
    autofocus: true
  });
})();
