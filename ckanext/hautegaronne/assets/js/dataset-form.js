// Enter in a field of the dataset form submits it, as in any form. CKAN's URL preview
// under the title adds a <button> without a type: the browser takes it as the form's
// first submit button, so Enter opened the URL editor instead. It is made a plain button
// before the browser looks for one.
(function () {
  'use strict';
  document.addEventListener('keydown', function (event) {
    var form = event.target.form;
    if (event.key !== 'Enter' || !form || form.id !== 'dataset-edit') {
      return;
    }
    form.querySelectorAll('.slug-preview button:not([type])').forEach(function (button) {
      button.type = 'button';
    });
  }, true);
}());
