// Application forms (web/templates/_form.html): hide the questions that do
// not apply to the answers given so far (visible_if), and add table rows.
// The form works without this script: every question is shown with a note
// saying when it applies, and tables offer a few blank rows.
(function () {
  var root = document.querySelector("[data-form]");
  if (!root) { return; }
  var scope = root.closest("form") || document;
  var conditional = root.querySelectorAll(".form-field[data-if-name], .form-field[data-asked-of]");

  // values lists the answers an input name holds now; disabled inputs
  // (of hidden questions) hold none.
  function values(name) {
    var out = [];
    Array.prototype.forEach.call(scope.querySelectorAll("[name]"), function (el) {
      if (el.name !== name || el.disabled) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { out.push(el.value); }
      } else if (el.value !== "") {
        out.push(el.value);
      }
    });
    return out;
  }

  function holds(field) {
    var vals = values(field.getAttribute("data-if-name"));
    var equals = field.getAttribute("data-if-equals");
    if (field.getAttribute("data-if-type") === "checkbox") {
      return (vals.indexOf("true") >= 0) === (equals === "true");
    }
    return vals.indexOf(equals) >= 0;
  }

  // asked reports whether a question is asked here rather than by the
  // applicant block, which asks it of one kind of applicant (data-asked-of).
  function asked(field) {
    var of = field.getAttribute("data-asked-of");
    return !of || values("kind").indexOf(of) < 0;
  }

  // update shows the questions whose condition holds, in the form's order,
  // so that a question depending on a hidden one is hidden too.
  function update() {
    var hidden = {};
    Array.prototype.forEach.call(conditional, function (field) {
      var cond = field.hasAttribute("data-if-name");
      var show = asked(field) && (!cond || (!hidden[field.getAttribute("data-if-name")] && holds(field)));
      field.hidden = !show;
      Array.prototype.forEach.call(field.querySelectorAll("input, select, textarea, button"), function (el) {
        el.disabled = !show;
      });
      if (!show) { hidden[field.getAttribute("data-name")] = true; }
    });
  }

  // addRow copies a table's last row with the next row number, emptied.
  function addRow(button) {
    var table = root.querySelector("table[data-rows='" + button.getAttribute("data-add-row") + "']");
    var body = table.tBodies[0];
    var max = parseInt(table.getAttribute("data-max-rows"), 10) || 0;
    var n = body.rows.length;
    if (n === 0 || (max > 0 && n >= max)) { return; }
    var row = body.rows[n - 1].cloneNode(true);
    var from = "." + (n - 1) + ".", to = "." + n + ".";
    var idFrom = "-" + (n - 1) + "-", idTo = "-" + n + "-";
    row.cells[0].textContent = String(n + 1);
    Array.prototype.forEach.call(row.querySelectorAll(".field-error"), function (p) { p.remove(); });
    Array.prototype.forEach.call(row.querySelectorAll("input, select, textarea"), function (el) {
      el.name = el.name.replace(from, to);
      el.id = el.id.replace(idFrom, idTo);
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
      var label = el.getAttribute("aria-label");
      if (label) { el.setAttribute("aria-label", label.replace(String(n), String(n + 1))); }
      if (el.type === "checkbox") { el.checked = false; } else { el.value = ""; }
    });
    body.appendChild(row);
    button.hidden = max > 0 && body.rows.length >= max;
  }

  Array.prototype.forEach.call(root.querySelectorAll("[data-add-row]"), function (b) {
    var table = root.querySelector("table[data-rows='" + b.getAttribute("data-add-row") + "']");
    var max = parseInt(table.getAttribute("data-max-rows"), 10) || 0;
    b.hidden = max > 0 && table.tBodies[0].rows.length >= max;
    b.addEventListener("click", function () { addRow(b); });
  });
  scope.addEventListener("change", update);
  scope.addEventListener("input", update);
  update();
})();
