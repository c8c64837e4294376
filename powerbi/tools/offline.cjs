// Preloaded with `node --require ./offline.cjs` so that a run proves it needs
// no network: every way Node can open a connection or resolve a host name
// throws instead. Used by tests/pytest/test_power_bi_project.py.
"use strict";

const refuse = (what) =>
  function () {
    throw new Error(`offline.cjs: network access refused (${what})`);
  };

globalThis.fetch = async (input) => {
  throw new Error(`offline.cjs: network access refused (fetch ${input})`);
};
for (const name of ["http", "https", "http2", "net", "tls", "dns", "dgram"]) {
  const mod = require(name);
  for (const fn of [
    "request", "get", "connect", "createConnection",
    "lookup", "resolve", "resolve4", "resolve6", "createSocket",
  ]) {
    if (typeof mod[fn] === "function") mod[fn] = refuse(`${name}.${fn}`);
  }
}
// ES modules see the patched built-ins too.
require("module").syncBuiltinESMExports();
