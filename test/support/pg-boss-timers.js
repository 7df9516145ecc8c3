// pg-boss 10.4.2 requires 'node:timers/promises' inside delay() on every call, and the loop that removes stopped
// workers calls it once a second after stop() has resolved. Under Jest a require after a test file's environment
// was torn down returns undefined, and the next file in that worker "fails to run" for it (seen under load, when
// the loop outlives the file). This is pg-boss's delay() with the module taken once, when the file starts; it is
// loaded before pg-boss, whose modules destructure delay from ./tools at load time. Its timers do not keep the
// process alive (ref: false): a loop left waiting for a worker of a closed app must not keep Jest from exiting.
const tools = require('pg-boss/src/tools');
const { setTimeout: sleep } = require('node:timers/promises');

tools.delay = function delay(ms, error) {
  const ac = new AbortController();
  const promise = new Promise((resolve, reject) => {
    sleep(ms, null, { signal: ac.signal, ref: false })
      .then(() => (error ? reject(new Error(error)) : resolve()))
      .catch(resolve);
  });
  promise.abort = () => {
    if (!ac.signal.aborted) ac.abort();
  };
  return promise;
};
