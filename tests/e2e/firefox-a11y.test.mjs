// axe-core on the popup and options (a11y.test.mjs) in Firefox.
process.env.LINKSCOPE_BROWSER = 'firefox';
await import('./a11y.test.mjs');
