// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  function kindClass() {
    var checked = document.querySelector("input[name=kind]:checked");
    document.body.classList.toggle("kind-person", !!checked && checked.value === "person");
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name === "kind") kindClass();
    // A filter that applies as soon as it is picked (the form's button is there without scripts).
    if (target.matches("select[data-autosubmit]")) target.form.submit();
    // Tell about a too-large file before it is sent; the server checks again.
    if (target.type === "file") {
      var box = target.closest(".attachment");
      if (!box) return;
      var limit = parseInt(box.dataset.maxBytes, 10);
      var error = box.querySelector(".js-size-error");
      var file = target.files && target.files[0];
      if (file && limit && file.size > limit) {
        error.textContent = "文件“" + file.name + "”超过大小上限，请压缩后重新选择。";
        error.hidden = false;
        target.value = "";
      } else {
        error.hidden = true;
      }
    }
  });

  document.addEventListener("click", function (event) {
    var tab = event.target.closest(".tab");
    if (tab) {
      var form = tab.closest("form, .card");
      form.querySelectorAll(".tab").forEach(function (t) { t.classList.toggle("active", t === tab); });
      form.querySelectorAll("[data-panel]").forEach(function (p) { p.hidden = p.dataset.panel !== tab.dataset.tab; });
      return;
    }
    var add = event.target.closest(".js-add-row");
    if (add) {
      var rows = add.closest(".rows");
      var prefix = rows.dataset.prefix;
      var total = rows.querySelector("input[name=" + prefix + "-TOTAL_FORMS]");
      var html = rows.querySelector(".row-template").innerHTML.replace(/__prefix__/g, total.value);
      var empty = rows.querySelector(".rows-empty");
      if (empty) empty.remove();
      rows.querySelector("tbody").insertAdjacentHTML("beforeend", html);
      total.value = parseInt(total.value, 10) + 1;
    }
  });

  document.addEventListener("submit", function (event) {
    var message = event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    kindClass();
    // Open the first tab that holds an error, so a refused save shows where to look.
    document.querySelectorAll("form.tabbed").forEach(function (form) {
      var bad = form.querySelector("[data-panel] .has-error, [data-panel] .error:not([hidden])");
      if (!bad) return;
      var panel = bad.closest("[data-panel]");
      form.querySelectorAll(".tab").forEach(function (t) {
        if (t.dataset.tab === panel.dataset.panel) t.click();
        var p = form.querySelector("[data-panel='" + t.dataset.tab + "']");
        if (p && p.querySelector(".has-error, .error:not([hidden])")) t.classList.add("has-error");
      });
    });
  });
})();
