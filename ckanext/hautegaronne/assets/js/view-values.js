// The per-view values of CKAN's table and map previews (gdataDict, gresviewId,
// preload_resource), read from data- attributes: the portal's Content-Security-Policy
// refuses the inline script core writes them in (tabular/views.py). Runs before CKAN's
// modules start (they start once the document is loaded).
(function () {
  'use strict';
  var holder = document.getElementById('hg-view-values');
  if (!holder) {
    return;
  }
  var values = holder.dataset;
  if (values.gdataDict !== undefined) {
    window.gdataDict = JSON.parse(values.gdataDict);
    window.gresviewId = values.gresviewId;
  }
  if (values.preloadResource !== undefined) {
    window.preload_resource = JSON.parse(values.preloadResource);
  }
}());
