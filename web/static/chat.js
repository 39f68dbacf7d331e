/* Key messages assistant: the chat, shared by the page (/) and the widget (/widget.js).
 *
 * Everything the server sends is inserted as text (textContent / text nodes), never as HTML.
 * The server keeps no state: the `context` of each reply is sent back with the next question. */
var KMChat = (function () {
  "use strict";

  var counter = 0;

  var el = KMDom.el, srOnly = KMDom.srOnly, reducedMotion = KMDom.reducedMotion, splitAt = KMDom.splitAt,
    isString = KMDom.isString, isPage = KMDom.isPage;

  /* "Key message 5 · page 2 · <document title>" */
  function citation(q) {
    var parts = [String(q.title)];
    if (isPage(q.page)) parts.push("page " + q.page);
    if (isString(q.document) && q.document) parts.push(q.document);
    return parts.join(" · ");
  }

  function validReply(data) {
    return data && isString(data.status) && isString(data.reply) && Array.isArray(data.quotes) &&
      Array.isArray(data.sources) && Array.isArray(data.suggestions);
  }

  function mount(root, options) {
    var opts = options || {};
    var apiBase = (opts.apiBase || "").replace(/\/+$/, "");
    /* With ASSISTANT_API_TOKENS on, the token the page or widget was given (never stored by us). */
    var token = isString(opts.token) ? opts.token : "";
    function apiHeaders(extra) {
      var headers = extra || {};
      if (token) headers.Authorization = "Bearer " + token;
      return headers;
    }
    var prefix = "km" + (++counter) + "-";
    var context = {};
    var pending = false;
    var doc = root.ownerDocument || document;

    var wrap = el("div", "km");
    if (opts.heading) {
      var h = el("h" + (opts.level || 1), "km-title", opts.heading);
      wrap.appendChild(h);
    }
    var note = el("p", "km-note");
    note.appendChild(doc.createTextNode(opts.document
      ? "Answers are exact quotes from the " + opts.document + ", naming the message each quote comes from. Nothing else is added."
      : "Answers are exact quotes from the named document, naming the message each quote comes from. Nothing else is added."));
    wrap.appendChild(note);

    /* The indexed documents, each a link to its original; with more than one, a choice of which to search. */
    var chosen = null;
    function library(docs) {
      if (!Array.isArray(docs) || !docs.length) return;
      var box = el("details", "km-library");
      box.appendChild(el("summary", null, docs.length === 1 ? "1 indexed document" : docs.length + " indexed documents"));
      var list = el(docs.length > 1 ? "fieldset" : "div", "km-library-list");
      if (docs.length > 1) list.appendChild(el("legend", null, "Search in"));
      var checks = [];
      docs.forEach(function (d) {
        if (!d || !isString(d.id) || !isString(d.title)) return;
        var row = el("div", "km-library-doc");
        var facts = [String(d.format || "").toUpperCase()];
        if (isPage(d.pages)) facts.push(d.pages + (d.pages === 1 ? " page" : " pages"));
        if (typeof d.messages === "number") facts.push(d.messages + (d.messages === 1 ? " section" : " sections"));
        if (docs.length > 1) {
          var id = prefix + "doc-" + checks.length;
          var check = el("input");
          check.type = "checkbox";
          check.id = id;
          check.checked = true;
          check.value = d.id;
          var label = el("label", null, d.title);
          label.htmlFor = id;
          checks.push(check);
          row.appendChild(check);
          row.appendChild(label);
        } else {
          row.appendChild(el("span", "km-library-title", d.title));
        }
        row.appendChild(doc.createTextNode(" (" + facts.join(", ") + ") "));
        var link = el("a", "km-open", "Open");
        link.href = apiBase + "/documents/" + encodeURIComponent(d.id);
        link.target = "_blank";
        link.rel = "noopener";
        link.appendChild(srOnly(" " + d.title + " (opens in a new tab)"));
        row.appendChild(link);
        list.appendChild(row);
      });
      box.appendChild(list);
      wrap.insertBefore(box, log);
      if (checks.length > 1) {
        chosen = function () {
          var ids = checks.filter(function (c) { return c.checked; }).map(function (c) { return c.value; });
          return ids.length && ids.length < checks.length ? ids : null;  /* none or all ticked: search everything */
        };
      }
    }

    var log = el("div", "km-log");
    log.setAttribute("role", "region");
    log.setAttribute("aria-label", "Conversation");
    wrap.appendChild(log);

    /* Announces only the newest reply; the history itself is not live. */
    var live = el("div", "km-sr-only km-live");
    live.setAttribute("aria-live", "polite");
    live.setAttribute("aria-atomic", "true");
    wrap.appendChild(live);

    var form = el("form", "km-form");
    form.setAttribute("novalidate", "");
    var label = el("label", "km-label", opts.label || "Ask a question about the key messages");
    label.htmlFor = prefix + "question";
    var row = el("div", "km-row");
    var input = el("input", "km-input");
    input.id = prefix + "question";
    input.type = "text";
    input.name = "question";
    input.maxLength = 1000;
    input.autocomplete = "off";
    input.setAttribute("enterkeyhint", "send");
    var send = el("button", "km-send", "Send");
    send.type = "submit";
    row.appendChild(input);
    row.appendChild(send);
    form.appendChild(label);
    form.appendChild(row);
    wrap.appendChild(form);
    root.appendChild(wrap);

    function scrollToTurn(turn) {
      var behavior = reducedMotion() ? "auto" : "smooth";
      if (opts.scrollLog) {
        var delta = turn.getBoundingClientRect().top - log.getBoundingClientRect().top;
        log.scrollTo({ top: log.scrollTop + delta - 8, behavior: behavior });
      } else if (turn.scrollIntoView) {
        turn.scrollIntoView({ block: "nearest", behavior: behavior });
      }
    }

    function announce(text) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = text; }, 60);
    }

    function renderQuote(q, sources, n) {
      var figure = el("figure", "km-quote");
      var block = el("blockquote", "km-quote-text");
      block.appendChild(el("p", null, q.text));
      figure.appendChild(block);
      var caption = el("figcaption", "km-quote-title");
      caption.appendChild(srOnly("Quoted from "));
      caption.appendChild(doc.createTextNode(citation(q)));
      figure.appendChild(caption);

      var source = null;
      for (var i = 0; i < sources.length; i++) {
        if (sources[i] && sources[i].message_id === q.message_id) { source = sources[i]; break; }
      }
      if (source && isString(source.url) && source.url.charAt(0) === "/") {
        /* the original file, opened at the page this quote starts on (a PDF viewer reads #page=N) */
        var href = apiBase + source.url.split("#")[0] + (isPage(q.page) ? "#page=" + q.page : "");
        var open = el("a", "km-open", isPage(q.page) ? "Open page " + q.page : "Open the document");
        open.href = href;
        open.target = "_blank";
        open.rel = "noopener";
        open.appendChild(srOnly(" of " + (q.document || source.document || "the document") + " (opens in a new tab)"));
        figure.appendChild(open);
      }
      if (source && isString(source.text)) {
        var panelId = prefix + "source-" + n;
        var toggle = el("button", "km-toggle");
        toggle.type = "button";
        toggle.setAttribute("aria-expanded", "false");
        toggle.setAttribute("aria-controls", panelId);
        var toggleText = el("span", null, "Show source");
        toggle.appendChild(toggleText);
        toggle.appendChild(srOnly(": " + q.title));

        var panel = el("div", "km-source");
        panel.id = panelId;
        panel.hidden = true;
        var meta = el("p", "km-source-meta");
        meta.appendChild(el("strong", null, source.title));
        if (source.document) meta.appendChild(doc.createTextNode(" — " + source.document));
        panel.appendChild(meta);
        var parts = splitAt(source.text, q.start, q.end);
        var body = el("p", "km-source-text");
        body.appendChild(doc.createTextNode(parts[0]));
        body.appendChild(el("mark", null, parts[1]));
        body.appendChild(doc.createTextNode(parts[2]));
        panel.appendChild(body);

        toggle.addEventListener("click", function () {
          var open = toggle.getAttribute("aria-expanded") !== "true";
          toggle.setAttribute("aria-expanded", open ? "true" : "false");
          toggleText.textContent = open ? "Hide source" : "Show source";
          panel.hidden = !open;
        });
        figure.appendChild(toggle);
        figure.appendChild(panel);
      }
      return figure;
    }

    function renderReply(data) {
      var status = ["answered", "no_answer", "chitchat"].indexOf(data.status) >= 0 ? data.status : "no_answer";
      var article = el("article", "km-reply km-reply--" + status.replace("_", "-"));
      article.setAttribute("aria-label", status === "no_answer" ? "Assistant: no answer found" : "Assistant");
      /* The reply's lines in order: a line holding a quote becomes that quote's figure, so framing such as
         "From <document>:" stays above the quotes it introduces. */
      var quotes = status === "answered" ? data.quotes.filter(function (q) { return q && isString(q.text) && q.text; }) : [];
      var shown = [];
      String(data.reply).split("\n").forEach(function (line) {
        if (!line.trim()) return;
        var q = null;
        for (var i = 0; i < quotes.length; i++) {
          if (shown.indexOf(i) < 0 && line.indexOf(quotes[i].text) !== -1) { q = i; break; }
        }
        if (q === null) {
          article.appendChild(el("p", "km-frame", line));
        } else {
          shown.push(q);
          article.appendChild(renderQuote(quotes[q], data.sources, counterNext()));
        }
      });
      quotes.forEach(function (q, i) {
        if (shown.indexOf(i) < 0) article.appendChild(renderQuote(q, data.sources, counterNext()));
      });
      var suggestions = data.suggestions.filter(isString);
      if (suggestions.length) {
        var group = labelledGroup("km-suggestions", "sugg-", "Suggested questions");
        suggestions.forEach(function (s) {
          var b = el("button", "km-suggestion", s);
          b.type = "button";
          b.addEventListener("click", function () {
            ask(s);
            input.focus();
          });
          group.appendChild(b);
        });
        article.appendChild(group);
      }
      if (status !== "chitchat" && isString(data.id) && /^[0-9a-f]{32}$/.test(data.id)) {
        article.appendChild(renderFeedback(data.id));
      }
      return article;
    }

    var seq = 0;
    function counterNext() { return ++seq; }

    /* A role=group element named by its own visible label (cls-label), for screen readers. */
    function labelledGroup(cls, idPart, text) {
      var group = el("div", cls);
      group.setAttribute("role", "group");
      var label = el("p", cls + "-label", text);
      label.id = prefix + idPart + counterNext();
      group.setAttribute("aria-labelledby", label.id);
      group.appendChild(label);
      return group;
    }

    function post(path, body) {
      return fetch(apiBase + path, {
        method: "POST", headers: apiHeaders({ "Content-Type": "application/json" }), body: JSON.stringify(body),
        credentials: "omit", mode: "cors"
      });
    }

    /* "Was this helpful?" under an answer or a decline: two toggle buttons; the verdict is sent with the
     * reply's id only (never the question), and the result is announced through the live region. */
    function renderFeedback(replyId) {
      var group = labelledGroup("km-feedback", "fb-", "Was this helpful?");
      var status = el("p", "km-feedback-status");
      var buttons = [[true, "Helpful"], [false, "Not helpful"]].map(function (pair) {
        var b = el("button", "km-feedback-button", pair[1]);
        b.type = "button";
        b.setAttribute("aria-pressed", "false");
        b.addEventListener("click", function () {
          if (b.getAttribute("aria-disabled") === "true") return;
          buttons.forEach(function (other) { other.setAttribute("aria-disabled", "true"); });
          post("/api/feedback", { reply_id: replyId, helpful: pair[0] }).then(function (response) {
            if (!response.ok) throw new Error("feedback " + response.status);
            b.setAttribute("aria-pressed", "true");
            status.textContent = "Thank you: your feedback was sent.";
            announce("Feedback sent: " + pair[1].toLowerCase() + ".");
          }).catch(function () {
            buttons.forEach(function (other) { other.removeAttribute("aria-disabled"); });
            status.textContent = "Your feedback could not be sent. Please try again.";
            announce(status.textContent);
          });
        });
        group.appendChild(b);
        return b;
      });
      group.appendChild(status);
      return group;
    }

    function renderError(message) {
      var div = el("div", "km-reply km-reply--error");
      div.setAttribute("role", "alert");
      div.appendChild(el("p", "km-frame", message));
      return div;
    }

    function ask(question) {
      var text = String(question || "").trim();
      if (!text || pending) return;
      pending = true;
      send.setAttribute("aria-disabled", "true");
      log.setAttribute("aria-busy", "true");

      var turn = el("section", "km-turn");
      turn.setAttribute("aria-label", "Question and answer");
      var you = el("p", "km-you");
      you.appendChild(srOnly("You asked: "));
      you.appendChild(doc.createTextNode(text));
      turn.appendChild(you);
      var wait = el("p", "km-pending", "Searching the documents…");
      turn.appendChild(wait);
      log.appendChild(turn);
      scrollToTurn(turn);

      post("/api/chat", chosen && chosen() ? { question: text, context: context, documents: chosen() }
                                            : { question: text, context: context }).then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, data: data };
        }, function () {
          return { ok: false, data: null };
        });
      }).then(function (result) {
        turn.removeChild(wait);
        if (result.ok && validReply(result.data)) {
          if (result.data.context && typeof result.data.context === "object") context = result.data.context;
          turn.appendChild(renderReply(result.data));
          announce(result.data.reply);
        } else {
          var msg = result.data && result.data.error && isString(result.data.error.message)
            ? result.data.error.message : "Sorry, something went wrong. Please try again.";
          turn.appendChild(renderError(msg));
        }
      }, function () {
        if (wait.parentNode) turn.removeChild(wait);
        turn.appendChild(renderError("Sorry, the assistant could not be reached. Please try again."));
      }).then(function () {
        pending = false;
        send.removeAttribute("aria-disabled");
        log.removeAttribute("aria-busy");
        scrollToTurn(turn);
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value;
      if (!text.trim() || pending) return;
      input.value = "";
      ask(text);
    });

    if (opts.library) {
      fetch(apiBase + "/api/documents", { headers: apiHeaders(), credentials: "omit", mode: "cors" }).then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (data) {
        if (data && Array.isArray(data.documents)) library(data.documents);
      }, function () { /* the list is a help, not needed to ask */ });
    }

    if (opts.autofocus) input.focus();

    return { ask: ask, input: input, element: wrap };
  }

  return { mount: mount };
})();
