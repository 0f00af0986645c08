// The receipt's print button: shown only when scripts run; printing works
// without it through the browser's own print command.
(function () {
  var b = document.getElementById("print-receipt");
  if (!b) { return; }
  b.hidden = false;
  b.addEventListener("click", function () { window.print(); });
})();

// Suggestions as you type in a search box that names a suggestion endpoint
// (data-suggest). The box stays a plain GET form: without scripts, or when
// nothing is suggested, pressing Enter searches as before.
(function () {
  var inputs = document.querySelectorAll("input[data-suggest]");
  Array.prototype.forEach.call(inputs, function (input) {
    var list = document.createElement("ul");
    list.className = "suggestions";
    list.id = input.id + "-suggestions";
    list.hidden = true;
    list.setAttribute("role", "listbox");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-autocomplete", "list");
    input.parentNode.insertBefore(list, input.nextSibling);
    var timer = null, asked = "";

    function hide() { list.hidden = true; list.innerHTML = ""; }

    function show(items) {
      list.innerHTML = "";
      items.forEach(function (s) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        var a = document.createElement("a");
        a.href = "/items/" + encodeURIComponent(s.code);
        a.innerHTML = s.highlight; // escaped by the server; only <mark> is markup
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
    }

    function ask() {
      var q = input.value.trim();
      if (q === asked) { return; }
      asked = q;
      if (q === "") { hide(); return; }
      fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (body) { if (input.value.trim() === q) { show(body.suggestions || []); } })
        .catch(hide);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { hide(); }
      if (e.key === "ArrowDown" && !list.hidden && list.firstChild) {
        e.preventDefault();
        list.firstChild.firstChild.focus();
      }
    });
    list.addEventListener("keydown", function (e) {
      var li = document.activeElement && document.activeElement.parentNode;
      if (!li || li.parentNode !== list) { return; }
      if (e.key === "ArrowDown" && li.nextSibling) { e.preventDefault(); li.nextSibling.firstChild.focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (li.previousSibling ? li.previousSibling.firstChild : input).focus(); }
      if (e.key === "Escape") { hide(); input.focus(); }
    });
  });
})();
