// Accessible names in core's table view (datatables_view), which builds its column
// filters, KeyTable's keyboard-capture field and a resize-detecting frame without them:
// each filter field is named after its column ("Filtrer la colonne X", from the
// template), the keyboard field says what it is for, the decorative frame is hidden from
// assistive technologies. Runs on DataTables' own events (init, draw).
(function ($) {
  'use strict';
  var holder = document.getElementById('hg-datatables-a11y');
  var template = holder ? holder.dataset.filterLabel : '{column}';
  var keyboard = holder ? holder.dataset.keyboardLabel : '';

  function name() {
    $('th.fhead input').each(function () {
      var column = $(this).closest('table').find('thead tr:first th').eq($(this).closest('th').index()).text().trim()
        || this.id.replace(/^dtcol-/, '').replace(/-\d+$/, '');
      this.setAttribute('aria-label', template.replace('{column}', column));
    });
    $('#resize_wrapper iframe').attr({role: 'presentation', tabindex: '-1', 'aria-hidden': 'true'});
    // KeyTable's field, in a hidden box of no width, that catches the keys
    $('input[type=text]').each(function () {
      if (!this.getAttribute('aria-label') && !(this.labels && this.labels.length) &&
          $(this).parent().css('overflow') === 'hidden') {
        this.setAttribute('aria-label', keyboard);
      }
    });
  }

  $(document).on('init.dt draw.dt', function () {
    name();
    window.setTimeout(name, 0);  // after the other init handlers (KeyTable's)
  });
}(window.jQuery));
