// Accessible names in core's table view (datatables_view), which builds its column
// filters and a resize-detecting frame without them: each filter field is named after
// its column ("Filtrer la colonne X", from the template), the decorative frame is hidden
// from assistive technologies. Runs on DataTables' own events (init, draw).
(function ($) {
  'use strict';
  var holder = document.getElementById('hg-datatables-a11y');
  var template = holder ? holder.dataset.filterLabel : '{column}';

  function name() {
    $('th.fhead input').each(function () {
      var column = $(this).closest('table').find('thead tr:first th').eq($(this).closest('th').index()).text().trim()
        || this.id.replace(/^dtcol-/, '').replace(/-\d+$/, '');
      this.setAttribute('aria-label', template.replace('{column}', column));
    });
    $('#resize_wrapper iframe').attr({role: 'presentation', tabindex: '-1', 'aria-hidden': 'true'});
  }

  $(document).on('init.dt draw.dt', name);
}(window.jQuery));
