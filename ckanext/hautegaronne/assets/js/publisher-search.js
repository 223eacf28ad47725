/* Search-as-you-type on the "Ajouter une collectivité" page: the results list is the
   server-rendered snippet of the same page (the form works without JavaScript). */
this.ckan.module("hautegaronne-publisher-search", function () {
  return {
    initialize: function () {
      var form = this.el[0];
      var input = form.querySelector("input[name=q]");
      var target = document.getElementById(input.getAttribute("aria-controls"));
      var url = this.options.url;
      var timer = null;
      var last = input.value;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          var q = input.value.trim();
          if (q === last) { return; }
          last = q;
          fetch(url + "?partial=1&q=" + encodeURIComponent(q), {credentials: "same-origin"})
            .then(function (response) { return response.ok ? response.text() : ""; })
            .then(function (html) { if (q === last) { target.innerHTML = html; } });
        }, 200);
      });
    }
  };
});
