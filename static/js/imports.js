// Import forms: send with fetch() and show the progress the server keeps in its cache.
// Without JavaScript the forms post normally; the CSP forbids inline scripts, hence this file.
(function () {
  "use strict";

  function token() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var PHASES = {
    zh: { waiting: "正在上传…", reading: "正在读取", checking: "正在检查", writing: "正在写入", finished: "完成" },
    en: { waiting: "Uploading…", reading: "Reading", checking: "Checking", writing: "Writing", finished: "Done" }
  };

  function label(phase, done, total) {
    var words = PHASES[document.documentElement.lang.indexOf("zh") === 0 ? "zh" : "en"];
    var text = words[phase] || words.waiting;
    return total && phase !== "waiting" && phase !== "finished" ? text + " " + done + " / " + total : text;
  }

  function watch(form) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) { return; }
      event.preventDefault();
      var key = token();
      var field = form.querySelector("input[name=progress]");
      if (field) { field.value = key; }
      var box = form.querySelector(".import-progress");
      var bar = box.querySelector("progress");
      var text = box.querySelector(".import-progress__text");
      var button = form.querySelector("button[type=submit]");
      box.hidden = false;
      button.disabled = true;
      bar.removeAttribute("value");
      text.textContent = label("waiting", 0, 0);
      var url = form.dataset.progressUrl.replace("TOKEN", key);
      var timer = window.setInterval(function () {
        fetch(url, { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (state) {
            if (!state) { return; }
            if (state.total) { bar.max = state.total; bar.value = Math.min(state.done, state.total); }
            text.textContent = label(state.phase, state.done, state.total);
          })
          .catch(function () {});
      }, 700);
      fetch(form.action || window.location.href, {
        method: "POST", body: new FormData(form), credentials: "same-origin"
      }).then(function (response) {
        window.clearInterval(timer);
        if (response.redirected) { window.location.assign(response.url); return null; }
        return response.text().then(function (html) {
          // A refused form (400, 409, 413): show the page the server answered.
          var page = new DOMParser().parseFromString(html, "text/html");
          var main = page.querySelector("main");
          if (main) { document.querySelector("main").replaceWith(main); bind(); }
        });
      }).catch(function () {
        window.clearInterval(timer);
        button.disabled = false;
        form.submit();
      });
    });
  }

  function bind() {
    Array.prototype.forEach.call(document.querySelectorAll("form.import-form"), watch);
  }

  bind();
}());
