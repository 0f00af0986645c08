// The window's one intake page. Everything here is an enhancement: without
// it the page works by reloads (the search, the 查询 button, the decision
// checked by the server).
//  - the search results are reached from the search box with the arrow keys
//    and walked with the arrow keys; Enter opens one;
//  - the applicant is looked up by identity number without a reload;
//  - only the decisions the checklist allows are offered;
//  - 不予受理 without a reason is stopped on the page.
// Every message comes from the page (data- attributes) in its language.
(function () {
  "use strict";
  var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;

  function results() { return Array.prototype.slice.call(document.querySelectorAll("[data-result]")); }

  function onSearchKeys(e) {
    var list = results();
    if (!list.length) { return; }
    var i = list.indexOf(document.activeElement);
    var q = document.getElementById("q");
    var next = null;
    if (e.key === "ArrowDown") { next = list[Math.min(i + 1, list.length - 1)]; }
    if (e.key === "ArrowUp") { next = i <= 0 ? q : list[i - 1]; }
    if (e.key === "Home" && i >= 0) { next = list[0]; }
    if (e.key === "End" && i >= 0) { next = list[list.length - 1]; }
    if (e.key === "Escape" && i >= 0) { next = q; }
    if (next) { e.preventDefault(); next.focus(); }
  }

  function setStatus(text, cls) {
    var box = document.getElementById("lookup-status");
    box.textContent = "";
    if (!text) { return; }
    var p = document.createElement("p");
    p.className = cls;
    p.id = cls === "ok" ? "lookup-found" : (cls === "notice" ? "lookup-none" : "lookup-failed");
    p.textContent = text;
    box.appendChild(p);
  }

  function onFile(id, value, tpl) {
    var el = document.getElementById(id);
    if (!el) { return; }
    el.textContent = value ? tpl.replace("%s", value) : "";
    el.hidden = !value;
  }

  function dataText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    if (!zh && /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/.test(text)) { span.lang = "zh-CN"; }
    return span;
  }

  function showEarlier(apps) {
    var section = document.getElementById("earlier-section"), list = document.getElementById("earlier");
    if (!section || !list) { return; }
    list.textContent = "";
    (apps || []).forEach(function (a) {
      var li = document.createElement("li"), link = document.createElement("a");
      link.href = "/window/applications/" + encodeURIComponent(a.number);
      link.textContent = a.number;
      li.appendChild(link);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(dataText(a.item));
      li.appendChild(document.createTextNode(" · " + a.state_label + " · " + a.submitted_on));
      list.appendChild(li);
    });
    section.hidden = !list.children.length;
  }

  function lookup(e) {
    var btn = e.currentTarget, input = document.getElementById("id_number");
    if (!window.fetch || !input) { return; }
    e.preventDefault();
    var id = input.value.trim();
    if (!id) { setStatus(btn.dataset.required, "field-error"); input.focus(); return; }
    setStatus(btn.dataset.looking, "hint");
    fetch("/api/v1/applicants/" + encodeURIComponent(id), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) {
        if (r.status === 404) { return null; }
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      })
      .then(function (a) {
        if (!a) {
          setStatus(btn.dataset.none, "notice");
          onFile("phone-on-file", "", ""); onFile("address-on-file", "", ""); showEarlier([]);
          return;
        }
        var name = document.getElementById("name"), kind = document.getElementById("kind");
        if (name && a.name) { name.value = a.name; }
        if (kind && a.kind && kind.querySelector('option[value="' + a.kind + '"]')) { kind.value = a.kind; }
        onFile("phone-on-file", a.phone, btn.dataset.onFile);
        onFile("address-on-file", a.address, btn.dataset.onFile);
        showEarlier(a.applications);
        setStatus(btn.dataset.found, "ok");
      })
      .catch(function () { setStatus(btn.dataset.failed, "field-error"); });
  }

  // The decisions the checklist allows (as the server checks them).
  function refreshDecisions() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll("#intake-materials input[data-necessity]"));
    var required = [], deferred = [];
    boxes.forEach(function (b) {
      if (b.checked) { return; }
      if (b.dataset.necessity === "required") { required.push(b.dataset.name); }
      if (b.dataset.necessity === "deferred") { deferred.push(b.dataset.name); }
    });
    var pledge = document.getElementById("pledge");
    var other = document.getElementById("intake-missing_other");
    var allowed = {
      accept: required.length + deferred.length === 0 || (pledge && pledge.checked),
      accept_pending: required.length === 0 && deferred.length > 0,
      request_supplement: required.length + deferred.length > 0 || (other && other.value.trim() !== ""),
      reject: true
    };
    document.querySelectorAll("#intake-decide button[name=decision]").forEach(function (b) {
      b.hidden = !allowed[b.value];
      b.removeAttribute("data-disallowed");
    });
    document.querySelectorAll('#intake-decide [data-for="accept_pending"]').forEach(function (f) { f.hidden = !allowed.accept_pending; });
    var say = document.getElementById("intake-allowed");
    if (say) {
      // The message is the page's; the names are data (marked Chinese on an English page).
      var tpl = required.length ? say.dataset.missing : (deferred.length ? say.dataset.deferred : say.dataset.none);
      var names = required.length ? required.concat(deferred) : deferred;
      var parts = tpl.split("%s");
      say.textContent = parts[0];
      if (parts.length > 1) {
        say.appendChild(dataText(names.join(zh ? "、" : ", ")));
        say.appendChild(document.createTextNode(parts.slice(1).join("%s")));
      }
    }
  }

  function onDecide(e) {
    var b = e.submitter;
    if (!b || b.name !== "decision" || b.value !== "reject") { return; }
    var reason = document.getElementById("intake-reason");
    if (reason && !reason.value.trim()) {
      e.preventDefault();
      var err = document.getElementById("err-reason");
      if (!err) {
        err = document.createElement("p");
        err.className = "field-error";
        err.id = "err-reason";
        reason.parentNode.appendChild(err);
      }
      err.textContent = reason.dataset.required;
      reason.setAttribute("aria-describedby", "err-reason");
      reason.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var q = document.getElementById("q");
    if (q) { q.addEventListener("keydown", onSearchKeys); }
    var list = document.getElementById("item-results");
    if (list) { list.addEventListener("keydown", onSearchKeys); }
    var btn = document.getElementById("lookup");
    if (btn) { btn.addEventListener("click", lookup); }
    var form = document.getElementById("intake-form");
    if (form) {
      form.addEventListener("change", refreshDecisions);
      form.addEventListener("input", refreshDecisions);
      form.addEventListener("submit", onDecide);
      refreshDecisions();
    }
    // The page's first stop (autofocus), also in a tab the browser has not focused.
    var errors = document.getElementById("form-errors"), first = document.querySelector("[autofocus]");
    if (errors) { errors.focus(); } else if (first && document.activeElement !== first) { first.focus(); }
  });
})();
