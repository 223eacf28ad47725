/* Accessible names for the select2 widgets that CKAN's "autocomplete" module
 * builds over form fields: select2 draws its own combobox, which does not
 * carry the <label> of the field it replaces (WCAG 4.1.2). Each combobox is
 * given aria-labelledby pointing at that label, as soon as it appears.
 *
 * Facet links: core's aria-label leaves out the count the link shows (WCAG
 * 2.5.3, label in name); without it, the name is the visible label and count. */
(function () {
  'use strict';

  function labelIdFor(field) {
    if (!field || !field.id) { return null; }
    var label = document.querySelector('label[for="' + field.id + '"]');
    if (!label) { return null; }
    if (!label.id) { label.id = field.id + '-label'; }
    return label.id;
  }

  function nameCombobox(container) {
    var field = container.previousElementSibling;
    while (field && !(field.matches('select, input'))) {
      field = field.previousElementSibling;
    }
    var labelId = labelIdFor(field);
    if (!labelId) { return; }
    container.querySelectorAll('.select2-selection, .select2-selection__rendered, .select2-search__field').forEach(function (el) {
      el.setAttribute('aria-labelledby', labelId);
    });
  }

  function nameFacetLink(link) {
    link.removeAttribute('aria-label');
  }

  function scan(root) {
    if (root.querySelectorAll) {
      root.querySelectorAll('.select2-container').forEach(nameCombobox);
      root.querySelectorAll('.nav-facet a[aria-label]').forEach(nameFacetLink);
    }
  }

  function start() {
    scan(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (m) {
        m.addedNodes.forEach(function (node) {
          if (node.nodeType !== 1) { return; }
          if (node.classList.contains('select2-container')) { nameCombobox(node); } else { scan(node); }
        });
      });
    }).observe(document.body, {childList: true, subtree: true});
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
