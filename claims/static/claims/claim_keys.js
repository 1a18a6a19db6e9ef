// The claim page's keyboard shortcuts (documented on the page, under the workflow moves):
// Alt+S saves, Alt+C saves and continues editing, Alt+1 … Alt+9 press the numbered workflow
// move. A static file, as the Content-Security-Policy wants. Keys are read by their position
// (event.code), so Option+S on a Mac, which types "ß", still means S.
"use strict";
document.addEventListener("keydown", (event) => {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.repeat) {
    return;
  }
  let target = null;
  if (event.code === "KeyS") {
    target = document.querySelector("#claim_form input[name=_save]");
  } else if (event.code === "KeyC") {
    target = document.querySelector("#claim_form input[name=_continue]");
  } else {
    const digit = /^Digit([1-9])$/.exec(event.code);
    if (digit) {
      target = document.querySelector(`.workflow-move button[data-shortcut="${digit[1]}"]`);
    }
  }
  if (target) {
    event.preventDefault();
    // A click, not a bare submit: a move whose reason is required asks for it first.
    target.click();
  }
});
