// The hostile-input scenarios (hostile.test.mjs) in Firefox.
process.env.LINKSCOPE_BROWSER = 'firefox';
await import('./hostile.test.mjs');
