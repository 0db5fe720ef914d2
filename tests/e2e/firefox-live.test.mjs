// The live checks' scenarios (live.test.mjs) in Firefox.
process.env.LINKSCOPE_BROWSER = 'firefox';
await import('./live.test.mjs');
