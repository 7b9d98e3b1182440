// The console's stylesheet and its one script, served as files (the pages' Content-Security-Policy allows no
// inline code). The script is progressive enhancement: without it every page still reads and every form posts.

/** Plain CSS; status is always written out in words, colour only repeats it. */
export const CONSOLE_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #59636e; --line: #d1d9e0; --accent: #0a58ca;
  --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d;
  --accent: #4493f8; --ok: #3fb950; --warn: #d29922; --bad: #f85149; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header { display: flex; gap: 1rem; align-items: baseline; border-bottom: 1px solid var(--line); }
header a { color: inherit; font-weight: 600; text-decoration: none; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible {
  outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: .5rem; background: var(--bg); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }
caption { text-align: left; color: var(--muted); padding: .25rem 0; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
code, pre { font: 13px/1.4 ui-monospace, monospace; }
pre { white-space: pre-wrap; word-break: break-word; background: color-mix(in srgb, var(--line) 25%, transparent);
  padding: .5rem; border-radius: 4px; max-height: 20rem; overflow: auto; }
.status { font-weight: 600; padding: 0 .4rem; border-radius: 4px; border: 1px solid currentColor; white-space: nowrap; }
.status-completed { color: var(--ok); } .status-waiting, .status-running { color: var(--warn); }
.status-failed, .status-terminated, .status-timed_out, .status-cancelled { color: var(--bad); }
.muted { color: var(--muted); }
.alert { border: 2px solid var(--bad); padding: .5rem 1rem; border-radius: 4px; }
.notice { border: 2px solid var(--ok); padding: .5rem 1rem; border-radius: 4px; }
form.input { border: 1px solid var(--line); border-radius: 6px; padding: 1rem; margin: 1rem 0; }
fieldset { border: 1px solid var(--line); margin: .5rem 0; }
label { display: block; font-weight: 600; margin-top: .75rem; }
input[type=text], input[type=number], input[type=email], select, textarea { width: 100%; max-width: 40rem;
  font: inherit; padding: .35rem; color: inherit; background: var(--bg); border: 1px solid var(--muted); border-radius: 4px; }
input[type=checkbox] { width: 1.2rem; height: 1.2rem; vertical-align: middle; }
.hint { font-weight: 400; color: var(--muted); display: block; }
.actions { display: flex; gap: .75rem; margin-top: 1rem; }
button { font: inherit; font-weight: 600; padding: .4rem 1.2rem; border-radius: 4px; border: 2px solid var(--accent);
  background: var(--accent); color: #fff; cursor: pointer; }
button.deny { background: transparent; color: var(--bad); border-color: var(--bad); }
button.respond { background: transparent; color: var(--accent); }
ol.chunks { max-height: 16rem; overflow: auto; }
form.account { margin-left: auto; display: flex; gap: .5rem; align-items: center; }
form.account button { padding: .1rem .6rem; }
`;

/**
 * Live updates for the run page: the run's chunks from the API's SSE route (`data-events`), and the page's
 * sections refreshed from the server while the run is not over (forms are replaced only when the inputs the
 * run waits for change, so a half-filled form is kept).
 */
export const CONSOLE_JS = `
(function () {
  var main = document.querySelector('main[data-run]');
  if (!main) return;
  var sections = ['run-status', 'timeline', 'attempts', 'result'];
  var chunks = document.getElementById('chunks');
  var streamState = document.getElementById('stream-state');
  var busy = false;
  function swap(doc) {
    sections.forEach(function (id) {
      var now = document.getElementById(id), next = doc.getElementById(id);
      if (now && next && now.innerHTML !== next.innerHTML) now.innerHTML = next.innerHTML;
    });
    var inputs = document.getElementById('inputs'), nextInputs = doc.getElementById('inputs');
    var nextSignature = nextInputs && nextInputs.getAttribute('data-signature');
    if (inputs && nextInputs && nextSignature !== 'unknown' && inputs.getAttribute('data-signature') !== nextSignature) {
      inputs.replaceWith(nextInputs);
    }
    var nextMain = doc.querySelector('main[data-run]');
    if (nextMain) main.setAttribute('data-final', nextMain.getAttribute('data-final'));
  }
  function refresh() {
    if (busy) return;
    busy = true;
    fetch(main.getAttribute('data-refresh'), { headers: { Accept: 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html) swap(new DOMParser().parseFromString(html, 'text/html')); })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (main.getAttribute('data-final') !== 'true') setTimeout(refresh, 1500);
      });
  }
  if (chunks && window.EventSource) {
    var source = new EventSource(main.getAttribute('data-events'));
    streamState.textContent = 'Connected: chunks appear below as the flow streams them.';
    source.addEventListener('chunk', function (e) {
      var li = document.createElement('li');
      li.textContent = e.data;
      chunks.appendChild(li);
      chunks.scrollTop = chunks.scrollHeight;
    });
    function finish(text) { source.close(); streamState.textContent = text; setTimeout(refresh, 300); }
    source.addEventListener('result', function () { finish('The stream has ended: the run completed.'); });
    source.addEventListener('error', function (e) {
      if (e.data) finish('The stream has ended: the run did not complete.');
    });
  }
  if (main.getAttribute('data-final') !== 'true') setTimeout(refresh, 1500);
})();
`;

/**
 * The sign-in page's script. A sign-in link carries the token in its fragment (`#token=…`, which browsers never
 * send): the script takes it out of the address bar and the history before anything else, then posts it to the
 * session route and goes on to the page the person wanted. With Firebase configured, it signs in with the Firebase
 * Web SDK (compat build, kept in memory only) and exchanges the ID token the same way. Already signed in (a
 * SameSite=Strict cookie is not sent when another site's link brought the person here), it goes straight on.
 */
export const SIGN_IN_JS = `
(function () {
  var main = document.querySelector('main[data-sign-in]');
  if (!main) return;
  var sessionUrl = main.getAttribute('data-sign-in');
  var next = main.getAttribute('data-next');
  var state = document.getElementById('sign-in-state');
  function say(text) { state.textContent = text; }
  function fail(err) { say('Sign-in failed: ' + ((err && (err.code || err.message)) || err)); }
  function exchange(token) {
    say('Signing in…');
    return fetch(sessionUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: token })
    }).then(function (res) {
      if (res.ok) { say('Signed in.'); location.replace(next); return; }
      return res.json().then(function (body) { throw new Error(body.message || 'HTTP ' + res.status); },
        function () { throw new Error('HTTP ' + res.status); });
    });
  }
  var fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) {
    history.replaceState(null, '', location.pathname + location.search);
    exchange(fromLink).catch(fail);
  } else {
    fetch(sessionUrl, { credentials: 'same-origin' }).then(function (res) {
      if (res.status === 200) { say('Already signed in.'); location.replace(next); }
    }).catch(function () {});
  }
  var firebaseSettings = main.getAttribute('data-firebase');
  if (!firebaseSettings) return;
  if (!window.firebase || !window.firebase.auth) { say('The Firebase SDK did not load, so only an access token works here.'); return; }
  var settings = JSON.parse(firebaseSettings);
  var app = window.firebase.initializeApp(settings.config, 'genkitx-console');
  var auth = app.auth();
  if (settings.emulatorUrl) auth.useEmulator(settings.emulatorUrl, { disableWarnings: true });
  // In memory only: the console's own cookie is the session; nothing of Firebase stays in the browser.
  var ready = auth.setPersistence(window.firebase.auth.Auth.Persistence.NONE);
  function withFirebase(signIn) {
    say('Signing in…');
    ready.then(signIn)
      .then(function (credential) { return credential.user.getIdToken(); })
      .then(function (idToken) { return exchange(idToken).then(function () { return auth.signOut(); }); })
      .catch(fail);
  }
  var passwordForm = document.getElementById('firebase-password');
  if (passwordForm) passwordForm.addEventListener('submit', function (event) {
    event.preventDefault();
    var email = document.getElementById('email').value, password = document.getElementById('password').value;
    withFirebase(function () { return auth.signInWithEmailAndPassword(email, password); });
  });
  var google = document.getElementById('firebase-google');
  if (google) google.addEventListener('click', function () {
    withFirebase(function () { return auth.signInWithPopup(new window.firebase.auth.GoogleAuthProvider()); });
  });
})();
`;
