// The shared check-in cases (tests/vectors/checkin.json), answered by the check-in page's modules.
// tests/unit/test_checkin_vectors.py answers the same cases with the server's functions.
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { codeHash, parseCode, PREFIX } from "../../static/js/checkin/codes.js";
import { countArrivals } from "../../static/js/checkin/tallies.js";

globalThis.crypto ??= webcrypto;  // Node 18 (Debian 12) has Web Crypto, but not as a global

const vectors = JSON.parse(readFileSync(new URL("../vectors/checkin.json", import.meta.url), "utf8"));

test("the badge prefix is the server's", () => {
  assert.equal(PREFIX, vectors.prefix);
});

describe("a scanned code reads as the vectors say", () => {
  for (const vector of vectors.codes) {
    test(vector.name, async () => {
      assert.equal(parseCode(vector.code), vector.secret);
      if (vector.secret !== null) assert.equal(await codeHash(vector.secret), vector.hash);
    });
  }
});

describe("a list counts as the vectors say", () => {
  for (const vector of vectors.counts) {
    test(vector.name, () => {
      assert.deepEqual(countArrivals(vector.list), vector.counts);
    });
  }
});
