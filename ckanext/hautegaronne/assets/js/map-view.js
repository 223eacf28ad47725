// The portal's map views (previews/maps.py): GeoJSON read from the portal (the file
// itself, the GeoJSON export of a table, or a linked file the portal fetched through its
// address guard) drawn with ckanext-geoview's Leaflet. Popups are built as text nodes: a
// property holding HTML is shown as written, never rendered. Controls and messages come
// from the template in the reader's language; without a tile URL the map has a plain
// background.
ckan.module('hautegaronne-map', function ($) {
  'use strict';

  function format(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (whole, key) {
      return values.hasOwnProperty(key) ? values[key] : whole;
    });
  }

  function text(value) {
    if (value === null || value === undefined) {
      return '';
    }
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }

  function popup(properties) {
    var table = document.createElement('table');
    table.className = 'table table-striped table-sm hg-map-popup';
    var body = document.createElement('tbody');
    Object.keys(properties).forEach(function (key) {
      var row = document.createElement('tr');
      var name = document.createElement('th');
      name.setAttribute('scope', 'row');
      name.textContent = key;
      var cell = document.createElement('td');
      cell.textContent = text(properties[key]);
      row.appendChild(name);
      row.appendChild(cell);
      body.appendChild(row);
    });
    table.appendChild(body);
    var holder = document.createElement('div');
    holder.className = 'hg-map-popup-body';
    holder.appendChild(table);
    return holder;
  }

  function label(feature, number, template) {
    var properties = feature.properties || {};
    var first = Object.keys(properties).filter(function (key) {
      var value = properties[key];
      return value !== null && value !== '' && typeof value !== 'object';
    })[0];
    return first ? first + ' : ' + text(properties[first])
                 : format(template, {number: number});
  }

  return {
    options: {url: null, tiles: '', attribution: '', images: '', zoom_in: 'Zoom in',
              zoom_out: 'Zoom out', loading: '', count: '{count}', empty: '', failed: '',
              point: 'Point {number}'},

    initialize: function () {
      var options = this.options;
      var status = this.el.find('.hg-map-status');
      var holder = this.el.find('.hg-map')[0];
      L.Icon.Default.imagePath = options.images;
      var map = L.map(holder, {zoomControl: false, attributionControl: false});
      L.control.zoom({zoomInTitle: options.zoom_in, zoomOutTitle: options.zoom_out})
        .addTo(map);
      if (options.tiles) {
        L.control.attribution({prefix: false}).addTo(map);
        L.tileLayer(String(options.tiles), {attribution: String(options.attribution),
                                            maxZoom: 18}).addTo(map);
      }
      map.setView([43.4, 1.2], 8);  // the Haute-Garonne, until the data is read
      if (window.proj4 && proj4.defs) {
        proj4.defs['OGC:CRS84'] = proj4.defs['EPSG:4326'];
      }
      $.ajax({url: options.url, dataType: 'json'})
        .done(function (data) {
          var count = 0, points = 0;
          var build = (L.Proj && L.Proj.geoJson) ? L.Proj.geoJson : L.geoJson;
          var layer = build(data, {
            pointToLayer: function (feature, latlng) {
              points += 1;
              var name = label(feature, points, options.point);
              return L.marker(latlng, {alt: name, title: name, keyboard: true});
            },
            onEachFeature: function (feature, item) {
              count += 1;
              if (feature.properties) {
                item.bindPopup(popup(feature.properties), {maxWidth: 320});
              }
            }
          }).addTo(map);
          var bounds = layer.getBounds();
          if (bounds.isValid()) {
            map.fitBounds(bounds, {maxZoom: 14});
            status.text(format(options.count, {count: count, points: points}));
          } else {
            status.text(options.empty);
          }
        })
        .fail(function (xhr) {
          var reason = xhr.responseJSON && xhr.responseJSON.error;
          status.text(options.failed + (reason ? ' ' + reason : ''));
          status.addClass('text-danger');
        });
    }
  };
});
