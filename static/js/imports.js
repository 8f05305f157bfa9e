// The job page while its dry run or import runs in the background worker: poll the job's
// progress, show it, and reload the page when the job's status changes. Without JavaScript
// the page offers a link to reload it. The CSP forbids inline scripts, hence this file.
(function () {
  "use strict";

  var PHASES = {
    zh: { waiting: "等待后台处理…", reading: "正在读取", checking: "正在检查", writing: "正在写入", finished: "完成" },
    en: { waiting: "Waiting for the background worker…", reading: "Reading", checking: "Checking", writing: "Writing", finished: "Done" }
  };

  function label(phase, done, total) {
    var words = PHASES[document.documentElement.lang.indexOf("zh") === 0 ? "zh" : "en"];
    var text = words[phase] || words.waiting;
    return total && phase !== "waiting" && phase !== "finished" ? text + " " + done + " / " + total : text;
  }

  var box = document.getElementById("import-progress");
  if (!box || !window.fetch) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector(".import-progress__text");
  text.textContent = label("waiting", 0, 0);

  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        if (state.status !== box.dataset.status) { window.location.reload(); return; }
        if (state.total) { bar.max = state.total; bar.value = Math.min(state.done, state.total); }
        text.textContent = label(state.phase, state.done, state.total);
      })
      .catch(function () {});
  }

  poll();
  window.setInterval(poll, 1000);
}());
