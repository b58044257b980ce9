"""CSS and JavaScript of the review pages (inline: the pages load nothing).

The report page script: a click (or Enter/Space) on a summary value or on a flag's
evidence button highlights the mentions (``[data-i]``) and text spans (``[data-f]``)
it names, scrolls to the first and focuses it; the correction form builds a gold file
in the pages-dev format and offers it as a download (a ``blob:`` URL, no server).
The index page script sorts the table by any column (flagged reports first by default).
"""

from __future__ import annotations

REVIEW_CSS = """
.xr button.val { font: inherit; text-align: left; background: #f8f9fa; border: 1px solid #ced4da;
  border-radius: 4px; padding: 1px 6px; cursor: pointer; color: inherit; }
.xr button.val:hover, .xr button.val:focus { background: #e7f5ff; outline: 2px solid #1c7ed6; }
.xr button.val[aria-pressed=true] { background: #d0ebff; }
.xr .m.hl, .xr .fs.hl { outline: 3px solid #f03e3e !important; outline-offset: 1px;
  box-shadow: 0 0 0 5px rgba(240, 62, 62, .25); }
.xr .m:focus, .xr .fs:focus { outline: 3px solid #1c7ed6; }
.xr .m.flagged { border-bottom: 2px dashed #e03131; }
.xr .m.flagged::after { content: attr(data-reasons); font: 10px/1 system-ui, sans-serif;
  color: #c92a2a; background: #fff5f5; border: 1px solid #ffc9c9; border-radius: 3px;
  padding: 0 3px; margin-left: 2px; vertical-align: super; white-space: nowrap; }
.xr .fs { background: #ffe3e3; border-bottom: 2px dashed #e03131; }
.xr .flags { margin: 0; padding-left: 18px; }
.xr .flags li { color: #c92a2a; }
.xr .flags .reason { font-weight: 600; font-family: ui-monospace, monospace; font-size: 12px; }
.xr .ok { color: #2b8a3e; }
.xr .status { min-height: 1.5em; color: #495057; font-size: 13px; }
.xr .sticky { position: sticky; top: 0; background: #fff; z-index: 2; padding: 4px 0;
  border-bottom: 1px solid #dee2e6; }
.xr form.gold label { display: block; margin: 4px 0; }
.xr form.gold input, .xr form.gold select, .xr form.gold textarea { font: inherit; width: 100%;
  box-sizing: border-box; }
.xr form.gold .hint { color: #868e96; font-size: 12px; }
.xr table.index th button { font: inherit; font-weight: 600; background: none; border: 0;
  cursor: pointer; padding: 0; color: inherit; }
.xr table.index th button:focus { outline: 2px solid #1c7ed6; }
.xr table.index tr.flagged td:first-child { border-left: 4px solid #e03131; }
.xr a { color: #1864ab; }
"""

PAGE_JS = r"""
(function () {
  var status = document.getElementById('xr-status');
  function clear() {
    document.querySelectorAll('.hl').forEach(function (e) { e.classList.remove('hl'); });
    document.querySelectorAll('button.val[aria-pressed=true]').forEach(function (b) {
      b.setAttribute('aria-pressed', 'false');
    });
  }
  function show(button) {
    clear();
    var ids = (button.getAttribute('data-ev') || '').split(' ').filter(Boolean);
    var spans = (button.getAttribute('data-spans') || '').split(' ').filter(Boolean);
    var found = [];
    ids.forEach(function (i) {
      document.querySelectorAll('[data-i="' + i + '"]').forEach(function (e) { found.push(e); });
    });
    spans.forEach(function (i) {
      document.querySelectorAll('[data-f="' + i + '"]').forEach(function (e) { found.push(e); });
    });
    found.forEach(function (e) { e.classList.add('hl'); });
    button.setAttribute('aria-pressed', 'true');
    if (status) {
      status.textContent = found.length ? (button.getAttribute('data-label') || 'value') + ': ' +
        (ids.length + spans.length) + ' supporting mention(s) highlighted'
        : 'no supporting mention in the text';
    }
    if (found.length) {
      found[0].scrollIntoView({block: 'center'});
      found[0].focus({preventScroll: true});
    }
  }
  document.querySelectorAll('button.val').forEach(function (b) {
    b.addEventListener('click', function () { show(b); });
  });
  document.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') clear(); });

  var form = document.getElementById('xr-gold');
  if (!form) return;
  function list(text, sep) {
    return text.split(sep).map(function (s) { return s.trim(); }).filter(Boolean);
  }
  function number(text) {
    var t = text.trim();
    if (!t) return null;
    var n = Number(t);
    return isNaN(n) ? null : n;
  }
  function stains(text) {
    return list(text, ';').map(function (item) {
      var m = item.match(/^(.*?)\s*([+-]|positive|negative)$/i);
      if (!m) return {marker: item, result: 'positive'};
      var r = m[2].toLowerCase();
      var negative = r === '-' || r === 'negative';
      return {marker: m[1].trim(), result: negative ? 'negative' : 'positive'};
    });
  }
  function gold() {
    var v = function (name) { return form.elements[name].value; };
    var base = JSON.parse(document.getElementById('xr-gold-data').textContent);
    var name = v('dx_name').trim();
    base.age_years = number(v('age_years'));
    base.sex = v('sex') || null;
    base.levels = list(v('levels'), /[\s,;]+/);
    base.size_max_mm = number(v('size_max_mm'));
    base.stains = stains(v('stains'));
    base.final_diagnosis = name ? {name: name, icdo3: v('dx_icdo3').trim() || null,
      icdo3_alt: list(v('dx_icdo3_alt'), /[\s,;]+/), name_alt: list(v('dx_name_alt'), ';')} : null;
    base.differential_diagnoses = list(v('differential_diagnoses'), ';');
    base.negated_findings = list(v('negated_findings'), ';');
    base.notes = v('notes');
    return base;
  }
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var data = gold();
    var blob = new Blob([JSON.stringify(data, null, 2) + '\n'], {type: 'application/json'});
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = data.id.replace(/[^A-Za-z0-9._-]/g, '_') + '.json';
    document.body.appendChild(a);
    a.click();
    a.remove();
    if (status) status.textContent = 'gold file ' + a.download + ' downloaded';
  });
})();
"""

INDEX_JS = r"""
(function () {
  var table = document.getElementById('xr-index');
  var body = table.tBodies[0];
  var state = {col: -1, dir: 1};
  function key(row, col) {
    var cell = row.cells[col];
    var v = cell.getAttribute('data-sort');
    if (v === null) v = cell.textContent.trim();
    var n = Number(v);
    return v !== '' && !isNaN(n) ? n : v.toLowerCase();
  }
  function sort(col) {
    state.dir = state.col === col ? -state.dir : 1;
    state.col = col;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, col), y = key(b, col);
      if (x === y) return 0;
      if (typeof x !== typeof y) return (typeof x === 'number' ? -1 : 1) * state.dir;
      return (x < y ? -1 : 1) * state.dir;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    table.querySelectorAll('th').forEach(function (th, i) {
      var order = state.dir > 0 ? 'ascending' : 'descending';
      th.setAttribute('aria-sort', i === col ? order : 'none');
    });
  }
  table.querySelectorAll('th button').forEach(function (b, i) {
    b.addEventListener('click', function () { sort(i); });
  });
})();
"""
