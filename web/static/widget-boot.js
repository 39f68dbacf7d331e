/* The embeddable widget: `<script src="https://HOST/widget.js" defer></script>` adds a launcher
 * button and a chat panel that talk to HOST's API. Served by /widget.js inside one closure together
 * with chat.js (KMChat) and the CSS (KM_CSS); the shadow DOM keeps styles from leaking either way. */
var KM_SCRIPT = document.currentScript;

function kmBase() {
  var src = KM_SCRIPT && KM_SCRIPT.src;
  if (!src) {
    var found = document.querySelector('script[src$="/widget.js"]');
    src = found && found.src;
  }
  try {
    return src ? new URL(src, document.baseURI).origin : "";
  } catch (e) {
    return "";
  }
}

function kmBoot() {
  if (document.querySelector("[data-km-widget]")) return;
  var base = kmBase();
  var host = document.createElement("div");
  host.setAttribute("data-km-widget", "");
  var shadow = host.attachShadow({ mode: "open" });

  if ("adoptedStyleSheets" in shadow && typeof CSSStyleSheet === "function") {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(KM_CSS);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    var style = document.createElement("style");
    style.textContent = KM_CSS;
    shadow.appendChild(style);
  }

  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "km-launcher";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "km-panel");
  launcher.textContent = "Ask the key messages";

  var panel = document.createElement("div");
  panel.className = "km-panel";
  panel.id = "km-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-modal", "false");
  panel.setAttribute("aria-labelledby", "km-panel-title");
  panel.hidden = true;

  var head = document.createElement("div");
  head.className = "km-panel-head";
  var title = document.createElement("h2");
  title.className = "km-panel-title";
  title.id = "km-panel-title";
  title.textContent = "Key messages assistant";
  var close = document.createElement("button");
  close.type = "button";
  close.className = "km-close";
  close.setAttribute("aria-label", "Close the assistant");
  close.textContent = "×";
  head.appendChild(title);
  head.appendChild(close);
  panel.appendChild(head);

  var body = document.createElement("div");
  body.className = "km-panel-body";
  panel.appendChild(body);

  shadow.appendChild(launcher);  /* the disclosure button first, then what it controls */
  shadow.appendChild(panel);
  document.body.appendChild(host);

  var token = (KM_SCRIPT && KM_SCRIPT.getAttribute("data-token")) || "";  /* with ASSISTANT_API_TOKENS on */
  var chat = KMChat.mount(body, { apiBase: base, scrollLog: true, label: "Ask a question", token: token });

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    chat.input.focus();
  }

  function shut() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) open(); else shut();
  });
  close.addEventListener("click", shut);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      event.stopPropagation();
      shut();
    }
  });
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", kmBoot);
} else {
  kmBoot();
}
