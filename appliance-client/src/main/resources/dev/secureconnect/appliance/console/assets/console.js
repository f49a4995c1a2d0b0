// The appliance console's page. Data from the API is only ever put into the page with textContent (never innerHTML).
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  let csrf = null;
  let events = null;
  let status = null;
  let sessions = [];
  let auditOffset = 0;
  const AUDIT_PAGE = 50;

  // ---- API ------------------------------------------------------------------------------------------------------
  async function api(method, path, body) {
    const headers = { 'Accept': 'application/json' };
    if (method !== 'GET') {
      headers['X-CSRF-Token'] = csrf || '';
    }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (response.status === 401 && path !== '/api/session') {
      showSignIn('Your session ended: sign in again.');
    }
    if (!response.ok || data.ok === false) {
      const error = new Error(data.error || ('request failed (' + response.status + ')'));
      error.status = response.status;
      throw error;
    }
    return data;
  }

  // ---- helpers --------------------------------------------------------------------------------------------------
  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  /** A time in the admin's zone, UTC on hover. */
  function time(iso) {
    const node = document.createElement('time');
    if (!iso) { node.textContent = '—'; return node; }
    const date = new Date(iso);
    node.dateTime = date.toISOString();
    node.textContent = date.toLocaleString();
    node.title = date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
    return node;
  }
  function duration(fromIso) {
    const seconds = Math.max(0, Math.floor((Date.now() - new Date(fromIso).getTime()) / 1000));
    const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + s + 's';
  }
  function bytes(n) {
    if (n < 1024) { return n + ' B'; }
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let value = n / 1024, i = 0;
    while (value >= 1024 && i < units.length - 1) { value /= 1024; i++; }
    return value.toFixed(1) + ' ' + units[i];
  }
  function notice(text, bad) {
    const node = $('notice');
    node.textContent = text;
    node.className = 'notice' + (bad ? ' bad' : '');
    node.hidden = false;
    clearTimeout(notice.timer);
    notice.timer = setTimeout(() => { node.hidden = true; }, 6000);
  }
  function confirmAction(title, text) {
    return new Promise((resolve) => {
      const dialog = $('confirm');
      $('confirm-title').textContent = title;
      $('confirm-text').textContent = text;
      dialog.returnValue = '';
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
      dialog.showModal();
      $('confirm-cancel').focus();
    });
  }
  function button(text, className, onClick, label) {
    const node = el('button', text, className);
    node.type = 'button';
    if (label) { node.setAttribute('aria-label', label); }
    node.addEventListener('click', onClick);
    return node;
  }
  async function act(promise, okText) {
    try {
      const data = await promise;
      notice(data.message || okText || 'done');
      if (data.status) { renderStatus(data.status); }
      return data;
    } catch (e) {
      notice(e.message, true);
      return null;
    }
  }

  // ---- sign-in --------------------------------------------------------------------------------------------------
  function showSignIn(message) {
    if (events) { events.close(); events = null; }
    csrf = null;
    $('app').hidden = true;
    $('signin').hidden = false;
    $('signin-error').textContent = message || '';
    $('signin-password').value = '';
    $('signin-name').focus();
  }
  function showApp(session) {
    csrf = session.csrf;
    $('who').textContent = 'Signed in as ' + session.user;
    $('signin').hidden = true;
    $('app').hidden = false;
    listen();
    route();
  }
  $('signin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('signin-error').textContent = '';
    $('signin-submit').disabled = true;
    try {
      const session = await api('POST', '/api/session', { name: $('signin-name').value, password: $('signin-password').value });
      $('signin-password').value = '';
      showApp(session);
    } catch (e) {
      $('signin-error').textContent = e.message;
    } finally {
      $('signin-submit').disabled = false;
    }
  });
  $('signout').addEventListener('click', async () => {
    try { await api('DELETE', '/api/session'); } catch (e) { /* signed out anyway */ }
    showSignIn('Signed out.');
  });

  // ---- navigation -----------------------------------------------------------------------------------------------
  const views = ['status', 'tickets', 'connections', 'policy', 'activity'];
  function route() {
    let view = (location.hash || '#status').substring(1);
    if (!views.includes(view)) { view = 'status'; }
    for (const name of views) {
      $('view-' + name).hidden = name !== view;
    }
    for (const link of document.querySelectorAll('.tabs a')) {
      link.setAttribute('aria-selected', String(link.dataset.view === view));
    }
    if (view === 'status' || view === 'tickets') { refreshStatus(); }
    if (view === 'policy') { refreshPolicy(); }
    if (view === 'activity') { refreshAudit(); }
    if (view === 'connections') { renderSessions(); }
  }
  window.addEventListener('hashchange', () => { route(); $('main').focus(); });

  // ---- status and the switch ------------------------------------------------------------------------------------
  async function refreshStatus() {
    try { renderStatus(await api('GET', '/api/status').then((r) => r.status)); } catch (e) { /* shown by api */ }
  }
  function renderStatus(s) {
    if (!s) { return; }
    status = s;
    $('serial').textContent = 'appliance ' + s.serial;
    const on = s.enabled;
    $('switch-state').textContent = on ? 'ON' : 'OFF';
    $('switch-state').className = 'pill ' + (on ? 'on' : 'off');
    $('switch-hint').textContent = on
      ? 'Support may connect with a ticket you connect.'
      : 'No support access: the link and every session are closed.';
    $('switch-toggle').textContent = on ? 'Turn SecureConnect off' : 'Turn SecureConnect on';
    $('switch-toggle').className = on ? 'danger' : 'primary';
    const failing = s.link.state === 'refused' || s.link.state === 'backing-off';
    $('link-state').textContent = s.link.state + (s.link.reason && !failing ? ' (' + s.link.reason + ')' : '');
    $('link-server').textContent = s.server + (s.link.serverIdentity ? ' (' + s.link.serverIdentity + ')' : '');
    clear($('link-since'));
    $('link-since').appendChild(time(s.link.since));
    $('link-error').textContent = failing && s.link.reason ? s.link.reason : 'none';
    renderTickets(s.connections || []);
  }
  $('switch-toggle').addEventListener('click', async () => {
    const on = status && status.enabled;
    const ok = await confirmAction(
      on ? 'Turn SecureConnect off?' : 'Turn SecureConnect on?',
      on ? 'Every open session and the link close at once, and every ticket is disconnected.'
         : 'Support can then reach this appliance through a ticket you connect.');
    if (ok) { await act(api('POST', '/api/switch', { enabled: !on })); refreshStatus(); }
  });

  // ---- tickets --------------------------------------------------------------------------------------------------
  function renderTickets(rows) {
    const body = $('tickets-body');
    clear(body);
    for (const row of rows) {
      const tr = document.createElement('tr');
      tr.appendChild(el('td', row.ticket));
      const verdict = el('td', row.status + (row.reason ? ': ' + row.reason : ''), 'status-' + row.status);
      tr.appendChild(verdict);
      tr.appendChild(el('td', row.server));
      const since = el('td'); since.appendChild(time(row.since)); tr.appendChild(since);
      tr.appendChild(el('td', row.activeSessions, 'num'));
      const action = el('td');
      action.appendChild(button('Disconnect', 'danger', async () => {
        if (await confirmAction('Disconnect ticket ' + row.ticket + '?', 'Its open sessions close at once.')) {
          await act(api('DELETE', '/api/tickets/' + encodeURIComponent(row.ticket)));
        }
      }, 'Disconnect ticket ' + row.ticket));
      tr.appendChild(action);
      body.appendChild(tr);
    }
    $('tickets-empty').hidden = rows.length > 0;
    $('tickets-disconnect-all').disabled = rows.length === 0;
  }
  $('ticket-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = $('ticket-result');
    result.className = 'result';
    result.textContent = 'Connecting… waiting for the server’s verdict';
    $('ticket-connect').disabled = true;
    try {
      const data = await api('POST', '/api/tickets', { ticket: $('ticket-number').value.trim() });
      result.textContent = data.message;
      result.className = 'result ok';
      renderStatus(data.status);
    } catch (e) {
      result.textContent = e.message;
      result.className = 'result bad';
      refreshStatus();
    } finally {
      $('ticket-connect').disabled = false;
    }
  });
  $('tickets-disconnect-all').addEventListener('click', async () => {
    if (await confirmAction('Disconnect every ticket?', 'Every open session closes at once.')) {
      await act(api('DELETE', '/api/tickets'));
    }
  });

  // ---- open connections (live) ----------------------------------------------------------------------------------
  function listen() {
    if (events) { events.close(); }
    events = new EventSource('/api/events');
    events.onmessage = (message) => {
      const data = JSON.parse(message.data);
      $('live').className = 'live';
      $('live').textContent = 'live';
      sessions = data.sessions || [];
      if (data.status) { renderStatus(data.status); }
      renderSessions();
    };
    events.onerror = () => {
      $('live').className = 'live down';
      $('live').textContent = 'reconnecting';
    };
  }
  function renderSessions() {
    const body = $('connections-body');
    clear(body);
    for (const row of sessions) {
      const tr = document.createElement('tr');
      tr.dataset.session = row.id;
      const engineer = el('td');
      if (row.engineer) {
        engineer.appendChild(el('span', row.engineerName || row.engineer, 'name'));
        engineer.appendChild(el('span', row.engineer, 'login'));
      } else {
        engineer.textContent = '(not yet verified)';
      }
      tr.appendChild(engineer);
      tr.appendChild(el('td', row.ticket, 'nowrap'));
      tr.appendChild(el('td', row.kind === 'connect' ? 'forward' : row.kind));
      tr.appendChild(el('td', row.target, 'nowrap'));
      const started = el('td'); started.appendChild(time(row.started)); tr.appendChild(started);
      tr.appendChild(el('td', duration(row.started), 'num'));
      tr.appendChild(el('td', bytes(row.bytesIn), 'num'));
      tr.appendChild(el('td', bytes(row.bytesOut), 'num'));
      const action = el('td');
      action.appendChild(button('Disconnect', 'danger', async () => {
        await act(api('DELETE', '/api/connections/' + encodeURIComponent(row.id)));
      }, 'Disconnect ' + (row.engineerName || row.engineer || 'session') + ' from ' + row.target));
      tr.appendChild(action);
      body.appendChild(tr);
    }
    $('connections-empty').hidden = sessions.length > 0;
    $('connections-disconnect-all').disabled = sessions.length === 0;
    $('count').textContent = String(sessions.length);
    $('count').className = 'badge' + (sessions.length ? ' active' : '');
  }
  $('connections-disconnect-all').addEventListener('click', async () => {
    if (await confirmAction('Disconnect every engineer?', 'Every open session closes at once; the tickets stay connected.')) {
      await act(api('DELETE', '/api/connections'));
    }
  });

  // ---- access policy --------------------------------------------------------------------------------------------
  /** A cell with a Remove button for one allow-list entry: confirmed, then DELETE path, then the lists again. */
  function removeCell(what, consequence, path) {
    const action = el('td');
    action.appendChild(button('Remove', 'danger', async () => {
      if (await confirmAction('Remove ' + what + '?', consequence)) {
        await act(api('DELETE', path));
        refreshPolicy();
      }
    }, 'Remove ' + what));
    return action;
  }
  async function refreshPolicy() {
    let policy;
    try { policy = await api('GET', '/api/policy'); } catch (e) { return; }
    const body = $('services-body');
    clear(body);
    for (const service of policy.services) {
      const tr = document.createElement('tr');
      tr.appendChild(el('td', service.name));
      tr.appendChild(el('td', service.port, 'num'));
      tr.appendChild(removeCell('service ' + service.name, 'Open sessions to it close at once.',
        '/api/policy/services/' + encodeURIComponent(service.name)));
      body.appendChild(tr);
    }
    $('services-empty').hidden = policy.services.length > 0;

    const commands = $('commands-body');
    clear(commands);
    for (const command of policy.commands) {
      const tr = document.createElement('tr');
      tr.appendChild(el('td', command.name, 'nowrap'));
      tr.appendChild(el('td', command.argv, 'detail'));
      tr.appendChild(el('td', command.limits));
      tr.appendChild(el('td', command.args));
      tr.appendChild(removeCell('command ' + command.name, 'Support can no longer run it (a run in progress is not stopped).',
        '/api/policy/commands/' + encodeURIComponent(command.name)));
      commands.appendChild(tr);
    }
    $('commands-empty').hidden = policy.commands.length > 0;

    const folders = $('folders-body');
    clear(folders);
    for (const folder of policy.folders) {
      const tr = document.createElement('tr');
      tr.appendChild(el('td', folder.path, 'detail'));
      tr.appendChild(el('td', folder.write ? 'read-write' : 'read-only', 'nowrap'));
      tr.appendChild(removeCell('folder ' + folder.path, 'Support can no longer transfer files there (transfers in progress are not stopped).',
        '/api/policy/folders/' + encodeURIComponent(folder.path)));
      folders.appendChild(tr);
    }
    $('folders-empty').hidden = policy.folders.length > 0;
  }
  /** Submits a policy form: the server's message (or its refusal) under it; the fields cleared on success. */
  async function policyForm(resultId, path, body, fields) {
    const result = $(resultId);
    try {
      const data = await api('POST', path, body);
      result.textContent = data.message;
      result.className = 'result ok';
      for (const id of fields) { const f = $(id); if (f.type === 'checkbox') { f.checked = false; } else { f.value = ''; } }
      refreshPolicy();
    } catch (e) {
      result.textContent = e.message;
      result.className = 'result bad';
    }
  }
  $('command-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const argv = $('command-argv').value.trim().split(/\s+/).filter((word) => word.length > 0);
    policyForm('command-result', '/api/policy/commands', {
      name: $('command-name').value.trim(), argv, timeout: $('command-timeout').value.trim(),
      allowArgs: $('command-allow-args').checked
    }, ['command-name', 'command-argv', 'command-timeout', 'command-allow-args']);
  });
  $('folder-form').addEventListener('submit', (event) => {
    event.preventDefault();
    policyForm('folder-result', '/api/policy/folders', { path: $('folder-path').value.trim(), write: $('folder-write').checked },
      ['folder-path', 'folder-write']);
  });
  $('service-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const port = Number($('service-port').value.trim());
    policyForm('service-result', '/api/policy/services', { name: $('service-name').value.trim(), port: Number.isInteger(port) ? port : -1 },
      ['service-name', 'service-port']);
  });

  // ---- activity log ---------------------------------------------------------------------------------------------
  function auditQuery() {
    const query = new URLSearchParams({ offset: String(auditOffset), limit: String(AUDIT_PAGE) });
    for (const [key, id] of [['event', 'f-event'], ['actor', 'f-actor'], ['ticket', 'f-ticket']]) {
      const value = $(id).value.trim();
      if (value) { query.set(key, value); }
    }
    for (const [key, id] of [['from', 'f-from'], ['to', 'f-to']]) {
      const value = $(id).value;
      if (value) { query.set(key, new Date(value).toISOString()); }
    }
    return query.toString();
  }
  async function refreshAudit() {
    let page;
    try { page = await api('GET', '/api/audit?' + auditQuery()); } catch (e) { notice(e.message, true); return; }
    const body = $('audit-body');
    clear(body);
    for (const r of page.records) {
      const tr = document.createElement('tr');
      tr.appendChild(el('td', r.seq, 'num'));
      const when = el('td'); when.appendChild(time(r.time)); tr.appendChild(when);
      tr.appendChild(el('td', r.event, 'nowrap'));
      tr.appendChild(el('td', r.actor));
      tr.appendChild(el('td', r.ticket || '', 'nowrap'));
      tr.appendChild(el('td', r.target || '', 'nowrap'));
      tr.appendChild(el('td', r.outcome || ''));
      let detail = r.reason || '';
      if (r.bytesToService !== undefined && r.bytesToService !== null) {
        detail += (detail ? '; ' : '') + r.bytesToService + ' B in, ' + r.bytesFromService + ' B out';
      }
      if (r.details) {
        detail += (detail ? '; ' : '') + Object.entries(r.details).map(([k, v]) => k + '=' + (Array.isArray(v) ? v.join(' ') : v)).join(', ');
      }
      const cell = el('td', null, 'detail');
      if (detail) {
        const text = cell.appendChild(el('span', detail, 'clamp'));
        text.title = detail;
        if (detail.length > 100) { text.tabIndex = 0; } // long: the keyboard can open it too
      }
      tr.appendChild(cell);
      body.appendChild(tr);
    }
    const last = Math.min(page.offset + page.records.length, page.total);
    $('audit-page').textContent = page.total === 0 ? 'no records' : (page.offset + 1) + '–' + last + ' of ' + page.total + ' (newest first)';
    $('audit-newer').disabled = page.offset === 0;
    $('audit-older').disabled = last >= page.total;
  }
  $('audit-filter').addEventListener('submit', (event) => { event.preventDefault(); auditOffset = 0; refreshAudit(); });
  $('audit-newer').addEventListener('click', () => { auditOffset = Math.max(0, auditOffset - AUDIT_PAGE); refreshAudit(); });
  $('audit-older').addEventListener('click', () => { auditOffset += AUDIT_PAGE; refreshAudit(); });
  $('audit-verify').addEventListener('click', async () => {
    const verdict = $('audit-verdict');
    verdict.textContent = 'verifying…';
    verdict.className = 'verdict';
    try {
      const result = await api('POST', '/api/audit/verify');
      verdict.textContent = result.message;
      verdict.className = 'verdict ' + (result.intact ? 'ok' : 'bad');
    } catch (e) {
      verdict.textContent = e.message;
      verdict.className = 'verdict bad';
    }
  });

  // durations tick while the connections view is open
  setInterval(() => { if (!$('view-connections').hidden && sessions.length) { renderSessions(); } }, 1000);

  // ---- start ----------------------------------------------------------------------------------------------------
  api('GET', '/api/session').then(showApp, () => showSignIn(''));
})();
