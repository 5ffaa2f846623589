// Counts the app's runs as the browser and the server exchange them, so that a test waits for the
// run its click asked for rather than for a fixed time. Installed in every page before Streamlit's
// own scripts (BrowserContext.add_init_script); read by `settle()` in conftest.py.
//
// asked:    rerun requests the page has sent (BackMsg.rerun_script, field 11: first byte 0x5A)
// started:  the value of `asked` when the server last announced a run (ForwardMsg.new_session, field 4)
// answered: the value of `started` when a run last finished (ForwardMsg.script_finished, field 6,
//           with any status but FINISHED_EARLY_FOR_RERUN = 2, which another run follows)
// leaving:  a run sent the browser elsewhere (ForwardMsg.auth_redirect, field 24: a login, a logout,
//           a language chosen before logging in); the next page counts its own runs
(() => {
  const runs = { asked: 0, started: 0, answered: 0, leaving: false, seen: 0, idle: 0 };

  function bytesOf(data) {
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return null;
  }

  // The top-level fields of a protobuf message: (field number, varint value or null).
  function eachField(bytes, visit) {
    let at = 0;
    const varint = () => {
      let value = 0;
      let scale = 1;
      let byte;
      do {
        byte = bytes[at++];
        value += (byte & 0x7f) * scale;
        scale *= 128;
      } while (byte & 0x80 && at < bytes.length);
      return value;
    };
    while (at < bytes.length) {
      const tag = varint();
      const field = Math.floor(tag / 8);
      const wire = tag & 7;
      if (wire === 0) visit(field, varint());
      else if (wire === 2) {
        const length = varint();
        visit(field, null);
        at += length;
      } else if (wire === 1) at += 8;
      else if (wire === 5) at += 4;
      else return;
    }
  }

  function received(data) {
    const bytes = bytesOf(data);
    if (!bytes) return;
    eachField(bytes, (field, value) => {
      if (field === 4) runs.started = runs.asked;
      else if (field === 6 && value !== 2) runs.answered = runs.started;
      else if (field === 24) runs.leaving = true;
    });
  }

  const Native = window.WebSocket;
  class CountingWebSocket extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => received(event.data));
    }
    send(data) {
      const bytes = bytesOf(data);
      if (bytes && bytes[0] === 0x5a) runs.asked += 1;
      return super.send(data);
    }
  }
  window.WebSocket = CountingWebSocket;

  const finished = () =>
    runs.answered === runs.asked &&
    document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === "notRunning";

  window.__zoneriskRuns = {
    // Polled once a frame by `settle()`. A run asked for since the last settle: done when every run
    // asked for has finished and the app shows it. Nothing asked yet: the action may ask a frame
    // or two late (a widget that commits on the next tick), so ten frames pass before "nothing to
    // wait for", unless the caller knows its action asks for a run (`runAsked`): then it waits for
    // that run however late the browser sends it (a click's request goes out after the click
    // returns, and on a loaded machine it may come later than ten frames). A run that sent the
    // browser elsewhere is never settled: the next page counts its own.
    settled: (runAsked = false) => {
      if (runs.leaving || runs.asked === 0) return false;
      if (runs.asked !== runs.seen) return finished();
      if (runAsked) return false;
      runs.idle += 1;
      return runs.idle > 10 && finished();
    },
    seen: () => {
      runs.seen = runs.asked;
      runs.idle = 0;
    },
  };
})();
