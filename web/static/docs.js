/* The API reference, drawn from /openapi.json with textContent only (no HTML from the schema, nothing from other origins). */
(function () {
  "use strict";
  var root = document.getElementById("endpoints");

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function resolve(spec, schema) {
    if (schema && schema.$ref) return { name: schema.$ref.split("/").pop(), schema: resolve(spec, spec.components.schemas[schema.$ref.split("/").pop()]).schema };
    return { name: "", schema: schema || {} };
  }

  function schemaBlock(spec, title, schema) {
    var r = resolve(spec, schema), wrap = el("div");
    wrap.appendChild(el("h3", title + (r.name ? " (" + r.name + ")" : "")));
    wrap.appendChild(el("pre", JSON.stringify(r.schema, null, 2)));
    return wrap;
  }

  function render(spec) {
    Object.keys(spec.paths).sort().forEach(function (path) {
      Object.keys(spec.paths[path]).forEach(function (method) {
        var op = spec.paths[path][method], sec = el("section"), h = el("h2");
        h.appendChild(el("span", method.toUpperCase(), "method"));
        h.appendChild(el("code", path));
        sec.appendChild(h);
        if (op.summary) sec.appendChild(el("p", op.summary));
        if (op.description) sec.appendChild(el("p", op.description));
        if (op.parameters && op.parameters.length) {
          var table = el("table"), head = el("tr");
          ["parameter", "in", "required", "description"].forEach(function (t) { head.appendChild(el("th", t)); });
          table.appendChild(head);
          op.parameters.forEach(function (p) {
            var row = el("tr");
            [p.name, p.in, p.required ? "yes" : "no", p.description || ""].forEach(function (t) { row.appendChild(el("td", t)); });
            table.appendChild(row);
          });
          sec.appendChild(table);
        }
        var body = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
        if (body) sec.appendChild(schemaBlock(spec, "Request body", body.schema));
        Object.keys(op.responses || {}).forEach(function (code) {
          var c = op.responses[code].content, json = c && c["application/json"];
          if (json) sec.appendChild(schemaBlock(spec, "Response " + code, json.schema));
        });
        root.appendChild(sec);
      });
    });
  }

  fetch("/openapi.json").then(function (r) { return r.json(); }).then(render).catch(function () {
    root.appendChild(el("p", "The API description could not be loaded; it is at /openapi.json."));
  });
})();
