// 电子签章 through the local agent. The server prepares the PDF and the CMS signed attributes; the
// agent signs those attributes with the token's key after the PIN (typed in the agent's own window);
// the server embeds the signature with a time-stamp. The private key never leaves the token.
(function () {
  "use strict";

  var A = window.ggzyAgent;
  if (!A) return;
  var A4 = { width: 595.2756, height: 841.8898 }; // points

  function csrfOf(box) {
    return box.querySelector("[name=csrfmiddlewaretoken]").value;
  }

  // prepare → agent → finish. `popup` must have been opened inside the click.
  function seal(box, prepareUrl, body, certificateId, popup) {
    var csrf = csrfOf(box);
    return A.post(prepareUrl, csrf, body).then(function (prepared) {
      if (!prepared.ok) throw new Error(prepared.error || "无法准备签章");
      return A.agentFetch("/v1/sign", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          certificate_id: certificateId,
          purpose: "seal",
          nonce: prepared.nonce,
          signed_attributes: prepared.signed_attributes,
          title: prepared.title,
        }),
      }).then(function (request) {
        if (popup) popup.location.href = request.approve_url;
        return A.poll(request.request_id, popup);
      }).then(function (result) {
        A.setStatus(box, "正在加盖时间戳并验证签章…");
        return A.post(box.dataset.finishUrl, csrf, { request_id: prepared.request_id, signature: result.signature });
      });
    }).then(function (answer) {
      if (!answer.ok) throw new Error(answer.error || "签章未完成");
      return answer;
    }).catch(function (error) {
      if (popup && !popup.closed) popup.close();
      throw error;
    });
  }

  function certificateIdFor(fingerprint) {
    return "sha256:" + fingerprint.slice(0, 32);
  }

  // A document page: pick a seal, a place (named, or a click on the page), an opinion, a certificate.
  function setUpDocument(box) {
    var allowed = JSON.parse(box.dataset.allowed || "{}");
    var pages = document.querySelector(".doc-pages");
    var places = JSON.parse(pages.dataset.places || "{}");
    var sealSelect = box.querySelector(".js-seal");
    var placeSelect = box.querySelector(".js-place");
    var certSelect = box.querySelector(".js-certificate");
    var clicked = null;
    var all = [];

    function showMarker(page, x, y, size) {
      document.querySelectorAll(".js-marker").forEach(function (m) { m.hidden = true; });
      var figure = pages.querySelector('.doc-page[data-page="' + page + '"]');
      if (!figure) return;
      var img = figure.querySelector(".js-page");
      var marker = figure.querySelector(".js-marker");
      var scale = img.clientWidth / A4.width;
      var side = size * scale;
      marker.style.width = marker.style.height = side + "px";
      marker.style.left = (img.offsetLeft + x * scale - side / 2) + "px";
      marker.style.top = (img.offsetTop + (A4.height - y) * scale - side / 2) + "px";
      marker.hidden = false;
    }

    function sealSize() {
      var label = sealSelect.options[sealSelect.selectedIndex].textContent;
      return (label.indexOf("单位公章") === 0 ? 42 : 20) * 72 / 25.4;
    }

    function refreshPlace() {
      var spot = places[placeSelect.value];
      if (spot) showMarker(spot.page, spot.x + spot.width / 2, spot.y + spot.height / 2, sealSize());
      else if (clicked) showMarker(clicked.page, clicked.x, clicked.y, sealSize());
      else document.querySelectorAll(".js-marker").forEach(function (m) { m.hidden = true; });
    }

    function filterCertificates() {
      var ids = (allowed[sealSelect.value] || []).map(certificateIdFor);
      certSelect.innerHTML = "";
      all.filter(function (c) { return ids.indexOf(c.id) >= 0; }).forEach(function (c) {
        var option = document.createElement("option");
        option.value = c.id;
        option.textContent = c.label + "（序列号 " + c.serial + "）";
        certSelect.appendChild(option);
      });
      if (!ids.length) A.setStatus(box, "该印章还没有可用的证书：请先在「电子印章」中为它添加证书。", "error");
      else if (!certSelect.options.length) A.setStatus(box, "证书助手中没有可以使用该印章的证书：请插入对应的USB Key后点击「刷新」。", "error");
      else A.setStatus(box, "请选择证书后点击「签章」。", "ok");
    }

    function load() {
      A.loadCertificates(box).then(function (certificates) {
        all = certificates;
        if (certificates.length) filterCertificates();
      });
    }

    pages.querySelectorAll(".js-page").forEach(function (img) {
      img.addEventListener("click", function (event) {
        var rect = img.getBoundingClientRect();
        var x = (event.clientX - rect.left) / rect.width * A4.width;
        var y = (1 - (event.clientY - rect.top) / rect.height) * A4.height;
        clicked = { page: Number(img.closest(".doc-page").dataset.page), x: x, y: y };
        placeSelect.value = "";
        refreshPlace();
      });
    });
    sealSelect.addEventListener("change", function () { filterCertificates(); refreshPlace(); });
    placeSelect.addEventListener("change", refreshPlace);
    box.querySelector(".js-refresh").addEventListener("click", load);
    window.addEventListener("load", refreshPlace);
    window.addEventListener("resize", refreshPlace);
    load();

    box.querySelector(".js-seal-button").addEventListener("click", function () {
      if (!certSelect.value) { A.setStatus(box, "请先选择可以使用该印章的证书。", "error"); return; }
      var body = { seal: sealSelect.value, opinion: box.querySelector(".js-opinion").value, place: placeSelect.value };
      if (!placeSelect.value) {
        if (!clicked) { A.setStatus(box, "请在左侧页面上点击要盖章的位置。", "error"); return; }
        body.page = clicked.page; body.x = clicked.x; body.y = clicked.y;
      }
      var certificate = all.filter(function (c) { return c.id === certSelect.value; })[0];
      body.certificate = certificate.pem;
      A.setStatus(box, "请在证书助手弹出的窗口中核对文件并输入PIN码…");
      seal(box, box.dataset.prepareUrl, body, certificate.id, A.openPinWindow()).then(function (answer) {
        window.location.href = answer.redirect;
      }).catch(function (error) { A.setStatus(box, error.message, "error"); });
    });
  }

  // 签章检测 on the detection page: seal a sample page and show it.
  function setUpDetection(box) {
    var all = [];
    var result = box.querySelector(".js-seal-result");
    function load() { A.loadCertificates(box).then(function (c) { all = c; }); }
    box.querySelector(".js-refresh").addEventListener("click", load);
    load();
    box.querySelector(".js-seal-test").addEventListener("click", function () {
      var select = box.querySelector(".js-certificate");
      var certificate = all.filter(function (c) { return c.id === select.value; })[0];
      if (!certificate) { A.setStatus(box, "请先选择证书。", "error"); return; }
      result.hidden = true;
      A.setStatus(box, "请在证书助手弹出的窗口中核对文件并输入PIN码…");
      seal(box, box.dataset.prepareUrl, { certificate: certificate.pem }, certificate.id, A.openPinWindow()).then(function (answer) {
        A.setStatus(box, "✔ " + answer.result.message, "ok");
        result.querySelector("img").src = answer.result.preview;
        result.querySelector("a").href = answer.result.download;
        result.hidden = false;
      }).catch(function (error) { A.setStatus(box, "✘ 签章检测未通过：" + error.message, "error"); });
    });
  }

  // 读取证书 on a seal's page: add the certificate in the USB Key to the seal.
  function setUpRead(box) {
    var all = [];
    function load() { A.loadCertificates(box).then(function (c) { all = c; }); }
    box.querySelector(".js-refresh").addEventListener("click", load);
    load();
    box.querySelector(".js-read").addEventListener("click", function () {
      var select = box.querySelector(".js-certificate");
      var certificate = all.filter(function (c) { return c.id === select.value; })[0];
      if (!certificate) { A.setStatus(box, "请先选择证书。", "error"); return; }
      var form = document.createElement("form");
      form.method = "post";
      form.action = box.dataset.submitUrl;
      [["csrfmiddlewaretoken", csrfOf(box)], ["certificate", certificate.pem]].forEach(function (pair) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = pair[0]; input.value = pair[1];
        form.appendChild(input);
      });
      document.body.appendChild(form);
      form.submit();
    });
  }

  document.querySelectorAll("[data-agent-seal]").forEach(setUpDocument);
  document.querySelectorAll("[data-agent-seal-detect]").forEach(setUpDetection);
  document.querySelectorAll("[data-agent-read]").forEach(setUpRead);
})();
