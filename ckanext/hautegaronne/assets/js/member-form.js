// The member form's user search offers only existing accounts: CKAN's autocomplete also
// offered the typed text itself, highlighted first, so Enter picked it and the form
// answered "Utilisateur introuvable". Set before CKAN starts its modules.
(function () {
  'use strict';
  var field = document.querySelector('#username[data-module="autocomplete"]');
  if (field) {
    field.setAttribute('data-module-createtags', 'false');
  }
}());
