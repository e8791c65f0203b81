// Talks to the local certificate agent (证书助手) on loopback. The PIN is typed into the agent's own
// window, never into this page; this page only gets back the certificate and the signature, which
// the server checks against a nonce it issued to this browser session.
(function () {
  "use strict";

  var AGENT = document.body.dataset.agentUrl;
  var POLL_MS = 400;
  var AGENT_MISSING = "未连接到证书助手：请确认已安装并启动证书助手（ggzy-agent serve），浏览器询问时请允许本网站访问本机设备。";
  // 下载证书助手 (pki/views_agent.py), named by base.html.
  var DOWNLOAD_URL = document.body.dataset.agentDownload;
  var DOWNLOAD_TEXT = "还没有安装？下载证书助手";

  function agentFetch(path, options) {
    return fetch(AGENT + path, Object.assign({ mode: "cors", cache: "no-store" }, options || {})).then(
      function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.message || "证书助手拒绝了请求");
          return body;
        });
      },
      function () {
        throw new Error(AGENT_MISSING);
      }
    );
  }

  function post(url, csrf, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json();
    });
  }

  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function poll(requestId, popup) {
    // Read before asking: the PIN window closes itself once it has signed, so "closed and still
    // pending" only counts when the window was already gone before this answer was asked for.
    var closedBefore = !!(popup && popup.closed);
    return agentFetch("/v1/sign/" + encodeURIComponent(requestId)).then(function (result) {
      if (result.status === "pending") {
        if (closedBefore) throw new Error("PIN码窗口已关闭，签名已取消。");
        return wait(POLL_MS).then(function () { return poll(requestId, popup); });
      }
      if (result.status !== "done") throw new Error(result.message || "签名未完成");
      return result;
    });
  }

  // Asks the server for a nonce, the agent for a signature over it (PIN in the agent's window).
  function openPinWindow() {
    // Must run inside the click itself, so no popup blocker stops it; pointed at the agent's page later.
    return window.open("about:blank", "ggzy-agent-pin", "width=560,height=680");
  }

  // `extra` goes to the agent with the request: a detection's seal test (signed_attributes, title).
  function sign(box, certificateId, purpose, popup, extra) {
    var csrf = box.querySelector("[name=csrfmiddlewaretoken]").value;
    return post(box.dataset.challengeUrl, csrf, { purpose: purpose })
      .then(function (challenge) {
        if (!challenge.nonce) throw new Error(challenge.error || "无法获取签名请求");
        var asked = Object.assign({ certificate_id: certificateId, purpose: purpose, nonce: challenge.nonce }, extra || {});
        return agentFetch("/v1/sign", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(asked),
        }).then(function (request) {
          if (popup) popup.location.href = request.approve_url;
          return poll(request.request_id, popup);
        }).then(function (result) {
          return { nonce: challenge.nonce, certificate: result.certificate, signature: result.signature, seal: result.seal };
        });
      })
      .catch(function (error) {
        if (popup && !popup.closed) popup.close();
        throw error;
      });
  }

  // Wherever a page says the agent cannot be reached, it also says where to get it.
  function downloadLink() {
    var a = document.createElement("a");
    a.href = DOWNLOAD_URL; a.target = "_blank"; a.rel = "noopener";
    a.className = "js-agent-download"; a.textContent = DOWNLOAD_TEXT;
    return a;
  }

  function setStatus(box, text, kind) {
    var status = box.querySelector(".js-agent-status");
    status.textContent = text;
    status.className = "js-agent-status agent-status " + (kind || "");
    if (String(text).indexOf(AGENT_MISSING) !== -1) {
      status.appendChild(document.createTextNode(" "));
      status.appendChild(downloadLink());
    }
  }

  function certificateLabel(c) {
    var where = (c.source === "token" ? "USB Key " : "证书文件 ") + c.location;
    // The serial first: it is what tells an old certificate from its renewal when the list is narrow.
    return c.label + "（序列号 " + c.serial + "，" + (c.algorithm || "").toUpperCase() + "，" + where + "）";
  }

  function loadCertificates(box) {
    var select = box.querySelector(".js-certificate");
    setStatus(box, "正在查找证书…");
    return agentFetch("/v1/certificates").then(function (body) {
      select.innerHTML = "";
      body.certificates.forEach(function (c) {
        var option = document.createElement("option");
        option.value = c.id;
        option.textContent = certificateLabel(c);
        select.appendChild(option);
      });
      if (!body.certificates.length) {
        setStatus(box, "未找到证书：请插入USB Key（或导入证书文件）后点击「刷新」。", "error");
      } else {
        setStatus(box, "找到 " + body.certificates.length + " 张证书，请选择后继续。", "ok");
      }
      return body.certificates;
    }).catch(function (error) {
      setStatus(box, error.message, "error");
      return [];
    });
  }

  // A form that signs and posts: login, bind.
  function setUpSigning(box) {
    loadCertificates(box);
    box.querySelector(".js-refresh").addEventListener("click", function () { loadCertificates(box); });
    box.querySelector(".js-sign").addEventListener("click", function () {
      var select = box.querySelector(".js-certificate");
      if (!select.value) { setStatus(box, "请先选择证书。", "error"); return; }
      setStatus(box, "请在证书助手弹出的窗口中核对网站并输入PIN码…");
      sign(box, select.value, box.dataset.purpose, openPinWindow()).then(function (signed) {
        setStatus(box, "正在验证证书…");
        return post(box.dataset.submitUrl, box.querySelector("[name=csrfmiddlewaretoken]").value, signed);
      }).then(function (answer) {
        if (answer.ok && answer.redirect) { window.location.href = answer.redirect; return; }
        setStatus(box, answer.error || "验证失败", "error");
      }).catch(function (error) { setStatus(box, error.message, "error"); });
    });
  }

  // 检测工具: one click runs every check in order and says what to do next where one fails. The one
  // PIN window signs both kinds of signature the platform asks for: the login text, and the signed
  // attributes of a seal on a sample page (prepared by the server, as for a real seal), so the page
  // can never say 检测通过 while sealing fails.
  function setUpDetection(box) {
    var list = box.querySelector(".js-checks");
    var csrf = box.querySelector("[name=csrfmiddlewaretoken]").value;
    function show(name, ok, message, link) {
      var item = document.createElement("li");
      item.className = ok ? "check ok" : "check error";
      item.innerHTML = "<strong></strong> <span></span>";
      item.querySelector("strong").textContent = (ok ? "✔ " : "✘ ") + name;
      item.querySelector("span").textContent = message;
      if (link) {
        var a = document.createElement("a");
        a.href = link.href; a.target = "_blank"; a.rel = "noopener"; a.textContent = link.text;
        item.appendChild(document.createTextNode(" "));
        item.appendChild(a);
      } else if (!ok && message === AGENT_MISSING) {
        item.appendChild(document.createTextNode(" "));
        item.appendChild(downloadLink());
      }
      list.appendChild(item);
    }
    // The seal test's second half: the server embeds the signature with a time-stamp and verifies it.
    function finishSealTest(prepared, signed) {
      if (!prepared.ok) return Promise.resolve({ ok: false, error: prepared.error || "无法准备签章检测" });
      if (!signed.seal) return Promise.resolve({ ok: false, error: "证书助手没有返回签章签名：请升级证书助手后重试。" });
      return post(box.dataset.sealFinishUrl, csrf, { request_id: prepared.request_id, signature: signed.seal.signature })
        .catch(function () { return { ok: false, error: "网站未能完成签章检测，请稍后重试或联系交易平台。" }; });
    }
    box.querySelector(".js-detect").addEventListener("click", function () {
      list.innerHTML = "";
      var popup = openPinWindow();
      function closePopup() { if (popup && !popup.closed) popup.close(); }
      agentFetch("/v1/status").then(function (status) {
        show("证书助手", true, "证书助手 " + status.version + " 正在运行");
        var modules = status.modules || [];
        modules.forEach(function (m) {
          show("设备驱动（PKCS#11）", m.loaded, m.loaded ? m.path : m.path + "：" + (m.error || "无法加载") + "，请检查证书助手配置中的驱动路径");
        });
        return loadCertificates(box);
      }).then(function (certificates) {
        if (!certificates.length) {
          closePopup();
          show("证书", false, "未检测到证书：请插入USB Key，或把证书文件放入证书助手的证书目录后重试");
          return;
        }
        show("证书", true, "找到 " + certificates.length + " 张证书");
        var select = box.querySelector(".js-certificate");
        var chosen = certificates.filter(function (c) { return c.id === select.value; })[0] || certificates[0];
        // A certificate that cannot seal (e.g. SM2) still gets its login checks; its seal line says why.
        return post(box.dataset.sealPrepareUrl, csrf, { certificate: chosen.pem }).then(function (prepared) {
          var sealTest = prepared.ok ? { signed_attributes: prepared.signed_attributes, title: prepared.title } : null;
          return sign(box, chosen.id, "detect", popup, sealTest).then(function (signed) {
            show("PIN码", true, "PIN码正确");
            return post(box.dataset.submitUrl, csrf, signed).then(function (answer) {
              answer.checks.forEach(function (c) { show(c.name, c.ok, c.message); });
              return finishSealTest(prepared, signed).then(function (sealed) {
                if (sealed.ok) show("签章签名", true, sealed.result.message, { href: sealed.result.download, text: "下载签章样张" });
                else show("签章签名", false, sealed.error || "签章未完成");
                var ok = answer.ok && sealed.ok;
                setStatus(box, ok ? "检测通过" : "检测未通过，请按提示处理", ok ? "ok" : "error");
              });
            });
          });
        });
      }).catch(function (error) {
        closePopup();
        show("检测中止", false, error.message);
        setStatus(box, "检测未通过，请按提示处理", "error");
      });
    });
  }

  // Shared with seal.js (电子签章), which signs PDF signed attributes through the same agent.
  window.ggzyAgent = {
    agentFetch: agentFetch,
    post: post,
    poll: poll,
    openPinWindow: openPinWindow,
    loadCertificates: loadCertificates,
    setStatus: setStatus,
  };

  document.querySelectorAll("[data-agent-sign]").forEach(setUpSigning);
  document.querySelectorAll("[data-agent-detect]").forEach(setUpDetection);
})();
