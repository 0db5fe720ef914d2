// Runs the core out of stack mid-call, again and again, for the Node and the Chromium tests: the
// same function runs in Node and, through page.evaluate, in an extension page.

/**
 * `rounds` times: exhausts the JS stack, then calls the core at every depth on the way back up
 * until a call has worked 20 times; the stack runs out inside the core at some depths, which
 * skips its own clean-up (its stack pointer). After each round the core must still classify,
 * audit and validate. Returns `{ overflows, broken, restarts }`: `broken` is the first failure.
 * Self-contained (no closure), so page.evaluate can send it to a page.
 */
export async function overflowRounds({ coreUrl, profile, rounds }) {
  const core = await import(coreUrl);
  const product = 'https://www.amazon.com/dp/B08N5WRWNW?tag=mysite-20';
  let overflows = 0;
  let broken = null;
  for (let round = 0; round < rounds && !broken; round++) {
    let done = 0;
    const dive = () => {
      try {
        dive();
      } catch {}
      if (done < 20) {
        try {
          core.auditBatch(profile, [product, 'https://amazon.de/gp/product/B08N5WRWNW']);
          done += 1;
        } catch (e) {
          if (e instanceof RangeError || e.name === 'InternalError') overflows += 1; // V8, Firefox
        }
      }
    };
    dive();
    try {
      if (core.classifyBatch([product])[0].kind !== 'product') broken = 'wrong classification';
      else if (core.auditBatch(profile, [product]).summary.mine !== 1) broken = 'wrong audit';
      else if (!core.validateProfile(profile).ok) broken = 'wrong validation';
    } catch (e) {
      broken = `${e.constructor.name}: ${e.message}`;
    }
  }
  return { overflows, broken, restarts: core.coreRestarts() };
}
