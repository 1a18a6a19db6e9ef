// The claim form's short summary: a live count of its characters against the limit (75, the
// field's maxlength), read out politely by screen readers. A static file, as the
// Content-Security-Policy wants.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const field of document.querySelectorAll("input[data-count]")) {
    const limit = Number(field.getAttribute("maxlength")) || 75;
    const output = document.createElement("output");
    output.id = `${field.id}_count`;
    output.className = "char-count";
    output.setAttribute("aria-live", "polite");
    output.htmlFor = field.id;
    field.setAttribute("aria-describedby", `${output.id} ${field.getAttribute("aria-describedby") || ""}`.trim());
    const update = () => {
      const used = [...field.value].length;
      output.textContent = `${used} / ${limit} characters`;
      output.classList.toggle("char-count-full", used >= limit);
    };
    field.addEventListener("input", update);
    field.after(output);
    update();
  }
});
