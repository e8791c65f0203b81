// 项目注册: 「添加分包」 adds a lot from the form's template, and the 采购目录 field suggests items of
// the national catalogue as one types (a <datalist> filled from /procurement/catalogue/). Without
// scripts the page still works: the lots already there can be filled in, codes typed by hand.
(function () {
  "use strict";

  var lots = document.querySelector(".js-lots");
  var template = document.querySelector(".js-lot-template");
  var total = document.querySelector("input[name=lots-TOTAL_FORMS]");

  function renumber() {
    var shown = 0;
    lots.querySelectorAll("[data-lot]").forEach(function (lot) {
      var deleted = lot.querySelector("input[name$=-DELETE]");
      lot.classList.toggle("lot-deleted", !!(deleted && deleted.checked));
      if (!(deleted && deleted.checked)) shown += 1;
      lot.querySelector(".js-lot-number").textContent = deleted && deleted.checked ? "—" : String(shown);
    });
  }

  if (lots && template && total) {
    document.querySelector(".js-add-lot").addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      lots.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      renumber();
      var added = lots.lastElementChild.querySelector("input[type=text]");
      if (added) added.focus();
    });
    lots.addEventListener("change", function (event) {
      if (event.target.name && event.target.name.slice(-7) === "-DELETE") renumber();
    });
    renumber();
  }

  var options = document.getElementById("catalogue-options");
  var timer = null;
  function suggest(input) {
    var query = input.value.trim();
    if (!query) return;
    fetch("/procurement/catalogue/?q=" + encodeURIComponent(query), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (answer) {
        options.textContent = "";
        (answer.items || []).forEach(function (item) {
          var option = document.createElement("option");
          option.value = item.code;
          option.textContent = item.code + " " + item.name + "（" + item.kind + "）";
          options.appendChild(option);
        });
      })
      .catch(function () { /* typing the code by hand still works */ });
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("js-catalogue") || !options) return;
    input.setAttribute("list", "catalogue-options");
    clearTimeout(timer);
    timer = setTimeout(function () { suggest(input); }, 200);
  });
})();
