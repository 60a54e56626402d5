// Signoff web UI: small enhancements over forms that work without this script. Lines are added
// and removed in place, the total and the route preview follow the typing, and a submit button
// is disabled while its form is on its way so that a double click sends it once.
(function () {
  "use strict";

  function parseAmount(text) {
    var t = String(text || "").replace(/[,\s，]/g, "");
    if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
    var parts = t.split(".");
    var cents = parseInt(parts[0], 10) * 100 + (parts[1] ? parseInt((parts[1] + "0").slice(0, 2), 10) : 0);
    return isFinite(cents) ? cents : null;
  }

  function formatCents(cents) {
    var yuan = Math.floor(cents / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var fen = String(cents % 100).padStart(2, "0");
    return "¥" + yuan + "." + fen;
  }

  function initClaimForm(form) {
    var lines = form.querySelector("#lines");
    var template = form.querySelector("#line-template");
    var total = form.querySelector("#total");
    var preview = form.querySelector("#route-preview");
    var counter = 0;
    var timer = null;

    function updateTotal() {
      var sum = 0;
      form.querySelectorAll("[data-amount]").forEach(function (input) {
        var c = parseAmount(input.value);
        if (c !== null) sum += c;
      });
      if (total) total.textContent = formatCents(sum);
    }

    function renumber() {
      lines.querySelectorAll("[data-remove-line]").forEach(function (b, i) { b.value = "remove_line:" + i; });
    }

    function refreshPreview() {
      if (!preview) return;
      var data = new FormData(form);
      data.delete("files");
      fetch(form.dataset.previewUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRF-Token": data.get("_csrf") || "" }
      }).then(function (res) {
        if (!res.ok) throw new Error(res.status);
        return res.text();
      }).then(function (html) {
        preview.innerHTML = html;
      }).catch(function () { /* the preview button still works */ });
    }

    function schedulePreview() {
      clearTimeout(timer);
      timer = setTimeout(refreshPreview, 300);
    }

    form.addEventListener("click", function (ev) {
      var add = ev.target.closest("[data-add-line]");
      var remove = ev.target.closest("[data-remove-line]");
      if (add && template) {
        ev.preventDefault();
        var frag = template.content.cloneNode(true);
        counter++;
        frag.querySelectorAll("[id]").forEach(function (el) {
          var id = el.id.replace("line-new-", "line-js" + counter + "-");
          var label = frag.querySelector('label[for="' + el.id + '"]');
          if (label) label.htmlFor = id;
          el.id = id;
        });
        lines.appendChild(frag);
        renumber();
        var last = lines.lastElementChild;
        var desc = last && last.querySelector('[name="line_description"]');
        if (desc) desc.focus();
      } else if (remove) {
        ev.preventDefault();
        var row = remove.closest("[data-line]");
        if (lines.querySelectorAll("[data-line]").length > 1) {
          row.remove();
        } else {
          row.querySelectorAll("input").forEach(function (i) { i.value = ""; });
        }
        renumber();
        updateTotal();
        schedulePreview();
      }
    });

    form.addEventListener("input", function (ev) {
      if (ev.target.matches("[data-amount]")) updateTotal();
      if (ev.target.matches("[data-preview]")) schedulePreview();
    });
    form.addEventListener("change", function (ev) {
      if (ev.target.matches("[data-preview]")) schedulePreview();
    });

    var previewButton = form.querySelector("[data-preview-button]");
    if (previewButton) {
      previewButton.addEventListener("click", function (ev) { ev.preventDefault(); refreshPreview(); });
    }
    updateTotal();
  }

  function guardDoubleSubmit() {
    document.addEventListener("submit", function (ev) {
      var form = ev.target;
      var button = ev.submitter;
      if (form.dataset.sending === "1") { ev.preventDefault(); return; }
      if (button && button.name === "intent" && button.value !== "submit") return;
      form.dataset.sending = "1";
      if (button) {
        // A disabled button is not sent: carry its value in a hidden field instead.
        if (button.name) {
          var hidden = document.createElement("input");
          hidden.type = "hidden"; hidden.name = button.name; hidden.value = button.value;
          form.appendChild(hidden);
        }
        setTimeout(function () { button.disabled = true; }, 0);
      }
    });
  }

  // The navigation's groups are <details>: the browser opens them from the keyboard. This adds
  // what a menu is expected to do besides: one group open at a time, Escape closes the open one
  // and returns to its name, a click elsewhere closes it.
  function navGroups() {
    var groups = document.querySelectorAll(".navgroup");
    function closeAll(except) {
      groups.forEach(function (g) { if (g !== except) g.open = false; });
    }
    // On the activation of a name (a click, or Enter or Space on it), not on "toggle": toggle
    // events come later and may come late, so a group opened a moment before would close the one
    // just opened.
    groups.forEach(function (g) {
      g.querySelector("summary").addEventListener("click", function () {
        if (!g.open) closeAll(g); // about to open: the others close now
      });
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key !== "Escape") return;
      groups.forEach(function (g) {
        if (g.open) { g.open = false; g.querySelector("summary").focus(); }
      });
    });
    document.addEventListener("click", function (ev) {
      if (!ev.target.closest || !ev.target.closest(".navgroup")) closeAll(null);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    navGroups();
    var form = document.getElementById("claim-form");
    if (form) initClaimForm(form);
    guardDoubleSubmit();
    var err = document.querySelector('[aria-invalid="true"]');
    if (err) err.focus();
    // Says the page's behaviour is in place, for a test to wait for instead of guessing.
    document.documentElement.setAttribute("data-ready", "");
  });
})();
