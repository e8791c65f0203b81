// 招标文件 form: beside 投标截止时间, 「最早可定于…」 from the statutory clock once 文件获取开始 is
// filled (GET /procurement/deadlines/). The server checks again on save; this only saves counting.
(function () {
  "use strict";
  var hint = document.querySelector(".js-deadline-hint");
  if (!hint) return;
  var start = document.getElementById(hint.dataset.from);
  var value = document.getElementById(hint.dataset.value);
  if (!start) return;
  var asked = 0;
  function ask() {
    if (!start.value) return;
    var query = new URLSearchParams({ rule: hint.dataset.rule, from: start.value });
    if (value && value.value) query.set("value", value.value);
    var mine = ++asked;
    fetch(hint.dataset.url + "?" + query.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (mine !== asked) return;
        if (!answer.ok) { hint.textContent = answer.error; return; }
        var text = "依据" + answer.citation + "，投标截止时间最早可定于 " + answer.earliest_text + answer.note + "。";
        if (answer.problem) text += " " + answer.problem;
        hint.textContent = text;
        hint.classList.toggle("error", Boolean(answer.problem));
      })
      .catch(function () { hint.textContent = "暂时无法计算期限，保存时仍会检查。"; });
  }
  start.addEventListener("change", ask);
  if (value) value.addEventListener("change", ask);
  ask();
})();
