/** The local backend's denylist stays bounded: entries expire, and a full list drops its oldest first. */
import { describe, expect, it } from "vitest";
import { RevocationList } from "../../src/emulator/revocations.js";

describe("the revocation list", () => {
  it("holds a revoked id for its retention time, then forgets it", () => {
    const list = new RevocationList(1_000);
    list.revoke("a", 0);
    list.revoke("b", 500);
    expect(list.ids(999)).toEqual(["a", "b"]);
    expect(list.has("a", 999)).toBe(true);
    expect(list.ids(1_000)).toEqual(["b"]);
    expect(list.has("a", 1_000)).toBe(false);
    expect(list.ids(1_500)).toEqual([]);
    expect(list.size).toBe(0);
  });

  it("never holds more than its capacity, dropping the oldest first", () => {
    const list = new RevocationList(60_000, 3);
    for (const [i, id] of ["a", "b", "c", "d", "e"].entries()) list.revoke(id, i);
    expect(list.ids(10)).toEqual(["c", "d", "e"]);
  });

  it("revoking an id again renews it instead of holding it twice", () => {
    const list = new RevocationList(1_000, 2);
    list.revoke("a", 0);
    list.revoke("b", 100);
    list.revoke("a", 200);
    expect(list.ids(300)).toEqual(["b", "a"]);
    expect(list.ids(1_150)).toEqual(["a"]);
  });
});
