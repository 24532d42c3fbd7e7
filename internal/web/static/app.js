// SalesAI Social — progressive enhancement for the server-rendered pages.
// Plain modern JavaScript, no build step. Every change goes through the JSON
// API with the session's CSRF token from <meta name="csrf-token">.
'use strict';

(() => {
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const csrf = () => ($('meta[name="csrf-token"]') || {}).content || '';
  const TITLES = { facebook: 'Facebook', instagram: 'Instagram', linkedin: 'LinkedIn', twitter: 'Twitter/X', youtube: 'YouTube' };
  const INITIALS = { facebook: 'f', linkedin: 'in', instagram: 'IG', twitter: 'X', youtube: '▶' };
  const LIMITS = { twitter: 280, instagram: 2200, linkedin: 3000, youtube: 5000, facebook: 63206 };

  class ApiError extends Error {
    constructor(code, message, problems, status) {
      super(message);
      this.code = code;
      this.problems = problems || [];
      this.status = status || 0;
    }
  }

  // api calls the JSON API and throws an ApiError whose message says what to do.
  async function api(method, path, body) {
    const opts = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    if (method !== 'GET') opts.headers['X-CSRF-Token'] = csrf();
    let resp;
    try {
      resp = await fetch(path, opts);
    } catch (e) {
      throw new ApiError('network', 'Could not reach SalesAI. Check your internet connection and try again.');
    }
    let data = null;
    if (resp.status !== 204) {
      try { data = await resp.json(); } catch (e) { data = null; }
    }
    if (!resp.ok) {
      const err = (data && data.error) || {};
      let msg = err.message || `Something went wrong (error ${resp.status}). Try again; if it keeps happening, contact your admin.`;
      if (resp.status === 401 && document.body.dataset.page !== 'login' && document.body.dataset.page !== 'signup') {
        msg = 'Your session has ended. Reload the page and sign in again.';
      }
      throw new ApiError(err.code || `http_${resp.status}`, msg, data && data.problems, resp.status);
    }
    return data;
  }

  // --- messages -------------------------------------------------------------

  function flash(msg, isError) {
    const el = $('#flash');
    if (!el) return;
    el.textContent = msg;
    el.classList.toggle('is-error', !!isError);
    el.setAttribute('role', isError ? 'alert' : 'status');
    el.hidden = false;
  }
  // flashNext shows a message on the next page load (after a reload or redirect).
  function flashNext(msg) {
    try { sessionStorage.setItem('salesai-flash', msg); } catch (e) { /* private mode */ }
  }
  function showStoredFlash() {
    let msg = null;
    try {
      msg = sessionStorage.getItem('salesai-flash');
      sessionStorage.removeItem('salesai-flash');
    } catch (e) { /* ignore */ }
    if (msg) flash(msg);
  }
  function showError(el, msg) {
    if (!el) { flash(msg, true); return; }
    el.textContent = msg;
    el.hidden = !msg;
  }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'role' || k === 'href' || k === 'id' || k === 'type' || k === 'datetime' || k === 'target' || k === 'rel' || k === 'src' || k === 'alt' || k === 'title' || k === 'hidden') e.setAttribute(k, v === true ? '' : v);
      else e[k] = v;
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  function icon(platform) {
    return el('span', { class: `pico pico-${platform}`, 'aria-hidden': 'true' }, INITIALS[platform] || '?');
  }

  // --- time -----------------------------------------------------------------

  const pad = (n) => String(n).padStart(2, '0');
  function fmtLocal(iso) {
    return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }
  // localInputToISO reads a datetime-local value as the user's local time.
  function localInputToISO(v) {
    if (!v) return null;
    const d = new Date(v);
    return isNaN(d) ? null : d.toISOString();
  }
  function isoToLocalInput(iso) {
    const d = new Date(iso);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }
  const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';

  // --- problems (422 answers and /validate) ------------------------------------

  function problemField(p) {
    return (p.field || '').replace(/\[\d+\]$/, '');
  }
  // markFormProblems puts each problem next to its input, and the rest in errEl.
  function markFormProblems(form, errEl, err) {
    $$('[aria-invalid]', form).forEach((i) => i.removeAttribute('aria-invalid'));
    const rest = [];
    for (const p of err.problems || []) {
      const input = p.field && form.elements[problemField(p)];
      if (input && input.setAttribute) input.setAttribute('aria-invalid', 'true');
      rest.push(p.message);
    }
    showError(errEl, rest.length ? rest.join(' ') : err.message);
    const first = $('[aria-invalid=true]', form);
    if (first) first.focus();
  }

  // --- auth pages -------------------------------------------------------------

  function initAuth() {
    const form = $('#auth-form');
    if (!form) return;
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const errEl = $('#auth-error');
      const btn = $('#auth-submit');
      showError(errEl, '');
      btn.disabled = true;
      try {
        await api('POST', form.dataset.api, { email: form.email.value.trim(), password: form.password.value });
        const next = new URLSearchParams(location.search).get('next');
        location.assign(next && /^\/[a-z]/.test(next) ? next : '/accounts');
      } catch (e) {
        showError(errEl, e.message);
        form.password.focus();
      } finally {
        btn.disabled = false;
      }
    });
  }

  // --- accounts ---------------------------------------------------------------

  function initAccounts() {
    const dialog = $('#connect-dialog');
    const open = $('#open-connect');
    if (location.search.includes('connect=')) history.replaceState(null, '', '/accounts');
    if (open && dialog) {
      open.addEventListener('click', () => {
        dialog.showModal();
        const checked = $('input[name=platform]:checked', dialog) || $('input[name=platform]', dialog);
        if (checked) checked.focus();
      });
      $$('[data-close]', dialog).forEach((b) => b.addEventListener('click', () => dialog.close()));
      $$('input[name=platform]', dialog).forEach((r) => r.addEventListener('change', () => pickPlatform(dialog, r.value)));
    }
    const li = $('#linkedin-form');
    if (li) li.addEventListener('submit', (ev) => { ev.preventDefault(); addLinkedIn(li); });
    $$('.account').forEach(initAccountCard);
  }

  function pickPlatform(dialog, platform) {
    $$('.platform-panel', dialog).forEach((p) => { p.hidden = p.id !== `panel-${platform}`; });
    const hint = $('#pick-hint', dialog);
    if (hint) hint.hidden = true;
  }

  async function addLinkedIn(form) {
    const body = { platform: 'linkedin' };
    for (const input of $$('input', form)) {
      if (input.value.trim() !== '') body[input.name] = input.value.trim();
    }
    const errEl = $('.error', form);
    showError(errEl, '');
    try {
      const acc = await api('POST', '/api/social/accounts', body);
      flashNext(`Added LinkedIn account “${acc.account_name}”. You can post to it from Compose.`);
      location.assign('/accounts');
    } catch (e) {
      markFormProblems(form, errEl, e);
    }
  }

  function initAccountCard(card) {
    const id = card.dataset.accountId;
    const name = () => $('h2', card).textContent;
    const toggle = $('[data-action=toggle]', card);
    toggle.addEventListener('change', async () => {
      const on = toggle.checked;
      try {
        const acc = await api('PATCH', `/api/social/accounts/${id}`, { enabled: on });
        $('.switch-label', card).textContent = acc.enabled ? 'On' : 'Off';
        updateBadge(card, acc.status);
        flash(`${name()} is now ${acc.enabled ? 'On' : 'Off'}.`);
      } catch (e) {
        toggle.checked = !on;
        flash(`Could not switch ${name()} ${on ? 'on' : 'off'}: ${e.message}`, true);
      }
    });
    $('[data-action=delete]', card).addEventListener('click', async () => {
      if (!confirm(`Delete “${name()}” from SalesAI? Posts that have not been published yet will not go to this account.`)) return;
      try {
        await api('DELETE', `/api/social/accounts/${id}`);
        card.remove();
        flash(`Deleted ${name()}.`);
      } catch (e) {
        flash(`Could not delete ${name()}: ${e.message}`, true);
      }
    });
    const manual = $('[data-action=reconnect-manual]', card);
    const details = $('details.advanced', card);
    if (manual) {
      manual.addEventListener('click', () => {
        details.open = true;
        const tok = $('input[name=access_token]', details);
        if (tok) tok.focus();
      });
    }
    const form = $('.cred-form', card);
    form.addEventListener('submit', (ev) => { ev.preventDefault(); saveCredentials(card, form); });
  }

  function updateBadge(card, status) {
    const badge = $('.badge', card);
    const map = { connected: ['badge-ok', 'Connected'], disabled: ['badge-off', 'Off'], needs_reconnect: ['badge-error', 'Needs reconnect'] };
    const [cls, label] = map[status] || map.disabled;
    badge.className = `badge ${cls}`;
    badge.textContent = label;
  }

  async function saveCredentials(card, form) {
    const body = {};
    for (const input of $$('input', form)) {
      const v = input.value.trim();
      if (input.hasAttribute('data-secret')) {
        if (v !== '') body[input.name] = v;
      } else if (v !== input.defaultValue) {
        body[input.name] = v;
      }
    }
    const errEl = $('.error', form);
    if (Object.keys(body).length === 0) {
      showError(errEl, 'Nothing changed. Type a new value in a field to replace it, then save.');
      return;
    }
    showError(errEl, '');
    try {
      const acc = await api('PATCH', `/api/social/accounts/${card.dataset.accountId}`, body);
      flashNext(`Saved the credentials of ${acc.account_name}.`);
      location.reload();
    } catch (e) {
      markFormProblems(form, errEl, e);
    }
  }

  // --- API keys ---------------------------------------------------------------

  function initKeys() {
    const form = $('#key-form');
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const errEl = $('#key-error');
      showError(errEl, '');
      try {
        const k = await api('POST', '/api/keys', { name: form.name.value.trim() });
        $('#key-value').value = k.key;
        $('#key-created').hidden = false;
        $('#key-copy').textContent = 'Copy';
        $('#key-copy').focus();
        addKeyRow(k);
        form.reset();
      } catch (e) {
        showError(errEl, e.message);
        form.name.focus();
      }
    });
    $('#key-copy').addEventListener('click', async () => {
      const input = $('#key-value');
      try {
        await navigator.clipboard.writeText(input.value);
      } catch (e) {
        input.select();
        document.execCommand('copy');
      }
      $('#key-copy').textContent = 'Copied';
      flash('Key copied. Store it somewhere safe: it will not be shown again.');
    });
    $$('[data-action=revoke-key]').forEach(bindRevoke);
  }

  function addKeyRow(k) {
    const created = new Date(k.created_at);
    const row = el('tr', { 'data-key-id': k.id },
      el('td', { text: k.name }), el('td', {}, el('code', { text: `${k.prefix}…` })),
      el('td', {}, el('time', { datetime: k.created_at, text: fmtLocal(created) })), el('td', { text: 'Never' }),
      el('td', {}, el('button', { class: 'btn btn-danger btn-small', type: 'button', 'data-action': 'revoke-key', 'data-name': k.name, text: 'Revoke' })));
    $('#key-rows').prepend(row);
    bindRevoke($('button', row));
    $('#key-table').hidden = false;
    $('#key-empty').hidden = true;
  }

  function bindRevoke(btn) {
    btn.addEventListener('click', async () => {
      const row = btn.closest('tr');
      if (!confirm(`Revoke the key “${btn.dataset.name}”? Scripts using it stop working at once.`)) return;
      try {
        await api('DELETE', `/api/keys/${row.dataset.keyId}`);
        row.remove();
        flash(`Revoked the key ${btn.dataset.name}.`);
        if (!$('#key-rows tr')) { $('#key-table').hidden = true; $('#key-empty').hidden = false; }
      } catch (e) {
        flash(`Could not revoke the key: ${e.message}`, true);
      }
    });
  }

  // --- character counting --------------------------------------------------------

  // An instant estimate of X's weighted count (twitter-text v3: URLs 23,
  // emoji 2, a few Latin/punctuation ranges 1, everything else 2). The server's
  // exact count (POST /compose/count) replaces it a moment later.
  const LIGHT = [[0, 4351], [8192, 8205], [8208, 8223], [8242, 8247]];
  const URL_RE = /(^|[^\p{L}\p{N}@#$＠＃])((?:https?:\/\/)?(?:[\p{L}\p{N}](?:[\p{L}\p{N}_-]*[\p{L}\p{N}])?\.)+\p{L}{2,63}(?::\d{1,5})?(?:\/[^\s]*)?)/giu;
  const EMOJI_RE = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
  const segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter('und', { granularity: 'grapheme' }) : null;

  function weightOf(cp) {
    return LIGHT.some(([lo, hi]) => cp >= lo && cp <= hi) ? 1 : 2;
  }
  function weighPlain(text) {
    let n = 0;
    const parts = segmenter ? Array.from(segmenter.segment(text), (s) => s.segment) : Array.from(text);
    for (const g of parts) {
      if (EMOJI_RE.test(g)) { n += 2; continue; }
      for (const ch of g) n += weightOf(ch.codePointAt(0));
    }
    return n;
  }
  function countX(text) {
    text = text.normalize('NFC');
    let n = 0;
    let last = 0;
    for (const m of text.matchAll(URL_RE)) {
      let url = m[2].replace(/[.,!?;:'")\]]+$/, '');
      const start = m.index + m[1].length;
      n += weighPlain(text.slice(last, start)) + 23;
      last = start + url.length;
    }
    return n + weighPlain(text.slice(last));
  }
  function countFor(platform, text) {
    return platform === 'twitter' ? countX(text) : Array.from(text.normalize('NFC')).length;
  }

  // --- compose ------------------------------------------------------------------

  function debounce(fn, ms) {
    let t = 0;
    return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
  }

  function initCompose() {
    const form = $('#compose-form');
    if (!form) return;
    const state = { images: [], serverCounts: null, countedCaption: null };
    const caption = $('#caption');
    const selectedPlatforms = () => Array.from(new Set($$('input[name=account_ids]:checked', form).map((c) => c.dataset.platform)));

    const renderCounters = () => {
      const ul = $('#counters');
      ul.replaceChildren();
      const plats = selectedPlatforms();
      if (!plats.length) {
        ul.append(el('li', {}, `${Array.from(caption.value.normalize('NFC')).length} characters · select accounts to see each platform's limit`));
        return;
      }
      const exact = state.countedCaption === caption.value && state.serverCounts;
      for (const p of plats) {
        const n = exact ? state.serverCounts[p] : countFor(p, caption.value);
        const over = n > LIMITS[p];
        ul.append(el('li', { class: over ? 'over' : '', 'data-counter': p, 'data-exact': exact ? 'true' : 'false' },
          `${TITLES[p]}: ${n} / ${LIMITS[p]}${over ? ` — ${n - LIMITS[p]} too many` : ''}`));
      }
    };
    const fetchCounts = debounce(async () => {
      const text = caption.value;
      try {
        const res = await api('POST', '/compose/count', { caption: text });
        if (caption.value === text) {
          state.serverCounts = res.counts;
          state.countedCaption = text;
          renderCounters();
        }
      } catch (e) { /* the estimate stays; validation still checks on the server */ }
    }, 200);

    const refreshMode = () => {
      const youtube = selectedPlatforms().includes('youtube');
      $('#video-field').hidden = !youtube;
      $$('[data-youtube-only]').forEach((e) => { e.hidden = !youtube; });
      const schedule = form.when.value === 'schedule';
      $('#schedule-field').hidden = !schedule;
      $('#compose-submit').textContent = schedule ? 'Schedule' : 'Publish now';
      const iso = localInputToISO($('#scheduled-at').value);
      $('#tz-name').textContent = `(${timeZone()})`;
      $('#schedule-echo').textContent = schedule && iso ? `Will publish ${fmtLocal(iso)} your time (${iso.replace(/:00\.000Z$/, 'Z')} UTC).` : '';
    };

    const validate = debounce(() => runValidate(form, state, false), 400);
    const onChange = () => { refreshMode(); renderCounters(); validate(); };
    caption.addEventListener('input', () => { renderCounters(); fetchCounts(); validate(); });
    form.addEventListener('change', (ev) => { if (ev.target !== caption) onChange(); });
    $('#add-image').addEventListener('click', () => addImage(form, state, onChange));
    $('#image-url').addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') { ev.preventDefault(); addImage(form, state, onChange); }
    });
    form.addEventListener('submit', (ev) => { ev.preventDefault(); submitCompose(form, state); });
    refreshMode();
    renderCounters();
  }

  // driveThumb turns a Google Drive share link into a previewable image URL.
  function driveThumb(url) {
    const m = url.match(/drive\.google\.com\/(?:file\/d\/|open\?id=|uc\?(?:export=\w+&)?id=)([\w-]+)/);
    return m ? `https://drive.google.com/thumbnail?id=${m[1]}&sz=w400` : url;
  }

  function addImage(form, state, changed) {
    const input = $('#image-url');
    const url = input.value.trim();
    const box = $('[data-problems-field=image_urls]');
    box.replaceChildren();
    if (!/^https?:\/\/\S+$/i.test(url)) {
      box.append(el('li', {}, 'Enter a full image link starting with https:// (a public Google Drive link works too).'));
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    input.removeAttribute('aria-invalid');
    state.images.push(url);
    input.value = '';
    renderImages(state, changed);
    changed();
    input.focus();
  }

  function renderImages(state, changed) {
    const list = $('#image-list');
    list.replaceChildren();
    state.images.forEach((url, i) => {
      const img = el('img', { src: driveThumb(url), alt: `Preview of image ${i + 1}` });
      img.referrerPolicy = 'no-referrer';
      img.loading = 'lazy';
      const note = el('span', { class: 'muted', hidden: true }, 'No preview: make sure the link is public.');
      img.addEventListener('error', () => { img.hidden = true; note.hidden = false; });
      const remove = el('button', { class: 'btn btn-small btn-quiet', type: 'button', 'aria-label': `Remove image ${i + 1}` }, 'Remove');
      remove.addEventListener('click', () => {
        state.images.splice(i, 1);
        renderImages(state, changed);
        changed();
        $('#image-url').focus();
      });
      list.append(el('li', { 'data-image': url }, img, note, el('span', { class: 'url', title: url }, url), remove));
    });
  }

  function composeInput(form, state) {
    const body = {
      account_ids: $$('input[name=account_ids]:checked', form).map((c) => Number(c.value)),
      caption: $('#caption').value,
      image_urls: state.images.slice(),
    };
    if (!$('#video-field').hidden && $('#video-url').value.trim()) body.video_url = $('#video-url').value.trim();
    if (form.when.value === 'schedule') body.scheduled_at = localInputToISO($('#scheduled-at').value);
    return body;
  }

  function clearProblems(form) {
    $$('.problems', form).forEach((u) => u.replaceChildren());
    showError($('#compose-error'), '');
  }

  // Problems about the media go next to the image or video field, where the
  // user fixes them; the rest under the account they concern.
  const MEDIA_FIELDS = ['image_urls', 'video_url'];

  // renderProblems puts each problem under its field or account.
  function renderProblems(form, problems) {
    clearProblems(form);
    const rest = [];
    for (const p of problems) {
      const field = $(`[data-problems-field="${problemField(p)}"]`, form);
      const box = (MEDIA_FIELDS.includes(problemField(p)) && field && !field.closest('[hidden]') && field) ||
        (p.account_id && $(`[data-problems-for="${p.account_id}"]`, form)) || field;
      if (box && !(box.closest('[hidden]'))) box.append(el('li', { 'data-code': p.code }, p.message));
      else rest.push(p.message);
    }
    if (rest.length) showError($('#compose-error'), rest.join(' '));
  }

  async function runValidate(form, state, strict) {
    const body = composeInput(form, state);
    // Only the newest answer is shown: an older one arriving late is stale.
    const seq = state.validateSeq = (state.validateSeq || 0) + 1;
    const stateEl = $('#validate-state');
    if (!strict && !body.account_ids.length) { clearProblems(form); stateEl.textContent = ''; return true; }
    if (form.when.value === 'schedule' && !body.scheduled_at) {
      if (!strict) { delete body.scheduled_at; } else {
        renderProblems(form, [{ field: 'scheduled_at', code: 'time_required', message: 'Pick a date and time to schedule, or choose Publish now.' }]);
        return false;
      }
    }
    try {
      const res = await api('POST', '/api/social/posts/validate', body);
      if (seq !== state.validateSeq) return res.ok;
      renderProblems(form, res.problems || []);
      stateEl.textContent = res.ok ? 'Ready to go.' : `${res.problems.length} thing${res.problems.length > 1 ? 's' : ''} to fix before posting.`;
      return res.ok;
    } catch (e) {
      if (seq === state.validateSeq) {
        stateEl.textContent = '';
        showError($('#compose-error'), e.message);
      }
      return false;
    }
  }

  async function submitCompose(form, state) {
    const btn = $('#compose-submit');
    btn.disabled = true;
    try {
      if (!(await runValidate(form, state, true))) {
        const first = $('.problems li, #compose-error:not([hidden])', form);
        if (first) first.scrollIntoView({ block: 'center' });
        return;
      }
      const body = composeInput(form, state);
      const post = await api('POST', '/api/social/posts', body);
      flashNext(body.scheduled_at ? `Scheduled for ${fmtLocal(body.scheduled_at)}.` : 'Publishing now. Status updates below.');
      location.assign(`/posts#post-${post.id}`);
    } catch (e) {
      if (e.problems && e.problems.length) renderProblems(form, e.problems);
      else showError($('#compose-error'), e.message);
    } finally {
      btn.disabled = false;
    }
  }

  // --- posts ------------------------------------------------------------------

  const PENDING = ['queued', 'scheduled', 'publishing'];
  const PAGE = 50; // posts per "Load older posts"
  const POLL_MIN = 3000;
  const POLL_MAX = 30000;
  const POLL_BATCH = 10; // posts refreshed per poll

  // The posts page keeps every post it has seen in view.known (id → post).
  // The list shows view.listed: the newest pages, every pending post and any
  // post opened from the calendar. The calendar shows the known posts of its
  // range, which it fetches completely whenever the range changes.
  function initPosts() {
    let accounts = {};
    try {
      for (const a of JSON.parse($('#accounts-data').textContent) || []) accounts[a.id] = a;
    } catch (e) { accounts = {}; }
    const view = { known: new Map(), listed: new Set(), cursor: null, polled: new Map(), delay: POLL_MIN, timer: 0,
      month: startOfMonth(new Date()), week: startOfWeek(new Date()), statuses: new Map(), mode: 'list', accounts, range: '', rangeSeq: 0 };
    view.refresh = (ids) => refreshPosts(view, ids);
    $$('[data-view]').forEach((b) => b.addEventListener('click', () => setView(view, b.dataset.view)));
    $('#load-older').addEventListener('click', () => loadOlder(view));
    $('#cal-prev').addEventListener('click', () => { stepCalendar(view, -1); });
    $('#cal-next').addEventListener('click', () => { stepCalendar(view, 1); });
    $('#cal-today').addEventListener('click', () => {
      view.month = startOfMonth(new Date());
      view.week = startOfWeek(new Date());
      showCalendar(view);
    });
    // PageUp/PageDown page through months or weeks from anywhere in the calendar.
    $('#calendar-view').addEventListener('keydown', (ev) => {
      if (ev.key === 'PageUp' || ev.key === 'PageDown') {
        ev.preventDefault();
        stepCalendar(view, ev.key === 'PageUp' ? -1 : 1);
      }
    });
    // A tab coming back to the front catches up at once.
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) { view.delay = POLL_MIN; schedulePoll(view, 0); }
    });
    $('#cal-tz').textContent = `Your time zone: ${timeZone()}`;
    initReschedule(view);
    loadFirst(view);
  }

  // fetchAll follows next_cursor until the listing is done.
  async function fetchAll(query) {
    const out = [];
    let cursor = null;
    do {
      const q = new URLSearchParams(query);
      q.set('limit', '200');
      if (cursor) q.set('cursor', cursor);
      const res = await api('GET', `/api/social/posts?${q}`);
      out.push(...(res.posts || []));
      cursor = res.next_cursor;
    } while (cursor);
    return out;
  }

  function remember(view, posts) {
    for (const p of posts) view.known.set(p.id, p);
  }

  // loadFirst shows the newest page and every pending post, however old.
  async function loadFirst(view) {
    try {
      const [page, ...pending] = await Promise.all([
        api('GET', `/api/social/posts?limit=${PAGE}`),
        ...PENDING.map((st) => fetchAll({ status: st })),
      ]);
      const posts = [...(page.posts || []), ...pending.flat()];
      remember(view, posts);
      posts.forEach((p) => view.listed.add(p.id));
      view.cursor = page.next_cursor;
      showError($('#posts-error'), '');
    } catch (e) {
      showError($('#posts-error'), `Could not load posts: ${e.message}`);
    }
    $('#posts-loading').hidden = true;
    render(view);
    schedulePoll(view, view.delay);
  }

  // loadOlder appends the next page to the list. Focus stays on the button
  // while more pages exist; after the last one it moves to the first post loaded.
  async function loadOlder(view) {
    const btn = $('#load-older');
    if (!view.cursor || btn.getAttribute('aria-busy') === 'true') return;
    btn.setAttribute('aria-busy', 'true');
    btn.textContent = 'Loading older posts…';
    try {
      const res = await api('GET', `/api/social/posts?limit=${PAGE}&cursor=${encodeURIComponent(view.cursor)}`);
      const posts = res.posts || [];
      remember(view, posts);
      const fresh = posts.filter((p) => !view.listed.has(p.id));
      fresh.forEach((p) => view.listed.add(p.id));
      view.cursor = res.next_cursor;
      render(view);
      const n = fresh.length;
      $('#posts-status').textContent = `Loaded ${n} older post${n === 1 ? '' : 's'}.${view.cursor ? '' : ' These are all your posts.'}`;
      if (!view.cursor) {
        const first = fresh.length && $(`#post-${fresh[0].id}`);
        const target = first || $('#past-title');
        target.tabIndex = -1;
        target.focus();
      }
    } catch (e) {
      flash(`Could not load older posts: ${e.message}`, true);
    } finally {
      btn.removeAttribute('aria-busy');
      btn.textContent = 'Load older posts';
    }
  }

  // refreshPosts fetches the given posts again (a 404 means it is gone).
  async function refreshPosts(view, ids) {
    await Promise.all(ids.map(async (id) => {
      view.polled.set(id, Date.now());
      try {
        view.known.set(id, await api('GET', `/api/social/posts/${id}`));
      } catch (e) {
        if (e.status !== 404) throw e;
        view.known.delete(id);
        view.listed.delete(id);
      }
    }));
  }

  const isPending = (p) => p.targets.some((t) => PENDING.includes(t.status));
  // isDue: a pending post that may change soon: publishing, a Facebook
  // post still being handed to Facebook's scheduler (native and queued), or
  // one whose time is near.
  function isDue(p, now) {
    return p.targets.some((t) => t.status === 'publishing' ||
      (t.mode === 'native' && t.status === 'queued') ||
      (PENDING.includes(t.status) && new Date(postTime(p)) <= now + 60000));
  }

  function schedulePoll(view, ms) {
    clearTimeout(view.timer);
    if (![...view.known.values()].some(isPending)) return;
    view.timer = setTimeout(() => poll(view), document.hidden ? Math.max(ms, POLL_MAX) : ms);
  }

  // poll refreshes only the pending posts that are due, least recently polled
  // first, and backs off while nothing changes.
  async function poll(view) {
    const now = Date.now();
    const due = [...view.known.values()].filter((p) => isDue(p, now))
      .sort((a, b) => (view.polled.get(a.id) || 0) - (view.polled.get(b.id) || 0)).slice(0, POLL_BATCH);
    if (due.length) {
      const before = due.map((p) => JSON.stringify(p)).join();
      try {
        await view.refresh(due.map((p) => p.id));
        showError($('#posts-error'), '');
      } catch (e) {
        showError($('#posts-error'), `Could not update posts: ${e.message}`);
      }
      const after = due.map((p) => JSON.stringify(view.known.get(p.id) || null)).join();
      if (after !== before) { view.delay = POLL_MIN; render(view); } else view.delay = Math.min(view.delay * 1.5, POLL_MAX);
    } else {
      view.delay = Math.min(view.delay * 1.5, POLL_MAX);
    }
    schedulePoll(view, view.delay);
  }

  function render(view) {
    announceChanges(view);
    renderPostLists(view);
    renderCalendar(view);
  }

  function setView(view, mode) {
    view.mode = mode;
    $('#list-view').hidden = mode !== 'list';
    $('#calendar-view').hidden = mode === 'list';
    $$('[data-view]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.view === mode)));
    if (mode !== 'list') showCalendar(view);
  }

  // announceChanges tells screen readers when a target's status changed.
  function announceChanges(view) {
    const msgs = [];
    for (const p of view.known.values()) {
      for (const t of p.targets) {
        const prev = view.statuses.get(t.id);
        if (prev && prev !== t.status) msgs.push(`${TITLES[t.platform]}: ${targetLabel(t)}`);
        view.statuses.set(t.id, t.status);
      }
    }
    if (msgs.length) $('#posts-status').textContent = msgs.join('. ');
  }

  const postTime = (p) => p.scheduled_at || p.created_at;
  const isUpcoming = isPending;

  function renderPostLists(view) {
    const focusKey = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.focusKey : null;
    const posts = [...view.listed].map((id) => view.known.get(id)).filter(Boolean);
    const upcoming = posts.filter(isUpcoming).sort((a, b) => new Date(postTime(a)) - new Date(postTime(b)));
    const past = posts.filter((p) => !isUpcoming(p)).sort((a, b) => new Date(postTime(b)) - new Date(postTime(a)));
    for (const [id, list] of [['upcoming', upcoming], ['past', past]]) {
      $(`#${id}`).replaceChildren(...list.map((p) => renderPost(p, view.accounts, view)));
      $(`#${id}-empty`).hidden = list.length > 0;
    }
    $('#load-older').hidden = !view.cursor;
    if (view.cursor) $('#past-empty').hidden = true; // older posts exist, one click away
    if (focusKey) {
      const again = $(`[data-focus-key="${focusKey}"]`);
      if (again) again.focus();
    }
    if (location.hash && !view.scrolled) {
      const target = $(location.hash);
      if (target) { target.classList.add('is-focus'); target.scrollIntoView({ block: 'center' }); view.scrolled = true; }
    }
  }

  const POST_BADGES = {
    published: ['badge-ok', 'Published'], scheduled: ['badge-info', 'Scheduled'], publishing: ['badge-info', 'Publishing…'],
    failed: ['badge-error', 'Failed'], partially_failed: ['badge-error', 'Partly failed'], canceled: ['badge-off', 'Canceled'],
  };

  function targetLabel(t) {
    switch (t.status) {
      case 'scheduled': return `Scheduled on ${TITLES[t.platform]}`;
      case 'queued': return t.mode === 'queue' ? 'Queued in SalesAI' : 'Queued';
      case 'publishing': return 'Publishing…';
      case 'published': return 'Published';
      case 'failed': return 'Failed';
      case 'canceled': return 'Canceled';
      default: return t.status;
    }
  }

  function renderTarget(t, accounts) {
    const acc = accounts[t.account_id];
    const cls = { published: 'badge-ok', failed: 'badge-error', canceled: 'badge-off' }[t.status] || 'badge-info';
    const body = el('div', { class: 'target-body' },
      el('p', {}, el('strong', {}, acc ? acc.account_name : `Deleted ${TITLES[t.platform]} account`), ` · ${TITLES[t.platform]} `,
        el('span', { class: `badge ${cls}`, 'data-target-status': t.status }, targetLabel(t))));
    if (t.status === 'published') {
      const when = t.published_at ? ` ${fmtLocal(t.published_at)}` : '';
      body.append(el('p', {}, `Published${when}. `, /^https:\/\//.test(t.permalink || '') ? el('a', { href: t.permalink, target: '_blank', rel: 'noopener noreferrer' }, `View on ${TITLES[t.platform]}`) : ''));
    }
    if (t.error) {
      const prefix = t.status === 'failed' ? '' : 'Last attempt: ';
      body.append(el('p', { class: 'error', 'data-target-error': t.error.code }, prefix + t.error.message));
      if (t.error.hint) body.append(el('p', { class: 'help' }, el('strong', {}, 'How to fix: '), t.error.hint));
    }
    return el('li', { class: 'target' }, icon(t.platform), body);
  }

  function renderPost(p, accounts, view) {
    const [cls, label] = POST_BADGES[p.status] || ['badge-off', p.status];
    const when = p.scheduled_at ? `Scheduled for ${fmtLocal(p.scheduled_at)}` : `Created ${fmtLocal(p.created_at)}`;
    const li = el('li', { class: 'post', id: `post-${p.id}`, 'data-post-id': p.id, 'data-status': p.status },
      el('div', { class: 'post-meta' }, el('span', { class: `badge ${cls}` }, label), el('time', { datetime: postTime(p) }, when)),
      el('p', { class: 'post-caption' }, p.caption || '(no caption)'));
    if (p.image_urls.length || p.video_url) {
      li.append(el('p', { class: 'muted small' }, [p.image_urls.length ? `${p.image_urls.length} image${p.image_urls.length > 1 ? 's' : ''}` : '', p.video_url ? 'video' : ''].filter(Boolean).join(' · ')));
    }
    li.append(el('ul', { class: 'targets' }, ...p.targets.map((t) => renderTarget(t, accounts))));
    li.append(postActions(p, view));
    return li;
  }

  function postActions(p, view) {
    const box = el('div', { class: 'post-actions' });
    const has = (...st) => p.targets.some((t) => st.includes(t.status));
    const action = (key, text, fn, danger) => {
      const b = el('button', { class: `btn btn-small${danger ? ' btn-danger' : ''}`, type: 'button', 'data-focus-key': `${key}-${p.id}`, 'data-action': key }, text);
      b.addEventListener('click', fn);
      box.append(b);
    };
    if (has('queued', 'scheduled')) {
      action('cancel', 'Cancel', async () => {
        if (!confirm('Cancel this post on every account where it is still waiting?')) return;
        await postAction(view, p.id, () => api('POST', `/api/social/posts/${p.id}/cancel`), 'Post canceled.');
      }, true);
    }
    if (p.scheduled_at && has('queued', 'scheduled') && !has('published', 'publishing')) {
      action('reschedule', 'Reschedule', () => openReschedule(view, p));
    }
    if (has('failed')) {
      action('retry', 'Retry', () => postAction(view, p.id, () => api('POST', `/api/social/posts/${p.id}/retry`), 'Retrying. Status updates below.'));
    }
    return box;
  }

  async function postAction(view, id, call, okMsg) {
    try {
      await call();
      flash(okMsg);
    } catch (e) {
      flash(e.message, true);
    }
    await afterChange(view, id);
  }

  // afterChange shows a post's new state at once and polls briskly again.
  async function afterChange(view, id) {
    try {
      await view.refresh([id]);
    } catch (e) {
      flash(`Could not update the post: ${e.message}`, true);
    }
    render(view);
    view.delay = POLL_MIN;
    schedulePoll(view, POLL_MIN);
  }

  function initReschedule(view) {
    const dialog = $('#reschedule-dialog');
    const form = $('#reschedule-form');
    $$('[data-close]', dialog).forEach((b) => b.addEventListener('click', () => dialog.close()));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const iso = localInputToISO($('#reschedule-at').value);
      const errEl = $('.error', form);
      if (!iso) { showError(errEl, 'Pick a new date and time.'); return; }
      try {
        await api('PATCH', `/api/social/posts/${view.rescheduling}`, { scheduled_at: iso });
        dialog.close();
        flash(`Rescheduled for ${fmtLocal(iso)}.`);
        await afterChange(view, view.rescheduling);
      } catch (e) {
        showError(errEl, e.problems && e.problems.length ? e.problems.map((p) => p.message).join(' ') : e.message);
      }
    });
  }

  function openReschedule(view, p) {
    view.rescheduling = p.id;
    $('#reschedule-at').value = isoToLocalInput(p.scheduled_at);
    showError($('.error', $('#reschedule-form')), '');
    $('#reschedule-dialog').showModal();
    $('#reschedule-at').focus();
  }

  // --- calendar (month and week, in the user's local time) --------------------

  function startOfMonth(d) {
    return new Date(d.getFullYear(), d.getMonth(), 1);
  }
  function startOfWeek(d) {
    return new Date(d.getFullYear(), d.getMonth(), d.getDate() - d.getDay());
  }
  function addDays(d, n) {
    return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
  }
  // dayKey is a local calendar date, YYYY-MM-DD.
  const dayKey = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

  function stepCalendar(view, dir) {
    if (view.mode === 'week') view.week = addDays(view.week, 7 * dir);
    else view.month = new Date(view.month.getFullYear(), view.month.getMonth() + dir, 1);
    showCalendar(view);
  }

  // calendarRange is the visible days: [from, to) in local time.
  function calendarRange(view) {
    const from = view.mode === 'week' ? view.week : startOfWeek(view.month);
    return [from, addDays(from, view.mode === 'week' ? 7 : 42)];
  }
  const rfc3339 = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

  // showCalendar draws the calendar with the posts known so far, then fetches
  // every post of the visible range (from/to on the post's time) once per range.
  async function showCalendar(view) {
    renderCalendar(view);
    const [from, to] = calendarRange(view);
    const key = `${rfc3339(from)}/${rfc3339(to)}`;
    if (key === view.range) return;
    view.range = key;
    const seq = ++view.rangeSeq;
    $('#calendar-view').setAttribute('aria-busy', 'true');
    try {
      const posts = await fetchAll({ from: rfc3339(from), to: rfc3339(to) });
      if (seq !== view.rangeSeq) return; // the user moved on meanwhile
      remember(view, posts);
      render(view);
      schedulePoll(view, view.delay);
    } catch (e) {
      if (seq !== view.rangeSeq) return;
      view.range = ''; // try again next time
      showError($('#posts-error'), `Could not load the calendar: ${e.message}`);
    } finally {
      if (seq === view.rangeSeq) $('#calendar-view').removeAttribute('aria-busy');
    }
  }

  // postsByDay groups posts by the local date of their time, each day sorted.
  function postsByDay(posts) {
    const byDay = new Map();
    for (const p of posts) {
      const key = dayKey(new Date(postTime(p)));
      if (!byDay.has(key)) byDay.set(key, []);
      byDay.get(key).push(p);
    }
    for (const list of byDay.values()) list.sort((a, b) => new Date(postTime(a)) - new Date(postTime(b)));
    return byDay;
  }

  const SHORT = { scheduled: 'Scheduled', queued: 'Queued', publishing: 'Publishing', published: 'Published', failed: 'Failed', canceled: 'Canceled' };
  const GLYPH = { scheduled: '◷', queued: '◷', publishing: '…', published: '✓', failed: '✕', canceled: '–' };

  // calChip is one post in the calendar: its local time, caption, and one pill
  // per account with that account's status; selecting it opens the post in the list.
  function calChip(view, p) {
    const time = new Date(postTime(p)).toLocaleTimeString(undefined, { timeStyle: 'short' });
    const caption = p.caption || '(no caption)';
    const statuses = p.targets.map((t) => {
      const acc = view.accounts[t.account_id];
      return `${acc ? acc.account_name : 'Deleted account'} on ${TITLES[t.platform]}: ${targetLabel(t)}`;
    });
    const pills = p.targets.map((t, i) => el('span', { class: `pill st-${t.status}`, 'data-chip-status': t.status, title: statuses[i] },
      el('span', { class: 'pill-pf', 'aria-hidden': 'true' }, INITIALS[t.platform] || '?'),
      el('span', { class: 'pill-glyph', 'aria-hidden': 'true' }, GLYPH[t.status] || ''),
      el('span', { class: 'pill-label' }, SHORT[t.status] || t.status)));
    const b = el('button', { class: `cal-item st-${p.status}`, type: 'button', 'data-post-id': p.id, 'data-focus-key': `chip-${p.id}`,
      title: caption, 'aria-label': `${time}: ${caption}. ${statuses.join('. ')}. Open in the list.` },
    el('span', { class: 'cal-line' }, el('time', { datetime: postTime(p) }, time), ` ${caption}`),
    el('span', { class: 'cal-targets' }, ...pills));
    b.addEventListener('click', () => {
      view.listed.add(p.id); // an older post opened from the calendar joins the list
      renderPostLists(view);
      setView(view, 'list');
      const li = $(`#post-${p.id}`);
      if (li) { li.classList.add('is-focus'); li.scrollIntoView({ block: 'center' }); li.tabIndex = -1; li.focus(); }
    });
    return b;
  }

  function renderCalendar(view) {
    if (view.mode === 'list') return;
    const focusKey = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.focusKey : null;
    const week = view.mode === 'week';
    $('#calendar').hidden = week;
    $('#week').hidden = !week;
    const unit = week ? 'week' : 'month';
    $('#cal-prev').setAttribute('aria-label', `Previous ${unit}`);
    $('#cal-next').setAttribute('aria-label', `Next ${unit}`);
    const byDay = postsByDay(view.known.values());
    if (week) renderWeek(view, byDay);
    else renderMonth(view, byDay);
    if (focusKey) {
      const again = $(`#calendar-view [data-focus-key="${focusKey}"]`);
      if (again) again.focus();
    }
  }

  function renderMonth(view, byDay) {
    const first = view.month;
    $('#cal-title').textContent = first.toLocaleDateString(undefined, { month: 'long', year: 'numeric' });
    const start = startOfWeek(first);
    const today = dayKey(new Date());
    const cells = [];
    for (let i = 0; i < 7; i++) {
      cells.push(el('div', { class: 'cal-dow', 'aria-hidden': 'true' }, addDays(start, i).toLocaleDateString(undefined, { weekday: 'short' })));
    }
    for (let i = 0; i < 42; i++) {
      const d = addDays(start, i);
      const key = dayKey(d);
      const posts = byDay.get(key) || [];
      const label = `${d.toLocaleDateString(undefined, { dateStyle: 'full' })}${posts.length ? `, ${posts.length} post${posts.length > 1 ? 's' : ''}` : ''}`;
      cells.push(el('div', { class: `cal-day${d.getMonth() !== first.getMonth() ? ' other' : ''}${key === today ? ' today' : ''}`, role: 'group', 'aria-label': label, 'data-date': key },
        el('span', { class: 'cal-num', 'aria-hidden': 'true' }, String(d.getDate())), ...posts.map((p) => calChip(view, p))));
    }
    $('#calendar').replaceChildren(...cells);
  }

  function renderWeek(view, byDay) {
    const start = view.week;
    const end = addDays(start, 6);
    const fmt = (d, o) => d.toLocaleDateString(undefined, o);
    $('#cal-title').textContent = `${fmt(start, { month: 'short', day: 'numeric' })} – ${fmt(end, { month: 'short', day: 'numeric', year: 'numeric' })}`;
    const today = dayKey(new Date());
    const days = [];
    for (let i = 0; i < 7; i++) {
      const d = addDays(start, i);
      const key = dayKey(d);
      const posts = byDay.get(key) || [];
      const head = el('h3', { class: 'week-head' }, el('span', { class: 'week-dow' }, fmt(d, { weekday: 'short' })), ' ',
        el('span', { class: 'week-num' }, fmt(d, { month: 'short', day: 'numeric' })));
      const list = posts.length ? el('ol', { class: 'week-posts' }, ...posts.map((p) => el('li', {}, calChip(view, p)))) : el('p', { class: 'week-empty muted' }, 'No posts');
      days.push(el('li', { class: `week-day${key === today ? ' today' : ''}`, 'data-date': key }, head, list));
    }
    $('#week').replaceChildren(...days);
  }

  // --- start ------------------------------------------------------------------

  const pages = { signup: initAuth, login: initAuth, accounts: initAccounts, keys: initKeys, compose: initCompose, posts: initPosts };
  document.addEventListener('DOMContentLoaded', () => {
    showStoredFlash();
    const init = pages[document.body.dataset.page];
    if (init) init();
  });
  // Exposed for tests of the counter estimate.
  window.salesai = { countX, countFor };
})();
