/*
 * regcache status page. Reads /api/status (public figures) every few seconds, or /api/admin/status
 * once an admin has logged in (the browser asks for the login on the 401), and runs the admin
 * actions. Every text from the API goes into the page as text (textContent), never as markup.
 * ?refresh=N sets the refresh interval in seconds (default 5).
 */
(function () {
  'use strict';

  var SVG_NS = 'http://www.w3.org/2000/svg';
  var MINUTE = 60000;

  var params = new URLSearchParams(window.location.search);
  var refreshSeconds = (function () {
    var n = Number(params.get('refresh'));
    return Number.isFinite(n) && n >= 1 ? Math.min(n, 3600) : 5;
  })();

  var state = {
    admin: false,        // showing /api/admin/status
    timer: null,
    inFlight: false,
    lastOk: 0,           // client time of the last successful refresh
    data: null,          // the last status
    jobTimer: null
  };

  // ------------------------------------------------------------------ helpers

  function $(id) {
    return document.getElementById(id);
  }

  /** An element with a class and children (strings become text nodes, never markup). */
  function el(tag, className, children) {
    var e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    append(e, children);
    return e;
  }

  function svg(tag, attrs, children) {
    var e = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) {
      e.setAttribute(k, String(attrs[k]));
    });
    append(e, children);
    return e;
  }

  function append(parent, children) {
    if (children === undefined || children === null) {
      return;
    }
    (Array.isArray(children) ? children : [children]).forEach(function (c) {
      if (c === null || c === undefined) {
        return;
      }
      parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    });
  }

  /** Sets an element's text, and its raw value in data-value for scripts and tests. */
  function show(id, text, raw) {
    var e = $(id);
    e.textContent = text;
    if (raw !== undefined) {
      e.setAttribute('data-value', String(raw));
    }
    return e;
  }

  var countFormat = new Intl.NumberFormat('en-US');

  function formatCount(n) {
    return countFormat.format(n);
  }

  var UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

  /** 1536 -> "1.5 KiB": binary units, three significant digits at most. */
  function formatBytes(n) {
    if (!Number.isFinite(n) || n < 0) {
      return '–';
    }
    var i = 0;
    var v = n;
    while (v >= 1024 && i < UNITS.length - 1) {
      v /= 1024;
      i++;
    }
    if (i === 0) {
      return v + ' B';
    }
    var text = v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
    return text.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1') + ' ' + UNITS[i];
  }

  function formatPercent(ratio) {
    var p = ratio * 100;
    if (p === 0 || p === 100) {
      return p + '%';
    }
    return (p < 10 ? p.toFixed(1) : p.toFixed(p > 99.5 ? 1 : 0)) + '%';
  }

  /** 90061000 -> "1 d 1 h": the two largest units. */
  function formatDuration(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var d = Math.floor(s / 86400);
    var h = Math.floor((s % 86400) / 3600);
    var m = Math.floor((s % 3600) / 60);
    var sec = s % 60;
    if (d > 0) {
      return d + ' d' + (h ? ' ' + h + ' h' : '');
    }
    if (h > 0) {
      return h + ' h' + (m ? ' ' + m + ' min' : '');
    }
    if (m > 0) {
      return m + ' min' + (sec && m < 10 ? ' ' + sec + ' s' : '');
    }
    return sec + ' s';
  }

  /** How long before {@code now} a moment was; 0 or less means never. */
  function formatAgo(t, now) {
    if (!t || t <= 0) {
      return 'never';
    }
    var diff = now - t;
    if (diff < 5000) {
      return 'just now';
    }
    return formatDuration(diff) + ' ago';
  }

  function pad(n) {
    return (n < 10 ? '0' : '') + n;
  }

  function formatMinute(t) {
    var d = new Date(t);
    return pad(d.getHours()) + ':' + pad(d.getMinutes());
  }

  function formatClock(t) {
    return formatMinute(t) + ':' + pad(new Date(t).getSeconds());
  }

  function formatDateTime(t) {
    var d = new Date(t);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + formatClock(t);
  }

  /** A table's only row when there is nothing to list. */
  function emptyRow(text, columns) {
    var td = el('td', 'empty-row', text);
    td.colSpan = columns;
    return el('tr', null, td);
  }

  function plural(n, word) {
    return formatCount(n) + ' ' + word + (n === 1 ? '' : 's');
  }

  var STATUS_TEXT = {
    200: 'OK', 206: 'Partial Content', 304: 'Not Modified', 401: 'Unauthorized', 403: 'Forbidden',
    404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway',
    503: 'Service Unavailable', 504: 'Gateway Timeout'
  };

  // ------------------------------------------------------------------ HTTP

  /** GET or POST JSON; resolves to {status, ok, body} (body null when not JSON), rejects on network errors. */
  function request(url, method, payload) {
    var init = {
      method: method || 'GET',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'Accept': 'application/json' }
    };
    if (payload !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(payload);
    }
    return fetch(url, init).then(function (res) {
      return res.text().then(function (text) {
        var body = null;
        if (text) {
          try {
            body = JSON.parse(text);
          } catch (e) {
            body = null;
          }
        }
        return { status: res.status, ok: res.ok, body: body };
      });
    });
  }

  /** The API's error ({"errors":[{"code","message","detail"}]}) as one line. */
  function errorText(r) {
    var e = r.body && Array.isArray(r.body.errors) && r.body.errors[0];
    if (e) {
      return (e.code ? e.code + ': ' : '') + (e.message || 'error') + ' (HTTP ' + r.status + ')';
    }
    return 'HTTP ' + r.status;
  }

  // ------------------------------------------------------------------ refresh loop

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(refresh, refreshSeconds * 1000);
  }

  function refresh() {
    if (state.inFlight) {
      return Promise.resolve();
    }
    if (document.hidden && state.data) {
      schedule(); // nobody is looking: ask again when the page is visible
      return Promise.resolve();
    }
    state.inFlight = true;
    clearTimeout(state.timer);
    var admin = state.admin;
    return request(admin ? 'api/admin/status' : 'api/status')
      .then(function (r) {
        if (admin && (r.status === 401 || r.status === 403)) {
          leaveAdmin('The admin view closed: ' + errorText(r) + '.');
          return request('api/status').then(function (p) {
            return { r: p, admin: false };
          });
        }
        return { r: r, admin: admin };
      })
      .then(function (x) {
        if (!x.r.ok || !x.r.body) {
          throw new Error(errorText(x.r));
        }
        if (x.admin !== state.admin) {
          return; // the view changed meanwhile; the next refresh is for the new one
        }
        showStatus(x.r.body);
      })
      .catch(function (e) {
        setConnection('bad');
        show('load-error', 'Cannot read the status: ' + (e && e.message ? e.message : e) + '. Retrying every '
          + refreshSeconds + ' s.').hidden = false;
      })
      .then(function () {
        state.inFlight = false;
        schedule();
      });
  }

  /** A status the API answered: shown, and the connection marked live. */
  function showStatus(body) {
    render(body);
    state.lastOk = Date.now();
    setConnection('ok');
    $('load-error').hidden = true;
  }

  function setConnection(kind) {
    var pill = $('conn-status');
    if (kind === 'ok') {
      pill.className = 'pill pill-ok';
      pill.textContent = 'Live';
    } else {
      pill.className = 'pill pill-bad';
      pill.textContent = 'Unreachable';
    }
    tick();
  }

  /** Once a second: how old the figures are. */
  function tick() {
    var text = '';
    if (state.lastOk) {
      var age = Date.now() - state.lastOk;
      text = age < 2000 ? 'updated just now' : 'updated ' + formatDuration(age) + ' ago';
      text += ' · every ' + refreshSeconds + ' s';
    }
    $('last-updated').textContent = text;
  }

  // ------------------------------------------------------------------ rendering

  function render(d) {
    state.data = d;
    var t = d.traffic || {};
    var c = d.cache || {};
    var answered = (t.hits || 0) + (t.misses || 0) + (t.stale || 0);

    show('hit-ratio', answered ? formatPercent(t.hitRatio) : '–', t.hitRatio);
    $('hit-ratio').title = answered ? plural(answered, 'answer') + ' from the cache or the upstream' : 'no pulls yet';
    show('hits', formatCount(t.hits), t.hits);
    show('stale', formatCount(t.stale), t.stale);
    show('misses', formatCount(t.misses), t.misses);
    show('errors', formatCount(t.errors), t.errors);
    show('saved-bytes', formatBytes(t.savedBytes), t.savedBytes);
    show('served-bytes', formatBytes(t.servedBytes), t.servedBytes);
    show('pulled-bytes', formatBytes(t.pulledBytes), t.pulledBytes);
    show('downloads', formatCount(c.downloadsInProgress), c.downloadsInProgress);
    show('uptime', formatDuration(d.now - d.startedAt), d.now - d.startedAt);
    show('started-at', formatDateTime(d.startedAt), d.startedAt);

    renderCache(c);
    renderHistory(d);
    renderUpstreams(d);
    renderAdmin(d);
  }

  function renderCache(c) {
    var size = c.sizeBytes;
    var max = c.maxBytes;
    var bar = $('cache-bar');
    var meter = $('cache-meter');
    show('cache-size', formatBytes(size), size);
    meter.setAttribute('aria-valuenow', String(size));
    if (max > 0) {
      var ratio = Math.min(1, size / max);
      show('cache-max', formatBytes(max), max);
      $('cache-of').textContent = 'of';
      show('cache-percent', '(' + formatPercent(size / max) + ' used)', size / max);
      bar.style.width = (ratio * 100).toFixed(2) + '%';
      bar.className = 'meter-fill' + (ratio >= 0.9 ? ' level-bad' : ratio >= 0.75 ? ' level-warn' : '');
      meter.setAttribute('aria-valuemax', String(max));
    } else {
      show('cache-max', 'no size limit', max);
      $('cache-of').textContent = '·';
      show('cache-percent', '', '');
      bar.style.width = size > 0 ? '100%' : '0';
      bar.className = 'meter-fill unlimited';
      meter.removeAttribute('aria-valuemax');
    }
    var ttl = c.ttlSeconds;
    show('cache-ttl', ttl > 0 ? 'images unused for ' + formatDuration(ttl * 1000) + ' are removed'
      : 'images never expire', ttl);
  }

  // ---- the chart: hit ratio per minute (line) above the requests per minute (stacked bars)

  var chartWidth = 0;

  function renderHistory(d) {
    var box = $('history-chart');
    var history = Array.isArray(d.history) ? d.history : [];
    var W = Math.max(300, Math.floor(box.clientWidth || 600));
    chartWidth = W;
    var H = 240;
    var left = 44;
    var right = 10;
    var ratioTop = 14;
    var ratioH = 112;
    var barsTop = ratioTop + ratioH + 26;
    var barsH = 62;
    var plotW = W - left - right;

    var endMinute = d.now - d.now % MINUTE;
    var sinceStart = Math.floor((endMinute - (d.startedAt - d.startedAt % MINUTE)) / MINUTE) + 1;
    var slots = Math.min(120, Math.max(15, sinceStart));
    var firstMinute = endMinute - (slots - 1) * MINUTE;
    var slotW = plotW / slots;

    var minutes = history.filter(function (m) {
      return m.start >= firstMinute && m.start <= endMinute;
    });
    var maxRequests = 0;
    minutes.forEach(function (m) {
      maxRequests = Math.max(maxRequests, m.hits + m.misses + m.stale + m.errors);
    });
    var scaleMax = niceCeiling(Math.max(1, maxRequests));

    var root = svg('svg', {
      viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, 'aria-hidden': 'true', focusable: 'false'
    });

    // ratio panel: grid at 0, 50, 100 %
    [0, 0.5, 1].forEach(function (f) {
      var y = ratioTop + ratioH * (1 - f);
      root.appendChild(svg('line', { 'class': f === 0 ? 'axis' : 'grid', x1: left, x2: W - right, y1: y, y2: y }));
      root.appendChild(svg('text', { 'class': 'tick', x: left - 6, y: y + 4, 'text-anchor': 'end' }, (f * 100) + '%'));
    });
    root.appendChild(svg('text', { 'class': 'panel-label', x: left, y: ratioTop - 4 }, 'hit ratio'));

    // bars panel
    [0, 1].forEach(function (f) {
      var y = barsTop + barsH * (1 - f);
      root.appendChild(svg('line', { 'class': f === 0 ? 'axis' : 'grid', x1: left, x2: W - right, y1: y, y2: y }));
      root.appendChild(svg('text', { 'class': 'tick', x: left - 6, y: y + 4, 'text-anchor': 'end' },
        f === 0 ? '0' : formatCount(scaleMax)));
    });
    root.appendChild(svg('text', { 'class': 'panel-label', x: left, y: barsTop - 4 }, 'requests per minute'));

    // time ticks: about every 80 px, on round minutes
    var every = [1, 2, 5, 10, 15, 30, 60].find(function (n) {
      return n * slotW >= 70;
    }) || 60;
    for (var i = 0; i < slots; i++) {
      var t = firstMinute + i * MINUTE;
      if (Math.floor(t / MINUTE) % every === 0) {
        var x = left + (i + 0.5) * slotW;
        root.appendChild(svg('line', { 'class': 'grid', x1: x, x2: x, y1: barsTop + barsH, y2: barsTop + barsH + 4 }));
        root.appendChild(svg('text', { 'class': 'tick', x: x, y: H - 4, 'text-anchor': 'middle' },
          formatMinute(t)));
      }
    }

    if (!minutes.length) {
      root.appendChild(svg('text', { 'class': 'empty', x: left + plotW / 2, y: ratioTop + ratioH / 2 + 5, 'text-anchor': 'middle' },
        'No pulls in this window yet'));
    }

    // bars, the ratio line (broken where a minute had no answers), and a hover target per minute
    var segments = [];
    var current = null;
    var lastIndex = -2;
    var points = svg('g', { 'class': 'points' });
    var bars = svg('g', { 'class': 'bars' });
    var hovers = svg('g', { 'class': 'hovers' });
    minutes.forEach(function (m) {
      var idx = Math.round((m.start - firstMinute) / MINUTE);
      var x0 = left + idx * slotW;
      var bw = Math.max(1, slotW * 0.7);
      var bx = x0 + (slotW - bw) / 2;
      var y = barsTop + barsH;
      [['hits', 'bar-hit'], ['stale', 'bar-stale'], ['misses', 'bar-miss'], ['errors', 'bar-error']].forEach(function (p) {
        var v = m[p[0]] || 0;
        if (v > 0) {
          var h = Math.max(1, barsH * v / scaleMax);
          y -= h;
          bars.appendChild(svg('rect', { 'class': 'bar ' + p[1], x: bx.toFixed(1), y: y.toFixed(1), width: bw.toFixed(1), height: h.toFixed(1) }));
        }
      });
      var answered = m.hits + m.misses + m.stale;
      var ratio = answered ? (m.hits + m.stale) / answered : null;
      if (ratio !== null) {
        var px = x0 + slotW / 2;
        var py = ratioTop + ratioH * (1 - ratio);
        if (idx !== lastIndex + 1 || !current) {
          current = [];
          segments.push(current);
        }
        current.push([px, py]);
        lastIndex = idx;
        points.appendChild(svg('circle', { 'class': 'point', cx: px.toFixed(1), cy: py.toFixed(1), r: 3 }));
      } else {
        current = null;
      }
      var tip = formatMinute(m.start) + ' – ' + plural(m.hits + m.misses + m.stale + m.errors, 'request')
        + ': ' + m.hits + ' hits, ' + m.stale + ' stale, ' + m.misses + ' misses, ' + m.errors + ' errors'
        + (ratio !== null ? '; hit ratio ' + formatPercent(ratio) : '')
        + '; ' + formatBytes(m.servedBytes) + ' served, ' + formatBytes(m.pulledBytes) + ' pulled';
      hovers.appendChild(svg('rect', { 'class': 'hover', x: x0.toFixed(1), y: ratioTop, width: slotW.toFixed(1), height: barsTop + barsH - ratioTop },
        svg('title', {}, tip)));
    });
    segments.forEach(function (seg) {
      var dPath = seg.map(function (p, k) {
        return (k ? 'L' : 'M') + p[0].toFixed(1) + ' ' + p[1].toFixed(1);
      }).join(' ');
      if (seg.length > 1) {
        var base = ratioTop + ratioH;
        root.appendChild(svg('path', {
          'class': 'ratio-area',
          d: dPath + ' L' + seg[seg.length - 1][0].toFixed(1) + ' ' + base + ' L' + seg[0][0].toFixed(1) + ' ' + base + ' Z'
        }));
      }
      root.appendChild(svg('path', { 'class': 'ratio-line', d: dPath }));
    });
    root.appendChild(bars);
    root.appendChild(points);
    root.appendChild(hovers);

    box.replaceChildren(root);
    box.setAttribute('data-minutes', String(minutes.length));
    box.setAttribute('aria-label', 'Hit ratio and requests per minute over the last ' + slots + ' minutes; '
      + minutes.length + ' minute(s) with traffic');
  }

  /** 1, 2, 5, 10, 20, 50… at or above n. */
  function niceCeiling(n) {
    var p = Math.pow(10, Math.floor(Math.log10(n)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] * p >= n) {
        return steps[i] * p;
      }
    }
    return 10 * p;
  }

  // ---- upstreams

  function upstreamState(u) {
    if (u.lastStatus === undefined || u.lastStatus === null) {
      return { label: 'no contact yet', kind: 'idle' };
    }
    if (!u.reachable) {
      return { label: 'unreachable', kind: 'bad' };
    }
    if (u.lastStatus === 429) {
      return { label: 'rate-limited', kind: 'warn' };
    }
    return { label: 'reachable', kind: 'ok' };
  }

  function renderUpstreams(d) {
    var rows = (d.upstreams || []).map(function (u) {
      var st = upstreamState(u);
      var tr = el('tr', 'upstream-row');
      tr.setAttribute('data-registry', u.registry);
      tr.setAttribute('data-state', st.label);

      var name = el('td', 'up-registry name nowrap', u.registry);
      if (u['default']) {
        name.appendChild(el('span', 'badge', 'default'));
      }
      tr.appendChild(name);

      var stateCell = el('td', 'up-state nowrap', el('span', 'pill pill-' + st.kind, st.label));
      tr.appendChild(stateCell);

      var status = el('td', 'up-status nowrap');
      if (u.lastStatus !== undefined && u.lastStatus !== null) {
        status.textContent = u.lastStatus === 0 ? 'no answer' : u.lastStatus + (STATUS_TEXT[u.lastStatus] ? ' ' + STATUS_TEXT[u.lastStatus] : '');
        status.setAttribute('data-value', String(u.lastStatus));
      } else {
        status.textContent = '–';
      }
      tr.appendChild(status);

      var ok = el('td', 'up-last-ok nowrap', formatAgo(u.lastOkAt, d.now));
      ok.setAttribute('data-value', String(u.lastOkAt || 0));
      if (u.lastOkAt > 0) {
        ok.title = formatDateTime(u.lastOkAt);
      }
      tr.appendChild(ok);

      var err = el('td', 'up-last-error nowrap', formatAgo(u.lastErrorAt, d.now));
      err.setAttribute('data-value', String(u.lastErrorAt || 0));
      if (u.lastErrorAt > 0) {
        err.title = formatDateTime(u.lastErrorAt);
      }
      tr.appendChild(err);

      tr.appendChild(allowanceCell(u.rateLimit));

      if (d.admin) {
        tr.appendChild(el('td', 'up-url name', u.url || ''));
        tr.appendChild(el('td', 'up-account name', u.account ? u.account : el('span', 'muted', 'anonymous')));
      }
      return tr;
    });
    if (!rows.length) {
      rows.push(emptyRow('No upstream configured.', d.admin ? 8 : 6));
    }
    $('upstream-rows').replaceChildren.apply($('upstream-rows'), rows);
    Array.prototype.forEach.call(document.querySelectorAll('#upstreams .admin-col'), function (th) {
      th.hidden = !d.admin;
    });
  }

  function allowanceCell(rl) {
    var td = el('td', 'up-rate');
    if (!rl) {
      td.appendChild(el('span', 'muted', 'not limited'));
      td.title = 'The upstream sent no rate-limit headers';
      return td;
    }
    var windowText = rl.windowSeconds > 0 ? ' per ' + formatDuration(rl.windowSeconds * 1000) : '';
    var ratio = rl.limit > 0 ? Math.max(0, Math.min(1, rl.remaining / rl.limit)) : 0;
    var fill = el('div', ratio <= 0.1 ? 'level-bad' : ratio <= 0.25 ? 'level-warn' : '');
    fill.style.width = (ratio * 100).toFixed(1) + '%';
    var text = el('span', 'rate-text', formatCount(rl.remaining) + ' / ' + formatCount(rl.limit) + ' left' + windowText);
    td.appendChild(el('div', 'allowance', [text, el('div', 'mini-meter', fill)]));
    td.setAttribute('data-remaining', String(rl.remaining));
    td.setAttribute('data-limit', String(rl.limit));
    return td;
  }

  // ---- admin

  function renderAdmin(d) {
    var panel = $('admin-panel');
    if (!d.admin) {
      panel.hidden = true;
      return;
    }
    panel.hidden = false;
    $('storage-path').textContent = d.storage || '';

    var top = (d.topRepositories || []).map(function (r) {
      var tr = el('tr', 'top-repo', [
        el('td', 'name', r.repository),
        el('td', 'num', formatCount(r.pulls)),
        el('td', 'num nowrap', formatBytes(r.bytes))
      ]);
      tr.setAttribute('data-repository', r.repository);
      return tr;
    });
    if (!top.length) {
      top.push(emptyRow('No pulls yet.', 3));
    }
    $('top-repos-rows').replaceChildren.apply($('top-repos-rows'), top);

    var recent = (d.recentPulls || []).map(function (p) {
      var time = el('td', 'nowrap', formatClock(p.time));
      time.title = formatDateTime(p.time) + ' (' + formatAgo(p.time, d.now) + ')';
      var tr = el('tr', 'recent-pull', [
        time,
        el('td', 'name', p.repository),
        el('td', null, p.kind),
        el('td', null, el('span', 'outcome outcome-' + String(p.outcome).replace(/[^A-Z]/g, ''), p.outcome)),
        el('td', 'num nowrap', formatBytes(p.bytes)),
        el('td', 'name nowrap', p.client)
      ]);
      tr.setAttribute('data-repository', p.repository);
      tr.setAttribute('data-outcome', p.outcome);
      return tr;
    });
    if (!recent.length) {
      recent.push(emptyRow('No pulls yet.', 6));
    }
    $('recent-pulls-rows').replaceChildren.apply($('recent-pulls-rows'), recent);
  }

  function enterAdmin() {
    var button = $('admin-button');
    var message = $('admin-message');
    message.hidden = true;
    button.disabled = true;
    button.textContent = 'Signing in…';
    return request('api/admin/status').then(function (r) {
      if (r.ok && r.body) {
        state.admin = true;
        showStatus(r.body);
        button.textContent = 'Leave admin view';
        button.classList.add('pill-admin');
        schedule();
        return;
      }
      button.textContent = 'Admin';
      if (r.status === 401) {
        show('admin-message', 'Not signed in: the admin view needs a user with the role registry-admin, '
          + 'and the login was cancelled or refused. Click Admin to try again.').hidden = false;
      } else if (r.status === 403) {
        show('admin-message', 'This user may not use the admin view (it needs the role registry-admin). '
          + 'The browser keeps the login until it is closed.').hidden = false;
      } else {
        show('admin-message', 'The admin view is unavailable: ' + errorText(r)).hidden = false;
      }
    }).catch(function (e) {
      button.textContent = 'Admin';
      show('admin-message', 'The admin view is unavailable: ' + e).hidden = false;
    }).then(function () {
      button.disabled = false;
    });
  }

  /** Back to public figures; what only admins may see leaves the page. */
  function leaveAdmin(why) {
    state.admin = false;
    clearTimeout(state.jobTimer);
    $('admin-panel').hidden = true;
    ['top-repos-rows', 'recent-pulls-rows', 'prefetch-result', 'purge-result', 'janitor-result', 'storage-path']
      .forEach(function (id) {
        $(id).replaceChildren();
      });
    var button = $('admin-button');
    button.textContent = 'Admin';
    button.classList.remove('pill-admin');
    if (why) {
      show('admin-message', why).hidden = false;
    }
  }

  // ---- admin actions

  function rawJson(value) {
    return el('details', null, [el('summary', null, 'JSON'), el('pre', null, JSON.stringify(value, null, 2))]);
  }

  function showBusy(box, text) {
    box.replaceChildren(el('p', 'summary busy', text));
  }

  function showError(box, text, body) {
    box.replaceChildren(el('p', 'summary bad', text));
    if (body) {
      box.appendChild(rawJson(body));
    }
  }

  /** A failed action, marked for scripts and tests. */
  function showFailed(box, text, body) {
    showError(box, text, body);
    box.setAttribute('data-state', 'error');
  }

  function definitionList(pairs) {
    var dl = el('dl');
    pairs.forEach(function (p) {
      dl.appendChild(el('dt', null, p[0]));
      var dd = el('dd', null, p[1]);
      if (p[2]) {
        dd.setAttribute('data-field', p[2]);
      }
      dl.appendChild(dd);
    });
    return dl;
  }

  /** A purge or janitor report: {imagesRemoved, blobsRemoved, bytesFreed, bytesKept}. */
  function showReport(box, what, report) {
    var summary = report.imagesRemoved + report.blobsRemoved > 0
      ? what + ': removed ' + plural(report.imagesRemoved, 'image') + ' and ' + plural(report.blobsRemoved, 'blob')
        + ', freed ' + formatBytes(report.bytesFreed) + '.'
      : what + ': nothing to remove.';
    box.replaceChildren(
      el('p', 'summary ok', summary),
      definitionList([
        ['Images removed', formatCount(report.imagesRemoved), 'imagesRemoved'],
        ['Blobs removed', formatCount(report.blobsRemoved), 'blobsRemoved'],
        ['Space freed', formatBytes(report.bytesFreed), 'bytesFreed'],
        ['Cache now holds', formatBytes(report.bytesKept), 'bytesKept'],
        ['Finished', formatClock(Date.now())]
      ]),
      rawJson(report));
    box.setAttribute('data-state', 'done');
  }

  function runJanitor() {
    var button = $('janitor-run');
    var box = $('janitor-result');
    button.disabled = true;
    box.removeAttribute('data-state');
    showBusy(box, 'Janitor running…');
    request('api/admin/janitor', 'POST', {}).then(function (r) {
      if (r.ok && r.body) {
        showReport(box, 'Janitor', r.body);
        refresh();
      } else {
        showFailed(box, 'The janitor did not run: ' + errorText(r), r.body);
      }
    }).catch(function (e) {
      showFailed(box, 'The janitor did not run: ' + e);
    }).then(function () {
      button.disabled = false;
    });
  }

  function purge(event) {
    event.preventDefault();
    var box = $('purge-result');
    var target = $('purge-target').value.trim();
    box.removeAttribute('data-state');
    if (!target) {
      showError(box, 'Name a repository (docker.io/library/alpine) or an image (docker.io/library/alpine@sha256:…).');
      return;
    }
    var byDigest = target.indexOf('@') > 0;
    var question = 'Purge ' + (byDigest ? 'the image ' : 'every cached image of ') + target + '?\n\n'
      + 'Blobs no other cached image needs are deleted too; the next pull fetches them from the upstream again.';
    if (!window.confirm(question)) {
      showBusy(box, 'Purge cancelled.');
      return;
    }
    var button = $('purge-submit');
    button.disabled = true;
    showBusy(box, 'Purging ' + target + '…');
    request('api/admin/purge', 'POST', byDigest ? { image: target } : { repository: target }).then(function (r) {
      if (r.ok && r.body) {
        showReport(box, 'Purged ' + target, r.body);
        refresh();
      } else {
        showFailed(box, 'Nothing purged: ' + errorText(r), r.body);
      }
    }).catch(function (e) {
      showFailed(box, 'Nothing purged: ' + e);
    }).then(function () {
      button.disabled = false;
    });
  }

  function prefetch(event) {
    event.preventDefault();
    var box = $('prefetch-result');
    var images = $('prefetch-images').value.split('\n').map(function (s) {
      return s.trim();
    }).filter(function (s) {
      return s && s.charAt(0) !== '#';
    });
    if (!images.length) {
      showError(box, 'Give at least one image, one per line: alpine:3.20, ghcr.io/owner/app@sha256:…');
      return;
    }
    var button = $('prefetch-submit');
    button.disabled = true;
    clearTimeout(state.jobTimer);
    showBusy(box, 'Submitting ' + plural(images.length, 'image') + '…');
    request('api/admin/prefetch', 'POST', { images: images }).then(function (r) {
      if ((r.status === 202 || r.ok) && r.body && r.body.id !== undefined) {
        showJob(r.body);
        if (r.body.state !== 'done') {
          pollJob(r.body.id);
        } else {
          button.disabled = false;
        }
      } else {
        showError(box, 'Prefetch refused: ' + errorText(r), r.body);
        button.disabled = false;
      }
    }).catch(function (e) {
      showError(box, 'Prefetch refused: ' + e);
      button.disabled = false;
    });
  }

  function pollJob(id) {
    clearTimeout(state.jobTimer);
    state.jobTimer = setTimeout(function () {
      request('api/admin/jobs/' + encodeURIComponent(id)).then(function (r) {
        if (!state.admin) {
          return;
        }
        if (r.ok && r.body) {
          showJob(r.body);
          if (r.body.state === 'done') {
            $('prefetch-submit').disabled = false;
            refresh();
          } else {
            pollJob(id);
          }
        } else {
          showError($('prefetch-result'), 'Lost track of job ' + id + ': ' + errorText(r), r.body);
          $('prefetch-submit').disabled = false;
        }
      }).catch(function () {
        pollJob(id); // the mirror may be restarting: keep asking
      });
    }, 1000);
  }

  /** A prefetch job: {id, state, createdAt, images:[…], results:[{image, ok, digest, blobs, bytes, error}]}. */
  function showJob(job) {
    var box = $('prefetch-result');
    var images = job.images || [];
    var results = job.results || [];
    var failed = results.filter(function (r) {
      return !r.ok;
    }).length;
    var done = job.state === 'done';
    var summary = 'Job ' + job.id + ': ' + (done
      ? (failed ? failed + ' of ' + images.length + ' failed' : 'done, ' + plural(images.length, 'image') + ' cached')
      : 'running, ' + results.length + ' of ' + images.length + ' done');
    var bar = el('div');
    bar.style.width = (images.length ? 100 * results.length / images.length : 100).toFixed(0) + '%';

    var list = el('ul', 'job-images');
    images.forEach(function (image, i) {
      var r = results[i];
      var li;
      if (!r) {
        li = el('li', 'pending', [el('span', 'image', image), el('span', 'detail', i === results.length ? 'pulling…' : 'waiting')]);
      } else if (r.ok) {
        li = el('li', 'ok', [el('span', 'image', image), el('span', 'detail',
          'cached: ' + plural(r.blobs, 'blob') + ', ' + formatBytes(r.bytes) + ' · ' + (r.digest || ''))]);
      } else {
        li = el('li', 'failed', [el('span', 'image', image), el('span', 'detail', r.error || 'failed')]);
      }
      li.setAttribute('data-ok', r ? String(!!r.ok) : 'pending');
      list.appendChild(li);
    });

    var container = el('div', 'job', [
      el('p', 'summary ' + (done ? (failed ? 'bad' : 'ok') : 'busy'), summary),
      el('div', 'progress', bar),
      list,
      rawJson(job)
    ]);
    container.id = 'prefetch-job';
    container.setAttribute('data-job-id', String(job.id));
    container.setAttribute('data-state', String(job.state));
    box.replaceChildren(container);
  }

  // ------------------------------------------------------------------ start

  function start() {
    $('admin-button').addEventListener('click', function () {
      if (state.admin) {
        leaveAdmin();
        $('admin-message').hidden = true;
        refresh();
      } else {
        enterAdmin();
      }
    });
    $('janitor-run').addEventListener('click', runJanitor);
    $('purge-form').addEventListener('submit', purge);
    $('prefetch-form').addEventListener('submit', prefetch);
    document.addEventListener('visibilitychange', function () {
      if (!document.hidden) {
        refresh();
      }
    });
    var resizeTimer = null;
    window.addEventListener('resize', function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(function () {
        var box = $('history-chart');
        if (state.data && Math.abs((box.clientWidth || 0) - chartWidth) > 4) {
          renderHistory(state.data);
        }
      }, 150);
    });
    setInterval(tick, 1000);
    refresh();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
