// A session host in a Web Worker: loads worker.wasm (the sessions and
// agents, no drawing) and lets it speak with the game over postMessage.
"use strict";
importScripts("wasm_exec.js");
// Messages that come before the module is ready wait here; the host takes
// them when it starts.
self.bellmanInbox = [];
self.onmessage = (e) => { self.bellmanInbox.push(e.data); };
const fail = (msg) => postMessage({error: String(msg)});
(async () => {
  const go = new Go();
  let result;
  try {
    try {
      result = await WebAssembly.instantiateStreaming(fetch("worker.wasm"), go.importObject);
    } catch (e) {
      // A server without the application/wasm type: fall back to bytes.
      const bytes = await (await fetch("worker.wasm")).arrayBuffer();
      result = await WebAssembly.instantiate(bytes, go.importObject);
    }
  } catch (e) {
    fail("could not start the simulation: " + e);
    return;
  }
  await go.run(result.instance);
  fail("the simulation stopped");
})();
