// The export page's "Select all" box, bound here because the Content-Security-Policy blocks the
// inline onchange handler of django-import-export's template; onSelectToggleChange is the
// package's own (import_export/export_selectable_fields.js, loaded by the form's media).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((box) => {
    box.addEventListener("change", (event) => onSelectToggleChange(event));
  });
});
