// Names picked from the catalogue: an <input list="…" data-name-warning="…"> whose value is not one of its
// datalist's options gets a warning next to it ("“人力资源管理”不是目录中的职业（工种）名称，该段工作年限未计入").
// Saving is never blocked: the server repeats the warning in the eligibility result. No other host.
(function () {
  "use strict";
  function normal(input, value) {
    if (input.dataset.nameKind === "majors" && value.length > 2 && value.endsWith("专业")) {
      return value.slice(0, -2);
    }
    return value;
  }
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var box = document.querySelector('[data-name-warning-for="' + input.id + '"]');
    if (!list || !box) {
      return;
    }
    var known = new Set(Array.prototype.map.call(list.options, function (o) { return o.value; }));
    function check() {
      var value = input.value.trim();
      var bad = value !== "" && !known.has(normal(input, value));
      box.textContent = bad ? "“" + value + "”" + input.dataset.nameWarning : "";
      box.classList.toggle("d-none", !bad);
    }
    input.addEventListener("change", check);
    input.addEventListener("blur", check);
    check();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[list][data-name-warning]").forEach(attach);
  });
})();
