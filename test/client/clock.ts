/**
 * A clock for the client (and the fake backend) that a test moves forward instead of waiting: `advance(ms)`,
 * and every `sleep(ms)` the client asks for moves it at once. It runs over `base`: a fixed start by default;
 * the real clock where a real server's clock must stay close (the server does not move with it).
 */
export interface TestClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  advance(ms: number): void;
}

export function testClock(base: () => number = fixed(Date.now())): TestClock {
  let offset = 0;
  return {
    now: () => base() + offset,
    async sleep(ms) {
      offset += ms;
    },
    advance(ms) {
      offset += ms;
    },
  };
}

function fixed(start: number): () => number {
  return () => start;
}
